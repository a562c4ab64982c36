"""Loading rulesets: every mistake is reported at load, located by key path, with the full text a user reads."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import perfscore
from helpers import HEADER, ROOT, one_leaf_text
from perfscore import RulesetError, UnreadableFileError

X = {"x": "number"}


def load_error(text: str, source: str | None = None) -> RulesetError:
    """The RulesetError that loading ``text`` raises."""
    with pytest.raises(RulesetError) as caught:
        perfscore.loads(text, source=source)
    return caught.value


def message(*lines: str, source: str = "<string>") -> str:
    """The rendered error: a count line, then one indented line (or block) per problem."""
    count = len([line for line in lines if not line.startswith("    ")])
    head = f"{source}: {count} problem{'s' if count != 1 else ''} in the ruleset"
    return "\n".join([head, *(f"  {line}" for line in lines)])


NESTED = (
    HEADER.format(total=100)
    + """
[inputs.x]
type = "number"
label = "x"

[indicators.output]
name = "产出"
points = 60

[indicators.output.quantity]
name = "数量"
points = 30

[indicators.output.quantity.cases]
name = "办结案件"
points = 20
method = "ratio"
actual = "x"
target = 10

[indicators.output.quality]
name = "质量"
points = 25
method = "ratio"
actual = "x"
target = 10

