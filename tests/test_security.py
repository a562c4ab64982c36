"""Rulesets and data are untrusted input: every escape attempt through a formula or an explanation
template is refused at load (a RulesetError naming the file, the key path and the spot) or stopped
while scoring (a ScoringError naming the formula); scoring touches no file, socket or process;
and ruleset text never reaches the generated code. docs/security.md lists each case with its test.
"""

from __future__ import annotations

import io
import json
import keyword
import re
import sys
import tokenize
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import perfscore
from helpers import ROOT, one_leaf_text, table
from perfscore import RulesetError, ScoringError
from perfscore.cli import run
from perfscore.compiler import _code
from perfscore.report import RENDERERS, explain_ruleset
from perfscore.wording import render

SOURCE = "evil.toml"
UNIT = "甲单位"
NUMBER_X = {"x": "number"}

#: Every place a formula can be written: (key path in messages, the one-leaf ruleset holding ``formula`` there).
POSITIONS: dict[str, tuple[str, Callable[[str], str]]] = {
    "derived": ("derived.d", lambda f: one_leaf_text("ratio", inputs=NUMBER_X, derived={"d": f}, actual="d", target=1)),
    "actual": ("indicators.item.actual", lambda f: one_leaf_text("ratio", inputs=NUMBER_X, actual=f, target=1)),
    "target": ("indicators.item.target", lambda f: one_leaf_text("ratio", inputs=NUMBER_X, actual="x", target=f)),
    "value": ("indicators.item.value",
              lambda f: one_leaf_text("bands", inputs=NUMBER_X, value=f, bands=[{"points": 10}])),
    "count": ("indicators.item.count", lambda f: one_leaf_text("deduction", inputs=NUMBER_X, count=f, each=1)),
    "formula": ("indicators.item.formula", lambda f: one_leaf_text("formula", inputs=NUMBER_X, formula=f)),
}  # fmt: skip


def columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def under(text: str, part: str, start: int | None = None) -> str:
    """The caret line under ``part`` of ``text`` (at ``start`` when given, else its first occurrence)."""
    at = text.index(part) if start is None else start
    return " " * columns(text[:at]) + "^" + "~" * (columns(part) - 1)


def load_error(text: str) -> RulesetError:
    with pytest.raises(RulesetError) as caught:
        perfscore.loads(text, source=SOURCE)
    return caught.value


def scoring_error(text: str, values: dict[str, Any]) -> ScoringError:
    ruleset = perfscore.loads(text, source=SOURCE)
    with pytest.raises(ScoringError) as caught:
        ruleset.score(values)
    return caught.value


# --- formulas: refused at load ----------------------------------------------------------------------

DEEP_MINUS = "-" * 150 + "x"
DEEP_SUM = "(x + " * 200 + "1" + ")" * 200
TOO_MANY_PARENTHESES = "(" * 201 + "x" + ")" * 201
LONG = "x" + " + x" * 700

