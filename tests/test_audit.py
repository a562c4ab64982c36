"""Auditing a self-evaluation table: audit_table compares the unit's own scores with the rules.

Every recomputed score and difference below was worked out by hand; the arithmetic is next to
each case. Differences of 0.01 or less are rounding, not findings.
"""

from __future__ import annotations

import decimal
import json
import pickle
import re
import sys
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfscore import DataError
from perfscore.errors import CODES, SEVERITIES, Location, Problem
from perfscore.tables.audit import Audit, Finding, audit_table
from perfscore.tables.batch import audit_batch
from perfscore.tables.html import render_batch_html, render_html
from perfscore.tables.model import BudgetBlock, Cell, Table
from perfscore.tables.score import score_table
from test_table_score import MOF, ROOT, SHEET, base, one_row, row, training

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

D = Decimal


def codes(audit: Audit) -> list[tuple[str, str, str]]:
    """(severity, code, where) of every finding, in order."""
    return [(finding.severity, finding.code, finding.where) for finding in audit.findings]


POINTS_CODES = {"level1-points", "total-points"}


def row_findings(audit: Audit) -> list[Finding]:
    """Findings other than the points structure (one-row tables never match the weights)."""
    return [finding for finding in audit.findings if finding.code not in POINTS_CODES]


def only(audit: Audit, code: str) -> Finding:
    (finding,) = [finding for finding in audit.findings if finding.code == code]
    return finding


# --- the realistic table ------------------------------------------------------------------------


def test_training_table_findings() -> None:
    """Each self-score that departs from the rule, each row without a reason, the total and the grade,
    ranked: the table's own findings first, then by the points at stake, then by severity."""
    audit = audit_table(training(), MOF)
    assert codes(audit) == [
        ("error", "total-score", ""),  # 92.67 against 79.27: 13.40 at stake
        ("error", "grade", ""),  # 优秀 against 中
        ("error", "row-score", "自评表!A11"),  # deadline missed (0), but 10: 10 at stake
        ("error", "tier-band", "自评表!A13"),  # 部分达成 [12, 16): 18 outside → 12: 6 at stake
        ("warning", "row-score", "自评表!A9"),  # 4 ≥ 4 met, but 7: 3 at stake
        ("error", "row-score", "自评表!A8"),  # 480/500 × 10 = 9.60, but 10 kept: 0.40 at stake
        ("info", "no-note", "自评表!A9"),
        ("info", "no-note", "自评表!A14"),  # 9 of 10 with no note
    ]
    assert [finding.claim for finding in audit.findings[2:6]] == ["over", "over", "under", "over"]
    assert audit.reported_total == D("92.67")
    assert audit.recomputed_total == D("79.27")
    assert audit.total_difference == D("13.40")
    assert audit.recomputed_grade.name == "中"
    assert audit.counts == {"error": 5, "warning": 1, "info": 2}
    assert not audit.ok


def test_training_table_messages() -> None:
    """The reasons in words, in both languages, with the rule's score and the difference."""
    findings = audit_table(training(), MOF).findings
    late, band, docked, kept = findings[2:6]
    assert kept.message("zh") == (
        "培训人次：自评 10 分，按规则应得 9.60 分，相差 +0.40 分：实际完成目标的 96.00%，却保留满分。"
    )
    assert kept.message("en") == (
        "培训人次: self-scored 10, the rule gives 9.60, a difference of +0.40: actual 96.00% of target but full marks kept."
    )
    assert (kept.reported, kept.recomputed, kept.difference) == (D(10), D("9.60"), D("0.40"))
    assert docked.message("zh") == (
        "培训班期数：自评 7 分，按规则应得 10.00 分，相差 -3.00 分：目标已完成但扣了 3 分。"
    )
    assert docked.message("en") == (
        "培训班期数: self-scored 7, the rule gives 10.00, a difference of -3.00: target met but 3 points docked."
    )
    assert late.message("en") == (
        "完成时间: self-scored 10, the rule gives 0.00, a difference of +10.00: finished 2023-12-15, after the "
        "deadline 2023-11-30 but full marks kept."
    )
    assert band.message("zh") == (
        "基层治理能力：实际完成「部分达成」属「部分达成」档（[12, 16) 分），自评 18 分不在该档内；"
        "按该档默认分 12.00 分计，相差 +6.00 分。"
    )
    assert (band.cell, band.row, band.indicator) == (Cell("t.xlsx", SHEET, 13, "A"), 5, "基层治理能力")
    assert findings[1].message("zh") == "评价等级填报「优秀」，按重算总分 79.27 应为「中」。"


