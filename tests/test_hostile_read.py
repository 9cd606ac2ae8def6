"""Hostile files and front matter: reading never crashes, is bounded, and one bad post stops nothing.

Every case is built here, small or generated; big inputs are generated in code.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import wxmigrate
from wxmigrate import ConfigError, EncodingError, FrontMatterError, LimitError, WxMigrateError, load, parse
from wxmigrate import read
from wxmigrate.cli import run
from wxmigrate.emit import ENGINES
from wxmigrate.front_yaml import MAX_DEPTH, MAX_VALUES
from wxmigrate.read import MAX_FILE_BYTES, MAX_FRONT_MATTER_CHARS, decode, read_text, split_front_matter

BODY = "# 标题\n\n正文第一段。\n\n![图](/img/a.png)\n"
GOOD = "---\ntitle: 好文章\n---\n\n正文。\n"


def alias_bomb(levels: int = 9) -> str:
    """The classic "billion laughs": nine lines that expand to 9**9 values."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, levels):
        previous, current = "abcdefghi"[index - 1], "abcdefghi"[index]
        lines.append(f"{current}: &{current} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "---\n" + "\n".join(lines) + "\n---\n" + BODY


def nested_flow(depth: int) -> str:
    return "---\nx: " + "[" * depth + "]" * depth + "\n---\n" + BODY


def nested_block(depth: int) -> str:
    return "---\n" + "".join(" " * level + f"k{level}:\n" for level in range(depth)) + " " * depth + "v: 1\n---\n" + BODY


def make_site(root: Path, posts: dict[str, bytes | str]) -> Path:
    """A Jekyll site holding ``posts`` (file name -> content) and one good post."""
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (root / "_posts" / "2020-01-01-good.md").write_text(GOOD, encoding="utf-8")
    for name, content in posts.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (root / "_posts" / name).write_bytes(data)
    return root


def messages(err: str) -> list[str]:
    """The error lines of ``repair``'s standard error, without its summary (and the failed files it lists)."""
    return [line for line in err.splitlines() if not line.startswith(("wxmigrate repair:", "  failed: "))]


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# --- YAML ------------------------------------------------------------------


@pytest.mark.parametrize("date", ["2020-13-45", "2020-02-30", "0000-01-01", "2020-01-01 10:00:00 +25:00"])
def test_a_date_that_is_not_one_stays_text_with_a_warning(date: str) -> None:
    """A timestamp PyYAML cannot build is the text as written, and a finding names its line."""
    post = parse(f"---\ntitle: t\ndate: {date}\n---\n{BODY}", path="p.md")
    assert post.front_matter.get("date") == date
    assert [(f.code, f.line) for f in post.findings if f.code == "not-a-date"] == [("not-a-date", 3)]


def test_a_number_longer_than_python_converts_stays_text() -> None:
    """An integer past Python's digit limit is kept as the digits written, with a warning."""
    digits = "1" + "0" * 5000
    post = parse(f"---\nn: {digits}\n---\n{BODY}", path="p.md")
    assert post.front_matter.get("n") == digits
    assert "not-a-number" in [f.code for f in post.findings]


@pytest.mark.parametrize(
    ("text", "line"),
    [(nested_flow(MAX_DEPTH), 2), (nested_flow(100_000), 2), (nested_block(MAX_DEPTH), MAX_DEPTH + 2)],
    ids=["flow-just-past", "flow-100000", "block-just-past"],
)
def test_deep_nesting_is_a_limit_error_naming_its_line(text: str, line: int) -> None:
    """Nesting past the limit is a LimitError at the line it goes too deep, never a RecursionError."""
    with pytest.raises(LimitError) as info:
        parse(text, path="p.md")
    assert str(info.value).startswith(f"p.md:{line}: front matter nests more than {MAX_DEPTH} levels deep")
    assert isinstance(info.value, ValueError)


def test_nesting_up_to_the_limit_is_read() -> None:
    """Front matter exactly as deep as the limit (the top mapping is a level) is data like any other."""
    data = parse(nested_block(MAX_DEPTH - 1), path="p.md").front_matter.data
    for level in range(MAX_DEPTH - 1):
        data = data[f"k{level}"]
    assert data == {"v": 1}


def test_aliases_that_nest_deeper_together_are_refused() -> None:
    """Aliases count at the depth they expand to: each level nests the one before it."""
    lines = ["a0: &a0 []"] + [f"a{i}: &a{i} {'[' * 40}*a{i - 1}{']' * 40}" for i in range(1, 4)]
    with pytest.raises(LimitError, match="levels deep"):
        split_front_matter("---\n" + "\n".join(lines) + "\n---\n", "p.md")


def test_the_alias_bomb_is_a_limit_error() -> None:
    """Billion laughs is refused from its events, before anything is expanded."""
    with pytest.raises(LimitError) as info:
        parse(alias_bomb(), path="p.md")
    assert f"more than {MAX_VALUES} values once its aliases are expanded" in str(info.value)
    assert re.match(r"p\.md:\d+: ", str(info.value))


def test_hostile_yaml_finishes_quickly() -> None:
    """The bomb and deep nesting end in a LimitError quickly (a subprocess with a generous timeout)."""
    script = textwrap.dedent(
        f"""
        import time, wxmigrate, tests.test_hostile_read as t
        for text in (t.alias_bomb(), t.nested_flow(100_000), t.nested_block(2_000)):
            start = time.perf_counter()
            try:
                wxmigrate.parse(text, path="p.md")
            except wxmigrate.LimitError:
                pass
            assert time.perf_counter() - start < 5, time.perf_counter() - start
        """
    )
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", script], cwd=root, check=True, timeout=60)


def test_aliases_within_the_limit_are_read() -> None:
    """Ordinary anchors, aliases and merge keys still work."""
    post = parse("---\nbase: &b {x: 1, y: 2}\ncopy: *b\nmerged:\n  <<: *b\n  y: 3\n---\n正文\n")
    assert post.front_matter.get("copy") == {"x": 1, "y": 2}
    assert post.front_matter.get("merged") == {"x": 1, "y": 3}
    assert not [f for f in post.findings if f.code == "duplicate-key"]  # a merged key is not given twice


def test_an_alias_inside_itself_is_refused() -> None:
    """A recursive alias would make a value that contains itself: a one-line error."""
    with pytest.raises(FrontMatterError, match=r"^p\.md:3: alias \*a is inside the value it names$"):
        split_front_matter("---\ntitle: t\nx: &a [1, *a]\n---\n", "p.md")


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['echo pwned']",
        "!!python/object/new:os.system ['echo pwned']",
        "!!python/name:os.system",
        "!!python/module:os",
    ],
)
def test_tags_that_build_python_objects_are_refused_in_one_line(tag: str) -> None:
    """A Python tag is never built: a FrontMatterError, one line, at the tag's line."""
    with pytest.raises(FrontMatterError) as info:
        split_front_matter(f"---\ntitle: t\nx: {tag}\n---\n正文\n", "p.md")
    message = str(info.value)
    assert message.startswith("p.md:3: front matter has the tag !!python/")
    assert "\n" not in message


