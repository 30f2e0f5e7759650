"""Every shipped scenario validates and runs: a smoke test over ``scenarios/*.yaml``.

The files are found by glob, so a new scenario is covered as soon as it is added. Each runs
with a handful of replications only: whether a scenario's header claim holds at its shipped
replication count is the regression baseline's business, not this file's.
"""

from pathlib import Path

import numpy as np
import pytest
import yaml

from sim import compare, load_scenario
from sim.config import Scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))
SHIPPED = {
    "quickstart",
    "macro_vs_micro_vs_nano",
    "topic_relevance",
    "relationships_vs_paid",
    "complex_contagion",
    "email_eu_core",
}


def test_the_glob_finds_the_shipped_scenarios():
    assert SHIPPED <= {path.stem for path in FILES}, [path.name for path in FILES]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_scenario_starts_with_a_comment_header(path):
    """A scenario says, before any key, what question it answers and what it assumes."""
    lines = path.read_text().splitlines()
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    assert len(header) >= 3, f"{path.name}: start with a comment header (question, assumptions)"


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_scenario_validates_and_runs(path):
    scenario = load_scenario(path)
    assert scenario.replications >= 1
    comparison = compare(scenario, replications=4, bootstrap=200)
    table = comparison.table

    names = [strategy.name for strategy in scenario.strategies]
    assert list(table["strategy"]) == names
    assert comparison.results.meta["replications"] == 4
    assert (table["adopters_mean"] >= 0).all()
    assert (table["reach_mean"] >= 0).all()
    assert (table["seeds"] >= 1).all()
    assert table["best"].sum() == 1
    if scenario.campaign is not None:
        budget = scenario.campaign.budget
        over = table.loc[table["spend"] > budget * (1 + 1e-9), ["strategy", "spend"]]
        assert over.empty, f"over the budget of {budget}: {over.to_dict(orient='records')}"
    else:
        assert (table["spend"] == 0).all()
    assert np.isfinite(table["adopters_mean"]).all()


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_scenario_matches_the_exported_json_schema(path):
    """What `influence-sim schema` exports (for editors) accepts every shipped scenario."""
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(Scenario.model_json_schema())
    errors = [error.message for error in validator.iter_errors(yaml.safe_load(path.read_text()))]
    assert not errors, errors
