"""Auditing many self-evaluation tables in one run, and the files a reviewer reads afterwards.

:func:`audit_batch` audits every table of every file (every sheet of a workbook, every table of a
TOML or JSON file, every file of a folder). A file that cannot be read, or a table that cannot be
scored, becomes an error row and the rest go on. The :class:`BatchAudit` it returns holds one
:class:`BatchRow` per table (or per file that could not be read) and renders as text, Markdown,
JSON or HTML; :func:`write_summary_csv`, :func:`write_summary_xlsx` and :func:`write_reports` write
the summary and one report per table for people who do not read a terminal.

Numbers stay exact: the CSV and JSON hold each decimal as its text (``94.48``); the .xlsx summary
writes that same text into a number cell with the format ``0.00`` (more decimals when the value
has them), so no float is ever computed by perfscore.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TextIO
from urllib.parse import quote

from ..errors import (
    SEVERITIES,
    DataError,
    Location,
    OutputError,
    PerfscoreError,
    Problem,
    UnreadableFileError,
    os_reason,
    suggest,
)
from ..exact import CONTEXT, ZERO, pinned
from ..files import Output, check_outputs, replacing, write_folder
from ..limits import DEFAULT_LIMITS, Limits
from ..messages import Text, check_lang, in_lang, words
from ..ruleset import Ruleset
from ..signals import Collector, Column, Part, Signals, Thresholds, caps_of
from ..text import columns, for_cell, for_markdown, for_terminal, plain_data
from ..toml import decode, parse_toml
from .audit import Audit, audit_table
from .html import WORDS as PAGE_WORDS
from .html import render_batch_html, render_html, signed
from .model import Table
from .read import MAPPING_FIELDS, SUFFIXES, read_parts, table_files

__all__ = [
    "AUDIT_FORMATS",
    "SUMMARY_COLUMNS",
    "BatchAudit",
    "BatchProgress",
    "BatchRow",
    "OutputError",
    "ProgressBar",
    "audit_batch",
    "audit_signals",
    "read_mapping",
    "render_audit",
    "report_names",
    "require_openpyxl",
    "safe_file_name",
    "write_reports",
    "write_summary_csv",
    "write_summary_xlsx",
]

#: The formats one audit (and a batch) renders as.
AUDIT_FORMATS = ("text", "markdown", "json", "html")

Stage = Literal["unreadable", "read", "audit", "internal"]
TableSource = str | Path | Table

#: The summary's columns, in order: the keys of :meth:`BatchRow.summary` and of the CSV and .xlsx files.
SUMMARY_COLUMNS = (
    "source",
    "sheet",
    "id",
    "title",
    "reported_total",
    "recomputed_total",
    "difference",
    "reported_grade",
    "recomputed_grade",
    "errors",
    "warnings",
    "info",
    "error",
)
#: The summary's column headers, by column.
PROBLEMS = words(
    "tables.batch.problems",
    {
        "openpyxl": ("写出 .xlsx 汇总需要 openpyxl，但未安装；请用以下命令安装：pip install 'perfscore[xlsx]'",
                     "writing an .xlsx summary needs openpyxl, which is not installed; "
                     "install it with: pip install 'perfscore[xlsx]'"),
        "no-tables": ("这个文件夹中没有自评表文件（{kinds}）", "no table files ({kinds}) in this folder"),
        "not-text": ("应为写成文本的字段名，实际为 {field}", "expected a field name as text, got {field}"),
        "unknown-field": ("未知的字段 {field}；可用的有 {known}", "unknown field {field}; expected one of {known}"),
        "unreadable": ("{source}: 无法读取表头对照文件（{reason}）", "{source}: cannot read the mapping file ({reason})"),
    },
)  # fmt: skip

HEADERS = words(
    "tables.summary",
    {
        "source": ("文件", "file"), "sheet": ("工作表", "sheet"), "id": ("表", "table"), "title": ("名称", "title"),
        "reported_total": ("自评总分", "reported total"), "recomputed_total": ("重算总分", "recomputed total"),
        "difference": ("相差", "difference"), "reported_grade": ("自评等级", "reported grade"),
        "recomputed_grade": ("重算等级", "recomputed grade"), "errors": ("错误", "errors"),
        "warnings": ("警告", "warnings"), "info": ("提示", "info"), "error": ("未能审核的原因", "why it was not audited"),
    },
)  # fmt: skip
# A summary line's words: a page's, with the grade in lower case inside a line.
_WORDS = {**PAGE_WORDS, **words("tables.batch", {"grade": ("等级", "grade")})}


def _headers(lang: str) -> tuple[str, ...]:
    return tuple(HEADERS[column](lang) for column in SUMMARY_COLUMNS)


#: Excel keeps at most this many characters in a cell: the file format's limit, not a bound perfscore
#: sets on what it reads (so not a :class:`~perfscore.limits.Limits` field).
XLSX_CELL_LIMIT = 32_767


# --- the rows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRow:
    """One table of a batch, audited or not; or one file that could not be read at all.

    ``stage`` says where a failure happened: ``unreadable`` (the file could not be opened),
    ``read`` (its content is not a table perfscore reads), ``audit`` (the table was read but could
    not be scored) or ``internal`` (a bug in perfscore, reported rather than stopping the batch).
    ``shared`` is true when the table's file holds several tables.
    """

    source: str | None
    sheet: str | None = None
    table: Table | None = None
    audit: Audit | None = None
    error: Exception | None = None
    stage: Stage | None = None
    shared: bool = False

    @property
    def failed(self) -> bool:
        return self.audit is None

    @property
    def id(self) -> str | None:
        return None if self.table is None else self.table.id

    @property
    def title(self) -> str | None:
        return None if self.table is None else self.table.title

    @property
    def label(self) -> str:
        """Where the table is: ``a.csv``, ``book.xlsx!项目1`` (a sheet), ``aid.json#school-b`` (one
        table of several in a file)."""
        source = self.source or (self.id or "<table>")
        if self.sheet:
            return f"{source}!{self.sheet}"
        if self.shared and self.id:
            return f"{source}#{self.id}"
        return source

    @property
    def reported_total(self) -> Decimal | None:
        return None if self.table is None else self.table.reported_total

    @property
    def recomputed_total(self) -> Decimal | None:
        return None if self.audit is None else self.audit.recomputed_total

    @property
    def difference(self) -> Decimal | None:
        return None if self.audit is None else self.audit.total_difference

    @property
    def reported_grade(self) -> str | None:
        return None if self.table is None else self.table.reported_grade

    @property
    def recomputed_grade(self) -> str | None:
        """The recomputed grade; None when not audited or when a total is above the full score (no grade)."""
        return None if self.audit is None or not self.audit.graded else self.audit.recomputed_grade.name

    @property
    def counts(self) -> dict[str, int] | None:
        return None if self.audit is None else self.audit.counts

    @property
    def message(self) -> str | None:
        """Why the table was not audited, as a user reads it; None for an audited table. Each of its
        lines is one line (what came from a file passed the terminal gate)."""
        if self.error is None:
            return None
        if self.stage == "internal":
            return for_terminal(
                f"{self.label}: internal error ({type(self.error).__name__}: {self.error}); this is a bug in "
                "perfscore: please report it with the file"
            )
        if isinstance(self.error, PerfscoreError):
            return str(self.error)  # rendered line by line through the gate (perfscore.errors)
        return for_terminal(str(self.error))

    def summary(self) -> dict[str, str | Decimal | int | None]:
        """The summary's values, keyed by :data:`SUMMARY_COLUMNS`: decimals as Decimal, counts as int."""
        counts = self.counts or {}
        return {
            "source": self.source,
            "sheet": self.sheet,
            "id": self.id,
            "title": self.title,
            "reported_total": self.reported_total,
            "recomputed_total": self.recomputed_total,
            "difference": self.difference,
            "reported_grade": self.reported_grade,
            "recomputed_grade": self.recomputed_grade,
            "errors": counts.get("error"),
            "warnings": counts.get("warning"),
            "info": counts.get("info"),
            "error": self.message,
        }

    def to_dict(self) -> dict[str, Any]:
        """The row as plain data, decimals as strings; ``audit`` holds the whole audit (None on failure)."""
        data: dict[str, Any] = {
            key: plain_data(value) if isinstance(value, Decimal) else value
            for key, value in self.summary().items()
            if key not in ("errors", "warnings", "info", "error")
        }
        data["counts"] = self.counts
        data["error"] = None if self.error is None else {"stage": self.stage, "message": self.message}
        data["audit"] = None if self.audit is None else self.audit.to_dict()
        return data