def test_a_duplicate_key_keeps_its_last_value_with_a_warning() -> None:
    """As Jekyll and PyYAML read it, the last value wins; a finding names the second key's line."""
    post = parse("---\ntitle: 一\ntags: [a]\ntitle: 二\n---\n正文\n", path="p.md")
    assert post.front_matter.get("title") == "二"
    duplicates = [f for f in post.findings if f.code == "duplicate-key"]
    assert [(f.line, "'title'" in f.message) for f in duplicates] == [(4, True)]


def test_front_matter_past_its_size_limit_is_refused() -> None:
    """Front matter longer than the limit is a LimitError before YAML reads it."""
    text = "---\ndescription: " + "长" * MAX_FRONT_MATTER_CHARS + "\n---\n正文\n"
    with pytest.raises(LimitError, match=r"^p\.md:2: front matter is [\d,]+ characters long"):
        parse(text, path="p.md")


def test_toml_front_matter_nesting_too_deep_is_a_limit_error() -> None:
    """TOML nesting is bounded too (tomllib itself would hit the recursion limit)."""
    for depth in (MAX_DEPTH + 1, 10_000):
        with pytest.raises(LimitError, match="levels deep"):
            split_front_matter("+++\nx = " + "[" * depth + "]" * depth + "\n+++\n", "p.md")


