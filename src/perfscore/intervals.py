"""Interval arithmetic over checked formula trees: which values a formula can take.

The linter asks what a formula can give when every input stays within its declared ``min`` and
``max``. :func:`analyse` walks a compiled formula's tree once and answers with an
:class:`Interval` for numbers (``None`` for an end without a bound), a set of possible truth
values for conditions, or ``None`` for dates and text. The answer always *contains* every value
the formula can give (it may be wider); :class:`Analysis` says when it is known to be exactly
the range (each input read once, no ``if … else`` joining branches, …) so that the linter can
tell a proven mistake from one it merely could not rule out.

Endpoints are rounded outward (lows down, highs up), so a bound is never tighter than the truth.
A division by a value that may be 0 is recorded with its node (scoring fails for such a unit;
the result covers every unit that can be scored). :func:`trend` says whether a formula rises or
falls with one input, for the reversed-direction check.
"""

from __future__ import annotations

import ast
import decimal
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from .messages import Text, verbatim, words
from .text import plain

REASONS = words(
    "intervals.reasons",
    {
        "more than once": ("{name} 被用了不止一次", "{name} more than once"),
        "bound each other": ("{low} 与 {high} 互为上下限", "{low} and {high}, which bound each other"),
        "a division by 0": ("除以 0", "a division by 0"),
        "'//'": ("“//”", "'//'"),
        "'%'": ("“%”", "'%'"),
        "'**'": ("“**”", "'**'"),
        "'if … else'": ("“if … else”", "'if … else'"),
        "round() with places that vary": ("小数位数不固定的 round()", "round() with places that vary"),
        "whole-number arithmetic": ("整数运算", "whole-number arithmetic"),
        "round() to decimal places": ("按小数位取整的 round()", "round() to decimal places"),
        "comma": ("、", ", "),
    },
)  # fmt: skip
"""Why a range is not known exactly, in words (``Analysis.reasons`` gives the English; :func:`in_words` both)."""


def in_words(reasons: Sequence[str]) -> Text:
    """``Analysis.reasons`` (and ``sparse``) joined, in both languages."""
    said: list[Text] = []
    for reason in reasons:
        if reason.endswith(" more than once"):
            said.append(REASONS["more than once"].format(name=reason.removesuffix(" more than once")))
        elif reason.endswith(", which bound each other"):
            low, high = reason.removesuffix(", which bound each other").split(" and ", 1)
            said.append(REASONS["bound each other"].format(low=low, high=high))
        else:
            said.append(REASONS.get(reason) or verbatim(reason))
    return Text(*(REASONS["comma"](lang).join(text(lang) for text in said) for lang in ("zh", "en")))


_INF = Decimal("Infinity")
_ZERO = Decimal(0)
_ONE = Decimal(1)
_HALF = Decimal("0.5")
# Outward rounding: a low end is rounded down and a high end up. No traps: an overflow becomes an
# infinite end (no bound), which is still a true statement about the range.
_DOWN = decimal.Context(prec=40, rounding=ROUND_FLOOR, Emax=999_999, Emin=-999_999, traps=[])
_UP = decimal.Context(prec=40, rounding=ROUND_CEILING, Emax=999_999, Emin=-999_999, traps=[])
_MAX_POWER = 64


