"""The runner layer: realise a scenario (network, population), make plans, and stream every
strategy's replications through the engine as result chunks."""

from sim.runner.prepare import Setup, build, prepare
from sim.runner.stream import Chunk, replication_range, run_meta, stream

__all__ = ["Chunk", "Setup", "build", "prepare", "replication_range", "run_meta", "stream"]
