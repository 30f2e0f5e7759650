"""The page's pictures as plain data: ECharts options for the network and the curve.

Pure functions of the model's state (no Mesa, no Solara), so they are unit-tested and timed
without a browser. Positions are the stable layout of :mod:`sim.teach.layout`; only colours
change from day to day.
"""

from __future__ import annotations

import numpy as np

from sim.network import Network
from sim.network.well_mixed import WellMixed

STATE_COLOURS = ("#c9ccd1", "#f0a830", "#1f8a4c")
"""unaware, exposed (seen a post, not adopted), adopted."""

SEED_PALETTE = (
    "#1f77b4", "#d62728", "#9467bd", "#ff7f0e", "#17becf",
    "#e377c2", "#8c564b", "#bcbd22", "#2ca02c", "#7f7f7f",
)  # fmt: skip
"""Colours of the seeds' cascades, by origin index (cycled)."""

EDGE_LIMIT = 4_000
"""Most edges drawn (a fixed subset beyond that keeps a redraw cheap)."""


def drawn_edges(network: Network, nodes: np.ndarray, seed: int) -> np.ndarray:
    """Edges between drawn agents as (E, 2) positions into ``nodes`` (at most EDGE_LIMIT)."""
    position = np.full(network.n_nodes, -1, dtype=np.int64)
    position[nodes] = np.arange(nodes.size)
    sources, targets = network.edges()
    keep = (position[sources] >= 0) & (position[targets] >= 0)
    pairs = np.stack([position[sources[keep]], position[targets[keep]]], axis=1)
    if len(pairs) > EDGE_LIMIT:
        pick = np.random.default_rng(seed).choice(len(pairs), EDGE_LIMIT, replace=False)
        pairs = pairs[np.sort(pick)]
    return pairs


def node_colours(codes: np.ndarray, origin: np.ndarray, colour_by: str) -> list[str]:
    """One colour per drawn agent: by state, or by the seed whose cascade reached it."""
    if colour_by == "state":
        return [STATE_COLOURS[c] for c in codes.tolist()]
    out = []
    for code, seed in zip(codes.tolist(), origin.tolist(), strict=True):
        if code == 0 or seed < 0:
            out.append(STATE_COLOURS[0])
        else:
            colour = SEED_PALETTE[seed % len(SEED_PALETTE)]
            out.append(colour if code == 2 else colour + "66")  # exposed: translucent
    return out


def network_option(
    positions: np.ndarray,
    nodes: np.ndarray,
    edges: np.ndarray,
    codes: np.ndarray,
    origin: np.ndarray,
    seeds: np.ndarray,
    *,
    colour_by: str = "state",
    selected: int | None = None,
    clicked: tuple[int, ...] = (),
) -> dict:
    """The ECharts option drawing the network: fixed positions, colours from the state.

    ``codes`` and ``origin`` are per drawn agent (0 unaware, 1 exposed, 2 adopted; origin index
    or -1); seeds are drawn as larger diamonds, the selected agent with a dark ring.
    """
    colours = node_colours(codes, origin, colour_by)
    is_seed = np.isin(nodes, seeds)
    marked = set(clicked)
    size = 5.0 if nodes.size > 800 else 8.0
    xy = np.round(positions * 1000.0, 1)
    data = []
    for k in range(nodes.size):
        node = int(nodes[k])
        item = {"name": str(node), "x": float(xy[k, 0]), "y": float(xy[k, 1])}
        style = {"color": colours[k]}
        if is_seed[k] or node in marked:
            item["symbol"] = "diamond"
            item["symbolSize"] = size * 2.2
        if node == selected:
            style |= {"borderColor": "#111", "borderWidth": 2}
            item["symbolSize"] = size * 2.2
        item["itemStyle"] = style
        data.append(item)
    links = [{"source": int(a), "target": int(b)} for a, b in edges.tolist()]
    return {
        "animation": False,
        "tooltip": {"show": False},
        "series": [
            {
                "type": "graph",
                "layout": "none",
                "roam": True,
                "symbolSize": size,
                "data": data,
                "links": links,
                "lineStyle": {"color": "#9aa0a6", "opacity": 0.25, "width": 0.5},
                "emphasis": {"disabled": True},
                "silent": False,
            }
        ],
    }


def curve_option(days: np.ndarray, adopted: np.ndarray, aware: np.ndarray, steps: int) -> dict:
    """The ECharts option of the adoption curve (adopted and aware agents by day)."""
    return {
        "animation": False,
        "grid": {"left": 50, "right": 20, "top": 30, "bottom": 40},
        "legend": {"data": ["adopted", "aware"], "top": 0},
        "xAxis": {"type": "value", "min": 0, "max": int(steps), "name": "day"},
        "yAxis": {"type": "value", "min": 0, "name": "agents"},
        "series": [
            {
                "name": "adopted",
                "type": "line",
                "showSymbol": False,
                "color": STATE_COLOURS[2],
                "data": [[int(d), int(a)] for d, a in zip(days, adopted, strict=True)],
            },
            {
                "name": "aware",
                "type": "line",
                "showSymbol": False,
                "color": STATE_COLOURS[1],
                "data": [[int(d), int(a)] for d, a in zip(days, aware, strict=True)],
            },
        ],
    }


class Picture:
    """What the page draws of one model: the drawn agents, their stable positions and edges
    (computed once), and the per-day options."""

    def __init__(self, model) -> None:
        from sim.teach.layout import DRAW_LIMIT, spring_positions

        network = model.setup.network
        view = model.view_nodes
        if view.size > DRAW_LIMIT:
            view = view[sample_nodes_of(view, DRAW_LIMIT, model.root_seed)]
        self.model = model
        self.nodes = view
        self.total = network.n_nodes
        self.sampled = view.size < network.n_nodes
        if isinstance(network, WellMixed):  # everyone follows everyone: no edges worth drawing
            self.positions = sunflower(view.size)
            self.edges = np.empty((0, 2), dtype=np.int64)
        else:
            self.positions = spring_positions(network, view, model.root_seed)
            self.edges = drawn_edges(network, view, model.root_seed)

    def network(self, colour_by: str = "state", selected=None, clicked=()) -> dict:
        model = self.model
        codes = model.state_codes()[self.nodes]
        origin = model.simulation.origin[self.nodes]
        return network_option(
            self.positions, self.nodes, self.edges, codes, origin, model.seeds,
            colour_by=colour_by, selected=selected, clicked=tuple(clicked),
        )  # fmt: skip

    def curve(self) -> dict:
        table = self.model.curve
        return curve_option(
            table["day"].to_numpy(), table["adopted"].to_numpy(), table["aware"].to_numpy(),
            self.model.days,
        )  # fmt: skip


def sunflower(count: int) -> np.ndarray:
    """``count`` positions in [0, 1]^2 spread evenly over a disc (golden-angle spiral): the
    picture of a well-mixed population, where no agent is nearer to one than to another."""
    k = np.arange(count) + 0.5
    radius = np.sqrt(k / max(count, 1)) / 2
    angle = k * np.pi * (3 - np.sqrt(5))
    return np.column_stack([0.5 + radius * np.cos(angle), 0.5 + radius * np.sin(angle)])


def sample_nodes_of(view: np.ndarray, limit: int, seed: int) -> np.ndarray:
    """Positions of a fixed ``limit``-subset of ``view`` (sorted)."""
    pick = np.random.default_rng(seed).choice(view.size, size=limit, replace=False)
    return np.sort(pick)
