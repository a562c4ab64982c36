"""The properties, checked on one example at a time, each failure worded for the bureau that wrote the ruleset."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from ..checks import better_directions
from ..errors import DataError, PerfscoreError, ScoringError
from ..exact import CONTEXT, ONE, ZERO, pinned, total
from ..expressions import Expression
from ..messages import Text, words
from ..result import ScoreResult
from ..ruleset import Indicator, Ruleset
from ..text import plain_data
from ._words import say, value_text
from .data import Inputs
from .report import WORDS as REPORT_WORDS
from .report import PropertyFailure, rule_text
from .solve import Solver, Verify

SAID = words(
    "testing.failures",
    {
        "left-out": ("{name} 未填", "{name} left out"),
        "no-data": ("未填任何数据", "no data"),
        "crashed": ("当 {data} 时，评分抛出 {crash}，而非 DataError 或 ScoringError",
                    "with {data}, scoring raised {crash}, not a DataError or ScoringError"),
        "above-points": ("当 {data} 时，{leaf}得 {score} 分，但其分值只有 {points} 分",
                         "with {data}, {leaf} scores {score} but is worth {points} points"),
        "below-zero": ("当 {data} 时，{leaf}得 {score} 分，低于 0 分", "with {data}, {leaf} scores {score}, below 0"),
        "formula-above": ("当 {data} 时，{leaf}的公式得出 {result}，超过其分值 {points} 分（引擎按 {points} 分计）",
                          "with {data}, the formula of {leaf} gives {result} but it is worth {points} points "
                          "(the engine counts {points})"),
        "formula-below": ("当 {data} 时，{leaf}的公式得出 {result}，低于 0 分（引擎按 0 分计）",
                          "with {data}, the formula of {leaf} gives {result}, below 0 (the engine counts 0)"),
        "total-sum": ("当 {data} 时，总分为 {got}，但各项按舍入规则（{policy}）相加为 {expected}",
                      "with {data}, the total is {got} but its items add up to {expected} under the rounding rule "
                      "({policy})"),
        "subtotal-sum": ("当 {data} 时，{group}的小计为 {got}，但其下各项按舍入规则（{policy}）相加为 {expected}",
                         "with {data}, the subtotal of {group} is {got} but its items add up to {expected} under the "
                         "rounding rule ({policy})"),
        "policy": ("{places} 位小数、{mode}、{stage}", "{places} places, {mode}, {stage}"),
        "leaf": ("逐项舍入后相加", "each item rounded, then added"),
        "total": ("相加后舍入", "added, then rounded"),
        "total-outside": ("当 {data} 时，总分为 {total}，超出 0–{points} 分的范围",
                          "with {data}, the total is {total}, outside 0–{points} points"),
        "differs": ("同样的数据（{data}）{how}，结果不同：{detail}",
                    "the same data ({data}) gave a different result when {how}: {detail}"),
        "twice": ("评分两次", "scoring it twice"),
        "pickled": ("用规则的序列化副本评分", "scoring it with a pickled copy of the ruleset"),
        "data-changed": ("评分改动了传入的数据：{detail}", "scoring changed the data it was given: {detail}"),
        "key-order": ("同样的数据按另一种键顺序（{keys}）给出，结果不同：{detail}",
                      "the same data with its keys in another order ({keys}) gave a different result: {detail}"),
        "monotone": ("{name} {better}（{origin}），但 {name} 从 {worse} 改为 {improved}{rest} 时，{scored}从 {before} 分降为 {after} 分",
                     "{name} is {better} ({origin}), yet changing it from {worse} to {improved}{rest} lowers {scored} "
                     "from {before} to {after}"),
        "rest": ("（其余不变：{data}）", " (with {data})"),
        "declared": ("声明", "declared"),
        "inferred": ("由比率指标推断", "inferred from its ratio indicators"),
        "the-total": ("总分", "the total"),
        "rule-broken": ("当 {data} 时，{node}在规则（{rule}）之后为 {score} 分，不符合该规则",
                        "with {data}, {node} is {score} after its rule ({rule}), which the rule does not allow"),
        "full-marks": ("当 {data} 时（已达到或超过目标），{leaf}得 {score} 分，而非满分 {points} 分",
                       "with {data}, at or beyond its target, {leaf} scores {score} instead of its full {points} points"),
    },
)  # fmt: skip


class Profile:
    """What the kit knows about one ruleset: how to draw its data, how to bring a unit to every
    target, which way its inputs improve, and where a walk between two of their values stops."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.inputs = Inputs(ruleset)
        self.solver = Solver(ruleset, self.inputs)
        self.directions, self.conflicts = better_directions(ruleset)
        self.stops = {name: self._stops(name) for name in self.directions}

    @pinned
    def _stops(self, name: str) -> list[Decimal]:
        """Values of the input ``name`` where a leaf that reads it bare changes its rule (a target, a
        band's edge), and a step either side: where a score that falls between two values falls."""
        value = self.inputs.values[name]
        if not value.numeric:
            return []
        step = ONE if value.whole else ONE.scaleb(-value.places)
        marks: set[Decimal] = set()
        for leaf in self.ruleset.leaves:
            assert leaf.method is not None
            for key, landmarks in leaf.method.landmarks(leaf).items():
                formula = leaf.formulas.get(key)
                if isinstance(formula, Expression) and formula.bare_name == name:
                    marks.update(mark + shift for mark in landmarks for shift in (-step, ZERO, step))
        declared = value.declared()
        return sorted(m for m in marks if declared.contains(m) and (not value.whole or m == m.to_integral_value()))

    def across(self, probe: tuple[str, Any, Any]) -> tuple[str, Any, Any]:
        """A probe (input, worse value, better value) pushed out past every stop of its input."""
        name, worse, better = probe
        stops = self.stops[name]
        if not stops:
            return probe
        if self.directions[name][0] == "higher":
            return name, min(worse, stops[0]), max(better, stops[-1])
        return name, max(worse, stops[-1]), min(better, stops[0])


