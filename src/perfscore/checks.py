"""Static consistency checks: mistakes a ruleset can hold and still load.

:func:`lint` takes a ruleset (loaded, or a path to load) and returns :class:`Diagnostic` records;
it never raises. A ruleset that does not load gives one error per problem the loader found,
under the problem's own code. A ruleset that loads is then checked by each rule in
:data:`RULES`: small functions yielding diagnostics. What a formula can give is worked out from
the inputs' declared ``min`` and ``max`` by interval arithmetic (:mod:`perfscore.intervals`).

Codes (severity):

- every code of :class:`~perfscore.errors.Problem` from the loader (error): ``points-sum``,
  ``unknown-name``, ``cycle``, ``template-field``, ``unknown-method``, ``toml-syntax``, …
- ``unreadable-file`` (error): the file cannot be read.
- ``unused-input`` (warning): no indicator reads the input, directly or through derived values.
- ``unused-derived`` (warning): no indicator reads the derived value.
- ``unused-scale`` (warning): no rating input uses the scale.
- ``band-gap`` (error; warning when the gap may be out of the value's reach): values in the
  value's possible range that no band covers; scoring a unit there fails.
- ``band-overlap`` (warning): two bands share values; the first listed wins there.
- ``band-unreachable`` (warning): a band no possible value reaches first.
- ``tier-gap`` / ``tier-overlap`` / ``tier-empty`` (warning): a scale's tiers leave part of
  0–100% uncovered, share part of it, or a tier holds no score at all.
- ``ratio-target-zero`` (warning): a ``>=`` or ``<=`` ratio with a constant target of 0 or less.
- ``target-out-of-range`` (warning): the target lies beyond every value the actual can take.
- ``divisor-may-be-zero`` (warning): a divisor's possible range includes 0 (span: the divisor).
- ``formula-out-of-range`` (warning): a formula leaf's result provably leaves [0, points].
- ``formula-range-unproven`` (info): that could not be proved either way.
- ``reversed-direction`` (error): the ratio rewards the actual moving the way its input's
  ``better`` says is worse.
- ``duplicate-indicator-name`` (warning): sibling indicators with the same name.
- ``never-loses-points`` / ``never-earns-points`` (warning): a leaf's score is fixed at full or
  at 0 whatever the data.
- ``zero-points`` (warning): a leaf worth 0 points.
- ``lint-failed`` (error when loading, warning when one rule): perfscore itself failed; a bug.
"""

from __future__ import annotations

import ast
import decimal
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from .engine import Indicator, Ruleset
from .errors import Location, PerfscoreError, RulesetError, Span, format_key_path
from .expressions import Expression
from .intervals import (
    EITHER,
    FALSE,
    TRUE,
    Analysis,
    Bound,
    Interval,
    Relations,
    analyse,
    at_most,
    below,
    hull,
    intersect,
    largest,
    multiply,
    show,
    subtract,
    trend,
    uncovered,
)
from .loader import load, loads
from .methods import Bands, Boolean, Deduction, Formula, Rating, Ratio
from .model import Band, InputSpec, RatioLeaf, Tier

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True)
class Diagnostic:
    """One finding about a ruleset: a stable code, how serious it is, what and where."""

    code: str
    severity: Severity
    message: str
    location: Location
    suggestion: str | None = None

    def render(self, *, file: bool = True) -> str:
        """``file: key.path: severity[code]: message``, with a caret under a span; ``file=False``
        leaves the file out (for output grouped by file)."""
        where = self.location.render() if file else _place(self.location)
        text = f"{where}: {self.severity}[{self.code}]: {self.message}"
        if self.suggestion:
            text += f" (did you mean '{self.suggestion}'?)"
        if self.location.span is not None:
            text += "\n" + self.location.span.render()
        return text

    def __str__(self) -> str:
        return self.render()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the key path both as text and as its parts."""
        span = self.location.span
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "suggestion": self.suggestion,
            "file": self.location.file,
            "path": format_key_path(self.location.path) if self.location.path else None,
            "keys": list(self.location.path),
            "line": self.location.line,
            "column": self.location.column,
            "span": None if span is None else {"expression": span.expression, "start": span.start, "end": span.end},
        }


def _place(location: Location) -> str:
    if location.path:
        return format_key_path(location.path)
    if location.line is not None:
        return f"line {location.line}" + (f", column {location.column}" if location.column is not None else "")
    return "(file)"


# --- entry points -----------------------------------------------------------------------------


def lint(ruleset: Ruleset | str | os.PathLike[str]) -> list[Diagnostic]:
    """Every diagnostic for a loaded ruleset or a ruleset file; never raises."""
    if isinstance(ruleset, Ruleset):
        return check(ruleset)
    return load_and_lint(ruleset)[1]


def lint_text(text: str, source: str | None = None) -> list[Diagnostic]:
    """Every diagnostic for a ruleset's TOML text; ``source`` names it in locations."""
    try:
        ruleset = loads(text, source=source)
    except Exception as error:  # lint reports every failure, it never raises
        return _load_failure(error, source)
    return check(ruleset)


