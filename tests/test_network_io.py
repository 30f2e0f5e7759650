"""Tests for the network file loaders in ``sim.network.io``, on real data and malformed files."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from sim.network import (
    Network,
    NetworkFormatError,
    load_csv,
    load_csv_with_times,
    load_edgelist,
    load_labels,
    load_network,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FACEBOOK = DATA / "facebook_combined.txt"
WIKI = DATA / "wiki-Vote.txt"
EMAIL = DATA / "email-Eu-core.txt"
DEPARTMENTS = DATA / "email-Eu-core-department-labels.txt"
BITCOIN = DATA / "soc-sign-bitcoinotc.csv"
BITCOIN_COLUMNS = {"header": False, "source": 0, "target": 1, "weight": 2, "time": 3}

needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="shared data directory not found")


def original_edges(network: Network) -> set[tuple[int, int]]:
    """The network's edges as pairs of original file ids."""
    src, dst = network.edges()
    labels = network.labels
    return set(zip(labels[src].tolist(), labels[dst].tolist(), strict=True))


def file_pairs(path: Path, sep: str | None = None) -> list[tuple[int, int]]:
    """Independent plain-Python read of the first two columns of every data line."""
    pairs = []
    with open(path) as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                fields = line.split(sep)
                pairs.append((int(fields[0]), int(fields[1])))
    return pairs


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# ------------------------------------------------------------------------------ real data
@needs_data
def test_facebook_undirected_has_both_directions():
    net = load_edgelist(FACEBOOK, undirected=True)
    assert net.n_nodes == 4039
    assert net.n_edges == 2 * 88_234
    assert net.name == "facebook_combined"
    np.testing.assert_array_equal(net.labels, np.arange(4039))
    edges = original_edges(net)
    assert all((v, u) in edges for u, v in edges)
    np.testing.assert_array_equal(net.followers, net.following)


@needs_data
def test_wiki_vote_counts_and_reverse_swaps_degrees():
    net = load_edgelist(WIKI)
    assert (net.n_nodes, net.n_edges) == (7115, 103_689)
    assert net.following.max() == 457  # most votes received
    assert net.followers.max() == 893  # most votes cast
    flipped = load_edgelist(WIKI, reverse=True)
    assert (flipped.n_nodes, flipped.n_edges) == (7115, 103_689)
    np.testing.assert_array_equal(flipped.labels, net.labels)
    np.testing.assert_array_equal(flipped.followers, net.following)
    np.testing.assert_array_equal(flipped.following, net.followers)
    assert flipped.followers.max() == 457


@needs_data
def test_wiki_vote_reverse_turns_every_edge_around():
    pairs = file_pairs(WIKI)
    assert original_edges(load_edgelist(WIKI)) == set(pairs)
    assert original_edges(load_edgelist(WIKI, reverse=True)) == {(v, u) for u, v in pairs}


@needs_data
def test_wiki_vote_matches_networkx():
    graph = nx.read_edgelist(WIKI, create_using=nx.DiGraph, nodetype=int)
    net = load_edgelist(WIKI)
    assert net.n_nodes == graph.number_of_nodes()
    assert net.n_edges == graph.number_of_edges()
    assert set(net.labels.tolist()) == set(graph.nodes)
    out_degree = dict(zip(net.labels.tolist(), net.followers.tolist(), strict=True))
    in_degree = dict(zip(net.labels.tolist(), net.following.tolist(), strict=True))
    assert out_degree == dict(graph.out_degree())
    assert in_degree == dict(graph.in_degree())


@needs_data
def test_email_eu_core_counts_from_an_independent_read():
    pairs = file_pairs(EMAIL)
    nodes = {node for pair in pairs for node in pair}
    self_loops = sum(u == v for u, v in pairs)
    assert (len(pairs), self_loops) == (25_571, 642)
    net = load_network(EMAIL)
    assert net.n_nodes == len(nodes) == 1005  # nodes seen only in self-loops are kept
    assert net.n_edges == len({(u, v) for u, v in pairs if u != v}) == 25_571 - 642
    assert original_edges(net) == {(u, v) for u, v in pairs if u != v}


@needs_data
def test_email_eu_core_departments_load_as_communities():
    net = load_edgelist(EMAIL)
    community = load_labels(DEPARTMENTS, net)
    assert community.dtype == np.int32 and community.shape == (net.n_nodes,)
    assert len(np.unique(community)) == 42 and community.max() == 41
    departments = dict(file_pairs(DEPARTMENTS))
    # departments are already 0..41, so the sorted mapping keeps every value
    expected = [departments[label] for label in net.labels.tolist()]
    np.testing.assert_array_equal(community, expected)
    assert np.bincount(community).max() == 109


