"""Numbers from anywhere (issue #10, item 1): numpy and pandas scalars, Fractions and floats are read
exactly by what they hold; None, NaN, ``pd.NA`` and ``NaT`` are missing data, for the ruleset's
missing-data policy to decide; and whatever a value is, scoring raises only perfscore's errors, and a
batch gives a bad unit its own error record while every other unit is scored.

The expected decimals below are what each value was typed as, worked out by hand, not copied from a run.
"""

from __future__ import annotations

import datetime
import numbers
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfscore
from helpers import ROOT, input_table, table
from perfscore import DataError, Limits, Ruleset
from perfscore.exact import pinned
from perfscore.inputs import validate
from perfscore.reading import Unreadable, is_missing, read_bool, read_date, read_number

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")

DEPARTMENT = ROOT / "rulesets" / "department-wide.toml"
SEED = ROOT / "examples" / "liwan-2023.toml"


class Poisoned:
    """A number-like scalar whose every conversion fails, as a broken extension type's might."""

    def __float__(self) -> float:
        raise RuntimeError("poisoned")

    def __index__(self) -> int:
        raise RuntimeError("poisoned")


class NumpyPoisoned(Poisoned):
    """The same, passing for a numpy scalar (perfscore recognises numpy's types by their module)."""


NumpyPoisoned.__module__ = "numpy"
numbers.Real.register(Poisoned)


class Float64Poisoned(np.float64):  # type: ignore[misc]
    """A numpy float64 whose own __float__, __repr__ and __ne__ raise: read by the double it stores."""

    def __float__(self) -> float:
        raise RuntimeError("poisoned")

    def __repr__(self) -> str:
        raise RuntimeError("poisoned")

    def __ne__(self, other: object) -> bool:
        raise RuntimeError("poisoned")


# --- reading one number ----------------------------------------------------------------------------

#: (value, the decimal it was typed as)
READ_EXACTLY = [
    (np.float64(96.5), "96.5"),
    (np.float64(0.1), "0.1"),
    (np.float64(2468.78), "2468.78"),
    (np.float32(0.1), "0.1"),  # the float32's shortest text, not its binary value 0.100000001490116…
    (np.float32(96.5), "96.5"),
    (np.float32(2468.78), "2468.78"),
    (np.float32(16_777_217), "16777216"),  # a float32 cannot hold 16777217: what the column holds is read
    (np.float16(0.1), "0.1"),
    (np.float16(96.5), "96.5"),
    (np.longdouble("0.1"), "0.1"),  # parsed at long double precision: its own shortest text
    (np.longdouble(0.7), "0.7"),  # made from the float 0.7: the float's text, not 0.6999999999999999556
    (np.int8(-5), "-5"),
    (np.int64(48), "48"),
    (np.uint8(255), "255"),
    (np.uint64(2**64 - 1), "18446744073709551615"),
    (Fraction(1, 8), "0.125"),
    (Fraction(-7, 8), "-0.875"),
    (Fraction(5), "5"),
    (Fraction(3, 1250), "0.0024"),
    (Fraction(123456789, 100), "1234567.89"),
    (0.1, "0.1"),
    (1e-7, "1E-7"),
    (Float64Poisoned(96.5), "96.5"),
]


@pytest.mark.parametrize(("value", "expected"), READ_EXACTLY, ids=[f"{type(v).__name__} {e}" for v, e in READ_EXACTLY])
def test_numbers_of_every_type_are_read_as_typed(value: Any, expected: str) -> None:
    """Each number becomes the Decimal it was typed as: exactly, a plain Decimal, whatever its type."""
    number = read_number(value)
    assert (type(number), str(number)) == (Decimal, expected)


