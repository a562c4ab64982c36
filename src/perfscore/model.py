"""Pydantic models of the ruleset document: shapes and values only, no behaviour.

The indicator tree itself is walked by the loader (a node's children are its table-valued
keys, so the tree cannot be one fixed model); each node's own keys are checked here. A leaf's
keys are :class:`LeafParams` plus its method's own, modelled in the method's module
(``perfscore.methods``).
"""

import decimal
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import Refusal
from .exact import CONTEXT
from .messages import words

CHECKS = words(
    "model.checks",
    {
        "grades-order": ("等级须按 min 从高到低排列，且各不相同", "grades must be listed from the highest 'min' to the lowest, each different"),
        "grades-zero": ("最低等级须从 min = 0 开始，这样每个总分都有等级", "the lowest grade must start at min = 0 so every total gets a grade"),
        "bounds-kind": ("min/max 只适用于 number、percent 和 count 类输入，不适用于 {kind}",
                        "min/max apply only to number, percent and count inputs, not {kind}"),
        "bound": ("min 和 max 应为数字或另一个输入的名称，而不是 {bound}", "min and max are numbers or the name of another input, not {bound}"),
        "min-max": ("min（{min}）大于 max（{max}）", "min ({min}) is greater than max ({max})"),
        "tier-min-max": ("档次的 min（{min}）大于 max（{max}）", "tier min ({min}) is greater than its max ({max})"),
        "tier-default": ("档次的默认值（{default}）不在档次范围内", "tier default ({default}) lies outside the tier"),
        "places": ("{points} 的小数位多于规则的舍入位数（{places}，ruleset.rounding.places）",
                   "{points} has more decimal places than the ruleset rounds to ({places}, ruleset.rounding.places)"),
        "deduct": ("当且仅当 action = \"deduct\" 时写 'deduct'（扣分）", "give 'deduct' (points) exactly when action = \"deduct\""),
    },
)  # fmt: skip

FormulaText = str | Decimal
"""A formula key as written: a formula (text) or a plain number."""

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
NonNegative = Annotated[Decimal, Field(ge=0)]
Fraction = Annotated[Decimal, Field(ge=0, le=1)]


class _Model(BaseModel):
    # Built on first use: a valid document is read without building them (perfscore.validation).
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False, allow_inf_nan=False, defer_build=True)


class Rounding(_Model):
    """How scores are rounded (``[ruleset.rounding]``)."""

    places: int = Field(
        default=2,
        ge=0,
        le=6,
        description="小数位数：每项得分保留几位小数，0–6 / decimal places each score is rounded to, 0 to 6",
    )
    mode: Literal["half-up", "half-even", "down", "up"] = Field(
        default="half-up",
        description="舍入方式：half-up 四舍五入（9.945 → 9.95）；half-even 银行家舍入（9.945 → 9.94）；down 舍去（9.949 → 9.94）；up 进一（9.941 → 9.95）"
        " / rounding mode: half-up (as Excel's ROUND), half-even (banker's rounding), down (toward zero), up (away from zero)",
    )
    stage: Literal["leaf", "total"] = Field(
        default="leaf",
        description="何时舍入：leaf 每个末级指标先舍入再相加；total 先把精确得分相加，只舍入总分"
        " / when to round: leaf (round every leaf indicator, then add) or total (add the exact scores, round only the total)",
    )


class Grade(_Model):
    """A grade (等级) and the lowest total that earns it."""

    name: str = Field(min_length=1, description="等级名称，如「优」 / the grade's name, e.g. 优")
    name_en: str = Field(
        min_length=1, description="等级英文名称，如 Excellent / the grade's English name, e.g. Excellent"
    )
    min: NonNegative = Field(
        description="获得该等级的最低总分（按分数，不是百分比；最低一档须为 0）"
        " / the lowest total that earns this grade, in points (not a percentage); the lowest grade starts at 0"
    )


DEFAULT_GRADES = (
    Grade.model_construct(name="优", name_en="Excellent", min=Decimal(90)),
    Grade.model_construct(name="良", name_en="Good", min=Decimal(80)),
    Grade.model_construct(name="中", name_en="Fair", min=Decimal(60)),
    Grade.model_construct(name="差", name_en="Poor", min=Decimal(0)),
)


