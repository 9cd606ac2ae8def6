"""A post's image references found by a scan of its text, where a scan can decide them.

Verification needs only a post's image references, not its model; parsing a
post takes dozens of times as long as finding ``![…](…)`` in it.  :func:`scan`
gives exactly what ``references(load_blocks(path))`` gives (the same
sources, at the same lines) for a post whose text holds nothing a scan
cannot decide, and None for any other, which is then parsed.

What a scan decides: a post of an exporter's dialect (a generic post may be
read again as another dialect once its blocks are known), whose body is
blank lines, ATX headings without images, ``***`` and ``---`` rules, HTML
blocks that open with a common block-level tag (up to a blank line), and
paragraph lines, each ``![alt](src)`` in them closed and plain (no brackets,
parentheses, quotes or ``<`` in it, no escape or entity in its alt, over at most
:data:`~wxmigrate.parse.inline.MAX_IMAGE_LINES` line ends).  Anything else, for
instance code (a backtick), quotes and lists, tables, reference
definitions, a link, inline HTML, leads to None.  A paragraph where only the
lines of its images are in doubt (a bold run from a line above may hold one, a
caption), its extent being sure, is read by the parser's block reader alone
(:func:`_parsed_images`), not the whole post.  A body without ``![`` holds no
image whatever its blocks are (the parser makes an image of ``![`` only), so it
is not scanned at all.  ``tests/test_verify_references.py`` compares both
readings on the fixtures, the corpus, the spec examples and generated posts.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import WxMigrateError
from ..model import Post, images as post_images
from ..read import Source, read_text, split_front_matter
from ..parse.blocks import Line, is_blank, parse_blocks
from ..parse.dialects import UNNESTED_BOLD, detect
from ..parse.inline import DELIMITERS, MAX_DELIMITERS, MAX_IMAGE_LINES, MAX_INLINE_NESTING
from ..parse.reading import Reading, reading
from .references import Reference, front_matter_references

#: ``![alt](src)``: alt without brackets, escapes, entities or line ends; src without
#: brackets, parentheses, quotes (a title), angle brackets or backticks.
_IMAGE = re.compile(r"!\[([^\[\]\\\n&]*)\]\(([^()\[\]<>\"'`]*)\)")
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_RULE = re.compile(r"^ {0,3}(?:\*{3}|-{3,})[ \t]*$")
#: A line of an empty bold run (``**``, ``****``): paragraph text in an exporter's dialect.
_STARS = re.compile(r"^ {0,3}(?:\*\*|\*{4,})[ \t]*$")
#: A line that may be a rule or a setext underline the scan does not take apart.
_RULE_LIKE_LINE = r"[ \t]*[-*_=][-*_= \t]*$"
_RULE_LIKE = re.compile("^" + _RULE_LIKE_LINE)
#: A line that may open a fence, quote, list or table, or hold code or HTML.
_UNSURE_START = r"[ \t]*(?:>|~~~|[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$))"
_UNSURE = re.compile(rf"^{_UNSURE_START}|[`|<]")
#: Block-level tags that open an HTML block running to the next blank line (a subset of
#: the parser's: any other line opening with ``<`` is left to the parser).
_HTML_BLOCK = re.compile(
    r"^ {0,3}</?(?:blockquote|div|p|section|figure|table|center|article|header|footer|h[1-6]|ul|ol|li|hr)"
    r"(?:\s|/?>|$)",
    re.IGNORECASE,
)
#: A line that opens with none of the characters that may start a block, and holds no
#: backtick, pipe or ``<``: most lines of an article, told apart at one match.
_ORDINARY = re.compile(r"[ \t]*(?![\d#<>*+\-_=~])[^\s`|<][^`|<]*")
#: Entities that decode to a line end (they would shift the lines the parser counts).
_NEWLINE_ENTITY = re.compile(r"&(?:#|newline;)", re.IGNORECASE)

_HIDDEN = re.compile(r"[^\n]")
#: The line end before each line that :data:`_RULE_LIKE` or :data:`_UNSURE`'s start matches, in a
#: body after a line end (a pattern that opens with a character is searched for quickly).  Both
#: open with ``[ \t]*`` then a character of the look-ahead: taken out of the alternatives, a
#: line that opens otherwise (most) is passed over at one test.
_SPECIAL_START = re.compile(
    r"\n[ \t]*(?=[-*_=>~+\d])(?:[-*_=][-*_= \t]*$|>|~~~|[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$))", re.MULTILINE
)
#: The characters that make :data:`_UNSURE` match anywhere in a line.
_UNSURE_ANYWHERE = "`|<"

_PARAGRAPH, _HEADING, _RULE_LINE, _HTML = "paragraph", "heading", "rule", "html"


def scan(path: str | Path, *, encoding: str | None = None) -> list[Reference] | None:
    """The image references of the post at ``path``, as :func:`load_blocks` and
    :func:`~.references.references` find them; None when the scan cannot decide them
    (or the post cannot be read: parsing it then raises the error)."""
    name = str(path)
    try:
        source = split_front_matter(read_text(name, encoding=encoding), name)
    except WxMigrateError:
        return None
    body = _body_references(source)
    if body is None:
        return None
    refs = list(front_matter_references(name, source))
    refs.extend(Reference(name, line, src) for line, src in body)
    return refs


def _body_references(source: Source) -> list[tuple[int, str]] | None:
    """(line, src) of each image of the body, or None when the scan cannot decide.

    What :func:`_lines_references` finds going through every line, found from the few
    lines that matter: those that may be undecided or open an HTML block
    (:func:`_special_lines`), and those with an image, whose paragraph is then taken whole.
    Any other line is paragraph text, a heading or a rule: it holds no image and only
    ends paragraphs, which finding a paragraph's ends sees.
    """
    body = source.body
    if "![" not in body:
        return []  # the parser makes an image of ``![`` only, whatever the blocks are
    if "]:" in body:
        return None  # reference definitions
    dialect = detect(source.front_matter, body)
    if dialect == "generic":
        return None  # a dialect known only once parsed
    nested_bold = dialect not in UNNESTED_BOLD
    lines = body.split("\n")
    found: list[tuple[int, str]] = []
    done = 0  # lines before this are in a block already taken (an HTML block, a paragraph)
    for index in _special_lines(body):
        text = lines[index]
        if index < done or is_blank(text):
            continue
        kind = _kind(text)
        if kind is None or (kind == _HEADING and "![" in text):
            return None
        if kind == _HTML:
            done = index + 1
            while done < len(lines) and not is_blank(lines[done]):
                done += 1  # the HTML block runs to a blank line
        elif kind == _PARAGRAPH and "![" in text:
            first = index
            while first > done and _continues(lines[first - 1]):
                first -= 1
            done = index + 1
            while done < len(lines) and _continues(lines[done]):
                done += 1
            images = _paragraph_images(lines[first:done], nested_bold)
            if images is None:
                return None
            found.extend((source.body_line + first + offset, src) for offset, src in images)
    return found


def _special_lines(body: str) -> list[int]:
    """The indexes of the body's lines that :func:`_kind` may find undecided (every line
    :data:`_RULE_LIKE` or :data:`_UNSURE` matches, so every HTML block's first line too) or
    that hold ``![``, in order."""
    starts = [match.start() for match in _SPECIAL_START.finditer("\n" + body)]
    for written in (*_UNSURE_ANYWHERE, "!["):
        at = body.find(written)
        while at >= 0:
            starts.append(body.rfind("\n", 0, at) + 1)
            at = body.find(written, at + 1)
    indexes: list[int] = []
    line, counted = 0, 0
    for start in sorted(set(starts)):
        line += body.count("\n", counted, start)
        counted = start
        indexes.append(line)
    return indexes


def _continues(text: str) -> bool:
    """Whether a paragraph runs on through the line ``text``."""
    return not is_blank(text) and _kind(text) == _PARAGRAPH


def _lines_references(lines: list[str], first: int, nested_bold: bool = True) -> list[tuple[int, str]] | None:
    """(line, src) of each image of ``lines``, the first of which is line ``first``, or None
    (``nested_bold``: the dialect's, see :func:`_parsed_images`)."""
    found: list[tuple[int, str]] = []
    index = 0
    while index < len(lines):
        text = lines[index]
        if is_blank(text):
            index += 1
            continue
        kind = _kind(text)
        if kind is None or (kind == _HEADING and "![" in text):
            return None
        if kind == _HTML:
            index += 1
            while index < len(lines) and not is_blank(lines[index]):
                index += 1  # the HTML block runs to a blank line
            continue
        if kind != _PARAGRAPH:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not is_blank(lines[end]) and _kind(lines[end]) == _PARAGRAPH:
            end += 1
        images = _paragraph_images(lines[index:end], nested_bold)
        if images is None:
            return None
        found.extend((first + index + offset, src) for offset, src in images)
        index = end
    return found


def _kind(text: str) -> str | None:
    """What a line is when a block starts there or a paragraph runs into it; None: not sure."""
    if _ORDINARY.fullmatch(text):
        return _PARAGRAPH
    if _HTML_BLOCK.match(text):
        return _HTML
    if _ATX.match(text):
        return _HEADING
    if _RULE.match(text):
        return _RULE_LINE
    if _STARS.match(text):
        return _PARAGRAPH
    if _RULE_LIKE.match(text) or _UNSURE.search(text):
        return None
    return _PARAGRAPH


def _paragraph_images(lines: list[str], nested_bold: bool = True) -> list[tuple[int, str]] | None:
    """(line offset, src) of each image of a paragraph's lines, or None when undecided.

    Every ``![`` must be a closed, plain image (so the paragraph ends where the scan
    says: no image is open at its end) and the text within the parser's limits; when
    then only an image's line is in doubt, the paragraph is parsed (:func:`_parsed_images`)."""
    text = "\n".join(lines)
    if "![" not in text:
        return []
    matches = list(_IMAGE.finditer(text))
    if text.count("![") != len(matches) or text.count("](") != len(matches):
        return None  # an image the pattern does not take, or a link
    if _NEWLINE_ENTITY.search(text):
        return None
    # Delimiters and emphasis are counted only where a count could pass its limit.
    if len(text) > MAX_DELIMITERS and sum(map(text.count, DELIMITERS)) > MAX_DELIMITERS:
        return None
    if text.count("*") + text.count("_") > 2 * MAX_INLINE_NESTING:
        emphasis = [line.count("*") + line.count("_") for line in lines]
        if any(left + right > 2 * MAX_INLINE_NESTING for left, right in zip(emphasis, emphasis[1:] + [0])):
            return None  # emphasis that might nest past the parser's limit
    # Only an image over several lines can put a run's opening on an earlier line.
    masked = _mask(text, matches) if any("\n" in match.group() for match in matches) else text
    images: list[tuple[int, str]] = []
    in_doubt = False  # whether an image's line is in doubt
    for match in matches:
        start, written = match.start(), match.group(2)
        if start and text[start - 1] == "\\":
            return None
        if written.endswith("\\") or "\\\n" in written or written.count("\n") > MAX_IMAGE_LINES:
            return None
        offset = text.count("\n", 0, start)
        if offset and "**" in lines[offset] and "**" in lines[offset - 1]:
            in_doubt = True  # a bold run from the line above may hold it: its line is that one
        before = masked[masked.rfind("\n", 0, start) + 1 : start]
        if "▲" in before or ("\x01" in before and ("*" in before or "_" in before)):
            in_doubt = True  # a caption, or a run opened before an image over several lines
        images.append((offset, written.strip(" \t")))
    return _parsed_images(lines, nested_bold) if in_doubt else images


def _parsed_images(lines: list[str], nested_bold: bool) -> list[tuple[int, str]]:
    """(line offset, src) of each image of a paragraph's lines as the parser reads them
    there: its block reader on these lines alone, read as an exporter's post is (no
    reference definitions, ``nested_bold`` the dialect's), and the lines
    :func:`~wxmigrate.model.images` gives.

    The same as the whole post's parse, since the paragraph starts and ends where the
    scan found (every image in it is closed, so the parser's paragraph runs no further)
    and the parts recognised after the blocks only wrap blocks, never change them."""
    numbered = [Line(number, text) for number, text in enumerate(lines, start=1)]
    with reading(Reading()):
        blocks = parse_blocks(numbered, nested_bold=nested_bold)
    return [(line - 1, image.src) for image, line in post_images(Post(blocks=tuple(blocks)))]


def _mask(text: str, matches: list[re.Match[str]]) -> str:
    """``text`` with each image's characters hidden: its line ends as ``\\x01``, the rest ``\\x00``."""
    parts: list[str] = []
    last = 0
    for match in matches:
        parts.append(text[last : match.start()])
        parts.append(_HIDDEN.sub("\x00", match.group()).replace("\n", "\x01"))
        last = match.end()
    parts.append(text[last:])
    return "".join(parts)


__all__ = ["scan"]
