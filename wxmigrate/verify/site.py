"""Where a site's posts, image folders and export folders are.

A *site* is a folder such as a Jekyll site (``_posts/``, ``_config.yml``);
verification may also start from one post, whose site is the nearest folder
above it that looks like a site root.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs

from ..errors import ReadError

#: Markdown file extensions read as posts.
POST_EXTENSIONS = (".md", ".markdown")

#: Files that mark a folder as a site root.
_ROOT_MARKERS = ("_config.yml", "_config.yaml", "_config.toml", "config.toml", "hugo.toml")

#: Folders never searched: build output, dependencies, version control.
_SKIPPED = {"_site", "public", "node_modules", "vendor", ".git", ".jekyll-cache", "__pycache__"}

#: Folders where exporters leave images when the site has none named.
EXPORT_FOLDER = "exports"

#: Folder names that usually hold a site's images (searched by file name).
COMMON_IMAGE_FOLDERS = ("postimg", "img", "images", "image", "assets", "static", "uploads", "media")


@attrs.frozen
class Site:
    """A site to verify: its root, the posts to read, and extra folders to search."""

    #: The site root, absolute and resolved (symlinks followed).
    root: Path
    posts: tuple[Path, ...]
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
    return Site(root, tuple(sorted(post_files(root))), asset_folders)


def site_root(post: Path) -> Path:
    """The root of the site holding ``post``: the nearest folder above it with a site
    config, else the parent of its ``_posts`` folder, else its own folder."""
    resolved = post.resolve()
    for folder in resolved.parents:
        if any((folder / marker).is_file() for marker in _ROOT_MARKERS):
            return folder
    for folder in resolved.parents:
        if folder.name == "_posts":
            return folder.parent
    return resolved.parent


def post_files(root: Path) -> Iterator[Path]:
    """The posts of a site: ``_posts/`` and ``_drafts/`` when there is a ``_posts``, else
    every Markdown file below the root (export folders and build output left out)."""
    if (root / "_posts").is_dir():
        for name in ("_posts", "_drafts"):
            yield from _markdown_files(root / name)
        return
    yield from _markdown_files(root, skip={EXPORT_FOLDER})


def _markdown_files(folder: Path, skip: Iterable[str] = ()) -> Iterator[Path]:
    skipped = _SKIPPED | set(skip)
    for path in walk_files(folder, skipped):
        if path.suffix.lower() in POST_EXTENSIONS:
            yield path


def walk_files(folder: Path, skipped: Iterable[str] = _SKIPPED) -> Iterator[Path]:
    """Every file below ``folder``, hidden and skipped folders left out, symlinked folders not followed."""
    skip = set(skipped)
    for current, folders, files in os.walk(folder):
        folders[:] = sorted(
            name for name in folders if not name.startswith(".") and name not in skip
        )
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(current, name)
