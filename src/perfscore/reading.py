"""Reading values people typed: numbers, percentages, dates and yes/no, for unit data and tables alike.

Spreadsheets and hand-written data hold numbers as text: 「１２３４．５」 typed with a Chinese input
method, "1,234.5" with thousands separators, "95%", "2468.78万元". They are read here, once, by
the same rules wherever they come from. Only full-width forms of ASCII characters are folded:
superscripts, circled or Arabic-Indic digits (「1²」, 「①0」, 「١٢」) are refused rather than read as
something else, and nothing is guessed.

Programs hand over numbers of other types: ``float``, ``Fraction``, numpy and pandas scalars
(``numpy.int64``, ``numpy.float32``, ``numpy.bool_``). Each is read exactly by what it holds
(:func:`read_number`), without importing numpy or pandas. Blanks of every kind (``None``, NaN,
``pandas.NA``, ``NaT``) are one thing, a missing value (:func:`is_missing`): the ruleset's
missing-data policy decides what it means, and no converter ever takes one for a value.
"""

from __future__ import annotations

import datetime
import math
import numbers
import operator
import re
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .exact import unsigned
from .limits import DEFAULT_LIMITS, Limits
from .messages import Text, verbatim, words
from .text import shown

WORDS = words(
    "reading",
    {
        "number": ("应为数字，实际为 {value}", "expected a number, got {value}"),
        "finite": ("应为有限的数字，实际为 {value}", "expected a finite number, got {value}"),
        "digits": ("{count} 位的数字过大", "a number of {count} digits is too large"),
        "too-large": ("数字 {value} 过大", "the number {value} is too large"),
        "foreign": ("应为数字，实际为无法读取的 {kind}（{error}）", "expected a number, got a {kind} that cannot be read ({error})"),
        "no-decimal-within": ("{value} 没有不超过 {most} 位小数的十进制形式；请写成小数",
                              "{value} has no decimal of at most {most} places; give it as a decimal"),
        "no-decimal": ("{value} 没有精确的十进制形式；请写成小数", "{value} has no exact decimal; give it as a decimal"),
        "places": ("{value} 的小数位多于 {most} 位", "{value} has more than {most} decimal places"),
        "this fraction": ("这个分数", "this fraction"),
        "expected": ("应为{hint}，实际为 {value}", "expected {hint}, got {value}"),
        "hint": ("数字，如 1234.5 或 1,234.5", "a number such as 1234.5 or 1,234.5"),
        "hint-percent": ("数字，如 1234.5、1,234.5 或 95%", "a number such as 1234.5 or 1,234.5 or 95%"),
        "bool": ("应为 true 或 false（是/否），实际为 {value}", "expected true or false (是/否), got {value}"),
        "nat": ("应为日期，如 2023-09-30 或 2023年9月30日，实际为缺失值（NaT）",
                "expected a date such as 2023-09-30 or 2023年9月30日, got a missing value (NaT)"),
        "not-a-date": ("{value} 不是有效日期（{error}）", "{value} is not a date ({error})"),
        "date": ("应为日期，如 2023-09-30 或 2023年9月30日，实际为 {value}",
                 "expected a date such as 2023-09-30 or 2023年9月30日, got {value}"),
        "text": ("应为文本，实际为 {value}", "expected text, got {value}"),
        "long": ("文本超过 {count} 个字符", "text is longer than {count} characters"),
    },
)  # fmt: skip

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
    """A value that is not what was expected; the message says what was expected and what was found
    (``text``: in both languages; ``str()``: the English)."""

    def __init__(self, message: str | Text) -> None:
        self.text = message if isinstance(message, Text) else verbatim(message)
        super().__init__(self.text.en)


_FOREIGN = ("numpy", "pandas")  # the libraries whose scalars are recognised by their type's module and name


def _foreign(value: Any) -> tuple[str, str] | None:
    """(library, type name) of a numpy or pandas scalar (``("numpy", "float32")``), else None: told
    apart by the type's module, so neither library is imported to ask."""
    kind = type(value)
    library = str(getattr(kind, "__module__", "")).partition(".")[0]
    return (library, kind.__name__) if library in _FOREIGN else None


