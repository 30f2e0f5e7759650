"""The kernel's fast paths give the general kernel's numbers, draw for draw.

The textbook independent-cascade path (:mod:`sim.kernels.cascade`) must draw the same
counter-based numbers as :func:`sim.kernels.diffusion.advance` and leave the same state: the
same per-day statistics, attributions and community counts for every replication, and the same
final state of every agent. Each case runs the same Simulation inputs twice, once forced onto
the general kernel, and compares everything; the threaded driver is compared too, and so is
:meth:`Simulation.spread` (the final counts only, :func:`sim.kernels.cascade.run_spread`).
"""

from pathlib import Path

import numpy as np
import pytest

from sim.kernels.cascade import SPREAD_SEED
from sim.kernels.threshold import THRESHOLD_SEED
from sim.model import (
    AgentArrays,
    Params,
    SeedSchedule,
    Simulation,
    Spread,
    replication_keys,
    streams,
)
from sim.network import Network
from sim.network.generators import erdos_renyi, follower_graph
from sim.runner.prepare import prepare

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))
TEXTBOOK = Params(rule="cascade", active_steps=1)
STATE_FIELDS = ("agent", "flags", "has_posted", "counters", "adopted_before")


def random_agents(n: int, seed: int, *, unit: bool = False) -> AgentArrays:
    """Agents with certain posting and attention (the textbook path's condition) and, unless
    ``unit``, random expertise and interest on two topics."""
    rng = np.random.default_rng(seed)
    shape = (n, 2)
    return AgentArrays(
        ("a", "b"),
        np.ones(shape) if unit else rng.random(shape),
        np.ones(shape) if unit else rng.random(shape),
        rng.uniform(0, 0.5, n),
        np.ones(n, dtype=np.int32),
        np.ones(n),
        np.ones(n),
    )


def run_both(simulation: Simulation, keys: np.ndarray):
    """(general, textbook) runs of the same simulation; the state after each is copied."""
    assert simulation._textbook, "the case should qualify for the textbook path"
    out = []
    for textbook in (False, True):
        simulation._textbook = textbook
        raw = simulation.run(keys)
        state = {name: getattr(simulation.state, name).copy() for name in STATE_FIELDS}
        n_adopted, n_touched = state["counters"][0], state["counters"][2]
        state["adoption_order"] = simulation.state.adoption_order[:n_adopted].copy()
        state["touched_list"] = simulation.state.touched_list[:n_touched].copy()
        out.append((raw, state))
    simulation._textbook = True
    return out


def assert_identical(simulation: Simulation, keys: np.ndarray) -> np.ndarray:
    (general, general_state), (fast, fast_state) = run_both(simulation, keys)
    np.testing.assert_array_equal(fast.step_stats, general.step_stats)
    np.testing.assert_array_equal(fast.by_origin, general.by_origin)
    np.testing.assert_array_equal(fast.by_community, general.by_community)
    for name, values in general_state.items():
        np.testing.assert_array_equal(fast_state[name], values, err_msg=name)
    threaded = simulation.run(np.concatenate([keys] * 3), threads=2)
    for name in ("step_stats", "by_origin", "by_community"):
        np.testing.assert_array_equal(
            getattr(threaded, name), np.concatenate([getattr(general, name)] * 3), err_msg=name
        )
    assert_same_counts(simulation, keys, Spread.of(general))
    return general.final_adopters()


def assert_same_counts(simulation: Simulation, keys: np.ndarray, expected: Spread) -> None:
    """``spread`` on one and two threads gives ``expected`` and leaves its scratch as it found
    it: the seeds' bit in the flags and, on the threshold path, no influence and no sources."""
    for threads, repeat in ((1, 1), (2, 30)):
        got = simulation.spread(np.concatenate([keys] * repeat), threads=threads)
        for name in ("adopters", "seed_adopters", "last_step"):
            np.testing.assert_array_equal(
                getattr(got, name), np.tile(getattr(expected, name), repeat), err_msg=name
            )
    seeds = np.zeros(simulation.network.n_nodes, np.uint8)
    seeds[simulation.schedule.seeds] = THRESHOLD_SEED if simulation._threshold_path else SPREAD_SEED
    for flags, *lists in simulation._spread:
        np.testing.assert_array_equal(flags, seeds)
        if simulation._threshold_path:
            influence, n_sources = lists[:2]
            assert not influence.any() and not n_sources.any()


