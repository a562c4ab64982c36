"""Score reports as HTML pages (``perfscore score --format html``), in the look of the audit pages
(:mod:`perfscore.page`), with charts drawn as inline SVG (:mod:`perfscore.charts`).

- :func:`render_html`: one unit: its total, grade and points lost; a chart of each first-level
  indicator's subtotal against its points; the itemized table; every deduction explained; notes.
- :func:`render_batch_html`: many units: how many were scored, the grade distribution, the
  indicators that lose the most points (over all units), the ranking, and the units that could not
  be scored with their reasons.

Every piece of text from the ruleset or the data passes the HTML gate; the page runs no script.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from .charts import Bar, bars
from .exact import CONTEXT, pinned, total
from .messages import check_lang, in_lang, words
from .page import e, page
from .report import WORDS as REPORT_WORDS
from .report import _grade, _title  # the text report's names for a ruleset and a grade
from .result import Adjustment, BatchResult, LeafResult, NodeResult, ScoreResult, UnitError
from .ruleset import Ruleset
from .signals import Signals, find_signals
from .text import plain

__all__ = ["item_label", "ranks", "render_batch_html", "render_html"]

#: The words of a score page: the text report's (total, grade, deductions, …) and the page's own.
WORDS = {
    **REPORT_WORDS,
    **words(
        "scorepage",
        {
            "title": ("绩效自评得分", "Performance self-evaluation score"),
            "batch": ("绩效自评得分汇总", "Performance self-evaluation scores"),
            "ruleset": ("评分规则", "Ruleset"),
            "of": ("满分 {points}", "out of {points}"),
            "items": ("逐项得分", "Itemized scores"),
            "by_group": ("一级指标得分", "Score by first-level indicator"),
            "by_group_caption": ("条形长度为得分占分值的比例", "Each bar is the score as a share of the points"),
            "number": ("序号", "#"),
            "explanation": ("说明", "Explanation"),
            "units": ("单位数", "Units"),
            "scored": ("已评分", "Scored"),
            "failed_count": ("未能评分", "Not scored"),
            "average": ("平均分", "Average"),
            "grades": ("等级分布", "Grades"),
            "grades_caption": ("各等级的单位数", "Units in each grade"),
            "count": ("{count} 个", "{count}"),
            "losing": ("失分最多的指标", "Indicators losing the most points"),
            "losing_caption": ("所有单位在该指标上的扣分合计", "Points lost on the indicator, all units together"),
            "losing_units": ("失分单位数", "Units losing points"),
            "lost_sum": ("扣分合计", "Lost in all"),
            "lost_mean": ("平均扣分", "Lost per unit"),
            "nothing_lost": ("所有单位都没有扣分。", "No unit lost any points."),
            "ranking": ("排名", "Ranking"),
            "ranking_caption": ("各单位总分", "Each unit's total"),
            "rank": ("名次", "Rank"),
            "most_lost": ("扣分最多的指标", "Most points lost on"),
            "failed": ("未能评分的单位", "Units that could not be scored"),
            "reason": ("原因", "Reason"),
            "colon": ("：", ": "),
            "comma": ("，", ", "),
        },
    ),
}  # fmt: skip

_CENT = Decimal("0.01")


def _meta(ruleset: Ruleset, lang: str) -> Iterator[str]:
    words = in_lang(WORDS, lang)
    yield f'<p class="meta">{e(words["ruleset"])}{e(words["colon"])}{e(_title(ruleset, lang))}</p>'


def _card(label: str, big: str, small: str = "") -> str:
    below = f'<div class="small">{e(small)}</div>' if small else ""
    return f'<div class="card"><div class="small">{e(label)}</div><div class="big">{e(big)}</div>{below}</div>'


def _figure(svg: str, caption: str) -> str:
    return f'<figure class="chart">{svg}<figcaption>{e(caption)}</figcaption></figure>'


def _share(score: Decimal, points: Decimal) -> str:
    return "good" if score >= points else ("bad" if score * 2 < points else "warn")


# --- one unit ------------------------------------------------------------------------------------


def _unit_body(result: ScoreResult, lang: str, unit: str, level: int = 1) -> Iterator[str]:
    """One unit: its heading (``h{level}``), cards, the chart by first-level indicator, the items, the
    deductions and the notes (their headings one level below)."""
    words = in_lang(WORDS, lang)
    colon = words["colon"]
    h, sub = f"h{level}", f"h{level + 1}"
    yield f"<{h}>{e(words['title'])}{e(colon)}{e(unit)}</{h}>"
    if level == 1:
        yield from _meta(result.ruleset, lang)
    yield '<div class="cards">'
    yield _card(words["total"], str(result.total), words["of"].format(points=plain(result.points)))
    yield _card(words["grade"], _grade(result, lang))
    yield _card(words["lost"], str(result.lost) if result.lost else "0")
    yield "</div>"
    yield f"<{sub}>{e(words['by_group'])}</{sub}>"
    rows = [
        Bar(node.indicator.label(lang), CONTEXT.divide(node.score, node.points) if node.points else Decimal(0),
            f"{node.score} / {plain(node.points)}", _share(node.score, node.points))
        for node in result.tree
    ]  # fmt: skip
    yield _figure(bars(rows, words["by_group"], top=Decimal(1)), words["by_group_caption"])
    yield f"<{sub}>{e(words['items'])}</{sub}>"
    yield from _items(result, lang)
    yield f"<{sub}>{e(words['deductions'])}</{sub}>"
    yield from _deductions(result, lang)
    notes = [item.explain(lang) for item in result.notes] + result.fallback_notes(lang)
    if notes:
        yield f"<{sub}>{e(words['notes'])}</{sub}>"
        yield '<ul class="plain">' + "".join(f"<li>{e(note)}</li>" for note in notes) + "</ul>"


def item_label(item: LeafResult | Adjustment, lang: str) -> str:
    """What lost the points: a leaf indicator's name, or the name of a rule on a group or the total."""
    if isinstance(item, LeafResult):
        return item.indicator.label(lang)
    return item.name_en if lang == "en" and item.name_en else item.name