def test_a_clean_table_has_no_findings() -> None:
    """A table filled by the rules: no findings, and the grade 优 accepts 优秀."""
    table = Table(
        "clean",
        "示例项目",
        2023,
        BudgetBlock(D(100), D(100), D(100), D(10), D(100), D(10)),
        (
            row(None, "产出指标", "数量指标", "培训人次", "≥500人次", "500人次", "50", "50"),
            row(None, "效益指标", "社会效益", "治理能力", "效果明显", "效果明显", "30", "28"),
            row(None, "满意度指标", "满意度", "学员满意度", "≥90%", "95%", "10", "10"),
        ),
        D(98),
        "优秀",
    )
    audit = audit_table(table, base())
    # 28 of 30 with no note: the only finding, and only information.
    assert codes(audit) == [("info", "no-note", "rows[1]")]
    assert audit.ok
    assert audit.recomputed_total == D("98.00")


# --- points -------------------------------------------------------------------------------------


def test_points_that_do_not_match_the_weights() -> None:
    """产出 rows add up to 45 (not 50), nothing under 满意度 (10), so 85 points in all (not 100)."""
    table = Table(
        "weights",
        budget=BudgetBlock(None, D(100), D(100), D(10), None, D(10), Cell("t.xlsx", SHEET, 4, "B")),
        rows=(
            row(8, "产出指标", "数量指标", "甲", "≥5个", "5个", "25", "25"),
            row(9, "产出指标", "质量指标", "乙", "≥5个", "5个", "20", "20"),
            row(10, "效益指标", "社会效益", "丙", "≥5个", "5个", "30", "30"),
        ),
        reported_total=D(85),
        source="t.xlsx",
    )
    audit = audit_table(table, base())
    assert codes(audit) == [  # the table's own findings first, by points at stake
        ("error", "total-points", ""),  # 15
        ("warning", "level1-points", ""),  # 10
        ("warning", "level1-points", "自评表!A8"),
    ]
    total, satisfaction, output = audit.findings
    assert output.message("zh") == "一级指标「产出指标」：自评表各项分值合计 45，规则权重为 50，相差 -5。"
    assert output.message("en") == (
        "First-level indicator 产出指标 (Output): the table's points add up to 45; the ruleset weighs it 50, "
        "a difference of -5."
    )
    assert (output.reported, output.recomputed, output.difference) == (D(45), D(50), D(-5))
    assert satisfaction.message("zh") == "一级指标「满意度指标」：自评表没有该项内容，规则权重为 10 分。"
    assert total.message("zh") == "自评表各项分值合计 85，不等于规则总分 100，相差 -15。"
    assert audit.recomputed_total == D("85.00")


def test_budget_points_different_from_the_weight() -> None:
    """A budget block worth 20 against the ruleset's 10 is a first-level mismatch at the budget cell."""
    table = Table(
        "b20",
        budget=BudgetBlock(None, D(100), D(100), D(20), None, D(20), Cell("t.xlsx", SHEET, 4, "B")),
        rows=(row(8, "产出指标", "数量", "甲", "≥5个", "5个", "80", "80"),),
        source="t.xlsx",
    )
    findings = audit_table(table, base()).findings
    assert sorted((f.code, f.where, f.reported, f.recomputed) for f in findings if f.code == "level1-points") == [
        ("level1-points", "", D(0), D(10)),
        ("level1-points", "", D(0), D(30)),
        ("level1-points", "自评表!A8", D(80), D(50)),
        ("level1-points", "自评表!B4", D(20), D(10)),
    ]


def test_missing_budget_points_use_the_weight_and_say_so() -> None:
    """No 分值 in the budget block: the ruleset's 10, noted as information."""
    table = Table("bp", budget=BudgetBlock(None, D(100), D(90), None, None, D(9)), rows=())
    finding = only(audit_table(table, base()), "budget-points")
    assert finding.severity == "info"
    assert finding.message("en") == "The budget block gives no points; the ruleset's weight of 10 is used."


# --- totals -------------------------------------------------------------------------------------


