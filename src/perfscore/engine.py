"""The compiled ruleset and scoring: validate a unit's data, evaluate, round, collect.

Scoring is pure and deterministic: the same ruleset and data give the same result in any
thread, because every computation runs in the pinned decimal context of
:data:`perfscore.expressions.CONTEXT`. Nothing here parses: formulas were compiled at load.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import codegen
from .data import InputCheck, Unit, validate
from .errors import Location, PerfscoreError, Problem, ScoringError
from .expressions import CONTEXT, Expression, describe
from .limits import DEFAULT_LIMITS, Limits
from .methods import Facts, Method
from .model import DerivedSpec, Grade, InputSpec, Metadata, Scale, TablePolicy
from .result import BatchResult, ScoreResult, UnitError

_ROUNDING = {
    "half-up": decimal.ROUND_HALF_UP,
    "half-even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
}
ZERO = Decimal(0)
_NOTHING_MISSING: frozenset[str] = frozenset()
Scored = tuple[list[Decimal], list[Decimal], Decimal]  # raw leaf scores, rounded leaf scores, total
_NO_FALLBACKS: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Indicator:
    """A node of the indicator tree: a group of indicators, or a leaf with a scoring method."""

    key: str
    path: tuple[str | int, ...]
    name: str
    name_en: str | None
    points: Decimal
    spec: Any = field(repr=False)
    children: tuple[Indicator, ...] = field(default=(), repr=False)
    method: Method | None = field(default=None, repr=False)
    reads: tuple[str, ...] = ()
    needs: frozenset[str] = field(default=frozenset(), repr=False)
    first: int = field(default=0, repr=False)  # this node's leaves are leaves[first:end]
    end: int = field(default=0, repr=False)

    @property
    def id(self) -> str:
        """The dotted key path under ``indicators``, e.g. ``output.quantity.cases``."""
        return ".".join(str(part) for part in self.path)

    @property
    def is_leaf(self) -> bool:
        return self.method is not None

    @property
    def depth(self) -> int:
        return len(self.path)

    def label(self, lang: str = "zh") -> str:
        return self.name_en or self.name if lang == "en" else self.name

    def walk(self) -> Iterator[Indicator]:
        """This node and every node below it, parents before children."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, eq=False)
class Derived:
    """A named value computed from inputs (and earlier derived values) by a formula."""

    name: str
    spec: DerivedSpec
    expression: Expression
    needs: frozenset[str]


