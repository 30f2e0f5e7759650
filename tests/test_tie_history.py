"""Dynamic ties: ties that appear and expire on a schedule, and tie histories that predate the
campaign. The kernel is checked against the pure-Python reference on hand-built graphs; the
history builders against hand-computed values; churn against its closed form."""

import dataclasses
import math

import numpy as np
import pytest

from sim.errors import InputError
from sim.kernels.diffusion import STEP_STAT_NAMES
from sim.model import Params, Simulation, replication_keys, textbook_agents
from sim.model.delays import Exponential
from sim.network import Network
from sim.network.tie_history import NEVER, TieHistory, churn, from_times
from tests.helpers import (
    assert_matches_reference,
    random_params,
    reference_run,
    schedule_of,
)
from tests.test_kernel_reference import RULES, make_agents, random_network


def with_history(network, rng, *, windows=True, ages=True, steps=20):
    appear = expire = age = None
    if windows:
        appear = np.where(
            rng.random(network.n_edges) < 0.4, rng.integers(1, steps, network.n_edges), 0
        )
        expire = appear + rng.integers(1, steps, network.n_edges)
        expire = np.where(rng.random(network.n_edges) < 0.3, NEVER, expire)
    if ages:
        age = rng.exponential(5.0, network.n_edges)
    return dataclasses.replace(network, history=TieHistory(appear, expire, age))


@pytest.mark.parametrize("delayed", [False, True])
@pytest.mark.parametrize("rule", RULES)
def test_changing_ties_match_reference(rule, delayed):
    """Ties appearing and expiring, ages at the start, decay, reinforcement, memory, (with
    delays: posts in flight over a tie that ends): kernel = reference on every day."""
    rng = np.random.default_rng(17)
    blocked = 0
    for trial in range(5):
        network = with_history(random_network(rng, n=30, m=160), rng)
        agents = make_agents(network.n_nodes, rng, random_values=True)
        delay = Exponential(10.0) if delayed else None
        params = random_params(
            rng, rule, half_life=(2, 8), external=0.02, step_hours=6.0, view_delay=delay
        )
        posts = [(1, 0), (7, 0), (12, 3), (1, 6)]
        simulation = Simulation(network, agents, params, schedule_of(posts), 20,
                                sponsored_weight=0.8)  # fmt: skip
        key = 900 + trial
        raw = simulation.run(np.array([key], dtype=np.uint64))
        ref = reference_run(network, agents, params, schedule_of(posts), 20, key, 0.8)
        extra = assert_matches_reference(simulation, raw, ref)
        np.testing.assert_allclose(simulation.state.tie, extra["tie"], rtol=1e-5)
        today = np.concatenate([simulation.ties(a)[1] for a in range(network.n_nodes)])
        np.testing.assert_allclose(today, extra["tie_today"], rtol=1e-5)
        touched = raw.step_stats[0, :, STEP_STAT_NAMES.index("edges_touched")].sum()
        blocked += touched - raw.step_stats[0, :, STEP_STAT_NAMES.index("exposures")].sum()
    assert blocked > 0


def test_a_tie_that_does_not_exist_carries_nothing():
    """A star whose ties exist only on steps 3..5: the seed's posts on days 0..8 reach the
    followers only on those days (IC with p = 1 converts at once)."""
    n = 50
    star = Network.from_edges(np.zeros(n - 1, int), np.arange(1, n))
    window = TieHistory(np.full(n - 1, 3), np.full(n - 1, 6))
    agents = textbook_agents(n)
    schedule = schedule_of([(0, d) for d in range(0, 9, 2)])  # posts on 0, 2, 4, 6, 8
    params = Params(rule="cascade", active_steps=1)
    closed = Simulation(dataclasses.replace(star, history=window), agents, params, schedule, 10)
    closed.run(replication_keys(0, 1))
    assert (closed.adopt_time[1:] == 4).all()
    never = TieHistory(np.full(n - 1, 5), np.full(n - 1, 6))
    silent = Simulation(dataclasses.replace(star, history=never), agents, params, schedule, 10)
    silent.run(replication_keys(0, 1))
    assert (silent.adopt_time[1:] == -1).all()  # no post on step 5


