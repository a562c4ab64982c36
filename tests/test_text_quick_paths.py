"""Quick paths for plain text (TOML strings written, strings checked on loading), tested against the slow ones."""

from __future__ import annotations

import sys

import tomllib

from perfscore.limits import _breaking, _line_breaking
from perfscore.toml import _escaped, dumps_string


def test_quick_path_agrees_with_escaping_for_every_code_point() -> None:
    """For every code point, alone and inside text, dumps_string writes what the escaping loop writes."""
    differ = [code for code in range(sys.maxunicode + 1) if dumps_string(chr(code)) != _escaped(chr(code))]
    assert differ == []
    assert dumps_string('指标 "A"\\b\n') == _escaped('指标 "A"\\b\n') == '"指标 \\"A\\"\\\\b\\u000a"'


def test_written_strings_read_back() -> None:
    """Plain and escaped strings both read back as the same text (a surrogate as U+FFFD)."""
    for text in ("产出指标", 'a "quoted" \\ path', "tab\there", "\x7f", "\ud800x"):
        expected = text.replace("\ud800", "\ufffd")
        assert tomllib.loads(f"k = {dumps_string(text)}")["k"] == expected


def test_printable_quick_path_agrees_with_the_category_loop() -> None:
    """For every code point, the check for line-breaking characters says what the category loop says."""
    differ = [code for code in range(sys.maxunicode + 1) if _line_breaking(chr(code)) != _breaking(chr(code))]
    assert differ == []
    assert _line_breaking("产出指标\u202e") and _line_breaking("a\nb") and not _line_breaking("产出 指标")
