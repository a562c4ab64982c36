"""Pydantic models of the ruleset document: shapes and values only, no behaviour.

The indicator tree itself is walked by the loader (a node's children are its table-valued
keys, so the tree cannot be one fixed model); each node's own keys are checked here. A leaf's
keys are :class:`LeafParams` plus its method's own, modelled in the method's module
(``perfscore.methods``).
"""

from __future__ import annotations

import decimal
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .exact import CONTEXT

FormulaText = str | Decimal
"""A formula key as written: a formula (text) or a plain number."""

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
NonNegative = Annotated[Decimal, Field(ge=0)]
Fraction = Annotated[Decimal, Field(ge=0, le=1)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False, allow_inf_nan=False)


class Rounding(_Model):
    places: int = Field(default=2, ge=0, le=6)
    mode: Literal["half-up", "half-even", "down", "up"] = "half-up"
    stage: Literal["leaf", "total"] = "leaf"


class Grade(_Model):
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    min: NonNegative


DEFAULT_GRADES = (
    Grade(name="优", name_en="Excellent", min=Decimal(90)),
    Grade(name="良", name_en="Good", min=Decimal(80)),
    Grade(name="中", name_en="Fair", min=Decimal(60)),
    Grade(name="差", name_en="Poor", min=Decimal(0)),
)


class Metadata(_Model):
    """The ``[ruleset]`` table."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    title: str = Field(min_length=1)
    title_en: str | None = None
    version: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    description: str | None = None
    description_en: str | None = None
    total: Annotated[Decimal, Field(gt=0)] = Decimal(100)
    rounding: Rounding = Rounding()
    grades: tuple[Grade, ...] = DEFAULT_GRADES
    missing: Literal["error", "zero"] = "error"
    assumptions: list[str] = []

    @model_validator(mode="before")
    @classmethod
    def _scaled_grades(cls, raw: Any) -> Any:
        """Without a ``grades`` list, the default grades are shares of the total: 优 from 90%, 良 80%, 中 60%."""
        if not isinstance(raw, dict) or "grades" in raw:
            return raw
        total = raw.get("total", 100)
        if not isinstance(total, Decimal | int) or isinstance(total, bool) or total <= 0 or total == 100:
            return raw  # the total's own check reports a bad one
        with decimal.localcontext(CONTEXT):
            scaled = tuple(grade.model_copy(update={"min": grade.min * total / 100}) for grade in DEFAULT_GRADES)
        return {**raw, "grades": scaled}

    @model_validator(mode="after")
    def _grades_descend(self) -> Metadata:
        floors = [grade.min for grade in self.grades]
        if floors != sorted(floors, reverse=True) or len(set(floors)) != len(floors):
            raise ValueError("grades must be listed from the highest 'min' to the lowest, each different")
        if floors and floors[-1] != 0:
            raise ValueError("the lowest grade must start at min = 0 so every total gets a grade")
        return self


InputType = Literal["number", "percent", "count", "bool", "rating", "text", "date"]


class InputSpec(_Model):
    """One ``[inputs.NAME]`` table: a value each unit supplies."""

    type: InputType = "number"
    label: str = Field(min_length=1)
    label_en: str | None = None
    unit: str | None = None
    description: str | None = None
    min: Decimal | str | None = None  # a number, or the name of another input (max = "budget")
    max: Decimal | str | None = None
    required: bool | None = None  # default: true unless the ruleset scores missing data as 0
    better: Literal["higher", "lower"] | None = None  # which way is an improvement (checked by lint and testing)
    default: Any = None
    scale: str = "default"

    @model_validator(mode="after")
    def _consistent(self) -> InputSpec:
        numeric = self.type in ("number", "percent", "count")
        if not numeric and (self.min is not None or self.max is not None):
            raise ValueError(f"min/max apply only to number, percent and count inputs, not {self.type}")
        for bound in (self.min, self.max):
            if isinstance(bound, str) and not re.match(NAME_PATTERN, bound):
                raise ValueError(f"min and max are numbers or the name of another input, not {bound!r}")
        if isinstance(self.min, Decimal) and isinstance(self.max, Decimal) and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class DerivedSpec(_Model):
    """One ``[derived.NAME]`` table (or just its formula as text)."""

    formula: str
    fallback: Decimal | None = None  # used, and reported, when the formula divides by zero
    label: str | None = None
    label_en: str | None = None
    unit: str | None = None
    percent: bool = False


class Tier(_Model):
    """A qualitative tier: a share of the indicator's points from ``min`` to ``max``."""

    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    aliases: list[str] = []
    min: Fraction
    max: Fraction
    max_inclusive: bool = False
    default: Fraction | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Tier:
        if self.min > self.max:
            raise ValueError(f"tier min ({self.min}) is greater than its max ({self.max})")
        if self.default is not None and not self.contains(self.default):
            raise ValueError(f"tier default ({self.default}) lies outside the tier")
        return self

    def contains(self, fraction: Decimal) -> bool:
        above_max = fraction > self.max or (fraction == self.max and not self.max_inclusive)
        return self.min <= fraction and not above_max