class Ruleset:
    """A compiled ruleset: immutable, picklable (it travels as its source text), reusable."""

    def __init__(
        self,
        meta: Metadata,
        inputs: Mapping[str, InputSpec],
        checks: tuple[InputCheck, ...],
        derived: tuple[Derived, ...],
        roots: tuple[Indicator, ...],
        leaves: tuple[Indicator, ...],
        scales: Mapping[str, Scale],
        text: str,
        source: str | None,
    ) -> None:
        self.meta = meta
        self.inputs = dict(inputs)
        self.derived = derived
        self.roots = roots
        self.leaves = leaves
        self.scales = dict(scales)
        self.source = source
        self._text = text
        self._checks = checks
        self.limits = DEFAULT_LIMITS  # the loader records the limits it loaded under
        self.table_policy: TablePolicy | None = None  # the [tables] policy, when the ruleset has one
        self._quantum = Decimal(1).scaleb(-meta.rounding.places)
        self._rounding = _ROUNDING[meta.rounding.mode]
        self._round_leaves = meta.rounding.stage == "leaf"
        methods = [leaf.method for leaf in leaves if leaf.method is not None]
        self._plan = tuple((method.score, leaf.needs) for method, leaf in zip(methods, leaves, strict=True))
        reads = sorted(set().union(*(leaf.needs for leaf in leaves), *(d.needs for d in derived)))
        self._fast_validate = codegen.build_validator(checks)
        self._fast = codegen.build(
            [(d.name, d.expression) for d in derived], methods, reads, self._quantum, self._rounding, self._round_leaves
        )

    # --- identity -------------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def version(self) -> str:
        return self.meta.version

    @property
    def total_points(self) -> Decimal:
        return self.meta.total

    @property
    def text(self) -> str:
        """The TOML source this ruleset was compiled from."""
        return self._text

    def indicators(self) -> Iterator[Indicator]:
        """Every node of the tree, parents before children."""
        for root in self.roots:
            yield from root.walk()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_reload, (self._text, self.source, self.limits))

    def __repr__(self) -> str:
        return f"<Ruleset {self.meta.id} {self.meta.version} ({len(self.leaves)} indicators)>"

    # --- scoring ---------------------------------------------------------------------------

    def round(self, value: Decimal) -> Decimal:
        """Round as the ruleset declares (by default half-up to 2 places)."""
        return value.quantize(self._quantum, rounding=self._rounding)

    def grade(self, total: Decimal) -> Grade:
        for grade in self.meta.grades:
            if total >= grade.min:
                return grade
        return self.meta.grades[-1]

    def score(self, values: Mapping[str, Any], *, unit: str | None = None) -> ScoreResult:
        """Score one unit's input values; raises DataError or ScoringError for bad data."""
        env = None
        if type(values) is dict:
            try:
                env = self._fast_validate(values)
            except Exception:
                env = None
        missing = _NOTHING_MISSING
        if env is None:
            env, missing = validate(self._checks, values, unit)
        fallbacks: list[str] = []
        with decimal.localcontext(CONTEXT):
            try:
                raw, scores, total = self._compute(env, missing, fallbacks)
            except ScoringError as error:
                error.unit = unit  # say which unit, as a DataError does
                raise
        used = tuple(fallbacks) if fallbacks else _NO_FALLBACKS
        return ScoreResult(self, unit, env, missing, raw, scores, total, self.grade(total), used)

    def _compute(self, env: dict[str, Any], missing: frozenset[str], fallbacks: list[str]) -> Scored:
        if missing:
            return self._score_slowly(env, missing, fallbacks)
        try:
            return self._fast(env)
        except Exception:  # the fast path only scores; the slow one says what went wrong, and where
            return self._score_slowly(env, missing, fallbacks)

    def _score_slowly(self, env: dict[str, Any], missing: frozenset[str], fallbacks: list[str]) -> Scored:
        """The reference path: closures per formula and method, missing data scored 0, declared
        fallbacks used (and listed in ``fallbacks``) where a derived value divides by zero."""
        for derived in self.derived:
            if missing and derived.needs & missing:
                continue
            try:
                env[derived.name] = derived.expression.run(env)
            except ScoringError as error:
                if derived.spec.fallback is None or error.problem.code != "division-by-zero":
                    raise
                env[derived.name] = derived.spec.fallback
                fallbacks.append(derived.name)
        raw = [
            ZERO if missing and needs & missing else self._leaf_score(index, env)[0]
            for index, (_, needs) in enumerate(self._plan)
        ]
        if self._round_leaves:
            scores = [self.round(value) for value in raw]
            return raw, scores, sum(scores, ZERO)
        return raw, raw, self.round(sum(raw, ZERO))

    def _leaf_score(self, index: int, env: Mapping[str, Any]) -> tuple[Decimal, Facts]:
        """One leaf through its method; an arithmetic failure becomes a ScoringError at the leaf."""
        try:
            return self._plan[index][0](env)
        except ScoringError:
            raise
        except (ArithmeticError, ValueError, TypeError) as error:
            leaf = self.leaves[index]
            message = f"{leaf.name} could not be scored: {describe(error)}"
            where = Location(self.source, ("indicators", *leaf.path))
            raise ScoringError(Problem(where, message, code="leaf-failed")) from None

    def facts(self, leaf: Indicator, env: Mapping[str, Any]) -> Facts:
        """Why ``leaf`` scored what it did for the values in ``env`` (computed again, on demand)."""
        with decimal.localcontext(CONTEXT):
            return self._leaf_score(leaf.first, env)[1]

    def score_many(self, units: Iterable[Unit | Mapping[str, Any]]) -> BatchResult:
        """Score many units; a unit whose data is bad gets an error record, the rest are scored."""
        outcomes: list[ScoreResult | UnitError] = []
        for index, unit in enumerate(units):
            if not isinstance(unit, Unit):
                unit = Unit(str(index + 1), None, unit)
            try:
                outcomes.append(self.score(unit.values, unit=unit.source or unit.id))
            except PerfscoreError as error:
                outcomes.append(UnitError(unit.id, unit.name, error, unit.source))
        return BatchResult(self, tuple(outcomes))


def _reload(text: str, source: str | None, limits: Limits) -> Ruleset:
    """Unpickling compiles the source again: compiled functions do not travel."""
    from .loader import loads

    return loads(text, source, limits=limits)