#: (formula, message, the part the caret underlines, where that part starts if not its first occurrence)
REFUSED_AT_LOAD: list[tuple[str, str, str, int | None]] = [
    ("().__class__.__bases__", "attribute access (a.b) is not allowed", "().__class__.__bases__", None),
    ("x.__class__", "attribute access (a.b) is not allowed", "x.__class__", None),
    ("x.__class__.__bases__[0].__subclasses__()", "only the built-in functions can be called (no methods)",
     "x.__class__.__bases__[0].__subclasses__", None),
    ('"{0.__class__}".format(x)', "only the built-in functions can be called (no methods)",
     '"{0.__class__}".format', None),
    ("f'{x.__class__}'", "f-strings are not allowed", "f'{x.__class__}'", None),
    ("__import__('os')", "unknown function '__import__'", "__import__", None),
    ("__import__('os').system('echo pwned')", "only the built-in functions can be called (no methods)",
     "__import__('os').system", None),
    ("open('/etc/passwd')", "unknown function 'open'", "open", None),
    ("eval('1')", "unknown function 'eval'", "eval", None),
    ("exec('import os')", "unknown function 'exec'", "exec", None),
    ("getattr(x, 'real')", "unknown function 'getattr'", "getattr", None),
    ("globals()", "unknown function 'globals'", "globals", None),
    ("locals()", "unknown function 'locals'", "locals", None),
    ("vars(x)", "unknown function 'vars'", "vars", None),
    ("__builtins__", "unknown name '__builtins__'", "__builtins__", None),
    ("lambda: x", "lambdas are not allowed", "lambda: x", None),
    ("(lambda: x)()", "only the built-in functions can be called (no methods)", "lambda: x", None),
    ("[v for v in x]", "comprehensions are not allowed", "[v for v in x]", None),
    ("(v for v in x)", "comprehensions are not allowed", "(v for v in x)", None),
    ("{v: v for v in x}", "comprehensions are not allowed", "{v: v for v in x}", None),
    ("x[0]", "subscripts (a[b]) are not allowed", "x[0]", None),
    ("(y := x)", "assignment (:=) is not allowed", "y := x", None),
    ("'a' * 10**9", "'*' needs a number value, got a text value", "'a'", None),
    ("x * 'a' * 10**9", "'*' needs a number value, got a text value", "'a'", None),
    ("import os", "formula is not valid: invalid syntax", "i", None),
    ("x; import os", "formula is not valid: invalid syntax", ";", None),
    ("b'x'", "the literal b'x' is not allowed; use numbers, True/False or text", "b'x'", None),
    ("...", "the literal Ellipsis is not allowed; use numbers, True/False or text", "...", None),
    (DEEP_MINUS, "formula is nested more than 100 levels deep", DEEP_MINUS[101:], 101),
    (DEEP_SUM, "formula is nested more than 100 levels deep", "x", 100 * 5 + 1),  # the left x at level 101
    (TOO_MANY_PARENTHESES, "formula is not valid: too many nested parentheses", "(", 200),
]  # fmt: skip


@pytest.mark.parametrize("where", POSITIONS)
@pytest.mark.parametrize(
    ("formula", "message", "part", "start"), REFUSED_AT_LOAD, ids=[case[0][:40] for case in REFUSED_AT_LOAD]
)
def test_escape_attempts_are_refused_at_load(
    where: str, formula: str, message: str, part: str, start: int | None
) -> None:
    """Each attempt is a RulesetError naming the file, the key path and, with a caret, the construct."""
    path, build = POSITIONS[where]
    assert str(load_error(build(formula))) == (
        f"{SOURCE}: 1 problem in the ruleset\n"
        f"  {SOURCE}: {path}: {message}\n"
        f"      {formula}\n"
        f"      {under(formula, part, start)}"
    )


@pytest.mark.parametrize("where", POSITIONS)
def test_a_formula_over_2000_characters_is_refused_unparsed(where: str) -> None:
    """A formula longer than MAX_EXPRESSION_LENGTH is refused before Python's parser sees it."""
    path, build = POSITIONS[where]
    assert str(load_error(build(LONG))) == (
        f"{SOURCE}: 1 problem in the ruleset\n  {SOURCE}: {path}: formula is longer than 2000 characters"
    )


@pytest.mark.parametrize("where", POSITIONS)
def test_two_hundred_parentheses_around_a_name_are_only_grouping(where: str) -> None:
    """Parentheses add no nesting (expressions.md): 200 of them around x read as x and score as x does."""
    _, build = POSITIONS[where]
    plain = perfscore.loads(build("x")).score({"x": 2})
    wrapped = perfscore.loads(build("(" * 200 + "x" + ")" * 200)).score({"x": 2})
    assert (wrapped.total, wrapped.item("item").raw) == (plain.total, plain.item("item").raw)


# --- formulas: stopped while scoring -------------------------------------------------------------------

#: (formula, message after "formula failed: ") for x = 2; the caret underlines the whole formula.
STOPPED_WHILE_SCORING = [
    ("9**9**9", "exponents must be whole numbers from -64 to 64"),
    ("10**64**64", "exponents must be whole numbers from -64 to 64"),
    ("x ** 65", "exponents must be whole numbers from -64 to 64"),
    ("x ** 0.5", "exponents must be whole numbers from -64 to 64"),
    ("1e999 * 1e999", "the result is too large"),
    ("(x * 1e999) ** 2", "the result is too large"),
    ("x / (x - 2)", "division by zero"),
    ("x // (x - 2)", "division by zero"),
    ("x % (x - 2)", "division by zero"),
    ("(x - 2) ** -1", "division by zero"),
    ("round(x, 13)", "round() takes 0 to 12 decimal places"),
]


