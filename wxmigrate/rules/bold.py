"""Rules for bold runs: stray markers, adjacent runs, garbled quotes, CJK punctuation.

Exporters write ``**`` around every HTML ``<strong>``, including empty ones,
so posts hold ``****``, ``**⏎**`` and ``**a****b**``.  And CommonMark only
reads ``**`` as bold when it "flanks" the text, which fails next to CJK
punctuation: ``是**“快查快打”**有效`` shows its asterisks.  These rules
leave bold that every strict engine renders.
"""

from __future__ import annotations

import re
from functools import lru_cache

import attrs

from ..chars import PAIRS, SENTENCE_END, is_punctuation, is_whitespace, left_flanking, right_flanking
from ..model import (
    Block,
    Emphasis,
    Heading,
    Inline,
    Link,
    Paragraph,
    Post,
    Strong,
    Text,
    is_blank_run,
    walk_inlines,
)
from ..parse.inline import merge_texts, plain_text
from .base import Change, Options, rule, short
from .features import (
    all_of,
    any_of,
    has_blocks,
    has_inlines,
    has_split_text,
    has_strong,
    has_touching_runs,
    text_has,
)
from .inlines import first_char, last_char, text_of
from .toggles import Mark, from_toggles, marks, to_toggles
from .walk import edit_inlines, map_leaves, map_sequences


#: Exactly two asterisks (``***`` and ``****`` are something else).
_LONE_MARKER = re.compile(r"(?<!\*)\*\*(?!\*)")


def _blank(inline: Inline) -> bool:
    """An empty bold run (``****``, ``** **``) or white space between runs."""
    if isinstance(inline, Strong):
        return is_blank_run(inline.children) and all(isinstance(child, Text) for child in inline.children)
    return isinstance(inline, Text) and not inline.text.strip()


def _lone_markers(inlines: tuple[Inline, ...]) -> int:
    return sum(len(_LONE_MARKER.findall(inline.text)) for inline in inlines if isinstance(inline, Text))


