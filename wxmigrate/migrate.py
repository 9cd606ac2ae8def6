"""Repairing a whole site: read every post, repair it, write it and the images it uses.

:func:`repair_site` is what ``wxmigrate repair`` runs.  It never touches the
source unless ``in_place`` is set (then every changed file is backed up first
and written atomically), one bad post never stops the others, and each post's
output is parsed again before it is written: if text or images would be lost,
the post is not written and the reason is reported.

A run holds the lock of the folder it writes (:mod:`wxmigrate.lock`), reads
nothing through a symlink that leads out of the site, copies only images
that decode as what they are (:func:`image_verdict`), and names the file a
failed write was for; with ``dry_run`` it writes nothing and
:attr:`RunResult.actions` lists what it would write.

Without ``engine``, or with the engine the source already is, the output
*mirrors* the source: each post keeps its path and its front matter.  With
another engine the posts are *re-laid out* the way that engine wants them
(file names, front matter, image folders), and a minimal site is generated
when the output has no configuration of that engine (see ``docs/engines.md``).
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import attrs
import yaml

from .emit import ENGINES, Engine, get_engine, to_markdown
from .emit.frontmatter import PELICAN, TOML, YAML, dump_yaml, split_pelican
from .emit.metadata import merge_fields, place
from .emit.verbatim import claimed_lines
from .errors import ConfigError, FrontMatterError, UnsafePathError, WriteError, WxMigrateError, boundary, contain
from .guard import check_render
from .layout import Contested, PostMeta, name_key, post_meta, unique
from .model import Block, Cruft, Finding, Footer, FrontMatter, Post, images
from .parse import front_matter_line, parse
from .parse.dialects import DIALECTS
from .parse.reading import shared_inlines
from .read import Seen, Source, check_encoding, read_text, split_front_matter
from .rules import Change, make_options, repair
from .ledger import Ledger
from .outcheck import conserved, read_back
from .lock import folder_lock, terminate_raises
from .site import (
    FRONT_MATTER_IMAGE_KEYS,
    IGNORED,
    Site,
    discover,
    file_key,
    inside,
    local_path,
    outside_link,
)
from .verify.check import FileCheck, check_file
from .verify.formats import TRUE_EXTENSIONS, declared_format
from .write import atomic_write, backup, copy_file, digest, remove_stale_temporaries

if TYPE_CHECKING:
    from .resume import Entry
    from .work import PoolFactory

FORMATS = ("markdown", "html")
#: Image checks an :class:`ImagePlan` remembers (a file used by several posts is checked once).
CHECKS_KEPT = 4096


@attrs.frozen
class ImageProblem:
    """An image file a post uses that is not published as it is: why, and whether it was copied."""

    src: str
    line: int
    reason: str
    #: Copied all the same (under its own name: a mislabelled image whose link stays as written).
    copied: bool = False


@attrs.frozen
class ImageUse:
    """One image a post shows, as the run found it: for a review of the run (:mod:`wxmigrate.review`)."""

    src: str
    line: int
    #: ``ok``, ``remote``, ``missing`` (no file found), or the file's check status
    #: (``mismatched``, ``truncated``, ``broken``, ``empty``…, see :mod:`wxmigrate.verify`).
    status: str
    #: The site's file it shows, when one was found.
    file: Path | None = None
    #: The address the repaired post links it at (None when its link was left as written).
    link: str | None = None


@attrs.frozen
class PostResult:
    """What happened to one post."""

    source: Path
    output: Path | None = None
    changes: tuple[Change, ...] = ()
    #: Local images whose file was not found: (src, line).
    unresolved: tuple[tuple[str, int], ...] = ()
    #: Local images found but not used as they are, and why.
    image_problems: tuple[ImageProblem, ...] = ()
    #: Cruft and footer found: (kind, first line, last line).
    boilerplate: tuple[tuple[str, int, int], ...] = ()
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    #: The post's text as read, and as repaired (None when it could not be): kept only with
    #: ``keep_texts`` (or passed to ``on_post``), since they would make a run's memory grow
    #: with the archive.
    original: str = ""
    repaired: str | None = None
    written: bool = False
    #: The repaired text differs from the original (kept when the texts are dropped).
    changed: bool = False
    #: Every image of the post, as found (dropped with the texts).
    images: tuple[ImageUse, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None and not self.unresolved and not self.image_problems

    def without_texts(self) -> PostResult:
        """This result without the post's texts and images: what a run keeps of each post."""
        return attrs.evolve(self, original="", repaired=None, images=())


@attrs.frozen
class Action:
    """One file a run wrote, copied or backed up (with ``dry_run``: would have)."""

    verb: str
    path: Path
    source: Path | None = None

    def __str__(self) -> str:
        return f"{self.verb} {self.source} -> {self.path}" if self.source else f"{self.verb} {self.path}"


@attrs.frozen
class Counts:
    """How many posts a run did, failed and left with problems (for its exit code)."""

    posts: int = 0
    failed: int = 0
    #: Posts not :attr:`~PostResult.ok`: failed, or with images not found or not used.
    problems: int = 0

    def add(self, post: PostResult) -> Counts:
        return Counts(self.posts + 1, self.failed + bool(post.error), self.problems + (not post.ok))


