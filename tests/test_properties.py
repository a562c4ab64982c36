"""Properties that hold for every valid ruleset and its data, checked on random ones.

Each class states its invariant in its docstring. Random rulesets and their data come from
perfscore.testing (wrapped in tests/strategies.py); tests/test_testing_kit.py checks the kit itself.
"""

from __future__ import annotations

import decimal
import pickle
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfscore
from perfscore import PerfscoreError, Ruleset, RulesetError, ScoreResult, ScoringError
from perfscore.errors import Location
from perfscore.expressions import CONTEXT, Kind, compile_expression
from strategies import (
    FORMULA_NAMES,
    GeneratedRuleset,
    arbitrary_data,
    compiled,
    decimals,
    formula_values,
    formulas,
    rulesets,
    rulesets_with_data,
    toml_document,
    unit_data,
)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
THOROUGH = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def scored(case: tuple[GeneratedRuleset, dict[str, Any]]) -> tuple[Ruleset, ScoreResult]:
    generated, values = case
    ruleset = compiled(generated.text)
    return ruleset, ruleset.score(values)


def group_nodes(result: ScoreResult) -> list[perfscore.NodeResult]:
    return [node for root in result.tree for node in root.walk() if node.leaf is None]


def raw_below(node: perfscore.NodeResult) -> list[Decimal]:
    return [child.leaf.raw for child in node.walk() if child.leaf is not None]


class TestLeafScoresStayWithinPoints:
    """Every leaf's score, before and after rounding, lies in [0, its points]."""

    @FAST
    @given(rulesets_with_data())
    def test_random_rulesets(self, case: tuple[GeneratedRuleset, dict[str, Any]]) -> None:
        """No leaf of a random ruleset scores below 0 or above its points."""
        _, result = scored(case)
        for item in result.items:
            assert Decimal(0) <= item.raw <= item.points, item.id
            assert Decimal(0) <= item.score <= item.points, item.id
            assert item.lost == item.points - item.score

    def test_points_finer_than_the_rounding_are_refused(self) -> None:
        """Points of 2.55 under rounding to one place are refused: a full score would round to 2.6."""
        document = {
            "ruleset": {"id": "t", "title": "t", "version": "1", "sources": ["s"], "total": 10,
                        "rounding": {"places": 1}},
            "inputs": {"ok": {"type": "bool", "label": "ok"}},
            "indicators": {
                "a": {"name": "A", "points": Decimal("2.55"), "method": "boolean", "value": "ok"},
                "b": {"name": "B", "points": Decimal("7.45"), "method": "boolean", "value": "ok"},
            },
        }  # fmt: skip
        with pytest.raises(RulesetError) as caught:
            perfscore.loads(toml_document(document), source="r.toml")
        assert str(caught.value) == (
            "r.toml: 2 problems in the ruleset\n"
            "  r.toml: indicators.a.points: 2.55 has more decimal places than the ruleset rounds to"
            " (1, ruleset.rounding.places)\n"
            "  r.toml: indicators.b.points: 7.45 has more decimal places than the ruleset rounds to"
            " (1, ruleset.rounding.places)"
        )


class TestTotalsAddUp:
    """With leaf rounding the total is the sum of the rounded leaves and each subtotal the sum of its
    children; with rounding at the end each is the rounded sum of the raw leaf scores below it."""

    @FAST
    @given(rulesets_with_data())
    def test_random_rulesets(self, case: tuple[GeneratedRuleset, dict[str, Any]]) -> None:
        """Totals and subtotals of a random ruleset are exactly the sums the ruleset declares."""
        ruleset, result = scored(case)
        groups = group_nodes(result)
        if case[0].stage == "leaf":
            assert result.total == sum((item.score for item in result.items), Decimal(0))
            for node in groups:
                assert node.score == sum((child.score for child in node.children), Decimal(0)), node.id
        else:
            assert result.total == ruleset.round(sum((item.raw for item in result.items), Decimal(0)))
            for node in groups:
                assert node.score == ruleset.round(sum(raw_below(node), Decimal(0))), node.id
        assert result.subtotals == {node.id: node.score for node in groups}


