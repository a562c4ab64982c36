"""Exactness pinned in one place: the decimal context every score is computed in.

Decimal arithmetic rounds to the *current thread's* context, which the calling program may have
changed (``getcontext().prec = 3``, another rounding, traps). perfscore never uses it: every
operation on scores — formulas, methods, rounding, subtotals, lost points, report and JSON
numbers, audits — runs in :data:`CONTEXT`, either inside :func:`pinned` code or through the
context's own methods (``CONTEXT.add``). Results are therefore the same in any caller and thread.
"""

from __future__ import annotations

import decimal
import functools
import threading
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import ParamSpec, TypeVar

#: Every score and formula is computed in this context, whatever the caller's thread uses.
#: Exponents are bounded so that no value can grow without limit.
CONTEXT = decimal.Context(
    prec=28,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=999,
    Emin=-999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

ZERO = Decimal(0)
ONE = Decimal(1)
TWO = Decimal(2)
HUNDRED = Decimal(100)

#: The rounding modes a ruleset may declare (``[ruleset.rounding] mode``).
ROUNDING = {
    "half-up": decimal.ROUND_HALF_UP,
    "half-even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
}

P = ParamSpec("P")
R = TypeVar("R")


_OWN = threading.local()  # each thread's copy of CONTEXT (the flags a context collects are per thread)
_getcontext, _setcontext = decimal.getcontext, decimal.setcontext  # called twice for every unit scored


def pinned(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` in :data:`CONTEXT`, whatever context the calling thread has (and give the
    caller's back after). Cheaper than ``decimal.localcontext``: each thread keeps one copy."""

    @functools.wraps(function)
    def in_context(*args: P.args, **kwargs: P.kwargs) -> R:
        saved = _getcontext()
        try:
            own = _OWN.context
        except AttributeError:  # this thread's first pinned call
            own = _OWN.context = CONTEXT.copy()
        if saved is own:  # already pinned (a pinned function calling another): nothing to set
            return function(*args, **kwargs)
        _setcontext(own)
        try:
            return function(*args, **kwargs)
        finally:
            _setcontext(saved)

    return in_context


def total(values: Iterable[Decimal]) -> Decimal:
    """The exact sum of ``values`` (in :data:`CONTEXT`)."""
    result = ZERO
    for value in values:
        result = CONTEXT.add(result, value)
    return result


def difference(a: Decimal, b: Decimal) -> Decimal:
    """``a − b`` in :data:`CONTEXT`."""
    return CONTEXT.subtract(a, b)


def rounded(value: Decimal, quantum: Decimal, rounding: str) -> Decimal:
    """``value`` rounded to ``quantum`` (e.g. 0.01) by ``rounding``, in :data:`CONTEXT`; a tiny negative
    value rounded to zero (−0.001 rounded down) is 0.00, never −0.00."""
    return unsigned(value.quantize(quantum, rounding=rounding, context=CONTEXT))


def unsigned(value: Decimal) -> Decimal:
    """``value`` with a negative zero made zero, its exponent kept (``-0.00`` → ``0.00``); any other
    value as it is. A negative zero compares equal to 0 but prints as ``-0``: it comes from data
    (``"-0"``, ``-0.0``), from arithmetic (``0 * -1``) or from rounding a tiny negative number, and
    perfscore makes it 0 wherever one could enter: when data is read, when a score is recorded, when
    a value is rounded."""
    return value.copy_abs() if not value and value.is_signed() else value


def places(value: Decimal | None) -> int:
    """How many decimal places ``value`` is written with (``2.50`` → 2, ``3`` and ``1E+2`` → 0; None → 0)."""
    if value is None or not value.is_finite():
        return 0
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
