"""Observed data a calibration fits: cascade trees and adoption curves, read and checked.

Two kinds, each from one or more delimited text files (``.tsv``/``.tab`` tab-separated,
``.csv`` comma-separated, either optionally gzipped) with a header line:

* **cascade trees** (the format of ``shared/data/twitter15_edges_part*.tsv.gz``): one row per
  ``parent -> child`` edge, columns ``cascade``, ``parent_uid``, ``child_uid`` and
  ``child_delay_min`` (or ``child_delay_hours``); any other column is ignored. One row of
  each cascade names its source user as child of ``ROOT``; a cascade's rows are consecutive.
  Rows may repeat (dropped) and delays may be negative (clipped to 0 for timing), as in
  Twitter15.
* **an adoption curve**: a time column (``day`` or ``hour``: the period's index, 0 = the first
  day or hour, increasing) and ``count`` (new adopters in that period) or ``cumulative``
  (adopters by the end of it).

Every mistake is one :class:`~sim.errors.InputError` line naming the file, the line and the
column, the bad value and what is allowed.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError

CASCADE_COLUMNS = ("cascade", "parent_uid", "child_uid")
DELAY_COLUMNS = {"child_delay_min": 1.0 / 60.0, "child_delay_hours": 1.0}
"""Accepted delay columns and their factor to hours."""
ROOT = "ROOT"
TIME_COLUMNS = {"day": 24.0, "hour": 1.0}
"""Accepted time columns of an adoption curve and their factor to hours."""


@dataclass(frozen=True)
class CascadeEdges:
    """Checked cascade edges of one or more files, repeated rows dropped.

    ``edges`` has the columns ``cascade`` (str), ``parent_uid``, ``child_uid`` (str) and
    ``hours`` (float64, the child's delay after the source, negative values clipped to 0);
    ``files`` are the files read, ``repeated`` the rows dropped as exact repeats."""

    edges: pd.DataFrame
    files: tuple[Path, ...]
    repeated: int

    @property
    def n_cascades(self) -> int:
        return int(self.edges["cascade"].nunique())


@dataclass(frozen=True)
class AdoptionCurve:
    """A checked adoption curve: ``hours`` (float64, the end of each period in hours since the
    start: day ``d`` ends at ``24 (d + 1)``) and ``cumulative`` adopters by then (float64,
    non-decreasing), with the period unit (``day`` or ``hour``)."""

    hours: np.ndarray
    cumulative: np.ndarray
    unit: str
    file: Path

    @property
    def counts(self) -> np.ndarray:
        """New adopters per period."""
        return np.diff(self.cumulative, prepend=0.0)

    @property
    def periods(self) -> np.ndarray:
        """The time column as given (the periods' indices, in days or hours)."""
        return self.hours / TIME_COLUMNS[self.unit] - 1.0


# ---------------------------------------------------------------------------- reading
def _separator(path: Path) -> str:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".tsv", ".tab", ".txt")):
        return "\t"
    if name.endswith(".csv"):
        return ","
    raise InputError(f"{path}: expected a .tsv, .tab, .txt or .csv file (optionally .gz)")


