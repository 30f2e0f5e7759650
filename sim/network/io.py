"""Read follower networks from edge-list and CSV files into :class:`Network`.

Every loader parses with one vectorised pandas pass (fast path). When that pass fails or yields
anything suspicious (missing, non-integer, negative or out-of-range values), the file is read
again line by line in Python (slow path), which either parses it or raises
:class:`NetworkFormatError` naming the file, the 1-based line number (counting comment and blank
lines, as an editor shows it), the line's text and what was expected. Clean files never pay for
the slow path.
"""

from __future__ import annotations

import csv
import gzip
import math
import os
import re
import warnings
import zlib
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.dtypes import NODE
from sim.errors import InputError
from sim.network.graph import Network

__all__ = [
    "NetworkFormatError",
    "load_csv",
    "load_csv_times",
    "load_csv_with_times",
    "load_edgelist",
    "load_labels",
    "load_network",
]

PathLike = str | os.PathLike[str]
Column = str | int

# Field kinds: non-negative node id, any integer, any finite number.
_ID, _INT, _NUM = "a non-negative integer node id", "an integer", "a finite number"
_PATTERNS = {_ID: re.compile(r"\+?\d+"), _INT: re.compile(r"[+-]?\d+")}
_INT64_MAX = np.iinfo(np.int64).max


class NetworkFormatError(InputError):
    """A network file that cannot be read; the message names the file and, if known, the line."""


# ---------------------------------------------------------------------------------- public API
def load_edgelist(
    path: PathLike,
    *,
    reverse: bool = False,
    undirected: bool = False,
    comment: str | None = "#",
    weight_column: int | None = None,
    weight_scale: tuple[float, float] | None = None,
    name: str | None = None,
) -> Network:
    """Load a whitespace-separated edge list (SNAP format), plain or gzipped.

    Each data line is ``source target [extra columns...]``; text after ``comment`` and blank
    lines are skipped. Original ids are mapped to 0..N-1 in sorted order and kept in
    ``labels``. ``reverse`` turns every edge around (for "follower -> followee" files such as
    wiki-Vote), ``undirected`` adds both directions. ``weight_column`` (0-based) reads initial
    tie strengths, which must lie in 0..1 unless ``weight_scale=(lo, hi)`` rescales them.
    Duplicate edges keep their first occurrence; self-loops are dropped.
    """
    path = Path(path)
    if comment is not None and len(comment) != 1:
        raise InputError("comment must be a single character or None")
    fields, layout = [(0, _ID), (1, _ID)], "two non-negative integer node ids"
    if weight_column is not None:
        if weight_column < 2:
            raise InputError("weight_column must be >= 2 (columns 0 and 1 are the node ids)")
        fields.append((weight_column, _NUM))
        layout += f" and a numeric weight in column {weight_column + 1}"
    in_unit = _unit_field(weight_scale, 2) if weight_column is not None else None
    columns = _read(_Format(path, fields, layout, comment, in_unit=in_unit))
    weights = columns[2] if weight_column is not None else None
    build = {"reverse": reverse, "undirected": undirected, "name": name}
    return _build(path, columns[0], columns[1], weights, weight_scale, **build)[0]


def load_csv(
    path: PathLike,
    *,
    source: Column = "source",
    target: Column = "target",
    weight: Column | None = None,
    time: Column | None = None,
    header: bool = True,
    reverse: bool = False,
    undirected: bool = False,
    weight_scale: tuple[float, float] | None = None,
    name: str | None = None,
) -> Network:
    """Load a comma-separated edge file with named (``header=True``) or numbered columns.

    Columns are header names or 0-based positions (positions only when ``header=False``, as for
    ``soc-sign-bitcoinotc.csv``). ``weight`` gives initial tie strengths in 0..1; values
    outside 0..1 need ``weight_scale=(lo, hi)``, which maps ``(w - lo) / (hi - lo)`` and clips
    to 0..1. ``time`` is only validated here; use :func:`load_csv_with_times` to get it.
    """
    columns = {"source": source, "target": target, "weight": weight, "time": time}
    build = {"reverse": reverse, "undirected": undirected, "name": name}
    return _load_csv(Path(path), columns, header, weight_scale, **build)[0]


def load_csv_with_times(
    path: PathLike,
    *,
    source: Column = "source",
    target: Column = "target",
    weight: Column | None = None,
    time: Column = "time",
    header: bool = True,
    reverse: bool = False,
    undirected: bool = False,
    weight_scale: tuple[float, float] | None = None,
    name: str | None = None,
) -> tuple[Network, np.ndarray]:
    """Like :func:`load_csv`, also returning the ``time`` column per edge.

    Times are float64 in the network's CSR edge order (the order of ``network.edges()``); a
    duplicate edge keeps the time of its first occurrence in the file, like its tie.
    """
    network, times, _ = load_csv_times(
        path, source=source, target=target, weight=weight, time=time, header=header,
        reverse=reverse, undirected=undirected, weight_scale=weight_scale, name=name,
    )  # fmt: skip
    return network, times


