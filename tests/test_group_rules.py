"""Rules above the leaves (issue 14): ceilings, floors, fixed adjustments, bonus items and vetoes on a
group of indicators or on the total.

- the shipped capped-total ruleset at every boundary of its clauses (69.99%, 70%, 79.99%, 80%, …), its
  over-target deductions, and its explanations;
- each kind's arithmetic and the order they apply in (floors, ceilings, adjustments, bonus items,
  vetoes; children before parents), vetoes that win over full marks, bonus items at their ceiling;
- the compiled rules pass and the reference path agree (hypothesis), and a failing condition is located;
- mistakes refused at load, located; ``perfscore check`` on overlapping, touching and gapped clauses;
- the property kit checks what the rules promise.
"""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import perfscore
import perfscore.grouprules
from helpers import ROOT
from perfscore import RulesetError, ScoreResult, ScoringError
from perfscore.checks import lint, lint_text
from perfscore.tables.audit import audit_table
from perfscore.tables.model import BudgetBlock, Cell, Table
from perfscore.testing import check_properties, rulesets_with_data

CAPPED = ROOT / "rulesets" / "project-capped-total.toml"

FULL_MARKS: dict[str, Any] = {  # every target of the capped-total ruleset met, none by 30% or more
    "budget": 100,
    "executed": 100,
    "outputs_completed": 50,
    "beneficiaries": 1000,
    "pass_rate": 100,
    "completed_on": "2023-12-01",
    "unit_cost": 2,
    "income_generated": 20,
    "social_effect": "达成",
    "ecological_effect": "达成",
    "sustainability": "达成",
    "satisfaction_rate": 90,
}


@pytest.fixture(scope="module")
def capped() -> perfscore.Ruleset:
    """The shipped capped-total ruleset."""
    return perfscore.load(CAPPED)


def unit(**changes: Any) -> dict[str, Any]:
    """The full-marks unit with some values changed."""
    return {**FULL_MARKS, **changes}


def both(ruleset: perfscore.Ruleset, values: Mapping[str, Any]) -> ScoreResult:
    """Score through the compiled pass and the reference path; the two must agree; the pass's result."""
    fast, reference = ruleset.score(dict(values)), ruleset.score_reference(dict(values))
    assert summary(fast) == summary(reference)
    return fast


def summary(result: ScoreResult) -> dict[str, Any]:
    """What a reader sees of a result: total, grade, subtotals and each rule that applied."""
    return {
        "total": result.total,
        "grade": result.grade.name,
        "subtotals": result.subtotals,
        "scores": [item.score for item in result.items],
        "adjustments": [(a.id, a.case, a.before, a.after, a.shown) for a in result.adjustments],
    }


# --- the shipped capped-total ruleset -------------------------------------------------------------

# Worked by hand: every other indicator earns its full 90 points; the budget indicator earns
# min(rate, 1) × 10 rounded half-up to 2 places; each band includes its lower end.
BOUNDARIES = [
    # executed (of 100), budget score, sum of the leaves, capped total
    ("49.99", "5.00", "95.00", "59.00"),
    ("50", "5.00", "95.00", "69.00"),
    ("59.99", "6.00", "96.00", "69.00"),
    ("60", "6.00", "96.00", "79.00"),
    ("69.99", "7.00", "97.00", "79.00"),
    ("70", "7.00", "97.00", "89.00"),
    ("79.99", "8.00", "98.00", "89.00"),
    ("80", "8.00", "98.00", "98.00"),
]


@pytest.mark.parametrize(("executed", "budget", "earned", "expected"), BOUNDARIES, ids=[b[0] for b in BOUNDARIES])
def test_the_total_is_capped_by_the_execution_rate(
    capped: perfscore.Ruleset, executed: str, budget: str, earned: str, expected: str
) -> None:
    """At each boundary of the clauses the total is capped by the band the rate falls in (lower end included)."""
    result = both(capped, unit(executed=Decimal(executed)))
    assert result.item("budget_execution").score == Decimal(budget)
    assert sum((item.score for item in result.items), Decimal(0)) == Decimal(earned)
    assert result.total == Decimal(expected)
    capped_by = [a for a in result.adjustments if a.case == "capped"]
    if Decimal(expected) < Decimal(earned):
        (cap,) = capped_by
        assert cap.lost == Decimal(earned) - Decimal(expected)
        assert cap in result.deductions
    else:
        assert capped_by == []


def test_the_cap_is_explained_and_ranked_among_the_deductions(capped: perfscore.Ruleset) -> None:
    """A capped total says by which rate, at what cap, and how much was taken off, in both languages, and is
    the largest deduction."""
    result = both(capped, unit(executed=Decimal("74.3")))
    assert result.total == Decimal(89)
    first = result.deductions[0]
    assert first.id == "rules.0"
    assert first.lost == Decimal("8.43")  # 7.43 + 90 = 97.43, capped at 89
    assert first.explain("zh") == (
        "总分按预算执行率 74.30% 封顶 89 分，扣减 8.43 分（预算执行率 70%（含）至 80%，总分最高 89 分）"
    )
    assert first.explain("en") == (
        "The total capped at 89 points for Budget execution rate 74.30%: 8.43 points taken off "
        "(budget execution from 70% (included) to 80%: the total is at most 89)"
    )
    assert [item.id for item in result.deductions] == ["rules.0", "budget_execution"]


def test_an_indicator_far_above_its_target_costs_its_group_two_points(capped: perfscore.Ruleset) -> None:
    """130% of the target or more: 2 points off the indicator's group; 129.8% costs nothing."""
    assert both(capped, unit(outputs_completed=64)).total == Decimal(100)
    result = both(capped, unit(outputs_completed=65))
    assert result.total == Decimal(98)
    assert result.subtotals["output.quantity"] == Decimal(18)
    (penalty,) = result.adjustments
    assert (penalty.id, penalty.case, penalty.lost) == ("output.quantity.rules.0", "deducted", Decimal(2))
    assert penalty.explain("zh") == "数量指标：示例：完成数量（个） 65个，扣 2 分（「完成数量」实际完成值超出年度指标值 30% 及以上）"
    three = both(capped, unit(outputs_completed=70, beneficiaries=1300, income_generated=26))
    assert three.total == Decimal(94)
    assert (three.subtotals["output.quantity"], three.subtotals["effect.economic"]) == (Decimal(16), Decimal(3))


