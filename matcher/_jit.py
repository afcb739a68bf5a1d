"""numba's ``njit`` with the signature mypy sees kept: a compiled function takes and
returns what its Python source says.

Why compiled code in the engine: measured with other work between queries (as in a
server), every numpy call costs 4-10 us with cold caches and every line of Python
several times its warm cost, so a query made of thirty numpy calls cannot answer in
80 us. One compiled call per query touches a few cache lines of code and only the data
it reads. Functions are compiled on first use and cached beside their source, so a
machine compiles them once (a few seconds)."""

from collections.abc import Callable
from typing import TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., object])


def compiled(function: F) -> F:
    """Compile ``function`` with numba (no Python objects inside, no GIL needed)."""
    return cast(F, numba.njit(cache=True, nogil=True, error_model="numpy")(function))
