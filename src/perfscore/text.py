"""Showing values to people and to programs: one helper for each way a value is shown.

- :func:`plain` and :func:`percent`: a number in a report (2468.78, 99.49%);
- :func:`shown`: any value in a message, as the user wrote it, shortened (``'九十'``, ``{tier = 达成}``);
- :func:`plain_data`: any value as JSON holds it (decimals and dates as text, never float);
- the output gates, one per kind of output: :func:`for_terminal`, :func:`for_markdown`,
  :func:`for_html` and :func:`for_cell` (CSV and .xlsx): text from a file made safe for the place
  it is written to; :func:`escape` quotes a key inside a key path;
- :func:`columns` and :func:`pad`: alignment in a terminal, where a Chinese character takes two columns.

This module imports nothing of perfscore's: every other module may use it.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any

HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
_SHOWN = Decimal("0.000001")
# Display only, never too narrow for a number a ruleset or unit can hold (whatever the caller's context).
_WIDE = decimal.Context(prec=100, rounding=decimal.ROUND_HALF_UP, Emax=999_999, Emin=-999_999, traps=[])
# Seven significant digits for a huge number's size (format() alone would round in the caller's context).
_SEVEN = decimal.Context(prec=7, rounding=decimal.ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999, traps=[])
_MOST = 200  # characters of a value shown in a message


# --- numbers --------------------------------------------------------------------------------


def plain(value: Decimal) -> str:
    """A decimal as people write it: no exponent, no trailing zeros; exact up to 6 decimals,
    beyond that rounded and marked ``≈`` so a value never reads as a boundary it is not. Zero is
    ``0``, whatever its sign (``-0.00`` from ``0 * -1`` or a tiny negative value rounded)."""
    if not value.is_finite():
        return str(value)
    if not value:
        return "0"
    if value and value.adjusted() > 40:  # no table holds such a number: say its size, not its digits
        return "≈" + _scientific(value)
    text = str(value)  # as format(value, "f") unless it holds an exponent (and several times faster)
    if "E" in text:
        text = format(value, "f")
    if "." not in text:
        return text
    text = text.rstrip("0").rstrip(".")
    if "." not in text or len(text) - text.index(".") <= 7:
        return "0" if text in ("", "-") else text  # exact: at most 6 decimals
    rounded = value.quantize(_SHOWN, context=_WIDE)
    if not rounded:  # a tiny value, shown as the zero it is near
        rounded = rounded.copy_abs()
    text = format(rounded.normalize(_WIDE), "f")
    return text if rounded == value else f"≈{text}"


def _scientific(value: Decimal) -> str:
    """A huge number by its first seven digits, 1.234568e+41, the same in any caller."""
    return format(_SEVEN.plus(value), ".6e")


def percent(fraction: Decimal) -> str:
    """A fraction shown as a percentage with 2 decimals, as tables show rates (99.49%); a zero, or a
    value that rounds to one, is ``0.00%`` without a sign."""
    if fraction.adjusted() > 40 and fraction:
        return f"≈{_scientific(_WIDE.multiply(fraction, HUNDRED))}%"
    # × 100 exactly (a shift of the exponent), then two places: str() writes it without an exponent
    shown = _QUANTIZE(_SCALEB(fraction, 2), _CENT)  # (the context's own methods: no keyword to parse)
    return (str(shown) if shown else str(shown.copy_abs())) + "%"


_SCALEB, _QUANTIZE = _WIDE.scaleb, _WIDE.quantize


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
    kind = type(value)
    if kind is Decimal:  # the common case first: str() is format(value, "f") when it has no exponent
        text = str(value)
        if "E" not in text and text[0] != "-":
            return text
    elif kind is str or kind is int or kind is bool or value is None:
        return value
    if isinstance(value, Decimal):  # a negative zero as 0 (``-0.00`` → ``"0.00"``)
        if not value.is_finite():
            return str(value)
        return format(value if value else value.copy_abs(), "f")
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


def json_text(value: Any, indent: int | None = None, *, margin: str = "") -> str:
    """``json.dumps(value, ensure_ascii=False, indent=indent)``, the same text, faster for plain data
    (what :func:`plain_data` gives: text, whole numbers, booleans, None, lists and tables with text
    keys): written without the standard library's pure-Python encoder that ``indent`` brings in.
    Anything else is given to :func:`json.dumps`. With ``indent``, ``margin`` follows every line
    break (an object written inside another one)."""
    if indent is None:
        try:
            return _COMPACT.encode(value)
        except RecursionError:  # a table holding itself (json.dumps says so), or nesting too deep for both
            return json.dumps(value, ensure_ascii=False)
    chunks: list[str] = []
    try:
        _indented(value, "\n" + margin, " " * indent, chunks)
    except (_NotPlain, RecursionError):
        return json.dumps(value, ensure_ascii=False, indent=indent).replace("\n", "\n" + margin)
    return "".join(chunks)


_COMPACT = json.JSONEncoder(ensure_ascii=False, check_circular=False)  # (the same text, faster: see above)


class _NotPlain(Exception):
    """A value :func:`json_text` leaves to :func:`json.dumps` (a float, a key that is not text…)."""


def _indented(value: Any, newline: str, step: str, chunks: list[str]) -> None:
    """``value`` as ``json.dumps(value, ensure_ascii=False, indent=len(step))`` writes it, at the
    nesting whose line break and indentation is ``newline``."""
    kind = type(value)
    if kind is str:
        chunks.append(encode_basestring(value))
    elif kind is dict:
        if not value:
            chunks.append("{}")
            return
        inner = newline + step
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            chunks.append(separator)
            chunks.append(encode_basestring(key))
            chunks.append(": ")
            if type(item) is str:
                chunks.append(encode_basestring(item))
            else:
                _indented(item, inner, step, chunks)
            separator = "," + inner
        chunks.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            chunks.append("[]")
            return
        inner = newline + step
        separator = "[" + inner
        for item in value:
            chunks.append(separator)
            _indented(item, inner, step, chunks)
            separator = "," + inner
        chunks.append(newline + "]")
    elif value is None:
        chunks.append("null")
    elif value is True:
        chunks.append("true")
    elif value is False:
        chunks.append("false")
    elif kind is int:
        chunks.append(int.__repr__(value))
    else:  # floats, subclasses, anything else: as json writes it (or refuses it)
        raise _NotPlain


# --- the output gates: text from files, made safe for where it is written ------------------
#
# Every piece of text that came from a ruleset, a data file or a table (ids, names, labels,
# descriptions, formulas, notes, cell text, file names, and messages quoting them) passes the gate
# of the place it is written to, one function per kind of output:
#
# - for_terminal: a line of a text report, a message on stderr;
# - for_markdown: inside a Markdown line (a heading, a list item, a table cell);
# - for_html: HTML text or an attribute value;
# - for_cell: a text cell of a CSV or .xlsx file.
#
# JSON needs no gate: ``json.dumps`` escapes what JSON must, and the text stays exact.

# Characters that move the cursor, reorder or hide text, or break a line: control characters (Cc:
# C0, DEL, C1, among them ESC, CR, VT, FF, NEL), format characters (Cf: bidirectional controls
# U+202A–202E and U+2066–2069, U+200E/F, zero-width U+200B–200D, U+2060, U+FEFF, soft hyphen…),
# line and paragraph separators (U+2028, U+2029), lone surrogates (Cs, which no terminal or file
# encoding can write) and unassigned code points (Cn: what a newer Unicode makes of them is not known).
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Cn"})
# Letters that show nothing at all (Hangul fillers), often used to pass blank text for a name.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")


def _visible(char: str) -> str:
    """A hidden character as its code, the one form every gate shows it in: \\u001b, \\u202e, \\U000e0001."""
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def for_terminal(text: str) -> str:
    """Text as it may appear inside a line of a text report or a message: every control, format,
    bidirectional, zero-width or line-breaking character (and the Hangul fillers, letters that show
    nothing) is shown as its code, ``\\u000a``, ``\\u001b``, ``\\u202e``, so text from a file can
    neither add a line (a fake 总分), move the cursor, erase what was printed, nor reorder a line.
    Other text, spaces of every width included, is kept as it is."""
    if text.isprintable() and not (
        "\u115f" in text or "\u1160" in text or "\u3164" in text or "\uffa0" in text  # _BLANK_LETTERS, fast
    ):
        return text  # the common case: nothing to show (str.isprintable is False for every hidden category)
    return "".join(
        _visible(char) if char in _BLANK_LETTERS or unicodedata.category(char) in _HIDDEN else char for char in text
    )


# Backslash-escaped wherever they are: code spans and fences (`, ~), emphasis (*, _), links, images,
# footnotes and reference definitions ([, ]), table cells (|), math ($), and the backslash itself.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]|~$]")
# What GitHub's Markdown turns into a link without any syntax: a scheme's "://" and "www.".
_AUTOLINK = re.compile(r":(?=//)|(?<=[wW][wW][wW])\.")
# A marker that would open a block (heading, list item) where the text starts a list item's content.
_BLOCK_START = re.compile(r"^(\s*)(#{1,6}|[-+]|[0-9]{1,9}(?=[.)]))(?=[.)]?(\s|$))")


def for_markdown(text: str) -> str:
    """Text as it may appear inside a line of Markdown (a heading, a list item, a table cell): the
    terminal gate's visible codes, plus every piece of Markdown syntax made inert. ``&``, ``<`` and
    ``>`` become HTML entities (no HTML, no ``<autolink>``); `` ` `` ``*`` ``_`` ``[`` ``]`` ``|``
    ``~`` ``$`` and ``\\`` are backslash-escaped (no code, emphasis, link, image, table cell or
    math); the ``:`` of ``://`` and the ``.`` of ``www.`` are escaped so no bare address becomes a
    link; a leading ``#``, ``-``, ``+`` or ``1.`` cannot open a heading or a list. Every line of a
    Markdown report written from files holds such text only after its own opening (``| ``, ``- ``,
    ``# ``), never at the start of a line."""
    escaped = _MARKDOWN_SYNTAX.sub(r"\\\g<0>", text)
    escaped = _AUTOLINK.sub(r"\\\g<0>", escaped)
    escaped = _BLOCK_START.sub(_escape_block_start, escaped)
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return for_terminal(escaped)


def _escape_block_start(match: re.Match[str]) -> str:
    space, marker = match.group(1), match.group(2)
    if marker[0].isdigit():  # 1. or 1): the dot or parenthesis follows, escaped
        return space + marker + "\\"
    return space + "\\" + marker


def for_html(text: str) -> str:
    """Text as HTML text or inside a quoted attribute: the terminal gate's visible codes, then ``&``,
    ``<``, ``>`` and both quotes escaped, so a cell holding ``<script>`` or ``"><img …>`` reads as
    that text and a line break typed in it shows as ``\\u000a``."""
    import html  # here: only HTML pages need it, and scoring a unit never imports it

    return html.escape(for_terminal(text), quote=True)


# What a spreadsheet may run as a formula when it begins a cell: = + - @, in ASCII and in every form
# that folds to them (full-width ＝＋－＠, small ﹦﹢﹣﹫), and the minus sign −. Tab and CR begin
# no cell: the gate shows them as their codes.
_FORMULA_START = frozenset("=+-@\u2212")


def for_cell(text: str) -> str:
    """Text for a text cell of a CSV or .xlsx file. Hidden characters are shown as their codes, as
    in a terminal (a line break ``\\n`` is kept: a cell may hold several lines, and a CSV writer
    quotes it). A cell whose first visible character is a formula prefix, ``=``, ``+``, ``-``,
    ``@``, their full-width and small forms (``＝1+1``) or ``−``, gets a leading ``'``: Excel, WPS
    and LibreOffice show it as text and never evaluate it (``'=HYPERLINK(…)``). A zero-width or
    other invisible character before the prefix (``\\u200b=1+1``) is shown as its code, so the cell
    starts with ``\\``, no formula either. Numbers are never passed here: they are written as numbers."""
    shown = "\n".join(for_terminal(line) for line in text.split("\n"))
    first = shown.lstrip()[:1]
    if first and unicodedata.normalize("NFKC", first) in _FORMULA_START:
        return "'" + shown
    return shown


def escape(text: str) -> str:
    """A key inside a quoted key path: invisible and line-breaking characters, quotes and backslashes
    as \\uXXXX, so a key always reads as one key on one line (``indicators."out\\u200bput"``)."""
    return "".join(char if char.isprintable() and char not in '"\\' else f"\\u{ord(char):04x}" for char in text)


# --- terminal columns ---------------------------------------------------------------------


def unquoted(line: str) -> Iterator[tuple[int, str]]:
    """The characters of one line of TOML (or JSON) outside its quoted strings and its comment, with
    their positions: what the reader sees as structure (keys, ``=``, brackets, numbers)."""
    quote = None
    index = 0
    while index < len(line):
        char = line[index]
        if quote is not None:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            return
        else:
            yield index, char
        index += 1


def columns(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    if text.isascii():  # one column a character (numbers, most English)
        return len(text)
    return _wide_columns(text)


@functools.lru_cache(maxsize=4096)
def _wide_columns(text: str) -> int:
    """:func:`columns` of text with other characters, worked out once per text (names repeat unit after unit)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (on the left when ``right``)."""
    space = " " * max(0, width - columns(text))
    return space + text if right else text + space
