"""Seed-set optimisers on the engine's Monte-Carlo estimates and on reverse influence sampling.

:mod:`~sim.optimize.celf` (unit-cost CELF), :mod:`~sim.optimize.budgeted` (cost-aware lazy
greedy under a money budget), :mod:`~sim.optimize.objective` (expected organic adopters of a
plan on common random numbers), :mod:`~sim.optimize.ris` (IMM-sized RR sets for ``cascade``)
and :mod:`~sim.optimize.plan` (``select: optimized`` strategies to plans). Sits above
:mod:`sim.runner` and below :mod:`sim.api` (the RR-set kernel loads on first use).
"""

from sim.optimize.budgeted import BudgetedResult, budgeted_greedy
from sim.optimize.celf import CelfResult, celf_greedy, simulation_builder, spreads
from sim.optimize.plan import Optimized, has_optimized, optimize, plan_strategies

__all__ = [
    "BudgetedResult",
    "CelfResult",
    "Optimized",
    "budgeted_greedy",
    "celf_greedy",
    "has_optimized",
    "optimize",
    "plan_strategies",
    "simulation_builder",
    "spreads",
]
