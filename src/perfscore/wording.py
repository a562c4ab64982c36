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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .exact import difference, pinned
from .messages import Text, words
from .methods import Method
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


SUFFIX = "\x00suffix"  # where a method's body suffix goes in a planned sentence (never a template's field)
_COMMON_DYNAMIC = frozenset({"score", "lost", "missing", SUFFIX})


Getter = Callable[["LeafResult", Mapping[str, Any], Mapping[str, str]], str]


@dataclass(frozen=True, slots=True)
class _Plan:
    """One sentence planned once: the template with ``{body}`` replaced by the case's wording, the
    fields that never change for the leaf (id, names, points) written in, and a getter for each
    other field; ``texts[i]`` is followed by the value of ``getters[i]`` (the last text by nothing)."""

    case: Case
    texts: tuple[str, ...]
    getters: tuple[Getter, ...]
    fields: bool  # whether the method's fields are needed all at once (it overrides ``fields``)
    fill: Callable[[LeafResult, Mapping[str, Any], Mapping[str, str]], str]  # the sentence, gated


class Phrasing:
    """One ruleset's explanations in one language: each (leaf, case, template) sentence planned the
    first time it is needed (:class:`_Plan`), then filled from the recorded facts."""

    def __init__(self, ruleset: Ruleset, lang: str) -> None:
        self.ruleset = ruleset
        self.lang = lang
        self.display = Display(ruleset, lang)
        self._plans: dict[tuple[int, int, str, bool], _Plan] = {}
        self._uses: dict[tuple[int, int, str, bool], int] = {}  # sentences of a kind made plainly so far
        self.plain_uses = 1  # how many, before the kind is planned
        self._shows: dict[int, Mapping[str, Callable[[Any], str]]] = {}  # each leaf's formatters, made once

    def _planned(self, indicator: Indicator, case: Case, which: str, missing: bool) -> _Plan:
        lang = self.lang
        if which == "custom":
            template = indicator.spec.explain if lang == "zh" else indicator.spec.explain_en
        else:
            template = SENTENCES[which](lang)
        fixed = {
            "id": indicator.id,
            "name": indicator.label(lang),
            "name_en": indicator.name_en or indicator.name,
            "points": plain(indicator.points),
        }
        method = indicator.method
        assert method is not None
        if type(method).body_suffix is Method.body_suffix or missing:
            fixed[SUFFIX] = ""  # no words after the case's
        texts: list[str] = [""]
        fields: list[str] = []
        for text, field in _pieces(template):
            texts[-1] += text
            if field == "body":  # the case's wording, then the method's suffix
                for inner, inner_field in _pieces(case.wording(lang)):
                    texts[-1] += inner
                    if inner_field is not None:
                        _add(texts, fields, fixed, inner_field)
                _add(texts, fields, fixed, SUFFIX)
            elif field is not None:
                _add(texts, fields, fixed, field)
        generic = type(method).fields is Method.fields
        shows = self._shows.get(indicator.first) if generic else {}
        if shows is None:
            shows = self._shows[indicator.first] = method.shows(indicator, self.display)
        getters = tuple(self._getter(indicator, field, missing, generic, shows) for field in fields)
        needs = not generic and any(field not in _COMMON_DYNAMIC for field in fields)
        return _Plan(case, tuple(texts), getters, needs, _filler(texts, getters))

    def _getter(
        self, indicator: Indicator, field: str, missing: bool, generic: bool, shows: Mapping[str, Callable[[Any], str]]
    ) -> Getter:
        """How to fill ``field`` of the leaf's sentence each time."""
        display, lang = self.display, self.lang
        points = indicator.points
        method = indicator.method
        assert method is not None

        def otherwise(item: LeafResult) -> str:  # a value the leaf read, or a dash
            values = item.values
            return display.named(field, values[field]) if field in indicator.reads and field in values else "—"

        if field == "score":
            return lambda item, facts, shown: str(item.score)  # already rounded (and never -0)
        if field == "lost":
            exponent = points.as_tuple().exponent
            if isinstance(exponent, int) and exponent >= -self.ruleset.meta.rounding.places:
                # points already as precise as scores are rounded: the difference of two such numbers is too
                return lambda item, facts, shown: str(difference(points, item.score))
            return lambda item, facts, shown: display.points(difference(points, item.score))
        if field == SUFFIX:
            return lambda item, facts, shown: method.body_suffix(facts, lang)
        if field == "missing" and missing:
            joined = SENTENCES["list"](lang)
            return lambda item, facts, shown: joined.join(display.label(name) for name in item.missing)
        if not generic:
            return lambda item, facts, shown: shown[field] if field in shown else otherwise(item)
        show = shows.get(field) or (lambda value: display.fact(indicator, field, value))
        last: list[tuple[Any, str]] = [(None, "")]  # the last fact shown: a rule's constant is shown once

        def get(item: LeafResult, facts: Mapping[str, Any], shown: Mapping[str, str]) -> str:
            fact = facts.get(field)
            if fact is None or field == "case":
                return otherwise(item)
            memo = last[0]
            if memo[0] is fact:
                return memo[1]
            text = show(fact)
            last[0] = (fact, text)  # one assignment: another thread sees the old pair or the new
            return text

        return get

    @pinned
    def explain(self, item: LeafResult, case: Case) -> str:
        """A leaf's explanation: its method's wording for ``case``, filled from the facts (in the pinned
        context: results cache their explanations, so none may depend on its first reader's context).
        The first :attr:`plain_uses` sentences of a kind are made by :func:`plainly` (a ruleset made for
        one table explains each leaf once: planning would cost more than it saves), later ones by a plan."""
        indicator = item.indicator
        missing = bool(item.missing)
        if not missing and (indicator.spec.explain if self.lang == "zh" else indicator.spec.explain_en) is not None:
            which = "custom"
        else:
            which = "full" if item.score == indicator.points else "lost"
        key = (indicator.first, id(case), which, missing)
        plan = self._plans.get(key)
        if plan is None or plan.case is not case:  # (a case garbage-collected and its id reused)
            uses = self._uses.get(key, 0)
            if uses < self.plain_uses:
                self._uses[key] = uses + 1
                return plainly(item, case, self.display)
            plan = self._plans[key] = self._planned(indicator, case, which, missing)
        facts: Mapping[str, Any] = {} if missing else item.facts
        shown: Mapping[str, str] = {}
        if plan.fields:
            method = indicator.method
            assert method is not None
            shown = method.fields(indicator, facts, self.display)
        return plan.fill(item, facts, shown)


