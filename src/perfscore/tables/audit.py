"""Auditing a self-evaluation table: the unit's own scores set against the ruleset's.

:func:`audit_table` scores the table with :func:`~perfscore.tables.score.score_table` and lists
every place where the table departs from the rules, each finding with its cell, what the unit
wrote, what the rules give, the difference and the reason in Chinese and English:

- points that do not add up to the ruleset's total or differ from its first-level weights;
- a 总分 that is not the sum of the items' scores, and one that differs from the recomputed total;
- a grade that does not go with the recomputed total;
- items scored above their points, and rows with no points at all;
- the budget block: the reported rate against 全年执行数 / 全年预算数, and its score against
  min(rate, 1) × points;
- each row whose self-score departs from its rule, and qualitative scores outside their tier;
- rows not at full marks with no 偏差原因分析 (information only), and cells that could not be read.

Differences of 0.01 or less are not findings: tables compute with rates already rounded to two
decimals (96.80%) and round every item, so a correctly filled table can be a cent away from the
exact computation.
"""

from __future__ import annotations

import decimal
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..errors import CODES, SEVERITIES, Location, Problem, Severity
from ..exact import CONTEXT, HUNDRED, ZERO, pinned, unsigned
from ..messages import LANGS, Text, check_lang, in_lang, words
from ..model import Grade, Tier
from ..result import LeafResult
from ..ruleset import Indicator, Ruleset
from ..text import columns, for_markdown, for_terminal, pad, percent, plain
from .model import BudgetBlock, Cell, Table
from .score import RowPlan, TableScore, Unreadable, cell_location, cell_ref, flat, score_table
from .targets import Assumed

__all__ = ["TOLERANCE", "Audit", "Bilingual", "Finding", "audit_table"]

FORMATS = ("text", "markdown", "json")

#: The largest difference that is still rounding, not a finding.
TOLERANCE = Decimal("0.01")

# The cell each assumption is about: the target's, or (the others) the actual's.
_ASSUMED_COLUMN = {"lower-better": "target", "target-from-name": "level3", "bare-target": "target"}
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def ranked(findings: list[Finding]) -> list[Finding]:
    """Findings as a reviewer takes them: the table's own inconsistencies first (a total above the full
    score, a 总分 that is not the sum of its items, a total or grade the rules do not give, points that
    do not add up, first-level names and weights), then the rest by the points at stake (the largest
    difference first), then errors before warnings before information, then in the order of the table."""

    def key(item: tuple[int, Finding]) -> tuple[int, int, Decimal, int, int]:
        index, finding = item
        stake = abs(finding.difference) if finding.code not in _NOT_STAKES and finding.difference is not None else ZERO
        table = _TABLE_ORDER.get(finding.code, len(_TABLE_ORDER) if finding.cell is None else None)
        if table is not None:
            return (0, table, -stake, _SEVERITY_RANK[finding.severity], index)
        return (1, 0, -stake, _SEVERITY_RANK[finding.severity], index)

    return [finding for _, finding in sorted(enumerate(findings), key=key)]


# Findings about a score the table claims, told apart as over- and under-claims.
_CLAIMS = frozenset(
    {"row-score", "tier-band", "budget-score", "total-score", "total-sum", "above-points", "unreadable"}
)
# The table's own inconsistencies, in the order a reviewer takes them (before any row's).
_TABLE_ORDER = {
    code: rank
    for rank, code in enumerate(
        ("above-total", "total-sum", "total-score", "grade", "total-points", "unknown-level1", "level1-points")
    )
}
# Findings whose difference is in declared points or percentage points, not points won or lost.
_NOT_STAKES = frozenset({"budget-rate"})

#: The words of an audit's report (its headings, severities and columns), in both languages.
WORDS = words(
    "tables.audit",
    {
        "error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info"),
        "title": ("自评表审核", "Audit of the self-evaluation table"), "ruleset": ("规则", "Ruleset"),
        "total": ("总分", "Total"), "grade": ("等级", "Grade"), "reported": ("自评", "reported"),
        "recomputed": ("重算", "recomputed"), "difference": ("相差", "difference"), "findings": ("发现", "Findings"),
        "none": ("未发现问题。", "No findings."), "where": ("位置", "cell"), "code": ("类别", "kind"),
        "message": ("说明", "message"), "severity": ("级别", "severity"), "rows": ("逐项重算", "Items recomputed"),
        "indicator": ("指标", "indicator"), "points": ("分值", "points"),
        "budget": ("预算执行率", "Budget execution rate"),
        "ungraded": ("不评等级（总分超过满分）", "no grade (the total is above the full score)"),
        "over": ("多计", "over-claim"), "under": ("少计", "under-claim"),
        "budget_cell": ("预算执行栏", "budget block"),
    },
)  # fmt: skip


