"""Evidence for tuning a ruleset: how fragile its grades are over a set of units.

:func:`sensitivity` takes a ruleset and a set of units and, for each tunable parameter (points moved
between two sibling indicators, a band's threshold, a tier's default share, the points off per
finding, …), finds the **exact** interval of the parameter within which no unit changes grade, and
which units change past each end. For fixed data, each leaf's score is a known function of the
parameter (its method says which, ``Method.response``: affine between known break points), so the
break points are solved, not sampled: where a leaf's score crosses a rounding step (a multiple of
half the ruleset's quantum) and where its rule bends or jumps. Between two such points every
rounded score is fixed, so the grade is evaluated once per point and once per gap, with the rules on
groups and the total applied by the engine's own compiled rules and the ruleset's grades. Every
reported end is then checked against the engine: the ruleset's document with the parameter moved
(:meth:`Ruleset.to_dict`) is loaded and every unit scored, at the last value inside the interval
and the first one past it. A number of a rule on a group or the total (a cap) is compiled into the
rules' code: each unit's grade is monotone in it (every kind is steady), so its ends are found by
halving, each probe scored by the engine under the ruleset moved there.

What a single unit would need (``perfscore score --to``) is :mod:`perfscore.reach`.

``docs/tuning.md`` walks through both.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any, NoReturn

from .errors import InternalError, Location, PerfscoreError, Problem, TuningError, suggest
from .exact import CONTEXT, ZERO, pinned, places, unsigned
from .loader import loads_dict
from .messages import Text, words
from .methods import MISSING, KeyPath, Response, Tunable, each_own, points_path
from .model import Grade, TuningSpec
from .result import ScoreResult, UnitError
from .ruleset import Indicator, Ruleset
from .text import plain
from .units import Unit

__all__ = [
    "End",
    "Move",
    "Parameter",
    "ParameterSensitivity",
    "Sensitivity",
    "declared",
    "exact_text",
    "moved",
    "parameter",
    "parameters",
    "sensitivity",
]

WORDS = words(
    "tuning",
    {
        "weight": ("从「{b}」移到「{a}」的分值", "points moved to {a} from {b}"),
        "unknown": ("没有名为 {name} 的调参参数", "no tuning parameter named {name}"),
        "unknown-indicator": ("没有 id 为 {name} 的末级指标", "no leaf indicator with the id {name}"),
        "not-siblings": ("{a} 与 {b} 不是同一指标组下的两个末级指标，分值不能在二者之间移动",
                         "{a} and {b} are not two leaves of one group: points cannot move between them"),
        "too-many": ("{name} 的取值范围内有超过 {most} 个可能改变得分的点需要逐一计算（规则的条件读取了它所改变的得分）；"
                     "请在规则的 [tuning] 中用 min、max 缩小范围",
                     "{name} would need more than {most} points examined one by one (a rule's condition reads a score it "
                     "moves); narrow its range with min and max in the ruleset's [tuning]"),
        "total-rules": ("{name} 不能调整：本规则只对总分舍入，且有指标组或总分上的规则，得分的变化点无法由各指标算出",
                        "{name} cannot be moved: the ruleset rounds only its total and has rules on groups or the total, "
                        "so where the total steps cannot be worked out from the leaves"),
        "rules-fall": ("{name} 不能调整：有规则的条件读取得分，或规则类型不能保证总分随它单调变化",
                       "{name} cannot be moved: a rule's condition reads a score, or a kind does not keep the total "
                       "rising with it"),
        "not-tunable": ("{leaf} 的计分方法（{method}）未说明其得分如何随 {name} 变化",
                        "the method of {leaf} ({method}) does not say how its score depends on {name}"),
        "disagrees": ("参数 {name} 取 {value} 时，分析与重新计分的结果不一致（{unit}：{said} 与 {scored}）；请报告此问题",
                      "with {name} at {value} the analysis and the engine disagree ({unit}: {said} against {scored}); "
                      "please report this"),
    },
)  # fmt: skip

# --- exact numbers ----------------------------------------------------------------------------


def exact_text(value: Fraction | Decimal) -> str:
    """A number exactly: its decimal when it has one (``0.35``), else ``p/q`` with a decimal after
    ``≈`` (``1/3 ≈ 0.3333``)."""
    fraction = Fraction(value)
    denominator = fraction.denominator
    if _finite(fraction):
        places = max(_exponent(denominator, 2), _exponent(denominator, 5))
        return plain(_decimal(fraction, places))
    approx = CONTEXT.divide(Decimal(fraction.numerator), Decimal(denominator)).quantize(
        Decimal("0.0001"), context=CONTEXT
    )
    return f"{fraction.numerator}/{denominator} ≈ {plain(unsigned(approx))}"


def _exponent(number: int, prime: int) -> int:
    count = 0
    while number % prime == 0:
        number //= prime
        count += 1
    return count


def _decimal(fraction: Fraction, places: int) -> Decimal:
    """A fraction whose denominator divides 10**places, as that Decimal exactly."""
    scaled = fraction * 10**places
    assert scaled.denominator == 1
    return unsigned(Decimal(scaled.numerator).scaleb(-places, CONTEXT))


def _to_decimal(fraction: Fraction) -> Decimal:
    """A fraction as a Decimal, as the engine's context computes it (28 significant digits)."""
    return CONTEXT.divide(Decimal(fraction.numerator), Decimal(fraction.denominator))


