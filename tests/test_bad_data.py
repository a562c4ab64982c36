"""Bad and careless data: numbers typed as text, non-numbers, values out of range or above another
input, dates in Chinese forms, yes/no words, divisions by zero with and without a fallback, batches
with several bad units, and rulesets too large, too deep or with look-alike keys. Every refusal names
the input (or the key) and says what was expected; nothing is guessed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import perfscore
from helpers import HEADER, input_table, one_leaf_text, table
from perfscore import DataError, Limits, RulesetError, ScoringError, UnreadableFileError
from perfscore.report import RENDERERS

UNIT = "甲单位"
SOURCE = "rules.toml"

#: Every kind of input, with its label, the way a unit's data is checked against them.
INPUTS: dict[str, dict[str, Any]] = {
    "budget": {"type": "number", "label": "全年预算数", "min": 0},
    "executed": {"type": "number", "label": "全年执行数", "min": 0, "max": "budget"},
    "change": {"type": "number", "label": "变动数"},
    "rate": {"type": "percent", "label": "合格率", "min": 0, "max": 100},
    "share": {"type": "percent", "label": "占比"},
    "staff": {"type": "count", "label": "在职人数"},
    "finished": {"type": "date", "label": "完成日期"},
    "published": {"type": "bool", "label": "已公开"},
}
GOOD: dict[str, Any] = {
    "budget": Decimal("2468.78"),
    "executed": Decimal("2456.19"),
    "change": Decimal(0),
    "rate": Decimal(95),
    "share": Decimal(10),
    "staff": 49,
    "finished": datetime.date(2023, 12, 15),
    "published": True,
}
RULESET = perfscore.loads(one_leaf_text("ratio", inputs=INPUTS, actual="executed", target="budget"), source=SOURCE)


def converted(name: str, value: Any) -> Any:
    """The value a unit's data ends up with for ``name`` after it is checked."""
    return RULESET.score({**GOOD, name: value}, unit=UNIT).values[name]


def refusal(name: str, value: Any) -> str:
    """The full DataError message for giving ``value`` to ``name`` (all other data good)."""
    with pytest.raises(DataError) as caught:
        RULESET.score({**GOOD, name: value}, unit=UNIT)
    return str(caught.value)


def one_problem(name: str, message: str) -> str:
    """A DataError with one problem, as a user reads it."""
    label = INPUTS[name]["label"]
    return f"{UNIT}: 1 problem in the data\n  {UNIT}: {name}: {message} ({label})"


def test_good_data_scores() -> None:
    """The data every case below changes one value of is itself valid."""
    assert RULESET.score(GOOD).total == Decimal("9.95")


# --- numbers typed as text -----------------------------------------------------------------------

#: (input, text, the number it reads as)
NUMBER_TEXT_ACCEPTED = [
    ("change", " 95 ", "95"),
    ("change", "\u300095\u3000", "95"),  # ideographic spaces around it
    ("change", "９５", "95"),
    ("change", "－３", "-3"),
    ("change", "１２．５", "12.5"),
    ("change", "+5", "5"),
    ("change", "1,234.5", "1234.5"),
    ("change", "1,234,567.891", "1234567.891"),
    ("change", "１，２３４", "1234"),
    ("change", "1e3", "1E+3"),
    ("rate", "95%", "95"),
    ("rate", "９５％", "95"),
    ("rate", "95 %", "95"),
    ("rate", "0.95", "0.95"),  # the declared unit decides: 0.95 percentage points, not 95
    ("rate", "100%", "100"),
    ("staff", "49", "49"),
    ("staff", "４９", "49"),
]


@pytest.mark.parametrize(("name", "text", "number"), NUMBER_TEXT_ACCEPTED, ids=[c[1] for c in NUMBER_TEXT_ACCEPTED])
def test_numbers_typed_as_text_are_read_exactly(name: str, text: str, number: str) -> None:
    """Spaces, full-width forms, thousands separators and a percent sign read as the plain number."""
    value = converted(name, text)
    assert (type(value), str(value)) == (Decimal, number)


NOT_A_NUMBER = "expected a number such as 1234.5 or 1,234.5, got"
NOT_A_PERCENT = "expected a number such as 1234.5 or 1,234.5 or 95%, got"