#: (value, the message refusing it)
REFUSED = [
    (Fraction(1, 3), "1/3 has no exact decimal; give it as a decimal"),
    (Fraction(2, 7), "2/7 has no exact decimal; give it as a decimal"),
    (Fraction(1, 2**70), "1/1180591620717411303424 has more than 60 decimal places"),
    (Fraction(1, 5**62), f"1/{5**62} has more than 60 decimal places"),
    (Fraction(1, 2**300), "this fraction has no decimal of at most 60 places; give it as a decimal"),
    (np.True_, "expected a number, got true"),
    (np.bool_(False), "expected a number, got false"),
    (np.complex128(1), "expected a number, got complex128"),
    (np.array([1.0]), "expected a number, got ndarray"),
    (np.float64("inf"), "expected a finite number, got inf"),
    (np.float32("-inf"), "expected a finite number, got -Infinity"),
    (np.float32("inf"), "expected a finite number, got Infinity"),
    (Poisoned(), "expected a number, got a Poisoned that cannot be read (RuntimeError)"),
    (pd.NA, "expected a number, got NAType"),  # a blank is never a number (validate treats it as missing)
]


@pytest.mark.parametrize(("value", "message"), REFUSED, ids=[m for _, m in REFUSED])
def test_values_that_are_not_exact_numbers_are_refused(value: Any, message: str) -> None:
    """Fractions with no exact decimal, booleans, complex numbers, arrays and infinities are refused, saying why."""
    with pytest.raises(Unreadable) as caught:
        read_number(value)
    assert str(caught.value) == message


def test_a_foreign_scalar_that_fails_to_convert_is_refused_by_its_type() -> None:
    """A numpy-like scalar whose conversion raises is refused naming its type, never a traceback."""
    with pytest.raises(Unreadable) as caught:
        read_number(NumpyPoisoned())
    assert str(caught.value).startswith("expected a number, got a NumpyPoisoned that cannot be read (")


def test_integers_beyond_the_limit_are_too_large_whatever_their_type() -> None:
    """numpy integers obey the same magnitude limit as Python's."""
    with pytest.raises(Unreadable) as caught:
        read_number(np.int64(10**18), limits=Limits(max_exponent=5))
    assert str(caught.value) == "the number 1000000000000000000 is too large"


def test_numpy_bools_are_bools() -> None:
    """numpy's True and False are read by a bool input, as Python's are."""
    assert (read_bool(np.True_), read_bool(np.bool_(False))) == (True, False)
    assert type(read_bool(np.True_)) is bool


def test_a_timestamp_is_a_date_and_nat_is_not() -> None:
    """A pandas Timestamp gives its day; NaT, although pandas makes it a datetime, is refused by the reader."""
    assert read_date(pd.Timestamp("2023-09-30 08:00")) == datetime.date(2023, 9, 30)
    with pytest.raises(Unreadable):
        read_date(pd.NaT)


# --- blanks -------------------------------------------------------------------------------------------

BLANKS = [
    pytest.param(None, id="None"),
    pytest.param(float("nan"), id="float nan"),
    pytest.param(np.nan, id="numpy.nan"),
    pytest.param(np.float32("nan"), id="float32 nan"),
    pytest.param(np.float16("nan"), id="float16 nan"),
    pytest.param(Decimal("NaN"), id="Decimal NaN"),
    pytest.param(Decimal("-NaN"), id="Decimal -NaN"),
    pytest.param(pd.NA, id="pd.NA"),
    pytest.param(pd.NaT, id="pd.NaT"),
    pytest.param(np.datetime64("NaT"), id="datetime64 NaT"),
]

NOT_BLANKS = [
    pytest.param(0, id="0"),
    pytest.param(0.0, id="0.0"),
    pytest.param("", id="empty text"),
    pytest.param("nan", id="text nan"),
    pytest.param(False, id="False"),
    pytest.param(Decimal("sNaN"), id="Decimal sNaN"),  # a signalling NaN is meant to stop its reader: refused
    pytest.param(Decimal(0), id="Decimal 0"),
    pytest.param(np.float32(0), id="float32 0"),
    pytest.param(np.array([np.nan]), id="an array holding NaN"),
    pytest.param(pd.Timestamp("2023-09-30"), id="a Timestamp"),
    pytest.param(Float64Poisoned(1), id="a float whose __ne__ raises"),
    pytest.param(NumpyPoisoned(), id="a numpy-like scalar that cannot convert"),
]


