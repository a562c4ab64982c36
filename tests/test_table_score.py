"""Scoring a self-evaluation table (自评表) under a ruleset's [tables] policy: score_table.

Every expected score was worked out by hand (A = target, B = actual, W = points; each leaf rounded
half-up to 2 places, then summed); the arithmetic is next to each case.
"""

from __future__ import annotations

import pickle
from decimal import Decimal
from pathlib import Path

import pytest

import perfscore
from perfscore import DataError, Ruleset
from perfscore.tables.model import BudgetBlock, Cell, IndicatorRow, Table
from perfscore.tables.score import TableScore, score_table

ROOT = Path(__file__).resolve().parent.parent
MOF = perfscore.load(ROOT / "rulesets" / "project-mof-2020.toml")
D = Decimal
SHEET = "自评表"


def row(
    line: int | None,
    level1: str,
    level2: str,
    level3: str,
    target: str,
    actual: str,
    points: str | None,
    reported: str | None = None,
    note: str | None = None,
) -> IndicatorRow:
    """One indicator row as a reader would give it; ``line`` is its row in the sheet (None: built by hand)."""
    cell = Cell("t.xlsx", SHEET, line, "A") if line is not None else Cell()
    return IndicatorRow(
        level1,
        level2,
        level3,
        target,
        actual,
        None if points is None else D(points),
        None if reported is None else D(reported),
        note,
        cell,
    )


def base(tables: str = "", scales: str = "", grades: str = "") -> Ruleset:
    """A ruleset with the 财预〔2020〕10号 first-level weights (10/50/30/10) and the given [tables] keys."""
    text = f"""
[ruleset]
id = "base"
title = "测试规则"
title_en = "Test ruleset"
version = "1"
sources = ["测试"]
{grades}

[indicators.budget]
name = "预算执行率"
name_en = "Budget execution rate"
points = 10
method = "formula"
formula = "points"

[indicators.output]
name = "产出指标"
name_en = "Output"
points = 50
method = "formula"
formula = "points"

[indicators.effect]
name = "效益指标"
name_en = "Effect"
points = 30
method = "formula"
formula = "points"

[indicators.satisfaction]
name = "满意度指标"
name_en = "Satisfaction"
points = 10
method = "formula"
formula = "points"

{scales}

[tables]
budget = "budget"
{tables}
"""
    return perfscore.loads(text, source="base.toml")


def one_row(
    target: str,
    actual: str,
    points: str = "10",
    reported: str | None = None,
    level1: str = "产出指标",
    **kwargs: str,
) -> Table:
    return Table("one", rows=(row(None, level1, "数量指标", "指标", target, actual, points, reported, **kwargs),))


def score_of(table: Table, ruleset: Ruleset) -> Decimal:
    """The single row's recomputed score."""
    return score_table(table, ruleset).item(0).score