[indicators.effect]
name = "效益"
points = 30
method = "boolean"
value = "x > 1"
"""
)


def test_points_not_adding_up_at_every_level() -> None:
    """Each group whose children do not add up is reported with the parts (each indicator's name and
    points) and the difference.

    quantity: 20 ≠ 30 (−10); output: 30 + 25 = 55 ≠ 60 (−5); top level: 60 + 30 = 90 ≠ 100 (−10).
    """
    error = load_error(NESTED, "r.toml")
    assert str(error) == message(
        "r.toml: indicators.output.quantity: the points of its indicators add up to 20 (办结案件 20), "
        "not its own points 30; difference -10",
        "r.toml: indicators.output: the points of its indicators add up to 55 (数量 30 + 质量 25), "
        "not its own points 60; difference -5",
        "r.toml: indicators: the points of its indicators add up to 90 (产出 60 + 效益 30), "
        "not the declared total (ruleset.total) 100; difference -10",
        source="r.toml",
    )
    assert [problem.location.path for problem in error.problems] == [
        ("indicators", "output", "quantity"),
        ("indicators", "output"),
        ("indicators",),
    ]


def test_points_adding_up_over_the_total() -> None:
    """A leaf of 12 under a total of 10: the difference is +2."""
    text = one_leaf_text("boolean", inputs={"ok": "bool"}, value="ok", points=12).replace("total = 12", "total = 10")
    assert str(load_error(text)) == message(
        "<string>: indicators: the points of its indicators add up to 12 (测试指标 12), "
        "not the declared total (ruleset.total) 10; difference 2"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            one_leaf_text("ratoi", inputs=X, actual="x", target=1),
            "<string>: indicators.item.method: unknown method 'ratoi'; expected one of ratio, bands, rating, "
            "deduction, boolean, formula (did you mean 'ratio'?)",
            id="unknown method with suggestion",
        ),
        pytest.param(
            one_leaf_text("ratio", inputs=X, actual="x", target=1, direciton=">="),
            "<string>: indicators.item.direciton: unknown key (did you mean 'direction'?)",
            id="unknown key with did-you-mean",
        ),
        pytest.param(
            one_leaf_text("ratio", inputs=X, actual="x"),
            "<string>: indicators.item.target: missing required key",
            id="missing key",
        ),
        pytest.param(
            one_leaf_text("ratio", inputs=X, actual="x > 1", target=1),
            "<string>: indicators.item.actual: expected a number formula, but this one gives a bool value",
            id="bool where a number is expected",
        ),
        pytest.param(
            one_leaf_text("boolean", inputs=X, value="x + 1"),
            "<string>: indicators.item.value: expected a bool formula, but this one gives a number value",
            id="number where a bool is expected",
        ),
        pytest.param(
            one_leaf_text("rating", inputs=X, input="x"),
            "<string>: indicators.item.input: 'x' is a number input; a rating indicator reads a rating input",
            id="rating leaf reading a number input",
        ),
        pytest.param(
            one_leaf_text("rating", inputs={"quality": "rating"}, input="qualty"),
            "<string>: indicators.item.input: 'qualty' is not declared; a rating indicator reads a rating input "
            "(did you mean 'quality'?)",
            id="rating leaf reading an undeclared input",
        ),
        pytest.param(
            one_leaf_text("boolean", inputs={"ok": "bool"}, value="ok").replace("points = 10", 'points = "ten"'),
            "<string>: indicators.item.points: expected a valid decimal, got 'ten'",
            id="points not a number",
        ),
        pytest.param(
            one_leaf_text("ratio", inputs=X, actual="x", target=1, direction="<=", over_target={"above": 2}),
            "<string>: indicators.item: over_target applies to '>=' and '=' indicators, not '<='",
            id="over_target on a ≤ indicator",
        ),
        pytest.param(
            one_leaf_text("ratio", inputs=X, actual="x", target=1, over_target={"above": 2, "action": "deduct"}),
            "<string>: indicators.item.over_target: give 'deduct' (points) exactly when action = \"deduct\"",
            id="deduct action without an amount",
        ),
        pytest.param(
            one_leaf_text("bands", inputs=X, value="x", bands=[{"min": 0, "points": 11}]),
            "<string>: indicators.item.bands[0].points: a band gives 11 points, more than the indicator's 10",
            id="band worth more than its leaf",
        ),
    ],
)
def test_one_mistake_one_message(text: str, expected: str) -> None:
    """A single mistake in a leaf gives exactly one located message."""
    assert str(load_error(text)) == message(expected)


def test_undefined_name_in_a_formula_points_at_it() -> None:
    """An unknown name is marked with a caret under it and a suggestion of the closest declared name."""
    error = load_error(one_leaf_text("ratio", inputs={"cases": "number"}, actual="cses / 2", target=1))
    assert str(error) == message(
        "<string>: indicators.item.actual: unknown name 'cses' (did you mean 'cases'?)",
        "    cses / 2",
        "    ^~~~",
    )
    (problem,) = error.problems
    assert (problem.suggestion, problem.location.span.start, problem.location.span.end) == ("cases", 0, 4)


def test_every_unknown_name_in_a_formula_is_reported() -> None:
    """Two unknown names in one formula give two messages, each with its own caret."""
    error = load_error(one_leaf_text("ratio", inputs=X, actual="x", target="cases * 2 + y"))
    assert str(error) == message(
        "<string>: indicators.item.target: unknown name 'cases'",
        "    cases * 2 + y",
        "    ^~~~~",
        "<string>: indicators.item.target: unknown name 'y'",
        "    cases * 2 + y",
        "                ^",
    )


def test_cycle_among_derived_values_is_one_message() -> None:
    """a = b + 1 and b = a * 2 form a cycle: reported once, without calling a or b unknown names."""
    error = load_error(one_leaf_text("ratio", inputs=X, derived={"a": "b + 1", "b": "a * 2"}, actual="x", target=1))
    assert str(error) == message("<string>: derived.a: derived values form a cycle: a → b → a")


def test_malformed_toml_gives_line_and_column() -> None:
    """A table header missing its ']' on line 7 is reported at line 7, column 14 (just past the 13 characters)."""
    error = load_error(HEADER.format(total=10) + "[indicators.a\nname = 1\n", "bad.toml")
    assert str(error) == message(
        "bad.toml:7:14: invalid TOML: Expected ']' at the end of a table declaration\n"
        f"      7 | [indicators.a\n        | {' ' * 13}^",
        source="bad.toml",
    )
    (problem,) = error.problems
    assert (problem.location.line, problem.location.column) == (7, 14)


SEVERAL_MISTAKES = """\
[ruleset]
id = "test"
title = "测试"
version = "1"
sources = ["测试"]
totl = 100

[inputs.cases]
type = "count"
label = "办结案件数"

[indicator.extra]
name = "多余"

[indicators.output]
name = "产出"
points = 100

[indicators.output.quantity]
name = "数量"
points = 60

[indicators.output.quantity.cases]
name = "办结案件"
points = 60
method = "ratio"
actual = "cases"
target = "cases_planed"

