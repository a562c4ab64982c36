"""Reading values people typed: numbers, percentages, dates and yes/no, for unit data and tables alike.

Spreadsheets and hand-written data hold numbers as text: 「１２３４．５」 typed with a Chinese input
method, "1,234.5" with thousands separators, "95%", "2468.78万元". They are read here, once, by
the same rules wherever they come from. Only full-width forms of ASCII characters are folded:
superscripts, circled or Arabic-Indic digits (「1²」, 「①0」, 「١٢」) are refused rather than read as
something else, and nothing is guessed.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .limits import DEFAULT_LIMITS, Limits
from .text import shown

_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_GROUPED_NUMBER = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")  # thousands separators, groups of three
# 2023-09-30, 2023/9/30, 2023.9.30, 2023年9月30日 (or 号): year first, as Chinese documents write dates
_DATE = re.compile(r"([0-9]{4}) *[-/.年] *([0-9]{1,2}) *[-/.月] *([0-9]{1,2}) *[日号]?")
# Full-width forms as typed with a Chinese input method (「１２．５」, 「－３」, 「９５％」), and nothing else.
_FULL_WIDTH = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | {"．": ".", "，": ",", "－": "-", "＋": "+", "％": "%", "\u3000": " ", "／": "/", "﹪": "%", "−": "-"}
)
_TRUE = {"true": True, "是": True, "false": False, "否": False}


class Unreadable(ValueError):
    """A value that is not what was expected; the message says what was expected and what was found."""


def normal_width(text: str) -> str:
    """Full-width digits, signs and punctuation as their ASCII forms (「９５％」 → "95%")."""
    return text.translate(_FULL_WIDTH)


def read_number(
    value: Any,
    *,
    suffixes: Sequence[str] = (),
    hint: str = "a number such as 1234.5 or 1,234.5",
    limits: Limits = DEFAULT_LIMITS,
) -> Decimal:
    """A finite Decimal from a number (Decimal, int, float) or from text as people type it.

    ``suffixes`` may end the text and are dropped (``("%",)`` for percentages, ``("万元", "元")``
    for amounts); ``hint`` says what was expected when the text is not a number. A float is taken
    from its shortest text (0.1 is one tenth), never from its binary expansion.
    """
    if type(value) is Decimal and value.is_finite() and (not value or value.adjusted() <= limits.max_exponent):
        return value  # the common case first: TOML and JSON numbers are read as Decimal
    if isinstance(value, bool):
        raise Unreadable(f"expected a number, got {shown(value)}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise Unreadable(f"expected a finite number, got {shown(value)}")
        number = Decimal(repr(value))
    elif isinstance(value, str):
        return number_text(value, suffixes=suffixes, hint=hint, limits=limits)
    else:
        raise Unreadable(f"expected a number, got {shown(value)}")
    if not number.is_finite():
        raise Unreadable(f"expected a finite number, got {shown(value)}")
    if number and number.adjusted() > limits.max_exponent:
        if isinstance(value, int) and number.adjusted() > 60:
            raise Unreadable(f"a number of {number.adjusted() + 1} digits is too large")
        raise Unreadable(f"the number {shown(value)} is too large")
    return number


def number_text(
    text: str,
    *,
    suffixes: Sequence[str] = (),
    hint: str = "a number such as 1234.5 or 1,234.5",
    limits: Limits = DEFAULT_LIMITS,
) -> Decimal:
    """A number typed as text: 「１２３４．５」 and "1,234.5" read as 1234.5; a listed suffix
    ("%", "万元") may follow, after spaces. Anything else is refused."""
    plain = normal_width(text).strip()
    for suffix in suffixes:
        if plain.endswith(suffix):
            plain = plain[: -len(suffix)].rstrip()
            break
    if _GROUPED_NUMBER.fullmatch(plain):
        plain = plain.replace(",", "")
    if len(plain) > limits.max_number_text or not _PLAIN_NUMBER.fullmatch(plain):
        raise Unreadable(f"expected {hint}, got {shown(text)}")
    number = Decimal(plain)
    if number and number.adjusted() > limits.max_exponent:
        raise Unreadable(f"the number {shown(text)} is too large")
    return number


def read_bool(value: Any) -> bool:
    """true/false, or 是/否 as text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE:
        return _TRUE[value.strip().lower()]
    raise Unreadable(f"expected true or false (是/否), got {shown(value)}")


def read_date(value: Any) -> datetime.date:
    """A date, or text such as 2023-09-30, 2023/9/30 or 2023年9月30日."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    found = _DATE.fullmatch(normal_width(value).strip()) if isinstance(value, str) else None
    if found:
        year, month, day = (int(part) for part in found.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError as error:
            raise Unreadable(f"{shown(value)} is not a date ({error})") from None
    raise Unreadable(f"expected a date such as 2023-09-30 or 2023年9月30日, got {shown(value)}")


def read_text(value: Any, limits: Limits = DEFAULT_LIMITS) -> str:
    """Text, at most ``limits.max_text`` characters."""
    if not isinstance(value, str):
        raise Unreadable(f"expected text, got {shown(value)}")
    if len(value) > limits.max_text:
        raise Unreadable(f"text is longer than {limits.max_text} characters")
    return value
