"""The Mesa teaching model is the engine, seen through Mesa: same curve, same final states."""

import ast
import copy
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("mesa")
pytest.importorskip("solara")

import sim
from sim.config.schema import Scenario
from sim.model.streams import replication_keys
from sim.teach import presets
from sim.teach.explain import explain
from sim.teach.model import CLICKED, InfluenceModel

ROOT = Path(__file__).resolve().parents[1]


def run_to_end(model: InfluenceModel) -> InfluenceModel:
    while model.running:
        model.step()
    return model


def engine_run(scenario: dict, strategy: str):
    """The same settings through the plain API: build, then run replication 0."""
    simulation = sim.build(Scenario.model_validate(scenario), strategy=strategy)
    raw = simulation.run(replication_keys(scenario["seed"], [0]))
    return simulation, raw


def assert_same_run(model: InfluenceModel, simulation, raw) -> None:
    record = model.simulation.record
    np.testing.assert_array_equal(record.step_stats, raw.step_stats)
    np.testing.assert_array_equal(record.by_origin, raw.by_origin)
    np.testing.assert_array_equal(model.seeds, simulation.schedule.seeds)
    for view in ("adopt_time", "first_seen", "origin", "n_sources"):
        np.testing.assert_array_equal(getattr(model.simulation, view), getattr(simulation, view))
    np.testing.assert_allclose(model.simulation.influence, simulation.influence, rtol=0, atol=0)
    curve = model.curve
    adopted = np.concatenate([[0], np.cumsum(raw.stat("new_adopters")[0])])
    aware = np.concatenate([[0], np.cumsum(raw.stat("new_aware")[0])])
    np.testing.assert_array_equal(curve["adopted"].to_numpy(), adopted)
    np.testing.assert_array_equal(curve["aware"].to_numpy(), aware)
    np.testing.assert_array_equal(curve["day"].to_numpy(), np.arange(raw.step_stats.shape[1] + 1))


def test_the_mesa_model_is_the_engine_run_with_the_same_key_and_settings():
    model = run_to_end(
        InfluenceModel(
            scenario="classroom",
            strategy="several micro",
            threshold=0.2,
            min_sources=2,
            sponsored_weight=0.6,
            tie_half_life=5.0,
            topic="tech",
            rule="threshold",
            rng=11,
        )
    )
    spec = copy.deepcopy(presets.CLASSROOM)
    spec["population"] |= {"threshold": 0.2, "min_sources": 2}
    spec["dynamics"] |= {"tie_half_life": 5.0, "rule": "threshold"}
    spec["campaign"] |= {"sponsored_weight": 0.6, "topic": "tech"}
    spec["seed"] = 11
    simulation, raw = engine_run(spec, "several micro")
    assert raw.final_adopters()[0] > 20  # a real cascade, not two empty runs
    assert_same_run(model, simulation, raw)
    assert model.adopters == int(raw.final_adopters()[0])


def test_clicked_seeds_are_an_explicit_strategy_of_the_same_engine():
    model = run_to_end(
        InfluenceModel(scenario="clustered ring", strategy=CLICKED, seeds=[10, 11, 12], rng=4)
    )
    spec = copy.deepcopy(presets.BUILT_IN["clustered ring"])
    spec["strategies"] = [
        {"name": "mine", "select": "explicit", "ids": [10, 11, 12], "k": 3},
    ]
    spec["seed"] = 4
    simulation, raw = engine_run(spec, "mine")
    assert_same_run(model, simulation, raw)
    assert raw.final_adopters()[0] > 100  # three neighbours carry a 2-source cascade round


def test_rng_seeds_the_network_population_and_replication_key():
    a = run_to_end(InfluenceModel(strategy="random", rng=1))
    b = run_to_end(InfluenceModel(strategy="random", rng=1))
    c = run_to_end(InfluenceModel(strategy="random", rng=2))
    np.testing.assert_array_equal(a.curve["adopted"], b.curve["adopted"])
    assert a.key == replication_keys(1, [0])[0]
    assert not np.array_equal(a.setup.network.indices, c.setup.network.indices)
    # no rng: the scenario's own seed
    assert InfluenceModel().root_seed == presets.CLASSROOM["seed"]


def test_agents_are_views_of_the_engine_arrays_on_a_mesa_network():
    model = InfluenceModel(scenario="classroom", strategy="many nano", rng=7)
    for _ in range(6):
        model.step()
    network = model.setup.network
    assert len(model.agents) == network.n_nodes == len(model.grid.all_cells.cells)
    adopted = model.simulation.adopted
    for node in (0, 17, int(model.seeds[0]), 499):
        account = model.accounts[node]
        assert account.cell is model.grid[node]
        assert account.adopted == bool(adopted[node])
        assert account.state == model.states()[node]
        assert account.threshold == pytest.approx(model.simulation.agents.threshold[node])
        followers = network.indices[network.indptr[node] : network.indptr[node + 1]]
        neighbours = sorted(cell.coordinate for cell in account.cell.neighborhood)
        assert neighbours == sorted(followers.tolist())
    states = model.states()
    assert (states == "adopted").sum() == model.adopters
    assert (states != "unaware").sum() == model.aware_count


