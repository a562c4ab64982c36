"""Sheets of units: the template a unit fills in, a filled sheet (.xlsx or .csv) scored back, and
the scores written as .xlsx (汇总, 明细, 扣分说明) or .csv.

The round trip is held to the TOML data files the tests already trust: the seed unit
(examples/liwan-2023.toml, 99.75 under department-wide) and the project sample
(examples/project-template-data.toml, 95.53 under project-mof-2020, worked by hand in that file).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import perfscore
import perfscore.files
from perfscore.cli import run
from perfscore.errors import DataError
from perfscore.inputs import Rated
from perfscore.limits import Limits
from perfscore.sheets import read_sheet_units, write_scores_csv, write_scores_xlsx, write_template

ROOT = Path(__file__).resolve().parents[1]
DEPARTMENT = perfscore.load(ROOT / "rulesets" / "department-wide.toml")
PROJECT = perfscore.load(ROOT / "rulesets" / "project-mof-2020.toml")
SEED = perfscore.read_units(ROOT / "examples" / "liwan-2023.toml")[0]
SAMPLE = perfscore.read_units(ROOT / "examples" / "project-template-data.toml")[0]


def cell_text(value: Any) -> Any:
    """A unit's value as a person types it into a cell: 是/否, a tier name, 达成：9, a date, a number."""
    if value is True or value is False:
        return "是" if value else "否"
    if isinstance(value, Mapping):
        return f"{value['tier']}：{value['score']}" if "score" in value else value["tier"]
    if isinstance(value, Decimal):
        return float(value) if value == value.to_integral_value() or len(str(value)) < 15 else str(value)
    if isinstance(value, datetime.date):
        return value
    return value


def fill(template: Path, target: Path, rows: Sequence[tuple[str, str, Mapping[str, Any]]], ruleset: Any) -> Path:
    """Fill a template as a unit would in Excel: one row per unit, each input in its column."""
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    for number, (unit_id, name, values) in enumerate(rows, start=2):
        sheet.cell(number, 1).value = unit_id
        sheet.cell(number, 2).value = name
        for column, input_name in enumerate(ruleset.inputs, start=3):
            if input_name in values:
                sheet.cell(number, column).value = cell_text(values[input_name])
    book.save(target)
    return target


def filled(tmp_path: Path, ruleset: Any, rows: Sequence[tuple[str, str, Mapping[str, Any]]]) -> Path:
    template = write_template(ruleset, tmp_path / "填报表.xlsx")
    return fill(template, tmp_path / "已填.xlsx", rows, ruleset)


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


# --- the template ---------------------------------------------------------------------------------


def test_the_template_has_a_column_per_input_with_its_label_and_unit(tmp_path: Path) -> None:
    """填报表: 单位编号, 单位名称, then each input's label with its unit; a note on every input's header."""
    book = openpyxl.load_workbook(write_template(DEPARTMENT, tmp_path / "t.xlsx"))
    assert book.sheetnames == ["填报表", "填写说明", "选项"]
    sheet = book["填报表"]
    heads = [cell.value for cell in sheet[1]]
    assert heads[:5] == ["单位编号", "单位名称", "全年预算数（万元）", "全年执行数（万元）", "年末结转和结余（万元）"]
    assert heads[9] == "质量达标率（%）"  # a percent input shows %
    assert heads[11] == "社会效益（评定档次）"  # no unit: the label alone
    assert len(heads) == 2 + len(DEPARTMENT.inputs)
    notes = [cell.comment.text for cell in sheet[1][2:]]
    assert notes[0].startswith("数值；不小于 0.01；必填")
    assert "从下拉列表选择档次：达成、部分达成、未达成" in notes[9]
    assert book["选项"].sheet_state == "hidden"


def test_a_label_that_gives_its_unit_is_not_given_it_twice(tmp_path: Path) -> None:
    """示例：完成数量（个） stays as it is, 示例：验收合格率（%） and 示例：单位成本（万元/个） too; 全年预算数 gets its unit."""
    heads = [cell.value for cell in openpyxl.load_workbook(write_template(PROJECT, tmp_path / "t.xlsx"))["填报表"][1]]
    assert "示例：完成数量（个）" in heads and "示例：验收合格率（%）" in heads
    assert "示例：单位成本（万元/个）" in heads and "全年预算数（万元）" in heads