def _walk(nodes: Sequence[NodeResult]) -> Iterator[NodeResult]:
    for root in nodes:
        yield from root.walk()


def _items(result: ScoreResult, lang: str) -> Iterator[str]:
    words = in_lang(WORDS, lang)
    yield '<table class="items">'
    yield (
        f'<thead><tr><th>{e(words["indicator"])}</th><th class="num">{e(words["points"])}</th>'
        f'<th class="num">{e(words["score"])}</th><th class="num">{e(words["lost"])}</th></tr></thead>'
    )
    yield "<tbody>"
    for node in _walk(result.tree):
        depth = min(node.indicator.depth - 1, 3)
        group = ' class="group"' if node.leaf is None else ""
        indent = f' class="indent{depth}"' if depth else ""
        lost = f'<td class="num bad">{e(node.lost)}</td>' if node.lost else '<td class="num"></td>'
        yield (
            f'<tr{group}><td{indent}>{e(node.indicator.label(lang))}</td><td class="num">{e(plain(node.points))}</td>'
            f'<td class="num">{e(node.score)}</td>{lost}</tr>'
        )
    yield "</tbody>"
    yield (
        f'<tfoot><tr class="group"><td>{e(words["total"])}</td><td class="num">{e(plain(result.points))}</td>'
        f'<td class="num">{e(result.total)}</td><td class="num">{e(result.lost if result.lost else "")}</td></tr></tfoot>'
    )
    yield "</table>"


def _deductions(result: ScoreResult, lang: str) -> Iterator[str]:
    words = in_lang(WORDS, lang)
    if not result.deductions:
        yield f'<p class="good">{e(words["none"])}</p>'
        return
    yield '<table class="deductions">'
    yield (
        f'<thead><tr><th class="num">{e(words["number"])}</th><th>{e(words["indicator"])}</th>'
        f'<th class="num">{e(words["lost"])}</th><th>{e(words["explanation"])}</th></tr></thead>'
    )
    yield "<tbody>"
    for number, item in enumerate(result.deductions, start=1):
        yield (
            f'<tr><td class="num">{number}</td><td>{e(item_label(item, lang))}</td>'
            f'<td class="num bad">−{e(item.lost)}</td><td class="text">{e(item.explain(lang))}</td></tr>'
        )
    yield "</tbody>"
    yield "</table>"


