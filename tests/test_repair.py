"""Repairing whole posts and sites, judged as a reader of the built pages would judge them."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import attrs
import pytest
from lxml import html

import wxmigrate
from wxmigrate.cli import run
from wxmigrate.emit import to_markdown
from wxmigrate.emit.metadata import tidy_card
from wxmigrate.parse import title_heading
from wxmigrate.model import (
    AccountCard,
    CodeBlock,
    HtmlBlock,
    OriginalCard,
    Strong,
    block_inlines,
    walk_blocks,
    walk_inlines,
)
from wxmigrate.rules import repair
from wxmigrate.rules.conservation import article_text
from wxmigrate.visible import defects, render

from .helpers import DEMO_SITE, SAMPLE_SITE, corpus_posts, terminal_line

DEMO_POSTS = sorted((DEMO_SITE / "_posts").glob("*.md"))


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _site_copy(tmp_path: Path, source: Path = DEMO_SITE) -> Path:
    site = tmp_path / "site"
    shutil.copytree(source, site)
    return site


def _letters(post: wxmigrate.Post) -> str:
    return article_text(post)


@pytest.mark.parametrize("path", DEMO_POSTS, ids=lambda p: p.name)
def test_repaired_demo_post_renders_clean(path: Path) -> None:
    """No literal asterisks, empty/nested bold, unspaced headings or broken image links."""
    repaired, changes = repair(wxmigrate.load(path))
    found = defects(to_markdown(repaired))
    assert (found.literal_asterisks, found.empty_strong, found.nested_strong) == (0, 0, 0)
    assert (found.unspaced_headings, found.broken_image_links, found.unrendered_images) == (0, 0, 0)
    assert found.paragraphs >= 8
    assert changes


@pytest.mark.parametrize("path", DEMO_POSTS, ids=lambda p: p.name)
def test_every_bold_run_renders_as_bold(path: Path) -> None:
    """Each Strong of the repaired model is a <strong> under CommonMark."""
    repaired, _ = repair(wxmigrate.load(path))
    runs = sum(
        1 for block in walk_blocks(repaired.blocks)
        for inline in walk_inlines(block_inlines(block)) if isinstance(inline, Strong)
    )
    assert runs > 0
    assert len(list(render(to_markdown(repaired)).iter("strong"))) == runs


@pytest.mark.parametrize("path", DEMO_POSTS, ids=lambda p: p.name)
def test_repair_conserves_letters_and_digits(path: Path) -> None:
    """Every letter and digit survives in order, the repeated H1 and the card's repeated name aside."""
    post = wxmigrate.load(path)
    repaired, _ = repair(post, keep_title_heading=True, disabled={"tidy_cards"})
    assert _letters(repaired) == _letters(post)
    again = wxmigrate.parse(to_markdown(repaired))
    assert _letters(again) == _letters(post)
    tidied, _ = repair(post, keep_title_heading=True)
    kept = tuple(tidy_card(b) if isinstance(b, (AccountCard, OriginalCard)) else b for b in post.blocks)
    assert _letters(tidied) == _letters(attrs.evolve(post, blocks=kept))


@pytest.mark.parametrize("path", DEMO_POSTS, ids=lambda p: p.name)
def test_pipeline_is_idempotent(path: Path) -> None:
    """Repairing repaired output changes nothing, as a model and as text."""
    once, _ = repair(wxmigrate.load(path))
    twice, changes = repair(once)
    assert changes == [] and twice == once
    text = to_markdown(once)
    reread, changes = repair(wxmigrate.parse(text))
    assert changes == []
    assert to_markdown(reread) == text


def test_demo_post_repairs_as_expected() -> None:
    """The specific repairs on the demo post: title, repost note, joins, bold."""
    repaired, changes = repair(wxmigrate.load(DEMO_POSTS[0]))
    text = to_markdown(repaired)
    assert "title:      春耕时节社区志愿者走进田间地头帮助农户抢种\n" in text
    assert "<blockquote><p>转载：梧桐社区服务站<br>" in text
    assert "搬运化肥**300袋**、地膜**26卷**" in text
    assert "**一是**，先请农技员" in text
    assert "**守护农户“饭碗”**" in text
    assert "是“**早一天下种**”让" in text
    assert "**梧桐社区服务站**\n\n**守护" in text
    assert "#春耕" not in text and "# 春耕" not in text  # the repeated H1 is dropped
    assert {change.rule for change in changes} >= {
        "join_split_image_path", "drop_stray_bold_markers", "merge_adjacent_bold",
        "balance_quotes_in_bold", "fit_bold_to_cjk_punctuation", "drop_repeated_title_heading",
        "separate_glued_images", "join_cut_sentences", "split_line_paragraphs",
        "write_back_full_title", "write_back_repost_account",
    }