@attrs.frozen
class RunResult:
    """What a repair run did.

    Its per-post results and files are read from the run's :class:`~wxmigrate.ledger.Ledger`
    on disk (a run's memory does not grow with the archive): each is a sequence read anew
    every time it is iterated.
    """

    site: Site
    ledger: Ledger = attrs.field(repr=False)
    counts: Counts = Counts()
    backup_folder: Path | None = None
    #: The engine written for, and whether the posts were re-laid out for it.
    engine: str = "jekyll"
    relaid: bool = False
    #: Files of the minimal site generated in the output (it had no configuration).
    generated: tuple[Path, ...] = ()
    #: Site files (configuration, the minimal site) that could not be written: one line each.
    errors: tuple[str, ...] = ()
    #: What the run could not do that changes nothing it wrote (a record it could not read): one line each.
    warnings: tuple[str, ...] = ()

    @property
    def posts(self) -> Sequence[PostResult]:
        """Every post's result, in post order (without its texts, unless ``keep_texts``)."""
        return self.ledger.posts(_post_result)

    @property
    def copied(self) -> Sequence[tuple[Path, Path]]:
        """Image files copied: (from, to)."""
        return self.ledger.copies()

    @property
    def actions(self) -> Sequence[Action]:
        """Every file written, copied or backed up, in order (with ``dry_run``: that would be)."""
        return self.ledger.actions(Action)

    @property
    def failed(self) -> tuple[PostResult, ...]:
        """The posts that could not be repaired (read, parsed, checked or written)."""
        return tuple(post for post in self.posts if post.error)

    @property
    def exit_code(self) -> int:
        """0 when every post is clean, 1 when problems are left (errors, missing images,
        site files not written), 2 when every post failed (nothing could be done)."""
        if self.counts.posts and self.counts.failed == self.counts.posts:
            return 2
        return 0 if not self.counts.problems and not self.errors else 1


def _post_result(value: object) -> PostResult:
    assert isinstance(value, PostResult)
    return value


@attrs.define
class Trace:
    """What one post's output was made from besides its own text, noted while it is repaired
    (for :mod:`wxmigrate.resume`): the image names it looked up, the output path it wanted."""

    names: set[str] = attrs.field(factory=set)
    wanted: str | None = None
    #: The post file as it was read: size, modification time (ns) and SHA-256 of its bytes.
    source: tuple[int, int, str] | None = None

    def saw(self, found: os.stat_result, data: bytes) -> None:
        """Note the post file's status and bytes as read (a :data:`wxmigrate.read.Seen`)."""
        self.source = found.st_size, found.st_mtime_ns, hashlib.sha256(data).hexdigest()


class RealPaths:
    """``os.path.realpath`` of many paths in few folders: each folder's is found once while it
    is remembered (the last :data:`CHECKS_KEPT`), and a path's is its folder's joined with its
    name unless that name is a symbolic link (then the whole path is resolved): one ``lstat``
    a path instead of one per component.  A run makes folders and files, never links, so what
    it remembers stays true while it runs."""

    def __init__(self) -> None:
        self._folders: dict[Path, str] = {}

    def of(self, path: Path) -> str:
        """``os.path.realpath(path)``."""
        name = path.name
        if name in ("", ".", "..") or os.path.islink(path):
            return os.path.realpath(path)
        return os.path.join(self.folder(path.parent), name)

    def folder(self, folder: Path) -> str:
        """``os.path.realpath(folder)``, remembered."""
        found = self._folders.get(folder)
        if found is None:
            if len(self._folders) >= CHECKS_KEPT:
                self._folders.clear()
            found = self._folders[folder] = os.path.realpath(folder)
        return found


class ImagePlan:
    """Where each image file of the site goes in the output, without name clashes."""

    def __init__(
        self, site: Site, folder: str, contested: frozenset[str] | None = None, *, defer: bool = False
    ) -> None:
        self.site = site
        #: The site's image folder: preferred when several files share a name.
        self.folder = folder
        self._contested = contested
        #: In a worker of a parallel run: :meth:`target` raises
        #: :class:`~wxmigrate.layout.Contested` for a contested name, and the post is
        #: done in order by the main process (see :mod:`wxmigrate.work`).
        self.defer = defer
        # Only contested names are remembered: the others are each a file's own.
        self._targets: dict[tuple[Path, str], str] = {}
        self._taken: dict[str, str] = {}  # target -> content digest
        self._checks: dict[Path, FileCheck] = {}
        self._real = RealPaths()
        #: Set while a post is repaired, to note what it looks up.
        self.trace: Trace | None = None

    @property
    def contested(self) -> frozenset[str]:
        """The names whose output path depends on the order of the posts (:func:`contested_names`)."""
        if self._contested is None:
            self._contested = contested_names(self.site, self.check)
        return self._contested

    def check(self, file: Path) -> FileCheck:
        """What the image file is (Pillow, header level), checked once while it is remembered
        (the last :data:`CHECKS_KEPT` files: a run's memory must not grow with its images)."""
        found = self._checks.get(file)
        if found is None:
            if len(self._checks) >= CHECKS_KEPT:
                self._checks.clear()
            found = self._checks[file] = check_file(file, declared=declared_format(file.name))
        return found

    def resolve(self, src: str, post_folder: Path | None = None) -> Path | None:
        """The file an image source points at: the one at its path (from the site root, or
        from the post's folder), else one found by name; None when there is none."""
        path = local_path(src)
        if path is None:
            return None
        name = PurePosixPath(path).name
        candidates = self._named(name)
        if not candidates:
            return None
        direct = self.linked(src, post_folder)
        if direct is not None:
            return direct
        in_folder = [
            c
            for c in candidates
            if self.folder and c.parent.name == PurePosixPath(self.folder).name
        ]
        named = [c for c in candidates if c.parent.name and c.parent.name in path]
        return (in_folder or named or list(candidates))[0]

    def linked(self, src: str, post_folder: Path | None = None) -> Path | None:
        """The site's image file an image source reaches as written (from the post's
        folder, or from the site root), or None when its link is broken."""
        path = local_path(src)
        if path is None:
            return None
        candidates = self._named(PurePosixPath(path).name)
        if not candidates:
            return None  # no file of that name: resolving the link's path would find none
        reals = [self._real.of(candidate) for candidate in candidates]
        for direct in self._directs(path, post_folder):
            if direct in reals:
                return candidates[reals.index(direct)]
        return None

    def _directs(self, path: str, post_folder: Path | None) -> Iterator[str]:
        """Where a link's ``path`` leads, resolved, in the order :meth:`linked` prefers them:
        from the post's folder, the site root, the engine's static folder (each worked out
        only when the one before leads to none of the files)."""
        if post_folder is not None:
            yield self._real.of(post_folder / path)
        yield self._real.of(self.site.root / path)
        if self.site.engine is not None and self.site.engine.static_root:
            yield self._real.of(self.site.root / self.site.engine.static_root / path)

    def real_path(self, path: Path) -> str:
        """``os.path.realpath(path)``, its folder's resolved once while it is remembered
        (:class:`RealPaths`): for the record's image states (:func:`wxmigrate.resume.image_state`)."""
        return self._real.of(path)

    def _named(self, name: str) -> tuple[Path, ...]:
        """The site's image files called ``name`` (noted in the :attr:`trace`)."""
        if self.trace is not None:
            self.trace.names.add(name)
        return self.site.images_named(name)

    def target(self, file: Path, wanted: str) -> str:
        """The file's site-relative path in the output: ``wanted``, or ``NAME-<sha8>.ext``
        beside it when another file already took that path."""
        if self.trace is not None:
            self.trace.names.add(PurePosixPath(wanted).name)
        if name_key(PurePosixPath(wanted).name) not in self.contested:
            return wanted  # no file of other content could be given it
        if self.defer:
            raise Contested(str(file))
        key = (file, wanted)
        if key in self._targets:
            return self._targets[key]
        content = digest(file)
        taken = self._taken.get(wanted)
        if taken is not None and taken != content:
            folder, name = PurePosixPath(wanted).parent, PurePosixPath(wanted).name
            stem, dot, suffix = name.rpartition(".")
            renamed = f"{stem}-{content[:8]}.{suffix}" if dot else f"{name}-{content[:8]}"
            wanted = str(folder / renamed) if str(folder) != "." else renamed
        self._taken[wanted] = content
        self._targets[key] = wanted
        return wanted


