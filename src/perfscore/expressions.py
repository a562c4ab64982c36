"""Safe formulas: parsed and checked once at load, evaluated many times without re-parsing.

A formula in a ruleset is untrusted text. It is parsed with Python's ``ast`` (as simpleeval
does), then every node is checked against a small grammar: numbers, names the ruleset
declares, arithmetic, comparisons, ``and``/``or``/``not``, ``a if c else b`` and calls of the
functions in :data:`FUNCTIONS`. Attribute access, subscripts, lambdas, comprehensions,
f-strings and every other construct are refused at load with their position. Number literals
become :class:`~decimal.Decimal` from their source text, so ``0.1`` is exactly one tenth.

A checked tree has three evaluators, all stated here from the same operator tables: nested
closures (:attr:`Expression.run`, which locate a failure inside the formula), Python source
for the compiled scoring pass (:func:`source`), and a locked-down :class:`simpleeval.SimpleEval`
(:meth:`Expression.evaluate_reference`, an independent oracle). The tests hold the three to
the same answers.
"""

from __future__ import annotations

import ast
import datetime
import decimal
import enum
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import simpleeval

from .errors import Location, Problem, ScoringError, Span, suggest
from .exact import CONTEXT
from .limits import DEFAULT_LIMITS, Limits
from .text import shown

_DECIMAL_LITERAL = re.compile(r"^(\d[\d_]*)?(\.[\d_]*)?([eE][+-]?\d+)?$")
MAX_POWER_EXPONENT = 64
SCORE = "score"
"""The function a rule's condition reads an indicator's score with: ``score("budget.execution")``."""  # a rule of the language (9**9**9 must not hang), not a size limit

Env = Mapping[str, Any]
Evaluator = Callable[[Env], Any]


class Kind(enum.Enum):
    """What a value in a formula is; checked at load so scoring never meets a type error."""

    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    TEXT = "text"

    def __str__(self) -> str:
        return self.value


# --- the functions and operators a formula may use --------------------------------------


def _round(value: Decimal, places: Decimal = Decimal(0)) -> Decimal:
    """Half-up rounding, as Excel's ROUND and published tables do."""
    if places != places.to_integral_value() or not 0 <= places <= 12:
        raise ValueError("round() takes 0 to 12 decimal places")
    return value.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


def _clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return min(max(value, low), high)


def _days_between(start: datetime.date, end: datetime.date) -> Decimal:
    return Decimal((end - start).days)


def _floor(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=decimal.ROUND_FLOOR)


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=decimal.ROUND_CEILING)


@dataclass(frozen=True)
class _Function:
    call: Callable[..., Any]
    params: tuple[Kind, ...]
    returns: Kind
    variadic: bool = False  # params[0] repeated, at least two arguments
    optional: int = 0  # how many trailing params may be left out


FUNCTIONS: Mapping[str, _Function] = {
    "min": _Function(min, (Kind.NUMBER,), Kind.NUMBER, variadic=True),
    "max": _Function(max, (Kind.NUMBER,), Kind.NUMBER, variadic=True),
    "abs": _Function(abs, (Kind.NUMBER,), Kind.NUMBER),
    "round": _Function(_round, (Kind.NUMBER, Kind.NUMBER), Kind.NUMBER, optional=1),
    "floor": _Function(_floor, (Kind.NUMBER,), Kind.NUMBER),
    "ceil": _Function(_ceil, (Kind.NUMBER,), Kind.NUMBER),
    "clamp": _Function(_clamp, (Kind.NUMBER, Kind.NUMBER, Kind.NUMBER), Kind.NUMBER),
    "days_between": _Function(_days_between, (Kind.DATE, Kind.DATE), Kind.NUMBER),
    "date": _Function(datetime.date.fromisoformat, (Kind.TEXT,), Kind.DATE),
}


def _power(base: Decimal, exponent: Decimal) -> Decimal:
    """Powers with small whole exponents only: ``9**9**9`` must not hang the process."""
    if exponent != exponent.to_integral_value() or abs(exponent) > MAX_POWER_EXPONENT:
        raise ValueError(f"exponents must be whole numbers from -{MAX_POWER_EXPONENT} to {MAX_POWER_EXPONENT}")
    if not base and exponent < 0:
        raise ZeroDivisionError  # Decimal would quietly give Infinity
    return base**exponent


_ARITHMETIC: Mapping[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: _power,
}
_DIVISIONS = (ast.Div, ast.FloorDiv, ast.Mod)
_COMPARISONS: Mapping[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_UNARY: Mapping[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
}
_SYMBOLS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
    ast.Mod: "%", ast.Pow: "**", ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<",
    ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
}  # fmt: skip

