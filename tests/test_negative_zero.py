"""Negative zero (docs/security.md): ``"-0"``, ``-0``, ``-0.0``, ``Decimal("-0")`` and ``-0.00`` in data are
read as 0, arithmetic that makes a negative zero (``0 * -1``, a tiny negative value rounded) scores 0,
and no score, subtotal, total, lost points, difference or audit ever prints ``-0``."""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import perfscore
from helpers import one_leaf, one_leaf_text
from perfscore.diff import LeafMovement, compare, movements, render_diff, signed
from perfscore.exact import difference, unsigned
from perfscore.reading import read_number
from perfscore.report import RENDERERS
from perfscore.result import ScoreResult
from perfscore.tables import html
from perfscore.tables.audit import _score, _signed, audit_table
from perfscore.tables.batch import audit_batch, write_summary_csv
from perfscore.tables.html import render_html
from perfscore.tables.read import read_tables
from perfscore.text import percent, plain, plain_data
from perfscore.units import Unit
from perfscore.wording import Display
from test_table_score import MOF, training

D = Decimal
#: A zero printed with a sign: -0, -0.00, −0 (a true minus sign), not -0.5 or 2023-09-30.
NEGATIVE_ZERO = re.compile(r"(?<![0-9A-Za-z])[-−]0(\.0+)?(?![0-9.])")

NEGATIVE_ZEROS = ["-0", "-0.00", "－0", " -0 ", -0, -0.0, D("-0"), D("-0.00"), D("-0E+2"), D("-0E-5")]
IDS = ["text", "text-cents", "full-width", "spaces", "int", "float", "decimal", "decimal-cents", "exponent",
       "tiny-exponent"]  # fmt: skip

INPUTS = {
    "x": {"type": "number", "min": 0},
    "n": {"type": "count"},
    "p": {"type": "percent", "min": 0, "max": 100},
    "later": {"type": "number", "required": False},
}


def ruleset_text(**rounding: Any) -> str:
    """One formula leaf worth 10 that reads x, n and p (an optional input, later, is read by none), the
    ruleset's rounding as given."""
    return one_leaf_text(
        "formula",
        inputs=INPUTS,
        formula="points * (x + n + p) / 3",
        ruleset={"rounding": rounding} if rounding else None,
    )


def rendered(result: ScoreResult) -> list[str]:
    """Every rendering of a result: text and Markdown in both languages, JSON."""
    return [RENDERERS[fmt](result, lang) for fmt in ("text", "markdown", "json") for lang in ("zh", "en")]


def assert_no_negative_zero(*texts: str) -> None:
    for text in texts:
        found = NEGATIVE_ZERO.search(text)
        assert found is None, text[max(0, found.start() - 80) : found.end() + 40]


def unsigned_everywhere(result: ScoreResult) -> None:
    """Every number of the result: no negative zero among values, scores, subtotals, total, lost points."""
    numbers = [value for value in result.values.values() if isinstance(value, Decimal)]
    numbers += [result.total, result.lost, *result.subtotals.values()]
    numbers += [number for item in result.items for number in (item.score, item.raw, item.lost)]
    assert [number for number in numbers if number.is_signed()] == []
    assert_no_negative_zero(*rendered(result))


# --- on input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("zero", NEGATIVE_ZEROS, ids=IDS)
def test_a_negative_zero_in_data_is_read_as_zero(zero: Any) -> None:
    """A number, a count and a percentage given as a negative zero pass min = 0 and are read as 0 (not
    −0): on the compiled quick path and on the full check (a unit leaving an optional input out)."""
    ruleset = perfscore.loads(ruleset_text())
    percent_zero = f"{zero.strip()}%" if isinstance(zero, str) else zero
    quick = ruleset.score({"x": zero, "n": zero, "p": percent_zero, "later": 1})
    full = ruleset.score({"x": zero, "n": zero, "p": percent_zero})
    for result in (quick, full):
        assert [(result.values[name], result.values[name].is_signed()) for name in ("x", "n", "p")] == [
            (0, False),
            (0, False),
            (0, False),
        ]
        assert str(result.item("item").score) == "0.00"
        unsigned_everywhere(result)


@pytest.mark.parametrize("zero", NEGATIVE_ZEROS, ids=IDS)
def test_a_negative_zero_is_read_as_zero_by_the_reader_and_the_batch(zero: Any) -> None:
    """The reader every input shares, and a batch of units, give 0 for a negative zero."""
    assert not read_number(zero).is_signed()
    ruleset = perfscore.loads(ruleset_text())
    batch = ruleset.score_many([{"x": zero, "n": zero, "p": zero}, {"x": 1, "n": zero, "p": zero}])
    assert not batch.errors
    for result in batch.results:
        unsigned_everywhere(result)
    assert_no_negative_zero(json.dumps(batch.to_dict()), json.dumps(batch.to_records()))