def _score(value: Decimal) -> str:
    """A score as tables show it, with at least two decimals: 9.60, 10.00, 0.125 (a zero without a sign)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return str(unsigned(value.quantize(TOLERANCE, context=CONTEXT)))
    return plain(value)


def _signed(value: Decimal) -> str:
    """A difference in points with its sign: +0.05, -3.00."""
    return f"+{_score(value)}" if value > 0 else _score(value)


def _signed_points(value: Decimal) -> str:
    """A difference in declared points (weights) with its sign: +5, -2.5."""
    return f"+{plain(value)}" if value > 0 else plain(value)


def _points_word(value: Decimal) -> str:
    return "point" if value == 1 else "points"


class Bilingual(str):
    """A finding's message: the English text, as every :class:`~perfscore.errors.Problem`'s ``message``
    is, that also gives either language when called: ``finding.message("zh")``."""

    text: Text

    def __new__(cls, text: Text) -> Bilingual:
        said = super().__new__(cls, text.en)
        said.text = text
        return said

    def __call__(self, lang: str = "zh") -> str:
        return self.text(check_lang(lang))

    def __getnewargs__(self) -> tuple[Text]:  # type: ignore[override]  # pickled with both languages
        return (self.text,)


@dataclass(frozen=True)
class Finding(Problem):
    """One place where the table departs from the rules: a :class:`~perfscore.errors.Problem` (its
    ``location``, ``code`` from :data:`~perfscore.errors.CODES` and ``severity``) with the cell and
    the numbers.

    ``message`` is the English text and, called, either language (``message("zh")``);
    ``message_zh`` and ``message_en`` are the two texts. ``reported`` is what the table says (a
    score, a sum of points, a rate in percentage points), ``recomputed`` what the rules give;
    ``difference`` is reported − recomputed. ``row`` is the index in ``table.rows`` (None for the
    budget block and for the table as a whole).
    """

    message: Bilingual
    cell: Cell | None = None
    row: int | None = None
    indicator: str | None = None
    reported: Decimal | None = None
    recomputed: Decimal | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "message_zh", self.message.text.zh)

    @property
    def message_en(self) -> str:
        return str(self.message)

    @property
    def difference(self) -> Decimal | None:
        if self.reported is None or self.recomputed is None:
            return None
        return unsigned(CONTEXT.subtract(self.reported, self.recomputed))

    @property
    def claim(self) -> str | None:
        """``over`` when the table claims more than the rules give (its score, rate or total above the
        recomputed one), ``under`` when less, None when the finding is not about a score."""
        if self.code not in _CLAIMS or self.difference is None or not self.difference:
            return None
        return "over" if self.difference > 0 else "under"

    @property
    def where(self) -> str:
        """The cell, as the table names it (``Sheet1!B12``), or ``rows[3]``; ``budget`` for a budget block
        without a cell; empty for the table as a whole."""
        if self.cell is None:
            return ""
        return cell_ref(self.cell, self.row) or "budget"

    def to_dict(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(unsigned(value))

        cell = self.cell
        return {
            "severity": self.severity,
            "code": self.code,
            "where": self.where,
            "cell": None
            if cell is None
            else {"source": cell.source, "sheet": cell.sheet, "row": cell.row, "column": cell.column},
            "row": self.row,
            "indicator": self.indicator,
            "reported": text(self.reported),
            "recomputed": text(self.recomputed),
            "difference": text(self.difference),
            "message": {"zh": self.message_zh, "en": self.message_en},
        }


def _grade_matches(text: str, grade: Grade) -> bool:
    """A grade as tables write it: 优 or 优秀, 良 or 良好, 中 or 中等, 差 or 较差, or its English name."""
    written = "".join(text.split())
    return (
        written == grade.name
        or written.startswith(grade.name)
        or written.casefold() == grade.name_en.casefold()
        or (grade.name == "差" and written == "较差")
    )


@dataclass(frozen=True)
class Audit:
    """A table's audit: its findings, and the reported total and grade against the recomputed ones."""

    table: Table
    score: TableScore
    findings: tuple[Finding, ...]

    @property
    def ruleset(self) -> Ruleset:
        return self.score.base

    @property
    def reported_total(self) -> Decimal | None:
        return self.table.reported_total

    @property
    def recomputed_total(self) -> Decimal:
        return self.score.total

    @property
    def total_difference(self) -> Decimal | None:
        reported = self.table.reported_total
        return None if reported is None else unsigned(CONTEXT.subtract(reported, self.score.total))

    @property
    def reported_grade(self) -> str | None:
        return self.table.reported_grade

    @property
    def recomputed_grade(self) -> Grade:
        return self.score.result.grade

    @property
    def graded(self) -> bool:
        """Whether a grade goes with the totals: never for a total above the ruleset's full score
        (110 on a 100-point scale is a table with wrong points, not an 优)."""
        maximum = self.ruleset.total_points
        reported = self.reported_total
        return self.recomputed_total <= maximum and (reported is None or reported <= maximum)

    def grade_shown(self, lang: str = "zh") -> str:
        """The recomputed grade as a report shows it, or why there is none."""
        if not self.graded:
            return in_lang(WORDS, lang)["ungraded"]
        grade = self.recomputed_grade
        return grade.name if lang == "zh" else f"{grade.name_en} ({grade.name})"

    def by_severity(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.severity == severity)

    @property
    def counts(self) -> dict[str, int]:
        return {severity: len(self.by_severity(severity)) for severity in SEVERITIES}

    @property
    def ok(self) -> bool:
        """No errors and no warnings (information alone does not fail a table)."""
        return not any(finding.severity in ("error", "warning") for finding in self.findings)

    def rows(self) -> list[dict[str, Any]]:
        """Each scored item: the cell of the unit's own score (``G8``), its points, that score and the recomputed one."""
        items: list[dict[str, Any]] = []
        budget = self.table.budget
        if budget is not None and self.score.budget_item is not None:
            item = self.score.budget_item
            items.append(_row_dict(cell_ref(budget.cell) or "budget", "预算执行率", item, budget.reported))
        for plan in self.score.plans:
            item = self.score.result.item(plan.leaf)
            name = flat(plan.row.level3 or plan.row.level2)
            items.append(_row_dict(cell_ref(plan.row.cell_of("reported"), plan.index), name, item, plan.row.reported))
        return items

    @pinned
    def to_dict(self) -> dict[str, Any]:
        """Everything in the audit as plain data; decimals as strings."""
        grade = self.recomputed_grade
        reported = self.reported_total
        difference = self.total_difference
        return {
            "table": {
                "id": self.table.id,
                "title": self.table.title,
                "year": self.table.year,
                "source": self.table.source,
            },
            "ruleset": {"id": self.ruleset.id, "version": self.ruleset.version, "title": self.ruleset.title},
            "totals": {
                "reported": None if reported is None else str(unsigned(reported)),
                "recomputed": str(self.recomputed_total),
                "difference": None if difference is None else str(difference),
                "points": str(self.score.ruleset.total_points),
                "reported_grade": self.reported_grade,
                "recomputed_grade": {"name": grade.name, "name_en": grade.name_en} if self.graded else None,
            },
            "counts": self.counts,
            "findings": [finding.to_dict() for finding in self.findings],
            "rows": self.rows(),
        }

    @pinned
    def render(self, fmt: str = "text", lang: str = "zh") -> str:
        """The audit as ``text``, ``markdown`` or ``json`` (JSON holds both languages)."""
        check_lang(lang)
        if fmt == "json":
            return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)
        if fmt == "text":  # every line passes the terminal gate: the table's text cannot add or move lines
            return "\n".join(map(for_terminal, self._text(lang))) + "\n"
        if fmt == "markdown":  # and each piece from the table the Markdown gate, in _markdown
            return "\n".join(map(for_terminal, self._markdown(lang))) + "\n"
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")

    # --- rendering ----------------------------------------------------------------------------

    def _heads(self, lang: str) -> tuple[str, str, str, str, str]:
        words = in_lang(WORDS, lang)
        table = self.table
        name = f"{table.title}（{table.id}）" if table.title and lang == "zh" else table.title or table.id
        if table.title and lang == "en":
            name = f"{table.title} ({table.id})"
        ruleset = f"{self.ruleset.title} ({self.ruleset.id} {self.ruleset.version})"
        shown = self.grade_shown(lang)
        reported = "—" if self.reported_total is None else plain(self.reported_total)
        difference = "—" if self.total_difference is None else _signed(self.total_difference)
        sep = "，" if lang == "zh" else ", "
        colon = "：" if lang == "zh" else ": "
        total = (
            f"{words['total']}{colon}{words['reported']} {reported}{sep}{words['recomputed']} "
            f"{self.recomputed_total}{sep}{words['difference']} {difference}"
        )
        grades = (
            f"{words['grade']}{colon}{words['reported']} {self.reported_grade or '—'}{sep}{words['recomputed']} {shown}"
        )
        counts = self.counts
        if lang == "zh":
            found = f"{words['findings']}：错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}"
        else:
            found = (
                f"Findings: {counts['error']} error{'s' if counts['error'] != 1 else ''}, "
                f"{counts['warning']} warning{'s' if counts['warning'] != 1 else ''}, {counts['info']} info"
            )
        return name, ruleset, total, grades, found

    def _text(self, lang: str) -> Iterator[str]:
        words = in_lang(WORDS, lang)
        name, ruleset, total, grades, found = self._heads(lang)
        colon = "：" if lang == "zh" else ": "
        yield f"{words['title']}{colon}{name}"
        yield f"{words['ruleset']}{colon}{ruleset}"
        yield total
        yield grades
        yield ""
        yield found
        if not self.findings:
            yield f"  {words['none']}"
        for number, finding in enumerate(self.findings, start=1):
            where = f" {shown_where(finding.where, lang)}" if finding.where else ""
            yield f"  {number}. [{_label(finding, lang)}]{where} {_code(finding, lang)}{colon}{finding.message(lang)}"
        yield ""
        yield words["rows"]
        heads = [words["where"], words["indicator"], words["points"], words["reported"], words["recomputed"]]
        body = [
            [for_terminal(shown_where(row["where"], lang)), for_terminal(row["indicator"]), row["points"], row["reported"] or "—",
             row["recomputed"]]
            for row in self.rows()
        ]  # fmt: skip
        widths = [max(columns(line[i]) for line in [heads, *body]) for i in range(len(heads))]
        for line in [heads, *body]:
            cells = [pad(text, widths[i], right=i >= 2) for i, text in enumerate(line)]
            yield "  " + "  ".join(cells).rstrip()

    def _markdown(self, lang: str) -> Iterator[str]:
        words = in_lang(WORDS, lang)
        name, ruleset, _, _, found = self._heads(lang)
        colon = "：" if lang == "zh" else ": "
        yield f"# {words['title']}{colon}{for_markdown(name)}"
        yield ""
        yield f"{words['ruleset']}{colon}{for_markdown(ruleset)}"
        yield ""
        shown = self.grade_shown(lang)
        reported = "—" if self.reported_total is None else plain(self.reported_total)
        difference = "—" if self.total_difference is None else _signed(self.total_difference)
        yield f"| | {words['reported']} | {words['recomputed']} | {words['difference']} |"
        yield "|---|---:|---:|---:|"
        yield f"| {words['total']} | {reported} | {self.recomputed_total} | {difference} |"
        yield f"| {words['grade']} | {for_markdown(self.reported_grade or '—')} | {for_markdown(shown)} | |"
        yield ""
        yield f"## {found}"
        yield ""
        if not self.findings:
            yield words["none"]
        else:
            yield f"| # | {words['severity']} | {words['where']} | {words['code']} | {words['message']} |"
            yield "|---:|---|---|---|---|"
            for number, finding in enumerate(self.findings, start=1):
                yield (
                    f"| {number} | {_label(finding, lang)} | {for_markdown(shown_where(finding.where, lang))} | {_code(finding, lang)} "
                    f"| {for_markdown(finding.message(lang))} |"
                )
        yield ""
        yield f"## {words['rows']}"
        yield ""
        yield (
            f"| {words['where']} | {words['indicator']} | {words['points']} | {words['reported']} "
            f"| {words['recomputed']} |"
        )
        yield "|---|---|---:|---:|---:|"
        for row in self.rows():
            yield (
                f"| {for_markdown(shown_where(row['where'], lang))} | {for_markdown(row['indicator'])} | {row['points']} | {row['reported'] or '—'} "
                f"| {row['recomputed']} |"
            )


