"""JSON Schemas, generated from the models: the ruleset format and results.

:func:`ruleset_schema` describes a ruleset file for editors (completion, descriptions on hover and
red underlines while typing, through taplo / Even Better TOML and the ``#:schema`` line at the top
of a ruleset). It is built from the pydantic models of the document (:mod:`perfscore.model`) and
from each scoring method's ``params`` model (:data:`perfscore.methods.METHODS`), so a new method or
key appears in it without a line written here. Decimal keys are TOML numbers; formula keys are a
number or a formula in quotes; every key is described in Chinese and English.

:func:`result_schema` describes what ``ScoreResult.to_dict()`` and ``BatchResult.to_dict()`` give
(decimals as exact text), from the pydantic models below (:class:`ScoreResultData`,
:class:`BatchResultData`, …), which a web framework may also use to document its responses.

Both are shipped in the package (``perfscore/schemas/``). They are generated, never edited:
``python -m perfscore.schema`` writes them, and ``tests/test_schema.py`` holds the committed files
equal to what this module generates. The schema checks a ruleset's shape (keys, types, allowed
values); what only loading can find (names that exist, points that add up, formulas that make
sense) is ``perfscore check``'s work (see ``docs/editor.md``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from .errors import OutputError
from .files import write_text
from .grouprules import RULE_KINDS
from .messages import words
from .methods import METHODS, Method
from .model import (
    NAME_PATTERN,
    RULES_KEY,
    TOP_LEVEL_KEYS,
    DerivedSpec,
    Group,
    InputSpec,
    Metadata,
    Scale,
    TablePolicy,
    TuningSpec,
)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect of both schemas (they use no keyword newer than draft 7, so older
validators, such as the one inside taplo, read them too)."""

RULESET_SCHEMA = "ruleset.schema.json"
RESULT_SCHEMA = "result.schema.json"
FILES = (RULESET_SCHEMA, RESULT_SCHEMA)
"""The schema files shipped in ``perfscore/schemas/``."""

_DEFS = "#/$defs/"

# --- the ruleset ---------------------------------------------------------------------------------