class Metadata(_Model):
    """The ``[ruleset]`` table."""

    id: str = Field(
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="规则编号：字母、数字、_ . -，不含空格 / the ruleset's id: letters, digits, _ . - and no spaces",
    )
    title: str = Field(min_length=1, description="规则名称 / the ruleset's title, in Chinese")
    title_en: str | None = Field(
        default=None, description="规则英文名称，英文报告中显示 / its English title, shown in English reports"
    )
    version: str = Field(
        min_length=1,
        description='版本号，须加引号，如 "2023.1" / the version, in quotes: version = "2023.1" (version = 1 is refused)',
    )
    sources: list[str] = Field(
        min_length=1,
        description="依据文件，至少一项，如 财预〔2020〕10号 / the documents it follows, at least one, e.g. 财预〔2020〕10号",
    )
    description: str | None = Field(default=None, description="说明 / a description")
    description_en: str | None = Field(default=None, description="英文说明 / a description in English")
    total: Annotated[Decimal, Field(gt=0)] = Field(
        default=Decimal(100),
        description="总分，大于 0；一级指标分值之和须等于它 / the total, more than 0; the first-level indicators' points add up to it",
    )
    rounding: Rounding = Field(
        default=Rounding.model_construct(),
        description="舍入规则：默认每个末级指标四舍五入到 2 位小数，再相加"
        " / how scores are rounded: by default each leaf half-up to 2 places, then added",
    )
    grades: tuple[Grade, ...] = Field(
        default=DEFAULT_GRADES,
        description="等级划分，按 min 从高到低排列；省略时按 财预〔2020〕10号：总分的 90% 及以上为优、80% 良、60% 中，其余为差"
        " / the grades, from the highest min to the lowest; without them 优, 良, 中 from 90%, 80%, 60% of the total, else 差",
    )
    missing: Literal["error", "zero"] = Field(
        default="error",
        description="缺失数据：error 拒绝该单位并列出缺失项；zero 用到缺失数据的指标计 0 分"
        " / missing data: error refuses the unit, listing what is missing; zero scores 0 on every indicator that needs it",
    )
    assumptions: list[str] = Field(
        default=[],
        description="本规则自行假设、并非出自文件的权重或阈值 / the weights and thresholds assumed here, not taken from an official document",
    )

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
    def _grades_descend(self) -> "Metadata":
        floors = [grade.min for grade in self.grades]
        if floors != sorted(floors, reverse=True) or len(set(floors)) != len(floors):
            raise Refusal(CHECKS["grades-order"])
        if floors and floors[-1] != 0:
            raise Refusal(CHECKS["grades-zero"])
        return self


InputType = Literal["number", "percent", "count", "bool", "rating", "text", "date"]


class InputSpec(_Model):
    """One ``[inputs.NAME]`` table: a value each unit supplies."""

    type: InputType = Field(
        default="number",
        description="数据类型：number 数值；percent 百分数（96.5 即 96.5%）；count 非负整数；bool 是/否；rating 定性档次；text 文本；date 日期"
        " / the value's type: number; percent (96.5 means 96.5%); count (a whole number); bool (yes or no); rating (a qualitative tier); text; date",
    )
    label: str = Field(
        min_length=1, description="数据名称，用于提示信息 / the figure's name in Chinese, used in messages"
    )
    label_en: str | None = Field(default=None, description="数据英文名称 / the figure's name in English")
    unit: str | None = Field(
        default=None,
        description="单位，写在数值后面，如 万元（percent 显示 %） / the unit written after the value, e.g. 万元 (percent inputs show %)",
    )
    description: str | None = Field(default=None, description="说明 / a note for people reading the ruleset")
    min: Decimal | str | None = Field(
        default=None,
        description="最小值：一个数，或另一数值输入的名称；仅用于 number、percent、count"
        " / the smallest value allowed: a number, or the name of another number input; for number, percent and count only",
    )
    max: Decimal | str | None = Field(
        default=None,
        description='最大值：一个数，或另一数值输入的名称（max = "budget"）；仅用于 number、percent、count'
        ' / the largest value allowed: a number, or the name of another number input (max = "budget"); for number, percent and count only',
    )
    required: bool | None = Field(
        default=None,
        description='是否必填：默认在 missing = "error" 时必填，missing = "zero" 时可不填'
        ' / whether the unit must supply it: by default yes under missing = "error", no under missing = "zero"',
    )
    better: Literal["higher", "lower"] | None = Field(
        default=None,
        description="哪个方向更好：higher 越高越好；lower 越低越好（perfscore check 据此发现方向反了的指标）"
        " / which way is an improvement: higher or lower (perfscore check uses it to catch an indicator rewarding the wrong way)",
    )
    default: Any = Field(
        default=None,
        description="缺省值：数据未提供该项时使用，须符合类型 / the value used when the data leaves the input out, of the input's type",
    )
    scale: str = Field(
        default="default",
        description='档次表：仅用于 rating，填 [scales.NAME] 的名称或 "default" / the scale of a rating input: a [scales.NAME] name or "default"',
    )

    @model_validator(mode="after")
    def _consistent(self) -> "InputSpec":
        numeric = self.type in ("number", "percent", "count")
        if not numeric and (self.min is not None or self.max is not None):
            raise Refusal(CHECKS["bounds-kind"].format(kind=self.type))
        for bound in (self.min, self.max):
            if isinstance(bound, str) and not re.match(NAME_PATTERN, bound):
                raise Refusal(CHECKS["bound"].format(bound=repr(bound)))
        if isinstance(self.min, Decimal) and isinstance(self.max, Decimal) and self.min > self.max:
            raise Refusal(CHECKS["min-max"].format(min=self.min, max=self.max))
        return self