def test_total_that_is_not_the_sum_of_its_items() -> None:
    """Items 9.6 + 10 = 19.6 but 总分 20.6: total-sum; it also differs from the recomputed 19.60."""
    table = Table(
        "sum",
        rows=(
            row(None, "产出指标", "数量", "甲", "≥500人次", "480人次", "10", "9.6", "未完成"),
            row(None, "产出指标", "数量", "乙", "≥5个", "5个", "10", "10"),
        ),
        reported_total=D("20.6"),
    )
    audit = audit_table(table, base())
    finding = only(audit, "total-sum")
    assert finding.message("zh") == "总分填报 20.6，各项自评得分合计 19.6，相差 +1.00。"
    assert finding.message("en") == (
        "The reported total 20.6 is not the sum of the items' scores, 19.6; a difference of +1.00."
    )
    total = only(audit, "total-score")
    assert (total.severity, total.reported, total.recomputed) == ("error", D("20.6"), D("19.60"))


def test_a_total_below_the_recomputed_one_is_a_warning() -> None:
    """Reporting less than the rules give is a warning, not an error."""
    table = one_row("≥5个", "5个", reported="10")
    table = Table(table.id, rows=table.rows, reported_total=D(9))
    finding = only(audit_table(table, base()), "total-score")
    assert (finding.severity, finding.difference) == ("warning", D("-1.00"))


# --- the budget block ----------------------------------------------------------------------------


def seed_budget(rate: str | None, score: str, initial: str = "2400.00") -> Table:
    """The seed case's budget: 2456.19 of 2468.78 万元, rate 0.994900…, worth 10 → 9.95."""
    block = BudgetBlock(
        D(initial),
        D("2468.78"),
        D("2456.19"),
        D(10),
        None if rate is None else D(rate),
        D(score),
        Cell("t.xlsx", SHEET, 4, "C"),
    )
    return Table("seed", budget=block, rows=(), source="t.xlsx")


def test_budget_full_marks_kept_below_full_execution() -> None:
    """min(0.994900…, 1) × 10 = 9.949… → 9.95; a reported 10 is 0.05 too many."""
    audit = audit_table(seed_budget("99.49", "10"), base())
    finding = only(audit, "budget-score")
    assert finding.severity == "error"
    assert finding.message("zh") == (
        "预算执行率：自评 10 分，按规则应得 9.95 分，相差 +0.05 分：执行率 99.49%，却保留满分。"
    )
    assert finding.message("en") == (
        "预算执行率: self-scored 10, the rule gives 9.95, a difference of +0.05: execution rate 99.49% but full marks kept."
    )
    assert finding.where == "自评表!C4"
    assert not [f for f in audit.findings if f.code == "budget-rate"]  # 99.49 is the rate


def test_budget_rate_reported_against_the_computed_rate() -> None:
    """A reported 99.85% is executed / initial (2456.19 / 2460 = 99.845… → 99.85), not / adjusted (99.49%)."""
    finding = only(audit_table(seed_budget("99.85", "9.95", initial="2460.00"), base()), "budget-rate")
    assert finding.severity == "warning"
    assert finding.message("zh") == (
        "执行率填报 99.85%，按 全年执行数 / 全年预算数 = 2456.19 / 2468.78 计算为 99.49%，相差 +0.36 个百分点；"
        "填报值等于 全年执行数 / 年初预算数，执行率应按全年预算数（调整后）计算。"
    )
    assert (finding.reported, finding.recomputed) == (D("99.85"), D("99.49"))
    other = only(audit_table(seed_budget("98.00", "9.95"), base()), "budget-rate")
    assert other.message("en") == (
        "The execution rate is reported as 98%, but executed / adjusted budget = 2456.19 / 2468.78 = 99.49%, "
        "a difference of -1.49 percentage points."
    )


def test_budget_score_above_its_points() -> None:
    """A budget score above its points is an error of its own kind."""
    finding = only(audit_table(seed_budget(None, "12"), base()), "above-points")
    assert finding.message("en") == (
        "预算执行率: self-scored 12, the rule gives 9.95, a difference of +2.05: score above the points (10)."
    )


# --- rows ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reported", "found"),
    [
        ("9.66", False),  # 483/500 × 10 = 9.66 exactly
        ("9.67", False),  # 0.01 away: rounding
        ("9.65", False),
        ("9.68", True),  # 0.02 away: a finding
        ("9.6", True),
    ],
)
def test_rounding_within_a_cent_is_not_a_finding(reported: str, found: bool) -> None:
    """Tables round rates before multiplying, so a cent either way is not a departure from the rule."""
    audit = audit_table(one_row("≥500人次", "483人次", reported=reported, note="未完成"), base())
    assert [f.code for f in row_findings(audit)] == (["row-score"] if found else [])


