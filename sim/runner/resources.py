"""The resource guard: estimate what a scenario will allocate, and refuse what cannot fit.

Estimates come from the scenario alone, before anything is built, so ``validate`` can answer too
and a ``n: 10**9`` or ``steps: 10**12`` is refused in one line instead of being killed by the
operating system. The figures are deliberately generous upper estimates of the peak:

- the network while it is built (int64 edge keys, sort buffers, the CSR) and kept (CSR, ties);
- the population (expertise and interest per topic, thresholds, activity, attention);
- the kernel state, one per thread (per agent and per edge records, the per-step counters);
- the result tables that ``run`` and ``compare`` keep in memory (one row per strategy,
  replication and day, about 14 columns), with pandas' working copies.

Edges of a generated network follow from its parameters; a file network's from the file size
(a line of an edge list holds at least 4 bytes).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sim.config.schema import FileNetwork, GeneratedNetwork, Scenario
from sim.errors import InputError

BUILD_BYTES_PER_EDGE = 48
"""Peak bytes per edge while a network is generated or loaded (keys, sorts, CSR, ties)."""
STATE_BYTES_PER_EDGE = 9 + 8
"""Kernel state per edge (tie, tie time, seen flag) plus the CSR it reads (indices, ties)."""
STATE_BYTES_PER_AGENT = 144
"""Kernel state and inputs per agent (the 32-byte record, flags, work lists, agent arrays,
adoption hours, parent, posting-window links)."""
HISTORY_BYTES_PER_EDGE = 12
"""A tie history: appear and expire steps, age."""
ROW_BYTES = 14 * 8 * 3
"""One row of the per-day results table: 14 eight-byte columns, with pandas' working copies."""


@dataclass(frozen=True)
class Estimate:
    """Bytes a scenario is expected to need at its peak, by part."""

    agents: int
    edges: int
    network: int
    population: int
    state: int
    results: int

    @property
    def total(self) -> int:
        return self.network + self.population + self.state + self.results

    def describe(self) -> str:
        parts = [
            ("network", self.network),
            ("population", self.population),
            ("kernel state", self.state),
            ("result tables", self.results),
        ]
        listed = ", ".join(f"{name} {format_bytes(size)}" for name, size in parts if size)
        return (
            f"about {format_bytes(self.total)} ({self.agents:,} agents, ~{self.edges:,} edges: "
            f"{listed})"
        )


def estimate(scenario: Scenario, *, threads: int = 1, replications: int | None = None) -> Estimate:
    """Upper estimate of the memory a ``compare`` or ``run`` of ``scenario`` needs."""
    return estimate_parts(
        scenario.network,
        topics=len(scenario.population.topics),
        strategies=scenario.strategies,
        steps=scenario.steps,
        replications=scenario.replications if replications is None else replications,
        threads=threads,
    )


def estimate_parts(
    network: GeneratedNetwork | FileNetwork,
    *,
    topics: int,
    strategies,
    steps: int,
    replications: int,
    threads: int = 1,
) -> Estimate:
    """:func:`estimate` from a scenario's parts (a network spec, the strategies, ...)."""
    agents, edges = network_size(network)
    if any(s.select == "brand" for s in strategies):
        edges += agents  # the brand account's bought audience, at most everyone
    network_bytes = edges * BUILD_BYTES_PER_EDGE + agents * 16
    if any(
        getattr(network, key, None) is not None for key in ("tie_age", "churn", "time", "until")
    ):
        network_bytes += edges * HISTORY_BYTES_PER_EDGE
    population = agents * (8 * topics + 24)
    per_state = edges * STATE_BYTES_PER_EDGE + agents * STATE_BYTES_PER_AGENT + steps * 48
    state = per_state * max(1, threads)
    results = len(strategies) * replications * steps * ROW_BYTES
    return Estimate(agents, edges, network_bytes, population, state, results)


def network_size(spec: GeneratedNetwork | FileNetwork) -> tuple[int, int]:
    """``(agents, edges)`` a network spec will have (upper estimates for files)."""
    if isinstance(spec, FileNetwork):
        size = spec.file.stat().st_size if spec.file.is_file() else 0
        if spec.file.name.lower().endswith(".gz"):
            size *= 8  # edge lists compress about 4-6 fold
        edges = size // 4 * (2 if spec.undirected else 1)
        return max(edges, 1), max(edges, 1)
    n = spec.n
    match spec.generator:
        case "erdos_renyi":  # binomial: the mean plus six standard deviations
            mean = n * spec.mean_degree * (1 if spec.directed else 2)
            edges = mean + 6 * mean**0.5 + 10
        case "watts_strogatz":
            edges = n * spec.k
        case "barabasi_albert":
            edges = 2 * spec.m * n
        case "complete":
            edges = n * (n - 1)
        case "well_mixed":  # implicit: everyone follows everyone, nothing stored per pair
            edges = 0
        case _:  # follower_graph: mean_following is edges per agent (reciprocity included)
            edges = n * (spec.mean_following or 20.0) * 1.1
    return n, int(edges)


def available_memory() -> int | None:
    """Bytes the system can still give this process (MemAvailable), None when unknown."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check(scenario: Scenario, *, limit: int | None = None, threads: int = 1) -> Estimate:
    """Refuse, in one line with the estimate, a scenario that would not fit in ``limit`` bytes
    (default: the memory available now); return the estimate otherwise."""
    found = estimate(scenario, threads=threads)
    refuse_over(found, limit, where=str(scenario._source[0] or "scenario"))
    return found


def refuse_over(found: Estimate, limit: int | None, where: str = "scenario") -> None:
    """Raise :class:`InputError` when ``found`` exceeds ``limit`` (default: memory available)."""
    ceiling = available_memory() if limit is None else limit
    if ceiling is not None and found.total > ceiling:
        source = "the --max-memory limit" if limit is not None else "the memory available now"
        raise InputError(
            f"{where}: would need {found.describe()}, more than {source} "
            f"({format_bytes(ceiling)}); reduce n, steps, replications or strategies"
        )


def parse_bytes(text: str) -> int:
    """``"8G"``, ``"512M"``, ``"2.5GiB"`` or a plain byte count, as bytes."""
    units = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
    cleaned = text.strip().upper().removesuffix("IB").removesuffix("B")
    number, unit = cleaned, ""
    if cleaned and cleaned[-1] in units:
        number, unit = cleaned[:-1], cleaned[-1]
    try:
        value = float(number)
    except ValueError:
        raise InputError(f"--max-memory: expected a size like 8G or 512M, got {text!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise InputError(f"--max-memory: must be a positive size, got {text!r}")
    return int(value * units[unit])


def format_bytes(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if size < 1024 or unit == "PiB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} PiB"
