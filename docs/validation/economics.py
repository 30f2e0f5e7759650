"""Validation: who is cost-effective when the price of a post rises with follower count?

Bakshy, Hofman, Mason & Watts (2011) found on Twitter that, under plausible cost assumptions
(a cost per follower plus a fixed cost per account), the most cost-effective seeds are
"ordinary influencers" with average or below-average influence; Watts & Dodds (2007) argued
that large cascades are driven by many easily influenced people rather than by a few
"influentials". This script asks the engine the same question as a budget comparison:

- a 50,000-agent follower graph read as a sample of a 10^7-account platform (the engine's
  tiers: nano < 10k, micro 10k-100k, macro 100k-1M, mega >= 1M platform followers);
- one campaign budget, four strategies (hire mega, macro, micro or nano accounts, most expert
  first, like ``select: tier, rank: topic``);
- a per-account power-law price ``price = 10,000 * (followers / 10^6) ** beta`` (platform
  followers; the anchor is the rate card's $10,000 celebrity post at one million followers, so
  ``beta = 1`` is the trade press's $0.01 per follower, the engine's ``PerFollowerPrice``);
- beta swept from 0.3 (nearly flat prices) to 1.5 (steeper than linear).

The engine prices by tier table, per follower (linear) or by the survey preset; it has no
per-account power law. So prices are computed here and every plan is hired with the engine's
own rule (rank, then the longest prefix the budget covers,
``sim.campaign.strategies._within_budget``) and handed to the engine as ``select: explicit``
seeds with zero engine prices; the engine still applies the rate-card engagement of each seed's
tier and the sponsored weight. At ``beta = 1`` the prices and the hired accounts equal the
engine's ``PerFollowerPrice(0.01)`` plans (checked in ``tests/test_validation_economics.py``).

A second, Bakshy-style analysis runs single seeds sampled across the follower range and fits
the elasticity ``gamma`` of expected organic adopters with respect to followers: with
``adopters ~ followers ** gamma``, cost per adopter goes as ``followers ** (beta - gamma)``, so
big accounts are cheaper per adopter below ``beta = gamma`` and ordinary ones above it.

Run:  .venv/bin/python docs/validation/economics.py            # full (about 1-2 minutes)
      .venv/bin/python docs/validation/economics.py --quick    # smoke test, writes to a temp dir

Writes ``docs/figures/validation_price_exponent.png`` and ``docs/validation/economics.md``. The
world, the prices, the sweeps and the statistics live in ``sim.validation.economics``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from report import add_output_options, output_paths, reflow  # docs/validation/report.py

from sim.model.tiers import TIER_NAMES
from sim.validation.economics import (
    BETAS_FULL,
    BETAS_QUICK,
    BUDGET,
    SEED,
    Settings,
    build_world,
    cost_table,
    crossing,
    elasticity,
    flip_point,
    implied_exponents,
    sensitivity_rows,
    single_seeds,
    sweep,
    tier_log_ratio,
)

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent
FIGURE = DOCS / "figures" / "validation_price_exponent.png"
MARKDOWN = HERE / "economics.md"


# ---------------------------------------------------------------------------- outputs
def plot(betas, table, flip, seeds, fit, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"mega": "#7b3294", "macro": "#c2a5cf", "micro": "#5aae61", "nano": "#1b7837"}
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(12.5, 4.8), gridspec_kw={"width_ratios": [1.4, 1]})
    point, low, high, _ = flip
    if np.isfinite(low):
        ax.axvspan(low, high, color="0.85", zorder=0)
    if np.isfinite(point):
        ax.axvline(point, color="0.3", ls="--", lw=1)
        ax.text(
            point,
            0.97,
            f" flip β≈{point:.2f}",
            transform=ax.get_xaxis_transform(),
            va="top",
            ha="left",
            fontsize=9,
        )
        ax.text(
            point - 0.02,
            0.88,
            "← big accounts cheapest",
            transform=ax.get_xaxis_transform(),
            ha="right",
            fontsize=8,
            color="#7b3294",
        )
        ax.text(
            point + 0.02,
            0.88,
            "ordinary accounts cheapest →",
            transform=ax.get_xaxis_transform(),
            ha="left",
            fontsize=8,
            color="#1b7837",
        )
    for tier in TIER_NAMES:
        rows = table[table["tier"] == tier]
        ax.plot(rows["beta"], rows["cost_per_adopter"], "-o", ms=3, color=colours[tier], label=tier)
        ax.fill_between(
            rows["beta"], rows["cost_low"], rows["cost_high"], color=colours[tier], alpha=0.25, lw=0
        )
    for name, beta in implied_exponents().items():
        ax.axvline(beta, color="tab:orange", lw=0.8, ls=":")
        ax.text(
            beta,
            0.02,
            f" {name}\n β={beta:.2f}",
            transform=ax.get_xaxis_transform(),
            fontsize=8,
            color="tab:orange",
            va="bottom",
        )
    ax.set_yscale("log")
    ax.set_xlabel("price exponent β  (price = $10,000 × (followers / 1M)^β)")
    ax.set_ylabel("spend per organic adopter (USD)")
    ax.set_title(f"${BUDGET:,.0f} budget by tier: cost per adopter vs β", fontsize=10)
    ax.legend(title="hired tier", fontsize=8, loc="center right")

    for tier in TIER_NAMES:
        rows = seeds[seeds["tier"] == tier]
        bx.scatter(
            rows["followers"],
            np.maximum(rows["adopters"], 1e-3),
            s=10,
            color=colours[tier],
            label=tier,
            alpha=0.8,
        )
    gamma, intercept, glow, ghigh, _ = fit
    xs = np.geomspace(seeds["followers"].min(), seeds["followers"].max(), 50)
    bx.plot(
        xs,
        np.exp(intercept) * xs**gamma,
        color="k",
        lw=1,
        label=f"fit: adopters ∝ followers^{gamma:.2f}\n(95% {glow:.2f}-{ghigh:.2f})",
    )
    bx.set_xscale("log")
    bx.set_yscale("log")
    bx.set_xlabel("platform followers of the single seed")
    bx.set_ylabel("mean organic adopters")
    bx.set_title("one seed at a time (Bakshy et al.'s unit)", fontsize=10)
    bx.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130)
    plt.close(fig)


def fmt_money(value: float) -> str:
    return "inf" if not np.isfinite(value) else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def markdown(world, betas, table, flip, seeds, fit, checks, sensitivity, replications, elapsed):
    point, low, high, share = flip
    gamma, _, glow, ghigh, zeros = fit
    exps = implied_exponents()
    show = [b for b in betas if np.isclose(b * 10, round(b * 10))]  # every 0.1
    lines = []
    for beta in show:
        rows = table[np.isclose(table["beta"], beta)].set_index("tier")
        cells = []
        for tier in reversed(TIER_NAMES):
            r = rows.loc[tier]
            mark = " **←**" if r["cheapest"] else ""
            cells.append(
                f"{int(r['seeds'])} / {r['adopters']:,.0f} / {fmt_money(r['cost_per_adopter'])} "
                f"[{fmt_money(r['cost_low'])}, {fmt_money(r['cost_high'])}]{mark}"
            )
        lines.append(f"| {beta:.1f} | " + " | ".join(cells) + " |")
    sens = "\n".join(
        f"| {name} | {'none' if not np.isfinite(p) else f'{p:.2f} [{lo:.2f}, {hi:.2f}]'} "
        f"| {cheap_low} | {cheap_high} | {mega:,.0f} / {nano:,.0f} |"
        for name, p, lo, hi, cheap_low, cheap_high, mega, nano in sensitivity
    )
    chk = "\n".join(
        f"| {name} | {p:+.2f} [{lo:+.2f}, {hi:+.2f}] | ×{np.exp(p):.2f} |"
        for name, p, lo, hi in checks
    )
    counts = {t: int((world.tiers == k).sum()) for k, t in enumerate(TIER_NAMES)}
    by_tier = seeds.groupby("tier")["adopters"].mean()
    flat = next((row for row in sensitivity if row[0].startswith("flat engagement")), None)
    rate_card_check = next(row for row in checks if row[0].startswith("β = 0.7"))
    cost = table["cost_per_adopter"].to_numpy().reshape(len(betas), len(TIER_NAMES))
    micro, mega = TIER_NAMES.index("micro"), TIER_NAMES.index("mega")
    micro_flip = crossing(betas, np.log(cost[:, micro]) - np.log(cost[:, mega]))
    at = table.set_index(["beta", "tier"])
    first = float(betas[0])
    super_row = next((row for row in sensitivity if row[0].startswith("supercritical")), None)
    sub_flips = [row[1] for row in sensitivity if row is not super_row and np.isfinite(row[1])]
    net_flips = [row[1] for row in sensitivity if row[0].startswith("another network")]
    return TEMPLATE.format(
        n=world.setup.network.n_nodes,
        edges=world.setup.network.n_edges,
        counts=counts,
        budget=world.settings.budget,
        reps=replications,
        point=point,
        low=low,
        high=high,
        share=share * 100,
        gamma=gamma,
        glow=glow,
        ghigh=ghigh,
        zeros=zeros,
        n_seeds=len(seeds),
        nano_y=by_tier.get("nano", np.nan),
        micro_y=by_tier.get("micro", np.nan),
        macro_y=by_tier.get("macro", np.nan),
        mega_y=by_tier.get("mega", np.nan),
        flat=flat[1] if flat else np.nan,
        micro_flip=micro_flip,
        first=first,
        mega_first=at.loc[(first, "mega"), "spend"],
        mega_first_n=int(at.loc[(first, "mega"), "seeds"]),
        nano_one=int(at.loc[(1.0, "nano"), "seeds"]),
        net_min=min(net_flips, default=np.nan),
        net_max=max(net_flips, default=np.nan),
        flip_min=min(sub_flips, default=np.nan),
        flip_max=max(sub_flips, default=np.nan),
        super_mega=super_row[6] if super_row else np.nan,
        super_nano=super_row[7] if super_row else np.nan,
        rate_card_ratio=np.exp(-rate_card_check[1]),
        survey=exps["survey"],
        rate_card=exps["rate card"],
        table="\n".join(lines),
        sensitivity=sens,
        checks=chk,
        elapsed=elapsed,
    )


TEMPLATE = """\
### Bakshy et al. (2011) and Watts & Dodds (2007): who is cost-effective

