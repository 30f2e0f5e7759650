"""Multi-tier candidate pools (``tiers``) and warm starts from the hand-made strategies."""

import numpy as np
import pytest

import sim
from sim.campaign.pricing import account_tiers, price_per_post
from sim.cli.optimize import _pool
from sim.config import ScenarioError, load_scenario
from sim.config.schema import Strategy
from sim.errors import InputError
from sim.model import streams
from sim.model.tiers import TIER_NAMES
from sim.optimize import optimize
from sim.optimize.objective import PlanObjective, candidates_and_costs


def tiered_setup(strategies, *, budget=60.0, n=200, seed=4):
    """A small cascade whose accounts fall in all four tiers (boundaries 3, 5, 8 followers)."""
    return sim.prepare(
        network={"generator": "erdos_renyi", "n": n, "mean_degree": 4.0, "ties": 0.3},
        dynamics={"rule": "cascade"},
        campaign={
            "budget": budget,
            "prices": {"per_follower": 1.0, "minimum": 5.0},
            "engagement": None,
            "tiers": {"boundaries": [3, 5, 8], "reference_population": n},
        },
        strategies=strategies,
        steps=30,
        replications=100,
        seed=seed,
    )


def test_tiers_pool_is_the_top_of_each_listed_tier_by_rank():
    strategies = [
        {"name": "both", "select": "optimized", "tiers": {"macro": 3, "micro": 4}},
        {"name": "list", "select": "optimized", "tiers": ["macro", "micro"], "pool": 3},
        {"name": "macro", "select": "optimized", "tier": "macro", "pool": 3},
        {"name": "micro", "select": "optimized", "tier": "micro", "pool": 4},
        {"name": "topic", "select": "optimized", "tiers": {"nano": 5}, "rank": "topic"},
    ]
    setup = tiered_setup(strategies)
    network = setup.network
    tiers = account_tiers(network.followers, network.n_nodes, setup.campaign.tiers)
    assert set(np.unique(tiers)) == {0, 1, 2, 3}
    pool, cost = candidates_and_costs(setup, setup.strategy("both"))
    macro, _ = candidates_and_costs(setup, setup.strategy("macro"))
    micro, _ = candidates_and_costs(setup, setup.strategy("micro"))
    assert pool.tolist() == macro.tolist() + micro.tolist()  # listed order, same ranking
    assert [TIER_NAMES[t] for t in tiers[pool]] == ["macro"] * 3 + ["micro"] * 4
    # the top by followers within each tier: nobody left out of the tier has more followers
    for tier, chosen in (("macro", macro), ("micro", micro)):
        rest = np.setdiff1d(np.flatnonzero(tiers == TIER_NAMES.index(tier)), chosen)
        assert network.followers[rest].max() <= network.followers[chosen].min()
    expected = price_per_post(network.followers[pool], network.n_nodes, setup.campaign)
    assert cost == pytest.approx(expected)
    listed, _ = candidates_and_costs(setup, setup.strategy("list"))
    assert listed.tolist() == macro.tolist() + micro[:3].tolist()
    topic, _ = candidates_and_costs(setup, setup.strategy("topic"))
    expertise = setup.agents.expertise[:, setup.agents.topic_index(setup.topic)]
    nano = np.flatnonzero(tiers == 0)
    ranked = nano[np.lexsort((nano, -network.followers[nano], -expertise[nano]))]
    assert topic.tolist() == ranked[:5].tolist()


def test_existing_pools_are_unchanged_by_the_tiers_option():
    plain = {"name": "opt", "select": "optimized", "rank": "topic", "pool": 6}
    setup = tiered_setup([plain])
    pool, _ = candidates_and_costs(setup, setup.strategy("opt"))
    expertise = setup.agents.expertise[:, setup.agents.topic_index(setup.topic)]
    everyone = np.arange(setup.network.n_nodes)
    ranked = np.lexsort((everyone, -setup.network.followers, -expertise))
    assert pool.tolist() == ranked[:6].tolist()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"select": "tier", "tier": "micro", "tiers": ["nano"]}, "tiers: only used with"),
        ({"select": "optimized", "tiers": ["nano", "nano"]}, "each tier once"),
        ({"select": "optimized", "tiers": []}, "at least one tier"),
        ({"select": "optimized", "tiers": ["nano"], "tier": "micro"}, "not both"),
        ({"select": "optimized", "tiers": ["nano"], "ids": [1]}, "not both"),
        ({"select": "optimized", "tiers": {"nano": 3}, "pool": 4}, "drop pool"),
        ({"select": "optimized", "tiers": {"nano": 0}}, "greater than or equal to 1"),
        ({"select": "optimized", "tiers": ["pico"]}, "pico"),
    ],
)
def test_bad_tiers_are_rejected(options, message):
    with pytest.raises(ValueError, match=message):
        Strategy(name="x", **options)