WORDS = words(
    "schema",
    {
        # the top-level tables (the models describe the keys inside them)
        "ruleset": ("规则信息：编号、名称、版本、依据文件、总分、舍入、等级、缺失数据处理",
                    "what the ruleset is: id, title, version, sources, total, rounding, grades, missing data"),
        "inputs": ("输入数据：每个单位填报的数据，一项一个 [inputs.NAME] 表",
                   "the figures each unit reports, one [inputs.NAME] table each"),
        "input": ("一项输入数据：单位填报的一个数值、百分数、是/否、档次、文本或日期",
                  "one figure a unit reports: a number, percentage, yes/no, tier, text or date"),
        "derived": ('计算值：由输入算出的数值，[derived] 下写 NAME = "公式"，或写 [derived.NAME] 表',
                    'values computed from the inputs: NAME = "formula" under [derived], or a [derived.NAME] table'),
        "scales": ("定性档次表：每个 [scales.NAME] 供 rating 输入使用；内置的 default 为 财预〔2020〕10号 三档",
                   "tiers for rating inputs, one [scales.NAME] each; the built-in default is the three of 财预〔2020〕10号"),
        "scale": ("一个档次表", "one scale of tiers"),
        "indicators": ("指标体系：一级指标为 [indicators.KEY]，下级指标为其子表；有 method 的表为末级指标",
                       "the indicator tree: [indicators.KEY] for each first-level indicator, sub-indicators as "
                       "its sub-tables; a table with a method is a leaf"),
        "tables": ("自评表计分规则：按本规则为填好的自评表计分时，如何读取各行",
                   "how a filled self-evaluation table (自评表) is read and scored under this ruleset"),
        "tuning": ("调参分析：perfscore sensitivity 默认分析的参数及其取值范围",
                   "the parameters perfscore sensitivity analyses by default, and the values each may take"),
        # the parts of the tree no single model describes
        "indicator": ("指标：有 method 的表为末级指标，按该方法计分；没有 method 的表为指标组，得分为下级指标之和，"
                      "下级指标写成其子表，如 [indicators.output.quantity]",
                      "an indicator: a table with a method is a leaf, scored by that method; one without is a group, "
                      "scoring the sum of its sub-indicators, written as its sub-tables: [indicators.output.quantity]"),
        "leaf": ("末级指标：按 method 所写的计分方法计分", "a leaf indicator, scored by its method"),
        "method": ("计分方法", "scoring method"),
        "rule": ("指标组或总分上的一条规则：封顶、保底、固定加减分、加分项或一票否决，见 docs/group-rules.md",
                 "a rule on a group or the total: a ceiling, floor, fixed adjustment, bonus or veto "
                 "(docs/group-rules.md)"),
        "rule-kind": ("规则类型", "the kind of rule"),
        "total-rules": ("作用于总分的规则（封顶、保底、固定加减分、加分项、一票否决），写作 [[indicators.rules]]",
                        "rules on the total (ceiling, floor, adjust, bonus, veto), written [[indicators.rules]]"),
        "name": ("名称：字母、数字和 _，不以数字开头", "a name: letters, digits and _, not starting with a digit"),
        "document": ("预算绩效自评评分规则（perfscore）；各键的含义见 docs/ruleset-format.md",
                     "a perfscore ruleset for budget performance self-evaluations; "
                     "docs/ruleset-format.md explains every key"),
        "title": ("perfscore 评分规则", "perfscore ruleset"),
        "results": ("perfscore 计分结果", "perfscore results"),
        "results-about": ("ScoreResult.to_dict() 或 BatchResult.to_dict() 的结果；数值为精确的文本，如 \"99.75\"",
                          "what ScoreResult.to_dict() or BatchResult.to_dict() gives; numbers as exact text, "
                          "such as \"99.75\""),
        # python -m perfscore.schema
        "command": ("由模型生成 JSON Schema 文件（评分规则与计分结果）",
                    "write the JSON Schemas (rulesets and results) generated from the models"),
        "folder": ("写入的文件夹（默认为 perfscore 包内的 schemas/）",
                   "the folder to write them into (by default the perfscore package's own schemas/)"),
        "check": ("只检查文件夹中的文件是否与模型一致，不一致时退出码为 1",
                  "only check that the files in the folder are what the models give; exit 1 when not"),
        "lang": ("输出语言", "the language of the output"),
        "wrote": ("已写入 {path}", "wrote {path}"),
        "current": ("{path} 与模型一致", "{path} is up to date"),
        "stale": ("{path} 与模型不一致：运行 python -m perfscore.schema 重新生成",
                  "{path} differs from the models: run python -m perfscore.schema to write it again"),
    },
)  # fmt: skip


def _said(key: str) -> str:
    """A catalog entry as a schema states it: Chinese first, then English."""
    text = WORDS[key]
    return f"{text.zh} / {text.en}"


class _TomlSchema(GenerateJsonSchema):
    """pydantic's JSON Schema of a model, for values as a TOML document holds them: decimals are
    numbers, a key that may be left out is never null (TOML has no null), and no generated titles."""

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        json_schema: JsonSchemaValue = {"type": "number"}
        self.update_with_validations(json_schema, schema, self.ValidationsMapping.numeric)
        return {key: _number(value) for key, value in json_schema.items()}

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        if json_schema.get("default", 0) is None:
            del json_schema["default"]
        return json_schema

    def encode_default(self, dft: Any) -> Any:
        return _plain(dft)

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _number(value: Any) -> Any:
    """A decimal as the JSON number it is (whole numbers as integers); any other value as it is.
    Only bounds and defaults written into a schema pass here, never a score."""
    if not isinstance(value, Decimal):
        return value
    numerator, denominator = value.as_integer_ratio()
    return numerator if denominator == 1 else float(value)


