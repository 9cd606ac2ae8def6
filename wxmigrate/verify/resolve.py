"""Resolve an image reference to a local file, or recognise it as remote, inline or unsafe.

References are first cleaned the way the exporter should have written them:
lines of a split path joined, backslashes made slashes, Liquid tags such as
``{{ site.baseurl }}`` removed (``{{ '/img/a.png' | relative_url }}`` keeps
its path), query and fragment dropped, percent escapes decoded.  A cleaned
path is tried as written (root-relative, or relative to the post, then to
the root); what is not there is looked up by file name in the site's image
folders and its export folders (names compared in Unicode NFC, so a file
named in NFD, as macOS writes names, is found by its NFC spelling).  A path
that leads outside the site, as written or through a symlink, is ``unsafe``
and never read.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Literal, TypeVar
from urllib.parse import unquote, unquote_to_bytes

import attrs

from ..names import FileNames
from ..site import file_key, link_out_of, outside_link
from .formats import declared_format, media_type_format
from .references import Reference
from .site import COMMON_IMAGE_FOLDERS, Site, walk_folders

Kind = Literal["local", "remote", "inline", "unsafe", "missing"]
_K = TypeVar("_K")
_V = TypeVar("_V")

#: How many sources a resolver remembers where they led (then it starts again): enough for
#: the images many posts share, few enough to keep a run's memory small (each is a few
#: hundred bytes).
REMEMBERED = 4_096

#: WeChat's image hosts, recognised even without ``http(s)://``.
REMOTE_HOSTS = (
    "mmbiz.qpic.cn",
    "mmbiz.qlogo.cn",
    "mmecoa.qpic.cn",
    "wx.qlogo.cn",
    "res.wx.qq.com",
    "mp.weixin.qq.com",
)

_LIQUID_OUTPUT = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_LIQUID_TAG = re.compile(r"\{%.*?%\}", re.DOTALL)
_QUOTED = re.compile(r"""^\s*(['"])(.*?)\1""", re.DOTALL)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]+):")
_DRIVE = re.compile(r"^[a-zA-Z]:/")


@attrs.frozen
class Resolution:
    """Where one reference leads."""

    kind: Kind
    #: The file (symlinks followed) for ``local``: a string, as a site has thousands.
    path: str | None = None
    #: True when the file was found by its name only, not where the reference points.
    by_name: bool = False
    #: The format the reference's name (or ``data:`` media type) promises.
    declared: str | None = None
    #: The bytes of a ``data:`` URI.
    data: bytes | None = None
    detail: str = ""


#: A reference that :func:`clean` leaves as it is: no white space, angle bracket, backslash or brace.
_CLEAN = re.compile(r"[^\s<>\\{]*")


def clean(src: str) -> str:
    """The reference as the exporter meant it: one line, ``/`` separators, no Liquid."""
    return src if _CLEAN.fullmatch(src) else _cleaned(src)


def _cleaned(src: str) -> str:
    """:func:`clean` of any reference (most need none of it)."""
    text = re.sub(r"\s*[\r\n]+\s*", "", src).strip().strip("<>").replace("\\", "/")
    text = _LIQUID_OUTPUT.sub(_liquid_value, text)
    return _LIQUID_TAG.sub("", text).strip()


def _liquid_value(match: re.Match[str]) -> str:
    quoted = _QUOTED.match(match.group(1))
    return quoted.group(2) if quoted else ""


def resolve_all(
    site: Site, refs: Iterable[Reference], direct: Iterable[Resolution | None] | None = None
) -> tuple[Iterator[Resolution], list[Path]]:
    """Resolve every reference (one at a time, in order); also return the site's image
    folders, most used first.

    ``direct``: where each reference leads as written (:meth:`DirectResolver.resolve`),
    when it was found while the posts were read (it is gone through twice).  Image folders
    are those holding a file some reference points at directly (export folders excluded),
    or, when none does, the common ones that exist.
    """
    if direct is None:
        refs = list(refs)
        resolver = DirectResolver(site)
        direct = [resolver.resolve(ref) for ref in refs]
    folders = image_folders(site, (found for found in direct if found is not None))
    index = NameIndex(site, folders)
    resolved = (found if found is not None else index.resolve(ref) for found, ref in zip(direct, refs))
    return resolved, folders


def remember(memory: dict[_K, _V], key: _K, value: _V) -> _V:
    """``value``, kept in ``memory`` under ``key``; ``memory`` is emptied first when it holds
    :data:`REMEMBERED` already (a run's memory must not grow with the site)."""
    if len(memory) >= REMEMBERED:
        memory.clear()
    memory[key] = value
    return value


class RealFiles:
    """Real paths of files (symlinks followed), each folder's real path found once (while
    it is remembered): a site's references lead to thousands of files in a few folders."""

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def find(self, path: str) -> str | None:
        """The real path of the file at ``path``, or None when there is no file there."""
        try:
            mode = os.lstat(path).st_mode
        except (OSError, ValueError):
            return None
        if stat.S_ISLNK(mode):
            real = os.path.realpath(path)
            return real if os.path.isfile(real) else None
        if not stat.S_ISREG(mode):
            return None
        folder, name = os.path.split(path)
        real_folder = self._folders.get(folder)
        if real_folder is None:
            real_folder = remember(self._folders, folder, os.path.realpath(folder))
        return os.path.join(real_folder, name)


class DirectResolver:
    """Resolves references as written.

    It remembers each post's folder, each image folder's real path and where each
    source written in a folder led, since every reference of a run asks again
    (plain strings, not ``Path``, for the same reason: a site may have tens of
    thousands of references, many of them to one file).
    """

    def __init__(self, site: Site) -> None:
        self.site = site
        self._root = os.fspath(site.root)
        self._post_folders: dict[str, str] = {}
        self._real = RealFiles()
        self._found: dict[tuple[str, str, bool], Resolution | None] = {}
        self._tops: dict[str, str] = {}  # a site root -> its real path

    def refused(self, post: Path, root: Path) -> str | None:
        """:func:`~wxmigrate.site.outside_link` of ``post`` in ``root``, from the real path of
        its folder, found once per folder (and kept as the post's folder, :meth:`resolve`
        asks it), and the root's, found once: one ``lstat`` a post, not two ``realpath``."""
        name = os.fspath(post)
        real = self._real.find(name)
        if real is None:  # no file there, or no plain file: rare, and said as it always is
            return outside_link(post, root)
        top = os.fspath(root)
        if top not in self._tops:
            self._tops[top] = os.path.realpath(top)
        problem = link_out_of(real, self._tops[top])
        if problem is None and name not in self._post_folders:
            remember(self._post_folders, name, os.path.dirname(real))
        return problem

    def resolve(self, ref: Reference) -> Resolution | None:
        """Where ``ref`` leads as written; None when it must be looked up by file name."""
        # What a source leads to depends only on it, its post's folder and whether it is in front matter.
        key = (ref.src, self._post_folder(ref.post), ref.key is None)
        if key in self._found:
            return self._found[key]
        return remember(self._found, key, self._resolve(ref.src, key[1], in_body=key[2]))

    def _resolve(self, src: str, post_folder: str, *, in_body: bool) -> Resolution | None:
        text = clean(src)
        if not text:
            return Resolution("missing", detail="empty reference")
        remote = _remote(text)
        if remote is not None:
            return remote
        if text.lower().startswith("file:"):
            text = unquote(re.sub(r"^file:(//[^/]*)?", "", text, flags=re.IGNORECASE))
            return self._local([text], text)
        if _DRIVE.match(text):
            return None  # a path on the exporter's Windows machine: only its name means anything
        path = _path_part(text)
        if path.startswith("/"):
            candidates = [os.path.join(self._root, path.lstrip("/"))]
        elif not in_body:  # themes join front-matter images to the site root
            candidates = [os.path.join(self._root, path), os.path.join(post_folder, path)]
        else:
            candidates = [os.path.join(post_folder, path), os.path.join(self._root, path)]
        return self._local(candidates, path)

    def _post_folder(self, post: str) -> str:
        folder = self._post_folders.get(post)
        if folder is None:
            # A post that is no link is in its folder's real path, found once per folder.
            real = self._real.find(post) or os.path.realpath(post)
            folder = remember(self._post_folders, post, os.path.dirname(real))
        return folder

    def _local(self, candidates: list[str], written: str) -> Resolution | None:
        inside = [os.path.normpath(candidate) for candidate in candidates]
        inside = [candidate for candidate in inside if self.site.contains(candidate)]
        if not inside:
            return Resolution("unsafe", detail=f"{written} leads outside the site")
        for candidate in inside:
            real = self._real.find(candidate)
            if real is None:
                continue
            if not self.site.contains(real):
                where = self.site.relative(candidate)
                return Resolution("unsafe", detail=f"{where} is a link to {real}, outside the site")
            return Resolution("local", real, declared=declared_format(real))
        return None


def _remote(text: str) -> Resolution | None:
    if text.startswith("//"):
        return Resolution("remote", detail="protocol-relative URL")
    scheme = _SCHEME.match(text)
    if scheme and scheme.group(1).lower() == "data":
        return _inline(text)
    if scheme and scheme.group(1).lower() != "file":
        return Resolution("remote")
    if text.split("/", 1)[0].lower() in REMOTE_HOSTS:
        return Resolution("remote", detail="WeChat host without http(s)://")
    return None


def _inline(text: str) -> Resolution:
    header, comma, payload = text[5:].partition(",")
    media_type, *parameters = header.split(";")
    declared = media_type_format(media_type) if media_type else None
    if not comma:
        return Resolution("inline", data=b"", declared=declared, detail="data: URI without data")
    try:
        if "base64" in (parameter.strip().lower() for parameter in parameters):
            data = base64.b64decode(unquote(payload), validate=False)
        else:
            data = unquote_to_bytes(payload)
    except (binascii.Error, ValueError) as error:
        return Resolution("inline", data=b"", declared=declared, detail=f"bad data: URI ({error})")
    return Resolution("inline", data=data, declared=declared)


#: Where a reference's query or fragment starts.
_QUERY = re.compile(r"[?#]")


def _path_part(text: str) -> str:
    """The path of a cleaned reference: no query or fragment, percent escapes decoded."""
    path = _QUERY.split(text, maxsplit=1)[0] if "?" in text or "#" in text else text
    return unquote(path) if "%" in path else path


def image_folders(site: Site, resolutions: Iterable[Resolution]) -> list[Path]:
    """The site's image folders: those direct references lead into, most used first."""
    exports = tuple(os.path.join(os.fspath(folder), "") for folder in site.export_folders())
    used = Counter(
        os.path.dirname(found.path)
        for found in resolutions
        if found.kind == "local" and found.path is not None and not found.path.startswith(exports)
    )
    if used:
        return [Path(folder) for folder, _ in used.most_common()]
    return [site.root / name for name in COMMON_IMAGE_FOLDERS if (site.root / name).is_dir()]


class NameIndex:
    """Files by name in the image folders (searched first), then the export folders."""

    def __init__(self, site: Site, folders: Sequence[Path]) -> None:
        self._site = site
        self._searched = [*folders, *(site.root / name for name in COMMON_IMAGE_FOLDERS)]
        self._exports = site.export_folders()
        self._names: FileNames | None = None
        #: Each folder walked (a string) and the searched folder it was walked from (its number).
        self._places: list[tuple[str, int]] = []
        self._every: list[Path] | None = None
        self._real_folders: dict[Path, str] = {}
        # Many references name the same file; each (name, folder) is looked up once.
        self._found: dict[tuple[str, str | None], Resolution] = {}
        self._real = RealFiles()

    def resolve(self, ref: Reference) -> Resolution:
        """Find ``ref``'s file by its name; ``missing`` when no folder holds one."""
        parts = [part for part in _path_part(clean(ref.src)).split("/") if part]
        name = parts[-1] if parts else ""
        wanted_folder = parts[-2] if len(parts) >= 2 else None
        key = (name, wanted_folder)
        if key in self._found:
            return self._found[key]
        return remember(self._found, key, self._by_name(name, wanted_folder))

    def _by_name(self, name: str, wanted_folder: str | None) -> Resolution:
        """The file named ``name``, preferring the site's own copies, then ``wanted_folder``."""
        matches = self._lookup(name)
        if not matches:
            places = ", ".join(self._site.relative(folder) for folder in self._folders()) or "none"
            return Resolution("missing", detail=f"no file named {name!r} (searched: {places})")
        # The site's own copy first, then the folder the reference names.
        path, folder = min(
            matches,
            key=lambda match: (
                match[1] in self._exports, os.path.basename(os.path.dirname(match[0])) != wanted_folder
            ),
        )
        real = self._real.find(path)
        if real is None:
            detail = f"{self._site.relative(path)} is a symlink to no file (a loop?)"
            return Resolution("missing", detail=detail)
        if not (self._site.contains(real) or real.startswith(os.path.join(self._real_folder(folder), ""))):
            return Resolution(
                "unsafe",
                detail=f"{self._site.relative(path)} is a link to {real}, outside its folder",
            )
        return Resolution("local", real, by_name=True, declared=declared_format(name))

    def _real_folder(self, folder: Path) -> str:
        if folder not in self._real_folders:
            self._real_folders[folder] = os.path.realpath(folder)
        return self._real_folders[folder]

    def _lookup(self, name: str) -> list[tuple[str, Path]]:
        """The files named ``name`` (its NFC form), each with the searched folder it is in."""
        if self._names is None:
            self._names = self._build()
        searched = self._folders()
        return [
            (os.path.join(self._places[place][0], file), searched[self._places[place][1]])
            for place, file in self._names.get(file_key(name))
        ]

    def _folders(self) -> list[Path]:
        """The folders searched that exist, each once (found once: the site does not change)."""
        if self._every is None:
            seen: dict[Path, None] = {}
            for folder in [*self._searched, *self._exports]:
                if folder.is_dir():
                    seen.setdefault(folder)
            self._every = list(seen)
        return self._every

    def _build(self) -> FileNames:
        """Each file filed under its name (:func:`file_key`), image folders first, with the
        number of the place (:attr:`_places`) it is in (a folder walked from two searched
        folders, one inside the other, counts for the first).

        A site of 10,000 posts has some 50,000 image files: keeping each folder's path
        once, and for most files only its name, takes a third of the memory of a path per
        file; an archive of ten times as many is kept on disk (:mod:`wxmigrate.names`)."""
        names = FileNames()
        walked: set[str] = set()
        for number, folder in enumerate(self._folders()):
            for current, files in walk_folders(folder):
                if current in walked:
                    continue
                walked.add(current)
                place = len(self._places)
                self._places.append((current, number))
                for file in files:
                    names.add(file_key(file), place, file)
        names.seal()
        return names
