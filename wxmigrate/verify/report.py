"""Typed verification results, and their JSON and table forms.

A :class:`Report` holds one :class:`ImageResult` per image reference (the
same file used twice gives two results), the files in the site's image
folders that no post uses, and the files stored twice under different names.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, Literal, get_args

import attrs

from ..errors import one_line

Status = Literal[
    "ok", "missing", "empty", "truncated", "undecodable", "mismatched", "remote", "unsafe", "bomb"
]

#: Every status, in the order reports list them.
STATUSES: tuple[Status, ...] = get_args(Status)

#: :attr:`ImageResult.note` for bytes that are a known stand-in image.
PLACEHOLDER = "placeholder"


@attrs.frozen
class ImageResult:
    """One image reference of one post, where it led and what was found there."""

    #: The post, relative to the site root (``/`` separators).
    post: str
    #: The line the reference starts on (front matter lines count).
    line: int
    #: The reference exactly as written (it may hold newlines or backslashes).
    src: str
    #: The file it resolved to, relative to the site root, or absolute when it
    #: is in an ``--assets`` folder outside the site; None when there is no file.
    path: str | None
    status: Status
    format: str | None = None
    width: int | None = None
    height: int | None = None
    frames: int | None = None
    bytes: int | None = None
    sha256: str | None = None
    #: ``"placeholder"`` when the bytes are a known stand-in image; for a
    #: ``remote`` image, what its address is: ``"wechat"`` (a hot-linked WeChat
    #: picture), ``"wechat-avatar"`` or ``"proxied"`` (see :mod:`.hotlinks`); else None.
    note: str | None = None
    #: A few words for people on why the status is what it is.
    detail: str = ""
    #: The front-matter key the reference came from (None for the body).
    key: str | None = None
    #: True when the file was found only by its name: the link as written is broken.
    by_name: bool = False


@attrs.frozen
class Duplicate:
    """Files with the same bytes under different names."""

    sha256: str
    paths: tuple[str, ...]


@attrs.frozen
class Report:
    """Everything verification found in one site."""

    #: The site root, absolute.
    root: str
    #: In reference order (:func:`~wxmigrate.verify.verify` gives a sequence kept on disk).
    images: Sequence[ImageResult] = ()
    #: Image files in the site's image folders that no post uses.
    orphans: tuple[str, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    #: The site's image folders (relative to the root), most used first.
    image_folders: tuple[str, ...] = ()
    #: Posts that could not be read, one ``path:line: …`` message each.
    errors: tuple[str, ...] = ()
    #: How many posts were read (those in :attr:`errors` left out).
    posts_read: int = 0

    def counts(self) -> dict[Status, int]:
        """How many references have each status (statuses with none left out)."""
        counted = Counter(result.status for result in self.images)
        return {status: counted[status] for status in STATUSES if counted[status]}

    def problems(self) -> tuple[ImageResult, ...]:
        """The references whose status is not ``ok``."""
        return tuple(filter(_is_problem, self.images))

    def relinks(self) -> tuple[ImageResult, ...]:
        """The references that reach their file only by its name (a broken link)."""
        return tuple(filter(_is_relink, self.images))

    def placeholders(self) -> tuple[ImageResult, ...]:
        """The references whose bytes are a known stand-in image."""
        return tuple(filter(_is_stand_in, self.images))

    @property
    def clean(self) -> bool:
        """True when every image is ``ok``, at its link, and every post was read."""
        return not (self.errors or any(_is_problem(result) or _is_relink(result) for result in self.images))

    def lookup(self, post: str, src: str) -> ImageResult | None:
        """The result for reference ``src`` in ``post`` (relative to the root), if any.

        Emitters use it to learn an image's size and real format.
        """
        for result in self.images:
            if result.post == post and result.src == src:
                return result
        return None


def _is_problem(result: ImageResult) -> bool:
    """Whether the reference's status is not ``ok`` (:meth:`Report.problems`)."""
    return result.status != "ok"


def _is_relink(result: ImageResult) -> bool:
    """Whether the reference reaches its file only by its name (:meth:`Report.relinks`)."""
    return result.by_name and result.status != "unsafe"


def _is_stand_in(result: ImageResult) -> bool:
    """Whether the reference's bytes are a known stand-in image (:meth:`Report.placeholders`)."""
    return result.note == PLACEHOLDER


_JSON_FIELDS = (
    "post",
    "line",
    "src",
    "path",
    "status",
    "format",
    "width",
    "height",
    "frames",
    "bytes",
    "sha256",
    "note",
)


