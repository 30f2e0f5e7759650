"""Agent-based influence diffusion: topic-specific trust, fading relationships, threshold
adoption, and seeding strategies compared on the same random draws.

Importing ``sim`` runs nothing and loads neither plotting nor any front end; the public API is
re-exported here. The layers are described in docs/architecture.md.
"""

from sim.analysis.comparison import Comparison
from sim.analysis.results import Results
from sim.api import build, compare, prepare, price_sweep, run, save, trace
from sim.config.gate import ScenarioError, load_scenario, with_overrides
from sim.config.schema import Campaign, Dynamics, Population, Scenario, Strategy
from sim.errors import InputError
from sim.model.engine import Simulation
from sim.model.params import Params
from sim.network import Network
from sim.version import __version__

__all__ = [
    "Campaign",
    "Comparison",
    "Dynamics",
    "InputError",
    "Network",
    "Params",
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
    "price_sweep",
    "run",
    "save",
    "trace",
    "with_overrides",
]