def test_a_penalty_inside_a_group_comes_before_the_cap_on_the_total(capped: perfscore.Ruleset) -> None:
    """The deductions act inside their groups, so a capped total may absorb them (the ruleset's stated reading)."""
    result = both(capped, unit(executed=75, outputs_completed=65))
    assert [a.case for a in result.adjustments] == ["deducted", "capped"]
    assert result.total == Decimal(89)  # 7.50 + 90 - 2 = 95.50, capped at 89


def test_the_shipped_ruleset_checks_clean_and_keeps_its_properties(capped: perfscore.Ruleset) -> None:
    """No diagnostics, and the property kit (totals add up through the rules, caps respected, monotone
    but for the deliberate penalties) passes."""
    assert lint(capped) == []
    report = check_properties(capped, examples=60, seed=1)
    assert report.ok, report.render("en")


# --- each kind, and the order they apply in ------------------------------------------------------

HEADER = """
[ruleset]
id = "rules"
title = "规则"
version = "1"
sources = ["测试"]
{rounding}

[inputs.a]
label = "甲"
min = 0
max = 100
[inputs.b]
label = "乙"
min = 0
max = 100
[inputs.flag]
type = "bool"
label = "重大违规"
default = false

[indicators.one]
name = "一"
points = 50
[indicators.one.a]
name = "甲项"
points = 50
method = "ratio"
actual = "a"
target = 100

[indicators.two]
name = "二"
points = 50
[indicators.two.b]
name = "乙项"
points = 50
method = "ratio"
actual = "b"
target = 100
"""


def rules(text: str, rounding: str = "") -> perfscore.Ruleset:
    """The two-group ruleset of HEADER with the rules ``text`` added."""
    return perfscore.loads(HEADER.format(rounding=rounding) + text)


def test_a_veto_wins_over_full_marks() -> None:
    """Full marks, then a veto: the total is 0 and the grade 差, explained."""
    ruleset = rules('[[indicators.rules]]\nkind = "veto"\nwhen = "flag"\ngrade = "差"\nreason = "发生重大违规"\n')
    assert both(ruleset, {"a": 100, "b": 100}).total == Decimal(100)
    result = both(ruleset, {"a": 100, "b": 100, "flag": True})
    assert (result.total, result.grade.name) == (Decimal(0), "差")
    (veto,) = result.deductions
    assert veto.explain("zh") == "总分一票否决：重大违规 是，100.00 分计为 0 分，等级至多为「差」（发生重大违规）"
    assert veto.explain("en") == (
        "The total vetoed for 重大违规 yes: 100.00 points set to 0, and the grade is at most Poor (发生重大违规)"
    )


def test_a_veto_on_a_group_and_a_veto_that_only_holds_the_grade() -> None:
    """A group's veto zeroes the group (the total keeps the rest); a grade-only veto keeps the points but
    holds the grade down, never up."""
    ruleset = rules(
        '[[indicators.two.rules]]\nkind = "veto"\nwhen = "flag"\n'
        '[[indicators.rules]]\nkind = "veto"\nwhen = "flag"\nzero = false\ngrade = "中"\n'
    )
    result = both(ruleset, {"a": 100, "b": 100, "flag": True})
    assert (result.subtotals["two"], result.total, result.grade.name) == (Decimal(0), Decimal(50), "差")
    held = both(rules('[[indicators.rules]]\nkind = "veto"\nwhen = "flag"\nzero = false\ngrade = "中"\n'),
                {"a": 100, "b": 100, "flag": True})  # fmt: skip
    assert (held.total, held.grade.name) == (Decimal(100), "中")
    assert [a.case for a in held.adjustments] == ["graded"]
    assert held.deductions == ()


def test_bonus_items_stop_at_their_ceiling() -> None:
    """Two bonus items of 3 with a ceiling of 105: 100 → 103 → 105; the second adds only 2; a unit below
    full marks gets the whole bonus."""
    text = "".join(f'[[indicators.rules]]\nkind = "bonus"\nwhen = "a >= {n}"\npoints = 3\nceiling = 105\n' for n in (90, 95))
    ruleset = rules(text)
    result = both(ruleset, {"a": 100, "b": 100})
    assert result.total == Decimal(105)
    assert [(a.case, a.lost) for a in result.adjustments] == [("bonus", Decimal(-3)), ("bonus", Decimal(-2))]
    assert result.deductions == ()
    assert result.adjustments[1].explain("zh") == "总分加分项：甲 100，加 2 分（加分后至多 105 分）"
    assert both(ruleset, {"a": 100, "b": 80}).total == Decimal(96)  # 90 + 3 + 3
    at_ceiling = both(rules('[[indicators.rules]]\nkind = "bonus"\nwhen = "a >= 0"\npoints = 3\nceiling = 100\n'),
                      {"a": 100, "b": 100})  # fmt: skip
    assert (at_ceiling.total, at_ceiling.adjustments) == (Decimal(100), ())


def test_the_order_floor_ceiling_adjustment_bonus_veto() -> None:
    """Whatever order they are written in, a node's rules apply as floors, ceilings, adjustments,
    bonus items, vetoes; a group's before its parent's."""
    text = (
        '[[indicators.rules]]\nkind = "bonus"\nwhen = "b >= 0"\npoints = 4\nceiling = 102\n'
        '[[indicators.rules]]\nkind = "adjust"\nwhen = "b >= 0"\npoints = -1\n'
        '[[indicators.rules]]\nkind = "ceiling"\nwhen = "b >= 0"\nat_most = 80\n'
        '[[indicators.rules]]\nkind = "floor"\nwhen = "b >= 0"\nat_least = 90\n'
        '[[indicators.one.rules]]\nkind = "floor"\nwhen = "a < 10"\nshare = 0.5\n'
    )
    result = both(rules(text), {"a": 0, "b": 0})
    # one: 0 → floor 25; total 25 → floor 90 → ceiling 80 → −1 = 79 → bonus +4 = 83
    assert [(a.id, a.before, a.after) for a in result.adjustments] == [
        ("one.rules.0", Decimal(0), Decimal(25)),
        ("rules.3", Decimal(25), Decimal(90)),
        ("rules.2", Decimal(90), Decimal(80)),
        ("rules.1", Decimal(80), Decimal(79)),
        ("rules.0", Decimal(79), Decimal(83)),
    ]
    assert (result.subtotals["one"], result.total) == (Decimal(25), Decimal(83))


