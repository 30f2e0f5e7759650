"""Sweeps run the same numbers everywhere, survive a kill, and isolate a failing replication."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.batch import tasks as task_module
from sim.batch.sweep import run_sweep
from sim.cli import main
from sim.config import parse_scenario
from sim.errors import InputError

SCENARIO = """
name: sweepable
network: {generator: follower_graph, n: 2500, mean_following: 8}
population: {threshold: 0.2, activity: 0.6}
dynamics: {rule: threshold, tie_half_life: 10, active_steps: 2}
campaign: {budget: 5000}
strategies:
  - {name: micro, select: tier, tier: micro}
  - {name: nano, select: tier, tier: nano}
steps: 15
replications: 23
seed: 4
sweep:
  parameters:
    dynamics.tie_half_life: [3, 30]
    population.activity: 0.6
"""

KEYS = ["point", "strategy", "replication"]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep") / "sweepable.yaml"
    path.write_text(SCENARIO)
    return sim.load_scenario(path)


def tables(outcome) -> dict[str, pd.DataFrame]:
    return {name: outcome.store.read(name) for name in ("replications", "steps", "attribution")}


@pytest.fixture(scope="module")
def reference(scenario, tmp_path_factory):
    """The batch on this process's threads, in tasks of 5 (boundaries inside strategies)."""
    out = tmp_path_factory.mktemp("reference")
    return tables(run_sweep(scenario, out, task_size=5))


def test_the_batch_equals_plain_runs_of_each_point(scenario, reference):
    reps = reference["replications"]
    assert len(reps) == 2 * 2 * 23
    for point, half_life in enumerate([3, 30]):
        alone = sim.run(
            sim.with_overrides(scenario, {"sweep": None, "dynamics.tie_half_life": half_life})
        )
        got = reps[reps["point"] == point].drop(columns="point").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, alone.replications.reset_index(drop=True))


@pytest.mark.parametrize(
    "executor",
    [{"executor": "threads", "workers": 1, "task_size": 23},
     {"executor": "threads", "workers": 2, "task_size": 4},
     {"executor": "processes", "workers": 2, "task_size": 6}],
    ids=["1-thread", "2-threads", "2-processes"],
)  # fmt: skip
def test_identical_tables_on_any_local_executor(scenario, reference, tmp_path, executor):
    got = tables(run_sweep(scenario, tmp_path / "out", **executor))
    for name, table in reference.items():
        pd.testing.assert_frame_equal(got[name], table, obj=name)


def test_identical_tables_on_a_dask_local_cluster(scenario, reference, tmp_path):
    import distributed  # noqa: F401 - the cluster extra is part of dev: a missing one fails

    got = tables(run_sweep(scenario, tmp_path / "out", dask_local=2, task_size=9))
    for name, table in reference.items():
        pd.testing.assert_frame_equal(got[name], table, obj=name)


def test_a_different_scenario_is_never_mixed_into_a_batch(scenario, tmp_path):
    run_sweep(scenario, tmp_path / "out", replications=3)
    changed = sim.with_overrides(scenario, {"steps": 14})
    with pytest.raises(InputError, match="holds a batch of a different scenario"):
        run_sweep(changed, tmp_path / "out", replications=3)
    again = run_sweep(changed, tmp_path / "out", replications=3, force=True)
    assert again.skipped == 0 and again.ran == 2 * 2 * 3


def test_a_failing_replication_is_reported_and_the_rest_goes_on(scenario, tmp_path, monkeypatch):
    real = task_module._collect

    def flaky(setup, plan, indices, *rest):
        if plan.strategy.name == "nano" and 7 in indices and setup.params.tie_half_life == 30:
            raise FloatingPointError("injected failure")
        return real(setup, plan, indices, *rest)

    monkeypatch.setattr(task_module, "_collect", flaky)
    outcome = run_sweep(scenario, tmp_path / "out", task_size=5)
    (failure,) = outcome.failures
    assert failure["point"] == 1 and failure["strategy_name"] == "nano"
    assert failure["replication"] == 7 and failure["seed"] == 4
    assert failure["key"] == int(sim.model.replication_keys(4, [7])[0])
    assert "injected failure" in failure["error"]
    reps = outcome.store.read("replications")
    assert len(reps) == 2 * 2 * 23 - 5  # only the failing task's 5 replications are missing
    monkeypatch.setattr(task_module, "_collect", real)
    resumed = run_sweep(scenario, tmp_path / "out", task_size=5)
    assert resumed.ran == 5 and not resumed.failures  # retried on resume, nothing else redone
    assert len(resumed.store.read("replications")) == 2 * 2 * 23


