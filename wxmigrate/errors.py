"""Errors raised by wxmigrate.

Every error is a :class:`WxMigrateError`.  Subclasses also inherit the
matching builtin (``ValueError``, ``OSError``) so callers may catch either.
Messages start with ``path:line:`` so editors and terminals can jump there.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar


def one_line(text: str) -> str:
    """``text`` with its line breaks shown as ``⏎``, so a message that quotes it stays one line.

    Exported image references are often cut over lines (``2021-06-20标题前半⏎标题后半/a.jpg``);
    every message and change record that quotes one shows it so.
    """
    return text.replace("\r\n", "⏎").replace("\r", "⏎").replace("\n", "⏎")


class WxMigrateError(Exception):
    """Base class: something wxmigrate could not do, located at ``path:line``."""

    def __init__(self, path: str, line: int, detail: str) -> None:
        self.path = path
        self.line = line
        self.detail = detail
        super().__init__(f"{path}:{line}: {detail}")

    def __reduce__(self) -> tuple[Callable[..., WxMigrateError], tuple[object, ...]]:
        """Rebuilt from its parts (a worker process's error crosses into the main process)."""
        return _rebuild, (type(self), self.path, self.line, self.detail)


def _rebuild(kind: type[WxMigrateError], path: str, line: int, detail: str) -> WxMigrateError:
    error = kind.__new__(kind)
    WxMigrateError.__init__(error, path, line, detail)
    return error


class ReadError(WxMigrateError, OSError):
    """The file could not be read (missing, unreadable, or not text)."""


class EncodingError(WxMigrateError, ValueError):
    """The file is not valid UTF-8 (or UTF-16 with a byte-order mark)."""


class FrontMatterError(WxMigrateError, ValueError):
    """The front matter block is unterminated, not YAML, or not a mapping."""


class UnsafePathError(WxMigrateError, ValueError):
    """A path in the post escapes the site it belongs to."""


class LimitError(WxMigrateError, ValueError):
    """The input is past a limit wxmigrate keeps to bound time and memory (size, nesting, aliases)."""


class ConfigError(WxMigrateError, ValueError):
    """An option or rule name is unknown or malformed."""

    def __init__(self, detail: str) -> None:
        super().__init__("<config>", 0, detail)

    @classmethod
    def at(cls, path: str, line: int, detail: str) -> ConfigError:
        """The error in a configuration file, at ``path:line`` (see :mod:`wxmigrate.config`)."""
        error = cls.__new__(cls)
        WxMigrateError.__init__(error, path, line, detail)
        return error


class RepairError(WxMigrateError, RuntimeError):
    """The repair rules did not settle, or their output lost text or images."""


class WriteError(WxMigrateError, OSError):
    """A file or folder could not be written (the output folder unusable, the disk full)."""


class LockError(WxMigrateError, OSError):
    """Another wxmigrate run is writing to the same folder."""


class InternalError(WxMigrateError, RuntimeError):
    """wxmigrate failed where it should not have: a bug, still reported on one line."""


#: Set by ``--traceback``: errors that are bugs propagate with their traceback.
_DEBUG: ContextVar[bool] = ContextVar("wxmigrate_debug", default=False)


def debugging() -> bool:
    """Whether bugs should propagate as they are (``--traceback`` or ``WXMIGRATE_DEBUG=1``)."""
    return _DEBUG.get() or os.environ.get("WXMIGRATE_DEBUG", "") not in ("", "0")


def set_debugging(on: bool) -> None:
    """Turn ``--traceback`` on or off for this context."""
    _DEBUG.set(on)


def contain(path: str, error: Exception) -> WxMigrateError:
    """``error``, met while working on ``path``, as a one-line :class:`WxMigrateError`.

    Our own errors stay as they are; an ``OSError`` is a :class:`ReadError`; a
    ``RecursionError`` means input nested past Python's stack (a :class:`LimitError`);
    anything else is a bug (:class:`InternalError`).  With :func:`debugging` on,
    anything but our own errors is raised again, traceback and all.
    """
    if isinstance(error, WxMigrateError):
        return error
    if debugging():
        raise error
    if isinstance(error, RecursionError):
        return LimitError(path, 0, "nested too deeply to process (past Python's recursion limit)")
    if isinstance(error, OSError):
        return ReadError(path, 0, f"cannot read or write: {error.strerror or error}")
    first = str(error).splitlines()[0] if str(error) else ""
    return InternalError(
        path,
        0,
        f"internal error ({type(error).__name__}{': ' + first if first else ''}); "
        "this is a bug in wxmigrate: please report it, with the output of --traceback",
    )


_P = ParamSpec("_P")
_R = TypeVar("_R")


def boundary(locate: Callable[..., object]) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Make a public function raise only :class:`WxMigrateError` (see :func:`contain`);
    ``locate`` takes the call's arguments and gives the path errors name."""

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(function)
        def guarded(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return function(*args, **kwargs)
            except Exception as error:
                contained = contain(_where(locate, args, kwargs), error)
                if contained is error:
                    raise
                raise contained from error

        return guarded

    return decorate


def _where(locate: Callable[..., object], args: tuple[object, ...], kwargs: dict[str, object]) -> str:
    try:
        return str(locate(*args, **kwargs))
    except Exception:  # the arguments were not what they should be: name none
        return "<input>"
