"""The installed package version, recorded in every result."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("influence-sim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
