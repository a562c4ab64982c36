"""Tables as published: what a reviewer reads is read, each assumption is a finding at its cell, and
``strict`` keeps the old refusal. Every expected number is worked out by hand in the comments."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfscore
from helpers import HENAN_MAPPING
from perfscore import DataError
from perfscore.cli import run
from perfscore.tables.audit import audit_table, ranked
from perfscore.tables.batch import audit_batch
from perfscore.tables.html import render_html
from perfscore.tables.model import BudgetBlock, Cell, IndicatorRow, Table
from perfscore.tables.read import read_parts, read_tables, table_files
from perfscore.tables.score import score_table
from perfscore.tables.targets import (
    ASSUMED,
    HIGHER_BETTER,
    LOWER_BETTER,
    lower_better_word,
    parse_actual,
    parse_target,
    target_in_name,
)
from test_table_score import MOF, base, row

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "tests" / "tables"
DOC = ROOT / "docs" / "tables.md"
RULESETS = sorted((ROOT / "rulesets").glob("*.toml"))
FORMS = TABLES / "forms-2023-project.xlsx"
D = Decimal


def keys(text: str, target: str, **kwargs: str) -> list[str]:
    """The assumptions reading ``text`` against ``target`` makes (target's first)."""
    read = parse_target(target, year=2023, **kwargs)
    actual = parse_actual(text, read, year=2023)
    return [assumed.key for assumed in (*read.assumed, *actual.assumed)]


# --- reading -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "number", "unit", "assumed"),
    [
        ("≥250米", "≥266米", "266", "米", ["actual-comparison"]),
        ("=100%", "=100%", "100", "%", ["actual-comparison"]),
        ("≤10件", "=0件", "0", "件", ["actual-comparison"]),
        ("﹦100%", "100", "100", "%", ["bare-number"]),
        ("≤202.6万元", "132.9", "132.9", "万元", ["bare-number"]),
        ("≥95", "96%", "96", "%", ["bare-target"]),
        ("≥500户", "520人", "520", "户", ["unit-differs"]),
        ("≤2个百分点", "1.5%", "1.5", "百分点", ["unit-differs"]),
        ("≥90百分比", "92%", "92", "%", []),  # 百分比 is %
        ("≥8厘米", "0.09米", "9.00", "厘米", []),  # 0.09 × 100
        ("≤5天", "96小时", "4", "天", []),  # 96 / 24
        ("≥50公斤", "0.06吨", "60.00", "公斤", []),  # 0.06 × 1000
        ("≤3000元/人*月", "2800元/人*月", "2800", "元/人*月", []),  # a measure word of its own
    ],
)
def test_the_forms_of_real_tables_are_read(target: str, actual: str, number: str, unit: str, assumed: list[str]) -> None:
    """Each form is read to its number in the target's unit, with exactly the assumptions it needs."""
    read = parse_actual(actual, parse_target(target))
    assert (str(read.number), read.unit) == (number, unit)
    assert keys(actual, target) == assumed


def test_strict_reading_refuses_what_needs_an_assumption() -> None:
    """strict=True reads only the known forms: a comparison as actual, a bare number against money and a
    measure word perfscore does not know are refused, saying why."""
    with pytest.raises(perfscore.tables.TextError, match="an actual is what was reached, not a comparison"):
        parse_actual("≥266米", parse_target("≥250米"), strict=True)
    with pytest.raises(perfscore.tables.TextError, match="the number has no unit"):
        parse_actual("132.9", parse_target("≤202.6万元"), strict=True)
    with pytest.raises(perfscore.tables.TextError, match="'元/人\\*月' is not a unit perfscore knows"):
        parse_target("≤3000元/人*月", strict=True)


def test_an_assumption_is_said_in_both_languages() -> None:
    """The assumption names what was written and what was read, in Chinese and in English."""
    (assumed,) = parse_actual("≥266米", parse_target("≥250米")).assumed
    assert assumed.text("zh") == "实际完成值写成了比较式「≥266米」，按其中的数值 266米 计"
    assert assumed.text("en") == "the actual is written as a comparison '≥266米'; its number, 266米, is read"


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("森林火灾受害率", "受害"),
        ("主要林业有害生物成灾率", "成灾"),
        ("财政供养人员控制率", "控制"),
        ("群众投诉发生率", "发生"),  # 发生 and 投诉 both: the first of the longest (both two characters)
        ("投诉办结率", None),  # 办结率 is longer than 投诉: higher is better
        ("质量控制合格率", None),  # 合格率 is longer than 控制
        ("培训人次", None),
    ],
)
def test_lower_is_better_words(name: str, word: str | None) -> None:
    """A name with a lower-is-better word, and no longer higher-is-better one, gives that word."""
    assert lower_better_word(name) == word