class TestTotalWithinPoints:
    """The total lies in [0, the ruleset's total points] and its grade is the highest one it reaches."""

    @FAST
    @given(rulesets_with_data())
    def test_random_rulesets(self, case: tuple[GeneratedRuleset, dict[str, Any]]) -> None:
        """A random ruleset's total stays within its points and gets the grade whose floor it reaches."""
        ruleset, result = scored(case)
        assert (
            Decimal(0)
            <= result.total
            <= ruleset.total_points
            == sum((root.points for root in ruleset.roots), Decimal(0))
        )
        reached = [grade for grade in ruleset.meta.grades if result.total >= grade.min]
        assert result.grade == reached[0]


class TestKeyOrderDoesNotMatter:
    """Scoring depends on the values given, not on the order of the keys in the mapping."""

    @FAST
    @given(st.data())
    def test_shuffled_keys(self, data: st.DataObject) -> None:
        """The same values in a shuffled order give the same result, to the last explanation."""
        generated = data.draw(rulesets())
        values = data.draw(unit_data(generated))
        order = data.draw(st.permutations(list(values)))
        ruleset = compiled(generated.text)
        shuffled = {key: values[key] for key in order}
        assert ruleset.score(shuffled).to_dict() == ruleset.score(values).to_dict()


class TestDeterminism:
    """Scoring is a pure function: the same data gives the same to_dict(), also from a pickled
    copy of the ruleset, and the caller's mapping is left as it was."""

    @FAST
    @given(rulesets_with_data())
    def test_same_data_same_result(self, case: tuple[GeneratedRuleset, dict[str, Any]]) -> None:
        """Scoring twice, and scoring with a pickled copy of the ruleset, give identical results."""
        ruleset, first = scored(case)
        values = case[1]
        before = dict(values)
        again = ruleset.score(values).to_dict()
        copied = pickle.loads(pickle.dumps(ruleset)).score(values).to_dict()
        assert first.to_dict() == again == copied
        assert values == before


class TestFastRulesetPathMatchesClosures:
    """The compiled scoring pass (perfscore.compiler) gives exactly the raw scores, rounded scores,
    total, facts and explanations that the reference path (each leaf on its own, formulas through
    their closures) gives."""

    @FAST
    @given(rulesets_with_data())
    def test_random_rulesets(self, case: tuple[GeneratedRuleset, dict[str, Any]]) -> None:
        """Re-scoring a unit through the reference path reproduces the result of the fast path digit for digit."""
        ruleset, result = scored(case)
        reference = ruleset.score_reference(case[1])
        assert [str(item.raw) for item in reference.items] == [str(item.raw) for item in result.items]
        assert str(reference.total) == str(result.total)
        if case[0].stage == "leaf":
            assert [str(item.score) for item in reference.items] == [str(item.score) for item in result.items]
        assert [item.facts for item in reference.items] == [item.facts for item in result.items]
        assert [item.explain("en") for item in reference.items] == [item.explain("en") for item in result.items]


# --- ratio indicators are monotone ---------------------------------------------------------------------


def ratio_ruleset(direction: str, points: Decimal, target: Decimal, reverse: str, flagged: bool) -> Ruleset:
    leaf: dict[str, Any] = {"name": "比率", "points": points, "method": "ratio", "actual": "actual",
                            "target": target, "direction": direction, "reverse": reverse}  # fmt: skip
    if flagged:
        leaf["over_target"] = {"above": Decimal("1.3")}  # flagged only: the score is unchanged
    document = {
        "ruleset": {"id": "ratio", "title": "比率", "version": "1", "sources": ["s"], "total": points},
        "inputs": {"actual": {"type": "number", "label": "实际"}},
        "indicators": {"item": leaf},
    }
    return compiled(toml_document(document))


