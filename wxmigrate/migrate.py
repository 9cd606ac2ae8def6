"""Repairing a whole site: read every post, repair it, write it and the images it uses.

:func:`repair_site` is what ``wxmigrate repair`` runs.  It never touches the
source unless ``in_place`` is set (then every changed file is backed up first
and written atomically), one bad post never stops the others, and each post's
output is parsed again before it is written: if text or images would be lost,
the post is not written and the reason is reported.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath

import attrs

from .emit import Engine, get_engine, to_markdown
from .errors import WxMigrateError
from .model import Cruft, Finding, Footer, Post, images
from .parse import parse
from .read import read_text
from .rules import Change, make_options, repair
from .rules.conservation import article_text
from .site import FRONT_MATTER_IMAGE_KEYS, Site, discover, inside, local_path
from .write import atomic_write, backup, copy_file, digest


@attrs.frozen
class PostResult:
    """What happened to one post."""

    source: Path
    output: Path | None = None
    changes: tuple[Change, ...] = ()
    #: Local images whose file was not found: (src, line).
    unresolved: tuple[tuple[str, int], ...] = ()
    #: Cruft and footer found: (kind, first line, last line).
    boilerplate: tuple[tuple[str, int, int], ...] = ()
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    original: str = ""
    repaired: str | None = None
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.unresolved


@attrs.frozen
class RunResult:
    """What a repair run did."""

    site: Site
    posts: tuple[PostResult, ...]
    #: Image files copied: (from, to).
    copied: tuple[tuple[Path, Path], ...] = ()
    backup_folder: Path | None = None

    @property
    def exit_code(self) -> int:
        """0 when every post is clean, 1 when problems are left (errors, missing images)."""
        return 0 if all(post.ok for post in self.posts) else 1


class ImagePlan:
    """Where each image file of the site goes in the output, without name clashes."""

    def __init__(self, site: Site, folder: str) -> None:
        self.site = site
        self.folder = folder
        self.targets: dict[Path, str] = {}
        self._taken: dict[str, str] = {}  # target -> content digest

    def resolve(self, src: str) -> Path | None:
        """The file an image source points at, found by name; None when there is none."""
        path = local_path(src)
        if path is None:
            return None
        name = PurePosixPath(path).name
        candidates = self.site.images.get(name, ())
        if not candidates:
            return None
        direct = (self.site.root / path).resolve()
        for candidate in candidates:
            if candidate.resolve() == direct:
                return candidate
        in_folder = [c for c in candidates if self.folder and c.parent.name == PurePosixPath(self.folder).name]
        named = [c for c in candidates if c.parent.name and c.parent.name in path]
        return (in_folder or named or list(candidates))[0]

    def target(self, file: Path) -> str:
        """The file's site-relative path in the output (``postimg/NAME``)."""
        if file in self.targets:
            return self.targets[file]
        wanted = f"{self.folder}/{file.name}" if self.folder else file.name
        content = digest(file)
        taken = self._taken.get(wanted)
        if taken is not None and taken != content:
            stem, dot, suffix = file.name.rpartition(".")
            wanted = f"{self.folder}/{stem}-{content[:8]}.{suffix}" if dot else f"{self.folder}/{file.name}-{content[:8]}"
        self._taken[wanted] = content
        self.targets[file] = wanted
        return wanted


def _boilerplate(post: Post) -> tuple[tuple[str, int, int], ...]:
    found = []
    for block in post.blocks:
        if isinstance(block, Cruft):
            found.append((block.kind, *block.lines))
        elif isinstance(block, Footer):
            found.append(("footer", *block.lines))
    return tuple(found)


def _front_matter_images(post: Post, site: Site) -> list[Path]:
    files = []
    for key in FRONT_MATTER_IMAGE_KEYS:
        value = post.front_matter.get(key)
        if isinstance(value, str) and (path := local_path(value)):
            candidate = site.root / path
            if candidate.is_file() and inside(candidate, site.root):
                files.append(candidate)
    return files


