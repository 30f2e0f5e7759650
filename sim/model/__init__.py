"""The model layer: the population as arrays, seed schedules, parameters, random streams and
the checked engine in front of the kernels. Knows arrays and plain objects, never YAML."""

from sim.model.engine import STEP_STATS, RawRun, Simulation, Spread
from sim.model.params import Params
from sim.model.population import AgentArrays, textbook_agents
from sim.model.schedule import SeedSchedule
from sim.model.streams import replication_keys

__all__ = [
    "STEP_STATS",
    "AgentArrays",
    "Params",
    "RawRun",
    "SeedSchedule",
    "Simulation",
    "Spread",
    "replication_keys",
    "textbook_agents",
]