def test_keep_title_heading_keeps_it() -> None:
    """With the option, the H1 stays, now with its space."""
    repaired, _ = repair(wxmigrate.load(DEMO_POSTS[0]), keep_title_heading=True)
    assert "\n# 春耕时节社区志愿者走进田间地头帮助农户抢种\n" in to_markdown(repaired)


def test_code_and_raw_html_are_never_touched() -> None:
    """Fenced code and raw HTML keep every character, whatever they hold."""
    text = (
        "正文**一****二**\n\n```\n**a****b**\n#标题\n![](x\ny.png)\n```\n\n"
        "<div class=\"x\">**c****d** #e</div>\n\n行内 `**f****g**` 结束\n"
    )
    post = wxmigrate.parse(text, dialect="wechat")
    repaired, _ = repair(post)
    code = [b for b in walk_blocks(repaired.blocks) if isinstance(b, CodeBlock)]
    html = [b for b in walk_blocks(repaired.blocks) if isinstance(b, HtmlBlock)]
    assert code[0].text == "**a****b**\n#标题\n![](x\ny.png)"
    assert html[0].html == "<div class=\"x\">**c****d** #e</div>"
    assert "`**f****g**`" in to_markdown(repaired)
    assert "**一二**" in to_markdown(repaired)


def test_strip_boilerplate_removes_cruft_and_footer() -> None:
    """The opt-in rule removes UI cruft and the footer, and says so."""
    post = wxmigrate.load(DEMO_POSTS[1])
    repaired, changes = repair(post, strip_boilerplate=True)
    text = to_markdown(repaired)
    assert "点击上方蓝字" not in text and "点在看" not in text and "扫描二维码关注" not in text
    assert sum(change.rule == "strip_boilerplate" for change in changes) == 3
    kept, _ = repair(post)
    assert "点在看" in to_markdown(kept)


def test_unknown_rule_is_a_config_error() -> None:
    """Disabling a rule that does not exist lists the real ones."""
    with pytest.raises(wxmigrate.ConfigError, match="unknown rule.*no_such_rule; known rules: "):
        repair(wxmigrate.load(DEMO_POSTS[0]), disabled=["no_such_rule"])


def test_disabled_rule_does_not_run() -> None:
    """--disable keeps a rule's damage in place."""
    repaired, changes = repair(wxmigrate.load(DEMO_POSTS[0]), disabled=["merge_adjacent_bold"])
    assert "merge_adjacent_bold" not in {change.rule for change in changes}
    assert "**梧桐****社区****服务站**" in to_markdown(repaired)


# --------------------------------------------------------------------------
# The repair command


def test_repair_command_on_demo_site(tmp_path: Path) -> None:
    """--out gets repaired posts and every image they use; nothing visible is left broken."""
    out = tmp_path / "out"
    code, stdout, stderr = _run("repair", str(DEMO_SITE), "--out", str(out), "--report", "-")
    assert code == 0, stderr
    report = json.loads(stdout)
    assert [post["unresolved_images"] for post in report["posts"]] == [[], []]
    assert report["copied_images"]
    for post in sorted((out / "_posts").glob("*.md")):
        found = defects(post.read_text(encoding="utf-8"), roots=(out, post.parent))
        assert found.total == 0, found
        assert found.paragraphs >= 8
    assert (out / "assets/wx/field02.jpeg").is_file()  # copied from the export folder
    assert (out / "_config.yml").is_file()


