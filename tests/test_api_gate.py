"""One gate for YAML and Python alike: Python callers get the scenario's checks and messages."""

import numpy as np
import pytest

import sim
from sim.config import GeneratedNetwork, Strategy, load_scenario, with_overrides
from sim.errors import InputError

NETWORK = GeneratedNetwork(generator="erdos_renyi", n=400, mean_degree=4, ties=0.3)
CASCADE = {"rule": "cascade"}


def run(**parts):
    base = {"network": NETWORK, "dynamics": CASCADE, "steps": 15, "replications": 4, "seed": 3}
    return sim.run(**(base | parts))


def test_explicit_ids_without_campaign_or_k_use_the_ids():
    results = run(strategies=[Strategy(name="two", select="explicit", ids=[3, 7])])
    assert results.strategies["seeds"].tolist() == [2]
    assert (results.replications["seeds"] == 2).all()


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (
            {"strategies": [Strategy(name="top", select="top_followers")]},
            r"strategies\.0: 'top' needs a campaign budget \(no k given\)",
        ),
        (
            {"strategies": [Strategy(name="late", select="top_followers", k=2, start=20)]},
            r"strategies\.0: 'late' posts on day 20, after the last day \(14\)",
        ),
        (
            {"strategies": [Strategy(name="x", select="top_followers", k=2)], "steps": 0},
            r"steps: Input should be greater than or equal to 1",
        ),
        ({"strategies": []}, "strategies"),
        (
            {"strategies": [{"name": "x", "select": "top", "k": 2}]},
            r"strategies\.0\.select: Input should be",
        ),
        (
            {
                "strategies": [Strategy(name="x", select="top_followers", k=2)],
                "network": {"generator": "erdos_renyi", "n": 400},
            },
            r"network: generator 'erdos_renyi' needs mean_degree",
        ),
        (
            {
                "strategies": [Strategy(name="x", select="top_followers", k=2)],
                "network": {"generator": "erdos_renyi", "n": 400, "mean_degre": 3},
            },
            r"network\.mean_degre: unknown key",
        ),
        (
            {
                "strategies": [Strategy(name="x", select="top_followers", k=2)],
                "dynamics": {"rule": "cascade", "tie_half_life": float("inf")},
            },
            r"dynamics\.tie_half_life",
        ),
        (
            {"strategies": [Strategy(name="x", select="explicit", ids=[9999])]},
            r"strategies\.0: strategy 'x': node 9999 is not in the network",
        ),
    ],
)
def test_python_parts_get_one_line_errors_with_the_key_path(parts, message):
    with pytest.raises(InputError, match=message) as error:
        run(**parts)
    assert "\n" not in str(error.value)
    assert "python argument" in str(error.value) or "strategies" in str(error.value)


def test_dicts_are_validated_into_the_same_objects():
    strategies = [{"name": "top3", "select": "top_followers", "k": 3}]
    from_dicts = run(network=NETWORK.model_dump(), strategies=strategies)
    from_models = run(strategies=[Strategy(**strategies[0])])
    assert from_dicts.replications.equals(from_models.replications)


def test_a_model_copy_that_skipped_validation_is_checked_again():
    # pydantic's model_copy(update=...) does not validate: the gate re-checks the whole part
    bad = NETWORK.model_copy(update={"mean_degree": -4.0})
    with pytest.raises(InputError, match=r"network\.mean_degree: Input should be greater than 0"):
        run(network=bad, strategies=[Strategy(name="x", select="top_followers", k=2)])


def test_overrides_are_revalidated_and_keep_the_file_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "name: s\n"
        "network: {generator: erdos_renyi, n: 300, mean_degree: 3}\n"
        "steps: 10\n"
        "strategies:\n"
        "  - {name: a, select: top_followers, k: 2, start: 5}\n"
    )
    scenario = load_scenario(path)
    changed = with_overrides(scenario, {"replications": 7, "dynamics.tie_half_life": 30})
    assert changed.replications == 7
    assert changed.dynamics.tie_half_life == 30
    assert scenario.replications == 100  # the original is untouched
    with pytest.raises(InputError, match=r"s\.yaml, line 3 \(override\): steps") as error:
        with_overrides(scenario, {"steps": 0})
    assert "Input should be greater than or equal to 1" in str(error.value)
    with pytest.raises(InputError, match=r"after the last day \(3\)"):
        with_overrides(scenario, {"steps": 4})  # the cross-field rule runs again
    with pytest.raises(InputError, match=r"dynamics\.tie_halflife: unknown key"):
        with_overrides(scenario, {"dynamics.tie_halflife": 3})
    with pytest.raises(InputError, match=r"campaign\.budget: campaign is not set"):
        with_overrides(scenario, {"campaign.budget": 3})  # no campaign section to change


def test_setup_and_scenario_are_not_mixed():
    setup = sim.prepare(
        network=NETWORK, strategies=[Strategy(name="x", select="top_followers", k=2)]
    )
    with pytest.raises(InputError, match="not both"):
        sim.run(setup=setup, steps=5)
    assert setup.steps == sim.Scenario.model_fields["steps"].default  # one home for defaults
    assert setup.replications == sim.Scenario.model_fields["replications"].default


@pytest.mark.parametrize("replications", [0, -3, range(0), 2.5, True])
def test_replication_counts_are_checked(replications):
    with pytest.raises(InputError, match="replications"):
        run(strategies=[Strategy(name="x", select="top_followers", k=2)], replications=replications)


def test_a_replication_range_gives_the_same_rows_as_the_full_run():
    strategies = [Strategy(name="x", select="top_followers", k=2)]
    full = run(strategies=strategies, replications=6).replications.set_index("replication")
    part = run(strategies=strategies, replications=range(3, 6)).replications
    part = part.set_index("replication")
    assert part.index.tolist() == [3, 4, 5]
    columns = ["final_adopters", "reach", "exposures"]
    assert np.array_equal(part[columns].to_numpy(), full.loc[[3, 4, 5], columns].to_numpy())
