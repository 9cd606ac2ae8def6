"""Hypothesis strategies for realistic clean WeChat posts and each of their parts.

Every strategy generates the *clean* shape, the one :func:`wxmigrate.repair`
leaves a post in, so that repairing what they generate changes nothing:

- one block per paragraph, a blank line between blocks (a ``▲`` caption
  stays on the line right under its image, after a hard break, and a card's
  lines are joined by hard breaks: the card stays one block, as WeChat shows it);
- the full title in the front matter; a repost note naming the account;
- bold runs that CommonMark reads as bold: a bold run never starts or ends
  with punctuation that stops it flanking (``是“**快查快打**”有效``, not
  ``是**“快查快打”**有效``), and two bold runs never touch;
- every paragraph of the article ends its last sentence (``。！？``) and
  none starts with punctuation that continues a sentence, so no line of a
  clean post reads as a sentence cut in two.

Each part strategy generates that part's Markdown; :func:`posts` puts the
parts together into a :class:`~wxmigrate.testing.GeneratedPost`.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Mapping

from hypothesis import strategies as st

from . import words
from .drafts import BLANK, HARD, Draft, Piece, Run
from .samples import GeneratedPost
from .validation import check_bounds, check_count, check_flag

#: How many article blocks :func:`posts` may be asked for at most.
MAX_BLOCKS = 40

# --------------------------------------------------------------------------
# Words and runs


def _word(choices: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(choices)


def _amounts() -> st.SearchStrategy[str]:
    """A figure with its unit: ``12户``, ``40亩``."""
    return st.builds(lambda number, unit: f"{number}{unit}", st.integers(1, 2000), _word(words.UNITS))


def merge_runs(runs: list[Run]) -> tuple[Run, ...]:
    """Runs with neighbouring plain text joined and empty runs dropped."""
    out: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if out and run.kind == "plain" and out[-1].kind == "plain":
            out[-1] = Run(out[-1].text + run.text)
        else:
            out.append(run)
    return tuple(out)


@st.composite
def _clauses(draw: st.DrawFn, *, bold: bool) -> list[Run]:
    """One clause: a few words, perhaps a (bold) figure or a (bold) quoted term."""
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return [Run(draw(_word(words.PEOPLE)) + draw(_word(words.VERBS)) + draw(_word(words.OBJECTS)))]
    if kind == 1:
        style = "bold" if bold and draw(st.booleans()) else "plain"
        return [Run(draw(_word(words.VERBS)) + draw(_word(words.OBJECTS))), Run(draw(_amounts()), style)]
    if kind == 2:
        head = draw(_word(words.TIMES)) + draw(_word(words.PLACES)) + draw(_word(words.PEOPLE))
        return [Run(head + draw(_word(words.VERBS)) + draw(_word(words.OBJECTS)))]
    if kind == 3:
        space = draw(st.sampled_from(("", " ")))
        latin = draw(_word(words.LATIN))
        return [Run(f"通过{space}{latin}{space}{draw(_word(words.VERBS))}{draw(_word(words.OBJECTS))}")]
    style = "bold" if bold and draw(st.booleans()) else "plain"
    tail = draw(st.sampled_from(("", "的做法", "成了口头禅")))
    return [Run(draw(_word(words.PEOPLE)) + "说是“"), Run(draw(_word(words.TERMS)), style), Run("”" + tail)]


@st.composite
def _sentences(draw: st.DrawFn, *, bold: bool) -> list[Run]:
    """One sentence: clauses joined by ``，、；``, ended by ``。！？``."""
    clauses = draw(st.lists(_clauses(bold=bold), min_size=1, max_size=3))
    runs: list[Run] = []
    for index, clause in enumerate(clauses):
        if index:
            runs.append(Run(draw(_word(words.CLAUSE_JOINS))))
        runs.extend(clause)
    runs.append(Run(draw(_word(words.SENTENCE_ENDS))))
    return runs


@st.composite
def paragraph_runs(draw: st.DrawFn, *, bold: bool | None = None) -> tuple[Run, ...]:
    """The runs of one article paragraph; ``bold=True`` always opens with a bold lead-in."""
    runs: list[Run] = []
    allow_bold = bold is not False
    if bold or (allow_bold and draw(st.booleans())):
        runs += [Run(draw(_word(words.LEADS)), "bold"), Run(draw(st.sampled_from(("，", "："))))]
    for sentence in draw(st.lists(_sentences(bold=allow_bold), min_size=1, max_size=3)):
        runs.extend(sentence)
    return merge_runs(runs)


@st.composite
def _subheadings(draw: st.DrawFn) -> Piece:
    """A line that is one bold run: a date line, a short headline, a quoted slogan."""
    kind = draw(st.integers(0, 2))
    if kind == 0:
        text = f"截至{draw(st.integers(1, 12))}月{draw(st.integers(1, 28))}日{draw(st.integers(0, 23))}时"
    elif kind == 1:
        text = "".join(draw(_word(choices)) for choices in (words.PLACES, words.PEOPLE, words.VERBS, words.OBJECTS))
    else:
        text = f"守护{draw(_word(words.PEOPLE))}“{draw(_word(words.TERMS))}”"
    return Piece("subheading", (Run(text, "bold"),))


def _headings() -> st.SearchStrategy[Piece]:
    return st.builds(
        lambda level, place, thing: Piece("heading", (Run(f"{'#' * level} {place}{thing}"),)),
        st.integers(2, 3), _word(words.PLACES), _word(words.OBJECTS),
    )


# --------------------------------------------------------------------------
# Images


def _names() -> st.SearchStrategy[str]:
    return st.builds(
        lambda stem, number, extension: f"{stem}{number:02d}.{extension}",
        st.sampled_from(("photo", "field", "event", "banner")), st.integers(1, 99),
        st.sampled_from(("jpeg", "png", "gif", "jpg")),
    )


def image_sources(*, title: str, date: str) -> st.SearchStrategy[str]:
    """Where exported images live: the site's image folder, WeChat's servers, the export folder.

    The export folder is named after the post's date and full title, as the
    exporters name it (``2022-03-05春耕时节…/field02.jpeg``).
    """
    hashes = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=8, max_size=8)
    return st.one_of(
        _names().map(lambda name: "{{site.baseurl}}/assets/wx/" + name),
        st.builds(lambda h, kind: f"https://mmbiz.qpic.cn/mmbiz_{kind}/{h}/640?wx_fmt={kind}", hashes,
                  st.sampled_from(("jpeg", "png", "gif"))),
        _names().map(lambda name: f"{date}{title}/{name}"),
    )


@st.composite
def figure_pieces(draw: st.DrawFn, *, title: str, date: str, captions: bool | None = None) -> tuple[Piece, ...]:
    """An image on its own line, perhaps with a ``▲`` caption on the line under it."""
    figure = Piece("figure", (Run(draw(image_sources(title=title, date=date)), "image"),))
    with_caption = draw(st.booleans()) if captions is None else captions
    if not with_caption:
        return (figure,)
    return figure, Piece("caption", (Run("▲" + draw(_word(words.CAPTIONS))),))


# --------------------------------------------------------------------------
# Front matter, cards and end matter


def titles() -> st.SearchStrategy[str]:
    """A full post title: where, who, what (``梧桐社区志愿者开展植树活动``)."""
    return st.builds(
        lambda place, people, verb, thing: place + people + verb + thing,
        _word(words.PLACES), _word(words.PEOPLE), _word(words.VERBS), _word(words.OBJECTS),
    )


def _dates() -> st.SearchStrategy[str]:
    return st.dates(datetime.date(2016, 1, 1), datetime.date(2024, 12, 31)).map(datetime.date.isoformat)


def _repost_piece(account: str) -> Piece:
    note = f"<blockquote><p>转载：{account}<br>\n来源：微信公众号</p></blockquote>"
    return Piece("repost", (Run(note, "raw"),))


@st.composite
def account_card_pieces(draw: st.DrawFn, *, account: str) -> tuple[Piece, ...]:
    """The reposting account's card as ``tidy_cards`` lays it out: ``[X]`` or ``**X**``
    (both only without an intro), ``微信号：…``, ``功能介绍：…``.

    The parser needs the name (from ``[X]`` or ``**X**``) and one of ``[X]``
    or ``功能介绍…`` to tell a card from a contact notice, so every card has them.
    """
    bracket = draw(st.booleans())
    bold_name = not bracket or draw(st.booleans())
    intro = not bracket or draw(st.booleans())
    bracket = bracket and not (bold_name and intro)  # the name once, where the intro tells the card
    wechat_id = draw(st.sampled_from(("wutong_service", "gh_3fa9c1d2e7b0", "nanhu2020", "qinghe_nongji")))
    pieces = []
    if bracket:
        pieces.append(Piece("account", (Run(f"[{account}]"),)))
    if bold_name:
        pieces.append(Piece("account", (Run(account, "bold"),)))
    pieces.append(Piece("account", (Run(f"微信号：{wechat_id}"),)))
    if intro:
        pieces.append(Piece("account", (Run("功能介绍：" + draw(_word(words.INTROS))),)))
    return tuple(pieces)


@st.composite
def original_card_pieces(draw: st.DrawFn, *, name: str) -> tuple[Piece, ...]:
    """The original-source card: ``以下文章来源于X，作者Y``, perhaps the avatar line
    ``![](…)**X**`` (no full stop: ``tidy_cards`` takes it away) and, under it, the
    account's intro (the parser reads an intro only there)."""
    author = draw(st.one_of(st.none(), _word(words.NAMES)))
    first = f"以下文章来源于{name}" + (f"，作者{author}" if author else "")
    pieces = [Piece("original", (Run(first),))]
    if draw(st.booleans()):
        avatar = f"http://wx.qlogo.cn/mmhead/{draw(st.sampled_from(('Avatar0001', 'Qh8xT2', 'Nh0Zq')))}/0"
        pieces.append(Piece("avatar", (Run(avatar, "image"), Run(name, "bold"))))
        if draw(st.booleans()):
            pieces.append(Piece("original_intro", (Run(draw(_word(words.INTROS))),)))
    return tuple(pieces)


