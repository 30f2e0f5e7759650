"""A one-file HTML report of a comparison, for a strategist to send on: the verdict, the table,
the figures (embedded), what each column means, and the assumptions the numbers rest on."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from sim.analysis.comparison import Comparison
from sim.config.schema import Scenario
from sim.report.text import format_comparison

FIGURES = (
    ("adoption_curves.png", "Adoption over time (mean, with a band for the mean)"),
    ("outcomes.png", "What one campaign may get: every replication"),
    ("cost_per_adopter.png", "Cost per adopter (lower is better)"),
)

COLUMNS = (
    ("adopters", "mean organic adopters (paid seeds excluded) with its interval"),
    ("p10-p90", "the range eight in ten single campaigns fall in"),
    ("flop", "share of replications under the flop line (a share of the best's median)"),
    ("reach", "agents who saw at least one post, adopters included"),
    ("cost/adopter", "spend / mean adopters, with a bootstrap interval"),
    ("days to half", "days until half of the final organic adopters had adopted"),
    ("vs best", "paired difference in adopters against the best, on the same random draws"),
)


def write_report(comparison: Comparison, out: Path, scenario: Scenario | None = None) -> Path:
    """Write ``report.html`` into ``out`` (the figures must already be there)."""
    meta = comparison.results.meta
    currency = meta.get("currency") or ""
    table = format_comparison(comparison.table, currency, meta.get("step_hours", 24.0))
    name = scenario.name if scenario is not None else "comparison"
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{_e(name)}: seeding strategies compared</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;"
        "padding:0 1em;color:#222}pre{background:#f6f6f6;padding:1em;overflow-x:auto}"
        "img{max-width:100%;border:1px solid #ddd;margin:.5em 0}td,th{padding:.2em .8em;"
        "text-align:left;vertical-align:top}h2{margin-top:1.5em}</style></head><body>",
        f"<h1>{_e(name)}</h1>",
        f"<p><strong>{_e(comparison.verdict)}.</strong></p>",
        f"<h2>Strategies</h2><pre>{_e(table)}</pre>",
        _definitions(comparison),
    ]
    for file, caption in FIGURES:
        path = out / file
        if path.exists():
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            parts.append(
                f"<h2>{_e(caption)}</h2><img alt='{_e(caption)}' "
                f"src='data:image/png;base64,{data}'>"
            )
    parts.append("<h2>Assumptions</h2>" + _assumptions(meta, scenario))
    parts.append(
        f"<p><small>influence-sim {_e(str(meta.get('version')))}, seed {meta.get('seed')}: "
        "the same scenario and seed give the same numbers.</small></p></body></html>"
    )
    target = out / "report.html"
    target.write_text("\n".join(parts), encoding="utf-8")
    return target


def _definitions(comparison: Comparison) -> str:
    rows = "".join(f"<tr><th>{_e(a)}</th><td>{_e(b)}</td></tr>" for a, b in COLUMNS)
    return (
        f"<p>Intervals are {comparison.confidence:.0%}. A flop is a replication under "
        f"{comparison.flop_share:.0%} of the best strategy's median.</p><table>{rows}</table>"
    )


def _assumptions(meta: dict, scenario: Scenario | None) -> str:
    network = meta.get("network", {})
    rows = {
        "network": f"{network.get('name', '')}: {network.get('nodes', 0):,} agents, "
        f"{network.get('edges', 0):,} follow edges",
        "adoption rule": meta.get("rule"),
        "campaign topic": meta.get("topic"),
        "days simulated": meta.get("steps"),
        "replications": meta.get("replications"),
    }
    if meta.get("budget"):
        rows["budget"] = f"{meta['budget']:,.0f} {meta.get('currency') or ''}"
    if scenario is not None and scenario.campaign is not None:
        campaign = scenario.campaign
        rows["prices"] = str(
            campaign.prices if isinstance(campaign.prices, str) else campaign.prices.model_dump()
        )
        rows["price scale"] = str(campaign.price_scale)
        rows["engagement"] = str(campaign.engagement)
        rows["sponsored weight"] = str(campaign.sponsored_weight)
    if scenario is not None:
        rows["dynamics"] = ", ".join(
            f"{k} {v}" for k, v in scenario.dynamics.model_dump().items() if v is not None
        )
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(str(v))}</td></tr>" for k, v in rows.items())
    return f"<table>{body}</table><p>Prices and engagement: see docs/pricing.md.</p>"


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


__all__ = ["write_report"]