@needs_data
def test_bitcoin_csv_ratings_and_times():
    net, times = load_csv_with_times(BITCOIN, weight_scale=(-10, 10), **BITCOIN_COLUMNS)
    assert (net.n_nodes, net.n_edges) == (5881, 35_592)
    assert net.name == "soc-sign-bitcoinotc"
    assert net.ties is not None and 0 <= net.ties.min() and net.ties.max() <= 1
    with open(BITCOIN, newline="") as handle:
        rows = [tuple(map(int, row)) for row in csv.reader(handle)]
    by_edge = {(s, t): (r, tm) for s, t, r, tm in reversed(rows)}  # first occurrence wins
    src, dst = net.edges()
    edges = list(zip(net.labels[src].tolist(), net.labels[dst].tolist(), strict=True))
    assert set(edges) == set(by_edge)
    ratings = np.array([by_edge[e][0] for e in edges], dtype=np.float64)
    np.testing.assert_allclose(net.ties, (ratings + 10) / 20, atol=1e-7)
    np.testing.assert_array_equal(times, [by_edge[e][1] for e in edges])
    assert times.dtype == np.float64
    assert (10, 25, 10, 1289555842) in rows and (101, 315, -10, 1303803391) in rows
    assert net.ties[edges.index((10, 25))] == 1.0
    assert net.ties[edges.index((101, 315))] == 0.0
    assert times[edges.index((10, 25))] == 1289555842
    plain = load_network(BITCOIN, weight_scale=(-10, 10), **BITCOIN_COLUMNS)
    np.testing.assert_array_equal(plain.ties, net.ties)


@needs_data
def test_bitcoin_ratings_need_a_weight_scale():
    with pytest.raises(
        NetworkFormatError, match=r"soc-sign-bitcoinotc\.csv, line 1: weight 4 "
    ) as e:
        load_csv(BITCOIN, **BITCOIN_COLUMNS)
    assert "weight_scale" in str(e.value) and "'6,2,4,1289241912'" in str(e.value)


@needs_data
def test_clean_real_files_never_take_the_slow_path(monkeypatch):
    """The line-by-line Python parser is only for bad files; real data uses the fast path."""
    import sim.network.io as network_io

    def fail(fmt):
        raise AssertionError(f"slow path used for {fmt.path}")

    monkeypatch.setattr(network_io, "_slow", fail)
    assert load_edgelist(WIKI).n_edges == 103_689
    assert load_edgelist(FACEBOOK, undirected=True).n_nodes == 4039
    assert load_csv(BITCOIN, weight_scale=(-10, 10), **BITCOIN_COLUMNS).n_edges == 35_592
    assert load_labels(DEPARTMENTS, load_edgelist(EMAIL)).max() == 41


# ------------------------------------------------------------------------------ small files
def test_comments_blank_lines_extra_columns_and_trailing_whitespace_are_fine(tmp_path):
    text = (
        "# header\n10 20\n\n# middle comment\n  # indented comment\n20 30 extra 7\n30 10 # c\n  \n"
    )
    net = load_edgelist(write(tmp_path, "ok.txt", text))
    np.testing.assert_array_equal(net.labels, [10, 20, 30])
    assert original_edges(net) == {(10, 20), (20, 30), (30, 10)}
    clean = load_edgelist(write(tmp_path, "clean.txt", "10 20\n20 30\n30 10\n"))
    np.testing.assert_array_equal(net.indptr, clean.indptr)
    np.testing.assert_array_equal(net.indices, clean.indices)


def test_duplicates_self_loops_and_sparse_large_ids(tmp_path):
    big = 10**12
    text = f"{big} 5\n{big} 5\n5 5\n7 {big}\n"
    net = load_edgelist(write(tmp_path, "big.edges", text))
    np.testing.assert_array_equal(net.labels, [5, 7, big])
    assert original_edges(net) == {(big, 5), (7, big)}
    assert net.n_edges == 2


def test_reverse_and_undirected_on_a_small_file(tmp_path):
    path = write(tmp_path, "e.tsv", "1\t2\n1\t3\n3\t2\n")
    assert original_edges(load_edgelist(path, reverse=True)) == {(2, 1), (3, 1), (2, 3)}
    both = original_edges(load_edgelist(path, undirected=True))
    assert both == {(1, 2), (2, 1), (1, 3), (3, 1), (3, 2), (2, 3)}