#: (input, value, message) — each refused, naming the input
NUMBER_REFUSED = [
    ("change", "95万元", f"{NOT_A_NUMBER} '95万元'"),
    ("change", "约300", f"{NOT_A_NUMBER} '约300'"),
    ("change", "abc", f"{NOT_A_NUMBER} 'abc'"),
    ("change", "", f"{NOT_A_NUMBER} ''"),
    ("change", "   ", f"{NOT_A_NUMBER} '   '"),
    ("change", "1,23", f"{NOT_A_NUMBER} '1,23'"),
    ("change", "1,2345", f"{NOT_A_NUMBER} '1,2345'"),
    ("change", ",123", f"{NOT_A_NUMBER} ',123'"),
    ("change", "12,34,567", f"{NOT_A_NUMBER} '12,34,567'"),  # Indian grouping is not thousands
    ("change", "95%", f"{NOT_A_NUMBER} '95%'"),  # a percent sign only on a percent input
    ("change", "0x10", f"{NOT_A_NUMBER} '0x10'"),
    ("change", "1_000", f"{NOT_A_NUMBER} '1_000'"),
    ("change", "NaN", f"{NOT_A_NUMBER} 'NaN'"),
    ("change", "nan", f"{NOT_A_NUMBER} 'nan'"),
    ("change", "inf", f"{NOT_A_NUMBER} 'inf'"),
    ("change", "-Infinity", f"{NOT_A_NUMBER} '-Infinity'"),
    ("change", "10²", f"{NOT_A_NUMBER} '10²'"),  # NFKC would read 102
    ("change", "①", f"{NOT_A_NUMBER} '①'"),  # NFKC would read 1
    ("change", "٣", f"{NOT_A_NUMBER} '٣'"),  # an Arabic-Indic digit is not an ASCII one after NFKC
    ("change", "1e5000", "the number '1e5000' is too large"),
    ("rate", "95%%", f"{NOT_A_PERCENT} '95%%'"),
    ("rate", "%95", f"{NOT_A_PERCENT} '%95'"),
    ("rate", "95‰", f"{NOT_A_PERCENT} '95‰'"),
]


@pytest.mark.parametrize(("name", "value", "message"), NUMBER_REFUSED, ids=[repr(c[1]) for c in NUMBER_REFUSED])
def test_text_that_is_not_a_plain_number_is_refused(name: str, value: Any, message: str) -> None:
    """Units, words, odd separators, NaN, infinities, other notations: refused, naming the input."""
    assert refusal(name, value) == one_problem(name, message)


# --- values that are not numbers, or are out of range ----------------------------------------------------

#: (input, value, message)
VALUE_REFUSED = [
    ("change", float("nan"), "missing required input"),  # NaN is a blank: the missing-data policy applies
    ("change", float("inf"), "expected a finite number, got inf"),
    ("change", float("-inf"), "expected a finite number, got -inf"),
    ("change", Decimal("NaN"), "missing required input"),  # a quiet Decimal NaN too (a signalling one is refused)
    ("change", Decimal("sNaN"), "expected a finite number, got sNaN"),
    ("change", Decimal("-Infinity"), "expected a finite number, got -Infinity"),
    ("change", True, "expected a number, got true"),
    ("change", False, "expected a number, got false"),
    ("change", [1], "expected a number, got [1]"),
    ("change", {"value": 1}, "expected a number, got {value = 1}"),
    ("change", 10**40, f"the number {10**40} is too large"),
    ("budget", -1, "expected at least 0, got -1"),
    ("budget", "－１", "expected at least 0, got -1"),
    ("budget", Decimal("-0.01"), "expected at least 0, got -0.01"),
    ("rate", 101, "expected at most 100, got 101"),
    ("rate", "100.5%", "expected at most 100, got 100.5"),
    ("rate", -5, "expected at least 0, got -5"),
    ("staff", "3.5", "expected a whole number, got '3.5'"),
    ("staff", -1, "expected at least 0, got -1"),
    ("staff", True, "expected a number, got true"),
]


@pytest.mark.parametrize(("name", "value", "message"), VALUE_REFUSED, ids=[repr(c[1]) for c in VALUE_REFUSED])
def test_values_that_are_not_numbers_or_out_of_range_are_refused(name: str, value: Any, message: str) -> None:
    """NaN, infinities, booleans, lists, huge numbers, and values outside min/max: refused, never guessed."""
    assert refusal(name, value) == one_problem(name, message)