def test_negative_zeros_in_data_files(tmp_path: Path) -> None:
    """``-0.0`` and ``"-0"`` in a TOML data file, ``-0.0`` and ``-0`` in JSON: read as 0, scored 0.00, no
    −0 in any report."""
    toml = tmp_path / "unit.toml"
    toml.write_text('x = -0.0\nn = -0\np = "-0%"\n', encoding="utf-8")
    data = tmp_path / "unit.json"
    data.write_text('{"x": -0.0, "n": -0, "p": "-0.00"}', encoding="utf-8")
    ruleset = perfscore.loads(ruleset_text())
    for path in (toml, data):
        (unit,) = perfscore.read_units(path)
        unsigned_everywhere(ruleset.score(unit.values, unit=unit.id))


def test_a_rating_score_of_negative_zero_is_zero() -> None:
    """A score given inside a tier as ``"-0"`` is 0 (the tier 未达成 starts at 0)."""
    ruleset = one_leaf("rating", inputs={"done": {"type": "rating", "label": "完成情况"}}, input="done")
    result = ruleset.score({"done": {"tier": "未达成", "score": "-0"}})
    assert not result.values["done"].given.is_signed()
    unsigned_everywhere(result)


# --- from arithmetic -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "formula",
    ["x * -1", "-x", "round(x * -1 - 0.001, 2)", "x * -1 if x == 0 else points", "min(x * -1, points)"],
)
@pytest.mark.parametrize("stage", ["leaf", "total"])
def test_a_formula_giving_negative_zero_scores_zero(formula: str, stage: str) -> None:
    """``0 * -1``, ``-0`` and a tiny negative value rounded (round(-0.001, 2) is −0.00) give a formula leaf
    0.00, on the scoring pass and the reference path, whether each leaf or only the total is rounded."""
    ruleset = one_leaf("formula", inputs={"x": "number"}, formula=formula, ruleset={"rounding": {"stage": stage}})
    for result in (ruleset.score({"x": 0}), ruleset.score_reference({"x": 0})):
        item = result.item("item")
        assert (str(item.score), item.raw.is_signed(), str(result.total)) == ("0.00", False, "0.00")
        unsigned_everywhere(result)


def test_a_derived_negative_zero_scores_and_reads_as_zero() -> None:
    """A derived value 0 × −1 is shown as 0 in the explanation and the JSON, and the ratio it feeds scores
    0.00 with a completion rate of 0.00%."""
    ruleset = one_leaf("ratio", inputs={"x": "number"}, derived={"d": "x * -1"}, actual="d", target=4)
    result = ruleset.score({"x": 0})
    assert result.values["d"].is_signed()  # the value itself, as computed
    assert "实际 0，目标 ≥ 4，完成率 0.00%" in result.item("item").explanation
    assert json.loads(RENDERERS["json"](result, "zh"))["inputs"]["d"] == "0"
    assert_no_negative_zero(*rendered(result))
    assert not result.item("item").score.is_signed()


@pytest.mark.parametrize(("mode", "shown"), [("down", "0.00"), ("half-up", "0.00"), ("half-even", "0.00"),
                                             ("up", "-0.01")])  # fmt: skip
def test_rounding_a_tiny_negative_value_never_gives_negative_zero(mode: str, shown: str) -> None:
    """``Ruleset.round`` and the explanations' points: −0.004 rounds to 0.00 (down, half-up, half-even),
    never −0.00; rounding away from zero gives the true −0.01."""
    ruleset = perfscore.loads(ruleset_text(mode=mode))
    assert str(ruleset.round(D("-0.004"))) == shown
    assert Display(ruleset, "zh").points(D("-0.004")) == shown
    assert str(ruleset.round(D("-0"))) == "0.00"


def test_a_fixed_score_of_negative_zero_is_zero() -> None:
    """A rule whose score is a constant −0 (a band written ``points = -0.0``) gives 0.00."""
    text = one_leaf_text(
        "bands", inputs={"x": "number"}, value="x", bands=[{"min": 0, "points": D("-0.0")}, {"points": 10}]
    )
    ruleset = perfscore.loads(text)
    result = ruleset.score({"x": 1})
    assert (str(result.item("item").score), result.item("item").raw.is_signed()) == ("0.00", False)
    assert_no_negative_zero(*rendered(result))


