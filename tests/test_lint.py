"""Static checks (perfscore.checks): each deliberate mistake in tests/broken/ is found exactly where it
is; every rule says what a user reads; lint never raises; ranges come from interval arithmetic that
holds for every value a formula really gives."""

from __future__ import annotations

import ast
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfscore
from helpers import ROOT, input_table, one_leaf_text, table
from perfscore import ScoringError
from perfscore.checks import Context, Diagnostic, lint, lint_text
from perfscore.errors import Location, Span, format_key_path
from perfscore.expressions import Kind, compile_expression
from perfscore.intervals import EITHER, Bound, Interval, analyse, trend
from strategies import decimals, number_formulas, rulesets, rulesets_with_data

BROKEN = sorted((ROOT / "tests" / "broken").glob("*.toml"))
SHIPPED = sorted((ROOT / "rulesets").glob("*.toml")) + sorted((ROOT / "examples").glob("**/ruleset.toml"))
EXPECT = re.compile(r"^# expect: (\S+) at (\S+)\s*$", re.MULTILINE)

SEVERITY = {
    "points-sum": "error", "cycle": "error", "template-field": "error", "unknown-method": "error",
    "unknown-name": "error", "band-gap": "error", "reversed-direction": "error",
    "band-overlap": "warning", "band-unreachable": "warning", "tier-gap": "warning", "tier-overlap": "warning",
    "tier-empty": "warning", "divisor-may-be-zero": "warning", "formula-out-of-range": "warning",
    "unused-input": "warning", "unused-derived": "warning", "unused-scale": "warning",
    "ratio-target-zero": "warning", "target-out-of-range": "warning", "never-loses-points": "warning",
    "never-earns-points": "warning", "duplicate-indicator-name": "warning", "zero-points": "warning",
    "formula-range-unproven": "info",
}  # fmt: skip
"""The severity each code found in tests/broken/ has."""


def found(diagnostics: list[Diagnostic]) -> list[tuple[str, str]]:
    return [(d.code, format_key_path(d.location.path)) for d in diagnostics]


def messages(text: str) -> list[str]:
    """What ``perfscore check`` prints for each diagnostic of a ruleset's text (without the file)."""
    return [d.render(file=False, tagged=True) for d in lint_text(text)]


def _id(path: Path) -> str:
    return path.stem


# --- one file per mistake ------------------------------------------------------------------------


def test_every_broken_file_says_what_it_expects() -> None:
    """Each file in tests/broken/ has at least one '# expect: CODE at KEY.PATH' line."""
    assert len(BROKEN) >= 20
    for path in BROKEN:
        assert EXPECT.search(path.read_text(encoding="utf-8")), path.name


@pytest.mark.parametrize("path", BROKEN, ids=_id)
def test_broken_ruleset_gives_exactly_its_diagnostic(path: Path) -> None:
    """A ruleset with one deliberate mistake gives that diagnostic, at that key path, and nothing else."""
    expected = EXPECT.findall(path.read_text(encoding="utf-8"))
    diagnostics = lint(path)
    assert found(diagnostics) == expected
    assert [d.severity for d in diagnostics] == [SEVERITY[code] for code, _ in expected]
    assert all(d.location.file == str(path) for d in diagnostics)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: str(path.relative_to(ROOT)))
def test_shipped_rulesets_have_no_errors(path: Path) -> None:
    """The rulesets perfscore ships load and give no error-level diagnostic."""
    assert [d.render(tagged=True) for d in lint(path) if d.severity == "error"] == []


# --- the examples in docs/consistency.md --------------------------------------------------------

DOC = ROOT / "docs" / "consistency.md"
DOC_HEADER = '[ruleset]\nid = "example"\ntitle = "示例"\nversion = "1"\nsources = ["示例"]\ntotal = 10\n\n'
FENCE = re.compile(r"^```(toml|text)\n(.*?)^```", re.MULTILINE | re.DOTALL)
CHECK = re.compile(r"^# check: (clean|\S+ at \S+)\n")


def doc_examples() -> list[str]:
    """The ```toml fragments of docs/consistency.md that start with '# check: CODE at PATH' or '# check: clean'."""
    return [body for kind, body in FENCE.findall(DOC.read_text(encoding="utf-8")) if CHECK.match(body)]


@pytest.mark.parametrize("fragment", doc_examples(), ids=lambda body: CHECK.match(body).group(1))  # type: ignore[union-attr]
def test_documented_example_gives_its_diagnostic(fragment: str) -> None:
    """Each example on the consistency page, after the page's [ruleset] table, gives what its first line says."""
    expected = CHECK.match(fragment).group(1)  # type: ignore[union-attr]
    wanted = [] if expected == "clean" else [tuple(expected.split(" at "))]
    assert found(lint_text(DOC_HEADER + fragment)) == wanted


