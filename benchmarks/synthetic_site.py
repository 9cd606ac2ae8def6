"""A synthetic Jekyll site of damaged WeChat posts and their image files, the same on every run.

:func:`build_site` writes ``_config.yml``, ``_posts/`` (one post per file,
dialect ``wechat-jekyll``), the image folder ``assets/wx/`` and the export
folders ``exports/<date><title>/`` the posts point into, as exporters leave
them.  Posts are :func:`wxmigrate.testing.damaged_posts` examples (20 to 40
blocks, every kind of damage), each with clean :func:`wxmigrate.testing.paragraphs`
put between its blocks until it is about 8 KB, with about 7 images (some on
WeChat's servers, most on the site).

Drawing a post from Hypothesis takes about a tenth of a second, so a few
dozen are drawn (derandomized: the same ones every run) and reused: each
copy gets its own date, file name, image names and extra paragraphs.

Image files are real JPEG, PNG and GIF files (one GIF in four animated), 80
to 240 pixels wide, each file's bytes unique; one in ten is broken the ways
exports break them: missing, empty, truncated (a third of it kept), or
another format than its extension says.
"""

from __future__ import annotations

import datetime
import random
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import attrs
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from images import distinct, encoded
from wxmigrate.testing import DamagedPost, damaged_posts, paragraphs, posts

T = TypeVar("T")

#: How a file's extension maps to its format.
FORMATS = {"jpeg": "JPEG", "jpg": "JPEG", "png": "PNG", "gif": "GIF"}
#: What can go wrong with an image file, and in how many of each :data:`BATCH` files (the rest are sound).
DAMAGE = {"missing": 1, "empty": 1, "truncated": 1, "mislabelled": 2}
BATCH = 50
#: About how long a post is, in UTF-8 bytes.
POST_BYTES = 8000
IMAGE_FOLDER = "assets/wx"
EXPORTS = "exports"
_FIRST_DAY = datetime.date(2016, 1, 1)
_DAYS = 3288  # up to 2024-12-31
_DATE = re.compile(r"^date: (\d{4}-\d\d-\d\d)$", re.MULTILINE)
_SITE_IMAGE = re.compile(r"(assets/wx/)((?:photo|field|event|banner)\d\d)\.")
_EXPORT_IMAGE = re.compile(r"(?<![\w-])((?:photo|field|event|banner)\d\d)\.(?=jpeg|jpg|png|gif)")


@attrs.frozen
class SyntheticSite:
    """What :func:`build_site` wrote."""

    root: Path
    posts: tuple[Path, ...]
    #: Every local file the posts point at, each once, and its state: one of :data:`DAMAGE` or "sound".
    files: Mapping[Path, str]
    #: How many image references the posts hold, local files and remote addresses.
    references: int

    @property
    def images(self) -> tuple[Path, ...]:
        """The image files on disk (every referenced file but the missing ones)."""
        return tuple(path for path, state in self.files.items() if state != "missing")

    def damage(self) -> Counter[str]:
        """How many files are in each state."""
        return Counter(self.files.values())


