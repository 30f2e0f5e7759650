"""The analysis layer: tidy result tables from the runner's stream, the one statistics module
(intervals, bootstrap), strategy comparisons and price sweeps. Produces DataFrames; writing
them is :mod:`sim.report`."""

from sim.analysis.comparison import Comparison, compare_setup, comparison_table
from sim.analysis.price_sweep import price_sweep_setup
from sim.analysis.results import Results, tabulate

__all__ = [
    "Comparison",
    "Results",
    "compare_setup",
    "comparison_table",
    "price_sweep_setup",
    "tabulate",
]
