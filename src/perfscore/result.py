"""Results: the total, the grade, every node's subtotal and every leaf's score and reason.

A result holds what the scoring pass computed: every leaf's raw and rounded score and the facts
behind it. The per-item objects and their explanation texts are made from those when first
read (never by scoring again), so scoring many units costs little more than computing their
numbers. Every number a result computes on reading (lost points, subtotals) is computed in the
pinned decimal context.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from itertools import repeat
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import DataError, InternalError, OutputError, PerfscoreError
from .exact import ZERO, difference, pinned, total
from .messages import LANGS, check_lang, chosen_lang, words
from .methods import facts_of
from .model import Grade
from .text import plain_data
from .wording import explain, explain_rule, fallback_note

SUMMARY = words(
    "result.summary",
    {
        "line": ("共 {units} 个单位：{scored} 个已计分，{failed} 个失败", "{units} units: {scored} scored, {failed} failed"),
        "kind": ("{kind}错误 {count} 个", "{count} {kind} error"),
        "kinds": ("{kind}错误 {count} 个", "{count} {kind} errors"),
        "parts": ("（{parts}）", " ({parts})"),
        "comma": ("，", ", "),
        "data": ("数据", "data"),
        "scoring": ("计算", "scoring"),
        "internal": ("内部", "internal"),
    },
)  # fmt: skip

if TYPE_CHECKING:
    import pandas as pd

    from .grouprules import GroupRule, Step
    from .ruleset import Indicator, Ruleset
    from .signals import Signals, Thresholds

UNIT_COLUMNS = ("id", "name", "total", "grade", "error")
"""The first columns of a batch as a table (:meth:`BatchResult.to_records`, :meth:`BatchResult.to_frame`);
each indicator's columns follow, named by its id: ``<id>`` its score or subtotal, ``<id>:lost`` and
``<id>:explanation`` a leaf's lost points and explanation; then, for each rule on a group or the
total, ``<rule id>:lost`` (``rules.0:lost``): the points it took off the unit (negative: added)."""


class _OfIndicator:
    """What a scored node says about its indicator: id, names, points, and the points it lost."""

    __slots__ = ()
    indicator: Indicator
    score: Decimal

    @property
    def id(self) -> str:
        return self.indicator.id

    @property
    def name(self) -> str:
        return self.indicator.name

    @property
    def name_en(self) -> str | None:
        return self.indicator.name_en

    @property
    def points(self) -> Decimal:
        return self.indicator.points

    @property
    def lost(self) -> Decimal:
        return difference(self.indicator.points, self.score)


class _Unit:
    """What every leaf result of one unit shares: the ruleset, the unit's values and what it left out.
    The scoring pass may give the values as a tuple in the order of ``names``: the mapping by name is
    made the first time it is read."""

    __slots__ = ("_values", "missing", "names", "ruleset")

    def __init__(
        self,
        ruleset: Ruleset,
        values: Mapping[str, Any] | tuple[Any, ...],
        missing: frozenset[str],
        names: tuple[str, ...] = (),
    ) -> None:
        self.ruleset = ruleset
        self._values = values
        self.missing = missing
        self.names = names

    @property
    def values(self) -> Mapping[str, Any]:
        values = self._values
        if type(values) is tuple:
            values = self._values = dict(zip(self.names, values, strict=True))
        assert not isinstance(values, tuple)
        return values


class LeafResult(_OfIndicator):
    """One leaf indicator's outcome: its score, what it lost, the data it used, and why."""

    __slots__ = ("_cache", "_result", "indicator", "raw", "recorded", "score")

    def __init__(
        self, indicator: Indicator, score: Decimal, raw: Decimal, recorded: tuple[Any, ...], unit: _Unit
    ) -> None:
        self.indicator = indicator
        self.score = score
        self.raw = raw
        self.recorded = recorded  # what the scoring pass recorded: the method's case, then that case's facts
        self._result = unit  # the unit's values (not its ScoreResult: no cycle, so a result is freed at once)
        self._cache: dict[str, Any] | None = None  # facts and explanations, made when first read

    @property
    def missing(self) -> tuple[str, ...]:
        """The inputs this leaf needed but the unit did not supply (it then scores 0)."""
        missing = self._result.missing
        return tuple(sorted(self.indicator.needs & missing)) if missing else ()

    @property
    def case(self) -> str:
        """How the score came about, in the method's words for tools (``below``, ``capped``, ``missing``…)."""
        return str(self.recorded[0].name)

    @property
    def note(self) -> bool:
        """Whether the leaf lost nothing but needs the unit's explanation (a target far exceeded)."""
        return bool(self.recorded[0].note)

    def _cached(self) -> dict[str, Any]:
        if self._cache is None:
            self._cache = {}
        return self._cache

    @property
    def facts(self) -> Mapping[str, Any]:
        """What the method found (actual, target, rate, tier, …), as used in the explanation."""
        cache = self._cached()
        facts = cache.get("facts")
        if facts is None:
            method = self.indicator.method
            assert method is not None
            facts = cache["facts"] = {} if self.missing else method.facts(self.indicator, facts_of(self.recorded))
        return facts

    @property
    def values(self) -> Mapping[str, Any]:
        """The unit's values (inputs and derived values), all of them."""
        return self._result.values

    @property
    def data(self) -> dict[str, Any]:
        """The values this leaf read (inputs and derived values)."""
        values = self._result.values
        return {name: values[name] for name in self.indicator.reads if name in values}

    def __repr__(self) -> str:
        return f"<LeafResult {self.id} {self.score}/{self.points}>"

    @property
    def method(self) -> str:
        return self.indicator.method.name if self.indicator.method else ""

    @property
    def explanation(self) -> str:
        """Why this leaf scored what it did, in Chinese."""
        return self.explain("zh")

    @property
    def explanation_en(self) -> str:
        return self.explain("en")

    def explain(self, lang: str = "zh") -> str:
        """The explanation in ``lang`` (``zh`` or ``en``): the ruleset's template or built-in wording."""
        cache = self._cached()
        said = cache.get(lang)
        if said is None:
            result = self._result
            said = cache[check_lang(lang)] = explain(self, self.recorded[0], result.ruleset, lang)
        return said

    @pinned
    def to_dict(self) -> dict[str, Any]:
        indicator = self.indicator
        facts = self.facts
        values = self._result.values
        shown = {key: plain_data(value) for key, value in facts.items() if key != "case"}
        shown["case"] = facts.get("case", self.case)
        score = self.score
        return {
            "id": indicator.id,
            "name": indicator.name,
            "name_en": indicator.name_en,
            "method": self.method,
            "points": str(indicator.points),
            "score": str(score),
            "raw": str(self.raw),
            "lost": str(difference(indicator.points, score)),
            "data": {name: plain_data(values[name]) for name in indicator.reads if name in values},
            "missing": list(self.missing),
            "facts": shown,
            "explanation": {lang: self.explain(lang) for lang in LANGS},
        }


