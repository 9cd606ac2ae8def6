"""The public API of wxmigrate.testing: names, argument checks, and that each part is what the parser sees."""

from __future__ import annotations

import contextlib
import inspect
import io
import re
import subprocess
import sys
import warnings
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument as HypothesisInvalidArgument
from hypothesis.errors import NonInteractiveExampleWarning

import wxmigrate
from wxmigrate import testing
from wxmigrate.errors import ConfigError
from wxmigrate.model import (
    AccountCard,
    Credits,
    Figure,
    Footer,
    OriginalCard,
    Paragraph,
    Provenance,
    Repost,
)
from wxmigrate.rules import ORDER
from wxmigrate.testing import (
    PATTERNS,
    REPAIRED_BY,
    DamagedPost,
    GeneratedPost,
    InvalidArgument,
    account_cards,
    credit_lines,
    damaged_posts,
    figures,
    footers,
    front_matters,
    original_cards,
    paragraphs,
    posts,
    provenance_lines,
    repost_notes,
    titles,
)

from .helpers import ROOT

STRATEGIES = [getattr(testing, name) for name in testing.__all__ if inspect.isfunction(getattr(testing, name))]


def test_public_names_exist_and_are_documented() -> None:
    """Everything in __all__ exists and has a docstring; strategies are plural nouns taking keywords only."""
    guide = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    for name in testing.__all__:
        value = getattr(testing, name)
        assert value.__doc__ if callable(value) else f"`{name}`" in guide, name
    for strategy in STRATEGIES:
        assert strategy.__name__.endswith("s"), strategy.__name__
        parameters = inspect.signature(strategy).parameters.values()
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters), strategy.__name__
        assert isinstance(strategy(), st.SearchStrategy)


def test_patterns_name_real_rules() -> None:
    """Every pattern has rules that repair it, and those are real rule names."""
    assert set(REPAIRED_BY) == set(PATTERNS)
    assert {rule for rules in REPAIRED_BY.values() for rule in rules} <= set(ORDER)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: posts(repost="yes"), r"posts\(repost='yes'\): expected True \(always\), False \(never\) or None"),  # type: ignore[arg-type]
        (lambda: posts(min_blocks=-1), r"posts\(min_blocks=-1\): expected an int from 0 to 40"),
        (lambda: posts(max_blocks=True), r"posts\(max_blocks=True\): expected an int from 0 to 40"),
        (lambda: posts(max_blocks=41), r"posts\(max_blocks=41\): expected an int from 0 to 40"),
        (lambda: posts(min_blocks=5, max_blocks=2), r"posts\(min_blocks=5, max_blocks=2\): min_blocks exceeds max_blocks"),
        (lambda: damaged_posts(patterns="stray_bold"), r"expected a collection of names such as \['backslash_image_paths'\], not str"),
        (lambda: damaged_posts(patterns=["stray_bold", "no_such"]), r"unknown name\(s\) 'no_such'; expected some of: backslash_image_paths, "),
        (lambda: damaged_posts(clean=posts), r"damaged_posts\(clean=<function posts .*\): expected a Hypothesis strategy such as posts\(\), not function"),  # type: ignore[arg-type]
        (lambda: paragraphs(bold=1), r"paragraphs\(bold=1\): expected True"),  # type: ignore[arg-type]
        (lambda: figures(captions="no"), r"figures\(captions='no'\): expected True"),  # type: ignore[arg-type]
        (lambda: footers(qr_code=0), r"footers\(qr_code=0\): expected True"),  # type: ignore[arg-type]
    ],
)
def test_bad_arguments_fail_at_the_call_with_a_clear_message(call: Any, message: str) -> None:
    """A bad argument raises InvalidArgument when the strategy is made, saying what was expected."""
    with pytest.raises(InvalidArgument, match=message):
        call()


def test_invalid_argument_is_each_error_callers_catch() -> None:
    """InvalidArgument is a ConfigError (so a ValueError) and Hypothesis's InvalidArgument."""
    with pytest.raises(InvalidArgument) as caught:
        posts(min_blocks="2")  # type: ignore[arg-type]
    assert isinstance(caught.value, ConfigError)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, HypothesisInvalidArgument)
    assert str(caught.value).startswith("<config>:0: posts(min_blocks='2'): ")


@given(st.data())
def test_clean_must_draw_generated_posts(data: st.DataObject) -> None:
    """A clean strategy that draws something else is refused when drawn, naming what it drew."""
    with pytest.raises(InvalidArgument, match=r"damaged_posts\(clean=\.\.\.\): drew a str, expected a GeneratedPost"):
        data.draw(damaged_posts(clean=st.just("---\ntitle: x\n---\n")))  # type: ignore[arg-type]


def test_options_are_keyword_only() -> None:
    """Positional options are refused by Python itself."""
    with pytest.raises(TypeError):
        posts(True)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        damaged_posts(["stray_bold"])  # type: ignore[call-arg]


def _only(text: str) -> Any:
    """The single top-level block of a text."""
    blocks = wxmigrate.parse(text).blocks
    assert len(blocks) == 1, blocks
    return blocks[0]


@given(paragraphs())
def test_paragraphs_are_one_finished_paragraph(text: str) -> None:
    """A generated paragraph parses as one paragraph whose last sentence is ended."""
    block = _only(text)
    assert isinstance(block, Paragraph)
    assert text[-1] in "。！？" and "\n" not in text


