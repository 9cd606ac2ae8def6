"""Recognise the structured parts of an exported post by their shapes.

Each recogniser takes the post's top-level blocks and returns them with the
blocks it recognised wrapped in a structured block (:class:`AccountCard`,
:class:`OriginalCard`, …).  The wrapped blocks are kept as ``children``, so
nothing is lost and the repair rules still reach the markup inside.  Shapes,
not the names of the accounts in our samples, are what is matched.

The order of :data:`RECOGNISERS` matters: cruft is wrapped before the cards
(a follow prompt is not article text), credits before the footer (so credits
written after the closing rule are still found), and the provenance line last,
because it is told from a source line under a photo by what follows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from functools import partial


from ..chars import FORBIDDEN_IN_HTML
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
    Inline,
    OriginalCard,
    Paragraph,
    Provenance,
    Quote,
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
    texts = _TEXTS.get()
    if texts is None:
        return _block_text(block)
    known = texts.get(id(block))
    if known is None or known[0] is not block:
        known = texts[id(block)] = (block, _block_text(block))
    return known[1]


def _block_text(block: Block) -> str:
    if isinstance(block, Figure):
        return plain_text(block.caption, breaks="").strip()
    return plain_text(block_inlines(block), breaks="").strip()


#: The texts :func:`block_text` found while :func:`recognise` runs, by the block's ``id`` (the
#: block kept with its text, so that no other block takes its ``id`` meanwhile): each
#: recogniser reads the lines again, and the texts are the same.
_TEXTS: ContextVar[dict[int, tuple[Block, str]] | None] = ContextVar("block_texts", default=None)


def recognise(blocks: Sequence[Block]) -> list[Block]:
    """Wrap every structured part found among ``blocks``."""
    found = list(blocks)
    token = _TEXTS.set({})
    try:
        for recogniser in RECOGNISERS:
            found = recogniser(found)
    finally:
        _TEXTS.reset(token)
    return found


def _wrap(
    blocks: list[Block], start: int, stop: int, make: Callable[[tuple[Block, ...], tuple[int, int]], Block]
) -> None:
    """Replace ``blocks[start:stop]`` by ``make(children, lines)`` of a part holding them."""
    children = tuple(blocks[start:stop])
    blocks[start:stop] = [make(children, _span(children))]


def _span(children: Sequence[Block]) -> tuple[int, int]:
    firsts = [child.lines[0] for child in children if child.lines[0]]
    lasts = [child.lines[1] for child in children if child.lines[1]]
    return (min(firsts), max(lasts)) if firsts else (0, 0)


def _only_strong(block: Block) -> str | None:
    """The text of a paragraph that is one bold run and nothing else."""
    if isinstance(block, Paragraph) and len(block.children) == 1:
        child = block.children[0]
        if isinstance(child, Strong):
            return plain_text(child.children, breaks="").strip() or None
    return None


# --------------------------------------------------------------------------
# The repost note


_REPOST_VIA = re.compile(r"(转载|转自|转发)\s*[:：]\s*(.+)")
_REPOST_CHANNEL = re.compile(r"来源\s*[:：]\s*(.+)")


def read_repost_html(html: str) -> tuple[str, str] | None:
    """``(via, channel)`` from a repost note's HTML, or None when it is not one."""
    # A lone surrogate (only a Python string can hold one) cannot be encoded for lxml.
    readable = html.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    text = plain_note_text(readable)
    via = channel = None
    for line in note_lines(soup_text(readable) if text is None else text):
        if via is None and (match := _REPOST_VIA.match(line)):
            via = match.group(2).strip()
        elif channel is None and (match := _REPOST_CHANNEL.match(line)):
            channel = match.group(1).strip()
    if not via:
        return None
    return via, channel or ""


#: The note as exporters write it: two lines of text in a paragraph in a quote, with no
#: entity, no other markup and no character HTML forbids, whose text is plain to read.
_PLAIN_NOTE = re.compile(r"\s*<blockquote>\s*<p>([^<>&]*)<br\s*/?>([^<>&]*)</p>\s*</blockquote>\s*")


