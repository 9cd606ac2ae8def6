"""Where the repost note, the cards, provenance and credits go: front matter and/or the body.

WeChat posts carry parts that are not the article: the repost note (raw HTML
in exports), the reposting account's card, the original-source card, the
provenance line and the editorial credits.  Each engine's users expect them
in a different place, so :func:`place` moves them as asked:

``keep``
    where the source has them (the repost note stays raw HTML: Jekyll's kramdown
    shows it; Hugo would drop it).
``body``
    rendered as Markdown in the body, no raw HTML: the repost note becomes a
    block quote ``> 转载：X`` / ``> 来源：Y``.

Wherever the cards stay in the body (``keep``, ``body``, ``both``) their lines
read as WeChat (and the HTML output) shows them, as the rule ``tidy_cards`` lays
them out with :func:`tidy_card`: the
account's name once, not as ``[X]`` and again as ``**X**``; a colon between
each label and its value (``微信号：x``, ``功能介绍：…``); no full stop after the
source account's bold name.
``front``
    front-matter fields only (:data:`FIELDS`), removed from the body.
``both``
    front-matter fields, and rendered in the body as with ``body``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import ConfigError
from ..model import (
    AccountCard,
    Block,
    Credits,
    OriginalCard,
    Paragraph,
    Post,
    Provenance,
    Quote,
    Repost,
    Strong,
    Text,
)
from ..parse.inline import merge_texts, plain_text
from ..parse.structure import block_text

PLACEMENTS = ("keep", "body", "front", "both")

#: The front-matter fields, under the engine's ``wechat`` key (documented in docs/engines.md).
FIELDS: Mapping[str, tuple[str, ...]] = {
    "repost": ("via", "channel"),
    "account": ("name", "wechat_id", "intro"),
    "original": ("name", "author", "avatar", "intro"),
    "provenance": ("name", "kind"),
    "credits": ("<role>",),
}

_PARTS = (Repost, AccountCard, OriginalCard, Provenance, Credits)


def wechat_fields(post: Post) -> dict[str, Any]:
    """The parts the post holds, as front-matter fields (empty values left out)."""
    fields: dict[str, Any] = {}
    if (repost := post.repost) is not None:
        fields["repost"] = {"via": repost.via, "channel": repost.channel}
    if (account := post.account) is not None:
        fields["account"] = {
            "name": account.name,
            "wechat_id": account.wechat_id,
            "intro": account.intro,
        }
    if (original := post.original) is not None:
        fields["original"] = {
            "name": original.name,
            "author": original.author,
            "avatar": original.avatar,
            "intro": original.intro,
        }
    if (provenance := post.provenance) is not None:
        fields["provenance"] = {"name": provenance.name, "kind": provenance.kind}
    if (credits := post.credits) is not None and credits.roles:
        fields["credits"] = dict(credits.roles)
    return {
        part: {key: value for key, value in values.items() if value}
        for part, values in fields.items()
        if any(values.values())
    }


def repost_quote(repost: Repost) -> Quote:
    """The repost note as a Markdown block quote: ``> 转载：VIA`` and ``> 来源：CHANNEL`` lines."""
    lines: list[Block] = []
    if repost.via:
        lines.append(Paragraph((Text("转载：" + repost.via),)))
    if repost.channel:
        lines.append(
            Paragraph((Text("来源：" + repost.channel),), break_before="  " if lines else None)
        )
    if not lines:
        lines.append(Paragraph((Text("转载"),)))
    return Quote(tuple(lines), lines=repost.lines)


#: A card's label run into its value by the exporter (``微信号nanhu2020``): WeChat lays them apart.
_GLUED_LABEL = re.compile(r"^(微信号|功能介绍)(?=[^\s:：])")
_BRACKETED = re.compile(r"^\[(.+)\]$")
_INTRO = re.compile(r"^功能介绍")


def _bold_text(block: Block) -> str | None:
    """The text of a line that is one bold run and nothing else."""
    if isinstance(block, Paragraph) and len(block.children) == 1 and isinstance(block.children[0], Strong):
        return plain_text(block.children[0].children, breaks="").strip()
    return None


def _labelled(block: Block) -> Block:
    """``微信号x`` -> ``微信号：x``, ``功能介绍…`` -> ``功能介绍：…``."""
    if not isinstance(block, Paragraph) or not block.children or not isinstance(block.children[0], Text):
        return block
    first = block.children[0]
    text = _GLUED_LABEL.sub(r"\1：", first.text, count=1)
    return block if text == first.text else attrs.evolve(block, children=(Text(text), *block.children[1:]))


def _without_full_stop(block: Block, name: str) -> Block:
    """``![](avatar)**X**.`` -> ``![](avatar)**X**``: the full stop is the exporter's."""
    if not isinstance(block, Paragraph) or len(block.children) < 2:
        return block
    *head, strong, stop = block.children
    if not (isinstance(strong, Strong) and isinstance(stop, Text) and stop.text.strip() == "."):
        return block
    if plain_text(strong.children, breaks="").strip() != name:
        return block
    return attrs.evolve(block, children=merge_texts([*head, strong]))


