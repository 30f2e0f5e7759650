"""Seed-set optimisers on the engine's Monte-Carlo estimates (CELF lazy greedy for now).

Sits above :mod:`sim.model` (it builds and runs :class:`~sim.model.Simulation` objects) and
below :mod:`sim.validation`; ``import sim`` does not load it.
"""

from sim.optimize.celf import CelfResult, celf_greedy, simulation_builder, spreads

__all__ = ["CelfResult", "celf_greedy", "simulation_builder", "spreads"]
