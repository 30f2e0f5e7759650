"""Validation, real cascades (``sim.validation.cascades``, run by
``docs/validation/cascades.py``): the Twitter15 loader reproduces the statistics stated in
``shared/data/README.md`` (at the README's precision), and the engine's cascade depth (read from
the day of adoption) is the breadth-first depth of the cascade's own live-edge tree."""

from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd
import pytest

from sim.kernels.counter_rng import STREAM_CASCADE
from sim.kernels.diffusion import NEW_ADOPTERS
from sim.model import SeedSchedule, Simulation, replication_keys, textbook_agents
from sim.validation import DATA, cascades
from tests import reference

needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="shared data directory not found")

GOLDEN = np.uint64(0x9E3779B97F4A7C15)


@pytest.fixture(scope="module")
def twitter15():
    return cascades.load_twitter15(DATA)


@needs_data
def test_twitter15_reproduces_the_readme_statistics(twitter15):
    table, edges = twitter15
    stats = cascades.readme_statistics(table, edges)
    assert stats["cascades"] == 1321
    assert stats["labels"] == {"non-rumor": 374, "false": 370, "true": 372, "unverified": 205}
    assert stats["rows"] == 566_380
    assert stats["repeated_rows"] == 14_611
    assert stats["negative_delays"] == 618
    assert stats["size_median"] == 275
    assert round(stats["size_mean"]) == 413
    assert round(stats["size_p90"]) == 839
    assert stats["size_min"] == 56
    assert stats["size_max"] == 2990
    assert round(stats["source_share"], 2) == 0.75
    assert stats["depth_median_levels"] == 4
    assert round(stats["time_last_median_min"]) == 11_707


@needs_data
def test_observed_cascade_table_is_consistent(twitter15):
    """Dropping repeated rows changes no size; every user is reached from the source; depth is
    at least 1 and the star-like share sits near the README's 75%."""
    table, edges = twitter15
    observed = cascades.observed_cascades(table, edges)
    sizes = edges.groupby("cascade")["child_uid"].nunique()
    assert len(observed) == 1321
    assert np.array_equal(observed.set_index("cascade")["size"].sort_index(), sizes.sort_index())
    assert (observed["reached"] == observed["size"]).all()
    assert observed["depth"].min() >= 1
    assert observed["depth"].median() == 3
    assert (observed["time_half"] <= observed["time_last"]).all()
    assert 0.7 < observed["direct_share"].mean() < 0.85  # hand-set band (twin below)


def _mean_direct_share(edges, sources) -> float:
    """Mean over cascades of the share of (deduplicated, non-root) edge rows whose parent is
    ``sources[cascade]``, recomputed here without the package."""
    rest = edges.drop_duplicates()
    rest = rest[rest["parent_uid"] != "ROOT"]
    hit = rest["parent_uid"].to_numpy() == sources.reindex(rest["cascade"]).to_numpy()
    return float(pd.Series(hit).groupby(rest["cascade"].to_numpy()).mean().mean())


@needs_data
def test_direct_share_band_rejects_a_wrong_source(twitter15):
    """Twin of the band (0.7, 0.85) above: recomputed independently with the right source users
    the mean direct share equals the package's and lies in the band; with every cascade's source
    replaced by the source of the next cascade it does not."""
    table, edges = twitter15
    observed = cascades.observed_cascades(table, edges)
    sources = cascades.source_users(edges.drop_duplicates())
    right = _mean_direct_share(edges, sources)
    assert right == pytest.approx(observed["direct_share"].mean(), rel=1e-12)
    wrong = pd.Series(np.roll(sources.to_numpy(), 1), index=sources.index)
    assert not 0.7 < _mean_direct_share(edges, wrong) < 0.85


