"""The quick scoring pass's shortcuts (issue 13: speed) decide exactly as the rules they stand for.

The quick pass keeps a unit's values as locals and hands them back as one tuple (the mapping by name
is made when someone reads it); takes a rating given as ``{tier, score}`` without its converter when
the score is a Decimal within the tier's bounds for every leaf that reads it; reads a float by its
shortest text, remembering the floats of each input within a bound. Each is held here to the
converters (``validate``) and to the reference path (``Ruleset.score_reference``).
"""

from __future__ import annotations

import math
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import perfscore
from helpers import input_table, one_leaf_text, table
from perfscore import DataError, InternalError, PerfscoreError, ScoreResult, testing
from perfscore.compiler import _Floats
from perfscore.exact import pinned
from perfscore.inputs import Rated, validate
from perfscore.result import Settling
from strategies import GeneratedRuleset, rulesets_with_data

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_path  # noqa: E402 - the benchmark's half-cent ties
import bench_scoring  # noqa: E402 - the benchmark's ruleset and units

SCALE = """
[scales.shared]
tiers = [
  { name = "优", name_en = "Top", aliases = ["A", "甲"], min = 0.8, max = 1, max_inclusive = true, default = 1 },
  { name = "良", name_en = "Good", aliases = ["a", "Ａ"], min = 0.6, max = 0.8, default = 0.6 },
  { name = "中", name_en = "Fair", min = 0.3, max = 0.6 },
  { name = "差", name_en = "Poor", min = 0, max = 0.3, default = 0 },
]
"""


def rating_text() -> str:
    """One rating input read by two leaves of different points (4 and 5): a score must fit both."""
    header = table("ruleset", {"id": "rated", "title": "定性", "version": "1", "sources": ["测试"], "total": 9})
    leaves = table("indicators.four", {"name": "四分", "points": 4, "method": "rating", "input": "x"})
    leaves += table("indicators.five", {"name": "五分", "points": 5, "method": "rating", "input": "x"})
    return header + SCALE + input_table("x", {"type": "rating", "scale": "shared"}) + leaves


RATED = perfscore.loads(rating_text(), source="rated.toml")
TEXTS = ["优", "良", "中", "差", "Top", "top", "TOP", "A", "a", "Ａ", "甲", " 良 ", "Good", "好", "", 5]
#: Each tier's bounds for 4 and 5 points, nudged: the scores where the converter's decision changes.
EDGES = [
    Decimal(text) + nudge
    for text in ("0", "1.2", "1.5", "2.4", "3", "3.2", "4", "5")
    for nudge in (Decimal(0), Decimal("1E-27"), Decimal("-1E-27"))
]


def scores() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(EDGES),
        st.sampled_from([Decimal("-0"), Decimal("0.00"), Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity")]),
        st.decimals(min_value=-1, max_value=6, places=3),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.integers(-1, 6),
        st.floats(-1, 6),
        st.sampled_from(["3.5", "四", None]),
    )


def same(a: Any, b: Any) -> bool:
    """The same value and type, digit for digit; a tier is the same object."""
    if isinstance(a, Rated) and isinstance(b, Rated):
        return a.tier is b.tier and same(a.given, b.given)
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a.as_tuple() == b.as_tuple()
    return type(a) is type(b) and bool(a == b)


def everything(result: ScoreResult) -> dict[str, Any]:
    """What two paths must agree on: values, raw and rounded scores, recorded facts, explanations, totals."""
    return {
        "total": str(result.total),
        "grade": result.grade.name,
        "values": [(name, repr(value)) for name, value in result.values.items()],
        "items": [
            (item.id, str(item.raw), str(item.score), item.recorded, item.explain("zh"), item.explain("en"))
            for item in result.items
        ],
        "subtotals": {key: str(value) for key, value in result.subtotals.items()},
    }


def outcome(score: Any, values: dict[str, Any], said: bool = True) -> Any:
    """Everything a result holds, or the error: its message (``said``) or only where and what kind of problem
    (a float and a Decimal of the same number are quoted differently)."""
    try:
        return everything(score(values))
    except PerfscoreError as error:
        if said:
            return type(error).__name__, str(error)
        return type(error).__name__, [(problem.code, str(problem.location)) for problem in error.problems]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tier=st.sampled_from(TEXTS), score=scores(), extra=st.sampled_from([None, "note"]))
