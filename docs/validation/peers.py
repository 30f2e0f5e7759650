"""Validation against peers (CyNetDiff, ndlib) and Kempe, Kleinberg & Tardos (2003) seeding.

Two studies, one script; it writes ``docs/figures/validation_peers.png``,
``docs/figures/validation_seeding.png`` and ``docs/validation/peers.md`` (included into
``docs/validation.md``, so figure links are relative to ``docs/``).

1. **Cross-check against CyNetDiff and ndlib.** On the same graphs, seed sets and p:

   - independent cascade (IC): our ``cascade`` rule with every tie = p and textbook agents
     against CyNetDiff's ``IndependentCascadeModel`` and ndlib's ``IndependentCascadesModel``;
     final sizes (seeds included) compared with two-sample Kolmogorov–Smirnov tests;
   - Watts / linear threshold with uniform weights: our ``fractional`` rule with threshold phi
     against ndlib's ``ThresholdModel`` (per-node ``threshold``; a node adopts when the share
     of its in-neighbours, the accounts it follows, that have adopted is >= phi, updated
     synchronously, as ours). With fixed seeds and thresholds the outcome is deterministic, so
     the adopted *sets* must be identical, seed set by seed set (random seed sets give the
     distribution). CyNetDiff's ``LinearThresholdModel`` (weights 1/in-degree, float32) is run
     with the same thresholds through its testing hook ``_assign_thresholds``.
   - linear threshold with random thresholds U(0, 1] per node and run (Kempe et al.'s LT):
     ours and ndlib on the same threshold draws (identical sets expected again) and CyNetDiff
     drawing its own thresholds (KS test).

   Edge direction is checked, not assumed: CyNetDiff's CSR must equal ours, the networkx copy
   handed to ndlib must have our in- and out-degrees, and ndlib's every edge/node parameter must
   be set (ndlib silently falls back to defaults: IC threshold 1/out-degree, node threshold 0.1).

2. **Kempe, Kleinberg & Tardos (2003): who to seed.** IC on email-Eu-core (edge = "sent email
   to", so followers = out-degree): expected spread for k = 1..20 seeds chosen at random, by
   most followers (top degree), and by greedy hill-climbing (CELF lazy evaluation) on our
   engine's Monte-Carlo estimates with common random numbers: every candidate set is scored on
   the same replication keys, so each key is one live-edge graph and the sample-average spread
   is monotone and submodular, which makes CELF's lazy evaluation exact. The greedy sets are
   chosen on one set of keys and evaluated, with every strategy, on an independent one.

Run:  .venv/bin/python docs/validation/peers.py            # full, about 3 minutes on 2 cores
      .venv/bin/python docs/validation/peers.py --quick    # smoke test, under a minute

``--quick`` writes into a temporary directory and ``--out DIR`` into ``DIR`` and
``DIR/figures``. The drivers live in ``sim.validation.peers`` and ``sim.validation.seeding``
(CELF: ``sim.optimize.celf``); this script runs them, plots and writes the markdown.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from report import add_output_options, output_paths  # noqa: E402  docs/validation/report.py

from sim.validation.peers import (  # noqa: E402
    ALPHA,
    EMAIL_NAME,
    FG_NAME,
    Settings,
    fmt_mean,
    ic_cross_check,
    load_graphs,
    lt_fixed_check,
    lt_random_check,
    mean_se,
    random_seeds,
    to_networkx_checked,
)
from sim.validation.seeding import (  # noqa: E402
    K_MAX,
    SEEDING_PROBS,
    SeedingSettings,
    seeding_study,
)

FIGURES = ROOT / "docs" / "figures"
REPORT = ROOT / "docs" / "validation" / "peers.md"


def ecdf(ax, values, **style) -> None:
    x = np.sort(np.asarray(values))
    ax.step(x, np.arange(1, x.size + 1) / x.size, where="post", **style)


def plot_peers(ic_rows, fixed_rows, random_rows, path: Path) -> None:
    shown = [r for r in ic_rows if r["seeds"] == "random 5"]
    fig, axes = plt.subplots(2, 4, figsize=(16, 7.5))
    axes = axes.ravel()
    styles = {
        "ours": {"color": "C0", "lw": 2.2, "label": "ours"},
        "cynetdiff": {"color": "C1", "lw": 1.4, "ls": "--", "label": "CyNetDiff"},
        "ndlib": {"color": "C2", "lw": 1.4, "ls": ":", "label": "ndlib"},
    }
    for ax, row in zip(axes, shown, strict=False):
        for engine, style in styles.items():
            ecdf(ax, row[engine], **style)
        ax.set_xscale("log")
        ax.set_title(
            f"IC, {row['graph']}, p = {row['p']:g}\nKS p: vs CyNetDiff {row['ks_cy'][1]:.2f}, "
            f"vs ndlib {row['ks_nd'][1]:.2f}",
            fontsize=9,
        )
        ax.set_xlabel("final size (seeds included)")
        ax.set_ylabel("share of runs ≤ size")
        ax.legend(fontsize=8, loc="lower right")
    for ax, row in zip(axes[len(shown) :], random_rows, strict=False):
        ecdf(ax, row["ours"], **styles["ours"])
        ecdf(ax, row["cynetdiff"], **styles["cynetdiff"])
        ax.set_xscale("log")
        ax.set_title(
            f"LT, thresholds U(0,1], {row['graph']}\nKS p vs CyNetDiff {row['ks_cy'][1]:.2f}; "
            f"ndlib identical {row['same_nd']}/{row['runs']}",
            fontsize=9,
        )
        ax.set_xlabel("final size (seeds included)")
        ax.legend(fontsize=8, loc="lower right")
    ax = axes[len(shown) + len(random_rows)]
    for row, marker in zip(fixed_rows, "os", strict=False):
        ax.scatter(
            row["sizes"],
            row["cy_sizes"],
            s=14,
            marker=marker,
            alpha=0.6,
            label=f"{row['graph']}, φ = {row['phi']:g}, {row['k']} random seeds",
        )
    top = max(max(r["sizes"].max(), r["cy_sizes"].max()) for r in fixed_rows)
    ax.plot([1, top], [1, top], color="grey", lw=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("ours: final size")
    ax.set_ylabel("ndlib = CyNetDiff: final size")
    same = ", ".join(f"{r['same_nd']}/{r['sets']}" for r in fixed_rows)
    ax.set_title(
        f"Watts threshold, fixed φ: one point per seed set\nsame set as ndlib: {same}", fontsize=9
    )
    ax.legend(fontsize=7, loc="upper left")
    for ax in axes[len(shown) + len(random_rows) + 1 :]:
        ax.axis("off")
    fig.suptitle("Final-size distributions: our engine against CyNetDiff and ndlib", fontsize=12)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_seeding(results, path: Path) -> None:
    fig, axes = plt.subplots(1, len(results), figsize=(6 * len(results), 4.3))
    for ax, res in zip(np.atleast_1d(axes), results, strict=True):
        for name, runs, color, marker in (
            ("greedy (CELF, CRN)", res["greedy"], "C3", "^"),
            ("top degree (most followers)", res["top"], "C0", "o"),
            ("random", res["random"], "C7", "s"),
        ):
            ks_ = np.arange(1, len(runs) + 1)
            means, ses = np.array([mean_se(r) for r in runs]).T
            ax.errorbar(
                ks_,
                means,
                yerr=1.96 * ses,
                color=color,
                marker=marker,
                ms=4,
                capsize=2,
                lw=1.4,
                label=name,
            )
        ax.set_title(f"IC on email-Eu-core, p = {res['p']:g}", fontsize=10)
        ax.set_xlabel("seeds k")
        ax.set_ylabel("expected final size (± 1.96 SE)")
        ax.set_xticks([1, 5, 10, 15, 20])
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Who to seed (Kempe, Kleinberg & Tardos 2003): expected spread by strategy")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------------------------- report
def z_score(a, b) -> float:
    """|difference of means| in combined standard errors."""
    (mean_a, se_a), (mean_b, se_b) = mean_se(a), mean_se(b)
    return abs(mean_a - mean_b) / np.hypot(se_a, se_b)


def k_list(ks_) -> str:
    """[1, 2, 3, 5, 7, 8] -> "1–3, 5, 7–8"."""
    if not ks_:
        return "none"
    runs, start = [], ks_[0]
    for previous, k in zip(ks_, [*ks_[1:], None], strict=True):
        if k is None or k != previous + 1:
            runs.append(f"{start}–{previous}" if previous > start else f"{start}")
            start = k
    return ", ".join(runs)


def ks_cell(stat_p) -> str:
    statistic, pvalue = stat_p
    flag = "" if pvalue >= ALPHA else " **reject**"
    return f"{statistic:.3f} / {pvalue:.2f}{flag}"


def write_report(graphs, ic_rows, fixed_rows, random_rows, seeding, args, seconds) -> str:
    fg, email = graphs[FG_NAME], graphs[EMAIL_NAME]
    n_tests = 2 * len(ic_rows) + len(random_rows)
    rejected = sum(r["ks_cy"][1] < ALPHA for r in ic_rows + random_rows) + sum(
        r["ks_nd"][1] < ALPHA for r in ic_rows
    )
    lines = [
        "### Cross-check against CyNetDiff and ndlib",
        "",
        "Does the engine compute the textbook models the way independent implementations do? On "
        "the same graph, seed set and parameters we compare the distribution of final sizes "
        "(seeds included) of our engine with CyNetDiff 0.1.18 (C++/Cython) and ndlib 6.0.1 "
        "(pure Python). Script: `docs/validation/peers.py`"
        + (" (**quick mode**: small samples)." if args.quick else "."),
        "",
        f"- **Graphs.** `{FG_NAME}`: `follower_graph(2000, mean_following=10, "
        f"rng=default_rng(1))`, {fg.n_nodes:,} nodes, {fg.n_edges:,} edges, max followers "
        f"{fg.followers.max()}; `{EMAIL_NAME}` (SNAP, edge = sent email to; self-loops "
        f"dropped), {email.n_nodes:,} nodes, {email.n_edges:,} edges, max followers "
        f"{email.followers.max()}. Both are handed to the peers as the same `networkx.DiGraph`; "
        "CyNetDiff's CSR is checked equal to ours and the copy's in/out-degrees to ours, so "
        "an edge i → j means j follows i (i can activate j) everywhere.",
        "- **Independent cascade.** Ours: `cascade` rule, every tie = p, textbook agents "
        f"(unit trust, activity and attention), {args.runs:,} runs; CyNetDiff "
        f"`IndependentCascadeModel` (`networkx_to_ic_model(graph, activation_prob=p)`), "
        f"{args.runs:,} runs; ndlib `IndependentCascadesModel` with the edge parameter "
        f"`threshold` = p set on **every** edge (checked: ndlib silently uses 1/out-degree for "
        f"edges left out), {args.ndlib_runs:,} runs. Seed sets: 5 random accounts, fixed "
        f"({random_seeds(fg, 5, 2).tolist()} on the follower graph, "
        f"{random_seeds(email, 5, 2).tolist()} on email-Eu-core), and the 5 with the most "
        "followers.",
        "- **Watts / linear threshold, fixed φ.** Ours: `fractional` rule, "
        "`textbook_agents(n, threshold=φ)`: adopt when the share of the accounts one follows "
        "that have adopted is ≥ φ. ndlib `ThresholdModel` computes the same share over "
        "*predecessors* on a DiGraph (= accounts followed), synchronously, with `threshold` = "
        "φ set on every node (its default is 0.1). CyNetDiff `LinearThresholdModel` (weights "
        "1/in-degree, float32) gets the same thresholds through its testing hook "
        f"`_assign_thresholds`. With fixed seeds the outcome is deterministic, so we compare "
        f"the adopted **sets** exactly, for {args.seed_sets} random seed sets per case (which "
        "gives the distribution over seed sets).",
        "- **Linear threshold, random thresholds** (Kempe et al.'s LT: thresholds U(0, 1] per "
        f"node and run, weights 1/in-degree), 5 random seeds: ours on {args.runs:,} threshold "
        f"draws, the first {args.lt_runs} of which also go through ndlib (sets compared "
        f"exactly); CyNetDiff on {args.runs:,} draws of its own (KS test).",
        f"- **Test.** Two-sample Kolmogorov–Smirnov (`scipy.stats.ks_2samp`), α = {ALPHA} per "
        f"test ({n_tests} tests; Bonferroni level {ALPHA / n_tests:.1e}). Final sizes are "
        "discrete, which makes the KS p-values conservative.",
        "",
        "![Final-size distributions: ours, CyNetDiff and ndlib](figures/validation_peers.png)",
        "",
        "Independent cascade: mean final size ± SE, and KS statistic D / p-value.",
        "",
        "| graph | p | seeds | ours | CyNetDiff | ndlib | D / p ours vs CyNetDiff "
        "| D / p ours vs ndlib | D / p CyNetDiff vs ndlib |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in ic_rows:
        lines.append(
            f"| {r['graph']} | {r['p']:g} | {r['seeds']} | {fmt_mean(r['ours'])} | "
            f"{fmt_mean(r['cynetdiff'])} | {fmt_mean(r['ndlib'])} | {ks_cell(r['ks_cy'])} | "
            f"{ks_cell(r['ks_nd'])} | {ks_cell(r['ks_cy_nd'])} |"
        )
    lines += [
        "",
        "Threshold models: identical adopted sets (ours = peer), mean final size ± SE over seed "
        "sets or runs.",
        "",
        "| model | graph | seeds | cases | same set as ndlib | same set as CyNetDiff "
        "| ours | global cascades | D / p ours vs CyNetDiff |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in fixed_rows:
        lines.append(
            f"| Watts, φ = {r['phi']:g} | {r['graph']} | {r['k']} random, new set per case | "
            f"{r['sets']} seed sets | {r['same_nd']}/{r['sets']} | {r['same_cy']}/{r['sets']} | "
            f"{fmt_mean(r['sizes'])} | {r['global']:.0%} | (deterministic) |"
        )
    for r in random_rows:
        lines.append(
            f"| LT, U(0, 1] | {r['graph']} | {r['seeds']} (fixed) | {len(r['ours']):,} draws "
            f"({r['runs']} through ndlib) | "
            f"{r['same_nd']}/{r['runs']} | (own draws) | {fmt_mean(r['ours'])} "
            f"(CyNetDiff {fmt_mean(r['cynetdiff'])}) | | {ks_cell(r['ks_cy'])} |"
        )
    ic_worst = min(min(r["ks_cy"][1], r["ks_nd"][1]) for r in ic_rows)
    worst_z = max(
        z_score(r["ours"], r[peer])
        for r in ic_rows + random_rows
        for peer in ("cynetdiff", "ndlib")
        if peer in r
    )
    all_same = all(r["same_nd"] == r["sets"] for r in fixed_rows) and all(
        r["same_nd"] == r["runs"] for r in random_rows
    )
    lines += [
        "",
        f"**Result.** {rejected} of {n_tests} KS tests reject at α = {ALPHA} (smallest IC "
        f"p-value {ic_worst:.3f}). "
        + (
            "Every threshold-model case gave exactly the same adopted set in our engine and in "
            "ndlib"
            if all_same
            else "**Some threshold-model cases differ from ndlib** (see the table)"
        )
        + ", and CyNetDiff agrees set for set where it is given the same thresholds. "
        f"The means differ by at most {worst_z:.1f} combined standard errors. At p = 0.1 on "
        "the follower graph (near critical) the distribution is bimodal, which is where a "
        "wrong edge direction or a missed second chance would show first.",
        "",
        "Notes on matching the peers: ndlib's IC `threshold` is the activation probability of "
        "an edge, and ndlib drops an edge configuration that does not cover every edge "
        "(falling back to 1/out-degree) and fills unset node thresholds with 0.1 without a "
        "warning; both are asserted here. ndlib's `ThresholdModel` makes every node with "
        "in-neighbours adopt on the first iteration when φ = 0 (a share of 0 ≥ 0), while ours "
        "only evaluates agents that were exposed, so φ > 0 is used. ndlib and our engine both "
        "update synchronously (an adopter of iteration t counts from t + 1); for a "
        "deterministic monotone threshold model the final set does not depend on the update "
        "order anyway.",
        "",
    ]
    lines += seeding_report(seeding, graphs, args)
    lines += [
        "",
        f"*Generated by `docs/validation/peers.py{' --quick' if args.quick else ''}` in "
        f"{seconds:.0f} s.*",
        "",
        "**References.** CyNetDiff: E. W. Robson, D. Reddy, A. K. Umrawal, *CyNetDiff: A "
        "Python Library for Accelerated Implementation of Network Diffusion Models*, Proc. "
        "VLDB Endow. 17(12), 4409–4412 (2024). ndlib: G. Rossetti, L. Milli, S. "
        "Rinzivillo, A. Sîrbu, D. Pedreschi, F. Giannotti, *NDlib: a python library to model "
        "and analyze diffusion processes over complex networks*, Int. J. Data Sci. Anal. 5, "
        "61–79 (2018). D. Kempe, J. Kleinberg, É. Tardos, *Maximizing the spread of influence "
        "through a social network*, KDD 2003. J. Leskovec, A. Krause, C. Guestrin, C. "
        "Faloutsos, J. VanBriesen, N. Glance, *Cost-effective outbreak detection in networks*, "
        "KDD 2007 (CELF). W. Chen, Y. Wang, S. Yang, *Efficient influence maximization in "
        "social networks*, KDD 2009 (degree discount). D. J. Watts, *A simple model of global "
        "cascades on random networks*, PNAS 99, 5766 (2002).",
        "",
    ]
    return "\n".join(lines)


def seeding_report(seeding, graphs, args) -> list[str]:
    email = graphs[EMAIL_NAME]
    lines = [
        "### Kempe, Kleinberg and Tardos (2003): who to seed",
        "",
        "Kempe, Kleinberg and Tardos showed that under the independent cascade model the "
        "expected spread is monotone and submodular, so greedy hill-climbing is within "
        "1 − 1/e of the best seed set, and that in practice it beats the degree and centrality "
        "heuristics, which beat random seeding. We repeat the comparison with our engine on "
        f"email-Eu-core ({email.n_nodes:,} nodes, {email.n_edges:,} edges; followers = "
        f"out-degree) under IC with p = {' and '.join(f'{p:g}' for p in SEEDING_PROBS)}:",
        "",
        f"- **random**: for each k, {args.random_sets} random seed sets, one run each;",
        "- **top degree**: the k accounts with the most followers;",
        f"- **greedy**: CELF lazy greedy up to k = {args.greedy_k} on the mean spread over "
        + " and ".join(f"{r:,} replication keys at p = {p:g}" for p, r in args.greedy_runs.items())
        + ", every candidate scored on the *same* keys (common random numbers: each key fixes "
        "which edges transmit, so the sample-average spread is itself monotone submodular and "
        "lazy evaluation loses nothing). At p = 0.01 the candidates' gains differ by fractions "
        "of a node, so the selection needs many keys not to chase noise.",
        "",
        f"Every strategy is then evaluated on {args.eval_runs:,} independent keys (the greedy "
        "sets are *not* scored on the keys that chose them, which would flatter them); top "
        "degree and greedy share these keys, so their difference is a paired one.",
        "",
        "![Spread against number of seeds, by strategy](figures/validation_seeding.png)",
        "",
        "| p | k | random | top degree | greedy | greedy − top degree (paired) |",
        "|---|---|---|---|---|---|",
    ]
    for res in seeding:
        for k in (1, 2, 3, 5, 10, 15, 20):
            if k > len(res["top"]):
                continue
            greedy = diff = "—"
            if k <= len(res["greedy"]):
                greedy = fmt_mean(res["greedy"][k - 1])
                diff = fmt_mean(res["greedy"][k - 1] - res["top"][k - 1])
            lines.append(
                f"| {res['p']:g} | {k} | {fmt_mean(res['random'][k - 1])} | "
                f"{fmt_mean(res['top'][k - 1])} | {greedy} | {diff} |"
            )
    lines.append("")
    for res in seeding:
        k_g = len(res["greedy"])
        top_minus_random = [
            (
                res["top"][k - 1].mean() - res["random"][k - 1].mean(),
                np.hypot(mean_se(res["top"][k - 1])[1], mean_se(res["random"][k - 1])[1]),
            )
            for k in res["k"]
        ]
        top_wins = [k for k, (d, se) in enumerate(top_minus_random, 1) if d > 3 * se]
        random_wins = [k for k, (d, se) in enumerate(top_minus_random, 1) if d < -2 * se]
        paired = [mean_se(res["greedy"][k] - res["top"][k]) for k in range(k_g)]
        greedy_better = [k for k, (d, se) in enumerate(paired, 1) if d > 2 * se]
        greedy_worse = [k for k, (d, se) in enumerate(paired, 1) if d < -2 * se]
        worst = min(d for d, _ in paired)
        lines.append(
            f"- p = {res['p']:g}: top degree beats random by more than 3 SE at k = "
            f"{k_list(top_wins)} (of 1..{K_MAX}); random beats top degree by more than 2 SE "
            f"at k = {k_list(random_wins)}. Greedy beats top degree by more than 2 paired SE "
            f"at k = {k_list(greedy_better)} and trails it by more than 2 paired SE at k = "
            f"{k_list(greedy_worse)} (largest shortfall {max(0.0, -worst):.1f} adopters). "
            "Greedy picked "
            f"{res['greedy_seeds'][:10]}{'…' if k_g > 10 else ''} "
            f"({res['evaluations']:,} spread evaluations of {args.greedy_runs[res['p']]:,} runs "
            "each, "
            f"{res['t_select']:.0f} s; the first round scores all {email.n_nodes:,} nodes)."
        )
    lines += [
        "",
        "Reading: when cascades are small (p = 0.01, mostly one hop) the best seeds are simply "
        "the biggest audiences, and greedy, which is free to pick anything, picks mostly the "
        "top-degree accounts. When they are large (p = 0.03, near the giant out-component) "
        "the hubs' audiences overlap: after the first hub, further hubs reach people who are "
        "reached anyway, so top degree flattens and random seeds, spread over the network, "
        "catch up with it as k grows, while greedy keeps adding seeds that reach new parts of "
        "the network. That is the overlap problem Kempe et al. and later work (e.g. degree "
        "discount) point out in degree heuristics.",
    ]
    return lines


# ---------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_output_options(parser)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    peers_png, report = output_paths(args, FIGURES / "validation_peers.png", REPORT)
    seeding_png, _ = output_paths(args, FIGURES / "validation_seeding.png", REPORT)
    common = {"seed": args.seed, "threads": args.threads}
    settings = Settings.quick(**common) if args.quick else Settings(**common)
    seeding_settings = SeedingSettings.quick(**common) if args.quick else SeedingSettings(**common)
    for source in (settings, seeding_settings):  # the report reads the sample sizes from args
        vars(args).update(vars(source))
    start = time.perf_counter()
    peers_png.parent.mkdir(parents=True, exist_ok=True)
    graphs = load_graphs()
    nx_graphs = {name: to_networkx_checked(network) for name, network in graphs.items()}
    ic_rows = ic_cross_check(graphs, nx_graphs, settings)
    fixed_rows = lt_fixed_check(graphs, nx_graphs, settings)
    random_rows = lt_random_check(graphs, nx_graphs, settings)
    plot_peers(ic_rows, fixed_rows, random_rows, peers_png)
    seeding = seeding_study(graphs[EMAIL_NAME], seeding_settings)
    plot_seeding(seeding, seeding_png)
    text = write_report(
        graphs, ic_rows, fixed_rows, random_rows, seeding, args, time.perf_counter() - start
    )
    report.write_text(text)
    print(f"wrote {report} and 2 figures in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
