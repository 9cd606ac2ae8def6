"""What the strategies build before writing Markdown: a post as pieces and the joints between them.

A :class:`Draft` is a post the way an exporter lays it out: front matter,
then one *piece* per source line (a paragraph, an image, a card line…),
each separated from the one before by a *joint*: a blank line in a clean
post, a plain line end where the exporter squashed paragraphs together,
nothing where it glued an image to the text after it.  A piece is a run of
:class:`Run`\\ s (plain text, bold text, an image, or verbatim markup), so the
damage injectors (:mod:`.damage`) can cut, glue and garble exactly where the
exporters do, and know what they did.
"""

from __future__ import annotations

import attrs
from attrs import frozen

#: A blank line: how a clean (repaired) post separates its blocks.
BLANK = "\n\n"
#: A plain line end: how exporters join paragraphs (and a caption to its image).
LINE = "\n"
#: A hard break: how a clean post joins the lines of a card (it stays one block, as WeChat
#: shows it), and a caption to its image (it shows under the image).
HARD = "  \n"
#: Nothing: an image glued to what follows it.
GLUED = ""

#: Piece kinds that hold the article's own paragraphs (where text damage may go).
ARTICLE_TEXT = frozenset({"paragraph", "subheading", "footer_text"})


@frozen
class Run:
    """A stretch of one line: ``plain`` or ``bold`` text, an ``image`` (``text`` is its
    source), or ``raw`` markup written as it is (what damage inserts)."""

    text: str
    kind: str = "plain"

    def markdown(self) -> str:
        if self.kind == "bold":
            return f"**{self.text}**"
        if self.kind == "image":
            return f"![]({self.text})"
        return self.text


@frozen
class Piece:
    """One source line of the body (a repost note spans two), of a known ``kind``.

    Kinds: ``repost``, ``title_heading``, ``account``, ``original``, ``avatar``,
    ``original_intro``, ``paragraph``, ``subheading`` (a line that is one bold run), ``heading``,
    ``figure``, ``caption``, ``provenance``, ``credits``, ``rule``,
    ``footer_text``, ``footer_image``, ``stray`` (stray bold markers on their own).
    """

    kind: str
    runs: tuple[Run, ...]

    def markdown(self) -> str:
        return "".join(run.markdown() for run in self.runs)

    @property
    def images(self) -> tuple[str, ...]:
        return tuple(run.text for run in self.runs if run.kind == "image")


@frozen
class Draft:
    """A whole post: front matter fields, pieces, and the joint before each piece but the first."""

    title: str
    date: str
    pieces: tuple[Piece, ...]
    joints: tuple[str, ...]
    #: The title as the front matter writes it (a prefix of ``title`` when truncated).
    written_title: str = attrs.field()
    #: Spaces between ``title:`` and the value (exporters align the values).
    padding: str = " "
    tags: tuple[str, ...] = ()
    #: The reposting account the repost note and the account card name (None when neither is there).
    account: str | None = None
    #: The account of the original-source card, if there is one.
    original: str | None = None

    @written_title.default
    def _full_title(self) -> str:
        return self.title

    def __attrs_post_init__(self) -> None:
        if len(self.joints) != max(len(self.pieces) - 1, 0):
            raise ValueError(f"{len(self.pieces)} pieces need {len(self.pieces) - 1} joints, got {len(self.joints)}")

    def front_matter(self) -> str:
        lines = [
            "---",
            "layout: post",
            f"title:{self.padding}{self.written_title}",
            f"date:{self.padding}{self.date}",
            # As the exporter marks a repost: the post reads as its dialect, wechat-jekyll.
            f"author:{self.padding}转载",
        ]
        if self.tags:
            lines.append("tags:")
            lines.extend(f"    - {tag}" for tag in self.tags)
        lines.append("---")
        return "\n".join(lines) + "\n"

    def body(self) -> str:
        out: list[str] = []
        for index, piece in enumerate(self.pieces):
            if index:
                out.append(self.joints[index - 1])
            out.append(piece.markdown())
        return "".join(out)

    def markdown(self) -> str:
        """The post's text: front matter, a blank line, the body, a final newline."""
        return self.front_matter() + "\n" + self.body() + "\n"

    def images(self) -> tuple[str, ...]:
        return tuple(src for piece in self.pieces for src in piece.images)

    def find(self, kind: str) -> Piece | None:
        return next((piece for piece in self.pieces if piece.kind == kind), None)

    def replace(self, index: int, *pieces: Piece, joints: tuple[str, ...] = ()) -> Draft:
        """The draft with piece ``index`` replaced by ``pieces``, joined by ``joints``.

        The joints around the replaced piece stay; ``replace(i, new, old, joints=(LINE,))``
        inserts ``new`` just above ``old``.
        """
        if not pieces or len(joints) != len(pieces) - 1:
            raise ValueError("give at least one piece, and one joint between each two")
        new_pieces = (*self.pieces[:index], *pieces, *self.pieces[index + 1 :])
        new_joints = (*self.joints[:index], *joints, *self.joints[index:])
        return attrs.evolve(self, pieces=new_pieces, joints=new_joints)

    def with_joint(self, index: int, joint: str) -> Draft:
        """The draft with the joint before piece ``index + 1`` replaced."""
        joints = (*self.joints[:index], joint, *self.joints[index + 1 :])
        return attrs.evolve(self, joints=joints)