def test_a_target_without_comparison_on_a_lower_is_better_row_is_read_as_at_most() -> None:
    """「0.9%」 on 森林火灾受害率 reads ≤ 0.9% (so 0% meets it), with the assumption; with a comparison,
    or on another name, nothing is assumed; a ruleset's directions add and remove words."""
    fire = parse_target("0.9%", name="森林火灾受害率")
    assert (fire.operator, [a.key for a in fire.assumed]) == ("<=", ["lower-better"])
    assert parse_target("≥0.9%", name="森林火灾受害率").operator == ">="
    assert parse_target("0.9%", name="覆盖率").operator == "="
    assert parse_target("5%", name="公租房空置率", directions={"空置": "<="}).operator == "<="
    assert parse_target("100%", name="财政供养人员控制率", directions={"控制": ">="}).operator == "="


def test_a_lower_is_better_row_is_scored_as_met() -> None:
    """森林火灾受害率 0.9% against 0%: read ≥ it would score 0 of 10; read ≤ it is met, 10."""
    table = Table("fire", rows=(row(8, "产出指标", "质量指标", "森林火灾受害率", "0.9%", "0%", "10", "10"),))
    assert score_table(table, base()).item(0).score == D("10.00")
    assert score_table(table, base('directions = { "受害" = ">=" }')).item(0).score == D("0.00")


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("农田灌溉水有效利用率达到60%", "达到60%"),
        ("受益人数不少于500人", "不少于500人"),
        ("覆盖率95%以上", "95%以上"),
        ("工程管护机制", None),
    ],
)
def test_a_target_in_the_indicator_name(name: str, found: str | None) -> None:
    """The target a name ends with, as text to read; None when the name states none."""
    assert target_in_name(name) == found


# --- the docs list the words and assumptions the code has ----------------------------------------------


def _section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    assert found is not None, title
    return found.group(1)


def test_the_docs_list_the_direction_words() -> None:
    """docs/tables.md, «Direction»: the two word lists, in the code's order."""
    section = _section("Direction: lower is better")
    lists = dict(re.findall(r"^`(LOWER_BETTER|HIGHER_BETTER)`: (.+)$", section, re.MULTILINE))
    assert lists == {"LOWER_BETTER": ", ".join(LOWER_BETTER), "HIGHER_BETTER": ", ".join(HIGHER_BETTER)}


def test_the_docs_list_every_assumption() -> None:
    """docs/tables.md, «Assumptions a finding can state»: every key with its two texts."""
    section = _section("Assumptions a finding can state")
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| (.+?) \| (.+?) \|$", section, re.MULTILINE)
    assert rows == [(key, text.zh, text.en) for key, text in ASSUMED.items()]


# --- the forms sample, end to end --------------------------------------------------------------------


def forms_audit(**kwargs: bool) -> perfscore.tables.Audit:
    (table,) = read_tables(FORMS)
    return audit_table(table, MOF, **kwargs)


def test_the_forms_sample_is_audited_not_refused() -> None:
    """Every form in one table: audited, its total above 100 shown with no grade, the kinds in words."""
    audit = forms_audit()
    assert (audit.recomputed_total, audit.graded, audit.grade_shown("zh")) == (
        D("101.65"),  # 9.65 + 5 + 50 + 27 + 10
        False,
        "不评等级（总分超过满分）",
    )
    text = audit.render("text", "zh")
    assert "等级：自评 优，重算 不评等级（总分超过满分）" in text
    assert "101.65 优" not in text and "row-score" not in text and "tier-band" not in text
    assert audit.to_dict()["totals"]["recomputed_grade"] is None
    assert "<td>不评等级（总分超过满分）</td>" in render_html(audit)