**Claim.** Bakshy, Hofman, Mason & Watts (2011) followed 74 million diffusion events on
Twitter and, pricing each seed at a cost per follower plus a fixed cost per account, found
that the most cost-effective seeds are "ordinary influencers" (average or below-average
influence) under a wide range of plausible cost assumptions; only when the fixed cost dominates,
i.e. when prices are nearly flat in followers, do the most influential accounts pay off. Watts &
Dodds (2007) showed in models of opinion formation that "influentials" are only modestly more
effective than their reach suggests, and that large cascades are driven by a critical mass of
easily influenced people rather than by whoever starts them.

**Set-up** (`docs/validation/economics.py`). A {n:,}-agent `follower_graph` ({edges:,}
edges, mean 20 follows, heavy-tailed followers) read as a sample of a 10^7-account platform, so
the tiers are nano < 50 followers (< 10k on the platform), micro 50-500, macro 500-5,000 and
mega >= 5,000; the network has {counts[nano]:,} nano, {counts[micro]:,} micro,
{counts[macro]:,} macro and {counts[mega]} mega accounts. One topic; expertise Beta(4, 2),
interest Beta(5, 2), ties Beta(4, 2). Word of mouth is the `cascade` rule (each exposure
converts once, with probability tie × expertise × interest × weight): every adopter shares
once, the day after adopting (`active_steps: 1`, activity 1), and each follower sees that share
with probability 0.06 × (followers / mean)^-0.3. Paid posts are seen with the rate-card
engagement of the seed's tier (4% nano, 2.4% micro, 1.8% macro, 1.7% mega) and carry the
sponsored weight 0.7. Word of mouth is subcritical, as on Twitter, where most posts are never
passed on: one seed alone brings on average {nano_y:.2f} organic adopters when it is a nano
account, {micro_y:.1f} micro, {macro_y:.1f} macro and {mega_y:.0f} mega. Each strategy spends
up to **${budget:,.0f}** on one tier, most expert accounts first (`select: tier, rank: topic`),
with the engine's hiring rule (the longest ranked prefix the budget covers); accounts with
fewer than 1,000 platform followers (5 here) are not hired.

