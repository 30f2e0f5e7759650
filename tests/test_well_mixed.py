"""The implicit well-mixed population against the general kernel on complete(n), and at scale.

1. ``Simulation(WellMixed(n), ...)`` gives the general kernel's numbers on ``complete(n)``
   draw for draw: per-day statistics, attributions, community counts, and every agent's
   adoption day, first exposure, origin, sources, posting and influence, under a mix of
   settings (partial activity, memory, external influence, complex contagion, per-agent
   thresholds, several seeds over several days, finite and unlimited posting, two communities).
2. At n = 10^5 the ``bass`` rule's mean adoption curve follows the Bass recursion within a
   bound from its standard error, and the same bound rejects a q off by 20%.
3. The scenario route: ``generator: well_mixed, n: 1000000`` validates and runs from the CLI,
   and settings that are not mean-field are refused in one line naming the key.
4. Granovetter at n = 10^6: the ``fractional`` rule's final count is the fixed point of the
   threshold map, near the mean-field fraction.
"""

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import norm

from sim.config.gate import parse_scenario
from sim.errors import InputError
from sim.model import AgentArrays, Params, SeedSchedule, Simulation, parallel, replication_keys
from sim.model.population import textbook_agents
from sim.network.generators import complete
from sim.network.well_mixed import WellMixed
from sim.runner.prepare import prepare
from sim.runner.resources import estimate_parts, refuse_over
from sim.validation.bass import bass_recursion
from sim.validation.granovetter import fixed_point_count, mean_field_final

ROOT = Path(__file__).resolve().parents[1]
INSTIGATORS = 30
"""One agent in this many has threshold <= 0 (Granovetter's instigators, day 0)."""
VIEWS = ("adopt_time", "first_seen", "origin", "n_sources", "posted", "adopted", "aware")


