"""``deduction`` (扣分法): points off per finding, 扣完为止.

Score: W − min(count × each, cap), never below 0; ``count_rounding`` may first round a
fractional count (percentage points) down or up. A negative count stops scoring for the unit:
it is never a bonus.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import Field

from ..exact import CONTEXT
from ..intervals import Interval, intersect
from ..messages import Text, words
from ..model import FormulaText, LeafParams, NonNegative
from ..text import plain
from ._base import (
    ULP,
    Case,
    Code,
    FactsTuple,
    FloatCode,
    FormulaKey,
    KeyPath,
    Method,
    Num,
    Outlook,
    Response,
    Trend,
    Tunable,
    Unfloatable,
    each_own,
    formula_text,
    meeting,
    moved_points,
    points_sign,
    touched,
)

LINT = words(
    "methods.deduction.checks",
    {
        "negative": ("扣分项数为负（{count}）", "the count of findings is negative ({count})"),
        "cap": ("它的扣分上限为 0", "its cap is 0"),
        "zero": ("它的扣分项数 {count} 总是 0", "its count {count} is always 0"),
        "all": ("它的扣分项数 {count} 至少为 {least}，而 {least} × {each} 就扣完了它最多能扣的 {cap} 分",
                "its count {count} is at least {least}, and {least} × {each} takes all {cap} points it can lose"),
    },
)  # fmt: skip
NEGATIVE = LINT["negative"]
TUNING = words(
    "methods.deduction.tuning",
    {"each": ("{name}：每项扣分", "{name}: points off per finding")},
)

if TYPE_CHECKING:
    from ..checks import Context
    from ..ruleset import Indicator
    from ..wording import Display

ZERO = Decimal(0)
_ROUNDINGS = {"floor": ROUND_FLOOR, "ceil": ROUND_CEILING}


class DeductionParams(LeafParams):
    """扣分法 / deduction: points off per finding."""

    method: Literal["deduction"]
    count: FormulaText = Field(
        description="扣分事项数（或百分点数）：一个数，或加引号的公式 / how many findings (or percentage points): a number, or a formula in quotes"
    )
    each: Annotated[Decimal, Field(gt=0)] = Field(description="每项扣分，大于 0 / points off per finding, more than 0")
    count_rounding: Literal["exact", "floor", "ceil"] = Field(
        default="exact",
        description="事项数取整：exact 不取整；floor 向下取整；ceil 向上取整 / the count as used: exact, floor (rounded down) or ceil (rounded up)",
    )
    cap: NonNegative | None = Field(
        default=None, description="最多扣分，省略则为分值 / the most taken off; none: the indicator's points"
    )


DEDUCTED = Case("deduction", ("count", "deducted"), "计 {count} 项（次），每项扣 {each} 分，扣完为止",
                "{count} × {each} points deducted, floored at 0")  # fmt: skip
NOTHING = Case("none", ("count", "deducted"), "未发现扣分事项", "nothing to deduct")
CAPPED = Case("capped", ("count", "deducted"), "计 {count} 项（次），每项扣 {each} 分，最多扣 {deducted} 分",
              "{count} × {each} points, capped at {deducted} deducted")  # fmt: skip


class Deduction(Method):
    name = "deduction"
    title = Text("扣分法", "deduction")
    params = DeductionParams
    formulas: ClassVar[Mapping[str, FormulaKey]] = {"count": FormulaKey()}
    cases = (DEDUCTED, NOTHING, CAPPED)
    template_fields = frozenset({"count", "each", "deducted"})
    tuned = ("each",)
    key_names: ClassVar[Mapping[str, Text]] = {
        "count": Text("计数", "count"),
        "each": Text("每项扣分", "each"),
        "count_rounding": Text("计数取整", "count_rounding"),
        "cap": Text("扣分上限", "cap"),
    }

    def emit(self, leaf: Indicator, code: Code) -> None:
        spec: DeductionParams = leaf.spec
        w, each, cap = code.const(leaf.points), code.const(spec.each), code.const(cap_of(leaf))
        code.line(f"c = {code.value(leaf.formulas['count'])}")
        with code.block("if c < ZERO:"):
            code.line(code.fail("negative-count", lambda count: NEGATIVE.format(count=count), "c"))
        if spec.count_rounding in _ROUNDINGS:
            code.line(f"c = c.to_integral_value(rounding={code.const(_ROUNDINGS[spec.count_rounding])})")
        code.line(f"d = c * {each}")
        with code.block(f"if d > {cap}:"):
            code.result(f"{w} - {cap}", CAPPED, "c", cap)
        with code.block("elif c == ZERO:"):
            code.result(w, NOTHING, "c", "d")
        with code.block("else:"):
            code.result(f"{w} - d", DEDUCTED, "c", "d")

    def emit_float(self, leaf: Indicator, code: FloatCode) -> None:
        """The same in floats, for a count read as it is (no ``count_rounding``)."""
        spec: DeductionParams = leaf.spec
        if spec.count_rounding in _ROUNDINGS:
            raise Unfloatable("deduction")
        count = code.number(leaf.formulas["count"])
        code.line(f"c = {count.expr}")
        c = Num("c", count.err, count.given)
        zero = Decimal(0)
        with code.block(f"if {code.decide(c, '<', zero)}:"):  # the Decimal pass stops, located
            code.give_up()
        cap = cap_of(leaf)
        if spec.each <= 0 or len(spec.each.normalize(CONTEXT).as_tuple().digits) > 11:
            raise Unfloatable("deduction")  # (c × each, c of at most 17 digits, is then exact in Decimal)
        code.line(f"d = c * {code.const(spec.each)}")
        # c × each > cap decided as c > cap / each (exactly, for a count given as it is, when that is short)
        over, none = code.decide(c, ">", CONTEXT.divide(cap, spec.each)), code.decide(c, "==", zero)
        with code.block(f"if {over}:"):
            code.score_constant(CONTEXT.subtract(leaf.points, cap))
        with code.block(f"elif {none}:"):
            code.score_constant(leaf.points)
        with code.block("else:"):  # d ≤ cap ≤ points
            code.score(f"{code.const(leaf.points)} - d", absolute=2 * float(leaf.points) * (c.err + 4 * ULP))

    def facts(self, leaf: Indicator, recorded: dict[str, Any]) -> dict[str, Any]:
        return {**recorded, "each": leaf.spec.each}

    def fields(self, leaf: Indicator, facts: Mapping[str, Any], display: Display) -> dict[str, str]:
        return {key: plain(value) for key, value in facts.items() if key != "case"}

    def describe(self, leaf: Indicator, lang: str) -> str:
        count, each = formula_text(leaf.formulas["count"]), plain(leaf.spec.each)
        if lang == "zh":
            return f"扣分法：每计 1 项（{count}）扣 {each} 分，扣完为止"
        return f"deduction: {each} points off per unit of {count}, floored at 0"

    def outlook(self, leaf: Indicator, context: Context) -> Outlook:
        spec: DeductionParams = leaf.spec
        formula = leaf.formulas["count"]
        counts = intersect(context.number(formula), Interval(ZERO))  # a negative count fails scoring
        text = formula_text(formula)
        cap = cap_of(leaf)
        if cap <= 0:
            return LINT["cap"], None
        full = LINT["zero"].format(count=text) if counts.high is not None and counts.high <= 0 else None
        least = counts.low
        if least is not None and spec.count_rounding in _ROUNDINGS:
            least = least.to_integral_value(rounding=_ROUNDINGS[spec.count_rounding])
        nothing = None
        if least is not None and least * spec.each >= cap:
            nothing = LINT["all"].format(count=text, least=plain(least), each=plain(spec.each), cap=plain(cap))
        return full, nothing

    def trend(self, leaf: Indicator, key: str, context: Context) -> Trend:
        return Trend(-1)  # each finding more takes points off, never adds any

    # --- the testing kit -----------------------------------------------------------------

    def landmarks(self, leaf: Indicator) -> dict[str, list[Decimal]]:
        cap, each = cap_of(leaf), leaf.spec.each
        return {"count": [ZERO, Decimal(1), CONTEXT.divide(cap, each).to_integral_value(rounding=ROUND_CEILING)]}

    def full_marks(self, leaf: Indicator, context: Context) -> Method.FullMarks:
        return Method.FullMarks("count", lambda values: [Interval(ZERO, ZERO)])  # nothing found

    # --- tuning --------------------------------------------------------------------------

    def tunables(self, leaf: Indicator, ruleset: Any) -> list[Tunable]:
        """The points off per finding (``each``, above 0)."""
        path = ("indicators", *leaf.path, "each")
        label = each_own(TUNING["each"], {"name": leaf.name}, {"name": leaf.name_en or leaf.name})
        return [Tunable("each", path, leaf.spec.each, label, ((path, 1),), low=ZERO, low_open=True)]

    def response(
        self, leaf: Indicator, moves: Mapping[KeyPath, int], recorded: FactsTuple, raw: Decimal, ruleset: Any
    ) -> Response | None:
        """W − min(c × each, cap) with the cap at most W, for the unit's count c (after its rounding):
        it bends where c × each reaches the cap, and where W passes a cap written above it."""
        if touched(leaf, moves, but=("points", "each")):
            return None
        spec: DeductionParams = leaf.spec
        count = Fraction(recorded[1])
        points = moved_points(leaf, moves)
        each_sign = moves.get(("indicators", *leaf.path, "each"), 0)
        each = Fraction(spec.each)

        def cap(t: Fraction) -> Fraction:
            return points(t) if spec.cap is None else min(Fraction(spec.cap), points(t))

        def value(t: Fraction) -> Fraction:
            return points(t) - min(count * (each + each_sign * t), cap(t))

        w = (points(Fraction(0)), points(Fraction(1)) - points(Fraction(0)))
        taken = (count * each, count * each_sign)
        bends = meeting(taken, w)
        if spec.cap is not None:
            bends += meeting(taken, (Fraction(spec.cap), Fraction(0))) + meeting(w, (Fraction(spec.cap), Fraction(0)))
        return Response(value, bends, steep=points_sign(leaf, moves) + count * abs(each_sign))

    def example(self, draft: Method.Draft) -> dict[str, Any]:
        count = f"n{draft.index}"
        keys: dict[str, Any] = {"each": draft.decimal("0.01", 5)}
        if draft.boolean():
            keys["count"] = draft.declare(count, "count", max=Decimal(50))
        else:
            keys["count"] = draft.declare(count, "number", min=ZERO, max=Decimal(50))
            keys["count_rounding"] = draft.choice(("exact", "floor", "ceil"))
        if draft.boolean():
            keys["cap"] = draft.decimal(0, 2 * draft.points)
        return keys


def cap_of(leaf: Indicator) -> Decimal:
    """The most the leaf can lose: its cap, at most its points."""
    cap = leaf.spec.cap
    return leaf.points if cap is None else min(cap, leaf.points)


DEDUCTION = Deduction()
