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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .exact import CONTEXT, difference, pinned
from .messages import LANGS, Text, check_lang, words
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
_NUMBERS = (Decimal, int, float, str)  # facts that are rarely the same object twice


class Phrasing:
    """One ruleset's explanations in one language: each (leaf, case, template) sentence planned the
    first time it is needed again, then filled from what the scoring pass recorded.

    A sentence is planned as one generated function of the leaf's result (:func:`_compile`): the
    template with ``{body}`` replaced by the case's wording, the fields that never change for the
    leaf (id, names, points, the facts its method adds from the rules alone) written in as text,
    and each fact read from its place in the recorded tuple and shown by its method's formatter
    (a constant remembered, so it is shown once). Methods whose words are not one fact each
    (:meth:`~perfscore.methods.Method.fields` overridden) are filled from their fields instead."""

    def __init__(self, ruleset: Ruleset, lang: str) -> None:
        self.ruleset = ruleset
        self.lang = lang
        self.display = Display(ruleset, lang)
        self._plans: dict[tuple[int, int, str, bool], tuple[Case, Fill]] = {}
        self._uses: dict[tuple[int, int, str, bool], tuple[int, tuple[Any, ...]]] = {}  # made plainly so far
        self.plain_uses = 1  # how many, before the kind is planned
        self._shows: dict[int, Mapping[str, Callable[[Any], str]]] = {}  # each leaf's formatters, made once
        # per leaf, by id(case): (case, the sentence at full marks, the sentence below them), once planned
        self._fills: list[dict[int, tuple[Case, Fill | None, Fill | None]]] = [{} for _ in ruleset.leaves]

    def explain(self, item: LeafResult, case: Case) -> str:
        """A leaf's explanation: its method's wording for ``case``, filled from the facts. The first
        :attr:`plain_uses` sentences of a kind are made by :func:`plainly` (a ruleset made for one table
        explains each leaf once: planning would cost more than it saves), later ones by a plan."""
        indicator = item.indicator
        entry = self._fills[indicator.first].get(id(case))
        if entry is not None and entry[0] is case:
            unit = item._result
            if not unit.missing or not indicator.needs & unit.missing:
                fill = entry[1] if item.score == indicator.points else entry[2]
                if fill is not None:
                    return fill(item)
        return self._explain(item, case)

    @pinned
    def _explain(self, item: LeafResult, case: Case) -> str:
        """:meth:`explain` the first times, and for a leaf missing inputs (in the pinned context:
        results cache their explanations, so none may depend on its first reader's context)."""
        indicator = item.indicator
        missing = bool(item.missing)
        custom = (indicator.spec.explain if self.lang == "zh" else indicator.spec.explain_en) is not None
        full = item.score == indicator.points
        which = "custom" if custom and not missing else "full" if full else "lost"
        key = (indicator.first, id(case), which, missing)
        planned = self._plans.get(key)
        if planned is None or planned[0] is not case:  # (a case garbage-collected and its id reused)
            uses, before = self._uses.get(key, (0, ()))
            if uses < self.plain_uses:
                self._uses[key] = (uses + 1, item.recorded)
                return plainly(item, case, self.display)
            planned = self._plans[key] = (case, self._planned(indicator, case, which, missing, before, item.recorded))
            if not missing:
                fills = self._fills[indicator.first]
                found = fills.get(id(case))
                _, at_full, below = found if found is not None and found[0] is case else (case, None, None)
                if which != "lost":
                    at_full = planned[1]
                if which != "full":
                    below = planned[1]
                fills[id(case)] = (case, at_full, below)
        return planned[1](item)

    def _planned(
        self,
        indicator: Indicator,
        case: Case,
        which: str,
        missing: bool,
        before: tuple[Any, ...] = (),
        now: tuple[Any, ...] = (),
    ) -> Callable[[LeafResult], str]:
        """The sentence of ``case`` for the leaf as a function of its result. ``before`` and ``now``
        are two recorded tuples of the kind: a fact that is the same object in both is remembered."""
        lang = self.lang
        if which == "custom":
            template = indicator.spec.explain if lang == "zh" else indicator.spec.explain_en
        else:
            template = SENTENCES[which](lang)
        method = indicator.method
        assert method is not None
        fixed = {
            "id": indicator.id,
            "name": indicator.label(lang),
            "name_en": indicator.name_en or indicator.name,
            "points": plain(indicator.points),
        }
        generic = type(method).fields is Method.fields and not missing
        added = method.fixed_facts(indicator) if generic else None
        suffix = method.suffixer(indicator, case, lang) if generic else None
        if added is None or suffix is None:
            return self._planned_from_fields(indicator, case, template, fixed, missing)
        shows = self._shows.get(indicator.first)
        if shows is None:
            shows = self._shows[indicator.first] = method.shows(indicator, self.display)
        positions = {field: place for place, field in enumerate(case.fields, 1)}
        derived = method.shown_from(indicator, self.display)
        texts, fields = _sentence(template, case.wording(lang), fixed)
        slots: list[_Slot] = []
        for number, field in enumerate(fields):
            if field == "score":
                slots.append(_Slot("score"))
            elif field == "lost":
                slots.append(_Slot("lost", self._lost(indicator)))
            elif field == SUFFIX:
                if isinstance(suffix, str):  # a constant: written into the text
                    texts[number] += suffix
                    slots.append(_Slot("text"))
                else:
                    slots.append(_Slot("suffix", suffix, safe=False))
            elif field in derived or field in added or field in positions:
                key, given = field, shows.get(field)
                show: Callable[[Any], str | None]
                if field in derived:
                    key, show = derived[field]
                else:
                    show = given or self.display.shower(indicator, key)
                otherwise = self._otherwise(indicator, field)
                if key in added:  # shown once, here
                    text = show(added[key])
                    if text is None:
                        slots.append(_Slot("other", otherwise=otherwise, safe=False))
                    else:
                        texts[number] += text
                        slots.append(_Slot("text"))
                elif key in positions:
                    place = positions[key]
                    fact = now[place] if len(now) > place else None
                    # remembered: a constant of the rules, or an object that is not a number (a tier)
                    memo = (len(before) > place and before[place] is fact) or type(fact) not in _NUMBERS
                    quiet = self.display.quiet
                    slots.append(_Slot("fact", show, place, quiet.get(show, False), show not in quiet, memo, otherwise))
                else:
                    slots.append(_Slot("other", otherwise=otherwise, safe=False))
            else:
                slots.append(_Slot("other", otherwise=self._otherwise(indicator, field), safe=False))
        return _compile(texts, slots)

    def _lost(self, indicator: Indicator) -> Callable[[Decimal], str]:
        """The points a leaf lost, shown, as a function of its score."""
        points = indicator.points
        exponent = points.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -self.ruleset.meta.rounding.places:
            # points already as precise as scores are rounded: the difference of two such numbers is too
            subtract = CONTEXT.subtract  # (exact.difference, without its call)
            return lambda score: str(subtract(points, score))
        display = self.display
        return lambda score: display.points(difference(points, score))

    def _otherwise(self, indicator: Indicator, field: str) -> Callable[[Mapping[str, Any]], str]:
        """A field no fact gives: a value the leaf read, or a dash."""
        display = self.display
        if field not in indicator.reads:
            return lambda values: "—"
        return lambda values: display.named(field, values[field]) if field in values else "—"

    def _planned_from_fields(
        self, indicator: Indicator, case: Case, template: str, fixed: dict[str, str], missing: bool
    ) -> Callable[[LeafResult], str]:
        """A sentence filled from its method's fields (a method whose words are not one fact each, or
        a leaf missing inputs), made once per leaf and kind."""
        display, lang = self.display, self.lang
        method = indicator.method
        assert method is not None
        if type(method).body_suffix is Method.body_suffix or missing:
            fixed[SUFFIX] = ""  # no words after the case's
        texts, fields = _sentence(template, case.wording(lang), fixed)
        lost = self._lost(indicator)
        joined = SENTENCES["list"](lang)
        getters: list[Callable[[LeafResult, Mapping[str, Any], Mapping[str, str]], str]] = []
        for field in fields:
            if field == "score":
                getters.append(lambda item, facts, shown: str(item.score))  # already rounded (and never -0)
            elif field == "lost":
                getters.append(lambda item, facts, shown: lost(item.score))
            elif field == SUFFIX:
                getters.append(lambda item, facts, shown: method.body_suffix(facts, lang))
            elif field == "missing" and missing:
                getters.append(lambda item, facts, shown: joined.join(display.label(name) for name in item.missing))
            else:
                getters.append(_field_getter(field, self._otherwise(indicator, field)))
        fields_needed = any(field not in _COMMON_DYNAMIC for field in fields) and not missing

        @pinned
        def fill(item: LeafResult) -> str:
            facts: Mapping[str, Any] = {} if missing else item.facts
            shown = method.fields(indicator, facts, display) if fields_needed else {}
            pieces = [texts[0]]
            for getter, text in zip(getters, texts[1:], strict=True):
                pieces.append(getter(item, facts, shown))
                pieces.append(text)
            return for_terminal("".join(pieces))

        return fill