def plain_note_text(html: str) -> str | None:
    """The text of a note of the plain shape (:data:`_PLAIN_NOTE`) with its ``<br>`` a line
    end, as :func:`soup_text` reads it but without an HTML parser; None for any other HTML."""
    match = _PLAIN_NOTE.fullmatch(html)
    if match is None or FORBIDDEN_IN_HTML.search(html):
        return None
    return match.group(1) + "\n" + match.group(2)


def soup_text(html: str) -> str:
    """The text of HTML as a browser shows it, each ``<br>`` a line end (lxml reads it).

    BeautifulSoup is imported here, when a note is not of the plain shape, rather than
    with the module: it takes longer to import than most posts take to parse.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    return str(soup.get_text())


def note_lines(text: str) -> list[str]:
    """The lines of a note's text that show something, white space stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def read_repost_quote(block: Block) -> tuple[str, str] | None:
    """``(via, channel)`` of a repost note written as a Markdown quote
    (``> 转载：X`` / ``> 来源：Y``, as wxmigrate writes it for engines that drop
    raw HTML), or None."""
    if not isinstance(block, Quote) or not 1 <= len(block.children) <= 2:
        return None
    lines = [block_text(child) for child in block.children if isinstance(child, Paragraph)]
    if len(lines) != len(block.children):
        return None
    via = _REPOST_VIA.fullmatch(lines[0])
    channel = _REPOST_CHANNEL.fullmatch(lines[1]) if len(lines) == 2 else None
    if via is None or (len(lines) == 2 and channel is None):
        return None
    return via.group(2).strip(), channel.group(1).strip() if channel else ""


def recognise_repost(blocks: list[Block]) -> list[Block]:
    """Wrap the first repost note near the top (raw HTML, or a quote) as a :class:`Repost`."""
    for index, block in enumerate(blocks[:HEAD_WINDOW]):
        note = None
        if isinstance(block, HtmlBlock) and "转" in block.html:
            note = read_repost_html(block.html)
        elif isinstance(block, Quote):
            note = read_repost_quote(block)
        if note:
            via, channel = note
            html = block.html if isinstance(block, HtmlBlock) else ""
            blocks[index] = Repost(via, channel, html, via, block.lines)
            break
    return blocks


# --------------------------------------------------------------------------
# The reposting account's card: ``[X]``, ``**X**``, ``微信号…``, ``功能介绍…``.


_WECHAT_ID = re.compile(r"^微信号\s*[:：]?\s*(\S.*)$")
_INTRO = re.compile(r"^功能介绍\s*[:：]?\s*(.*)$")
_BRACKETED = re.compile(r"^\[(.+)\]$")


def recognise_account(blocks: list[Block]) -> list[Block]:
    """Wrap the account card: a name line, ``微信号…``, then ``功能介绍…``.

    The name comes from ``**X**`` or ``[X]`` just above the ``微信号`` line.  A
    bold line and a ``微信号`` line alone are a contact notice, not a card: the
    card also needs its ``[X]`` line or its ``功能介绍`` line.
    """
    for index, block in enumerate(blocks[:HEAD_WINDOW]):
        if not isinstance(block, Paragraph):
            continue
        match = _WECHAT_ID.match(block_text(block))
        if not match:
            continue
        start, name, bracketed = index, None, False
        if start > 0 and (strong := _only_strong(blocks[start - 1])):
            start, name = start - 1, strong
        if start > 0 and isinstance(blocks[start - 1], Paragraph):
            bracket = _BRACKETED.match(block_text(blocks[start - 1]))
            if bracket:
                start, name, bracketed = start - 1, name or bracket.group(1).strip(), True
        stop, intro, has_intro = index + 1, None, False
        if stop < len(blocks) and isinstance(blocks[stop], Paragraph):
            intro_match = _INTRO.match(block_text(blocks[stop]))
            if intro_match:
                stop, intro, has_intro = stop + 1, intro_match.group(1).strip() or None, True
        if name is None or not (bracketed or has_intro):
            continue
        _wrap(blocks, start, stop, partial(AccountCard, name, match.group(1).strip(), intro))
        break
    return blocks


# --------------------------------------------------------------------------
# The original-source card: ``以下文章来源于X，作者Y``, the avatar with
# ``**X**.``, and the source account's intro line.