def contested_names(site: Site, check: Callable[[Path], FileCheck]) -> frozenset[str]:
    """The image names (:func:`~wxmigrate.layout.name_key`) whose output path depends on
    the order of the posts: files of different content that could be given one path
    (the same name, a mislabelled file's true extension, or a ``-<sha8>`` renaming).

    Only the names of more than one file are grouped (:meth:`~wxmigrate.site.ImageIndex.shared`,
    on disk for an archive): its hundreds of thousands of files, each a
    :class:`~pathlib.Path` in a group, would be the run's peak memory."""
    return frozenset(key for key, files in site.images.shared(name_key) if _could_clash(files, check))


def _could_clash(files: Iterable[Path], check: Callable[[Path], FileCheck]) -> bool:
    claimed: dict[str, str] = {}  # a path name -> the content of a file that could get it
    for file in sorted(files):
        content = _content(file)
        for name in _names(file, content, check(file)):
            if claimed.setdefault(name, content) != content:
                return True
    return False


def _names(file: Path, content: str, check: FileCheck) -> set[str]:
    """Every name :meth:`~wxmigrate.migrate.ImagePlan.target` could give ``file`` (case folded)."""
    stem, dot, suffix = file.name.rpartition(".")
    stem, suffixes = (stem, {suffix}) if dot else (file.name, {""})
    extension = image_verdict(check, file).extension
    if extension is not None:
        suffixes.add(extension)
    dotted = ["." + suffix if suffix else "" for suffix in suffixes]
    return {f"{base}{tail}".casefold() for base in (stem, f"{stem}-{content[:8]}") for tail in dotted}


def _content(file: Path) -> str:
    try:
        return digest(file)
    except OSError:
        return f"unreadable {file}"  # distinct from every other file: treated as contested


@attrs.frozen
class Plan:
    """How one run writes: for which engine, in which layout and format."""

    engine: Engine
    #: Re-lay the posts out for :attr:`engine` (else keep each post's path).
    relayout: bool
    #: Where the repost note and cards go (see :mod:`wxmigrate.emit.metadata`).
    placement: str
    images: ImagePlan
    format: str = "markdown"
    standalone: bool = False
    #: The exporter dialect to read the posts as (None: detected per post).
    dialect: str | None = None
    #: The posts' encoding (None: detected per post, see :func:`wxmigrate.read.decode`).
    encoding: str | None = None
    #: Output paths already given to a post (lower-cased), so two posts never collide.
    taken: set[str] = attrs.field(factory=set)
    #: In a worker of a parallel run: each post's output path, decided in post order
    #: beforehand (None: decided here, with :attr:`taken`).
    assigned: Mapping[Path, str] | None = None


def _boilerplate(post: Post) -> tuple[tuple[str, int, int], ...]:
    found = []
    for block in post.blocks:
        if isinstance(block, Cruft):
            found.append((block.kind, *block.lines))
        elif isinstance(block, Footer):
            found.append(("footer", *block.lines))
    return tuple(found)


def _front_matter_images(post: Post, site: Site, plan: ImagePlan) -> list[tuple[str, Path]]:
    """Image files named in the front matter (``header-img``, ``cover``…), found like body images."""
    files = []
    extra = post.front_matter.get("extra")  # Zola keeps them under [extra]
    for key in FRONT_MATTER_IMAGE_KEYS:
        value = post.front_matter.get(key) or (extra.get(key) if isinstance(extra, dict) else None)
        if isinstance(value, str) and local_path(value):
            file = plan.resolve(value, Path(post.path).parent)
            if file is not None and inside(file, site.root):
                files.append((key, file))
    return files


