"""``perfscore diff``: how a finance bureau reviews next year's rules before publishing them.

Two realistic pairs live in tests/diff/:

- ``rulesets/department-wide.toml`` (2023.1) against ``department-2024.toml``: 预算执行率 10 → 15
  points, the full-marks band of 结转结余率 tightened from ≤ 1% to ≤ 0.5%, 管理制度健全性 (5 points)
  removed and its findings counted against 资金使用合规性 instead. The seed unit moves from 99.75
  to 96.92, worked out by hand in :func:`test_the_seed_unit_moves_by_hand`.
- ``training-2023.toml`` against ``training-2024.toml`` with three units: one scored under both,
  one the new version refuses, one neither version accepts.

Small one-leaf pairs then pin each kind of change, one row each.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import perfscore
from helpers import one_leaf_text
from perfscore.cli import run
from perfscore.diff import compare, movements, render_diff
from perfscore.text import columns

ROOT = Path(__file__).resolve().parents[1]
OLD = "rulesets/department-wide.toml"
NEW = "tests/diff/department-2024.toml"
SEED = "examples/liwan-2023.toml"
TRAINING_OLD = "tests/diff/training-2023.toml"
TRAINING_NEW = "tests/diff/training-2024.toml"
TRAINING_UNITS = "tests/diff/training-units.toml"


@pytest.fixture(autouse=True)
def in_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root so file names in the output are short and stable."""
    monkeypatch.chdir(ROOT)


def run_diff(old: str, new: str, data: list[str] = [], fmt: str = "text", lang: str = "zh") -> tuple[str, int]:  # noqa: B006
    """``perfscore diff``: what it prints (standard output on success, standard error otherwise) and its status."""
    out, err = io.StringIO(), io.StringIO()
    status = run(["diff", old, new, *data, "--format", fmt, "--lang", lang], out, err)
    return (out.getvalue() if status == 0 else err.getvalue()), status


def diff_output(old: str, new: str, *data: str, fmt: str = "text", lang: str = "zh") -> str:
    """What ``perfscore diff`` prints for these files; fails if the command did not succeed."""
    text, status = run_diff(old, new, list(data), fmt, lang)
    assert status == 0, text
    return text


# --- the department pair: 2023.1 → 2024.1 ---------------------------------------------------

DEPARTMENT_ZH = """\
规则版本对比
  旧版: 部门整体支出绩效自评（通用框架） (department-wide 2023.1)
  新版: 部门整体支出绩效自评（通用框架） (department-wide 2024.1)

规则信息变化
  版本：2023.1 → 2024.1

删除指标
  管理制度健全性 [management.rules]：5 分，扣分法

分值调整
  指标                                旧分值  新分值  差
  预算执行 [budget]                       15      20  +5
  预算执行率 [budget.execution_rate]      10      15  +5
  管理 [management]                       15      10  −5

计分参数变更
  结转结余率 [budget.carryover_rate]
    分档（第 1 档）：≤ 0.01 满分 → ≤ 0.005 满分
    分档（第 2 档）：(0.01, 0.03] 3 分 → (0.005, 0.03] 3 分
  资金使用合规性 [management.compliance]
    计数：compliance_findings → compliance_findings + system_findings

单位得分变化
  单位                                      旧总分  新总分     差  旧等级  新等级
  examples/liwan-2023.toml#liwan-zfw-2023    99.75   96.92  −2.83  优      优
    预算执行率 [budget.execution_rate]        9.95   14.92  +4.97
    结转结余率 [budget.carryover_rate]        5.00    3.00  −2.00
    管理制度健全性 [management.rules]         4.80       —  −4.80
    资金使用合规性 [management.compliance]    5.00    4.00  −1.00
"""

DEPARTMENT_EN = """\
Comparing ruleset versions
  Old: Department-wide expenditure performance self-evaluation (general framework) (department-wide 2023.1)
  New: Department-wide expenditure performance self-evaluation (general framework) (department-wide 2024.1)

Ruleset settings changed
  version: 2023.1 → 2024.1

Indicators removed
  Management rules in place [management.rules]: 5 points, deduction

Points changed
  Indicator                                      Old  New  Change
  Budget execution [budget]                       15   20      +5
  Budget execution rate [budget.execution_rate]   10   15      +5
  Management [management]                         15   10      −5

Scoring parameters changed
  Carry-over rate [budget.carryover_rate]
    band 1: ≤ 0.01 full marks → ≤ 0.005 full marks
    band 2: (0.01, 0.03] 3 points → (0.005, 0.03] 3 points
  Funds used in compliance [management.compliance]
    count: compliance_findings → compliance_findings + system_findings

Unit scores
  Unit                                                Old total  New total  Change  Old grade  New grade
  examples/liwan-2023.toml#liwan-zfw-2023                 99.75      96.92   −2.83  Excellent  Excellent
    Budget execution rate [budget.execution_rate]          9.95      14.92   +4.97
    Carry-over rate [budget.carryover_rate]                5.00       3.00   −2.00
    Management rules in place [management.rules]           4.80          —   −4.80
    Funds used in compliance [management.compliance]       5.00       4.00   −1.00
"""