def test_a_percent_input_takes_percentage_points() -> None:
    """With min 0 / max 100, 95 is 95%; 0.95 is 0.95% (the declared unit decides); 9500 is refused, not divided."""
    assert (converted("rate", 95), converted("rate", Decimal("0.95"))) == (Decimal(95), Decimal("0.95"))
    assert refusal("rate", 9500) == one_problem("rate", "expected at most 100, got 9500")


@pytest.mark.parametrize("digits", [4301, 5000])
def test_an_integer_beyond_pythons_string_limit_is_refused(digits: int) -> None:
    """A Python int too long to print (over 4300 digits) is a DataError like any too-large number."""
    with pytest.raises(DataError) as caught:
        RULESET.score({**GOOD, "change": 10**digits}, unit=UNIT)
    (problem,) = caught.value.problems
    assert (problem.location.path, problem.code) == (("change",), "invalid-input")
    assert problem.message.endswith(" digits is too large (变动数)")
    assert problem.message.count("number") == 1  # said once: not "the number a number of …"


def test_a_very_long_text_value_is_refused() -> None:
    """A text value over 10,000 characters is refused before anything reads it."""
    ruleset = perfscore.loads(one_leaf_text("boolean", inputs={"status": "text"}, value="status == '完成'"))
    with pytest.raises(DataError) as caught:
        ruleset.score({"status": "完" * 10_001}, unit=UNIT)
    assert (
        str(caught.value)
        == f"{UNIT}: 1 problem in the data\n  {UNIT}: status: text is longer than 10000 characters (status)"
    )


# --- bounds naming another input ----------------------------------------------------------------------


def test_executed_above_the_budget_is_refused() -> None:
    """max = "budget": 2500 executed of a 2468.78 budget is a DataError naming both."""
    assert refusal("executed", 2500) == (
        f"{UNIT}: 1 problem in the data\n  {UNIT}: executed: expected at most budget (2468.78), got 2500 (全年执行数)"
    )


@pytest.mark.parametrize("executed", [Decimal("2468.79"), "2,468.79", 2469])
def test_the_bound_holds_on_every_path(executed: Any) -> None:
    """The same refusal whether the value arrives as a Decimal, an int or text (fast and slow validation)."""
    with pytest.raises(DataError) as caught:
        RULESET.score({**GOOD, "executed": executed})
    assert [problem.location.path for problem in caught.value.problems] == [("executed",)]


def test_executed_equal_to_the_budget_is_accepted() -> None:
    """The bound is inclusive: executing the whole budget is fine."""
    assert RULESET.score({**GOOD, "executed": GOOD["budget"]}).total == Decimal("10.00")


def test_a_bad_bounding_value_gives_one_problem_not_two() -> None:
    """When the budget itself is refused, executed is not also reported against it."""
    assert refusal("budget", "abc") == one_problem("budget", f"{NOT_A_NUMBER} 'abc'")


def test_a_lower_bound_may_name_another_input() -> None:
    """min = "low": a high value below the low one is refused the same way."""
    inputs = {"low": {"type": "number", "label": "下限"}, "high": {"type": "number", "label": "上限", "min": "low"}}
    ruleset = perfscore.loads(one_leaf_text("ratio", inputs=inputs, actual="high", target=1))
    with pytest.raises(DataError) as caught:
        ruleset.score({"low": 5, "high": 3}, unit=UNIT)
    assert (
        str(caught.value) == f"{UNIT}: 1 problem in the data\n  {UNIT}: high: expected at least low (5), got 3 (上限)"
    )


def test_a_bound_must_name_another_number_input() -> None:
    """A misspelt bound is a RulesetError with a suggestion, at load."""
    inputs = {**INPUTS, "executed": {**INPUTS["executed"], "max": "budgte"}}
    with pytest.raises(RulesetError) as caught:
        perfscore.loads(one_leaf_text("ratio", inputs=inputs, actual="executed", target="budget"), source=SOURCE)
    assert str(caught.value) == (
        f"{SOURCE}: 1 problem in the ruleset\n"
        f"  {SOURCE}: inputs.executed.max: 'budgte' is not another number input, so it cannot bound executed"
        " (did you mean 'budget'?)"
    )


