"""Every sample table in tests/tables/, recomputed by hand and audited end to end.

Project tables (项目支出绩效自评表) are audited under ``rulesets/project-mof-2020.toml``, department
tables (部门整体支出绩效自评表) under ``rulesets/department-wide.toml``; each sheet of a workbook and
each table of a file is its own case. Every expected number below was worked out by hand from the
rules, not copied from the engine:

- ``≥`` (and ``=``, and a plain number, both read "at least"): actual ≥ target → full points, else
  actual / target × points;
- ``≤`` (``reverse = "linear"``): actual ≤ target → full points, else (1 − (actual − target) / target)
  × points;
- a deadline: done on or before it → full points, else 0;
- words: the actual's words name the tier (达成 [80%, 100%], 部分达成 [60%, 80%), 未达成 [0, 60%));
  the unit's score stands inside that band, otherwise the tier's default (100%, 60%, 0) applies;
- the budget block: min(全年执行数 / 全年预算数, 1) × its 分值, or × the ruleset's weight when the
  block has no 分值 (10 for 预算执行率 in the project template, 15 for 预算执行 in the department one) —
  except that a block with no 分值 is not scored at all when the table's rows already hold indicators
  under the ruleset's budget first-level indicator (a 预算执行率 row): it only shows the amounts;
- each item rounded half-up to 2 places, then summed; 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below;
- differences of 0.01 or less are rounding, not findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import perfscore
from helpers import HENAN_MAPPING
from perfscore import Ruleset
from perfscore.tables.audit import Audit, Finding, audit_table
from perfscore.tables.model import Table
from perfscore.tables.read import read_tables, table_files

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "tests" / "tables"
DOC = ROOT / "docs" / "tables.md"

PROJECT = "project-mof-2020"
DEPARTMENT = "department-wide"
BANDS = "project-execution-bands"
FOUR_STAGE = "project-four-stage"
MANAGEMENT = "project-management-performance"
FORMS = "自评表"


#: A finding as compared here: severity, code, where (the cell), row index, indicator, reported, recomputed.
Expected = tuple[str, str, str, int | None, str | None, str | None, str | None]


def F(
    severity: str,
    code: str,
    where: str = "",
    row: int | None = None,
    indicator: str | None = None,
    reported: str | None = None,
    recomputed: str | None = None,
) -> Expected:
    """One expected finding; numbers as written by hand (「20」 and 「20.00」 are the same number)."""
    return (severity, code, where, row, indicator, _same(reported), _same(recomputed))


def _same(value: str | Decimal | None) -> str | None:
    """A number in one spelling, so 9.9 and 9.90 compare equal: 9.9, 20, 0."""
    if value is None:
        return None
    number = Decimal(value).normalize()
    return format(number, "f")


def seen(finding: Finding) -> Expected:
    """A finding as the audit gives it, in the form of :func:`F`."""
    return (
        finding.severity,
        finding.code,
        finding.where,
        finding.row,
        finding.indicator,
        _same(finding.reported),
        _same(finding.recomputed),
    )


@dataclass(frozen=True)
class Message:
    """One finding's full message, as a reviewer reads it."""

    code: str
    where: str
    zh: str
    en: str


@dataclass(frozen=True)
class Sample:
    """One sample table: where it is, its ruleset, and its audit worked out by hand."""

    label: str  # the file (and sheet or table id) as the batch summary names it
    path: str  # under tests/tables/
    table_id: str
    ruleset: str
    budget: str | None  # the budget block's recomputed score (None: the table has no budget block)
    rows: tuple[str, ...]  # each row's recomputed score, in table.rows order
    total: str
    grade: str
    reported_total: str | None
    reported_grade: str | None
    findings: tuple[Expected, ...]
    messages: tuple[Message, ...] = ()

    @property
    def mapping(self) -> dict[str, str] | None:
        return HENAN_MAPPING if self.path.startswith("custom/henan") else None


# --- the samples, by hand ----------------------------------------------------------------------------

ANHUI_SHEET = "自评表"
ROADS = "项目1-道路养护"
TRAINING = "项目2-职业培训"
SICHUAN_SHEET = "部门整体支出绩效自评表"