@dataclass(frozen=True)
class Interval:
    """A set of numbers from ``low`` to ``high``; ``None`` is no bound; ends closed unless marked open.

    ``whole`` says every value is a whole number (counts, floor(), …): its ends are then moved
    in to the nearest whole numbers, so ``(0, 1)`` of whole numbers is empty.
    """

    low: Decimal | None = None
    high: Decimal | None = None
    low_open: bool = False
    high_open: bool = False
    whole: bool = False

    def __post_init__(self) -> None:
        low, high, low_open, high_open = self.low, self.high, self.low_open, self.high_open
        if low is not None and not low.is_finite():
            low, low_open = None, False  # an infinite end is no bound
        if high is not None and not high.is_finite():
            high, high_open = None, False
        if self.whole:
            if low is not None:
                ceiling = low.to_integral_value(rounding=ROUND_CEILING)
                low, low_open = (_DOWN.add(ceiling, _ONE) if low_open and ceiling == low else ceiling), False
            if high is not None:
                floor = high.to_integral_value(rounding=ROUND_FLOOR)
                high, high_open = (_UP.subtract(floor, _ONE) if high_open and floor == high else floor), False
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "low_open", low_open and low is not None)
        object.__setattr__(self, "high_open", high_open and high is not None)

    @classmethod
    def point(cls, value: Decimal) -> Interval:
        return cls(value, value, whole=value == value.to_integral_value())

    @property
    def empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        return self.low > self.high or (self.low == self.high and (self.low_open or self.high_open))

    @property
    def value(self) -> Decimal | None:
        """The single value, when the interval holds exactly one."""
        if self.low is not None and self.low == self.high and not self.empty:
            return self.low
        return None

    @property
    def bounded(self) -> bool:
        return self.low is not None and self.high is not None

    def contains(self, number: Decimal) -> bool:
        if self.whole and number != number.to_integral_value():
            return False
        above_low = self.low is None or self.low < number or (self.low == number and not self.low_open)
        below_high = self.high is None or number < self.high or (self.high == number and not self.high_open)
        return above_low and below_high

    def within(self, low: Decimal, high: Decimal) -> bool:
        """Whether every value lies in [low, high]."""
        return self.low is not None and self.high is not None and self.low >= low and self.high <= high

    def __str__(self) -> str:
        if self.empty:
            return "(no value)"
        if self.value is not None:
            return plain(self.value)
        left = "(−∞" if self.low is None else f"{'(' if self.low_open else '['}{plain(self.low)}"
        right = "+∞)" if self.high is None else f"{plain(self.high)}{')' if self.high_open else ']'}"
        return f"{left}, {right}"


EVERYTHING = Interval()
Truth = frozenset[bool]
TRUE: Truth = frozenset({True})
FALSE: Truth = frozenset({False})
EITHER: Truth = frozenset({True, False})
Value = Interval | Truth | None
"""What a formula can give: numbers as an interval, conditions as their possible truth values,
dates and text as None (not tracked)."""


# --- ends as extended decimals (±Infinity for no bound) ----------------------------------------


def _lo(interval: Interval) -> Decimal:
    return -_INF if interval.low is None else interval.low


def _hi(interval: Interval) -> Decimal:
    return _INF if interval.high is None else interval.high


@dataclass(frozen=True)
class _End:
    """A candidate end of a result: its value and whether some input values reach it."""

    value: Decimal
    reached: bool


def _from_ends(lows: Iterable[_End], highs: Iterable[_End], whole: bool) -> Interval:
    """The interval from its candidate ends: the lowest low and the highest high; an end is
    open only when no candidate giving that value is reached."""
    lows, highs = list(lows), list(highs)
    low = min(end.value for end in lows)
    high = max(end.value for end in highs)
    low_open = not any(end.reached for end in lows if end.value == low)
    high_open = not any(end.reached for end in highs if end.value == high)
    return Interval(low, high, low_open, high_open, whole)


def _ends(interval: Interval) -> list[tuple[Decimal, bool]]:
    return [(_lo(interval), not interval.low_open and interval.low is not None),
            (_hi(interval), not interval.high_open and interval.high is not None)]  # fmt: skip


def _product(x: Decimal, y: Decimal, context: decimal.Context) -> Decimal:
    if not x or not y:
        return _ZERO  # 0 × an unbounded end is 0: the end is a limit, the 0 a value
    if x.is_infinite() or y.is_infinite():
        return -_INF if (x < 0) != (y < 0) else _INF
    return context.multiply(x, y)


def _quotient(x: Decimal, y: Decimal, context: decimal.Context, zero_side: int) -> Decimal | None:
    """x / y for ends; y may be an open 0 (approached from ``zero_side``); None when undefined."""
    if not x:
        return _ZERO
    if not y:
        return _INF if (x > 0) == (zero_side > 0) else -_INF
    if x.is_infinite() and y.is_infinite():
        return None  # never the extreme of x / y over a box whose divisor keeps one sign
    if y.is_infinite():
        return _ZERO
    if x.is_infinite():
        return _INF if (x > 0) == (y > 0) else -_INF
    return context.divide(x, y)


def add(a: Interval, b: Interval) -> Interval:
    return Interval(
        _DOWN.add(_lo(a), _lo(b)),
        _UP.add(_hi(a), _hi(b)),
        a.low_open or b.low_open,
        a.high_open or b.high_open,
        a.whole and b.whole,
    )


def negate(a: Interval) -> Interval:
    return Interval(-_hi(a), -_lo(a), a.high_open, a.low_open, a.whole)


def subtract(a: Interval, b: Interval) -> Interval:
    return add(a, negate(b))


