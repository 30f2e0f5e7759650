"""The teaching model: a Mesa model whose ``step`` advances the engine by one day.

:class:`InfluenceModel` is the Mesa face of :class:`sim.model.engine.Simulation`. Its keyword
arguments are the teaching knobs (the page's controls map one-to-one onto them); they become
overrides of the scenario and go through the same gate as a YAML file, so a bad value is one
:class:`~sim.errors.InputError` line. The root seed comes through Mesa's ``rng=`` argument: the
network, population, seeds and the replication key all derive from it exactly as in
``influence-sim run`` with ``seed: rng``, so the model's curve is replication 0 of that run.

The graph lives on a :class:`mesa.discrete_space.Network` with one :class:`~sim.teach.agents.
Account` per node (up to :data:`VIEW_LIMIT` agents; a larger network is viewed through a fixed
sample, while the engine still runs every agent), and a Mesa ``DataCollector`` records the
adoption curve from the engine's daily counts.

Examples
--------
>>> from sim.teach.model import InfluenceModel
>>> model = InfluenceModel(scenario="clustered ring", strategy="four neighbours", rng=3)
>>> for _ in range(10):
...     model.step()
>>> int(model.datacollector.get_model_vars_dataframe()["adopted"].iloc[-1]) == model.adopters
True
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sim.config.gate import load_scenario, with_overrides
from sim.config.schema import Scenario
from sim.errors import InputError
from sim.model.engine import Simulation
from sim.model.params import RULES
from sim.model.streams import replication_keys
from sim.network.well_mixed import WellMixed
from sim.runner.prepare import Setup, prepare
from sim.teach import adapter
from sim.teach.agents import Account
from sim.teach.layout import DRAW_LIMIT, induced_edges, sample_nodes
from sim.teach.presets import BUILT_IN, built_in, shipped_scenarios

VIEW_LIMIT = 10_000
"""Most Mesa agents (and network cells) a model creates; larger networks are sampled."""

CLICKED = "clicked seeds"
"""The strategy name of seeds picked by hand (``seeds=``)."""

__all__ = ["CLICKED", "RULES", "VIEW_LIMIT", "InfluenceModel", "knob_overrides", "open_scenario"]

STATES = np.array(["unaware", "exposed", "adopted"])


def open_scenario(scenario: str | Path | Scenario | None) -> Scenario:
    """A scenario from a built-in name, a shipped scenario's name, a YAML path or an object."""
    if scenario is None:
        return built_in("classroom")
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str) and scenario in BUILT_IN:
        return built_in(scenario)
    shipped = shipped_scenarios()
    if isinstance(scenario, str) and scenario in shipped:
        return load_scenario(shipped[scenario])
    if isinstance(scenario, str | Path):
        return load_scenario(scenario)
    raise InputError(f"scenario: expected a name or a YAML path, got {type(scenario).__name__}")


def knob_overrides(
    scenario: Scenario,
    *,
    rule: str | None = None,
    threshold: float | None = None,
    min_sources: int | None = None,
    sponsored_weight: float | None = None,
    tie_half_life: float | None = None,
    topic: str | None = None,
    seed: int | None = None,
) -> dict:
    """The dotted-path overrides the knobs make (None keeps the scenario's value;
    ``tie_half_life`` 0 means ties never fade)."""
    changes: dict = {}
    if rule is not None:
        changes["dynamics.rule"] = rule
    if threshold is not None:
        changes["population.threshold"] = threshold
    if min_sources is not None:
        changes["population.min_sources"] = min_sources
    if tie_half_life is not None:
        changes["dynamics.tie_half_life"] = None if tie_half_life == 0 else tie_half_life
    if sponsored_weight is not None or topic is not None:
        if scenario.campaign is None:
            name = "sponsored_weight" if sponsored_weight is not None else "topic"
            raise InputError(
                f"{name}: scenario {scenario.name!r} has no campaign (no paid posts, one topic "
                f"{scenario.topic!r}); leave it unset"
            )
        if sponsored_weight is not None:
            changes["campaign.sponsored_weight"] = sponsored_weight
        if topic is not None:
            changes["campaign.topic"] = topic
    if seed is not None:
        changes["seed"] = seed
    return changes


