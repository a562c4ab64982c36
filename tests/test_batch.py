"""Auditing many tables in one run: audit_batch, its summary (text, Markdown, JSON, CSV, .xlsx), the
report files, the progress display, and the HTML pages (self-contained, every cell escaped)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import perfscore
from perfscore import DataError
from perfscore.tables import batch as batch_module
from perfscore.tables.audit import audit_table
from perfscore.tables.batch import (
    BatchAudit,
    BatchProgress,
    OutputError,
    ProgressBar,
    audit_batch,
    read_mapping,
    render_audit,
    report_names,
    safe_file_name,
    write_reports,
    write_summary_csv,
    write_summary_xlsx,
)
from perfscore.tables.html import render_batch_html, render_html
from perfscore.tables.model import Cell, IndicatorRow, Table
from perfscore.tables.read import MAPPING_FIELDS, shown_number
from test_table_score import MOF, training

D = Decimal
TABLES = Path(__file__).resolve().parent / "tables"
SAMPLES = (
    "anhui-2022-project.xlsx",
    "chongqing-2023-management.csv",  # its 一级指标 过程/效果 are not the project ruleset's: it cannot be audited
    "guangzhou-liwan-2023.toml",
    "hubei-2023-workbook.xlsx",  # two sheets, two tables
    "school-aid-2023.json",  # two tables under [[tables]]
    "shandong-2023-project.csv",
)
BROKEN = b"not a workbook, whatever its name says"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The sample tables and one broken file (an .xlsx that is not a workbook) in one folder."""
    target = tmp_path / "tables"
    target.mkdir()
    for name in SAMPLES:
        shutil.copy(TABLES / name, target / name)
    (target / "broken.xlsx").write_bytes(BROKEN)
    return target


@pytest.fixture
def audited(folder: Path) -> BatchAudit:
    """The folder audited strictly: a table with a cell or a first-level name that cannot be scored by rule
    (Chongqing under the project ruleset) is an error row."""
    return audit_batch(folder, MOF, strict=True)


def unknown_level1(source: str = "bad.toml") -> Table:
    """A table whose only row is under a first-level indicator the ruleset does not know."""
    row = IndicatorRow("过程指标", "管理", "制度执行", "≥95%", "96%", D(10), D(10), cell=Cell(source))
    return Table("bad", "某某中心", rows=(row,), source=source)


# --- the rows ---------------------------------------------------------------------------------


