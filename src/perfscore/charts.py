"""Charts as inline SVG, drawn by perfscore: no JavaScript, no fonts or images to load, printable.

The kinds, enough for the reports: :func:`bars` (a horizontal bar per row: grades, points lost,
totals), :func:`movements` (bars either side of a zero line: how each unit moves under a new
version of a ruleset), :func:`histogram` (a column per range of values, with marked edges: totals
and the grade boundaries), :func:`stacked` (a bar per row cut into parts: how many units scored in
each band of an indicator) and :func:`spans` (an interval on its own axis per row: how far a tuning
parameter may move before a unit changes grade). Every label passes the HTML gate (:func:`perfscore.text.for_html`); values
are the exact decimals of the results, and coordinates are computed from them in the pinned decimal
context and written with one decimal place. A chart is 720 units wide and scales to its container
(``width: 100%`` in the page's stylesheet), so it never overflows a printed A4 page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .exact import CONTEXT, pinned
from .text import columns, for_html

__all__ = ["Bar", "Span", "Stack", "bars", "histogram", "movements", "spans", "stacked"]

WIDTH = 720
_ROW = 26
_BAR = 16
_LABEL = 230  # room for the labels, left of the bars
_VALUE = 70  # room for the values, right of the bars
_TENTH = Decimal("0.1")
_COLOURS = {"good": "#12b76a", "bad": "#f04438", "neutral": "#2e90fa", "warn": "#f79009", "muted": "#98a2b3"}


@dataclass(frozen=True)
class Bar:
    """One row of a chart: its label, its value, the value as shown, and its tone
    (``good``, ``bad``, ``neutral``, ``warn``, ``muted``)."""

    label: str
    value: Decimal
    shown: str
    tone: str = "neutral"


def _n(value: Decimal | int) -> str:
    """A coordinate, to a tenth."""
    return format(Decimal(value).quantize(_TENTH, context=CONTEXT), "f")


def _fit(label: str, room: int) -> str:
    """A label cut to ``room`` terminal columns (a Chinese character takes two), with … when cut."""
    if columns(label) <= room:
        return label
    kept = ""
    for char in label:
        if columns(kept + char) > room - 1:
            break
        kept += char
    return kept + "…"


def _svg(height: int, title: str, parts: Sequence[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{for_html(title)}" font-size="13" '
        'font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif">' + "".join(parts) + "</svg>"
    )


@pinned
def bars(rows: Sequence[Bar], title: str, *, top: Decimal | None = None) -> str:
    """A horizontal bar per row, its length ``value / top`` of the room (``top``: the largest value
    by default), the label on the left, the value as shown on the right. Negative values draw nothing."""
    biggest = top if top is not None else max((row.value for row in rows), default=Decimal(0))
    room = WIDTH - _LABEL - _VALUE
    height = max(1, len(rows)) * _ROW + 8
    parts = [f'<line x1="{_LABEL}" y1="2" x2="{_LABEL}" y2="{height - 4}" stroke="#98a2b3"/>']
    for index, row in enumerate(rows):
        y = 4 + index * _ROW
        length = Decimal(0)
        if biggest > 0 and row.value > 0:
            length = CONTEXT.divide(CONTEXT.multiply(min(row.value, biggest), room), biggest)
        middle = y + _BAR // 2 + 5
        parts.append(
            f'<text x="{_LABEL - 8}" y="{middle}" text-anchor="end" fill="#344054">'
            f"{for_html(_fit(row.label, 30))}</text>"
        )
        parts.append(
            f'<rect x="{_LABEL}" y="{y}" width="{_n(length)}" height="{_BAR}" rx="2" '
            f'fill="{_COLOURS.get(row.tone, _COLOURS["neutral"])}"/>'
        )
        parts.append(
            f'<text x="{_n(CONTEXT.add(_LABEL + 6, length))}" y="{middle}" fill="#1f2937">{for_html(row.shown)}</text>'
        )
    return _svg(height, title, parts)


@pinned
def movements(rows: Sequence[Bar], title: str) -> str:
    """A bar per row either side of a zero line: right and green for a rise, left and red for a fall;
    the label on the left, the change as shown at the bar's end."""
    biggest = max((row.value.copy_abs() for row in rows), default=Decimal(0))
    half = (WIDTH - _LABEL - 2 * _VALUE) // 2
    zero = _LABEL + _VALUE + half
    height = max(1, len(rows)) * _ROW + 8
    parts = [f'<line x1="{zero}" y1="2" x2="{zero}" y2="{height - 4}" stroke="#667085"/>']
    for index, row in enumerate(rows):
        y = 4 + index * _ROW
        middle = y + _BAR // 2 + 5
        length = Decimal(0) if not biggest else CONTEXT.divide(CONTEXT.multiply(row.value.copy_abs(), half), biggest)
        parts.append(
            f'<text x="{_LABEL - 8}" y="{middle}" text-anchor="end" fill="#344054">'
            f"{for_html(_fit(row.label, 30))}</text>"
        )
        if row.value < 0:
            start, tone = CONTEXT.subtract(zero, length), "bad"
            value_at, anchor = CONTEXT.subtract(start, 4), "end"
        else:
            start, tone = Decimal(zero), "good" if row.value > 0 else "muted"
            value_at, anchor = CONTEXT.add(CONTEXT.add(zero, length), 4), "start"
        parts.append(
            f'<rect x="{_n(start)}" y="{y}" width="{_n(length)}" height="{_BAR}" rx="2" fill="{_COLOURS[tone]}"/>'
        )
        parts.append(
            f'<text x="{_n(value_at)}" y="{middle}" text-anchor="{anchor}" fill="#1f2937">{for_html(row.shown)}</text>'
        )
    return _svg(height, title, parts)