def load_and_lint(path: str | os.PathLike[str]) -> tuple[Ruleset | None, list[Diagnostic]]:
    """Load the ruleset at ``path`` and check it: the ruleset (None if it did not load) and the
    diagnostics. Never raises."""
    source = str(path)
    try:
        ruleset = load(Path(path))
    except Exception as error:  # lint reports every failure, it never raises
        return None, _load_failure(error, source)
    return ruleset, check(ruleset)


def _load_failure(error: Exception, source: str | None) -> list[Diagnostic]:
    if isinstance(error, RulesetError):
        return [Diagnostic(p.code, "error", p.message, p.location, p.suggestion) for p in error.problems]
    if isinstance(error, PerfscoreError | OSError):  # UnreadableFileError: missing, unreadable, too large
        message = str(error).removeprefix(f"{source}: ")
        return [Diagnostic("unreadable-file", "error", message, Location(source))]
    message = f"perfscore could not load the ruleset ({type(error).__name__}: {error}); please report this"
    return [Diagnostic("lint-failed", "error", message, Location(source))]


def check(ruleset: Ruleset) -> list[Diagnostic]:
    """Run every rule of :data:`RULES` on a loaded ruleset. A rule that fails is reported, not raised."""
    with decimal.localcontext(_CONTEXT):
        try:
            context = Context(ruleset)
        except Exception as error:  # working out the ranges failed: say so instead of raising
            message = f"the checks could not start ({type(error).__name__}: {error}); please report this"
            return [Diagnostic("lint-failed", "warning", message, Location(ruleset.source))]
        found: list[Diagnostic] = []
        for rule in RULES:
            try:
                found.extend(rule(context))
            except Exception as error:  # one broken rule must not hide what the others find
                message = f"the check '{rule.__name__}' failed ({type(error).__name__}: {error}); please report this"
                found.append(Diagnostic("lint-failed", "warning", message, Location(ruleset.source)))
    return found


# Whatever context the caller's thread has, the checks compare and multiply ruleset numbers in a wide
# one that never traps: a huge bound in a ruleset must not turn into an exception.
_CONTEXT = decimal.Context(prec=60, Emax=999_999, Emin=-999_999, traps=[])


# --- what the rules share ------------------------------------------------------------------------


