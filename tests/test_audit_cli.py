"""The ``perfscore audit`` command: one table's report in full, a folder audited in one run with its
summary and report files, the progress display on stderr, and every exit status."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest

import perfscore
from perfscore.cli import run
from perfscore.tables.audit import audit_table
from perfscore.tables.html import render_html
from perfscore.tables.read import read_tables

ROOT = Path(__file__).resolve().parents[1]
TABLES = ROOT / "tests" / "tables"
RULESET = str(ROOT / "rulesets" / "project-mof-2020.toml")
MOF = perfscore.load(RULESET)

# The worked example of docs/tables.md: the table, and its audit in Chinese and in English.
TRAINING = """\
# table: training-2023
id = "training-2023"
title = "某区基层治理骨干培训项目"
year = 2023
reported_total = 92.67
reported_grade = "优秀"

[budget]
initial = 50
adjusted = 50
executed = 48.37
points = 10
reported_rate = 96.74
reported = 9.67

[[rows]]
level1 = "产出指标"
level2 = "数量指标"
level3 = "培训人次"
target = "≥500人次"
actual = "480人次"
points = 10
reported = 10

[[rows]]
level1 = "产出指标"
level2 = "数量指标"
level3 = "培训班期数"
target = "≥4期"
actual = "4期"
points = 10
reported = 7

[[rows]]
level1 = "产出指标"
level2 = "质量指标"
level3 = "考核合格率"
target = "≥95%"
actual = "96.5%"
points = 10
reported = 10

[[rows]]
level1 = "产出指标"
level2 = "时效指标"
level3 = "完成时间"
target = "2023年11月底前"
actual = "2023年12月15日"
points = 10
reported = 10

[[rows]]
level1 = "产出指标"
level2 = "成本指标"
level3 = "人均培训成本"
target = "≤1000元/人次"
actual = "1100元/人次"
points = 10
reported = 9
note = "物价上涨"

[[rows]]
level1 = "效益指标"
level2 = "社会效益指标"
level3 = "基层治理能力"
target = "效果明显"
actual = "部分达成"
points = 20
reported = 18
note = "部分街道未开展"

[[rows]]
level1 = "效益指标"
level2 = "可持续影响指标"
level3 = "长效机制"
target = "持续"
actual = "长期"
points = 10
reported = 9

[[rows]]
level1 = "满意度指标"
level2 = "服务对象满意度指标"
level3 = "学员满意度"
target = "≥90%"
actual = "92%"
points = 10
reported = 10
"""

TEXT_ZH = """\
自评表审核：某区基层治理骨干培训项目（training-2023）
规则：项目支出绩效自评（财预〔2020〕10号 模板） (project-mof-2020 1.0)
总分：自评 92.67，重算 79.27，相差 +13.40
等级：自评 优秀，重算 中

发现：错误 5，警告 1，提示 2
  1. [错误·多计] 总分与规则计算的不符：总分：自评 92.67，按规则重算为 79.27，相差 +13.40。
  2. [错误] 填写的等级与总分不符：评价等级填报「优秀」，按重算总分 79.27 应为「中」。
  3. [错误·多计] rows[3] 自评得分与规则计算的不符：完成时间：自评 10 分，按规则应得 0.00 分，相差 +10.00 分：计划 2023-11-30 前完成，实际 2023-12-15 才完成，却保留满分。
  4. [错误·多计] rows[5] 定性指标得分不在所选档次内：基层治理能力：实际完成「部分达成」属「部分达成」档（[12, 16) 分），自评 18 分不在该档内；按该档默认分 12.00 分计，相差 +6.00 分。
  5. [警告·少计] rows[1] 自评得分与规则计算的不符：培训班期数：自评 7 分，按规则应得 10.00 分，相差 -3.00 分：目标已完成但扣了 3 分。
  6. [错误·多计] rows[0] 自评得分与规则计算的不符：培训人次：自评 10 分，按规则应得 9.60 分，相差 +0.40 分：实际完成目标的 96.00%，却保留满分。
  7. [提示] rows[1] 未达满分但未说明原因：培训班期数：未得满分（7 / 10 分），但未填写偏差原因分析及改进措施。
  8. [提示] rows[6] 未达满分但未说明原因：长效机制：未得满分（9 / 10 分），但未填写偏差原因分析及改进措施。

