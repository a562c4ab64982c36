"""perfscore.testing: valid data for any ruleset, random rulesets, and the property checks a finance
bureau runs on its own rulesets — shown catching seeded faults, each with a shrunk counterexample."""

from __future__ import annotations

import datetime
import functools
import itertools
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, Phase, find, given, seed, settings

import perfscore
from helpers import HEADER, ROOT, input_table, one_leaf_text, table
from perfscore import DataError, Location, Problem, Ruleset, ScoreResult, ScoringError
from perfscore.model import DEFAULT_SCALE
from perfscore.testing import (
    PROPERTIES,
    ConsistencyError,
    PropertyFailure,
    PropertyReport,
    assert_consistent,
    check_properties,
    data_for,
    decimals,
    rulesets,
    rulesets_with_data,
)

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DOCS = ROOT / "docs" / "consistency.md"
PATTERN = ROOT / "tests" / "test_consistency_pattern.py"

#: The properties perfscore's engine guarantees for every valid ruleset (the others judge the ruleset).
ENGINE_PROPERTIES = ["own-errors", "leaf-within-points", "totals-add-up", "total-within-points", "deterministic",
                     "key-order"]  # fmt: skip

BUDGET_INPUTS = {"budget": {"type": "number", "min": 0}, "executed": {"type": "number", "min": 0}}

# --- rulesets with a seeded fault ---------------------------------------------------------------------

#: A formula that gives twice the points at full execution (the engine cuts it to the points).
FORMULA_FAULT = one_leaf_text("formula", inputs=BUDGET_INPUTS, formula="executed / budget * points * 2")

#: Bands that award less for a better pass rate: 10 points below 90%, 6 from 90% up.
BANDS_FAULT = one_leaf_text(
    "bands",
    inputs={"pass_rate": {"type": "percent", "min": 0, "max": 100, "better": "higher"}},
    value="pass_rate",
    bands=[{"max": 90, "fraction": 1}, {"min": 90, "points": 6}],
)

#: A "≤" ratio on an input the ruleset itself says is better higher.
DIRECTION_FAULT = one_leaf_text(
    "ratio",
    inputs={"beneficiaries": {"type": "count", "better": "higher"}},
    actual="beneficiaries",
    target=1000,
    direction="<=",
)

#: Bands whose best band gives 8 of the 10 points: no unit can reach full marks.
BEST_BAND_FAULT = one_leaf_text(
    "bands",
    inputs={"carryover": {"type": "number", "min": 0}, "budget": {"type": "number", "min": 1}},
    derived={"carryover_rate": "carryover / budget"},
    value="carryover_rate",
    bands=[
        {"max": Decimal("0.01"), "max_inclusive": True, "points": 8},
        {"min": Decimal("0.01"), "min_inclusive": False, "max": Decimal("0.05"), "max_inclusive": True, "points": 5},
        {"min": Decimal("0.05"), "min_inclusive": False, "points": 0},
    ],
)

#: A local scale whose best tier tops out at 90% of the points.
TOP_TIER_FAULT = one_leaf_text("rating", inputs={"effect": {"type": "rating", "scale": "local"}}, input="effect") + table(
    "scales.local",
    {
        "tiers": [
            {"name": "好", "name_en": "good", "min": Decimal("0.8"), "max": Decimal("0.9"), "max_inclusive": True,
             "default": Decimal("0.9")},
            {"name": "差", "name_en": "poor", "min": Decimal(0), "max": Decimal("0.8"), "default": Decimal(0)},
        ]
    },
)  # fmt: skip

#: Bands that pay 9 points from 80% but only 8 from 88%, on a pass rate declared better higher: two
#: values drawn at random seldom fall either side of 88%.
DIP_BANDS_FAULT = one_leaf_text(
    "bands",
    inputs={"pass_rate": {"type": "percent", "min": 0, "max": 100, "better": "higher"}},
    value="pass_rate",
    bands=[{"max": 80, "points": 0}, {"min": 80, "max": 88, "points": 9}, {"min": 88, "max": 90, "points": 8},
           {"min": 90, "points": 10}],
)  # fmt: skip

#: A formula that takes points off as satisfaction, declared better higher, rises.
FALLING_FORMULA_FAULT = one_leaf_text(
    "formula",
    inputs={"satisfaction": {"type": "percent", "min": 0, "max": 100, "better": "higher"}},
    formula="points - satisfaction / 10",
)

#: A sound ratio indicator: executed / budget against 100%.
RATIO = one_leaf_text(
    "ratio",
    inputs={"budget": {"type": "number", "min": 1}, "executed": {"type": "number", "min": 0}},
    derived={"execution_rate": "executed / budget"},
    actual="execution_rate",
    target=1,
)


