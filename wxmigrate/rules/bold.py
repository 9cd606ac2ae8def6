"""Rules for bold runs: stray markers, adjacent runs, garbled quotes, CJK punctuation.

Exporters write ``**`` around every HTML ``<strong>``, including empty ones,
so posts hold ``****``, ``**⏎**`` and ``**a****b**``.  And CommonMark only
reads ``**`` as bold when it "flanks" the text, which fails next to CJK
punctuation: ``是**“快查快打”**有效`` shows its asterisks.  These rules
leave bold that every strict engine renders.
"""

from __future__ import annotations

import re

import attrs

from ..chars import PAIRS, left_flanking, right_flanking
from ..model import Block, Emphasis, Heading, Inline, Link, Paragraph, Post, Strong, Text
from ..parse.inline import merge_texts
from .base import Change, Options, rule, short
from .inlines import first_char, last_char, text_of
from .walk import edit_inlines, map_leaves


@rule()
def drop_stray_bold_markers(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Remove bold markers around nothing (``****``, ``**⏎**``) or around images only.

    ``![](a.gif)****`` -> ``![](a.gif)``; a line holding only ``**`` / ``**`` goes;
    ``**![](a.gif)**`` -> ``![](a.gif)`` (bold cannot make a picture bolder).
    """

    def edit(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for inline in inlines:
            if isinstance(inline, Strong) and not text_of(inline.children).strip():
                out.extend(inline.children)
            else:
                out.append(inline)
        return merge_texts(out) if len(out) != len(inlines) or out != list(inlines) else inlines

    return edit_inlines(post, options, "drop_stray_bold_markers", edit)


_LEADING_MARKER = re.compile(r"^\*\*(?:\s+|$)")
_TRAILING_MARKER = re.compile(r"(?:^|\s+)\*\*$")


def _trim_markers(children: tuple[Inline, ...]) -> tuple[Inline, ...]:
    out = list(children)
    if out and isinstance(out[0], Text):
        out[0] = Text(_LEADING_MARKER.sub("", out[0].text))
    if out and isinstance(out[-1], Text):
        out[-1] = Text(_TRAILING_MARKER.sub("", out[-1].text))
    return merge_texts(out)


@rule()
def drop_dangling_bold_markers(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Remove a lone ``**`` left at the start or end of a paragraph or heading,
    where the exporter cut a bold run across paragraphs.

    ``#### **04.** **`` -> ``#### **04.**``; a paragraph holding only ``**`` goes.
    """
    context = options.engine.context()

    def edit(block: Block) -> tuple[list[Block], list[Change]]:
        if not isinstance(block, (Paragraph, Heading)):
            return [block], []
        children = _trim_markers(block.children)
        if children == block.children:
            return [block], []
        change = Change("drop_dangling_bold_markers", post.path, block.lines[0], short(context.block(block)), "")
        if not children and isinstance(block, Paragraph):
            return [], [change]
        new = attrs.evolve(block, children=children)
        return [new], [attrs.evolve(change, after=short(context.block(new)))]

    return map_leaves(post, edit)


def merge_touching_runs(inlines: tuple[Inline, ...] | list[Inline]) -> tuple[Inline, ...]:
    """Merge touching bold runs, and touching italic runs with the same marker, all the way down."""
    out: list[Inline] = []
    for inline in inlines:
        previous = out[-1] if out else None
        if isinstance(inline, Strong) and isinstance(previous, Strong):
            out[-1] = Strong(merge_touching_runs([*previous.children, *inline.children]))
        elif isinstance(inline, Emphasis) and isinstance(previous, Emphasis) and previous.marker == inline.marker:
            out[-1] = Emphasis(merge_touching_runs([*previous.children, *inline.children]), inline.marker)
        else:
            out.append(inline)
    return merge_texts(out)


@rule()
def merge_adjacent_bold(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Merge bold runs that touch into one run (and italic runs that touch).

    ``**南宁****反诈****中心**`` -> ``**南宁反诈中心**``; ``***01******.***`` -> ``***01.***``
    """

    def edit(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        merged = merge_touching_runs(inlines)
        return inlines if merged == inlines else merged

    return edit_inlines(post, options, "merge_adjacent_bold", edit)


def _open_quote(text: str) -> str | None:
    """The closing quote a text still waits for, if it opened one it did not close."""
    waiting: list[str] = []
    for char in text:
        if char in PAIRS and PAIRS[char] != char:
            waiting.append(PAIRS[char])
        elif waiting and char == waiting[-1]:
            waiting.pop()
    return waiting[-1] if waiting else None


@rule()
def balance_quotes_in_bold(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Take the closing quote that a garbled bold run left outside back into it.

    ``**守护市民“钱袋**”`` -> ``**守护市民“钱袋”**`` (only where it still renders as bold).
    """

    def edit(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out = list(inlines)
        changed = False
        for index in range(len(out) - 1):
            strong, following = out[index], out[index + 1]
            if not (isinstance(strong, Strong) and isinstance(following, Text)):
                continue
            closing = _open_quote(text_of(strong.children))
            if closing is None or not following.text.startswith(closing):
                continue
            after = following.text[len(closing) : len(closing) + 1] or first_char(out[index + 2 :])
            if not right_flanking(closing, after):
                continue  # moving it in would stop the run rendering as bold
            out[index] = Strong(merge_texts([*strong.children, Text(closing)]))
            out[index + 1] = Text(following.text[len(closing) :])
            changed = True
        return merge_texts(out) if changed else inlines

    return edit_inlines(post, options, "balance_quotes_in_bold", edit)


def _split_head(inline: Inline) -> tuple[Inline | None, Inline | None]:
    """Split off the first character (or the whole run, when it is not text)."""
    if isinstance(inline, Text) and len(inline.text) > 1:
        return Text(inline.text[0]), Text(inline.text[1:])
    if isinstance(inline, Link):
        return Link((Strong(inline.children),), inline.href, inline.title), None
    return inline, None


def _split_tail(inline: Inline) -> tuple[Inline | None, Inline | None]:
    """Split off the last character (or the whole run); returns (rest, tail)."""
    if isinstance(inline, Text) and len(inline.text) > 1:
        return Text(inline.text[:-1]), Text(inline.text[-1])
    if isinstance(inline, Link):
        return None, Link((Strong(inline.children),), inline.href, inline.title)
    return None, inline


def fit_strong(before: str, strong: Strong, after: str) -> list[Inline]:
    """Move characters out of a bold run until CommonMark reads its markers as bold."""
    children = list(strong.children)
    lead: list[Inline] = []
    while children and not left_flanking(last_char(lead) or before, first_char(children)):
        head, rest = _split_head(children[0])
        assert head is not None
        lead.append(head)
        children[:1] = [rest] if rest is not None else []
    trail: list[Inline] = []
    # An opening quote moved out takes its closing quote along: “**快查快打**”, not “**快查快打”**.
    opened = "".join(i.text for i in lead if isinstance(i, Text))
    closers = {PAIRS[char] for char in opened if char in PAIRS}
    while children and last_char(children) in closers and isinstance(children[-1], Text):
        rest, tail = _split_tail(children[-1])
        assert tail is not None
        trail.insert(0, tail)
        children[-1:] = [rest] if rest is not None else []
    while children and not right_flanking(last_char(children), first_char(trail) or after):
        rest, tail = _split_tail(children[-1])
        assert tail is not None
        trail.insert(0, tail)
        children[-1:] = [rest] if rest is not None else []
    if not children:
        return [*lead, *trail]
    return [*lead, Strong(merge_texts(children)), *trail]


@rule()
def fit_bold_to_cjk_punctuation(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Move punctuation and spaces at a bold run's edges outside it, so strict engines render it.

    ``是**“快查快打”**有效`` -> ``是“**快查快打**”有效``
    """

    def edit(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        changed = False
        for index, inline in enumerate(inlines):
            if not isinstance(inline, Strong):
                out.append(inline)
                continue
            fitted = fit_strong(last_char(out), inline, first_char(inlines[index + 1 :]))
            if fitted != [inline]:
                changed = True
            out.extend(fitted)
        return merge_texts(out) if changed else inlines

    return edit_inlines(post, options, "fit_bold_to_cjk_punctuation", edit)


__all__ = [
    "balance_quotes_in_bold",
    "drop_stray_bold_markers",
    "fit_bold_to_cjk_punctuation",
    "fit_strong",
    "merge_adjacent_bold",
]



_LITERAL_BOLD = re.compile(r"(?<!\*)\*\*(?=[^\s*])([^*\n]*?)\*\*(?!\*)")
#: ``** **``: a bold run whose math or emoji the converter dropped.
_LITERAL_EMPTY = re.compile(r"(?<!\*)\*\*( +)\*\*(?!\*)")
_LITERAL_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]*?[\u3400-\u9fff][^*\n]*?[^\s*]|[\u3400-\u9fff])\*(?![*\w])")


def _restore(text: str) -> list[Inline]:
    """Split a text run at literal ``**x**`` / ``*图：x*`` pairs, making them bold / italic."""
    out: list[Inline] = []
    position = 0
    pattern = re.compile(f"{_LITERAL_BOLD.pattern}|{_LITERAL_ITALIC.pattern}|{_LITERAL_EMPTY.pattern}")
    for match in pattern.finditer(text):
        out.append(Text(text[position : match.start()]))
        if match.group(1) is not None:
            out.append(Strong((Text(match.group(1)),)))
        elif match.group(2) is not None:
            out.append(Emphasis((Text(match.group(2)),)))
        else:
            out.append(Text(match.group(3)))
        position = match.end()
    out.append(Text(text[position:]))
    return out


@rule()
def restore_escaped_bold(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Make bold (and CJK italic) out of asterisks a converter escaped but the author meant as markup.

    ``\\*\\*训练了新模型\\*\\*：`` -> ``**训练了新模型**：``; ``\\*图：架构\\*`` -> ``*图：架构*``.
    Unpaired asterisks (``王**``, ``***011201``) stay as they are.
    """

    def edit(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for inline in inlines:
            out.extend(_restore(inline.text) if isinstance(inline, Text) and "*" in inline.text else [inline])
        merged = merge_texts(out)
        return inlines if merged == merge_texts(list(inlines)) else merged

    return edit_inlines(post, options, "restore_escaped_bold", edit)