SAMPLES = (
    # Anhui 2022, the national template (产出 50 / 效益 30 / 满意度 10 / 预算执行 10): everything
    # adds up, but 「基本达成」 is the 部分达成 tier and the unit gave it 8 of 10, the 达成 band.
    Sample(
        "anhui-2022-project.xlsx",
        "anhui-2022-project.xlsx",
        "anhui-2022-project",
        PROJECT,
        budget="9.76",  # 507.40 / 520.00 = 0.975769…; × 10 = 9.75769… → 9.76 (reported 9.76, rate 97.58% as shown)
        rows=(
            "10",  # ≥50公里, 52公里: met → 10
            "10",  # =3座, 3座: = reads ≥, met → 10
            "9",  # ≥2万人, 1.8万人: 1.8 / 2 × 10 = 9.00
            "5",  # ≥95%, 96.8%: met → 5
            "5",  # =100%, 100%: met → 5
            "4.72",  # ≥90%, 85%: 85 / 90 × 5 = 4.7222… → 4.72
            "5",  # ≤12万元/公里, 11.5万元/公里: within → 5
            "10",  # ≥90%, 92% → 10
            "10",  # ≥95%, 95%: equal is met → 10
            "6",  # 有效 / 基本达成 → 部分达成 [6, 8); 8 is outside (max excluded) → default 60% × 10 = 6.00
            "10",  # ≥90%, 93% → 10
        ),
        # 9.76 + (10 + 10 + 9 + 5 + 5 + 4.72 + 5) + (10 + 10 + 6) + 10 = 9.76 + 48.72 + 26 + 10 = 94.48
        total="94.48",
        grade="优",
        reported_total="96.48",  # = 9.76 + 48.72 + 28 + 10: the items as the unit scored them
        reported_grade="优",
        findings=(
            F("error", "tier-band", f"{ANHUI_SHEET}!G22", 9, "工程运行维护机制", "8", "6"),
            F("error", "total-score", reported="96.48", recomputed="94.48"),  # +2.00
        ),
        messages=(
            Message(
                "tier-band",
                f"{ANHUI_SHEET}!G22",
                "工程运行维护机制：实际完成「基本达成」属「部分达成」档（[6, 8) 分），自评 8 分不在该档内；"
                "按该档默认分 6.00 分计，相差 +2.00 分。",
                "工程运行维护机制: the actual '基本达成' is in the tier “partly achieved” ([6, 8) points) but the "
                "self-score 8 lies outside it; the tier's default of 6.00 applies, a difference of +2.00.",
            ),
        ),
    ),
    # Hubei, sheet 1: 预算执行 both as a row (10) and as a budget block with no 分值: the row scores
    # budget execution, so the block only shows the amounts and the points add to 100; a missed
    # deadline kept 9.95 (0.1 + 0.2 + 9.65 as a float); 「有所提升」 given 17 of 20; a 总分 of 96.1
    # while the unit's own scores add up to 96.90; 良, which the recomputed 81.95 is too.
    Sample(
        f"hubei-2023-workbook.xlsx!{ROADS}",
        "hubei-2023-workbook.xlsx",
        f"hubei-2023-workbook/{ROADS}",
        PROJECT,
        budget=None,  # no 分值 and a 预算执行率 row (row 6): not scored (318.40 / 320.00 = 99.5% only shown)
        rows=(
            "20",  # 50 (a plain number: =, read ≥), 52: met → 20
            "20",  # ≥95%, 96.8% (0.968 in a 0.0% cell) → 20
            "0",  # deadline 2023-11-30, done 2023-12-15: late → 0
            "10",  # ≤6元/平方米, 5.8元/平方米 → 10
            "12",  # 明显提升 / 有所提升 → 部分达成 [12, 16); 17 outside → 60% × 20 = 12.00
            "10",  # ≥85%, 88% → 10
            "9.95",  # 100% (=, read ≥), 99.5%: 99.5 / 100 × 10 = 9.95
        ),
        # 20 + 20 + 0 + 10 + 12 + 10 + 9.95 = 81.95 (80 ≤ 81.95 < 90: 良)
        total="81.95",
        grade="良",
        reported_total="96.1",
        reported_grade="良",  # under its label 评价等级 (I14 → I15): matches, so no `grade` finding
        findings=(
            # points: 产出 20 + 20 + 10 + 10 = 60, 效益 20, 满意度 10, 预算执行率 10 (the row) = 100: no total-points
            F("warning", "level1-points", f"{ROADS}!A7", 0, "产出指标", "60", "50"),  # 20 + 20 + 10 + 10
            F("warning", "level1-points", f"{ROADS}!A11", 4, "效益指标", "20", "30"),
            F("error", "row-score", f"{ROADS}!G9", 2, "养护完成时间", "9.95", "0"),
            F("error", "tier-band", f"{ROADS}!G11", 4, "道路通行效率提升", "17", "12"),
            F("info", "no-note", f"{ROADS}!H13", 6, "预算执行率"),  # 9.95 of 10, no 偏差原因
            # 20 + 20 + 9.95 + 10 + 17 + 10 + 9.95 = 96.90, not 96.1 (the block is not an item: no 得分 needed)
            F("error", "total-sum", reported="96.1", recomputed="96.90"),  # 96.1 − 96.90 = −0.80
            F("error", "total-score", reported="96.1", recomputed="81.95"),  # 96.1 − 81.95 = +14.15
        ),
        messages=(
            Message(
                "row-score",
                f"{ROADS}!G9",
                "养护完成时间：自评 9.95 分，按规则应得 0.00 分，相差 +9.95 分：计划 2023-11-30 前完成，"
                "实际 2023-12-15 才完成，不得分。",
                "养护完成时间: self-scored 9.95, the rule gives 0.00, a difference of +9.95: finished 2023-12-15, "
                "after the deadline 2023-11-30, no points.",
            ),
            Message(
                "total-score",
                "",
                "总分：自评 96.1，按规则重算为 81.95，相差 +14.15。",
                "Total: reported 96.1, recomputed 81.95 under the rules, a difference of +14.15.",
            ),
        ),
    ),
    # Hubei, sheet 2: weights moved by the province (产出 40, 效益 40); 83% of a 90% target kept 18.5.
    Sample(
        f"hubei-2023-workbook.xlsx!{TRAINING}",
        "hubei-2023-workbook.xlsx",
        f"hubei-2023-workbook/{TRAINING}",
        PROJECT,
        budget="10",  # 85 / 85 = 1 → 10 (reported 10, rate 100%)
        rows=(
            "20",  # ≥2000人次, 2150人次 → 20
            "18.44",  # ≥90%, 83%: 83 / 90 × 20 = 18.444… → 18.44
            "40",  # ≥70%, 76% → 40
            "10",  # ≥90%, 95% → 10
        ),
        total="98.44",  # 10 + 20 + 18.44 + 40 + 10
        grade="优",
        reported_total="98.5",  # 10 + 20 + 18.5 + 40 + 10: adds up
        reported_grade="优",
        findings=(
            F("warning", "level1-points", f"{TRAINING}!B8", 0, "产出指标", "40", "50"),
            F("warning", "level1-points", f"{TRAINING}!B11", 2, "效益指标", "40", "30"),
            F("error", "row-score", f"{TRAINING}!H9", 1, "培训合格率", "18.5", "18.44"),  # +0.06 > 0.01
            F("error", "total-score", reported="98.5", recomputed="98.44"),
        ),
        messages=(
            Message(
                "row-score",
                f"{TRAINING}!H9",
                "培训合格率：自评 18.5 分，按规则应得 18.44 分，相差 +0.06 分：实际完成目标的 92.22%，按比例计分。",
                "培训合格率: self-scored 18.5, the rule gives 18.44, a difference of +0.06: actual 92.22% of target, "
                "scored in proportion.",
            ),
        ),
    ),
    # Shandong 2023, CSV with a two-line header: 「有所提升」 against 「有所提升」 is the 部分达成 tier,
    # [6, 8) of 10, and the unit gave 9 with no reason.
    Sample(
        "shandong-2023-project.csv",
        "shandong-2023-project.csv",
        "shandong-2023-project",
        PROJECT,
        budget="9.79",  # 1322.10 / 1350.00 = 0.979333…; × 10 = 9.7933… → 9.79 (rate 97.93%)
        rows=(
            "15",  # ≥9万吨, 9.3万吨 → 15 (分值 「１５」)
            "15",  # ≥800万平方米, 812万平方米 → 15
            "10",  # 100% (=, read ≥), 100% → 10
            "9.8",  # 100%, 98%: 98 / 100 × 10 = 9.80
            "18",  # 明显提升 / 明显提升 → 达成 [16, 20]; 18 inside → 18
            "6",  # 有所提升 / 有所提升 → 部分达成 [6, 8); 9 outside → 60% × 10 = 6.00
            "10",  # ≥90%, 92% → 10
        ),
        # 9.79 + 15 + 15 + 10 + 9.80 + 18 + 6 + 10 = 93.59
        total="93.59",
        grade="优",
        reported_total="96.59",  # 9.79 + 15 + 15 + 10 + 9.8 + 18 + 9 + 10: adds up
        reported_grade="优",
        findings=(
            F("error", "tier-band", "G14", 5, "群众环境卫生意识提升", "9", "6"),
            F("info", "no-note", "H14", 5, "群众环境卫生意识提升"),
            F("error", "total-score", reported="96.59", recomputed="93.59"),  # +3.00
        ),
        messages=(
            Message(
                "no-note",
                "H14",
                "群众环境卫生意识提升：未得满分（9 / 10 分），但未填写偏差原因分析及改进措施。",
                "群众环境卫生意识提升: not at full marks (9 of 10) but no explanation of the shortfall "
                "(偏差原因分析及改进措施) is given.",
            ),
        ),
    ),
    # JSON, two schools. School A is filled correctly: no findings at all.
    Sample(
        "school-aid-2023.json#school-a",
        "school-aid-2023.json",
        "school-a",
        PROJECT,
        budget="9.6",  # 130.08 / 135.5 = 0.96 exactly (135.5 × 0.96 = 130.08); × 10 = 9.60
        rows=(
            "30",  # ≥300人, 312人 → 30
            "20",  # =100%, 100% → 20
            "30",  # ≤1%, 0.5% → 30
            "9.78",  # ≥90%, 88%: 88 / 90 × 10 = 9.777… → 9.78
        ),
        total="99.38",  # 9.60 + 30 + 20 + 30 + 9.78
        grade="优",
        reported_total="99.38",
        reported_grade="优",
        findings=(),
    ),
    # School B: no budget block, no 效益, 满意度 worth 50, no total written.
    Sample(
        "school-aid-2023.json#school-b",
        "school-aid-2023.json",
        "school-b",
        PROJECT,
        budget=None,
        rows=(
            "49",  # ≥200天, 196天: 196 / 200 × 50 = 49.00 (分值 「５０」)
            "50",  # ≥90%, 95% → 50
        ),
        total="99",
        grade="优",
        reported_total=None,
        reported_grade=None,
        findings=(
            F("warning", "level1-points", indicator="预算执行率", reported="0", recomputed="10"),
            F("warning", "level1-points", indicator="效益指标", reported="0", recomputed="30"),
            F("warning", "level1-points", "rows[1]", 1, "满意度指标", "50", "10"),
            F("info", "no-note", "rows[0]", 0, "营养餐供应天数"),  # 49 of 50, no 偏差原因
        ),
        messages=(
            Message(
                "level1-points",
                "",
                "一级指标「预算执行率」：自评表没有该项内容，规则权重为 10 分。",
                "First-level indicator 预算执行率 (Budget execution rate): the table has nothing under it; "
                "the ruleset weighs it 10 points.",
            ),
        ),
    ),
    # Henan, headers of its own (read with HENAN_MAPPING): 产出 60 and a budget block without 分值. The
    # rows already use up the total (40 + 20 + 30 + 10 = 100), so the block only shows the amounts.
    Sample(
        "custom/henan-2023-custom-headers.csv",
        "custom/henan-2023-custom-headers.csv",
        "henan-2023-custom-headers",
        PROJECT,
        budget=None,  # no 分值 and the rows' points are already 100: not scored (480 / 500 only shown)
        rows=(
            "40",  # ≥1万亩, 1.02万亩 → 40
            "20",  # 100%, 100% → 20
            "27.6",  # ≥50公斤, 46公斤: 46 / 50 × 30 = 27.60
            "10",  # ≥90%, 95% → 10
        ),
        total="97.60",  # 40 + 20 + 27.60 + 10
        grade="优",
        reported_total="97.6",  # 40 + 20 + 27.6 + 10: adds up; 97.6 − 97.60 = 0: no total-score
        reported_grade=None,
        findings=(
            # points: 产出 60 + 效益 30 + 满意度 10 = 100: no total-points
            F("warning", "level1-points", indicator="预算执行率", reported="0", recomputed="10"),
            F("warning", "level1-points", "A4", 0, "产出指标", "60", "50"),  # 40 + 20
        ),
        messages=(
            Message(
                "level1-points",
                "A4",
                "一级指标「产出指标」：自评表各项分值合计 60，规则权重为 50，相差 +10。",
                "First-level indicator 产出指标 (Output): the table's points add up to 60; the ruleset weighs it "
                "50, a difference of +10.",
            ),
        ),
    ),
    # Sichuan 2023, department (预算执行 10 + 90): the 预算执行率 row scores budget execution, so the
    # budget block (no 分值) only shows the amounts: 预算执行 has 10 points (the ruleset: 15), the table 100.
    Sample(
        "sichuan-2023-department.xlsx",
        "sichuan-2023-department.xlsx",
        "sichuan-2023-department",
        DEPARTMENT,
        budget=None,  # no 分值 and a 预算执行率 row (row 0): not scored (1198.20 / 1230.50 only shown)
        rows=(
            "9.74",  # 预算执行率 100% (=, read ≥), 97.38%: 97.38 / 100 × 10 = 9.738 → 9.74
            "15",  # ≥95%, 98% → 15
            "10",  # ≥120次, 136次 → 10 (136 / 120 = 1.13, below the 1.3 flag)
            "10",  # 100%, 100% → 10
            "14.71",  # ≥88%, 86.3%: 86.3 / 88 × 15 = 14.7102… → 14.71
            "10",  # 100%, 100% → 10
            "10",  # ≥5%, 6.2% → 10 (1.24 of the target)
            "10",  # ≥90%, 91.5% → 10
            "9.5",  # 建立 / 已建立 → 达成 [8, 10] (the ruleset's vocabulary); 9.5 inside → 9.50
        ),
        # 9.74 + (15 + 10 + 10 + 14.71 + 10) + (10 + 10 + 9.50) = 9.74 + 59.71 + 29.50 = 98.95
        total="98.95",
        grade="优",
        reported_total="98.95",  # the rows as scored: 98.95, adds up; 98.95 − 98.95 = 0: no total-score
        reported_grade="优",  # 「自评等级：优」 in one cell
        findings=(
            # points: 预算执行 10 + 产出 60 + 效益 30 (效果 → 效益) = 100: no total-points
            F("warning", "level1-points", f"{SICHUAN_SHEET}!A8", 0, "预算执行", "10", "15"),  # the row's 10
            F("warning", "level1-points", f"{SICHUAN_SHEET}!A9", 1, "产出", "60", "40"),  # 15+10+10+15+10
            F("warning", "level1-points", indicator="管理", reported="0", recomputed="15"),
        ),
        messages=(
            Message(
                "level1-points",
                f"{SICHUAN_SHEET}!A8",
                "一级指标「预算执行」：自评表各项分值合计 10，规则权重为 15，相差 -5。",
                "First-level indicator 预算执行 (Budget execution): the table's points add up to 10; the ruleset "
                "weighs it 15, a difference of -5.",
            ),
        ),
    ),
    # Chongqing 2023, department, GB18030 CSV: management indicators worth 2–5 under 「过程」 (→ 管理),
    # a budget block with no 分值 or 得分 while the rows already use up the total (17 + 55 + 28 = 100), so
    # the block only shows the amounts; and a 合计 of 98.56 while the rows add up to 99.06.
    Sample(
        "chongqing-2023-management.csv",
        "chongqing-2023-management.csv",
        "chongqing-2023-management",
        DEPARTMENT,
        budget=None,  # no 分值: not scored (842.35 / 860.00 only shown)
        rows=(
            "5",  # 合规 / 合规 → 达成 [4, 5]; 5 inside → 5
            "3",  # 健全 / 健全 → 达成 [2.4, 3]; 3 → 3
            "1.5",  # ≤10%, 12.5%: (1 − 2.5 / 10) × 2 = 1.50
            "2",  # ≤5%, 2.05% → 2
            "2",  # 100%, 100% → 2
            "3",  # 安全 / 安全 → 达成; 3 → 3
            "20",  # ≥95%, 97% → 20
            "20",  # ≥90%, 96.5% → 20
            "15",  # ≤0.2%, 0.1% → 15
            "19.56",  # ≥90%, 88%: 88 / 90 × 20 = 19.555… → 19.56
            "8",  # ≥85%, 90% → 8
        ),
        # (5 + 3 + 1.5 + 2 + 2 + 3) + (20 + 20 + 15) + (19.56 + 8) = 16.5 + 55 + 27.56 = 99.06
        total="99.06",
        grade="优",
        reported_total="98.56",  # the rows as scored add up to 99.06
        reported_grade="优",
        findings=(
            F("warning", "level1-points", indicator="预算执行", reported="0", recomputed="15"),  # no such rows
            F("warning", "level1-points", "B15", 6, "产出", "55", "40"),  # 20 + 20 + 15
            F("warning", "level1-points", "B18", 9, "效益", "28", "30"),  # 20 + 8
            F("warning", "level1-points", "B9", 0, "管理", "17", "15"),  # 5 + 3 + 2 + 2 + 2 + 3
            # 5 + 3 + 1.5 + 2 + 2 + 3 + 20 + 20 + 15 + 19.56 + 8 = 99.06, not 98.56
            F("error", "total-sum", reported="98.56", recomputed="99.06"),
            F("warning", "total-score", reported="98.56", recomputed="99.06"),  # −0.50: scored lower than the rules
        ),
        messages=(
            Message(
                "level1-points",
                "B9",
                "一级指标「管理」：自评表各项分值合计 17，规则权重为 15，相差 +2。",
                "First-level indicator 管理 (Management): the table's points add up to 17; the ruleset weighs it "
                "15, a difference of +2.",
            ),
        ),
    ),
    # The seed, 荔湾区委政法委 2023: a TOML whose rows are an illustration (预算执行率 worth 50), plus
    # the published budget (no 分值, and the 预算执行率 row scores it: only shown). Nothing under 效益 or 管理.
    Sample(
        "guangzhou-liwan-2023.toml",
        "guangzhou-liwan-2023.toml",
        "liwan-2023",
        DEPARTMENT,
        budget=None,  # no 分值 and a 预算执行率 row (row 0): not scored (2456.19 / 2468.78 only shown)
        rows=(
            "49.75",  # =100% (read ≥), 99.49%: 99.49 / 100 × 50 = 49.745 → 49.75 half-up
            "25",  # ≥95%, 95% → 25
            "25",  # =100%, 100% → 25
        ),
        total="99.75",  # 49.75 + 25 + 25
        grade="优",
        reported_total="99.75",  # 49.75 + 25 + 25: adds up; 99.75 − 99.75 = 0: no total-score
        reported_grade="优",
        findings=(
            # points: 预算执行 50 + 产出 50 = 100: no total-points
            F("warning", "level1-points", "rows[0]", 0, "预算执行", "50", "15"),  # the row's 50
            F("warning", "level1-points", "rows[1]", 1, "产出", "50", "40"),
            F("warning", "level1-points", indicator="效益", reported="0", recomputed="30"),
            F("warning", "level1-points", indicator="管理", reported="0", recomputed="15"),
        ),
        messages=(
            Message(
                "level1-points",
                "rows[0]",
                "一级指标「预算执行」：自评表各项分值合计 50，规则权重为 15，相差 +35。",
                "First-level indicator 预算执行 (Budget execution): the table's points add up to 50; the ruleset "
                "weighs it 15, a difference of +35.",
            ),
        ),
    ),
    # Every form a reviewer reads (forms-2023-project.xlsx, made by make_samples.py), under the project
    # template: nothing is refused; each assumption is a finding at the cell it is about.
    Sample(
        "forms-2023-project.xlsx",
        "forms-2023-project.xlsx",
        "forms-2023-project",
        PROJECT,
        budget="9.65",  # only the printed rate, 96.5%, and 分值 10: 0.965 × 10 = 9.65
        rows=(
            "3",  # 项目决策 (not a first level of the template): 符合相关规定 / 符合相关规定 → 达成 [2.4, 3]; 3 stands
            "2",  # 合规 / 合规 → 达成 [1.6, 2]; 2 stands
            "8",  # ≥2万亩, 2.1万亩 → 8
            "5",  # ≥250米, 「≥266米」 read as 266米 → 5
            "4",  # ≥500户, 520人: 人 does not convert to 户, compared as written, 520 ≥ 500 → 4
            "6",  # ﹦100% (= read ≥), 「100」 read as 100% → 6
            "5",  # ≥90百分比 (百分比 is %), 92% → 5
            "4",  # ≥8厘米, 0.09米 = 9厘米 → 4
            "5",  # by 2023-11-30, done 2023-11-20 → 5
            "4",  # ≤5天, 96小时 = 4天 → 4
            "5",  # ≤202.6万元, 「132.9」 read as 132.9万元 → 5
            "4",  # ≤3000元/人*月 (a unit of its own), 2800元/人*月 → 4
            "5",  # ≥50公斤, 0.06吨 = 60公斤 → 5
            "5",  # 严格执行相关制度规定 / 及时 → 达成 [4, 5]; 5 stands
            "3",  # 及时 / 基本及时 → 部分达成 [3, 4); 5 outside → 60% × 5 = 3.00
            "5",  # empty target: 「达到60%」 in the name → ≥60%; 62% → 5
            "4",  # empty target, none in the name: the unit's 4 kept, to be checked by hand
            "5",  # 群众投诉发生率 (投诉, 发生: lower is better), 0.5% read ≤0.5%; 0.2% → 5
            "10",  # ≥90%, 「详见附件」 is not a value: the unit's 10 kept, to be checked by hand
        ),
        # 9.65 + 3 + 2 + (8 + 5 + 4 + 6 + 5 + 4 + 5 + 4 + 5 + 4) + (5 + 5 + 3 + 5 + 4 + 5) + 10 = 101.65
        total="101.65",
        grade="优",  # what the scale says of 101.65; the audit shows no grade above the full score of 100
        reported_total="103.65",  # 9.65 + 5 + 50 + 29 + 10: adds up
        reported_grade="优",
        findings=(
            F("error", "above-total", reported="103.65", recomputed="101.65"),  # 101.65 > 100: no grade
            F("error", "total-score", reported="103.65", recomputed="101.65"),  # +2.00
            F("error", "total-points", reported="105", recomputed="100"),  # 10 + 5 + 50 + 30 + 10
            F("warning", "unknown-level1", indicator="项目决策", reported="5"),  # one finding for its two rows
            F("error", "tier-band", f"{FORMS}!G21", 14, "资金拨付及时性", "5", "3"),
            F("warning", "unreadable", f"{FORMS}!D23", 16, "工程管护机制", "4", "4"),
            F("warning", "unreadable", f"{FORMS}!E25", 18, "受益农户满意度", "10", "10"),
            F("info", "assumed", f"{FORMS}!B4", None, "预算执行率"),  # only the rate
            F("info", "assumed", f"{FORMS}!E10", 3, "新修机耕路"),  # 「≥266米」
            F("info", "assumed", f"{FORMS}!E11", 4, "受益农户"),  # 户 and 人
            F("info", "assumed", f"{FORMS}!E12", 5, "工程验收合格率"),  # 「100」
            F("info", "assumed", f"{FORMS}!E17", 10, "项目总成本"),  # 「132.9」
            F("info", "assumed", f"{FORMS}!C22", 15, "农田灌溉水有效利用率达到60%"),  # the target in the name
            F("info", "assumed", f"{FORMS}!D24", 17, "群众投诉发生率"),  # ≤ assumed
        ),
        messages=(
            Message(
                "assumed",
                f"{FORMS}!D24",
                "群众投诉发生率：指标名称含「发生」，越低越好：年度指标值「0.5%」未写比较符号，按「≤」计分。",
                "群众投诉发生率: the indicator's name says '发生', lower is better: the target '0.5%' has no "
                "comparison and is read as ≤.",
            ),
            Message(
                "unreadable",
                f"{FORMS}!E25",
                "受益农户满意度：实际完成值「详见附件」无法识别：写的是文字，目标是数值；应为带单位的实际完成数值"
                "（52个、96.5%）、完成日期（9月20日）或词表中的用语；保留单位自评 10.00 分，需人工复核。",
                "受益农户满意度: actual (实际完成值) '详见附件' cannot be read: this is written in words; expected a "
                "number such as 90%, as the target '≥90%' is a number; the unit's own score of 10.00 is kept, to be "
                "checked by hand.",
            ),
            Message(
                "unknown-level1",
                "",
                "一级指标「项目决策」与规则的一级指标（预算执行率、产出指标、效益指标、满意度指标）都不匹配：其下 2 项按表中"
                "分值计入，共 5 分；可在规则的 [tables.level1] 中指明它属于哪个一级指标。",
                "The first-level indicator '项目决策' matches none of the ruleset's (预算执行率 (Budget execution "
                "rate), 产出指标 (Output), 效益指标 (Effect), 满意度指标 (Satisfaction)): its 2 rows are scored by "
                "their own points, 5 in all; [tables.level1] in the ruleset can say where it belongs.",
            ),
        ),
    ),
    # Under project-execution-bands: budget execution in bands. 409 / 480 = 85.21% is in [80%, 90%): 80% of
    # 10 = 8.00, where the unit wrote 8.52 (85.21% × 10, the 10号 way).
    Sample(
        "bands-2023-project.csv",
        "bands-2023-project.csv",
        "bands-2023-project",
        BANDS,
        budget="8",  # 409 / 480 = 0.852083…, band [0.8, 0.9): 0.8 × 10 = 8.00
        rows=(
            "20",  # ≥40个, 42个 → 20
            "15",  # =100%, 「=100%」 read as 100% → 15
            "15",  # by 2023-10-31, done 2023-09-28 → 15
            "18",  # 明显提升 / 有所提升 → 部分达成 [18, 24); 24 outside → 60% × 30 = 18.00
            "10",  # ≥90%, 94% → 10
        ),
        total="86",  # 8 + 20 + 15 + 15 + 18 + 10 (80 ≤ 86 < 90: 良)
        grade="良",
        reported_total="92.52",  # 8.52 + 20 + 15 + 15 + 24 + 10: adds up
        reported_grade="优",
        findings=(
            F("error", "total-score", reported="92.52", recomputed="86"),  # +6.52
            F("error", "grade"),  # 优 against 良
            F("error", "tier-band", "G10", 3, "老年人生活照料水平", "24", "18"),
            F("error", "budget-score", "B4", None, "预算执行率", "8.52", "8"),  # +0.52 under the bands
            F("info", "assumed", "E8", 1, "服务规范达标率"),  # 「=100%」
        ),
        messages=(
            Message(
                "budget-score",
                "B4",
                "预算执行率：自评 8.52 分，按规则应得 8.00 分，相差 +0.52 分：执行率 85.21%，按规则「项目支出绩效自评"
                "（预算执行率分档计分）」的预算执行率计分办法计分。",
                "预算执行率: self-scored 8.52, the rule gives 8.00, a difference of +0.52: execution rate 85.21%, "
                "scored by the budget rule of project-execution-bands.",
            ),
        ),
    ),
    # Under project-four-stage: 决策 / 过程 / 产出 / 效益, the 预算执行率 a row under 过程, no budget block.
    Sample(
        "four-stage-2023-project.csv",
        "four-stage-2023-project.csv",
        "four-stage-2023-project",
        FOUR_STAGE,
        budget=None,
        rows=(
            "8",  # 符合相关规定 / 符合相关规定 → 达成 [6.4, 8]; 8 stands
            "4.2",  # 合规 / 基本合规 → 部分达成 [4.2, 5.6); 6 outside → 60% × 7 = 4.20
            "9.85",  # ≥95%, 93.6%: 93.6 / 95 × 10 = 9.8526… → 9.85
            "15",  # 严格执行相关制度规定 / 合规 → 达成 [12, 15]; 15 stands
            "24.69",  # ≥120公里, 118500米 = 118.5公里: 118.5 / 120 × 25 = 24.6875 → 24.69
            "15",  # ≥85%, 87% → 15
            "10",  # 明显改善 / 明显改善 → 达成; 10 stands
            "10",  # ≥90%, 91.5% → 10
        ),
        total="96.74",  # 8 + 4.2 + 9.85 + 15 + 24.69 + 15 + 10 + 10
        grade="优",
        reported_total="99",  # 8 + 6 + 10 + 15 + 25 + 15 + 10 + 10: adds up
        reported_grade="优",
        findings=(
            F("error", "total-score", reported="99", recomputed="96.74"),  # +2.26
            F("error", "tier-band", "G6", 1, "绩效目标合理性", "6", "4.2"),
            F("error", "row-score", "G9", 4, "养护农村公路里程", "25", "24.69"),
            F("error", "row-score", "G7", 2, "预算执行率", "10", "9.85"),
        ),
    ),
    # Under project-management-performance: 项目管理 60 (the budget block's 20 counts there) and 项目绩效 40.
    Sample(
        "management-2023-project.csv",
        "management-2023-project.csv",
        "management-2023-project",
        MANAGEMENT,
        budget="19.4",  # 776 / 800 = 0.97 × 20 = 19.40
        rows=(
            "20",  # 合规 / 合规 → 达成; 20 stands
            "12",  # 规范 / 基本规范 → 部分达成 [12, 16); 18 outside → 60% × 20 = 12.00
            "20",  # ≥1.2万平方米, 12650平方米 = 1.265万平方米 → 20
            "20",  # 明显改善 / 明显改善 → 达成; 20 stands
        ),
        total="91.4",  # 19.4 + 20 + 12 + 20 + 20
        grade="优",
        reported_total="97.4",  # 19.4 + 20 + 18 + 20 + 20: adds up
        reported_grade="优",
        findings=(
            F("error", "total-score", reported="97.4", recomputed="91.4"),  # +6.00
            F("error", "tier-band", "G7", 1, "项目实施规范性", "18", "12"),
        ),
    ),
    # A county forestry bureau under department-wide: lower-is-better rates written without a comparison.
    # Read as ≥ they would score 0 (0% of 0.9%) and give confident wrong findings; read as ≤ they are met.
    Sample(
        "forestry-2023-department.csv",
        "forestry-2023-department.csv",
        "forestry-2023-department",
        DEPARTMENT,
        budget="14.55",  # 2037 / 2100 = 0.97 × 15 = 14.55
        rows=(
            "10",  # ≥3000亩, 3150亩 → 10
            "10",  # ≥1200亩, 1230亩 → 10
            "10",  # 0.9% on 森林火灾受害率 (受害): ≤0.9%; 0% → 10
            "10",  # 4‰ on 主要林业有害生物成灾率 (成灾): ≤4‰; 2.1‰ → 10
            "15",  # ≥62%, 62.3% → 15
            "5",  # ≤10件, 「=0件」 read as 0件 → 5
            "10",  # ≥90%, 93% → 10
            "5",  # 100% on 财政供养人员控制率 (控制): ≤100%; 92% → 5
            "5",  # 合规 / 合规 → 达成; 5 stands
            "5",  # 100% on 三公经费控制率 (控制): ≤100%; 85% → 5
        ),
        total="99.55",  # 14.55 + 40 + 30 + 15
        grade="优",
        reported_total="99.55",
        reported_grade="优",
        findings=(
            F("info", "assumed", "D8", 2, "森林火灾受害率"),
            F("info", "assumed", "D9", 3, "主要林业有害生物成灾率"),
            F("info", "assumed", "E11", 5, "林业行政案件发生数"),
            F("info", "assumed", "D13", 7, "财政供养人员控制率"),
            F("info", "assumed", "D15", 9, "三公经费控制率"),
        ),
    ),
)