# --- where a sign is shown ------------------------------------------------------------------------


@pytest.mark.parametrize("zero", ["-0", "-0.00", "-0E+3", "-0E-9"])
def test_the_display_helpers_show_zero_without_a_sign(zero: str) -> None:
    """plain, percent, plain_data (JSON), the signed differences of diff, audits and HTML summaries, and
    the audit's score format: a negative zero is 0 without a sign; real negatives keep theirs."""
    value = D(zero)
    assert plain(value) == "0"
    assert percent(value) == "0.00%"
    assert not plain_data(value).startswith("-")
    assert signed(value) in ("0", "0.00", "0E+3", "0E-9") and not signed(value).startswith(("-", "−"))
    assert not html.signed(value).startswith("-")
    assert not _signed(value).startswith("-") and not _score(value).startswith("-")
    assert unsigned(value) == 0 and not unsigned(value).is_signed()
    assert (plain(D("-0.5")), percent(D("-0.00001")), signed(D("-2.83")), html.signed(D("-0.5"))) == (
        "-0.5",
        "0.00%",
        "−2.83",
        "-0.5",
    )


def test_a_difference_of_two_zeros_has_no_sign() -> None:
    """−0.00 − 0.00 is −0.00 in Decimal: a leaf movement and its JSON show 0.00."""
    assert difference(D("-0.00"), D("0.00")).is_signed()  # why the differences are made unsigned
    move = LeafMovement("item", "测试指标", None, D("0.00"), D("-0.00"))
    assert (str(move.difference), move.to_dict()["difference"], signed(move.difference)) == ("0.00",) * 3


def test_diff_shows_no_negative_zero() -> None:
    """Two versions where a leaf scores 0 × −1 under the new one: the unit's total and leaves move without
    a −0 anywhere in the text, Markdown or JSON comparison."""
    old = one_leaf("formula", inputs={"x": "number"}, formula="x")
    new = one_leaf("formula", inputs={"x": "number"}, formula="x * -1")
    moves = movements(old, new, [Unit("u", None, {"x": 0}), Unit("v", None, {"x": D("-0.0")})])
    assert [move.difference for move in moves] == [0, 0]
    texts = [render_diff(compare(old, new), moves, fmt, lang) for fmt in ("text", "markdown", "json") for lang in ("zh", "en")]  # fmt: skip
    assert_no_negative_zero(*texts)


def negative_zero_table() -> Any:
    """The training table with negative zeros as a unit could give them to the API: a self-score, the
    budget's score and the total."""
    table = training()
    rows = (dataclasses.replace(table.rows[0], reported=D("-0.00")), *table.rows[1:])
    budget = dataclasses.replace(table.budget, reported=D("-0"))
    return dataclasses.replace(table, rows=rows, budget=budget, reported_total=D("-0.00"))


def test_an_audit_shows_no_negative_zero(tmp_path: Path) -> None:
    """An audit of a table holding −0 scores: its findings' differences, its totals, every format, the
    batch summary (text, Markdown, CSV, HTML) show no −0."""
    audit = audit_table(negative_zero_table(), MOF)
    differences = [finding.difference for finding in audit.findings if finding.difference is not None]
    assert [value for value in differences if value.is_signed() and not value] == []
    assert audit.total_difference is not None and audit.total_difference < 0  # −79.27: a real sign is kept
    batch = audit_batch([negative_zero_table()], MOF)
    texts = [audit.render(fmt, lang) for fmt in ("text", "markdown", "json") for lang in ("zh", "en")]
    texts += [render_html(audit, lang) for lang in ("zh", "en")]
    texts += [batch.render(fmt, lang) for fmt in ("text", "markdown", "json", "html") for lang in ("zh", "en")]
    texts.append(write_summary_csv(batch, tmp_path / "summary.csv").read_text(encoding="utf-8-sig"))
    assert_no_negative_zero(*texts)


def test_a_table_file_with_negative_zeros_is_read_as_zero(tmp_path: Path) -> None:
    """A table file whose scores and total are written ``-0`` and ``-0.00`` is read with zeros."""
    path = tmp_path / "t.json"
    rows = [{"level1": "产出指标", "level2": "数量指标", "level3": "培训人次", "target": "≥500人次", "actual": "480人次",
             "points": 100, "reported": "-0"}]  # fmt: skip
    path.write_text(json.dumps({"tables": [{"id": "t", "rows": rows, "reported_total": "-0.00"}]}), encoding="utf-8")
    (table,) = read_tables(path)
    assert not table.rows[0].reported.is_signed() and not table.reported_total.is_signed()