@functools.cache
def report_of(text: str) -> PropertyReport:
    """The report for a ruleset text with 100 examples and seed 0 (worked out once per test run)."""
    return check_properties(perfscore.loads(text), examples=100, seed=0)


def rate(data: Any) -> Decimal:
    return Decimal(data["executed"]) / Decimal(data["budget"])


def carryover_rate(data: Any) -> Decimal:
    return Decimal(data["carryover"]) / Decimal(data["budget"])


SEEDED_FAULTS = [
    # (fault, ruleset, property, rule, what the counterexample shows)
    ("formula above its points", FORMULA_FAULT, "formula-within-points",
     "formula: formula = executed / budget * points * 2",
     lambda failure: rate(failure.data) * 20 > 10 and failure.changed is None),
    ("bands award less for more", BANDS_FAULT, "monotone",
     "bands: value = pass_rate, bands: (-∞, 90) → 10; [90, +∞) → 6",
     lambda failure: failure.changed[0] == "pass_rate" and failure.changed[1] < 90 <= failure.changed[2]),
    ("≤ ratio on a better-higher input", DIRECTION_FAULT, "monotone",
     "ratio: actual = beneficiaries, target = 1000, direction = <=, reverse = linear",
     lambda failure: failure.changed[0] == "beneficiaries" and failure.changed[1] < failure.changed[2]
     and failure.changed[2] > 1000),
    ("best band below the points", BEST_BAND_FAULT, "full-marks",
     "bands: value = carryover_rate, bands: (-∞, 0.01] → 8; (0.01, 0.05] → 5; (0.05, +∞) → 0",
     lambda failure: carryover_rate(failure.data) <= Decimal("0.01")),
    ("top tier below the points", TOP_TIER_FAULT, "full-marks", "rating: input = effect",
     lambda failure: failure.data == {"effect": {"tier": "好", "score": 9}}),
    ("bands pay less past an edge", DIP_BANDS_FAULT, "monotone",
     "bands: value = pass_rate, bands: (-∞, 80) → 0; [80, 88) → 9; [88, 90) → 8; [90, +∞) → 10",
     lambda failure: failure.changed == ("pass_rate", Decimal("87.99"), 88)),
    ("formula falls as its input improves", FALLING_FORMULA_FAULT, "monotone",
     "formula: formula = points - satisfaction / 10",
     lambda failure: failure.changed == ("satisfaction", 0, Decimal("0.01"))),
]  # fmt: skip