def test_the_template_validates_ratings_yes_no_and_numbers(tmp_path: Path) -> None:
    """Drop-downs for ratings (the scale's tiers) and yes/no; a whole-number range for counts, a decimal one for numbers."""
    book = openpyxl.load_workbook(write_template(DEPARTMENT, tmp_path / "t.xlsx", rows=50))
    sheet = book["填报表"]
    by_column = {str(rule.sqref).split(":")[0][:-1]: rule for rule in sheet.data_validations.dataValidation}
    assert (by_column["C"].type, by_column["C"].operator, by_column["C"].formula1) == ("decimal", "greaterThanOrEqual", "0.01")  # fmt: skip
    assert str(by_column["C"].sqref) == "C2:C51"
    assert (by_column["F"].type, by_column["F"].formula1) == ("whole", "1")  # goals_planned: a count, min 1
    assert by_column["Q"].type == "list" and by_column["Q"].formula1 == '"是,否"'
    rating = by_column["L"]
    assert rating.type == "list" and rating.formula1 == "'选项'!$A$1:$A$3"
    assert [book["选项"].cell(row, 1).value for row in (1, 2, 3)] == ["达成", "部分达成", "未达成"]
    assert rating.errorStyle == "warning"  # 达成：9 may still be typed


def test_the_template_in_english(tmp_path: Path) -> None:
    """--lang en: English sheet names, headers from label_en."""
    book = openpyxl.load_workbook(write_template(DEPARTMENT, tmp_path / "t.xlsx", lang="en"))
    assert book.sheetnames == ["Units", "How to fill in", "Lists"]
    assert [cell.value for cell in book["Units"][1]][:3] == ["Unit id", "Unit name", "Adjusted annual budget (万元)"]


@pytest.mark.parametrize(("ruleset", "unit", "expected"), [
    (DEPARTMENT, SEED, Decimal("99.75")),
    (PROJECT, SAMPLE, Decimal("95.53")),
])  # fmt: skip
def test_a_filled_template_scores_as_the_data_file_does(
    tmp_path: Path, ruleset: Any, unit: Any, expected: Decimal
) -> None:
    """Every item of a filled template scores exactly as the same unit's TOML file (numbers, percents,
    counts, 是/否, dates, tiers with and without a score)."""
    path = filled(tmp_path, ruleset, [("u1", "某单位", unit.values)])
    batch = read_sheet_units(path, ruleset).score(ruleset)
    (result,) = batch.outcomes
    assert isinstance(result, perfscore.ScoreResult)
    assert result.total == expected
    reference = ruleset.score(unit.values)
    assert [item.score for item in result.items] == [item.score for item in reference.items]
    assert batch.units == (("u1", "某单位"),)


def test_an_english_template_scores_back(tmp_path: Path) -> None:
    """A template written with --lang en (headers from label_en) is read back by those headers."""
    template = write_template(DEPARTMENT, tmp_path / "units.xlsx", lang="en")
    path = fill(template, tmp_path / "filled.xlsx", [("u1", "Liwan", SEED.values)], DEPARTMENT)
    (result,) = read_sheet_units(path, DEPARTMENT).score(DEPARTMENT).outcomes
    assert isinstance(result, perfscore.ScoreResult) and result.total == Decimal("99.75")


def test_a_tier_with_a_score_is_read_from_one_cell(tmp_path: Path) -> None:
    """A rating cell 达成：9 gives the tier and the score inside it."""
    path = filled(tmp_path, PROJECT, [("u1", "某单位", SAMPLE.values)])
    (unit,) = read_sheet_units(path, PROJECT).units
    assert unit.values["social_effect"] == {"tier": "达成", "score": "9"}
    result = PROJECT.score(unit.values)
    assert result.values["social_effect"] == Rated(PROJECT.scales["default"].tiers[0], Decimal(9))