# --- dates ---------------------------------------------------------------------------------------------

DATES_ACCEPTED = [
    datetime.date(2023, 9, 30),
    datetime.datetime(2023, 9, 30, 8, 0),
    "2023-09-30",
    " 2023-09-30 ",
    "2023/9/30",
    "2023.9.30",
    "2023年9月30日",
    "2023年9月30号",
    "２０２３年９月３０日",
]


@pytest.mark.parametrize("value", DATES_ACCEPTED, ids=[str(value) for value in DATES_ACCEPTED])
def test_dates_in_the_forms_chinese_documents_use_are_read(value: Any) -> None:
    """TOML dates and year-first text in -, /, . and 年月日 forms all read as 2023-09-30."""
    assert converted("finished", value) == datetime.date(2023, 9, 30)


DATES_REFUSED = [
    ("9/30/2023", "expected a date such as 2023-09-30 or 2023年9月30日, got '9/30/2023'"),
    ("30/9/2023", "expected a date such as 2023-09-30 or 2023年9月30日, got '30/9/2023'"),
    ("明年", "expected a date such as 2023-09-30 or 2023年9月30日, got '明年'"),
    ("2023年9月", "expected a date such as 2023-09-30 or 2023年9月30日, got '2023年9月'"),
    (20230930, "expected a date such as 2023-09-30 or 2023年9月30日, got 20230930"),
    ("2023-13-01", "'2023-13-01' is not a date (month must be in 1..12)"),
    ("2023-02-29", "'2023-02-29' is not a date (day is out of range for month)"),
]


@pytest.mark.parametrize(("value", "message"), DATES_REFUSED, ids=[str(case[0]) for case in DATES_REFUSED])
def test_dates_that_are_ambiguous_or_impossible_are_refused(value: Any, message: str) -> None:
    """Month-first forms, words, partial and impossible dates: refused, naming the input."""
    assert refusal("finished", value) == one_problem("finished", message)


# --- yes / no ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "meaning"), [(True, True), (False, False), ("是", True), ("否", False),
                                                ("true", True), ("false", False)])  # fmt: skip
def test_yes_and_no_in_the_accepted_words(value: Any, meaning: bool) -> None:
    """true/false, and the words 是/否 and "true"/"false", read as yes and no."""
    assert converted("published", value) is meaning


@pytest.mark.parametrize(
    ("value", "shown"), [("yes", "'yes'"), ("对", "'对'"), ("有", "'有'"), ("", "''"), ("1", "'1'"), (1, "1"), (0, "0"),
                         (Decimal(1), "1")],
)  # fmt: skip
def test_other_yes_no_values_are_refused(value: Any, shown: str) -> None:
    """Anything else (1, "yes", "对") is refused rather than guessed."""
    assert refusal("published", value) == one_problem("published", f"expected true or false (是/否), got {shown}")


# --- division by zero: a declared fallback, or a located error ------------------------------------------------

COMPLETION_INPUTS = {
    "planned": {"type": "count", "label": "计划任务数"},
    "done": {"type": "count", "label": "完成任务数"},
}


def completion_ruleset(fallback: int | None) -> perfscore.Ruleset:
    """completion = done / planned (a derived value with labels), optionally with a fallback; one ratio leaf."""
    derived: dict[str, Any] = {"formula": "done / planned", "label": "任务完成率", "label_en": "completion"}
    if fallback is not None:
        derived["fallback"] = fallback
    text = one_leaf_text("ratio", inputs=COMPLETION_INPUTS, actual="completion", target=1)
    text = text.replace("[indicators.item]", table("derived.completion", derived) + "\n[indicators.item]")
    return perfscore.loads(text, source="c.toml")


FALLBACK_ZH = "计算值「任务完成率」（done / planned）除数为零，按规则设定的备用值 0 计。"
FALLBACK_EN = "The derived value completion (done / planned) divided by zero; its declared fallback 0 was used."


