"""Real retweet cascades (Twitter15) and the engine's cascades on a real network (wiki-Vote):
loading the trees, their per-cascade statistics, the statistics the data README states, and the
driver that runs the ``cascade`` rule from single seeds with the same statistics.

Observed, per Twitter15 cascade: size (unique users, source included), depth (largest BFS
distance in hops from the source user over the tree's user -> user edges), time to the last
event and to half the final users, and the share of edges attached to the source. Exactly
repeated rows are dropped and negative delays clipped to 0 for timing. Simulated: generation
g >= 1 adopts on day g - 1, so a cascade's depth is its last day with a new adopter plus one.

References: J. Ma, W. Gao & K.-F. Wong (2017), ACL (Twitter15 trees); X. Liu et al. (2015),
CIKM (tweets); J. Leskovec, D. Huttenlocher & J. Kleinberg (2010), CHI (wiki-Vote); D. Kempe,
J. Kleinberg & É. Tardos (2003), KDD (independent cascade).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict, deque
from pathlib import Path

import numpy as np
import pandas as pd

from sim.kernels.diffusion import NEW_ADOPTERS
from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
from sim.network import Network
from sim.network.io import load_edgelist
from sim.validation import DATA

SEED = 2015
STEPS = 80
PROBABILITIES = (0.02, 0.03, 0.05)
MAIN_P = 0.03
MIN_OBSERVED = 56
"""The smallest Twitter15 cascade: simulated cascades are also shown above this size."""
MINUTES_PER_DAY = 1440.0
EDGE_DTYPES = {"parent_uid": str, "parent_tweet": str, "child_uid": str, "child_tweet": str}


# ---------------------------------------------------------------------------- observed
def load_twitter15(data: Path = DATA) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cascade table and every edge row of both parts, in file order (nothing dropped)."""
    cascades = pd.read_csv(
        data / "twitter15_cascades.tsv", sep="\t", dtype={"source_tweet_id": str}
    )
    parts = [
        pd.read_csv(data / f"twitter15_edges_part{k}.tsv.gz", sep="\t", dtype=EDGE_DTYPES)
        for k in (1, 2)
    ]
    return cascades, pd.concat(parts, ignore_index=True)


def source_users(edges: pd.DataFrame) -> pd.Series:
    """The source user of each cascade (the child of its ``ROOT`` row)."""
    roots = edges[edges["parent_uid"] == "ROOT"]
    return roots.set_index("cascade")["child_uid"]


def source_share(edges: pd.DataFrame) -> float:
    """Share of non-root edge rows whose parent is the cascade's source user."""
    rest = edges[edges["parent_uid"] != "ROOT"]
    sources = source_users(edges).reindex(rest["cascade"]).to_numpy()
    return float(np.mean(rest["parent_uid"].to_numpy() == sources))


def _depth(parents: np.ndarray, children: np.ndarray, source: str) -> tuple[int, int]:
    """Largest BFS distance from ``source`` over parent -> child user edges, users reached."""
    followers = defaultdict(list)
    for parent, child in zip(parents, children, strict=True):
        followers[parent].append(child)
    distance = {source: 0}
    queue = deque([source])
    while queue:
        user = queue.popleft()
        for child in followers[user]:
            if child not in distance:
                distance[child] = distance[user] + 1
                queue.append(child)
    return max(distance.values()), len(distance)