[indicators.output.quality]
name = "质量"
points = 40
method = "ratoi"
actual = "cases"
target = 10
"""


def test_several_mistakes_reported_at_once() -> None:
    """Four mistakes (a misspelt top-level table, a misspelt key, an unknown name, an unknown method) give four
    messages, each at its full key path, such as indicators.output.quantity.cases.target."""
    error = load_error(SEVERAL_MISTAKES, "bad.toml")
    assert str(error) == message(
        "bad.toml: indicator: unknown top-level table (did you mean 'indicators'?)",
        "bad.toml: ruleset.totl: unknown key (did you mean 'total'?)",
        "bad.toml: indicators.output.quantity.cases.target: unknown name 'cases_planed'",
        "    cases_planed",
        "    ^~~~~~~~~~~~",
        "bad.toml: indicators.output.quality.method: unknown method 'ratoi'; expected one of ratio, bands, rating, "
        "deduction, boolean, formula (did you mean 'ratio'?)",
        source="bad.toml",
    )
    assert len(error.problems) == 4


def test_a_broken_leaf_does_not_make_its_group_look_empty() -> None:
    """A group whose only leaf has a bad formula gets one message (the formula's), not also 'needs sub-indicators'."""
    text = (
        HEADER.format(total=10)
        + '[inputs.x]\nlabel = "x"\n'
        + '[indicators.output]\nname = "产出"\npoints = 10\n'
        + '[indicators.output.cases]\nname = "案件"\npoints = 10\nmethod = "ratio"\nactual = "y"\ntarget = 1\n'
    )
    error = load_error(text)
    assert [problem.message for problem in error.problems] == ["unknown name 'y'"]


def test_ruleset_error_is_a_value_error_with_located_problems() -> None:
    """RulesetError can be caught as ValueError or PerfscoreError; each problem carries file and key path."""
    error = load_error(one_leaf_text("ratio", inputs=X, actual="x"), "r.toml")
    assert isinstance(error, ValueError)
    assert isinstance(error, perfscore.PerfscoreError)
    (problem,) = error.problems
    assert (problem.location.file, problem.location.path) == ("r.toml", ("indicators", "item", "target"))
    assert problem.message == "missing required key"


# --- files ----------------------------------------------------------------------------------


def test_load_missing_file(tmp_path: Path) -> None:
    """A file that is not there is a UnreadableFileError (an OSError) naming the path."""
    path = tmp_path / "missing.toml"
    with pytest.raises(UnreadableFileError) as caught:
        perfscore.load(path)
    assert str(caught.value) == f"{path}: cannot read the ruleset (No such file or directory)"
    assert isinstance(caught.value, OSError)


def test_load_non_utf8_file(tmp_path: Path) -> None:
    """A GBK-encoded file is refused at the first line that is not UTF-8: line 3, title = "测试规则" (its
    first Chinese text), shown as GBK reads it, with how to save the file as UTF-8 instead."""
    path = tmp_path / "gbk.toml"
    path.write_bytes(one_leaf_text("boolean", inputs={"ok": "bool"}, value="ok").encode("gbk"))
    with pytest.raises(RulesetError) as caught:
        perfscore.load(path)
    assert str(caught.value) == (
        f"{path}: 1 problem in the ruleset\n  {path}:3: the file is saved as GBK/GB18030 "
        '(line 3: title = "测试规则"), not UTF-8: save it as UTF-8 instead (Notepad: Save As → Encoding: UTF-8)'
    )


def test_load_file_with_bom(tmp_path: Path) -> None:
    """A UTF-8 file starting with a byte-order mark (as Windows editors write) loads and scores normally."""
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + one_leaf_text("boolean", inputs={"ok": "bool"}, value="ok").encode())
    ruleset = perfscore.load(path)
    assert (ruleset.id, ruleset.source) == ("test", str(path))
    assert ruleset.score({"ok": True}).total == perfscore.loads(ruleset.text).score({"ok": True}).total
    assert pickle.loads(pickle.dumps(ruleset)).score({"ok": False}).item("item").lost == 10


def test_loads_text_with_bom() -> None:
    """loads() also accepts text that starts with U+FEFF."""
    assert perfscore.loads("\ufeff" + one_leaf_text("boolean", inputs={"ok": "bool"}, value="ok")).id == "test"


def test_shipped_ruleset_loads() -> None:
    """The shipped department-wide ruleset loads: 4 groups, 12 leaves, out of 100."""
    ruleset = perfscore.load(ROOT / "rulesets" / "department-wide.toml")
    assert ([root.id for root in ruleset.roots], len(ruleset.leaves)) == (["budget", "output", "effect", "management"], 12)
    assert ruleset.total_points == 100
