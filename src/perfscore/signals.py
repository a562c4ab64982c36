"""Signals across units: where many units' scores gather, stated with their numbers, for a reviewer.

The annual notice on project self-evaluation asks for 「数据准确、分值合理」 and forbids 「刻意抬高分数」.
A signal is a reason to look, never a finding of fault: it says what the numbers are (how many
units, which ones, the threshold that raised it) and nothing about why.

The one place that computes them is :class:`Collector`: each unit is added with its total and its
score on each indicator (:class:`Column`), and :meth:`Collector.result` gives :class:`Signals` —
the distribution of every indicator (:class:`Distribution`: counts per score band, full marks,
lowest, median, highest) and the signals raised (:class:`Signal`, in a fixed order):

- ``above-boundary``: totals gathered just above a grade boundary (``[90, 91)`` against ``[89, 90)``);
- ``under-cap``: totals gathered at or just under a ceiling on the total (a group rule, see
  docs/group-rules.md);
- ``self-above``: (audits) self-scores above the recomputed ones on an indicator, in many tables;
- ``full-marks``: many units at full marks on an indicator;
- ``qualitative-full``: units whose qualitative (定性) items all scored full while a quantitative
  (定量) item of the same unit fell short.

Scored units ask it through :func:`find_signals` (a :class:`~perfscore.result.BatchResult`, or
results); audits of tables through :meth:`perfscore.tables.BatchAudit.signals`, with the units'
own scores as written in the tables. Every threshold is a field of :class:`Thresholds` (one
place, documented in docs/tuning.md, overridable). No signal is raised for fewer than
``min_units`` units, and the report says so. Every number is exact (Decimal, in
:data:`~perfscore.exact.CONTEXT`); every text from a ruleset, a data file or a table passes the
output gate of the format it is written in.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from .charts import Bar, Stack, histogram, stacked
from .errors import Refusal
from .exact import CONTEXT, ZERO, pinned, unsigned
from .messages import Text, check_lang, in_lang, verbatim, words
from .page import e
from .result import BatchResult, ScoreResult
from .text import columns, for_markdown, for_terminal, pad, percent, plain, plain_data

__all__ = [
    "KINDS",
    "Cap",
    "Collector",
    "Column",
    "Distribution",
    "Part",
    "Signal",
    "Signals",
    "Thresholds",
    "caps_of",
    "find_signals",
]

#: The kinds of signal, in the order a report lists them.
KINDS = ("above-boundary", "under-cap", "self-above", "full-marks", "qualitative-full")

Source = Literal["scored", "self"]
_TOLERANCE = Decimal("0.01")  # a self-score above the recomputed one by more than a cent (as audits compare)
_CENT = Decimal("0.01")
_DASH = "—"
_NUM = ' class="num"'

WORDS = words(
    "signals",
    {
        "heading": ("跨单位信号", "Signals across units"),
        "caveat": ("信号只说明分数在哪里集中、值得复核，不是对任何单位的结论。",
                   "A signal says where scores gather and are worth a second look; it is not a finding about any unit."),
        "scored": ("依据：{units} 个单位按规则计算的得分。", "Read from: the scores {units} units were given by the rules."),
        "self": ("依据：{units} 张表中单位自己填写的得分（自评得分）。",
                 "Read from: the units' own scores as written in {units} tables (self-scores)."),
        "thresholds": ("阈值：{values}（可用 --threshold 名称=值 调整，见 docs/tuning.md）。",
                       "Thresholds: {values} (change one with --threshold NAME=VALUE; see docs/tuning.md)."),
        "too-few": ("只有 {units} 个单位，少于 min_units = {least}：不提示信号。",
                    "Only {units} units, fewer than min_units = {least}: no signal is raised."),
        "none": ("没有达到阈值的信号。", "No signal reaches its threshold."),
        "units": ("单位", "Units"),
        "more": ("等，共 {count} 个", "and others, {count} in all"),
        "all": ("共 {count} 个", "{count} in all"),
        "distribution": ("得分分布", "Distribution of scores"),
        "indicator": ("指标", "Indicator"),
        "points": ("分值", "Points"),
        "count": ("单位数", "Units"),
        "full": ("满分", "Full"),
        "full_share": ("满分占比", "At full marks"),
        "lowest": ("最低", "Lowest"),
        "median": ("中位数", "Median"),
        "highest": ("最高", "Highest"),
        "above": ("高于重算", "Above recomputed"),
        "gap": ("自评−重算合计", "Self − recomputed, in all"),
        "total": ("总分", "Total"),
        "qualitative": ("定性指标", "qualitative indicators"),
        "the_total": ("总分", "the total"),
        "varies": ("各表不同", "varies"),
        "band_full": ("满分", "full"),
        "totals_chart": ("总分分布", "Totals"),
        "totals_caption": ("每一列为总分在该区间（含下限、不含上限）的单位数；虚线为等级下限和封顶分数",
                           "Each column is the number of units whose total lies in its range (lower end included); "
                           "dashed lines are grade boundaries and ceilings"),
        "bands_chart": ("各指标得分分档", "Scores in bands, by indicator"),
        "bands_caption": ("各段为得分占分值比例在该档的单位数；右侧为满分占比",
                          "Each part is the number of units whose score, as a share of the points, is in that band; "
                          "the share at full marks on the right"),
        "cap": ("封顶 {limit}", "ceiling {limit}"),
        "signal": ("信号", "Signal"),
        "numbers": ("数据", "Numbers"),
        "threshold": ("阈值", "Threshold"),
    },
)  # fmt: skip

#: Each kind's name and sentence; ``{name}`` is the indicator's name, the rest are the signal's numbers.
SAID = words(
    "signals.kinds",
    {
        "above-boundary": ("等级下限之上集中", "gathered above a grade boundary"),
        "under-cap": ("封顶分数之下集中", "gathered under a ceiling"),
        "self-above": ("自评高于重算", "self-scores above the recomputed ones"),
        "full-marks": ("满分集中", "many at full marks"),
        "qualitative-full": ("定性满分而定量未满分", "qualitative full while quantitative fell short"),
    },
)  # fmt: skip

SENTENCES = words(
    "signals.sentences",
    {
        "above-boundary": (
            "总分在 [{boundary}, {upper}) 的有 {above} 个，在 [{lower}, {boundary}) 的只有 {below} 个："
            "集中在「{grade}」的下限 {boundary} 之上（阈值：至少 cluster_count = {count} 个，"
            "且不少于下方的 cluster_ratio = {ratio} 倍）。",
            "{above} units have a total in [{boundary}, {upper}) against {below} in [{lower}, {boundary}): "
            "gathered just above the lower bound {boundary} of {grade} (thresholds: at least cluster_count = {count} "
            "units, and cluster_ratio = {ratio} times as many as just below).",
        ),
        "under-cap": (
            "{name}在 [{lower}, {cap}] 的有 {above} 个，在 [{floor}, {lower}) 的只有 {below} 个：集中在封顶 {cap} 分"
            "（{rule}：当 {when} 时）之下（阈值：至少 cluster_count = {count} 个，且不少于下方的 cluster_ratio = {ratio} 倍）。",
            "{above} units score in [{lower}, {cap}] on {name} against {below} in [{floor}, {lower}): gathered at or "
            "just under the ceiling of {cap} ({rule}: when {when}) (thresholds: at least cluster_count = {count} "
            "units, and cluster_ratio = {ratio} times as many as just below).",
        ),
        "self-above": (
            "{name}：{units} 张表中有 {above} 张（{share}）自评得分高于按规则重算的得分，合计高 {gap} 分，"
            "最多的一张高 {largest} 分（阈值 gap_share = {threshold}）。",
            "{name}: in {above} of {units} tables ({share}) the self-score is above the score the rules give, by "
            "{gap} points in all and {largest} at most (threshold gap_share = {threshold}).",
        ),
        "full-marks": (
            "{name}：{units} 个单位中有 {full} 个（{share}）得满分（阈值 full_share = {threshold}）。",
            "{name}: {full} of {units} units ({share}) at full marks (threshold full_share = {threshold}).",
        ),
        "qualitative-full": (
            "既有定性指标又有定量指标的 {units} 个单位中，有 {flagged} 个（{share}）定性指标全部得满分，"
            "而同一单位的定量指标有未得满分的（阈值 qualitative_share = {threshold}）。",
            "Of {units} units with both qualitative and quantitative indicators, {flagged} ({share}) scored full "
            "marks on every qualitative one while a quantitative one fell short (threshold qualitative_share = "
            "{threshold}).",
        ),
    },
)  # fmt: skip

PROBLEMS = words(
    "signals.problems",
    {
        "setting": ("阈值应写成 名称=值，如 min_units=5，实际为 {text}",
                    "a threshold is written NAME=VALUE, such as min_units=5; got {text}"),
        "unknown": ("未知的阈值 {name}；可用的有 {known}", "unknown threshold {name}; expected one of {known}"),
        "number": ("阈值 {name} 应为{kind}，实际为 {text}", "threshold {name}: expected {kind}, got {text}"),
        "range": ("阈值 {name} 应{bound}，实际为 {value}", "threshold {name} must be {bound}; got {value}"),
        "empty": ("没有可计算信号的单位结果", "no scored units to compute signals from"),
        "rulesets": ("这些单位结果来自不同的规则，不能放在一起计算信号",
                     "these results come from different rulesets: their signals cannot be computed together"),
    },
)  # fmt: skip

_KIND_WORDS = words(
    "signals.kinds-of-value",
    {
        "whole": ("整数", "a whole number"),
        "decimal": ("数字", "a number"),
        "list": ("以逗号分隔的数字，如 0.6,0.8,0.9", "numbers separated by commas, such as 0.6,0.8,0.9"),
    },
)
_BOUNDS = words(
    "signals.bounds",
    {
        "at-least-one": ("不小于 1", "at least 1"),
        "share": ("大于 0 且不大于 1", "above 0 and at most 1"),
        "positive": ("大于 0", "above 0"),
        "bands": ("在 0 和 1 之间（不含）并且从小到大", "between 0 and 1 (both excluded), in increasing order"),
    },
)


# --- thresholds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """Every threshold of the signals, in one place (docs/tuning.md describes each).

    - ``min_units``: fewer units (or fewer behind a signal's count) and no signal is raised;
    - ``full_share``: the share of units at full marks on an indicator that raises ``full-marks``;
    - ``qualitative_share``: the share of units (among those with both kinds of indicator) whose
      qualitative items are all full while a quantitative one fell short that raises ``qualitative-full``;
    - ``window``: the width, in points, of the ranges compared either side of a grade boundary
      (``[b, b + window)`` against ``[b − window, b)``) or under a ceiling
      (``[c − window, c]`` against ``[c − 2·window, c − window)``);
    - ``cluster_count`` and ``cluster_ratio``: the range above (or at the ceiling) must hold at least
      ``cluster_count`` units and at least ``cluster_ratio`` times as many as the range below;
    - ``gap_share``: the share of tables whose self-score on an indicator is above the recomputed
      one (by more than 0.01) that raises ``self-above``;
    - ``bands``: the edges of the score bands, as shares of the points (``0.6, 0.8, 0.9``: below
      60%, 60–80%, 80–90%, 90–100%, full marks); each band includes its lower edge;
    - ``named``: the most units a text or HTML report names per signal (JSON lists them all).
    """

    min_units: int = 10
    full_share: Decimal = Decimal("0.9")
    qualitative_share: Decimal = Decimal("0.3")
    window: Decimal = Decimal(1)
    cluster_count: int = 3
    cluster_ratio: Decimal = Decimal(2)
    gap_share: Decimal = Decimal("0.3")
    bands: tuple[Decimal, ...] = (Decimal("0.6"), Decimal("0.8"), Decimal("0.9"))
    named: int = 20

    def __post_init__(self) -> None:
        for name in ("full_share", "qualitative_share", "window", "cluster_ratio", "gap_share"):
            object.__setattr__(self, name, _decimal(getattr(self, name)))  # 0.9 or "0.9" given: Decimal("0.9")
        object.__setattr__(self, "bands", tuple(_decimal(edge) for edge in self.bands))
        for name in ("min_units", "cluster_count", "named"):
            if getattr(self, name) < 1:
                self._refuse(name, "at-least-one")
        for name in ("full_share", "qualitative_share", "gap_share"):
            value = getattr(self, name)
            if not ZERO < value <= 1:
                self._refuse(name, "share")
        if self.window <= 0 or self.cluster_ratio <= 0:
            self._refuse("window" if self.window <= 0 else "cluster_ratio", "positive")
        if any(not ZERO < edge < 1 for edge in self.bands) or list(self.bands) != sorted(set(self.bands)):
            self._refuse("bands", "bands")

    def _refuse(self, name: str, bound: str) -> None:
        value = getattr(self, name)
        shown = ",".join(map(plain, value)) if isinstance(value, tuple) else str(value)
        raise Refusal(PROBLEMS["range"].format(name=name, bound=_BOUNDS[bound], value=shown))

    @classmethod
    def parse(cls, settings: Iterable[str], base: Thresholds | None = None) -> Thresholds:
        """Thresholds from ``NAME=VALUE`` texts (``min_units=5``, ``bands=0.5,0.8``), the others
        as ``base`` (the defaults by default). A bad name or value raises
        :class:`~perfscore.errors.Refusal` (a ValueError in both languages)."""
        known = {item.name: item for item in dataclasses.fields(cls)}
        changes: dict[str, Any] = {}
        for setting in settings:
            name, sep, text = setting.partition("=")
            name, text = name.strip(), text.strip()
            if not sep or not name or not text:
                raise Refusal(PROBLEMS["setting"].format(text=repr(setting)))
            if name not in known:
                raise Refusal(PROBLEMS["unknown"].format(name=repr(name), known=", ".join(known)))
            kind = "whole" if known[name].type in ("int", int) else "list" if name == "bands" else "decimal"
            try:
                if kind == "whole":
                    changes[name] = int(text)
                elif kind == "list":
                    changes[name] = tuple(Decimal(part.strip()) for part in text.split(","))
                else:
                    changes[name] = Decimal(text)
            except (ValueError, InvalidOperation):
                raise Refusal(PROBLEMS["number"].format(name=name, kind=_KIND_WORDS[kind], text=repr(text))) from None
            if kind != "whole" and not all(value.is_finite() for value in _values(changes[name])):
                raise Refusal(PROBLEMS["number"].format(name=name, kind=_KIND_WORDS[kind], text=repr(text)))
        return dataclasses.replace(base or cls(), **changes)

    def to_dict(self) -> dict[str, Any]:
        """The thresholds as plain data (decimals as text)."""
        return {item.name: plain_data(getattr(self, item.name)) for item in dataclasses.fields(self)}

    def shown(self) -> str:
        """The thresholds in one line: ``min_units=10, full_share=0.9, …``."""
        values = self.to_dict()
        return ", ".join(
            f"{name}={','.join(value) if isinstance(value, list) else value}" for name, value in values.items()
        )


def _decimal(value: object) -> Decimal:
    """A threshold as a Decimal: a float by its shortest text (0.9 is 0.9), an int or text as written."""
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(repr(value) if isinstance(value, float) else str(value))
    except InvalidOperation:
        raise Refusal(PROBLEMS["number"].format(name="?", kind=_KIND_WORDS["decimal"], text=repr(value))) from None


def _values(value: Decimal | tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    return value if isinstance(value, tuple) else (value,)


# --- what is collected ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """An indicator the signals read: its key (a leaf's id, a first-level key), its name in both
    languages, its points, and whether it is qualitative (None: not said, as for a group)."""

    key: str
    name: Text
    points: Decimal
    qualitative: bool | None = None


@dataclass(frozen=True)
class Part:
    """One item of a unit for the qualitative check: its name, its kind, its score and its points."""

    name: str
    qualitative: bool
    score: Decimal
    points: Decimal


@dataclass(frozen=True)
class Cap:
    """A ceiling (a group rule, docs/group-rules.md): its limit, the rule's id (``rules.0``,
    ``output.rules.1``), its condition as written, and the node it caps (``""``: the total) with its
    name."""

    limit: Decimal
    rule: str
    when: str
    node: str = ""
    name: Text | None = None


def caps_of(ruleset: Any) -> tuple[Cap, ...]:
    """The ceilings of a ruleset that can bind (below their node's points): on groups in the tree's
    order, then on the total, each in the order written."""
    return tuple(
        Cap(rule.limit, rule.id, rule.when.text, rule.node, rule.label if rule.node else None)
        for rule in ruleset.rules()
        if rule.kind.caps and rule.limit is not None and rule.limit < rule.points
    )


@dataclass(frozen=True)
class Distribution:
    """One indicator's scores over the units (``key`` "" is the total): how many units have a score,
    how many at full marks, the count in each band (lowest first; the last is full marks), the
    lowest, median and highest score, and each score with its count (``values``, ascending). For
    audits, ``above`` counts the tables whose self-score is above the recomputed one and ``gap`` is
    the sum of self-score − recomputed over every table (None for scored units)."""

    key: str
    name: Text
    points: Decimal | None  # None: the units' points differ (tables)
    units: int
    full: int
    bands: tuple[int, ...]
    lowest: Decimal | None
    median: Decimal | None
    highest: Decimal | None
    values: tuple[tuple[Decimal, int], ...] = ()
    above: int | None = None
    gap: Decimal | None = None

    @property
    def full_share(self) -> Decimal | None:
        """The share of units at full marks (None without units)."""
        return CONTEXT.divide(Decimal(self.full), Decimal(self.units)) if self.units else None

    def to_dict(self, labels: Sequence[str] = ()) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "name": {"zh": self.name.zh, "en": self.name.en},
            "points": plain_data(self.points),
            "units": self.units,
            "full": self.full,
            "full_share": plain_data(self.full_share),
            "bands": [{"band": label, "units": count} for label, count in zip(labels, self.bands, strict=True)]
            if labels
            else list(self.bands),
            "lowest": plain_data(self.lowest),
            "median": plain_data(self.median),
            "highest": plain_data(self.highest),
        }
        if self.above is not None:
            data["above_recomputed"] = self.above
            data["gap"] = plain_data(self.gap)
        return data


@dataclass(frozen=True)
class Signal:
    """One signal: its kind (:data:`KINDS`), the indicator it is about (``key``: a column's key, ""
    for the total, None for units as a whole) and its name, its numbers, every unit behind it (in the
    order given), the threshold that raised it and its value, and its sentence in both languages.
    ``details`` (``qualitative-full``) gives, for each unit in order, the quantitative items that
    fell short."""

    kind: str
    key: str | None
    name: Text
    numbers: Mapping[str, Any]
    units: tuple[str, ...]
    threshold: str
    limit: Decimal | int
    message: Text
    details: tuple[tuple[Text, ...], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        extra = {"details": [[{"zh": item.zh, "en": item.en} for item in items] for items in self.details]}
        return {
            "kind": self.kind,
            "meaning": {"zh": SAID[self.kind].zh, "en": SAID[self.kind].en},
            "indicator": self.key,
            "name": {"zh": self.name.zh, "en": self.name.en},
            "numbers": {key: plain_data(value) for key, value in self.numbers.items()},
            "units": list(self.units),
            "threshold": {"name": self.threshold, "value": plain_data(self.limit)},
            "message": {"zh": self.message.zh, "en": self.message.en},
            **(extra if self.details else {}),
        }


class Collector:
    """Signals computed over units added one at a time (:meth:`add`), then :meth:`result`.

    ``columns`` are the indicators read (each unit gives a score per column, or None); ``source``
    says whose scores they are (``scored``: the rules'; ``self``: the units' own, as written in
    tables); ``grades`` (each with ``name``, ``name_en`` and ``min``) and ``caps`` give the
    boundaries and ceilings the totals are compared with.

    Adding a unit keeps references to what it gives (its scores as a sequence, not copied); the
    counting is done once, column by column, in :meth:`result`: by distinct value, so its cost
    grows with the number of units only through a count of each value."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        source: Source,
        total_points: Decimal,
        grades: Sequence[Any],
        caps: Sequence[Cap] = (),
        thresholds: Thresholds | None = None,
    ) -> None:
        self.columns = tuple(columns)
        self.source = source
        self.total_points = total_points
        self.grades = tuple(grades)
        self.caps = tuple(caps)
        self.thresholds = thresholds or Thresholds()
        self._units: list[str] = []
        self._totals: list[Decimal | None] = []
        self._scores: list[Sequence[Decimal | None]] = []
        self._points: list[Sequence[Decimal | None] | None] = []
        self._recomputed: list[Sequence[Decimal | None] | None] = []
        self._recomputed_totals: list[Decimal | None] = []
        self._parts: list[Sequence[Part] | None] = []
        self._capped: list[Sequence[Decimal | None] | None] = []
        self._edges: dict[Decimal, list[Decimal]] = {}
        self._uniform = True  # no unit gave points of its own (set by result())
        self._audited = False  # some unit gave recomputed scores (set by result())
        self._by_column: list[tuple[Decimal | None, ...]] = []

    def add(
        self,
        unit: str,
        total: Decimal | None,
        scores: Sequence[Decimal | None],
        *,
        points: Sequence[Decimal | None] | None = None,
        parts: Sequence[Part] | None = None,
        recomputed: Sequence[Decimal | None] | None = None,
        recomputed_total: Decimal | None = None,
        capped: Sequence[Decimal | None] | None = None,
    ) -> None:
        """One unit: its name as reports show it, its total (None: not known), its score on each
        column (None: none), and optionally each column's points for this unit (tables differ), its
        items for the qualitative check (by default the columns that say their kind), the
        recomputed scores and total (audits), and its score on the node of each of ``caps`` (by
        default the total for a ceiling on the total, none for one on a group)."""
        self._capped.append(capped)
        self._units.append(unit)
        self._totals.append(total)
        self._scores.append(scores)
        self._points.append(points)
        self._parts.append(parts)
        self._recomputed.append(recomputed)
        self._recomputed_totals.append(recomputed_total)

    # --- counting ------------------------------------------------------------------------------

    def _band(self, score: Decimal, points: Decimal) -> int:
        if score >= points:
            return len(self.thresholds.bands) + 1
        edges = self._edges.get(points)
        if edges is None:
            edges = self._edges[points] = [CONTEXT.multiply(edge, points) for edge in self.thresholds.bands]
        return bisect.bisect_right(edges, score)

    def _cells(self, index: int | None) -> list[tuple[int, Decimal, Decimal]]:
        """(unit's place, score, points) of every unit with a score on a column worth points (the
        total for None)."""
        if index is None:
            whole = self.total_points
            return [(place, total, whole) for place, total in enumerate(self._totals) if total is not None]
        fixed = self.columns[index].points
        cells = []
        for place, (scores, points) in enumerate(zip(self._scores, self._points, strict=True)):
            score = scores[index]
            worth = fixed if points is None else points[index]
            if score is not None and worth is not None and worth > 0:
                cells.append((place, score, worth))
        return cells

    def _compared(self, index: int | None) -> list[tuple[int, Decimal, Decimal]]:
        """(unit's place, own score, recomputed score) of every unit with both, on a column worth
        points (the total for None)."""
        if index is None:
            pairs = zip(self._totals, self._recomputed_totals, strict=True)
            return [(place, own, again) for place, (own, again) in enumerate(pairs) if own is not None and again is not None]  # fmt: skip
        found = []
        for place, (own, again) in enumerate(zip(self._cells_by_place(index), self._recomputed, strict=True)):
            if own is not None and again is not None and again[index] is not None:
                found.append((place, own, again[index]))
        return found  # type: ignore[return-value]

    def _cells_by_place(self, index: int) -> list[Decimal | None]:
        """Each unit's score on the column (None: none, or the column is worth nothing for it)."""
        by_place: list[Decimal | None] = [None] * len(self._units)
        for place, score, _ in self._cells(index):
            by_place[place] = score
        return by_place

    def _count(self, index: int | None, key: str, name: Text, points: Decimal | None) -> _Counted:
        """One column's (or the total's) counts: by value, in bands, at full marks, and the comparison
        with the recomputed scores."""
        bands = [0] * (len(self.thresholds.bands) + 2)
        full_places: list[int] | None = None
        values: Counter[Decimal]
        if index is None or self._uniform:  # one worth for all: counted by value
            if index is None:
                worth = self.total_points
                values = Counter(self._totals)  # type: ignore[arg-type]  # None is taken out below
            else:
                worth = self.columns[index].points
                values = Counter(self._by_column[index])  # type: ignore[arg-type]  # None is taken out below
            values.pop(None, None)  # type: ignore[call-overload]
            if worth <= 0:
                values = Counter()
            for value, times in values.items():
                bands[self._band(value, worth)] += times
        else:
            cells = self._cells(index)
            values = Counter(score for _, score, _ in cells)
            for _, score, worth in cells:
                bands[self._band(score, worth)] += 1
            full_places = [place for place, score, worth in cells if score >= worth]
        ordered = tuple(sorted(values.items()))
        count = sum(values.values())
        over: list[tuple[int, Decimal]] = []
        compared, gap = 0, ZERO
        if self._audited:
            for place, own, again in self._compared(index):
                difference = CONTEXT.subtract(own, again)
                compared += 1
                gap = CONTEXT.add(gap, difference)
                if difference > _TOLERANCE:
                    over.append((place, difference))
        distribution = Distribution(
            key,
            name,
            points,
            count,
            bands[-1],
            tuple(bands),
            ordered[0][0] if ordered else None,
            _median(ordered, count),
            ordered[-1][0] if ordered else None,
            ordered,
            len(over) if compared else None,
            gap if compared else None,
        )
        return _Counted(distribution, full_places, over, compared)

    def _full_places(self, index: int, counted: _Counted) -> list[int]:
        if counted.full is not None:
            return counted.full
        worth = self.columns[index].points
        column = self._by_column[index]
        return [place for place, score in enumerate(column) if score is not None and score >= worth]

    def _flagged(self) -> tuple[int, list[int]]:
        """How many units have both qualitative and quantitative items, and the places of those whose
        qualitative items are all at full marks while a quantitative one fell short."""
        qualitative = [index for index, column in enumerate(self.columns) if column.qualitative is True]
        quantitative = [index for index, column in enumerate(self.columns) if column.qualitative is False]
        fixed = [column.points for column in self.columns]
        mixed, flagged = 0, list[int]()
        if not (qualitative and quantitative) and all(parts is None for parts in self._parts):
            return mixed, flagged  # the columns are of one kind only: no unit has both
        for place, (scores, parts) in enumerate(zip(self._scores, self._parts, strict=True)):
            if parts is not None:
                judged = [part.score >= part.points for part in parts if part.qualitative and part.points > 0]
                measured = [part.score < part.points for part in parts if not part.qualitative and part.points > 0]
                has_judged, judged_full = bool(judged), all(judged)
                has_measured, measured_short = bool(measured), any(measured)
            else:  # by column, without building a list per unit (a batch of scored units is large)
                worth = fixed if self._points[place] is None else self._points[place]
                has_judged, judged_full = _check(scores, worth, qualitative, full=True)  # type: ignore[arg-type]
                has_measured, measured_short = _check(scores, worth, quantitative, full=False)  # type: ignore[arg-type]
            if has_judged and has_measured:
                mixed += 1
                if judged_full and measured_short:
                    flagged.append(place)
        return mixed, flagged

    @pinned
    def result(self) -> Signals:
        """The distributions and the signals raised, in the order of :data:`KINDS`."""
        least = self.thresholds.min_units
        total_name = WORDS["total"]
        self._uniform = all(points is None for points in self._points)
        self._audited = any(each is not None for each in (*self._recomputed, *self._recomputed_totals))
        # each column's scores, transposed at once (the rows of scored units all have one per column)
        self._by_column = list(zip(*self._scores, strict=True)) if self._scores else [() for _ in self.columns]
        total = self._count(None, "", total_name, self.total_points)
        counted = [
            self._count(index, column.key, column.name, None if self.source == "self" else column.points)
            for index, column in enumerate(self.columns)
        ]
        raised: list[Signal] = []
        if len(self._units) >= least:
            raised += self._boundaries(total_name, total.distribution.values)
            raised += self._caps()
            raised += self._above([("", total_name, total), *((c.key, c.name, n) for c, n in zip(self.columns, counted, strict=True))])  # fmt: skip
            raised += self._full(counted)
            raised += self._mixed_signal()
        marks = [(Text(f"{grade.name} ≥ {plain(grade.min)}", f"{grade.name_en} ≥ {plain(grade.min)}"), grade.min)
                 for grade in self.grades if grade.min > 0]  # fmt: skip
        marks += [(WORDS["cap"].format(limit=plain(cap.limit)), cap.limit) for cap in self.caps if not cap.node]
        distributions = (total.distribution, *(each.distribution for each in counted))
        boundaries = tuple(sorted((grade.min for grade in self.grades if grade.min > 0), reverse=True))
        return Signals(
            self.source, len(self._units), self.thresholds, tuple(raised), distributions, tuple(marks), boundaries
        )

    # --- each kind ---------------------------------------------------------------------------

    def _cluster(self, above: int, below: int) -> bool:
        thresholds = self.thresholds
        return above >= thresholds.cluster_count and Decimal(above) >= CONTEXT.multiply(thresholds.cluster_ratio, below)

    def _numbers(self) -> dict[str, str]:
        thresholds = self.thresholds
        return {"count": str(thresholds.cluster_count), "ratio": plain(thresholds.cluster_ratio)}

    def _totals_in(self, low: Decimal, high: Decimal) -> list[int]:
        """The places of the units whose total is in [low, high)."""
        return [place for place, total in enumerate(self._totals) if total is not None and low <= total < high]

    @staticmethod
    def _how_many(values: Sequence[tuple[Decimal, int]], low: Decimal, high: Decimal) -> int:
        """How many of the counted ``values`` (ascending, each with its count) lie in [low, high)."""
        keys = [value for value, _ in values]
        return sum(count for _, count in values[bisect.bisect_left(keys, low) : bisect.bisect_left(keys, high)])

    def _boundaries(self, name: Text, values: Sequence[tuple[Decimal, int]]) -> Iterator[Signal]:
        window = self.thresholds.window
        for grade in self.grades:
            boundary = grade.min
            if boundary <= 0:
                continue
            upper, lower = CONTEXT.add(boundary, window), CONTEXT.subtract(boundary, window)
            above, below = self._how_many(values, boundary, upper), self._how_many(values, lower, boundary)
            if not self._cluster(above, below):
                continue  # counted from the totals by value: the units are listed only when raised
            inside = self._totals_in(boundary, upper)
            numbers = {"boundary": boundary, "upper": upper, "lower": lower, "above": len(inside), "below": below}
            shown = {key: plain(value) if isinstance(value, Decimal) else value for key, value in numbers.items()}
            grade_name = Text(grade.name, f"{grade.name_en} ({grade.name})")
            message = SENTENCES["above-boundary"].format(name=name, grade=grade_name, **shown, **self._numbers())
            units = tuple(self._units[place] for place in inside)
            yield Signal("above-boundary", "", name, numbers, units, "cluster_count", self.thresholds.cluster_count, message)  # fmt: skip

    def _capped_scores(self, index: int) -> list[Decimal | None]:
        """Each unit's score on the node of ``caps[index]``."""
        if self.caps[index].node == "":
            return [self._totals[place] if given is None else given[index] for place, given in enumerate(self._capped)]
        return [None if given is None else given[index] for given in self._capped]

    def _caps(self) -> Iterator[Signal]:
        window = self.thresholds.window
        seen: set[tuple[str, Decimal]] = set()
        for index, cap in enumerate(self.caps):
            if (cap.node, cap.limit) in seen:
                continue
            seen.add((cap.node, cap.limit))
            lower = CONTEXT.subtract(cap.limit, window)
            floor = CONTEXT.subtract(lower, window)
            scores = self._capped_scores(index)
            inside = [place for place, score in enumerate(scores) if score is not None and lower <= score <= cap.limit]
            below = sum(1 for score in scores if score is not None and floor <= score < lower)
            if not self._cluster(len(inside), below):
                continue
            numbers = {"cap": cap.limit, "lower": lower, "floor": floor, "above": len(inside), "below": below}
            shown = {key: plain(value) if isinstance(value, Decimal) else value for key, value in numbers.items()}
            name = cap.name or WORDS["the_total"]
            message = SENTENCES["under-cap"].format(name=name, rule=cap.rule, when=cap.when, **shown, **self._numbers())
            units = tuple(self._units[place] for place in inside)
            yield Signal("under-cap", cap.node, name, numbers, units, "cluster_count", self.thresholds.cluster_count, message)  # fmt: skip

    def _above(self, counted: Sequence[tuple[str, Text, _Counted]]) -> Iterator[Signal]:
        thresholds = self.thresholds
        for key, name, each in counted:
            base, over = each.compared, each.over
            if base < thresholds.min_units or not over:
                continue
            if Decimal(len(over)) < CONTEXT.multiply(thresholds.gap_share, base):
                continue
            gap = ZERO
            for _, difference in over:
                gap = CONTEXT.add(gap, difference)
            largest = max(difference for _, difference in over)
            share = CONTEXT.divide(Decimal(len(over)), Decimal(base))
            numbers = {"units": base, "above": len(over), "share": share, "gap": gap, "largest": largest}
            message = SENTENCES["self-above"].format(
                name=name, units=base, above=len(over), share=percent(share), gap=plain(gap),
                largest=plain(largest), threshold=percent(thresholds.gap_share),
            )  # fmt: skip
            units = tuple(self._units[place] for place, _ in over)
            yield Signal("self-above", key, name, numbers, units, "gap_share", thresholds.gap_share, message)

    def _full(self, counted: Sequence[_Counted]) -> Iterator[Signal]:
        thresholds = self.thresholds
        for index, (column, each) in enumerate(zip(self.columns, counted, strict=True)):
            count, full = each.distribution.units, each.distribution.full
            if count < thresholds.min_units or Decimal(full) < CONTEXT.multiply(thresholds.full_share, count):
                continue
            share = CONTEXT.divide(Decimal(full), Decimal(count))
            numbers = {"units": count, "full": full, "share": share}
            message = SENTENCES["full-marks"].format(
                name=column.name, units=count, full=full, share=percent(share),
                threshold=percent(thresholds.full_share),
            )  # fmt: skip
            units = tuple(self._units[place] for place in self._full_places(index, each))
            yield Signal("full-marks", column.key, column.name, numbers, units, "full_share", thresholds.full_share, message)  # fmt: skip

    def _mixed_signal(self) -> Iterator[Signal]:
        thresholds = self.thresholds
        base, places = self._flagged()
        flagged = len(places)
        if base < thresholds.min_units or not flagged:
            return
        if Decimal(flagged) < CONTEXT.multiply(thresholds.qualitative_share, base):
            return
        share = CONTEXT.divide(Decimal(flagged), Decimal(base))
        numbers = {"units": base, "flagged": flagged, "share": share}
        message = SENTENCES["qualitative-full"].format(
            units=base, flagged=flagged, share=percent(share), threshold=percent(thresholds.qualitative_share)
        )
        name = WORDS["qualitative"]
        units = tuple(self._units[place] for place in places)
        details = tuple(self._short(place) for place in places)
        yield Signal("qualitative-full", None, name, numbers, units, "qualitative_share", thresholds.qualitative_share, message, details)  # fmt: skip

    def _short(self, place: int) -> tuple[Text, ...]:
        """The quantitative items of one unit that fell short, in order."""
        parts = self._parts[place]
        if parts is not None:
            return tuple(verbatim(part.name) for part in parts if not part.qualitative and part.points > 0 and part.score < part.points)  # fmt: skip
        scores, points = self._scores[place], self._points[place]
        short = []
        for index, column in enumerate(self.columns):
            score, worth = scores[index], column.points if points is None else points[index]
            if column.qualitative is False and score is not None and worth is not None and worth > 0 and score < worth:
                short.append(column.name)
        return tuple(short)


@dataclass(frozen=True)
class _Counted:
    """A column's distribution, the places of its units at full marks when already known, its units
    whose self-score is above the recomputed one (with by how much) and how many were compared."""

    distribution: Distribution
    full: list[int] | None
    over: list[tuple[int, Decimal]]
    compared: int


def _check(
    scores: Sequence[Decimal | None], worth: Sequence[Decimal | None], indexes: Sequence[int], *, full: bool
) -> tuple[bool, bool]:
    """Whether any of the columns ``indexes`` has a score (on points above 0), and then whether all of
    them are at full marks (``full``) or whether any of them fell short."""
    present = False
    for index in indexes:
        score, points = scores[index], worth[index]
        if score is None or points is None or points <= 0:
            continue
        present = True
        if full and score < points:
            return True, False
        if not full and score < points:
            return True, True
    return present, full and present


def _score(value: Decimal) -> str:
    """A score as the reports print scores: at least two places (``51.70``, not ``51.7``); a median
    between two scores keeps its third place (``9.475``)."""
    value = unsigned(value)  # a table's −0 is shown as 0
    exponent = value.as_tuple().exponent
    return str(value) if isinstance(exponent, int) and exponent <= -2 else str(CONTEXT.quantize(value, _CENT))


def _median(values: Sequence[tuple[Decimal, int]], count: int) -> Decimal | None:
    """The median of ``count`` values given as (value, how many), ascending: the middle one, or the
    mean of the two middle ones (exact)."""
    if not count:
        return None
    wanted = ((count - 1) // 2, count // 2)
    found: list[Decimal] = []
    seen = 0
    for value, times in values:
        while len(found) < 2 and wanted[len(found)] < seen + times:
            found.append(value)
        seen += times
        if len(found) == 2:
            break
    low, high = found
    return low if low == high else CONTEXT.divide(CONTEXT.add(low, high), Decimal(2))


# --- the report -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signals:
    """The signals of many units: whose scores (``source``), how many units, the thresholds, the
    signals raised (ordered as :data:`KINDS`, then the total before the indicators, then the
    indicators in the ruleset's order) and each indicator's distribution (the total first).
    Iterating gives the signals."""

    source: Source
    units: int
    thresholds: Thresholds
    signals: tuple[Signal, ...]
    distributions: tuple[Distribution, ...] = field(default=())
    marks: tuple[tuple[Text, Decimal], ...] = field(default=())  # the totals' grade boundaries and ceilings
    boundaries: tuple[Decimal, ...] = field(default=())  # the grades' lower bounds above 0, highest first

    @property
    def enough(self) -> bool:
        """Whether there were units enough (``min_units``) for any signal to be raised."""
        return self.units >= self.thresholds.min_units

    def __iter__(self) -> Iterator[Signal]:
        return iter(self.signals)

    def __len__(self) -> int:
        return len(self.signals)

    def band_labels(self, lang: str = "zh") -> list[str]:
        """The bands' names, lowest first: ``<60%``, ``60–80%``, …, ``90–100%``, ``满分`` (full)."""
        edges = [plain(CONTEXT.multiply(edge, Decimal(100))) for edge in self.thresholds.bands]
        labels = [f"<{edges[0]}%"]
        labels += [f"{low}–{high}%" for low, high in itertools.pairwise(edges)]
        labels.append(f"{edges[-1]}–100%")
        labels.append(WORDS["band_full"](lang))
        return labels

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain data (decimals as text, both languages, every unit behind a signal)."""
        labels = self.band_labels("en")
        return {
            "source": self.source,
            "units": self.units,
            "enough": self.enough,
            "thresholds": self.thresholds.to_dict(),
            "signals": [signal.to_dict() for signal in self.signals],
            "distributions": [distribution.to_dict(labels) for distribution in self.distributions],
        }

    def render(self, fmt: str = "text", lang: str = "zh") -> str:
        """The signals and the distributions as ``text``, ``markdown`` or ``html`` (a section for a
        page of :mod:`perfscore.page`, with its charts); every text from a file through that format's gate."""
        check_lang(lang)
        if fmt == "html":
            return "\n".join(self._html(lang)) + "\n"
        if fmt == "text":
            return "\n".join(map(for_terminal, self._text(lang))) + "\n"
        if fmt == "markdown":
            return "\n".join(self._markdown(lang)) + "\n"
        raise ValueError(f"fmt must be one of text, markdown, html, not {fmt!r}")

    # --- shared pieces -------------------------------------------------------------------------

    def _intro(self, lang: str) -> list[str]:
        words = in_lang(WORDS, lang)
        lines = [words["caveat"], WORDS[self.source].format(units=self.units)(lang)]
        lines.append(WORDS["thresholds"].format(values=self.thresholds.shown())(lang))
        if not self.enough:
            lines.append(WORDS["too-few"].format(units=self.units, least=self.thresholds.min_units)(lang))
        elif not self.signals:
            lines.append(words["none"])
        return lines

    def _named(self, signal: Signal, lang: str) -> str:
        """The units behind a signal, the first ``named`` of them (each with its details, if any),
        with how many in all."""
        most = self.thresholds.named
        shown = list(signal.units[:most])
        separator = "、" if lang == "zh" else ", "
        if signal.details:
            inner = "、" if lang == "zh" else "; "
            shown = [
                (f"{unit}（{inner.join(item(lang) for item in items)}）" if lang == "zh"
                 else f"{unit} ({inner.join(item(lang) for item in items)})") if items else unit
                for unit, items in zip(shown, signal.details, strict=False)
            ]  # fmt: skip
        count = len(signal.units)
        rest = WORDS["more" if count > most else "all"].format(count=count)(lang)
        joined = separator.join(shown)
        return f"{joined}（{rest}）" if lang == "zh" else f"{joined} ({rest})"

    def _row(self, distribution: Distribution, lang: str) -> list[str]:
        words = in_lang(WORDS, lang)
        points = words["varies"] if distribution.points is None else plain(distribution.points)
        share = distribution.full_share
        cells = [
            distribution.name(lang),
            points,
            str(distribution.units),
            _DASH if share is None else percent(share),
            *map(str, distribution.bands),
            *(
                _DASH if value is None else _score(value)
                for value in (distribution.lowest, distribution.median, distribution.highest)
            ),
        ]
        if self.source == "self":
            cells += [
                _DASH if distribution.above is None else str(distribution.above),
                _DASH if distribution.gap is None else plain(distribution.gap),
            ]
        return cells

    def _heads(self, lang: str) -> list[str]:
        words = in_lang(WORDS, lang)
        heads = [words["indicator"], words["points"], words["count"], words["full_share"]]
        heads += [*self.band_labels(lang)[:-1], words["full"]]
        heads += [words["lowest"], words["median"], words["highest"]]
        if self.source == "self":
            heads += [words["above"], words["gap"]]
        return heads

    # --- text and Markdown -----------------------------------------------------------------------

    def _text(self, lang: str) -> Iterator[str]:
        words = in_lang(WORDS, lang)
        colon = "：" if lang == "zh" else ": "
        yield words["heading"]
        for line in self._intro(lang):
            yield f"  {line}"
        for number, signal in enumerate(self.signals, start=1):
            yield f"  {number}. [{SAID[signal.kind](lang)}] {signal.message(lang)}"
            yield f"     {words['units']}{colon}{self._named(signal, lang)}"
        yield ""
        yield f"{words['distribution']}"
        table = [self._heads(lang), *(self._row(each, lang) for each in self.distributions if each.units)]
        widths = [max(columns(row[i]) for row in table) for i in range(len(table[0]))]
        for row in table:
            cells = [pad(cell, widths[i], right=i > 0) for i, cell in enumerate(row)]
            yield "  " + "  ".join(cells).rstrip()

    def _markdown(self, lang: str) -> Iterator[str]:
        words = in_lang(WORDS, lang)
        colon = "：" if lang == "zh" else ": "
        yield f"## {words['heading']}"
        yield ""
        for line in self._intro(lang):
            yield for_markdown(line)
            yield ""
        for number, signal in enumerate(self.signals, start=1):
            yield f"{number}. **{for_markdown(SAID[signal.kind](lang))}** {for_markdown(signal.message(lang))}"
            yield f"   {for_markdown(words['units'])}{colon}{for_markdown(self._named(signal, lang))}"
        if self.signals:
            yield ""
        yield f"### {words['distribution']}"
        yield ""
        heads = self._heads(lang)
        yield "| " + " | ".join(map(for_markdown, heads)) + " |"
        yield "|---|" + "---:|" * (len(heads) - 1)
        for each in self.distributions:
            if each.units:
                yield "| " + " | ".join(map(for_markdown, self._row(each, lang))) + " |"

    # --- HTML --------------------------------------------------------------------------------------

    def _html(self, lang: str) -> Iterator[str]:
        words = in_lang(WORDS, lang)
        yield '<div class="signals">'
        yield f"<h2>{e(words['heading'])}</h2>"
        for line in self._intro(lang):
            yield f'<p class="meta">{e(line)}</p>'
        if self.signals:
            yield '<table class="signals">'
            yield (
                f'<thead><tr><th class="num">#</th><th>{e(words["signal"])}</th>'
                f"<th>{e(words['units'])}</th></tr></thead><tbody>"
            )
            for number, signal in enumerate(self.signals, start=1):
                yield (
                    f'<tr><td class="num">{number}</td><td class="text"><strong>{e(SAID[signal.kind](lang))}</strong> '
                    f'{e(signal.message(lang))}</td><td class="text">{e(self._named(signal, lang))}</td></tr>'
                )
            yield "</tbody></table>"
        yield f"<h3>{e(words['distribution'])}</h3>"
        total = self.distributions[0] if self.distributions else None
        if total is not None and total.units:
            yield self._totals_chart(total, lang)
        rows = [each for each in self.distributions[1:] if each.units]
        if rows:
            labels = self.band_labels(lang)
            stacks = [
                Stack(each.name(lang), tuple(Decimal(count) for count in each.bands), percent(each.full_share or ZERO))
                for each in rows
            ]  # fmt: skip
            svg = stacked(stacks, words["bands_chart"], labels)
            yield f'<figure class="chart">{svg}<figcaption>{e(words["bands_caption"])}</figcaption></figure>'
        heads, rows_ = self._heads(lang), [self._row(each, lang) for each in self.distributions if each.units]
        bands = 4 + len(self.thresholds.bands) + 2  # the indicator, points, units, share, then the bands
        for kept in (list(range(bands)), [0, *range(bands, len(heads))]):  # two tables, each within the page
            yield '<table class="distribution">'
            yield (
                "<thead><tr>"
                + "".join(f"<th{'' if i == 0 else _NUM}>{e(heads[i])}</th>" for i in kept)
                + "</tr></thead>"
            )
            yield "<tbody>"
            for cells in rows_:
                yield "<tr>" + "".join(f"<td{'' if i == 0 else _NUM}>{e(cells[i])}</td>" for i in kept) + "</tr>"
            yield "</tbody></table>"
        yield "</div>"

    def _tone(self, low: Decimal) -> str:
        """A column's colour by the grade its lower end is in, as the grade chart colours grades: the
        highest green, the next blue, then orange, the lowest red."""
        place = sum(1 for boundary in self.boundaries if low < boundary)
        if self.boundaries and place == len(self.boundaries):
            return "bad"
        return ("good", "neutral", "warn")[min(place, 2)]

    def _totals_chart(self, total: Distribution, lang: str) -> str:
        """A histogram of the totals, each bin ``width`` points wide (1, 2, 5, 10, 20, …: at most 40 bins),
        from the lowest total down to a multiple of the width, up to the highest; grade boundaries
        and ceilings inside that range marked."""
        words = in_lang(WORDS, lang)
        assert total.lowest is not None and total.highest is not None
        scale, step = Decimal(1), 0
        while True:  # 1, 2, 5, 10, 20, 50, … points a column, until 40 columns hold every total
            width = CONTEXT.multiply(scale, (1, 2, 5)[step])
            start = CONTEXT.multiply(CONTEXT.divide_int(total.lowest, width), width)
            if total.lowest < 0 and start != total.lowest:
                start = CONTEXT.subtract(start, width)
            bins = int(CONTEXT.divide_int(CONTEXT.subtract(total.highest, start), width)) + 1
            if bins <= 40:
                break
            step = (step + 1) % 3
            scale = CONTEXT.multiply(scale, 10) if step == 0 else scale
        counts = [0] * bins
        for value, times in total.values:
            counts[min(bins - 1, int(CONTEXT.divide_int(CONTEXT.subtract(value, start), width)))] += times
        rows = []
        for index, count in enumerate(counts):
            low = CONTEXT.add(start, CONTEXT.multiply(width, index))
            rows.append(Bar(plain(low), Decimal(count), str(count), self._tone(low)))
        end = CONTEXT.add(start, CONTEXT.multiply(width, bins))
        marks: list[tuple[int, str]] = []
        for name, boundary in self.marks:
            if start < boundary <= end and CONTEXT.remainder(CONTEXT.subtract(boundary, start), width) == 0:
                marks.append((int(CONTEXT.divide_int(CONTEXT.subtract(boundary, start), width)), name(lang)))
        svg = histogram(rows, words["totals_chart"], marks=marks)
        return f'<figure class="chart">{svg}<figcaption>{e(words["totals_caption"])}</figcaption></figure>'


@pinned
def find_signals(results: BatchResult | Iterable[ScoreResult], *, thresholds: Thresholds | None = None) -> Signals:
    """The signals of scored units: a :class:`~perfscore.result.BatchResult` (its units that failed
    are left out; units are named by id, and name when given) or results of one ruleset (named by
    their ``unit``, else their place from 1). Each leaf indicator is a column; the totals are
    compared with the ruleset's grade boundaries and the ceilings on its total."""
    given: Sequence[ScoreResult | Any]
    if isinstance(results, BatchResult):
        ruleset, given = results.ruleset, results.outcomes
    else:
        given = list(results)
        if not given:
            raise Refusal(PROBLEMS["empty"])
        ruleset = given[0].ruleset
        if any(result.ruleset is not ruleset for result in given if isinstance(result, ScoreResult)):
            raise Refusal(PROBLEMS["rulesets"])
    columns = [
        Column(leaf.id, Text(leaf.label("zh"), leaf.label("en")), leaf.points, bool(leaf.method.qualitative))
        for leaf in ruleset.leaves
        if leaf.method is not None
    ]
    collector = Collector(
        columns, source="scored", total_points=ruleset.total_points, grades=ruleset.meta.grades,
        caps=caps_of(ruleset), thresholds=thresholds,
    )  # fmt: skip
    batch = results if isinstance(results, BatchResult) else None
    caps = collector.caps
    grouped = any(cap.node for cap in caps)
    for index, result in enumerate(given):
        if not isinstance(result, ScoreResult):
            continue  # a unit that failed: its error is in the batch's report
        label = _unit_label(batch, index) if batch is not None else result.unit or str(index + 1)
        capped = [_node_score(result, cap.node) for cap in caps] if grouped else None
        collector.add(label, result.total, result.leaf_scores, capped=capped)
    return collector.result()


def _node_score(result: ScoreResult, node: str) -> Decimal | None:
    """A unit's score on a node its rules touched (after them, rounded as the subtotals are), or its total."""
    if not node:
        return result.total
    ruled = result.ruled
    value = None if ruled is None else ruled.values.get(node)
    return None if value is None else result.ruleset.round(value)


def _unit_label(batch: BatchResult, index: int) -> str:
    unit_id, name = batch._identity(index)
    return f"{name}（{unit_id}）" if name and name != unit_id else unit_id
