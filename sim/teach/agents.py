"""The Mesa agents of the teaching model: thin views of the engine's arrays.

An :class:`Account` holds nothing but its row number; every attribute reads the engine's
current state, so a Mesa agent can never disagree with the engine (there is one model, not
two). Agents do not act in :meth:`Account.step`: the engine advances everyone at once.
"""

from __future__ import annotations

from sim.teach import adapter
from sim.teach.explain import Explanation, explain


class Account(adapter.Agent):
    """One account of the network, a view of row ``node`` of the engine's arrays."""

    def __init__(self, model, node: int, cell) -> None:
        super().__init__(model)
        self.node = int(node)
        self.cell = cell

    @property
    def _sim(self):
        return self.model.simulation

    @property
    def state(self) -> str:
        """``"unaware"``, ``"exposed"`` (seen a post, not adopted) or ``"adopted"``."""
        return self.model.states()[self.node]

    @property
    def adopted(self) -> bool:
        return bool(self._sim.adopt_time[self.node] >= 0)

    @property
    def aware(self) -> bool:
        return bool(self._sim.first_seen[self.node] >= 0)

    @property
    def threshold(self) -> float:
        return float(self._sim.agents.threshold[self.node])

    @property
    def min_sources(self) -> int:
        return int(self._sim.agents.min_sources[self.node])

    @property
    def influence(self) -> float:
        """Influence received so far, faded to today."""
        return float(self._sim.influence[self.node])

    @property
    def origin_seed(self) -> int | None:
        """The seed whose cascade reached this account first (an agent id), or None."""
        origin = int(self._sim.origin[self.node])
        return int(self._sim.schedule.seeds[origin]) if origin >= 0 else None

    def trust(self) -> dict[int, float]:
        """Trust in each account it follows on the campaign topic: tie x expertise x interest."""
        return {s.agent: s.trust for s in self.explain().sources}

    def explain(self) -> Explanation:
        """Why it has or has not adopted (see :mod:`sim.teach.explain`)."""
        return explain(self._sim, self.node)

    def step(self) -> None:
        """Nothing: the engine's day moves every agent at once."""
