"""The image references of a site's posts, each post scanned (:mod:`.scan`) or else parsed,
and where each leads as written (:class:`.resolve.DirectResolver`), kept on disk (:mod:`.spill`)."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import WxMigrateError
from ..parse import load_blocks
from ..site import outside_link
from .references import Reference, references
from .resolve import DirectResolver, Resolution
from .scan import scan
from .spill import Row, Spilled

#: One post's references, where each leads as written (None: to be looked up by name),
#: and the line saying why the post could not be read.
Read = tuple[list[Reference], list[Resolution | None], str | None]


def post_references(
    path: Path, root: Path, encoding: str | None, resolver: DirectResolver | None = None
) -> tuple[list[Reference], str | None]:
    """The references of the post at ``path`` in the site at ``root``, or the line saying
    why the post cannot be read (a link out of the site, a read or front-matter error);
    ``resolver``, when given, finds the post's real path (:meth:`DirectResolver.refused`)."""
    refused = outside_link(path, root) if resolver is None else resolver.refused(path, root)
    if refused is not None:
        return [], f"{path}:0: {refused}"
    scanned = scan(path, encoding=encoding)
    if scanned is not None:
        return scanned, None
    try:
        post = load_blocks(path, encoding=encoding)  # what a scan cannot decide is parsed
    except WxMigrateError as error:
        return [], str(error)
    return list(references(post)), None


def read_post(path: Path, root: Path, encoding: str | None, resolver: DirectResolver) -> Read:
    """The post at ``path`` read (:func:`post_references`), its references resolved as written."""
    refs, error = post_references(path, root, encoding, resolver)
    return refs, [resolver.resolve(ref) for ref in refs], error


def gather(
    reads: Iterable[Read],
) -> tuple[Spilled[Reference], Spilled[Resolution | None], list[str]]:
    """Every post's references in order and where each leads as written (both kept on disk
    past a few thousand), and the errors of the posts that could not be read."""
    refs: Spilled[Reference] = Spilled(REFERENCE_ROW, Reference)
    direct: Spilled[Resolution | None] = Spilled(resolution_row, resolution)
    errors: list[str] = []
    for found, leads, error in reads:
        for ref, lead in zip(found, leads):
            refs.append(ref)
            direct.append(lead)
        if error is not None:
            errors.append(error)
    return refs, direct, errors


#: A :class:`~.references.Reference` as the plain values it is made from, in order.
REFERENCE_ROW = operator.attrgetter("post", "line", "src", "key")


def resolution_row(found: Resolution | None) -> Row:
    """A resolution (or None) as plain values (:class:`.spill.Spilled`)."""
    if found is None:
        return ()
    return (found.kind, found.path, found.by_name, found.declared, found.data, found.detail)


def resolution(*row: Any) -> Resolution | None:
    """The resolution :func:`resolution_row` gave ``row`` for."""
    return Resolution(*row) if row else None


__all__ = ["REFERENCE_ROW", "Read", "gather", "post_references", "read_post", "resolution", "resolution_row"]
