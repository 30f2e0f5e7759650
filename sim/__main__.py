"""``python -m sim``: the same CLI as the ``influence-sim`` console script."""

import sys

from sim.cli import main

sys.exit(main())
