"""Rewrite image references in post files, in place, safely.

Only the reference's own characters change: the rest of the file, its
newline style and its byte-order mark are kept.  The original is copied to
``SITE/.wxmigrate-backup/TIME/…`` first (a hidden folder static-site engines
do not publish, unlike a ``.bak`` beside a Jekyll post, which Jekyll would
publish as a post), and the new text is written atomically
(:mod:`wxmigrate.write`), so a crash never leaves half a post.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from pathlib import Path

import attrs

from ..errors import ReadError
from ..read import decode
from ..write import atomic_write, backup

#: Characters that may stand right before and after a reference: ``](…)``,
#: ``<…>``, quotes, ``key: value``.
_BEFORE = r"(?<=[(<\"'=:\s])"
_AFTER = r"(?=[)>\"'\s]|$)"


@attrs.frozen
class Edit:
    """Replace reference ``old`` (as written) starting on ``line`` by ``new``."""

    line: int
    old: str
    new: str


def apply_edits(text: str, edits: Sequence[Edit]) -> tuple[str, list[Edit]]:
    """``text`` with ``edits`` applied, and the edits whose reference was not found.

    Edits are applied from the last line up, so that joining a split
    reference never moves the lines of the edits still to come.
    """
    not_found = []
    for edit in sorted(edits, key=lambda edit: -edit.line):
        pattern = re.compile(
            _BEFORE + r"\r?\n".join(re.escape(part) for part in edit.old.split("\n")) + _AFTER,
            re.MULTILINE,
        )
        match = pattern.search(text, _line_offset(text, edit.line)) or pattern.search(text)
        if match is None:
            not_found.append(edit)
            continue
        text = text[: match.start()] + edit.new + text[match.end() :]
    return text, not_found


def _line_offset(text: str, line: int) -> int:
    offset = 0
    for _ in range(max(line - 1, 0)):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return 0
    return offset


def rewrite_post(
    path: Path, edits: Sequence[Edit], *, backup_folder: Path, root: Path
) -> list[Edit]:
    """Apply ``edits`` to the post at ``path``; return those that found no reference.

    Raises :class:`ReadError` when the post cannot be read or written.
    """
    data = _read_bytes(path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError(
            str(path), 0, "is UTF-16; only UTF-8 posts are rewritten (convert it first)"
        )
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    text = decode(data, str(path))
    new_text, not_found = apply_edits(text, edits)
    if new_text != text:
        if path.is_relative_to(root) and not (backup_folder / path.relative_to(root)).exists():
            backup(path, root, backup_folder)  # only the first backup of a run is the original
        atomic_write(path, bom + new_text.encode("utf-8"))
    return not_found


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ReadError(str(path), 0, f"cannot read: {error.strerror or error}") from None