def training() -> Table:
    """A realistic project table: 某区基层治理骨干培训项目, 2023, under 财预〔2020〕10号."""
    return Table(
        "training-2023",
        "某区基层治理骨干培训项目",
        2023,
        BudgetBlock(D("50.00"), D("50.00"), D("48.37"), D(10), D("96.74"), D("9.67"), Cell("t.xlsx", SHEET, 4, "B")),
        (
            row(8, "产出指标", "数量指标", "培训人次", "≥500人次", "480人次", "10", "10"),
            row(9, "产出指标", "数量指标", "培训班期数", "≥4期", "4期", "10", "7"),
            row(10, "产出指标", "质量指标", "考核合格率", "≥95%", "96.5%", "10", "10"),
            row(11, "产出指标", "时效指标", "完成时间", "2023年11月底前", "2023年12月15日", "10", "10"),
            row(12, "产出指标", "成本指标", "人均培训成本", "≤1000元/人次", "1100元/人次", "10", "9", "物价上涨"),
            row(13, "效益指标", "社会效益指标", "基层治理能力", "效果明显", "部分达成", "20", "18", "部分街道未开展"),
            row(14, "效益指标", "可持续影响指标", "长效机制", "持续", "长期", "10", "9"),
            row(15, "满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "92%", "10", "10"),
        ),
        D("92.67"),
        "优秀",
        "t.xlsx",
    )


# --- a whole table ----------------------------------------------------------------------------


def test_realistic_table_scores_to_the_hand_worked_total() -> None:
    """9.67 + 9.60 + 10 + 10 + 0 + 9 + 12 + 9 + 10 = 79.27 (中), each item worked by hand."""
    scored = score_table(training(), MOF)
    result = scored.result
    # budget 48.37 / 50 = 0.9674 → 9.674 → 9.67; 480/500 × 10 = 9.60; 4 ≥ 4; 96.5 ≥ 95;
    # finished 12-15 after 11-30 → 0; ≤1000, 1100: (1 − 100/1000) × 10 = 9; 部分达成, 18 outside
    # [12, 16) → default 0.6 × 20 = 12; 达成 with 9 inside [8, 10] → 9; 92 ≥ 90 → 10.
    assert [(item.id, item.score) for item in result.items] == [
        ("budget_execution.rate", D("9.67")),
        ("output.g1.row_1", D("9.60")),
        ("output.g1.row_2", D("10.00")),
        ("output.g2.row_3", D("10.00")),
        ("output.g3.row_4", D("0.00")),
        ("output.g4.row_5", D("9.00")),
        ("effect.g1.row_6", D("12.00")),
        ("effect.g2.row_7", D("9.00")),
        ("satisfaction.g1.row_8", D("10.00")),
    ]
    assert result.total == D("79.27")
    assert result.grade.name == "中"
    assert scored.total == D("79.27")


def test_groups_are_the_tables_own_rows_and_add_up() -> None:
    """Second-level groups take the table's 二级指标 names and the sum of their rows' points."""
    scored = score_table(training(), MOF)
    tree = {node.id: (node.name, node.points) for root in scored.result.tree for node in root.walk()}
    assert tree["output"] == ("产出指标", D(50))
    assert tree["output.g1"] == ("数量指标", D(20))
    assert tree["effect.g1"] == ("社会效益指标", D(20))
    assert scored.result.subtotals == {
        "budget_execution": D("9.67"),
        "output": D("38.60"),
        "output.g1": D("19.60"),
        "output.g2": D("10.00"),
        "output.g3": D("0.00"),
        "output.g4": D("9.00"),
        "effect": D("21.00"),
        "effect.g1": D("12.00"),
        "effect.g2": D("9.00"),
        "satisfaction": D("10.00"),
        "satisfaction.g1": D("10.00"),
    }
    assert scored.ruleset.total_points == D(100)


def test_row_to_leaf_map() -> None:
    """Each row index maps to its leaf id; the budget block has its own leaf."""
    scored = score_table(training(), MOF)
    assert scored.leaves == {
        0: "output.g1.row_1",
        1: "output.g1.row_2",
        2: "output.g2.row_3",
        3: "output.g3.row_4",
        4: "output.g4.row_5",
        5: "effect.g1.row_6",
        6: "effect.g2.row_7",
        7: "satisfaction.g1.row_8",
    }
    assert scored.budget_leaf == "budget_execution.rate"
    assert scored.budget_root == "budget_execution"
    assert scored.item(3).name == "完成时间"
    assert scored.unparseable == ()


def test_explanations_read_like_the_engines() -> None:
    """Ratio, deadline and qualitative rows explain themselves in both languages."""
    scored = score_table(training(), MOF)
    assert scored.item(0).explain("zh") == (
        "培训人次：实际 480人次，目标 ≥ 500人次，完成率 96.00%，按完成比例计分；得 9.60 分（满分 10 分），扣 0.40 分。"
    )
    assert scored.item(3).explain("zh") == (
        "完成时间：计划 2023-11-30 前完成，实际完成时间 2023-12-15，未达成，不得分；得 0.00 分（满分 10 分）。"
    )
    assert scored.item(3).explain("en") == (
        "完成时间: due by 2023-11-30, finished 2023-12-15: not met: no points; 0.00 of 10 points."
    )
    assert scored.item(5).explain("zh") == (
        "基层治理能力：实际完成「部分达成」评定为「部分达成」（该档 [12.00, 16.00) 分），自评 18 分不在该档内，"
        "按 12.00 分计；得 12.00 分（满分 20 分）。"
    )
    assert scored.item(6).explain("zh") == (
        "长效机制：评定为「达成」（该档 [8.00, 10.00] 分），自评 9.00 分；得 9.00 分（满分 10 分），扣 1.00 分。"
    )
    budget = scored.budget_item
    assert budget is not None
    assert budget.explain("zh") == (
        "预算执行率：实际 96.74%，目标 ≥ 100.00%，完成率 96.74%，按完成比例计分；得 9.67 分（满分 10 分），扣 0.33 分。"
    )


def test_table_ruleset_keeps_the_rulesets_metadata_and_pickles() -> None:
    """The generated ruleset has the base ruleset's rounding, grades and sources, and travels by pickle."""
    scored = score_table(training(), MOF)
    compiled = scored.ruleset
    assert compiled.id == "project-mof-2020.training-2023"
    assert compiled.meta.grades == MOF.meta.grades
    assert compiled.meta.rounding == MOF.meta.rounding
    assert compiled.meta.sources[: len(MOF.meta.sources)] == MOF.meta.sources
    again = pickle.loads(pickle.dumps(compiled))
    assert again.text == compiled.text
    assert again.score(dict(scored.values)).total == D("79.27")
    reloaded = perfscore.loads(compiled.text)
    assert [leaf.id for leaf in reloaded.leaves] == [leaf.id for leaf in compiled.leaves]
    assert scored.result.to_dict()["total"] == "79.27"


def test_grades_come_from_the_ruleset() -> None:
    """A ruleset's own grades grade the table, even when its points do not reach the total."""
    grades = 'grades = [{ name = "好", name_en = "Good", min = 8 }, { name = "坏", name_en = "Bad", min = 0 }]'
    ruleset = base(grades=grades)
    scored = score_table(one_row("≥500人次", "450人次"), ruleset)  # 450/500 × 10 = 9.00
    assert scored.total == D("9.00")
    assert scored.result.grade.name == "好"


# --- numeric targets ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "tables", "score"),
    [
        ("≥500人次", "480人次", "", "9.60"),  # 480/500 × 10
        ("≥500人次", "520人次", "", "10.00"),  # met
        (">90%", "90%", "", "10.00"),  # > read as ≥: 90 meets it
        ("<5天", "6天", "", "8.00"),  # < read as ≤, linear: (1 − 1/5) × 10
        ("≤10万元", "12万元", "", "8.00"),  # linear: (1 − 2/10) × 10
        ("≤10万元", "12万元", 'reverse = "inverse"', "8.33"),  # inverse: 10/12 × 10 = 8.333…
        ("≤10万元", "20万元", "", "0.00"),  # linear, B ≥ 2A
        ("100%", "98%", "", "9.80"),  # plain number reads "=", at-least: 98/100 × 10
        ("=100%", "98%", 'equal = "exact"', "0.00"),  # exact, no tolerance
        ("=100%", "98%", 'equal = "exact"\ntolerance = 2', "10.00"),  # |98 − 100| ≤ 2
        ("≥20万元", "250000元", "", "10.00"),  # 250000元 = 25万元 ≥ 20万元
        ("≥20万元", "180000元", "", "9.00"),  # 18/20 × 10
        ("95%以上", "-3%", "", "0.00"),  # a negative actual counts as 0
    ],
)
def test_numeric_targets(target: str, actual: str, tables: str, score: str) -> None:
    """Operators, units and the policy's reverse / equal / tolerance, each worked by hand."""
    assert score_of(one_row(target, actual), base(tables)) == D(score)


