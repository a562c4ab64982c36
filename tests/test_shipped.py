"""The rulesets and examples shipped with perfscore: they load, add up, explain themselves, and
score their examples to totals worked out by hand.

Every expected score below was computed by hand first (A = target, B = actual, W = points; each
leaf rounded half-up to 2 places, then summed); the arithmetic is in the comments here and in
the example data files.
"""

from __future__ import annotations

import datetime
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import perfscore
from perfscore.cli import run

ROOT = Path(__file__).resolve().parent.parent
RULESETS = sorted((ROOT / "rulesets").glob("*.toml"))
EXAMPLE_RULESETS = sorted((ROOT / "examples").glob("*/ruleset.toml"))
ALL_RULESETS = RULESETS + EXAMPLE_RULESETS


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def cli(*argv: str) -> tuple[int, str, str]:
    """Run the perfscore command line; return its status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def values_of(data: Path) -> dict[str, Any]:
    """The single unit's input values in a data file, as a mutable copy."""
    (unit,) = perfscore.read_units(data)
    return dict(unit.values)


# --- every shipped ruleset -------------------------------------------------------------------


def test_the_shipped_rulesets_are_found() -> None:
    """The glob sees the rulesets this file is meant to check (an empty glob would pass vacuously)."""
    names = {path.name for path in RULESETS}
    assert {"department-wide.toml", "project-mof-2020.toml"} <= names
    assert [_id(path) for path in EXAMPLE_RULESETS] == ["examples/project-community-legal-service/ruleset.toml"]


@pytest.mark.parametrize("path", ALL_RULESETS, ids=_id)
def test_ruleset_loads_and_its_points_add_up(path: Path) -> None:
    """The first-level points sum to the declared total, and every group's children to the group."""
    ruleset = perfscore.load(path)
    assert sum((root.points for root in ruleset.roots), Decimal(0)) == ruleset.total_points == Decimal(100)
    for node in ruleset.indicators():
        if node.children:
            assert sum((child.points for child in node.children), Decimal(0)) == node.points, node.id


@pytest.mark.parametrize("path", ALL_RULESETS, ids=_id)
def test_ruleset_cites_sources_states_assumptions_and_is_bilingual(path: Path) -> None:
    """Each ruleset cites its documents, lists its assumptions, and names every indicator in both languages."""
    ruleset = perfscore.load(path)
    assert any("财预〔20" in source for source in ruleset.meta.sources)
    assert ruleset.meta.assumptions
    assert ruleset.meta.title_en
    for node in ruleset.indicators():
        assert node.name and node.name_en, node.id
    for name, spec in ruleset.inputs.items():
        assert spec.label and spec.label_en, name


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", ALL_RULESETS, ids=_id)
def test_explain_works_in_both_languages(path: Path, lang: str) -> None:
    """`perfscore explain` succeeds and names every indicator (with its id) in the chosen language."""
    ruleset = perfscore.load(path)
    status, out, err = cli("explain", str(path), "--lang", lang)
    assert (status, err) == (0, "")
    for node in ruleset.indicators():
        label = node.name_en if lang == "en" else node.name
        assert f"{label} [{node.id}]" in out
    assert ("Sources:" if lang == "en" else "依据:") in out


# --- the examples, worked by hand ------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    ruleset: str
    data: str
    total: str
    grade: str
    grade_en: str
    leaves: dict[str, str]  # leaf id → score
    deductions: list[tuple[str, str]]  # (leaf id, points lost), largest first
    subtotals: dict[str, str]

    def __str__(self) -> str:
        return self.data


