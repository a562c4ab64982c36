"""The one look of perfscore's HTML pages: the page skeleton and its stylesheet, shared by the audit
pages (:mod:`perfscore.tables.html`), the score reports (:mod:`perfscore.scorepage`) and the
comparison of two ruleset versions (:mod:`perfscore.diff`).

A page has everything inline: its CSS in a ``<style>`` element, charts as inline SVG, no scripts,
no external resources, and a Content-Security-Policy that forbids both, so it opens the same from a
mail attachment, a shared folder or a browser without network. It prints on A4 (``@page``): tables
and charts keep to the page's width, a row or a chart is never split across pages, a table's head
is repeated on each page.

:func:`page` is the skeleton; :func:`e` passes any value through the HTML gate
(:func:`perfscore.text.for_html`), which every piece of text from a file goes through.
"""

from __future__ import annotations

from collections.abc import Iterable

from .messages import words
from .text import for_html

__all__ = ["STYLE", "WORDS", "e", "page"]

WORDS = words("page", {"lang": ("zh-CN", "en")})

STYLE = """\
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", system-ui,
  sans-serif; color: #1f2937; line-height: 1.6; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.25rem; margin-top: 2.5rem; }
h3 { font-size: 1.1rem; margin-top: 1.5rem; }
section.audit + section.audit { border-top: 2px solid #d0d5dd; margin-top: 2.5rem; }
section.unit { border-top: 2px solid #d0d5dd; margin-top: 2.5rem; }
p.meta { color: #475467; margin: .25rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
table.totals { width: auto; }
th, td { border: 1px solid #d0d5dd; padding: .35rem .6rem; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
thead th { background: #f2f4f7; white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.bad { color: #b42318; font-weight: 600; }
.under { color: #175cd3; font-weight: 600; }
.good { color: #067647; }
.text { white-space: pre-line; }
code { font-size: .85rem; color: #475467; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: .75rem; font-size: .85rem; white-space: nowrap;
  color: #fff; }
.badge.error { background: #b42318; }
.badge.warning { background: #b54708; }
.badge.info { background: #175cd3; }
.badge.under { background: #0e7090; }
tr.error td { background: #fef3f2; }
tr.warning td { background: #fffaeb; }
tr.info td { background: #eff8ff; }
tr.off td { background: #fffaeb; }
tr.group td { background: #f9fafb; font-weight: 600; }
td.indent1 { padding-left: 1.6rem; }
td.indent2 { padding-left: 2.8rem; }
td.indent3 { padding-left: 4rem; }
.cards { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1rem 0; }
.card { border: 1px solid #d0d5dd; border-radius: .5rem; padding: .5rem 1rem; min-width: 8rem; }
.card .big { font-size: 1.6rem; font-weight: 600; }
.card .small { color: #475467; font-size: .85rem; }
figure.chart { margin: 1rem 0; }
figure.chart svg { display: block; width: 100%; max-width: 46rem; height: auto; }
figure.chart figcaption { color: #475467; font-size: .9rem; }
ul.plain { padding-left: 1.2rem; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h2 { margin-top: 1.5rem; }
  tr, figure.chart, .card { break-inside: avoid; }
  section.unit { break-before: page; }
  thead { display: table-header-group; }
  h2, h3 { break-after: avoid; }
}
"""


def e(value: object) -> str:
    """Any value as HTML text: its text through the HTML gate (:func:`perfscore.text.for_html`)."""
    return for_html(str(value))


def page(title: str, body: Iterable[str], lang: str) -> str:
    """A whole page: the skeleton (language, charset, the policy forbidding scripts and loads, the
    stylesheet) around the lines of ``body``; ``title`` is text (it passes the HTML gate here)."""
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{WORDS["lang"](lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{e(title)}</title>",
        f"<style>\n{STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    return "\n".join([*head, *body, "</main>", "</body>", "</html>"]) + "\n"
