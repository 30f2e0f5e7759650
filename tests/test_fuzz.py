"""Fuzzing the inputs: mutated scenarios, arbitrary YAML text and malformed network files get
one clear line (exit code 2) or a clean run, never a traceback and never a hang.

Hypothesis runs derandomised (the same examples every run) with a per-example deadline, so a
hang or a slow path shows up as a failure, not as a stuck CI job.
"""

import copy
import gzip

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.network import NetworkFormatError, load_csv, load_edgelist

BASE = {
    "name": "fuzz",
    "network": {"generator": "follower_graph", "n": 800, "mean_following": 6},
    "population": {"topics": ["a", "b"], "threshold": 0.2, "activity": 0.5},
    "dynamics": {"rule": "threshold", "tie_half_life": 10},
    "campaign": {"topic": "a", "budget": 80_000, "prices": "rate_card"},
    "strategies": [
        {"name": "micro", "select": "tier", "tier": "micro"},
        {"name": "top", "select": "top_followers", "k": 3, "posts": 2},
    ],
    "steps": 12,
    "replications": 3,
    "seed": 1,
}

FUZZ = settings(
    max_examples=80,
    deadline=10_000,  # ms per example: a hang or a pathological path fails the test
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

leaf_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["erdos_renyi", "complete", "cascade", "bass", "mega", "explicit", "-1"]),
)
values = st.recursive(
    leaf_values,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def paths(node, prefix=()):
    """Every key path of a nested dict/list."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, (*prefix, index))


ALL_PATHS = [path for path in paths(BASE) if path]


@st.composite
def mutated(draw):
    scenario = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent = scenario
        try:
            for part in path[:-1]:
                parent = parent[part]
            action = draw(st.sampled_from(["replace", "delete", "unknown"]))
            if action == "replace":
                parent[path[-1]] = draw(values)
            elif action == "delete" and isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=8))] = draw(values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this path's parent
    return scenario


def outcome(capsys, path) -> tuple[int, str]:
    code = main(["validate", str(path), "--max-memory", "300M"])
    return code, capsys.readouterr().err


@FUZZ
@given(scenario=mutated())
def test_mutated_scenarios_get_a_line_or_run(tmp_path, capsys, scenario):
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True))
    code, err = outcome(capsys, path)
    assert code in (0, 2)
    if code == 2:
        assert err.startswith("error: ")
        assert "Traceback" not in err
        # one line per problem, each naming the file
        assert all(str(path) in line or line.startswith(str(path)) for line in err.splitlines()[1:])


@FUZZ
@given(text=st.text(max_size=400))
def test_arbitrary_yaml_text_gets_a_line(tmp_path, capsys, text):
    path = tmp_path / "text.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, err = outcome(capsys, path)
    assert code == 2  # no random text is a complete scenario
    assert err.startswith("error: ") and "Traceback" not in err


line = st.one_of(
    st.tuples(st.integers(-5, 10**12), st.integers(-5, 10**6)).map(lambda t: f"{t[0]} {t[1]}"),
    st.sampled_from(["", "# comment", "1", "a b", "1 2 3", "1\t2", "1,2", "1 2.5", "nan 3"]),
    st.text(max_size=20).filter(lambda s: "\n" not in s and "\r" not in s),
)


@FUZZ
@given(lines=st.lists(line, max_size=30), compress=st.sampled_from(["none", "gzip", "cut"]))
def test_malformed_network_files_get_a_line(tmp_path, lines, compress):
    data = ("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass")
    path = tmp_path / ("edges.txt" if compress == "none" else "edges.txt.gz")
    if compress == "gzip":
        data = gzip.compress(data)
    elif compress == "cut":
        data = gzip.compress(data)[: max(1, len(data) // 2)]
    path.write_bytes(data)
    for loader in (load_edgelist, lambda p: load_csv(p, source=0, target=1, header=False)):
        try:
            network = loader(path)
        except NetworkFormatError as error:
            assert "\n" not in str(error) and str(path) in str(error)
        else:
            assert network.n_edges >= 0


@pytest.mark.parametrize("name", ["validate", "run"])
def test_fuzz_base_is_valid(tmp_path, capsys, name):
    # the mutations start from a scenario that works, so a refusal is the mutation's doing
    path = tmp_path / "base.yaml"
    path.write_text(yaml.safe_dump(BASE))
    assert main([name, str(path)]) == 0
    capsys.readouterr()