def _round(value: Fraction, places: int, mode: str) -> Fraction:
    """``value`` rounded to ``places`` decimals by the ruleset's ``mode`` (as ``Decimal.quantize``)."""
    scale = 10**places
    scaled = abs(value) * scale
    whole = math.floor(scaled)
    rest = scaled - whole
    if mode == "down":
        up = False
    elif mode == "up":
        up = rest > 0
    elif mode == "half-up":
        up = rest >= Fraction(1, 2)
    else:  # half-even
        up = rest > Fraction(1, 2) or (rest == Fraction(1, 2) and whole % 2 == 1)
    kept = Fraction(whole + (1 if up else 0), scale)
    return -kept if value < 0 else kept


# --- parameters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    """A tunable parameter: what moves (``moves``: document paths and their signs) when it changes by
    ``t``, the leaves whose scores may move, where ``t`` may go (``low``/``high``: None for no bound;
    open ends excluded), and the step at which it is written (``step``: the ruleset's rounding quantum
    for points, else 0.01 or the finer places of its value and bounds)."""

    id: str
    label: Text
    value: Decimal  # its current value (for a weight: the first indicator's points)
    moves: tuple[tuple[KeyPath, int], ...]
    leaves: tuple[int, ...]
    step: Decimal
    low: Fraction | None = None
    high: Fraction | None = None
    low_open: bool = False
    high_open: bool = False
    kind: str = (
        "rule"  # "weight" (points between two siblings), "rule" (a method's own), "group-rule" (a rule's number)
    )

    def at(self, change: Fraction) -> Fraction:
        """The parameter's value after a change of ``change``."""
        return Fraction(self.value) + change

    def allows(self, change: Fraction) -> bool:
        """Whether ``change`` keeps the parameter within its bounds."""
        if self.low is not None and (change < self.low or (change == self.low and self.low_open)):
            return False
        return not (self.high is not None and (change > self.high or (change == self.high and self.high_open)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "label": {"zh": self.label.zh, "en": self.label.en},
            "value": str(self.value),
            "step": str(self.step),
            "moves": [{"path": ".".join(map(str, path)), "sign": sign} for path, sign in self.moves],
        }


def parameters(ruleset: Ruleset) -> list[Parameter]:
    """The default parameters: every pair of sibling leaf indicators (points moved between them),
    then each leaf's own tunable parameters (band thresholds, points per finding), then each rating
    scale's tier defaults, in the ruleset's order. A parameter its methods cannot follow (a formula
    that reads ``points``) is left out."""
    found: list[Parameter] = []
    groups: list[Sequence[Indicator]] = [ruleset.roots, *(node.children for node in ruleset.indicators())]
    for siblings in groups:
        leaves = [node for node in siblings if node.is_leaf]
        for a, b in itertools.combinations(leaves, 2):
            found.append(_weight(ruleset, a, b))
    seen: set[KeyPath] = set()
    for leaf in ruleset.leaves:
        assert leaf.method is not None
        for tunable in leaf.method.tunables(leaf, ruleset):
            if tunable.path not in seen:
                seen.add(tunable.path)
                found.append(_tunable(ruleset, leaf, tunable))
    found = [parameter for parameter in found if _unfollowed(ruleset, parameter) is None]
    return found + (list(_rule_parameters(ruleset).values()) if _rules_rise(ruleset) else [])


def _rules_rise(ruleset: Ruleset) -> bool:
    """Whether every unit's total rises (or stays) as any number of a rule rises: every kind steady and
    no condition reading a score. Then each unit's grade is monotone in such a number, and its
    interval is found by halving, scoring with the engine."""
    return all(rule.kind.steady and not rule.scores for rule in ruleset.rules())


def _rule_parameters(ruleset: Ruleset) -> dict[str, Parameter]:
    """The numbers of the rules on groups and the total that their kinds let move, by name
    (``rules.0.at_most``), at the ruleset's rounding step."""
    found = {}
    step = Decimal(1).scaleb(-ruleset.meta.rounding.places)
    for rule in ruleset.rules():
        for tunable in rule.kind.tunables(rule):
            value = Fraction(tunable.value)
            name = f"{rule.id}.{tunable.key}"
            found[name] = Parameter(
                name,
                tunable.label,
                tunable.value,
                (((*rule.location.path, tunable.key), 1),),
                (),
                step,
                low=None if tunable.low is None else Fraction(tunable.low) - value,
                high=None if tunable.high is None else Fraction(tunable.high) - value,
                low_open=tunable.low_open,
                high_open=tunable.high_open,
                kind="group-rule",
            )
    return found


def _unfollowed(ruleset: Ruleset, parameter: Parameter) -> Indicator | None:
    """The first leaf whose method cannot say how its score depends on the parameter, if any."""
    moves = dict(parameter.moves)
    for index in parameter.leaves:
        leaf = ruleset.leaves[index]
        if leaf.method is not None and not leaf.method.follows(leaf, moves):
            return leaf
    return None


def parameter(ruleset: Ruleset, name: str) -> Parameter:
    """The parameter ``name``: ``weight:A/B`` (points moved to leaf A from its sibling B),
    ``LEAF:NAME`` (a leaf's own parameter: ``satisfaction:bands.0.max``, ``findings:each``) or a
    ruleset-wide one (``scales.default.部分达成.default``). Raises TuningError naming the mistake."""
    by_id = {leaf.id: leaf for leaf in ruleset.leaves}
    if name.startswith("weight:"):
        pair = name.removeprefix("weight:").split("/")
        if len(pair) != 2:
            _refuse(name, WORDS["unknown"].format(name=name), "unknown-parameter")
        for part in pair:
            if part not in by_id:
                _refuse(name, WORDS["unknown-indicator"].format(name=part), "unknown-parameter", suggest(part, by_id))
        a, b = by_id[pair[0]], by_id[pair[1]]
        if a is b or a.path[:-1] != b.path[:-1]:
            _refuse(name, WORDS["not-siblings"].format(a=a.id, b=b.id), "unknown-parameter")
        return _checked(ruleset, _weight(ruleset, a, b))
    whole: dict[str, tuple[Indicator, Tunable]] = {}
    own: dict[str, tuple[Indicator, Tunable]] = {}
    for leaf in ruleset.leaves:
        assert leaf.method is not None
        for tunable in leaf.method.tunables(leaf, ruleset):
            if tunable.whole:
                whole.setdefault(tunable.name, (leaf, tunable))
            else:
                own[f"{leaf.id}:{tunable.name}"] = (leaf, tunable)
    found = whole.get(name) or own.get(name)
    if found is None and name in (rules := _rule_parameters(ruleset)):
        if not _rules_rise(ruleset):
            _refuse(name, WORDS["rules-fall"].format(name=name), "not-tunable")
        return rules[name]
    if found is None:
        leaf_id, _, rest = name.partition(":")
        if rest and leaf_id in by_id and rest in ("points", "weight"):
            _refuse(name, WORDS["not-tunable"].format(leaf=leaf_id, method="—", name=rest), "not-tunable")
        if rest and leaf_id not in by_id:
            _refuse(name, WORDS["unknown-indicator"].format(name=leaf_id), "unknown-parameter", suggest(leaf_id, by_id))
        known = [*whole, *own, *_rule_parameters(ruleset)]
        _refuse(name, WORDS["unknown"].format(name=name), "unknown-parameter", suggest(name, known))
    return _checked(ruleset, _tunable(ruleset, found[0], found[1]))


def declared(ruleset: Ruleset) -> list[Parameter] | None:
    """The parameters the ruleset's ``[tuning]`` table lists, each within its ``min`` and ``max`` (None:
    the ruleset has no such table). A name the ruleset does not have is a TuningError located at its
    key in the ruleset (``tuning.params[0].name``)."""
    table = ruleset.to_dict().get("tuning")
    if table is None:
        return None
    spec = TuningSpec.model_validate(table)  # its shape was checked when the ruleset loaded
    found, problems = [], []
    for index, item in enumerate(spec.params):
        try:
            chosen = parameter(ruleset, item.name)
        except TuningError as error:
            where = Location(ruleset.source, ("tuning", "params", index, "name"))
            problems += [replace(problem, location=where) for problem in error.problems]
            continue
        found.append(_within(chosen, item.min, item.max))
    if problems:
        raise TuningError(problems, ruleset.source)
    return found


def _within(chosen: Parameter, least: Decimal | None, most: Decimal | None) -> Parameter:
    """``chosen`` kept within the values ``least`` and ``most`` too (where they are tighter)."""
    value = Fraction(chosen.value)
    low, low_open, high, high_open = chosen.low, chosen.low_open, chosen.high, chosen.high_open
    if least is not None and (low is None or Fraction(least) - value > low):
        low, low_open = Fraction(least) - value, False
    if most is not None and (high is None or Fraction(most) - value < high):
        high, high_open = Fraction(most) - value, False
    return replace(chosen, low=low, low_open=low_open, high=high, high_open=high_open)


def _refuse(name: str, message: Text, code: str, hint: str | None = None) -> NoReturn:
    raise TuningError([Problem(Location(file=f"--param {name}"), message, hint, code=code)], "--param")


def _checked(ruleset: Ruleset, found: Parameter) -> Parameter:
    leaf = _unfollowed(ruleset, found)
    if leaf is not None:
        method = leaf.method.name if leaf.method is not None else "?"
        _refuse(found.id, WORDS["not-tunable"].format(leaf=leaf.id, method=method, name=found.id), "not-tunable")
    return found


def _weight(ruleset: Ruleset, a: Indicator, b: Indicator) -> Parameter:
    """Points moved to ``a`` from ``b`` (``t`` > 0: ``a`` gains): both keep at least what their rules
    need (a band's own points), and no more decimals than the ruleset rounds to."""
    assert a.method is not None and b.method is not None
    label = each_own(WORDS["weight"], {"a": a.name, "b": b.name}, {"a": a.name_en or a.name, "b": b.name_en or b.name})
    index = {leaf.id: i for i, leaf in enumerate(ruleset.leaves)}
    return Parameter(
        f"weight:{a.id}/{b.id}",
        label,
        a.points,
        ((points_path(a), 1), (points_path(b), -1)),
        (index[a.id], index[b.id]),
        Decimal(1).scaleb(-ruleset.meta.rounding.places),
        low=Fraction(a.method.least_points(a)) - Fraction(a.points),
        high=Fraction(b.points) - Fraction(b.method.least_points(b)),
        kind="weight",
    )


def _tunable(ruleset: Ruleset, leaf: Indicator, tunable: Tunable) -> Parameter:
    """A method's own parameter; a ruleset-wide one (a tier's default) moves every leaf that reads it."""
    if tunable.whole:
        leaves = tuple(
            i
            for i, other in enumerate(ruleset.leaves)
            if other.method is not None and any(t.path == tunable.path for t in other.method.tunables(other, ruleset))
        )
    else:
        leaves = (next(i for i, other in enumerate(ruleset.leaves) if other is leaf),)
    finest = max(2, places(tunable.value), places(tunable.low), places(tunable.high))
    value = Fraction(tunable.value)
    return Parameter(
        tunable.name if tunable.whole else f"{leaf.id}:{tunable.name}",
        tunable.label,
        tunable.value,
        tunable.moves,
        leaves,
        Decimal(1).scaleb(-finest),
        low=None if tunable.low is None else Fraction(tunable.low) - value,
        high=None if tunable.high is None else Fraction(tunable.high) - value,
        low_open=tunable.low_open,
        high_open=tunable.high_open,
    )


# --- one unit as a parameter moves ----------------------------------------------------------------


class _Known:
    """What the analysis of every parameter reads of one scored unit: its leaves' raw and rounded
    scores, and how far its moving scores may move before its grade can (see :meth:`_Follow._slack`)."""

    def __init__(self, ruleset: Ruleset, result: ScoreResult) -> None:
        self.result = result
        items = result.items
        self.raw = [item.raw for item in items]
        self.scores = [item.score for item in items]
        self.slack = _slack(ruleset, result)


class _Follow:
    """One unit's grade as one parameter moves: its leaves' responses, and the engine's rules and grades."""

    def __init__(self, ruleset: Ruleset, known: _Known, responses: Mapping[int, Response], fixed: bool) -> None:
        self.ruleset = ruleset
        result = self.result = known.result
        self.responses = responses
        self.raw, self.scores = known.raw, known.scores
        rounding = ruleset.meta.rounding
        self.places, self.mode, self.each_leaf = rounding.places, rounding.mode, rounding.stage == "leaf"
        self.half = Fraction(1, 2 * 10**self.places)
        self.rest = Fraction(0)  # the raw scores that do not move (for a ruleset rounding only its total)
        if not self.each_leaf:
            self.rest = sum((Fraction(raw) for i, raw in enumerate(self.raw) if i not in responses), Fraction(0))
        self.base = (result.total, result.grade)
        self.known: dict[tuple[Fraction, ...], tuple[Decimal, Grade] | None] = {}  # states by the moving scores
        self.start = [self._kept(Fraction(self.raw[index])) for index in responses]
        self.slack = None if known.slack is None or not fixed else known.slack - 2 * self.half
        at_zero = [response.value(Fraction(0)) for response in responses.values()]
        self.zero = [Fraction(0) if value is None else value for value in at_zero]
        # a segment whose moving raw scores stay this close to their own (added up) cannot move the grade
        self.calm = None if self.slack is None else self.slack - 4 * self.half * len(responses)
        # with no rules on groups or the total, the total follows the moving scores' sum within this much
        self.error = 4 * self.half * (len(responses) + 1)
        self.lines_only = not ruleset.group_rules
        steeps = [response.steep for response in responses.values()]
        # how fast the moving scores move at most, added up (None: some may jump)
        self.steep = (
            None if any(steep is None for steep in steeps) else sum((s for s in steeps if s is not None), Fraction(0))
        )
        self.edges = [Fraction(grade.min) for grade in ruleset.meta.grades[:-1]]

    def _kept(self, value: Fraction) -> Fraction:
        """A moving leaf's score as it counts: rounded when the ruleset rounds each leaf."""
        return _round(value, self.places, self.mode) if self.each_leaf else value

    @pinned
    def state(self, t: Fraction, values: Sequence[Fraction | None] | None = None) -> tuple[Decimal, Grade] | None:
        """The unit's total and grade with the parameter moved by ``t`` (None: its data no longer fits,
        or it fails to score)."""
        raw, scores = list(self.raw), list(self.scores)
        if values is None:
            values = [response.value(t) for response in self.responses.values()]
        if any(value is None for value in values):
            return None
        moving = tuple(self._kept(value) for value in values if value is not None)
        if moving in self.known:  # with the moving scores as counted the same, all else is the same
            return self.known[moving]
        for index, value in zip(self.responses, moving, strict=True):
            if self.each_leaf:
                scores[index] = raw[index] = _decimal(value, self.places)
            else:
                raw[index] = _to_decimal(value)
        found = self.known[moving] = self._outcome(raw, scores)
        return found

    def _outcome(self, raw: list[Decimal], scores: list[Decimal]) -> tuple[Decimal, Grade] | None:
        """The total and grade for these leaf scores: the rules on groups and the total, then the grades."""
        ruleset = self.ruleset
        total = sum(scores, ZERO) if self.each_leaf else sum(raw, ZERO)
        if ruleset.group_rules:
            try:
                ruled = ruleset._engine.apply_rules(
                    dict(self.result.values), raw, scores, self.result.missing, False, total
                )
            except (PerfscoreError, ArithmeticError, ValueError):
                return None
            total = ruleset.round(ruled.total)
            return total, ruled.grade(ruleset, total)
        total = ruleset.round(total)
        return total, ruleset.grade(total)

    def changed(self, t: Fraction) -> bool:
        """Whether the unit's grade with the parameter moved by ``t`` differs from its own. The full
        state is computed only where the moving scores have moved far enough to matter."""
        values = [response.value(t) for response in self.responses.values()]
        if any(value is None for value in values):
            return True
        if self.slack is not None:
            moved = sum((abs(self._kept(v) - s) for v, s in zip(values, self.start, strict=True)), Fraction(0))  # type: ignore[arg-type]
            if moved < self.slack:
                return False
        return not _same(self.state(t, values), self.base)

    def first_change(
        self, limit: Fraction, step: Fraction | None, start: Fraction = Fraction(0)
    ) -> tuple[Fraction, bool] | None:
        """Where the grade first differs from the unit's own going from ``start`` (0, or as far as an
        earlier search found no change) toward ``limit`` (included): the point and whether it still
        keeps the grade (the change is just past it), or None. With a ``step`` (a parameter written
        to a fixed number of places) only its multiples are values."""
        sign = 1 if limit > 0 else -1
        if self.calm is not None and self.steep is not None and self.steep * abs(limit) < self.calm:
            return None  # the moving scores cannot move far enough, up to the limit, to reach a grade's edge
        before = start
        for cut in self.candidates(start, limit):
            if step is None:
                if not self.changed((before + cut) / 2):
                    pass
                else:
                    return before, True
                if self.changed(cut):
                    return cut, False
            else:
                point = sign * (math.floor(abs(before) / step) + 1) * step  # the first value past ``before``
                if abs(point) < abs(cut) and self.changed(point):  # a value inside the gap: the gap's grade
                    return point - sign * step, True
                if (cut / step).denominator == 1 and self.changed(cut):  # the point itself is a value
                    return cut - sign * step, True
            before = cut
        return None

    def candidates(self, start: Fraction, stop: Fraction) -> list[Fraction]:
        """Every point in (start, stop] (or [stop, start) going down) where a rounded score, or the
        rounded total, may change: each response's breaks, and where it (or the sum of the moving raw
        scores, for a ruleset rounding only its total) crosses a multiple of half the quantum."""
        low, high = min(start, stop), max(start, stop)
        cuts = {low, high}
        for response in self.responses.values():
            cuts.update(cut for cut in response.breaks if low < cut < high)
        ordered = sorted(cuts)
        found: set[Fraction] = {cut for cut in ordered if cut != start}
        for a, b in itertools.pairwise(ordered):
            lines = [self._line(response, a, b) for response in self.responses.values()]
            windows: list[tuple[Fraction, Fraction]] = [(a, b)]
            if self.lines_only and all(line is not None for line in lines):
                windows = self._windows([line for line in lines if line is not None], a, b)
            elif self.calm is not None and all(line is not None for line in lines):
                far = max(
                    sum(
                        (
                            abs(line[0] + line[1] * end - zero)
                            for line, zero in zip(lines, self.zero, strict=True)
                            if line
                        ),
                        Fraction(0),
                    )
                    for end in (a, b)
                )
                if far < self.calm:  # |line − its value at 0| is convex: largest at an end of the segment
                    continue
            if not self.each_leaf:
                known = [line for line in lines if line is not None]
                if len(known) == len(lines):
                    lines.append(
                        (sum((line[0] for line in known), self.rest), sum((line[1] for line in known), Fraction(0)))
                    )
            for low_end, high_end in windows:
                for line in lines:
                    if line is not None:
                        found.update(self._crossings(line, low_end, high_end))
        found.discard(start)
        return sorted(found, key=lambda cut: abs(cut - start))

    def _windows(
        self, lines: list[tuple[Fraction, Fraction]], a: Fraction, b: Fraction
    ) -> list[tuple[Fraction, Fraction]]:
        """The parts of (a, b) where the total may cross a grade's edge: where the unit's total plus
        what the moving scores moved (affine on the segment) is within the rounding's reach of one."""
        base = Fraction(self.result.total) + sum(
            (line[0] - zero for line, zero in zip(lines, self.zero, strict=True)), Fraction(0)
        )
        slope = sum((line[1] for line in lines), Fraction(0))
        found = []
        for edge in self.edges:
            if slope == 0:
                if abs(base - edge) <= self.error:
                    return [(a, b)]
                continue
            ends = sorted(((edge - self.error - base) / slope, (edge + self.error - base) / slope))
            low, high = max(a, ends[0]), min(b, ends[1])
            if low <= high:
                found.append((low, high))
        return found

    @staticmethod
    def _line(response: Response, a: Fraction, b: Fraction) -> tuple[Fraction, Fraction] | None:
        """The response on (a, b) as ``(value at 0, slope)``, from two points inside."""
        m1, m2 = a + (b - a) / 3, a + 2 * (b - a) / 3
        v1, v2 = response.value(m1), response.value(m2)
        if v1 is None or v2 is None:
            return None
        slope = (v2 - v1) / (m2 - m1)
        return v1 - slope * m1, slope

    def _crossings(self, line: tuple[Fraction, Fraction], a: Fraction, b: Fraction) -> Iterator[Fraction]:
        """Where ``line`` crosses a multiple of half the quantum in [a, b]."""
        base, slope = line
        if slope == 0:
            return
        ends = sorted((base + slope * a, base + slope * b))
        first, last = math.ceil(ends[0] / self.half), math.floor(ends[1] / self.half)
        if last - first > MOST_POINTS:
            raise _TooMany()
        for k in range(first, last + 1):
            cut = (k * self.half - base) / slope
            if a <= cut <= b:
                yield cut


MOST_POINTS = 200_000
"""The most points where a rounded score may change that one unit's search examines in one stretch:
beyond it (rules whose conditions read the scores a parameter moves, many decimal places, a wide
range) the parameter is refused rather than searched for minutes."""


class _TooMany(Exception):
    """A search would examine more than :data:`MOST_POINTS` points."""


def _slack(ruleset: Ruleset, result: ScoreResult) -> Fraction | None:
    """How far the moving leaves' scores (added up, each as far as it moved) must move before the
    grade can change: the distance from the total to the grade's ends (less the total's rounding,
    taken off by :class:`_Follow`). None when the rules on groups and the total may move a total more
    than its leaves moved (a kind that is not steady; a condition reading a moving score is checked by
    :func:`_conditions_fixed`, for each parameter)."""
    if any(not rule.kind.steady for rule in ruleset.rules()):
        return None
    total, grade = Fraction(result.total), result.grade
    grades = ruleset.meta.grades
    earned = ruleset.grade(result.total)
    at = [g.name for g in grades].index(earned.name)
    gaps = []
    if at + 1 < len(grades):  # not the lowest grade: it is lost below its min
        gaps.append(total - Fraction(earned.min))
    if at > 0:
        gaps.append(Fraction(grades[at - 1].min) - total)
    if grade.name != earned.name:  # held down by a veto: any change may matter
        return None
    return min(gaps, default=Fraction(10**9))


def _conditions_fixed(ruleset: Ruleset, chosen: Parameter) -> bool:
    """Whether no rule's condition reads the score of a leaf the parameter moves, or of a group above
    one: then every condition holds or not whatever the parameter, for each unit."""
    moving: set[str] = set()
    for index in chosen.leaves:
        path = ruleset.leaves[index].path
        moving.update(".".join(str(part) for part in path[:depth]) for depth in range(1, len(path) + 1))
    return not any(set(rule.scores.values()) & moving for rule in ruleset.rules())


def _same(state: tuple[Decimal, Grade] | None, start: tuple[Decimal, Grade] | None) -> bool:
    if state is None or start is None:
        return state is start
    return state[1].name == start[1].name


# --- results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """A unit whose grade changes: its grade and total before and after (None after: its data no
    longer fits the ruleset, or it cannot be scored)."""

    unit: str
    name: str | None
    before: Grade
    total_before: Decimal
    after: Grade | None
    total_after: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "name": self.name,
            "from": {"grade": self.before.name, "grade_en": self.before.name_en, "total": str(self.total_before)},
            "to": None
            if self.after is None or self.total_after is None
            else {"grade": self.after.name, "grade_en": self.after.name_en, "total": str(self.total_after)},
        }


@dataclass(frozen=True)
class End:
    """One end of a parameter's interval: the change ``change`` (exact) where it lies and whether that
    point is ``included``; ``limit`` when it is the parameter's own bound (no unit changes grade up to
    it); the last value at the parameter's step inside the interval (``inside``) and the first one
    past it (``past``: None at a limit) with the units whose grade differs there (``moves``)."""

    change: Fraction | None  # None: no bound at all on this side
    included: bool
    limit: bool
    inside: Decimal | None
    past: Decimal | None
    moves: tuple[Move, ...] = ()

    def to_dict(self, parameter: Parameter) -> dict[str, Any]:
        return {
            "value": None if self.change is None else exact_text(parameter.at(self.change)),
            "change": None if self.change is None else exact_text(self.change),
            "included": self.included,
            "limit": self.limit,
            "inside": None if self.inside is None else str(self.inside),
            "past": None if self.past is None else str(self.past),
            "moves": [move.to_dict() for move in self.moves],
        }


@dataclass(frozen=True)
class ParameterSensitivity:
    """One parameter's interval of unchanged grades (``low`` and ``high`` ends) over the units."""

    parameter: Parameter
    low: End
    high: End
    verified: bool = False  # both ends checked against the engine

    def _nearest(self) -> End | None:
        """The end whose first value past it is nearest the parameter's value, of those where units move."""
        ends = [end for end in (self.low, self.high) if end.moves and end.past is not None]
        return min(ends, key=lambda end: abs((end.past or ZERO) - self.parameter.value), default=None)

    @property
    def margin(self) -> Decimal | None:
        """The smallest change (at the parameter's step) that moves a unit's grade, if any."""
        nearest = self._nearest()
        return None if nearest is None or nearest.past is None else abs(nearest.past - self.parameter.value)

    @property
    def moved(self) -> int:
        """How many units that smallest change moves."""
        nearest = self._nearest()
        return 0 if nearest is None else len(nearest.moves)

    def interval(self) -> str:
        """The interval of the parameter's values, exactly: ``[9.5, 10.25)``."""
        p = self.parameter
        low = (
            "(−∞"
            if self.low.change is None
            else ("[" if self.low.included else "(") + exact_text(p.at(self.low.change))
        )
        high = (
            "+∞)"
            if self.high.change is None
            else exact_text(p.at(self.high.change)) + ("]" if self.high.included else ")")
        )
        return f"{low}, {high}"

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.parameter.to_dict(),
            "interval": self.interval(),
            "low": self.low.to_dict(self.parameter),
            "high": self.high.to_dict(self.parameter),
            "margin": None if self.margin is None else str(self.margin),
            "moved": self.moved,
            "verified": self.verified,
        }


