"""Directed follower networks: the frozen CSR graph, generators and file loaders."""

from sim.network.graph import Network
from sim.network.io import (
    NetworkFormatError,
    load_csv,
    load_csv_with_times,
    load_edgelist,
    load_labels,
    load_network,
)

__all__ = [
    "Network",
    "NetworkFormatError",
    "load_csv",
    "load_csv_with_times",
    "load_edgelist",
    "load_labels",
    "load_network",
]
