"""固定加减分: a fixed number of points taken off (or added to) a node's score when a condition
holds — e.g. 2 points off for each indicator whose actual exceeds its target by 30% or more.

A deduction never takes the score below 0; an addition never lifts it above the node's points
(a score already above them, through a bonus below, keeps what it has)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, model_validator

from ..errors import Refusal
from ..messages import Text, words
from ..model import RuleParams
from ..text import plain
from ._base import GroupRule, RuleCode, RuleKind, RuleSite, RuleTunable, Step, check_places, tunable_label

ZERO_ADJUSTMENT = words(
    "grouprules.adjust",
    {"zero": ("加减 0 分不起作用：请写负数（扣分）或正数（加分）",
              "an adjustment of 0 points does nothing: give a negative (deduction) or positive number")},
)["zero"]  # fmt: skip


class AdjustParams(RuleParams):
    kind: Literal["adjust"] = Field(
        description="固定加减分：条件成立时加上 points 分（负数为扣分） / adjust: add points (negative: take them off)"
    )
    points: Decimal = Field(
        description="加减的分数：负数扣分（-2 即扣 2 分），正数加分，不为 0"
        " / the points added, or taken off when negative (-2 takes 2 off); not 0"
    )

    @model_validator(mode="after")
    def _not_zero(self) -> AdjustParams:
        if not self.points:
            raise Refusal(ZERO_ADJUSTMENT)
        return self


TUNING = words(
    "grouprules.adjust.tuning",
    {"points": ("{node}的固定加减分（{id}）", "the fixed adjustment of {node} ({id})")},
)

DEDUCTED = Step(
    "deducted",
    "{node}：{cause}，扣 {change} 分",
    "{node}: {cause}; {change} points taken off",
)
ADDED = Step(
    "added",
    "{node}：{cause}，加 {change} 分",
    "{node}: {cause}; {change} points added",
)


class Adjust(RuleKind):
    name = "adjust"
    steady = True  # max(x + p, 0), or min(x + p, max(x, points))
    title = Text("固定加减分", "fixed adjustment")
    params = AdjustParams
    stage = 3
    steps = (DEDUCTED, ADDED)
    deliberate = True  # a penalty: the condition that incurs it may come with a better value (a target far exceeded)

    def limit(self, spec: Any, points: Decimal) -> Decimal | None:
        value: Decimal = spec.points
        return value

    def check(self, spec: Any, site: RuleSite) -> bool:
        return check_places(spec.points, ("points",), site)

    def tunables(self, rule: GroupRule) -> list[RuleTunable]:
        """Its points: a deduction stays a deduction (from minus the node's points up to, not including,
        0), an addition an addition (above 0, up to the node's points)."""
        value: Decimal = rule.spec.points
        label = tunable_label(TUNING["points"], rule)
        if value < 0:
            return [RuleTunable("points", value, label, low=-rule.points, high=Decimal(0), high_open=True)]
        return [RuleTunable("points", value, label, low=Decimal(0), high=rule.points, low_open=True)]

    def emit(self, rule: GroupRule, code: RuleCode) -> None:  # the arithmetic, stated once
        x, amount = code.score, code.const(rule.limit)
        assert rule.limit is not None
        if rule.limit < 0:
            code.line(f"y = max({x} + {amount}, ZERO)")
            step = DEDUCTED
        else:
            code.line(f"y = min({x} + {amount}, max({x}, {code.points}))")
            step = ADDED
        with code.block(f"if y != {x}:"):
            code.change("y", step)

    def example(self, draft: RuleKind.Draft) -> dict[str, Any] | None:
        if draft.boolean():
            return {"when": draft.bad, "points": -draft.step}  # a penalty while the leaf does badly
        return {"when": draft.good, "points": draft.step}

    def describe(self, rule: GroupRule, lang: str) -> str:
        assert rule.limit is not None
        amount = plain(abs(rule.limit))
        if lang == "en":
            return f"when {rule.when.text}: {amount} points {'off' if rule.limit < 0 else 'added'}"
        return f"当 {rule.when.text} 时{'扣' if rule.limit < 0 else '加'} {amount} 分"


ADJUST = Adjust()