_ORIGINAL = (
    re.compile(r"^以下文章来源于\s*(.+?)\s*[，,]\s*作者\s*[:：]?\s*(.+?)\s*$"),
    re.compile(r"^以下文章来源于\s*([^，,。；;]+?)\s*$"),
    re.compile(r"^The following article is from\s+(.+?)\s+Author[:：]?\s+(.+?)\s*$", re.IGNORECASE),
)
#: Where WeChat serves account avatars; an image alone on the line after the
#: card's first line is only the avatar when it comes from there.
_AVATAR_SRC = re.compile(r"qlogo\.cn/|/mmhead/")
#: ``](url)``: the end of a link some clippers wrap the whole card in.
_LINK_CLOSE = re.compile(r"^\]\(\S*\)$")
#: How many blocks a card wrapped in a link may span after its first line.
_WRAPPED_CARD_BLOCKS = 5


def read_original_line(text: str) -> tuple[str, str | None] | None:
    """``(name, author)`` from a card's first line, or None when it is not one."""
    for pattern in _ORIGINAL:
        match = pattern.match(text)
        if match:
            return match.group(1), match.group(2) if pattern.groups > 1 else None
    return None


def _avatar(block: Block) -> tuple[str | None, str | None, bool] | None:
    """``(avatar, name, opens_link)`` of an avatar line, or None.

    The line is the avatar image, perhaps after the ``[`` of a link some
    clippers wrap the card in (then the image may be missing), and perhaps
    followed by the bold account name.
    """
    inlines: tuple[Inline, ...] = block_inlines(block)
    opens_link = bool(inlines) and isinstance(inlines[0], Text) and inlines[0].text.strip() == "["
    if opens_link:
        inlines = inlines[1:]
        if not inlines:
            return None, None, True  # a card wrapped in a link, without its avatar
    if not inlines or not isinstance(inlines[0], Image):
        return None
    avatar = inlines[0].src
    strong = next((i for i in inlines[1:3] if isinstance(i, Strong)), None)
    name = plain_text(strong.children, breaks="").strip() if strong is not None else ""
    if name:  # an empty run (a stray ``****``) names no account
        return avatar, name, opens_link
    if len(inlines) == 1 and (_AVATAR_SRC.search(avatar) or opens_link):
        return avatar, None, opens_link
    return None


def _card_name(block: Block) -> str | None:
    """The name of a ``**X**.`` line (a bold run and at most a full stop)."""
    if not isinstance(block, Paragraph) or not block.children:
        return None
    first, rest = block.children[0], block.children[1:]
    if not isinstance(first, Strong) or plain_text(rest).strip() not in ("", "."):
        return None
    return plain_text(first.children, breaks="").strip() or None


def _text_line(block: Block | None) -> bool:
    """Whether a block is a paragraph of text with no image in it."""
    return isinstance(block, Paragraph) and not any(isinstance(i, Image) for i in block.children)


def _wrapped_card_end(blocks: list[Block], start: int) -> int | None:
    """Index just past the ``](url)`` that closes a card wrapped in a link."""
    for index in range(start, min(start + _WRAPPED_CARD_BLOCKS, len(blocks))):
        if isinstance(blocks[index], Paragraph) and _LINK_CLOSE.match(block_text(blocks[index])):
            return index + 1
    return None


def recognise_original(blocks: list[Block]) -> list[Block]:
    """Wrap the original-source card near the top as an :class:`OriginalCard`.

    The avatar line and the intro after it are optional.  The intro is the
    text line right under the avatar line (no blank line between): a card
    with no intro followed at once by the article's first line cannot be told
    apart, and that line is then taken as the intro.
    """
    for index, block in enumerate(blocks[:HEAD_WINDOW]):
        if not isinstance(block, Paragraph):
            continue
        first = read_original_line(block_text(block))
        if first is None:
            continue
        name, author = first
        stop, avatar, intro = index + 1, None, None
        found = _avatar(blocks[stop]) if stop < len(blocks) else None
        if found is not None:
            avatar, bold_name, opens_link = found
            name = bold_name or name
            stop += 1
            end = _wrapped_card_end(blocks, stop) if opens_link else None
            if end is not None:
                # A clipper's card: each part on its own line, blank lines between.
                inner = blocks[stop : end - 1]
                names = [found_name for part in inner if (found_name := _card_name(part))]
                texts = [block_text(part) for part in inner if _text_line(part) and not _card_name(part)]
                name = names[0] if names else name
                intro = texts[0] if texts else None
                stop = end
            elif (
                stop < len(blocks)
                and _text_line(blocks[stop])
                and getattr(blocks[stop], "break_before", None) is not None
            ):
                intro = block_text(blocks[stop])
                stop += 1
        _wrap(blocks, index, stop, partial(OriginalCard, name, author, avatar, intro))
        break
    return blocks


