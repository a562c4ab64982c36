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
import functools
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .errors import Location, Problem, Refusal, ScoringError, Span, suggest
from .exact import CONTEXT
from .limits import DEFAULT_LIMITS, Limits
from .messages import Text, verbatim, words
from .text import shown
from .toml import FULL_WIDTH

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
        raise Refusal(WORDS["round"])
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
        raise Refusal(WORDS["power"].format(most=MAX_POWER_EXPONENT))
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

WORDS = words(
    "expressions",
    {
        "attribute": ("公式中不能取属性（a.b）", "attribute access (a.b) is not allowed"),
        "subscript": ("公式中不能用下标（a[b]）", "subscripts (a[b]) are not allowed"),
        "lambda": ("公式中不能用 lambda", "lambdas are not allowed"),
        "comprehension": ("公式中不能用推导式", "comprehensions are not allowed"),
        "f-string": ("公式中不能用 f 字符串", "f-strings are not allowed"),
        "assignment": ("公式中不能赋值（:=）", "assignment (:=) is not allowed"),
        "starred": ("公式中不能用星号参数", "star-arguments are not allowed"),
        "list": ("公式中不能用列表", "lists are not allowed"),
        "tuple": ("公式中不能用元组", "tuples are not allowed"),
        "dict": ("公式中不能用字典", "dicts are not allowed"),
        "set": ("公式中不能用集合", "sets are not allowed"),
        "await": ("公式中不能用 await", "await is not allowed"),
        "yield": ("公式中不能用 yield", "yield is not allowed"),
        "not-allowed": ("公式中不能用 {what}", "{what} is not allowed in a formula"),
        "too-deep": ("公式嵌套超过 {depth} 层", "formula is nested more than {depth} levels deep"),
        "branches": ("“if … else” 两个分支的结果类型必须相同，现在是{body}和{orelse}",
                     "both branches of 'if … else' must give the same kind of value, not {body} and {orelse}"),
        "decimal": ("数字请写成十进制，如 16 或 0.95（不是 {source}）", "write numbers in decimal, such as 16 or 0.95 (not {source})"),
        "too large": ("过大", "too large"),
        "too small": ("过小", "too small"),
        "magnitude": ("数字{size}（超出 10^±{emax}）", "the number is {size} (beyond 10^±{emax})"),
        "digits": ("数字超过 {prec} 位", "the number has more than {prec} digits"),
        "text-literal": ("公式中的文本至多 {count} 个字符", "text literals are limited to {count} characters"),
        "literal": ("不能使用字面量 {value}；请用数字、True/False 或文本", "the literal {value} is not allowed; use numbers, True/False or text"),
        "unknown-name": ("未知的名称 '{name}'", "unknown name '{name}'"),
        "operator": ("不能使用运算符 {name}", "the operator {name} is not allowed"),
        "comparison": ("不能使用比较 {name}", "the comparison {name} is not allowed"),
        "compare": ("不能比较{left}和{right}", "cannot compare {left} with {right}"),
        "equality": ("{kind}只能用 == 或 != 比较", "{kind} values can only be compared with == or !="),
        "method": ("只能调用内置函数（不能调用方法）", "only the built-in functions can be called (no methods)"),
        "unknown-function": ("未知的函数 '{name}'", "unknown function '{name}'"),
        "keywords": ("{name}() 不接受关键字参数", "{name}() takes no keyword arguments"),
        "at least 2 arguments": ("至少 2 个参数", "at least 2 arguments"),
        "arguments": ("{count} 个参数", "{count} arguments"),
        "argument": ("{count} 个参数", "{count} argument"),
        "arguments-range": ("{low} 至 {high} 个参数", "{low} to {high} arguments"),
        "arity": ("{name}() 需要{expected}，实际给了 {count} 个", "{name}() takes {expected}, got {count}"),
        "date-call": ("date() 只接受一个写成文本的日期，如 date(\"2023-09-30\")",
                      "date() takes one date written as text, such as date(\"2023-09-30\")"),
        "not-a-date": ("{value} 不是日期；请写成 YYYY-MM-DD", "{value} is not a date; write it as YYYY-MM-DD"),
        "needs": ("{where}需要{wanted}，实际为{got}", "{where} needs a {wanted} value, got a {got} value"),
        "if-condition": ("“if” 的条件", "the condition of 'if'"),
        "this operator": ("这个运算符", "this operator"),
        "and-or": ("“and”/“or” ", "'and'/'or'"),
        "score-call": ("score() 只接受一个写成文本的指标编号，如 score(\"budget.execution\")",
                       "score() takes one indicator id written as text, such as score(\"budget.execution\")"),
        "score-unknown": ("这条规则不能读取指标 '{id}' 的得分（没有这个指标，或它不在本节点之下）",
                          "no indicator '{id}' whose score this rule may read"),
        "division": ("除以零", "division by zero"),
        "round": ("round() 的小数位数须为 0 至 12", "round() takes 0 to 12 decimal places"),
        "power": ("指数须为 -{most} 至 {most} 的整数", "exponents must be whole numbers from -{most} to {most}"),
        "overflow": ("结果过大", "the result is too large"),
        "undefined": ("对这些值无法进行该运算", "the operation is undefined for these values"),
        "not-text": ("此处应为公式（文本），实际为 {value}", "expected a formula (text), got {value}"),
        "long": ("公式超过 {count} 个字符", "formula is longer than {count} characters"),
        "empty": ("公式为空", "formula is empty"),
        "invalid": ("公式写法有误：{reason}", "formula is not valid: {reason}"),
        "sign": ("公式中的 {sign} 要写成英文半角的 {ascii}（请切换到英文输入法）",
                 "write {sign} in a formula as the ASCII {ascii} (switch the input method to English)"),
        "unparsed": ("公式无法解析", "formula could not be parsed"),
        "failed": ("公式无法计算：{reason}", "formula failed: {reason}"),
        "number": ("数值", "number"),
        "bool": ("是/否值", "bool"),
        "date": ("日期", "date"),
        "text": ("文本", "text"),
    },
)  # fmt: skip

