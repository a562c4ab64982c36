"""``bands`` (区间法): the value's range decides the points.

Each band is a range of the value (``[min, max)`` unless its ends say otherwise) with the points
it gives, or a share of the indicator's points. The first band that holds the value applies;
a value in no band stops scoring with an error, so bands should cover every possible value
(``perfscore check`` says where they do not).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction as Exact
from itertools import pairwise
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, model_validator

from ..errors import Problem, Refusal, Severity
from ..exact import CONTEXT
from ..intervals import Interval, in_words, intersect, uncovered
from ..messages import Text, words
from ..model import FormulaText, Fraction, LeafParams, NonNegative, _Model
from ..text import plain
from ._base import (
    Case,
    Code,
    FactsTuple,
    FloatCode,
    FormulaKey,
    KeyPath,
    LeafSite,
    Method,
    Num,
    Outlook,
    Response,
    Trend,
    Tunable,
    each_own,
    formula_text,
    measured_name,
    meeting,
    moved_points,
    points_sign,
    touched,
)

LINT = words(
    "methods.bands.checks",
    {
        "one-award": ("区间须给出 'points' 或 'fraction'，且只能给一个", "a band gives either 'points' or 'fraction', exactly one"),
        "min-max": ("区间的 min（{min}）大于 max（{max}）", "band min ({min}) is greater than its max ({max})"),
        "band-points": ("区间给 {band} 分，超过指标的 {points} 分", "a band gives {band} points, more than the indicator's {points}"),
        "outside": ("在取值可能的范围 {values} 之外", "lies outside the value's possible range {values}"),
        "covered": ("已被前面的区间覆盖（按先匹配者计）", "is covered by the bands before it (the first band that matches wins)"),
        "unreachable": ("bands[{index}] {piece} {why}：永远不会被用到", "bands[{index}] {piece} {why}: it can never apply"),
        "overlap": ("bands[{index}] {piece} 与 bands[{earlier}] {other} 在 {shared} 重叠；那里按先列出的区间计分",
                    "bands[{index}] {piece} overlaps bands[{earlier}] {other} on {shared}; the first band listed wins there"),
        "gap": ("{gaps} 中的值不在任何区间内，取值落在那里的单位计分会失败；取值 {formula} 的范围为 {values}{uncertain}",
                "values in {gaps} fall in no band, and scoring a unit whose value is there fails; "
                "the value {formula} ranges over {values}{uncertain}"),
        "uncertain": ("（不确定是否会落入空档：公式用到了 {reasons}）",
                      " (whether it can fall in the gap is not certain: the formula uses {reasons})"),
        "ranges": ("（取值 {formula} 的范围为 {values}）", "(the value {formula} ranges over {values})"),
        "all": ("取值能达到的每个区间都给满 {points} 分{said}", "every band its value can reach gives all {points} points {said}"),
        "none": ("取值能达到的每个区间都给 0 分{said}", "every band its value can reach gives 0 points {said}"),
    },
)  # fmt: skip

TUNING = words(
    "methods.bands.tuning",
    {
        "max": ("{name}：区间 {band}（bands[{index}]）的上限", "{name}: the upper end of the band {band} (bands[{index}])"),
        "min": ("{name}：区间 {band}（bands[{index}]）的下限", "{name}: the lower end of the band {band} (bands[{index}])"),
    },
)  # fmt: skip

NO_BAND = words(
    "methods.bands.stops",
    {"no-band": ("值 {value} 不在 {name} 的任何区间内", "the value {value} falls in none of the bands of {name}")},
)["no-band"]

if TYPE_CHECKING:
    from ..checks import Context
    from ..ruleset import Indicator
    from ..wording import Display


class Band(_Model):
    """A value range [min, max) by default; either end may be open or made inclusive/exclusive."""

    min: Decimal | None = Field(
        default=None, description="下限，省略则不设下限 / the band's lower end; none: open below"
    )
    max: Decimal | None = Field(
        default=None, description="上限，省略则不设上限 / the band's upper end; none: open above"
    )
    min_inclusive: bool = Field(
        default=True, description="下限本身是否属于该档 / whether min itself belongs to the band"
    )
    max_inclusive: bool = Field(
        default=False, description="上限本身是否属于该档 / whether max itself belongs to the band"
    )
    points: NonNegative | None = Field(
        default=None,
        description="该档的得分（与 fraction 二选一） / the points this band gives (give points or fraction)",
    )
    fraction: Fraction | None = Field(
        default=None,
        description="该档得分占分值的比例，0–1（与 points 二选一） / the share of the indicator's points this band gives, 0 to 1 (or points)",
    )

    @model_validator(mode="after")
    def _one_award(self) -> Band:
        if (self.points is None) == (self.fraction is None):
            raise Refusal(LINT["one-award"])
        if self.min is not None and self.max is not None and self.min > self.max:
            raise Refusal(LINT["min-max"].format(min=self.min, max=self.max))
        return self

    def interval(self) -> Interval:
        """The values the band holds."""
        return Interval(self.min, self.max, not self.min_inclusive, not self.max_inclusive)


class BandsParams(LeafParams):
    """区间法 / bands: the value's range decides the points."""

    method: Literal["bands"]
    value: FormulaText = Field(
        description="按区间查找的数值：一个数，或加引号的公式 / the value looked up in the bands: a number, or a formula in quotes"
    )
    bands: list[Band] = Field(
        min_length=1,
        description="分档，至少一档，按书写顺序取第一个包含该值的档 / the bands, at least one; the first that holds the value applies",
    )