def _plain(value: Any) -> Any:
    """A default value as the document would write it: models as tables, decimals as numbers."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return _number(value)


_SUBSCHEMA = ("items", "additionalProperties")  # the keywords holding schemas that pydantic writes
_SUBSCHEMAS = ("anyOf", "oneOf", "allOf")
_NAMED = ("properties",)


def _inlined(schema: Any, defs: Mapping[str, Any]) -> Any:
    """``schema`` with every reference to a definition replaced by the definition itself (the
    document's models nest but never recurse), without the models' titles and docstrings: a key
    is described by its own field's description, which an editor shows on hover."""
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        definition = {
            k: v for k, v in defs[schema["$ref"].removeprefix(_DEFS)].items() if k not in ("title", "description")
        }
        return _inlined({**definition, **{k: v for k, v in schema.items() if k != "$ref"}}, defs)
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title" or key == "$defs":
            continue
        if key in _NAMED:
            out[key] = {name: _inlined(item, defs) for name, item in value.items()}
        elif key in _SUBSCHEMA:
            out[key] = _inlined(value, defs)
        elif key in _SUBSCHEMAS:
            out[key] = [_inlined(item, defs) for item in value]
        else:
            out[key] = value
    choices = out.get("anyOf", ())
    if choices and all(list(choice) == ["type"] for choice in choices):
        del out["anyOf"]  # {"anyOf": [{"type": "string"}, {"type": "number"}]}: an editor would offer the key twice
        out["type"] = [choice["type"] for choice in choices]
    return out


def _table(model: type[BaseModel], description: str | None = None) -> dict[str, Any]:
    """One model's keys as a table's schema, self-contained, described by ``description``."""
    schema = model.model_json_schema(ref_template=_DEFS + "{model}", schema_generator=_TomlSchema)
    table = _inlined(schema, schema.get("$defs", {}))
    table.pop("description", None)
    return table if description is None else {"description": description, **table}


def _leaf(method: Method) -> dict[str, Any]:
    """A leaf's keys under ``method``: its params model, with ``method`` the one key every leaf shares
    (an editor then offers it once, with every method's name). No description of its own: an
    editor shows the descriptions of every shape a table may have, and the node's says it all."""
    table = _table(method.params)
    table["properties"]["method"] = {"$ref": _DEFS + "method"}
    return table


def ruleset_schema(methods: Mapping[str, Method] | None = None) -> dict[str, Any]:
    """The JSON Schema of a ruleset file whose leaves may use ``methods`` (by default the built-in
    :data:`~perfscore.methods.METHODS`, as :func:`perfscore.loads` does).

    A node of the indicator tree is checked by ``if``/``then``/``else`` (a table with ``method``
    is a leaf of that method, any other a group), so each error names the key at fault. Editors
    built on taplo complete keys by following ``anyOf`` but not ``if``, so each node also lists
    its possible shapes under an ``anyOf`` that starts with ``true``: it guides completion and
    never fails.
    """
    known = METHODS if methods is None else methods
    name = {"pattern": NAME_PATTERN, "description": _said("name")}
    method = WORDS["method"]
    zh = "、".join(f"{key}（{each.title.zh}）" for key, each in known.items())
    en = ", ".join(key if each.title.en == key else f"{key} ({each.title.en})" for key, each in known.items())
    group = _table(Group)  # described, like the leaves, by the node
    group["additionalProperties"] = {"$ref": _DEFS + "indicator"}
    rules = {**group["properties"][RULES_KEY], "type": "array", "items": {"$ref": _DEFS + "rule"}}
    # an array under "rules" is the node's rules; a table is a sub-indicator that happens to be named so
    rules = {"description": rules.pop("description"), "if": {"type": "array"}, "then": rules,
             "else": {"$ref": _DEFS + "indicator"}}  # fmt: skip
    group["properties"][RULES_KEY] = rules
    derived = _table(DerivedSpec)
    formula = {"type": "string", "description": derived["properties"]["formula"]["description"]}
    defs: dict[str, Any] = {
        "indicator": {
            "description": _said("indicator"),
            "if": {"type": "object", "required": ["method"]},
            "then": {"$ref": _DEFS + "leaf"},
            "else": {"$ref": _DEFS + "group"},
            "anyOf": [True, {"$ref": _DEFS + "group"}, *({"$ref": f"{_DEFS}leaf-{key}"} for key in known)],
        },
        "group": group,
        "leaf": {
            "description": _said("leaf"),
            "type": "object",
            "required": ["method"],
            "properties": {"method": {"$ref": _DEFS + "method"}},
            "allOf": [
                {"if": {"properties": {"method": {"const": key}}}, "then": {"$ref": f"{_DEFS}leaf-{key}"}}
                for key in known
            ],
        },
        "method": {"enum": list(known), "description": f"{method.zh}：{zh} / {method.en}: {en}"},
        **{f"leaf-{key}": _leaf(each) for key, each in known.items()},
        **_rule_schemas(),
    }
    tables: dict[str, Any] = {  # described below, from the catalog
        "ruleset": _table(Metadata),
        "inputs": {
            "type": "object",
            "propertyNames": name,
            "additionalProperties": _table(InputSpec, _said("input")),
        },
        "derived": {
            "type": "object",
            "propertyNames": name,
            "additionalProperties": {"anyOf": [formula, derived]},
        },
        "scales": {"type": "object", "additionalProperties": _table(Scale, _said("scale"))},
        "indicators": {
            "type": "object",
            "minProperties": 1,
            "properties": {RULES_KEY: {**rules, "description": _said("total-rules")}},
            "additionalProperties": {"$ref": _DEFS + "indicator"},
        },
        "tables": _table(TablePolicy),
        "tuning": _table(TuningSpec),
    }
    return {
        "$schema": DIALECT,
        "title": _said("title"),
        "description": _said("document"),
        "type": "object",
        "properties": {key: {"description": _said(key), **tables[key]} for key in TOP_LEVEL_KEYS},
        "required": ["ruleset", "indicators"],
        "additionalProperties": False,
        "$defs": defs,
    }


def _rule_schemas() -> dict[str, Any]:
    """A rule on a group or the total, checked by its ``kind`` (as a leaf is by its method), and each
    kind's keys."""
    kinds = RULE_KINDS
    kind = WORDS["rule-kind"]
    zh = "、".join(f"{key}（{each.title.zh}）" for key, each in kinds.items())
    en = ", ".join(f"{key} ({each.title.en})" for key, each in kinds.items())
    defs: dict[str, Any] = {
        "rule": {
            "description": _said("rule"),
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"enum": list(kinds), "description": f"{kind.zh}：{zh} / {kind.en}: {en}"}},
            "allOf": [
                {"if": {"properties": {"kind": {"const": key}}}, "then": {"$ref": f"{_DEFS}rule-{key}"}}
                for key in kinds
            ],
        },
    }
    for key, each in kinds.items():
        table = _table(each.params)
        table["properties"]["kind"] = {"const": key, "description": table["properties"]["kind"].get("description", "")}
        defs[f"rule-{key}"] = table
    return defs


