"""Validation: real retweet cascades (Twitter15) beside the engine's cascades on a real network.

Observed: the 1,321 Twitter15 retweet/reply trees in ``shared/data`` (Ma, Gao & Wong 2017, on
the Liu et al. 2015 tweet set). Per cascade: size (unique users, the source included), depth
(the longest shortest path, in hops, from the source user over the tree's user -> user edges),
time to the last event and time until half of the final users had appeared, and the share of
edges that attach directly to the source. Data quirks, handled here: 14,611 rows exactly repeat
an earlier row (dropped; they change no user, edge or time), 618 rows have a negative child
delay (clipped to 0 for timing: events logged before the source tweet).

Simulated: the engine's ``cascade`` rule (independent cascade) on wiki-Vote reversed (an edge
``i -> j`` means j voted on i, so what i posts reaches j; 7,115 accounts), with unit expertise
and interest, every tie ``p``, activity and attention 1 and ``active_steps = 1``: each adopter
posts once, the day after adopting, and each follower converts with probability ``p``. One seed
per cascade, every account with at least one follower in turn, several replications each.
Generation ``g >= 1`` of a cascade adopts on day ``g - 1`` (the seed and its converted followers
both adopt on day 0), so a cascade's depth is its last day with a new adopter plus one.

Run:  .venv/bin/python docs/validation/cascades.py            # full (about 15 s)
      .venv/bin/python docs/validation/cascades.py --quick    # smoke test, writes to a temp dir

Writes ``docs/figures/validation_real_cascades.png`` and ``docs/validation/cascades.md``. The
loaders, statistics and the engine driver live in ``sim.validation.cascades``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from report import add_output_options, output_paths, reflow  # docs/validation/report.py

from sim.validation.cascades import (
    MAIN_P,
    METRICS,
    MIN_OBSERVED,
    PROBABILITIES,
    STEPS,
    ccdf,
    epidemic_threshold,
    load_twitter15,
    observed_cascades,
    readme_statistics,
    simulated_tables,
    study_seeds,
    summary,
    wiki_vote,
)

HERE = Path(__file__).resolve().parent
FIGURE = HERE.parent / "figures" / "validation_real_cascades.png"
MARKDOWN = HERE / "cascades.md"


def _step_large(ax, simulated: dict, column: str, colours: dict) -> None:
    """CCDF of ``column`` over each p's simulated cascades of at least MIN_OBSERVED users."""
    for p, table in simulated.items():
        big = table[table["size"] >= MIN_OBSERVED]
        ax.step(
            *ccdf(big[column]),
            where="post",
            color=colours[p],
            label=f"engine p={p}, ≥{MIN_OBSERVED}",
        )


def plot(observed: pd.DataFrame, simulated: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(14, 4.3))
    colours = dict(zip(PROBABILITIES, ("#fdae61", "#d7191c", "#2c7bb6"), strict=True))
    ax = axes[0]
    ax.step(*ccdf(observed["size"]), where="post", color="k", lw=2, label="Twitter15 (1,321)")
    _step_large(ax, simulated, "size", colours)
    main = simulated[MAIN_P]
    ax.step(
        *ccdf(main["size"]),
        where="post",
        color=colours[MAIN_P],
        ls=":",
        label=f"engine p={MAIN_P}, all",
    )
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="cascade size (users)",
        ylabel="P(size ≥ x)",
        title="size",
    )
    ax.legend(fontsize=7)

    ax = axes[1]
    ax.step(*ccdf(observed["depth"]), where="post", color="k", lw=2, label="Twitter15")
    _step_large(ax, simulated, "depth", colours)
    ax.set(
        yscale="log", xlabel="depth (hops from the source)", ylabel="P(depth ≥ x)", title="depth"
    )
    ax.legend(fontsize=7)

    ax = axes[2]
    big = main[main["size"] >= MIN_OBSERVED]
    for column, style in (("time_half", "--"), ("time_last", "-")):
        label = "to half" if column == "time_half" else "to last event"
        ax.step(
            *ccdf(observed[column]),
            where="post",
            color="k",
            ls=style,
            lw=2,
            label=f"Twitter15, {label}",
        )
        ax.step(
            *ccdf(big[column]),
            where="post",
            color=colours[MAIN_P],
            ls=style,
            label=f"engine p={MAIN_P} ≥{MIN_OBSERVED}, {label}",
        )
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="days after the source post",
        ylabel="P(T ≥ x)",
        title="timing (engine: one step = one day)",
    )
    ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130)
    plt.close(fig)