@dataclass(frozen=True)
class Span:
    """One row of :func:`spans`: a parameter's axis from ``low`` to ``high`` (values of the
    parameter), the interval ``start``–``end`` on it (an end ``open`` is drawn hollow: excluded), the
    current ``value`` (a tick), the label on the left and the interval as shown (exact) on the right.
    ``tone`` colours the interval; an end that is the axis's own bound and no grade changes there is
    ``free`` (drawn without a marker)."""

    label: str
    low: Decimal
    high: Decimal
    start: Decimal
    end: Decimal
    value: Decimal
    shown: str
    start_open: bool = False
    end_open: bool = False
    start_free: bool = False
    end_free: bool = False
    tone: str = "good"


@pinned
def spans(rows: Sequence[Span], title: str) -> str:
    """An axis per row, each on its own scale (parameters differ in kind): a grey track for the values
    shown, the interval in colour, a dark tick at the current value, a filled dot at an end that is
    included and a hollow one at an end that is excluded; the label on the left, the interval's exact
    text on the right."""
    room = WIDTH - _LABEL - 2 * _VALUE - 30
    height = max(1, len(rows)) * _ROW + 8
    parts: list[str] = []
    for index, row in enumerate(rows):
        y = 4 + index * _ROW
        middle = y + _BAR // 2
        width = CONTEXT.subtract(row.high, row.low)

        def x(value: Decimal, width: Decimal = width, row: Span = row) -> Decimal:
            if width <= 0:
                return Decimal(_LABEL + room // 2)
            share = CONTEXT.divide(CONTEXT.subtract(min(max(value, row.low), row.high), row.low), width)
            return CONTEXT.add(_LABEL, CONTEXT.multiply(share, room))

        parts.append(
            f'<text x="{_LABEL - 8}" y="{middle + 5}" text-anchor="end" fill="#344054">'
            f"{for_html(_fit(row.label, 30))}</text>"
        )
        parts.append(
            f'<line x1="{_LABEL}" y1="{middle}" x2="{_LABEL + room}" y2="{middle}" stroke="#d0d5dd" stroke-width="4"/>'
        )
        left, right = x(row.start), x(row.end)
        colour = _COLOURS.get(row.tone, _COLOURS["good"])
        parts.append(
            f'<rect x="{_n(left)}" y="{middle - 5}" width="{_n(max(CONTEXT.subtract(right, left), Decimal(1)))}" '
            f'height="10" rx="2" fill="{colour}" opacity="0.85"/>'
        )
        for at, hollow, free in ((left, row.start_open, row.start_free), (right, row.end_open, row.end_free)):
            if not free:
                fill = "#ffffff" if hollow else "#1f2937"
                parts.append(  # a dot: a rounded square (these charts draw only lines, rects and text)
                    f'<rect x="{_n(CONTEXT.subtract(at, 4))}" y="{middle - 4}" width="8" height="8" rx="4" '
                    f'fill="{fill}" stroke="#1f2937" stroke-width="1.5"/>'
                )
        tick = x(row.value)
        parts.append(
            f'<line x1="{_n(tick)}" y1="{middle - 9}" x2="{_n(tick)}" y2="{middle + 9}" stroke="#1f2937" stroke-width="2"/>'
        )
        parts.append(
            f'<text x="{_LABEL + room + 10}" y="{middle + 5}" fill="#1f2937">{for_html(_fit(row.shown, 34))}</text>'
        )
    return _svg(height, title, parts)


@dataclass(frozen=True)
class Stack:
    """One row of a :func:`stacked` chart: its label, the value of each part (in the legend's
    order), and what is shown at the bar's end."""

    label: str
    parts: tuple[Decimal, ...]
    shown: str


_TONES = ("bad", "warn", "neutral", "muted", "good")  # the parts of a stacked bar, lowest first


@pinned
def stacked(rows: Sequence[Stack], title: str, legend: Sequence[str], tones: Sequence[str] = ()) -> str:
    """A bar per row cut into its parts, each part's length its share of the row's sum; a part wide
    enough shows its value, every part carries it as a tooltip (``<title>``). ``legend`` names the
    parts (drawn above the bars); ``tones`` colours them (by default red, orange, blue, grey, green:
    lowest first)."""
    colours = [_COLOURS.get(tone, _COLOURS["neutral"]) for tone in (tones or _TONES[-len(legend) :])]
    room = WIDTH - _LABEL - _VALUE
    top = 26  # the legend's line
    height = top + max(1, len(rows)) * _ROW + 8
    parts = []
    x = Decimal(_LABEL)
    step = CONTEXT.divide(Decimal(room), Decimal(max(1, len(legend))))
    for index, name in enumerate(legend):
        at = CONTEXT.add(_LABEL, CONTEXT.multiply(step, index))
        parts.append(f'<rect x="{_n(at)}" y="6" width="12" height="12" fill="{colours[index % len(colours)]}"/>')
        parts.append(f'<text x="{_n(CONTEXT.add(at, 16))}" y="16" fill="#344054">{for_html(_fit(name, 14))}</text>')
    parts.append(f'<line x1="{_LABEL}" y1="{top}" x2="{_LABEL}" y2="{height - 4}" stroke="#98a2b3"/>')
    for index, row in enumerate(rows):
        y = top + 4 + index * _ROW
        middle = y + _BAR // 2 + 5
        parts.append(
            f'<text x="{_LABEL - 8}" y="{middle}" text-anchor="end" fill="#344054">'
            f"{for_html(_fit(row.label, 30))}</text>"
        )
        whole = sum((part for part in row.parts if part > 0), Decimal(0))
        x = Decimal(_LABEL)
        for number, part in enumerate(row.parts):
            if part <= 0 or whole <= 0:
                continue
            length = CONTEXT.divide(CONTEXT.multiply(part, room), whole)
            name = legend[number] if number < len(legend) else ""
            parts.append(
                f'<rect x="{_n(x)}" y="{y}" width="{_n(length)}" height="{_BAR}" '
                f'fill="{colours[number % len(colours)]}"><title>{for_html(f"{name}: {part}")}</title></rect>'
            )
            if length >= 22:
                centre = CONTEXT.add(x, CONTEXT.divide(length, 2))
                parts.append(
                    f'<text x="{_n(centre)}" y="{middle}" text-anchor="middle" fill="#fff" font-size="11">'
                    f"{for_html(str(part))}</text>"
                )
            x = CONTEXT.add(x, length)
        parts.append(
            f'<text x="{_n(CONTEXT.add(_LABEL + room, 6))}" y="{middle}" fill="#1f2937">{for_html(row.shown)}</text>'
        )
    return _svg(height, title, parts)


@pinned
def histogram(bins: Sequence[Bar], title: str, *, marks: Sequence[tuple[int, str]] = ()) -> str:
    """A column per bin, its height ``value / the largest value``, its value as shown above it and its
    label below (every few bins when they are narrow). ``marks`` are dashed lines at the left edge of
    the bin of that index (``len(bins)``: the right end), each with its label above the columns."""
    left, right, top, bottom = 36, 16, 34, 30
    plot = 200
    height = top + plot + bottom
    count = max(1, len(bins))
    width = CONTEXT.divide(Decimal(WIDTH - left - right), Decimal(count))
    biggest = max((row.value for row in bins), default=Decimal(0))
    every = max(1, -(-34 // max(1, int(width))))  # label every few bins, so labels of 34 units never overlap
    base = top + plot
    parts = [f'<line x1="{left}" y1="{base}" x2="{WIDTH - right}" y2="{base}" stroke="#98a2b3"/>']
    for index, row in enumerate(bins):
        x = CONTEXT.add(left, CONTEXT.multiply(width, index))
        length = Decimal(0)
        if biggest > 0 and row.value > 0:
            length = CONTEXT.divide(CONTEXT.multiply(row.value, plot), biggest)
        inner = max(Decimal(1), CONTEXT.subtract(width, 2))
        parts.append(
            f'<rect x="{_n(CONTEXT.add(x, 1))}" y="{_n(CONTEXT.subtract(base, length))}" width="{_n(inner)}" '
            f'height="{_n(length)}" fill="{_COLOURS.get(row.tone, _COLOURS["neutral"])}">'
            f"<title>{for_html(f'{row.label}: {row.shown}')}</title></rect>"
        )
        centre = CONTEXT.add(x, CONTEXT.divide(width, 2))
        if row.value > 0:
            parts.append(
                f'<text x="{_n(centre)}" y="{_n(CONTEXT.subtract(base, length + 4))}" text-anchor="middle" '
                f'fill="#1f2937" font-size="11">{for_html(row.shown)}</text>'
            )
        if index % every == 0:
            parts.append(
                f'<text x="{_n(x)}" y="{base + 16}" text-anchor="middle" fill="#344054" font-size="11">'
                f"{for_html(_fit(row.label, 8))}</text>"
            )
    previous: Decimal | None = None
    raised = False
    for index, label in sorted(marks):
        x = CONTEXT.add(left, CONTEXT.multiply(width, min(max(index, 0), count)))
        raised = previous is not None and x - previous < 64 and not raised  # a label close to the last goes up a line
        previous = x
        parts.append(
            f'<line x1="{_n(x)}" y1="{top - 6}" x2="{_n(x)}" y2="{base}" stroke="#b42318" stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{_n(x)}" y="{top - 22 if raised else top - 10}" text-anchor="middle" fill="#b42318" '
            f'font-size="11">{for_html(_fit(label, 16))}</text>'
        )
    return _svg(height, title, parts)