class Scale(_Model):
    """A named set of tiers for rating indicators."""

    tiers: list[Tier] = Field(min_length=1)


# 财预〔2020〕10号: 达成年度指标 80%–100%, 部分达成 60%–80%, 未达成 0–60% (lower bound included).
DEFAULT_SCALE = Scale(
    tiers=[
        Tier(name="达成", name_en="achieved", aliases=["达成年度指标", "达到", "完成", "achieved"],
             min=Decimal("0.8"), max=Decimal(1), max_inclusive=True, default=Decimal(1)),
        Tier(name="部分达成", name_en="partly achieved", aliases=["部分达成年度指标并具有一定效果", "部分完成", "partly achieved"],
             min=Decimal("0.6"), max=Decimal("0.8"), default=Decimal("0.6")),
        Tier(name="未达成", name_en="not achieved", aliases=["未达成年度指标且效果较差", "未完成", "not achieved"],
             min=Decimal(0), max=Decimal("0.6"), default=Decimal(0)),
    ]
)  # fmt: skip


class OverTarget(_Model):
    """What happens when a ≥ indicator's actual exceeds its target by a wide margin (a ratio
    leaf's ``over_target``, and the ``[tables]`` policy's)."""

    above: Annotated[Decimal, Field(gt=1)]
    action: Literal["flag", "deduct"] = "flag"
    deduct: NonNegative | None = None

    @model_validator(mode="after")
    def _deduct_given(self) -> OverTarget:
        if (self.action == "deduct") != (self.deduct is not None):
            raise ValueError("give 'deduct' (points) exactly when action = \"deduct\"")
        return self


class LeafParams(_Model):
    """Keys every leaf has, whatever its method (each method's model adds ``method`` and its own keys)."""

    name: str = Field(min_length=1)
    name_en: str | None = None
    points: NonNegative
    description: str | None = None
    description_en: str | None = None
    unit: str | None = None
    explain: str | None = None
    explain_en: str | None = None


class Group(_Model):
    """Keys of an inner node of the indicator tree (its children are validated one by one)."""

    name: str = Field(min_length=1)
    name_en: str | None = None
    points: NonNegative
    description: str | None = None
    description_en: str | None = None


class TablePolicy(_Model):
    """The ``[tables]`` table: how a filled self-evaluation table (自评表) is scored under this ruleset.

    The ruleset's first-level indicators give the weights (产出 50, 效益 30, …); each table brings its
    own second- and third-level indicators, read from its rows under this policy.
    """

    budget: str | None = None  # the first-level key holding 预算执行率 (scored executed / adjusted budget)
    reverse: Literal["linear", "inverse"] = "linear"  # how a ≤ target is scored when exceeded
    equal: Literal["at-least", "exact"] = "at-least"  # how a = target reads
    tolerance: NonNegative = Decimal(0)  # for equal = "exact"
    over_target: OverTarget | None = None
    unparseable: Literal["error", "zero", "reported"] = "error"  # a target or actual perfscore cannot read
    scale: str = "default"  # the rating scale for qualitative rows
    vocabulary: dict[str, str] = {}  # qualitative text → tier name, added to the built-in vocabulary
    level1: dict[str, str] = {}  # a table's first-level name → first-level key, added to name matching


TOP_LEVEL_KEYS = ("ruleset", "inputs", "derived", "scales", "indicators", "tables")
