"""Saying, once, that the kernels are about to compile (numba's on-disk cache is cold)."""

from __future__ import annotations

import sys

COMPILE_SECONDS = {
    "run_batch": 18,
    "run_day": 11,
    "run_textbook": 3,
    "run_spread": 2,
    "run_threshold_spread": 1,
}
"""First-compile time of each kernel entry point with an empty cache, measured on a 2-core
machine (``run_day`` after nothing else: it compiles the day ``run_batch`` shares);
``influence-sim bench`` measures it on yours."""

SHARING_DAY = ("run_batch", "run_day")
"""Entry points built on one compiled day (:func:`sim.kernels.diffusion.advance`): once one
of them has compiled it in this process, the other takes about a second more."""

_announced: set[str] = set()


def announce_compile(entry) -> bool:
    """Say on stderr, once per entry point and process, that a kernel entry point is about to
    compile because numba's on-disk cache holds no version of it (the first run after
    installing, or after the kernels changed). Returns whether it did."""
    name = getattr(entry, "__name__", None) or str(entry)
    if name in _announced:
        return False
    _announced.add(name)
    if entry.signatures or _cache_is_warm(entry):
        return False
    seconds = COMPILE_SECONDS.get(name, 10)
    if name in SHARING_DAY and _day_compiled():
        seconds = 1
    print(f"compiling simulation kernels, once: about {seconds} s", file=sys.stderr, flush=True)
    return True


def _cache_is_warm(entry) -> bool:
    """True when numba's cache index for ``entry`` exists and matches its source file."""
    try:
        return bool(entry._cache._cache_file._load_index())
    except Exception:  # numba internals moved: assume warm rather than print a false alarm
        return True


def _day_compiled() -> bool:
    """Has this process compiled the general kernel's day (loaded from the cache does not
    count: the cache keeps each entry point's code whole)?"""
    from sim.kernels import diffusion

    return bool(diffusion.advance.signatures)