def test_documented_command_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's first ruleset, saved as gap.toml, gives exactly the output and status the page shows."""
    from perfscore.cli import run

    blocks = FENCE.findall(DOC.read_text(encoding="utf-8"))
    ruleset = next(body for kind, body in blocks if kind == "toml")
    session = next(body for kind, body in blocks if body.startswith("$ perfscore check gap.toml\n"))
    (tmp_path / "gap.toml").write_text(ruleset, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    status = run(["check", "gap.toml"], out, io.StringIO())
    assert session == f"$ perfscore check gap.toml\n{out.getvalue()}$ echo $?\n{status}\n"
    assert len(doc_examples()) >= 15


# --- each rule, with the full text a user reads ------------------------------------------------

RATE = {"rate": {"type": "percent", "min": 0, "max": 100}}
COUNT = {"n": {"type": "count"}}


def test_a_gap_in_bands_over_an_input_range_is_an_error() -> None:
    """band-gap: values of the declared range that no band holds; scoring such a unit fails."""
    text = one_leaf_text(
        "bands", inputs=RATE, value="rate", bands=[{"max": 60, "fraction": 0}, {"min": 70, "fraction": 1}]
    )
    assert messages(text) == [
        "indicators.item.bands: error[band-gap]: values in [60, 70) fall in no band, and scoring a unit whose value "
        "is there fails; the value rate ranges over [0, 100]"
    ]


def test_bands_missing_values_outside_the_declared_range_are_fine() -> None:
    """Bands need only cover the value's possible range: 0–100 for a percent declared so."""
    text = one_leaf_text(
        "bands",
        inputs=RATE,
        value="rate",
        bands=[{"min": 0, "max": 60, "fraction": 0}, {"min": 60, "max": 100, "max_inclusive": True, "fraction": 1}],
    )
    assert messages(text) == []


def test_an_undeclared_range_must_be_covered_in_full() -> None:
    """A number without min or max can be anything: bands starting at 0 leave the negatives uncovered."""
    bands = [{"min": 0, "max": 60, "fraction": "0.5"}, {"min": 60, "fraction": 1}]
    text = one_leaf_text("bands", inputs={"x": "number"}, value="x", bands=bands)
    assert messages(text) == [
        "indicators.item.bands: error[band-gap]: values in (−∞, 0) fall in no band, and scoring a unit whose value "
        "is there fails; the value x ranges over (−∞, +∞)"
    ]


def test_counts_have_no_values_between_whole_numbers() -> None:
    """Bands ≤ 0 and ≥ 1 cover every count: nothing lies between 0 and 1."""
    bands = [{"max": 0, "max_inclusive": True, "fraction": 1}, {"min": 1, "fraction": 0}]
    assert messages(one_leaf_text("bands", inputs=COUNT, value="n", bands=bands)) == []


def test_a_gap_the_value_may_skip_is_a_warning() -> None:
    """n × 2 of a count is always even: a gap around 1 may never be met, so it is not called an error."""
    bands = [{"max": 1, "fraction": 1}, {"min": 2, "fraction": 0}]
    assert messages(one_leaf_text("bands", inputs=COUNT, value="n * 2", bands=bands)) == [
        "indicators.item.bands: warning[band-gap]: values in 1 fall in no band, and scoring a unit whose value is "
        "there fails; the value n * 2 ranges over [0, +∞) (whether it can fall in the gap is not certain: the "
        "formula uses whole-number arithmetic)"
    ]


def test_bands_over_a_derived_value_use_its_computed_range() -> None:
    """A derived value's range comes from its formula: done / planned with done ≤ planned is within [0, 1]."""
    inputs = {"planned": {"type": "count", "min": 1}, "done": {"type": "count", "max": "planned"}}
    bands = [{"max": "0.9", "fraction": 0}, {"min": "0.9", "max": 1, "max_inclusive": True, "fraction": 1}]
    text = one_leaf_text("bands", inputs=inputs, derived={"share": "done / planned"}, value="share", bands=bands)
    assert lint_text(text) == []


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("executed / budget if budget > 0 else 0", []),
        ("executed / max(budget, 1)", []),
        ("0 if budget == 0 else executed / budget", []),
        (
            "executed / budget",
            [
                "indicators.item.actual: warning[divisor-may-be-zero]: budget may be 0 (inputs.budget has min = 0); "
                "declare min > 0 or guard the formula (… if budget > 0 else …)\n"
                "    executed / budget\n"
                "               ^~~~~~"
            ],
        ),
        (
            "executed / (budget - 10)",
            [
                "indicators.item.actual: warning[divisor-may-be-zero]: the divisor budget - 10 may be 0 (it ranges over "
                "[-10, +∞)); guard the formula (… if (budget - 10) > 0 else …)\n"
                "    executed / (budget - 10)\n"
                "                ^~~~~~~~~~~"
            ],
        ),
    ],
)
def test_a_divisor_that_may_be_zero_is_pointed_at(formula: str, expected: list[str]) -> None:
    """divisor-may-be-zero: the caret is under the divisor; a guard or a floor on the divisor silences it."""
    inputs = {"budget": {"type": "number", "min": 0}, "executed": {"type": "number", "min": 0}}
    assert messages(one_leaf_text("ratio", inputs=inputs, actual=formula, target=1)) == expected