# --- reading sheets --------------------------------------------------------------------------------


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


SEED_ROW = {name: cell_text(value) for name, value in SEED.values.items()}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_a_csv_in_any_chinese_encoding_scores(tmp_path: Path, encoding: str) -> None:
    """A CSV saved as UTF-8 (with or without BOM), GBK or GB18030, headed by inputs' names."""
    head = ["编号", "名称", *SEED_ROW]
    path = write_csv(tmp_path / "units.csv", [head, ["a", "荔湾", *SEED_ROW.values()]], encoding)
    (result,) = read_sheet_units(path, DEPARTMENT).score(DEPARTMENT).outcomes
    assert isinstance(result, perfscore.ScoreResult) and result.total == Decimal("99.75")


def test_headers_by_name_by_label_and_by_label_with_unit(tmp_path: Path) -> None:
    """budget, 全年预算数 and 全年预算数（万元） all name the input budget; id and name columns in English too."""
    for header in ("budget", "全年预算数", "全年预算数（万元）", "全年预算数(万元)", " 全年预算数 "):
        head = ["id", "name", header, *(name for name in SEED_ROW if name != "budget")]
        row = ["a", "荔湾", SEED_ROW["budget"], *(value for name, value in SEED_ROW.items() if name != "budget")]
        found = read_sheet_units(write_csv(tmp_path / "u.csv", [head, row]), DEPARTMENT)
        assert found.units[0].values["budget"] == "2468.78", header
        assert (found.units[0].id, found.units[0].name) == ("a", "荔湾")


def test_a_title_above_the_header_and_blank_rows_are_passed_over(tmp_path: Path) -> None:
    """The header is the first row that names an input; blank rows between units are not units."""
    head = ["单位编号", "单位名称", *SEED_ROW]
    row = ["a", "荔湾", *SEED_ROW.values()]
    path = write_csv(
        tmp_path / "u.csv", [["2023 年度部门整体支出绩效自评填报表"], [], head, row, [], ["b", "", *SEED_ROW.values()]]
    )
    found = read_sheet_units(path, DEPARTMENT)
    assert [(unit.id, unit.name) for unit in found.units] == [("a", "荔湾"), ("b", None)]
    assert found.cells[1]["budget"] == "C6"


def test_a_bad_cell_is_located_and_the_other_units_are_scored(tmp_path: Path) -> None:
    """A value that does not fit is reported at its cell (填报表!C3); the unit beside it is still scored."""
    bad = {**SEED.values, "budget": "九十"}
    path = filled(tmp_path, DEPARTMENT, [("good", "甲", SEED.values), ("bad", "乙", bad)])
    batch = read_sheet_units(path, DEPARTMENT).score(DEPARTMENT)
    good, failed = batch.outcomes
    assert isinstance(good, perfscore.ScoreResult) and good.total == Decimal("99.75")
    assert isinstance(failed, perfscore.UnitError)
    (problem,) = failed.error.problems
    assert problem.location.file == str(path)
    assert problem.location.path == ("填报表!C3",)
    assert problem.code == "invalid-input" and "'九十'" in problem.message and "全年预算数" in problem.message


def test_a_missing_value_is_located_at_its_empty_cell(tmp_path: Path) -> None:
    """A required input left blank is reported at the blank cell (CSV cells have no sheet name)."""
    values = [value if name != "disclosed" else "" for name, value in SEED_ROW.items()]
    path = write_csv(tmp_path / "u.csv", [["单位编号", *SEED_ROW], ["a", *values]])
    (failed,) = read_sheet_units(path, DEPARTMENT).score(DEPARTMENT).outcomes
    assert isinstance(failed, perfscore.UnitError)
    assert [(p.code, p.location.path) for p in failed.error.problems] == [
        ("missing-input", ("P2",))
    ]  # A: the id, B–P: the 15 inputs