def test_partial_score_that_differs_from_the_rule() -> None:
    """483/500 × 10 = 9.66, reported 9: the reason says how the rule scores it."""
    finding = only(audit_table(one_row("≥500人次", "483人次", reported="9", note="未完成"), base()), "row-score")
    assert finding.severity == "warning"
    assert (
        finding.message("zh")
        == "指标：自评 9 分，按规则应得 9.66 分，相差 -0.66 分：实际完成目标的 96.60%，按比例计分。"
    )
    assert finding.message("en") == (
        "指标: self-scored 9, the rule gives 9.66, a difference of -0.66: actual 96.60% of target, scored in proportion."
    )


def test_reverse_target_exceeded_but_full_marks_kept() -> None:
    """≤10万元 with 12万元: (1 − 2/10) × 10 = 8.00 under the linear rule."""
    finding = only(audit_table(one_row("≤10万元", "12万元", reported="10"), base()), "row-score")
    assert finding.message("zh") == (
        "指标：自评 10 分，按规则应得 8.00 分，相差 +2.00 分：实际超出目标 2万元，却保留满分。"
    )
    assert finding.message("en") == (
        "指标: self-scored 10, the rule gives 8.00, a difference of +2.00: actual 2万元 over the target but full marks kept."
    )


def test_rows_without_points_are_errors() -> None:
    """Empty 分值 cells: the row cannot be scored by the rules; the weights no longer add up either."""
    table = Table(
        "merged",
        rows=(
            row(8, "产出指标", "数量指标", "甲", "≥5个", "5个", "50", "50"),
            row(9, "效益指标", "社会效益", "乙", "≥5个", "5个", None, "15"),
            row(10, "效益指标", "社会效益", "丙", "≥5个", "5个", None),
        ),
        source="t.xlsx",
    )
    audit = audit_table(table, base())
    assert [(f.code, f.where) for f in audit.findings if f.code == "no-points"] == [
        ("no-points", "自评表!A9"),
        ("no-points", "自评表!A10"),
    ]
    first = audit.findings[[f.code for f in audit.findings].index("no-points")]
    assert first.message("zh") == "乙：未填分值，无法按规则计分，按 0 分计（自评 15 分）。"
    assert first.message("en") == "乙: no points (分值) are given, so the rules cannot score it: 0 (self-scored 15)."
    effect = [f for f in audit.findings if f.code == "level1-points" and f.indicator == "效益指标"]
    assert [(f.reported, f.recomputed) for f in effect] == [(D(0), D(30))]


def test_score_above_the_points() -> None:
    """A self-score above the row's points."""
    finding = only(audit_table(one_row("≥5个", "5个", reported="12"), base()), "above-points")
    assert finding.severity == "error"
    assert finding.message("zh") == "指标：自评 12 分，按规则应得 10.00 分，相差 +2.00 分：得分高于分值 10 分。"
    assert finding.message("en") == (
        "指标: self-scored 12, the rule gives 10.00, a difference of +2.00: score above the points (10)."
    )


def test_qualitative_score_below_its_band() -> None:
    """效果明显 is 达成 ([8, 10]); a self-score of 7 is below the band: the default 10 applies."""
    finding = only(audit_table(one_row("效果明显", "效果明显", reported="7", note="x"), base()), "tier-band")
    assert finding.severity == "warning"
    assert finding.message("en") == (
        "指标: the actual '效果明显' is in the tier “achieved” ([8, 10] points) but the self-score 7 lies outside "
        "it; the tier's default of 10.00 applies, a difference of -3.00."
    )


def test_row_without_a_score() -> None:
    """No 得分: a warning with the rule's score, and the shortfall still needs a reason."""
    findings = row_findings(audit_table(one_row("≥500人次", "450人次"), base()))
    assert [(f.severity, f.code, f.where) for f in findings] == [
        ("warning", "no-score", "rows[0]"),
        ("info", "no-note", "rows[0]"),
    ]
    assert findings[0].message("zh") == "指标：未填自评得分，按规则应得 9.00 分。"
    assert findings[1].message("zh") == "指标：未得满分（9.00 / 10 分），但未填写偏差原因分析及改进措施。"


def test_a_note_answers_a_shortfall() -> None:
    """A row below full marks with its 偏差原因 has no no-note finding."""
    with_note = audit_table(one_row("≥500人次", "450人次", reported="9", note="报名人数不足"), base())
    assert row_findings(with_note) == []


