"""Checking the arguments of the public strategies, with messages that say what was expected.

Strategies check their arguments when they are called, not when the first
example is drawn, so a mistake fails at the line that made it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from hypothesis import errors
from hypothesis.strategies import SearchStrategy

from ..errors import ConfigError


class InvalidArgument(ConfigError, errors.InvalidArgument):
    """A strategy of :mod:`wxmigrate.testing` was called with an argument it cannot use.

    It is a :class:`~wxmigrate.errors.ConfigError` (so a ``ValueError``) and a
    Hypothesis ``InvalidArgument``: catch whichever your code already catches.
    """


def check_flag(function: str, name: str, value: object) -> bool | None:
    """``value`` when it is True, False or None (which means "sometimes")."""
    if value is not None and not isinstance(value, bool):
        raise InvalidArgument(
            f"{function}({name}={value!r}): expected True (always), False (never) or None (sometimes)"
        )
    return value


def check_count(function: str, name: str, value: object, low: int, high: int) -> int:
    """``value`` when it is an int from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidArgument(f"{function}({name}={value!r}): expected an int from {low} to {high}")
    return value


def check_bounds(function: str, low_name: str, low: int, high_name: str, high: int) -> None:
    """Refuse a minimum above its maximum."""
    if low > high:
        raise InvalidArgument(f"{function}({low_name}={low}, {high_name}={high}): {low_name} exceeds {high_name}")


def check_names(function: str, name: str, value: object, known: tuple[str, ...]) -> tuple[str, ...]:
    """``value`` as a tuple of names, each one of ``known`` (order of ``known``, no repeats)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Collection):
        raise InvalidArgument(
            f"{function}({name}={value!r}): expected a collection of names such as "
            f"[{known[0]!r}], not {type(value).__name__}"
        )
    unknown = [item for item in value if item not in known]
    if unknown:
        raise InvalidArgument(
            f"{function}({name}=...): unknown name(s) {', '.join(map(repr, unknown))}; "
            f"expected some of: {', '.join(known)}"
        )
    return tuple(item for item in known if item in value)


def check_strategy(function: str, name: str, value: Any) -> SearchStrategy[Any]:
    """``value`` when it is a Hypothesis strategy."""
    if not isinstance(value, SearchStrategy):
        raise InvalidArgument(
            f"{function}({name}={value!r}): expected a Hypothesis strategy such as posts(), "
            f"not {type(value).__name__}"
        )
    return value