def test_a_derived_value_with_a_fallback_is_guarded() -> None:
    """A derived value that declares a fallback does not stop scoring on a zero divisor: no warning."""
    text = one_leaf_text("ratio", inputs={"budget": {"min": 0}, "executed": {"min": 0}}, actual="rate", target=1)
    text += '\n[derived.rate]\nformula = "executed / budget"\nfallback = 0\n'
    assert messages(text) == []


def test_a_divisor_in_chinese_text_is_pointed_at_by_characters() -> None:
    """Spans count characters, not UTF-8 bytes: the caret lines up after a text literal in Chinese."""
    inputs = {"status": "text", "budget": {"min": 0}, "x": {"min": 0}}
    text = one_leaf_text("ratio", inputs=inputs, actual='x / budget if status == "完成" else 0', target=1)
    (diagnostic,) = lint_text(text)
    assert diagnostic.location.span == Span('x / budget if status == "完成" else 0', 4, 10)


def test_formula_that_exceeds_its_points_is_proved() -> None:
    """formula-out-of-range: single-use interval arithmetic gives the true range, here [0, 10] for 8 points."""
    text = one_leaf_text("formula", points=8, inputs=RATE, formula="rate / 10")
    assert messages(text) == [
        "indicators.item.formula: warning[formula-out-of-range]: over the declared input ranges the formula gives "
        "values in [0, 10], outside [0, 8]; such results are clamped to [0, 8]"
    ]


def test_formula_without_bounds_on_its_inputs_says_to_declare_them() -> None:
    """An input without a max lets points × x grow without limit."""
    text = one_leaf_text("formula", inputs={"x": {"min": 0}}, formula="points * x")
    assert messages(text) == [
        "indicators.item.formula: warning[formula-out-of-range]: over the declared input ranges the formula gives "
        "values in [0, +∞), outside [0, 10]; such results are clamped to [0, 10] (declare min and max on its "
        "inputs, or clamp the formula)"
    ]


@pytest.mark.parametrize(
    "formula",
    ["rate / 100 * points", "clamp(points * rate / 90, 0, points)", "min(rate, 90) / 9", "points - abs(rate - 50) / 5"],
)
def test_formula_within_its_points_is_proved(formula: str) -> None:
    """Formulas that stay within [0, points] over the declared ranges give no diagnostic."""
    assert messages(one_leaf_text("formula", inputs=RATE, formula=formula)) == []


def test_formula_that_cannot_be_proved_says_why() -> None:
    """formula-range-unproven (info): the formula reads rate twice, so intervals over-estimate."""
    text = one_leaf_text("formula", inputs=RATE, formula="rate / 10 - rate / 200")
    assert messages(text) == [
        "indicators.item.formula: info[formula-range-unproven]: could not prove the formula stays within [0, 10] "
        "over the declared input ranges (it may range over [-0.5, 10]; the formula uses rate more than once)"
    ]


def test_a_bound_naming_another_input_proves_a_share() -> None:
    """With executed ≤ budget (max = "budget") executed / budget × points stays within [0, points]."""
    inputs = {"budget": {"min": 1}, "executed": {"min": 0, "max": "budget"}}
    assert messages(one_leaf_text("formula", inputs=inputs, formula="executed / budget * points")) == []


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (
            {"target": 0},
            "indicators.item.target: warning[ratio-target-zero]: a target of 0 is always met: the indicator gives all "
            'its points whatever the actual; give the real target, or use direction = "=" if the target means "none '
            'at all"',
        ),
        (
            {"target": 0, "direction": "<="},
            "indicators.item.target: warning[ratio-target-zero]: with a target of 0 the '<=' formula never applies: "
            'an actual above it scores 0; use direction = "=" (target 0 means "none at all") or give the real target',
        ),
        (
            {"target": 120},
            "indicators.item.target: warning[target-out-of-range]: the target 120 is above every possible actual "
            "(rate ranges over [0, 100]): the indicator can never earn full points",
        ),
        (
            {"target": 120, "direction": "=", "equal": "at-least"},
            "indicators.item.target: warning[target-out-of-range]: the target 120 is above every possible actual "
            "(rate ranges over [0, 100]): the indicator can never earn full points",
        ),
    ],
)
def test_ratio_targets(keys: dict[str, Any], expected: str) -> None:
    """A constant target of 0 for '>=' or '<=', or a target beyond every actual, is a warning."""
    assert messages(one_leaf_text("ratio", inputs=RATE, actual="rate", **keys)) == [expected]


def test_a_target_of_zero_meaning_none_at_all_is_fine() -> None:
    """direction = "=" with target 0 is the documented "none at all" form (e.g. 民转刑案件数 = 0)."""
    assert messages(one_leaf_text("ratio", inputs=COUNT, actual="n", target=0, direction="=")) == []


CARRYOVER = {"budget": {"min": 1}, "carryover": {"min": 0, "better": "lower"}}


