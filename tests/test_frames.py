"""DataFrames in and out (issue #10, item 2): ``perfscore.frames.score_frame`` reads every pandas dtype a
number column can have, matches columns by input name or label, refuses (or ignores) other columns; results
come back as a DataFrame whose scores are the engine's exact Decimals, and as plain records.

The Python blocks of docs/dataframes.md are run here too, in order, as one script.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest

import perfscore
from helpers import ROOT, input_table, table
from perfscore import BatchResult, DataError, OutputError, Ruleset
from perfscore.result import UNIT_COLUMNS

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")

from perfscore.frames import score_frame, to_frame  # noqa: E402 - after pandas is known to be there

DOC = ROOT / "docs" / "dataframes.md"
PYTHON = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)

#: Two groups, three leaves: execution (ratio of executed to budget, 50), satisfaction (percent, 30) and
#: disclosure (yes/no, 20); inputs labelled in Chinese.
RULES = (
    table("ruleset", {"id": "frames", "title": "数据框", "version": "1", "sources": ["测试"], "total": 100})
    + input_table("budget", {"type": "number", "label": "全年预算数", "min": Decimal("0.01")})
    + input_table("executed", {"type": "number", "label": "全年执行数", "min": 0})
    + input_table("satisfaction", {"type": "percent", "label": "满意度", "min": 0, "max": 100})
    + input_table("disclosed", {"type": "bool", "label": "是否公开"})
    + table("indicators.money", {"name": "预算执行", "points": 50})
    + table(
        "indicators.money.rate",
        {"name": "执行率", "points": 50, "method": "ratio", "actual": "executed", "target": "budget"},
    )
    + table("indicators.effect", {"name": "效益", "points": 50})
    + table(
        "indicators.effect.satisfaction",
        {"name": "满意度", "points": 30, "method": "ratio", "actual": "satisfaction", "target": 100},
    )
    + table(
        "indicators.effect.disclosure", {"name": "信息公开", "points": 20, "method": "boolean", "value": "disclosed"}
    )
)
RULESET = perfscore.loads(RULES, source="frames.toml")
LENIENT = perfscore.loads(RULES.replace("total = 100", 'total = 100\nmissing = "zero"'), source="lenient.toml")


def good_frame(rows: int = 3) -> Any:
    """A frame of ``rows`` good units with an id and a name column, headers the inputs' names."""
    return pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(rows)],
            "unit_name": [f"单位{i}" for i in range(rows)],
            "budget": [100] * rows,
            "executed": [99.49] * rows,
            "satisfaction": [96.5] * rows,
            "disclosed": [True] * rows,
        }
    )


def problems(error: DataError) -> list[tuple[str, tuple[str | int, ...], str]]:
    return [(problem.code, problem.location.path, problem.message) for problem in error.problems]


# --- the documentation ---------------------------------------------------------------------------