DEPARTMENT_MARKDOWN = """\
# 规则版本对比

- 旧版: 部门整体支出绩效自评（通用框架） (department-wide 2023.1)
- 新版: 部门整体支出绩效自评（通用框架） (department-wide 2024.1)

## 规则信息变化

- 版本：2023.1 → 2024.1

## 删除指标

- 管理制度健全性 \\[management.rules\\]：5 分，扣分法

## 分值调整

| 指标 | 旧分值 | 新分值 | 差 |
|---|---:|---:|---:|
| 预算执行 \\[budget\\] | 15 | 20 | +5 |
| 预算执行率 \\[budget.execution\\_rate\\] | 10 | 15 | +5 |
| 管理 \\[management\\] | 15 | 10 | −5 |

## 计分参数变更

- 结转结余率 \\[budget.carryover\\_rate\\]
  - 分档（第 1 档）：≤ 0.01 满分 → ≤ 0.005 满分
  - 分档（第 2 档）：(0.01, 0.03\\] 3 分 → (0.005, 0.03\\] 3 分
- 资金使用合规性 \\[management.compliance\\]
  - 计数：compliance\\_findings → compliance\\_findings + system\\_findings

## 单位得分变化

| 单位 | 旧总分 | 新总分 | 差 | 旧等级 | 新等级 |
|---|---:|---:|---:|---|---|
| **examples/liwan-2023.toml#liwan-zfw-2023** | 99.75 | 96.92 | −2.83 | 优 | 优 |
| \u2003预算执行率 \\[budget.execution\\_rate\\] | 9.95 | 14.92 | +4.97 |  |  |
| \u2003结转结余率 \\[budget.carryover\\_rate\\] | 5.00 | 3.00 | −2.00 |  |  |
| \u2003管理制度健全性 \\[management.rules\\] | 4.80 | — | −4.80 |  |  |
| \u2003资金使用合规性 \\[management.compliance\\] | 5.00 | 4.00 | −1.00 |  |  |
"""


def test_department_revision_in_chinese() -> None:
    """The default report: each kind of change in its own section, then the seed unit's move, leaf by leaf."""
    assert diff_output(OLD, NEW, SEED) == DEPARTMENT_ZH


def test_department_revision_in_english() -> None:
    """lang="en": English headings and indicator names, the same numbers."""
    assert diff_output(OLD, NEW, SEED, lang="en") == DEPARTMENT_EN


def test_department_revision_as_markdown() -> None:
    """fmt="markdown": a heading per section, tables for points and units, leaves indented under their unit."""
    assert diff_output(OLD, NEW, SEED, fmt="markdown") == DEPARTMENT_MARKDOWN


def test_text_tables_line_up_in_terminal_columns() -> None:
    """Chinese characters take two columns: every row ends its 差 cell where the heading 差 ends."""
    header, unit_row, *leaf_rows = DEPARTMENT_ZH.split("单位得分变化\n")[1].splitlines()
    end = columns(header[: header.index("差") + 1])
    assert columns(unit_row[: unit_row.index("−2.83") + len("−2.83")]) == end
    assert {columns(row) for row in leaf_rows} == {end}
    assert columns(unit_row[: unit_row.index("优")]) == columns(header[: header.index("旧等级")])


def test_the_seed_unit_moves_by_hand() -> None:
    """99.75 → 96.92, worked by hand.

    预算执行率 15 × 2456.19 / 2468.78 = 14.9235… → 14.92 (was 9.95 at 10 points);
    结转结余率 12.35 / 2468.78 = 0.50025% > 0.5%, so the second band: 3 (was 5);
    管理制度健全性 gone (was 4.80); 资金使用合规性 counts 0 + 1 findings at 1 point: 4 (was 5).
    New total 14.92 + 3 + 40 + 30 + 4 + 5 = 96.92; 96.92 − 99.75 = −2.83 = 4.97 − 2 − 4.80 − 1.
    """
    old, new = perfscore.load(OLD), perfscore.load(NEW)
    [move] = movements(old, new, perfscore.read_units(SEED))
    assert (move.old_total, move.new_total, move.difference) == (Decimal("99.75"), Decimal("96.92"), Decimal("-2.83"))
    assert [(leaf.id, leaf.old, leaf.new, leaf.difference) for leaf in move.leaves] == [
        ("budget.execution_rate", Decimal("9.95"), Decimal("14.92"), Decimal("4.97")),
        ("budget.carryover_rate", Decimal("5.00"), Decimal("3.00"), Decimal("-2.00")),
        ("management.rules", Decimal("4.80"), None, Decimal("-4.80")),
        ("management.compliance", Decimal("5.00"), Decimal("4.00"), Decimal("-1.00")),
    ]
    assert sum((leaf.difference for leaf in move.leaves), Decimal(0)) == move.difference
    assert move.errors == ()


def test_compare_lists_the_department_changes_as_data() -> None:
    """compare() answers in data: removed ids, points old → new with the difference, parameters per key."""
    diff = compare(perfscore.load(OLD), perfscore.load(NEW))
    assert [(c.key, c.old, c.new) for c in diff.settings] == [("version", "2023.1", "2024.1")]
    assert [node.id for node in diff.removed] == ["management.rules"]
    assert diff.added == ()
    assert [(p.id, p.old.points, p.new.points, p.difference) for p in diff.reweighted] == [
        ("budget", Decimal(15), Decimal(20), Decimal(5)),
        ("budget.execution_rate", Decimal(10), Decimal(15), Decimal(5)),
        ("management", Decimal(15), Decimal(10), Decimal(-5)),
    ]
    assert [(p.id, [c.path for c in p.parameters]) for p in diff.parameters_changed] == [
        ("budget.carryover_rate", ["bands[0]", "bands[1]"]),
        ("management.compliance", ["count"]),
    ]
    assert diff.moved == diff.renamed == diff.method_changed == ()
    assert diff.inputs_added == diff.inputs_removed == ()
    assert diff.inputs_changed == ()
    assert diff.changed