class Context:
    """A loaded ruleset with the possible values of its inputs and derived values."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.names: dict[str, Bound] = {}
        # max = "budget" on executed: executed ≤ budget in every unit's data
        pairs = [(name, spec.max) for name, spec in ruleset.inputs.items() if isinstance(spec.max, str)]
        pairs += [(spec.min, name) for name, spec in ruleset.inputs.items() if isinstance(spec.min, str)]
        self.relations: Relations = frozenset(pairs)
        fixed = {name: _declared(spec) for name, spec in ruleset.inputs.items()}
        for name, spec in ruleset.inputs.items():
            uses = {name: 1}
            if spec.type in ("number", "percent", "count"):
                self.names[name] = Bound(_bounded_by(fixed[name], spec, fixed), uses)
            elif spec.type == "bool":
                self.names[name] = Bound(EITHER, uses)
            elif spec.type in ("date", "text"):
                self.names[name] = Bound(None, uses)
        self.formulas: dict[str, ast.expr] = {}
        self._analyses: dict[int, Analysis] = {}
        for derived in ruleset.derived:
            bound = self.analyse(derived.expression).bound()
            fallback = derived.spec.fallback
            if (
                fallback is not None
                and isinstance(bound.value, Interval)
                and self.analyse(derived.expression).zero_divisors
            ):
                bound = replace(bound, value=hull([bound.value, Interval.point(fallback)]))
            self.names[derived.name] = bound
            self.formulas[derived.name] = derived.expression.tree

    def at(self, *path: str | int) -> Location:
        return Location(self.ruleset.source, tuple(path))

    def leaf_at(self, leaf: Indicator, *keys: str | int) -> Location:
        return self.at("indicators", *leaf.path, *keys)

    def analyse(self, formula: Expression | Decimal) -> Analysis:
        """What ``formula`` can give (computed once per formula)."""
        if isinstance(formula, Decimal):
            return Analysis(Interval.point(formula))
        found = self._analyses.get(id(formula))
        if found is None:
            found = self._analyses[id(formula)] = analyse(formula.tree, self.names, self.relations)
        return found

    def number(self, formula: Expression | Decimal) -> Interval:
        value = self.analyse(formula).value
        return value if isinstance(value, Interval) else Interval()

    def leaves(self, kind: type[Any]) -> Iterator[tuple[Indicator, Any]]:
        """Leaves scored by method ``kind``, with their method."""
        for leaf in self.ruleset.leaves:
            if isinstance(leaf.method, kind):
                yield leaf, leaf.method

    def expressions(self) -> Iterator[Expression]:
        """Every compiled formula: derived values first, then each leaf's."""
        for derived in self.ruleset.derived:
            yield derived.expression
        for leaf in self.ruleset.leaves:
            for key in ("actual_formula", "target_formula", "value_formula", "count_formula", "formula"):
                formula = getattr(leaf.method, key, None)
                if isinstance(formula, Expression):
                    yield formula


def _declared(spec: InputSpec) -> Interval:
    """An input's range from its own numeric min and max (counts: whole numbers from 0)."""
    low = spec.min if isinstance(spec.min, Decimal) else None
    high = spec.max if isinstance(spec.max, Decimal) else None
    if spec.type == "count":
        return Interval(ZERO if low is None else low, high, whole=True)  # as the data layer checks them
    return Interval(low, high)


def _bounded_by(own: Interval, spec: InputSpec, fixed: dict[str, Interval]) -> Interval:
    """Narrowed by bounds naming another input: x ≤ budget keeps x within budget's own range."""
    if isinstance(spec.min, str) and spec.min in fixed:
        own = intersect(own, Interval(fixed[spec.min].low, None))
    if isinstance(spec.max, str) and spec.max in fixed:
        own = intersect(own, Interval(None, fixed[spec.max].high))
    return own


def _text(formula: Expression | Decimal) -> str:
    return formula.text if isinstance(formula, Expression) else show(formula)


def _span(expression: Expression, node: ast.expr) -> Location:
    """The location of ``node`` inside ``expression`` (ast counts UTF-8 bytes; carets count characters)."""
    encoded = expression.text.encode("utf-8")

    def chars(offset: int) -> int:
        return len(encoded[:offset].decode("utf-8", errors="ignore"))

    start, end = chars(node.col_offset), chars(node.end_col_offset or node.col_offset + 1)
    where = expression.location
    return Location(where.file, where.path, span=Span(expression.text, start, end))


def _band(band: Band) -> Interval:
    return Interval(band.min, band.max, not band.min_inclusive, not band.max_inclusive)


def _tier(tier: Tier) -> Interval:
    return Interval(tier.min, tier.max, False, not tier.max_inclusive)


def _joined(intervals: Sequence[Interval]) -> str:
    texts = [str(interval) for interval in intervals]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


Rule = Callable[[Context], Iterator[Diagnostic]]


# --- unused declarations -----------------------------------------------------------------------


def unused_inputs(context: Context) -> Iterator[Diagnostic]:
    """An input no indicator reads, directly or through derived values."""
    read = set().union(*(leaf.needs for leaf in context.ruleset.leaves))
    for name, spec in context.ruleset.inputs.items():
        if name not in read:
            yield Diagnostic(
                "unused-input",
                "warning",
                f"inputs.{name} ({spec.label}) is not read by any indicator, directly or through a derived value; "
                "score it or remove it",
                context.at("inputs", name),
            )


