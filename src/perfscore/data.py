"""A unit's indicator data: reading data files and checking values against declared inputs.

Every value is converted to what formulas compute with (Decimal, bool, date, text, or a
rating's tier and score) and every problem with a unit's data is gathered before any is
reported, so a typing mistake in three cells gives three messages at once.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .errors import DataError, Location, Problem, UnreadableFileError, suggest
from .model import InputSpec, Scale, Tier
from .toml import parse_toml
from .wording import plain

MAX_TEXT_LENGTH = 10_000
MAX_DATA_BYTES = 50_000_000  # about 100,000 units of a 30-input ruleset
MAX_EXPONENT = 30  # no budget has more than 30 digits before the point
MAX_NUMBER_TEXT = 60
_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_GROUPED_NUMBER = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")  # thousands separators, groups of three
# 2023-09-30, 2023/9/30, 2023.9.30, 2023年9月30日 (or 号): year first, as Chinese documents write dates
_DATE = re.compile(r"([0-9]{4}) *[-/.年] *([0-9]{1,2}) *[-/.月] *([0-9]{1,2}) *[日号]?")
# Full-width forms as typed with a Chinese input method (「１２．５」, 「－３」, 「９５％」), and nothing else:
# superscripts, circled or Arabic-Indic digits are refused rather than read as something else.
_FULL_WIDTH = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | {"．": ".", "，": ",", "－": "-", "＋": "+", "％": "%", "\u3000": " ", "／": "/"}
)


def _shown(value: Any, depth: int = 0) -> str:
    """A value as the user wrote it: 1.5 (not Decimal('1.5')), text in quotes, tables as tables;
    shortened, so a hostile value cannot make a huge or endlessly nested message."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**60:
        text = f"a number of about {int(value.bit_length() * 0.30103)} digits"  # str() refuses past 4,300
    elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, Mapping):
        inner = (
            "…"
            if depth > 2
            else ", ".join(f"{key} = {_shown(item, depth + 1)}" for key, item in list(value.items())[:10])
        )
        text = "{" + inner + "}"
    elif isinstance(value, list | tuple):
        inner = "…" if depth > 2 else ", ".join(_shown(item, depth + 1) for item in value[:10])
        text = "[" + inner + "]"
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    elif isinstance(value, str):
        text = repr(value)
    else:
        text = type(value).__name__
    return text if len(text) <= 200 else text[:199] + "…"


class _Invalid(Exception):
    """A value that does not fit its input; the message says what was expected."""