def test_explain_reports_what_the_threshold_rule_compared():
    model = InfluenceModel(scenario="clustered ring", strategy="four neighbours", rng=3)
    for _ in range(2):
        model.step()
    sim_ = model.simulation
    exposed = np.flatnonzero((sim_.first_seen >= 0) & (sim_.adopt_time < 0))
    adopted = np.flatnonzero((sim_.adopt_time >= 0) & ~np.isin(np.arange(300), model.seeds))
    assert exposed.size and adopted.size
    why = explain(sim_, int(exposed[0]))
    assert why.state == "exposed" and why.min_sources == 2 and why.n_sources == 1
    assert sum(s.reached for s in why.sources) == 1
    assert "1 more source" in why.verdict
    done = explain(sim_, int(adopted[0]))
    assert done.state == "adopted" and sum(s.reached for s in done.sources) >= 2
    for s in done.sources:
        assert s.trust == pytest.approx(s.tie * s.expertise * s.interest)
    seed = explain(sim_, int(model.seeds[0]))
    assert seed.is_seed and "seed" in seed.verdict


def test_knobs_are_checked_by_the_scenario_gate():
    with pytest.raises(sim.InputError, match=r"population.threshold"):
        InfluenceModel(threshold="high")
    with pytest.raises(sim.InputError, match=r"min_sources"):
        InfluenceModel(min_sources=0)
    with pytest.raises(sim.InputError, match=r"sponsored_weight: scenario 'clustered ring'"):
        InfluenceModel(scenario="clustered ring", sponsored_weight=0.5)
    with pytest.raises(sim.InputError, match=r"strategy: 'nobody'"):
        InfluenceModel(strategy="nobody")
    with pytest.raises(sim.InputError, match=r"seeds: click"):
        InfluenceModel(strategy=CLICKED)
    with pytest.raises(sim.InputError, match=r"over budget"):
        InfluenceModel(strategy=CLICKED, seeds=list(range(200)))
    with pytest.raises(sim.InputError, match=r"rng"):
        InfluenceModel(rng=-1)


def test_large_networks_are_viewed_through_a_fixed_sample():
    spec = copy.deepcopy(presets.BUILT_IN["random ring"])
    spec["network"]["n"] = 12_000
    model = InfluenceModel(scenario=Scenario.model_validate(spec), strategy="random", rng=3)
    assert model.sampled and len(model.agents) == 2_000
    assert model.setup.network.n_nodes == 12_000
    again = InfluenceModel(scenario=Scenario.model_validate(spec), strategy="random", rng=3)
    np.testing.assert_array_equal(model.view_nodes, again.view_nodes)


def test_every_shipped_scenario_opens():
    for name in presets.shipped_scenarios():
        if name == "quickstart":
            continue  # 10^5 agents: opened by the browser-free page test only by name
        scenario = sim.load_scenario(presets.SHIPPED / f"{name}.yaml")
        assert scenario.network is not None
    small = InfluenceModel(scenario="email_eu_core", rng=1)
    small.step()
    assert small.day == 1


def test_only_the_adapter_imports_mesa_or_solara():
    files = [*sorted((ROOT / "sim" / "teach").glob("*.py")), ROOT / "sim" / "cli" / "teach.py"]
    for path in files:
        if not path.exists() or path.name == "adapter.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            bad = [n for n in names if n.split(".")[0] in {"mesa", "solara", "reacton"}]
            assert not bad, f"{path.name} imports {bad}: go through sim.teach.adapter"


def test_a_well_mixed_population_is_drawn_and_explained_without_edges(tmp_path):
    """Bass in a well-mixed classroom: the page's picture places every agent (no edges to
    draw), the curve follows the engine, and a click explains by how many others posted."""
    from sim.teach import figures
    from sim.teach.explain import explain

    path = tmp_path / "bass.yaml"
    path.write_text(
        "name: bass classroom\nnetwork: {generator: well_mixed, n: 300}\n"
        "dynamics: {rule: bass, external_p: 0.02, bass_q: 0.5, active_steps: null}\n"
        "strategies: [{name: advertising only, select: none}]\nsteps: 30\nreplications: 3\n"
    )
    model = InfluenceModel(scenario=str(path))
    for _ in range(6):
        model.step()
    picture = figures.Picture(model)
    assert picture.edges.shape == (0, 2)
    assert picture.positions.shape == (300, 2)
    assert (picture.positions >= 0).all() and (picture.positions <= 1).all()
    assert len(np.unique(picture.positions.round(6), axis=0)) == 300  # nobody on top of another
    assert picture.curve()["series"][0]["data"][-1] == [6, model.adopters]
    assert model.adopters == int(model.simulation.adopted.sum()) > 0
    waiting = int(np.flatnonzero(~model.simulation.adopted)[0])
    why = explain(model.simulation, waiting)
    posted = int(model.simulation.posted.sum())
    assert f"follows all 299 others (tie 1); {posted} of them have posted" in why.verdict
    assert why.sources == () and "follows nobody" not in why.markdown("general")