def multiply(a: Interval, b: Interval) -> Interval:
    lows, highs = [], []
    for x, x_reached in _ends(a):
        for y, y_reached in _ends(b):
            # A reached 0 times anything is reached: 0 × (any value of the other) is 0.
            reached = (x_reached and y_reached) or (x_reached and not x) or (y_reached and not y)
            lows.append(_End(_product(x, y, _DOWN), reached))
            highs.append(_End(_product(x, y, _UP), reached))
    return _from_ends(lows, highs, a.whole and b.whole)


def _divide_one_sign(a: Interval, b: Interval, side: int) -> Interval:
    lows, highs = [], []
    for x, x_reached in _ends(a):
        for y, y_reached in _ends(b):
            reached = (x_reached and y_reached and bool(y)) or (x_reached and not x)
            low, high = _quotient(x, y, _DOWN, side), _quotient(x, y, _UP, side)
            if low is not None and high is not None:
                lows.append(_End(low, reached))
                highs.append(_End(high, reached))
    return _from_ends(lows, highs, False)


def divide(a: Interval, b: Interval) -> Interval | None:
    """a / b over the divisors that are not 0; None when b is only 0."""
    parts = [
        _divide_one_sign(a, part, side)
        for part, side in ((intersect(b, Interval(_ZERO, None, low_open=True)), 1),
                           (intersect(b, Interval(None, _ZERO, high_open=True)), -1))
        if not part.empty
    ]  # fmt: skip
    return hull(parts) if parts else None


def may_be_zero(interval: Interval) -> bool:
    return interval.contains(_ZERO)


def hull(intervals: Sequence[Interval]) -> Interval:
    """The smallest interval holding all of ``intervals`` (empty ones ignored)."""
    present = [interval for interval in intervals if not interval.empty]
    if not present:
        return intervals[0]
    lows = [_End(_lo(i), not i.low_open) for i in present]
    highs = [_End(_hi(i), not i.high_open) for i in present]
    return _from_ends(lows, highs, all(i.whole for i in present))


def intersect(a: Interval, b: Interval) -> Interval:
    low_a, low_b, high_a, high_b = _lo(a), _lo(b), _hi(a), _hi(b)
    if low_a != low_b:
        low, low_open = (low_a, a.low_open) if low_a > low_b else (low_b, b.low_open)
    else:
        low, low_open = low_a, a.low_open or b.low_open
    if high_a != high_b:
        high, high_open = (high_a, a.high_open) if high_a < high_b else (high_b, b.high_open)
    else:
        high, high_open = high_a, a.high_open or b.high_open
    return Interval(low, high, low_open, high_open, a.whole or b.whole)


def difference(a: Interval, b: Interval) -> list[Interval]:
    """The parts of ``a`` outside ``b`` (none, one or two intervals)."""
    parts = []
    if b.low is not None:
        parts.append(intersect(a, Interval(None, b.low, high_open=not b.low_open)))
    if b.high is not None:
        parts.append(intersect(a, Interval(b.high, None, low_open=not b.high_open)))
    return [part for part in parts if not part.empty]


def uncovered(domain: Interval, pieces: Iterable[Interval]) -> list[Interval]:
    """The parts of ``domain`` that none of ``pieces`` covers, lowest first."""
    left = [domain] if not domain.empty else []
    for piece in pieces:
        left = [part for rest in left for part in difference(rest, piece)]
    return sorted(left, key=_lo)


def holds(test: ast.expr, name: str, domain: Interval) -> list[Interval] | None:
    """The values of ``name`` within ``domain`` for which the condition ``test`` holds, as intervals,
    when ``test`` only compares ``name`` with numbers (``x < 0.6``, ``0.6 <= x < 0.7``), joined by
    ``and``, ``or`` and ``not``; None for any other condition (then nothing is claimed)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = holds(test.operand, name, domain)
        return None if inner is None else uncovered(domain, inner)
    if isinstance(test, ast.BoolOp):
        parts = [holds(value, name, domain) for value in test.values]
        if any(part is None for part in parts):
            return None
        if isinstance(test.op, ast.Or):
            return [piece for part in parts if part is not None for piece in part]
        met = [domain]
        for part in parts:
            assert part is not None
            met = [joint for a in met for b in part if not (joint := intersect(a, b)).empty]
        return met
    if not isinstance(test, ast.Compare):
        return None
    met_one = domain
    operands = [test.left, *test.comparators]
    for op, left, right in zip(test.ops, operands, operands[1:], strict=False):
        if isinstance(left, ast.Name) and left.id == name and (number := _number(right)) is not None:
            side: Interval | None = _side(op, number)
        elif isinstance(right, ast.Name) and right.id == name and (number := _number(left)) is not None:
            side = _side(_FLIPPED[type(op)], number)
        else:
            return None
        if side is None:
            return None
        met_one = intersect(met_one, side)
    return [] if met_one.empty else [met_one]


def _number(node: ast.expr) -> Decimal | None:
    """A number written in a condition (``0.6``, ``-1``), as the compiled tree holds it."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and isinstance(node.value, Decimal):
        return node.value
    return None