@pytest.mark.parametrize(
    ("actual", "direction", "target", "verdict"),
    [
        ("carryover", ">=", 5, "rises"),
        ("carryover / budget", ">=", "0.05", "rises"),
        ("carryover / budget * 100", "=", 5, "rises"),
        ("carryover", "<=", 5, None),
        ("carryover / budget", "<=", "0.05", None),
        ("1 - carryover / budget", ">=", "0.95", None),
        ("1 - carryover / budget", "<=", "0.95", "falls"),
        ("carryover", "=", 0, None),
    ],
)
def test_a_reverse_indicator_scored_the_wrong_way_is_an_error(
    actual: str, direction: str, target: Any, verdict: str | None
) -> None:
    """reversed-direction: the ratio rewards the actual moving the way inputs.carryover says is worse."""
    text = one_leaf_text("ratio", inputs=CARRYOVER, actual=actual, target=Decimal(str(target)), direction=direction)
    errors = [d for d in lint_text(text) if d.code == "reversed-direction"]
    if verdict is None:
        assert errors == []
        return
    way, fix = ("higher", "<=") if direction in (">=", "=") else ("lower", ">=")
    assert [d.render(file=False, tagged=True) for d in errors] == [
        f"indicators.item: error[reversed-direction]: 测试指标 gives more points for a {way} actual, but the actual "
        f"{actual} {verdict} with inputs.carryover (carryover), for which lower is better: a reverse indicator "
        f'scored the wrong way; use direction = "{fix}"'
    ]


def test_a_higher_is_better_input_in_a_at_most_ratio_is_an_error() -> None:
    """better = "higher" used as the actual of a '<=' ratio rewards the lower, worse value."""
    text = one_leaf_text(
        "ratio", inputs={"cases": {"type": "count", "better": "higher"}}, actual="cases", target=50, direction="<="
    )
    assert messages(text) == [
        "indicators.item: error[reversed-direction]: 测试指标 gives more points for a lower actual, but the actual "
        "cases rises with inputs.cases (cases), for which higher is better: a reverse indicator scored the wrong "
        'way; use direction = ">="'
    ]


@pytest.mark.parametrize(
    ("method", "inputs", "keys", "why"),
    [
        ("deduction", {"n": {"type": "count", "max": 0}}, {"count": "n", "each": 1}, "its count n is always 0"),
        ("deduction", COUNT, {"count": "n", "each": 1, "cap": 0}, "its cap is 0"),
        ("ratio", {"x": {"min": 100}}, {"actual": "x", "target": 95},
         "the actual x ranges over [100, +∞) and the target is 95"),
        ("ratio", {"x": {"min": 0, "max": 80}}, {"actual": "x", "target": 90, "direction": "<="},
         "the actual x ranges over [0, 80] and the target is 90"),
        ("boolean", RATE, {"value": "rate <= 100 or rate > 50"},
         "its condition rate <= 100 or rate > 50 is always true over the declared input ranges"),
        ("formula", RATE, {"formula": "points + rate"},
         "over the declared input ranges its formula gives [10, 110]"),
    ],
)  # fmt: skip
def test_an_indicator_that_can_never_lose_points(method: str, inputs: Any, keys: dict[str, Any], why: str) -> None:
    """never-loses-points: whatever the data within the declared ranges, the score is full."""
    diagnostics = [d for d in lint_text(one_leaf_text(method, inputs=inputs, **keys)) if d.code == "never-loses-points"]
    assert [d.render(file=False, tagged=True) for d in diagnostics] == [
        f"indicators.item: warning[never-loses-points]: 测试指标 can never lose points: {why}"
    ]


@pytest.mark.parametrize(
    ("method", "inputs", "keys", "why"),
    [
        ("ratio", {"n": {"type": "count", "max": 0}}, {"actual": "n", "target": 5},
         "the actual n ranges over 0 and the target is 5 (negative actuals count as 0)"),
        ("ratio", {"x": {"min": 20}}, {"actual": "x", "target": 10, "direction": "<="},
         "the actual x ranges over [20, +∞) and the target is 10, so the actual is always at least twice the target"),
        ("ratio", RATE, {"actual": "rate", "target": 120, "direction": "=", "equal": "exact"},
         "the actual rate ranges over [0, 100] and the target is 120"),
        ("boolean", RATE, {"value": "rate > 100"},
         "its condition rate > 100 is always false over the declared input ranges"),
        ("bands", RATE, {"value": "rate", "bands": [{"max": 50, "fraction": 0}, {"min": 50, "points": 0}]},
         "every band its value can reach gives 0 points (the value rate ranges over [0, 100])"),
        ("formula", RATE, {"formula": "rate - 100"}, "over the declared input ranges its formula gives [-100, 0]"),
    ],
)  # fmt: skip
def test_an_indicator_that_can_never_earn_points(method: str, inputs: Any, keys: dict[str, Any], why: str) -> None:
    """never-earns-points: whatever the data within the declared ranges, the score is 0."""
    diagnostics = [d for d in lint_text(one_leaf_text(method, inputs=inputs, **keys)) if d.code == "never-earns-points"]
    assert [d.render(file=False, tagged=True) for d in diagnostics] == [
        f"indicators.item: warning[never-earns-points]: 测试指标 can never earn any points: {why}"
    ]


