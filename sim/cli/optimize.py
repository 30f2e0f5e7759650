"""``influence-sim optimize SCENARIO.yaml``: the best plan for the budget, beside hand-made ones.

``[--budget B] [--method auto|celf|ris] [--pool tier:micro|topic:200|followers:500|ids:1,2,3|
micro:60,nano:60|tiers:micro,nano|rank:topic] [--samples N] [--epsilon E] [--posts P] [--save
plan.yaml]``. The optimised strategy is the scenario's own ``select: optimized`` strategy
(``--strategy NAME``), or one built from the options. Seeds are chosen on the optimiser's own
stream (CELF selection replications or RR sets); the plan is then run with every hand-made
strategy on the scenario's replications, so its expected adopters and interval come from fresh
draws, paired with the others. ``--save`` writes the scenario with the plan as an explicit
strategy (``select: explicit``), ready for ``compare``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sim.analysis.comparison import compare_setup
from sim.config.gate import scenario_to_yaml, with_overrides
from sim.errors import InputError
from sim.model.tiers import TIER_NAMES
from sim.optimize import optimize
from sim.report.text import format_comparison
from sim.report.writer import json_text
from sim.runner.prepare import prepare

DEFAULT_NAME = "optimised"
_OPTIMIZER_KEYS = ("method", "pool", "tiers", "samples", "epsilon", "tier", "rank", "k")
"""Keys a saved plan drops: it becomes ``select: explicit`` with the chosen ids."""


def add_parser(commands, common, load, progress) -> None:
    """Register ``optimize``; ``common``, ``load`` and ``progress`` are the CLI's shared
    options, scenario loader (overrides, memory check) and replication progress bar."""
    command = commands.add_parser(
        "optimize", help="find the best seeding plan for the budget (CELF or RIS)"
    )
    common(command)
    command.add_argument("--budget", type=float, help="override campaign.budget")
    command.add_argument(
        "--method", choices=["auto", "celf", "ris"], help="celf (any rule) or ris (cascade)"
    )
    command.add_argument(
        "--pool",
        action="append",
        metavar="KIND:VALUE",
        help="candidates: tier:micro, topic:200 (most topic expertise), followers:500, "
        "ids:1,2,3, micro:60,nano:60 (top 60 of each tier by rank), tiers:micro,nano (top N "
        "of each with topic:N), rank:topic (repeatable: tier:micro --pool topic:100)",
    )
    command.add_argument("--strategy", help="the scenario's optimized strategy to run")
    command.add_argument("--samples", type=int, help="CELF replications per evaluated plan")
    command.add_argument("--epsilon", type=float, help="RIS accuracy (0..1)")
    command.add_argument("--posts", type=int, help="posts per hired account")
    command.add_argument("--save", metavar="PLAN.yaml", help="write the scenario with the plan")
    command.set_defaults(command=lambda args: _optimize(args, load, progress))


def _optimize(args: argparse.Namespace, load, progress) -> int:
    scenario = load(args)
    if args.budget is not None:
        if scenario.campaign is None:
            raise InputError("--budget: the scenario has no campaign (no prices to spend at)")
        scenario = with_overrides(scenario, {"campaign.budget": args.budget})
    scenario, name = _with_optimized(scenario, args)
    talk = not (args.json or args.quiet)
    setup = prepare(scenario)
    status = _Status(talk)
    found = optimize(setup, name, method=args.method, threads=args.threads, progress=status)
    status.done(found)
    plans = [found.plan if s.name == name else setup.plan(s) for s in setup.strategies]
    bar = progress(scenario, enabled=talk)
    comparison = compare_setup(setup, plans=plans, progress=bar.update, threads=args.threads)
    bar.close()
    rows = _plan_rows(setup, found)
    currency = setup.campaign.currency if setup.campaign else ""
    record = comparison.table.set_index("strategy").loc[name]
    if args.save:
        _save(Path(args.save), scenario, name, found, setup)
    if args.json:
        print(
            json_text(
                {
                    "strategy": name,
                    "method": found.method,
                    "seconds": found.seconds,
                    "pool": found.pool,
                    "spend": found.plan.spend,
                    "budget": setup.campaign.budget if setup.campaign else None,
                    "selection_estimate": found.estimate,
                    "details": found.details,
                    "plan": rows,
                    "comparison": comparison.table.to_dict(orient="records"),
                    "saved": args.save,
                }
            )
        )
        return 0
    budget = f" of {setup.campaign.budget:,.0f} {currency}" if setup.campaign else ""
    print(
        f"{scenario.name}: {name!r} by {found.method.upper()} from {found.pool:,} candidates in "
        f"{found.seconds:,.1f} s; {len(rows)} accounts, spend {found.plan.spend:,.0f}{budget}"
    )
    print(_describe(found))
    print(f"{'id':>10} {'tier':>6} {'followers':>10} {'price':>10} {'spend':>10}")
    spent = 0.0
    for row in rows:
        spent += row["price"]
        print(
            f"{row['id']:>10} {row['tier']:>6} {row['followers']:>10,} {row['price']:>10,.0f} "
            f"{spent:>10,.0f}"
        )
    low, high = record["adopters_low"], record["adopters_high"]
    print(
        f"expected organic adopters on {scenario.replications:,} "
        f"fresh replications: {record['adopters_mean']:,.0f} ({comparison.confidence:.0%} "
        f"interval {low:,.0f} to {high:,.0f}); on the selection sample "
        f"{found.estimate:,.0f} (optimistic: those draws chose the seeds)"
    )
    print(format_comparison(comparison.table, currency, scenario.dynamics.step_hours))
    print(f"{comparison.verdict}.")
    print(_hand_made_verdict(comparison, name))
    if args.save:
        print(f"plan written to {args.save} (strategy {name!r} as select: explicit)")
    return 0


def _with_optimized(scenario, args):
    """The scenario with the strategy to optimise (its own, or one from the options, added
    after the hand-made ones), and that strategy's name."""
    options = {}
    if args.method:
        options["method"] = args.method
    if args.samples is not None:
        options["samples"] = args.samples
    if args.epsilon is not None:
        options["epsilon"] = args.epsilon
    if args.posts is not None:
        options["posts"] = args.posts
    for spec in args.pool or ():
        options.update(_pool(spec))
    strategies = [s.model_dump(mode="json", exclude_defaults=True) for s in scenario.strategies]
    own = [s for s in scenario.strategies if s.select == "optimized"]
    if args.strategy:
        index = next((i for i, s in enumerate(scenario.strategies) if s.name == args.strategy), -1)
        if index < 0 or scenario.strategies[index].select != "optimized":
            raise InputError(f"--strategy: no optimized strategy named {args.strategy!r}")
        strategies[index] |= options
        name = args.strategy
    elif own:
        name = own[0].name
        index = scenario.strategies.index(own[0])
        strategies[index] |= options
    else:
        name = DEFAULT_NAME
        taken = {s.name for s in scenario.strategies}
        while name in taken:
            name += "'"
        strategies.append({"name": name, "select": "optimized", **options})
    return with_overrides(scenario, {"strategies": strategies}), name


