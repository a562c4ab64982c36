"""Scoring a filled self-evaluation table (自评表) under a ruleset's ``[tables]`` policy.

A table brings its own second- and third-level indicators; the ruleset brings the first-level
indicators (matched by name or by the policy's aliases), the rounding, the grades and the policy
for reading targets. :func:`score_table` writes the table's own ruleset as TOML text, compiles it
with :func:`perfscore.loads` (so it pickles and explains like any other ruleset) and scores the
actual values with it:

- a numeric target (「≥50个」, 「≤2万元」, 「=100%」) becomes a ``ratio`` leaf; ``>`` is read as ``≥``
  and ``<`` as ``≤`` (tables use them loosely; a strict reading would make a met target score
  less than full marks), a target with no operator as ``≥``; the policy's ``reverse``, ``equal``,
  ``tolerance`` and ``over_target`` apply;
- a deadline (「2023年9月底前」) becomes a ``boolean`` leaf: ``finished <= date("2023-09-30")``;
- a qualitative target (「效果明显」) becomes a ``rating`` leaf whose tier is read from the actual
  text; the unit's own score is kept when it lies in that tier, otherwise the tier's default applies
  (its lowest score when the scale gives no default), and the explanation says so;
- the budget block becomes 预算执行率 = 全年执行数 / 全年预算数 against a target of 100%, worth the
  block's points (the ruleset's weight when the table leaves 分值 empty);
- a row whose 分值 is empty (a merged cell is read in its first row only) is worth 0 and scores 0,
  listed in :attr:`TableScore.without_points` for the audit to report.

Group points are the sums of the table's own rows, so the tree always adds up; whether they match
the ruleset's first-level weights is for :func:`perfscore.tables.audit.audit_table` to say.
"""

from __future__ import annotations

import decimal
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from pydantic import ValidationError

from ..errors import DataError, KeyPath, Location, Problem, RulesetError, ScoringError, suggest
from ..exact import ZERO, pinned
from ..limits import Limits, check_document
from ..loader import loads
from ..messages import Text, check_lang, words
from ..model import Metadata, Scale, TablePolicy, Tier
from ..result import LeafResult, ScoreResult
from ..ruleset import Indicator, Ruleset
from ..text import for_terminal, plain
from ..toml import dumps_key, dumps_value, parse_toml
from ..validation import quick
from .model import BudgetBlock, Cell, IndicatorRow, Table
from .targets import Assumed, Measure, TextError, parse_actual, parse_target, target_in_name

__all__ = ["COLUMNS", "RowPlan", "TableScore", "Unreadable", "cell_location", "cell_ref", "flat", "score_table"]

#: The table's column headers, as findings and messages name them (a :class:`~perfscore.messages.Text` each).
PROBLEMS = words(
    "tables.score.problems",
    {
        "unreadable": ("{zh}（{en}）{text} 无法识别：{reason}", "{en} ({zh}) {text} cannot be read: {reason}"),
        "no-points": ("{what}没有分值", "{what} has no points (分值)"),
        "negative": ("{what}的分值为 {points}；分值应为 0 或更大", "{what} has points {points}; points are 0 or more"),
        "too-large": ("{what}的分值为 {points}，过大无法计分", "{what} has points {points}, too large to score"),
        "places": ("{what}的分值为 {points}，小数位多于规则的舍入位数（{places}）",
                   "{what} has points {points}, with more decimal places than the ruleset rounds to ({places})"),
        "indicator": ("指标 {label} ", "the indicator {label}"),
        "budget-block": ("预算执行率一栏", "the budget block"),
        "level1": ("一级指标 {level1} 与规则中的都不匹配：{known}；请把它加到 [tables] level1",
                   "first-level indicator (一级指标) {level1} matches none of the ruleset's: {known}; add it to [tables] level1"),
        "budget": ("规则中没有对应预算执行率一栏的一级指标；请设置 [tables] budget",
                   "the ruleset has no first-level indicator for the budget block (预算执行率); set [tables] budget"),
        "nothing": ("自评表没有可计分的分值（分值全为 0 或空）", "the table gives no points to score (分值 are all 0 or empty)"),
    },
)  # fmt: skip

COLUMNS = words(
    "tables.columns",
    {
        "target": ("年度指标值", "target"),
        "actual": ("实际完成值", "actual"),
        "points": ("分值", "points"),
        "reported": ("得分", "score"),
        "level1": ("一级指标", "first-level indicator"),
        "budget": ("预算执行情况", "budget block"),
        "executed": ("全年执行数", "amount executed"),
        "adjusted": ("全年预算数", "adjusted budget"),
    },
)

#: Why a cell cannot be scored by rule, in both languages.
REASONS = words(
    "tables.reasons",
    {
        "empty-target": (
            "单元格为空，指标名称中也没有写明目标",
            "the cell is empty and the indicator's name states no target",
        ),
        "no-tier": ("未说明目标达成到什么程度", "it does not say how far the target was reached"),
        "no-kind": ("既不是数值、日期，也不是定性目标", "it is neither a number, a date nor a qualitative target"),
        "no-amounts": (
            "单元格为空；执行率需要全年预算数和全年执行数",
            "the cell is empty; the rate needs both amounts",
        ),
        "zero-budget": ("执行率需要大于 0 的全年预算数", "the rate needs an adjusted budget above 0"),
        "negative": ("为负数", "it is negative"),
        "not-a-tier": ("「{tier}」不是档次表「{scale}」中的档次", "'{tier}' is not a tier of the scale '{scale}'"),
        "date-needed": ("目标为完成时限 {due}，需填完成日期", "a date is needed against the deadline {due}"),
        "number-needed": ("目标「{target}」为数值，需填数值", "a number is needed against the target {target}"),
    },
)