def test_edgelist_weight_column(tmp_path):
    path = write(tmp_path, "w.txt", "1 2 0.5\n2 3 0.25 extra\n1 2 0.9\n")
    net = load_edgelist(path, weight_column=2)
    assert original_edges(net) == {(1, 2), (2, 3)}
    np.testing.assert_allclose(net.ties, [0.5, 0.25])  # the duplicate keeps its first weight
    assert load_edgelist(path).ties is None
    bad = write(tmp_path, "w2.txt", "1 2 0.5\n2 3 1.5\n")
    with pytest.raises(NetworkFormatError, match=r"w2\.txt, line 2: weight 1.5 .*weight_scale"):
        load_edgelist(bad, weight_column=2)
    scaled = load_edgelist(bad, weight_column=2, weight_scale=(0, 2))
    np.testing.assert_allclose(scaled.ties, [0.25, 0.75])


@pytest.mark.parametrize("opener", ["suffix", "magic"])
def test_gzip_files(tmp_path, opener):
    path = tmp_path / ("edges.txt.gz" if opener == "suffix" else "edges.dat")
    with gzip.open(path, "wt") as handle:
        handle.write("# zipped\n1 2\n2 3\n3 1\n")
    net = load_network(path)
    assert original_edges(net) == {(1, 2), (2, 3), (3, 1)}
    assert net.name == "edges"
    with gzip.open(path, "wt") as handle:
        handle.write("# zipped\n1 2\n2 x\n")
    with pytest.raises(NetworkFormatError, match=r"line 3: .*got '2 x'"):
        load_edgelist(path)


def test_csv_with_header_and_times_keep_first_occurrence(tmp_path):
    text = "a,b,w,t\n1,2,0.1,10\n2,1,0.2,20\n1,2,0.3,30\n3,3,0.4,40\n\n2,3,0.5,50\n"
    path = write(tmp_path, "t.csv", text)
    net, times = load_csv_with_times(path, source="a", target="b", weight="w", time="t")
    src, dst = net.edges()
    edges = list(zip(net.labels[src].tolist(), net.labels[dst].tolist(), strict=True))
    assert edges == [(1, 2), (2, 1), (2, 3)]
    np.testing.assert_array_equal(times, [10, 20, 50])
    np.testing.assert_allclose(net.ties, [0.1, 0.2, 0.5], rtol=1e-6)
    both, times = load_csv_with_times(path, source="a", target="b", time="t", undirected=True)
    src, dst = both.edges()
    edges = list(zip(both.labels[src].tolist(), both.labels[dst].tolist(), strict=True))
    assert edges == [(1, 2), (2, 1), (2, 3), (3, 2)]
    np.testing.assert_array_equal(times, [10, 10, 50, 50])  # 2->1 first appears on line 2
    flipped, times = load_csv_with_times(path, source="a", target="b", time="t", reverse=True)
    assert original_edges(flipped) == {(2, 1), (1, 2), (3, 2)}
    assert load_csv(path, source="a", target="b").ties is None


# ------------------------------------------------------------------------------ bad files
@pytest.mark.parametrize(
    ("text", "line", "bad"),
    [
        ("1 2\n3\n4 5\n", 2, "'3'"),  # one column
        ("# votes\n1 2\n\n30 abc\n", 4, "'30 abc'"),  # non-integer id
        ("1 2\n2 3\n-3 4\n", 3, "'-3 4'"),  # negative id
        ("1 2\n1.5 2\n", 2, "'1.5 2'"),  # float id
        ("1 2\r\n3 x\r\n", 2, "'3 x'"),  # CRLF line endings
        ("1 2\n99999999999999999999 1\n", 2, "'99999999999999999999 1'"),  # beyond int64
        ("1 2 3\n4 5\n6\n", 3, "'6'"),  # a short line after longer ones
    ],
)
def test_bad_edge_list_lines_are_named(tmp_path, text, line, bad):
    path = write(tmp_path, "wiki-bad.txt", text)
    with pytest.raises(NetworkFormatError) as e:
        load_edgelist(path)
    message = str(e.value)
    assert f"wiki-bad.txt, line {line}: expected two non-negative integer node ids" in message
    assert f"got {bad}" in message
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize("text", ["", "# only comments\n\n   \n"])
def test_empty_edge_list_is_an_error(tmp_path, text):
    with pytest.raises(NetworkFormatError, match=r"empty\.txt: no data lines"):
        load_edgelist(write(tmp_path, "empty.txt", text))