def _number(value: Any, percent: bool = False) -> Decimal:
    # The common case first: TOML and JSON numbers are read as Decimal.
    if type(value) is Decimal and value.is_finite() and (not value or value.adjusted() <= MAX_EXPONENT):
        return value
    if isinstance(value, bool):
        raise _Invalid(f"expected a number, got {_shown(value)}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _Invalid(f"expected a finite number, got {_shown(value)}")
        number = Decimal(repr(value))  # the float's shortest text, not its binary expansion
    elif isinstance(value, str):
        number = _number_text(value, percent)
    else:
        raise _Invalid(f"expected a number, got {_shown(value)}")
    if not number.is_finite():
        raise _Invalid(f"expected a finite number, got {_shown(value)}")
    if number and number.adjusted() > MAX_EXPONENT:
        if isinstance(value, int) and number.adjusted() > 60:
            raise _Invalid(f"a number of {number.adjusted() + 1} digits is too large")
        raise _Invalid(f"the number {_shown(value)} is too large")
    return number


def _number_text(value: str, percent: bool) -> Decimal:
    """Numbers typed as text, as spreadsheets hold them: 「１２３４．５」 and "1,234.5" read as 1234.5,
    "95%" as 95 for a percent input (which holds percentage points). Anything else is refused."""
    text = value.translate(_FULL_WIDTH).strip()
    if percent and text.endswith("%"):
        text = text[:-1].rstrip()
    if _GROUPED_NUMBER.fullmatch(text):
        text = text.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(text) or len(text) > MAX_NUMBER_TEXT:
        hint = "a number such as 1234.5 or 1,234.5" + (" or 95%" if percent else "")
        raise _Invalid(f"expected {hint}, got {_shown(value)}")
    number = Decimal(text)
    if number and number.adjusted() > MAX_EXPONENT:
        raise _Invalid(f"the number {_shown(value)} is too large")
    return number


def _checked_range(spec: InputSpec) -> Callable[[Any], Decimal]:
    """The input's own rules: whole for counts, and its fixed bounds (bounds naming another input
    are checked once every value is read)."""
    whole = spec.type == "count"
    percent = spec.type == "percent"
    low = spec.min if isinstance(spec.min, Decimal) else None
    high = spec.max if isinstance(spec.max, Decimal) else None
    if low is None and whole:
        low = Decimal(0)
    if not whole and not percent and low is None and high is None:
        return _number

    def check(value: Any) -> Decimal:
        number = _number(value, percent)
        if whole and number != number.to_integral_value():
            raise _Invalid(f"expected a whole number, got {_shown(value)}")
        if low is not None and number < low:
            raise _Invalid(f"expected at least {plain(low)}, got {_shown(number)}")
        if high is not None and number > high:
            raise _Invalid(f"expected at most {plain(high)}, got {_shown(number)}")
        return number

    return check


_TRUE = {"true": True, "是": True, "false": False, "否": False}


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE:
        return _TRUE[value.strip().lower()]
    raise _Invalid(f"expected true or false (是/否), got {_shown(value)}")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"expected text, got {_shown(value)}")
    if len(value) > MAX_TEXT_LENGTH:
        raise _Invalid(f"text is longer than {MAX_TEXT_LENGTH} characters")
    return value


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    found = _DATE.fullmatch(value.translate(_FULL_WIDTH).strip()) if isinstance(value, str) else None
    if found:
        year, month, day = (int(part) for part in found.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError as error:
            raise _Invalid(f"{_shown(value)} is not a date ({error})") from None
    raise _Invalid(f"expected a date such as 2023-09-30 or 2023年9月30日, got {_shown(value)}")


def plain_tiers(scale: Scale) -> dict[str, tuple[Tier, None]]:
    """A rating given as just a tier's name, converted: the tier, with no score of its own."""
    return {tier.name: (tier, None) for tier in scale.tiers if tier.default is not None}


def _rating(scale: Scale, points: tuple[Decimal, ...]) -> Callable[[Any], tuple[Any, Decimal | None]]:
    names = [tier.name for tier in scale.tiers]
    by_text = {}
    for tier in reversed(scale.tiers):  # the first tier listed wins a shared alias
        for text in (tier.name, tier.name_en, *tier.aliases):
            by_text[text.strip().casefold()] = tier
    tiers = plain_tiers(scale)

    def check(value: Any) -> tuple[Any, Decimal | None]:
        if type(value) is str and value in tiers:
            return tiers[value]
        text, score = value, None
        if isinstance(value, Mapping):
            unknown = set(value) - {"tier", "score"}
            if unknown or "tier" not in value:
                raise _Invalid(f"expected a tier name or {{tier = …, score = …}}, got {_shown(value)}")
            text, score = value["tier"], value.get("score")
        if not isinstance(text, str):
            raise _Invalid(f"expected one of the tiers {', '.join(names)}, got {_shown(text)}")
        tier = by_text.get(text.strip().casefold())
        if tier is None:
            hint = suggest(text, names)
            raise _Invalid(
                f"expected one of the tiers {', '.join(names)}, got {_shown(text)}"
                + (f" (did you mean '{hint}'?)" if hint else "")
            )
        if score is None:
            if tier.default is None:
                raise _Invalid(f"the tier {tier.name} has no default score: give {{tier = …, score = …}}")
            return tier, None
        given = _number(score)
        for worth in points:
            low, high = tier.min * worth, tier.max * worth
            if given < low or given > high or (given == high and not tier.max_inclusive):
                bracket = "]" if tier.max_inclusive else ")"
                raise _Invalid(
                    f"score {given} lies outside the tier {tier.name} "
                    f"([{plain(low)}, {plain(high)}{bracket} of {plain(worth)} points)"
                )
        return tier, given

    return check


@dataclass(frozen=True)
class InputCheck:
    """A declared input, ready to check one unit's value."""

    name: str
    spec: InputSpec
    required: bool
    convert: Callable[[Any], Any]
    default: Any = None
    tiers: Mapping[str, tuple[Tier, None]] | None = None  # a rating's tier names → converted value

    @property
    def bounded_by(self) -> tuple[tuple[str, str], ...]:
        """Bounds naming another input: ("max", "budget") for executed ≤ budget."""
        return tuple(
            (side, bound) for side, bound in (("min", self.spec.min), ("max", self.spec.max)) if isinstance(bound, str)
        )


def input_check(
    name: str, spec: InputSpec, required: bool, scale: Scale | None, points: tuple[Decimal, ...]
) -> InputCheck:
    """Build the converter for ``spec``; raises ``ValueError`` if its default does not fit."""
    convert: Callable[[Any], Any]
    if spec.type in ("number", "percent", "count"):
        convert = _checked_range(spec)
    elif spec.type == "bool":
        convert = _bool
    elif spec.type == "text":
        convert = _text
    elif spec.type == "date":
        convert = _date
    else:
        assert scale is not None
        convert = _rating(scale, points)
    default = None
    if spec.default is not None:
        try:
            default = convert(spec.default)
        except _Invalid as error:
            raise ValueError(f"default does not fit the input: {error}") from None
    tiers = plain_tiers(scale) if scale is not None else None
    return InputCheck(name, spec, required and default is None, convert, default, tiers)


def validate(
    checks: tuple[InputCheck, ...], values: Mapping[str, Any], source: str | None
) -> tuple[dict[str, Any], frozenset[str]]:
    """Converted values and the names left missing (allowed to be); DataError lists every problem."""
    if not isinstance(values, Mapping):
        raise DataError(
            [Problem(Location(source), f"expected a table of input values, got {type(values).__name__}")], source
        )
    env: dict[str, Any] = {}
    missing: set[str] = set()
    problems: list[Problem] = []
    supplied = 0
    for check in checks:
        value = values.get(check.name)
        if value is None:
            if check.default is not None:
                env[check.name] = check.default
            elif check.required:
                label = check.spec.label
                problems.append(
                    Problem(Location(source, (check.name,)), f"missing required input ({label})", code="missing-input")
                )
            else:
                missing.add(check.name)
            continue
        supplied += 1
        try:
            env[check.name] = check.convert(value)
        except _Invalid as error:
            problems.append(
                Problem(Location(source, (check.name,)), f"{error} ({check.spec.label})", code="invalid-input")
            )
    for check in checks:
        for side, other in check.bounded_by:
            problem = _cross_bound(check, side, other, env)
            if problem:
                problems.append(Problem(Location(source, (check.name,)), problem, code="invalid-input"))
    if len(values) > supplied:
        known = {check.name for check in checks}
        for name in values:
            if name not in known:
                problems.append(
                    Problem(
                        Location(source, (str(name),)), "unknown input", suggest(str(name), known), code="unknown-input"
                    )
                )
    if problems:
        raise DataError(problems, source)
    return env, frozenset(missing)


def _cross_bound(check: InputCheck, side: str, other: str, env: Mapping[str, Any]) -> str | None:
    """The message when a value breaks a bound set by another input (executed above budget)."""
    value, limit = env.get(check.name), env.get(other)
    if value is None or limit is None:
        return None  # missing or already reported
    if (side == "max" and value > limit) or (side == "min" and value < limit):
        least = "at most" if side == "max" else "at least"
        return f"expected {least} {other} ({plain(limit)}), got {plain(value)} ({check.spec.label})"
    return None


# --- data files -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One unit's data as read from a file: an id, a display name and the input values."""

    id: str
    name: str | None
    values: Mapping[str, Any]
    source: str | None = None


def read_units(path: str | Path, *, max_bytes: int = MAX_DATA_BYTES) -> list[Unit]:
    """Read a TOML or JSON data file: one unit (``[unit]`` + ``[data]``, or bare values) or
    many (``[[units]]`` each with ``id``, ``name`` and a ``data`` table). Files over ``max_bytes``
    are refused before they are read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableFileError(f"{path}: the data file is {size} bytes, over the {max_bytes}-byte limit")
        raw = path.read_bytes()
    except UnreadableFileError:
        raise
    except OSError as error:
        raise UnreadableFileError(f"{path}: cannot read the data file ({error.strerror or error})") from None
    document = _parse_data(raw, str(path))
    return units_from_document(document, str(path))


def _parse_data(raw: bytes, source: str) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(
            [Problem(Location(source), f"the file is not UTF-8 text (byte {error.start})", code="encoding")], source
        ) from None
    if source.lower().endswith(".json"):
        try:
            return json.loads(
                text,
                parse_float=Decimal,
                parse_int=_json_int,
                parse_constant=_refuse_constant,
                object_pairs_hook=_unique_keys,
            )
        except json.JSONDecodeError as error:
            where = Location(source, line=error.lineno, column=error.colno)
            raise DataError([Problem(where, f"invalid JSON: {error.msg}", code="json-syntax")], source) from None
        except ValueError as error:
            raise DataError([Problem(Location(source), f"invalid JSON: {error}", code="json-syntax")], source) from None
        except RecursionError:
            problem = Problem(Location(source), "invalid JSON: nested too deeply", code="too-deep")
            raise DataError([problem], source) from None
    return parse_toml(text, source, DataError)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON allows a key twice and keeps the last; a data file saying two things is refused instead."""
    table: dict[str, Any] = {}
    for key, value in pairs:
        if key in table:
            raise ValueError(f"the key {key!r} appears twice in one object")
        table[key] = value
    return table


def _json_int(text: str) -> int:
    if len(text) > MAX_NUMBER_TEXT:  # Python would refuse past 4,300 digits, with advice meant for programmers
        raise ValueError(f"a number has {len(text)} digits")
    return int(text)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number perfscore accepts")


def units_from_document(document: Any, source: str | None) -> list[Unit]:
    """The units a parsed data document holds."""
    if not isinstance(document, Mapping):
        raise DataError([Problem(Location(source), "expected a table of input values")], source)
    if "units" in document:
        units = document["units"]
        if not isinstance(units, list) or not all(isinstance(unit, Mapping) for unit in units):
            raise DataError([Problem(Location(source, ("units",)), "expected an array of tables [[units]]")], source)
        return [_unit(unit, source, (f"units[{index}]",), str(index + 1)) for index, unit in enumerate(units)]
    if "data" in document:
        meta = document.get("unit", {})
        if not isinstance(meta, Mapping):
            raise DataError([Problem(Location(source, ("unit",)), "expected a table with id and name")], source)
        return [_unit({**meta, "data": document["data"]}, source, (), Path(source or "unit").stem)]
    return [Unit(Path(source or "unit").stem, None, document, source)]


def _unit(table: Mapping[str, Any], source: str | None, where: tuple[str, ...], fallback: str) -> Unit:
    values = table.get("data")
    if not isinstance(values, Mapping):
        raise DataError([Problem(Location(source, (*where, "data")), "expected a table of input values")], source)
    unit_id = table.get("id", fallback)
    name = table.get("name")
    label = f"{source}#{unit_id}" if source else str(unit_id)
    return Unit(str(unit_id), None if name is None else str(name), values, label)


def decimal_of(value: Any) -> Decimal:
    """A number from the API caller, converted the same way data files are."""
    try:
        return _number(value)
    except (_Invalid, InvalidOperation) as error:
        raise ValueError(str(error)) from None
