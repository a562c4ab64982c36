"""Self-evaluation tables (自评表): read them, score them under a ruleset, audit them, one or many.

A table is what units actually exchange: rows of 一级/二级/三级指标 with the target and the actual
written as text (「≥50个」, 「96.8%」, 「效果明显」), the points and the unit's own score, plus the
budget block. :mod:`.targets` reads those texts, :mod:`.read` reads tables from files,
:mod:`.score` builds the table's own ruleset under a bureau's policy and scores it,
:mod:`.audit` compares the unit's scores with the recomputed ones, :mod:`.batch` audits many
tables in one run and writes the summary and report files, and :mod:`.html` renders audits as
self-contained HTML pages.
"""

from .audit import Audit, Finding, audit_table
from .batch import (
    BatchAudit,
    BatchProgress,
    BatchRow,
    OutputError,
    ProgressBar,
    audit_batch,
    read_mapping,
    render_audit,
    write_reports,
    write_summary_csv,
    write_summary_xlsx,
)
from .html import render_batch_html, render_html
from .model import BudgetBlock, Cell, IndicatorRow, Table
from .read import read_parts, read_tables, table_files
from .score import TableScore, score_table
from .targets import Measure, TextError, parse_actual, parse_target

__all__ = [
    "Audit",
    "BatchAudit",
    "BatchProgress",
    "BatchRow",
    "BudgetBlock",
    "Cell",
    "Finding",
    "IndicatorRow",
    "Measure",
    "OutputError",
    "ProgressBar",
    "Table",
    "TableScore",
    "TextError",
    "audit_batch",
    "audit_table",
    "parse_actual",
    "parse_target",
    "read_mapping",
    "read_parts",
    "read_tables",
    "render_audit",
    "render_batch_html",
    "render_html",
    "score_table",
    "table_files",
    "write_reports",
    "write_summary_csv",
    "write_summary_xlsx",
]