def test_adjustments_stay_within_zero_and_the_points() -> None:
    """A deduction stops at 0 and an addition at the node's points."""
    text = ('[[indicators.one.rules]]\nkind = "adjust"\nwhen = "a < 5"\npoints = -10\n'
            '[[indicators.two.rules]]\nkind = "adjust"\nwhen = "b > 95"\npoints = 10\n')  # fmt: skip
    result = both(rules(text), {"a": 2, "b": 100})
    assert (result.subtotals["one"], result.subtotals["two"]) == (Decimal(0), Decimal(50))
    assert [(a.id, a.lost) for a in result.adjustments] == [("one.rules.0", Decimal(1))]


def test_a_condition_reads_scores() -> None:
    """score("id") reads a leaf's score, or a group's after its own rules."""
    text = ('[[indicators.two.rules]]\nkind = "ceiling"\nwhen = \'score("one.a") < 25\'\nat_most = 10\n'
            '[[indicators.rules]]\nkind = "veto"\nwhen = \'score("two") <= 10\'\n')  # fmt: skip
    ruleset = rules(text)
    assert both(ruleset, {"a": 100, "b": 100}).total == Decimal(100)
    result = both(ruleset, {"a": 40, "b": 100})
    assert result.total == Decimal(0)
    assert result.adjustments[0].explain("zh") == "二按「甲项」得分 20.00 封顶 10 分，扣减 40 分"
    assert result.adjustments[1].to_dict()["data"] == {'score("two")': "10"}


def test_rounding_of_the_total_only() -> None:
    """With stage = "total", nodes add exact scores and the result rounds them once."""
    ruleset = rules('[[indicators.rules]]\nkind = "ceiling"\nwhen = "a < 100"\nshare = 0.8\n',
                    '[ruleset.rounding]\nstage = "total"')  # fmt: skip
    result = both(ruleset, {"a": Decimal("33.333"), "b": 100})
    assert result.total == Decimal("66.67")  # 16.6665 + 50 = 66.6665, below the cap of 80
    assert both(ruleset, {"a": Decimal("99.999"), "b": 100}).total == Decimal(80)


def test_a_rule_reading_a_missing_input_does_not_apply() -> None:
    """Under missing = "zero", a rule whose condition needs a value the unit left out does not apply."""
    text = HEADER.format(rounding='missing = "zero"') + '[[indicators.rules]]\nkind = "ceiling"\nwhen = "b < 50"\nat_most = 10\n'
    ruleset = perfscore.loads(text)
    result = ruleset.score(MappingProxyType({"a": 100}))
    assert (result.total, result.adjustments) == (Decimal(50), ())
    assert ruleset.score_reference({"a": 100}).total == Decimal(50)


def test_a_ruleset_with_rules_pickles_and_shows_its_code() -> None:
    """Pickled and unpickled, it scores the same; generated_code() shows the rules pass and its reference."""
    ruleset = rules('[[indicators.rules]]\nkind = "ceiling"\nwhen = "a < 50"\nat_most = 60\n')
    again = pickle.loads(pickle.dumps(ruleset))
    assert summary(again.score({"a": 40, "b": 100})) == summary(ruleset.score({"a": 40, "b": 100}))
    code = ruleset.generated_code()
    assert "applied.append" in code["rules"] and "applied.append" in code["rules.reference"]


# --- the pass and the reference path agree --------------------------------------------------------

EVERY_KIND = """
[[indicators.one.rules]]
kind = "floor"
when = "a >= 20 and a < 40"
at_least = 25
[[indicators.one.rules]]
kind = "adjust"
when = "b >= 90"
points = -3.5
[[indicators.two.rules]]
kind = "bonus"
when = 'score("one.a") >= 30'
points = 2.25
ceiling = 52
[[indicators.rules]]
kind = "adjust"
when = 'score("one") < 26'
points = 1
[[indicators.rules]]
kind = "ceiling"
when = "a < 60"
at_most = 70
[[indicators.rules]]
kind = "ceiling"
when = "a / (b - 50) > 1"
share = 0.9
[[indicators.rules]]
kind = "veto"
when = "flag and b < 10"
grade = "中"
"""


@settings(max_examples=150, deadline=None)
@example(a=Decimal(10), b=Decimal(50), flag=False, stage="leaf")  # the condition divides by zero
@example(a=Decimal(30), b=Decimal(5), flag=True, stage="total")  # floor, bonus, cap and veto at once
@given(
    a=st.decimals(min_value=0, max_value=100, places=2),
    b=st.decimals(min_value=0, max_value=100, places=2),
    flag=st.booleans(),
    stage=st.sampled_from(["leaf", "total"]),
)
def test_the_pass_and_the_reference_path_agree(a: Decimal, b: Decimal, flag: bool, stage: str) -> None:
    """For any unit, the compiled rules pass (quick and checked-values paths) and the reference path give
    the same total, grade, subtotals and steps; a condition dividing by zero fails alike, located."""
    ruleset = RULESETS[stage]
    values = {"a": a, "b": b, "flag": flag}
    outcomes = []
    for score in (ruleset.score, ruleset.score_reference, lambda v: ruleset.score(MappingProxyType(v))):
        try:
            outcomes.append(summary(score(dict(values))))
        except ScoringError as error:
            outcomes.append({"error": error.problem.location.path})
    assert outcomes[0] == outcomes[1] == outcomes[2]
    if b == 50:
        assert outcomes[0] == {"error": ("indicators", "rules", 2, "when")}


RULESETS = {stage: rules(EVERY_KIND, f'[ruleset.rounding]\nstage = "{stage}"\nplaces = 2') for stage in ("leaf", "total")}


def test_a_failing_condition_is_located() -> None:
    """A condition that divides by zero stops the unit with a ScoringError at the rule's condition."""
    with pytest.raises(ScoringError) as caught:
        RULESETS["leaf"].score({"a": 10, "b": 50})
    assert caught.value.problem.code == "division-by-zero"
    assert caught.value.problem.location.path == ("indicators", "rules", 2, "when")


