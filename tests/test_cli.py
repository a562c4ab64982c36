"""The ``perfscore`` command: scoring the seed example in every format and language, explaining a
ruleset, many units in one file, and every kind of bad input with its exit status."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from perfscore.cli import run

ROOT = Path(__file__).resolve().parents[1]
RULESET = "rulesets/department-wide.toml"
SEED = "examples/liwan-2023.toml"

SEED_TEXT_ZH = """\
部门整体支出绩效自评（通用框架） (department-wide 2023.1)
单位: examples/liwan-2023.toml#liwan-zfw-2023
总分: 99.75 / 100    等级: 优

指标                    分值    得分    扣分
预算执行                  15   14.95    0.05
  预算执行率              10    9.95    0.05
  结转结余率               5    5.00
产出                      40   40.00
  实际完成率              15   15.00
  重点工作办结率          10   10.00
  质量达标率              10   10.00
  完成及时率               5    5.00
效益                      30   30.00
  社会效益                10   10.00
  可持续影响              10   10.00
  服务对象满意度          10   10.00
管理                      15   14.80    0.20
  管理制度健全性           5    4.80    0.20
  资金使用合规性           5    5.00
  预决算信息公开性         5    5.00

扣分说明（按扣分多少排序）
  1. −0.20  管理制度健全性：发现 1 项制度不健全，每项扣 0.2 分，扣完为止；得 4.80 分（满分 5 分），扣 0.20 分。
  2. −0.05  预算执行率：实际 99.49%，目标 ≥ 100.00%，完成率 99.49%，按完成比例计分；得 9.95 分（满分 10 分），扣 0.05 分。
