"""Same scenario and seed, same numbers: alone, in a batch, in any chunking."""

import numpy as np
import pandas as pd
import pytest

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


def test_summary_interval_covers_mean():
    summary = sim.run(replications=30, seed=2, **SMALL).summary()
    row = summary.iloc[0]
    assert row["final_adopters_low"] <= row["final_adopters_mean"] <= row["final_adopters_high"]
    assert row["replications"] == 30


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
