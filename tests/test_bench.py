"""``influence-sim bench --quick --json`` runs and prints one strict JSON document.

Speed itself is measured by the benchmark, never asserted here; this checks that the command
works on this machine and reports what the closing table needs.
"""

import json

import numpy as np

from sim.bench import bare, graphs
from sim.cli.main import main


def test_bench_quick_json_prints_the_table_as_json(capsys, tmp_path):
    assert main(["bench", "--quick", "--json"]) == 0
    out = capsys.readouterr().out
    saved = tmp_path / "bench.json"
    saved.write_text(out)
    assert main(["bench", "--from", str(saved), "--markdown"]) == 0
    cascade_table = capsys.readouterr().out.split("\n\n")[0].splitlines()
    rows = [line for line in cascade_table if line.startswith(("| erdos_renyi", "| chung_lu"))]
    assert len(rows) == 4  # two graphs x two probabilities at 10^4 agents
    assert all(line.count("|") == 18 for line in rows)  # 17 columns
    results = json.loads(out)  # strict JSON: no NaN tokens
    assert {"machine", "cascade", "fractional", "full_model", "compile_s", "targets"} <= set(
        results
    )
    assert results["command"] == "influence-sim bench --quick --json"
    assert results["machine"]["cores"] >= 1
    assert {"numpy", "numba", "python", "cynetdiff", "ndlib"} <= set(results["machine"])
    graphs_seen = {row["graph"] for row in results["cascade"]}
    assert {"erdos_renyi", "chung_lu", "follower"} <= graphs_seen
    for row in results["cascade"]:
        assert row["p"] in (0.05, 0.2)
        assert {"ours", "ours_counts", "bare"} <= set(row["runs_per_s"])
        assert row["runs_per_s"]["ours"] > 0 and row["ours_vs_bare"] > 0
        assert row["counts_vs_bare"] > 0
        # the 2-thread ratios and this machine's own bound for the same durations
        assert row["counts_threads_speedup"] > 0 and row["machine_threads_speedup"] > 0
        assert row["halves_threads_speedup"] > 0 and row["bare_threads_speedup"] > 0
        # same model: our mean final size and the bare loop's agree roughly
        ours, loop = row["mean_size"]["ours"], row["mean_size"]["bare"]
        assert abs(ours - loop) <= 0.25 * max(ours, loop) + 5
    for row in results["fractional"]:  # both paths of the linear threshold, the same sizes
        assert {"ours", "ours_counts", "cynetdiff_lt"} <= set(row["runs_per_s"])
        assert row["fractional_vs_cynetdiff"] > 0 and row["fractional_run_vs_cynetdiff"] > 0
    assert results["full_model"]["edges_per_s"] > 0
    assert all({"target", "goal", "worst", "met"} <= set(t) for t in results["targets"])


def test_chung_lu_has_a_heavy_tail_and_bounded_in_degree():
    network = graphs.chung_lu(20_000)
    assert network.following.max() <= 10
    assert 9.0 <= network.n_edges / network.n_nodes <= 10.0
    assert network.followers.max() > 50 * np.median(network.followers)


def test_bare_loop_counts_every_coin():
    # a path 0 -> 1 -> 2 with p = 1: three nodes, two coins
    indptr = np.array([0, 1, 2, 2], np.int64)
    indices = np.array([1, 2], np.int32)
    sizes = np.zeros(3, np.int64)
    coins = bare.bare_ic(indptr, indices, 1.0, np.array([0], np.int64), 3, 1, sizes)
    assert sizes.tolist() == [3, 3, 3] and coins == 6


def test_bare_runs_on_given_scratch_matches_bare_ic_and_leaves_it_clear():
    network = graphs.erdos(2_000)
    seeds = np.array([3, 50, 700], np.int64)
    expected = np.zeros(40, np.int64)
    coins = bare.bare_ic(network.indptr, network.indices, 0.2, seeds, 40, 5, expected)
    active, frontier = np.zeros(2_000, np.bool_), np.zeros(2_000, np.int32)
    sizes = np.zeros(40, np.int64)
    again = bare.bare_runs(
        network.indptr, network.indices, 0.2, seeds, 40, 5, sizes, active, frontier
    )
    assert again == coins and np.array_equal(sizes, expected) and expected.max() > 3
    assert not active.any()  # reset: the next call on this scratch starts clean


def test_bench_from_refuses_what_it_cannot_format(tmp_path, capsys):
    other = tmp_path / "other.json"
    other.write_text('{"cascade": []}')
    assert main(["bench", "--from", str(other)]) == 2
    assert "not an 'influence-sim bench --json' document" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert main(["bench", "--from", str(broken)]) == 2
    assert "not JSON" in capsys.readouterr().err


def test_flagship_compile_is_the_first_run_less_the_second(monkeypatch, tmp_path):
    """The compile target is the README's flagship command: its first run less its second,
    in fresh processes sharing one numba cache (the scenario ships in a source checkout; an
    installed package without it measures nothing)."""
    from sim.bench import suite

    assert suite.FLAGSHIP.exists()
    monkeypatch.setattr(suite, "FLAGSHIP", tmp_path / "absent.yaml")
    assert suite.flagship_compile() is None
    timed = {"flagship_s": {"cold": 25.0, "warm": 7.5, "compiling": 17.5}}
    model = {"full_model_vs_bare": 0.5}
    rows = suite.targets({"cascade": [], "fractional": [], "full_model": model, **timed})
    (row,) = [r for r in rows if r["target"].startswith("flagship command")]
    assert row["worst"] == 17.5 and row["met"]
    timed["flagship_s"]["compiling"] = 21.0
    rows = suite.targets({"cascade": [], "fractional": [], "full_model": model, **timed})
    assert not next(r for r in rows if r["target"].startswith("flagship command"))["met"]
