"""A seventh scoring method, defined in this one module and registered by passing it to ``loads``:
scoring, explanations, ``perfscore explain``, ``perfscore check`` and pickling work for it with no
change anywhere else in perfscore (issue #8: one home per scoring method)."""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar, Literal

import pytest

import perfscore
from helpers import d, one_leaf_text
from perfscore.checks import Context
from perfscore.intervals import Interval
from perfscore.messages import Text
from perfscore.methods import METHODS, Case, Code, FormulaKey, Method, Trend, formula_text, measured_name
from perfscore.model import FormulaText, Fraction, LeafParams
from perfscore.report import explain_ruleset
from perfscore.ruleset import Indicator
from perfscore.testing import check_properties
from perfscore.text import plain
from perfscore.wording import Display


class ThresholdParams(LeafParams):
    method: Literal["threshold"]
    value: FormulaText
    threshold: Decimal
    partial: Fraction = Decimal(0)  # the share of the points earned below the threshold


REACHED = Case("reached", ("value",), "{value} 达到门槛 {threshold}", "{value} reaches the threshold of {threshold}")
SHORT = Case("short", ("value",), "{value} 未达到门槛 {threshold}，按 {partial} 计分",
             "{value} is short of the threshold of {threshold}: {partial} of the points")  # fmt: skip


class Threshold(Method):
    """达标计分: all the points at or above a threshold, a fixed share of them below it."""

    name = "threshold"
    title = Text("达标计分", "threshold")
    params = ThresholdParams
    formulas: ClassVar[Mapping[str, FormulaKey]] = {"value": FormulaKey()}
    cases = (REACHED, SHORT)
    template_fields = frozenset({"value", "threshold", "partial"})
    key_names: ClassVar[Mapping[str, Text]] = {"threshold": Text("门槛", "threshold")}

    def emit(self, leaf: Indicator, code: Code) -> None:
        points = code.const(leaf.points)
        code.line(f"x = {code.value(leaf.formulas['value'])}")
        with code.block(f"if x >= {code.const(leaf.spec.threshold)}:"):
            code.result(points, REACHED, "x")
        with code.block("else:"):
            code.result(f"{code.const(leaf.spec.partial)} * {points}", SHORT, "x")

    def facts(self, leaf: Indicator, recorded: dict[str, Any]) -> dict[str, Any]:
        return {**recorded, "threshold": leaf.spec.threshold, "partial": leaf.spec.partial}

    def fields(self, leaf: Indicator, facts: Mapping[str, Any], display: Display) -> dict[str, str]:
        measured = measured_name(leaf.formulas["value"])  # a bare input's values show in its unit
        shown = {key: display.measure(leaf, facts[key], measured) for key in ("value", "threshold") if key in facts}
        shown["partial"] = f"{plain(facts['partial'] * 100)}%"
        return shown

    def describe(self, leaf: Indicator, lang: str) -> str:
        value, threshold = formula_text(leaf.formulas["value"]), plain(leaf.spec.threshold)
        if lang == "zh":
            return f"达标计分：{value} 达到 {threshold} 得满分，否则得分值的 {plain(leaf.spec.partial * 100)}%"
        return f"threshold: full marks when {value} reaches {threshold}, otherwise {plain(leaf.spec.partial * 100)}%"

    def trend(self, leaf: Indicator, key: str, context: Context) -> Trend:
        return Trend(1)  # reaching the threshold never costs points

    def landmarks(self, leaf: Indicator) -> dict[str, list[Decimal]]:
        return {"value": [leaf.spec.threshold]}

    def full_marks(self, leaf: Indicator, context: Context) -> Method.FullMarks:
        return Method.FullMarks("value", lambda values: [Interval(leaf.spec.threshold, None)])


THRESHOLD = Threshold()  # methods pickle by reference to their module's singleton, named after them
WITH_THRESHOLD = {**METHODS, "threshold": THRESHOLD}


def threshold_ruleset(better: str | None = None, **keys: Any) -> perfscore.Ruleset:
    """A one-leaf ruleset scored by the seventh method: 培训人次 against a threshold of 100, worth 10."""
    inputs: dict[str, Any] = {"trained": {"type": "count", "label": "培训人次", "unit": "人次"}}
    if better is not None:
        inputs["trained"]["better"] = better
    keys = {"value": "trained", "threshold": 100, "partial": d("0.6"), **keys}
    return perfscore.loads(one_leaf_text("threshold", inputs=inputs, **keys), methods=WITH_THRESHOLD)


