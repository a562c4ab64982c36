"""The fast path never hides a failure, and never decides differently from the rules it stands for.

Issue #8: "a fast-path failure is never hidden: bad data is caught by validation; anything else
surfaces as a perfscore internal error naming the unit." Scoring a unit given as a plain dict runs
one generated function that checks the values and scores every leaf (``Engine.quick``); values
that need a full check go through ``validate`` and the pass over checked values
(``Engine.run_pass``); ``Ruleset.score_reference`` runs each leaf's reference function. Here:

- the compiled functions are replaced by ones that raise, and the failure must surface as an
  ``InternalError`` naming the unit (its cause chained), a ``UnitError`` of kind ``internal`` in a
  batch, one paragraph from the command line;
- a formula that genuinely fails is a located ``ScoringError`` whichever path scored it;
- floats, ints and Decimals all take the fast path (``validate`` is never called for them);
- the quick data check converts exactly what the converters convert, to the same values, and
  refuses exactly what they refuse, for arbitrary values of every input type;
- the compiled pass and the reference path agree on every shipped ruleset and example.
"""

from __future__ import annotations

import decimal
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import perfscore
from helpers import input_table, table
from perfscore import DataError, InternalError, Limits, PerfscoreError, Ruleset, ScoreResult, ScoringError
from perfscore import engine as engine_module
from perfscore.cli import run
from perfscore.compiler import CHUNK
from perfscore.exact import pinned
from perfscore.inputs import Rated, validate

ROOT = Path(__file__).resolve().parent.parent
DEPARTMENT = ROOT / "rulesets" / "department-wide.toml"
SEED = ROOT / "examples" / "liwan-2023.toml"


@pytest.fixture
def department() -> Ruleset:
    """A fresh department-wide ruleset (its engine may be patched by the test)."""
    return perfscore.load(DEPARTMENT)


@pytest.fixture
def seed_values() -> dict[str, Any]:
    """The seed unit's values (99.75 under department-wide)."""
    return dict(perfscore.read_units(SEED)[0].values)


# --- a compiled function that raises ------------------------------------------------------------

#: What a broken compiled function might raise; the reference path scores the unit, so each is perfscore's bug.
FAILURES = [
    pytest.param(RuntimeError("boom"), id="RuntimeError"),
    pytest.param(KeyError("v_budget"), id="KeyError"),
    pytest.param(ZeroDivisionError("division by zero"), id="ZeroDivisionError"),
    pytest.param(decimal.InvalidOperation([decimal.InvalidOperation]), id="InvalidOperation"),
    pytest.param(TypeError("unsupported operand type(s) for *: 'Decimal' and 'NoneType'"), id="TypeError"),
    pytest.param(ValueError("bad"), id="ValueError"),
    pytest.param(AttributeError("'NoneType' object has no attribute 'quantize'"), id="AttributeError"),
]


def raising(error: BaseException) -> Callable[..., Any]:
    def compiled(*args: Any) -> Any:
        raise error

    return compiled


