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

import itertools
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import overload

import attrs

from .emit import Engine, detect_engine
from .errors import ReadError
from .names import FileNames

POST_SUFFIXES = (".md", ".markdown")
IMAGE_SUFFIXES = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".svg", ".tif", ".tiff", ".ico", ".avif", ".heic",
)
#: Folders never searched for posts or images: build output, dependencies,
#: version control, caches, our own backups (hidden folders are skipped too).
IGNORED = frozenset(
    {"_site", "public", "node_modules", "vendor", ".git", ".wxmigrate-backup", ".venv", "__pycache__",
     ".jekyll-cache", ".cache"}
)
#: The folder exporters leave images in when the site names none: a source of images, not of posts.
EXPORT_FOLDER = "exports"
#: Files that mark a folder as a site root.
ROOT_MARKERS = ("_config.yml", "_config.yaml", "_config.toml", "config.toml", "hugo.toml")
#: Front-matter keys that name an image of the post.
FRONT_MATTER_IMAGE_KEYS = ("header-img", "header_img", "image", "cover", "thumbnail", "featured_image", "banner")
_LIQUID = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")


class Paths(Sequence[Path]):
    """Paths kept as strings, each made a :class:`~pathlib.Path` when it is read.

    A ``Path`` costs about 600 bytes (its parts are strings of their own), its string a
    sixth of that: a site's posts and images, kept for the whole run, are kept so.
    """

    __slots__ = ("_names",)

    def __init__(self, paths: Iterable[str | Path] = ()) -> None:
        self._names = tuple(os.fspath(path) for path in paths)

    @overload
    def __getitem__(self, index: int) -> Path: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Path, ...]: ...
    def __getitem__(self, index: int | slice) -> Path | tuple[Path, ...]:
        if isinstance(index, slice):
            return tuple(Path(name) for name in self._names[index])
        return Path(self._names[index])

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[Path]:
        return map(Path, self._names)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._names)

    def __repr__(self) -> str:
        return f"Paths({list(self._names)!r})"

    def __reduce__(self) -> tuple[type[Paths], tuple[tuple[str, ...]]]:
        return Paths, (self._names,)


class ImageIndex(Mapping[str, tuple[Path, ...]]):
    """The image files of a site by file name (:func:`file_key`), in bounded memory.

    An archive holds hundreds of thousands of images, kept for the whole run: each
    folder is kept once, and each file as its folder's number and its name, filed in a
    :class:`~wxmigrate.names.FileNames` (on disk past its first
    :data:`~wxmigrate.names.KEPT` files, which the worker processes of ``--jobs`` read too).
    """

    __slots__ = ("_folders", "_names")

    def __init__(self, files: Iterable[tuple[str, str, str]] = ()) -> None:
        """Index ``files``: (key, folder, name) of each, in the order :meth:`__getitem__`
        gives them back."""
        self._folders: list[str] = []
        numbers: dict[str, int] = {}
        self._names = FileNames()
        for key, folder, name in files:
            number = numbers.get(folder)
            if number is None:
                number = numbers[folder] = len(self._folders)
                self._folders.append(folder)
            self._names.add(key, number, name)
        self._names.seal()

    def __getitem__(self, key: str) -> tuple[Path, ...]:
        found = self._names.get(key)
        if not found:
            raise KeyError(key)
        return tuple(Path(self._folders[place], name) for place, name in found)

    def __iter__(self) -> Iterator[str]:
        return self._names.keys()

    def __len__(self) -> int:
        return self._names.key_count()

    def shared(self, of: Callable[[str], str]) -> Iterator[tuple[str, tuple[Path, ...]]]:
        """Each value ``of`` gives the names (keys) of more than one file, with those files;
        the values, and the files of each, in no particular order."""
        for value, files in self._names.shared(of):
            yield value, tuple(Path(self._folders[place], name) for _key, place, name in files)


@attrs.frozen
class Site:
    """Where a repair run reads from."""

    root: Path
    posts: Sequence[Path]
    #: The folder (relative to ``root``) the posts keep their images in, e.g. ``postimg``.
    image_folder: str
    #: Every image file found, by file name (several files may share a name).
    images: ImageIndex
    #: The engine whose site ``root`` is; None for a plain folder of Markdown.
    engine: Engine | None = None
    #: Image files not used, by file name: why (a link out of the site, a link loop).
    refused: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def jekyll(self) -> bool:
        """Whether ``root`` is a Jekyll site (it has a ``_posts`` folder)."""
        return self.engine is not None and self.engine.name == "jekyll"

    def relative(self, path: Path) -> Path:
        return path.relative_to(self.root)

    def images_named(self, name: str) -> tuple[Path, ...]:
        """The image files called ``name`` (compared in NFC, as macOS writes names in NFD)."""
        return self.images.get(file_key(name), ())