def test_over_target_flag_and_deduct() -> None:
    """over_target from the policy: flagged (no points off) or deducted (140/100 ≥ 1.3: 10 − 2)."""
    flagged = score_table(one_row("≥100户", "140户"), base("over_target = { above = 1.3 }")).item(0)
    assert flagged.score == D("10.00")
    assert flagged.facts["case"] == "over-flagged"
    deducted = base('over_target = { above = 1.3, action = "deduct", deduct = 2 }')
    assert score_of(one_row("≥100户", "140户"), deducted) == D("8.00")
    assert score_of(one_row("≥100户", "129户"), deducted) == D("10.00")


def test_budget_block_scores_executed_over_adjusted_budget() -> None:
    """The seed case: 2456.19 / 2468.78 = 0.994900… × 10 = 9.949… → 9.95 (not the initial budget)."""
    table = Table(
        "seed",
        budget=BudgetBlock(D("2400.00"), D("2468.78"), D("2456.19"), D(10), D("99.49"), D("9.95")),
        rows=(row(None, "产出指标", "数量指标", "走访户数", "≥100户", "100户", "90"),),
    )
    scored = score_table(table, base())
    assert scored.budget_item is not None
    assert scored.budget_item.score == D("9.95")
    assert scored.total == D("99.95")


def test_budget_over_execution_earns_no_more() -> None:
    """Executed above the adjusted budget: min(rate, 1) × points = full points, not more."""
    table = Table("over", budget=BudgetBlock(None, D(100), D(120), D(10)), rows=())
    assert score_table(table, base()).total == D("10.00")