def _time_to_half(times: np.ndarray) -> float:
    """Time by which half of the users (rounded up) had appeared."""
    ordered = np.sort(times)
    return float(ordered[(ordered.size + 1) // 2 - 1])


def observed_cascades(cascades: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """One row per Twitter15 cascade: label, size, depth, timing (days), direct share.

    Exact repeated rows are dropped first; negative delays are clipped to 0 for timing."""
    clean = edges.drop_duplicates()
    sources = source_users(clean)
    delay = clean["child_delay_min"].clip(lower=0.0)
    first_seen = delay.groupby([clean["cascade"], clean["child_uid"]]).min()
    rows = []
    rest = clean[clean["parent_uid"] != "ROOT"]
    for cascade, group in rest.groupby("cascade", sort=True):
        source = sources.loc[cascade]
        times = first_seen.loc[cascade].to_numpy()
        depth, reached = _depth(
            group["parent_uid"].to_numpy(), group["child_uid"].to_numpy(), source
        )
        rows.append(
            {
                "cascade": cascade,
                "size": times.size,
                "depth": depth,
                "reached": reached,
                "time_last": times.max() / MINUTES_PER_DAY,
                "time_half": _time_to_half(times) / MINUTES_PER_DAY,
                "direct_share": float(np.mean(group["parent_uid"].to_numpy() == source)),
            }
        )
    table = pd.DataFrame(rows)
    return table.merge(cascades[["cascade", "label"]], on="cascade", how="left")


def readme_statistics(cascades: pd.DataFrame, edges: pd.DataFrame) -> dict:
    """The statistics ``shared/data/README.md`` states, recomputed from the files."""
    sizes = edges.groupby("cascade")["child_uid"].nunique()
    last = edges.groupby("cascade")["child_delay_min"].max()
    observed = observed_cascades(cascades, edges)
    return {
        "cascades": len(cascades),
        "labels": cascades["label"].value_counts().to_dict(),
        "rows": len(edges),
        "repeated_rows": int(edges.duplicated().sum()),
        "negative_delays": int((edges["child_delay_min"] < 0).sum()),
        "size_median": float(sizes.median()),
        "size_mean": float(sizes.mean()),
        "size_p90": float(sizes.quantile(0.9)),
        "size_min": int(sizes.min()),
        "size_max": int(sizes.max()),
        "source_share": source_share(edges),
        # the README counts levels from the ROOT row, one more than hops from the source
        "depth_median_levels": float((observed["depth"] + 1).median()),
        "time_last_median_min": float(last.median()),
    }


# ---------------------------------------------------------------------------- simulated
def wiki_vote(data: Path = DATA) -> Network:
    """wiki-Vote with edges reversed: i -> j when j voted on i (j "follows" i)."""
    return load_edgelist(data / "wiki-Vote.txt", reverse=True, name="wiki-Vote reversed")


def independent_cascade(network: Network, p: float) -> tuple[Network, Params]:
    """The engine's independent cascade with probability ``p`` on every edge."""
    ties = np.full(network.n_edges, p, dtype=np.float32)
    return dataclasses.replace(network, ties=ties), Params(rule="cascade", active_steps=1)


def simulate(network: Network, p: float, seeds: np.ndarray, replications: int, key_seed: int):
    """New adopters per day (cascades, STEPS), one row per (seed account, replication).

    Each (seed, replication) pair gets its own replication key, so no two cascades share
    their random draws."""
    graph, dynamics = independent_cascade(network, p)
    agents = textbook_agents(network.n_nodes)
    keys = replication_keys(key_seed, len(seeds) * replications)
    out = np.zeros((len(seeds) * replications, STEPS), dtype=np.int64)
    for k, seed in enumerate(seeds):
        simulation = Simulation(graph, agents, dynamics, SeedSchedule.build([seed]), STEPS)
        chunk = slice(k * replications, (k + 1) * replications)
        raw = simulation.run(keys[chunk], threads=1)
        out[chunk] = raw.step_stats[:, :, NEW_ADOPTERS]
    return out


def simulated_cascades(new_adopters: np.ndarray) -> pd.DataFrame:
    """Size, depth, timing (days) and the first generation's share, per simulated cascade.

    Times are counted to the end of the adoption day (day index + 1): the seed posts at the
    start of day 0 and an adoption on day d happens within d + 1 days of it."""
    size = new_adopters.sum(axis=1)
    active = new_adopters > 0
    last = np.where(size > 1, new_adopters.shape[1] - 1 - np.argmax(active[:, ::-1], axis=1), 0)
    cumulative = np.cumsum(new_adopters, axis=1)
    half = np.argmax(cumulative >= ((size + 1) // 2)[:, None], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        direct = np.where(size > 1, (new_adopters[:, 0] - 1) / (size - 1), np.nan)
    return pd.DataFrame(
        {
            "size": size,
            "depth": np.where(size > 1, last + 1, 0),
            "last_day": last,
            "time_last": last + 1.0,
            "time_half": half + 1.0,
            "direct_share": direct,
        }
    )


# ---------------------------------------------------------------------------- summaries
METRICS = (
    ("size", "size (unique users)", "{:,.0f}"),
    ("depth", "depth (hops from the source)", "{:.1f}"),
    ("time_last", "time to last event (days)", "{:.1f}"),
    ("time_half", "time to half of final size (days)", "{:.2f}"),
    ("direct_share", "share of adopters attached to the source", "{:.2f}"),
)
"""(column, label, format) of the statistics compared between observed and simulated."""


def summary(table: pd.DataFrame) -> dict:
    """``n`` and (median, mean, p90) of every column of :data:`METRICS` (NaNs skipped)."""
    out = {"n": len(table)}
    for column, _, _ in METRICS:
        values = table[column].dropna().to_numpy(dtype=np.float64)
        out[column] = (np.median(values), values.mean(), np.quantile(values, 0.9))
    return out


def ccdf(values: np.ndarray):
    """x and P(X >= x) for the sorted distinct values."""
    values = np.sort(np.asarray(values, dtype=np.float64))
    x, first = np.unique(values, return_index=True)
    return x, 1.0 - first / values.size


# ---------------------------------------------------------------------------- study
def study_seeds(network: Network, quick: bool) -> tuple[np.ndarray, int]:
    """The seed accounts (every account with a follower; ``quick``: 300 of them, drawn with
    ``SEED``) and the replications per seed (8; ``quick``: 2)."""
    seeds = np.flatnonzero(network.followers > 0)
    if quick:
        return np.random.default_rng(SEED).choice(seeds, 300, replace=False), 2
    return seeds, 8


def epidemic_threshold(network: Network) -> float:
    """1 / mean follower count of an account reached along an edge (the IC threshold in p)."""
    _, dst = network.edges()
    return float(1.0 / network.followers[dst].mean())


def simulated_tables(
    network: Network, seeds: np.ndarray, reps: int, probabilities=PROBABILITIES
) -> tuple[dict[float, pd.DataFrame], int]:
    """:func:`simulated_cascades` for each p (key seed ``SEED + index``), and how many
    cascades were still growing on the last day."""
    simulated, truncated = {}, 0
    for k, p in enumerate(probabilities):
        table = simulated_cascades(simulate(network, p, seeds, reps, SEED + k))
        simulated[p] = table
        truncated += int((table["last_day"] >= STEPS - 1).sum())
    return simulated, truncated