@dataclass(frozen=True, eq=False)
class NodeResult(_OfIndicator):
    """A group's subtotal (or a leaf's score) in the tree, with its children."""

    indicator: Indicator
    score: Decimal
    children: tuple[NodeResult, ...]
    leaf: LeafResult | None

    def walk(self) -> Iterator[NodeResult]:
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict[str, Any]:
        if self.leaf is not None:
            return self.leaf.to_dict()
        return {
            "id": self.id,
            "name": self.name,
            "name_en": self.indicator.name_en,
            "points": str(self.points),
            "score": str(self.score),
            "lost": str(self.lost),
            "children": [child.to_dict() for child in self.children],
        }


class ScoreResult:
    """The scored self-evaluation of one unit under one ruleset."""

    # what most units have: set in __init__ only when they differ (one result is made for every unit scored)
    ruled: Ruled | None = None  # what the rules on groups and the total did, when the ruleset has any
    fallbacks: tuple[str, ...] = ()  # derived values that divided by zero and took their declared fallback
    said: Sequence[tuple[str, ...]] | None = None  # each leaf's explanations (in LANGS), made by a worker

    def __init__(
        self,
        ruleset: Ruleset,
        unit: str | None,
        values: Mapping[str, Any] | tuple[Any, ...],
        missing: frozenset[str],
        raw: list[Decimal],
        scores: list[Decimal],
        facts: list[tuple[Any, ...]],
        total: Decimal,
        grade: Grade,
        fallbacks: tuple[str, ...] = (),
        ruled: Ruled | None = None,
        names: tuple[str, ...] = (),
    ) -> None:
        if ruled is not None:
            self.ruled = ruled
        if fallbacks:
            self.fallbacks = fallbacks
        self.ruleset = ruleset
        self.unit = unit
        self._given = (values, missing, names)  # values as a tuple in the order of names, or by name
        self._raw = raw
        self._scores = scores  # rounded as the ruleset declares
        self._facts = facts
        self.total = total
        self.grade = grade

    @property
    def _unit(self) -> _Unit:
        """What every leaf result of this unit shares (made when first needed; kept by hand, as
        ``functools.cached_property`` takes a lock each first time: this is read for every unit)."""
        unit: _Unit | None = self.__dict__.get("_shared")
        if unit is None:
            values, missing, names = self._given
            unit = self.__dict__["_shared"] = _Unit(self.ruleset, values, missing, names)
        return unit

    @property
    def values(self) -> Mapping[str, Any]:
        """The unit's values as scored (converted inputs and derived values), by name."""
        return self._unit.values

    @property
    def missing(self) -> frozenset[str]:
        """The inputs the unit left out (allowed to: not required, no default)."""
        missing: frozenset[str] = self._given[1]
        return missing

    @property
    def points(self) -> Decimal:
        """What the ruleset's total is out of (usually 100)."""
        return self.ruleset.total_points

    @property
    def items(self) -> tuple[LeafResult, ...]:
        """Every leaf indicator's result, in the ruleset's order (made when first read, then kept)."""
        items: tuple[LeafResult, ...] | None = self.__dict__.get("_items")
        if items is None:
            unit = self._unit
            items = tuple(map(LeafResult, self.ruleset.leaves, self._scores, self._raw, self._facts, repeat(unit)))
            if self.said is not None:  # explained by a worker process (perfscore.parallel): nothing to redo
                for item, said in zip(items, self.said, strict=True):
                    item._cache = dict(zip(LANGS, said, strict=True))
            self.__dict__["_items"] = items
        return items

    @property
    def leaf_scores(self) -> Sequence[Decimal]:
        """Every leaf's score (rounded as the ruleset declares), in the ruleset's order: the scores of
        :attr:`items`, without building them (signals across many units read only these)."""
        return self._scores

    @cached_property
    def tree(self) -> tuple[NodeResult, ...]:
        """The first-level indicators with their subtotals, down to the leaves."""
        return tuple(self._node(root) for root in self.ruleset.roots)

    def _node(self, indicator: Indicator) -> NodeResult:
        if indicator.is_leaf:
            leaf = self.items[indicator.first]
            return NodeResult(indicator, leaf.score, (), leaf)
        ruled = self.ruled.values.get(indicator.id) if self.ruled is not None else None
        if ruled is not None:  # a group with rules, or above one: its score after them
            children = tuple(self._node(child) for child in indicator.children)
            return NodeResult(indicator, self.ruleset.round(ruled), children, None)
        if self.ruleset.meta.rounding.stage == "leaf":
            subtotal = total(self._scores[indicator.first : indicator.end])
        else:
            subtotal = self.ruleset.round(total(self._raw[indicator.first : indicator.end]))
        return NodeResult(indicator, subtotal, tuple(self._node(child) for child in indicator.children), None)

    @property
    def subtotals(self) -> dict[str, Decimal]:
        """Every group's subtotal by its id (``output``, ``output.quantity``, …)."""
        return {node.id: node.score for root in self.tree for node in root.walk() if node.leaf is None}

    @property
    def deductions(self) -> tuple[LeafResult | Adjustment, ...]:
        """Every leaf that lost points, and every rule on a group or the total that took points off
        (a ceiling, a deduction, a veto), the largest loss first (ties: leaves in the ruleset's
        order, then the rules in the order they applied)."""
        lost: list[LeafResult | Adjustment] = [item for item in self.items if item.lost > 0]
        lost += [adjustment for adjustment in self.adjustments if adjustment.lost > 0]
        return tuple(sorted(lost, key=lambda item: item.lost, reverse=True))  # stable: ties keep their order

    @cached_property
    def adjustments(self) -> tuple[Adjustment, ...]:
        """What the rules on groups and the total did to this unit, in the order they applied
        (children before parents, the total last): each ceiling, floor, adjustment, bonus and veto
        that changed a score or the grade."""
        if self.ruled is None:
            return ()
        return tuple(Adjustment(*applied, ruleset=self.ruleset) for applied in self.ruled.applied)

    @property
    def notes(self) -> tuple[LeafResult, ...]:
        """Leaves that lost nothing but need a written explanation (a target far exceeded)."""
        return tuple(item for item in self.items if item.note)

    def fallback_notes(self, lang: str = "zh") -> list[str]:
        """One sentence per derived value that divided by zero and took its declared fallback."""
        check_lang(lang)
        return [
            fallback_note(derived, self.values[derived.name], lang)
            for derived in self.ruleset.derived
            if derived.name in self.fallbacks
        ]

    @property
    def lost(self) -> Decimal:
        return difference(self.points, self.total)

    def item(self, indicator_id: str) -> LeafResult:
        """The result of the leaf with this id (e.g. ``budget.execution_rate``)."""
        for item in self.items:
            if item.id == indicator_id:
                return item
        raise KeyError(indicator_id)

    @pinned
    def to_dict(self) -> dict[str, Any]:
        """Everything in the result as plain data; decimals as strings so nothing is lost."""
        return {
            "ruleset": {"id": self.ruleset.id, "version": self.ruleset.version, "title": self.ruleset.title},
            "unit": self.unit,
            "total": str(self.total),
            "points": str(self.points),
            "grade": {"name": self.grade.name, "name_en": self.grade.name_en},
            "indicators": [node.to_dict() for node in self.tree],
            "deductions": [
                {
                    "id": item.id,
                    "name": item.name,
                    "lost": str(item.lost),
                    "explanation": {lang: item.explain(lang) for lang in LANGS},
                }
                for item in self.deductions
            ],
            "notes": [
                {"id": item.id, "name": item.name, "explanation": {lang: item.explain(lang) for lang in LANGS}}
                for item in self.notes
            ],
            "adjustments": [adjustment.to_dict() for adjustment in self.adjustments],
            "fallbacks": [
                dict(zip(LANGS, texts, strict=True))
                for texts in zip(*(self.fallback_notes(lang) for lang in LANGS), strict=True)
            ],
            "inputs": {name: plain_data(value) for name, value in self.values.items()},
        }

    def __repr__(self) -> str:
        return f"<ScoreResult {self.unit or ''} total={self.total} grade={self.grade.name}>"