def test_header_problems_are_all_reported_at_their_cells(tmp_path: Path) -> None:
    """An unknown column (with the name probably meant) and a required input no column gives, at once."""
    head = ["单位编号", "全年预算", *(name for name in SEED_ROW if name != "budget")]
    path = write_csv(tmp_path / "u.csv", [head, ["a", "1", *(v for n, v in SEED_ROW.items() if n != "budget")]])
    with pytest.raises(DataError) as raised:
        read_sheet_units(path, DEPARTMENT)
    problems = raised.value.problems
    assert [(p.code, p.location.path, p.suggestion) for p in problems] == [
        ("unknown-input", ("B1",), "全年预算数"),
        ("missing-input", (), None),
    ]
    assert "budget (全年预算数)" in problems[1].message


def test_a_row_without_id_or_name_is_refused_at_its_cell(tmp_path: Path) -> None:
    """A row with values but neither id nor name: which unit is it? Refused, located."""
    path = write_csv(tmp_path / "u.csv", [["单位编号", "单位名称", *SEED_ROW], ["", "", *SEED_ROW.values()]])
    with pytest.raises(DataError) as raised:
        read_sheet_units(path, DEPARTMENT)
    assert [(p.code, p.location.path) for p in raised.value.problems] == [("not-a-unit", ("A2",))]


def test_a_sheet_without_a_header_names_what_it_expected(tmp_path: Path) -> None:
    """No row names an input: the message gives the header to write, in both languages."""
    path = write_csv(tmp_path / "u.csv", [["甲", "乙"], ["1", "2"]])
    with pytest.raises(DataError) as raised:
        read_sheet_units(path, DEPARTMENT)
    (problem,) = raised.value.problems
    assert problem.code == "not-a-unit"
    assert problem.message_zh is not None and "全年预算数、全年执行数、年末结转和结余" in problem.message_zh


def test_reading_is_bounded_as_tables_are(tmp_path: Path) -> None:
    """The table bounds apply: a CSV line over max_csv_line, a workbook row beyond max_table_rows."""
    path = write_csv(tmp_path / "u.csv", [["单位编号", *SEED_ROW], ["a", *SEED_ROW.values()]])
    with pytest.raises(DataError) as raised:
        read_sheet_units(path, DEPARTMENT, limits=Limits(max_csv_line=20))
    assert raised.value.problems[0].code == "table-too-large"
    workbook = filled(tmp_path, DEPARTMENT, [(str(n), "x", SEED.values) for n in range(5)])
    with pytest.raises(DataError) as raised:
        read_sheet_units(workbook, DEPARTMENT, limits=Limits(max_table_rows=3))
    assert raised.value.problems[0].code == "table-too-large"


def test_a_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    """A sheet must be .xlsx or .csv; an .xlsx that is not a workbook gets the table reader's message."""
    with pytest.raises(DataError):
        read_sheet_units(tmp_path / "u.ods", DEPARTMENT)
    (tmp_path / "u.xlsx").write_bytes(b"not a zip")
    with pytest.raises(DataError) as raised:
        read_sheet_units(tmp_path / "u.xlsx", DEPARTMENT)
    assert raised.value.problems[0].code == "table-file"


# --- scores out ------------------------------------------------------------------------------------


def two_units(tmp_path: Path) -> perfscore.BatchResult:
    worse = {**SEED.values, "system_findings": 3, "executed": Decimal("2000")}
    path = filled(tmp_path, DEPARTMENT, [("a", "甲", SEED.values), ("b", "乙", worse), ("c", "丙", {})])
    return read_sheet_units(path, DEPARTMENT).score(DEPARTMENT)