def test_department_revision_as_json() -> None:
    """fmt="json": one document, every decimal a string, names in both languages, no float anywhere."""
    document = json.loads(diff_output(OLD, NEW, SEED, fmt="json"), parse_float=_no_float)
    assert document["old"] == {
        "id": "department-wide",
        "version": "2023.1",
        "title": "部门整体支出绩效自评（通用框架）",
        "source": OLD,
    }
    assert document["new"]["version"] == "2024.1"
    assert document["changed"] is True
    assert document["settings"] == [{"key": "version", "old": "2023.1", "new": "2024.1"}]
    assert document["indicators"] == {
        "added": [],
        "removed": [
            {
                "id": "management.rules",
                "name": "管理制度健全性",
                "name_en": "Management rules in place",
                "points": "5",
                "method": "deduction",
            }
        ],
        "moved": [],
        "reweighted": [
            {"id": "budget", "name": "预算执行", "name_en": "Budget execution", "old": "15", "new": "20",
             "difference": "5"},
            {"id": "budget.execution_rate", "name": "预算执行率", "name_en": "Budget execution rate", "old": "10",
             "new": "15", "difference": "5"},
            {"id": "management", "name": "管理", "name_en": "Management", "old": "15", "new": "10",
             "difference": "-5"},
        ],
        "renamed": [],
        "method_changed": [],
        "parameters_changed": [
            {
                "id": "budget.carryover_rate",
                "name": "结转结余率",
                "changes": [
                    {
                        "key": "bands[0]",
                        "old": {"min": None, "max": "0.01", "min_inclusive": True, "max_inclusive": True,
                                "points": None, "fraction": "1"},
                        "new": {"min": None, "max": "0.005", "min_inclusive": True, "max_inclusive": True,
                                "points": None, "fraction": "1"},
                    },
                    {
                        "key": "bands[1]",
                        "old": {"min": "0.01", "max": "0.03", "min_inclusive": False, "max_inclusive": True,
                                "points": "3", "fraction": None},
                        "new": {"min": "0.005", "max": "0.03", "min_inclusive": False, "max_inclusive": True,
                                "points": "3", "fraction": None},
                    },
                ],
            },
            {
                "id": "management.compliance",
                "name": "资金使用合规性",
                "changes": [
                    {"key": "count", "old": "compliance_findings", "new": "compliance_findings + system_findings"}
                ],
            },
        ],
    }  # fmt: skip
    assert document["inputs"] == {"added": [], "removed": [], "changed": []}
    assert document["derived"] == {"added": [], "removed": [], "changed": []}
    assert document["units"] == [
        {
            "unit": "liwan-zfw-2023",
            "name": "中共广州市荔湾区委政法委（2023）",
            "source": "examples/liwan-2023.toml#liwan-zfw-2023",
            "old": {"total": "99.75", "grade": {"name": "优", "name_en": "Excellent"}},
            "new": {"total": "96.92", "grade": {"name": "优", "name_en": "Excellent"}},
            "difference": "-2.83",
            "leaves": [
                {"id": "budget.execution_rate", "name": "预算执行率", "name_en": "Budget execution rate",
                 "old": "9.95", "new": "14.92", "difference": "4.97"},
                {"id": "budget.carryover_rate", "name": "结转结余率", "name_en": "Carry-over rate",
                 "old": "5.00", "new": "3.00", "difference": "-2.00"},
                {"id": "management.rules", "name": "管理制度健全性", "name_en": "Management rules in place",
                 "old": "4.80", "new": None, "difference": "-4.80"},
                {"id": "management.compliance", "name": "资金使用合规性", "name_en": "Funds used in compliance",
                 "old": "5.00", "new": "4.00", "difference": "-1.00"},
            ],
        }
    ]  # fmt: skip


def _no_float(text: str) -> Any:
    raise AssertionError(f"a float in the JSON: {text}")


def test_without_data_only_the_rules_are_compared() -> None:
    """No DATA: the report stops after the rule changes."""
    assert diff_output(OLD, NEW) == DEPARTMENT_ZH.split("\n单位得分变化\n")[0]


def test_the_same_ruleset_twice_has_nothing_to_report() -> None:
    """A ruleset against itself: one sentence, and each unit with its unchanged total."""
    assert diff_output(OLD, OLD, SEED) == """\
规则版本对比
  旧版: 部门整体支出绩效自评（通用框架） (department-wide 2023.1)
  新版: 部门整体支出绩效自评（通用框架） (department-wide 2023.1)

计分规则没有变化。

单位得分变化
  单位                                     旧总分  新总分    差  旧等级  新等级
  examples/liwan-2023.toml#liwan-zfw-2023   99.75   99.75  0.00  优      优
"""


# --- the training pair: every kind of change, and units that fail -----------------------------

