"""The formula language: what it accepts, what it refuses (with the full located message), and how
it computes (exact decimals, half-up rounding, errors that name the formula)."""

from __future__ import annotations

import datetime
import decimal
import unicodedata
from decimal import Decimal
from typing import Any

import pytest

import perfscore
from perfscore import RulesetError, ScoringError
from perfscore.errors import Location
from perfscore.expressions import CONTEXT, Expression, Kind, compile_expression

WHERE = Location("rules.toml", ("derived", "rate", "formula"))
PREFIX = "rules.toml: derived.rate.formula: "
NAMES = {
    "budget": Kind.NUMBER,
    "executed": Kind.NUMBER,
    "x": Kind.NUMBER,
    "ok": Kind.BOOL,
    "status": Kind.TEXT,
    "start": Kind.DATE,
    "end": Kind.DATE,
}
ENV: dict[str, Any] = {
    "budget": Decimal("2468.78"),
    "executed": Decimal("2456.19"),
    "x": Decimal("0.5"),
    "ok": True,
    "status": "完成",
    "start": datetime.date(2023, 1, 1),
    "end": datetime.date(2023, 12, 31),
}


def problems_of(text: Any) -> str:
    """Every problem compiling ``text`` reports, rendered as a user reads them."""
    expression, problems = compile_expression(text, WHERE, NAMES)
    assert expression is None
    return "\n".join(problem.render() for problem in problems)


def compiled(text: str, **constants: Decimal) -> Expression:
    expression, problems = compile_expression(text, WHERE, NAMES, constants)
    assert expression is not None, [problem.render() for problem in problems]
    return expression


def evaluate(text: str, **values: Any) -> Any:
    """Evaluate ``text`` on the fast path, as the engine does (in the pinned decimal context)."""
    with decimal.localcontext(CONTEXT):
        return compiled(text).evaluate({**ENV, **values})


def failure(text: str, **values: Any) -> str:
    """The full message of the ScoringError evaluating ``text`` raises."""
    with pytest.raises(ScoringError) as caught, decimal.localcontext(CONTEXT):
        compiled(text).evaluate({**ENV, **values})
    return str(caught.value)


# --- refused at load, with the caret under the offending part ---------------------------------------

# (formula, message, the part of the formula the caret line underlines)
REFUSED = [
    ("budgt / executed", "unknown name 'budgt' (did you mean 'budget'?)", "budgt"),
    ("executed / budgte", "unknown name 'budgte' (did you mean 'budget'?)", "budgte"),
    ("().__class__", "attribute access (a.b) is not allowed", "().__class__"),
    ("x.__class__", "attribute access (a.b) is not allowed", "x.__class__"),
    ("budget.pop()", "only the built-in functions can be called (no methods)", "budget.pop"),
    ("budget[0]", "subscripts (a[b]) are not allowed", "budget[0]"),
    ("lambda: budget", "lambdas are not allowed", "lambda: budget"),
    ("[b for b in budget]", "comprehensions are not allowed", "[b for b in budget]"),
    ("sum(b for b in budget)", "unknown function 'sum'", "sum"),
    ("f'{budget}'", "f-strings are not allowed", "f'{budget}'"),
    ("(y := budget)", "assignment (:=) is not allowed", "y := budget"),
    ("__import__('os')", "unknown function '__import__'", "__import__"),
    ("open('/etc/passwd')", "unknown function 'open'", "open"),
    ("eval('1')", "unknown function 'eval'", "eval"),
    ("rond(x, 2)", "unknown function 'rond' (did you mean 'round'?)", "rond"),
    ("round(x, ndigits=2)", "round() takes no keyword arguments", "2"),
    ("round(x, 1, 2)", "round() takes 1 to 2 arguments, got 3", "round(x, 1, 2)"),
    ("clamp(x, 0)", "clamp() takes 3 arguments, got 2", "clamp(x, 0)"),
    ("abs()", "abs() takes 1 argument, got 0", "abs()"),
    ("min(x)", "min() takes at least 2 arguments, got 1", "min(x)"),
    ("days_between(start, 3)", "days_between() needs a date value, got a number value", "3"),
    ("ok + 1", "'+' needs a number value, got a bool value", "ok"),
    ("True * 2", "'*' needs a number value, got a bool value", "True"),
    ("start + 1", "'+' needs a number value, got a date value", "start"),
    ("-status", "this operator needs a number value, got a text value", "status"),
    ("not x", "this operator needs a bool value, got a number value", "x"),
    ("status < '完成'", "text values can only be compared with == or !=", "status"),
    ("ok >= False", "bool values can only be compared with == or !=", "ok"),
    ("budget == status", "cannot compare number with text", "status"),
    ("x if ok else status", "both branches of 'if … else' must give the same kind of value, not number and text",
     "x if ok else status"),
    ("x if budget else 0", "the condition of 'if' needs a bool value, got a number value", "budget"),
    ("x and ok", "'and'/'or' needs a bool value, got a number value", "x"),
    ("budget in executed", "the comparison In is not allowed", "budget in executed"),
    ("budget @ executed", "the operator MatMult is not allowed", "budget @ executed"),
    ("None", "the literal None is not allowed; use numbers, True/False or text", "None"),
    ("budget + * 2", "formula is not valid: invalid syntax", "*"),
    ("status == '广州市' and budgt > 0", "unknown name 'budgt' (did you mean 'budget'?)", "budgt"),
]  # fmt: skip


