"""Text -> :class:`~wxmigrate.model.Post`.

:func:`parse` reads the front matter (YAML, safe mode), the body's blocks
(:mod:`.blocks`), wraps the structured parts it recognises
(:mod:`.structure`), and recovers metadata the exporter damaged: a
front-matter title cut short, a repost note naming a title fragment instead
of the reposting account.  Each recovery is reported as a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs

from ..errors import ConfigError, ReadError, boundary, one_line
from ..model import (
    Block,
    Emphasis,
    Finding,
    Heading,
    Image,
    Inline,
    Link,
    Origin,
    Post,
    Repost,
    Strong,
    block_inlines,
    images,
    is_blank_run,
    walk_blocks,
)
from ..read import Source, read_text, split_front_matter
from .blocks import Line, parse_blocks, split_lines
from .dialects import (
    DIALECTS,
    UNNESTED_BOLD,
    detect,
    read_meta,
    recognise_byline,
    recognise_original_link,
    shows_wechat_parts,
)
from .inline import definitions, parse_inline, plain_text
from .reading import Reading, Reference, inline_table, reading, shared_inlines
from .structure import recognise

__all__ = ["load", "load_blocks", "parse", "parse_inline", "plain_text"]


@boundary(lambda path_or_text, *_, **__: path_or_text if "\n" not in str(path_or_text) else "<string>")
def load(path_or_text: str | Path, *, encoding: str | None = None) -> Post:
    """Load a post from a file path, or parse it from text.

    A :class:`~pathlib.Path`, or a one-line string that names an existing file
    or ends in ``.md``/``.markdown``, is read from disk (a missing file is a
    :class:`ReadError`); any other string is parsed as the post's text.  A file
    in a site (a Jekyll ``_posts`` folder, a Hugo site…) is taken as written for
    that site's engine: :func:`~wxmigrate.emit.to_markdown` for it keeps every
    unchanged block as written.  ``encoding`` names the file's encoding when it is
    not UTF-8 (see :func:`~wxmigrate.read.decode` for what is detected without it).
    """
    if isinstance(path_or_text, Path) or (
        "\n" not in path_or_text
        and len(path_or_text) < 4096
        and (path_or_text.lower().endswith((".md", ".markdown")) or Path(path_or_text).is_file())
    ):
        path = str(path_or_text)
        return _for_its_engine(parse(read_text(path, encoding=encoding), path=path))
    if isinstance(path_or_text, str):
        return parse(path_or_text)
    raise ReadError(str(path_or_text), 0, "expected a path or the text of a post")


def _for_its_engine(post: Post) -> Post:
    """The post with the engine of the site it sits in as its source's reader, so that
    writing it for that engine keeps every unchanged block as written (Liquid and all)."""
    from ..emit import detect_engine  # the emitters import the parser
    from ..site import site_root

    engine = detect_engine(site_root(Path(post.path)))
    if engine is None or post.origin is None:
        return post
    return attrs.evolve(post, origin=attrs.evolve(post.origin, engine=engine.name))


@boundary(lambda *_, path="<string>", **__: path)
def parse(text: str, *, path: str = "<string>", dialect: str | None = None) -> Post:
    """Parse a post's text into the model; never drops a character of the body.

    ``dialect`` names the exporter (see :mod:`.dialects`); by default it is detected.
    """
    source = split_front_matter(text, path)
    if dialect is not None and dialect not in DIALECTS:
        raise ConfigError(f"unknown dialect {dialect!r}; expected one of: {', '.join(DIALECTS)}")
    dialect, blocks, limits = _body(source, dialect)
    findings = [*source.findings, *(Finding("limit", line, what) for line, what in limits)]
    post = Post(
        front_matter=source.front_matter,
        blocks=tuple(blocks),
        title=_text(source.front_matter.get("title")),
        dialect=dialect,
        meta=read_meta(source.front_matter, blocks, dialect),
        path=path,
        newline=source.newline,
    )
    # Neither recovery changes an image: the post's images are found once, for both.
    found = list(images(post))
    post = _recover_title(post, source, findings, found)
    post = _recover_repost_via(post, findings)
    findings.extend(damage_findings(post, found))
    findings.sort(key=lambda finding: finding.line)
    origin = Origin(source.head, source.body, source.body_line, post.front_matter, post.blocks)
    return attrs.evolve(post, findings=tuple(findings), origin=origin)


@boundary(lambda path, *_, **__: path)
def load_blocks(path: str | Path, *, encoding: str | None = None) -> Post:
    """The post at ``path`` with only what :func:`load` reads first: its front matter,
    dialect and blocks (the same blocks, so the same images, at the same lines).

    Nothing is recovered or derived from them (title, metadata, findings, the
    source kept for lossless writing, the site's engine): verification, which
    needs only the images, reads a post this way in about two thirds of the time.
    """
    name = str(path)
    source = split_front_matter(read_text(name, encoding=encoding), name)
    dialect, blocks, _ = _body(source, None)
    return Post(
        front_matter=source.front_matter,
        blocks=tuple(blocks),
        dialect=dialect,
        path=name,
        newline=source.newline,
    )


def _body(source: Source, dialect: str | None) -> tuple[str, list[Block], list[tuple[int, str]]]:
    """The dialect (``dialect``, else detected), the body's blocks and the limits met.

    A post detected as generic that shows an exporter's parts is read again as
    ``wechat``, its damage represented where it stands.
    """
    forced = dialect is not None
    dialect = dialect or detect(source.front_matter, source.body)
    lines = split_lines(source.body, source.body_line)
    references = definitions(source.body) if "]:" in source.body else {}
    with shared_inlines():  # read again, the paragraphs' inline text is not parsed again
        blocks, limits = _blocks(lines, dialect, references)
        if not forced and dialect == "generic" and shows_wechat_parts(blocks):
            dialect = "wechat"
            blocks, limits = _blocks(lines, dialect, references)
    return dialect, blocks, limits


def _blocks(
    lines: list[Line], dialect: str, references: Mapping[str, Reference]
) -> tuple[list[Block], list[tuple[int, str]]]:
    """The body's blocks, parts recognised, read as the dialect wants (see :mod:`.reading`),
    and the blocks kept as written because they were past a limit (line, what)."""
    context = Reading(commonmark=dialect == "generic", references=references, inlines=inline_table(references))
    with reading(context):
        blocks = parse_blocks(lines, nested_bold=dialect not in UNNESTED_BOLD)
    return recognise_original_link(recognise_byline(recognise(blocks))), context.limits


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def front_matter_line(source: Source | Post, key: str) -> int:
    """The file line of a front-matter key (1 when it is not there)."""
    raw = source.front_matter.raw
    for index, line in enumerate(raw.split("\n")):
        if re.match(rf"^{re.escape(key)}\s*[:=]", line):
            return index + 2
    return 1


def title_heading(post: Post) -> Heading | None:
    """The level-1 heading near the top of the body, which usually repeats the title."""
    for block in post.blocks[:6]:
        if isinstance(block, Heading) and block.level == 1:
            return block
    return None


_EXPORT_FOLDER = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[ _-]?(.+)$")


def export_folders(found: Iterable[tuple[Image, int]]) -> list[str]:
    """Export-folder names that image paths point into (split lines joined), given a post's
    :func:`~wxmigrate.model.images`."""
    names: list[str] = []
    for image, _ in found:
        src = re.sub(r"\s*\n\s*", "", image.src).replace("\\", "/")
        parts = [part for part in src.split("/") if part]
        if len(parts) >= 2 and parts[-2] not in names:
            names.append(parts[-2])
    return names


def _recover_title(post: Post, source: Source, findings: list[Finding], found: list[tuple[Image, int]]) -> Post:
    written = post.title
    heading = title_heading(post)
    candidates: list[tuple[str, str]] = []
    if heading is not None:
        candidates.append(("the article's heading", plain_text(heading.children, breaks="").strip()))
    for folder in export_folders(found):
        match = _EXPORT_FOLDER.match(folder)
        if match:
            candidates.append(("the export folder in its image paths", match.group(2).strip()))
    line = front_matter_line(source, "title")
    for where, full in candidates:
        if not full or full == written:
            continue
        if not written:
            if post.front_matter.present:
                findings.append(Finding("missing-title", line, f"front matter has no title; using {where}: {full}"))
            return attrs.evolve(post, title=full)
        if full.startswith(written) and len(full) > len(written):
            findings.append(
                Finding(
                    "truncated-title",
                    line,
                    f"front-matter title {written!r} is a truncated prefix of {where}; full title: {full!r}",
                )
            )
            return attrs.evolve(post, title=full)
    return post


def _recover_repost_via(post: Post, findings: list[Finding]) -> Post:
    repost, account = post.repost, post.account
    if repost is None or account is None or repost.via == account.name:
        return post
    if repost.via and repost.via in post.title:
        fixed = attrs.evolve(repost, via=account.name)
        findings.append(
            Finding(
                "repost-via-title-fragment",
                repost.lines[0],
                f"repost note names {repost.via!r}, a fragment of the title, not an account; "
                f"the reposting account is {account.name!r}",
            )
        )
        return attrs.evolve(post, blocks=_replace_block(post.blocks, repost, fixed))
    return post


def _replace_block(blocks: tuple[Block, ...], old: Block, new: Repost) -> tuple[Block, ...]:
    return tuple(new if block is old else block for block in blocks)


def damage_findings(post: Post, found: Iterable[tuple[Image, int]]) -> list[Finding]:
    """Findings for damaged markup the parser represented as it stands (``found``: the post's
    :func:`~wxmigrate.model.images`)."""
    findings: list[Finding] = []
    for block in walk_blocks(post.blocks):
        line = block.lines[0] if hasattr(block, "lines") else 0
        if isinstance(block, Heading) and not block.spaced:
            findings.append(Finding("heading-without-space", line, "heading has no space after '#'"))
        empty = _empty_bold_runs(block_inlines(block))
        findings.extend([Finding("empty-bold", line, "empty bold run (stray '**')")] * empty)
    for image, line in found:
        if "\n" in image.src:
            findings.append(Finding("split-image-path", line, f"image path is split over lines: {_short(image.src)}"))
        elif "\\" in image.src:
            findings.append(Finding("backslash-image-path", line, f"image path uses backslashes: {_short(image.src)}"))
    return findings


def _empty_bold_runs(inlines: tuple[Inline, ...]) -> int:
    """How many bold runs among ``inlines`` and the runs inside them show nothing."""
    count = 0
    for inline in inlines:  # by exact type: the model's classes have no subclasses
        if type(inline) is Strong:
            count += is_blank_run(inline.children) + _empty_bold_runs(inline.children)
        elif type(inline) is Emphasis or type(inline) is Link:
            count += _empty_bold_runs(inline.children)
    return count


def _short(text: str, width: int = 48) -> str:
    flat = one_line(text)
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")
