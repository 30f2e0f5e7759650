"""Reverse influence sampling: RR-set estimates against the engine, RIS against CELF on IC,
unit-cost RIS against PyNetIM's IMM, budgets on coverage."""

import math

import numpy as np
import pytest

import sim
from sim.model import streams
from sim.optimize import optimize
from sim.optimize.objective import PlanObjective, candidates_and_costs
from sim.optimize.ris import RRSets, Sampler, budgeted_cover, imm_sizes

Z = 3.0


def setup_for(n=400, degree=4.0, ties=0.2, campaign=None, population=None, **dynamics):
    strategies = [{"name": "opt", "select": "optimized", "k": 5, "epsilon": 0.2}]
    if campaign is not None:
        strategies = [{"name": "opt", "select": "optimized", "epsilon": 0.2, "posts": 2}]
    return sim.prepare(
        network={"generator": "erdos_renyi", "n": n, "mean_degree": degree, "ties": ties},
        population=population,
        dynamics={"rule": "cascade", **dynamics},
        campaign=campaign,
        strategies=strategies,
        steps=40,
        replications=300,
        seed=11,
    )


def covered_fraction(sets: RRSets, seeds) -> float:
    hit = np.isin(sets.members, np.asarray(seeds))
    owner = np.repeat(np.arange(sets.count), np.diff(sets.indptr))
    return np.unique(owner[hit]).size / sets.count


def spread_samples(setup, seeds):
    """Adopters (seeds included) of the plan hiring ``seeds``, per fresh replication."""
    strategy = setup.strategy("opt")
    keys = streams.replication_keys(setup.seed, 600)
    return PlanObjective(setup, strategy, keys).samples(seeds) + len(seeds)


@pytest.mark.parametrize("general", [False, True], ids=["textbook", "full_cascade"])
def test_rr_sets_estimate_the_engine_spread_of_single_seeds_and_pairs(general):
    # n * P(seeds meet an RR set) is the expected spread (Borgs et al. 2014); in the full model
    # too: partial activity and attention over several active days, tier engagement, two
    # sponsored posts at a discount
    if general:
        campaign = {
            "budget": 1e6,
            "prices": {"per_follower": 1.0},
            "engagement": {"nano": 0.6, "micro": 0.6, "macro": 0.6, "mega": 0.6},
            "sponsored_weight": 0.7,
            "tiers": {"reference_population": 1000},
        }
        setup = setup_for(
            degree=6.0,
            ties=0.5,
            campaign=campaign,
            population={"activity": 0.6, "attention": {"value": 0.7}},
            active_steps=2,
        )
    else:
        setup = setup_for()
    strategy = setup.strategy("opt")
    pool, _ = candidates_and_costs(setup, strategy)
    sampler = Sampler(setup, strategy, pool)
    sets = RRSets(sampler, streams.optimizer_keys(setup.seed, streams.RR_SETS, "opt", 1)[0])
    sets.extend(60_000)
    n = setup.network.n_nodes
    top = pool[np.argsort(-setup.network.followers[pool], kind="stable")][:4]
    for seeds in ([int(top[0])], [int(top[1])], [int(top[2]), int(top[3])]):
        engine = spread_samples(setup, seeds)
        estimate = n * covered_fraction(sets, seeds)
        f = estimate / n
        error = math.hypot(
            engine.std(ddof=1) / math.sqrt(engine.size), n * math.sqrt(f * (1 - f) / sets.count)
        )
        assert abs(estimate - engine.mean()) <= Z * error + 0.05, (seeds, estimate, engine.mean())