def load_csv_times(
    path: PathLike,
    *,
    source: Column = "source",
    target: Column = "target",
    weight: Column | None = None,
    time: Column | None = None,
    until: Column | None = None,
    header: bool = True,
    reverse: bool = False,
    undirected: bool = False,
    weight_scale: tuple[float, float] | None = None,
    name: str | None = None,
) -> tuple[Network, np.ndarray | None, np.ndarray | None]:
    """Like :func:`load_csv`, also returning per edge (CSR order, float64) the ``time`` a tie
    formed or last interacted and the time it ends (``until``), each None when not asked for.
    A duplicate edge keeps the times of its first occurrence in the file, like its tie."""
    columns = {"source": source, "target": target, "weight": weight, "time": time}
    columns["until"] = until
    build = {"reverse": reverse, "undirected": undirected, "name": name}
    network, times = _load_csv(Path(path), columns, header, weight_scale, **build)
    found = iter(range(0 if times is None else times.shape[1]))
    picked = [None if col is None else times[:, next(found)] for col in (time, until)]
    return network, picked[0], picked[1]


def load_labels(path: PathLike, network: Network, *, name: str | None = None) -> np.ndarray:
    """Read a ``node<whitespace>label`` file into community ids aligned with ``network``.

    Returns an int32 array with one entry per internal node, the labels mapped to 0..K-1 in
    sorted order of the file's values. Every node of the network needs a label; lines about
    nodes that are not in the network are ignored. ``name`` is what error messages call the
    file (default: its path).
    """
    path = Path(path)
    shown = name or str(path)
    layout = "a non-negative integer node id and an integer label"
    ids, values = _read(_Format(path, [(0, _ID), (1, _INT)], layout, shown=shown))
    known = network.labels if network.labels is not None else np.arange(network.n_nodes)
    inside = np.isin(ids, known)
    internal, values = network.node_ids(ids[inside]).astype(np.int64), values[inside]
    order = np.argsort(internal, kind="stable")
    internal, values = internal[order], values[order]
    repeat = np.flatnonzero((internal[1:] == internal[:-1]) & (values[1:] != values[:-1]))
    if repeat.size:
        k = repeat[0]
        raise NetworkFormatError(
            f"{shown}: node {known[internal[k]]} has two labels, {values[k]} and {values[k + 1]}"
        )
    covered = np.zeros(network.n_nodes, dtype=bool)
    covered[internal] = True
    if not covered.all():
        missing = known[~covered]
        raise NetworkFormatError(
            f"{shown}: no label for {missing.size} of the network's nodes, e.g. node {missing[0]}"
        )
    assigned = np.empty(network.n_nodes, dtype=np.int64)
    assigned[internal] = values
    return np.unique(assigned, return_inverse=True)[1].astype(NODE)


def load_network(path: PathLike, **kwargs) -> Network:
    """Load ``path`` with :func:`load_csv` if it ends in ``.csv`` (or ``.csv.gz``).

    Anything else (``.txt``, ``.tsv``, ``.edges``, ``.gz``) goes to :func:`load_edgelist`.
    """
    if Path(path).name.lower().endswith((".csv", ".csv.gz")):
        return load_csv(path, **kwargs)
    return load_edgelist(path, **kwargs)


# ---------------------------------------------------------------------------------- internals
@dataclass(frozen=True)
class _Format:
    """How to read one file: the (column, kind) fields wanted and how lines are laid out."""

    path: Path
    fields: list[tuple[int, str]]
    layout: str  # what a good line holds, for error messages
    comment: str | None = "#"
    csv: bool = False
    header: bool = False
    in_unit: int | None = None  # index in ``fields`` of a value that must lie in 0..1
    shown: str = ""  # the file's name in messages (default: the path)