def test_an_old_tie_is_weaker_by_its_age():
    """With a half-life h, a tie last used `age` steps before the start has strength
    tie * 2^(-age/h) at step 0: the view reports it, and ages change nothing without decay."""
    rng = np.random.default_rng(1)
    network = random_network(rng, n=20, m=60)
    age = rng.uniform(0, 30, network.n_edges)
    aged = dataclasses.replace(network, history=TieHistory(age=age))
    agents = make_agents(network.n_nodes, rng, random_values=False)
    schedule = schedule_of([(0, 0)])
    decaying = Simulation(aged, agents, Params(rule="cascade", tie_half_life=10.0), schedule, 1)
    decaying.start(0)
    decaying.step()
    _, strength = decaying.ties(0)
    expected = network.tie_values()[network.indptr[0] : network.indptr[1]] * np.exp2(
        -age[network.indptr[0] : network.indptr[1]] / 10.0
    )
    np.testing.assert_allclose(strength, expected, rtol=1e-6)
    keys = replication_keys(3, 20)
    plain = Simulation(network, agents, Params(rule="threshold"), schedule, 10).run(keys)
    ignored = Simulation(aged, agents, Params(rule="threshold"), schedule, 10).run(keys)
    np.testing.assert_array_equal(plain.step_stats, ignored.step_stats)


def test_histories_from_file_times():
    """Times in days, steps of 12 hours, the run starting at day 10: a tie from day 4 is 12
    steps old; one from day 11.2 appears on step 3 (the first step after 2.4 steps); one that
    ended on day 9 never exists; one ending on day 12 expires at step 4."""
    time = np.array([4.0, 11.2, 2.0, 10.0])
    until = np.array([np.inf, 20.0, 9.0, 12.0])
    with pytest.raises(InputError, match="until column: every edge needs a finite time"):
        from_times(time, until, start=10.0, steps_per_unit=2.0)
    until[0] = 1e9
    history = from_times(time, until, start=10.0, steps_per_unit=2.0)
    np.testing.assert_allclose(history.age, [12.0, 0.0, 16.0, 0.0])
    assert history.appear.tolist()[:2] == [0, 3] and history.appear[3] == 0
    assert history.present(0).tolist() == [True, False, False, True]
    assert history.present(3).tolist() == [True, True, False, True]
    assert history.present(4).tolist() == [True, True, False, False]
    assert not any(history.present(t)[2] for t in range(0, 5000, 7))
    latest = from_times(time, None, start=None, steps_per_unit=1.0)
    assert latest.appear is None and latest.expire is None
    np.testing.assert_allclose(latest.age, [7.2, 0.0, 9.2, 1.2], rtol=1e-6)


def test_churn_lifetimes_and_arrivals():
    """Arrivals: a share `arrivals` appears after step 0, within 4 SE (binomial); lifetimes:
    exponential with mean L rounded up (mean of ceil(Exp(L)) = 1 / (1 - exp(-1/L))), within
    4 SE. Twin: L 10% off fails."""
    rng = np.random.default_rng(5)
    n, lifetime, arrivals, steps = 200_000, 12.0, 0.3, 50
    appear, expire = churn(n, lifetime=lifetime, arrivals=arrivals, steps=steps, rng=rng)
    share = (appear > 0).mean()
    assert abs(share - arrivals) < 4 * math.sqrt(arrivals * (1 - arrivals) / n)
    assert appear.max() < steps
    length = expire - appear
    mean = 1.0 / (1.0 - math.exp(-1.0 / lifetime))
    se = length.std() / math.sqrt(n)
    assert abs(length.mean() - mean) < 4 * se
    wrong = 1.0 / (1.0 - math.exp(-1.0 / (1.1 * lifetime)))
    assert abs(length.mean() - wrong) > 4 * se


def test_bad_histories_are_one_line():
    with pytest.raises(InputError, match="edge 1 expires at step 2, not after it appears"):
        TieHistory(np.array([0, 2]), np.array([5, 2]))
    with pytest.raises(InputError, match="age must be finite steps >= 0"):
        TieHistory(age=np.array([1.0, -3.0]))
    with pytest.raises(InputError, match="history has 2 values; the network has 3 edges"):
        Network(np.array([0, 1, 2, 3]), np.array([1, 2, 0]), history=TieHistory(age=np.ones(2)))


DATA = __import__("pathlib").Path(__file__).resolve().parents[2] / "shared" / "data"


def bitcoin(**extra):
    network = {
        "file": str(DATA / "soc-sign-bitcoinotc.csv"), "format": "csv", "header": False,
        "source": 0, "target": 1, "time": 3, "time_unit": "seconds", **extra,
    }  # fmt: skip
    return network


