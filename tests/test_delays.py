"""Posting and viewing delays on a sub-day clock, and traces of who adopted from whom.

The kernel's timed path is checked against the pure-Python reference (tests/reference.py) on
hand-built graphs, draw for draw; delay distributions against their closed forms, with
tolerances from the standard error (and a twin test showing that a wrong parameter fails).
"""

import math

import numpy as np
import pytest
from scipy import stats

from sim.errors import InputError
from sim.kernels.diffusion import STEP_STAT_NAMES
from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
from sim.model.delays import Empirical, Exponential, LogNormal
from sim.network import Network
from tests.helpers import (
    assert_matches_reference,
    random_params,
    reference_run,
    schedule_of,
)
from tests.test_kernel_reference import RULES, make_agents, random_network


def compare(network, agents, params, posts, steps, key, sponsored_weight=1.0):
    """Run kernel and reference; assert they agree on every day, agent and adoption."""
    schedule = schedule_of(posts)
    simulation = Simulation(
        network, agents, params, schedule, steps, sponsored_weight=sponsored_weight
    )
    raw = simulation.run(np.array([key], dtype=np.uint64))
    ref = reference_run(network, agents, params, schedule, steps, key, sponsored_weight)
    extra = assert_matches_reference(simulation, raw, ref)
    adopt_time = ref[0]
    trace = simulation.trace(key)
    np.testing.assert_array_equal(trace.agent, extra["order"])
    np.testing.assert_array_equal(trace.parent, np.asarray(extra["parent"])[trace.agent])
    np.testing.assert_allclose(trace.hours, np.asarray(extra["hours"])[trace.agent], rtol=1e-9)
    np.testing.assert_array_equal(trace.step, np.asarray(adopt_time)[trace.agent])
    # tracing changes no number: the trace's replication is the run's
    np.testing.assert_array_equal(simulation.adopt_time, adopt_time)
    return raw, trace


DELAYS = {
    "view exponential, 6-hour steps": dict(step_hours=6.0, view_delay=Exponential(9.0)),
    "view log-normal, repost exponential, hourly": dict(
        step_hours=1.0, view_delay=LogNormal(3.0, 1.2), repost_delay=Exponential(5.0)
    ),
    "repost only, daily": dict(repost_delay=LogNormal(30.0, 0.8)),
    "empirical view, 12-hour steps": dict(
        step_hours=12.0, view_delay=Empirical(np.array([0.5, 2.0, 14.0, 40.0, 100.0]))
    ),
}


@pytest.mark.parametrize("case", list(DELAYS))
@pytest.mark.parametrize("rule", RULES)
def test_timed_kernel_matches_reference(rule, case):
    """Random trust, activity, attention, decay, memory, external influence, posts over
    several steps: the timed kernel and the reference agree exactly (times to 1e-9)."""
    rng = np.random.default_rng(31)
    delayed = 0
    for trial in range(5):
        network = random_network(rng, n=30, m=140)
        agents = make_agents(network.n_nodes, rng, random_values=True)
        params = random_params(rng, rule, half_life=(2, 8), external=0.02, **DELAYS[case])
        raw, trace = compare(network, agents, params, [(1, 0), (7, 0), (12, 2), (1, 4)], 30,
                             500 + trial, 0.8)  # fmt: skip
        when = dict(zip(trace.agent.tolist(), trace.hours.tolist(), strict=True))
        child = trace.parent >= 0
        lag = trace.hours[child] - np.array([when[p] for p in trace.parent[child].tolist()])
        assert (lag >= 0).all()
        delayed += int((lag > 2 * params.step_hours).sum())
        assert raw.step_stats[0, :, STEP_STAT_NAMES.index("exposures")].sum() > 0
    # some adoptions come more than two steps after their parent's (delays did act)
    assert delayed > 0
    assert (trace.hours >= trace.step * params.step_hours - 1e-9).all()
    assert (trace.hours < (trace.step + 1) * params.step_hours + 1e-9).all()


