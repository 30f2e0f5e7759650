"""Ensembles (a network, population or seed set per replication) and runs without seeds."""

import numpy as np
import pytest

import sim
from sim.errors import InputError
from sim.model import streams
from sim.runner.realise import build_network

NETWORK = {"generator": "erdos_renyi", "n": 400, "mean_degree": 1.5}
CASCADE = {"rule": "cascade", "active_steps": 1}


def run(network=None, strategies=None, **parts):
    base = {
        "network": network or NETWORK | {"resample": "per_replication"},
        "dynamics": CASCADE,
        "strategies": strategies or [{"name": "top", "select": "top_followers", "k": 1}],
        "steps": 30,
        "replications": 24,
        "seed": 2,
    }
    return sim.run(**(base | parts))


def test_each_replication_draws_its_own_network_from_its_own_stream():
    setup = sim.prepare(network=NETWORK | {"resample": "per_replication"}, dynamics=CASCADE,
                        strategies=[{"name": "top", "select": "top_followers", "k": 1}],
                        seed=2)  # fmt: skip
    spec = setup.network_spec
    for r in (0, 5):
        expected = build_network(spec, streams.generator(2, streams.NETWORK, r))
        world = setup.world(r)
        assert np.array_equal(world.network.indices, expected.indices)
        assert np.array_equal(world.network.indptr, expected.indptr)
    assert not np.array_equal(setup.world(0).network.indptr, setup.world(1).network.indptr)
    # the shared (non-ensemble) network is not any replication's
    assert not np.array_equal(setup.network.indptr, setup.world(0).network.indptr)


def test_an_ensemble_replication_is_the_same_alone_and_in_a_batch():
    full = run().replications.set_index("replication")
    part = run(replications=range(7, 10)).replications.set_index("replication")
    columns = ["final_adopters", "reach", "exposures"]
    assert np.array_equal(part[columns].to_numpy(), full.loc[[7, 8, 9], columns].to_numpy())


def test_strategies_of_one_replication_share_its_world():
    # two copies of one plan on per-replication networks: identical replication by replication
    twins = [{"name": "a", "select": "top_followers", "k": 2},
             {"name": "b", "select": "top_followers", "k": 2}]  # fmt: skip
    reps = run(strategies=twins).replications
    a = reps[reps["strategy"] == "a"]["final_adopters"].to_numpy()
    b = reps[reps["strategy"] == "b"]["final_adopters"].to_numpy()
    assert np.array_equal(a, b)
    assert a.std() > 0  # ... and the worlds differ between replications


def test_redraw_per_replication_changes_the_seeds_and_once_keeps_them():
    strategies = [
        {"name": "fresh", "select": "random", "k": 3, "redraw": "per_replication"},
        {"name": "fixed", "select": "random", "k": 3},
    ]
    results = run(network=NETWORK, strategies=strategies)
    seeds = results.attribution[results.attribution["seed"] >= 0]
    per_rep = seeds.groupby(["strategy", "replication"], observed=True)["seed"].apply(frozenset)
    assert per_rep["fresh"].nunique() > 10
    assert per_rep["fixed"].nunique() == 1


def test_without_resampling_nothing_changes():
    once = run(network=NETWORK).replications
    again = sim.run(network=NETWORK, dynamics=CASCADE, steps=30, replications=24, seed=2,
                    strategies=[{"name": "top", "select": "top_followers", "k": 1}])  # fmt: skip
    assert once.equals(again.replications)


def test_population_resampled_per_replication():
    setup = sim.prepare(
        network=NETWORK,
        population={"threshold": {"dist": "uniform", "low": 0, "high": 1},
                    "resample": "per_replication"},
        dynamics={"rule": "fractional"},
        strategies=[{"name": "top", "select": "top_followers", "k": 5}],
        seed=3,
    )  # fmt: skip
    first, second = setup.world(0), setup.world(1)
    assert first.network is setup.network  # the network is shared ...
    assert not np.array_equal(first.agents.threshold, second.agents.threshold)  # ... agents not


def test_a_run_without_seeds_follows_the_external_adoption_law():
    # nobody is seeded; each non-adopter adopts with probability p per day, so after T days the
    # expected adopters are n (1 - (1 - p)^T); the tolerance is 4 standard errors of the mean
    n, p, days, reps = 2000, 0.01, 25, 60
    results = sim.run(
        network={"generator": "erdos_renyi", "n": n, "mean_degree": 4, "ties": 0.0},
        dynamics={"rule": "cascade", "external_p": p},
        strategies=[{"name": "ads only", "select": "none"}],
        steps=days,
        replications=reps,
        seed=5,
    )
    adopters = results.replications["final_adopters"].to_numpy(np.float64)
    assert (results.replications["seeds"] == 0).all()
    expected = n * (1 - (1 - p) ** days)
    se = np.sqrt(n * (1 - (1 - p) ** days) * (1 - p) ** days / reps)  # binomial, per mean
    assert abs(adopters.mean() - expected) < 4 * se
    wrong = n * (1 - (1 - 1.2 * p) ** days)  # twin: a 20% wrong p is far outside
    assert abs(adopters.mean() - wrong) > 4 * se


def test_no_seeds_needs_outside_influence_and_optimised_plans_need_one_network():
    with pytest.raises(InputError, match=r"strategies\.0: 'x' seeds nobody"):
        run(network=NETWORK, strategies=[{"name": "x", "select": "none"}])
    with pytest.raises(InputError, match="optimised for one network"):
        sim.prepare(network=NETWORK | {"resample": "per_replication"}, dynamics=CASCADE,
                    strategies=[{"name": "o", "select": "optimized", "k": 2}])  # fmt: skip