def test_a_rating_scale_that_only_gives_full_marks() -> None:
    """A rating whose every tier starts at 100% can never lose points (and its scale leaves 0–100% uncovered)."""
    text = one_leaf_text("rating", inputs={"grade": {"type": "rating", "scale": "pass"}}, input="grade")
    text += '\n[[scales.pass.tiers]]\nname = "通过"\nname_en = "passed"\nmin = 1\nmax = 1\nmax_inclusive = true\n'
    assert messages(text) == [
        "scales.pass.tiers: warning[tier-gap]: no tier covers [0, 1) (shares of the points): no score there can be "
        "given; make each tier's max the next tier's min, and include 1 in the top tier (max_inclusive = true)",
        "indicators.item: warning[never-loses-points]: 测试指标 can never lose points: every tier of the scale "
        "'pass' gives all the points",
    ]


def test_unused_input_read_only_by_an_unused_derived_value() -> None:
    """An input read only by a derived value that no indicator reads is unused too; so is that value."""
    text = one_leaf_text(
        "ratio", inputs={**RATE, "spare": "number"}, derived={"twice": "spare * 2"}, actual="rate", target=90
    )
    assert found(lint_text(text)) == [("unused-input", "inputs.spare"), ("unused-derived", "derived.twice")]


def test_a_derived_value_read_through_another_is_used() -> None:
    """derived.a read only by derived.b, which an indicator reads, is used."""
    text = one_leaf_text("ratio", inputs=RATE, derived={"a": "rate / 100", "b": "a * 100"}, actual="b", target=90)
    assert lint_text(text) == []


def test_duplicate_names_at_the_top_level() -> None:
    """Two top-level indicators with one name are reported at the second one's name."""
    parts = [
        '[ruleset]\nid = "t"\ntitle = "t"\nversion = "1"\nsources = ["t"]\ntotal = 10\n',
        input_table("rate", {"type": "percent", "min": 0, "max": 100}),
        table("indicators.a", {"name": "完成率", "points": 5, "method": "ratio", "actual": "rate", "target": 90}),
        table("indicators.b", {"name": "完成率", "points": 5, "method": "ratio", "actual": "rate", "target": 95}),
    ]
    assert messages("\n".join(parts)) == [
        "indicators.b.name: warning[duplicate-indicator-name]: indicators.a at the top level is also named 完成率: "
        "reports cannot tell the two apart"
    ]


# --- Diagnostic, and lint never raising ---------------------------------------------------------


def test_diagnostic_renders_like_a_problem() -> None:
    """file: key path: severity[code]: message, then the suggestion and a caret under the span."""
    location = Location("r.toml", ("indicators", "item", "actual"), span=Span("rat / 2", 0, 3))
    diagnostic = Diagnostic(location, "unknown name 'rat'", "rate", code="unknown-name", severity="error")
    assert diagnostic.render(tagged=True) == (
        "r.toml: indicators.item.actual: error[unknown-name]: unknown name 'rat' (did you mean 'rate'?)\n"
        "    rat / 2\n"
        "    ^~~"
    )
    assert diagnostic.render(file=False, tagged=True).splitlines()[0] == (
        "indicators.item.actual: error[unknown-name]: unknown name 'rat' (did you mean 'rate'?)"
    )


def test_diagnostic_as_data() -> None:
    """to_dict() gives every field as plain JSON data: the key path as text and as its parts."""
    location = Location("r.toml", ("indicators", "item", "bands", 1), span=None)
    assert Diagnostic(location, "overlap", code="band-overlap", severity="warning").to_dict() == {
        "code": "band-overlap",
        "meaning": {"zh": "区间相互重叠", "en": "bands that overlap"},
        "severity": "warning",
        "message": {"zh": None, "en": "overlap"},
        "suggestion": None,
        "excerpt": None,
        "file": "r.toml",
        "path": "indicators.item.bands[1]",
        "keys": ["indicators", "item", "bands", 1],
        "line": None,
        "column": None,
        "span": None,
    }
    spanned = Diagnostic(Location(None, ("derived", "r"), span=Span("a / b", 4, 5)), "m", code="divisor-may-be-zero", severity="info")
    assert spanned.to_dict()["span"] == {"expression": "a / b", "start": 4, "end": 5}


def test_a_file_that_cannot_be_read_is_one_diagnostic(tmp_path: Path) -> None:
    """A missing file, or a directory, gives one unreadable-file error; lint does not raise."""
    missing = tmp_path / "missing.toml"
    assert [d.render(tagged=True) for d in lint(missing)] == [
        f"{missing}: error[unreadable-file]: cannot read the ruleset (No such file or directory)"
    ]
    assert [d.code for d in lint(tmp_path)] == ["unreadable-file"]