def columns(text: str) -> int:
    """Terminal columns: each Chinese character takes two, so carets line up on screen."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def under(text: str, part: str) -> str:
    """The caret line that underlines the first ``part`` of ``text`` (counted in terminal columns)."""
    start = columns(text[: text.index(part)])
    return " " * start + "^" + "~" * (columns(part) - 1)


class TestRefused:
    """What a formula may not do, refused at load with the whole message a user sees."""

    @pytest.mark.parametrize(("text", "message", "part"), REFUSED, ids=[case[0] for case in REFUSED])
    def test_refused(self, text: str, message: str, part: str) -> None:
        """The formula is refused with its message and a caret line under the offending part."""
        assert problems_of(text) == f"{PREFIX}{message}\n    {text}\n    {under(text, part)}"

    def test_every_problem_is_reported(self) -> None:
        """A formula with two mistakes gets two located messages, not just the first."""
        assert problems_of("budgt + ok") == (
            f"{PREFIX}unknown name 'budgt' (did you mean 'budget'?)\n"
            "    budgt + ok\n"
            "    ^~~~~\n"
            f"{PREFIX}'+' needs a number value, got a bool value\n"
            "    budgt + ok\n"
            "            ^~"
        )

    def test_chinese_text_keeps_the_caret_under_the_right_character(self) -> None:
        """After a Chinese string literal the caret still sits under the first letter of the bad name on screen:
        '广州市' takes six columns, so the caret stands three columns right of the character index."""
        text = "status == '广州市' and budgt > 0"
        caret_line = problems_of(text).splitlines()[-1]
        assert caret_line.index("^") - 4 == text.index("budgt") + 3

    def test_incomplete_formula_points_at_its_end(self) -> None:
        """A formula that stops short ('budget +') has its caret after the last character, not at the start."""
        assert problems_of("budget +") == f"{PREFIX}formula is not valid: invalid syntax\n    budget +\n            ^"

    def test_too_long(self) -> None:
        """A formula over 2000 characters is refused without being parsed."""
        assert problems_of("budget + " * 230 + "1") == f"{PREFIX}formula is longer than 2000 characters"

    def test_too_deep(self) -> None:
        """A formula nested more than 100 levels deep is refused at the 101st level."""
        text = "-" * 110 + "budget"
        assert problems_of(text) == (
            f"{PREFIX}formula is nested more than 100 levels deep\n    {text}\n    {' ' * 101}^{'~' * 14}"
        )

    def test_empty(self) -> None:
        """A blank formula is refused."""
        assert problems_of("   ") == f"{PREFIX}formula is empty"

    def test_not_text(self) -> None:
        """A formula must be text."""
        assert problems_of(5) == f"{PREFIX}expected a formula (text), got 5"

    def test_located_in_a_ruleset_file(self) -> None:
        """Through the loader, a bad formula names the file, the key path and the spot in the formula."""
        text = """\
[ruleset]
id = "t"
title = "t"
version = "1"
sources = ["s"]
total = 10

[inputs.budget]
label = "全年预算数"

[inputs.executed]
label = "全年执行数"

[derived]
rate = "executed / budgte"