@pinned
def render_html(result: ScoreResult, lang: str = "zh", *, unit: str | None = None, extra: Sequence[str] = ()) -> str:
    """One unit's score as a self-contained HTML page (``unit``: how to name the unit; its id or file
    by default): total, grade and points lost, a chart of the first-level indicators, the itemized
    table and every deduction explained; then ``extra`` (lines of HTML: what it takes, ``--to``)."""
    check_lang(lang)
    name = unit or result.unit or ""
    body = [*_unit_body(result, lang, name), *extra]
    return page(f"{WORDS['title'](lang)}{WORDS['colon'](lang)}{name}", body, lang)


# --- many units ----------------------------------------------------------------------------------


def _label(batch: BatchResult, index: int) -> str:
    unit_id, name = batch._identity(index)
    return f"{name}（{unit_id}）" if name and name != unit_id else unit_id


@pinned
def render_batch_html(batch: BatchResult, lang: str = "zh", *, signals: Signals | None = None) -> str:
    """Many units as one HTML page: counts and the average, the grade distribution, the indicators
    that lose the most points, the ranking (ties share a rank), the signals across the units with the
    distributions as charts (``signals``, by default :func:`~perfscore.signals.find_signals` of the
    batch), each unit that failed with why, then each unit scored in its own section (printed from a
    new page)."""
    check_lang(lang)
    return page(WORDS["batch"](lang), _batch_body(batch, lang, signals), lang)


def _batch_body(batch: BatchResult, lang: str, signals: Signals | None = None) -> Iterator[str]:
    words = in_lang(WORDS, lang)
    ruleset = batch.ruleset
    scored = [(index, outcome) for index, outcome in enumerate(batch.outcomes) if isinstance(outcome, ScoreResult)]
    failed = [(index, outcome) for index, outcome in enumerate(batch.outcomes) if isinstance(outcome, UnitError)]
    yield f"<h1>{e(words['batch'])}</h1>"
    yield from _meta(ruleset, lang)
    yield '<div class="cards">'
    yield _card(words["units"], str(len(batch.outcomes)))
    yield _card(words["scored"], str(len(scored)))
    yield _card(words["failed_count"], str(len(failed)))
    if scored:
        mean = CONTEXT.divide(total(result.total for _, result in scored), Decimal(len(scored)))
        yield _card(words["average"], str(mean.quantize(_CENT, context=CONTEXT)), words["of"].format(points=plain(ruleset.total_points)))  # fmt: skip
    yield "</div>"
    if scored:
        yield from _grades(ruleset, [result for _, result in scored], lang)
        yield from _losing(ruleset, [result for _, result in scored], lang)
        yield from _ranking(batch, lang)
        yield (find_signals(batch) if signals is None else signals).render("html", lang)
    if failed:
        yield f"<h2>{e(words['failed'])}</h2>"
        yield '<table class="failed">'
        yield f"<thead><tr><th>{e(words['unit'])}</th><th>{e(words['reason'])}</th></tr></thead><tbody>"
        for index, failure in failed:
            message = "\n".join(e(line) for line in str(failure.error).split("\n"))
            yield f'<tr class="error"><td>{e(_label(batch, index))}</td><td class="text">{message}</td></tr>'
        yield "</tbody></table>"
    for index, result in scored:  # each unit's own page, in the order given
        yield '<section class="unit">'
        yield from _unit_body(result, lang, _label(batch, index), level=2)
        yield "</section>"


def _grades(ruleset: Ruleset, results: Sequence[ScoreResult], lang: str) -> Iterator[str]:
    words = in_lang(WORDS, lang)
    grades = ruleset.meta.grades
    counts = {grade.name: 0 for grade in grades}
    for result in results:
        counts[result.grade.name] = counts.get(result.grade.name, 0) + 1
    rows = [
        Bar(grade.name_en if lang == "en" else grade.name, Decimal(counts[grade.name]),
            words["count"].format(count=counts[grade.name]), _tone(ruleset, grade.name))
        for grade in grades
    ]  # fmt: skip
    yield f"<h2>{e(words['grades'])}</h2>"
    yield _figure(bars(rows, words["grades"]), words["grades_caption"])


def _tone(ruleset: Ruleset, grade: str) -> str:
    """A grade's colour: the highest green, the lowest red, those between blue and orange."""
    names = [each.name for each in ruleset.meta.grades]
    place = names.index(grade) if grade in names else len(names) - 1
    if place == len(names) - 1:
        return "bad"
    return ("good", "neutral", "warn")[min(place, 2)]


