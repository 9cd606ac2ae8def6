"""One post's review page: the original and the repaired post side by side, each change
beside the block it was made in, and every image with its status."""

from __future__ import annotations

import bisect
import html
from collections.abc import Iterable, Sequence

from ..emit.html import sanitize_html
from ..migrate import ImageUse, PostResult
from ..rules import Change
from .pictures import Pictures, image_html, replace_media
from .render import Shown, Split, markdown_blocks, split_post
from .shell import page


def post_page(post: PostResult, pictures: Pictures, *, title: str, engine: str | None, index: str) -> str:
    """The whole page of ``post`` (``index``: the index page's address, relative to this one;
    ``engine``: the one written for, None when the site's own)."""
    original = split_post(post.original, str(post.source)) if post.original else None
    repaired = _repaired_column(post, pictures)
    target = f"Repaired for {engine}" if engine else "Repaired"
    left = _original_column(original, post.changes, pictures) if original is not None else _missing("not read")
    body = (
        f'<p class="back"><a href="{html.escape(index)}">← all posts</a></p>\n'
        f"<h1>{html.escape(title)}</h1>\n"
        f"{_facts(post)}\n{_problems(post)}\n"
        '<div class="columns">\n'
        f'<section class="column original"><h2>Original, as CommonMark shows it</h2>\n{left}</section>\n'
        f'<section class="column repaired"><h2>{html.escape(target)}</h2>\n'
        f"{repaired}</section>\n</div>\n"
        f"{_image_table(pictures)}"
    )
    return page(title, body)


def _facts(post: PostResult) -> str:
    where = f"{post.source}" + (f" → {post.output}" if post.output else "")
    changes = f"{len(post.changes)} change(s)" if post.changes else "no change"
    return f'<p class="facts"><code>{html.escape(where)}</code> · {changes}</p>'


def _problems(post: PostResult) -> str:
    """What is left to fix in the post, first on the page."""
    items = [f"<li>{html.escape(post.error)}</li>"] if post.error else []
    items += [f"<li>line {line}: image not found: <code>{html.escape(src)}</code></li>" for src, line in post.unresolved]
    items += [
        f"<li>line {p.line}: image <code>{html.escape(p.src)}</code>: {html.escape(p.reason)}</li>"
        for p in post.image_problems
    ]
    if not items:
        return ""
    return '<section class="problems"><h2>Problems</h2><ul>\n' + "\n".join(items) + "\n</ul></section>"


def _original_column(split: Split, changes: Sequence[Change], pictures: Pictures) -> str:
    """The original's blocks, each followed by the changes made at its lines."""
    blocks = markdown_blocks(split.body, split.body_line, pictures)
    placed = _place(changes, blocks, split.body_line)
    rows = [_front_matter(split.head, placed.get(-1, []))]
    for number, block in enumerate(blocks):
        rows.append(_row(block.html, placed.get(number, []), block.first))
    if len(blocks) in placed:
        rows.append(_row("", placed[len(blocks)], 0))
    return "\n".join(row for row in rows if row)


def _place(changes: Iterable[Change], blocks: Sequence[Shown], body_line: int) -> dict[int, list[Change]]:
    """Which block each change is shown beside: the one holding its line, else the next
    block (a blank line a rule removed); -1 for the front matter, ``len(blocks)`` after the last."""
    starts = [block.first for block in blocks]
    placed: dict[int, list[Change]] = {}
    for change in sorted(changes, key=lambda c: c.line):
        at = bisect.bisect_right(starts, change.line) - 1
        if change.line < body_line:
            at = -1
        elif at < 0 or change.line > blocks[at].last:
            at += 1
        placed.setdefault(at, []).append(change)
    return placed


def _row(shown: str, changes: Sequence[Change], line: int) -> str:
    notes = "".join(_change(change) for change in changes)
    aside = f'<aside class="changes"><ol>{notes}</ol></aside>' if notes else '<aside class="changes"></aside>'
    marker = ' class="row changed"' if changes else ' class="row"'
    anchor = f' id="line-{line}"' if line else ""
    return f'<div{marker}{anchor}><div class="block">{shown}</div>{aside}</div>'


def _change(change: Change) -> str:
    return (
        f'<li><span class="rule">{html.escape(change.rule)}</span> <span class="line">line {change.line}</span>'
        f'<br><del>{html.escape(change.before)}</del> → <ins>{html.escape(change.after)}</ins></li>'
    )


def _front_matter(head: str, changes: Sequence[Change]) -> str:
    if not head and not changes:
        return ""
    shown = f'<pre class="front-matter">{html.escape(head)}</pre>' if head else ""
    return _row(shown, changes, 0)


def _repaired_column(post: PostResult, pictures: Pictures) -> str:
    if post.repaired is None:
        return _missing("not repaired: see the problems above")
    if post.output is not None and post.output.suffix == ".html":
        return f'<div class="block">{replace_media(sanitize_html(post.repaired), pictures)}</div>'
    split = split_post(post.repaired, str(post.output or post.source))
    head = f'<pre class="front-matter">{html.escape(split.head)}</pre>' if split.head else ""
    blocks = markdown_blocks(split.body, split.body_line, pictures)
    return head + "\n".join(f'<div class="block">{block.html}</div>' for block in blocks)


def _missing(why: str) -> str:
    return f'<p class="absent">{html.escape(why)}</p>'


def _image_table(pictures: Pictures) -> str:
    """Every image of the post, in source order, with its status and thumbnail."""
    if not pictures.uses:
        return ""
    rows = "\n".join(_image_row(use, pictures) for use in pictures.uses)
    return (
        '<section class="images"><h2>Images</h2>\n<table>\n'
        "<tr><th>line</th><th>image</th><th>status</th><th>address in the post</th></tr>\n"
        f"{rows}\n</table></section>\n"
    )


def _image_row(use: ImageUse, pictures: Pictures) -> str:
    file = f"<br><small>{html.escape(str(use.file))}</small>" if use.file else ""
    return (
        f'<tr class="image-row image-{html.escape(use.status)}"><td>{use.line}</td>'
        f"<td>{image_html(use, use.src, pictures.href(use))}</td>"
        f"<td>{html.escape(use.status)}</td><td><code>{html.escape(use.src)}</code>{file}</td></tr>"
    )