class TestSeededFaultsAreCaught:
    """A ruleset with a semantic fault fails exactly the property that fault breaks, with a shrunk
    counterexample that shows it and the indicator and rule it lies in."""

    @pytest.mark.parametrize(
        ("fault", "text", "name", "rule", "shows"), SEEDED_FAULTS, ids=[c[0] for c in SEEDED_FAULTS]
    )
    def test_fault_is_caught(
        self, fault: str, text: str, name: str, rule: str, shows: Callable[[PropertyFailure], bool]
    ) -> None:
        """The fault fails its property, and only it, at the indicator, with a counterexample that shows it."""
        report = report_of(text)
        assert [failure.property for failure in report.failures] == [name]
        failure = report.failures[0]
        assert (failure.indicator, failure.indicator_name, failure.rule) == ("item", "测试指标", rule)
        assert shows(failure), failure.data
        assert not report.ok

    def test_formula_fault_report(self) -> None:
        """The formula fault as a bureau reads it: counterexample, expected and got, and the sentence."""
        report = report_of(FORMULA_FAULT)
        assert report.render("zh") == (
            "性质检查 test 1：100 个样例，seed = 0：1 项不通过\n"
            "✗ formula-within-points（公式法指标的公式结果本身就在 0 与分值之间，无需截断）\n"
            "  指标：item 测试指标\n"
            "  规则：formula: formula = executed / budget * points * 2\n"
            "  反例：budget = 0.01, executed = 0.01\n"
            "  期望：0 ≤ result ≤ 10\n"
            "  实际：20.00\n"
            "  当 budget = 0.01、executed = 0.01 时，测试指标的公式得出 20.00，超过其分值 10 分（引擎按 10 分计）\n"
            "通过：own-errors、leaf-within-points、totals-add-up、total-within-points、full-marks、monotone、"
            "deterministic、key-order\n"
            "以下指标无法构造达到目标的数据，未检查满分：\n"
            "  item 测试指标：公式法指标没有统一的“达到目标”，无法构造满分数据\n"
            "100 个样例中 10 个评分时出错（ScoringError，允许），例如：<string>: indicators.item.formula: "
            "formula failed: division by zero\n"
            "      executed / budget * points * 2\n"
            "      ^~~~~~~~~~~~~~~~~"
        )
        assert report.render("en") == (
            "Property check of test 1: 100 examples, seed = 0: 1 failed\n"
            "✗ formula-within-points (a formula indicator's formula stays between 0 and its points without being cut)\n"
            "  indicator: item 测试指标\n"
            "  rule: formula: formula = executed / budget * points * 2\n"
            "  counterexample: budget = 0.01, executed = 0.01\n"
            "  expected: 0 ≤ result ≤ 10\n"
            "  got: 20.00\n"
            "  with budget = 0.01 and executed = 0.01, the formula of 测试指标 gives 20.00 but it is worth 10 points"
            " (the engine counts 10)\n"
            "passed: own-errors, leaf-within-points, totals-add-up, total-within-points, full-marks, monotone,"
            " deterministic, key-order\n"
            "Full marks not checked for these indicators (no data at or beyond the target could be built):\n"
            "  item 测试指标: a formula indicator has no general target to meet\n"
            "10 of 100 examples could not be scored (ScoringError, allowed), e.g.: <string>: indicators.item.formula: "
            "formula failed: division by zero\n"
            "      executed / budget * points * 2\n"
            "      ^~~~~~~~~~~~~~~~~"
        )

    def test_monotone_fault_report(self) -> None:
        """A monotone failure names the input, its direction and where it came from, and both scores."""
        report = report_of(BANDS_FAULT)
        assert report.failures[0].render("zh") == (
            "✗ monotone（改善一项输入不会降低任何指标的得分或总分）\n"
            "  指标：item 测试指标\n"
            "  规则：bands: value = pass_rate, bands: (-∞, 90) → 10; [90, +∞) → 6\n"
            "  反例：pass_rate = 0\n"
            "  改变：pass_rate: 0 → 90\n"
            "  期望：≥ 10.00\n"
            "  实际：6.00\n"
            "  pass_rate 越高越好（声明），但 pass_rate 从 0 改为 90 时，测试指标从 10.00 分降为 6.00 分"
        )
        assert report.failures[0].message("en") == (
            "pass_rate is better higher (declared), yet changing it from 0 to 90 lowers 测试指标 from 10.00 to 6.00"
        )

    def test_failure_as_data(self) -> None:
        """to_dict() holds the failure as plain data: decimals as strings, both sentences."""
        failure = report_of(DIRECTION_FAULT).failures[0]
        assert failure.to_dict() == {
            "property": "monotone",
            "indicator": {"id": "item", "name": "测试指标"},
            "rule": "ratio: actual = beneficiaries, target = 1000, direction = <=, reverse = linear",
            "data": {"beneficiaries": "0"},
            "changed": {"input": "beneficiaries", "from": "0", "to": "1001"},
            "expected": "≥ 10.00",
            "got": "9.99",
            "message": {
                "zh": "beneficiaries 越高越好（声明），但 beneficiaries 从 0 改为 1001 时，测试指标从 10.00 分降为 9.99 分",
                "en": "beneficiaries is better higher (declared), yet changing it from 0 to 1001 lowers 测试指标 from 10.00 to 9.99",
            },
        }  # fmt: skip