@pytest.mark.parametrize("value", BLANKS)
def test_blanks_are_missing(value: Any) -> None:
    """None, every NaN, pd.NA and NaT are missing values."""
    assert is_missing(value) is True


@pytest.mark.parametrize("value", NOT_BLANKS)
def test_values_are_not_missing(value: Any) -> None:
    """Zeros, empty or 'nan' text, False, a signalling NaN, arrays and broken scalars are values, not blanks."""
    assert is_missing(value) is False


#: One input of each kind: its declaration, a default, and that default as a unit's values hold it.
KINDS: dict[str, tuple[dict[str, Any], Any, Any]] = {
    "number": ({"type": "number"}, 5, Decimal(5)),
    "percent": ({"type": "percent", "min": 0, "max": 100}, 95, Decimal(95)),
    "count": ({"type": "count"}, 3, Decimal(3)),
    "bool": ({"type": "bool"}, True, True),
    "text": ({"type": "text"}, "无", "无"),
    "date": ({"type": "date"}, datetime.date(2023, 12, 31), datetime.date(2023, 12, 31)),
}


def kind_ruleset(kind: str, *, missing: str = "error", default: bool = False) -> Ruleset:
    """A ruleset with the input ``x`` of ``kind`` and a number ``y``, and one leaf reading both."""
    spec, value, _ = KINDS[kind]
    meta = {"id": "blank", "title": "空值", "version": "1", "sources": ["测试"], "total": 10, "missing": missing}
    inputs = input_table("x", {**spec, "label": "输入", **({"default": value} if default else {})})
    inputs += input_table("y", {"type": "number", "label": "另一个"})
    reads = {"bool": "x", "text": "x == '无'", "date": "x <= date('2024-01-01')"}
    leaf = {"name": "指标", "points": 10, "method": "boolean", "value": f"({reads.get(kind, 'x >= 0')}) and y >= 0"}
    return perfscore.loads(table("ruleset", meta) + inputs + table("indicators.item", leaf))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("blank", BLANKS)
def test_a_blank_in_a_required_input_is_a_missing_input(kind: str, blank: Any) -> None:
    """Under missing = "error", a blank is a located missing-input problem, found by validate after the quick
    check left the unit to it."""
    ruleset = kind_ruleset(kind)
    values = {"x": blank, "y": Decimal(1)}
    assert pinned(ruleset._engine.quick)(dict(values), []) is None
    with pytest.raises(DataError) as caught:
        ruleset.score(values, unit="u")
    assert [(p.code, p.location.path, p.message) for p in caught.value.problems] == [
        ("missing-input", ("x",), "missing required input (输入)")
    ]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("blank", BLANKS)
def test_a_blank_under_missing_zero_is_left_out(kind: str, blank: Any) -> None:
    """Under missing = "zero", a blank is a value left out: the leaf reading it scores 0 and says so."""
    ruleset = kind_ruleset(kind, missing="zero")
    result = ruleset.score({"x": blank, "y": Decimal(1)})
    assert result.missing == frozenset({"x"})
    item = result.item("item")
    assert (item.score, item.missing, item.case) == (Decimal("0.00"), ("x",), "missing")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("blank", BLANKS)
def test_a_blank_takes_the_inputs_default(kind: str, blank: Any) -> None:
    """An input with a default takes it when the unit's value is blank."""
    ruleset = kind_ruleset(kind, default=True)
    result = ruleset.score({"x": blank, "y": Decimal(1)})
    assert result.values["x"] == KINDS[kind][2]
    assert result.missing == frozenset()