def test_the_kernel_check_catches_a_wrong_edge_probability():
    # power twin: RR sets drawn with trust 20% too high miss the engine by more than the band
    setup = setup_for(degree=6.0, ties=0.25)
    strategy = setup.strategy("opt")
    pool, _ = candidates_and_costs(setup, strategy)
    sampler = Sampler(setup, strategy, pool)
    sampler.trust = sampler.trust * 1.2
    sets = RRSets(sampler, np.uint64(5))
    sets.extend(60_000)
    seeds = [int(pool[np.argmax(setup.network.followers[pool])])]
    engine = spread_samples(setup, seeds)
    estimate = setup.network.n_nodes * covered_fraction(sets, seeds)
    error = engine.std(ddof=1) / math.sqrt(engine.size) + estimate / math.sqrt(sets.count)
    assert abs(estimate - engine.mean()) > Z * error


def test_ris_and_celf_agree_on_independent_cascade():
    setup = setup_for(n=300)
    ris = optimize(setup, "opt", method="ris")
    celf = optimize(setup, "opt", method="celf")
    assert ris.details["rr_sets"] > 0 and ris.details["bytes"] > 0
    a, b = spread_samples(setup, ris.seeds.tolist()), spread_samples(setup, celf.seeds.tolist())
    difference = a - b  # paired on the same fresh replications
    error = difference.std(ddof=1) / math.sqrt(difference.size)
    assert abs(difference.mean()) <= Z * error + 0.03 * b.mean(), (a.mean(), b.mean(), error)


def test_budgeted_coverage_never_exceeds_the_budget_and_beats_a_cheap_trap():
    campaign = {"budget": 3000, "prices": "rate_card", "engagement": None,
                "tiers": {"reference_population": 40_000}}  # fmt: skip
    setup = setup_for(n=400, campaign=campaign)
    found = optimize(setup, "opt", method="ris")
    assert 0 < found.plan.spend <= 3000
    pool, cost = candidates_and_costs(setup, setup.strategy("opt"))
    sampler = Sampler(setup, setup.strategy("opt"), pool)
    sets = RRSets(sampler, np.uint64(9))
    sets.extend(20_000)
    full = np.full(sampler.n, np.inf)
    full[pool] = cost
    for budget in (100.0, 700.0, 5000.0):
        cover = budgeted_cover(sets, full, budget, None)
        assert full[cover.seeds].sum() <= budget + 1e-9


def test_imm_sample_size_grows_as_epsilon_shrinks():
    setup = setup_for()
    strategy = setup.strategy("opt")
    pool, _ = candidates_and_costs(setup, strategy)
    sampler = Sampler(setup, strategy, pool)
    cost = np.ones(sampler.n)
    sizes = [
        imm_sizes(sampler.n, pool.size, 5, eps, 1.0, RRSets(sampler, np.uint64(1)), cost, 5, 5)[0]
        for eps in (0.4, 0.2, 0.1)
    ]
    assert sizes[0] < sizes[1] < sizes[2]
    assert sizes[2] / sizes[1] == pytest.approx(4.0, rel=0.35)  # theta ~ 1 / epsilon^2


def test_unit_cost_ris_matches_pynetim_imm_within_monte_carlo_error():
    pynetim = pytest.importorskip("pynetim")
    from pynetim.algorithms import IMMAlgorithm

    setup = setup_for(n=1500, degree=5.0, ties=0.12)
    network = setup.network
    k, epsilon = 5, 0.2
    edges = list(zip(network.edge_sources().tolist(), network.indices.tolist(), strict=True))
    graph = pynetim.IMGraph(edges, weights=network.tie_values().astype(float).tolist(),
                            directed=True, renumber=False)  # fmt: skip
    theirs = sorted(IMMAlgorithm(graph, "IC", epsilon=epsilon, l=1, random_seed=3).run(k))
    ours = optimize(setup, "opt", method="ris")
    assert ours.seeds.size == k
    a, b = spread_samples(setup, ours.seeds.tolist()), spread_samples(setup, theirs)
    difference = a - b
    error = difference.std(ddof=1) / math.sqrt(difference.size)
    assert difference.mean() >= -Z * error - 0.02 * b.mean(), (a.mean(), b.mean(), error)