TRAINING_ZH = """\
规则版本对比
  旧版: 培训项目支出绩效自评 (training-project 2023.1)
  新版: 培训项目支出绩效自评 (training-project 2024.1)

规则信息变化
  版本：2023.1 → 2024.1
  等级划分：优 ≥ 90；良 ≥ 80；中 ≥ 60；差 ≥ 0 → 优 ≥ 95；良 ≥ 85；中 ≥ 60；差 ≥ 0

删除指标
  满意度指标 [satisfaction]：40 分，指标组

新增指标
  效益指标 [effect]：40 分，指标组
  投诉处理 [effect.complaints]：5 分，扣分法

位置变动
  参训人员满意度：[satisfaction.rate] → [effect.rate]

分值调整
  指标                          旧分值  新分值  差
  参训人员满意度 [effect.rate]      40      35  −5

名称变更
  [output.trained] 培训人次 → 培训人数

计分方法变更
  完成及时性 [output.timeliness]：区间法 → 扣分法

计分参数变更
  培训人数 [output.trained]
    目标值：500 → 600
  完成及时性 [output.timeliness]
    取值：days_late → —
    分档：≤ 0 满分；(0, 30] 分值的 60%；> 30 0 分 → —
    计数：— → days_late
    每项扣分：— → 0.5

输入数据变化
  新增 complaints：有效投诉次数（count）
  修改 trained
    最小值：— → 1

计算值变化
  修改 execution_rate
    公式：executed / budget → min(executed / budget, 1)

单位得分变化
  单位                                  旧总分  新总分     差  旧等级  新等级
  tests/diff/training-units.toml#2023    88.25   84.23  −4.02  良      中
    培训人数 [output.trained]            28.80   24.00  −4.80
    完成及时性 [output.timeliness]       12.00   12.50  +0.50
    参训人员满意度 [effect.rate]         37.78   33.06  −4.72
    投诉处理 [effect.complaints]             —    5.00  +5.00
  tests/diff/training-units.toml#empty   70.00    错误         中
  tests/diff/training-units.toml#typo     错误    错误

无法评分的单位
  tests/diff/training-units.toml#empty（新版）
    tests/diff/training-units.toml#empty: 数据有 1 处问题
      tests/diff/training-units.toml#empty: trained: 应不小于 1，实际为 0（培训人次）
  tests/diff/training-units.toml#typo（旧版）
    tests/diff/training-units.toml#typo: 数据有 1 处问题
      tests/diff/training-units.toml#typo: trained: 应为数字，如 1234.5 或 1,234.5，实际为 '约300'（培训人次）
  tests/diff/training-units.toml#typo（新版）
    tests/diff/training-units.toml#typo: 数据有 1 处问题
      tests/diff/training-units.toml#typo: trained: 应为数字，如 1234.5 或 1,234.5，实际为 '约300'（培训人次）
"""


def test_training_revision_shows_every_kind_of_change() -> None:
    """Grades, a moved and re-weighted leaf, a rename, a new method, inputs, a derived formula, three units."""
    assert diff_output(TRAINING_OLD, TRAINING_NEW, TRAINING_UNITS) == TRAINING_ZH


def test_training_units_by_hand() -> None:
    """Unit 2023 under both versions, by hand; the other two carry their errors and stop nothing.

    Old: 480/500 × 30 = 28.80; 15 days late is in (0, 30]: 60% × 20 = 12; 85/90 × 40 = 37.777… → 37.78;
    48.37/50 × 10 = 9.674 → 9.67; total 88.25 (良).
    New: 480/600 × 30 = 24; 20 − 15 × 0.5 = 12.50; 85/90 × 35 = 33.055… → 33.06; no complaints: 5;
    min(0.9674, 1) × 10 → 9.67 unchanged; total 84.23, which the stricter grades call 中.
    """
    units = perfscore.read_units(TRAINING_UNITS)
    moves = movements(perfscore.load(TRAINING_OLD), perfscore.load(TRAINING_NEW), units)
    assert [(m.unit.id, m.old_total, m.new_total, m.difference) for m in moves] == [
        ("2023", Decimal("88.25"), Decimal("84.23"), Decimal("-4.02")),
        ("empty", Decimal("70.00"), None, None),
        ("typo", None, None, None),
    ]
    assert [(leaf.id, leaf.old, leaf.new) for leaf in moves[0].leaves] == [
        ("output.trained", Decimal("28.80"), Decimal("24.00")),
        ("output.timeliness", Decimal("12.00"), Decimal("12.50")),
        ("effect.rate", Decimal("37.78"), Decimal("33.06")),
        ("effect.complaints", None, Decimal("5.00")),
    ]
    assert [[side for side, _ in m.errors] for m in moves] == [[], ["new"], ["old", "new"]]
    assert moves[1].errors[0][1].kind == "data"


