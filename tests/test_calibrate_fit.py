"""Calibration end to end: known parameters are recovered from data the engine generated, a
killed calibration resumes without recomputing, the result does not depend on the thread
count, and a calibration that cannot be judged says so in one line.

Recovery (cascades): wiki-Vote reversed under independent cascade with every tie p = 0.04;
the 100 most-followed accounts seed 4 cascades each on replication keys of seed 777 (not the
calibration's keys), and the cascades of at least 20 nodes are written in the Twitter15 file
format. Fitting ``network.ties`` in [0.015, 0.1] (log) must put the truth inside the bracket
(the within-noise span, from the paired bootstrap's one-sided 95% band over the replication
noise of both samples, widened to the nearest candidates outside the noise), the bracket
narrower than a factor of 2, and the best within 10% of the truth; the twin checks the noise
band has power: every candidate more than 30% away from the truth is outside it.

Recovery (curve): the ``bass`` rule on the well-mixed population of 400 agents with p = 0.01,
q = 0.4, its mean adoption curve over 40 runs on other keys; the fitted (p, q) must be within
noise of the truth in the same sense.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.calibrate import calibrate
from sim.calibrate.observed import cascade_rows
from sim.calibrate.simulate import CascadeDesign, Worlds, seed_accounts, simulate_traces
from sim.cli.main import main
from sim.config.gate import parse_scenario, with_overrides
from sim.errors import InputError
from sim.validation import DATA

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="shared data directory not found")
TRUE_P = 0.04
BOUNDS = {"network.ties": {"low": 0.015, "high": 0.1, "log": True}}


def scenario(seeds: int = 100):
    return parse_scenario(
        f"""
name: recovery
network: {{file: {DATA / "wiki-Vote.txt"}, reverse: true, ties: 0.02}}
dynamics: {{rule: cascade, active_steps: 1}}
strategies: [{{name: one, select: top_followers, k: 1}}]
steps: 80
seed: 11
calibrate:
  parameters: {{network.ties: {{low: 0.015, high: 0.1, log: true}}}}
  cascades: {{seeds: {seeds}, select: top_followers}}