def test_a_toml_local_time_is_kept_as_text() -> None:
    """A TOML time of day (which no emitter writes back) is its ISO text."""
    source = split_front_matter("+++\ntitle = 't'\nat = 07:32:00\n+++\n正文\n", "p.md")
    assert source.front_matter.get("at") == "07:32:00"


# --- values of the wrong type -------------------------------------------------

#: Front-matter lines whose values are not what the keys usually hold.
HOSTILE_VALUES = {
    "tags-int": "tags: 5",
    "tags-map": "tags: {a: b}",
    "tags-set-like": "tags: {a, b}",
    "tags-text": 'tags: "a, b"',
    "tags-nested": "tags: [[a, b], {c: d}, null, 3]",
    "title-list": "title: [1, 2]",
    "title-null": "title: null",
    "title-map": "title: {a: 1}",
    "date-list": "date: [2020]",
    "date-big": "date: 99999999999",
    "date-bad": "date: 2020-13-45",
    "date-map": "date: {y: 2020}",
    "date-text": "date: yesterday",
    "categories-true": "categories: true",
    "binary": "cover: !!binary aGVsbG8=",
    "binary-nested": "extra: {a: {b: [1, {c: !!binary aGk=}]}}",
    "long": "description: " + "长" * 100_000,
    "int-key": "1: x",
    "bool-key": "true: x",
    "null-key": "~: x",
    "complex-key": "? [a]\n: b",
    "extra-list": "extra: [1, 2]",
    "extra-text": "extra: text",
    "wechat-list": "wechat: [1]",
    "set": "s: !!set {a, b}",
    "omap": "o: !!omap [a: 1, b: 2]",
    "pairs": "p: !!pairs [a: 1, a: 2]",
    "huge-int": "n: 1" + "0" * 5000,
    "slug-list": "slug: [a]",
    "author-map": "author: {name: x}",
    "description-list": "description: [a, b]",
    "cover-list": "cover: [a.png, 3]",
    "header-map": "header: {image: 5}",
    "layout-int": "layout: 5",
    "draft-text": "draft: maybe",
    "nan": "tags: .nan",
}