def assert_internal(error: InternalError, unit: str, cause: BaseException) -> None:
    """An InternalError names the unit, says it is perfscore's bug, and chains the original exception."""
    assert isinstance(error, PerfscoreError)
    assert error.unit == unit
    assert str(error).startswith(f"{unit}: ")
    assert type(cause).__name__ in str(error)
    assert "please report this" in str(error)
    assert error.__cause__ is cause


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failing_quick_pass_is_an_internal_error_naming_the_unit(
    department: Ruleset, seed_values: dict[str, Any], failure: BaseException, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the generated scoring function raises on good data, score() raises InternalError naming the unit."""
    monkeypatch.setattr(department._engine, "quick", raising(failure))
    with pytest.raises(InternalError) as caught:
        department.score(seed_values, unit="liwan-zfw-2023")
    assert_internal(caught.value, "liwan-zfw-2023", failure)


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failing_pass_over_checked_values_is_an_internal_error_naming_the_unit(
    department: Ruleset, seed_values: dict[str, Any], failure: BaseException, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Values that are not a plain dict are checked in full, then scored by run_pass: its failure is an InternalError too."""
    department._engine.run_pass  # noqa: B018 - build it, so that the patch replaces the built function
    monkeypatch.setattr(department._engine, "run_pass", raising(failure))
    with pytest.raises(InternalError) as caught:
        department.score(MappingProxyType(seed_values), unit="liwan-zfw-2023")
    assert_internal(caught.value, "liwan-zfw-2023", failure)


@pytest.mark.parametrize("failure", FAILURES)
def test_in_a_batch_the_failing_unit_is_an_internal_error_and_the_others_are_scored(
    department: Ruleset, seed_values: dict[str, Any], failure: BaseException, monkeypatch: pytest.MonkeyPatch
) -> None:
    """score_many records the unit the pass failed on as a UnitError of kind 'internal' and scores the rest."""
    real = department._engine.quick
    poisoned = Decimal("666.66")

    def quick(values: dict[str, Any], fallbacks: list[str]) -> Any:
        if values.get("carryover") == poisoned:
            raise failure
        return real(values, fallbacks)

    monkeypatch.setattr(department._engine, "quick", quick)
    units = [
        perfscore.Unit("a", "甲", seed_values),
        perfscore.Unit("b", "乙", {**seed_values, "carryover": poisoned}),
        perfscore.Unit("c", "丙", {**seed_values, "budget": "五十"}),
        perfscore.Unit("d", "丁", seed_values),
    ]
    batch = department.score_many(units)
    assert [type(outcome).__name__ for outcome in batch.outcomes] == [
        "ScoreResult",
        "UnitError",
        "UnitError",
        "ScoreResult",
    ]
    assert [str(result.total) for result in batch.results] == ["99.75", "99.75"]
    failed, bad_data = batch.errors
    assert (failed.unit, failed.kind, bad_data.kind) == ("b", "internal", "data")
    assert isinstance(failed.error, InternalError)
    assert failed.error.__cause__ is failure
    assert batch.summary() == "4 units: 2 scored, 2 failed (1 data error, 1 internal error)"


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("failure", FAILURES)
def test_the_command_line_prints_one_paragraph_not_a_traceback(
    failure: BaseException, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``perfscore score`` with a broken compiled pass: a nonzero status and one paragraph naming the unit and the bug."""
    monkeypatch.setattr(engine_module.compiler, "build_quick", lambda *args: raising(failure))
    status, out, err = run_cli("score", str(DEPARTMENT), str(SEED), "--lang", "en")
    assert status != 0
    assert out == ""
    assert err.startswith(f"perfscore: {SEED}#liwan-zfw-2023: ")
    assert f"({type(failure).__name__}: " in err
    assert err.endswith("please report this\n")
    assert "\n\n" not in err and "Traceback" not in err


def test_the_command_line_scores_the_other_units_of_a_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """With many units in the data file, the unit the pass fails on is reported and the others are printed."""
    build = engine_module.compiler.build_quick

    def build_quick(*args: Any) -> Any:
        real = build(*args)

        def quick(values: dict[str, Any], fallbacks: list[str]) -> Any:
            if values.get("trained") == 0:
                raise RuntimeError("boom")
            return real(values, fallbacks)

        return quick

    monkeypatch.setattr(engine_module.compiler, "build_quick", build_quick)
    units = str(ROOT / "tests" / "diff" / "training-units.toml")
    status, out, err = run_cli("score", str(ROOT / "tests" / "diff" / "training-2023.toml"), units, "--lang", "en")
    assert status != 0
    assert "3 units: 1 scored, 2 failed (1 data error, 1 internal error)" in out
    [internal] = [line for line in err.splitlines() if "perfscore failed on this unit" in line]
    assert (
        internal == f"perfscore: {units}#empty: perfscore failed on this unit (RuntimeError: boom); please report this"
    )
    assert "Traceback" not in err


# --- a formula that genuinely fails ------------------------------------------------------------------

DIVIDES = (
    table("ruleset", {"id": "divides", "title": "除法", "version": "1", "sources": ["测试"], "total": 20})
    + input_table("a", "number")
    + input_table("b", {"type": "number", "min": 0})
    + input_table("c", {"type": "number", "min": 0})
    + table("derived", {"rate": "a / b"})
    + table("indicators.rated", {"name": "比率", "points": 10, "method": "ratio", "actual": "rate", "target": 1})
    + table(
        "indicators.formula", {"name": "公式", "points": 10, "method": "formula", "formula": "points - a / (c - 1)"}
    )
)


@dataclass(frozen=True)
class Failing:
    """Values whose formula divides by zero, and where the located error must point."""

    values: dict[str, Any]
    path: tuple[str, ...]
    formula: str
    division: str  # the part of the formula that failed, underlined in the message


FAILING = [
    pytest.param(Failing({"a": 1, "b": 0, "c": 2}, ("derived", "rate"), "a / b", "a / b"), id="derived-value"),
    pytest.param(
        Failing({"a": 1, "b": 1, "c": 1}, ("indicators", "formula", "formula"), "points - a / (c - 1)", "a / (c - 1)"),
        id="leaf-formula",
    ),
]

#: The ways a unit reaches scoring: the quick pass (a dict), the pass over checked values (any other
#: mapping), the reference path.
PATHS: dict[str, Callable[[Ruleset, dict[str, Any]], ScoreResult]] = {
    "quick": lambda ruleset, values: ruleset.score(values, unit="u"),
    "pass": lambda ruleset, values: ruleset.score(MappingProxyType(values), unit="u"),
    "reference": lambda ruleset, values: ruleset.score_reference(values, unit="u"),
}


@pytest.mark.parametrize("case", FAILING)
def test_a_failing_formula_is_a_located_scoring_error_on_every_path(case: Failing) -> None:
    """A division by zero in a derived value without fallback, or in a leaf's formula, is the same located
    ScoringError (file, key path, the formula with the division underlined) on every path."""
    ruleset = perfscore.loads(DIVIDES, source="divides.toml")
    seen = {}
    for name, path in PATHS.items():
        with pytest.raises(ScoringError) as caught:
            path(ruleset, case.values)
        error = caught.value
        assert not isinstance(error, InternalError)
        assert error.unit == "u"
        assert error.problem.location.file == "divides.toml"
        assert tuple(error.problem.location.path) == case.path
        seen[name] = str(error)
    text = seen["quick"]
    assert seen == {name: text for name in PATHS}
    assert text.startswith("u: divides.toml: ")
    formula_line, underline = text.splitlines()[-2:]
    assert formula_line.strip() == case.formula
    start, end = underline.index("^"), len(underline.rstrip())
    assert underline[start:end] == "^" + "~" * (end - start - 1)
    assert formula_line[start:end] == case.division


@pytest.mark.parametrize("case", FAILING)
def test_a_failing_formula_is_a_scoring_error_in_a_batch(case: Failing) -> None:
    """In score_many, a unit whose formula fails is a UnitError of kind 'scoring'; the next unit is scored."""
    ruleset = perfscore.loads(DIVIDES, source="divides.toml")
    batch = ruleset.score_many([case.values, {"a": 1, "b": 2, "c": 3}])
    [failed] = batch.errors
    assert failed.kind == "scoring"
    assert str(batch.results[0].total) == "14.50"  # rate 1 / 2 = 0.5 of 10 → 5.00; 10 − 1 / (3 − 1) = 9.5 → 9.50


# --- every number type takes the fast path -------------------------------------------------------


def _number(value: Any) -> bool:
    return isinstance(value, Decimal | int) and not isinstance(value, bool)


FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")

#: The seed unit's numbers (Decimals and ints as TOML gives them) written another way, and the type they then have.
SEED_AS: dict[str, tuple[Callable[[Any], Any], type]] = {
    "Decimal": (lambda value: Decimal(value) if _number(value) else value, Decimal),
    "float": (lambda value: float(value) if _number(value) else value, float),
    "int where whole": (lambda value: int(value) if _number(value) and value == int(value) else value, int),
    "number text": (lambda value: format(Decimal(value), ",f") if _number(value) else value, str),
    "full-width text": (
        lambda value: format(Decimal(value), ",f").translate(FULL_WIDTH) if _number(value) else value,
        str,
    ),
}


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every call the engine makes to ``validate`` (the full data check), recorded."""
    calls: list[Any] = []

    def recorded(*args: Any) -> Any:
        calls.append(args)
        return validate(*args)

    monkeypatch.setattr(engine_module, "validate", recorded)
    return calls


@pytest.mark.parametrize("form", SEED_AS)
def test_numbers_of_every_type_take_the_fast_path(
    department: Ruleset, seed_values: dict[str, Any], form: str, validations: list[Any]
) -> None:
    """The seed unit given with its numbers as Decimals, floats, ints or text is scored without the full
    data check, to the same 99.75."""
    written, kind = SEED_AS[form]
    values = {name: written(value) for name, value in seed_values.items()}
    assert sum(type(value) is kind for value in values.values()) >= 8  # budget, executed, …, the counts
    result = department.score(values)
    assert validations == []
    assert str(result.total) == "99.75"
    assert result.values == department.score(seed_values).values  # the same numbers (9 == 9.0)


#: Units that need the full check: (what is wrong, values), each changing the seed unit.
NEEDS_FULL_CHECK = [
    pytest.param({"budget": "五十"}, id="a refused value"),
    pytest.param({"quality_rate": Decimal("100.5")}, id="a value beyond its max"),
    pytest.param({"executed": float("nan")}, id="a float nan"),
    pytest.param({"goals_planned": Decimal("2.5")}, id="a count that is not whole"),
    pytest.param({"budget": None}, id="a value given as None"),
    pytest.param({"budgett": 1}, id="an unknown input"),
]


@pytest.mark.parametrize("change", NEEDS_FULL_CHECK)
def test_refused_values_go_to_the_full_check(
    department: Ruleset, seed_values: dict[str, Any], change: dict[str, Any], validations: list[Any]
) -> None:
    """A value the quick check refuses is checked by validate, which raises DataError naming the unit and the input."""
    with pytest.raises(DataError) as caught:
        department.score({**seed_values, **change}, unit="liwan")
    assert len(validations) == 1
    assert caught.value.source == "liwan"
    [name] = change
    assert [problem.location.path for problem in caught.value.problems] == [(name,)]


def test_a_missing_optional_input_goes_to_the_full_check(validations: list[Any]) -> None:
    """When the ruleset scores missing data as 0, a unit leaving an input out is checked in full and the leaf reading it scores 0."""
    text = (ROOT / "rulesets" / "department-wide.toml").read_text(encoding="utf-8")
    ruleset = perfscore.loads(text.replace("[inputs.budget]", 'missing = "zero"\n\n[inputs.budget]', 1))
    values = dict(perfscore.read_units(SEED)[0].values)
    assert str(ruleset.score(values).total) == "99.75" and validations == []
    del values["disclosed"]
    result = ruleset.score(values)
    assert len(validations) == 1
    assert result.item("management.disclosure").missing == ("disclosed",)
    assert result.item("management.disclosure").score == 0


# --- the quick data check agrees with the converters ---------------------------------------------

TIERS = [
    "达成",
    "部分达成",
    "未达成",
    "完成",
    "achieved",
    "ACHIEVED",
    " 达成 ",
    "A",
    "a",
    "B",
    "b",
    "C",
    "Ａ",
    "ß",
    "SS",
]


#: A scale whose names and aliases collide (a later tier's name is an earlier tier's alias; names
#: differing only in case or width), so that which tier a text names is the converter's rule to decide.
SHARED_NAMES = """
[scales.shared]
tiers = [
  { name = "B", name_en = "b", aliases = ["A", "ss"], min = 0.8, max = 1, max_inclusive = true, default = 1 },
  { name = "A", name_en = "a", aliases = ["Ａ"], min = 0.6, max = 0.8, default = 0.6 },
  { name = "SS", name_en = "ß", min = 0.3, max = 0.6 },
  { name = "C", name_en = "c", min = 0, max = 0.3, default = 0 },
]
"""


@dataclass(frozen=True)
class InputCase:
    """One kind of input: its declaration, other inputs it needs, how the ruleset is loaded."""

    spec: dict[str, Any]
    others: dict[str, Any] | None = None  # other inputs and their (valid) values
    limits: Limits | None = None
    scales: str = ""

    @property
    def text(self) -> str:
        header = table(
            "ruleset", {"id": "quick", "title": "快速检查", "version": "1", "sources": ["测试"], "total": 10}
        )
        inputs = input_table("x", self.spec) + "".join(
            input_table(name, {"type": "number"}) for name in (self.others or {})
        )
        if self.spec["type"] == "rating":
            leaf = {"name": "定性", "points": 10, "method": "rating", "input": "x"}
        else:
            leaf = {"name": "常量", "points": 10, "method": "boolean", "value": "True"}
        return header + self.scales + inputs + table("indicators.item", leaf)


INPUT_CASES = {
    "number": InputCase({"type": "number"}),
    "number 0.01..100": InputCase({"type": "number", "min": Decimal("0.01"), "max": 100}),
    "number ≤ y": InputCase({"type": "number", "max": "y"}, {"y": Decimal(50)}),
    "number ≥ y": InputCase({"type": "number", "min": "y"}, {"y": Decimal(-5)}),
    "number, max_exponent 5": InputCase({"type": "number"}, limits=Limits(max_exponent=5)),
    "number, max_exponent 40": InputCase({"type": "number"}, limits=Limits(max_exponent=40)),
    "percent": InputCase({"type": "percent"}),
    "percent 0..100": InputCase({"type": "percent", "min": 0, "max": 100}),
    "count": InputCase({"type": "count"}),
    "count 1..12": InputCase({"type": "count", "min": 1, "max": 12}),
    "count -3..": InputCase({"type": "count", "min": -3}),
    "count, max_exponent 5": InputCase({"type": "count", "max": 10**12}, limits=Limits(max_exponent=5)),
    "bool": InputCase({"type": "bool"}),
    "text": InputCase({"type": "text"}),
    "text, max_text 3": InputCase({"type": "text"}, limits=Limits(max_text=3)),
    "date": InputCase({"type": "date"}),
    "rating": InputCase({"type": "rating"}),
    "rating, shared names": InputCase({"type": "rating", "scale": "shared"}, scales=SHARED_NAMES),
}

_compiled: dict[str, Ruleset] = {}


def compiled(kind: str) -> Ruleset:
    if kind not in _compiled:
        case = INPUT_CASES[kind]
        _compiled[kind] = perfscore.loads(case.text, source=f"{kind}.toml", limits=case.limits or Limits())
    return _compiled[kind]


SPECIAL_DECIMALS = [
    Decimal("NaN"), Decimal("-NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("-0"),
    Decimal("0E-1000000"), Decimal("1E+999999"), Decimal("-1E+999999"), Decimal("1E-999999"), Decimal("1E+30"),
    Decimal("1.0E+30"), Decimal("9.99999E+30"), Decimal("1E+31"), Decimal("-1E+30"), Decimal("1E+5"),
    Decimal("99999.9"), Decimal("100000"), Decimal("1E+6"), Decimal("1E+40"), Decimal("1E+41"),
    Decimal("12.000"), Decimal("1E+1"), Decimal("0.01"), Decimal("0.0099999"), Decimal("100.0000000000000000000000000001"),
    Decimal("1234567890123456789012345678901234567890"),
]  # fmt: skip
SPECIAL_INTS = [0, 1, -1, 12, 13, 100, 101, 10**5, 10**5 + 1, 10**6, 10**30, 10**30 + 1, 10**31, 10**40, 10**41,
                -(10**30), 10**61, 10**5000, True, False]  # fmt: skip
SPECIAL_FLOATS = [0.0, -0.0, 0.1, 1e30, 1e31, 1e300, 5e-324, float("nan"), float("inf"), float("-inf"), 100.5, 2468.78]
SPECIAL_TEXTS = [
    "１２３４．５", "95%", "９５％", "95 %", "1,234.5", "1,23,4.5", "1²", "①0", "١٢", " 12 ", "12.", ".5", "+5", "-0",
    "1e5", "1E400", "1e-400", "nan", "NaN", "inf", "Infinity", "", " ", "是", "否", "true", "True", "false", "FALSE",
    "2023-09-30", "2023年9月30日", "2023/2/30", "２０２３－０９－３０", "2023.9.30号", "x" * 61, "1" * 61, "abcd",
    *TIERS,
]  # fmt: skip


def decimals() -> st.SearchStrategy[Decimal]:
    return st.one_of(
        st.sampled_from(SPECIAL_DECIMALS),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.builds(
            lambda digits, exponent: Decimal(digits).scaleb(exponent),
            st.integers(-(10**40), 10**40),
            st.integers(-60, 60),
        ),
    )


def plain_values() -> st.SearchStrategy[Any]:
    """Any single value a unit's data may hold, as TOML, JSON, a spreadsheet or a Python caller gives it."""
    return st.one_of(
        decimals(),
        st.sampled_from(SPECIAL_INTS),
        st.integers(),
        st.sampled_from(SPECIAL_FLOATS),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(SPECIAL_TEXTS),
        st.text(max_size=8),
        st.dates(),
        st.datetimes(),
        st.just(None),
        st.lists(st.integers(), max_size=2),
    )


def any_values() -> st.SearchStrategy[Any]:
    """A plain value, or a rating given as a table (a tier and perhaps a score)."""
    score = st.one_of(decimals(), st.integers(-2, 12), st.sampled_from(["8", "9.5", "一"]), st.floats(0, 10))
    tier = st.one_of(st.sampled_from(TIERS), plain_values())
    return st.one_of(
        plain_values(),
        st.builds(lambda t: {"tier": t}, tier),
        st.builds(lambda t, s: {"tier": t, "score": s}, tier, score),
        st.builds(lambda t, s: {"tier": t, "score": s, "note": "x"}, tier, score),
        st.just({"score": Decimal(9)}),
        st.just(MappingProxyType({"tier": "达成"})),
    )


def same(a: Any, b: Any) -> bool:
    """The same value and type, digit for digit (Decimal('5') is not Decimal('5.0'); a tier is the same object)."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, Decimal):
        return a.as_tuple() == b.as_tuple()
    if isinstance(a, Rated):
        return a.tier is b.tier and same(a.given, b.given)
    return bool(a == b)


def problems(error: DataError) -> list[tuple[str, str, str]]:
    return [(problem.code, str(problem.location), problem.message) for problem in error.problems]


@pytest.mark.parametrize("kind", INPUT_CASES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=any_values())
@example(value="A")  # the shared-names scale: a later tier's name that the first tier lists as an alias
@example(value={"tier": "A", "score": 9})
@example(value=10**6)  # beyond max_exponent 5: refused by the converters
@example(value=Decimal("1E+6"))
@example(value=Decimal("-1E+6"))
def test_the_quick_check_agrees_with_the_converters(kind: str, value: Any) -> None:
    """For any value of any input type, the quick check accepts exactly what ``validate`` accepts, converted to
    the same value of the same type; what it refuses, validate refuses, and scoring raises the same problems."""
    ruleset = compiled(kind)
    values = {"x": value, **(INPUT_CASES[kind].others or {})}
    try:
        checked, _ = pinned(validate)(ruleset.checks, values, "unit")
        refused = None
    except DataError as error:
        refused = error
    quick = pinned(ruleset._engine.quick)(dict(values), [])
    if refused is not None:
        assert quick is None, f"the quick check accepted {quick[0]!r}, which validate refuses: {refused}"
        with pytest.raises(DataError) as caught:
            ruleset.score(values, unit="unit")
        assert problems(caught.value) == problems(refused)
    else:
        # (no input here has a default, which a None given for it would take through the full check)
        assert quick is not None, "the quick check sent a value validate accepts to the full check"
        env = quick[0]
        if type(env) is tuple:  # the values as locals, in the order the engine names them
            env = dict(zip(ruleset._engine.names, env, strict=True))
        assert env.keys() == checked.keys()
        assert all(same(env[name], checked[name]) for name in env), (env, checked)
        result = ruleset.score(values, unit="unit")
        assert all(same(result.values[name], checked[name]) for name in checked)


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        pytest.param("A", "B", id="a later tier's name, listed first as an alias: the first listed wins"),
        pytest.param("B", "B", id="a name"),
        pytest.param("Ａ", "A", id="a full-width alias"),
        pytest.param("ss", "B", id="an alias"),
        pytest.param("SS", "B", id="a name differing in case from an earlier alias"),
    ],
)
def test_shared_tier_names_go_to_the_tier_the_converter_chooses(text: str, tier: str) -> None:
    """A text naming two tiers scores the same on the quick path as through validate: the first tier listed."""
    ruleset = compiled("rating, shared names")
    checked, _ = pinned(validate)(ruleset.checks, {"x": text}, None)
    assert checked["x"].tier.name == tier
    assert ruleset.score({"x": text}).values["x"].tier.name == tier
    assert ruleset.score({"x": text}).total == ruleset.score(MappingProxyType({"x": text})).total


# --- the compiled pass and the reference path agree ------------------------------------------------


def shipped() -> Iterator[Any]:
    """Every shipped ruleset with its example data (and the diff fixtures' revisions with theirs)."""
    yield pytest.param("rulesets/department-wide.toml", "examples/liwan-2023.toml", id="department-wide")
    yield pytest.param("rulesets/project-mof-2020.toml", "examples/project-template-data.toml", id="project-mof-2020")
    yield pytest.param(
        "examples/project-community-legal-service/ruleset.toml",
        "examples/project-community-legal-service/data.toml",
        id="community-legal-service",
    )
    yield pytest.param("tests/diff/department-2024.toml", "examples/liwan-2023.toml", id="department-2024")
    yield pytest.param("tests/diff/training-2023.toml", "tests/diff/training-units.toml", id="training-2023")
    yield pytest.param("tests/diff/training-2024.toml", "tests/diff/training-units.toml", id="training-2024")


def everything(result: ScoreResult) -> dict[str, Any]:
    """What the two paths must agree on: raw and rounded scores, the recorded facts, explanations, totals."""
    return {
        "total": str(result.total),
        "grade": result.grade.name,
        "values": {name: repr(value) for name, value in result.values.items()},
        "missing": sorted(result.missing),
        "fallbacks": result.fallbacks,
        "items": [
            (
                item.id,
                str(item.raw),
                str(item.score),
                item.recorded,
                dict(item.facts),
                item.explain("zh"),
                item.explain("en"),
            )
            for item in result.items
        ],
        "subtotals": {key: str(value) for key, value in result.subtotals.items()},
    }


@pytest.mark.parametrize(("ruleset_file", "data_file"), list(shipped()))
def test_the_compiled_pass_and_the_reference_path_agree_on_shipped_rulesets(ruleset_file: str, data_file: str) -> None:
    """For every shipped ruleset and example unit, the quick pass, the pass over checked values and the
    reference path give the same raw and rounded scores, facts and explanations (or the same error)."""
    ruleset = perfscore.load(ROOT / ruleset_file)
    scored = 0
    for unit in perfscore.read_units(ROOT / data_file):
        seen = {}
        for name, path in PATHS.items():
            try:
                seen[name] = everything(path(ruleset, dict(unit.values)))
            except PerfscoreError as error:
                seen[name] = (type(error).__name__, str(error))
        assert seen["pass"] == seen["quick"]
        assert seen["reference"] == seen["quick"]
        scored += isinstance(seen["quick"], dict)
    assert scored > 0


# --- many inputs: the quick check is cut into chunks ------------------------------------------------

MANY = 2 * CHUNK + 50  # inputs x0 … x449: the first CHUNK checked in the main function, the rest in two more


def many_inputs_text() -> str:
    """x0 … x449 (numbers ≥ 0); ``late`` (the last input, in the third chunk) at most x0; x1 at least ``late``."""
    header = table("ruleset", {"id": "many", "title": "多输入", "version": "1", "sources": ["测试"], "total": 10})
    inputs = "".join(input_table(f"x{n}", {"type": "number", "min": "late" if n == 1 else 0}) for n in range(MANY))
    inputs += input_table("late", {"type": "number", "max": "x0"})
    leaf = {"name": "合计", "points": 10, "method": "formula", "formula": f"points * (late + x{MANY - 1}) / 1000"}
    return header + inputs + table("indicators.item", leaf)


MANY_VALUES = {**{f"x{n}": Decimal(n) for n in range(MANY)}, "x0": Decimal(500), "x1": Decimal(600), "late": 300}

#: Changes to the good values above; the names that validate then reports.
MANY_CASES = [
    pytest.param({}, [], id="all good: taken by the quick check"),
    pytest.param({"late": Decimal(501)}, ["late"], id="late above x0 (a bound across chunks)"),
    pytest.param({"x1": Decimal(299)}, ["x1"], id="x1 below late (a bound across chunks)"),
    pytest.param({f"x{MANY - 1}": "五十"}, [f"x{MANY - 1}"], id="a refused value in the last chunk"),
    pytest.param({f"x{CHUNK + 7}": Decimal("NaN")}, [f"x{CHUNK + 7}"], id="NaN in the second chunk"),
    pytest.param({f"x{CHUNK}": -1, "x3": -1}, ["x3", f"x{CHUNK}"], id="below min in two chunks"),
]


@pytest.mark.parametrize(("change", "refused"), MANY_CASES)
def test_inputs_beyond_the_first_chunk_are_checked_as_the_first_are(
    change: dict[str, Any], refused: list[str], validations: list[Any]
) -> None:
    """With more inputs than one chunk, the quick check takes and refuses exactly what validate does,
    bounds naming an input in another chunk included; good values never reach validate."""
    ruleset = perfscore.loads(many_inputs_text(), source="many.toml")
    assert len(ruleset.checks) == MANY + 1
    values = {**MANY_VALUES, **change}
    quick = pinned(ruleset._engine.quick)(dict(values), [])
    if not refused:
        checked, _ = pinned(validate)(ruleset.checks, values, None)
        assert quick is not None and all(same(quick[0][name], checked[name]) for name in checked)
        validations.clear()
        assert str(ruleset.score(values).total) == "7.49"  # 10 × (300 + 449) / 1000
        assert validations == []
    else:
        assert quick is None
        with pytest.raises(DataError) as caught:
            ruleset.score(values)
        assert [problem.location.path[0] for problem in caught.value.problems] == refused
