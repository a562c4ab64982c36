"""Reports of :mod:`perfscore.tuning`: a sensitivity analysis (text, Markdown, JSON, HTML with a
chart of the intervals) and the "what it takes" section of one unit's score report.

Every text that comes from a ruleset or a data file (indicator names, unit ids, tier names) passes
the output's gate (:func:`perfscore.text.for_terminal`, ``for_markdown``, ``for_html``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .charts import Span, spans
from .exact import CONTEXT, pinned
from .messages import Text, check_lang, words
from .page import e, page
from .reach import Reach, WhatItTakes
from .text import for_markdown, for_terminal, plain
from .tuning import End, Move, ParameterSensitivity, Sensitivity, exact_text

__all__ = ["FORMATS", "reach_html", "reach_lines", "render_sensitivity"]

WORDS = words(
    "tuningreport",
    {
        "title": ("敏感性分析", "Sensitivity"),
        "head": ("{title}（{id} 版本 {version}）", "{title} ({id} version {version})"),
        "units": ("单位 {units} 个：已分析 {scored} 个，无法计分 {failed} 个",
                  "{units} units: {scored} analysed, {failed} could not be scored"),
        "order": ("参数按脆弱程度排列：越靠前，越小的改动就会改变越多单位的等级。",
                  "Parameters, the most fragile first: the smallest change moving the most units' grades."),
        "current": ("当前 {value}；不改变任何单位等级的区间：{interval}",
                    "now {value}; no unit changes grade within {interval}"),
        "low": ("下端", "low end"),
        "high": ("上端", "high end"),
        "included": ("（含）", " (included)"),
        "excluded": ("（不含）", " (excluded)"),
        "moves": ("{side} {at}{inclusive}：取 {past} 时 {count} 个单位改变等级",
                  "{side} {at}{inclusive}: at {past}, {count} units change grade"),
        "move-one": ("{side} {at}{inclusive}：取 {past} 时 {count} 个单位改变等级",
                     "{side} {at}{inclusive}: at {past}, {count} unit changes grade"),
        "limit": ("{side} {at}{inclusive}：参数可取的界限，到此没有单位改变等级",
                  "{side} {at}{inclusive}: the parameter's own bound; no unit changes grade up to it"),
        "unbounded": ("{side}：无界，没有单位改变等级", "{side}: unbounded; no unit changes grade"),
        "no-past": ("{side} {at}{inclusive}：再往外参数不能取值", "{side} {at}{inclusive}: the parameter can go no further"),
        "move": ("{unit}：{before} {total_before} → {after}", "{unit}: {before} {total_before} → {after}"),
        "fails": ("无法计分（数据不再符合规则）", "cannot be scored (the data no longer fits)"),
        "verified": ("两端均已用引擎重新计分核对", "both ends checked by scoring again with the engine"),
        "errors": ("无法计分的单位（未参与分析）：", "Units that could not be scored (left out):"),
        "refused": ("未能分析的参数：", "Parameters that could not be analysed:"),
        "none": ("没有可调的参数", "no tunable parameters"),
        "col-rank": ("序号", "#"),
        "col-parameter": ("参数", "parameter"),
        "col-value": ("当前值", "now"),
        "col-interval": ("不改变等级的区间", "interval keeping every grade"),
        "col-margin": ("最小的改动", "smallest change"),
        "col-moved": ("改变等级的单位数", "units moved"),
        "chart": ("各参数不改变任何单位等级的区间（竖线为当前值；实心点含端点，空心点不含）",
                  "Each parameter's interval keeping every grade (the tick: its value now; a filled dot: end included, "
                  "hollow: excluded)"),
        "details": ("各端点之外改变等级的单位", "Units changing grade past each end"),
        "reach-title": ("要达到{goal}，单项需要的最小改变（其他各项不变）",
                        "What it takes to reach {goal}, one input at a time (the others as they are)"),
        "reach-grade": ("「{grade}」", "“{grade}”"),
        "reach-total": ("总分 {total}", "a total of {total}"),
        "reached": ("已达到{goal}。", "{goal} is already reached."),
        "reach-line": ("{label}（{name}）：{current} → {value}（{change}），总分 {total}（{grade}）；{short} 时总分 {short_total}",
                       "{label} ({name}): {current} → {value} ({change}), total {total} ({grade}); at {short} the total is {short_total}"),
        "reach-switch": ("{label}（{name}）：{current} → {value}，总分 {total}（{grade}）",
                         "{label} ({name}): {current} → {value}, total {total} ({grade})"),
        "reach-none": ("{label}（{name}）：{why}", "{label} ({name}): {why}"),
        "reach-step": ("按 {step} 为单位", "in steps of {step}"),
        "col-input": ("输入", "input"),
        "col-now": ("现值", "now"),
        "col-needed": ("需要", "needed"),
        "col-change": ("改变", "change"),
        "col-total": ("总分（等级）", "total (grade)"),
        "col-short": ("差一步时", "one step short"),
        "yes": ("是", "yes"),
        "no": ("否", "no"),
    },
)  # fmt: skip

FORMATS = ("text", "markdown", "json", "html")


def _fixed(value: Decimal) -> str:
    """A value as written at its step (``2.60``, a total ``90.00``)."""
    return f"{value:f}"


def _grade_name(grade: Any, lang: str) -> str:
    return str(grade.name_en if lang == "en" else grade.name)


def _label(text: Text, lang: str) -> str:
    return text(lang)


def _end_line(found: ParameterSensitivity, end: End, side: str, lang: str, gate: Callable[[str], str]) -> list[str]:
    p = found.parameter
    said = WORDS[side](lang)
    if end.change is None:
        return [WORDS["unbounded"].format(side=said)(lang)]
    at = exact_text(p.at(end.change))
    inclusive = WORDS["included" if end.included else "excluded"](lang)
    if end.limit:
        return [WORDS["limit"].format(side=said, at=at, inclusive=inclusive)(lang)]
    if end.past is None:
        return [WORDS["no-past"].format(side=said, at=at, inclusive=inclusive)(lang)]
    key = "move-one" if len(end.moves) == 1 else "moves"
    lines = [
        WORDS[key].format(side=said, at=at, inclusive=inclusive, past=_fixed(end.past), count=len(end.moves))(lang)
    ]
    lines += [_move(move, lang, gate) for move in end.moves]
    return lines


def _move(move: Move, lang: str, gate: Callable[[str], str]) -> str:
    after = (
        WORDS["fails"](lang)
        if move.after is None or move.total_after is None
        else f"{gate(_grade_name(move.after, lang))} {_fixed(move.total_after)}"
    )
    unit = gate(move.unit if not move.name or move.name == move.unit else f"{move.name}（{move.unit}）")
    before = gate(_grade_name(move.before, lang))
    return WORDS["move"].format(unit=unit, before=before, total_before=_fixed(move.total_before), after=after)(lang)


def _why(error: Any, lang: str) -> str:
    """A unit's error on one line: its problems' messages (the unit is named beside it)."""
    problems = error.error.problems
    return "; ".join(problem.text(lang) for problem in problems) if problems else error.error.render(lang)


def _head(found: Sensitivity, lang: str) -> tuple[str, str]:
    ruleset = found.ruleset
    name = ruleset.meta.title_en if lang == "en" and ruleset.meta.title_en else ruleset.title
    title = WORDS["head"].format(title=name, id=ruleset.id, version=ruleset.version)(lang)
    units = WORDS["units"].format(units=found.units, scored=found.units - len(found.errors), failed=len(found.errors))
    return title, units(lang)


def _text(found: Sensitivity, lang: str) -> str:
    gate = for_terminal
    title, units = _head(found, lang)
    lines = [
        f"{WORDS['title'](lang)}：{gate(title)}" if lang == "zh" else f"{WORDS['title'](lang)}: {gate(title)}",
        units,
    ]
    if not found.parameters:
        lines.append(WORDS["none"](lang))
    else:
        lines.append(WORDS["order"](lang))
    for rank, item in enumerate(found.parameters, 1):
        p = item.parameter
        lines.append("")
        lines.append(f"{rank}. {gate(_label(p.label, lang))} [{gate(p.id)}]")
        lines.append("   " + WORDS["current"].format(value=plain(p.value), interval=item.interval())(lang))
        for end, side in ((item.low, "low"), (item.high, "high")):
            said = _end_line(item, end, side, lang, gate)
            lines.append("   " + said[0])
            lines += ["     " + line for line in said[1:]]
        if item.verified:
            lines.append("   " + WORDS["verified"](lang))
    if found.refused:
        lines += ["", WORDS["refused"](lang)]
        lines += [f"  {gate(problem.render(lang=lang))}" for problem in found.refused]
    if found.errors:
        lines += ["", WORDS["errors"](lang)]
        lines += [f"  {gate(error.label)}: {gate(_why(error, lang))}" for error in found.errors]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return for_markdown(text).replace("|", "\\|")


def _markdown(found: Sensitivity, lang: str) -> str:
    title, units = _head(found, lang)
    lines = [
        f"# {WORDS['title'](lang)}：{_cell(title)}" if lang == "zh" else f"# {WORDS['title'](lang)}: {_cell(title)}",
        "",
        units,
        "",
    ]
    if not found.parameters:
        lines.append(WORDS["none"](lang))
    else:
        lines += [WORDS["order"](lang), ""]
        lines.append("| " + " | ".join(WORDS[h](lang) for h in _HEADS) + " |")
        lines.append("|---:|---|---:|---|---:|---:|")
        for rank, label, name, value, interval, margin, moved in _table(found, lang):
            lines.append(
                f"| {rank} | {_cell(label)} `{_cell(name)}` | {value} | {_cell(interval)} | {margin} | {moved} |"
            )
        lines += ["", f"## {WORDS['details'](lang)}", ""]
        for number, item in enumerate(found.parameters, 1):
            lines.append(f"{number}. {_cell(_label(item.parameter.label, lang))}")
            for end, side in ((item.low, "low"), (item.high, "high")):
                said = _end_line(item, end, side, lang, _cell)
                lines.append(f"   - {said[0]}")
                lines += [f"     - {line}" for line in said[1:]]
    if found.refused:
        lines += ["", f"## {WORDS['refused'](lang).rstrip('：:')}", ""]
        lines += [f"- {_cell(problem.render(lang=lang))}" for problem in found.refused]
    if found.errors:
        lines += ["", f"## {WORDS['errors'](lang).rstrip('：:')}", ""]
        lines += [f"- {_cell(error.label)}: {_cell(_why(error, lang))}" for error in found.errors]
    return "\n".join(lines) + "\n"


_HEADS = ("col-rank", "col-parameter", "col-value", "col-interval", "col-margin", "col-moved")


def _table(found: Sensitivity, lang: str) -> list[tuple[str, ...]]:
    """The summary table's rows, as text: rank, label, name, value, interval, smallest change, units moved."""
    return [
        (
            str(rank),
            _label(item.parameter.label, lang),
            item.parameter.id,
            plain(item.parameter.value),
            item.interval(),
            "—" if item.margin is None else _fixed(item.margin),
            str(item.moved),
        )
        for rank, item in enumerate(found.parameters, 1)
    ]