@pytest.mark.parametrize("line", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_wrong_types_pass_through_the_api(tmp_path: Path, line: str) -> None:
    """load, repair, to_markdown for every engine, to_html and inspect --json raise nothing."""
    path = make_site(tmp_path / "site", {"2020-01-02-odd.md": f"---\n{line}\n---\n{BODY}"}) / "_posts/2020-01-02-odd.md"
    post = load(path)
    repaired, _ = wxmigrate.repair(post)
    for engine in ENGINES:
        assert "正文第一段" in wxmigrate.to_markdown(repaired, engine)
    assert "正文第一段" in wxmigrate.to_html(repaired, standalone=True)
    code, out, err = cli("inspect", "--json", str(path))
    assert (code, err) == (0, "")
    assert json.loads(out)["path"] == str(path)


def test_wrong_types_keep_their_value_as_written() -> None:
    """Keys are their text, sets and binaries are data the emitters can write back."""
    text = "---\n1: x\ntrue: y\n? [a, b]\n: c\nbin: !!binary aGVsbG8=\ns: !!set {p, q}\n---\n正文\n"
    data = parse(text).front_matter.data
    assert data == {"1": "x", "true": "y", "[a, b]": "c", "bin": "aGVsbG8=", "s": ["p", "q"]}


def test_tags_of_any_type_become_names() -> None:
    """Tags given as a number, a boolean, a mapping or nested lists are laid out as names."""
    from wxmigrate.layout import post_meta

    def tags(line: str) -> tuple[str, ...]:
        return post_meta(parse(f"---\ntitle: t\n{line}\n---\n正文\n"), None).tags

    assert tags("tags: 5") == ("5",)
    assert tags("tags: true") == ("true",)
    assert tags("tags: {a, b}") == ("a", "b")
    assert tags('tags: "a, b"') == ("a", "b")
    assert tags("tags: [[a, b], 'c, d', null]") == ("a", "b", "c, d")


#: A WeChat post with a repost note and cards: laying it out writes fields into the front matter.
WECHAT_BODY = textwrap.dedent(
    """\
    <blockquote><p>转载：南湖环保志愿队<br>
    来源：微信公众号</p></blockquote>

    #城郊水库边拍到罕见的黑鹳
    [南湖环保志愿队]
    **南湖环保志愿队**
    微信号gh_3fa9c1d2e7b0
    功能介绍记录南湖的四季，组织巡湖、清理和观鸟活动，欢迎市民加入。

    一月中旬，几位观鸟爱好者在城郊水库的浅滩边发现了两只黑鹳。
    """
)

SOURCES = {
    "jekyll": ({"_config.yml": "title: t\n"}, "_posts/2020-01-{n:02d}-p{n}.md"),
    "hugo": ({"hugo.toml": 'title = "t"\n'}, "content/posts/p{n}.md"),
    "zola": ({"config.toml": 'base_url = "https://example.org"\ntitle = "t"\n'}, "content/blog/p{n}.md"),
}
#: Per source, the posts that fail (one line each) when mirrored: the repost fields have no place.
NO_PLACE = {"hugo": {"wechat-list"}, "zola": {"extra-list", "extra-text"}}


def _hostile_site(root: Path, source: str) -> dict[str, Path]:
    config, pattern = SOURCES[source]
    for name, text in config.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    paths = {}
    for number, (case, line) in enumerate(HOSTILE_VALUES.items(), 1):
        path = root / pattern.format(n=number)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\nlayout: post\n{line}\n---\n\n{WECHAT_BODY}", encoding="utf-8")
        paths[case] = path
    return paths


@pytest.mark.parametrize(
    ("source", "engine"),
    [("jekyll", None), *[("jekyll", name) for name in sorted(ENGINES)], ("hugo", None), ("zola", None)],
)
def test_wrong_types_through_repair_for_every_engine(tmp_path: Path, source: str, engine: str | None) -> None:
    """``repair SITE --out OUT [--engine E]`` writes every post; the only errors are one line each."""
    paths = _hostile_site(tmp_path / "site", source)
    argv = ["repair", str(tmp_path / "site"), "--out", str(tmp_path / "out"), "--report", str(tmp_path / "r.json")]
    code, _, err = cli(*argv, *(["--engine", engine] if engine else []))
    failing = NO_PLACE.get(source, set()) if engine is None else set()
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    failed = {post["path"] for post in report["posts"] if post["error"]}
    assert failed == {str(paths[case]) for case in failing}
    assert all(Path(post["output"]).is_file() for post in report["posts"] if not post["error"])
    errors = messages(err)
    assert all(re.match(rf"{re.escape(str(tmp_path))}\S*:\d+: \S", line) for line in errors), errors
    assert "Traceback" not in err
    assert code == (1 if failing else 0)


# --- encodings -----------------------------------------------------------------

POST = "---\ntitle: 标题\n---\n第一段，正文。\n"


@pytest.mark.parametrize(
    "data",
    [
        POST.encode("utf-8"),
        codecs.BOM_UTF8 + POST.encode("utf-8"),
        codecs.BOM_UTF16_LE + POST.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + POST.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + POST.encode("utf-32-le"),
        codecs.BOM_UTF32_BE + POST.encode("utf-32-be"),
        POST.encode("gbk"),
        (POST + "生僻字：𠀀。\n").encode("gb18030"),  # a character only GB18030 (not GBK) has
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "gbk", "gb18030"],
)
def test_encodings_are_read(data: bytes) -> None:
    """Each encoding a Chinese post arrives in decodes to the same text."""
    assert decode(data, "p.md").startswith(POST)


def test_non_chinese_bytes_that_gb18030_decodes_are_refused() -> None:
    """Latin-1 ``résumé`` decodes as GB18030 but not to Chinese: an error with line and offset."""
    with pytest.raises(EncodingError) as info:
        decode("---\ntitle: x\n---\nrésumé\n".encode("latin-1"), "p.md")
    assert str(info.value).startswith("p.md:4: byte 0xe9 at offset 18 is not UTF-8")
    assert "--encoding" in str(info.value)


def test_an_encoding_given_is_used(tmp_path: Path) -> None:
    """``encoding=`` reads what no guess would (Big5 here), through read_text and load."""
    path = tmp_path / "big5.md"
    path.write_bytes("---\ntitle: 繁體標題\n---\n正文。\n".encode("big5"))
    assert read_text(path, encoding="big5").startswith("---\ntitle: 繁體標題")
    assert load(path, encoding="big5").title == "繁體標題"


def test_bytes_not_in_the_encoding_given_name_line_and_offset() -> None:
    """With an encoding given, a byte it cannot decode is an error at its line and offset."""
    with pytest.raises(EncodingError, match=r"^p\.md:2: byte 0xff at offset 3 is not utf-8, the encoding given$"):
        decode(b"ab\n\xff\n", "p.md", encoding="utf-8")


@pytest.mark.parametrize("name", ["no-such-codec", "base64"])
def test_an_unknown_or_binary_codec_is_a_config_error(name: str) -> None:
    """Only text encodings Python knows are accepted."""
    with pytest.raises(ConfigError):
        decode(b"x", "p.md", encoding=name)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"---\ntitle: x\n---\nab\x00c\n", "p.md:4: NUL character at offset 19"),
        (b"ab\r\rc\x00", "p.md:3: NUL character at offset 5"),
        (codecs.BOM_UTF16_LE + "a\nb\x00".encode("utf-16-le"), "p.md:2: NUL character at offset 8"),
        (b"line one\r\nline two \xc3\x28\r\n", "p.md:2: byte 0xc3 at offset 19 is not UTF-8"),
        (codecs.BOM_UTF16_LE + "a\nb".encode("utf-16-le") + b"\x00", "p.md:2: byte 0x00 at offset 8 is not utf-16"),
    ],
    ids=["nul-utf-8", "nul-lone-cr", "nul-utf-16", "invalid-utf-8-crlf", "truncated-utf-16"],
)
def test_nul_and_invalid_bytes_name_line_and_byte_offset(data: bytes, message: str) -> None:
    """The message gives the line (any newline style) and the byte offset of what is wrong."""
    with pytest.raises(EncodingError) as info:
        decode(data, "p.md")
    assert str(info.value).startswith(message)