class Settling(ScoreResult):
    """A result of the float pass (:func:`perfscore.compiler.build_floats`): its total and grade are
    known; the unit's values as Decimals, every leaf's raw and rounded score and facts are made by
    the Decimal pass the first time any of them is read (the engine checks that it gives the same
    rounded scores)."""

    def __init__(
        self, ruleset: Ruleset, unit: str | None, total: Decimal, grade: Grade, given: tuple[Any, ...], cents: Any
    ) -> None:
        self.ruleset = ruleset
        self.unit = unit
        self.total = total
        self.grade = grade
        self._floats = (given, cents)

    def __getattr__(self, name: str) -> Any:  # only for attributes not yet set
        if name in ("_given", "_raw", "_scores", "_facts"):
            engine = self.ruleset._engine
            values, raw, scores, facts = engine.settle(*self._floats, self.total)
            self._given = (values, frozenset(), engine.names)
            self._raw, self._scores, self._facts = raw, scores, facts
            return self.__dict__[name]
        raise AttributeError(name)

    @property
    def missing(self) -> frozenset[str]:
        """Nothing: the float pass scores only units that give every value."""
        return frozenset()

    @property
    def leaf_scores(self) -> Sequence[Decimal]:
        """Every leaf's rounded score, as the float pass found it (the Decimal pass is not needed)."""
        scores = self.__dict__.get("_scores")
        if scores is None:
            table = self.ruleset._engine.cents
            scores = [table[n] for n in self._floats[1]]
        return scores