def test_far_above_target_without_a_reason() -> None:
    """140/100 ≥ 1.3 under an over_target flag: information asking for the reason."""
    ruleset = base("over_target = { above = 1.3 }")
    finding = only(audit_table(one_row("≥100户", "140户", reported="10"), ruleset), "over-target")
    assert finding.severity == "info"
    assert (
        finding.message("zh") == "指标：实际为目标的 140.00%，达到或超过 1.3 倍，目标可能偏低，需在偏差原因分析中说明。"
    )


def test_unreadable_cells_are_findings_under_a_lenient_policy() -> None:
    """unparseable = "reported": the unit's 8 is kept and the cell is reported for checking."""
    table = one_row("≥五十个", "48个", reported="8", note="x")
    finding = only(audit_table(table, base('unparseable = "reported"')), "unreadable")
    assert finding.severity == "warning"
    assert finding.message("zh") == (
        "指标：年度指标值「≥五十个」无法识别：该用语不在词表中；应为带比较符号和单位的数值（≥50个、95%以上）、"
        "完成时限（9月前）或词表中的用语；保留单位自评 8.00 分，需人工复核。"
    )
    zero = only(audit_table(table, base('unparseable = "zero"')), "unreadable")
    assert (zero.reported, zero.recomputed) == (D(8), D("0.00"))
    assert zero.message("en").endswith("; scored 0, to be checked by hand.")


def test_an_unreadable_table_cannot_be_audited_under_error() -> None:
    """strict=True, or unparseable = "error": the audit raises the located DataError."""
    table = Table("x", rows=(row(8, "产出指标", "数量", "甲", "≥五十个", "5个", "10"),), source="t.xlsx")
    with pytest.raises(DataError, match="自评表!A8: target"):
        audit_table(table, MOF, strict=True)
    with pytest.raises(DataError, match="自评表!A8: target"):
        audit_table(table, base('unparseable = "error"'))


# --- rendering ----------------------------------------------------------------------------------------


def small() -> Table:
    return Table(
        "small",
        "小项目",
        2023,
        None,
        (
            row(8, "产出指标", "数量指标", "培训人次", "≥500人次", "480人次", "50", "50"),
            row(9, "效益指标", "社会效益", "治理能力", "效果明显", "效果明显", "30", "30"),
            row(10, "满意度指标", "满意度", "满意度", "≥90%", "95%", "10", "10"),
        ),
        D(90),
        "优",
        "t.xlsx",
    )


def test_render_text_zh() -> None:
    """The text report: totals, grade, numbered findings ranked (the table's own first, then by points at
    stake) with their cells, each kind in words and over-claims marked 多计, then every item recomputed."""
    assert audit_table(small(), base()).render() == (
        "自评表审核：小项目（small）\n"
        "规则：测试规则 (base 1)\n"
        "总分：自评 90，重算 88.00，相差 +2.00\n"
        "等级：自评 优，重算 良\n"
        "\n"
        "发现：错误 4，警告 1，提示 0\n"
        "  1. [错误·多计] 总分与规则计算的不符：总分：自评 90，按规则重算为 88.00，相差 +2.00。\n"
        "  2. [错误] 填写的等级与总分不符：评价等级填报「优」，按重算总分 88.00 应为「良」。\n"
        "  3. [错误] 各项分值之和不等于总分：自评表各项分值合计 90，不等于规则总分 100，相差 -10。\n"
        "  4. [警告] 一级指标分值与规则不符：一级指标「预算执行率」：自评表没有该项内容，规则权重为 10 分。\n"
        "  5. [错误·多计] 自评表!A8 自评得分与规则计算的不符：培训人次：自评 50 分，按规则应得 48.00 分，"
        "相差 +2.00 分：实际完成目标的 96.00%，却保留满分。\n"
        "\n"
        "逐项重算\n"
        "  位置        指标      分值  自评   重算\n"
        "  自评表!A8   培训人次    50    50  48.00\n"
        "  自评表!A9   治理能力    30    30  30.00\n"
        "  自评表!A10  满意度      10    10  10.00\n"
    )


def test_render_markdown_en() -> None:
    """Markdown: a totals table, a findings table (pipes escaped) and the items table."""
    text = audit_table(small(), base()).render("markdown", "en")
    lines = text.splitlines()
    assert lines[0] == "# Audit of the self-evaluation table: 小项目 (small)"
    assert "| Total | 90 | 88.00 | +2.00 |" in lines
    assert "| Grade | 优 | Good (良) | |" in lines
    assert "## Findings: 4 errors, 1 warning, 0 info" in lines
    assert "| # | severity | cell | kind | message |" in lines
    assert (
        "| 5 | error·over-claim | 自评表!A8 | a self-assessed score that departs from the rules | 培训人次: self-scored "
        "50, the rule gives 48.00, a difference of +2.00: actual 96.00% of target but full marks kept. |"
    ) in lines
    assert "| 自评表!A8 | 培训人次 | 50 | 50 | 48.00 |" in lines


