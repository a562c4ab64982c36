"""Scoring methods: how one leaf indicator turns data into points.

Each method is built once at load from its checked parameters and then called per unit with
the unit's values. ``score`` returns the unrounded score, already within [0, points], and the
facts that explain it; wording is rendered from those facts only when someone reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Protocol

from .errors import Location, Problem, ScoringError
from .expressions import Env, Expression
from .model import Band, BandsLeaf, DeductionLeaf, OverTarget, RatioLeaf

ZERO = Decimal(0)
ONE = Decimal(1)
TWO = Decimal(2)

Facts = dict[str, Any]
Scored = tuple[Decimal, Facts]


class Method(Protocol):
    """What the engine needs of a scoring method."""

    name: str

    def score(self, env: Env) -> Scored:
        """The leaf's unrounded score within [0, points] and the facts behind it."""
        ...


def _reader(formula: Expression | Decimal) -> Callable[[Env], Any]:
    """A formula's evaluator, or a constant's."""
    if isinstance(formula, Decimal):
        return lambda env: formula
    return formula.run


class Ratio:
    """Actual against target (财预〔2020〕10号): ≥, ≤ (two reverse formulas) and =."""

    name = "ratio"

    def __init__(self, spec: RatioLeaf, actual: Expression | Decimal, target: Expression | Decimal) -> None:
        self.points = spec.points
        self.actual_formula, self.target_formula = actual, target
        self.actual = _reader(actual)
        self.target = _reader(target)
        self.direction = spec.direction
        self.reverse = spec.reverse
        self.exact = spec.direction == "=" and spec.equal == "exact"
        self.tolerance = spec.tolerance
        self.over_target: OverTarget | None = spec.over_target

    def score(self, env: Env) -> Scored:
        actual, target = self.actual(env), self.target(env)
        facts: Facts = {"actual": actual, "target": target, "direction": self.direction}
        points = self.points
        if self.exact:  # an exact match compares the values as given, negative ones included
            met = abs(actual - target) <= self.tolerance
            facts["case"] = "met" if met else "missed"
            facts["tolerance"] = self.tolerance
            return (points if met else ZERO), facts
        if actual < 0:
            facts["negative"] = True  # negative actuals count as 0
            actual = ZERO
        if self.direction == "<=":
            return self._at_most(actual, target, points, facts)
        if target <= 0:  # '=' with target 0 means "none at all"; '>=' 0 is always met
            met = actual <= 0 if self.direction == "=" else True
            facts["case"] = "met" if met else "missed"
            return (points if met else ZERO), facts
        if actual < target:
            rate = actual / target
            facts["rate"] = rate
            facts["case"] = "below"
            return rate * points, facts
        facts["case"] = "met"  # compared, not divided: a huge actual over a tiny target cannot overflow
        over = self.over_target
        if over is not None and actual >= over.above * target:
            facts["over_target"] = over.above
            facts["rate"] = actual / target
            if over.deduct is not None:
                penalty = min(over.deduct, points)
                facts["case"] = "over-deducted"
                facts["penalty"] = penalty
                return points - penalty, facts
            facts["case"] = "over-flagged"
        return points, facts

    def _at_most(self, actual: Decimal, target: Decimal, points: Decimal, facts: Facts) -> Scored:
        if actual <= target:
            facts["case"] = "met"
            return points, facts
        if target <= 0:
            facts["case"] = "missed"
            return ZERO, facts
        facts["excess"] = actual - target
        if self.reverse == "inverse":
            facts["case"] = "above-inverse"
            return target / actual * points, facts
        if actual >= TWO * target:
            facts["case"] = "double"
            return ZERO, facts
        facts["case"] = "above-linear"
        return (ONE - (actual - target) / target) * points, facts


class Bands:
    """Value ranges mapped to points or to a share of the points."""

    name = "bands"

    def __init__(self, spec: BandsLeaf, value: Expression | Decimal, location: Location) -> None:
        self.points = spec.points
        self.value_formula = value
        self.value = _reader(value)
        self.bands = [(band, self._award(band)) for band in spec.bands]
        self.location = location
        self.name_zh = spec.name

    def _award(self, band: Band) -> Decimal:
        if band.points is not None:
            return min(band.points, self.points)
        assert band.fraction is not None
        return band.fraction * self.points

    def score(self, env: Env) -> Scored:
        value = self.value(env)
        for index, (band, award) in enumerate(self.bands):
            if band.min is not None and (value < band.min or (value == band.min and not band.min_inclusive)):
                continue
            if band.max is not None and (value > band.max or (value == band.max and not band.max_inclusive)):
                continue
            return award, {"value": value, "band": index, "case": "band"}
        message = f"the value {value} falls in none of the bands of {self.name_zh}"
        raise ScoringError(Problem(self.location, message, code="no-band"))


class Rating:
    """Qualitative tiers: the unit names a tier and may give a score inside it."""

    name = "rating"

    def __init__(self, points: Decimal, input_name: str) -> None:
        self.points = points
        self.input = input_name

    def score(self, env: Env) -> Scored:
        tier, given = env[self.input]  # validated by the data layer
        facts: Facts = {"tier": tier, "given": given, "case": "rating"}
        if given is None:
            assert tier.default is not None
            facts["case"] = "rating-default"
            return tier.default * self.points, facts
        return given, facts


class Deduction:
    """Points minus a fixed amount per finding (or per percentage point), 扣完为止."""

    name = "deduction"

    def __init__(self, spec: DeductionLeaf, count: Expression | Decimal, location: Location) -> None:
        self.points = spec.points
        self.count_formula = count
        self.count = _reader(count)
        self.each = spec.each
        self.cap = self.points if spec.cap is None else min(spec.cap, self.points)
        self.rounding = {"floor": ROUND_FLOOR, "ceil": ROUND_CEILING}.get(spec.count_rounding)
        self.location = location

    def score(self, env: Env) -> Scored:
        count = self.count(env)
        if count < 0:
            raise ScoringError(
                Problem(self.location, f"the count of findings is negative ({count})", code="negative-count")
            )
        if self.rounding is not None:
            count = count.to_integral_value(rounding=self.rounding)
        deducted = min(count * self.each, self.cap)
        case = "deduction" if deducted == count * self.each else "capped"
        facts: Facts = {"count": count, "each": self.each, "deducted": deducted, "case": case}
        return self.points - deducted, facts


class Boolean:
    """Met or not met: all the points or none."""

    name = "boolean"

    def __init__(self, points: Decimal, value: Expression) -> None:
        self.points = points
        self.value_formula = value
        self.value = value.run

    def score(self, env: Env) -> Scored:
        met = bool(self.value(env))
        return (self.points if met else ZERO), {"met": met, "case": "met" if met else "missed"}


class Formula:
    """A ruleset's own formula for the points, clamped to [0, points] with the clamp explained."""

    name = "formula"

    def __init__(self, points: Decimal, formula: Expression) -> None:
        self.points = points
        self.formula = formula
        self.evaluate = formula.run

    def score(self, env: Env) -> Scored:
        result = self.evaluate(env)
        facts: Facts = {"result": result, "formula": self.formula.text, "case": "formula"}
        if result < 0:
            facts["case"] = "clamped"
            return ZERO, facts
        if result > self.points:
            facts["case"] = "clamped"
            return self.points, facts
        return result, facts


METHOD_NAMES: Mapping[str, str] = {
    "ratio": "比率法 / ratio",
    "bands": "区间法 / bands",
    "rating": "定性分档 / rating",
    "deduction": "扣分法 / deduction",
    "boolean": "是否达成 / boolean",
    "formula": "公式 / formula",
}
