"""The report layer: plots that take tables, text formatting for the terminal, and the one
writer of output folders. Plots load matplotlib only when first used."""

from sim.report.writer import save_comparison, save_results, save_table

__all__ = ["save_comparison", "save_results", "save_table"]
