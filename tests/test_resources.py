"""The resource guard's estimates are upper bounds of what is really allocated."""

import tracemalloc

import numpy as np
import pytest

import sim
from sim.config import GeneratedNetwork, Strategy
from sim.errors import InputError
from sim.runner import resources

NETWORKS = [
    GeneratedNetwork(generator="follower_graph", n=30_000, mean_following=15),
    GeneratedNetwork(generator="erdos_renyi", n=30_000, mean_degree=12, ties=0.5),
    GeneratedNetwork(generator="barabasi_albert", n=30_000, m=4),
    GeneratedNetwork(generator="complete", n=1_500),
]


@pytest.mark.parametrize("network", NETWORKS, ids=lambda spec: spec.generator)
def test_estimate_bounds_the_measured_peak(network):
    strategies = [Strategy(name="top", select="top_followers", k=5)]
    found = resources.estimate_parts(
        network, topics=1, strategies=strategies, steps=20, replications=8
    )
    tracemalloc.start()
    try:
        results = sim.run(
            network=network,
            strategies=strategies,
            steps=20,
            replications=8,
            dynamics={"rule": "cascade"},
            threads=1,
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    agents, edges = resources.network_size(network)
    built = results.meta["network"]
    assert built["nodes"] == agents
    assert built["edges"] <= edges  # the edge count is an upper estimate
    assert peak <= found.total, f"measured {peak:,} > estimated {found.total:,}"
    assert found.total < 20 * peak  # ... and not absurdly loose


def test_python_callers_are_refused_before_allocating():
    with pytest.raises(InputError, match=r"would need about .* more than the --max-memory limit"):
        sim.prepare(
            network={"generator": "erdos_renyi", "n": 10**8, "mean_degree": 20},
            strategies=[{"name": "x", "select": "top_followers", "k": 2}],
            max_memory=resources.parse_bytes("1G"),
        )


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("8G", 8 * 2**30),
        ("512M", 512 * 2**20),
        ("2.5GiB", int(2.5 * 2**30)),
        ("1000", 1000),
        ("1kb", 1024),
    ],
)
def test_sizes_parse(text, size):
    assert resources.parse_bytes(text) == size


@pytest.mark.parametrize("text", ["lots", "-3G", "nanM", "0", ""])
def test_bad_sizes_are_refused(text):
    with pytest.raises(InputError, match="--max-memory"):
        resources.parse_bytes(text)


def test_format_bytes():
    assert resources.format_bytes(512) == "512 B"
    assert resources.format_bytes(3 * 2**30) == "3.0 GiB"
    assert np.isfinite(resources.available_memory() or 1)