def test_the_dataframes_page_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/dataframes.md: its Python blocks, run in order from the repository root, hold every claim they assert."""
    blocks = PYTHON.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {"__name__": "dataframes_doc"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"{DOC.name} block {number}", "exec"), namespace)


# --- every dtype a number column can have ----------------------------------------------------------

#: (dtype, the cells, the decimals they are read as): values typed by hand, each what a person would expect
NUMBER_COLUMNS: list[tuple[str, list[Any], list[str]]] = [
    *((dtype, [48, 96], ["48", "96"]) for dtype in ("int8", "int16", "int32", "int64")),
    *((dtype, [48, 200], ["48", "200"]) for dtype in ("uint8", "uint16", "uint32", "uint64")),
    *((dtype, [48, None], ["48", "(missing)"]) for dtype in ("Int8", "Int16", "Int32", "Int64")),
    *((dtype, [48, None], ["48", "(missing)"]) for dtype in ("UInt8", "UInt16", "UInt32", "UInt64")),
    ("float16", [96.5, 0.1], ["96.5", "0.1"]),
    ("float32", [96.5, 0.1], ["96.5", "0.1"]),  # 0.1 as typed, not the float32's 0.100000001490116…
    ("float32", [2468.78, 99.49], ["2468.78", "99.49"]),
    ("float64", [96.5, 0.1], ["96.5", "0.1"]),
    ("float64", [99.49, float("nan")], ["99.49", "(missing)"]),
    ("longdouble", [96.5, 0.1], ["96.5", "0.1"]),
    ("Float32", [0.1, None], ["0.1", "(missing)"]),
    ("Float64", [99.49, None], ["99.49", "(missing)"]),
    ("object", [Decimal("99.49"), Decimal("2468.780")], ["99.49", "2468.780"]),  # Decimals as they are
    ("object", [Decimal("NaN"), None], ["(missing)", "(missing)"]),
    ("object", [Fraction(193, 2), 7], ["96.5", "7"]),
    ("object", ["１２３４．５", "1,234.5"], ["1234.5", "1234.5"]),
    ("str", ["96.5", None], ["96.5", "(missing)"]),
    ("string", ["96.5", None], ["96.5", "(missing)"]),
    ("category", ["96.5", None], ["96.5", "(missing)"]),
]


@pytest.mark.parametrize(
    ("dtype", "cells", "expected"),
    NUMBER_COLUMNS,
    ids=[f"{dtype} {cells}" for dtype, cells, _ in NUMBER_COLUMNS],
)
def test_every_number_dtype_is_read_as_typed(dtype: str, cells: list[Any], expected: list[str]) -> None:
    """A number column of each dtype gives the decimals typed into it; blanks (NaN, NA, None) are missing."""
    frame = pd.DataFrame({"executed": pd.Series(cells, dtype=dtype), "budget": [10_000, 10_000]})
    batch = score_frame(LENIENT, frame)
    assert batch.errors == ()
    read = ["(missing)" if "executed" in result.missing else str(result.values["executed"]) for result in batch.results]
    assert read == expected
    assert all(type(result.values.get("executed", Decimal(0))) is Decimal for result in batch.results)


def test_a_percent_column_of_text_takes_the_percent_sign() -> None:
    """Text like '95%' in a percent input's column is 95, as in a data file."""
    frame = pd.DataFrame({"satisfaction": ["95%", "９６．５％"], "budget": [1, 1]})
    assert [str(r.values["satisfaction"]) for r in score_frame(LENIENT, frame).results] == ["95", "96.5"]


@pytest.mark.parametrize(
    ("cells", "dtype", "expected"),
    [
        ([True, False], "bool", [True, False]),
        ([True, None], "boolean", [True, None]),
        ([True, False], "object", [True, False]),
        (["是", "否"], "str", [True, False]),
    ],
    ids=["bool", "boolean with NA", "object", "是/否 text"],
)
def test_bool_columns_are_read(cells: list[Any], dtype: str, expected: list[bool | None]) -> None:
    """bool, pandas' nullable boolean and 是/否 text all fill a bool input; a blank is missing."""
    frame = pd.DataFrame({"disclosed": pd.Series(cells, dtype=dtype), "budget": [1, 1]})
    results = score_frame(LENIENT, frame).results
    assert [result.values.get("disclosed") for result in results] == expected


def test_a_datetime_column_fills_a_date_input() -> None:
    """A datetime64 column gives each unit its day; NaT is missing."""
    text = (
        table("ruleset", {"id": "d", "title": "日期", "version": "1", "sources": ["测试"], "missing": "zero"})
        + input_table("due", {"type": "date", "label": "完成日期"})
        + table(
            "indicators.item",
            {"name": "按时", "points": 100, "method": "boolean", "value": "due <= date('2023-12-31')"},
        )
    )
    frame = pd.DataFrame({"due": pd.to_datetime(["2023-09-30 10:00", None, "2024-01-02 00:00"])})
    batch = score_frame(perfscore.loads(text), frame)
    assert [str(result.total) for result in batch.results] == ["100.00", "0.00", "0.00"]
    assert [result.missing for result in batch.results] == [frozenset(), frozenset({"due"}), frozenset()]


# --- columns, ids and names ----------------------------------------------------------------------


