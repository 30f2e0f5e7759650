"""Refresh the regression baseline of the flagship scenario. Run it on purpose, never in CI:

    .venv/bin/python tests/update_baseline.py

then explain the change in CHANGELOG.md (a **[results]** entry): a moved baseline means the
same scenario and seed now give different numbers.
"""

import json
from pathlib import Path

from sim import compare
from sim.config import load_scenario

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "macro_vs_micro_vs_nano.yaml"
BASELINE = Path(__file__).resolve().parent / "baselines" / "macro_vs_micro_vs_nano.json"
REPLICATIONS = 30
COLUMNS = ("seeds", "spend", "adopters_mean", "reach_mean", "cost_per_adopter", "days_to_half_mean")


def flagship_summary() -> dict:
    """The numbers the baseline pins: per strategy, at a reduced replication count."""
    comparison = compare(load_scenario(FLAGSHIP), replications=REPLICATIONS, bootstrap=200)
    table = comparison.table.set_index("strategy")
    return {
        "replications": REPLICATIONS,
        "best": comparison.best,
        "strategies": {
            name: {column: float(table.loc[name, column]) for column in COLUMNS}
            for name in table.index
        },
    }


if __name__ == "__main__":
    BASELINE.write_text(json.dumps(flagship_summary(), indent=2) + "\n")
    print(f"wrote {BASELINE}")