@example(tier="优", score=Decimal(4), extra=None)  # the top of 4 points, the floor of 5 × 0.8: the one score both take
@example(tier="良", score=Decimal(3), extra=None)  # 0.6 × 5 = 3 and < 0.8 × 4 = 3.2: taken
@example(tier="良", score=Decimal("3.2"), extra=None)  # 0.8 × 4, excluded for 良: refused
@example(tier="A", score=Decimal(4), extra=None)  # an alias
def test_a_rating_table_is_taken_as_its_converter_takes_it(tier: Any, score: Any, extra: str | None) -> None:
    """A rating given as ``{tier, score}``: the quick check accepts exactly what validate accepts (the same tier,
    the score digit for digit), refuses what it refuses, and the pass scores as the reference path."""
    value = {"tier": tier, "score": score} if score is not None else {"tier": tier}
    if extra is not None:
        value[extra] = "x"
    try:
        checked: Any = pinned(validate)(RATED.checks, {"x": value}, "u")[0]
    except DataError:
        checked = None
    quick = pinned(RATED._engine.quick)({"x": value}, [])
    if checked is None:
        assert quick is None
    else:
        assert quick is not None
        assert same(dict(zip(RATED._engine.names, quick[0], strict=True))["x"], checked["x"])
    assert outcome(RATED.score, {"x": value}) == outcome(RATED.score_reference, {"x": value})


def test_a_rating_table_within_its_bounds_skips_the_converter() -> None:
    """A valid ``{tier, score}`` with a Decimal score is checked by the quick pass itself; other forms still
    reach the converter, which decides (and words the refusal)."""
    ruleset = perfscore.loads(rating_text(), source="counted.toml")
    [check] = ruleset.checks
    calls: list[Any] = []
    convert = check.convert

    def counted(value: Any) -> Any:
        calls.append(value)
        return convert(value)

    object.__setattr__(check, "convert", counted)  # before the pass is compiled: it binds the converter
    assert str(ruleset.score({"x": {"tier": "优", "score": Decimal("4.00")}}).total) == "8.00"
    assert calls == []
    assert str(ruleset.score({"x": {"tier": "优", "score": 4}}).total) == "8.00"  # an int score: the converter
    assert len(calls) == 1
    with pytest.raises(DataError, match="outside the tier"):
        ruleset.score({"x": {"tier": "良", "score": Decimal("3.2")}})


BENCH = perfscore.load(bench_scoring.RULESET)
UNITS = bench_scoring.make_units(40, 17)
NUMBERS = [name for name, value in UNITS[0].items() if type(value) in (Decimal, int) and type(value) is not bool]


def near(value: float) -> st.SearchStrategy[float]:
    """``value`` and the floats next to it."""
    return st.sampled_from([value, math.nextafter(value, math.inf), math.nextafter(value, -math.inf)])


def floats() -> st.SearchStrategy[float]:
    """Floats a data frame might hold: half-cent ties and their neighbours, bounds, tiny and huge magnitudes."""
    return st.one_of(
        st.integers(0, 100_000).map(lambda n: n / 200).flatmap(near),  # x.xx5 and x.xx0 and their neighbours
        st.sampled_from([0.0, -0.0, 0.01, 0.009999999999999998, 100.0, 100.00000000000001, 1e-7, 5e-324]),
        st.sampled_from([1e15, 1e16, 1e29, 1e30, 1e31, 1e300, math.inf, -math.inf, math.nan]),
        st.floats(min_value=0, max_value=10_000),
        st.floats(allow_nan=False, allow_infinity=False),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=st.sampled_from(UNITS), changes=st.dictionaries(st.sampled_from(NUMBERS), floats(), max_size=4))
def test_float_inputs_score_as_their_shortest_text(unit: dict[str, Any], changes: dict[str, float]) -> None:
    """Benchmark units with some values given as floats (ties, neighbours of ties, bounds, tiny and huge
    ones): the pass gives what the reference path gives for each float's shortest text read as a Decimal,
    values, raw and rounded scores, facts and explanations alike, or the same error."""
    given_floats = {**unit, **changes}
    as_text = {**unit, **{name: Decimal(repr(value)) for name, value in changes.items()}}
    assert outcome(BENCH.score, given_floats, False) == outcome(BENCH.score_reference, as_text, False)