def test_render_json_and_to_dict() -> None:
    """JSON holds both languages and writes every number as text."""
    audit = audit_table(small(), base())
    data = json.loads(audit.render("json"))
    assert data == audit.to_dict()
    assert data["totals"] == {
        "reported": "90",
        "recomputed": "88.00",
        "difference": "2.00",
        "points": "90",
        "reported_grade": "优",
        "recomputed_grade": {"name": "良", "name_en": "Good"},
    }
    assert data["counts"] == {"error": 4, "warning": 1, "info": 0}
    third = data["findings"][4]
    assert third["code"] == "row-score"
    assert third["cell"] == {"source": "t.xlsx", "sheet": SHEET, "row": 8, "column": "A"}
    assert (third["reported"], third["recomputed"], third["difference"]) == ("50", "48.00", "2.00")
    assert third["message"]["en"].startswith("培训人次: self-scored 50")
    assert data["rows"][0]["leaf"] == "output.g1.row_1"
    assert data["rows"][0]["explanation"]["zh"].startswith("培训人次：实际 480人次，目标 ≥ 500人次")


def reports(audit: Audit) -> list[str]:
    """Everything an audit shows: its data, and its report in every format and language (one batch too)."""
    batch = audit_batch([audit.table], audit.ruleset)
    shown = [json.dumps(audit.to_dict(), ensure_ascii=False), json.dumps(batch.to_dict(), ensure_ascii=False)]
    for lang in ("zh", "en"):
        shown += [audit.render(fmt, lang) for fmt in ("text", "markdown", "json")]
        shown += [render_html(audit, lang), batch.render("text", lang), batch.render("markdown", lang)]
        shown += [render_batch_html(batch, lang)]
    shown += [str(finding) for finding in audit.findings]
    return shown


@pytest.mark.parametrize("rounding", [decimal.ROUND_FLOOR, decimal.ROUND_CEILING])
def test_an_audit_is_exact_in_any_callers_decimal_context(rounding: str) -> None:
    """A caller's context of 3 digits rounding down (or up) changes no digit of the audit, of its data or of any
    report: scores, rates, differences and totals are computed and shown in perfscore's pinned context."""
    tables = [training(), seed_budget("99.85", "10")]
    expected = [reports(audit_table(table, MOF)) for table in tables]
    made_before = [audit_table(table, MOF) for table in tables]
    with decimal.localcontext() as context:
        context.prec = 3
        context.rounding = rounding
        assert [reports(audit_table(table, MOF)) for table in tables] == expected
        assert [reports(audit) for audit in made_before] == expected
        assert made_before[0].total_difference == D("13.40")  # 92.67 − 79.27, four digits
        assert only(made_before[1], "budget-rate").difference == D("0.36")  # 99.85 − 99.49
        assert decimal.getcontext().prec == 3  # and the caller's context is given back


def test_a_finding_is_a_problem() -> None:
    """Every finding is the one problem record: a code from CODES, a severity, a location naming the file and
    the cell, the English message (and the Chinese one); it renders and pickles as a Problem."""
    findings = audit_table(training(), MOF).findings
    for finding in findings:
        assert isinstance(finding, Problem)
        assert finding.code in CODES
        assert finding.severity in SEVERITIES
        assert (finding.message, finding.message_zh) == (finding.message("en"), finding.message("zh"))
        assert finding.message_en == finding.message
    first, last = findings[5], findings[1]  # 培训人次 (A8, 0.40 at stake), the grade
    assert first.location == Location("t.xlsx", ("自评表!A8",))
    assert str(first) == f"t.xlsx: 自评表!A8: {first.message_en}"
    assert first.render(tagged=True).startswith("t.xlsx: 自评表!A8: error[row-score]: 培训人次: self-scored 10")
    assert last.location == Location("t.xlsx")  # the grade: the table as a whole
    assert first.to_dict()["message"] == {"zh": first.message_zh, "en": first.message_en}
    copy = pickle.loads(pickle.dumps(first))
    assert copy == first
    assert copy.message("zh") == first.message_zh


def test_render_refuses_unknown_formats_and_languages() -> None:
    """A wrong format or language is a ValueError naming the choices."""
    audit = audit_table(small(), base())
    with pytest.raises(ValueError, match="fmt must be one of text, markdown, json, not 'html'"):
        audit.render("html")
    with pytest.raises(ValueError, match="lang must be one of zh, en, not 'fr'"):
        audit.render("text", "fr")


