"""``rating`` (定性分档): a qualitative indicator scored by the tier a unit chooses.

The unit names a tier of its rating input's scale (by default 财预〔2020〕10号's 达成 80%–100%,
部分达成 60%–80%, 未达成 0–60% of the points) and may give a score inside it; a tier named
without a score earns the tier's default share. Scores outside their tier are refused with the
unit's data, before anything is scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from ..errors import suggest
from ..exact import CONTEXT
from ..messages import Text, words
from ..model import NAME_PATTERN, LeafParams, Tier
from ._base import (
    ULP,
    Case,
    Code,
    FactsTuple,
    FloatCode,
    Formula,
    KeyPath,
    LeafSite,
    Method,
    Outlook,
    Response,
    Tunable,
    each_own,
    meeting,
    moved_points,
    points_sign,
    touched,
)

LINT = words(
    "methods.rating.checks",
    {
        "undeclared": ("没有声明", "is not declared"),
        "kind": ("是 {kind} 类输入", "is a {kind} input"),
        "rating-input": ("'{name}' {what}；定性分档指标须读取评定类输入", "'{name}' {what}; a rating indicator reads a rating input"),
        "all": ("档次表 '{name}' 的每个档次都给满分", "every tier of the scale '{name}' gives all the points"),
        "none": ("档次表 '{name}' 的每个档次都给 0 分", "every tier of the scale '{name}' gives 0"),
    },
)  # fmt: skip

TUNING = words(
    "methods.rating.tuning",
    {
        "default": (
            "档次表 {scale} 中「{tier}」的默认得分比例",
            "the default share of the tier “{tier}” of the scale {scale}",
        )
    },
)

if TYPE_CHECKING:
    from ..checks import Context
    from ..ruleset import Indicator
    from ..wording import Display


class RatingParams(LeafParams):
    """定性分档 / rating: a qualitative tier, with or without the unit's own score."""

    method: Literal["rating"]
    input: str = Field(
        pattern=NAME_PATTERN,
        description='定性输入的名称（该输入 type = "rating"） / the name of a rating input (type = "rating")',
    )


RATED = Case("rating", ("tier", "given"), "评定为「{tier}」（该档 {range} 分），自评 {given} 分",
             "rated “{tier}” (band {range} points), self-assessed {given}")  # fmt: skip
RATED_DEFAULT = Case("rating-default", ("tier",), "评定为「{tier}」，未填分值，按该档默认 {default} 计",
                     "rated “{tier}” with no score given: the tier's default of {default} applies")  # fmt: skip


