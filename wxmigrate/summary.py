"""The post model as plain data (for ``wxmigrate inspect --json``) and as a readable summary."""

from __future__ import annotations

import re
from typing import Any

from .model import (
    AccountCard,
    Block,
    CodeBlock,
    Credits,
    Cruft,
    Figure,
    Footer,
    Heading,
    HtmlBlock,
    ListBlock,
    OriginalCard,
    Paragraph,
    Post,
    Provenance,
    Quote,
    RawBlock,
    Repost,
    Rule,
    images,
)
from .read import iso_date

BLOCK_TYPES: dict[type, str] = {
    Heading: "heading",
    Paragraph: "paragraph",
    Figure: "figure",
    Rule: "rule",
    CodeBlock: "code",
    HtmlBlock: "html",
    RawBlock: "raw",
    ListBlock: "list",
    Quote: "quote",
    Repost: "repost",
    AccountCard: "account",
    OriginalCard: "original",
    Provenance: "provenance",
    Credits: "credits",
    Cruft: "cruft",
    Footer: "footer",
}


def block_type(block: Block) -> str:
    """The name ``inspect --json`` gives a block's type."""
    return BLOCK_TYPES.get(type(block), type(block).__name__.lower())


def tags(value: Any) -> list[str]:
    """Front-matter tags as a list of strings (a comma- or space-separated string is split)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(tag) for tag in value if tag is not None]
    return [tag for tag in re.split(r"[,，\s]+", str(value)) if tag]


def to_data(post: Post) -> dict[str, Any]:
    """Everything ``inspect --json`` prints about a post."""
    account, repost, original = post.account, post.repost, post.original
    provenance, credits = post.provenance, post.credits
    return {
        "path": post.path,
        "title": post.title,
        "date": post.meta.date or iso_date(post.front_matter.get("date")),
        "tags": tags(post.front_matter.get("tags")),
        "author": post.meta.author,
        "original_url": post.meta.original_url,
        "dialect": post.dialect,
        "account": (
            {"name": post.meta.account, "wechat_id": None, "intro": None} if post.meta.account else None
        )
        if account is None
        else {"name": account.name, "wechat_id": account.wechat_id, "intro": account.intro},
        "repost": None if repost is None else {"via": repost.via, "channel": repost.channel},
        "original": None
        if original is None
        else {
            "name": original.name,
            "author": original.author,
            "avatar": original.avatar,
            "intro": original.intro,
        },
        "credits": {} if credits is None else credits.as_dict(),
        "provenance": None if provenance is None else provenance.name,
        "images": [{"src": image.src, "line": line} for image, line in images(post)],
        "blocks": [
            {"type": block_type(block), "lines": list(block.lines)} for block in post.blocks
        ],
        "findings": [
            {"code": finding.code, "line": finding.line, "message": finding.message}
            for finding in post.findings
        ],
    }


def to_summary(post: Post) -> str:
    """A few readable lines about a post."""
    data = to_data(post)
    lines = [f"{post.path}", f"  title:      {data['title']}"]
    if data["date"]:
        lines.append(f"  date:       {data['date']}")
    if data["tags"]:
        lines.append(f"  tags:       {', '.join(data['tags'])}")
    if data["account"]:
        account = data["account"]
        wechat_id = f" (微信号 {account['wechat_id']})" if account["wechat_id"] else ""
        lines.append(f"  account:    {account['name']}{wechat_id}")
    if data["repost"]:
        channel = f" on {data['repost']['channel']}" if data["repost"]["channel"] else ""
        lines.append(f"  repost:     via {data['repost']['via']}{channel}")
    if data["original"]:
        original = data["original"]
        author = f", author {original['author']}" if original["author"] else ""
        lines.append(f"  original:   {original['name']}{author}")
    if data["provenance"]:
        lines.append(f"  provenance: {data['provenance']}")
    if data["credits"]:
        lines.append("  credits:    " + ", ".join(f"{k} {v}" for k, v in data["credits"].items()))
    counts: dict[str, int] = {}
    for block in data["blocks"]:
        counts[block["type"]] = counts.get(block["type"], 0) + 1
    lines.append("  blocks:     " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    lines.append(f"  images:     {len(data['images'])}")
    for finding in post.findings:
        lines.append(f"  {post.path}:{finding.line}: {finding.code}: {finding.message}")
    return "\n".join(lines)