@dataclass
class Stats:
    """What a run learns beyond pass or fail."""

    scoring_error: str | None = None
    data_error: str | None = None
    constructed: set[int] = field(default_factory=set)  # leaves some unit reached the target of
    falls_across: bool = False  # some walk across all of an input's stops found a score falling
    missed: dict[int, Text] = field(default_factory=dict)  # why a leaf's target was not reached


@dataclass
class Case:
    """One example: a unit, and what the properties that need more than a unit drew for it."""

    unit: dict[str, Any]
    order: list[str] | None = None
    arbitrary: dict[str, Any] | None = None
    probe: tuple[str, Any, Any] | None = None  # input, worse value, better value
    best: dict[str, Any] | None = None
    verifies: dict[int, Verify] = field(default_factory=dict)


class Crash:
    """Scoring raised something other than a PerfscoreError."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __str__(self) -> str:
        return f"{type(self.error).__name__}: {self.error}"


Outcome = ScoreResult | PerfscoreError | Crash


class _Scored(NamedTuple):
    value: Any  # the input's value
    data: dict[str, Any]  # the unit with it
    result: ScoreResult


Crashes = list[tuple[Mapping[str, Any], Crash]]


class Checker:
    """Checks the properties for one example and words what it finds."""

    def __init__(self, profile: Profile, active: Sequence[str], stats: Stats) -> None:
        self.profile = profile
        self.ruleset = profile.ruleset
        self.active = active
        self.stats = stats
        self.copy: Ruleset = pickle.loads(pickle.dumps(profile.ruleset))
        self.unscored = False  # whether the last example's unit met a ScoringError

    # --- wording ---

    def data_text(self, values: Mapping[str, Any], names: Iterable[str] | None = None) -> Text:
        """The values of ``names`` (all of them when None) as a sentence lists them."""
        wanted = set(values if names is None else names)
        named = [name for name in self.ruleset.inputs if name in wanted]
        given = [f"{name} = {value_text(values[name])}" for name in named if name in values]
        unset = [name for name in named if name not in values]

        def listed(lang: str) -> str:
            parts = given + [SAID["left-out"](lang).format(name=name) for name in unset]
            if not parts:
                return SAID["no-data"](lang)
            if lang == "zh":
                return "、".join(parts)
            return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

        return Text(listed("zh"), listed("en"))

    def points(self, value: Decimal, bound: Decimal | None = None) -> str:
        """A score as the ruleset rounds it, or exactly when rounding would hide a difference from ``bound``."""
        rounded = self.ruleset.round(value)
        if bound is not None and value != bound and rounded == self.ruleset.round(bound):
            return value_text(value)
        return value_text(rounded)

    def leaf_failure(self, name: str, leaf: Indicator, data: Mapping[str, Any], said: Text, expected: str, got: str,
                     changed: tuple[str, Any, Any] | None = None) -> PropertyFailure:  # fmt: skip
        """A failure at leaf: its id, name and rule with the counterexample and the words."""
        return PropertyFailure(name, dict(data), said.zh, said.en, expected, got, leaf.id, leaf.name, rule_text(leaf),
                               changed)  # fmt: skip

    # --- scoring ---

    def attempt(self, values: Mapping[str, Any], ruleset: Ruleset | None = None) -> Outcome:
        """Score values: the result, perfscore's own error, or a crash."""
        try:
            return (ruleset or self.ruleset).score(values)
        except PerfscoreError as error:
            return error
        except Exception as error:
            return Crash(error)

    def document(self, outcome: Outcome) -> Crash | None:
        """Read the whole result as a person would (every explanation, both languages, the tree);
        anything but a PerfscoreError raised on the way is a crash."""
        if not isinstance(outcome, ScoreResult):
            return outcome if isinstance(outcome, Crash) else None
        try:
            for item in outcome.items:
                item.explain("zh")
                item.explain("en")
            outcome.subtotals  # noqa: B018 - built on first read: reading it is the check
        except PerfscoreError:
            return None
        except Exception as error:
            return Crash(error)
        return None

    # --- the checks ---

    def violations(self, case: Case) -> dict[str, PropertyFailure]:
        """Every active property the example breaks, by name."""
        found: dict[str, PropertyFailure | None] = {}
        active = self.active
        outcome = self.attempt(case.unit)
        self.unscored = isinstance(outcome, ScoringError)
        if isinstance(outcome, ScoringError) and self.stats.scoring_error is None:
            self.stats.scoring_error = outcome.render()
        if isinstance(outcome, DataError) and self.stats.data_error is None:
            self.stats.data_error = outcome.render()
        document = self.document(outcome)
        crashes: Crashes = []
        if document is not None:
            crashes.append((case.unit, document))
        if case.arbitrary is not None:
            odd_document = self.document(self.attempt(case.arbitrary))
            if odd_document is not None:
                crashes.append((case.arbitrary, odd_document))
        if isinstance(outcome, ScoreResult) and document is None:
            for name, check in (
                ("leaf-within-points", self.leaf_within_points),
                ("formula-within-points", self.formula_within_points),
                ("totals-add-up", self.totals_add_up),
                ("total-within-points", self.total_within_points),
                ("deterministic", self.deterministic),
            ):
                if name in active:
                    found[name] = check(case.unit, outcome)
            if "key-order" in active and case.order is not None:
                found["key-order"] = self.key_order(case.unit, case.order, outcome)
        if "monotone" in active and case.probe is not None:
            found["monotone"] = self.monotone(case.unit, case.probe, crashes)
            across = self.profile.across(case.probe)  # a fall beyond the two values, which run() then shrinks
            if found["monotone"] is None and not self.stats.falls_across and across != case.probe:
                self.stats.falls_across = self.monotone(case.unit, across, crashes) is not None
        if "full-marks" in active and case.best is not None:
            found["full-marks"] = self.full_marks(case.best, case.verifies, crashes)
        if "own-errors" in active and crashes:
            data, crash = crashes[0]
            said = say(SAID["crashed"], data=self.data_text(data), crash=str(crash))
            found["own-errors"] = PropertyFailure("own-errors", dict(data), said.zh, said.en,
                                                  "a result, a DataError or a ScoringError", str(crash))  # fmt: skip
        return {name: failure for name, failure in found.items() if failure is not None}

    def leaf_within_points(self, unit: Mapping[str, Any], result: ScoreResult) -> PropertyFailure | None:
        """Every leaf scores between 0 and its points, before rounding and after."""
        for leaf, item in zip(self.ruleset.leaves, result.items, strict=True):
            for value in (item.raw, item.score):
                if ZERO <= value <= item.points:
                    continue
                shown = self.points(value, item.points if value > 0 else ZERO)
                data, points = self.data_text(unit, leaf.needs), value_text(item.points)
                key = "above-points" if value > item.points else "below-zero"
                said = say(SAID[key], data=data, leaf=leaf.name, score=shown, points=points)
                return self.leaf_failure("leaf-within-points", leaf, unit, said, f"0 ≤ score ≤ {points}", shown)
        return None

    def formula_within_points(self, unit: Mapping[str, Any], result: ScoreResult) -> PropertyFailure | None:
        """A leaf's own formula gives a result between 0 and its points: the engine never has to cut it."""
        for leaf, item in zip(self.ruleset.leaves, result.items, strict=True):
            assert leaf.method is not None
            if leaf.method.unclamped is None or item.missing:
                continue
            value = item.facts.get(leaf.method.unclamped)
            if not isinstance(value, Decimal) or ZERO <= value <= item.points:
                continue
            shown = self.points(value, item.points if value > item.points else ZERO)
            data, points = self.data_text(unit, leaf.needs), value_text(item.points)
            key = "formula-above" if value > item.points else "formula-below"
            said = say(SAID[key], data=data, leaf=leaf.name, result=shown, points=points)
            return self.leaf_failure("formula-within-points", leaf, unit, said, f"0 ≤ result ≤ {points}", shown)
        return None

    def totals_add_up(self, unit: Mapping[str, Any], result: ScoreResult) -> PropertyFailure | None:
        """Every subtotal and the total are the sums of their items under the ruleset's rounding."""
        ruleset = self.ruleset
        rounding = ruleset.meta.rounding
        by_leaf = rounding.stage == "leaf"
        items = result.items

        def added(first: int, end: int) -> Decimal:
            below = items[first:end]
            return total(item.score for item in below) if by_leaf else ruleset.round(total(item.raw for item in below))

        checks: list[tuple[Indicator | None, Decimal, Decimal]] = [
            (node.indicator, added(node.indicator.first, node.indicator.end), node.score)
            for root in result.tree
            for node in root.walk()
            if node.leaf is None
        ]
        checks.append((None, added(0, len(items)), result.total))
        if result.ruled is not None:  # a node with rules (or above one): its children, then its own rules' steps
            checks = [(node, _after_rules(result, node), got) for node, _, got in checks]
        policy = say(SAID["policy"], places=str(rounding.places), mode=rounding.mode, stage=SAID[rounding.stage])
        for indicator, expected, got in checks:
            if expected == got:
                continue
            wanted, found = value_text(expected), value_text(got)
            if indicator is None:
                said = say(SAID["total-sum"], data=self.data_text(unit), expected=wanted, got=found, policy=policy)
                return PropertyFailure("totals-add-up", dict(unit), said.zh, said.en, wanted, found)
            needs = set().union(*(leaf.needs for leaf in ruleset.leaves[indicator.first : indicator.end]))
            said = say(SAID["subtotal-sum"], data=self.data_text(unit, needs), group=indicator.name, expected=wanted,
                       got=found, policy=policy)  # fmt: skip
            return PropertyFailure("totals-add-up", dict(unit), said.zh, said.en, wanted, found, indicator.id,
                                   indicator.name)  # fmt: skip
        return None

    def total_within_points(self, unit: Mapping[str, Any], result: ScoreResult) -> PropertyFailure | None:
        """The total lies between 0 and the ruleset's total (or the most its bonus items allow), and
        every rule on a group or the total kept its promise (a capped node at most its cap)."""
        for adjustment in result.adjustments:
            rule = adjustment.rule
            if not rule.kind.respected(rule, adjustment.after):
                shown = value_text(self.ruleset.round(adjustment.after))
                said = say(SAID["rule-broken"], data=self.data_text(unit), node=rule.label, score=shown,
                           rule=Text(rule.kind.describe(rule, "zh"), rule.kind.describe(rule, "en")))  # fmt: skip
                return PropertyFailure("total-within-points", dict(unit), said.zh, said.en,
                                       rule.kind.describe(rule, "en"), shown)  # fmt: skip
        points = _most(self.ruleset, None)
        if ZERO <= result.total <= points:
            return None
        shown, most = value_text(result.total), value_text(points)
        said = say(SAID["total-outside"], data=self.data_text(unit), total=shown, points=most)
        return PropertyFailure("total-within-points", dict(unit), said.zh, said.en, f"0 ≤ total ≤ {most}", shown)

    def deterministic(self, unit: Mapping[str, Any], result: ScoreResult) -> PropertyFailure | None:
        """Scoring again, or with a pickled copy of the ruleset, gives the same result, and leaves the data as it was."""
        before = copy.deepcopy(dict(unit))
        expected = _fingerprint(result)
        for ruleset, how in ((self.ruleset, SAID["twice"]), (self.copy, SAID["pickled"])):
            got = _fingerprint(self.attempt(unit, ruleset))
            if got != expected:
                detail = _difference(expected, got)
                said = say(SAID["differs"], data=self.data_text(unit), how=how, detail=detail)
                return PropertyFailure("deterministic", before, said.zh, said.en, "the same result", detail)
        if unit != before:
            detail = _difference(before, unit)
            said = say(SAID["data-changed"], detail=detail)
            return PropertyFailure("deterministic", before, said.zh, said.en, "the data left as it was", detail)
        return None

    def key_order(self, unit: Mapping[str, Any], order: Sequence[str], result: ScoreResult) -> PropertyFailure | None:
        """The same data with its keys in another order gives the same result."""
        shuffled = {name: unit[name] for name in order}
        expected, got = _fingerprint(result), _fingerprint(self.attempt(shuffled))
        if got == expected:
            return None
        detail = _difference(expected, got)
        said = say(SAID["key-order"], keys=", ".join(order), detail=detail)
        return PropertyFailure("key-order", shuffled, said.zh, said.en, "the same result", detail)

    def monotone(
        self, unit: Mapping[str, Any], probe: tuple[str, Any, Any], crashes: Crashes
    ) -> PropertyFailure | None:
        """The better value scores no less than the worse one, nor does any value on the way from one to
        the other where the leaves reading the input bare change their rule (a band's edge ± a step)."""
        name, worse, better = probe
        low, high = self.scored(unit, name, worse, crashes), self.scored(unit, name, better, crashes)
        if low is None or high is None:
            return None
        failure = self.fall(name, low, high)
        if failure is not None:
            return failure
        way = 1 if better > worse else -1
        stops = sorted((stop for stop in self.profile.stops[name] if min(worse, better) < stop < max(worse, better)),
                       key=lambda stop: stop * way)  # fmt: skip
        previous = low
        for stop in stops:
            current = self.scored(unit, name, stop, crashes)
            if current is None:
                continue
            failure = self.fall(name, previous, current)
            if failure is not None:
                return failure
            previous = current
        return self.fall(name, previous, high) if previous is not low else None

    def scored(self, unit: Mapping[str, Any], name: str, value: Any, crashes: Crashes) -> _Scored | None:
        """The unit with the input ``name`` at ``value``, and its result (None if it cannot be scored)."""
        data = {**unit, name: value}
        outcome = self.attempt(data)
        if isinstance(outcome, Crash):
            crashes.append((data, outcome))
        return _Scored(value, data, outcome) if isinstance(outcome, ScoreResult) else None

    def fall(self, name: str, low: _Scored, high: _Scored) -> PropertyFailure | None:
        """A leaf (or the total) that scores less with the better value than with the worse one, unless
        the leaf's own rule lowers it on purpose (an over-target deduction)."""
        changed = (name, low.value, high.value)
        deliberate = False
        for leaf, before, after in zip(self.ruleset.leaves, low.result.items, high.result.items, strict=True):
            if after.raw >= before.raw:
                continue
            assert leaf.method is not None
            if after.case in leaf.method.deliberate:
                deliberate = True
                continue
            others = [n for n in self.ruleset.inputs if n in leaf.needs and n != name]
            said, expected, got = self.fall_words(changed, leaf.name, before.raw, after.raw, low.data, others)
            return self.leaf_failure("monotone", leaf, low.data, said, expected, got, changed)
        lowered = {a.id for a in high.result.adjustments if a.lost > 0 and a.rule.kind.deliberate}
        if lowered - {a.id for a in low.result.adjustments if a.lost > 0}:
            deliberate = True  # a penalty on a group or the total that the better value incurs (a target far exceeded)
        if not deliberate and high.result.total < low.result.total:
            others = [n for n in self.ruleset.inputs if n != name]
            said, expected, got = self.fall_words(changed, None, low.result.total, high.result.total, low.data, others)
            return PropertyFailure("monotone", dict(low.data), said.zh, said.en, expected, got, changed=changed)
        return None

    def fall_words(self, changed: tuple[str, Any, Any], leaf: str | None, before: Decimal, after: Decimal,
                   data: Mapping[str, Any], others: Sequence[str]) -> tuple[Text, str, str]:  # fmt: skip
        """The sentence for a fall, what was expected and what was got."""
        name, worse, better = changed
        way, origin = self.profile.directions[name]
        shown_before, shown_after = self.points(before, after), self.points(after, before)
        rest = say(SAID["rest"], data=self.data_text(data, others)) if others else ""
        said = say(SAID["monotone"], name=name, better=REPORT_WORDS[way], origin=SAID[origin], worse=value_text(worse),
                   improved=value_text(better), rest=rest, scored=leaf if leaf is not None else SAID["the-total"],
                   before=shown_before, after=shown_after)  # fmt: skip
        return said, f"≥ {shown_before}", shown_after

    def full_marks(
        self, unit: dict[str, Any], verifies: Mapping[int, Verify], crashes: Crashes
    ) -> PropertyFailure | None:
        """Each leaf the unit really brought to its target scores its full points."""
        outcome = self.attempt(unit)
        if isinstance(outcome, Crash):
            crashes.append((unit, outcome))
        if not isinstance(outcome, ScoreResult):
            return None
        for index, verify in verifies.items():
            if not verify(outcome.values):
                continue
            self.stats.constructed.add(index)
            item, leaf = outcome.items[index], self.ruleset.leaves[index]
            if item.score == item.points:
                continue
            shown, points = self.points(item.score, item.points), value_text(item.points)
            said = say(SAID["full-marks"], data=self.data_text(unit, leaf.needs), leaf=leaf.name, score=shown,
                       points=points)  # fmt: skip
            return self.leaf_failure("full-marks", leaf, unit, said, points, shown)
        return None


