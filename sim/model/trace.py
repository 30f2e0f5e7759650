"""One replication's adoptions in order: the tree the diffusion grew, with times in hours.

:meth:`sim.model.engine.Simulation.trace` runs a replication with parent tracking on and reads
this from the kernel's state; calibration compares these trees (depth, how star-like, timing)
with observed cascades.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.kernels import diffusion as kernel
from sim.model.params import Params


@dataclass(frozen=True, eq=False)
class Trace:
    """Adopters of one replication in the order they adopted (arrays of equal length).

    agent : int32, who adopted. parent : int32, the poster whose exposure made the agent adopt
    (-1: a seed, an instigator or an adoption from outside the network). step : int32, the step
    of adoption. hours : float64, the time of adoption in hours since the start (the step times
    ``step_hours`` without delays; with delays, the time of the exposure that made the agent
    adopt, or a time within the step for outside adoptions). origin : int32, the seed the
    adoption is attributed to (index into ``seeds``, -1 none). seeds : int32, the plan's seeds.
    """

    agent: np.ndarray
    parent: np.ndarray
    step: np.ndarray
    hours: np.ndarray
    origin: np.ndarray
    seeds: np.ndarray

    def __len__(self) -> int:
        return int(self.agent.size)

    def frame(self):
        """The adoptions as a pandas DataFrame (one row per adopter)."""
        import pandas as pd

        return pd.DataFrame(
            {
                "agent": self.agent,
                "parent": self.parent,
                "step": self.step,
                "hours": self.hours,
                "origin_seed": np.where(
                    self.origin >= 0, self.seeds[np.maximum(self.origin, 0)], -1
                ),
            }
        )


def read_trace(state: kernel.State, params: Params, seeds: np.ndarray) -> Trace:
    """The trace of the replication whose final state ``state`` holds (run with tracing)."""
    order = state.adoption_order[: state.counters[kernel.N_ADOPTED]].copy()
    record = state.agent[order]
    step = record["adopt_time"].astype(np.int32)
    if params.timed:
        hours = state.hours[order].astype(np.float64)
    else:
        hours = step * float(params.step_hours)
    arrays = [order, state.parent[order].copy(), step, hours, record["origin"].copy()]
    for array in arrays:
        array.setflags(write=False)
    return Trace(*arrays, np.asarray(seeds, dtype=np.int32))
