"""The one exception class for bad input.

Every error caused by what a user gave (a scenario file, a network file, a CLI flag, a Python
object passed to the public API) is an :class:`InputError`: its message is one line (or one line
per problem) naming where and what is allowed, and the CLI prints it and exits with code 2.
Any other exception is a bug and keeps its traceback.
"""


class InputError(ValueError):
    """Input that cannot be used, with a message saying where, what and what is allowed."""