def unused_derived(context: Context) -> Iterator[Diagnostic]:
    """A derived value no indicator reads."""
    read = {name for leaf in context.ruleset.leaves for name in leaf.reads}
    for derived in reversed(context.ruleset.derived):  # readers come after what they read
        if derived.name in read:
            read |= derived.expression.names
    for derived in context.ruleset.derived:
        if derived.name not in read:
            yield Diagnostic(
                "unused-derived",
                "warning",
                f"derived.{derived.name} is not read by any indicator; score it or remove it",
                context.at("derived", derived.name),
            )


def unused_scales(context: Context) -> Iterator[Diagnostic]:
    """A declared scale no rating input uses."""
    used = {spec.scale for spec in context.ruleset.inputs.values() if spec.type == "rating"}
    for name in context.ruleset.scales:
        if name != "default" and name not in used:
            yield Diagnostic(
                "unused-scale",
                "warning",
                f'scales.{name} is not used by any rating input (set scale = "{name}" on one, or remove it)',
                context.at("scales", name),
            )


# --- scales and bands: do the pieces cover the range once? ---------------------------------------


def scale_tiers(context: Context) -> Iterator[Diagnostic]:
    """A scale's tiers should cover 0–100% of the points, each share once."""
    for name, scale in context.ruleset.scales.items():
        pieces = [_tier(tier) for tier in scale.tiers]
        for index, (tier, piece) in enumerate(zip(scale.tiers, pieces, strict=True)):
            if piece.empty:
                yield Diagnostic(
                    "tier-empty",
                    "warning",
                    f"the tier {tier.name} holds no score: min = max = {show(tier.min)} and max is not included "
                    "(set max_inclusive = true or widen it)",
                    context.at("scales", name, "tiers", index),
                )
                continue
            for earlier, other in enumerate(pieces[:index]):
                shared = intersect(piece, other)
                if not shared.empty:
                    yield Diagnostic(
                        "tier-overlap",
                        "warning",
                        f"the tier {tier.name} {piece} overlaps the tier {scale.tiers[earlier].name} {other} "
                        f"on {shared}: a score there fits both",
                        context.at("scales", name, "tiers", index),
                    )
        gaps = uncovered(Interval(ZERO, ONE), pieces)
        if gaps:
            yield Diagnostic(
                "tier-gap",
                "warning",
                f"no tier covers {_joined(gaps)} (shares of the points): no score there can be given; "
                "make each tier's max the next tier's min, and include 1 in the top tier (max_inclusive = true)",
                context.at("scales", name, "tiers"),
            )


def bands(context: Context) -> Iterator[Diagnostic]:
    """Bands should cover every value the indicator's value can take, each value once."""
    for leaf, method in context.leaves(Bands):
        analysis = context.analyse(method.value_formula)
        values = context.number(method.value_formula)
        pieces = [_band(band) for band, _ in method.bands]
        for index, piece in enumerate(pieces):
            reachable = intersect(piece, values)
            first = uncovered(reachable, pieces[:index])
            if not first:
                why = (
                    f"lies outside the value's possible range {values}"
                    if reachable.empty
                    else "is covered by the bands before it (the first band that matches wins)"
                )
                yield Diagnostic(
                    "band-unreachable",
                    "warning",
                    f"bands[{index}] {piece} {why}: it can never apply",
                    context.leaf_at(leaf, "bands", index),
                )
                continue
            for earlier, other in enumerate(pieces[:index]):
                shared = intersect(reachable, other)
                if not shared.empty:
                    yield Diagnostic(
                        "band-overlap",
                        "warning",
                        f"bands[{index}] {piece} overlaps bands[{earlier}] {other} on {shared}; "
                        f"the first band listed wins there",
                        context.leaf_at(leaf, "bands", index),
                    )
        gaps = uncovered(values, pieces)
        if gaps:
            text = _text(method.value_formula)
            message = (
                f"values in {_joined(gaps)} fall in no band, and scoring a unit whose value is there fails; "
                f"the value {text} ranges over {values}"
            )
            severity: Severity = "error"
            if not analysis.connected:
                severity = "warning"
                reasons = [*analysis.reasons, *dict.fromkeys(analysis.sparse)]
                message += f" (whether it can fall in the gap is not certain: the formula uses {', '.join(reasons)})"
            yield Diagnostic("band-gap", severity, message, context.leaf_at(leaf, "bands"))


# --- ratios ------------------------------------------------------------------------------------


