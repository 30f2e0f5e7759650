"""Calibration inputs: observed files are read and checked (a malformed file is one line
naming the file, the line and the column), and the per-cascade tree statistics are exact on
hand-made trees and reproduce the Twitter15 figures of docs/validation.md."""

from __future__ import annotations

import gzip
from types import SimpleNamespace

import numpy as np
import pytest

from sim.calibrate.observed import (
    cascade_rows,
    load_cascades,
    load_curve,
    split_ids,
)
from sim.calibrate.statistics import observed_statistics, trace_statistics, tree_statistics
from sim.errors import InputError
from sim.validation import DATA

needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="shared data directory not found")
HEADER = (
    "cascade\tparent_uid\tparent_tweet\tparent_delay_min\tchild_uid\tchild_tweet\tchild_delay_min"
)
GOOD = [
    "0\tROOT\tROOT\t0.0\t10\t=\t0.0",
    "0\t10\t=\t0.0\t11\tt1\t3.0",
    "0\t10\t=\t0.0\t12\tt2\t6.0",
    "0\t11\tt1\t3.0\t13\tt3\t12.0",
    "1\tROOT\tROOT\t0.0\t20\t=\t0.0",
    "1\t20\t=\t0.0\t21\tt4\t-1.0",
]


def write(tmp_path, lines, name="trees.tsv"):
    path = tmp_path / name
    text = "\n".join(lines) + "\n"
    if name.endswith(".gz"):
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


# ---------------------------------------------------------------------------- good files
def test_cascade_file_reads_and_gives_exact_tree_statistics(tmp_path):
    data = load_cascades(write(tmp_path, [HEADER, *GOOD[:2], *GOOD[1:]], name="trees.tsv.gz"))
    assert data.repeated == 1 and data.n_cascades == 2
    table = observed_statistics(data)
    first = table.loc["0"]
    # 10 -> 11, 12; 11 -> 13: distances 1,1,2 from the root, pairs: 11-12 2, 11-13 1, 12-13 3
    assert first["size"] == 4 and first["depth"] == 2
    assert first["depth1_share"] == pytest.approx(2 / 3)
    assert first["virality"] == pytest.approx((1 + 1 + 2 + 2 + 1 + 3) / 6)
    assert first["time_last"] == pytest.approx(12 / 60)
    assert first["delay_median"] == pytest.approx(3 / 60 * 2)  # delays 3, 6, 9 minutes
    assert table.loc["1", "time_last"] == 0.0  # a negative delay is clipped to 0


def test_star_and_chain_virality_match_their_closed_forms():
    n = 50
    star = tree_statistics(np.zeros(n, int), np.r_[-1, np.zeros(n - 1, int)], np.arange(n))
    chain = tree_statistics(np.zeros(n, int), np.arange(-1, n - 1), np.arange(n))
    assert star["virality"].iloc[0] == pytest.approx(2 * (n - 1) / n)
    assert chain["virality"].iloc[0] == pytest.approx((n + 1) / 3)
    assert star["depth1_share"].iloc[0] == 1.0 and chain["depth"].iloc[0] == n - 1


def test_hand_made_trace_gives_its_tree_and_drops_outside_adoptions():
    # seed 7 -> 3 -> 5 and 7 -> 9; agent 4 adopted from outside (parent -1) and passed to 8
    trace = SimpleNamespace(
        agent=np.array([7, 3, 9, 4, 5, 8], np.int32),
        parent=np.array([-1, 7, 7, -1, 3, 4], np.int32),
        step=np.array([0, 0, 0, 1, 1, 2], np.int32),
        hours=np.array([0.0, 2.0, 5.0, 24.0, 30.0, 50.0]),
    )
    table = trace_statistics([trace])
    row = table.iloc[0]
    assert row["size"] == 4 and row["depth"] == 2
    assert row["depth1_share"] == pytest.approx(2 / 3)
    assert row["time_last"] == 30.0
    assert row["delay_median"] == pytest.approx(5.0)  # delays 2, 5, 28
    rows = cascade_rows([trace])
    assert list(rows["child_uid"]) == ["7", "3", "9", "5"]


def test_adoption_curve_reads_counts_and_cumulative(tmp_path):
    path = write(tmp_path, ["day,count", "0,2", "1,5", "2,3"], name="curve.csv")
    curve = load_curve(path)
    assert list(curve.cumulative) == [2, 7, 10] and list(curve.hours) == [24, 48, 72]
    same = load_curve(write(tmp_path, ["hour,cumulative", "0,2", "1,7"], name="c2.csv"))
    assert list(same.counts) == [2, 5] and list(same.hours) == [1, 2]


def test_the_split_is_fixed():
    ids = np.array(["0", "1", "2", "3"])
    assert list(split_ids(ids, "parity")) == [True, False, True, False]
    assert list(split_ids(ids, "none")) == [True] * 4
    assert split_ids(ids, "hash").tolist() == split_ids(ids, "hash").tolist()
    with pytest.raises(InputError, match="parity needs integer cascade ids, got 'a'"):
        split_ids(np.array(["a"]), "parity")