def _hand_made_verdict(comparison, name: str) -> str:
    """One line: does a hand-made strategy beat the optimised plan on the fresh replications?"""
    table = comparison.table.set_index("strategy")
    others = table.drop(index=name)
    if others.empty:
        return "no hand-made strategy to compare with"
    rival = str(others["adopters_mean"].idxmax())
    mine, theirs = table.loc[name, "adopters_mean"], table.loc[rival, "adopters_mean"]
    if mine >= theirs:
        return (
            f"the optimised plan is at least as good as every hand-made strategy on the fresh "
            f"replications ({mine:,.0f} against {theirs:,.0f} for {rival!r})"
        )
    clear = bool(table.loc[name, "distinguishable"]) and comparison.best == rival
    how = "BEATS" if clear else "edges out (not distinguishable from)"
    return (
        f"WARNING: hand-made strategy {rival!r} {how} the optimised plan on the fresh "
        f"replications: {theirs:,.0f} against {mine:,.0f} organic adopters; widen the pool "
        "(--pool micro:60,nano:60) or raise --samples"
    )


def _pool(spec: str) -> dict:
    kind, _, value = spec.partition(":")
    try:
        if kind == "tier" and value in TIER_NAMES:
            return {"tier": value}
        if kind == "tiers":  # tiers:micro,nano (each the top --pool topic:N / followers:N)
            names = [v.strip() for v in value.split(",") if v.strip()]
            if names and all(v in TIER_NAMES for v in names):
                return {"tiers": names}
        if kind in TIER_NAMES:  # micro:60,nano:60 - the top 60 of each tier by rank
            counts = {}
            for part in spec.split(","):
                tier, _, count = part.strip().partition(":")
                if tier not in TIER_NAMES or tier in counts:
                    raise ValueError(part)
                counts[tier] = int(count)
            if all(count >= 1 for count in counts.values()):
                return {"tiers": counts}
        if kind == "rank" and value in ("topic", "followers", "random"):
            return {"rank": value}
        if kind in ("topic", "followers", "random"):
            return {"rank": kind, "pool": int(value)}
        if kind == "ids":
            return {"ids": [int(v) for v in value.split(",") if v.strip()]}
    except ValueError:
        pass
    raise InputError(
        f"--pool: {spec!r}; use tier:{'|'.join(TIER_NAMES)}, topic:N, followers:N, random:N, "
        "ids:1,2,3, tiers:micro,nano (with topic:N: N per tier), micro:60,nano:60 (per tier) "
        "or rank:topic"
    )