@dataclass(frozen=True)
class Sensitivity:
    """The sensitivity of a ruleset's grades over a set of units: each parameter's interval, the most
    fragile first (the most units moved by the smallest change), and the units that could not be
    scored (left out, each with its error)."""

    ruleset: Ruleset
    units: int
    parameters: tuple[ParameterSensitivity, ...]
    errors: tuple[UnitError, ...] = ()
    refused: tuple[Problem, ...] = ()  # default parameters that could not be analysed, and why

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": {"id": self.ruleset.id, "version": self.ruleset.version, "title": self.ruleset.title},
            "units": self.units,
            "scored": self.units - len(self.errors),
            "parameters": [found.to_dict() for found in self.parameters],
            "errors": [error.to_dict() for error in self.errors],
            "refused": [problem.to_dict() for problem in self.refused],
        }


# --- the analysis ---------------------------------------------------------------------------------


def sensitivity(
    ruleset: Ruleset,
    units: Iterable[Unit | Mapping[str, Any]],
    params: Iterable[str | Parameter] | None = None,
    *,
    verify: bool = True,
) -> Sensitivity:
    """For each parameter (``params``: names as :func:`parameter` reads them, or :class:`Parameter`
    objects; None: those the ruleset's ``[tuning]`` table lists, else :func:`parameters`, every
    default one), the exact interval within which no unit
    changes grade, and the units that change just past each end. Units that cannot be scored are
    listed in ``errors`` and left out; the others are analysed. With ``verify`` (the default) every
    end is checked by scoring the units under the ruleset with the parameter moved there; a
    disagreement is an InternalError (a bug). Raises TuningError for a parameter the ruleset does
    not have, or cannot move."""
    if params is None:
        listed = declared(ruleset)
        chosen = parameters(ruleset) if listed is None else listed
    else:
        chosen = [p if isinstance(p, Parameter) else parameter(ruleset, p) for p in params]
    scored: list[tuple[Unit, ScoreResult]] = []
    errors: list[UnitError] = []
    count = 0
    for unit, outcome in ruleset.iter_scores(units):
        count += 1
        if isinstance(outcome, UnitError):
            errors.append(outcome)
        else:
            scored.append((unit, outcome))
    known = [(unit, _Known(ruleset, result)) for unit, result in scored]
    found: list[ParameterSensitivity] = []
    refused: list[Problem] = []
    for each in chosen:
        try:
            found.append(_analyse(ruleset, each, known, verify))
        except TuningError as error:
            if params is not None:  # asked for by name: the request is refused
                raise
            refused += error.problems  # one of the defaults: said in the report, the others analysed
    found.sort(key=lambda f: (f.moved == 0, -f.moved, f.margin if f.margin is not None else 0, f.parameter.id))
    return Sensitivity(ruleset, count, tuple(found), tuple(errors), tuple(refused))


