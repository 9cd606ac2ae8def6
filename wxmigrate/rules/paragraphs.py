"""Rules for paragraphs: glued images, captions, sentences cut across lines, one line per paragraph.

Exporters write each paragraph of the article on one line with no blank line
between, so CommonMark renders the whole article as one paragraph; they also
cut some sentences across lines and glue images to the text that follows.
"""

from __future__ import annotations

import re

import attrs

from ..chars import SENTENCE_END, is_cjk, is_punctuation
from ..model import (
    AccountCard,
    Block,
    Figure,
    HardBreak,
    Heading,
    Image,
    Inline,
    OriginalCard,
    Paragraph,
    Post,
    SoftBreak,
    Strong,
    Text,
    is_blank_run,
    walk_blocks,
)
from ..parse.inline import merge_texts
from .base import Change, Options, rule, short
from .features import all_of, any_of, has_blocks, has_inlines, has_joint
from .inlines import first_char, last_char, text_of
from .walk import map_sequences

#: Cards lay out an avatar next to a name on purpose: not damage.
_CARDS = (AccountCard, OriginalCard)
_CAPTION = re.compile(r"^\s*▲")
#: Punctuation that cannot start a sentence: a line starting with it was cut.
CONTINUATION_START = "，、。；：！？）》」』】”’,;:!?)…"
#: A line ending with one of these stops mid-sentence.
CONTINUES_AFTER = "，、"
#: Bold text this short is a figure inside a sentence (``**32张**``), not a lead-in.
SHORT_BOLD = 10


def _strip(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    out = list(inlines)
    if out and isinstance(out[0], Text):
        out[0] = Text(out[0].text.lstrip())
    if out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text.rstrip())
    return merge_texts(out)


