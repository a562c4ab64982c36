"""Valid data for a ruleset, and data of the right types that may break its rules.

Each declared input gets a strategy from what its declaration allows (the ruleset's own input
checks: bounds, whole counts, a rating's tiers) and the values the ruleset mentions (targets,
band edges, formula constants, dates and texts), so that examples land on the values where
rules change. Every number is exact.
"""

from __future__ import annotations

import ast
import contextlib
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import cached_property
from typing import Any

from hypothesis import strategies as st

from ..exact import CONTEXT, ONE, ZERO, pinned
from ..expressions import Expression
from ..inputs import NUMERIC, InputCheck, Rated
from ..intervals import Interval, intersect
from ..model import Tier
from ..ruleset import Ruleset
from .numbers import decimals, places, scaled, tidy

SPAN = Decimal(1_000_000)  # how far an input without a declared bound is drawn
COUNT_SPAN = Decimal(10_000)
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2035, 12, 31)
MOST_MARKS = 40  # telling values per input: enough to land on the rules' edges, few enough to be drawn often
SCORE_PLACES = 2  # a rating's score is drawn to the cent, as tables give it


def unit_value(value: Any) -> Any:
    """A value as a unit's data gives it: a rating's checked tier and score as its tier's name or ``{tier, score}``."""
    if isinstance(value, Rated):
        return value.tier.name if value.given is None else {"tier": value.tier.name, "score": tidy(value.given)}
    return value


@dataclass(frozen=True)
class InputValues:
    """How valid values of one declared input are drawn."""

    check: InputCheck  # the ruleset's own check of the input's values
    strategy: st.SearchStrategy[Any]
    low: Any = None  # numbers and dates: the range values are drawn from
    high: Any = None
    places: int = 0
    choices: tuple[Any, ...] = ()  # typical valid values, the simplest first

    @property
    def name(self) -> str:
        """The input's name."""
        return self.check.name

    @property
    def type(self) -> str:
        """The input's type (number, percent, count, bool, date, text, rating)."""
        return self.check.spec.type

    @property
    def default(self) -> Any:
        """The declared default as a unit would give it (None if there is none)."""
        return unit_value(self.check.default)

    @property
    def numeric(self) -> bool:
        """Whether its values are numbers."""
        return self.type in NUMERIC

    @property
    def whole(self) -> bool:
        """Whether its values are whole numbers (a count)."""
        return self.type == "count"

    @cached_property
    def _fixed(self) -> Interval:
        return Interval(self.check.low, self.check.high)

    @cached_property
    def crossed(self) -> tuple[tuple[str, str], ...]:
        """Bounds naming another input: ("max", "budget") for executed ≤ budget."""
        return self.check.bounded_by

    def declared(self, values: Mapping[str, Any] | None = None) -> Interval:
        """The range the ruleset allows (counts from 0 unless their min says otherwise); a bound naming
        another input counts when ``values`` holds that input."""
        allowed = self._fixed
        for side, other in self.crossed:
            limit = (values or {}).get(other)
            if isinstance(limit, Decimal):
                allowed = intersect(allowed, Interval(limit) if side == "min" else Interval(None, limit))
        return allowed