@dataclass(frozen=True)
class BatchAudit:
    """Many tables audited in one run: a row per table (or per unreadable file), in the order read."""

    ruleset: Ruleset
    rows: tuple[BatchRow, ...]

    @property
    def audited(self) -> tuple[BatchRow, ...]:
        return tuple(row for row in self.rows if row.audit is not None)

    @property
    def failures(self) -> tuple[BatchRow, ...]:
        return tuple(row for row in self.rows if row.audit is None)

    @property
    def audits(self) -> tuple[Audit, ...]:
        return tuple(row.audit for row in self.rows if row.audit is not None)

    @property
    def counts(self) -> dict[str, int]:
        """Findings of every audited table, by severity."""
        return {severity: sum(audit.counts[severity] for audit in self.audits) for severity in SEVERITIES}

    def summary(self, lang: str = "zh") -> str:
        """One line: how many tables, how many audited and failed, the findings by severity."""
        check_lang(lang)
        total, audited, failed, counts = len(self.rows), len(self.audited), len(self.failures), self.counts
        if lang == "zh":
            return (
                f"{total} 张表：{audited} 张已审核，{failed} 张未能审核；"
                f"发现 错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}"
            )
        return (
            f"{total} {_plural(total, 'table')}: {audited} audited, {failed} not audited; findings: "
            f"{counts['error']} {_plural(counts['error'], 'error')}, "
            f"{counts['warning']} {_plural(counts['warning'], 'warning')}, {counts['info']} info"
        )

    def signals(self, thresholds: Thresholds | None = None) -> Signals:
        """Signals across the audited tables (:mod:`perfscore.signals`), read from the units' OWN
        scores as written in the tables: per first-level indicator of the ruleset, the self-scores'
        distribution and full marks, the self-scores above the recomputed ones; the reported totals
        against the grade boundaries and the ceilings on the total; qualitative rows self-scored full
        while a quantitative row of the same table fell short."""
        return audit_signals(self, thresholds)

    def to_dict(self, signals: Signals | None = None) -> dict[str, Any]:
        """The batch as plain data; with ``signals`` (:meth:`signals`), those too, under ``signals``."""
        ruleset = self.ruleset
        extra = {} if signals is None else {"signals": signals.to_dict()}
        return {
            "ruleset": {"id": ruleset.id, "version": ruleset.version, "title": ruleset.title},
            "summary": {
                "tables": len(self.rows),
                "audited": len(self.audited),
                "failed": len(self.failures),
                "counts": self.counts,
            },
            "tables": [row.to_dict() for row in self.rows],
            **extra,
        }

    def render(self, fmt: str = "text", lang: str = "zh", *, signals: Signals | None = None) -> str:
        """Each audited table's report, then the summary: ``text``, ``markdown``, ``json`` or ``html``.
        With ``signals`` (:meth:`signals`) the signals across the tables follow the summary (an HTML
        page always has them)."""
        check_lang(lang)
        if fmt == "json":
            return json.dumps(self.to_dict(signals), ensure_ascii=False, indent=2) + "\n"
        if fmt == "html":
            return render_batch_html(self, lang, signals=signals)
        if fmt == "text":
            lines = _summary_text(self, lang)
        elif fmt == "markdown":
            lines = _summary_markdown(self, lang)
        else:
            raise ValueError(f"fmt must be one of {', '.join(AUDIT_FORMATS)}, not {fmt!r}")
        reports = [audit.render(fmt, lang) for audit in self.audits]
        after = [] if signals is None else ["", signals.render(fmt, lang).rstrip("\n")]
        return "\n".join([*reports, "\n".join(lines + after) + "\n"])


