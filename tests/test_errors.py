"""Bad data: every problem with a unit's values is listed at once; scoring failures say where and why."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import perfscore
from helpers import HEADER, d, input_table, one_leaf, one_leaf_text
from perfscore import DataError, ScoringError

INPUTS = {
    "budget": {"type": "number", "label": "全年预算数", "min": 0},
    "executed": {"type": "number", "label": "全年执行数", "min": 0},
    "n": {"type": "count", "label": "事项数"},
    "rate": {"type": "percent", "label": "达标率", "min": 0, "max": 100},
    "ok": {"type": "bool", "label": "已公开"},
    "due": {"type": "date", "label": "完成日期"},
    "note": {"type": "text", "label": "说明"},
}
GOOD = {
    "budget": d("100"),
    "executed": d("90"),
    "n": 1,
    "rate": d("90"),
    "ok": True,
    "due": datetime.date(2023, 12, 31),
    "note": "无",
}


@pytest.fixture(scope="module")
def ruleset() -> perfscore.Ruleset:
    """One formula leaf reading executed / budget; the other inputs are declared so their values are checked."""
    return one_leaf("formula", inputs=INPUTS, formula="executed / budget * points")


def data_error(ruleset: perfscore.Ruleset, values: dict[str, Any], source: str | None = None) -> DataError:
    with pytest.raises(DataError) as caught:
        ruleset.score(values, unit=source)
    return caught.value


def message(*lines: str, source: str = "<string>") -> str:
    """The rendered error: a count line, then one indented line per problem."""
    count = len(lines)
    head = f"{source}: {count} problem{'s' if count != 1 else ''} in the data"
    return "\n".join([head, *(f"  {source}: {line}" for line in lines)])


def test_good_data_scores(ruleset: perfscore.Ruleset) -> None:
    """The baseline: 90 / 100 × 10 = 9."""
    assert ruleset.score(GOOD).total == d("9.00")


def test_every_missing_input_is_listed_at_once(ruleset: perfscore.Ruleset) -> None:
    """Empty data: all seven required inputs are named, each with its label."""
    assert str(data_error(ruleset, {})) == message(
        "budget: missing required input (全年预算数)",
        "executed: missing required input (全年执行数)",
        "n: missing required input (事项数)",
        "rate: missing required input (达标率)",
        "ok: missing required input (已公开)",
        "due: missing required input (完成日期)",
        "note: missing required input (说明)",
    )


def test_missing_and_invalid_and_unknown_together(ruleset: perfscore.Ruleset) -> None:
    """A missing input, two invalid ones and an unknown name: four messages in one error."""
    values = {**GOOD, "budget": d("-1"), "n": d("2.5"), "budgt": 1}
    del values["note"]
    error = data_error(ruleset, values, "unit.toml")
    assert len(error.problems) == 4
    assert [problem.location.path for problem in error.problems] == [("budget",), ("n",), ("note",), ("budgt",)]


def test_unknown_input_with_suggestion(ruleset: perfscore.Ruleset) -> None:
    """A misspelt input name is refused with the closest declared name."""
    assert str(data_error(ruleset, {**GOOD, "budgt": 1})) == message("budgt: unknown input (did you mean 'budget'?)")


def test_unknown_input_reported_when_a_defaulted_input_is_absent() -> None:
    """An input left to its default must not hide a misspelt one: {x, xx} with ok defaulted still flags xx."""
    ruleset = one_leaf("boolean", inputs={"ok": {"type": "bool", "default": True}, "x": "number"}, value="ok and x > 1")
    with pytest.raises(DataError) as caught:
        ruleset.score({"x": 2, "xx": 5})
    assert str(caught.value) == message("xx: unknown input (did you mean 'x'?)")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        pytest.param("budget", float("nan"), "missing required input", id="float nan (a blank)"),
        pytest.param("budget", float("inf"), "expected a finite number, got inf", id="float infinity"),
        pytest.param("budget", Decimal("NaN"), "missing required input", id="Decimal NaN (a blank)"),
        pytest.param("budget", Decimal("Infinity"), "expected a finite number, got Infinity",
                     id="Decimal Infinity"),
        pytest.param("budget", "NaN", "expected a number such as 1234.5 or 1,234.5, got 'NaN'", id="text NaN"),
        pytest.param(
            "budget", "Infinity", "expected a number such as 1234.5 or 1,234.5, got 'Infinity'", id="text Infinity"
        ),
        pytest.param("budget", True, "expected a number, got true", id="bool for a number"),
        pytest.param("budget", "1,00", "expected a number such as 1234.5 or 1,234.5, got '1,00'", id="bad grouping"),
        pytest.param("budget", d("-1"), "expected at least 0, got -1", id="negative where min = 0"),
        pytest.param("n", -1, "expected at least 0, got -1", id="count below 0"),
        pytest.param("n", False, "expected a number, got false", id="bool for a count"),
        pytest.param("rate", d("100.1"), "expected at most 100, got 100.1", id="percent above max"),
        pytest.param("ok", 1, "expected true or false (是/否), got 1", id="1 for a bool"),
        pytest.param("ok", "yes", "expected true or false (是/否), got 'yes'", id="text for a bool"),
        pytest.param("due", "2023-13-01", "'2023-13-01' is not a date (month must be in 1..12)", id="month 13"),
        pytest.param(
            "due", 20231201, "expected a date such as 2023-09-30 or 2023年9月30日, got 20231201", id="number for a date"
        ),
        pytest.param("note", 5, "expected text, got 5", id="number for text"),
    ],
)
def test_invalid_values(ruleset: perfscore.Ruleset, name: str, value: Any, expected: str) -> None:
    """Each value that does not fit its input is refused with what was expected, what came, and the label."""
    label = INPUTS[name]["label"]
    assert str(data_error(ruleset, {**GOOD, name: value})) == message(f"{name}: {expected} ({label})")


def test_count_not_whole_from_a_data_file(ruleset: perfscore.Ruleset, tmp_path: Path) -> None:
    """n = 1.5 in a TOML data file: the message shows 1.5 as written, not Python's Decimal('1.5')."""
    path = tmp_path / "unit.toml"
    path.write_text("budget = 100\nexecuted = 90\nn = 1.5\nrate = 90\nok = true\ndue = 2023-12-31\nnote = '无'\n")
    (unit,) = perfscore.read_units(path)
    assert str(data_error(ruleset, dict(unit.values))) == message("n: expected a whole number, got 1.5 (事项数)")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-12-01", datetime.date(2023, 12, 1)),
        (" 2023-12-01 ", datetime.date(2023, 12, 1)),
        (datetime.datetime(2023, 12, 1, 9, 30), datetime.date(2023, 12, 1)),
    ],
)
def test_dates_accepted(ruleset: perfscore.Ruleset, value: Any, expected: datetime.date) -> None:
    """ISO text and datetimes are accepted as dates (a datetime keeps its date)."""
    assert ruleset.score({**GOOD, "due": value}).values["due"] == expected


