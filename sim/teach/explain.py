"""Why an agent did or did not adopt, read from the engine's state (no Mesa, no Solara).

:func:`explain` gathers, for one agent of a stepped :class:`~sim.model.engine.Simulation`, what
the adoption rule compared: its threshold and required sources, the influence it has received
(faded by the memory half-life to today), and every account it follows with today's tie, that
account's expertise and its own interest on the campaign topic, the resulting trust, and whether
the account has posted and its post reached the agent.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from sim.model.engine import Simulation
from sim.network.well_mixed import WellMixed


@dataclass(frozen=True)
class Source:
    """One account the agent follows."""

    agent: int
    tie: float
    expertise: float
    interest: float
    trust: float
    posted: bool
    reached: bool
    adopted: bool


@dataclass(frozen=True)
class Explanation:
    """What the rule saw for one agent on the last day run."""

    agent: int
    state: str
    is_seed: bool
    rule: str
    threshold: float
    needed: float
    min_sources: int
    influence: float
    n_sources: int
    adopt_time: int
    first_seen: int
    origin_seed: int | None
    sources: tuple[Source, ...]
    verdict: str

    def markdown(self, topic: str) -> str:
        """A short explanation for the page."""
        lines = [f"**Agent {self.agent}**: {self.state}{' (a seed)' if self.is_seed else ''}."]
        lines.append(self.verdict)
        if self.origin_seed is not None:
            lines.append(f"First reached by the cascade of seed {self.origin_seed}.")
        if self.sources:
            lines.append("")
            lines.append(
                f"| follows | trust on {topic} | = tie | x expertise | x interest | posted |"
            )
            lines.append("|---:|---:|---:|---:|---:|:---|")
            for s in self.sources[:12]:
                said = "reached it" if s.reached else ("posted, missed it" if s.posted else "-")
                if s.adopted and not s.posted:
                    said = "adopted"
                lines.append(
                    f"| {s.agent} | {s.trust:.3f} | {s.tie:.2f} | {s.expertise:.2f} | "
                    f"{s.interest:.2f} | {said} |"
                )
            if len(self.sources) > 12:
                lines.append(f"| ... {len(self.sources) - 12} more | | | | | |")
        elif "well-mixed" not in self.verdict:
            lines.append("It follows nobody, so no post can reach it.")
        return "\n".join(lines)


def explain(simulation: Simulation, agent: int) -> Explanation:
    """The reasons behind one agent's state after the days run so far."""
    agent = int(agent)
    sim, c = simulation, simulation.topic
    if isinstance(sim.network, WellMixed):
        return _explain_well_mixed(sim, agent)
    followees, ties = sim.ties(agent, incoming=True)
    expertise = sim.agents.expertise[followees, c].astype(np.float64)
    interest = float(sim.agents.interest[agent, c])
    trust = ties.astype(np.float64) * expertise * interest
    posted = _posted(sim)[followees]
    reached = posted & _reached(sim, agent, followees)
    adopted_now = sim.adopted
    sources = tuple(
        Source(int(f), float(t), float(e), interest, float(tr), bool(p), bool(r), bool(a))
        for f, t, e, tr, p, r, a in sorted(
            zip(
                followees,
                ties,
                expertise,
                trust,
                posted,
                reached,
                adopted_now[followees],
                strict=True,
            ),
            key=lambda row: (not row[5], -row[3], int(row[0])),
        )
    )
    threshold = float(sim.agents.threshold[agent])
    needed = threshold
    rule = sim.params.rule
    if rule == "fractional":
        needed = threshold * float(
            np.sum(
                sim.network.tie_values()[_in_edges(sim, agent)] * sim.agents.expertise[followees, c]
            )
            * interest
        )
    return _explanation(sim, agent, threshold, needed, sources, int(reached.sum()))