def _losing(ruleset: Ruleset, results: Sequence[ScoreResult], lang: str, most: int = 10) -> Iterator[str]:
    """The leaves by points lost over all units (the most first; ties in the ruleset's order)."""
    words = in_lang(WORDS, lang)
    yield f"<h2>{e(words['losing'])}</h2>"
    lost: dict[str, list[Decimal]] = {leaf.id: [] for leaf in ruleset.leaves}
    for result in results:
        for item in result.items:
            if item.lost > 0:
                lost[item.id].append(item.lost)
    sums = {leaf_id: total(values) for leaf_id, values in lost.items() if values}
    if not sums:
        yield f'<p class="good">{e(words["nothing_lost"])}</p>'
        return
    order = sorted(sums, key=lambda leaf_id: sums[leaf_id], reverse=True)[:most]
    leaves = {leaf.id: leaf for leaf in ruleset.leaves}
    rows = [Bar(leaves[leaf_id].label(lang), sums[leaf_id], str(sums[leaf_id]), "bad") for leaf_id in order]
    yield _figure(bars(rows, words["losing"]), words["losing_caption"])
    yield "<table>"
    yield (
        f'<thead><tr><th>{e(words["indicator"])}</th><th class="num">{e(words["points"])}</th>'
        f'<th class="num">{e(words["losing_units"])}</th><th class="num">{e(words["lost_sum"])}</th>'
        f'<th class="num">{e(words["lost_mean"])}</th></tr></thead><tbody>'
    )
    for leaf_id in order:
        leaf = leaves[leaf_id]
        mean = CONTEXT.divide(sums[leaf_id], Decimal(len(results))).quantize(_CENT, context=CONTEXT)
        yield (
            f'<tr><td>{e(leaf.label(lang))}</td><td class="num">{e(plain(leaf.points))}</td>'
            f'<td class="num">{len(lost[leaf_id])}</td><td class="num bad">{e(sums[leaf_id])}</td>'
            f'<td class="num">{e(mean)}</td></tr>'
        )
    yield "</tbody></table>"


def ranks(batch: BatchResult) -> dict[int, int]:
    """Each scored unit's rank by total (its index in ``batch.outcomes`` → 1, 2, 2, 4: ties share a
    rank and the next rank skips), in ranking order (ties in the order given)."""
    scored = [(index, outcome) for index, outcome in enumerate(batch.outcomes) if isinstance(outcome, ScoreResult)]
    ordered = sorted(scored, key=lambda pair: pair[1].total, reverse=True)  # stable: ties keep their order
    found: dict[int, int] = {}
    rank, previous = 0, None
    for place, (index, result) in enumerate(ordered, start=1):
        if result.total != previous:
            rank, previous = place, result.total
        found[index] = rank
    return found


def _ranking(batch: BatchResult, lang: str) -> Iterator[str]:
    words = in_lang(WORDS, lang)
    ranked = ranks(batch)
    ordered = [(index, batch.outcomes[index]) for index in ranked]
    points = batch.ruleset.total_points
    yield f"<h2>{e(words['ranking'])}</h2>"
    rows = [Bar(_label(batch, index), result.total, str(result.total), _tone(batch.ruleset, result.grade.name))
            for index, result in ordered if isinstance(result, ScoreResult)]  # fmt: skip
    yield _figure(bars(rows, words["ranking"], top=points), words["ranking_caption"])
    yield "<table>"
    yield (
        f'<thead><tr><th class="num">{e(words["rank"])}</th><th>{e(words["unit"])}</th>'
        f'<th class="num">{e(words["total"])}</th><th>{e(words["grade"])}</th>'
        f"<th>{e(words['most_lost'])}</th></tr></thead><tbody>"
    )
    for index, result in ordered:
        assert isinstance(result, ScoreResult)
        rank = ranked[index]
        worst = result.deductions[0] if result.deductions else None
        most = "" if worst is None else f"{item_label(worst, lang)}（−{worst.lost}）" if lang == "zh" else f"{item_label(worst, lang)} (−{worst.lost})"  # fmt: skip
        yield (
            f'<tr><td class="num">{rank}</td><td>{e(_label(batch, index))}</td>'
            f'<td class="num">{e(result.total)}</td><td>{e(_grade(result, lang))}</td><td>{e(most)}</td></tr>'
        )
    yield "</tbody></table>"