IN_BAND = Case("band", ("value", "band"), "{value} 属于区间 {band}", "{value} falls in the band {band}")


class Bands(Method):
    name = "bands"
    title = Text("区间法", "bands")
    params = BandsParams
    formulas: ClassVar[Mapping[str, FormulaKey]] = {"value": FormulaKey()}
    cases = (IN_BAND,)
    template_fields = frozenset({"value", "band"})
    key_names: ClassVar[Mapping[str, Text]] = {"value": Text("取值", "value"), "bands": Text("分档", "bands")}
    tuned = ("bands",)

    def check(self, spec: BandsParams, site: LeafSite) -> bool:
        for index, band in enumerate(spec.bands):
            if band.points is not None and band.points > spec.points:
                site.problem(
                    ("bands", index, "points"),
                    LINT["band-points"].format(band=band.points, points=spec.points),
                    code="band-points",
                )
        return True

    # --- scoring -------------------------------------------------------------------------

    def emit(self, leaf: Indicator, code: Code) -> None:
        code.line(f"x = {code.value(leaf.formulas['value'])}")
        keyword = "if"
        for index, (band, award) in enumerate(zip(leaf.spec.bands, awards(leaf), strict=True)):
            tests = []
            if band.min is not None:
                tests.append(f"x {'>=' if band.min_inclusive else '>'} {code.const(band.min)}")
            if band.max is not None:
                tests.append(f"x {'<=' if band.max_inclusive else '<'} {code.const(band.max)}")
            with code.block(f"{keyword} {' and '.join(tests) or 'True'}:"):
                code.result(code.const(award), IN_BAND, "x", code.const(index))
            keyword = "elif"
        name = leaf.name
        with code.block("else:"):
            code.line(code.fail("no-band", lambda value: NO_BAND.format(value=value, name=name), "x"))

    def emit_float(self, leaf: Indicator, code: FloatCode) -> None:
        """The same bands in floats: every boundary decided first (or the unit given up), then the band."""
        x = code.number(leaf.formulas["value"])
        code.line(f"x = {x.expr}")
        value = Num("x", x.err, x.given)
        tests = []
        for band in leaf.spec.bands:
            parts = []
            if band.min is not None:
                parts.append(code.decide(value, ">=" if band.min_inclusive else ">", band.min))
            if band.max is not None:
                parts.append(code.decide(value, "<=" if band.max_inclusive else "<", band.max))
            tests.append(" and ".join(parts) or "True")
        keyword = "if"
        for test, award in zip(tests, awards(leaf), strict=True):
            with code.block(f"{keyword} {test}:"):
                code.score_constant(award)
            keyword = "elif"
        with code.block("else:"):  # in no band: the Decimal pass says so, located
            code.give_up()

    # --- words ---------------------------------------------------------------------------

    def shows(self, leaf: Indicator, display: Display) -> Mapping[str, Callable[[Any], str]]:
        measure = display.measurer(leaf, measured_name(leaf.formulas["value"]))

        def band(index: int) -> str:
            return band_text(leaf.spec.bands[index], measure)

        return {"value": measure, "band": band}

    def describe(self, leaf: Indicator, lang: str) -> str:
        spec: BandsParams = leaf.spec
        bands = "; ".join(f"{band_text(band)} → {_award_text(band)}" for band in spec.bands)
        value = formula_text(leaf.formulas["value"])
        if lang == "zh":
            return f"区间法：按 {value} 所在区间得分（{bands}）"
        return f"bands: scored by the band {value} falls in ({bands})"

    # --- perfscore check -------------------------------------------------------------------

    def lint(self, leaf: Indicator, context: Context) -> Iterator[Problem]:
        """Bands should cover every value the indicator's value can take, each value once."""
        formula = leaf.formulas["value"]
        analysis = context.analyse(formula)
        values = context.number(formula)
        pieces = [band.interval() for band in leaf.spec.bands]
        for index, piece in enumerate(pieces):
            reachable = intersect(piece, values)
            if not uncovered(reachable, pieces[:index]):
                why = LINT["outside"].format(values=values) if reachable.empty else LINT["covered"]
                yield Problem(
                    context.leaf_at(leaf, "bands", index),
                    LINT["unreachable"].format(index=index, piece=piece, why=why),
                    code="band-unreachable",
                    severity="warning",
                )
                continue
            for earlier, other in enumerate(pieces[:index]):
                shared = intersect(reachable, other)
                if not shared.empty:
                    yield Problem(
                        context.leaf_at(leaf, "bands", index),
                        LINT["overlap"].format(index=index, piece=piece, earlier=earlier, other=other, shared=shared),
                        code="band-overlap",
                        severity="warning",
                    )
        gaps = uncovered(values, pieces)
        if gaps:
            uncertain: Text | str = ""
            severity: Severity = "error"
            if not analysis.connected:
                severity = "warning"
                reasons = [*analysis.reasons, *dict.fromkeys(analysis.sparse)]
                uncertain = LINT["uncertain"].format(reasons=in_words(reasons))
            message = LINT["gap"].format(
                gaps=_joined(gaps), formula=formula_text(formula), values=values, uncertain=uncertain
            )
            yield Problem(context.leaf_at(leaf, "bands"), message, code="band-gap", severity=severity)

    def outlook(self, leaf: Indicator, context: Context) -> Outlook:
        formula = leaf.formulas["value"]
        reached = [award for _, award in _pieces(leaf, context.number(formula))]
        if not reached:
            return None, None
        said = LINT["ranges"].format(formula=formula_text(formula), values=context.number(formula))
        return (
            LINT["all"].format(points=plain(leaf.points), said=said)
            if all(award >= leaf.points for award in reached)
            else None,
            LINT["none"].format(said=said) if all(award <= 0 for award in reached) else None,
        )

    def trend(self, leaf: Indicator, key: str, context: Context) -> Trend:
        """Up or down with the value when the awards only rise (or fall) from band to band; otherwise
        the first pair of neighbouring values where they fall, and one where they rise."""
        pieces = sorted(_pieces(leaf, context.number(leaf.formulas["value"])), key=lambda found: _low(found[0]))
        falls = rises = None
        for (lower, low_award), (upper, high_award) in pairwise(pieces):
            pair = (_inside(lower), _inside(upper))
            if high_award < low_award and falls is None:
                falls = pair
            if high_award > low_award and rises is None:
                rises = pair
        if falls is None:
            return Trend(1 if rises else 0)
        return Trend(-1, falls=falls) if rises is None else Trend(None, falls=falls, rises=rises)

    # --- the testing kit -----------------------------------------------------------------

    def landmarks(self, leaf: Indicator) -> dict[str, list[Decimal]]:
        edges = {edge for band in leaf.spec.bands for edge in (band.min, band.max) if edge is not None}
        return {"value": sorted(edges)}

    def best(self, leaf: Indicator) -> list[Interval]:
        """Where each band applies (the first listed wins where bands overlap), the best award first
        (the first listed among equals)."""
        return [piece for piece, _ in sorted(_pieces(leaf, Interval()), key=lambda found: -found[1])]

    def full_marks(self, leaf: Indicator, context: Context) -> Method.FullMarks:
        return Method.FullMarks("value", lambda values: self.best(leaf))

    def example(self, draft: Method.Draft) -> dict[str, Any]:
        value = draft.declare(f"v{draft.index}", "number", min=Decimal(-100), max=Decimal(200))
        bands: list[dict[str, Any]] = [{}]
        for cut in draft.decimals(-100, 200, 3):  # contiguous bands cover every value; each cut belongs to one side
            closed_left = draft.boolean()
            bands[-1] |= {"max": cut} if closed_left else {"max": cut, "max_inclusive": True}
            bands.append({"min": cut} if closed_left else {"min": cut, "min_inclusive": False})
        for band in bands:
            band |= {"points": draft.award()} if draft.boolean() else {"fraction": draft.decimal(0, 1)}
        return {"value": value, "bands": bands}

    def rule(self, leaf: Indicator) -> dict[str, Any]:
        def text(band: Band, award: Decimal) -> str:  # the ends as written, open or closed: [90, +∞) → 10
            low = "(-∞" if band.min is None else f"{'[' if band.min_inclusive else '('}{band.min:f}"
            high = "+∞)" if band.max is None else f"{band.max:f}{']' if band.max_inclusive else ')'}"
            return f"{low}, {high} → {award:f}"

        bands = [text(band, award) for band, award in zip(leaf.spec.bands, awards(leaf), strict=True)]
        return {"value": formula_text(leaf.formulas["value"]), "bands": bands}

    # --- tuning --------------------------------------------------------------------------

    def tunables(self, leaf: Indicator, ruleset: Any) -> list[Tunable]:
        """Each band's ends (thresholds). Where one band ends at the value the next one starts at, the
        two move together as one threshold, named by the lower band's ``max`` (``bands.0.max``)."""
        bands: list[Band] = leaf.spec.bands
        found = []
        shared: set[tuple[int, str]] = set()
        for index, band in enumerate(bands):
            for end in ("max", "min"):
                edge = getattr(band, end)
                if edge is None or (index, end) in shared:
                    continue
                path = ("indicators", *leaf.path, "bands", index, end)
                moves: list[tuple[KeyPath, int]] = [(path, 1)]
                low, high = (band.min, None) if end == "max" else (None, band.max)
                facing = "min" if end == "max" else "max"
                other = next((j for j, o in enumerate(bands) if j != index and getattr(o, facing) == edge), None)
                if other is not None:  # the band on the other side of this edge moves with it
                    moves.append((("indicators", *leaf.path, "bands", other, facing), 1))
                    shared.add((other, facing))
                    if end == "max":
                        high = bands[other].max
                    else:
                        low = bands[other].min
                shared_values = {"band": band_text(band), "index": index}
                label = each_own(
                    TUNING[end],
                    {"name": leaf.name, **shared_values},
                    {"name": leaf.name_en or leaf.name, **shared_values},
                )
                found.append(Tunable(f"bands.{index}.{end}", path, edge, label, tuple(moves), low=low, high=high))
        return found

    def least_points(self, leaf: Indicator) -> Decimal:
        """A band's own points must fit in the indicator's."""
        return max((band.points for band in leaf.spec.bands if band.points is not None), default=Decimal(0))

    def response(
        self, leaf: Indicator, moves: Mapping[KeyPath, int], recorded: FactsTuple, raw: Decimal, ruleset: Any
    ) -> Response | None:
        """The first band holding the unit's value (its ends moved) gives its award; a value that falls
        in no band stops scoring (None). The band changes where a moved end passes the value; an award of
        points bends where the indicator's points pass them."""
        if touched(leaf, moves, but=("points", "bands")):
            return None
        own = ("indicators", *leaf.path, "bands")
        value = Exact(recorded[1])
        points = moved_points(leaf, moves)
        bands: list[Band] = leaf.spec.bands
        signs = {
            (index, end): moves.get((*own, index, end), 0) for index in range(len(bands)) for end in ("min", "max")
        }
        breaks: list[Exact] = []
        for (index, end), sign in signs.items():
            edge = getattr(bands[index], end)
            if sign and edge is not None:
                breaks.append((value - Exact(edge)) / sign)
        w = (points(Exact(0)), points(Exact(1)) - points(Exact(0)))
        for band in bands:
            if band.points is not None:
                breaks += meeting(w, (Exact(band.points), Exact(0)))

        def holds(index: int, band: Band, t: Exact) -> bool:
            if band.min is not None:
                low = Exact(band.min) + signs[index, "min"] * t
                if value < low or (value == low and not band.min_inclusive):
                    return False
            if band.max is not None:
                high = Exact(band.max) + signs[index, "max"] * t
                if value > high or (value == high and not band.max_inclusive):
                    return False
            return True

        def score(t: Exact) -> Exact | None:
            for index, band in enumerate(bands):
                if holds(index, band, t):
                    if band.points is not None:
                        return min(Exact(band.points), points(t))
                    return Exact(band.fraction or 0) * points(t)
            return None

        edges_move = any(signs.values())  # a moved edge may move the value into another band: a jump
        return Response(score, tuple(breaks), steep=None if edges_move else points_sign(leaf, moves))

    # --- perfscore diff --------------------------------------------------------------------

    def show(self, value: Any, lang: str) -> str | None:
        if isinstance(value, Band):
            return f"{band_text(value)} {_award_words(value, lang)}"
        return None