def shown_where(where: str, lang: str) -> str:
    """A place as a report in ``lang`` shows it: a cell as the table names it (「自评表!G9」), a hand-built
    row by its index, and the budget block without a cell in words (「预算执行栏」)."""
    return in_lang(WORDS, lang)["budget_cell"] if where == "budget" else where


def _label(finding: Finding, lang: str) -> str:
    """The severity as a word, with 多计 or 少计 for a score claimed above or below the rules'."""
    words = in_lang(WORDS, lang)
    claim = finding.claim
    return words[finding.severity] if claim is None else f"{words[finding.severity]}·{words[claim]}"


def _code(finding: Finding, lang: str) -> str:
    """A finding's code as words in ``lang`` (「自评得分与规则计算的不符」), never the bare code."""
    zh, en = CODES[finding.code]
    return zh if lang == "zh" else en


def _row_dict(where: str, name: str, item: LeafResult, reported: Decimal | None) -> dict[str, Any]:
    return {
        "where": where,
        "indicator": name,
        "leaf": item.id,
        "points": plain(item.points),
        "reported": None if reported is None else plain(reported),
        "recomputed": str(item.score),
        "explanation": {lang: item.explain(lang) for lang in LANGS},
    }


class _Auditor:
    def __init__(self, table: Table, score: TableScore) -> None:
        self.table = table
        self.score = score
        self.base = score.base
        self.findings: list[Finding] = []

    def add(self, severity: Severity, code: str, zh: str, en: str, *, cell: Cell | None = None, **known: Any) -> None:
        """A finding at ``cell`` (the table as a whole when None), with its message in both languages."""
        table, row = self.table, known.get("row")
        where = cell_location(table, cell or Cell(), row, budget=cell is not None)
        location = Location(where.file or table.id, where.path)
        message = Bilingual(Text(zh, en))
        self.findings.append(Finding(location, message, code=code, severity=severity, cell=cell, **known))

    def run(self) -> tuple[Finding, ...]:
        """Every finding, ranked as :func:`ranked` says (computed in :data:`~perfscore.exact.CONTEXT`:
        :func:`audit_table` is pinned to it)."""
        self.points()
        self.unmatched()
        self.budget()
        for plan in self.score.plans:
            self.row(plan)
        self.totals()
        return tuple(ranked(self.findings))

    # --- points ---------------------------------------------------------------------------------

    def points(self) -> None:
        table, score = self.table, self.score
        total = ZERO
        for root in self.base.roots:
            plans = [plan for plan in score.plans if plan.root == root.key]
            cells: list[tuple[Cell, int | None]] = [(plan.row.cell, plan.index) for plan in plans]
            given = sum((plan.row.points or ZERO for plan in plans), ZERO)
            has_budget = score.budget_root == root.key and table.budget is not None
            if has_budget:
                assert table.budget is not None
                given += self.budget_points(table.budget, root)
                cells.insert(0, (table.budget.cell, None))
            total += given
            if not cells:
                self.add(
                    "warning",
                    "level1-points",
                    f"一级指标「{root.name}」：自评表没有该项内容，规则权重为 {plain(root.points)} 分。",
                    f"First-level indicator {_named(root)}: the table has nothing under it; "
                    f"the ruleset weighs it {plain(root.points)} points.",
                    indicator=root.name,
                    reported=ZERO,
                    recomputed=root.points,
                )
            elif given != root.points:
                difference = _signed_points(given - root.points)
                cell, row = cells[0]
                self.add(
                    "warning",
                    "level1-points",
                    f"一级指标「{root.name}」：自评表各项分值合计 {plain(given)}，规则权重为 {plain(root.points)}，"
                    f"相差 {difference}。",
                    f"First-level indicator {_named(root)}: the table's points add up to {plain(given)}; "
                    f"the ruleset weighs it {plain(root.points)}, a difference of {difference}.",
                    cell=cell,
                    row=row,
                    indicator=root.name,
                    reported=given,
                    recomputed=root.points,
                )
        for key in score.unmatched.values():  # rows under a first-level name the ruleset does not know
            total += sum((plan.row.points or ZERO for plan in score.plans if plan.root == key), ZERO)
        expected = self.base.total_points
        if total != expected:
            difference = _signed_points(total - expected)
            self.add(
                "error",
                "total-points",
                f"自评表各项分值合计 {plain(total)}，不等于规则总分 {plain(expected)}，相差 {difference}。",
                f"The table's points add up to {plain(total)}, not the ruleset's total of {plain(expected)}; "
                f"a difference of {difference}.",
                reported=total,
                recomputed=expected,
            )

    def budget_points(self, budget: BudgetBlock, root: Indicator) -> Decimal:
        if budget.points is not None:
            return budget.points
        self.add(
            "info",
            "budget-points",
            f"预算执行情况未填分值，按规则权重 {plain(root.points)} 分计。",
            f"The budget block gives no points; the ruleset's weight of {plain(root.points)} is used.",
            cell=budget.cell,
            indicator="预算执行率",
            recomputed=root.points,
        )
        return root.points

    # --- the budget block ------------------------------------------------------------------------

    def budget(self) -> None:
        budget, item = self.table.budget, self.score.budget_item
        if budget is None or item is None:
            return
        where: dict[str, Any] = {"cell": budget.cell, "indicator": "预算执行率"}
        unreadable = next((record for record in self.score.unparseable if record.row is None), None)
        if unreadable is not None:
            self.unreadable("预算执行率", unreadable, budget.reported, item, where)
            return
        for assumed in self.score.budget_assumed:
            self.assumed("预算执行率", assumed, where)
        if budget.executed is None or budget.adjusted is None:  # only the printed rate: rate × points
            assert budget.reported_rate is not None
            shown = f"{plain(budget.reported_rate)}%"
            fact = (f"执行率 {shown}", f"execution rate {shown}")
            method = self.budget_method(("按 min(执行率, 1) × 分值 计分", "scored as min(rate, 1) × points"))
            docked = ("预算已全部执行", "budget fully executed")
            self.compare("预算执行率", item, budget.reported, fact, method, docked, where, note=None, budget=True)
            return
        rate = budget.executed / budget.adjusted
        shown = percent(rate)
        if budget.reported_rate is not None:
            computed = _percentage_points(rate)
            gap = budget.reported_rate - computed
            if abs(gap) > TOLERANCE:
                formula = f"{plain(budget.executed)} / {plain(budget.adjusted)}"
                zh_why = en_why = ""
                if budget.initial:
                    initial = _percentage_points(budget.executed / budget.initial)
                    if abs(budget.reported_rate - initial) <= TOLERANCE:
                        zh_why = "；填报值等于 全年执行数 / 年初预算数，执行率应按全年预算数（调整后）计算"
                        en_why = (
                            "; the reported rate is executed / initial budget, but the rate is computed on "
                            "the adjusted budget"
                        )
                self.add(
                    "warning",
                    "budget-rate",
                    f"执行率填报 {plain(budget.reported_rate)}%，按 全年执行数 / 全年预算数 = {formula} 计算为 "
                    f"{shown}，相差 {_signed(gap)} 个百分点{zh_why}。",
                    f"The execution rate is reported as {plain(budget.reported_rate)}%, but executed / adjusted "
                    f"budget = {formula} = {shown}, a difference of {_signed(gap)} percentage points{en_why}.",
                    reported=budget.reported_rate,
                    recomputed=computed,
                    **where,
                )
        fact = (f"执行率 {shown}", f"execution rate {shown}")
        method = self.budget_method(("按 min(执行率, 1) × 分值 计分", "scored as min(rate, 1) × points"))
        docked = ("预算已全部执行", "budget fully executed")
        self.compare("预算执行率", item, budget.reported, fact, method, docked, where, note=None, budget=True)

    def budget_method(self, default: tuple[str, str]) -> tuple[str, str]:
        """How the budget block is scored: min(rate, 1) × points, or the ruleset's own rule."""
        if not self.score.budget_rule:
            return default
        return (f"按规则「{self.base.title}」的预算执行率计分办法计分", f"scored by the budget rule of {self.base.id}")

    # --- rows -------------------------------------------------------------------------------------

    def row(self, plan: RowPlan) -> None:
        row = plan.row
        item = self.score.result.item(plan.leaf)
        name = flat(row.level3 or row.level2) or f"第 {plan.index + 1} 行"
        where: dict[str, Any] = {"cell": row.cell_of("reported"), "row": plan.index, "indicator": name}
        for assumed in plan.assumed:
            self.assumed(name, assumed, {**where, "cell": row.cell_of(_ASSUMED_COLUMN.get(assumed.key, "actual"))})
        if plan.kind == "no-points":
            where["cell"] = row.cell_of("points")
            written = "" if row.reported is None else f"（自评 {plain(row.reported)} 分）"
            written_en = "" if row.reported is None else f" (self-scored {plain(row.reported)})"
            self.add(
                "error",
                "no-points",
                f"{name}：未填分值，无法按规则计分，按 0 分计{written}。",
                f"{name}: no points (分值) are given, so the rules cannot score it: 0{written_en}.",
                reported=row.reported,
                recomputed=item.score,
                **where,
            )
            return
        if plan.kind == "unreadable":
            assert plan.unreadable is not None
            self.unreadable(
                name, plan.unreadable, row.reported, item, {**where, "cell": row.cell_of(plan.unreadable.column)}
            )
            score = row.reported if row.reported is not None else item.score
            self.note(name, score, item, row.note, where, given=row.reported is not None)
            return
        facts = item.facts
        case = facts.get("case")
        fact, method = self.describe(plan, item)
        docked = ("目标已完成", "target met")
        outside = plan.kind == "rating" and row.reported is not None and plan.rated != row.reported
        if outside and row.reported is not None and row.reported <= item.points:
            self.tier_band(name, plan, item, where)
            self.note(name, row.reported, item, row.note, where, given=True)
            return
        self.compare(name, item, row.reported, fact, method, docked, where, note=row.note)
        if case == "over-flagged" and not (row.note or "").strip():
            rate = percent(facts["rate"])
            above = plain(facts["over_target"])
            self.add(
                "info",
                "over-target",
                f"{name}：实际为目标的 {rate}，达到或超过 {above} 倍，目标可能偏低，需在偏差原因分析中说明。",
                f"{name}: the actual is {rate} of the target, at or beyond {above} times: the target may have been "
                "set too low, which the 偏差原因分析 should explain.",
                reported=row.reported,
                recomputed=item.score,
                **where,
            )

    def describe(self, plan: RowPlan, item: LeafResult) -> tuple[tuple[str, str], tuple[str, str]]:
        """What the rule found for a row (zh, en), and how it scores that (zh, en)."""
        facts = item.facts
        case = facts.get("case")
        unit = plan.target.unit if plan.target is not None and plan.target.unit else ""
        if plan.kind == "deadline":
            assert plan.target is not None and plan.actual is not None
            assert plan.target.deadline is not None and plan.actual.deadline is not None
            due, done = plan.target.deadline.isoformat(), plan.actual.deadline.isoformat()
            if case == "met":
                return (f"计划 {due} 前完成，实际 {done} 完成", f"finished {done}, by the deadline {due}"), (
                    "得满分",
                    "full marks",
                )
            return (f"计划 {due} 前完成，实际 {done} 才完成", f"finished {done}, after the deadline {due}"), (
                "不得分",
                "no points",
            )
        if plan.kind == "rating":
            assert plan.tier is not None
            tier = plan.tier
            return (
                f"实际完成「{flat(plan.row.actual)}」属「{tier.name}」档",
                f"{flat(plan.row.actual)!r} is in the tier “{tier.name_en}”",
            ), (
                "在该档内计分",
                "scored within the tier",
            )
        if case == "below":
            rate = percent(facts["rate"])
            return (f"实际完成目标的 {rate}", f"actual {rate} of target"), ("按比例计分", "scored in proportion")
        if case in ("above-linear", "above-inverse"):
            excess = plain(facts["excess"]) + unit
            how = (
                ("按 (1 − 超出值/目标值) × 分值 计分", "scored as (1 − excess / target) × points")
                if case == "above-linear"
                else ("按 目标值/实际值 × 分值 计分", "scored as target / actual × points")
            )
            return (f"实际超出目标 {excess}", f"actual {excess} over the target"), how
        if case == "double":
            return ("实际达到目标的两倍或以上", "actual at least twice the target"), ("不得分", "no points")
        if case == "missed":
            return ("未达到目标", "target not met"), ("不得分", "no points")
        if case == "over-deducted":
            rate = percent(facts["rate"])
            penalty = plain(facts["penalty"])
            return (f"实际为目标的 {rate}，目标设置偏低", f"actual {rate} of a target set too low"), (
                f"扣减 {penalty} 分",
                f"{penalty} {_points_word(facts['penalty'])} deducted",
            )
        return ("已达到目标", "target met"), ("得满分", "full marks")

    def compare(
        self,
        name: str,
        item: LeafResult,
        reported: Decimal | None,
        fact: tuple[str, str],
        method: tuple[str, str],
        docked: tuple[str, str],
        where: dict[str, Any],
        *,
        note: str | None,
        budget: bool = False,
    ) -> None:
        """The unit's score for one item against the rule's, with the reason in words."""
        rule, points = item.score, item.points
        shown_rule = _score(rule)
        if reported is None:
            self.add(
                "warning",
                "no-score",
                f"{name}：未填自评得分，按规则应得 {shown_rule} 分。",
                f"{name}: no self-score is given; the rule gives {shown_rule}.",
                recomputed=rule,
                **where,
            )
            self.note(name, rule, item, note, where, given=False, budget=budget)
            return
        difference = unsigned(reported - rule)
        head_zh = f"{name}：自评 {plain(reported)} 分，按规则应得 {shown_rule} 分，相差 {_signed(difference)} 分"
        head_en = (
            f"{name}: self-scored {plain(reported)}, the rule gives {shown_rule}, a difference of {_signed(difference)}"
        )
        if reported > points:
            self.add(
                "error",
                "above-points",
                f"{head_zh}：得分高于分值 {plain(points)} 分。",
                f"{head_en}: score above the points ({plain(points)}).",
                reported=reported,
                recomputed=rule,
                **where,
            )
        elif abs(difference) > TOLERANCE:
            if rule == points and reported < points:
                lost = points - reported
                zh = f"{docked[0]}但扣了 {plain(lost)} 分"
                en = f"{docked[1]} but {plain(lost)} {_points_word(lost)} docked"
            elif reported == points:
                zh, en = f"{fact[0]}，却保留满分", f"{fact[1]} but full marks kept"
            else:
                zh, en = f"{fact[0]}，{method[0]}", f"{fact[1]}, {method[1]}"
            self.add(
                "error" if difference > 0 else "warning",
                "budget-score" if budget else "row-score",
                f"{head_zh}：{zh}。",
                f"{head_en}: {en}.",
                reported=reported,
                recomputed=rule,
                **where,
            )
        self.note(name, reported, item, note, where, given=True, budget=budget)

    def tier_band(self, name: str, plan: RowPlan, item: LeafResult, where: dict[str, Any]) -> None:
        assert plan.tier is not None and plan.row.reported is not None
        tier, reported, points, rule = plan.tier, plan.row.reported, item.points, item.score
        band = _band(tier, points)
        difference = unsigned(reported - rule)
        given = "默认分" if tier.default is not None else "最低分"
        given_en = "default" if tier.default is not None else "lowest score"
        self.add(
            "error" if difference > 0 else "warning",
            "tier-band",
            f"{name}：实际完成「{flat(plan.row.actual)}」属「{tier.name}」档（{band} 分），自评 {plain(reported)} 分不在该档内；"
            f"按该档{given} {_score(rule)} 分计，相差 {_signed(difference)} 分。",
            f"{name}: the actual {flat(plan.row.actual)!r} is in the tier “{tier.name_en}” ({band} points) but the "
            f"self-score {plain(reported)} lies outside it; the tier's {given_en} of {_score(rule)} applies, "
            f"a difference of {_signed(difference)}.",
            reported=reported,
            recomputed=rule,
            **where,
        )

    def assumed(self, name: str, assumed: Assumed, where: dict[str, Any]) -> None:
        """What was assumed to read one of the row's cells, so a reviewer can check it."""
        self.add("info", "assumed", f"{name}：{assumed.text('zh')}。", f"{name}: {assumed.text('en')}.", **where)

    def unmatched(self) -> None:
        """One finding for each first-level name the ruleset does not know, however many rows it has, and
        one for each matched only by the ruleset's name it contains."""
        roots = {root.key: root for root in self.base.roots}
        for text, key in self.score.nearest.items():
            assumed = Assumed("level1-nearest", (("text", flat(text)), ("root", roots[key].name)))
            self.add("info", "assumed", f"{assumed.text('zh')}。", f"{assumed.text('en')[:1].upper()}{assumed.text('en')[1:]}.",
                     indicator=flat(text))  # fmt: skip
        known = "、".join(root.name for root in self.base.roots)
        known_en = ", ".join(_named(root) for root in self.base.roots)
        for text, key in self.score.unmatched.items():
            plans = [plan for plan in self.score.plans if plan.root == key]
            points = sum((plan.row.points or ZERO for plan in plans), ZERO)
            name = flat(text)
            self.add(
                "warning",
                "unknown-level1",
                f"一级指标「{name or '（空）'}」与规则的一级指标（{known}）都不匹配：其下 {len(plans)} 项按表中分值计入，"
                f"共 {plain(points)} 分；可在规则的 [tables.level1] 中指明它属于哪个一级指标。",
                f"The first-level indicator {name or '(empty)'!r} matches none of the ruleset's ({known_en}): its "
                f"{len(plans)} {'row is' if len(plans) == 1 else 'rows are'} scored by their own points, "
                f"{plain(points)} in all; [tables.level1] in the ruleset can say where it belongs.",
                indicator=name,
                reported=points,
            )

    def unreadable(
        self, name: str, record: Unreadable, reported: Decimal | None, item: LeafResult, where: dict[str, Any]
    ) -> None:
        if record.action == "reported" and reported is not None:
            zh = f"保留单位自评 {_score(item.score)} 分，需人工复核"
            en = f"the unit's own score of {_score(item.score)} is kept, to be checked by hand"
        elif record.action == "reported":
            zh, en = (
                "且未填自评得分，按 0 分计，需人工复核",
                "and no self-score is given: scored 0, to be checked by hand",
            )
        else:
            zh, en = "按 0 分计，需人工复核", "scored 0, to be checked by hand"
        self.add(
            "warning",
            "unreadable",
            f"{name}：{record.describe('zh')}；{zh}。",
            f"{name}: {record.describe('en')}; {en}.",
            reported=reported,
            recomputed=item.score,
            **where,
        )

    def note(
        self,
        name: str,
        score: Decimal,
        item: LeafResult,
        note: str | None,
        where: dict[str, Any],
        *,
        given: bool,
        budget: bool = False,
    ) -> None:
        """A row not at full marks needs a 偏差原因分析 (the budget block has no such column). ``score`` is
        the unit's own when it gave one (shown as written), else the recomputed one."""
        if budget or score >= item.points or (note or "").strip():
            return
        shown = plain(score) if given else _score(score)
        index = where.get("row")
        if index is not None:  # the empty 偏差原因分析 cell itself
            where = {**where, "cell": self.table.rows[index].cell_of("note")}
        self.add(
            "info",
            "no-note",
            f"{name}：未得满分（{shown} / {plain(item.points)} 分），但未填写偏差原因分析及改进措施。",
            f"{name}: not at full marks ({shown} of {plain(item.points)}) but no explanation of the "
            "shortfall (偏差原因分析及改进措施) is given.",
            **where,
        )

    # --- totals -------------------------------------------------------------------------------------

    def caps(self, reported_total: Decimal | None) -> None:
        """A unit that kept points above what a rule on the total allows (a cap by the execution rate, a
        veto): the rule's own explanation, and the reported total against the score the rule left."""
        if reported_total is None:
            return
        for adjustment in self.score.result.adjustments:
            after = self.score.ruleset.round(adjustment.after)
            if adjustment.node or adjustment.lost <= 0 or reported_total - max(after, self.score.total) <= TOLERANCE:
                continue  # a rule on a group, one that took nothing, or points the later rules gave back (a bonus)
            self.add(
                "error",
                "above-cap",
                f"{adjustment.explain('zh')}；自评总分 {plain(reported_total)} 分，高于该规则允许的 {after} 分。",
                f"{adjustment.explain('en')}; the reported total of {plain(reported_total)} is above the {after} "
                "this rule allows.",
                reported=reported_total,
                recomputed=after,
            )

    def totals(self) -> None:
        table, score = self.table, self.score
        reported_total = table.reported_total
        scores = [plan.row.reported for plan in score.plans]
        if table.budget is not None and score.budget_item is not None:
            scores.append(table.budget.reported)
        if reported_total is not None and scores and all(value is not None for value in scores):
            items = sum((value for value in scores if value is not None), ZERO)
            if abs(reported_total - items) > TOLERANCE:
                gap = _signed(reported_total - items)
                self.add(
                    "error",
                    "total-sum",
                    f"总分填报 {plain(reported_total)}，各项自评得分合计 {plain(items)}，相差 {gap}。",
                    f"The reported total {plain(reported_total)} is not the sum of the items' scores, "
                    f"{plain(items)}; a difference of {gap}.",
                    reported=reported_total,
                    recomputed=items,
                )
        recomputed = score.total
        if reported_total is not None and abs(reported_total - recomputed) > TOLERANCE:
            difference = reported_total - recomputed
            self.add(
                "error" if difference > 0 else "warning",
                "total-score",
                f"总分：自评 {plain(reported_total)}，按规则重算为 {recomputed}，相差 {_signed(difference)}。",
                f"Total: reported {plain(reported_total)}, recomputed {recomputed} under the rules, "
                f"a difference of {_signed(difference)}.",
                reported=reported_total,
                recomputed=recomputed,
            )
        self.caps(reported_total)
        grade = score.result.grade
        maximum = self.base.total_points
        if recomputed > maximum or (reported_total is not None and reported_total > maximum):
            above = recomputed if recomputed > maximum else reported_total
            assert above is not None
            whose, whose_en = ("重算总分", "recomputed") if above is recomputed else ("自评总分", "reported")
            self.add(
                "error",
                "above-total",
                f"{whose} {plain(above)} 超过规则满分 {plain(maximum)}：分值设置有误，不评定等级。",
                f"The {whose_en} total {plain(above)} is above the ruleset's full score of {plain(maximum)}: "
                "the points are wrong, and no grade is given.",
                reported=reported_total,
                recomputed=recomputed,
            )
            return
        if table.reported_grade and not _grade_matches(table.reported_grade, grade):
            self.add(
                "error",
                "grade",
                f"评价等级填报「{table.reported_grade}」，按重算总分 {recomputed} 应为「{grade.name}」。",
                f"The reported grade {table.reported_grade!r} does not go with the recomputed total {recomputed}, "
                f"which is graded {grade.name_en} ({grade.name}).",
            )