# --- results -------------------------------------------------------------------------------------

DECIMAL_TEXT = r"^-?[0-9]+(\.[0-9]+)?([Ee][+-]?[0-9]+)?$"
"""How a result writes a decimal: as text, exactly (``"99.75"``), so no reader turns it into a float."""


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Exact = Annotated[str, Field(pattern=DECIMAL_TEXT)]


def _about(zh: str, en: str, **field: Any) -> Any:
    """A field's description, Chinese first."""
    return Field(description=f"{zh} / {en}", **field)


class ExplanationData(_Data):
    """A sentence in both languages."""

    zh: str = _about("中文", "in Chinese")
    en: str = _about("英文", "in English")


class FactsData(BaseModel):
    """What the method found: ``case`` and the facts it names (each method's own, see docs/methods.md)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    case: str = _about(
        "得分情形，如 met、below、capped、missing", "how the score came about: met, below, capped, missing, …"
    )


class _Indicator(_Data):
    id: str = _about("指标编号（键路径）", "the indicator's id (its key path)")
    name: str = _about("指标名称", "its name")


class _Node(_Indicator):
    name_en: str | None = _about("指标英文名称", "its English name")
    points: Exact = _about("分值", "its points")
    score: Exact = _about(
        "得分（已按规则舍入；指标组为小计）", "its score, rounded as the ruleset says (a group's: its subtotal)"
    )
    lost: Exact = _about("扣分", "the points lost")


class LeafResultData(_Node):
    """One leaf indicator's result (``LeafResult.to_dict()``)."""

    method: str = _about("计分方法", "its scoring method")
    raw: Exact = _about("舍入前的得分", "its score before rounding")
    data: dict[str, Any] = _about("用到的数据（数值为文本）", "the values it read (numbers as text)")
    missing: list[str] = _about(
        "缺失的输入（此时计 0 分）", "the inputs it needed that the unit left out (it then scores 0)"
    )
    facts: FactsData = _about("计分依据", "what its method found")
    explanation: ExplanationData = _about("扣分说明", "why it scored what it did")


