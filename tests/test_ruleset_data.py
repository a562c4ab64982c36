"""Rulesets as data: ``perfscore.loads_dict`` (a Python mapping → ruleset, with the checks and located
errors of ``loads``), ``Ruleset.to_dict`` (the document back, exactly), ``perfscore.dumps_toml`` (the
document as TOML that reads back exactly) and ``perfscore explain --format json``."""

from __future__ import annotations

import datetime
import io
import json
import pickle
import re
import sys
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import perfscore
from helpers import ROOT
from perfscore import Problem, RulesetError
from perfscore.cli import run
from perfscore.report import explain_data, explain_ruleset
from strategies import GeneratedRuleset, rulesets_with_data

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

SHIPPED = [
    ("rulesets/department-wide.toml", "examples/liwan-2023.toml"),
    ("rulesets/project-mof-2020.toml", "examples/project-template-data.toml"),
    ("examples/project-community-legal-service/ruleset.toml", "examples/project-community-legal-service/data.toml"),
]


def parsed(text: str) -> dict[str, Any]:
    """A TOML text as the document perfscore reads (numbers exact)."""
    return tomllib.loads(text, parse_float=Decimal)


def exact(value: Any) -> Any:
    """``value`` with every number tagged by its type and every decimal by its digits and exponent,
    and every table by its key order: two documents are the same exactly when these are equal
    (``Decimal("1.0") == Decimal("1.00") == 1`` would hide a difference)."""
    if isinstance(value, Mapping):
        return ("table", [(key, exact(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("array", [exact(item) for item in value])
    if isinstance(value, Decimal):
        return ("decimal", value.as_tuple())
    return (type(value).__name__, value)


def outcome(ruleset: perfscore.Ruleset, values: Mapping[str, Any]) -> Any:
    """What scoring gives, item by item: each leaf's raw and rounded score and both explanations,
    the total and the grade (or the error, for data a formula fails on)."""
    try:
        result = ruleset.score(values, unit="u")
    except perfscore.PerfscoreError as error:
        return (type(error).__name__, str(error))
    items = [(item.id, item.raw, item.score, item.explain("zh"), item.explain("en")) for item in result.items]
    return items, result.total, result.grade.name, result.to_dict()


def values_of(path: str) -> dict[str, Any]:
    (unit,) = perfscore.read_units(ROOT / path)
    return dict(unit.values)


# --- loads_dict: the same ruleset as loads ------------------------------------------------------


@pytest.mark.parametrize(("ruleset_path", "data_path"), SHIPPED, ids=[pair[0] for pair in SHIPPED])
def test_a_shipped_ruleset_as_data_scores_as_its_file(ruleset_path: str, data_path: str) -> None:
    """The document of a shipped ruleset, given as a mapping, scores its example exactly as the file does."""
    text = (ROOT / ruleset_path).read_text(encoding="utf-8")
    from_text = perfscore.loads(text, source=ruleset_path)
    from_data = perfscore.loads_dict(parsed(text), source=ruleset_path)
    values = values_of(data_path)
    assert outcome(from_data, values) == outcome(from_text, values)
    assert [leaf.id for leaf in from_data.leaves] == [leaf.id for leaf in from_text.leaves]


@pytest.mark.parametrize(("ruleset_path", "data_path"), SHIPPED, ids=[pair[0] for pair in SHIPPED])
def test_to_dict_is_the_document_as_written(ruleset_path: str, data_path: str) -> None:
    """to_dict() of a ruleset read from a file is that file's document, exactly (types, digits, key order);
    loaded again it scores the same."""
    text = (ROOT / ruleset_path).read_text(encoding="utf-8")
    ruleset = perfscore.load(ROOT / ruleset_path)
    document = ruleset.to_dict()
    assert exact(document) == exact(parsed(text))
    again = perfscore.loads_dict(document)
    assert exact(again.to_dict()) == exact(document)
    values = values_of(data_path)
    assert outcome(again, values) == outcome(ruleset, values)


def test_to_dict_keeps_decimals_as_written() -> None:
    """Decimals keep their digits and exponent (0.950 is not 0.95), whole numbers stay int, order stays."""
    document = {
        "ruleset": {"id": "d", "title": "t", "version": "1", "sources": ["s"], "total": Decimal("10.0")},
        "inputs": {"n": {"type": "number", "label": "n", "max": Decimal("1E+3")}},
        "indicators": {
            "b": {"name": "乙", "points": 4, "method": "ratio", "actual": "n", "target": Decimal("0.950")},
            "a": {"name": "甲", "points": Decimal("6.00"), "method": "formula", "formula": "points"},
        },
    }
    ruleset = perfscore.loads_dict(document)
    assert exact(ruleset.to_dict()) == exact(document)
    assert list(ruleset.to_dict()["indicators"]) == ["b", "a"]


def test_the_ruleset_keeps_its_own_copy() -> None:
    """Changing the mapping after loading, or the dict to_dict() gave, changes nothing in the ruleset."""
    document = parsed((ROOT / "rulesets/department-wide.toml").read_text(encoding="utf-8"))
    ruleset = perfscore.loads_dict(document)
    before = exact(ruleset.to_dict())
    document["ruleset"]["title"] = "changed"
    document["indicators"]["budget"]["execution_rate"]["target"] = Decimal(2)
    given_back = ruleset.to_dict()
    given_back["indicators"].clear()
    assert exact(ruleset.to_dict()) == before
    assert ruleset.title == "部门整体支出绩效自评（通用框架）"


def test_a_ruleset_loaded_from_data_pickles_as_its_data() -> None:
    """Pickled and unpickled, a ruleset loaded from a mapping has the same document (Decimal("5") stays a
    Decimal) and the same scores."""
    document = parsed((ROOT / "rulesets/department-wide.toml").read_text(encoding="utf-8"))
    document["ruleset"]["total"] = Decimal(100)  # a whole Decimal: written as TOML it would read back as int
    ruleset = perfscore.loads_dict(document, source="in memory")
    copied = pickle.loads(pickle.dumps(ruleset))
    assert exact(copied.to_dict()) == exact(ruleset.to_dict())
    assert isinstance(copied.to_dict()["ruleset"]["total"], Decimal)
    assert copied.source == "in memory"
    values = values_of("examples/liwan-2023.toml")
    assert outcome(copied, values) == outcome(ruleset, values)


def test_text_of_a_ruleset_from_data_is_its_document_as_toml() -> None:
    """Ruleset.text for a ruleset loaded from data is the document written as TOML, which loads to the same rules."""
    document = parsed((ROOT / "rulesets/project-mof-2020.toml").read_text(encoding="utf-8"))
    ruleset = perfscore.loads_dict(document)
    assert ruleset.text == perfscore.dumps_toml(document)
    assert exact(perfscore.loads(ruleset.text).to_dict()) == exact(document)


# --- loads_dict: the same mistakes as loads ------------------------------------------------------


def refused_files() -> list[Path]:
    """Rulesets in the repository that do not load, but are valid TOML (their mistakes are in the rules)."""
    found = []
    candidates = [*(ROOT / "tests" / "broken").glob("*.toml"), *(ROOT / "tests" / "corpus").glob("ruleset-*.toml")]
    for path in sorted(candidates):
        text = path.read_text(encoding="utf-8")
        try:
            parsed(text)
        except (tomllib.TOMLDecodeError, ValueError, RecursionError):
            continue  # not TOML Python can read: nothing to give as data
        try:
            perfscore.loads(text)
        except RulesetError:
            found.append(path)
    return found


def test_there_are_refused_files_to_compare() -> None:
    """The comparison below is not vacuous: several broken rulesets are valid TOML that does not load."""
    assert len(refused_files()) >= 3


@pytest.mark.parametrize("path", refused_files(), ids=lambda path: path.name)
def test_a_broken_document_gives_the_same_located_problems(path: Path) -> None:
    """A broken ruleset given as data is refused with exactly the problems (messages, key paths,
    codes, suggestions) the same text gets; only the text has lines and columns to name."""
    text = path.read_text(encoding="utf-8")
    with pytest.raises(RulesetError) as from_text:
        perfscore.loads(text, source=path.name)
    with pytest.raises(RulesetError) as from_data:
        perfscore.loads_dict(parsed(text), source=path.name)
    assert from_data.value.problems == tuple(without_lines(from_text.value.problems))
    assert str(from_data.value) == str(from_text.value)


def without_lines(problems: tuple[Problem, ...]) -> list[Problem]:
    """The problems of a text as a mapping gets them: a key path, no line or column and no source line
    (unless the TOML reader gave one)."""
    return [
        replace(p, location=replace(p.location, line=None, column=None), excerpt=None) if p.location.path else p
        for p in problems
    ]


HEADER = {"id": "x", "title": "标题", "version": "1", "sources": ["s"], "total": 10}
LEAF = {"name": "指标", "points": 10, "method": "formula", "formula": "points"}


DEFAULT_LIMITS = perfscore.Limits()


def both_ways(document: dict[str, Any], limits: perfscore.Limits = DEFAULT_LIMITS) -> tuple[str, str]:
    """The error of loads on the document written as TOML, and of loads_dict on the document itself."""
    messages = []
    for load in (lambda: perfscore.loads(perfscore.dumps_toml(document), "r", limits=limits),
                 lambda: perfscore.loads_dict(document, "r", limits=limits)):  # fmt: skip
        with pytest.raises(RulesetError) as caught:
            load()
        messages.append(str(caught.value))
    return messages[0], messages[1]


def test_look_alike_keys_are_refused_as_in_a_file() -> None:
    """A full-width key in a mapping is refused with the message and key path a file gets."""
    document = {"ruleset": HEADER, "indicators": {"ｏｕｔｐｕｔ": LEAF}}
    from_text, from_data = both_ways(document)
    assert from_data == from_text
    assert "indicators.ｏｕｔｐｕｔ: the key 'ｏｕｔｐｕｔ' is refused" in from_data


def test_nesting_past_the_limit_is_refused_as_in_a_file() -> None:
    """Tables nested past limits.max_depth are one too-deep problem at the same key path either way."""
    deep: dict[str, Any] = {}
    inner = deep
    for _ in range(40):
        inner["k"] = {}
        inner = inner["k"]
    document = {"ruleset": HEADER, "indicators": {"item": LEAF}, "tables": deep}
    from_text, from_data = both_ways(document)
    assert from_data == from_text
    assert "nested more than 32 levels deep" in from_data


def test_a_long_text_is_refused_as_in_a_file() -> None:
    """A text value over limits.max_string is refused the same way."""
    document = {"ruleset": {**HEADER, "title": "长" * 10_001}, "indicators": {"item": LEAF}}
    from_text, from_data = both_ways(document)
    assert from_data == from_text
    assert "ruleset.title: text of 10001 characters is over the 10000-character limit" in from_data


def test_a_document_over_the_size_limit_is_refused() -> None:
    """The size limit applies to the document written as TOML, and says so."""
    document = {"ruleset": {**HEADER, "assumptions": ["假设" * 50] * 40}, "indicators": {"item": LEAF}}
    limits = perfscore.Limits(max_bytes=2_000)
    with pytest.raises(RulesetError) as caught:
        perfscore.loads_dict(document, "r", limits=limits)
    (problem,) = caught.value.problems
    assert problem.code == "file-too-large"
    assert re.fullmatch(r"the ruleset is \d+ bytes \(written as TOML\), over the 2000-byte limit", problem.message)


def test_a_huge_document_stops_early() -> None:
    """A mapping of more values than a ruleset file of the size limit could hold is refused without
    walking all of it (a list shared a million times over is not expanded)."""
    shared: list[Any] = list(range(1_000))
    document = {"ruleset": HEADER, "indicators": {"item": LEAF}, "tables": {"x": [shared] * 1_000}}
    with pytest.raises(RulesetError) as caught:
        perfscore.loads_dict(document, "r", limits=perfscore.Limits(max_bytes=100_000))
    assert [problem.code for problem in caught.value.problems] == ["file-too-large"]


def test_values_toml_cannot_hold_are_located_problems() -> None:
    """None, objects, sets, non-text keys and lone surrogates are each a problem at their key path, all
    reported together."""
    document = {
        "ruleset": {**HEADER, "title_en": None},
        "inputs": {"n": {"type": "number", "label": {"a", "b"}}, 3: {"type": "number"}},
        "indicators": {"item": {**LEAF, "explain": "\ud800", "unit": object()}},
    }
    with pytest.raises(RulesetError) as caught:
        perfscore.loads_dict(document, "r")
    assert [problem.render() for problem in caught.value.problems] == [
        "r: ruleset.title_en: TOML has no null (None): leave the key out",
        "r: inputs.n.label: expected text, a number, true/false, a date or time, a table (mapping) or an array (list); got set",
        "r: inputs.3: invalid key: keys are text, got 3",
        "r: indicators.item.explain: the text holds a lone surrogate (\\ud800), which UTF-8 cannot hold",
        "r: indicators.item.unit: expected text, a number, true/false, a date or time, a table (mapping) or an array (list); got object",
    ]


def test_a_document_that_contains_itself_is_refused() -> None:
    """A table that contains itself is one located problem, not an endless walk."""
    loop: dict[str, Any] = {"name": "环"}
    loop["again"] = loop
    with pytest.raises(RulesetError) as caught:
        perfscore.loads_dict({"ruleset": HEADER, "indicators": {"item": LEAF, "loop": loop}}, "r")
    assert [problem.render() for problem in caught.value.problems] == [
        "r: indicators.loop.again: the table or array contains itself: TOML cannot hold a cycle"
    ]


@pytest.mark.parametrize("document", [[], "text", None], ids=["list", "str", "None"])
def test_a_document_that_is_not_a_mapping_is_refused(document: Any) -> None:
    """Something other than a mapping is a RulesetError, not a TypeError."""
    with pytest.raises(RulesetError) as caught:
        perfscore.loads_dict(document)
    assert [problem.code for problem in caught.value.problems] == ["not-a-table"]


# --- floats, tuples and other Python types --------------------------------------------------------


class NumpyLikeFloat(float):
    """A float subclass whose repr is not its number (numpy 2 prints ``np.float64(0.95)``)."""

    def __repr__(self) -> str:
        return f"np.float64({float.__repr__(self)})"


def test_floats_are_read_by_their_shortest_text() -> None:
    """A float means the number typed: 0.95 is Decimal("0.95") (as in a TOML file), whatever its repr."""
    typed = {"name": "指标", "points": 10.0, "method": "ratio", "actual": "n", "target": 0.95}
    document = {"ruleset": HEADER, "inputs": {"n": {"type": "number", "label": "n"}}, "indicators": {"item": typed}}
    as_text = perfscore.loads(  # the same numbers typed in a file
        '[ruleset]\nid = "x"\ntitle = "标题"\nversion = "1"\nsources = ["s"]\ntotal = 10\n'
        '[inputs.n]\ntype = "number"\nlabel = "n"\n'
        '[indicators.item]\nname = "指标"\npoints = 10.0\nmethod = "ratio"\nactual = "n"\ntarget = 0.95\n'
    )
    for floats in (document, {**document, "indicators": {"item": {**typed, "target": NumpyLikeFloat(0.95)}}}):
        ruleset = perfscore.loads_dict(floats)
        leaf = ruleset.to_dict()["indicators"]["item"]
        assert exact(leaf["target"]) == exact(Decimal("0.95"))
        assert exact(leaf["points"]) == exact(Decimal("10.0"))
        assert outcome(ruleset, {"n": Decimal("0.9")}) == outcome(as_text, {"n": Decimal("0.9")})
    assert ruleset.score({"n": Decimal("0.9")}).total == Decimal("9.47")  # 0.9 / 0.95 × 10 = 9.4736…


def test_a_float_computed_in_python_is_taken_at_its_value() -> None:
    """0.1 + 0.2 is 0.30000000000000004 as a float, and that is the number a ruleset given it holds
    (documented: compute numbers as Decimals); as points it is refused as finer than the rounding."""
    leaf = {"name": "指标", "points": 10, "method": "ratio", "actual": "n", "target": 0.1 + 0.2}
    document = {"ruleset": HEADER, "inputs": {"n": {"type": "number", "label": "n"}}, "indicators": {"item": leaf}}
    ruleset = perfscore.loads_dict(document)
    assert exact(ruleset.to_dict()["indicators"]["item"]["target"]) == exact(Decimal("0.30000000000000004"))
    with pytest.raises(RulesetError, match=r"indicators.item.points: 0.30000000000000004 has more decimal places"):
        perfscore.loads_dict(
            {"ruleset": {**HEADER, "total": 0.3}, "indicators": {"item": {**LEAF, "points": 0.1 + 0.2}}}
        )


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")], ids=["nan", "inf", "-inf"])
def test_a_float_that_is_not_finite_is_refused_as_in_a_file(value: float) -> None:
    """nan and inf floats are refused with the message a file's nan or inf gets."""
    document = {"ruleset": HEADER, "indicators": {"item": {**LEAF, "points": value}}}
    from_text, from_data = both_ways(document)
    assert from_data == from_text
    assert "indicators.item.points: numbers in a ruleset are limited to" in from_data


def test_tuples_and_other_mappings_are_read_as_arrays_and_tables() -> None:
    """A tuple is an array and any Mapping a table: to_dict() gives lists and dicts back."""
    from types import MappingProxyType

    document = MappingProxyType(
        {"ruleset": MappingProxyType({**HEADER, "sources": ("甲", "乙")}), "indicators": {"item": LEAF}}
    )
    ruleset = perfscore.loads_dict(document)
    assert exact(ruleset.to_dict()["ruleset"]["sources"]) == exact(["甲", "乙"])
    assert type(ruleset.to_dict()["ruleset"]) is dict


# --- dumps_toml: exact TOML -------------------------------------------------------------------------

EVERYTHING: dict[str, Any] = {
    "text": 'quotes " and \\ backslash, a tab\t, a new line\n, 中文, a zero-width space \u200b',
    "whole": 42,
    "negative": -7,
    "largest": 2**63 - 1,
    "decimal": Decimal("12.50"),
    "tiny": Decimal("1E-30"),
    "exponent": Decimal("1.0E+3"),
    "negative zero": Decimal("-0"),
    "negative zero point": Decimal("-0.00"),
    "past 64 bits": Decimal("123456789012345678901234567890"),
    "infinite": Decimal("-Infinity"),
    "yes": True,
    "day": datetime.date(2024, 2, 29),
    "moment": datetime.datetime(2024, 2, 29, 8, 30, 5, 250_000, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
    "local moment": datetime.datetime(2024, 2, 29, 8, 30),
    "time": datetime.time(8, 30, 0, 5),
    "": "an empty key",
    "a.dotted key": {"[brackets]": "in a key"},
    "键": "a Chinese key",
    "numbers": [1, Decimal("2.0"), Decimal("-3.25")],
    "mixed": [1, "two", [3, [4]], {"five": 5}],
    "empty array": [],
    "bands": [{"max": Decimal("0.01"), "fraction": 1}, {"min": Decimal("0.01"), "points": 3}],
    "table first": {"inline": True},  # a table before a plain value: written inline to keep the order
    "after": "a value after a table",
    "empty table": {},
    "nested": {"a": {"b": {"c": Decimal("0.1")}}, "d": [{"e": 1}]},
    "units": [  # tables holding tables: an array of tables, [[units]]
        {"id": "1", "data": {"x": Decimal("1.5"), "tiers": [{"name": "甲"}]}},
        {"id": "2", "data": {}},
        {},
    ],
}


def test_dumps_toml_reads_back_exactly() -> None:
    """Every kind of value TOML holds, written and read back, is the same document: types, digits,
    exponents, key order, escapes, nested tables and arrays of tables."""
    text = perfscore.dumps_toml(EVERYTHING)
    assert exact(parsed(text)) == exact(EVERYTHING)


def test_dumps_toml_writes_what_a_person_would() -> None:
    """Tables get headers, arrays of small tables an item per line, decimals their written digits."""
    document = {
        "ruleset": {"id": "x", "total": Decimal("100.0"), "rounding": {"places": 2}},
        "indicators": {
            "budget": {
                "name": "预算执行",
                "points": 15,
                "rate": {
                    "name": "执行率",
                    "bands": [{"max": Decimal("0.01"), "fraction": 1}, {"min": Decimal("0.01")}],
                },
            }
        },
    }
    assert perfscore.dumps_toml(document) == (
        "[ruleset]\n"
        'id = "x"\n'
        "total = 100.0\n"
        "\n"
        "[ruleset.rounding]\n"
        "places = 2\n"
        "\n"
        "[indicators.budget]\n"
        'name = "预算执行"\n'
        "points = 15\n"
        "\n"
        "[indicators.budget.rate]\n"
        'name = "执行率"\n'
        "bands = [\n"
        "  { max = 0.01, fraction = 1 },\n"
        "  { min = 0.01 },\n"
        "]\n"
    )


def test_dumps_toml_writes_whole_decimals_as_integers() -> None:
    """Decimal("5") is written 5 and reads back as the int 5 (same number); 1E+2 keeps its exponent."""
    text = perfscore.dumps_toml({"a": Decimal(5), "b": Decimal("1E+2"), "c": 0.1})
    assert text == "a = 5\nb = 1E+2\nc = 0.1\n"
    assert exact(parsed(text)) == exact({"a": 5, "b": Decimal("1E+2"), "c": Decimal("0.1")})


def test_dumps_toml_refuses_what_toml_cannot_hold() -> None:
    """Each value TOML cannot hold is a located problem of one RulesetError (also a ValueError), in document order."""
    document = {
        "none": None,
        "big": 2**64,
        "table": {"time": datetime.time(8, 0, tzinfo=datetime.timezone.utc), 1.5: "a float key"},
        "odd offset": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(seconds=30))),
        "list": [1, {"bytes": b"raw"}],
    }
    with pytest.raises(ValueError, match="6 problems") as caught:
        perfscore.dumps_toml(document)
    assert isinstance(caught.value, RulesetError)
    assert [(problem.location.path, problem.message) for problem in caught.value.problems] == [
        (("none",), "TOML has no null (None): leave the key out"),
        (("big",), "TOML integers are 64-bit (±9,223,372,036,854,775,807): write a larger number as a Decimal"),
        (("table", "time"), "TOML times have no time zone: use a datetime, or a time without tzinfo"),
        (("table", "1.5"), "invalid key: keys are text, got 1.5"),
        (("odd offset",), "TOML offsets are whole minutes, got a datetime offset of 0:00:30"),
        (
            ("list", 1, "bytes"),
            "expected text, a number, true/false, a date or time, a table (mapping) or an array (list); got bytes",
        ),
    ]


def test_dumps_toml_refuses_a_cycle_and_deep_nesting() -> None:
    """A list that contains itself, or nesting deeper than 100 levels, is refused, not written forever."""
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(RulesetError, match=r"loop\[0\]: the table or array contains itself"):
        perfscore.dumps_toml({"loop": loop})
    deep: Any = 1
    for _ in range(150):
        deep = [deep]
    with pytest.raises(RulesetError, match="nested more than 100 levels deep"):
        perfscore.dumps_toml({"deep": deep})


# --- the round trip, on random rulesets ------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rulesets_with_data())
def test_dict_to_ruleset_to_toml_to_ruleset_is_the_identity(case: tuple[GeneratedRuleset, dict[str, Any]]) -> None:
    """For any valid ruleset: its document as a dict → ruleset → dumps_toml → ruleset gives the same
    to_dict() and the same scores (every leaf's raw score and explanations, total, grade) as the
    ruleset loaded from the original text."""
    generated, values = case
    document = parsed(generated.text)
    from_data = perfscore.loads_dict(document, source="generated.toml")
    assert exact(from_data.to_dict()) == exact(document)
    text = perfscore.dumps_toml(from_data.to_dict())
    from_toml = perfscore.loads(text, source="generated.toml")
    assert exact(from_toml.to_dict()) == exact(from_data.to_dict())
    expected = outcome(generated.ruleset, values)
    assert outcome(from_data, values) == expected
    assert outcome(from_toml, values) == expected


# --- explain --format json -------------------------------------------------------------------------------


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("path", [pair[0] for pair in SHIPPED])
def test_explain_json_holds_the_whole_tree_in_both_languages(path: str) -> None:
    """Every node is in the JSON tree with its id, names and points; every leaf with its method, the
    sentence the text form prints (in both languages) and its parameters; numbers as exact text."""
    status, out, err = cli("explain", str(ROOT / path), "--format", "json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    ruleset = perfscore.load(ROOT / path)
    assert (data["id"], data["version"], data["total"]) == (ruleset.id, ruleset.version, str(ruleset.total_points))
    assert [item["name"] for item in data["inputs"]] == list(ruleset.inputs)
    assert [item["name"] for item in data["derived"]] == [item.name for item in ruleset.derived]

    def nodes(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [found for item in items for found in [item, *nodes(item.get("children", []))]]

    shown = nodes(data["indicators"])
    assert [node["id"] for node in shown] == [node.id for node in ruleset.indicators()]
    texts = {lang: explain_ruleset(ruleset, lang) for lang in ("zh", "en")}
    for node, indicator in zip(shown, ruleset.indicators(), strict=True):
        assert (node["name"], node["name_en"], node["points"]) == (
            indicator.name,
            indicator.name_en,
            str(indicator.points),
        )
        if indicator.method is None:
            assert node["method"] is None and "params" not in node
            continue
        assert node["method"] == indicator.method.name
        for lang in ("zh", "en"):
            assert node["describe"][lang] == indicator.method.describe(indicator, lang)
            assert node["describe"][lang] in texts[lang]
        assert set(node["params"]) <= set(type(indicator.spec).model_fields)
        assert not {"name", "points", "method"} & set(node["params"])


def test_explain_data_keeps_leaf_parameters_exact() -> None:
    """A leaf's parameters are data with exact decimals: the band edges of department-wide as written."""
    data = explain_data(perfscore.load(ROOT / "rulesets/department-wide.toml"))
    budget = next(node for node in data["indicators"] if node["id"] == "budget")
    carryover = next(node for node in budget["children"] if node["id"] == "budget.carryover_rate")
    assert carryover["params"]["value"] == "carryover_rate"
    assert [band.get("max") for band in carryover["params"]["bands"]] == ["0.01", "0.03", "0.05", None]
    assert data["rounding"]["describe"]["en"] == "half-up, 2 places, each indicator rounded, then summed"


def test_explain_json_is_the_documented_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/cli.md's `explain --format json` sample is what the command prints for the small.toml shown there."""
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = page.split("### As JSON", 1)[1]
    ruleset = re.search(r"```toml\n(.*?)```", section, re.DOTALL)
    command = "perfscore explain small.toml --format json"
    sample = re.search(rf"```text\n\$ {re.escape(command)}\n(.*?)```", section, re.DOTALL)
    assert ruleset is not None and sample is not None
    (tmp_path / "small.toml").write_text(ruleset.group(1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli(*command.split()[1:]) == (0, sample.group(1), "")


def test_explain_refuses_an_unknown_format() -> None:
    """explain --format xml is a usage error (status 2), as for the other commands."""
    status, _, err = cli("explain", str(ROOT / "rulesets/department-wide.toml"), "--format", "xml", "--lang", "en")
    assert status == 2
    assert "invalid choice: 'xml'" in err


def test_the_python_examples_of_ruleset_format_run() -> None:
    """docs/ruleset-format.md's "From Python" examples run, and their assertions hold."""
    page = (ROOT / "docs" / "ruleset-format.md").read_text(encoding="utf-8")
    section = page.split("## From Python: rulesets as data", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 2
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, "docs/ruleset-format.md", "exec"), namespace)  # our own documentation
    assert namespace["stricter"].score({"planned": 200, "trained": 180}).total == Decimal("10.00")
