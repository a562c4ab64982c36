"""The compiled ruleset: the indicator tree, its inputs and derived values, ready to score.

A :class:`Ruleset` is what :func:`perfscore.load` returns. It is immutable and picklable (it
travels as its source text, or as its document when it was loaded from one, and is compiled again
on arrival). Scoring itself lives in
:mod:`perfscore.engine`; this module holds the data every other module reads.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from . import engine
from .errors import Location, RulesetError
from .exact import rounded
from .expressions import Expression
from .inputs import InputCheck
from .limits import DEFAULT_LIMITS, Limits
from .model import DerivedSpec, Grade, InputSpec, Metadata, Scale, TablePolicy
from .toml import parse_toml

if TYPE_CHECKING:
    from .grouprules import GroupRule
    from .methods import Method
    from .result import BatchResult, ScoreResult, UnitError
    from .units import Unit


@dataclass(frozen=True, eq=False)
class Indicator:
    """A node of the indicator tree: a group of indicators, or a leaf with a scoring method."""

    key: str
    path: tuple[str | int, ...]
    name: str
    name_en: str | None
    points: Decimal
    spec: Any = field(repr=False)  # the node's checked keys (its method's params model, or Group)
    children: tuple[Indicator, ...] = field(default=(), repr=False)
    method: Method | None = field(default=None, repr=False)
    formulas: Mapping[str, Expression | Decimal] = field(default_factory=dict, repr=False)
    reads: tuple[str, ...] = ()
    needs: frozenset[str] = field(default=frozenset(), repr=False)
    first: int = field(default=0, repr=False)  # this node's leaves are leaves[first:end]
    end: int = field(default=0, repr=False)
    location: Location = field(default=Location(), repr=False)

    @cached_property
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
    """A compiled ruleset: immutable, picklable (it travels as its source text or document), reusable."""

    __slots__ = (
        "_document",
        "_engine",
        "_frozen",
        "_text",
        "checks",
        "derived",
        "group_rules",
        "inputs",
        "leaves",
        "limits",
        "memo",
        "meta",
        "methods",
        "roots",
        "scales",
        "source",
        "table_policy",
    )

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
        *,
        limits: Limits = DEFAULT_LIMITS,
        table_policy: TablePolicy | None = None,
        methods: Mapping[str, Method] | None = None,
        document: Mapping[str, Any] | None = None,
        group_rules: Mapping[str, tuple[GroupRule, ...]] | None = None,
    ) -> None:
        self.meta = meta
        self.inputs: Mapping[str, InputSpec] = MappingProxyType(dict(inputs))
        self.checks = checks
        self.derived = derived
        self.roots = roots
        self.leaves = leaves
        self.scales: Mapping[str, Scale] = MappingProxyType(dict(scales))
        self.source = source
        self.limits = limits  # what it was loaded under
        self.table_policy = table_policy  # the [tables] policy, when the ruleset has one
        self.methods = methods  # the methods it was loaded with, when not the built-in ones
        # the rules on groups and the total, by node id ("" the total), each node's in the order they apply
        self.group_rules: Mapping[str, tuple[GroupRule, ...]] = MappingProxyType(dict(group_rules or {}))
        self._text = text
        self._document = document  # the document, when it was given as data (else: ``text`` parsed)
        self._engine = engine.Engine(self)
        self.memo: dict[Any, Any] = {}  # what is derived from the rules on first use (explanation plans)
        self._frozen = True

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_frozen", False):
            raise AttributeError(f"a Ruleset cannot be changed (setting {name!r}); load a new one instead")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Ruleset cannot be changed (deleting {name!r})")

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
        """The TOML source this ruleset was compiled from (for one loaded from a mapping with
        :func:`perfscore.loads_dict`, that document written as TOML)."""
        return self._text

    def to_dict(self) -> dict[str, Any]:
        """The document this ruleset was loaded from, as plain Python data: tables as ``dict`` (keys
        in the order written), arrays as ``list``, numbers as ``int`` or ``Decimal`` exactly as
        written, text, booleans and dates. A fresh copy each call: change it and load it again with
        :func:`perfscore.loads_dict` (the same document scores the same), or write it with
        :func:`perfscore.dumps_toml`. It is the document, not a compiled form: defaults stay unsaid."""
        if self._document is None:
            return parse_toml(self._text.removeprefix("\ufeff"), self.source, RulesetError)
        return copy.deepcopy(dict(self._document))

    def indicators(self) -> Iterator[Indicator]:
        """Every node of the tree, parents before children."""
        for root in self.roots:
            yield from root.walk()

    def rules(self) -> Iterator[GroupRule]:
        """Every rule on a group or the total: each group's in the tree's order, then the total's."""
        for node in self.indicators():
            yield from self.group_rules.get(node.id, ())
        yield from self.group_rules.get("", ())

    def derived_value(self, name: str) -> Derived | None:
        """The derived value ``name``, if the ruleset declares one."""
        return next((derived for derived in self.derived if derived.name == name), None)

    def __reduce__(self) -> tuple[Any, ...]:
        if self._document is not None:  # loaded from data: the data travels, exactly as it was given
            return (_reload_document, (self._document, self.source, self.limits, self.methods))
        return (_reload, (self._text, self.source, self.limits, self.methods))

    def _named(self, source: str | None, meta: Metadata, text: str) -> Ruleset:
        """This ruleset's rules under another ``source``, ``[ruleset]`` table (``meta``, already
        checked) and ``text``, nothing checked or compiled again: for rulesets generated alike that
        differ only in their names (the rulesets of tables of one form, :mod:`perfscore.tables`).
        The checked rules are shared (immutable); the scoring functions are made for the copy on
        first use (from the code compiled once per text, :mod:`perfscore.compiler`). The locations
        its rules were checked with keep the first source: its user places its problems itself."""
        return Ruleset(meta, self.inputs, self.checks, self.derived, self.roots, self.leaves, self.scales, text,
                       source, limits=self.limits, table_policy=self.table_policy, methods=self.methods,
                       document=self._document, group_rules=self.group_rules)  # fmt: skip

    def __repr__(self) -> str:
        return f"<Ruleset {self.meta.id} {self.meta.version} ({len(self.leaves)} indicators)>"

    # --- scoring ---------------------------------------------------------------------------

    def round(self, value: Decimal) -> Decimal:
        """Round as the ruleset declares (by default half-up to 2 places)."""
        rounding = self._engine.rounding
        return rounded(value, rounding.quantum, rounding.mode)

    def grade(self, total: Decimal) -> Grade:
        """The grade ``total`` earns (the first listed whose minimum it reaches)."""
        return self._engine.grade(total)

    def score(self, values: Mapping[str, Any], *, unit: str | None = None) -> ScoreResult:
        """Score one unit's input values: an itemized, exact result.

        Raises DataError (the values do not fit the inputs, every problem listed), ScoringError
        (a formula failed for these values, located) or InternalError (a bug in perfscore, with
        the unit named); nothing else.
        """
        return self._engine.score(values, unit)

    def score_many(self, units: Iterable[Unit | Mapping[str, Any]], *, workers: int | None = None) -> BatchResult:
        """Score many units; a unit whose data is bad gets an error record, the rest are scored.

        With ``workers=N`` (N > 1) the units are scored by N worker processes, the compiled ruleset
        sent once to each; the results are the same, in the same order (``docs/scale.md``)."""
        return self._engine.score_many(units, workers)

    def iter_scores(
        self, units: Iterable[Unit | Mapping[str, Any]], *, workers: int | None = None
    ) -> Iterator[tuple[Unit, ScoreResult | UnitError]]:
        """Score units one at a time, in order: each unit with its result or its error record, as it is
        scored. Nothing is held, so memory stays that of one unit whatever the number of units."""
        return self._engine.iter_outcomes(units, workers)

    def iter_reports(
        self,
        units: Iterable[Unit | Mapping[str, Any]],
        render: Callable[[ScoreResult], str],
        *,
        workers: int | None = None,
    ) -> Iterator[tuple[Unit, ScoreResult | UnitError, str | None]]:
        """Score units one at a time, in order, and render each result with ``render`` (a report as
        text): each unit with its result or error record, and its report (None for a unit that
        failed). With ``workers=N`` the reports are rendered by the worker processes, the costly part
        of a report (``render`` must then be a module-level function: it is sent to them)."""
        return self._engine.iter_rendered(units, render, workers)

    def score_leaf(self, leaf: Indicator, values: Mapping[str, Any]) -> Decimal:
        """One leaf's raw score for checked ``values`` of the inputs it needs (its derived values are
        computed from them): a probe for the consistency checks. Raises ScoringError when a formula
        fails for these values."""
        return self._engine.score_leaf(leaf, values)

    def generated_code(self) -> dict[str, str]:
        """The Python source perfscore generated to score this ruleset, by function, for review: the
        scoring pass for a unit's values as given (``score``), the pass for checked values with some
        left out (``pass``) and each leaf's reference function (by its id). It holds only
        perfscore's own names; every constant is bound by reference (see ``perfscore.compiler``)."""
        return self._engine.sources()

    def score_reference(self, values: Mapping[str, Any], *, unit: str | None = None) -> ScoreResult:
        """Score through the reference path only (each formula through its closures, each leaf on
        its own): the oracle the compiled pass is tested against. Slower; same results."""
        return self._engine.score(values, unit, reference=True)