class GroupResultData(_Node):
    """A group's subtotal and its sub-indicators (``NodeResult.to_dict()`` of a group)."""

    children: list[LeafResultData | GroupResultData] = _about("下级指标", "its sub-indicators")


class BatchRulesetData(_Data):
    """Which ruleset scored the batch."""

    id: str = _about("规则编号", "the ruleset's id")
    version: str = _about("版本", "its version")


class RulesetData(BatchRulesetData):
    """Which ruleset scored the unit."""

    title: str = _about("规则名称", "its title")


class GradeData(_Data):
    """The grade a total earned."""

    name: str = _about("等级", "the grade")
    name_en: str = _about("等级英文名称", "the grade in English")


class DeductionData(_Indicator):
    """A leaf that lost points."""

    lost: Exact = _about("扣分", "the points lost")
    explanation: ExplanationData = _about("扣分说明", "why")


class NoteData(_Indicator):
    """A leaf that lost nothing but needs an explanation (a target far exceeded)."""

    explanation: ExplanationData = _about("提示", "the note")


class AdjustmentData(_Data):
    """A rule on a group or the total that applied (``Adjustment.to_dict()``)."""

    id: str = _about("规则的键路径，如 rules.0、output.rules.1", "the rule's key path, e.g. rules.0, output.rules.1")
    node: str = _about("所作用的指标组编号（总分为空）", 'the id of the group it acted on ("" for the total)')
    name: str = _about("指标组名称（或「总分」）", "the group's name (or 总分)")
    name_en: str = _about("英文名称", "its English name")
    kind: str = _about("规则类型：floor、ceiling、adjust、bonus、veto", "its kind: floor, ceiling, adjust, bonus, veto")
    case: str = _about(
        "所做调整：capped、floored、deducted、added、bonus、vetoed、graded、vetoed-graded",
        "what it did: capped, floored, deducted, added, bonus, vetoed, graded, vetoed-graded",
    )
    before: Exact = _about("规则前的得分", "the score before it")
    after: Exact = _about("规则后的得分", "the score after it")
    lost: Exact = _about("扣减的分数（加分为负）", "the points it took off (negative: added)")
    grade: str | None = _about("一票否决限定的最高等级", "the grade a veto holds the unit to, if any")
    data: dict[str, Any] = _about("条件读取的值（数值为文本）", "the values its condition read (numbers as text)")
    explanation: ExplanationData = _about("说明", "what it did and why")


class ScoreResultData(_Data):
    """One unit's result (``ScoreResult.to_dict()``)."""

    ruleset: RulesetData = _about("所用规则", "the ruleset")
    unit: str | None = _about("单位编号", "the unit's id")
    total: Exact = _about("总分", "the total")
    points: Exact = _about("满分", "what the total is out of")
    grade: GradeData = _about("等级", "the grade")
    indicators: list[LeafResultData | GroupResultData] = _about(
        "一级指标及其下级指标", "the first-level indicators, down to the leaves"
    )
    deductions: list[DeductionData] = _about(
        "扣分项（含指标组和总分上扣分的规则），扣分多者在前",
        "the leaves, and the rules on groups and the total, that took points off, the largest loss first",
    )
    notes: list[NoteData] = _about("未扣分但需说明原因的指标", "leaves that lost nothing but need an explanation")
    adjustments: list[AdjustmentData] = _about(
        "指标组和总分上的规则所做的调整，按执行顺序（没有这类规则时为空）",
        "what the rules on groups and the total did, in the order they applied (empty without such rules)",
    )
    fallbacks: list[ExplanationData] = _about(
        "除以零而改用 fallback 的计算值", "derived values that divided by zero and took their fallback"
    )
    inputs: dict[str, Any] = _about("单位的数据（数值为文本）", "the unit's values (numbers as text)")