# --------------------------------------------------------------------------
# The footer


#: A closing rule in the first half of the post still starts the footer when
#: at most this many blocks follow it (short notices have short bodies).
FOOTER_MAX_BLOCKS = 6


#: ``** ** **``: stray bold toggles that CommonMark reads as a rule; the
#: exporters never close an article with one.
_BOLD_TOGGLES_RULE = re.compile(r"\*\*\s")


def recognise_footer(blocks: list[Block]) -> list[Block]:
    """Wrap what follows the last rule as the :class:`Footer`.

    The rule must not be the last block and no heading may follow it (a rule
    before a heading separates sections).  It must stand in the second half of
    the post, or be followed by at most :data:`FOOTER_MAX_BLOCKS` blocks.
    """
    for index in range(len(blocks) - 2, 0, -1):
        block = blocks[index + 1]
        if isinstance(block, Heading):
            return blocks
        rule = blocks[index]
        if isinstance(rule, Rule) and not _BOLD_TOGGLES_RULE.search(rule.markup):
            if index < len(blocks) // 2 and len(blocks) - index - 1 > FOOTER_MAX_BLOCKS:
                return blocks
            children = tuple(blocks[index:])
            blocks[index:] = [Footer(rule, children[1:], _span(children))]
            return blocks
    return blocks


# --------------------------------------------------------------------------
# The provenance line: ``（转自X）``, ``（来源：X）``


#: Longest first, so that ``来源于X`` is not read as ``来源`` + ``于X``.
PROVENANCE_KINDS = tuple(
    sorted(["转自", "转载自", "来源", "来源于", "稿件来源", "本文来源", "文章来源", "信息来源", "来自"], key=len, reverse=True)
)
_PROVENANCE = re.compile(
    rf"^[（(]\s*({'|'.join(PROVENANCE_KINDS)})\s*[:：]?\s*(.+?)\s*[)）]$"
)


#: The same without brackets: ``本文转载自X``, ``来源：X``, ``本文来自公众号：X``.
_PROVENANCE_BARE = re.compile(
    r"^(?:本文|文章|内容)?(转载自|转自|来自公众号|来自|来源于|来源\s*[:：])\s*[:：]?\s*(?:公众号\s*[:：]?\s*)?"
    r"([^，。,:：\s][^，。:：]{0,30}?)[。.]?$"
)


def read_provenance(text: str) -> tuple[str, str] | None:
    """``(kind, name)`` of a provenance line, or None when it is not one."""
    if "转" not in text and "来" not in text:
        return None  # every kind of provenance says one of them: neither pattern can match
    stripped = text.strip()
    match = _PROVENANCE.match(stripped) or _PROVENANCE_BARE.match(stripped)
    if not match:
        return None
    return re.sub(r"\s*[:：]$", "", match.group(1)), match.group(2)


def _closing(block: Block) -> bool:
    """Whether a block may follow the provenance line: images and end matter, no article text."""
    if isinstance(block, Paragraph):
        return not block_text(block)
    return isinstance(block, (Figure, Rule, Credits, Cruft, Footer, HtmlBlock))


def _opening(block: Block) -> bool:
    """Whether a block may stand above a provenance line at the top: no article yet."""
    return isinstance(block, (Repost, AccountCard, OriginalCard, Heading, Cruft, HtmlBlock))