# --- mistakes refused at load ---------------------------------------------------------------------

LOAD_ERRORS = [
    ('[[indicators.rules]]\nkind = "cieling"\nwhen = "a < 1"\nat_most = 1\n', "unknown-rule-kind",
     ("indicators", "rules", 0, "kind"), "ceiling"),
    ('[[indicators.one.rules]]\nkind = "floor"\nwhen = "a < 1"\nat_least = 60\n', "invalid-value",
     ("indicators", "one", "rules", 0, "at_least"), None),
    ('[[indicators.rules]]\nkind = "veto"\nwhen = "flag"\ngrade = "很差"\n', "invalid-value",
     ("indicators", "rules", 0, "grade"), "差"),
    ('[[indicators.rules]]\nkind = "ceiling"\nwhen = "a < 1"\nat_most = 1\nshare = 0.5\n', "invalid-value",
     ("indicators", "rules", 0), None),
    ('[[indicators.rules]]\nkind = "ceiling"\nwhen = "a < 1"\nat_most = 1.005\n', "points-precision",
     ("indicators", "rules", 0, "at_most"), None),
    ('[[indicators.rules]]\nkind = "ceiling"\nwhen = "a"\nat_most = 1\n', "formula-kind",
     ("indicators", "rules", 0, "when"), None),
    ('[[indicators.rules]]\nkind = "ceiling"\nwhen = \'score("one.b") < 1\'\nat_most = 1\n', "unknown-name",
     ("indicators", "rules", 0, "when"), "one.a"),
    ('[[indicators.one.rules]]\nkind = "ceiling"\nwhen = \'score("two") < 1\'\nat_most = 1\n', "unknown-name",
     ("indicators", "one", "rules", 0, "when"), "two.b"),
    ('[[indicators.rules]]\nkind = "adjust"\nwhen = "a < 1"\npoints = 0\n', "invalid-value",
     ("indicators", "rules", 0), None),
    ('[[indicators.rules]]\nkind = "veto"\nwhen = "flag"\nzero = false\n', "invalid-value",
     ("indicators", "rules", 0), None),
    ('[[indicators.rules]]\nwhen = "flag"\n', "missing-key", ("indicators", "rules", 0, "kind"), None),
    ('[[indicators.rules]]\nkind = "ceiling"\nwhen = "score(1) < 2"\nat_most = 1\n', "formula-arity",
     ("indicators", "rules", 0, "when"), None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "code", "path", "suggestion"), LOAD_ERRORS, ids=[f"{e[1]}-{i}" for i, e in enumerate(LOAD_ERRORS)])
def test_a_mistake_in_a_rule_is_refused_where_it_is(
    text: str, code: str, path: tuple[str | int, ...], suggestion: str | None
) -> None:
    """Each mistake is one located problem, with the name probably meant where there is one."""
    with pytest.raises(RulesetError) as caught:
        rules(text)
    (problem,) = caught.value.problems
    assert (problem.code, problem.location.path, problem.suggestion) == (code, path, suggestion)
    assert problem.location.line is not None


def test_score_names_are_reserved() -> None:
    """An input may not be named like the scores a condition reads (score__0)."""
    with pytest.raises(RulesetError) as caught:
        perfscore.loads(HEADER.format(rounding="") + '[inputs.score__0]\nlabel = "x"\n')
    assert [p.code for p in caught.value.problems] == ["reserved-name"]


def test_an_indicator_named_rules_is_still_an_indicator() -> None:
    """A sub-table named rules is a sub-indicator (department-wide has one); an array of tables is the rules."""
    ruleset = perfscore.load(ROOT / "rulesets" / "department-wide.toml")
    assert ruleset.group_rules == {}
    assert any(node.key == "rules" for node in ruleset.indicators())


# --- perfscore check -----------------------------------------------------------------------------

def clauses(*written: tuple[str, int]) -> list[perfscore.errors.Problem]:
    """The diagnostics of the two-group ruleset with these ceilings on the total, by rate."""
    text = "".join(f'[[indicators.rules]]\nkind = "ceiling"\nwhen = "{when}"\nat_most = {most}\n' for when, most in written)
    found = lint_text(HEADER.format(rounding="") + '[derived.rate]\nformula = "a / 100"\n' + text)
    return [problem for problem in found if problem.code.startswith("rule-")]


def test_the_manuals_overlapping_clauses_are_pointed_out() -> None:
    """Transcribed literally, "below 60% → 69" and "below 50% → 59" overlap on [0, 0.5): a located
    warning with both caps and a value where both apply."""
    found = clauses(("rate >= 0.7 and rate < 0.8", 89), ("rate >= 0.6 and rate < 0.7", 79), ("rate < 0.6", 69),
                    ("rate < 0.5", 59))  # fmt: skip
    (overlap,) = found
    assert (overlap.code, overlap.severity, overlap.location.path) == ("rule-overlap", "warning",
                                                                         ("indicators", "rules", 3, "when"))  # fmt: skip
    assert overlap.message == (
        "the conditions of two ceilings overlap where rate is in [0, 0.5) (e.g. 0.25): 69 (rules[2]) and 59 "
        "(rules[3]) both apply there, and the stricter one wins; make the clauses exclusive"
    )
    assert overlap.message_zh is not None and "[0, 0.5)" in overlap.message_zh and "69" in overlap.message_zh


def test_an_ambiguous_boundary_and_a_gap_are_pointed_out() -> None:
    """0.7 in both clauses is a boundary warning; nothing for [0.8, 0.9] is a gap, with a value inside it."""
    found = clauses(("rate >= 0.7 and rate <= 0.8", 89), ("rate >= 0.6 and rate <= 0.7", 79),
                    ("rate > 0.8 and rate < 0.9", 95), ("rate >= 0.95", 99))  # fmt: skip
    codes = {problem.code: problem.message for problem in found}
    assert codes["rule-boundary"].startswith("rate = 0.7 meets the conditions of two ceilings: 89 (rules[0]) and 79")
    assert "rate is in [0.9, 0.95)" in codes["rule-gap"] and "e.g. 0.925" in codes["rule-gap"]
    assert "rule-overlap" not in codes


