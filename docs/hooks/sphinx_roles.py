"""A Griffe extension for the API page: Sphinx roles in docstrings become Markdown code.

wxmigrate's docstrings name other objects as Sphinx does (``:func:`~wxmigrate.emit.to_markdown```,
``:class:`ReadError```), which Markdown would show literally.  Each becomes inline code of the
name as Sphinx shows it (``~`` keeps only the last part).  mkdocs.yml loads this file through
mkdocstrings' ``extensions`` option.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:attr|class|data|exc|func|meth|mod|obj):`(~?)([^`]+)`")


def as_code(docstring: str) -> str:
    """``docstring`` with each Sphinx role written as inline code."""
    return ROLE.sub(lambda role: f"`{role[2].rsplit('.', 1)[-1] if role[1] else role[2]}`", docstring)


class SphinxRoles(griffe.Extension):
    """Rewrite the Sphinx roles of every docstring mkdocstrings loads."""

    def on_object(self, *, obj: griffe.Object, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = as_code(obj.docstring.value)
