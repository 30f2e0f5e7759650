"""The teaching page without a browser: rendered with solara.render, driven through its widgets
and callbacks, and checked against the engine. (tests/test_teach_browser.py drives the real
page in chromium.)"""

import numpy as np
import pytest

pytest.importorskip("mesa")
pytest.importorskip("solara")

import ipyvuetify as v

from sim.model.streams import replication_keys
from sim.teach import adapter as ui
from sim.teach import app, export, figures
from sim.teach.layout import DRAW_LIMIT, sample_nodes
from sim.teach.model import CLICKED, InfluenceModel
from sim.teach.presets import LESSONS


@pytest.fixture(autouse=True)
def fresh_page():
    """Each test starts from the page's defaults (the reactive state is per session)."""
    app.knobs.set(dict(app.DEFAULTS))
    for variable, value in (
        (app.playing, False),
        (app.selected, None),
        (app.lesson, None),
        (app.click_to_seed, False),
        (app.colour_by, "state"),
    ):
        variable.set(value)
    yield


def header(rc) -> str:
    return rc.find(v.Html, class_="adopted-count").widget.children[0]


def button(rc, label):
    return rc.find(v.Btn, children=[label]).widget


def engine_adopters(knobs: dict, days: int) -> int:
    """Adopters after ``days`` in a whole-replication engine run with the page's settings."""
    model = InfluenceModel(**app.model_kwargs(knobs))
    simulation = model.setup.simulation(model.setup.plan(model.strategy_name))
    raw = simulation.run(replication_keys(model.root_seed, [0]))
    return int(raw.stat("new_adopters")[0, :days].sum())


def test_step_buttons_advance_the_engine_and_the_header_shows_its_count():
    _box, rc = ui.render(app.Page(), handle_error=False)
    assert header(rc).startswith("Day 0 of 30 · Adopted: 0")
    for _ in range(4):
        button(rc, "Step").click()
    expected = engine_adopters(app.knobs.value, 4)
    assert header(rc).startswith(f"Day 4 of 30 · Adopted: {expected} ")
    button(rc, "Reset").click()
    assert header(rc).startswith("Day 0 of 30")


def test_a_control_change_builds_a_new_run_with_that_knob():
    _box, rc = ui.render(app.Page(), handle_error=False)
    slider = rc.find(v.Slider, label="Min sources").widget
    slider.v_model = 2
    assert app.knobs.value["min_sources"] == 2
    strategy = rc.find(v.Select, label="Seeding strategy").widget
    strategy.v_model = "random"
    for _ in range(5):
        button(rc, "Step").click()
    knobs = dict(app.DEFAULTS) | {"min_sources": 2, "strategy": "random"}
    assert header(rc).startswith(f"Day 5 of 30 · Adopted: {engine_adopters(knobs, 5)} ")
    assert "(random)" in header(rc)


def test_bad_settings_show_one_line_instead_of_a_page():
    app.knobs.set(dict(app.DEFAULTS) | {"strategy": CLICKED, "seeds": tuple(range(300))})
    _box, rc = ui.render(app.Page(), handle_error=False)
    message = rc.find(v.Alert).widget.children[0]
    assert "over budget" in message and "\n" not in message


def test_lessons_set_their_knobs_and_say_what_to_look_for():
    _box, rc = ui.render(app.Page(), handle_error=False)
    for lesson in LESSONS:
        assert len(lesson.look_for) == 2 and all(s.endswith(".") for s in lesson.look_for)
        rc.find(v.Select, label="Classroom preset").widget.v_model = lesson.name
        assert app.knobs.value == dict(app.DEFAULTS) | lesson.knobs
        info = rc.find(v.Alert, type="info").widget.children[0]
        assert info == " ".join(lesson.look_for)
        assert "Adopted" in header(rc)  # the lesson's model builds


