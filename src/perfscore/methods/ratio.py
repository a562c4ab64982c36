"""``ratio`` (比率法): actual against target, the quantitative rule of 财预〔2020〕10号.

With A the target, B the actual (a negative B counts as 0, except for an exact match) and W the
points:

- ``>=`` (正向): B ≥ A earns W, below it B / A × W; a target of 0 or less is always met. With
  ``over_target = {above = R}``, B ≥ R × A is flagged (the target may be too low) or, with
  ``action = "deduct"``, loses ``deduct`` points.
- ``=``: read as ``>=`` (``equal = "at-least"``), except that a target of 0 or less means
  "none at all" (B ≤ 0 earns W, anything else 0); with ``equal = "exact"``, |B − A| ≤ tolerance
  earns W and anything else 0.
- ``<=`` (反向): B ≤ A earns W; above it ``reverse = "linear"`` gives (1 − (B − A) / A) × W, 0
  from twice the target, and ``reverse = "inverse"`` gives A / B × W; a target of 0 or less
  earns 0 for any B above it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, model_validator

from ..errors import Problem, Refusal
from ..exact import CONTEXT
from ..expressions import Expression
from ..intervals import Interval, at_most, below, largest, multiply, subtract, trend
from ..messages import Text, words
from ..model import FormulaText, LeafParams, NonNegative, OverTarget
from ..text import percent, plain
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
    measured_name,
    meeting,
    moved_points,
    touched,
)

TUNING = words(
    "methods.ratio.tuning",
    {"above": ("{name}：超目标扣分的起点（目标值的倍数）", "{name}: the multiple of the target from which points are deducted"),
     "deduct": ("{name}：超目标扣分的分数", "{name}: the points deducted for a target far exceeded")},
)  # fmt: skip

LINT = words(
    "methods.ratio.checks",
    {
        "over-target": ("over_target 只适用于 '>=' 和 '=' 指标，不适用于 '<='", "over_target applies to '>=' and '=' indicators, not '<='"),
        "zero-met": ("目标值 {target} 总能达到：无论实际值如何该指标都得满分；请填写真实目标，"
                     "若目标表示“一个也没有”请用 direction = \"=\"",
                     "a target of {target} is always met: the indicator gives all its points whatever the actual; "
                     "give the real target, or use direction = \"=\" if the target means \"none at all\""),
        "zero-never": ("目标值为 {target} 时“<=”公式永远用不上：超过目标的实际值得 0 分；"
                       "请用 direction = \"=\"（目标 0 表示“一个也没有”）或填写真实目标",
                       "with a target of {target} the '<=' formula never applies: an actual above it scores 0; "
                       "use direction = \"=\" (target 0 means \"none at all\") or give the real target"),
        "above": ("高于", "above"),
        "below": ("低于", "below"),
        "out-of-range": ("目标值 {target} {side}所有可能的实际值（{text} 的取值范围为 {actual}）：该指标永远得不到满分",
                         "the target {target} is {side} every possible actual ({text} ranges over {actual}): "
                         "the indicator can never earn full points"),
        "higher": ("更高", "higher"),
        "lower": ("更低", "lower"),
        "rises": ("上升", "rises"),
        "falls": ("下降", "falls"),
        "better-higher": ("越高越好", "higher is better"),
        "better-lower": ("越低越好", "lower is better"),
        "reversed": ("{name} 给{way}的实际值更多分，但实际值 {actual} 随 inputs.{input}（{label}）{rises}，"
                     "而该输入{better}：反向指标的计分方向错了；请用 direction = \"{fix}\"",
                     "{name} gives more points for a {way} actual, but the actual {actual} {rises} with "
                     "inputs.{input} ({label}), for which {better}: a reverse indicator scored the wrong way; "
                     "use direction = \"{fix}\""),
        "ranges": ("实际值 {actual} 的取值范围为 {values}，目标值为 {target}",
                   "the actual {actual} ranges over {values} and the target is {target}"),
        "twice": ("{said}，因此实际值总是至少为目标的两倍", "{said}, so the actual is always at least twice the target"),
        "negative": ("{said}（负的实际值按 0 计）", "{said} (negative actuals count as 0)"),
    },
)  # fmt: skip

if TYPE_CHECKING:
    from ..checks import Context
    from ..ruleset import Indicator
    from ..wording import Display

ZERO = Decimal(0)
SYMBOLS = {">=": "≥", "<=": "≤", "=": "="}


class RatioParams(LeafParams):
    """比率法 / ratio: the actual value against the target."""

    method: Literal["ratio"]
    actual: FormulaText = Field(
        description="实际完成值（B）：一个数，或加引号的公式（输入名、计算值名或表达式）"
        " / actual (B): a number, or a formula in quotes (an input, a derived value or an expression)"
    )
    target: FormulaText = Field(
        description="目标值（年度指标值，A）：一个数，或加引号的公式 / target (A): a number, or a formula in quotes"
    )
    direction: Literal[">=", "<=", "="] = Field(
        default=">=",
        description='方向：">=" 越高越好（正向指标）；"<=" 越低越好（反向指标）；"=" 等于目标'
        ' / direction: ">=" more is better; "<=" less is better; "=" equal to the target',
    )
    reverse: Literal["linear", "inverse"] = Field(
        default="linear",
        description='仅用于 "<="，超出目标时：linear 按 (1 − 超出值/目标值) × 分值；inverse 按 目标值/实际值 × 分值'
        ' / for "<=" only, above the target: linear, (1 − excess / target) × points; inverse, target / actual × points',
    )
    equal: Literal["at-least", "exact"] = Field(
        default="at-least",
        description='仅用于 "="：at-least 按 ">=" 计分；exact 相等才得满分'
        ' / for "=" only: at-least (scored like ">=") or exact (full marks only when equal)',
    )
    tolerance: NonNegative = Field(
        default=Decimal(0),
        description='equal = "exact" 时，|B − A| 不超过此值即算相等 / for equal = "exact": the largest |B − A| still counted as equal',
    )
    over_target: OverTarget | None = Field(
        default=None,
        description='超目标（仅 ">=" 和 "="）：{ above = 1.3 } 在实际值达到目标 130% 及以上时提示；加 action = "deduct", deduct = 2 则扣 2 分'
        ' / for ">=" and "=": { above = 1.3 } flags an actual at 130% of the target or more; add action = "deduct", deduct = 2 to take 2 points off',
    )

    @model_validator(mode="after")
    def _over_target_direction(self) -> RatioParams:
        if self.over_target is not None and self.direction == "<=":
            raise Refusal(LINT["over-target"])
        return self


_COMPARED = ("actual", "target")
MET = Case("met", _COMPARED, "实际 {actual}，目标 {direction} {target}，已达到目标",
           "actual {actual} against a target of {direction} {target}: met")  # fmt: skip
MISSED = Case("missed", _COMPARED, "实际 {actual}，目标 {direction} {target}，未达到目标，不得分",
              "actual {actual} against a target of {direction} {target}: not met, no points")  # fmt: skip
BELOW = Case("below", (*_COMPARED, "rate"), "实际 {actual}，目标 {direction} {target}，完成率 {rate}，按完成比例计分",
             "actual {actual} against a target of {direction} {target}: {rate} achieved, scored in proportion")  # fmt: skip
OVER_FLAGGED = Case(
    "over-flagged", (*_COMPARED, "rate", "over_target"),
    "实际 {actual}，为目标 {target} 的 {rate}，达到或超过 {over_target} 倍，目标可能偏低，需说明原因",
    "actual {actual} is {rate} of the target {target}, at or beyond {over_target} times: "
    "the target may be too low and needs an explanation",
    note=True,
)  # fmt: skip
OVER_DEDUCTED = Case(
    "over-deducted", (*_COMPARED, "rate", "over_target", "penalty"),
    "实际 {actual}，为目标 {target} 的 {rate}，达到或超过 {over_target} 倍，目标设置偏低，扣减 {penalty} 分",
    "actual {actual} is {rate} of the target {target}, at or beyond {over_target} times: "
    "the target was set too low, {penalty} points deducted",
)  # fmt: skip
ABOVE_LINEAR = Case(
    "above-linear", (*_COMPARED, "excess"),
    "实际 {actual}，目标 ≤ {target}，超出 {excess}，按 (1 − 超出值/目标值) × 分值 计分",
    "actual {actual} exceeds the target of ≤ {target} by {excess}: scored as (1 − excess / target) × points",
)  # fmt: skip
ABOVE_INVERSE = Case(
    "above-inverse", (*_COMPARED, "excess"),
    "实际 {actual}，目标 ≤ {target}，超出 {excess}，按 目标值/实际值 × 分值 计分",
    "actual {actual} exceeds the target of ≤ {target} by {excess}: scored as target / actual × points",
)  # fmt: skip
DOUBLE = Case("double", (*_COMPARED, "excess"), "实际 {actual} 达到目标 ≤ {target} 的两倍或以上，不得分",
              "actual {actual} is at least twice the target of ≤ {target}: no points")  # fmt: skip
NEGATIVE = Text("（实际值为负，按 0 计）", " (a negative actual counts as 0)")


class Ratio(Method):
    name = "ratio"
    title = Text("比率法", "ratio")
    params = RatioParams
    formulas: ClassVar[Mapping[str, FormulaKey]] = {"actual": FormulaKey(), "target": FormulaKey()}
    cases = (MET, MISSED, BELOW, OVER_FLAGGED, OVER_DEDUCTED, ABOVE_LINEAR, ABOVE_INVERSE, DOUBLE)
    template_fields = frozenset(
        {"actual", "target", "direction", "rate", "excess", "over_target", "penalty", "tolerance"}
    )
    key_names: ClassVar[Mapping[str, Text]] = {
        "actual": Text("实际值", "actual"),
        "target": Text("目标值", "target"),
        "direction": Text("比较方向", "direction"),
        "reverse": Text("反向计分公式", "reverse"),
        "equal": Text("等于的含义", "equal"),
        "tolerance": Text("允差", "tolerance"),
        "over_target": Text("超目标处理", "over_target"),
    }
    tuned = ("over_target",)

    # --- scoring -------------------------------------------------------------------------

    def emit(self, leaf: Indicator, code: Code) -> None:
        spec: RatioParams = leaf.spec
        w = code.const(leaf.points)
        code.line(f"a = {code.value(leaf.formulas['actual'])}")
        target = leaf.formulas["target"]
        positive = isinstance(target, Decimal) and target > 0  # a constant target above 0 folds the branches on it
        t = code.value(target)
        if not isinstance(target, Decimal):
            code.line(f"t = {t}")
            t = "t"
        if _exact(spec):  # an exact match compares the values as given, negative ones included
            with code.block(f"if abs(a - {t}) <= {code.const(spec.tolerance)}:"):
                code.result(w, MET, "a", t)
            with code.block("else:"):
                code.result("ZERO", MISSED, "a", t)
            return
        if positive:  # a negative actual cannot meet a target above 0: it is counted as 0 only below it
            (self._at_most_positive if spec.direction == "<=" else self._at_least_positive)(
                spec, code, w, t, leaf.points
            )
            return
        code.line("c = ZERO if a < ZERO else a")  # a negative actual counts as 0 (and the explanation says so)
        if spec.direction == "<=":
            self._at_most(spec, code, w, t)
        else:
            self._at_least(spec, code, w, t, leaf.points)

    def emit_float(self, leaf: Indicator, code: FloatCode) -> None:
        """The same arithmetic for a constant target above 0 (``emit``'s folded branches), in floats."""
        spec: RatioParams = leaf.spec
        target = leaf.formulas["target"]
        if not isinstance(target, Decimal) or target <= 0 or _exact(spec) or spec.over_target is not None:
            raise Unfloatable("ratio")
        given = code.number(leaf.formulas["actual"])
        code.line(f"a = {given.expr}")
        a = Num("a", given.err, given.given)
        t, w = code.const(target), code.const(leaf.points)
        if spec.direction != "<=":
            with code.block(f"if {code.decide(a, '<', target)}:"):  # below: a negative actual counts as 0
                code.score(f"(a if a > 0.0 else 0.0) / {t} * {w}", relative=a.err + 4 * ULP)
            with code.block("else:"):
                code.score_constant(leaf.points)
            return
        with code.block(f"if {code.decide(a, '<=', target)}:"):
            code.score_constant(leaf.points)
        with code.block("else:"):  # above a positive target
            if spec.reverse == "inverse":
                code.score(f"{t} / a * {w}", relative=a.err + 4 * ULP)
                return
            with code.block(f"if {code.decide(a, '>=', CONTEXT.multiply(target, 2))}:"):
                code.score_constant(Decimal(0))
            with code.block("else:"):  # target < actual < 2 × target: 1 − (a − t)/t within 7 ulps + 2 errs of a
                code.score(f"(1.0 - (a - {t}) / {t}) * {w}", absolute=float(leaf.points) * (10 * ULP + 2 * a.err))

    def _at_most(self, spec: RatioParams, code: Code, w: str, t: str) -> None:
        with code.block(f"if c <= {t}:"):
            code.result(w, MET, "a", t)
        with code.block(f"elif {t} <= ZERO:"):
            code.result("ZERO", MISSED, "a", t)
        with code.block("else:"):
            self._above(spec, code, w, t)

    def _at_most_positive(self, spec: RatioParams, code: Code, w: str, t: str, points: Decimal) -> None:
        with code.block(f"if a <= {t}:"):  # a negative actual is below a positive target: met
            code.result(w, MET, "a", t)
        with code.block("else:"):
            self._above(spec, code, w, t, "a")  # above a positive target: the actual is positive

    def _above(self, spec: RatioParams, code: Code, w: str, t: str, c: str = "c") -> None:
        code.line(f"e = {c} - {t}")
        if spec.reverse == "inverse":
            code.result(f"{t} / {c} * {w}", ABOVE_INVERSE, "a", t, "e")
            return
        with code.block(f"if {c} >= TWO * {t}:"):
            code.result("ZERO", DOUBLE, "a", t, "e")
        with code.block("else:"):
            code.result(f"(ONE - e / {t}) * {w}", ABOVE_LINEAR, "a", t, "e")

    def _at_least(self, spec: RatioParams, code: Code, w: str, t: str, points: Decimal) -> None:
        with code.block(f"if {t} <= ZERO:"):  # '>=' 0 is always met; '=' 0 means "none at all"
            if spec.direction == ">=":
                code.result(w, MET, "a", t)
            else:
                with code.block("if c <= ZERO:"):
                    code.result(w, MET, "a", t)
                with code.block("else:"):
                    code.result("ZERO", MISSED, "a", t)
        with code.block(f"elif c < {t}:"):
            code.line(f"rate = c / {t}")
            code.result(f"rate * {w}", BELOW, "a", t, "rate")
        self._reached(spec, code, w, t, points)

    def _at_least_positive(self, spec: RatioParams, code: Code, w: str, t: str, points: Decimal) -> None:
        with code.block(f"if a < {t}:"):
            code.line(f"rate = (ZERO if a < ZERO else a) / {t}")
            code.result(f"rate * {w}", BELOW, "a", t, "rate")
        self._reached(spec, code, w, t, points, "a")  # at or above a positive target: the actual is positive

    def _reached(self, spec: RatioParams, code: Code, w: str, t: str, points: Decimal, c: str = "c") -> None:
        """The actual is at or above the target: met, unless it is far above it."""
        over = spec.over_target
        if over is not None:  # compared, not divided: a huge actual over a tiny target cannot overflow
            above = code.const(over.above)
            with code.block(f"elif {c} >= {above} * {t}:"):
                code.line(f"rate = {c} / {t}")
                if over.deduct is None:
                    code.result(w, OVER_FLAGGED, "a", t, "rate", above)
                else:
                    penalty = code.const(min(over.deduct, points))
                    code.result(f"{w} - {penalty}", OVER_DEDUCTED, "a", t, "rate", above, penalty)
        with code.block("else:"):
            code.result(w, MET, "a", t)

    def facts(self, leaf: Indicator, recorded: dict[str, Any]) -> dict[str, Any]:
        spec: RatioParams = leaf.spec
        facts = recorded  # a fresh dict of what was recorded, with the case's name
        facts["direction"] = spec.direction
        if _exact(spec):
            facts["tolerance"] = spec.tolerance
        elif facts["actual"] < 0:
            facts["negative"] = True  # counted as 0
        return facts

    # --- words ---------------------------------------------------------------------------

    def shows(self, leaf: Indicator, display: Display) -> Mapping[str, Callable[[Any], str]]:
        measure = display.measurer(leaf, measured_name(leaf.formulas["actual"]))
        return {"actual": measure, "target": measure, "excess": measure, "direction": SYMBOLS.__getitem__,
                "rate": percent}  # fmt: skip

    def body_suffix(self, facts: Mapping[str, Any], lang: str) -> str:
        return NEGATIVE(lang) if facts.get("negative") else ""

    def describe(self, leaf: Indicator, lang: str) -> str:
        spec: RatioParams = leaf.spec
        zh = lang == "zh"
        actual, target = formula_text(leaf.formulas["actual"]), formula_text(leaf.formulas["target"])
        if spec.direction == "<=":
            if spec.reverse == "inverse":
                formula = "目标值/实际值 × 分值" if zh else "target / actual × points"
            else:
                formula = ("(1 − (实际−目标)/目标) × 分值，实际 ≥ 2×目标 不得分" if zh
                           else "(1 − (actual − target) / target) × points, 0 at twice the target")  # fmt: skip
            return (f"比率法：实际 {actual} 与目标 ≤ {target} 比较，不超过目标得满分，超过按 {formula}" if zh
                    else f"ratio: actual {actual} against a target of ≤ {target}; full marks at or below it, otherwise {formula}")  # fmt: skip
        if _exact(spec):
            return (f"相符法：实际 {actual} 等于目标 {target}（允差 {spec.tolerance}）得满分，否则 0 分" if zh
                    else f"exact: actual {actual} equal to {target} (± {spec.tolerance}) earns full marks, otherwise 0")  # fmt: skip
        op = SYMBOLS[spec.direction]
        text = (f"比率法：实际 {actual} 与目标 {op} {target} 比较，达到目标得满分，否则按 实际/目标 × 分值" if zh
                else f"ratio: actual {actual} against a target of {op} {target}; full marks when met, otherwise actual / target × points")  # fmt: skip
        over = spec.over_target
        if over is not None:
            if zh:
                text += f"；超过目标 {over.above} 倍" + (
                    "需说明原因" if over.action == "flag" else f"扣 {over.deduct} 分"
                )
            else:
                text += f"; beyond {over.above} times the target " + (
                    "is flagged" if over.action == "flag" else f"loses {over.deduct} points"
                )
        return text

    # --- perfscore check -------------------------------------------------------------------

    def lint(self, leaf: Indicator, context: Context) -> Iterator[Problem]:
        yield from self._targets(leaf, context)
        yield from self._direction(leaf, context)

    def _targets(self, leaf: Indicator, context: Context) -> Iterator[Problem]:
        """A target should be above 0 and within reach of the actual."""
        spec: RatioParams = leaf.spec
        target = context.number(leaf.formulas["target"])
        actual = context.number(leaf.formulas["actual"])
        where = context.leaf_at(leaf, "target")
        if _target_zero(spec, target):
            message = LINT["zero-met" if spec.direction == ">=" else "zero-never"].format(target=target)
            yield Problem(where, message, code="ratio-target-zero", severity="warning")
            return
        if _exact(spec) or self.outlook(leaf, context)[1] is not None:
            return  # never-earns-points says it
        counted = largest(actual, Interval.point(ZERO))  # negative actuals count as 0
        rewards = _rewards(spec, target)
        text = formula_text(leaf.formulas["actual"])
        if (rewards == 1 and below(counted, target)) or (rewards == -1 and below(target, counted)):
            side = LINT["above" if rewards == 1 else "below"]
            yield Problem(
                where,
                LINT["out-of-range"].format(target=target, side=side, text=text, actual=actual),
                code="target-out-of-range",
                severity="warning",
            )

    def _direction(self, leaf: Indicator, context: Context) -> Iterator[Problem]:
        """The ratio must reward its actual moving the way its inputs' ``better`` says is better."""
        spec: RatioParams = leaf.spec
        actual = leaf.formulas["actual"]
        if not isinstance(actual, Expression):
            return
        rewards = _rewards(spec, context.number(leaf.formulas["target"]))
        if rewards is None:
            return
        for name in sorted(leaf.needs):
            input_spec = context.ruleset.inputs[name]
            if input_spec.better is None:
                continue
            moves = trend(actual.tree, name, context.names, context.formulas)
            better = 1 if input_spec.better == "higher" else -1
            if moves in (1, -1) and rewards * moves == -better:
                way = LINT["higher" if rewards == 1 else "lower"]
                rises = LINT["rises" if moves == 1 else "falls"]
                fix = "<=" if rewards == 1 else ">="
                said = LINT["reversed"].format(
                    name=leaf.name, way=way, actual=actual.text, rises=rises, input=name, label=input_spec.label,
                    better=LINT[f"better-{input_spec.better}"], fix=fix,
                )  # fmt: skip
                yield Problem(
                    context.leaf_at(leaf),
                    said,
                    code="reversed-direction",
                )

    def outlook(self, leaf: Indicator, context: Context) -> Outlook:
        spec: RatioParams = leaf.spec
        actual, target = context.number(leaf.formulas["actual"]), context.number(leaf.formulas["target"])
        if _target_zero(spec, target):
            return None, None  # ratio-target-zero says it
        said = LINT["ranges"].format(actual=formula_text(leaf.formulas["actual"]), values=actual, target=target)
        if _exact(spec):
            tolerance = Interval(-spec.tolerance, spec.tolerance)
            gap = subtract(actual, target)
            met = gap.within(-spec.tolerance, spec.tolerance)
            missed = below(gap, tolerance) or below(tolerance, gap)
            return (said if met else None, said if missed else None)
        counted = largest(actual, Interval.point(ZERO))  # negative actuals count as 0
        if spec.direction == "<=":
            if at_most(counted, target):
                return said, None
            if below(target, counted) and target.high is not None and target.high <= 0:
                return None, said
            twice = multiply(target, Interval.point(Decimal(2)))
            if spec.reverse == "linear" and target.low is not None and target.low > 0 and at_most(twice, counted):
                return None, LINT["twice"].format(said=said)
            return None, None
        if target.high is not None and target.high <= 0:
            if spec.direction == ">=":
                return said, None
            zero = Interval.point(ZERO)  # '=' 0: met only by none at all
            return (said if at_most(counted, zero) else None, said if below(zero, counted) else None)
        if target.low is None or target.low <= 0:
            return None, None
        over = spec.over_target
        deducts = (
            over is not None
            and over.deduct is not None
            and not below(counted, multiply(Interval.point(over.above), target))
        )
        full = at_most(target, counted) and not deducts
        nothing = counted.high is not None and counted.high <= 0
        return (said if full else None, LINT["negative"].format(said=said) if nothing else None)

    def trend(self, leaf: Indicator, key: str, context: Context) -> Trend:
        spec: RatioParams = leaf.spec
        target = leaf.formulas["target"]
        fixed = target if isinstance(target, Decimal) else None
        if _exact(spec):
            if key == "actual" and fixed is not None:
                step = spec.tolerance + 1
                return Trend(None, falls=(fixed, fixed + step), rises=(fixed - step, fixed))
            return Trend(None)
        if key == "actual":
            if spec.direction == "<=":
                return Trend(-1)
            if spec.direction == "=" and (fixed is None or fixed <= 0):
                return Trend(-1) if fixed is not None else Trend(None)
            return Trend(1)  # an over_target deduction is the ruleset's own, deliberate exception
        if key == "target":
            if spec.direction == "<=":
                return Trend(1)
            if spec.direction == ">=" and not (spec.over_target and spec.over_target.deduct):
                return Trend(-1)
        return Trend(None)

    def rewards(self, leaf: Indicator) -> tuple[str, int] | None:
        way = _rewards(leaf.spec, _constant(leaf.formulas["target"]))
        return None if way is None else ("actual", way)

    # --- the testing kit -----------------------------------------------------------------

    def landmarks(self, leaf: Indicator) -> dict[str, list[Decimal]]:
        spec: RatioParams = leaf.spec
        target = leaf.formulas["target"]
        if not isinstance(target, Decimal):
            return {}
        marks = [target, target - spec.tolerance, target + spec.tolerance, 2 * target]
        if spec.over_target is not None:
            marks.append(spec.over_target.above * target)
        return {"actual": sorted(set(marks))}

    def goal(self, leaf: Indicator, target: Decimal) -> Interval:
        """The actuals that earn full points against the target ``target`` (the empty interval if none)."""
        spec: RatioParams = leaf.spec
        if _exact(spec):
            return Interval(target - spec.tolerance, target + spec.tolerance)
        if spec.direction == "<=":  # a negative actual counts as 0, so a target below 0 is never met
            return Interval(None, target) if target >= 0 else Interval(ZERO, target)
        if target <= 0:
            return Interval(None, None) if spec.direction == ">=" else Interval(None, ZERO)
        over = spec.over_target
        if over is not None and over.deduct:
            return Interval(target, over.above * target, high_open=True)
        return Interval(target, None)

    def full_marks(self, leaf: Indicator, context: Context) -> Method.FullMarks:
        return Method.FullMarks("actual", lambda values: [self.goal(leaf, values["target"])])

    def example(self, draft: Method.Draft) -> dict[str, Any]:
        i = draft.index
        direction = draft.choice((">=", "<=", "="))
        low = draft.choice((Decimal(-100), ZERO))  # negative actuals count as 0
        actual = x = draft.declare(f"x{i}", "number", min=low, max=Decimal(3000))  # the targets' scale
        style = draft.choice(("name", "derived", "sum"))
        if style == "derived":
            divisor = draft.declare(f"d{i}", "number", min=Decimal(1), max=Decimal(10_000))
            actual = draft.derive(f"r{i}", f"{x} / {divisor}")
        elif style == "sum":
            actual = f"{x} + {draft.decimal(0, 10):f}"
        target: Any = draft.decimal(0, 1000)
        if draft.boolean():
            target = draft.declare(f"t{i}", "number", min=ZERO, max=Decimal(1000))
        keys: dict[str, Any] = {"actual": actual, "target": target, "direction": direction}
        if direction == "<=":
            keys["reverse"] = draft.choice(("linear", "inverse"))
        if direction == "=":
            keys["equal"] = draft.choice(("at-least", "exact"))
            if keys["equal"] == "exact":
                keys["tolerance"] = draft.decimal(0, 5)
        if direction != "<=" and draft.boolean():
            over: dict[str, Any] = {"above": draft.decimal("1.01", 3)}
            if draft.boolean():
                over |= {"action": "deduct", "deduct": draft.decimal(0, draft.points)}
            keys["over_target"] = over
        return keys

    def rule(self, leaf: Indicator) -> dict[str, Any]:
        spec: RatioParams = leaf.spec
        # reverse, equal and tolerance are shown only where they take part in the score
        apply = {"reverse": spec.direction == "<=", "equal": spec.direction == "=", "tolerance": _exact(spec)}
        return {key: value for key, value in super().rule(leaf).items() if apply.get(key, True)}

    deliberate = frozenset({OVER_DEDUCTED.name})

    # --- perfscore diff --------------------------------------------------------------------

    # --- tuning --------------------------------------------------------------------------

    def tunables(self, leaf: Indicator, ruleset: Any) -> list[Tunable]:
        """With points deducted for a target far exceeded: the multiple of the target from which they are
        (``over_target.above``, above 1) and the points taken off (``over_target.deduct``, up to W)."""
        over: OverTarget | None = leaf.spec.over_target
        if over is None or over.deduct is None or _exact(leaf.spec):
            return []
        own = ("indicators", *leaf.path, "over_target")
        name, name_en = leaf.name, leaf.name_en or leaf.name
        found = []
        for key, bounds in (
            ("above", {"low": Decimal(1), "low_open": True}),
            ("deduct", {"low": Decimal(0), "high": leaf.points}),
        ):
            label = each_own(TUNING[key], {"name": name}, {"name": name_en})
            found.append(
                Tunable(f"over_target.{key}", (*own, key), getattr(over, key), label, (((*own, key), 1),), **bounds)
            )
        return found

    def response(
        self, leaf: Indicator, moves: Mapping[KeyPath, int], recorded: FactsTuple, raw: Decimal, ruleset: Any
    ) -> Response | None:
        """Every case is a share of the points (the share fixed by the unit's data), except a target far
        exceeded with points deducted: W − min(deduct, W), from an actual of ``above`` × the target."""
        if touched(leaf, moves, but=("points", "over_target")):
            return None
        points = moved_points(leaf, moves)
        case, facts = recorded[0], dict(zip(recorded[0].fields, recorded[1:], strict=True))
        over: OverTarget | None = leaf.spec.over_target
        own = ("indicators", *leaf.path, "over_target")
        above_sign, deduct_sign = moves.get((*own, "above"), 0), moves.get((*own, "deduct"), 0)
        reached = case in (MET, OVER_FLAGGED, OVER_DEDUCTED) and not _exact(leaf.spec) and facts["target"] > 0
        if over is not None and over.deduct is not None and reached:
            ratio = Fraction(facts["actual"]) / Fraction(facts["target"])  # compared, as the pass does: a ≥ above × t
            above, deduct = Fraction(over.above), Fraction(over.deduct)

            def value(t: Fraction) -> Fraction:
                far = ratio >= above + above_sign * t
                return points(t) - min(deduct + deduct_sign * t, points(t)) if far else points(t)

            w = (points(Fraction(0)), points(Fraction(1)) - points(Fraction(0)))
            breaks = meeting(w, (deduct, Fraction(deduct_sign)))
            if above_sign:
                breaks += ((ratio - above) / above_sign,)
            return Response(value, breaks)
        share = Fraction(_share(case, facts))
        return Response(lambda t: share * points(t))

    def show(self, value: Any, lang: str) -> str | None:
        if isinstance(value, OverTarget):
            if value.action == "flag":
                return (f"超过目标 {plain(value.above)} 倍需说明原因" if lang == "zh"
                        else f"flagged beyond {plain(value.above)} × the target")  # fmt: skip
            deduct = plain(value.deduct or ZERO)
            return (f"超过目标 {plain(value.above)} 倍扣 {deduct} 分" if lang == "zh"
                    else f"{deduct} points deducted beyond {plain(value.above)} × the target")  # fmt: skip
        return None


def _share(case: Case, facts: Mapping[str, Any]) -> Decimal:
    """The share of the points a case gives, as the scoring pass computes it (see :meth:`Ratio.emit`)."""
    if case in (MET, OVER_FLAGGED):
        return Decimal(1)
    if case is BELOW:
        return Decimal(facts["rate"])
    if case is ABOVE_LINEAR:
        return CONTEXT.subtract(1, CONTEXT.divide(facts["excess"], facts["target"]))
    if case is ABOVE_INVERSE:  # above a positive target: the actual is positive
        return CONTEXT.divide(facts["target"], facts["actual"])
    return Decimal(0)  # missed, or twice the target or more


def _exact(spec: RatioParams) -> bool:
    return spec.direction == "=" and spec.equal == "exact"


def _rewards(spec: RatioParams, target: Interval) -> int | None:
    """+1 if the ratio gives more points for a higher actual, −1 for a lower one."""
    if _exact(spec):
        return None
    if spec.direction == ">=":
        return 1
    if spec.direction == "<=":
        return -1
    if target.low is not None and target.low > 0:
        return 1  # '=' scored as at least the target
    if target.high is not None and target.high <= 0:
        return -1  # '=' 0: none at all
    return None


def _constant(formula: Expression | Decimal) -> Interval:
    return Interval.point(formula) if isinstance(formula, Decimal) else Interval()


def _target_zero(spec: RatioParams, target: Interval) -> bool:
    return spec.direction in (">=", "<=") and target.value is not None and target.value <= 0


RATIO = Ratio()