def test_no_findings_render() -> None:
    """A table without findings says so."""
    table = Table(
        "ok",
        rows=(row(None, "产出指标", "数量", "甲", "≥5个", "5个", "100", "100"),),
        reported_total=D(100),
    )
    ruleset = base()
    audit = Audit(table, score_table(table, ruleset), ())
    assert "  未发现问题。\n" in audit.render()
    assert "\nNo findings.\n" in audit.render("markdown", "en")


# --- a property -----------------------------------------------------------------------------------


@settings(max_examples=25)  # fewer than the profile: each example scores and then audits a whole table
@given(
    rows=st.lists(
        st.tuples(st.integers(1, 500), st.integers(0, 1000), st.integers(1, 20), st.sampled_from(["≥", "≤"])),
        min_size=1,
        max_size=6,
    )
)
def test_self_scores_that_follow_the_rules_give_no_score_findings(rows: list[tuple[int, int, int, str]]) -> None:
    """Invariant: a table whose self-scores are the recomputed ones (and whose total is their sum) has no
    error or warning about scores, whatever its targets and actuals."""
    built = tuple(
        row(None, "产出指标", "数量", f"指标{i}", f"{op}{target}个", f"{actual}个", str(points), note="说明")
        for i, (target, actual, points, op) in enumerate(rows)
    )
    first = score_table(Table("p", rows=built), base())
    scored = tuple(
        row(None, "产出指标", "数量", r.level3, r.target, r.actual, str(r.points), str(first.item(i).score), "说明")
        for i, r in enumerate(built)
    )
    audit = audit_table(Table("p", rows=scored, reported_total=first.total), base())
    score_codes = {"row-score", "above-points", "tier-band", "total-sum", "total-score", "no-score", "no-note"}
    assert [f for f in audit.findings if f.code in score_codes] == []
    assert audit.recomputed_total == sum((first.item(i).score for i in range(len(built))), D(0))


# --- docs/tables.md shows what the code does ----------------------------------------------------------

DOC = ROOT / "docs" / "tables.md"
SECTION = "## Scoring and auditing a table"


def doc_blocks(kind: str) -> list[str]:
    """The fenced blocks of one kind in the section this module documents, in order."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    return [match.group(1) for match in re.finditer(rf"^ *```{kind}\n(.*?)^ *```$", section, re.M | re.S)]


def table_from_doc(text: str) -> Table:
    """A table written in the TOML layout of docs/tables.md, every row with all its fields."""
    document: dict[str, Any] = tomllib.loads(text, parse_float=Decimal)

    def number(value: Any) -> Decimal | None:
        return None if value is None else Decimal(value)

    block = document["budget"]
    budget = BudgetBlock(
        *(number(block.get(key)) for key in ("initial", "adjusted", "executed", "points", "reported_rate", "reported"))
    )
    rows = tuple(
        row(
            None,
            r["level1"],
            r["level2"],
            r["level3"],
            r["target"],
            r["actual"],
            str(r["points"]),
            str(r["reported"]),
            r.get("note"),
        )
        for r in document["rows"]
    )
    return Table(
        document["id"],
        document["title"],
        document["year"],
        budget,
        rows,
        number(document["reported_total"]),
        document["reported_grade"],
    )


def test_the_worked_audit_in_the_docs() -> None:
    """docs/tables.md: the worked table's audit, in Chinese and English, is what audit_table renders."""
    (toml_text,) = [block for block in doc_blocks("toml") if block.startswith("# table: training-2023")]
    table = table_from_doc(toml_text)
    audit = audit_table(table, MOF)
    texts = doc_blocks("text")
    assert audit.render("text", "zh") in texts
    assert audit.render("text", "en") in texts
    assert audit.recomputed_total == D("79.27")  # the total worked by hand in the text


def test_the_unreadable_cells_example_in_the_docs() -> None:
    """docs/tables.md: the DataError shown for unreadable cells is the one raised."""
    table = Table(
        "x",
        rows=(
            row(8, "产出指标", "数量指标", "培训人次", "≥五十个", "48个", "10"),
            row(9, "产出指标", "数量指标", "培训班期数", "≥4期", "约4期", "10"),
        ),
        source="t.xlsx",
    )
    with pytest.raises(DataError) as caught:
        score_table(table, MOF, strict=True)
    shown = [" ".join(block.split()) for block in doc_blocks("text")]
    assert " ".join(str(caught.value).split()) in shown