class Inputs:
    """How valid (and arbitrary) data for one ruleset is drawn, input by input."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        numbers, self.texts, dates = _mentioned(ruleset)
        self.values = {check.name: self._values(check, numbers, dates) for check in ruleset.checks}
        order = list(ruleset.inputs)
        required = {name: value.strategy for name, value in self.values.items() if value.check.required}
        optional = {name: value.strategy for name, value in self.values.items() if not value.check.required}
        self._crossed = [(value, side, other) for value in self.values.values() for side, other in value.crossed]
        self.data: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(required, optional=optional).map(
            lambda drawn: self.within_each_other({name: drawn[name] for name in order if name in drawn})
        )

    def _values(self, check: InputCheck, numbers: list[Decimal], dates: list[datetime.date]) -> InputValues:
        spec = check.spec
        if spec.type in NUMERIC:
            low, high, digits = _number_range(check)
            if low > high:
                raise ValueError(f"the input '{check.name}' has no valid value: min {low} is above max {high}")
            simple = _number_marks(numbers, low, high, digits, check.spec.type == "count")
            marks = st.sampled_from(simple)
            strategy: st.SearchStrategy[Any]
            if spec.type == "count":
                whole = st.integers(int(low), int(high))
                strategy = st.one_of(marks, whole.map(Decimal), whole)
            else:
                strategy = st.one_of(marks, decimals(low, high, digits))
            return InputValues(check, strategy, low, high, digits, tuple(simple))
        if spec.type == "date":
            days = _unique(day + datetime.timedelta(days=shift) for day in dates for shift in (0, -1, 1))
            first, last = min([FIRST_DAY, *days]), max([LAST_DAY, *days])
            strategy = st.one_of(st.sampled_from(days), st.dates(first, last)) if days else st.dates(first, last)
            return InputValues(check, strategy, first, last, choices=tuple(days or [first]))
        if spec.type == "bool":
            return InputValues(check, st.booleans(), choices=(False, True))
        if spec.type == "text":
            words = _unique([*self.texts, "其他"])
            return InputValues(check, st.one_of(st.sampled_from(words), st.text(max_size=8)), choices=tuple(words))
        strategy, ratings = _rating_values(self.ruleset, check)
        return InputValues(check, strategy, choices=tuple(ratings))

    def within_each_other(self, values: dict[str, Any]) -> dict[str, Any]:
        """``values`` with each input moved inside the bounds that name other inputs (executed ≤ budget)."""
        crossed = self._crossed
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
        return {name: self._odd(value) for name, value in self.values.items()}

    def _odd(self, value: InputValues) -> st.SearchStrategy[Any]:
        if value.numeric:
            return _any_number()
        if value.type == "bool":
            return st.booleans()
        if value.type == "text":
            return st.one_of(st.sampled_from([*self.texts, ""]), st.text(max_size=20))
        if value.type == "date":
            return st.dates()
        tiers = self.ruleset.scales[value.check.spec.scale].tiers
        tier_text = st.one_of(
            st.sampled_from([text for tier in tiers for text in _tier_texts(tier)]), st.text(max_size=10)
        )
        return st.one_of(tier_text, st.fixed_dictionaries({"tier": tier_text, "score": _any_number()}))

    @cached_property
    def arbitrary(self) -> st.SearchStrategy[dict[str, Any]]:
        """Data of the right types that may break the declared rules (see :func:`arbitrary_data_for`)."""
        values = {name: st.one_of(value.strategy, self.odd[name]) for name, value in self.values.items()}
        return st.one_of(
            st.fixed_dictionaries(values),
            st.fixed_dictionaries({}, optional={**values, "not_declared": st.integers()}),
        )


def data_for(ruleset: Ruleset) -> st.SearchStrategy[dict[str, Any]]:
    """Valid data for ``ruleset``: every value passes its input's declaration.

    Numbers lie within min/max (counts whole), ratings name a tier or give a score inside the
    tier for every indicator that reads them, dates and texts include those the ruleset's
    formulas mention; optional inputs may be left out. Values shrink toward 0 (or min), the
    first tier, false and the values the ruleset mentions. Numbers are exact decimals.
    """
    return Inputs(ruleset).data


def arbitrary_data_for(ruleset: Ruleset) -> st.SearchStrategy[dict[str, Any]]:
    """Data of the right Python types that may break any declared rule: out-of-range numbers, zero
    divisors, tiny and huge numbers, unknown tiers, left-out inputs, an undeclared key.

    Each value is valid or arbitrary at random, so most units get past validation with a few
    odd values and reach scoring.
    """
    return Inputs(ruleset).arbitrary


# --- what the ruleset mentions -------------------------------------------------------------------


@pinned
def _mentioned(ruleset: Ruleset) -> tuple[list[Decimal], list[str], list[datetime.date]]:
    """The numbers, texts and dates a ruleset mentions: where its leaves' rules change (targets, band
    edges), the constants of its formulas, its dates' defaults."""
    numbers = [ZERO, ONE]
    trees = [derived.expression.tree for derived in ruleset.derived]
    for leaf in ruleset.leaves:
        assert leaf.method is not None
        for marks in leaf.method.landmarks(leaf).values():
            numbers += marks
        for formula in leaf.formulas.values():
            if isinstance(formula, Expression):
                trees.append(formula.tree)
            else:
                numbers.append(formula)
    texts: list[str] = []
    dates: list[datetime.date] = []
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
    dates += [check.default for check in ruleset.checks if isinstance(check.default, datetime.date)]
    return numbers, texts, dates