def markdown(stats: dict, observed: pd.DataFrame, simulated: dict, info: dict) -> str:
    columns = [("Twitter15 (observed)", summary(observed))]
    for p, table in simulated.items():
        columns.append(
            (
                f"engine p = {p}, size ≥ {MIN_OBSERVED}",
                summary(table[table["size"] >= MIN_OBSERVED]),
            )
        )
    columns.append((f"engine p = {MAIN_P}, all", summary(simulated[MAIN_P])))
    header = "| statistic | " + " | ".join(name for name, _ in columns) + " |"
    rule = "|---" * (len(columns) + 1) + "|"
    lines = [header, rule, "| cascades | " + " | ".join(f"{s['n']:,}" for _, s in columns) + " |"]
    for column, label, fmt in METRICS:
        cells = []
        for _, s in columns:
            median, mean, p90 = s[column]
            cells.append(f"{fmt.format(median)} / {fmt.format(mean)} / {fmt.format(p90)}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    by_label = observed.groupby("label")["size"].median()
    shares = {p: float(np.mean(t["size"] >= MIN_OBSERVED)) for p, t in simulated.items()}
    obs_half_hours = observed["time_half"].median() * 24
    main = simulated[MAIN_P]
    big = main[main["size"] >= MIN_OBSERVED]
    p_high = max(simulated)
    return TEMPLATE.format(
        table="\n".join(lines),
        **stats,
        labels_text=", ".join(f"{v} {k}" for k, v in stats["labels"].items()),
        by_label=", ".join(f"{k} {v:.0f}" for k, v in by_label.items()),
        unreached=int((observed["size"] - observed["reached"]).sum()),
        half_hours=obs_half_hours,
        last_days=observed["time_last"].median(),
        share_main=shares[MAIN_P] * 100,
        sim_size=big["size"].median(),
        sim_all_size=main["size"].median(),
        sim_depth=big["depth"].median(),
        sim_direct=big["direct_share"].median(),
        obs_direct=observed["direct_share"].median(),
        max_main=int(main["size"].max()),
        max_high=int(simulated[p_high]["size"].max()),
        p_high=p_high,
        shares=", ".join(f"{s * 100:.0f}% at p = {p}" for p, s in shares.items()),
        **info,
    )


TEMPLATE = """\
### Real cascades: Twitter15 beside the engine

**Question.** Do the engine's cascades on a real network look like observed diffusion
cascades in size, depth and timing?

**Observed data.** Twitter15 (Ma, Gao & Wong 2017; tweets from Liu et al. 2015): the
retweet/reply trees of {cascades:,} source tweets ({labels_text}) in `shared/data/`. Loading the
files reproduces the data README: {rows:,} edge rows, of which {repeated_rows:,} exactly repeat
an earlier row and {negative_delays} have a negative child delay; size in unique users median
{size_median:.0f}, mean {size_mean:.0f}, p90 {size_p90:.0f}, min {size_min}, max {size_max:,}
(median by label: {by_label}); {source_share:.1%} of non-root edge rows attach to the source user;
median depth {depth_median_levels:.0f} levels counting the `ROOT` row (3 hops from the source
user); median time to the last event {time_last_median_min:,.0f} minutes
(`tests/test_validation_cascades.py` checks all of these). Handling of the quirks: repeated rows
are dropped (they add no user, edge or time); negative delays are clipped to 0 for timing; depth
is the largest breadth-first distance from the source user over the user -> user edges
(unreached users: {unreached}). Trees are star-like and fast: half the users have appeared after
a median of {half_hours:.1f} hours, the last after {last_days:.1f} days (max about five years).

**Simulated.** The engine's `cascade` rule (independent cascade) on **wiki-Vote reversed**
({n_nodes:,} accounts, {n_edges:,} edges; an edge i -> j means j voted on i, read as j
following i): unit expertise and interest, every tie p, activity and attention 1,
`active_steps: 1`, so each adopter shares once, the day after adopting, and each follower
converts with probability p. A cascade starts from one seed; every one of the {n_seeds:,}
accounts with at least one follower is a seed in turn, {reps} replications each, with its own
replication key ({n_sim:,} cascades per p). The probabilities bracket the network's epidemic
threshold (≈ 1 / the mean follower count of an account reached along an edge =
{threshold:.3f}). Twitter15 holds
only cascades of at least {min_obs} users (its selection), so the simulated cascades are shown
above that size too: {shares}. Depth comes from the day of adoption: the seed and the followers
it converts adopt on day 0 and generation g on day g − 1, so depth is the last day with a new
adopter plus one (checked against a breadth-first search on the cascade's own live edges in
the test).
Simulated times count one step as one day, to the end of the adoption day. {truncated}

Cells: median / mean / p90.

{table}

![Cascade size, depth and timing: Twitter15 and the engine](figures/validation_real_cascades.png)

**What matches.** *Size scale and selection*: conditioned on reaching the observed minimum,
the engine's cascades just above the threshold (p = {main_p}) have the observed order of
magnitude (median {sim_size:.0f} users against {size_median:.0f}), and as on Twitter most
cascades die at once: only {share_main:.0f}% of random seeds reach {min_obs} users at
p = {main_p}, and the median cascade over all seeds has {sim_all_size:.0f} users.

**What does not.** *Size distribution*: Twitter15's sizes spread smoothly over 56 to
{size_max:,} users; the engine's large cascades all have about the same size, the extent of the
giant out-component of the network percolated at p (largest {max_main:,} users at p = {main_p},
{max_high:,} at p = {p_high}), so the simulated distribution is bimodal (tiny, or "giant") and
narrow above the cut; its median is set by p, so the match at p = {main_p} is a choice of p,
not a prediction.
*Shape*: the observed trees are stars ({source_share:.0%} of edges attach to the source, a
median {obs_direct:.0%} per cascade; median depth 3 hops), while the engine's large cascades are
long chains (median depth {sim_depth:.0f} hops; a median {sim_direct:.0%} of their adopters are
the seed's direct followers). The reason is the network, not the rule: a star needs a source whose
own followers supply most of the cascade in one generation
(Goel, Anderson, Hofman & Watts 2016 find a Twitter cascade's size driven mostly by its largest
broadcast),
whereas wiki-Vote's best-followed account has {max_followers} followers, so a cascade of hundreds
needs many generations. The observed trees are also partly reconstructed ({parent_tweet:.0%} of
non-root rows name the source tweet as the parent tweet; the user-level parent was inferred by
the dataset's authors), which probably makes them look more star-like still. *Timing*: the engine's
clock is the generation count, so a simulated cascade's time to the last event is its depth in
days (the two rows agree by construction) and time to half is about half of it; observed
cascades are bursty, half of the users within {half_hours:.1f} hours (median) and then a tail of
stragglers over days to years. With `active_steps: 1` and activity 1 the engine has no
response-time distribution at all, and activity below 1 gives only geometric (light-tailed)
delays: heavy-tailed human response times are **not an engine feature**, so the simulated time
axis should not be read as calendar days.

**Verdict.** The engine's independent cascade near threshold on a real network reproduces the
*scale* of Twitter15's cascade sizes and the "most cascades die, a few reach hundreds" pattern,
but not the spread of sizes, the broadcast (star) structure or the timing: those need a network
with large hubs (a real follower graph; wiki-Vote is a small voting network) and a heavy-tailed
delay between exposure and sharing. The Twitter15 user graph (443k users joined from the same
trees) was not used as the network: simulating on the union of the observed trees would be
circular.

*References.* J. Ma, W. Gao, K.-F. Wong, "Detect rumors in microblog posts using propagation
structure via kernel learning", ACL 2017. X. Liu, A. Nourbakhsh, Q. Li, R. Fang, S. Shah,
"Real-time rumor debunking on Twitter", CIKM 2015. J. Leskovec, D. Huttenlocher, J. Kleinberg,
"Signed networks in social media", CHI 2010 (wiki-Vote). S. Goel, A. Anderson, J. Hofman,
D. J. Watts, "The structural virality of online diffusion", Management Science 62(1), 2016.
D. Kempe, J. Kleinberg, É. Tardos, "Maximizing the spread of influence through a social
network", KDD 2003 (independent cascade).

*Run time:* {elapsed:.0f} s (`python docs/validation/cascades.py`).
"""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_output_options(parser)
    args = parser.parse_args(argv)
    figure, text_file = output_paths(args, FIGURE, MARKDOWN)
    start = time.perf_counter()
    cascades, edges = load_twitter15()
    stats = readme_statistics(cascades, edges)
    print({k: v for k, v in stats.items()})
    observed = observed_cascades(cascades, edges)
    print(observed.describe().to_string())

    network = wiki_vote()
    seeds, reps = study_seeds(network, args.quick)
    t0 = time.perf_counter()
    simulated, truncated = simulated_tables(network, seeds, reps)
    print(
        f"{len(PROBABILITIES)} x {len(seeds) * reps:,} cascades in {time.perf_counter() - t0:.1f} s"
    )
    for p, table in simulated.items():
        big = table[table["size"] >= MIN_OBSERVED]
        print(
            f"p = {p}: {len(big) / len(table):.1%} reach {MIN_OBSERVED}; median size of those "
            f"{big['size'].median():.0f}, depth {big['depth'].median():.0f}"
        )
    plot(observed, simulated, figure)
    info = {
        "n_nodes": network.n_nodes,
        "n_edges": network.n_edges,
        "n_seeds": len(seeds),
        "reps": reps,
        "n_sim": len(seeds) * reps,
        "threshold": epidemic_threshold(network),
        "min_obs": MIN_OBSERVED,
        "max_followers": int(network.followers.max()),
        "parent_tweet": float(
            (edges.loc[edges["parent_uid"] != "ROOT", "parent_tweet"] == "=").mean()
        ),
        "main_p": MAIN_P,
        "truncated": "No simulated cascade was still growing on the last day."
        if truncated == 0
        else f"{truncated} simulated cascades were still growing on day {STEPS - 1}.",
        "elapsed": time.perf_counter() - start,
    }
    text_file.write_text(reflow(markdown(stats, observed, simulated, info)))
    print(f"wrote {figure} and {text_file} in {info['elapsed']:.0f} s")


if __name__ == "__main__":
    main()