def awards(leaf: Indicator) -> list[Decimal]:
    """What each band gives: its points (at most the indicator's), or its share of them."""
    points: Decimal = leaf.points
    return [
        min(band.points, points) if band.points is not None else CONTEXT.multiply(band.fraction or 0, points)
        for band in leaf.spec.bands
    ]


def _pieces(leaf: Indicator, values: Interval) -> list[tuple[Interval, Decimal]]:
    """The parts of the value's range where each band applies (the first listed wins), with its award."""
    bands = [band.interval() for band in leaf.spec.bands]
    found = []
    for index, (band, award) in enumerate(zip(bands, awards(leaf), strict=True)):
        for part in uncovered(intersect(band, values), bands[:index]):
            found.append((part, award))
    return found


def _low(interval: Interval) -> Decimal:
    return Decimal("-Infinity") if interval.low is None else interval.low


def _inside(interval: Interval) -> Decimal:
    """A value inside the interval: its low end when included, else a point just inside."""
    if interval.low is not None and not interval.low_open:
        return interval.low
    if interval.low is not None and interval.high is not None:
        return CONTEXT.divide(CONTEXT.add(interval.low, interval.high), 2)
    if interval.low is not None:
        return CONTEXT.add(interval.low, 1)
    if interval.high is not None:
        return interval.high if not interval.high_open else CONTEXT.subtract(interval.high, 1)
    return Decimal(0)


