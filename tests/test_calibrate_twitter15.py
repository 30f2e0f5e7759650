"""The shipped Twitter15 calibration (``scenarios/twitter15_calibrate.yaml``) on a reduced
budget: fitted on the even cascade ids, it beats the untuned scenario on the held-out odd ids.

The split is fixed (``split: parity``: 661 cascades fitted, 660 held out). The reduced run has
8 candidates, 100 seed accounts and 2 replications each (the docs run 40 x 300 x 4); the loss
on the held-out part must still be lower than the untuned scenario's, and the calibrated
cascades must be closer to the held-out ones in size and depth-1 share.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.calibrate import calibrate
from sim.config import load_scenario
from sim.config.gate import with_overrides
from sim.validation import DATA

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "twitter15_calibrate.yaml"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="shared data directory not found")


@pytest.fixture(scope="module")
def result():
    scenario = with_overrides(load_scenario(SCENARIO), {"calibrate.cascades.seeds": 100})
    return calibrate(scenario, budget=8, replications=2, threads=2)


def test_fit_on_even_ids_beats_the_untuned_scenario_on_the_held_out_odd_ids(result):
    compare = result.compare.set_index(["part", "statistic"])
    assert compare.loc[("fit", "cascades"), "observed"] == 661
    assert compare.loc[("held_out", "cascades"), "observed"] == 660
    held = compare.loc["held_out"]
    assert held.loc["loss", "calibrated"] < held.loc["loss", "untuned"]
    for statistic in ("size median", "depth-1 share median"):
        row = held.loc[statistic]
        assert abs(row["calibrated"] - row["observed"]) < abs(row["untuned"] - row["observed"])


def test_the_result_saves_a_ready_to_run_scenario_and_figures(result, tmp_path):
    folder = result.save(tmp_path / "report")
    names = {path.name for path in folder.iterdir()}
    assert {"candidates.csv", "compare.csv", "calibration.json", "calibrated.yaml"} <= names
    assert {"calibration_fit.png", "calibration_search.png"} <= names
    calibrated = load_scenario(folder / "calibrated.yaml")
    assert calibrated.calibrate is None
    assert calibrated.network.ties == pytest.approx(result.best["network.ties"])


def test_candidates_share_the_loaded_network_with_prepares_ties():
    """A candidate that changes only the ties reuses the loaded edges; its ties are those
    prepare draws (constant or drawn from the network stream)."""
    import numpy as np

    from sim.calibrate.simulate import Worlds
    from sim.runner.prepare import prepare

    base = with_overrides(load_scenario(SCENARIO), {"calibrate": None})
    worlds = Worlds()
    worlds.setup(base)
    for ties in (0.3, {"dist": "beta", "a": 2, "b": 3}):
        candidate = with_overrides(base, {"network.ties": ties})
        shared, fresh = worlds.setup(candidate).network, prepare(candidate).network
        assert np.array_equal(shared.indices, fresh.indices)
        assert np.array_equal(shared.tie_values(), fresh.tie_values())