_SYNTAX = words(
    "expressions.syntax",
    {
        "invalid syntax": ("写法无效", "invalid syntax"),
        "'(' was never closed": ("左括号 ( 没有对应的右括号", "'(' was never closed"),
        "unmatched ')'": ("右括号 ) 没有对应的左括号", "unmatched ')'"),
        "unterminated string literal (detected at line 1)": ("文本缺少结尾的引号", "unterminated string literal (detected at line 1)"),
        "expected 'else' after 'if' expression": ("“if” 后面缺少 “else …”", "expected 'else' after 'if' expression"),
    },
)  # fmt: skip
"""Python's commonest reasons a formula does not parse, in Chinese."""

SIGNS = {**FULL_WIDTH, "≥": ">=", "≤": "<=", "×": "*", "÷": "/", "＋": "+", "－": "-", "＊": "*", "／": "/",
         "＜": "<", "＞": ">", "≠": "!="}  # fmt: skip
"""Signs typed for the ASCII a formula needs: full-width punctuation, ≥ ≤ × ÷ ≠ and full-width operators."""

_REFUSED = {
    ast.Attribute: WORDS["attribute"],
    ast.Subscript: WORDS["subscript"],
    ast.Lambda: WORDS["lambda"],
    ast.ListComp: WORDS["comprehension"],
    ast.SetComp: WORDS["comprehension"],
    ast.DictComp: WORDS["comprehension"],
    ast.GeneratorExp: WORDS["comprehension"],
    ast.JoinedStr: WORDS["f-string"],
    ast.NamedExpr: WORDS["assignment"],
    ast.Starred: WORDS["starred"],
    ast.List: WORDS["list"],
    ast.Tuple: WORDS["tuple"],
    ast.Dict: WORDS["dict"],
    ast.Set: WORDS["set"],
    ast.Await: WORDS["await"],
    ast.Yield: WORDS["yield"],
    ast.YieldFrom: WORDS["yield"],
}