def test_budget_points_default_to_the_rulesets_weight() -> None:
    """A budget block without 分值 is worth the ruleset's budget weight (10): 90/100 × 10 = 9."""
    table = Table("bp", budget=BudgetBlock(None, D(100), D(90), None), rows=())
    scored = score_table(table, base())
    assert scored.budget_item is not None
    assert (scored.budget_item.points, scored.budget_item.score) == (D(10), D("9.00"))


# --- qualitative rows -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "reported", "score"),
    [
        ("效果明显", "9", "9.00"),  # 达成 [8, 10]: the unit's 9 is kept
        ("效果明显", "10", "10.00"),  # the top of the tier is inside it
        ("效果明显", "7", "10.00"),  # 7 is outside 达成: its default 100%
        ("效果明显", None, "10.00"),  # no score given: the default
        ("一般", "7", "7.00"),  # 部分达成 [6, 8): kept
        ("一般", "8", "6.00"),  # 8 is the excluded top of 部分达成: default 60%
        ("未达成", "5", "5.00"),  # 未达成 [0, 6)
        ("未达成", "6", "0.00"),  # outside: default 0
    ],
)
def test_rating_rows_keep_a_score_inside_the_tier(actual: str, reported: str | None, score: str) -> None:
    """The tier comes from the actual text; the unit's score stands only inside that tier."""
    assert score_of(one_row("效果明显", actual, reported=reported), base()) == D(score)


def test_rating_tier_without_default_takes_its_lowest_score() -> None:
    """A scale whose tier has no default: a score outside it gives the tier's lowest (0.7 × 10 = 7)."""
    scales = """
[scales.strict]
tiers = [
  { name = "达成", name_en = "achieved", min = 0.7, max = 1, max_inclusive = true },
  { name = "部分达成", name_en = "partly", min = 0.4, max = 0.7, default = 0.4 },
  { name = "未达成", name_en = "not achieved", min = 0, max = 0.4, default = 0 },
]
"""
    ruleset = base('scale = "strict"', scales=scales)
    assert score_of(one_row("效果明显", "效果明显", reported="6"), ruleset) == D("7.00")
    scored = score_table(one_row("效果明显", "效果明显"), ruleset)
    assert scored.item(0).score == D("7.00")
    assert scored.item(0).explain("zh") == (
        "指标：实际完成「效果明显」评定为「达成」（该档 [7.00, 10.00] 分），未填自评分，该档没有默认分，"
        "按该档最低分 7.00 计；得 7.00 分（满分 10 分）。"
    )


def test_vocabulary_from_the_policy() -> None:
    """A bureau's own words name a tier: 「较为明显」 → 部分达成, default 60% of 10."""
    ruleset = base('vocabulary = { "较为明显" = "部分达成" }')
    assert score_of(one_row("效果明显", "较为明显"), ruleset) == D("6.00")