class Ruled(NamedTuple):
    """What the rules on groups and the total gave one unit: the scores of the nodes they touched
    (by id; exact), the total, what each rule that applied recorded, and the grades vetoes hold
    the unit to. (A named tuple: one is made for every unit scored.)"""

    values: Mapping[str, Decimal]
    total: Decimal
    applied: Sequence[tuple[Any, ...]]
    grades: Sequence[str]

    def grade(self, ruleset: Ruleset, total: Decimal) -> Grade:
        """The grade the total earns, or the lowest a veto holds the unit to if that is lower."""
        grades = ruleset.meta.grades
        names = [grade.name for grade in grades]
        earned = names.index(ruleset.grade(total).name)
        return grades[max([earned, *(names.index(name) for name in self.grades)])]


def _named(rule: GroupRule, name: str) -> str:
    """A name a rule's condition read, as written: an input's or derived value's name, or ``score("id")``."""
    key = rule.scores.get(name)
    return name if key is None else f'score("{key}")'


class Adjustment:
    """One rule on a group or the total that applied to a unit: what it did and why."""

    __slots__ = ("after", "before", "case", "id", "kind", "name", "name_en", "node", "rule", "ruleset", "shown", "step")

    def __init__(
        self, rule: GroupRule, step: Step, before: Decimal, after: Decimal, shown: tuple[Any, ...], *, ruleset: Ruleset
    ) -> None:
        self.rule = rule
        self.step = step
        self.before = before  # the node's score before the rule, exact
        self.after = after  # and after it
        self.shown = shown  # the values its condition read, in the order written
        self.ruleset = ruleset
        self.id = rule.id  # its key path under indicators: rules.0 (the total's first), output.rules.1
        self.node = rule.node  # the id of the group it acted on; "" for the total
        self.name, self.name_en = rule.label.zh, rule.label.en
        self.kind = rule.kind.name
        self.case = step.name  # what it did: capped, floored, deducted, added, bonus, vetoed, graded…

    @property
    @pinned
    def change(self) -> Decimal:
        """The points it added (negative: took off), as the ruleset rounds them."""
        return self.ruleset.round(self.after) - self.ruleset.round(self.before)

    @property
    @pinned
    def lost(self) -> Decimal:
        """The points it took off (negative: added)."""
        return -self.change

    @property
    def values(self) -> dict[str, Any]:
        """The values its condition read, by name (``score__N`` names an indicator's score)."""
        return dict(zip(self.rule.shows, self.shown, strict=True))

    @property
    def explanation(self) -> str:
        return self.explain("zh")

    @property
    def explanation_en(self) -> str:
        return self.explain("en")

    def explain(self, lang: str = "zh") -> str:
        """What the rule did and why, in ``lang``."""
        return explain_rule(self, check_lang(lang))

    @pinned
    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "node": self.node,
            "name": self.name,
            "name_en": self.name_en,
            "kind": self.kind,
            "case": self.case,
            "before": str(self.ruleset.round(self.before)),
            "after": str(self.ruleset.round(self.after)),
            "lost": str(self.lost),
            "grade": getattr(self.rule.spec, "grade", None),
            "data": {_named(self.rule, name): plain_data(value) for name, value in self.values.items()},
            "explanation": {lang: self.explain(lang) for lang in LANGS},
        }

    def __repr__(self) -> str:
        return f"<Adjustment {self.id} {self.case} {self.before} → {self.after}>"