def test_csv_missing_column_names_the_columns(tmp_path):
    path = write(tmp_path, "named.csv", "src,dst,w\n1,2,0.5\n")
    with pytest.raises(NetworkFormatError) as e:
        load_csv(path, source="src", target="target")
    message = str(e.value)
    assert "named.csv" in message and "'target'" in message
    assert "['src', 'dst', 'w']" in message


def test_csv_bad_values_name_the_line(tmp_path):
    path = write(tmp_path, "w.csv", "source,target,weight\n1,2,0.5\n2,3,high\n")
    with pytest.raises(NetworkFormatError) as e:
        load_csv(path, weight="weight")
    assert "w.csv, line 3:" in str(e.value) and "'2,3,high'" in str(e.value)
    assert "'high' in column 3 is not a finite number" in str(e.value)
    short = write(tmp_path, "short.csv", "source,target\n1,2\n\n2\n")
    with pytest.raises(NetworkFormatError, match=r"short\.csv, line 4: .*got '2'"):
        load_csv(short)
    ids = write(tmp_path, "ids.csv", "1,2\n2,-3\n")
    with pytest.raises(NetworkFormatError, match=r"ids\.csv, line 2: .*'-3' in column 2"):
        load_csv(ids, header=False, source=0, target=1)


def test_csv_weights_outside_unit_interval(tmp_path):
    path = write(tmp_path, "r.csv", "source,target,rating\n1,2,0.5\n2,3,1\n3,1,4\n")
    with pytest.raises(NetworkFormatError) as e:
        load_csv(path, weight="rating")
    message = str(e.value)
    assert "r.csv, line 4: weight 4 in column 3 is outside 0..1" in message
    assert "weight_scale" in message
    net = load_csv(path, weight="rating", weight_scale=(-2, 2))
    np.testing.assert_allclose(net.ties, [0.625, 0.75, 1.0])  # 4 is clipped to 1
    with pytest.raises(ValueError, match="lo < hi"):
        load_csv(path, weight="rating", weight_scale=(2, 2))


def test_csv_empty_and_column_numbers(tmp_path):
    with pytest.raises(NetworkFormatError, match=r"none\.csv: empty file"):
        load_csv(write(tmp_path, "none.csv", ""))
    with pytest.raises(NetworkFormatError, match=r"head\.csv: no data lines"):
        load_csv(write(tmp_path, "head.csv", "source,target\n"))
    with pytest.raises(ValueError, match="0-based column number"):
        load_csv(write(tmp_path, "nohead.csv", "1,2\n"), header=False)


def test_labels_ignore_extra_nodes_and_require_every_node(tmp_path):
    net = load_edgelist(write(tmp_path, "g.txt", "5 7\n7 9\n"))
    labels = write(tmp_path, "lab.txt", "9\t40\n5\t-1\n7\t40\n1000\t3\n")
    np.testing.assert_array_equal(load_labels(labels, net), [0, 1, 1])
    missing = write(tmp_path, "missing.txt", "5 1\n9 1\n")
    with pytest.raises(
        NetworkFormatError,
        match=r"missing\.txt: no label for 1 of the network's nodes, e\.g\. node 7",
    ):
        load_labels(missing, net)
    twice = write(tmp_path, "twice.txt", "5 1\n7 1\n9 1\n7 2\n")
    with pytest.raises(NetworkFormatError, match=r"twice\.txt: node 7 has two labels"):
        load_labels(twice, net)
    bad = write(tmp_path, "bad.txt", "5 1\n7 x\n")
    with pytest.raises(NetworkFormatError, match=r"bad\.txt, line 2: .*got '7 x'"):
        load_labels(bad, net)


def test_broken_compressed_files_and_wrong_kinds_get_one_line(tmp_path):
    good = gzip.compress(b"".join(b"%d %d\n" % (i, i + 1) for i in range(20_000)))
    (tmp_path / "truncated.gz").write_bytes(good[: len(good) // 3])
    (tmp_path / "garbage.gz").write_bytes(b"this is not gzip at all")
    (tmp_path / "folder.txt").mkdir()
    cases = {
        tmp_path / "truncated.gz": "compressed file is truncated after line",
        tmp_path / "garbage.gz": "compressed file is not valid gzip",
        tmp_path / "folder.txt": "is a folder, not a network file",
        Path("/dev/zero"): "not a regular file",
        tmp_path / "missing.txt": "no such file",
    }
    for path, message in cases.items():
        with pytest.raises(NetworkFormatError, match=message) as error:
            load_edgelist(path)
        assert "\n" not in str(error.value)
    (tmp_path / "good.gz").write_bytes(good)
    assert load_edgelist(tmp_path / "good.gz").n_edges == 20_000
