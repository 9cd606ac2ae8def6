"""What the post strategies generate: a clean post and what it holds, or a damaged one and its clean original.

Both print one source line per line (as Python string literals that join
back into the text), so a failing example in a Hypothesis report reads like
the post it is.
"""

from __future__ import annotations

from typing import Any

from attrs import field, frozen

from .drafts import Draft


def _text_lines(text: str, indent: str) -> str:
    """``text`` as adjacent string literals, one source line each, in parentheses."""
    lines = text.splitlines(keepends=True) or [""]
    inner = "".join(f"\n{indent}    {line!r}" for line in lines)
    return f"({inner}\n{indent})"


class _ShownAsRepr:
    """Hypothesis's pretty printer shows these as their repr (one source line per line)."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@frozen(repr=False)
class GeneratedPost(_ShownAsRepr):
    """A realistic clean post: its Markdown and what it is known to hold.

    "Clean" means in the shape :func:`wxmigrate.repair` leaves a post in: one
    block per paragraph with blank lines between, the full title in the front
    matter, a repost note naming the reposting account, bold runs that
    CommonMark reads as bold.  Repairing it changes nothing.
    """

    #: The post's Markdown, front matter included.
    text: str
    #: The full title (the front matter's ``title``).
    title: str
    #: The reposting account named by the repost note and the account card, if any.
    account: str | None
    #: The account of the original-source card, if any.
    original: str | None
    #: Every image source, in the order the post shows them (avatar and QR code included).
    images: tuple[str, ...]
    _draft: Draft = field(eq=False, alias="draft")

    def __repr__(self) -> str:
        return self._show("")

    def _show(self, indent: str) -> str:
        return (
            f"GeneratedPost(title={self.title!r}, account={self.account!r}, original={self.original!r},"
            f"\n{indent}    images={self.images!r},"
            f"\n{indent}    text={_text_lines(self.text, indent + '    ')})"
        )


@frozen(repr=False)
class DamagedPost(_ShownAsRepr):
    """A post as an exporter damaged it, with the clean post it was made from."""

    #: The damaged Markdown.
    text: str
    #: The clean post the damage was done to.
    clean: GeneratedPost
    #: The damage patterns that found a place in this post and were applied, in
    #: :data:`~wxmigrate.testing.PATTERNS` order (a pattern with no place is left out).
    patterns: tuple[str, ...]

    def __repr__(self) -> str:
        return (
            f"DamagedPost(patterns={self.patterns!r},"
            f"\n    text={_text_lines(self.text, '    ')},"
            f"\n    clean={self.clean._show('    ')})"
        )