def _kind(kind: Kind) -> Text:
    """A kind of value in words."""
    return WORDS[kind.value]


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

    def problem(self, node: ast.AST | None, message: str | Text, suggestion: str | None = None, *, code: str) -> None:
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
                    WORDS["too-deep"].format(depth=self.limits.max_formula_depth),
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
                self._expect(value, kind, Kind.BOOL, WORDS["and-or"])
            return Kind.BOOL
        if isinstance(node, ast.Compare):
            return self._compare(node, depth)
        if isinstance(node, ast.IfExp):
            self._expect(node.test, self.kind(node.test, depth + 1), Kind.BOOL, WORDS["if-condition"])
            body, orelse = self.kind(node.body, depth + 1), self.kind(node.orelse, depth + 1)
            if body and orelse and body is not orelse:
                self.problem(
                    node,
                    WORDS["branches"].format(body=_kind(body), orelse=_kind(orelse)),
                    code="formula-type",
                )
            return body or orelse
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        reason = _REFUSED.get(type(node)) or WORDS["not-allowed"].format(what=type(node).__name__)
        self.problem(node, reason, code="formula-refused")
        return None

    def _constant(self, node: ast.Constant) -> Kind | None:
        value = node.value
        if isinstance(value, bool):
            return Kind.BOOL
        if isinstance(value, int | float):
            source = ast.get_source_segment(self.text, node) or ""
            if not _DECIMAL_LITERAL.match(source):
                self.problem(node, WORDS["decimal"].format(source=source), code="formula-refused")
                return None
            number = Decimal(source.replace("_", ""))
            if number and not CONTEXT.Emin <= number.adjusted() <= CONTEXT.Emax:
                size = WORDS["too large" if number.adjusted() > 0 else "too small"]
                said = WORDS["magnitude"].format(size=size, emax=CONTEXT.Emax)
                self.problem(node, said, code="formula-refused")
                return None
            if len(number.as_tuple().digits) > CONTEXT.prec:
                self.problem(node, WORDS["digits"].format(prec=CONTEXT.prec), code="formula-refused")
                return None
            return Kind.NUMBER
        if isinstance(value, str):
            if len(value) > self.limits.max_formula_text:
                self.problem(
                    node,
                    WORDS["text-literal"].format(count=self.limits.max_formula_text),
                    code="formula-refused",
                )
            return Kind.TEXT
        self.problem(node, WORDS["literal"].format(value=repr(value)), code="formula-refused")
        return None

    def _name(self, node: ast.Name) -> Kind | None:
        if node.id in ("True", "False"):
            return Kind.BOOL
        kind = self.names.get(node.id)
        if kind is None:
            said = WORDS["unknown-name"].format(name=node.id)
            self.problem(node, said, suggest(node.id, self.names), code="unknown-name")
            return None
        self.used.add(node.id)
        return kind

    def _binop(self, node: ast.BinOp, depth: int) -> Kind | None:
        if type(node.op) not in _ARITHMETIC:
            self.problem(node, WORDS["operator"].format(name=type(node.op).__name__), code="formula-refused")
        symbol = _SYMBOLS.get(type(node.op), "?")
        for side in (node.left, node.right):
            self._expect(side, self.kind(side, depth + 1), Kind.NUMBER, Text(f"“{symbol}” ", f"'{symbol}'"))
        return Kind.NUMBER

    def _unary(self, node: ast.UnaryOp, depth: int) -> Kind | None:
        if type(node.op) not in _UNARY:
            self.problem(node, WORDS["operator"].format(name=type(node.op).__name__), code="formula-refused")
            return None
        wanted = Kind.BOOL if isinstance(node.op, ast.Not) else Kind.NUMBER
        self._expect(node.operand, self.kind(node.operand, depth + 1), wanted, WORDS["this operator"])
        return wanted

    def _compare(self, node: ast.Compare, depth: int) -> Kind:
        operands = [node.left, *node.comparators]
        kinds = [self.kind(operand, depth + 1) for operand in operands]
        for op, left, right, lk, rk in zip(node.ops, operands, operands[1:], kinds, kinds[1:], strict=False):
            if type(op) not in _COMPARISONS:
                self.problem(node, WORDS["comparison"].format(name=type(op).__name__), code="formula-refused")
                continue
            if lk and rk and lk is not rk:
                self.problem(right, WORDS["compare"].format(left=_kind(lk), right=_kind(rk)), code="formula-type")
            elif lk in (Kind.TEXT, Kind.BOOL) and not isinstance(op, ast.Eq | ast.NotEq):
                self.problem(left, WORDS["equality"].format(kind=_kind(lk)), code="formula-type")
        return Kind.BOOL

    def _call(self, node: ast.Call, depth: int) -> Kind | None:
        if not isinstance(node.func, ast.Name):
            self.problem(node.func, WORDS["method"], code="formula-refused")
            return None
        name = node.func.id
        if name == SCORE and self.scores is not None:
            return self._score(node)
        function = FUNCTIONS.get(name)
        if function is None:
            said = WORDS["unknown-function"].format(name=name)
            self.problem(node.func, said, suggest(name, FUNCTIONS), code="unknown-function")
            return None
        if node.keywords:
            self.problem(node.keywords[0].value, WORDS["keywords"].format(name=name), code="formula-arity")
        if name == "date":
            return self._date(node)
        count = len(node.args)
        if function.variadic:
            wanted = [function.params[0]] * count
            ok = count >= 2
            expected = WORDS["at least 2 arguments"]
        else:
            wanted = list(function.params[:count])
            high = len(function.params)
            low = high - function.optional
            ok = low <= count <= high
            expected = (
                WORDS["argument" if low == 1 else "arguments"].format(count=low)
                if low == high
                else WORDS["arguments-range"].format(low=low, high=high)
            )
        if not ok:
            self.problem(node, WORDS["arity"].format(name=name, expected=expected, count=count), code="formula-arity")
        for arg, kind in zip(node.args, wanted, strict=False):
            self._expect(arg, self.kind(arg, depth + 1), kind, Text(f"{name}() ", f"{name}()"))
        return function.returns

    def _score(self, node: ast.Call) -> Kind:
        """score("output.quantity"): an indicator's score, in a rule's condition (checked here once)."""
        assert self.scores is not None
        arg = node.args[0] if len(node.args) == 1 and not node.keywords else None
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            message = WORDS["score-call"]
            self.problem(node, message, code="formula-arity")
            return Kind.NUMBER
        name = self.scores.get(arg.value)
        if name is None:
            message = WORDS["score-unknown"].format(id=arg.value)
            self.problem(arg, message, suggest(arg.value, self.scores), code="unknown-name")
            return Kind.NUMBER
        self.used.add(name)
        return Kind.NUMBER

    def _date(self, node: ast.Call) -> Kind:
        """date("2023-09-30"): a fixed date written in the ruleset, checked here once."""
        arg = node.args[0] if len(node.args) == 1 else None
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            self.problem(node, WORDS["date-call"], code="formula-arity")
            return Kind.DATE
        try:
            datetime.date.fromisoformat(arg.value)
        except ValueError:
            self.problem(arg, WORDS["not-a-date"].format(value=repr(arg.value)), code="formula-type")
        return Kind.DATE

    def _expect(self, node: ast.AST, got: Kind | None, wanted: Kind, where: Text) -> None:
        if got is not None and got is not wanted:
            said = WORDS["needs"].format(where=where, wanted=_kind(wanted), got=_kind(got))
            self.problem(node, said, code="formula-type")


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
        evaluator = _reference_eval()(env)
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