# --- first-level names ------------------------------------------------------------------------------


@pytest.mark.parametrize("level1", ["产出指标", "产出", " 产出指标 ", "Output", "output", "产出类指标"])
def test_first_level_matched_by_name_key_or_alias(level1: str) -> None:
    """By name (with or without 指标, spaces ignored), English name, key, or a [tables] level1 alias."""
    ruleset = base('level1 = { "产出类指标" = "output" }')
    scored = score_table(one_row("≥500人次", "480人次", level1=level1), ruleset)
    assert scored.leaves == {0: "output.g1.row_1"}
    assert scored.level1 == {level1: "output"}


def test_mof_aliases_place_service_satisfaction() -> None:
    """project-mof-2020's [tables] level1 puts 服务对象满意度指标 under satisfaction."""
    table = one_row("≥90%", "95%", level1="服务对象满意度指标")
    assert score_table(table, MOF).leaves == {0: "satisfaction.g1.row_1"}


def test_rows_without_a_second_level_sit_under_the_first() -> None:
    """An empty 二级指标 puts the row directly under its first-level indicator."""
    table = Table("flat", rows=(row(None, "产出指标", "", "培训人次", "≥500人次", "500人次", "10"),))
    assert score_table(table, base()).leaves == {0: "output.row_1"}


# --- what cannot be read ------------------------------------------------------------------------------


def broken() -> Table:
    return Table(
        "broken",
        rows=(
            row(8, "产出指标", "数量指标", "培训人次", "≥五十个", "48个", "10", "8"),
            row(9, "产出指标", "数量指标", "培训班期数", "≥4期", "约4期", "10", "7"),
            row(10, "产出质量", "质量指标", "考核合格率", "≥95%", "96.5%", "10", "10"),
            row(11, "产出指标", "时效指标", "完成时间", "2023年11月底前", "2023年11月15日", None, "10"),
        ),
        source="t.xlsx",
    )


def test_unreadable_cells_under_error_are_one_located_data_error() -> None:
    """strict (or unparseable = "error"): every problem, each naming its cell and quoting what was written (the row
    without points is not one: it scores 0, for the audit to report)."""
    with pytest.raises(DataError) as caught:
        score_table(broken(), MOF, strict=True)
    assert str(caught.value) == (
        "t.xlsx: 3 problems in the data\n"
        "  t.xlsx: 自评表!A8: target (年度指标值) '≥五十个' cannot be read: these words are not in the "
        "vocabulary; expected a number with its unit and comparison (≥50个, 95%以上), a deadline (9月前) or "
        "words from the vocabulary\n"
        "  t.xlsx: 自评表!A9: actual (实际完成值) '约4期' cannot be read: 约 makes the number approximate; "
        "expected an exact number such as 52个\n"
        "  t.xlsx: 自评表!A10: first-level indicator (一级指标) '产出质量' matches none of the ruleset's: "
        "预算执行率, 产出指标, 效益指标, 满意度指标; add it to [tables] level1"
    )
    codes = [problem.code for problem in caught.value.problems]
    assert codes == ["unreadable-cell", "unreadable-cell", "unknown-level1"]


def test_a_hand_built_table_is_located_by_row_index() -> None:
    """Without cells, problems name the row's index in table.rows (strict: refused)."""
    table = Table("hand", rows=(row(None, "产出指标", "数量", "甲", "≥50", "很多", "10"),))
    with pytest.raises(DataError) as caught:
        score_table(table, base(), strict=True)
    (problem,) = caught.value.problems
    assert problem.location.render() == "<string>: rows[0]"
    assert problem.message.startswith("actual (实际完成值) '很多' cannot be read: this is written in words")


def readable_only(policy: str) -> tuple[TableScore, Table]:
    table = Table(
        "p",
        rows=(
            row(8, "产出指标", "数量指标", "培训人次", "≥五十个", "48个", "10", "8"),
            row(9, "产出指标", "数量指标", "培训班期数", "≥4期", "4期", "10", "10"),
            row(10, "产出指标", "数量指标", "宣传次数", "≥5次", "若干", "10"),
        ),
        source="t.xlsx",
    )
    return score_table(table, base(f'unparseable = "{policy}"')), table