def _side(op: ast.cmpop, number: Decimal) -> Interval | None:
    """The values x with ``x op number``; None for ``!=`` (two pieces: not read as a clause)."""
    if isinstance(op, ast.Lt):
        return Interval(None, number, high_open=True)
    if isinstance(op, ast.LtE):
        return Interval(None, number)
    if isinstance(op, ast.Gt):
        return Interval(number, None, low_open=True)
    if isinstance(op, ast.GtE):
        return Interval(number, None)
    if isinstance(op, ast.Eq):
        return Interval(number, number)
    return None


def smallest(a: Interval, b: Interval) -> Interval:
    """min(x, y) for x in a and y in b."""
    # The lowest value is reached if either side reaches it; the highest needs both sides there.
    low, low_open = _lesser((_lo(a), a.low_open), (_lo(b), b.low_open), tie_open=a.low_open and b.low_open)
    high, high_open = _lesser((_hi(a), a.high_open), (_hi(b), b.high_open), tie_open=a.high_open or b.high_open)
    return Interval(low, high, low_open, high_open, a.whole and b.whole)


def _lesser(a: tuple[Decimal, bool], b: tuple[Decimal, bool], tie_open: bool) -> tuple[Decimal, bool]:
    if a[0] == b[0]:
        return a[0], tie_open
    return a if a[0] < b[0] else b


def largest(a: Interval, b: Interval) -> Interval:
    """max(x, y) for x in a and y in b."""
    return negate(smallest(negate(a), negate(b)))


def absolute(a: Interval) -> Interval:
    if a.low is not None and a.low >= 0:
        return a
    if a.high is not None and a.high <= 0:
        return negate(a)
    top = largest(negate(a), a)
    return Interval(_ZERO, top.high, False, top.high_open, a.whole)


def _rounded(a: Interval, rounding: str, places: int = 0) -> Interval:
    quantum = Decimal(1).scaleb(-places)

    def end(value: Decimal | None) -> Decimal | None:
        return None if value is None else value.quantize(quantum, rounding=rounding, context=_UP)

    return Interval(end(a.low), end(a.high), whole=a.whole or places == 0)


def power(base: Interval, exponent: int) -> Interval:
    """base ** exponent for a whole exponent from 0 to 64."""
    if exponent == 0:
        return Interval.point(_ONE)
    result = base if exponent % 2 else absolute(base)
    lows = [_End(_DOWN.power(_lo(result), exponent) if result.low is not None else -_INF, not result.low_open)]
    highs = [_End(_UP.power(_hi(result), exponent) if result.high is not None else _INF, not result.high_open)]
    return _from_ends(lows, highs, base.whole)


# --- comparing intervals -------------------------------------------------------------------------


def below(a: Interval, b: Interval) -> bool:
    """Every value of a is less than every value of b."""
    if a.high is None or b.low is None:
        return False
    return a.high < b.low or (a.high == b.low and (a.high_open or b.low_open))


def at_most(a: Interval, b: Interval) -> bool:
    """Every value of a is at most every value of b."""
    return a.high is not None and b.low is not None and a.high <= b.low


def compare(op: ast.cmpop, a: Interval, b: Interval) -> Truth:
    """The possible outcomes of ``a op b``."""
    if isinstance(op, ast.Gt | ast.GtE):
        a, b = b, a
        op = ast.Lt() if isinstance(op, ast.Gt) else ast.LtE()
    if isinstance(op, ast.Lt):
        return TRUE if below(a, b) else FALSE if at_most(b, a) else EITHER
    if isinstance(op, ast.LtE):
        return TRUE if at_most(a, b) else FALSE if below(b, a) else EITHER
    same = a.value is not None and a.value == b.value
    apart = below(a, b) or below(b, a) or intersect(a, b).empty
    equal = TRUE if same else FALSE if apart else EITHER
    if isinstance(op, ast.Eq):
        return equal
    return frozenset(not outcome for outcome in equal)