def _rewards(method: Ratio, target: Interval) -> int | None:
    """+1 if the ratio gives more points for a higher actual, −1 for a lower one."""
    if method.exact:
        return None
    if method.direction == ">=":
        return 1
    if method.direction == "<=":
        return -1
    if target.low is not None and target.low > 0:
        return 1  # '=' scored as at least the target
    if target.high is not None and target.high <= 0:
        return -1  # '=' 0: none at all
    return None


def _target_zero(method: Ratio, target: Interval) -> bool:
    return method.direction in (">=", "<=") and target.value is not None and target.value <= 0


def ratio_targets(context: Context) -> Iterator[Diagnostic]:
    """A ratio's target should be above 0 and within reach of its actual."""
    for leaf, method in context.leaves(Ratio):
        target = context.number(method.target_formula)
        actual = context.number(method.actual_formula)
        where = context.leaf_at(leaf, "target")
        if _target_zero(method, target):
            if method.direction == ">=":
                message = (
                    f"a target of {target} is always met: the indicator gives all its points whatever the actual; "
                    'give the real target, or use direction = "=" if the target means "none at all"'
                )
            else:
                message = (
                    f"with a target of {target} the '<=' formula never applies: an actual above it scores 0; "
                    'use direction = "=" (target 0 means "none at all") or give the real target'
                )
            yield Diagnostic("ratio-target-zero", "warning", message, where)
            continue
        if method.exact or _outlook(context, leaf)[1] is not None:
            continue  # never-earns-points says it
        counted = largest(actual, Interval.point(ZERO))  # negative actuals count as 0
        rewards = _rewards(method, target)
        text = _text(method.actual_formula)
        if rewards == 1 and below(counted, target):
            yield Diagnostic(
                "target-out-of-range",
                "warning",
                f"the target {target} is above every possible actual ({text} ranges over {actual}): "
                "the indicator can never earn full points",
                where,
            )
        elif rewards == -1 and below(target, counted):
            yield Diagnostic(
                "target-out-of-range",
                "warning",
                f"the target {target} is below every possible actual ({text} ranges over {actual}): "
                "the indicator can never earn full points",
                where,
            )


def reversed_direction(context: Context) -> Iterator[Diagnostic]:
    """A ratio must reward its actual moving the way its inputs' ``better`` says is better."""
    for leaf, method in context.leaves(Ratio):
        if not isinstance(method.actual_formula, Expression):
            continue
        rewards = _rewards(method, context.number(method.target_formula))
        if rewards is None:
            continue
        for name in sorted(leaf.needs):
            spec = context.ruleset.inputs[name]
            if spec.better is None:
                continue
            moves = trend(method.actual_formula.tree, name, context.names, context.formulas)
            better = 1 if spec.better == "higher" else -1
            if moves in (1, -1) and rewards * moves == -better:
                way = "higher" if rewards == 1 else "lower"
                rises = "rises" if moves == 1 else "falls"
                fix = "<=" if rewards == 1 else ">="
                yield Diagnostic(
                    "reversed-direction",
                    "error",
                    f"{leaf.name} gives more points for a {way} actual, but the actual {method.actual_formula.text} "
                    f"{rises} with inputs.{name} ({spec.label}), for which {spec.better} is better: a reverse "
                    f'indicator scored the wrong way; use direction = "{fix}"',
                    context.leaf_at(leaf),
                )


# --- formulas ----------------------------------------------------------------------------------


def zero_divisors(context: Context) -> Iterator[Diagnostic]:
    """A division whose divisor may be 0 stops scoring for such a unit."""
    guarded = {id(d.expression) for d in context.ruleset.derived if d.spec.fallback is not None}
    for expression in context.expressions():
        if id(expression) in guarded:
            continue  # a division by zero takes the declared fallback, and reports say so
        for found in context.analyse(expression).zero_divisors:
            divisor = found.node.right
            if isinstance(divisor, ast.Name):
                message = f"{divisor.id} may be 0 ({_why_zero(context, divisor.id, found.divisor)}); "
                message += "declare min > 0 or guard the formula"
            else:
                text = ast.get_source_segment(expression.text, divisor) or "the divisor"
                message = f"the divisor {text} may be 0 (it ranges over {found.divisor}); guard the formula"
            message += f" (… if {_text_of(expression, divisor)} > 0 else …)"
            yield Diagnostic("divisor-may-be-zero", "warning", message, _span(expression, divisor))