class TestMonotoneStopsAtTheRulesEdges:
    """Between the worse and the better value drawn, monotone also scores each value where the rules
    change (the band edges and targets of the leaves reading the input bare, a step either side): a
    score that falls only between two band edges is found in a few examples, not left to chance."""

    @pytest.mark.parametrize(
        ("text", "changed", "says"),
        [
            (DIP_BANDS_FAULT, ("pass_rate", Decimal("87.99"), Decimal(88)),
             "pass_rate is better higher (declared), yet changing it from 87.99 to 88 lowers 测试指标 from 9.00 to 8.00"),
            (FALLING_FORMULA_FAULT, ("satisfaction", Decimal(0), Decimal("0.01")),
             "satisfaction is better higher (declared), yet changing it from 0 to 0.01 lowers 测试指标 from 10 to 9.999"),
        ],
        ids=["bands", "formula"],
    )  # fmt: skip
    @pytest.mark.parametrize("seed", [0, 1, 2])
    def test_found_in_twenty_examples(
        self, text: str, changed: tuple[str, Decimal, Decimal], says: str, seed: int
    ) -> None:
        """Whatever the seed, 20 examples find the fall: the property, the leaf and the two values either side of it."""
        report = check_properties(perfscore.loads(text), examples=20, seed=seed)
        assert [failure.property for failure in report.failures] == ["monotone"]
        failure = report.failures[0]
        assert (failure.indicator, failure.indicator_name, failure.changed) == ("item", "测试指标", changed)
        assert failure.message("en") == says

    def test_found_among_many_inputs(self) -> None:
        """Beside six sound ratio indicators, each reading its own input, the bands that pay less past 88% are still found."""
        sound = [input_table(f"x{i}", {"type": "number", "min": 0}) for i in range(6)]
        sound += [table(f"indicators.r{i}", {"name": f"R{i}", "points": 10, "method": "ratio", "actual": f"x{i}",
                                             "target": 50}) for i in range(6)]  # fmt: skip
        text = DIP_BANDS_FAULT.replace("total = 10", "total = 70") + "".join(sound)
        report = check_properties(perfscore.loads(text), examples=100, seed=0, properties=["monotone"])
        assert [(failure.indicator, failure.changed) for failure in report.failures] == [
            ("item", ("pass_rate", Decimal("87.99"), Decimal(88)))
        ]

    def test_dip_report(self) -> None:
        """The failure as a bureau reads it: the two values either side of the band edge, and both scores."""
        assert report_of(DIP_BANDS_FAULT).failures[0].render("zh") == (
            "✗ monotone（改善一项输入不会降低任何指标的得分或总分）\n"
            "  指标：item 测试指标\n"
            "  规则：bands: value = pass_rate, bands: (-∞, 80) → 0; [80, 88) → 9; [88, 90) → 8; [90, +∞) → 10\n"
            "  反例：pass_rate = 87.99\n"
            "  改变：pass_rate: 87.99 → 88\n"
            "  期望：≥ 9.00\n"
            "  实际：8.00\n"
            "  pass_rate 越高越好（声明），但 pass_rate 从 87.99 改为 88 时，测试指标从 9.00 分降为 8.00 分"
        )


# --- faults in scoring itself (the engine's own guarantees) ------------------------------------------------


def rescored(result: ScoreResult, raw: list[Decimal], scores: list[Decimal], total: Decimal) -> ScoreResult:
    facts = [item.recorded for item in result.items]
    return ScoreResult(
        result.ruleset, result.unit, result.values, result.missing, raw, scores, facts, total, result.grade
    )


def over_points(result: ScoreResult, calls: int, values: Any) -> ScoreResult:
    """Every leaf one point above what it earned (and the total to match)."""
    raw = [item.raw + 1 for item in result.items]
    scores = [item.score + 1 for item in result.items]
    return rescored(result, raw, scores, sum(scores, Decimal(0)))


def total_off_by_a_cent(result: ScoreResult, calls: int, values: Any) -> ScoreResult:
    return rescored(
        result, [i.raw for i in result.items], [i.score for i in result.items], result.total + Decimal("0.01")
    )


def total_beyond_points(result: ScoreResult, calls: int, values: Any) -> ScoreResult:
    total = result.total + result.ruleset.total_points + 1
    return rescored(result, [i.raw for i in result.items], [i.score for i in result.items], total)


def every_other_call_differs(result: ScoreResult, calls: int, values: Any) -> ScoreResult:
    total = result.total + Decimal("0.01") * (calls % 2)
    return rescored(result, [i.raw for i in result.items], [i.score for i in result.items], total)


def depends_on_key_order(result: ScoreResult, calls: int, values: Any) -> ScoreResult:
    first = next(iter(values))
    total = result.total + (Decimal("0.01") if first != "budget" else Decimal(0))
    return rescored(result, [i.raw for i in result.items], [i.score for i in result.items], total)


def key_error(result: ScoreResult, calls: int, values: Any) -> ScoreResult:
    raise KeyError("budget")


ENGINE_FAULTS = [
    ("leaf-within-points", over_points, "但其分值只有 10 分"),
    ("totals-add-up", total_off_by_a_cent, "总分为"),
    ("total-within-points", total_beyond_points, "超出 0–10 分的范围"),
    ("deterministic", every_other_call_differs, "评分两次，结果不同：total: "),
    ("key-order", depends_on_key_order, "给出，结果不同：total: "),
    ("own-errors", key_error, "评分抛出 KeyError: 'budget'，而非 DataError 或 ScoringError"),
]


