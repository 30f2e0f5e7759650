"""Expanding a sweep design into points: a pure function, checked on its own."""

import numpy as np
import pytest

from sim.batch.design import expand, split_parameters
from sim.config import parse_scenario
from sim.config.gate import parse_setting
from sim.config.schema import Sweep
from sim.errors import InputError

BASE = parse_scenario(
    """
name: d
network: {generator: erdos_renyi, n: 300, mean_degree: 3}
dynamics: {rule: cascade}
campaign: {budget: 5000}
strategies: [{name: a, select: top_followers, k: 2}]
steps: 10
""",
    source="d.yaml",
)


def test_grid_crosses_lists_and_fixes_scalars():
    sweep = Sweep(
        parameters={
            "dynamics.tie_half_life": [7, 30, 90],
            "campaign.budget": [5000, 20000],
            "steps": 12,
        }
    )
    points = expand(BASE, sweep)
    assert [p.index for p in points] == list(range(6))
    assert [(p.values["dynamics.tie_half_life"], p.values["campaign.budget"]) for p in points] == [
        (7, 5000), (7, 20000), (30, 5000), (30, 20000), (90, 5000), (90, 20000)
    ]  # fmt: skip
    assert all(p.scenario.steps == 12 for p in points)  # fixed, not swept
    assert all("steps" not in p.values for p in points)
    assert points[3].scenario.dynamics.tie_half_life == 30
    assert points[3].scenario.campaign.budget == 20000
    assert BASE.dynamics.tie_half_life is None  # the base is untouched


def test_a_scenario_without_a_design_is_one_point():
    (point,) = expand(BASE)
    assert point.values == {} and point.scenario.name == "d"


def test_ranges_in_a_grid_need_a_count_and_give_evenly_spaced_values():
    with pytest.raises(InputError, match=r"sweep\.parameters\.campaign\.budget: .*needs count"):
        expand(BASE, Sweep(parameters={"campaign.budget": {"low": 1000, "high": 9000}}))
    points = expand(
        BASE, Sweep(parameters={"campaign.budget": {"low": 1000, "high": 9000, "count": 5}})
    )
    assert [p.values["campaign.budget"] for p in points] == [1000, 3000, 5000, 7000, 9000]
    logs = expand(
        BASE,
        Sweep(parameters={"dynamics.tie_half_life": {"low": 1, "high": 100, "log": True,
                                                     "count": 3}}),
    )  # fmt: skip
    np.testing.assert_allclose([p.values["dynamics.tie_half_life"] for p in logs], [1, 10, 100])


@pytest.mark.parametrize("design", ["random", "lhs"])
def test_random_and_latin_hypercube_draw_inside_the_ranges_reproducibly(design):
    sweep = Sweep(
        design=design,
        points=40,
        parameters={
            "dynamics.tie_half_life": {"low": 5, "high": 50, "log": True},
            "campaign.budget": {"low": 1000, "high": 9000, "integer": True},
            "dynamics.rule": ["cascade", "threshold"],
        },
    )
    first, again = expand(BASE, sweep), expand(BASE, sweep)
    assert [p.values for p in first] == [p.values for p in again]
    halves = np.array([p.values["dynamics.tie_half_life"] for p in first])
    budgets = [p.values["campaign.budget"] for p in first]
    assert ((halves >= 5) & (halves <= 50)).all()
    assert all(isinstance(b, int) and 1000 <= b <= 9000 for b in budgets)
    assert {p.values["dynamics.rule"] for p in first} == {"cascade", "threshold"}
    if design == "lhs":  # a Latin hypercube puts one point in each of n equal strata
        strata = np.floor((np.log(halves) - np.log(5)) / (np.log(50) - np.log(5)) * 40)
        assert sorted(strata.astype(int)) == list(range(40))
    other = expand(BASE, sweep.model_copy(update={"seed": 99}))
    assert [p.values for p in other] != [p.values for p in first]


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"dynamics.tie_half_life": []}, r"sweep\.parameters\.dynamics\.tie_half_life: an empty"),
        ({"dynamics.tie_halflife": [1, 2]}, r"sweep point 0 .*dynamics\.tie_halflife: unknown key"),
        ({"dynamics.tie_half_life": [5, -1]}, r"sweep point 1 .*greater than 0 \(got -1\)"),
        ({"nothing.here": [1]}, r"nothing\.here: no such key"),
        ({"dynamics.tie_half_life": {"low": 5, "high": 1}}, r"not a range: high \(1\.0\)"),
        ({"bad key": [1]}, r"not a dotted key path"),
        ({"sweep.points": [1]}, r"cannot sweep its own design"),
    ],
)
def test_bad_designs_are_refused_with_the_key_path(parameters, message):
    with pytest.raises(InputError, match=message):
        expand(BASE, Sweep(parameters=parameters))


def test_split_parameters():
    fixed, swept = split_parameters({"a.b": 1, "c": [1, 2], "d": {"low": 0, "high": 1}})
    assert fixed == {"a.b": 1} and swept["c"] == [1, 2] and swept["d"].high == 1


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("dynamics.tie_half_life=7,30,90", ("dynamics.tie_half_life", [7, 30, 90])),
        ("campaign.budget=5000:20000", ("campaign.budget", {"low": 5000, "high": 20000,
                                                             "log": False})),
        ("dynamics.tie_half_life=1e-1:10:log", ("dynamics.tie_half_life",
                                                {"low": 0.1, "high": 10, "log": True})),
        ("dynamics.rule=cascade,bass", ("dynamics.rule", ["cascade", "bass"])),
        ("steps=30", ("steps", 30)),
    ],
)  # fmt: skip
def test_command_line_settings(text, parsed):
    assert parse_setting(text) == parsed


@pytest.mark.parametrize("text", ["steps", "=3", "steps=", "a b=1", "x=1:2:3"])
def test_bad_command_line_settings(text):
    with pytest.raises(InputError, match="--set"):
        parse_setting(text)