def test_ids_and_names_come_from_their_columns() -> None:
    """id_column and name_column give each unit its id and name, kept in the batch and its DataFrame."""
    batch = score_frame(RULESET, good_frame(), id_column="unit_id", name_column="unit_name")
    assert batch.units == (("u0", "单位0"), ("u1", "单位1"), ("u2", "单位2"))
    assert [result.unit for result in batch.results] == ["u0", "u1", "u2"]
    frame = batch.to_frame()
    assert list(frame["id"]) == ["u0", "u1", "u2"]
    assert list(frame["name"]) == ["单位0", "单位1", "单位2"]


def test_without_an_id_column_the_index_labels_are_the_ids() -> None:
    """With no id_column, each unit's id is its row's index label, as text (a whole float without .0)."""
    frame = good_frame().drop(columns=["unit_id", "unit_name"]).set_index(pd.Index([7.0, 8.0, 9.5]))
    assert [unit_id for unit_id, _ in score_frame(RULESET, frame).units] == ["7", "8", "9.5"]


def test_an_integer_id_column_gives_text_ids() -> None:
    """Ids from an int column (or a nullable Int64 one) read as '101', never '101.0'."""
    for dtype in ("int64", "Int64", "float64"):
        frame = good_frame(2).assign(unit_id=pd.Series([101, 102], dtype=dtype))
        assert [unit for unit, _ in score_frame(RULESET, frame, id_column="unit_id", extra="ignore").units] == [
            "101",
            "102",
        ]


def test_columns_are_matched_by_chinese_label() -> None:
    """Headers that are the inputs' Chinese labels (spaces and full-width forms aside) fill those inputs."""
    frame = good_frame().rename(
        columns={"budget": "全年预算数", "executed": " 全年执行数 ", "satisfaction": "满意度", "disclosed": "是否公开"}
    )
    labelled = score_frame(RULESET, frame, id_column="unit_id", name_column="unit_name")
    named = score_frame(RULESET, good_frame(), id_column="unit_id", name_column="unit_name")
    assert [r.values for r in labelled.results] == [r.values for r in named.results]
    assert [str(r.total) for r in labelled.results] == ["98.70"] * 3  # 49.745 → 49.75, 28.95, 20


def test_by_label_matches_labels_only() -> None:
    """With by_label=True, a header that is an input's name but not its label gives no input."""
    frame = good_frame().rename(columns={"budget": "全年预算数", "executed": "全年执行数", "satisfaction": "满意度"})
    with pytest.raises(DataError) as caught:
        score_frame(RULESET, frame, id_column="unit_id", name_column="unit_name", by_label=True)
    assert problems(caught.value) == [
        ("unknown-input", ("disclosed",), "the column is not the label of an input"),
        ("missing-input", ("disclosed",), "no column gives the required input disclosed (是否公开)"),
    ]
    batch = score_frame(RULESET, frame.rename(columns={"disclosed": "是否公开"}), id_column="unit_id", by_label=True,
                        extra="ignore")  # fmt: skip
    assert len(batch.results) == 3


def test_unknown_columns_are_refused_naming_each_one() -> None:
    """Every column that gives no input is a located problem, with the closest name when one is close;
    nothing is scored."""
    frame = good_frame().assign(budgett=1, 备注="无")
    with pytest.raises(DataError) as caught:
        score_frame(RULESET, frame, id_column="unit_id", name_column="unit_name")
    assert str(caught.value) == (
        "DataFrame: 2 problems in the data\n"
        "  DataFrame: budgett: the column is neither the name nor the label of an input (did you mean 'budget'?)\n"
        "  DataFrame: 备注: the column is neither the name nor the label of an input"
    )
    assert [problem.message_zh for problem in caught.value.problems] == ["该列与任何输入的名称或标签都不对应"] * 2


def test_extra_ignore_leaves_other_columns_out() -> None:
    """extra="ignore" scores the frame as if the other columns were not there."""
    frame = good_frame().assign(备注="无", 年度=2023)
    batch = score_frame(RULESET, frame, id_column="unit_id", name_column="unit_name", extra="ignore")
    assert [str(result.total) for result in batch.results] == ["98.70"] * 3


