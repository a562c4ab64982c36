"""Renderers: a result (or a ruleset) as text, Markdown or JSON. One signature each:
``render_<format>(thing, lang) -> str``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from .exact import pinned
from .messages import in_lang, words
from .result import BatchResult, NodeResult, ScoreResult, UnitError
from .ruleset import Ruleset
from .text import columns, markdown_cell, pad, plain

WORDS = words(
    "report",
    {
        "unit": ("单位", "Unit"),
        "total": ("总分", "Total"),
        "grade": ("等级", "Grade"),
        "indicator": ("指标", "Indicator"),
        "points": ("分值", "Points"),
        "score": ("得分", "Score"),
        "lost": ("扣分", "Lost"),
        "deductions": ("扣分说明（按扣分多少排序）", "Deductions (largest first)"),
        "none": ("无扣分。", "No points lost."),
        "notes": ("提示（未扣分，需说明原因）", "Notes (no points lost; an explanation is needed)"),
        "sources": ("依据", "Sources"),
        "assumptions": ("假设", "Assumptions"),
        "inputs": ("输入数据", "Inputs"),
        "derived": ("计算值", "Derived values"),
        "rounding": ("计分规则", "Rounding"),
        "grades": ("等级划分", "Grades"),
        "tree": ("指标体系", "Indicators"),
        "summary": ("汇总", "Summary"),
        "error": ("错误", "error"),
    },
)  # fmt: skip


def _grade(result: ScoreResult, lang: str) -> str:
    return result.grade.name if lang == "zh" else result.grade.name_en


def _title(ruleset: Ruleset, lang: str) -> str:
    title = ruleset.meta.title_en if lang == "en" and ruleset.meta.title_en else ruleset.title
    return f"{title} ({ruleset.id} {ruleset.version})"


def _rows(result: ScoreResult, lang: str) -> Iterator[tuple[int, NodeResult]]:
    for root in result.tree:
        for node in root.walk():
            yield node.indicator.depth - 1, node


@pinned
def render_text(result: ScoreResult, lang: str = "zh") -> str:
    """An itemized table for a terminal: total, grade, subtotals, each deduction explained."""
    words = in_lang(WORDS, lang)
    lines = [_title(result.ruleset, lang)]
    if result.unit:
        lines.append(f"{words['unit']}: {result.unit}")
    lines.append(
        f"{words['total']}: {result.total} / {plain(result.points)}    {words['grade']}: {_grade(result, lang)}"
    )
    rows = [(("  " * depth) + node.indicator.label(lang), plain(node.points), str(node.score),
             str(node.lost) if node.lost else "") for depth, node in _rows(result, lang)]  # fmt: skip
    head = (words["indicator"], words["points"], words["score"], words["lost"])
    first = max(columns(row[0]) for row in [head, *rows]) + 2
    lines.append("")
    for row in [head, *rows]:
        lines.append(pad(row[0], first) + "".join(pad(cell, 8, right=True) for cell in row[1:]).rstrip())
    lines += ["", words["deductions"]]
    deductions = result.deductions
    lines += [f"  {n}. −{item.lost}  {item.explain(lang)}" for n, item in enumerate(deductions, 1)] or [
        f"  {words['none']}"
    ]
    notes = [item.explain(lang) for item in result.notes] + result.fallback_notes(lang)
    if notes:
        lines += ["", words["notes"], *(f"  - {note}" for note in notes)]
    return "\n".join(lines) + "\n"


@pinned
def render_markdown(result: ScoreResult, lang: str = "zh") -> str:
    """The same report as Markdown: a heading, a table of the tree, and the deductions."""
    words = in_lang(WORDS, lang)
    lines = [f"# {markdown_cell(_title(result.ruleset, lang))}", ""]
    if result.unit:
        lines.append(f"- {words['unit']}: {markdown_cell(result.unit)}")
    lines += [f"- **{words['total']}: {result.total}** / {plain(result.points)}",
              f"- {words['grade']}: {_grade(result, lang)}", ""]  # fmt: skip
    lines += [
        f"| {words['indicator']} | {words['points']} | {words['score']} | {words['lost']} |",
        "|---|---:|---:|---:|",
    ]
    for depth, node in _rows(result, lang):
        name = markdown_cell(node.indicator.label(lang))
        name = f"**{name}**" if depth == 0 else "\u2003" * depth + name
        lines.append(f"| {name} | {plain(node.points)} | {node.score} | {node.lost if node.lost else ''} |")
    lines += ["", f"## {words['deductions']}", ""]
    deductions = result.deductions
    lines += [f"{n}. **−{item.lost}** {markdown_cell(item.explain(lang))}" for n, item in enumerate(deductions, 1)] or [
        words["none"]
    ]
    notes = [item.explain(lang) for item in result.notes] + result.fallback_notes(lang)
    if notes:
        lines += ["", f"## {words['notes']}", "", *(f"- {markdown_cell(note)}" for note in notes)]
    return "\n".join(lines) + "\n"


def render_json(result: ScoreResult, lang: str = "zh") -> str:
    """Everything in the result; decimals as strings. Explanations come in both languages."""
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[ScoreResult, str], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}


@pinned
def render_batch(batch: BatchResult, fmt: str, lang: str = "zh") -> str:
    """Many units: each unit's report, then a summary line per unit and the failures."""
    if fmt == "json":
        return json.dumps(batch.to_dict(), ensure_ascii=False, indent=2) + "\n"
    words = in_lang(WORDS, lang)
    parts = [RENDERERS[fmt](outcome, lang) for outcome in batch.outcomes if isinstance(outcome, ScoreResult)]
    lines = [f"{'## ' if fmt == 'markdown' else ''}{words['summary']}", ""]
    for outcome in batch.outcomes:
        if isinstance(outcome, UnitError):
            lines.append(f"- {outcome.label}: {words['error']}: {outcome.error}")
        else:
            lines.append(f"- {outcome.unit}: {outcome.total} {_grade(outcome, lang)}")
    lines += ["", batch.summary()]
    return "\n".join([*parts, "\n".join(lines) + "\n"])


