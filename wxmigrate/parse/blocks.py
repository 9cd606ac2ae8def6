"""Body lines -> blocks.

Block structure follows CommonMark where exporters follow it (fenced code,
HTML blocks, ATX headings, rules, quotes, lists) and departs from it where
they do not: each line of a paragraph becomes its own block, with
``break_before`` saying how it joined the line above, so that an article
written one paragraph per line is not one giant paragraph in the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from ..model import (
    Block,
    CodeBlock,
    Figure,
    HardBreak,
    Heading,
    HtmlBlock,
    Image,
    Inline,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    RawBlock,
    RawHtml,
    Rule,
    SoftBreak,
    Text,
    newline_count,
)
from ..errors import LimitError
from .inline import MAX_IMAGE_LINES, merge_texts, parse_inline
from .reading import current

#: How deep quotes and lists may nest (markdown-it's CommonMark preset renders 20 levels);
#: what stands deeper is kept as written, one raw block, so that recursion stays short.
MAX_NESTING = 20


class Line(NamedTuple):
    number: int
    text: str


_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
#: ``#Title``: a heading the exporter wrote without a space, opening with a letter,
#: a digit or an emoji/symbol (``#🔹标题``, ``#▶ 标题``).  ``#话题#`` (a WeChat hashtag) is not one.
_ATX_NO_SPACE = re.compile(
    r"^(#{1,6})((?:[^\W_]|[\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2b00-\u2bff"
    r"\u3030\u303d\u3297\u3299\U0001f000-\U0001faff]).*)$"
)
_HASHTAG = re.compile(r"^#[^#\s][^#]{0,30}#")
#: ``***``, ``* * *``, ``---``, ``___`` and spaced forms.  Stars that touch in
#: pairs are *not* a rule here: exporters write ``****`` and `` ** ** **`` for
#: empty bold runs.
_RULE = re.compile(
    r"^ {0,3}(?:\*{3}[ \t]*|\*(?:[ \t]+\*){2,}[ \t]*|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$"
)
_STRAY_BOLD = re.compile(r"^\*{4,}$")
#: CommonMark's thematic break, ``****`` included (read so in posts no exporter wrote).
_CM_RULE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
#: A setext heading's underline.
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}> ?")
_LIST = re.compile(r"^( {0,3})([-+*]|\d{1,9}[.)])([ \t]+|$)")
_HTML_RAW = re.compile(r"^ {0,3}<(script|pre|style|textarea)(?:\s|>|$)", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"^ {0,3}<!--")
_HTML_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    "h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|"
    "optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|"
    "track|ul|video|audio|source"
)
_HTML_BLOCK = re.compile(rf"^ {{0,3}}</?(?:{_HTML_BLOCK_TAGS})(?:\s|/?>|$)", re.IGNORECASE)
_HTML_LONE_TAG = re.compile(
    r"^ {0,3}(?:<[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)\s*$"
)
_TABLE_DELIMITER = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S")
_CAPTION = re.compile(r"^\s*▲")
#: How a line that any pattern above matches starts (a table is told by its ``|``): a line
#: that starts otherwise is a paragraph's, whatever else it holds.  A bold run ``**X`` opens
#: none (a rule or a list item wants a third ``*`` or white space after the first).
_MAY_OPEN_BLOCK = re.compile(r" {0,3}(?:[`~<#_>+\-\[\d]|\*(?!\*[^*\s]))")


def split_lines(text: str, first_line: int = 1) -> list[Line]:
    return [Line(first_line + index, line) for index, line in enumerate(text.split("\n"))]


def is_blank(text: str) -> bool:
    return not text.strip(" \t\u00a0\u3000")


def parse_blocks(lines: list[Line], *, nested_bold: bool = True, depth: int = 0) -> list[Block]:
    """Parse source lines into blocks (``nested_bold``: see :func:`.inline.parse_inline`),
    ``depth`` containers deep: past :data:`MAX_NESTING`, the lines are kept as written."""
    if depth > MAX_NESTING:
        return _kept_as_written(lines, f"quotes or lists nested more than {MAX_NESTING} deep")
    blocks: list[Block] = []
    index = 0
    commonmark = current().commonmark
    while index < len(lines):
        line = lines[index]
        if is_blank(line.text):
            index += 1
            continue
        if _lone_line(lines, index, commonmark):  # most lines of an article
            blocks.extend(_line_paragraph(line, nested_bold))
            index += 1
            continue
        block, index = _block_at(lines, index, nested_bold, depth)
        if isinstance(block, list):
            blocks.extend(block)
        else:
            blocks.append(block)
    return blocks


def _kept_as_written(lines: list[Line], why: str) -> list[Block]:
    """The lines as one raw block no rule changes (blank lines at its edges left out), noted
    for the post's findings: input past a limit of the parser."""
    shown = [index for index, line in enumerate(lines) if not is_blank(line.text)]
    if not shown:
        return []
    first, last = shown[0], shown[-1]
    current().note(lines[first].number, f"{why}; kept as written, not repaired")
    text = "\n".join(line.text for line in lines[first : last + 1])
    return [RawBlock(text, (lines[first].number, lines[last].number))]