def plainly(item: LeafResult, case: Case, display: Display) -> str:
    """A leaf's explanation made the plain way, every field made and the templates rendered: the
    reference that planned sentences are tested against, and the way of a sentence made once."""
    indicator = item.indicator
    method = indicator.method
    assert method is not None
    lang = display.lang
    facts = item.facts
    fields = _Fields(display, item.values, indicator.reads)
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


def _filler(texts: Sequence[str], getters: Sequence[Getter]) -> Callable[..., str]:
    """``fill(item, facts, shown)``: the texts with each getter's value between them, through the
    terminal gate (one line, whatever a name, a value or a formula holds): one expression, made by a
    factory generated once per number of fields (:func:`_factory`), never from a ruleset's text."""
    pieces: list[Any] = []
    for number, text in enumerate(texts):
        pieces.append(text)
        if number < len(getters):
            pieces.append(getters[number])
    fill: Callable[..., str] = _factory(len(getters))(for_terminal, *pieces)
    return fill


@functools.lru_cache(maxsize=64)
def _factory(fields: int) -> Callable[..., Callable[..., str]]:
    """``make(gate, t0, g0, t1, g1, …, tN)`` → ``fill(item, facts, shown)``, for ``fields`` getters."""
    names = []
    for number in range(fields + 1):
        names.append(f"t{number}")
        if number < fields:
            names.append(f"g{number}")
    parts = ", ".join(f"{n}(item, facts, shown)" if n.startswith("g") else n for n in names)
    source = (
        f"def make(gate, {', '.join(names)}):\n"
        f"    def fill(item, facts, shown):\n"
        f"        return gate(''.join(({parts},)))\n"
        f"    return fill\n"
    )
    namespace: dict[str, Any] = {"__builtins__": {}}
    exec(compile(source, "<perfscore sentence>", "exec"), namespace)  # perfscore's own tokens only
    make: Callable[..., Callable[..., str]] = namespace["make"]
    return make


