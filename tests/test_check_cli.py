"""``perfscore check``: diagnostics grouped by file with a summary line, or JSON for tools; exit 1
on any error-level diagnostic; never a traceback; ``--properties`` runs perfscore.testing's checks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import perfscore
from helpers import ROOT, one_leaf_text
from perfscore.cli import run

BAND_GAP = "tests/broken/band-gap.toml"
UNKNOWN_NAME = "tests/broken/unknown-name.toml"
DEPARTMENT = "rulesets/department-wide.toml"

DEPARTMENT_CLEAN = "rulesets/department-wide.toml: no problems found\n"
DIVISOR = "tests/broken/divisor-may-be-zero.toml"
DIVISOR_WARNING = """\
tests/broken/divisor-may-be-zero.toml
  derived.execution_rate: warning[divisor-may-be-zero]: budget may be 0 (inputs.budget has min = 0); declare min > 0 or guard the formula (… if budget > 0 else …)
      executed / budget
                 ^~~~~~
"""


def check(*argv: str) -> tuple[int, str, str]:
    """Run ``perfscore check`` from the repository root; return its status, stdout and stderr. It speaks
    English unless the test asks for a language (Chinese, the default, is tested in test_languages.py)."""
    out, err = io.StringIO(), io.StringIO()
    status = run(["check", *argv, *([] if "--lang" in argv else ["--lang", "en"])], out, err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _in_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    """A ruleset with nothing to report."""
    path = tmp_path / "clean.toml"
    inputs = {"rate": {"type": "percent", "min": 0, "max": 100}}
    path.write_text(one_leaf_text("ratio", inputs=inputs, actual="rate", target=95), encoding="utf-8")
    return path


def test_a_clean_ruleset(clean: Path) -> None:
    """No diagnostics: one line for the file, the summary, exit 0."""
    assert check(str(clean)) == (0, f"{clean}: no problems found\n1 file checked: 0 errors, 0 warnings, 0 info\n", "")


def test_warnings_alone_exit_zero() -> None:
    """Warnings are printed under their file with carets under spans, but do not fail the check."""
    assert check(DIVISOR) == (0, DIVISOR_WARNING + "1 file checked: 0 errors, 1 warning, 0 info\n", "")


def test_errors_in_several_files_exit_one() -> None:
    """Each file's diagnostics under its name; loader problems and lint findings alike; exit 1."""
    expected = (
        "tests/broken/band-gap.toml\n"
        "  indicators.item.bands: error[band-gap]: values in [60, 70) fall in no band, and scoring a unit whose "
        "value is there fails; the value rate ranges over [0, 100]\n"
        "tests/broken/unknown-name.toml\n"
        "  indicators.item.actual: error[unknown-name]: unknown name 'rat' (did you mean 'rate'?)\n"
        "      rat\n"
        "      ^~~\n" + DIVISOR_WARNING + DEPARTMENT_CLEAN + "4 files checked: 2 errors, 1 warning, 0 info\n"
    )
    assert check(BAND_GAP, UNKNOWN_NAME, DIVISOR, DEPARTMENT) == (1, expected, "")


def test_an_info_is_counted_but_does_not_fail() -> None:
    """An info diagnostic (a range that could not be proved) is shown and counted; exit 0."""
    status, out, _ = check("tests/broken/formula-range-unproven.toml")
    assert status == 0
    assert out.endswith("1 file checked: 0 errors, 0 warnings, 1 info\n")


def test_a_missing_file_is_a_diagnostic_not_a_traceback() -> None:
    """A file that cannot be read is one error under its name; the other files are still checked."""
    expected = (
        "missing.toml\n"
        "  (file): error[unreadable-file]: cannot read the ruleset (No such file or directory)\n"
        "tests/broken/unused-input.toml\n"
        "  inputs.spare: warning[unused-input]: inputs.spare (备用数) is not read by any indicator, directly or "
        "through a derived value; score it or remove it\n"
        "2 files checked: 1 error, 1 warning, 0 info\n"
    )
    assert check("missing.toml", "tests/broken/unused-input.toml") == (1, expected, "")


def test_json_output_parses() -> None:
    """--format json: every file with its diagnostics as data, and the counts."""
    status, out, err = check("--format", "json", BAND_GAP, DIVISOR)
    document = json.loads(out)
    assert (status, err) == (1, "")
    assert document["summary"] == {"files": 2, "errors": 1, "warnings": 1, "info": 0}
    assert [entry["file"] for entry in document["files"]] == [BAND_GAP, DIVISOR]
    assert document["files"][0]["diagnostics"] == [
        {
            "code": "band-gap",
            "meaning": {"zh": "部分取值不在任何区间内", "en": "values that fall in no band"},
            "severity": "error",
            "message": {
                "zh": "[60, 70) 中的值不在任何区间内，取值落在那里的单位计分会失败；取值 rate 的范围为 [0, 100]",
                "en": "values in [60, 70) fall in no band, and scoring a unit whose value is there fails; the value "
                "rate ranges over [0, 100]",
            },
            "suggestion": None,
            "excerpt": "    21 | bands = [\n       | ^",
            "file": BAND_GAP,
            "path": "indicators.item.bands",
            "keys": ["indicators", "item", "bands"],
            "line": 21,  # bands = [ …
            "column": 1,
            "span": None,
        }
    ]
    spans = [d["span"] for d in document["files"][1]["diagnostics"]]
    assert spans == [
        {"expression": "executed / budget", "start": 11, "end": 17},
    ]


