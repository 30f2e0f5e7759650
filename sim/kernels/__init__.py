"""The Numba kernels: arrays in, arrays out (numpy and numba only).

numba invalidates a cached function only when the function's own file changes, so a kernel
that inlines code from a sibling module could load a stale compiled version after that sibling
was edited. The kernels are therefore cached in a folder named after a hash of every kernel
source file: any edit to any of them starts a fresh cache. The folder is chosen while the kernel
modules are decorated (imported here, together) and numba's setting is restored afterwards, so
the caller's own numba functions keep numba's usual cache locations.
"""

import hashlib
import os
from pathlib import Path

import numba

_HERE = Path(__file__).resolve().parent


def _cache_dir() -> str:
    """``<NUMBA_CACHE_DIR or this folder's __pycache__>/influence-sim-<hash of the kernels>``."""
    digest = hashlib.sha256()
    for path in sorted(_HERE.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    base = os.environ.get("NUMBA_CACHE_DIR") or str(_HERE / "__pycache__")
    return os.path.join(base, f"influence-sim-{digest.hexdigest()[:16]}")


CACHE_DIR = _cache_dir()
_previous = numba.config.CACHE_DIR
numba.config.CACHE_DIR = CACHE_DIR
try:  # decorate every kernel now, with the salted cache folder in force
    from sim.kernels import (  # noqa: F401
        batch,
        cascade,
        counter_rng,
        diffusion,
        growth,
        prefetch,
        rr_sets,
        threshold,
        well_mixed,
    )
finally:
    numba.config.CACHE_DIR = _previous