def _unique(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def _number_range(check: InputCheck) -> tuple[Decimal, Decimal, int]:
    """Where a number input's values are drawn from (its declared range, or one of ±SPAN), and how
    many decimal places they get."""
    low, high = check.low, check.high
    span = COUNT_SPAN if check.spec.type == "count" else SPAN
    if low is None and high is None:
        low, high = -span, span
    elif low is None:
        assert high is not None
        low = min(-span, high - span)
    elif high is None:
        high = max(span, low + span)
    assert low is not None and high is not None
    if check.spec.type == "count":
        return low.to_integral_value(rounding=ROUND_CEILING), high.to_integral_value(rounding=ROUND_FLOOR), 0
    return low, high, max(2, places(low), places(high))


@pinned
def _number_marks(numbers: Iterable[Decimal], low: Decimal, high: Decimal, digits: int, whole: bool) -> list[Decimal]:
    """Telling values inside [low, high], each mentioned number and its neighbours a step away: the
    simplest first (0, or the bound nearest it)."""
    step = ONE if whole else ONE.scaleb(-digits)
    anchor = min(max(ZERO, low), high)
    found: dict[Decimal, None] = {anchor: None}
    for number in numbers:
        near = [number, number - step, number + step]
        if whole:
            near += [number.to_integral_value(rounding=ROUND_FLOOR), number.to_integral_value(rounding=ROUND_CEILING)]
        for value in [*near, low, high]:
            if low <= value <= high and (not whole or value == value.to_integral_value()):
                found.setdefault(value)
    rest = sorted((value for value in found if value != anchor), key=lambda value: (abs(value), value))
    return [anchor, *rest][:MOST_MARKS]


def _any_number() -> st.SearchStrategy[Any]:
    """Numbers of every size and shape perfscore may be handed: zero, tiny, huge, negative."""
    return st.one_of(
        st.just(ZERO),
        decimals(-1_000_000, 1_000_000, places=6),
        st.integers(-(10**40), 10**40),
        st.decimals(allow_nan=False, allow_infinity=False),
        st.sampled_from([Decimal("1E-990"), Decimal("1E+30"), Decimal("-1E+30"), Decimal("1E-30"), Decimal("1E+28")]),
    )


# --- ratings ---------------------------------------------------------------------------------------


def _tier_texts(tier: Tier) -> list[str]:
    return _unique([tier.name, tier.name_en, *tier.aliases])


def _tier_grid(tier: Tier, worths: Sequence[Decimal]) -> tuple[int, int] | None:
    """Scores (integers of cents) inside ``tier`` for every leaf worth one of ``worths``."""
    if not worths:
        return None
    low = max(CONTEXT.multiply(tier.min, worth) for worth in worths)
    high = min(CONTEXT.multiply(tier.max, worth) for worth in worths)
    first, last = scaled(low, SCORE_PLACES, ROUND_CEILING), scaled(high, SCORE_PLACES, ROUND_FLOOR)
    if not tier.max_inclusive and Decimal(last).scaleb(-SCORE_PLACES) == high:
        last -= 1
    return (first, last) if first <= last else None


def _rating_values(ruleset: Ruleset, check: InputCheck) -> tuple[st.SearchStrategy[Any], list[Any]]:
    """A tier by any of its names, or ``{tier, score}`` with a score inside the tier for every leaf
    that reads the input; and one such value per tier, the first tier's first."""
    worths = [leaf.points for leaf in ruleset.leaves if check.name in leaf.reads]
    options: list[st.SearchStrategy[Any]] = []
    simple: list[Any] = []
    for tier in ruleset.scales[check.spec.scale].tiers:
        texts = st.sampled_from(_tier_texts(tier))
        forms: list[st.SearchStrategy[Any]] = [texts] if tier.default is not None else []
        grid = _tier_grid(tier, worths)
        if grid is not None:
            scores = st.integers(*grid).map(lambda n: Decimal(n).scaleb(-SCORE_PLACES))
            forms.append(st.builds(lambda text, score: {"tier": text, "score": score}, texts, scores))
            low_score: Any = {"tier": tier.name, "score": tidy(Decimal(grid[0]).scaleb(-SCORE_PLACES))}
        elif not worths and tier.default is None:
            forms.append(texts.map(lambda text: {"tier": text, "score": ZERO}))  # no leaf bounds its score
            low_score = {"tier": tier.name, "score": ZERO}
        if forms:
            options.append(st.one_of(forms))
            simple.append(tier.name if tier.default is not None else low_score)
    if not options:
        raise ValueError(
            f"the rating input '{check.name}' has no valid value: no tier fits the points of its indicators"
        )
    return st.one_of(options), simple