# --- analysing a formula -------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """What a name can hold, and how that was worked out (for derived values)."""

    value: Value
    uses: Mapping[str, int] = field(default_factory=dict)  # inputs read, counted per reading
    loose: tuple[str, ...] = ()  # why the range may be wider than the truth
    sparse: tuple[str, ...] = ()  # why some values inside the range may be unreachable


@dataclass(frozen=True)
class ZeroDivisor:
    """A division whose divisor may be 0 for some unit's data."""

    node: ast.BinOp
    divisor: Interval


@dataclass
class Analysis:
    """The possible values of a formula, and how far to trust them."""

    value: Value
    uses: Counter[str] = field(default_factory=Counter)
    loose: list[str] = field(default_factory=list)
    sparse: list[str] = field(default_factory=list)
    zero_divisors: list[ZeroDivisor] = field(default_factory=list)

    @property
    def repeated(self) -> list[str]:
        """Inputs read more than once (interval arithmetic then over-estimates the range)."""
        return sorted(name for name, count in self.uses.items() if count > 1)

    @property
    def reasons(self) -> list[str]:
        """Why the range is not known exactly, in words ("budget more than once", "'if … else'")."""
        return [*(f"{name} more than once" for name in self.repeated), *dict.fromkeys(self.loose)]

    @property
    def exact(self) -> bool:
        """The interval's ends are the formula's true least and greatest values."""
        return not self.repeated and not self.loose

    @property
    def connected(self) -> bool:
        """Every value inside the interval (every whole one, for whole numbers) can occur."""
        return self.exact and not self.sparse

    def bound(self) -> Bound:
        """This analysis as the bound of a derived value that other formulas read. (A unit whose
        divisor is 0 cannot be scored, so the range rightly leaves it out.)"""
        return Bound(self.value, dict(self.uses), tuple(dict.fromkeys(self.loose)), tuple(dict.fromkeys(self.sparse)))


Relations = frozenset[tuple[str, str]]
"""Pairs of inputs (a, b) where every unit's a is at most its b (``max = "budget"`` on a)."""


def analyse(tree: ast.expr, names: Mapping[str, Bound], relations: Relations = frozenset()) -> Analysis:
    """The values ``tree`` can give when each name holds a value of its bound (and each pair of
    ``relations`` keeps its order)."""
    analysis = Analysis(None)
    analysis.value = _Walker(analysis, relations).value(tree, names)
    for low, high in sorted(relations):
        if analysis.uses[low] and analysis.uses[high]:
            # the ranges are not independent: a ≤ b makes b − a ≥ 0 where intervals say less
            analysis.loose.append(f"{low} and {high}, which bound each other")
    return analysis


