"""Issue 13: explanations, ``to_dict()`` and JSON made the fast way are exactly what the plain way makes.

- every sentence planned from the recorded tuple (``perfscore.wording.Phrasing``: the fixed facts a
  method adds written in, facts read by their place, constants and tiers remembered, the terminal
  gate applied where it may change something) equals the plain renderer's (``wording.plainly``),
  in both languages, with templates using every field of every method, whatever decimal context
  the caller has;
- ``to_dict()`` built from the leaves' constant keys equals a dict built from the results' public
  attributes and the plain renderer;
- :func:`perfscore.text.json_text` writes what :func:`json.dumps` writes, indented or not.
"""

from __future__ import annotations

import decimal
import json
import unicodedata
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfscore
from perfscore import ScoreResult
from perfscore.exact import pinned
from perfscore.text import columns, json_text, plain_data
from perfscore.wording import phrasing, plainly, template_fields
from strategies import GeneratedRuleset, rulesets_with_data

EVERY_FIELD = """\
[ruleset]
id = "every-field"
title = "每个字段"
version = "1"
sources = ["测试"]
total = 70
missing = "zero"

[scales.partial]
tiers = [
  { name = "达成", name_en = "achieved", min = 0.8, max = 1, max_inclusive = true, default = 1 },
  { name = "部分达成", name_en = "partly achieved", min = 0.5, max = 0.8 },
  { name = "未达成", name_en = "not achieved", min = 0, max = 0.5, default = 0 },
]

[inputs.x]
type = "number"
label = "完成数"
unit = "件{x}"

[inputs.rate]
type = "percent"
label = "比例"
required = false

[inputs.r]
type = "rating"
label = "评价"
scale = "partial"

[inputs.n]
type = "count"
label = "问题数"

[inputs.ok]
type = "bool"
label = "是否公开"

[inputs.note]
type = "text"
label = "说明"
required = false

[indicators.ratio]
name = "比率甲"
name_en = "Ratio A"
points = 10
method = "ratio"
actual = "x"
target = 8
explain = "{name}（{id}）：{body}；实际 {actual}，目标 {direction} {target}，完成 {rate}，超 {excess}，{x}，{{字面}}，得 {score}/{points}，扣 {lost}。"
explain_en = "{name_en}: {body} / {actual} vs {target} / {rate} / {x} / {lost}"

[indicators.reverse]
name = "反向"
points = 10
method = "ratio"
actual = "x"
target = 5
direction = "<="

[indicators.exact]
name = "相符"
points = 10
method = "ratio"
actual = "x"
target = 6
direction = "="
equal = "exact"
tolerance = 1
explain = "{body}：{actual} ±{tolerance}"

[indicators.rated]
name = "评价"
points = 10
method = "rating"
input = "r"
explain = "{name}：{body}；档 {tier}，{low}–{high}，{range}，默认 {default}，自评 {given}，得 {score}"
explain_en = "{name}: {tier} {range} {default} {given} {score}"

[indicators.deducted]
name = "扣分"
points = 10
method = "deduction"
count = "n"
each = 1.5
cap = 6

[indicators.formula]
name = "公式"
points = 10
method = "formula"
formula = "x - 2"

[indicators.flag]
name = "公开"
points = 10
method = "boolean"
value = "ok"
explain_en = "{body} ({met}) {score}"
"""

TIER = st.one_of(
    st.sampled_from(["达成", "未达成"]),
    st.builds(lambda score: {"tier": "达成", "score": score}, st.decimals("8", "10", places=2)),
    st.builds(lambda score: {"tier": "部分达成", "score": score}, st.decimals("5", "7.99", places=2)),
)
UNITS = st.fixed_dictionaries(
    {
        "x": st.decimals("-20", "30", places=2),
        "r": TIER,
        "n": st.integers(0, 6),
        "ok": st.booleans(),
    },
    optional={
        "rate": st.decimals("0", "150", places=3),
        "note": st.text(st.characters(codec="utf-8"), max_size=8),
    },
)


def assert_as_plain(result: ScoreResult) -> None:
    """Every leaf's sentence, in both languages, is the plain renderer's (one line, nothing hidden)."""
    for lang in ("zh", "en"):
        display = phrasing(result.ruleset, lang).display
        for item in result.items:
            said = item.explain(lang)
            assert said == pinned(plainly)(item, item.recorded[0], display), (item.id, lang)
            assert said.isprintable(), said


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(units=st.lists(UNITS, min_size=3, max_size=8))
def test_every_field_of_every_method_is_filled_as_the_plain_renderer_fills_it(units: list[dict[str, Any]]) -> None:
    """Templates using every field of every method (a rating's range and default, a ratio's direction
    and tolerance, a deduction's rate, values read, literal braces), a unit whose label holds a
    brace, a negative actual, a tier with no default: over several units (so that
    constants and tiers are remembered between them), in a caller's odd decimal context, every
    sentence is the plain renderer's."""
    ruleset = perfscore.loads(EVERY_FIELD, source="every-field.toml")
    for lang in ("zh", "en"):
        phrasing(ruleset, lang).plain_uses = 0  # planned at once, so the plan fills every sentence
    odd = decimal.Context(prec=3, rounding=decimal.ROUND_DOWN, traps=[decimal.Inexact, decimal.Rounded])
    with decimal.localcontext(odd):
        for values in units + units[::-1]:
            assert_as_plain(ruleset.score(values))


