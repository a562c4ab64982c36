"""What one unit would need: for each of its inputs alone, the smallest change that reaches the next
grade, a given grade or a given total (``perfscore score … --to 优``), or why none does.

The search is the engine's own: each candidate value is scored with :meth:`Ruleset.score`. It goes
outward from the unit's value in both directions, in steps at the input's resolution that double
until the goal is reached, then halves back; the answer is proved by scoring it and the value one
step nearer the unit's own, which does not reach the goal. ``docs/tuning.md`` describes it.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .errors import Location, PerfscoreError, Problem, TuningError
from .exact import pinned, places
from .messages import Text, words
from .model import Grade
from .result import ScoreResult
from .ruleset import Ruleset

__all__ = ["Reach", "WhatItTakes", "goal", "what_it_takes"]

WORDS = words(
    "reach",
    {
        "unknown-goal": ("目标应为等级名称（{grades}）或不小于 0 的总分，实际为 {goal}",
                         "the goal should be a grade ({grades}) or a total of 0 or more, got {goal}"),
        "not-given": ("单位未填写该项", "the unit left it out"),
        "kind": ("{kind} 类输入不做搜索", "{kind} inputs are not searched"),
        "not-reachable": ("单靠这一项达不到（在其取值范围内）", "not reachable by this input alone (within its bounds)"),
    },
)  # fmt: skip


@dataclass(frozen=True)
class Reach:
    """For one input: the value nearest the unit's own that reaches the goal (``value``; None when
    this input alone cannot), the change, the total and grade it gives, and the proof: the value one
    step short (``short``) and its total, which does not reach. ``why`` says why nothing was found
    (not reachable within the input's bounds, not searched)."""

    input: str
    label: Text
    current: Any
    value: Any = None
    change: Decimal | None = None
    total: Decimal | None = None
    grade: Grade | None = None
    short: Any = None
    short_total: Decimal | None = None
    step: Decimal | None = None
    why: Text | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "label": {"zh": self.label.zh, "en": self.label.en},
            "current": _data(self.current),
            "value": _data(self.value),
            "change": None if self.change is None else str(self.change),
            "total": None if self.total is None else str(self.total),
            "grade": None if self.grade is None else {"name": self.grade.name, "name_en": self.grade.name_en},
            "short": _data(self.short),
            "short_total": None if self.short_total is None else str(self.short_total),
            "step": None if self.step is None else str(self.step),
            "why": None if self.why is None else {"zh": self.why.zh, "en": self.why.en},
        }