def _text_of(expression: Expression, node: ast.expr) -> str:
    text = ast.get_source_segment(expression.text, node) or "divisor"
    return text if isinstance(node, ast.Name | ast.Call) else f"({text})"


def _why_zero(context: Context, name: str, values: Interval) -> str:
    spec = context.ruleset.inputs.get(name)
    if spec is None:
        return f"derived.{name} ranges over {values}"
    if isinstance(spec.min, str):
        return f"inputs.{name} is at least {spec.min}, which may be 0"
    if spec.min is not None:
        return f"inputs.{name} has min = {show(spec.min)}"
    if spec.type == "count":
        return f"inputs.{name} is a count, which starts at 0"
    return f"inputs.{name} has no min"


def formula_range(context: Context) -> Iterator[Diagnostic]:
    """A formula leaf's result should stay within [0, points] (the engine clamps it otherwise)."""
    for leaf, method in context.leaves(Formula):
        analysis = context.analyse(method.formula)
        result = context.number(method.formula)
        points = leaf.points
        if result.within(ZERO, points):
            continue
        where = context.leaf_at(leaf, "formula")
        if analysis.exact:
            message = (
                f"over the declared input ranges the formula gives values in {result}, outside [0, {show(points)}]; "
                f"such results are clamped to [0, {show(points)}]"
            )
            if not result.bounded:
                message += " (declare min and max on its inputs, or clamp the formula)"
            yield Diagnostic("formula-out-of-range", "warning", message, where)
        else:
            yield Diagnostic(
                "formula-range-unproven",
                "info",
                f"could not prove the formula stays within [0, {show(points)}] over the declared input ranges "
                f"(it may range over {result}; the formula uses {', '.join(analysis.reasons)})",
                where,
            )


# --- the indicator tree --------------------------------------------------------------------------


def duplicate_names(context: Context) -> Iterator[Diagnostic]:
    """Sibling indicators need different names, or reports cannot tell them apart."""
    groups: list[tuple[str, Sequence[Indicator]]] = [("at the top level", context.ruleset.roots)]
    groups += [(f"under {node.name}", node.children) for node in context.ruleset.indicators() if node.children]
    for where, children in groups:
        seen: dict[str, Indicator] = {}
        for child in children:
            first = seen.setdefault(child.name, child)
            if first is not child:
                yield Diagnostic(
                    "duplicate-indicator-name",
                    "warning",
                    f"indicators.{first.id} {where} is also named {child.name}: reports cannot tell the two apart",
                    context.leaf_at(child, "name"),
                )


def zero_points(context: Context) -> Iterator[Diagnostic]:
    """A leaf worth 0 points can never change a total."""
    for leaf in context.ruleset.leaves:
        if leaf.points == 0:
            yield Diagnostic(
                "zero-points",
                "warning",
                f"{leaf.name} is worth 0 points, so it can never change a total; give it points or remove it",
                context.leaf_at(leaf, "points"),
            )


def fixed_scores(context: Context) -> Iterator[Diagnostic]:
    """A leaf that can never lose points, or never earn any, whatever the data."""
    for leaf in context.ruleset.leaves:
        if leaf.points == 0:
            continue  # zero-points says it
        full, nothing = _outlook(context, leaf)
        method = leaf.method
        if isinstance(method, Ratio) and _target_zero(method, context.number(method.target_formula)):
            continue  # ratio-target-zero says it
        if full is not None:
            yield Diagnostic(
                "never-loses-points", "warning", f"{leaf.name} can never lose points: {full}", context.leaf_at(leaf)
            )
        if nothing is not None:
            yield Diagnostic(
                "never-earns-points",
                "warning",
                f"{leaf.name} can never earn any points: {nothing}",
                context.leaf_at(leaf),
            )


Outlook = tuple[str | None, str | None]
"""Why a leaf always scores full points, and why it always scores 0 (None: it does not)."""