@pinned
def audit_signals(batch: BatchAudit, thresholds: Thresholds | None = None) -> Signals:
    """:meth:`BatchAudit.signals`: each audited table is a unit named by its label, its columns the
    ruleset's first-level indicators. A table's self-score on one is the sum of the 得分 of its rows
    under it (and of its budget block, for the budget indicator), out of the sum of their 分值, and is
    left out when one of those rows has no 得分 or no 分值; rows under a first level the ruleset does
    not know are left out. The recomputed score sums the same rows' recomputed scores. Every row with
    points (and the budget block) is an item of the qualitative check, by its leaf's method."""
    ruleset = batch.ruleset
    roots = ruleset.roots
    columns = [Column(root.id, Text(root.label("zh"), root.label("en")), root.points) for root in roots]
    collector = Collector(
        columns, source="self", total_points=ruleset.total_points, grades=ruleset.meta.grades,
        caps=caps_of(ruleset), thresholds=thresholds,
    )  # fmt: skip
    place = {root.id: index for index, root in enumerate(roots)}
    for row in batch.rows:
        if row.audit is not None:
            own, worth, again, parts = _self_scores(row.audit, place)
            capped = [row.audit.reported_total if not cap.node else own[place[cap.node]] if cap.node in place else None
                      for cap in collector.caps]  # fmt: skip
            collector.add(
                row.label, row.audit.reported_total, own, points=worth, parts=parts, recomputed=again,
                recomputed_total=row.audit.recomputed_total, capped=capped,
            )  # fmt: skip
    return collector.result()