def _responses(ruleset: Ruleset, chosen: Parameter, result: ScoreResult) -> dict[int, Response]:
    moves = dict(chosen.moves)
    responses = {}
    for index in chosen.leaves:
        item = result.items[index]
        leaf = ruleset.leaves[index]
        if item.recorded[0] is MISSING:
            responses[index] = Response.fixed(ZERO)
            continue
        assert leaf.method is not None
        response = leaf.method.response(leaf, moves, item.recorded, item.raw, ruleset)
        if response is None:
            method = leaf.method.name
            _refuse(chosen.id, WORDS["not-tunable"].format(leaf=leaf.id, method=method, name=chosen.id), "not-tunable")
        responses[index] = response
    return responses


def _analyse(
    ruleset: Ruleset, chosen: Parameter, scored: list[tuple[Unit, _Known]], verify: bool
) -> ParameterSensitivity:
    if chosen.kind == "group-rule":
        results = [(unit, known.result) for unit, known in scored]
        low = _halving(ruleset, chosen, results, -1, chosen.low, chosen.low_open)
        high = _halving(ruleset, chosen, results, 1, chosen.high, chosen.high_open)
        return ParameterSensitivity(chosen, low, high, verified=True)
    if ruleset.group_rules and ruleset.meta.rounding.stage != "leaf":
        # the rules then act on unrounded sums: a cap that binds adds a constant of any decimals, so where
        # the rounded total steps is not known from the leaves alone
        _refuse(chosen.id, WORDS["total-rules"].format(name=chosen.id), "not-tunable")
    fixed = _conditions_fixed(ruleset, chosen)
    try:
        return _searched(ruleset, chosen, scored, verify, fixed)
    except _TooMany:
        _refuse(chosen.id, WORDS["too-many"].format(name=chosen.id, most=f"{MOST_POINTS:,}"), "not-tunable")