def _mix(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def cascade_draws(key: int, n_edges: int) -> np.ndarray:
    """The kernel's one-per-edge cascade uniforms, recomputed with numpy (SplitMix64)."""
    with np.errstate(over="ignore"):
        base = _mix(np.array([key], dtype=np.uint64) + np.uint64(STREAM_CASCADE) * GOLDEN)
        base = _mix(base + np.uint64(1) * GOLDEN)  # step 0
        index = np.arange(1, n_edges + 1, dtype=np.uint64)
        z = _mix(base + index * GOLDEN)
    return (z >> np.uint64(11)).astype(np.float64) / 2.0**53


def bfs_distances(indptr, indices, live, source) -> dict[int, int]:
    distance = {int(source): 0}
    queue = deque([int(source)])
    while queue:
        node = queue.popleft()
        for e in range(indptr[node], indptr[node + 1]):
            child = int(indices[e])
            if live[e] and child not in distance:
                distance[child] = distance[node] + 1
                queue.append(child)
    return distance


def test_numpy_draws_match_the_reference_generator():
    key = int(replication_keys(3, 1)[0])
    draws = cascade_draws(key, 50)
    expected = [reference.draw(key, reference.CASCADE, 0, e) for e in range(50)]
    np.testing.assert_array_equal(draws, expected)


@needs_data
@pytest.mark.parametrize("p", [0.05, 0.2])
def test_simulated_depth_is_the_bfs_depth_of_the_live_edge_tree(p):
    """Independent cascade = reachability over live edges (edge e is live when its one cascade
    draw is below p). For each run the adopters are exactly the seed's live-edge reachable set,
    an agent at BFS distance d >= 1 adopts on day d - 1, and the script's depth (last day with a
    new adopter + 1) is the largest BFS distance."""
    network = cascades.wiki_vote(DATA)
    graph, dynamics = cascades.independent_cascade(network, p)
    agents = textbook_agents(network.n_nodes)
    indptr, indices = network.indptr, network.indices
    ties = graph.tie_values().astype(np.float64)
    seeds = np.argsort(-network.followers, kind="stable")[[0, 5, 50, 300]]
    keys = replication_keys(41, 3 * len(seeds))
    deep = 0
    for k, seed in enumerate(seeds):
        simulation = Simulation(graph, agents, dynamics, SeedSchedule.build([seed]), 100)
        for key in keys[3 * k : 3 * k + 3]:
            raw = simulation.run(np.array([key]), threads=1)
            adopt_time = simulation.state.agent["adopt_time"]
            live = cascade_draws(int(key), network.n_edges) < ties
            distance = bfs_distances(indptr, indices, live, seed)
            adopters = np.flatnonzero(adopt_time >= 0)
            assert set(adopters.tolist()) == set(distance)
            nodes = np.array(list(distance))
            expected_day = np.maximum(np.array(list(distance.values())) - 1, 0)
            assert np.array_equal(adopt_time[nodes], expected_day)
            row = cascades.simulated_cascades(raw.step_stats[:, :, NEW_ADOPTERS]).iloc[0]
            assert row["size"] == len(distance)
            assert row["depth"] == max(distance.values())
            assert row["time_last"] == max(row["depth"], 1)  # end of the last adoption day
            deep = max(deep, row["depth"])
    assert deep >= 5  # the check saw real multi-generation cascades, not just stars


def test_simulated_table_conventions():
    """Generation g adopts on day g - 1: [3, 2, 1] is a seed with two followers converted on day
    0, then two and one more generation."""
    table = cascades.simulated_cascades(np.array([[3, 2, 1, 0], [1, 0, 0, 0]]))
    first, lone = table.iloc[0], table.iloc[1]
    assert (first["size"], first["depth"], first["last_day"]) == (6, 3, 2)
    assert first["time_last"] == 3.0  # end of day 2
    assert first["time_half"] == 1.0  # 3 of 6 by the end of day 0
    assert first["direct_share"] == pytest.approx(2 / 5)
    assert (lone["size"], lone["depth"], lone["time_last"]) == (1, 0, 1.0)
    assert np.isnan(lone["direct_share"])
