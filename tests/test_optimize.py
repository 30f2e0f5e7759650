"""Budgeted CELF: known answers on coverage functions, brute force on small cascades,
submodular gains along the greedy path, budgets never exceeded, `select: optimized`."""

import itertools
import math

import numpy as np
import pytest

import sim
from sim.config import Strategy
from sim.errors import InputError
from sim.model import streams
from sim.optimize import budgeted_greedy, optimize
from sim.optimize.objective import PlanObjective, candidates_and_costs

Z = 3.0  # standard errors allowed for a Monte-Carlo comparison


def coverage(cover):
    return lambda seeds: float(len(set().union(*(cover[v] for v in seeds))))


def brute_force(value, candidates, cost, budget, k=None):
    best = 0.0
    for size in range(1, len(candidates) + 1):
        if k is not None and size > k:
            break
        for subset in itertools.combinations(range(len(candidates)), size):
            if sum(cost[i] for i in subset) <= budget:
                best = max(best, value(tuple(candidates[i] for i in subset)))
    return best


def test_best_of_three_carries_the_budgeted_guarantee_on_random_coverage():
    # Leskovec et al. 2007 / Khuller, Moss & Naor 1999: >= (1 - 1/e) / 2 of the best set
    rng = np.random.default_rng(5)
    worst = 1.0
    for _ in range(60):
        n = 8
        cover = {v: set(rng.choice(30, size=rng.integers(1, 12), replace=False)) for v in range(n)}
        cost = rng.uniform(1, 10, size=n).round(1)
        budget = float(rng.uniform(5, 25))
        value = coverage(cover)
        result = budgeted_greedy(value, list(range(n)), cost, budget)
        best = brute_force(value, list(range(n)), cost, budget)
        assert sum(cost[v] for v in result.seeds) <= budget + 1e-9
        assert result.spend <= budget + 1e-9
        assert result.value == value(tuple(result.seeds))
        if best > 0:
            worst = min(worst, result.value / best)
    assert worst >= (1 - 1 / math.e) / 2
    assert worst < 1.0 or worst == 1.0  # the bound is what is promised, not equality


def test_cost_benefit_alone_can_fail_and_the_single_seed_saves_it():
    # one cheap account with a great ratio, one expensive account worth far more
    value = coverage({0: {1}, 1: set(range(2, 100))})
    result = budgeted_greedy(value, [0, 1], [1.0, 100.0], budget=100.0)
    assert result.paths["cost-benefit"].seeds == [0]  # and then 1 no longer fits
    assert result.seeds == [1] and result.value == 98.0


def test_lazy_evaluation_saves_work_and_matches_plain_greedy():
    rng = np.random.default_rng(2)
    cover = {v: set(rng.choice(200, size=rng.integers(1, 40), replace=False)) for v in range(40)}
    value = coverage(cover)
    cost = np.ones(40)
    result = budgeted_greedy(value, list(range(40)), cost, budget=8, rules=("unit-cost",))
    chosen = []  # plain greedy, ties to the lower id
    for _ in range(8):
        gains = [
            (value((*chosen, v)) - value(tuple(chosen)), -v) for v in range(40) if v not in chosen
        ]
        chosen.append(-max(gains)[1])
    assert result.paths["unit-cost"].seeds == chosen
    assert result.evaluations < 1 + 40 * 8


def test_bad_costs_are_one_line_errors():
    with pytest.raises(InputError, match="costs"):
        budgeted_greedy(coverage({0: {1}}), [0], [-1.0], 5.0)
    with pytest.raises(InputError, match="rules"):
        budgeted_greedy(coverage({0: {1}}), [0], [1.0], 5.0, rules=("magic",))


# ---------------------------------------------------------------------------- on the engine
def small_setup(strategies, *, rule="cascade", n=80, budget=None, seed=4, **dynamics):
    """A small Erdős–Rényi scenario; thresholds 0.2 (none is an instigator)."""
    campaign = None
    if budget is not None:
        campaign = {
            "budget": budget,
            "prices": {"per_follower": 1.0, "minimum": 5.0},
            "engagement": None,
            "tiers": {"reference_population": 1_000},
        }
    return sim.prepare(
        network={"generator": "erdos_renyi", "n": n, "mean_degree": 3.0, "ties": 0.3},
        population={"threshold": 0.2},
        dynamics={"rule": rule, **dynamics},
        campaign=campaign,
        strategies=strategies,
        steps=30,
        replications=400,
        seed=seed,
    )


def fresh(setup, seeds, strategy, count=400):
    """Organic adopters of the plan hiring ``seeds`` on the scenario's replication keys."""
    keys = streams.replication_keys(setup.seed, count)
    return PlanObjective(setup, strategy, keys).samples(seeds)