@pytest.mark.parametrize(
    ("trained", "score", "zh", "en"),
    [
        (
            120,
            "10.00",
            "测试指标：120人次 达到门槛 100人次；得满分 10 分。",
            "Test item: 120人次 reaches the threshold of 100人次; full marks, 10 points.",
        ),
        (
            100,
            "10.00",
            "测试指标：100人次 达到门槛 100人次；得满分 10 分。",
            "Test item: 100人次 reaches the threshold of 100人次; full marks, 10 points.",
        ),
        (
            99,
            "6.00",
            "测试指标：99人次 未达到门槛 100人次，按 60% 计分；得 6.00 分（满分 10 分），扣 4.00 分。",
            "Test item: 99人次 is short of the threshold of 100人次: 60% of the points; 6.00 of 10 points, 4.00 lost.",
        ),
    ],
    ids=["above", "at the threshold", "below: 0.6 × 10"],
)
def test_the_seventh_method_scores_and_explains(trained: int, score: str, zh: str, en: str) -> None:
    """The registered method scores through the compiled pass and explains from its facts, in zh and en."""
    item = threshold_ruleset().score({"trained": trained}).item("item")
    assert (item.score, item.explanation, item.explanation_en) == (d(score), zh, en)
    assert item.case == ("reached" if trained >= 100 else "short")


def test_the_reference_path_runs_the_same_statement() -> None:
    """The reference path compiles the method's one statement per leaf and agrees with the pass."""
    ruleset = threshold_ruleset()
    for trained in (0, 99, 100, 5000):
        fast, reference = ruleset.score({"trained": trained}), ruleset.score_reference({"trained": trained})
        assert [(i.raw, i.score, i.facts) for i in fast.items] == [(i.raw, i.score, i.facts) for i in reference.items]


def test_explain_describes_the_seventh_method() -> None:
    """``perfscore explain`` asks the method how it scores."""
    text = explain_ruleset(threshold_ruleset(), "zh")
    assert "      达标计分：trained 达到 100 得满分，否则得分值的 60%" in text.splitlines()


def test_its_keys_are_checked_when_loading() -> None:
    """Its params model checks its keys like any built-in method's: a share above 1 is refused, located."""
    with pytest.raises(perfscore.RulesetError) as caught:
        threshold_ruleset(partial=d("1.5"))
    assert [(p.code, p.location.path) for p in caught.value.problems] == [
        ("invalid-value", ("indicators", "item", "partial"))
    ]


def test_without_registering_it_the_method_is_unknown() -> None:
    """The built-in registry does not know it: a ruleset using it is refused with the known names listed."""
    text = one_leaf_text("threshold", inputs={"trained": "count"}, value="trained", threshold=100)
    with pytest.raises(perfscore.RulesetError) as caught:
        perfscore.loads(text)
    assert caught.value.problems[0].code == "unknown-method"
    assert "expected one of ratio, bands, rating, deduction, boolean, formula" in caught.value.problems[0].message


def test_check_finds_it_falling_as_its_input_improves() -> None:
    """``perfscore check`` proves monotonicity through the method's trend, and finds the counterexample when
    the input is declared better lower: reaching the threshold raises the score."""
    assert [p.code for p in perfscore.lint(threshold_ruleset(better="higher"))] == []
    (problem,) = [p for p in perfscore.lint(threshold_ruleset(better="lower")) if p.code == "not-monotone"]
    assert problem.location.path == ("indicators", "item")
    assert "trained = 100 scores 10 and trained = 99 scores only 6" in problem.message


def test_a_ruleset_using_it_pickles_with_its_methods() -> None:
    """A ruleset travels as its source and the methods it was loaded with; it scores alike on arrival."""
    ruleset = threshold_ruleset()
    copied = pickle.loads(pickle.dumps(ruleset))
    assert copied.score({"trained": 99}).to_dict() == ruleset.score({"trained": 99}).to_dict()


def test_the_property_kit_checks_it() -> None:
    """``perfscore check --properties`` works on it: full marks are built from its ``full_marks`` (the value
    at or above the threshold) and checked, and every property passes."""
    report = check_properties(threshold_ruleset(better="higher"), examples=50, seed=0)
    assert report.ok, report.render("en")
    assert report.undetermined == ()


def test_the_property_kit_finds_it_falling_as_its_input_improves() -> None:
    """Declared better lower, reaching the threshold raises the score: the monotone property finds it."""
    report = check_properties(threshold_ruleset(better="lower"), examples=50, seed=0, properties=["monotone"])
    (failure,) = report.failures
    assert (failure.property, failure.indicator) == ("monotone", "item")
    assert "lowers 测试指标 from 10.00 to 6.00" in failure.message("en")