def _read_table(path: Path) -> pd.DataFrame:
    """Every field as text (empty fields stay ``""``); row ``i`` is line ``i + 2``."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: observed file not found")
    sep = _separator(path)
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as handle:
                handle.read(1)  # a file named .gz that is not gzip fails here, with its name
        table = pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            quoting=3 if sep == "\t" else 0,  # csv.QUOTE_NONE for TSV: quotes are data
        )
    except pd.errors.ParserError as error:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        if found:
            expected, line, saw = (int(g) for g in found.groups())
            raise InputError(
                f"{path}, line {line}, column {expected + 1}: {saw} fields where the header has "
                f"{expected}; one value per header column"
            ) from None
        raise InputError(f"{path}: not a readable table: {str(error).splitlines()[-1]}") from None
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read it: {error}") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}, line 1: the file is empty; expected a header line") from None
    if table.empty:
        raise InputError(f"{path}, line 2: no rows after the header")
    return table


def _require(path: Path, table: pd.DataFrame, names, what: str) -> None:
    missing = [name for name in names if name not in table.columns]
    if missing:
        shown = ", ".join(table.columns[:8])
        raise InputError(
            f"{path}, line 1: {what}: no column {missing[0]!r} in the header ({shown}); "
            f"needed: {', '.join(names)}"
        )


def _where(path: Path, table: pd.DataFrame, row: int, column: str) -> str:
    return f"{path}, line {row + 2}, column {table.columns.get_loc(column) + 1} ({column})"


def _missing(path: Path, table: pd.DataFrame, columns) -> None:
    for column in columns:
        empty = np.flatnonzero(table[column].str.strip().to_numpy() == "")
        if empty.size:
            raise InputError(f"{_where(path, table, int(empty[0]), column)}: empty value")


def _numbers(path: Path, table: pd.DataFrame, column: str, allowed: str) -> np.ndarray:
    """A column as finite float64, or an error at its first bad value."""
    values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        row = int(bad[0])
        raise InputError(
            f"{_where(path, table, row, column)}: {table[column].iloc[row]!r} is not {allowed}"
        )
    return values


# ---------------------------------------------------------------------------- cascades
def load_cascades(files: Path | str | list) -> CascadeEdges:
    """Read and check cascade-tree files (see the module docstring); several files are one
    collection (a cascade id may not continue from one file into the next)."""
    paths = [Path(f) for f in (files if isinstance(files, list | tuple) else [files])]
    if not paths:
        raise InputError("observed: give at least one cascade file")
    frames, seen = [], {}
    for path in paths:
        table = _read_table(path)
        _require(path, table, CASCADE_COLUMNS, "cascade trees")
        delay = next((c for c in DELAY_COLUMNS if c in table.columns), None)
        if delay is None:
            raise InputError(
                f"{path}, line 1: cascade trees: no delay column in the header; needed one of "
                f"{', '.join(DELAY_COLUMNS)}"
            )
        _missing(path, table, (*CASCADE_COLUMNS, delay))
        hours = _numbers(path, table, delay, "a finite number of minutes or hours")
        hours = hours * DELAY_COLUMNS[delay]
        cascade = table["cascade"].str.strip()
        roots = table["parent_uid"].str.strip().to_numpy() == ROOT
        first = ~cascade.duplicated().to_numpy()
        with_root = set(cascade[roots])
        lacking = np.flatnonzero(first & ~cascade.isin(with_root).to_numpy())
        if lacking.size:
            row = int(lacking[0])
            raise InputError(
                f"{_where(path, table, row, 'cascade')}: cascade {cascade.iloc[row]!r} has no "
                f"row with parent {ROOT} (its source user as child); a cascade needs one"
            )
        twice = np.flatnonzero(_repeat(cascade, roots))
        if twice.size:
            row = int(twice[0])
            raise InputError(
                f"{_where(path, table, row, 'parent_uid')}: a second {ROOT} row in cascade "
                f"{cascade.iloc[row]!r}; a cascade has one source"
            )
        starts = np.flatnonzero((cascade != cascade.shift()).to_numpy())
        runs = cascade.to_numpy()[starts]
        for row, name in zip(starts, runs, strict=True):
            if name in seen:
                raise InputError(
                    f"{_where(path, table, int(row), 'cascade')}: cascade {name!r} also appears "
                    f"earlier ({seen[name]}); a cascade's rows must be consecutive"
                )
            seen[name] = f"{path}, line {int(row) + 2}"
        frames.append(
            pd.DataFrame(
                {
                    "cascade": cascade.to_numpy(),
                    "parent_uid": table["parent_uid"].str.strip().to_numpy(),
                    "child_uid": table["child_uid"].str.strip().to_numpy(),
                    "hours": np.clip(hours, 0.0, None),
                }
            )
        )
    edges = pd.concat(frames, ignore_index=True)
    before = len(edges)
    edges = edges.drop_duplicates(ignore_index=True)
    return CascadeEdges(edges, tuple(paths), before - len(edges))


def _repeat(cascade: pd.Series, roots: np.ndarray) -> np.ndarray:
    """True at every ROOT row after the first of its cascade."""
    marked = pd.Series(np.where(roots, cascade.to_numpy(), None))
    return (marked.notna() & marked.duplicated()).to_numpy()


# ---------------------------------------------------------------------------- curves
def load_curve(file: Path | str) -> AdoptionCurve:
    """Read and check an adoption curve CSV (see the module docstring)."""
    path = Path(file[0] if isinstance(file, list | tuple) and len(file) == 1 else file)
    if isinstance(file, list | tuple) and len(file) != 1:
        raise InputError("observed: an adoption curve is one file")
    table = _read_table(path)
    unit = next((c for c in TIME_COLUMNS if c in table.columns), None)
    if unit is None:
        raise InputError(
            f"{path}, line 1: adoption curve: no time column in the header; needed one of "
            f"{', '.join(TIME_COLUMNS)}"
        )
    value = next((c for c in ("count", "cumulative") if c in table.columns), None)
    if value is None:
        raise InputError(
            f"{path}, line 1: adoption curve: no column 'count' or 'cumulative' in the header"
        )
    _missing(path, table, (unit, value))
    times = _numbers(path, table, unit, f"a finite number of {unit}s")
    values = _numbers(path, table, value, "a finite number of adopters")
    steps = np.flatnonzero(np.diff(times) <= 0)
    if steps.size:
        row = int(steps[0]) + 1
        raise InputError(
            f"{_where(path, table, row, unit)}: {table[unit].iloc[row]!r} does not come after "
            f"{table[unit].iloc[row - 1]!r}; times must increase"
        )
    if times[0] < 0:
        raise InputError(f"{_where(path, table, 0, unit)}: {table[unit].iloc[0]!r} is negative")
    negative = np.flatnonzero(values < 0)
    if negative.size:
        row = int(negative[0])
        raise InputError(
            f"{_where(path, table, row, value)}: {table[value].iloc[row]!r} is negative; "
            "adopters are >= 0"
        )
    if value == "count":
        cumulative = np.cumsum(values)
    else:
        falling = np.flatnonzero(np.diff(values) < 0)
        if falling.size:
            row = int(falling[0]) + 1
            raise InputError(
                f"{_where(path, table, row, value)}: {table[value].iloc[row]!r} is below the "
                "previous value; a cumulative count never falls"
            )
        cumulative = values
    if cumulative[-1] <= 0:
        raise InputError(f"{path}: the curve has no adopters at all; nothing to fit")
    hours = (times + 1.0) * TIME_COLUMNS[unit]
    return AdoptionCurve(hours, cumulative.astype(np.float64), unit, path)


# ---------------------------------------------------------------------------- splits
SPLITS = ("none", "parity", "hash")


def split_ids(ids: np.ndarray, split: str) -> np.ndarray:
    """True for the cascades a fit uses (the rest are held out), by a fixed rule.

    ``parity``: integer ids, even ids fit and odd ids held out; ``hash``: the same on the CRC-32
    of the id text (any ids); ``none``: every cascade fits and none is held out."""
    import zlib

    ids = np.asarray(ids).astype(str)
    if split == "none":
        return np.ones(ids.size, dtype=bool)
    if split == "parity":
        try:
            numbers = np.array([int(i) for i in ids], dtype=np.int64)
        except ValueError:
            bad = next(str(i) for i in ids if not i.lstrip("-").isdigit())
            raise InputError(
                f"calibrate.split: parity needs integer cascade ids, got {bad!r}; use hash"
            ) from None
        return numbers % 2 == 0
    if split == "hash":
        return np.array([zlib.crc32(i.encode("utf-8")) % 2 == 0 for i in ids], dtype=bool)
    raise InputError(f"calibrate.split: {split!r} is not one of {', '.join(SPLITS)}")


# ---------------------------------------------------------------------------- writing
def cascade_rows(traces, names=None) -> pd.DataFrame:
    """Simulated traces as cascade-tree rows in the format :func:`load_cascades` reads
    (``cascade``, ``parent_uid``, ``child_uid``, ``child_delay_min``): the first adopter of
    each trace is the source (child of ``ROOT``); adopters not descended from it are left
    out. ``names`` gives the cascade ids (default 0, 1, ...)."""
    frames = []
    for k, trace in enumerate(traces):
        agent = np.asarray(trace.agent, dtype=np.int64)
        if agent.size == 0:
            continue
        parent = np.asarray(trace.parent, dtype=np.int64).copy()
        minutes = np.asarray(trace.hours, dtype=np.float64) * 60.0
        kept = {int(agent[0])}
        keep = np.zeros(agent.size, dtype=bool)
        keep[0] = True
        for i in range(1, agent.size):  # parents adopt before their children
            if int(parent[i]) in kept:
                keep[i] = True
                kept.add(int(agent[i]))
        parents = np.where(parent >= 0, parent.astype(str), ROOT).astype(object)
        parents[0] = ROOT
        frames.append(
            pd.DataFrame(
                {
                    "cascade": str(names[k]) if names is not None else str(k),
                    "parent_uid": parents[keep],
                    "child_uid": agent[keep].astype(str),
                    "child_delay_min": minutes[keep] - minutes[0],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