def read_post(
    path: Path, site: Site, dialect: str | None = None, *, encoding: str | None = None, seen: Seen | None = None
) -> tuple[str, Post]:
    """A post's text and model; Pelican's metadata lines are read as front matter.

    ``dialect`` forces the exporter dialect (see :mod:`wxmigrate.parse.dialects`);
    ``encoding`` the file's encoding (see :func:`wxmigrate.read.decode`); ``seen`` is told
    what the file was read as.
    """
    text = read_text(path, encoding=encoding, seen=seen)
    readable = text
    if site.engine is not None and site.engine.front_matter_format is PELICAN:
        found = split_pelican(text)
        if found is not None:
            metadata, body = found
            # Pelican keeps every value a string; so does the parser, quoted in YAML.
            readable = "---\n" + dump_yaml(metadata) + "---\n" + body
    post = parse(readable, path=str(path), dialect=dialect)
    if post.origin is not None and site.engine is not None:
        # Written for the site's own engine: mirrored for it, every block stands as written.
        post = attrs.evolve(post, origin=attrs.evolve(post.origin, engine=site.engine.name))
    return text, post


def output_file(path: Path, post: Post, site: Site, plan: Plan) -> tuple[str, PostMeta]:
    """The post's path in the output, relative to its root, and its metadata."""
    name, meta = wanted_file(path, post, site, plan)
    if plan.images.trace is not None:
        plan.images.trace.wanted = name
    if plan.assigned is not None:
        return plan.assigned[path], meta
    return unique(name, plan.taken), meta


def wanted_file(path: Path, post: Post, site: Site, plan: Plan) -> tuple[str, PostMeta]:
    """The path the post would have in the output if no other post had taken it, and its metadata."""
    meta = post_meta(post, path)
    if plan.relayout:
        if meta.date is None:
            # Engines that name or sort posts by date need one: the file's own date.
            meta = attrs.evolve(meta, date=_dt.date.fromtimestamp(path.stat().st_mtime))
        name = plan.engine.post_file(meta)
    else:
        name = site.relative(path).as_posix()
    if plan.format == "html":
        name = str(PurePosixPath(name).with_suffix(".html"))
    return name, meta


def repair_post_file(
    path: Path,
    site: Site,
    plan: Plan,
    *,
    option_values: Mapping[str, object],
) -> tuple[PostResult, dict[Path, str], str | None]:
    """Repair one post file; return its result, the image files it needs (file -> target),
    and its path in the output (relative to the output root).

    Parsing the output back to check it reuses the inline parses of the source's
    paragraphs it wrote as they were (:func:`~wxmigrate.parse.reading.shared_inlines`)."""
    with shared_inlines():
        return _repair_post_file(path, site, plan, option_values)


def _repair_post_file(
    path: Path, site: Site, plan: Plan, option_values: Mapping[str, object]
) -> tuple[PostResult, dict[Path, str], str | None]:
    engine = plan.engine
    refused = outside_link(path, site.root)
    if refused is not None:
        return PostResult(source=path, error=f"{path}:0: {refused}"), {}, None
    try:
        seen = plan.images.trace.saw if plan.images.trace is not None else None
        text, post = read_post(path, site, plan.dialect, encoding=plan.encoding, seen=seen)
        name, meta = output_file(path, post, site, plan)
    except Exception as error:  # this post is reported; the others go on
        return PostResult(source=path, error=str(contain(str(path), error))), {}, None
    # The model of ``text`` itself: an output that is that text need not be parsed again.
    pelican = site.engine is not None and site.engine.front_matter_format is PELICAN
    read = (text, post) if plan.dialect is None and not pelican else None
    if plan.relayout and not post.front_matter.present:
        # The output will have front matter with the title: rules must see the post as it will be
        # (the H1 that repeats the title is dropped then), or a second run would change it.
        post = attrs.evolve(post, front_matter=YAML.front_matter({"title": meta.title}))
    needed: dict[Path, str] = {}
    assets: dict[str, str] = {}
    unresolved: list[tuple[str, int]] = []
    problems: list[ImageProblem] = []
    uses: list[ImageUse] = []
    for image, line in images(post):
        if local_path(image.src) is None:
            uses.append(ImageUse(image.src, line, "remote"))
            continue
        if post.generic and not plan.relayout:
            linked = plan.images.linked(image.src, path.parent)
            if linked is not None and inside(linked, site.root):
                # A hand-written link that works: the file goes along, the link stays as written.
                verdict = image_verdict(plan.images.check(linked), linked)
                uses.append(ImageUse(image.src, line, plan.images.check(linked).status, linked, image.src))
                if verdict.copy:
                    needed[linked] = site.relative(linked).as_posix()
                if verdict.problem:
                    kept = "; copied under its name" if verdict.extension else ""
                    reason = verdict.problem + kept
                    problems.append(ImageProblem(image.src, line, reason, verdict.copy))
                continue
        file = plan.images.resolve(image.src, path.parent)
        file_name = PurePosixPath(local_path(image.src) or "").name
        wanted = _image_target(file, file_name, name, site, plan)
        found = image_verdict(plan.images.check(file), file) if file is not None else None
        if file is None or found is None or not found.copy:
            refused = found.problem if found is not None else site.refused.get(file_key(file_name))
            if refused is None:
                unresolved.append((image.src, line))
            else:
                problems.append(ImageProblem(image.src, line, refused))
            if not post.generic:
                # An exporter's link into its export folder is wrong anyway: link the
                # image where its file belongs, so that dropping the file in fixes it.
                assets.setdefault(file_name, engine.image_path(wanted, name))
            status = "missing" if refused is None else "refused"
            status = plan.images.check(file).status if file is not None else status
            link = engine.image_url(assets[file_name]) if file_name in assets else None
            uses.append(ImageUse(image.src, line, status, file, link))
            continue  # a hand-written link is kept as written, and reported
        if found.extension is not None:
            if post.generic and not plan.relayout:
                reason = f"{found.problem}; copied under its name"
                problems.append(ImageProblem(image.src, line, reason, copied=True))
            else:  # the link is the engine's to write anyway: it follows the true extension
                wanted = str(PurePosixPath(wanted).with_suffix("." + found.extension))
        elif found.problem:
            problems.append(ImageProblem(image.src, line, found.problem, copied=True))
        target = plan.images.target(file, wanted)
        needed[file] = target
        assets[file_name] = engine.image_path(target, name)
        link = engine.image_url(assets[file_name])
        uses.append(ImageUse(image.src, line, plan.images.check(file).status, file, link))
    front_images: dict[str, str] = {}
    for key, file in _front_matter_images(post, site, plan.images):
        verdict = image_verdict(plan.images.check(file), file)
        if verdict.problem:
            left = not verdict.copy or verdict.extension is not None
            reason = f"{verdict.problem}; {key} left as it is" if left else verdict.problem
            problems.append(ImageProblem(str(post.front_matter.get(key) or key), 0, reason, not left))
            if left:
                continue
        if plan.relayout:
            target = plan.images.target(
                file, engine.image_target(file.name, name, plan.images.folder)
            )
            front_images[key] = engine.front_matter_image(engine.image_path(target, name))
        else:
            target = site.relative(file).as_posix()
        needed[file] = target
    try:
        options = make_options(engine=engine, assets=assets, **option_values)
        repaired, changes = repair(post, options)
        final = finish(repaired, meta, plan, front_images)
        output = _emit(final, plan, needed, name, changes, read)
    except Exception as error:
        return PostResult(source=path, original=text, error=str(contain(str(path), error))), {}, None
    result = PostResult(
        source=path,
        changes=tuple(changes),
        unresolved=tuple(unresolved),
        image_problems=tuple(problems),
        boilerplate=_boilerplate(post),
        findings=post.findings,
        original=text,
        repaired=output,
        images=tuple(uses),
    )
    return result, needed, name