def test_a_fallback_is_used_and_said_when_the_formula_divides_by_zero() -> None:
    """planned = 0 with fallback = 0: the value is 0, and every report says the fallback was used."""
    result = completion_ruleset(0).score({"planned": 0, "done": 0}, unit=UNIT)
    assert (result.total, result.values["completion"]) == (Decimal("0.00"), Decimal(0))
    assert result.to_dict()["fallbacks"] == [{"zh": FALLBACK_ZH, "en": FALLBACK_EN}]
    assert f"  - {FALLBACK_ZH}" in RENDERERS["text"](result, "zh").splitlines()
    assert f"  - {FALLBACK_EN}" in RENDERERS["text"](result, "en").splitlines()
    assert f"- {FALLBACK_ZH}" in RENDERERS["markdown"](result, "zh").splitlines()


def test_a_fallback_is_not_mentioned_when_it_is_not_used() -> None:
    """planned = 4: the formula works, so no note is added."""
    result = completion_ruleset(0).score({"planned": 4, "done": 3})
    assert (result.total, result.to_dict()["fallbacks"]) == (Decimal("7.50"), [])
    assert FALLBACK_ZH not in RENDERERS["text"](result, "zh")


def test_a_fallback_other_than_zero() -> None:
    """fallback = 1 (nothing planned counts as all done): full marks, and the note says 1."""
    result = completion_ruleset(1).score({"planned": 0, "done": 0})
    assert result.total == Decimal("10.00")
    assert result.to_dict()["fallbacks"][0]["zh"] == FALLBACK_ZH.replace("备用值 0", "备用值 1")


def test_without_a_fallback_division_by_zero_is_a_located_scoring_error() -> None:
    """No fallback: a ScoringError naming the unit, the formula's key path, with a caret under it."""
    with pytest.raises(ScoringError) as caught:
        completion_ruleset(None).score({"planned": 0, "done": 0}, unit=UNIT)
    assert str(caught.value) == (
        f"{UNIT}: c.toml: derived.completion.formula: formula failed: division by zero\n"
        "    done / planned\n"
        "    ^~~~~~~~~~~~~~"
    )


def test_a_fallback_covers_division_by_zero_only() -> None:
    """An overflow is not a division by zero: with a fallback declared it still stops scoring."""
    text = one_leaf_text("ratio", inputs=COMPLETION_INPUTS, actual="big", target=1).replace(
        "[indicators.item]",
        '[derived.big]\nformula = "done * 1e999 * 1e999 / planned"\nfallback = 0\n\n[indicators.item]',
    )
    with pytest.raises(ScoringError) as caught:
        perfscore.loads(text, source="c.toml").score({"planned": 1, "done": 1})
    assert caught.value.problem.message == "formula failed: the result is too large"


# --- a batch with several bad units ----------------------------------------------------------------------------


def test_a_batch_scores_the_good_units_and_records_each_bad_one() -> None:
    """Two good units are scored; bad text, a missing input and a division by zero each become an error
    record of their kind, and the summary counts them."""
    ruleset = completion_ruleset(None)
    units = [
        perfscore.Unit("a", "甲", {"planned": 4, "done": 4}),
        perfscore.Unit("b", "乙", {"planned": "四", "done": 4}),
        perfscore.Unit("c", "丙", {"planned": 4}),
        perfscore.Unit("d", "丁", {"planned": 0, "done": 0}),
        perfscore.Unit("e", "戊", {"planned": "４", "done": "３"}),
    ]
    batch = ruleset.score_many(units)
    assert [(result.unit, result.total) for result in batch.results] == [
        ("a", Decimal("10.00")),
        ("e", Decimal("7.50")),
    ]
    assert [(error.unit, error.name, error.kind) for error in batch.errors] == [
        ("b", "乙", "data"),
        ("c", "丙", "data"),
        ("d", "丁", "scoring"),
    ]
    assert batch.summary() == "5 units: 2 scored, 3 failed (2 data errors, 1 scoring error)"
    assert [outcome["error"] for outcome in batch.to_dict()["units"] if "error" in outcome] == [
        "data",
        "data",
        "scoring",
    ]


# --- data files ------------------------------------------------------------------------------------------------


def read(tmp_path: Path, name: str, text: str | bytes) -> list[perfscore.Unit]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return perfscore.read_units(path)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_refused(tmp_path: Path, constant: str) -> None:
    """JSON's NaN and ±Infinity constants are refused when the file is read."""
    with pytest.raises(DataError) as caught:
        read(tmp_path, "unit.json", f'{{"budget": {constant}}}')
    path = tmp_path / "unit.json"
    assert (
        str(caught.value)
        == f"{path}: 1 problem in the data\n  {path}: invalid JSON: {constant} is not a number perfscore accepts"
    )