BY_LABEL = {sample.label: sample for sample in SAMPLES}


def ids(sample: Sample) -> str:
    return sample.label


CHONGQING = "chongqing-2023-management.csv"


def with_known_gaps(samples: tuple[Sample, ...]) -> list[Any]:
    """The samples as test cases."""
    return [
        pytest.param(sample, id=sample.label)
        for sample in samples
    ]


@cache
def ruleset(name: str) -> Ruleset:
    return perfscore.load(ROOT / "rulesets" / f"{name}.toml")


@cache
def tables_in(path: str) -> dict[str, Table]:
    mapping = HENAN_MAPPING if path.startswith("custom/henan") else None
    return {table.id: table for table in read_tables(TABLES / path, mapping=mapping)}


def table_of(sample: Sample) -> Table:
    return tables_in(sample.path)[sample.table_id]


@cache
def _audit(label: str) -> Audit:
    sample = BY_LABEL[label]
    return audit_table(table_of(sample), ruleset(sample.ruleset))


def audit_of(sample: Sample) -> Audit:
    return _audit(sample.label)


# --- every sample, once ----------------------------------------------------------------------------


def test_every_sample_table_has_a_case() -> None:
    """Each table of each sample file (each sheet, each [[tables]] entry) is in SAMPLES, and nothing else."""
    found = set()
    for folder in (TABLES, TABLES / "custom"):
        for path in table_files(folder):
            relative = path.relative_to(TABLES).as_posix()
            found |= {(relative, table_id) for table_id in tables_in(relative)}
    assert found == {(sample.path, sample.table_id) for sample in SAMPLES}