def mixed_agents(n: int, seed: int, rule: str) -> AgentArrays:
    """Random expertise and interest on two topics, per-agent thresholds (a few <= 0: Granovetter's
    instigators), min_sources 1 or 2, activity 1 or below."""
    rng = np.random.default_rng(seed)
    if rule == "threshold":
        threshold = rng.uniform(0.2, 6.0, n)
    elif rule == "fractional":
        threshold = rng.uniform(0.0, 0.9, n)
    else:
        threshold = np.zeros(n)
    threshold[rng.choice(n, max(2, n // INSTIGATORS), replace=False)] = -0.1
    threshold[rng.random(n) < 0.05] = np.inf  # never adopt (but by external influence)
    return AgentArrays(
        ("a", "b"),
        rng.random((n, 2)),
        rng.random((n, 2)),
        threshold,
        rng.choice([1, 2], n).astype(np.int32),
        np.where(rng.random(n) < 0.5, 1.0, rng.uniform(0.3, 1.0, n)),
        np.ones(n),
    )


CASES = {
    # name: (n, tie, active_steps, memory_half_life, external_p, bass_q, sponsored_weight)
    "small, forever posting, memory": (31, 1.0, None, 3.0, 0.0, 0.3, 1.0),
    "two-day posting, external": (120, 0.7, 2, None, 0.004, 0.4, 0.6),
    "one-day posting, both": (300, 0.45, 1, 5.0, 0.002, 0.25, 0.8),
}


def both(rule: str, case: str, seed: int, first_day: int = 1):
    """(general kernel on complete(n), well-mixed) simulations of one case; seed posts from
    ``first_day`` (instigators adopt on day 0)."""
    n, tie, active, memory, external, q, weight = CASES[case]
    agents = mixed_agents(n, seed, rule)
    community = (np.arange(n) * 2 // n).astype(np.int32)
    params = Params(
        rule=rule, active_steps=active, memory_half_life=memory, external_p=external, bass_q=q
    )
    rng = np.random.default_rng(seed + 1)
    seeds = rng.choice(n, 4, replace=False)
    # two seeds on the first day and 3 days later, two more 2 days later (one twice):
    # attributions across days, several cascades arriving on one day
    schedule = SeedSchedule(
        seeds,
        np.array([seeds[0], seeds[1], seeds[2], seeds[3], seeds[3], seeds[0]]),
        first_day + np.array([0, 0, 2, 2, 2, 3]),
        np.array([0, 1, 2, 3, 3, 0]),
    )
    network = complete(n)
    explicit = dataclasses.replace(network, community=community, ties=np.full(network.n_edges, tie))
    implicit = WellMixed(n, tie, community)
    kwargs = dict(topic="b", sponsored_weight=weight)
    return (
        Simulation(explicit, agents, params, schedule, 25, **kwargs),
        Simulation(implicit, agents, params, schedule, 25, **kwargs),
    )


def assert_same_views(general: Simulation, mixed: Simulation) -> None:
    for name in VIEWS:
        np.testing.assert_array_equal(getattr(mixed, name), getattr(general, name), err_msg=name)
    np.testing.assert_allclose(mixed.influence, general.influence, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("rule", ["fractional", "bass", "threshold"])
def test_well_mixed_reproduces_complete_graph(rule, case):
    general, mixed = both(rule, case, seed=len(case))
    assert type(mixed).__name__ == "WellMixedSimulation"
    keys = replication_keys(11, 12)
    expected, got = general.run(keys), mixed.run(keys)
    for name in ("step_stats", "by_origin", "by_community"):
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name), err_msg=name)
    assert_same_views(general, mixed)  # the last replication's agents
    # not a trivial equality: cascades grow and stop short of everyone in some replications
    finals = expected.final_adopters()
    n = mixed.network.n_nodes
    assert finals.max() > 10 and finals.min() < n
    assert expected.by_origin[:, :-1].sum() > 0 and expected.by_community[:, 1].sum() > 0


@pytest.mark.parametrize("rule", ["fractional", "threshold"])
def test_instigators_reached_by_day_zero_seeds_keep_no_origin(rule):
    """Seeds posting on day 0 reach the instigators the day they adopt; instigators keep
    origin -1 (counted under "none") on both kernels, which agree on everything."""
    general, mixed = both(rule, "two-day posting, external", seed=9, first_day=0)
    keys = replication_keys(4, 6)
    expected, got = general.run(keys), mixed.run(keys)
    for name in ("step_stats", "by_origin", "by_community"):
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name), err_msg=name)
    instigator = (mixed.agents.threshold <= 0) & (mixed.adopt_time == 0)
    instigator[mixed.schedule.seeds] = False
    assert instigator.sum() >= 2
    np.testing.assert_array_equal(mixed.origin[instigator], -1)
    np.testing.assert_array_equal(general.origin, mixed.origin)
    assert np.all(got.by_origin[:, -1] >= instigator.sum())


@pytest.mark.parametrize("rule", ["fractional", "bass", "threshold"])
def test_stepping_and_threads_give_the_same_numbers(rule, monkeypatch):
    general, mixed = both(rule, "two-day posting, external", seed=5)
    keys = replication_keys(3, 40)
    one = mixed.run(keys)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_SECONDS", 0.0)  # use the threads however small
    original, calls = type(mixed)._run_threads, []

    def counted(self, *args):
        calls.append(len(self._thread_states(args[-1])))  # the thread states
        return original(self, *args)

    monkeypatch.setattr(type(mixed), "_run_threads", counted)
    two = mixed.run(keys, threads=2)
    assert calls == [2], "the threaded driver should have run on two states"
    for name in ("step_stats", "by_origin", "by_community"):
        np.testing.assert_array_equal(getattr(two, name), getattr(one, name), err_msg=name)
    for simulation in (general, mixed):
        simulation.start(keys[7])
        for day in range(simulation.steps):
            simulation.step()
            if day in (0, 2, 9):  # the views agree day by day, not only at the end
                if simulation is mixed:
                    general.start(keys[7])
                    for _ in range(day + 1):
                        general.step()
                    assert_same_views(general, mixed)
        np.testing.assert_array_equal(simulation.record.step_stats[0], one.step_stats[7])


def test_edge_views_and_settings_that_are_not_mean_field_are_refused():
    n = 50
    agents, schedule = textbook_agents(n), SeedSchedule.build([0])
    simulation = Simulation(WellMixed(n), agents, Params(rule="threshold"), schedule, 5)
    simulation.start(1)
    simulation.step()
    for view in (lambda: simulation.ties(3), lambda: simulation.reached(3)):
        with pytest.raises(InputError, match="stores no edges"):
            view()
    refused = {
        "rule: 'cascade' cannot run": Params(rule="cascade"),
        "tie_half_life: .*allowed: null": Params(tie_half_life=10.0),
        "reinforcement: .*allowed: 0": Params(reinforcement=0.1),
    }
    for message, params in refused.items():
        with pytest.raises(InputError, match=message):
            Simulation(WellMixed(n), agents, params, schedule, 5)
    partial = dataclasses.replace(agents, attention=np.full(n, 0.5, dtype=np.float32))
    with pytest.raises(InputError, match=r"attention: .*full attention.*0\.5 for agent 0"):
        Simulation(WellMixed(n), partial, Params(), schedule, 5)
    with pytest.raises(InputError, match="indptr: a well-mixed population stores no edges"):
        WellMixed(n).indptr  # noqa: B018
    assert not hasattr(WellMixed(n), "indices")


# ---------------------------------------------------------------------------- Bass at 10^5
BASS_P, BASS_Q, BASS_N, BASS_STEPS, BASS_REPS = 0.01, 0.38, 100_000, 30, 16


@pytest.fixture(scope="module")
def bass_shares() -> np.ndarray:
    simulation = Simulation(
        WellMixed(BASS_N),
        textbook_agents(BASS_N),
        Params(rule="bass", external_p=BASS_P, bass_q=BASS_Q, active_steps=1),
        SeedSchedule.build([]),
        BASS_STEPS,
    )
    raw = simulation.run(replication_keys(2026, BASS_REPS), threads=2)
    return raw.stat("new_adopters").cumsum(axis=1) / BASS_N


def bass_misfit(shares: np.ndarray, q: float) -> float:
    """Largest |mean - recursion| over days in units of the mean's standard error (plus the
    recursion's O(1/n) error, bounded by q / n)."""
    mean = shares.mean(axis=0)
    se = shares.std(axis=0, ddof=1) / np.sqrt(shares.shape[0])
    reference = bass_recursion(BASS_P, q, BASS_N, BASS_STEPS)
    return float(np.max(np.abs(mean - reference) / (se + q / BASS_N)))


def test_bass_curve_follows_the_recursion_at_1e5(bass_shares):
    # 30 days: |z| < 4 on each has a family-wise false alarm below 0.2%
    assert bass_misfit(bass_shares, BASS_Q) < 4.0
    assert 0.9 < bass_shares[:, -1].mean() <= 1.0


def test_bass_bound_rejects_q_off_by_20_percent(bass_shares):
    assert bass_misfit(bass_shares, 1.2 * BASS_Q) > 4.0
    assert bass_misfit(bass_shares, 0.8 * BASS_Q) > 4.0


# ---------------------------------------------------------------------------- Granovetter 10^6
def granovetter_gap(final_share: float, seed_share: float, mean: float, n: int) -> float:
    """|final share - mean-field share| for thresholds N(mean, 0.1^2), in units of the
    approximate standard error of a run's fixed point: the empirical threshold CDF's
    sqrt(F (1 - F) / n), amplified by 1 / (1 - slope of the map) at a stable fixed point."""

    def cdf(x):
        return norm.cdf((np.asarray(x) - mean) / 0.1)

    share = mean_field_final(seed_share, cdf)
    slope = (1 - seed_share) * norm.pdf((share - mean) / 0.1) / 0.1
    se = np.sqrt(share * (1 - share) / n) / (1 - slope) + 1 / n
    return abs(final_share - share) / se


@pytest.mark.parametrize("seed_share", [0.05, 0.12])  # below and above the tipping point
def test_granovetter_at_a_million(seed_share):
    n = 1_000_000
    rng = np.random.default_rng(8)
    threshold = rng.normal(0.3, 0.1, n)  # a few dozen <= 0: instigators
    seeds = rng.choice(n, int(seed_share * n), replace=False).astype(np.int32)
    agents = dataclasses.replace(textbook_agents(n), threshold=threshold)
    simulation = Simulation(
        WellMixed(n), agents, Params(rule="fractional"), SeedSchedule.build(seeds), 200
    )
    final = int(simulation.run(replication_keys(0, 1)).final_adopters()[0])
    assert final == fixed_point_count(threshold, seeds)  # the exact fixed point of this draw
    assert granovetter_gap(final / n, seed_share, 0.3, n) < 5.0
    if seed_share < 0.09:  # the twin: a threshold mean off by 0.01 is rejected
        assert granovetter_gap(final / n, seed_share, 0.31, n) > 5.0


# ---------------------------------------------------------------------------- scenarios
SCENARIO = """\
name: well mixed million
network: {generator: well_mixed, n: 1000000}
population:
  threshold: {dist: uniform, low: 0.05, high: 0.6}
dynamics: {rule: fractional, active_steps: 2, memory_half_life: 10}
strategies:
  - {name: top, select: top_followers, k: 2000, posts: 2, every: 3}
steps: 100
replications: 2
seed: 3
"""


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def test_a_million_agent_scenario_validates_and_runs_from_the_cli(tmp_path):
    path = tmp_path / "million.yaml"
    path.write_text(SCENARIO)
    checked = run_cli("validate", str(path))
    assert checked.returncode == 0, checked.stderr
    assert "1,000,000 agents" in checked.stdout
    start = time.perf_counter()
    done = run_cli("run", str(path), "--json", "--quiet", "--threads", "1")
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    text = json.dumps(summary)
    assert "well_mixed" in text
    assert seconds < 120  # compile (once) plus two 10^6 x 100-day replications


def test_the_memory_guard_counts_agents_not_pairs():
    million = parse_scenario(SCENARIO)
    parts = dict(topics=1, strategies=million.strategies, steps=100, replications=2)
    implicit = estimate_parts(million.network, **parts)
    assert implicit.edges == 0 and implicit.total < 2**30
    explicit = million.network.model_copy(update={"generator": "complete"})
    stored = estimate_parts(explicit, **parts)
    assert stored.total > 2**40
    refuse_over(implicit, 2**30)  # fits in 1 GiB
    with pytest.raises(InputError, match="would need"):
        refuse_over(stored, 2**30)


WELL_MIXED = "{generator: well_mixed, n: 1000}"
REFUSED = [
    (WELL_MIXED, "dynamics: {rule: cascade}", r"line 3: dynamics\.rule: 'cascade' cannot run"),
    (WELL_MIXED, "dynamics: {tie_half_life: 7}", r"dynamics\.tie_half_life: .*allowed: null"),
    (WELL_MIXED, "dynamics: {reinforcement: 0.2}", r"dynamics\.reinforcement: .*allowed: 0"),
    (WELL_MIXED, "population: {attention: {value: 0.3}}", r"population\.attention: .*mode"),
    (WELL_MIXED, "campaign: {budget: 1000}", r"campaign\.engagement: .*allowed: null"),
    (
        "{generator: well_mixed, n: 1000, ties: {dist: uniform, low: 0, high: 1}}",
        "",
        r"network\.ties: .*got a uniform distribution; allowed: a number",
    ),
]


@pytest.mark.parametrize(("network", "extra", "pattern"), REFUSED)
def test_scenario_settings_that_are_not_mean_field_are_refused_with_the_key(
    network, extra, pattern
):
    strategies = "strategies: [{name: a, select: random, k: 3}]"
    text = f"name: refused\nnetwork: {network}\n{extra}\n{strategies}\n"
    with pytest.raises(InputError, match=pattern) as error:
        parse_scenario(text, "s.yaml")
    assert "\n" not in str(error.value)


def test_the_refusal_is_one_line_from_the_cli(tmp_path):
    path = tmp_path / "cascade.yaml"
    path.write_text(SCENARIO.replace("rule: fractional", "rule: cascade"))
    done = run_cli("validate", str(path))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "dynamics.rule: 'cascade' cannot run" in lines[0], lines


def test_brand_strategy_is_refused_and_seeding_by_followers_works():
    text = textwrap.dedent(
        """\
        network: {generator: well_mixed, n: 2000, n_communities: 4}
        campaign: {budget: 5000, engagement: null}
        strategies: [{name: brand, select: brand}]
        """
    )
    with pytest.raises(InputError, match=r"strategies\.0: 'brand': select 'brand' needs stored"):
        parse_scenario(text, "s.yaml")
    setup = prepare(
        network={"generator": "well_mixed", "n": 2000, "n_communities": 4},
        dynamics={"rule": "fractional"},
        population={"threshold": 0.002},
        strategies=[
            {"name": "top", "select": "top_followers", "k": 5},
            {"name": "random", "select": "random", "k": 5},
            {"name": "ids", "select": "explicit", "ids": [3, 1999]},
            {"name": "mega", "select": "tier", "tier": "mega", "k": 2},
            {"name": "spread", "select": "communities", "k": 4},
            {"name": "nano", "select": "tier", "tier": "nano", "k": 1},
        ],
        steps=10,
        replications=3,
    )
    assert isinstance(setup.network, WellMixed) and setup.network.n_communities == 4
    plans = {name: setup.plan(name) for name in ("top", "random", "ids", "mega", "spread")}
    np.testing.assert_array_equal(plans["top"].schedule.seeds, [0, 1, 2, 3, 4])  # ties: by id
    np.testing.assert_array_equal(plans["ids"].schedule.seeds, [3, 1999])
    assert plans["mega"].seeds_by_tier["mega"] == 2
    spread = plans["spread"].schedule.seeds
    assert sorted(setup.network.community[spread]) == [0, 1, 2, 3]
    raw = setup.simulation(plans["random"]).run(replication_keys(1, 3))
    assert (raw.final_adopters() == 2000).all()  # threshold 0.002: 5 seeds of 1999 tip everyone
    with pytest.raises(InputError, match="no accounts in tier nano"):  # everyone is mega here
        setup.plan("nano")


# ---------------------------------------------------------------------------- instigators
def test_instigators_adopt_on_day_zero_by_hand():
    """Five agents, ``fractional``, unit trust, thresholds [-1, 0, 0.5, 0.5, 0.9]: agents 0 and
    1 (threshold <= 0) adopt at the start of day 0 with no origin and post on day 1; their two
    posts are half of everyone else's sources, enough for agents 2 and 3 but not for agent 4,
    a seed, whose own post on day 2 makes it adopt, attributed to itself."""
    n = 5
    threshold = np.array([-1.0, 0.0, 0.5, 0.5, 0.9])
    agents = dataclasses.replace(textbook_agents(n), threshold=threshold)
    schedule = SeedSchedule.build([4], start=2)
    simulation = Simulation(WellMixed(n), agents, Params(rule="fractional"), schedule, 4)
    raw = simulation.run(replication_keys(0, 1))
    # columns: posts, edges_touched, exposures, new_aware, new_seed_adopters, new_adopters
    expected = [[0, 0, 0, 2, 0, 2], [2, 8, 8, 3, 0, 2], [3, 12, 12, 0, 1, 1], [0, 0, 0, 0, 0, 0]]
    np.testing.assert_array_equal(raw.step_stats[0], expected)
    np.testing.assert_array_equal(raw.by_origin[0], [1, 4])  # seed 4 its own; four with none
    np.testing.assert_array_equal(simulation.adopt_time, [0, 0, 1, 1, 2])
    np.testing.assert_array_equal(simulation.origin, [-1, -1, -1, -1, 0])
    np.testing.assert_array_equal(simulation.first_seen, [0, 0, 1, 1, 1])
    # under bass a threshold means nothing: nobody adopts before the seed posts
    bass = Simulation(WellMixed(n), agents, Params(rule="bass"), schedule, 4)
    np.testing.assert_array_equal(
        bass.run(replication_keys(0, 1)).stat("new_adopters")[0], [0, 0, 1, 0]
    )


def test_a_seed_with_threshold_zero_is_no_instigator():
    """Seed 0 (threshold -1) posts on day 0: it adopts at its post, attributed to itself, while
    instigator 1 keeps no origin although the seed's post reaches it that same day."""
    n = 5
    threshold = np.array([-1.0, 0.0, 0.5, 0.5, 0.9])
    agents = dataclasses.replace(textbook_agents(n), threshold=threshold)
    schedule = SeedSchedule.build([0])
    simulation = Simulation(WellMixed(n), agents, Params(rule="fractional"), schedule, 4)
    raw = simulation.run(replication_keys(0, 1))
    expected = [[1, 4, 4, 5, 1, 2], [1, 4, 4, 0, 0, 2], [2, 8, 8, 0, 0, 1], [1, 4, 4, 0, 0, 0]]
    np.testing.assert_array_equal(raw.step_stats[0], expected)
    np.testing.assert_array_equal(raw.by_origin[0], [4, 1])
    np.testing.assert_array_equal(simulation.origin, [0, -1, 0, 0, 0])
    np.testing.assert_array_equal(simulation.adopt_time, [0, 0, 1, 1, 2])


def test_the_celf_optimiser_runs_on_the_implicit_population():
    from sim.optimize.plan import plan_strategies

    setup = prepare(
        network={"generator": "well_mixed", "n": 400},
        dynamics={"rule": "fractional", "active_steps": 2},
        population={
            "threshold": {"dist": "uniform", "low": 0.002, "high": 0.4},
            "expertise": {"home": {"dist": "uniform", "low": 0.0, "high": 1.0}},
        },
        strategies=[
            {"name": "best", "select": "optimized", "k": 2, "pool": 12, "samples": 4},
            {"name": "first", "select": "top_followers", "k": 2},
        ],
        steps=15,
        replications=4,
    )
    best, first = plan_strategies(setup, threads=1)
    assert 1 <= best.n_seeds <= 2 and set(best.schedule.seeds) <= set(range(12))
    np.testing.assert_array_equal(first.schedule.seeds, [0, 1])