_Sums = list[Decimal | None]


def _self_scores(audit: Audit, place: Mapping[str, int]) -> tuple[_Sums, _Sums, _Sums, list[Part]]:
    """One table's self-score, points and recomputed score on each first-level indicator (None: not
    known), and its items for the qualitative check (see :func:`audit_signals`)."""
    score, table = audit.score, audit.table
    items = {item.id: item for item in score.result.items}
    own: _Sums = [ZERO] * len(place)
    worth: _Sums = [ZERO] * len(place)
    again: _Sums = [ZERO] * len(place)
    parts: list[Part] = []
    rows: list[tuple[str, Decimal | None, Decimal | None, Decimal]] = []  # (root, self-score, points, recomputed)
    budget, budget_item = table.budget, score.budget_item
    if budget is not None and budget_item is not None and score.budget_root in place:
        rows.append((str(score.budget_root), budget.reported, budget_item.points, budget_item.score))
        if budget.reported is not None and budget_item.points > 0:
            parts.append(Part("预算执行率", False, budget.reported, budget_item.points))
    for plan in score.plans:
        if plan.root not in place:
            continue  # a first level the ruleset does not know: not one of its indicators
        item, written = items[plan.leaf], plan.row
        rows.append((plan.root, written.reported, written.points, item.score))
        if plan.unreadable is None and written.reported is not None and written.points:
            judged = bool(item.indicator.method and item.indicator.method.qualitative)
            parts.append(Part(written.level3, judged, written.reported, written.points))
    for root, reported, points, recomputed in rows:
        index = place[root]
        sum_own, sum_worth, sum_again = own[index], worth[index], again[index]
        if reported is None or points is None or sum_own is None or sum_worth is None or sum_again is None:
            own[index] = worth[index] = again[index] = None  # a row without its score: no sum to compare
            continue
        own[index] = CONTEXT.add(sum_own, reported)
        worth[index] = CONTEXT.add(sum_worth, points)
        again[index] = CONTEXT.add(sum_again, recomputed)
    for index, points in enumerate(worth):
        if not points:  # nothing under this first level (or no points): no score on it
            own[index] = worth[index] = again[index] = None
    return own, worth, again, parts


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


def render_audit(audit: Audit, fmt: str = "text", lang: str = "zh") -> str:
    """One audit as ``text``, ``markdown``, ``json`` or ``html``, ending with a line break."""
    if fmt == "html":
        return render_html(audit, lang)
    if fmt not in AUDIT_FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(AUDIT_FORMATS)}, not {fmt!r}")
    text = audit.render(fmt, lang)
    return text if text.endswith("\n") else text + "\n"


def _indented(text: str) -> str:
    """A message of several lines under a list item: continuation lines indented."""
    return text.replace("\n", "\n    ")


def _summary_text(batch: BatchAudit, lang: str) -> list[str]:
    words = in_lang(_WORDS, lang)
    colon, sep, semi = ("：", "，", "；") if lang == "zh" else (": ", ", ", "; ")
    lines = [words["summary"]]
    for row in batch.rows:
        if row.audit is None:  # the message's own lines, each one line already
            lines.append(f"  {for_terminal(row.label)}{colon}{words['failed']}{colon}{_indented(row.message or '')}")
            continue
        audit = row.audit
        reported = "—" if audit.reported_total is None else plain_data(audit.reported_total)
        difference = "—" if audit.total_difference is None else signed(audit.total_difference)
        counts = audit.counts
        if lang == "zh":
            found = f"错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}"
        else:
            found = (
                f"{counts['error']} {_plural(counts['error'], 'error')}, "
                f"{counts['warning']} {_plural(counts['warning'], 'warning')}, {counts['info']} info"
            )
        name = f"{colon}{' '.join(row.title.split())}" if row.title else ""
        line = (
            f"  {row.label}{name}{colon}{words['reported']} {reported}{sep}{words['recomputed']} "
            f"{plain_data(audit.recomputed_total)}{sep}{words['difference']} {difference}{semi}{words['grade']} "
            f"{audit.reported_grade or '—'} → {audit.recomputed_grade.name}{semi}{found}"
        )
        lines.append(for_terminal(line))  # one line, whatever the file name, title or grade hold
    lines += ["", batch.summary(lang)]
    return lines