def file_key(name: str) -> str:
    """A file name as the image index keys it: NFC, so ``café`` in NFD and NFC are one name."""
    return unicodedata.normalize("NFC", name)


def outside_link(path: Path, root: Path) -> str | None:
    """Why the file at ``path`` must not be read: a symlink that leads out of ``root`` or
    nowhere (a loop, a dangling link); None for a file that stays inside."""
    real = os.path.realpath(path)
    if not os.path.isfile(real):
        return "is a symlink that leads to no file (a loop or a dangling link); not read"
    # ``real`` leads to a file, so it holds no link: only the root needs resolving (:func:`inside`).
    return link_out_of(real, os.path.realpath(root))


def link_out_of(real: str, top: str) -> str | None:
    """What :func:`outside_link` says of a file whose real path is ``real`` (a file is there)
    in the site whose root's real path is ``top``: for callers that know both already."""
    if real != top and not real.startswith(top.rstrip(os.sep) + os.sep):
        return f"is a link to {real}, outside the site; not read"
    return None


def walk_files(folder: Path, *, skip: Iterable[Path] = ()) -> Iterator[Path]:
    """Every file below ``folder``, in sorted order: hidden files and folders, :data:`IGNORED`
    folders and the folders in ``skip`` left out; symlinked folders not followed."""
    return map(Path, walk_names(folder, skip=skip))


def walk_names(folder: Path, *, skip: Iterable[Path] = ()) -> Iterator[str]:
    """:func:`walk_files` as strings (what a ``Path`` of each would print), for callers that
    look at thousands of files and need no ``Path`` of most."""
    for current, names in walk_folders(folder, skip=skip):
        for name in names:
            yield os.path.join(current, name)


def walk_folders(folder: Path, *, skip: Iterable[Path] = ()) -> Iterator[tuple[str, list[str]]]:
    """:func:`walk_names` a folder at a time: each folder (a string) with its files' names,
    for callers that keep a folder's path once rather than in each of its files'."""
    for current, files in _walk(os.fspath(folder), {os.fspath(p.resolve()) for p in skip}):
        yield current, [name for name, _plain in files]


def _walk(current: str, skipped: set[str]) -> Iterator[tuple[str, list[tuple[str, bool]]]]:
    """``current`` and every folder below it, each with its files' names, as
    :func:`walk_files` gives them (top-down, in sorted order, as :func:`os.walk`: a folder
    that cannot be listed is passed over), and whether each is a plain file, not a link:
    the listing tells, without another system call (:func:`_image_files`).

    Only names are kept, not the listing's entries: a folder may hold a hundred thousand
    images, and an entry is twice the memory of a name."""
    folders: list[str] = []
    files: list[tuple[str, bool]] = []
    try:
        with os.scandir(current) as listing:
            for entry in listing:
                if entry.name.startswith("."):
                    continue
                if _is_folder(entry):
                    folders.append(entry.name)
                else:
                    files.append((entry.name, _plain_file(entry)))
    except OSError:
        return
    files.sort()
    folders.sort()
    yield current, files
    for name in folders:
        inner = os.path.join(current, name)
        if name in IGNORED or os.path.islink(inner):
            continue
        if skipped and os.fspath(Path(inner).resolve()) in skipped:
            continue
        yield from _walk(inner, skipped)


def site_root(post: Path) -> Path:
    """The root of the site holding ``post``: the nearest folder above it with a site
    config (:data:`ROOT_MARKERS`), else the parent of its ``_posts`` folder, else its own folder."""
    resolved = post.resolve()
    for folder in resolved.parents:
        if any((folder / marker).is_file() for marker in ROOT_MARKERS):
            return folder
    for folder in resolved.parents:
        if folder.name == "_posts":
            return folder.parent
    return resolved.parent


def root_of(post: Path) -> Path:
    """The root of the site holding ``post`` (:func:`site_root`), written the way ``post`` was."""
    return _as_given(post, site_root(post))


def _as_given(post: Path, root: Path) -> Path:
    """``root`` written the way ``post`` was (relative stays relative), when it is one of its folders."""
    return next((folder for folder in post.parents if folder.resolve() == root), root)


def post_files(root: Path, *, skip: Iterable[Path] = (), drafts: bool = False) -> list[Path]:
    """The posts of the site at ``root``: the Markdown files under its engine's content
    folder (Jekyll's ``_posts/``, and ``_drafts/`` too with ``drafts``; section indexes
    left out), or, for a plain folder, every Markdown file below it but the export folder's."""
    return [Path(name) for name in post_names(root, skip=skip, drafts=drafts)]