def _said(key: str, **values: object) -> Text:
    """A reason of :data:`REASONS` with its values filled in, in both languages."""
    text = REASONS[key]
    return Text(text.zh.format(**values), text.en.format(**values))


RowKind = Literal["ratio", "deadline", "rating", "unreadable", "no-points"]
BUDGET_NAMES = ("预算执行率", "预算执行")
_BRACKETED = re.compile(r"[(（［\[][^)）］\]]*[)）］\]]")  # 「（50分）」, 「(50分)」: a note, not the name
BUDGET_LEAF = "rate"
BUDGET_RATIO: Mapping[str, Any] = {"method": "ratio", "actual": "execution_rate", "target": 1}  # min(rate, 1) × points
_OWN_KEYS = frozenset({"name", "name_en", "points", "description", "description_en"})  # not copied from the ruleset


@dataclass(frozen=True)
class Unreadable:
    """A cell perfscore could not read, and what the ruleset's policy did instead of stopping.

    ``row`` is the index of the row in ``table.rows`` (None for the budget block); ``column`` is a
    key of :data:`COLUMNS`; ``action`` is the policy applied: ``zero`` (scored 0) or ``reported``
    (the unit's own score kept, to be checked by hand).
    """

    row: int | None
    column: str
    text: str
    reason: str
    cell: Cell
    action: Literal["zero", "reported"]
    reason_zh: str = ""  # the reason in Chinese

    def describe(self, lang: str = "zh") -> str:
        """「年度指标值「≥五十个」无法识别：…」 / "target '≥五十个' cannot be read: …"."""
        column, text = COLUMNS[self.column], flat(self.text)
        if check_lang(lang) == "zh":
            return f"{column.zh}「{text or '（空）'}」无法识别：{self.reason_zh or self.reason}"
        return f"{column.en} ({column.zh}) {text!r} cannot be read: {self.reason}"


@dataclass(frozen=True)
class RowPlan:
    """How one indicator row was turned into a leaf: its kind, the texts as read, its tier."""

    index: int  # in table.rows
    row: IndicatorRow
    root: str  # the ruleset's first-level key the row belongs to
    leaf: str  # the leaf's id in the table's ruleset
    kind: RowKind
    direction: Literal[">=", "<=", "="] | None = None  # ratio leaves
    target: Measure | None = None
    actual: Measure | None = None
    tier: Tier | None = None  # rating leaves: the tier the actual text reads as
    rated: Decimal | None = None  # rating leaves: the score given to the tier (None: its default)
    unreadable: Unreadable | None = None
    assumed: tuple[Assumed, ...] = ()  # what was assumed to read the row's cells (each is a finding)


@dataclass(frozen=True)
class TableScore:
    """A table scored under a ruleset: the result, which leaf each row became, what could not be read."""

    table: Table
    base: Ruleset  # the ruleset the table was scored under
    ruleset: Ruleset  # the table's own ruleset, compiled from generated TOML
    result: ScoreResult
    plans: tuple[RowPlan, ...]
    budget_root: str | None = None  # the first-level key of the budget block, when the table has one
    budget_leaf: str | None = None  # its leaf id
    unparseable: tuple[Unreadable, ...] = ()
    level1: Mapping[str, str] = field(default_factory=dict)  # first-level text in the table → ruleset key
    values: Mapping[str, Any] = field(default_factory=dict)  # the input values the table's ruleset scored
    unmatched: Mapping[str, str] = field(default_factory=dict)  # first-level text matching no root → its own key
    budget_assumed: tuple[Assumed, ...] = ()  # what was assumed to score the budget block
    budget_rule: bool = False  # the budget block is scored by the ruleset's own budget indicator
    nearest: Mapping[str, str] = field(default_factory=dict)  # first-level text matched by a name inside it → key

    @property
    def leaves(self) -> dict[int, str]:
        """Row index (in ``table.rows``) → leaf id in the table's ruleset."""
        return {plan.index: plan.leaf for plan in self.plans}

    @property
    def total(self) -> Decimal:
        return self.result.total

    @property
    def without_points(self) -> tuple[int, ...]:
        """Rows whose 分值 is empty (often a merged cell read in its first row only): scored 0."""
        return tuple(plan.index for plan in self.plans if plan.kind == "no-points")

    def item(self, row: int) -> LeafResult:
        """The recomputed result of the row at index ``row``."""
        return self.result.item(self.leaves[row])

    @property
    def budget_item(self) -> LeafResult | None:
        return None if self.budget_leaf is None else self.result.item(self.budget_leaf)


def cell_ref(cell: Cell, row: int | None = None) -> str:
    """Where a cell is, as a finding names it: ``Sheet1!A12``, ``A12``, ``row 12``, or ``rows[3]`` (the
    index in ``table.rows``) for a table built by hand; empty when nothing locates it."""
    if cell.row is not None:
        ref = f"{cell.column}{cell.row}" if cell.column else f"row {cell.row}"
        return f"{cell.sheet}!{ref}" if cell.sheet else ref
    return f"rows[{row}]" if row is not None else ""


