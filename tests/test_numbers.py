"""One number reader: unit data and self-evaluation tables read the same typed number the same way.

Each row below is a number as a person types it, with the unit a table writes after it. Unit data
reads it through a ruleset's number and percent inputs (``perfscore.loads(...).score``); tables read
it as a cell (:func:`~perfscore.tables.read.parse_number`), as a target
(:func:`~perfscore.tables.targets.parse_target`) and as an actual
(:func:`~perfscore.tables.targets.parse_actual`). Every reader gives the same Decimal, or every
reader refuses: 「1²」, 「①0」 and 「١٢」 are never read as 12, 10 and 12.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

import perfscore
from helpers import one_leaf_text
from perfscore import DataError
from perfscore.tables.read import parse_number
from perfscore.tables.targets import TextError, parse_actual, parse_target

#: (the number as typed, the unit written after it, the number it reads as; None: refused by every reader)
NUMBERS = [
    ("10", "", "10"),
    ("9.5", "分", "9.5"),
    ("９．５", " 分", "9.5"),  # full-width digits and point, a space before the unit
    ("１０", "", "10"),
    ("1,234.5", "", "1234.5"),
    ("１，２３４．５", "", "1234.5"),  # a full-width thousands separator
    ("2,468.78", "万元", "2468.78"),
    ("１，２３０．５０", "万元", "1230.50"),  # the written decimals are kept
    ("99.49", "%", "99.49"),
    ("９９．４９", "％", "99.49"),
    ("－３", "", "-3"),  # a full-width minus
    ("−3", "", "-3"),  # the minus sign U+2212
    ("1e5", "", "1E+5"),
    ("0.0000001", "", "1E-7"),
    ("1²", "", None),  # NFKC would read 12
    ("1²", "万元", None),
    ("①0", "", None),  # NFKC would read 10
    ("١٢", "", None),  # Arabic-Indic digits: Python's Decimal would read 12
    ("⒈5", "", None),  # NFKC would read 1.5
    ("十", "", None),
    ("--", "", None),  # "not applicable" in a table cell: no number either
    ("—", "分", None),
    ("1,23", "", None),
    ("1,2345", "万元", None),
    ("12,34,567", "", None),
    ("1 234", "", None),  # a space inside the digits
    ("约10", "", None),
    ("0x10", "", None),
    ("1_000", "", None),
    ("NaN", "", None),
    ("1" * 40, "", None),  # more than Limits.max_exponent digits before the point
    ("1e40", "%", None),
]

_KINDS = {"": "score", "分": "score", "万元": "money", "%": "rate", "％": "rate"}

RULESET = perfscore.loads(
    one_leaf_text("formula", inputs={"amount": "number", "rate": "percent"}, formula="0"), source="numbers.toml"
)


def unit_data(name: str, text: str) -> Decimal | None:
    """The number unit data reads for ``text`` given to the input ``name`` (None: refused)."""
    values = {"amount": Decimal(1), "rate": Decimal(1), name: text}
    try:
        value = RULESET.score(values).values[name]
    except DataError:
        return None
    assert isinstance(value, Decimal)
    return value


def refused_as_none(read: Callable[[], Decimal | None], *errors: type[Exception]) -> Decimal | None:
    """The number ``read`` gives, or None when it refuses with one of ``errors``."""
    try:
        return read()
    except errors:
        return None


@pytest.mark.parametrize(("number", "unit", "expected"), NUMBERS, ids=[f"{n}{u}" for n, u, _ in NUMBERS])
def test_unit_data_and_tables_read_a_number_alike(number: str, unit: str, expected: str | None) -> None:
    """The same typed number reads as the same Decimal (same digits, same exponent) by every reader, or is refused by all."""
    written = number + unit
    kind = _KINDS[unit.strip()]
    read = {
        "number input": unit_data("amount", number),
        "percent input": unit_data("rate", number + "%"),
        "table cell": refused_as_none(lambda: parse_number(written, kind), ValueError),
        "table cell, no unit": refused_as_none(lambda: parse_number(number, kind), ValueError),
        "target": refused_as_none(lambda: parse_target(written).number, TextError),
        "actual": refused_as_none(lambda: parse_actual(written, parse_target("1" + unit)).number, TextError),
    }
    shown = {reader: None if value is None else str(value) for reader, value in read.items()}
    assert shown == dict.fromkeys(read, expected)


def test_a_target_with_a_superscript_is_not_read_as_another_number() -> None:
    """「≥1²个」 is refused, where NFKC would have made it ≥ 12 个: nothing is guessed."""
    with pytest.raises(TextError) as caught:
        parse_target("≥1²个")
    assert caught.value.problem == "'²' is not one of the digits 0–9"