# --- recomputed scores --------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES, ids=ids)
def test_every_item_is_recomputed_by_its_rule(sample: Sample) -> None:
    """The budget block and each row score what the hand arithmetic in the case table says."""
    score = audit_of(sample).score
    budget = score.budget_item
    assert (None if budget is None else _same(budget.score)) == _same(sample.budget)
    table = table_of(sample)
    assert [_same(score.item(index).score) for index in range(len(table.rows))] == [_same(s) for s in sample.rows]


@pytest.mark.parametrize("sample", SAMPLES, ids=ids)
def test_totals_and_grades(sample: Sample) -> None:
    """The recomputed total and grade, and the reported total and grade as the table gives them."""
    audit = audit_of(sample)
    assert audit.recomputed_total == Decimal(sample.total)
    assert audit.recomputed_grade.name == sample.grade
    assert _same(audit.reported_total) == _same(sample.reported_total)
    assert audit.reported_grade == sample.reported_grade
    expected = None if sample.reported_total is None else Decimal(sample.reported_total) - Decimal(sample.total)
    assert audit.total_difference == expected


# --- findings -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", with_known_gaps(SAMPLES))
def test_findings(sample: Sample) -> None:
    """Exactly the findings worked out by hand: code, severity, cell, row, indicator and both numbers."""
    found = [seen(finding) for finding in audit_of(sample).findings]
    assert len(set(found)) == len(found)  # no finding twice, so the sets say everything
    assert set(found) == set(sample.findings)


