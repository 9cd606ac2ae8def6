"""An HTML review of a repair run: ``wxmigrate repair SRC --out DST --review DIR``.

:class:`Review` is given each post as the run finishes it (``repair_site``'s
``on_post``) and writes that post's page at once (``DIR/posts/NNNN-NAME.html``:
the original and the repaired post side by side, the changes beside the blocks
they were made in, every image with its status); it keeps only a small summary of
each post and writes ``DIR/index.html`` from them at the end.  The pages are
static, sanitised, load nothing from another host and link each other relatively,
so the folder can be opened from disk.  See ``docs/review.md``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from ..errors import WriteError
from ..migrate import PostResult, RunResult
from ..write import atomic_write
from .index import Summary, index_page, summary
from .page import post_page
from .pictures import Pictures
from .render import split_post

#: Characters a page's file name keeps from its post's (letters of any script, digits, ``.-_``).
_UNSAFE_NAME = re.compile(r"[^\w.-]+")


class Review:
    """Writes the review of one run into ``folder``: a page per post, then the index."""

    def __init__(self, folder: str | Path, *, engine: str | None = None) -> None:
        self.folder = Path(folder)
        self.posts_folder = self.folder / "posts"
        self.engine = engine
        self.summaries: list[Summary] = []
        try:
            self.posts_folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WriteError(str(self.folder), 0, f"cannot make the review folder: {error.strerror or error}") from error

    def add(self, post: PostResult) -> None:
        """Write the page of ``post`` (with its texts and images) and remember its summary."""
        name = f"{len(self.summaries) + 1:04d}-{_UNSAFE_NAME.sub('-', post.source.stem)[:80]}.html"
        title = (split_post(post.original, str(post.source)).title if post.original else "") or post.source.name
        pictures = Pictures(post.images, self.posts_folder)
        text = post_page(post, pictures, title=title, engine=self.engine, index="../index.html")
        self._write(self.posts_folder / name, text)
        self.summaries.append(summary(post, "posts/" + quote(name), title))

    def finish(self, result: RunResult, *, dry_run: bool = False) -> Path:
        """Write the index of every post added; return its path."""
        text = index_page(self.summaries, source=str(result.site.root), engine=result.engine, dry_run=dry_run)
        index = self.folder / "index.html"
        self._write(index, text)
        return index

    def _write(self, path: Path, text: str) -> None:
        try:
            atomic_write(path, text.encode("utf-8"))
        except OSError as error:
            raise WriteError(str(path), 0, f"cannot write the review page: {error.strerror or error}") from error


__all__ = ["Review"]
