"""The engine's one exception.

ValueError
 └── InvalidQuery     a parameter is out of its domain; the message names it and the fix
"""


class InvalidQuery(ValueError):
    """A call's argument is invalid; the message names the parameter, e.g.
    ``radius_m must be in (0, 50000], got -5``. The index is left unchanged."""