Fill = Callable[["LeafResult"], str]


def _field_getter(
    field: str, otherwise: Callable[[Mapping[str, Any]], str]
) -> Callable[[LeafResult, Mapping[str, Any], Mapping[str, str]], str]:
    """A field of a sentence filled from its method's fields: the field shown, or ``otherwise``."""
    return lambda item, facts, shown: shown[field] if field in shown else otherwise(item.values)


@dataclass(frozen=True, slots=True)
class _Slot:
    """What fills one place of a planned sentence: ``text`` (nothing: written in), ``score``, ``lost``
    (``show`` of the score), ``suffix`` (``show`` of the recorded tuple), ``fact`` (``show`` of the
    recorded fact at ``place``; ``otherwise`` of the unit's values when it was not recorded), ``other``
    (``show`` of the unit's values). ``safe``: what it gives passes the terminal gate unchanged;
    ``pinned``: it may compute in the current decimal context; ``memo``: the last fact shown is kept."""

    kind: str
    show: Callable[[Any], str | None] | None = None
    place: int = 0
    safe: bool = True
    pinned: bool = False
    memo: bool = False
    otherwise: Callable[[Mapping[str, Any]], str] | None = None  # when ``show`` gives None, or no fact


def _sentence(template: str, wording: str, fixed: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """A template with ``{body}`` replaced by the case's ``wording`` (then the method's suffix) as texts
    and fields: ``texts[i]`` is followed by ``fields[i]`` (the last text by nothing); the ``fixed``
    fields are written into the texts."""
    texts: list[str] = [""]
    fields: list[str] = []
    for text, field in _pieces(template):
        texts[-1] += text
        if field == "body":  # the case's wording, then the method's suffix
            for inner, inner_field in _pieces(wording):
                texts[-1] += inner
                if inner_field is not None:
                    _add(texts, fields, fixed, inner_field)
            _add(texts, fields, fixed, SUFFIX)
        elif field is not None:
            _add(texts, fields, fixed, field)
    return texts, fields


def _compile(texts: list[str], slots: list[_Slot]) -> Fill:
    """``fill(item)``: the texts with each slot's value between them, through the terminal gate (one
    line, whatever a name, a value or a formula holds). The fixed texts pass the gate here, once; a
    value that may need it passes it on its own, or the whole sentence does when several may. One
    function, made by a factory generated once per shape of sentence (:func:`_factory`): the source
    holds perfscore's own tokens only, every text and formatter is bound by reference."""
    kept_texts: list[str] = [texts[0]]
    kept: list[_Slot] = []
    for slot, text in zip(slots, texts[1:], strict=True):
        if slot.kind == "text":
            kept_texts[-1] += text
        else:
            kept.append(slot)
            kept_texts.append(text)
    # A remembered fact passes the gate when it is shown (its text is kept gated); of the others, one
    # that may need the gate passes it on its own, several make the whole sentence pass it.
    whole = sum(not slot.safe and not slot.memo for slot in kept) > 1
    shape = tuple((slot.kind, slot.place, slot.memo, not slot.safe and (slot.memo or not whole)) for slot in kept)
    make = _factory(shape, whole)
    shows = [pinned(slot.show) if slot.pinned and slot.show is not None else slot.show for slot in kept]
    others = [slot.otherwise for slot in kept]
    cells: list[dict[int, tuple[Any, str]] | None] = [{} if slot.memo else None for slot in kept]
    fill: Fill = make(for_terminal, [for_terminal(text) for text in kept_texts], shows, others, cells)
    return fill


@functools.lru_cache(maxsize=256)
def _factory(shape: tuple[tuple[str, int, bool, bool], ...], whole: bool) -> Callable[..., Fill]:
    """``make(gate, texts, shows, others, cells)`` → ``fill(item)`` for sentences of one shape: each
    slot's kind, recorded place, whether its facts' texts are remembered, whether its value passes the
    gate on its own (a fact not recorded, or a formatter giving None, falls back to the unit's values)."""
    count = len(shape)
    body = []
    if any(kind in ("fact", "suffix") for kind, *_ in shape):
        body.append("r = item.recorded")
    if any(kind in ("score", "lost") for kind, *_ in shape):
        body.append("score = item.score")
    if any(kind == "other" for kind, *_ in shape):
        body.append("values = item._result.values")
    for n, (kind, place, memo, gated) in enumerate(shape):
        if kind == "score":
            body.append(f"s{n} = str(score)")
        elif kind == "lost":
            body.append(f"s{n} = f{n}(score)")
        elif kind == "suffix":
            body.append(f"s{n} = f{n}(r)")
            if gated:
                body += [f"if s{n}:", f"    s{n} = gate(s{n})"]
        elif kind == "other":
            body.append(f"s{n} = o{n}(values)")
            if gated:
                body.append(f"s{n} = gate(s{n})")
        else:  # a recorded fact (None: not recorded, or its formatter gives None: the unit's values)
            body += [f"x = r[{place}]", "if x is None:", f"    s{n} = None", "else:"]
            if memo:  # the fact's text kept by the fact's identity (the fact kept alive with it)
                body += [f"    c = m{n}.get(id(x))", "    if c is not None and c[0] is x:", f"        s{n} = c[1]"]
                body += ["    else:", f"        s{n} = f{n}(x)", f"        if s{n} is not None:"]
                body += [f"            s{n} = gate(s{n})"] if gated else []
                body += [f"            if len(m{n}) > 64:", f"                m{n}.clear()"]
                body += [f"            m{n}[id(x)] = (x, s{n})"]
            else:
                body.append(f"    s{n} = f{n}(x)")
                if gated:
                    body += [f"    if s{n} is not None:", f"        s{n} = gate(s{n})"]
            other = f"o{n}(item._result.values)"  # (the unit's values looked up only when needed)
            body += [f"if s{n} is None:", f"    s{n} = gate({other})" if gated else f"    s{n} = {other}"]
    pieces = []
    for n in range(count):
        pieces += [f"t{n}", f"s{n}"]
    pieces.append(f"t{count}")
    joined = f"''.join(({', '.join(pieces)},))"
    body.append(f"return gate({joined})" if whole else f"return {joined}")

    def names(prefix: str, number: int) -> str:
        return ", ".join(f"{prefix}{n}" for n in range(number)) + ","

    source = "def make(gate, texts, shows, others, cells):\n"
    source += f"    ({names('t', count + 1)}) = texts\n"
    if count:
        source += f"    ({names('f', count)}) = shows\n"
        source += f"    ({names('o', count)}) = others\n"
        source += f"    ({names('m', count)}) = cells\n"
    source += "    def fill(item):\n" + "".join(f"        {line}\n" for line in body) + "    return fill\n"
    namespace: dict[str, Any] = {"__builtins__": {"str": str, "id": id, "len": len}}
    exec(compile(source, "<perfscore sentence>", "exec"), namespace)  # perfscore's own tokens only
    make: Callable[..., Fill] = namespace["make"]
    return make


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


def _add(texts: list[str], fields: list[str], fixed: Mapping[str, str], field: str) -> None:
    """A field of a plan: a fixed one goes into the text, any other is filled in each time."""
    if field in fixed:
        texts[-1] += fixed[field]
    else:
        fields.append(field)
        texts.append("")


def phrasing(ruleset: Ruleset, lang: str) -> Phrasing:
    """The ruleset's :class:`Phrasing` in ``lang``, made once (kept in the ruleset's memo); ValueError
    for a language that is not one of :data:`~perfscore.messages.LANGS`."""
    key: tuple[str, str] | None = _PHRASINGS.get(lang)  # type: ignore[call-overload]
    found: Phrasing | None = ruleset.memo.get(key) if key is not None else None
    if found is None:
        found = ruleset.memo[("phrasing", check_lang(lang))] = Phrasing(ruleset, lang)
    return found


_PHRASINGS = {lang: ("phrasing", lang) for lang in LANGS}  # the memo's keys, made once


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
        # Formatters known to compute in no decimal context, by whether what they give passes the
        # terminal gate unchanged (planned sentences need neither pin nor gate for those).
        self.quiet: dict[Callable[[Any], Any], bool] = {plain: True, percent: True, self.points: True}

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
        measure = self._measure(kind, None if unit is None else for_terminal(unit))
        self.quiet[measure] = True
        return measure

    def _measure(self, kind: int, unit: str | None) -> Callable[[Any], str]:
        """A value shown in a leaf's way (``unit`` already through the terminal gate, which the
        explanations it is shown in pass: so is all it gives)."""

        def value(number: Any, unit: str | None) -> str:
            return for_terminal(self.value(number, unit))

        if kind == _PERCENT_INPUT:
            return lambda number: f"{plain(number)}%" if type(number) is Decimal else value(number, unit)
        if kind == _PERCENT_SHARE:
            return lambda number: percent(number) if type(number) is Decimal else value(number, unit)
        if unit:
            return lambda number: plain(number) + unit if type(number) is Decimal else value(number, unit)
        return lambda number: plain(number) if type(number) is Decimal else value(number, unit)

    def shower(self, leaf: Indicator, key: str) -> Callable[[Any], str]:
        """:meth:`fact` for one leaf and key, as a function of the value."""
        show = functools.partial(self.fact, leaf, key)
        self.quiet[show] = False
        return show

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
