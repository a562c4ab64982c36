"""Showing values to people and to programs: one helper for each way a value is shown.

- :func:`plain` and :func:`percent`: a number in a report (2468.78, 99.49%);
- :func:`shown`: any value in a message, as the user wrote it, shortened (``'九十'``, ``{tier = 达成}``);
- :func:`plain_data`: any value as JSON holds it (decimals and dates as text, never float);
- :func:`one_line`, :func:`markdown_cell`, :func:`escape`: text from a file made safe for the
  place it is written to (a terminal line, a Markdown cell, a key path);
- :func:`columns` and :func:`pad`: alignment in a terminal, where a Chinese character takes two columns.

This module imports nothing of perfscore's: every other module may use it.
"""

from __future__ import annotations

import datetime
import decimal
import html
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
_SHOWN = Decimal("0.000001")
# Display only, never too narrow for a number a ruleset or unit can hold (whatever the caller's context).
_WIDE = decimal.Context(prec=100, rounding=decimal.ROUND_HALF_UP, Emax=999_999, Emin=-999_999, traps=[])
# Seven significant digits for a huge number's size (format() alone would round in the caller's context).
_SEVEN = decimal.Context(prec=7, rounding=decimal.ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999, traps=[])
_MOST = 200  # characters of a value shown in a message
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


# --- numbers --------------------------------------------------------------------------------


def plain(value: Decimal) -> str:
    """A decimal as people write it: no exponent, no trailing zeros; exact up to 6 decimals,
    beyond that rounded and marked ``≈`` so a value never reads as a boundary it is not."""
    if not value.is_finite():
        return str(value)
    if value and value.adjusted() > 40:  # no table holds such a number: say its size, not its digits
        return "≈" + _scientific(value)
    text = format(value, "f")
    if "." not in text:
        return text
    text = text.rstrip("0").rstrip(".")
    if "." not in text or len(text) - text.index(".") <= 7:
        return "0" if text in ("", "-") else text  # exact: at most 6 decimals
    rounded = value.quantize(_SHOWN, context=_WIDE)
    text = format(rounded.normalize(_WIDE), "f")
    return text if rounded == value else f"≈{text}"


def _scientific(value: Decimal) -> str:
    """A huge number by its first seven digits, 1.234568e+41, the same in any caller."""
    return format(_SEVEN.plus(value), ".6e")


def percent(fraction: Decimal) -> str:
    """A fraction shown as a percentage with 2 decimals, as tables show rates (99.49%)."""
    scaled = _WIDE.multiply(fraction, HUNDRED)
    if fraction and fraction.adjusted() > 40:
        return f"≈{_scientific(scaled)}%"
    return f"{format(scaled.quantize(_CENT, context=_WIDE), 'f')}%"


# --- any value --------------------------------------------------------------------------------


def shown(value: Any, depth: int = 0) -> str:
    """A value in a message, as the user wrote it: 1.5 (not Decimal('1.5')), text in quotes,
    tables as tables; shortened, so a hostile value cannot make a huge or endlessly nested message."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int) and abs(value) > 10**60:
        text = f"a number of about {int(value.bit_length() * 0.30103)} digits"  # str() refuses past 4,300
    elif isinstance(value, Decimal) and value.is_finite() and value and value.adjusted() > 60:
        text = _scientific(value)
    elif isinstance(value, Decimal | int | float):
        text = str(value)
    elif isinstance(value, str):
        text = repr(value)
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    elif isinstance(value, Mapping):
        inner = (
            "…"
            if depth > 2
            else ", ".join(f"{key} = {shown(item, depth + 1)}" for key, item in list(value.items())[:10])
        )
        text = "{" + inner + "}"
    elif isinstance(value, list | tuple):
        inner = "…" if depth > 2 else ", ".join(shown(item, depth + 1) for item in value[:10])
        text = "[" + inner + "]"
    else:
        text = type(value).__name__
    return text if len(text) <= _MOST else text[: _MOST - 1] + "…"


def plain_data(value: Any) -> Any:
    """A value as JSON holds it: decimals and dates as text (exact, no exponent), tables and
    lists item by item; an object with a ``plain_data()`` method gives its own form."""
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    own = getattr(value, "plain_data", None)
    if callable(own):
        return own()
    if isinstance(value, Mapping):
        return {str(key): plain_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain_data(item) for item in value]
    return str(value)


# --- text from files, made safe -----------------------------------------------------------


def one_line(text: str) -> str:
    """Text as it may appear on a report line: line breaks and other invisible controls are shown
    as \\uXXXX, so data cannot forge lines (a fake 总分) in a report."""
    return "".join(f"\\u{ord(char):04x}" if unicodedata.category(char) in _INVISIBLE else char for char in text)


def escape(text: str) -> str:
    """Invisible and line-breaking characters, quotes and backslashes as \\uXXXX: a key always
    reads as one key on one line."""
    return "".join(char if char.isprintable() and char not in '"\\' else f"\\u{ord(char):04x}" for char in text)


def markdown_cell(text: str) -> str:
    """Text safe in a Markdown table cell or line: pipes escaped, HTML-significant characters
    escaped (a cell holding <script> stays text), one line."""
    return _LINE_BREAKS.sub(" ", html.escape(text, quote=False).replace("|", "\\|"))


# --- terminal columns ---------------------------------------------------------------------


def columns(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (on the left when ``right``)."""
    space = " " * max(0, width - columns(text))
    return space + text if right else text + space
