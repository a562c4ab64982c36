"""Explanations in words: built-in wording per method and case, templates, value display.

A template is plain text with ``{field}`` placeholders (``{{`` and ``}}`` for braces). It is
never passed to ``str.format``: fields are looked up by name in a fixed table, so a ruleset's
template cannot reach attributes or run anything.
"""

from __future__ import annotations

import datetime
import decimal
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .model import Band, Tier

if TYPE_CHECKING:
    from .engine import Indicator, Ruleset

_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
FIELD = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
HUNDRED = Decimal(100)
SYMBOLS = {">=": "≥", "<=": "≤", "=": "="}
CENT = Decimal("0.01")
SHOWN = Decimal("0.000001")
WIDE = decimal.Context(prec=100, rounding=decimal.ROUND_HALF_UP, Emax=999, Emin=-999)  # display only: never too narrow

#: (zh, en) wording of each method's outcome, keyed by method and case.
BODIES: Mapping[tuple[str, str], tuple[str, str]] = {
    ("ratio", "met"): ("实际 {actual}，目标 {direction} {target}，已达到目标",
                       "actual {actual} against a target of {direction} {target}: met"),
    ("ratio", "below"): ("实际 {actual}，目标 {direction} {target}，完成率 {rate}，按完成比例计分",
                         "actual {actual} against a target of {direction} {target}: {rate} achieved, scored in proportion"),
    ("ratio", "missed"): ("实际 {actual}，目标 {direction} {target}，未达到目标，不得分",
                          "actual {actual} against a target of {direction} {target}: not met, no points"),
    ("ratio", "over-flagged"): ("实际 {actual}，为目标 {target} 的 {rate}，达到或超过 {over_target} 倍，目标可能偏低，需说明原因",
                                "actual {actual} is {rate} of the target {target}, at or beyond {over_target} times: the target may be too low and needs an explanation"),
    ("ratio", "over-deducted"): ("实际 {actual}，为目标 {target} 的 {rate}，达到或超过 {over_target} 倍，目标设置偏低，扣减 {penalty} 分",
                                 "actual {actual} is {rate} of the target {target}, at or beyond {over_target} times: the target was set too low, {penalty} points deducted"),
    ("ratio", "above-linear"): ("实际 {actual}，目标 ≤ {target}，超出 {excess}，按 (1 − 超出值/目标值) × 分值 计分",
                                "actual {actual} exceeds the target of ≤ {target} by {excess}: scored as (1 − excess / target) × points"),
    ("ratio", "above-inverse"): ("实际 {actual}，目标 ≤ {target}，超出 {excess}，按 目标值/实际值 × 分值 计分",
                                 "actual {actual} exceeds the target of ≤ {target} by {excess}: scored as target / actual × points"),
    ("ratio", "double"): ("实际 {actual} 达到目标 ≤ {target} 的两倍或以上，不得分",
                          "actual {actual} is at least twice the target of ≤ {target}: no points"),
    ("bands", "band"): ("{value} 属于区间 {band}", "{value} falls in the band {band}"),
    ("rating", "rating"): ("评定为「{tier}」（该档 {range} 分），自评 {given} 分",
                           "rated “{tier}” (band {range} points), self-assessed {given}"),
    ("rating", "rating-default"): ("评定为「{tier}」，未填分值，按该档默认 {default} 计",
                                   "rated “{tier}” with no score given: the tier's default of {default} applies"),
    ("deduction", "deduction"): ("计 {count} 项（次），每项扣 {each} 分，扣完为止",
                                 "{count} × {each} points deducted, floored at 0"),
    ("deduction", "none"): ("未发现扣分事项", "nothing to deduct"),
    ("deduction", "capped"): ("计 {count} 项（次），每项扣 {each} 分，最多扣 {deducted} 分",
                              "{count} × {each} points, capped at {deducted} deducted"),
    ("boolean", "met"): ("已达成", "met"),
    ("boolean", "missed"): ("未达成，不得分", "not met: no points"),
    ("formula", "formula"): ("按公式 {formula} 计得 {result}", "the formula {formula} gives {result}"),
    ("formula", "clamped"): ("按公式 {formula} 计得 {result}，超出 0–{points} 分范围，按 {score} 分计",
                             "the formula {formula} gives {result}, outside 0–{points}, so {score} is kept"),
    ("missing", "missing"): ("未提供数据（{missing}），按 0 分计", "no data supplied ({missing}): scored 0"),
}  # fmt: skip