[indicators.rate]
name = "预算执行率"
points = 10
method = "ratio"
actual = "executed.__class__"
target = 1
"""
        with pytest.raises(RulesetError) as caught:
            perfscore.loads(text, source="rules.toml")
        assert str(caught.value) == (
            "rules.toml: 2 problems in the ruleset\n"
            "  rules.toml: derived.rate: unknown name 'budgte' (did you mean 'budget'?)\n"
            "      executed / budgte\n"
            "                 ^~~~~~\n"
            "  rules.toml: indicators.rate.actual: attribute access (a.b) is not allowed\n"
            "      executed.__class__\n"
            "      ^~~~~~~~~~~~~~~~~~"
        )


# --- accepted: what the formula computes ------------------------------------------------------------------


class TestExactNumbers:
    """Number literals are exact decimals taken from their text; nothing passes through a float."""

    def test_point_one_plus_point_two(self) -> None:
        """0.1 + 0.2 is exactly 0.3 (a float would give 0.30000000000000004)."""
        assert evaluate("0.1 + 0.2 == 0.3") is True
        assert repr(evaluate("0.1 + 0.2")) == "Decimal('0.3')"

    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("1_000.5", "Decimal('1000.5')"),
            ("2.50", "Decimal('2.50')"),
            ("1e-1 * 3", "Decimal('0.3')"),
            ("7 / 2", "Decimal('3.5')"),
            ("7 // 2", "Decimal('3')"),
            ("-7 % 3", "Decimal('-1')"),
            ("2 ** 10", "Decimal('1024')"),
            ("2 ** -2", "Decimal('0.25')"),
            ("executed / budget", "Decimal('0.9949003151354110127269339512')"),
        ],
    )
    def test_arithmetic(self, text: str, value: str) -> None:
        """Arithmetic on exact decimals gives the decimal a person computes by hand."""
        assert repr(evaluate(text)) == value

    def test_points_is_folded_in(self) -> None:
        """``points`` is a constant of the leaf, folded in at load; the formula reads only real inputs."""
        expression = compiled("points * executed / budget", points=Decimal(10))
        assert expression.names == frozenset({"executed", "budget"})
        assert expression.kind is Kind.NUMBER
        with decimal.localcontext(CONTEXT):
            assert expression.evaluate(ENV) == Decimal("9.949003151354110127269339512")

    def test_fast_path_ignores_the_callers_decimal_context(self) -> None:
        """Evaluating in a caller's 5-digit context still computes in the pinned 28-digit one, as the reference does."""
        expression = compiled("x / 3")
        with decimal.localcontext(prec=5):
            fast, reference = expression.evaluate(ENV), expression.evaluate_reference(ENV)
        assert fast == reference == Decimal("0.1666666666666666666666666667")


class TestRounding:
    """round() is half-up on decimals, as Excel's ROUND and published tables are."""

    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("round(2.675, 2)", "2.68"),  # float: round(2.675, 2) == 2.67
            ("round(49.745, 2)", "49.75"),  # the seed case's 49.745…, which a float rounds to 49.74
            ("round(2.5)", "3"),  # half-even (Python's round) would give 2
            ("round(-2.5)", "-3"),  # half away from zero, like Excel
            ("round(x, 0)", "1"),
            ("round(1.005, 2)", "1.01"),
            ("round(2, 2)", "2.00"),
        ],
    )
    def test_half_up(self, text: str, value: str) -> None:
        """round() rounds halves up (away from zero) on the exact decimal value."""
        assert str(evaluate(text)) == value

    def test_float_would_be_wrong(self) -> None:
        """The reason for all this: the float 2.675 is just below 2.675 and rounds down."""
        assert round(2.675, 2) == 2.67  # Python floats, for contrast
        assert evaluate("round(2.675, 2)") == Decimal("2.68")

    @pytest.mark.parametrize("places", ["13", "0.5", "-1"])
    def test_places_out_of_range(self, places: str) -> None:
        """round() takes 0 to 12 whole decimal places; anything else fails with the formula shown."""
        text = f"round(x, {places})"
        assert failure(text) == (
            f"{PREFIX}formula failed: round() takes 0 to 12 decimal places\n    {text}\n    ^{'~' * (len(text) - 1)}"
        )


