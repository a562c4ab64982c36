"""Reading self-evaluation tables: every sample table read cell by cell, headers found in their variants,
numbers read as the table shows them, and every unreadable file or cell reported with its full message."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import sys
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from helpers import HENAN_MAPPING
from perfscore import DataError, UnreadableFileError
from perfscore.limits import Limits
from perfscore.tables.model import BudgetBlock, Cell, IndicatorRow, Table
from perfscore.tables.read import HeaderMatch, column_letter, find_header, parse_number, read_tables, shown_number

TABLES = Path(__file__).resolve().parent / "tables"
DOCS = Path(__file__).resolve().parent.parent / "docs" / "tables.md"
D = Decimal


def rows_of(table: Table) -> list[tuple[Any, ...]]:
    """A table's rows as (一级, 二级, 三级, target, actual, points, score, note, cell) with numbers as text."""
    return [
        (
            row.level1,
            row.level2,
            row.level3,
            row.target,
            row.actual,
            None if row.points is None else str(row.points),
            None if row.reported is None else str(row.reported),
            row.note,
            ref(row.cell),
        )
        for row in table.rows
    ]


def ref(cell: Cell) -> str:
    """``Sheet!A12`` or ``A12``: where a cell is, without the file."""
    where = f"{cell.column or ''}{cell.row or ''}"
    return f"{cell.sheet}!{where}" if cell.sheet else where


def only(path: Path, **options: Any) -> Table:
    """The one table a file holds."""
    tables = read_tables(path, **options)
    assert len(tables) == 1, [table.id for table in tables]
    return tables[0]


def read_error(path: Path, **options: Any) -> str:
    """The full message of the DataError that reading ``path`` raises."""
    with pytest.raises(DataError) as caught:
        read_tables(path, **options)
    return str(caught.value)


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- the sample tables, cell by cell --------------------------------------------------------


class TestAnhuiProject:
    """The national 项目支出绩效自评表 layout: merged labels, a budget block, formulas, 总分 and 评价等级."""

    path = TABLES / "anhui-2022-project.xlsx"

    def test_table(self) -> None:
        """Name from 项目名称, year from 「（2022年度）」, the total and the grade as written."""
        table = only(self.path)
        assert (table.id, table.title, table.year) == ("anhui-2022-project", "农村饮水安全巩固提升工程", 2022)
        assert (table.reported_total, table.reported_grade, table.source) == (D("96.48"), "优", str(self.path))

    def test_budget(self) -> None:
        """The 年度资金总额 row under the labels; 507.4/520 in a 0.00% cell reads 97.58, ×10 in 0.00 reads 9.76."""
        budget = only(self.path).budget
        cell = Cell(str(self.path), "自评表", 6, "D")
        assert budget == BudgetBlock(D("500"), D("520"), D("507.4"), D("10"), D("97.58"), D("9.76"), cell)

    def test_rows(self) -> None:
        """Merged 一级/二级 cells continue downwards; 偏差原因 merged across H:J; float scores as shown (0.00)."""
        assert rows_of(only(self.path)) == [
            ("产出指标", "数量指标", "新建供水管网长度", "≥50公里", "52公里", "10", "10.00", None, "自评表!A13"),
            ("产出指标", "数量指标", "改造水厂数量", "=3座", "3座", "10", "10.00", None, "自评表!A14"),
            ("产出指标", "数量指标", "受益人口", "≥2万人", "1.8万人", "10", "9.00",
             "部分村庄管网未完工，2023年6月前完成", "自评表!A15"),
            ("产出指标", "质量指标", "水质达标率", "≥95%", "96.8%", "5", "5.00", None, "自评表!A16"),
            ("产出指标", "质量指标", "工程验收合格率", "=100%", "100%", "5", "5.00", None, "自评表!A17"),
            ("产出指标", "时效指标", "完工及时率", "≥90%", "85%", "5", "4.72", "受汛期影响工期延后", "自评表!A18"),
            ("产出指标", "成本指标", "单位管网建设成本", "≤12万元/公里", "11.5万元/公里", "5", "5.00", None, "自评表!A19"),
            ("效益指标", "社会效益指标", "农村自来水普及率", "≥90%", "92%", "10", "10.00", None, "自评表!A20"),
            ("效益指标", "社会效益指标", "供水保证率", "≥95%", "95%", "10", "10.00", None, "自评表!A21"),
            ("效益指标", "可持续影响指标", "工程运行维护机制", "有效", "基本达成", "10", "8.00", "管护制度尚需完善",
             "自评表!A22"),
            ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "93%", "10", "10.00", None, "自评表!A23"),
        ]  # fmt: skip

    def test_cells_name_the_file(self) -> None:
        """Every row's cell names the file and the sheet, so a finding can say where to look."""
        table = only(self.path)
        assert table.rows[0].cell == Cell(str(self.path), "自评表", 13, "A")
        assert table.rows[0].cell.render() == f"{self.path}!自评表!A13"