def _joined(intervals: list[Interval]) -> str:
    texts = [str(interval) for interval in intervals]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def band_text(band: Band, show: Callable[[Decimal], str] = plain) -> str:
    """A band as a reader sees it: ``≥ 95%``, ``[90%, 95%)``, ``< 90%``."""
    low = None if band.min is None else show(band.min)
    high = None if band.max is None else show(band.max)
    if low is None and high is None:
        return "(−∞, +∞)"
    if high is None:
        return f"{'≥' if band.min_inclusive else '>'} {low}"
    if low is None:
        return f"{'≤' if band.max_inclusive else '<'} {high}"
    return f"{'[' if band.min_inclusive else '('}{low}, {high}{']' if band.max_inclusive else ')'}"


def _award_text(band: Band) -> str:
    if band.points is not None:
        return plain(band.points)
    return f"{plain(CONTEXT.multiply(band.fraction or 0, 100))}%"


_AWARDS = words(
    "methods.bands",
    {
        "points": ("{points} 分", "{points} points"),
        "full": ("满分", "full marks"),
        "none": ("0 分", "no points"),
        "share": ("分值的 {share}%", "{share}% of the points"),
    },
)


def _award_words(band: Band, lang: str) -> str:
    if band.points is not None:
        return _AWARDS["points"](lang).replace("{points}", plain(band.points))
    share = CONTEXT.multiply(band.fraction or 0, 100)
    if share in (0, 100):
        return _AWARDS["full" if share else "none"](lang)
    return _AWARDS["share"](lang).replace("{share}", plain(share))


BANDS = Bands()