@pytest.mark.parametrize(("text", "value"), [("  12.5 ", "12.5"), ("1e2", "100"), ("+3", "3")])
def test_numbers_as_text(ruleset: perfscore.Ruleset, text: str, value: str) -> None:
    """A plain number written as text is read exactly."""
    assert ruleset.score({**GOOD, "budget": text}).values["budget"] == d(value)


def test_division_by_zero_in_a_derived_value() -> None:
    """budget = 0 makes executed / budget fail: a ScoringError with the derived value's path and a caret."""
    ruleset = one_leaf(
        "ratio", inputs={"budget": "number", "executed": "number"}, derived={"rate": "executed / budget"},
        actual="rate", target=1,
    )  # fmt: skip
    with pytest.raises(ScoringError) as caught:
        ruleset.score({"budget": d("0"), "executed": d("90")})
    assert str(caught.value) == (
        "<string>: derived.rate: formula failed: division by zero\n    executed / budget\n    ^~~~~~~~~~~~~~~~~"
    )
    assert isinstance(caught.value, ArithmeticError)
    assert caught.value.problem.location.path == ("derived", "rate")


def test_division_by_zero_in_a_leaf_formula(ruleset: perfscore.Ruleset) -> None:
    """The caret covers the failing division, not the whole formula: `executed / budget` of `… * points`."""
    with pytest.raises(ScoringError) as caught:
        ruleset.score({**GOOD, "budget": d("0")})
    assert str(caught.value) == (
        "<string>: indicators.item.formula: formula failed: division by zero\n"
        "    executed / budget * points\n"
        "    ^~~~~~~~~~~~~~~~~"
    )


# --- missing data policies -------------------------------------------------------------------

POLICY_RULESET = """
[inputs.budget]
label = "全年预算数"
[inputs.executed]
label = "全年执行数"
[inputs.n]
type = "count"
label = "事项数"

[derived]
rate = "executed / budget"

[indicators.exec]
name = "预算执行率"
name_en = "Budget execution rate"
points = 10
method = "ratio"
actual = "rate"
target = 1

[indicators.rules]
name = "管理制度"
name_en = "Rules"
points = 10
method = "deduction"
count = "n"
each = 1
"""