MESSAGES = [(sample, message) for sample in SAMPLES for message in sample.messages]


@pytest.mark.parametrize(
    ("sample", "message"), MESSAGES, ids=[f"{sample.label}-{message.code}" for sample, message in MESSAGES]
)
def test_a_finding_in_full(sample: Sample, message: Message) -> None:
    """The message a reviewer reads, in Chinese and in English."""
    matches = [f for f in audit_of(sample).findings if (f.code, f.where) == (message.code, message.where)]
    assert (message.zh, message.en) in [(f.message("zh"), f.message("en")) for f in matches]


def test_a_table_filled_by_the_rules_has_nothing_to_report() -> None:
    """school-a: every self-score is the rule's, so the audit is clean and says so."""
    audit = audit_of(BY_LABEL["school-aid-2023.json#school-a"])
    assert audit.ok and audit.findings == ()
    assert "\n  未发现问题。\n" in audit.render("text", "zh")
    assert "\n  No findings.\n" in audit.render("text", "en")


# --- what each messy sample was made to show -------------------------------------------------------------

INCONSISTENT = [
    # a totals row that does not add up: 总分 against the sum of the unit's own scores
    ("hubei-2023-workbook.xlsx!项目1-道路养护", "total-sum", "96.1", "96.90"),
    (CHONGQING, "total-sum", "98.56", "99.06"),
    # points adding to 110 (and to 115 under the department framework): a budget block with no 分值 is
    # scored at the ruleset's weight when no row scores budget execution (Henan: 10, Chongqing: 15)
    # a qualitative score outside the band of the tier its words name
    ("anhui-2022-project.xlsx", "tier-band", "8", "6"),
    ("hubei-2023-workbook.xlsx!项目1-道路养护", "tier-band", "17", "12"),
    ("shandong-2023-project.csv", "tier-band", "9", "6"),
    # a missed deadline that kept its points, and a proportional score rounded up
    ("hubei-2023-workbook.xlsx!项目1-道路养护", "row-score", "9.95", "0"),
    ("hubei-2023-workbook.xlsx!项目2-职业培训", "row-score", "18.5", "18.44"),
]