"""
    )


@pytest.fixture(scope="module")
def observed(tmp_path_factory):
    truth = with_overrides(scenario(), {"network.ties": TRUE_P, "calibrate": None})
    setup = Worlds().setup(truth)
    seeds = seed_accounts(setup.network, CascadeDesign(seeds=100, select="top_followers"), 11)
    traces = [t for t in simulate_traces(setup, seeds, 4, 777, threads=2) if len(t.agent) >= 20]
    path = tmp_path_factory.mktemp("observed") / "engine_cascades.tsv"
    cascade_rows(traces).to_csv(path, sep="\t", index=False)
    return path


def test_recovers_the_edge_probability_the_engine_generated(observed):
    result = calibrate(scenario(), observed=observed, budget=12, replications=4, threads=2)
    best = result.best["network.ties"]
    low, high = result.brackets["network.ties"]
    assert low <= TRUE_P <= high and high / low < 2.0, (low, best, high)
    assert abs(best - TRUE_P) / TRUE_P < 0.1
    assert result.best_loss < result.baseline_loss  # the untuned ties are 0.02
    # the twin: the band has power, far candidates are outside it
    table = result.table[result.table["candidate"] > 0]
    far = np.abs(np.log(table["network.ties"] / TRUE_P)) > np.log(1.3)
    assert far.sum() >= 3 and not table.loc[far, "within_noise"].any()
    held = result.compare[result.compare["statistic"] == "size median"].iloc[0]
    assert abs(held["calibrated"] - held["observed"]) < abs(held["untuned"] - held["observed"])


def test_recovers_the_view_delay_median_the_engine_generated(tmp_path):
    """Timed cascades (hourly steps, lognormal view delays of median 2 h, sigma 1): fitting the
    median in [0.2, 20] h (log) puts the truth inside the bracket, narrower than a factor of 3,
    and every candidate more than a factor 1.5 away is outside the noise (the twin)."""
    timed = {
        "network.ties": TRUE_P,
        "dynamics.step_hours": 1,
        "steps": 400,
        "dynamics.delays": {"view": {"dist": "lognormal", "median_hours": 2.0, "sigma": 1.0}},
        "calibrate.cascades.seeds": 60,
        "calibrate.parameters": {
            "dynamics.delays.view.median_hours": {"low": 0.2, "high": 20.0, "log": True}
        },
    }
    base = with_overrides(scenario(seeds=60), timed)
    truth = with_overrides(base, {"calibrate": None})
    setup = Worlds().setup(truth)
    seeds = seed_accounts(setup.network, CascadeDesign(seeds=60, select="top_followers"), 11)
    traces = [t for t in simulate_traces(setup, seeds, 4, 555, threads=2) if len(t.agent) >= 20]
    path = tmp_path / "timed.tsv"
    cascade_rows(traces).to_csv(path, sep="\t", index=False)
    untuned = with_overrides(base, {"dynamics.delays.view.median_hours": 8.0})
    result = calibrate(untuned, observed=path, budget=16, replications=4, threads=2)
    low, high = result.brackets["dynamics.delays.view.median_hours"]
    assert low <= 2.0 <= high and high / low < 3.0, (low, result.best, high)
    table = result.table[result.table["candidate"] > 0]
    far = np.abs(np.log(table["dynamics.delays.view.median_hours"] / 2.0)) > np.log(1.5)
    assert far.sum() >= 3 and not table.loc[far, "within_noise"].any()
    assert result.best_loss < result.baseline_loss


def test_resume_recomputes_nothing_and_threads_do_not_change_the_result(observed, tmp_path):
    small = scenario(seeds=40)
    calls = []

    def stop_after_three(kind, done, total):
        calls.append(done)
        if done == 3:
            raise KeyboardInterrupt

    out = tmp_path / "calibration"
    with pytest.raises(KeyboardInterrupt):
        calibrate(small, observed=observed, budget=6, replications=2, out=out,
                  progress=stop_after_three)  # fmt: skip
    resumed = calibrate(small, observed=observed, budget=6, replications=2, out=out, threads=2)
    assert (resumed.recorded, resumed.ran) == (3, 4)  # 7 candidates: the baseline and 6
    again = calibrate(small, observed=observed, budget=6, replications=2, out=out)
    assert (again.recorded, again.ran) == (7, 0)
    fresh = calibrate(small, observed=observed, budget=6, replications=2, threads=1)
    pd.testing.assert_frame_equal(fresh.table, resumed.table)
    pd.testing.assert_frame_equal(fresh.table, again.table)
    with pytest.raises(InputError, match="holds a calibration of a different"):
        calibrate(small, observed=observed, budget=6, replications=3, out=out)


def test_too_few_simulated_cascades_is_one_clear_line(observed):
    bounds = {"network.ties": {"low": 0.001, "high": 0.002}}
    with pytest.raises(InputError) as error:
        calibrate(scenario(seeds=20), observed=observed, parameters=bounds, budget=2,
                  replications=1)  # fmt: skip
    text = str(error.value)
    assert "\n" not in text and "no candidate gave 20 simulated cascades of at least" in text


def test_cli_calibrate_json_and_one_line_errors(observed, tmp_path, capsys):
    path = tmp_path / "recovery.yaml"
    text = (
        f"name: cli\nnetwork: {{file: {DATA / 'wiki-Vote.txt'}, reverse: true, ties: 0.02}}\n"
        "dynamics: {rule: cascade, active_steps: 1}\n"
        "strategies: [{name: one, select: top_followers, k: 1}]\nsteps: 80\nseed: 3\n"
    )
    path.write_text(text)
    out = tmp_path / "out"
    code = main(["calibrate", str(path), "--observed", str(observed), "--set",
                 "network.ties=0.02:0.08:log", "--budget", "3", "-r", "1", "--out", str(out),
                 "--json", "--no-plots"])  # fmt: skip
    payload = json.loads(capsys.readouterr().out)
    assert code == 0 and set(payload["best"]) == {"network.ties"}
    assert (out / "report" / "calibrated.yaml").is_file()
    calibrated = (out / "report" / "calibrated.yaml").read_text()
    assert "# calibrated by influence-sim calibrate" in calibrated
    code = main(["calibrate", str(path), "--observed", str(observed), "--set",
                 "network.ties=0.02,0.03", "--out", str(out)])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.count("\n") == 0 and "calibrate needs bounds KEY=LOW:HIGH" in err
    code = main(["calibrate", str(path), "--observed", str(observed), "--set",
                 "dynamics.nothing=1:2", "--out", str(out)])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.count("\n") == 0 and "dynamics.nothing" in err
    code = main(["calibrate", str(path), "--set", "network.ties=0.01:0.1", "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "nothing to fit: give observed data" in err


def test_recovers_bass_coefficients_from_an_engine_curve(tmp_path):
    from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
    from sim.network.generators import complete

    n, p, q, steps = 400, 0.01, 0.4, 40
    simulation = Simulation(
        complete(n), textbook_agents(n), Params(rule="bass", external_p=p, bass_q=q),
        SeedSchedule.build([0]), steps,
    )  # fmt: skip
    counts = simulation.run(replication_keys(99, 40)).stat("new_adopters").mean(axis=0)
    path = tmp_path / "curve.csv"
    pd.DataFrame({"day": np.arange(steps), "count": counts}).to_csv(path, index=False)
    base = parse_scenario(
        f"""
name: bass curve
network: {{generator: complete, n: {n}}}
dynamics: {{rule: bass, external_p: 0.03, bass_q: 0.2}}
strategies: [{{name: none, select: explicit, ids: [0]}}]
steps: {steps}
seed: 5
"""
    )
    result = calibrate(
        base,
        observed=path,
        kind="curve",
        parameters={
            "dynamics.external_p": {"low": 0.003, "high": 0.03, "log": True},
            "dynamics.bass_q": {"low": 0.2, "high": 0.6},
        },
        budget=16,
        replications=10,
    )
    assert result.best_loss < 0.05 < result.baseline_loss
    low, high = result.brackets["dynamics.bass_q"]
    assert low <= q <= high, (low, result.best, high)
    bass = result.bass.set_index("model")
    for form in ("closed form", "recursion"):
        assert bass.loc[f"Bass ({form})", "q"] == pytest.approx(q, rel=0.2)
        assert bass.loc[f"Bass ({form})", "m"] == pytest.approx(n, rel=0.05)
    assert "agent-based (calibrated)" in bass.index
    folder = result.save(tmp_path / "report")
    assert {"bass.csv", "calibration_fit.png", "calibrated.yaml"} <= {
        p.name for p in folder.iterdir()
    }