SENTENCES = {
    ("zh", False): "{name}：{body}；得 {score} 分（满分 {points} 分），扣 {lost} 分。",
    ("zh", True): "{name}：{body}；得满分 {points} 分。",
    ("en", False): "{name}: {body}; {score} of {points} points, {lost} lost.",
    ("en", True): "{name}: {body}; full marks, {points} points.",
}
NEGATIVE_NOTE = {"zh": "（实际值为负，按 0 计）", "en": " (a negative actual counts as 0)"}

#: Fields every template may use, whatever the method.
COMMON_FIELDS = frozenset({"name", "name_en", "points", "score", "lost", "body", "id"})
METHOD_FIELDS: Mapping[str, frozenset[str]] = {
    "ratio": frozenset({"actual", "target", "direction", "rate", "excess", "over_target", "penalty", "tolerance"}),
    "bands": frozenset({"value", "band"}),
    "rating": frozenset({"tier", "given", "low", "high", "range", "default"}),
    "deduction": frozenset({"count", "each", "deducted"}),
    "boolean": frozenset({"met"}),
    "formula": frozenset({"formula", "result"}),
}


def not_fields(template: str) -> list[str]:
    """Brace groups that are not plain ``{field}`` placeholders: ``{0}``, ``{name!r}``, ``{x.y}``."""
    plain_text = template.replace("{{", "").replace("}}", "")
    return [inner for inner in re.findall(r"\{([^{}]*)\}", plain_text) if not _FIELD_NAME.fullmatch(inner)]


def template_fields(template: str) -> list[str]:
    """The field names a template uses."""
    return [match.group(1) for match in FIELD.finditer(template) if match.group(1)]


def render(template: str, fields: Mapping[str, str]) -> str:
    """Fill ``{field}`` placeholders; a field with no value reads as ``—``."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]
        return fields.get(name, "—")

    return FIELD.sub(fill, template)


def one_line(text: str) -> str:
    """A unit's text as it may appear in a report line: line breaks and other invisible controls are
    shown as \\uXXXX, so data cannot forge lines (a fake 总分) in a report."""
    return "".join(f"\\u{ord(char):04x}" if unicodedata.category(char) in _INVISIBLE else char for char in text)


_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})


def plain(value: Decimal) -> str:
    """A decimal as people write it: no exponent, no trailing zeros; exact up to 6 decimals,
    beyond that rounded and marked ``≈`` so a value never reads as a boundary it is not."""
    if value and value.adjusted() > 40:  # no table holds such a number: say its size, not its digits
        return "≈" + format(value, ".6e")
    with decimal.localcontext(WIDE):
        if value == value.to_integral_value():
            return format(value.quantize(Decimal(1)), "f")
        rounded = value.quantize(SHOWN)
        text = format(rounded.normalize(), "f")
    return text if rounded == value else f"≈{text}"


def percent(fraction: Decimal) -> str:
    """A fraction shown as a percentage with 2 decimals, as tables show rates (99.49%)."""
    if fraction and fraction.adjusted() > 40:
        return f"≈{fraction * HUNDRED:.6e}%"
    with decimal.localcontext(WIDE):
        return f"{format((fraction * HUNDRED).quantize(CENT), 'f')}%"


class Display:
    """Formats values for one ruleset and language: units, percentages, tiers, booleans."""

    def __init__(self, ruleset: Ruleset, lang: str) -> None:
        self.ruleset = ruleset
        self.lang = lang

    def points(self, value: Decimal) -> str:
        """A score, rounded as the ruleset declares (9.95)."""
        return str(self.ruleset.round(value))

    def worth(self, value: Decimal) -> str:
        """An indicator's points as the ruleset wrote them (10, 2.5)."""
        return plain(value)

    def label(self, name: str) -> str:
        """An input's label in this language (its name if it has none)."""
        spec = self.ruleset.inputs.get(name)
        if spec is None:
            return name
        return (spec.label_en or spec.label) if self.lang == "en" else spec.label

    def named(self, name: str, value: Any) -> str:
        """A named input or derived value, with its unit."""
        spec = self.ruleset.inputs.get(name)
        if spec is not None:
            if spec.type == "percent" and isinstance(value, Decimal):
                return f"{plain(value)}%"
            return self.value(value, spec.unit)
        for derived in self.ruleset.derived:
            if derived.name == name:
                if derived.spec.percent and isinstance(value, Decimal):
                    return percent(value)
                return self.value(value, derived.spec.unit)
        return self.value(value, None)

    def value(self, value: Any, unit: str | None) -> str:
        if isinstance(value, bool):
            return ("是" if value else "否") if self.lang == "zh" else ("yes" if value else "no")
        if isinstance(value, Decimal):
            return plain(value) + (unit or "")
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, str):
            return one_line(value)
        if isinstance(value, Tier):
            return value.name if self.lang == "zh" else value.name_en
        if isinstance(value, tuple) and value and isinstance(value[0], Tier):
            shown = self.value(value[0], None)
            return shown if value[1] is None else f"{shown} {plain(value[1])}"
        return str(value)