def test_training_revision_in_markdown_lists_failures_under_their_unit() -> None:
    """Markdown: a failed unit's error lines become a nested list; its row says which side failed."""
    text = diff_output(TRAINING_OLD, TRAINING_NEW, TRAINING_UNITS, fmt="markdown")
    assert text.split("## 单位得分变化\n")[1] == """
| 单位 | 旧总分 | 新总分 | 差 | 旧等级 | 新等级 |
|---|---:|---:|---:|---|---|
| **tests/diff/training-units.toml#2023** | 88.25 | 84.23 | −4.02 | 良 | 中 |
| \u2003培训人数 \\[output.trained\\] | 28.80 | 24.00 | −4.80 |  |  |
| \u2003完成及时性 \\[output.timeliness\\] | 12.00 | 12.50 | +0.50 |  |  |
| \u2003参训人员满意度 \\[effect.rate\\] | 37.78 | 33.06 | −4.72 |  |  |
| \u2003投诉处理 \\[effect.complaints\\] | — | 5.00 | +5.00 |  |  |
| **tests/diff/training-units.toml#empty** | 70.00 | 错误 |  | 中 |  |
| **tests/diff/training-units.toml#typo** | 错误 | 错误 |  |  |  |

## 无法评分的单位

- tests/diff/training-units.toml#empty（新版）
  - tests/diff/training-units.toml#empty: 数据有 1 处问题
  - tests/diff/training-units.toml#empty: trained: 应不小于 1，实际为 0（培训人次）
- tests/diff/training-units.toml#typo（旧版）
  - tests/diff/training-units.toml#typo: 数据有 1 处问题
  - tests/diff/training-units.toml#typo: trained: 应为数字，如 1234.5 或 1,234.5，实际为 '约300'（培训人次）
- tests/diff/training-units.toml#typo（新版）
  - tests/diff/training-units.toml#typo: 数据有 1 处问题
  - tests/diff/training-units.toml#typo: trained: 应为数字，如 1234.5 或 1,234.5，实际为 '约300'（培训人次）
"""


def test_training_failures_in_english_name_the_version() -> None:
    """lang="en": the failure section says under which version the unit could not be scored."""
    text = diff_output(TRAINING_OLD, TRAINING_NEW, TRAINING_UNITS, lang="en")
    assert text.split("Units that could not be scored\n")[1].splitlines()[::3] == [
        "  tests/diff/training-units.toml#empty (under the new version)",
        "  tests/diff/training-units.toml#typo (under the old version)",
        "  tests/diff/training-units.toml#typo (under the new version)",
    ]
    assert "  tests/diff/training-units.toml#empty      70.00      error          Fair\n" in text


def test_json_units_carry_errors_as_data() -> None:
    """In JSON a failed side is {"error": kind, "message": …}; the difference is null."""
    document = json.loads(diff_output(TRAINING_OLD, TRAINING_NEW, TRAINING_UNITS, fmt="json", lang="en"))
    empty = document["units"][1]
    assert empty["old"] == {"total": "70.00", "grade": {"name": "中", "name_en": "Fair"}}
    assert empty["new"] == {
        "error": "data",
        "message": "tests/diff/training-units.toml#empty: 1 problem in the data\n"
        "  tests/diff/training-units.toml#empty: trained: expected at least 1, got 0 (培训人次)",
    }
    assert (empty["difference"], empty["leaves"]) == (None, [])
    assert document["indicators"]["moved"] == [
        {"old_id": "satisfaction.rate", "new_id": "effect.rate", "name": "参训人员满意度"}
    ]
    assert document["inputs"]["added"] == [
        {"name": "complaints", "type": "count", "label": "有效投诉次数", "label_en": "Upheld complaints",
         "unit": None, "description": None, "min": None, "max": None, "required": None, "better": None,
         "default": 0, "scale": "default"}
    ]  # fmt: skip


# --- one kind of change at a time ------------------------------------------------------------

FIVE_TIERS = """
[scales.five]
tiers = [
  {{ name = "达成", name_en = "achieved", min = 0.8, max = 1, max_inclusive = true, default = 1 }},
  {{ name = "部分达成", name_en = "partly", min = {partly}, max = 0.8, default = {partly} }},
  {{ name = "未达成", name_en = "not achieved", min = 0, max = {partly}, default = 0 }},
]
"""
RATIO = {"method": "ratio", "inputs": {"x": "number"}, "actual": "x", "target": 100}
LOWER = {**RATIO, "direction": "<="}
DEDUCTION = {"method": "deduction", "inputs": {"n": "count"}, "count": "n", "each": 1}
HIGH, LOW = {"min": 90, "fraction": 1}, {"max": 90, "fraction": 0}
BANDS = {"method": "bands", "inputs": {"x": "number"}, "value": "x", "bands": [HIGH, LOW]}
FORMULA = {"method": "formula", "inputs": {"x": "number"}, "formula": "x / 10"}
OVER = {"above": Decimal("1.3")}
DEDUCT = {**OVER, "action": "deduct", "deduct": 2}
RATING = {"method": "rating", "inputs": {"r": {"type": "rating", "scale": "five"}}, "input": "r"}
FIVE_TIERS = """
[scales.five]
tiers = [
  {{ name = "达成", name_en = "achieved", min = 0.8, max = 1, max_inclusive = true, default = 1 }},
  {{ name = "部分达成", name_en = "partly", min = {partly}, max = 0.8, default = {partly} }},
  {{ name = "未达成", name_en = "not achieved", min = 0, max = {partly}, default = 0 }},
]
"""


def leaf(options: dict[str, Any]) -> perfscore.Ruleset:
    """A one-leaf ruleset (see tests/helpers.py) from its method and keys; ``extra`` TOML is appended."""
    options = dict(options)
    method, extra = options.pop("method"), options.pop("extra", "")
    return perfscore.loads(one_leaf_text(method, **options) + extra)