def test_every_table_of_every_file_is_audited(folder: Path, audited: BatchAudit) -> None:
    """A row per table (both sheets of a workbook, both tables of a JSON file) in file-name order, each
    with its totals, grades and findings by severity; tables that could not be audited have none."""
    summary = [
        (
            Path(row.source or "").name,
            row.sheet,
            row.id,
            row.reported_total,
            row.recomputed_total,
            row.difference,
            row.reported_grade,
            row.recomputed_grade,
            row.counts,
            row.stage,
        )
        for row in audited.rows
    ]
    assert summary == [
        ("anhui-2022-project.xlsx", "自评表", "anhui-2022-project", D("96.48"), D("94.48"), D("2.00"), "优", "优",
         {"error": 2, "warning": 0, "info": 0}, None),
        ("broken.xlsx", None, None, None, None, None, None, None, None, "read"),
        ("chongqing-2023-management.csv", None, "chongqing-2023-management", D("98.56"), None, None, "优", None,
         None, "audit"),
        # Liwan under the project template: the 预算执行 row (worth 50) scores budget execution, so the
        # budget block (no 分值) only shows the amounts: 49.75 + 25 + 25 = 99.75, as reported (0.00);
        # warnings: level1-points 预算执行率 50 of 10, nothing under 效益 (30) or 满意度 (10); 产出 50 = 50
        ("guangzhou-liwan-2023.toml", None, "liwan-2023", D("99.75"), D("99.75"), D("0.00"), "优", "优",
         {"error": 0, "warning": 3, "info": 0}, None),
        # Hubei sheet 1: the block is not scored either (a 预算执行率 row): 20 + 20 + 0 + 10 + 12 + 10 + 9.95
        # = 81.95, 良 (80 ≤ 81.95 < 90); 96.1 − 81.95 = +14.15; errors row-score, tier-band, total-sum
        # (96.1 vs 96.90), total-score; warnings level1-points 产出, 效益; info no-note
        ("hubei-2023-workbook.xlsx", "项目1-道路养护", "hubei-2023-workbook/项目1-道路养护", D("96.1"), D("81.95"),
         D("14.15"), "良", "良", {"error": 4, "warning": 2, "info": 1}, None),
        ("hubei-2023-workbook.xlsx", "项目2-职业培训", "hubei-2023-workbook/项目2-职业培训", D("98.5"), D("98.44"),
         D("0.06"), "优", "优", {"error": 2, "warning": 2, "info": 0}, None),
        ("school-aid-2023.json", None, "school-a", D("99.38"), D("99.38"), D("0.00"), "优", "优",
         {"error": 0, "warning": 0, "info": 0}, None),
        ("school-aid-2023.json", None, "school-b", None, D("99.00"), None, None, "优",
         {"error": 0, "warning": 3, "info": 1}, None),
        ("shandong-2023-project.csv", None, "shandong-2023-project", D("96.59"), D("93.59"), D("3.00"), "优", "优",
         {"error": 2, "warning": 0, "info": 1}, None),
    ]  # fmt: skip
    assert [row.label for row in audited.rows] == [
        f"{folder}/anhui-2022-project.xlsx!自评表",
        f"{folder}/broken.xlsx",
        f"{folder}/chongqing-2023-management.csv",
        f"{folder}/guangzhou-liwan-2023.toml",
        f"{folder}/hubei-2023-workbook.xlsx!项目1-道路养护",
        f"{folder}/hubei-2023-workbook.xlsx!项目2-职业培训",
        f"{folder}/school-aid-2023.json#school-a",
        f"{folder}/school-aid-2023.json#school-b",
        f"{folder}/shandong-2023-project.csv",
    ]
    assert (len(audited.audited), len(audited.failures)) == (7, 2)
    # 2 + 0 + 4 + 2 + 0 + 0 + 2 errors, 0 + 3 + 2 + 2 + 0 + 3 + 0 warnings, 0 + 0 + 1 + 0 + 0 + 1 + 1 info
    assert audited.counts == {"error": 10, "warning": 10, "info": 3}


def test_each_row_is_the_audit_of_its_table(folder: Path, audited: BatchAudit) -> None:
    """The batch audits each table exactly as audit_table does on its own."""
    (shandong,) = [row for row in audited.rows if row.id == "shandong-2023-project"]
    assert shandong.audit is not None and shandong.table is not None
    alone = audit_table(shandong.table, MOF)
    assert shandong.audit.render("text") == alone.render("text")


def test_a_broken_file_gives_an_error_row_and_the_rest_go_on(folder: Path, audited: BatchAudit) -> None:
    """The file that is not a workbook is one row saying why; the tables after it are audited."""
    broken = audited.rows[1]
    assert (broken.failed, broken.stage, broken.table, broken.audit) == (True, "read", None, None)
    assert broken.message == (
        f"{folder}/broken.xlsx: 1 problem in the data\n"
        f"  {folder}/broken.xlsx: not a readable .xlsx workbook (File is not a zip file)"
    )
    assert all(row.audit is not None for row in audited.rows[3:])


UNKNOWN_LEVEL1 = [("B9", "过程"), ("B10", "过程"), ("B11", "过程"), ("B12", "过程"), ("B13", "过程"), ("B14", "过程"),
                  ("B18", "效果"), ("B19", "效果")]  # fmt: skip


def test_a_table_that_cannot_be_scored_gives_an_error_row(folder: Path, audited: BatchAudit) -> None:
    """A table read but not scorable keeps its title and reported total; the message lists every cell."""
    row = audited.rows[2]
    assert (row.stage, row.title, row.reported_total) == ("audit", "重庆市某某区司法局", D("98.56"))
    source = f"{folder}/chongqing-2023-management.csv"
    known = "预算执行率, 产出指标, 效益指标, 满意度指标; add it to [tables] level1"
    assert row.message == "\n".join(
        [
            f"{source}: 8 problems in the data",
            *(
                f"  {source}: {cell}: first-level indicator (一级指标) '{name}' matches none of the ruleset's: {known}"
                for cell, name in UNKNOWN_LEVEL1
            ),
        ]
    )