def policy(missing: str | None) -> perfscore.Ruleset:
    extra = f'missing = "{missing}"\n' if missing else ""
    return perfscore.loads(HEADER.format(total=20) + extra + POLICY_RULESET)


def test_missing_zero_policy_scores_the_leaf_zero_and_says_why() -> None:
    """missing = "zero": without executed, 预算执行率 (which needs it through rate) scores 0; 管理制度 is unaffected."""
    result = policy("zero").score({"budget": d("100"), "n": 2})
    exec_item, rules = result.items
    assert (exec_item.score, exec_item.missing) == (d("0"), ("executed",))
    assert exec_item.explanation == "预算执行率：未提供数据（全年执行数），按 0 分计；得 0.00 分（满分 10 分），扣 10.00 分。"
    assert exec_item.explanation_en == (
        "Budget execution rate: no data supplied (全年执行数): scored 0; 0.00 of 10 points, 10.00 lost."
    )
    assert rules.score == d("8.00")  # 10 − 2 × 1
    assert result.total == d("8.00")


def test_default_policy_is_strict() -> None:
    """Without a policy the same data is refused, naming the missing input."""
    with pytest.raises(DataError) as caught:
        policy(None).score({"budget": d("100"), "n": 2})
    assert str(caught.value) == "<string>: 1 problem in the data\n  <string>: executed: missing required input (全年执行数)"


def test_optional_input_in_a_strict_ruleset() -> None:
    """required = false makes one input optional even under the strict policy; its leaf scores 0 when it is absent."""
    text = HEADER.format(total=10) + input_table("x", {"type": "number", "required": False})
    text += '[indicators.item]\nname = "测试指标"\npoints = 10\nmethod = "ratio"\nactual = "x"\ntarget = 1\n'
    item = perfscore.loads(text).score({}).item("item")
    assert (item.score, item.missing) == (d("0"), ("x",))


@pytest.mark.parametrize(("values", "score"), [({}, "10.00"), ({"ok": False}, "0.00")])
def test_defaults(values: dict[str, Any], score: str) -> None:
    """An input with default = true is taken as true when absent; a given value overrides it."""
    ruleset = one_leaf("boolean", inputs={"ok": {"type": "bool", "default": True}}, value="ok")
    assert ruleset.score(values).total == d(score)


def test_default_that_does_not_fit_is_a_ruleset_error() -> None:
    """A default outside its input's range is caught at load."""
    with pytest.raises(perfscore.RulesetError) as caught:
        one_leaf("ratio", inputs={"x": {"type": "number", "min": 0, "default": -1}}, actual="x", target=1)
    assert str(caught.value) == (
        "<string>: 1 problem in the ruleset\n"
        "  <string>: inputs.x.default: default does not fit the input: expected at least 0, got -1"
    )


# --- many units --------------------------------------------------------------------------------


def test_score_many_scores_the_good_units_and_reports_the_bad_one() -> None:
    """Three units, the second with a negative count: two are scored, and the summary says one failed."""
    ruleset = policy(None)
    batch = ruleset.score_many([
        {"budget": d("100"), "executed": d("90"), "n": 2},  # 9 + 8 = 17
        {"budget": d("100"), "executed": d("90"), "n": -1},
        {"budget": d("100"), "executed": d("100"), "n": 0},  # 10 + 10 = 20
    ])  # fmt: skip
    assert [result.total for result in batch.results] == [d("17.00"), d("20.00")]
    (failed,) = batch.errors
    assert failed.unit == "2"
    assert failed.to_dict() == {
        "unit": "2",
        "name": None,
        "error": "data",
        "message": "2: 1 problem in the data\n  2: n: expected at least 0, got -1 (事项数)",
        "messages": {
            "zh": "2: 数据有 1 处问题\n  2: n: 应不小于 0，实际为 -1（事项数）",
            "en": "2: 1 problem in the data\n  2: n: expected at least 0, got -1 (事项数)",
        },
        "problems": [
            {
                "code": "invalid-input",
                "meaning": {"zh": "输入值不符合要求", "en": "an input value that does not fit its input"},
                "severity": "error",
                "message": {"zh": "应不小于 0，实际为 -1（事项数）", "en": "expected at least 0, got -1 (事项数)"},
                "suggestion": None,
                "excerpt": None,
                "file": "2",
                "path": "n",
                "keys": ["n"],
                "line": None,
                "column": None,
                "span": None,
            }
        ],
    }
    assert batch.summary() == "3 units: 2 scored, 1 failed (1 data error)"