def test_unreadable_cells_scored_zero_with_the_reason() -> None:
    """unparseable = "zero": the row scores 0 and says why, in Chinese on a Chinese page; the cell is listed."""
    scored, _ = readable_only("zero")
    assert [scored.item(i).score for i in range(3)] == [D("0.00"), D("10.00"), D("0.00")]
    assert scored.total == D("10.00")
    assert scored.item(0).explain("zh") == (
        "培训人次：年度指标值「≥五十个」无法识别（该用语不在词表中；应为带比较符号和单位的数值（≥50个、95%以上）、"
        "完成时限（9月前）或词表中的用语），按 0 分计，需人工复核；得 0.00 分（满分 10 分），扣 10.00 分。"
    )
    assert [(u.row, u.column, u.text, u.action) for u in scored.unparseable] == [
        (0, "target", "≥五十个", "zero"),
        (2, "actual", "若干", "zero"),
    ]
    assert scored.unparseable[0].cell == Cell("t.xlsx", SHEET, 8, "A")


def test_unreadable_cells_keep_the_units_score_when_asked() -> None:
    """unparseable = "reported": the unit's own score stands (flagged); no score given means 0."""
    scored, _ = readable_only("reported")
    assert [scored.item(i).score for i in range(3)] == [D("8.00"), D("10.00"), D("0.00")]
    assert scored.item(0).explain("en") == (
        "培训人次: the target '≥五十个' cannot be read (these words are not in the vocabulary; expected a number "
        "with its unit and comparison (≥50个, 95%以上), a deadline (9月前) or words from the vocabulary); the "
        "unit's own score is kept, to be checked; 8.00 of 10 points."
    )
    assert "且未填自评得分，按 0 分计" in scored.item(2).explain("zh")
    assert [u.action for u in scored.unparseable] == ["reported", "reported"]


def test_an_unusable_budget_block_follows_the_policy() -> None:
    """An adjusted budget of 0 cannot give a rate: refused when strict, the unit's own 10 kept by
    default, 0 under "zero"."""
    table = Table("b", budget=BudgetBlock(None, D(0), D(5), D(10), None, D(10), Cell("t.xlsx", SHEET, 4, "B")))
    kept = score_table(table, base())
    assert kept.budget_item is not None and kept.budget_item.score == D("10.00")
    with pytest.raises(DataError) as caught:
        score_table(table, base(), strict=True)
    assert str(caught.value.problems[0].render()) == (
        "t.xlsx: 自评表!B4: adjusted budget (全年预算数) '0' cannot be read: the rate needs an adjusted budget above 0"
    )
    scored = score_table(table, base('unparseable = "zero"'))
    assert scored.budget_item is not None and scored.budget_item.score == D("0.00")
    assert scored.unparseable[0].row is None
    empty = Table("e", budget=BudgetBlock(None, D(100), None, D(10)))
    with pytest.raises(DataError) as caught:
        score_table(empty, base(), strict=True)
    assert caught.value.problems[0].message == (
        "amount executed (全年执行数) '' cannot be read: the cell is empty; the rate needs both amounts"
    )


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("-1", "the indicator '指标' has points -1; points are 0 or more"),
        ("2.555", "the indicator '指标' has points 2.555, with more decimal places than the ruleset rounds to (2)"),
    ],
)
def test_bad_points_are_located_errors(points: str, message: str) -> None:
    """Points the engine cannot use are reported at the row, not as a ruleset error."""
    with pytest.raises(DataError) as caught:
        score_table(one_row("≥5个", "5个", points=points), base())
    assert [problem.message for problem in caught.value.problems] == [message]