@pytest.mark.parametrize(
    ("given", "stage", "message"),
    [
        ("missing.csv", "unreadable", "{tmp}/missing.csv: cannot read the table file (No such file or directory)"),
        (
            "empty",
            "read",
            "{tmp}/empty: 1 problem in the data\n"
            "  {tmp}/empty: no table files (.xlsx, .csv, .toml, .json) in this folder",
        ),
        (
            "notes.csv",
            "read",
            "{tmp}/notes.csv: 1 problem in the data\n  {tmp}/notes.csv: no indicator header found: no row names "
            "三级指标 (or 指标名称) and two of 年度指标值, 实际完成值, 分值, 得分",
        ),
    ],
)
def test_inputs_that_give_no_table(tmp_path: Path, given: str, stage: str, message: str) -> None:
    """A missing file, a folder without table files, a CSV without an indicator header: one error row each."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.csv").write_text("名称,数值\n甲,1\n", encoding="utf-8")
    (row,) = audit_batch(tmp_path / given, MOF).rows
    assert (row.stage, row.message) == (stage, message.format(tmp=tmp_path))


def test_tables_given_as_objects() -> None:
    """Tables built in Python are audited as they are; several paths and tables mix in one call."""
    result = audit_batch([training(), unknown_level1(), TABLES / "shandong-2023-project.csv"], MOF, strict=True)
    assert [(row.label, row.stage, row.recomputed_total) for row in result.rows] == [
        ("t.xlsx!自评表", None, D("79.27")),
        ("bad.toml", "audit", None),
        (f"{TABLES}/shandong-2023-project.csv", None, D("93.59")),
    ]


def test_a_bug_becomes_an_error_row_that_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unexpected exception while auditing one table is that table's error row, named as a bug; the next
    table is still audited."""
    real = audit_table

    def failing(table: Table, ruleset: perfscore.Ruleset, *, strict: bool = False) -> object:
        if table.id == "bad":
            raise ZeroDivisionError("division by zero")
        return real(table, ruleset, strict=strict)

    monkeypatch.setattr(batch_module, "audit_table", failing)
    first, second = audit_batch([unknown_level1(), training()], MOF).rows
    assert (first.stage, first.message) == (
        "internal",
        "bad.toml: internal error (ZeroDivisionError: division by zero); this is a bug in perfscore: "
        "please report it with the file",
    )
    assert second.audit is not None


def test_a_bad_mapping_is_refused_before_anything_is_read(folder: Path) -> None:
    """Every wrong field of a mapping, with the closest field suggested, before any file is opened."""
    with pytest.raises(DataError) as caught:
        audit_batch(folder, MOF, mapping={"考核内容": "level3", "满分": "piont", "完成数": "actaul"})
    assert str(caught.value) == (
        "mapping: 2 problems in the data\n"
        f"  mapping: 满分: unknown field 'piont'; expected one of {', '.join(MAPPING_FIELDS)} "
        "(did you mean 'points'?)\n"
        f"  mapping: 完成数: unknown field 'actaul'; expected one of {', '.join(MAPPING_FIELDS)} "
        "(did you mean 'actual'?)"
    )


# --- the mapping file ---------------------------------------------------------------------------


def test_read_mapping(tmp_path: Path) -> None:
    """A mapping file is TOML: each header as written = the field it holds."""
    path = tmp_path / "map.toml"
    path.write_text('"考核内容" = "level3"\n"资金总额" = "budget.adjusted"\n', encoding="utf-8")
    assert read_mapping(path) == {"考核内容": "level3", "资金总额": "budget.adjusted"}


