"""influence-sim optimize: the plan, fresh-replication adopters, --save as an explicit strategy,
select: optimized in compare."""

import json

from sim.cli.main import main
from sim.config.gate import load_scenario

SCENARIO = """\
name: small
network: {generator: erdos_renyi, n: 600, mean_degree: 4, ties: 0.3}
dynamics: {rule: cascade}
campaign: {budget: 1500, prices: rate_card, engagement: null,
           tiers: {reference_population: 60000}}
strategies:
  - {name: top followers, select: top_followers}
  - {name: 10 nano, select: tier, tier: nano, k: 10}
steps: 30
replications: 60
seed: 1
"""


def write(tmp_path, text=SCENARIO):
    path = tmp_path / "small.yaml"
    path.write_text(text)
    return path


def test_optimize_prints_a_plan_within_budget_and_saves_it_as_explicit(tmp_path, capsys):
    path = write(tmp_path)
    plan = tmp_path / "plan.yaml"
    code = main(["optimize", str(path), "--method", "celf", "--pool", "followers:30",
                 "--samples", "8", "--json", "--save", str(plan)])  # fmt: skip
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["method"] == "celf" and 0 < report["spend"] <= 1500
    assert sum(row["price"] for row in report["plan"]) == report["spend"]
    names = [row["strategy"] for row in report["comparison"]]
    assert names == ["top followers", "10 nano", "optimised"]
    saved = load_scenario(plan)
    explicit = saved.strategies[-1]
    assert explicit.select == "explicit"
    assert sorted(explicit.ids) == sorted(row["id"] for row in report["plan"])
    assert main(["compare", str(plan), "-q", "--out", str(tmp_path / "out"), "--no-plots"]) == 0


def test_ris_with_a_budget_override_and_the_text_report(tmp_path, capsys):
    path = write(tmp_path)
    code = main(["optimize", str(path), "--method", "ris", "--epsilon", "0.3", "--budget", "1200",
                 "-q"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "RR sets" in out and "MiB" in out and "fresh replications" in out
    assert "spend" in out and "of 1,200 USD" in out


def test_select_optimized_runs_in_compare(tmp_path, capsys):
    text = SCENARIO.replace(
        "  - {name: 10 nano, select: tier, tier: nano, k: 10}\n",
        "  - {name: 10 nano, select: tier, tier: nano, k: 10}\n"
        "  - {name: best, select: optimized, pool: 20, samples: 8, method: celf}\n",
    )
    path = write(tmp_path, text)
    assert main(["compare", str(path), "-q", "--json", "--out", str(tmp_path / "o"),
                 "--no-plots"]) == 0  # fmt: skip
    summary = json.loads(capsys.readouterr().out)
    assert "best" in json.dumps(summary)


def test_bad_pool_and_budget_without_campaign_are_one_line_errors(tmp_path, capsys):
    path = write(tmp_path)
    assert main(["optimize", str(path), "--pool", "size:3", "-q"]) == 2
    assert "--pool" in capsys.readouterr().err
    bare = write(tmp_path, SCENARIO.replace(
        "campaign: {budget: 1500, prices: rate_card, engagement: null,\n"
        "           tiers: {reference_population: 60000}}\n", "").replace(
        "select: top_followers}", "select: top_followers, k: 3}"))  # fmt: skip
    assert main(["optimize", str(bare), "--budget", "10", "-q"]) == 2
    assert "no campaign" in capsys.readouterr().err
