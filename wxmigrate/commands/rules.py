"""``wxmigrate rules [--markdown]``: list the repair rules, in the order they run."""

from __future__ import annotations

import argparse
import inspect
from typing import TextIO

from ..rules import ORDER, RULES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--markdown", action="store_true", help="print the full documentation as Markdown")


def rules_markdown() -> str:
    """Every rule's documentation, as the ``## The rules`` part of docs/repair.md."""
    sections = []
    for name in ORDER:
        rule = RULES[name]
        notes = ["any post" if rule.generic else "exported posts"]
        if rule.opt_in:
            notes.append("opt-in")
        if rule.removes_text:
            notes.append("removes text on purpose")
        if rule.removes_images:
            notes.append("removes or rewrites images on purpose")
        if rule.reveals_images:
            notes.append("reveals images shown as text")
        suffix = f" ({', '.join(notes)})" if notes else ""
        module = rule.function.__module__.replace(".", "/").removeprefix("wxmigrate/") + ".py"
        sections.append(f"### `{name}`{suffix}\n\n{inspect.getdoc(rule.function)}\n\nIn `{module}`.\n")
    return "\n".join(sections)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.markdown:
        out.write(rules_markdown())
        return 0
    width = max(map(len, ORDER))
    out.writelines(
        f"{name:{width}}  {'any' if RULES[name].generic else 'exp'}  {RULES[name].summary}\n" for name in ORDER
    )
    out.write("\nany: runs on every post; exp: only on posts a known exporter wrote (not dialect generic)\n")
    return 0
