"""Static consistency checks: mistakes a ruleset can hold and still load.

:func:`lint` takes a ruleset (loaded, or a path to load) and returns :class:`Diagnostic` records;
it never raises. A ruleset that does not load gives one error per problem the loader found,
under the problem's own code. A ruleset that loads is then checked by each rule in
:data:`RULES`: small functions yielding diagnostics. What a formula can give is worked out from
the inputs' declared ``min`` and ``max`` by interval arithmetic (:mod:`perfscore.intervals`).

Each rule is a small function yielding :class:`~perfscore.errors.Problem` records with a code
from :data:`perfscore.errors.CODES` (documented in ``docs/errors.md``) and a severity. Rules about
one scoring method live in the method's module (its ``lint`` and ``outlook`` hooks); the rules
here are about the ruleset as a whole.
"""

from __future__ import annotations

import ast
import datetime
import decimal
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from decimal import Decimal
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

from .errors import SEVERITIES, Diagnostic, Location, PerfscoreError, Problem, RulesetError, Severity, Span
from .expressions import Expression
from .grouprules import GroupRule, points_words
from .intervals import (
    EITHER,
    FALSE,
    TRUE,
    Analysis,
    Bound,
    Interval,
    Relations,
    analyse,
    holds,
    hull,
    intersect,
    trend,
    uncovered,
)
from .loader import load, load_bytes, loads
from .messages import LANGS, Text, verbatim, words
from .model import InputSpec, Tier
from .positions import Positions
from .ruleset import Indicator, Ruleset
from .text import plain

__all__ = ["RULES", "SEVERITIES", "Context", "Diagnostic", "Severity", "check", "lint", "lint_text", "load_and_lint"]
ZERO = Decimal(0)
ONE = Decimal(1)

