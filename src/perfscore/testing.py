"""Property testing for ruleset authors: random valid data for a ruleset, and checks that its rules hold.

A finance bureau that writes its own rulesets can check them the way perfscore checks itself::

    from perfscore.testing import assert_consistent

    assert_consistent("rulesets/our-project-2024.toml")  # raises ConsistencyError with a report

:func:`check_properties` runs hypothesis over valid data for the ruleset (:func:`data_for`) and
checks the properties in :data:`PROPERTIES`: every indicator stays within its points, subtotals
add up, a unit at or beyond every target gets full marks, improving an input never lowers a
score, scoring is deterministic and raises only perfscore's own errors. Each failure comes back
with the smallest data hypothesis found and a sentence in Chinese and English saying what went
wrong. :func:`rulesets` draws random valid rulesets, for testing perfscore itself.

Needs hypothesis (``pip install 'perfscore[testing]'``). Every number drawn is an integer scaled
by a power of ten: never a float.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import datetime
import decimal
import itertools
import json
import operator
import os
import pickle
import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import cached_property, lru_cache
from typing import Any

try:
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - only without the extra installed
    raise ImportError("perfscore.testing needs hypothesis: pip install 'perfscore[testing]'") from error

from .errors import DataError, PerfscoreError, ScoringError, suggest
from .exact import CONTEXT
from .expressions import FUNCTIONS, Expression
from .loader import load, loads
from .methods import Band
from .methods.bands import awards
from .methods.deduction import cap_of
from .model import InputSpec, Tier
from .result import ScoreResult
from .ruleset import Indicator, Ruleset
from .toml import dumps_document, dumps_value

__all__ = [
    "PROPERTIES",
    "ConsistencyError",
    "PropertyFailure",
    "PropertyReport",
    "Undetermined",
    "arbitrary_data_for",
    "assert_consistent",
    "check_properties",
    "data_for",
    "decimals",
    "rulesets",
    "rulesets_with_data",
]

DrawFn = Callable[[st.SearchStrategy[Any]], Any]
ZERO = Decimal(0)
ONE = Decimal(1)


class _Method:  # TEMPORARY view of a leaf's method for the kit, until it asks the methods' hooks
    def __init__(self, leaf: Indicator) -> None:
        spec, formulas = leaf.spec, leaf.formulas
        self.leaf = leaf
        self.name = leaf.method.name if leaf.method is not None else "?"
        self.points = leaf.points
        for key, value in formulas.items():
            setattr(self, "formula" if key == "formula" else f"{key}_formula", value)
        for key in ("direction", "reverse", "tolerance", "over_target", "input", "each"):
            if hasattr(spec, key):
                setattr(self, key, getattr(spec, key))
        self.exact = getattr(spec, "direction", None) == "=" and getattr(spec, "equal", None) == "exact"
        if hasattr(spec, "bands"):
            self.bands = list(zip(spec.bands, awards(leaf), strict=True))
        if hasattr(spec, "count_rounding"):
            self.cap = cap_of(leaf)
            self.rounding = {"floor": decimal.ROUND_FLOOR, "ceil": decimal.ROUND_CEILING}.get(spec.count_rounding)


class Ratio(_Method): ...


class Bands(_Method): ...


class Rating(_Method): ...


class Deduction(_Method): ...


class Boolean(_Method): ...


class Formula(_Method): ...


_VIEWS = {
    "ratio": Ratio,
    "bands": Bands,
    "rating": Rating,
    "deduction": Deduction,
    "boolean": Boolean,
    "formula": Formula,
}


def _view(leaf: Indicator) -> Any:
    assert leaf.method is not None
    return _VIEWS[leaf.method.name](leaf)


NUMERIC = ("number", "percent", "count")
ORDERED = (*NUMERIC, "date", "bool")  # inputs whose values can be better or worse
SPAN = Decimal(1_000_000)  # how far an input without a declared bound is drawn
COUNT_SPAN = Decimal(10_000)
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2035, 12, 31)
MOST_MARKS = 40

#: Every property :func:`check_properties` checks, in the order it checks them: name → (zh, en).
PROPERTIES: Mapping[str, tuple[str, str]] = {
    "own-errors": ("评分只抛出 perfscore 自己的错误（DataError、ScoringError）",
                   "scoring raises only perfscore's own errors (DataError, ScoringError)"),
    "leaf-within-points": ("每个指标的得分在 0 与其分值之间", "every indicator scores between 0 and its points"),
    "formula-within-points": ("公式法指标的公式结果本身就在 0 与分值之间，无需截断",
                              "a formula indicator's formula stays between 0 and its points without being cut"),
    "totals-add-up": ("小计和总分等于各项按舍入规则相加之和",
                      "subtotals and the total are the sums of their items under the rounding rule"),
    "total-within-points": ("总分在 0 与满分之间", "the total lies between 0 and the ruleset's total"),
    "full-marks": ("达到或超过每个目标的单位得满分", "a unit at or beyond every target gets full marks"),
    "monotone": ("改善一项输入不会降低任何指标的得分或总分",
                 "improving an input never lowers an indicator's score or the total"),
    "deterministic": ("同样的数据总是得到同样的结果", "the same data always gives the same result"),
    "key-order": ("结果与数据中键的顺序无关", "the result does not depend on the order of the data's keys"),
}  # fmt: skip


# --- exact numbers ------------------------------------------------------------------------------


def _scaled(value: Decimal, places: int, rounding: str) -> int:
    with decimal.localcontext(CONTEXT):
        return int(value.scaleb(places).to_integral_value(rounding=rounding))


def decimals(
    min_value: int | str | Decimal = -1_000_000, max_value: int | str | Decimal = 1_000_000, places: int = 2
) -> st.SearchStrategy[Decimal]:
    """Exact decimals in [min_value, max_value] with 0 to ``places`` digits after the point.

    Each is an integer scaled by a power of ten; they shrink toward fewer digits and toward 0
    (or the bound nearest it).
    """
    low, high = Decimal(min_value), Decimal(max_value)
    grids = [(k, _scaled(low, k, ROUND_CEILING), _scaled(high, k, ROUND_FLOOR)) for k in range(places + 1)]
    branches = [_on_grid(k, first, last) for k, first, last in grids if first <= last]
    if not branches:
        raise ValueError(f"no number with at most {places} decimal places lies in [{low}, {high}]")
    return st.one_of(branches)


def _on_grid(places: int, first: int, last: int) -> st.SearchStrategy[Decimal]:
    return st.integers(first, last).map(lambda n: Decimal(n).scaleb(-places))


def _tidy(value: Decimal) -> Decimal:
    """A decimal without trailing zeros after the point (0.50 → 0.5, 2.00 → 2), never in exponent form."""
    if value == value.to_integral_value():
        return value.quantize(ONE)
    return value.normalize()


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


# --- what the ruleset says about its inputs --------------------------------------------------------


def _formulas(leaf: Indicator) -> list[Expression | Decimal]:
    """The formulas a leaf's method computes with (constants as Decimal)."""
    method = _view(leaf)
    if isinstance(method, Ratio):
        return [method.actual_formula, method.target_formula]
    if isinstance(method, Bands):
        return [method.value_formula]
    if isinstance(method, Deduction):
        return [method.count_formula]
    if isinstance(method, Boolean):
        return [method.value_formula]
    if isinstance(method, Formula):
        return [method.formula]
    return []


def _default(spec: InputSpec) -> Any:
    """An input's declared default, converted as the data layer converts it (None if it has none)."""
    value = spec.default
    if value is None:
        return None
    if spec.type in NUMERIC and not isinstance(value, bool) and isinstance(value, int | Decimal):
        return Decimal(value)
    if spec.type == "date":
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, str):
            return datetime.date.fromisoformat(value.strip())
    return value


def _landmarks(ruleset: Ruleset) -> tuple[list[Decimal], list[str], list[datetime.date]]:
    """The numbers, texts and dates a ruleset mentions: targets, band edges, formula constants."""
    numbers = [ZERO, ONE]
    texts: list[str] = []
    dates: list[datetime.date] = []
    trees = [derived.expression.tree for derived in ruleset.derived]
    for leaf in ruleset.leaves:
        method = _view(leaf)
        for formula in _formulas(leaf):
            if isinstance(formula, Decimal):
                numbers.append(formula)
            else:
                trees.append(formula.tree)
        if isinstance(method, Ratio) and isinstance(method.target_formula, Decimal):
            target = method.target_formula
            numbers += [target * 2, target - method.tolerance, target + method.tolerance]
            if method.over_target is not None:
                numbers.append(method.over_target.above * target)
        if isinstance(method, Bands):
            numbers += [edge for band, _ in method.bands for edge in (band.min, band.max) if edge is not None]
    for tree in trees:
        date_args: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "date":
                for arg in node.args:
                    date_args.add(id(arg))
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        with contextlib.suppress(ValueError):
                            dates.append(datetime.date.fromisoformat(arg.value))
            elif isinstance(node, ast.Constant) and id(node) not in date_args:
                if isinstance(node.value, Decimal):
                    numbers.append(node.value)
                elif isinstance(node.value, str):
                    texts.append(node.value)
    for spec in ruleset.inputs.values():
        if spec.type == "date" and spec.default is not None:
            dates.append(_default(spec))
    return numbers, texts, dates