def _percentage_points(rate: Decimal) -> Decimal:
    """A rate as tables write it, in percentage points to 2 decimals (0.994900… → 99.49)."""
    value = rate * HUNDRED
    try:
        return value.quantize(TOLERANCE, rounding=decimal.ROUND_HALF_UP)
    except decimal.InvalidOperation:  # a rate too large for the context's digits is shown exactly
        return value


def _named(root: Indicator) -> str:
    return f"{root.name} ({root.name_en})" if root.name_en else root.name


def _band(tier: Tier, points: Decimal) -> str:
    low, high = plain(tier.min * points), plain(tier.max * points)
    return f"[{low}, {high}{']' if tier.max_inclusive else ')'}"


@pinned
def audit_table(table: Table, ruleset: Ruleset, *, strict: bool = False) -> Audit:
    """Score ``table`` under ``ruleset`` and compare every self-score with the rules.

    A cell perfscore cannot score by rule is a finding on its row (the unit's own score kept, to be
    checked by hand), and every assumption made to read a cell is a finding too. ``strict`` (or the
    policy's ``unparseable = "error"``) refuses such a table instead. Raises what
    :func:`~perfscore.tables.score.score_table` raises.
    """
    score = score_table(table, ruleset, strict=strict)
    return Audit(table, score, _Auditor(table, score).run())