# --- a ruleset in words -----------------------------------------------------------------------


@pinned
def explain_ruleset(ruleset: Ruleset, lang: str = "zh") -> str:
    """The rule tree in words: what each indicator measures, its points and how it is scored."""
    words = in_lang(WORDS, lang)
    meta = ruleset.meta
    lines = [_title(ruleset, lang), ""]
    lines += [f"{words['sources']}:"] + [f"  - {source}" for source in meta.sources]
    if meta.assumptions:
        lines += [f"{words['assumptions']}:"] + [f"  - {text}" for text in meta.assumptions]
    rounding = meta.rounding
    lines += ["", f"{words['rounding']}: {rounding.mode}, {rounding.places} "
              + ("位小数，" if lang == "zh" else "places, ")
              + (("逐项四舍五入后加总" if rounding.stage == "leaf" else "加总后取整") if lang == "zh"
                 else ("each indicator rounded, then summed" if rounding.stage == "leaf" else "rounded once at the end"))]  # fmt: skip
    lines.append(
        f"{words['grades']}: "
        + ", ".join(f"{g.name if lang == 'zh' else g.name_en} ≥ {plain(g.min)}" for g in meta.grades)
    )
    lines += ["", f"{words['inputs']}:"]
    for name, spec in ruleset.inputs.items():
        label = spec.label_en if lang == "en" and spec.label_en else spec.label
        lines.append(f"  {name} ({spec.type}{', ' + spec.unit if spec.unit else ''}): {label}")
    if ruleset.derived:
        lines += [f"{words['derived']}:"] + [f"  {d.name} = {d.expression.text}" for d in ruleset.derived]
    lines += ["", f"{words['tree']} ({words['points']} {plain(meta.total)}):"]
    for root in ruleset.roots:
        for node in root.walk():
            indent = "  " * node.depth
            lines.append(f"{indent}{node.label(lang)} [{node.id}] — {plain(node.points)}")
            description = node.spec.description_en if lang == "en" else node.spec.description
            if description:
                lines.append(f"{indent}    {description}")
            if node.method is not None:
                lines.append(f"{indent}    {node.method.describe(node, lang)}")
    return "\n".join(lines) + "\n"
