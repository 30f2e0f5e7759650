"""Calibration: fit scenario keys to observed cascade trees or an adoption curve.

``calibrate(scenario, observed=..., parameters={...})`` returns a
:class:`~sim.calibrate.result.CalibrationResult` (``.best``, ``.within_noise``, ``.ranges``,
``.table``, ``.compare``, ``.save(folder)``); ``influence-sim calibrate`` is the same on the
command line. See docs/calibration.md.

========================  ======================================================================
module                    concept
========================  ======================================================================
``observed``              cascade-tree and adoption-curve files, checked (one-line errors)
``statistics``            per-cascade size, depth, depth-1 share, structural virality, timing
``loss``                  distribution distances (Wasserstein-1 on logs, KS) and curve error
``simulate``              single-seed cascades and curves on common random numbers
``search``                Latin hypercube, local refinement, the within-noise set
``store``                 the resumable record of evaluated candidates
``bass``                  Bass (1969) least squares: closed form and discrete recursion
``fit``                   ``calibrate``: the whole procedure
``result``                the result object, comparison table, calibrated YAML, saving
========================  ======================================================================

This package sits above :mod:`sim.batch`, :mod:`sim.report` and :mod:`sim.validation`;
``import sim`` does not load it.
"""

from sim.calibrate.fit import calibrate
from sim.calibrate.result import CalibrationResult

__all__ = ["CalibrationResult", "calibrate"]
