"""Scoring: check a unit's data, run the scoring pass, build the result.

One pass computes every leaf's score and the facts that explain it (the compiled functions of
:mod:`perfscore.compiler`); explanations are rendered from those facts and never score again.
Everything runs in the pinned decimal context (:mod:`perfscore.exact`), so results are the same
in any caller and thread.

A failure of the pass is never hidden. A formula that fails for this unit's values (a division by
zero, an overflow) is located by running the unit through the reference path (each leaf's
method with its formulas' closures), which raises the located :class:`ScoringError`. If the
reference path scores the unit, or the pass failed in any other way, perfscore has a bug: an
:class:`InternalError` names the unit, with the original exception chained.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, NoReturn

from . import compiler
from .errors import InternalError, PerfscoreError, Problem, ScoringError
from .exact import CONTEXT, ROUNDING, ZERO, pinned
from .expressions import describe
from .inputs import NUMERIC, validate
from .messages import words
from .methods import MISSING, Unfloatable
from .result import BatchResult, Ruled, ScoreResult, Settling, UnitError
from .units import Unit

WORDS = words(
    "engine",
    {
        "failed": ("perfscore 在这个单位上出错（{error}）；请报告此问题",
                   "perfscore failed on this unit ({error}); please report this"),
        "pass-failed": ("编译的计分过程出错（{error}），而参照路径没有；请报告此问题",
                        "the compiled scoring pass failed ({error}) where the reference path did not; please report this"),
        "leaf-failed": ("{name} 无法计分：{reason}", "{name} could not be scored: {reason}"),
    },
)  # fmt: skip

if TYPE_CHECKING:
    from .model import Grade
    from .ruleset import Derived, Indicator, Ruleset

_NOTHING_MISSING: frozenset[str] = frozenset()
_FAILED_FORMULA = (ArithmeticError, ValueError)  # what a formula or a method's arithmetic raises on bad values


class Engine:
    """The compiled functions of one ruleset, and the scoring of units with them."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        meta = ruleset.meta
        quantum = Decimal(1).scaleb(-meta.rounding.places, CONTEXT)
        rounding = compiler.Rounding(quantum, ROUNDING[meta.rounding.mode], meta.rounding.stage == "leaf")
        self.rounding = rounding
        self.names = compiler.quick_names(ruleset.checks, ruleset.derived)  # the quick pass's values, in order
        self.grades = tuple((grade.min, grade) for grade in meta.grades)
        # a unit whose first number is a float may take the float pass (built when first needed)
        self.probe = next((check.name for check in ruleset.checks if check.spec.type in NUMERIC), None)

    def grade(self, total: Decimal) -> Grade:
        """The grade ``total`` earns: the first whose minimum it reaches, else the last."""
        for least, grade in self.grades:
            if total >= least:
                return grade
        return self.grades[-1][1]

    # Each generated function is compiled the first time it is needed: loading a ruleset to check,
    # explain or compare it compiles nothing, and a ruleset unpickled in a worker compiles on first use.

    @cached_property
    def quick(self) -> compiler.Quick:
        """The scoring pass for a unit's values as given."""
        ruleset = self.ruleset
        return compiler.build_quick(ruleset.checks, ruleset.derived, ruleset.leaves, self.rounding)

    @cached_property
    def floats(self) -> compiler.FloatPass | None:
        """The float pass (None when the ruleset has none: a method, formula or input without float
        arithmetic, rules on groups, rounding other than to nearest)."""
        ruleset = self.ruleset
        if ruleset.group_rules:
            return None
        try:
            return compiler.build_floats(ruleset.checks, ruleset.derived, ruleset.leaves, self.rounding, self.exact)
        except Unfloatable:
            return None

    def exact(self, index: int, values: dict[str, Any]) -> int:
        """The leaf ``index`` scored in Decimal (for the float pass, when its floats cannot decide):
        the values it needs read by their converters, the derived values it needs through their
        closures, its reference function; its rounded score in units of the rounding. Raises
        :class:`compiler.Close` on any failure: the unit then goes through the Decimal pass."""
        try:
            leaf = self.ruleset.leaves[index]
            needed = set(leaf.reads)
            derived = []
            for value in reversed(self.ruleset.derived):
                if value.name in needed:
                    needed |= value.expression.names
                    derived.append(value)
            env = {
                check.name: check.convert(values[check.name]) for check in self.ruleset.checks if check.name in needed
            }
            for value in reversed(derived):
                env[value.name] = value.expression.run(env)
            raw = self.references[index](env)[0]
            exponent = int(self.rounding.quantum.as_tuple().exponent)
            return int(raw.quantize(self.rounding.quantum, self.rounding.mode).scaleb(-exponent))
        except Exception as error:  # the Decimal pass scores the unit, and says what is wrong
            raise compiler.Close from error

    @cached_property
    def cents(self) -> tuple[Decimal, ...]:
        """Each total the float pass can give, in units of the rounding, as the Decimal the Decimal pass gives."""
        exponent = int(self.rounding.quantum.as_tuple().exponent)
        most = int(sum((leaf.points for leaf in self.ruleset.leaves), ZERO).scaleb(-exponent, CONTEXT))
        return tuple(Decimal(n).scaleb(exponent, CONTEXT) for n in range(most + 1))

    @pinned
    def settle(self, given: tuple[Any, ...], cents: tuple[int, ...], total: Decimal) -> tuple[Any, ...]:
        """The quick pass over a unit the float pass scored (its values as given, kept by the float
        pass): the values as Decimals, every leaf's raw and rounded score and facts; an InternalError
        if its rounded scores are not the float pass's."""
        scored = self.quick(dict(zip(self.names, given, strict=False)), [])  # (the names go on to the derived)
        table = self.cents
        if scored is None or scored[4] != total or scored[2] != [table[n] for n in cents]:
            said = WORDS["pass-failed"].format(error="the float pass disagrees with the Decimal pass")
            raise InternalError(said, None)
        return scored[:4]

    @cached_property
    def run_pass(self) -> compiler.Pass:
        """The pass over values checked in full (some may be left out), built the first time it is needed."""
        ruleset = self.ruleset
        optional = frozenset(check.name for check in ruleset.checks if not check.required and check.default is None)
        return compiler.build_pass(ruleset.derived, ruleset.leaves, optional, self.rounding)

    @cached_property
    def rules_pass(self) -> compiler.RulesFunction:
        """The rules on groups and the total, with their conditions inlined (built when first needed)."""
        ruleset = self.ruleset
        return compiler.build_rules(ruleset.roots, ruleset.group_rules, self.rounding.each_leaf, inline=True)

    @cached_property
    def rules_reference(self) -> compiler.RulesFunction:
        """The same rules with each condition evaluated through its closures (they locate a failure)."""
        ruleset = self.ruleset
        return compiler.build_rules(ruleset.roots, ruleset.group_rules, self.rounding.each_leaf, inline=False)

    def apply_rules(
        self,
        env: dict[str, Any],
        raw: list[Any],
        scores: list[Any],
        missing: frozenset[str] | None,
        reference: bool,
        total: Decimal,
    ) -> Ruled:
        """The rules on groups and the total for a unit whose leaves are scored (``scores`` rounded
        per leaf when the ruleset rounds each leaf, else raw; ``total`` their sum)."""
        function = self.rules_reference if reference else self.rules_pass
        if self.rounding.each_leaf:
            values, ruled, applied, grades = function(env, scores, scores, missing, total)
        else:
            rounded = [value.quantize(self.rounding.quantum, self.rounding.mode) for value in raw]
            values, ruled, applied, grades = function(env, raw, rounded, missing, total)
        return Ruled(values, ruled, applied, grades)

    @cached_property
    def references(self) -> tuple[compiler.LeafFunction, ...]:
        """Each leaf's reference function, built the first time one is needed."""
        return tuple(compiler.build_reference(leaf) for leaf in self.ruleset.leaves)

    def sources(self) -> dict[str, str]:
        """The source of every generated function (building those made only when needed), by name."""
        code = {}
        for name, function in (("score", self.quick), ("pass", self.run_pass)):
            for part in compiler.generated(function):
                code[name if part is function else f"{name}.{part.__code__.co_filename[11:-1]}"] = str(part.__doc__)
        if self.floats is not None:  # the float pass, for units whose numbers are floats
            code["floats"] = str(self.floats.__doc__)
        if self.ruleset.group_rules:  # the rules on groups and the total: the pass's, then the reference's
            code.update({"rules": str(self.rules_pass.__doc__), "rules.reference": str(self.rules_reference.__doc__)})
        code.update(
            (leaf.id, str(function.__doc__))
            for leaf, function in zip(self.ruleset.leaves, self.references, strict=True)
        )
        return code

    # --- one unit ------------------------------------------------------------------------

    @pinned
    def score(self, values: Mapping[str, Any], unit: str | None, reference: bool = False) -> ScoreResult:
        ruleset = self.ruleset
        fallbacks: list[str] = []
        missing = _NOTHING_MISSING
        ruled = None
        env: dict[str, Any] | tuple[Any, ...]
        try:
            if type(values) is dict and type(values.get(self.probe)) is float and not reference and self.floats:
                floated = self.floats(values)  # numbers given as floats, every decision and rounding certain
                if floated is not None:
                    given, cents, summed = floated
                    total = self.cents[summed]
                    return Settling(ruleset, unit, total, self.grade(total), given, cents)
            try:
                scored = self.quick(values, fallbacks) if type(values) is dict and not reference else None
                if scored is not None:
                    env, raw, scores, facts, total = scored
                    if ruleset.group_rules and type(env) is tuple:  # the rules read the values by name
                        env = dict(zip(self.names, env, strict=True))
                else:
                    env, missing = validate(ruleset.checks, values, unit)
                    if reference:
                        raw, scores, facts, total = self.reference_pass(env, missing, fallbacks)
                    else:
                        raw, scores, facts, total = self.run_pass(env, missing, fallbacks)
                if ruleset.group_rules:
                    assert not isinstance(env, tuple)
                    ruled = self.apply_rules(env, raw, scores, missing, reference, total)
            except PerfscoreError:
                raise  # the data's problems, a method's own located stop (a value in no band), the reference path's
            except _FAILED_FORMULA as error:
                self.locate(values, unit, error)
            if not self.rounding.each_leaf:
                total = ruleset.round(total)
                scores = [ruleset.round(value) for value in raw]
            if ruled is not None:
                total = ruleset.round(ruled.total)
            grade = ruled.grade(ruleset, total) if ruled is not None else self.grade(total)
        except ScoringError as error:
            error.unit = unit  # say which unit, as a DataError does
            raise
        except PerfscoreError:
            raise
        except Exception as error:  # a bug in perfscore: say so, with the unit, never a bare traceback
            said = WORDS["failed"].format(error=f"{type(error).__name__}: {error}")
            raise InternalError(said, unit) from error
        return ScoreResult(
            ruleset, unit, env, missing, raw, scores, facts, total, grade, tuple(fallbacks) if fallbacks else (), ruled,
            self.names,
        )  # fmt: skip

    def locate(self, values: Mapping[str, Any], unit: str | None, error: Exception) -> NoReturn:
        """Raise the located ScoringError for a failure of the pass, found on the reference path; an
        InternalError if the reference path scores the unit (the two paths disagree: a bug)."""
        env, missing = validate(self.ruleset.checks, values, unit)
        raw, scores, _, total = self.reference_pass(env, missing, [])
        if self.ruleset.group_rules:
            self.apply_rules(env, raw, scores, missing, True, total)
        said = WORDS["pass-failed"].format(error=f"{type(error).__name__}: {error}")
        raise InternalError(said, unit) from error

    def reference_pass(
        self, env: dict[str, Any], missing: frozenset[str], fallbacks: list[str]
    ) -> tuple[list[Any], list[Any], list[Any], Decimal]:
        """The reference path: derived values through their closures (a declared fallback replaces a
        division by zero, and is listed), then each leaf's reference function."""
        ruleset = self.ruleset
        self._derive(env, [d for d in ruleset.derived if not (missing and d.needs & missing)], fallbacks)
        raw: list[Any] = []
        facts: list[Any] = []
        for leaf, function in zip(ruleset.leaves, self.references, strict=True):
            score, found = (ZERO, (MISSING,)) if missing and leaf.needs & missing else self._leaf(leaf, function, env)
            raw.append(score)
            facts.append(found)
        if self.rounding.each_leaf:
            rounded = [value.quantize(self.rounding.quantum, self.rounding.mode) for value in raw]
            return raw, rounded, facts, sum(rounded, ZERO)
        return raw, raw, facts, sum(raw, ZERO)

    @pinned
    def score_leaf(self, leaf: Any, values: Mapping[str, Any]) -> Decimal:
        env = dict(values)
        self._derive(env, [d for d in self.ruleset.derived if d.needs <= env.keys() and d.name not in env], [])
        raw: Decimal = self._leaf(leaf, self.references[leaf.first], env)[0]
        return raw

    @staticmethod
    def _derive(env: dict[str, Any], derived: Iterable[Derived], fallbacks: list[str]) -> None:
        """Derived values through their closures, into ``env``; a declared fallback replaces a division
        by zero (and is listed in ``fallbacks``)."""
        for value in derived:
            try:
                env[value.name] = value.expression.run(env)
            except ScoringError as error:
                if value.spec.fallback is None or error.problem.code != "division-by-zero":
                    raise
                env[value.name] = value.spec.fallback
                fallbacks.append(value.name)

    @staticmethod
    def _leaf(leaf: Indicator, function: compiler.LeafFunction, env: dict[str, Any]) -> tuple[Decimal, Any]:
        """A leaf's reference function; a failure of its method's arithmetic is a ScoringError at the leaf."""
        try:
            return function(env)
        except PerfscoreError:
            raise
        except (ArithmeticError, ValueError, TypeError) as error:
            said = WORDS["leaf-failed"].format(name=leaf.name, reason=describe(error))
            raise ScoringError(Problem(leaf.location, said, code="leaf-failed")) from None

    # --- many units ----------------------------------------------------------------------

    def score_many(self, units: Iterable[Any], workers: int | None = None) -> BatchResult:
        outcomes: list[ScoreResult | UnitError] = []
        identities: list[tuple[str, str | None]] = []
        collecting = gc.isenabled()
        gc.disable()  # results hold no cycles: tracing every one held so far, again and again, would double the time
        try:
            for unit, outcome in self.iter_outcomes(units, workers):
                identities.append((unit.id, unit.name))
                outcomes.append(outcome)
        finally:
            if collecting:
                gc.enable()
        return BatchResult(self.ruleset, tuple(outcomes), tuple(identities))

    def iter_outcomes(
        self, units: Iterable[Any], workers: int | None = None
    ) -> Iterator[tuple[Unit, ScoreResult | UnitError]]:
        """Each unit with its result (or its error), in order, one at a time: nothing is held."""
        for unit, outcome, _made in self.iter_rendered(units, None, workers):
            yield unit, outcome

    def iter_rendered(
        self, units: Iterable[Any], render: Callable[[ScoreResult], str] | None, workers: int | None = None
    ) -> Iterator[tuple[Unit, ScoreResult | UnitError, Any]]:
        """Each unit with its result (or its error) and, with ``render``, its rendered report (made in
        a worker process when there are workers, else here; None for a unit that failed)."""
        if workers is not None and workers > 1:
            from .parallel import outcomes  # imported here: worker processes are for large batches only

            yield from outcomes(self, _units(units), workers, render)
            return
        for unit in _units(units):
            outcome = self.outcome(unit)
            made = render(outcome) if render is not None and isinstance(outcome, ScoreResult) else None
            yield unit, outcome, made

    def outcome(self, unit: Unit) -> ScoreResult | UnitError:
        """The unit's result, or its error record."""
        try:
            return self.score(unit.values, unit.source or unit.id)
        except PerfscoreError as error:
            return UnitError(unit.id, unit.name, error, unit.source)


def _units(units: Iterable[Any]) -> Iterator[Unit]:
    """Units as given, a plain mapping numbered from 1."""
    for index, unit in enumerate(units):
        yield unit if isinstance(unit, Unit) else Unit(str(index + 1), None, unit)