def recognise_provenance(blocks: list[Block]) -> list[Block]:
    """Wrap the post's provenance line as a :class:`Provenance`.

    It stands either after the article (only images, credits, cruft, rules
    and the footer follow it) or at the top (only the cards and the title
    come before it).  A ``（来源：X）`` anywhere else names the source of a
    photo or a quotation, not of the post.
    """
    candidates = [
        index
        for index, block in enumerate(blocks)
        if isinstance(block, Paragraph) and read_provenance(block_text(block))
    ]
    for index in reversed(candidates):
        tail = all(_closing(block) for block in blocks[index + 1 :])
        head = all(_opening(block) for block in blocks[:index])
        if tail or head:
            found = read_provenance(block_text(blocks[index]))
            assert found is not None
            kind, name = found
            _wrap(blocks, index, index + 1, partial(Provenance, name, kind))
            break
    return blocks


# --------------------------------------------------------------------------
# The credits


#: Roles seen in editorial credits, longest first so ``责任编辑`` wins over ``编辑``.
ROLES = tuple(
    sorted(
        ["审核", "初审", "复审", "终审", "一审", "二审", "三审", "审校", "审稿", "编审", "责编", "责任编辑", "编辑", "值班编辑", "实习编辑", "本期编辑", "执行编辑", "文字编辑", "美术编辑", "新媒体编辑", "音频编辑", "视频编辑", "校对", "责任校对", "排版", "美编", "主编", "副主编", "总编", "监制", "总监制", "策划", "统筹", "出品", "出品人", "制作", "设计", "记者", "通讯员", "撰文", "撰稿", "文案", "文字", "文", "图", "图文", "图片", "摄影", "插画", "视频", "剪辑", "音频", "配音", "翻译", "作者", "来稿", "供稿", "投稿", "运营",
         "本文作者", "本文摄影", "本文编辑", "微信编辑", "微信排版", "微信审核"],
        key=len,
        reverse=True,
    )
)
#: Roles that only ever name editors: a line holding just one of them is a
#: credit even without brackets (``责任编辑：王五``).  ``记者：`` or ``作者：``
#: alone may be a speaker in an interview, so they need brackets or company.
EDITORIAL_ROLES = frozenset(role for role in ROLES if re.search("编|审|校|排版", role))
#: Roles that name the article's writer.
AUTHOR_ROLES = ("作者", "本文作者", "撰文", "文", "文字", "撰稿")
_ROLE = re.compile(rf"({'|'.join(ROLES)})\s*[:：]\s*")
#: The characters a role starts with.
_ROLE_FIRST = frozenset(role[0] for role in ROLES)
_CREDIT_SEPARATORS = " \t\u3000/|｜、，,；;丨\u200b\u200c\u200d\ufeff"
#: ``文 | 张三``, ``编辑｜李四``, ``策划、撰文 / 阿蓝``: a role (or several) and a bar.
_ROLE_BAR = re.compile(rf"^((?:{'|'.join(ROLES)})(?:、(?:{'|'.join(ROLES)}))*)\s*[|｜/]\s*(.+)$")
#: An unknown role inside a name: ``张三 运营：李四`` is two entries.
_UNKNOWN_ROLE = re.compile(rf"[{re.escape(_CREDIT_SEPARATORS)}]+([^\s:：\d][^\s:：]{{0,5}})\s*[:：]\s*")
#: The publishing date some clippers write after the last credit.
_TRAILING_DATE = re.compile(r"\s*\d{4}年\d{1,2}月\d{1,2}日(?:\s*\d{1,2}:\d{2})?\s*$")
#: What every credits line holds: the colon after a role (:data:`_ROLE`) or a bar (:data:`_ROLE_BAR`).
_CREDIT_MARK = re.compile(r"[:：|｜/]")
#: A name is short and holds no sentence punctuation.
_NAME = re.compile(r"^[^。！？!?：:“”\"]{1,30}$")