def body(old: dict[str, Any], new: dict[str, Any], lang: str = "zh") -> str:
    """The report on two one-leaf rulesets, without its three-line heading."""
    return render_diff(compare(leaf(old), leaf(new)), lang=lang).split("\n", 4)[4]


CHANGES = [
    pytest.param(RATIO, {**RATIO, "target": 95},
                 "计分参数变更\n  测试指标 [item]\n    目标值：100 → 95\n", id="target"),
    pytest.param(RATIO, LOWER, "计分参数变更\n  测试指标 [item]\n    比较方向：>= → <=\n", id="direction"),
    pytest.param(LOWER, {**LOWER, "reverse": "inverse"},
                 "计分参数变更\n  测试指标 [item]\n    反向计分公式：linear → inverse\n", id="reverse-formula"),
    pytest.param(RATIO, {**RATIO, "over_target": OVER},
                 "计分参数变更\n  测试指标 [item]\n    超目标处理：— → 超过目标 1.3 倍需说明原因\n", id="over-target-added"),
    pytest.param({**RATIO, "over_target": OVER}, {**RATIO, "over_target": DEDUCT},
                 "计分参数变更\n  测试指标 [item]\n    超目标处理：超过目标 1.3 倍需说明原因 → 超过目标 1.3 倍扣 2 分\n",
                 id="over-target-deducts"),
    pytest.param({**DEDUCTION, "each": Decimal("0.2")}, {**DEDUCTION, "each": Decimal("0.5")},
                 "计分参数变更\n  测试指标 [item]\n    每项扣分：0.2 → 0.5\n", id="each"),
    pytest.param(DEDUCTION, {**DEDUCTION, "cap": 3}, "计分参数变更\n  测试指标 [item]\n    扣分上限：— → 3\n", id="cap"),
    pytest.param(BANDS, {**BANDS, "bands": [{**HIGH, "min": 95}, LOW]},
                 "计分参数变更\n  测试指标 [item]\n    分档（第 1 档）：≥ 90 满分 → ≥ 95 满分\n", id="band-threshold"),
    pytest.param(BANDS, {**BANDS, "bands": [{"min": 90, "points": 8}, LOW]},
                 "计分参数变更\n  测试指标 [item]\n    分档（第 1 档）：≥ 90 满分 → ≥ 90 8 分\n", id="band-award"),
    pytest.param(BANDS, {**BANDS, "bands": [{**HIGH, "min": 95}, {"min": 90, "max": 95, "fraction": Decimal("0.6")}, LOW]},
                 "计分参数变更\n  测试指标 [item]\n    分档：≥ 90 满分；< 90 0 分 → ≥ 95 满分；[90, 95) 分值的 60%；< 90 0 分\n",
                 id="band-added"),
    pytest.param(FORMULA, {**FORMULA, "formula": "x / 5"},
                 "计分参数变更\n  测试指标 [item]\n    公式：x / 10 → x / 5\n", id="formula"),
    pytest.param(RATIO, {**RATIO, "name": "测试指标（新）"}, "名称变更\n  [item] 测试指标 → 测试指标（新）\n", id="renamed"),
    pytest.param(RATIO, {**RATIO, "name_en": "Test item, renamed"},
                 "名称变更\n  [item] Test item → Test item, renamed\n", id="renamed-in-english-only"),
    pytest.param(RATIO, {**RATIO, "points": 20},
                 "规则信息变化\n  总分：10 → 20\n"
                 "  等级划分：优 ≥ 9；良 ≥ 8；中 ≥ 6；差 ≥ 0 → 优 ≥ 18；良 ≥ 16；中 ≥ 12；差 ≥ 0\n\n"
                 "分值调整\n  指标             旧分值  新分值   差\n  测试指标 [item]      10      20  +10\n",
                 id="points-total-and-the-grades-scaled-with-it"),
    pytest.param(RATIO, {**RATIO, "ruleset": {"rounding": {"places": 1, "mode": "half-even"}}},
                 "规则信息变化\n  保留小数位数：2 → 1\n  舍入方式：half-up → half-even\n", id="rounding"),
    pytest.param(RATIO, {**RATIO, "ruleset": {"missing": "zero"}},
                 "规则信息变化\n  缺失数据处理：error → zero\n", id="missing-policy"),
    pytest.param(RATIO, {**RATIO, "inputs": {"x": {"type": "percent", "max": 100}}},
                 "输入数据变化\n  修改 x\n    类型：number → percent\n    最大值：— → 100\n", id="input-type-and-max"),
    pytest.param(RATIO, {**RATIO, "inputs": {"x": {"type": "number", "required": True}}},
                 "输入数据变化\n  修改 x\n    必填：— → 是\n", id="input-required"),
    pytest.param({**RATIO, "inputs": {"x": "number", "y": "number"}}, {**RATIO, "inputs": {"x": "number", "z": "count"}},
                 "输入数据变化\n  删除 y：y（number）\n  新增 z：z（count）\n", id="inputs-added-and-removed"),
    pytest.param({**RATIO, "derived": {"r": "x / 100", "s": "x"}}, {**RATIO, "derived": {"r": "x / 50", "t": "x * 2"}},
                 "计算值变化\n  删除 s = x\n  新增 t = x * 2\n  修改 r\n    公式：x / 100 → x / 50\n", id="derived"),
    pytest.param({**RATIO, "derived": {"r": "x / 100"}},
                 {**RATIO, "extra": '[derived.r]\nformula = "x / 100"\nfallback = 0\n'},
                 "计算值变化\n  修改 r\n    除以零时的替代值：— → 0\n", id="derived-fallback"),
    pytest.param(RATIO, {**RATIO, "extra": '\n[tables]\nreverse = "inverse"\n'},
                 "规则信息变化\n  自评表计分规则：— → reverse = inverse\n", id="table-policy-added"),
    pytest.param({**RATIO, "extra": "\n[tables]\n"}, {**RATIO, "extra": '\n[tables]\nunparseable = "zero"\n'},
                 "规则信息变化\n  自评表计分规则 unparseable：reported → zero\n", id="table-policy-key"),
    pytest.param(RATIO, {"method": "boolean", "inputs": {"x": "number"}, "value": "x >= 100"},
                 "计分方法变更\n  测试指标 [item]：比率法 → 是否达成\n\n"
                 "计分参数变更\n  测试指标 [item]\n    实际值：x → —\n    目标值：100 → —\n    取值：— → x >= 100\n",
                 id="method"),
    pytest.param({**RATING, "extra": FIVE_TIERS.format(partly="0.6")}, {**RATING, "extra": FIVE_TIERS.format(partly="0.5")},
                 "评定档次变化\n  修改 five\n"
                 "    档次（第 2 档）：部分达成 [60%, 80%)，默认 60% → 部分达成 [50%, 80%)，默认 50%\n"
                 "    档次（第 3 档）：未达成 [0%, 60%)，默认 0% → 未达成 [0%, 50%)，默认 0%\n",
                 id="scale-tiers"),
    pytest.param({**RATING, "inputs": {"r": "rating"}}, {**RATING, "extra": FIVE_TIERS.format(partly="0.6")},
                 "输入数据变化\n  修改 r\n    评定档次表：default → five\n\n"
                 "评定档次变化\n  新增 five：达成 [80%, 100%]，默认 100%；部分达成 [60%, 80%)，默认 60%；未达成 [0%, 60%)，默认 0%\n",
                 id="scale-added"),
]  # fmt: skip