@given(paragraphs(bold=False), paragraphs(bold=True))
def test_paragraph_bold_option(plain: str, bold: str) -> None:
    """bold=False writes no bold; bold=True opens with a bold lead-in."""
    assert "**" not in plain
    assert re.match(r"^\*\*[^*]+\*\*[，：]", bold)


@given(figures(captions=True), figures(captions=False))
def test_figures_with_and_without_captions(captioned: str, bare: str) -> None:
    """A figure is one image; with captions=True its ▲ caption is on the line under it."""
    block = _only(captioned)
    assert isinstance(block, Figure) and block.caption and "\n▲" in captioned
    block = _only(bare)
    assert isinstance(block, Figure) and not block.caption


@given(front_matters(), titles())
def test_front_matters_and_titles(front: str, title: str) -> None:
    """Front matter parses with its title; a title is plain text YAML reads back unchanged."""
    post = wxmigrate.parse(front + "\n正文。\n")
    assert post.front_matter.present and post.title
    assert wxmigrate.parse(f"---\ntitle: {title}\n---\n").title == title


@given(repost_notes(), account_cards(), original_cards(), provenance_lines(), credit_lines(), footers())
def test_each_part_is_recognised_by_the_parser(
    note: str, card: str, original: str, provenance: str, credits: str, footer: str
) -> None:
    """Each part strategy writes what the parser recognises as that part."""
    assert isinstance(_only(note), Repost)
    assert isinstance(_only(card), AccountCard)
    assert isinstance(_only(original), OriginalCard)
    assert isinstance(wxmigrate.parse("正文。\n\n" + provenance).blocks[-1], Provenance)
    assert isinstance(_only(credits), Credits)
    assert isinstance(wxmigrate.parse("正文。\n\n" + footer).blocks[-1], Footer)


@given(posts(repost=True, account_card=True, original_card=True, provenance=True, credits=True, footer=True))
def test_post_flags_put_each_part_in(sample: GeneratedPost) -> None:
    """With every flag on, the parsed post holds every part, naming what the sample says."""
    post = wxmigrate.parse(sample.text)
    assert post.repost and post.account and post.original and post.provenance and post.credits and post.footer
    assert post.repost.via == post.account.name == sample.account
    assert post.original.name == sample.original


@given(posts(repost=False, account_card=False, original_card=False, provenance=False, credits=False,
             footer=False, min_blocks=0, max_blocks=0))
def test_post_flags_leave_each_part_out(sample: GeneratedPost) -> None:
    """With every flag off and no blocks, the post is its front matter alone."""
    post = wxmigrate.parse(sample.text)
    assert post.blocks == () and sample.account is None and sample.original is None


@given(damaged_posts(patterns=[]))
def test_no_patterns_means_no_damage(sample: DamagedPost) -> None:
    """An empty pattern list leaves the post clean."""
    assert sample.patterns == () and sample.text == sample.clean.text


@given(st.data())
def test_applied_patterns_are_among_those_asked_for(data: st.DataObject) -> None:
    """DamagedPost.patterns lists only requested patterns, in PATTERNS order; any applied changes the text."""
    asked = data.draw(st.lists(st.sampled_from(PATTERNS), unique=True))
    sample = data.draw(damaged_posts(patterns=asked))
    assert set(sample.patterns) <= set(asked)
    assert list(sample.patterns) == [name for name in PATTERNS if name in sample.patterns]
    assert (sample.text != sample.clean.text) == bool(sample.patterns)


@given(damaged_posts())
def test_samples_print_one_source_line_per_line(sample: DamagedPost) -> None:
    """A sample's repr shows each line of its text as a string literal, and joins back to the text."""
    shown = repr(sample)
    literals = re.findall(r"^\s+('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")$", shown, re.MULTILINE)
    lines = [eval(literal) for literal in literals]
    assert "".join(lines) == sample.text + sample.clean.text


def test_the_package_says_it_needs_hypothesis() -> None:
    """Without Hypothesis, importing wxmigrate.testing fails with an ImportError naming the fix."""
    code = (
        "import sys\nsys.modules['hypothesis'] = None\n"
        "try:\n    import wxmigrate.testing\nexcept ImportError as error:\n    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "wxmigrate.testing needs Hypothesis: pip install hypothesis (or wxmigrate[test])"


def _python_blocks(path: Any) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", path.read_text(encoding="utf-8"), re.DOTALL | re.MULTILINE)


def test_the_guide_runs_as_written() -> None:
    """Every Python block of docs/testing.md runs, in order, as written: the worked example's
    three properties pass and its converter is there to call."""
    blocks = _python_blocks(ROOT / "docs" / "testing.md")
    assert len(blocks) >= 4 and any("def tidy(" in block for block in blocks)
    namespace: dict[str, Any] = {"__name__": "guide"}
    output = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(output):
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)  # .example() is meant for the REPL
        for number, block in enumerate(blocks, 1):
            exec(compile(block, f"<docs/testing.md, block {number}>", "exec"), namespace)  # noqa: S102
    assert namespace["tidy"]("![](a\nb.png)****") == "![](ab.png)"
    assert output.getvalue().startswith("---\n")  # the first block prints a post