def read_credits(text: str, *, alone: bool = True) -> tuple[tuple[str, str], ...] | None:
    """The ``(role, name)`` pairs of a credits line, or None when it is not one.

    ``alone=False`` reads a line among other credits lines, where one role
    without brackets (``记者：石磊``) is a credit whatever the role.
    """
    if not _CREDIT_MARK.search(text):
        return None  # neither a role's colon nor a bar: no pattern below can match
    stripped = text.strip()
    bracketed = len(stripped) > 2 and stripped[0] in "（(" and stripped[-1] in ")）"
    inner = stripped[1:-1].strip() if bracketed else stripped
    if inner[:1] not in _ROLE_FIRST:
        return None  # both patterns start with a role, and the date is cut from the end only
    inner = _TRAILING_DATE.sub("", inner)
    if _ROLE.match(inner) is None:  # where the first role would be found, if it is first
        bar = _ROLE_BAR.match(inner)
        if bar and _NAME.match(_name(bar.group(2))) and (bar.group(1).split("、")[-1] in EDITORIAL_ROLES or not alone or "、" in bar.group(1) or len(bar.group(1)) <= 2):
            return ((bar.group(1), _name(bar.group(2))),)
        return None
    matches = list(_ROLE.finditer(inner))
    roles: list[tuple[str, str]] = []
    for match, following in zip(matches, [*matches[1:], None]):
        end = following.start() if following else len(inner)
        roles.extend(_entries(match.group(1), inner[match.end() : end]))
    if not all(_NAME.match(name) for _, name in roles):
        return None
    if alone and not bracketed and len(roles) == 1 and roles[0][0] not in EDITORIAL_ROLES:
        return None
    return tuple(roles)


def _entries(role: str, rest: str) -> list[tuple[str, str]]:
    """``(role, name)``, and more entries when ``rest`` holds unknown roles."""
    entries: list[tuple[str, str]] = []
    for unknown in reversed(list(_UNKNOWN_ROLE.finditer(rest))):
        entries.insert(0, (unknown.group(1), _name(rest[unknown.end() :])))
        rest = rest[: unknown.start()]
    return [(role, _name(rest)), *entries]


def _name(text: str) -> str:
    return text.strip(_CREDIT_SEPARATORS)


def _credits_line(block: Block) -> tuple[tuple[str, str], ...] | None:
    """The roles of a paragraph read as one line among credits lines."""
    return read_credits(block_text(block), alone=False) if isinstance(block, Paragraph) else None


def _credits_group(blocks: list[Block], index: int) -> tuple[int, int]:
    """``(start, stop)`` of the credits lines written right above and below ``index``."""
    start, stop = index, index + 1
    while start > 0 and _next_credits(blocks[start - 1], blocks[start]):
        start -= 1
    while stop < len(blocks) and _next_credits(blocks[stop - 1], blocks[stop]):
        stop += 1
    return start, stop


def _next_credits(first: Block, second: Block) -> bool:
    """Whether two neighbouring paragraphs are both credits: on consecutive lines,
    or a blank line apart when each is a credits line on its own
    (``本文作者：A 本文摄影：B⏎⏎微信审核：C``)."""
    if not (_credits_line(first) and _credits_line(second)):
        return False
    if getattr(second, "break_before", None) == "":
        return True
    return bool(read_credits(block_text(first)) and read_credits(block_text(second)))


def recognise_credits(blocks: list[Block]) -> list[Block]:
    """Wrap the post's last credits as :class:`Credits`.

    Credits are one line (``(审核:A责编:B)``), or several lines in a row, one
    role each (``责任编辑：A⏎记者：B``); a line of one unbracketed role only
    counts on its own when the role is an editor's.
    """
    for index in range(len(blocks) - 1, -1, -1):
        if not _credits_line(blocks[index]):
            continue
        start, stop = _credits_group(blocks, index)
        if stop - start == 1 and not read_credits(block_text(blocks[index])):
            continue
        roles = tuple(role for block in blocks[start:stop] for role in _credits_line(block) or ())
        _wrap(blocks, start, stop, partial(Credits, roles))
        break
    return blocks


# --------------------------------------------------------------------------
# WeChat UI cruft


#: Arrows and marks exporters leave before a prompt (``▲点击上方蓝字``).
_DECORATION = "▲△↑⬆☝👆🔺 \t\u3000"
#: Cruft is a short line; a long one that starts like a prompt is an article line.
CRUFT_MAX_CHARS = 40
_SHARE_WORD = r"(?:点个?)?[“\"「]?(?:分享|点赞|在看|转发|收藏|赞)[”\"」]?"
_SHARE_SEPARATOR = r"[、，,\s·|/+和]*"