@pytest.mark.parametrize("rule", RULES)
def test_untimed_trace_matches_reference(rule):
    """Without delays a trace's parents and order are the reference's, hours = step x 24."""
    rng = np.random.default_rng(8)
    for trial in range(4):
        network = random_network(rng)
        agents = make_agents(network.n_nodes, rng, random_values=trial % 2 == 1)
        params = Params(rule=rule, active_steps=2, bass_q=0.7, external_p=0.01)
        _, trace = compare(network, agents, params, [(0, 0), (5, 1)], 12, 40 + trial)
        np.testing.assert_array_equal(trace.hours, trace.step * 24.0)


@pytest.mark.parametrize("rule", RULES)
def test_zero_delays_change_no_number(rule):
    """A delay that is always 0 hours runs the timed path and gives the untimed numbers."""
    rng = np.random.default_rng(3)
    network = random_network(rng, n=40, m=200)
    agents = make_agents(network.n_nodes, rng, random_values=True)
    common = dict(rule=rule, active_steps=3, tie_half_life=4.0, reinforcement=0.1,
                  memory_half_life=3.0, external_p=0.01, bass_q=0.5)  # fmt: skip
    schedule = schedule_of([(2, 0), (9, 1), (2, 3)])
    keys = replication_keys(5, 30)
    plain = Simulation(network, agents, Params(**common), schedule, 25).run(keys)
    zero = Empirical(np.zeros(1))
    timed = Simulation(
        network, agents, Params(**common, view_delay=zero, repost_delay=zero), schedule, 25
    ).run(keys)
    np.testing.assert_array_equal(timed.step_stats, plain.step_stats)
    np.testing.assert_array_equal(timed.by_origin, plain.by_origin)


def star(followers: int) -> Network:
    return Network.from_edges(np.zeros(followers, int), np.arange(1, followers + 1))


def seen_hours(delay, followers=4000, step_hours=1.0, key=3):
    """Each follower of one seed converts at its first exposure (IC, p = 1): adoption hours
    are exactly the view delays drawn for the seed's post."""
    simulation = Simulation(
        star(followers),
        textbook_agents(followers + 1),
        Params(rule="cascade", step_hours=step_hours, view_delay=delay),
        SeedSchedule.build(np.array([0])),
        2000,
    )
    trace = simulation.trace(key)
    assert trace.agent.size == followers + 1 and trace.parent[0] == -1
    assert (trace.parent[1:] == 0).all()
    return trace.hours[1:]


def test_exponential_view_delays_have_their_mean():
    """Mean within 4 standard errors (sd = mean for an exponential); KS against the
    distribution at the 1% level. Twin: mean 10% off fails both."""
    mean = 7.5
    hours = seen_hours(Exponential(mean))
    se = mean / math.sqrt(hours.size)
    assert abs(hours.mean() - mean) < 4 * se
    assert stats.kstest(hours, "expon", args=(0, mean)).pvalue > 0.01
    assert abs(hours.mean() - 1.1 * mean) > 4 * se
    assert stats.kstest(hours, "expon", args=(0, 1.1 * mean)).pvalue < 0.01


def test_lognormal_view_delays_have_their_median():
    """log-hours: mean log(median) within 4 SE (sd = sigma), sd within 4 SE of sigma
    (SE ~ sigma / sqrt(2n)); KS at 1%. Twin: median 10% off fails."""
    median, sigma = 2.0, 1.5
    hours = seen_hours(LogNormal(median, sigma))
    logs = np.log(hours)
    n = logs.size
    assert abs(logs.mean() - math.log(median)) < 4 * sigma / math.sqrt(n)
    assert abs(logs.std() - sigma) < 4 * sigma / math.sqrt(2 * n)
    assert stats.kstest((logs - math.log(median)) / sigma, "norm").pvalue > 0.01
    assert abs(logs.mean() - math.log(1.1 * median)) > 4 * sigma / math.sqrt(n)


def test_empirical_delays_resample_the_values():
    """Every delay is one of the values, each about equally often (chi-square at 1%)."""
    values = np.array([0.25, 3.0, 48.0, 200.0])
    hours = seen_hours(Empirical(values), step_hours=0.5)
    np.testing.assert_allclose(np.unique(hours), values)
    counts = np.array([(np.isclose(hours, v)).sum() for v in values])
    assert stats.chisquare(counts).pvalue > 0.01