def test_the_forms_sample_ranks_the_tables_own_findings_first() -> None:
    """The table's inconsistencies first (above the full score, the total, the points, the unknown first
    level), then the rows by points at stake (2.00, then 0), errors before warnings before information."""
    codes = [finding.code for finding in forms_audit().findings]
    assert codes[:5] == ["above-total", "total-score", "total-points", "unknown-level1", "tier-band"]
    assert codes[5:7] == ["unreadable", "unreadable"]
    assert set(codes[7:]) == {"assumed"}


def test_ranked_orders_by_stake_then_severity() -> None:
    """ranked() keeps findings of equal rank in table order and puts bigger stakes first."""
    audit = audit_table(
        Table(
            "r",
            rows=(
                row(8, "产出指标", "数量", "甲", "≥100个", "99个", "50", "50"),  # 49.50: +0.50
                row(9, "效益指标", "社会", "乙", "≥100个", "50个", "30", "30"),  # 15.00: +15.00
                row(10, "满意度指标", "满意度", "丙", "≥100个", "100个", "10", "8"),  # 10.00: -2.00
            ),
            budget=BudgetBlock(None, D(100), D(100), D(10), None, D(10), Cell("t.xlsx", "自评表", 4, "B")),
            reported_total=D(98),
        ),
        base(),
    )
    assert [(f.code, f.row) for f in audit.findings if f.code in ("row-score", "total-score")] == [
        ("total-score", None),  # 98 against 10 + 49.50 + 15 + 10 = 84.50: the table's own, first
        ("row-score", 1),  # 15.00 at stake
        ("row-score", 2),  # 2.00
        ("row-score", 0),  # 0.50
    ]
    assert ranked(list(reversed(audit.findings))) == list(audit.findings)


def test_strict_refuses_the_forms_sample_naming_each_cell() -> None:
    """strict=True: one DataError naming every cell that needed an assumption or cannot be scored."""
    with pytest.raises(DataError) as caught:
        forms_audit(strict=True)
    cells = sorted({str(problem.location.path[0]) for problem in caught.value.problems})
    assert cells == sorted(
        [
            "自评表!A7",  # 项目决策: not a first level of the ruleset (two rows)
            "自评表!A8",
            "自评表!B4",  # the budget block: no amounts
            "自评表!D18",  # ≤3000元/人*月: a measure word perfscore does not know
            "自评表!D22",  # an empty target (the name's target is not read strictly)
            "自评表!D23",  # an empty target
            "自评表!E10",  # ≥266米 as an actual
            "自评表!E11",  # 人 against 户
            "自评表!E12",  # 100 against ﹦100%
            "自评表!E17",  # 132.9 against ≤202.6万元
            "自评表!E25",  # 详见附件
        ]
    )


def test_perfscore_audit_strict_refuses_and_the_default_audits() -> None:
    """The command line: the forms sample is audited by default (exit 0) and refused with --strict (exit 1,
    every cell named on stderr)."""
    out, err = io.StringIO(), io.StringIO()
    assert run(["audit", str(FORMS), "--ruleset", "project-mof-2020"], out, err) == 0
    assert "不评等级（总分超过满分）" in out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    assert run(["audit", str(FORMS), "--ruleset", "project-mof-2020", "--strict", "--lang", "en"], out, err) == 1
    assert "自评表!E25: actual (实际完成值) '详见附件' cannot be read" in err.getvalue()
    assert "自评表!A7: first-level indicator (一级指标) '项目决策' matches none" in err.getvalue()


def test_the_unreadable_rows_keep_the_units_score_for_a_manual_check() -> None:
    """Two rows cannot be scored by rule: each keeps the unit's own score and says 需人工复核, in both languages."""
    findings = [f for f in forms_audit().findings if f.code == "unreadable"]
    assert [(f.where, f.reported, f.recomputed) for f in findings] == [
        ("自评表!D23", D(4), D("4.00")),
        ("自评表!E25", D(10), D("10.00")),
    ]
    assert all(f.message("zh").endswith("需人工复核。") for f in findings)
    assert all(f.message("en").endswith("to be checked by hand.") for f in findings)
    assert "年度指标值「（空）」无法识别：单元格为空，指标名称中也没有写明目标" in findings[0].message("zh")


# --- structure -------------------------------------------------------------------------------------------