def test_a_duplicate_key_in_a_json_data_file_is_refused(tmp_path: Path) -> None:
    """{"budget": 1, "budget": 2} would silently keep the last value: refused, naming the key."""
    with pytest.raises(DataError) as caught:
        read(tmp_path, "unit.json", '{"budget": 2468.78, "executed": 2456.19, "budget": 24687.8}')
    path = tmp_path / "unit.json"
    assert str(caught.value) == (
        f"{path}: 1 problem in the data\n  {path}: invalid JSON: the key 'budget' appears twice in one object"
    )


def test_a_duplicate_key_in_a_toml_data_file_is_refused_with_its_line(tmp_path: Path) -> None:
    """TOML refuses a key given twice; the message has its line and column."""
    with pytest.raises(DataError) as caught:
        read(tmp_path, "unit.toml", "budget = 2468.78\nexecuted = 2456.19\nbudget = 24687.8\n")
    path = tmp_path / "unit.toml"
    assert str(caught.value) == (
        f"{path}: 1 problem in the data\n  {path}:3:17: invalid TOML: Cannot overwrite a value\n"
        f"      3 | budget = 24687.8\n        | {' ' * 16}^"  # the line, a caret under column 17
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("deep.json", "[" * 5000 + "]" * 5000, "invalid JSON: nested too deeply"),
        ("deep.toml", "x = " + "[" * 1000 + "]" * 1000, "invalid TOML: nested too deeply"),
    ],
)
def test_a_deeply_nested_data_file_is_a_data_error(tmp_path: Path, name: str, text: str, message: str) -> None:
    """Arrays nested thousands deep are refused as a DataError, not a RecursionError."""
    with pytest.raises(DataError) as caught:
        read(tmp_path, name, text)
    path = tmp_path / name
    assert str(caught.value) == f"{path}: 1 problem in the data\n  {path}: {message}"


def test_a_look_alike_input_name_in_data_is_an_unknown_input() -> None:
    """budgеt with a Cyrillic е is not budget: reported as unknown, with the real name suggested."""
    with pytest.raises(DataError) as caught:
        RULESET.score({**{k: v for k, v in GOOD.items() if k != "budget"}, "budgеt": 2468.78}, unit=UNIT)
    assert [(p.location.path, p.message, p.suggestion) for p in caught.value.problems] == [
        (("budget",), "missing required input (全年预算数)", None),
        (("budgеt",), "unknown input", "budget"),
    ]


# --- ruleset files: size, depth, count, encoding, duplicate and look-alike keys ----------------------------------


def small_ruleset() -> str:
    return one_leaf_text("ratio", inputs={"x": "number"}, actual="x", target=1)


def load_problems(text: str, limits: Limits | None = None) -> str:
    with pytest.raises(RulesetError) as caught:
        if limits is None:
            perfscore.loads(text, source=SOURCE)
        else:
            perfscore.loads(text, source=SOURCE, limits=limits)
    return str(caught.value)


def test_limits_default_generously() -> None:
    """The defaults: 2 MB, 32 levels of nesting, 10,000 indicators, 10,000 characters per text."""
    assert Limits() == Limits(max_bytes=2_000_000, max_depth=32, max_indicators=10_000, max_string=10_000)


def test_a_ruleset_over_max_bytes_is_refused() -> None:
    """Text over the byte limit is refused before it is parsed, saying its size."""
    text = small_ruleset() + "# " + "注" * 400 + "\n"
    size = len(text.encode("utf-8"))
    assert load_problems(text, Limits(max_bytes=1000)) == (
        f"{SOURCE}: 1 problem in the ruleset\n  {SOURCE}: the ruleset is {size} bytes, over the 1000-byte limit"
    )


def test_a_ruleset_over_the_default_size_is_refused() -> None:
    """Over 2,000,000 bytes is refused with the default limits."""
    text = small_ruleset() + "# " + "x" * 2_000_000 + "\n"
    size = len(text.encode("utf-8"))
    assert load_problems(text).endswith(f"the ruleset is {size} bytes, over the 2000000-byte limit")