逐项重算
  位置        指标          分值  自评   重算
  预算执行栏  预算执行率      10  9.67   9.67
  rows[0]     培训人次        10    10   9.60
  rows[1]     培训班期数      10     7  10.00
  rows[2]     考核合格率      10    10  10.00
  rows[3]     完成时间        10    10   0.00
  rows[4]     人均培训成本    10     9   9.00
  rows[5]     基层治理能力    20    18  12.00
  rows[6]     长效机制        10     9   9.00
  rows[7]     学员满意度      10    10  10.00
"""

TEXT_EN = """\
Audit of the self-evaluation table: 某区基层治理骨干培训项目 (training-2023)
Ruleset: 项目支出绩效自评（财预〔2020〕10号 模板） (project-mof-2020 1.0)
Total: reported 92.67, recomputed 79.27, difference +13.40
Grade: reported 优秀, recomputed Fair (中)

Findings: 5 errors, 1 warning, 2 info
  1. [error·over-claim] a total that departs from the rules: Total: reported 92.67, recomputed 79.27 under the rules, a difference of +13.40.
  2. [error] a written grade that does not fit the total: The reported grade '优秀' does not go with the recomputed total 79.27, which is graded Fair (中).
  3. [error·over-claim] rows[3] a self-assessed score that departs from the rules: 完成时间: self-scored 10, the rule gives 0.00, a difference of +10.00: finished 2023-12-15, after the deadline 2023-11-30 but full marks kept.
  4. [error·over-claim] rows[5] a qualitative score outside its tier: 基层治理能力: the actual '部分达成' is in the tier “partly achieved” ([12, 16) points) but the self-score 18 lies outside it; the tier's default of 12.00 applies, a difference of +6.00.
  5. [warning·under-claim] rows[1] a self-assessed score that departs from the rules: 培训班期数: self-scored 7, the rule gives 10.00, a difference of -3.00: target met but 3 points docked.
  6. [error·over-claim] rows[0] a self-assessed score that departs from the rules: 培训人次: self-scored 10, the rule gives 9.60, a difference of +0.40: actual 96.00% of target but full marks kept.
  7. [info] rows[1] short of full marks with no explanation: 培训班期数: not at full marks (7 of 10) but no explanation of the shortfall (偏差原因分析及改进措施) is given.
  8. [info] rows[6] short of full marks with no explanation: 长效机制: not at full marks (9 of 10) but no explanation of the shortfall (偏差原因分析及改进措施) is given.

Items recomputed
  cell          indicator     points  reported  recomputed
  budget block  预算执行率        10      9.67        9.67
  rows[0]       培训人次          10        10        9.60
  rows[1]       培训班期数        10         7       10.00
  rows[2]       考核合格率        10        10       10.00
  rows[3]       完成时间          10        10        0.00
  rows[4]       人均培训成本      10         9        9.00
  rows[5]       基层治理能力      20        18       12.00
  rows[6]       长效机制          10         9        9.00
  rows[7]       学员满意度        10        10       10.00
