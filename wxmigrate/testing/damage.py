"""Damage injectors: do to a clean post what WeChat exporters do, one named pattern at a time.

Each injector takes a clean :class:`~wxmigrate.testing.drafts.Draft` and
damages it where the exporters do, choosing the places with Hypothesis (so
failures shrink to one damaged place).  It returns None when the post has no
place for its damage (no image to split, no repost note to get wrong).

Every pattern here is one the repair rules know (:data:`REPAIRED_BY` names
the rules), and each is injected only where the damaged text still holds
what repair needs to undo it exactly; where that is not always so, the
injector's docstring says which places it leaves alone and why.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType
from typing import TypeVar

import attrs
from hypothesis import strategies as st

from ..chars import is_cjk, is_punctuation, is_whitespace
from .drafts import ARTICLE_TEXT, BLANK, GLUED, HARD, LINE, Draft, Piece, Run
from .samples import DamagedPost, GeneratedPost
from .strategies import merge_runs, posts
from .validation import InvalidArgument, check_names, check_strategy

#: An injector: a draw function and a clean draft -> the damaged draft, or None when there is no place.
Injector = Callable[[st.DrawFn, Draft], "Draft | None"]

# The injectors keep their own lists (the CJK part of what the rules accept), so
# that a change to the rules' lists is caught by the properties, not followed.

#: Punctuation that cannot start a sentence (a line starting with one was cut).
CONTINUATION_START = "，、。；：！？）》」』】”’"
#: A line ending with one of these stops mid-sentence.
CONTINUES_AFTER = "，、"
#: Sentence ends: a line ending with one is a whole sentence.
SENTENCE_END = "。！？；"
#: Bold text this short, cut onto the next line, reads as a figure inside the sentence.
SHORT_BOLD = 10
#: Punctuation of running prose: a line with none of it may be a title.
PROSE = "，；。！？"
#: Quotes and brackets: a sentence may stop on an opening one, or on a closing one not after its end.
OPENING, CLOSING_MARKS = "“‘「『（《【", "”’」』）》】"
#: Closing quotes and brackets a garbled bold run leaves outside.
CLOSING = "”’」』》）"

_T = TypeVar("_T")


def _chosen(draw: st.DrawFn, places: list[_T]) -> list[_T]:
    """Some of ``places`` (at least one), in their order, shrinking towards the first alone."""
    indexes = draw(st.lists(st.integers(0, len(places) - 1), min_size=1, max_size=len(places), unique=True))
    return [places[index] for index in sorted(indexes)]


def _edit_pieces(draft: Draft, indexes: list[int], edit: Callable[[Piece], Piece]) -> Draft:
    pieces = list(draft.pieces)
    for index in indexes:
        pieces[index] = edit(pieces[index])
    return attrs.evolve(draft, pieces=tuple(pieces))


def _is_export_image(run: Run, draft: Draft) -> bool:
    return run.kind == "image" and run.text.startswith(f"{draft.date}{draft.title}/")


def _image_pieces(draft: Draft) -> list[int]:
    return [index for index, piece in enumerate(draft.pieces) if any(_is_export_image(r, draft) for r in piece.runs)]


def _edit_export_images(draft: Draft, indexes: list[int], edit: Callable[[str], str]) -> Draft:
    def fix(piece: Piece) -> Piece:
        runs = tuple(Run(edit(run.text), "image") if _is_export_image(run, draft) else run for run in piece.runs)
        return attrs.evolve(piece, runs=runs)

    return _edit_pieces(draft, indexes, fix)


def _under_bare_card(draft: Draft, index: int) -> bool:
    """Whether piece ``index`` is the line right under an original-source card's first
    line, the card having no avatar line: there an image followed by bold text reads
    as the avatar line (``![](avatar)**name**``)."""
    return index > 0 and draft.pieces[index - 1].kind == "original"


# --------------------------------------------------------------------------
# Image paths


def backslash_image_paths(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Write Windows backslashes in export-folder image paths (``folder\\\\photo01.jpeg``)."""
    indexes = _image_pieces(draft)
    if not indexes:
        return None
    slashes = draw(st.sampled_from(("\\", "\\\\")))
    return _edit_export_images(draft, _chosen(draw, indexes), lambda src: src.replace("/", slashes))