def test_missing_image_is_reported_not_dropped(tmp_path: Path) -> None:
    """An exported post's image whose file is gone is linked where the file belongs, is reported,
    and exit code is 1."""
    site = _site_copy(tmp_path)
    (site / "assets/wx/library01.jpeg").unlink()
    out = tmp_path / "out"
    code, stdout, stderr = _run("repair", str(site), "--out", str(out), "--report", "-")
    assert code == 1
    missing = [i["src"] for p in json.loads(stdout)["posts"] for i in p["unresolved_images"]]
    assert missing == ["{{site.baseurl}}/assets/wx/library01.jpeg"]
    assert "image not found: {{site.baseurl}}/assets/wx/library01.jpeg" in stderr
    text = (out / "_posts" / DEMO_POSTS[1].name).read_text(encoding="utf-8")
    assert "![]({{ site.baseurl }}/assets/wx/library01.jpeg)" in text


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    """Repairing the repaired site gives byte-identical posts and no changes."""
    first, second = tmp_path / "one", tmp_path / "two"
    _run("repair", str(DEMO_SITE), "--out", str(first))
    code, stdout, _ = _run("repair", str(first), "--out", str(second), "--report", "-")
    assert all(post["changes"] == [] for post in json.loads(stdout)["posts"])
    for post in (first / "_posts").glob("*.md"):
        assert (second / "_posts" / post.name).read_bytes() == post.read_bytes()


def test_originals_are_not_touched(tmp_path: Path) -> None:
    """--out never writes into SRC."""
    site = _site_copy(tmp_path)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    _run("repair", str(site), "--out", str(tmp_path / "out"))
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_in_place_backs_up_and_rewrites(tmp_path: Path) -> None:
    """--in-place keeps a backup of each changed post; a second run writes nothing."""
    site = _site_copy(tmp_path)
    post = site / "_posts" / DEMO_POSTS[0].name
    original = post.read_bytes()
    code, _, _ = _run("repair", str(site), "--in-place")
    assert code == 0
    assert post.read_bytes() != original
    backups = list((site / ".wxmigrate-backup").rglob(DEMO_POSTS[0].name))
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert (site / "assets/wx/field02.jpeg").is_file()
    assert (site / "exports").is_dir()  # nothing is deleted
    repaired = post.read_bytes()
    _run("repair", str(site), "--in-place")
    assert post.read_bytes() == repaired


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    """--dry-run reports and writes no file."""
    out = tmp_path / "out"
    code, _, stderr = _run("repair", str(DEMO_SITE), "--out", str(out), "--dry-run")
    assert code == 0
    assert not out.exists()
    assert "would change" in stderr


def test_diff_and_explain(tmp_path: Path) -> None:
    """--diff prints a unified diff; --explain one line per change with file:line: rule."""
    code, stdout, _ = _run("repair", str(DEMO_POSTS[0]), "--out", str(tmp_path / "o"), "--diff", "--explain")
    assert f"--- {DEMO_POSTS[0]}" in stdout and "+++ " in stdout
    assert f"{DEMO_POSTS[0]}:15: space_after_heading_marks: " in stdout
    assert f"{DEMO_POSTS[0]}:3: write_back_full_title: '春耕时节' -> " in stdout


def test_bad_post_does_not_stop_the_others(tmp_path: Path) -> None:
    """An unreadable post gets a one-line error; the rest are repaired; exit 1."""
    site = _site_copy(tmp_path)
    bad = site / "_posts" / "2022-01-01-bad.md"
    bad.write_bytes(b"---\ntitle: x\n---\n\nCaf\xe9 au lait\n")  # Latin-1: neither UTF-8 nor Chinese
    out = tmp_path / "out"
    code, _, stderr = _run("repair", str(site), "--out", str(out))
    assert code == 1
    assert f"{bad}:5: " in stderr
    assert len(list((out / "_posts").glob("*.md"))) == 2


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    """Missing SRC, --out equal to SRC, unknown rule: exit 2 and nothing written."""
    assert _run("repair", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))[0] == 2
    assert _run("repair", str(DEMO_SITE), "--out", str(DEMO_SITE))[0] == 2
    assert _run("repair", str(DEMO_SITE), "--out", str(tmp_path / "o"), "--disable", "nope")[0] == 2
    assert _run("repair", str(DEMO_SITE))[0] == 2
    assert not (tmp_path / "o").exists()