*Prices.* Every account's post costs `10,000 × (platform followers / 10^6)^β` dollars: all
curves pass through the rate card's $10,000 celebrity post at one million followers, and
β = 1 is the trade press's $0.01 per follower (exactly the engine's
`PerFollowerPrice(per_follower=0.01)`; the test checks that prices and hired accounts agree).
This is a true per-account power law, and **the engine has no such price model** (it has tier
tables, a linear per-follower price, the survey preset and `price_scale`). So the script
computes the prices, hires with the engine's rule and hands the accounts to the engine as
`select: explicit` seeds with zero engine prices; the engine still applies each seed's tier
engagement and the sponsored weight, and spend is the script's. Pricing each tier at its median
follower count^β (`TierPrices`) was not used: it charges one price across a tier whose accounts
span a factor of ten in followers. A `prices: {{power_law: {{exponent, anchor_followers,
anchor_price}}}}` model in `sim/campaign/pricing.py` would make this a scenario option. Moving the
anchor multiplies every price at a given β by one factor: it changes how many accounts the
budget buys, not the price ratios between tiers.

*The price presets as exponents:* the survey preset ($86 at 1k to $763 at 100k followers) is
β = {survey:.2f}; a log-log fit of the rate card ($100, $500, $5,000, $10,000 at the tiers'
geometric middles) is β = {rate_card:.2f}; the per-follower rule is β = 1.

