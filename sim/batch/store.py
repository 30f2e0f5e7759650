"""The resumable result store of a batch: a Parquet dataset per table and a manifest.

Layout of a batch folder::

    batch.json                     what the batch is: the scenario's hash, its points, strategies
    tasks.jsonl                    one line per finished task, appended after its files exist
    points.csv                     the swept values of every point
    steps/part-p00003-s001-r0000256-0000512.parquet     one part file per task and table
    replications/...  attribution/...  communities/...
    strategies/part-p00003-s001.parquet                 each point's plan of each strategy

A part is written to a temporary name and renamed into place, then recorded in ``tasks.jsonl``
(flushed and synced). A batch killed at any moment therefore holds complete part files only; a
part renamed but not yet recorded is simply recomputed under the same name on resume, so
nothing is counted twice. The manifest records the resolved scenario's hash, and a folder made
by a different scenario is never mixed with new results.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.errors import InputError
from sim.report.writer import json_text
from sim.version import __version__

TABLES = ("steps", "replications", "attribution", "communities")
HEADER = "batch.json"
LOG = "tasks.jsonl"


@dataclass(frozen=True, order=True)
class Task:
    """Replications ``start .. stop - 1`` of one strategy (by index) at one point."""

    point: int
    strategy: int
    start: int
    stop: int

    @property
    def stem(self) -> str:
        return f"part-p{self.point:05d}-s{self.strategy:03d}-r{self.start:07d}-{self.stop:07d}"


def content_hash(payload) -> str:
    """A short stable hash of a JSON-able payload (the resolved scenario and design)."""
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class BatchStore:
    """A batch folder: open (new or resumed), record finished tasks, read tables back."""

    def __init__(self, directory: Path, header: dict) -> None:
        self.directory = directory
        self.header = header
        self.done: set[Task] = set()
        self.failures: list[dict] = []

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, directory: str | Path, header: dict, *, force: bool = False) -> BatchStore:
        """The store at ``directory``: created, or resumed when it holds the same batch.

        A folder made by a different scenario or design is refused (``force`` starts over);
        a folder holding anything else is refused always."""
        directory = Path(directory)
        if directory.exists() and not directory.is_dir():
            raise InputError(f"--out: {directory} is a file, not a batch folder")
        manifest = directory / HEADER
        if directory.exists() and any(directory.iterdir()) and not manifest.exists():
            raise InputError(
                f"--out: {directory} is not empty and holds no batch ({HEADER}); give a new "
                "folder or an earlier batch's folder to resume it"
            )
        if manifest.exists():
            old = json.loads(manifest.read_text())
            if old.get("hash") != header["hash"]:
                if not force:
                    raise InputError(
                        f"--out: {directory} holds a batch of a different scenario or design "
                        f"(hash {old.get('hash')}, this one {header['hash']}); results are "
                        "never mixed: give a new folder, or --force to start it over"
                    )
                _clear(directory)
        directory.mkdir(parents=True, exist_ok=True)
        for table in (*TABLES, "strategies"):
            (directory / table).mkdir(exist_ok=True)
        store = cls(directory, header)
        if not manifest.exists():
            write_atomically(manifest, json_text(header))
            points = pd.DataFrame([{"point": p["index"], **p["values"]} for p in header["points"]])
            write_atomically(directory / "points.csv", points.to_csv(index=False))
        store._read_log()
        store._remove_temporaries()
        return store

    def _read_log(self) -> None:
        for entry in read_log(self.directory / LOG):
            if entry.get("failed"):
                self.failures.append(entry)
                continue
            task = Task(entry["point"], entry["strategy"], entry["start"], entry["stop"])
            if all((self.directory / t / f"{task.stem}.parquet").exists() for t in TABLES):
                self.done.add(task)

    def _remove_temporaries(self) -> None:
        for folder in (self.directory, *(self.directory / t for t in (*TABLES, "strategies"))):
            for path in folder.glob(".tmp-*"):
                path.unlink(missing_ok=True)

    # ------------------------------------------------------------------ writing
    def record(self, task: Task, tables: dict[str, pd.DataFrame], plan: pd.DataFrame) -> None:
        """Write a finished task's part files (temporary name, then rename), then log it."""
        for name in TABLES:
            write_parquet(self.directory / name / f"{task.stem}.parquet", tables[name])
        plan_path = (
            self.directory / "strategies" / f"part-p{task.point:05d}-s{task.strategy:03d}.parquet"
        )
        if not plan_path.exists():
            write_parquet(plan_path, plan)
        append_log(
            self.directory / LOG,
            {
                "point": task.point,
                "strategy": task.strategy,
                "start": task.start,
                "stop": task.stop,
            },
        )
        self.done.add(task)

    def record_failure(
        self, task: Task, replication: int | None, key: int | None, error: str
    ) -> dict:
        """Log a replication that raised, or (``replication`` None) a strategy that cannot be
        planned at this point; it is tried again when the batch is resumed."""
        entry = {
            "failed": True,
            "point": task.point,
            "strategy": task.strategy,
            "strategy_name": self.header["strategies"][task.strategy],
            "replication": replication,
            "key": key,
            "seed": self.header["points"][task.point]["seed"],
            "error": error,
        }
        append_log(self.directory / LOG, entry)
        self.failures.append(entry)
        return entry

    # ------------------------------------------------------------------ reading
    def done_replications(self, point: int, strategy: int) -> set[int]:
        """Replication indices of one (point, strategy) already recorded."""
        found: set[int] = set()
        for task in self.done:
            if task.point == point and task.strategy == strategy:
                found.update(range(task.start, task.stop))
        return found

    def read(self, table: str) -> pd.DataFrame:
        """One table over every recorded task, sorted by point, strategy, replication (and
        step, seed or community)."""
        paths = sorted(self.directory / table / f"{task.stem}.parquet" for task in self.done)
        if table == "strategies":
            paths = sorted((self.directory / table).glob("part-*.parquet"))
        if not paths:
            return pd.DataFrame()
        frame = pd.concat([pd.read_parquet(path) for path in paths], ignore_index=True)
        if "strategy" in frame.columns:  # in the scenario's order, as in-memory results
            names = list(self.header["strategies"])
            frame["strategy"] = pd.Categorical(frame["strategy"].astype(str), categories=names)
        order = ("point", "strategy", "replication", "step", "seed", "community")
        keys = [c for c in order if c in frame.columns]
        return frame.sort_values(keys, kind="stable", ignore_index=True)