class _Walker:
    def __init__(self, analysis: Analysis, relations: Relations = frozenset()) -> None:
        self.analysis = analysis
        self.relations = relations

    def related(self, node: ast.BinOp) -> int:
        """+1 if the left operand is an input never below the right one, −1 if never above, else 0."""
        if not (isinstance(node.left, ast.Name) and isinstance(node.right, ast.Name)):
            return 0
        if (node.left.id, node.right.id) in self.relations:
            return -1
        return 1 if (node.right.id, node.left.id) in self.relations else 0

    def loose(self, reason: str) -> None:
        self.analysis.loose.append(reason)

    def sparse(self, reason: str) -> None:
        self.analysis.sparse.append(reason)

    def number(self, node: ast.expr, names: Mapping[str, Bound]) -> Interval:
        value = self.value(node, names)
        return value if isinstance(value, Interval) else EVERYTHING

    def truth(self, node: ast.expr, names: Mapping[str, Bound]) -> Truth:
        value = self.value(node, names)
        return value if isinstance(value, frozenset) else EITHER

    def value(self, node: ast.expr, names: Mapping[str, Bound]) -> Value:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                return TRUE if node.value else FALSE
            if isinstance(node.value, Decimal):
                return Interval.point(node.value)
            return None
        if isinstance(node, ast.Name):
            return self.name(node.id, names)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                return frozenset(not outcome for outcome in self.truth(node.operand, names))
            operand = self.number(node.operand, names)
            return negate(operand) if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            return self.binop(node, names)
        if isinstance(node, ast.BoolOp):
            return self.boolop(node, names)
        if isinstance(node, ast.Compare):
            return self.compare(node, names)
        if isinstance(node, ast.IfExp):
            return self.choice(node, names)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node.func.id, node.args, names)
        return None  # the checker refuses every other node

    def name(self, name: str, names: Mapping[str, Bound]) -> Value:
        if name in ("True", "False"):
            return TRUE if name == "True" else FALSE
        bound = names.get(name)
        if bound is None:
            return None
        self.analysis.uses.update(bound.uses)
        self.analysis.loose.extend(bound.loose)
        self.analysis.sparse.extend(bound.sparse)
        return bound.value

    def binop(self, node: ast.BinOp, names: Mapping[str, Bound]) -> Value:
        left, right = self.number(node.left, names), self.number(node.right, names)
        op = node.op
        if isinstance(op, ast.Add):
            return add(left, right)
        if isinstance(op, ast.Sub):
            order = self.related(node)  # a − b for a ≤ b is at most 0
            result = subtract(left, right)
            return intersect(result, Interval(None, _ZERO) if order < 0 else Interval(_ZERO)) if order else result
        if isinstance(op, ast.Mult):
            if _steps(left, right) or _steps(right, left):
                self.sparse("whole-number arithmetic")
            return multiply(left, right)
        if isinstance(op, ast.Pow):
            return self.power(left, right)
        if may_be_zero(right):
            self.analysis.zero_divisors.append(ZeroDivisor(node, right))
        quotient = divide(left, right)
        if quotient is None:
            self.loose("a division by 0")
            return EVERYTHING
        if isinstance(op, ast.Div):
            if _steps(left, right) or (right.whole and right.value is None):
                self.sparse("whole-number arithmetic")
            order = self.related(node)  # a / b for a ≤ b and b > 0 is at most 1
            if order and right.low is not None and right.low >= 0:
                quotient = intersect(quotient, Interval(None, _ONE) if order < 0 else Interval(_ONE))
            return quotient
        if isinstance(op, ast.FloorDiv):
            self.loose("'//'")
            return Interval(
                None if quotient.low is None else quotient.low.to_integral_value(rounding=ROUND_FLOOR),
                None if quotient.high is None else quotient.high.to_integral_value(rounding=ROUND_CEILING),
                whole=True,
            )
        self.loose("'%'")  # |a % b| < |b|, with the sign of a (Decimal's remainder)
        size = absolute(right).high
        if size is None:
            return EVERYTHING
        low = _ZERO if left.low is not None and left.low >= 0 else -size
        high = _ZERO if left.high is not None and left.high <= 0 else size
        return Interval(low, high)

    def power(self, base: Interval, exponent: Interval) -> Interval:
        n = exponent.value
        if n is None or n != n.to_integral_value() or not 0 <= n <= _MAX_POWER:
            self.loose("'**'")
            return EVERYTHING
        if base.whole and base.value is None and n > 1:
            self.sparse("whole-number arithmetic")
        return power(base, int(n))

    def boolop(self, node: ast.BoolOp, names: Mapping[str, Bound]) -> Truth:
        outcomes = [self.truth(value, names) for value in node.values]
        if isinstance(node.op, ast.And):
            if any(outcome == FALSE for outcome in outcomes):
                return FALSE
            return TRUE if all(outcome == TRUE for outcome in outcomes) else EITHER
        if any(outcome == TRUE for outcome in outcomes):
            return TRUE
        return FALSE if all(outcome == FALSE for outcome in outcomes) else EITHER

    def compare(self, node: ast.Compare, names: Mapping[str, Bound]) -> Truth:
        operands = [self.value(operand, names) for operand in [node.left, *node.comparators]]
        outcomes = []
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            if isinstance(left, Interval) and isinstance(right, Interval):
                outcomes.append(compare(op, left, right))
            elif isinstance(left, frozenset) and isinstance(right, frozenset) and len(left) == len(right) == 1:
                same = left == right
                outcomes.append(TRUE if same == isinstance(op, ast.Eq) else FALSE)
            else:
                outcomes.append(EITHER)  # dates and text are not tracked
        if any(outcome == FALSE for outcome in outcomes):
            return FALSE
        return TRUE if all(outcome == TRUE for outcome in outcomes) else EITHER

    def choice(self, node: ast.IfExp, names: Mapping[str, Bound]) -> Value:
        # The condition only picks a branch: the inputs it reads do not count as readings of the
        # result (``x / b if b > 0 else 0`` reads b once), but its divisions are still divisions.
        condition = Analysis(None)
        test = _Walker(condition, self.relations).truth(node.test, names)
        self.analysis.zero_divisors.extend(condition.zero_divisors)
        if test == TRUE:
            return self.value(node.body, refine(node.test, names, True))
        if test == FALSE:
            return self.value(node.orelse, refine(node.test, names, False))
        self.loose("'if … else'")
        body = self.value(node.body, refine(node.test, names, True))
        orelse = self.value(node.orelse, refine(node.test, names, False))
        if isinstance(body, Interval) and isinstance(orelse, Interval):
            return hull([body, orelse])
        if isinstance(body, frozenset) and isinstance(orelse, frozenset):
            return body | orelse
        return None

    def call(self, function: str, args: list[ast.expr], names: Mapping[str, Bound]) -> Value:
        if function in ("date",):
            return None
        if function == "days_between":
            for arg in args:
                self.value(arg, names)  # count the dates read
            return Interval(whole=True)
        numbers = [self.number(arg, names) for arg in args]
        if function == "min":
            result = numbers[0]
            for number in numbers[1:]:
                result = smallest(result, number)
            return result
        if function == "max":
            result = numbers[0]
            for number in numbers[1:]:
                result = largest(result, number)
            return result
        if function == "clamp":
            return smallest(largest(numbers[0], numbers[1]), numbers[2])
        if function == "abs":
            return absolute(numbers[0])
        if function == "floor":
            return _rounded(numbers[0], ROUND_FLOOR)
        if function == "ceil":
            return _rounded(numbers[0], ROUND_CEILING)
        if function == "round":
            places = numbers[1].value if len(numbers) > 1 else _ZERO
            if places is None or places != places.to_integral_value() or not 0 <= places <= 12:
                self.loose("round() with places that vary")
                return add(numbers[0], Interval(-_HALF, _HALF))
            if places:
                self.sparse("round() to decimal places")
            return _rounded(numbers[0], ROUND_HALF_UP, int(places))
        return EVERYTHING