def _lone_line(lines: list[Line], index: int, commonmark: bool) -> bool:
    """Whether the line at ``index`` (not blank) is a paragraph alone, which :func:`_block_at`
    reads as :func:`_line_paragraph` does: it cannot open a block (nor, for CommonMark, is it
    indented: it may be code), and a blank line that no image link of it holds open, or the
    end, comes next (so no other line joins it, and none underlines it as a setext heading)."""
    text = lines[index].text
    if _MAY_OPEN_BLOCK.match(text) or "|" in text or (commonmark and text[0] in " \t"):
        return False
    return index + 1 == len(lines) or (is_blank(lines[index + 1].text) and not _open_image(lines, index, index + 1))


def _line_paragraph(line: Line, nested_bold: bool) -> list[Block]:
    """The blocks of a paragraph of one line: the line's runs, a figure, or a ``#Title``."""
    try:
        inlines = parse_inline(line.text.strip(" \t"), nested_bold=nested_bold)
    except LimitError as error:
        return _kept_as_written([line], error.detail)
    blocks: list[Block] = []
    # ``#Title`` is decided on the raw line: an escaped ``\#`` is text.
    heading = "#" in line.text and _unspaced_heading(line.text.strip())
    _add_segment(blocks, _Segment(list(inlines), line.number, line.number, None), heading)
    return blocks


def _block_at(
    lines: list[Line], index: int, nested_bold: bool = True, depth: int = 0
) -> tuple[Block | list[Block], int]:
    text = lines[index].text
    number = lines[index].number
    if current().commonmark:
        if _indent(text) >= 4:
            return _indented_code(lines, index)
        if _CM_RULE.match(text):
            return Rule(text.strip(), (number, number)), index + 1
    if not _MAY_OPEN_BLOCK.match(text) and "|" not in text:
        return _paragraphs(lines, index, nested_bold)
    fence = _FENCE.match(text)
    if fence and not (fence.group(2)[0] == "`" and "`" in fence.group(3)):
        return _fenced(lines, index, fence)
    if _HTML_RAW.match(text) or _HTML_COMMENT.match(text) or _HTML_BLOCK.match(text):
        return _html_block(lines, index)
    atx = _ATX.match(text)
    if atx:
        try:
            children = parse_inline(atx.group(2) or "", nested_bold=nested_bold)
        except LimitError as error:
            return _kept_as_written(lines[index : index + 1], error.detail), index + 1
        return Heading(len(atx.group(1)), children, (number, number)), index + 1
    if _RULE.match(text):
        return Rule(text.strip(), (number, number)), index + 1
    if _QUOTE.match(text):
        return _quote(lines, index, nested_bold, depth)
    if _LIST.match(text) and not _STRAY_BOLD.match(text.strip()):
        return _list(lines, index, nested_bold, depth)
    if _REFERENCE.match(text) or (
        index + 1 < len(lines) and "|" in text and _TABLE_DELIMITER.match(lines[index + 1].text)
        and "-" in lines[index + 1].text
    ):
        return _raw_until_blank(lines, index)
    if _HTML_LONE_TAG.match(text):
        return _html_block(lines, index)
    return _paragraphs(lines, index, nested_bold)


