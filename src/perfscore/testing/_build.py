"""A unit being put together: input values chosen inside the ranges the solver asks for, and inside
the inputs' declarations. Dates are ranged over as day numbers, so one kind of range holds both."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ..exact import ONE, pinned
from ..intervals import Interval, intersect
from ..messages import Text, words
from ..reading import Unreadable
from ._words import say, value_text
from .data import Inputs, InputValues
from .numbers import grid, tidy

EVERYTHING = Interval()

REASONS = words(
    "testing.build",
    {
        "needs": ("{name} 需要 {range}，但其声明的范围是 {declared}",
                  "{name} would need to be {range} but is declared {declared}"),
        "no-value": ("{name} 在 {range} 内没有可填的值", "{name} has no value to fill in {range}"),
        "no-date": ("{name} 在 {range} 内没有日期可填", "{name} has no date to fill in {range}"),
        "already": ("{name} 已为 {value}，不能再为 {other}", "{name} is already {value} and cannot also be {other}"),
        "cannot-be": ("{name} 不能为 {value}", "{name} cannot be {value}"),
        "already-outside": ("{name} 已为 {value}，不满足 {range}", "{name} is already {value}, not {range}"),
    },
)  # fmt: skip


class Missed(Exception):
    """The unit built so far cannot bring one leaf to its target (another unit may)."""

    def __init__(self, reason: Text) -> None:
        super().__init__(reason.en)
        self.reason = reason


def _missed(reason: str, /, **fields: str | Text) -> Missed:
    return Missed(say(REASONS[reason], **fields))


def as_number(value: Any) -> Any:
    """Dates are solved for as day numbers, so one kind of range holds both."""
    return Decimal(value.toordinal()) if isinstance(value, datetime.date) else value


def range_text(interval: Interval, show: Callable[[Decimal], str] = value_text) -> str:
    """A range as a condition on one value reads (≥ 120, = 3, [0, 100]): the core's interval
    notation, [120, +∞), reads less well in a sentence about one input."""
    low, high = interval.low, interval.high
    if low is not None and high is not None:
        if low == high and not (interval.low_open or interval.high_open):
            return f"= {show(low)}"
        return f"{'(' if interval.low_open else '['}{show(low)}, {show(high)}{')' if interval.high_open else ']'}"
    if low is not None:
        return f"{'>' if interval.low_open else '≥'} {show(low)}"
    if high is not None:
        return f"{'<' if interval.high_open else '≤'} {show(high)}"
    return "(-∞, +∞)"


def _day_text(day: Decimal) -> str:
    return datetime.date.fromordinal(int(day)).isoformat()


def _shows(value: InputValues) -> Callable[[Decimal], str]:
    """How the ends of a range of the input's values read: dates as dates."""
    return _day_text if value.type == "date" else value_text


# --- choosing values ----------------------------------------------------------------------------------


