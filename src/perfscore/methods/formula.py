"""``formula`` (公式): the ruleset's own formula for the points, kept within [0, points].

``points`` in the formula is the leaf's own points. A result below 0 or above the points is
clamped, and the explanation says so.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from ..errors import Problem
from ..intervals import in_words
from ..messages import Text, words
from ..model import FormulaText, LeafParams
from ..text import plain
from ._base import (
    Case,
    Code,
    FactsTuple,
    FormulaKey,
    KeyPath,
    Method,
    Outlook,
    Response,
    Trend,
    formula_text,
    meeting,
    moved_points,
    points_path,
    touched,
)

LINT = words(
    "methods.formula.checks",
    {
        "out-of-range": ("在输入声明的范围内，公式的结果在 {result}，超出 [0, {points}]；这样的结果会被截到 [0, {points}]{bound}",
                         "over the declared input ranges the formula gives values in {result}, outside [0, {points}]; "
                         "such results are clamped to [0, {points}]{bound}"),
        "bound": ("（请为其输入声明 min 和 max，或在公式中用 clamp）", " (declare min and max on its inputs, or clamp the formula)"),
        "unproven": ("无法证明在输入声明的范围内公式结果保持在 [0, {points}] 之间（可能的范围为 {result}；公式用到了 {reasons}）",
                     "could not prove the formula stays within [0, {points}] over the declared input ranges "
                     "(it may range over {result}; the formula uses {reasons})"),
        "gives": ("在输入声明的范围内，它的公式结果为 {result}", "over the declared input ranges its formula gives {result}"),
    },
)  # fmt: skip

if TYPE_CHECKING:
    from ..checks import Context
    from ..ruleset import Indicator
    from ..wording import Display


class FormulaParams(LeafParams):
    """公式 / formula: the ruleset's own formula."""

    method: Literal["formula"]
    formula: FormulaText = Field(
        description="计分公式，可用 points（分值）；结果限定在 0 与分值之间 / the scoring formula, which may use points; the result is kept within 0 and the points"
    )


COMPUTED = Case("formula", ("result",), "按公式 {formula} 计得 {result}", "the formula {formula} gives {result}")
CLAMPED = Case("clamped", ("result",), "按公式 {formula} 计得 {result}，超出 0–{points} 分范围，按 {score} 分计",
               "the formula {formula} gives {result}, outside 0–{points}, so {score} is kept")  # fmt: skip