def test_output_is_utf_8_and_unchanged_posts_keep_their_bytes_in_place(tmp_path: Path) -> None:
    """``--out`` writes UTF-8 whatever was read; in place, a post whose text is unchanged is not rewritten."""
    utf16 = codecs.BOM_UTF16_LE + POST.encode("utf-16-le")
    site = make_site(tmp_path / "site", {"2020-01-02-u16.md": utf16, "2020-01-03-gbk.md": POST.encode("gbk")})
    code, _, err = cli("repair", str(site), "--out", str(tmp_path / "out"))
    assert (code, "failed" in err) == (0, False)
    for name in ("2020-01-02-u16.md", "2020-01-03-gbk.md"):
        assert (tmp_path / "out/_posts" / name).read_bytes() == POST.encode("utf-8")
    code, _, _ = cli("repair", str(site), "--in-place")
    assert code == 0
    assert (site / "_posts/2020-01-02-u16.md").read_bytes() == utf16


def test_encoding_option_on_the_command_line(tmp_path: Path) -> None:
    """``--encoding`` reads every post of the run in that encoding, for repair, inspect and verify."""
    big5 = "---\ntitle: 繁體\n---\n正文。\n".encode("big5")
    site = make_site(tmp_path / "site", {"2020-01-02-b5.md": big5})
    (site / "_posts/2020-01-01-good.md").write_bytes(GOOD.encode("big5"))  # every post in Big5
    code, _, err = cli("repair", str(site), "--out", str(tmp_path / "out"), "--encoding", "big5")
    assert code == 0, err
    assert "title: 繁體" in (tmp_path / "out/_posts/2020-01-02-b5.md").read_text(encoding="utf-8")
    code, out, _ = cli("inspect", "--json", "--encoding", "big5", str(site / "_posts/2020-01-02-b5.md"))
    assert (code, json.loads(out)["title"]) == (0, "繁體")
    code, _, err = cli("verify", str(site), "--encoding", "big5")
    assert "2020-01-02-b5.md" not in err