def _indented_code(lines: list[Line], index: int) -> tuple[Block, int]:
    """CommonMark's indented code: lines indented four columns, blank lines between them."""
    end = index
    while end + 1 < len(lines) and (is_blank(lines[end + 1].text) or _indent(lines[end + 1].text) >= 4):
        end += 1
    while is_blank(lines[end].text):
        end -= 1
    text = "\n".join(line.text for line in lines[index : end + 1])
    return RawBlock(text, (lines[index].number, lines[end].number)), end + 1


def is_table(text: str) -> bool:
    """Whether raw Markdown is a GFM table: a row, then a delimiter row (``| --- |``)."""
    lines = text.split("\n")
    return len(lines) > 1 and "|" in lines[0] and "-" in lines[1] and bool(_TABLE_DELIMITER.match(lines[1]))


def _fenced(lines: list[Line], index: int, fence: re.Match[str]) -> tuple[Block, int]:
    marker = fence.group(2)
    closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
    body: list[str] = []
    end = index + 1
    while end < len(lines) and not closing.match(lines[end].text):
        body.append(lines[end].text)
        end += 1
    last = min(end, len(lines) - 1)
    block = CodeBlock(
        "\n".join(body),
        info=fence.group(3).strip(),
        fence=marker,
        lines=(lines[index].number, lines[last].number),
    )
    return block, end + 1


def _html_block(lines: list[Line], index: int) -> tuple[Block, int]:
    first = lines[index].text
    raw = _HTML_RAW.match(first)
    end = index
    if raw or _HTML_COMMENT.match(first):
        stop = re.compile(rf"</{raw.group(1)}>", re.IGNORECASE) if raw else re.compile(r"-->")
        while end < len(lines) and not stop.search(lines[end].text):
            end += 1
        end = min(end, len(lines) - 1)
        while end > index and is_blank(lines[end].text):
            end -= 1  # unclosed: it runs to the end, but not over the blank lines there
    else:
        while end + 1 < len(lines) and not is_blank(lines[end + 1].text):
            end += 1
    html = "\n".join(line.text for line in lines[index : end + 1])
    return HtmlBlock(html, (lines[index].number, lines[end].number)), end + 1


def _raw_until_blank(lines: list[Line], index: int) -> tuple[Block, int]:
    end = index
    while end + 1 < len(lines) and not is_blank(lines[end + 1].text):
        end += 1
    text = "\n".join(line.text for line in lines[index : end + 1])
    return RawBlock(text, (lines[index].number, lines[end].number)), end + 1


def _quote(lines: list[Line], index: int, nested_bold: bool, depth: int) -> tuple[Block, int]:
    inner: list[Line] = []
    end = index
    while end < len(lines):
        text = lines[end].text
        match = _QUOTE.match(text)
        if match:
            inner.append(Line(lines[end].number, text[match.end() :]))
        elif inner and not is_blank(text) and not is_blank(inner[-1].text) and not _starts_block(text):
            inner.append(lines[end])  # lazy continuation
        else:
            break
        end += 1
    children = tuple(parse_blocks(inner, nested_bold=nested_bold, depth=depth + 1))
    return Quote(children, (lines[index].number, lines[end - 1].number)), end


def _list(lines: list[Line], index: int, nested_bold: bool, depth: int) -> tuple[Block, int]:
    items: list[ListItem] = []
    loose = False
    end = index
    first = _LIST.match(lines[index].text)
    assert first is not None
    bullet = first.group(2)[-1]
    while end < len(lines):
        match = _LIST.match(lines[end].text)
        if not match or match.group(2)[-1] != bullet:
            break
        width = len(match.group(0)) if match.group(3) else len(match.group(0)) + 1
        content = [Line(lines[end].number, lines[end].text[match.end() :])]
        start = end
        end += 1
        while end < len(lines):
            text = lines[end].text
            if is_blank(text):
                if end + 1 < len(lines) and not is_blank(lines[end + 1].text) and (
                    _indent(lines[end + 1].text) >= width
                ):
                    content.append(Line(lines[end].number, ""))
                    end += 1
                    continue
                break
            if _indent(text) >= width:
                content.append(Line(lines[end].number, _dedent(text, width)))
            elif not is_blank(content[-1].text) and not _starts_block(text) and not _LIST.match(text):
                content.append(lines[end])  # lazy continuation
            else:
                break
            end += 1
        children = tuple(parse_blocks(content, nested_bold=nested_bold, depth=depth + 1))
        items.append(ListItem(match.group(2), children, (lines[start].number, lines[end - 1].number)))
        following = end
        while following < len(lines) and is_blank(lines[following].text):
            following += 1
        if following > end and following < len(lines):
            again = _LIST.match(lines[following].text)
            if again and again.group(2)[-1] == bullet:
                loose = True
                end = following
                continue
    block = ListBlock(tuple(items), (lines[index].number, lines[end - 1].number), loose)
    return block, end