def certain(agents: AgentArrays) -> AgentArrays:
    """``agents`` with certain posting and attention (the fast paths' condition)."""
    return AgentArrays(
        agents.topics,
        agents.expertise,
        agents.interest,
        agents.threshold,
        agents.min_sources,
        np.ones(agents.n_agents),
        np.ones(agents.n_agents),
    )


def hand_built() -> dict[str, tuple]:
    """(network, agents, schedule, sponsored_weight, steps) of small cases with every corner:
    seeds that follow each other, repeated posts, seeds reached before their post day, several
    cascades arriving on the same day (the attribution tie-break), partial trust, more seeds
    than the flag byte holds origins for."""
    rng = np.random.default_rng(4)
    # 0 -> 1 -> 2 -> 3, 0 -> 4, 4 -> 2, 5 -> 2 (5 posts later), 3 -> 0: a cycle back to a seed
    line = Network.from_edges(
        [0, 1, 2, 0, 4, 5, 3, 2], [1, 2, 3, 4, 2, 2, 0, 5], 6, ties=np.full(8, 1.0)
    )
    line_schedule = SeedSchedule(
        np.array([0, 5], np.int32),
        np.array([0, 5, 0], np.int32),
        np.array([0, 2, 3], np.int32),
        np.array([0, 1, 0], np.int32),
    )
    er = erdos_renyi(400, 4.0, rng=rng)
    er = Network(er.indptr, er.indices, rng.uniform(0.05, 0.6, er.n_edges).astype(np.float32))
    dense = erdos_renyi(300, 12.0, rng=rng)  # floods: many same-day arrivals
    dense = Network(dense.indptr, dense.indices, np.full(dense.n_edges, 0.9, np.float32))
    followers = follower_graph(2000, mean_following=6, n_communities=4, rng=rng)
    hubs = np.argsort(followers.followers)[-6:]
    # a seed set that includes followers of another seed, posting three times
    chained = np.unique(
        np.concatenate([hubs[:3], followers.indices[followers.indptr[hubs[0]] :][:3]])
    )
    sparse = erdos_renyi(3000, 6.0, rng=rng)  # rare successes
    sparse_ties = rng.uniform(0.02, 0.1, sparse.n_edges).astype(np.float32)
    spokes = np.arange(59)
    others = rng.integers(0, 59, (2, 80))
    last_hub = Network.from_edges(
        np.concatenate([others[0], np.full(59, 59)]),
        np.concatenate([others[1], spokes]),
        60,
        ties=rng.uniform(0.1, 0.9, 139),
    )
    # 0 -> 1 -> 3 and 2 -> 3, all certain: seed 3 (posting on day 5) adopts on day 1 from
    # seed 2's post, then seed 0's cascade reaches it the same day through 1; a seed that
    # adopted keeps its own cascade's origin (2's), though 0's index is lower
    early_seed = Network.from_edges([0, 2, 1], [1, 3, 3], 4, ties=np.full(3, 1.0))
    early_schedule = SeedSchedule(
        np.array([0, 2, 3], np.int32),
        np.array([0, 2, 3], np.int32),
        np.array([0, 1, 5], np.int32),
        np.array([0, 1, 2], np.int32),
    )
    return {
        "line": (line, random_agents(6, 1, unit=True), line_schedule, 1.0, 12),
        "early-seed": (early_seed, random_agents(4, 11, unit=True), early_schedule, 1.0, 8),
        "sparse": (
            Network(sparse.indptr, sparse.indices, sparse_ties),
            random_agents(3000, 7),
            SeedSchedule.build(np.arange(0, 3000, 100)),
            0.9,
            30,
        ),
        "sparse-uniform": (
            Network(sparse.indptr, sparse.indices, np.full(sparse.n_edges, 0.15, np.float32)),
            random_agents(3000, 8, unit=True),
            SeedSchedule.build(np.arange(0, 3000, 150), posts=2, every=4),
            0.6,
            40,
        ),
        # one tie, random trust: run_spread compares the draws' bits with one integer cut
        "sparse-one-tie": (
            Network(sparse.indptr, sparse.indices, np.full(sparse.n_edges, 0.3, np.float32)),
            random_agents(3000, 9),
            SeedSchedule.build(np.arange(0, 3000, 120)),
            0.8,
            40,
        ),
        "erdos-renyi": (er, random_agents(400, 2), SeedSchedule.build([3, 7, 11]), 0.7, 30),
        "flood": (
            dense,
            random_agents(300, 3, unit=True),
            SeedSchedule.build([0, 1, 2, 3]),
            1.0,
            20,
        ),
        # floods with partial interest: most successful draws reach a follower who adopted
        "flood-partial": (
            dense,
            AgentArrays(
                ("a",),
                np.ones((300, 1)),
                rng.uniform(0.5, 1.0, (300, 1)),
                np.zeros(300),
                np.ones(300, dtype=np.int32),
                np.ones(300),
                np.ones(300),
            ),
            SeedSchedule.build([5, 6]),
            1.0,
            20,
        ),
        # a hub that is the graph's last agent, with random trust: its last edges are the
        # edge array's last, where a block of sixteen ties would run past the array
        "last-hub": (
            last_hub,
            random_agents(60, 10),
            SeedSchedule.build([59, 3]),
            1.0,
            20,
        ),
        "followers-repeated": (
            followers,
            random_agents(2000, 4),
            SeedSchedule.build(chained, start=1, posts=3, every=2),
            0.8,
            25,
        ),
        # more seeds than fit in the flag byte (MAX_PACKED_ORIGINS): origins in origin_of
        "many-seeds": (
            followers,
            random_agents(2000, 6),
            SeedSchedule.build(np.argsort(followers.followers)[-40:], start=0, posts=2, every=3),
            0.9,
            25,
        ),
        "followers-unit": (
            Network(
                followers.indptr,
                followers.indices,
                np.full(followers.n_edges, 0.3, np.float32),
                followers.community,
            ),
            random_agents(2000, 5, unit=True),
            SeedSchedule.build(hubs),
            1.0,
            40,
        ),
    }