def test_a_ruleset_file_over_max_bytes_is_not_read(tmp_path: Path) -> None:
    """load() checks the file's size before reading it (documented as UnreadableFileError)."""
    path = tmp_path / "big.toml"
    path.write_text(small_ruleset() + "# " + "x" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(UnreadableFileError) as caught:
        perfscore.load(path, limits=Limits(max_bytes=1000))
    assert str(caught.value) == f"{path}: the ruleset file is {path.stat().st_size} bytes, over the 1000-byte limit"


@pytest.mark.parametrize("nesting", ["[" * 1000 + "]" * 1000, "{ a = " * 1000 + "1" + " }" * 1000])
def test_toml_nested_a_thousand_deep_is_refused_without_recursion_error(nesting: str) -> None:
    """1000 nested arrays or inline tables: a RulesetError, not a RecursionError."""
    assert load_problems(small_ruleset() + f"\n[scales.deep]\ntiers = {nesting}\n") == (
        f"{SOURCE}: 1 problem in the ruleset\n  {SOURCE}: invalid TOML: nested too deeply"
    )


def test_nesting_deeper_than_max_depth_is_refused_with_its_key_path() -> None:
    """Six levels of inline tables under max_depth = 5: refused at the first key too deep."""
    text = small_ruleset() + "\n[scales.deep]\ntiers = " + "{ a = " * 4 + "1" + " }" * 4 + "\n"
    assert load_problems(text, Limits(max_depth=5)) == (
        f"{SOURCE}: 1 problem in the ruleset\n"
        f"  {SOURCE}: scales.deep.tiers.a.a.a: tables and arrays are nested more than 5 levels deep"
    )


def indicator_tables(count: int) -> str:
    header = HEADER.format(total=count) + "\n" + input_table("x", "number")
    leaves = [
        table(f"indicators.k{i}", {"name": f"指标{i}", "points": 1, "method": "ratio", "actual": "x", "target": 1})
        for i in range(count)
    ]
    return header + "\n" + "\n".join(leaves)


def test_more_indicators_than_max_indicators_is_refused() -> None:
    """Four indicators under max_indicators = 3: refused at [indicators]."""
    assert load_problems(indicator_tables(4), Limits(max_indicators=3)) == (
        f"{SOURCE}: 1 problem in the ruleset\n  {SOURCE}: indicators: 4 indicator tables is over the limit of 3"
    )


def test_exactly_max_indicators_loads() -> None:
    """Three indicators under max_indicators = 3 load."""
    assert len(perfscore.loads(indicator_tables(3), limits=Limits(max_indicators=3)).leaves) == 3


def test_bands_and_over_target_tables_are_not_counted_as_indicators() -> None:
    """One bands leaf with three bands and one ratio leaf with over_target are two indicators, not six."""
    text = HEADER.format(total=20) + "\n" + input_table("x", "number") + "\n" + table(
        "indicators.banded",
        {"name": "区间", "points": 10, "method": "bands", "value": "x",
         "bands": [{"max": 1, "points": 0}, {"min": 1, "max": 2, "points": 5}, {"min": 2, "points": 10}]},
    ) + "\n" + table(
        "indicators.over", {"name": "超额", "points": 10, "method": "ratio", "actual": "x", "target": 1, "over_target": {"above": 2}}
    )  # fmt: skip
    assert len(perfscore.loads(text, limits=Limits(max_indicators=2)).leaves) == 2


def test_a_string_over_max_string_is_refused() -> None:
    """A label of 101 characters under max_string = 100: refused at its key path."""
    text = small_ruleset().replace('label = "x"', f'label = "{"标" * 101}"')
    assert load_problems(text, Limits(max_string=100)) == (
        f"{SOURCE}: 1 problem in the ruleset\n  {SOURCE}: inputs.x.label: text of 101 characters is over the 100-character limit"
    )


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    """GBK bytes are not UTF-8: a RulesetError naming the line, showing it as GBK reads it, saying how to
    save the file as UTF-8."""
    path = tmp_path / "gbk.toml"
    raw = small_ruleset().encode("utf-8").replace("测试规则".encode(), "测试规则".encode("gbk"))
    path.write_bytes(raw)
    with pytest.raises(RulesetError) as caught:
        perfscore.load(path)
    line = raw[: raw.index("测试规则".encode("gbk"))].count(b"\n") + 1
    assert str(caught.value) == (
        f"{path}: 1 problem in the ruleset\n  {path}:{line}: the file is saved as GBK/GB18030 "
        f'(line {line}: title = "测试规则"), not UTF-8: save it as UTF-8 instead (Notepad: Save As → Encoding: UTF-8)'
    )


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    """A UTF-8 file saved with a BOM (as Notepad does) loads, from a file and from text."""
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + small_ruleset().encode("utf-8"))
    assert perfscore.load(path).id == "test"
    assert perfscore.loads("\ufeff" + small_ruleset()).id == "test"


