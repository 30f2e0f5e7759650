"""Population draws (topics by community, distributions, attention, files) and seed selection."""

import dataclasses

import numpy as np
import pytest

from sim.campaign.strategies import StrategyError, make_plan
from sim.config import Attention, Population, Strategy
from sim.model import SeedSchedule
from sim.model.tiers import TIER_NAMES, scaled_boundaries, tier_of
from sim.network import Network
from sim.network.generators import follower_graph
from sim.runner.realise import attention_by_followers, build_population, sample


@pytest.fixture(scope="module")
def network() -> Network:
    return follower_graph(20_000, mean_following=15, n_communities=6, rng=np.random.default_rng(4))


def test_expertise_follows_community_home_topic(network):
    spec = Population.model_validate(
        {
            "topics": ["fitness", "tech", "food"],
            "expertise": {"home": {"dist": "beta", "a": 4, "b": 2}, "off_topic": 0.25},
        }
    )
    agents = build_population(spec, network, np.random.default_rng(1))
    home = network.community % 3
    on_home = agents.expertise[np.arange(network.n_nodes), home]
    off_home = agents.expertise[np.arange(network.n_nodes), (home + 1) % 3]
    # Beta(4, 2) has mean 2/3; off the home topic it is scaled by 0.25. SE of a mean of 20,000
    # draws is about 0.0013, so 0.01 is a loose bound.
    assert on_home.mean() == pytest.approx(2 / 3, abs=0.01)
    assert off_home.mean() == pytest.approx(0.25 * 2 / 3, abs=0.01)
    assert agents.interest.min() == agents.interest.max() == 1.0  # default: constant 1


def test_distributions_respect_their_parameters():
    rng = np.random.default_rng(0)
    from sim.config import Beta, Normal, Uniform

    uniform = sample(Uniform(dist="uniform", low=0.2, high=0.4), 50_000, rng)
    assert uniform.min() >= 0.2 and uniform.max() <= 0.4
    assert uniform.mean() == pytest.approx(0.3, abs=0.002)  # SE 0.0003
    normal = sample(Normal(dist="normal", mean=0.1, sd=0.2, low=0.0, high=0.3), 50_000, rng)
    assert normal.min() == 0.0 and normal.max() == 0.3  # clipped at both ends
    beta = sample(Beta(dist="beta", a=2, b=2, scale=0.5), 50_000, rng)
    assert beta.max() <= 0.5 and beta.mean() == pytest.approx(0.25, abs=0.002)
    assert np.all(sample(0.7, 10, rng) == 0.7)


def test_attention_falls_with_followers():
    followers = np.array([1, 10, 100, 1000, 10_000])
    power = attention_by_followers(
        Attention(mode="power_law", value=0.5, exponent=0.5, reference=10), followers, 100_000
    )
    np.testing.assert_allclose(power, [1.0, 0.5, 0.5 / np.sqrt(10), 0.05, 0.5 / np.sqrt(1000)])
    tiers = attention_by_followers(
        Attention(
            mode="tiers", tiers={"nano": 0.04, "micro": 0.024, "macro": 0.018, "mega": 0.017}
        ),
        np.array([5, 150, 1500, 20_000]),
        100_000,
    )
    np.testing.assert_allclose(tiers, [0.04, 0.024, 0.018, 0.017], rtol=1e-6)


def test_tiers_scale_with_network_size():
    # on a 10^7 platform the boundaries are the industry's 10k / 100k / 1M followers
    np.testing.assert_allclose(scaled_boundaries(10_000_000), [1e4, 1e5, 1e6])
    np.testing.assert_allclose(scaled_boundaries(100_000), [100, 1000, 10_000])
    assert tier_of(np.array([99, 100, 999, 1000, 10_000]), 100_000).tolist() == [0, 1, 1, 2, 3]