def is_missing(value: Any) -> bool:
    """Whether ``value`` is a blank: ``None``, a NaN (float, numpy or a quiet Decimal NaN),
    ``pandas.NA``, or a not-a-time (``pandas.NaT``, ``numpy.datetime64("NaT")``).

    A signalling ``Decimal("sNaN")`` is not a blank but a value meant to stop whoever reads it,
    and it is refused. Never raises: a foreign object that fails to compare is simply not missing.
    """
    if value is None:
        return True
    kind = type(value)
    if kind is str or kind is int or kind is bool:
        return False  # the common cases first
    if isinstance(value, float):  # numpy.float64 is a float too
        return math.isnan(value)  # the stored double: a subclass's own __ne__ is not called
    if isinstance(value, Decimal):
        return value.is_qnan()
    found = _foreign(value)
    if found is None:
        return False
    library, name = found
    if library == "pandas":
        return name in ("NAType", "NaTType")
    if not isinstance(value, numbers.Real) and name not in ("datetime64", "timedelta64"):
        return False  # numpy arrays and other objects are values (refused by the readers), never blanks
    try:
        return bool(value != value)  # NaN, and numpy's NaT, differ from themselves
    except Exception:  # a foreign scalar that cannot compare itself is not a blank
        return False


def _numpy_bool(value: Any) -> bool | None:
    """A numpy bool as a Python bool; None for anything else."""
    return bool(value) if _foreign(value) in (("numpy", "bool"), ("numpy", "bool_")) else None


def normal_width(text: str) -> str:
    """Full-width digits, signs and punctuation as their ASCII forms (「９５％」 → "95%")."""
    return text.translate(_FULL_WIDTH)


def read_number(
    value: Any,
    *,
    suffixes: Sequence[str] = (),
    hint: str | Text = WORDS["hint"],
    limits: Limits = DEFAULT_LIMITS,
) -> Decimal:
    """A finite Decimal from a number or from text as people type it.

    Numbers of any type are read exactly by what they hold: Decimal and int as they are, a
    ``Fraction`` when it has an exact decimal (1/8 is 0.125; 1/3 is refused), numpy and pandas
    integers as their int. A float is taken from its shortest text (0.1 is one tenth), never from
    its binary expansion: ``repr(float(x))`` for a Python or numpy float64, and for numpy's other
    floats the shortest text at their own precision (a float32 0.1 is 0.1, not 0.100000001; a
    long double holding a float64's value as that float64). Any other ``numbers.Real`` is read as
    its float. Booleans are not numbers.

    ``suffixes`` may end the text and are dropped (``("%",)`` for percentages, ``("万元", "元")``
    for amounts); ``hint`` says what was expected when the text is not a number. Whatever a
    foreign number raises while being read becomes an :class:`Unreadable` naming its type.

    A negative zero (``"-0"``, ``-0.0``, ``Decimal("-0.00")``) is read as 0: it would pass ``min = 0``
    and then print as ``-0.00``.
    """
    if type(value) is Decimal and value.is_finite() and (not value or value.adjusted() <= limits.max_exponent):
        return unsigned(value)  # the common case first: TOML and JSON numbers are read as Decimal
    if isinstance(value, str):
        return number_text(value, suffixes=suffixes, hint=hint, limits=limits)
    if isinstance(value, bool):
        raise Unreadable(WORDS["number"].format(value=shown(value)))
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):  # numpy.float64 is a float too
        # float.__repr__ is the shortest text of the stored double: a subclass's own __repr__ (numpy 2
        # prints np.float64(96.5)) or __float__ is never called
        text = float.__repr__(value)
        if not math.isfinite(value):
            raise Unreadable(WORDS["finite"].format(value=text))
        number = Decimal(text)
    elif _numpy_bool(value) is not None:
        raise Unreadable(WORDS["number"].format(value=shown(bool(value))))
    elif isinstance(value, numbers.Real):
        value = number = _real(value, limits)  # shown as the number it is, not by its type's name
    else:
        raise Unreadable(WORDS["number"].format(value=shown(value)))
    if not number.is_finite():
        raise Unreadable(WORDS["finite"].format(value=shown(number)))
    if number and number.adjusted() > limits.max_exponent:
        if isinstance(value, int) and number.adjusted() > 60:
            raise Unreadable(WORDS["digits"].format(count=number.adjusted() + 1))
        raise Unreadable(WORDS["too-large"].format(value=shown(value)))
    return unsigned(number)


