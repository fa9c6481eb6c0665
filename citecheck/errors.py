"""The one fatal error of the pipeline: input that cannot be used. No I/O.

Outcomes of checking are values (`models.LinkCheck`); only unusable input raises, and the CLI
catches it once, prints its one-line message and exits 2.
"""


class InputError(Exception):
    """The input cannot be read or understood; `str(err)` is a one-line reason for the user."""


class NoNetworkError(InputError):
    """No host could be reached at all: the check cannot be done, and no link is reported dead."""