WORDS = words(
    "checks",
    {
        "load-failed": ("perfscore 无法加载规则（{error}）；请报告此问题",
                        "perfscore could not load the ruleset ({error}); please report this"),
        "start-failed": ("检查无法开始（{error}）；请报告此问题", "the checks could not start ({error}); please report this"),
        "rule-failed": ("检查 '{rule}' 出错（{error}）；请报告此问题", "the check '{rule}' failed ({error}); please report this"),
        "unused-input": ("inputs.{name}（{label}）没有被任何指标读取（直接或经计算值）；请为它计分或删除它",
                         "inputs.{name} ({label}) is not read by any indicator, directly or through a derived value; "
                         "score it or remove it"),
        "unused-derived": ("derived.{name} 没有被任何指标读取；请为它计分或删除它",
                           "derived.{name} is not read by any indicator; score it or remove it"),
        "unused-scale": ("scales.{name} 没有被任何评定类输入使用（在某个输入上写 scale = \"{name}\"，或删除它）",
                         "scales.{name} is not used by any rating input (set scale = \"{name}\" on one, or remove it)"),
        "tier-empty": ("档次 {tier} 不含任何得分：min = max = {min} 且不含 max（设 max_inclusive = true 或放宽范围）",
                       "the tier {tier} holds no score: min = max = {min} and max is not included "
                       "(set max_inclusive = true or widen it)"),
        "tier-overlap": ("档次 {tier} {piece} 与档次 {other_tier} {other} 在 {shared} 重叠：那里的得分同时属于两档",
                         "the tier {tier} {piece} overlaps the tier {other_tier} {other} on {shared}: a score there fits both"),
        "tier-gap": ("没有档次覆盖 {gaps}（分值的比例）：那里的得分无法给出；让每档的 max 等于下一档的 min，"
                     "并让最高档包含 1（max_inclusive = true）",
                     "no tier covers {gaps} (shares of the points): no score there can be given; "
                     "make each tier's max the next tier's min, and include 1 in the top tier (max_inclusive = true)"),
        "zero-name": ("{name} 可能为 0（{why}）；请声明 min > 0 或为公式加保护（… if {guard} > 0 else …）",
                      "{name} may be 0 ({why}); declare min > 0 or guard the formula (… if {guard} > 0 else …)"),
        "zero-divisor": ("除数 {text} 可能为 0（取值范围 {values}）；请为公式加保护（… if {guard} > 0 else …）",
                         "the divisor {text} may be 0 (it ranges over {values}); guard the formula (… if {guard} > 0 else …)"),
        "why-derived": ("derived.{name} 的取值范围为 {values}", "derived.{name} ranges over {values}"),
        "why-bound": ("inputs.{name} 不小于 {bound}，而它可能为 0", "inputs.{name} is at least {bound}, which may be 0"),
        "why-min": ("inputs.{name} 的 min = {min}", "inputs.{name} has min = {min}"),
        "why-count": ("inputs.{name} 是计数，从 0 开始", "inputs.{name} is a count, which starts at 0"),
        "why-no-min": ("inputs.{name} 没有 min", "inputs.{name} has no min"),
        "top": ("在顶层", "at the top level"),
        "under": ("在 {name} 下", "under {name}"),
        "same-name": ("indicators.{id}（{where}）也叫 {name}：报告中无法区分二者",
                      "indicators.{id} {where} is also named {name}: reports cannot tell the two apart"),
        "zero-points": ("{name} 的分值为 0，永远不会改变总分；请给它分值或删除它",
                        "{name} is worth 0 points, so it can never change a total; give it points or remove it"),
        "never-loses": ("{name} 永远不会扣分：{why}", "{name} can never lose points: {why}"),
        "never-earns": ("{name} 永远得不到分：{why}", "{name} can never earn any points: {why}"),
        "declared": ("已声明", "declared"),
        "inferred": ("由其比率法指标推断", "inferred from its ratio indicators"),
        "higher": ("越高越好", "higher"),
        "lower": ("越低越好", "lower"),
        "with": ("（其余取 {held}）", " (with {held})"),
        "not-monotone": ("{leaf} 随 inputs.{name} 改善反而下降：{name} {better}（{origin}），但 {name} = {worse} 得 "
                         "{worse_score} 分，而 {name} = {improved} 只得 {improved_score} 分{rest}",
                         "{leaf} falls as inputs.{name} improves: {name} is better {better} ({origin}), yet "
                         "{name} = {worse} scores {worse_score} and {name} = {improved} scores only {improved_score}{rest}"),
    },
)  # fmt: skip


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


def load_and_lint(
    path: str | os.PathLike[str], *, data: bytes | None = None
) -> tuple[Ruleset | None, list[Diagnostic]]:
    """Load the ruleset at ``path`` (or, given ``data``, the ruleset those bytes hold, named ``path``)
    and check it: the ruleset (None if it did not load) and the diagnostics. Never raises."""
    source = str(path)
    try:
        ruleset = load(Path(path)) if data is None else load_bytes(data, source)
    except Exception as error:  # lint reports every failure, it never raises
        return None, _load_failure(error, source)
    return ruleset, check(ruleset)


def _load_failure(error: Exception, source: str | None) -> list[Diagnostic]:
    if isinstance(error, RulesetError):
        return list(error.problems)
    if isinstance(error, PerfscoreError):  # UnreadableFileError: missing, unreadable, too large
        said = Text(*(error.render(lang).removeprefix(f"{source}: ") for lang in ("zh", "en")))
        return [Problem(Location(source), said, code="unreadable-file")]
    if isinstance(error, OSError):
        return [Problem(Location(source), verbatim(str(error)), code="unreadable-file")]
    message = WORDS["load-failed"].format(error=f"{type(error).__name__}: {error}")
    return [Problem(Location(source), message, code="lint-failed")]


