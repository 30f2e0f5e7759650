"""The teaching page (Solara): ``influence-sim teach`` serves :func:`Page`.

Every control maps one-to-one onto a keyword argument of
:class:`~sim.teach.model.InfluenceModel`; changing one builds a fresh model (a new run from
day 0), and Step / Play advance it a day at a time. The page keeps its state in reactive
variables, one set per browser session. Solara is reached only through
:mod:`sim.teach.adapter`.
"""

from __future__ import annotations

import threading
import time

from sim.errors import InputError
from sim.teach import adapter as ui
from sim.teach import export
from sim.teach.explain import explain
from sim.teach.figures import STATE_COLOURS, Picture
from sim.teach.model import CLICKED, RULES, InfluenceModel, open_scenario
from sim.teach.presets import BUILT_IN, LESSONS, shipped_scenarios

NO_LESSON = "(free play)"

PLAY_INTERVAL = 0.25
"""Seconds between days while playing."""

KNOBS = (
    "scenario", "strategy", "seeds", "rule", "threshold", "min_sources",
    "sponsored_weight", "tie_half_life", "topic", "rng",
)  # fmt: skip
"""The model's keyword arguments, each one control on the page."""

DEFAULTS = {name: None for name in KNOBS} | {"scenario": "classroom", "seeds": ()}

knobs = ui.reactive(dict(DEFAULTS))
generation = ui.reactive(0)  # bumped by Reset: same knobs, a fresh run
tick = ui.reactive(0)  # bumped after every day, to redraw
playing = ui.reactive(False)
colour_by = ui.reactive("state")
click_to_seed = ui.reactive(False)
selected = ui.reactive(None)
lesson = ui.reactive(None)


def scenario_names() -> list[str]:
    """Built-in classroom scenarios first, then every shipped scenario file."""
    return [*BUILT_IN, *(name for name in shipped_scenarios() if name not in BUILT_IN)]


def model_kwargs(values: dict) -> dict:
    """The knobs as keyword arguments (None: the scenario's own value)."""
    kwargs = {name: values[name] for name in KNOBS if values.get(name) is not None}
    kwargs["seeds"] = tuple(values.get("seeds") or ())
    return kwargs


class Session:
    """One built model with what the page draws of it, or the one-line error building it."""

    def __init__(self, values: dict) -> None:
        self.values = dict(values)
        self.error: str | None = None
        self.model: InfluenceModel | None = None
        self.picture: Picture | None = None
        self.lock = threading.Lock()
        try:
            self.model = InfluenceModel(**model_kwargs(values))
            self.picture = Picture(self.model)
        except InputError as error:
            self.error = str(error)

    def step(self) -> bool:
        """One day; False when the run is over (or could not be built)."""
        with self.lock:
            if self.model is None or not self.model.running:
                return False
            self.model.step()
            return self.model.running


def set_knob(name: str, value) -> None:
    """Change one knob: a new model from day 0."""
    playing.set(False)
    values = dict(knobs.value)
    values[name] = value
    if name == "scenario":  # a new scenario starts from its own settings
        values = dict(DEFAULTS) | {"scenario": value, "rng": knobs.value.get("rng")}
        selected.set(None)
        lesson.set(None)
    if name == "seeds":
        values["strategy"] = CLICKED if value else None
    knobs.set(values)


def apply_lesson(name: str | None) -> None:
    playing.set(False)
    selected.set(None)
    lesson.set(None if name == NO_LESSON else name)
    chosen = next((item for item in LESSONS if item.name == name), None)
    if chosen is not None:
        knobs.set(dict(DEFAULTS) | chosen.knobs)


def on_graph_click(session: Session, data: dict) -> None:
    """A click on a node: explain it, or (in seeding mode) add or remove it as a seed."""
    if session.picture is None or not isinstance(data, dict) or data.get("dataType") != "node":
        return
    index = data.get("dataIndex")
    if not isinstance(index, int) or not 0 <= index < session.picture.nodes.size:
        return
    node = int(session.picture.nodes[index])
    if click_to_seed.value:
        seeds = list(knobs.value.get("seeds") or ())
        seeds = [s for s in seeds if s != node] if node in seeds else [*seeds, node]
        set_knob("seeds", tuple(seeds))
    else:
        selected.set(node)