def test_column_problems_are_all_reported_together() -> None:
    """A shared label, two columns for one input, a missing required input and an absent name column: one
    DataError listing each, before any unit is scored."""
    text = RULES.replace('label = "满意度"', 'label = "全年预算数"')  # two inputs labelled alike
    frame = pd.DataFrame({"unit_id": ["a"], "全年预算数": [1], "budget": [1], "BUDGET": [1], "executed": [1]})
    frame = frame.rename(columns={"BUDGET": " budget"})
    with pytest.raises(DataError) as caught:
        score_frame(perfscore.loads(text), frame, id_column="unit_id", name_column="名称")
    assert problems(caught.value) == [
        ("not-a-unit", ("名称",), "the DataFrame has no name column '名称'"),
        (
            "unknown-input",
            ("全年预算数",),
            "the column is the label of several inputs (budget, satisfaction): name it by one of them",
        ),
        ("duplicate-name", (" budget",), "the columns 'budget' and ' budget' both give the input budget"),
        ("missing-input", ("satisfaction",), "no column gives the required input satisfaction (全年预算数)"),
        ("missing-input", ("disclosed",), "no column gives the required input disclosed (是否公开)"),
    ]


def test_a_row_without_an_id_is_refused() -> None:
    """A blank id is a located problem (the column and the row), not a unit scored under a made-up id."""
    frame = good_frame().assign(unit_id=["a", None, "c"])
    with pytest.raises(DataError) as caught:
        score_frame(RULESET, frame, id_column="unit_id", name_column="unit_name")
    assert problems(caught.value) == [("not-a-unit", ("unit_id", 1), "row 2 has no id")]
    assert caught.value.problems[0].message_zh == "第 2 行没有单位编号"


def test_an_absent_id_column_is_refused() -> None:
    """An id_column the frame does not have is named."""
    with pytest.raises(DataError) as caught:
        score_frame(RULESET, good_frame(), id_column="编号", extra="ignore")
    assert problems(caught.value) == [("not-a-unit", ("编号",), "the DataFrame has no id column '编号'")]


def test_something_else_than_a_dataframe_is_refused() -> None:
    """A list of dicts is not a DataFrame: a DataError says what was given (score_many takes those)."""
    with pytest.raises(DataError) as caught:
        score_frame(RULESET, [{"budget": 1}])
    assert problems(caught.value) == [("not-a-unit", (), "expected a pandas DataFrame, got list")]


def test_a_bad_extra_option_is_a_value_error() -> None:
    """extra takes 'refuse' or 'ignore'; anything else is the caller's mistake, a ValueError."""
    with pytest.raises(ValueError, match="extra must be one of refuse, ignore"):
        score_frame(RULESET, good_frame(), extra="drop")  # type: ignore[arg-type]


def test_bad_rows_get_their_own_errors_and_the_others_are_scored() -> None:
    """A frame of 3,000 rows with a poisoned cell, text '九十' and a blank required value: three data errors
    naming their rows' ids and inputs; the 2,997 others scored 98.70."""
    frame = good_frame(3000)
    frame["satisfaction"] = frame["satisfaction"].astype(object)
    frame.loc[5, "satisfaction"] = np.complex128(1)
    frame.loc[1200, "satisfaction"] = "九十"
    frame.loc[2999, "executed"] = np.nan
    batch = score_frame(RULESET, frame, id_column="unit_id", name_column="unit_name")
    assert [(e.unit, e.kind, [p.location.path for p in e.error.problems]) for e in batch.errors] == [
        ("u5", "data", [("satisfaction",)]),
        ("u1200", "data", [("satisfaction",)]),
        ("u2999", "data", [("executed",)]),
    ]
    assert len(batch.results) == 2997
    assert {str(result.total) for result in batch.results} == {"98.70"}


def test_an_empty_frame_is_an_empty_batch() -> None:
    """No rows: nothing scored, and the results frame has every column and no row."""
    batch = score_frame(RULESET, good_frame(0), id_column="unit_id", name_column="unit_name")
    assert batch.outcomes == ()
    frame = batch.to_frame()
    assert (len(frame), list(frame.columns)) == (0, batch.columns())