def test_celf_matches_brute_force_for_k_up_to_3_within_monte_carlo_error():
    for k in (1, 2, 3):
        strategy = {"name": "opt", "select": "optimized", "k": k, "pool": 10, "samples": 200}
        setup = small_setup([strategy])
        chosen = optimize(setup, "opt", method="celf")
        opt = setup.strategy("opt")
        pool, _ = candidates_and_costs(setup, opt)
        objective = PlanObjective(
            setup, opt, streams.optimizer_keys(setup.seed, streams.SELECTION, "opt", 200)
        )
        best = max(itertools.combinations(pool.tolist(), k), key=objective)
        assert objective(chosen.seeds.tolist()) >= (1 - 1 / math.e) * objective(best)
        # judged on fresh replications (paired): the greedy set is as good as the best set
        difference = fresh(setup, best, opt) - fresh(setup, chosen.seeds.tolist(), opt)
        error = difference.std(ddof=1) / math.sqrt(difference.size)
        assert difference.mean() <= Z * error + 1e-9, (k, difference.mean(), error)


def test_marginal_gains_never_increase_along_the_greedy_path_on_cascade():
    strategy = {"name": "opt", "select": "optimized", "k": 8, "pool": 30, "samples": 64}
    setup = small_setup([strategy], n=150)
    opt = setup.strategy("opt")
    pool, cost = candidates_and_costs(setup, opt)
    keys = streams.optimizer_keys(setup.seed, streams.SELECTION, "opt", 64)
    objective = PlanObjective(setup, opt, keys)
    result = budgeted_greedy(objective, pool, cost, 8.0, 8, rules=("unit-cost",))
    gains = result.paths["unit-cost"].gains
    assert len(gains) >= 4
    # a coverage function on fixed keys: exactly submodular, so gains fall (up to rounding)
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(gains)), gains
    # and every gain along the path is the engine's own difference on those keys
    path = result.paths["unit-cost"].seeds
    assert objective(path[:2]) - objective(path[:1]) == pytest.approx(gains[1])


@pytest.mark.parametrize("rule", ["cascade", "threshold"])
def test_a_plan_never_exceeds_the_budget(rule):
    strategy = {"name": "opt", "select": "optimized", "pool": 25, "samples": 16}
    for budget in (60.0, 150.0, 300.0):
        setup = small_setup([strategy], rule=rule, budget=budget, n=120)
        found = optimize(setup, "opt", method="celf")
        assert 0 < found.plan.spend <= budget
        pool, cost = candidates_and_costs(setup, setup.strategy("opt"))
        price = dict(zip(pool.tolist(), cost.tolist(), strict=True))
        assert sum(price[v] for v in found.seeds.tolist()) == pytest.approx(found.plan.spend)


def test_k_caps_an_optimized_plan_and_an_explicit_list_is_its_pool():
    strategy = {"name": "opt", "select": "optimized", "k": 2, "pool": 12, "samples": 16}
    setup = small_setup([strategy], budget=1000.0)
    found = optimize(setup, "opt", method="celf")
    assert found.seeds.size <= 2
    ids = [3, 7, 11, 19]
    listed = small_setup(
        [{"name": "opt", "select": "optimized", "ids": ids, "samples": 16, "k": 2}]
    )
    assert set(optimize(listed, "opt").seeds.tolist()) <= set(ids)


def test_the_same_seed_gives_the_same_plan_on_any_thread_count():
    strategy = {"name": "opt", "select": "optimized", "k": 3, "pool": 15, "samples": 32}
    setup = small_setup([strategy])
    one = optimize(setup, "opt", method="celf", threads=1)
    two = optimize(setup, "opt", method="celf", threads=2)
    assert one.seeds.tolist() == two.seeds.tolist() and one.estimate == two.estimate


def test_optimized_strategies_run_in_compare_beside_hand_made_ones():
    strategies = [
        {"name": "opt", "select": "optimized", "k": 3, "pool": 15, "samples": 32},
        {"name": "top 3", "select": "top_followers", "k": 3},
    ]
    setup = small_setup(strategies)
    comparison = sim.compare(setup=setup, replications=50, bootstrap=50)
    names = comparison.table["strategy"].tolist()
    assert names == ["opt", "top 3"]
    assert (comparison.table["seeds"] == 3).all()


def test_optimized_options_belong_to_optimized_strategies():
    with pytest.raises(ValueError, match="only used with select 'optimized'"):
        Strategy(name="x", select="top_followers", k=3, method="ris")
    Strategy(name="x", select="optimized", ids=[1, 2], method="celf", epsilon=0.2, samples=8)
    setup = small_setup([{"name": "opt", "select": "optimized", "k": 2}])
    with pytest.raises(InputError, match="chosen by the optimiser"):
        setup.plan("opt")
    with pytest.raises(InputError, match="cascade rule"):
        optimize(small_setup([{"name": "opt", "select": "optimized", "k": 2}], rule="threshold"),
                 "opt", method="ris")  # fmt: skip