def test_json_for_a_clean_ruleset(clean: Path) -> None:
    """A clean file is listed with no diagnostics; exit 0."""
    status, out, _ = check("--format", "json", str(clean))
    assert (status, json.loads(out)) == (
        0,
        {
            "files": [{"file": str(clean), "diagnostics": []}],
            "summary": {"files": 1, "errors": 0, "warnings": 0, "info": 0},
        },
    )


def test_check_needs_a_ruleset() -> None:
    """No file named: argparse's usage message and exit 2."""
    status, out, err = check()
    assert (status, out) == (2, "")
    assert err.endswith("perfscore check: error: the following arguments are required: RULESET\n")


def test_the_installed_command_prints_no_traceback(tmp_path: Path) -> None:
    """Run as a process on a file that is not TOML: the diagnostic, exit 1, nothing on stderr."""
    path = tmp_path / "garbage.toml"
    path.write_bytes(b"\x00\x01[[[")
    process = subprocess.run(
        [sys.executable, "-m", "perfscore.cli", "check", str(path), "--lang", "en"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (process.returncode, process.stderr) == (1, "")
    assert "error[toml-syntax]" in process.stdout
    assert "Traceback" not in process.stdout


# --- --properties ------------------------------------------------------------------------------


def test_properties_without_hypothesis_say_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """When perfscore.testing cannot be imported (hypothesis missing): one paragraph on stderr, exit 1."""
    monkeypatch.setitem(sys.modules, "perfscore.testing", None)  # makes the import fail as a missing module would
    assert check("--properties", DEPARTMENT) == (
        1,
        "",
        "perfscore: the property checks need hypothesis, which is not installed; "
        "install it with: pip install 'perfscore[testing]'\n",
    )


def property_report(path: str, examples: int, seed: int) -> Any:
    """The report perfscore.testing gives for the ruleset at ``path``."""
    from perfscore.testing import check_properties

    return check_properties(perfscore.load(path), examples=examples, seed=seed)


def test_properties_follow_the_static_checks() -> None:
    """--properties prints each file's property report under its diagnostics, then a line of totals."""
    report = property_report(DEPARTMENT, 20, 7)
    status, out, err = check("--properties", "--examples", "20", "--seed", "7", DEPARTMENT, "--lang", "zh")
    rendered = "  " + report.render("zh").rstrip("\n").replace("\n", "\n  ") + "\n"
    passed = "1 项通过，0 项失败" if report.ok else "0 项通过，1 项失败"
    assert (status, err) == (0 if report.ok else 1, "")
    assert out == (
        DEPARTMENT + "\n" + rendered + f"已检查 1 个文件：错误 0 个，警告 0 个，提示 0 个\n性质检查：{passed}\n"
    )


def test_properties_in_english_and_json() -> None:
    """--lang en renders the report in English; --format json puts report.to_dict() under the file."""
    report = property_report(DEPARTMENT, 10, 3)
    _, out, _ = check("--properties", "--examples", "10", "--seed", "3", "--lang", "en", DEPARTMENT)
    assert "  " + report.render("en").rstrip("\n").replace("\n", "\n  ") + "\n" in out
    _, out, _ = check("--properties", "--examples", "10", "--seed", "3", "--format", "json", DEPARTMENT)
    document = json.loads(out)
    assert document["files"][0]["properties"] == json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert document["summary"]["properties_failed"] == (0 if report.ok else 1)


def test_properties_are_not_run_on_a_ruleset_that_does_not_load() -> None:
    """A ruleset with loader errors gets its diagnostics only; the check fails on them."""
    status, out, _ = check("--properties", "--examples", "5", UNKNOWN_NAME)
    assert status == 1
    assert out == (
        "tests/broken/unknown-name.toml\n"
        "  indicators.item.actual: error[unknown-name]: unknown name 'rat' (did you mean 'rate'?)\n"
        "      rat\n"
        "      ^~~\n"
        "1 file checked: 1 error, 0 warnings, 0 info\n"
        "property checks: 0 passed, 0 failed, 1 not run (the ruleset did not load)\n"
    )


def test_the_json_shown_in_the_docs_is_what_check_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/consistency.md's --format json example: its first diagnostic is exactly what check gives for gap.toml."""
    page = (ROOT / "docs" / "consistency.md").read_text(encoding="utf-8")
    (tmp_path / "gap.toml").write_text(page.split("```toml\n", 1)[1].split("```", 1)[0], encoding="utf-8")
    shown = page.split('"diagnostics": [\n', 1)[1].split("        },\n        …", 1)[0] + "}"
    monkeypatch.chdir(tmp_path)
    _, out, _ = check("--format", "json", "gap.toml")
    assert json.loads(out)["files"][0]["diagnostics"][0] == json.loads(shown)
