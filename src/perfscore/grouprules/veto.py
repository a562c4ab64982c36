"""一票否决: when a condition holds (a major violation, a safety accident), the node's score is set
to 0 and/or the unit's grade is held to at most a given one, whatever the indicators earned.
A veto applies last on its node: nothing after it gives points back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from ..errors import Problem, Refusal, suggest
from ..messages import Text, words
from ..model import RuleParams
from ._base import GroupRule, RuleCode, RuleKind, RuleSite, Step

WORDS = words(
    "grouprules.veto",
    {
        "no-grade": ("zero = false 的一票否决须写 'grade'，否则不起作用",
                     "a veto with zero = false must give a 'grade'; otherwise it does nothing"),
        "unknown-grade": ("ruleset.grades 中没有等级 '{grade}'（{grades}）", "no grade '{grade}' in ruleset.grades ({grades})"),
    },
)  # fmt: skip

if TYPE_CHECKING:
    from ..checks import Context


class VetoParams(RuleParams):
    kind: Literal["veto"] = Field(description="一票否决 / veto")
    zero: bool = Field(default=True, description="是否将本节点得分计为 0 / whether the node's score is set to 0")
    grade: str | None = Field(
        default=None,
        description="等级至多为此等级，如「差」（须为 ruleset.grades 中的名称） / the grade is at most this one, e.g. 差 (a name from ruleset.grades)",
    )

    @model_validator(mode="after")
    def _does_something(self) -> VetoParams:
        if not self.zero and self.grade is None:
            raise Refusal(WORDS["no-grade"])
        return self


VETOED = Step(
    "vetoed",
    "{node}一票否决：{cause}，{before} 分计为 0 分",
    "{node} vetoed for {cause}: {before} points set to 0",
)
GRADED = Step(
    "graded",
    "一票否决：{cause}，等级至多为「{grade}」",
    "veto for {cause}: the grade is at most {grade}",
)
VETOED_GRADED = Step(
    "vetoed-graded",
    "{node}一票否决：{cause}，{before} 分计为 0 分，等级至多为「{grade}」",
    "{node} vetoed for {cause}: {before} points set to 0, and the grade is at most {grade}",
)


class Veto(RuleKind):
    name = "veto"
    steady = True  # 0, and a grade at most the one it names
    title = Text("一票否决", "veto")
    params = VetoParams
    stage = 5
    steps = (VETOED, GRADED, VETOED_GRADED)

    def check(self, spec: Any, site: RuleSite) -> bool:
        if spec.grade is not None and spec.grade not in site.grades:
            site.problem(
                ("grade",),
                WORDS["unknown-grade"].format(grade=spec.grade, grades="、".join(site.grades)),
                suggest(spec.grade, site.grades),
                code="invalid-value",
            )
            return False
        return True

    def emit(self, rule: GroupRule, code: RuleCode) -> None:  # the arithmetic, stated once
        if rule.spec.grade is not None:
            code.force(code.const(rule.spec.grade))
        if rule.spec.zero:
            code.change("ZERO", VETOED if rule.spec.grade is None else VETOED_GRADED)
        else:
            code.change(code.score, GRADED)

    def describe(self, rule: GroupRule, lang: str) -> str:
        zero = rule.spec.zero
        grade = rule.spec.grade
        if lang == "en":
            parts = (["0 points"] if zero else []) + ([f"grade at most {grade}"] if grade else [])
            return f"when {rule.when.text}: veto, {' and '.join(parts)}"
        parts = (["计 0 分"] if zero else []) + ([f"等级至多为{grade}"] if grade else [])
        return f"当 {rule.when.text} 时一票否决，{'，'.join(parts)}"

    def lint(self, rule: GroupRule, context: Context) -> Iterator[Problem]:
        return iter(())

    def example(self, draft: RuleKind.Draft) -> dict[str, Any] | None:
        return {"when": draft.bad, "zero": draft.boolean(), "grade": draft.worst}  # a veto while the leaf does badly

    def respected(self, rule: GroupRule, after: Any) -> bool:
        return not rule.spec.zero or after == 0


VETO = Veto()