@attrs.frozen
class Verdict:
    """Whether an image file is copied into the output, under which extension, and why not."""

    copy: bool
    #: The true extension of a mislabelled image, which it is copied under.
    extension: str | None = None
    problem: str | None = None


def image_verdict(check: FileCheck, file: Path) -> Verdict:
    """Only what decodes as the format its name claims (or, mislabelled, as the format it
    really is: then under its true extension) is published; SVGs only without script.
    A truncated image of a known format is the real picture, cut short: it is published
    as it is (a browser shows the part that is there), and reported."""
    if check.status == "ok":
        return Verdict(True)
    if check.status == "mismatched" and check.format in TRUE_EXTENSIONS:
        return Verdict(True, TRUE_EXTENSIONS[check.format], f"{file} is mismatched: {check.detail}")
    if check.status == "truncated" and check.format in TRUE_EXTENSIONS:
        shown = "copied as it is: a browser shows the part that is there"
        return Verdict(True, problem=f"{file} is truncated: {check.detail}; {shown}")
    return Verdict(False, problem=f"{file} is {check.status}: {check.detail}; not copied")


def _image_target(file: Path | None, file_name: str, post_file: str, site: Site, plan: Plan) -> str:
    """Where an image goes: the engine's place, or, when mirroring with links relative to
    the post, where the file already is in the site."""
    engine = plan.engine
    mirrored = not plan.relayout and engine.relative_links and not engine.colocated
    if mirrored and file is not None and inside(file, site.root):
        return site.relative(file).as_posix()
    return engine.image_target(file_name, post_file, plan.images.folder)


def finish(post: Post, meta: PostMeta, plan: Plan, front_images: Mapping[str, str]) -> Post:
    """The repaired post as the engine gets it: parts placed, front matter in its format."""
    engine = plan.engine
    placed, fields = place(post, plan.placement)
    if plan.relayout:
        extra = {**meta.extra, **front_images}
        relaid = attrs.evolve(meta, title=post.title or meta.title, extra=extra, wechat=fields)
        data = engine.front_matter(relaid)
        placed = attrs.evolve(placed, front_matter=engine.front_matter_format.front_matter(data))
    elif fields:
        placed = attrs.evolve(
            placed, front_matter=_with_fields(placed, engine, fields)
        )
    return engine.prepare(placed)


def _with_fields(post: Post, engine: Engine, fields: Mapping[str, Any]) -> FrontMatter:
    """The post's front matter with the repost and card fields merged in under the engine's key;
    unchanged (byte for byte) when they are already there.

    Raises :class:`FrontMatterError` when that key holds a value that is not a mapping
    (Zola's ``extra: text``): the fields have no place, and the value is not replaced.
    """
    front = post.front_matter
    data = dict(front.data)
    holder = data
    for key in engine.fields_key[:-1]:
        holder[key] = dict(_mapping_at(post, holder, key, engine))
        holder = holder[key]
    last = engine.fields_key[-1]
    _mapping_at(post, holder, last, engine)
    merged = merge_fields(holder.get(last), fields)
    if holder.get(last) == merged:
        return front
    holder[last] = merged
    if front.fence == "+++":
        return TOML.front_matter(data)
    if front.present and front.fence == "---" and engine.front_matter_format.fence:
        # Keep every other line as written: the fields go in one block at the end.
        raw = front.raw if not front.raw or front.raw.endswith("\n") else front.raw + "\n"
        top = engine.fields_key[0]
        if top not in front.data:
            return FrontMatter(
                raw=raw + dump_yaml({top: data[top]}), data=data, fence="---", present=True
            )
    return engine.front_matter_format.front_matter(data)


def _mapping_at(post: Post, holder: Mapping[str, Any], key: str, engine: Engine) -> Mapping[str, Any]:
    """The mapping ``holder`` has at ``key`` (empty when none); a value of another type is an error."""
    inner = holder.get(key) or {}
    if not isinstance(inner, Mapping):
        where = ".".join(engine.fields_key)
        raise FrontMatterError(
            post.path,
            front_matter_line(post, engine.fields_key[0]),
            f"{key!r} is a {type(inner).__name__}, expected a mapping to hold the {where} fields; not replaced",
        )
    return inner