class TestSichuanDepartment:
    """A department table on two header lines, budget labels each followed by its value, text numbers."""

    path = TABLES / "sichuan-2023-department.xlsx"

    def test_table(self) -> None:
        """部门（单位）名称 gives the title; the instructions sheet and the hidden template are not tables."""
        table = only(self.path)
        assert (table.id, table.title, table.year) == ("sichuan-2023-department", "某某市生态环境局", 2023)
        assert (table.reported_total, table.reported_grade) == (D("98.95"), "优")

    def test_budget(self) -> None:
        """「１，２３０．５０」 typed with full-width digits reads 1230.50; the block's cell is its first label."""
        budget = only(self.path).budget
        cell = Cell(str(self.path), "部门整体支出绩效自评表", 4, "A")
        assert budget == BudgetBlock(None, D("1230.50"), D("1198.20"), None, D("97.38"), None, cell)

    def test_rows(self) -> None:
        """「１５」, 「15分」 and 「9.5分」 read as numbers; the blank row 14 and the 指标解释/备注 columns are skipped."""
        sheet = "部门整体支出绩效自评表"
        assert rows_of(only(self.path)) == [
            ("预算执行", "预算执行率", "预算执行率", "100%", "97.38%", "10", "9.74", "部分项目资金年底拨付，未及时支出",
             f"{sheet}!A8"),
            ("产出", "职责履行", "环境监测任务完成率", "≥95%", "98%", "15", "15", None, f"{sheet}!A9"),
            ("产出", "职责履行", "执法检查次数", "≥120次", "136次", "10", "10", None, f"{sheet}!A10"),
            ("产出", "职责履行", "信访案件办结率", "100%", "100%", "10", "10", None, f"{sheet}!A11"),
            ("产出", "履职质量", "空气质量优良天数比率", "≥88%", "86.3%", "15", "14.71", "沙尘天气偏多", f"{sheet}!A12"),
            ("产出", "履职质量", "重点工作办结率", "100%", "100%", "10", "10", None, f"{sheet}!A13"),
            ("效果", "履职效益", "环境投诉下降率", "≥5%", "6.2%", "10", "10", None, f"{sheet}!A15"),
            ("效果", "履职效益", "社会公众满意度", "≥90%", "91.5%", "10", "10", None, f"{sheet}!A16"),
            ("效果", "可持续影响", "长效管理机制建立", "建立", "已建立", "10", "9.5", "部分制度待印发", f"{sheet}!A17"),
        ]  # fmt: skip


class TestHubeiWorkbook:
    """One workbook, two project tables, an instructions sheet and a summary sheet that is not a table."""

    path = TABLES / "hubei-2023-workbook.xlsx"

    def test_tables(self) -> None:
        """Only the two project sheets are tables, in sheet order, each named by file and sheet."""
        tables = read_tables(self.path)
        assert [table.id for table in tables] == [
            "hubei-2023-workbook/项目1-道路养护",
            "hubei-2023-workbook/项目2-职业培训",
        ]
        assert [(table.title, table.year) for table in tables] == [("城区道路养护", 2023), ("农民工职业技能培训", 2023)]

    def test_roads(self) -> None:
        """「项目名称：…」 inline; a date cell, a 0.0% cell and 9.950000000000001 read as shown; 总分 96.1 kept
        although the rows add up to 96.9; the grade written under its label."""
        table = read_tables(self.path)[0]
        sheet = "项目1-道路养护"
        assert table.budget == BudgetBlock(
            D("300"), D("320"), D("318.4"), None, D("99.50"), None, Cell(str(self.path), sheet, 4, "C")
        )
        assert rows_of(table) == [
            ("产出指标", "数量指标", "道路养护面积（万平方米）", "50", "52", "20", "20", None, f"{sheet}!A7"),
            ("产出指标", "质量指标", "路面完好率", "≥95%", "96.8%", "20", "20", None, f"{sheet}!A8"),
            ("产出指标", "时效指标", "养护完成时间", "2023-11-30", "2023-12-15", "10", "9.95", "雨季延误", f"{sheet}!A9"),
            ("产出指标", "成本指标", "单位面积养护成本", "≤6元/平方米", "5.8元/平方米", "10", "10", None, f"{sheet}!A10"),
            ("效益指标", "社会效益指标", "道路通行效率提升", "明显提升", "有所提升", "20", "17", "部分路段施工期拥堵",
             f"{sheet}!A11"),
            ("满意度指标", "服务对象满意度指标", "市民满意度", "≥85%", "88%", "10", "10", None, f"{sheet}!A12"),
            ("预算执行", "预算执行率", "预算执行率", "100%", "99.5%", "10", "9.95", None, f"{sheet}!A13"),
        ]  # fmt: skip
        assert sum(row.reported or 0 for row in table.rows) == D("96.9")
        assert (table.reported_total, table.reported_grade) == (D("96.1"), "良")

    def test_training(self) -> None:
        """A 序号 column; the 产出指标 subtotal row and the header repeated after a page break are not rows;
        the budget's text numbers; 自评等级 found below the 说明 footer."""
        table = read_tables(self.path)[1]
        sheet = "项目2-职业培训"
        assert table.budget == BudgetBlock(
            D("80"), D("85"), D("85"), D("10"), D("100"), D("10"), Cell(str(self.path), sheet, 4, "B")
        )
        assert rows_of(table) == [
            ("产出指标", "数量指标", "培训人次", "≥2000人次", "2150人次", "20", "20", None, f"{sheet}!B8"),
            ("产出指标", "质量指标", "培训合格率", "≥90%", "83%", "20", "18.5", "部分学员未参加考核", f"{sheet}!B9"),
            ("效益指标", "社会效益指标", "培训后就业率", "≥70%", "76%", "40", "40", None, f"{sheet}!B11"),
            ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "95%", "10", "10", None, f"{sheet}!B12"),
        ]  # fmt: skip
        assert (table.reported_total, table.reported_grade) == (D("98.5"), "优")