def to_data(report: Report) -> dict[str, Any]:
    """The report as plain data: ``{"images": [...], "orphans": [...], "duplicates": [...]}``."""
    return {
        "images": [
            {name: getattr(result, name) for name in _JSON_FIELDS} for result in report.images
        ],
        "orphans": list(report.orphans),
        "duplicates": [
            {"sha256": item.sha256, "paths": list(item.paths)} for item in report.duplicates
        ],
    }


def to_json(report: Report) -> str:
    """The report as JSON text (UTF-8 characters kept, not escaped)."""
    return "".join(json_pieces(report))


def json_pieces(report: Report) -> Iterator[str]:
    """:func:`to_json`'s text in pieces, one image at a time: what ``json.dumps`` of
    :func:`to_data` with ``indent=2`` writes, without holding every image's data at once."""
    yield '{\n  "images": '
    if report.images:
        yield "["
        for number, result in enumerate(report.images):
            item = {name: getattr(result, name) for name in _JSON_FIELDS}
            yield ("\n    " if number == 0 else ",\n    ") + _nested(item, 2)
        yield "\n  ]"
    else:
        yield "[]"
    data = to_data(attrs.evolve(report, images=()))
    yield ',\n  "orphans": ' + _nested(data["orphans"], 1)
    yield ',\n  "duplicates": ' + _nested(data["duplicates"], 1) + "\n}\n"


def _nested(value: Any, level: int) -> str:
    """``value`` as JSON indented by 2, as it is written ``level`` levels deep (a JSON string
    holds no line end: its line ends are escapes)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)


def to_table(report: Report) -> str:
    """The report for people: counts by status, then each problem as ``post:line: status: …``."""
    return "".join(table_pieces(report))


def table_pieces(report: Report) -> Iterator[str]:
    """:func:`to_table`'s text in pieces, written as it is made.

    The images are gone through once; the lines of each section of them wait in a
    temporary file (in memory up to :data:`SPOOLED` characters) until the counts, which
    come first, are known: a large site's report keeps its images on disk, and its
    table may have a line for most of them."""
    counted: Counter[str] = Counter()
    with contextlib.ExitStack() as stack:
        sections = [(title, belongs, line, stack.enter_context(_spool())) for title, belongs, line in _IMAGE_SECTIONS]
        sizes = [0] * len(sections)
        for result in report.images:
            counted[result.status] += 1
            for number, (_title, belongs, line, spool) in enumerate(sections):
                if belongs(result):
                    sizes[number] += 1
                    spool.write(line(result) + "\n")
        yield f"{len(report.images)} image references\n"
        width = max(map(len, STATUSES))
        for status in STATUSES:
            if counted[status]:
                yield f"  {status:<{width}}  {counted[status]:>6}\n"
        for (title, _belongs, _line, spool), size in zip(sections, sizes):
            if size:
                yield f"\n{title}: {size}\n"
                spool.seek(0)
                yield from iter(lambda: spool.read(SPOOLED), "")
    yield from _section("orphans (in an image folder, used by no post)", report.orphans)
    yield from _section(
        "duplicates (the same bytes under several names)",
        [f"{item.sha256[:12]}: " + ", ".join(item.paths) for item in report.duplicates],
    )
    yield from _section("posts that could not be read", report.errors)


#: How many characters of a table's section wait in memory before they go to a temporary file.
SPOOLED = 1 << 18


def _spool() -> IO[str]:
    """A temporary text file that keeps every string as it was written (lone surrogates, line ends)."""
    return tempfile.SpooledTemporaryFile(SPOOLED, "w+", encoding="utf-8", errors="surrogatepass", newline="")


def _section(title: str, rows: Sequence[str]) -> Iterator[str]:
    if rows:
        yield f"\n{title}: {len(rows)}\n"
        yield from (row + "\n" for row in rows)


def _where(result: ImageResult) -> str:
    return f"{result.post}:{result.line}: "


def _shown(result: ImageResult) -> str:
    return result.path or one_line(result.src)


def _problem(result: ImageResult) -> str:
    detail = f" ({result.detail})" if result.detail else ""
    return f"{_where(result)}{result.status}: {_shown(result)}{detail}"


def _stand_in(result: ImageResult) -> str:
    return _where(result) + _shown(result)


def _relink(result: ImageResult) -> str:
    return f"{_where(result)}{result.path}"


#: The table's sections of image references, in order: title, which belong, the line of one.
_IMAGE_SECTIONS: tuple[tuple[str, Callable[[ImageResult], bool], Callable[[ImageResult], str]], ...] = (
    ("problems", _is_problem, _problem),
    ("placeholders (a known stand-in image, not the real picture)", _is_stand_in, _stand_in),
    ("links that reach their file only by its name (`--fix` relinks them)", _is_relink, _relink),
)
