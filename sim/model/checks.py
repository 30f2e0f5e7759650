"""Everything the kernels assume but do not check, checked in one place with one-line errors:
the engine's inputs (types, sizes, seed ids, post days, weights) and replication keys."""

from __future__ import annotations

import math

import numpy as np

from sim.dtypes import KEY
from sim.errors import InputError
from sim.model.params import Params
from sim.model.population import AgentArrays
from sim.model.schedule import SeedSchedule
from sim.network import Network
from sim.network.well_mixed import WellMixed


def check_inputs(network, agents, params, schedule, steps, sponsored_weight) -> None:
    """Everything the kernels assume but do not check, in one place; one line per problem."""
    if not isinstance(network, Network | WellMixed):
        raise InputError(
            f"network: expected a sim.network.Network or WellMixed, got {type(network).__name__}"
        )
    if not isinstance(agents, AgentArrays):
        raise InputError(f"agents: expected sim.model.AgentArrays, got {type(agents).__name__}")
    if not isinstance(params, Params):
        hint = "; convert a scenario's Dynamics with .params()" if hasattr(params, "params") else ""
        raise InputError(f"params: expected sim.model.Params, got {type(params).__name__}{hint}")
    if not isinstance(schedule, SeedSchedule):
        raise InputError(
            f"schedule: expected sim.model.SeedSchedule, got {type(schedule).__name__}"
        )
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 1:
        raise InputError(f"steps: must be an integer >= 1, got {steps!r}")
    if agents.n_agents != network.n_nodes:
        raise InputError(
            f"agents: the population has {agents.n_agents} agents but the network has "
            f"{network.n_nodes} nodes"
        )
    n = network.n_nodes
    seeds = schedule.seeds
    if seeds.size and (seeds.min() < 0 or seeds.max() >= n):
        bad = seeds[(seeds < 0) | (seeds >= n)][0]
        raise InputError(f"schedule: seed {bad} is not an agent of the network (ids 0..{n - 1})")
    if schedule.last_day >= steps:
        raise InputError(
            f"schedule: a post is scheduled on day {schedule.last_day}, after the last day "
            f"({steps - 1}); raise steps or move the posts"
        )
    if not (
        isinstance(sponsored_weight, int | float | np.floating)
        and math.isfinite(sponsored_weight)
        and 0.0 <= sponsored_weight <= 1.0
    ):
        raise InputError(f"sponsored_weight: must be a number in 0..1, got {sponsored_weight!r}")


def as_keys(keys) -> np.ndarray:
    array = np.asarray(keys)
    if array.ndim != 1 or (array.size and not np.issubdtype(array.dtype, np.integer)):
        raise InputError("keys: must be a 1-d array of unsigned 64-bit replication keys")
    if array.size and np.issubdtype(array.dtype, np.signedinteger) and array.min() < 0:
        raise InputError("keys: replication keys are unsigned; got a negative key")
    return np.ascontiguousarray(array, dtype=KEY)
