"""Results: what a caller reads back — items, subtotals, deductions, grades, plain data — and that it is exact."""

from __future__ import annotations

import json
import pickle
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import perfscore
from helpers import HEADER, ROOT, d, input_table, one_leaf

# g (20) = a (ratio, 10) + b (deduction, 10); c (formula, 10). With x = 96.8 and n = 2, by hand:
# a = 96.8 / 100 × 10 = 9.68; b = 10 − 2 × 1 = 8; c = 96.8 / 100 × 10 = 9.68; g = 17.68; total = 27.36.
SMALL = (
    HEADER.format(total=30)
    + input_table("x", "number")
    + input_table("n", "count")
    + """
[indicators.g]
name = "组"
name_en = "Group"
points = 20

[indicators.g.a]
name = "甲"
name_en = "A"
points = 10
method = "ratio"
actual = "x"
target = 100

[indicators.g.b]
name = "乙"
name_en = "B"
points = 10
method = "deduction"
count = "n"
each = 1

[indicators.c]
name = "丙"
name_en = "C"
points = 10
method = "formula"
formula = "x / 100 * points"
"""
)
SMALL_DATA = {"x": d("96.8"), "n": 2}

A_ZH = "甲：实际 96.8，目标 ≥ 100，完成率 96.80%，按完成比例计分；得 9.68 分（满分 10 分），扣 0.32 分。"
A_EN = "A: actual 96.8 against a target of ≥ 100: 96.80% achieved, scored in proportion; 9.68 of 10 points, 0.32 lost."
B_ZH = "乙：计 2 项（次），每项扣 1 分，扣完为止；得 8.00 分（满分 10 分），扣 2.00 分。"
B_EN = "B: 2 × 1 points deducted, floored at 0; 8.00 of 10 points, 2.00 lost."
C_ZH = "丙：按公式 x / 100 * points 计得 9.68；得 9.68 分（满分 10 分），扣 0.32 分。"
C_EN = "C: the formula x / 100 * points gives 9.68; 9.68 of 10 points, 0.32 lost."


@pytest.fixture(scope="module")
def small() -> perfscore.ScoreResult:
    return perfscore.loads(SMALL).score(SMALL_DATA, unit="u1")


def test_total_grade_and_items(small: perfscore.ScoreResult) -> None:
    """Total 9.68 + 8 + 9.68 = 27.36; items come in ruleset order with their scores and losses."""
    assert small.total == d("27.36")
    assert small.lost == d("2.64")
    assert [(item.id, item.score, item.lost, item.method) for item in small.items] == [
        ("g.a", d("9.68"), d("0.32"), "ratio"),
        ("g.b", d("8.00"), d("2.00"), "deduction"),
        ("c", d("9.68"), d("0.32"), "formula"),
    ]


def test_subtotals_are_groups_only(small: perfscore.ScoreResult) -> None:
    """Only groups have subtotals: g = 9.68 + 8.00 = 17.68 (c is a leaf at the top level)."""
    assert small.subtotals == {"g": d("17.68")}
    assert [(node.id, node.score, node.lost) for node in small.tree] == [("g", d("17.68"), d("2.32")), ("c", d("9.68"), d("0.32"))]


def test_item_by_id(small: perfscore.ScoreResult) -> None:
    """item() finds a leaf by its dotted id; a group id or an unknown id is a KeyError."""
    assert small.item("g.b").name == "乙"
    assert small.item("g.b").data == {"n": Decimal(2)}
    with pytest.raises(KeyError):
        small.item("g")
    with pytest.raises(KeyError):
        small.item("g.z")


def test_deductions_largest_first_ties_in_ruleset_order(small: perfscore.ScoreResult) -> None:
    """b lost 2.00; a and c tie at 0.32 and keep the ruleset's order (a before c)."""
    assert [(item.id, item.lost) for item in small.deductions] == [("g.b", d("2.00")), ("g.a", d("0.32")), ("c", d("0.32"))]


def test_deduction_ties_are_not_sorted_by_name() -> None:
    """Leaves zeta, alpha, mid lose 1, 1 and 3: mid first, then zeta before alpha as the ruleset lists them."""
    text = HEADER.format(total=40) + input_table("x", "number")
    for key, lost in (("zeta", 1), ("alpha", 1), ("full", 0), ("mid", 3)):
        text += f'[indicators.{key}]\nname = "{key}"\npoints = 10\nmethod = "formula"\nformula = "points - {lost}"\n'
    result = perfscore.loads(text).score({"x": 0})
    assert [(item.id, item.lost) for item in result.deductions] == [("mid", d("3.00")), ("zeta", d("1.00")), ("alpha", d("1.00"))]