# --- results out -----------------------------------------------------------------------------------

COLUMNS = [
    *UNIT_COLUMNS,
    "money",
    "money.rate",
    "money.rate:lost",
    "effect",
    "effect.satisfaction",
    "effect.satisfaction:lost",
    "effect.disclosure",
    "effect.disclosure:lost",
]


def test_the_results_frame_has_a_row_per_unit_and_a_column_per_score() -> None:
    """id, name, total, grade, error, then each indicator's score and each leaf's lost points, in tree order."""
    frame = score_frame(RULESET, good_frame(), id_column="unit_id", name_column="unit_name").to_frame()
    assert list(frame.columns) == COLUMNS
    first = frame.iloc[0]
    assert [str(first[name]) for name in COLUMNS[2:]] == [
        "98.70",
        "优",
        "None",
        "49.75",
        "49.75",
        "0.25",
        "48.95",
        "28.95",
        "1.05",
        "20.00",
        "0.00",
    ]  # fmt: skip  (99.49 of 100 → 49.745 → 49.75; 96.5% of 30 → 28.95)


def test_scores_are_exact_decimals_in_object_columns() -> None:
    """Every score column is dtype object holding the engine's own Decimals: 49.745 rounds half-up to 49.75, where
    float rounding gives 49.74."""
    batch = score_frame(RULESET, good_frame(), id_column="unit_id", name_column="unit_name")
    frame = batch.to_frame()
    for name in [*COLUMNS[5:], "total"]:
        assert frame[name].dtype == object
        assert all(type(value) is Decimal for value in frame[name])
    assert frame.loc[0, "money.rate"].as_tuple() == Decimal("49.75").as_tuple()
    assert round(49.745, 2) == 49.74  # what a float column would have held
    assert list(frame["total"]) == [result.total for result in batch.results]


def test_the_round_trip_keeps_every_total_exact() -> None:
    """Units → DataFrame → scores → DataFrame: each total is the Decimal the engine gives the same values in a
    dict, digit for digit, for amounts with cents that binary floats cannot hold."""
    amounts = [Decimal(cents).scaleb(-2) for cents in range(9_001, 10_001, 7)]  # 90.01 … 99.98 of 100
    units = pd.DataFrame(
        {
            "unit_id": [f"u{i}" for i in range(len(amounts))],
            "budget": [100.0] * len(amounts),
            "executed": [float(amount) for amount in amounts],
            "satisfaction": pd.Series([float(amount) for amount in amounts], dtype="float32"),
            "disclosed": [True] * len(amounts),
        }
    )
    frame = score_frame(RULESET, units, id_column="unit_id").to_frame()
    engine = [
        RULESET.score({"budget": 100, "executed": a, "satisfaction": a, "disclosed": True}).total for a in amounts
    ]
    assert [total.as_tuple() for total in frame["total"]] == [total.as_tuple() for total in engine]
    by_hand = [(a / 2).quantize(Decimal("0.01"), ROUND_HALF_UP) for a in amounts]  # a of 100 → a / 2 of 50 points
    assert list(frame["money.rate"]) == by_hand
    assert [round(float(a) / 100 * 50, 2) for a in amounts] != [float(x) for x in by_hand]  # float gets cents wrong


def test_failed_units_have_their_error_and_no_scores() -> None:
    """A unit that failed keeps its id and name and has its error's message (in the frame's language);
    its scores are None."""
    frame = good_frame().assign(executed=[99.49, None, 80])
    results = score_frame(RULESET, frame, id_column="unit_id", name_column="unit_name").to_frame(lang="en")
    row = results.iloc[1]
    assert (row["id"], row["name"]) == ("u1", "单位1")
    assert row["error"] == "u1: 1 problem in the data\n  u1: executed: missing required input (全年执行数)"
    assert all(row[name] is None for name in ["total", *COLUMNS[5:]])
    assert pd.isna(row["grade"])
    assert results["error"].isna().tolist() == [True, False, True]