def cell_location(table: Table, cell: Cell, row: int | None, *, budget: bool = False) -> Location:
    """Where a cell is, as a problem's location: the file and the cell (``Sheet1!A12``), or
    ``rows[3]`` for a table built by hand, ``budget`` for its budget block."""
    path: KeyPath
    if cell.row is not None:
        path = (cell_ref(cell),)
    elif row is not None:
        path = ("rows", row)
    else:
        path = ("budget",) if budget else ()
    return Location(cell.source or table.source, path)


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def flat(text: str) -> str:
    """A cell's text on one line: a line break typed inside a cell (Alt+Enter) becomes a space, and a
    control, bidirectional or zero-width character is shown as its code (the terminal gate), so a stray
    character pasted into a cell never stops the table's rules from loading."""
    return for_terminal(" ".join(text.split()))


def _template(text: str) -> str:
    """User text inside an explanation template: braces doubled so they are not read as fields."""
    return text.replace("{", "{{").replace("}", "}}")


class _Document:
    """The table's ruleset as TOML text, one table at a time."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.paths: dict[KeyPath, tuple[Cell, int | None]] = {}  # for relocating load problems to cells
        # the part naming the table: its index, that part said of any table, and its own keys alone
        self.own: tuple[int, str, str] | None = None

    def table(self, path: Sequence[str], keys: Mapping[str, Any], own: Collection[str] = ()) -> None:
        """A TOML table; ``own`` are the keys whose values name this table (its file, its title):
        the same document with them said of any table is its shape (:meth:`shape`)."""
        if own:
            named = {key: value for key, value in keys.items() if key in own and value is not None}
            anyone = {key: _ANY_TABLE if isinstance(value, str) else [_ANY_TABLE] for key, value in named.items()}
            self.own = (len(self.parts), _part(path, {**keys, **anyone}), _part(path, named))
        self.parts.append(_part(path, keys))

    def text(self) -> str:
        return "\n".join(self.parts)

    def shape(self) -> str | None:
        """The text with the table's own names left out: the same for the tables of one shape."""
        if self.own is None:
            return None
        index, anyone, _ = self.own
        return "\n".join(anyone if number == index else part for number, part in enumerate(self.parts))

    def own_part(self) -> str:
        """The table's own keys alone, as a TOML table: with the shape's other keys, the table's part."""
        assert self.own is not None
        return self.own[2]


_ANY_TABLE = "table"
"""What a table's own names are replaced with in its shape: valid wherever they stand (an id, a title)."""


def _part(path: Sequence[str], keys: Mapping[str, Any]) -> str:
    lines = [f"[{'.'.join(dumps_key(part) for part in path)}]"]
    lines += [f"{dumps_key(key)} = {dumps_value(value)}" for key, value in keys.items() if value is not None]
    return "\n".join(lines) + "\n"