class Chooser:
    """Chooses input values for a unit being built: the simplest ones when ``spread`` is 0 (what
    hypothesis shrinks it to: values exactly at their targets), otherwise spread out pseudo-randomly
    from it. One drawn number instead of a draw per value keeps an example cheap."""

    def __init__(self, spread: int, inputs: Inputs) -> None:
        self.inputs = inputs
        self.random = random.Random(spread) if spread else None

    def pick(self, name: str) -> Any:
        """Any valid value (not 0 for numbers, so it can divide); an input's default when it has one."""
        value = self.inputs.values[name]
        if value.default is not None:
            return value.default
        options = list(value.choices)
        if value.numeric:
            options = [option for option in options if option != 0] or options
            if self.random is not None and self.random.random() < 0.5:  # anywhere, not only the telling values
                chosen = self.within(name, EVERYTHING, {})
                return chosen if chosen != 0 else options[0]
        return options[0] if self.random is None else self.random.choice(options)

    @pinned
    def within(self, name: str, interval: Interval, values: Mapping[str, Any]) -> Any:
        """A valid value inside ``interval``; Missed if the input's declared range leaves none.
        The simplest is the end at the interval's own bound (the target itself)."""
        value = self.inputs.values[name]
        declared = value.declared(values)
        allowed = intersect(interval, declared)
        show = _shows(value)
        if allowed.empty:
            raise _missed("needs", name=name, range=range_text(interval, show), declared=range_text(declared, show))
        if value.type == "date":
            return self._date(name, interval, allowed)
        low, high = allowed.low, allowed.high
        if low is None and high is None:
            low, high = value.low, value.high
        elif low is None:
            assert high is not None
            low = high - max(abs(high), ONE)
        elif high is None:
            high = low + max(abs(low), ONE)  # at or beyond: up to twice the target
        bounded = Interval(low, high, allowed.low_open, allowed.high_open)
        for digits in [value.places] if value.whole else range(value.places, value.places + 9, 2):
            found = grid(bounded, digits)
            if found is not None:
                return tidy(Decimal(self._point(interval, *found)).scaleb(-digits))
        raise _missed("no-value", name=name, range=range_text(allowed))

    def _point(self, interval: Interval, first: int, last: int) -> int:
        """A point of [first, last]: at the interval's own bound when the spread is 0, else anywhere."""
        if self.random is not None:
            return first + self.random.randint(0, last - first)
        if interval.low is not None:
            return first
        if interval.high is not None:
            return last
        return min(max(0, first), last)

    def _date(self, name: str, interval: Interval, allowed: Interval) -> datetime.date:
        value = self.inputs.values[name]
        first = value.low.toordinal() if allowed.low is None else int(allowed.low) + allowed.low_open
        last = value.high.toordinal() if allowed.high is None else int(allowed.high) - allowed.high_open
        if allowed.low is None and first > last:
            first = last - 365
        if allowed.high is None and last < first:
            last = first + 365
        if first > last:
            raise _missed("no-date", name=name, range=range_text(allowed, _day_text))
        return datetime.date.fromordinal(first + self._point(interval, 0, last - first))


Saved = tuple[dict[str, Any], dict[str, Interval], dict[str, set[int]]]


class Build:
    """A unit at or beyond every target being put together, leaf by leaf."""

    def __init__(self, inputs: Inputs, chooser: Chooser) -> None:
        self.inputs = inputs
        self.chooser = chooser
        self.values: dict[str, Any] = {}  # inputs fixed so far
        self.bounds: dict[str, Interval] = {}  # inputs that must end up inside a range (dates as day numbers)
        self.owners: dict[str, set[int]] = {}  # the leaves that bound each input
        self.leaf = 0

    def save(self) -> Saved:
        """What has been built so far, to go back to when a leaf's target is missed."""
        return dict(self.values), dict(self.bounds), {name: set(leaves) for name, leaves in self.owners.items()}

    def restore(self, saved: Saved) -> None:
        """Go back to what save gave."""
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
        """Give the input ``value``, which its declaration must accept."""
        if name in self.values:
            if self.values[name] != value:
                raise _missed("already", name=name, value=value_text(self.values[name]), other=value_text(value))
            return
        bounds = self.bounds.pop(name, None)
        if (bounds is not None and not bounds.contains(as_number(value))) or not self._accepts(name, value):
            raise _missed("cannot-be", name=name, value=value_text(value))
        self.values[name] = value

    def _accepts(self, name: str, value: Any) -> bool:
        try:
            self.inputs.values[name].check.convert(value)
        except Unreadable:
            return False
        return True

    def constrain(self, name: str, interval: Interval) -> None:
        """The input must end up inside ``interval``."""
        show = _shows(self.inputs.values[name])
        if name in self.values:
            if not interval.contains(as_number(self.values[name])):
                value = value_text(self.values[name])
                raise _missed("already-outside", name=name, value=value, range=range_text(interval, show))
            return
        combined = intersect(self.bounds.get(name, EVERYTHING), interval)
        declared = self.inputs.values[name].declared(self.values)
        if intersect(combined, declared).empty:
            raise _missed("needs", name=name, range=range_text(combined, show), declared=range_text(declared, show))
        self.bounds[name] = combined
        self.owners.setdefault(name, set()).add(self.leaf)