def test_explanations_and_grades_in_either_language() -> None:
    """explanations=True adds each leaf's explanation, in lang; the grade is named in lang too."""
    batch = score_frame(RULESET, good_frame(1), id_column="unit_id", extra="ignore")
    zh, en = batch.to_frame(explanations=True), batch.to_frame(explanations=True, lang="en")
    assert "money.rate:explanation" in zh.columns
    assert (zh.loc[0, "grade"], en.loc[0, "grade"]) == ("优", "Excellent")
    leaf = batch.results[0].item("money.rate")
    assert (zh.loc[0, "money.rate:explanation"], en.loc[0, "money.rate:explanation"]) == (
        leaf.explain("zh"),
        leaf.explain("en"),
    )
    with pytest.raises(ValueError, match="lang must be one of zh, en"):
        batch.to_frame(lang="fr")


def test_the_method_and_the_function_give_the_same_frame() -> None:
    """BatchResult.to_frame is perfscore.frames.to_frame."""
    batch = score_frame(RULESET, good_frame(), id_column="unit_id", name_column="unit_name")
    pd.testing.assert_frame_equal(batch.to_frame(explanations=True), to_frame(batch, explanations=True))


def test_records_hold_decimals_as_text() -> None:
    """to_records: the same rows as plain dicts, decimals as text written out in full, JSON-ready."""
    frame = good_frame().assign(executed=[99.49, None, 80])
    batch = score_frame(RULESET, frame, id_column="unit_id", name_column="unit_name")
    records = batch.to_records()
    assert [list(record) for record in records] == [COLUMNS] * 3
    assert records[0]["total"] == "98.70" and records[0]["money.rate"] == "49.75"
    assert records[1]["total"] is None and records[1]["error"].startswith("u1: ")
    assert (records[2]["money.rate"], records[2]["money.rate:lost"]) == ("40.00", "10.00")  # 80 of 100: 40 of 50
    assert json.loads(json.dumps(records)) == records


def test_records_of_a_plain_batch_use_the_units_ids() -> None:
    """score_many over plain dicts numbers the units 1, 2, …; over a data file's units it keeps their ids and
    names (the batch records them, scored or not)."""
    values = {"budget": 100, "executed": 50, "satisfaction": 100, "disclosed": False}  # 25 + 30 + 0
    plain = RULESET.score_many([values, {**values, "budget": "一百"}])
    assert [(r["id"], r["name"], r["total"]) for r in plain.to_records()] == [("1", None, "55.00"), ("2", None, None)]
    units = [perfscore.Unit("甲", "甲单位", values, source="data.toml#甲")]
    assert [(r["id"], r["name"]) for r in RULESET.score_many(units).to_records()] == [("甲", "甲单位")]


def test_a_batch_without_unit_identities_falls_back_on_its_outcomes() -> None:
    """A BatchResult made by hand (no units recorded) names each row by its result's unit, or its position."""
    result = RULESET.score({"budget": 1, "executed": 1, "satisfaction": 1, "disclosed": True}, unit="甲")
    batch = BatchResult(RULESET, (result, RULESET.score({"budget": 1, "executed": 1, "satisfaction": 1,
                                                         "disclosed": True})))  # fmt: skip
    assert [(r["id"], r["name"]) for r in batch.to_records()] == [("甲", None), ("2", None)]


def test_indicator_ids_that_clash_with_the_unit_columns_are_an_output_error() -> None:
    """A first-level indicator keyed 'total' would give two columns named total: refused, saying which."""
    text = RULES.replace("[indicators.effect]", "[indicators.total]").replace("indicators.effect.", "indicators.total.")
    ruleset: Ruleset = perfscore.loads(text)
    batch = ruleset.score_many([{"budget": 1, "executed": 1, "satisfaction": 1, "disclosed": True}])
    with pytest.raises(OutputError, match=r"give two columns the same name \(total\)"):
        batch.to_records()


def test_the_frame_messages_say_the_same_in_both_languages() -> None:
    """Each message of perfscore.frames has Chinese and English with the same {fields} (test_messages walks
    only the catalogs it imports)."""
    from perfscore.frames import WORDS
    from perfscore.wording import template_fields

    assert WORDS
    for text in WORDS.values():
        assert set(template_fields(text.zh)) == set(template_fields(text.en))
