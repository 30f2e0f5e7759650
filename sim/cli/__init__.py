"""The command line (``influence-sim``, ``python -m sim``): the top layer, over the API."""

from sim.cli.main import main

__all__ = ["main"]
