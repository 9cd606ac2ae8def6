"""The configuration file (``wxmigrate.toml`` or ``[tool.wxmigrate]``), ``wxmigrate config``
and ``--show-config``: where the file is found, what wins, and its errors (docs/formatter.md)."""

from __future__ import annotations

import argparse
import io
import re
from pathlib import Path

import pytest
from PIL import Image

from wxmigrate.cli import run
from wxmigrate.commands import repair, verify
from wxmigrate.config import KEYS, find_config, key_line, load_config
from wxmigrate.errors import ConfigError

from .helpers import ROOT

DAMAGED = "---\ntitle: 春天来了\n---\n#春天来了\n\n田里的油菜花开了。\n"
#: The options of repair and verify that deliberately have no key: what a run does or prints.
NOT_CONFIGURABLE = {
    "repair": {"source", "more_sources", "out", "in_place", "check", "dry_run", "diff", "explain", "report",
               "quiet", "review"},
    "verify": {"source", "fix", "fetch", "dry_run", "image_folder", "report"},
}


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _site(folder: Path, posts: dict[str, str] | None = None) -> Path:
    (folder / "_posts").mkdir(parents=True)
    (folder / "_config.yml").write_text("title: site\n", encoding="utf-8")
    for name, text in (posts or {"2024-03-01-damaged.md": DAMAGED}).items():
        (folder / "_posts" / name).write_text(text, encoding="utf-8")
    return folder


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _shown(out: str) -> dict[str, tuple[str, str]]:
    """``--show-config``'s lines: key -> (what is written before the origin, the origin)."""
    shown = {}
    for line in out.splitlines():
        found = re.match(r"(?:# )?([a-z-]+)(?: = (.*?)| is not set)\s+# (.*)$", line)
        if found:
            shown[found.group(1)] = ((found.group(2) or "").strip(), found.group(3))
    return shown


def test_the_closest_file_wins(tmp_path: Path) -> None:
    top = _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.wxmigrate]\nengine = "hugo"\n')
    inner = _write(tmp_path / "blog" / "wxmigrate.toml", 'engine = "zola"\n')
    (tmp_path / "blog" / "_posts").mkdir()
    (tmp_path / "other").mkdir()
    assert find_config(tmp_path / "blog" / "_posts") == load_config(inner)
    assert find_config(tmp_path / "other") == load_config(top)
    assert load_config(top).settings["engine"].line == 5


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    top = _write(tmp_path / "wxmigrate.toml", "jobs = 2\n")
    _write(tmp_path / "site" / "pyproject.toml", '[project]\nname = "wxmigrate-site"\n[tool.black]\nline-length = 90\n')
    assert find_config(tmp_path / "site") == load_config(top)