def test_a_killed_batch_resumes_without_recomputing(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text(SCENARIO.replace("replications: 23", "replications: 400"))
    out = tmp_path / "batch"
    command = [sys.executable, "-m", "sim", "sweep", str(path), "--out", str(out),
               "--task-size", "10", "--quiet", "-t", "1"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    log = out / "tasks.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline:
        if log.exists() and len(log.read_text().splitlines()) >= 6:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    recorded = [json.loads(line) for line in log.read_text().splitlines()]
    assert 6 <= len(recorded) < 2 * 2 * 40, "the kill came too late to test resuming"
    stamps = {}
    for entry in recorded:
        stem = (f"part-p{entry['point']:05d}-s{entry['strategy']:03d}-r{entry['start']:07d}-"
                f"{entry['stop']:07d}.parquet")  # fmt: skip
        stamps[stem] = (out / "replications" / stem).stat().st_mtime_ns
    resumed = subprocess.run([*command, "--json"], capture_output=True, text=True, check=True)
    report = json.loads(resumed.stdout)
    assert report["already_recorded"] == 10 * len(recorded)
    assert report["ran"] + report["already_recorded"] == 2 * 2 * 400
    for stem, stamp in stamps.items():  # nothing recorded was computed or written again
        assert (out / "replications" / stem).stat().st_mtime_ns == stamp, stem
    straight = tmp_path / "straight"
    subprocess.run([*command[:6], str(straight), *command[7:]], check=True)
    for table in ("replications", "steps", "communities"):
        resumed_table = pd.read_parquet(out / table).sort_values(KEYS, ignore_index=True)
        straight_table = pd.read_parquet(straight / table).sort_values(KEYS, ignore_index=True)
        if "step" in resumed_table:
            resumed_table = resumed_table.sort_values([*KEYS, "step"], ignore_index=True)
            straight_table = straight_table.sort_values([*KEYS, "step"], ignore_index=True)
        pd.testing.assert_frame_equal(resumed_table, straight_table, obj=table)


def test_cli_sweep_set_and_summary(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.replace("replications: 23", "replications: 6"))
    out = tmp_path / "out"
    code = main(["sweep", str(path), "--out", str(out), "--set", "campaign.budget=3000,9000",
                 "--quiet"])  # fmt: skip
    assert code == 0
    text = capsys.readouterr().out
    assert "4 points; 48 replications run" in text
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["campaign.budget"]) == {3000, 9000}
    assert len(summary) == 4 * 2
    for key in ("dynamics_tie_half_life", "campaign_budget"):
        assert (out / f"sweep_{key}.png").stat().st_size > 1000
    points = pd.read_csv(out / "points.csv")
    assert list(points.columns) == ["point", "dynamics.tie_half_life", "campaign.budget"]
    assert main(["sweep", str(path), "--out", str(out), "--set", "campaign.budget=3000,9000",
                 "--json"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["already_recorded"] == 48
    assert main(["sweep", str(path), "--set", "dynamics.tie_halflife=1,2", "--out",
                 str(tmp_path / "bad")]) == 2  # fmt: skip
    assert "dynamics.tie_halflife: unknown key" in capsys.readouterr().err


def test_reading_one_point_with_a_filter(reference, scenario, tmp_path):
    out = Path(tmp_path / "out")
    run_sweep(scenario, out, task_size=50)
    one = pd.read_parquet(out / "replications", filters=[("point", "==", 1)])
    assert set(one["point"]) == {1} and len(one) == 2 * 23


def test_parse_scenario_with_sweep_section():
    parsed = parse_scenario(SCENARIO, source="x.yaml")
    assert parsed.sweep.parameters["dynamics.tie_half_life"] == [3, 30]
