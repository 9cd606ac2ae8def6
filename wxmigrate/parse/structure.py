"""Recognise the structured parts of an exported post by their shapes.

Each recogniser takes the post's top-level blocks and returns them with the
blocks it recognised wrapped in a structured block (:class:`AccountCard`,
:class:`OriginalCard`, …).  The wrapped blocks are kept as ``children``, so
nothing is lost and the repair rules still reach the markup inside.  Shapes,
not the names of the accounts in our samples, are what is matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bs4 import BeautifulSoup

from ..model import (
    AccountCard,
    Block,
    Credits,
    Cruft,
    Figure,
    Footer,
    Heading,
    HtmlBlock,
    Image,
    OriginalCard,
    Paragraph,
    Provenance,
    Repost,
    Rule,
    Strong,
    Text,
    block_inlines,
)
from .inline import plain_text

#: How far into the post the cards may stand (top-level blocks).
HEAD_WINDOW = 24


def block_text(block: Block) -> str:
    """The visible text of a leaf block, one line."""
    if isinstance(block, Figure):
        return plain_text(block.caption, breaks="").strip()
    return plain_text(block_inlines(block), breaks="").strip()


def recognise(blocks: Sequence[Block]) -> list[Block]:
    """Wrap every structured part found among ``blocks``."""
    found = list(blocks)
    for recogniser in RECOGNISERS:
        found = recogniser(found)
    return found


# --------------------------------------------------------------------------
# The repost note


_REPOST_VIA = re.compile(r"(转载|转自|转发)\s*[:：]\s*(.+)")
_REPOST_CHANNEL = re.compile(r"来源\s*[:：]\s*(.+)")


def read_repost_html(html: str) -> tuple[str, str] | None:
    """``(via, channel)`` from a repost note's HTML, or None when it is not one."""
    soup = BeautifulSoup(html, "lxml")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    lines = [line.strip() for line in soup.get_text().splitlines() if line.strip()]
    via = channel = None
    for line in lines:
        if via is None and (match := _REPOST_VIA.match(line)):
            via = match.group(2).strip()
        elif channel is None and (match := _REPOST_CHANNEL.match(line)):
            channel = match.group(1).strip()
    if via is None:
        return None
    return via, channel or ""


def recognise_repost(blocks: list[Block]) -> list[Block]:
    for index, block in enumerate(blocks[:HEAD_WINDOW]):
        if isinstance(block, HtmlBlock) and "转" in block.html:
            note = read_repost_html(block.html)
            if note:
                via, channel = note
                blocks[index] = Repost(via, channel, block.html, via, block.lines)
                break
    return blocks


# --------------------------------------------------------------------------
# The reposting account's card


_WECHAT_ID = re.compile(r"^微信号\s*[:：]?\s*(\S.*)$")
_INTRO = re.compile(r"^功能介绍\s*[:：]?\s*(.*)$")
_BRACKETED = re.compile(r"^\[(.+)\]$")


def _only_strong(block: Block) -> str | None:
    if isinstance(block, Paragraph) and len(block.children) == 1:
        child = block.children[0]
        if isinstance(child, Strong):
            return plain_text(child.children, breaks="").strip() or None
    return None


def _wrap(blocks: list[Block], start: int, stop: int, make: Callable[[tuple[Block, ...]], Block]) -> None:
    children = tuple(blocks[start:stop])
    blocks[start:stop] = [make(children)]


def _span(children: Sequence[Block]) -> tuple[int, int]:
    firsts = [child.lines[0] for child in children if child.lines[0]]
    lasts = [child.lines[1] for child in children if child.lines[1]]
    return (min(firsts), max(lasts)) if firsts else (0, 0)