EXAMPLES = [
    # 中共广州市荔湾区委政法委 2023 (the seed) under the department-wide framework.
    Example(
        "rulesets/department-wide.toml",
        "examples/liwan-2023.toml",
        total="99.75",
        grade="优",
        grade_en="Excellent",
        leaves={
            "budget.execution_rate": "9.95",  # 2456.19 / 2468.78 = 0.994900…; × 10 = 9.949… → 9.95
            "budget.carryover_rate": "5.00",  # 12.35 / 2468.78 = 0.0050… ≤ 1% → first band, full 5
            "output.goal_completion": "15.00",  # 8 / 8 = 1 → full
            "output.task_completion": "10.00",  # 8 / 8
            "output.quality": "10.00",  # 100 ≥ 100
            "output.timeliness": "5.00",  # 100 ≥ 100
            "effect.social": "10.00",  # 达成, tier default 100%
            "effect.sustainability": "10.00",
            "effect.satisfaction": "10.00",
            "management.rules": "4.80",  # 5 − 1 × 0.2
            "management.compliance": "5.00",  # 0 findings
            "management.disclosure": "5.00",  # true
        },
        # 9.95 + 5 + 15 + 10 + 10 + 5 + 10 + 10 + 10 + 4.80 + 5 + 5 = 99.75
        deductions=[("management.rules", "0.20"), ("budget.execution_rate", "0.05")],
        subtotals={"budget": "14.95", "output": "40.00", "effect": "30.00", "management": "14.80"},
    ),
    # The template's own sample data; arithmetic in examples/project-template-data.toml.
    Example(
        "rulesets/project-mof-2020.toml",
        "examples/project-template-data.toml",
        total="95.53",
        grade="优",
        grade_en="Excellent",
        leaves={
            "budget_execution": "9.65",  # 96.5 / 100 × 10
            "output.quantity.outputs_completed": "9.60",  # 48 / 50 × 10
            "output.quantity.beneficiaries": "10.00",  # 1350 ≥ 1000 (flagged at 135%, no loss)
            "output.quality.pass_rate": "10.00",  # = 100%, met
            "output.timeliness.completed_on_time": "10.00",  # 2023-12-15 ≤ 2023-12-31
            "output.cost.unit_cost": "9.50",  # ≤ 2, B = 2.1: (1 − 0.1 / 2) × 10
            "effect.economic.income_generated": "5.00",  # 20 ≥ 20
            "effect.social.social_effect": "9.00",  # 达成, score 9 (tier 8–10)
            "effect.ecological.ecological_effect": "3.00",  # 部分达成, default 60% × 5
            "effect.sustainability.sustainability": "10.00",  # 达成, default 100% × 10
            "satisfaction.users.satisfaction_rate": "9.78",  # 88 / 90 × 10 = 9.777… → 9.78
        },
        # 9.65 + 9.60 + 10 + 10 + 10 + 9.50 + 5 + 9 + 3 + 10 + 9.78 = 95.53
        deductions=[
            ("effect.ecological.ecological_effect", "2.00"),
            ("effect.social.social_effect", "1.00"),
            ("output.cost.unit_cost", "0.50"),
            ("output.quantity.outputs_completed", "0.40"),
            ("budget_execution", "0.35"),
            ("satisfaction.users.satisfaction_rate", "0.22"),
        ],
        subtotals={
            "output": "49.10",  # 9.60 + 10 + 10 + 10 + 9.50
            "output.quantity": "19.60",
            "output.cost": "9.50",
            "effect": "27.00",  # 5 + 9 + 3 + 10
            "effect.ecological": "3.00",
            "satisfaction": "9.78",
            "satisfaction.users": "9.78",
        },
    ),
    # The fictional community legal adviser project; arithmetic in its data.toml.
    Example(
        "examples/project-community-legal-service/ruleset.toml",
        "examples/project-community-legal-service/data.toml",
        total="96.51",
        grade="优",
        grade_en="Excellent",
        leaves={
            "budget_execution": "9.75",  # 116.94 / 120 = 0.9745; × 10 = 9.745 → half-up 9.75
            "output.quantity.consultations": "7.74",  # 2904 / 3000 = 0.968; × 8 = 7.744
            "output.quantity.lectures": "6.00",  # 186 / 120 = 1.55: met, flagged
            "output.quantity.coverage": "6.00",  # = 100%, met
            "output.quality.mediation_success": "10.00",  # 93.5 ≥ 90
            "output.timeliness.contracts_signed": "5.00",  # 2023-03-20 ≤ 2023-03-31
            "output.timeliness.reply_within_48h": "5.00",  # 98.6 ≥ 95
            "output.cost.fee_per_community": "9.20",  # ≤ 1.5, B = 1.62: (1 − 0.12 / 1.5) × 10
            "effect.economic.losses_recovered": "5.00",  # 612 ≥ 500 (122.4%, not flagged)
            "effect.social.legal_awareness": "6.00",  # 部分达成, score 6 in [4.8, 6.4)
            "effect.social.criminal_escalations": "7.00",  # = 0, B = 0
            "effect.sustainability.long_term_mechanism": "5.00",  # 达成, default 100%
            "effect.sustainability.adviser_retention": "4.82",  # 82 / 85 × 5 = 4.8235…
            "satisfaction.users.residents": "10.00",  # 94.3 ≥ 90
        },
        # 9.75 + 48.94 + 27.82 + 10 = 96.51
        deductions=[
            ("effect.social.legal_awareness", "2.00"),
            ("output.cost.fee_per_community", "0.80"),
            ("output.quantity.consultations", "0.26"),
            ("budget_execution", "0.25"),
            ("effect.sustainability.adviser_retention", "0.18"),
        ],
        subtotals={
            "output": "48.94",  # 7.74 + 6 + 6 + 10 + 5 + 5 + 9.20
            "output.quantity": "19.74",
            "output.cost": "9.20",
            "effect": "27.82",  # 5 + 6 + 7 + 5 + 4.82
            "effect.social": "13.00",
            "effect.sustainability": "9.82",
            "satisfaction": "10.00",
        },
    ),
]