def _emit(
    post: Post,
    plan: Plan,
    needed: Mapping[Path, str],
    name: str,
    changes: Sequence[Change] = (),
    read: tuple[str, Post] | None = None,
) -> str:
    """The post written in the plan's format; Markdown is checked before it is returned
    (``read``: a text and its model, see :func:`_check_output`)."""
    if plan.format == "html":
        from .emit.html import to_html  # lxml's emitter: only --format html writes with it

        return to_html(
            post, standalone=plan.standalone, assets=_dimensions(needed, plan, name)
        )
    output = to_markdown(post, plan.engine)
    body = _check_output(output, post, Path(post.path), plan.engine, read)
    if post.origin is not None and body != post.origin.body:  # an unchanged body needs no guard
        prepared = plan.engine.prepare(post)  # what to_markdown wrote: claimed as it claims
        check_render(prepared, body, claimed_lines(prepared), [change.rule for change in changes])
    return output


def _dimensions(needed: Mapping[Path, str], plan: Plan, name: str) -> dict[str, tuple[int, int]]:
    """Each image URL of the post with its file's width and height, when Pillow can read them
    (every file needed was checked already, once per run: its size is whatever its name says)."""
    engine = plan.engine
    sizes: dict[str, tuple[int, int]] = {}
    for file, target in needed.items():
        check = plan.images.check(file)
        if check.width and check.height:
            sizes[engine.image_url(engine.image_path(target, name))] = (check.width, check.height)
    return sizes


def _check_output(
    output: str, repaired: Post, path: Path, engine: Engine | None = None, read: tuple[str, Post] | None = None
) -> str:
    """Read the output back: it must hold the same article text and images.  Returns the
    output's Markdown after its front matter.

    ``read``: a text and the model :func:`parse` made of it (with no dialect forced); an
    output that is that text (a post left as it was) has that model, and is not parsed again.
    Any other output is read back as :func:`parse` would read it, but parsing only what the
    source does not hold (:func:`~wxmigrate.outcheck.read_back`); only when that cannot be
    sure is it parsed whole.
    """
    pelican = engine is not None and engine.front_matter_format is PELICAN
    if pelican:
        found = split_pelican(output)
        output = found[1] if found is not None else output
    read_blocks: list[Block] | None = None
    if read is not None and output == read[0]:
        model = read[1]
        read_blocks = list(model.blocks)
        body = output if pelican or model.origin is None else model.origin.body
    elif pelican:
        body = output
    else:
        source = split_front_matter(output, str(path))  # as parse() would: the same errors
        body = source.body
        read_blocks = _read_back(source, repaired)
    if read_blocks is None:
        read_blocks = list(parse(output, path=str(path)).blocks)
    text_kept, images_kept = conserved(read_blocks, repaired)
    if not text_kept:
        raise WxMigrateError(
            str(path), 0, "the emitted Markdown would change the article's text; not written"
        )
    if not images_kept:
        raise WxMigrateError(
            str(path), 0, "the emitted Markdown would change the post's images; not written"
        )
    return body


def _read_back(source: Source, repaired: Post) -> list[Block] | None:
    """:func:`~wxmigrate.outcheck.read_back` of an emitted post, or None when it cannot tell
    (it parses a piece as :func:`parse` would: should that fail, the full parse says how)."""
    try:
        return read_back(source.body, source.front_matter, source.body_line, repaired)
    except Exception:  # the full parse raises it, or finds the text fine: it decides
        return None


def make_plan(
    site: Site,
    engine: str | Engine | None,
    *,
    metadata: str | None = None,
    format: str = "markdown",
    standalone: bool = False,
    dialect: str | None = None,
    encoding: str | None = None,
) -> Plan:
    """How to write ``site``: mirrored for its own engine (or plain Markdown), else re-laid out."""
    if format not in FORMATS:
        raise ConfigError(f"unknown format {format!r}; expected one of: {', '.join(FORMATS)}")
    own = site.engine or ENGINES["plain"]
    target = own if engine is None else get_engine(engine)
    relayout = target.name != own.name
    if format == "html":
        # Pages opened from disk or served anywhere: images linked relative to the page.
        target = attrs.evolve(target, relative_links=True, image_url=lambda path: path)
    # Site-relative links (Jekyll's) keep the site's image folder when mirroring.
    mirror_folder = site.image_folder if not target.relative_links else ""
    folder = target.images_folder if relayout else (mirror_folder or target.images_folder)
    if dialect is not None and dialect not in DIALECTS:
        raise ConfigError(f"unknown dialect {dialect!r}; expected one of: {', '.join(DIALECTS)}")
    return Plan(
        target, relayout, metadata or target.metadata, ImagePlan(site, folder), format, standalone, dialect,
        encoding=None if encoding is None else check_encoding(encoding),
    )


