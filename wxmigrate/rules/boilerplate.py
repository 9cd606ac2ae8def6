"""The one opt-in rule: strip WeChat UI cruft and the account footer."""

from __future__ import annotations

from ..model import Block, Cruft, Footer, Post
from .base import Change, Options, rule
from .walk import map_sequences


def boilerplate(post: Post) -> list[Block]:
    """The cruft and footer blocks of a post (what ``--strip-boilerplate`` removes)."""
    return [block for block in post.blocks if isinstance(block, (Cruft, Footer))]


@rule(removes_text=True, opt_in=True)
def strip_boilerplate(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Remove WeChat UI cruft (点击上方蓝字关注…, 点分享/点在看) and the account footer.

    ``点分享⏎点点赞⏎点在看`` -> removed.  Only with ``--strip-boilerplate``; without
    it they are kept and listed in the report.
    """
    if not options.strip_boilerplate:
        return post, []

    def edit(blocks: list[Block]) -> tuple[list[Block], list[Change]]:
        kept: list[Block] = [block for block in blocks if not isinstance(block, (Cruft, Footer))]
        changes = [
            Change("strip_boilerplate", post.path, block.lines[0],
                   block.kind if isinstance(block, Cruft) else "footer", "")
            for block in blocks if isinstance(block, (Cruft, Footer))
        ]
        return kept, changes

    return map_sequences(post, edit)


