"""wxmigrate: rescue WeChat public-account articles exported into static sites.

>>> import wxmigrate
>>> post = wxmigrate.load("_posts/2021-06-20-post.md")   # doctest: +SKIP
>>> post.title, post.account.name                          # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from .emit import to_markdown
from .emit.html import to_html
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
