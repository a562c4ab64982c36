"""加分项: points added on top of a node's score when a condition holds, up to a ceiling that may
be above the node's points (a total of 100 with up to 5 bonus points: ``ceiling = 105``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field

from ..messages import Text
from ..model import NonNegative, RuleParams
from ..text import plain
from ._base import GroupRule, RuleCode, RuleKind, RuleSite, Step, check_places


class BonusParams(RuleParams):
    kind: Literal["bonus"] = Field(
        description="加分项：条件成立时加 points 分，加分后不超过 ceiling / bonus: points added, up to ceiling"
    )
    points: Annotated[Decimal, Field(gt=0)] = Field(description="加分，大于 0 / the points added, more than 0")
    ceiling: NonNegative = Field(
        description="加分后得分的上限，可高于本节点分值（如 105） / the most the score may reach with bonuses, may be above the node's points (e.g. 105)"
    )


BONUS_ADDED = Step(
    "bonus",
    "{node}加分项：{cause}，加 {change} 分（加分后至多 {limit} 分）",
    "{node} bonus for {cause}: {change} points added (at most {limit} with bonuses)",
)


class Bonus(RuleKind):
    name = "bonus"
    steady = True  # min(x + p, max(x, ceiling))
    title = Text("加分项", "bonus")
    params = BonusParams
    stage = 4
    steps = (BONUS_ADDED,)

    def limit(self, spec: Any, points: Decimal) -> Decimal | None:
        value: Decimal = spec.ceiling
        return value

    def check(self, spec: Any, site: RuleSite) -> bool:
        return check_places(spec.points, ("points",), site) and check_places(spec.ceiling, ("ceiling",), site)

    def emit(self, rule: GroupRule, code: RuleCode) -> None:  # the arithmetic, stated once
        x = code.score
        amount, ceiling = code.const(rule.spec.points), code.const(rule.limit)
        code.line(f"y = min({x} + {amount}, max({x}, {ceiling}))")
        with code.block(f"if y != {x}:"):
            code.change("y", BONUS_ADDED)

    def describe(self, rule: GroupRule, lang: str) -> str:
        amount, ceiling = plain(rule.spec.points), plain(rule.spec.ceiling)
        if lang == "en":
            return f"when {rule.when.text}: {amount} bonus points, at most {ceiling} in all"
        return f"当 {rule.when.text} 时加 {amount} 分，加分后至多 {ceiling} 分"

    def example(self, draft: RuleKind.Draft) -> dict[str, Any] | None:
        return {"when": draft.good, "points": draft.step, "ceiling": draft.points + draft.amount}

    def raises_to(self, rule: GroupRule) -> Decimal | None:
        return rule.limit

    def respected(self, rule: GroupRule, after: Decimal) -> bool:
        assert rule.limit is not None
        return after <= rule.limit


BONUS = Bonus()