def describe(error: BaseException) -> Text:
    """What went wrong in a formula's arithmetic, in words."""
    if isinstance(error, ZeroDivisionError | decimal.DivisionByZero | decimal.DivisionUndefined):
        return WORDS["division"]
    if isinstance(error, decimal.Overflow):
        return WORDS["overflow"]
    if isinstance(error, decimal.InvalidOperation):
        return WORDS["undefined"]
    if isinstance(error, Refusal):
        return error.text
    said = str(error) or type(error).__name__
    return verbatim(said)


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
        return None, [Problem(location, WORDS["not-text"].format(value=shown(text)), code="formula-kind")]
    if len(text) > limits.max_formula_length:
        message = WORDS["long"].format(count=limits.max_formula_length)
        return None, [Problem(location, message, code="formula-too-long")]
    # Newlines and tabs become spaces so positions keep pointing at the same characters.
    flat = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    stripped = flat.strip()
    if not stripped:
        return None, [Problem(location, WORDS["empty"], code="formula-syntax")]
    lead = len(flat) - len(flat.lstrip())
    flat = flat[lead:].rstrip()
    try:
        tree = ast.parse(flat, mode="eval").body
    except SyntaxError as error:
        # Python gives offset 0 when the formula stops short: point just past its end then.
        offset = (error.offset - 1) if error.offset else len(flat)
        span = Span(flat, min(offset, len(flat)), min(offset + 1, len(flat) + 1))
        where = Location(location.file, location.path, span=span)
        typed = flat[offset] if offset < len(flat) else ""
        if typed in SIGNS:  # a full-width or mathematical sign typed for an ASCII one
            said = WORDS["sign"].format(sign=typed, ascii=SIGNS[typed])
            return None, [Problem(where, said, code="formula-syntax")]
        reason = _SYNTAX.get(error.msg) or verbatim(error.msg)  # Python's own words when not translated
        return None, [Problem(where, WORDS["invalid"].format(reason=reason), code="formula-syntax")]
    except (ValueError, RecursionError, MemoryError):
        return None, [Problem(location, WORDS["unparsed"], code="formula-syntax")]
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
        return ScoringError(Problem(location, WORDS["failed"].format(reason=describe(error)), code=code))


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


@functools.cache
def _reference_eval() -> Any:
    """simpleeval's evaluator with nothing of its defaults (made once: simpleeval is imported here,
    for the reference path only, so that scoring does not import it)."""
    import simpleeval

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

    return _ReferenceEval


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
