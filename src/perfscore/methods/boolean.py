"""``boolean`` (是否达成): all the points when a condition holds, none when it does not."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from ..expressions import Kind
from ..intervals import FALSE, TRUE
from ..messages import Text, words
from ..model import FormulaText, LeafParams
from ._base import (
    Case,
    Code,
    FactsTuple,
    FloatCode,
    FormulaKey,
    KeyPath,
    Method,
    Outlook,
    Response,
    Trend,
    formula_text,
    moved_points,
    points_sign,
    touched,
)

LINT = words(
    "methods.boolean.checks",
    {
        "true": ("在输入声明的范围内，它的条件 {condition} 总是成立", "its condition {condition} is always true over the declared input ranges"),
        "false": ("在输入声明的范围内，它的条件 {condition} 总是不成立", "its condition {condition} is always false over the declared input ranges"),
    },
)  # fmt: skip

if TYPE_CHECKING:
    from ..checks import Context
    from ..ruleset import Indicator
    from ..wording import Display


class BooleanParams(LeafParams):
    """是否达成 / boolean: full points when a condition holds."""

    method: Literal["boolean"]
    value: FormulaText = Field(
        description='是否达成：加引号的是/否公式，如 "disclosed" 或 "finished <= deadline"；成立得满分，否则 0 分'
        ' / met or not: a yes/no formula in quotes, such as "disclosed" or "finished <= deadline"; true earns full points, false 0'
    )


MET = Case("met", ("met",), "已达成", "met")
MISSED = Case("missed", ("met",), "未达成，不得分", "not met: no points")


class Boolean(Method):
    name = "boolean"
    title = Text("是否达成", "boolean")
    params = BooleanParams
    formulas: ClassVar[Mapping[str, FormulaKey]] = {"value": FormulaKey(Kind.BOOL)}
    cases = (MET, MISSED)
    template_fields = frozenset({"met"})
    key_names: ClassVar[Mapping[str, Text]] = {"value": Text("取值", "value")}

    def emit(self, leaf: Indicator, code: Code) -> None:
        with code.block(f"if {code.value(leaf.formulas['value'])}:"):
            code.result(code.const(leaf.points), MET, "True")
        with code.block("else:"):
            code.result("ZERO", MISSED, "False")

    def emit_float(self, leaf: Indicator, code: FloatCode) -> None:
        """The same in the float pass, for a yes/no input read as it is."""
        with code.block(f"if {code.truth(leaf.formulas['value'])}:"):
            code.score_constant(leaf.points)
        with code.block("else:"):
            code.score_constant(Decimal(0))

    def fields(self, leaf: Indicator, facts: Mapping[str, Any], display: Display) -> dict[str, str]:
        return {"met": display.value(facts["met"], None)} if "met" in facts else {}

    def describe(self, leaf: Indicator, lang: str) -> str:
        value = formula_text(leaf.formulas["value"])
        if lang == "zh":
            return f"是否达成：{value} 为真得满分，否则 0 分"
        return f"boolean: full marks when {value} holds, otherwise 0"

    def outlook(self, leaf: Indicator, context: Context) -> Outlook:
        formula = leaf.formulas["value"]
        truth = context.analyse(formula).value
        condition = formula_text(formula)
        return (
            LINT["true"].format(condition=condition) if truth == TRUE else None,
            LINT["false"].format(condition=condition) if truth == FALSE else None,
        )

    def trend(self, leaf: Indicator, key: str, context: Context) -> Trend:
        return Trend(1)  # true earns the points, false none

    # --- the testing kit -----------------------------------------------------------------

    def landmarks(self, leaf: Indicator) -> dict[str, list[Decimal]]:
        return {}

    # --- tuning --------------------------------------------------------------------------

    def response(
        self, leaf: Indicator, moves: Mapping[KeyPath, int], recorded: FactsTuple, raw: Decimal, ruleset: Any
    ) -> Response | None:
        """All the points when the condition holds, none when not."""
        if touched(leaf, moves, but=("points",)):
            return None
        points = moved_points(leaf, moves)
        return Response(points, steep=points_sign(leaf, moves)) if recorded[0] is MET else Response.fixed(Decimal(0))

    def full_marks(self, leaf: Indicator, context: Context) -> Method.FullMarks:
        return Method.FullMarks("value", lambda values: [TRUE])

    def example(self, draft: Method.Draft) -> dict[str, Any]:
        i = draft.index
        kind = draft.choice(("bool", "not", "compare", "text", "and"))
        if kind in ("bool", "not", "and"):
            draft.declare(f"b{i}", "bool")
        if kind in ("compare", "and"):
            draft.declare(f"x{i}", "number")
        if kind == "text":
            draft.declare(f"s{i}", "text")
        value = {"bool": f"b{i}", "not": f"not b{i}", "compare": f"x{i} >= 0", "text": f's{i} == "完成"',
                 "and": f"b{i} and 0 <= x{i} < 100"}[kind]  # fmt: skip
        return {"value": value}


BOOLEAN = Boolean()