CASES = hand_built()


def plan_simulations(setup, params: Params):
    """A Simulation of every strategy's plan in a prepared scenario, its population with
    certain posting and attention, under ``params``."""
    for plan in setup.plans():
        yield Simulation(
            plan.network,
            certain(plan.agents),
            params,
            plan.schedule,
            setup.steps,
            topic=setup.topic,
            sponsored_weight=plan.sponsored_weight,
        )


@pytest.mark.parametrize("name", CASES)
def test_textbook_path_equals_general_kernel_on_hand_built_graphs(name):
    network, agents, schedule, weight, steps = CASES[name]
    simulation = Simulation(
        network, agents, TEXTBOOK, schedule, steps, topic=agents.topics[-1], sponsored_weight=weight
    )
    finals = assert_identical(simulation, replication_keys(5, 40))
    assert finals.max() > schedule.seeds.size  # something spread: the comparison is not empty


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda path: path.stem)
def test_textbook_path_equals_general_kernel_on_shipped_scenarios(path):
    """Each shipped scenario's network, population (with certain posting and attention) and
    every strategy's plan, under textbook IC; few replications."""
    setup = prepare(path, replications=4)
    for simulation in plan_simulations(setup, TEXTBOOK):
        assert_identical(simulation, replication_keys(setup.seed, 4))


@pytest.mark.parametrize(
    "changes",
    [
        {"rule": "threshold"},
        {"active_steps": 2},
        {"tie_half_life": 5.0},
        {"reinforcement": 0.1},
        {"external_p": 0.01},
    ],
)
def test_other_settings_take_the_general_kernel(changes):
    network, agents, schedule, _weight, steps = CASES["erdos-renyi"]
    params = Params(**{"rule": "cascade", "active_steps": 1, **changes})
    assert not Simulation(network, agents, params, schedule, steps)._textbook
    half = agents.activity.copy()
    half[0] = 0.5
    partial = AgentArrays(
        agents.topics,
        agents.expertise,
        agents.interest,
        agents.threshold,
        agents.min_sources,
        half,
        agents.attention,
    )
    assert not Simulation(network, partial, TEXTBOOK, schedule, steps)._textbook