def _provenance_pieces(name: str) -> st.SearchStrategy[Piece]:
    return st.sampled_from((f"（转自{name}）", f"（来源：{name}）", f"(来源:{name})")).map(
        lambda text: Piece("provenance", (Run(text),))
    )


@st.composite
def _credits_pieces(draw: st.DrawFn) -> Piece:
    roles = draw(st.lists(_word(words.ROLES), min_size=1, max_size=4, unique=True))
    names = [draw(_word(words.NAMES)) for _ in roles]
    colon, separator = draw(st.sampled_from(((":", ""), ("：", ""), (":", " "), ("：", "｜"))))
    opening, closing = draw(st.sampled_from((("(", ")"), ("（", "）"))))
    inner = separator.join(f"{role}{colon}{name}" for role, name in zip(roles, names))
    return Piece("credits", (Run(opening + inner + closing),))


@st.composite
def footer_pieces(draw: st.DrawFn, *, qr_code: bool | None = None) -> tuple[Piece, ...]:
    """The account's footer: a closing rule, bold thanks, perhaps a QR code."""
    thanks = "".join(draw(st.lists(_word(words.THANKS), min_size=1, max_size=2, unique=True)))
    pieces = [Piece("rule", (Run("***"),)), Piece("footer_text", (Run(thanks, "bold"),))]
    if qr_code or (qr_code is None and draw(st.booleans())):
        pieces.append(Piece("footer_image", (Run("{{site.baseurl}}/assets/wx/qrcode01.png", "image"),)))
    return tuple(pieces)