def examples(strategy: st.SearchStrategy[T], count: int) -> list[T]:
    """``count`` examples of ``strategy`` (fewer if some repeat), the same ones on every run.

    Hypothesis's generate phase only, derandomized: no database, no shrinking.
    """
    found: list[T] = []

    @settings(max_examples=count, derandomize=True, database=None, phases=[Phase.generate],
              deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(example: T) -> None:
        found.append(example)

    collect()
    return found


def distinct_posts(count: int) -> list[DamagedPost]:
    """``count`` different damaged posts of 20 to 40 blocks (every damage pattern may apply)."""
    drawn = examples(damaged_posts(clean=posts(min_blocks=20, max_blocks=40)), count)
    return list({sample.text: sample for sample in drawn}.values())


def copy_text(sample: DamagedPost, copy: int, extras: Sequence[str], rng: random.Random) -> tuple[str, str]:
    """Copy number ``copy`` of ``sample``: its own date and image names, and ``extras`` between
    its blocks until it is about :data:`POST_BYTES` long; also return the new date."""
    date = _FIRST_DAY + datetime.timedelta(days=copy * 7 % _DAYS)
    text = renamed(sample.text, sample, copy, date.isoformat())
    return padded(text, extras, rng), date.isoformat()


def renamed(text: str, sample: DamagedPost, copy: int, date: str) -> str:
    """``text`` (the sample's, or one of its image sources) with the copy's date and image names."""
    old = _DATE.search(sample.text)
    if old is not None:
        text = text.replace(old.group(1), date)
    text = _SITE_IMAGE.sub(lambda m: f"{m.group(1)}{m.group(2)}-{copy:05d}.", text)
    return _EXPORT_IMAGE.sub(lambda m: f"{m.group(1)}-{copy:05d}-export.", text)


def padded(text: str, extras: Sequence[str], rng: random.Random) -> str:
    """``text`` with paragraphs from ``extras`` put between article blocks until it is
    about :data:`POST_BYTES` long.

    Never before a block's first three or after its last three blocks (the
    cards and the footer), nor above a ``▲`` caption (that would detach it).
    """
    end = text.index("\n---\n", 3) + 5
    blocks = text[end:].split("\n\n")
    places = [index for index in range(3, len(blocks) - 3) if not blocks[index].startswith("▲")]
    if not places:
        return text
    missing = POST_BYTES - len(text.encode("utf-8"))
    additions: dict[int, list[str]] = {}
    while missing > 0:
        paragraph = rng.choice(extras)
        additions.setdefault(rng.choice(places), []).append(paragraph)
        missing -= len(paragraph.encode("utf-8")) + 2
    out: list[str] = []
    for index, block in enumerate(blocks):
        out.extend(additions.get(index, []))
        out.append(block)
    return text[:end] + "\n\n".join(out)


def local_files(sources: Sequence[str]) -> list[str]:
    """The site-relative file each local source points at (remote addresses left out), each once."""
    files: dict[str, None] = {}
    for source in sources:
        if source.startswith("{{site.baseurl}}/"):
            files[source.removeprefix("{{site.baseurl}}/")] = None
        elif not source.startswith(("http://", "https://")):
            files[f"{EXPORTS}/{source}"] = None
    return list(files)


def states(rng: random.Random) -> Iterator[str]:
    """The state of each file in turn: in every :data:`BATCH` files, each kind of :data:`DAMAGE`
    as often as it says, at places ``rng`` chooses; "sound" for the others."""
    while True:
        batch = [kind for kind, count in DAMAGE.items() for _ in range(count)]
        batch += ["sound"] * (BATCH - len(batch))
        rng.shuffle(batch)
        yield from batch


def image_bytes(relative: str, kind: str, pool: dict[str, list[bytes]], rng: random.Random) -> bytes | None:
    """What to write at ``relative`` for a file in state ``kind`` (None: no file)."""
    if kind == "missing":
        return None
    if kind == "empty":
        return b""
    fmt = FORMATS[relative.rsplit(".", 1)[1]]
    if kind == "mislabelled":
        fmt = "PNG" if fmt != "PNG" else "JPEG"
    data = distinct(rng.choice(pool[fmt]), fmt, relative)
    return data[: len(data) // 3] if kind == "truncated" else data


def build_site(root: Path, count: int, *, distinct_count: int = 48, seed: int = 0) -> SyntheticSite:
    """Write a Jekyll site of ``count`` posts and their images into ``root`` (created; must not exist)."""
    samples = distinct_posts(min(count, distinct_count))
    extras = examples(paragraphs(), max(40, min(count, distinct_count) * 8))
    pool = {fmt: encoded(fmt, 12, seed=seed) for fmt in ("JPEG", "PNG", "GIF")}
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text('title: 社区之窗\nbaseurl: ""\n', encoding="utf-8")
    files: dict[Path, str] = {}
    post_paths, references = [], 0
    file_states = states(random.Random(seed))
    for copy in range(count):
        rng = random.Random(f"{seed}-{copy}")
        sample = samples[copy % len(samples)]
        text, date = copy_text(sample, copy, extras, rng)
        path = root / "_posts" / f"{date}-post-{copy:05d}.md"
        path.write_text(text, encoding="utf-8")
        post_paths.append(path)
        sources = [renamed(source, sample, copy, date) for source in sample.clean.images]
        references += len(sources)
        for relative in local_files(sources):
            target = root / relative
            if target in files:
                continue  # the QR code every footer shows
            # One QR code: every footer shows it.
            files[target] = "sound" if "qrcode" in relative else next(file_states)
            data = image_bytes(relative, files[target], pool, rng)
            if data is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
    return SyntheticSite(root, tuple(post_paths), files, references)