def _load_csv(
    path: Path,
    columns: dict[str, Column | None],
    header: bool,
    weight_scale: tuple[float, float] | None,
    **build: Any,
) -> tuple[Network, np.ndarray | None]:
    """Shared body of the CSV loaders: resolve the columns, read them, build the network."""
    wanted = {role: col for role, col in columns.items() if col is not None}
    names = _header(path) if header else None
    positions, labels = {}, {}
    for role, col in wanted.items():
        if isinstance(col, int) and not isinstance(col, bool):
            positions[role], labels[role] = col, f"column {col + 1}"
        elif names is None:
            raise InputError(f"with header=False, {role} must be a 0-based column number")
        elif col not in names:
            raise NetworkFormatError(f"{path}: no column {col!r} for {role}; columns are {names}")
        else:
            positions[role], labels[role] = names.index(col), repr(col)
    kinds = {"source": _ID, "target": _ID, "weight": _NUM, "time": _NUM, "until": _NUM}
    roles = list(wanted)
    layout = ", ".join(f"{kinds[role]} in {labels[role]}" for role in roles)
    in_unit = _unit_field(weight_scale, roles.index("weight")) if "weight" in wanted else None
    fmt = _Format(
        path, [(positions[r], kinds[r]) for r in roles], layout, None, True, header, in_unit
    )
    values = dict(zip(roles, _read(fmt), strict=True))
    extra = [values[role] for role in ("time", "until") if role in values]
    return _build(
        path, values["source"], values["target"], values.get("weight"), weight_scale,
        times=np.column_stack(extra) if extra else None, **build,
    )  # fmt: skip


def _unit_field(weight_scale: tuple[float, float] | None, index: int) -> int | None:
    """Index of the field that must lie in 0..1 (None when a weight_scale rescales it)."""
    if weight_scale is None:
        return index
    lo, hi = weight_scale
    if not hi > lo:
        raise InputError(f"weight_scale must be (lo, hi) with lo < hi, got {weight_scale}")
    return None


def _check_file(path: Path, shown: str | None = None) -> None:
    """A readable regular file, or one line saying what it is instead."""
    shown = shown or str(path)
    try:
        if not path.exists():
            raise NetworkFormatError(f"{shown}: no such file")
        if path.is_dir():
            raise NetworkFormatError(f"{shown}: is a folder, not a network file")
        if not path.is_file():
            raise NetworkFormatError(f"{shown}: not a regular file (a device or pipe)")
        with open(path, "rb"):
            pass
    except OSError as error:
        raise NetworkFormatError(f"{shown}: cannot read ({error.strerror})") from None


_DECOMPRESSION_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


