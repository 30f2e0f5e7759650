"""The teaching front end's speed: the Mesa model over the engine against a classic Mesa model,
and one page update (step + redraw).

1. **Per step, 10^4 agents.** The same threshold rule on the same network (Erdős–Rényi, 10^4
   agents, mean degree 10, unit trust, everyone posts the day after adopting, threshold 2 from
   2 distinct sources, 150 seeds), run twice:

   - :class:`~sim.teach.model.InfluenceModel`: one Mesa agent per node as a view of the
     engine's arrays, the day computed by the engine's kernel;
   - a classic Mesa model: one Python agent object per node on the same
     ``mesa.discrete_space.Network``, each holding its own state and running the rule in
     Python (posters push to their followers' cells, then every agent decides).

   Both runs are checked to give the same adoption day for every agent before any time is
   reported, so the ratio compares two implementations of one model.
2. **One page update, 500 agents** (the classroom scenario): the engine's step, the network
   and curve options, and their JSON (what goes over the wire), then the same through a
   rendered page (``solara.render``, a Step click), which adds the re-render.

Run:  .venv/bin/python benchmarks/bench_teach.py [--days 30] [--updates 30]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

N, MEAN_DEGREE, SEEDS, THRESHOLD, SOURCES = 10_000, 10.0, 150, 2.0, 2


def scenario(days: int):
    from sim.config.schema import Scenario

    return Scenario.model_validate(
        {
            "name": "bench",
            "network": {"generator": "erdos_renyi", "n": N, "mean_degree": MEAN_DEGREE},
            "population": {"threshold": THRESHOLD, "min_sources": SOURCES, "activity": 1.0},
            "dynamics": {"rule": "threshold", "active_steps": 1},
            "strategies": [{"name": "random", "select": "random", "k": SEEDS}],
            "steps": days,
            "seed": 1,
        }
    )


def classic_model(network, seeds: np.ndarray):
    """One Python agent object per node running the same threshold rule (Mesa style)."""
    import mesa
    import networkx as nx
    from mesa.discrete_space import FixedAgent, Network

    class Person(FixedAgent):
        def __init__(self, model, cell):
            super().__init__(model)
            self.cell = cell
            self.adopt_time = -1
            self.influence = 0.0
            self.sources = 0

        def post(self):
            day = self.model.day
            organic = not self.is_seed and self.adopt_time >= 0 and self.adopt_time == day - 1
            if organic or (day == 0 and self.is_seed):
                for follower in self.cell.neighborhood.agents:
                    follower.hear()

        def hear(self):
            if self.adopt_time < 0:
                self.influence += 1.0
                self.sources += 1  # each poster posts once: every exposure is a new source

        def decide(self):
            if (
                self.adopt_time < 0
                and self.sources >= SOURCES
                and self.influence >= THRESHOLD - 1e-9 * THRESHOLD
            ):
                self.adopt_time = self.model.day

    class Classic(mesa.Model):
        def __init__(self):
            super().__init__(rng=1)
            graph = nx.DiGraph()
            graph.add_nodes_from(range(network.n_nodes))
            src, dst = network.edges()
            graph.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
            self.grid = Network(graph, capacity=1, random=self.random, layout=None)
            self.people = [Person(self, self.grid[v]) for v in range(network.n_nodes)]
            for person in self.people:
                person.is_seed = False
            for s in seeds.tolist():
                self.people[s].is_seed = True
            self.day = 0

        def step(self):
            if self.day == 0:
                for s in seeds.tolist():
                    self.people[s].adopt_time = 0
            self.agents.do("post")
            self.agents.do("decide")
            self.day += 1

    return Classic()


def per_step(days: int) -> dict:
    from sim.teach.model import InfluenceModel

    built = time.perf_counter()
    ours = InfluenceModel(scenario=scenario(days), rng=1)
    build_ours = time.perf_counter() - built
    ours.step()  # compile and warm up outside the timing
    ours = InfluenceModel(scenario=scenario(days), rng=1)
    network, seeds = ours.setup.network, ours.seeds
    built = time.perf_counter()
    classic = classic_model(network, seeds)
    build_classic = time.perf_counter() - built
    times_ours, times_classic = [], []
    for _ in range(days):
        start = time.perf_counter()
        ours.step()
        times_ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        classic.step()
        times_classic.append(time.perf_counter() - start)
    classic_times = np.array([p.adopt_time for p in classic.people])
    if not np.array_equal(classic_times, ours.simulation.adopt_time):
        raise SystemExit("the two models disagree: the benchmark compares different rules")
    mean_ours, mean_classic = statistics.mean(times_ours), statistics.mean(times_classic)
    return {
        "agents": network.n_nodes,
        "edges": network.n_edges,
        "days": days,
        "final_adopters": int(ours.adopters),
        "engine_ms_per_step": 1e3 * mean_ours,
        "classic_ms_per_step": 1e3 * mean_classic,
        "speedup": mean_classic / mean_ours,
        "build_s": {"engine_model": build_ours, "classic_model": build_classic},
    }


def page_update(updates: int) -> dict:
    import ipyvuetify as v

    from sim.teach import adapter, app
    from sim.teach.figures import Picture
    from sim.teach.model import InfluenceModel

    model = InfluenceModel(scenario="classroom", strategy="several micro")
    picture = Picture(model)
    timings = []
    for _ in range(min(updates, model.days)):
        start = time.perf_counter()
        model.step()
        payload = json.dumps([picture.network(), picture.curve()])
        timings.append(time.perf_counter() - start)
    _box, rc = adapter.render(app.Page(), handle_error=False)
    button = rc.find(v.Btn, children=["Step"]).widget
    clicks = []
    for _ in range(min(updates, 30)):
        start = time.perf_counter()
        button.click()
        clicks.append(time.perf_counter() - start)
    return {
        "agents": model.setup.network.n_nodes,
        "drawn_edges": len(picture.edges),
        "payload_kb": len(payload) / 1e3,
        "step_and_options_ms": {
            "median": 1e3 * statistics.median(timings),
            "max": 1e3 * max(timings),
        },
        "page_click_ms": {"median": 1e3 * statistics.median(clicks), "max": 1e3 * max(clicks)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--updates", type=int, default=30)
    args = parser.parse_args()
    steps = per_step(args.days)
    print(
        f"per step, {steps['agents']:,} agents / {steps['edges']:,} edges, {steps['days']} days "
        f"({steps['final_adopters']:,} adopters, identical adoption days in both models):"
    )
    print(f"  Mesa model over the engine  {steps['engine_ms_per_step']:9.3f} ms")
    print(f"  classic Mesa model          {steps['classic_ms_per_step']:9.3f} ms")
    print(f"  speed-up                    {steps['speedup']:9.1f} x   (target >= 20 x)")
    print(
        f"  build: {steps['build_s']['engine_model']:.2f} s over the engine, "
        f"{steps['build_s']['classic_model']:.2f} s classic"
    )
    page = page_update(args.updates)
    print(
        f"one page update, {page['agents']} agents ({page['drawn_edges']} edges drawn, "
        f"{page['payload_kb']:.0f} kB of options):"
    )
    s = page["step_and_options_ms"]
    print(f"  step + options + JSON       median {s['median']:6.1f} ms, max {s['max']:6.1f} ms")
    c = page["page_click_ms"]
    print(f"  Step click on the page      median {c['median']:6.1f} ms, max {c['max']:6.1f} ms"
          "   (target < 100 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