def test_delays_past_the_horizon_are_dropped_and_days_run_to_the_end():
    """A post seen after the last step never arrives; the run is not cut short while
    exposures are on their way."""
    hours = seen_hours(Exponential(500.0), followers=300, step_hours=24.0)
    assert hours.size == 300  # all arrive within 2000 days
    simulation = Simulation(
        star(300), textbook_agents(301), Params(rule="cascade", view_delay=Exponential(500.0)),
        SeedSchedule.build(np.array([0])), 10,
    )  # fmt: skip
    trace = simulation.trace(1)
    assert 1 < trace.agent.size < 301  # about 1 - exp(-240/500) = 38% arrive in 10 days
    assert trace.hours.max() < 240


def test_queue_overflow_grows_and_changes_nothing(monkeypatch):
    """A queue far too small is grown on demand (rerunning the replication): the numbers
    equal those of a run that never overflowed, on one and on two threads."""
    rng = np.random.default_rng(12)
    network = random_network(rng, n=60, m=600)
    agents = make_agents(network.n_nodes, rng, random_values=True)
    params = Params(rule="threshold", active_steps=3, view_delay=LogNormal(30.0, 1.0),
                    step_hours=4.0)  # fmt: skip
    schedule = schedule_of([(1, 0), (2, 0), (3, 1)])
    keys = replication_keys(2, 80)
    roomy = Simulation(network, agents, params, schedule, 60).run(keys)
    from sim.model import kernel_inputs

    monkeypatch.setattr(kernel_inputs, "QUEUE_SLOTS", 2)
    small = Simulation(network, agents, params, schedule, 60)
    assert small._queue == 2
    np.testing.assert_array_equal(small.run(keys).step_stats, roomy.step_stats)
    assert small._queue > 2
    tiny = Simulation(network, agents, params, schedule, 60)
    np.testing.assert_array_equal(tiny.run(keys, threads=2).step_stats, roomy.step_stats)
    stepped = Simulation(network, agents, params, schedule, 60)
    stepped.start(keys[-1])
    for _ in range(60):
        stepped.step()
    np.testing.assert_array_equal(stepped.record.step_stats[0], roomy.step_stats[-1])


def test_timed_runs_are_the_same_on_two_threads():
    rng = np.random.default_rng(4)
    network = random_network(rng, n=200, m=1500)
    agents = make_agents(network.n_nodes, rng, random_values=True)
    params = Params(rule="cascade", view_delay=Exponential(20.0), repost_delay=Exponential(3.0),
                    step_hours=6.0, active_steps=2)  # fmt: skip
    schedule = schedule_of([(0, 0), (1, 0)])
    keys = replication_keys(9, 400)
    one = Simulation(network, agents, params, schedule, 40).run(keys)
    two = Simulation(network, agents, params, schedule, 40).run(keys, threads=2)
    np.testing.assert_array_equal(one.step_stats, two.step_stats)
    np.testing.assert_array_equal(one.by_origin, two.by_origin)


def test_bad_delays_and_clocks_are_one_line():
    with pytest.raises(InputError, match=r"mean_hours: must be a finite number > 0, got 0"):
        Exponential(0)
    with pytest.raises(InputError, match=r"sigma: must be a finite number >= 0"):
        LogNormal(1.0, math.nan)
    with pytest.raises(InputError, match=r"delays: must be finite hours >= 0, got -1.0"):
        Empirical(np.array([1.0, -1.0]))
    with pytest.raises(InputError, match=r"step_hours: must be a number in \(0, 8784\]"):
        Params(step_hours=0)
    with pytest.raises(InputError, match=r"view_delay: must be None or a sim.model.delays"):
        Params(view_delay=5.0)


