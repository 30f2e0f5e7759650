"""Tables as text for the terminal: the comparison, run summaries and a run's headline."""

from __future__ import annotations

import pandas as pd


def headline(name: str, meta: dict) -> str:
    """One line saying what ran: sizes, rule, topic, budget, days, replications, seed."""
    network = meta["network"]
    budget = ""
    if meta.get("budget"):
        budget = f", budget {meta['budget']:,.0f} {meta['currency']}"
    return (
        f"{name}: {network['nodes']:,} agents, {network['edges']:,} edges, "
        f"rule {meta['rule']}, topic {meta['topic']!r}{budget}, "
        f"{clock(meta['steps'], meta.get('step_hours', 24.0))}, "
        f"{meta['replications']} replications, seed {meta['seed']}"
    )


def clock(steps: int, step_hours: float = 24.0) -> str:
    """``60 days``, or ``336 steps of 1 h`` on a sub-day (or longer) clock."""
    return f"{steps} days" if step_hours == 24.0 else f"{steps} steps of {step_hours:g} h"


def _to_half(step_hours: float) -> str:
    """The label of the time-to-half column: in days, or in steps on another clock."""
    return "days to half" if step_hours == 24.0 else "steps to half"


def format_comparison(table: pd.DataFrame, currency: str, step_hours: float = 24.0) -> str:
    """The comparison table as text, one line per strategy (no spend or cost columns when
    there is no campaign: nothing was priced)."""
    priced = bool(table["cost_per_adopter"].notna().any())
    someone = bool((table["adopters_mean"] > 0).any())
    rows = []
    for record in table.to_dict(orient="records"):
        tiers = ", ".join(
            f"{record[tier]} {tier}" for tier in ("mega", "macro", "micro", "nano") if record[tier]
        )
        row = {
            "strategy": record["strategy"] + (" *" if record["best"] and someone else ""),
            "seeds": "brand account" if record["brand"] else tiers or "-",
        }
        if priced:
            row[f"spend {currency}".strip()] = f"{record['spend']:,.0f}"
        row |= {
            "adopters": interval(record, "adopters"),
            "p10-p90": f"{record['adopters_p10']:,.0f}-{record['adopters_p90']:,.0f}",
            "flop": f"{record['flop_probability']:.0%}",
            "reach": interval(record, "reach"),
        }
        if priced:
            row[f"cost/adopter {currency}".strip()] = interval(
                record | {"cost_per_adopter_mean": record["cost_per_adopter"]},
                "cost_per_adopter",
                digits=2,
            )
        row |= {
            _to_half(step_hours): interval(record, "days_to_half", digits=1),
            "vs best": interval(record, "diff_vs_best"),
        }
        rows.append(row)
    return pd.DataFrame(rows).to_string(index=False)


def interval(record: dict, column: str, digits: int = 0) -> str:
    """``mean [low, high]`` from a record's ``<column>_mean``, ``_low`` and ``_high``."""

    def show(value: float) -> str:
        if value != value:  # NaN
            return "-"
        if value in (float("inf"), float("-inf")):
            return "inf"
        return f"{round(value, digits) + 0.0:,.{digits}f}"  # + 0.0 turns -0 into 0

    mean, low, high = (record[f"{column}_{part}"] for part in ("mean", "low", "high"))
    if mean != mean:
        return "-"
    if low != low:
        return show(mean)
    return f"{show(mean)} [{show(low)}, {show(high)}]"


def run_summary(summary: pd.DataFrame, step_hours: float = 24.0) -> str:
    """The per-strategy summary of ``run`` as text."""
    rows = [
        {
            "strategy": record["strategy"],
            "seeds": record["seeds"],
            "adopters": interval(record, "organic_adopters"),
            "reach": interval(record, "reach"),
            _to_half(step_hours): interval(record, "time_to_half", digits=1),
        }
        for record in summary.to_dict(orient="records")
    ]
    return pd.DataFrame(rows).to_string(index=False)