@pytest.mark.parametrize("where", POSITIONS)
@pytest.mark.parametrize(("formula", "message"), STOPPED_WHILE_SCORING, ids=[case[0] for case in STOPPED_WHILE_SCORING])
def test_runaway_arithmetic_is_stopped_while_scoring(where: str, formula: str, message: str) -> None:
    """Work that only the figures make impossible is a ScoringError naming the formula, with a caret."""
    path, build = POSITIONS[where]
    assert str(scoring_error(build(formula), {"x": 2})) == (
        f"{SOURCE}: {path}: formula failed: {message}\n    {formula}\n    {under(formula, formula)}"
    )


#: Number literals outside what the pinned decimal context can hold (10^-999 … 10^999), and whether
#: they are too large or too small.
OUT_OF_RANGE_LITERALS = [
    ("1e999999", "large"),
    ("x * 1e999999", "large"),
    ("9" * 1200, "large"),
    ("x + 1" + "0" * 1100, "large"),
    ("x + 1e-999999", "small"),
]


@pytest.mark.parametrize("where", POSITIONS)
@pytest.mark.parametrize(
    ("formula", "size"),
    OUT_OF_RANGE_LITERALS,
    ids=["1e999999", "x*1e999999", "1200 nines", "1 and 1100 zeros", "1e-999999"],
)
def test_number_literals_beyond_the_decimal_context_are_refused_at_load(where: str, formula: str, size: str) -> None:
    """A literal beyond 10^±999 could only give a silently clamped, overflowed or zeroed score: refused at load."""
    path, build = POSITIONS[where]
    literal = formula.split()[-1]
    assert str(load_error(build(formula))) == (
        f"{SOURCE}: 1 problem in the ruleset\n"
        f"  {SOURCE}: {path}: the number is too {size} (beyond 10^±999)\n"
        f"      {formula}\n"
        f"      {under(formula, literal)}"
    )


# --- explanation templates --------------------------------------------------------------------------

#: Placeholders str.format would act on: perfscore's templates must neither format nor allocate them.
FORMAT_TRICKS = ["{0}", "{name.__class__}", "{name!r}", "{name:>99999999}", "{name[0]}", "{x.__init__.__globals__}"]


@pytest.mark.parametrize("key", ["explain", "explain_en"])
def test_a_dunder_template_field_is_refused_at_load(key: str) -> None:
    """{__class__} is not a field of the leaf: refused with the key path of the template."""
    template: dict[str, Any] = {key: "{name} {__class__}"}
    text = one_leaf_text("ratio", inputs=NUMBER_X, actual="x", target=4, **template)
    assert str(load_error(text)) == (
        f"{SOURCE}: 1 problem in the ruleset\n  {SOURCE}: indicators.item.{key}: unknown field {{__class__}} in the template"
    )


@pytest.mark.parametrize("key", ["explain", "explain_en"])
@pytest.mark.parametrize("template", FORMAT_TRICKS)
def test_format_syntax_in_a_template_is_refused_at_load(key: str, template: str) -> None:
    """A brace that opens no {field} (and is not {{) is a mistake reported at load with the template's
    key path and the placeholder, not text silently printed as written."""
    keys: dict[str, Any] = {key: f"{{name}}：{template}"}
    text = one_leaf_text("ratio", inputs=NUMBER_X, actual="x", target=4, **keys)
    assert str(load_error(text)) == (
        f"{SOURCE}: 1 problem in the ruleset\n"
        f"  {SOURCE}: indicators.item.{key}: {template} is not a field: write {{name}}-style fields only,"
        " and {{ }} for braces"
    )


@pytest.mark.parametrize("template", FORMAT_TRICKS)
def test_templates_are_never_passed_to_str_format(template: str) -> None:
    """render() fills only {field} by name: format syntax stays as written, with nothing allocated."""
    fields = {"name": "测试指标", "x": "2"}
    assert render(template, fields) == template
    assert render("{{" + template + "}}", fields) == "{" + template + "}"