def _json(found: Sensitivity, lang: str) -> str:
    return json.dumps(found.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _approx(value: Fraction) -> Decimal:
    return CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))


@pinned
def chart_rows(found: Sensitivity, lang: str, most: int = 30) -> list[Span]:
    """One :class:`~perfscore.charts.Span` per parameter (the ``most`` most fragile): its axis shows
    the interval and a margin around it; an unbounded end is drawn to the axis's edge."""
    rows = []
    for number, item in enumerate(found.parameters[:most], 1):
        p = item.parameter
        value = Decimal(p.value)
        ends = [None if end.change is None else _approx(p.at(end.change)) for end in (item.low, item.high)]
        start, stop = ends
        if start is None and stop is None:
            start, stop = value - 1, value + 1
        elif start is None:
            assert stop is not None
            start = value - max(stop - value, Decimal(p.step) * 10)
        elif stop is None:
            stop = value + max(value - start, Decimal(p.step) * 10)
        pad = max(CONTEXT.multiply(stop - start, Decimal("0.15")), Decimal(p.step))
        rows.append(
            Span(
                label=f"{number}. {_label(p.label, lang)}",  # the table's 序号: a cut label is still found
                low=start - pad if item.low.change is not None else start,
                high=stop + pad if item.high.change is not None else stop,
                start=start,
                end=stop,
                value=value,
                shown=item.interval(),
                start_open=not item.low.included,
                end_open=not item.high.included,
                start_free=item.low.change is None,
                end_free=item.high.change is None,
                tone="warn" if item.moved else "good",
            )
        )
    return rows