def test_the_docs_policy_matches_the_shipped_ruleset() -> None:
    """docs/tables.md quotes project-mof-2020's [tables] keys as the ruleset has them."""
    (quoted,) = [block for block in doc_blocks("toml") if block.startswith("[tables]")]
    document = tomllib.loads(quoted, parse_float=Decimal)["tables"]
    policy = MOF.table_policy
    assert policy is not None
    assert {key: value for key, value in document.items() if key != "level1"} == policy.model_dump(
        mode="python", exclude={"level1", "vocabulary", "tolerance", "directions"}
    ) | {"over_target": {"above": D("1.3"), "action": "flag"}}
    assert document["level1"].items() <= policy.level1.items()


# --- the reason in words, case by case ------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "reported", "tables", "zh", "en"),
    [
        # =100% exact, 98%: 0 by the rule
        ("=100%", "98%", "10", 'equal = "exact"', "未达到目标，却保留满分", "target not met but full marks kept"),
        # ≤10万元 linear, 25万元 ≥ 2 × 10: 0 by the rule
        (
            "≤10万元",
            "25万元",
            "5",
            "",
            "实际达到目标的两倍或以上，不得分",
            "actual at least twice the target, no points",
        ),
        # inverse: 10/12 × 10 = 8.33
        (
            "≤10万元",
            "12万元",
            "8",
            'reverse = "inverse"',
            "实际超出目标 2万元，按 目标值/实际值 × 分值 计分",
            "actual 2万元 over the target, scored as target / actual × points",
        ),
        # 140/100 ≥ 1.3 with a 2-point deduction: 8
        (
            "≥100户",
            "140户",
            "10",
            'over_target = { above = 1.3, action = "deduct", deduct = 2 }',
            "实际为目标的 140.00%，目标设置偏低，却保留满分",
            "actual 140.00% of a target set too low but full marks kept",
        ),
        # done 2023-09-20, due 2023-09-30: 10
        ("2023年9月前", "2023年9月20日", "8", "", "目标已完成但扣了 2 分", "target met but 2 points docked"),
        # 1 point short: "point", not "points"
        ("≥5个", "6个", "9", "", "目标已完成但扣了 1 分", "target met but 1 point docked"),
    ],
)
def test_row_score_reasons(target: str, actual: str, reported: str, tables: str, zh: str, en: str) -> None:
    """Each way a self-score can depart from a rule is said in words, in both languages."""
    finding = only(audit_table(one_row(target, actual, reported=reported, note="说明"), base(tables)), "row-score")
    assert finding.message("zh").endswith(f"：{zh}。")
    assert finding.message("en").endswith(f": {en}.")


def test_budget_fully_executed_but_docked() -> None:
    """All of the budget executed (rate 100%) but 9 of 10 reported."""
    table = Table("b", budget=BudgetBlock(None, D(100), D(100), D(10), D(100), D(9)), rows=())
    finding = only(audit_table(table, base()), "budget-score")
    assert (finding.severity, finding.where) == ("warning", "budget")
    assert (
        finding.message("zh")
        == "预算执行率：自评 9 分，按规则应得 10.00 分，相差 -1.00 分：预算已全部执行但扣了 1 分。"
    )


def test_an_unusable_budget_block_is_a_finding_under_zero() -> None:
    """An adjusted budget of 0 under unparseable = "zero": the block scores 0 and the audit says why."""
    table = Table("b", budget=BudgetBlock(None, D(0), D(5), D(10), None, D(10)), rows=())
    finding = only(audit_table(table, base('unparseable = "zero"')), "unreadable")
    assert finding.message("zh") == (
        "预算执行率：全年预算数「0」无法识别：执行率需要大于 0 的全年预算数；按 0 分计，需人工复核。"
    )
    assert (finding.reported, finding.recomputed, finding.where) == (D(10), D("0.00"), "budget")


def test_each_recomputed_item_names_the_cell_of_the_units_own_score() -> None:
    """The items table points at the 得分 cell it compares (G9 in the Shandong sample), not the row's first cell."""
    from perfscore.tables import read_tables

    (table,) = read_tables(ROOT / "tests" / "tables" / "shandong-2023-project.csv")
    rows = audit_table(table, MOF).rows()
    indicators = [item for item in rows if item["indicator"] != "预算执行率"]
    assert [item["where"] for item in indicators[:2]] == ["G9", "G10"]
    assert all(item["where"].startswith("G") for item in indicators)
