"""The peers wxmigrate is measured against, each run as a whole process over a benchmark site.

    python benchmarks/baselines.py TASK SITE

``TASK`` is one of:

- ``regex``: read every post and make one regular-expression pass over it
  (finding its images): the floor any tool that reads the posts pays;
- ``markdown-it``: markdown-it-py's CommonMark parse and render of every
  post's body to HTML;
- ``mdformat``: mdformat's formatting of every post's body to a string;
- ``pillow-open``: Pillow's ``Image.open`` of every image file (the header
  only), each file once;
- ``pillow-open-hash``: the same, each file read whole and its SHA-256 taken
  too: the least work that gives what ``wxmigrate verify`` reports of a file
  at header level (its format, size and hash; the hash finds duplicates and
  known stand-in images);
- ``pillow-load``: ``Image.open`` and ``load()`` of every frame of every
  image file, each file once.

Posts are the ``_posts/*.md`` files; image files are every JPEG, PNG and GIF
under the site.  A file Pillow cannot read is passed over, as a checker
would report it and go on.  Each task imports only the library it uses.
"""

from __future__ import annotations

import hashlib
import io
import re
import sys
from collections.abc import Callable
from pathlib import Path

IMAGE_SUFFIXES = (".jpeg", ".jpg", ".png", ".gif")
_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]*)\)")


def post_files(site: Path) -> list[Path]:
    """The site's posts, in name order."""
    return sorted((site / "_posts").glob("*.md"))


def image_files(site: Path) -> list[Path]:
    """Every image file under the site, each once, in path order."""
    return sorted(path for path in site.rglob("*") if path.suffix in IMAGE_SUFFIXES and path.is_file())


def body(text: str) -> str:
    """A post without its YAML front matter (what a Markdown engine is given)."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            return text[end + 5 :]
    return text


def regex(site: Path) -> None:
    """Read each post and find its images with one regular expression."""
    for path in post_files(site):
        _IMAGE.findall(path.read_text(encoding="utf-8"))


def markdown_it(site: Path) -> None:
    """Parse and render each post's body with markdown-it-py's CommonMark preset."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")
    for path in post_files(site):
        parser.render(body(path.read_text(encoding="utf-8")))


def mdformat(site: Path) -> None:
    """Format each post's body with mdformat (to a string; nothing is written)."""
    import mdformat as formatter

    for path in post_files(site):
        formatter.text(body(path.read_text(encoding="utf-8")))


def pillow_open(site: Path) -> None:
    """Open each image file with Pillow: the header is read, no pixel decoded."""
    from PIL import Image

    for path in image_files(site):
        try:
            with Image.open(path) as image:
                image.size
        except (OSError, ValueError, Image.DecompressionBombError):
            pass


def pillow_open_hash(site: Path) -> None:
    """Read each image file whole, take its SHA-256 and open it with Pillow (the header)."""
    from PIL import Image

    for path in image_files(site):
        data = path.read_bytes()
        hashlib.sha256(data).hexdigest()
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.size
        except (OSError, ValueError, Image.DecompressionBombError):
            pass


def pillow_load(site: Path) -> None:
    """Open each image file with Pillow and decode every frame."""
    from PIL import Image

    for path in image_files(site):
        try:
            with Image.open(path) as image:
                for frame in range(getattr(image, "n_frames", 1)):
                    image.seek(frame)
                    image.load()
        except (OSError, ValueError, EOFError, Image.DecompressionBombError):
            pass


TASKS: dict[str, Callable[[Path], None]] = {
    "regex": regex,
    "markdown-it": markdown_it,
    "mdformat": mdformat,
    "pillow-open": pillow_open,
    "pillow-open-hash": pillow_open_hash,
    "pillow-load": pillow_load,
}


def main() -> None:
    """Run the task named on the command line over the site named after it."""
    if len(sys.argv) != 3 or sys.argv[1] not in TASKS or not Path(sys.argv[2]).is_dir():
        sys.exit(f"usage: python benchmarks/baselines.py {{{','.join(TASKS)}}} SITE (a site folder)")
    TASKS[sys.argv[1]](Path(sys.argv[2]))


if __name__ == "__main__":
    main()
