"""Validation studies: the engine against textbook results, peer libraries and real data.

Each module holds one concept's theory (closed forms, exact finite-n laws, fixed points) and
the drivers that run the engine for it; the scripts in ``docs/validation/`` only call these,
plot and write markdown, and ``tests/test_validation_*.py`` check the same functions.

This sub-package sits above :mod:`sim.analysis` and may import any lower layer; nothing in
``sim`` imports it, and ``import sim`` does not load it. Optional peers (CyNetDiff, ndlib) are
imported inside the functions that need them.

========================  ======================================================================
module                    concept
========================  ======================================================================
``bass``                  Bass (1969): closed form, recursion, exact finite-n law
``percolation``           independent cascade = bond percolation; Reed–Frost chain binomial
``granovetter``           Granovetter (1978) thresholds on the complete graph: mean field, exact law
``watts``                 Watts (2002) global cascades on random graphs
``complex_contagion``     Centola & Macy (2007) complex contagion on rewired rings
``peers``                 the same models in CyNetDiff and ndlib, for cross-checks
``seeding``               Kempe, Kleinberg & Tardos (2003): random, top degree and greedy seeds
``cascades``              Twitter15 retweet trees beside the engine's cascades on wiki-Vote
``economics``             Bakshy et al. (2011): cost per adopter under power-law prices
========================  ======================================================================
"""

from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
"""The shared data folder next to the repository (``../shared/data``, see its README)."""