_RELOADED: dict[tuple[Any, ...], Ruleset] = {}  # rulesets unpickled in this process, by what they travelled as
_MOST_RELOADED = 16


def _reload(text: str, source: str | None, limits: Limits, methods: Mapping[str, Method] | None) -> Ruleset:
    """Unpickling compiles the source again (compiled functions do not travel), once per process: the
    same ruleset unpickled again (with every task of a worker, every result) is the one compiled."""
    key = ("text", text, source, limits, None if methods is None else tuple(methods.items()))
    found = _RELOADED.get(key)
    if found is None:
        from .loader import loads  # the loader is a layer up: unpickling is the one way down to it

        found = _remember(key, loads(text, source, limits=limits, methods=methods))
    return found


def _reload_document(
    document: Mapping[str, Any], source: str | None, limits: Limits, methods: Mapping[str, Method] | None
) -> Ruleset:
    """Unpickling a ruleset loaded from a mapping loads that mapping again (once per process, as
    :func:`_reload`; the key is the document's exact text: its numbers are Decimals)."""
    key = ("document", repr(document), source, limits, None if methods is None else tuple(methods.items()))
    found = _RELOADED.get(key)
    if found is None:
        from .loader import loads_dict

        found = _remember(key, loads_dict(document, source, limits=limits, methods=methods))
    return found


def _remember(key: tuple[Any, ...], ruleset: Ruleset) -> Ruleset:
    if len(_RELOADED) >= _MOST_RELOADED:
        _RELOADED.pop(next(iter(_RELOADED)))  # the oldest
    _RELOADED[key] = ruleset
    return ruleset