def _searched(
    ruleset: Ruleset, chosen: Parameter, scored: list[tuple[Unit, _Known]], verify: bool, fixed: bool
) -> ParameterSensitivity:
    """A parameter of the leaves, searched unit by unit (see :class:`_Follow`)."""
    follows = [
        (unit, _Follow(ruleset, known, _responses(ruleset, chosen, known.result), fixed), known.result)
        for unit, known in scored
    ]
    starts = [(result.total, result.grade) for _, _, result in follows]
    ends = []
    for sign, bound, bound_open in ((-1, chosen.low, chosen.low_open), (1, chosen.high, chosen.high_open)):
        ends.append(_side(ruleset, chosen, follows, starts, sign, bound, bound_open))
    found = ParameterSensitivity(chosen, ends[0], ends[1])
    if verify:
        _verify(ruleset, found, [(unit, known.result) for unit, known in scored])
        found = ParameterSensitivity(chosen, ends[0], ends[1], verified=True)
    return found


def _side(
    ruleset: Ruleset,
    chosen: Parameter,
    follows: list[tuple[Unit, _Follow, ScoreResult]],
    starts: list[tuple[Decimal, Grade]],
    sign: int,
    bound: Fraction | None,
    bound_open: bool,
) -> End:
    """One end: the nearest change over all units, searched in windows that grow eightfold from 16
    steps (a unit is searched only as far as the nearest change found so far)."""
    step = Fraction(chosen.step)
    window = 16 * step
    best: tuple[Fraction, bool] | None = None  # |change|, and whether that point keeps every grade
    scanned = [Fraction(0)] * len(follows)  # how far each unit was searched without a change
    while True:
        reach = window if bound is None else min(window, abs(bound))
        for index, (_, follow, _) in enumerate(follows):
            limit = reach if best is None else min(reach, best[0])
            if limit <= scanned[index]:
                continue
            grid = step if chosen.kind == "weight" else None
            change = follow.first_change(sign * limit, grid, sign * scanned[index])
            if change is None:
                scanned[index] = limit
                continue
            point, kept = abs(change[0]), change[1]
            if best is None or point < best[0] or (point == best[0] and not kept and best[1]):
                best = (point, kept)
        if best is not None or (bound is not None and reach >= abs(bound)) or reach > 10**12:
            break
        window *= 8
    if best is None:
        at = None if bound is None else sign * abs(bound)
        if at is None:
            return End(None, False, True, None, None)
        inside = _grid_inside(at, not bound_open, sign, step)
        return End(at, not bound_open, True, _shown(chosen, inside), None)
    at, kept = sign * best[0], best[1]
    inside = _grid_inside(at, kept, sign, step)
    past = _grid_past(at, kept, sign, step)
    if chosen.kind != "weight" and _finite(chosen.at(at)):  # a value the ruleset can hold exactly: the end itself
        inside, past = (at, past) if kept else (inside, at)
    if not chosen.allows(past):
        return End(at, kept, False, _shown(chosen, inside), None)
    moves = []
    for (unit, follow, result), start in zip(follows, starts, strict=True):
        state = follow.state(past)
        if not _same(state, (result.total, result.grade)):
            moves.append(
                Move(
                    unit.id,
                    unit.name,
                    start[1],
                    start[0],
                    None if state is None else state[1],
                    None if state is None else state[0],
                )
            )
    return End(at, kept, False, _shown(chosen, inside), _shown(chosen, past), tuple(moves))