class TestChongqingManagement:
    """A GB18030 CSV of management indicators worth 1–5 points, with a 合计 that does not add up."""

    path = TABLES / "chongqing-2023-management.csv"

    def test_table(self) -> None:
        """单位名称 and 评价年度 labels; 合计 98.56 is kept although the rows add up to 99.06."""
        table = only(self.path)
        assert (table.id, table.title, table.year) == ("chongqing-2023-management", "重庆市某某区司法局", 2023)
        assert (table.reported_total, table.reported_grade) == (D("98.56"), "优")
        assert sum(row.reported or 0 for row in table.rows) == D("99.06")

    def test_budget(self) -> None:
        """预算数 / 执行数 / 执行率 written one under another, each with its value to its right."""
        budget = only(self.path).budget
        assert budget == BudgetBlock(
            None, D("860"), D("842.35"), None, D("97.95"), None, Cell(str(self.path), None, 4, "A")
        )

    def test_rows(self) -> None:
        """Header names 一级 / 二级 / 指标名称 / 目标值 / 实际值 / 权重 / 自评得分 / 原因分析; empty levels continue."""
        assert rows_of(only(self.path)) == [
            ("过程", "预算管理", "资金使用合规性", "合规", "合规", "5", "5", None, "B9"),
            ("过程", "预算管理", "管理制度健全性", "健全", "健全", "3", "3", None, "B10"),
            ("过程", "预算执行", "预算调整率", "≤10%", "12.5%", "2", "1.5", "年中追加法律援助经费", "B11"),
            ("过程", "预算执行", "结转结余率", "≤5%", "2.05%", "2", "2", None, "B12"),
            ("过程", "预算执行", "政府采购执行率", "100%", "100%", "2", "2", None, "B13"),
            ("过程", "资产管理", "资产管理安全性", "安全", "安全", "3", "3", None, "B14"),
            ("产出", "职责履行", "法律援助案件办结率", "≥95%", "97%", "20", "20", None, "B15"),
            ("产出", "职责履行", "人民调解成功率", "≥90%", "96.5%", "20", "20", None, "B16"),
            ("产出", "履职质量", "社区矫正对象再犯罪率", "≤0.2%", "0.1%", "15", "15", None, "B17"),
            ("效果", "履职效益", "群众法治满意度", "≥90%", "88%", "20", "19.56", "宣传覆盖面不足", "B18"),
            ("效果", "履职效益", "普法宣传覆盖率", "≥85%", "90%", "8", "8", None, "B19"),
        ]


class TestShandongProject:
    """A UTF-8 CSV (with BOM) whose header spans two lines, as a merged header saved as CSV does."""

    path = TABLES / "shandong-2023-project.csv"

    def test_table(self) -> None:
        """「项目名称：」 with its value in the next cell; the year from the title; 「自评等级：优」 inline."""
        table = only(self.path)
        assert (table.id, table.title, table.year) == ("shandong-2023-project", "城乡环卫一体化运营", 2023)
        assert (table.reported_total, table.reported_grade) == (D("96.59"), "优")

    def test_budget(self) -> None:
        """Amounts with thousands separators; the first row under the labels (年度资金总额), not 其中."""
        budget = only(self.path).budget
        cell = Cell(str(self.path), None, 4, "B")
        assert budget == BudgetBlock(D("1200"), D("1350"), D("1322.1"), D("10"), D("97.93"), D("9.79"), cell)

    def test_rows(self) -> None:
        """「１５」 and 「9.8分」 read as numbers; the quoted two-line 说明 ends the table."""
        assert rows_of(only(self.path)) == [
            ("产出指标", "数量指标", "垃圾清运量", "≥9万吨", "9.3万吨", "15", "15", None, "A9"),
            ("产出指标", "数量指标", "道路清扫面积", "≥800万平方米", "812万平方米", "15", "15", None, "A10"),
            ("产出指标", "质量指标", "垃圾无害化处理率", "100%", "100%", "10", "10", None, "A11"),
            ("产出指标", "时效指标", "垃圾日产日清率", "100%", "98%", "10", "9.8", "个别节假日清运延迟", "A12"),
            ("效益指标", "环境效益指标", "村容村貌改善情况", "明显提升", "明显提升", "20", "18", "部分偏远村庄保洁频次不足",
             "A13"),
            ("效益指标", "社会效益指标", "群众环境卫生意识提升", "有所提升", "有所提升", "10", "9", None, "A14"),
            ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "92%", "10", "10", None, "A15"),
        ]  # fmt: skip