def check(ruleset: Ruleset) -> list[Diagnostic]:
    """Run every rule of :data:`RULES` on a loaded ruleset. A rule that fails is reported, not raised."""
    with decimal.localcontext(_CONTEXT):
        try:
            context = Context(ruleset)
        except Exception as error:  # working out the ranges failed: say so instead of raising
            message = WORDS["start-failed"].format(error=f"{type(error).__name__}: {error}")
            return [Problem(Location(ruleset.source), message, code="lint-failed", severity="warning")]
        found: list[Diagnostic] = []
        for rule in RULES:
            try:
                found.extend(rule(context))
            except Exception as error:  # one broken rule must not hide what the others find
                message = WORDS["rule-failed"].format(rule=rule.__name__, error=f"{type(error).__name__}: {error}")
                found.append(Problem(Location(ruleset.source), message, code="lint-failed", severity="warning"))
    return Positions(ruleset.text).locate(found)  # each also says the line and column of its key


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

    def expressions(self) -> Iterator[Expression]:
        """Every compiled formula: derived values first, then each leaf's."""
        for derived in self.ruleset.derived:
            yield derived.expression
        for leaf in self.ruleset.leaves:
            for formula in leaf.formulas.values():
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


def _span(expression: Expression, node: ast.expr) -> Location:
    """The location of ``node`` inside ``expression`` (ast counts UTF-8 bytes; carets count characters)."""
    encoded = expression.text.encode("utf-8")

    def chars(offset: int) -> int:
        return len(encoded[:offset].decode("utf-8", errors="ignore"))

    start, end = chars(node.col_offset), chars(node.end_col_offset or node.col_offset + 1)
    where = expression.location
    return Location(where.file, where.path, span=Span(expression.text, start, end))


def _tier(tier: Tier) -> Interval:
    return Interval(tier.min, tier.max, False, not tier.max_inclusive)


def _joined(intervals: Sequence[Interval]) -> str:
    texts = [str(interval) for interval in intervals]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


Rule = Callable[[Context], Iterator[Diagnostic]]


# --- unused declarations -----------------------------------------------------------------------


def unused_inputs(context: Context) -> Iterator[Diagnostic]:
    """An input no indicator (nor any rule on a group or the total) reads, directly or through derived values."""
    read = set().union(*(leaf.needs for leaf in context.ruleset.leaves), *(r.needs for r in context.ruleset.rules()))
    for name, spec in context.ruleset.inputs.items():
        if name not in read:
            yield Problem(
                context.at("inputs", name),
                WORDS["unused-input"].format(name=name, label=spec.label),
                code="unused-input",
                severity="warning",
            )


def unused_derived(context: Context) -> Iterator[Diagnostic]:
    """A derived value no indicator (nor any rule on a group or the total) reads."""
    read = {name for leaf in context.ruleset.leaves for name in leaf.reads}
    read |= {name for rule in context.ruleset.rules() for name in rule.when.names}
    for derived in reversed(context.ruleset.derived):  # readers come after what they read
        if derived.name in read:
            read |= derived.expression.names
    for derived in context.ruleset.derived:
        if derived.name not in read:
            yield Problem(
                context.at("derived", derived.name),
                WORDS["unused-derived"].format(name=derived.name),
                code="unused-derived",
                severity="warning",
            )


def unused_scales(context: Context) -> Iterator[Diagnostic]:
    """A declared scale no rating input uses."""
    used = {spec.scale for spec in context.ruleset.inputs.values() if spec.type == "rating"}
    for name in context.ruleset.scales:
        if name != "default" and name not in used:
            yield Problem(
                context.at("scales", name),
                WORDS["unused-scale"].format(name=name),
                code="unused-scale",
                severity="warning",
            )


# --- scales and bands: do the pieces cover the range once? ---------------------------------------


def scale_tiers(context: Context) -> Iterator[Diagnostic]:
    """A scale's tiers should cover 0–100% of the points, each share once."""
    for name, scale in context.ruleset.scales.items():
        pieces = [_tier(tier) for tier in scale.tiers]
        for index, (tier, piece) in enumerate(zip(scale.tiers, pieces, strict=True)):
            if piece.empty:
                yield Problem(
                    context.at("scales", name, "tiers", index),
                    WORDS["tier-empty"].format(tier=tier.name, min=plain(tier.min)),
                    code="tier-empty",
                    severity="warning",
                )
                continue
            for earlier, other in enumerate(pieces[:index]):
                shared = intersect(piece, other)
                if not shared.empty:
                    yield Problem(
                        context.at("scales", name, "tiers", index),
                        WORDS["tier-overlap"].format(
                            tier=tier.name,
                            piece=piece,
                            other_tier=scale.tiers[earlier].name,
                            other=other,
                            shared=shared,
                        ),
                        code="tier-overlap",
                        severity="warning",
                    )
        gaps = uncovered(Interval(ZERO, ONE), pieces)
        if gaps:
            yield Problem(
                context.at("scales", name, "tiers"),
                WORDS["tier-gap"].format(gaps=_joined(gaps)),
                code="tier-gap",
                severity="warning",
            )