class _Builder:
    def __init__(self, table: Table, ruleset: Ruleset, *, strict: bool = False) -> None:
        self.table = table
        self.base = ruleset
        self.policy = ruleset.table_policy or TablePolicy()
        if strict:
            self.policy = self.policy.model_copy(update={"unparseable": "error"})
        self.strict = self.policy.unparseable == "error"  # today's refusal: the strict forms only
        self.budget_assumed: list[Assumed] = []
        self.rate_only = False  # the budget block gives only its printed 执行率
        self.used_rule = False  # the budget block was scored by the ruleset's own budget indicator
        self.scale: Scale = ruleset.scales[self.policy.scale]
        self.problems: list[Problem] = []
        self.unreadable: list[Unreadable] = []
        self.roots = {root.key: root for root in ruleset.roots}
        self.nearest: dict[str, str] = {}  # a first-level text matched by a name it contains → its key
        self.names = self._names()
        self.budget_rule = self._budget_rule()
        self.places = ruleset.meta.rounding.places

    # --- matching first-level indicators --------------------------------------------------

    def _names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for root in self.base.roots:
            for text in (root.key, root.name, root.name_en or ""):
                if text:
                    names.setdefault(_normal(text), root.key)
        for text, key in self.policy.level1.items():
            names[_normal(text)] = key
        for text, key in list(names.items()):  # 产出 matches 产出指标, and the other way round
            short = text.removesuffix("指标")
            if short and short != text:
                names.setdefault(short, key)
        return names

    def match(self, level1: str) -> str | None:
        """The first-level key a table's 一级指标 names: by name, English name, key or alias, with or
        without 「指标」 and a bracketed note (「产出指标（50分）」); else, not strictly, the one key whose
        name the text contains (「项目产出」: 产出), which the audit reports."""
        written = _normal(level1)
        text = _BRACKETED.sub("", written)
        for name in dict.fromkeys((written, text)):  # as written first: an alias may hold brackets
            found = self.names.get(name) or self.names.get(name.removesuffix("指标"))
            if found is not None:
                return found
        if self.strict or not text:
            return None
        inside = {key for name, key in self.names.items() if len(name) >= 2 and name in text}
        if len(inside) != 1:
            return None
        (key,) = inside
        self.nearest[level1] = key
        return key

    def budget_key(self) -> str | None:
        if self.policy.budget is not None:
            return self.policy.budget
        for root in self.base.roots:
            if _normal(root.name) in BUDGET_NAMES:
                return root.key
        return None

    # --- problems ---------------------------------------------------------------------------

    def problem(
        self, cell: Cell, row: int | None, message: str | Text, code: str, suggestion: str | None = None
    ) -> None:
        where = cell_location(self.table, cell, row, budget=row is None)
        self.problems.append(Problem(where, message, suggestion, code=code))

    def cannot_read(
        self, index: int | None, cell: Cell, column: str, text: str, reason: str | Text
    ) -> Unreadable | None:
        """Apply the policy to an unreadable cell: a located problem (error), or a record."""
        reason_zh, reason = (reason.zh, reason.en) if isinstance(reason, Text) else ("", reason)
        if self.policy.unparseable == "error":
            named = COLUMNS[column]
            why = Text(reason_zh or reason, reason)
            said = PROBLEMS["unreadable"].format(en=named.en, zh=named.zh, text=repr(text), reason=why)
            self.problem(cell, index, said, "unreadable-cell")
            return None
        record = Unreadable(index, column, text, reason, cell, self.policy.unparseable, reason_zh)
        self.unreadable.append(record)
        return record

    # --- rows ---------------------------------------------------------------------------------

    def check_points(self, points: Decimal | None, cell: Cell, index: int | None, what: Text) -> bool:
        if points is None:
            self.problem(cell, index, PROBLEMS["no-points"].format(what=what), "missing-points")
            return False
        if not points.is_finite() or points < 0:
            self.problem(cell, index, PROBLEMS["negative"].format(what=what, points=points), "invalid-points")
            return False
        try:
            finer = points != points.quantize(Decimal(1).scaleb(-self.places))
        except decimal.InvalidOperation:  # more digits than the decimal context holds
            self.problem(cell, index, PROBLEMS["too-large"].format(what=what, points=points), "invalid-points")
            return False
        if finer:
            self.problem(
                cell,
                index,
                PROBLEMS["places"].format(what=what, points=points, places=self.places),
                "points-precision",
            )
            return False
        return True

    def plan_row(self, index: int, row: IndicatorRow, root: str, leaf: str) -> RowPlan:
        if row.points is None:
            return RowPlan(index, row, root, leaf, "no-points")
        year, vocabulary, limits = self.table.year, dict(self.policy.vocabulary) or None, self.base.limits
        plan = RowPlan(index, row, root, leaf, "unreadable")
        written, found = row.target, None
        if not row.target.strip() and not self.strict:
            found = target_in_name(row.level3)  # 「验收合格率达到100%」 with an empty 年度指标值
            if found is None:
                return self._unreadable(plan, "target", "", REASONS["empty-target"])
            written = found
        try:
            target = parse_target(
                written,
                year=year,
                vocabulary=vocabulary,
                limits=limits,
                strict=self.strict,
                name=row.level3,
                directions=self.policy.directions,
            )
        except TextError as error:
            return self._unreadable(plan, "target", row.target, _reason(error))
        if found is not None:
            target = replace(target, assumed=(Assumed("target-from-name", (("found", found),)), *target.assumed))
        plan = _replace(plan, assumed=target.assumed)
        try:
            actual = parse_actual(
                row.actual, target, year=year, vocabulary=vocabulary, limits=limits, strict=self.strict
            )
        except TextError as error:
            return self._unreadable(plan, "actual", row.actual, _reason(error), target=target)
        plan = _replace(plan, assumed=(*target.assumed, *actual.assumed))
        if target.qualitative:
            tier = self.tier(actual.tier)
            if tier is None:
                reason = (
                    _said("not-a-tier", tier=actual.tier, scale=self.policy.scale)
                    if actual.tier
                    else REASONS["no-tier"]
                )
                return self._unreadable(plan, "actual", row.actual, reason, target=target, actual=actual)
            return self._rated(plan, target, actual, tier)
        if target.deadline is not None:
            if actual.deadline is None:
                reason = _said("date-needed", due=target.deadline.isoformat())
                return self._unreadable(plan, "actual", row.actual, reason, target=target, actual=actual)
            return _replace(plan, kind="deadline", target=target, actual=actual)
        if target.number is None:
            reason = REASONS["no-kind"]
            return self._unreadable(plan, "target", row.target, reason, target=target)
        if actual.number is None:
            reason = _said("number-needed", target=row.target)
            return self._unreadable(plan, "actual", row.actual, reason, target=target, actual=actual)
        operator = target.operator
        direction: Literal[">=", "<=", "="] = "<=" if operator in ("<=", "<") else "=" if operator == "=" else ">="
        return _replace(plan, kind="ratio", direction=direction, target=target, actual=actual)

    def _unreadable(self, plan: RowPlan, column: str, text: str, reason: str | Text, **known: Any) -> RowPlan:
        record = self.cannot_read(plan.index, plan.row.cell_of(column), column, text, reason)
        return _replace(plan, unreadable=record, **known)

    def tier(self, name: str | None) -> Tier | None:
        if not name:
            return None
        wanted = _normal(name)
        for tier in self.scale.tiers:
            if wanted in {_normal(text) for text in (tier.name, tier.name_en, *tier.aliases)}:
                return tier
        return None

    def _rated(self, plan: RowPlan, target: Measure, actual: Measure, tier: Tier) -> RowPlan:
        points, reported = plan.row.points or ZERO, plan.row.reported
        rated: Decimal | None = None
        in_tier = reported is not None and points > 0 and tier.contains(reported / points)
        if in_tier:
            rated = reported
        elif tier.default is None:
            rated = tier.min * points  # no default: the tier's lowest score
        return _replace(plan, kind="rating", target=target, actual=actual, tier=tier, rated=rated)

    # --- the document -------------------------------------------------------------------------

    def build(self) -> TableScore:
        table = self.table
        plans: list[RowPlan] = []
        matched: dict[str, str] = {}
        unmatched: dict[str, str] = {}  # a first-level name the ruleset does not know → its own key
        budget_key = self.budget_key()
        groups: dict[str, dict[str, list[int]]] = {}  # root → level2 → row indexes ("" = directly under the root)
        for index, row in enumerate(table.rows):
            root_key = self.match(row.level1)
            label = row.level3 or row.level2 or f"row {index + 1}"
            # An empty 分值 (a merged cell read in its first row only) scores 0, for the audit to report.
            what = PROBLEMS["indicator"].format(label=repr(label))
            points_ok = row.points is None or self.check_points(row.points, row.cell, index, what)
            if root_key is None and self.strict:
                known = [root.name for root in self.base.roots]
                self.problem(
                    row.cell,
                    index,
                    PROBLEMS["level1"].format(level1=repr(row.level1), known=", ".join(known)),
                    "unknown-level1",
                    suggest(row.level1, known),
                )
                continue
            if root_key is None:  # scored by the row's own points, under a first level of its own
                root_key = unmatched.setdefault(row.level1, f"unmatched_{len(unmatched) + 1}")
            else:
                matched[row.level1] = root_key
            level2 = row.level2.strip()
            groups.setdefault(root_key, {}).setdefault(level2, []).append(index)
            if points_ok:
                plans.append(self.plan_row(index, row, root_key, f"row_{index + 1}"))
        budget = table.budget
        rows_points = sum((row.points or ZERO for row in table.rows), ZERO)
        if (
            budget is not None
            and budget.points is None
            and (budget_key in groups or rows_points >= self.base.total_points)
        ):
            # With no 分值 of its own the block only shows the amounts when the rows already score
            # budget execution or already use up the total; otherwise it takes the ruleset's weight.
            budget = None
        budget_points: Decimal | None = None
        budget_unreadable: Unreadable | None = None
        if budget is not None:
            if budget_key is None or budget_key not in self.roots:
                self.problem(
                    budget.cell,
                    None,
                    PROBLEMS["budget"],
                    "no-budget-indicator",
                )
            else:
                budget_points = budget.points if budget.points is not None else self.roots[budget_key].points
                if self.check_points(budget_points, budget.cell, None, PROBLEMS["budget-block"]):
                    budget_unreadable = self.read_budget(budget)
                groups.setdefault(budget_key, {})
        if self.problems:
            raise DataError(self.problems, table.source or table.id)
        by_index = {plan.index: plan for plan in plans}
        document = _Document()
        values: dict[str, Any] = {}
        self.write_meta(document, plans, budget_points)
        document.parts.append(f"[scales.{dumps_key(self.policy.scale)}]\ntiers = {dumps_value(self._tiers())}\n")
        budget_leaf = None
        final: list[RowPlan] = []
        extra = [(key, flat(text) or key, None) for text, key in unmatched.items()]
        for key, name, name_en in [(root.key, root.name, root.name_en) for root in self.base.roots] + extra:
            if key not in groups:
                continue
            members = groups[key]
            include_budget = key == budget_key and budget is not None and budget_points is not None
            total = sum((by_index[i].row.points or ZERO for rows in members.values() for i in rows), ZERO)
            if include_budget:
                assert budget_points is not None
                total += budget_points
            document.table(("indicators", key), {"name": name, "name_en": name_en, "points": total})
            if include_budget:
                assert budget is not None and budget_points is not None
                budget_leaf = f"{key}.{BUDGET_LEAF}"
                self.write_budget(document, values, self.roots[key], budget, budget_points, budget_unreadable)
            for number, (level2, rows) in enumerate(members.items(), start=1):
                path: tuple[str, ...] = ("indicators", key)
                if level2:
                    path = (*path, f"g{number}")
                    points = sum((by_index[i].row.points or ZERO for i in rows), ZERO)
                    document.table(path, {"name": flat(level2), "points": points})
                    document.paths[path] = (by_index[rows[0]].row.cell, rows[0])
                for index in rows:
                    plan = by_index[index]
                    plan = _replace(plan, leaf=".".join((*path[1:], plan.leaf)))
                    final.append(plan)
                    self.write_leaf(document, values, (*path, f"row_{index + 1}"), plan)
        final.sort(key=lambda plan: plan.index)
        rate = {"budget_executed", "budget_rate"} & values.keys()  # the block's amounts, or its printed rate alone
        given = set(values) | ({"execution_rate"} if rate else set())  # what the table gives
        self.write_rules(document, given, groups)
        compiled = self.compile(document)
        try:
            result = compiled.score(values, unit=table.id)
        except DataError as error:
            raise DataError([self.relocate(p, document) for p in error.problems], table.source or table.id) from None
        except ScoringError as error:
            raise ScoringError(self.relocate(error.problem, document), table.id) from None
        return TableScore(
            table,
            self.base,
            compiled,
            result,
            tuple(final),
            budget_key if budget_leaf else None,
            budget_leaf,
            tuple(self.unreadable),
            matched,
            values,
            unmatched,
            tuple(self.budget_assumed),
            self.used_rule,
            dict(self.nearest),
        )

    def write_rules(self, document: _Document, names: set[str], roots: Mapping[str, Any]) -> None:
        """The ruleset's rules on the total and on its first-level indicators, for the table's own
        ruleset to apply after the rows (a total capped by the execution rate): those whose
        condition reads only what the table gives (its budget block's amounts and rate)."""
        for node, rules in self.base.group_rules.items():
            if node and node not in roots:
                continue
            for rule in rules:
                if rule.scores or not rule.when.names <= names:
                    continue  # its condition reads a value the table does not give: not applied to tables
                header = "[[indicators.rules]]" if not node else f"[[indicators.{dumps_key(node)}.rules]]"
                keys = rule.spec.model_dump(exclude_none=True)
                lines = [header, *(f"{dumps_key(key)} = {dumps_value(value)}" for key, value in keys.items())]
                document.parts.append("\n".join(lines) + "\n")

    def _tiers(self) -> list[dict[str, Any]]:
        return [
            {
                "name": tier.name,
                "name_en": tier.name_en,
                "aliases": list(tier.aliases),
                "min": tier.min,
                "max": tier.max,
                "max_inclusive": tier.max_inclusive,
                "default": tier.default,
            }
            for tier in self.scale.tiers
        ]

    def write_meta(self, document: _Document, plans: list[RowPlan], budget: Decimal | None) -> None:
        base, table = self.base, self.table
        meta = base.meta
        total = sum((plan.row.points or ZERO for plan in plans), budget or ZERO)
        if total <= 0:
            message = PROBLEMS["nothing"]
            self.problems.append(Problem(Location(table.source or table.id), message, code="no-points"))
            raise DataError(self.problems, table.source or table.id)
        title = flat(table.title or table.id)
        source = for_terminal(table.source or table.id)
        ident = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{meta.id}.{table.id}").strip("-.") or meta.id
        document.table(
            ("ruleset",),
            {
                "id": ident,
                "title": f"{title}（{meta.title}）",
                "title_en": f"{title} ({meta.title_en or meta.title})",
                "version": meta.version,
                "sources": [*meta.sources, f"自评表 / self-evaluation table: {source}"],
                "description": f"由自评表 {source} 按规则 {meta.id} {meta.version} 的 [tables] 规定生成。",
                "description_en": f"Built from the table {source} under the [tables] policy of {meta.id} {meta.version}.",
                "total": total,
                "rounding": {"places": meta.rounding.places, "mode": meta.rounding.mode, "stage": meta.rounding.stage},
                "grades": [{"name": g.name, "name_en": g.name_en, "min": g.min} for g in meta.grades],
                "assumptions": [
                    *meta.assumptions,
                    "自评表中「>」按「≥」、「<」按「≤」计分；未写符号的数值目标读作「=」，按 [tables] equal 计分。",
                    "定性指标按实际完成值的文字定档；单位自评分在该档内的保留，否则按该档默认分计。",
                ],
            },
            own=_OWN_META,
        )

    def read_budget(self, budget: BudgetBlock) -> Unreadable | None:
        missing = budget.adjusted is None or budget.executed is None
        if missing and budget.reported_rate is not None and budget.reported_rate >= 0 and not self.strict:
            self.rate_only = True  # only the printed 执行率: checked as rate × points
            rate = (("rate", plain(budget.reported_rate)),)
            self.budget_assumed.append(Assumed("budget-rate-only", rate))
            return None
        if budget.adjusted is None or budget.executed is None:
            column = "adjusted" if budget.adjusted is None else "executed"
            return self.cannot_read(None, budget.cell, column, "", REASONS["no-amounts"])
        if budget.adjusted <= 0:
            return self.cannot_read(None, budget.cell, "adjusted", plain(budget.adjusted), REASONS["zero-budget"])
        if budget.executed < 0:
            return self.cannot_read(None, budget.cell, "executed", plain(budget.executed), REASONS["negative"])
        return None

    def write_budget(
        self,
        document: _Document,
        values: dict[str, Any],
        root: Indicator,
        budget: BudgetBlock,
        points: Decimal,
        unreadable: Unreadable | None,
    ) -> None:
        path = ("indicators", root.key, BUDGET_LEAF)
        document.paths[path] = (budget.cell, None)
        keys: dict[str, Any] = {"name": "预算执行率", "name_en": "Budget execution rate", "points": points}
        if unreadable is not None:
            document.table(path, {**keys, **self._fallback(unreadable, budget.reported)})
            return
        amounts = (
            [("budget_rate", "执行率", "Execution rate (%)", budget.reported_rate)]
            if self.rate_only
            else [
                ("budget_adjusted", "全年预算数", "Adjusted annual budget", budget.adjusted),
                ("budget_executed", "全年执行数", "Amount executed", budget.executed),
            ]
        )
        for name, label, label_en, value in amounts:
            document.table(("inputs", name), {"type": "number", "label": label, "label_en": label_en, "min": 0})
            document.paths[("inputs", name)] = (budget.cell, None)
            values[name] = value
        document.table(
            ("derived", "execution_rate"),
            {
                "formula": "budget_rate / 100" if self.rate_only else "budget_executed / budget_adjusted",
                "label": "预算执行率",
                "label_en": "Budget execution rate",
                "percent": True,
            },
        )
        # The ruleset's own rule (bands of the rate, …) when the block is worth the ruleset's weight.
        own = self.budget_rule if self.budget_rule is not None and points == root.points else None
        self.used_rule = own is not None
        document.table(path, {**keys, **(own or BUDGET_RATIO)})

    def _budget_rule(self) -> dict[str, Any] | None:
        """The ruleset's own budget indicator, when it is one leaf that reads only ``execution_rate``
        (bands of the rate, a formula): the table's budget block is scored by it. None when it is the
        default, min(rate, 1) × points, or cannot be reused."""
        key = self.budget_key()
        root = self.roots.get(key) if key is not None else None
        if root is None or not root.is_leaf or set(root.reads) != {"execution_rate"}:
            return None
        written = root.spec.model_dump(exclude_defaults=True, by_alias=True)
        keys = {name: value for name, value in written.items() if name not in _OWN_KEYS}
        return None if keys == BUDGET_RATIO else keys

    def _fallback(self, record: Unreadable, reported: Decimal | None) -> dict[str, Any]:
        """A formula leaf for an unreadable cell: 0, or the unit's own score, with the reason."""
        zh_col, en_col = COLUMNS[record.column].zh, COLUMNS[record.column].en
        written = _template(flat(record.text))
        reason = _template(flat(record.reason))
        reason_zh = _template(flat(record.reason_zh or record.reason))
        if record.action == "reported" and reported is not None:
            return {
                "method": "formula",
                "formula": format(reported, "f"),
                "explain": f"{{name}}：{zh_col}「{written}」无法识别（{reason_zh}），保留单位自评分，需人工复核；"
                "得 {score} 分（满分 {points} 分）。",
                "explain_en": f"{{name}}: the {en_col} {written!r} cannot be read ({reason}); the unit's own score "
                "is kept, to be checked; {score} of {points} points.",
            }
        why_zh = "且未填自评得分，" if record.action == "reported" else ""
        why_en = " and the unit gave no score" if record.action == "reported" else ""
        return {
            "method": "formula",
            "formula": "0",
            "explain": f"{{name}}：{zh_col}「{written}」无法识别（{reason_zh}），{why_zh}按 0 分计，需人工复核；"
            "得 {score} 分（满分 {points} 分），扣 {lost} 分。",
            "explain_en": f"{{name}}: the {en_col} {written!r} cannot be read ({reason}){why_en}: scored 0; "
            "{score} of {points} points, {lost} lost.",
        }

    def write_leaf(self, document: _Document, values: dict[str, Any], path: tuple[str, ...], plan: RowPlan) -> None:
        row = plan.row
        name = f"row_{plan.index + 1}"
        document.paths[path] = (row.cell, plan.index)
        document.paths[("inputs", name)] = (row.cell, plan.index)
        label = flat(row.level3 or row.level2) or f"第 {plan.index + 1} 行"
        keys: dict[str, Any] = {"name": label, "points": row.points or ZERO}
        if plan.kind == "no-points":
            document.table(
                path,
                {
                    **keys,
                    "method": "formula",
                    "formula": "0",
                    "explain": "{name}：未填分值，无法计分，按 0 分计。",
                    "explain_en": "{name}: no points (分值) are given, so it cannot be scored: 0.",
                },
            )
            return
        if plan.kind == "unreadable":
            assert plan.unreadable is not None
            document.table(path, {**keys, **self._fallback(plan.unreadable, row.reported)})
            return
        assert plan.target is not None and plan.actual is not None
        target, actual = plan.target, plan.actual
        if plan.kind == "ratio":
            assert target.number is not None and actual.number is not None and plan.direction is not None
            percent = target.unit == "%"
            spec = {
                "type": "percent" if percent else "number",
                "label": label,
                "unit": None if percent else target.unit,
            }
            document.table(("inputs", name), spec)
            values[name] = actual.number
            keys |= {"method": "ratio", "actual": name, "target": target.number, "direction": plan.direction}
            if plan.direction == "<=":
                keys["reverse"] = self.policy.reverse
            else:
                over = self.policy.over_target
                if over is not None:
                    keys["over_target"] = {"above": over.above, "action": over.action, "deduct": over.deduct}
            if plan.direction == "=":
                keys |= {"equal": self.policy.equal, "tolerance": self.policy.tolerance}
        elif plan.kind == "deadline":
            assert target.deadline is not None and actual.deadline is not None
            document.table(("inputs", name), {"type": "date", "label": label})
            values[name] = actual.deadline
            deadline = target.deadline.isoformat()
            keys |= {
                "method": "boolean",
                "value": f'{name} <= date("{deadline}")',
                "explain": f"{{name}}：计划 {deadline} 前完成，实际完成时间 {{{name}}}，{{body}}；"
                "得 {score} 分（满分 {points} 分）。",
                "explain_en": f"{{name}}: due by {deadline}, finished {{{name}}}: {{body}}; {{score}} of {{points}} points.",
            }
        else:
            assert plan.tier is not None
            tier = plan.tier
            document.table(("inputs", name), {"type": "rating", "label": label, "scale": self.policy.scale})
            values[name] = tier.name if plan.rated is None else {"tier": tier.name, "score": plan.rated}
            keys |= {"method": "rating", "input": name}
            written = _template(flat(row.actual))
            if row.reported is not None and plan.rated != row.reported:
                default = "{default}" if tier.default is not None else "该档最低分 {low}"
                default_en = "the tier's default of {default}" if tier.default is not None else "its lowest, {low}"
                reported = plain(row.reported)
                keys |= {
                    "explain": f"{{name}}：实际完成「{written}」评定为「{{tier}}」（该档 {{range}} 分），"
                    f"自评 {reported} 分不在该档内，按 {default} 分计；得 {{score}} 分（满分 {{points}} 分）。",
                    "explain_en": f"{{name}}: {written!r} is rated “{{tier}}” (band {{range}} points); the unit's "
                    f"{reported} lies outside it, so {default_en} applies; {{score}} of {{points}} points.",
                }
            elif row.reported is None and tier.default is None:
                keys |= {
                    "explain": f"{{name}}：实际完成「{written}」评定为「{{tier}}」（该档 {{range}} 分），未填自评分，"
                    "该档没有默认分，按该档最低分 {low} 计；得 {score} 分（满分 {points} 分）。",
                    "explain_en": f"{{name}}: {written!r} is rated “{{tier}}” (band {{range}} points) with no score "
                    "given and no default for the tier: its lowest, {low}, applies; {score} of {points} points.",
                }
        document.table(path, keys)

    # --- compiling ----------------------------------------------------------------------------

    def compile(self, document: _Document) -> Ruleset:
        source = self.table.source or self.table.id
        text, shape = document.text(), document.shape()
        try:
            if shape is not None:
                shared = _shared(text, shape, document.own_part(), f"{source} (table ruleset)", self.base.limits)
                if shared is not None:
                    return shared
            return _compiled(text, f"{source} (table ruleset)", self.base.limits)
        except RulesetError as error:
            # A row's text can appear twice (a leaf's name and its input's label): one message each.
            problems = list(dict.fromkeys(self.relocate(problem, document) for problem in error.problems))
            raise DataError(problems, source) from None

    def relocate(self, problem: Problem, document: _Document) -> Problem:
        """A problem found in the generated ruleset, moved to the table cell it came from."""
        path = problem.location.path
        if path and path[0] not in ("inputs", "indicators", "derived"):  # a data problem names an input
            path = ("inputs", *path)
        for end in range(len(path), 0, -1):
            found = document.paths.get(path[:end])
            if found is not None:
                cell, index = found
                return Problem(cell_location(self.table, cell, index, budget=index is None), problem.message,
                               problem.suggestion, code=problem.code, message_zh=problem.message_zh)  # fmt: skip
        return Problem(Location(self.table.source or self.table.id), problem.message, problem.suggestion,
                       code=problem.code, message_zh=problem.message_zh)  # fmt: skip