**Result** ({reps} replications per plan, every plan on the same replication keys, so all
comparisons are paired; intervals are 95% percentile bootstraps over replications). Cells:
accounts hired / mean organic adopters / spend per organic adopter in USD [interval]; **←**
marks the cheapest tier. (At β = {first:.1f} the budget buys {mega_first_n} celebrity for
${mega_first:,.0f} and cannot afford another; cost per adopter uses what was spent.)

| β | mega | macro | micro | nano |
|---|---|---|---|---|
{table}

![Cost per adopter by tier against the price exponent](figures/validation_price_exponent.png)

- **The cheapest tier flips from big to ordinary accounts at β ≈ {point:.2f}** (95% bootstrap
  interval {low:.2f}-{high:.2f}, replication noise on this network only; a flip was found in
  {share:.0f}% of the resamples; three other networks give {net_min:.2f}-{net_max:.2f}). Below it
  the celebrity is the cheapest way to buy adopters; above it nano accounts are, by a margin that
  grows quickly with β (micro accounts beat the celebrity from β ≈ {micro_flip:.2f}).
- **Why there.** One seed at a time (right panel: {n_seeds} accounts sampled across the tiers,
  Bakshy et al.'s unit of analysis), expected organic adopters grow as followers^γ with
  **γ = {gamma:.2f}** (95% interval {glow:.2f}-{ghigh:.2f}). Cost per adopter then goes as
  followers^(β − γ): big accounts win for β < γ, ordinary ones for β > γ, and the budget
  experiment's flip sits near γ (not exactly: the budget buys whole accounts, one celebrity at
  every β, and runs many seeds together). The rate-card engagement, which falls from 4% to 1.7%
  with tier, is most of the distance from 1: with one engagement rate for every tier the flip
  moves from β ≈ {point:.2f} to β ≈ {flat:.2f} (sensitivity table).
- **Paired checks** (log of the ratio of costs per adopter, paired bootstrap 95% interval; < 0
  means the first is cheaper):

| comparison | log ratio [95%] | ratio |
|---|---|---|
{checks}

- **Sensitivity** (200 replications each, 50 for the supercritical row; other settings as
  above):

| variant | flip β [95%] | cheapest, β = 0.3 | cheapest, β = 1 | adopters at β = 1: mega / nano |
|---|---|---|---|---|
{sensitivity}

