"""Same scenario and seed, same numbers: alone, in a batch, in any chunking."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

import sim
from sim.config import Dynamics, GeneratedNetwork, Population, Strategy

SMALL = dict(
    network=GeneratedNetwork(generator="erdos_renyi", n=3000, mean_degree=6, ties=0.35),
    population=Population(activity=0.7, attention={"mode": "constant", "value": 0.8}),
    dynamics=Dynamics(rule="cascade", active_steps=3, tie_half_life=10, reinforcement=0.1),
    strategies=[Strategy(name="random 4", select="random", k=4)],
    steps=40,
)


def test_same_seed_gives_identical_tables():
    first = sim.run(replications=20, seed=3, **SMALL)
    second = sim.run(replications=20, seed=3, **SMALL)
    for name in ("steps", "replications", "attribution", "communities"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))


def test_replications_differ_and_seeds_differ():
    results = sim.run(replications=20, seed=3, **SMALL)
    finals = results.replications["final_adopters"].to_numpy()
    assert np.unique(finals).size > 5
    other = sim.run(replications=20, seed=4, **SMALL)
    assert not np.array_equal(finals, other.replications["final_adopters"].to_numpy())


def test_a_replication_is_the_same_alone_and_in_a_batch():
    batch = sim.run(replications=150, seed=3, **SMALL)  # spans several kernel chunks
    alone = sim.run(replications=range(137, 138), seed=3, **SMALL)
    expected = batch.steps[batch.steps["replication"] == 137].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone.steps, expected)


def test_strategies_share_random_draws():
    """Common random numbers: two strategies that pick the same seeds give identical results."""
    same = [
        Strategy(name="a", select="random", k=4),
        Strategy(name="b", select="explicit", ids=[0], k=1),
        Strategy(name="c", select="explicit", ids=[0], k=1),
    ]
    results = sim.run(replications=10, seed=1, **(SMALL | {"strategies": same}))
    finals = results.replications.set_index(["strategy", "replication"])["final_adopters"]
    np.testing.assert_array_equal(finals.loc["b"], finals.loc["c"])
    assert not np.array_equal(finals.loc["a"], finals.loc["b"])


def test_results_record_version_and_seed(tmp_path):
    results = sim.run(replications=5, seed=9, **SMALL)
    assert results.meta["version"] == sim.__version__
    assert results.meta["seed"] == 9
    out = sim.save(results, tmp_path / "run")
    table = pd.read_parquet(out / "replications.parquet")
    pd.testing.assert_frame_equal(table, results.replications, check_categorical=False)
    assert (out / "steps.csv").exists() and (out / "summary.json").exists()


TWO_PLANS = [
    Strategy(name="random 4", select="random", k=4),
    Strategy(name="top 4", select="top_followers", k=4),
]
OUTCOMES = ("final_adopters", "organic_adopters", "reach", "time_to_half")


def t_interval_by_hand(values, confidence):
    """Mean and Student t interval of the mean, written out from the textbook formula."""
    values = values[~np.isnan(values)]
    n = values.size
    mean = values.sum() / n
    sd = np.sqrt(((values - mean) ** 2).sum() / (n - 1))
    half = scipy_stats.t.ppf((1 + confidence) / 2, df=n - 1) * sd / np.sqrt(n)
    return mean, sd, mean - half, mean + half


@pytest.mark.parametrize("confidence", [0.95, 0.8])
def test_summary_interval_is_the_student_t_interval_of_the_replications(confidence):
    """Every summary interval equals the t interval computed by hand from the replications
    table. With 12 replications a normal (z) interval is about 11% narrower at 95%, so a z
    interval, a wrong degree of freedom or an ignored ``confidence`` fails here."""
    n_reps = 12
    results = sim.run(replications=n_reps, seed=2, **(SMALL | {"strategies": TWO_PLANS}))
    summary = results.summary(confidence).set_index("strategy")
    assert list(summary.index) == ["random 4", "top 4"]
    z = scipy_stats.norm.ppf((1 + confidence) / 2)
    assert abs(scipy_stats.t.ppf((1 + confidence) / 2, n_reps - 1) / z - 1) > 0.05
    reps = results.replications
    for name in summary.index:
        row = summary.loc[name]
        assert row["replications"] == n_reps
        assert row["seeds"] == 4
        group = reps[reps["strategy"] == name]
        for outcome in OUTCOMES:
            values = group[outcome].to_numpy(dtype=np.float64)
            assert np.sum(~np.isnan(values)) >= 2 and np.nanstd(values) > 0, (name, outcome)
            mean, sd, low, high = t_interval_by_hand(values, confidence)
            got = [row[f"{outcome}_{part}"] for part in ("mean", "sd", "low", "high")]
            np.testing.assert_allclose(got, [mean, sd, low, high], rtol=1e-12, err_msg=outcome)


def test_run_and_compare_report_the_same_interval_for_the_same_quantity():
    """``run(...).summary()`` and ``compare(...).table`` on the same seed: the same organic
    adopters, reach and days to half, with the same intervals (they once used z and t)."""
    parts = SMALL | {"strategies": TWO_PLANS}
    summary = sim.run(replications=12, seed=5, **parts).summary().set_index("strategy")
    table = sim.compare(replications=12, seed=5, bootstrap=50, **parts).table
    table = table.set_index("strategy")
    assert list(table.index) == list(summary.index)
    pairs = {"organic_adopters": "adopters", "reach": "reach", "time_to_half": "days_to_half"}
    for name in summary.index:
        for ours, theirs in pairs.items():
            got = [table.loc[name, f"{theirs}_{part}"] for part in ("mean", "low", "high")]
            want = [summary.loc[name, f"{ours}_{part}"] for part in ("mean", "low", "high")]
            assert np.all(np.isfinite(want)), (name, ours)
            np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=f"{name}: {ours}")


@pytest.mark.parametrize("seed", [0, 1])
def test_time_to_half_is_first_day_with_half_the_organic_adopters(seed):
    results = sim.run(replications=5, seed=seed, **SMALL)
    for _, rep in results.replications.iterrows():
        rows = results.steps[results.steps["replication"] == rep["replication"]]
        organic = rows["organic_adopters"].to_numpy()
        assert organic[-1] == rep["organic_adopters"] == rep["final_adopters"] - 4
        day = int(np.argmax(organic * 2 >= rep["organic_adopters"]))
        assert rep["time_to_half"] == day


def test_same_numbers_on_any_number_of_threads():
    """Replication r depends only on its key: 1, 2 or 3 threads give identical tables."""
    one = sim.run(replications=25, seed=6, threads=1, **SMALL)
    for threads in (2, 3):
        many = sim.run(replications=25, seed=6, threads=threads, **SMALL)
        for name in ("steps", "replications", "attribution", "communities"):
            pd.testing.assert_frame_equal(getattr(one, name), getattr(many, name))