def _steps(a: Interval, b: Interval) -> bool:
    """Multiplying whole numbers a by b leaves steps between results (3 × [0, 10] is 0, 3, 6, …)."""
    return a.whole and a.value is None and (b.value is None or abs(b.value) not in (_ZERO, _ONE))


# --- what a condition tells about its names -----------------------------------------------------

_FLIPPED: Mapping[type[ast.cmpop], ast.cmpop] = {
    ast.Lt: ast.Gt(), ast.LtE: ast.GtE(), ast.Gt: ast.Lt(), ast.GtE: ast.LtE(), ast.Eq: ast.Eq(), ast.NotEq: ast.NotEq(),
}  # fmt: skip
_NEGATED: Mapping[type[ast.cmpop], ast.cmpop] = {
    ast.Lt: ast.GtE(), ast.LtE: ast.Gt(), ast.Gt: ast.LtE(), ast.GtE: ast.Lt(), ast.Eq: ast.NotEq(), ast.NotEq: ast.Eq(),
}  # fmt: skip


def refine(test: ast.expr, names: Mapping[str, Bound], outcome: bool) -> Mapping[str, Bound]:
    """The names' bounds narrowed by knowing that ``test`` came out as ``outcome``.

    ``budget / x if x > 0 else 0`` divides only when x > 0: inside that branch x is (0, +∞).
    """
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return refine(test.operand, names, not outcome)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) == outcome:
        for value in test.values:  # all of an 'and' held, or all of an 'or' failed
            names = refine(value, names, outcome)
        return names
    if isinstance(test, ast.Name) and isinstance(names.get(test.id, Bound(None)).value, frozenset):
        return {**names, test.id: replace(names[test.id], value=TRUE if outcome else FALSE)}
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return names
    op = test.ops[0] if outcome else _NEGATED[type(test.ops[0])]
    left, right = test.left, test.comparators[0]
    sides = [(left, op, right), (right, _FLIPPED[type(op)], left)]
    narrowed = dict(names)
    for side, side_op, other in sides:
        if not isinstance(side, ast.Name) or not isinstance(narrowed.get(side.id, Bound(None)).value, Interval):
            continue
        other_value = analyse(other, names).value
        if not isinstance(other_value, Interval):
            continue
        bound = narrowed[side.id]
        assert isinstance(bound.value, Interval)
        narrowed[side.id] = replace(bound, value=_narrow(bound.value, side_op, other_value))
    return narrowed