@pytest.mark.parametrize(
    ("change", "line", "column", "message"),
    [
        (('label = "x"', 'label = "x"\nlabel = "y"'), 10, 12, "Cannot overwrite a value"),
        (("[indicators.item]", "[inputs.x]\n\n[indicators.item]"), 12, 10, "Cannot declare ('inputs', 'x') twice"),
    ],
    ids=["key", "table"],
)
def test_a_duplicate_key_or_table_is_refused_with_its_line_and_column(
    change: tuple[str, str], line: int, column: int, message: str
) -> None:
    """TOML refuses a key or a table given twice; the message has the line and column, then the line
    with a caret under the column."""
    text = small_ruleset().replace(*change, 1)
    shown = text.split("\n")[line - 1]
    assert load_problems(text) == (
        f"{SOURCE}: 1 problem in the ruleset\n  {SOURCE}:{line}:{column}: invalid TOML: {message}\n"
        f"      {line} | {shown}\n      {' ' * len(str(line))} | {' ' * (column - 1)}^"
    )


#: (the key as written in TOML, how the key path shows it, why it is refused)
LOOK_ALIKE_KEYS = [
    (
        '"ｏｕｔｐｕｔ"',
        "ｏｕｔｐｕｔ",
        "'ｏｕｔｐｕｔ' is refused: it contains full-width or compatibility characters (reads as 'output')",
    ),
    ('"оutput"', "оutput", "'оutput' is refused: it mixes cyrillic and latin letters that look alike"),
    ('"outрut"', "outрut", "'outрut' is refused: it mixes cyrillic and latin letters that look alike"),
    ('"out\\u200bput"', '"out\\u200bput"', "'out\\u200bput' is refused: it contains an invisible or control character"),
    (
        '"output\\u00a0"',
        '"output\\u00a0"',
        "'output\\xa0' is refused: it contains full-width or compatibility characters (reads as 'output ')",
    ),
]


@pytest.mark.parametrize(
    ("written", "shown", "reason"),
    LOOK_ALIKE_KEYS,
    ids=["full-width", "cyrillic-o", "cyrillic-r", "zero-width", "nbsp"],
)
@pytest.mark.parametrize("table_path", ["indicators", "inputs", "derived"])
def test_look_alike_keys_are_refused(table_path: str, written: str, shown: str, reason: str) -> None:
    """Keys that could pass for another key are refused, each with a message naming the key."""
    if table_path == "indicators":
        text = small_ruleset().replace("[indicators.item]", f"[indicators.{written}]")
    elif table_path == "inputs":
        text = small_ruleset() + f'\n[inputs.{written}]\ntype = "number"\nlabel = "y"\n'
    else:
        text = small_ruleset().replace("[indicators.item]", f'[derived]\n{written} = "x"\n\n[indicators.item]')
    assert (
        load_problems(text) == f"{SOURCE}: 1 problem in the ruleset\n  {SOURCE}: {table_path}.{shown}: the key {reason}"
    )


def test_chinese_keys_are_not_look_alikes() -> None:
    """An indicator key in Chinese is fine: only mixed-script, full-width and invisible keys are refused."""
    ruleset = perfscore.loads(small_ruleset().replace("[indicators.item]", '[indicators."产出"]'))
    assert [leaf.id for leaf in ruleset.leaves] == ["产出"]


def test_a_data_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    """read_units refuses a file over max_bytes with one message naming the file and the limit."""
    path = tmp_path / "units.toml"
    path.write_text("budget = 100\n" * 10, encoding="utf-8")
    with pytest.raises(perfscore.UnreadableFileError) as caught:
        perfscore.read_units(path, max_bytes=50)
    assert str(caught.value) == f"{path}: the data file is 130 bytes, over the 50-byte limit"
