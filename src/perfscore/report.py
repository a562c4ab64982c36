"""Renderers: a result (or a ruleset) as text, Markdown or JSON. One signature each:
``render_<format>(thing, lang) -> str``.

Text from the ruleset or the data (titles, unit ids, names, labels, descriptions, formulas,
explanations) passes the gate of the format (:mod:`perfscore.text`): every line of a text or
Markdown report passes :func:`~perfscore.text.for_terminal`, and each piece of a Markdown line that
came from a file passes :func:`~perfscore.text.for_markdown` too. JSON holds the exact text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .exact import pinned
from .grouprules import GroupRule
from .messages import LANGS, in_lang, words
from .model import Group, InputSpec
from .result import BatchResult, NodeResult, ScoreResult, UnitError
from .ruleset import Indicator, Ruleset
from .shipped import ShippedRuleset
from .text import columns, for_markdown, for_terminal, json_text, pad, plain, plain_data

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
        "places": ("位小数", "places"),
        "stage-leaf": ("逐项四舍五入后加总", "each indicator rounded, then summed"),
        "stage-total": ("加总后取整", "rounded once at the end"),
        "id": ("id", "id"),
        "version": ("版本", "version"),
        "title": ("名称", "title"),
        "shipped-use": ("在需要规则文件（RULESET）的地方都可以写 id，例如：perfscore explain {id}",
                        "Use an id wherever a RULESET file is expected, e.g. perfscore explain {id}"),
        "shipped-where": ("文件位置：{folder}", "Installed in: {folder}"),
        "shipped-none": ("本次安装没有内置规则。", "This installation has no shipped rulesets."),
        "adjustments": ("指标组和总分上的规则（按执行顺序）", "Rules on groups and the total (in the order applied)"),
        "rules": ("规则", "Rules"),
        "total-rules": ("总分上的规则（各指标组的规则之后执行）", "Rules on the total (after the groups' own)"),
    },
)  # fmt: skip


def _rounding(ruleset: Ruleset, lang: str) -> str:
    """How the ruleset rounds, in words: ``half-up, 2 位小数，逐项四舍五入后加总``."""
    rounding = ruleset.meta.rounding
    comma = "，" if lang == "zh" else ", "
    return f"{rounding.mode}, {rounding.places} {WORDS['places'](lang)}{comma}{WORDS['stage-' + rounding.stage](lang)}"


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
    rows = [(("  " * depth) + for_terminal(node.indicator.label(lang)), plain(node.points), str(node.score),
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
    if result.adjustments:
        lines += ["", words["adjustments"]]
        lines += [
            f"  {n}. {_change(item.change)}  {item.explain(lang)}" for n, item in enumerate(result.adjustments, 1)
        ]
    notes = [item.explain(lang) for item in result.notes] + result.fallback_notes(lang)
    if notes:
        lines += ["", words["notes"], *(f"  - {note}" for note in notes)]
    return _text(lines)


def _change(change: Any) -> str:
    """Points a rule added (+2.00) or took off (−8.43); ±0 for a veto that held only the grade."""
    return f"+{change}" if change > 0 else f"−{-change}" if change < 0 else "±0"


def _text(lines: Sequence[str]) -> str:
    """Lines of a report, each passed through the terminal gate, so each stays one line (a Markdown
    line's own syntax has no hidden character: the gate leaves it as it is)."""
    return "\n".join(map(for_terminal, lines)) + "\n"


@pinned
def render_markdown(result: ScoreResult, lang: str = "zh") -> str:
    """The same report as Markdown: a heading, a table of the tree, and the deductions."""
    words = in_lang(WORDS, lang)
    lines = [f"# {for_markdown(_title(result.ruleset, lang))}", ""]
    if result.unit:
        lines.append(f"- {words['unit']}: {for_markdown(result.unit)}")
    lines += [f"- **{words['total']}: {result.total}** / {plain(result.points)}",
              f"- {words['grade']}: {for_markdown(_grade(result, lang))}", ""]  # fmt: skip
    lines += [
        f"| {words['indicator']} | {words['points']} | {words['score']} | {words['lost']} |",
        "|---|---:|---:|---:|",
    ]
    for depth, node in _rows(result, lang):
        name = for_markdown(node.indicator.label(lang))
        name = f"**{name}**" if depth == 0 else "\u2003" * depth + name
        lines.append(f"| {name} | {plain(node.points)} | {node.score} | {node.lost if node.lost else ''} |")
    lines += ["", f"## {words['deductions']}", ""]
    deductions = result.deductions
    lines += [f"{n}. **−{item.lost}** {for_markdown(item.explain(lang))}" for n, item in enumerate(deductions, 1)] or [
        words["none"]
    ]
    if result.adjustments:
        lines += ["", f"## {words['adjustments']}", ""]
        lines += [
            f"{n}. **{_change(item.change)}** {for_markdown(item.explain(lang))}"
            for n, item in enumerate(result.adjustments, 1)
        ]
    notes = [item.explain(lang) for item in result.notes] + result.fallback_notes(lang)
    if notes:
        lines += ["", f"## {words['notes']}", "", *(f"- {for_markdown(note)}" for note in notes)]
    return _text(lines)


def render_json(result: ScoreResult, lang: str = "zh") -> str:
    """Everything in the result; decimals as strings. Explanations come in both languages."""
    return json_text(result.to_dict(), 2) + "\n"


RENDERERS: dict[str, Callable[[ScoreResult, str], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}


@pinned
def render_batch(batch: BatchResult, fmt: str, lang: str = "zh") -> str:
    """Many units: each unit's report, then a summary line per unit and the failures."""
    if fmt == "json":
        return json_text(batch.to_dict(), 2) + "\n"
    parts = [RENDERERS[fmt](outcome, lang) for outcome in batch.outcomes if isinstance(outcome, ScoreResult)]
    lines = [line for outcome in batch.outcomes for line in summary_lines(outcome, fmt, lang)]
    return "\n".join([*parts, summary_text(lines, batch.summary(lang), fmt, lang)])


def summary_lines(outcome: ScoreResult | UnitError, fmt: str, lang: str) -> list[str]:
    """A unit's lines in the summary of a batch report: its total and grade, or its error."""
    gate = for_markdown if fmt == "markdown" else for_terminal
    if isinstance(outcome, UnitError):
        # an error's own lines (its text is gated for the terminal line by line, see perfscore.errors)
        head, *rest = outcome.error.render(lang).split("\n")
        lines = [f"- {gate(outcome.label)}: {WORDS['error'](lang)}: {gate(head)}"]
        return lines + [f"  - {gate(line.strip())}" if fmt == "markdown" else line for line in rest]
    return [f"- {gate(outcome.unit or '')}: {outcome.total} {gate(_grade(outcome, lang))}"]


def summary_text(lines: Sequence[str], summary: str, fmt: str, lang: str) -> str:
    """The summary section that ends a batch report: its heading, every unit's lines, the counts."""
    heading = f"{'## ' if fmt == 'markdown' else ''}{WORDS['summary'](lang)}"
    return _text([heading, "", *lines, "", summary])


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
    lines += ["", f"{words['rounding']}: {_rounding(ruleset, lang)}"]
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
            if description:  # on one line: a paragraph break shows as \u000a
                lines.append(f"{indent}    {description}")
            if node.method is not None:
                lines.append(f"{indent}    {node.method.describe(node, lang)}")
            for rule in ruleset.group_rules.get(node.id, ()):
                lines.append(f"{indent}    {words['rules']}{'：' if lang == 'zh' else ': '}{_rule_words(rule, lang)}")
    total_rules = ruleset.group_rules.get("", ())
    if total_rules:
        lines += ["", f"{words['total-rules']}:"]
        lines += [f"  - {_rule_words(rule, lang)}" for rule in total_rules]
    return _text(lines)


def _rule_words(rule: GroupRule, lang: str) -> str:
    """A rule in one line: its kind, what it does, and its reason when it gives one."""
    said = f"{rule.kind.title(lang)}（{rule.kind.describe(rule, lang)}）" if lang == "zh" else (
        f"{rule.kind.title(lang)} ({rule.kind.describe(rule, lang)})")  # fmt: skip
    reason = rule.reason(lang)
    return (f"{said}{'：' if lang == 'zh' else ': '}{reason}") if reason else said


def _rules_data(ruleset: Ruleset, node_id: str) -> list[dict[str, Any]]:
    """A node's rules as plain data, in the order they apply."""
    return [
        {
            "id": rule.id,
            "kind": rule.kind.name,
            "kind_title": {"zh": rule.kind.title.zh, "en": rule.kind.title.en},
            "when": rule.when.text,
            "describe": _both(lambda lang, rule=rule: rule.kind.describe(rule, lang)),  # type: ignore[misc]
            "params": rule.spec.model_dump(exclude_none=True, exclude={"kind", "when"}),
        }
        for rule in ruleset.group_rules.get(node_id, ())
    ]


@pinned
def explain_data(ruleset: Ruleset) -> dict[str, Any]:
    """The rule tree as plain data (what ``perfscore explain --format json`` writes): the ruleset's
    identity, sources, assumptions, rounding, grades, inputs, derived values, the rating scales it
    declares or uses and the indicator tree, each node with its id, names, points and, for a leaf, its method, the sentence
    saying how it is scored in Chinese and English and its parameters (defaults included). Decimals
    are text, exactly; descriptions and titles in both languages where the ruleset gives them."""
    meta = ruleset.meta
    used = {spec.scale for spec in ruleset.inputs.values() if spec.type == "rating"}
    data = {
        "id": meta.id,
        "title": meta.title,
        "title_en": meta.title_en,
        "version": meta.version,
        "description": meta.description,
        "description_en": meta.description_en,
        "file": ruleset.source,
        "total": meta.total,
        "sources": meta.sources,
        "assumptions": meta.assumptions,
        "rounding": {**meta.rounding.model_dump(), "describe": _both(lambda lang: _rounding(ruleset, lang))},
        "missing": meta.missing,
        "grades": [grade.model_dump() for grade in meta.grades],
        "inputs": [_input(name, spec) for name, spec in ruleset.inputs.items()],
        "derived": [
            {"name": item.name, **item.spec.model_dump(exclude_none=True), "formula": item.expression.text}
            for item in ruleset.derived
        ],
        "scales": {
            name: [tier.model_dump(exclude_none=True) for tier in scale.tiers]
            for name, scale in ruleset.scales.items()
            if name in used or name != "default"
        },
        "indicators": [_node(root) for root in ruleset.roots],
    }
    if ruleset.group_rules:  # each group's rules with the group, the total's at the top
        data["rules"] = _rules_data(ruleset, "")
        tree: list[dict[str, Any]] = data["indicators"]  # type: ignore[assignment]
        for node in (node for item in tree for node in _walk(item)):
            if node["method"] is None:
                node["rules"] = _rules_data(ruleset, node["id"])
    plain: dict[str, Any] = plain_data(data)
    return plain


def explain_json(ruleset: Ruleset, lang: str = "zh") -> str:
    """:func:`explain_data` as JSON (both languages are in it; ``lang`` is for the one signature)."""
    return json.dumps(explain_data(ruleset), ensure_ascii=False, indent=2) + "\n"


# What every node shows of itself; a leaf's other keys are its parameters.
_NODE_KEYS = frozenset(Group.model_fields) | {"method"}


def _input(name: str, spec: InputSpec) -> dict[str, Any]:
    shown = spec.model_dump(exclude_none=True, exclude=set() if spec.type == "rating" else {"scale"})
    return {"name": name, **shown}


def _node(node: Indicator) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": node.id,
        "key": node.key,
        "name": node.name,
        "name_en": node.name_en,
        "points": node.points,
        "description": node.spec.description,
        "description_en": node.spec.description_en,
        "method": None if node.method is None else node.method.name,
    }
    method = node.method
    if method is None:
        data["children"] = [_node(child) for child in node.children]
        return data
    data["method_title"] = {"zh": method.title.zh, "en": method.title.en}
    data["describe"] = _both(lambda lang: method.describe(node, lang))
    data["reads"] = list(node.reads)
    data["params"] = node.spec.model_dump(exclude_none=True, exclude=set(_NODE_KEYS))
    return data


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("children", ()):
        yield from _walk(child)


def _both(say: Callable[[str], str]) -> dict[str, str]:
    return {lang: say(lang) for lang in LANGS}


@pinned
def render_shipped(entries: Sequence[ShippedRuleset], fmt: str = "text", lang: str = "zh") -> str:
    """The rulesets shipped with perfscore: id, version and title, and how to use an id."""
    if fmt == "json":
        rows = [{"id": e.id, "title": e.title, "title_en": e.title_en, "version": e.version, "file": str(e.file)}
                for e in entries]  # fmt: skip
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    words = in_lang(WORDS, lang)
    if not entries:
        return words["shipped-none"] + "\n"
    table = [(words["id"], words["version"], words["title"])] + [
        (for_terminal(e.id), for_terminal(e.version), e.label(lang)) for e in entries
    ]
    widths = [max(columns(row[index]) for row in table) + 2 for index in range(2)]
    lines = [(pad(row[0], widths[0]) + pad(row[1], widths[1]) + row[2]).rstrip() for row in table]
    folders = sorted({str(e.file.parent) for e in entries})
    lines += [
        "",
        words["shipped-use"].format(id=entries[0].id),
        words["shipped-where"].format(folder=", ".join(folders)),
    ]
    return _text(lines)