def repair_post_file(
    path: Path,
    site: Site,
    plan: ImagePlan,
    *,
    engine: Engine,
    option_values: Mapping[str, object],
) -> tuple[PostResult, dict[Path, str]]:
    """Repair one post file; return its result and the image files it needs (file -> target)."""
    try:
        text = read_text(path)
        post = parse(text, path=str(path))
    except WxMigrateError as error:
        return PostResult(source=path, error=str(error)), {}
    needed: dict[Path, str] = {}
    assets: dict[str, str] = {}
    unresolved: list[tuple[str, int]] = []
    for image, line in images(post):
        if local_path(image.src) is None:
            continue
        file = plan.resolve(image.src)
        name = PurePosixPath(local_path(image.src) or "").name
        if file is None:
            # Link it where the file belongs, so that dropping the file in fixes it.
            unresolved.append((image.src, line))
            assets.setdefault(name, f"{plan.folder}/{name}" if plan.folder else name)
            continue
        target = plan.target(file)
        needed[file] = target
        assets[name] = target
    for file in _front_matter_images(post, site):
        needed[file] = site.relative(file).as_posix()
    try:
        options = make_options(engine=engine, assets=assets, **option_values)
        repaired, changes = repair(post, options)
        output = to_markdown(repaired, engine)
        _check_output(output, repaired, path)
    except WxMigrateError as error:
        return PostResult(source=path, original=text, error=str(error)), {}
    result = PostResult(
        source=path,
        changes=tuple(changes),
        unresolved=tuple(unresolved),
        boilerplate=_boilerplate(post),
        findings=post.findings,
        original=text,
        repaired=output,
    )
    return result, needed


def _check_output(output: str, repaired: Post, path: Path) -> None:
    """Parse the output again: it must hold the same article text and images."""
    again = parse(output, path=str(path))
    if article_text(again) != article_text(repaired):
        raise WxMigrateError(str(path), 0, "the emitted Markdown would change the article's text; not written")
    if [i.src for i, _ in images(again)] != [i.src for i, _ in images(repaired)]:
        raise WxMigrateError(str(path), 0, "the emitted Markdown would change the post's images; not written")


def repair_site(
    source: str | Path,
    *,
    out: str | Path | None = None,
    in_place: bool = False,
    dry_run: bool = False,
    engine: str | Engine = "jekyll",
    assets: Iterable[str | Path] = (),
    progress: Callable[[int, int], None] | None = None,
    **option_values: object,
) -> RunResult:
    """Repair every post of ``source`` into ``out`` (or in place); see the module doc."""
    engine = get_engine(engine)
    make_options(engine=engine, **option_values)  # unknown options or rule names fail here, before any work
    if (out is None) == (not in_place):
        raise ValueError("give exactly one of out= or in_place=True")
    skip = [Path(out)] if out is not None else []
    site = discover(source, assets=assets, skip=skip)
    folder = site.image_folder or engine.images_folder
    plan = ImagePlan(site, folder)
    target_root = site.root if in_place else Path(out)  # type: ignore[arg-type]
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup_folder = site.root / ".wxmigrate-backup" / stamp if in_place else None
    results: list[PostResult] = []
    copies: list[tuple[Path, Path]] = []
    for number, path in enumerate(site.posts, 1):
        result, needed = repair_post_file(path, site, plan, engine=engine, option_values=option_values)
        if result.repaired is not None and not dry_run:
            destination = path if in_place else target_root / site.relative(path)
            if in_place and result.repaired != result.original:
                assert backup_folder is not None
                backup(path, site.root, backup_folder)
            written = atomic_write(destination, result.repaired.encode("utf-8"))
            result = attrs.evolve(result, output=destination, written=written)
            for file, target in needed.items():
                try:
                    if copy_file(file, target_root / target):
                        copies.append((file, target_root / target))
                except OSError as error:
                    result = attrs.evolve(result, error=f"{file}: cannot copy to {target}: {error}")
        elif result.repaired is not None:
            result = attrs.evolve(result, output=path if in_place else target_root / site.relative(path))
        results.append(result)
        if progress:
            progress(number, len(site.posts))
    if not in_place and not dry_run and site.jekyll and (site.root / "_config.yml").is_file():
        copy_config(site.root / "_config.yml", Path(out) / "_config.yml")  # type: ignore[arg-type]
    return RunResult(site, tuple(results), tuple(copies), backup_folder)


def copy_config(source: Path, target: Path) -> None:
    """Copy the site's Jekyll config so the output builds as a site."""
    atomic_write(target, source.read_bytes())