_CRUFT = (
    (
        "follow-prompt",
        re.compile(
            r"^(?:点击|点|戳|轻触)\s*(?:上方|标题下方?|顶部|下方)?\s*"
            r"(?:“[^”]{1,24}”|\"[^\"]{1,24}\"|「[^」]{1,24}」|蓝字|蓝色字|名片|公众号)"
            r"[\s，,]*(?:一键|免费)?(?:关注|加入|订阅|设为星标)"
        ),
    ),
    ("follow-prompt", re.compile(r"^(?:上方|标题下方?)\s*.{0,6}(?:蓝字|关注)")),
    (
        "scan-prompt",
        re.compile(r"^(?:(?:扫描|扫码|长按|识别|微信扫).{0,8}二维码|(?:长按|扫码|扫描)(?:识别)?\s*(?:关注|添加|加入))"),
    ),
    ("share-prompt", re.compile(rf"^{_SHARE_WORD}(?:{_SHARE_SEPARATOR}{_SHARE_WORD})*[！!。~～]*$")),
    ("share-prompt", re.compile(rf"^{_SHARE_WORD}(?:{_SHARE_SEPARATOR}{_SHARE_WORD})+[，,].{{0,16}}$")),
    (
        "end-of-page",
        re.compile(
            r"^(?:继续滑动看下一个|向上滑动看下一个|阅读原文|轻触阅读原文|预览时标签不可点|←\s*向右滑动.*→?)$"
        ),
    ),
    # What a backup tool adds: ``小懒自动备份，仅供查阅学习`` and its ``返回列表页`` link.
    ("backup-note", re.compile(r"^.{0,24}备份，仅供查阅学习$|^返回列表页$")),
)


#: The characters a line of cruft may start with (after its decoration), each pattern's
#: first ones; a backup tool's note is told by what it ends with.
_CRUFT_FIRST = frozenset("点戳轻上标扫长识微“\"「分在转收赞继向阅预←返")
_BACKUP_NOTE = "备份，仅供查阅学习"


def cruft_kind(text: str) -> str | None:
    """The kind of WeChat UI text a line is, or None when it is article text."""
    text = text.strip(_DECORATION)
    if not text or len(text) > CRUFT_MAX_CHARS:
        return None
    if text[0] not in _CRUFT_FIRST and _BACKUP_NOTE not in text:
        return None  # no pattern can match: most lines
    for kind, pattern in _CRUFT:
        if pattern.match(text):
            return kind
    return None


#: The account name WeChat shows between two end-of-page prompts.
_NAME_BETWEEN_MAX_CHARS = 20


def _cruft_extent(blocks: list[Block], index: int, kind: str) -> int:
    """Index just past the cruft starting at ``index``.

    More prompts of the same kind on the next lines belong to it, and so do
    the bold lines of the account name a scan prompt was cut from, and the
    account name between ``继续滑动看下一个`` and ``向上滑动看下一个``.
    """
    stop = index + 1
    while stop < len(blocks):
        following = blocks[stop]
        if not isinstance(following, Paragraph):
            break
        text = block_text(following)
        if kind == "end-of-page" and stop + 1 < len(blocks) and len(text) <= _NAME_BETWEEN_MAX_CHARS:
            after = blocks[stop + 1]
            if isinstance(after, Paragraph) and cruft_kind(block_text(after)) == kind and not cruft_kind(text):
                stop += 2
                continue
        if following.break_before is None:
            break
        same = cruft_kind(text) == kind
        name_part = kind == "scan-prompt" and _only_strong(following) is not None and len(text) <= 12
        if not (same or name_part):
            break
        stop += 1
    return stop


def recognise_cruft(blocks: list[Block]) -> list[Block]:
    """Wrap every run of WeChat UI text as :class:`Cruft`."""
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        kind = cruft_kind(block_text(block)) if isinstance(block, Paragraph) else None
        if kind is None:
            out.append(block)
            index += 1
            continue
        stop = _cruft_extent(blocks, index, kind)
        children = tuple(blocks[index:stop])
        out.append(Cruft(kind, children, _span(children)))
        index = stop
    return out


RECOGNISERS: tuple[Callable[[list[Block]], list[Block]], ...] = (
    recognise_repost,
    recognise_cruft,
    recognise_account,
    recognise_original,
    recognise_credits,
    recognise_footer,
    recognise_provenance,
)