def leaf_fields(
    indicator: Indicator, facts: Mapping[str, Any], env: Mapping[str, Any], display: Display
) -> dict[str, str]:
    """The fields a leaf's explanation may use, formatted for reading."""
    spec = indicator.spec
    fields = {name: display.named(name, env[name]) for name in indicator.reads if name in env}
    measured = _measured_name(spec)

    def measure(value: Decimal) -> str:
        return display.named(measured, value) if measured else display.value(value, spec.unit)

    for key, value in facts.items():
        if key in ("actual", "target", "value", "excess"):
            fields[key] = measure(value)
        elif key == "direction":
            fields[key] = SYMBOLS[value]
        elif key == "rate":
            fields[key] = percent(value)
        elif key in ("penalty", "deducted", "result", "each"):
            fields[key] = plain(value)
        elif key == "band":
            fields[key] = band_text(spec.bands[value], measure)
        elif key == "tier":
            tier: Tier = value
            fields["tier"] = display.value(tier, None)
            fields["low"] = display.points(tier.min * indicator.points)
            fields["high"] = display.points(tier.max * indicator.points)
            fields["range"] = f"[{fields['low']}, {fields['high']}{']' if tier.max_inclusive else ')'}"
            if tier.default is not None:
                fields["default"] = display.points(tier.default * indicator.points)
        elif key == "given":
            if value is not None:
                fields[key] = display.points(value)
        elif isinstance(value, Decimal):
            fields[key] = plain(value)
        elif isinstance(value, bool):
            fields[key] = display.value(value, None)
        elif key != "case":
            fields[key] = str(value)
    return fields


def _measured_name(spec: Any) -> str | None:
    """When a ratio or bands leaf reads a bare name, its values show in that name's unit."""
    text = getattr(spec, "actual", None) or getattr(spec, "value", None)
    if isinstance(text, str) and re.fullmatch(r"\s*[A-Za-z_][A-Za-z0-9_]*\s*", text):
        return text.strip()
    return None


def band_text(band: Band, show: Callable[[Decimal], str] = plain) -> str:
    """A band as a reader sees it: ``≥ 95%``, ``[90%, 95%)``, ``< 90%``."""
    low = None if band.min is None else show(band.min)
    high = None if band.max is None else show(band.max)
    if low is None and high is None:
        return "(−∞, +∞)"
    if high is None:
        return f"{'≥' if band.min_inclusive else '>'} {low}"
    if low is None:
        return f"{'≤' if band.max_inclusive else '<'} {high}"
    return f"{'[' if band.min_inclusive else '('}{low}, {high}{']' if band.max_inclusive else ')'}"