def post_names(root: Path, *, skip: Iterable[Path] = (), drafts: bool = False) -> list[str]:
    """:func:`post_files` as strings: an archive has hundreds of thousands of posts, and a
    ``Path`` of each, all at once, would be a run's largest need of memory."""
    engine = detect_engine(root)
    if engine is not None and (root / engine.content_root).is_dir():
        folders = [root / engine.content_root]
        if drafts and engine.name == "jekyll" and (root / "_drafts").is_dir():
            folders.append(root / "_drafts")
        return [
            name for folder in folders for name in _post_names(folder, skip)
            if os.path.basename(name) not in engine.skip_names
        ]
    return list(_post_names(root, [*skip, root / EXPORT_FOLDER]))


def _post_names(folder: Path, skip: Iterable[Path] = ()) -> Iterator[str]:
    return (name for name in walk_names(folder, skip=skip) if name.lower().endswith(POST_SUFFIXES))


def path_order(name: str) -> str:
    """What the path ``name`` is sorted by, for sorting many paths without a ``Path`` of
    each: ``sorted(names, key=path_order)`` is ``sorted(map(Path, names))`` as strings.

    A ``Path`` sorts by its parts, in the case the system compares names in; so does its
    text with each separator made the least of characters, NUL (which no name holds)."""
    return os.path.normcase(name).replace(os.sep, "\0")


def discover(
    source: str | Path,
    *,
    assets: Iterable[str | Path] = (),
    skip: Iterable[Path] = (),
    posts: Iterable[str | Path] | None = None,
) -> Site:
    """Find the posts and images of ``source`` (a site root, a folder of posts, or one post).

    ``posts``: only these post files of the site at ``source`` (the files a pre-commit hook
    is given, grouped by :func:`root_of`), in that order."""
    source = Path(source)
    if not source.exists():
        raise ReadError(str(source), 0, "does not exist; expected a site folder or a post file")
    if posts is not None:
        root = source
        files = Paths(posts)
    elif source.is_file():
        root = root_of(source)
        files = Paths([source if root.is_absolute() == source.is_absolute() else source.resolve()])
    else:
        root = source
        files = Paths(post_names(root, skip=skip))
    refused: dict[str, str] = {}
    found = _image_files(root, refused, skip)
    more = (image for folder in assets for image in _image_files(Path(folder), refused))
    index = ImageIndex(itertools.chain(found, more))
    return Site(
        root=root,
        posts=files,
        image_folder=_image_folder(root, files),
        images=index,
        engine=detect_engine(root),
        refused=refused,
    )


def _image_files(
    folder: Path, refused: dict[str, str], skip: Iterable[Path] = ()
) -> Iterator[tuple[str, str, str]]:
    """Each image file below ``folder`` (:func:`walk_files`) that stays inside it, as
    (key by name, its folder, its name); the others' names go into ``refused``, with why.

    A plain file (not a link) found by the walk, which follows no link, stays inside: only
    links are resolved (two ``realpath`` calls per file were most of the walk's time)."""
    for current, files in _walk(os.fspath(folder), {os.fspath(p.resolve()) for p in skip}):
        for name, plain in files:
            if not name.lower().endswith(IMAGE_SUFFIXES):
                continue
            if not plain:
                image = Path(current, name)
                problem = outside_link(image, folder)
                if problem is not None:
                    refused.setdefault(file_key(name), f"{image} {problem}")
                    continue
            yield file_key(name), current, name


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a folder (through a link: a link to a folder is not walked)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _plain_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file(follow_symlinks=False)
    except OSError:
        return False


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
    # Alt text stops at the next ``![``, so that no link is looked for from every ``![``
    # to the end of the text (quadratic time on ``![![![…``).
    link = re.compile(r"!\[(?:(?!!\[)[^\]])*\]\(((?:\{\{.*?\}\}|[^)\s])*)")
    folders: dict[str, bool] = {}  # whether the root holds a folder of this name: asked once each
    for post in posts:
        if outside_link(post, root) is not None:
            continue
        try:
            text = post.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for src in link.findall(text):
            path = local_path(src)
            if not path or "/" not in path:
                continue
            top = path.split("/")[0]
            if top not in folders:
                folders[top] = (root / top).is_dir()
            if folders[top]:
                counts[path.rsplit("/", 1)[0]] += 1
    return counts.most_common(1)[0][0] if counts else ""


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` (symlinks resolved) stays inside ``root``."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
    except ValueError:
        return False
    return True