def test_read_mapping_reports_every_bad_entry(tmp_path: Path) -> None:
    """A value that is not text and a field that does not exist, each located by its key."""
    path = tmp_path / "map.toml"
    path.write_text('"满分" = 10\n"完成数" = "actaul"\n', encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_mapping(path)
    assert str(caught.value) == (
        f"{path}: 2 problems in the data\n"
        f"  {path}: 满分: expected a field name as text, got 10\n"
        f"  {path}: 完成数: unknown field 'actaul'; expected one of {', '.join(MAPPING_FIELDS)} "
        "(did you mean 'actual'?)"
    )


# --- rendering the batch ------------------------------------------------------------------------


def small_batch() -> BatchAudit:
    """The training table and a table that cannot be audited, whose title holds Markdown and HTML."""
    bad = dataclasses.replace(unknown_level1(), title="某某中心 | <b>*重点*</b> [链接](javascript:x)")
    return audit_batch([training(), bad], MOF, strict=True)


SUMMARY_ZH = """\
汇总
  t.xlsx!自评表：某区基层治理骨干培训项目：自评 92.67，重算 79.27，相差 +13.40；等级 优秀 → 中；错误 5，警告 1，提示 2
  bad.toml：未能审核：bad.toml: 1 problem in the data
      bad.toml: rows[0]: first-level indicator (一级指标) '过程指标' matches none of the ruleset's: 预算执行率, 产出指标, 效益指标, 满意度指标; add it to [tables] level1

2 张表：1 张已审核，1 张未能审核；发现 错误 5，警告 1，提示 2
"""

SUMMARY_EN = """\
Summary
  t.xlsx!自评表: 某区基层治理骨干培训项目: reported 92.67, recomputed 79.27, difference +13.40; grade 优秀 → 中; 5 errors, 1 warning, 2 info
  bad.toml: not audited: bad.toml: 1 problem in the data
      bad.toml: rows[0]: first-level indicator (一级指标) '过程指标' matches none of the ruleset's: 预算执行率, 产出指标, 效益指标, 满意度指标; add it to [tables] level1

2 tables: 1 audited, 1 not audited; findings: 5 errors, 1 warning, 2 info
"""


@pytest.mark.parametrize(("lang", "summary"), [("zh", SUMMARY_ZH), ("en", SUMMARY_EN)])
def test_batch_as_text(lang: str, summary: str) -> None:
    """Each audited table's report, then a line per table and the counts."""
    result = small_batch()
    (audit,) = result.audits
    assert result.render("text", lang) == audit.render("text", lang) + "\n" + summary


def test_batch_as_markdown() -> None:
    """The summary as a Markdown table; untrusted text cannot break the table, link or inject markup."""
    result = small_batch()
    (audit,) = result.audits
    assert result.render("markdown") == audit.render("markdown") + "\n" + (
        "## 汇总\n"
        "\n"
        "| 表 | 名称 | 自评总分 | 重算总分 | 相差 | 自评等级 | 重算等级 | 错误 | 警告 | 提示 |\n"
        "|---|---|---:|---:|---:|---|---|---:|---:|---:|\n"
        "| t.xlsx!自评表 | 某区基层治理骨干培训项目 | 92.67 | 79.27 | +13.40 | 优秀 | 中 | 5 | 1 | 2 |\n"
        "\n"
        "### 未能审核\n"
        "\n"
        "- bad.toml：bad.toml: 1 problem in the data\n"
        "  - bad.toml: rows\\[0\\]: first-level indicator (一级指标) '过程指标' matches none of the ruleset's: "
        "预算执行率, 产出指标, 效益指标, 满意度指标; add it to \\[tables\\] level1\n"
        "\n"
        "2 张表：1 张已审核，1 张未能审核；发现 错误 5，警告 1，提示 2\n"
    )


def test_batch_as_json() -> None:
    """The summary and every row, decimals as strings, each audited row with its whole audit."""
    document = json.loads(small_batch().render("json"))
    assert document["ruleset"] == {"id": "project-mof-2020", "version": "1.0", "title": MOF.title}
    assert document["summary"] == {
        "tables": 2,
        "audited": 1,
        "failed": 1,
        "counts": {"error": 5, "warning": 1, "info": 2},
    }
    first, second = document["tables"]
    assert {key: value for key, value in first.items() if key != "audit"} == {
        "source": "t.xlsx",
        "sheet": "自评表",
        "id": "training-2023",
        "title": "某区基层治理骨干培训项目",
        "reported_total": "92.67",
        "recomputed_total": "79.27",
        "difference": "13.40",
        "reported_grade": "优秀",
        "recomputed_grade": "中",
        "counts": {"error": 5, "warning": 1, "info": 2},
        "error": None,
    }
    assert first["audit"]["totals"]["recomputed"] == "79.27"
    assert (second["audit"], second["error"]["stage"], second["recomputed_total"]) == (None, "audit", None)
    assert second["error"]["message"].startswith("bad.toml: 1 problem in the data\n")


def test_render_audit_formats() -> None:
    """One audit in each format, always ending with a line break; HTML is the page of render_html."""
    audit = audit_table(training(), MOF)
    assert render_audit(audit, "text") == audit.render("text")
    assert render_audit(audit, "json") == audit.render("json") + "\n"
    assert render_audit(audit, "html", "en") == render_html(audit, "en")
    with pytest.raises(ValueError, match="fmt must be one of text, markdown, json, html, not 'pdf'"):
        render_audit(audit, "pdf")


# --- the summary files --------------------------------------------------------------------------

CSV_HEADER_ZH = [
    "文件", "工作表", "表", "名称", "自评总分", "重算总分", "相差", "自评等级", "重算等级", "错误", "警告", "提示",
    "未能审核的原因",
]  # fmt: skip


def test_summary_csv(folder: Path, audited: BatchAudit, tmp_path: Path) -> None:
    """UTF-8 with a BOM (Excel then reads Chinese correctly), a header, a row per table, decimals as text."""
    path = write_summary_csv(audited, tmp_path / "out" / "summary.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == CSV_HEADER_ZH
    assert rows[1] == [
        f"{folder}/anhui-2022-project.xlsx", "自评表", "anhui-2022-project", "农村饮水安全巩固提升工程", "96.48",
        "94.48", "2.00", "优", "优", "2", "0", "0", "",
    ]  # fmt: skip
    assert rows[2] == [
        f"{folder}/broken.xlsx", "", "", "", "", "", "", "", "", "", "", "",
        f"{folder}/broken.xlsx: 1 problem in the data\n"
        f"  {folder}/broken.xlsx: not a readable .xlsx workbook (File is not a zip file)",
    ]  # fmt: skip
    assert rows[4][3:9] == ["中共广州市荔湾区委政法委", "99.75", "99.75", "0.00", "优", "优"]  # 49.75 + 25 + 25
    assert rows[8][3:9] == ["某某县第二小学", "", "99.00", "", "", "优"]
    assert len(rows) == 1 + len(audited.rows)


def test_summary_csv_in_english_and_formula_text(tmp_path: Path) -> None:
    """English headers; a title Excel would run as a formula is written with a leading apostrophe."""
    table = dataclasses.replace(training(), title='=HYPERLINK("http://x","点击")')
    path = write_summary_csv(audit_batch(table, MOF), tmp_path / "summary.csv", lang="en")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    assert rows == [
        ["file", "sheet", "table", "title", "reported total", "recomputed total", "difference", "reported grade",
         "recomputed grade", "errors", "warnings", "info", "why it was not audited"],
        ["t.xlsx", "自评表", "training-2023", "'=HYPERLINK(\"http://x\",\"点击\")", "92.67", "79.27", "13.40", "优秀",
         "中", "5", "1", "2", ""],
    ]  # fmt: skip


def test_summary_xlsx(folder: Path, audited: BatchAudit, tmp_path: Path) -> None:
    """Read back with openpyxl: headers, totals as number cells shown with two decimals, counts as
    integers, the reason a table failed as text."""
    path = write_summary_xlsx(audited, tmp_path / "summary.xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "汇总"
    assert [cell.value for cell in sheet[1]] == CSV_HEADER_ZH
    anhui = sheet[2]
    assert [cell.value for cell in anhui[:4]] == [
        f"{folder}/anhui-2022-project.xlsx",
        "自评表",
        "anhui-2022-project",
        "农村饮水安全巩固提升工程",
    ]
    totals = anhui[4:7]
    assert [cell.data_type for cell in totals] == ["n", "n", "n"]
    assert [cell.number_format for cell in totals] == ["0.00", "0.00", "0.00"]
    assert [shown_number(cell.value, cell.number_format) for cell in totals] == ["96.48", "94.48", "2.00"]
    assert [cell.value for cell in anhui[7:]] == ["优", "优", 2, 0, 0, None]
    hubei = sheet[6]
    # 20 + 20 + 0 + 10 + 12 + 10 + 9.95 = 81.95; 96.1 − 81.95 = 14.15
    assert [shown_number(cell.value, cell.number_format) for cell in hubei[4:7]] == ["96.10", "81.95", "14.15"]
    broken = sheet[3]
    assert [cell.value for cell in broken[1:12]] == [None] * 11
    assert broken[12].value == (
        f"{folder}/broken.xlsx: 1 problem in the data\n"
        f"  {folder}/broken.xlsx: not a readable .xlsx workbook (File is not a zip file)"
    )
    assert sheet.max_row == 1 + len(audited.rows)


def test_summary_xlsx_keeps_text_as_text(tmp_path: Path) -> None:
    """A title starting with = stays text (never a formula) and gets the leading ' of a CSV cell too, so
    editing the cell cannot make it one; control characters an .xlsx cannot hold are shown as their
    codes; a total finer than cents gets as many decimals as it has."""
    table = dataclasses.replace(training(), title="=1+1\x07", reported_total=D("92.675"))
    path = write_summary_xlsx(audit_batch(table, MOF), tmp_path / "summary.xlsx", lang="en")
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "Summary"
    title, reported = sheet["D2"], sheet["E2"]
    assert (title.value, title.data_type) == ("'=1+1\\u0007", "s")
    assert (reported.number_format, shown_number(reported.value, reported.number_format)) == ("0.000", "92.675")


def test_summary_xlsx_without_openpyxl(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without openpyxl the error says how to install it, and no file is written."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(OutputError) as caught:
        write_summary_xlsx(small_batch(), tmp_path / "summary.xlsx")
    assert str(caught.value) == (
        "writing an .xlsx summary needs openpyxl, which is not installed; "
        "install it with: pip install 'perfscore[xlsx]'"
    )
    assert not (tmp_path / "summary.xlsx").exists()


def test_summary_file_that_cannot_be_written(tmp_path: Path) -> None:
    """A summary path under a file is an OutputError naming the path, not a traceback."""
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        write_summary_csv(small_batch(), tmp_path / "file" / "summary.csv")
    assert str(caught.value) == (f"{tmp_path}/file/summary.csv: cannot create the folder {tmp_path}/file (File exists)")


# --- report files -----------------------------------------------------------------------------


def test_reports_for_every_audited_table(audited: BatchAudit, tmp_path: Path) -> None:
    """A Markdown and an HTML report per audited table, named from its file and sheet (or id), and
    index.html; each report holds its table's totals."""
    written = write_reports(audited, tmp_path / "reports")
    assert [path.name for path in written] == [
        "anhui-2022-project-自评表.md", "anhui-2022-project-自评表.html",
        "guangzhou-liwan-2023.md", "guangzhou-liwan-2023.html",
        "hubei-2023-workbook-项目1-道路养护.md", "hubei-2023-workbook-项目1-道路养护.html",
        "hubei-2023-workbook-项目2-职业培训.md", "hubei-2023-workbook-项目2-职业培训.html",
        "school-aid-2023-school-a.md", "school-aid-2023-school-a.html",
        "school-aid-2023-school-b.md", "school-aid-2023-school-b.html",
        "shandong-2023-project.md", "shandong-2023-project.html",
        "index.html",
    ]  # fmt: skip
    assert sorted(path.name for path in (tmp_path / "reports").iterdir()) == sorted(path.name for path in written)
    markdown = (tmp_path / "reports" / "anhui-2022-project-自评表.md").read_text(encoding="utf-8")
    assert "| 总分 | 96.48 | 94.48 | +2.00 |" in markdown
    page = (tmp_path / "reports" / "hubei-2023-workbook-项目1-道路养护.html").read_text(encoding="utf-8")
    assert (
        '<tr><th>总分</th><td class="num">96.1</td><td class="num">81.95</td><td class="num bad">+14.15</td></tr>'
        in page
    )
    assert '<tr><th>等级</th><td>良</td><td>良</td><td class="good">一致</td></tr>' in page  # 81.95 is 良


def test_index_links_reports_and_explains_failures(folder: Path, audited: BatchAudit, tmp_path: Path) -> None:
    """index.html links each audited table to its report (URL-encoded) and says why the others failed."""
    write_reports(audited, tmp_path / "reports")
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert (
        '<a href="hubei-2023-workbook-%E9%A1%B9%E7%9B%AE1-%E9%81%93%E8%B7%AF%E5%85%BB%E6%8A%A4.html">'
        f"{folder}/hubei-2023-workbook.xlsx!项目1-道路养护</a>"
    ) in index
    assert (
        f'<tr class="error"><td>{folder}/broken.xlsx</td><td></td><td colspan="8" class="text">'
        '<span class="badge error">未能审核</span> '
        f"{folder}/broken.xlsx: 1 problem in the data\n"
        f"  {folder}/broken.xlsx: not a readable .xlsx workbook (File is not a zip file)</td></tr>"
    ) in index
    assert "<section" not in index  # the audits are in their own files, not repeated


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("hubei-2023-workbook-项目1-道路养护", "hubei-2023-workbook-项目1-道路养护"),
        ("a/b\\c", "a_b_c"),
        ("../../etc/passwd", "etc_passwd"),
        ('年度:报告*?"<>|', "年度_报告"),
        ("项目 一  二", "项目_一_二"),
        ("ｆｕｌｌ－ｗｉｄｔｈ", "full-width"),
        ("evil\u202egpj.exe", "evil_gpj.exe"),
        ("tab\there\nnewline", "tab_here_newline"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("...", "table"),
        ("", "table"),
        ("长" * 80, "长" * 60),
    ],
)
def test_safe_file_name(text: str, name: str) -> None:
    """File names from untrusted sheet and file names: no separators, no reserved or invisible characters."""
    assert safe_file_name(text) == name


def test_report_names_never_collide() -> None:
    """Files with the same stem, a table called index, names differing only in case: each its own name."""
    tables = [
        dataclasses.replace(unknown_level1(), source="dir/a.csv"),
        dataclasses.replace(unknown_level1(), source="dir/a.toml"),
        dataclasses.replace(unknown_level1(), source="index.json"),
        dataclasses.replace(unknown_level1(), source="A.json"),
    ]
    assert report_names(audit_batch(tables, MOF)) == {0: "a", 1: "a-2", 2: "index-2", 3: "A-3"}


# --- progress -----------------------------------------------------------------------------------


def test_progress_is_reported_after_each_file(folder: Path) -> None:
    """An event at the start and after each file: files done of all, tables so far, how many failed."""
    events: list[BatchProgress] = []
    audit_batch(folder, MOF, progress=events.append, strict=True)
    assert [(event.done, event.total, event.tables, event.failed, event.percent) for event in events] == [
        (0, 7, 0, 0, 0),
        (1, 7, 1, 0, 14),
        (2, 7, 2, 1, 28),
        (3, 7, 3, 2, 42),
        (4, 7, 4, 2, 57),
        (5, 7, 6, 2, 71),
        (6, 7, 8, 2, 85),
        (7, 7, 9, 2, 100),
    ]
    assert events[0].current is None
    assert events[-1].current == f"{folder}/shandong-2023-project.csv"


def events(total: int, tables_per_file: int = 1) -> list[BatchProgress]:
    return [BatchProgress(done, total, done * tables_per_file, 0) for done in range(total + 1)]


def test_progress_on_a_terminal_redraws_one_line() -> None:
    """On a terminal: one bar, redrawn in place with a carriage return, ended by close()."""
    stream = io.StringIO()
    bar = ProgressBar(stream, always=True, tty=True, width=10)
    for event in events(4):
        bar(event)
    bar.close()
    assert stream.getvalue() == (
        "\r[----------]   0% 文件 0/4，表 0 张"
        "\r[##--------]  25% 文件 1/4，表 1 张"
        "\r[#####-----]  50% 文件 2/4，表 2 张"
        "\r[#######---]  75% 文件 3/4，表 3 张"
        "\r[##########] 100% 文件 4/4，表 4 张"
        "\n"
    )


def test_progress_in_a_log_is_a_line_per_tenth() -> None:
    """Not on a terminal: a line each time another 10% is done (none for 0%), in English when asked."""
    stream = io.StringIO()
    bar = ProgressBar(stream, lang="en", always=True)
    for event in [*events(25)[:3], BatchProgress(3, 25, 3, 1), *events(25)[4:]]:
        bar(event)
    bar.close()
    assert stream.getvalue() == (
        "perfscore:   4% files 1/25, tables 1\n"
        "perfscore:  12% files 3/25, tables 3, 1 not audited\n"
        "perfscore:  20% files 5/25, tables 5\n"
        "perfscore:  32% files 8/25, tables 8\n"
        "perfscore:  40% files 10/25, tables 10\n"
        "perfscore:  52% files 13/25, tables 13\n"
        "perfscore:  60% files 15/25, tables 15\n"
        "perfscore:  72% files 18/25, tables 18\n"
        "perfscore:  80% files 20/25, tables 20\n"
        "perfscore:  92% files 23/25, tables 23\n"
        "perfscore: 100% files 25/25, tables 25\n"
    )


def test_progress_is_silent_for_short_runs() -> None:
    """Twenty files and twenty tables or fewer: nothing, not even on close()."""
    stream = io.StringIO()
    bar = ProgressBar(stream, tty=True)
    for event in events(20):
        bar(event)
    bar.close()
    assert stream.getvalue() == ""


def test_progress_shows_once_a_few_files_hold_many_tables() -> None:
    """Three workbooks of ten sheets each: the display starts when the 21st table is counted."""
    stream = io.StringIO()
    bar = ProgressBar(stream)
    for event in events(3, tables_per_file=10):
        bar(event)
    assert stream.getvalue() == "perfscore: 100% 文件 3/3，表 30 张\n"


# --- HTML ---------------------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script>"


def hostile_table() -> Table:
    """The training table with script and markup in the cells a unit fills in."""
    table = training()
    first = dataclasses.replace(table.rows[0], level3=HOSTILE, note='"><img src=x onerror=alert(2)>')
    return dataclasses.replace(
        table, title='某区<b>培训</b> & "项目"', rows=(first, *table.rows[1:]), reported_grade="<i>优秀</i>"
    )


def test_html_escapes_every_cell() -> None:
    """A cell holding <script> is shown as text; the page runs no script and loads nothing."""
    page = render_html(audit_table(hostile_table(), MOF))
    assert "<script" not in page
    assert "<img" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>自评表审核：某区&lt;b&gt;培训&lt;/b&gt; &amp; &quot;项目&quot;（training-2023）</title>" in page
    assert '<tr><th>等级</th><td>&lt;i&gt;优秀&lt;/i&gt;</td><td>中</td><td class="bad">不一致</td></tr>' in page
    assert (
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    ) in page


def test_batch_html_escapes_every_cell() -> None:
    """The batch page escapes the summary and each embedded audit the same way."""
    hostile = hostile_table()
    failing = dataclasses.replace(unknown_level1(), title=HOSTILE)
    page = render_batch_html(audit_batch([hostile, failing], MOF, strict=True))
    assert "<script" not in page
    # the failed table's title, the finding on the row, the item's name and its explanation
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 4


def test_html_page_of_an_audit() -> None:
    """Chinese by default: the title, totals and grades, findings coloured by severity with over- and
    under-claims told apart, their kinds in words, items explained."""
    page = render_html(audit_table(training(), MOF))
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n')
    assert page.endswith("</section>\n</main>\n</body>\n</html>\n")
    assert "<h1>自评表审核：某区基层治理骨干培训项目（training-2023）</h1>" in page
    assert (
        '<tr><th>总分</th><td class="num">92.67</td><td class="num">79.27</td><td class="num bad">+13.40</td></tr>'
    ) in page
    assert "<h2>发现：错误 5，警告 1，提示 2</h2>" in page
    assert (  # an under-claim: its own word and colour, never the over-claims' red
        '<tr class="warning"><td class="num">5</td><td><span class="badge warning under">警告·少计</span></td>'
        '<td>自评表!A9</td><td class="text">培训班期数：自评 7 分，按规则应得 10.00 分，相差 -3.00 分：目标已完成但扣了 3 分。</td>'
        "<td>自评得分与规则计算的不符</td></tr>"
    ) in page
    assert '<td class="num">10.00</td><td class="num under">-3.00</td>' in page
    assert '<span class="badge error over">错误·多计</span>' in page
    assert (
        '<tr class="off"><td>自评表!A8</td><td>培训人次</td><td class="num">10</td><td class="num">10</td>'
        '<td class="num">9.60</td><td class="num bad">+0.40</td><td class="text">'
        "培训人次：实际 480人次，目标 ≥ 500人次，完成率 96.00%，按完成比例计分；得 9.60 分（满分 10 分），扣 0.40 分。"
        "</td></tr>"
    ) in page
    assert "<style>" in page and "<link" not in page


def test_html_page_in_english() -> None:
    """lang="en": English headings and messages, the grade with its Chinese name."""
    page = render_html(audit_table(training(), MOF), "en")
    assert '<html lang="en">' in page
    assert "<h1>Audit of the self-evaluation table: 某区基层治理骨干培训项目 (training-2023)</h1>" in page
    assert "<h2>Findings: 5 errors, 1 warning, 2 info</h2>" in page
    assert '<td>Fair (中)</td><td class="bad">does not match</td>' in page


def test_html_lang_is_checked() -> None:
    with pytest.raises(ValueError, match="lang must be one of zh, en, not 'fr'"):
        render_html(audit_table(training(), MOF), "fr")