def _unique(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


@dataclass(frozen=True)
class _Value:
    """How valid values of one declared input are drawn."""

    name: str
    spec: InputSpec
    required: bool
    strategy: st.SearchStrategy[Any]
    default: Any = None
    low: Any = None  # numbers and dates: the range values are drawn from
    high: Any = None
    places: int = 0
    choices: tuple[Any, ...] = ()  # typical valid values, the simplest first

    @property
    def numeric(self) -> bool:
        return self.spec.type in NUMERIC

    @property
    def whole(self) -> bool:
        return self.spec.type == "count"

    def declared(self, values: Mapping[str, Any] | None = None) -> _Interval:
        """The range the ruleset allows (a count is never negative unless its min says so); a bound
        naming another input counts when ``values`` holds that input."""
        low, high = _fixed(self.spec.min), _fixed(self.spec.max)
        if low is None and self.whole:
            low = ZERO
        allowed = _Interval(low, high)
        for side, other in self.crossed:
            if values is not None and isinstance(values.get(other), Decimal):
                allowed = allowed & (_Interval(values[other]) if side == "min" else _Interval(None, values[other]))
        return allowed

    @property
    def crossed(self) -> list[tuple[str, str]]:
        """Bounds naming another input: ("max", "budget") for executed ≤ budget."""
        return [
            (side, bound) for side, bound in (("min", self.spec.min), ("max", self.spec.max)) if isinstance(bound, str)
        ]


def _fixed(bound: Decimal | str | None) -> Decimal | None:
    """A bound written as a number (not another input's name)."""
    return bound if isinstance(bound, Decimal) else None


def _number_range(spec: InputSpec) -> tuple[Decimal, Decimal, int]:
    whole = spec.type == "count"
    low = _fixed(spec.min) if _fixed(spec.min) is not None else (ZERO if whole else None)
    high = _fixed(spec.max)
    span = COUNT_SPAN if whole else SPAN
    if low is None and high is None:
        low, high = -span, span
    elif low is None:
        assert high is not None
        low = min(-span, high - span)
    elif high is None:
        high = max(span, low + span)
    assert low is not None and high is not None
    if whole:
        return low.to_integral_value(rounding=ROUND_CEILING), high.to_integral_value(rounding=ROUND_FLOOR), 0
    return low, high, max(2, _places(low), _places(high))


def _number_marks(numbers: Iterable[Decimal], low: Decimal, high: Decimal, places: int, whole: bool) -> list[Decimal]:
    """Telling values inside [low, high]: the simplest first (0, or the bound nearest it)."""
    step = ONE if whole else ONE.scaleb(-places)
    anchor = min(max(ZERO, low), high)
    found: dict[Decimal, None] = {anchor: None}
    with decimal.localcontext(CONTEXT):
        for number in numbers:
            near = [number, number - step, number + step]
            if whole:
                near += [
                    number.to_integral_value(rounding=ROUND_FLOOR),
                    number.to_integral_value(rounding=ROUND_CEILING),
                ]
            for value in [*near, low, high]:
                if low <= value <= high and (not whole or value == value.to_integral_value()):
                    found.setdefault(value)
    rest = sorted((value for value in found if value != anchor), key=lambda value: (abs(value), value))
    return [anchor, *rest][:MOST_MARKS]


def _rating_worths(ruleset: Ruleset, name: str) -> list[Decimal]:
    """The points of every rating leaf that reads the input ``name``."""
    return [
        leaf.points
        for leaf in ruleset.leaves
        if leaf.method is not None and leaf.method.name == "rating" and leaf.spec.input == name
    ]


def _tier_grid(tier: Tier, worths: Sequence[Decimal], places: int) -> tuple[int, int] | None:
    """Scores (integers of 10^-places) inside ``tier`` for every leaf worth one of ``worths``."""
    if not worths:
        return None
    low = max(tier.min * worth for worth in worths)
    high = min(tier.max * worth for worth in worths)
    first, last = _scaled(low, places, ROUND_CEILING), _scaled(high, places, ROUND_FLOOR)
    if not tier.max_inclusive and Decimal(last).scaleb(-places) == high:
        last -= 1
    return (first, last) if first <= last else None


def _tier_texts(tier: Tier) -> list[str]:
    return _unique([tier.name, tier.name_en, *tier.aliases])


def _rating_values(ruleset: Ruleset, name: str, spec: InputSpec) -> tuple[st.SearchStrategy[Any], list[Any]]:
    """A tier by any of its names, or ``{tier, score}`` with a score inside the tier for every leaf;
    and one such value per tier, the first tier's first."""
    worths = _rating_worths(ruleset, name)
    options: list[st.SearchStrategy[Any]] = []
    simple: list[Any] = []
    for tier in ruleset.scales[spec.scale].tiers:
        texts = st.sampled_from(_tier_texts(tier))
        forms: list[st.SearchStrategy[Any]] = [texts] if tier.default is not None else []
        grid = _tier_grid(tier, worths, 2)
        if grid is not None:
            scores = st.integers(*grid).map(lambda n: Decimal(n).scaleb(-2))
            forms.append(st.builds(lambda text, score: {"tier": text, "score": score}, texts, scores))
            low_score: Any = {"tier": tier.name, "score": _tidy(Decimal(grid[0]).scaleb(-2))}
        elif not worths and tier.default is None:
            forms.append(texts.map(lambda text: {"tier": text, "score": ZERO}))  # no leaf bounds its score
            low_score = {"tier": tier.name, "score": ZERO}
        if forms:
            options.append(st.one_of(forms))
            simple.append(tier.name if tier.default is not None else low_score)
    if not options:
        raise ValueError(f"the rating input '{name}' has no valid value: no tier fits the points of its indicators")
    return st.one_of(options), simple


class _Profile:
    """What the kit knows about one ruleset: how to draw its data, which way its inputs improve,
    and how to put together a unit at or beyond every target."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.derived = {derived.name: derived.expression.tree for derived in ruleset.derived}
        numbers, texts, dates = _landmarks(ruleset)
        self.texts = texts
        self.values = {name: self._value(name, spec, numbers, texts, dates) for name, spec in ruleset.inputs.items()}
        order = list(ruleset.inputs)
        required = {name: value.strategy for name, value in self.values.items() if value.required}
        optional = {name: value.strategy for name, value in self.values.items() if not value.required}
        self.data: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(required, optional=optional).map(
            lambda drawn: self.within_each_other({name: drawn[name] for name in order if name in drawn})
        )
        self.directions, self.conflicts = _directions(ruleset)
        self.steps: dict[int, _Step] = {}
        self.unsupported: dict[int, tuple[str, str]] = {}
        for index, leaf in enumerate(ruleset.leaves):
            try:
                self.steps[index] = self._plan(leaf)
            except _Unsupported as reason:
                self.unsupported[index] = (reason.zh, reason.en)

    def _value(
        self, name: str, spec: InputSpec, numbers: list[Decimal], texts: list[str], dates: list[datetime.date]
    ) -> _Value:
        meta = self.ruleset.meta
        required = (meta.missing == "error" if spec.required is None else spec.required) and spec.default is None
        default = _default(spec)
        if spec.type in NUMERIC:
            low, high, places = _number_range(spec)
            if low > high:
                raise ValueError(f"the input '{name}' has no valid value: min {low} is above max {high}")
            whole = spec.type == "count"
            simple = _number_marks(numbers, low, high, places, whole)
            marks = st.sampled_from(simple)
            strategy: st.SearchStrategy[Any]
            if whole:
                strategy = st.one_of(
                    marks, st.integers(int(low), int(high)).map(Decimal), st.integers(int(low), int(high))
                )
            else:
                strategy = st.one_of(marks, decimals(low, high, places))
            return _Value(name, spec, required, strategy, default, low, high, places, tuple(simple))
        if spec.type == "date":
            days = _unique(day + datetime.timedelta(days=shift) for day in dates for shift in (0, -1, 1))
            first, last = min([FIRST_DAY, *days]), max([LAST_DAY, *days])
            strategy = st.one_of(st.sampled_from(days), st.dates(first, last)) if days else st.dates(first, last)
            return _Value(name, spec, required, strategy, default, first, last, choices=tuple(days or [first]))
        if spec.type == "bool":
            return _Value(name, spec, required, st.booleans(), default, choices=(False, True))
        if spec.type == "text":
            words = _unique([*texts, "其他"])
            strategy = st.one_of(st.sampled_from(words), st.text(max_size=8))
            return _Value(name, spec, required, strategy, default, choices=tuple(words))
        strategy, ratings = _rating_values(self.ruleset, name, spec)
        return _Value(name, spec, required, strategy, default, choices=tuple(ratings))

    def within_each_other(self, values: dict[str, Any]) -> dict[str, Any]:
        """``values`` with each input moved inside the bounds that name other inputs (executed ≤ budget)."""
        crossed = [(value, side, other) for value in self.values.values() for side, other in value.crossed]
        for _ in range(len(crossed)):
            moved = False
            for value, side, other in crossed:
                own, limit = values.get(value.name), values.get(other)
                if own is None or limit is None or value.declared(values).contains(Decimal(own)):
                    continue
                rounding = ROUND_FLOOR if side == "max" else ROUND_CEILING
                values[value.name] = (
                    Decimal(limit).to_integral_value(rounding=rounding) if value.whole else Decimal(limit)
                )
                moved = True
            if not moved:
                break
        return values

    @cached_property
    def odd(self) -> dict[str, st.SearchStrategy[Any]]:
        """Per input: values of the right Python type that may break its declared rules."""
        return {name: _arbitrary_value(self.ruleset, value.spec, self.texts) for name, value in self.values.items()}

    @cached_property
    def arbitrary(self) -> st.SearchStrategy[dict[str, Any]]:
        """Data of the right types that may break the declared rules (see :func:`arbitrary_data_for`)."""
        values = {name: st.one_of(value.strategy, self.odd[name]) for name, value in self.values.items()}
        return st.one_of(
            st.fixed_dictionaries(values),
            st.fixed_dictionaries({}, optional={**values, "not_declared": st.integers()}),
        )

    # --- reading formulas ---------------------------------------------------------------------

    def inputs_in(self, node: ast.AST) -> list[str]:
        """The inputs a formula reads, directly or through derived values, in the order written."""
        found: dict[str, None] = {}

        def visit(item: ast.AST) -> None:
            if isinstance(item, ast.Name):
                if item.id in self.derived:
                    visit(self.derived[item.id])
                elif item.id in self.ruleset.inputs:
                    found.setdefault(item.id)
            for child in ast.iter_child_nodes(item):
                visit(child)

        visit(node)
        return list(found)

    def degree(self, node: ast.AST, name: str) -> int | None:
        """0 if ``node`` does not depend on the input, 1 if it is linear in it, None otherwise."""
        if name not in self.inputs_in(node):
            return 0
        if isinstance(node, ast.Name):
            return 1 if node.id == name else self.degree(self.derived[node.id], name)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            return self.degree(node.operand, name)
        if isinstance(node, ast.BinOp):
            left, right = self.degree(node.left, name), self.degree(node.right, name)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Add | ast.Sub):
                return max(left, right)
            if isinstance(node.op, ast.Mult) and left + right <= 1:
                return left + right
            if isinstance(node.op, ast.Div) and right == 0:
                return left
        return None

    def evaluate(self, node: ast.AST, env: Mapping[str, Any]) -> Any:
        """A formula's value for the inputs in ``env``; raises _Missed if it cannot be computed."""
        memo: dict[str, Any] = {}

        def value(item: ast.AST) -> Any:
            if isinstance(item, ast.Constant):
                return item.value
            if isinstance(item, ast.Name):
                if item.id in env:
                    return env[item.id]
                if item.id not in memo:
                    memo[item.id] = value(self.derived[item.id])
                return memo[item.id]
            if isinstance(item, ast.BinOp):
                return _BINARY[type(item.op)](value(item.left), value(item.right))
            if isinstance(item, ast.UnaryOp):
                operand = value(item.operand)
                return (not operand) if isinstance(item.op, ast.Not) else _UNARY[type(item.op)](operand)
            if isinstance(item, ast.BoolOp):
                result: Any = isinstance(item.op, ast.And)
                for part in item.values:
                    result = value(part)
                    if bool(result) != isinstance(item.op, ast.And):
                        break
                return result
            if isinstance(item, ast.Compare):
                left = value(item.left)
                for op, comparator in zip(item.ops, item.comparators, strict=True):
                    right = value(comparator)
                    if not _COMPARE[type(op)](left, right):
                        return False
                    left = right
                return True
            if isinstance(item, ast.IfExp):
                return value(item.body) if value(item.test) else value(item.orelse)
            if isinstance(item, ast.Call) and isinstance(item.func, ast.Name):
                return FUNCTIONS[item.func.id].call(*(value(arg) for arg in item.args))
            raise TypeError(f"unexpected {type(item).__name__}")

        try:
            with decimal.localcontext(CONTEXT):
                return value(node)
        except (ArithmeticError, ValueError, TypeError, KeyError) as error:
            text = ast.unparse(node)
            raise _Missed(f"{text} 无法计算（{error!r}）", f"{text} could not be computed ({error!r})") from None

    # --- a unit at or beyond every target ------------------------------------------------------

    def solver(self, formula: Expression | Decimal | ast.expr) -> Callable[[_Build, _Interval], None]:
        """How to bring a formula's value into an interval: choose one input it is linear in, fix the others."""
        if isinstance(formula, Decimal):
            constant = formula

            def check(build: _Build, goal: _Interval) -> None:
                if not goal.contains(constant):
                    raise _Missed(
                        f"常数 {_show(constant)} 不满足 {goal}", f"the constant {_show(constant)} is not {goal}"
                    )

            return check
        node = formula.tree if isinstance(formula, Expression) else formula
        names = self.inputs_in(node)
        free = [name for name in names if self.values[name].numeric and self.degree(node, name) == 1]
        if names and not free:
            raise _Unsupported()

        def solve(build: _Build, goal: _Interval) -> None:
            chosen = next((name for name in free if name not in build.values), None)
            for name in names:
                if name != chosen:
                    build.fix(name)
            env = dict(build.values)
            if chosen is None:
                value = self.evaluate(node, env)
                if not goal.contains(value):
                    text = ast.unparse(node)
                    raise _Missed(f"{text} 为 {_show(value)}，不满足 {goal}", f"{text} is {_show(value)}, not {goal}")
                return
            at_zero = self.evaluate(node, {**env, chosen: ZERO})
            slope = self.evaluate(node, {**env, chosen: ONE}) - at_zero
            if slope == 0:
                if not goal.contains(at_zero):
                    text = ast.unparse(node)
                    raise _Missed(
                        f"{text} 为 {_show(at_zero)}，不满足 {goal}", f"{text} is {_show(at_zero)}, not {goal}"
                    )
                return
            build.constrain(chosen, goal.solved(at_zero, slope))

        return solve

    def _plan(self, leaf: Indicator) -> _Step:
        """How to put a unit at or beyond this leaf's target; raises _Unsupported with the reason."""
        method = _view(leaf)
        if isinstance(method, Ratio):
            return self._ratio(method)
        if isinstance(method, Bands):
            return self._bands(method)
        if isinstance(method, Rating):
            return self._rating(method)
        if isinstance(method, Deduction):
            return self._deduction(method)
        if isinstance(method, Boolean):
            return self._boolean(method)
        raise _Unsupported(
            "公式法指标没有统一的“达到目标”，无法构造满分数据", "a formula indicator has no general target to meet"
        )

    def _ratio(self, method: Ratio) -> _Step:
        try:
            solve = self.solver(method.actual_formula)
        except _Unsupported:
            text = _formula_text(method.actual_formula)
            raise _Unsupported(
                f"实际值 {text} 不是某个数值输入的一次式，无法构造达到目标的数据",
                f"the actual {text} is not linear in a number input, so no data meeting the target can be built",
            ) from None
        target = method.target_formula
        target_names = [] if isinstance(target, Decimal) else self.inputs_in(target.tree)

        def step(build: _Build) -> _Verify:
            for name in target_names:
                build.fix(name)
            value = target if isinstance(target, Decimal) else self.evaluate(target.tree, build.values)
            solve(build, _ratio_goal(method, value))

            def verify(values: Mapping[str, Any]) -> bool:
                actual, aim = _value_of(method.actual_formula, values), _value_of(method.target_formula, values)
                if not isinstance(actual, Decimal) or not isinstance(aim, Decimal):
                    return False
                try:
                    goal = _ratio_goal(method, aim)
                except _Missed:
                    return False
                return goal.contains(actual if method.exact or actual >= 0 else ZERO)

            return verify

        return step

    def _bands(self, method: Bands) -> _Step:
        try:
            solve = self.solver(method.value_formula)
        except _Unsupported:
            text = _formula_text(method.value_formula)
            raise _Unsupported(
                f"区间取值 {text} 不是某个数值输入的一次式，无法构造落在最佳区间的数据",
                f"the value {text} is not linear in a number input, so no data in the best band can be built",
            ) from None
        best_first = sorted(range(len(method.bands)), key=lambda index: -method.bands[index][1])

        def step(build: _Build) -> _Verify:
            missed: _Missed | None = None
            for index in best_first:
                saved = build.save()
                try:
                    solve(build, _band_interval(method.bands[index][0]))
                except _Missed as error:
                    build.restore(saved)
                    missed = missed or error
                    continue

                def verify(values: Mapping[str, Any], chosen: int = index) -> bool:
                    value = _value_of(method.value_formula, values)
                    return isinstance(value, Decimal) and _band_of(method, value) == chosen

                return verify
            assert missed is not None
            raise missed

        return step

    def _rating(self, method: Rating) -> _Step:
        name = method.input
        tiers = self.ruleset.scales[self.values[name].spec.scale].tiers
        worths = set(_rating_worths(self.ruleset, name))
        value: Any = next((tier.name for tier in tiers if tier.default == 1), None)
        if value is None:
            if len(worths) != 1:
                raise _Unsupported(
                    f"读取 {name} 的评级指标分值不同，无法填出让每个指标都得满分的分数",
                    f"the rating indicators reading {name} have different points: no one score gives each full marks",
                )
            best = max(tiers, key=lambda tier: (tier.max, tier.max_inclusive))
            grid = _tier_grid(best, list(worths), 2)
            if grid is not None:
                value = {"tier": best.name, "score": _tidy(Decimal(grid[1]).scaleb(-2))}
            elif best.default is not None:
                value = best.name
            else:
                raise _Unsupported(f"评级 {name} 的最高档填不出分数", f"no score fits the top tier of {name}")
        chosen = value

        def step(build: _Build) -> _Verify:
            build.set(name, chosen)
            return lambda values: True

        return step

    def _deduction(self, method: Deduction) -> _Step:
        try:
            solve = self.solver(method.count_formula)
        except _Unsupported:
            text = _formula_text(method.count_formula)
            raise _Unsupported(
                f"扣分计数 {text} 不是某个数值输入的一次式，无法构造没有扣分的数据",
                f"the count {text} is not linear in a number input, so no data without deductions can be built",
            ) from None

        def step(build: _Build) -> _Verify:
            solve(build, _Interval(ZERO, ZERO))
            return lambda values: _value_of(method.count_formula, values) == 0

        return step

    def _boolean(self, method: Boolean) -> _Step:
        formula = method.value_formula
        try:
            make_true = self.truth(formula.tree, True)
        except _Unsupported:
            raise _Unsupported(
                f"条件 {formula.text} 的形式无法自动构造为真",
                f"the condition {formula.text} is not of a form the kit can make true",
            ) from None

        def step(build: _Build) -> _Verify:
            make_true(build)
            return lambda values: _value_of(formula, values) is True

        return step

    def truth(self, node: ast.AST, want: bool) -> Callable[[_Build], None]:
        """How to make a condition ``want`` (true or false); raises _Unsupported for other forms."""
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            if node.value != want:
                raise _Unsupported()
            return lambda build: None
        if isinstance(node, ast.Name):
            if node.id in self.derived:
                return self.truth(self.derived[node.id], want)
            if self.values[node.id].spec.type == "bool":
                name = node.id
                return lambda build: build.set(name, want)
            raise _Unsupported()
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return self.truth(node.operand, not want)
        if isinstance(node, ast.BoolOp):
            if isinstance(node.op, ast.And) == want:  # every part must go the same way
                return _every([self.truth(part, want) for part in node.values])
            return _first(self._options(node.values, lambda part: self.truth(part, want)))
        if isinstance(node, ast.Compare):
            pairs = list(zip([node.left, *node.comparators[:-1]], node.ops, node.comparators, strict=True))
            if want:
                return _every([self.comparison(left, op, right) for left, op, right in pairs])
            negated = [(left, _NEGATED[type(op)](), right) for left, op, right in pairs]
            return _first(self._options(negated, lambda pair: self.comparison(*pair)))
        raise _Unsupported()

    @staticmethod
    def _options(
        parts: Iterable[Any], plan: Callable[[Any], Callable[[_Build], None]]
    ) -> list[Callable[[_Build], None]]:
        options = []
        for part in parts:
            try:
                options.append(plan(part))
            except _Unsupported:
                continue
        if not options:
            raise _Unsupported()
        return options

    def comparison(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> Callable[[_Build], None]:
        """How to make ``left op right`` true: a text input set to a literal, a date input bounded by
        the other side, or numbers through the linear solver on ``left - right``."""
        for node, other in ((left, right), (right, left)):
            if (
                self._bare_type(node) == "text"
                and isinstance(other, ast.Constant)
                and isinstance(other.value, str)
                and isinstance(op, ast.Eq | ast.NotEq)
            ):
                literal: str = other.value
                text = literal if isinstance(op, ast.Eq) else ("其他" if literal != "其他" else "")
                name = _name(node)
                return lambda build: build.set(name, text)
        sides = ((left, right, op), (right, left, _FLIPPED[type(op)]()))
        dated = [side for side in sides if self._bare_type(side[0]) == "date"]
        if dated:
            # The free side is a date input without a default when there is one; the other side is fixed.
            node, other, relation = next((s for s in dated if self.values[_name(s[0])].default is None), dated[0])
            name = _name(node)
            others = [each for each in self.inputs_in(other) if each != name]

            def dates(build: _Build) -> None:
                for each in others:
                    build.fix(each)
                value = self.evaluate(other, build.values)
                if not isinstance(value, datetime.date):
                    raise _Missed(f"{ast.unparse(other)} 不是日期", f"{ast.unparse(other)} is not a date")
                build.constrain(name, _relation(relation, value))

            return dates
        solve = self.solver(ast.BinOp(left=left, op=ast.Sub(), right=right))
        goal = _relation(op, ZERO)
        return lambda build: solve(build, goal)

    def _bare_type(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name) and node.id in self.values:
            return self.values[node.id].spec.type
        return None

    def full_marks_unit(
        self, base: Mapping[str, Any], chooser: _Choosing, stats: _Stats
    ) -> tuple[dict[str, Any], dict[int, _Verify]]:
        """``base`` changed so that every leaf it can be worked out for is at or beyond its target."""
        build = _Build(self, chooser)
        verifies: dict[int, _Verify] = {}
        for index, step in self.steps.items():
            build.leaf = index
            saved = build.save()
            try:
                verifies[index] = step(build)
            except _Missed as missed:
                build.restore(saved)
                stats.missed.setdefault(index, (missed.zh, missed.en))
        for name, interval in list(build.bounds.items()):
            try:
                build.values[name] = chooser.within(name, interval, build.values)
            except _Missed as missed:
                for index in build.owners.get(name, ()):
                    verifies.pop(index, None)
                    stats.missed.setdefault(index, (missed.zh, missed.en))
        unit = {**base, **build.values}
        for index in verifies:
            for name in sorted(self.ruleset.leaves[index].needs):
                if name not in unit and self.values[name].default is None:
                    unit[name] = chooser.pick(name)
        return self.within_each_other({name: unit[name] for name in self.ruleset.inputs if name in unit}), verifies


def _name(node: ast.AST) -> str:
    assert isinstance(node, ast.Name)
    return node.id


def _every(steps: Sequence[Callable[[_Build], None]]) -> Callable[[_Build], None]:
    def every(build: _Build) -> None:
        for step in steps:
            step(build)

    return every


def _first(options: Sequence[Callable[[_Build], None]]) -> Callable[[_Build], None]:
    def first(build: _Build) -> None:
        missed: _Missed | None = None
        for option in options:
            saved = build.save()
            try:
                option(build)
                return
            except _Missed as error:
                build.restore(saved)
                missed = missed or error
        assert missed is not None
        raise missed

    return first


_BINARY: Mapping[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: Mapping[type[ast.unaryop], Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_COMPARE: Mapping[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_NEGATED: Mapping[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.LtE: ast.Gt, ast.Gt: ast.LtE,
}  # fmt: skip
_FLIPPED: Mapping[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.Eq, ast.NotEq: ast.NotEq, ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE,
}  # fmt: skip


class _Unsupported(Exception):
    """A leaf whose rule gives the kit no way to build data at or beyond its target."""

    def __init__(self, zh: str = "", en: str = "") -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


class _Missed(Exception):
    """The data drawn so far cannot bring one leaf to its target (another draw may)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class _Interval:
    """Values from ``low`` to ``high`` (numbers or dates); None is no bound; ends closed unless open."""

    low: Any = None
    high: Any = None
    low_open: bool = False
    high_open: bool = False

    def __and__(self, other: _Interval) -> _Interval:
        low, low_open, high, high_open = self.low, self.low_open, self.high, self.high_open
        if other.low is not None and (low is None or other.low > low or (other.low == low and other.low_open)):
            low, low_open = other.low, other.low_open
        if other.high is not None and (high is None or other.high < high or (other.high == high and other.high_open)):
            high, high_open = other.high, other.high_open
        return _Interval(low, high, low_open, high_open)

    def contains(self, value: Any) -> bool:
        if self.low is not None and (value < self.low or (value == self.low and self.low_open)):
            return False
        return self.high is None or not (value > self.high or (value == self.high and self.high_open))

    @property
    def empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        return bool(self.low > self.high or (self.low == self.high and (self.low_open or self.high_open)))

    def solved(self, at_zero: Decimal, slope: Decimal) -> _Interval:
        """The values of x for which ``slope * x + at_zero`` lies in this interval."""
        with decimal.localcontext(CONTEXT):
            low = None if self.low is None else (self.low - at_zero) / slope
            high = None if self.high is None else (self.high - at_zero) / slope
        if slope > 0:
            return _Interval(low, high, self.low_open, self.high_open)
        return _Interval(high, low, self.high_open, self.low_open)

    def __str__(self) -> str:
        low, high = self.low, self.high
        if low is not None and high is not None:
            if low == high and not (self.low_open or self.high_open):
                return f"= {_show(low)}"
            return f"{'(' if self.low_open else '['}{_show(low)}, {_show(high)}{')' if self.high_open else ']'}"
        if low is not None:
            return f"{'>' if self.low_open else '≥'} {_show(low)}"
        if high is not None:
            return f"{'<' if self.high_open else '≤'} {_show(high)}"
        return "(-∞, +∞)"


EVERYTHING = _Interval()


def _relation(op: ast.cmpop, value: Any) -> _Interval:
    """The values x with ``x op value`` (``!=`` is taken as ``>``)."""
    if isinstance(op, ast.Gt | ast.NotEq):
        return _Interval(value, None, low_open=True)
    if isinstance(op, ast.GtE):
        return _Interval(value, None)
    if isinstance(op, ast.Lt):
        return _Interval(None, value, high_open=True)
    if isinstance(op, ast.LtE):
        return _Interval(None, value)
    return _Interval(value, value)


def _ratio_goal(method: Ratio, target: Decimal) -> _Interval:
    """The actual values that meet a ratio indicator's target in full."""
    if method.exact:
        return _Interval(target - method.tolerance, target + method.tolerance)
    if method.direction == "<=":
        if target < 0:
            raise _Missed(
                f"目标 ≤ {_show(target)} 为负，实际值（负数按 0 计）达不到",
                f"the target ≤ {_show(target)} is negative and an actual (negatives count as 0) cannot meet it",
            )
        return _Interval(None, target)
    if target <= 0:
        return EVERYTHING if method.direction == ">=" else _Interval(None, ZERO)
    over = method.over_target
    if over is not None and over.deduct is not None:
        with decimal.localcontext(CONTEXT):
            return _Interval(target, over.above * target, high_open=True)
    return _Interval(target, None)


def _band_interval(band: Band) -> _Interval:
    return _Interval(band.min, band.max, not band.min_inclusive, not band.max_inclusive)


def _band_of(method: Bands, value: Decimal) -> int | None:
    """The index of the band the engine puts ``value`` in (the first that holds it)."""
    for index, (band, _) in enumerate(method.bands):
        if _band_interval(band).contains(value):
            return index
    return None


def _value_of(formula: Expression | Decimal, values: Mapping[str, Any]) -> Any:
    if isinstance(formula, Decimal):
        return formula
    try:
        return formula.evaluate(values)
    except (PerfscoreError, ArithmeticError, ValueError, TypeError, KeyError):
        return None


_Verify = Callable[[Mapping[str, Any]], bool]
_Step = Callable[["_Build"], _Verify]


class _Choosing:
    """Chooses input values for a unit being built: the simplest ones when ``spread`` is 0 (what
    hypothesis shrinks it to: values exactly at their targets), otherwise spread out pseudo-randomly
    from it. One drawn number instead of a draw per value keeps an example cheap."""

    def __init__(self, spread: int, profile: _Profile) -> None:
        self.profile = profile
        self.random = random.Random(spread) if spread else None

    def pick(self, name: str) -> Any:
        """Any valid value (not 0 for numbers, so it can divide); an input's default when it has one."""
        value = self.profile.values[name]
        if value.default is not None:
            return value.default
        options = list(value.choices)
        if value.numeric:
            options = [option for option in options if option != 0] or options
            if self.random is not None and self.random.random() < 0.5:  # anywhere, not only the telling values
                chosen = self.within(name, EVERYTHING, {})
                return chosen if chosen != 0 else options[0]
        return options[0] if self.random is None else self.random.choice(options)

    def within(self, name: str, interval: _Interval, values: Mapping[str, Any]) -> Any:
        """A valid value inside ``interval``; raises _Missed if the input's declared range leaves none.
        The simplest is the end at the interval's own bound (the target itself)."""
        value = self.profile.values[name]
        declared = value.declared(values)
        allowed = interval & declared
        if allowed.empty:
            raise _Missed(
                f"{name} 需要 {interval}，但其声明的范围是 {declared}",
                f"{name} would need to be {interval} but is declared {declared}",
            )
        if value.spec.type == "date":
            return self._date(name, interval, allowed)
        low, high = allowed.low, allowed.high
        if low is None and high is None:
            low, high = value.low, value.high
        elif low is None:
            low = high - max(abs(high), ONE)
        elif high is None:
            high = low + max(abs(low), ONE)  # at or beyond: up to twice the target
        bounded = _Interval(low, high, allowed.low_open, allowed.high_open)
        for places in [value.places] if value.whole else range(value.places, value.places + 9, 2):
            grid = _grid(bounded, places)
            if grid is not None:
                return _tidy(Decimal(self._point(interval, *grid)).scaleb(-places))
        raise _Missed(f"{name} 在 {allowed} 内没有可填的值", f"{name} has no value to fill in {allowed}")

    def _point(self, interval: _Interval, first: Any, last: Any) -> Any:
        """A point of [first, last]: at the interval's own bound when the spread is 0, else anywhere."""
        if self.random is not None:
            return first + self.random.randint(0, last - first) if isinstance(first, int) else first
        if interval.low is not None:
            return first
        if interval.high is not None:
            return last
        return min(max(0, first), last) if isinstance(first, int) else first

    def _date(self, name: str, interval: _Interval, allowed: _Interval) -> datetime.date:
        value = self.profile.values[name]
        low = value.low if allowed.low is None else allowed.low + datetime.timedelta(days=int(allowed.low_open))
        high = value.high if allowed.high is None else allowed.high - datetime.timedelta(days=int(allowed.high_open))
        if allowed.low is None and low > high:
            low = high - datetime.timedelta(days=365)
        if allowed.high is None and high < low:
            high = low + datetime.timedelta(days=365)
        if low > high:
            raise _Missed(f"{name} 在 {allowed} 内没有日期可填", f"{name} has no date to fill in {allowed}")
        day: datetime.date = low + datetime.timedelta(days=self._point(interval, 0, (high - low).days))
        return day


def _grid(interval: _Interval, places: int) -> tuple[int, int] | None:
    """The integers n with n × 10^-places inside a bounded interval (ends within 10^-12 snap to the grid)."""
    with decimal.localcontext(CONTEXT):

        def scaled(value: Decimal) -> Decimal:
            exact = value.scaleb(places)
            nearest = exact.to_integral_value()
            return nearest if abs(exact - nearest) < Decimal("1E-12") else exact

        low, high = scaled(interval.low), scaled(interval.high)
        first = int(low.to_integral_value(ROUND_CEILING))
        last = int(high.to_integral_value(ROUND_FLOOR))
        if interval.low_open and first == low:
            first += 1
        if interval.high_open and last == high:
            last -= 1
    return (first, last) if first <= last else None


class _Build:
    """A unit at or beyond every target being put together, leaf by leaf."""

    def __init__(self, profile: _Profile, chooser: _Choosing) -> None:
        self.profile = profile
        self.chooser = chooser
        self.values: dict[str, Any] = {}  # inputs fixed so far
        self.bounds: dict[str, _Interval] = {}  # inputs that must end up inside an interval
        self.owners: dict[str, set[int]] = {}  # the leaves that bound each input
        self.leaf = 0

    def save(self) -> tuple[dict[str, Any], dict[str, _Interval], dict[str, set[int]]]:
        return dict(self.values), dict(self.bounds), {name: set(leaves) for name, leaves in self.owners.items()}

    def restore(self, saved: tuple[dict[str, Any], dict[str, _Interval], dict[str, set[int]]]) -> None:
        self.values, self.bounds, self.owners = saved

    def fix(self, name: str) -> Any:
        """The input's value, chosen now if it has none yet (inside its bounds if it has some)."""
        if name not in self.values:
            bounds = self.bounds.pop(name, None)
            self.values[name] = (
                self.chooser.pick(name) if bounds is None else self.chooser.within(name, bounds, self.values)
            )
        return self.values[name]

    def set(self, name: str, value: Any) -> None:
        if name in self.values:
            if self.values[name] != value:
                raise _Missed(
                    f"{name} 已为 {_show(self.values[name])}，不能再为 {_show(value)}",
                    f"{name} is already {_show(self.values[name])} and cannot also be {_show(value)}",
                )
            return
        if name in self.bounds and not self.bounds.pop(name).contains(value):
            raise _Missed(f"{name} 不能为 {_show(value)}", f"{name} cannot be {_show(value)}")
        self.values[name] = value

    def constrain(self, name: str, interval: _Interval) -> None:
        if name in self.values:
            if not interval.contains(self.values[name]):
                raise _Missed(
                    f"{name} 已为 {_show(self.values[name])}，不满足 {interval}",
                    f"{name} is already {_show(self.values[name])}, not {interval}",
                )
            return
        combined = self.bounds.get(name, EVERYTHING) & interval
        declared = self.profile.values[name].declared(self.values)
        if (combined & declared).empty:
            raise _Missed(
                f"{name} 需要 {combined}，但其声明的范围是 {declared}",
                f"{name} would need to be {combined} but is declared {declared}",
            )
        self.bounds[name] = combined
        self.owners.setdefault(name, set()).add(self.leaf)


# --- which way each input improves ------------------------------------------------------------


def _ratio_way(method: Ratio) -> str | None:
    """Which way of the actual a ratio indicator rewards, when it rewards one way throughout."""
    if method.exact:
        return None
    if method.direction == "<=":
        return "lower"
    if method.direction == ">=":
        return "higher"
    target = method.target_formula
    if not isinstance(target, Decimal):
        return None
    return "higher" if target > 0 else "lower"


def _directions(ruleset: Ruleset) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Input → (better, "declared" or "inferred"), and the inputs whose ratio indicators disagree."""
    inferred: dict[str, set[str]] = {}
    for leaf in ruleset.leaves:
        method = _view(leaf)
        if isinstance(method, Ratio) and isinstance(method.actual_formula, Expression):
            name = method.actual_formula.bare_name
            way = _ratio_way(method)
            if name in ruleset.inputs and way is not None:
                inferred.setdefault(name, set()).add(way)
    directions: dict[str, tuple[str, str]] = {}
    conflicts: list[str] = []
    for name, spec in ruleset.inputs.items():
        if spec.type not in ORDERED:
            continue
        if spec.better is not None:
            directions[name] = (spec.better, "declared")
        elif len(inferred.get(name, ())) == 1:
            directions[name] = (next(iter(inferred[name])), "inferred")
        elif name in inferred:
            conflicts.append(name)
    return directions, conflicts


# --- valid and arbitrary data ------------------------------------------------------------------


@lru_cache(maxsize=128)
def _compiled(text: str) -> tuple[Ruleset, _Profile]:
    ruleset = loads(text, source="generated.toml")
    return ruleset, _Profile(ruleset)


def _ruleset(ruleset: Ruleset | str | os.PathLike[str]) -> Ruleset:
    return ruleset if isinstance(ruleset, Ruleset) else load(os.fspath(ruleset))


def data_for(ruleset: Ruleset) -> st.SearchStrategy[dict[str, Any]]:
    """Valid data for ``ruleset``: every value passes its input's declaration.

    Numbers lie within min/max (counts whole), ratings name a tier or give a score inside the
    tier for every indicator that reads them, dates and texts include those the ruleset's
    formulas mention; optional inputs may be left out. Values shrink toward 0 (or min), the
    first tier, false and the values the ruleset mentions. Numbers are exact decimals.
    """
    return _Profile(ruleset).data


def _any_number() -> st.SearchStrategy[Any]:
    """Numbers of every size and shape perfscore may be handed: zero, tiny, huge, negative."""
    return st.one_of(
        st.just(ZERO),
        decimals(-1_000_000, 1_000_000, places=6),
        st.integers(-(10**40), 10**40),
        st.decimals(allow_nan=False, allow_infinity=False),
        st.sampled_from([Decimal("1E-990"), Decimal("1E+30"), Decimal("-1E+30"), Decimal("1E-30"), Decimal("1E+28")]),
    )


def _arbitrary_value(ruleset: Ruleset, spec: InputSpec, texts: Sequence[str]) -> st.SearchStrategy[Any]:
    if spec.type in NUMERIC:
        return _any_number()
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "text":
        return st.one_of(st.sampled_from([*texts, ""]), st.text(max_size=20))
    if spec.type == "date":
        return st.dates()
    names = [text for tier in ruleset.scales[spec.scale].tiers for text in _tier_texts(tier)]
    tier_text = st.one_of(st.sampled_from(names), st.text(max_size=10))
    return st.one_of(tier_text, st.fixed_dictionaries({"tier": tier_text, "score": _any_number()}))


def arbitrary_data_for(ruleset: Ruleset) -> st.SearchStrategy[dict[str, Any]]:
    """Data of the right Python types that may break any declared rule: out-of-range numbers, zero
    divisors, tiny and huge numbers, unknown tiers, left-out inputs, an undeclared key.

    Each value is valid or arbitrary at random, so most units get past validation with a few
    odd values and reach scoring.
    """
    return _Profile(ruleset).arbitrary


# --- random rulesets ------------------------------------------------------------------------------


@dataclass
class _Draft:
    """What a ruleset being generated has declared so far."""

    draw: DrawFn
    quantum_places: int
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)
    leaves: int = 0

    def declare(self, name: str, type_: str, **keys: Any) -> str:
        self.inputs[name] = {"type": type_, "label": f"输入 {name}", **keys}
        return name

    def points(self, units: int) -> Decimal:
        return Decimal(units).scaleb(-self.quantum_places)


def _ratio_leaf(draft: _Draft, i: int, points: Decimal) -> dict[str, Any]:
    draw = draft.draw
    direction = draw(st.sampled_from([">=", "<=", "="]))
    low = draw(st.sampled_from([Decimal(-100), ZERO]))  # negative actuals count as 0
    x = draft.declare(f"x{i}", "number", min=low, max=Decimal(3000))  # the same scale as the targets
    actual: str = x
    style = draw(st.sampled_from(["name", "derived", "sum"]))
    if style == "derived":
        divisor = draft.declare(f"d{i}", "number", min=ONE, max=Decimal(10_000))
        actual = f"r{i}"
        draft.derived[actual] = f"{x} / {divisor}"
    elif style == "sum":
        actual = f"{x} + {dumps_value(draw(decimals(0, 10)))}"
    target: Any = draw(decimals(0, 1000))
    if draw(st.booleans()):
        target = draft.declare(f"t{i}", "number", min=ZERO, max=Decimal(1000))
    leaf: dict[str, Any] = {"method": "ratio", "actual": actual, "target": target, "direction": direction}
    if direction == "<=":
        leaf["reverse"] = draw(st.sampled_from(["linear", "inverse"]))
    if direction == "=":
        leaf["equal"] = draw(st.sampled_from(["at-least", "exact"]))
        if leaf["equal"] == "exact":
            leaf["tolerance"] = draw(decimals(0, 5))
    if direction != "<=" and draw(st.booleans()):
        over: dict[str, Any] = {"above": draw(decimals("1.01", 3))}
        if draw(st.booleans()):
            over |= {"action": "deduct", "deduct": draw(decimals(0, points))}
        leaf["over_target"] = over
    return leaf


def _bands_leaf(draft: _Draft, i: int, points: Decimal) -> dict[str, Any]:
    draw = draft.draw
    value = draft.declare(f"v{i}", "number", min=Decimal(-100), max=Decimal(200))
    cuts = sorted(draw(st.sets(decimals(-100, 200), max_size=3)))
    units = _scaled(points, draft.quantum_places, ROUND_FLOOR)

    def award() -> dict[str, Any]:
        if draw(st.booleans()):
            return {"points": draft.points(draw(st.integers(0, units)))}
        return {"fraction": draw(decimals(0, 1))}

    bands: list[dict[str, Any]] = [{}]
    for cut in cuts:  # contiguous bands cover every value; each cut belongs to one side
        closed_left = draw(st.booleans())
        bands[-1] |= {"max": cut} if closed_left else {"max": cut, "max_inclusive": True}
        bands.append({"min": cut} if closed_left else {"min": cut, "min_inclusive": False})
    return {"method": "bands", "value": value, "bands": [band | award() for band in bands]}


def _rating_leaf(draft: _Draft, i: int, points: Decimal) -> dict[str, Any]:
    return {"method": "rating", "input": draft.declare(f"g{i}", "rating")}


def _deduction_leaf(draft: _Draft, i: int, points: Decimal) -> dict[str, Any]:
    draw = draft.draw
    leaf: dict[str, Any] = {"method": "deduction", "each": draw(decimals("0.01", 5))}
    if draw(st.booleans()):
        leaf["count"] = draft.declare(f"n{i}", "count", max=Decimal(50))
    else:
        leaf["count"] = draft.declare(f"n{i}", "number", min=ZERO, max=Decimal(50))
        leaf["count_rounding"] = draw(st.sampled_from(["exact", "floor", "ceil"]))
    if draw(st.booleans()):
        leaf["cap"] = draw(decimals(0, 2 * points))
    return leaf


def _boolean_leaf(draft: _Draft, i: int, points: Decimal) -> dict[str, Any]:
    kind = draft.draw(st.sampled_from(["bool", "not", "compare", "text", "and"]))
    if kind in ("bool", "not", "and"):
        draft.declare(f"b{i}", "bool")
    if kind in ("compare", "and"):
        draft.declare(f"x{i}", "number")
    if kind == "text":
        draft.declare(f"s{i}", "text")
    value = {
        "bool": f"b{i}",
        "not": f"not b{i}",
        "compare": f"x{i} >= 0",
        "text": f's{i} == "完成"',
        "and": f"b{i} and 0 <= x{i} < 100",
    }[kind]
    return {"method": "boolean", "value": value}


def _formula_leaf(draft: _Draft, i: int, points: Decimal) -> dict[str, Any]:
    kind = draft.draw(st.sampled_from(["share", "minus", "if", "days", "round", "clamp"]))
    if kind in ("share", "round", "clamp"):
        draft.declare(f"x{i}", "number")
    if kind == "minus":
        draft.declare(f"n{i}", "count", max=Decimal(50))
    if kind == "if":
        draft.declare(f"b{i}", "bool")
    if kind == "days":
        draft.declare(f"due{i}", "date")
        draft.declare(f"done{i}", "date")
    formula = {
        "share": f"points * x{i} / 100",
        "minus": f"points - 0.5 * n{i}",
        "if": f"points if b{i} else points / 2",
        "days": f"points - days_between(due{i}, done{i}) * 0.1",
        "round": f"round(x{i} * points / 100, 1)",
        "clamp": f"clamp(x{i}, 0, points) ** 1",
    }[kind]
    return {"method": "formula", "formula": formula}


_LEAF_BUILDERS: Mapping[str, Callable[[_Draft, int, Decimal], dict[str, Any]]] = {
    "ratio": _ratio_leaf,
    "bands": _bands_leaf,
    "rating": _rating_leaf,
    "deduction": _deduction_leaf,
    "boolean": _boolean_leaf,
    "formula": _formula_leaf,
}
METHODS = tuple(_LEAF_BUILDERS)


def _split(draw: DrawFn, units: int, count: int) -> list[int]:
    """``units`` cut into ``count`` whole, non-negative parts that add up to it exactly."""
    cuts = sorted(draw(st.lists(st.integers(0, units), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, units]
    return [high - low for low, high in itertools.pairwise(bounds)]


def _children(draft: _Draft, units: int, depth: int, max_depth: int, most: int) -> dict[str, Any]:
    draw = draft.draw
    parts = _split(draw, units, draw(st.integers(1, most)))
    nodes: dict[str, Any] = {}
    for index, part in enumerate(parts):
        points = draft.points(part)
        if depth < max_depth and draw(st.booleans()):
            group = {"name": f"第{depth}级 {index}", "points": points}
            nodes[f"g{index}"] = group | _children(draft, part, depth + 1, max_depth, 3)
        else:
            number = draft.leaves
            draft.leaves += 1
            method = draw(st.sampled_from(METHODS))
            leaf = {"name": f"指标 {number}", "name_en": f"Item {number}", "points": points}
            nodes[f"k{number}"] = leaf | _LEAF_BUILDERS[method](draft, number, points)
    return nodes


@st.composite
def _generated(draw: DrawFn, max_depth: int | None) -> str:
    places = draw(st.integers(0, 4))
    mode = draw(st.sampled_from(["half-up", "half-even", "down", "up"]))
    stage = draw(st.sampled_from(["leaf", "total"]))
    missing = draw(st.sampled_from(["error", "zero"]))
    draft = _Draft(draw, quantum_places=min(places, 2))
    scale = 10**draft.quantum_places
    units = draw(st.one_of(st.just(100 * scale), st.integers(1, 200 * scale)))
    depth = max_depth or draw(st.integers(1, 3))
    indicators = _children(draft, units, 1, depth, 4)
    document: dict[str, Any] = {
        "ruleset": {
            "id": "generated",
            "title": "随机规则",
            "version": "1",
            "sources": ["hypothesis"],
            "total": draft.points(units),
            "missing": missing,
            "rounding": {"places": places, "mode": mode, "stage": stage},
        },
        "inputs": draft.inputs,
        "derived": dict(draft.derived),
        "indicators": indicators,
    }
    return dumps_document(document)


def rulesets(max_depth: int | None = None) -> st.SearchStrategy[str]:
    """Random valid rulesets as TOML text: a tree of depth 1–3 (or ``max_depth``) whose points add
    up, with leaves of every scoring method, every rounding policy and both ways of treating
    missing data. Points have no more decimals than the ruleset rounds to."""
    return _generated(max_depth)


@st.composite
def _with_data(draw: DrawFn, max_depth: int | None) -> tuple[str, dict[str, Any]]:
    text = draw(rulesets(max_depth))
    _, profile = _compiled(text)
    return text, draw(profile.data)


def rulesets_with_data(max_depth: int | None = None) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """A random ruleset's TOML text together with valid data for it (see :func:`data_for`)."""
    return _with_data(max_depth)


# --- showing values and rules -----------------------------------------------------------------------


def _show(value: Any) -> str:
    """A value as a bureau writes it: 2468.78, true, 2023-12-31, "完成", {tier = 达成, score = 9}."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key} = {_show(item)}" for key, item in value.items()) + "}"
    return str(value)


def _plain(value: Any) -> Any:
    """A value as JSON holds it: decimals and dates as strings."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, bool | int | str) or value is None:
        return value
    return repr(value)


def _formula_text(formula: Expression | Decimal) -> str:
    return _show(formula) if isinstance(formula, Decimal) else formula.text


def _band_text(band: Band, award: Decimal) -> str:
    low = "(-∞" if band.min is None else f"{'[' if band.min_inclusive else '('}{_show(band.min)}"
    high = "+∞)" if band.max is None else f"{_show(band.max)}{']' if band.max_inclusive else ')'}"
    return f"{low}, {high} → {_show(award)}"


def _rule(leaf: Indicator) -> str:
    """A leaf's method and its key parameters, as the ruleset writes them."""
    method = _view(leaf)
    if isinstance(method, Ratio):
        parts = [f"actual = {_formula_text(method.actual_formula)}", f"target = {_formula_text(method.target_formula)}",
                 f"direction = {method.direction}"]  # fmt: skip
        if method.direction == "<=":
            parts.append(f"reverse = {method.reverse}")
        if method.direction == "=":
            parts.append("equal = exact" if method.exact else "equal = at-least")
            if method.exact:
                parts.append(f"tolerance = {_show(method.tolerance)}")
        if method.over_target is not None:
            over = method.over_target
            deduct = f", deduct = {_show(over.deduct)}" if over.deduct is not None else ""
            parts.append(f"over_target = {{above = {_show(over.above)}, action = {over.action}{deduct}}}")
    elif isinstance(method, Bands):
        bands = "; ".join(_band_text(band, award) for band, award in method.bands)
        parts = [f"value = {_formula_text(method.value_formula)}", f"bands: {bands}"]
    elif isinstance(method, Rating):
        parts = [f"input = {method.input}"]
    elif isinstance(method, Deduction):
        parts = [f"count = {_formula_text(method.count_formula)}", f"each = {_show(method.each)}"]
        if method.cap != method.points:
            parts.append(f"cap = {_show(method.cap)}")
    elif isinstance(method, Boolean):
        parts = [f"value = {method.value_formula.text}"]
    elif isinstance(method, Formula):
        parts = [f"formula = {method.formula.text}"]
    else:  # pragma: no cover - every built-in method is listed above
        parts = []
    name = method.name if method is not None else "?"
    return f"{name}: {', '.join(parts)}"


# --- failures and reports ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PropertyFailure:
    """One property a ruleset broke, with the smallest data hypothesis found that shows it."""

    property: str
    data: Mapping[str, Any]
    message_zh: str
    message_en: str
    expected: str
    got: str
    indicator: str | None = None  # the indicator's id (a leaf or a group), None for the whole ruleset
    indicator_name: str | None = None
    rule: str | None = None  # the leaf's method and key parameters
    changed: tuple[str, Any, Any] | None = None  # monotone: the input, its worse value, its better value

    def message(self, lang: str = "zh") -> str:
        """The sentence saying what went wrong, in the bureau's terms."""
        _check_lang(lang)
        return self.message_zh if lang == "zh" else self.message_en

    def render(self, lang: str = "zh") -> str:
        """The failure as lines of text: the property, the indicator, the rule, the counterexample."""
        _check_lang(lang)
        zh = lang == "zh"
        title = PROPERTIES[self.property][0 if zh else 1]
        lines = [f"✗ {self.property}{f'（{title}）' if zh else f' ({title})'}"]
        labels = _LABELS[lang]
        if self.indicator is not None:
            lines.append(f"  {labels['indicator']}{self.indicator} {self.indicator_name or ''}".rstrip())
        if self.rule is not None:
            lines.append(f"  {labels['rule']}{self.rule}")
        data = ", ".join(f"{name} = {_show(value)}" for name, value in self.data.items()) or "{}"
        lines.append(f"  {labels['data']}{data}")
        if self.changed is not None:
            name, worse, better = self.changed
            lines.append(f"  {labels['changed']}{name}: {_show(worse)} → {_show(better)}")
        lines.append(f"  {labels['expected']}{self.expected}")
        lines.append(f"  {labels['got']}{self.got}")
        lines.append(f"  {self.message(lang)}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        changed = None
        if self.changed is not None:
            name, worse, better = self.changed
            changed = {"input": name, "from": _plain(worse), "to": _plain(better)}
        return {
            "property": self.property,
            "indicator": None if self.indicator is None else {"id": self.indicator, "name": self.indicator_name},
            "rule": self.rule,
            "data": {name: _plain(value) for name, value in self.data.items()},
            "changed": changed,
            "expected": self.expected,
            "got": self.got,
            "message": {"zh": self.message_zh, "en": self.message_en},
        }


_LABELS = {
    "zh": {"indicator": "指标：", "rule": "规则：", "data": "反例：", "changed": "改变：", "expected": "期望：",
           "got": "实际："},
    "en": {"indicator": "indicator: ", "rule": "rule: ", "data": "counterexample: ", "changed": "changed: ",
           "expected": "expected: ", "got": "got: "},
}  # fmt: skip


def _check_lang(lang: str) -> None:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be zh or en, not {lang!r}")


@dataclass(frozen=True)
class Undetermined:
    """A leaf for which the kit could not build data at or beyond its target (full marks unchecked)."""

    indicator: str
    name: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class PropertyReport:
    """What :func:`check_properties` found for one ruleset."""

    ruleset: str  # the ruleset's id
    version: str
    examples: int  # examples run (the most any one pass through the properties ran)
    seed: int
    properties: tuple[str, ...]  # the properties checked
    failures: tuple[PropertyFailure, ...]
    undetermined: tuple[Undetermined, ...] = ()
    directions: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # input → (better, declared/inferred)
    conflicts: tuple[str, ...] = ()  # inputs whose ratio indicators disagree on which way is better
    scoring_error: str | None = None  # the first ScoringError valid data met (allowed, but worth knowing)
    unscored: int = 0  # how many of the examples run met a ScoringError
    data_error: str | None = None  # valid data refused: a bug in perfscore or its testing kit

    @property
    def ok(self) -> bool:
        return not self.failures

    def render(self, lang: str = "zh") -> str:
        """The report for people: a summary line, each failure, and what could not be checked."""
        _check_lang(lang)
        zh = lang == "zh"
        if zh:
            verdict = "全部通过" if self.ok else f"{len(self.failures)} 项不通过"
            head = f"性质检查 {self.ruleset} {self.version}：{self.examples} 个样例，seed = {self.seed}：{verdict}"
        else:
            verdict = "all passed" if self.ok else f"{len(self.failures)} failed"
            head = f"Property check of {self.ruleset} {self.version}: {self.examples} examples, seed = {self.seed}: {verdict}"
        lines = [head]
        lines += [failure.render(lang) for failure in self.failures]
        failed = {failure.property for failure in self.failures}
        passed = [name for name in self.properties if name not in failed]
        if passed:
            lines.append(("通过：" if zh else "passed: ") + ("、" if zh else ", ").join(passed))
        if self.undetermined:
            lines.append(
                "以下指标无法构造达到目标的数据，未检查满分："
                if zh
                else "Full marks not checked for these indicators (no data at or beyond the target could be built):"
            )
            for item in self.undetermined:
                lines.append(
                    f"  {item.indicator} {item.name}：{item.reason_zh}"
                    if zh
                    else f"  {item.indicator} {item.name}: {item.reason_en}"
                )
        if self.directions:
            words = {("higher", True): "越高越好", ("lower", True): "越低越好", ("higher", False): "better higher",
                     ("lower", False): "better lower", ("declared", True): "声明", ("inferred", True): "由比率指标推断",
                     ("declared", False): "declared", ("inferred", False): "inferred from ratio indicators"}  # fmt: skip
            shown = [
                f"{name} {words[(better, zh)]}（{words[(origin, zh)]}）" if zh
                else f"{name} {words[(better, zh)]} ({words[(origin, zh)]})"
                for name, (better, origin) in self.directions.items()
            ]  # fmt: skip
            lines.append(
                ("单调性按以下方向检查：" if zh else "monotone checked for: ") + ("、" if zh else ", ").join(shown)
            )
        if self.conflicts:
            names = ("、" if zh else ", ").join(self.conflicts)
            lines.append(
                f"以下输入的比率指标方向相反，未检查单调性（可用 better 声明方向）：{names}"
                if zh
                else f"Ratio indicators disagree on which way is better for {names}: monotone not checked (declare `better`)"
            )
        if self.scoring_error is not None:
            error = self.scoring_error.replace("\n", "\n  ")
            lines.append(
                f"{self.examples} 个样例中 {self.unscored} 个评分时出错（ScoringError，允许），例如：{error}"
                if zh
                else f"{self.unscored} of {self.examples} examples could not be scored (ScoringError, allowed), e.g.: {error}"
            )
        if self.data_error is not None:
            error = self.data_error.replace("\n", "\n  ")
            lines.append(
                f"有效数据被拒绝（perfscore 或其测试工具的缺陷，请报告）：{error}"
                if zh
                else f"Valid data was refused (a bug in perfscore or its testing kit: please report it): {error}"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "ruleset": {"id": self.ruleset, "version": self.version},
            "examples": self.examples,
            "seed": self.seed,
            "properties": list(self.properties),
            "failures": [failure.to_dict() for failure in self.failures],
            "undetermined": [
                {"id": item.indicator, "name": item.name, "reason": {"zh": item.reason_zh, "en": item.reason_en}}
                for item in self.undetermined
            ],
            "directions": {
                name: {"better": better, "from": origin} for name, (better, origin) in self.directions.items()
            },
            "conflicts": list(self.conflicts),
            "scoring_error": self.scoring_error,
            "unscored": self.unscored,
            "data_error": self.data_error,
        }


class ConsistencyError(AssertionError):
    """A ruleset broke a property :func:`check_properties` checks; the message is the rendered report."""

    def __init__(self, report: PropertyReport, lang: str = "zh") -> None:
        self.report = report
        super().__init__(report.render(lang))


# --- the properties ---------------------------------------------------------------------------------


@dataclass
class _Stats:
    """What a run learns beyond pass or fail."""

    scoring_error: str | None = None
    data_error: str | None = None
    constructed: set[int] = field(default_factory=set)  # leaves some unit reached the target of
    missed: dict[int, tuple[str, str]] = field(default_factory=dict)  # why a leaf's target was not reached


@dataclass
class _Case:
    """One example: a unit, and what the properties that need more than a unit drew for it."""

    unit: dict[str, Any]
    order: list[str] | None = None
    arbitrary: dict[str, Any] | None = None
    probe: tuple[str, Any, Any] | None = None  # input, worse value, better value
    best: dict[str, Any] | None = None
    verifies: dict[int, _Verify] = field(default_factory=dict)


class _Crash:
    """Scoring raised something other than a PerfscoreError."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __str__(self) -> str:
        return f"{type(self.error).__name__}: {self.error}"


class _Violation(Exception):
    def __init__(self, failure: PropertyFailure) -> None:
        super().__init__(failure.property)
        self.failure = failure


_Outcome = ScoreResult | PerfscoreError | _Crash


class _Checker:
    """Checks the properties for one example and words what it finds."""

    def __init__(self, profile: _Profile, active: Sequence[str], stats: _Stats) -> None:
        self.profile = profile
        self.ruleset = profile.ruleset
        self.active = active
        self.stats = stats
        self.copy: Ruleset = pickle.loads(pickle.dumps(profile.ruleset))
        self.unscored = False  # whether the last example's unit met a ScoringError

    # --- wording helpers ---

    def data_text(self, values: Mapping[str, Any], names: Iterable[str] | None, lang: str) -> str:
        wanted = set(values if names is None else names)
        shown = [f"{name} = {_show(values[name])}" for name in self.ruleset.inputs if name in wanted and name in values]
        unset = [name for name in self.ruleset.inputs if name in wanted and name not in values]
        if lang == "zh":
            return "、".join(shown + [f"{name} 未填" for name in unset]) or "未填任何数据"
        parts = shown + [f"{name} left out" for name in unset]
        if not parts:
            return "no data"
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

    def points(self, value: Decimal, bound: Decimal | None = None) -> str:
        """A score as the ruleset rounds it, or exactly when rounding would hide a difference from ``bound``."""
        rounded = self.ruleset.round(value)
        if bound is not None and value != bound and rounded == self.ruleset.round(bound):
            return _show(value)
        return _show(rounded)

    def leaf_failure(self, name: str, leaf: Indicator, data: Mapping[str, Any], zh: str, en: str, expected: str,
                     got: str, changed: tuple[str, Any, Any] | None = None) -> PropertyFailure:  # fmt: skip
        return PropertyFailure(name, dict(data), zh, en, expected, got, leaf.id, leaf.name, _rule(leaf), changed)

    # --- scoring ---

    def attempt(self, values: Mapping[str, Any], ruleset: Ruleset | None = None) -> _Outcome:
        try:
            return (ruleset or self.ruleset).score(values)
        except PerfscoreError as error:
            return error
        except Exception as error:
            return _Crash(error)

    def document(self, outcome: _Outcome) -> _Crash | None:
        """Read the whole result as a person would (every explanation, both languages, the tree);
        anything but a PerfscoreError raised on the way is a crash."""
        if not isinstance(outcome, ScoreResult):
            return outcome if isinstance(outcome, _Crash) else None
        try:
            for item in outcome.items:
                item.explain("zh")
                item.explain("en")
            outcome.subtotals  # noqa: B018 - built on first read: reading it is the check
        except PerfscoreError:
            return None
        except Exception as error:
            return _Crash(error)
        return None

    # --- the checks ---

    def violations(self, case: _Case) -> dict[str, PropertyFailure]:
        found: dict[str, PropertyFailure] = {}
        active = self.active
        outcome = self.attempt(case.unit)
        self.unscored = isinstance(outcome, ScoringError)
        if isinstance(outcome, ScoringError) and self.stats.scoring_error is None:
            self.stats.scoring_error = outcome.render()
        if isinstance(outcome, DataError) and self.stats.data_error is None:
            self.stats.data_error = outcome.render()
        document = self.document(outcome)
        crashes: list[tuple[Mapping[str, Any], _Crash]] = []
        if isinstance(document, _Crash):
            crashes.append((case.unit, document))
        if case.arbitrary is not None:
            odd = self.attempt(case.arbitrary)
            odd_document = self.document(odd)
            if isinstance(odd_document, _Crash):
                crashes.append((case.arbitrary, odd_document))
        if isinstance(outcome, ScoreResult) and document is None:
            result = outcome
            for check in (
                self.leaf_within_points,
                self.formula_within_points,
                self.totals_add_up,
                self.total_within_points,
            ):
                name = check.__name__.replace("_", "-")
                if name in active and name not in found:
                    failure = check(case.unit, result)
                    if failure is not None:
                        found[name] = failure
            if "deterministic" in active:
                failure = self.deterministic(case.unit, result)
                if failure is not None:
                    found["deterministic"] = failure
            if "key-order" in active and case.order is not None:
                failure = self.key_order(case.unit, case.order, result)
                if failure is not None:
                    found["key-order"] = failure
        if "monotone" in active and case.probe is not None:
            failure = self.monotone(case.unit, case.probe, crashes)
            if failure is not None:
                found["monotone"] = failure
        if "full-marks" in active and case.best is not None:
            failure = self.full_marks(case.best, case.verifies, crashes)
            if failure is not None:
                found["full-marks"] = failure
        if "own-errors" in active and crashes:
            data, crash = crashes[0]
            found["own-errors"] = PropertyFailure(
                "own-errors",
                dict(data),
                f"当 {self.data_text(data, None, 'zh')} 时，评分抛出 {crash}，而非 DataError 或 ScoringError",
                f"with {self.data_text(data, None, 'en')}, scoring raised {crash}, not a DataError or ScoringError",
                "a result, a DataError or a ScoringError",
                str(crash),
            )
        return found

    def leaf_within_points(self, unit: Mapping[str, Any], result: ScoreResult) -> PropertyFailure | None:
        for leaf, item in zip(self.ruleset.leaves, result.items, strict=True):
            for value in (item.raw, item.score):
                if ZERO <= value <= item.points:
                    continue
                data = self.data_text(unit, leaf.needs, "zh"), self.data_text(unit, leaf.needs, "en")
                shown = self.points(value, item.points if value > 0 else ZERO)
                if value > item.points:
                    zh = f"当 {data[0]} 时，{leaf.name}得 {shown} 分，但其分值只有 {_show(item.points)} 分"
                    en = f"with {data[1]}, {leaf.name} scores {shown} but is worth {_show(item.points)} points"
                else:
                    zh = f"当 {data[0]} 时，{leaf.name}得 {shown} 分，低于 0 分"
                    en = f"with {data[1]}, {leaf.name} scores {shown}, below 0"
                return self.leaf_failure(
                    "leaf-within-points", leaf, unit, zh, en, f"0 ≤ score ≤ {_show(item.points)}", shown
                )
        return None

    def formula_within_points(self, unit: Mapping[str, Any], result: ScoreResult) -> PropertyFailure | None:
        for leaf, item in zip(self.ruleset.leaves, result.items, strict=True):
            if not isinstance(_view(leaf), Formula) or item.missing:
                continue
            value = item.facts.get("result")
            if not isinstance(value, Decimal) or ZERO <= value <= item.points:
                continue
            data = self.data_text(unit, leaf.needs, "zh"), self.data_text(unit, leaf.needs, "en")
            points = _show(item.points)
            if value > item.points:
                shown = self.points(value, item.points)
                zh = f"当 {data[0]} 时，{leaf.name}的公式得出 {shown}，超过其分值 {points} 分（引擎按 {points} 分计）"
                en = f"with {data[1]}, the formula of {leaf.name} gives {shown} but it is worth {points} points (the engine counts {points})"
            else:
                shown = self.points(value, ZERO)
                zh = f"当 {data[0]} 时，{leaf.name}的公式得出 {shown}，低于 0 分（引擎按 0 分计）"
                en = f"with {data[1]}, the formula of {leaf.name} gives {shown}, below 0 (the engine counts 0)"
            return self.leaf_failure("formula-within-points", leaf, unit, zh, en, f"0 ≤ result ≤ {points}", shown)
        return None

    def totals_add_up(self, unit: Mapping[str, Any], result: ScoreResult) -> PropertyFailure | None:
        ruleset = self.ruleset
        rounding = ruleset.meta.rounding
        by_leaf = rounding.stage == "leaf"
        items = result.items
        groups = [node for root in result.tree for node in root.walk() if node.leaf is None]
        checks: list[tuple[Indicator | None, Decimal, Decimal]] = []
        for node in groups:
            below = items[node.indicator.first : node.indicator.end]
            if by_leaf:
                expected = sum((item.score for item in below), ZERO)
            else:
                expected = ruleset.round(sum((item.raw for item in below), ZERO))
            checks.append((node.indicator, expected, node.score))
        if by_leaf:
            checks.append((None, sum((item.score for item in items), ZERO), result.total))
        else:
            checks.append((None, ruleset.round(sum((item.raw for item in items), ZERO)), result.total))
        policy_zh = f"{rounding.places} 位小数、{rounding.mode}、{'逐项舍入后相加' if by_leaf else '相加后舍入'}"
        policy_en = f"{rounding.places} places, {rounding.mode}, {'each item rounded, then added' if by_leaf else 'added, then rounded'}"
        for indicator, expected, got in checks:
            if expected == got:
                continue
            needs = (
                set().union(*(leaf.needs for leaf in ruleset.leaves[indicator.first : indicator.end]))
                if indicator
                else None
            )
            data = self.data_text(unit, needs, "zh"), self.data_text(unit, needs, "en")
            if indicator is None:
                zh = f"当 {data[0]} 时，总分为 {_show(got)}，但各项按舍入规则（{policy_zh}）相加为 {_show(expected)}"
                en = f"with {data[1]}, the total is {_show(got)} but its items add up to {_show(expected)} under the rounding rule ({policy_en})"
                return PropertyFailure("totals-add-up", dict(unit), zh, en, _show(expected), _show(got))
            zh = f"当 {data[0]} 时，{indicator.name}的小计为 {_show(got)}，但其下各项按舍入规则（{policy_zh}）相加为 {_show(expected)}"
            en = f"with {data[1]}, the subtotal of {indicator.name} is {_show(got)} but its items add up to {_show(expected)} under the rounding rule ({policy_en})"
            return PropertyFailure(
                "totals-add-up", dict(unit), zh, en, _show(expected), _show(got), indicator.id, indicator.name
            )
        return None

    def total_within_points(self, unit: Mapping[str, Any], result: ScoreResult) -> PropertyFailure | None:
        total = self.ruleset.total_points
        if ZERO <= result.total <= total:
            return None
        zh = f"当 {self.data_text(unit, None, 'zh')} 时，总分为 {_show(result.total)}，超出 0–{_show(total)} 分的范围"
        en = f"with {self.data_text(unit, None, 'en')}, the total is {_show(result.total)}, outside 0–{_show(total)} points"
        return PropertyFailure(
            "total-within-points", dict(unit), zh, en, f"0 ≤ total ≤ {_show(total)}", _show(result.total)
        )

    def deterministic(self, unit: dict[str, Any], result: ScoreResult) -> PropertyFailure | None:
        before = copy.deepcopy(unit)
        expected = _fingerprint(result)
        for ruleset, zh_how, en_how in (
            (self.ruleset, "评分两次", "scoring it twice"),
            (self.copy, "用规则的序列化副本评分", "scoring it with a pickled copy of the ruleset"),
        ):
            got = _fingerprint(self.attempt(unit, ruleset))
            if got != expected:
                detail = _difference(expected, got)
                zh = f"同样的数据（{self.data_text(unit, None, 'zh')}）{zh_how}，结果不同：{detail}"
                en = f"the same data ({self.data_text(unit, None, 'en')}) gave a different result when {en_how}: {detail}"
                return PropertyFailure("deterministic", before, zh, en, "the same result", detail)
        if unit != before:
            detail = _difference(before, unit)
            zh = f"评分改动了传入的数据：{detail}"
            en = f"scoring changed the data it was given: {detail}"
            return PropertyFailure("deterministic", before, zh, en, "the data left as it was", detail)
        return None

    def key_order(self, unit: Mapping[str, Any], order: Sequence[str], result: ScoreResult) -> PropertyFailure | None:
        shuffled = {name: unit[name] for name in order}
        expected, got = _fingerprint(result), _fingerprint(self.attempt(shuffled))
        if got == expected:
            return None
        detail = _difference(expected, got)
        keys = ", ".join(order)
        zh = f"同样的数据按另一种键顺序（{keys}）给出，结果不同：{detail}"
        en = f"the same data with its keys in another order ({keys}) gave a different result: {detail}"
        return PropertyFailure("key-order", shuffled, zh, en, "the same result", detail)

    def monotone(
        self, unit: Mapping[str, Any], probe: tuple[str, Any, Any], crashes: list[tuple[Mapping[str, Any], _Crash]]
    ) -> PropertyFailure | None:
        name, worse, better = probe
        low_unit, high_unit = {**unit, name: worse}, {**unit, name: better}
        low, high = self.attempt(low_unit), self.attempt(high_unit)
        for data, outcome in ((low_unit, low), (high_unit, high)):
            if isinstance(outcome, _Crash):
                crashes.append((data, outcome))
        if not isinstance(low, ScoreResult) or not isinstance(high, ScoreResult):
            return None
        exempt = False
        for leaf, before, after in zip(self.ruleset.leaves, low.items, high.items, strict=True):
            if after.raw >= before.raw:
                continue
            if isinstance(_view(leaf), Ratio) and after.facts.get("case") == "over-deducted":
                exempt = True  # the ruleset's own over-target deduction: intended
                continue
            others = [n for n in self.ruleset.inputs if n in leaf.needs and n != name]
            return self.leaf_failure(
                "monotone", leaf, low_unit,
                *self.monotone_words(name, worse, better, leaf.name, before.raw, after.raw, low_unit, others),
                changed=(name, worse, better),
            )  # fmt: skip
        if not exempt and high.total < low.total:
            others = [n for n in self.ruleset.inputs if n != name]
            zh, en, expected, got = self.monotone_words(
                name, worse, better, None, low.total, high.total, low_unit, others
            )
            return PropertyFailure("monotone", dict(low_unit), zh, en, expected, got, changed=(name, worse, better))
        return None

    def monotone_words(
        self, name: str, worse: Any, better: Any, leaf: str | None, before: Decimal, after: Decimal,
        unit: Mapping[str, Any], others: Sequence[str],
    ) -> tuple[str, str, str, str]:  # fmt: skip
        way, origin = self.profile.directions[name]
        shown_before = self.points(before, after)
        shown_after = self.points(after, before)
        rest_zh = f"（其余不变：{self.data_text(unit, others, 'zh')}）" if others else ""
        rest_en = f" (with {self.data_text(unit, others, 'en')})" if others else ""
        way_zh = "越高越好" if way == "higher" else "越低越好"
        origin_zh = "声明" if origin == "declared" else "由比率指标推断"
        origin_en = "declared" if origin == "declared" else "inferred from its ratio indicators"
        target_zh = leaf if leaf is not None else "总分"
        target_en = leaf if leaf is not None else "the total"
        zh = (f"{name} {way_zh}（{origin_zh}），但 {name} 从 {_show(worse)} 改为 {_show(better)}{rest_zh} 时，"
              f"{target_zh}从 {shown_before} 分降为 {shown_after} 分")  # fmt: skip
        en = (f"{name} is better {way} ({origin_en}), yet changing it from {_show(worse)} to {_show(better)}{rest_en} "
              f"lowers {target_en} from {shown_before} to {shown_after}")  # fmt: skip
        return zh, en, f"≥ {shown_before}", shown_after

    def full_marks(
        self, unit: dict[str, Any], verifies: Mapping[int, _Verify], crashes: list[tuple[Mapping[str, Any], _Crash]]
    ) -> PropertyFailure | None:
        outcome = self.attempt(unit)
        if isinstance(outcome, _Crash):
            crashes.append((unit, outcome))
        if not isinstance(outcome, ScoreResult):
            return None
        for index, verify in verifies.items():
            if not verify(outcome.values):
                continue
            self.stats.constructed.add(index)
            item, leaf = outcome.items[index], self.ruleset.leaves[index]
            if item.score == item.points:
                continue
            data = self.data_text(unit, leaf.needs, "zh"), self.data_text(unit, leaf.needs, "en")
            shown, points = self.points(item.score, item.points), _show(item.points)
            zh = f"当 {data[0]} 时（已达到或超过目标），{leaf.name}得 {shown} 分，而非满分 {points} 分"
            en = f"with {data[1]}, at or beyond its target, {leaf.name} scores {shown} instead of its full {points} points"
            return self.leaf_failure("full-marks", leaf, unit, zh, en, points, shown)
        return None


def _fingerprint(outcome: _Outcome) -> dict[str, Any]:
    """What a person reads in a result, cheap to compare: the total, the grade, every score and the values
    scored (subtotals and explanations follow from these)."""
    if not isinstance(outcome, ScoreResult):
        return {"error": f"{type(outcome).__name__}: {outcome}"}
    return {
        "total": str(outcome.total),
        "grade": outcome.grade.name,
        "items": [{"id": item.id, "raw": str(item.raw), "score": str(item.score)} for item in outcome.items],
        "values": dict(outcome.values),
    }


def _difference(first: Any, second: Any, path: str = "") -> str:
    """Where two results first differ, e.g. ``total: 90.00 ≠ 91.00``."""
    if isinstance(first, Mapping) and isinstance(second, Mapping):
        for key in [*first, *(key for key in second if key not in first)]:
            if first.get(key) != second.get(key):
                return _difference(first.get(key), second.get(key), f"{path}.{key}" if path else str(key))
    if isinstance(first, list) and isinstance(second, list) and len(first) == len(second):
        for index, (a, b) in enumerate(zip(first, second, strict=True)):
            if a != b:
                return _difference(a, b, f"{path}[{index}]")
    if isinstance(first, _Crash | type(None)) or isinstance(second, _Crash | type(None)):
        return f"{path or 'result'}: {first} ≠ {second}"
    return f"{path or 'result'}: {_show(_plain(first))} ≠ {_show(_plain(second))}"


@st.composite
def _cases(draw: DrawFn, profile: _Profile, active: frozenset[str], stats: _Stats) -> _Case:
    unit = draw(profile.data)
    case = _Case(unit)
    if "key-order" in active and len(unit) > 1:  # the keys reversed, then turned round by a drawn amount
        turn = draw(st.integers(0, len(unit) - 1))
        keys = list(reversed(unit))
        case.order = keys[turn:] + keys[:turn]
    if "own-errors" in active:  # the unit with a few values that break their rules, a key left out or added
        odd = dict(unit)
        for name in draw(st.lists(st.sampled_from(list(profile.odd)), max_size=3, unique=True)) if profile.odd else []:
            odd[name] = draw(profile.odd[name])
        change = draw(st.sampled_from(["none", "leave-out", "add"]))
        if change == "leave-out" and odd:
            del odd[draw(st.sampled_from(list(odd)))]
        elif change == "add":
            odd["not_declared"] = draw(st.integers())
        case.arbitrary = odd
    if "monotone" in active and profile.directions:
        name = draw(st.sampled_from(list(profile.directions)))
        strategy = profile.values[name].strategy
        first, second = draw(strategy), draw(strategy)
        if first != second:
            low, high = sorted([first, second])
            worse, better = (low, high) if profile.directions[name][0] == "higher" else (high, low)
            case.probe = (name, worse, better)
    if "full-marks" in active and profile.steps:
        spread = draw(st.integers(0, 2**32 - 1))
        case.best, case.verifies = profile.full_marks_unit(unit, _Choosing(spread, profile), stats)
    return case


@contextlib.contextmanager
def _only_the_seed() -> Iterator[None]:
    """Hypothesis mixes into its draws literals harvested from the local modules the process has
    imported, so a seeded run would also depend on what else was imported (a test suite, the CLI).
    While the kit runs, that pool is empty: a report depends on the ruleset, examples and seed only.
    (Global state: runs of hypothesis in other threads meanwhile draw without local literals too.)"""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants

        original = providers._get_local_constants
        empty = Constants()
        cache = providers.CONSTANTS_CACHE.cache
    except (ImportError, AttributeError):  # pragma: no cover - a hypothesis without that pool
        yield
        return
    cache.clear()  # allowed values worked out with the local literals
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original
        cache.clear()


def _run(
    profile: _Profile, active: Sequence[str], examples: int, seed: int, stats: _Stats
) -> tuple[PropertyFailure | None, int, int]:
    """One hypothesis run over the active properties: the first failure found (shrunk), the examples run
    and how many of them met a ScoringError."""
    checker = _Checker(profile, active, stats)
    state: dict[str, Any] = {"target": None, "count": 0, "unscored": 0}

    @hypothesis_seed(seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        phases=(Phase.generate, Phase.shrink),
        report_multiple_bugs=False,
        print_blob=False,
    )
    @given(_cases(profile, frozenset(active), stats))
    def run(case: _Case) -> None:
        found = checker.violations(case)
        if state["target"] is None:  # examples before a failure, not the shrinker's attempts
            state["count"] += 1
            state["unscored"] += checker.unscored
        if state["target"] is None and found:
            state["target"] = next(name for name in active if name in found)  # shrink this failure only
        if state["target"] in found:
            raise _Violation(found[state["target"]])

    try:
        with _only_the_seed():
            run()
    except _Violation as violation:
        return violation.failure, state["count"], state["unscored"]
    return None, state["count"], state["unscored"]


def check_properties(
    ruleset: Ruleset | str | os.PathLike[str],
    examples: int = 200,
    seed: int = 0,
    *,
    properties: Iterable[str] | None = None,
) -> PropertyReport:
    """Check a ruleset's properties on ``examples`` units of random valid data (hypothesis, seeded).

    ``ruleset`` is a compiled ruleset or the path of one. ``properties`` picks some of
    :data:`PROPERTIES` (all by default). The same ruleset, examples and seed give the same report.
    """
    ruleset = _ruleset(ruleset)
    chosen = list(PROPERTIES) if properties is None else list(properties)
    for name in chosen:
        if name not in PROPERTIES:
            hint = suggest(name, PROPERTIES)
            raise ValueError(f"unknown property {name!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
    if examples < 1:
        raise ValueError(f"examples must be at least 1, not {examples}")
    profile = _Profile(ruleset)
    stats = _Stats()
    active = [name for name in PROPERTIES if name in chosen]
    failures: list[PropertyFailure] = []
    run, unscored = 0, 0
    while active:
        failure, count, missed = _run(profile, active, examples, seed, stats)
        if count > run:
            run, unscored = count, missed
        if failure is None:
            break
        failures.append(failure)
        active.remove(failure.property)
    undetermined: list[Undetermined] = []
    full_run = "full-marks" in chosen and "full-marks" not in {failure.property for failure in failures}
    for index, leaf in enumerate(ruleset.leaves):
        if "full-marks" in chosen and index in profile.unsupported:
            zh, en = profile.unsupported[index]
        elif full_run and index not in stats.constructed:  # a run that stopped at a failure saw too little to say
            zh, en = stats.missed.get(index, ("抽样数据都未能达到目标", "no drawn data reached the target"))
        else:
            continue
        undetermined.append(Undetermined(leaf.id, leaf.name, zh, en))
    order = list(PROPERTIES)
    return PropertyReport(
        ruleset=ruleset.id,
        version=ruleset.version,
        examples=run,
        seed=seed,
        properties=tuple(name for name in PROPERTIES if name in chosen),
        failures=tuple(sorted(failures, key=lambda failure: order.index(failure.property))),
        undetermined=tuple(undetermined),
        directions=dict(profile.directions) if "monotone" in chosen else {},
        conflicts=tuple(profile.conflicts) if "monotone" in chosen else (),
        scoring_error=stats.scoring_error,
        unscored=unscored,
        data_error=stats.data_error,
    )


def assert_consistent(
    ruleset: Ruleset | str | os.PathLike[str],
    examples: int = 200,
    seed: int = 0,
    *,
    properties: Iterable[str] | None = None,
    lang: str = "zh",
) -> PropertyReport:
    """Check a ruleset's properties (see :func:`check_properties`); raise ConsistencyError if any fails."""
    report = check_properties(ruleset, examples, seed, properties=properties)
    if not report.ok:
        raise ConsistencyError(report, lang)
    return report