def test_rules_that_never_apply_or_never_bind() -> None:
    """A condition outside the inputs' ranges, one that always holds, a ceiling at the node's points."""
    found = clauses(("rate > 2", 10), ("a >= 0", 50), ("rate < 0.5", 100))
    assert sorted((p.code, p.location.path) for p in found) == [
        ("rule-always", ("indicators", "rules", 1, "when")),
        ("rule-never-binds", ("indicators", "rules", 2)),
        ("rule-unreachable", ("indicators", "rules", 0, "when")),
    ]


def test_an_input_read_only_by_a_rule_is_used() -> None:
    """An input a veto reads is not reported unused."""
    ruleset = rules('[[indicators.rules]]\nkind = "veto"\nwhen = "flag"\n')
    assert [p.code for p in lint(ruleset)] == []
    assert "unused-input" in [p.code for p in lint(perfscore.loads(HEADER.format(rounding="")))]


def test_no_module_outside_the_rule_kinds_names_one() -> None:
    """Only grouprules/ knows the kinds: no other module compares a kind's name with one of theirs."""
    names = "|".join(perfscore.grouprules.RULE_KINDS)
    pattern = re.compile(rf"""\.name\s*==\s*["']({names})["']|kind\s*==\s*["']({names})["']""")
    package = ROOT / "src" / "perfscore"
    offenders = [
        f"{path.relative_to(package)}:{number}"
        for path in package.rglob("*.py")
        if path.parent.name != "grouprules"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


# --- filled self-evaluation tables ----------------------------------------------------------------


def capped_table(executed: str, reported: str) -> Table:
    """A table at full marks but for its budget block (of 50.00, ``executed`` spent), its total as reported."""
    from test_table_score import SHEET, row

    rate = Decimal(executed) / 50 * 100
    return Table(
        "capped-2023",
        "某项目",
        2023,
        BudgetBlock(Decimal(50), Decimal(50), Decimal(executed), Decimal(10), rate, None, Cell("t.xlsx", SHEET, 4, "B")),
        (
            row(8, "产出指标", "数量指标", "培训人次", "≥500人次", "500人次", "50", "50"),
            row(9, "效益指标", "社会效益指标", "覆盖率", "≥90%", "90%", "30", "30"),
            row(10, "满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "92%", "10", "10"),
        ),
        Decimal(reported),
        None,
        "t.xlsx",
    )


def test_the_audit_recomputes_the_cap_and_reports_points_kept_above_it(capped: perfscore.Ruleset) -> None:
    """A table whose budget block gives 74.30% keeps 97.43: the audit caps the total at 89 and says the unit
    kept 8.43 points above the cap; a table that applied the cap has no such finding."""
    audit = audit_table(capped_table("37.15", "97.43"), capped)
    assert audit.recomputed_total == Decimal(89)
    (above,) = [finding for finding in audit.findings if finding.code == "above-cap"]
    assert (above.severity, above.reported, above.recomputed) == ("error", Decimal("97.43"), Decimal(89))
    assert above.message_zh.startswith("总分按预算执行率 74.30% 封顶 89 分，扣减 8.43 分")
    fair = audit_table(capped_table("37.15", "89"), capped)
    assert [finding.code for finding in fair.findings if finding.code in ("above-cap", "total-score")] == []
    uncapped = audit_table(capped_table("40", "98"), capped)  # 80%: no cap
    assert uncapped.recomputed_total == Decimal(98)
    assert [finding.code for finding in uncapped.findings if finding.code == "above-cap"] == []


# --- every output ---------------------------------------------------------------------------------


def test_reports_show_the_rules_that_applied(capped: perfscore.Ruleset) -> None:
    """Text and Markdown list the cap among the deductions and in the rules' own section, with its signed
    change; JSON carries it with the values read; explain shows each rule where it acts."""
    from perfscore.report import explain_data, explain_ruleset, render_json, render_markdown, render_text

    result = capped.score(unit(executed=Decimal("74.3"), outputs_completed=65))
    text = render_text(result)
    assert "  1. −6.43  总分按预算执行率 74.30% 封顶 89 分，扣减 6.43 分" in text  # 7.43 + 90 − 2 = 95.43
    assert "指标组和总分上的规则（按执行顺序）\n  1. −2.00  数量指标：" in text
    assert "  2. −6.43  总分按预算执行率" in text.split("指标组和总分上的规则")[1]
    markdown = render_markdown(result, "en")
    assert "## Rules on groups and the total (in the order applied)" in markdown
    assert "1. **−2.00** Quantity: Example: number of outputs completed 65个; 2 points taken off" in markdown
    document = json.loads(render_json(result))
    assert [(a["id"], a["case"], a["before"], a["after"], a["lost"]) for a in document["adjustments"]] == [
        ("output.quantity.rules.0", "deducted", "20.00", "18.00", "2.00"),
        ("rules.0", "capped", "95.43", "89.00", "6.43"),
    ]
    assert document["adjustments"][1]["data"] == {"execution_rate": "0.743"}
    assert document["deductions"][0]["id"] == "rules.0"
    words = explain_ruleset(capped, "en")
    assert "Rules on the total (after the groups' own):\n  - ceiling (when execution_rate >= 0.7 and" in words
    data = explain_data(capped)
    assert [rule["params"]["at_most"] for rule in data["rules"]] == ["89", "79", "69", "59"]
    quantity = data["indicators"][1]["children"][0]
    assert [rule["params"]["points"] for rule in quantity["rules"]] == ["-2", "-2"]


def test_frames_have_a_column_per_rule(capped: perfscore.Ruleset) -> None:
    """Each rule's points taken off a unit is a column, 0 where it did not apply."""
    batch = capped.score_many([unit(executed=Decimal("74.3")), unit(executed=50, income_generated=30)])
    rows = batch.rows()
    assert (rows[0]["rules.0:lost"], rows[0]["rules.2:lost"]) == (Decimal("8.43"), Decimal(0))
    assert (rows[1]["rules.2:lost"], rows[1]["effect.economic.rules.0:lost"]) == (Decimal("24.00"), Decimal(2))
    assert rows[1]["total"] == Decimal(69)  # 5.00 + 90 − 2 = 93.00, capped at 69


def test_diff_shows_rules_and_how_they_move_units(capped: perfscore.Ruleset, tmp_path: Any) -> None:
    """A lowered cap is a changed rule, and each unit it binds moves by the rule's new change."""
    from perfscore.diff import compare, movements, render_diff
    from perfscore.units import Unit

    text = CAPPED.read_text(encoding="utf-8").replace("at_most = 89", "at_most = 85")
    lowered = perfscore.loads(text)
    diff = compare(capped, lowered)
    assert diff.changed and [(old.id, new.limit) for old, new in diff.rules_changed] == [("rules.0", Decimal(85))]
    moves = movements(capped, lowered, [Unit("u", None, unit(executed=Decimal("74.3")))])
    (leaf,) = moves[0].leaves
    assert (leaf.id, leaf.old, leaf.new, moves[0].difference) == ("rules.0", Decimal("-8.43"), Decimal("-12.43"),
                                                                  Decimal("-4.00"))  # fmt: skip
    said = render_diff(diff, moves, "text", "zh")
    assert "指标组和总分上的规则变化\n  修改 [rules.0] 总分：封顶（当 execution_rate >= 0.7 and execution_rate < 0.8 时至多 85 分）" in said
    assert json.loads(render_diff(diff, moves, "json"))["rules"]["changed"][0]["new"]["at_most"] == "85"
    mof = perfscore.load(ROOT / "rulesets" / "project-mof-2020.toml")
    assert len(compare(mof, capped).rules_added) == 7
    assert compare(mof, capped).parameters_changed[0].parameters[0].key == "over_target"  # rules are not parameters


def test_a_ruleset_with_rules_round_trips_as_data(capped: perfscore.Ruleset) -> None:
    """to_dict() gives the rules back as arrays of tables; loads_dict() of it scores the same."""
    again = perfscore.loads_dict(capped.to_dict())
    assert [rule.id for rule in again.rules()] == [rule.id for rule in capped.rules()]
    values = unit(executed=Decimal("61.5"), beneficiaries=1400)
    assert summary(again.score(values)) == summary(capped.score(values))


# --- the property kit -----------------------------------------------------------------------------


def test_the_kit_catches_a_broken_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """A ceiling whose promise does not hold after it applied fails total-within-points, with the rule in words."""
    ruleset = rules('[[indicators.rules]]\nkind = "ceiling"\nwhen = "a < 50"\nat_most = 60\n')
    assert check_properties(ruleset, examples=30, seed=0).ok
    monkeypatch.setattr(type(perfscore.grouprules.CEILING), "respected", lambda self, rule, after: after < rule.limit)
    report = check_properties(ruleset, examples=60, seed=0)
    (failure,) = [failure for failure in report.failures if failure.property == "total-within-points"]
    assert "after its rule (when a < 50: at most 60 points)" in failure.message_en


def test_the_kit_catches_a_cap_written_the_wrong_way() -> None:
    """A cap that binds when the execution rate rises is a monotone failure; a deliberate penalty is not."""
    backwards = rules('[[indicators.rules]]\nkind = "ceiling"\nwhen = "a >= 90"\nat_most = 60\n')
    report = check_properties(backwards, examples=100, seed=0, properties=["monotone"])
    assert [failure.property for failure in report.failures] == ["monotone"]
    penalty = rules('[[indicators.one.rules]]\nkind = "adjust"\nwhen = "a >= 90"\npoints = -5\n')
    assert check_properties(penalty, examples=100, seed=0, properties=["monotone"]).ok


@st.composite
def with_rules(draw: st.DrawFn) -> tuple[perfscore.Ruleset, dict[str, Any]]:
    """A random ruleset of the kit with random rules on its total and on some of its groups, and data for it."""
    text, data = draw(rulesets_with_data(max_depth=3))
    plain = perfscore.loads(text)
    numbers = [name for name, spec in plain.inputs.items() if spec.type in ("number", "percent", "count")]
    nodes = [node for node in plain.indicators()]
    groups = [node.id for node in nodes if not node.is_leaf]
    leaves = [node.id for node in nodes if node.is_leaf]
    places = plain.meta.rounding.places
    added = []
    for _ in range(draw(st.integers(1, 6))):
        node = draw(st.sampled_from(["", *groups]))
        points = plain.total_points if not node else next(n.points for n in nodes if n.id == node)
        subject = draw(st.sampled_from([*(numbers or ["1"]), *(f'score("{leaf}")' for leaf in leaves)]))
        if subject.startswith("score(") and node:
            subject = f'score("{draw(st.sampled_from(leaves))}")'  # a leaf's score: readable from any node
        condition = f"{subject} {draw(st.sampled_from(['<', '<=', '>', '>=']))} {draw(st.integers(0, 120))}"
        amount = Decimal(draw(st.integers(1, max(1, int(points * 10**places))))).scaleb(-places)
        kind = draw(st.sampled_from(["floor", "ceiling", "adjust", "bonus", "veto"]))
        keys = {
            "floor": f"at_least = {min(amount, points)}",
            "ceiling": f"at_most = {amount}",
            "adjust": f"points = {-amount if draw(st.booleans()) else amount}",
            "bonus": f"points = {amount}\nceiling = {points + amount}",
            "veto": f'zero = {draw(st.sampled_from(["true", "false"]))}\ngrade = "{plain.meta.grades[-1].name}"',
        }[kind]
        header = "[[indicators.rules]]" if not node else f"[[indicators.{node}.rules]]"
        added.append(f"{header}\nkind = \"{kind}\"\nwhen = '{condition}'\n{keys}\n")
    return perfscore.loads(text + "\n" + "".join(added)), data


@settings(max_examples=40, deadline=None)
@given(with_rules())
def test_random_rules_on_random_rulesets_agree_on_every_path(case: tuple[perfscore.Ruleset, dict[str, Any]]) -> None:
    """Random rules on the kit's random rulesets: the compiled pass, the checked-values pass and the reference
    path give the same result, and every subtotal and the total are their children carried through the
    recorded steps."""
    from perfscore.testing.properties import _after_rules

    ruleset, data = case
    outcomes = []
    for score in (ruleset.score, ruleset.score_reference, lambda v: ruleset.score(MappingProxyType(v))):
        try:
            outcomes.append(summary(score(dict(data))))
        except ScoringError as error:
            outcomes.append({"error": error.problem.location.path})
    assert outcomes[0] == outcomes[1] == outcomes[2]
    result = ruleset.score(dict(data)) if "error" not in outcomes[0] else None
    if result is not None:
        assert _after_rules(result, None) == result.total
        for node in ruleset.indicators():
            if not node.is_leaf:
                assert _after_rules(result, node) == result.subtotals[node.id]


def test_steps_are_followed_across_the_grouping_of_unrounded_sums() -> None:
    """A ruleset rounding only its total adds 28-digit raw scores in its own grouping (9.9 + (0.1698… + 0.9)):
    the kit still follows the floor from the sum it started from (found by hypothesis: 11.0 against 11.1)."""
    from perfscore.testing.properties import _after_rules

    ruleset = perfscore.loads(
        '[ruleset]\nid = "t"\ntitle = "t"\nversion = "1"\nsources = ["t"]\ntotal = 43.3\n'
        '[ruleset.rounding]\nplaces = 1\nmode = "half-up"\nstage = "total"\n'
        '[inputs.x1]\ntype = "number"\nlabel = "x1"\n[inputs.x3]\ntype = "number"\nlabel = "x3"\n[inputs.x4]\ntype = "number"\nlabel = "x4"\n'
        '[indicators.g1]\nname = "组"\npoints = 33.8\n'
        '[indicators.g1.k1]\nname = "一"\npoints = 33.8\nmethod = "ratio"\nactual = "x1"\ntarget = 1\n'
        '[indicators.k3]\nname = "三"\npoints = 8.6\nmethod = "ratio"\nactual = "x3"\ntarget = 197\n'
        '[indicators.k4]\nname = "四"\npoints = 0.9\nmethod = "ratio"\nactual = "x4"\ntarget = 1\n'
        '[[indicators.g1.rules]]\nkind = "floor"\nwhen = "x1 < 1"\nat_least = 9.9\n'
        '[[indicators.rules]]\nkind = "floor"\nwhen = "x1 < 1"\nat_least = 11.1\n'
    )
    result = ruleset.score({"x1": 0, "x3": Decimal("3.89"), "x4": 1})
    # 9.9 + 3.89 / 197 × 8.6 + 0.9 = 10.9698…, raised by the floor to 11.1
    assert result.total == Decimal("11.1")
    assert _after_rules(result, None) == result.total

def test_a_condition_may_span_lines() -> None:
    """A long condition written over several lines is read as one, like any formula."""
    ruleset = rules('[[indicators.rules]]\nkind = "ceiling"\nwhen = """a < 50\n  and b < 50"""\nat_most = 30\n')
    assert both(ruleset, {"a": 40, "b": 40}).total == Decimal(30)
    assert both(ruleset, {"a": 40, "b": 60}).total == Decimal(50)


def test_rules_on_a_leaf_are_refused_and_a_broken_leaf_is_reported_once() -> None:
    """Rules under a leaf are one located error saying where they belong; a rule reading the score of a
    leaf that has a mistake of its own adds no second error."""
    with pytest.raises(RulesetError) as caught:
        rules('[[indicators.one.a.rules]]\nkind = "ceiling"\nwhen = "a < 1"\nat_most = 1\n')
    (problem,) = caught.value.problems
    assert (problem.code, problem.location.path) == ("invalid-value", ("indicators", "one", "a", "rules"))
    assert "not on a leaf" in problem.message
    broken = HEADER.format(rounding="").replace('target = 100\n\n[indicators.two]', 'target = "x +"\n\n[indicators.two]')
    with pytest.raises(RulesetError) as caught:
        perfscore.loads(broken + '[[indicators.rules]]\nkind = "veto"\nwhen = \'score("one.a") < 1\'\n')
    assert [p.location.path[:3] for p in caught.value.problems] == [("indicators", "one", "a")]


def test_the_json_schema_covers_the_rules() -> None:
    """Every kind's keys validate under the ruleset schema; a misspelt kind, a missing condition and a
    ceiling with a floor's key are each one complaint at the rule."""
    from test_schema import problems

    text = HEADER.format(rounding="") + EVERY_KIND
    assert problems(text) == []
    bad = text.replace('kind = "veto"', 'kind = "vetoo"').replace('when = "a < 60"\n', "")
    bad = bad.replace("share = 0.9", "at_least = 1")
    found = problems(bad)
    assert {path for path, _ in found} == {"indicators.rules.1", "indicators.rules.2", "indicators.rules.3.kind"}


def test_the_pages_quoted_explanation_is_what_its_example_gives() -> None:
    """docs/group-rules.md quotes the capped unit's explanation in both languages: the page's ruleset gives it."""
    page = (ROOT / "docs" / "group-rules.md").read_text(encoding="utf-8")
    ruleset = perfscore.loads(re.findall(r"```toml\n(.*?)```", page, re.S)[0])
    first = ruleset.score({"budget": 100, "executed": Decimal("74.3"), "done": 100}).deductions[0]
    assert f"`{first.explain('zh')}`" in page
    assert f"`{first.explain('en')}`".replace(" budget\nexecution", " budget execution") in page.replace(
        "budget\nexecution", "budget execution"
    )


def oracle(ruleset: perfscore.Ruleset, result: ScoreResult) -> tuple[Decimal, dict[str, Decimal], str]:
    """The documented semantics written out plainly, independent of the kinds' generated lines: each node
    from its children, then its rules by stage, each condition evaluated on its own. The total, every
    group's score (rounded) and the grade."""
    by_leaf = ruleset.meta.rounding.stage == "leaf"
    known = {node.id: node for node in ruleset.indicators()}
    final: dict[str, Decimal] = {}
    floor_of: dict[str, str] = {}

    def scored(key: str) -> Decimal:
        node = known[key]
        return result.items[node.first].score if node.is_leaf else final[key]

    def apply(node_id: str, points: Decimal, value: Decimal) -> Decimal:
        for rule in ruleset.group_rules.get(node_id, ()):
            if rule.needs & result.missing:
                continue
            env = {**result.values, **{name: scored(key) for name, key in rule.scores.items()}}
            if not rule.when.evaluate(env):
                continue
            kind, spec, limit = rule.kind.name, rule.spec, rule.limit
            if kind == "floor":
                value = max(value, limit)
            elif kind == "ceiling":
                value = min(value, limit)
            elif kind == "adjust":
                value = max(value + limit, Decimal(0)) if limit < 0 else min(value + limit, max(value, points))
            elif kind == "bonus":
                value = min(value + spec.points, max(value, limit))
            elif kind == "veto":
                value = Decimal(0) if spec.zero else value
                if spec.grade:
                    floor_of[rule.id] = spec.grade
        return value

    def node_value(node: perfscore.Indicator) -> Decimal:
        if node.is_leaf:
            item = result.items[node.first]
            return item.score if by_leaf else item.raw
        value = apply(node.id, node.points, sum((node_value(child) for child in node.children), Decimal(0)))
        final[node.id] = value
        return value

    total = apply("", ruleset.total_points, sum((node_value(root) for root in ruleset.roots), Decimal(0)))
    names = [grade.name for grade in ruleset.meta.grades]
    earned = names.index(ruleset.grade(ruleset.round(total)).name)
    grade = names[max([earned, *(names.index(name) for name in floor_of.values())])]
    return ruleset.round(total), {key: ruleset.round(value) for key, value in final.items()}, grade


@settings(max_examples=40, deadline=None)
@given(with_rules())
def test_random_rules_follow_the_documented_semantics(case: tuple[perfscore.Ruleset, dict[str, Any]]) -> None:
    """The total, every subtotal and the grade are what the documented order and arithmetic give, worked out
    independently of the generated code."""
    ruleset, data = case
    try:
        result = ruleset.score(dict(data))
    except ScoringError:
        return  # a condition failed for these values: the path agreement test covers it
    total, subtotals, grade = oracle(ruleset, result)
    assert (result.total, result.subtotals, result.grade.name) == (total, subtotals, grade)


def test_the_oracle_works_out_a_capped_unit_by_hand() -> None:
    """The independent oracle gives the hand-worked figures of a capped unit with a penalty (95.43 → 89; 20 → 18)."""
    capped = perfscore.load(CAPPED)
    result = capped.score(unit(executed=Decimal("74.3"), outputs_completed=65))
    assert oracle(capped, result)[0] == result.total == Decimal(89)
    assert oracle(capped, result)[1]["output.quantity"] == Decimal(18)


def test_the_command_line_scores_checks_and_explains_the_capped_ruleset(tmp_path: Any) -> None:
    """As a finance officer would run it: score a unit by the shipped id (the cap in the report and the exit
    status 0), check the ruleset clean, explain its rules, and check the manual's literal clauses (a warning)."""
    import io

    from perfscore.cli import run

    def cli(*argv: str) -> tuple[int, str]:
        out = io.StringIO()
        return run(list(argv), out, io.StringIO()), out.getvalue()

    data = tmp_path / "unit.toml"
    values = unit(executed="74.3")
    data.write_text(
        "[unit]\nid = \"u\"\n[data]\n" + "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in values.items()),
        encoding="utf-8",
    )
    data.write_text(data.read_text(encoding="utf-8").replace('"2023-12-01"', "2023-12-01"), encoding="utf-8")
    status, out = cli("score", "project-capped-total", str(data))
    assert status == 0 and "总分: 89.00 / 100    等级: 良" in out
    assert "总分按预算执行率 74.30% 封顶 89 分，扣减 8.43 分" in out
    assert cli("check", "project-capped-total")[0] == 0
    status, out = cli("explain", "project-capped-total", "--lang", "en")
    assert status == 0 and "ceiling (when execution_rate < 0.5: at most 59 points)" in out
    literal = tmp_path / "literal.toml"
    literal.write_text(
        CAPPED.read_text(encoding="utf-8").replace("execution_rate >= 0.5 and execution_rate < 0.6", "execution_rate < 0.6"),
        encoding="utf-8",
    )
    status, out = cli("check", str(literal))
    assert "警告[rule-overlap]" in out and "[0, 0.5)" in out  # the finance officer's language, by default


def test_to_frame_carries_the_rule_columns(capped: perfscore.Ruleset) -> None:
    """The DataFrame of a batch has each rule's column, exact."""
    frame = capped.score_many([unit(executed=Decimal("74.3"))]).to_frame()
    assert frame.loc[0, "rules.0:lost"] == Decimal("8.43")
    assert frame.loc[0, "total"] == Decimal(89)


def test_the_kits_random_rulesets_with_rules_keep_the_engines_properties() -> None:
    """rulesets(rules=True) puts rules of every kind on random trees; the engine's own properties hold for them
    (subtotals through the steps, caps respected, the total within what the bonus items allow, pickling)."""
    from hypothesis import HealthCheck, Phase, seed

    from perfscore.testing import rulesets

    texts: list[str] = []

    @seed(2026)
    @settings(max_examples=20, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(rulesets(max_depth=2, rules=True))
    def collect(text: str) -> None:
        texts.append(text)

    collect()
    loaded = [perfscore.loads(text) for text in texts]
    assert sum(len(list(ruleset.rules())) for ruleset in loaded) >= 10
    assert {rule.kind.name for ruleset in loaded for rule in ruleset.rules()} == set(perfscore.grouprules.RULE_KINDS)
    properties = ["own-errors", "leaf-within-points", "totals-add-up", "total-within-points", "deterministic"]
    for ruleset, text in zip(loaded, texts, strict=True):
        report = check_properties(ruleset, examples=15, seed=0, properties=properties)
        assert report.ok and report.data_error is None, text + "\n" + report.render("en")


def test_a_table_with_only_its_printed_rate_is_capped_too(capped: perfscore.Ruleset) -> None:
    """A budget block that gives only its execution rate (74.30%) still caps the recomputed total at 89."""
    from test_table_score import SHEET

    table = capped_table("37.15", "97.43")
    only_rate = BudgetBlock(None, None, None, Decimal(10), Decimal("74.30"), None, Cell("t.xlsx", SHEET, 4, "B"))
    audit = audit_table(Table(table.id, table.title, table.year, only_rate, table.rows, table.reported_total, None,
                              "t.xlsx"), capped)  # fmt: skip
    assert audit.recomputed_total == Decimal(89)
    assert "above-cap" in [finding.code for finding in audit.findings]
