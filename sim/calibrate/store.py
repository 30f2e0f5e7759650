"""The resumable record of a calibration: one Parquet part per evaluated candidate.

Layout of a calibration folder::

    calibration.json              what is being fitted: the scenario's hash, keys, bounds, data
    candidates.jsonl              one line per finished candidate, appended after its part exists
    candidates/part-c00007.parquet  the candidate's simulated statistics (per unit or replication)
    report/                       the result (written whole by sim.report.writer.staged)

Parts are written to a temporary name and renamed into place (the pattern and the helpers of
:mod:`sim.batch.store`), then logged (flushed and synced), so a calibration killed at any moment
keeps every finished candidate and recomputes none of them when run again. A folder made for a
different scenario, data or search is refused, never mixed (``force`` starts it over).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.batch.store import append_log, content_hash, read_log, write_atomically, write_parquet
from sim.errors import InputError
from sim.report.writer import json_text

HEADER = "calibration.json"
LOG = "candidates.jsonl"
PARTS = "candidates"


class CalibrationStore:
    """A calibration folder: opened (new or resumed), candidates recorded and read back."""

    def __init__(self, directory: Path, header: dict) -> None:
        self.directory = directory
        self.header = header
        self.done: dict[int, dict] = {}

    @classmethod
    def open(cls, directory: str | Path, header: dict, *, force: bool = False) -> CalibrationStore:
        directory = Path(directory)
        if directory.exists() and not directory.is_dir():
            raise InputError(f"--out: {directory} is a file, not a calibration folder")
        manifest = directory / HEADER
        if directory.exists() and any(directory.iterdir()) and not manifest.exists():
            raise InputError(
                f"--out: {directory} is not empty and holds no calibration ({HEADER}); give a "
                "new folder, or an earlier calibration's folder to resume it"
            )
        header = {**header, "hash": content_hash(header)}
        if manifest.exists():
            old = json.loads(manifest.read_text())
            if old.get("hash") != header["hash"]:
                if not force:
                    raise InputError(
                        f"--out: {directory} holds a calibration of a different scenario, data "
                        f"or search (hash {old.get('hash')}, this one {header['hash']}); give a "
                        "new folder, or --force to start it over"
                    )
                _clear(directory)
        (directory / PARTS).mkdir(parents=True, exist_ok=True)
        store = cls(directory, header)
        if not manifest.exists():
            write_atomically(manifest, json_text(header))
        store._read_log()
        for path in (directory / PARTS).glob(".tmp-*"):
            path.unlink(missing_ok=True)
        return store

    def _path(self, index: int) -> Path:
        return self.directory / PARTS / f"part-c{index:05d}.parquet"

    def _read_log(self) -> None:
        for entry in read_log(self.directory / LOG):
            if self._path(entry["index"]).exists():
                self.done[int(entry["index"])] = entry["values"]

    def record(self, index: int, values: dict, table: pd.DataFrame) -> None:
        """Write one candidate's part (temporary name, then rename), then log it."""
        write_parquet(self._path(index), table)
        append_log(self.directory / LOG, {"index": index, "values": values})
        self.done[index] = values

    def read(self, index: int) -> pd.DataFrame:
        return pd.read_parquet(self._path(index))


def _clear(directory: Path) -> None:
    """Empty an earlier calibration's folder (only the files this module writes)."""
    for name in (HEADER, LOG):
        (directory / name).unlink(missing_ok=True)
    for path in (directory / PARTS).glob("*.parquet"):
        path.unlink()