@pytest.mark.parametrize("blank", BLANKS)
def test_a_blank_rating_is_missing(blank: Any) -> None:
    """A rating given as a blank is missing too (a tier name or table is expected otherwise)."""
    text = (
        table("ruleset", {"id": "r", "title": "定性", "version": "1", "sources": ["测试"], "total": 10})
        + input_table("x", {"type": "rating", "label": "评定"})
        + table("indicators.item", {"name": "定性", "points": 10, "method": "rating", "input": "x"})
    )
    with pytest.raises(DataError) as caught:
        perfscore.loads(text).score({"x": blank})
    assert [problem.code for problem in caught.value.problems] == ["missing-input"]


# --- scoring with numpy values -----------------------------------------------------------------------

RATIO = perfscore.loads(
    table("ruleset", {"id": "np", "title": "数值类型", "version": "1", "sources": ["测试"], "total": 10})
    + input_table("actual", {"type": "number", "label": "实际值", "min": 0})
    + input_table("target", {"type": "number", "label": "目标值", "min": 1})
    + input_table("n", {"type": "count", "label": "项数"})
    + input_table("ok", {"type": "bool", "label": "已公开"})
    + table(
        "indicators.item", {"name": "比率", "points": 10, "method": "ratio", "actual": "actual", "target": "target"}
    )
)
INTEGER_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOAT_DTYPES = ["float16", "float32", "float64", "longdouble"]


@pytest.mark.parametrize("dtype", INTEGER_DTYPES + FLOAT_DTYPES)
def test_numpy_scalars_score_like_the_numbers_they_hold(dtype: str) -> None:
    """Every input given as a numpy scalar of each dtype: 48 of 50 is 9.60, the same as from Python ints."""
    make = np.dtype(dtype).type
    values = {"actual": make(48), "target": make(50), "n": make(3), "ok": np.True_}
    result = RATIO.score(values)
    assert str(result.total) == "9.60"
    assert result.values == RATIO.score({"actual": 48, "target": 50, "n": 3, "ok": True}).values
    assert all(type(result.values[name]) is Decimal for name in ("actual", "target", "n"))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_numpy_floats_keep_the_decimals_typed(dtype: str) -> None:
    """96.5 of 100 in any numpy float is 9.65 (96.5 is exact in binary); 0.7 reads as 0.7 at every precision."""
    make = np.dtype(dtype).type
    result = RATIO.score({"actual": make(96.5), "target": make(100), "n": make(3), "ok": np.False_})
    assert str(result.total) == "9.65"
    assert str(RATIO.score({"actual": make(0.7), "target": 1, "n": 0, "ok": True}).values["actual"]) == "0.7"


def test_a_count_given_as_a_float_that_is_not_whole_says_its_value() -> None:
    """A count of float32 2.5 is refused showing 2.5, not the name of its type."""
    with pytest.raises(DataError) as caught:
        RATIO.score({"actual": 1, "target": 2, "n": np.float32(2.5), "ok": True})
    assert [problem.message for problem in caught.value.problems] == ["expected a whole number, got 2.5 (项数)"]


def numpy_float(value: float, dtype: str) -> Any:
    """``value`` as a numpy float of ``dtype`` (too large for it: an infinity, without numpy's warning)."""
    with np.errstate(over="ignore"):
        return np.dtype(dtype).type(value)


def numpy_values() -> st.SearchStrategy[Any]:
    """Any one value a DataFrame cell or a numpy-using caller may hand over."""
    floats = st.floats(allow_nan=True, allow_infinity=True)
    return st.one_of(
        st.builds(numpy_float, floats, st.sampled_from(FLOAT_DTYPES)),
        st.builds(lambda x, t: np.dtype(t).type(x % 128), st.integers(0, 10**6), st.sampled_from(INTEGER_DTYPES)),
        st.builds(Fraction, st.integers(-(10**6), 10**6), st.integers(1, 2**12)),
        st.sampled_from([np.True_, np.False_, pd.NA, pd.NaT, np.datetime64("NaT"), None, np.nan, Decimal("NaN")]),
        st.sampled_from([Poisoned(), NumpyPoisoned(), Float64Poisoned(3), np.array([1]), np.complex64(1)]),
    )