def header_text(model: InfluenceModel) -> str:
    plan = model.simulation.schedule.seeds.size
    return (
        f"Day {model.day} of {model.days} · Adopted: {model.adopters} · Aware: "
        f"{model.aware_count} · {plan} seed{'s' if plan != 1 else ''} ({model.strategy_name})"
    )


@ui.component
def Controls(session: Session):
    values = knobs.value
    spec = None
    try:
        spec = open_scenario(values["scenario"])
    except InputError:
        pass
    ui.Select("Classroom preset", values=[NO_LESSON, *(item.name for item in LESSONS)],
              value=lesson.value or NO_LESSON, on_value=apply_lesson)  # fmt: skip
    ui.Select("Scenario", values=scenario_names(), value=values["scenario"],
              on_value=lambda v: set_knob("scenario", v))  # fmt: skip
    strategies = [s.name for s in spec.strategies] if spec else []
    current = values["strategy"] or (
        session.model.strategy_name if session.model else (strategies or [CLICKED])[0]
    )
    ui.Select("Seeding strategy", values=[*strategies, CLICKED], value=current,
              on_value=lambda v: set_knob("strategy", v))  # fmt: skip
    ui.Checkbox(label="Click nodes to make them seeds", value=click_to_seed.value,
                on_value=click_to_seed.set)  # fmt: skip
    clicked = values.get("seeds") or ()
    ui.Text(f"Clicked seeds: {', '.join(map(str, clicked)) or 'none'}")
    ui.Button("Clear clicked seeds", on_click=lambda: set_knob("seeds", ()), text=True,
              disabled=not clicked)  # fmt: skip
    rule = values["rule"] or (spec.dynamics.rule if spec else "threshold")
    ui.Select("Rule", values=list(RULES), value=rule, on_value=lambda v: set_knob("rule", v))
    threshold = values["threshold"]
    if threshold is None and spec is not None:
        own = spec.population.threshold
        threshold = float(own) if isinstance(own, int | float) else 0.3
    ui.SliderFloat("Threshold", value=threshold or 0.0, min=0.0, max=1.0, step=0.05,
                   on_value=lambda v: set_knob("threshold", v))  # fmt: skip
    sources = values["min_sources"] or (spec.population.min_sources if spec else 1)
    ui.SliderInt("Min sources", value=sources, min=1, max=5,
                 on_value=lambda v: set_knob("min_sources", v))  # fmt: skip
    has_campaign = spec is not None and spec.campaign is not None
    weight = values["sponsored_weight"]
    if weight is None:
        weight = spec.campaign.sponsored_weight if has_campaign else 1.0
    ui.SliderFloat("Sponsored weight", value=weight, min=0.0, max=1.0, step=0.05,
                   disabled=not has_campaign,
                   on_value=lambda v: set_knob("sponsored_weight", v))  # fmt: skip
    half_life = values["tie_half_life"]
    if half_life is None:
        half_life = (spec.dynamics.tie_half_life or 0.0) if spec else 0.0
    ui.SliderFloat("Tie half-life (days, 0 = never fade)", value=half_life, min=0.0, max=60.0,
                   step=1.0, on_value=lambda v: set_knob("tie_half_life", v))  # fmt: skip
    topics = list(spec.population.topics) if spec else []
    topic = values["topic"] or (spec.topic if spec else "")
    ui.Select("Campaign topic", values=topics, value=topic, disabled=not has_campaign,
              on_value=lambda v: set_knob("topic", v))  # fmt: skip
    seed = values["rng"] if values["rng"] is not None else (spec.seed if spec else 0)
    ui.InputInt("Seed", value=seed, on_value=lambda v: set_knob("rng", v))
    ui.Select("Colour agents by", values=["state", "seed"], value=colour_by.value,
              on_value=colour_by.set)  # fmt: skip