def _real(value: numbers.Real, limits: Limits) -> Decimal:
    """A number of a type other than Decimal, int, float or str, read exactly by what it holds."""
    kind = type(value).__name__
    try:
        if isinstance(value, numbers.Integral):  # numpy and pandas integers
            return Decimal(operator.index(value))
        if isinstance(value, numbers.Rational):  # Fraction
            return _rational(operator.index(value.numerator), operator.index(value.denominator), limits)
        numpy = sys.modules.get("numpy") if _foreign(value) else None
        if numpy is not None:  # float32, float16, longdouble: the shortest text at their own precision
            if getattr(value, "itemsize", 8) > 8 and float(value) == value:  # a long double holding a double
                return Decimal(repr(float(value)))  # was made from a float: 0.7, not 0.6999999999999999556
            return Decimal(numpy.format_float_positional(value, unique=True, trim="-"))  # "nan", "inf" too
        return Decimal(repr(float(value)))
    except Unreadable:
        raise
    except Exception as error:  # a foreign number's own code failed: the value is refused, never a traceback
        raise Unreadable(WORDS["foreign"].format(kind=kind, error=type(error).__name__)) from None


def _rational(numerator: int, denominator: int, limits: Limits) -> Decimal:
    """numerator / denominator as an exact Decimal: only when the denominator is made of 2s and 5s,
    with at most ``limits.max_number_text`` decimal places (as many as a number typed as text)."""
    if denominator == 1:
        return Decimal(numerator)
    most = limits.max_number_text
    shown_as = f"{numerator}/{denominator}" if denominator.bit_length() < 200 else WORDS["this fraction"]
    if denominator.bit_length() > 4 * most:  # 2^a·5^b with a, b ≤ most has fewer bits: no need to factor it
        raise Unreadable(WORDS["no-decimal-within"].format(value=shown_as, most=most))
    rest = denominator
    twos = (rest & -rest).bit_length() - 1
    rest >>= twos
    fives = 0
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest != 1:
        raise Unreadable(WORDS["no-decimal"].format(value=shown_as))
    places = max(twos, fives)
    if places > most:
        raise Unreadable(WORDS["places"].format(value=shown_as, most=most))
    return Decimal(f"{numerator * (10**places // denominator)}E-{places}")  # built from text: exact, in no context


def number_text(
    text: str,
    *,
    suffixes: Sequence[str] = (),
    hint: str | Text = WORDS["hint"],
    limits: Limits = DEFAULT_LIMITS,
) -> Decimal:
    """A number typed as text: 「１２３４．５」 and "1,234.5" read as 1234.5; a listed suffix
    ("%", "万元") may follow, after spaces; "-0" reads as 0. Anything else is refused."""
    plain = normal_width(text).strip()
    for suffix in suffixes:
        if plain.endswith(suffix):
            plain = plain[: -len(suffix)].rstrip()
            break
    if _GROUPED_NUMBER.fullmatch(plain):
        plain = plain.replace(",", "")
    if len(plain) > limits.max_number_text or not _PLAIN_NUMBER.fullmatch(plain):
        raise Unreadable(WORDS["expected"].format(hint=hint, value=shown(text)))
    number = Decimal(plain)
    if number and number.adjusted() > limits.max_exponent:
        raise Unreadable(WORDS["too-large"].format(value=shown(text)))
    return unsigned(number)  # "-0" is 0


def read_bool(value: Any) -> bool:
    """true/false (Python's or numpy's), or 是/否 as text."""
    if isinstance(value, bool):
        return value
    numpy_bool = _numpy_bool(value)
    if numpy_bool is not None:
        return numpy_bool
    if isinstance(value, str) and value.strip().lower() in _TRUE:
        return _TRUE[value.strip().lower()]
    raise Unreadable(WORDS["bool"].format(value=shown(value)))


def read_date(value: Any) -> datetime.date:
    """A date (a ``datetime`` or ``pandas.Timestamp`` gives its day), or text such as 2023-09-30,
    2023/9/30 or 2023年9月30日. A missing value (``NaT``, which is a datetime too) is refused."""
    if isinstance(value, datetime.date):
        if is_missing(value):
            raise Unreadable(WORDS["nat"])
        return value.date() if isinstance(value, datetime.datetime) else value
    found = _DATE.fullmatch(normal_width(value).strip()) if isinstance(value, str) else None
    if found:
        year, month, day = (int(part) for part in found.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError as error:
            raise Unreadable(WORDS["not-a-date"].format(value=shown(value), error=error)) from None
    raise Unreadable(WORDS["date"].format(value=shown(value)))


def read_text(value: Any, limits: Limits = DEFAULT_LIMITS) -> str:
    """Text, at most ``limits.max_text`` characters."""
    if not isinstance(value, str):
        raise Unreadable(WORDS["text"].format(value=shown(value)))
    if len(value) > limits.max_text:
        raise Unreadable(WORDS["long"].format(count=limits.max_text))
    return value
