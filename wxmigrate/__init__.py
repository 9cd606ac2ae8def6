"""wxmigrate: rescue WeChat public-account articles exported into static sites.

>>> import wxmigrate
>>> post = wxmigrate.load("_posts/2021-06-20-post.md")   # doctest: +SKIP
>>> post.title, post.account.name                          # doctest: +SKIP

The public names are imported on first use (PEP 562), so that ``import
wxmigrate`` and ``wxmigrate --help`` stay fast: Pillow, lxml, bs4 and
markdown-it load only when a function that needs them is called.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

from .errors import (
    ConfigError,
    EncodingError,
    FrontMatterError,
    LimitError,
    ReadError,
    RepairError,
    UnsafePathError,
    WxMigrateError,
)

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .emit import to_markdown
    from .emit.html import to_html
    from .model import *  # noqa: F403  (the model's classes are public API)
    from .model import __all__ as _model_all
    from .parse import load, parse
    from .rules import Change, repair
    from .verify import verify

    __all__ = [
        "Change",
        "ConfigError",
        "EncodingError",
        "FrontMatterError",
        "LimitError",
        "ReadError",
        "RepairError",
        "UnsafePathError",
        "WxMigrateError",
        "load",
        "parse",
        "repair",
        "to_html",
        "to_markdown",
        "verify",
        *_model_all,
    ]

_ERRORS = (
    "ConfigError",
    "EncodingError",
    "FrontMatterError",
    "LimitError",
    "ReadError",
    "RepairError",
    "UnsafePathError",
    "WxMigrateError",
)

#: Each public function, and the module it is imported from on first use.
_FUNCTIONS = {
    "Change": ".rules",
    "load": ".parse",
    "parse": ".parse",
    "repair": ".rules",
    "to_html": ".emit.html",
    "to_markdown": ".emit",
    "verify": ".verify",
}


def _import_public(name: str) -> object:
    """Import a public name the first time it is used; the model's classes come from ``.model``."""
    if name == "__all__":
        value: object = _public_names()
    elif name in _FUNCTIONS:
        value = getattr(importlib.import_module(_FUNCTIONS[name], __name__), name)
    else:
        model = importlib.import_module(".model", __name__)
        if name not in model.__all__:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(model, name)
    globals()[name] = value
    return value


if not TYPE_CHECKING:  # mypy sees the real imports above, and still flags a misspelt name
    __getattr__ = _import_public


def __dir__() -> list[str]:
    return sorted({*globals(), *_public_names()})


def _public_names() -> list[str]:
    """``__all__``: the errors, the functions, and the model's public names."""
    model_names: list[str] = importlib.import_module(".model", __name__).__all__
    return [*_ERRORS, *_FUNCTIONS, *model_names]


class _Package(types.ModuleType):
    """The package module: importing the subpackage ``wxmigrate.parse`` (or ``.verify``)
    binds it on the package, which would hide the function of that name; this keeps the function."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _FUNCTIONS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