def _plan_rows(setup, found) -> list[dict]:
    from sim.campaign.pricing import account_tiers, price_per_post

    network = setup.network
    seeds = found.plan.schedule.seeds.astype("int64")
    labels = seeds if network.labels is None else network.labels[seeds]
    tier_spec = setup.campaign.tiers if setup.campaign else None
    tiers = account_tiers(network.followers, network.n_nodes, tier_spec) if tier_spec else None
    posts = found.plan.strategy.posts
    prices = (
        price_per_post(network.followers[seeds], network.n_nodes, setup.campaign) * posts
        if setup.campaign
        else [0.0] * seeds.size
    )
    rows = []
    for seed, label, price in zip(seeds.tolist(), labels.tolist(), prices, strict=True):
        tier = TIER_NAMES[int(tiers[seed])] if tiers is not None else "-"
        rows.append(
            {
                "id": int(label),
                "tier": tier,
                "followers": int(network.followers[seed]),
                "price": float(price),
            }
        )
    return sorted(rows, key=lambda row: (-row["price"], -row["followers"], row["id"]))


def _describe(found) -> str:
    d = found.details
    if found.method == "ris":
        return (
            f"RIS: epsilon {d['epsilon']:g}, {d['rr_sets']:,} RR sets (+{d['bound_sets']:,} "
            f"for the bound), mean size {d['mean_set_size']:,.1f}, memory "
            f"{d['bytes'] / 2**20:,.1f} MiB; rule {d['rule']}; guarantee {d['guarantee']}"
        )
    text = (
        f"CELF: {d['evaluations']:,} plans evaluated on {d['samples']} selection replications; "
        f"best rule {d.get('greedy_rule', d['rule'])} (of cost-benefit, unit-cost, best single "
        "seed)"
    )
    starts = d.get("warm_starts") or {}
    if starts:
        scored = ", ".join(f"{name!r} {value:,.0f}" for name, value in starts.items())
        greedy = d.get("greedy_estimate", found.estimate)
        if d["rule"].startswith("warm start: "):
            text += (
                f"\nwarm start won: {d['rule'][12:]!r} scored {found.estimate:,.0f} on the "
                f"selection sample against {greedy:,.0f} for the greedy plan (hand-made sets "
                f"scored: {scored})"
            )
        else:
            text += (
                f"\nthe greedy plan ({greedy:,.0f} on the selection sample) beat every "
                f"affordable hand-made set (scored: {scored})"
            )
    return text


class _Status:
    """Optimiser progress on stderr: one rewritten line on a terminal, a line at the end
    otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.tty = enabled and sys.stderr.isatty()
        self.started = time.perf_counter()
        self.last = 0.0
        if enabled:
            print("optimising the plan ...", file=sys.stderr, flush=True)

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = time.perf_counter()
        if not self.tty or now - self.last < 0.2:
            return
        self.last = now
        what = f"{done:,} plans evaluated" if stage == "celf" else f"{done:,}/{total:,} RR sets"
        print(f"\r  {stage}: {what} ({now - self.started:,.0f} s)", end="", file=sys.stderr)

    def done(self, found) -> None:
        if self.enabled:
            end = "\n" if self.tty else ""
            print(f"{end}  chosen in {found.seconds:,.1f} s", file=sys.stderr, flush=True)


def _save(path: Path, scenario, name: str, found, setup) -> None:
    """The scenario with the optimised strategy as an explicit list of ids, written whole."""
    network = setup.network
    seeds = found.plan.schedule.seeds.astype("int64")
    labels = seeds if network.labels is None else network.labels[seeds]
    strategies = []
    for strategy in scenario.strategies:
        item = strategy.model_dump(mode="json", exclude_defaults=True)
        if strategy.name == name:
            item = {key: value for key, value in item.items() if key not in _OPTIMIZER_KEYS}
            item |= {"select": "explicit", "ids": sorted(int(v) for v in labels)}
        strategies.append(item)
    explicit = with_overrides(scenario, {"strategies": strategies})
    header = (
        f"# {name!r} optimised by influence-sim optimize ({found.method}, spend "
        f"{found.plan.spend:,.0f}); the other strategies are the scenario's own\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(header + scenario_to_yaml(explicit))
    os.replace(partial, path)