class InfluenceModel(adapter.Model):
    """One replication of a scenario, a day per :meth:`step`, with Mesa agents as views.

    Parameters
    ----------
    scenario : str, path or Scenario, optional
        A built-in classroom scenario (``"classroom"``, ``"clustered ring"``, ``"random
        ring"``), the name of a shipped scenario (``"quickstart"``), a YAML path, or a
        :class:`~sim.config.schema.Scenario`; the classroom network when omitted.
    strategy : str, optional
        One of the scenario's strategies by name (the first when omitted), or
        ``"clicked seeds"`` to seed the agents in ``seeds``.
    seeds : sequence of int
        Agent ids (0..N-1) to seed with ``strategy="clicked seeds"``.
    rule : {"threshold", "fractional", "cascade", "bass"}, optional
    threshold : float, optional
        Everyone's adoption threshold (the scenario's thresholds when None).
    min_sources : int, optional
        Distinct accounts an agent must hear from (2 = complex contagion).
    sponsored_weight : float, optional
        Weight of paid posts against organic word of mouth, 0..1 (needs a campaign).
    tie_half_life : float, optional
        Days for an unused tie to lose half its strength; 0 = ties never fade.
    topic : str, optional
        The campaign topic (one of the population's topics; needs a campaign).
    rng : int, optional
        The root seed (the scenario's ``seed`` when None), passed on to :class:`mesa.Model`.
    """

    def __init__(
        self,
        scenario: str | Path | Scenario | None = None,
        *,
        strategy: str | None = None,
        seeds: Sequence[int] = (),
        rule: str | None = None,
        threshold: float | None = None,
        min_sources: int | None = None,
        sponsored_weight: float | None = None,
        tie_half_life: float | None = None,
        topic: str | None = None,
        rng: int | None = None,
    ) -> None:
        base = open_scenario(scenario)
        root = base.seed if rng is None else rng
        if isinstance(root, bool) or not isinstance(root, int | np.integer) or root < 0:
            raise InputError(f"rng: the root seed must be an integer >= 0, got {rng!r}")
        super().__init__(rng=int(root))
        self.root_seed = int(root)
        changes = knob_overrides(
            base,
            rule=rule,
            threshold=threshold,
            min_sources=min_sources,
            sponsored_weight=sponsored_weight,
            tie_half_life=tie_half_life,
            topic=topic,
            seed=self.root_seed,
        )
        self.spec = with_overrides(base, changes)
        self.setup: Setup = prepare(self.spec)
        self.strategy_name = self._strategy(strategy, seeds)
        self.simulation: Simulation = self.setup.simulation(self._plan(self.strategy_name, seeds))
        self.key = replication_keys(self.root_seed, [0])[0]
        self.simulation.start(self.key)
        self.days = self.simulation.steps
        self._states: np.ndarray | None = None

        network = self.setup.network
        self.view_nodes = sample_nodes(network, VIEW_LIMIT, self.root_seed)
        self.sampled = self.view_nodes.size < network.n_nodes
        if self.sampled:  # the view is the drawn sample: a large network has no Mesa grid
            self.view_nodes = sample_nodes(network, DRAW_LIMIT, self.root_seed)
        self.grid = adapter.network_space(self._graph(), None, self.random)
        self.accounts = {
            int(node): Account(self, int(node), adapter.cell_of(self.grid, int(node)))
            for node in self.view_nodes
        }
        self.datacollector = adapter.DataCollector(
            model_reporters={
                "day": lambda m: m.day,
                "adopted": lambda m: m.adopters,
                "aware": lambda m: m.aware_count,
                "new_adopters": lambda m: m.today("new_adopters"),
            }
        )
        self.running = True
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ construction
    def _strategy(self, strategy: str | None, seeds: Sequence[int]) -> str:
        names = [s.name for s in self.setup.strategies]
        if strategy is None:
            return CLICKED if len(seeds) else names[0]
        if strategy != CLICKED and strategy not in names:
            raise InputError(
                f"strategy: {strategy!r} is not one of {[*names, CLICKED]} "
                f"(scenario {self.spec.name!r})"
            )
        if strategy == CLICKED and not len(seeds):
            raise InputError("seeds: click at least one agent to seed (strategy 'clicked seeds')")
        return strategy

    def _plan(self, name: str, seeds: Sequence[int]):
        if name != CLICKED:
            return self.setup.plan(name)
        network = self.setup.network
        ids = np.asarray(list(seeds), dtype=np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= network.n_nodes):
            raise InputError(f"seeds: agent ids must lie in 0..{network.n_nodes - 1}")
        labels = network.labels[ids] if network.labels is not None else ids
        clicked = {
            "name": CLICKED,
            "select": "explicit",
            "ids": [int(v) for v in labels],
            "k": int(ids.size),
        }
        first = self.setup.strategies[0]  # clicked seeds post like the scenario's first plan
        clicked |= {"posts": first.posts, "every": first.every, "start": first.start}
        return clicked_setup(self.spec, clicked).plan(CLICKED)

    def _graph(self):
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(self.view_nodes.tolist())
        if isinstance(self.setup.network, WellMixed):  # everyone follows everyone: no cells
            return graph  # are joined, the engine mixes them
        sources, targets = induced_edges(self.setup.network, self.view_nodes)
        graph.add_edges_from(zip(sources.tolist(), targets.tolist(), strict=True))
        return graph

    # ------------------------------------------------------------------ stepping
    def step(self) -> None:
        """Advance the engine one day and record the curve; stops after the last day."""
        if self.day >= self.days:
            self.running = False
            return
        self.simulation.step()
        self._states = None
        self.datacollector.collect(self)
        if self.day >= self.days:
            self.running = False

    # ------------------------------------------------------------------ views
    @property
    def day(self) -> int:
        """Days run so far."""
        return self.simulation.day

    def today(self, stat: str) -> int:
        """One of the engine's daily counts for the last day run (0 before any)."""
        if self.day == 0:
            return 0
        return int(self.simulation.record.stat(stat)[0, self.day - 1])

    @property
    def adopters(self) -> int:
        """Adopters so far, seeds included."""
        return int(self.simulation.record.stat("new_adopters")[0, : self.day].sum())

    @property
    def aware_count(self) -> int:
        """Agents reached by at least one post so far (adopters included)."""
        return int(self.simulation.record.stat("new_aware")[0, : self.day].sum())

    def states(self) -> np.ndarray:
        """State name of every agent (``unaware``, ``exposed``, ``adopted``), (N,) str."""
        if self._states is None:
            self._states = STATES[self.state_codes()]
        return self._states

    def state_codes(self) -> np.ndarray:
        """0 unaware, 1 exposed, 2 adopted for every agent, int8 (N,)."""
        sim = self.simulation
        return (sim.first_seen >= 0).astype(np.int8) + (sim.adopt_time >= 0).astype(np.int8)

    @property
    def seeds(self) -> np.ndarray:
        """The seed agents, in origin order (``origin`` indexes this)."""
        return self.simulation.schedule.seeds

    @property
    def curve(self):
        """The DataCollector's table: one row per day collected (day 0 first)."""
        return self.datacollector.get_model_vars_dataframe()


def clicked_setup(scenario: Scenario, strategy: dict) -> Setup:
    """The scenario with ``strategy`` as its only plan (the same network and population)."""
    return prepare(scenario, strategies=[strategy])
