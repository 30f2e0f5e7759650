"""Agent-based influence diffusion: topic-specific trust, fading relationships, threshold
adoption, and seeding strategies compared on the same random draws.

Importing ``sim`` runs nothing; the public API is re-exported here.
"""

from sim.api import build, prepare, run
from sim.compare import Comparison, compare
from sim.config import Campaign, Dynamics, Population, Scenario, Strategy
from sim.engine import Simulation
from sim.network import Network
from sim.results import Results
from sim.scenario import ScenarioError, load_scenario
from sim.version import __version__

__all__ = [
    "Campaign",
    "Comparison",
    "Dynamics",
    "Network",
    "Population",
    "Results",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "Strategy",
    "__version__",
    "build",
    "compare",
    "load_scenario",
    "prepare",
    "run",
]