def test_data_cannot_inject_template_fields() -> None:
    """A text value shown through {status} that itself reads {score} or {{ is printed as given, not expanded."""
    text = one_leaf_text(
        "boolean", inputs={"status": "text"}, value="status == '完成'", explain="{name}：{status}；{score}"
    )
    result = perfscore.loads(text).score({"status": "{score}{lost}{{}}{0}"})
    assert result.item("item").explanation == "测试指标：{score}{lost}{{}}{0}；0.00"


# --- ruleset text stays inert ---------------------------------------------------------------------------

CODE = "__import__('os').system('touch /tmp/perfscore-pwned')"
CODE_IN_FORMULA = '__import__("os").system("touch /tmp/perfscore-pwned")'  # inside a formula's single quotes


def test_python_code_in_a_ruleset_is_shown_verbatim() -> None:
    """Code in names, labels and templates is text: it appears as written in explanations and reports."""
    text = one_leaf_text(
        "boolean",
        ruleset={"title_en": CODE, "assumptions": [CODE]},
        inputs={"status": {"type": "text", "label": CODE}},
        value=f"status == '{CODE_IN_FORMULA}'",
        explain=f"{{name}}｜{CODE}",
    )
    text = text.replace('name = "测试指标"', f"name = {json.dumps(CODE)}")
    ruleset = perfscore.loads(text, source=SOURCE)
    result = ruleset.score({"status": CODE_IN_FORMULA})
    assert result.total == Decimal("10.00")
    assert result.item("item").name == CODE
    assert result.item("item").explanation == f"{CODE}｜{CODE}"
    assert result.to_dict()["inputs"] == {"status": CODE_IN_FORMULA}
    assert CODE in RENDERERS["text"](result, "zh")
    assert CODE in explain_ruleset(ruleset, "en")
    assert not Path("/tmp/perfscore-pwned").exists()


def test_python_code_as_a_data_value_is_only_compared() -> None:
    """A unit's text value that is code is compared as text: it does not meet the formula, and is kept verbatim."""
    ruleset = perfscore.loads(one_leaf_text("boolean", inputs={"status": "text"}, value="status == '完成'"))
    result = ruleset.score({"status": CODE})
    assert (result.total, result.values["status"]) == (Decimal("0.00"), CODE)


# --- no file, socket or process; no ruleset text in generated code -----------------------------------

_EVENTS: list[tuple[str, tuple[Any, ...]]] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _EVENTS is not None:
        _EVENTS.append((event, args))


sys.addaudithook(_audit)  # permanent for the process, but records only inside audited()

#: Audit events that read no file, socket or process and run no code: introspection only.
HARMLESS = {"builtins.id", "object.__getattr__", "object.__setattr__", "object.__delattr__", "sys._getframe"}