def _after_rules(result: ScoreResult, node: Indicator | None) -> Decimal:
    """What a node (None: the total) scores from its children, as the result gives them, through the
    steps its own rules recorded, each starting where the one before ended; rounded as the ruleset
    rounds. A step starting elsewhere leaves the sum of the children, which then differs."""
    ruleset = result.ruleset
    by_leaf = ruleset.meta.rounding.stage == "leaf"
    ruled = result.ruled
    assert ruled is not None

    def exact(child: Indicator) -> Decimal:
        if child.is_leaf:
            item = result.items[child.first]
            return item.score if by_leaf else item.raw
        if child.id in ruled.values:
            return ruled.values[child.id]
        return total(exact(grandchild) for grandchild in child.children)

    children = ruleset.roots if node is None else node.children
    value = total(exact(child) for child in children)
    base = value
    for adjustment in result.adjustments:
        if adjustment.node != ("" if node is None else node.id):
            continue
        if not _same_sum(adjustment.before, value, len(result.items)):
            return ruleset.round(base)
        value = adjustment.after
    return ruleset.round(value)


@pinned
def _same_sum(first: Decimal, second: Decimal, terms: int) -> bool:
    """Whether two sums of the same ``terms`` numbers, added in different orders, are the same sum: each
    addition in the pinned context may round the last of its 28 digits, so unrounded raw scores (a stage
    "total" ruleset) added in another grouping than the engine's may differ there and nowhere else."""
    largest = max(abs(first), abs(second))
    if not largest:
        return first == second
    last_digit = Decimal(1).scaleb(largest.adjusted() - CONTEXT.prec + 1)
    return abs(first - second) <= last_digit * terms