def test_population_file_overrides_draws(tmp_path, network):
    path = tmp_path / "agents.csv"
    path.write_text("node,threshold,expertise_tech\n0,0.9,0.11\n5,0.1,0.5\n")
    spec = Population(topics=["fitness", "tech"], file=path)
    agents = build_population(spec, network, np.random.default_rng(0))
    assert agents.threshold[[0, 5]].tolist() == [0.9, 0.1]
    assert agents.expertise[0, 1] == pytest.approx(0.11)
    path.write_text("node,expertise_cooking\n0,0.5\n")
    with pytest.raises(ValueError, match=r"expertise_cooking.*cooking"):
        build_population(spec, network, np.random.default_rng(0))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "node,threshold\n0,0.5\n1,high\n",
            r"line 3: threshold: expected a finite number, got 'high'",
        ),
        ("node,threshold\n0,nan\n", r"line 2: threshold: expected a finite number, got 'nan'"),
        (
            "node,activity\n0,0.5\n1,1.5\n",
            r"line 3: activity: expected a number in 0\.\.1, got '1\.5'",
        ),
        ("node,expertise_tech\n0,-0.1\n", r"line 2: expertise_tech: expected a number in 0\.\.1"),
        ("node,threshold\n2.5,0.1\n", r"line 2: node: expected a non-negative integer node id"),
        ("node,threshold\n99999999,0.1\n", r"node 99999999 is not in the network"),
        ("node,colour\n0,red\n", r"unknown column 'colour'"),
        ("threshold\n0.1\n", r"needs a 'node' column"),
    ],
)
def test_population_file_values_are_checked_with_their_line(tmp_path, network, text, message):
    from sim.errors import InputError

    path = tmp_path / "agents.csv"
    path.write_text(text)
    spec = Population(topics=["fitness", "tech"], file=path)
    with pytest.raises(InputError, match=message) as error:
        build_population(spec, network, np.random.default_rng(0))
    assert str(error.value).startswith(str(path))
    assert "\n" not in str(error.value)


def pick(strategy: Strategy, network, agents, topic="a"):
    rng = np.random.default_rng(3)
    return make_plan(strategy, network, agents, None, topic, rng).schedule.seeds


def test_seed_strategies(network):
    agents = build_population(
        Population.model_validate(
            {"topics": ["a", "b"], "expertise": {"home": {"dist": "beta", "a": 2, "b": 2}}}
        ),
        network,
        np.random.default_rng(2),
    )
    followers = network.followers
    top = pick(Strategy(name="t", select="top_followers", k=5), network, agents)
    assert sorted(followers[top]) == sorted(np.sort(followers)[-5:])
    topic = pick(Strategy(name="t", select="topic", k=7), network, agents, topic="b")
    assert agents.expertise[topic, 1].min() >= np.sort(agents.expertise[:, 1])[-7]
    micro = pick(Strategy(name="t", select="tier", tier="micro", k=4), network, agents)
    assert np.all(tier_of(followers[micro], network.n_nodes) == TIER_NAMES.index("micro"))
    assert (
        followers[micro].min() >= np.sort(followers[tier_of(followers, network.n_nodes) == 1])[-4]
    )
    random = pick(Strategy(name="t", select="random", k=50), network, agents)
    assert np.unique(random).size == 50
    explicit = pick(Strategy(name="t", select="explicit", ids=[3, 1], k=2), network, agents)
    assert explicit.tolist() == [3, 1]
    spread = pick(Strategy(name="t", select="communities", k=6), network, agents)
    assert np.unique(network.community[spread]).size == 6  # one per community
    with pytest.raises(StrategyError, match=r"only .* qualify"):
        pick(Strategy(name="t", select="tier", tier="mega", k=1000), network, agents)
    with pytest.raises(StrategyError, match="node 999999"):
        pick(Strategy(name="t", select="explicit", ids=[999_999], k=1), network, agents)


def test_explicit_seeds_use_file_labels():
    network = Network.from_edges([0, 1], [1, 2], 3, labels=np.array([100, 205, 307]))
    agents = build_population(Population(), network, np.random.default_rng(0))
    chosen = pick(Strategy(name="e", select="explicit", ids=[307, 100], k=2), network, agents)
    assert chosen.tolist() == [2, 0]


def test_schedule_spreads_posts_over_days():
    schedule = SeedSchedule.build(np.array([4, 9]), start=2, posts=3, every=5)
    assert schedule.steps.tolist() == [2, 2, 7, 7, 12, 12]
    assert schedule.nodes.tolist() == [4, 9, 4, 9, 4, 9]
    assert schedule.origin.tolist() == [0, 1, 0, 1, 0, 1]
    with pytest.raises(ValueError, match="distinct"):
        SeedSchedule.build(np.array([1, 1]))


def test_generated_ties_follow_their_distribution(network):
    from sim.config import Beta
    from sim.runner.realise import with_ties

    tied = with_ties(network, Beta(dist="beta", a=4, b=2), np.random.default_rng(0))
    assert tied.ties.mean() == pytest.approx(2 / 3, abs=0.005)
    assert dataclasses.replace(tied, ties=None).tie_values().min() == 1.0
