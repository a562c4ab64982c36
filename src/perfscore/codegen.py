"""The fast path: one plain Python function per ruleset, generated from its checked trees.

Scoring through closures costs several function calls per formula node and per leaf. Here the
whole ruleset (derived values, every leaf's method, rounding and the total) becomes a single
function, built once at load. Its source is made only of perfscore's own tokens: names from
the ruleset are identifiers already checked against ``[A-Za-z_][A-Za-z0-9_]*`` and prefixed,
every constant (numbers, text, functions) is passed in by reference under a generated name, and
the function runs with no builtins. No text from the ruleset is ever compiled.

The fast function does not explain or locate anything: on any exception the engine re-scores
the unit through the closures in :mod:`perfscore.methods`, which raise the located error. The
tests hold the two paths to identical scores.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from .data import MAX_EXPONENT, InputCheck
from .expressions import _ARITHMETIC, _COMPARISONS, FUNCTIONS, Expression, _power
from .methods import Bands, Boolean, Deduction, Formula, Method, Rating, Ratio

_BIG = Decimal(10) ** MAX_EXPONENT  # data.py accepts a little more; the rest goes the slow way
FastScorer = Callable[[dict[str, Any]], tuple[list[Decimal], list[Decimal], Decimal]]

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%"}
_COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_UNARY = {ast.USub: "-", ast.UAdd: "+", ast.Not: "not "}
assert set(_OPERATORS) | {ast.Pow} == set(_ARITHMETIC) and set(_COMPARE) == set(_COMPARISONS)


class _SlowPath(Exception):
    """A case the fast path leaves to the slow one, which explains it (no band, negative count)."""


def _slow_path() -> Any:
    raise _SlowPath


class _Emitter:
    """Collects generated lines and the objects they refer to by generated names."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {"__builtins__": {}}
        self._names: dict[int, str] = {}
        self._kept: list[Any] = []  # keep referenced objects alive so id() stays unique

    def const(self, value: Any) -> str:
        """The generated name bound to ``value`` in the function's globals."""
        key = id(value)
        if key not in self._names:
            name = f"_k{len(self._names)}"
            self._names[key] = name
            self.namespace[name] = value
            self._kept.append(value)
        return self._names[key]

    def compile(self, name: str) -> Any:
        """Compile the lines as a function ``name`` and return it."""
        source = "\n".join(self.lines) + "\n"
        exec(compile(source, f"<perfscore {name}>", "exec"), self.namespace)  # our own tokens only: see the module doc
        function = self.namespace[name]
        function.__doc__ = source  # for anyone debugging: the generated code
        return function

    def line(self, text: str, indent: int = 1) -> None:
        self.lines.append("    " * indent + text)

    def expr(self, node: ast.expr) -> str:
        """Python source for a checked formula tree (see expressions._Checker for what can occur)."""
        if isinstance(node, ast.Constant):
            return self.const(node.value)
        if isinstance(node, ast.Name):
            return node.id if node.id in ("True", "False") else f"v_{node.id}"
        if isinstance(node, ast.BinOp):
            left, right = self.expr(node.left), self.expr(node.right)
            if isinstance(node.op, ast.Pow):
                return f"{self.const(_power)}({left}, {right})"
            return f"({left} {_OPERATORS[type(node.op)]} {right})"
        if isinstance(node, ast.UnaryOp):
            return f"({_UNARY[type(node.op)]}{self.expr(node.operand)})"
        if isinstance(node, ast.BoolOp):
            joiner = " and " if isinstance(node.op, ast.And) else " or "
            return "(" + joiner.join(self.expr(v) for v in node.values) + ")"
        if isinstance(node, ast.Compare):
            parts = [self.expr(node.left)]
            for op, operand in zip(node.ops, node.comparators, strict=True):
                parts += [_COMPARE[type(op)], self.expr(operand)]
            return "(" + " ".join(parts) + ")"
        if isinstance(node, ast.IfExp):
            return f"({self.expr(node.body)} if {self.expr(node.test)} else {self.expr(node.orelse)})"
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            args = ", ".join(self.expr(arg) for arg in node.args)
            return f"{self.const(FUNCTIONS[node.func.id].call)}({args})"
        raise AssertionError(f"unchecked node {type(node).__name__}")

    def value(self, formula: Expression | Decimal) -> str:
        return self.const(formula) if isinstance(formula, Decimal) else self.expr(formula.tree)