def test_to_dict_is_plain_data_in_both_languages(small: perfscore.ScoreResult) -> None:
    """Every decimal is a string, every explanation is given in zh and en, and the whole is JSON as it stands."""
    assert small.to_dict() == {
        "ruleset": {"id": "test", "version": "1", "title": "测试规则"},
        "unit": "u1",
        "total": "27.36",
        "points": "30",
        "grade": {"name": "优", "name_en": "Excellent"},  # 27.36 of 30 is 91.2%: default grades scale with the total
        "indicators": [
            {
                "id": "g", "name": "组", "name_en": "Group", "points": "20", "score": "17.68", "lost": "2.32",
                "children": [
                    {
                        "id": "g.a", "name": "甲", "name_en": "A", "method": "ratio", "points": "10", "score": "9.68",
                        "raw": "9.680", "lost": "0.32", "data": {"x": "96.8"}, "missing": [],
                        "facts": {"actual": "96.8", "target": "100", "direction": ">=", "rate": "0.968", "case": "below"},
                        "explanation": {"zh": A_ZH, "en": A_EN},
                    },
                    {
                        "id": "g.b", "name": "乙", "name_en": "B", "method": "deduction", "points": "10", "score": "8.00",
                        "raw": "8", "lost": "2.00", "data": {"n": "2"}, "missing": [],
                        "facts": {"count": "2", "each": "1", "deducted": "2", "case": "deduction"},
                        "explanation": {"zh": B_ZH, "en": B_EN},
                    },
                ],
            },
            {
                "id": "c", "name": "丙", "name_en": "C", "method": "formula", "points": "10", "score": "9.68",
                "raw": "9.680", "lost": "0.32", "data": {"x": "96.8"}, "missing": [],
                "facts": {"result": "9.680", "formula": "x / 100 * points", "case": "formula"},
                "explanation": {"zh": C_ZH, "en": C_EN},
            },
        ],
        "deductions": [
            {"id": "g.b", "name": "乙", "lost": "2.00", "explanation": {"zh": B_ZH, "en": B_EN}},
            {"id": "g.a", "name": "甲", "lost": "0.32", "explanation": {"zh": A_ZH, "en": A_EN}},
            {"id": "c", "name": "丙", "lost": "0.32", "explanation": {"zh": C_ZH, "en": C_EN}},
        ],
        "notes": [],
        "adjustments": [],  # no rules on groups or the total (issue 14)
        "fallbacks": [],
        "inputs": {"x": "96.8", "n": "2"},
    }  # fmt: skip
    assert json.loads(json.dumps(small.to_dict(), ensure_ascii=False)) == small.to_dict()


def test_explain_refuses_an_unknown_language(small: perfscore.ScoreResult) -> None:
    """Only zh and en are offered."""
    with pytest.raises(ValueError, match="lang must be one of zh, en, not 'fr'"):
        small.item("c").explain("fr")