def test_file_times_give_ages_and_ties_that_form_later():
    """Bitcoin OTC's rating times (seconds): by default the run starts at the latest rating,
    so every tie is present with its age in days; starting at the median time, the later half
    of the ties forms during the run (one step = one day)."""
    import sim

    setup = sim.prepare(
        network=bitcoin(),
        dynamics={"rule": "cascade", "tie_half_life": 90},
        strategies=[{"name": "top", "select": "top_followers", "k": 5}],
        steps=30,
    )
    history = setup.network.history
    assert history.appear is None and history.expire is None
    assert history.age.min() == 0 and history.age.max() > 365 * 4  # five years of ratings
    times = np.loadtxt(DATA / "soc-sign-bitcoinotc.csv", delimiter=",", usecols=3)
    median = float(np.median(times))
    later = sim.prepare(
        network=bitcoin(start=median),
        dynamics={"rule": "cascade"},
        strategies=[{"name": "top", "select": "top_followers", "k": 5}],
        steps=30,
    ).network.history
    share = (later.appear > 0).mean()
    assert 0.4 < share < 0.6
    assert (later.age[later.appear > 0] == 0).all()


def test_scenario_histories_validate_run_and_refuse_in_one_line(tmp_path):
    import sim

    base = {
        "network": {"generator": "erdos_renyi", "n": 500, "mean_degree": 6,
                    "tie_age": {"dist": "uniform", "low": 0, "high": 30},
                    "churn": {"lifetime": 10, "arrivals": 0.5}},
        "dynamics": {"rule": "threshold", "tie_half_life": 10},
        "population": {"threshold": 0.3},
        "strategies": [{"name": "top", "select": "top_followers", "k": 5}],
        "steps": 40,
        "replications": 20,
    }  # fmt: skip
    setup = sim.prepare(**base)
    history = setup.network.history
    assert history.changes_ties and history.age is not None
    result = sim.run(**base)
    assert result.summary()["organic_adopters_mean"].iloc[0] > 0
    with pytest.raises(InputError, match=r"network.churn.lifetime: .*greater than 0"):
        sim.prepare(**(base | {"network": base["network"] | {"churn": {"lifetime": 0}}}))
    with pytest.raises(InputError, match=r"time columns are read from CSV files"):
        sim.prepare(**(base | {"network": {"file": str(DATA / "wiki-Vote.txt"), "time": 2}}))
    with pytest.raises(InputError, match=r"network.tie_age: a well_mixed network"):
        mixed = {"generator": "well_mixed", "n": 50, "tie_age": 3}
        sim.prepare(**(base | {"network": mixed, "dynamics": {"rule": "threshold"}}))
    with pytest.raises(InputError, match=r"method 'ris' needs ties that last the whole run"):
        opt = {"name": "opt", "select": "optimized", "method": "ris", "k": 2}
        setup = sim.prepare(**(base | {"dynamics": {"rule": "cascade"}, "strategies": [opt]}))
        from sim.optimize.plan import optimize

        optimize(setup, "opt")


def test_ties_that_form_later_carry_posts_from_then_on(tmp_path):
    """A chain 1 -> 2 -> 3 -> 1 from a CSV whose ties formed at times 5, 7 and 9, the run
    starting at 6 (steps): 2 adopts from the seed's post on step 0, 3 only once its tie exists
    (step 1); the trace names the file's ids."""
    import sim

    (tmp_path / "chain.csv").write_text("src,dst,when\n1,2,5\n2,3,7\n3,1,9\n")
    scenario = {
        "network": {"file": str(tmp_path / "chain.csv"), "source": "src", "target": "dst",
                    "time": "when", "start": 6, "time_unit": "steps"},
        "population": {"threshold": 0.5},
        "dynamics": {"tie_half_life": 3, "active_steps": 1},
        "strategies": [{"name": "a", "select": "explicit", "ids": [1]}],
        "steps": 12,
    }  # fmt: skip
    history = sim.prepare(**scenario).network.history
    assert history.appear.tolist() == [0, 1, 3] and history.age.tolist() == [1.0, 0.0, 0.0]
    table = sim.trace(**scenario)
    assert table["agent_label"].tolist() == [1, 2, 3]
    assert table["parent_label"].tolist() == [-1, 1, 2]
    assert table["step"].tolist() == [0, 0, 1]
    # starting at 4, the seed's only post (step 0) comes before its tie to 2 forms (step 1)
    early = {**scenario, "network": {**scenario["network"], "start": 4}}
    assert sim.trace(**early)["agent_label"].tolist() == [1]