@ui.component
def Buttons(session: Session):
    def step():
        playing.set(False)
        session.step()
        tick.set(tick.value + 1)

    def reset():
        playing.set(False)
        generation.set(generation.value + 1)

    def play_loop(cancel: threading.Event):
        if not playing.value:
            return
        while playing.value and not cancel.is_set():
            running = session.step()
            tick.set(tick.value + 1)
            if not running:
                playing.set(False)
                return
            time.sleep(PLAY_INTERVAL)

    ui.use_thread(play_loop, dependencies=[playing.value, session])
    over = session.model is None or not session.model.running
    with ui.Row():
        ui.Button("Step", on_click=step, disabled=over, color="primary")
        ui.Button("Pause" if playing.value else "Play",
                  on_click=lambda: playing.set(not playing.value), disabled=over)  # fmt: skip
        ui.Button("Reset", on_click=reset)
    if session.model is not None:
        model, values, day = session.model, dict(session.values), session.model.day
        with ui.Row():
            ui.FileDownload(lambda: export.animation_bytes(model_kwargs(values), day,
                                                           colour_by.value),
                            filename="cascade.gif", label="Export GIF",
                            mime_type="image/gif")  # fmt: skip
            ui.FileDownload(lambda: export.curve_png(model), filename="adoption_curve.png",
                            label="Export PNG", mime_type="image/png")  # fmt: skip


class Option:
    """An ECharts option in a box: the renderer treats it as one opaque value."""

    __slots__ = ("value",)

    def __init__(self, value: dict) -> None:
        self.value = value


@ui.component
def Chart(option: Option, on_click=None, attributes: dict | None = None):
    """An ECharts figure whose (large) option is pushed to the widget after each render."""
    element = ui.echarts_element(on_click, attributes)
    ui.use_effect(lambda: ui.set_option(element, option.value), [option])
    return element


@ui.component
def Legend():
    names = ("unaware", "exposed", "adopted")
    text = " ".join(
        f'<span style="color:{c}">&#9679;</span> {n}'
        for c, n in zip(STATE_COLOURS, names, strict=True)
    )
    if colour_by.value == "seed":
        text = "colour = the seed whose cascade reached the agent first (faded: exposed only)"
    ui.Markdown(text + " · diamonds: seeds")


@ui.component
def Page():
    values = knobs.value
    session = ui.use_memo(lambda: Session(values), dependencies=[repr(values), generation.value])
    tick.value  # noqa: B018 - redraw after every day
    ui.Title("Influence diffusion: teaching page")
    ui.Style(".adopted-count { font-weight: 600; font-size: 1.1em; }")
    with ui.Columns([1, 3]):
        with ui.Column():
            Controls(session)
        with ui.Column():
            chosen = next((item for item in LESSONS if item.name == lesson.value), None)
            if chosen is not None:
                ui.Info(" ".join(chosen.look_for))
            if session.error:
                ui.Error(session.error)
                return
            model, picture = session.model, session.picture
            ui.Text(header_text(model), classes=["adopted-count"])
            if picture.sampled:
                ui.Warning(
                    f"Showing a fixed sample of {picture.nodes.size:,} of {picture.total:,} "
                    "agents (the most-followed quarter and a random fill); counts and the curve "
                    "are for every agent."
                )
            Buttons(session)
            with ui.Columns([3, 2]):
                with ui.Column():
                    Chart(
                        Option(picture.network(colour_by.value, selected.value,
                                               values.get("seeds") or ())),
                        on_click=lambda data: on_graph_click(session, data),
                        attributes={"style": "height: 520px; width: 100%;",
                                    "class": "network-figure"},
                    )  # fmt: skip
                    Legend()
                with ui.Column():
                    ui.FigureEcharts(
                        option=picture.curve(), attributes={"style": "height: 260px; width: 100%;"}
                    )
                    node = selected.value
                    if node is not None and 0 <= node < model.setup.network.n_nodes:
                        ui.Markdown(explain(model.simulation, node).markdown(model.setup.topic))
                    else:
                        ui.Markdown("Click an agent to see why it did or did not adopt.")
