"""The array dtypes used everywhere, in one place.

Kernels and the Python layer agree on these so arrays cross the boundary without copies.
"""

import numpy as np

NODE = np.int32
"""Agent ids and CSR column indices (followers): up to 2**31 - 1 agents."""

EDGE = np.int64
"""CSR row pointers and edge ids: edge counts may exceed 2**31."""

STEP = np.int32
"""Time steps (days); -1 means "never"."""

VALUE = np.float32
"""Per-edge and per-agent model values in 0..1 (ties, expertise, thresholds, probabilities)."""

ACCUM = np.float64
"""Accumulated influence and other sums, kept in double precision."""

COUNT = np.int64
"""Per-step and per-replication counts."""

KEY = np.uint64
"""Replication keys for the counter-based random draws in the kernels."""

NEVER = -1
"""The step value meaning "has not happened"."""