@rule(applies=all_of(has_blocks(Paragraph), has_inlines(Image)))
def separate_glued_images(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Give an image glued to text (or to other images) its own block.

    ``![](a.jpeg)三月初，…`` -> ``![](a.jpeg)`` and, after a blank line, ``三月初，…``
    """
    context = options.engine.context()

    def edit(blocks: list[Block]) -> tuple[list[Block], list[Change]]:
        out: list[Block] = []
        changes: list[Change] = []
        for block in blocks:
            # ``in`` over the runs' types: one loop in C (the model's classes are never subclassed).
            if not isinstance(block, Paragraph) or Image not in map(type, block.children):
                out.append(block)
                continue
            pieces = _split_at_images(block)
            if len(pieces) == 1 and isinstance(pieces[0], Paragraph):
                out.append(block)
                continue
            out.extend(pieces)
            after = " ⏎ ".join(short(context.block(piece), 24) for piece in pieces)
            changes.append(Change("separate_glued_images", post.path, block.lines[0],
                                  short(context.block(block)), short(after)))
        return out, changes

    return map_sequences(post, edit, skip=_CARDS)


def _split_at_images(block: Paragraph) -> list[Block]:
    pieces: list[Paragraph | Figure] = []
    run: list[Inline] = []

    def flush() -> None:
        children = _strip(tuple(run))
        if children and not is_blank_run(children):
            pieces.append(Paragraph(children, block.lines, None))
        run.clear()

    for inline in block.children:
        if isinstance(inline, Image):
            flush()
            pieces.append(Figure(inline, (), block.lines, None))
        else:
            run.append(inline)
    flush()
    if pieces:
        first = pieces[0]
        pieces[0] = attrs.evolve(first, break_before=block.break_before)
    # A caption glued right after its image: ``![](a)▲说明``.
    merged: list[Block] = []
    for piece in pieces:
        previous = merged[-1] if merged else None
        if (
            isinstance(piece, Paragraph) and isinstance(previous, Figure) and not previous.caption
            and piece.children and isinstance(piece.children[0], Text) and _CAPTION.match(piece.children[0].text)
        ):
            merged[-1] = attrs.evolve(previous, caption=piece.children)
        else:
            merged.append(piece)
    return merged


@rule(applies=has_blocks(Figure))
def attach_captions(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Keep a ``▲`` caption with the image above it, on a line of its own under it.

    ``![](a.jpeg)`` then the paragraph ``▲志愿者在铺设地膜`` -> one figure with its caption;
    ``![](a.jpeg)⏎▲…`` (a plain line end, so the caption flows beside a narrow picture) ->
    ``![](a.jpeg)␣␣⏎▲…`` (a hard break: two spaces, which every engine's parser reads).
    """

    def edit(blocks: list[Block]) -> tuple[list[Block], list[Change]]:
        out: list[Block] = []
        changes: list[Change] = []
        for block in blocks:
            if isinstance(block, Figure) and block.caption and not block.caption_break:
                block = attrs.evolve(block, caption_break="  ")
                changes.append(Change("attach_captions", post.path, block.lines[0],
                                      short(text_of(block.caption)), "caption under the image (a hard break)"))
            previous = out[-1] if out else None
            if (
                isinstance(block, Paragraph) and isinstance(previous, Figure) and not previous.caption
                and block.children and isinstance(block.children[0], Text)
                and _CAPTION.match(block.children[0].text)
            ):
                out[-1] = attrs.evolve(previous, caption=block.children, lines=(previous.lines[0], block.lines[1]))
                changes.append(Change("attach_captions", post.path, block.lines[0],
                                      short(text_of(block.children)), "caption of the image above"))
            else:
                out.append(block)
        return out, changes

    return map_sequences(post, edit)


def _starts_with(inlines: tuple[Inline, ...], chars: str) -> bool:
    first = first_char(inlines)
    return bool(first) and first in chars


#: Closing quotes and brackets: a line may stop on one inside its sentence.
CLOSERS = "”’」』）)》】"
#: Opening quotes and brackets: a line stopping on one was cut.
OPENERS = "“‘「『（(《【"
#: Punctuation that shows a line is running prose, not a title (titles have none of it).
PROSE = "，；。！？,;!?"


def _bold_lead(block: Block | None) -> Strong | None:
    """The short bold run a line of a paragraph opens with (``**32张**、…``, ``**一是**…``)."""
    if not isinstance(block, Paragraph) or not block.children:
        return None
    lead = block.children[0]
    if isinstance(lead, Strong) and len(text_of(lead.children)) <= SHORT_BOLD and text_of(lead.children).strip():
        return lead
    return None


def _siblings(upper: Block | None, lower: Block | None) -> bool:
    """Whether two lines, one under the other, open with leads of one form: parallel
    leads (``**一是**…⏎**二是**…``, ``**突出“快”，**…⏎**突出“深”，**…``), not a figure
    cut off its sentence.  Figures (``**32张**``) hold digits and are never taken for leads,
    nor are the same words twice."""
    lead, other = _bold_lead(upper), _bold_lead(lower)
    if lead is None or other is None or not isinstance(upper, Paragraph) or not isinstance(lower, Paragraph):
        return False
    if lower.break_before is None:
        return False  # a paragraph of its own: not a line of the same list
    end = last_char(upper.children)
    if end in OPENERS or end in CONTINUES_AFTER:
        return False  # the upper line runs on into the lower one
    first, second = text_of(lead.children).strip(), text_of(other.children).strip()
    if any(char.isdigit() for char in first + second):
        return False
    if [c for c in first if c.isalnum()] == [c for c in second if c.isalnum()]:
        return False  # the same words twice (a quoted term) are not two leads of a list
    after, other_after = first_char(upper.children[1:]), first_char(lower.children[1:])
    if first[0] in OPENERS or second[0] in OPENERS or after in CLOSERS or other_after in CLOSERS:
        return False  # a quoted term (``**“快查快打**”``), not a lead
    if is_punctuation(after) or is_punctuation(other_after):
        return after == other_after  # ``**突出“快”**，…`` over ``**突出“深”**，…``
    if is_punctuation(first[-1]) or is_punctuation(second[-1]):
        return first[-1] == second[-1]  # ``**突出“快”，**…`` over ``**突出“深”，**…``
    return first[0] == second[0] or first[-1] == second[-1]  # ``**一是**…`` over ``**二是**…``


def _is_cut(above: Paragraph, below: Paragraph, following: Block | None = None) -> bool:
    """Whether ``below`` continues a sentence that ``above`` left unfinished.

    ``following`` is the block after ``below``: a bold lead that has a sibling
    on the next line is one of a list of leads, not the rest of a sentence.
    """
    if below.break_before is None or not below.children:
        return False
    lead = below.children[0]
    if isinstance(lead, Text) and lead.text[:1] in tuple(CONTINUATION_START):
        return True
    end = last_char(above.children)
    if end and end in CONTINUES_AFTER and isinstance(above.children[-1], Text):
        return True
    bold = _bold_lead(below)
    if bold is not None and (_siblings(below, following) or _siblings(above, below)):
        return False
    # A short bold run cut off the sentence it belongs to (``已冻结资金⏎**1860万**余元``):
    # the line above stops mid-sentence, neither ending a sentence nor introducing what
    # follows (``——``, ``：``).  It is running prose, or the bold run goes on with
    # punctuation that cannot start a sentence (``开展活动⏎**1户**。``).
    if bold is None or len(below.children) == 1 or not isinstance(above.children[-1], Text):
        return False  # a line that is only bold is a subheading, not the rest of a sentence
    if not _stops_mid_sentence(above.children[-1].text):
        return False
    if not (is_cjk(end) or is_cjk(text_of(bold.children)[:1])):
        return False  # Latin words would need a space between them: not ours to guess
    return any(char in PROSE for char in text_of(above.children)) or _starts_with(
        below.children[1:], CONTINUATION_START
    )


def _stops_mid_sentence(text: str) -> bool:
    """Whether a line's text stops inside a sentence: on a letter or digit, an opening
    quote or bracket, or a closing one that does not close a finished sentence (``…高。）``).
    Not on ``——`` or ``：``, which introduce what follows."""
    body = text.rstrip(CLOSERS)
    if not body or body[-1].isspace():
        return False
    if body != text:
        return body[-1] not in SENTENCE_END + "."
    return body[-1].isalnum() or body[-1] in OPENERS


#: A bold title longer than this, cut at a comma, may be verse or a list of slogans.
TITLE_MAX = 40


def _lone_bold(block: Block | None) -> str | None:
    """The text of a paragraph line that is one bold run and nothing else."""
    if isinstance(block, Paragraph) and len(block.children) == 1 and isinstance(block.children[0], Strong):
        return text_of(block.children[0].children)
    return None


@rule(applies=all_of(has_inlines(Strong), has_joint(lambda joint: joint == "")))
def join_bold_title_cut_at_comma(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Join a bold title the exporter broke over two lines at a comma into one bold line.

    ``**“早一天下种”春耕行动，**⏎**守护农户“粮袋”**`` -> ``**“早一天下种”春耕行动，守护农户“粮袋”**``
    (only lines that are each one bold run, the first ending with ``，`` or ``、`` inside it,
    the second not ending a sentence, on the very next line, short enough for a title).
    """

    def edit(blocks: list[Block]) -> tuple[list[Block], list[Change]]:
        out: list[Block] = []
        changes: list[Change] = []
        for block in blocks:
            above = out[-1] if out else None
            head, tail = _lone_bold(above), _lone_bold(block)
            if (
                head is not None and tail is not None
                and isinstance(above, Paragraph) and isinstance(block, Paragraph)
                and block.break_before == ""
                and head.rstrip()[-1:] in CONTINUES_AFTER
                and tail.strip() and tail.rstrip()[-1:] not in SENTENCE_END
                and len(head.strip() + tail.strip()) <= TITLE_MAX
            ):
                first, second = above.children[0], block.children[0]
                assert isinstance(first, Strong) and isinstance(second, Strong)
                title = Strong(_strip(merge_texts([*first.children, *second.children])))
                out[-1] = Paragraph((title,), (above.lines[0], block.lines[1]), above.break_before)
                changes.append(Change("join_bold_title_cut_at_comma", post.path, block.lines[0],
                                      short(head + "⏎" + tail), short(text_of(title.children))))
            else:
                out.append(block)
        return out, changes

    return map_sequences(post, edit, skip=_CARDS)


@rule(applies=has_joint(lambda joint: True))
def join_cut_sentences(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Join the pieces of a sentence the exporter cut across lines, without a space.

    ``手机卡⏎**32张**、银行卡`` -> ``手机卡**32张**、银行卡``, and ``已冻结资金⏎**1860万**余元``
    -> ``已冻结资金**1860万**余元``: a short bold run under a line of running prose that
    stops mid-sentence, whatever follows the bold run.  A line starting with ``，`` or
    following one that ends with ``，``/``、`` is joined too.  Parallel bold leads
    (``**一是**…⏎**二是**…``) and the line that introduces them (``…攻势——``) stay apart.
    """

    def join_once(blocks: list[Block], changes: list[Change]) -> list[Block]:
        out: list[Block] = []
        for index, block in enumerate(blocks):
            above = out[-1] if out else None
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if isinstance(block, Paragraph) and isinstance(above, Paragraph) and _is_cut(above, block, following):
                joined = merge_texts([*above.children, *block.children])
                out[-1] = Paragraph(joined, (above.lines[0], block.lines[1]), above.break_before)
                changes.append(Change("join_cut_sentences", post.path, block.lines[0],
                                      short(text_of(above.children)[-12:] + "⏎" + text_of(block.children)[:12]),
                                      short(text_of(above.children)[-12:] + text_of(block.children)[:12])))
            else:
                out.append(block)
        return out

    def edit(blocks: list[Block]) -> tuple[list[Block], list[Change]]:
        # A joined line may now continue the line above it (``甲⏎**一是**⏎：乙``): join until none is left.
        changes: list[Change] = []
        while True:
            count = len(changes)
            blocks = join_once(blocks, changes)
            if len(changes) == count:
                return blocks, changes

    return map_sequences(post, edit, skip=_CARDS)


def _split_at_breaks(block: Paragraph, kind: type) -> list[Paragraph]:
    """A paragraph cut at each line end of ``kind`` it holds at its top level (where a
    rule moved the end of a bold run out of it); each piece records how it was joined.
    A paragraph with no such line end whose runs are merged already is its one piece (the
    very block, not an equal copy: the runner need not look at it again)."""
    if not any(isinstance(inline, kind) for inline in block.children):
        if not block.children:
            return []
        if merge_texts(block.children) == block.children:
            return [block]
    pieces: list[Paragraph] = []
    run: list[Inline] = []
    joint = block.break_before
    for inline in block.children:
        if isinstance(inline, kind):
            pieces.append(Paragraph(merge_texts(run), block.lines, joint))
            run, joint = [], getattr(inline, "markup", "")
        else:
            run.append(inline)
    pieces.append(Paragraph(merge_texts(run), block.lines, joint))
    return [piece for piece in pieces if piece.children]


@rule(applies=any_of(has_inlines(SoftBreak), has_joint(lambda joint: joint == "")))
def split_line_paragraphs(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Make each exported line its own paragraph (a blank line between), so the
    article no longer renders as one paragraph.

    ``第一段⏎第二段`` -> ``第一段⏎⏎第二段``.  Hard breaks (two trailing spaces) are kept,
    and the lines of an account or original-source card become hard breaks: the
    card stays one block, as WeChat shows it.
    """

    def edit(blocks: list[Block]) -> tuple[list[Block], list[Change]]:
        out: list[Block] = []
        changes: list[Change] = []
        run: list[int] = []
        for block in blocks:
            pieces = _split_at_breaks(block, SoftBreak) if isinstance(block, Paragraph) else [block]
            if len(pieces) > 1:
                run.extend([block.lines[0]] * (len(pieces) - 1))
            for piece in pieces:
                if isinstance(piece, (Paragraph, Figure, Heading)) and piece.break_before == "":
                    out.append(attrs.evolve(piece, break_before=None))
                    run.append(piece.lines[0])
                    continue
                if piece is pieces[0] and len(pieces) == 1:
                    _report(run, post.path, changes)
                out.append(piece)
        _report(run, post.path, changes)
        return out, changes

    post, changes = map_sequences(post, edit, skip=_CARDS)
    cards, card_changes = _card_lines_to_hard_breaks(post)
    return cards, changes + card_changes


def _card_lines_to_hard_breaks(post: Post) -> tuple[Post, list[Change]]:
    changes: list[Change] = []
    blocks: list[Block] = []
    for block in post.blocks:
        if isinstance(block, _CARDS):
            children = tuple(
                attrs.evolve(child, break_before=None if index == 0 else "  ")
                if isinstance(child, (Paragraph, Figure)) and child.break_before == "" else child
                for index, child in enumerate(block.children)
            )
            if children != block.children:
                changes.append(Change("split_line_paragraphs", post.path, block.lines[0],
                                      "card lines run into one line", "one line each (hard breaks)"))
                block = attrs.evolve(block, children=children)
        blocks.append(block)
    return (attrs.evolve(post, blocks=tuple(blocks)) if changes else post), changes


def _report(run: list[int], path: str, changes: list[Change]) -> None:
    if run:
        lines = f"line {run[0]}" if len(run) == 1 else f"lines {run[0]}-{run[-1]}"
        changes.append(Change("split_line_paragraphs", path, run[0],
                              f"{lines}: {len(run)} line(s) run into the paragraph above",
                              f"{len(run)} separate paragraph(s)"))
        run.clear()


#: What may end a line that ends its sentence (a line ending otherwise was cut).
_ENDS_SENTENCE = SENTENCE_END + "”’」』）)》】:：.…"


def _hard_joints(post: Post) -> tuple[int, int]:
    """(hard breaks, all line joints) among the post's blocks."""
    joints = [b.break_before for b in walk_blocks(post.blocks)
              if isinstance(b, (Paragraph, Figure, Heading)) and b.break_before is not None]
    return sum(1 for joint in joints if joint), len(joints)


def _glue(left: str, right: str) -> str:
    """What joins two pieces of a cut sentence: a space between Latin words, else nothing."""
    return " " if left.isascii() and right.isascii() and left.isalnum() and right.isalnum() else ""


@rule(applies=has_joint(lambda joint: joint != ""))
def join_hard_wrapped_lines(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Undo a two-space hard break on every line: join a sentence cut mid-line, and give
    each line that ends its sentence a paragraph of its own.

    ``尝试爆破，发现  ⏎waf拦截。  ⏎换个思路。`` -> ``尝试爆破，发现waf拦截。⏎⏎换个思路。``
    (only in feed archives, and in posts where most line ends are hard breaks: the exporter's
    habit, not the author's).
    """
    hard, joints = _hard_joints(post)
    if not hard or (post.dialect != "markdownify-feed" and (joints < 3 or hard < 0.6 * joints)):
        return post, []

    def edit(blocks: list[Block]) -> tuple[list[Block], list[Change]]:
        out: list[Block] = []
        changes: list[Change] = []
        pieces = [p for b in blocks for p in (_split_at_breaks(b, HardBreak) if isinstance(b, Paragraph) else [b])]
        for block in pieces:
            above = out[-1] if out else None
            joint = getattr(block, "break_before", None)
            if not joint:
                out.append(block)
                continue
            end = last_char(above.children) if isinstance(above, Paragraph) else ""
            if isinstance(block, Paragraph) and isinstance(above, Paragraph) and end and end not in _ENDS_SENTENCE \
                    and not (len(above.children) == 1 and isinstance(above.children[0], Strong)):
                glue = _glue(end, first_char(block.children))
                joined = merge_texts([*above.children, Text(glue), *block.children])
                out[-1] = Paragraph(joined, (above.lines[0], block.lines[1]), above.break_before)
                changes.append(Change("join_hard_wrapped_lines", post.path, block.lines[0],
                                      short(text_of(above.children)[-12:] + "⏎" + text_of(block.children)[:12]),
                                      short(text_of(above.children)[-12:] + glue + text_of(block.children)[:12])))
            else:
                assert isinstance(block, (Paragraph, Figure, Heading))  # the blocks with a joint
                out.append(attrs.evolve(block, break_before=None))
                changes.append(Change("join_hard_wrapped_lines", post.path, block.lines[0],
                                      "line after a hard break", "a paragraph of its own"))
        return out, changes

    return map_sequences(post, edit, skip=_CARDS)
