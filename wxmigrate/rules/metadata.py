"""Rules for the article's metadata: the full title and the reposting account written back,
the cards laid out as WeChat shows them."""

from __future__ import annotations

import json
import re

import attrs
import tomli_w
import yaml

from ..emit.metadata import tidy_card
from ..model import AccountCard, Block, FrontMatter, OriginalCard, Post
from ..parse import front_matter_line
from .base import Change, Options, rule, short
from .features import has_blocks
from .walk import map_sequences


def yaml_scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as the same string."""
    try:
        if yaml.safe_load(f"k: {value}") == {"k": value} and "\n" not in value and value.strip() == value:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)


def toml_scalar(value: str) -> str:
    """``value`` as a TOML string."""
    return tomli_w.dumps({"k": value}).split("=", 1)[1].strip()


def set_front_matter_value(front: FrontMatter, key: str, value: str) -> FrontMatter:
    """The front matter with one top-level key's value replaced, every other line untouched
    (YAML ``key: value`` or, in ``+++`` front matter, TOML ``key = "value"``)."""
    if front.fence == "+++":
        return _set_toml_value(front, key, value)
    lines = front.raw.split("\n")
    pattern = re.compile(rf"^({re.escape(key)}\s*:[ \t]*)(.*)$")
    for index, line in enumerate(lines):
        match = pattern.match(line)
        if not match:
            continue
        end = index + 1
        while end < len(lines) and lines[end][:1] in (" ", "\t") and lines[end].strip():
            end += 1  # a value continued on indented lines
        lines[index:end] = [match.group(1) + yaml_scalar(value)]
        break
    else:
        lines.insert(0, f"{key}: {yaml_scalar(value)}")
    raw = "\n".join(lines)
    data = dict(front.data)
    data[key] = value
    return attrs.evolve(front, raw=raw, data=data)


def _set_toml_value(front: FrontMatter, key: str, value: str) -> FrontMatter:
    lines = front.raw.split("\n")
    pattern = re.compile(rf"^({re.escape(key)}\s*=\s*)(.*)$")
    for index, line in enumerate(lines):
        if pattern.match(line):
            lines[index] = pattern.sub(lambda m: m.group(1) + toml_scalar(value), line)
            break
    else:
        lines.insert(0, f"{key} = {toml_scalar(value)}")
    return attrs.evolve(front, raw="\n".join(lines), data={**front.data, key: value})


@rule()
def write_back_full_title(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Write the recovered full title into the front matter (that line only).

    ``title: 春耕时节`` -> ``title: 春耕时节社区志愿者走进田间地头帮助农户抢种``
    """
    if not post.front_matter.present or not post.title or post.front_matter_title == post.title:
        return post, []
    front = set_front_matter_value(post.front_matter, "title", post.title)
    change = Change("write_back_full_title", post.path, front_matter_line(post, "title"),
                    short(post.front_matter_title), short(post.title))
    return attrs.evolve(post, front_matter=front), [change]


@rule()
def write_back_repost_account(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Name the reposting account in the repost note, where it named a title fragment.

    ``转载：田间地头`` -> ``转载：梧桐社区服务站``
    """
    repost = post.repost
    if repost is None or repost.via == repost.written_via:
        return post, []
    html = repost.html.replace(repost.written_via, repost.via, 1)
    fixed = attrs.evolve(repost, html=html, written_via=repost.via)
    blocks = tuple(fixed if block is repost else block for block in post.blocks)
    change = Change("write_back_repost_account", post.path, repost.lines[0],
                    short(repost.written_via), short(repost.via))
    return attrs.evolve(post, blocks=blocks), [change]


@rule(removes_text=True, applies=has_blocks(AccountCard, OriginalCard))
def tidy_cards(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Lay the account and source cards out as WeChat shows them.

    ``[梧桐社区]⏎**梧桐社区**⏎微信号wutong⏎功能介绍服务居民`` -> ``**梧桐社区**⏎微信号：wutong⏎功能介绍：服务居民``:
    the account's name once (the ``[X]`` line goes when ``**X**`` repeats it and the card has
    its ``功能介绍`` line, which still tells it from a contact notice), a colon after each
    label, no full stop after the source account's bold name (``**X**.``).  It removes the
    repeated name on purpose.
    """
    context = options.engine.context()

    def edit(blocks: list[Block]) -> tuple[list[Block], list[Change]]:
        out: list[Block] = []
        changes: list[Change] = []
        for block in blocks:
            if isinstance(block, (AccountCard, OriginalCard)):
                tidied = tidy_card(block)
                if tidied is not block:
                    before = "⏎".join(context.block(child) for child in block.children)
                    after = "⏎".join(context.block(child) for child in tidied.children)
                    changes.append(Change("tidy_cards", post.path, block.lines[0], short(before), short(after)))
                    block = tidied
            out.append(block)
        return out, changes

    return map_sequences(post, edit)