# --------------------------------------------------------------------------
# Whole posts


@st.composite
def _article(draw: st.DrawFn, *, title: str, date: str, min_blocks: int, max_blocks: int) -> list[Piece]:
    """The article: paragraphs, bold subheadings, headings and figures, in any order."""
    item = st.one_of(
        paragraph_runs().map(lambda runs: (Piece("paragraph", runs),)),
        _subheadings().map(lambda piece: (piece,)),
        figure_pieces(title=title, date=date),
        _headings().map(lambda piece: (piece,)),
    )
    items = draw(st.lists(item, min_size=min_blocks, max_size=max_blocks))
    return [piece for pieces in items for piece in pieces]


#: The kinds of piece each card is made of.
CARDS = (frozenset({"account"}), frozenset({"original", "avatar", "original_intro"}))


def same_card(above: Piece, below: Piece) -> bool:
    """Whether two pieces are lines of the same card."""
    return any(above.kind in card and below.kind in card and below.kind != "original" for card in CARDS)


def _clean_joints(pieces: list[Piece]) -> tuple[str, ...]:
    """A blank line between blocks; a hard break between an image and its caption, and
    between a card's lines."""
    return tuple(
        HARD if below.kind == "caption" or same_card(above, below) else BLANK
        for above, below in itertools.pairwise(pieces)
    )