def test_a_file_that_does_not_parse_gives_the_loaders_problems(tmp_path: Path) -> None:
    """Bad bytes and bad TOML become error diagnostics with the loader's codes, line and column."""
    (tmp_path / "bytes.toml").write_bytes(b"\xff\xfe")
    (tmp_path / "syntax.toml").write_text("[ruleset\nid = 1\n", encoding="utf-8")
    assert [d.render(file=False, tagged=True) for d in lint(tmp_path / "bytes.toml")] == [
        "(file): error[encoding]: the file is saved as UTF-16 (Notepad's \"Unicode\"): save it as UTF-8 instead "
        "(Notepad: Save As → Encoding: UTF-8)"  # FF FE is UTF-16's byte-order mark
    ]
    assert [d.render(file=False, tagged=True) for d in lint(tmp_path / "syntax.toml")] == [
        "line 1, column 9: error[toml-syntax]: invalid TOML: Expected ']' at the end of a table declaration\n"
        "    1 | [ruleset\n"
        "      |         ^"
    ]


def test_lint_text_and_a_loaded_ruleset() -> None:
    """lint() takes a loaded Ruleset too, and lint_text() TOML text; both give the same diagnostics."""
    text = one_leaf_text("formula", points=8, inputs=RATE, formula="rate / 10")
    assert lint(perfscore.loads(text)) == lint_text(text)
    assert found(lint_text("")) == [("not-a-table", "ruleset"), ("not-a-table", "indicators")]