def leaf_rules(context: Context) -> Iterator[Diagnostic]:
    """Each leaf's own method checks its rules (bands that leave gaps, targets out of reach, …)."""
    for leaf in context.ruleset.leaves:
        assert leaf.method is not None
        yield from leaf.method.lint(leaf, context)


def zero_divisors(context: Context) -> Iterator[Diagnostic]:
    """A division whose divisor may be 0 stops scoring for such a unit."""
    guarded = {id(d.expression) for d in context.ruleset.derived if d.spec.fallback is not None}
    for expression in context.expressions():
        if id(expression) in guarded:
            continue  # a division by zero takes the declared fallback, and reports say so
        for found in context.analyse(expression).zero_divisors:
            divisor = found.node.right
            if isinstance(divisor, ast.Name):
                why = _why_zero(context, divisor.id, found.divisor)
                message = WORDS["zero-name"].format(name=divisor.id, why=why, guard=_text_of(expression, divisor))
            else:
                text = ast.get_source_segment(expression.text, divisor) or "divisor"
                message = WORDS["zero-divisor"].format(
                    text=text, values=found.divisor, guard=_text_of(expression, divisor)
                )
            yield Problem(_span(expression, divisor), message, code="divisor-may-be-zero", severity="warning")


def _text_of(expression: Expression, node: ast.expr) -> str:
    text = ast.get_source_segment(expression.text, node) or "divisor"
    return text if isinstance(node, ast.Name | ast.Call) else f"({text})"


def _why_zero(context: Context, name: str, values: Interval) -> Text:
    spec = context.ruleset.inputs.get(name)
    if spec is None:
        return WORDS["why-derived"].format(name=name, values=values)
    if isinstance(spec.min, str):
        return WORDS["why-bound"].format(name=name, bound=spec.min)
    if spec.min is not None:
        return WORDS["why-min"].format(name=name, min=plain(spec.min))
    if spec.type == "count":
        return WORDS["why-count"].format(name=name)
    return WORDS["why-no-min"].format(name=name)


# --- the indicator tree --------------------------------------------------------------------------


def duplicate_names(context: Context) -> Iterator[Diagnostic]:
    """Sibling indicators need different names, or reports cannot tell them apart."""
    groups: list[tuple[Text, Sequence[Indicator]]] = [(WORDS["top"], context.ruleset.roots)]
    groups += [
        (WORDS["under"].format(name=node.name), node.children) for node in context.ruleset.indicators() if node.children
    ]
    for where, children in groups:
        seen: dict[str, Indicator] = {}
        for child in children:
            first = seen.setdefault(child.name, child)
            if first is not child:
                yield Problem(
                    context.leaf_at(child, "name"),
                    WORDS["same-name"].format(id=first.id, where=where, name=child.name),
                    code="duplicate-indicator-name",
                    severity="warning",
                )


def zero_points(context: Context) -> Iterator[Diagnostic]:
    """A leaf worth 0 points can never change a total."""
    for leaf in context.ruleset.leaves:
        if leaf.points == 0:
            yield Problem(
                context.leaf_at(leaf, "points"),
                WORDS["zero-points"].format(name=leaf.name),
                code="zero-points",
                severity="warning",
            )