def _is_gzip(path: Path) -> bool:
    if path.suffix.lower() == ".gz":
        return True
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of every line, 1-based, decompressing gzip."""
    compressed = _is_gzip(path)
    opener: Callable = gzip.open if compressed else open
    number = 0
    try:
        with opener(path, "rt", encoding="utf-8-sig", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                yield number, line.rstrip("\r\n")
    except _DECOMPRESSION_ERRORS as error:
        what = "truncated" if isinstance(error, EOFError) else "not valid gzip"
        after = f" after line {number}" if number else ""
        raise NetworkFormatError(
            f"{path}: compressed file is {what}{after} ({error}); re-download or re-compress it"
        ) from None


def _header(path: Path) -> list[str]:
    _check_file(path)
    for _, text in _lines(path):
        if text.strip():
            return [name.strip() for name in next(csv.reader([text]))]
    raise NetworkFormatError(f"{path}: empty file, expected a header line")


def _read(fmt: _Format) -> list[np.ndarray]:
    """Parse the wanted fields of every data row: fast pandas path, else :func:`_slow`."""
    _check_file(fmt.path, fmt.shown)
    usecols = sorted({col for col, _ in fmt.fields})
    options = {} if fmt.csv else {"sep": r"\s+", "comment": fmt.comment}
    options["compression"] = "gzip" if _is_gzip(fmt.path) else None
    try:
        with warnings.catch_warnings():  # mixed-type columns are caught below
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)
            frame = pd.read_csv(
                fmt.path, header=0 if fmt.header else None, usecols=usecols, engine="c",
                skipinitialspace=True, **options,
            )  # fmt: skip
    except (ValueError, *_DECOMPRESSION_ERRORS):  # tokenising, empty, decoding, bad gzip
        return _slow(fmt)
    columns = [_clean(frame.iloc[:, usecols.index(col)], kind) for col, kind in fmt.fields]
    if len(frame) == 0 or any(c is None for c in columns):
        return _slow(fmt)
    if fmt.in_unit is not None and ((columns[fmt.in_unit] < 0) | (columns[fmt.in_unit] > 1)).any():
        return _slow(fmt)
    return columns


def _clean(series: pd.Series, kind: str) -> np.ndarray | None:
    """The column as an array if every value is valid for ``kind``, else None."""
    dtype = series.dtype
    if kind == _NUM:
        if dtype.kind not in "iuf":
            return None
        values = series.to_numpy(dtype=np.float64)
        return values if np.isfinite(values).all() else None
    if dtype.kind not in "iu" or (dtype.kind == "u" and series.max() > _INT64_MAX):
        return None
    values = series.to_numpy(dtype=np.int64)
    return None if kind == _ID and values.size and values.min() < 0 else values


def _slow(fmt: _Format) -> list[np.ndarray]:
    """Parse line by line in Python, raising at the first bad line with its number and text."""
    columns = [array("d" if kind == _NUM else "q") for _, kind in fmt.fields]
    need = max(col for col, _ in fmt.fields) + 1
    header, shown = fmt.header, fmt.shown or str(fmt.path)
    for number, text in _lines(fmt.path):
        if fmt.csv:
            tokens = [t.strip() for t in next(csv.reader([text]))] if text.strip() else []
        else:
            tokens = (text.split(fmt.comment, 1)[0] if fmt.comment else text).split()
        if not tokens:
            continue
        if header:  # the first non-blank line of a CSV with a header
            header = False
            continue
        row = [_value(tokens[col], kind) for col, kind in fmt.fields] if len(tokens) >= need else []
        if None in row or not row:
            problem = f"found {len(tokens)} of {need} fields"
            for (col, kind), value in zip(fmt.fields, row, strict=False):
                if value is None:
                    problem = f"{tokens[col]!r} in column {col + 1} is not {kind}"
                    break
            raise NetworkFormatError(
                f"{shown}, line {number}: expected {fmt.layout}, got {text[:200]!r} ({problem})"
            )
        if fmt.in_unit is not None and not 0 <= row[fmt.in_unit] <= 1:
            raise NetworkFormatError(
                f"{shown}, line {number}: weight {row[fmt.in_unit]:g} in column "
                f"{fmt.fields[fmt.in_unit][0] + 1} is outside 0..1, got {text[:200]!r}; "
                "pass weight_scale=(lo, hi) to rescale it"
            )
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    if not columns[0]:
        raise NetworkFormatError(f"{shown}: no data lines (expected {fmt.layout} per line)")
    return [np.array(column) for column in columns]


def _value(token: str, kind: str) -> float | int | None:
    """``token`` parsed as ``kind``, or None when it is not one."""
    if kind == _NUM:
        try:
            value = float(token)
        except ValueError:
            return None
        return value if math.isfinite(value) else None
    if _PATTERNS[kind].fullmatch(token) and abs(int(token)) <= _INT64_MAX:
        return int(token)
    return None


def _build(
    path: Path,
    sources: np.ndarray,
    targets: np.ndarray,
    weights: np.ndarray | None,
    weight_scale: tuple[float, float] | None,
    *,
    reverse: bool,
    undirected: bool,
    name: str | None,
    times: np.ndarray | None = None,
) -> tuple[Network, np.ndarray | None]:
    """Relabel ids to 0..N-1, orient the edges and build the network (and per-edge times: one
    column per time field)."""
    if name is None:
        name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
        name = Path(name).stem
    labels, src, dst = _relabel(sources, targets)
    ties = None
    if weights is not None:
        ties = weights
        if weight_scale is not None:
            lo, hi = weight_scale
            ties = np.clip((weights - lo) / (hi - lo), 0.0, 1.0)
    if reverse:
        src, dst = dst, src
    if undirected:  # interleave so both directions of line k sit at 2k, 2k+1 (file order kept)
        src, dst = np.column_stack([src, dst]).ravel(), np.column_stack([dst, src]).ravel()
        ties = None if ties is None else np.repeat(ties, 2)
        times = None if times is None else np.repeat(times, 2, axis=0)
    network = Network.from_edges(src, dst, labels.size, ties=ties, labels=labels, name=name)
    if times is not None:  # same self-loop filter and first-occurrence dedupe as from_edges
        keep = src != dst
        key = src[keep] * labels.size + dst[keep]
        unique, first = np.unique(key, return_index=True)
        edge_src, edge_dst = network.edges()
        assert np.array_equal(unique, edge_src.astype(np.int64) * labels.size + edge_dst)
        times = times[keep][first].astype(np.float64)
    return network, times


def _relabel(sources: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, ...]:
    """Sorted unique original ids, and both endpoint arrays mapped to their positions."""
    top = int(max(sources.max(), targets.max()))
    if top < 4 * (sources.size + targets.size) + 1024:  # dense ids: O(n) with a lookup table
        present = np.zeros(top + 1, dtype=bool)
        present[sources] = True
        present[targets] = True
        labels = np.flatnonzero(present).astype(np.int64)
        lookup = np.cumsum(present, dtype=np.int64) - 1
        return labels, lookup[sources], lookup[targets]
    labels, inverse = np.unique(np.concatenate([sources, targets]), return_inverse=True)
    return labels, inverse[: sources.size], inverse[sources.size :]
