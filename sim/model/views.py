"""Read-only views of a simulation's current state: who adopted, who saw what, influence and
ties as of the last day run (:class:`Views`, a base of :class:`sim.model.engine.Simulation`)."""

from __future__ import annotations

import numpy as np

from sim.dtypes import ACCUM, NODE, VALUE
from sim.errors import InputError


class Views:
    """The views of :class:`~sim.model.engine.Simulation` (valid after start/step, a
    one-thread run or a trace); every array returned is a read-only copy."""

    @property
    def adopted(self) -> np.ndarray:
        """bool (N,): has adopted."""
        return frozen(self._field("adopt_time") >= 0)

    @property
    def aware(self) -> np.ndarray:
        """bool (N,): has seen at least one post (adopters included)."""
        return frozen(self._field("first_seen") >= 0)

    @property
    def adopt_time(self) -> np.ndarray:
        """int32 (N,): day of adoption, -1 for none."""
        return self._field("adopt_time")

    @property
    def first_seen(self) -> np.ndarray:
        """int32 (N,): day of the first exposure, -1 for none."""
        return self._field("first_seen")

    @property
    def origin(self) -> np.ndarray:
        """int32 (N,): the seed (an index into ``schedule.seeds``) whose cascade reached the
        agent first, -1 for none."""
        return self._field("origin")

    @property
    def n_sources(self) -> np.ndarray:
        """int32 (N,): distinct accounts seen so far (``threshold`` and ``fractional``)."""
        return self._field("n_sources")

    @property
    def posted(self) -> np.ndarray:
        """bool (N,): has posted at least once in this replication."""
        self.day  # noqa: B018 - raises before any replication
        return frozen(np.asarray(self.state.has_posted, dtype=bool).copy())

    def reached(self, agent: int) -> tuple[np.ndarray, np.ndarray]:
        """``(followees, reached)`` of one agent: the accounts it follows, and whether a post
        of each has got through to it so far (with full attention every post does)."""
        followees, edges = self._edges(agent, incoming=True)
        posted = np.asarray(self.state.has_posted, dtype=bool)[followees]
        seen = np.asarray(self.state.edge_seen, dtype=bool)[edges]
        full = self.agents.attention[followees] >= 1.0
        return frozen(followees), frozen(posted & (seen | full))

    @property
    def influence(self) -> np.ndarray:
        """float64 (N,): accumulated influence as of today, faded by the memory half-life."""
        self.day  # noqa: B018 - raises before any replication
        record = self.state.agent
        value = record["influence"].astype(ACCUM)
        when = record["influence_time"]
        if self.params.memory_half_life is not None:
            since = np.clip(self._today() - when, 0, self.steps)
            value = np.where(when >= 0, value * self._params.memory_decay[since], value)
        return frozen(value)

    def ties(self, agent: int, *, incoming: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``(neighbours, tie strengths today)`` of one agent's edges: its followers, or with
        ``incoming`` the accounts it follows. Strengths include decay and reinforcement so far;
        trust on the campaign topic is ``tie * expertise[source] * interest[follower]``."""
        neighbours, edges = self._edges(agent, incoming=incoming)
        p = self.params
        if p.tie_half_life is None and p.reinforcement == 0.0:
            values = self._graph.tie0[edges].astype(VALUE)
        else:
            values = self.state.tie[edges].astype(np.float64)
            if p.tie_half_life is not None:
                last = self.state.tie_time[edges]
                if self._graph.appear.size:  # a tie that appeared later decays from then
                    last = np.maximum(last, self._graph.appear[edges])
                since = np.clip(self._today() - last, 0, self.steps)
                values = values * self._params.tie_decay[since]
            values = values.astype(VALUE)
        return frozen(neighbours), frozen(values)

    def _edges(self, agent, *, incoming: bool) -> tuple[np.ndarray, np.ndarray]:
        """``(neighbours int32, edge ids)`` of one checked agent id: its followers' edges, or
        with ``incoming`` the edges from the accounts it follows."""
        self.day  # noqa: B018 - raises before any replication
        n = self.network.n_nodes
        if isinstance(agent, bool) or not isinstance(agent, int | np.integer) or not 0 <= agent < n:
            raise InputError(f"agent: must be an agent id in 0..{n - 1}, got {agent!r}")
        if incoming:
            indptr, sources, edge_ids = self.network.reverse_index()
            edges = edge_ids[indptr[agent] : indptr[agent + 1]]
            neighbours = sources[indptr[agent] : indptr[agent + 1]]
        else:
            edges = np.arange(self.network.indptr[agent], self.network.indptr[agent + 1])
            neighbours = self.network.indices[edges]
        return np.asarray(neighbours, dtype=NODE), edges

    def _today(self) -> int:
        """The day the views refer to: the last day run (0 before any)."""
        return max(self.day - 1, 0)

    def _field(self, name: str) -> np.ndarray:
        self.day  # noqa: B018
        return frozen(self.state.agent[name].copy())


def frozen(array: np.ndarray) -> np.ndarray:
    """``array``, made read-only."""
    array.flags.writeable = False
    return array