def test_bad_tiers_in_a_file_name_the_key_path(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: t\n"
        "network: {generator: follower_graph, n: 2000}\n"
        "population: {topics: [fitness], threshold: 0.2}\n"
        "campaign: {topic: fitness, budget: 5000, prices: rate_card}\n"
        "strategies:\n"
        "  - {name: micro, select: tier, tier: micro}\n"
        "  - {name: opt, select: optimized, tiers: [micro, micro]}\n"
        "steps: 10\n"
        "replications: 4\n"
    )
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    text = str(error.value)
    assert "strategies.1" in text and "each tier once" in text and "line 7" in text
    path.write_text(path.read_text().replace("[micro, micro]", "{micro: 5, pico: 3}"))
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert "strategies.1.tiers.pico" in str(error.value)


def test_cli_pool_syntax_for_tiers():
    assert _pool("micro:60,nano:40") == {"tiers": {"micro": 60, "nano": 40}}
    assert _pool("tiers:micro,nano") == {"tiers": ["micro", "nano"]}
    assert Strategy(name="x", select="optimized", tiers=["micro", "nano"], pool=5).tiers == {
        "micro": None,
        "nano": None,
    }
    assert _pool("rank:topic") == {"rank": "topic"}
    assert _pool("tier:micro") == {"tier": "micro"}  # unchanged
    assert _pool("topic:100") == {"rank": "topic", "pool": 100}
    for bad in ("micro:0", "micro:6,micro:3", "micro:x", "tiers:pico", "micro:6,pico:2"):
        with pytest.raises(InputError, match="--pool"):
            _pool(bad)


def test_the_optimiser_never_loses_to_an_affordable_hand_made_plan_on_the_selection_keys():
    # a poor pool (the least-followed accounts) against a hand-made plan of top accounts
    probe = tiered_setup([{"name": "top", "select": "top_followers", "k": 3}])
    order = np.argsort(probe.network.followers, kind="stable")
    weak = order[:6].tolist()
    strategies = [
        {"name": "top", "select": "top_followers", "k": 3},
        {"name": "random few", "select": "random", "k": 2},
        {"name": "too dear", "select": "top_followers", "k": 40},  # over budget: skipped
        {"name": "opt", "select": "optimized", "ids": weak, "samples": 16},
    ]
    setup = tiered_setup(strategies, budget=80.0)
    strategy = setup.strategy("opt")
    keys = streams.optimizer_keys(setup.seed, streams.SELECTION, "opt", 16)
    objective = PlanObjective(setup, strategy, keys)
    affordable = {}
    for name in ("top", "random few"):
        seeds = setup.plan(name).schedule.seeds
        followers = setup.network.followers[seeds]
        if price_per_post(followers, setup.network.n_nodes, setup.campaign).sum() <= 80.0:
            affordable[name] = objective(seeds)
    assert "top" in affordable
    found = optimize(setup, "opt")
    best = max(affordable, key=affordable.get)
    assert found.estimate >= affordable[best] - 1e-9
    assert objective(found.seeds) == pytest.approx(found.estimate)
    assert found.details["warm_starts"].keys() == affordable.keys()
    assert found.plan.spend <= 80.0 + 1e-9
    cold = optimize(setup, "opt", warm_start=False)
    assert cold.details["warm_starts"] == {}
    if cold.estimate < affordable[best]:
        assert found.details["rule"] == f"warm start: {best}"
        assert sorted(found.seeds.tolist()) == sorted(setup.plan(best).schedule.seeds.tolist())
    else:
        assert found.details["rule"] == cold.details["rule"]


CLI_SCENARIO = """\
name: small
network: {generator: erdos_renyi, n: 600, mean_degree: 4, ties: 0.3}
dynamics: {rule: cascade}
campaign: {budget: 1500, prices: rate_card, engagement: null,
           tiers: {reference_population: 60000}}
strategies:
  - {name: top followers, select: top_followers}
  - {name: 10 nano, select: tier, tier: nano, k: 10}
steps: 30
replications: 60
seed: 1
"""


def test_optimize_reports_the_winning_warm_start_and_the_hand_made_verdict(tmp_path, capsys):
    from sim.cli.main import main

    path = tmp_path / "small.yaml"
    path.write_text(CLI_SCENARIO)
    # a pool of three accounts: the hand-made "top followers" set cannot be built from it
    code = main(["optimize", str(path), "--method", "celf", "--pool", "ids:5,6,7",
                 "--samples", "8", "-q"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "warm start won: 'top followers'" in out
    assert "at least as good as every hand-made strategy on the fresh replications" in out


def test_the_verdict_warns_when_a_hand_made_plan_wins_on_fresh_replications():
    import pandas as pd

    from sim.cli.optimize import _hand_made_verdict

    class Fake:
        best = "40 micro"
        table = pd.DataFrame(
            {
                "strategy": ["40 micro", "4 macro", "optimised"],
                "adopters_mean": [11244.0, 10275.0, 11080.0],
                "distinguishable": [True, True, True],
            }
        )

    line = _hand_made_verdict(Fake(), "optimised")
    assert line.startswith("WARNING: hand-made strategy '40 micro' BEATS the optimised plan")
    assert "11,244 against 11,080" in line
    Fake.table.loc[2, "distinguishable"] = False
    assert "edges out" in _hand_made_verdict(Fake(), "optimised")