class TestDocuments:
    """Tables written as TOML or JSON, mirroring the model."""

    def test_toml(self) -> None:
        """The seed case: omitted level1/level2 continue from the row above; 「25分」 reads 25."""
        path = TABLES / "guangzhou-liwan-2023.toml"
        table = only(path)
        assert (table.id, table.title, table.year, table.source) == (
            "liwan-2023",
            "中共广州市荔湾区委政法委",
            2023,
            str(path),
        )
        assert (table.reported_total, table.reported_grade) == (D("99.75"), "优")
        assert table.budget == BudgetBlock(None, D("2468.78"), D("2456.19"), None, D("99.49"), None, Cell(str(path)))
        assert rows_of(table) == [
            ("预算执行", "预算执行率", "预算执行率", "=100%", "99.49%", "50", "49.75", "年末结转和结余12.35万元", ""),
            ("产出", "职责履行", "出租屋登记率", "≥95%", "95%", "25", "25", None, ""),
            ("产出", "职责履行", "区、街两级综治中心提档升级达标率", "=100%", "100%", "25", "25", None, ""),
        ]
        assert table.rows[0].cell == Cell(str(path))

    def test_json_tables(self) -> None:
        """``tables`` holds many; JSON numbers stay exact (135.5, 9.78); 「96.00%」 and 「５０」 read as numbers."""
        path = TABLES / "school-aid-2023.json"
        first, second = read_tables(path)
        assert (first.id, first.title, first.year, first.reported_total) == (
            "school-a",
            "某某县第一中学",
            2023,
            D("99.38"),
        )
        assert first.budget == BudgetBlock(
            D("120"), D("135.5"), D("130.08"), D("10"), D("96.00"), D("9.6"), Cell(str(path))
        )
        assert rows_of(first) == [
            ("产出指标", "数量指标", "资助学生人数", "≥300人", "312人", "30", "30", None, ""),
            ("产出指标", "质量指标", "资助资金发放准确率", "=100%", "100%", "20", "20", None, ""),
            ("效益指标", "社会效益指标", "家庭经济困难学生辍学率", "≤1%", "0.5%", "30", "30", None, ""),
            ("满意度指标", "服务对象满意度指标", "学生及家长满意度", "≥90%", "88%", "10", "9.78", "资助政策宣传不到位", ""),
        ]  # fmt: skip
        assert (second.id, second.budget, second.reported_total, second.reported_grade) == (
            "school-b",
            None,
            None,
            None,
        )
        assert [(row.level3, row.points, row.reported) for row in second.rows] == [
            ("营养餐供应天数", D("50"), D("49")),
            ("家长满意度", D("50"), D("50")),
        ]


class TestMapping:
    """A template whose headers and labels perfscore does not know, read with the user's names for them."""

    path = TABLES / "custom" / "henan-2023-custom-headers.csv"
    mapping: ClassVar[dict[str, str]] = HENAN_MAPPING

    def test_without_mapping(self) -> None:
        """Without the names no header is found, and the message says what a header needs."""
        assert read_error(self.path) == (
            f"{self.path}: 1 problem in the data\n"
            f"  {self.path}: no indicator header found: no row names 三级指标 (or 指标名称) and two of "
            "年度指标值, 实际完成值, 分值, 得分"
        )

    def test_with_mapping(self) -> None:
        """Mapped columns and labels; 考核得分 is still known (it ends in 得分)."""
        table = only(self.path, mapping=self.mapping)
        assert (table.title, table.year, table.reported_total) == ("某某县农业农村局", None, D("97.6"))
        assert table.budget == BudgetBlock(
            None, D("500"), D("480"), None, None, None, Cell(str(self.path), None, 2, "A")
        )
        assert rows_of(table) == [
            ("产出", "数量", "高标准农田建设面积", "≥1万亩", "1.02万亩", "40", "40", None, "A4"),
            ("产出", "质量", "工程验收合格率", "100%", "100%", "20", "20", None, "A5"),
            ("效益", "经济", "亩均增产", "≥50公斤", "46公斤", "30", "27.6", "干旱影响", "A6"),
            ("满意度", "", "农户满意度", "≥90%", "95%", "10", "10", None, "A7"),
        ]

    def test_unknown_field(self) -> None:
        """A mapping to a field that does not exist is refused, with the closest name."""
        with pytest.raises(DataError) as caught:
            read_tables(self.path, mapping={"完成数": "actaul", "满分": "points"})
        assert str(caught.value) == (
            "mapping: 1 problem in the data\n"
            "  mapping: 完成数: unknown field 'actaul'; expected one of level1, level2, level3, target, actual, points, "
            "reported, note, budget.initial, budget.adjusted, budget.executed, budget.points, budget.reported_rate, "
            "budget.reported, title, year, total, grade (did you mean 'actual'?)"
        )


class TestFolder:
    """A folder is read file by file in name order; a file's problems are reported with the others'."""

    def test_samples(self) -> None:
        """Every sample table file in tests/tables (not the custom/ subfolder, not the script)."""
        assert [table.id for table in read_tables(TABLES)] == [
            "anhui-2022-project",
            "bands-2023-project",
            "chongqing-2023-management",
            "forestry-2023-department",
            "forms-2023-project",
            "four-stage-2023-project",
            "liwan-2023",
            "hubei-2023-workbook/项目1-道路养护",
            "hubei-2023-workbook/项目2-职业培训",
            "management-2023-project",
            "school-a",
            "school-b",
            "shandong-2023-project",
            "sichuan-2023-department",
        ]

    def test_problems_of_every_file(self, tmp_path: Path) -> None:
        """Two bad files: both reported in one DataError naming the folder; Excel lock files are left out."""
        write_csv(tmp_path / "a.csv", "三级指标,年度指标值,分值,得分\n宣传次数,≥10次,十,5\n")
        write_csv(tmp_path / "b.csv", "nothing,here\n")
        write_csv(tmp_path / "c.csv", "三级指标,年度指标值,分值,得分\n宣传次数,≥10次,10,5\n")
        (tmp_path / "~$c.xlsx").write_bytes(b"lock")
        (tmp_path / "notes.txt").write_text("not a table", encoding="utf-8")
        assert read_error(tmp_path) == (
            f"{tmp_path}: 2 problems in the data\n"
            f"  {tmp_path / 'a.csv'}: C2: 分值: expected a number such as 10 or 9.5分, got '十'\n"
            f"  {tmp_path / 'b.csv'}: no indicator header found: no row names 三级指标 (or 指标名称) and two of "
            "年度指标值, 实际完成值, 分值, 得分"
        )


# --- finding the header ---------------------------------------------------------------------