@pytest.mark.parametrize(
    ("x", "grade"),
    [
        ("100", "优"),
        ("90", "优"),
        ("89.995", "优"),  # rounds half-up to 90.00 first
        ("89.99", "良"),
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_grade_boundaries(x: str, grade: str) -> None:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below (财预〔2020〕10号), judged on the rounded total."""
    result = one_leaf("formula", inputs={"x": "number"}, formula="x", points=100).score({"x": d(x)})
    assert result.grade.name == grade


# --- the shipped example -----------------------------------------------------------------------

LIWAN_TOML = ROOT / "examples" / "liwan-2023.toml"


@pytest.fixture(scope="module")
def department() -> perfscore.Ruleset:
    return perfscore.load(ROOT / "rulesets" / "department-wide.toml")


def test_pickled_ruleset_scores_the_same(department: perfscore.Ruleset) -> None:
    """A ruleset travels by pickle (to worker processes) and its copy scores exactly as the original."""
    copy = pickle.loads(pickle.dumps(department))
    values = perfscore.read_units(LIWAN_TOML)[0].values
    assert copy is not department
    assert copy.score(values).to_dict() == department.score(values).to_dict()
    assert copy.score(values).total == d("99.75")


LIWAN_VALUES: dict[str, Any] = {
    "budget": d("2468.78"), "executed": d("2456.19"), "carryover": d("12.35"),
    "goals_planned": 8, "goals_completed": 8, "tasks_planned": 8, "tasks_completed": 8,
    "quality_rate": 100, "on_time_rate": 100,
    "social_effect": "达成", "sustainability": "达成", "satisfaction": "达成",
    "system_findings": 1, "compliance_findings": 0, "disclosed": True,
}  # fmt: skip


LIWAN_JSON = """{
  "unit": {"id": "liwan-zfw-2023", "name": "中共广州市荔湾区委政法委（2023）"},
  "data": {
    "budget": 2468.78, "executed": 2456.19, "carryover": 12.35,
    "goals_planned": 8, "goals_completed": 8, "tasks_planned": 8, "tasks_completed": 8,
    "quality_rate": 100, "on_time_rate": 100,
    "social_effect": "达成", "sustainability": "达成", "satisfaction": "达成",
    "system_findings": 1, "compliance_findings": 0, "disclosed": true
  }
}"""


def test_dict_toml_and_json_data_give_identical_results(department: perfscore.Ruleset, tmp_path: Path) -> None:
    """The same figures from a dict, the shipped TOML file and a JSON file give the same result, item for item."""
    json_path = tmp_path / "liwan.json"
    json_path.write_text(LIWAN_JSON, encoding="utf-8")
    from_dict = department.score(LIWAN_VALUES).to_dict()
    from_toml = department.score(perfscore.read_units(LIWAN_TOML)[0].values).to_dict()
    from_json = department.score(perfscore.read_units(json_path)[0].values).to_dict()
    assert from_dict == from_toml == from_json
    assert from_dict["total"] == "99.75"


def test_json_numbers_stay_exact(tmp_path: Path) -> None:
    """2468.78 in a JSON file is read as Decimal('2468.78'), never as a float."""
    path = tmp_path / "unit.json"
    path.write_text('{"budget": 2468.78, "executed": 2456.19}')
    (unit,) = perfscore.read_units(path)
    assert unit.values == {"budget": Decimal("2468.78"), "executed": Decimal("2456.19")}
    assert all(type(value) is Decimal for value in unit.values.values())


@pytest.mark.parametrize("budget", [Decimal("2468.78"), "2468.78", 2468.78], ids=["Decimal", "text", "float"])
def test_2468_78_stays_exact(department: perfscore.Ruleset, budget: Any) -> None:
    """2468.78 however given is kept as exactly 2468.78, and the execution rate is exact to 28 digits.

    Check by hand: rate × 2468.78 must give back 2456.19 to within the last digit (28 significant figures).
    """
    result = department.score({**LIWAN_VALUES, "budget": budget})
    assert result.values["budget"] == Decimal("2468.78")
    assert str(result.values["budget"]) == "2468.78"
    assert result.to_dict()["inputs"]["budget"] == "2468.78"
    rate = result.values["execution_rate"]
    assert abs(rate * Decimal("2468.78") - Decimal("2456.19")) < Decimal("1e-23")
    assert result.item("budget.execution_rate").score == d("9.95")  # 0.99490… × 10 = 9.949 → 9.95
    assert result.total == d("99.75")


def test_liwan_itemized(department: perfscore.Ruleset) -> None:
    """The seed case under the shipped ruleset: 9.95 (−0.05, execution 99.49%) and 4.80 (−0.20, one gap in rules).

    100 − 0.05 − 0.20 = 99.75, the published total; grade 优.
    """
    result = department.score(LIWAN_VALUES)
    assert [(item.id, item.lost) for item in result.deductions] == [
        ("management.rules", d("0.20")),
        ("budget.execution_rate", d("0.05")),
    ]
    assert result.subtotals == {"budget": d("14.95"), "output": d("40.00"), "effect": d("30.00"), "management": d("14.80")}
    assert (result.total, result.grade.name, result.grade.name_en) == (d("99.75"), "优", "Excellent")
    assert result.item("budget.execution_rate").explanation == (
        "预算执行率：实际 99.49%，目标 ≥ 100.00%，完成率 99.49%，按完成比例计分；得 9.95 分（满分 10 分），扣 0.05 分。"
    )
