"""The one-line notice before a kernel compiles (numba's on-disk cache is cold), and only then."""

import os
import subprocess
import sys
from types import SimpleNamespace

from sim.model import warmup

NOTICE = "compiling simulation kernels, once: about"

_SCRIPT = """
import numpy as np
from sim.model import Params, SeedSchedule, Simulation, replication_keys, textbook_agents
from sim.network.generators import erdos_renyi
network = erdos_renyi(200, 4.0, rng=np.random.default_rng(3))
simulation = Simulation(network, textbook_agents(200), Params(rule="cascade", active_steps=1),
                        SeedSchedule.build([0, 1]), 9)
keys = replication_keys(5, 50)
first = simulation.spread(keys).adopters
assert (simulation.spread(keys).adopters == first).all()
print(first.tolist())
"""


def _run(cache) -> subprocess.CompletedProcess:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, check=True
    )


def test_an_empty_cache_gets_one_notice_and_a_filled_one_none(tmp_path):
    cold = _run(tmp_path)
    assert cold.stderr.count(NOTICE) == 1  # two calls, one compile, one line
    warm = _run(tmp_path)  # the same cache, now holding the kernel
    assert NOTICE not in warm.stderr
    assert warm.stdout == cold.stdout  # loaded, not recompiled differently


class _Entry:
    """A stand-in for a numba dispatcher: a name, compiled signatures, a cache index."""

    def __init__(self, name, *, signatures=(), index=None):
        self.__name__ = name
        self.signatures = list(signatures)
        self._cache = SimpleNamespace(_cache_file=SimpleNamespace(_load_index=lambda: index))


def test_the_notice_is_said_once_per_entry_point_with_its_estimate(monkeypatch, capsys):
    monkeypatch.setattr(warmup, "_announced", set())
    monkeypatch.setattr(warmup, "_day_compiled", lambda: False)
    assert warmup.announce_compile(_Entry("run_batch", index={}))
    assert capsys.readouterr().err == f"{NOTICE} {warmup.COMPILE_SECONDS['run_batch']} s\n"
    assert not warmup.announce_compile(_Entry("run_batch", index={}))  # said already
    assert not warmup.announce_compile(_Entry("run_spread", index={"cached": 1}))  # warm cache
    assert not warmup.announce_compile(_Entry("run_textbook", signatures=["sig"], index={}))
    assert capsys.readouterr().err == ""


def test_the_second_entry_point_on_a_compiled_day_says_about_a_second(monkeypatch, capsys):
    monkeypatch.setattr(warmup, "_announced", set())
    monkeypatch.setattr(warmup, "_day_compiled", lambda: True)
    assert warmup.announce_compile(_Entry("run_day", index={}))
    assert capsys.readouterr().err == f"{NOTICE} 1 s\n"
    assert warmup.announce_compile(_Entry("run_spread", index={}))  # compiles its own loop
    assert capsys.readouterr().err == f"{NOTICE} {warmup.COMPILE_SECONDS['run_spread']} s\n"