def test_clicking_an_agent_explains_it_and_seeding_mode_makes_it_a_seed():
    _box, rc = ui.render(app.Page(), handle_error=False)
    for _ in range(3):
        button(rc, "Step").click()
    # the page's click handler, fed the event ECharts sends for a node
    current = app.Session(app.knobs.value)
    node_index = 5
    app.on_graph_click(current, {"dataType": "node", "dataIndex": node_index})
    assert app.selected.value == int(current.picture.nodes[node_index])
    app.click_to_seed.set(True)
    app.on_graph_click(current, {"dataType": "node", "dataIndex": 7})
    app.on_graph_click(current, {"dataType": "node", "dataIndex": 9})
    assert app.knobs.value["seeds"] == (7, 9) and app.knobs.value["strategy"] == CLICKED
    app.on_graph_click(current, {"dataType": "node", "dataIndex": 7})
    assert app.knobs.value["seeds"] == (9,)
    assert "clicked seeds" in header(rc)
    app.on_graph_click(current, {"dataType": "edge", "dataIndex": 1})  # edges are ignored
    assert app.knobs.value["seeds"] == (9,)


def test_every_scenario_is_offered_and_a_shipped_file_opens():
    names = app.scenario_names()
    assert names[:3] == ["classroom", "clustered ring", "random ring"]
    assert {"quickstart", "complex_contagion", "email_eu_core"} <= set(names)
    _box, rc = ui.render(app.Page(), handle_error=False)
    rc.find(v.Select, label="Scenario").widget.v_model = "email_eu_core"
    assert header(rc).startswith("Day 0 of")
    button(rc, "Step").click()
    assert header(rc).startswith("Day 1 of")


def test_a_large_scenario_is_drawn_as_a_sample_with_a_message():
    app.knobs.set(dict(app.DEFAULTS) | {"scenario": "complex_contagion"})
    _box, rc = ui.render(app.Page(), handle_error=False)
    warning = rc.find(v.Alert, type="warning").widget.children[0]
    assert "sample of 2,000 of 20,000 agents" in warning


def test_network_picture_colours_states_and_origins_on_a_fixed_layout():
    model = InfluenceModel(scenario="clustered ring", strategy="four neighbours", rng=3)
    picture = figures.Picture(model)
    before = np.array([[d["x"], d["y"]] for d in picture.network()["series"][0]["data"]])
    for _ in range(3):
        model.step()
    option = picture.network()
    data = option["series"][0]["data"]
    after = np.array([[d["x"], d["y"]] for d in data])
    np.testing.assert_array_equal(before, after)  # positions never move
    codes = model.state_codes()
    colours = [d["itemStyle"]["color"] for d in data]
    assert colours == [figures.STATE_COLOURS[c] for c in codes[picture.nodes]]
    assert [d.get("symbol") for d in data[:4]] == ["diamond"] * 4  # the seeds 0..3
    by_seed = picture.network("seed")["series"][0]["data"]
    origin = model.simulation.origin
    adopted = np.flatnonzero(codes == 2)
    for node in adopted[:10]:
        assert by_seed[node]["itemStyle"]["color"] == figures.SEED_PALETTE[origin[node]]
    curve = picture.curve()["series"][0]["data"]
    assert curve[-1] == [3, model.adopters]


def test_the_drawn_sample_is_stable_and_capped():
    model = InfluenceModel(scenario="random ring", rng=1)
    nodes = sample_nodes(model.setup.network, 100, 5)
    assert nodes.size == 100 and np.array_equal(nodes, sample_nodes(model.setup.network, 100, 5))
    assert sample_nodes(model.setup.network, DRAW_LIMIT, 5).size == 300


def test_exports_write_an_animation_and_a_curve(tmp_path):
    knobs = {"scenario": "clustered ring", "strategy": "four neighbours"}
    gif = export.export(tmp_path / "run.gif", knobs)
    png = export.export(tmp_path / "curve.png", knobs)
    assert gif.read_bytes()[:6] in (b"GIF89a", b"GIF87a")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(gif) as image:
        assert image.n_frames == 71  # day 0 and each of the 70 days
    with pytest.raises(Exception, match="FILE must end in"):
        export.export(tmp_path / "run.txt", knobs)
