"""Where the repost note, the cards, provenance and credits go: front matter and/or the body.

WeChat posts carry parts that are not the article: the repost note (raw HTML
in exports), the reposting account's card, the original-source card, the
provenance line and the editorial credits.  Each engine's users expect them
in a different place, so :func:`place` moves them as asked:

``keep``
    as the source has them (the repost note stays raw HTML: Jekyll's kramdown
    shows it; Hugo would drop it).
``body``
    rendered as Markdown in the body, no raw HTML: the repost note becomes a
    block quote ``> 转载：X`` / ``> 来源：Y``.
``front``
    front-matter fields only (:data:`FIELDS`), removed from the body.
``both``
    front-matter fields, and rendered in the body as with ``body``.
"""

from __future__ import annotations

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
    Text,
)

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


def place(post: Post, placement: str) -> tuple[Post, dict[str, Any]]:
    """The post with its parts placed as ``placement`` says, and the front-matter fields to add."""
    if placement not in PLACEMENTS:
        raise ConfigError(
            f"unknown metadata placement {placement!r}; expected one of: {', '.join(PLACEMENTS)}"
        )
    if placement == "keep":
        return post, {}
    fields = wechat_fields(post) if placement in ("front", "both") else {}
    blocks: tuple[Block, ...]
    if placement == "front":
        blocks = tuple(block for block in post.blocks if not isinstance(block, _PARTS))
    else:
        blocks = tuple(
            repost_quote(block) if isinstance(block, Repost) else block for block in post.blocks
        )
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


__all__ = ["FIELDS", "PLACEMENTS", "merge_fields", "place", "repost_quote", "wechat_fields"]