@pytest.mark.parametrize("command", ["repair", "inspect", "verify"])
def test_an_unknown_encoding_is_a_usage_error(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--encoding nope`` exits 2 before any work, saying what was wrong."""
    site = make_site(tmp_path / "site", {})
    target = str(site / "_posts/2020-01-01-good.md") if command == "inspect" else str(site)
    extra = ["--out", str(tmp_path / "out")] if command == "repair" else []
    code, _, _ = cli(command, target, *extra, "--encoding", "nope")
    assert code == 2
    assert "unknown encoding 'nope'" in capsys.readouterr().err  # argparse's usage message
    assert not (tmp_path / "out").exists()


def test_lone_cr_posts_keep_every_line(tmp_path: Path) -> None:
    """A post with old-Mac line ends is repaired with every line, written with ``\\n``."""
    lines = ["---", "title: 标题", "---", "第一段", "第二行", "", "第三段"]
    site = make_site(tmp_path / "site", {"2020-01-02-cr.md": "\r".join(lines) + "\r"})
    code, _, _ = cli("repair", str(site), "--out", str(tmp_path / "out"))
    assert code == 0
    assert (tmp_path / "out/_posts/2020-01-02-cr.md").read_text(encoding="utf-8") == "\n".join(lines) + "\n"


# --- size ------------------------------------------------------------------------


def test_a_file_past_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A post bigger than the limit (sparse here, so cheap) is a LimitError at line 0 naming it."""
    path = tmp_path / "huge.md"
    with path.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(LimitError) as info:
        read_text(path)
    assert str(info.value) == (
        f"{path}:0: is {MAX_FILE_BYTES + 1:,} bytes, more than the {MAX_FILE_BYTES:,} bytes a post may have; not read"
    )


def test_standard_input_past_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """``inspect -`` reads at most the limit from standard input (a small limit here)."""
    monkeypatch.setattr(read, "MAX_FILE_BYTES", 10)
    assert read.read_stream(io.BytesIO(b"0123456789"), "<stdin>") == "0123456789"
    with pytest.raises(LimitError, match=r"^<stdin>:0: has more than the 10 bytes a post may have"):
        read.read_stream(io.BytesIO(b"0123456789!"), "<stdin>")


# --- end to end ------------------------------------------------------------------

#: Each case: the post's bytes, and the file line the one-line error names.
BAD_POSTS: dict[str, tuple[bytes, int]] = {
    "alias-bomb": (alias_bomb().encode(), 6),
    "deep-nesting": (nested_flow(100_000).encode(), 2),
    "python-tag": (b"---\ntitle: t\nx: !!python/object/apply:os.system ['echo pwned']\n---\nbody\n", 3),
    "unclosed-fence": ("---\ntitle: 未闭合\n正文\n".encode(), 1),
    "recursive-alias": (b"---\nx: &a [*a]\n---\nbody\n", 2),
    "nul": (b"---\ntitle: t\n---\nbody\x00\n", 4),
    "latin-1": ("---\ntitle: t\n---\nCafé au lait\n".encode("latin-1"), 4),
    "big-front-matter": (("---\nd: " + "x" * (MAX_FRONT_MATTER_CHARS + 1) + "\n---\nbody\n").encode(), 2),
}


@pytest.mark.parametrize("case", BAD_POSTS, ids=BAD_POSTS.keys())
def test_one_bad_post_is_one_line_and_the_others_are_written(tmp_path: Path, case: str) -> None:
    """Exit 1, one line on standard error naming the file and line, no traceback, the good post written."""
    data, line = BAD_POSTS[case]
    site = make_site(tmp_path / "site", {"2020-01-02-bad.md": data})
    code, _, err = cli("repair", str(site), "--out", str(tmp_path / "out"))
    bad = site / "_posts/2020-01-02-bad.md"
    errors = messages(err)
    assert code == 1
    assert len(errors) == 1 and errors[0].startswith(f"{bad}:{line}: "), err
    assert "Traceback" not in err
    assert (tmp_path / "out/_posts/2020-01-01-good.md").read_text(encoding="utf-8") == GOOD


def test_a_post_past_the_size_limit_stops_nothing(tmp_path: Path) -> None:
    """Through the CLI, a huge post is one line at line 0; the good post is written."""
    site = make_site(tmp_path / "site", {})
    with (site / "_posts/2020-01-02-huge.md").open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)
    code, _, err = cli("repair", str(site), "--out", str(tmp_path / "out"))
    assert code == 1
    assert f"{site / '_posts/2020-01-02-huge.md'}:0: is " in err
    assert (tmp_path / "out/_posts/2020-01-01-good.md").is_file()