class MeaningData(_Data):
    """Text in both languages."""

    zh: str | None = _about("中文（尚无中文时为 null）", "in Chinese (null where perfscore has no Chinese for it yet)")
    en: str = _about("英文", "in English")


class SpanData(_Data):
    """Where inside a formula a problem is."""

    expression: str = _about("公式", "the formula")
    start: int = _about("起始字符位置", "where the part starts (in characters)")
    end: int = _about("结束字符位置", "where it ends")


class ProblemData(_Data):
    """One located problem (``Problem.to_dict()``), as in ``perfscore check --format json``."""

    code: str = _about("问题代码（见 docs/errors.md）", "the problem's code (see docs/errors.md)")
    meaning: MeaningData = _about("代码的含义", "what the code means")
    severity: Literal["error", "warning", "info"] = _about("严重程度", "how serious it is")
    message: MeaningData = _about("发现的问题", "what was found")
    suggestion: str | None = _about("可能想写的名称", "the known name probably meant")
    file: str | None = _about("文件（或单位）", "the file (or the unit)")
    path: str | None = _about("键路径", "the key path, as text")
    keys: list[str | int] = _about("键路径的各部分", "the key path's parts")
    line: int | None = _about("行号", "the line of the key in the file")
    column: int | None = _about("列号", "its column")
    span: SpanData | None = _about("公式中的位置", "where inside a formula")
    excerpt: str | None = _about(
        "出错的源文件行及其下方指向出错位置的 ^（行号已知时）",
        "the line of the file with a caret under the place (where its line is known)",
    )


class UnitErrorData(_Data):
    """A unit that could not be scored (``UnitError.to_dict()``)."""

    unit: str = _about("单位编号", "the unit's id")
    name: str | None = _about("单位名称", "the unit's name")
    error: Literal["data", "scoring", "internal"] = _about(
        "错误类别：data 数据有误；scoring 公式无法计算；internal perfscore 自身的错误",
        "what failed: data (the unit's values), scoring (a formula, for these values) or internal (a bug in perfscore)",
    )
    message: str = _about("错误信息（所选语言）", "the message (in the language chosen)")
    messages: MeaningData = _about("错误信息的中英文", "the message in Chinese and English")
    problems: list[ProblemData] = _about("每个问题，附位置", "each problem, located")


class BatchResultData(_Data):
    """Many units' results (``BatchResult.to_dict()``): each a result or an error, in the order given."""

    ruleset: BatchRulesetData = _about("所用规则", "the ruleset")
    summary: str = _about("概要：计分和失败的单位数", "how many units were scored and how many failed")
    units: list[ScoreResultData | UnitErrorData] = _about("各单位的结果或错误", "each unit's result or error, in order")


class ReachedResultData(ScoreResultData):
    """One unit's result with what it takes to reach a goal (``perfscore score … --to 优 --format json``)."""

    what_it_takes: dict[str, Any] = _about(
        "达到目标所需的单项改变：目标、是否已达到、每项输入的最小改变及其证明（见 docs/tuning.md）",
        "what it takes to reach the goal: the goal, whether it is reached, each input's smallest change and its proof"
        " (see docs/tuning.md)",
    )


class SignalledBatchData(BatchResultData):
    """Many units' results with the signals across them (``perfscore score … --signals --format json``)."""

    signals: dict[str, Any] = _about(
        "跨单位信号与各指标得分分布（见 docs/tuning.md）",
        "the signals across the units and each indicator's distribution of scores (see docs/tuning.md)",
    )


