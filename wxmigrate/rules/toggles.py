"""A block's bold read again as toggles: every ``**`` flips bold on or off.

The parser pairs ``**`` line by line and leaves what it cannot pair as text.
Two kinds of damage only read right when *all* of a block's markers are
toggled again, left to right, whatever the parser made of them:

- a converter escaped some markers and not others
  (``\\*\\*Acc **（…）、** A-Ac\\*\\*``: the escaped ones and the real run's
  edges alternate);
- a bold run was cut by a heading's end, so its markers sit in two blocks.

:func:`to_toggles` flattens runs into inlines and :class:`Mark` s (a bold
run's edges, or ``**`` left as text); :func:`from_toggles` pairs the marks
left to right and builds bold runs again.  A lone mark left over stays text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Union

import attrs

from ..chars import is_whitespace
from ..model import Inline, Strong, Text
from ..parse.inline import merge_texts, plain_text
from .inlines import first_char, last_char


@attrs.frozen
class Mark:
    """One ``**``: the edge of a bold run, or (``literal``) two asterisks shown as text."""

    literal: bool


Token = Union[Inline, Mark]

#: Exactly two asterisks: ``***011201`` and ``****`` are something else.
_LITERAL = re.compile(r"(?<!\*)\*\*(?!\*)")


def to_toggles(inlines: Sequence[Inline]) -> list[Token]:
    """Flatten bold runs into marks and split text at literal ``**``."""
    tokens: list[Token] = []
    for inline in inlines:
        if isinstance(inline, Strong):
            tokens += [Mark(False), *to_toggles(inline.children), Mark(False)]
        elif isinstance(inline, Text) and _LITERAL.search(inline.text):
            pieces = _LITERAL.split(inline.text)
            for index, piece in enumerate(pieces):
                if index:
                    tokens.append(Mark(True))
                if piece:
                    tokens.append(Text(piece))
        else:
            tokens.append(inline)
    return tokens


def marks(tokens: Sequence[Token]) -> list[int]:
    """Where the marks are."""
    return [index for index, token in enumerate(tokens) if isinstance(token, Mark)]


def from_toggles(tokens: Sequence[Token]) -> tuple[Inline, ...]:
    """Pair marks left to right into bold runs; an odd last mark stays ``**`` text."""
    where = marks(tokens)
    lone = where[-1] if len(where) % 2 else None
    out: list[Inline] = []
    run: list[Inline] | None = None
    for index, token in enumerate(tokens):
        if isinstance(token, Mark) and index != lone:
            if run is None:
                run = []
            else:
                out.append(Strong(merge_texts(run)))
                run = None
            continue
        item = Text("**") if isinstance(token, Mark) else token
        (out if run is None else run).append(item)
    return merge_texts(out)


def literal_marks_flank(tokens: Sequence[Token]) -> bool:
    """Whether every literal mark, paired left to right, touches the text it makes bold.

    ``**x**`` yes; ``**x ** y`` no where the second mark is literal: a ``**``
    with a space on its inner side was not written to open or close bold
    (``王** 说``), so reading it as bold would be a guess.  Two literal marks
    around one line's text are a pair however they are spaced
    (``——\\*\\* `code` \\*\\*。``) unless a word touches them outside
    (``张\\*\\* 与李\\*\\*``: two masked names).
    """
    where = marks(tokens)
    for opener, closer in zip(where[::2], where[1::2]):
        inside = [token for token in tokens[opener + 1 : closer] if not isinstance(token, Mark)]
        if _literal(tokens[opener]) and _literal(tokens[closer]) and _spaced_pair(tokens, opener, closer):
            continue
        head, tail = first_char(inside), last_char(inside)
        if _literal(tokens[opener]) and is_whitespace(head):
            return False
        if _literal(tokens[closer]) and is_whitespace(tail):
            return False
    return True


def _spaced_pair(tokens: Sequence[Token], opener: int, closer: int) -> bool:
    inside = [token for token in tokens[opener + 1 : closer] if not isinstance(token, Mark)]
    text = plain_text(inside)
    before = last_char([t for t in tokens[:opener] if not isinstance(t, Mark)])
    after = first_char([t for t in tokens[closer + 1 :] if not isinstance(t, Mark)])
    return bool(text.strip()) and "\n" not in text and not before.isalnum() and not after.isalnum()


def _literal(token: Token) -> bool:
    return isinstance(token, Mark) and token.literal


__all__ = ["Mark", "from_toggles", "literal_marks_flank", "marks", "to_toggles"]