def test_an_unknown_first_level_is_one_finding_and_its_rows_are_scored() -> None:
    """Fifteen rows under 项目决策: one unknown-level1 finding; each row scored by its own points."""
    rows = tuple(row(8 + i, "项目决策", "立项", f"指标{i}", "≥10个", "5个", "2", "1") for i in range(15))
    audit = audit_table(Table("d", rows=rows), base())
    unknown = [f for f in audit.findings if f.code == "unknown-level1"]
    assert [(f.indicator, f.reported, f.severity) for f in unknown] == [("项目决策", D(30), "warning")]
    assert [audit.score.item(i).score for i in range(15)] == [D("1.00")] * 15  # 5 / 10 × 2
    assert audit.recomputed_total == D("15.00")


def test_a_budget_block_with_only_its_rate_is_checked_as_rate_times_points() -> None:
    """执行率 96.5%, 分值 10, no amounts: 0.965 × 10 = 9.65; a unit's 10 is 0.35 too many."""
    budget = BudgetBlock(None, None, None, D(10), D("96.5"), D(10), Cell("t.xlsx", "自评表", 4, "B"))
    audit = audit_table(Table("r", budget=budget), base())
    assert audit.score.budget_item is not None and audit.score.budget_item.score == D("9.65")
    (finding,) = [f for f in audit.findings if f.code == "budget-score"]
    assert (finding.reported, finding.recomputed, finding.claim) == (D(10), D("9.65"), "over")
    assert [a.key for a in audit.score.budget_assumed] == ["budget-rate-only"]


def test_the_rulesets_own_budget_rule_scores_the_block() -> None:
    """project-execution-bands: 409 / 480 = 85.21% is in [80%, 90%): 8.00 of 10; a block worth 20 instead
    is scored min(rate, 1) × 20 = 17.04 (the bands are the ruleset's, for its own weight)."""
    bands = perfscore.load("project-execution-bands")
    block = BudgetBlock(D(500), D(480), D(409), D(10), None, D("8.52"), Cell("t.xlsx", "自评表", 4, "B"))
    scored = score_table(Table("b", budget=block), bands)
    assert (scored.budget_rule, scored.budget_item and scored.budget_item.score) == (True, D("8.00"))
    wider = score_table(Table("b", budget=BudgetBlock(D(500), D(480), D(409), D(20))), bands)
    assert (wider.budget_rule, wider.budget_item and wider.budget_item.score) == (False, D("17.04"))


def test_one_unreadable_sheet_does_not_stop_the_others() -> None:
    """A workbook of two tables, the second with 分值 「十」: read_parts gives the first table and the
    second's DataError; the batch audits the first and gives the second its own error row."""
    workbook = TABLES / "broken" / "two-sheets-2023.xlsx"
    parts = read_parts(workbook)
    assert [(sheet, type(part).__name__) for sheet, part in parts] == [("项目1", "Table"), ("项目2", "DataError")]
    with pytest.raises(DataError):
        read_tables(workbook)  # read as a whole, the file still has a problem
    batch = audit_batch(workbook, MOF)
    assert [(row.sheet, row.stage) for row in batch.rows] == [("项目1", None), ("项目2", "read")]
    assert batch.rows[1].message is not None and "项目2!F4: 分值" in batch.rows[1].message


# --- every shipped ruleset audits every sample -------------------------------------------------------------


def _samples() -> list[Path]:
    return [*table_files(TABLES), *table_files(TABLES / "custom")]


@pytest.mark.parametrize("ruleset", RULESETS, ids=lambda path: path.stem)
def test_every_shipped_ruleset_audits_every_sample(ruleset: Path) -> None:
    """No sample table is refused under any shipped ruleset: every table of every sample file is audited
    (the custom-header sample with its mapping)."""
    rules = perfscore.load(ruleset)
    failed = []
    for path in _samples():
        mapping = HENAN_MAPPING if path.name.startswith("henan") else None
        batch = audit_batch(path, rules, mapping=mapping)
        failed += [(row.label, row.message) for row in batch.failures]
        assert batch.audited, path
    assert failed == []


def test_the_forms_sample_holds_every_form() -> None:
    """The forms sample makes every assumption there is, and reads a stock phrase of each tier."""
    audit = forms_audit()
    made = {assumed.key for plan in audit.score.plans for assumed in plan.assumed}
    made |= {assumed.key for assumed in audit.score.budget_assumed}
    # a bare target and a first level matched by a name it contains are in the tests above
    assert made == set(ASSUMED) - {"bare-target", "level1-nearest"}
    tiers = {plan.tier.name for plan in audit.score.plans if plan.tier is not None}
    assert tiers == {"达成", "部分达成"}