def fixed_scores(context: Context) -> Iterator[Diagnostic]:
    """A leaf that can never lose points, or never earn any, whatever the data."""
    for leaf in context.ruleset.leaves:
        if leaf.points == 0:
            continue  # zero-points says it
        assert leaf.method is not None
        full, nothing = leaf.method.outlook(leaf, context)
        if full is not None:
            yield Problem(
                context.leaf_at(leaf),
                WORDS["never-loses"].format(name=leaf.name, why=_said(full)),
                code="never-loses-points",
                severity="warning",
            )
        if nothing is not None:
            yield Problem(
                context.leaf_at(leaf),
                WORDS["never-earns"].format(name=leaf.name, why=_said(nothing)),
                code="never-earns-points",
                severity="warning",
            )


# --- monotonicity: a better input never costs points ----------------------------------------------

ORDERED = ("number", "percent", "count", "date", "bool")  # inputs whose values can be better or worse


def better_directions(ruleset: Ruleset) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Input → (``higher`` or ``lower`` is better, ``declared`` or ``inferred``), and the inputs whose
    indicators disagree. An input without ``better`` is inferred from the indicators that read it
    bare where their rules reward one way (a ratio's actual)."""
    inferred: dict[str, set[str]] = {}
    for leaf in ruleset.leaves:
        assert leaf.method is not None
        rewarded = leaf.method.rewards(leaf)
        if rewarded is None:
            continue
        key, way = rewarded
        formula = leaf.formulas.get(key)
        name = formula.bare_name if isinstance(formula, Expression) else None
        if name is not None and name in ruleset.inputs:
            inferred.setdefault(name, set()).add("higher" if way > 0 else "lower")
    directions: dict[str, tuple[str, str]] = {}
    conflicts: list[str] = []
    for name, spec in ruleset.inputs.items():
        if spec.type not in ORDERED:
            continue
        if spec.better is not None:
            directions[name] = (spec.better, "declared")
        elif len(inferred.get(name, ())) == 1:
            directions[name] = (next(iter(inferred[name])), "inferred")
        elif name in inferred:
            conflicts.append(name)
    return directions, conflicts


def leaf_trend(context: Context, leaf: Indicator, name: str) -> int | None:
    """+1 if the leaf's score never falls as input ``name`` rises (the others fixed), −1 if it never
    rises, 0 if it does not move, None when the analysis cannot tell: each formula's own trend in
    the input (interval analysis), times the method's trend in that formula's value."""
    assert leaf.method is not None
    parts = []
    for key, formula in leaf.formulas.items():
        if not isinstance(formula, Expression):
            continue
        moves = trend(formula.tree, name, context.names, context.formulas)
        if moves == 0:
            continue
        way = leaf.method.trend(leaf, key, context).way
        if moves is None or way is None:
            return None
        parts.append(moves * way)
    moving = set(parts) - {0}
    return 0 if not moving else (moving.pop() if len(moving) == 1 else None)


def monotone(context: Context) -> Iterator[Diagnostic]:
    """Improving an input (the way its ``better`` says, declared or inferred) never lowers a leaf's
    score: proved by analysis, or a pair of values shows where it does (bands that pay less for
    more, a formula that falls as a higher-is-better input rises)."""
    ruleset = context.ruleset
    directions, _ = better_directions(ruleset)
    probe = _Probe(context)
    for leaf in ruleset.leaves:
        assert leaf.method is not None
        for name in sorted(leaf.needs & directions.keys()):
            better, origin = directions[name]
            want = 1 if better == "higher" else -1
            way = leaf_trend(context, leaf, name)
            if way is not None and (way * want >= 0 or leaf.method.rewards(leaf) is not None):
                continue  # proved, or the method states its own direction mistakes (reversed-direction)
            found = probe.counterexample(leaf, name, want)
            if found is None:
                continue
            (worse, worse_score), (improved, improved_score), others = found
            origin_words = WORDS["declared" if origin == "declared" else "inferred"]
            held = ", ".join(f"{key} = {_value(v)}" for key, v in others.items())
            rest = WORDS["with"].format(held=held) if others else ""
            said = WORDS["not-monotone"].format(
                leaf=leaf.name, name=name, better=WORDS[better], origin=origin_words, worse=_value(worse),
                worse_score=plain(worse_score), improved=_value(improved), improved_score=plain(improved_score),
                rest=rest,
            )  # fmt: skip
            yield Problem(context.leaf_at(leaf), said, code="not-monotone")


def _said(why: str | Text) -> Text:
    """A method's words (a Text, or English for a method of one's own) as a Text."""
    return why if isinstance(why, Text) else Text(why, why)


def _value(value: Any) -> str:
    return plain(value) if isinstance(value, Decimal) else str(value)


class _Probe:
    """Scores one leaf at chosen values of one input, the others held at values within their bounds."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.ruleset = context.ruleset
        self.base: dict[str, Any] = {}
        for name, spec in self.ruleset.inputs.items():
            if spec.type in ("number", "percent", "count"):
                self.base[name] = _typical(context.names[name].value, spec.type == "count")
            elif spec.type == "bool":
                self.base[name] = True
            elif spec.type == "date":
                self.base[name] = datetime.date(2023, 12, 31)
        for name, spec in self.ruleset.inputs.items():  # executed ≤ budget, and the like
            if isinstance(spec.max, str) and name in self.base and spec.max in self.base:
                self.base[name] = min(self.base[name], self.base[spec.max])
            if isinstance(spec.min, str) and name in self.base and spec.min in self.base:
                self.base[name] = max(self.base[name], self.base[spec.min])

    def counterexample(
        self, leaf: Indicator, name: str, want: int
    ) -> tuple[tuple[Any, Decimal], tuple[Any, Decimal], dict[str, Any]] | None:
        """Two values of ``name``, the worse first, where the better one scores less; and the others' values."""
        if not leaf.needs <= self.base.keys():
            return None  # it reads text or a rating: held values would be guesses
        others = {key: self.base[key] for key in sorted(leaf.needs) if key != name}
        scored = []
        for value in self.candidates(leaf, name):
            try:
                scored.append((value, self.ruleset.score_leaf(leaf, {**others, name: value})))
            except PerfscoreError:
                continue  # such a unit cannot be scored (a division by zero): other checks say so
        scored.sort(key=lambda pair: pair[0], reverse=want < 0)  # from worse to better
        for (worse, worse_score), (improved, improved_score) in pairwise(scored):
            if improved_score < worse_score:
                return (worse, worse_score), (improved, improved_score), others
        return None

    def candidates(self, leaf: Indicator, name: str) -> list[Any]:
        """Values of the input worth trying: its bounds, where the leaf's rules change (a target, a band's
        edge) when it reads the input bare, just beside them, and a spread over its range."""
        spec = self.ruleset.inputs[name]
        if spec.type == "bool":
            return [False, True]
        if spec.type == "date":
            return []
        declared = self.context.names[name].value
        assert isinstance(declared, Interval) and leaf.method is not None
        marks = {self.base[name], ZERO, ONE}
        whole = spec.type == "count"
        step = ONE if whole else _STEP  # just beside a landmark: the next whole count, or a cent
        for key, values in leaf.method.landmarks(leaf).items():
            formula = leaf.formulas.get(key)
            if isinstance(formula, Expression) and formula.bare_name == name:
                for mark in values:
                    marks.update((mark, mark - step, mark + step))
        low, high = declared.low, declared.high
        if low is not None and high is not None:
            marks.update(low + (high - low) * share / 10 for share in range(11))
        else:
            centre = low if low is not None else high if high is not None else ZERO
            marks.update(centre + sign * 10**power for sign in (-1, 1) for power in range(4))
        return sorted(mark for mark in marks if declared.contains(mark) and (not whole or mark == int(mark)))


_STEP = Decimal("0.01")


def _typical(declared: Any, whole: bool) -> Decimal:
    """A value well inside an input's declared range (the middle, or 100 past its one bound)."""
    low, high = (declared.low, declared.high) if isinstance(declared, Interval) else (None, None)
    if low is not None and high is not None:
        middle = (low + high) / 2
    elif low is not None:
        middle = low + 100
    elif high is not None:
        middle = high - 100
    else:
        middle = Decimal(100)
    return middle.to_integral_value() if whole else middle


# --- rules on groups and the total ----------------------------------------------------------------


def _rule_names(context: Context, rule: GroupRule) -> dict[str, Bound]:
    """What each name a rule's condition reads can hold, ``score("…")`` included (a leaf's score lies
    within its points; a group's is at least 0)."""
    names = dict(context.names)
    nodes = {node.id: node for node in context.ruleset.indicators()}
    for name, key in rule.scores.items():
        node = nodes[key]
        names[name] = Bound(Interval(ZERO, node.points if node.is_leaf else None))
    return names


def _when(rule: GroupRule) -> Location:
    """Where a rule's condition is written."""
    return Location(rule.location.file, (*rule.location.path, "when"))


def _single(rule: GroupRule) -> str | None:
    """The one name a rule's condition reads, when it reads exactly one (the clauses of a table)."""
    return rule.shows[0] if len(rule.shows) == 1 else None


RULE_CHECKS = words(
    "checks.group-rules",
    {
        "unreachable": ("条件「{when}」在各输入声明的取值范围内永远不成立：这条{kind}规则不会起作用；请检查比较方向和输入的 min、max",
                        "the condition '{when}' can never hold for the inputs' declared ranges: this {kind} never "
                        "applies; check the comparison and the inputs' min and max"),
        "always": ("条件「{when}」对所有单位都成立：这条{kind}规则总会起作用；请改正条件，或直接改分值",
                   "the condition '{when}' holds for every unit: this {kind} always applies; correct the condition, "
                   "or state the rule as the node's points"),
        "boundary": ("{name} = {point} 同时满足两条{kind}规则的条件：{limits}；请写明 {point} 属于哪一档（一条用 <，另一条用 >=）",
                     "{name} = {point} meets the conditions of two {kind}s: {limits}; say which one {point} belongs "
                     "to (< in one, >= in the other)"),
        "overlap": ("两条{kind}规则的条件在 {name} 取 {where} 时重叠（如 {example}）：{limits}同时适用，较严的一条起作用；"
                    "请把各档写成互不重叠",
                    "the conditions of two {kind}s overlap where {name} is in {where} (e.g. {example}): {limits} "
                    "both apply there, and the stricter one wins; make the clauses exclusive"),
        "gap": ("{name} 取 {where} 时没有任何{kind}规则适用，位于 {around} 之间：如 {example} 不满足其中任何一条；"
                "请让每一档从上一档结束处开始",
                "no {kind} applies where {name} is in {where}, between {around}: e.g. {example} meets none of "
                "them; make each clause start where the one before it ends"),
        "limits": ("{first}（{first_rule}）与 {second}（{second_rule}）", "{first} ({first_rule}) and {second} ({second_rule})"),
        "and": ("、", " and "),
    },
)  # fmt: skip


def _rule_problem(at: Location, key: str, code: str, **fields: str | Text) -> Problem:
    """A warning about rules on a group or the total, in both languages."""
    zh, en = (
        RULE_CHECKS[key](lang).format(**{k: v(lang) if isinstance(v, Text) else v for k, v in fields.items()})
        for lang in LANGS
    )
    return Problem(at, en, code=code, severity="warning", message_zh=zh)


def group_rules(context: Context) -> Iterator[Diagnostic]:
    """Rules on groups and the total: a condition that can never hold or always holds, each kind's
    own mistakes (a ceiling that can never bind), and the clauses of one node read as one table —
    two ceilings (or floors) whose conditions on the same value overlap, meet at a boundary, or
    leave values between them to which neither applies."""
    ruleset = context.ruleset
    for rules in ruleset.group_rules.values():
        for rule in rules:
            names = _rule_names(context, rule)
            truth = analyse(rule.when.tree, names, context.relations).value
            if truth == FALSE:
                yield _rule_problem(
                    _when(rule), "unreachable", "rule-unreachable", when=rule.when.text, kind=rule.kind.title
                )
            elif truth == TRUE:
                yield _rule_problem(_when(rule), "always", "rule-always", when=rule.when.text, kind=rule.kind.title)
            yield from rule.kind.lint(rule, context)
        yield from _clauses(context, [rule for rule in rules if rule.kind.family is not None])


def _clauses(context: Context, rules: Sequence[GroupRule]) -> Iterator[Diagnostic]:
    """Overlaps, shared boundaries and gaps between the conditions of one node's rules of a family
    that each read the same one value (``execution_rate < 0.6`` and ``execution_rate < 0.5``)."""
    tables: dict[tuple[str | None, str], list[tuple[GroupRule, list[Interval]]]] = {}
    for rule in rules:
        name = _single(rule)
        if name is None:
            continue
        bound = _rule_names(context, rule).get(name)
        if bound is None or not isinstance(bound.value, Interval):
            continue
        pieces = holds(rule.when.tree, name, bound.value)
        if pieces is not None:
            tables.setdefault((rule.kind.family, name), []).append((rule, pieces))
    for (_, name), clauses in tables.items():
        label = _value_label(name, clauses[0][0])
        kind = clauses[0][0].kind.title
        for (first, one), (second, other) in combinations(clauses, 2):
            shared = [piece for a in one for b in other if not (piece := intersect(a, b)).empty]
            if not shared:
                continue
            limits = Text(*(
                RULE_CHECKS["limits"](lang).format(first=points_words(first.limit), first_rule=_rule_key(first),
                                                   second=points_words(second.limit), second_rule=_rule_key(second))
                for lang in LANGS
            ))  # fmt: skip
            point = shared[0].value if len(shared) == 1 else None
            if point is not None:
                yield _rule_problem(_when(second), "boundary", "rule-boundary", name=label, point=plain(point),
                                    kind=kind, limits=limits)  # fmt: skip
                continue
            yield _rule_problem(_when(second), "overlap", "rule-overlap", name=label, kind=kind, limits=limits,
                                where=_joined(shared), example=plain(_inside(shared[0])))  # fmt: skip
        covered = [piece for _, pieces in clauses for piece in pieces if not piece.empty]
        if not covered:
            continue
        for gap in uncovered(hull(covered), covered):
            if gap.empty:
                continue
            near = [rule for rule, pieces in clauses if any(_touches(piece, gap) for piece in pieces)]
            around = Text(*(
                RULE_CHECKS["and"](lang).join(f"{_rule_key(rule)}（{rule.when.text}）" if lang == "zh"
                                              else f"{_rule_key(rule)} ({rule.when.text})" for rule in near)
                for lang in LANGS
            ))  # fmt: skip
            yield _rule_problem(_when(near[-1] if near else clauses[-1][0]), "gap", "rule-gap", name=label,
                                kind=kind, where=str(gap), around=around, example=plain(_inside(gap)))  # fmt: skip


def _rule_key(rule: GroupRule) -> str:
    """A rule as its key path names it: ``rules[2]``."""
    return f"rules[{rule.index}]"


def _touches(piece: Interval, gap: Interval) -> bool:
    """Whether ``piece`` ends where ``gap`` starts or starts where it ends."""
    return (piece.high is not None and piece.high == gap.low) or (piece.low is not None and piece.low == gap.high)


def _inside(interval: Interval) -> Decimal:
    """A value inside ``interval``: its middle, or a step inside its one finite end."""
    low, high = interval.low, interval.high
    if low is not None and high is not None:
        return low if low == high else (low + high) / 2
    if low is not None:
        return low if not interval.low_open else low + 1
    if high is not None:
        return high if not interval.high_open else high - 1
    return ZERO


def _value_label(name: str, rule: GroupRule) -> str:
    key = rule.scores.get(name)
    return f'score("{key}")' if key is not None else name


RULES: tuple[Rule, ...] = (
    unused_inputs,
    unused_derived,
    unused_scales,
    scale_tiers,
    zero_divisors,
    duplicate_names,
    zero_points,
    leaf_rules,
    fixed_scores,
    monotone,
    group_rules,
)
"""The rules :func:`check` runs, in this order."""