def _html(found: Sensitivity, lang: str) -> str:
    title, units = _head(found, lang)
    body = [f"<h1>{e(WORDS['title'](lang))}</h1>", f'<p class="meta">{e(title)}</p>', f'<p class="meta">{e(units)}</p>']
    if not found.parameters:
        body.append(f"<p>{e(WORDS['none'](lang))}</p>")
    else:
        body.append(f"<p>{e(WORDS['order'](lang))}</p>")
        chart = spans(chart_rows(found, lang), WORDS["chart"](lang))
        body.append(f'<figure class="chart">{chart}<figcaption>{e(WORDS["chart"](lang))}</figcaption></figure>')
        body.append(
            "<table><thead><tr>" + "".join(f"<th>{e(WORDS[h](lang))}</th>" for h in _HEADS) + "</tr></thead><tbody>"
        )
        for rank, label, name, value, interval, margin, moved in _table(found, lang):
            numbers = "".join(f'<td class="num">{e(cell)}</td>' for cell in (value, interval, margin, moved))
            body.append(
                f'<tr><td class="num">{rank}</td><td>{e(label)}<div><code>{e(name)}</code></div></td>{numbers}</tr>'
            )
        body.append("</tbody></table>")
        body.append(f'<h2>{e(WORDS["details"](lang))}</h2><ul class="plain">')
        for number, item in enumerate(found.parameters, 1):
            body.append(f'<li>{number}. {e(_label(item.parameter.label, lang))}<ul class="plain">')
            for end, side in ((item.low, "low"), (item.high, "high")):
                said = _end_line(item, end, side, lang, str)
                inner = "".join(f"<li>{e(line)}</li>" for line in said[1:])
                body.append(f"<li>{e(said[0])}" + (f"<ul>{inner}</ul>" if inner else "") + "</li>")
            body.append("</ul></li>")
        body.append("</ul>")
    if found.refused:
        body.append(f"<h2>{e(WORDS['refused'](lang).rstrip('：:'))}</h2><ul>")
        body += [f"<li>{e(problem.render(lang=lang))}</li>" for problem in found.refused]
        body.append("</ul>")
    if found.errors:
        body.append(f"<h2>{e(WORDS['errors'](lang).rstrip('：:'))}</h2><ul>")
        body += [f"<li>{e(error.label)}: {e(_why(error, lang))}</li>" for error in found.errors]
        body.append("</ul>")
    return page(f"{WORDS['title'](lang)} {title}", body, lang)