class DerivedSpec(_Model):
    """One ``[derived.NAME]`` table (or just its formula as text)."""

    formula: str = Field(
        description='计算公式，用输入和其他计算值，如 "executed / budget" / the formula over inputs and other derived values, e.g. "executed / budget"'
    )
    fallback: Decimal | None = Field(
        default=None,
        description="公式除以零时改用的值（报告中注明） / the value used, and reported, when the formula divides by zero",
    )
    label: str | None = Field(default=None, description="名称 / its name in Chinese")
    label_en: str | None = Field(default=None, description="英文名称 / its name in English")
    unit: str | None = Field(default=None, description="单位，写在数值后面 / the unit written after the value")
    percent: bool = Field(
        default=False,
        description="以百分数显示（× 100，保留 2 位小数，加 %），数值本身不变 / shown as a percentage (× 100, 2 places, %); the value is unchanged",
    )


class Tier(_Model):
    """A qualitative tier: a share of the indicator's points from ``min`` to ``max``."""

    name: str = Field(
        min_length=1, description="档次名称，单位数据中这样填写 / the tier's Chinese name, as units write it"
    )
    name_en: str = Field(
        min_length=1, description="档次英文名称（数据中也可用） / its English name (also accepted in data)"
    )
    aliases: list[str] = Field(
        default=[], description="别名：单位也可以这样填写 / other words a unit may write for this tier"
    )
    min: Fraction = Field(
        description="该档最低得分比例，0–1，含本身 / the tier's lowest share of the points, 0 to 1, included"
    )
    max: Fraction = Field(
        description="该档最高得分比例，0–1，不低于 min / the tier's highest share of the points, 0 to 1, not below min"
    )
    max_inclusive: bool = Field(
        default=False,
        description="max 本身是否属于该档（最高档用 true） / whether max itself belongs to this tier (true for the top one)",
    )

    def plain_data(self) -> str:
        """The tier as JSON holds it in a result's facts: its name (as units write it)."""
        return self.name

    default: Fraction | None = Field(
        default=None,
        description="单位只填档次、未填分值时采用的比例，须在该档内 / the share used when a unit names the tier without a score; inside the tier",
    )

    @model_validator(mode="after")
    def _ordered(self) -> "Tier":
        if self.min > self.max:
            raise Refusal(CHECKS["tier-min-max"].format(min=self.min, max=self.max))
        if self.default is not None and not self.contains(self.default):
            raise Refusal(CHECKS["tier-default"].format(default=self.default))
        return self

    def contains(self, fraction: Decimal) -> bool:
        above_max = fraction > self.max or (fraction == self.max and not self.max_inclusive)
        return self.min <= fraction and not above_max


class Scale(_Model):
    """A named set of tiers for rating indicators."""

    tiers: list[Tier] = Field(min_length=1, description="各档次，从好到差排列 / the tiers, from the best to the worst")