def test_rows_without_points_score_zero() -> None:
    """A 分值 merged over three rows is read in the first only: the other two are worth 0 and listed."""
    table = Table(
        "merged",
        rows=(
            row(8, "产出指标", "数量指标", "甲", "≥5个", "4个", "30", "24"),  # 4/5 × 30 = 24
            row(9, "产出指标", "数量指标", "乙", "≥5个", "5个", None, "10"),
            row(10, "产出指标", "数量指标", "丙", "≥5个", "5个", None),
        ),
        source="t.xlsx",
    )
    scored = score_table(table, base())
    assert [scored.item(i).score for i in range(3)] == [D("24.00"), D("0.00"), D("0.00")]
    assert scored.without_points == (1, 2)
    assert scored.item(1).explain("zh") == "乙：未填分值，无法计分，按 0 分计。"
    assert scored.result.subtotals["output.g1"] == D("24.00")


def test_a_table_with_no_points_is_an_error() -> None:
    """Nothing to score: a located DataError, not a ruleset with total 0."""
    with pytest.raises(DataError, match="the table gives no points to score"):
        score_table(one_row("≥5个", "5个", points="0"), base())


def test_budget_block_needs_a_first_level_indicator() -> None:
    """A ruleset with no budget indicator cannot place the budget block."""
    ruleset = perfscore.loads(
        '[ruleset]\nid = "x"\ntitle = "x"\nversion = "1"\nsources = ["x"]\ntotal = 10\n'
        '[indicators.output]\nname = "产出指标"\npoints = 10\nmethod = "formula"\nformula = "points"\n'
    )
    table = Table("x", budget=BudgetBlock(None, D(10), D(10), D(10)), rows=())
    with pytest.raises(DataError, match=r"no first-level indicator for the budget block \(预算执行率\)"):
        score_table(table, ruleset)


def test_a_ruleset_without_tables_uses_the_defaults() -> None:
    """No [tables]: first-level names still match; the default policy (linear, at-least, error) applies."""
    ruleset = perfscore.loads(
        '[ruleset]\nid = "x"\ntitle = "x"\nversion = "1"\nsources = ["x"]\ntotal = 10\n'
        '[indicators.output]\nname = "产出指标"\npoints = 10\nmethod = "formula"\nformula = "points"\n'
    )
    assert score_of(one_row("≤10万元", "12万元"), ruleset) == D("8.00")


def test_problems_in_the_generated_ruleset_point_at_the_cell() -> None:
    """A name too long for a ruleset (over 10,000 characters) is reported at its row, as a DataError."""
    table = Table("long", rows=(row(7, "产出指标", "数量", "长" * 10_001, "≥5个", "5个", "10"),), source="t.xlsx")
    with pytest.raises(DataError) as caught:
        score_table(table, base())
    (problem,) = caught.value.problems
    assert problem.location.render() == "t.xlsx: 自评表!A7"
    assert problem.message == "text of 10001 characters is over the 10000-character limit"


def test_line_breaks_typed_in_cells_read_as_spaces() -> None:
    """A name with a line break typed in its cell (Alt+Enter) is one line in the ruleset and the report."""
    table = Table(
        "lb", "某\n项目", rows=(row(None, "产出指标", "数量\n指标", "培训\n人次", "≥500人次", "480人次", "10"),)
    )
    scored = score_table(table, base())
    assert scored.item(0).name == "培训 人次"
    assert scored.result.tree[0].children[0].name == "数量 指标"
    assert scored.ruleset.title == "某 项目（测试规则）"


def test_tables_of_one_shape_share_one_compiled_ruleset() -> None:
    """Two tables that differ only in their actual values share one compiled ruleset; another shape does not."""
    first = training()
    rows = list(first.rows)
    rows[0] = row(8, "产出指标", "数量指标", "培训人次", "≥500人次", "500人次", "10", "10")
    same_shape = Table(first.id, first.title, first.year, first.budget, tuple(rows), None, None, first.source)
    rows[0] = row(8, "产出指标", "数量指标", "培训人次", "≥400人次", "480人次", "10", "10")
    other = Table(first.id, first.title, first.year, first.budget, tuple(rows), None, None, first.source)
    scored, shared, different = (score_table(table, MOF) for table in (first, same_shape, other))
    assert shared.ruleset is scored.ruleset
    assert different.ruleset is not scored.ruleset
    assert different.ruleset.text != scored.ruleset.text
    # the values are each table's own: 480/500 × 10 = 9.6 for the first, full marks for the second
    assert (scored.item(0).score, shared.item(0).score, different.item(0).score) == (D("9.60"), D("10.00"), D("10.00"))