def recognise_account(blocks: list[Block]) -> list[Block]:
    for index, block in enumerate(blocks[:HEAD_WINDOW]):
        if not isinstance(block, Paragraph):
            continue
        match = _WECHAT_ID.match(block_text(block))
        if not match:
            continue
        start, name = index, None
        if start > 0 and (strong := _only_strong(blocks[start - 1])):
            start, name = start - 1, strong
        if start > 0 and isinstance(blocks[start - 1], Paragraph):
            bracket = _BRACKETED.match(block_text(blocks[start - 1]))
            if bracket:
                start, name = start - 1, name or bracket.group(1).strip()
        stop, intro = index + 1, None
        if stop < len(blocks) and isinstance(blocks[stop], Paragraph):
            intro_match = _INTRO.match(block_text(blocks[stop]))
            if intro_match:
                stop, intro = stop + 1, intro_match.group(1).strip() or None
        if name is None:
            continue
        wechat_id = match.group(1).strip()
        _wrap(
            blocks,
            start,
            stop,
            lambda children: AccountCard(name, wechat_id, intro, children, _span(children)),
        )
        break
    return blocks


# --------------------------------------------------------------------------
# The original-source card


_ORIGINAL = (
    re.compile(r"^以下文章来源于\s*(.+?)\s*[，,]\s*作者\s*[:：]?\s*(.+?)\s*$"),
    re.compile(r"^以下文章来源于\s*(.+?)\s*$"),
    re.compile(r"^The following article is from\s+(.+?)\s+Author[:：]?\s+(.+?)\s*$", re.I),
)


def recognise_original(blocks: list[Block]) -> list[Block]:
    for index, block in enumerate(blocks[:HEAD_WINDOW]):
        if not isinstance(block, Paragraph):
            continue
        text = block_text(block)
        match = next((m for pattern in _ORIGINAL if (m := pattern.match(text))), None)
        if not match:
            continue
        name = match.group(1)
        author = match.group(2) if match.re.groups > 1 else None
        stop, avatar, intro = index + 1, None, None
        if stop < len(blocks):
            avatar_line = blocks[stop]
            inlines = block_inlines(avatar_line)
            if inlines and isinstance(inlines[0], Image) and (
                len(inlines) == 1 or any(isinstance(i, Strong) for i in inlines[1:3])
            ):
                avatar = inlines[0].src
                strong = next((i for i in inlines if isinstance(i, Strong)), None)
                if strong is not None:
                    name = plain_text(strong.children, breaks="").strip() or name
                stop += 1
                following = blocks[stop] if stop < len(blocks) else None
                if (
                    isinstance(following, Paragraph)
                    and following.break_before is not None
                    and not any(isinstance(i, Image) for i in following.children)
                ):
                    intro = block_text(following)
                    stop += 1
        _wrap(
            blocks,
            index,
            stop,
            lambda children: OriginalCard(name, author, avatar, intro, children, _span(children)),
        )
        break
    return blocks


# --------------------------------------------------------------------------
# The footer, the provenance line and the credits


