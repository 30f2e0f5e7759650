"""Budgets at tier prices, the brand account, and common random numbers across strategies."""

import numpy as np
import pandas as pd
import pytest

import sim
from sim import compare
from sim.campaign.pricing import RATE_CARD_PRICES, account_tiers, price_per_post
from sim.campaign.strategies import StrategyError, make_plan
from sim.config import Campaign, Dynamics, GeneratedNetwork, PerFollowerPrice, Population, Strategy
from sim.model.tiers import TIER_NAMES
from sim.network.generators import follower_graph
from sim.runner.realise import build_population

N = 20_000


@pytest.fixture(scope="module")
def world():
    network = follower_graph(N, mean_following=15, rng=np.random.default_rng(8))
    agents = build_population(
        Population.model_validate(
            {"topics": ["a", "b"], "expertise": {"home": {"dist": "beta", "a": 2, "b": 2}}}
        ),
        network,
        np.random.default_rng(9),
    )
    return network, agents


def plan(world, strategy, campaign, seed=0):
    network, agents = world
    return make_plan(strategy, network, agents, campaign, "a", np.random.default_rng(seed))


@pytest.mark.parametrize("tier", TIER_NAMES)
@pytest.mark.parametrize("budget", [900, 20_000, 55_555])
def test_spend_never_exceeds_budget_and_tier_counts_match_prices(world, tier, budget):
    campaign = Campaign(budget=budget)
    try:
        chosen = plan(world, Strategy(name="s", select="tier", tier=tier, posts=2), campaign)
    except StrategyError as error:
        assert "does not buy one account" in str(error) or "no accounts" in str(error)
        assert budget < 2 * RATE_CARD_PRICES[tier] or "no accounts" in str(error)
        return
    price = RATE_CARD_PRICES[tier] * 2
    assert chosen.spend <= budget
    assert chosen.seeds_by_tier[tier] == chosen.n_seeds
    available = int(
        np.sum(account_tiers(world[0].followers, N, campaign.tiers) == TIER_NAMES.index(tier))
    )
    assert chosen.n_seeds == min(int(budget // price), available)
    assert chosen.spend == pytest.approx(chosen.n_seeds * price)


def test_explicit_k_over_budget_is_an_error(world):
    with pytest.raises(StrategyError, match="over budget: 3 accounts x 1 posts cost 15,000"):
        plan(world, Strategy(name="m", select="tier", tier="macro", k=3), Campaign(budget=10_000))


def test_price_models(world):
    network = world[0]
    followers = np.array([1, 10, 100, 1_000, 5_000])  # at N = 20,000: x 500 on the platform
    rate = price_per_post(followers, N, Campaign(budget=1))
    assert rate.tolist() == [100, 100, 500, 5_000, 10_000]
    survey = price_per_post(followers, N, Campaign(budget=1, prices="survey"))
    assert survey[0] == pytest.approx(86) and survey[-1] == pytest.approx(763)
    assert np.all(np.diff(survey) >= 0)
    assert survey[-1] / survey[1] < rate[-1] / rate[1]  # far flatter than the rate card
    per_follower = price_per_post(
        followers, N, Campaign(budget=1, prices=PerFollowerPrice(per_follower=0.01))
    )
    np.testing.assert_allclose(per_follower, followers * 500 * 0.01)
    scaled = price_per_post(followers, N, Campaign(budget=1, price_scale={"micro": 3.0}))
    assert scaled.tolist() == [100, 100, 1_500, 5_000, 10_000]
    # Every account of the fixture network, priced from the model documented in
    # sim/campaign/pricing.py and docs/pricing.md, written out independently: platform
    # followers = followers x 10^7 / N; rate card by tier (nano < 10k <= micro < 100k <= macro
    # < 1M <= mega); survey log-linear from $86 at 1,000 to $763 at 100,000, flat outside.
    platform = network.followers.astype(float) * 1e7 / network.n_nodes
    tier = (platform >= 1e4).astype(int) + (platform >= 1e5) + (platform >= 1e6)
    assert set(tier.tolist()) == {0, 1, 2, 3}  # the fixture spans every tier
    expected_rate = np.array([100.0, 500.0, 5_000.0, 10_000.0])[tier]
    np.testing.assert_array_equal(
        price_per_post(network.followers, network.n_nodes, Campaign(budget=1)), expected_rate
    )
    fraction = np.clip(np.log10(np.maximum(platform, 1.0) / 1e3) / 2.0, 0.0, 1.0)
    expected_survey = 86.0 * (763.0 / 86.0) ** fraction
    inside = (platform > 1e3) & (platform < 1e5)
    assert inside.sum() > 1_000  # most accounts are priced by the interpolation itself
    np.testing.assert_allclose(
        price_per_post(network.followers, network.n_nodes, Campaign(budget=1, prices="survey")),
        expected_survey,
        rtol=1e-12,
    )
    # the survey table of docs/pricing.md (3,000, 10,000, 30,000 platform followers), to the $
    table = price_per_post(np.array([6, 20, 60]), N, Campaign(budget=1, prices="survey"))
    assert np.round(table).tolist() == [145, 256, 431]


def test_cheaper_prices_buy_more_influencers(world):
    cheap = Campaign(budget=10_000, price_scale=0.5)
    normal = Campaign(budget=10_000)
    strategy = Strategy(name="micro", select="tier", tier="micro")
    assert plan(world, strategy, cheap).n_seeds == 2 * plan(world, strategy, normal).n_seeds


def test_engagement_sets_the_seeds_attention(world):
    chosen = plan(
        world, Strategy(name="n", select="tier", tier="nano", k=5), Campaign(budget=1_000)
    )
    np.testing.assert_allclose(chosen.agents.attention[chosen.schedule.seeds], 0.04)
    untouched = np.setdiff1d(np.arange(N), chosen.schedule.seeds)
    assert np.all(chosen.agents.attention[untouched] == world[1].attention[untouched])


def test_brand_account_buys_reach_and_keeps_every_other_id(world):
    network, _ = world
    campaign = Campaign(budget=20_000)
    brand = plan(world, Strategy(name="b", select="brand", cpm=10, posts=2), campaign)
    assert brand.network.n_nodes == N + 1
    # 20,000 / 10 per thousand = 2M impressions on a 10M platform, 1M per post: 10% of agents
    assert brand.network.followers[-1] == N // 10
    np.testing.assert_array_equal(brand.network.indices[: network.n_edges], network.indices)
    assert brand.spend == 20_000 and brand.schedule.seeds.tolist() == [N]
    assert brand.agents.threshold[-1] == np.inf


SMALL = dict(
    network=GeneratedNetwork(generator="follower_graph", n=8000, ties=0.5),
    population=Population(attention={"mode": "constant", "value": 0.7}),
    dynamics=Dynamics(rule="cascade", active_steps=2),
    steps=30,
)


def test_common_random_numbers_couple_nested_seed_sets():
    """Under the cascade rule, each edge's coin is fixed by the replication key. A strategy whose
    seeds contain another's must then reach a superset of its adopters in *every* replication
    -- true only if the draws are shared (independent draws would break it often)."""
    small = Strategy(name="small", select="top_followers", k=3)
    large = Strategy(name="large", select="top_followers", k=6)
    textbook = SMALL | {
        "network": GeneratedNetwork(generator="follower_graph", n=8000, ties=0.06),
        "population": Population(),
        "dynamics": Dynamics(rule="cascade"),
    }
    results = sim.run(replications=40, seed=5, strategies=[small, large], **textbook)
    finals = results.replications.pivot(
        index="replication", columns="strategy", values="final_adopters"
    )
    assert np.all(finals["large"] >= finals["small"])
    assert np.any(finals["large"] > finals["small"])


def test_changing_only_the_seeds_leaves_other_draws_unchanged():
    """Same seeds under different names and list positions: identical per-replication numbers."""
    a = Strategy(name="first", select="top_followers", k=4)
    b = Strategy(name="second", select="explicit", ids=[0], k=1)
    c = Strategy(name="third", select="top_followers", k=4)
    results = sim.run(replications=15, seed=2, strategies=[a, b, c], **SMALL)
    table = results.replications.pivot(index="replication", columns="strategy", values="reach")
    np.testing.assert_array_equal(table["first"], table["third"])


def test_comparison_table_and_outputs(tmp_path):
    campaign = Campaign(budget=5_000, sponsored_weight=0.8)
    strategies = [
        Strategy(name="micro", select="tier", tier="micro"),
        Strategy(name="nano", select="tier", tier="nano"),
        Strategy(name="brand", select="brand"),
    ]
    comparison = compare(
        replications=30, seed=1, campaign=campaign, strategies=strategies, bootstrap=500, **SMALL
    )
    table = comparison.table.set_index("strategy")
    assert list(table.index) == ["micro", "nano", "brand"]
    assert (table["spend"] <= 5_000).all()
    best = comparison.best
    assert table.loc[best, "adopters_mean"] == table["adopters_mean"].max()
    assert table.loc[best, "diff_vs_best_mean"] == 0
    for name in table.index:
        row = table.loc[name]
        # the interval is a real one (its t form is checked in test_reproducibility)
        assert row["adopters_high"] - row["adopters_low"] > 0
        assert row["cost_per_adopter"] == pytest.approx(row["spend"] / row["adopters_mean"])
        assert (
            row["cost_per_adopter_low"] <= row["cost_per_adopter"] <= row["cost_per_adopter_high"]
        )
    # the paired difference equals the difference of means (same replications)
    other = next(name for name in table.index if name != best)
    assert table.loc[other, "diff_vs_best_mean"] == pytest.approx(
        table.loc[other, "adopters_mean"] - table.loc[best, "adopters_mean"]
    )
    out = sim.save(comparison, tmp_path / "out")
    for name in (
        "steps.parquet",
        "replications.csv",
        "comparison.csv",
        "summary.json",
        "adoption_curves.png",
        "cost_per_adopter.png",
        "strategies.csv",
    ):
        assert (out / name).stat().st_size > 0, name
    assert (out / "adoption_curves.png").read_bytes()[:4] == b"\x89PNG"


def test_price_sweep_marks_unaffordable_and_cheapest():
    from sim import price_sweep

    campaign = Campaign(budget=2_000)
    strategies = [
        Strategy(name="one macro", select="tier", tier="macro", k=1, posts=2),  # 2 x 5,000 > 2,000
        Strategy(name="micro", select="tier", tier="micro"),
        Strategy(name="nano", select="tier", tier="nano"),
    ]
    table = price_sweep(
        None,
        [0.1, 1.0],
        replications=6,
        bootstrap=100,
        campaign=campaign,
        strategies=strategies,
        seed=3,
        **SMALL,
    )
    at_cost = table[table["price_scale"] == 1.0].set_index("strategy")
    assert "over budget" in at_cost.loc["one macro", "note"]
    assert np.isnan(at_cost.loc["one macro", "cost_per_adopter"])
    cheap = table[table["price_scale"] == 0.1].set_index("strategy")
    assert cheap.loc["one macro", "spend"] == pytest.approx(1_000)
    # a tenth of the price buys ten times the micro accounts
    assert cheap.loc["micro", "seeds"] == 10 * at_cost.loc["micro", "seeds"]
    for _, group in table.groupby("price_scale"):
        assert group["cheapest"].sum() == 1
        winner = group.loc[group["cheapest"], "cost_per_adopter"].iloc[0]
        assert winner == pd.to_numeric(group["cost_per_adopter"]).min()


def test_power_law_prices_generalise_the_per_follower_price():
    followers = np.array([10, 100, 1_000, 5_000])  # x 500 on the platform at N = 20,000
    linear = price_per_post(
        followers, N, Campaign(budget=1, prices=PerFollowerPrice(per_follower=0.01))
    )
    same = price_per_post(
        followers,
        N,
        Campaign(budget=1, prices=PerFollowerPrice(per_follower=0.01, exponent=1.0, anchor=5e4)),
    )
    np.testing.assert_allclose(same, linear)
    flat = price_per_post(
        followers, N, Campaign(budget=1, prices=PerFollowerPrice(per_follower=0.01, exponent=0.5))
    )
    # anchored at 10^6 platform followers ($10,000): 4x the followers -> 2x the price
    np.testing.assert_allclose(flat, 10_000 * np.sqrt(followers * 500 / 1e6))
    assert flat[-1] / flat[0] == pytest.approx(np.sqrt(500))


def test_risk_columns_and_verdict():
    strategies = [
        Strategy(name="one hub", select="top_followers", k=1),
        Strategy(name="ten hubs", select="top_followers", k=10),
        Strategy(name="ten hubs again", select="top_followers", k=10, start=1),
    ]
    comparison = compare(replications=40, seed=3, strategies=strategies, bootstrap=50, **SMALL)
    reps = comparison.results.replications
    by_name = {name: group["organic_adopters"] for name, group in reps.groupby("strategy")}
    line = 0.5 * np.median(by_name[comparison.best])
    for row in comparison.table.to_dict(orient="records"):
        adopters = by_name[row["strategy"]]
        assert row["adopters_p10"] == np.percentile(adopters, 10)
        assert row["adopters_p90"] == np.percentile(adopters, 90)
        assert row["flop_probability"] == pytest.approx(np.mean(adopters < line))
        assert 0 <= row["flop_probability_low"] <= row["flop_probability_high"] <= 1
        assert row["adopters_low"] >= 0  # a mean of counts: never below zero
        assert np.isnan(row["cost_per_adopter"])  # no campaign, nothing priced
    # on common random numbers even a one-day delay is told apart from the best
    assert comparison.table["distinguishable"].all()
    assert comparison.verdict == "best: one hub, ahead of every other strategy (paired 95%)"


def test_verdict_when_nobody_adopts():
    from sim.analysis.comparison import Comparison

    table = pd.DataFrame(
        {
            "strategy": ["a", "b"],
            "adopters_mean": [0.0, 0.0],
            "best": [True, False],
            "distinguishable": [True, False],
        }
    )
    comparison = Comparison(None, table, 0.95)
    assert comparison.best is None
    assert "no strategy reached any organic adopter" in comparison.verdict
    table["adopters_mean"] = [10.0, 9.0]
    comparison = Comparison(None, table, 0.95)
    assert comparison.best == "a"
    assert comparison.verdict.startswith("most adopters: a, but not distinguishable from b")


def test_a_tiny_cpm_buys_everyone_without_overflow():
    campaign = Campaign(budget=20_000)
    plan = sim.prepare(
        campaign=campaign,
        strategies=[Strategy(name="brand", select="brand", cpm=1e-305)],
        **SMALL,
    ).plans()[0]
    assert plan.network.followers[-1] == plan.network.n_nodes - 1  # the brand reaches everyone


def test_instigators_are_noted():
    setup = sim.prepare(
        **SMALL
        | {
            "population": {"threshold": {"dist": "normal", "mean": 0.1, "sd": 0.2, "low": -1}},
            "dynamics": {"rule": "threshold"},
            "strategies": [Strategy(name="top", select="top_followers", k=2)],
        }
    )
    below = int((setup.agents.threshold <= 0).sum())
    assert 0 < below < setup.agents.n_agents
    assert setup.notes() == [
        f"population: {below:,} agents have a threshold <= 0; under 'threshold' they are "
        "instigators and adopt on day 0 whatever they see (Granovetter); seeds among them adopt "
        "when they first post"
    ]