class Formula(Method):
    name = "formula"
    title = Text("公式", "formula")
    params = FormulaParams
    formulas: ClassVar[Mapping[str, FormulaKey]] = {"formula": FormulaKey(constants=("points",), text_only=True)}
    cases = (COMPUTED, CLAMPED)
    template_fields = frozenset({"formula", "result"})
    key_names: ClassVar[Mapping[str, Text]] = {"formula": Text("公式", "formula")}

    def emit(self, leaf: Indicator, code: Code) -> None:
        w = code.const(leaf.points)
        code.line(f"r = {code.value(leaf.formulas['formula'])}")
        with code.block("if r < ZERO:"):
            code.result("ZERO", CLAMPED, "r")
        with code.block(f"elif r > {w}:"):
            code.result(w, CLAMPED, "r")
        with code.block("else:"):
            code.result("r", COMPUTED, "r")

    def facts(self, leaf: Indicator, recorded: dict[str, Any]) -> dict[str, Any]:
        return {**recorded, "formula": formula_text(leaf.formulas["formula"])}

    def fields(self, leaf: Indicator, facts: Mapping[str, Any], display: Display) -> dict[str, str]:
        shown = {"formula": facts["formula"]} if "formula" in facts else {}
        if "result" in facts:
            shown["result"] = plain(facts["result"])
        return shown

    def describe(self, leaf: Indicator, lang: str) -> str:
        formula = formula_text(leaf.formulas["formula"])
        if lang == "zh":
            return f"公式：{formula}（结果限制在 0 至分值之间）"
        return f"formula: {formula} (kept within 0 and the points)"

    def lint(self, leaf: Indicator, context: Context) -> Iterator[Problem]:
        """The result should stay within [0, points] (it is clamped otherwise)."""
        formula = leaf.formulas["formula"]
        analysis = context.analyse(formula)
        result = context.number(formula)
        points = leaf.points
        if result.within(points - points, points):
            return
        where = context.leaf_at(leaf, "formula")
        if analysis.exact:
            message = LINT["out-of-range"].format(
                result=result, points=plain(points), bound="" if result.bounded else LINT["bound"]
            )
            yield Problem(where, message, code="formula-out-of-range", severity="warning")
        else:
            yield Problem(
                where,
                LINT["unproven"].format(points=plain(points), result=result, reasons=in_words(analysis.reasons)),
                code="formula-range-unproven",
                severity="info",
            )

    def outlook(self, leaf: Indicator, context: Context) -> Outlook:
        result = context.number(leaf.formulas["formula"])
        said = LINT["gives"].format(result=result)
        full = result.low is not None and result.low >= leaf.points
        nothing = result.high is not None and result.high <= 0
        return (said if full else None, said if nothing else None)

    def trend(self, leaf: Indicator, key: str, context: Context) -> Trend:
        return Trend(1)  # the clamp to [0, points] keeps the formula's own direction

    # --- the testing kit -----------------------------------------------------------------

    def full_marks(self, leaf: Indicator, context: Context) -> Text:
        return Text(
            "公式法指标没有统一的“达到目标”，无法构造满分数据", "a formula indicator has no general target to meet"
        )

    # --- tuning --------------------------------------------------------------------------

    def follows(self, leaf: Indicator, moves: Mapping[KeyPath, int]) -> bool:
        """Not when its points move and its formula reads ``points`` (how it depends on them is then
        the formula's own affair)."""
        formula = leaf.formulas["formula"]
        reads = not isinstance(formula, Decimal) and any(  # as written (the loaded tree has the points folded in)
            isinstance(node, ast.Name) and node.id == "points"
            for node in ast.walk(ast.parse(formula.text.strip(), mode="eval"))
        )
        return super().follows(leaf, moves) and not (reads and points_path(leaf) in moves)

    def response(
        self, leaf: Indicator, moves: Mapping[KeyPath, int], recorded: FactsTuple, raw: Decimal, ruleset: Any
    ) -> Response | None:
        """The formula's result r kept within [0, W]: min(max(r, 0), W), when the formula does not read
        ``points`` itself (then how it depends on them is the formula's own affair: not said)."""
        if touched(leaf, moves, but=("points",)):
            return None
        points = moved_points(leaf, moves)
        if points(Fraction(1)) == points(Fraction(0)):
            return Response.fixed(raw)
        if not self.follows(leaf, moves):
            return None
        result = max(Fraction(recorded[1]), Fraction(0))
        bend = meeting((points(Fraction(0)), points(Fraction(1)) - points(Fraction(0))), (result, Fraction(0)))
        return Response(lambda t: min(result, points(t)), bend)

    def example(self, draft: Method.Draft) -> dict[str, Any]:
        i = draft.index
        kind = draft.choice(("share", "minus", "if", "days", "round", "clamp"))
        if kind in ("share", "round", "clamp"):
            draft.declare(f"x{i}", "number")
        if kind == "minus":
            draft.declare(f"n{i}", "count", max=50)
        if kind == "if":
            draft.declare(f"b{i}", "bool")
        if kind == "days":
            draft.declare(f"due{i}", "date")
            draft.declare(f"done{i}", "date")
        formula = {"share": f"points * x{i} / 100", "minus": f"points - 0.5 * n{i}",
                   "if": f"points if b{i} else points / 2", "days": f"points - days_between(due{i}, done{i}) * 0.1",
                   "round": f"round(x{i} * points / 100, 1)", "clamp": f"clamp(x{i}, 0, points) ** 1"}[kind]  # fmt: skip
        return {"formula": formula}

    unclamped = "result"


FORMULA = Formula()
