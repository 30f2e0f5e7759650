"""Every malformed scenario gets one clear message: file, line, key path, bad value, allowed."""

import json

import pytest

from sim.cli import main
from sim.config import ScenarioError, load_scenario

BASE = """\
name: t
network: {generator: follower_graph, n: 5000}
population: {topics: [fitness, tech], threshold: 0.2}
campaign: {topic: fitness, budget: 5000, prices: rate_card}
strategies:
  - {name: micro, select: tier, tier: micro}
steps: 10
replications: 4
"""

CASES = {
    "unknown key": (
        ("steps: 10", "stepz: 10"),
        ["bad.yaml, line 7: stepz: unknown key", "(got 10)"],
    ),
    "wrong type": (
        ("steps: 10", "steps: ten"),
        ["line 7: steps: Input should be a valid integer", "(got 'ten')"],
    ),
    "out of range": (
        ("budget: 5000,", "budget: 5000, sponsored_weight: 1.5,"),
        ["line 4: campaign.sponsored_weight: Input should be less than or equal to 1", "1.5"],
    ),
    "negative budget": (
        ("budget: 5000", "budget: -5"),
        ["line 4: campaign.budget: Input should be greater than 0", "(got -5)"],
    ),
    "topic not among topics": (
        ("topic: fitness,", "topic: cooking,"),
        ["line 4: campaign.topic: 'cooking' is not one of population.topics", "'fitness'"],
    ),
    "unknown generator": (
        ("follower_graph", "followers"),
        ["line 2: network.generator: Input should be 'erdos_renyi'", "(got 'followers')"],
    ),
    "unknown distribution": (
        ("threshold: 0.2", "threshold: {dist: gamma, a: 1}"),
        ["line 3: population.threshold:", "'gamma'", "'uniform'"],
    ),
    "unknown price preset": (
        ("prices: rate_card", "prices: cheap"),
        ["line 4: campaign.prices: Input should be 'rate_card' or 'survey' (got 'cheap')"],
    ),
    "incomplete price table": (
        ("prices: rate_card", "prices: {tiers: {nano: 50}}"),
        ["line 4: campaign.prices: prices.tiers needs a price for micro, macro, mega"],
    ),
    "unknown select": (
        ("select: tier, tier: micro", "select: biggest"),
        ["line 6: strategies.0.select: Input should be 'tier'", "(got 'biggest')"],
    ),
    "tier missing": (
        ("select: tier, tier: micro", "select: tier"),
        ["line 6: strategies.0: select 'tier' needs 'tier' (nano, micro, macro or mega)"],
    ),
    "duplicate names": (
        (
            "  - {name: micro, select: tier, tier: micro}",
            "  - {name: a, select: random}\n  - {name: a, select: random}",
        ),
        ["line 5: strategies: names must be distinct; repeated: ['a']"],
    ),
    "post after last day": (
        ("select: tier, tier: micro}", "select: tier, tier: micro, posts: 4, every: 4}"),
        ["line 6: strategies.0: 'micro' posts on day 12, after the last day (9)"],
    ),
    "missing network file": (
        ("{generator: follower_graph, n: 5000}", "{file: no_such_file.txt}"),
        ["line 2: network.file: file not found", "no_such_file.txt"],
    ),
    "not yaml": (
        ("steps: 10", "steps: [10"),
        ["bad.yaml, line 8: not valid YAML"],
    ),
    "duplicate key": (
        ("steps: 10", "steps: 10\nsteps: 12"),
        ["line 8: steps: key given twice (first on line 7)"],
    ),
    "edge list weight by name": (
        ("{generator: follower_graph, n: 5000}", "{file: edges.txt, weight: w}"),
        ["line 2: network.weight: an edge list has no column names", "got 'w'"],
    ),
    "weight and ties": (
        ("{generator: follower_graph, n: 5000}", "{file: edges.txt, weight: 2, ties: 0.3}"),
        ["line 2: network.ties: give either a weight column or ties, not both"],
    ),
    "boolean for a number": (
        ("n: 5000}", "n: true}"),
        ["line 2: network.n: Input should be a valid integer (got True)"],
    ),
    "string for a number": (
        ("steps: 10", "steps: '10'"),
        ["line 7: steps: Input should be a valid integer (got '10')"],
    ),
    "nan activity": (
        ("threshold: 0.2}", "threshold: 0.2, activity: .nan}"),
        ["line 3: population.activity: Input should be a finite number (got nan)"],
    ),
    "infinite budget": (
        ("budget: 5000", "budget: .inf"),
        ["line 4: campaign.budget: Input should be a finite number (got inf)"],
    ),
    "infinite ties": (
        ("n: 5000}", "n: 5000, ties: .inf}"),
        ["line 2: network.ties: Input should be a finite number (got inf)"],
    ),
    "not a mapping": (
        (BASE, "- just\n- a list\n"),
        ["bad.yaml: a scenario must be a mapping of keys, got list"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_scenario_message(case, tmp_path):
    (old, new), expected = CASES[case]
    assert old in BASE
    path = tmp_path / "bad.yaml"
    path.write_text(BASE.replace(old, new))
    (tmp_path / "edges.txt").write_text("0 1 5\n1 2 -5\n")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    message = str(raised.value)
    assert str(path) in message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_the_base_scenario_is_valid(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(BASE)
    assert load_scenario(path).strategies[0].name == "micro"


def test_strategy_over_budget_names_file_line_and_amounts(tmp_path, capsys):
    path = tmp_path / "over.yaml"
    path.write_text(
        BASE.replace(
            "  - {name: micro, select: tier, tier: micro}",
            "  - {name: micro, select: tier, tier: micro}\n"
            "  - {name: macros, select: tier, tier: macro, k: 3}",
        )
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}, line 7: strategies.1: strategy 'macros' is over budget" in err
    assert "cost 15,000 USD, the budget is 5,000 USD" in err


def test_yaml_objects_are_never_constructed(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text(
        BASE.replace("name: t", "name: !!python/object/apply:os.system ['echo hacked']")
    )
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(path)


def test_relative_paths_resolve_against_the_scenario_file(tmp_path):
    folder = tmp_path / "deep"
    folder.mkdir()
    (folder / "edges.txt").write_text("0 1\n1 2\n2 0\n")
    path = folder / "s.yaml"
    path.write_text(BASE.replace("{generator: follower_graph, n: 5000}", "{file: edges.txt}"))
    scenario = load_scenario(path)
    assert scenario.network.file == (folder / "edges.txt").resolve()


def test_validate_and_schema_commands(tmp_path, capsys):
    path = tmp_path / "good.yaml"
    path.write_text(BASE)
    assert main(["validate", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["strategies"][0]["spend"] <= 5000
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"network", "campaign", "strategies"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_file_network_options_reach_the_loader(tmp_path):
    """weight_scale on an edge list, .csv.gz read as CSV, attention tiers from the campaign."""
    import gzip

    import numpy as np

    import sim

    (tmp_path / "edges.txt").write_text("0 1 10\n1 2 -10\n2 0 0\n")
    path = tmp_path / "w.yaml"
    path.write_text(
        BASE.replace(
            "{generator: follower_graph, n: 5000}",
            "{file: edges.txt, weight: 2, weight_scale: [-10, 10]}",
        ).replace("tier: micro}", "tier: nano, k: 1}")
    )
    setup = sim.prepare(load_scenario(path))
    assert sorted(setup.network.tie_values().tolist()) == [0.0, 0.5, 1.0]
    with gzip.open(tmp_path / "edges.csv.gz", "wt") as handle:
        handle.write("source,target\n0,1\n1,2\n")
    path.write_text(BASE.replace("{generator: follower_graph, n: 5000}", "{file: edges.csv.gz}"))
    assert sim.prepare(load_scenario(path)).network.n_edges == 2
    # with the reference platform at 2,000 accounts, a 5,000-agent network has its mega tier
    # at 2,500 followers: nobody is mega, so the mega attention value is unused
    path.write_text(
        BASE.replace(
            "threshold: 0.2}",
            "threshold: 0.2, attention: {mode: tiers, "
            "tiers: {nano: 0.5, micro: 0.4, macro: 0.3, mega: 0.01}}}",
        ).replace("prices: rate_card}", "prices: rate_card, tiers: {reference_population: 2000}}")
    )
    setup = sim.prepare(load_scenario(path))
    assert 0.01 not in np.unique(setup.agents.attention)


LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (LAUGHS, "YAML aliases expand to more than 100,000 values"),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", "line 1: nesting deeper than 32 levels"),
        ("a: &a [1, *a]\n", "line 1: a YAML alias refers to itself"),
        ("name: x\n" + "# padding\n" * 200_000, "scenario file is 2,000,008 bytes; the limit"),
    ],
)
def test_hostile_yaml_is_refused_before_it_is_built(tmp_path, capsys, text, message):
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_unreadable_scenario_paths_get_one_line(tmp_path, capsys):
    binary = tmp_path / "latin1.yaml"
    binary.write_bytes("name: caf\u00e9\n".encode("latin-1"))
    cases = {
        str(tmp_path): "not a regular file (a folder)",
        "/dev/null": "not a regular file (special)",
        str(tmp_path / "missing.yaml"): "no such file",
        str(binary): "line 1: not UTF-8 text (byte 0xe9 at offset 9)",
    }
    for path, message in cases.items():
        assert main(["validate", path]) == 2
        err = capsys.readouterr().err
        assert message in err, path
        assert err.count("\n") == 1


def test_generator_and_population_file_errors_say_where_in_the_scenario(tmp_path, capsys):
    path = tmp_path / "ws.yaml"
    path.write_text(
        BASE.replace(
            "{generator: follower_graph, n: 5000}",
            ("{generator: watts_strogatz, n: 100, k: 3, p: 0.1}"),
        )
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}, line 2: network: watts_strogatz: k must be even" in err
    assert "got k=3" in err
    (tmp_path / "agents.csv").write_text("node,threshold\n0,0.1\n1,lots\n")
    path.write_text(BASE.replace("threshold: 0.2}", "threshold: 0.2, file: agents.csv}"))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}, line 3: population: " in err
    assert "agents.csv, line 3: threshold: expected a finite number, got 'lots'" in err


def test_an_empty_tier_says_its_bounds_and_which_way_to_move(tmp_path, capsys):
    path = tmp_path / "small.yaml"
    path.write_text(
        "name: small\n"
        "network: {generator: erdos_renyi, n: 2000, mean_degree: 5}\n"
        "campaign: {budget: 20000}\n"
        "strategies: [{name: celeb, select: tier, tier: mega, k: 1}]\n"
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "no accounts in tier mega" in err
    assert "mega means at least 200 followers in a network of 2,000 agents" in err
    assert "raise campaign.tiers.reference_population" in err
    # following the advice makes the tier reachable
    path.write_text(
        path.read_text().replace(
            "budget: 20000}", "budget: 20000, tiers: {reference_population: 1000000000}}"
        )
    )
    assert main(["validate", str(path)]) == 0


def test_explicit_ids_cut_by_the_budget_are_announced(tmp_path, capsys):
    path = tmp_path / "ids.yaml"
    path.write_text(
        "name: ids\n"
        "network: {generator: erdos_renyi, n: 2000, mean_degree: 5}\n"
        "campaign: {budget: 1200}\n"
        "strategies: [{name: mine, select: explicit, ids: [1, 2, 3, 4, 5]}]\n"
        "steps: 5\nreplications: 2\n"
    )
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "note: strategy 'mine': the budget of 1,200 USD buys 2 of the 5 listed ids" in out
    assert main(["compare", str(path), "--out", str(tmp_path / "o"), "--no-plots"]) == 0
    assert "buys 2 of the 5 listed ids" in capsys.readouterr().out


def test_free_accounts_are_announced(tmp_path, capsys):
    path = tmp_path / "free.yaml"
    path.write_text(
        "name: free\n"
        "network: {generator: erdos_renyi, n: 2000, mean_degree: 5}\n"
        "campaign: {budget: 1000, prices: {tiers: {nano: 0, micro: 0, macro: 5, mega: 9}}}\n"
        "strategies: [{name: cheap, select: tier, tier: micro, k: 50}]\n"
    )
    assert main(["validate", str(path)]) == 0
    assert "note: strategy 'cheap': 50 of its 50 accounts cost nothing" in capsys.readouterr().out


def test_out_pointing_at_a_file_is_refused(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    target = tmp_path / "taken.txt"
    target.write_text("mine")
    assert main(["run", str(path), "--out", str(target)]) == 2
    assert "is a file; give a folder path" in capsys.readouterr().err
    assert target.read_text() == "mine"


def test_a_tie_strength_outside_0_1_is_refused_not_clipped():
    import sim

    for ties in (2, -0.5):
        with pytest.raises(sim.InputError, match=r"network.ties: a tie strength lies in 0..1"):
            sim.prepare(
                network={"generator": "erdos_renyi", "n": 50, "mean_degree": 3, "ties": ties},
                strategies=[{"name": "a", "select": "top_followers", "k": 1}],
            )