_REFUSED = {
    ast.Attribute: "attribute access (a.b) is not allowed",
    ast.Subscript: "subscripts (a[b]) are not allowed",
    ast.Lambda: "lambdas are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.NamedExpr: "assignment (:=) is not allowed",
    ast.Starred: "star-arguments are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.Set: "sets are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
}


# --- checking -----------------------------------------------------------------------------


class _Checker:
    """Walks a parsed formula once, collecting every problem with its span."""

    def __init__(
        self,
        text: str,
        location: Location,
        names: Mapping[str, Kind],
        limits: Limits,
        scores: Mapping[str, str] | None = None,
    ) -> None:
        self.text = text
        self.location = location
        self.names = names
        self.limits = limits
        self.scores = scores  # score("id") → the name it reads, in a rule's condition; None: no score() here
        self.problems: list[Problem] = []
        self.used: set[str] = set()
        self.too_deep = False

    def problem(self, node: ast.AST | None, message: str, suggestion: str | None = None, *, code: str) -> None:
        span = Span(self.text, 0, len(self.text))
        if isinstance(node, ast.expr):
            start, end = node.col_offset, node.end_col_offset or node.col_offset + 1
            span = Span(self.text, _char_offset(self.text, start), _char_offset(self.text, end))
        location = Location(self.location.file, self.location.path, span=span)
        self.problems.append(Problem(location, message, suggestion, code=code))

    def kind(self, node: ast.AST, depth: int = 0) -> Kind | None:
        """The kind of value ``node`` yields, or None after reporting why it has none."""
        if depth > self.limits.max_formula_depth:
            if not self.too_deep:  # one message, however many branches go too deep
                self.problem(
                    node,
                    f"formula is nested more than {self.limits.max_formula_depth} levels deep",
                    code="formula-too-deep",
                )
            self.too_deep = True
            return None
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.BinOp):
            return self._binop(node, depth)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node, depth)
        if isinstance(node, ast.BoolOp):
            kinds = [self.kind(value, depth + 1) for value in node.values]
            for value, kind in zip(node.values, kinds, strict=True):
                self._expect(value, kind, Kind.BOOL, "'and'/'or'")
            return Kind.BOOL
        if isinstance(node, ast.Compare):
            return self._compare(node, depth)
        if isinstance(node, ast.IfExp):
            self._expect(node.test, self.kind(node.test, depth + 1), Kind.BOOL, "the condition of 'if'")
            body, orelse = self.kind(node.body, depth + 1), self.kind(node.orelse, depth + 1)
            if body and orelse and body is not orelse:
                self.problem(
                    node,
                    f"both branches of 'if … else' must give the same kind of value, not {body} and {orelse}",
                    code="formula-type",
                )
            return body or orelse
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        reason = _REFUSED.get(type(node), f"{type(node).__name__} is not allowed in a formula")
        self.problem(node, reason, code="formula-refused")
        return None

    def _constant(self, node: ast.Constant) -> Kind | None:
        value = node.value
        if isinstance(value, bool):
            return Kind.BOOL
        if isinstance(value, int | float):
            source = ast.get_source_segment(self.text, node) or ""
            if not _DECIMAL_LITERAL.match(source):
                self.problem(
                    node, f"write numbers in decimal, such as 16 or 0.95 (not {source})", code="formula-refused"
                )
                return None
            number = Decimal(source.replace("_", ""))
            if number and not CONTEXT.Emin <= number.adjusted() <= CONTEXT.Emax:
                size = "too large" if number.adjusted() > 0 else "too small"
                self.problem(node, f"the number is {size} (beyond 10^±{CONTEXT.Emax})", code="formula-refused")
                return None
            if len(number.as_tuple().digits) > CONTEXT.prec:
                self.problem(node, f"the number has more than {CONTEXT.prec} digits", code="formula-refused")
                return None
            return Kind.NUMBER
        if isinstance(value, str):
            if len(value) > self.limits.max_formula_text:
                self.problem(
                    node,
                    f"text literals are limited to {self.limits.max_formula_text} characters",
                    code="formula-refused",
                )
            return Kind.TEXT
        self.problem(
            node, f"the literal {value!r} is not allowed; use numbers, True/False or text", code="formula-refused"
        )
        return None

    def _name(self, node: ast.Name) -> Kind | None:
        if node.id in ("True", "False"):
            return Kind.BOOL
        kind = self.names.get(node.id)
        if kind is None:
            self.problem(node, f"unknown name '{node.id}'", suggest(node.id, self.names), code="unknown-name")
            return None
        self.used.add(node.id)
        return kind

    def _binop(self, node: ast.BinOp, depth: int) -> Kind | None:
        if type(node.op) not in _ARITHMETIC:
            self.problem(node, f"the operator {type(node.op).__name__} is not allowed", code="formula-refused")
        symbol = _SYMBOLS.get(type(node.op), "?")
        for side in (node.left, node.right):
            self._expect(side, self.kind(side, depth + 1), Kind.NUMBER, f"'{symbol}'")
        return Kind.NUMBER

    def _unary(self, node: ast.UnaryOp, depth: int) -> Kind | None:
        if type(node.op) not in _UNARY:
            self.problem(node, f"the operator {type(node.op).__name__} is not allowed", code="formula-refused")
            return None
        wanted = Kind.BOOL if isinstance(node.op, ast.Not) else Kind.NUMBER
        self._expect(node.operand, self.kind(node.operand, depth + 1), wanted, "this operator")
        return wanted

    def _compare(self, node: ast.Compare, depth: int) -> Kind:
        operands = [node.left, *node.comparators]
        kinds = [self.kind(operand, depth + 1) for operand in operands]
        for op, left, right, lk, rk in zip(node.ops, operands, operands[1:], kinds, kinds[1:], strict=False):
            if type(op) not in _COMPARISONS:
                self.problem(node, f"the comparison {type(op).__name__} is not allowed", code="formula-refused")
                continue
            if lk and rk and lk is not rk:
                self.problem(right, f"cannot compare {lk} with {rk}", code="formula-type")
            elif lk in (Kind.TEXT, Kind.BOOL) and not isinstance(op, ast.Eq | ast.NotEq):
                self.problem(left, f"{lk} values can only be compared with == or !=", code="formula-type")
        return Kind.BOOL

    def _call(self, node: ast.Call, depth: int) -> Kind | None:
        if not isinstance(node.func, ast.Name):
            self.problem(node.func, "only the built-in functions can be called (no methods)", code="formula-refused")
            return None
        name = node.func.id
        if name == SCORE and self.scores is not None:
            return self._score(node)
        function = FUNCTIONS.get(name)
        if function is None:
            self.problem(node.func, f"unknown function '{name}'", suggest(name, FUNCTIONS), code="unknown-function")
            return None
        if node.keywords:
            self.problem(node.keywords[0].value, f"{name}() takes no keyword arguments", code="formula-arity")
        if name == "date":
            return self._date(node)
        count = len(node.args)
        if function.variadic:
            wanted = [function.params[0]] * count
            ok = count >= 2
            expected = "at least 2 arguments"
        else:
            wanted = list(function.params[:count])
            high = len(function.params)
            low = high - function.optional
            ok = low <= count <= high
            expected = f"{low} argument{'s' if low != 1 else ''}" if low == high else f"{low} to {high} arguments"
        if not ok:
            self.problem(node, f"{name}() takes {expected}, got {count}", code="formula-arity")
        for arg, kind in zip(node.args, wanted, strict=False):
            self._expect(arg, self.kind(arg, depth + 1), kind, f"{name}()")
        return function.returns

    def _score(self, node: ast.Call) -> Kind:
        """score("output.quantity"): an indicator's score, in a rule's condition (checked here once)."""
        assert self.scores is not None
        arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            message = 'score() takes one indicator id written as text, such as score("budget.execution")'
            self.problem(node, message, code="formula-arity")
            return Kind.NUMBER
        name = self.scores.get(arg.value)
        if name is None:
            message = f"no indicator '{arg.value}' whose score this rule may read"
            self.problem(arg, message, suggest(arg.value, self.scores), code="unknown-name")
            return Kind.NUMBER
        self.used.add(name)
        return Kind.NUMBER

    def _date(self, node: ast.Call) -> Kind:
        """date("2023-09-30"): a fixed date written in the ruleset, checked here once."""
        arg = node.args[0] if len(node.args) == 1 else None
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            self.problem(
                node, 'date() takes one date written as text, such as date("2023-09-30")', code="formula-arity"
            )
            return Kind.DATE
        try:
            datetime.date.fromisoformat(arg.value)
        except ValueError:
            self.problem(arg, f"{arg.value!r} is not a date; write it as YYYY-MM-DD", code="formula-type")
        return Kind.DATE

    def _expect(self, node: ast.AST, got: Kind | None, wanted: Kind, where: str) -> None:
        if got is not None and got is not wanted:
            self.problem(node, f"{where} needs a {wanted} value, got a {got} value", code="formula-type")