class TestRatioMonotone:
    """More achievement never lowers a ≥ indicator's score; a lower actual never lowers a ≤ one's."""

    @THOROUGH
    @given(
        direction=st.sampled_from([">=", "<="]),
        points=decimals("0.01", 100),
        target=decimals(0, 1000),
        reverse=st.sampled_from(["linear", "inverse"]),
        flagged=st.booleans(),
        actuals=st.lists(decimals(-100, 3000, places=3), min_size=2, max_size=2),
    )
    def test_ratio(
        self, direction: str, points: Decimal, target: Decimal, reverse: str, flagged: bool, actuals: list[Decimal]
    ) -> None:
        """Of two actuals, the better one (larger for ≥, smaller for ≤) scores at least as much."""
        ruleset = ratio_ruleset(direction, points, target, reverse, flagged and direction == ">=")
        low, high = sorted(actuals)
        at_low = ruleset.score({"actual": low}).items[0]
        at_high = ruleset.score({"actual": high}).items[0]
        if direction == ">=":
            assert at_low.raw <= at_high.raw and at_low.score <= at_high.score
        else:
            assert at_low.raw >= at_high.raw and at_low.score >= at_high.score


# --- only perfscore's own errors --------------------------------------------------------------------------


class TestOnlyOwnErrors:
    """On data of the right Python types but arbitrary values (out of range, zero divisors, tiny and
    huge numbers, unknown tiers, gaps, unknown keys), scoring and reading the whole result either
    succeed or raise a PerfscoreError; nothing else escapes."""

    @THOROUGH
    @given(st.data())
    def test_arbitrary_data(self, data: st.DataObject) -> None:
        """Scoring random data and rendering its result raises nothing but perfscore's own errors."""
        generated = data.draw(rulesets())
        values = data.draw(arbitrary_data(generated))
        ruleset = compiled(generated.text)
        try:
            result = ruleset.score(values)
        except PerfscoreError as error:
            assert str(error)
            return
        result.to_dict()  # every explanation, in both languages

    def test_huge_actual_over_a_tiny_target(self) -> None:
        """An actual of 10^30 against a target of 10^-990 overflows the rate: full marks or a ScoringError."""
        document = {
            "ruleset": {"id": "t", "title": "t", "version": "1", "sources": ["s"], "total": 10},
            "inputs": {"actual": {"label": "实际"}, "target": {"label": "目标"}},
            "indicators": {"item": {"name": "比率", "points": 10, "method": "ratio", "actual": "actual",
                                    "target": "target"}},
        }  # fmt: skip
        ruleset = compiled(toml_document(document))
        try:
            result = ruleset.score({"actual": Decimal("1E+30"), "target": Decimal("1E-990")})
        except PerfscoreError:
            return
        assert result.total == Decimal("10.00")
        result.to_dict()


# --- the two expression paths agree ------------------------------------------------------------------------

KINDS = {"number": Kind.NUMBER, "bool": Kind.BOOL}
NAMES = {name: KINDS[kind] for name, kind in FORMULA_NAMES.items()}


def outcome(evaluate: Any, env: Mapping[str, Any]) -> str:
    """What an evaluation gave, as comparable text: the value's repr, or that it raised ScoringError."""
    try:
        with decimal.localcontext(CONTEXT):
            return repr(evaluate(env))
    except ScoringError:
        return "ScoringError"


def derived_ruleset(text: str) -> Ruleset:
    """A ruleset that computes ``text`` as the derived value ``e`` (to run it through codegen)."""
    document = {
        "ruleset": {"id": "e", "title": "e", "version": "1", "sources": ["s"], "total": 1},
        "inputs": {name: {"type": kind, "label": name} for name, kind in FORMULA_NAMES.items()},
        "derived": {"e": text},
        "indicators": {"item": {"name": "e", "points": 1, "method": "formula", "formula": "points"}},
    }
    return compiled(toml_document(document))


class TestExpressionPathsAgree:
    """For any formula and values, the fast closures, the simpleeval reference and the generated
    ruleset function give the same value, or all raise ScoringError (e.g. on division by zero)."""

    @THOROUGH
    @given(formulas(), formula_values())
    def test_random_formulas(self, text: str, env: dict[str, Any]) -> None:
        """Closures, simpleeval and codegen agree on random arithmetic, comparison and if formulas."""
        expression, problems = compile_expression(text, Location("generated.toml"), NAMES)
        assert expression is not None, [problem.render() for problem in problems]
        fast = outcome(expression.evaluate, env)
        assert fast == outcome(expression.evaluate_reference, env)
        ruleset = derived_ruleset(text)
        try:
            by_engine = repr(ruleset.score(env).values["e"])
        except ScoringError:
            by_engine = "ScoringError"
        assert by_engine == fast
