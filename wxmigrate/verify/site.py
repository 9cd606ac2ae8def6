"""Where a site's posts, image folders and export folders are.

A *site* is a folder such as a Jekyll site (``_posts/``, ``_config.yml``);
verification may also start from one post, whose site is the nearest folder
above it that looks like a site root.  Which files are posts, and how a site
is walked, is :mod:`wxmigrate.site`'s to say, for repair and verification alike.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from ..errors import ReadError
from ..site import EXPORT_FOLDER, Paths, path_order, post_names, site_root, walk_files, walk_folders, walk_names

#: Folder names that usually hold a site's images (searched by file name).
COMMON_IMAGE_FOLDERS = ("postimg", "img", "images", "image", "assets", "static", "uploads", "media")


@attrs.frozen
class Site:
    """A site to verify: its root, the posts to read, and extra folders to search."""

    #: The site root, absolute and resolved (symlinks followed).
    root: Path
    #: Kept as strings (:class:`wxmigrate.site.Paths`): a site may have many.
    posts: Sequence[Path]
    #: Folders given by the user (``--assets``), searched by file name; may lie outside the root.
    assets: tuple[Path, ...] = ()

    # Both are called for every reference: plain string operations keep them cheap.

    def relative(self, path: str | Path) -> str:
        """``path`` relative to the root with ``/`` separators, or absolute when outside it."""
        text, root = os.fspath(path), os.fspath(self.root)
        if text.startswith(root + os.sep):
            text = text[len(root) + 1 :]
        return text.replace(os.sep, "/")

    def contains(self, path: str | Path) -> bool:
        """True when ``path`` (normalised or resolved) is the root or below it."""
        text, root = os.fspath(path), os.fspath(self.root)
        return text == root or text.startswith(root.rstrip(os.sep) + os.sep)

    def export_folders(self) -> list[Path]:
        """The folder of exported images and any ``--assets`` folders that exist."""
        folders = [self.root / EXPORT_FOLDER, *self.assets]
        return [folder for folder in folders if folder.is_dir()]


def find_site(source: str | Path, *, assets: Iterable[str | Path] = ()) -> Site:
    """The site at ``source`` (a site folder or one post file); raise :class:`ReadError` if absent."""
    path = Path(source)
    asset_folders = tuple(Path(folder).resolve() for folder in assets)
    for folder in asset_folders:
        if not folder.is_dir():
            raise ReadError(str(folder), 0, "assets folder not found; expected a folder of images")
    if path.is_file():
        return Site(site_root(path), (path.resolve(),), asset_folders)
    if not path.is_dir():
        raise ReadError(str(path), 0, "no such file or folder; expected a site folder or a post")
    root = path.resolve()
    posts = sorted(post_names(root, drafts=True), key=path_order)
    return Site(root, Paths(posts), asset_folders)


__all__ = ["COMMON_IMAGE_FOLDERS", "EXPORT_FOLDER", "Site", "find_site", "walk_files", "walk_folders", "walk_names"]