def test_a_failing_rule_is_reported_and_the_others_still_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in one rule becomes a lint-failed warning, not an exception, and the other rules still report."""
    import perfscore.checks as module

    def broken_rule(context: Context) -> Iterator[Diagnostic]:
        raise ZeroDivisionError("boom")
        yield  # pragma: no cover - makes this a generator like the real rules

    monkeypatch.setattr(module, "RULES", (broken_rule, module.zero_points))
    ruleset = perfscore.loads(one_leaf_text("ratio", inputs=RATE, actual="rate", target=90))
    assert [d.render(tagged=True) for d in module.check(ruleset)] == [
        "<string>: warning[lint-failed]: the check 'broken_rule' failed (ZeroDivisionError: boom); please report this"
    ]


class TestLintNeverRaises:
    """lint_text returns diagnostics for any text at all, and a generated valid ruleset has no errors."""

    @given(st.text(max_size=300))
    def test_any_text(self, text: str) -> None:
        assert all(isinstance(d, Diagnostic) for d in lint_text(text))

    @given(rulesets())
    def test_generated_rulesets_have_no_errors(self, generated: Any) -> None:
        assert [d.render(tagged=True) for d in lint_text(generated.text) if d.severity == "error"] == []


class TestFixedScoresHoldForData:
    """A leaf lint calls never-losing scores full points for any valid data it has; a never-earning one 0;
    every derived value lies within the range lint worked out for it."""

    @given(rulesets_with_data())
    def test_claims_hold(self, case: Any) -> None:
        generated, values = case
        ruleset = perfscore.loads(generated.text)
        result = ruleset.score(values)
        context = Context(ruleset)
        for derived in ruleset.derived:
            value, bound = result.values.get(derived.name), context.names[derived.name].value
            if isinstance(bound, Interval) and value is not None:  # None: its inputs are missing
                assert bound.contains(value) or within_rounding(value, bound), derived.name
        for diagnostic in lint(ruleset):
            if diagnostic.code in ("never-loses-points", "never-earns-points"):
                leaf = result.item(".".join(str(part) for part in diagnostic.location.path[1:]))
                if leaf.missing:
                    continue  # missing = "zero": a unit that leaves the data out scores 0, whatever the rule
                assert leaf.raw == (leaf.points if diagnostic.code == "never-loses-points" else 0)


# --- interval arithmetic -----------------------------------------------------------------------

NAMES = {
    "p": Bound(Interval(Decimal(0), Decimal(100)), {"p": 1}),  # a percent declared 0–100
    "x": Bound(Interval(Decimal(0)), {"x": 1}),  # a number declared min = 0
    "n": Bound(Interval(Decimal(0), whole=True), {"n": 1}),  # a count
    "f": Bound(EITHER, {"f": 1}),  # a yes/no
}
KINDS = {"p": Kind.NUMBER, "x": Kind.NUMBER, "n": Kind.NUMBER, "f": Kind.BOOL}


def tree(text: str, kinds: dict[str, Kind] = KINDS) -> ast.expr:
    expression, problems = compile_expression(text, Location(), kinds)
    assert expression is not None, problems
    return expression.tree


@pytest.mark.parametrize(
    ("formula", "interval", "exact"),
    [
        ("p / 100 * 10", "[0, 10]", True),
        ("p * 10 / 100 - 5", "[-5, 5]", True),
        ("-p", "[-100, 0]", True),
        ("min(p, 50) * 2", "[0, 100]", True),
        ("max(p, 20)", "[20, 100]", True),
        ("clamp(p - 10, 0, 80)", "[0, 80]", True),
        ("abs(p - 150)", "[50, 150]", True),
        ("floor(p / 3)", "[0, 33]", True),
        ("ceil(p / 3)", "[0, 34]", True),
        ("round(p / 8)", "[0, 13]", True),
        ("(p - 50) ** 2", "[0, 2500]", True),
        ("(p - 50) ** 3", "[-125000, 125000]", True),
        ("p / 3", "[0, ≈33.333333]", True),
        ("x / (p + 1)", "[0, +∞)", True),
        ("p / x", "[0, +∞)", True),  # a unit whose x is 0 cannot be scored: the rest give [0, +∞)
        ("n + 1", "[1, +∞)", True),
        ("p - p", "[-100, 100]", False),
        ("10 if f else 5", "[5, 10]", False),
        ("10 if p >= 0 else 5", "10", True),
        ("x / p if p > 0 else 0", "[0, +∞)", False),
        ("n // 2", "[0, +∞)", False),
        ("p % 7", "[0, 7]", False),
        ("p ** x", "(−∞, +∞)", False),
    ],
)
def test_interval_of_a_formula(formula: str, interval: str, exact: bool) -> None:
    """The range each formula can take over p in [0, 100], x ≥ 0, a count n ≥ 0 and a yes/no f."""
    analysis = analyse(tree(formula), NAMES)
    assert (str(analysis.value), analysis.exact) == (interval, exact)


@pytest.mark.parametrize(
    ("formula", "outcome"),
    [("p >= 0", "{True}"), ("p > 100", "{False}"), ("p > 50", "{False, True}"), ("n + 1 > 0", "{True}"),
     ("not p < 0", "{True}"), ("p >= 0 and f", "{False, True}"), ("p < 0 and f", "{False}"), ("p < 0 or p >= 0", "{True}")],
)  # fmt: skip
def test_conditions_known_from_ranges(formula: str, outcome: str) -> None:
    """A comparison whose sides never overlap is known; others may go either way."""
    value = analyse(tree(formula), NAMES).value
    assert isinstance(value, frozenset)
    assert "{" + ", ".join(str(v) for v in sorted(value)) + "}" == outcome


@pytest.mark.parametrize(
    ("text", "empty", "shown"),
    [
        (Interval(Decimal(0), Decimal(1), high_open=True, whole=True), False, "0"),
        (Interval(Decimal(0), Decimal(1), low_open=True, high_open=True, whole=True), True, "(no value)"),
        (Interval(Decimal("0.5"), Decimal("0.5"), high_open=True), True, "(no value)"),
        (Interval(None, Decimal(3), high_open=True), False, "(−∞, 3)"),
        (Interval(Decimal("0.5"), None, low_open=True, whole=True), False, "[1, +∞)"),
    ],
)
def test_intervals_of_whole_numbers_and_open_ends(text: Interval, empty: bool, shown: str) -> None:
    """Whole-number intervals move their ends in to whole numbers; an open end excludes its value."""
    assert (text.empty, str(text)) == (empty, shown)


@pytest.mark.parametrize(
    ("formula", "name", "expected"),
    [("c / b * 100", "c", 1), ("1 - c / b", "c", -1), ("c / b", "b", -1), ("min(c, 5) + 3", "c", 1),
     ("abs(c)", "c", 1), ("c * c", "c", None), ("b", "c", 0), ("c if b > 1 else 0", "c", 1), ("c if c > 1 else 0", "c", None)],
)  # fmt: skip
def test_trend_of_a_formula_in_one_input(formula: str, name: str, expected: int | None) -> None:
    """+1 when the formula never falls as the input rises, −1 when it never rises, 0 when it does not read it."""
    names = {"c": Bound(Interval(Decimal(0))), "b": Bound(Interval(Decimal(1)))}
    assert trend(tree(formula, {"c": Kind.NUMBER, "b": Kind.NUMBER}), name, names, {}) == expected


def within_rounding(value: Decimal, interval: Interval) -> bool:
    """The engine computes to 28 digits: allow its rounding past an end that is exact in mathematics."""
    slack = Decimal("1e-20") * max(Decimal(1), abs(value))
    low_ok = interval.low is None or value >= interval.low - slack
    high_ok = interval.high is None or value <= interval.high + slack
    return low_ok and high_ok


@st.composite
def ranges_and_values(draw: Any) -> tuple[dict[str, Interval], dict[str, Any]]:
    """For a, b, c: a declared range (either end may be missing) and a value inside it; and p, q."""
    ranges, values = {}, {}
    for name in "abc":
        low, value, high = sorted(
            draw(st.lists(st.one_of(st.just(Decimal(0)), decimals(-50, 50, 2)), min_size=3, max_size=3))
        )
        ranges[name] = Interval(low if draw(st.booleans()) else None, high if draw(st.booleans()) else None)
        values[name] = value
    values |= {"p": draw(st.booleans()), "q": draw(st.booleans())}
    return ranges, values


class TestIntervalsHoldEveryValue:
    """Whatever values within their ranges the inputs take, a formula's value lies within its interval
    (up to the engine's own rounding), and a formula that divides by zero had that divisor flagged."""

    @settings(max_examples=400)  # more than the profile: each example is cheap and the formula space is large
    @given(number_formulas(), ranges_and_values())
    def test_value_within_interval(self, formula: str, case: tuple[dict[str, Interval], dict[str, Any]]) -> None:
        ranges, values = case
        kinds = {"a": Kind.NUMBER, "b": Kind.NUMBER, "c": Kind.NUMBER, "p": Kind.BOOL, "q": Kind.BOOL}
        expression, _ = compile_expression(formula, Location(), kinds)
        if expression is None:
            return
        names = {name: Bound(interval, {name: 1}) for name, interval in ranges.items()}
        names |= {"p": Bound(EITHER, {"p": 1}), "q": Bound(EITHER, {"q": 1})}
        analysis = analyse(expression.tree, names)
        try:
            value = expression.evaluate(values)
        except ScoringError as error:
            if "division by zero" in error.problem.message and "**" not in formula:
                assert analysis.zero_divisors, formula
            return
        assert isinstance(analysis.value, Interval)
        assert within_rounding(value, analysis.value), (formula, values, str(analysis.value))


# --- monotonicity: a better input never costs points --------------------------------------------------

PERCENT_BETTER_HIGHER = {"rate": {"type": "percent", "min": 0, "max": 100, "better": "higher"}}


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        pytest.param(
            [{"max": 80, "points": 0}, {"min": 80, "max": 88, "points": 9}, {"min": 88, "max": 90, "points": 8},
             {"min": 90, "points": 10}],
            ["indicators.item: error[not-monotone]: 测试指标 falls as inputs.rate improves: rate is better higher "
             "(declared), yet rate = 87.99 scores 9 and rate = 88 scores only 8"],
            id="9 points for 80–88, 8 for 88–90",
        ),
        pytest.param(
            [{"max": 80, "points": 0}, {"min": 80, "max": 90, "points": 8}, {"min": 90, "points": 10}],
            [],
            id="rising bands: proved",
        ),
    ],
)  # fmt: skip
def test_bands_that_pay_less_for_more_are_found_with_the_two_values(bands: list[dict[str, Any]], expected: list[str]) -> None:
    """A higher-is-better rate in bands that pay less for more: the two values either side of the edge, and their scores."""
    text = one_leaf_text("bands", inputs=PERCENT_BETTER_HIGHER, value="rate", bands=bands)
    assert messages(text) == expected