@pytest.mark.corpus
def test_sample_site_as_a_reader_sees_it(tmp_path: Path) -> None:
    """The shared sample site: zero visible defects but the images that really are missing,
    which the report names; a second run is byte-identical."""
    posts = corpus_posts(SAMPLE_SITE / "_posts")
    out, again = tmp_path / "out", tmp_path / "again"
    code, stdout, _ = _run("repair", str(SAMPLE_SITE), "--out", str(out), "--report", "-")
    report = json.loads(stdout)
    missing = {Path(i["src"].replace("\\", "/").replace("\n", "")).name
               for p in report["posts"]
               for i in [*p["unresolved_images"], *(i for i in p["image_problems"] if not i["copied"])]}
    assert code == (1 if missing else 0)
    total_paragraphs = 0
    for post in posts:
        output = out / "_posts" / post.name
        text = output.read_text(encoding="utf-8")
        found = defects(text, roots=(out, output.parent))
        assert found.total == len(found.unresolved_images)
        assert {Path(src).name for src in found.unresolved_images} <= missing
        total_paragraphs += found.paragraphs
        source = wxmigrate.load(post)
        heading = title_heading(source)
        # Left out on purpose: the H1 that repeats the title, and the account card's ``[X]``
        # line that repeats its ``**X**`` (see wxmigrate.emit.metadata.tidy_card).
        kept = tuple(tidy_card(b) if isinstance(b, (AccountCard, OriginalCard)) else b
                     for b in source.blocks if b is not heading)
        assert _letters(wxmigrate.parse(text)) == _letters(attrs.evolve(source, blocks=kept))
    assert total_paragraphs > 100
    _run("repair", str(out), "--out", str(again))
    for post in posts:
        assert (again / "_posts" / post.name).read_bytes() == (out / "_posts" / post.name).read_bytes()


def test_mislabelled_images_are_copied_under_their_true_extension(tmp_path: Path) -> None:
    """An exported post's PNG named .jpeg is copied as .png and its link follows (--fix-assets
    then finds nothing to fix); the source keeps its file as it was."""
    from PIL import Image as PILImage

    site = _site_copy(tmp_path)
    PILImage.new("RGB", (8, 8), (1, 2, 3)).save(site / "assets/wx/field04.jpeg", format="PNG")
    out = tmp_path / "out"
    code, _, stderr = _run("repair", str(site), "--out", str(out), "--fix-assets")
    assert code == 0, stderr
    assert "fix-assets:" not in stderr
    text = (out / "_posts" / DEMO_POSTS[0].name).read_text(encoding="utf-8")
    assert "assets/wx/field04.png)" in text and "field04.jpeg)" not in text
    assert (out / "assets/wx/field04.png").is_file()
    assert not (out / "assets/wx/field04.jpeg").exists()
    assert (site / "assets/wx/field04.jpeg").is_file() and not (site / "assets/wx/field04.png").exists()


def test_dialect_option_is_passed_on(tmp_path: Path) -> None:
    """--dialect forces the reading of every post; an unknown one is a usage error."""
    out = tmp_path / "out"
    code, stdout, _ = _run("repair", str(DEMO_SITE), "--out", str(out), "--dialect", "generic", "--report", "-")
    assert code == 0
    assert json.loads(stdout)["posts"]
    assert _run("repair", str(DEMO_SITE), "--out", str(tmp_path / "o2"), "--dialect", "nope")[0] == 2


def test_progress_bar_draws_and_erases() -> None:
    """The commands' progress bar draws only for long runs, shows the end, and erases itself."""
    from wxmigrate.commands.progress import ProgressBar

    stream = io.StringIO()
    bar = ProgressBar(stream, label="repairing", unit="posts", minimum=20)
    bar(1, 5)
    assert stream.getvalue() == ""
    bar(1, 40)
    bar(40, 40)
    shown = terminal_line(stream.getvalue())
    assert shown.startswith("repairing: 100%|") and "| 40/40 [" in shown and " posts/s]" in shown
    bar.close()
    assert terminal_line(stream.getvalue()) == ""


def test_a_generic_post_gets_only_the_rules_safe_for_valid_markdown() -> None:
    """A post no exporter wrote keeps its lines and its ``****``; only generic-safe rules run."""
    text = "---\ntitle: Notes\n---\n\nA hard-wrapped line\nand its continuation.\n\nCard 1234****5678 and **“读书会”**好。\n"
    post = wxmigrate.parse(text)
    assert post.generic
    repaired, changes = repair(post)
    assert [change.rule for change in changes] == ["fit_bold_to_cjk_punctuation"]
    assert to_markdown(repaired) == text.replace("**“读书会”**", "**“读书会**”")  # now bold in CommonMark