ONE_LINE = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
ALL = {"level1": 0, "level2": 1, "level3": 2, "target": 3, "actual": 4, "points": 5, "reported": 6, "note": 7}


@pytest.mark.parametrize(
    ("rows", "first", "last", "columns"),
    [
        pytest.param([ONE_LINE], 0, 0, ALL, id="the national names"),
        pytest.param([["项目名称", "某项目"], [], ONE_LINE, ["产出指标", "数量指标", "培训人次"]], 2, 2, ALL,
                     id="below title rows"),
        pytest.param([["一级", "二级", "指标名称", "目标值", "实际值", "权重", "自评得分", "原因分析"]], 0, 0, ALL,
                     id="short names"),
        pytest.param([["一级指标", "二级指标", "三级指标", "年度目标值", "全年实际值", "分值（分）", "得分", "偏差原因"]],
                     0, 0, ALL, id="variants and bracketed notes"),
        pytest.param([["一 级 指 标", "二级指标", "三级\n指标", "年度指标值（A）", "实际完成值（B）", "分值",
                       "得分（C）", "偏差原因分析\n及改进措施"]], 0, 0, ALL, id="spaces, line breaks, notes"),
        pytest.param([["序号", "三级指标", "指标值", "完成值", "分值", "得分"]], 0, 0,
                     {"level3": 1, "target": 2, "actual": 3, "points": 4, "reported": 5}, id="a 序号 column, no levels"),
        pytest.param([["绩效指标", "", "", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
                      ["一级指标", "二级指标", "三级指标", "", "", "", "", ""]], 0, 1, ALL, id="two lines, as CSV"),
        pytest.param([["绩效指标", "绩效指标", "绩效指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
                      ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]],
                     1, 1, ALL, id="two lines, merged cells filled: the lower one suffices"),
        pytest.param([["指标", "指标", "指标", "年度指标值", "完成情况", "完成情况", "偏差原因分析及改进措施"],
                      ["一级", "二级", "三级", "", "实际值", "得分", ""]], 0, 1,
                     {"level1": 0, "level2": 1, "level3": 2, "target": 3, "actual": 4, "reported": 5, "note": 6},
                     id="two lines, names split between them"),
        pytest.param([ONE_LINE, ["产出指标", "数量指标", "完成值达标率", "≥90%", "95%", "10", "10", ""]], 0, 0, ALL,
                     id="a data row is not a second header line"),
        pytest.param([["年度总体目标", "预期目标", "实际完成情况"], ["完成任务", "", "已完成"], ONE_LINE], 2, 2, ALL,
                     id="the 年度总体目标 block above"),
        pytest.param([["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"], ["1", "2", "3", "10", "50%", "5"],
                      ONE_LINE], 2, 2, ALL, id="the budget labels above"),
        pytest.param([["三级指标", "年度指标值", "分值", "得分", "得分率"]], 0, 0,
                     {"level3": 0, "target": 1, "points": 2, "reported": 3}, id="an exact name wins over a longer one"),
    ],
)  # fmt: skip
def test_find_header(rows: list[list[str]], first: int, last: int, columns: dict[str, int]) -> None:
    """The header's rows (0-based) and each field's column."""
    match = find_header(rows)
    assert match is not None
    assert (match.first, match.last, dict(match.columns)) == (first, last, columns)


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([], id="no rows"),
        pytest.param([["项目名称", "自评得分", "等级"], ["城区道路养护", "96.1", "良"]], id="a summary sheet"),
        pytest.param([["一级指标", "二级指标", "三级指标"]], id="levels only"),
        pytest.param([["三级指标", "年度指标值"]], id="one of target, actual, points, score"),
        pytest.param([["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]], id="the budget labels"),
    ],
)
def test_no_header(rows: list[list[str]]) -> None:
    """A header names 三级指标 and two of 年度指标值, 实际完成值, 分值, 得分; anything less is not one."""
    assert find_header(rows) is None


def test_header_with_mapping() -> None:
    """A mapped name matches the cell as written (brackets kept) and wins over the built-in names."""
    rows = [["考核内容", "指标值(2023)", "指标值(2022)", "完成数", "分值", "得分"]]
    assert find_header(rows) is None
    match = find_header(rows, mapping={"考核内容": "level3", "指标值（2023）": "target", "完成数": "actual"})
    assert match == HeaderMatch(
        0,
        0,
        {"level3": 0, "target": 1, "actual": 3, "points": 4, "reported": 5},
        {"level3": "考核内容", "target": "指标值(2023)", "actual": "完成数", "points": "分值", "reported": "得分"},
    )


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("10", "score", "10"),
        ("9.5分", "score", "9.5"),
        ("１０", "score", "10"),
        ("９．５ 分", "score", "9.5"),
        (" 10 ", "score", "10"),
        ("", "score", None),
        ("—", "score", None),
        ("——", "score", None),
        ("/", "score", None),
        ("－", "score", None),
        ("2,468.78", "money", "2468.78"),
        ("2468.78万元", "money", "2468.78"),
        ("１，２３０．５０", "money", "1230.50"),
        ("99.49%", "rate", "99.49"),
        ("99.49", "rate", "99.49"),
        ("９９．４９％", "rate", "99.49"),
    ],
)
def test_parse_number(text: str, kind: str, expected: str | None) -> None:
    """Numbers as tables write them, in a table's own units; a dash or slash means not applicable."""
    result = parse_number(text, kind)
    assert (None if result is None else str(result)) == expected


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("十", "score", "expected a number such as 10 or 9.5分, got '十'"),
        ("9.5%", "score", "expected a number such as 10 or 9.5分, got '9.5%'"),
        ("约10", "score", "expected a number such as 10 or 9.5分, got '约10'"),
        ("1,23", "money", "expected an amount such as 2468.78 or 2,468.78万元, got '1,23'"),
        ("99.49分", "rate", "expected a rate such as 99.49%, got '99.49分'"),
        ("#DIV/0!", "rate", "expected a rate such as 99.49%, got '#DIV/0!'"),
        ("1" * 40, "money", f"the number '{'1' * 40}' is too large"),
    ],
)
def test_parse_number_refused(text: str, kind: str, message: str) -> None:
    """Anything else is refused, quoting what was written."""
    with pytest.raises(ValueError) as caught:
        parse_number(text, kind)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (10, "General", "10"),
        (9.5, "General", "9.5"),
        (0.1 + 0.2, "General", "0.3"),
        (9.950000000000001, "General", "9.95"),
        (1e-7, "General", "0.0000001"),
        (12345678901234567.0, "General", "12345678901234600"),
        (49.745, "0.00", "49.75"),
        (4.722222222222222, "0.00", "4.72"),
        (10, "0.00", "10.00"),
        (2468.78, "#,##0.00", "2468.78"),
        (2468.78, "#,##0.00_ ;[Red]-#,##0.00", "2468.78"),
        (9.5, '0.0"分"', "9.5"),
        (0.994901, "0.00%", "99.49%"),
        (0.968, "0.0%", "96.8%"),
        (1, "0%", "100%"),
        (0.97576923, "0.00%", "97.58%"),
        (9.5, "0", "10"),
    ],
)
def test_shown_number(value: float, number_format: str, shown: str) -> None:
    """A spreadsheet number as its cell shows it: 15 significant digits, then the format's decimals (half-up)."""
    assert shown_number(value, number_format) == shown


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (7, "H"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letter(index: int, letter: str) -> None:
    """0-based column indexes as spreadsheet letters."""
    assert column_letter(index) == letter


# --- what cannot be read --------------------------------------------------------------------


def test_bad_cells_all_reported(tmp_path: Path) -> None:
    """Every cell that is not a number and every row without its indicator, with its cell, at once."""
    path = write_csv(
        tmp_path / "bad.csv",
        "全年预算数,全年执行数,执行率\n100,abc,95分\n"
        "一级指标,二级指标,三级指标,年度指标值,实际完成值,分值,得分\n"
        "产出指标,数量指标,培训人次,≥100人次,120人次,十,10\n"
        ",,,≥90%,95%,10,10\n"
        ",质量指标,合格率,≥90%,95%,10,满分\n"
        "总分,,,,,,九十\n",
    )
    assert read_error(path) == (
        f"{path}: 6 problems in the data\n"
        f"  {path}: B2: 全年执行数: expected an amount such as 2468.78 or 2,468.78万元, got 'abc'\n"
        f"  {path}: C2: 执行率: expected a rate such as 99.49%, got '95分'\n"
        f"  {path}: F4: 分值: expected a number such as 10 or 9.5分, got '十'\n"
        f"  {path}: C5: 三级指标 is empty, but the row has a target or an actual value\n"
        f"  {path}: G6: 得分: expected a number such as 10 or 9.5分, got '满分'\n"
        f"  {path}: G7: 总分: expected a number such as 10 or 9.5分, got '九十'"
    )


def test_unsaved_formula(tmp_path: Path) -> None:
    """A workbook written by a program and never opened in Excel has formulas without results: reported,
    not read as empty cells."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "表1"
    sheet.append(["三级指标", "年度指标值", "实际完成值", "分值", "得分"])
    sheet.append(["培训人次", "≥100人次", "=B3", 10, "=D2*0.9"])
    sheet.append(["合计", None, None, "=SUM(D2:D2)", "=SUM(E2:E2)"])
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    assert read_error(path) == (
        f"{path}: 3 problems in the data\n"
        f"  {path}: 表1!C2: 实际完成值: the cell holds a formula (=B3) whose result was never saved; "
        "open the file in Excel or WPS and save it\n"
        f"  {path}: 表1!E2: 得分: the cell holds a formula (=D2*0.9) whose result was never saved; "
        "open the file in Excel or WPS and save it\n"
        f"  {path}: 表1!E3: 合计: the cell holds a formula (=SUM(E2:E2)) whose result was never saved; "
        "open the file in Excel or WPS and save it"
    )


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("broken.xlsx", b"PK\x03\x04 not really a zip", ": not a readable .xlsx workbook (File is not a zip file)"),
        ("utf16.csv", "三级指标".encode("utf-16"), ": the file is neither UTF-8 nor GB18030 text (byte 0)"),
        ("bad.json", b'{"rows": [', ":1:11: invalid JSON: Expecting value"),
        ("deep.json", b"[" * 100_000, ": invalid JSON: nested too deeply"),
        ("bad.toml", b"rows = [", ": invalid TOML: Invalid value (at end of document)"),
        ("list.json", b"[1, 2]", ": expected a table (or [[tables]])"),
        ("table.txt", b"", ": not a table file: expected one of .xlsx, .csv, .toml, .json"),
    ],
)
def test_unreadable_file(tmp_path: Path, name: str, content: bytes, problem: str) -> None:
    """A file that cannot be read at all is one problem naming the file."""
    path = tmp_path / name
    path.write_bytes(content)
    assert read_error(path) == f"{path}: 1 problem in the data\n  {path}{problem}"


def test_missing_file(tmp_path: Path) -> None:
    """A file that does not exist is an UnreadableFileError (an OSError), as for rulesets and data."""
    with pytest.raises(UnreadableFileError) as caught:
        read_tables(tmp_path / "missing.csv")
    assert str(caught.value) == f"{tmp_path / 'missing.csv'}: cannot read the table file (No such file or directory)"


def test_workbook_without_table(tmp_path: Path) -> None:
    """A workbook none of whose sheets has an indicator header."""
    book = Workbook()
    book.active.append(["项目名称", "自评得分"])  # type: ignore[union-attr]
    path = tmp_path / "summary.xlsx"
    book.save(path)
    assert read_error(path) == (
        f"{path}: 1 problem in the data\n"
        f"  {path}: no indicator header found in any sheet: no row names 三级指标 (or 指标名称) and two of "
        "年度指标值, 实际完成值, 分值, 得分"
    )


def test_without_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl is an optional extra: without it an .xlsx file says how to install it."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    path = TABLES / "anhui-2022-project.xlsx"
    with pytest.raises(UnreadableFileError) as caught:
        read_tables(path)
    assert str(caught.value) == f"{path}: reading .xlsx tables needs openpyxl: pip install 'perfscore[xlsx]'"
    assert [table.id for table in read_tables(TABLES / "shandong-2023-project.csv")] == ["shandong-2023-project"]


def test_document_problems(tmp_path: Path) -> None:
    """A TOML table's mistakes, each at its key path: unknown keys (with the likely one), a row without
    its indicator, numbers that are not numbers, a year that is not one."""
    path = tmp_path / "t.toml"
    path.write_text(
        'year = "2023年"\nreported_totl = 90\n[budget]\nadjusted = "很多"\n'
        '[[rows]]\nlevel3 = "培训人次"\npoint = 10\n'
        '[[rows]]\ntarget = "≥90%"\npoints = 10\n'
        '[[rows]]\nlevel3 = "合格率"\nreported = true\n',
        encoding="utf-8",
    )
    assert read_error(path) == (
        f"{path}: 6 problems in the data\n"
        f"  {path}: reported_totl: unknown key (did you mean 'reported_total'?)\n"
        f"  {path}: budget.adjusted: expected an amount such as 2468.78 or 2,468.78万元, got '很多'\n"
        f"  {path}: rows[0].point: unknown key (did you mean 'points'?)\n"
        f"  {path}: rows[1].level3: missing: a row needs its indicator's name (三级指标)\n"
        f"  {path}: rows[2].reported: expected a number such as 10 or 9.5分, got bool\n"
        f"  {path}: year: expected a year such as 2023, got '2023年'"
    )


# --- round trips ----------------------------------------------------------------------------

LEVELS = st.sampled_from(["产出指标", "效益指标", "满意度指标"])
SUBLEVELS = st.sampled_from(["数量指标", "质量指标", "时效指标", "社会效益指标"])
NAMES = st.text(alphabet="培训人次合格率覆盖资金到位", min_size=1, max_size=8)
TEXTS = st.sampled_from(["≥50个", "=100%", "≤90万元", "效果明显", "9月前", "52个", "96.8%", "基本达成", ""])
POINTS = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
WIDE = str.maketrans("0123456789.", "０１２３４５６７８９．")


@st.composite
def indicator_rows(draw: st.DrawFn) -> list[IndicatorRow]:
    count = draw(st.integers(min_value=1, max_value=12))
    return [
        IndicatorRow(
            draw(LEVELS),
            draw(SUBLEVELS),
            draw(NAMES),
            draw(TEXTS),
            draw(TEXTS),
            draw(POINTS),
            draw(POINTS),
            draw(st.sampled_from([None, "原因待查"])),
        )
        for _ in range(count)
    ]


class TestRoundTrip:
    """Rows written the way tables write them read back as they were."""

    @given(indicator_rows(), st.booleans(), st.sampled_from(["", "分"]))
    def test_csv(self, rows: list[IndicatorRow], wide: bool, unit: str) -> None:
        """Invariant: a CSV whose repeated 一级/二级 cells are left empty (as merged cells save), whose
        numbers are typed in full-width digits or with 分, reads back to the same rows."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
        )
        previous: Sequence[str] = ("", "")
        for row in rows:
            level1 = "" if row.level1 == previous[0] else row.level1
            level2 = "" if (row.level1, row.level2) == tuple(previous) else row.level2
            previous = (row.level1, row.level2)
            numbers = [
                f"{number}{unit}".translate(WIDE) if wide else f"{number}{unit}"
                for number in (row.points, row.reported)
            ]
            writer.writerow([level1, level2, row.level3, row.target, row.actual, *numbers, row.note or ""])
        table = _read_text(out.getvalue())
        assert [
            (r.level1, r.level2, r.level3, r.target, r.actual, r.points, r.reported, r.note) for r in table.rows
        ] == [(r.level1, r.level2, r.level3, r.target, r.actual, r.points, r.reported, r.note) for r in rows]
        assert [r.cell.row for r in table.rows] == list(range(2, len(rows) + 2))