def _halving(
    ruleset: Ruleset,
    chosen: Parameter,
    scored: list[tuple[Unit, ScoreResult]],
    sign: int,
    bound: Fraction | None,
    bound_open: bool,
) -> End:
    """One end for a number of a rule (each unit's grade monotone in it, see :func:`_rules_rise`): the
    fewest steps at which some unit's grade differs, found by halving between the current value and
    the bound, every probe scored by the engine under the ruleset moved there."""
    step = Fraction(chosen.step)
    assert bound is not None  # every rule number has both bounds
    most = math.floor(abs(bound) / step)
    if bound_open and most * step == abs(bound):
        most -= 1
    probes: dict[int, tuple[Move, ...]] = {}

    def moves(steps: int) -> tuple[Move, ...]:
        if steps not in probes:
            value = _shown(chosen, sign * steps * step)
            changed = moved(ruleset, chosen, value)
            found = []
            for unit, result in scored:
                try:
                    now = changed.score(unit.values, unit=unit.source or unit.id)
                except PerfscoreError:
                    found.append(Move(unit.id, unit.name, result.grade, result.total, None, None))
                    continue
                if now.grade.name != result.grade.name:
                    found.append(Move(unit.id, unit.name, result.grade, result.total, now.grade, now.total))
            probes[steps] = tuple(found)
        return probes[steps]

    if most < 1 or not moves(most):
        inside = _shown(chosen, sign * most * step) if most >= 0 else None
        return End(sign * abs(bound), not bound_open, True, inside, None)
    low, high = 0, most
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if moves(middle) else (middle, high)
    at = sign * low * step
    return End(at, True, False, _shown(chosen, at), _shown(chosen, sign * high * step), moves(high))