def build(
    derived: Sequence[tuple[str, Expression]],
    methods: Sequence[Method],
    reads: Sequence[str],
    quantum: Decimal,
    rounding: str,
    round_leaves: bool,
) -> FastScorer:
    """Generate and compile the scoring function for one ruleset."""
    em = _Emitter()
    em.namespace.update(min=min, abs=abs, ZERO=Decimal(0), ONE=Decimal(1), TWO=Decimal(2))
    em.line("def score(env):", 0)
    for name in reads:
        em.line(f"v_{name} = env[{em.const(name)}]")
    for name, expression in derived:
        em.line(f"v_{name} = env[{em.const(name)}] = {em.expr(expression.tree)}")
    for index, method in enumerate(methods):
        _emit_method(em, method, f"s{index}")
    leaves = range(len(methods))
    raws = ", ".join(f"s{i}" for i in leaves)
    q, r = em.const(quantum), em.const(rounding)
    if round_leaves:
        for i in leaves:
            em.line(f"q{i} = s{i}.quantize({q}, {r})")
        rounded = ", ".join(f"q{i}" for i in leaves)
        em.line(f"return [{raws}], [{rounded}], {' + '.join(f'q{i}' for i in leaves) or 'ZERO'}")
    else:
        em.line(f"raw = [{raws}]")
        em.line(f"return raw, raw, ({' + '.join(f's{i}' for i in leaves) or 'ZERO'}).quantize({q}, {r})")
    scorer: FastScorer = em.compile("score")
    return scorer


def build_validator(checks: Sequence[InputCheck]) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    """A quick check for the common case: every input present, numbers already Decimal (or int),
    ratings given by tier name. It returns the converted values, or None to leave the unit to
    :func:`perfscore.data.validate`, which converts everything else and lists every problem."""
    em = _Emitter()
    em.namespace.update(type=type, int=int, Decimal=Decimal, str=str, bool=bool, len=len, BIG=_BIG)
    em.line("def validate(values):", 0)
    em.line(f"if len(values) != {len(checks)}: return None")
    em.line("env = {}")
    for check in checks:
        key, spec = em.const(check.name), check.spec
        em.line(f"v = values[{key}]")
        if spec.type in ("number", "percent", "count"):
            low = spec.min if isinstance(spec.min, Decimal) else None
            if low is None and spec.type == "count":
                low = Decimal(0)
            high = spec.max if isinstance(spec.max, Decimal) else None
            low_name = em.const(max(low, -_BIG)) if low is not None else "-BIG"
            high_name = em.const(min(high, _BIG)) if high is not None else "BIG"
            em.line("if type(v) is Decimal:")
            # NaN fails (or raises on) the comparison; huge or infinite values fail the bounds.
            em.line(f"if not ({low_name} <= v <= {high_name}): return None", 2)
            if spec.type == "count":
                em.line("if v != v.to_integral_value(): return None", 2)
            em.line(f"elif type(v) is int and {low_name} <= v <= {high_name}: v = Decimal(v)")
            em.line("else: return None")
        elif spec.type == "bool":
            em.line("if type(v) is not bool: return None")
        elif check.tiers is not None:
            em.line("if type(v) is str:")
            em.line(f"v = {em.const(check.tiers)}.get(v)", 2)
            em.line("if v is None: return None", 2)
            em.line(f"else: v = {em.const(check.convert)}(v)  # {{tier, score}}: checked as the slow path does")
        else:
            em.line("if v is None: return None")
            em.line(f"v = {em.const(check.convert)}(v)")
        em.line(f"env[{key}] = v")
    for check in checks:  # bounds naming another input, once every value is read
        for side, other in check.bounded_by:
            op = ">" if side == "max" else "<"
            em.line(f"if env[{em.const(check.name)}] {op} env[{em.const(other)}]: return None")
    em.line("return env")
    validator: Callable[[dict[str, Any]], dict[str, Any] | None] = em.compile("validate")
    return validator