def test_replication_keys_are_the_seed_sequence_words():
    """The vectorised keys equal numpy's SeedSequence(seed, spawn_key=(3, r)) word for word."""
    for seed in (0, 1, 7, 2**32 - 1, 2**32, 2**63 + 5, 2**130 + 17):
        indices = [*range(50), 2**32 - 1, 2**32, 2**40 + 3]
        expected = [
            np.random.SeedSequence(seed, spawn_key=(streams.REPLICATIONS, r)).generate_state(
                1, np.uint64
            )[0]
            for r in indices
        ]
        np.testing.assert_array_equal(streams.replication_keys(seed, indices), expected)
    assert streams.replication_keys(3, 0).shape == (0,)
    np.testing.assert_array_equal(
        streams.replication_keys(3, range(10, 20)), streams.replication_keys(3, 20)[10:]
    )


def test_many_seeds_case_takes_the_unpacked_origins():
    """The "many-seeds" case has more origins than the flag byte holds (the other cases fewer),
    so both ways of keeping origins are compared with the general kernel above."""
    from sim.kernels.cascade import MAX_PACKED_ORIGINS

    assert CASES["many-seeds"][2].seeds.size >= MAX_PACKED_ORIGINS
    assert CASES["erdos-renyi"][2].seeds.size < MAX_PACKED_ORIGINS


def test_a_seed_that_adopted_early_keeps_its_own_cascade():
    """In the "early-seed" case seed 3 adopts on day 1 from seed 2's post and is then reached
    the same day by seed 0's cascade: both paths attribute it to seed 2 (origin 1), not to the
    lower index (with the tie-break applied to it, seed 0 would count three adoptions)."""
    network, agents, schedule, _, steps = CASES["early-seed"]
    for textbook in (True, False):
        simulation = Simulation(network, agents, TEXTBOOK, schedule, steps)
        simulation._textbook = textbook
        raw = simulation.run(replication_keys(3, 2))
        # origins: seed 0 (agents 0, 1), seed 2 (agents 2, 3), seed 3 (none of its own)
        np.testing.assert_array_equal(raw.by_origin, [[2, 2, 0, 0]] * 2)


def test_awareness_table_is_the_tie_break():
    """Every entry of the textbook path's flag table against the rule it replaces: a fresh
    follower takes the poster's origin, one first seen today the lower seed index (no origin
    ranks last), any other flag byte is left as it is."""
    from sim.kernels.cascade import AWARENESS, LOW_BITS, MAX_PACKED_ORIGINS, ORIGIN_SHIFT
    from sim.kernels.diffusion import AWARE, SEEN_TODAY, earlier_origin

    for origin in range(-1, MAX_PACKED_ORIGINS):
        for flags in range(256):
            low, held = flags & LOW_BITS, (flags >> ORIGIN_SHIFT) - 1
            if low == 0:
                want = ((origin + 1) << ORIGIN_SHIFT) | AWARE | SEEN_TODAY
            elif low & SEEN_TODAY:
                want = ((earlier_origin(held, origin) + 1) << ORIGIN_SHIFT) | low
            else:
                want = flags
            assert AWARENESS[((origin + 1) << 8) + flags] == want, (origin, flags)


def test_textbook_driver_resets_a_state_left_by_the_general_kernel():
    """``run`` on the textbook path after stepping and after ``trace`` (the general kernel,
    parents recorded) gives the numbers and final state of a fresh Simulation."""
    network, agents, schedule, weight, steps = CASES["followers-repeated"]

    def build():
        return Simulation(
            network, agents, TEXTBOOK, schedule, steps, topic="b", sponsored_weight=weight
        )

    keys = replication_keys(9, 12)
    fresh = build()
    expected = fresh.run(keys)
    used = build()
    used.start(keys[5])
    for _ in range(3):
        used.step()
    used.run(keys[:2])
    assert (used.trace(keys[3]).parent >= 0).any()  # the traced state holds parents
    got = used.run(keys)
    for name in ("step_stats", "by_origin", "by_community"):
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name), err_msg=name)
    for name in (*STATE_FIELDS, "hours", "parent", "candidate"):
        np.testing.assert_array_equal(
            getattr(used.state, name), getattr(fresh.state, name), err_msg=name
        )


def test_spread_counts_a_cascade_cut_short_by_the_horizon():
    """Too few steps: ``last_step`` is non-zero where the general kernel's last day gains
    adopters, and the counts are still the general kernel's."""
    network, agents, schedule, weight, _steps = CASES["followers-unit"]
    simulation = Simulation(network, agents, TEXTBOOK, schedule, 3, sponsored_weight=weight)
    keys = replication_keys(2, 30)
    simulation._textbook = False
    expected = Spread.of(simulation.run(keys))
    simulation._textbook = True
    assert expected.last_step.all()
    assert_same_counts(simulation, keys, expected)