def _indent(text: str) -> int:
    """Columns of leading white space, tabs to the next multiple of four."""
    return len(text.expandtabs(4)) - len(text.expandtabs(4).lstrip(" "))


def _dedent(text: str, width: int) -> str:
    """Remove ``width`` columns of leading white space (tabs counted as CommonMark does)."""
    stripped = len(text) - len(text.lstrip(" \t"))
    head = text[:stripped].expandtabs(4)
    return head[width:] + text[stripped:]


def starts_html_block(text: str) -> bool:
    """Whether a line starts an HTML block that may interrupt a paragraph (CommonMark's
    kinds 1, 2 and 6: ``<script>``, ``<!--``, ``<div>``…)."""
    return bool(_HTML_RAW.match(text) or _HTML_COMMENT.match(text) or _HTML_BLOCK.match(text))


def _starts_block(text: str) -> bool:
    """Whether a line interrupts a paragraph."""
    if not _MAY_OPEN_BLOCK.match(text):
        return False
    fence = _FENCE.match(text)
    return bool(
        (fence and not (fence.group(2)[0] == "`" and "`" in fence.group(3)))
        or _ATX.match(text)
        or _RULE.match(text)
        or _QUOTE.match(text)
        or _HTML_RAW.match(text)
        or _HTML_COMMENT.match(text)
        or _HTML_BLOCK.match(text)
        or (_LIST.match(text) and not _STRAY_BOLD.match(text.strip()) and not is_blank(text[_LIST.match(text).end() :]))  # type: ignore[union-attr]
    )


# --------------------------------------------------------------------------
# Paragraphs: a run of lines, parsed as one inline text, then cut back into
# one block per source line (except where a bold run spans a line end).


def _paragraph_extent(lines: list[Line], index: int) -> int:
    """Index just past the paragraph starting at ``index``."""
    end = index + 1
    while end < len(lines):
        text = lines[end].text
        if is_blank(text):
            # An image link split over lines may hold a blank line: keep going.
            if not _open_image(lines, index, end):
                break
        elif _starts_block(text) and (starts_html_block(text) or not _open_image(lines, index, end)):
            break  # an image path split over lines never holds a line of HTML
        end += 1
    return end


def _open_image(lines: list[Line], start: int, end: int) -> bool:
    """Whether an image link opened in lines[start:end] is still unclosed."""
    first = max(start, end - MAX_IMAGE_LINES)
    window = lines[first].text if end - first == 1 else "\n".join(line.text for line in lines[first:end])
    opened = window.rfind("![")
    if opened < 0:
        return False
    rest = window[opened:]
    paren = rest.find("](")
    return paren >= 0 and ")" not in rest[paren + 2 :]


class _Segment(NamedTuple):
    inlines: list[Inline]
    first: int
    last: int
    break_before: str | None


def _paragraphs(lines: list[Line], index: int, nested_bold: bool = True) -> tuple[list[Block], int]:
    end = _paragraph_extent(lines, index)
    if current().commonmark:
        try:
            setext = _setext(lines, index, end)
        except LimitError as error:
            return _kept_as_written(lines[index:end], error.detail), end
        if setext is not None:
            return [setext[0]], setext[1]
    group = lines[index:end]
    if len(group) == 1:  # one line, one segment
        return _line_paragraph(group[0], nested_bold), end
    text = "\n".join(line.text for line in group).strip(" \t")
    try:
        inlines = parse_inline(text, nested_bold=nested_bold)
    except LimitError as error:
        return _kept_as_written(group, error.detail), end
    # ``#Title`` is decided on the raw line: an escaped ``\#`` is text.
    headings = {line.number for line in group if "#" in line.text and _unspaced_heading(line.text.strip())}
    blocks: list[Block] = []
    for segment in _segments(inlines, group[0].number):
        if not blocks and segment.break_before is not None:
            segment = segment._replace(break_before=None)  # the lines above it showed nothing
        _add_segment(blocks, segment, segment.first in headings)
    return blocks, end