class TestComparisons:
    """Comparisons chain as in mathematics: ``0 <= x <= 1`` means both hold."""

    @pytest.mark.parametrize(
        ("x", "inside"),
        [("0", True), ("0.5", True), ("1", True), ("-0.01", False), ("1.01", False)],
    )
    def test_chained_range(self, x: str, inside: bool) -> None:
        """0 <= x <= 1 holds exactly for x from 0 to 1, ends included."""
        assert evaluate("0 <= x <= 1", x=Decimal(x)) is inside

    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("1 < x > 3", False),
            ("0 < x < 1 < 2", True),
            ("x == 0.50 == 0.5", True),
            ("budget > executed > 0", True),
            ("status == '完成'", True),
            ("status != '完成' or ok", True),
            ("not ok", False),
            ("start < end", True),
            ("start == end", False),
        ],
    )
    def test_truth(self, text: str, value: bool) -> None:
        """Chained comparisons, text equality, dates and logic give the expected truth value."""
        assert evaluate(text) is value


class TestDates:
    """days_between(start, end) counts the days from start to end."""

    @pytest.mark.parametrize(
        ("start", "end", "days"),
        [
            ("2023-01-01", "2023-12-31", "364"),
            ("2024-02-28", "2024-03-01", "2"),  # 2024 is a leap year
            ("2023-12-31", "2023-01-01", "-364"),
            ("2023-06-30", "2023-06-30", "0"),
        ],
    )
    def test_days_between(self, start: str, end: str, days: str) -> None:
        """The count is exact, signed, and a decimal like every other number."""
        value = evaluate(
            "days_between(start, end)",
            start=datetime.date.fromisoformat(start),
            end=datetime.date.fromisoformat(end),
        )
        assert repr(value) == f"Decimal('{days}')"


class TestFailures:
    """A formula that cannot be computed raises ScoringError naming the formula and the failing part."""

    def test_huge_power_is_stopped(self) -> None:
        """9**9**9 fails at once instead of computing a number with 370 million digits."""
        assert failure("9**9**9") == (
            f"{PREFIX}formula failed: exponents must be whole numbers from -64 to 64\n    9**9**9\n    ^~~~~~~"
        )

    def test_fractional_power_is_refused(self) -> None:
        """Square roots and other fractional powers are not exact, so they are refused."""
        assert failure("x ** 0.5") == (
            f"{PREFIX}formula failed: exponents must be whole numbers from -64 to 64\n    x ** 0.5\n    ^~~~~~~~"
        )

    def test_division_by_zero_is_located_at_the_division(self) -> None:
        """Dividing by a zero budget points at the division, not at the whole formula."""
        assert failure("min(1, executed / budget) * 10", budget=Decimal(0)) == (
            f"{PREFIX}formula failed: division by zero\n"
            "    min(1, executed / budget) * 10\n"
            "           ^~~~~~~~~~~~~~~~~"
        )

    def test_division_after_chinese_text(self) -> None:
        """After a Chinese string literal the caret still sits under the division."""
        text = "status == '完成' and executed / budget > 1"
        message = failure(text, budget=Decimal(0))
        assert message == f"{PREFIX}formula failed: division by zero\n    {text}\n    {' ' * 21}^{'~' * 16}"
        assert message.splitlines()[-1].index("^") - 4 == text.index("executed") + 2  # '完成' is 4 columns wide

    @pytest.mark.parametrize("text", ["x // budget", "x % budget", "0 / budget"])
    def test_other_divisions_by_zero(self, text: str) -> None:
        """Floor division and remainder by zero fail the same way as '/'."""
        assert failure(text, budget=Decimal(0)) == (
            f"{PREFIX}formula failed: division by zero\n    {text}\n    ^{'~' * (len(text) - 1)}"
        )

    def test_zero_to_a_negative_power(self) -> None:
        """0 ** -1 is a division by zero, not an infinite score."""
        assert failure("budget ** -1", budget=Decimal(0)) == (
            f"{PREFIX}formula failed: division by zero\n    budget ** -1\n    ^~~~~~~~~~~~"
        )

    def test_result_too_large(self) -> None:
        """A result beyond the pinned context's range is an error, not an infinity."""
        assert failure("(budget * 1e500) ** 2") == (
            f"{PREFIX}formula failed: the result is too large\n    (budget * 1e500) ** 2\n    ^~~~~~~~~~~~~~~~~~~~~"
        )

    def test_reference_path_fails_the_same_way(self) -> None:
        """The simpleeval reference path also raises ScoringError (not ZeroDivisionError) on a zero divisor."""
        with pytest.raises(ScoringError, match="division by zero"):
            compiled("executed / budget").evaluate_reference({**ENV, "budget": Decimal(0)})