def _outlook(context: Context, leaf: Indicator) -> Outlook:
    method = leaf.method
    if isinstance(method, Ratio):
        return _ratio_outlook(context, method, leaf.spec)
    if isinstance(method, Bands):
        return _bands_outlook(context, method, leaf.points)
    if isinstance(method, Deduction):
        return _deduction_outlook(context, method)
    if isinstance(method, Boolean):
        truth = context.analyse(method.value_formula).value
        condition = f"its condition {method.value_formula.text} is always"
        return (
            f"{condition} true over the declared input ranges" if truth == TRUE else None,
            f"{condition} false over the declared input ranges" if truth == FALSE else None,
        )
    if isinstance(method, Formula):
        result = context.number(method.formula)
        said = f"over the declared input ranges its formula gives {result}"
        full = result.low is not None and result.low >= leaf.points
        nothing = result.high is not None and result.high <= 0
        return (said if full else None, said if nothing else None)
    if isinstance(method, Rating):
        name = context.ruleset.inputs[method.input].scale
        tiers = context.ruleset.scales[name].tiers
        return (
            f"every tier of the scale '{name}' gives all the points" if all(t.min >= 1 for t in tiers) else None,
            f"every tier of the scale '{name}' gives 0" if all(t.max <= 0 for t in tiers) else None,
        )
    return None, None


def _ratio_outlook(context: Context, method: Ratio, spec: RatioLeaf) -> Outlook:
    actual, target = context.number(method.actual_formula), context.number(method.target_formula)
    said = f"the actual {_text(method.actual_formula)} ranges over {actual} and the target is {target}"
    if method.exact:
        tolerance = Interval(-method.tolerance, method.tolerance)
        gap = subtract(actual, target)
        met = gap.within(-method.tolerance, method.tolerance)
        missed = below(gap, tolerance) or below(tolerance, gap)
        return (said if met else None, said if missed else None)
    counted = largest(actual, Interval.point(ZERO))  # negative actuals count as 0
    if method.direction == "<=":
        if at_most(counted, target):
            return said, None
        if below(target, counted) and target.high is not None and target.high <= 0:
            return None, said
        twice = multiply(target, Interval.point(Decimal(2)))
        if method.reverse == "linear" and target.low is not None and target.low > 0 and at_most(twice, counted):
            return None, f"{said}, so the actual is always at least twice the target"
        return None, None
    if target.high is not None and target.high <= 0:
        if method.direction == ">=":
            return said, None
        zero = Interval.point(ZERO)  # '=' 0: met only by none at all
        return (said if at_most(counted, zero) else None, said if below(zero, counted) else None)
    if target.low is None or target.low <= 0:
        return None, None
    over = spec.over_target
    deducts = (
        over is not None
        and over.deduct is not None
        and not below(counted, multiply(Interval.point(over.above), target))
    )
    full = at_most(target, counted) and not deducts
    nothing = counted.high is not None and counted.high <= 0
    return (said if full else None, f"{said} (negative actuals count as 0)" if nothing else None)


def _bands_outlook(context: Context, method: Bands, points: Decimal) -> Outlook:
    values = context.number(method.value_formula)
    pieces = [_band(band) for band, _ in method.bands]
    awards = [
        award
        for index, (piece, (_, award)) in enumerate(zip(pieces, method.bands, strict=True))
        if uncovered(intersect(piece, values), pieces[:index])
    ]
    if not awards:
        return None, None
    said = f"(the value {_text(method.value_formula)} ranges over {values})"
    return (
        f"every band its value can reach gives all {show(points)} points {said}"
        if all(award >= points for award in awards)
        else None,
        f"every band its value can reach gives 0 points {said}" if all(award <= 0 for award in awards) else None,
    )


def _deduction_outlook(context: Context, method: Deduction) -> Outlook:
    counts = intersect(context.number(method.count_formula), Interval(ZERO))  # a negative count fails scoring
    text = _text(method.count_formula)
    if method.cap <= 0:
        return "its cap is 0", None
    full = f"its count {text} is always 0" if counts.high is not None and counts.high <= 0 else None
    least = counts.low
    if least is not None and method.rounding is not None:
        least = least.to_integral_value(rounding=method.rounding)
    nothing = None
    if least is not None and least * method.each >= method.cap:
        nothing = (
            f"its count {text} is at least {show(least)}, and {show(least)} × {show(method.each)} "
            f"takes all {show(method.cap)} points it can lose"
        )
    return full, nothing


RULES: tuple[Rule, ...] = (
    unused_inputs,
    unused_derived,
    unused_scales,
    scale_tiers,
    zero_divisors,
    duplicate_names,
    zero_points,
    bands,
    ratio_targets,
    reversed_direction,
    formula_range,
    fixed_scores,
)
"""The rules :func:`check` runs, in this order."""