_RENDERERS: dict[str, Callable[[Sensitivity, str], str]] = {
    "text": _text,
    "markdown": _markdown,
    "json": _json,
    "html": _html,
}


def render_sensitivity(found: Sensitivity, fmt: str = "text", lang: str = "zh") -> str:
    """The analysis as ``text``, ``markdown``, ``json`` or ``html``, in ``zh`` (default) or ``en``."""
    if fmt not in _RENDERERS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return _RENDERERS[fmt](found, check_lang(lang))


# --- what it takes, in a unit's report -----------------------------------------------------------


def _goal(found: WhatItTakes, lang: str) -> str:
    if found.goal_total is not None:
        return WORDS["reach-total"].format(total=plain(found.goal_total))(lang)
    assert found.goal_grade is not None
    return WORDS["reach-grade"].format(grade=_grade_name(found.goal_grade, lang))(lang)


def _shown(value: Any, lang: str) -> str:
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, bool):
        return WORDS["yes" if value else "no"](lang)
    return str(value)


def _signed(change: Decimal) -> str:
    return f"+{plain(change)}" if change > 0 else plain(change).replace("-", "−")


def _reach_line(reach: Reach, lang: str, gate: Callable[[str], str]) -> str:
    label, name = gate(_label(reach.label, lang)), gate(reach.input)
    if reach.value is None or reach.total is None or reach.grade is None:
        why = gate(reach.why(lang)) if reach.why is not None else ""
        return WORDS["reach-none"].format(label=label, name=name, why=why)(lang)
    grade = gate(_grade_name(reach.grade, lang))
    if reach.change is None:
        return WORDS["reach-switch"].format(
            label=label, name=name, current=gate(_shown(reach.current, lang)), value=gate(_shown(reach.value, lang)),
            total=_fixed(reach.total), grade=grade,
        )(lang)  # fmt: skip
    step = WORDS["reach-step"].format(step=plain(reach.step or Decimal(0)))(lang)
    short_total = "—" if reach.short_total is None else _fixed(reach.short_total)
    return WORDS["reach-line"].format(
        label=label, name=name, current=_shown(reach.current, lang), value=_shown(reach.value, lang),
        change=f"{_signed(reach.change)}，{step}" if lang == "zh" else f"{_signed(reach.change)}, {step}",
        total=_fixed(reach.total), grade=grade, short=_shown(reach.short, lang), short_total=short_total,
    )(lang)  # fmt: skip