@lru_cache(maxsize=64)
def _compiled(text: str, source: str, limits: Limits) -> Ruleset:
    """The table ruleset compiled from ``text``, once per text, source and limits: the same table
    scored again (an audit, then its scores) shares one ruleset, which is immutable. A text that
    does not compile raises again each time (errors are not remembered)."""
    return loads(text, source=source, limits=limits)


_OWN_META = frozenset({"id", "title", "title_en", "sources", "description", "description_en"})
"""The keys of a table ruleset's ``[ruleset]`` that name the table: tables of one shape differ only there."""


@lru_cache(maxsize=64)
def _shared(text: str, shape: str, own: str, source: str, limits: Limits) -> Ruleset | None:
    """The table ruleset of ``text`` (as :func:`_compiled` gives it), its rules checked and compiled
    once for all the tables of one ``shape`` (copies of one form: the same rows, another file): the
    shape's ruleset under the table's own ``[ruleset]`` keys (``own``, checked here as loading checks
    them: their size and characters, then the ``[ruleset]`` table they make with the shape's other
    keys) and its text. None when the shape or the table's own keys have a problem: the table's
    text, loaded alone, says what is wrong and where, as ever."""
    shared = _checked(shape, limits)
    if shared is None:
        return None
    if len(text.encode("utf-8", errors="replace")) > limits.max_bytes:
        return None
    try:
        named = parse_toml(own, source, RulesetError)
    except RulesetError:
        return None
    if check_document(named, source, limits):
        return None
    table = {**_shape_meta(shape), **named["ruleset"]}  # the table's [ruleset], as loading its text reads it
    meta = quick(Metadata, table)
    if meta is None:
        try:
            meta = Metadata.model_validate(table)
        except ValidationError:
            return None
    return shared._named(source, meta, text)