def test_the_same_text_exported_gets_every_rule() -> None:
    """Read as an exporter's post, the same text gets the exporter rules too."""
    text = "---\ntitle: Notes\n---\n\nA hard-wrapped line\nand its continuation.\n\nCard 1234****5678 and **“读书会”**好。\n"
    _, changes = repair(wxmigrate.parse(text, dialect="wechat"))
    assert {"split_line_paragraphs", "drop_stray_bold_markers"} <= {change.rule for change in changes}


def test_a_hand_written_post_keeps_its_image_links(tmp_path: Path) -> None:
    """In a generic post a working link stays as written (its file copied), a broken one is kept and reported."""
    site = tmp_path / "site"
    (site / "images").mkdir(parents=True)
    (site / "images" / "a.png").write_bytes((DEMO_SITE / "assets/wx/qrcode01.png").read_bytes())
    text = "# Notes\n\n![works](images/a.png)\n\n![gone](/url/b.png)\n"
    (site / "post.md").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, _ = _run("repair", str(site), "--out", str(out), "--report", "-")
    assert code == 1
    assert (out / "post.md").read_text(encoding="utf-8") == text
    assert (out / "images" / "a.png").read_bytes() == (site / "images" / "a.png").read_bytes()
    missing = [i["src"] for p in json.loads(stdout)["posts"] for i in p["unresolved_images"]]
    assert missing == ["/url/b.png"]


def test_a_post_showing_wechat_parts_is_read_as_exported() -> None:
    """Without a known exporter's marks, an account card or credits make a post dialect ``wechat``."""
    assert wxmigrate.parse("正文。\n\n(审核:林木责编:叶青)\n").dialect == "wechat"
    assert wxmigrate.parse("正文。\n\n(审核:林木责编:叶青)\n", dialect="generic").dialect == "generic"
    assert wxmigrate.parse("Plain prose.\n").dialect == "generic"


# --------------------------------------------------------------------------
# Patterns from WeChat posts, judged on the CommonMark render of the repaired Markdown


def _rendered(text: str) -> list[tuple[str, str]]:
    """Each rendered paragraph and heading: its tag and its inner HTML."""
    repaired, _ = repair(wxmigrate.parse(text, dialect="wechat"))
    tree = render(to_markdown(repaired))
    return [
        (element.tag, (element.text or "") + "".join(html.tostring(child, encoding="unicode") for child in element))
        for element in tree
    ]


def test_a_garbled_bold_phrase_renders_as_one_bold_run() -> None:
    """Empty runs that shifted the markers leave no ``**`` shown: the phrase is one bold run."""
    text = "报名即送**价值99的************ **蓝牙音箱** 一只！\n"
    assert _rendered(text) == [("p", "报名即送<strong>价值99的 蓝牙音箱</strong> 一只！")]


def test_a_bold_figure_cut_off_its_sentence_is_joined_whatever_follows() -> None:
    """``资金⏎**1860万**余元`` is one sentence, as ``手机卡⏎**32张**、银行卡`` is."""
    text = "截至目前，警方已冻结涉案资金\n**1860万**余元，手机卡\n**32张**、银行卡若干。\n"
    assert _rendered(text) == [
        ("p", "截至目前，警方已冻结涉案资金<strong>1860万</strong>余元，手机卡<strong>32张</strong>、银行卡若干。")
    ]


def test_parallel_bold_leads_are_paragraphs_of_their_own() -> None:
    """The line introducing parallel leads, and each lead, are separate paragraphs."""
    text = "今年以来，我们向违法犯罪发起全面攻势——\n**突出“快”，**迅速开展集中收网。\n**突出“深”，**深挖幕后团伙。\n"
    assert _rendered(text) == [
        ("p", "今年以来，我们向违法犯罪发起全面攻势——"),
        ("p", "<strong>突出“快”</strong>，迅速开展集中收网。"),
        ("p", "<strong>突出“深”</strong>，深挖幕后团伙。"),
    ]


def test_a_bold_title_cut_at_a_comma_is_one_bold_paragraph() -> None:
    """``**甲，**⏎**乙**`` under a numbered section is one bold title."""
    text = "**二、“早一天下种”春耕行动，**\n**守护农户“粮袋”**\n三月初，农技站的同志走进田间。\n"
    assert _rendered(text) == [
        ("p", "<strong>二、“早一天下种”春耕行动，守护农户“粮袋”</strong>"),
        ("p", "三月初，农技站的同志走进田间。"),
    ]