# 财预〔2020〕10号: 达成年度指标 80%–100%, 部分达成 60%–80%, 未达成 0–60% (lower bound included).
DEFAULT_SCALE = Scale.model_construct(
    tiers=[
        Tier.model_construct(name="达成", name_en="achieved", aliases=["达成年度指标", "达到", "完成", "achieved"],
             min=Decimal("0.8"), max=Decimal(1), max_inclusive=True, default=Decimal(1)),
        Tier.model_construct(name="部分达成", name_en="partly achieved", aliases=["部分达成年度指标并具有一定效果", "部分完成", "partly achieved"],
             min=Decimal("0.6"), max=Decimal("0.8"), default=Decimal("0.6")),
        Tier.model_construct(name="未达成", name_en="not achieved", aliases=["未达成年度指标且效果较差", "未完成", "not achieved"],
             min=Decimal(0), max=Decimal("0.6"), default=Decimal(0)),
    ]
)  # fmt: skip


class OverTarget(_Model):
    """What happens when a ≥ indicator's actual exceeds its target by a wide margin (a ratio
    leaf's ``over_target``, and the ``[tables]`` policy's)."""

    above: Annotated[Decimal, Field(gt=1)] = Field(
        description="实际值达到目标值的这一倍数及以上即为超目标，须大于 1（1.3 即 130%）"
        " / the multiple of the target from which an actual counts as far above it, more than 1 (1.3 means 130%, included)"
    )
    action: Literal["flag", "deduct"] = Field(
        default="flag",
        description="处理方式：flag 只提示、需说明原因；deduct 扣分 / what happens: flag (an explanation is asked for) or deduct points",
    )
    deduct: NonNegative | None = Field(
        default=None,
        description='扣减的分数，仅在 action = "deduct" 时填写 / the points taken off, with action = "deduct" only',
    )

    @model_validator(mode="after")
    def _deduct_given(self) -> "OverTarget":
        if (self.action == "deduct") != (self.deduct is not None):
            raise Refusal(CHECKS["deduct"])
        return self


_NAMED = {
    "name": "指标名称 / the indicator's name, in Chinese",
    "name_en": "指标英文名称 / its English name",
    "description": "指标说明，perfscore explain 显示 / a description, shown by perfscore explain",
    "description_en": "英文说明 / a description in English",
}
"""The descriptions of the keys every indicator has, leaf or group."""


class LeafParams(_Model):
    """Keys every leaf has, whatever its method (each method's model adds ``method`` and its own keys)."""

    name: str = Field(min_length=1, description=_NAMED["name"])
    name_en: str | None = Field(default=None, description=_NAMED["name_en"])
    points: NonNegative = Field(
        description="分值：0 或以上，小数位数不多于舍入位数 / the points it is worth: 0 or more, no more decimals than the rounding keeps"
    )
    description: str | None = Field(default=None, description=_NAMED["description"])
    description_en: str | None = Field(default=None, description=_NAMED["description_en"])
    unit: str | None = Field(
        default=None,
        description="被测值为公式时，说明中显示的单位 / the measured value's unit in explanations, when it is a formula rather than an input's name",
    )
    explain: str | None = Field(
        default=None,
        description="中文说明模板，可用 {name}、{score}、{points}、{lost}、{body} 等字段 / the Chinese explanation template, with fields such as {name}, {score}, {body}",
    )
    explain_en: str | None = Field(default=None, description="英文说明模板 / the English explanation template")


class Group(_Model):
    """Keys of an inner node of the indicator tree (its children are validated one by one)."""

    name: str = Field(min_length=1, description=_NAMED["name"])
    name_en: str | None = Field(default=None, description=_NAMED["name_en"])
    points: NonNegative = Field(
        description="分值：须等于下级指标分值之和 / the points it is worth: its sub-indicators' points add up to them"
    )
    description: str | None = Field(default=None, description=_NAMED["description"])
    description_en: str | None = Field(default=None, description=_NAMED["description_en"])
    rules: list[Any] = Field(
        default=[],
        description="作用于本指标组得分的规则（封顶、保底、固定加减分、加分项、一票否决），见 docs/group-rules.md"
        " / rules on this group's score (ceiling, floor, adjust, bonus, veto), see docs/group-rules.md",
    )


class RuleParams(_Model):
    """Keys every rule on a group or the total has, whatever its kind (each kind's model adds
    ``kind`` and its own keys, in ``perfscore.grouprules``)."""

    when: str = Field(
        description='适用条件：一个条件公式，可用输入、计算值和 score("指标编号")，如 "execution_rate < 0.8"'
        ' / when the rule applies: a condition over inputs, derived values and score("indicator id"), e.g. "execution_rate < 0.8"'
    )
    reason: str | None = Field(
        default=None, description="中文说明，附在扣分说明之后 / the rule in words, in Chinese, added to its explanation"
    )
    reason_en: str | None = Field(default=None, description="英文说明 / the rule in words, in English")


