"""The rule that cuts script out of a post: the Markdown written must be as safe as the HTML.

Jekyll, Hugo with ``unsafe = true``, Hexo and Eleventy pass raw HTML through to
the page and themes print front-matter values unescaped, so a post holding
``<script>``, ``<img onerror>``, an ``<iframe>`` or a ``javascript:`` image would
carry them onto the site.  Links to script are :func:`.html.unlink_javascript_links`'
job; this rule does the rest, with :mod:`wxmigrate.emit.inert`.
"""

from __future__ import annotations

import attrs

from ..chars import clean_text
from ..emit.frontmatter import inert_front_matter
from ..emit.inert import holds_tag, inert_html, inert_image, inert_text, script_url, tagged_strings
from ..emit.markdown import Context, render_blocks
from ..emit.raw_html import html_blocks
from ..model import (
    Block,
    Figure,
    HtmlBlock,
    Image,
    Inline,
    OriginalCard,
    Post,
    RawHtml,
    Repost,
    block_inlines,
    walk_inlines,
)
from ..parse.blocks import parse_blocks, split_lines
from ..parse.inline import merge_texts
from .base import Change, Options, rule, short
from .features import Features
from .walk import block_with_inlines, map_sequences


def inert_inlines(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Runs with script cut out of their raw HTML and images; a tag left empty goes."""
    out: list[Inline] = []
    changed = False
    for inline in inlines:
        new: Inline | None = inline
        if isinstance(inline, RawHtml):
            markup = inert_html(inline.html)
            new = None if not markup else inline if markup == inline.html else RawHtml(markup)
        elif isinstance(inline, Image):
            new = inert_image(inline)
        changed = changed or new is not inline
        if new is not None:
            out.append(new)
    return merge_texts(out) if changed else inlines


def _reads_as_html(markup: str) -> bool:
    """Whether markup written as a block reads back as that one HTML block."""
    blocks = parse_blocks(split_lines(markup))
    return len(blocks) == 1 and isinstance(blocks[0], HtmlBlock) and blocks[0].html == markup


#: An empty comment: it opens an HTML block that ends on its line, and shows nothing.
_OPENER = "<!---->"


def inert_html_block(block: HtmlBlock) -> list[Block]:
    """An HTML block with script cut out; none left when it held only script.

    What is left may no longer read as HTML: ``<script>…</script>[x](y)`` leaves ``[x](y)``,
    which a browser showed as it stands and a Markdown engine would make a link.  It stays
    an HTML block behind an empty comment (``<!---->[x](y)``); when that cannot hold it
    (lines after a blank one, as a ``<textarea>``'s), it becomes the blocks a reader saw.
    """
    markup = inert_html(block.html)
    if markup == block.html:
        return [block]
    if not markup.strip():
        return []
    for html in (markup, _OPENER + markup):
        if _reads_as_html(html):
            return [attrs.evolve(block, html=html)]
    return [attrs.evolve(shown, lines=block.lines) for shown in html_blocks(clean_text(markup))]


def inert_block(block: Block) -> Block:
    """One block with script cut out of what it holds itself (a container's children are
    blocks of their own): the repost note, inline HTML, images, an avatar's address."""
    if isinstance(block, Repost):
        markup = inert_html(block.html)
        return block if markup == block.html else attrs.evolve(block, html=markup)
    if isinstance(block, Figure):
        image = inert_image(block.image)
        block = block if image is block.image else attrs.evolve(block, image=image)
    if isinstance(block, OriginalCard) and block.avatar and script_url(block.avatar, picture=True):
        return attrs.evolve(block, avatar=None)
    if not any(isinstance(inline, (RawHtml, Image)) for inline in walk_inlines(block_inlines(block))):
        return block  # nothing :func:`inert_inlines` changes (a walk that rebuilds nothing)
    return block_with_inlines(block, inert_inlines, nested=True)


def _shown(block: Block, context: Context) -> str:
    if isinstance(block, OriginalCard):
        return f"avatar {block.avatar}"
    return short(render_blocks((block,), context))


def may_hold_script(features: Features, post: Post) -> bool:
    """:func:`neutralize_script`'s pre-test: some block holds script the rule would cut
    (:attr:`.Features.scripted`: raw HTML, the repost note, an original card's avatar, an
    image), or the front matter or the title holds a tag.  Most posts hold none: a repost
    note or raw HTML with no script in it lets the rule be skipped."""
    front_matter, title = post.front_matter.data, post.title
    return features.scripted or holds_tag(front_matter) or inert_text(title) != title


@rule(generic=True, removes_text=True, removes_images=True, applies=may_hold_script)
def neutralize_script(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Cut script out of raw HTML, images and front matter, keeping the text.

    ``<p onclick="x()">通知</p><script>track()</script>`` -> ``<p>通知</p>``: ``<script>``,
    ``on*`` handlers, ``javascript:`` addresses, ``<iframe>`` and the like.  Safe HTML
    stays byte for byte.  A ``<script>`` or ``<style>`` element goes with its code (a
    browser shows none); ``<iframe>``, ``<svg>``, ``<form>`` and the like lose their tags,
    not their text; a ``javascript:`` image keeps its alt text and loses its address;
    tags in alt text go; in the front matter a ``<`` that opens a tag is written
    ``&lt;``.  It is exempt from the letter count: what a ``<textarea>`` held as text
reads as markup once its tags go.
    """
    context = options.engine.context()

    def edit(blocks: list[Block]) -> tuple[list[Block], list[Change]]:
        out: list[Block] = []
        changes: list[Change] = []
        for block in blocks:
            new = inert_html_block(block) if isinstance(block, HtmlBlock) else [inert_block(block)]
            if new == [block] and new[0] is block:
                out.append(block)
                continue
            line = getattr(block, "lines", (0, 0))[0]
            after = "".join(_shown(shown, context) for shown in new)
            changes.append(Change("neutralize_script", post.path, line, _shown(block, context), after))
            out.extend(new)
        return out, changes

    post, changes = map_sequences(post, edit)
    front = inert_front_matter(post.front_matter)
    if front is not post.front_matter:
        for value in tagged_strings(post.front_matter.data):
            changes.append(Change("neutralize_script", post.path, 1, short(value), short(inert_text(value))))
        post = attrs.evolve(post, front_matter=front)
    title = inert_text(post.title)  # the recovered title, which write_back_full_title writes there
    if title != post.title:
        if not changes or changes[-1].before != short(post.title):
            changes.append(Change("neutralize_script", post.path, 1, short(post.title), short(title)))
        post = attrs.evolve(post, title=title)
    return post, changes