def _data(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {key: _data(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class WhatItTakes:
    """What one unit would need to reach ``goal`` (a grade's name, or a total), input by input."""

    ruleset: Ruleset
    unit: str | None
    total: Decimal
    grade: Grade
    goal_grade: Grade | None
    goal_total: Decimal | None
    reaches: tuple[Reach, ...] = field(default=())

    @property
    def reached(self) -> bool:
        """Whether the unit already reaches the goal."""
        return _meets(self.ruleset, self.total, self.grade, self.goal_grade, self.goal_total)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "total": str(self.total),
            "grade": {"name": self.grade.name, "name_en": self.grade.name_en},
            "goal": {
                "grade": None
                if self.goal_grade is None
                else {"name": self.goal_grade.name, "name_en": self.goal_grade.name_en},
                "total": None if self.goal_total is None else str(self.goal_total),
            },
            "reached": self.reached,
            "inputs": [reach.to_dict() for reach in self.reaches],
        }


def _meets(
    ruleset: Ruleset, total: Decimal, grade: Grade, goal_grade: Grade | None, goal_total: Decimal | None
) -> bool:
    if goal_total is not None:
        return total >= goal_total
    assert goal_grade is not None
    names = [g.name for g in ruleset.meta.grades]
    return names.index(grade.name) <= names.index(goal_grade.name)


def goal(ruleset: Ruleset, to: str | Decimal | int | None, grade: Grade) -> tuple[Grade | None, Decimal | None]:
    """The goal ``to`` names: a grade (by its Chinese or English name), a total, or (None) the grade
    above ``grade`` (None at the top). Raises TuningError for anything else."""
    grades = ruleset.meta.grades
    if to is None:
        names = [g.name for g in grades]
        at = names.index(grade.name)
        return (grades[at - 1] if at > 0 else grade), None
    if isinstance(to, str):
        for each in grades:
            if to.strip() in (each.name, each.name_en) or to.strip().casefold() == each.name_en.casefold():
                return each, None
        try:
            number: Decimal | None = Decimal(to.strip())
        except (ArithmeticError, ValueError):
            number = None
    else:
        number = Decimal(to)
    if number is None or not number.is_finite() or number < 0:
        shown = ", ".join(f"{g.name}/{g.name_en}" for g in grades)
        message = WORDS["unknown-goal"].format(grades=shown, goal=str(to))
        raise TuningError([Problem(Location(file=f"--to {to}"), message, code="unknown-goal")], "--to")
    return None, number


def what_it_takes(
    ruleset: Ruleset, values: Mapping[str, Any], *, to: str | Decimal | int | None = None, unit: str | None = None
) -> WhatItTakes:
    """For one unit's values, each input alone: the smallest change (at the input's resolution) that
    reaches ``to`` — a grade's name, a total, or by default the next grade up — or why none does.

    A number's resolution is 0.01, or the finer places of its value or declared bounds; a count's
    is 1; a bool takes its other value; a rating input takes each other tier (by name, with its
    default score). The search goes outward from the unit's value in both directions, in steps that
    double, then halves back to the first value that reaches the goal: the answer is exact where the
    total only rises (or only falls) between the unit's value and the answer, and is always proved
    locally — the answer reaches the goal and the value one step nearer the unit's does not."""
    result = ruleset.score(values, unit=unit)
    goal_grade, goal_total = goal(ruleset, to, result.grade)
    found = WhatItTakes(ruleset, unit, result.total, result.grade, goal_grade, goal_total)
    if found.reached:
        return found
    reaches = [_reach(ruleset, values, result, name, goal_grade, goal_total) for name in ruleset.inputs]
    return WhatItTakes(ruleset, unit, result.total, result.grade, goal_grade, goal_total, tuple(reaches))


def _label(ruleset: Ruleset, name: str) -> Text:
    spec = ruleset.inputs[name]
    return Text(spec.label, spec.label_en or spec.label)


def _reach(
    ruleset: Ruleset,
    values: Mapping[str, Any],
    result: ScoreResult,
    name: str,
    goal_grade: Grade | None,
    goal_total: Decimal | None,
) -> Reach:
    spec = ruleset.inputs[name]
    label = _label(ruleset, name)
    current = result.values.get(name)

    def attempt(value: Any) -> ScoreResult | None:
        try:
            return ruleset.score({**values, name: value})
        except PerfscoreError:
            return None

    def meets(scored: ScoreResult | None) -> bool:
        return scored is not None and _meets(ruleset, scored.total, scored.grade, goal_grade, goal_total)

    if current is None:
        return Reach(name, label, None, why=WORDS["not-given"])
    if spec.type == "bool":
        other = not current
        scored = attempt(other)
        if meets(scored):
            assert scored is not None
            return Reach(name, label, current, other, None, scored.total, scored.grade)
        return Reach(name, label, current, why=_NOT_REACHABLE)
    if spec.type == "rating":
        tiers = ruleset.scales[spec.scale].tiers
        names = [tier.name for tier in tiers]
        own = names.index(current.tier.name)
        for tier in sorted(tiers, key=lambda tier: abs(names.index(tier.name) - own)):
            if tier.name == current.tier.name or tier.default is None:
                continue
            scored = attempt(tier.name)
            if meets(scored):
                assert scored is not None
                return Reach(name, label, current.tier.name, tier.name, None, scored.total, scored.grade)
        return Reach(name, label, current.tier.name, why=_NOT_REACHABLE)
    if spec.type == "date":  # a day at a time, up to a hundred years either way
        best_day: tuple[int, Any, ScoreResult, Any, Decimal | None] | None = None
        for sign in (1, -1):
            day = _search(attempt, meets, _days(current, sign), _DAYS)
            if day is not None and (best_day is None or day[0] < best_day[0]):
                best_day = day
        if best_day is None:
            return Reach(name, label, current, step=Decimal(1), why=_NOT_REACHABLE)
        _, value, scored, short, short_total = best_day
        change = Decimal((value - current).days)
        return Reach(name, label, current, value, change, scored.total, scored.grade, short, short_total, Decimal(1))
    if spec.type not in ("number", "percent", "count"):
        return Reach(name, label, current, why=WORDS["kind"].format(kind=spec.type))
    low, high = _bound(spec.min, result), _bound(spec.max, result)
    if spec.type == "count":
        step = Decimal(1)
        low = Decimal(0) if low is None else max(low, Decimal(0))
    else:
        step = Decimal(1).scaleb(-max(2, places(current), places(low), places(high)))
    best: tuple[int, Decimal, ScoreResult, Decimal, Decimal | None] | None = None
    for sign, limit in ((1, high), (-1, low)):
        room = None if limit is None else math.floor((limit - current) * sign / step)
        found = _search(attempt, meets, _steps(current, step, sign), room)
        if found is not None and (best is None or found[0] < best[0]):
            best = found
    if best is None:
        return Reach(name, label, current, step=step, why=_NOT_REACHABLE)
    _, value, scored, short, short_total = best
    return Reach(name, label, current, value, value - current, scored.total, scored.grade, short, short_total, step)


_NOT_REACHABLE = WORDS["not-reachable"]


def _bound(bound: Decimal | str | None, result: ScoreResult) -> Decimal | None:
    if isinstance(bound, str):
        value = result.values.get(bound)
        return value if isinstance(value, Decimal) else None
    return bound


_DAYS = 36_525  # a date is searched a hundred years either way


def _days(current: datetime.date, sign: int) -> Callable[[int], datetime.date]:
    return lambda steps: current + datetime.timedelta(days=sign * steps)


def _steps(current: Decimal, step: Decimal, sign: int) -> Callable[[int], Decimal]:
    return lambda steps: current + sign * steps * step


@pinned
def _search(
    attempt: Callable[[Any], ScoreResult | None],
    meets: Callable[[ScoreResult | None], bool],
    at: Callable[[int], Any],
    room: int | None,
) -> tuple[int, Any, ScoreResult, Any, Decimal | None] | None:
    """The fewest steps from the unit's value (``at(steps)``: the value that many steps away, in one
    direction; at most ``room`` steps) that meet the goal: steps doubling until one does, then
    halving back. Returns the steps, the value, its result, and the value one step nearer the unit's
    own with its total (the proof of minimality)."""
    if room is not None and room < 1:
        return None
    failing, k = 0, 1  # steps known not to reach (0: the unit's own value)
    while True:
        steps = k if room is None else min(k, room)
        scored = attempt(at(steps))
        if meets(scored):
            break
        failing = steps
        if steps == room or k > 1 << 62:
            return None
        k *= 2
    high, reached = steps, scored
    low = failing
    while high - low > 1:
        middle = (low + high) // 2
        scored = attempt(at(middle))
        if meets(scored):
            high, reached = middle, scored
        else:
            low = middle
    assert reached is not None
    short = attempt(at(high - 1))
    return high, at(high), reached, at(high - 1), None if short is None else short.total