def test_the_values_read_back_are_the_converted_values_in_order() -> None:
    """A result's values are the converted inputs then the derived values, by name, in the order the reference
    path gives them, whatever the caller does to its mapping after scoring."""
    unit = dict(UNITS[0])
    result = BENCH.score(unit)
    reference = BENCH.score_reference(dict(unit))
    unit["budget"] = Decimal(1)
    assert [(name, repr(value)) for name, value in result.values.items()] == [
        (name, repr(value)) for name, value in reference.values.items()
    ]
    assert list(result.values)[-2:] == ["execution_rate", "carryover_rate"]
    assert result.values is result.values  # made once
    assert [item.values for item in result.items] == [result.values] * len(result.items)


def test_the_floats_remembered_stay_within_their_bound() -> None:
    """Many distinct floats for one input: each input's memory of floats never holds more than its bound, and
    each unit still scores as the reference path scores its floats' shortest text."""
    ruleset = perfscore.load(bench_scoring.RULESET)
    unit = UNITS[1]
    ruleset.score(unit)
    memories = [value for value in ruleset._engine.quick.__globals__.values() if isinstance(value, _Floats)]
    assert memories and all(memory.most < 5_000 for memory in memories)
    most = max(memory.most for memory in memories)
    for step in range(3 * most):
        rate = 40 + step / 1000
        result = ruleset.score({**unit, "quality_rate": rate})
        if step % 997 == 0:
            expected = ruleset.score_reference({**unit, "quality_rate": Decimal(repr(rate))})
            assert everything(result) == everything(expected)
        assert all(len(memory) <= memory.most for memory in memories)


def test_grades_follow_the_declared_minimums() -> None:
    """The grade of a total is the first declared whose minimum the total reaches (ties included), else the last."""
    grades = BENCH.meta.grades
    for grade in grades:
        assert BENCH.grade(grade.min) is grade
        below = grade.min - Decimal("0.01")
        assert BENCH.grade(below) is next((g for g in grades if below >= g.min), grades[-1])


def as_floats(values: dict[str, Any]) -> dict[str, Any]:
    """Every Decimal of a unit's values (a rating's score too) given as the float nearest to it."""
    return {
        name: float(value) if type(value) is Decimal
        else {key: float(item) if type(item) is Decimal else item for key, item in value.items()}
        if type(value) is dict else value
        for name, value in values.items()
    }  # fmt: skip


def shortest(values: dict[str, Any]) -> dict[str, Any]:
    """Every float as the Decimal of its shortest text (as the converters read a float)."""
    return {
        name: Decimal(repr(value)) if type(value) is float
        else {key: Decimal(repr(item)) if type(item) is float else item for key, item in value.items()}
        if type(value) is dict else value
        for name, value in values.items()
    }  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rulesets_with_data())
def test_random_rulesets_score_floats_as_their_shortest_text(case: tuple[GeneratedRuleset, dict[str, Any]]) -> None:
    """Random rulesets of every method, their data given as floats: the quick pass gives what the reference
    path gives for each float's shortest text (values, raw and rounded scores, facts, explanations), or the
    same error."""
    ruleset = case[0].ruleset
    given_floats = as_floats(case[1])
    assert outcome(ruleset.score, given_floats, False) == outcome(
        ruleset.score_reference, shortest(given_floats), False
    )


CAPPED = perfscore.load(ROOT / "rulesets" / "project-capped-total.toml")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=testing.data_for(CAPPED))
def test_rules_on_groups_read_the_quick_pass_values_by_name(values: dict[str, Any]) -> None:
    """With rules on groups and the total (whose conditions read values by name), the quick pass and the
    reference path agree, Decimal and float inputs alike."""
    assert outcome(CAPPED.score, dict(values)) == outcome(CAPPED.score_reference, dict(values))
    floats = as_floats(dict(values))
    assert outcome(CAPPED.score, floats, False) == outcome(CAPPED.score_reference, shortest(floats), False)


