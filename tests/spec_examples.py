"""Spec examples as a site of posts, repaired in one run, and what a reader sees of each.

The CommonMark and GFM spec examples (``tests/data/``, see its README) are
written one per file into a plain folder (no engine: the output mirrors it,
nothing is re-laid out, no Liquid or front-matter conventions apply) and
repaired together by :func:`wxmigrate.migrate.repair_site`, the function
``wxmigrate repair SRC --out DST`` runs.  One run for all examples keeps the
spec tests fast; each test then looks at one example's output file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
from markdown_it import MarkdownIt

from wxmigrate.migrate import repair_site

DATA = Path(__file__).resolve().parent / "data"
COMMONMARK_SPEC = DATA / "commonmark-0.31.2.json"
GFM_SPEC = DATA / "gfm-0.29-extensions.json"

#: What a CommonMark reader sees (the renderer the spec tests compare with).
COMMONMARK = MarkdownIt("commonmark")


def load_examples(path: Path) -> list[dict[str, Any]]:
    """The examples of a spec JSON file (``markdown``, ``html``, ``example``, ``section``…)."""
    examples: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return examples


def file_name(number: int) -> str:
    """The post file an example is written to."""
    return f"example-{number:03d}.md"


@attrs.frozen(repr=False)
class ExampleRun:
    """One repair run over every example: what each went in as and came out as."""

    source: Path
    out: Path
    exit_code: int
    engine: str
    relaid: bool
    #: Example number -> the input bytes (None: there was no such file to repair).
    inputs: Mapping[int, bytes | None]
    #: Example number -> the output bytes (None: the post was not written).
    outputs: Mapping[int, bytes | None]
    #: Example number -> the rule names of the changes the run reported for it.
    rules: Mapping[int, tuple[str, ...]]
    #: Example number -> the explained changes, for failure messages.
    explanations: Mapping[int, str]
    #: Example number -> the error the run reported for it (None: none).
    errors: Mapping[int, str | None]

    def __repr__(self) -> str:
        return f"ExampleRun({self.source} -> {self.out}, {len(self.inputs)} examples)"


def write_examples(folder: Path, examples: Iterable[Mapping[str, Any]]) -> dict[int, bytes]:
    """Write each example's Markdown, as UTF-8 bytes, to its own file in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    inputs = {}
    for example in examples:
        data = str(example["markdown"]).encode("utf-8")
        (folder / file_name(int(example["example"]))).write_bytes(data)
        inputs[int(example["example"])] = data
    return inputs


def run_examples(source: Path, out: Path, numbers: Iterable[int], *, disabled: Iterable[str] = ()) -> ExampleRun:
    """Repair the folder ``source`` into ``out`` in one run (the rules in ``disabled`` off)
    and collect every example's result."""
    result = repair_site(source, out=out, disabled=set(disabled))
    by_name = {post.source.name: post for post in result.posts}
    outputs: dict[int, bytes | None] = {}
    rules: dict[int, tuple[str, ...]] = {}
    explanations: dict[int, str] = {}
    errors: dict[int, str | None] = {}
    inputs: dict[int, bytes | None] = {}
    for number in numbers:
        name = file_name(number)
        given = source / name
        inputs[number] = given.read_bytes() if given.is_file() else None
        written = out / name
        outputs[number] = written.read_bytes() if written.is_file() else None
        post = by_name.get(name)
        rules[number] = tuple(change.rule for change in post.changes) if post else ()
        explanations[number] = "\n".join(change.explain() for change in post.changes) if post else ""
        errors[number] = (post.error if post else "not among the run's posts") or None
    return ExampleRun(
        source=source,
        out=out,
        exit_code=result.exit_code,
        engine=result.engine,
        relaid=result.relaid,
        inputs=inputs,
        outputs=outputs,
        rules=rules,
        explanations=explanations,
        errors=errors,
    )


def describe(run: ExampleRun, number: int, render: Callable[[str], str]) -> str:
    """A failure message: the example's input and output, their renderings, the changes made."""
    given = run.inputs[number]
    if given is None:
        return f"example {number} ({file_name(number)}): no such file in {run.source}"
    before = given.decode("utf-8")
    output = run.outputs[number]
    after = output.decode("utf-8", errors="replace") if output is not None else None
    lines = [
        f"example {number} ({file_name(number)})",
        f"input:  {before!r}",
        f"output: {after!r}" if after is not None else f"output: not written ({run.errors[number]})",
        f"renders as:  {render(before)!r}",
    ]
    if after is not None:
        lines.append(f"rendered now: {render(after)!r}")
    lines.append("changes:\n" + (run.explanations[number] or "(none reported)"))
    return "\n".join(lines)


# --------------------------------------------------------------------------
# What every spec test checks of one run (the CommonMark and GFM modules share them)

Render = Callable[[str], str]


def check_renders_unchanged(
    run: ExampleRun, number: int, render: Render, deliberate: Mapping[int, tuple[str, str]]
) -> None:
    """The repaired example renders as the spec example does (or as its deliberate exception says)."""
    given, output = run.inputs[number], run.outputs[number]
    assert given is not None and output is not None, describe(run, number, render)
    before, after = render(given.decode("utf-8")), render(output.decode("utf-8"))
    if number in deliberate:
        rule, reason = deliberate[number]
        assert rule in run.rules[number], f"{rule} no longer changes it ({reason}): drop the exception"
        assert after != before, f"renders unchanged now: drop the exception ({reason})"
    else:
        assert after == before, describe(run, number, render)


def check_unchanged_written_as_is(run: ExampleRun, numbers: Iterable[int], render: Render) -> None:
    """Every example no rule reported a change to is written back byte for byte."""
    rewritten = [n for n in numbers if not run.rules[n] and run.outputs[n] != run.inputs[n]]
    shown = "\n\n".join(describe(run, number, render) for number in rewritten[:5])
    assert rewritten == [], f"{len(rewritten)} rewritten with no change reported:\n{shown}"


def check_written_as_given(run: ExampleRun, number: int, render: Render) -> None:
    """The run reported no change to the example and wrote its very bytes."""
    assert run.inputs[number] is not None, "the first pass did not write it"
    assert run.rules[number] == (), describe(run, number, render)
    assert run.outputs[number] == run.inputs[number], describe(run, number, render)