# ---------------------------------------------------------------------------- malformed
BAD_CASCADES = [
    (
        [HEADER, *GOOD[:2], "0\t10\t=\t0.0\t12\tt2\t6.0\textra"],
        "trees.tsv, line 4, column 8: 8 fields where the header has 7",
    ),
    (
        [HEADER, GOOD[0], "0\t10\t=\t0.0\t11\tt1\tsoon"],
        "trees.tsv, line 3, column 7 (child_delay_min): 'soon' is not a finite number",
    ),
    (
        [HEADER, GOOD[0], "0\t10\t=\t0.0\t11\tt1\tinf"],
        "trees.tsv, line 3, column 7 (child_delay_min): 'inf' is not a finite number",
    ),
    (
        [HEADER, GOOD[0], "0\t\t=\t0.0\t11\tt1\t1.0"],
        "trees.tsv, line 3, column 2 (parent_uid): empty value",
    ),
    (
        ["cascade\tparent\tchild\tchild_delay_min", "0\tROOT\t1\t0"],
        "trees.tsv, line 1: cascade trees: no column 'parent_uid' in the header",
    ),
    (
        ["cascade\tparent_uid\tchild_uid", "0\tROOT\t1"],
        "trees.tsv, line 1: cascade trees: no delay column in the header",
    ),
    (
        [HEADER, "5\t10\t=\t0.0\t11\tt1\t3.0"],
        "trees.tsv, line 2, column 1 (cascade): cascade '5' has no row with parent ROOT",
    ),
    (
        [HEADER, *GOOD[:2], "0\tROOT\tROOT\t0.0\t99\t=\t0.0"],
        "trees.tsv, line 4, column 2 (parent_uid): a second ROOT row in cascade '0'",
    ),
    (
        [HEADER, *GOOD, "0\t10\t=\t0.0\t14\tt9\t1.0"],
        "trees.tsv, line 8, column 1 (cascade): cascade '0' also appears earlier",
    ),
    ([HEADER], "trees.tsv, line 2: no rows after the header"),
    ([""], "trees.tsv, line 1: the file is empty"),
]


@pytest.mark.parametrize(("lines", "message"), BAD_CASCADES)
def test_malformed_cascade_files_are_one_line_naming_file_line_and_column(tmp_path, lines, message):
    path = write(tmp_path, lines)
    with pytest.raises(InputError) as error:
        load_cascades(path)
    text = str(error.value)
    assert "\n" not in text
    assert message in text, text
    assert text.startswith(str(path))


BAD_CURVES = [
    (["day,count", "0,2", "1,x"], "line 3, column 2 (count): 'x' is not a finite number"),
    (["day,count", "0,2", "0,3"], "line 3, column 1 (day): '0' does not come after '0'"),
    (["day,count", "0,2", "1,-3"], "line 3, column 2 (count): '-3' is negative"),
    (["day,cumulative", "0,5", "1,3"], "line 3, column 2 (cumulative): '3' is below"),
    (["day,count", "0,2", ",3"], "line 3, column 1 (day): empty value"),
    (["week,count", "0,2"], "line 1: adoption curve: no time column in the header"),
    (["day,adopters", "0,2"], "line 1: adoption curve: no column 'count' or 'cumulative'"),
    (["day,count", "0,0", "1,0"], "the curve has no adopters at all"),
]


@pytest.mark.parametrize(("lines", "message"), BAD_CURVES)
def test_malformed_curves_are_one_line_naming_file_line_and_column(tmp_path, lines, message):
    path = write(tmp_path, lines, name="curve.csv")
    with pytest.raises(InputError) as error:
        load_curve(path)
    assert "\n" not in str(error.value)
    assert message in str(error.value) and str(error.value).startswith(str(path))


def test_missing_file_and_unknown_extension(tmp_path):
    with pytest.raises(InputError, match="observed file not found"):
        load_cascades(tmp_path / "none.tsv")
    odd = tmp_path / "trees.json"
    odd.write_text("{}")
    with pytest.raises(InputError, match=r"expected a \.tsv, \.tab, \.txt or \.csv file"):
        load_cascades(odd)


# ---------------------------------------------------------------------------- Twitter15
@needs_data
def test_twitter15_statistics_match_the_validation_report():
    data = load_cascades(
        [DATA / "twitter15_edges_part1.tsv.gz", DATA / "twitter15_edges_part2.tsv.gz"]
    )
    table = observed_statistics(data)
    assert len(table) == 1321 and data.repeated == 14_611
    assert table["size"].median() == 275 and table["size"].min() == 56
    assert round(table["size"].quantile(0.9)) == 839
    assert table["depth"].median() == 3  # hops from the source (docs/validation.md)
    assert table["time_last"].median() / 24 == pytest.approx(8.1, abs=0.05)
    assert table["time_half"].median() == pytest.approx(0.6, abs=0.05)
    assert 0.7 < table["depth1_share"].median() < 0.9  # star-like (75% of edge rows)
    assert (table["virality"] >= 2 * (table["size"] - 1) / table["size"] - 1e-9).all()


def test_users_of_different_cascades_never_merge(tmp_path):
    # cascade "1" user "23" and cascade "12" user "3" must stay two users
    lines = [
        HEADER,
        "1\tROOT\tROOT\t0\t9\t=\t0",
        "1\t9\t=\t0\t23\tt\t1",
        "12\tROOT\tROOT\t0\t3\t=\t0",
        "12\t3\t=\t0\t4\tt\t1",
        "12\t3\t=\t0\t5\tt\t1",
    ]
    table = observed_statistics(load_cascades(write(tmp_path, lines)))
    assert table["size"].tolist() == [2, 3]