class ErrorData(_Data):
    """Any ``PerfscoreError`` as data (``error.to_dict()``): what a web service returns for bad input."""

    error: str = _about(
        "错误类别：RulesetError、DataError、ScoringError、UnreadableFileError、OutputError、InternalError",
        "the kind of error: RulesetError, DataError, ScoringError, UnreadableFileError, OutputError, InternalError",
    )
    message: str = _about("完整的错误信息（所选语言）", "the whole message (in the language chosen)")
    messages: MeaningData = _about("完整的错误信息的中英文", "the whole message in Chinese and English")
    problems: list[ProblemData] = _about("每个问题，附位置", "each problem, located")
    source: str | None = _about("出错的文件（规则或数据错误）", "the file at fault (ruleset and data errors)")
    unit: str | None = _about("出错的单位（评分和内部错误）", "the unit at fault (scoring and internal errors)")


RESULTS = (ScoreResultData, BatchResultData, UnitErrorData, ErrorData, ReachedResultData, SignalledBatchData)
"""The documents ``to_dict()`` gives: ``ScoreResult``'s, ``BatchResult``'s, ``UnitError``'s and every
``PerfscoreError``'s; and the command line's JSON with ``--to`` (a result with ``what_it_takes``) or
``--signals`` (a batch with ``signals``)."""


class _ResultSchema(GenerateJsonSchema):
    """pydantic's JSON Schema, without generated titles of fields."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def result_schema() -> dict[str, Any]:
    """The JSON Schema of what ``ScoreResult.to_dict()`` or ``BatchResult.to_dict()`` gives (either
    one, or the command line's JSON with ``--to`` or ``--signals``); each document, and those of
    ``UnitError.to_dict()`` and ``PerfscoreError.to_dict()``, is under ``$defs`` by its model's name
    (``#/$defs/ScoreResultData``, ``#/$defs/BatchResultData``, ``#/$defs/UnitErrorData``,
    ``#/$defs/ErrorData``, ``#/$defs/ReachedResultData``, ``#/$defs/SignalledBatchData``)."""
    _, top = models_json_schema(
        [(model, "validation") for model in RESULTS], ref_template=_DEFS + "{model}", schema_generator=_ResultSchema
    )
    return {
        "$schema": DIALECT,
        "title": _said("results"),
        "description": _said("results-about"),
        "oneOf": [
            {"$ref": _DEFS + model.__name__}
            for model in (ScoreResultData, BatchResultData, ReachedResultData, SignalledBatchData)
        ],
        "$defs": top["$defs"],
    }


# --- the shipped files ---------------------------------------------------------------------------

SCHEMAS: Mapping[str, Any] = {RULESET_SCHEMA: ruleset_schema, RESULT_SCHEMA: result_schema}
"""Each shipped schema file, and the function generating it."""


def schema_text(name: str) -> str:
    """The text of the schema file ``name`` (one of :data:`FILES`), as generated now."""
    return json.dumps(SCHEMAS[name](), ensure_ascii=False, indent=2) + "\n"


def shipped(name: str) -> Path:
    """Where the installed package keeps the schema file ``name`` (one of :data:`FILES`): a path an
    editor's settings can point to."""
    return Path(str(resources.files(__package__ or "perfscore").joinpath("schemas", name)))


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout, lang: str = "zh") -> int:
    """``python -m perfscore.schema [--check] [FOLDER]``: write the schemas (by default into the
    package's own ``schemas/`` folder), or with ``--check`` say whether the files there are current."""
    parser = argparse.ArgumentParser(prog="python -m perfscore.schema", description=_said("command"))
    parser.add_argument("folder", nargs="?", type=Path, help=_said("folder"))
    parser.add_argument("--check", action="store_true", help=_said("check"))
    parser.add_argument("--lang", choices=("zh", "en"), default=lang, help=_said("lang"))
    args = parser.parse_args(argv)
    folder: Path = args.folder or shipped(RULESET_SCHEMA).parent
    stale = 0
    for name in FILES:
        path, text = folder / name, schema_text(name)
        if args.check:
            current = path.is_file() and path.read_text(encoding="utf-8") == text
            stale += not current
            print(WORDS["current" if current else "stale"](args.lang).format(path=path), file=out)
        else:
            try:
                write_text(path, text, what="the schema")  # complete or not at all
            except OutputError as error:
                print(f"perfscore: {error}", file=sys.stderr)
                return 1
            print(WORDS["wrote"](args.lang).format(path=path), file=out)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
