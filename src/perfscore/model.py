"""Pydantic models of the ruleset document: shapes and values only, no behaviour.

The indicator tree itself is walked by the loader (a node's children are its table-valued
keys, so the tree cannot be one fixed model); each node's own keys are checked here.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Formula = str | Decimal
"""A formula (text) or a plain number."""

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

    @model_validator(mode="after")
    def _grades_descend(self) -> Metadata:
        if "grades" not in self.model_fields_set and self.total != 100:
            # The default grades are shares of the total: 优 from 90%, 良 80%, 中 60%.
            scaled = tuple(grade.model_copy(update={"min": grade.min * self.total / 100}) for grade in DEFAULT_GRADES)
            object.__setattr__(self, "grades", scaled)
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
    """What happens when a ≥ indicator's actual exceeds its target by a wide margin."""

    above: Annotated[Decimal, Field(gt=1)]
    action: Literal["flag", "deduct"] = "flag"
    deduct: NonNegative | None = None

    @model_validator(mode="after")
    def _deduct_given(self) -> OverTarget:
        if (self.action == "deduct") != (self.deduct is not None):
            raise ValueError("give 'deduct' (points) exactly when action = \"deduct\"")
        return self


class Band(_Model):
    """A value range [min, max) by default; either end may be open or made inclusive/exclusive."""

    min: Decimal | None = None
    max: Decimal | None = None
    min_inclusive: bool = True
    max_inclusive: bool = False
    points: NonNegative | None = None
    fraction: Fraction | None = None

    @model_validator(mode="after")
    def _one_award(self) -> Band:
        if (self.points is None) == (self.fraction is None):
            raise ValueError("a band gives either 'points' or 'fraction', exactly one")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"band min ({self.min}) is greater than its max ({self.max})")
        return self


class _Leaf(_Model):
    """Keys every leaf indicator has, whatever its method."""

    name: str = Field(min_length=1)
    name_en: str | None = None
    points: NonNegative
    description: str | None = None
    description_en: str | None = None
    unit: str | None = None
    explain: str | None = None
    explain_en: str | None = None


class RatioLeaf(_Leaf):
    method: Literal["ratio"]
    actual: Formula
    target: Formula
    direction: Literal[">=", "<=", "="] = ">="
    reverse: Literal["linear", "inverse"] = "linear"
    equal: Literal["at-least", "exact"] = "at-least"
    tolerance: NonNegative = Decimal(0)
    over_target: OverTarget | None = None

    @model_validator(mode="after")
    def _over_target_direction(self) -> RatioLeaf:
        if self.over_target is not None and self.direction == "<=":
            raise ValueError("over_target applies to '>=' and '=' indicators, not '<='")
        return self


class BandsLeaf(_Leaf):
    method: Literal["bands"]
    value: Formula
    bands: list[Band] = Field(min_length=1)


class RatingLeaf(_Leaf):
    method: Literal["rating"]
    input: str = Field(pattern=NAME_PATTERN)


class DeductionLeaf(_Leaf):
    method: Literal["deduction"]
    count: Formula
    each: Annotated[Decimal, Field(gt=0)]
    count_rounding: Literal["exact", "floor", "ceil"] = "exact"
    cap: NonNegative | None = None


class BooleanLeaf(_Leaf):
    method: Literal["boolean"]
    value: Formula


class FormulaLeaf(_Leaf):
    method: Literal["formula"]
    formula: Formula


LEAF_MODELS: dict[str, type[_Leaf]] = {
    "ratio": RatioLeaf,
    "bands": BandsLeaf,
    "rating": RatingLeaf,
    "deduction": DeductionLeaf,
    "boolean": BooleanLeaf,
    "formula": FormulaLeaf,
}


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


GROUP_KEYS = frozenset(Group.model_fields)
TOP_LEVEL_KEYS = ("ruleset", "inputs", "derived", "scales", "indicators", "tables")