class TablePolicy(_Model):
    """The ``[tables]`` table: how a filled self-evaluation table (自评表) is scored under this ruleset.

    The ruleset's first-level indicators give the weights (产出 50, 效益 30, …); each table brings its
    own second- and third-level indicators, read from its rows under this policy.
    """

    budget: str | None = Field(
        default=None,
        description="预算执行率所在的一级指标键名（默认为名为 预算执行率 的一级指标）"
        " / the first-level key the budget block is scored under (by default the one named 预算执行率)",
    )
    reverse: Literal["linear", "inverse"] = Field(
        default="linear",
        description="≤ 目标被超出时：linear 按 (1 − 超出值/目标值) × 分值；inverse 按 目标值/实际值 × 分值"
        " / how an exceeded ≤ target scores: linear, (1 − excess / target) × points; inverse, target / actual × points",
    )
    equal: Literal["at-least", "exact"] = Field(
        default="at-least",
        description="= 目标：at-least 视同 ≥；exact 相等才得分 / how an = target scores: at-least (like ≥) or exact (all or nothing)",
    )
    tolerance: NonNegative = Field(
        default=Decimal(0),
        description='equal = "exact" 时仍算相等的最大偏差 |B − A| / for equal = "exact": the largest |B − A| still counted as equal',
    )
    over_target: OverTarget | None = Field(
        default=None,
        description="≥ 和 = 目标被大幅超出时的处理，如 { above = 1.3 } / what happens when an actual far exceeds a ≥ or = target, e.g. { above = 1.3 }",
    )
    unparseable: Literal["error", "zero", "reported"] = Field(
        default="reported",
        description="无法读取的目标值或实际值：reported（默认）保留单位自评得分并注明需人工复核；zero 该行计 0 分；"
        "error 报错拒审（同 perfscore audit --strict，只读已知写法）"
        " / a target or actual perfscore cannot read: reported (the default: the unit's own score is kept, to be checked by hand);"
        " zero (the row scores 0); error (the table is refused, as with perfscore audit --strict, which reads only the strict forms)",
    )
    directions: dict[str, Literal[">=", "<="]] = Field(
        default={},
        description='指标名称中的用语 → 未写比较符号的数值目标的方向，补充或覆盖内置越低越好用语（如 { "投诉" = "<=" }）'
        " / words in an indicator's name → the direction of a target written without a comparison, added to or"
        ' overriding the built-in lower-is-better words (e.g. { "投诉" = "<=" })',
    )
    scale: str = Field(default="default", description="定性指标所用的档次表 / the rating scale for qualitative rows")
    vocabulary: dict[str, str] = Field(
        default={},
        description="定性用语 → 档次名称，补充内置词表 / qualitative words → tier name, added to the built-in vocabulary",
    )
    level1: dict[str, str] = Field(
        default={},
        description="表中一级指标名称 → 一级指标键名，补充按名称匹配 / a table's first-level name → first-level key, added to matching by name",
    )


class TuningParam(_Model):
    """One ``[[tuning.params]]`` table: a parameter ``perfscore sensitivity`` analyses by default."""

    name: str = Field(
        min_length=1,
        description="参数名：weight:A/B（分值从 B 移到 A）、LEAF:bands.0.max、LEAF:each、scales.SCALE.TIER.default（见 docs/tuning.md）"
        " / the parameter: weight:A/B (points moved to A from B), LEAF:bands.0.max, LEAF:each, scales.SCALE.TIER.default (docs/tuning.md)",
    )
    min: Decimal | None = Field(default=None, description="它可取的最小值 / the lowest value it may take")
    max: Decimal | None = Field(default=None, description="它可取的最大值 / the highest value it may take")


class TuningSpec(_Model):
    """The ``[tuning]`` table: the parameters ``perfscore sensitivity`` analyses when the command names none."""

    params: list[TuningParam] = Field(
        default=[], description="可调参数，逐个列出 / the tunable parameters, one table each"
    )


RULES_KEY = "rules"
"""The key of a group's (or, under ``[indicators]``, the total's) list of rules: an array, never an indicator."""

TOP_LEVEL_KEYS = ("ruleset", "inputs", "derived", "scales", "indicators", "tables", "tuning")