@lru_cache(maxsize=16)
def _checked(shape: str, limits: Limits) -> Ruleset | None:
    """A shape's ruleset, loaded once (its source is never shown: see :func:`_shared`); None, also
    remembered, when it has a problem (each table's own text then says which, and where)."""
    try:
        return loads(shape, source="(table shape)", limits=limits)
    except RulesetError:
        return None


@lru_cache(maxsize=16)
def _shape_meta(shape: str) -> Mapping[str, Any]:
    """The shape's ``[ruleset]`` table as read from its text (a shape that loads has one)."""
    meta: Mapping[str, Any] = parse_toml(shape, None, RulesetError)["ruleset"]
    return meta


def _reason(error: TextError) -> Text:
    """What was wrong with a text and what was expected (the text itself is quoted by the caller)."""
    return Text(error.zh, f"{error.problem}; expected {error.expected}")


def _replace(plan: RowPlan, **changes: Any) -> RowPlan:
    return replace(plan, **changes)


@pinned
def score_table(table: Table, ruleset: Ruleset, *, strict: bool = False) -> TableScore:
    """Score ``table`` under ``ruleset`` and its ``[tables]`` policy (the defaults when it has none).

    A cell perfscore cannot score by rule is handled as the policy's ``unparseable`` says (by
    default the unit's own score is kept, for the audit to report), and a first-level name the
    ruleset does not know is scored by its rows' own points. ``strict`` (or ``unparseable =
    "error"``) reads only the strict forms and refuses instead: it raises
    :class:`~perfscore.DataError` naming every cell that cannot be read and every unknown
    first-level name. Points that are negative or finer than the rounding are always refused.
    Every sum and rate is computed in :data:`~perfscore.exact.CONTEXT`, whatever the caller's context.
    """
    return _Builder(table, ruleset, strict=strict).build()