class TestEngineFaultsAreCaught:
    """Each property the engine guarantees is really checked: a scoring function broken on purpose
    (patched over a sound ruleset's score) fails it."""

    @pytest.mark.parametrize(("name", "fault", "says"), ENGINE_FAULTS, ids=[case[0] for case in ENGINE_FAULTS])
    def test_fault_is_caught(
        self,
        monkeypatch: pytest.MonkeyPatch,
        name: str,
        fault: Callable[[ScoreResult, int, Any], ScoreResult],
        says: str,
    ) -> None:
        """The broken scoring fails the property, with a sentence saying what was seen."""
        ruleset = perfscore.loads(RATIO)
        score = perfscore.Ruleset.score
        calls = itertools.count()

        def broken(self: perfscore.Ruleset, values: Any, *, unit: str | None = None) -> ScoreResult:
            return fault(score(self, values, unit=unit), next(calls), values)

        monkeypatch.setattr(perfscore.Ruleset, "score", broken)  # a Ruleset itself cannot be changed
        report = check_properties(ruleset, examples=20, seed=0, properties=[name])
        assert [failure.property for failure in report.failures] == [name]
        assert says in report.failures[0].message_zh

    def test_sound_scoring_passes(self) -> None:
        """The same ruleset, unpatched, passes every property."""
        report = check_properties(perfscore.loads(RATIO), examples=50, seed=0)
        assert report.ok, report.render("en")
        assert report.undetermined == ()


# --- what the kit could not check, and which way inputs improve ---------------------------------------