def _unspaced_heading(text: str) -> bool:
    """Whether a line (stripped) is a heading written ``#Title``, not a ``#话题#`` hashtag."""
    return bool(_ATX_NO_SPACE.match(text)) and not _HASHTAG.match(text)


def _setext(lines: list[Line], index: int, end: int) -> tuple[Block, int] | None:
    """A setext heading: paragraph lines, then ``===`` or ``---`` (CommonMark's reading)."""
    for under in range(index + 1, min(end + 1, len(lines))):
        match = _SETEXT.match(lines[under].text)
        if match and (under < end or match.group(1)[0] == "-"):
            text = "\n".join(line.text for line in lines[index:under]).strip()
            level = 1 if match.group(1)[0] == "=" else 2
            heading = Heading(level, parse_inline(text), (lines[index].number, lines[under].number))
            return heading, under + 1
    return None


def _segments(inlines: tuple[Inline, ...], first_line: int) -> Iterator[_Segment]:
    current: list[Inline] = []
    line = first_line
    start = first_line
    break_before: str | None = None
    for inline in inlines:
        if isinstance(inline, (SoftBreak, HardBreak)):
            yield _Segment(current, start, line, break_before)
            break_before = inline.markup if isinstance(inline, HardBreak) else ""
            line += 1
            start = line
            current = []
            continue
        current.append(inline)
        line += newline_count(inline)
    yield _Segment(current, start, line, break_before)


def _strip_edges(inlines: list[Inline]) -> tuple[Inline, ...]:
    """The runs of a line without the spaces and tabs at its edges (a run left empty dropped:
    inline parses hold no empty run, so only the first and the last may become one)."""
    if not inlines or not (_spaced_text(inlines[0], 0) or _spaced_text(inlines[-1], -1)):
        return tuple(inlines)  # most lines: nothing to strip
    out = list(inlines)
    if out and isinstance(out[0], Text):
        kept = out[0].text.lstrip(" \t")
        if len(kept) != len(out[0].text):
            out[0] = Text(kept)
    if out and isinstance(out[-1], Text):
        kept = out[-1].text.rstrip(" \t")
        if len(kept) != len(out[-1].text):
            out[-1] = Text(kept)
    if out and isinstance(out[-1], Text) and not out[-1].text:
        out.pop()
    if out and isinstance(out[0], Text) and not out[0].text:
        del out[0]
    return tuple(out)


def _spaced_text(inline: Inline, edge: int) -> bool:
    """Whether a run is text with a space or a tab at its start (``edge`` 0) or end (-1)."""
    return isinstance(inline, Text) and inline.text[edge] in " \t"


def _add_segment(blocks: list[Block], segment: _Segment, heading_line: bool = False) -> None:
    inlines = _strip_edges(segment.inlines)
    lines = (segment.first, segment.last)
    if not inlines:
        return  # a line of only spaces or NBSP: nothing visible to keep
    first = inlines[0]
    if isinstance(first, RawHtml) and _HTML_BLOCK.match(first.html):
        # A block-level tag that did not open an HTML block (it was indented) is
        # text: written at the start of a line it would open one.
        inlines = merge_texts((Text(first.html), *inlines[1:]))
        first = inlines[0]
    previous = blocks[-1] if blocks else None
    if (
        isinstance(previous, Figure)
        and not previous.caption
        and segment.break_before is not None
        and isinstance(first, Text)
        and _CAPTION.match(first.text)
    ):
        lines = (previous.lines[0], segment.last)
        blocks[-1] = Figure(previous.image, inlines, lines, previous.break_before, segment.break_before)
        return
    if len(inlines) == 1 and isinstance(first, Image):
        blocks.append(Figure(first, (), lines, segment.break_before))
        return
    if isinstance(first, Text) and segment.break_before is None and heading_line:
        heading = _ATX_NO_SPACE.match(first.text)
        if heading:
            level = len(heading.group(1))
            children = (Text(heading.group(2)), *inlines[1:])
            blocks.append(Heading(level, children, lines, spaced=False, break_before=segment.break_before))
            return
    blocks.append(Paragraph(inlines, lines, segment.break_before))