def _summary_markdown(batch: BatchAudit, lang: str) -> list[str]:
    words = in_lang(_WORDS, lang)
    heads = _headers(lang)
    colon = "：" if lang == "zh" else ": "
    lines = [f"## {words['summary']}", ""]
    lines.append(f"| {words['table']} | {heads[3]} | {' | '.join(heads[4:12])} |")
    lines.append("|---|---|---:|---:|---:|---|---|---:|---:|---:|")
    failed: list[str] = []
    for row in batch.rows:
        if row.audit is None:
            first, *rest = (row.message or "").split("\n")
            failed.append(f"- {for_markdown(row.label)}{colon}{for_markdown(first)}")
            failed += [f"  - {for_markdown(line.strip())}" for line in rest if line.strip()]
            continue
        audit = row.audit
        values = [
            "—" if audit.reported_total is None else plain_data(audit.reported_total),
            plain_data(audit.recomputed_total),
            "—" if audit.total_difference is None else signed(audit.total_difference),
            for_markdown(audit.reported_grade or "—"),
            for_markdown(audit.recomputed_grade.name),
            *(str(audit.counts[severity]) for severity in SEVERITIES),
        ]
        lines.append(f"| {for_markdown(row.label)} | {for_markdown(row.title or '')} | {' | '.join(values)} |")
    if failed:
        lines += ["", f"### {words['failed']}", "", *failed]
    lines += ["", batch.summary(lang)]
    return lines


# --- progress ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchProgress:
    """How far a batch is: items (files, or tables given as objects) done of the total, the rows
    (tables and unreadable files) so far and how many of them failed; ``current`` is the item just
    finished (None at the start)."""

    done: int
    total: int
    tables: int
    failed: int
    current: str | None = None

    @property
    def percent(self) -> int:
        """Whole percent done, rounded down (integers only)."""
        return 100 if self.total == 0 else self.done * 100 // self.total


class ProgressBar:
    """A progress display on a stream (stderr) for :func:`audit_batch`'s ``progress``.

    It stays silent for short runs: it shows when ``always`` is set, or once the run has more than
    ``threshold`` files or tables. On a terminal it is one bar redrawn in place; otherwise (a log
    file, a pipe) it writes a line each time another 10% is done. :meth:`close` ends the bar's line,
    so nothing written to the stream afterwards lands on it.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        lang: str = "zh",
        always: bool = False,
        threshold: int = 20,
        tty: bool | None = None,
        width: int = 24,
    ) -> None:
        check_lang(lang)
        self.stream = stream
        self.lang = lang
        self.always = always
        self.threshold = threshold
        self.tty = _isatty(stream) if tty is None else tty
        self.width = width
        self.shown = False
        self._drawn = 0  # columns the bar takes on the terminal line
        self._decile = -1  # the last tenth written as a line

    def __call__(self, event: BatchProgress) -> None:
        if not self.shown and not (self.always or event.total > self.threshold or event.tables > self.threshold):
            return
        self.shown = True
        if self.tty:
            line = self._bar(event)
            width = columns(line)  # Chinese characters take two columns
            self.stream.write(f"\r{line}{' ' * max(0, self._drawn - width)}")
            self._drawn = width
        else:
            decile = event.percent // 10
            if event.done == 0 or decile == self._decile:  # no line for 0%: the next one comes soon
                return
            self._decile = decile
            self.stream.write(f"perfscore: {self._status(event)}\n")
        self.stream.flush()

    def _bar(self, event: BatchProgress) -> str:
        filled = 0 if event.total == 0 else event.done * self.width // event.total
        return f"[{'#' * filled}{'-' * (self.width - filled)}] {self._status(event)}"

    def _status(self, event: BatchProgress) -> str:
        if self.lang == "zh":
            failed = f"，{event.failed} 张未能审核" if event.failed else ""
            return f"{event.percent:>3}% 文件 {event.done}/{event.total}，表 {event.tables} 张{failed}"
        failed = f", {event.failed} not audited" if event.failed else ""
        return f"{event.percent:>3}% files {event.done}/{event.total}, tables {event.tables}{failed}"

    def close(self) -> None:
        """End the bar's line on a terminal (nothing to do for line-by-line output)."""
        if self.tty and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = 0


def _isatty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty()) if callable(isatty) else False


# --- auditing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _EmptyFolder:
    path: Path


def _items(paths_or_tables: TableSource | Iterable[TableSource]) -> list[Path | Table | _EmptyFolder]:
    given: Iterable[TableSource] = (
        [paths_or_tables] if isinstance(paths_or_tables, str | Path | Table) else paths_or_tables
    )
    items: list[Path | Table | _EmptyFolder] = []
    for item in given:
        if isinstance(item, Table):
            items.append(item)
            continue
        path = Path(item)
        if path.is_dir():
            files = table_files(path)
            items.extend(files or [_EmptyFolder(path)])
        else:
            items.append(path)
    return items