def _narrow(value: Interval, op: ast.cmpop, other: Interval) -> Interval:
    """The values x of ``value`` for which ``x op y`` can hold for some y in ``other``."""
    if isinstance(op, ast.Gt):
        return intersect(value, Interval(other.low, None, low_open=True))
    if isinstance(op, ast.GtE):
        return intersect(value, Interval(other.low, None))
    if isinstance(op, ast.Lt):
        return intersect(value, Interval(None, other.high, high_open=True))
    if isinstance(op, ast.LtE):
        return intersect(value, Interval(None, other.high))
    if isinstance(op, ast.Eq):
        return intersect(value, replace(other, whole=False))
    point = other.value  # x != c: only an end equal to c can be dropped
    if point is not None:
        if value.low == point:
            value = replace(value, low_open=True)
        if value.high == point:
            value = replace(value, high_open=True)
    return value


# --- which way a formula moves with one input ----------------------------------------------------


def trend(tree: ast.expr, name: str, names: Mapping[str, Bound], formulas: Mapping[str, ast.expr]) -> int | None:
    """+1 if the formula never falls as input ``name`` rises (others fixed), −1 if it never rises,
    0 if it does not read it, None when that cannot be told. ``formulas`` are the derived
    values' trees, followed through. A condition "rises" from false to true (``x >= 10`` rises
    with x; ``x <= 10`` falls)."""

    def sign(node: ast.expr) -> int | None:
        value = analyse(node, names).value
        if not isinstance(value, Interval):
            return None
        if value.low is not None and value.low >= 0:
            return 1
        if value.high is not None and value.high <= 0:
            return -1
        return None

    def walk(node: ast.expr) -> int | None:
        if isinstance(node, ast.Constant):
            return 0
        if isinstance(node, ast.Name):
            if node.id == name:
                return 1
            return walk(formulas[node.id]) if node.id in formulas else 0
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            inner = walk(node.operand)
            return None if inner is None else -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            return binop(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            function = node.func.id
            if function in ("min", "max", "clamp", "floor", "ceil"):
                return _together([walk(arg) for arg in node.args])
            if function == "round":
                return None if any(_reads(arg, name, formulas) for arg in node.args[1:]) else walk(node.args[0])
            if function == "abs":
                inner, direction = walk(node.args[0]), sign(node.args[0])
                return None if inner is None or direction is None else inner * direction
            return 0 if not _reads(node, name, formulas) else None
        if isinstance(node, ast.IfExp):
            if _reads(node.test, name, formulas):
                return None
            return _together([walk(node.body), walk(node.orelse)])
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = walk(node.operand)
            return None if inner is None else -inner
        if isinstance(node, ast.BoolOp):  # and/or rise with each of their parts
            return _together([walk(value) for value in node.values])
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = walk(node.left), walk(node.comparators[0])
            if left is None or right is None:
                return None
            if isinstance(node.ops[0], ast.Gt | ast.GtE):
                return _together([left, -right])
            if isinstance(node.ops[0], ast.Lt | ast.LtE):
                return _together([-left, right])
        return 0 if not _reads(node, name, formulas) else None

    def binop(node: ast.BinOp) -> int | None:
        left, right = walk(node.left), walk(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add):
            return _together([left, right])
        if isinstance(node.op, ast.Sub):
            return _together([left, -right])
        if left == right == 0:
            return 0
        if isinstance(node.op, ast.Mult | ast.Div):
            if right == 0:
                direction = sign(node.right)
                return None if direction is None else left * direction
            if left == 0:
                direction = sign(node.left)
                if direction is None:
                    return None
                if isinstance(node.op, ast.Mult):
                    return right * direction
                other = sign(node.right)  # a / y falls as y rises when a ≥ 0 and y keeps one sign
                return None if other is None else -right * direction
            return None
        return None

    return walk(tree)


def _together(trends: Sequence[int | None]) -> int | None:
    """The trend of a formula rising with each of its parts."""
    if any(part is None for part in trends):
        return None
    moving = {part for part in trends if part}
    return moving.pop() if len(moving) == 1 else (0 if not moving else None)


def _reads(node: ast.expr, name: str, formulas: Mapping[str, ast.expr]) -> bool:
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            if child.id == name:
                return True
            if child.id in formulas and _reads(formulas[child.id], name, formulas):
                return True
    return False