def split_image_paths(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Split export-folder image paths over lines, inside the folder name, as exporters wrap them."""
    indexes = _image_pieces(draft)
    if not indexes:
        return None
    folder = len(draft.date) + len(draft.title)
    cuts = sorted(set(draw(st.lists(st.integers(len(draft.date), folder - 1), min_size=1, max_size=2))))

    def split(src: str) -> str:
        for cut in reversed(cuts):
            src = src[:cut] + "\n" + src[cut:]
        return src

    return _edit_export_images(draft, _chosen(draw, indexes), split)


# --------------------------------------------------------------------------
# Bold


def _bold_runs(draft: Draft, test: Callable[[tuple[Run, ...], int], bool]) -> list[tuple[int, int]]:
    """``(piece, run)`` of every bold run of the article's text that passes ``test``."""
    return [
        (index, position)
        for index, piece in enumerate(draft.pieces)
        if piece.kind in ARTICLE_TEXT
        for position, run in enumerate(piece.runs)
        if run.kind == "bold" and test(piece.runs, position)
    ]


#: A place of a run: ``(piece index, run position)``.
Place = tuple[int, int]


def _edit_runs(draft: Draft, places: list[Place], edit: Callable[[list[Run], Place], None]) -> Draft:
    """Edit the runs of each place in place, last place first so earlier positions stay valid."""
    pieces = list(draft.pieces)
    for index, position in sorted(places, reverse=True):
        runs = list(pieces[index].runs)
        edit(runs, (index, position))
        pieces[index] = attrs.evolve(pieces[index], runs=tuple(runs))
    return attrs.evolve(draft, pieces=tuple(pieces))


def adjacent_bold(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Cut a bold run into touching bold runs: ``**南宁****反诈****中心**``."""
    places = _bold_runs(draft, lambda runs, i: len(runs[i].text) >= 2)
    if not places:
        return None
    chosen = _chosen(draw, places)
    cuts = {
        place: sorted(draw(st.sets(st.integers(1, len(draft.pieces[place[0]].runs[place[1]].text) - 1),
                                   min_size=1, max_size=2)))
        for place in chosen
    }

    def cut(runs: list[Run], place: Place) -> None:
        text, bounds = runs[place[1]].text, [0, *cuts[place], len(runs[place[1]].text)]
        runs[place[1] : place[1] + 1] = [Run(text[a:b], "bold") for a, b in itertools.pairwise(bounds)]

    return _edit_runs(draft, chosen, cut)


def _rewrite_bold(
    draw: st.DrawFn, draft: Draft, test: Callable[[tuple[Run, ...], int], bool], markers: str
) -> Draft | None:
    """Write some of the bold runs that pass ``test`` as raw text between ``markers``."""
    places = _bold_runs(draft, test)
    if not places:
        return None

    def rewrite(runs: list[Run], place: Place) -> None:
        runs[place[1]] = Run(f"{markers}{runs[place[1]].text}{markers}", "raw")

    return _edit_runs(draft, _chosen(draw, places), rewrite)


def escaped_bold(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Escape a bold run's markers, as clippers do: ``**守护农户**`` -> ``\\*\\*守护农户\\*\\*``.

    Only runs with no space at their edges and no markup beside them.
    """

    def escapable(runs: tuple[Run, ...], position: int) -> bool:
        text = runs[position].text
        neighbours = runs[max(position - 1, 0) : position] + runs[position + 1 : position + 2]
        return bool(text) and text == text.strip() and all(run.kind == "plain" for run in neighbours)

    return _rewrite_bold(draw, draft, escapable, "\\*\\*")


def doubled_bold(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Double the markers of a line's only bold run, as exporters write a ``<strong>``
    nested in another: ``**守护农户**`` -> ``****守护农户****``.

    Only on lines with no other bold run and no other asterisk: there the toggle
    reading (two empty runs) and the spacing reading (a nested run) disagree, and
    the parser must take the spacing.
    """

    def alone(runs: tuple[Run, ...], position: int) -> bool:
        others = runs[:position] + runs[position + 1 :]
        return bool(runs[position].text.strip()) and not any(run.kind == "bold" or "*" in run.text for run in others)

    return _rewrite_bold(draw, draft, alone, "****")


def _after(runs: tuple[Run, ...] | list[Run], position: int) -> str:
    """The character after run ``position`` on its line ("" at the line's end)."""
    following = runs[position + 1] if position + 1 < len(runs) else None
    if following is None or following.text.startswith("\n"):
        return ""
    return "*" if following.kind == "bold" else following.text[:1]


def garbled_bold(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Leave a bold run's closing quote outside it: ``**守护农户“饭碗”**`` -> ``**守护农户“饭碗**”``.

    Only where the quote opened inside the run and is followed by the line's
    end, a space or punctuation: elsewhere taking it back in would stop the
    run rendering as bold, so the rule (rightly) leaves it, and the garbled
    form is not damage a reader sees.
    """

    def garbled(runs: tuple[Run, ...], position: int) -> bool:
        text = runs[position].text
        after = _after(runs, position)
        return (
            len(text) >= 2 and text[-1] in CLOSING and (is_whitespace(after) or is_punctuation(after))
            and after != "*"
        )

    places = _bold_runs(draft, garbled)
    if not places:
        return None

    def garble(runs: list[Run], place: Place) -> None:
        position = place[1]
        text = runs[position].text
        runs[position : position + 1] = [Run(text[:-1], "bold"), Run(text[-1])]
        runs[:] = merge_runs(runs)

    return _edit_runs(draft, _chosen(draw, places), garble)


def punctuation_in_bold(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Take the punctuation next to a bold run into it, where that stops it rendering as bold.

    ``是“**快查快打**”有效`` -> ``是**“快查快打”**有效``; ``**一是**，先请`` -> ``**一是，**先请``.
    Only punctuation with a letter on its other side is taken in: next to a
    space or a line end the bold still renders, so it is not damage.
    """

    def before(runs: tuple[Run, ...] | list[Run], position: int) -> bool:
        previous = runs[position - 1] if position else None
        if previous is None or previous.kind != "plain" or len(previous.text) < 2:
            return False
        mark, letter = previous.text[-1], previous.text[-2]
        return is_punctuation(mark) and not is_whitespace(letter) and not is_punctuation(letter)

    def after(runs: tuple[Run, ...] | list[Run], position: int) -> bool:
        following = runs[position + 1] if position + 1 < len(runs) else None
        return (
            following is not None and following.kind == "plain" and len(following.text) >= 2
            and is_punctuation(following.text[0])
            and not is_whitespace(following.text[1]) and not is_punctuation(following.text[1])
        )

    places = _bold_runs(draft, lambda runs, i: before(runs, i) or after(runs, i))
    if not places:
        return None
    chosen = _chosen(draw, places)
    sides = {place: draw(st.sampled_from(("before", "after", "both"))) for place in chosen}

    def take_in(runs: list[Run], place: Place) -> None:
        position, side = place[1], sides[place]
        text = runs[position].text
        if side != "before" and after(runs, position):
            following = runs[position + 1]
            text += following.text[0]
            runs[position + 1] = Run(following.text[1:])
        if side != "after" and before(runs, position):
            previous = runs[position - 1]
            text = previous.text[-1] + text
            runs[position - 1] = Run(previous.text[:-1])
        runs[position] = Run(text, "bold")

    return _edit_runs(draft, chosen, take_in)


def stray_bold(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Leave empty bold markers: ``****`` inside a line or after an image, ``****`` or ``**⏎**`` on lines of their own.

    Own-line markers only go between two blocks of the article: between the
    lines of a card they would hide the card from the parser.
    """
    inline = [
        (index, position)
        for index, piece in enumerate(draft.pieces)
        if piece.kind in ARTICLE_TEXT | {"figure"}
        for position in range(len(piece.runs) + 1)
    ]
    own_line = [
        index
        for index in range(1, len(draft.pieces))
        if draft.joints[index - 1] == BLANK
        and draft.pieces[index - 1].kind in _ARTICLE
        and draft.pieces[index].kind in _ARTICLE | {"provenance", "credits", "rule"}
    ]
    kind = draw(st.sampled_from(("inline", "own_line")))
    if kind == "own_line" and own_line:
        index = draw(st.sampled_from(own_line))
        marker = draw(st.sampled_from(("****", "**\n**")))
        return draft.replace(index, Piece("stray", (Run(marker, "raw"),)), draft.pieces[index], joints=(BLANK,))
    if not inline:
        return None
    place = draw(st.sampled_from(inline))
    return _edit_runs(draft, [place], lambda runs, at: runs.insert(at[1], Run("****", "raw")))


#: Blocks of the article itself (not cards, not end matter).
_ARTICLE = frozenset({"paragraph", "subheading", "heading", "figure", "caption"})


# --------------------------------------------------------------------------
# Lines


def _cuts(runs: tuple[Run, ...]) -> list[tuple[int, int]]:
    """``(run, offset)`` places where a line may be cut so that repair joins it back.

    Before punctuation that cannot start a sentence, after ``，`` or ``、``, or
    before a short bold figure when the text before it neither ends a sentence nor
    introduces what follows, and is running prose (``，已搬运化肥⏎**300袋**``) or the
    figure goes on with such punctuation (``搬运化肥⏎**300袋**、``).
    """
    places: list[tuple[int, int]] = []
    for position, run in enumerate(runs):
        if run.kind == "plain":
            for offset in range(1, len(run.text)):
                before, after = run.text[offset - 1], run.text[offset]
                if is_whitespace(before) or is_whitespace(after):
                    continue
                if after in CONTINUATION_START or before in CONTINUES_AFTER:
                    places.append((position, offset))
            if position and run.text[:1] in CONTINUATION_START and runs[position - 1].kind != "raw":
                places.append((position, 0))
        elif run.kind == "bold" and position and len(run.text) <= SHORT_BOLD:
            previous, following = runs[position - 1], runs[position + 1] if position + 1 < len(runs) else None
            text_before = "".join(earlier.text for earlier in runs[:position])
            goes_on = following is not None and following.kind == "plain" and following.text[:1] in CONTINUATION_START
            if (
                previous.kind == "plain" and _mid_sentence(previous.text)
                and following is not None
                and (is_cjk(previous.text[-1]) or is_cjk(run.text[:1]))
                and (goes_on or any(char in PROSE for char in text_before))
            ):
                places.append((position, 0))
    return places


def _mid_sentence(text: str) -> bool:
    """Whether text stops inside a sentence (on a letter or digit, an opening quote, or a
    closing quote that does not follow a sentence end), not on ``——`` or ``：``."""
    body = text.rstrip(CLOSING_MARKS)
    if not body or is_whitespace(body[-1]):
        return False
    if body != text:
        return body[-1] not in SENTENCE_END
    return body[-1].isalnum() or body[-1] in OPENING


def cut_sentences(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Cut sentences across lines where exporters do: ``…搬运化肥⏎**300袋**、地膜…``, ``…一是⏎，先请…``."""
    places = [
        (index, cut)
        for index, piece in enumerate(draft.pieces)
        if piece.kind == "paragraph"
        for cut in _cuts(piece.runs)
    ]
    if not places:
        return None
    chosen = _chosen(draw, places)
    pieces = list(draft.pieces)
    for index, (position, offset) in sorted(chosen, reverse=True):
        runs = list(pieces[index].runs)
        run = runs[position]
        if offset:
            runs[position : position + 1] = [Run(run.text[:offset]), Run("\n", "raw"), Run(run.text[offset:])]
        else:
            runs.insert(position, Run("\n", "raw"))
        pieces[index] = attrs.evolve(pieces[index], runs=tuple(runs))
    return attrs.evolve(draft, pieces=tuple(pieces))


# --------------------------------------------------------------------------
# Headings


def unspaced_headings(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Drop the space after a heading's ``#``: ``## 活动安排`` -> ``##活动安排``."""
    indexes = [index for index, piece in enumerate(draft.pieces) if piece.kind == "heading"]
    if not indexes:
        return None

    def unspace(piece: Piece) -> Piece:
        marks, _, text = piece.runs[0].text.partition(" ")
        return attrs.evolve(piece, runs=(Run(marks + text),))

    return _edit_pieces(draft, _chosen(draw, indexes), unspace)


def title_heading(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Add the H1 that repeats the title at the top, usually without its space: ``#春耕时节…``.

    Repair drops it (engines print the title from the front matter), so the
    repaired post equals the clean one; with ``keep_title_heading=True`` it
    stays, spaced, and only the blocks after it compare equal.
    """
    marks = draw(st.sampled_from(("#", "# ")))
    heading = Piece("title_heading", (Run(marks + draft.title),))
    at = 1 if draft.pieces and draft.pieces[0].kind == "repost" else 0
    if at >= len(draft.pieces):
        if not draft.pieces:
            return attrs.evolve(draft, pieces=(heading,), joints=())
        return attrs.evolve(draft, pieces=(*draft.pieces, heading), joints=(*draft.joints, BLANK))
    joint = BLANK if _unspaced_heading(draft.pieces[at]) else draw(st.sampled_from((LINE, BLANK)))
    return draft.replace(at, heading, draft.pieces[at], joints=(joint,))


def _unspaced_heading(piece: Piece) -> bool:
    """A heading line written without the space after its ``#``."""
    return piece.kind in ("heading", "title_heading") and not piece.markdown().lstrip("#").startswith(" ")


# --------------------------------------------------------------------------
# Joints between lines


def _joints(draft: Draft, test: Callable[[Piece, Piece, str], bool]) -> list[int]:
    return [
        index
        for index, joint in enumerate(draft.joints)
        if test(draft.pieces[index], draft.pieces[index + 1], joint)
    ]


def _set_joints(draw: st.DrawFn, draft: Draft, candidates: list[int], joint: str) -> Draft | None:
    if not candidates:
        return None
    for index in _chosen(draw, candidates):
        draft = draft.with_joint(index, joint)
    return draft


def detached_captions(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Put a blank line between an image and its ``▲`` caption."""
    captions = _joints(draft, lambda _, below, joint: below.kind == "caption" and joint == HARD)
    return _set_joints(draw, draft, captions, BLANK)


def captions_beside_images(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Join a ``▲`` caption to its image with a plain line end, so that it flows beside a
    narrow picture instead of under it."""
    captions = _joints(draft, lambda _, below, joint: below.kind == "caption" and joint == HARD)
    return _set_joints(draw, draft, captions, LINE)


def glued_images(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Glue an image to what follows it: ``![](a.jpeg)三月初，…``, ``![](a)![](b)``, ``![](a)▲说明``.

    Not the first line under an original-source card without its avatar line:
    there an image followed by bold text *is* how the avatar line looks
    (``![](avatar)**name**``), so the parser rightly reads it as the card's.
    """

    def gluable(index: int) -> bool:
        above, below, joint = draft.pieces[index], draft.pieces[index + 1], draft.joints[index]
        if above.kind != "figure" or _under_bare_card(draft, index):
            return False
        if below.kind == "caption":
            return joint == HARD
        return joint == BLANK and below.kind in ("paragraph", "subheading", "figure")

    return _set_joints(draw, draft, [index for index in range(len(draft.joints)) if gluable(index)], GLUED)


def squashed_paragraphs(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Join blocks (and a card's lines) with a plain line end, as exporters write paragraphs.

    Not after the repost note (an HTML block runs on to the next blank line),
    not before a caption (already right under its image), not before a
    heading written without its space (the parser reads ``#…`` as a heading
    only where a paragraph starts: inside one it is text), and not between an
    original-source card's avatar line and an article paragraph: the line
    right under the avatar line *is* the card's intro, so the paragraph would
    rightly become it.
    """

    def squashable(above: Piece, below: Piece, joint: str) -> bool:
        return (
            joint in (BLANK, HARD) and above.kind != "repost" and below.kind != "caption"
            and not _unspaced_heading(below)
            and (above.kind != "avatar" or below.kind == "original_intro")
        )

    candidates = _joints(draft, squashable)
    everywhere = draw(st.booleans())
    if candidates and everywhere:
        for index in candidates:  # the whole post, as most exporters do
            draft = draft.with_joint(index, LINE)
        return draft
    return _set_joints(draw, draft, candidates, LINE)


# --------------------------------------------------------------------------
# Metadata


def truncated_title(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Cut the front matter's title short (``title: 春耕时节``).

    Only in posts that still hold the full title elsewhere (the title heading
    or an export-folder image path): without one it is lost, and no repair
    can bring back what the post no longer says.
    """
    has_heading = draft.find("title_heading") is not None
    if len(draft.title) < 3 or not (has_heading or _image_pieces(draft)):
        return None
    length = draw(st.integers(2, len(draft.title) - 1))
    return attrs.evolve(draft, written_title=draft.title[:length])


def wrong_repost_note(draw: st.DrawFn, draft: Draft) -> Draft | None:
    """Name a fragment of the title in the repost note instead of the account (``转载：田间地头``).

    Only in posts with an account card: the card is where the parser finds
    the account the note should have named.
    """
    repost = draft.find("repost")
    if repost is None or draft.find("account") is None or draft.account is None:
        return None
    title = draft.title
    fragments = sorted(
        {title[start:end] for start in range(len(title)) for end in range(start + 2, min(start + 6, len(title)) + 1)}
        - {draft.account}
    )
    if not fragments:
        return None
    fragment = draw(st.sampled_from(fragments))
    html = repost.runs[0].text.replace(f"转载：{draft.account}", f"转载：{fragment}", 1)
    return draft.replace(draft.pieces.index(repost), Piece("repost", (Run(html, "raw"),)))


#: Every damage pattern, in the order they are applied, with its injector.
INJECTORS: Mapping[str, Injector] = MappingProxyType(
    {
        "backslash_image_paths": backslash_image_paths,
        "split_image_paths": split_image_paths,
        "garbled_bold": garbled_bold,
        "punctuation_in_bold": punctuation_in_bold,
        "adjacent_bold": adjacent_bold,
        "escaped_bold": escaped_bold,
        "cut_sentences": cut_sentences,
        "stray_bold": stray_bold,
        "unspaced_headings": unspaced_headings,
        "title_heading": title_heading,
        "detached_captions": detached_captions,
        "captions_beside_images": captions_beside_images,
        "glued_images": glued_images,
        "squashed_paragraphs": squashed_paragraphs,
        "truncated_title": truncated_title,
        "wrong_repost_note": wrong_repost_note,
        "doubled_bold": doubled_bold,
    }
)

#: The names of the damage patterns :func:`damaged_posts` can inject.
PATTERNS: tuple[str, ...] = tuple(INJECTORS)

#: The repair rules that undo each pattern (with the default options).
REPAIRED_BY: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "backslash_image_paths": ("replace_backslashes_in_image_path",),
        "split_image_paths": ("join_split_image_path",),
        "adjacent_bold": ("merge_adjacent_bold",),
        "escaped_bold": ("restore_escaped_bold",),
        "garbled_bold": ("balance_quotes_in_bold",),
        "punctuation_in_bold": ("fit_bold_to_cjk_punctuation",),
        "cut_sentences": ("join_cut_sentences",),
        # After a stray ``****`` goes, an image line is an image again, and its caption its own.
        "stray_bold": ("drop_stray_bold_markers", "separate_glued_images", "attach_captions"),
        "unspaced_headings": ("space_after_heading_marks",),
        "title_heading": ("space_after_heading_marks", "drop_repeated_title_heading", "split_line_paragraphs"),
        "detached_captions": ("attach_captions",),
        "captions_beside_images": ("attach_captions",),
        "glued_images": ("separate_glued_images", "attach_captions"),
        "squashed_paragraphs": ("split_line_paragraphs",),
        "truncated_title": ("write_back_full_title",),
        "wrong_repost_note": ("write_back_repost_account",),
        "doubled_bold": ("flatten_nested_bold",),
    }
)


@st.composite
def _damaged(draw: st.DrawFn, clean: st.SearchStrategy[GeneratedPost], patterns: tuple[str, ...] | None) -> DamagedPost:
    sample = draw(clean)
    if not isinstance(sample, GeneratedPost):
        raise InvalidArgument(
            f"damaged_posts(clean=...): drew a {type(sample).__name__}, expected a GeneratedPost "
            "(a strategy made from posts())"
        )
    # Each pattern on or off by itself: half of them on average, shrinking towards none.
    wanted = set(patterns) if patterns is not None else {name for name in PATTERNS if draw(st.booleans())}
    draft: Draft = sample._draft
    applied: list[str] = []
    for name in PATTERNS:
        damaged = INJECTORS[name](draw, draft) if name in wanted else None
        if damaged is not None and damaged.markdown() != draft.markdown():
            draft = damaged
            applied.append(name)
    return DamagedPost(draft.markdown(), sample, tuple(applied))


def damaged_posts(
    *,
    patterns: Collection[str] | None = None,
    clean: st.SearchStrategy[GeneratedPost] | None = None,
) -> st.SearchStrategy[DamagedPost]:
    """Posts damaged the way WeChat exporters damage them, each with the clean post it came from.

    ``patterns`` names the damage to inject (see :data:`PATTERNS`); each one is
    applied wherever the post gives it a place (one place or several, chosen
    by Hypothesis).  By default every example draws its own subset of all the
    patterns, each pattern in it with even odds.  ``clean`` is the strategy of clean posts to damage
    (default :func:`~wxmigrate.testing.posts`).  ``DamagedPost.patterns`` says
    which patterns found a place and were applied.
    """
    chosen = None if patterns is None else check_names("damaged_posts", "patterns", patterns, PATTERNS)
    source = posts() if clean is None else check_strategy("damaged_posts", "clean", clean)
    return _damaged(source, chosen)


__all__ = ["INJECTORS", "PATTERNS", "REPAIRED_BY", "damaged_posts"]