@pytest.mark.parametrize(("label", "code", "reported", "recomputed"), INCONSISTENT)
def test_the_audit_reports_what_the_sample_gets_wrong(label: str, code: str, reported: str, recomputed: str) -> None:
    """Each inconsistency a sample was made with is a finding carrying both numbers."""
    findings = audit_of(BY_LABEL[label]).findings
    assert (code, _same(reported), _same(recomputed)) in [
        (f.code, _same(f.reported), _same(f.recomputed)) for f in findings
    ]


@pytest.mark.parametrize("sample", SAMPLES, ids=ids)
def test_no_budget_block_is_mis_scored(sample: Sample) -> None:
    """Every budget score and rate a sample writes is min(executed / adjusted, 1) × points, within 0.01 —
    except the banded one, where the unit's 8.52 is min(rate, 1) × points but the ruleset's bands give 8."""
    codes = {finding.code for finding in audit_of(sample).findings}
    expected = {"budget-score"} if sample.ruleset == BANDS else set()
    assert codes & {"budget-score", "budget-rate"} == expected


# --- docs/tables.md lists the same numbers ----------------------------------------------------------------


def _doc_rows() -> dict[str, tuple[str, str | None]]:
    """The sample table of docs/tables.md: file → (ruleset, recomputed total)."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### The sample tables", 1)[1]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and cells[0].startswith("`"):
            rows[cells[0].strip("`")] = (cells[1].strip("`"), _same(re.sub(r"[^\d.]", "", cells[3])))
    return rows


def test_the_docs_list_every_sample_with_its_total() -> None:
    """docs/tables.md, «The sample tables»: each sample with its ruleset and recomputed total."""
    assert _doc_rows() == {sample.label: (sample.ruleset, _same(sample.total)) for sample in SAMPLES}