def test_a_bad_date_is_a_warning_in_the_report_and_the_post_is_written(tmp_path: Path) -> None:
    """The issue's case: ``date: 2020-13-45`` no longer stops the run; the report warns at its line."""
    site = make_site(tmp_path / "site", {"2020-01-02-date.md": f"---\ntitle: t\ndate: 2020-13-45\n---\n{BODY}"})
    code, out, err = cli("repair", str(site), "--out", str(tmp_path / "out"), "--report", "-")
    assert "Traceback" not in err
    assert code == 1  # its image is missing; nothing failed
    posts = {Path(post["path"]).name: post for post in json.loads(out)["posts"]}
    assert posts["2020-01-02-date.md"]["written"]
    assert [(w["code"], w["line"]) for w in posts["2020-01-02-date.md"]["warnings"]] == [("not-a-date", 3)]
    written = (tmp_path / "out/_posts/2020-01-02-date.md").read_text(encoding="utf-8")
    assert "date: 2020-13-45\n" in written


def test_verify_lists_a_bad_post_and_reads_the_others(tmp_path: Path) -> None:
    """``verify`` reports the hostile post as one line and still checks the others."""
    site = make_site(tmp_path / "site", {"2020-01-02-bad.md": alias_bomb(), "2020-01-03-img.md": BODY})
    report = wxmigrate.verify(site)
    assert len(report.errors) == 1 and "2020-01-02-bad.md:6: " in report.errors[0]
    assert [(image.post, image.src) for image in report.images] == [("_posts/2020-01-03-img.md", "/img/a.png")]


def test_inspect_json_shows_the_front_matter_findings(tmp_path: Path) -> None:
    """The loader's warnings are the post's findings, which ``inspect --json`` prints."""
    path = tmp_path / "p.md"
    path.write_text("---\ntitle: 一\ntitle: 二\ndate: 2020-13-45\n---\n正文\n", encoding="utf-8")
    code, out, _ = cli("inspect", "--json", str(path))
    findings = [(f["code"], f["line"]) for f in json.loads(out)["findings"]]
    assert code == 0
    assert ("duplicate-key", 3) in findings and ("not-a-date", 4) in findings


#: Pieces of YAML that front matter is made of, hostile ones among them.
YAML_PIECES = st.one_of(
    st.text(alphabet="-:[]{}&*!|>'\"\n #?,.ab12~<=\t%@`\\年", max_size=8),
    st.sampled_from(
        ["!!binary ", "!!set ", "!!omap ", "!!pairs ", "!!timestamp ", "!!int ", "!!float ", "!!bool ",
         "!!null ", "<<: ", "&a ", "*a ", "? ", "2020-13-45", "1e999", "!!python/object:os.system "]
    ),
)


@given(st.lists(YAML_PIECES, max_size=30).map("".join))
def test_any_front_matter_parses_or_fails_cleanly(raw: str) -> None:
    """Whatever the front matter holds, parsing raises at most a WxMigrateError, and the post is writable."""
    try:
        post = parse("---\n" + raw + "\n---\n正文\n", path="p.md")
    except WxMigrateError as error:
        assert re.match(r"p\.md:\d+: [^\n]+$", str(error))
        return
    for engine in ("jekyll", "hugo", "zola", "pelican"):
        assert "正文" in wxmigrate.to_markdown(post, engine)


@given(
    st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE, b"---\n"]),
    st.binary(max_size=300),
    st.sampled_from([None, "gb18030", "utf-16", "latin-1"]),
)
def test_any_bytes_decode_or_fail_cleanly(start: bytes, data: bytes, encoding: str | None) -> None:
    """Any bytes, in any encoding given or none, decode and parse or raise a WxMigrateError."""
    try:
        parse(decode(start + data, "p.md", encoding=encoding), path="p.md")
    except WxMigrateError as error:
        assert re.match(r"p\.md:\d+: [^\n]+$", str(error))


def test_the_api_raises_only_wxmigrate_errors_for_these_files(tmp_path: Path) -> None:
    """``load`` raises a WxMigrateError (never RecursionError, ValueError…) for each bad post."""
    for case, (data, _) in BAD_POSTS.items():
        path = tmp_path / f"{case}.md"
        path.write_bytes(data)
        with pytest.raises(WxMigrateError):
            load(path)
