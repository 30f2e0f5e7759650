"""The one door to Mesa and Solara: every call into either goes through this module.

Mesa's and Solara's APIs move between minor releases (Mesa 3.5 reshaped its visualisation, and
Solara's page assets are versioned with it), so the teaching page imports nothing from them
directly; when a release changes a name, this file is the one to edit. ``pyproject.toml`` pins
the versions this file is written against (the ``teach`` extra).

Importing this module imports Mesa and Solara; ``import sim`` never does.
"""

from __future__ import annotations

import mesa
import solara
from mesa.discrete_space import FixedAgent
from mesa.discrete_space import Network as _MesaNetwork
from solara.components.echarts import EchartsWidget

MESA_MINOR = (3, 5)
"""The Mesa minor release this adapter is written against (see the ``teach`` extra)."""

_found = tuple(int(part) for part in mesa.__version__.split(".")[:2])
if _found != MESA_MINOR:
    raise ImportError(
        f"the teaching page needs Mesa {MESA_MINOR[0]}.{MESA_MINOR[1]}.x, found "
        f"{mesa.__version__}; install it with: pip install 'influence-sim[teach]'"
    )

# ---------------------------------------------------------------------------- Mesa
Model = mesa.Model
Agent = FixedAgent
"""Agents stay in their node's cell (a :class:`mesa.discrete_space.FixedAgent`)."""
DataCollector = mesa.DataCollector


def network_space(graph, positions: dict | None, random) -> _MesaNetwork:
    """A :class:`mesa.discrete_space.Network` over a networkx graph, one cell per node.

    ``positions`` (node -> (x, y)) is the precomputed layout; Mesa would otherwise run its own
    spring layout on every construction.
    """
    return _MesaNetwork(graph, capacity=1, random=random, layout=positions or None)


def cell_of(space: _MesaNetwork, node: int):
    """The cell of ``node`` (assign it to a fixed agent's ``cell``)."""
    return space[node]


# ---------------------------------------------------------------------------- Solara
def echarts_element(on_click=None, attributes: dict | None = None):
    """An ECharts widget element with an empty option; :func:`set_option` fills it.

    The option (hundreds of nodes and edges) is set on the widget after rendering rather than
    passed as a prop, so the renderer never walks it: a redraw costs the option's size, not a
    diff over every node.
    """
    return EchartsWidget.element(
        option={},
        on_click=on_click,
        attributes=attributes or {"style": "height: 400px;"},
        maps={},
        responsive=False,
        on_mouseover_enabled=False,
        on_mouseout_enabled=False,
    )


def set_option(element, option: dict) -> None:
    """Send a new option to the ECharts widget rendered from ``element``."""
    solara.get_widget(element).option = option


def serve(app: str, host: str, port: int, *, open_browser: bool = True) -> int:
    """Run the Solara server for module ``app`` until it stops; its exit code."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "solara", "run", app, "--host", host, "--port", str(port),
               "--production", "--open" if open_browser else "--no-open"]  # fmt: skip
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0


component = solara.component
reactive = solara.reactive
use_state = solara.use_state
use_memo = solara.use_memo
use_effect = solara.use_effect
use_thread = solara.use_thread
render = solara.render

AppBar = solara.AppBar
AppBarTitle = solara.AppBarTitle
Button = solara.Button
Card = solara.Card
Checkbox = solara.Checkbox
Column = solara.Column
Columns = solara.Columns
Details = solara.Details
Error = solara.Error
FigureEcharts = solara.FigureEcharts
FileDownload = solara.FileDownload
Info = solara.Info
InputText = solara.InputText
InputInt = solara.InputInt
Markdown = solara.Markdown
Row = solara.Row
Select = solara.Select
Sidebar = solara.Sidebar
SliderFloat = solara.SliderFloat
SliderInt = solara.SliderInt
Style = solara.Style
Text = solara.Text
Title = solara.Title
Warning = solara.Warning
