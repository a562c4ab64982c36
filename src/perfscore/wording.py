"""Explanations in words, assembled from what the scoring pass recorded.

A leaf's explanation is its method's wording for the case that applied (``perfscore.methods``),
filled with the facts shown for reading, inside a sentence saying the score and what was lost
(or the ruleset's own ``explain`` template). A template is plain text with ``{field}``
placeholders (``{{`` and ``}}`` for braces). It is never passed to ``str.format``: fields are
looked up by name in a fixed table, so a ruleset's template cannot reach attributes or run
anything. An explanation is one line of text: it passes :func:`perfscore.text.for_terminal`, so
a line break, an escape sequence or a bidirectional control in a name, a unit's text or a formula
shows as its code (``未完成\\u000a总分``).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .exact import pinned
from .messages import Text, words
from .model import Tier
from .text import for_terminal, percent, plain

if TYPE_CHECKING:
    from .methods import Case
    from .result import Adjustment, LeafResult
    from .ruleset import Derived, Indicator, Ruleset

_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
FIELD = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")

SENTENCES = words(
    "explanation",
    {
        "lost": ("{name}：{body}；得 {score} 分（满分 {points} 分），扣 {lost} 分。", "{name}: {body}; {score} of {points} points, {lost} lost."),
        "full": ("{name}：{body}；得满分 {points} 分。", "{name}: {body}; full marks, {points} points."),
        "fallback": (
            "计算值「{label}」（{formula}）除数为零，按规则设定的备用值 {value} 计。",
            "The derived value {label} ({formula}) divided by zero; its declared fallback {value} was used.",
        ),
        "yes": ("是", "yes"),
        "no": ("否", "no"),
        "list": ("、", ", "),
    },
)  # fmt: skip

#: Fields every template may use, whatever the method.
COMMON_FIELDS = frozenset({"name", "name_en", "points", "score", "lost", "body", "id"})


def not_fields(template: str) -> list[str]:
    """Brace groups that are not plain ``{field}`` placeholders: ``{0}``, ``{name!r}``, ``{x.y}``."""
    plain_text = template.replace("{{", "").replace("}}", "")
    return [inner for inner in re.findall(r"\{([^{}]*)\}", plain_text) if not _FIELD_NAME.fullmatch(inner)]


def template_fields(template: str) -> list[str]:
    """The field names a template uses."""
    return [match.group(1) for match in FIELD.finditer(template) if match.group(1)]


@functools.lru_cache(maxsize=4096)
def _pieces(template: str) -> tuple[tuple[str, str | None], ...]:
    """A template as (text, field) pieces, parsed once: ``"得 {score} 分"`` → ("得 ", "score"), (" 分", None)."""
    pieces: list[tuple[str, str | None]] = []
    text, start = "", 0
    for match in FIELD.finditer(template):
        text += template[start : match.start()]
        start = match.end()
        if match.group(1) is None:
            text += match.group(0)[0]  # {{ or }}
        else:
            pieces.append((text, match.group(1)))
            text = ""
    pieces.append((text + template[start:], None))
    return tuple(pieces)


def render(template: str, fields: Mapping[str, str]) -> str:
    """Fill ``{field}`` placeholders; a field with no value reads as ``—``."""
    return "".join([text + ("" if field is None else fields.get(field, "—")) for text, field in _pieces(template)])


class _Fields(dict[str, str]):
    """A leaf's fields, the values it read shown only when a template asks for one."""

    def __init__(self, display: Display, values: Mapping[str, Any], reads: tuple[str, ...]) -> None:
        super().__init__()
        self.display, self.read, self.reads = display, values, reads

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        if key in self.reads and key in self.read:
            return self.display.named(key, self.read[key])
        return default


@pinned
def explain(item: LeafResult, case: Case, ruleset: Ruleset, values: Mapping[str, Any], lang: str) -> str:
    """A leaf's explanation in ``lang``: its method's wording for ``case``, filled from the facts (in the
    pinned context: results cache their explanations, so none may depend on its first reader's context)."""
    display = Display(ruleset, lang)
    indicator = item.indicator
    method = indicator.method
    assert method is not None
    facts = item.facts
    fields = _Fields(display, values, indicator.reads)
    fields.update(method.fields(indicator, facts, display))
    lost = item.lost
    fields.update(
        id=indicator.id,
        name=indicator.label(lang),
        name_en=indicator.name_en or indicator.name,
        points=plain(indicator.points),
        score=display.points(item.score),
        lost=display.points(lost),
    )
    if item.missing:
        fields["missing"] = SENTENCES["list"](lang).join(display.label(name) for name in item.missing)
    fields["body"] = render(case.wording(lang), fields) + ("" if item.missing else method.body_suffix(facts, lang))
    template = indicator.spec.explain if lang == "zh" else indicator.spec.explain_en
    if template is None or item.missing:
        template = SENTENCES["full" if lost == 0 else "lost"](lang)
    return for_terminal(render(template, fields))  # one line, whatever a name, a value or a formula holds