def test_score_many_counts_scoring_errors_apart() -> None:
    """A division by zero is a scoring error, bad data a data error; both are counted."""
    batch = policy(None).score_many([
        {"budget": d("0"), "executed": d("90"), "n": 0},
        {"budget": d("100"), "executed": d("90")},
        {"budget": d("100"), "executed": d("90"), "n": 0},
    ])  # fmt: skip
    assert batch.summary() == "3 units: 1 scored, 2 failed (1 data error, 1 scoring error)"


def test_score_many_from_a_data_file(tmp_path: Path) -> None:
    """Units read from [[units]] keep their ids; the bad one is reported by its id and file."""
    path = tmp_path / "units.toml"
    path.write_text(
        '[[units]]\nid = "a"\nname = "甲"\ndata = { budget = 100, executed = 90, n = 0 }\n'
        '[[units]]\nid = "b"\nname = "乙"\ndata = { budget = 100, executed = 90, n = 1.5 }\n',
        encoding="utf-8",
    )
    batch = policy(None).score_many(perfscore.read_units(path))
    assert [result.total for result in batch.results] == [d("19.00")]
    (failed,) = batch.errors
    assert (failed.unit, failed.name, failed.kind) == ("b", "乙", "data")
    assert str(failed.error).startswith(f"{path}#b: 1 problem in the data\n  {path}#b: n: expected a whole number")
    assert batch.summary() == "2 units: 1 scored, 1 failed (1 data error)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"budget": NaN}', "invalid JSON: NaN is not a number perfscore accepts"),
        ('{"budget": Infinity}', "invalid JSON: Infinity is not a number perfscore accepts"),
    ],
)
def test_json_data_refuses_nan_and_infinity(tmp_path: Path, text: str, expected: str) -> None:
    """JSON's non-standard NaN and Infinity are refused when the file is read."""
    path = tmp_path / "unit.json"
    path.write_text(text)
    with pytest.raises(DataError) as caught:
        perfscore.read_units(path)
    assert str(caught.value) == f"{path}: 1 problem in the data\n  {path}: {expected}"


def test_error_classes() -> None:
    """Callers can catch what they already catch: ValueError for bad input, ArithmeticError for scoring."""
    assert issubclass(DataError, ValueError) and issubclass(DataError, perfscore.PerfscoreError)
    assert issubclass(perfscore.RulesetError, ValueError)
    assert issubclass(ScoringError, ArithmeticError) and issubclass(ScoringError, perfscore.PerfscoreError)
    assert issubclass(perfscore.UnreadableFileError, OSError)


# --- errors as data ---------------------------------------------------------------------------------


DIVIDES = perfscore.loads(one_leaf_text("formula", inputs={"x": "number", "y": "number"}, formula="x / y"))


def error_of(action: Any) -> perfscore.PerfscoreError:
    """The PerfscoreError ``action()`` raises."""
    with pytest.raises(perfscore.PerfscoreError) as caught:
        action()
    return caught.value


@pytest.mark.parametrize(
    ("kind", "action", "codes"),
    [
        ("RulesetError", lambda: perfscore.loads("[ruleset]\nid = 1", source="r.toml"), ["invalid-value", "missing-key", "missing-key", "missing-key", "not-a-table"]),
        ("DataError", lambda: policy(None).score({"budget": d("100"), "executed": "九十", "n": 1}, unit="u1"), ["invalid-input"]),
        ("ScoringError", lambda: DIVIDES.score({"x": 1, "y": 0}, unit="u1"), ["division-by-zero"]),
        ("UnreadableFileError", lambda: perfscore.load("no-such-file.toml"), []),
    ],
    ids=["ruleset", "data", "scoring", "unreadable"],
)
def test_every_error_is_data(kind: str, action: Any, codes: list[str] | None) -> None:
    """Every PerfscoreError has to_dict(): its kind, its whole message, and each located problem as data (JSON as it stands)."""
    error = error_of(action)
    data = json.loads(json.dumps(error.to_dict(), ensure_ascii=False))
    assert (data["error"], data["message"]) == (kind, str(error))
    if codes is not None:
        assert [problem["code"] for problem in data["problems"]] == codes
    for problem in data["problems"]:
        assert set(problem) == {"code", "meaning", "severity", "message", "suggestion", "excerpt", "file", "path",
                                "keys", "line", "column", "span"}  # fmt: skip
        assert problem["meaning"]["zh"] and problem["meaning"]["en"] and problem["message"]["en"]
        assert problem["message"]["zh"]  # every problem perfscore raises says it in Chinese too