@given(value=numpy_values(), kind=st.sampled_from(["number", "percent", "count", "bool", "text", "date"]))
def test_the_quick_check_agrees_with_validate_on_numpy_values(value: Any, kind: str) -> None:
    """For any numpy, pandas or Fraction value of any input kind, the quick check gives what validate gives, or
    leaves the unit to it; scoring raises DataError or nothing, never another exception."""
    ruleset = kind_ruleset(kind)
    values = {"x": value, "y": Decimal(1)}
    try:
        checked, _ = pinned(validate)(ruleset.checks, values, "u")
    except DataError:
        checked = None
    quick = pinned(ruleset._engine.quick)(dict(values), [])
    if checked is None:
        assert quick is None
        with pytest.raises(DataError):
            ruleset.score(values, unit="u")
    else:
        if quick is not None:
            env = quick[0]
            if type(env) is tuple:  # the values as locals, in the order the engine names them
                env = dict(zip(ruleset._engine.names, env, strict=True))
            assert env == checked
            assert all(type(env[name]) is type(checked[name]) for name in checked)
        assert ruleset.score(values).values == checked


# --- a batch with poisoned units ---------------------------------------------------------------------


def test_poisoned_units_among_thousands_each_get_their_own_error() -> None:
    """3,000 units from the seed, three of them poisoned (a numpy-like value that cannot convert, text '九十',
    NaN in a required input): those three get data errors naming the input, the other 2,997 score 99.75."""
    ruleset = perfscore.load(DEPARTMENT)
    seed = dict(perfscore.read_units(SEED)[0].values)
    floats = {name: float(value) if isinstance(value, Decimal) else value for name, value in seed.items()}
    poison = {17: ("budget", NumpyPoisoned()), 1500: ("quality_rate", "九十"), 2999: ("executed", np.nan)}
    units = []
    for index in range(3000):
        values = (
            dict(floats)
            if index % 2
            else {name: np.float64(v) if isinstance(v, float) else v for name, v in floats.items()}
        )
        if index in poison:
            name, value = poison[index]
            values[name] = value
        units.append(perfscore.Unit(f"u{index}", f"单位{index}", values))
    batch = ruleset.score_many(units)
    assert len(batch.outcomes) == 3000
    assert [(error.unit, error.name, error.kind) for error in batch.errors] == [
        (f"u{index}", f"单位{index}", "data") for index in sorted(poison)
    ]
    for error, index in zip(batch.errors, sorted(poison), strict=True):
        assert isinstance(error.error, DataError)
        [problem] = error.error.problems
        assert (problem.location.file, problem.location.path) == (f"u{index}", (poison[index][0],))
    assert {str(result.total) for result in batch.results} == {"99.75"}
    assert len(batch.results) == 2997


def test_numpy_float64_values_no_longer_break_scoring() -> None:
    """The issue's example: np.float64(96.5) scores (it raised a bare decimal.InvalidOperation), np.int64(48)
    is read (it was refused as 'int64')."""
    result = RATIO.score({"actual": np.float64(96.5), "target": np.int64(100), "n": np.int64(48), "ok": True})
    assert (str(result.total), result.values["n"]) == ("9.65", Decimal(48))


def test_importing_perfscore_imports_neither_numpy_nor_pandas() -> None:
    """numpy and pandas are recognised by their types' modules: `import perfscore` and scoring load neither."""
    code = (
        "import sys, perfscore\n"
        f"r = perfscore.load({str(DEPARTMENT)!r})\n"
        f"r.score_many([u.values for u in perfscore.read_units({str(SEED)!r})] + [{{'budget': float('nan')}}])\n"
        "import perfscore.frames\n"
        "print(sorted(m for m in ('numpy', 'pandas') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