def test_scores_xlsx_has_the_summary_the_details_and_the_explanations(tmp_path: Path) -> None:
    """汇总: a row per unit; 明细: a row per unit and leaf; 扣分说明: every deduction in words; numbers are numbers."""
    batch = two_units(tmp_path)
    book = openpyxl.load_workbook(write_scores_xlsx(batch, tmp_path / "得分.xlsx"))
    assert book.sheetnames == ["汇总", "明细", "扣分说明"]
    summary = book["汇总"]
    assert [cell.value for cell in summary[1]] == ["单位编号", "单位名称", "总分", "扣分", "等级", "名次", "预算执行（15）",
                                                   "产出（40）", "效益（30）", "管理（15）", "错误"]  # fmt: skip
    total = summary["C2"]
    assert (total.data_type, total.number_format, Decimal(str(total.value))) == ("n", "0.00", Decimal("99.75"))
    assert (Decimal(str(summary["D2"].value)), summary["E2"].value, summary["F2"].value) == (Decimal("0.25"), "优", 1)
    assert summary["F3"].value == 2  # b scores less than a (more findings, less executed)
    assert summary["C4"].value is None and "填报表!C4" in summary["K4"].value  # the error, at its cells
    assert summary.auto_filter.ref == "A1:K4"
    details = book["明细"]
    assert details.max_row == 1 + 2 * len(DEPARTMENT.leaves)
    assert [details.cell(2, column).value for column in range(1, 5)] == [
        "a",
        "甲",
        "budget.execution_rate",
        "预算执行率",
    ]
    explanations = book["扣分说明"]
    rows = [[cell.value for cell in row] for row in explanations.iter_rows(min_row=2)]
    b_results = batch.outcomes[1]
    assert isinstance(b_results, perfscore.ScoreResult)
    assert [row[5] for row in rows if row[0] == "b"] == [item.explanation for item in b_results.deductions]
    assert [row[2] for row in rows if row[0] == "c"] == ["错误"]


def test_scores_csv_has_a_row_per_unit_with_every_leaf(tmp_path: Path) -> None:
    """UTF-8 with BOM; the summary columns, then each leaf's score; exact decimals as text."""
    batch = two_units(tmp_path)
    path = write_scores_csv(batch, tmp_path / "得分.csv", lang="en")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:6] == ["Unit id", "Unit name", "Total", "Lost", "Grade", "Rank"]
    assert rows[0][10] == "Budget execution rate (10)" and rows[0][-1] == "Error"
    assert rows[1][:6] == ["a", "甲", "99.75", "0.25", "Excellent", "1"] and rows[1][10] == "9.95"
    assert len(rows) == 4 and len({len(row) for row in rows}) == 1


def test_text_from_a_ruleset_never_becomes_a_formula(tmp_path: Path) -> None:
    """A label starting with = is written with a leading ' in the template and in the scores."""
    text = (ROOT / "rulesets" / "department-wide.toml").read_text(encoding="utf-8")
    ruleset = perfscore.loads(text.replace('label = "全年预算数"', 'label = "=HYPERLINK(1)"'))
    book = openpyxl.load_workbook(write_template(ruleset, tmp_path / "t.xlsx"))
    assert book["填报表"]["C1"].value == "'=HYPERLINK(1)（万元）"
    assert book["填写说明"]["A6"].value == "'=HYPERLINK(1)（万元）"


# --- the command -----------------------------------------------------------------------------------


def test_template_then_score_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """perfscore template, fill, then perfscore score … -o 得分.xlsx -o 报告.html: both files written and
    nothing printed, exit 3 when a unit failed (the failure on stderr, located)."""
    monkeypatch.chdir(tmp_path)
    status, out, err = cli("template", str(ROOT / "rulesets" / "department-wide.toml"), "-o", "填报表.xlsx")
    assert (status, out, err) == (0, "", "")  # -o: written, nothing printed
    fill(Path("填报表.xlsx"), Path("已填.xlsx"), [("a", "甲", SEED.values), ("b", "乙", {**SEED.values, "budget": "x"})], DEPARTMENT)  # fmt: skip
    status, out, err = cli("score", "department-wide", "已填.xlsx", "-o", "得分.xlsx", "-o", "报告.html")
    assert status == 3
    assert out == ""
    assert "已填.xlsx: 填报表!C3: " in err and "'x'" in err
    assert openpyxl.load_workbook("得分.xlsx").sheetnames == ["汇总", "明细", "扣分说明"]
    assert "绩效自评得分汇总" in Path("报告.html").read_text(encoding="utf-8")