# --- the float pass: units whose numbers are floats, scored without reading them as Decimals -----------


def one_leaf_ruleset(method: str, inputs: dict[str, Any], points: str = "4", **keys: Any) -> Any:
    return perfscore.loads(one_leaf_text(method, inputs=inputs, points=Decimal(points), **keys))


NUMBER = {"type": "number", "min": 0}
FLOAT_RULESETS = {
    "ratio ≥ 95": one_leaf_ruleset("ratio", {"a": NUMBER}, actual="a", target=Decimal(95)),
    "ratio ≥ 97.5, 3 points": one_leaf_ruleset("ratio", {"a": NUMBER}, "3", actual="a", target=Decimal("97.5")),
    "ratio ≥ 0.35, 2.5 points": one_leaf_ruleset("ratio", {"a": NUMBER}, "2.5", actual="a", target=Decimal("0.35")),
    "ratio ≥ 1/3": one_leaf_ruleset("ratio", {"a": NUMBER}, actual="a", target=Decimal("0.3333333333333333333")),
    "ratio ≤ 18.6 linear": one_leaf_ruleset("ratio", {"a": NUMBER}, "3", actual="a", target=Decimal("18.6"),
                                            direction="<="),
    "ratio ≤ 12 linear": one_leaf_ruleset("ratio", {"a": NUMBER}, "3", actual="a", target=Decimal(12), direction="<="),
    "ratio ≤ 0.35 inverse": one_leaf_ruleset("ratio", {"a": NUMBER}, "3", actual="a", target=Decimal("0.35"),
                                             direction="<=", reverse="inverse"),
    "ratio of a derived rate": one_leaf_ruleset("ratio", {"a": NUMBER, "b": {"type": "number", "min": Decimal("0.01")}}, "10",
                                                derived={"r": "a / b"}, actual="r", target=Decimal(1)),
    "bands of a derived rate": one_leaf_ruleset(
        "bands", {"a": NUMBER, "b": {"type": "number", "min": Decimal("0.01")}}, "5", derived={"r": "a / b"}, value="r",
        bands=[{"max": Decimal("0.01"), "max_inclusive": True, "fraction": 1},
               {"min": Decimal("0.01"), "min_inclusive": False, "max": Decimal("0.03"), "max_inclusive": True, "points": 3},
               {"min": Decimal("0.03"), "min_inclusive": False, "fraction": Decimal("0.1")}]),
    "deduction 0.3 each": one_leaf_ruleset("deduction", {"a": {"type": "count"}}, "2", count="a", each=Decimal("0.3")),
    "deduction 0.2 each, cap 1.5": one_leaf_ruleset("deduction", {"a": NUMBER}, "2", count="a", each=Decimal("0.2"),
                                                   cap=Decimal("1.5")),
    "rating": one_leaf_ruleset("rating", {"a": NUMBER, "t": {"type": "rating"}}, "4", input="t"),
}  # fmt: skip
LANDMARKS = [Decimal(text) for text in ("95", "97.5", "0.35", "0.3333333333333333333", "18.6", "12", "1", "0.01",
                                        "0.03", "0.3", "0.2", "1.5", "3.2", "2.4", "37.2", "24")]  # fmt: skip


def near_landmarks() -> st.SearchStrategy[float]:
    """Floats near where a method's decision or rounding changes: a landmark times k/1000 (and k/2000), and
    the floats next to those; tiny and huge ones; anything."""
    scaled = st.builds(
        lambda landmark, k, half: float(landmark * k / (2000 if half else 1000)),
        st.sampled_from(LANDMARKS),
        st.integers(0, 4000),
        st.booleans(),
    )
    return st.one_of(
        scaled.flatmap(near),
        st.sampled_from([0.0, -0.0, 1e-7, 5e-324, 1e15, 1e29, 1e300, math.inf, math.nan, -1.0]),
        st.floats(min_value=0, max_value=200),
    )