def _emit_method(em: _Emitter, method: Method, out: str) -> None:
    if isinstance(method, Ratio):
        _emit_ratio(em, method, out)
    elif isinstance(method, Bands):
        x = em.value(method.value_formula)
        em.line(f"x = {x}")
        keyword = "if"
        for band, award in method.bands:
            tests = []
            if band.min is not None:
                tests.append(f"x {'>=' if band.min_inclusive else '>'} {em.const(band.min)}")
            if band.max is not None:
                tests.append(f"x {'<=' if band.max_inclusive else '<'} {em.const(band.max)}")
            em.line(f"{keyword} {' and '.join(tests) or 'True'}:")
            em.line(f"{out} = {em.const(award)}", 2)
            keyword = "elif"
        em.line("else:")
        em.line(f"{out} = {em.const(_slow_path)}()", 2)
    elif isinstance(method, Rating):
        em.line(f"tier, given = v_{method.input}")
        em.line(f"{out} = tier.default * {em.const(method.points)} if given is None else given")
    elif isinstance(method, Deduction):
        em.line(f"c = {em.value(method.count_formula)}")
        em.line(f"if c < ZERO: {out} = {em.const(_slow_path)}()")  # negative counts: the slow path says so
        if method.rounding is not None:
            em.line(f"c = c.to_integral_value(rounding={em.const(method.rounding)})")
        each, cap = em.const(method.each), em.const(method.cap)
        em.line(f"{out} = {em.const(method.points)} - min(c * {each}, {cap})")
    elif isinstance(method, Boolean):
        points = em.const(method.points)
        em.line(f"{out} = {points} if {em.expr(method.value_formula.tree)} else ZERO")
    elif isinstance(method, Formula):
        points = em.const(method.points)
        em.line(f"r = {em.expr(method.formula.tree)}")
        em.line(f"{out} = ZERO if r < ZERO else ({points} if r > {points} else r)")
    else:
        raise TypeError(f"no fast path for the method {method.name!r}")  # a new method must add one


def _emit_ratio(em: _Emitter, method: Ratio, out: str) -> None:
    """Mirrors Ratio.score line for line (without the facts); a constant target folds its branches."""
    w = em.const(method.points)
    em.line(f"a = {em.value(method.actual_formula)}")
    if not method.exact:
        em.line("if a < ZERO: a = ZERO")
    target = method.target_formula
    positive = isinstance(target, Decimal) and target > 0
    if positive:
        t = em.const(target)
    else:
        t = "t"
        em.line(f"t = {em.value(target)}")
    if method.exact:
        em.line(f"{out} = {w} if abs(a - {t}) <= {em.const(method.tolerance)} else ZERO")
        return
    if method.direction == "<=":
        em.line(f"if a <= {t}: {out} = {w}")
        if not positive:
            em.line(f"elif {t} <= ZERO: {out} = ZERO")
        if method.reverse == "inverse":
            em.line(f"else: {out} = {t} / a * {w}")
        else:
            em.line(f"elif a >= TWO * {t}: {out} = ZERO")
            em.line(f"else: {out} = (ONE - (a - {t}) / {t}) * {w}")
        return
    indent = 1
    if not positive:
        met_at_zero = "a <= ZERO" if method.direction == "=" else "True"
        em.line(f"if {t} <= ZERO: {out} = {w} if {met_at_zero} else ZERO")
        em.line("else:")
        indent = 2
    em.line(f"if a < {t}: {out} = a / {t} * {w}", indent)
    over = method.over_target
    if over is not None and over.deduct is not None:
        penalty = em.const(min(over.deduct, method.points))
        em.line(f"elif a >= {em.const(over.above)} * {t}: {out} = {w} - {penalty}", indent)
    em.line(f"else: {out} = {w}", indent)
