"""Exporter dialects: which tool wrote a post, and where it put the article's metadata.

Each exporter writes the same WeChat article its own way:

- ``wechat-jekyll``: a Jekyll post with YAML front matter (``author: 转载``), a
  raw-HTML repost note (``转载：X``) and the account card (``微信号…``,
  ``功能介绍…``), each at a line's start: named in prose or in code, they are not
  an export's;
- ``docsify-backup``: ``# 标题``, a ``[**返回列表页**](/gzh/ACCOUNT)`` link and a
  backup note (``小懒自动备份，仅供查阅学习``), no front matter;
- ``markdownify-feed``: ``#  标题   `` with padding, a byline
  ``原创 作者  公众号   2025-07-22 01:01`` and a two-space hard break on every line;
- ``obsidian-clipper``: front matter with ``source``, ``author: ["[[X]]"]``,
  ``published``, ``created``; a byline ``Original 作者 *2025年10月30日 13:56*``;
- ``hugo-mirror``: front matter with ``lastmod``/``Lastmod`` or ``+++`` TOML, and
  WeChat's pictures in the body (``mmbiz.qpic.cn``), outside code;
- ``wechat``: none of these, but the post shows the parts of a WeChat article
  (an account or source card, a repost note, credits, a byline, WeChat's UI text);
- ``generic``: anything else: Markdown no known exporter wrote, which only the
  repair rules safe for valid Markdown touch.

:func:`detect` names the dialect; :func:`read_meta` reads author, account,
date and original link from wherever the post states them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from ..model import (
    AccountCard,
    Block,
    Byline,
    Credits,
    Cruft,
    FrontMatter,
    Heading,
    Link,
    Meta,
    OriginalCard,
    OriginalLink,
    Paragraph,
    Quote,
    Repost,
    block_inlines,
    walk_blocks,
    walk_inlines,
)
from ..read import iso_date
from .inline import plain_text
from .structure import AUTHOR_ROLES, block_text, read_credits

DIALECTS = (
    "wechat-jekyll",
    "docsify-backup",
    "markdownify-feed",
    "obsidian-clipper",
    "hugo-mirror",
    "wechat",
    "generic",
)

#: Parts only a WeChat article has: a post showing one was exported from WeChat.
WECHAT_PARTS = (AccountCard, OriginalCard, Repost, Credits, Byline, OriginalLink, Cruft)


def shows_wechat_parts(blocks: Sequence[Block]) -> bool:
    """Whether the recognised parts say the post is a WeChat article."""
    return any(isinstance(block, WECHAT_PARTS) for block in walk_blocks(blocks))

#: Dialects whose converter never nests bold runs but leaves the spaces of a
#: ``<strong>`` inside its markers (``**前20% **最重要的``): their ``**`` are not
#: read by spacing (see :func:`wxmigrate.parse.inline.parse_inline`).
UNNESTED_BOLD = frozenset({"obsidian-clipper"})

_BACKUP_NOTE = re.compile(r"备份，仅供查阅学习")
_CODE_SPAN = re.compile(r"(`+)[^`]*?\1")
#: What a mirrored WeChat article still holds (any Hugo site has ``+++`` or ``lastmod``): its
#: pictures, still on WeChat's servers.  A link to an article on ``mp.weixin.qq.com``, or the
#: words 微信 and 公众号, are what a hand-written post says too.
_WECHAT_TRACE = re.compile(r"https?://mmbiz\.q(?:pic|logo)\.cn/")
#: A repost note (``转载：X``, also inside its raw-HTML ``<blockquote><p>``) or an account
#: card's ``微信号…`` line, as the exporter writes them: at the start of a line (after a
#: quote marker or opening tags).  Named in prose or in code, they are not an exporter's.
_EXPORT_MARK = re.compile(
    r"^ {0,3}(?:>[ \t]*)*(?:<(?:blockquote|p|section|div|span|strong)\b[^>\n]*>[ \t]*)*(?:\*\*)?"
    r"(?:转载[ \t]*[:：]|微信号)",
    re.MULTILINE,
)
#: A fenced code block, to its closing fence or the end of the text.
_FENCED_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)
_LIST_LINK = re.compile(r"\[\*\*返回列表页\*\*\]\(([^)]*)\)")


def detect(front: FrontMatter, body: str) -> str:
    """The dialect a post is written in (one of :data:`DIALECTS`)."""
    keys = {key.lower() for key in front.data}
    if front.present and ("source" in keys and ("created" in keys or "published" in keys or "clippings" in str(front.get("tags")))):
        return "obsidian-clipper"
    if front.present and (front.fence == "+++" or "lastmod" in keys) and _WECHAT_TRACE.search(body) and _WECHAT_TRACE.search(_without_code(body)):
        return "hugo-mirror"
    head = _without_code(body[:3000])  # a post quoting an export's marks in code is not an export
    if front.present and (str(front.get("author", "")).strip() == "转载" or _EXPORT_MARK.search(head)):
        return "wechat-jekyll"
    if _LIST_LINK.search(head) or _BACKUP_NOTE.search(head):
        return "docsify-backup"
    lines = [line for line in body.split("\n") if line.strip()]
    hard = sum(line.endswith("  ") for line in lines)
    if lines and hard >= 0.6 * len(lines) and any(re.match(r"^#\s+\S", line) for line in lines[:4]):
        return "markdownify-feed"
    if any(len(line) <= BYLINE_WIDTH and _FEED_BYLINE.match(line.strip()) for line in lines[:6]):
        return "markdownify-feed"
    return "generic"


def _without_code(text: str) -> str:
    """``text`` without its fenced code blocks and code spans (cheap tests first: most
    posts hold neither)."""
    if "```" in text or "~~~" in text:
        text = _FENCED_CODE.sub("", text)
    return _CODE_SPAN.sub("", text) if "`" in text else text


# --------------------------------------------------------------------------
# Bylines and original-link lines, wrapped like the parts in structure.py


_FEED_BYLINE = re.compile(
    r"^(?:(原创|Original)\s+)?(?:(\S(?:.*?\S)?)\s{2,})?(\S(?:.*?\S)?)\s{2,}(\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2})?)$"
)
#: The longest byline: a longer line is not tried (the byline pattern is slow on long lines).
BYLINE_WIDTH = 120
_CLIP_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*(\d{1,2}):(\d{2}))?")
_ORIGINAL_LABEL = re.compile(r"^(?:原文链接|原文地址|原文|文章链接|来源链接|Source|Original link)\s*[:：]\s*(\S*)$", re.IGNORECASE)
#: Front-matter values that are a kind of post, not a person.
NOT_AN_AUTHOR = {"转载", "原创", "佚名", "匿名", "admin", "unknown"}


def _clip_date(text: str) -> str | None:
    match = _CLIP_DATE.search(text)
    if not match:
        return None
    year, month, day, hour, minute = match.groups()
    date = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return f"{date}T{int(hour):02d}:{minute}:00" if hour else date


def read_byline(block: Block) -> tuple[str | None, str | None, str | None, bool] | None:
    """``(author, account, date, original)`` of a byline paragraph, or None."""
    if not isinstance(block, Paragraph):
        return None
    text = plain_text(block.children, breaks=" ").strip()
    if len(text) > BYLINE_WIDTH:
        return None
    feed = _FEED_BYLINE.match(text)
    if feed:
        original, author, account, date = feed.groups()
        return author, account, iso_date(date), bool(original)
    date = _clip_date(text)
    if date and re.match(r"^(?:Original|原创)\b", text):
        words = re.sub(r"\*?\s*\d{4}\s*年.*$", "", text)
        words = re.sub(r"^(?:Original|原创)\s*", "", words).strip()
        link = next((i for i in block.children if isinstance(i, Link)), None)
        account = plain_text(link.children).strip() if link else None
        author = words.replace(account, "").strip() if account else words
        return author or None, account or author or None, date, True
    return None


def recognise_byline(blocks: list[Block]) -> list[Block]:
    """Wrap the byline standing within the first few blocks after the title."""
    for index, block in enumerate(blocks[:8]):
        found = read_byline(block)
        if found:
            author, account, date, original = found
            blocks[index] = Byline(author, account, date, original, (block,), block.lines)
            break
    return blocks


def _original_url(block: Block) -> str | None:
    inner: Sequence[Block] = block.children if isinstance(block, Quote) else (block,)
    if len(inner) != 1 or not isinstance(inner[0], Paragraph):
        return None
    paragraph = inner[0]
    text = plain_text(paragraph.children, breaks=" ").strip()
    match = _ORIGINAL_LABEL.match(text)
    if not match:
        return None
    link = next((i for i in walk_inlines(paragraph.children) if isinstance(i, Link)), None)
    url = link.href if link is not None else match.group(1)
    return url if re.match(r"https?://", url or "") else None


def recognise_original_link(blocks: list[Block]) -> list[Block]:
    """Wrap a ``原文链接: URL`` line (bare or quoted), wherever it stands."""
    for index, block in enumerate(blocks):
        url = _original_url(block)
        if url:
            blocks[index] = OriginalLink(url, (block,), block.lines)
            break
    return blocks


# --------------------------------------------------------------------------
# Metadata


def _front_text(value: Any) -> str | None:
    """A front-matter value as a name: lists take their first item, ``[[X]]`` becomes X."""
    if isinstance(value, (list, tuple)):
        value = next((item for item in value if item), None)
    if value is None:
        return None
    text = re.sub(r"^\[\[(.*?)(?:\|.*)?\]\]$", r"\1", str(value).strip())
    return text or None


def _front(front: FrontMatter, *keys: str) -> Any:
    lowered = {key.lower(): value for key, value in front.data.items()}
    for key in keys:
        if lowered.get(key) not in (None, ""):
            return lowered[key]
    return None


def _clean(name: str | None) -> str | None:
    """A name with no-break and zero-width spaces made plain."""
    if name is None:
        return None
    name = re.sub(r"[\u200b-\u200d\ufeff]", "", name.replace("\u00a0", " ")).strip()
    return name or None


def read_meta(front: FrontMatter, blocks: Sequence[Block], dialect: str = "generic") -> Meta:
    """Author, account, date and original link, from wherever the post states them.

    Web clippers put the *account* in the front matter's ``author``; a byline,
    when there is one, tells the author apart from the account.
    """
    meta = _read_meta(front, blocks, dialect)
    return Meta(_clean(meta.author), _clean(meta.account), meta.date, meta.original_url)


def _read_meta(front: FrontMatter, blocks: Sequence[Block], dialect: str) -> Meta:
    byline = next((b for b in blocks if isinstance(b, Byline)), None)
    card = next((b for b in blocks if isinstance(b, AccountCard)), None)
    original = next((b for b in blocks if isinstance(b, OriginalCard)), None)
    credits = next((b for b in blocks if isinstance(b, Credits)), None)
    link = next((b for b in blocks if isinstance(b, OriginalLink)), None)

    author = _front_text(_front(front, "author", "authors"))
    if author in NOT_AN_AUTHOR or (dialect == "obsidian-clipper" and byline is not None and byline.author):
        author = None  # a clipper's ``author`` is the account; the byline names the writer
    if author is None and byline is not None:
        author = byline.author
    if author is None and credits is not None:
        author = _author_of(credits.roles)
    if author is None:
        author = _head_author(blocks)
    if author is None and original is not None:
        author = original.author

    account = card.name if card is not None else None
    if account is None and byline is not None:
        account = byline.account
    if account is None and dialect == "obsidian-clipper":
        account = _front_text(_front(front, "author", "authors"))
    if account is None:
        account = _list_link_account(blocks)

    date = iso_date(_front(front, "date", "published", "pubdate"))
    if date is None and byline is not None:
        date = byline.date
    if date is None:
        date = iso_date(_front(front, "created"))  # when it was clipped: better than nothing

    url = _front(front, "source", "original", "original_url", "url", "link")
    original_url = str(url) if url and re.match(r"https?://", str(url)) else None
    if original_url is None and link is not None:
        original_url = link.url
    return Meta(author=author, account=account, date=date, original_url=original_url)


def _author_of(roles: Sequence[tuple[str, str]]) -> str | None:
    named = dict(roles)
    return next((named[role] for role in AUTHOR_ROLES if role in named), None)


#: How far into a post a writer's credit (``文｜张三``, ``作者：李四``) is looked for.
HEAD_BLOCKS = 10


def _head_author(blocks: Sequence[Block]) -> str | None:
    """The writer a credit line near the top names: ``文 | 张三``, ``**作者｜李四**``."""
    for block in blocks[:HEAD_BLOCKS]:
        if isinstance(block, Paragraph):
            author = _author_of(read_credits(block_text(block), alone=False) or ())
            if author:
                return author
    return None


def _list_link_account(blocks: Sequence[Block]) -> str | None:
    """The account a docsify backup names in its ``[**返回列表页**](/gzh/ACCOUNT)`` link."""
    for block in walk_blocks(blocks[:6]):
        for inline in walk_inlines(block_inlines(block)):
            if isinstance(inline, Link) and "返回列表页" in plain_text(inline.children):
                name = unquote(inline.href.rstrip("/").rsplit("/", 1)[-1])
                return name or None
    return None


def first_heading_title(blocks: Sequence[Block]) -> str | None:
    """The text of the first level-1 heading, spaces trimmed."""
    for block in blocks[:6]:
        if isinstance(block, Heading) and block.level == 1:
            return plain_text(block.children, breaks="").strip() or None
    return None