def _copies(tmp_path: Path) -> list[tuple[TableScore, TableScore]]:
    """Each sample table scored from its own file and from a copy under another name (scored first)."""
    from perfscore.tables import score as module
    from perfscore.tables.read import read_tables

    module._shared.cache_clear()  # the tables scored by earlier tests share nothing with these
    module._checked.cache_clear()
    pairs = []
    for sample in sorted((ROOT / "tests" / "tables").glob("*.*")):
        if sample.suffix not in (".csv", ".json", ".toml", ".xlsx"):
            continue
        copy = tmp_path / f"copy-of-{sample.name}"
        copy.write_bytes(sample.read_bytes())
        for table, other in zip(read_tables(sample), read_tables(copy), strict=True):
            try:
                copied = score_table(other, MOF)
            except DataError:
                continue  # a table the ruleset refuses: nothing is shared (the next test holds its errors)
            pairs.append((score_table(table, MOF), copied))
    return pairs


def test_tables_of_one_form_check_their_rules_once(tmp_path: Path) -> None:
    """Copies of one form (another file, the same rows) share their checked rules, each ruleset named
    after its own file, and each is what loading its own text alone gives, to the byte."""
    pairs = _copies(tmp_path)
    assert len(pairs) >= 10
    for scored, copied in pairs:
        assert scored.ruleset.leaves is copied.ruleset.leaves  # checked once
        alone = perfscore.loads(scored.ruleset.text, source=scored.ruleset.source)
        assert scored.ruleset.source == alone.source and scored.ruleset.source != copied.ruleset.source
        assert scored.ruleset.meta == alone.meta and scored.ruleset.text == alone.text
        assert scored.ruleset.meta.sources != copied.ruleset.meta.sources  # each names its own file
        assert scored.ruleset.to_dict() == alone.to_dict()
        assert scored.ruleset.generated_code() == alone.generated_code()
        values = scored.values
        assert scored.ruleset.score(values).to_dict() == alone.score(values).to_dict()
        again = pickle.loads(pickle.dumps(scored.ruleset))
        assert (again.source, again.text, again.meta) == (alone.source, alone.text, alone.meta)


def test_a_table_whose_own_names_are_refused_says_so_as_before(tmp_path: Path) -> None:
    """A table whose title breaks a limit of the ruleset it makes is refused at the title, as when
    its ruleset was loaded alone, even when a table of the same form was scored before."""
    first = training()
    score_table(first, MOF)
    long = Table(first.id, "某" * 10_001, first.year, first.budget, first.rows, None, None, first.source)
    with pytest.raises(DataError) as refused:
        score_table(long, MOF)
    said = [(problem.code, problem.location.file, problem.message) for problem in refused.value.problems]
    assert said == [  # its title and its English title, each with the ruleset's title after it
        ("string-too-long", "t.xlsx", "text of 10027 characters is over the 10000-character limit"),
        ("string-too-long", "t.xlsx", "text of 10080 characters is over the 10000-character limit"),
    ]


def test_a_form_whose_ruleset_is_refused_is_refused_for_every_copy() -> None:
    """Copies of a form whose rows make a ruleset with a problem are each refused at their own row,
    the second as the first (the refused shape is remembered, the problems are each table's own)."""
    rows = (row(7, "产出指标", "数量", "长" * 10_001, "≥5个", "5个", "10"),)
    said = []
    for source in ("a.xlsx", "b.xlsx", "a.xlsx"):
        with pytest.raises(DataError) as caught:
            score_table(Table("long", rows=rows, source=source), base())
        said.append([(problem.location.render(), problem.message) for problem in caught.value.problems])
    expected = [("t.xlsx: 自评表!A7", "text of 10001 characters is over the 10000-character limit")]  # the row's cell
    assert said == [expected, expected, expected]