@pytest.mark.parametrize(("before", "after", "expected"), CHANGES)
def test_each_kind_of_change_is_reported(before: dict[str, Any], after: dict[str, Any], expected: str) -> None:
    """One change between two one-leaf rulesets gives exactly its section, in Chinese."""
    assert body(before, after) == expected


WORDING_ONLY = [
    pytest.param({"description": "新的说明"}, id="description"),
    pytest.param({"explain": "{name}：{body}；得 {score} 分。"}, id="explanation-template"),
    pytest.param({"actual": " x "}, id="spacing-in-a-formula"),
    pytest.param({"unit": "%"}, id="display-unit"),
]


@pytest.mark.parametrize("wording", WORDING_ONLY)
def test_wording_is_not_a_scoring_change(wording: dict[str, Any]) -> None:
    """Descriptions, templates, display units and spacing in formulas change no score: nothing is reported."""
    assert not compare(leaf(RATIO), leaf({**RATIO, **wording})).changed
    assert body(RATIO, {**RATIO, **wording}) == "计分规则没有变化。\n"


GRADES = [{"name": "合格", "name_en": "Pass", "min": 6}, {"name": "不合格", "name_en": "Fail", "min": 0}]
CHANGES_EN = [
    pytest.param(RATIO, {**RATIO, "target": 95},
                 "Scoring parameters changed\n  Test item [item]\n    target: 100 → 95\n", id="target"),
    pytest.param(RATIO, {**RATIO, "over_target": DEDUCT},
                 "Scoring parameters changed\n  Test item [item]\n    over_target: — → 2 points deducted beyond 1.3 × the target\n",
                 id="over-target"),
    pytest.param(BANDS, {**BANDS, "bands": [{**HIGH, "min": 95}, LOW]},
                 "Scoring parameters changed\n  Test item [item]\n    band 1: ≥ 90 full marks → ≥ 95 full marks\n", id="band"),
    pytest.param(RATIO, {**RATIO, "ruleset": {"grades": GRADES}},
                 "Ruleset settings changed\n"
                 "  grades: Excellent ≥ 9; Good ≥ 8; Fair ≥ 6; Poor ≥ 0 → Pass ≥ 6; Fail ≥ 0\n", id="grades"),
    pytest.param(RATIO, {**RATIO, "name": "测试指标（新）"},
                 "Indicators renamed\n  [item] 测试指标 → 测试指标（新）\n", id="renamed-in-chinese-only"),
]  # fmt: skip


@pytest.mark.parametrize(("before", "after", "expected"), CHANGES_EN)
def test_each_kind_of_change_in_english(before: dict[str, Any], after: dict[str, Any], expected: str) -> None:
    """The same sections with lang="en": keys as written in the ruleset, values in English words."""
    assert body(before, after, lang="en") == expected