def _finite(value: Fraction) -> bool:
    """Whether ``value`` has a finite decimal (then a ruleset can hold it exactly)."""
    rest = value.denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    return rest == 1


def _grid_inside(at: Fraction, included: bool, sign: int, step: Fraction) -> Fraction:
    """The last multiple of ``step`` from 0 toward ``at`` that is inside the interval."""
    k = abs(at) / step
    whole = math.floor(k)
    if whole == k and not included:
        whole -= 1
    return sign * max(whole, 0) * step


def _grid_past(at: Fraction, included: bool, sign: int, step: Fraction) -> Fraction:
    """The first multiple of ``step`` beyond ``at`` (``at`` itself when it is excluded)."""
    k = abs(at) / step
    whole = math.ceil(k)
    if whole == k and included:
        whole += 1
    return sign * whole * step


def _shown(chosen: Parameter, change: Fraction) -> Decimal:
    """The parameter's value after ``change`` (a multiple of its step, or a finite decimal), as a Decimal."""
    value = chosen.at(change)
    finest = max(places(chosen.step), places(chosen.value))
    while (value * 10**finest).denominator != 1:
        finest += 1
    return _decimal(value, finest)


# --- checking against the engine ----------------------------------------------------------------


@pinned
def moved(ruleset: Ruleset, chosen: Parameter, value: Decimal) -> Ruleset:
    """The ruleset with ``chosen`` moved to ``value`` (its document changed and loaded again)."""
    document = ruleset.to_dict()
    change = value - chosen.value
    for path, sign in chosen.moves:
        table: Any = document
        if path[0] == "scales" and path[1] not in document.get("scales", {}):  # a built-in scale, written out
            document.setdefault("scales", {})[path[1]] = ruleset.scales[str(path[1])].model_dump(exclude_none=True)
        for key in path[:-1]:
            table = table[key]
        current = Decimal(table[path[-1]]) if not isinstance(table[path[-1]], Decimal) else table[path[-1]]
        table[path[-1]] = current + sign * change
    return loads_dict(document, ruleset.source, limits=ruleset.limits, methods=ruleset.methods)


