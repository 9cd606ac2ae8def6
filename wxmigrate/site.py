"""A site on disk: its engine, its posts, its image folder, and every image file it holds.

A site is a folder of an engine wxmigrate knows (Jekyll's ``_posts/``, Hugo's
``content/``, Hexo's ``source/_posts/``, …: see :func:`~wxmigrate.emit.detect_engine`),
whose posts are found under that engine's content folder, or any other
folder of Markdown posts, in any layout, whose posts are all its ``.md`` files.

Exported posts point at their images in many ways (the site's image folder
through Liquid, an export folder named after the article, a Windows path).
wxmigrate finds an image by its file name among every image file under the
site (and any ``--assets`` folder), so all of those resolve to one file.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs

from .emit import Engine, detect_engine
from .errors import ReadError

POST_SUFFIXES = (".md", ".markdown")
IMAGE_SUFFIXES = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".svg", ".tif", ".tiff", ".ico", ".avif", ".heic",
)
#: Folders never searched for posts or images.
IGNORED = {
    "_site", "public", ".git", "node_modules", ".wxmigrate-backup", ".venv", "__pycache__", ".jekyll-cache", ".cache",
}
#: Front-matter keys that name an image of the post.
FRONT_MATTER_IMAGE_KEYS = ("header-img", "header_img", "image", "cover", "thumbnail", "featured_image", "banner")
_LIQUID = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")


@attrs.frozen
class Site:
    """Where a repair run reads from."""

    root: Path
    posts: tuple[Path, ...]
    #: The folder (relative to ``root``) the posts keep their images in, e.g. ``postimg``.
    image_folder: str
    #: Every image file found, by file name (several files may share a name).
    images: Mapping[str, tuple[Path, ...]]
    #: The engine whose site ``root`` is; None for a plain folder of Markdown.
    engine: Engine | None = None

    @property
    def jekyll(self) -> bool:
        """Whether ``root`` is a Jekyll site (it has a ``_posts`` folder)."""
        return self.engine is not None and self.engine.name == "jekyll"

    def relative(self, path: Path) -> Path:
        return path.relative_to(self.root)


def _walk(folder: Path, suffixes: tuple[str, ...], skip: Iterable[Path] = ()) -> list[Path]:
    skipped = {p.resolve() for p in skip}
    found: list[Path] = []
    for current, folders, files in os.walk(folder):
        here = Path(current)
        folders[:] = sorted(
            name for name in folders
            if name not in IGNORED and not name.startswith(".") and (here / name).resolve() not in skipped
        )
        found.extend(here / name for name in sorted(files) if name.lower().endswith(suffixes))
    return found


def discover(source: str | Path, *, assets: Iterable[str | Path] = (), skip: Iterable[Path] = ()) -> Site:
    """Find the posts and images of ``source`` (a site root, a folder of posts, or one post)."""
    source = Path(source)
    if not source.exists():
        raise ReadError(str(source), 0, "does not exist; expected a site folder or a post file")
    if source.is_file():
        root = source.parent.parent if source.parent.name == "_posts" else source.parent
        engine = detect_engine(root)
        posts: tuple[Path, ...] = (source,)
    else:
        root = source
        engine = detect_engine(root)
        folder = root / engine.content_root if engine and (root / engine.content_root).is_dir() else root
        skipped = engine.skip_names if engine else ()
        posts = tuple(post for post in _walk(folder, POST_SUFFIXES, skip) if post.name not in skipped)
    index: dict[str, list[Path]] = {}
    for image in [*_walk(root, IMAGE_SUFFIXES, skip), *(f for a in assets for f in _walk(Path(a), IMAGE_SUFFIXES))]:
        index.setdefault(image.name, []).append(image)
    return Site(
        root=root,
        posts=posts,
        image_folder=_image_folder(root, posts),
        images={name: tuple(paths) for name, paths in index.items()},
        engine=engine,
    )


def local_path(src: str) -> str | None:
    """The site-relative path an image source names, or None for a URL."""
    path = _LIQUID.sub("", src)
    if _SCHEME.match(path.strip()):
        return None
    path = re.sub(r"\s*\n\s*", "", path).replace("\\", "/")
    return re.split(r"[?#]", path, maxsplit=1)[0].lstrip("/") or None


def _image_folder(root: Path, posts: Iterable[Path]) -> str:
    """The folder most image links of the posts point into, when it exists."""
    counts: Counter[str] = Counter()
    link = re.compile(r"!\[[^\]]*\]\(((?:\{\{.*?\}\}|[^)\s])*)")
    for post in posts:
        try:
            text = post.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for src in link.findall(text):
            path = local_path(src)
            if path and "/" in path and (root / path.split("/")[0]).is_dir():
                counts[path.rsplit("/", 1)[0]] += 1
    return counts.most_common(1)[0][0] if counts else ""


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` (symlinks resolved) stays inside ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
