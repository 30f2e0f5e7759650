"""Small builders shared by the model tests."""

# uniform_agents is the library's textbook population, re-exported for the tests.

import numpy as np

from sim.model import (
    AgentArrays,
    Params,
    SeedSchedule,
    Simulation,
    replication_keys,
    textbook_agents,
)
from sim.network import Network


def final_adopters(
    network: Network,
    dynamics: Params,
    seeds,
    *,
    replications: int,
    seed: int = 0,
    steps: int = 200,
    agents: AgentArrays | None = None,
    topic: str | None = None,
) -> np.ndarray:
    """Final adopter counts (seeds included) of ``replications`` runs."""
    agents = agents if agents is not None else textbook_agents(network.n_nodes)
    simulation = Simulation(
        network, agents, dynamics, SeedSchedule.build(seeds), steps, topic=topic
    )
    raw = simulation.run(replication_keys(seed, replications))
    return raw.step_stats[:, :, -1].sum(axis=1)


uniform_agents = textbook_agents


def schedule_of(posts) -> SeedSchedule:
    """A schedule from ``(node, step)`` posts, sorted by step (stable); attribution ids in the
    order the seeds first post."""
    nodes = np.array([node for node, _ in posts], dtype=np.int32)
    when = np.array([step for _, step in posts], dtype=np.int32)
    order = np.argsort(when, kind="stable")
    distinct = list(dict.fromkeys(nodes[order].tolist()))
    origin = np.array([distinct.index(v) for v in nodes[order].tolist()], dtype=np.int32)
    return SeedSchedule(np.array(distinct, np.int32), nodes[order], when[order], origin)


def delay_spec(delay):
    """The pure-Python reference's description of a sim.model.delays object (None: none)."""
    from sim.model.delays import Exponential, LogNormal

    if delay is None:
        return None
    if isinstance(delay, Exponential):
        return ("exponential", delay.mean_hours)
    if isinstance(delay, LogNormal):
        return ("lognormal", delay.median_hours, delay.sigma)
    return ("empirical", delay.hours.tolist())


def reference_run(network, agents, params, schedule, steps, key, sponsored_weight=1.0):
    """tests/reference.py's run of the same replication: the model objects as plain lists
    (first topic), the tie history and delays included."""
    from tests import reference

    src, dst = network.edges()
    history = {}
    if network.history is not None:
        appear, expire = network.history.windows(network.n_edges)
        age = network.history.age
        history = {
            "appear": appear.tolist(),
            "expire": expire.tolist(),
            "tie_age": None if age is None else age.astype(float).tolist(),
        }
    return reference.simulate(
        list(zip(src.tolist(), dst.tolist(), strict=True)),
        network.n_nodes,
        rule=params.rule,
        steps=steps,
        key=key,
        seeds=[(int(a), int(b)) for a, b in zip(schedule.nodes, schedule.steps, strict=True)],
        ties=network.tie_values().astype(float).tolist(),
        expertise=agents.expertise[:, 0].astype(float).tolist(),
        interest=agents.interest[:, 0].astype(float).tolist(),
        threshold=agents.threshold.tolist(),
        min_sources=agents.min_sources.tolist(),
        activity=agents.activity.astype(float).tolist(),
        attention=agents.attention.astype(float).tolist(),
        active_steps=params.active_steps,
        tie_half_life=params.tie_half_life,
        reinforcement=params.reinforcement,
        memory_half_life=params.memory_half_life,
        external_p=params.external_p,
        bass_q=params.bass_q,
        sponsored_weight=sponsored_weight,
        step_hours=params.step_hours,
        view_delay=delay_spec(params.view_delay),
        repost_delay=delay_spec(params.repost_delay),
        **history,
    )


def random_params(rng, rule, *, half_life=(1.0, 5.0), external=0.03, **extra) -> Params:
    """The full model with random settings, drawn in a fixed order: active period, tie and
    memory half-lives in ``half_life``, reinforcement, external influence 0 or ``external``;
    ``extra`` (delays, clock) as given."""
    return Params(
        rule=rule,
        active_steps=int(rng.integers(1, 4)),
        tie_half_life=float(rng.uniform(*half_life)),
        reinforcement=float(rng.uniform(0, 0.3)),
        memory_half_life=float(rng.uniform(*half_life)),
        external_p=float(rng.choice([0.0, external])),
        bass_q=0.8,
        **extra,
    )


def assert_matches_reference(simulation, raw, ref) -> dict:
    """The kernel's one-replication run equals the reference's on every day (statistics),
    every agent (adoption day, first exposure) and every adopter's attribution; returns the
    reference's extras (ties, order, parents, hours)."""
    from sim.kernels.diffusion import STEP_STAT_NAMES

    adopt_time, first_seen, origin, records, extra = ref
    expected = np.array([[day[name] for name in STEP_STAT_NAMES] for day in records])
    np.testing.assert_array_equal(raw.step_stats[0], expected)
    np.testing.assert_array_equal(simulation.adopt_time, adopt_time)
    np.testing.assert_array_equal(simulation.first_seen, first_seen)
    adopted = np.asarray(adopt_time) >= 0
    np.testing.assert_array_equal(simulation.origin[adopted], np.asarray(origin)[adopted])
    return extra
