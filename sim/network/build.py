"""Build a :class:`Network` from a network spec (a generator with parameters, or a file)."""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.config import Constant, FileNetwork, GeneratedNetwork, as_distribution
from sim.dtypes import VALUE
from sim.network import generators, io
from sim.network.graph import Network


def build_network(spec: GeneratedNetwork | FileNetwork, rng: np.random.Generator) -> Network:
    """Generate or load the network ``spec`` describes, with its initial tie strengths."""
    if isinstance(spec, FileNetwork):
        network = _load(spec)
        if spec.weight is not None:
            return network
    else:
        network = _generate(spec, rng)
    return with_ties(network, spec.ties, rng)


def with_ties(network: Network, ties, rng: np.random.Generator) -> Network:
    """The same network with tie strengths drawn from ``ties`` (a number or distribution)."""
    from sim.population import sample

    dist = as_distribution(ties)
    if isinstance(dist, Constant) and dist.value == 1.0:
        return dataclasses.replace(network, ties=None)
    values = np.clip(sample(dist, network.n_edges, rng), 0.0, 1.0).astype(VALUE)
    return dataclasses.replace(network, ties=values)


def _generate(spec: GeneratedNetwork, rng: np.random.Generator) -> Network:
    match spec.generator:
        case "erdos_renyi":
            return generators.erdos_renyi(spec.n, spec.mean_degree, directed=spec.directed, rng=rng)
        case "watts_strogatz":
            return generators.watts_strogatz(spec.n, spec.k, spec.p, rng=rng)
        case "barabasi_albert":
            return generators.barabasi_albert(spec.n, spec.m, rng=rng)
        case "complete":
            return generators.complete(spec.n)
        case "follower_graph":
            options = {
                name: getattr(spec, name)
                for name in (
                    "mean_following",
                    "max_reach",
                    "tail_exponent",
                    "n_communities",
                    "homophily",
                    "reciprocity",
                    "closure",
                )
                if getattr(spec, name) is not None
            }
            return generators.follower_graph(spec.n, rng=rng, **options)
    raise ValueError(f"unknown generator {spec.generator!r}")


def _load(spec: FileNetwork) -> Network:
    name = spec.file.name.lower()
    is_csv = spec.format == "csv" or (spec.format == "auto" and name.endswith((".csv", ".csv.gz")))
    if is_csv:
        network = io.load_csv(
            spec.file,
            source=spec.source,
            target=spec.target,
            weight=spec.weight,
            header=spec.header,
            reverse=spec.reverse,
            undirected=spec.undirected,
            weight_scale=spec.weight_scale,
        )
    else:
        network = io.load_edgelist(
            spec.file,
            reverse=spec.reverse,
            undirected=spec.undirected,
            weight_column=spec.weight,
            weight_scale=spec.weight_scale,
        )
    if spec.communities is not None:
        network = dataclasses.replace(network, community=io.load_labels(spec.communities, network))
    return network