class Rating(Method):
    name = "rating"
    title = Text("定性分档", "rating")
    params = RatingParams
    cases = (RATED, RATED_DEFAULT)
    template_fields = frozenset({"tier", "given", "low", "high", "range", "default"})
    qualitative = True  # a tier chosen by the unit: a judgement, not a measurement
    key_names: ClassVar[Mapping[str, Text]] = {"input": Text("评定输入", "input")}

    def check(self, spec: RatingParams, site: LeafSite) -> bool:
        declared = site.inputs.get(spec.input)
        if declared is not None and declared.type == "rating":
            return True
        what = LINT["undeclared"] if declared is None else LINT["kind"].format(kind=declared.type)
        site.problem(
            ("input",),
            LINT["rating-input"].format(name=spec.input, what=what),
            suggest(spec.input, [name for name, other in site.inputs.items() if other.type == "rating"]),
            code="rating-input",
        )
        return False

    def reads(self, spec: RatingParams, formulas: Mapping[str, Formula]) -> tuple[str, ...]:
        return (spec.input,)

    def emit(self, leaf: Indicator, code: Code) -> None:
        code.line(f"tier, given = {code.read(leaf.spec.input)}")  # checked against the tier with the data
        with code.block("if given is None:"):
            code.result(f"tier.default * {code.const(leaf.points)}", RATED_DEFAULT, "tier")
        with code.block("else:"):
            code.result("given", RATED, "tier", "given")

    def emit_float(self, leaf: Indicator, code: FloatCode) -> None:
        """The same in floats: a tier's default score is a constant of the tier; a score given is
        the nearest float to its Decimal (``given`` holds that float in the float pass)."""
        code.line(f"tier, given = {code.read(leaf.spec.input)}")
        defaults = {id(tier): CONTEXT.multiply(tier.default, leaf.points)
                    for tier in code.tiers(leaf.spec.input) if tier.default is not None}  # fmt: skip
        with code.block("if given is None:"):
            code.score_from("id(tier)", defaults)
        with code.block("else:"):
            code.score("given", relative=ULP)

    def fields(self, leaf: Indicator, facts: Mapping[str, Any], display: Display) -> dict[str, str]:
        shown = {}
        tier: Tier | None = facts.get("tier")
        if tier is not None:
            points = leaf.points
            shown["tier"] = display.value(tier, None)
            shown["low"] = display.points(CONTEXT.multiply(tier.min, points))
            shown["high"] = display.points(CONTEXT.multiply(tier.max, points))
            shown["range"] = f"[{shown['low']}, {shown['high']}{']' if tier.max_inclusive else ')'}"
            if tier.default is not None:
                shown["default"] = display.points(CONTEXT.multiply(tier.default, points))
        if facts.get("given") is not None:
            shown["given"] = display.points(facts["given"])
        return shown

    def describe(self, leaf: Indicator, lang: str) -> str:
        name = leaf.spec.input
        if lang == "zh":
            return f"定性分档：按 {name} 的评定档次及自评分值计分"
        return f"rating: scored by the tier (and score) given for {name}"

    def outlook(self, leaf: Indicator, context: Context) -> Outlook:
        name = context.ruleset.inputs[leaf.spec.input].scale
        tiers = context.ruleset.scales[name].tiers
        return (
            LINT["all"].format(name=name) if all(t.min >= 1 for t in tiers) else None,
            LINT["none"].format(name=name) if all(t.max <= 0 for t in tiers) else None,
        )

    # --- the testing kit -----------------------------------------------------------------

    def full_marks(self, leaf: Indicator, context: Context) -> Method.FullMarks:
        """Its input rated by name in a tier whose default is all the points; else the highest score
        the best tier allows."""
        tiers = context.ruleset.scales[context.ruleset.inputs[leaf.spec.input].scale].tiers
        best: list[Any] = [tier.name for tier in tiers if tier.default == 1]
        top = max(tiers, key=lambda tier: (tier.max, tier.max_inclusive))
        if top.max_inclusive:
            best.append({"tier": top.name, "score": CONTEXT.multiply(top.max, leaf.points)})
        return Method.FullMarks(leaf.spec.input, lambda values: best)

    def example(self, draft: Method.Draft) -> dict[str, Any]:
        return {"input": draft.declare(f"g{draft.index}", "rating")}

    # --- tuning --------------------------------------------------------------------------

    def tunables(self, leaf: Indicator, ruleset: Any) -> list[Tunable]:
        """The default share of each tier of the input's scale that has one (it must stay inside its
        tier); shared by every rating indicator on that scale, so named in full."""
        scale = ruleset.inputs[leaf.spec.input].scale
        found = []
        for index, tier in enumerate(ruleset.scales[scale].tiers):
            if tier.default is None:
                continue
            path = ("scales", scale, "tiers", index, "default")
            label = each_own(
                TUNING["default"], {"scale": scale, "tier": tier.name}, {"scale": scale, "tier": tier.name_en}
            )
            found.append(
                Tunable(
                    f"scales.{scale}.{tier.name}.default",
                    path,
                    tier.default,
                    label,
                    ((path, 1),),
                    low=tier.min,
                    high=tier.max,
                    high_open=not tier.max_inclusive,
                    whole=True,
                )
            )
        return found

    def response(
        self, leaf: Indicator, moves: Mapping[KeyPath, int], recorded: FactsTuple, raw: Decimal, ruleset: Any
    ) -> Response | None:
        """A tier named without a score earns its default share of the points; a score given stays as
        given while it fits its tier's share of the points (the unit's data is refused outside it)."""
        if touched(leaf, moves, but=("points",)):
            return None
        points = moved_points(leaf, moves)
        tier: Tier = recorded[1]
        scale = ruleset.inputs[leaf.spec.input].scale
        index = next(i for i, other in enumerate(ruleset.scales[scale].tiers) if other is tier)
        sign = moves.get(("scales", scale, "tiers", index, "default"), 0)
        if recorded[0] is RATED_DEFAULT:
            if sign and points(Fraction(1)) != points(Fraction(0)):
                return None  # both move: not affine
            default = Fraction(tier.default or 0)
            steep = Fraction(leaf.points) * abs(sign) + default * points_sign(leaf, moves)
            return Response(lambda t: (default + sign * t) * points(t), steep=steep)
        given = Fraction(recorded[2])
        low, high = Fraction(tier.min), Fraction(tier.max)

        def value(t: Fraction) -> Fraction | None:
            w = points(t)
            fits = low * w <= given and (given < high * w or (tier.max_inclusive and given == high * w))
            return given if fits else None

        w = (points(Fraction(0)), points(Fraction(1)) - points(Fraction(0)))
        given_line = (given, Fraction(0))
        return Response(
            value, meeting((low * w[0], low * w[1]), given_line) + meeting((high * w[0], high * w[1]), given_line)
        )


RATING = Rating()
