"""Results: the total, the grade, every node's subtotal and every leaf's score and reason.

A result is built cheaply at scoring time (scores and facts); the per-item objects and their
explanation texts are made when first read, so scoring many units costs little more than
computing their numbers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .errors import DataError, PerfscoreError
from .model import Grade, Tier
from .wording import BODIES, SENTENCES, Display, leaf_fields, plain, render

if TYPE_CHECKING:
    from .engine import Indicator, Ruleset

LANGS = ("zh", "en")


def _plain_data(value: Any) -> Any:
    """A value as JSON can hold it: decimals and dates as strings, tiers by name."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Tier):
        return value.name
    if isinstance(value, tuple):
        tier, given = value
        return {"tier": tier.name, "score": None if given is None else str(given)}
    return value


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
        return self.indicator.points - self.score


class LeafResult(_OfIndicator):
    """One leaf indicator's outcome: its score, what it lost, the data it used, and why.

    The facts behind the score are worked out again from the unit's values when first read,
    so a result that is only summed costs nothing for them.
    """

    __slots__ = ("_facts", "_missing", "_ruleset", "_values", "indicator", "raw", "score")

    def __init__(
        self,
        indicator: Indicator,
        score: Decimal,
        raw: Decimal,
        ruleset: Ruleset,
        values: Mapping[str, Any],
        missing: frozenset[str],
    ) -> None:
        self.indicator = indicator
        self.score = score
        self.raw = raw
        self._ruleset = ruleset
        self._values = values
        self._missing = missing
        self._facts: Mapping[str, Any] | None = None

    @property
    def missing(self) -> tuple[str, ...]:
        """The inputs this leaf needed but the unit did not supply (it then scores 0)."""
        return tuple(sorted(self.indicator.needs & self._missing)) if self._missing else ()

    @property
    def facts(self) -> Mapping[str, Any]:
        """What the method found (actual, target, rate, tier, …), as used in the explanation."""
        if self._facts is None:
            self._facts = {} if self.missing else self._ruleset.facts(self.indicator, self._values)
        return self._facts

    @property
    def data(self) -> dict[str, Any]:
        """The values this leaf read (inputs and derived values)."""
        return {name: self._values[name] for name in self.indicator.reads if name in self._values}

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
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
        display = Display(self._ruleset, lang)
        indicator = self.indicator
        case = "missing" if self.missing else str(self.facts.get("case"))
        method = "missing" if self.missing else self.method
        if method == "deduction" and not self.facts.get("count"):
            case = "none"
        fields = leaf_fields(indicator, self.facts, self._values, display)
        fields.update(
            id=indicator.id,
            name=indicator.label(lang),
            name_en=indicator.name_en or indicator.name,
            points=display.worth(indicator.points),
            score=display.points(self.score),
            lost=display.points(self.lost),
            missing=("、" if lang == "zh" else ", ").join(display.label(name) for name in self.missing),
        )
        zh, en = BODIES[(method, case)]
        body = render(zh if lang == "zh" else en, fields)
        if self.facts.get("negative"):
            body += {"zh": "（实际值为负，按 0 计）", "en": " (a negative actual counts as 0)"}[lang]
        fields["body"] = body
        template = indicator.spec.explain if lang == "zh" else indicator.spec.explain_en
        if template is None or self.missing:
            template = SENTENCES[(lang, self.lost == 0)]
        return render(template, fields)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "name_en": self.name_en,
            "method": self.method,
            "points": str(self.points),
            "score": str(self.score),
            "raw": str(self.raw),
            "lost": str(self.lost),
            "data": {name: _plain_data(value) for name, value in self.data.items()},
            "missing": list(self.missing),
            "facts": {k: _plain_data(v) for k, v in self.facts.items() if k != "case"}
            | {"case": self.facts.get("case")},
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

    def __init__(
        self,
        ruleset: Ruleset,
        unit: str | None,
        values: Mapping[str, Any],
        missing: frozenset[str],
        raw: list[Decimal],
        scores: list[Decimal],
        total: Decimal,
        grade: Grade,
        fallbacks: tuple[str, ...] = (),
    ) -> None:
        self.fallbacks = fallbacks  # derived values that divided by zero and took their declared fallback
        self.ruleset = ruleset
        self.unit = unit
        self.values = values
        self.missing = missing
        self._raw = raw
        self._scores = scores
        self.total = total
        self.grade = grade

    @property
    def points(self) -> Decimal:
        """What the ruleset's total is out of (usually 100)."""
        return self.ruleset.total_points

    @cached_property
    def items(self) -> tuple[LeafResult, ...]:
        """Every leaf indicator's result, in the ruleset's order."""
        ruleset, values, missing = self.ruleset, self.values, self.missing
        scores = self._scores if ruleset.meta.rounding.stage == "leaf" else [ruleset.round(s) for s in self._scores]
        return tuple(
            LeafResult(leaf, score, raw, ruleset, values, missing)
            for leaf, score, raw in zip(ruleset.leaves, scores, self._raw, strict=True)
        )

    @cached_property
    def tree(self) -> tuple[NodeResult, ...]:
        """The first-level indicators with their subtotals, down to the leaves."""
        return tuple(self._node(root) for root in self.ruleset.roots)

    def _node(self, indicator: Indicator) -> NodeResult:
        if indicator.is_leaf:
            leaf = self.items[indicator.first]
            return NodeResult(indicator, leaf.score, (), leaf)
        subtotal = sum(self._scores[indicator.first : indicator.end], Decimal(0))
        if self.ruleset.meta.rounding.stage != "leaf":
            subtotal = self.ruleset.round(subtotal)
        return NodeResult(indicator, subtotal, tuple(self._node(child) for child in indicator.children), None)

    @property
    def subtotals(self) -> dict[str, Decimal]:
        """Every group's subtotal by its id (``output``, ``output.quantity``, …)."""
        return {node.id: node.score for root in self.tree for node in root.walk() if node.leaf is None}

    @property
    def deductions(self) -> tuple[LeafResult, ...]:
        """Every leaf that lost points, the largest loss first (ties in the ruleset's order)."""
        return tuple(sorted((item for item in self.items if item.lost > 0), key=lambda item: -item.lost))

    @property
    def notes(self) -> tuple[LeafResult, ...]:
        """Leaves that lost nothing but need a written explanation (a target far exceeded)."""
        return tuple(item for item in self.items if item.facts.get("case") == "over-flagged")

    def fallback_notes(self, lang: str = "zh") -> list[str]:
        """One sentence per derived value that divided by zero and took its declared fallback."""
        notes = []
        for derived in self.ruleset.derived:
            if derived.name in self.fallbacks:
                label = (derived.spec.label_en if lang == "en" else derived.spec.label) or derived.name
                value = plain(self.values[derived.name])
                notes.append(
                    f"计算值「{label}」（{derived.expression.text}）除数为零，按规则设定的备用值 {value} 计。"
                    if lang == "zh"
                    else f"The derived value {label} ({derived.expression.text}) divided by zero; "
                    f"its declared fallback {value} was used."
                )
        return notes

    @property
    def lost(self) -> Decimal:
        return self.points - self.total

    def item(self, indicator_id: str) -> LeafResult:
        """The result of the leaf with this id (e.g. ``budget.execution_rate``)."""
        for item in self.items:
            if item.id == indicator_id:
                return item
        raise KeyError(indicator_id)

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
            "fallbacks": [
                dict(zip(LANGS, texts, strict=True))
                for texts in zip(*(self.fallback_notes(lang) for lang in LANGS), strict=True)
            ],
            "inputs": {name: _plain_data(value) for name, value in self.values.items()},
        }

    def __repr__(self) -> str:
        return f"<ScoreResult {self.unit or ''} total={self.total} grade={self.grade.name}>"


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
        return "data" if isinstance(self.error, DataError) else "scoring"

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "name": self.name, "error": self.kind, "message": str(self.error)}


@dataclass(frozen=True)
class BatchResult:
    """Many units scored in one call: each a result or an error, in the order given."""

    ruleset: Ruleset
    outcomes: tuple[ScoreResult | UnitError, ...]

    @property
    def results(self) -> tuple[ScoreResult, ...]:
        return tuple(outcome for outcome in self.outcomes if isinstance(outcome, ScoreResult))

    @property
    def errors(self) -> tuple[UnitError, ...]:
        return tuple(outcome for outcome in self.outcomes if isinstance(outcome, UnitError))

    def summary(self) -> str:
        """One line: how many were scored and how many failed, by kind of failure."""
        failed = self.errors
        text = f"{len(self.outcomes)} units: {len(self.results)} scored, {len(failed)} failed"
        if failed:
            kinds: dict[str, int] = {}
            for error in failed:
                kinds[error.kind] = kinds.get(error.kind, 0) + 1
            text += (
                " ("
                + ", ".join(f"{count} {kind} error{'s' if count > 1 else ''}" for kind, count in sorted(kinds.items()))
                + ")"
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": {"id": self.ruleset.id, "version": self.ruleset.version},
            "summary": self.summary(),
            "units": [outcome.to_dict() for outcome in self.outcomes],
        }