def _most(ruleset: Ruleset, node: Indicator | None) -> Decimal:
    """The most a node (None: the total) can score: its points, or more through bonus items on it or below."""
    if node is not None and node.is_leaf:
        return node.points
    children = ruleset.roots if node is None else node.children
    rules = ruleset.group_rules.get("" if node is None else node.id, ())
    raised = [limit for rule in rules if (limit := rule.kind.raises_to(rule)) is not None]
    points = ruleset.total_points if node is None else node.points
    return max([points, total(_most(ruleset, child) for child in children), *raised])


def _fingerprint(outcome: Outcome) -> dict[str, Any]:
    """What a person reads in a result, cheap to compare: the total, the grade, every score and the values
    scored (subtotals and explanations follow from these)."""
    if not isinstance(outcome, ScoreResult):
        return {"error": f"{type(outcome).__name__}: {outcome}"}
    return {
        "total": str(outcome.total),
        "grade": outcome.grade.name,
        "items": [{"id": item.id, "raw": str(item.raw), "score": str(item.score)} for item in outcome.items],
        "values": dict(outcome.values),
    }


def _difference(first: Any, second: Any, path: str = "") -> str:
    """Where two results first differ, e.g. ``total: 90.00 ≠ 91.00``."""
    if isinstance(first, Mapping) and isinstance(second, Mapping):
        for key in [*first, *(key for key in second if key not in first)]:
            if first.get(key) != second.get(key):
                return _difference(first.get(key), second.get(key), f"{path}.{key}" if path else str(key))
    if isinstance(first, list) and isinstance(second, list) and len(first) == len(second):
        for index, (a, b) in enumerate(zip(first, second, strict=True)):
            if a != b:
                return _difference(a, b, f"{path}[{index}]")
    if first is None or second is None:
        return f"{path or 'result'}: {first} ≠ {second}"
    return f"{path or 'result'}: {value_text(plain_data(first))} ≠ {value_text(plain_data(second))}"