def _sheet(table: Table) -> str | None:
    """The sheet a table was read from (tables from workbooks keep it in every cell)."""
    cells = [row.cell for row in table.rows]
    if table.budget is not None:
        cells.append(table.budget.cell)
    return next((cell.sheet for cell in cells if cell.sheet), None)


def _audit_one(table: Table, ruleset: Ruleset, *, shared: bool, strict: bool = False) -> BatchRow:
    source, sheet = table.source, _sheet(table)
    try:
        return BatchRow(source, sheet, table, audit_table(table, ruleset, strict=strict), shared=shared)
    except PerfscoreError as error:
        return BatchRow(source, sheet, table, error=error, stage="audit", shared=shared)
    except Exception as error:  # a bug must not lose the other tables: it becomes an error row that says so
        return BatchRow(source, sheet, table, error=error, stage="internal", shared=shared)


def _audit_file(
    path: Path, ruleset: Ruleset, mapping: Mapping[str, str] | None, limits: Limits, *, strict: bool = False
) -> list[BatchRow]:
    source = str(path)
    try:
        parts = read_parts(path, mapping=mapping, limits=limits)
    except UnreadableFileError as error:
        return [BatchRow(source, error=error, stage="unreadable")]
    except PerfscoreError as error:
        return [BatchRow(source, error=error, stage="read")]
    except Exception as error:  # a bug must not lose the other files: it becomes an error row that says so
        return [BatchRow(source, error=error, stage="internal")]
    if len(parts) == 1 and isinstance(parts[0][1], DataError):  # the whole file: one error row, as before
        return [BatchRow(source, error=parts[0][1], stage="read")]
    shared = len(parts) > 1
    return [  # one sheet that cannot be read is its own error row; the other sheets are audited
        BatchRow(source, sheet, error=part, stage="read")
        if isinstance(part, DataError)
        else _audit_one(part, ruleset, shared=shared, strict=strict)
        for sheet, part in parts
    ]


def audit_batch(
    paths_or_tables: TableSource | Iterable[TableSource],
    ruleset: Ruleset,
    *,
    mapping: Mapping[str, str] | None = None,
    progress: Callable[[BatchProgress], None] | None = None,
    limits: Limits | None = None,
    strict: bool = False,
) -> BatchAudit:
    """Audit every table of every file, folder or :class:`~.model.Table` given, under ``ruleset``.

    A folder gives its table files (as :func:`~.read.table_files` lists them); a file gives every
    table in it (every sheet of a workbook). A file that cannot be read gives one error row; a table
    that cannot be scored gives an error row; either way the rest go on. A folder with no table
    files gives an error row. ``mapping`` is passed to :func:`~.read.read_tables` (it is checked
    first: a bad mapping raises :class:`~perfscore.DataError` before anything is read).
    ``progress`` is called with a :class:`BatchProgress` at the start and after each file (or each
    table given as an object). ``limits`` bounds the files read (by default the ruleset's limits,
    which also bound each target and actual when the table is scored). ``strict`` audits as
    :func:`~.audit.audit_table` does with ``strict=True``: a table with a cell perfscore cannot
    score by rule is an error row naming each such cell.
    """
    limits = ruleset.limits if limits is None else limits
    if mapping:
        _check_mapping(mapping, "mapping")
    items = _items(paths_or_tables)
    rows: list[BatchRow] = []

    def report(done: int, current: str | None) -> None:
        if progress is not None:
            progress(BatchProgress(done, len(items), len(rows), sum(row.failed for row in rows), current))

    report(0, None)
    for done, item in enumerate(items, start=1):
        if isinstance(item, Table):
            rows.append(_audit_one(item, ruleset, shared=False, strict=strict))
            current = item.source or item.id
        elif isinstance(item, _EmptyFolder):
            kinds = ", ".join(SUFFIXES)
            said = PROBLEMS["no-tables"].format(kinds=kinds)
            problem = Problem(Location(str(item.path)), said, code="no-tables")
            rows.append(BatchRow(str(item.path), error=DataError([problem], str(item.path)), stage="read"))
            current = str(item.path)
        else:
            rows.extend(_audit_file(item, ruleset, mapping, limits, strict=strict))
            current = str(item)
        report(done, current)
    return BatchAudit(ruleset, tuple(rows))


# --- the mapping file -----------------------------------------------------------------------