def fallback_note(derived: Derived, value: Decimal, lang: str) -> str:
    """The sentence saying a derived value divided by zero and took its declared fallback (one line:
    a line break or control character in the formula is shown as its code)."""
    label = (derived.spec.label_en if lang == "en" else derived.spec.label) or derived.name
    fields = {"label": label, "formula": derived.expression.text, "value": plain(value)}
    return for_terminal(render(SENTENCES["fallback"](lang), fields))


RULE_WORDS = words(
    "wording.rules",
    {
        "score": ("「{name}」得分 {value}", "the score of {name}, {value}"),
        "named": ("{label} {value}", "{label} {value}"),
        "and": ("、", ", "),
        "reason": ("（{reason}）", " ({reason})"),
        "none": ("规则条件成立", "the rule's condition"),
    },
)


@pinned
def explain_rule(adjustment: Adjustment, lang: str) -> str:
    """What a rule on a group or the total did, in ``lang``: its step's wording, the values its
    condition read as its cause, and the rule's own reason when it gives one (one line)."""
    rule = adjustment.rule
    ruleset = adjustment.ruleset
    display = Display(ruleset, lang)
    indicators = {node.id: node for node in ruleset.indicators()}
    causes = []
    for name, value in zip(rule.shows, adjustment.shown, strict=True):
        key = rule.scores.get(name)
        if key is not None:
            causes.append(
                render(RULE_WORDS["score"](lang), {"name": indicators[key].label(lang), "value": display.points(value)})
            )
        else:
            causes.append(
                render(RULE_WORDS["named"](lang), {"label": display.name(name), "value": display.named(name, value)})
            )
    fields = {
        "node": rule.label(lang),
        "cause": RULE_WORDS["and"](lang).join(causes) or RULE_WORDS["none"](lang),
        "limit": "" if rule.limit is None else plain(abs(rule.limit)),
        "before": display.points(adjustment.before),
        "after": display.points(adjustment.after),
        "change": plain(abs(adjustment.change)),
        "grade": _grade_name(ruleset, getattr(rule.spec, "grade", None), lang),
    }
    said = render(adjustment.step.wording(lang), fields)
    said = said[:1].upper() + said[1:]  # "the total capped …" begins a sentence
    reason = rule.reason(lang)
    if reason:
        said += render(RULE_WORDS["reason"](lang), {"reason": reason})
    return for_terminal(said)


def _grade_name(ruleset: Ruleset, name: str | None, lang: str) -> str:
    grade = next((grade for grade in ruleset.meta.grades if grade.name == name), None)
    if grade is None:
        return ""
    return grade.name_en if lang == "en" else grade.name


class Display:
    """Formats values for one ruleset and language: units, percentages, tiers, booleans."""

    def __init__(self, ruleset: Ruleset, lang: str) -> None:
        self.ruleset = ruleset
        self.lang = lang

    def points(self, value: Decimal) -> str:
        """A score, rounded as the ruleset declares (9.95)."""
        return str(self.ruleset.round(value))

    def label(self, name: str) -> str:
        """An input's label in this language (its name if it has none)."""
        spec = self.ruleset.inputs.get(name)
        if spec is None:
            return name
        return (spec.label_en or spec.label) if self.lang == "en" else spec.label

    def name(self, name: str) -> str:
        """An input's or derived value's label in this language (its name if it has none)."""
        derived = self.ruleset.derived_value(name)
        if derived is not None:
            return (derived.spec.label_en or derived.spec.label if self.lang == "en" else derived.spec.label) or name
        return self.label(name)

    def named(self, name: str, value: Any) -> str:
        """A named input or derived value, with its unit."""
        spec = self.ruleset.inputs.get(name)
        if spec is not None:
            if spec.type == "percent" and isinstance(value, Decimal):
                return f"{plain(value)}%"
            return self.value(value, spec.unit)
        derived = self.ruleset.derived_value(name)
        if derived is not None:
            if derived.spec.percent and isinstance(value, Decimal):
                return percent(value)
            return self.value(value, derived.spec.unit)
        return self.value(value, None)

    def measure(self, leaf: Indicator, value: Decimal, measured: str | None) -> str:
        """A value the leaf compares (an actual, a target): in the unit of the name it measures,
        when its formula is one bare name, else in the leaf's own ``unit``."""
        return self.named(measured, value) if measured else self.value(value, leaf.spec.unit)

    def fact(self, leaf: Indicator, key: str, value: Any) -> str:
        """Any other fact, plainly."""
        return self.value(value, None)

    def value(self, value: Any, unit: str | None) -> str:
        if isinstance(value, bool):
            return SENTENCES["yes" if value else "no"](self.lang)
        if isinstance(value, Decimal):
            return plain(value) + (unit or "")
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, str):
            return value  # a unit's text: the explanation it is shown in passes the terminal gate
        if isinstance(value, Tier):
            return value.name if self.lang == "zh" else value.name_en
        if isinstance(value, tuple) and value and isinstance(value[0], Tier):
            shown = self.value(value[0], None)
            return shown if value[1] is None else f"{shown} {plain(value[1])}"
        return str(value)


__all__ = [
    "COMMON_FIELDS",
    "RULE_WORDS",
    "SENTENCES",
    "Display",
    "Text",
    "explain",
    "explain_rule",
    "not_fields",
    "render",
    "template_fields",
]