@contextmanager
def audited() -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Record every audit event (open, socket.connect, subprocess.Popen, compile, exec, …) inside the block."""
    global _EVENTS
    events: list[tuple[str, tuple[Any, ...]]] = []
    _EVENTS = events
    try:
        yield events
    finally:
        _EVENTS = None


SHIPPED = [
    ("rulesets/department-wide.toml", "examples/liwan-2023.toml"),
    ("rulesets/project-mof-2020.toml", "examples/project-template-data.toml"),
    ("examples/project-community-legal-service/ruleset.toml", "examples/project-community-legal-service/data.toml"),
]


def score_everything(ruleset: perfscore.Ruleset, values: Any) -> None:
    result = ruleset.score(dict(values), unit="甲单位")
    result.to_dict()
    for lang in ("zh", "en"):
        for item in result.items:
            item.explain(lang)
        for renderer in RENDERERS.values():
            renderer(result, lang)
        explain_ruleset(ruleset, lang)
    ruleset.score_many([values, {}]).to_dict()


@pytest.mark.parametrize(("ruleset_path", "data_path"), SHIPPED)
def test_scoring_touches_no_file_socket_or_process(ruleset_path: str, data_path: str) -> None:
    """Scoring, explaining and reporting raise no audit event but introspection: no open, socket,
    subprocess, import, compile or exec."""
    ruleset = perfscore.load(ROOT / ruleset_path)
    (unit,) = perfscore.read_units(ROOT / data_path)
    score_everything(ruleset, unit.values)  # once first, so lazy imports are done
    with audited() as events:
        score_everything(ruleset, unit.values)
    assert {event for event, _ in events} - HARMLESS == set()


def test_loading_from_text_opens_nothing_and_runs_only_generated_code() -> None:
    """loads() opens no file and no socket and executes nothing; scoring executes only perfscore's generated
    scoring pass (compiled when first needed)."""
    text = (ROOT / SHIPPED[0][0]).read_text(encoding="utf-8")
    perfscore.loads(text)
    with audited() as events:
        ruleset = perfscore.loads(text)
    assert {event for event, _ in events} - HARMLESS - {"compile"} == set()
    with audited() as events:
        ruleset.score(perfscore.read_units(ROOT / SHIPPED[0][1])[0].values)
    assert {event for event, _ in events} - HARMLESS - {"open", "compile", "exec"} == set()
    executed = {args[0].co_filename for event, args in events if event == "exec"}
    assert executed == {"<perfscore score>"}  # the scoring pass; the others are made when first needed


def test_the_command_line_opens_only_the_two_files_it_is_given() -> None:
    """perfscore score RULESET DATA opens exactly those two files, and nothing else."""
    ruleset, data = (str(ROOT / path) for path in SHIPPED[0])
    argv = ["score", ruleset, data, "--format", "json"]
    run(argv, io.StringIO(), io.StringIO())
    with audited() as events:
        assert run(argv, io.StringIO(), io.StringIO()) == 0
    opened = {str(args[0]) for event, args in events if event == "open"}
    assert opened == {ruleset, data}
    assert {event for event, _ in events} - HARMLESS - {"open", "compile", "exec"} == set()


#: The names generated code may use besides Python keywords and v_/o_<declared name>, _kN, sN, qN, fN, nN.
GENERATED_NAMES = {"score", "leaf", "env", "values", "v", "a", "t", "c", "d", "e", "n", "r", "x", "rate", "raw",
                   "rounded", "facts", "tier", "given", "default", "quantize", "to_integral_value", "rounding", "get", "int",
                   "min", "max", "abs", "type", "len", "Decimal", "str", "bool", "ZERO",
                   "ONE", "TWO", "missing", "fallbacks", "append", "REFUSED",
                   "ZeroDivisionError", "float", "clear", "dict", "g", "floats", "y", "round", "id", "Close",
                   "KeyError", "ArithmeticError", "ValueError"}  # fmt: skip


def generated_sources(text: str) -> list[str]:
    """Every source perfscore compiles for a ruleset: at load, and the functions it makes when first needed."""
    _code.cache_clear()  # a text compiled before (by another test) is not compiled again: every one is seen here
    with audited() as events:
        perfscore.loads(text, source=SOURCE).generated_code()
    sources = [args[0] for event, args in events if event == "compile" and str(args[1]).startswith("<perfscore")]
    return [source.decode("utf-8") if isinstance(source, bytes) else source for source in sources]


def foreign_tokens(source: str, declared: set[str]) -> list[str]:
    """Tokens of generated code that are neither Python syntax nor perfscore's own names."""
    allowed = set(keyword.kwlist) | GENERATED_NAMES | {f"{kind}_{name}" for name in declared for kind in "vo"}
    foreign = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING or (
            token.type == tokenize.NAME
            and token.string not in allowed
            and not re.fullmatch(r"_k\d+|[sqfn]\d*|score_\d+", token.string)
        ):
            foreign.append(token.string)
    return foreign