def test_somebody_elses_broken_pyproject_is_not_read(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[project\nname = \n")
    assert find_config(tmp_path) is None


def test_in_one_folder_wxmigrate_toml_wins_and_the_other_is_named(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    _write(site / "wxmigrate.toml", 'disable = ["space_after_heading_marks"]\n')
    pyproject = _write(site / "pyproject.toml", '[tool.wxmigrate]\nengine = "zola"\n')
    found = find_config(site)
    assert found is not None and found.path == site / "wxmigrate.toml" and found.shadowed == pyproject
    code, out, err = _run("repair", str(site), "--check")
    assert (code, out) == (0, "")  # the rule the damage needs is disabled; zola would be a usage error
    assert f"{pyproject}: [tool.wxmigrate] ignored: {site / 'wxmigrate.toml'} beside it wins" in err


def test_a_file_setting_changes_the_run_and_the_command_line_wins(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    _write(site / "wxmigrate.toml", 'disable = ["space_after_heading_marks"]\n')
    assert _run("repair", str(site), "--check", "--quiet") == (0, "", "")
    code, out, _ = _run("repair", str(site), "--check", "--quiet", "--disable", "join_cut_sentences")
    assert (code, out) == (1, f"would repair {site / '_posts' / '2024-03-01-damaged.md'}\n")
    assert _run("repair", str(site), "--check", "--quiet", "--no-config")[0] == 1
    elsewhere = _write(tmp_path / "empty.toml", "")
    assert _run("repair", str(site), "--check", "--quiet", "--config", str(elsewhere))[0] == 1


def test_a_switch_the_file_turns_on_is_turned_off_by_its_no_form(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    _write(site / "wxmigrate.toml", "strip-boilerplate = true\nkeep-title-heading = true\n")
    shown = _shown(_run("repair", str(site), "--check", "--show-config", "--no-strip-boilerplate")[1])
    assert shown["strip-boilerplate"] == ("false", "command line")
    assert shown["keep-title-heading"] == ("true", f"{site / 'wxmigrate.toml'}:2")
    assert shown["engine"] == ("", "default")


def test_show_config_does_nothing_else(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    code, out, err = _run("repair", str(site), "--show-config", "--jobs", "3")
    assert (code, err) == (0, "")
    assert out.splitlines()[:2] == [f"# wxmigrate repair {site}", f"# configuration file: none found from {site} upwards"]
    assert _shown(out)["jobs"] == ("3", "command line")
    assert set(_shown(out)) == {key for key, spec in KEYS.items() if "repair" in spec.commands}
    assert (site / "_posts" / "2024-03-01-damaged.md").read_text(encoding="utf-8") == DAMAGED


def test_wxmigrate_config_lists_every_key_with_its_origin(tmp_path: Path) -> None:
    file = _write(tmp_path / "pyproject.toml", '[tool.wxmigrate]\n# the site\nengine = "hugo"\nassets = ["pics"]\n')
    code, out, err = _run("config", str(tmp_path))
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"# configuration file: {file} [tool.wxmigrate]"
    shown = _shown(out)
    assert list(shown) == list(KEYS)
    assert shown["engine"] == ('"hugo"', f"{file}:3 (repair)")
    assert shown["assets"] == (f'["{tmp_path / "pics"}"]', f"{file}:4 (repair, verify)")  # from the file's folder
    assert shown["jobs"] == ("1", "default (repair, verify)")
    assert _run("config", str(tmp_path), "--no-config")[1].splitlines()[0] == "# configuration file: --no-config"


def test_paths_in_the_file_are_relative_to_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """verify finds an image only in the folder the file names, run from elsewhere."""
    site = _site(tmp_path / "site", {"2024-03-01-picture.md": "---\ntitle: p\n---\n\n![](/img/only-there.png)\n"})
    (tmp_path / "pics").mkdir()
    Image.new("RGB", (4, 4)).save(tmp_path / "pics" / "only-there.png")
    monkeypatch.chdir(tmp_path / "site" / "_posts")
    assert re.search(r"^\s*missing\s+1$", _run("verify", str(site))[1], re.MULTILINE)
    _write(site / "wxmigrate.toml", 'assets = ["../pics"]\n')
    out = _run("verify", str(site))[1]
    assert re.search(r"^\s*ok\s+1$", out, re.MULTILINE) and "missing" not in out, out


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ('# comment\nengin = "hugo"\n', 2, "unknown key 'engin' (did you mean 'engine'?); known keys: " + ", ".join(KEYS)),
        ('[repair]\njobs = 1\n', 1, "unknown key 'repair'; known keys: "),
        ('jobs = "two"\n', 1, "jobs: expected an integer, not a string ('two')"),
        ("deep = 1\n", 1, "deep: expected true or false, not an integer (1)"),
        ('disable = "join_cut_sentences"\n', 1, "disable: expected a list of strings, not a string ('join_cut_sentences')"),
        ("assets = [1]\n", 1, "assets: expected a list of strings, not a list holding an integer ([1])"),
        ("[engine]\nname = 1\n", 1, "engine: expected a string, not a table ({'name': 1})"),
        ("jobs = true\n", 1, "jobs: expected an integer, not true or false (True)"),
        ('jobs = 1\nengine = "hugoo"\n', 2, "engine: unknown value 'hugoo'; expected one of: eleventy, hexo, hugo"),
        ('disable = ["nope"]\n', 1, "disable: unknown value 'nope'; expected one of: normalize_invisible_spaces"),
        ("jobs = -1\n", 1, "jobs: expected 0 (one per core) or a positive number, not '-1'"),
        ('encoding = "nope"\n', 1, "encoding: unknown encoding 'nope'"),
        ("\n\nengine = \n", 3, "not valid TOML: Invalid value (at line 3, column 10)"),
    ],
)
def test_a_bad_file_is_one_line_naming_it_and_exit_2(tmp_path: Path, text: str, line: int, says: str) -> None:
    site = _site(tmp_path / "site")
    file = _write(site / "wxmigrate.toml", text)
    code, out, err = _run("repair", str(site), "--in-place")
    assert (code, out) == (2, "")
    assert err.startswith(f"wxmigrate repair: {file}:{line}: {says}") and err.count("\n") == 1, err
    assert (site / "_posts" / "2024-03-01-damaged.md").read_text(encoding="utf-8") == DAMAGED


def test_an_option_the_run_refuses_names_the_file_that_set_it(tmp_path: Path) -> None:
    """engine = "hugo" for --out runs, then --check on the Jekyll site: the error says where it is set."""
    site = _site(tmp_path / "site")
    _write(site / "wxmigrate.toml", '# for --out runs\nengine = "hugo"\n')
    code, out, err = _run("repair", str(site), "--check")
    assert (code, out) == (2, "")
    assert err == (
        "wxmigrate repair: <config>:0: in place (--in-place, --check) each post stays where it is, as Markdown; "
        f"use --out DST for another engine or format (set by a configuration file: engine at {site / 'wxmigrate.toml'}:2)\n"
    )
    assert _run("repair", str(site), "--check", "--quiet", "--engine", "jekyll")[0] == 1


def test_verify_and_config_refuse_a_bad_file_too(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    file = _write(site / "pyproject.toml", '[tool.wxmigrate]\nmax-pixels = "many"\n')
    assert _run("verify", str(site)) == (
        2, "", f"wxmigrate verify: {file}:2: max-pixels: expected an integer, not a string ('many')\n"
    )
    _write(file, "[tool.wxmigrate]\nnope = 1\n")
    code, _, err = _run("config", str(site))
    assert code == 2 and err.startswith(f"wxmigrate config: {file}:2: unknown key 'nope'")


def test_a_missing_config_option_file_is_an_error(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    code, _, err = _run("repair", str(site), "--check", "--config", str(tmp_path / "none.toml"))
    assert code == 2 and err.startswith(f"wxmigrate repair: {tmp_path / 'none.toml'}:0: cannot read: ")


def test_several_post_files_each_take_their_own_sites_file(tmp_path: Path) -> None:
    one = _site(tmp_path / "one")
    two = _site(tmp_path / "two")
    _write(one / "wxmigrate.toml", 'disable = ["space_after_heading_marks"]\n')
    posts = [str(site / "_posts" / "2024-03-01-damaged.md") for site in (one, two)]
    code, out, _ = _run("repair", "--check", "--quiet", *posts)
    assert (code, out) == (1, f"would repair {posts[1]}\n")


def test_key_line_reads_tables_and_dotted_keys(tmp_path: Path) -> None:
    table = '[project]\nname = "x"\n[tool.wxmigrate]\n"jobs" = 2\n'
    dotted = '[project]\nname = "x"\n\n[tool]\nwxmigrate.engine = "hugo"\n'
    assert key_line(table, ("tool", "wxmigrate", "jobs")) == 4
    assert key_line(table, ("tool", "wxmigrate")) == 3
    assert key_line(dotted, ("tool", "wxmigrate", "engine")) == 5
    assert key_line(table, ("tool", "wxmigrate", "deep")) == 0
    for text, expected in ((table, {"jobs": (2, 4)}), (dotted, {"engine": ("hugo", 5)})):
        settings = load_config(_write(tmp_path / "pyproject.toml", text)).settings
        assert {key: (setting.value, setting.line) for key, setting in settings.items()} == expected


def test_a_config_error_is_a_config_error_at_its_place(tmp_path: Path) -> None:
    file = _write(tmp_path / "wxmigrate.toml", "deep = 'yes'\n")
    with pytest.raises(ConfigError) as raised:
        load_config(file)
    assert (raised.value.path, raised.value.line) == (str(file), 1)


@pytest.mark.parametrize("command", ["repair", "verify"])
def test_every_option_has_a_key_or_a_reason_not_to(command: str) -> None:
    """Each key gives the default of a real option; the other options are listed as not configurable."""
    parser = argparse.ArgumentParser()
    (repair if command == "repair" else verify).add_arguments(parser)
    configurable = set(parser.get_default("configurable"))
    assert configurable == {key for key, spec in KEYS.items() if command in spec.commands}
    others = {
        action.dest for action in parser._actions
        if action.dest not in {"help", "config", "no_config", "show_config", "configurable"}
    } - {key.replace("-", "_") for key in configurable}
    assert others <= NOT_CONFIGURABLE[command]


def test_the_docs_list_every_key() -> None:
    text = (ROOT / "docs" / "formatter.md").read_text(encoding="utf-8")
    table = {found.group(1) for found in re.finditer(r"^\| `([a-z-]+)` \|", text, re.MULTILINE)}
    assert set(KEYS) <= table