def _score(example: Example) -> perfscore.ScoreResult:
    return perfscore.load(ROOT / example.ruleset).score(values_of(ROOT / example.data))


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_example_total_and_grade(example: Example) -> None:
    """Each example scores exactly its hand-worked total and grade."""
    result = _score(example)
    assert result.total == Decimal(example.total)
    assert (result.grade.name, result.grade.name_en) == (example.grade, example.grade_en)


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_example_leaf_scores(example: Example) -> None:
    """Every leaf scores its hand-worked value, and the expected leaves are all the leaves there are."""
    result = _score(example)
    assert {item.id: item.score for item in result.items} == {k: Decimal(v) for k, v in example.leaves.items()}
    assert sum(Decimal(v) for v in example.leaves.values()) == Decimal(example.total)


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_example_deductions_largest_first(example: Example) -> None:
    """The deductions are the leaves that lost points, largest loss first, and they sum to 100 − total."""
    result = _score(example)
    assert [(item.id, item.lost) for item in result.deductions] == [
        (i, Decimal(lost)) for i, lost in example.deductions
    ]
    assert sum((item.lost for item in result.deductions), Decimal(0)) == Decimal(100) - Decimal(example.total)
    for item in result.deductions:
        assert f"扣 {item.lost} 分" in item.explanation
        assert f"{item.lost} lost" in item.explanation_en


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_example_subtotals(example: Example) -> None:
    """Group subtotals are the sums of their rounded leaves."""
    subtotals = _score(example).subtotals
    for group, expected in example.subtotals.items():
        assert subtotals[group] == Decimal(expected), group


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_example_scores_from_the_command_line(example: Example, lang: str) -> None:
    """`perfscore score` prints the total and grade; its JSON carries the total as an exact string."""
    status, out, err = cli("score", str(ROOT / example.ruleset), str(ROOT / example.data), "--lang", lang)
    assert (status, err) == (0, "")
    assert f"{example.total} / 100" in out
    assert (example.grade_en if lang == "en" else example.grade) in out
    status, out, _ = cli("score", str(ROOT / example.ruleset), str(ROOT / example.data), "--format", "json")
    assert status == 0
    document = json.loads(out)
    assert (document["total"], document["grade"]["name"]) == (example.total, example.grade)
    assert [d["id"] for d in document["deductions"]] == [i for i, _ in example.deductions]


# --- the seed case ---------------------------------------------------------------------------

LIWAN_RULESET = ROOT / "rulesets/department-wide.toml"
LIWAN_DATA = ROOT / "examples/liwan-2023.toml"


def test_seed_scores_99_75_with_two_deductions() -> None:
    """荔湾区委政法委 2023 scores exactly 99.75 (优), losing 0.20 on 管理制度健全性 then 0.05 on 预算执行率.

    预算执行率: 2456.19 / 2468.78. By hand, 2468.78 × 0.9949 = 2468.78 − 12.590778 = 2456.189222,
    leaving 0.000778 / 2468.78 ≈ 0.0000003, so the rate is 0.9949003…; × 10 = 9.949003…, whose
    third decimal is 9, so half-up to 2 places gives 9.95 (0.05 lost).
    管理制度健全性: 1 finding × 0.2 = 0.20 lost, 5 − 0.2 = 4.80.
    Everything else is at full marks, so 100 − 0.20 − 0.05 = 99.75, which is ≥ 90: 优.
    """
    result = perfscore.load(LIWAN_RULESET).score(values_of(LIWAN_DATA))
    assert result.total == Decimal("99.75")
    assert result.grade.name == "优"
    assert [(item.id, item.name, item.lost) for item in result.deductions] == [
        ("management.rules", "管理制度健全性", Decimal("0.20")),
        ("budget.execution_rate", "预算执行率", Decimal("0.05")),
    ]
    execution = result.item("budget.execution_rate")
    assert execution.score == Decimal("9.95")
    assert Decimal("9.949") < execution.raw < Decimal("9.950")