def test_empirical_delays_from_a_file(tmp_path):
    path = tmp_path / "delays.csv"
    path.write_text("cascade,hours\na,1.5\nb,30\n")
    assert Empirical.from_file(path).hours.tolist() == [1.5, 30.0]
    path.write_text("cascade,hours\na,1.5\nb,soon\n")
    with pytest.raises(InputError, match=r"delays.csv:3: column 'hours': 'soon' is not a number"):
        Empirical.from_file(path)
    with pytest.raises(InputError, match=r"delays.csv:1: no column 'minutes'"):
        Empirical.from_file(path, "minutes")


TIMED_SCENARIO = """\
name: hourly
network: {generator: erdos_renyi, n: 800, mean_degree: 6, ties: 0.4}
dynamics:
  rule: cascade
  step_hours: 1
  active_steps: 12
  delays:
    view: {dist: lognormal, median_hours: 2, sigma: 1.5}
    repost: {dist: empirical, file: reposts.csv}
strategies:
  - {name: top, select: top_followers, k: 4}
  - {name: random, select: random, k: 4, redraw: per_replication}
steps: 240
replications: 6
seed: 5
"""


def timed_scenario(tmp_path):
    (tmp_path / "reposts.csv").write_text("hours\n0.5\n3\n12\n30\n")
    path = tmp_path / "hourly.yaml"
    path.write_text(TIMED_SCENARIO)
    return path


def test_trace_table_matches_run(tmp_path):
    """sim.trace's adoptions per replication are run's final adopters (same keys, worlds and
    plans, redrawn seeds included); hours lie within each adoption's step."""
    import sim

    path = timed_scenario(tmp_path)
    results = sim.run(path)
    table = results.replications
    for name in ("top", "random"):
        traced = sim.trace(path, strategy=name, replications=range(6))
        counts = traced.groupby("replication").size().to_numpy()
        finals = table[table["strategy"] == name]["final_adopters"].to_numpy()
        np.testing.assert_array_equal(counts, finals)
        assert (traced["hours"] >= traced["step"] - 1e-9).all()
        assert (traced["hours"] < traced["step"] + 1 + 1e-9).all()
        assert (traced["parent"] >= 0).sum() > 0.9 * (traced["origin_seed"] >= 0).sum() - 30
    with pytest.raises(InputError, match="replications: indices must be integers >= 0"):
        sim.trace(path, replications=[-1])


def test_trace_command_writes_the_table_and_a_summary(tmp_path, capsys):
    from sim.cli import main

    path = timed_scenario(tmp_path)
    out = tmp_path / "adoptions.csv"
    assert main(["trace", str(path), "-r", "2", "--strategy", "top", "--out", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "median_lag_hours" in shown and "generations" in shown
    import pandas as pd

    table = pd.read_csv(out)
    assert list(table.columns) == [
        "replication", "strategy", "agent", "parent", "step", "hours", "origin_seed",
    ]  # fmt: skip
    assert set(table["replication"]) == {0, 1}
    assert main(["trace", str(path), "--out", str(tmp_path / "adoptions.txt")]) == 2
    assert "--out: " in capsys.readouterr().err
    assert main(["run", str(path), "-r", "2", "--out", str(tmp_path / "o")]) == 0
    assert "240 steps of 1 h" in capsys.readouterr().out


def test_scenario_delay_errors_name_the_key(tmp_path):
    import sim

    path = timed_scenario(tmp_path)
    path.write_text(TIMED_SCENARIO.replace("median_hours: 2", "median_hours: -2"))
    with pytest.raises(InputError, match=r"line 8.*dynamics.delays.view.lognormal.median_hours"):
        sim.load_scenario(path)
    path.write_text(TIMED_SCENARIO.replace("reposts.csv", "missing.csv"))
    with pytest.raises(InputError, match=r"dynamics.delays.repost.file: file not found"):
        sim.load_scenario(path)
    path.write_text(TIMED_SCENARIO.replace("dist: lognormal", "dist: gamma"))
    with pytest.raises(InputError, match=r"dynamics.delays.view"):
        sim.load_scenario(path)
    (tmp_path / "reposts.csv").write_text("hours\n0.5\nlater\n")
    path.write_text(TIMED_SCENARIO)
    with pytest.raises(InputError, match=r"reposts.csv:3: column 'hours': 'later'"):
        sim.prepare(path)