def _explain_well_mixed(sim: Simulation, agent: int) -> Explanation:
    """The same reasons in a well-mixed population: it follows everyone, one tie for all, so
    what counts is how many of the others have posted (no per-account table)."""
    c, tie = sim.topic, float(sim.network.tie)
    expertise = sim.agents.expertise[:, c].astype(np.float64)
    threshold = float(sim.agents.threshold[agent])
    needed = threshold
    if sim.params.rule == "fractional":
        interest = float(sim.agents.interest[agent, c])
        needed = threshold * tie * (expertise.sum() - expertise[agent]) * interest
    posted = sim.posted.copy()
    posted[agent] = False
    found = _explanation(sim, agent, threshold, needed, (), int(posted.sum()))
    verdict = found.verdict + (
        f" In this well-mixed population it follows all {sim.network.n_nodes - 1:,} others "
        f"(tie {tie:g}); {int(posted.sum()):,} of them have posted."
    )
    return dataclasses.replace(found, verdict=verdict)


def _explanation(sim, agent, threshold, needed, sources, n_reached) -> Explanation:
    """The agent's state as the rule saw it, from what it needed and who reached it."""
    influence = float(sim.influence[agent])
    n_sources = int(sim.n_sources[agent])
    min_sources = int(sim.agents.min_sources[agent])
    adopt_time = int(sim.adopt_time[agent])
    first_seen = int(sim.first_seen[agent])
    origin = int(sim.origin[agent])
    is_seed = bool(np.isin(agent, sim.schedule.seeds))
    state = "adopted" if adopt_time >= 0 else ("exposed" if first_seen >= 0 else "unaware")
    rule = sim.params.rule
    verdict = _verdict(rule, state, is_seed, adopt_time, threshold, needed, influence,
                       n_sources, min_sources, n_reached)  # fmt: skip
    return Explanation(
        agent, state, is_seed, rule, threshold, needed, min_sources, influence, n_sources,
        adopt_time, first_seen, int(sim.schedule.seeds[origin]) if origin >= 0 else None,
        sources, verdict,
    )  # fmt: skip


def _verdict(
    rule,
    state,
    is_seed,
    adopt_time,
    threshold,
    needed,
    influence,
    n_sources,
    min_sources,
    n_reached,
) -> str:
    if is_seed:
        return f"A paid seed: it adopted on day {adopt_time} when its campaign post went out."
    if rule in ("threshold", "fractional"):
        need = (
            f"influence >= {needed:.3f}"
            if rule == "threshold"
            else f"influence >= {needed:.3f} (threshold {threshold:.2f} x the trust it places "
            "in everyone it follows)"
        )
        got = (
            f"It has received influence {influence:.3f} from {n_sources} distinct "
            f"source{'s' if n_sources != 1 else ''}."
        )
        rule_text = (
            f"It adopts when {need} and at least {min_sources} distinct "
            f"source{'s' if min_sources != 1 else ''} have reached it."
        )
        if state == "adopted":
            return f"{rule_text} It did, on day {adopt_time}. {got}"
        if state == "unaware":
            return f"{rule_text} No post has reached it yet."
        missing = []
        if influence < needed - 1e-9 * abs(needed):
            missing.append(f"{needed - influence:.3f} more influence")
        if n_sources < min_sources:
            short = min_sources - n_sources
            missing.append(f"{short} more source{_plural(short)}")
        lacking = " and ".join(missing) or "nothing (it adopts at the next check)"
        return f"{rule_text} {got} Still missing: {lacking}."
    if rule == "cascade":
        text = (
            "Independent cascade: each first post from an account it follows converts it "
            "with probability trust x weight, one chance per account."
        )
        if state == "adopted":
            return f"{text} One did, on day {adopt_time}."
        return f"{text} {n_reached} account{_plural(n_reached)} reached it; none converted it."
    text = (
        "Bass: each day it adopts with probability p + q x (the trust-weighted share of the "
        "accounts it follows that have posted to it)."
    )
    done = f"It adopted on day {adopt_time}." if state == "adopted" else "Not yet."
    return f"{text} {done}"


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _in_edges(sim: Simulation, agent: int) -> np.ndarray:
    indptr, _, edge_ids = sim.network.reverse_index()
    return edge_ids[indptr[agent] : indptr[agent + 1]]


def _posted(sim: Simulation) -> np.ndarray:
    """bool (N,): has posted in this replication (the engine's view)."""
    return sim.posted


def _reached(sim: Simulation, agent: int, followees: np.ndarray) -> np.ndarray:
    """bool per followee: a post of it got through to ``agent`` (the engine's view)."""
    listed, reached = sim.reached(agent)
    if not np.array_equal(listed, followees):
        raise RuntimeError("followees out of the engine's order")
    return reached