@boundary(lambda source, *_, **__: source)
def repair_site(
    source: str | Path,
    *,
    out: str | Path | None = None,
    in_place: bool = False,
    dry_run: bool = False,
    engine: str | Engine | None = None,
    metadata: str | None = None,
    format: str = "markdown",
    standalone: bool = False,
    assets: Iterable[str | Path] = (),
    progress: Callable[[int, int], None] | None = None,
    dialect: str | None = None,
    encoding: str | None = None,
    jobs: int = 1,
    on_post: Callable[[PostResult], None] | None = None,
    keep_texts: bool = False,
    executor: PoolFactory | None = None,
    posts: Iterable[str | Path] | None = None,
    resume: bool = True,
    **option_values: object,
) -> RunResult:
    """Repair every post of ``source`` into ``out`` (or in place); see the module doc.

    Posts are read as ``encoding`` (default: detected, see :func:`wxmigrate.read.decode`)
    and always written as UTF-8; in place, a post whose text is unchanged is not rewritten.

    Memory does not grow with the posts: each post's :class:`PostResult` is passed, texts
    included, to ``on_post`` as soon as it is done (in post order), and kept on disk without
    them (``keep_texts`` keeps them), in the run's :class:`~wxmigrate.ledger.Ledger`.  ``jobs``
    worker processes share the posts (0: one per core), or ``jobs`` workers of ``executor``
    (a Dask cluster: :func:`wxmigrate.distributed.dask_executor`); the files written, the
    results and their order are the same as with one.
    ``posts``: only these post files of the site at ``source`` (see :func:`~wxmigrate.site.discover`).
    ``resume``: with ``out`` (not a dry run), skip the posts an earlier run wrote that would
    come out the same, and record the posts written (:mod:`wxmigrate.resume`).
    """
    make_options(
        engine=get_engine(engine or "jekyll"), **option_values
    )  # unknown options fail here, before any work
    if (out is None) == (not in_place):
        raise ValueError("give exactly one of out= or in_place=True")
    skip = [Path(out)] if out is not None else []
    site = discover(source, assets=assets, skip=skip, posts=posts)
    plan = make_plan(
        site, engine, metadata=metadata, format=format, standalone=standalone, dialect=dialect, encoding=encoding
    )
    if in_place and (plan.relayout or format != "markdown"):
        raise ConfigError(
            "in place (--in-place, --check) each post stays where it is, as Markdown; "
            "use --out DST for another engine or format"
        )
    place(Post(), plan.placement)  # an unknown placement fails here too
    target_root = site.root if in_place else Path(out)  # type: ignore[arg-type]
    if not in_place:
        check_output_folder(target_root, site)
    output = Output(target_root, dry_run=dry_run, sync_new=in_place)
    work = functools.partial(
        _run, site, plan, output, target_root, in_place=in_place, progress=progress, options=option_values,
        jobs=jobs, on_post=on_post, keep_texts=keep_texts, executor=executor,
        resume=resume and not in_place and not dry_run,
    )
    if dry_run:
        return work()
    # One run at a time writes to a folder; a killed run's temporary files are cleared first.
    with terminate_raises(), folder_lock(target_root):
        remove_stale_temporaries(target_root)
        return work()


class Output:
    """Writes the run's files and records each (with ``dry_run``, only records what it would).

    Nothing is written outside ``root`` (symlinks followed), whatever a post's metadata says.
    ``sync_new``: a new file is flushed to disk before it is renamed into place (always
    in place; an output folder of the run's own need not be, see :mod:`wxmigrate.write`).
    """

    def __init__(self, root: Path, *, dry_run: bool, sync_new: bool = True) -> None:
        self.root = root
        self.dry_run = dry_run
        self.sync_new = sync_new
        #: The actions recorded since it was last cleared (one post's).
        self.log: list[Action] = []
        self._real_root: str | None = None
        self._real = RealPaths()
        # Image copies made lately: a file many posts use is not compared again for each
        # (bounded, like the image checks; the ledger lists each file once anyway).
        self._copied: set[Path] = set()

    def _record(self, action: Action) -> None:
        self.log.append(action)

    def _check(self, path: Path) -> None:
        if self._real_root is None:
            self._real_root = os.path.realpath(self.root)  # once: the root is made by the run
        if os.path.commonpath((self._real.of(path), self._real_root)) != self._real_root:
            raise UnsafePathError(str(path), 0, f"is outside {self.root}; not written")

    def write(self, path: Path, data: bytes) -> bool:
        """Write ``path`` atomically unless it holds ``data``; whether it (would have) changed."""
        self._check(path)
        changed = atomic_write(path, data, dry_run=self.dry_run, sync_new=self.sync_new)
        if changed:
            self._record(Action("write", path))
        return changed

    def copy(self, source: Path, target: Path) -> bool:
        """Copy ``source`` to ``target`` (never over another file); whether it (would have) copied."""
        if target in self._copied:
            return False
        self._check(target)
        copied = copy_file(source, target, dry_run=self.dry_run, sync_new=self.sync_new)
        if copied:
            if len(self._copied) >= CHECKS_KEPT:
                self._copied.clear()
            self._copied.add(target)
            self._record(Action("copy", target, source))
        return copied

    def back_up(self, path: Path, root: Path, folder: Path) -> None:
        """Copy ``path`` into the backup ``folder``, complete on disk before it returns."""
        target = folder / path.relative_to(root)
        if not self.dry_run:
            backup(path, root, folder)
        self._record(Action("back up", target, path))


def check_output_folder(out: Path, site: Site) -> None:
    """Refuse an output folder that cannot be one: a file, or a folder inside the source
    that a later run would walk (its posts would be read back as posts)."""
    if out.exists() and not out.is_dir():
        raise WriteError(str(out), 0, "is a file, not a folder; --out needs a folder (or a new path)")
    root = Path(os.path.realpath(site.root))
    if not inside(out, root) or not site.root.is_dir():
        return
    parts = Path(os.path.realpath(out)).relative_to(root).parts
    if not any(part in IGNORED or part.startswith(".") for part in parts):
        raise UnsafePathError(
            str(out), 0,
            f"is inside the source {site.root}: a later run would read its posts again; "
            "choose a folder outside it (or one wxmigrate never reads, such as _site)",
        )