@st.composite
def drafts(draw: st.DrawFn, *, parts: Mapping[str, bool | None], min_blocks: int, max_blocks: int) -> Draft:
    """A clean post as a :class:`~wxmigrate.testing.drafts.Draft` (what :func:`posts` renders).

    ``parts`` maps each part flag of :func:`posts` to True, False or None.
    """

    def wanted(part: str) -> bool:
        flag = parts.get(part)
        return draw(st.booleans()) if flag is None else flag

    title, date = draw(titles()), draw(_dates())
    account = draw(_word(words.ACCOUNTS))
    pieces: list[Piece] = []
    if wanted("repost"):
        pieces.append(_repost_piece(account))
    if wanted("account_card"):
        pieces.extend(draw(account_card_pieces(account=account)))
    original = None
    if wanted("original_card"):
        original = draw(st.sampled_from([name for name in words.ACCOUNTS if name != account]))
        pieces.extend(draw(original_card_pieces(name=original)))
    pieces.extend(draw(_article(title=title, date=date, min_blocks=min_blocks, max_blocks=max_blocks)))
    if wanted("provenance"):
        pieces.append(draw(_provenance_pieces(original or account)))
    if wanted("credits"):
        pieces.append(draw(_credits_pieces()))
    if wanted("footer"):
        pieces.extend(draw(footer_pieces()))
    padding = draw(st.sampled_from((" ", "      ")))
    tags = tuple(draw(st.lists(_word(("社区", "志愿者", "活动", "通知")), max_size=2, unique=True)))
    named = any(piece.kind in ("repost", "account") for piece in pieces)
    return Draft(
        title, date, tuple(pieces), _clean_joints(pieces), padding=padding, tags=tags,
        account=account if named else None, original=original,
    )


def sample_of(draft: Draft) -> GeneratedPost:
    """The public view of a draft."""
    return GeneratedPost(draft.markdown(), draft.title, draft.account, draft.original, draft.images(), draft=draft)


def posts(
    *,
    repost: bool | None = None,
    account_card: bool | None = None,
    original_card: bool | None = None,
    provenance: bool | None = None,
    credits: bool | None = None,
    footer: bool | None = None,
    min_blocks: int = 1,
    max_blocks: int = 8,
) -> st.SearchStrategy[GeneratedPost]:
    """Realistic clean posts, in the shape repair leaves them (repairing one changes nothing).

    Each part flag is True (always), False (never) or None (sometimes):
    ``repost`` (the ``<blockquote>`` repost note), ``account_card``,
    ``original_card``, ``provenance`` (``（转自X）``), ``credits``
    (``(审核:A责编:B)``), ``footer`` (``***``, thanks, a QR code).  The
    article between them has ``min_blocks`` to ``max_blocks`` blocks:
    paragraphs of mixed Chinese, Latin and digits with bold lead-ins, bold
    figures and quoted terms, bold subheadings, headings, and images (on
    the site, on WeChat's servers or in the export folder) with or without
    a ``▲`` caption.

    >>> from wxmigrate.testing import posts
    >>> posts(footer=True, max_blocks=3).example().text.startswith("---")  # doctest: +SKIP
    True
    """
    function = "posts"
    parts = {
        "repost": repost, "account_card": account_card, "original_card": original_card,
        "provenance": provenance, "credits": credits, "footer": footer,
    }
    for name, value in parts.items():
        check_flag(function, name, value)
    check_count(function, "min_blocks", min_blocks, 0, MAX_BLOCKS)
    check_count(function, "max_blocks", max_blocks, 0, MAX_BLOCKS)
    check_bounds(function, "min_blocks", min_blocks, "max_blocks", max_blocks)
    return drafts(parts=parts, min_blocks=min_blocks, max_blocks=max_blocks).map(sample_of)