def _char_offset(text: str, byte_offset: int) -> int:
    """ast positions count UTF-8 bytes; carets count characters."""
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


class _Exact(ast.NodeTransformer):
    """Number literals become Decimal from their source text (0.1 stays one tenth);
    names fixed at load become constants; ``score("id")`` becomes the name it reads."""

    def __init__(self, text: str, constants: Mapping[str, Decimal], scores: Mapping[str, str] | None = None) -> None:
        self.text = text
        self.constants = constants
        self.scores = scores

    def visit_Call(self, node: ast.Call) -> ast.expr:
        if self.scores is not None and isinstance(node.func, ast.Name) and node.func.id == SCORE:
            argument = node.args[0]
            assert isinstance(argument, ast.Constant) and isinstance(argument.value, str)  # checked: score("id")
            return ast.copy_location(ast.Name(self.scores[argument.value], ast.Load()), node)
        self.generic_visit(node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self.constants:
            return ast.copy_location(ast.Constant(self.constants[node.id]), node)  # type: ignore[arg-type]
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        if isinstance(node.value, int | float) and not isinstance(node.value, bool):
            source = ast.get_source_segment(self.text, node) or repr(node.value)
            exact = Decimal(source.replace("_", ""))
            return ast.copy_location(ast.Constant(exact), node)  # type: ignore[arg-type]
        return node


# --- the compiled form ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Expression:
    """A checked formula: its text, where it came from, the names it reads, and its kind."""

    text: str
    location: Location
    kind: Kind
    names: frozenset[str]
    tree: ast.expr
    run: Evaluator  # the closures; the caller pins the decimal context (the engine does, once per unit)

    @property
    def bare_name(self) -> str | None:
        """The name when the formula is just one name (``actual = "cases"``)."""
        return self.tree.id if isinstance(self.tree, ast.Name) else None

    def evaluate(self, env: Env) -> Any:
        """The formula's value for the names in ``env``, computed in perfscore's decimal context."""
        with decimal.localcontext(CONTEXT):
            return self.run(env)

    def evaluate_reference(self, env: Env) -> Any:
        """Evaluate through simpleeval, the slow reference the fast path is tested against."""
        evaluator = _ReferenceEval(env)
        try:
            with decimal.localcontext(CONTEXT):
                return evaluator.eval(self.text, previously_parsed=self.tree)
        except (ArithmeticError, ValueError, TypeError) as error:
            raise self.failure(self.tree, error) from None

    def failure(self, node: ast.AST, error: BaseException) -> ScoringError:
        """A located scoring error for a failure while evaluating ``node``."""
        return _Source(self.text, self.location).failure(node, error)

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


def describe(error: BaseException) -> str:
    if isinstance(error, ZeroDivisionError | decimal.DivisionByZero | decimal.DivisionUndefined):
        return "division by zero"
    if isinstance(error, decimal.Overflow):
        return "the result is too large"
    if isinstance(error, decimal.InvalidOperation):
        return "the operation is undefined for these values"
    return str(error) or type(error).__name__


def compile_expression(
    text: str,
    location: Location,
    names: Mapping[str, Kind],
    constants: Mapping[str, Decimal] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    *,
    scores: Mapping[str, str] | None = None,
) -> tuple[Expression | None, list[Problem]]:
    """Parse and check ``text``; return the compiled expression or every problem found.

    ``names`` are what the formula may read at scoring time; ``constants`` are names fixed at
    load (such as a leaf's ``points``) and folded into the tree. ``scores``, for a rule's
    condition, maps each indicator id ``score("…")`` may name to the name its score is read
    under (then part of :attr:`Expression.names`).
    """
    if not isinstance(text, str):
        return None, [Problem(location, f"expected a formula (text), got {shown(text)}", code="formula-kind")]
    if len(text) > limits.max_formula_length:
        message = f"formula is longer than {limits.max_formula_length} characters"
        return None, [Problem(location, message, code="formula-too-long")]
    # Newlines and tabs become spaces so positions keep pointing at the same characters.
    flat = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    stripped = flat.strip()
    if not stripped:
        return None, [Problem(location, "formula is empty", code="formula-syntax")]
    lead = len(flat) - len(flat.lstrip())
    flat = flat[lead:].rstrip()
    try:
        tree = ast.parse(flat, mode="eval").body
    except SyntaxError as error:
        # Python gives offset 0 when the formula stops short: point just past its end then.
        offset = (error.offset - 1) if error.offset else len(flat)
        span = Span(flat, min(offset, len(flat)), min(offset + 1, len(flat) + 1))
        where = Location(location.file, location.path, span=span)
        return None, [Problem(where, f"formula is not valid: {error.msg}", code="formula-syntax")]
    except (ValueError, RecursionError, MemoryError):
        return None, [Problem(location, "formula could not be parsed", code="formula-syntax")]
    fixed = dict(constants or {})
    checker = _Checker(flat, location, {**names, **dict.fromkeys(fixed, Kind.NUMBER)}, limits, scores)
    kind = checker.kind(tree)
    if checker.problems or kind is None:
        return None, checker.problems
    exact = _Exact(flat, fixed, scores).visit(tree)
    source = _Source(flat, location)
    evaluate = _compile(exact, source)
    guarded_already = isinstance(exact, ast.Call) or (
        isinstance(exact, ast.BinOp) and isinstance(exact.op, (*_DIVISIONS, ast.Pow))
    )
    if not (guarded_already or isinstance(exact, ast.Constant | ast.Name)):
        evaluate = _guarded(exact, source, evaluate)  # e.g. an overflow in a plain '*'
    return Expression(flat, location, kind, frozenset(checker.used - fixed.keys()), exact, evaluate), []


@dataclass(frozen=True)
class _Source:
    """What a failing node needs to say where it is."""

    text: str
    location: Location

    def failure(self, node: ast.AST, error: BaseException) -> ScoringError:
        start = _char_offset(self.text, getattr(node, "col_offset", 0))
        end = _char_offset(self.text, getattr(node, "end_col_offset", None) or len(self.text.encode()))
        location = Location(self.location.file, self.location.path, span=Span(self.text, start, end))
        zero = isinstance(error, ZeroDivisionError | decimal.DivisionUndefined)
        code = "division-by-zero" if zero else "formula-failed"
        return ScoringError(Problem(location, f"formula failed: {describe(error)}", code=code))


def _compile(node: ast.expr, owner: _Source) -> Evaluator:
    """Turn a checked tree into closures; errors become located ScoringErrors."""
    if isinstance(node, ast.Constant):
        value = node.value
        return lambda env: value
    if isinstance(node, ast.Name):
        if node.id in ("True", "False"):
            constant = node.id == "True"
            return lambda env: constant
        return operator.itemgetter(node.id)
    if isinstance(node, ast.BinOp):
        return _compile_binop(node, owner)
    if isinstance(node, ast.UnaryOp):
        unary, operand = _UNARY[type(node.op)], _compile(node.operand, owner)
        return lambda env: unary(operand(env))
    if isinstance(node, ast.BoolOp):
        parts = [_compile(value, owner) for value in node.values]
        if isinstance(node.op, ast.And):
            return lambda env: all(part(env) for part in parts)
        return lambda env: any(part(env) for part in parts)
    if isinstance(node, ast.Compare):
        return _compile_compare(node, owner)
    if isinstance(node, ast.IfExp):
        test, body, orelse = (_compile(n, owner) for n in (node.test, node.body, node.orelse))
        return lambda env: body(env) if test(env) else orelse(env)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        function = FUNCTIONS[node.func.id].call
        args = [_compile(arg, owner) for arg in node.args]
        return _guarded(node, owner, lambda env: function(*[arg(env) for arg in args]))
    raise AssertionError(f"unchecked node {type(node).__name__}")  # the checker refuses these


def _compile_binop(node: ast.BinOp, owner: _Source) -> Evaluator:
    op = _ARITHMETIC[type(node.op)]
    left, right = _compile(node.left, owner), _compile(node.right, owner)
    if isinstance(node.op, _DIVISIONS):

        def divide(env: Env) -> Any:
            divisor = right(env)
            if not divisor:
                raise owner.failure(node, ZeroDivisionError()) from None
            return op(left(env), divisor)

        return _guarded(node, owner, divide)
    if isinstance(node.op, ast.Pow):
        return _guarded(node, owner, lambda env: op(left(env), right(env)))
    return lambda env: op(left(env), right(env))


def _compile_compare(node: ast.Compare, owner: _Source) -> Evaluator:
    operands = [_compile(operand, owner) for operand in [node.left, *node.comparators]]
    ops = [_COMPARISONS[type(op)] for op in node.ops]
    if len(ops) == 1:
        compare, left, right = ops[0], operands[0], operands[1]
        return lambda env: compare(left(env), right(env))

    def chained(env: Env) -> bool:
        value = operands[0](env)
        for compare, operand in zip(ops, operands[1:], strict=True):
            following = operand(env)
            if not compare(value, following):
                return False
            value = following
        return True

    return chained


def _guarded(node: ast.AST, owner: _Source, evaluate: Evaluator) -> Evaluator:
    """Wrap the nodes that can fail (division, power, calls) so failures are located."""

    def guarded(env: Env) -> Any:
        try:
            return evaluate(env)
        except ScoringError:
            raise
        except (ArithmeticError, ValueError, TypeError) as error:
            raise owner.failure(node, error) from None

    return guarded


# --- the reference evaluator ---------------------------------------------------------------


def _nonzero_divisor(base: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def divide(left: Any, right: Any) -> Any:
        if not right:
            raise ZeroDivisionError
        return base(left, right)

    return divide


class _ReferenceEval(simpleeval.SimpleEval):  # type: ignore[misc]
    """simpleeval with nothing of its defaults: our operators, functions and names only."""

    def __init__(self, names: Env) -> None:
        operators: dict[type[ast.AST], Callable[..., Any]] = {}
        for table in (_ARITHMETIC, _COMPARISONS, _UNARY):
            operators.update(table)  # type: ignore[arg-type]
        for division in _DIVISIONS:
            operators[division] = _nonzero_divisor(_ARITHMETIC[division])
        functions = {name: function.call for name, function in FUNCTIONS.items()}
        super().__init__(operators=operators, functions=functions, names=dict(names))
        allowed = (ast.Name, ast.UnaryOp, ast.BinOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call, ast.Constant)
        self.nodes: dict[type[ast.AST], Callable[[Any], Any]] = {
            node: handler for node, handler in self.nodes.items() if node in allowed
        }

    def _eval_name(self, node: ast.Name) -> Any:
        if node.id in ("True", "False"):
            return node.id == "True"
        return self.names[node.id]


# --- the same tree as Python source, for the compiled scoring pass ---------------------------

_OPERATOR_SOURCE = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}
_COMPARISON_SOURCE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_UNARY_SOURCE = {ast.USub: "-", ast.UAdd: "+", ast.Not: "not "}


def _zero_divisor() -> Any:
    raise ZeroDivisionError  # Decimal says InvalidOperation for 0/0 and x % 0: a divisor of 0 fails alike everywhere


def source(node: ast.expr, const: Callable[[object], str], name: Callable[[str], str]) -> str:
    """Python source computing a checked tree, for code that runs with no builtins: constants,
    functions and helpers are referred to by the names ``const`` binds them to, and the names a
    formula reads by ``name(…)``. Its results and failures are those of :attr:`Expression.run`
    (without their locations; the engine finds those through the closures)."""
    if isinstance(node, ast.Constant):
        return const(node.value)
    if isinstance(node, ast.Name):
        return node.id if node.id in ("True", "False") else name(node.id)
    if isinstance(node, ast.BinOp):
        left, right = source(node.left, const, name), source(node.right, const, name)
        if isinstance(node.op, ast.Pow):
            return f"{const(_power)}({left}, {right})"
        if isinstance(node.op, _DIVISIONS):
            right = f"({right} or {const(_zero_divisor)}())"
        return f"({left} {_OPERATOR_SOURCE[type(node.op)]} {right})"
    if isinstance(node, ast.UnaryOp):
        return f"({_UNARY_SOURCE[type(node.op)]}{source(node.operand, const, name)})"
    if isinstance(node, ast.BoolOp):
        joiner = " and " if isinstance(node.op, ast.And) else " or "
        return "(" + joiner.join(source(value, const, name) for value in node.values) + ")"
    if isinstance(node, ast.Compare):
        parts = [source(node.left, const, name)]
        for op, operand in zip(node.ops, node.comparators, strict=True):
            parts += [_COMPARISON_SOURCE[type(op)], source(operand, const, name)]
        return "(" + " ".join(parts) + ")"
    if isinstance(node, ast.IfExp):
        body, test, orelse = (source(part, const, name) for part in (node.body, node.test, node.orelse))
        return f"({body} if {test} else {orelse})"
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        args = ", ".join(source(arg, const, name) for arg in node.args)
        return f"{const(FUNCTIONS[node.func.id].call)}({args})"
    raise AssertionError(f"unchecked node {type(node).__name__}")  # the checker refuses these