def reach_lines(found: WhatItTakes, fmt: str, lang: str) -> str:
    """The section added to a unit's text or Markdown report."""
    check_lang(lang)
    gate = for_terminal if fmt == "text" else _cell
    goal = gate(_goal(found, lang))
    if found.reached:
        said = WORDS["reached"].format(goal=goal)(lang)
        return f"\n{said}\n" if fmt == "text" else f"\n## {said}\n"
    title = WORDS["reach-title"].format(goal=goal)(lang)
    lines = ["", title if fmt == "text" else f"## {title}", ""]
    lines += [("  " if fmt == "text" else "- ") + _reach_line(reach, lang, gate) for reach in found.reaches]
    return "\n".join(lines) + "\n"


def reach_html(found: WhatItTakes, lang: str) -> list[str]:
    """The section added to a unit's HTML report: a table, one input a row."""
    check_lang(lang)
    goal = _goal(found, lang)
    if found.reached:
        return [f"<h2>{e(WORDS['reached'].format(goal=goal)(lang))}</h2>"]
    heads = ["col-input", "col-now", "col-needed", "col-change", "col-total", "col-short"]
    rows = [f"<h2>{e(WORDS['reach-title'].format(goal=goal)(lang))}</h2>", "<table><thead><tr>"]
    rows[-1] += "".join(f"<th>{e(WORDS[h](lang))}</th>" for h in heads) + "</tr></thead><tbody>"
    for reach in found.reaches:
        label = f"{e(_label(reach.label, lang))}<div><code>{e(reach.input)}</code></div>"
        if reach.value is None or reach.total is None or reach.grade is None:
            why = reach.why(lang) if reach.why is not None else ""
            current = e(_shown(reach.current, lang))
            rows.append(f'<tr><td>{label}</td><td class="num">{current}</td><td colspan="4">{e(why)}</td></tr>')
            continue
        change = "" if reach.change is None else _signed(reach.change)
        short = (
            ""
            if reach.short is None
            else f"{_shown(reach.short, lang)} → {'—' if reach.short_total is None else _fixed(reach.short_total)}"
        )
        rows.append(
            f'<tr><td>{label}</td><td class="num">{e(_shown(reach.current, lang))}</td>'
            f'<td class="num">{e(_shown(reach.value, lang))}</td><td class="num">{e(change)}</td>'
            f'<td class="num">{e(_fixed(reach.total))}（{e(_grade_name(reach.grade, lang))}）</td>'
            f'<td class="num">{e(short)}</td></tr>'
        )
    rows.append("</tbody></table>")
    return rows