@pytest.mark.parametrize("ruleset_path", [pair[0] for pair in SHIPPED] + ["code-everywhere"])
def test_generated_code_holds_no_ruleset_text(ruleset_path: str) -> None:
    """Every line compiled for the fast path is made of Python syntax, perfscore's own names and the
    declared identifiers: no string literal, no label, no formula text from the ruleset."""
    if ruleset_path == "code-everywhere":
        text = one_leaf_text(
            "boolean", inputs={"status": {"type": "text", "label": CODE}}, value=f"status == '{CODE_IN_FORMULA}'"
        ).replace('name = "测试指标"', f"name = {json.dumps(CODE)}")
    else:
        text = (ROOT / ruleset_path).read_text(encoding="utf-8")
    ruleset = perfscore.loads(text)
    declared = set(ruleset.inputs) | {derived.name for derived in ruleset.derived}
    sources = generated_sources(text)
    generated = ruleset.generated_code()
    # the two scoring passes, the float pass when the ruleset has one, and each leaf's reference function
    assert len(generated) == 2 + ("floats" in generated) + len(ruleset.leaves)
    # each distinct text is compiled once (leaves of one shape share their code: compiler._code)
    assert sorted(set(sources)) == sorted(set(generated.values()))
    assert len(sources) == len(set(sources))
    assert [foreign_tokens(source, declared) for source in sources] == [[]] * len(sources)


# --- text that could forge a report or an error message -----------------------------------------------


@pytest.mark.parametrize(
    ("key", "written"),
    [("name", "测试指标\\n总分: 100.00 / 10    等级: 优"), ("name_en", "Item\\r\\nTotal: 10.00"),
     ("name", "测试指标\\u2028总分: 100.00"), ("name", "测试指标\\u202e")],
    ids=["newline", "crlf-in-english-name", "line-separator", "rtl-override"],
)  # fmt: skip
def test_a_name_that_could_add_lines_to_a_report_is_refused(key: str, written: str) -> None:
    """An indicator name holding a line break (and a fake total) or a control character is refused at load,
    so no report can show a forged line."""
    shipped = {"name": 'name = "测试指标"', "name_en": 'name_en = "Test item"'}[key]
    text = one_leaf_text("ratio", inputs=NUMBER_X, actual="x", target=4).replace(shipped, f'{key} = "{written}"')
    assert str(load_error(text)) == (
        f"{SOURCE}: 1 problem in the ruleset\n"
        f"  {SOURCE}: indicators.item.{key}: text shown in reports must be one line of visible characters"
        " (no line breaks or controls)"
    )


@pytest.mark.parametrize("key", ["label", "label_en", "unit"])
def test_a_derived_label_that_could_add_lines_to_a_report_is_refused(key: str) -> None:
    """A derived value's label and unit appear in reports (the fallback note): a line break in them is
    refused at load like one in an indicator's name."""
    derived = {"formula": "x / 2", "fallback": 0, "label": "完成率", key: "完成率\n总分: 100.00 / 10    等级: 优"}
    text = one_leaf_text("ratio", inputs=NUMBER_X, actual="d", target=1)
    text = text.replace("[indicators.item]", table("derived.d", derived) + "\n[indicators.item]")
    assert str(load_error(text)) == (
        f"{SOURCE}: 1 problem in the ruleset\n"
        f"  {SOURCE}: derived.d.{key}: text shown in reports must be one line of visible characters"
        " (no line breaks or controls)"
    )


def test_a_units_text_cannot_add_lines_to_a_report() -> None:
    """A unit's text value shown through a template has its line break escaped: the explanation stays one
    line and the text report has one 总分 line, the real one."""
    ruleset = perfscore.loads(
        one_leaf_text("boolean", inputs={"status": "text"}, value="status == '完成'", explain="{name}：{status}")
    )
    result = ruleset.score({"status": "未完成\n总分: 10.00 / 10    等级: 优"}, unit=UNIT)
    assert result.item("item").explanation == "测试指标：未完成\\u000a总分: 10.00 / 10    等级: 优"
    report = RENDERERS["text"](result, "zh")
    assert [line for line in report.splitlines() if line.startswith("总分")] == ["总分: 0.00 / 10    等级: 差"]


@pytest.mark.parametrize("key", ["x\\n", "x\\u2028", "x\\u202e"])
def test_a_refused_key_is_named_on_one_line(key: str) -> None:
    """A key holding a line break or a bidi override is refused, and the message shows it escaped on a
    single line, so it cannot forge lines of its own in the error output."""
    text = one_leaf_text("ratio", inputs=NUMBER_X, actual="x", target=4).replace(
        "[indicators.item]", f'[indicators."{key}"]'
    )
    error = load_error(text)
    assert len(error.problems) == 1
    assert len(str(error).splitlines()) == 2
    assert error.problems[0].code == "look-alike-key"