"""


def perfscore_audit(*argv: str) -> tuple[int, str, str]:
    """Run ``perfscore audit`` with ``argv``; the exit status, stdout and stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(["audit", *argv], stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def training(tmp_path: Path) -> Path:
    path = tmp_path / "training-2023.toml"
    path.write_text(TRAINING, encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two sample tables that audit, one that cannot be scored under the ruleset, one broken file."""
    target = tmp_path / "tables"
    target.mkdir()
    for name in ("chongqing-2023-management.csv", "school-aid-2023.json", "shandong-2023-project.csv"):
        shutil.copy(TABLES / name, target / name)
    (target / "broken.csv").write_text("名称,数值\n甲,1\n", encoding="utf-8")
    return target


# --- one table ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "expected"), [("zh", TEXT_ZH), ("en", TEXT_EN)])
def test_one_table_prints_its_audit(training: Path, lang: str, expected: str) -> None:
    """One table: its audit report on stdout, nothing on stderr, exit 0 although it has findings."""
    assert perfscore_audit(str(training), "--ruleset", RULESET, "--lang", lang) == (0, expected, "")


@pytest.mark.parametrize("fmt", ["markdown", "json", "html"])
def test_one_table_in_other_formats(training: Path, fmt: str) -> None:
    """Markdown, JSON and HTML are the audit's own renderings, ending with a line break."""
    (table,) = read_tables(training)
    audit = audit_table(table, MOF)
    expected = {
        "markdown": audit.render("markdown"),
        "json": audit.render("json") + "\n",
        "html": render_html(audit),
    }[fmt]
    assert perfscore_audit(str(training), "--ruleset", RULESET, "--format", fmt) == (0, expected, "")


def test_one_table_as_json_is_exact(training: Path) -> None:
    """The JSON totals are strings: exact decimals."""
    status, out, _ = perfscore_audit(str(training), "--ruleset", RULESET, "--format", "json")
    assert status == 0
    assert json.loads(out)["totals"] == {
        "reported": "92.67",
        "recomputed": "79.27",
        "difference": "13.40",
        "points": "100",
        "reported_grade": "优秀",
        "recomputed_grade": {"name": "中", "name_en": "Fair"},
    }


def test_one_table_with_a_mapping(tmp_path: Path) -> None:
    """--mapping names the headers of a template perfscore does not know: 40 + 20 + 46/50 × 30 + 10 = 97.60."""
    mapping = tmp_path / "henan.toml"
    mapping.write_text(
        '"类别" = "level1"\n"子类" = "level2"\n"考核内容" = "level3"\n"2023年计划" = "target"\n"完成数" = "actual"\n'
        '"满分" = "points"\n"情况说明" = "note"\n"考核对象" = "title"\n',
        encoding="utf-8",
    )
    table = str(TABLES / "custom" / "henan-2023-custom-headers.csv")
    status, out, err = perfscore_audit(table, "--ruleset", RULESET, "--mapping", str(mapping))
    assert (status, err) == (0, "")
    assert out.splitlines()[:3] == [
        "自评表审核：某某县农业农村局（henan-2023-custom-headers）",
        "规则：项目支出绩效自评（财预〔2020〕10号 模板） (project-mof-2020 1.0)",
        "总分：自评 97.6，重算 97.60，相差 0.00",
    ]


# --- failures: exit 1 -----------------------------------------------------------------------------


def test_a_ruleset_that_does_not_exist(training: Path) -> None:
    """A missing ruleset: one paragraph on stderr, exit 1."""
    assert perfscore_audit(str(training), "--ruleset", "nope.toml", "--lang", "en") == (
        1,
        "",
        "perfscore: nope.toml: cannot read the ruleset (No such file or directory)\n",
    )


def test_a_ruleset_with_a_mistake(training: Path, tmp_path: Path) -> None:
    """A ruleset that does not load: its problems, located, exit 1."""
    ruleset = tmp_path / "bad.toml"
    ruleset.write_text("[ruleset\n", encoding="utf-8")
    status, out, err = perfscore_audit(str(training), "--ruleset", str(ruleset), "--lang", "en")
    assert (status, out) == (1, "")
    assert err == (
        f"perfscore: {ruleset}: 1 problem in the ruleset\n"
        f"  {ruleset}:1:9: invalid TOML: Expected ']' at the end of a table declaration\n"
        "      1 | [ruleset\n"
        "        |         ^\n"
    )


def test_a_table_file_that_does_not_exist(tmp_path: Path) -> None:
    """A missing table file: nothing audited, exit 1."""
    missing = tmp_path / "missing.xlsx"
    assert perfscore_audit(str(missing), "--ruleset", RULESET, "--lang", "en") == (
        1,
        "",
        f"perfscore: {missing}: cannot read the table file (No such file or directory)\n",
    )


def test_a_broken_table_file(folder: Path) -> None:
    """A file with no table in it: what is missing, exit 1."""
    broken = folder / "broken.csv"
    assert perfscore_audit(str(broken), "--ruleset", RULESET, "--lang", "en") == (
        1,
        "",
        f"perfscore: {broken}: 1 problem in the data\n"
        f"  {broken}: no indicator header found: no row names 三级指标 (or 指标名称) and two of "
        "年度指标值, 实际完成值, 分值, 得分\n",
    )


def test_a_table_that_cannot_be_scored() -> None:
    """--strict: a table whose 一级指标 are not the ruleset's is refused, each cell named: exit 1."""
    table = TABLES / "chongqing-2023-management.csv"
    status, out, err = perfscore_audit(str(table), "--ruleset", RULESET, "--strict", "--lang", "en")
    assert (status, out) == (1, "")
    assert err.startswith(
        f"perfscore: {table}: 8 problems in the data\n"
        f"  {table}: B9: first-level indicator (一级指标) '过程' matches none of the ruleset's: "
    )
    assert err.count("\n") == 9


def test_a_bad_mapping_file(training: Path, tmp_path: Path) -> None:
    """A mapping naming a field that does not exist: the closest one suggested, exit 1, nothing read."""
    mapping = tmp_path / "map.toml"
    mapping.write_text('"满分" = "piont"\n', encoding="utf-8")
    status, out, err = perfscore_audit(str(training), "--ruleset", RULESET, "--mapping", str(mapping), "--lang", "en")
    assert (status, out) == (1, "")
    assert err.startswith(f"perfscore: {mapping}: 1 problem in the data\n  {mapping}: 满分: unknown field 'piont'; ")
    assert err.endswith("(did you mean 'points'?)\n")


def test_xlsx_summary_without_openpyxl(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without openpyxl an .xlsx summary is refused before anything is audited, saying what to install."""
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    summary = tmp_path / "summary.xlsx"
    assert perfscore_audit(str(folder), "--ruleset", RULESET, "--summary-xlsx", str(summary), "--lang", "en") == (
        1,
        "",
        "perfscore: writing an .xlsx summary needs openpyxl, which is not installed; "
        "install it with: pip install 'perfscore[xlsx]'\n",
    )
    assert not summary.exists()


def test_an_output_file_that_cannot_be_written(training: Path, tmp_path: Path) -> None:
    """The report is printed, then the summary cannot be written: the reason, exit 1."""
    (tmp_path / "file").write_text("", encoding="utf-8")
    target = tmp_path / "file" / "summary.csv"
    status, out, err = perfscore_audit(str(training), "--ruleset", RULESET, "--summary-csv", str(target))
    assert (status, out) == (1, TEXT_ZH)
    assert err == f"perfscore: {target}: 无法创建文件夹 {tmp_path}/file（已经有同名的文件）\n"


# --- many tables ----------------------------------------------------------------------------------

FOLDER_SUMMARY = """\
汇总
  {folder}/broken.csv：未能审核：{folder}/broken.csv: 数据有 1 处问题
      {folder}/broken.csv: 没有找到指标表头：没有一行写着 三级指标（或 指标名称），以及 年度指标值、实际完成值、分值、得分 中的两个
  {folder}/chongqing-2023-management.csv：未能审核：{chongqing}
  {folder}/school-aid-2023.json#school-a：某某县第一中学：自评 99.38，重算 99.38，相差 0.00；等级 优 → 优；错误 0，警告 0，提示 0
  {folder}/school-aid-2023.json#school-b：某某县第二小学：自评 —，重算 99.00，相差 —；等级 — → 优；错误 0，警告 3，提示 1
  {folder}/shandong-2023-project.csv：城乡环卫一体化运营：自评 96.59，重算 93.59，相差 +3.00；等级 优 → 优；错误 2，警告 0，提示 1

5 张表：3 张已审核，2 张未能审核；发现 错误 2，警告 3，提示 2
"""


def test_a_folder_with_failures(folder: Path) -> None:
    """--strict: every report, then the summary on stdout; each failure on stderr; exit 3 (some tables failed)."""
    status, out, err = perfscore_audit(str(folder), "--ruleset", RULESET, "--strict")
    assert status == 3
    reports = [audit_table(table, MOF, strict=True).render("text") for name in ("school-aid-2023.json", "shandong-2023-project.csv")
               for table in read_tables(folder / name)]  # fmt: skip
    chongqing = err.split("perfscore: ")[2].rstrip("\n").replace("\n", "\n    ")
    assert out == "\n".join([*reports, FOLDER_SUMMARY.format(folder=folder, chongqing=chongqing)])
    assert err.startswith(
        f"perfscore: {folder}/broken.csv: 数据有 1 处问题\n"
        f"  {folder}/broken.csv: 没有找到指标表头：没有一行写着 三级指标（或 指标名称），"
        "以及 年度指标值、实际完成值、分值、得分 中的两个\n"
        f"perfscore: {folder}/chongqing-2023-management.csv: 数据有 8 处问题\n"
    )
    assert err.count("perfscore: ") == 2


def test_a_folder_that_audits_cleanly(folder: Path) -> None:
    """Every table audited (findings are the report, not a failure): exit 0 and nothing on stderr."""
    (folder / "broken.csv").unlink()
    (folder / "chongqing-2023-management.csv").unlink()
    status, out, err = perfscore_audit(str(folder), "--ruleset", RULESET, "--lang", "en")
    assert (status, err) == (0, "")
    assert out.endswith("\n3 tables: 3 audited, 0 not audited; findings: 2 errors, 3 warnings, 2 info\n")


def test_a_folder_where_nothing_can_be_audited(tmp_path: Path) -> None:
    """A folder of broken files: nothing on stdout, every reason on stderr, exit 1."""
    (tmp_path / "a.csv").write_text("名称\n", encoding="utf-8")
    (tmp_path / "b.xlsx").write_bytes(b"not a workbook")
    status, out, err = perfscore_audit(str(tmp_path), "--ruleset", RULESET, "--lang", "en")
    assert (status, out) == (1, "")
    assert err == (
        f"perfscore: {tmp_path}/a.csv: 1 problem in the data\n"
        f"  {tmp_path}/a.csv: no indicator header found: no row names 三级指标 (or 指标名称) and two of "
        "年度指标值, 实际完成值, 分值, 得分\n"
        f"perfscore: {tmp_path}/b.xlsx: 1 problem in the data\n"
        f"  {tmp_path}/b.xlsx: not a readable .xlsx workbook (File is not a zip file)\n"
    )


def test_an_empty_folder(tmp_path: Path) -> None:
    """A folder with no table files: exit 1, saying so."""
    assert perfscore_audit(str(tmp_path), "--ruleset", RULESET, "--lang", "en") == (
        1,
        "",
        f"perfscore: {tmp_path}: 1 problem in the data\n"
        f"  {tmp_path}: no table files (.xlsx, .csv, .toml, .json) in this folder\n",
    )


def test_a_folder_with_every_output(folder: Path, tmp_path: Path) -> None:
    """--summary-csv, --summary-xlsx and --reports in one run (--strict); each holds every table."""
    out_dir = tmp_path / "out"
    status, _, _ = perfscore_audit(
        str(folder),
        "--ruleset",
        RULESET,
        "--strict",
        "--summary-csv",
        str(out_dir / "summary.csv"),
        "--summary-xlsx",
        str(out_dir / "summary.xlsx"),
        "--reports",
        str(out_dir / "reports"),
    )
    assert status == 3
    with (out_dir / "summary.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert [(row[2], row[4], row[5], row[6]) for row in rows[1:]] == [
        ("", "", "", ""),
        ("chongqing-2023-management", "98.56", "", ""),
        ("school-a", "99.38", "99.38", "0.00"),
        ("school-b", "", "99.00", ""),
        ("shandong-2023-project", "96.59", "93.59", "3.00"),
    ]
    sheet = openpyxl.load_workbook(out_dir / "summary.xlsx").active
    assert [sheet.cell(row, 3).value for row in range(2, 7)] == [
        None,
        "chongqing-2023-management",
        "school-a",
        "school-b",
        "shandong-2023-project",
    ]
    assert sorted(path.name for path in (out_dir / "reports").iterdir()) == [
        "index.html",
        "school-aid-2023-school-a.html",
        "school-aid-2023-school-a.md",
        "school-aid-2023-school-b.html",
        "school-aid-2023-school-b.md",
        "shandong-2023-project.html",
        "shandong-2023-project.md",
    ]
    markdown = (out_dir / "reports" / "shandong-2023-project.md").read_text(encoding="utf-8")
    assert "| 总分 | 96.59 | 93.59 | +3.00 |" in markdown
    page = (out_dir / "reports" / "shandong-2023-project.html").read_text(encoding="utf-8")
    assert '<td class="num">96.59</td><td class="num">93.59</td><td class="num bad">+3.00</td>' in page


def test_a_folder_as_html(folder: Path) -> None:
    """--format html for many tables: one page, the summary linking to each audit below it."""
    status, out, _ = perfscore_audit(str(folder), "--ruleset", RULESET, "--format", "html", "--strict")
    assert status == 3
    assert out.startswith("<!DOCTYPE html>")
    assert f'<a href="#table-5">{folder}/shandong-2023-project.csv</a>' in out
    assert '<section class="audit" id="table-5">' in out
    assert out.count("<section") == 3


# --- progress -------------------------------------------------------------------------------------


def test_progress_goes_to_stderr_only(folder: Path) -> None:
    """--progress: a line per tenth on stderr (not a terminal here); stdout is what it is without it."""
    _, plain_out, plain_err = perfscore_audit(str(folder), "--ruleset", RULESET, "--strict")
    status, out, err = perfscore_audit(str(folder), "--ruleset", RULESET, "--progress", "--strict")
    assert (status, out) == (3, plain_out)
    progress = [line for line in err.splitlines() if "% 文件" in line]
    assert progress == [
        "perfscore:  25% 文件 1/4，表 1 张，1 张未能审核",
        "perfscore:  50% 文件 2/4，表 2 张，2 张未能审核",
        "perfscore:  75% 文件 3/4，表 4 张，2 张未能审核",
        "perfscore: 100% 文件 4/4，表 5 张，2 张未能审核",
    ]
    assert err == "\n".join(progress) + "\n" + plain_err


def test_progress_shows_by_itself_for_many_tables(tmp_path: Path) -> None:
    """More than 20 tables: the progress shows without --progress."""
    for number in range(21):
        (tmp_path / f"t{number:02}.toml").write_text(TRAINING, encoding="utf-8")
    status, out, err = perfscore_audit(str(tmp_path), "--ruleset", RULESET, "--lang", "en")
    assert status == 0
    assert out.endswith("21 tables: 21 audited, 0 not audited; findings: 105 errors, 21 warnings, 42 info\n")
    assert err.splitlines()[0] == "perfscore:   4% files 1/21, tables 1"
    assert err.splitlines()[-1] == "perfscore: 100% files 21/21, tables 21"
    assert len(err.splitlines()) == 11  # 4%, then once in each tenth up to 100%


def test_help_lists_the_options() -> None:
    """perfscore audit --help: exit 0, every option named."""
    status, out, _ = perfscore_audit("--help")
    assert status == 0
    for option in ("--ruleset", "--format", "--lang", "--mapping", "--summary-csv", "--summary-xlsx", "--reports",
                   "--progress"):  # fmt: skip
        assert option in out


# --- the examples of docs/cli.md ---------------------------------------------------------------


def docs_example(command: str) -> str:
    """What docs/cli.md shows after ``$ <command>``, up to the next ``$`` line or the end of the block."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    start = text.index(f"$ {command}\n") + len(command) + 3
    ends = [end for end in (text.find("\n$ ", start), text.find("\n```", start)) if end >= 0]
    return text[start : min(ends) + 1]


@pytest.fixture
def docs_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder the examples of docs/cli.md were run in."""
    tables = tmp_path / "tables"
    tables.mkdir()
    for name in ("hubei-2023-workbook.xlsx", "school-aid-2023.json", "shandong-2023-project.csv"):
        shutil.copy(TABLES / name, tables / name)
    (tables / "说明.csv").write_text("名称,数值\n甲,1\n", encoding="utf-8")
    shutil.copy(RULESET, tmp_path / "project-mof-2020.toml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_docs_one_table_example(docs_folder: Path) -> None:
    """docs/cli.md's single-table example is what the command prints."""
    command = "perfscore audit tables/shandong-2023-project.csv --ruleset project-mof-2020.toml --lang en"
    assert perfscore_audit(*command.split()[2:]) == (0, docs_example(command), "")


def test_docs_folder_example(docs_folder: Path) -> None:
    """docs/cli.md's folder example: the progress, the summary, the failure, the status, the report files."""
    command = "perfscore audit tables --ruleset project-mof-2020.toml --summary-csv 汇总.csv --reports 报告 --progress"
    status, out, err = perfscore_audit(*command.split()[2:])
    shown = docs_example(command)
    progress, rest = shown.split("… the five audits …\n")
    summary, failure = rest.split("\nperfscore: ", 1)
    assert status == 3
    assert err == progress + "perfscore: " + failure
    assert out.endswith("\n" + summary + "\n")
    assert sorted(path.name for path in (docs_folder / "报告").iterdir()) == docs_example("ls -1 报告").split()
