"""Errors raised by wxmigrate.

Every error is a :class:`WxMigrateError`.  Subclasses also inherit the
matching builtin (``ValueError``, ``OSError``) so callers may catch either.
Messages start with ``path:line:`` so editors and terminals can jump there.
"""

from __future__ import annotations


class WxMigrateError(Exception):
    """Base class: something wxmigrate could not do, located at ``path:line``."""

    def __init__(self, path: str, line: int, detail: str) -> None:
        self.path = path
        self.line = line
        self.detail = detail
        super().__init__(f"{path}:{line}: {detail}")


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


class RepairError(WxMigrateError, RuntimeError):
    """The repair rules did not settle, or their output lost text or images."""


class WriteError(WxMigrateError, OSError):
    """A file or folder could not be written (the output folder unusable, the disk full)."""


class LockError(WxMigrateError, OSError):
    """Another wxmigrate run is writing to the same folder."""