@pytest.mark.parametrize("name", ["flood", "flood-partial"])
def test_spread_flood_adopts_nearly_everyone(name):
    """The flood cases adopt nearly everyone, so most successful draws there reach a follower
    who has adopted (converted without a branch: nothing changes); their counts are compared
    with the general kernel in the hand-built test above."""
    network, agents, schedule, weight, steps = CASES[name]
    simulation = Simulation(network, agents, TEXTBOOK, schedule, steps, sponsored_weight=weight)
    assert simulation.spread(replication_keys(5, 40)).adopters.min() > 0.9 * network.n_nodes


def test_spread_on_other_settings_is_run_reduced():
    """Settings off the textbook paths (here the threshold rule with fading memory) give
    run's final counts."""
    network, agents, schedule, weight, steps = CASES["erdos-renyi"]
    params = Params(rule="threshold", active_steps=2, memory_half_life=4.0)
    simulation = Simulation(network, agents, params, schedule, steps, sponsored_weight=weight)
    assert not simulation._counts_only
    keys = replication_keys(8, 20)
    expected = Spread.of(simulation.run(keys))
    assert expected.adopters.max() > schedule.seeds.size
    for threads in (1, 2):
        got = simulation.spread(keys, threads=threads)
        np.testing.assert_array_equal(got.adopters, expected.adopters)
        np.testing.assert_array_equal(got.organic, expected.adopters - expected.seed_adopters)


@pytest.mark.parametrize("active_steps", [None, 3])
@pytest.mark.parametrize("name", ["line", "sparse", "followers-repeated", "flood-partial"])
def test_spread_counts_any_posting_days(name, active_steps):
    """Under the cascade rule only an adopter's first post can convert, so ``spread`` keeps
    its kernel for any ``active_steps`` (``run`` then takes the general kernel): the same
    final counts."""
    network, agents, schedule, weight, steps = CASES[name]
    params = Params(rule="cascade", active_steps=active_steps)
    simulation = Simulation(
        network, agents, params, schedule, steps, topic=agents.topics[-1], sponsored_weight=weight
    )
    assert not simulation._textbook and simulation._counts_only
    keys = replication_keys(6, 40)
    expected = Spread.of(simulation.run(keys))
    assert expected.adopters.max() > schedule.seeds.size
    assert_same_counts(simulation, keys, expected)


def test_spread_on_a_well_mixed_population_is_run_reduced():
    from sim.model import textbook_agents
    from sim.network.well_mixed import WellMixed

    agents = textbook_agents(500)
    agents = AgentArrays(
        agents.topics,
        agents.expertise,
        agents.interest,
        np.full(500, 0.005),
        agents.min_sources,
        agents.activity,
        agents.attention,
    )
    simulation = Simulation(
        WellMixed(500), agents, Params(rule="fractional"), SeedSchedule.build([0, 1, 2]), 20
    )
    keys = replication_keys(3, 5)
    expected = simulation.run(keys).final_adopters()
    assert expected.min() > 3  # it spread beyond the seeds
    np.testing.assert_array_equal(simulation.spread(keys).adopters, expected)


def test_integer_cut_is_the_float_comparison():
    """``_bits(base, e) < _cut(bound)`` exactly when ``_uniform(base, e) < bound``, at the
    edges too: bounds that are exact multiples of 2**-53, their neighbours, 0, tiny, 1, > 1,
    and draws one either side of the cut."""
    from sim.kernels.cascade import _cut

    unit = 2.0**-53
    rng = np.random.default_rng(11)
    bounds = [0.0, 5e-324, unit, 3 * unit, 0.05, 0.2, 1.0 - unit, 1.0, 1.5, 3.0]
    bounds += list(rng.random(200).astype(np.float32).astype(float))
    bounds += [k * unit for k in rng.integers(1, 2**53, 50)]
    bounds += [np.nextafter(b, 2.0) for b in bounds] + [np.nextafter(b, -1.0) for b in bounds]
    for bound in bounds:
        if bound < 0:
            continue
        cut = int(_cut(bound))
        for k in {0, cut - 1, cut, cut + 1, 2**53 - 1}:
            if 0 <= k < 2**53:
                assert (k < cut) == (k * unit < bound), (bound, k, cut)
