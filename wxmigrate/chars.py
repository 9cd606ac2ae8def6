"""Character classes shared by the parser, the rules and the emitters.

CommonMark decides whether ``**`` opens or closes bold by looking at the
characters on either side ("flanking").  CJK punctuation counts as Unicode
punctuation there, which is why ``是**“快查快打”**有效`` is not bold in a
strict engine.  These helpers follow the CommonMark 0.31 definitions.
"""

from __future__ import annotations

import re
import unicodedata

#: Punctuation that ends a sentence or clause in Chinese text.
SENTENCE_END = "。！？!?；;…"
#: Punctuation after which a sentence clearly goes on.
CLAUSE_CONTINUES = "，、,：:（(“‘《「『【"
#: CJK punctuation that cannot start a sentence: a line starting with one
#: continues the previous line.
CONTINUATION_START = "，、。；：！？）》」』】”’,.;:!?)…"
#: Opening and closing quotes and brackets, paired.
PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "（": "）", "(": ")", "【": "】"}


def is_whitespace(char: str) -> bool:
    """CommonMark's Unicode whitespace; the empty string (line edge) counts."""
    return char == "" or char in "\t\n\f\r " or unicodedata.category(char) == "Zs"


def is_punctuation(char: str) -> bool:
    """CommonMark 0.31's Unicode punctuation: general categories P and S."""
    return char != "" and unicodedata.category(char)[0] in "PS"


def is_cjk(char: str) -> bool:
    """A CJK ideograph, kana, hangul or CJK punctuation/full-width form."""
    if not char:
        return False
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0xFE30 <= code <= 0xFE4F
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x3FFFF
    )


def left_flanking(before: str, after: str) -> bool:
    """Whether a delimiter run between ``before`` and ``after`` can open emphasis."""
    if is_whitespace(after):
        return False
    return not is_punctuation(after) or is_whitespace(before) or is_punctuation(before)


def right_flanking(before: str, after: str) -> bool:
    """Whether a delimiter run between ``before`` and ``after`` can close emphasis."""
    if is_whitespace(before):
        return False
    return not is_punctuation(before) or is_whitespace(after) or is_punctuation(after)


def is_word_char(char: str) -> bool:
    """A letter or digit of the article (what conservation counts)."""
    return char.isalnum()


#: Characters an HTML5 parser reports as errors (controls, noncharacters) and
#: that lxml refuses to store (lone surrogates).
FORBIDDEN_IN_HTML = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(
        chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(1, 17)
    )
    + "]"
)


def clean_text(text: str) -> str:
    """Text without the characters HTML forbids (controls, noncharacters, lone
    surrogates), line ends as an HTML parser reads them (``\\n``)."""
    return FORBIDDEN_IN_HTML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