def recognise_footer(blocks: list[Block]) -> list[Block]:
    """The account boilerplate after the last ``***`` in the second half of the post."""
    for index in range(len(blocks) - 1, len(blocks) // 2 - 1, -1):
        block = blocks[index]
        if isinstance(block, Heading):
            return blocks
        if isinstance(block, Rule) and index < len(blocks) - 1:
            rule = block
            _wrap(
                blocks,
                index,
                len(blocks),
                lambda children: Footer(rule, children[1:], _span(children)),
            )
            return blocks
    return blocks


_PROVENANCE = re.compile(
    r"^[（(]\s*(转自|转载自|来源|来源于|稿件来源|本文来源|文章来源|信息来源|来自)\s*[:：]?\s*(.+?)\s*[)）]$"
)


def recognise_provenance(blocks: list[Block]) -> list[Block]:
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if not isinstance(block, Paragraph):
            continue
        match = _PROVENANCE.match(block_text(block))
        if match:
            kind, name = match.group(1), match.group(2)
            _wrap(blocks, index, index + 1, lambda c: Provenance(name, kind, c, _span(c)))
            break
    return blocks


#: Roles seen in editorial credits, longest first so ``责任编辑`` wins over ``编辑``.
ROLES = tuple(
    sorted(
        (
            "审核 初审 复审 终审 审校 审稿 责编 责任编辑 编辑 值班编辑 实习编辑 音频编辑 视频编辑 "
            "校对 排版 美编 主编 副主编 总编 监制 策划 统筹 出品 出品人 制作 设计 记者 通讯员 "
            "撰文 撰稿 文字 文 图 图片 摄影 视频 音频 配音 翻译 作者 来稿 供稿 投稿"
        ).split(),
        key=len,
        reverse=True,
    )
)
_ROLE = re.compile(rf"({'|'.join(ROLES)})\s*[:：]\s*")
_CREDIT_SEPARATORS = " \t/|｜、，,；;丨"


def read_credits(text: str) -> tuple[tuple[str, str], ...] | None:
    """The ``(role, name)`` pairs of a credits line, or None when it is not one."""
    stripped = text.strip()
    bracketed = stripped[:1] in "（(" and stripped[-1:] in ")）"
    inner = stripped[1:-1] if bracketed else stripped
    matches = list(_ROLE.finditer(inner))
    if not matches or matches[0].start() != 0 or len(matches) < (1 if bracketed else 2):
        return None
    roles: list[tuple[str, str]] = []
    for match, following in zip(matches, [*matches[1:], None]):
        end = following.start() if following else len(inner)
        name = inner[match.end() : end].strip(_CREDIT_SEPARATORS)
        if not name:
            return None
        roles.append((match.group(1), name))
    return tuple(roles)


def recognise_credits(blocks: list[Block]) -> list[Block]:
    for index in range(len(blocks) - 1, -1, -1):
        block = blocks[index]
        if isinstance(block, Paragraph):
            roles = read_credits(block_text(block))
            if roles:
                _wrap(blocks, index, index + 1, lambda c: Credits(roles, c, _span(c)))
                break
    return blocks


# --------------------------------------------------------------------------
# WeChat UI cruft


_CRUFT = (
    ("follow-prompt", re.compile(r"^(?:点击|点)?(?:上方|标题下方?)\s*.{0,6}(?:蓝字|关注)")),
    ("scan-prompt", re.compile(r"^(?:扫描|扫码|长按|识别).{0,8}二维码")),
    ("share-prompt", re.compile(r"^(?:点分享|点点赞|点在看|点个在看|点赞|在看|分享|转发)[！!。]?$")),
    ("end-of-page", re.compile(r"^(?:继续滑动看下一个|向上滑动看下一个|阅读原文|←\s*向右滑动.*→?|轻触阅读原文)$")),
)


def cruft_kind(text: str) -> str | None:
    for kind, pattern in _CRUFT:
        if pattern.match(text):
            return kind
    return None


def recognise_cruft(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        kind = cruft_kind(block_text(block)) if isinstance(block, Paragraph) else None
        if kind is None:
            out.append(block)
            index += 1
            continue
        stop = index + 1
        # The account name a prompt was cut from (short bold lines), or more
        # prompts of the same kind, belong to the same piece of cruft.
        while stop < len(blocks):
            nxt = blocks[stop]
            if not isinstance(nxt, Paragraph) or nxt.break_before is None:
                break
            text = block_text(nxt)
            same = cruft_kind(text) == kind
            name_part = kind == "scan-prompt" and _only_strong(nxt) is not None and len(text) <= 12
            if not (same or name_part):
                break
            stop += 1
        children = tuple(blocks[index:stop])
        out.append(Cruft(kind, children, _span(children)))
        index = stop
    return out


def _text_only(block: Block) -> bool:
    return isinstance(block, Paragraph) and all(isinstance(i, (Text, Strong)) for i in block.children)


RECOGNISERS: tuple[Callable[[list[Block]], list[Block]], ...] = (
    recognise_repost,
    recognise_account,
    recognise_original,
    recognise_footer,
    recognise_provenance,
    recognise_credits,
    recognise_cruft,
)