def test_a_negative_actual_is_said_to_count_as_zero_after_a_positive_one() -> None:
    """The suffix a ratio adds for a negative actual is decided per unit, not planned once."""
    ruleset = perfscore.loads(EVERY_FIELD, source="every-field.toml")
    base = {"r": "达成", "n": 0, "ok": True}
    said = [ruleset.score({**base, "x": Decimal(x)}).item("reverse").explanation for x in ("7", "-3", "7", "-3")]
    assert said[0] == said[2] and said[1] == said[3]
    assert "实际值为负，按 0 计" in said[1] and "实际值为负" not in said[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=rulesets_with_data(), again=st.booleans())
def test_to_dict_equals_the_dict_made_from_public_attributes(
    case: tuple[GeneratedRuleset, dict[str, Any]], again: bool
) -> None:
    """On random rulesets (rules on groups, missing inputs, fallbacks) ``to_dict()`` is the dict made
    from the result's public attributes, its node tree and the plain renderer's sentences."""
    generated, values = case
    try:
        result = generated.ruleset.score(values)
        if again:
            generated.ruleset.score(values).to_dict()  # plans made: the second result is filled by them
            result = generated.ruleset.score(values)
    except perfscore.ScoringError:
        return
    made = result.to_dict()
    assert made["indicators"] == [_node(node) for node in result.tree]
    for entry in made["deductions"] + made["notes"]:
        item = next(item for item in (*result.items, *result.adjustments) if item.id == entry["id"])
        assert entry["explanation"] == {lang: item.explain(lang) for lang in ("zh", "en")}
    assert made["inputs"] == {name: plain_data(value) for name, value in result.values.items()}
    assert json_text(made) == json.dumps(made, ensure_ascii=False)
    assert json_text(made, 2) == json.dumps(made, ensure_ascii=False, indent=2)


def _node(node: Any) -> dict[str, Any]:
    """A node's dict, made plainly from its public attributes."""
    if node.leaf is None:
        return {
            "id": node.id,
            "name": node.name,
            "name_en": node.name_en,
            "points": str(node.points),
            "score": str(node.score),
            "lost": str(node.lost),
            "children": [_node(child) for child in node.children],
        }
    item = node.leaf
    facts = item.facts
    return {
        "id": item.id,
        "name": item.name,
        "name_en": item.name_en,
        "method": item.method,
        "points": str(item.points),
        "score": str(item.score),
        "raw": str(item.raw),
        "lost": str(item.lost),
        "data": {name: plain_data(value) for name, value in item.data.items()},
        "missing": list(item.missing),
        "facts": {**{k: plain_data(v) for k, v in facts.items() if k != "case"}, "case": facts.get("case", item.case)},
        "explanation": {
            lang: pinned(plainly)(item, item.recorded[0], phrasing(item._result.ruleset, lang).display)
            for lang in ("zh", "en")
        },
    }


PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(st.characters(codec="utf-8")),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)
ODD = st.recursive(
    PLAIN | st.floats() | st.tuples(st.integers()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.integers() | st.text(max_size=3), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(value=PLAIN | ODD, indent=st.sampled_from([None, 1, 2, 4]), margin=st.sampled_from(["", "    "]))
def test_json_text_is_what_json_dumps_writes(value: Any, indent: int | None, margin: str) -> None:
    """Plain data (text with line breaks, quotes and controls, any whole number, nesting, empty
    tables and lists) and anything else (floats, tuples, keys that are not text) are written as
    :func:`json.dumps` writes them, with a margin after each line break when asked."""
    expected = json.dumps(value, ensure_ascii=False, indent=indent)
    if indent is not None:
        expected = expected.replace("\n", "\n" + margin)
        assert json_text(value, indent, margin=margin) == expected
    else:
        assert json_text(value) == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=rulesets_with_data())
def test_a_method_adds_no_fact_a_sentence_shows_beyond_its_fixed_facts(
    case: tuple[GeneratedRuleset, dict[str, Any]],
) -> None:
    """What planned sentences rely on: a method's facts are what was recorded, its ``fixed_facts``
    and facts no template or wording may show (only its body suffix reads them)."""
    generated, values = case
    try:
        result = generated.ruleset.score(values)
    except perfscore.ScoringError:
        return
    for item in result.items:
        method = item.indicator.method
        fixed = method.fixed_facts(item.indicator)
        if fixed is None or item.missing:
            continue
        recorded = {
            name: value
            for name, value in zip(item.recorded[0].fields, item.recorded[1:], strict=True)
            if value is not None
        }
        extra = set(item.facts) - set(recorded) - set(fixed) - {"case"}
        assert {key: item.facts[key] for key in fixed} == dict(fixed)
        assert all(item.facts[key] is value for key, value in recorded.items() if key not in fixed)
        assert not extra & (method.template_fields | {f for c in method.cases for f in _fields_of(c)}), extra


def _fields_of(case: Any) -> set[str]:
    """The fields a case's wording names, in both languages."""
    return {field for text in (case.zh, case.en) for field in template_fields(text)}


def test_json_text_refuses_a_table_holding_itself_as_json_dumps_does() -> None:
    """A table that holds itself is refused with json.dumps's own error, indented or not."""
    table: dict[str, Any] = {"a": []}
    table["a"].append(table)
    for indent in (None, 2):
        try:
            json.dumps(table, ensure_ascii=False, indent=indent)
        except ValueError as error:
            expected = str(error)
        try:
            json_text(table, indent)
        except ValueError as error:
            assert str(error) == expected
        else:
            raise AssertionError("json_text wrote a table that holds itself")


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.characters(codec="utf-8")) | st.text(st.characters(max_codepoint=127)))
def test_columns_counts_wide_characters_as_two_whatever_the_text(text: str) -> None:
    """The terminal width of any text (ASCII on its quick path, other text remembered) is one column a
    character, two for a wide or full-width one, the first time and the next."""
    expected = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    assert columns(text) == expected
    assert columns(text) == expected