@pytest.mark.parametrize(
    ("change", "total"),
    [
        # Executed = budget: rate 1 → 预算执行率 10 (the 0.05 comes back); carry-over 12.35 is still
        # ≤ 1% of the budget, so 99.75 + 0.05 = 99.80.
        ({"executed": Decimal("2468.78")}, "99.80"),
        # No gap in the management rules: 管理制度健全性 5 (the 0.20 comes back): 99.75 + 0.20 = 99.95.
        ({"system_findings": 0}, "99.95"),
        # Both: nothing lost.
        ({"executed": Decimal("2468.78"), "system_findings": 0}, "100.00"),
    ],
    ids=["executed-in-full", "no-findings", "both"],
)
def test_seed_total_follows_from_the_rules(change: dict[str, Any], total: str) -> None:
    """Undoing either deduction in the seed data gives back exactly the points it cost."""
    values = values_of(LIWAN_DATA) | change
    result = perfscore.load(LIWAN_RULESET).score(values)
    assert result.total == Decimal(total)
    assert result.grade.name == "优"


# --- the template's forms behave as its comments say -----------------------------------------

TEMPLATE = ROOT / "rulesets/project-mof-2020.toml"
TEMPLATE_DATA = ROOT / "examples/project-template-data.toml"


@pytest.mark.parametrize(
    ("change", "leaf", "score", "total", "grade"),
    [
        # Deadline missed: boolean gives 0 of 10; 95.53 − 10 = 85.53 → 良.
        ({"completed_on": datetime.date(2024, 1, 5)}, "output.timeliness.completed_on_time", "0.00", "85.53", "良"),
        # ≤ 2 with B = 3: (1 − 1/2) × 10 = 5; 95.53 − 9.50 + 5 = 91.03.
        ({"unit_cost": Decimal(3)}, "output.cost.unit_cost", "5.00", "91.03", "优"),
        # ≤ 2 with B = 4 = 2A: 0; 95.53 − 9.50 = 86.03 → 良.
        ({"unit_cost": Decimal(4)}, "output.cost.unit_cost", "0.00", "86.03", "良"),
        # = 100% with B = 95 ("at-least"): 95/100 × 10 = 9.5; 95.53 − 0.50 = 95.03.
        ({"pass_rate": Decimal(95)}, "output.quality.pass_rate", "9.50", "95.03", "优"),
        # Over-execution earns no more: 105 / 100 → 10; 95.53 + 0.35 = 95.88.
        ({"executed": Decimal(105)}, "budget_execution", "10.00", "95.88", "优"),
        # 未达成 with a score of 2 of 10 (tier 0–6): 95.53 − 9 + 2 = 88.53 → 良.
        ({"social_effect": {"tier": "未达成", "score": 2}}, "effect.social.social_effect", "2.00", "88.53", "良"),
    ],
    ids=["deadline-missed", "cost-1.5x", "cost-2x", "equal-below", "over-executed", "not-achieved"],
)
def test_template_forms(change: dict[str, Any], leaf: str, score: str, total: str, grade: str) -> None:
    """Changing one actual in the template's sample data moves that leaf, and the total, as worked by hand."""
    result = perfscore.load(TEMPLATE).score(values_of(TEMPLATE_DATA) | change)
    assert result.item(leaf).score == Decimal(score)
    assert (result.total, result.grade.name) == (Decimal(total), grade)


def test_template_flags_an_over_target_without_deducting() -> None:
    """受益人数 1350 against ≥ 1000 is 135% ≥ 130%: full marks, but the explanation asks why."""
    item = _score(EXAMPLES[1]).item("output.quantity.beneficiaries")
    assert (item.score, item.facts["case"], item.facts["rate"]) == (Decimal(10), "over-flagged", Decimal("1.35"))
    assert "需说明原因" in item.explanation


def test_legal_service_example_rounds_half_up_per_leaf() -> None:
    """预算执行率 116.94 / 120 × 10 is exactly 9.745: half-up gives 9.75 where half-even would give 9.74."""
    item = _score(EXAMPLES[2]).item("budget_execution")
    assert item.raw == Decimal("9.745")
    assert item.score == Decimal("9.75")


def test_legal_service_example_flags_lectures_but_not_losses_recovered() -> None:
    """讲座 186 / 120 = 155% is flagged; 挽回损失 612 / 500 = 122.4% has no over-target rule and is just met."""
    result = _score(EXAMPLES[2])
    lectures = result.item("output.quantity.lectures")
    assert (lectures.score, lectures.facts["case"]) == (Decimal(6), "over-flagged")
    recovered = result.item("effect.economic.losses_recovered")
    assert (recovered.score, recovered.facts["case"]) == (Decimal(5), "met")
