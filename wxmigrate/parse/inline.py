"""Inline Markdown -> inline runs, tolerant of what WeChat exporters leave behind.

The exporters write bold as ``**`` around each HTML ``<strong>``, so a post
holds ``**a****b**`` (two adjacent runs), ``****`` (an empty run) and
``**⏎**`` (an empty run over a line end).  This parser reads every ``**``
as a toggle, pairs toggles left to right, and keeps empty and adjacent runs
as they are, so the model says exactly what the source said and the repair
rules can explain what they change.  Image links whose path was split over
lines are read as one image whose ``src`` holds the newlines.

Nothing is ever dropped: markup that cannot be paired becomes text.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from collections.abc import Iterator
from typing import Union

import attrs

from ..chars import is_punctuation, is_whitespace, left_flanking, right_flanking
from ..errors import LimitError
from ..model import (
    Code,
    Emphasis,
    HardBreak,
    Image,
    Inline,
    Link,
    RawHtml,
    SoftBreak,
    Strong,
    Text,
)
from .reading import current

_ASCII_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_HTML_TAG = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?"
    r"|/[A-Za-z][A-Za-z0-9-]*\s*|!--(?:.|\n)*?--)>"
)
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
#: How many source lines one image link may span before we stop looking for ")".
MAX_IMAGE_LINES = 6
#: Characters that may open inline markup; past this many in one paragraph, its inline text
#: is not taken apart (time and memory grow with them).
DELIMITERS = "*_`[(<"
MAX_DELIMITERS = 200_000
#: How deep emphasis, links and images may nest inside one another (markdown-it's
#: ``maxNesting`` is 20 for CommonMark; the bound keeps Python's recursion short).
MAX_INLINE_NESTING = 40
#: The characters the tokenizer looks at one by one; plain text is everything else.
_MARKUP = r"\\\n&`!\[<*_"
#: Where plain text stops.
_PLAIN = re.compile(rf"[^{_MARKUP}]+")
#: Text the tokenizer would take whole as one run of plain text (or nothing).
_NO_MARKUP = re.compile(rf"[^{_MARKUP}]*")
#: One line of plain text and ``**X**`` runs, no two of them touching (``**a****b**`` is a run
#: of four stars), and no other markup.
_BOLD_PAIRS = re.compile(rf"[^{_MARKUP}]*\*\*[^{_MARKUP}]+\*\*(?:[^{_MARKUP}]+\*\*[^{_MARKUP}]+\*\*)*[^{_MARKUP}]*")
#: An image ``![alt](src)`` whose alt text and address the tokenizer would take as written:
#: no brackets, escapes, entities, code, tags or line ends in the alt text, and no white space
#: but line ends (an address split over lines), quote or parenthesis in the address (so no
#: title, no ``<…>``).
_SIMPLE_IMAGE = r"!\[([^\[\]\\\n&`<!]*)\]\(((?:[^\s()<>\"'\[\]\\&`!]|\n)*)\)"
#: A bold run ``**X**`` of plain text on one line (touching runs, ``**a****b**``, are two).
_BOLD_RUN = rf"\*\*([^{_MARKUP}]+)\*\*"
#: A bold run in a bold run, as exporters write a bold line: ``****X****``.
_DOUBLE_BOLD = rf"\*\*\*\*([^{_MARKUP}]+)\*\*\*\*"
#: A backslash escape of ASCII punctuation: the character, as text.
_ESCAPE = r"\\([!-/:-@\[-`{-~])"
#: ``_`` inside a word of ASCII letters and digits (``gh_3fa9``), which opens and closes nothing.
_WORD_UNDERSCORE = r"(?<=[A-Za-z0-9])(_+)(?=[A-Za-z0-9])"
#: Text of plain text, line ends, and the pieces above, and no other markup.
_SIMPLE_LINES = re.compile(
    rf"(?:[^\\&`!\[<*_]|{_SIMPLE_IMAGE}|{_BOLD_RUN}|{_DOUBLE_BOLD}|{_ESCAPE}|{_WORD_UNDERSCORE})*"
)
#: The pieces of such a text that are not plain text, and its line ends (with the spaces and
#: tabs after them).
_LINE_PIECES = re.compile(
    rf"{_SIMPLE_IMAGE}|{_BOLD_RUN}|{_DOUBLE_BOLD}|{_ESCAPE}|{_WORD_UNDERSCORE}|(\n[ \t]*)"
)


@attrs.define
class _Star:
    """A ``*`` delimiter: ``size`` 2 is a bold toggle, 1 an emphasis candidate."""

    size: int
    line: int
    #: Which run of ``*`` (as written) the star belongs to: a number per run, in order.
    run: int = 0
    can_open: bool = True
    can_close: bool = True
    partner: int | None = None
    opens: bool = False
    #: Whether the run this star belongs to has whitespace (or a line edge) before / after it.
    space_before: bool = False
    space_after: bool = False


@attrs.frozen
class _Run:
    """A run of ``*`` as written, before we decide what it means."""

    size: int
    before: str
    after: str
    line: int


@attrs.define
class _Under:
    """A run of one or two ``_``, which CommonMark reads by its own flanking rules
    (never inside a word): emphasis or strong emphasis, as authors write them."""

    size: int
    can_open: bool
    can_close: bool
    partner: int | None = None
    opens: bool = False


_Token = Union[Inline, _Star, _Under]


def parse_inline(text: str, *, nested_bold: bool = True) -> tuple[Inline, ...]:
    """Parse one paragraph's (or heading's) inline text into runs.

    ``nested_bold``: whether the exporter may nest bold runs
    (``**甲， **乙** 丙**``), so that a line whose ``**`` read as toggles would
    open bold before a space is read by its spacing (see :func:`_pair_bold`).
    Converters that leave spaces inside runs instead (``**甲 **乙``, the
    Obsidian clipper) want it off.

    Time and memory are linear in the text's length.  Text with more than
    :data:`MAX_DELIMITERS` delimiters, or markup nested deeper than
    :data:`MAX_INLINE_NESTING`, raises :class:`~wxmigrate.errors.LimitError`
    (line 0): the block parser then keeps that block as written.

    Within a parse that keeps inline parses (:func:`.reading.shared_inlines`), a text
    parsed before is not parsed again: the runs are frozen, and shared.
    """
    table = current().inlines
    if table is None:
        return _parse(text, nested_bold, 0)
    key = (text, nested_bold)
    found = table.get(key)
    if found is None:
        found = table[key] = _parse(text, nested_bold, 0)
    return found


def _parse(text: str, nested_bold: bool, depth: int) -> tuple[Inline, ...]:
    """:func:`parse_inline` of text ``depth`` links deep."""
    if depth > MAX_INLINE_NESTING:
        raise LimitError("<text>", 0, f"links nested more than {MAX_INLINE_NESTING} deep")
    delimiters = sum(map(text.count, DELIMITERS)) if len(text) > MAX_DELIMITERS else 0
    if delimiters > MAX_DELIMITERS:
        raise LimitError(
            "<text>", 0, f"{delimiters} inline delimiters in one paragraph (limit {MAX_DELIMITERS})"
        )
    if _NO_MARKUP.fullmatch(text):  # most lines of an article: one run of text, nothing to pair
        return (Text(text),) if text else ()
    if _BOLD_PAIRS.fullmatch(text):  # the next most: bold runs ``**X**`` in text, nothing else
        found = _bold_pairs(text)
        if found is not None:
            return found
    if _SIMPLE_LINES.fullmatch(text):  # article images, bold headings, lines of text and bold runs
        lines = _simple_lines(text)
        if lines is not None:
            return lines
    return _parse_markup(text, nested_bold, depth)


def _simple_lines(text: str) -> tuple[Inline, ...] | None:
    """The runs of a text :data:`_SIMPLE_LINES` matches, as the tokenizer and the pairings read
    them; None when a bold run's text starts or ends with white space, or a line holds a
    ``****X****`` and other bold (then the spacing may read them otherwise).

    Plain text, escaped characters and ``_`` inside words are text, images are images (alt
    text and address as written), each ``**X**`` is bold and each ``****X****`` bold in bold
    (every line's toggles pair among themselves, and neither reading of them, the toggles' or
    the spacing's, pairs them otherwise).  A line end is a hard break after two spaces or more
    (which leave the text), else a soft one; the spaces and tabs starting a line are dropped."""
    runs: list[Inline] = []
    plain = ""  # the text since the last run that is not text
    pos = 0
    line = 0
    starred = -1  # the last line holding bold, and
    double = False  # whether that was a ``****X****``
    for piece in _LINE_PIECES.finditer(text):
        plain += text[pos : piece.start()]
        pos = piece.end()
        alt, src, bold, inner, escaped, underscores, line_end = piece.groups()
        if escaped is not None or underscores is not None:
            plain += escaped or underscores
            continue
        if line_end is not None:
            kept = plain.rstrip(" ")
            if kept:
                runs.append(Text(kept))
            spaces = len(plain) - len(kept)
            runs.append(HardBreak(" " * spaces) if spaces >= 2 else SoftBreak())
            plain = ""
            line += 1
            continue
        if plain:
            runs.append(Text(plain))
            plain = ""
        if src is not None:
            if "\n" in src:
                if src.count("\n") > MAX_IMAGE_LINES:
                    return None
                line += src.count("\n")
            runs.append(Image(src=src, alt=alt))
            continue
        content = bold if bold is not None else inner
        if content[0].isspace() or content[-1].isspace():  # wider than CommonMark's white space
            return None
        if starred == line and (double or inner is not None):
            return None
        starred, double = line, inner is not None
        runs.append(Strong((Text(content),)) if bold is not None else Strong((Strong((Text(content),)),)))
    plain += text[pos:]
    if plain:
        runs.append(Text(plain))
    return tuple(runs)


def _bold_pairs(text: str) -> tuple[Inline, ...] | None:
    """The runs of a text :data:`_BOLD_PAIRS` matches: each ``**X**`` bold, as the toggles and the
    spacing both read it when no ``X`` starts or ends with white space; None when one does
    (then the spacing may read it otherwise)."""
    runs: list[Inline] = []
    for index, piece in enumerate(text.split("**")):
        if index % 2 == 0:
            if piece:
                runs.append(Text(piece))
        elif piece[0].isspace() or piece[-1].isspace():  # wider than CommonMark's white space
            return None
        else:
            runs.append(Strong((Text(piece),)))
    return tuple(runs)


def _parse_markup(text: str, nested_bold: bool, depth: int) -> tuple[Inline, ...]:
    """The inline runs of text within the limits, taken apart token by token (what
    :func:`_parse` does for any text; it answers text with no markup at all itself)."""
    tokens, kinds = _expand_runs(_tokenize(text, _Scan(text), depth))
    # Each pairing looks only at its own kind of delimiter: a text without any is left alone.
    if 3 in kinds:
        _pair_triples(tokens)
    if 2 in kinds:
        _pair_bold(tokens, nested=nested_bold)
    if 1 in kinds:
        _pair_emphasis(tokens)
    if _Under in kinds:
        _pair_underscores(tokens)
    return merge_texts(_build(tokens, 0, len(tokens), 0))


_BRACKET_MARKS = re.compile(r"\\[\s\S]|[\[\]()\n]")
_BACKTICK_RUN = re.compile(r"`+")
_STARS = re.compile(r"\*+")


class _Scan:
    """What the tokenizer looks up in one text, each found in one pass the first time it is
    needed, so that no lookup rescans the text (a run of ``[`` or of unclosed ``![a](``
    takes linear time, not quadratic)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._closing: dict[int, int] | None = None
        self._newlines: list[int] = []
        self._backticks: dict[int, list[int]] | None = None
        self._comment_end = -2

    def matching(self, pos: int, max_lines: int) -> int | None:
        """Index of the bracket closing the ``[`` or ``(`` at ``pos`` (backslash escapes
        skipped, brackets of the other kind ignored); None when there is none or it is
        more than ``max_lines`` unescaped line ends away."""
        if self._closing is None:
            self._closing = self._pair_brackets()
        close = self._closing.get(pos)
        if close is None:
            return None
        lines = bisect_right(self._newlines, close) - bisect_right(self._newlines, pos)
        return close if lines <= max_lines else None

    def _pair_brackets(self) -> dict[int, int]:
        closing: dict[int, int] = {}
        openers: dict[str, list[int]] = {"]": [], ")": []}
        for mark in _BRACKET_MARKS.finditer(self.text):
            char = mark.group()
            if char == "\n":
                self._newlines.append(mark.start())
            elif char in "[(":
                openers["]" if char == "[" else ")"].append(mark.start())
            elif char in openers and openers[char]:
                closing[openers[char].pop()] = mark.start()
        return closing

    def backtick_run(self, size: int, start: int) -> int | None:
        """Where the first run of exactly ``size`` backticks at or after ``start`` begins."""
        if self._backticks is None:
            self._backticks = {}
            for run in _BACKTICK_RUN.finditer(self.text):
                self._backticks.setdefault(run.end() - run.start(), []).append(run.start())
        starts = self._backticks.get(size, [])
        found = bisect_left(starts, start)
        return starts[found] if found < len(starts) else None

    def may_close_comment(self, pos: int) -> bool:
        """Whether a ``-->`` stands far enough after ``pos`` to close a comment opened there."""
        if self._comment_end == -2:
            self._comment_end = self.text.rfind("-->")
        return self._comment_end >= pos + 4


# --------------------------------------------------------------------------
# Tokenizing


def _underscores(text: str, pos: int) -> tuple[_Under | None, int]:
    """The ``_`` run at ``pos`` as a delimiter, when CommonMark may open or close with it."""
    end = pos
    while end < len(text) and text[end] == "_":
        end += 1
    before = text[pos - 1] if pos > 0 else ""
    after = text[end] if end < len(text) else ""
    left, right = left_flanking(before, after), right_flanking(before, after)
    can_open = left and (not right or is_punctuation(before))
    can_close = right and (not left or is_punctuation(after))
    if not (can_open or can_close):
        return None, end
    return _Under(end - pos, can_open, can_close), end


def _tokenize(text: str, scan: _Scan, depth: int) -> list[_Token | _Run]:
    """The text's tokens: runs of text (entities decoded), code, links, images, HTML, breaks,
    and each run of ``*`` or ``_`` as written, for the pairing to decide on."""
    pos = 0
    line = 0
    buffer: list[str] = []
    length = len(text)
    tokens: list[_Token | _Run] = []

    def emit(token: _Token | _Run) -> None:
        """Add ``token`` after the text gathered before it."""
        _flush(buffer, tokens)
        tokens.append(token)

    while pos < length:
        plain = _PLAIN.match(text, pos)
        if plain:
            buffer.append(plain.group())
            pos = plain.end()
            continue
        char = text[pos]
        if char == "*":  # first: the character most often met
            stars = _STARS.match(text, pos)
            assert stars is not None  # the tokenizer is on a star
            end = stars.end()
            before = text[pos - 1] if pos > 0 else ""
            after = text[end] if end < length else ""
            emit(_Run(end - pos, before, after, line))
            pos = end
            continue
        if char == "\\" and pos + 1 < length:
            nxt = text[pos + 1]
            if nxt == "\n":
                emit(HardBreak("\\"))
                pos += 2
                line += 1
                continue
            if nxt in _ASCII_PUNCT:
                emit(Text(nxt))
                pos += 2
                continue
        if char == "\n":
            spaces = len("".join(buffer)) - len("".join(buffer).rstrip(" "))
            if spaces:
                kept = "".join(buffer).rstrip(" ")
                buffer.clear()
                if kept:
                    buffer.append(kept)
            emit(HardBreak(" " * spaces) if spaces >= 2 else SoftBreak())
            pos += 1
            line += 1
            while pos < length and text[pos] in " \t":
                pos += 1
            continue
        if char == "&":
            match = _ENTITY.match(text, pos)
            if match and html.unescape(match.group()) != match.group():
                buffer.append(match.group())
                pos = match.end()
                continue
        if char == "`":
            code, end = _code_span(text, pos, scan)
            if code is None:
                buffer.append(text[pos:end])  # a run of backticks that opens no span is text, whole
            else:
                emit(code)
            pos = end
            continue
        if char == "!" and text.startswith("![", pos):
            found_image = _image(text, pos, scan)
            if found_image:
                image, end = found_image
                emit(image)
                line += text.count("\n", pos, end)
                pos = end
                continue
        if char == "[":
            found_link = _link(text, pos, scan, depth)
            if found_link:
                link, end = found_link
                emit(link)
                line += text.count("\n", pos, end)
                pos = end
                continue
        if char == "<":
            auto = _AUTOLINK.match(text, pos)
            if auto:
                emit(Link((Text(auto.group(1)),), auto.group(1)))
                pos = auto.end()
                continue
            tag = None if text.startswith("<!--", pos) and not scan.may_close_comment(pos) else _HTML_TAG.match(text, pos)
            if tag:
                emit(RawHtml(tag.group()))
                line += tag.group().count("\n")
                pos = tag.end()
                continue
        if char == "_":
            under, end = _underscores(text, pos)
            if under is None:
                buffer.append(text[pos:end])
            else:
                emit(under)
            pos = end
            continue
        buffer.append(char)
        pos += 1
    _flush(buffer, tokens)
    return tokens


def _flush(buffer: list[str], tokens: list[_Token | _Run]) -> None:
    """Add the text gathered in ``buffer`` to ``tokens`` as one run (entities decoded), and
    empty ``buffer``."""
    if buffer:
        joined = "".join(buffer)
        tokens.append(Text(html.unescape(joined) if "&" in joined else joined))
        buffer.clear()


def _star_run(run: _Run, number: int) -> Iterator[_Star]:
    """Split a run of ``*`` (the ``number``-th) into bold toggles and, for odd runs, one
    emphasis star."""
    size, line = run.size, run.line
    opening, closing, space_before, space_after = _flanking(run.before, run.after)
    single = size % 2
    if single and closing and not opening:
        yield _Star(1, line, number, can_open=False, can_close=True)
    for _ in range(size // 2):
        yield _Star(2, line, number, space_before=space_before, space_after=space_after)
    if single and not (closing and not opening):
        yield _Star(1, line, number, can_open=opening, can_close=closing)


@lru_cache(maxsize=4096)
def _flanking(before: str, after: str) -> tuple[bool, bool, bool, bool]:
    """Whether a run of ``*`` between ``before`` and ``after`` is left-flanking, right-flanking,
    and has white space before and after it (kept by the pair of characters: text repeats them)."""
    return left_flanking(before, after), right_flanking(before, after), is_whitespace(before), is_whitespace(after)


def _code_span(text: str, pos: int, scan: _Scan) -> tuple[Code | None, int]:
    """The code span the backticks at ``pos`` open, and where it ends; or None and the end of
    the run, when no run as long closes it (CommonMark: the whole run is then text)."""
    run = _BACKTICK_RUN.match(text, pos)
    assert run is not None  # the tokenizer calls it on a backtick
    end = run.end()
    closing = scan.backtick_run(end - pos, end)
    if closing is None:
        return None, end
    return Code(text[end:closing], text[pos:end]), closing + end - pos


#: A title at the end of a destination; it starts where white space starts (``(?<!\s)``), so
#: that a long run of spaces is not tried from each of its positions.
_TITLE = re.compile(r"""(?<!\s)\s+(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\Z""", re.DOTALL)


def _destination(inside: str) -> tuple[str, str | None]:
    """Split ``(dest "title")`` content into destination and title."""
    title: str | None = None
    match = _TITLE.search(inside)
    if match:
        raw_title = match.group(1) if match.group(1) is not None else match.group(2)
        title = re.sub(r"\\(.)", r"\1", raw_title)
        inside = inside[: match.start()]
    dest = inside.strip(" \t")
    if dest.startswith("<") and dest.endswith(">"):
        dest = re.sub(r"\\([<>\\])", r"\1", dest[1:-1])
    return dest, title


_DEFINITION = re.compile(
    r"^ {0,3}\[((?:[^\]\\]|\\.){1,999})\]:[ \t]*(<[^<>\n]*>|[^\s<][^\s]*)"
    r"""(?:[ \t]+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?[ \t]*$""",
    re.MULTILINE,
)


def label_key(label: str) -> str:
    """A reference label as CommonMark matches it: case-folded, white space collapsed."""
    return " ".join(label.split()).casefold()


def definitions(body: str) -> dict[str, tuple[str, str | None]]:
    """The one-line link reference definitions of a body (``[label]: url "title"``);
    the first of a label wins, as in CommonMark."""
    found: dict[str, tuple[str, str | None]] = {}
    for match in _DEFINITION.finditer(body):
        destination = match.group(2)
        if destination.startswith("<"):
            destination = destination[1:-1]
        title = unescape_markdown(match.group(3)[1:-1]) if match.group(3) else None
        found.setdefault(label_key(match.group(1)), (unescape_markdown(destination), title))
    return found


def _reference(text: str, close: int, label: str) -> tuple[tuple[str, str | None], int] | None:
    """The definition a reference after the bracket at ``close`` names, and where it ends."""
    references = current().references
    if not references:
        return None
    if text.startswith("[", close + 1):
        end = text.find("]", close + 2)
        if end < 0 or "[" in text[close + 2 : end]:
            return None
        named = text[close + 2 : end] or label  # ``[text][]`` names its own text
        found = references.get(label_key(named))
        return (found, end + 1) if found is not None else None
    found = references.get(label_key(label))  # a shortcut, ``[label]``
    return (found, close + 1) if found is not None else None


def _image(text: str, pos: int, scan: _Scan) -> tuple[Image, int] | None:
    close = scan.matching(pos + 1, 1)
    if close is not None and not text.startswith("(", close + 1):
        reference = _reference(text, close, text[pos + 2 : close])
        if reference is not None:
            (src, title), after = reference
            return Image(src=src, alt=unescape_markdown(text[pos + 2 : close]), title=title), after
    if close is None or not text.startswith("(", close + 1):
        return None
    end = scan.matching(close + 1, MAX_IMAGE_LINES)
    if end is None:
        return None
    inside = text[close + 2 : end]
    if "](" in inside or "![" in inside:
        return None
    alt = unescape_markdown(text[pos + 2 : close])
    src, title = _destination(inside)
    return Image(src=src, alt=alt, title=title), end + 1


def _link(text: str, pos: int, scan: _Scan, depth: int) -> tuple[Link, int] | None:
    close = scan.matching(pos, 2)
    if close is not None and not text.startswith("(", close + 1):
        reference = _reference(text, close, text[pos + 1 : close])
        if reference is not None:
            (href, title), after = reference
            return Link(_parse(text[pos + 1 : close], True, depth + 1), href, title), after
    if close is None or not text.startswith("(", close + 1):
        return None
    end = scan.matching(close + 1, 0)
    if end is None:
        return None
    href, title = _destination(text[close + 2 : end])
    if "\n" in href or " " in href.strip():
        return None
    children = _parse(text[pos + 1 : close], True, depth + 1)
    return Link(children, href, title), end + 1


def unescape_markdown(markup: str) -> str:
    """Alt text: escapes removed, entities decoded."""
    return html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markup))


# --------------------------------------------------------------------------
# Pairing delimiters


def _toggles_by_line(tokens: list[_Token], size: int) -> dict[int, list[int]]:
    lines: dict[int, list[int]] = {}
    for index, token in enumerate(tokens):
        if isinstance(token, _Star) and token.size == size and token.partner is None:
            lines.setdefault(token.line, []).append(index)
    return lines


def _pair(tokens: list[_Token], opener: int, closer: int) -> None:
    first, second = tokens[opener], tokens[closer]
    assert isinstance(first, _Star) and isinstance(second, _Star)
    first.partner, first.opens = closer, True
    second.partner = opener


def _pair_bold(tokens: list[_Token], *, nested: bool = True) -> None:
    """Pair bold toggles left to right within each line.

    A line left with an odd toggle hands it to the next line only when that
    line's count is odd too (a run cut across the line end, or ``**⏎**``);
    otherwise it stays text, so one stray ``**`` never flips the bold of the
    lines after it.

    Exporters also nest and space their runs (``**甲， **乙** 丙**``,
    ``****丁****``), which toggles misread.  A line whose toggles would leave
    all its text plain where its spacing makes some bold, or (with ``nested``)
    would open bold before a space or close it after one, is read by its
    spacing instead (:func:`_pairs_by_spacing`), when that pairs every ``**``
    of the line (a ``**`` at a line's edge may pair across the line break).
    """
    lines = _toggles_by_line(tokens, 2)
    dangling: int | None = None
    for line in sorted(lines):
        toggles = lines[line]
        if dangling is not None and tokens[dangling].line != line - 1:  # type: ignore[union-attr]
            dangling = None
        handoff = dangling is not None and len(toggles) % 2 == 1
        own = toggles[1:] if handoff else toggles
        spaced = _spacing_reading(tokens, toggles, own, dangling, nested)
        if spaced is not None:
            pairs, dangling = spaced
        else:
            pairs = list(zip(own[::2], own[1::2]))
            if handoff:
                assert dangling is not None
                pairs.append((dangling, toggles[0]))
            dangling = own[-1] if len(own) % 2 else None
        for opener, closer in pairs:
            _pair(tokens, opener, closer)


def _spacing_reading(
    tokens: list[_Token], toggles: list[int], own: list[int], dangling: int | None, nested: bool
) -> tuple[list[tuple[int, int]], int | None] | None:
    """The line's pairs read by spacing, and the ``**`` it hands to the next line;
    None when the toggle reading (of ``own``, the toggles the previous line's
    dangling one leaves) stands."""
    pairs = list(zip(own[::2], own[1::2]))
    against = nested and any(_against_spacing(tokens, opener, closer) for opener, closer in pairs)
    if not against and not all(_blank_between(tokens, opener, closer) for opener, closer in pairs):
        return None
    spaced, left = _pairs_by_spacing(tokens, toggles)
    if not against and all(_blank_between(tokens, opener, closer) for opener, closer in spaced):
        return None  # neither reading makes anything bold
    handed: int | None = None
    if left and left[-1] == toggles[-1] and _ends_line(tokens, toggles[-1]):
        handed = left.pop()
    if left and left[0] == toggles[0] and dangling is not None and _starts_line(tokens, toggles[0]):
        spaced.append((dangling, left.pop(0)))
    if left:
        return None  # the spacing leaves ``**`` that pair with nothing: keep the toggles
    return spaced, handed


def _blank_between(tokens: list[_Token], start: int, stop: int, *, stars: bool = True) -> bool:
    """Whether nothing but spaces (and, with ``stars``, ``*``) stands between two tokens."""
    return all(
        (stars and isinstance(token, _Star)) or (isinstance(token, Text) and not token.text.strip())
        for token in map(tokens.__getitem__, range(start + 1, stop))
    )


def _against_spacing(tokens: list[_Token], opener: int, closer: int) -> bool:
    """Whether a toggle pair around text opens before a space or closes after one
    (``**甲， **乙** 丙**`` read as toggles makes 乙 the plain part)."""
    first, second = tokens[opener], tokens[closer]
    assert isinstance(first, _Star) and isinstance(second, _Star)
    return not _blank_between(tokens, opener, closer) and (first.space_after or second.space_before)


def _pairs_by_spacing(tokens: list[_Token], toggles: list[int]) -> tuple[list[tuple[int, int]], list[int]]:
    """A line's ``**`` paired the way CommonMark does where spaces tell (nesting allowed),
    and those left over: a ``**`` with no space before it closes the latest open run,
    one with no space after it opens a run.  Left-overs pair up only around nothing
    but spaces (``** **``, an empty run)."""
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    left: list[int] = []
    for index in toggles:
        star = tokens[index]
        assert isinstance(star, _Star)
        if not star.space_before and stack and not _same_run(tokens, stack[-1], index):
            pairs.append((stack.pop(), index))
        elif not star.space_after:
            stack.append(index)
        else:
            left.append(index)
    left = sorted(left + stack)
    unpaired: list[int] = []
    position = 0
    while position < len(left):
        if position + 1 < len(left) and _blank_between(tokens, left[position], left[position + 1], stars=False):
            pairs.append((left[position], left[position + 1]))
            position += 2
        else:
            unpaired.append(left[position])
            position += 1
    return pairs, unpaired


def _same_run(tokens: list[_Token], first: int, second: int) -> bool:
    """Whether two stars are of one run of ``*`` (a run never closes itself)."""
    one, other = tokens[first], tokens[second]
    assert isinstance(one, _Star) and isinstance(other, _Star)
    return one.run == other.run


def _starts_line(tokens: list[_Token], index: int) -> bool:
    """Whether only spaces come before ``index`` on its line, after a line break."""
    for token in map(tokens.__getitem__, range(index - 1, -1, -1)):
        if isinstance(token, (SoftBreak, HardBreak)):
            return True
        if not (isinstance(token, Text) and not token.text.strip()):
            return False
    return False


def _ends_line(tokens: list[_Token], index: int) -> bool:
    """Whether only spaces follow ``index`` up to the end of its line."""
    for token in map(tokens.__getitem__, range(index + 1, len(tokens))):
        if isinstance(token, (SoftBreak, HardBreak)):
            return True
        if not (isinstance(token, Text) and not token.text.strip()):
            return False
    return True


def _triple_lines(runs: list[_Run]) -> set[int]:
    """Lines whose ``*`` runs are all bold-italic (``***01******.***``).

    Only when every run of the line is a multiple of three and the runs pair
    up without a run pairing with itself; a line that also holds ``**`` keeps
    the plain reading (there ``******`` is a bold run closed and an empty one).
    """
    by_line: dict[int, list[_Run]] = {}
    for run in runs:
        by_line.setdefault(run.line, []).append(run)
    chosen = set()
    for line, line_runs in by_line.items():
        if any(run.size % 3 for run in line_runs):
            continue
        owners = [index for index, run in enumerate(line_runs) for _ in range(run.size // 3)]
        if len(owners) % 2 or any(owners[k] == owners[k + 1] for k in range(0, len(owners), 2)):
            continue
        chosen.add(line)
    return chosen


def _expand_runs(tokens: list[_Token | _Run]) -> tuple[list[_Token], set[object]]:
    """Replace each run of ``*`` by the delimiters it stands for; and the kinds of delimiter
    found (the sizes of the stars, and :class:`_Under`)."""
    runs = [token for token in tokens if isinstance(token, _Run)]
    triples = _triple_lines(runs) if any(run.size % 3 == 0 for run in runs) else set()
    kinds: set[object] = set()
    out: list[_Token] = []
    for number, token in enumerate(tokens):
        if not isinstance(token, _Run):
            out.append(token)
            if isinstance(token, _Under):
                kinds.add(_Under)
        elif token.line in triples:
            out.extend(_Star(3, token.line, number) for _ in range(token.size // 3))
            kinds.add(3)
        else:
            out.extend(_star_run(token, number))
            kinds.update((2,) if token.size % 2 == 0 else (1, 2) if token.size > 1 else (1,))
    return out, kinds


def _pair_triples(tokens: list[_Token]) -> None:
    """Pair bold-italic delimiters within their line (see :func:`_triple_lines`)."""
    for toggles in _toggles_by_line(tokens, 3).values():
        for opener, closer in zip(toggles[::2], toggles[1::2]):
            _pair(tokens, opener, closer)


def _pair_emphasis(tokens: list[_Token]) -> None:
    """Pair single ``*`` on one line, inside the same bold run, by flanking."""
    depth = 0
    openers: list[tuple[int, int]] = []  # (index, bold depth)
    for index, token in enumerate(tokens):
        if isinstance(token, (SoftBreak, HardBreak)):
            openers.clear()
            continue
        if not isinstance(token, _Star):
            continue
        if token.size == 2:
            if token.partner is not None:
                depth += 1 if token.opens else -1
                openers.clear()
            continue
        if token.can_close and openers and openers[-1][1] == depth:
            start, _ = openers.pop()
            if start + 1 < index:
                first = tokens[start]
                assert isinstance(first, _Star)
                first.partner, first.opens = index, True
                token.partner = start
                continue
        if token.can_open:
            openers.append((index, depth))


def _pair_underscores(tokens: list[_Token]) -> None:
    """Pair ``_`` and ``__`` runs within a line, each closer with the nearest opener of its
    size, as CommonMark does for runs of equal length.

    Only where that reading is CommonMark's for sure: when a longer run could open or
    close, or a run is left unpaired (CommonMark would then split runs between
    neighbours), every ``_`` of the text stays text, as written.
    """
    unders = [token for token in tokens if isinstance(token, _Under)]
    if any(token.size > 2 for token in unders):
        return
    openers: dict[int, list[int]] = {1: [], 2: []}  # by size, each in source order
    for index, token in enumerate(tokens):
        if isinstance(token, (SoftBreak, HardBreak)):
            openers = {1: [], 2: []}
            continue
        if not isinstance(token, _Under):
            continue
        same = openers[token.size]
        if token.can_close and same and same[-1] + 1 < index:
            start = same[-1]
            opener = tokens[start]
            assert isinstance(opener, _Under)
            opener.partner, opener.opens = index, True
            token.partner = start
            for stack in openers.values():  # the pair closes every opener inside it
                while stack and stack[-1] >= start:
                    stack.pop()
            continue
        if token.can_open:
            openers[token.size].append(index)
    if any(token.partner is None for token in unders):
        for token in unders:
            token.partner, token.opens = None, False


def _build(tokens: list[_Token], start: int, stop: int, depth: int) -> list[Inline]:
    if depth > MAX_INLINE_NESTING:
        raise LimitError("<text>", 0, f"emphasis nested more than {MAX_INLINE_NESTING} deep")
    out: list[Inline] = []
    index = start
    while index < stop:
        token = tokens[index]
        if not isinstance(token, (_Star, _Under)):
            out.append(token)
        elif token.opens and token.partner is not None and token.partner < stop:
            out.append(_run(token, merge_texts(_build(tokens, index + 1, token.partner, depth + 1))))
            index = token.partner + 1
            continue
        else:
            out.append(Text(("*" if isinstance(token, _Star) else "_") * token.size))  # unpaired: literal
        index += 1
    return out


def _run(delimiter: _Star | _Under, children: tuple[Inline, ...]) -> Inline:
    """The emphasis a pair of delimiters makes of what they hold."""
    if isinstance(delimiter, _Under):
        return Strong(children, marker="__") if delimiter.size == 2 else Emphasis(children, "_")
    if delimiter.size == 3:
        return Strong((Emphasis(children),))
    return Strong(children) if delimiter.size == 2 else Emphasis(children)


def merge_texts(inlines: list[Inline] | tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Join neighbouring Text runs and drop empty ones (in linear time: each run of
    texts is joined once)."""
    merged: list[Inline] = []
    texts: list[Text] = []
    for inline in inlines:
        if isinstance(inline, Text):
            if inline.text:
                texts.append(inline)
            continue
        _add_texts(merged, texts)
        merged.append(inline)
    _add_texts(merged, texts)
    return tuple(merged)


def _add_texts(merged: list[Inline], texts: list[Text]) -> None:
    """Add neighbouring texts to ``merged`` as one (the same object when there is one), and
    empty ``texts``."""
    if texts:
        merged.append(texts[0] if len(texts) == 1 else Text("".join(text.text for text in texts)))
        texts.clear()


# --------------------------------------------------------------------------
# Reading text back out


def plain_text(inlines: tuple[Inline, ...] | list[Inline], *, breaks: str = "\n") -> str:
    """The visible text of inline runs (image alt text left out)."""
    if len(inlines) == 1 and type(inlines[0]) is Text:  # most lines of an article
        return inlines[0].text
    parts: list[str] = []
    for inline in inlines:  # by exact type: the model's classes have no subclasses
        if type(inline) is Text or type(inline) is Code:
            parts.append(inline.text)
        elif type(inline) is Strong or type(inline) is Emphasis or type(inline) is Link:
            inner = inline.children
            parts.append(inner[0].text if len(inner) == 1 and type(inner[0]) is Text else plain_text(inner, breaks=breaks))
        elif type(inline) is SoftBreak or type(inline) is HardBreak:
            parts.append(breaks)
    return "".join(parts)


def flanking_chars(inlines: tuple[Inline, ...]) -> tuple[str, str]:
    """The first and last characters the runs would put in Markdown source."""
    text = plain_text(inlines)
    first = inlines[0] if inlines else None
    last = inlines[-1] if inlines else None
    head = "!" if isinstance(first, Image) else "[" if isinstance(first, Link) else text[:1]
    tail = ")" if isinstance(last, (Image, Link)) else text[-1:]
    return head, tail


__all__ = ["flanking_chars", "is_punctuation", "is_whitespace", "parse_inline", "plain_text"]