def _verify(ruleset: Ruleset, found: ParameterSensitivity, scored: list[tuple[Unit, ScoreResult]]) -> None:
    """Score the units under the ruleset moved to each end's last value inside and first value past:
    the grades (and totals) must be those the analysis says."""
    chosen = found.parameter
    for end in (found.low, found.high):
        checks: list[tuple[Decimal, dict[str, Move]]] = []
        if end.inside is not None and end.inside != chosen.value:
            checks.append((end.inside, {}))
        if end.past is not None:
            checks.append((end.past, {move.unit: move for move in end.moves}))
        for value, expected in checks:
            changed = moved(ruleset, chosen, value)
            for unit, result in scored:
                try:
                    now = changed.score(unit.values, unit=unit.source or unit.id)
                    state: tuple[Decimal | None, str | None] = (now.total, now.grade.name)
                except PerfscoreError:
                    state = (None, None)
                move = expected.get(unit.id)
                said = (
                    (result.total, result.grade.name)
                    if move is None
                    else (move.total_after, None if move.after is None else move.after.name)
                )
                if state[1] != said[1] or (move is not None and state[0] != said[0]):
                    message = WORDS["disagrees"].format(
                        name=chosen.id, value=plain(value), unit=unit.id, said=said, scored=state
                    )
                    raise InternalError(message, unit.id)
