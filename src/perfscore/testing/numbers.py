"""Exact numbers for hypothesis: every number drawn is an integer scaled by a power of ten, never a float."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from hypothesis import strategies as st

from ..exact import ONE, pinned
from ..intervals import Interval


def decimals(
    min_value: int | str | Decimal = -1_000_000, max_value: int | str | Decimal = 1_000_000, places: int = 2
) -> st.SearchStrategy[Decimal]:
    """Exact decimals in [min_value, max_value] with 0 to ``places`` digits after the point.

    Each is an integer scaled by a power of ten; they shrink toward fewer digits and toward 0
    (or the bound nearest it).
    """
    low, high = Decimal(min_value), Decimal(max_value)
    grids = [(k, scaled(low, k, ROUND_CEILING), scaled(high, k, ROUND_FLOOR)) for k in range(places + 1)]
    branches = [_on_grid(k, first, last) for k, first, last in grids if first <= last]
    if not branches:
        raise ValueError(f"no number with at most {places} decimal places lies in [{low}, {high}]")
    return st.one_of(branches)


def _on_grid(places: int, first: int, last: int) -> st.SearchStrategy[Decimal]:
    return st.integers(first, last).map(lambda n: Decimal(n).scaleb(-places))


@pinned
def scaled(value: Decimal, places: int, rounding: str) -> int:
    """``value`` in units of 10^-places, rounded to a whole number of them."""
    return int(value.scaleb(places).to_integral_value(rounding=rounding))


@pinned
def tidy(value: Decimal) -> Decimal:
    """A decimal without trailing zeros after the point (0.50 → 0.5, 2.00 → 2), never in exponent form."""
    if value == value.to_integral_value():
        return value.quantize(ONE)
    return value.normalize()


def places(value: Decimal) -> int:
    """How many digits a decimal has after its point."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


_SNAP = Decimal("1E-12")


@pinned
def grid(interval: Interval, places: int) -> tuple[int, int] | None:
    """The first and last integer n with n × 10^-places inside a bounded interval; ends within
    10^-12 of the grid snap to it (a quotient such as 1 / (1/3) is 3 give or take its last digit)."""
    assert interval.low is not None and interval.high is not None

    def on_grid(value: Decimal) -> Decimal:
        """The value in units of 10^-places, snapped to a whole one when within 10^-12 of it."""
        exact = value.scaleb(places)
        nearest = exact.to_integral_value()
        return nearest if abs(exact - nearest) < _SNAP else exact

    low, high = on_grid(interval.low), on_grid(interval.high)
    first, last = int(low.to_integral_value(ROUND_CEILING)), int(high.to_integral_value(ROUND_FLOOR))
    if interval.low_open and first == low:
        first += 1
    if interval.high_open and last == high:
        last -= 1
    return (first, last) if first <= last else None
