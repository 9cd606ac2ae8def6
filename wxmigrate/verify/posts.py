"""The image references of a site's posts, each post scanned (:mod:`.scan`) or else parsed."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import WxMigrateError
from ..parse import load_blocks
from ..site import outside_link
from .references import Reference, references
from .scan import scan


def post_references(path: Path, root: Path, encoding: str | None) -> tuple[list[Reference], str | None]:
    """The references of the post at ``path`` in the site at ``root``, or the line saying
    why the post cannot be read (a link out of the site, a read or front-matter error)."""
    refused = outside_link(path, root)
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


def all_references(
    read: Iterable[tuple[list[Reference], str | None]],
) -> tuple[list[Reference], list[str]]:
    """Every post's references in order, and the errors of the posts that could not be read."""
    refs: list[Reference] = []
    errors: list[str] = []
    for found, error in read:
        refs.extend(found)
        if error is not None:
            errors.append(error)
    return refs, errors


__all__ = ["all_references", "post_references"]