def _check_mapping(mapping: Mapping[str, Any], source: str) -> None:
    problems = []
    for name, field in mapping.items():
        where = Location(source, (name,))
        if not isinstance(field, str):
            problems.append(Problem(where, PROBLEMS["not-text"].format(field=repr(field)), code="not-text"))
        elif field not in MAPPING_FIELDS:
            message = PROBLEMS["unknown-field"].format(field=repr(field), known=", ".join(MAPPING_FIELDS))
            problems.append(Problem(where, message, suggest(field, MAPPING_FIELDS), code="unknown-field"))
    if problems:
        raise DataError(problems, source)


def read_mapping(path: str | Path) -> dict[str, str]:
    """A ``mapping`` for :func:`~.read.read_tables` from a TOML file: each key a header or label as
    the table writes it, each value the field it holds (``"考核内容" = "level3"``).

    Raises :class:`~perfscore.DataError` listing every bad entry with its key, and
    :class:`~perfscore.UnreadableFileError` for a file that cannot be read.
    """
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        said = PROBLEMS["unreadable"].format(source=source, reason=os_reason(error))
        raise UnreadableFileError(said) from None
    text = decode(raw, source, DataError)
    document = parse_toml(text, source, DataError)
    _check_mapping(document, source)
    return {name: str(field) for name, field in document.items()}


# --- summary files ----------------------------------------------------------------------------


def _csv_text(value: str | Decimal | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text: str = plain_data(value)  # its exact digits, never an exponent: 94.48
        return text
    if isinstance(value, int):
        return str(value)
    return for_cell(value)  # a text cell: never a formula, nothing hidden


def _output(batch: BatchAudit, name: str, path: str | Path, *, folder: bool = False) -> Path:
    """Where an output goes, once :func:`~perfscore.files.check_outputs` has found that it is not one
    of the files the batch read (nor, for a folder, holds one)."""
    target = Path(path)
    check_outputs([Output(name, target, folder)], [row.source for row in batch.rows if row.source])
    return target


def write_summary_csv(batch: BatchAudit, path: str | Path, *, lang: str = "zh") -> Path:
    """The summary as CSV: one row per table, headers in ``lang``, UTF-8 with a BOM (so Excel reads
    Chinese correctly), decimals as their text (``94.48``). A text cell that Excel could take for a
    formula (starting with ``=``, ``+``, ``-``, ``@``, their full-width forms, or any of them after
    spaces) is written with a leading ``'`` (:func:`perfscore.text.for_cell`).

    Written through :func:`perfscore.files.replacing`: the file appears complete or not at all, and
    a path that is one of the tables read is refused (:class:`OutputError`, ``output-is-input``)."""
    check_lang(lang)
    target = _output(batch, "write_summary_csv", path)
    with replacing(target, encoding="utf-8-sig", newline="", what="the summary") as stream:
        writer = csv.writer(stream)
        writer.writerow(_headers(lang))
        for row in batch.rows:
            values = row.summary()
            writer.writerow([_csv_text(values[key]) for key in SUMMARY_COLUMNS])
    return target


def require_openpyxl() -> Any:
    """The openpyxl module, or an :class:`OutputError` that says how to install it."""
    try:
        return importlib.import_module("openpyxl")
    except ImportError:
        raise OutputError(PROBLEMS["openpyxl"]) from None


def _number_format(value: Decimal) -> str:
    """``0.00``, or as many decimals as the value has beyond two, so the cell shows it exactly."""
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < -2 else 2
    return "0." + "0" * places


def _xlsx_text(text: str) -> str:
    """A text cell of the .xlsx summary: through the cell gate (no formula; control characters, which
    an .xlsx cannot hold, shown as their codes), cut to what a cell keeps."""
    text = for_cell(text)
    return text if len(text) <= XLSX_CELL_LIMIT else text[: XLSX_CELL_LIMIT - 1] + "…"


def _put(cell: Any, value: str | Decimal | int | None) -> None:
    """One summary cell: a decimal as a number cell holding its text, a count as an integer, text as
    text (never a formula, whatever it starts with)."""
    if value is None:
        return
    if isinstance(value, Decimal):
        cell.value = plain_data(value)
        cell.data_type = "n"  # the number is written as the decimal's own text: no float on the way
        cell.number_format = _number_format(value)
    elif isinstance(value, int):
        cell.value = value
    else:
        cell.value = _xlsx_text(value)
        cell.data_type = "s"


def write_summary_xlsx(batch: BatchAudit, path: str | Path, *, lang: str = "zh") -> Path:
    """The summary as an .xlsx workbook (needs openpyxl: ``pip install 'perfscore[xlsx]'``): one
    sheet, headers in ``lang``, totals as number cells in the format ``0.00``, counts as integers.
    Written as :func:`write_summary_csv` writes (complete or not at all; never over a table read)."""
    check_lang(lang)
    target = _output(batch, "write_summary_xlsx", path)
    openpyxl = require_openpyxl()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = PAGE_WORDS["summary"](lang)
    for column, head in enumerate(_headers(lang), start=1):
        cell = sheet.cell(1, column)
        _put(cell, head)
        cell.font = openpyxl.styles.Font(bold=True)
    for number, row in enumerate(batch.rows, start=2):
        values = row.summary()
        for column, key in enumerate(SUMMARY_COLUMNS, start=1):
            _put(sheet.cell(number, column), values[key])
    sheet.freeze_panes = "A2"
    widths = (28, 14, 20, 28, 10, 10, 10, 10, 10, 8, 8, 8, 60)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width = width
    packed = io.BytesIO()  # not the file itself: a save that is interrupted leaves openpyxl's zip to close later
    book.save(packed)
    with replacing(target, what="the summary") as stream:
        stream.write(packed.getbuffer())
    return target


# --- report files -----------------------------------------------------------------------------

_UNSAFE_CHARACTERS = frozenset('<>:"/\\|?*')
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
)