def float_values(ruleset: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A value for each input: a float for numbers (a whole one, or a whole number, for counts), a tier or a
    tier and a float score for ratings."""
    values = {}
    for check in ruleset.checks:
        if check.spec.type == "count":
            values[check.name] = st.one_of(st.integers(0, 20).map(float), st.integers(0, 20), near_landmarks())
        elif check.spec.type == "rating":
            tiers = st.sampled_from(["达成", "部分达成", "未达成"])
            values[check.name] = st.one_of(
                tiers, st.builds(lambda tier, score: {"tier": tier, "score": score}, tiers, near_landmarks())
            )
        else:
            values[check.name] = near_landmarks()
    return st.fixed_dictionaries(values)


@pytest.mark.parametrize("kind", FLOAT_RULESETS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_float_pass_scores_as_the_reference_path(kind: str, data: st.DataObject) -> None:
    """Floats near every place a method's decision or rounding changes (half-cent ties and the floats next
    to them): the float pass gives the total, values, raw and rounded scores, facts and explanations the
    reference path gives for each float's shortest text, or the unit goes where the same error is raised."""
    ruleset = FLOAT_RULESETS[kind]
    assert ruleset._engine.floats is not None
    values = data.draw(float_values(ruleset))
    expected = outcome(ruleset.score_reference, shortest(values), False)
    result = outcome(ruleset.score, values, False)
    assert result == expected
    numbers = [value for name, value in values.items() if ruleset.inputs[name].type in ("number", "count")]
    ordinary = all(type(value) is float and (not value or 1e-3 <= abs(value) <= 1e6) for value in numbers)
    if isinstance(expected, dict) and ordinary:
        assert isinstance(ruleset.score(values), Settling)  # scored by the float pass (a leaf too close: in Decimal)


def test_benchmark_floats_take_the_float_pass_and_ties_are_scored_in_decimal() -> None:
    """The benchmark's units as floats, and its half-cent ties, are scored by the float pass (a leaf whose
    score ends in a half cent exactly by its Decimal arithmetic), as the reference path scores them."""
    ties = [bench_scoring.as_floats(unit) for unit in bench_path.tie_units(30, 5)]
    for unit in [*(bench_scoring.as_floats(unit) for unit in UNITS), *ties]:
        result = BENCH.score(unit)
        assert isinstance(result, Settling)
        total = str(result.total)  # from the float pass alone
        scores = list(result.leaf_scores)  # also
        assert everything(result) == everything(BENCH.score_reference(shortest(unit)))
        assert total == str(result.total)
        assert [str(score) for score in scores] == [str(item.score) for item in result.items]
    assert not isinstance(BENCH.score(UNITS[0]), Settling)  # Decimals take the Decimal pass


def test_a_ruleset_without_float_arithmetic_has_no_float_pass() -> None:
    """A formula leaf has no float arithmetic: its ruleset has no float pass, and floats score through the
    Decimal pass exactly as before."""
    ruleset = one_leaf_ruleset("formula", {"a": NUMBER}, formula="min(points, a / 10)")
    assert ruleset._engine.floats is None
    assert "floats" not in ruleset.generated_code()
    assert str(ruleset.score({"a": 12.345}).total) == str(ruleset.score_reference({"a": Decimal("12.345")}).total)


def test_a_failing_float_pass_is_an_internal_error_naming_the_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the float pass (an exception it does not expect) is never hidden: an InternalError names the unit."""
    ruleset = perfscore.load(bench_scoring.RULESET)

    def broken(values: dict[str, Any]) -> Any:
        raise TypeError("boom")

    monkeypatch.setattr(ruleset._engine, "floats", broken)
    with pytest.raises(InternalError, match="boom") as caught:
        ruleset.score(bench_scoring.as_floats(UNITS[0]), unit="u7")
    assert caught.value.unit == "u7"


def test_a_float_result_that_disagrees_with_the_decimal_pass_is_an_internal_error() -> None:
    """When a float result's leaves are read, the Decimal pass scores the unit again: rounded scores that
    differ from the float pass's would be a bug, said as an InternalError, never shown."""
    result = BENCH.score(bench_scoring.as_floats(UNITS[2]))
    assert isinstance(result, Settling)
    given, cents = result._floats
    result._floats = (given, (cents[0] + 1, *cents[1:]))
    with pytest.raises(InternalError):
        result.items  # noqa: B018