def read_log(path: Path) -> list[dict]:
    """The entries of an append-only JSON-lines log (none when it does not exist); a last line
    cut short by a kill while appending is not an entry."""
    if not path.exists():
        return []
    entries = []
    for line in path.read_text().splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return entries


def append_log(path: Path, entry: dict) -> None:
    """Append one entry to a JSON-lines log and sync it to disk before returning."""
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def write_parquet(path: Path, table: pd.DataFrame) -> None:
    """Write ``table`` to ``path`` whole or not at all (a temporary file renamed into place)."""
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".parquet", dir=path.parent)
    os.close(handle)
    try:
        table.to_parquet(temporary, index=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all."""
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text + ("" if text.endswith("\n") else "\n"))
    os.replace(temporary, path)


def _clear(directory: Path) -> None:
    """Empty an earlier batch's folder (only files this module writes)."""
    for name in (HEADER, LOG, "points.csv", "summary.csv", "summary.parquet"):
        (directory / name).unlink(missing_ok=True)
    for table in (*TABLES, "strategies"):
        folder = directory / table
        if folder.is_dir():
            for path in folder.glob("*.parquet"):
                path.unlink()
    for path in directory.glob("sweep_*.png"):
        path.unlink()


def header_for(points, strategies: list[str], replications: int, design: dict | None) -> dict:
    """The manifest header of a batch: what it is, with the hash that guards resuming."""
    described = [
        {
            "index": p.index,
            "values": p.values,
            "seed": p.scenario.seed,
            "scenario": p.scenario.model_dump(mode="json"),
        }
        for p in points
    ]
    payload = {
        "points": described,
        "strategies": strategies,
        "replications": replications,
        "design": design,
    }
    return {"version": __version__, "hash": content_hash(payload), **payload}