"""

SEED_DATA = """\
budget = 2468.78
executed = 2456.19
carryover = 12.35
goals_planned = 8
goals_completed = 8
tasks_planned = 8
tasks_completed = 8
quality_rate = 100
on_time_rate = 100
social_effect = "达成"
sustainability = "达成"
satisfaction = "达成"
system_findings = 1
compliance_findings = 0
disclosed = true
"""


def perfscore(*argv: str) -> tuple[int, str, str]:
    """Run the command in-process: its exit status, what it printed, and what it printed on stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(list(argv), stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(autouse=True)
def in_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root so the shipped files have short, stable relative paths."""
    monkeypatch.chdir(ROOT)


def unit_table(unit_id: str, name: str, data: str) -> str:
    return f'[[units]]\nid = "{unit_id}"\nname = "{name}"\n\n[units.data]\n{data}\n'


class TestScoreSeedExample:
    """``perfscore score`` on the seed case (荔湾区委政法委 2023) gives 99.75, 优, two explained deductions."""

    def test_text_in_chinese(self) -> None:
        """The default report: title, unit, total and grade, the indicator table, each deduction explained."""
        assert perfscore("score", RULESET, SEED) == (0, SEED_TEXT_ZH, "")

    def test_text_in_english(self) -> None:
        """--lang en gives the same numbers with English names and explanations."""
        status, out, err = perfscore("score", RULESET, SEED, "--lang", "en")
        assert (status, err) == (0, "")
        lines = out.splitlines()
        assert lines[:3] == [
            "Department-wide expenditure performance self-evaluation (general framework) (department-wide 2023.1)",
            "Unit: examples/liwan-2023.toml#liwan-zfw-2023",
            "Total: 99.75 / 100    Grade: Excellent",
        ]
        assert "  Budget execution rate            10    9.95    0.05" in lines
        assert lines[-3:] == [
            "Deductions (largest first)",
            "  1. −0.20  Management rules in place: 1 gap(s) in management rules at 0.2 points each;"
            " 4.80 of 5 points, 0.20 lost.",
            "  2. −0.05  Budget execution rate: actual 99.49% against a target of ≥ 100.00%: 99.49% achieved,"
            " scored in proportion; 9.95 of 10 points, 0.05 lost.",
        ]

    def test_json(self) -> None:
        """--format json is valid JSON with every decimal as a string: total "99.75", both deductions."""
        status, out, err = perfscore("score", RULESET, SEED, "--format", "json")
        assert (status, err) == (0, "")
        document = json.loads(out)
        assert document["total"] == "99.75"
        assert document["points"] == "100"
        assert document["grade"] == {"name": "优", "name_en": "Excellent"}
        assert [(item["id"], item["lost"]) for item in document["deductions"]] == [
            ("management.rules", "0.20"),
            ("budget.execution_rate", "0.05"),
        ]
        assert document["deductions"][1]["explanation"]["zh"] == (
            "预算执行率：实际 99.49%，目标 ≥ 100.00%，完成率 99.49%，按完成比例计分；得 9.95 分（满分 10 分），扣 0.05 分。"
        )
        assert [node["score"] for node in document["indicators"]] == ["14.95", "40.00", "30.00", "14.80"]

    def test_markdown(self) -> None:
        """--format markdown has a heading, the total in bold and a table of the indicator tree."""
        status, out, err = perfscore("score", RULESET, SEED, "--format", "markdown")
        assert (status, err) == (0, "")
        lines = out.splitlines()
        assert lines[0] == "# 部门整体支出绩效自评（通用框架） (department-wide 2023.1)"
        assert "- **总分: 99.75** / 100" in lines
        assert "- 等级: 优" in lines
        table = lines.index("| 指标 | 分值 | 得分 | 扣分 |")
        assert lines[table + 1 : table + 4] == [
            "|---|---:|---:|---:|",
            "| **预算执行** | 15 | 14.95 | 0.05 |",
            "| \u2003预算执行率 | 10 | 9.95 | 0.05 |",
        ]
        assert "| **管理** | 15 | 14.80 | 0.20 |" in lines
        assert (
            "1. **−0.20** 管理制度健全性：发现 1 项制度不健全，每项扣 0.2 分，扣完为止；得 4.80 分（满分 5 分），扣 0.20 分。"
            in lines
        )


class TestExplain:
    """``perfscore explain`` prints the rule tree in words, in Chinese or English."""

    def test_chinese(self) -> None:
        """The tree, each leaf's points and a sentence on how it is scored, with the rounding and grades."""
        status, out, err = perfscore("explain", RULESET)
        assert (status, err) == (0, "")
        lines = out.splitlines()
        assert lines[0] == "部门整体支出绩效自评（通用框架） (department-wide 2023.1)"
        assert "计分规则: half-up, 2 位小数，逐项四舍五入后加总" in lines
        assert "等级划分: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 ≥ 0" in lines
        assert "  execution_rate = executed / budget" in lines
        start = lines.index("    预算执行率 [budget.execution_rate] — 10")
        assert lines[start + 2] == (
            "        比率法：实际 execution_rate 与目标 ≥ 1 比较，达到目标得满分，否则按 实际/目标 × 分值"
        )
        assert "        扣分法：每计 1 项（system_findings）扣 0.2 分，扣完为止" in lines

    def test_english(self) -> None:
        """--lang en explains the same tree in English."""
        status, out, err = perfscore("explain", RULESET, "--lang", "en")
        assert (status, err) == (0, "")
        lines = out.splitlines()
        assert "Rounding: half-up, 2 places, each indicator rounded, then summed" in lines
        assert "Grades: Excellent ≥ 90, Good ≥ 80, Fair ≥ 60, Poor ≥ 0" in lines
        assert "  Management [management] — 15" in lines
        assert "        boolean: full marks when disclosed holds, otherwise 0" in lines


class TestManyUnits:
    """A data file with [[units]]: each good unit is scored and printed; a bad one is reported, exit 3."""

    @pytest.fixture
    def units_file(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
        full = SEED_DATA.replace("system_findings = 1", "system_findings = 0").replace("2456.19", "2468.78")
        bad = full.replace('satisfaction = "达成"', 'satisfaction = "优秀"').replace(
            "disclosed = true", 'disclosed = "yes"'
        )
        two_findings = full.replace("compliance_findings = 0", "compliance_findings = 2")
        text = unit_table("a", "甲", full) + unit_table("b", "乙", bad) + unit_table("c", "丙", two_findings)
        (tmp_path / "units.toml").write_text(text, encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        return "units.toml"

    def test_text(self, units_file: str) -> None:
        """Good units are printed in full, the bad one's problems go to stderr, and a summary line ends it."""
        status, out, err = perfscore("score", str(ROOT / RULESET), units_file)
        assert status == 3
        assert "总分: 100.00 / 100    等级: 优" in out
        assert "总分: 98.00 / 100    等级: 优" in out  # 资金使用合规性 5 − 2 × 1
        lines = out.splitlines()
        assert "- units.toml#a: 100.00 优" in lines
        assert "- units.toml#c: 98.00 优" in lines
        assert lines[-1] == "共 3 个单位：2 个已计分，1 个失败（数据错误 1 个）"
        assert err == (
            "perfscore: units.toml#b: 数据有 2 处问题\n"
            "  units.toml#b: satisfaction: 应为以下档次之一：达成, 部分达成, 未达成，实际为 '优秀'"
            "（服务对象满意度（评定档次））\n"
            "  units.toml#b: disclosed: 应为 true 或 false（是/否），实际为 'yes'（预决算信息已按规定公开）\n"
        )
        assert "Traceback" not in out + err

    def test_json(self, units_file: str) -> None:
        """As JSON: one entry per unit in order, the bad one marked as a data error."""
        status, out, _ = perfscore("score", str(ROOT / RULESET), units_file, "--format", "json", "--lang", "en")
        assert status == 3
        document = json.loads(out)
        assert document["summary"] == "3 units: 2 scored, 1 failed (1 data error)"
        units = document["units"]
        assert [unit.get("total") for unit in units] == ["100.00", None, "98.00"]
        assert (units[1]["unit"], units[1]["name"], units[1]["error"]) == ("b", "乙", "data")


class TestBadInput:
    """Every mistake a user can make is one paragraph on stderr with exit 1 (2 for usage), never a traceback."""

    def test_missing_ruleset_file(self) -> None:
        """A ruleset path that does not exist: exit 1, one line naming the file."""
        assert perfscore("score", "rulesets/nope.toml", SEED, "--lang", "en") == (
            1,
            "",
            "perfscore: rulesets/nope.toml: cannot read the ruleset (No such file or directory)\n",
        )

    def test_missing_data_file(self) -> None:
        """A data path that does not exist: exit 1, one line naming the file."""
        assert perfscore("score", RULESET, "examples/nope.toml", "--lang", "en") == (
            1,
            "",
            "perfscore: examples/nope.toml: cannot read the data file (No such file or directory)\n",
        )

    def test_malformed_ruleset(self, tmp_path: Path) -> None:
        """A misspelt key and a wrong method: exit 1, each problem with the file, line, column and key path,
        then the line with a caret under the key."""
        path = tmp_path / "bad.toml"
        path.write_text(
            '[ruleset]\nid = "x"\ntitle = "t"\nversion = "1"\nsources = ["s"]\ntotal = 10\n\n'
            '[inputs.done]\ntype = "bool"\nlabel = "完成"\n\n'
            '[indicators.a]\nname = "甲"\npoints = 5\nmethod = "boolean"\nvalue = "done"\nexplian = "x"\n\n'
            '[indicators.b]\nname = "乙"\npoints = 5\nmethod = "booleen"\nvalue = "done"\n',
            encoding="utf-8",
        )
        status, out, err = perfscore("explain", str(path), "--lang", "en")
        assert (status, out) == (1, "")
        assert err == (
            f"perfscore: {path}: 2 problems in the ruleset\n"
            f"  {path}:17:1: indicators.a.explian: unknown key (did you mean 'explain'?)\n"
            '      17 | explian = "x"\n'
            "         | ^\n"
            f"  {path}:22:1: indicators.b.method: unknown method 'booleen'; expected one of"
            " ratio, bands, rating, deduction, boolean, formula (did you mean 'boolean'?)\n"
            '      22 | method = "booleen"\n'
            "         | ^\n"
        )

    def test_invalid_toml(self, tmp_path: Path) -> None:
        """A TOML syntax error names the file, line and column, and shows the line with a caret under the place."""
        path = tmp_path / "broken.toml"
        path.write_text("[ruleset\n", encoding="utf-8")
        assert perfscore("explain", str(path), "--lang", "en") == (
            1,
            "",
            f"perfscore: {path}: 1 problem in the ruleset\n"
            f"  {path}:1:9: invalid TOML: Expected ']' at the end of a table declaration\n"
            "      1 | [ruleset\n"
            "        |         ^\n",
        )

    def test_bad_data(self, tmp_path: Path) -> None:
        """Two wrong values in one unit: exit 1 and both problems, each naming the input and its label."""
        path = tmp_path / "unit.toml"
        path.write_text(
            SEED_DATA.replace("budget = 2468.78", 'budget = "lots"').replace(
                "goals_completed = 8", "goals_completed = 7.5"
            ),
            encoding="utf-8",
        )
        status, out, err = perfscore("score", RULESET, str(path), "--lang", "en")
        assert (status, out) == (1, "")
        assert err == (
            f"perfscore: {path}: 2 problems in the data\n"
            f"  {path}: budget: expected a number such as 1234.5 or 1,234.5, got 'lots' (全年预算数)\n"
            f"  {path}: goals_completed: expected a whole number, got 7.5 (已完成绩效目标数)\n"
        )
        assert "Traceback" not in err

    @pytest.mark.parametrize(
        "argv",
        [
            ["score", RULESET],
            ["frobnicate"],
            ["score", RULESET, SEED, "--format", "pdf"],
            [],
        ],
    )
    def test_usage_errors(self, argv: list[str]) -> None:
        """A missing argument, an unknown command or option value: exit 2 and nothing scored."""
        status, out, _ = perfscore(*argv)
        assert (status, out) == (2, "")

    def test_usage_message_goes_to_the_given_stderr(self, capsys: pytest.CaptureFixture[str]) -> None:
        """run() writes argparse's usage message to the stderr it was handed, not to sys.stderr."""
        status, _, err = perfscore("frobnicate", "--lang", "en")
        assert status == 2
        assert err.startswith("usage: perfscore")
        assert "invalid choice: 'frobnicate'" in err
        assert capsys.readouterr().err == ""


class TestConsoleScript:
    """The installed ``perfscore`` entry point runs ``perfscore.cli:main``."""

    def test_entry_point(self) -> None:
        """The console script scores the seed example as JSON and exits 0."""
        script = Path(sys.executable).with_name("perfscore")
        assert script.exists(), f"no console script next to {sys.executable}; is the package installed?"
        completed = subprocess.run(
            [str(script), "score", RULESET, SEED, "--format", "json"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
            timeout=60,
            check=False,
        )
        assert (completed.returncode, completed.stderr) == (0, "")
        assert json.loads(completed.stdout)["total"] == "99.75"

    def test_entry_point_exit_status(self) -> None:
        """A bad ruleset path gives exit status 1 from the real process too, with no traceback."""
        script = Path(sys.executable).with_name("perfscore")
        completed = subprocess.run(
            [str(script), "explain", "rulesets/nope.toml", "--lang", "en"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
            timeout=60,
            check=False,
        )
        assert completed.returncode == 1
        assert (
            completed.stderr == "perfscore: rulesets/nope.toml: cannot read the ruleset (No such file or directory)\n"
        )