def _close_across_empty_runs(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """``**甲**``, empty runs, ``乙**`` (the line's only ``**`` left as text) -> ``**甲 乙**``."""
    if _lone_markers(inlines) != 1:
        return inlines
    for start, strong in enumerate(inlines):
        if not isinstance(strong, Strong) or is_blank_run(strong.children):
            continue
        end = start + 1
        while end < len(inlines) and _blank(inlines[end]):
            end += 1
        between = inlines[start + 1 : end]
        if not any(isinstance(inline, Strong) for inline in between) or end == len(inlines):
            continue  # no empty run: nothing says the exporter garbled this run
        words = inlines[end]
        marker = _LONE_MARKER.search(words.text) if isinstance(words, Text) else None
        if marker is None or not isinstance(words, Text):
            continue
        phrase, rest = words.text[: marker.start()], words.text[marker.end() :]
        if not phrase.strip() or phrase[-1].isspace() or any(char in SENTENCE_END for char in phrase):
            continue  # ``**`` after a space, or past a sentence's end, closes nothing here
        gap = "".join(text_of((inline,)) for inline in between)
        run = Strong(merge_texts([*strong.children, Text(gap), Text(phrase)]))
        return merge_texts([*inlines[:start], run, Text(rest), *inlines[end + 1 :]])
    return inlines


@rule(applies=all_of(has_inlines(Strong), text_has("**")), per_block=True)
def close_bold_across_empty_runs(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Close a bold run over the words that empty runs cut it from, at the lone ``**`` after them.

    ``**价值99的******** **蓝牙音箱** 哦！`` -> ``**价值99的 蓝牙音箱** 哦！`` (the exporter's empty
    ``<strong>`` runs shifted the markers: read as toggles, the words would be plain and their
    closing ``**`` shown as text).  Only where that ``**`` is the block's only one left as text.
    """
    return edit_inlines(post, options, "close_bold_across_empty_runs", _close_across_empty_runs, nested=False)


@rule(applies=has_strong(lambda strong: not text_of(strong.children).strip()), per_block=True)
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
    tokens = to_toggles(merge_texts(out))
    where = marks(tokens)
    if len(where) == 1 and where[0] in (0, len(tokens) - 1):
        # The block's only ``**``, opening at its start or closing at its end,
        # with words on its inner side (``/**`` opens a code comment, not bold).
        rest = tokens[1:] if where[0] == 0 else tokens[:-1]
        if any(char.isalnum() for char in plain_text([t for t in rest if not isinstance(t, Mark)])):
            return from_toggles(rest)
    return merge_texts(out)


@rule(applies=any_of(text_has("**"), has_split_text), per_block=True)
def drop_dangling_bold_markers(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Remove a lone ``**`` left at the start or end of a paragraph or heading,
    where the exporter cut a bold run across paragraphs.

    ``#### **04.** **`` -> ``#### **04.**``; ``**注册需要手机号。`` (the block's
    only marker) -> ``注册需要手机号。``; a paragraph holding only ``**`` goes.
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


@rule(applies=all_of(has_blocks(Heading), has_blocks(Paragraph), text_has("**")))
def close_bold_cut_by_heading(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Close a bold run that a heading opened and the next paragraph's first ``**`` closed.

    A heading cannot span lines, so the exporter's ``<strong>`` around a
    heading's end and its next line lands in two blocks:
    ``#### **讲述：张三⏎** **来源：某书**`` -> ``#### **讲述：张三**`` then ``**来源：某书**``.
    """
    context = options.engine.context()

    def edit(blocks: list[Block]) -> tuple[list[Block], list[Change]]:
        out = list(blocks)
        changes: list[Change] = []
        for index in range(len(out) - 1):
            heading, following = out[index], out[index + 1]
            if not (isinstance(heading, Heading) and isinstance(following, Paragraph)):
                continue
            head, tail = to_toggles(heading.children), to_toggles(following.children)
            first = next((i for i, t in enumerate(tail) if not (isinstance(t, Text) and not t.text.strip())), None)
            if len(marks(head)) % 2 == 0 or len(marks(tail)) % 2 == 0 or not isinstance(tail[first or 0], Mark):
                continue
            closed = from_toggles([*head, Mark(False)])
            if not isinstance(closed[-1], Strong) or is_blank_run(closed[-1].children):
                continue
            assert first is not None
            out[index] = attrs.evolve(heading, children=closed)
            out[index + 1] = attrs.evolve(following, children=from_toggles(tail[:first] + tail[first + 1 :]))
            before = short(context.block(heading) + "⏎" + context.block(following))
            after = short(context.block(out[index]) + "⏎" + context.block(out[index + 1]))
            changes.append(Change("close_bold_cut_by_heading", post.path, heading.lines[0], before, after))
        return out, changes

    return map_sequences(post, edit)


def _nests(strong: Strong) -> bool:
    """Whether a bold run holds another (the nesting ``flatten_nested_bold`` undoes)."""
    return any(isinstance(child, Strong) for child in strong.children)


def _nests_deep(strong: Strong) -> bool:
    """Whether a bold run holds another at any depth (a pre-test: looser than :func:`_nests`)."""
    return any(isinstance(inline, Strong) for inline in walk_inlines(strong.children))


def _unnest(inlines: tuple[Inline, ...], inside: bool) -> list[Inline]:
    out: list[Inline] = []
    for inline in inlines:
        if not isinstance(inline, Strong):
            out.append(inline)
        elif inside:
            out.extend(_unnest(inline.children, True))
        else:
            out.append(Strong(merge_texts(_unnest(inline.children, True))))
    return out


@rule(applies=any_of(has_strong(_nests_deep), has_split_text), per_block=True)
def flatten_nested_bold(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Make bold inside bold part of the outer run (exporters nest ``<strong>``).

    ``**如果转载， **文末** 请注明**`` -> ``**如果转载， 文末 请注明**``
    """

    def edit(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        flat = merge_texts(_unnest(inlines, False))
        return inlines if flat == inlines else flat

    return edit_inlines(post, options, "flatten_nested_bold", edit, nested=False)


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


@rule(applies=any_of(has_touching_runs, has_split_text), per_block=True)
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
    if _OPENING.search(text) is None:  # most bold runs open no quote: none is waiting
        return None
    return _waiting_quote(text)


def _waiting_quote(text: str) -> str | None:
    """:func:`_open_quote` read character by character, without its shortcut."""
    waiting: list[str] = []
    for char in text:
        if char in PAIRS and PAIRS[char] != char:
            waiting.append(PAIRS[char])
        elif waiting and char == waiting[-1]:
            waiting.pop()
    return waiting[-1] if waiting else None


#: A character that opens a quote or bracket (one :func:`_open_quote` then waits to see closed).
_OPENING = re.compile("[" + re.escape("".join(opening for opening, closing in PAIRS.items() if opening != closing)) + "]")


@rule(applies=has_strong(lambda strong: _open_quote(text_of(strong.children)) is not None), per_block=True)
def balance_quotes_in_bold(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Take the closing quote that a garbled bold run left outside back into it.

    ``**守护市民“钱袋**”`` -> ``**守护市民“钱袋”**`` (only where it still renders as bold).
    """

    def edit(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out = list(inlines)
        changed = False
        for index in range(len(out) - 1):
            strong, following = out[index], out[index + 1]
            if not (isinstance(strong, Strong) and isinstance(following, Text)) or _nests(strong):
                continue  # nested runs are flatten_nested_bold's first
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


def _may_not_flank(strong: Strong) -> bool:
    """Whether a bold run's markers may fail to flank it (a pre-test of :func:`fit_strong`):
    its first or last character is white space, punctuation, or missing.  Other markers open
    and close the run whatever stands beside it."""
    return _loose_edge(first_char(strong.children)) or _loose_edge(last_char(strong.children))


@lru_cache(maxsize=4096)
def _loose_edge(char: str) -> bool:
    """Whether a bold marker beside this edge character of the run (``""``: none) may fail
    to flank it: white space, punctuation, or nothing.  Cached: a post's edge characters
    are few and repeat, and each test asks ``unicodedata``."""
    return is_whitespace(char) or is_punctuation(char)


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


def _moves_only_wide_punctuation(fitted: list[Inline]) -> bool:
    """Whether fitting moved nothing out of the run but punctuation beyond ASCII (CJK's)."""
    moved = text_of(tuple(inline for inline in fitted if not isinstance(inline, Strong)))
    return bool(moved) and all(ord(char) > 0x7F and is_punctuation(char) for char in moved)


@rule(generic=True, applies=any_of(has_strong(_may_not_flank), has_split_text), per_block=True)
def fit_bold_to_cjk_punctuation(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Move punctuation and spaces at a bold run's edges outside it, so strict engines render it.

    ``是**“快查快打”**有效`` -> ``是“**快查快打**”有效``.  In a post no exporter wrote, only
    punctuation beyond ASCII (CJK's quotes, commas, brackets) is moved: CommonMark shows such a
    run's asterisks, which no author means; ``** spaced **`` there is left as written.
    """

    def edit(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        changed = False
        for index, inline in enumerate(inlines):
            if not isinstance(inline, Strong) or _nests(inline):
                out.append(inline)
                continue
            following = map(inlines.__getitem__, range(index + 1, len(inlines)))  # no copy per run
            fitted = fit_strong(last_char(out), inline, first_char(following))
            if post.generic and fitted != [inline] and not _moves_only_wide_punctuation(fitted):
                fitted = [inline]
            if fitted != [inline]:
                changed = True
            out.extend(fitted)
        return merge_texts(out) if changed else inlines

    return edit_inlines(post, options, "fit_bold_to_cjk_punctuation", edit)


__all__ = [
    "balance_quotes_in_bold",
    "close_bold_across_empty_runs",
    "close_bold_cut_by_heading",
    "drop_dangling_bold_markers",
    "drop_stray_bold_markers",
    "fit_bold_to_cjk_punctuation",
    "fit_strong",
    "flatten_nested_bold",
    "merge_adjacent_bold",
]