def test_one_unit_sheet_prints_its_report_and_its_error_is_the_command_error(tmp_path: Path) -> None:
    """A sheet of one unit prints that unit's report; when it fails, exit 1 with the located error."""
    path = filled(tmp_path, DEPARTMENT, [("a", "甲", SEED.values)])
    status, out, _ = cli("score", "department-wide", str(path))
    assert status == 0 and "总分: 99.75 / 100" in out
    path = filled(tmp_path, DEPARTMENT, [("a", "甲", {**SEED.values, "disclosed": "也许"})])
    status, out, err = cli("score", "department-wide", str(path))
    assert (status, out) == (1, "")
    assert "填报表!Q2: " in err and "'也许'" in err


def test_an_output_that_is_the_input_is_refused(tmp_path: Path) -> None:
    """-o naming the sheet read is refused before anything is read or written; the sheet is untouched."""
    path = filled(tmp_path, DEPARTMENT, [("a", "甲", SEED.values)])
    before = path.read_bytes()
    status, _, err = cli("score", "department-wide", str(path), "-o", str(path))
    assert status == 1
    assert err.startswith("perfscore: ") and f" {path} " in err  # refused at the output, before anything was read
    assert path.read_bytes() == before


def test_score_format_follows_the_output_suffix(tmp_path: Path) -> None:
    """-o report.html writes HTML without --format; -o report.md Markdown."""
    for name, start in (("r.html", "<!DOCTYPE html>"), ("r.md", "# "), ("r.json", "{")):
        status, _, _ = cli(
            "score", "department-wide", str(ROOT / "examples" / "liwan-2023.toml"), "-o", str(tmp_path / name)
        )
        assert status == 0
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start), name


def test_the_template_help_gives_the_default_rows() -> None:
    """perfscore template --help states the default number of rows the template validates."""
    from perfscore import cli, sheets

    assert cli.TEMPLATE_ROWS == sheets.TEMPLATE_ROWS
    status, out, _ = cli_help()
    assert status == 0 and f"默认 {sheets.TEMPLATE_ROWS}" in out


def cli_help() -> tuple[int, str, str]:
    return cli("template", "--help")


def test_a_write_stopped_halfway_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C once the new workbook is written but not yet in place: the scores file already there is as it
    was, and no temporary file is left."""
    target = tmp_path / "得分.xlsx"
    target.write_bytes(b"old scores")

    def stopped(*_: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(perfscore.files.os, "fsync", stopped)  # after the bytes are written, before the rename
    with pytest.raises(KeyboardInterrupt):
        write_scores_xlsx(DEPARTMENT.score_many([SEED]), target)
    assert target.read_bytes() == b"old scores"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["得分.xlsx"]


def test_a_formula_never_calculated_is_refused_at_its_cell(tmp_path: Path) -> None:
    """A workbook written by a program holds formulas without results: read as blank they would score wrong."""
    path = filled(tmp_path, DEPARTMENT, [("a", "甲", SEED.values)])
    book = openpyxl.load_workbook(path)
    book["填报表"]["D2"] = "=C2*0.99"
    book.save(path)
    with pytest.raises(DataError) as raised:
        read_sheet_units(path, DEPARTMENT)
    (problem,) = raised.value.problems
    assert (problem.code, problem.location.path) == ("unsaved-formula", ("填报表!D2",))
    assert (
        problem.message_zh
        == "全年执行数：单元格中的公式（=C2*0.99）没有保存计算结果；请用 Excel 或 WPS 打开此文件并保存后再评分"
    )


def test_a_percentage_typed_with_its_sign_reads_as_shown(tmp_path: Path) -> None:
    """Typing 96.5% in Excel stores 0.965 formatted 0.0%: the cell is read as the 96.5% it shows."""
    path = filled(tmp_path, DEPARTMENT, [("a", "甲", SEED.values)])
    book = openpyxl.load_workbook(path)
    cell = book["填报表"]["J2"]  # 质量达标率（%）
    cell.value, cell.number_format = 0.965, "0.0%"
    book.save(path)
    (unit,) = read_sheet_units(path, DEPARTMENT).units
    assert unit.values["quality_rate"] == "96.5%"
    assert DEPARTMENT.score(unit.values).values["quality_rate"] == Decimal("96.5")