def tidy_card(card: AccountCard | OriginalCard) -> AccountCard | OriginalCard:
    """The card with its lines as WeChat shows them (fields and line joints unchanged).

    The account's ``[X]`` line goes when ``**X**`` says the same name and the card keeps its
    ``功能介绍`` line (what tells a card from a contact notice when it is read again).
    """
    children = list(card.children)
    if isinstance(card, AccountCard):
        names = [index for index, child in enumerate(children) if _bold_text(child) == card.name]
        bracket = next(
            (
                index for index, child in enumerate(children)
                if isinstance(child, Paragraph) and (found := _BRACKETED.match(block_text(child)))
                and found.group(1).strip() == card.name
            ),
            None,
        )
        has_intro = any(isinstance(child, Paragraph) and _INTRO.match(block_text(child)) for child in children)
        if bracket is not None and names and has_intro:
            dropped = children.pop(bracket)
            following = children[bracket] if bracket < len(children) else None
            if isinstance(dropped, Paragraph) and isinstance(following, Paragraph):
                # The next line takes the dropped line's joint (a card's first line has none).
                children[bracket] = attrs.evolve(following, break_before=dropped.break_before)
        children = [_labelled(child) for child in children]
    else:
        children = [_without_full_stop(child, card.name) for child in children]
    if all(new is old for new, old in zip(children, card.children)) and len(children) == len(card.children):
        return card
    return attrs.evolve(card, children=tuple(children))


def _in_body(block: Block) -> Block:
    """A part as it is written in the body: the repost note a quote (the cards are tidied by
    the rule ``tidy_cards``)."""
    if isinstance(block, Repost):
        return repost_quote(block)
    return block


def place(post: Post, placement: str) -> tuple[Post, dict[str, Any]]:
    """The post with its parts placed as ``placement`` says, and the front-matter fields to add
    (none for a post no exporter wrote: what reads like a part there stays as written)."""
    if placement not in PLACEMENTS:
        raise ConfigError(
            f"unknown metadata placement {placement!r}; expected one of: {', '.join(PLACEMENTS)}"
        )
    if post.generic:
        return post, {}  # no exporter wrote it: a line such as ``（来源：新华社）`` is the author's
    fields = wechat_fields(post) if placement in ("front", "both") else {}
    blocks: tuple[Block, ...]
    if placement == "front":
        blocks = tuple(block for block in post.blocks if not isinstance(block, _PARTS))
    elif placement == "keep":
        blocks = post.blocks
    else:
        blocks = tuple(_in_body(block) for block in post.blocks)
    if blocks == post.blocks:
        return post, fields
    return attrs.evolve(post, blocks=blocks), fields


def merge_fields(existing: Any, found: Mapping[str, Any]) -> dict[str, Any]:
    """Fields already in the front matter, updated with the parts found now.

    Nothing is ever removed: a second run finds no repost note once it became
    a quote, or reads a card with fewer lines, and must keep what the first
    run wrote.
    """
    merged = dict(existing) if isinstance(existing, Mapping) else {}
    for part, values in found.items():
        before = merged.get(part)
        merged[part] = {**before, **values} if isinstance(before, Mapping) else dict(values)
    return merged


__all__ = ["FIELDS", "PLACEMENTS", "merge_fields", "place", "repost_quote", "tidy_card", "wechat_fields"]