def test_indicator_row_columns_do_not_change_equality() -> None:
    """The column letters a reader records are not part of a row's value: the same row read from a
    spreadsheet and built by hand compare equal."""
    plain = IndicatorRow("产出指标", "数量", "甲", "≥1个", "1个", D(1))
    located = IndicatorRow("产出指标", "数量", "甲", "≥1个", "1个", D(1), columns={"target": "D"})
    assert plain == located
    assert located.cell_of("target") == Cell() and plain.cell_of("target") == Cell()


# --- the default reading extends the strict one ------------------------------------------------------------

CELL = st.text(alphabet="0123456789.%≥≤=<>以上下内月日年前个万元米厘公里人户亩次吨斤小时天*/合规及时效果明显基本 ", max_size=12)


@settings(max_examples=300, deadline=None)
@given(CELL, CELL)
def test_what_strict_reads_the_default_reads_the_same_without_assumptions(target: str, actual: str) -> None:
    """Any pair of cells the strict reading accepts is read the same by default, assuming nothing; the default
    refuses only with a TextError, and reads more than strict only by saying what it assumed."""
    try:
        strict_target = parse_target(target, year=2023, strict=True)
        strict_actual = parse_actual(actual, strict_target, year=2023, strict=True)
    except perfscore.tables.TextError:
        strict_actual = None
    try:
        default_target = parse_target(target, year=2023)
        default_actual = parse_actual(actual, default_target, year=2023)
    except perfscore.tables.TextError:
        assert strict_actual is None  # nothing strict reads is refused by default
        return
    if strict_actual is not None:
        assert (default_target, default_actual) == (strict_target, strict_actual)
    else:  # read by default only: an assumption it states, or a measure word strict reading does not know
        units = {unit for unit in (default_target.unit, default_actual.unit) if unit}
        assert default_target.assumed or default_actual.assumed or any(not _known(unit) for unit in units)


def _known(unit: str) -> bool:
    """Whether the strict reading knows a unit (「1亩」 reads strictly, 「1个村」 does not)."""
    try:
        parse_target(f"1{unit}", strict=True)
    except perfscore.tables.TextError:
        return False
    return True


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="率数量控制受害投诉办结合格发生覆盖森林火灾成灾案件", min_size=1, max_size=8))
def test_a_lower_is_better_word_gives_at_most_and_says_so(name: str) -> None:
    """A plain 「5%」 reads ≤ exactly when the name holds a lower-is-better word not outweighed by a longer
    higher-is-better one, and then the Measure says which word."""
    target = parse_target("5%", name=name)
    word = lower_better_word(name)
    assert target.operator == ("<=" if word else "=")
    assert [a.values for a in target.assumed] == ([(("word", word), ("text", "5%"))] if word else [])


def test_a_first_level_with_a_note_or_a_longer_name_is_matched() -> None:
    """「产出指标(50分)」 is 产出指标 (the bracketed note dropped, as published tables write it); 「项目产出」
    contains 产出 and nothing else the ruleset names: counted under 产出指标, with one finding saying so;
    strictly, 「项目产出」 is refused."""
    table = Table(
        "n",
        rows=(
            row(8, "产出指标(50分)", "数量", "甲", "≥10个", "10个", "40", "40"),
            row(9, "项目产出", "质量", "乙", "≥10个", "10个", "10", "10"),
            row(10, "效益指标（30分）", "社会", "丙", "效果明显", "效果明显", "30", "30"),
        ),
    )
    audit = audit_table(table, base())
    assert {plan.root for plan in audit.score.plans} == {"output", "effect"}
    (nearest,) = [f for f in audit.findings if f.code == "assumed"]
    assert nearest.message("zh") == "一级指标「项目产出」不是规则中的名称，按其中所含的名称计入规则的一级指标「产出指标」。"
    assert nearest.message("en") == (
        "The first-level indicator '项目产出' is not a name of the ruleset; it is counted under '产出指标', whose "
        "name it contains."
    )
    assert not [f for f in audit.findings if f.code == "unknown-level1"]
    with pytest.raises(DataError, match="'项目产出' matches none"):
        audit_table(table, base(), strict=True)