def test_a_moved_indicator_is_not_reported_as_removed_and_added() -> None:
    """Same name under another parent: one move (with its new points), not a removal plus an addition."""
    old = perfscore.loads(_tree({"a": ("甲组", {"x": ("指标X", 10)}), "b": ("乙组", {"y": ("指标Y", 10)})}))
    new = perfscore.loads(_tree({"a": ("甲组", {"y": ("指标Y", 10)}), "b": ("乙组", {"x": ("指标X", 10)})}))
    diff = compare(old, new)
    assert [(p.old.id, p.new.id) for p in diff.moved] == [("b.y", "a.y"), ("a.x", "b.x")]
    assert diff.added == diff.removed == ()
    assert render_diff(diff).split("\n", 4)[4] == "位置变动\n  指标Y：[b.y] → [a.y]\n  指标X：[a.x] → [b.x]\n"


def test_a_name_used_twice_is_not_guessed_as_a_move() -> None:
    """Two new indicators with the removed one's name: no guess, one removal and two additions."""
    old = perfscore.loads(_tree({"a": ("甲组", {"x": ("指标X", 20)})}))
    new = perfscore.loads(_tree({"b": ("乙组", {"x": ("指标X", 10), "z": ("指标X", 10)})}))
    diff = compare(old, new)
    assert diff.moved == ()
    assert [node.id for node in diff.removed] == ["a", "a.x"]
    assert [node.id for node in diff.added] == ["b", "b.x", "b.z"]


def _tree(groups: dict[str, tuple[str, dict[str, tuple[str, int]]]]) -> str:
    """A ruleset of groups of boolean leaves reading ``ok``: {group: (name, {leaf: (name, points)})}."""
    total = sum(points for _, leaves in groups.values() for _, points in leaves.values())
    parts = [f'[ruleset]\nid = "t"\ntitle = "树"\nversion = "1"\nsources = ["测试"]\ntotal = {total}\n',
             '[inputs.ok]\ntype = "bool"\nlabel = "达成"\n']  # fmt: skip
    for key, (name, leaves) in groups.items():
        parts.append(f'[indicators.{key}]\nname = "{name}"\npoints = {sum(p for _, p in leaves.values())}\n')
        parts += [
            f'[indicators.{key}.{leaf_key}]\nname = "{leaf_name}"\npoints = {points}\nmethod = "boolean"\nvalue = "ok"\n'
            for leaf_key, (leaf_name, points) in leaves.items()
        ]
    return "\n".join(parts)


# --- errors and the command's contract -------------------------------------------------------


def test_a_missing_ruleset_is_a_one_paragraph_error_with_status_1() -> None:
    """A file that cannot be read: the message for standard error and status 1, no report."""
    assert run_diff(OLD, "tests/diff/no-such-file.toml", [SEED], lang="en") == (
        "perfscore: tests/diff/no-such-file.toml: cannot read the ruleset (No such file or directory)\n",
        1,
    )


def test_a_broken_ruleset_lists_its_problems_with_status_1(tmp_path: Path) -> None:
    """A ruleset with mistakes: every problem, located, as ``perfscore score`` reports them."""
    broken = tmp_path / "broken.toml"
    broken.write_text(Path(NEW).read_text(encoding="utf-8").replace("points = 15", "points = 14", 1), encoding="utf-8")
    text, status = run_diff(OLD, str(broken), [SEED], lang="en")
    assert status == 1
    assert text == (
        f"perfscore: {broken}: 1 problem in the ruleset\n"
        f"  {broken}:141:1: indicators.budget: the points of its indicators add up to 19 (预算执行率 14 + 结转结余率 5), "
        "not its own points 20; "
        "difference -1\n"
        "      141 | [indicators.budget]\n"  # the group's header, line 141 of department-2024.toml
        "          | ^\n"
    )


def test_an_unreadable_data_file_is_an_error_with_status_1() -> None:
    """DATA that cannot be read stops the command (a unit's bad values do not: see the training pair)."""
    assert run_diff(OLD, NEW, ["tests/diff/no-such-data.toml"], lang="en") == (
        "perfscore: tests/diff/no-such-data.toml: cannot read the data file (No such file or directory)\n",
        1,
    )


def test_units_from_several_data_files_are_compared_in_order() -> None:
    """DATA… may name several files; their units are listed in the order given."""
    moves = movements(
        perfscore.load(OLD), perfscore.load(NEW), [*perfscore.read_units(SEED), *perfscore.read_units(SEED)]
    )
    assert [m.new_total for m in moves] == [Decimal("96.92"), Decimal("96.92")]
    text = diff_output(OLD, NEW, SEED, SEED)
    assert text.count("examples/liwan-2023.toml#liwan-zfw-2023    99.75   96.92  −2.83") == 2


@pytest.mark.parametrize(("fmt", "lang", "message"), [
    ("xml", "zh", "fmt must be one of text, markdown, json, not 'xml'"),
    ("text", "fr", "lang must be one of zh, en, not 'fr'"),
])  # fmt: skip
def test_unknown_format_or_language_is_refused(fmt: str, lang: str, message: str) -> None:
    """render_diff names the choices it knows."""
    diff = compare(perfscore.load(OLD), perfscore.load(NEW))
    with pytest.raises(ValueError) as raised:
        render_diff(diff, [], fmt, lang)
    assert str(raised.value) == message


def test_the_cli_page_shows_what_diff_prints() -> None:
    """docs/cli.md's sample of ``perfscore diff`` is this very output."""
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    command = f"$ perfscore diff {OLD} {NEW} {SEED}\n"
    sample = page.split(command, 1)[1].split("$ echo $?", 1)[0]
    assert sample == DEPARTMENT_ZH