class TestWhatIsReported:
    """Besides failures, a report says which leaves full marks could not be checked for (and why),
    which way each input improves (declared or inferred) and where ratio indicators disagree."""

    def test_a_target_beyond_the_declared_range_is_reported(self) -> None:
        """A ratio target of 120 on a pass rate declared at most 100 cannot be reached: said, not failed."""
        text = one_leaf_text(
            "ratio", inputs={"pass_rate": {"type": "percent", "min": 0, "max": 100}}, actual="pass_rate", target=120
        )
        report = check_properties(perfscore.loads(text), examples=10, seed=0, properties=["full-marks"])
        assert report.ok
        assert [(item.indicator, item.reason_zh, item.reason_en) for item in report.undetermined] == [
            ("item", "pass_rate 需要 ≥ 120，但其声明的范围是 [0, 100]", "pass_rate would need to be ≥ 120 but is declared [0, 100]")
        ]  # fmt: skip

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            ("max(x, 0) > 1", "the condition max(x, 0) > 1 is not of a form the kit can make true"),
            ("x * x >= 4", "the condition x * x >= 4 is not of a form the kit can make true"),
        ],
    )
    def test_conditions_it_cannot_solve_are_named(self, value: str, reason: str) -> None:
        """A condition that is not linear in an input is listed with the reason, in both languages."""
        ruleset = perfscore.loads(one_leaf_text("boolean", inputs={"x": "number"}, value=value))
        report = check_properties(ruleset, examples=10, properties=["full-marks"])
        assert [(item.indicator, item.reason_en) for item in report.undetermined] == [("item", reason)]
        assert report.undetermined[0].reason_zh == f"条件 {value} 的形式无法自动构造为真"

    @pytest.mark.parametrize(
        "value",
        [
            "done",
            "not late",
            "done and not late",
            "late or done",
            "0 <= x < 100",
            "x + 3 >= 10 and 2 * x <= 50",
            "x / 4 == 2.5",
            's == "完成"',
            's != "完成"',
            "finished <= deadline",
            "deadline >= finished and done",
            'finished <= date("2023-06-30")',
            "not (x > 5)",
        ],
    )
    def test_conditions_it_can_make_true(self, value: str) -> None:
        """Conditions over bools, linear comparisons, texts and dates are made true: full marks are checked."""
        inputs = {"done": "bool", "late": "bool", "x": "number", "s": "text", "finished": "date",
                  "deadline": {"type": "date", "default": datetime.date(2023, 12, 31)}}  # fmt: skip
        ruleset = perfscore.loads(one_leaf_text("boolean", inputs=inputs, value=value))
        report = check_properties(ruleset, examples=15, properties=["full-marks"])
        assert report.ok, report.render("en")
        assert report.undetermined == ()

    def test_directions_declared_inferred_and_disputed(self) -> None:
        """`better` is taken as declared; a ratio read bare gives its way; two ratios that disagree give none."""
        text = HEADER.format(total=30) + "".join(
            [
                input_table("cost", {"type": "number", "min": 0, "better": "lower"}),
                input_table("cases", {"type": "count"}),
                input_table("x", {"type": "number", "min": 0}),
                table("indicators.a", {"name": "A", "points": 10, "method": "ratio", "actual": "cases", "target": 5}),
                table("indicators.b", {"name": "B", "points": 10, "method": "ratio", "actual": "x", "target": 5}),
                table("indicators.c", {"name": "C", "points": 5, "method": "ratio", "actual": "x", "target": 5,
                                       "direction": "<="}),
                table("indicators.d", {"name": "D", "points": 5, "method": "ratio", "actual": "cost", "target": 2,
                                       "direction": "<="}),
            ]
        )  # fmt: skip
        report = check_properties(perfscore.loads(text), examples=30, seed=0)
        assert report.ok, report.render("en")
        assert report.directions == {"cost": ("lower", "declared"), "cases": ("higher", "inferred")}
        assert report.conflicts == ("x",)
        assert report.render("en").splitlines()[-2:] == [
            "monotone checked for: cost better lower (declared), cases better higher (inferred from ratio indicators)",
            "Ratio indicators disagree on which way is better for x: monotone not checked (declare `better`)",
        ]

    def test_an_over_target_deduction_is_not_a_monotone_failure(self) -> None:
        """Points deducted for a target far exceeded are the ruleset's own rule, not a fault."""
        text = one_leaf_text(
            "ratio",
            inputs={"cases": {"type": "count", "better": "higher"}},
            actual="cases",
            target=100,
            over_target={"above": Decimal("1.3"), "action": "deduct", "deduct": 2},
        )
        report = check_properties(perfscore.loads(text), examples=100, seed=0)
        assert report.ok, report.render("en")
        assert report.undetermined == ()

    def test_refused_valid_data_is_reported(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Valid data refused with a DataError would leave the properties unchecked: the report says so."""
        ruleset = perfscore.loads(RATIO)

        def refuse(self: perfscore.Ruleset, values: Any, *, unit: str | None = None) -> ScoreResult:
            raise DataError([Problem(Location(), "refused")])

        monkeypatch.setattr(perfscore.Ruleset, "score", refuse)  # a Ruleset itself cannot be changed
        report = check_properties(ruleset, examples=5, seed=0, properties=["leaf-within-points"])
        assert report.data_error == "<string>: 1 problem in the data\n  <string>: refused"
        assert report.render("en").splitlines()[-2:] == [
            "Valid data was refused (a bug in perfscore or its testing kit: please report it): "
            "<string>: 1 problem in the data",
            "    <string>: refused",
        ]

    def test_report_as_data(self) -> None:
        """to_dict() of a passing report: the ruleset, examples, seed, properties and what was inferred."""
        report = check_properties(perfscore.loads(DIRECTION_FAULT.replace('better = "higher"', "")), 30, seed=3)
        assert report.to_dict() == {
            "ok": True,
            "ruleset": {"id": "test", "version": "1"},
            "examples": 30,
            "seed": 3,
            "properties": list(PROPERTIES),
            "failures": [],
            "undetermined": [],
            "directions": {"beneficiaries": {"better": "lower", "from": "inferred"}},
            "conflicts": [],
            "scoring_error": None,
            "unscored": 0,
            "data_error": None,
        }

    def test_same_seed_same_report(self) -> None:
        """A report depends only on the ruleset, the number of examples and the seed."""
        first = check_properties(perfscore.loads(BEST_BAND_FAULT), examples=30, seed=7).to_dict()
        assert check_properties(perfscore.loads(BEST_BAND_FAULT), examples=30, seed=7).to_dict() == first

    @pytest.mark.parametrize(
        ("call", "message"),
        [
            (lambda r: check_properties(r, properties=["monotonic"]),
             "unknown property 'monotonic' (did you mean 'monotone'?)"),
            (lambda r: check_properties(r, examples=0), "examples must be at least 1, not 0"),
            (lambda r: check_properties(r, 5).render("fr"), "lang must be zh or en, not 'fr'"),
        ],
    )  # fmt: skip
    def test_mistaken_arguments_are_refused(self, call: Callable[[Ruleset], Any], message: str) -> None:
        """An unknown property, no examples or an unknown language is a ValueError saying so."""
        with pytest.raises(ValueError, match=re.escape(message)):
            call(perfscore.loads(RATIO))


class TestAssertConsistent:
    """assert_consistent returns the report when every property holds and raises ConsistencyError
    (an AssertionError, so pytest shows it as a failed assertion) whose message is the report."""

    def test_passes_with_the_report(self) -> None:
        """A sound ruleset gives back its report."""
        assert assert_consistent(perfscore.loads(RATIO), examples=20).ok

    @pytest.mark.parametrize("lang", ["zh", "en"])
    def test_fails_with_the_rendered_report(self, lang: str) -> None:
        """The error message is the report in the language asked for."""
        with pytest.raises(ConsistencyError) as caught:
            assert_consistent(perfscore.loads(FORMULA_FAULT), examples=20, lang=lang)
        assert isinstance(caught.value, AssertionError)
        assert str(caught.value) == caught.value.report.render(lang)
        assert caught.value.report.failures[0].property == "formula-within-points"

    def test_takes_a_path(self, tmp_path: Path) -> None:
        """A ruleset file's path is loaded and checked."""
        path = tmp_path / "r.toml"
        path.write_text(BANDS_FAULT, encoding="utf-8")
        with pytest.raises(ConsistencyError, match="✗ monotone"):
            assert_consistent(path, examples=30)


# --- the shipped rulesets ------------------------------------------------------------------------------------


def test_example_ruleset_is_consistent() -> None:
    """The worked example ruleset passes every property with 200 examples, full marks checked for every leaf."""
    report = check_properties(ROOT / "examples/project-community-legal-service/ruleset.toml", examples=200, seed=0)
    assert report.ok, report.render("en")
    assert report.undetermined == ()
    assert (report.examples, report.data_error) == (200, None)


def test_docs_show_the_report_the_kit_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/consistency.md: the report shown for execution-formula.toml is the one check_properties renders."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## The testing kit (perfscore.testing)") :]
    blocks = re.findall(r"^```(toml|text)\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    ruleset = next(body for kind, body in blocks if kind == "toml" and 'id = "execution-formula"' in body)
    shown = next(body for kind, body in blocks if kind == "text" and body.startswith("性质检查 execution-formula"))
    (tmp_path / "execution-formula.toml").write_text(ruleset, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert check_properties("execution-formula.toml", examples=200, seed=0).render("zh") + "\n" == shown


def test_docs_show_the_pattern_file() -> None:
    """docs/consistency.md shows tests/test_consistency_pattern.py exactly, so the pattern is one that runs."""
    blocks = re.findall(r"^```python\n(.*?)^```$", DOCS.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
    assert PATTERN.read_text(encoding="utf-8") in blocks


# --- exact numbers and valid data ------------------------------------------------------------------------


class TestDecimals:
    """decimals() gives exact Decimals inside the bounds with at most the places asked for, never floats."""

    @FAST
    @given(decimals("0.05", "0.10", places=3))
    def test_within_bounds_and_places(self, value: Decimal) -> None:
        """Each value is a Decimal in [0.05, 0.10] with at most three decimal places."""
        assert type(value) is Decimal
        assert Decimal("0.05") <= value <= Decimal("0.10")
        assert value == value.quantize(Decimal("0.001"))

    def test_an_empty_range_is_refused(self) -> None:
        """No two-place number lies in [0.001, 0.004]: said at once, not found out while drawing."""
        with pytest.raises(
            ValueError, match=re.escape("no number with at most 2 decimal places lies in [0.001, 0.004]")
        ):
            decimals("0.001", "0.004", places=2)


#: Every name a tier of the default scale goes by → the tier's name.
TIER_OF = {text: tier.name for tier in DEFAULT_SCALE.tiers for text in (tier.name, tier.name_en, *tier.aliases)}

#: A ruleset with an input of every type, each read by an indicator.
EVERY_TYPE = HEADER.format(total=60) + "".join(
    [
        input_table("amount", "number"),
        input_table("least", {"type": "number", "min": 5, "max": 10}),
        input_table("debt", {"type": "number", "max": -3}),
        input_table("staff", "count"),
        input_table("rate", {"type": "percent", "min": 0, "max": 100}),
        input_table("published", "bool"),
        input_table("quality", "rating"),
        input_table("finished", "date"),
        input_table("status", "text"),
        table("indicators.a", {"name": "A", "points": 10, "method": "ratio", "actual": "amount", "target": 100}),
        table("indicators.b", {"name": "B", "points": 10, "method": "formula", "formula": "least + debt + staff"}),
        table("indicators.c", {"name": "C", "points": 10, "method": "ratio", "actual": "rate", "target": 95}),
        table("indicators.d", {"name": "D", "points": 10, "method": "boolean",
                               "value": 'published and status == "完成" and finished <= date("2023-12-31")'}),
        table("indicators.e", {"name": "E", "points": 20, "method": "rating", "input": "quality"}),
    ]
)  # fmt: skip


class TestDataFor:
    """data_for(ruleset) draws data every declared input accepts: exact numbers within min/max (counts
    whole), ratings inside their tiers for every leaf, bounds naming other inputs kept; it shrinks to
    the simplest values."""

    def test_shrinks_to_the_simplest_unit(self) -> None:
        """0 (or the bound nearest it), false, the first tier, the first text and date the formulas mention."""
        simplest = find(data_for(perfscore.loads(EVERY_TYPE)), lambda values: True)
        assert simplest == {
            "amount": 0, "least": 5, "debt": -3, "staff": 0, "rate": 0, "published": False, "quality": "达成",
            "finished": datetime.date(2023, 12, 31), "status": "完成",
        }  # fmt: skip

    @FAST
    @given(data_for(perfscore.loads(EVERY_TYPE)))
    def test_values_are_exact_and_valid(self, values: dict[str, Any]) -> None:
        """No float anywhere, every value inside its declaration, and the data scores without a DataError."""
        numbers = [values[name] for name in ("amount", "least", "debt", "staff", "rate")]
        assert all(type(number) in (Decimal, int) for number in numbers)
        assert 5 <= values["least"] <= 10 and values["debt"] <= -3 and 0 <= values["rate"] <= 100
        assert values["staff"] >= 0 and values["staff"] == int(values["staff"])
        if isinstance(values["quality"], dict):
            assert type(values["quality"]["score"]) is Decimal
        perfscore.loads(EVERY_TYPE).score(values)

    #: A rating read by leaves worth 10 and 8: a score must fit the tier for both.
    TWO_READERS = HEADER.format(total=18) + "".join(
        [
            input_table("quality", "rating"),
            table("indicators.a", {"name": "A", "points": 10, "method": "rating", "input": "quality"}),
            table("indicators.b", {"name": "B", "points": 8, "method": "rating", "input": "quality"}),
        ]
    )
    #: Tier → the scores that fit it for both leaves, worked out by hand: 达成 [8, 10] ∩ [6.4, 8];
    #: 部分达成 [6, 8) ∩ [4.8, 6.4); 未达成 [0, 6) ∩ [0, 4.8).
    FITS: ClassVar[dict[str, tuple[Decimal, Decimal]]] = {
        "达成": (Decimal(8), Decimal(8)), "部分达成": (Decimal(6), Decimal("6.39")), "未达成": (Decimal(0), Decimal("4.79")),
    }  # fmt: skip

    @FAST
    @given(data_for(perfscore.loads(TWO_READERS)))
    def test_rating_scores_fit_every_leaf(self, values: dict[str, Any]) -> None:
        """A rating's score lies inside its tier for every indicator that reads it."""
        quality = values["quality"]
        if isinstance(quality, dict):
            low, high = self.FITS[TIER_OF[quality["tier"]]]
            assert low <= quality["score"] <= high
        perfscore.loads(self.TWO_READERS).score(values)

    @FAST
    @given(data_for(perfscore.loads(one_leaf_text("ratio", inputs={"budget": {"type": "number", "min": 0},
                    "executed": {"type": "number", "min": 0, "max": "budget"}}, derived={"r": "executed / budget"},
                    actual="r", target=1))))  # fmt: skip
    def test_bounds_naming_other_inputs_hold(self, values: dict[str, Any]) -> None:
        """executed (max = "budget") is never drawn above the budget."""
        assert values["executed"] <= values["budget"]

    def test_optional_inputs_may_be_left_out(self) -> None:
        """When missing data scores 0, any input may be absent; the simplest unit has none."""
        text = one_leaf_text("ratio", inputs={"x": "number"}, actual="x", target=5, ruleset={"missing": "zero"})
        assert find(data_for(perfscore.loads(text)), lambda values: True) == {}

    @FAST
    @given(rulesets_with_data())
    def test_random_rulesets_accept_their_data(self, case: tuple[str, dict[str, Any]]) -> None:
        """Data drawn for a random ruleset passes its validation (scoring may still meet a ScoringError)."""
        text, values = case
        try:
            perfscore.loads(text).score(values)
        except ScoringError:
            pass
        except DataError as error:  # pragma: no cover - the failure message is the point
            pytest.fail(str(error))


class TestRandomRulesets:
    """rulesets() draws valid ruleset texts; the properties perfscore's engine guarantees hold for them."""

    @FAST
    @given(rulesets())
    def test_they_load_and_add_up(self, text: str) -> None:
        """Each loads, and its first-level points add up to its total."""
        ruleset = perfscore.loads(text)
        assert sum((root.points for root in ruleset.roots), Decimal(0)) == ruleset.total_points

    def test_engine_properties_hold(self) -> None:
        """On eight random rulesets, checking the engine's own properties finds nothing."""
        texts: list[str] = []

        @seed(2024)
        @settings(max_examples=8, database=None, phases=[Phase.generate], deadline=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(rulesets(max_depth=2))
        def collect(text: str) -> None:
            texts.append(text)

        collect()
        assert len(texts) == 8
        for text in texts:
            report = check_properties(perfscore.loads(text), examples=15, seed=0, properties=ENGINE_PROPERTIES)
            assert report.ok and report.data_error is None, text + "\n" + report.render("en")