def _add(texts: list[str], fields: list[str], fixed: Mapping[str, str], field: str) -> None:
    """A field of a plan: a fixed one goes into the text, any other is filled in each time."""
    if field in fixed:
        texts[-1] += fixed[field]
    else:
        fields.append(field)
        texts.append("")


def phrasing(ruleset: Ruleset, lang: str) -> Phrasing:
    """The ruleset's :class:`Phrasing` in ``lang``, made once (kept in the ruleset's memo)."""
    memo = ruleset.memo
    found = memo.get(("phrasing", lang))
    if found is None:
        found = memo[("phrasing", lang)] = Phrasing(ruleset, lang)
    assert isinstance(found, Phrasing)
    return found


def explain(item: LeafResult, case: Case, ruleset: Ruleset, lang: str) -> str:
    """A leaf's explanation in ``lang``: its method's wording for ``case``, filled from the facts."""
    return phrasing(ruleset, lang).explain(item, case)


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


_PERCENT_INPUT, _PERCENT_SHARE = 1, 2


class Display:
    """Formats values for one ruleset and language: units, percentages, tiers, booleans."""

    def __init__(self, ruleset: Ruleset, lang: str) -> None:
        self.ruleset = ruleset
        self.lang = lang
        self._shows: dict[str, tuple[int, str | None]] = {}  # a name's way of showing: its kind, its unit

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
        shows = self._shows.get(name)
        if shows is None:
            shows = self._shows[name] = self._way(name)
        kind, unit = shows
        if kind and type(value) is Decimal:
            return f"{plain(value)}%" if kind == _PERCENT_INPUT else percent(value)
        return self.value(value, unit)

    def _way(self, name: str) -> tuple[int, str | None]:
        """How a name's values show: a percent input (95 → 95%), a derived share (0.95 → 95%) or a
        plain value, and its unit."""
        spec = self.ruleset.inputs.get(name)
        if spec is not None:
            return (_PERCENT_INPUT if spec.type == "percent" else 0), spec.unit
        derived = self.ruleset.derived_value(name)
        if derived is not None:
            return (_PERCENT_SHARE if derived.spec.percent else 0), derived.spec.unit
        return 0, None

    def measure(self, leaf: Indicator, value: Decimal, measured: str | None) -> str:
        """A value the leaf compares (an actual, a target): in the unit of the name it measures,
        when its formula is one bare name, else in the leaf's own ``unit``."""
        return self.measurer(leaf, measured)(value)

    def measurer(self, leaf: Indicator, measured: str | None) -> Callable[[Any], str]:
        """:meth:`measure` for one leaf, as a function of the value (the name's way of showing looked up once)."""
        if measured:
            kind, unit = self._shows.get(measured) or self._shows.setdefault(measured, self._way(measured))
        else:
            kind, unit = 0, leaf.spec.unit
        value = self.value
        if kind == _PERCENT_INPUT:
            return lambda number: f"{plain(number)}%" if type(number) is Decimal else value(number, unit)
        if kind == _PERCENT_SHARE:
            return lambda number: percent(number) if type(number) is Decimal else value(number, unit)
        if unit:
            return lambda number: plain(number) + unit if type(number) is Decimal else value(number, unit)
        return lambda number: plain(number) if type(number) is Decimal else value(number, unit)

    def fact(self, leaf: Indicator, key: str, value: Any) -> str:
        """Any other fact, plainly."""
        return self.value(value, None)

    def value(self, value: Any, unit: str | None) -> str:
        if type(value) is Decimal:  # the common case first
            return plain(value) + unit if unit else plain(value)
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
    "Phrasing",
    "Text",
    "explain",
    "explain_rule",
    "not_fields",
    "phrasing",
    "render",
    "template_fields",
]