**Verdict.** Where Bakshy et al.'s cost assumption holds the engine agrees with them: with cost
proportional to followers (β = 1) ordinary accounts are the most cost-effective by a wide,
well-resolved margin, and with nearly flat prices (β ≈ 0.3, a dominant fixed cost) the
celebrity is. The flip is not at β = 1 but at β ≈ {point:.2f}, because reach per follower falls
with follower count (γ < 1); across other networks, budgets, rankings and engagement
assumptions the flip stays between β ≈ {flip_min:.2f} and {flip_max:.2f} while word of mouth is
subcritical. Two honest
qualifications. First, where real prices sit matters: the survey preset (β ≈ {survey:.2f}) and
the rate card (β ≈ {rate_card:.2f}) both lie below the flip, and at β = 0.7 the celebrity buys
adopters about {rate_card_ratio:.1f} times more cheaply than micro accounts; so with typical
industry price curves and this engine's engagement table the model does *not* say ordinary
accounts are the better buy. Second, the regime matters, as Watts & Dodds argue: when word of
mouth is supercritical (attention 0.2) one celebrity and {nano_one} nano accounts end in the
same global cascade ({super_mega:,.0f} and {super_nano:,.0f} adopters at β = 1), so reach no
longer depends on who seeds it
and cost per adopter only ranks spend (the one-celebrity plan spends least because the budget
cannot buy a second). Limits: one synthetic network per row; the mega tier has
{counts[mega]} accounts and the budget buys one, so its row reflects that account;
single-topic, single-post campaigns.

*References.* E. Bakshy, J. M. Hofman, W. A. Mason, D. J. Watts, "Everyone's an influencer:
quantifying influence on Twitter", Proc. WSDM 2011, 65-74. D. J. Watts, P. S. Dodds,
"Influentials, networks, and public opinion formation", Journal of Consumer Research 34(4),
2007, 441-458.

*Run time:* {elapsed:.0f} s on 2 threads (`python docs/validation/economics.py`).
"""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_output_options(parser)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    figure, text_file = output_paths(args, FIGURE, MARKDOWN)
    start = time.perf_counter()
    quick = args.quick
    betas = BETAS_QUICK if quick else BETAS_FULL
    replications = 100 if quick else 1000
    world = build_world(Settings())
    counts = {t: int((world.tiers == TIER_NAMES.index(t)).sum()) for t in TIER_NAMES}
    print(
        f"network: {world.setup.network.n_nodes:,} agents, {world.setup.network.n_edges:,} "
        f"edges; tiers {counts}; hireable {[o.size for o in world.orders.values()]}"
    )
    plans, adopters = sweep(world, betas, replications, args.threads)
    boot = np.random.default_rng(SEED).integers(0, replications, (2000, replications))
    table, boot_cost = cost_table(plans, adopters, betas, boot)
    flip = flip_point(betas, table, boot_cost)
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    print(f"flip: beta = {flip[0]:.3f} [{flip[1]:.3f}, {flip[2]:.3f}], found in {flip[3]:.0%}")

    def ratio(beta, a, b):
        label = f"β = {beta:.1f}: {a} vs {b}"
        return (label, *tier_log_ratio(betas, table, adopters, boot, beta, a, b))

    checks = [
        ratio(1.0, "nano", "mega"),
        ratio(1.0, "micro", "mega"),
        ratio(0.3, "mega", "nano"),
        ratio(0.3, "mega", "micro"),
        ratio(0.7, "mega", "micro"),
    ]
    for row in checks:
        print("  ", row)

    seeds = single_seeds(world, 12 if quick else 50, 100 if quick else 400, args.threads)
    fit = elasticity(seeds)
    print(f"single-seed elasticity gamma = {fit[0]:.3f} [{fit[2]:.3f}, {fit[3]:.3f}]")

    reps = 50 if quick else 200
    variants = [
        ("baseline", Settings(), reps),
        ("organic attention 0.1 (closer to critical)", Settings(attention=0.1), reps),
        ("flat engagement 2.4% for every tier", Settings(engagement=0.024), reps),
        ("budget $50,000", Settings(budget=50_000.0), reps),
        ("rank by followers within the tier", Settings(rank="followers"), reps),
        *((f"another network (seed {s})", Settings(network_seed=s), reps) for s in (1, 2, 3)),
        ("supercritical word of mouth (attention 0.2)", Settings(attention=0.2), 50),
    ]
    if quick:
        variants = variants[:3]
    sensitivity = sensitivity_rows(variants, args.threads, SEED)
    plot(betas, table, flip, seeds, fit, figure)
    elapsed = time.perf_counter() - start
    text = markdown(
        world, betas, table, flip, seeds, fit, checks, sensitivity, replications, elapsed
    )
    text_file.write_text(reflow(text))
    print(f"wrote {figure} and {text_file} in {elapsed:.0f} s")


if __name__ == "__main__":
    main()
