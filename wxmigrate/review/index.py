"""The review's index page, written at the end of a run from one small summary per post.

Posts with problems come first, then the most changed; a table of the changes by
rule heads the page.  Plain tables: the page works without JavaScript.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Sequence

import attrs

from ..migrate import PostResult
from .shell import page


@attrs.frozen
class Summary:
    """What the index shows of one post: a few numbers and words, never its text."""

    page: str
    source: str
    title: str
    #: The number of changes each rule made, by rule.
    rules: tuple[tuple[str, int], ...]
    #: One short phrase per kind of problem left ("2 images missing", the error).
    problems: tuple[str, ...]
    changed: bool
    #: How many of its images have each status ("ok", "remote", "missing"…).
    images: tuple[tuple[str, int], ...] = ()

    @property
    def changes(self) -> int:
        return sum(count for _rule, count in self.rules)


def summary(post: PostResult, page_address: str, title: str) -> Summary:
    """The summary of one post whose page is at ``page_address`` (relative to the index)."""
    problems = []
    if post.error:
        problems.append(post.error)
    if post.unresolved:
        problems.append(f"{len(post.unresolved)} image(s) missing")
    if post.image_problems:
        problems.append(f"{len(post.image_problems)} image(s) with a problem")
    counts = Counter(change.rule for change in post.changes)
    statuses = Counter(use.status for use in post.images)
    return Summary(
        page_address, str(post.source), title, tuple(counts.most_common()), tuple(problems), post.changed,
        tuple(sorted(statuses.items())),
    )


def order(summaries: Iterable[Summary]) -> list[Summary]:
    """Posts with problems first, then by number of changes (most first), then by path."""
    return sorted(summaries, key=lambda s: (not s.problems, -s.changes, s.source))


def index_page(summaries: Sequence[Summary], *, source: str, engine: str, dry_run: bool) -> str:
    """The index: totals, changes by rule, and one row per post."""
    posts = order(summaries)
    by_rule: Counter[str] = Counter()
    posts_by_rule: Counter[str] = Counter()
    for post in posts:
        for rule, count in post.rules:
            by_rule[rule] += count
            posts_by_rule[rule] += 1
    troubled = sum(1 for post in posts if post.problems)
    changed = sum(1 for post in posts if post.changed)
    run = "dry run: nothing written" if dry_run else "written"
    title = f"Review of wxmigrate repair: {source}"
    body = (
        f"<h1>{html.escape(title)}</h1>\n"
        f'<p class="facts">{len(posts)} post(s), {changed} changed, {sum(p.changes for p in posts)} change(s), '
        f"{troubled} with problems · for {html.escape(engine)} · {run}</p>\n"
        "<h2>Posts</h2>\n<p>Posts with problems first, then the most changed.</p>\n<table class=\"posts\">\n"
        "<tr><th>post</th><th>problems</th><th>changes</th><th>images</th><th>by rule</th></tr>\n"
        + "\n".join(_row(post) for post in posts)
        + "\n</table>\n<h2>Changes by rule</h2>\n<table class=\"rules\">\n"
        "<tr><th>rule</th><th>changes</th><th>posts</th></tr>\n"
        + "\n".join(
            f"<tr><td><code>{html.escape(rule)}</code></td><td>{count}</td><td>{posts_by_rule[rule]}</td></tr>"
            for rule, count in by_rule.most_common()
        )
        + "\n</table>"
    )
    return page(title, body)


def _row(post: Summary) -> str:
    problems = "<br>".join(f'<span class="problem">{html.escape(p)}</span>' for p in post.problems)
    rules = ", ".join(f"{html.escape(rule)} ×{count}" for rule, count in post.rules)
    images = ", ".join(f"{count} {html.escape(status)}" for status, count in post.images)
    name = html.escape(post.title or post.source)
    return (
        f'<tr><td><a href="{html.escape(post.page)}">{name}</a><br><small>{html.escape(post.source)}</small></td>'
        f"<td>{problems}</td><td>{post.changes}</td><td><small>{images}</small></td><td><small>{rules}</small></td></tr>"
    )