def _read_text(text: str) -> Table:
    """Read CSV text through a temporary file (hypothesis examples cannot share pytest's tmp_path)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_text(text, encoding="utf-8")
        return only(path)


# --- the samples are what make_samples.py writes --------------------------------------------


def test_samples_are_reproducible(tmp_path: Path) -> None:
    """tests/tables/make_samples.py writes the committed workbooks and CSV byte for byte."""
    spec = importlib.util.spec_from_file_location("make_samples", TABLES / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.main(tmp_path)
    assert [path.relative_to(tmp_path).as_posix() for path in written] == [
        "anhui-2022-project.xlsx",
        "sichuan-2023-department.xlsx",
        "hubei-2023-workbook.xlsx",
        "forms-2023-project.xlsx",
        "broken/two-sheets-2023.xlsx",
        "chongqing-2023-management.csv",
    ]
    for path in written:
        relative = path.relative_to(tmp_path)
        assert path.read_bytes() == (TABLES / relative).read_bytes(), relative.as_posix()


# --- what docs/tables.md says ---------------------------------------------------------------


def layouts_section() -> str:
    """The ``## Table layouts`` section of docs/tables.md."""
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(r"^## Table layouts\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert found is not None, "docs/tables.md has no section '## Table layouts'"
    return found.group(1)


def fenced(language: str) -> list[str]:
    """The ``language`` code blocks of the section, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```$", layouts_section(), re.MULTILINE | re.DOTALL)


def test_docs_error_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CSV example gives exactly the messages the page shows."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "自评表.csv").write_text(fenced("csv")[0], encoding="utf-8")
    assert read_error(Path("自评表.csv")) == fenced("text")[0].rstrip("\n")


def test_docs_toml_example(tmp_path: Path) -> None:
    """The TOML example reads as the table its comments describe."""
    path = tmp_path / "training-2023.toml"
    path.write_text(fenced("toml")[0], encoding="utf-8")
    table = only(path)
    assert (table.id, table.title, table.year, table.reported_total, table.reported_grade) == (
        "training-2023",
        "农民工职业技能培训",
        2023,
        D("96.5"),
        "优",
    )
    assert table.budget == BudgetBlock(D("80"), D("85"), D("85"), D("10"), D("100"), D("10"), Cell(str(path)))
    assert rows_of(table) == [
        ("产出指标", "数量指标", "培训人次", "≥2000人次", "2150人次", "40", "40", None, ""),
        ("产出指标", "质量指标", "培训合格率", "≥90%", "83%", "40", "36.5", "部分学员未参加考核", ""),
        ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "95%", "10", "10", None, ""),
    ]


def test_docs_list_every_column_name() -> None:
    """The page's table of column names is the one the reader uses."""
    from perfscore.tables.read import ALIASES, COLUMN_FIELDS

    rows = re.findall(r"^\| `(\w+)` \| (.+?) \|$", layouts_section(), re.MULTILINE)
    assert {field: tuple(names.split(", ")) for field, names in rows if field in COLUMN_FIELDS} == {
        field: ALIASES[field] for field in COLUMN_FIELDS
    }


# --- smaller rules --------------------------------------------------------------------------


def test_grade_below_its_label_is_a_word(tmp_path: Path) -> None:
    """A grade label with nothing beside it takes the cell below only when that is a word or two:
    a footer under it is not a grade; a 项目名称 with nothing beside it has no title."""
    header = "三级指标,年度指标值,分值,得分\n培训人次,≥10次,10,10\n"
    path = write_csv(tmp_path / "a.csv", "项目名称\n" + header + "总分,,,10,评价等级\n填表人：张三\n")
    table = only(path)
    assert (table.title, table.reported_total, table.reported_grade) == (None, D("10"), None)
    path = write_csv(tmp_path / "b.csv", header + ",,,,评价等级\n,,,,良好\n")
    assert only(path).reported_grade == "良好"


def test_tab_separated(tmp_path: Path) -> None:
    """Excel's «Unicode text» export: tabs, no commas."""
    path = write_csv(tmp_path / "t.csv", "三级指标\t年度指标值\t分值\t得分\n培训人次\t≥10次\t10\t9.5\n")
    assert [(row.level3, row.target, row.points, row.reported) for row in only(path).rows] == [
        ("培训人次", "≥10次", D("10"), D("9.5"))
    ]


def test_csv_field_too_large(tmp_path: Path) -> None:
    """A CSV field over the csv module's limit is not a table cell: the file is refused, not truncated."""
    path = write_csv(
        tmp_path / "huge.csv", "三级指标,年度指标值,分值,得分\n" + '"' + "长" * 200_000 + '",≥10次,10,10\n'
    )
    assert read_error(path) == (
        f"{path}: 1 problem in the data\n  {path}: not a readable CSV file (field larger than field limit (131072))"
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1e300, "1e+300"), (float("nan"), "nan"), (float("-inf"), "-inf"), (10**50, "1" + "0" * 50)],
)
def test_shown_number_out_of_range(value: float, shown: str) -> None:
    """Numbers no table holds are shown as they are (and refused where a number is needed), never rounded."""
    assert shown_number(value) == shown
    if shown != "1" + "0" * 50:
        with pytest.raises(ValueError):
            parse_number(shown)


def test_missing_folder(tmp_path: Path) -> None:
    """A folder that does not exist is unreadable, not «not a table file»."""
    with pytest.raises(UnreadableFileError) as caught:
        read_tables(tmp_path / "2023自评表")
    assert str(caught.value) == f"{tmp_path / '2023自评表'}: cannot read the table file (No such file or directory)"


def test_file_too_large(tmp_path: Path) -> None:
    """A table file over the size limit (``Limits.max_table_bytes``) is refused before it is read."""
    path = write_csv(tmp_path / "big.csv", "三级指标,年度指标值,分值,得分\n")
    with pytest.raises(UnreadableFileError) as caught:
        read_tables(path, limits=Limits(max_table_bytes=10))
    assert str(caught.value) == f"{path}: the table file is 43 bytes, over the 10-byte limit"
