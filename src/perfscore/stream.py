"""Batch reports written unit by unit: memory stays that of one unit, whatever the number of units.

:func:`write_batch` scores units one at a time (:meth:`perfscore.Ruleset.iter_scores`, or worker
processes with ``workers=N``) and writes each unit's report as soon as it is scored; nothing is held
but one short summary line per unit (text and Markdown, whose summary ends the report) and the
units that failed. With units read line by line from a JSON Lines file
(:func:`perfscore.units.iter_units`), a run of a million units needs the memory of one.

Formats: ``jsonl`` (JSON Lines: one unit's ``to_dict()`` a line, a failed unit's error record
likewise), ``json`` (one document, ``{"ruleset", "units", "summary"}``, written as it goes),
``text`` and ``markdown`` (each unit's report, then the summary), exactly what
:func:`perfscore.report.render_batch` gives for the same units.

A file is written through :func:`perfscore.files.replacing` (a temporary file renamed into place
when complete), so an interrupted run leaves no half-written report: :func:`write_batch_file`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from .files import replacing
from .report import RENDERERS, summary_lines, summary_text
from .result import ScoreResult, UnitError, summarize
from .ruleset import Ruleset
from .text import json_text
from .units import Unit

FORMATS = ("jsonl", "json", "text", "markdown")


def write_batch(
    ruleset: Ruleset,
    units: Iterable[Unit | Any],
    out: TextIO,
    fmt: str = "jsonl",
    lang: str = "zh",
    *,
    workers: int | None = None,
) -> list[UnitError]:
    """Score ``units`` and write each one's report to ``out`` as it is scored; returns the units that
    failed (their error records are part of the report too)."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
    failed: list[UnitError] = []
    count = 0
    lines: list[str] = []
    if fmt == "json":
        head = {"ruleset": {"id": ruleset.id, "version": ruleset.version}}
        out.write(json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "units": [')
    render = partial(render_unit, fmt, lang)
    for _unit, outcome, report in ruleset.iter_reports(units, render, workers=workers):
        if isinstance(outcome, UnitError):
            failed.append(outcome)
            report = render_unit(fmt, lang, outcome)
        elif report is None:  # (scored here, but not by the worker: cannot happen, but never lose a unit)
            report = render_unit(fmt, lang, outcome)
        if fmt == "json":
            out.write(("\n    " if count == 0 else ",\n    ") + report)
        else:
            out.write(report)
        if fmt in ("text", "markdown"):
            lines += summary_lines(outcome, fmt, lang)
        count += 1
    if fmt == "json":
        out.write(("\n  " if count else "") + '],\n  "summary": ' + json.dumps(summarize(count, failed)) + "\n}\n")
    elif fmt in ("text", "markdown"):
        out.write(summary_text(lines, summarize(count, failed, lang), fmt, lang))
    return failed


def render_unit(fmt: str, lang: str, outcome: ScoreResult | UnitError) -> str:
    """One unit's part of a batch report in ``fmt``: a JSON line, an indented JSON object (for the
    ``units`` array), or its text or Markdown report ("" for a failed unit: its error is in the
    summary). Made in a worker process with ``workers=N``."""
    if fmt == "jsonl":
        return json_text(outcome.to_dict()) + "\n"
    if fmt == "json":
        return json_text(outcome.to_dict(), 2, margin="    ")
    if isinstance(outcome, UnitError):
        return ""
    return RENDERERS[fmt](outcome, lang) + "\n"


def write_batch_file(
    ruleset: Ruleset,
    units: Iterable[Unit | Any],
    path: str | Path,
    fmt: str = "jsonl",
    lang: str = "zh",
    *,
    workers: int | None = None,
) -> list[UnitError]:
    """:func:`write_batch` into the file ``path``, which appears complete when the run ends (the old
    file, if any, is kept until then; an interrupted run leaves it as it was)."""
    with replacing(path, encoding="utf-8", what="the report") as out:
        return write_batch(ruleset, units, out, fmt, lang, workers=workers)