@pytest.mark.parametrize(
    ("formula", "better", "expected"),
    [
        ("points - rate / 10", "higher", "rate = 0 scores 10 and rate = 1 scores only 9.9"),
        ("rate / 10", "lower", "rate = 100 scores 10 and rate = 90 scores only 9"),
        ("rate / 10", "higher", None),
        ("points - max(0, rate - 90)", "lower", None),
    ],
)
def test_a_formula_that_falls_as_a_better_input_rises_is_found(formula: str, better: str, expected: str | None) -> None:
    """A formula leaf's trend in a better input is proved by interval analysis, or a counterexample pair is reported."""
    inputs = {"rate": {**PERCENT_BETTER_HIGHER["rate"], "better": better}}
    found_here = [d for d in lint_text(one_leaf_text("formula", inputs=inputs, formula=formula)) if d.code == "not-monotone"]
    assert [d.message.split("yet ")[-1] for d in found_here] == ([] if expected is None else [expected])


def test_a_better_direction_inferred_from_a_ratio_is_checked_in_other_leaves() -> None:
    """An input without ``better``, read bare as a ``>=`` ratio's actual, is better higher; a bands leaf that pays
    less for more of it is found, and says the direction was inferred."""
    text = one_leaf_text("ratio", inputs={"rate": {"type": "percent", "min": 0, "max": 100}}, actual="rate", target=90)
    text = text.replace("total = 10", "total = 20") + table(
        "indicators.again",
        {"name": "分档", "points": 10, "method": "bands", "value": "rate",
         "bands": [{"max": 50, "points": 10}, {"min": 50, "points": 5}]},
    )  # fmt: skip
    (problem,) = [d for d in lint_text(text) if d.code == "not-monotone"]
    assert "rate is better higher (inferred from its ratio indicators)" in problem.message
    assert "rate = 49.99 scores 10 and rate = 50 scores only 5" in problem.message


def test_a_deliberate_over_target_deduction_is_not_a_monotonicity_mistake() -> None:
    """A ratio's over_target deduction lowers the score of a far-exceeded target on purpose: not reported."""
    text = one_leaf_text(
        "ratio", inputs={"cases": {"type": "count", "better": "higher"}}, actual="cases", target=100,
        over_target={"above": Decimal("1.3"), "action": "deduct", "deduct": 2},
    )  # fmt: skip
    assert [d.code for d in lint_text(text) if d.code == "not-monotone"] == []