@dataclass(frozen=True)
class UnitError:
    """A unit that could not be scored, and why."""

    unit: str
    name: str | None
    error: PerfscoreError
    source: str | None = None  # where the unit came from, e.g. units.toml#b

    @property
    def label(self) -> str:
        return self.source or self.unit

    @property
    def kind(self) -> str:
        """``data`` (the unit's values), ``scoring`` (a formula failed for them) or ``internal`` (a bug)."""
        if isinstance(self.error, DataError):
            return "data"
        return "internal" if isinstance(self.error, InternalError) else "scoring"

    def to_dict(self) -> dict[str, Any]:
        problems = [problem.to_dict() for problem in self.error.problems]
        return {
            "unit": self.unit,
            "name": self.name,
            "error": self.kind,
            "message": str(self.error),
            "messages": {lang: self.error.render(lang) for lang in LANGS},
            "problems": problems,
        }


@dataclass(frozen=True)
class BatchResult:
    """Many units scored in one call: each a result or an error, in the order given."""

    ruleset: Ruleset
    outcomes: tuple[ScoreResult | UnitError, ...]
    units: tuple[tuple[str, str | None], ...] = ()  # each outcome's unit id and name, when the caller gave them

    def _identity(self, index: int) -> tuple[str, str | None]:
        """The id and name of the unit of ``outcomes[index]``."""
        if self.units:
            return self.units[index]
        outcome = self.outcomes[index]
        if isinstance(outcome, UnitError):
            return outcome.unit, outcome.name
        return outcome.unit or str(index + 1), None

    def columns(self, *, explanations: bool = False) -> list[str]:
        """The columns of :meth:`to_records` and :meth:`to_frame`: :data:`UNIT_COLUMNS`, then for each
        indicator, parents before children, its score (``<id>``), and for a leaf its lost points
        (``<id>:lost``) and, when asked, its explanation (``<id>:explanation``)."""
        names = list(UNIT_COLUMNS)
        for node in self.ruleset.indicators():
            names.append(node.id)
            if node.is_leaf:
                names.append(f"{node.id}:lost")
                if explanations:
                    names.append(f"{node.id}:explanation")
        names += [f"{rule.id}:lost" for rule in self.ruleset.rules()]  # what each rule on a group or the total took off
        if len(set(names)) < len(names):
            clash = sorted({name for name in names if names.count(name) > 1})
            raise OutputError(
                f"the indicator ids of {self.ruleset.id} give two columns the same name ({', '.join(clash)}); "
                "use to_dict() for this ruleset"
            )
        return names

    @pinned
    def rows(self, *, explanations: bool = False, lang: str = "zh") -> list[dict[str, Any]]:
        """One row per unit, in order, keyed by :meth:`columns`: scores as exact Decimals, the grade's
        and the explanations' words in ``lang``; a unit that failed has its error's message and None
        for every score."""
        check_lang(lang)
        names = self.columns(explanations=explanations)
        rows = []
        for index, outcome in enumerate(self.outcomes):
            unit_id, name = self._identity(index)
            row: dict[str, Any] = dict.fromkeys(names)
            row["id"], row["name"] = unit_id, name
            if isinstance(outcome, UnitError):
                row["error"] = outcome.error.render(lang)
            else:
                row["total"] = outcome.total
                row["grade"] = outcome.grade.name_en if lang == "en" else outcome.grade.name
                row.update(outcome.subtotals)
                for item in outcome.items:
                    row[item.id] = item.score
                    row[f"{item.id}:lost"] = item.lost
                    if explanations:
                        row[f"{item.id}:explanation"] = item.explain(lang)
                row.update({f"{rule.id}:lost": ZERO for rule in self.ruleset.rules()})
                row.update({f"{adjustment.id}:lost": adjustment.lost for adjustment in outcome.adjustments})
            rows.append(row)
        return rows

    def to_records(self, *, explanations: bool = False, lang: str = "zh") -> list[dict[str, Any]]:
        """:meth:`rows` as plain data for other tools (JSON, CSV writers, databases): decimals as
        text written out in full (``"49.75"``, never float), missing scores as None."""
        rows = self.rows(explanations=explanations, lang=lang)
        return [{key: plain_data(value) for key, value in row.items()} for row in rows]

    def to_frame(self, *, explanations: bool = False, lang: str = "zh") -> pd.DataFrame:
        """The batch as a pandas DataFrame (needs the ``pandas`` extra): see :func:`perfscore.frames.to_frame`."""
        from .frames import to_frame  # frames needs pandas, an optional extra: imported only when asked

        return to_frame(self, explanations=explanations, lang=lang)

    @property
    def results(self) -> tuple[ScoreResult, ...]:
        return tuple(outcome for outcome in self.outcomes if isinstance(outcome, ScoreResult))

    @property
    def errors(self) -> tuple[UnitError, ...]:
        return tuple(outcome for outcome in self.outcomes if isinstance(outcome, UnitError))

    def summary(self, lang: str | None = None) -> str:
        """One line: how many were scored and how many failed, by kind of failure (in ``lang``; None:
        :func:`~perfscore.messages.chosen_lang`)."""
        return summarize(len(self.outcomes), self.errors, lang)

    def signals(self, thresholds: Thresholds | None = None) -> Signals:
        """The signals across the units scored (:func:`perfscore.signals.find_signals`)."""
        from .signals import find_signals  # a layer above: signals read results

        return find_signals(self, thresholds=thresholds)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": {"id": self.ruleset.id, "version": self.ruleset.version},
            "summary": self.summary(),
            "units": [outcome.to_dict() for outcome in self.outcomes],
        }


def summarize(count: int, failed: Sequence[UnitError], lang: str | None = None) -> str:
    """One line: how many of ``count`` units were scored and how many failed, by kind of failure (in
    ``lang``; None: :func:`~perfscore.messages.chosen_lang`)."""
    lang = chosen_lang(lang)
    said = SUMMARY["line"].format(units=count, scored=count - len(failed), failed=len(failed))
    text = said(lang)
    if failed:
        kinds: dict[str, int] = {}
        for error in failed:
            kinds[error.kind] = kinds.get(error.kind, 0) + 1
        parts = [
            SUMMARY["kinds" if number > 1 else "kind"].format(count=number, kind=SUMMARY[kind])(lang)
            for kind, number in sorted(kinds.items())
        ]
        text += SUMMARY["parts"].format(parts=SUMMARY["comma"](lang).join(parts))(lang)
    return text