# --------------------------------------------------------------------------
# Each part alone, as Markdown


def _markdown(pieces: tuple[Piece, ...]) -> str:
    return Draft("", "", pieces, _clean_joints(list(pieces))).body()


def paragraphs(*, bold: bool | None = None) -> st.SearchStrategy[str]:
    """One article paragraph: sentences of Chinese, Latin words and figures, ended by ``。！？``.

    ``bold=True`` always opens it with a bold lead-in (``**一是**，``) and may
    add bold figures (``**12户**``) and bold quoted terms (``“**快查快打**”``);
    ``bold=False`` has no bold at all; None (the default) either.
    """
    check_flag("paragraphs", "bold", bold)
    return paragraph_runs(bold=bold).map(lambda runs: Piece("paragraph", runs).markdown())


def figures(*, captions: bool | None = None) -> st.SearchStrategy[str]:
    """An image on its own line, with a ``▲`` caption under it when ``captions`` says so."""
    check_flag("figures", "captions", captions)
    return _figure_markdown(captions)


@st.composite
def _figure_markdown(draw: st.DrawFn, captions: bool | None) -> str:
    title, date = draw(titles()), draw(_dates())
    return _markdown(draw(figure_pieces(title=title, date=date, captions=captions)))


@st.composite
def front_matters(draw: st.DrawFn) -> str:
    """A post's YAML front matter (``layout``, ``title``, ``date``, ``tags``), fences included."""
    title, date = draw(titles()), draw(_dates())
    padding = draw(st.sampled_from((" ", "      ")))
    return Draft(title, date, (), (), padding=padding, tags=("社区",)).front_matter()


def repost_notes() -> st.SearchStrategy[str]:
    """A repost note: ``<blockquote><p>转载：ACCOUNT<br>⏎来源：微信公众号</p></blockquote>``."""
    return _word(words.ACCOUNTS).map(lambda account: _repost_piece(account).markdown())


def account_cards() -> st.SearchStrategy[str]:
    """A reposting account's card (``**X**``, ``微信号：…``, ``功能介绍：…``), lines joined by hard breaks."""
    return _word(words.ACCOUNTS).flatmap(lambda account: account_card_pieces(account=account)).map(_markdown)


def original_cards() -> st.SearchStrategy[str]:
    """An original-source card: ``以下文章来源于X，作者Y``, perhaps the avatar line ``![](…)**X**`` and the intro."""
    return _word(words.ACCOUNTS).flatmap(lambda name: original_card_pieces(name=name)).map(_markdown)


def provenance_lines() -> st.SearchStrategy[str]:
    """A provenance line: ``（转自X）`` or ``（来源：X）``."""
    return _word(words.ACCOUNTS).flatmap(_provenance_pieces).map(Piece.markdown)


def credit_lines() -> st.SearchStrategy[str]:
    """An editorial credits line such as ``(审核:林木责编:叶青)``."""
    return _credits_pieces().map(Piece.markdown)


def footers(*, qr_code: bool | None = None) -> st.SearchStrategy[str]:
    """An account's footer: ``***``, a bold thank-you line, and a QR code when ``qr_code`` says so."""
    check_flag("footers", "qr_code", qr_code)
    return footer_pieces(qr_code=qr_code).map(_markdown)
