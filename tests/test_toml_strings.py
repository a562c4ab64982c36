"""TOML strings written by perfscore: the quick path for text that needs no escaping."""

from __future__ import annotations

import sys

import tomllib

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