def _run(
    site: Site,
    plan: Plan,
    output: Output,
    target_root: Path,
    *,
    in_place: bool,
    progress: Callable[[int, int], None] | None,
    options: Mapping[str, object],
    jobs: int = 1,
    on_post: Callable[[PostResult], None] | None = None,
    keep_texts: bool = False,
    executor: PoolFactory | None = None,
    resume: bool = False,
) -> RunResult:
    from .resume import Record, fingerprint
    from .work import Batch, posts_done  # the parallel machinery is built on this module

    configured = in_place or _configured(target_root, plan.engine)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    backup_folder = site.root / ".wxmigrate-backup" / stamp if in_place else None
    batch = Batch(
        site, plan, target_root, backup_folder, output.dry_run, options,
        texts=keep_texts or on_post is not None, record=resume,
    )
    record = Record.open(target_root, fingerprint(site, plan, target_root, options)) if resume else None
    ledger = Ledger()
    counts = Counts()
    try:
        for number, done in enumerate(posts_done(batch, jobs, output, executor, record), 1):
            if record is not None and done.entry is not None:
                record.add(done.entry)  # its file is written: the worker wrote it before it answered
            if on_post is not None:
                on_post(done.result)
            ledger.add_post(done.result if keep_texts else done.result.without_texts())
            ledger.add_files(done.writes, done.copies)
            counts = counts.add(done.result)
            if progress:
                progress(number, len(site.posts))
    finally:  # what was written is recorded, even when the run is stopped
        if record is not None:
            record.close()
    generated: list[Path] = []
    errors: list[str] = []
    if not in_place:
        output.log.clear()
        try:
            generated = _site_files(site, plan, target_root, configured, output)
        except WriteError as error:
            errors.append(str(error))
        ledger.add_files(output.log)
    warnings = (record.warning,) if record is not None and record.warning else ()
    return RunResult(
        site, ledger, counts, backup_folder, plan.engine.name, plan.relayout, tuple(generated), tuple(errors),
        warnings,
    )


@attrs.frozen
class Done:
    """One post done (by this process or a worker): its result, what it wrote, its images."""

    result: PostResult
    #: The post's own files written or backed up (with ``dry_run``: that would be), in order.
    writes: tuple[Action, ...] = ()
    #: Each image file copy the post needed: (from, to, whether this process made it).
    copies: tuple[tuple[Path, Path, bool], ...] = ()
    #: What the output folder's record is to keep of it (:mod:`wxmigrate.resume`; None: nothing).
    entry: Entry | None = None


def repair_one(
    path: Path,
    site: Site,
    plan: Plan,
    output: Output,
    target_root: Path,
    backup_folder: Path | None,
    options: Mapping[str, object],
) -> Done:
    """Repair one post, write it (in place: ``backup_folder`` set) and copy its images."""
    result, needed, name = repair_post_file(path, site, plan, option_values=options)
    if result.repaired is None or name is None:
        return Done(result)
    result = attrs.evolve(result, changed=result.repaired != result.original)
    output.log.clear()
    destination = path if backup_folder is not None else target_root / name
    result = _write_post(result, destination, output, site.root, backup_folder)
    writes = tuple(output.log)
    copies: list[tuple[Path, Path, bool]] = []
    for file, target in needed.items():
        try:
            copies.append((file, target_root / target, output.copy(file, target_root / target)))
        except (OSError, UnsafePathError) as error:
            where = target_root / target
            problem = f"{path}:0: cannot copy {file} to {where}: {_reason(error)}"
            result = attrs.evolve(result, error=result.error or problem)
    return Done(result, writes, tuple(copies))


def _write_post(
    result: PostResult, destination: Path, output: Output, root: Path, backup_folder: Path | None
) -> PostResult:
    """Write one repaired post; in place, only once its original is safe in the backup."""
    repaired = result.repaired
    assert repaired is not None
    result = attrs.evolve(result, output=destination)
    if backup_folder is not None and result.repaired == result.original:
        return result  # in place, a post whose text is unchanged keeps its bytes (encoding, BOM)
    if backup_folder is not None:
        try:
            output.back_up(result.source, root, backup_folder)
        except OSError as error:
            detail = f"cannot back up to {backup_folder}: {_reason(error)}; left as it was"
            return attrs.evolve(result, error=f"{result.source}:0: {detail}")
    try:
        written = output.write(destination, repaired.encode("utf-8"))
    except (OSError, UnsafePathError) as error:
        detail = f"cannot write {destination}: {_reason(error)}"
        return attrs.evolve(result, error=f"{result.source}:0: {detail}")
    return attrs.evolve(result, written=written and not output.dry_run)


def _reason(error: Exception) -> str:
    """What went wrong, in a few words: the system's message, or our own error's detail."""
    if isinstance(error, WxMigrateError):
        return error.detail
    return (error.strerror if isinstance(error, OSError) else None) or str(error)


def _configured(root: Path, engine: Engine) -> bool:
    """Whether ``root`` already is a site of ``engine`` (then nothing is generated in it)."""
    return root.is_dir() and (
        engine.detect(root) or bool(engine.config_file and (root / engine.config_file).exists())
    )


def _site_files(site: Site, plan: Plan, out: Path, configured: bool, output: Output) -> list[Path]:
    """Mirrored: copy the site's configuration.  Re-laid out into a folder that has none:
    write the engine's minimal site (never over an existing file)."""
    engine = plan.engine
    try:
        if not plan.relayout:
            config = site.root / engine.config_file if engine.config_file else None
            if config is not None and config.is_file() and outside_link(config, site.root) is None:
                output.write(out / engine.config_file, config.read_bytes())
            return []
        if configured or plan.format != "markdown":
            return []
        written = []
        for name, text in engine.scaffold(site_title(site)).items():
            target = out / name
            if not target.exists():
                output.write(target, text.encode("utf-8"))
                written.append(target)
        return written
    except (OSError, UnsafePathError) as error:
        raise WriteError(str(out), 0, f"cannot write the site's files: {_reason(error)}") from error


def site_title(site: Site) -> str:
    """The source site's title (from its Jekyll or Hexo ``_config.yml``), or its folder's name."""
    config = site.root / "_config.yml"
    if config.is_file():
        try:
            data = yaml.safe_load(config.read_text(encoding="utf-8", errors="replace"))
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("title"), str) and data["title"].strip():
            return str(data["title"]).strip()
    return site.root.resolve().name or "site"


__all__ = [
    "FORMATS",
    "Action",
    "Counts",
    "Done",
    "ImagePlan",
    "ImageProblem",
    "ImageUse",
    "Plan",
    "PostResult",
    "RunResult",
    "make_plan",
    "repair_one",
    "repair_site",
]