def safe_file_name(text: str, *, limits: Limits = DEFAULT_LIMITS) -> str:
    """A file name made from untrusted text: full-width forms folded; path separators, characters
    Windows refuses, spaces and invisible or control characters (including bidirectional overrides)
    replaced by ``_``; no leading dots; at most ``limits.max_file_name`` (60) characters; Windows'
    reserved device names (``CON``, ``NUL``, ``COM1``, …) prefixed with ``_``; ``table`` when nothing
    is left."""
    folded = unicodedata.normalize("NFKC", text)
    name = "".join(
        "_"
        if char in _UNSAFE_CHARACTERS or char.isspace() or unicodedata.category(char).startswith(("C", "Z"))
        else char
        for char in folded
    )
    name = re.sub(r"_+", "_", name).strip("._ ")[: limits.max_file_name].rstrip("._ ")
    if not name:
        return "table"
    if name.split(".")[0].upper() in _RESERVED:
        name = "_" + name
    return name


def report_names(batch: BatchAudit, *, limits: Limits = DEFAULT_LIMITS) -> dict[int, str]:
    """The report file name (without suffix) of each row, by its index in ``batch.rows``: the source
    file's stem, then the sheet (or, in a file of several tables, the table's id), made safe with
    :func:`safe_file_name`; a name taken already (compared without case) gets ``-2``, ``-3``, …;
    ``index`` is kept for the index page."""
    names: dict[int, str] = {}
    taken = {"index"}
    for index, row in enumerate(batch.rows):
        stem = Path(row.source).stem if row.source else (row.id or "table")
        part = row.sheet or (row.id if row.shared else None)
        base = safe_file_name(f"{stem}-{part}" if part else stem, limits=limits)
        name, number = base, 1
        while name.casefold() in taken:
            number += 1
            name = f"{base}-{number}"
        taken.add(name.casefold())
        names[index] = name
    return names


def write_reports(
    batch: BatchAudit,
    folder: str | Path,
    *,
    lang: str = "zh",
    limits: Limits | None = None,
    thresholds: Thresholds | None = None,
) -> list[Path]:
    """One Markdown and one HTML report per audited table in ``folder`` (made when missing), named
    by :func:`report_names` (within ``limits``, by default the ruleset's), and ``index.html``: the
    summary with a link to each report and the reason each failed table was not audited. Returns
    the files written, the index last.

    Every page is rendered first, then written with :func:`perfscore.files.write_folder`: all into a
    hidden staging folder, then moved into place with the index last (an old ``index.html`` is
    removed first), so the folder never holds a half-written page, and a folder whose writing did
    not finish has no index. A folder that is or holds one of the tables read is refused
    (:class:`OutputError`, ``output-is-input``). The index shows the signals across the tables
    (:meth:`BatchAudit.signals`, under ``thresholds``)."""
    check_lang(lang)
    target = _output(batch, "write_reports", folder, folder=True)
    names = report_names(batch, limits=batch.ruleset.limits if limits is None else limits)
    pages: list[tuple[str, str]] = []
    for index, row in enumerate(batch.rows):
        if row.audit is None:
            continue
        pages.append((f"{names[index]}.md", row.audit.render("markdown", lang)))
        pages.append((f"{names[index]}.html", render_html(row.audit, lang)))
    links = {index: quote(f"{name}.html") for index, name in names.items() if batch.rows[index].audit is not None}
    pages.append(("index.html", render_batch_html(batch, lang, links=links, signals=batch.signals(thresholds))))
    return write_folder(target, pages, what="the report")
