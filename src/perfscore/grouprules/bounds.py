"""封顶 and 保底: a node's score at most (``ceiling``) or at least (``floor``) some points when a
condition holds, given as points (``at_most`` / ``at_least``) or as a share of the node's points."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, model_validator

from ..errors import Problem, Refusal
from ..exact import CONTEXT
from ..messages import Text, words
from ..model import Fraction, NonNegative, RuleParams
from ..text import plain
from ._base import GroupRule, RuleCode, RuleKind, RuleSite, RuleTunable, Step, check_places, tunable_label

WORDS = words(
    "grouprules.bounds",
    {
        "one-of": ("'{key}'（分）和 'share'（占本节点分值的比例）须且只须写一个",
                   "give exactly one of '{key}' (points) and 'share' (of the node's points)"),
        "floor-above": ("保底 {limit} 分高于本节点的分值 {points} 分", "a floor of {limit} points is above the {points} points the node is worth"),
    },
)  # fmt: skip

if TYPE_CHECKING:
    from ..checks import Context

_SHARE = (
    "或：节点分值的比例，0–1（0.6 即分值的 60%） / or: a share of the node's points, 0 to 1 (0.6 means 60% of them)"
)


class CeilingParams(RuleParams):
    kind: Literal["ceiling"] = Field(
        description="封顶：条件成立时得分至多为 at_most 分 / ceiling: at most at_most points"
    )
    at_most: NonNegative | None = Field(
        default=None, description="条件成立时的最高得分（分） / the most points the node keeps when the condition holds"
    )
    share: Fraction | None = Field(default=None, description=_SHARE)

    @model_validator(mode="after")
    def _one_limit(self) -> CeilingParams:
        if (self.at_most is None) == (self.share is None):
            raise Refusal(WORDS["one-of"].format(key="at_most"))
        return self


class FloorParams(RuleParams):
    kind: Literal["floor"] = Field(
        description="保底：条件成立时得分至少为 at_least 分 / floor: at least at_least points"
    )
    at_least: NonNegative | None = Field(
        default=None,
        description="条件成立时的最低得分（分） / the fewest points the node keeps when the condition holds",
    )
    share: Fraction | None = Field(default=None, description=_SHARE)

    @model_validator(mode="after")
    def _one_limit(self) -> FloorParams:
        if (self.at_least is None) == (self.share is None):
            raise Refusal(WORDS["one-of"].format(key="at_least"))
        return self


TUNING = words(
    "grouprules.bounds.tuning",
    {"at_most": ("{node}的封顶分数（{id}）", "the cap of {node} ({id})"),
     "at_least": ("{node}的保底分数（{id}）", "the floor of {node} ({id})")},
)  # fmt: skip

CAPPED = Step(
    "capped",
    "{node}按{cause} 封顶 {limit} 分，扣减 {change} 分",
    "{node} capped at {limit} points for {cause}: {change} points taken off",
)
FLOORED = Step(
    "floored",
    "{node}按{cause} 保底 {limit} 分，补足 {change} 分",
    "{node} raised to its floor of {limit} points for {cause}: {change} points added",
)


class _Bound(RuleKind):
    steady = True  # min(x, c) or max(x, c)
    """A ceiling or a floor: the same arithmetic, the other way round."""

    key: ClassVar[str]  # at_most / at_least
    beyond: ClassVar[str]  # how a score passes the limit: ">" (above a ceiling), "<" (below a floor)
    step: ClassVar[Step]
    words: ClassVar[Text]  # 至多 / at most

    def tunables(self, rule: GroupRule) -> list[RuleTunable]:
        """Its limit in points, from 0 to the node's points (a limit given as a share is not moved)."""
        value = getattr(rule.spec, self.key)
        if value is None:
            return []
        label = tunable_label(TUNING[self.key], rule)
        return [RuleTunable(self.key, value, label, low=Decimal(0), high=rule.points)]

    def emit(self, rule: GroupRule, code: RuleCode) -> None:  # the arithmetic, stated once
        limit = code.const(rule.limit)
        with code.block(f"if {code.score} {self.beyond} {limit}:"):
            code.change(limit, self.step)

    def describe(self, rule: GroupRule, lang: str) -> str:
        limit = plain(rule.limit) if rule.limit is not None else "—"
        if lang == "en":
            return f"when {rule.when.text}: {self.words.en} {limit} points"
        return f"当 {rule.when.text} 时{self.words.zh} {limit} 分"

    def limit(self, spec: Any, points: Decimal) -> Decimal | None:
        given = getattr(spec, self.key)
        return given if given is not None else CONTEXT.multiply(spec.share, points)

    def check(self, spec: Any, site: RuleSite) -> bool:
        limit = self.limit(spec, site.points)
        assert limit is not None
        key = self.key if getattr(spec, self.key) is not None else "share"
        return check_places(limit, (key,), site)


class Ceiling(_Bound):
    name = "ceiling"
    title = Text("封顶", "ceiling")
    params = CeilingParams
    stage = 2
    steps = (CAPPED,)
    family = "ceiling"
    key = "at_most"
    caps = True
    beyond = ">"
    step = CAPPED
    words = Text("至多", "at most")

    def lint(self, rule: GroupRule, context: Context) -> Iterator[Problem]:
        assert rule.limit is not None
        if rule.limit >= rule.points:
            limit, points = plain(rule.limit), plain(rule.points)
            yield Problem(
                rule.location,
                f"the ceiling of {limit} points is not below the {points} points the node is worth: it never binds "
                "(unless a bonus below lifts the node above its points); lower at_most, or remove the rule",
                code="rule-never-binds",
                severity="warning",
                message_zh=f"封顶 {limit} 分不低于本节点的分值 {points} 分，永远不会起作用（除非下级的加分项使得分超过分值）；"
                "请降低 at_most，或删去这条规则",
            )

    def respected(self, rule: GroupRule, after: Decimal) -> bool:
        assert rule.limit is not None
        return after <= rule.limit

    def example(self, draft: RuleKind.Draft) -> dict[str, Any] | None:
        return {"when": draft.bad, "at_most": draft.amount}  # a cap while the leaf does badly


class Floor(_Bound):
    name = "floor"
    title = Text("保底", "floor")
    params = FloorParams
    stage = 1
    steps = (FLOORED,)
    family = "floor"
    key = "at_least"
    beyond = "<"
    step = FLOORED
    words = Text("至少", "at least")

    def check(self, spec: Any, site: RuleSite) -> bool:
        if not super().check(spec, site):
            return False
        limit = self.limit(spec, site.points)
        assert limit is not None
        if limit > site.points:
            site.problem(
                ("at_least",),
                WORDS["floor-above"].format(limit=plain(limit), points=plain(site.points)),
                code="invalid-value",
            )
            return False
        return True

    def lint(self, rule: GroupRule, context: Context) -> Iterator[Problem]:
        if rule.limit == 0:
            yield Problem(
                rule.location,
                "a floor of 0 points never binds: no score is below 0; raise at_least, or remove the rule",
                code="rule-never-binds",
                severity="warning",
                message_zh="保底 0 分永远不会起作用：得分不会低于 0；请提高 at_least，或删去这条规则",
            )

    def respected(self, rule: GroupRule, after: Decimal) -> bool:
        assert rule.limit is not None
        return after >= rule.limit

    def example(self, draft: RuleKind.Draft) -> dict[str, Any] | None:
        return {"when": draft.good, "at_least": draft.amount}  # a floor once the leaf does well


CEILING = Ceiling()
FLOOR = Floor()
