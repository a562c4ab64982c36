"""Audits as self-contained HTML pages, for reviewers who open a file rather than a terminal.

A page has everything inline: its CSS in a ``<style>`` element, no scripts, no external resources,
and a Content-Security-Policy that forbids both, so it opens the same from a mail attachment, a
shared folder or a browser without network. Every piece of text comes from a table a unit filled
in, so every piece passes :func:`perfscore.text.for_html` (HTML escaped, quotes included, and
control, bidirectional and zero-width characters shown as their codes) before it is written: a
cell holding ``<script>`` reads as that text and never runs.

:func:`render_html` renders one audit (the same signature as the other renderers: the audit and
``lang``); :func:`render_batch_html` renders a batch summary, with the audits inline or linked.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import CODES, SEVERITIES
from ..exact import CONTEXT, pinned, unsigned
from ..messages import check_lang, in_lang, words
from ..page import page as _page  # the one look of perfscore's pages
from ..text import for_html, plain
from .audit import TOLERANCE, Audit, shown_where
from .audit import WORDS as AUDIT_WORDS

if TYPE_CHECKING:
    from ..signals import Signals
    from .batch import BatchAudit

__all__ = ["render_batch_html", "render_html", "signed"]

#: The words of a page: an audit's report words and the page's own, in both languages.
WORDS = {
    **AUDIT_WORDS,
    **words(
        "tables.html",
        {
            "batch": ("自评表批量审核", "Audit of self-evaluation tables"), "source": ("来源", "Source"),
            "match": ("一致", "matches"), "mismatch": ("不一致", "does not match"), "number": ("序号", "#"),
            "explanation": ("计分说明", "how it was scored"), "summary": ("汇总", "Summary"), "table": ("表", "table"),
            "name": ("名称", "title"), "reported_total": ("自评总分", "reported total"),
            "recomputed_total": ("重算总分", "recomputed total"), "reported_grade": ("自评等级", "reported grade"),
            "recomputed_grade": ("重算等级", "recomputed grade"), "failed": ("未能审核", "not audited"),
            "lang": ("zh-CN", "en"), "colon": ("：", ": "),
        },
    ),
}  # fmt: skip


def _e(value: object) -> str:
    """Any value as HTML text: its text through the HTML gate (:func:`perfscore.text.for_html`)."""
    return for_html(str(value))


def _message(text: str) -> str:
    """A message of perfscore's (an error, whose every line is already one line, see
    :mod:`perfscore.errors`) as HTML: each of its lines through the gate, the lines kept (the cell
    shows them with ``white-space: pre-line``)."""
    return "\n".join(for_html(line) for line in text.split("\n"))


def _class(*names: str | None) -> str:
    """A ``class`` attribute for the names given (None and empty names left out), or nothing."""
    chosen = " ".join(name for name in names if name)
    return f' class="{_e(chosen)}"' if chosen else ""


def signed(value: Decimal) -> str:
    """A difference as summaries show it: its exact digits with a sign, +2.00, -0.5 (0.00 without one)."""
    text = format(unsigned(value), "f")
    return f"+{text}" if value > 0 else text


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except decimal.InvalidOperation:  # a value shown as ≈… is not compared
        return None


def _name(audit: Audit, lang: str) -> str:
    table = audit.table
    if not table.title:
        return table.id
    return f"{table.title}（{table.id}）" if lang == "zh" else f"{table.title} ({table.id})"


def _grade(audit: Audit, lang: str) -> str:
    return audit.grade_shown(lang)


def _claimed(difference: Decimal) -> str:
    """The class of a difference: ``bad`` (red) for a score claimed above the rules', ``under`` (blue)
    for one below, so an under-claim never looks like an over-claim."""
    return "bad" if difference > 0 else "under"


def _counts(counts: Mapping[str, int], lang: str) -> str:
    words = in_lang(WORDS, lang)
    if lang == "zh":
        return "，".join(f"{words[severity]} {counts[severity]}" for severity in SEVERITIES)
    return ", ".join(
        f"{counts[severity]} {words[severity]}{'s' if counts[severity] != 1 and severity != 'info' else ''}"
        for severity in SEVERITIES
    )


def _section(audit: Audit, lang: str, level: int, anchor: str | None = None) -> Iterator[str]:
    """One audit: its title, the totals and grades, the findings, the items recomputed."""
    words = in_lang(WORDS, lang)
    colon = words["colon"]
    h, sub = f"h{level}", f"h{level + 1}"
    ident = f' id="{_e(anchor)}"' if anchor else ""
    yield f'<section class="audit"{ident}>'
    yield f"<{h}>{_e(words['title'])}{_e(colon)}{_e(_name(audit, lang))}</{h}>"
    ruleset = audit.ruleset
    yield f'<p class="meta">{_e(words["ruleset"])}{_e(colon)}{_e(f"{ruleset.title} ({ruleset.id} {ruleset.version})")}</p>'
    if audit.table.source:
        yield f'<p class="meta">{_e(words["source"])}{_e(colon)}{_e(audit.table.source)}</p>'
    yield from _totals(audit, lang)
    yield f"<{sub}>{_e(words['findings'])}{_e(colon)}{_e(_counts(audit.counts, lang))}</{sub}>"
    yield from _findings(audit, lang)
    yield f"<{sub}>{_e(words['rows'])}</{sub}>"
    yield from _items(audit, lang)
    yield "</section>"


def _totals(audit: Audit, lang: str) -> Iterator[str]:
    words = in_lang(WORDS, lang)
    difference = audit.total_difference
    if difference is None:
        shown, status = "—", ""
    else:
        shown, status = signed(difference), _claimed(difference) if difference.copy_abs() > TOLERANCE else "good"
    reported = "—" if audit.reported_total is None else plain(audit.reported_total)
    if audit.reported_grade is None:
        agreement, grade_status = "—", ""
    elif any(finding.code == "grade" for finding in audit.findings):
        agreement, grade_status = words["mismatch"], "bad"
    else:
        agreement, grade_status = words["match"], "good"
    yield '<table class="totals">'
    yield (
        f"<thead><tr><th></th><th>{_e(words['reported'])}</th><th>{_e(words['recomputed'])}</th>"
        f"<th>{_e(words['difference'])}</th></tr></thead>"
    )
    yield "<tbody>"
    yield (
        f'<tr><th>{_e(words["total"])}</th><td class="num">{_e(reported)}</td>'
        f'<td class="num">{_e(audit.recomputed_total)}</td><td class="num {status}">{_e(shown)}</td></tr>'
    )
    yield (
        f"<tr><th>{_e(words['grade'])}</th><td>{_e(audit.reported_grade or '—')}</td>"
        f'<td>{_e(_grade(audit, lang))}</td><td class="{grade_status}">{_e(agreement)}</td></tr>'
    )
    yield "</tbody>"
    yield "</table>"


def _findings(audit: Audit, lang: str) -> Iterator[str]:
    words = in_lang(WORDS, lang)
    if not audit.findings:
        yield f'<p class="good">{_e(words["none"])}</p>'
        return
    yield '<table class="findings">'
    heads = (words["number"], words["severity"], words["where"], words["message"], words["code"])
    yield "<thead><tr>" + "".join(f"<th>{_e(head)}</th>" for head in heads) + "</tr></thead>"
    yield "<tbody>"
    for number, finding in enumerate(audit.findings, start=1):
        severity, claim = finding.severity, finding.claim
        label = words[severity] if claim is None else f"{words[severity]}·{words[claim]}"
        kind = CODES[finding.code][0 if lang == "zh" else 1]
        yield (
            f'<tr class="{_e(severity)}"><td class="num">{number}</td>'
            f'<td><span class="badge {_e(severity)}{" " + claim if claim else ""}">{_e(label)}</span></td>'
            f'<td>{_e(shown_where(finding.where, lang))}</td><td class="text">{_e(finding.message(lang))}</td>'
            f"<td>{_e(kind)}</td></tr>"
        )
    yield "</tbody>"
    yield "</table>"


def _items(audit: Audit, lang: str) -> Iterator[str]:
    words = in_lang(WORDS, lang)
    yield '<table class="items">'
    heads = ("where", "indicator", "points", "reported", "recomputed", "difference", "explanation")
    numeric = {"points", "reported", "recomputed", "difference"}
    yield (
        "<thead><tr>"
        + "".join(f"<th{_class('num' if head in numeric else None)}>{_e(words[head])}</th>" for head in heads)
        + "</tr></thead>"
    )
    yield "<tbody>"
    for row in audit.rows():
        yield _item(row, lang)
    yield "</tbody>"
    yield "</table>"


def _item(row: Mapping[str, Any], lang: str) -> str:
    reported, recomputed = _decimal(row["reported"]), _decimal(row["recomputed"])
    difference = None if reported is None or recomputed is None else CONTEXT.subtract(reported, recomputed)
    off = difference is not None and difference.copy_abs() > TOLERANCE
    shown = "" if difference is None or not off else signed(difference)
    claim = "" if difference is None or not off else " " + _claimed(difference)
    return (
        f"<tr{_class('off' if off else None)}><td>{_e(shown_where(row['where'], lang))}</td>"
        f"<td>{_e(row['indicator'])}</td>"
        f'<td class="num">{_e(row["points"])}</td><td class="num">{_e(row["reported"] or "—")}</td>'
        f'<td class="num">{_e(row["recomputed"])}</td><td class="num{claim}">{_e(shown)}</td>'
        f'<td class="text">{_e(row["explanation"][lang])}</td></tr>'
    )


@pinned
def render_html(audit: Audit, lang: str = "zh") -> str:
    """One audit as a self-contained HTML page: the title, the reported and recomputed total and
    grade, the findings coloured by severity, and every item recomputed with its explanation."""
    check_lang(lang)
    words = in_lang(WORDS, lang)
    return _page(f"{words['title']}{words['colon']}{_name(audit, lang)}", _section(audit, lang, 1), lang)


@pinned
def render_batch_html(
    batch: BatchAudit, lang: str = "zh", *, links: Mapping[int, str] | None = None, signals: Signals | None = None
) -> str:
    """A batch as one HTML page: the summary (a row per table, the reason for each that failed), the
    signals across the tables with the distributions of their self-scores as charts (``signals``, by
    default ``batch.signals()``), then every audit. With ``links`` (row index → a report's URL,
    already URL-encoded) the summary links each table to its report and the audits are not
    repeated: that is ``index.html``."""
    check_lang(lang)
    words = in_lang(WORDS, lang)
    found = batch.signals() if signals is None else signals

    def body() -> Iterator[str]:
        ruleset = batch.ruleset
        colon = words["colon"]
        yield f"<h1>{_e(words['batch'])}</h1>"
        yield f'<p class="meta">{_e(words["ruleset"])}{_e(colon)}{_e(f"{ruleset.title} ({ruleset.id} {ruleset.version})")}</p>'
        yield f"<p>{_e(batch.summary(lang))}</p>"
        yield f"<h2>{_e(words['summary'])}</h2>"
        yield from _summary(batch, lang, links)
        if batch.audited:
            yield found.render("html", lang)
        if links is None:
            for index, row in enumerate(batch.rows):
                if row.audit is not None:
                    yield from _section(row.audit, lang, 2, anchor=f"table-{index + 1}")

    return _page(words["batch"], body(), lang)


def _summary(batch: BatchAudit, lang: str, links: Mapping[int, str] | None) -> Iterator[str]:
    words = in_lang(WORDS, lang)
    heads = ("table", "name", "reported_total", "recomputed_total", "difference", "reported_grade",
             "recomputed_grade", "error", "warning", "info")  # fmt: skip
    numeric = {"reported_total", "recomputed_total", "difference", "error", "warning", "info"}
    yield '<table class="summary">'
    yield (
        "<thead><tr>"
        + "".join(f"<th{_class('num' if head in numeric else None)}>{_e(words[head])}</th>" for head in heads)
        + "</tr></thead>"
    )
    yield "<tbody>"
    for index, row in enumerate(batch.rows):
        audit = row.audit
        if audit is None:
            yield (
                f'<tr class="error"><td>{_e(row.label)}</td><td>{_e(row.title or "")}</td>'
                f'<td colspan="8" class="text"><span class="badge error">{_e(words["failed"])}</span> '
                f"{_message(row.message or '')}</td></tr>"
            )
            continue
        href = f"#table-{index + 1}" if links is None else links.get(index)
        label = _e(row.label) if href is None else f'<a href="{_e(href)}">{_e(row.label)}</a>'
        difference = audit.total_difference
        off = difference is not None and difference.copy_abs() > TOLERANCE
        counts = audit.counts
        worst = next((severity for severity in SEVERITIES if counts[severity]), None)
        yield (
            f"<tr{_class(worst if worst in ('error', 'warning') else None)}>"
            f"<td>{label}</td><td>{_e(row.title or '')}</td>"
            f'<td class="num">{_e("—" if audit.reported_total is None else plain(audit.reported_total))}</td>'
            f'<td class="num">{_e(audit.recomputed_total)}</td>'
            f'<td class="num{" bad" if off else ""}">{_e("—" if difference is None else signed(difference))}</td>'
            f"<td>{_e(audit.reported_grade or '—')}</td><td>{_e(_grade(audit, lang))}</td>"
            + "".join(f'<td class="num">{counts[severity]}</td>' for severity in SEVERITIES)
            + "</tr>"
        )
    yield "</tbody>"
    yield "</table>"
