"""HTML pages of scores and comparisons, and the SVG charts in them (tests/test_browser.py opens the
same pages in Chromium).

The numbers are the seed unit's (99.75: 预算执行率 −0.05, 管理制度健全性 −0.20, worked by hand in
README.md) and simple variations of it whose scores follow from the rules by inspection.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import perfscore
from perfscore.charts import Bar, bars, movements
from perfscore.diff import compare, render_diff
from perfscore.diff import movements as unit_movements
from perfscore.page import STYLE
from perfscore.scorepage import render_batch_html, render_html
from perfscore.tables.audit import audit_table
from perfscore.tables.html import render_html as render_audit_html
from perfscore.units import Unit
from test_table_score import MOF, training

ROOT = Path(__file__).resolve().parents[1]
DEPARTMENT = perfscore.load(ROOT / "rulesets" / "department-wide.toml")
SEED = perfscore.read_units(ROOT / "examples" / "liwan-2023.toml")[0]
PERFECT = {**SEED.values, "executed": SEED.values["budget"], "carryover": 0, "system_findings": 0}


def rects(svg: str) -> list[tuple[Decimal, Decimal]]:
    """Each bar's x and width."""
    return [(Decimal(x), Decimal(w)) for x, w in re.findall(r'<rect x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)"', svg)]


# --- charts ----------------------------------------------------------------------------------------


def test_bar_lengths_are_proportional_to_the_values() -> None:
    """Out of a top of 10, 5 draws half the room (420 units: 720 less 230 for labels and 70 for values)."""
    svg = bars(
        [Bar("甲", Decimal(5), "5"), Bar("乙", Decimal(10), "10"), Bar("丙", Decimal(-1), "−1")], "t", top=Decimal(10)
    )
    assert rects(svg) == [(Decimal(230), Decimal("210.0")), (Decimal(230), Decimal("420.0")), (Decimal(230), Decimal("0.0"))]  # fmt: skip
    assert 'viewBox="0 0 720 86"' in svg  # three rows of 26, and 8


def test_movements_go_left_when_they_fall() -> None:
    """A fall is drawn left of the zero line in red, a rise right of it in green, each as long as its size allows."""
    svg = movements([Bar("甲", Decimal("-2"), "−2"), Bar("乙", Decimal(4), "+4")], "t")
    zero = Decimal(230 + 70 + 175)  # labels, room for a value, then half of the 350 left
    (fall_x, fall_width), (rise_x, rise_width) = rects(svg)
    assert (fall_x + fall_width, fall_width) == (zero, Decimal("87.5"))
    assert (rise_x, rise_width) == (zero, Decimal("175.0"))
    assert svg.index("#f04438") < svg.index("#12b76a")


def test_labels_are_cut_to_fit_and_escaped() -> None:
    """A long label ends with …; markup in a label is text."""
    svg = bars([Bar("<b>" + "很长的单位名称" * 5, Decimal(1), "1")], "t")
    assert "&lt;b&gt;很长的单位名称" in svg and "…</text>" in svg and "<b>" not in svg


# --- one unit ----------------------------------------------------------------------------------------


def test_one_unit_page_has_the_total_the_chart_the_items_and_every_deduction() -> None:
    """The seed unit: 99.75, 优, 0.25 lost; four first-level bars; each deduction explained."""
    result = DEPARTMENT.score(SEED.values)
    page = render_html(result, unit="中共广州市荔湾区委政法委（2023）")
    assert "<title>绩效自评得分：中共广州市荔湾区委政法委（2023）</title>" in page
    assert '<div class="big">99.75</div>' in page and '<div class="big">优</div>' in page
    assert '<div class="big">0.25</div>' in page
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert len(rects(chart)) == 4 and "14.95 / 15" in chart and "14.80 / 15" in chart
    for item in result.deductions:
        assert f'<td class="num bad">−{item.lost}</td><td class="text">{item.explanation}</td>' in page
    assert page.index("管理制度健全性：发现 1 项") < page.index("预算执行率：实际 99.49%")  # largest first
    assert "<script" not in page


def test_one_unit_page_in_english() -> None:
    """lang="en": English headings and explanations."""
    page = render_html(DEPARTMENT.score(SEED.values), "en")
    assert '<html lang="en">' in page and "Deductions (largest first)" in page and "Excellent" in page


# --- many units ----------------------------------------------------------------------------------------


def batch() -> perfscore.BatchResult:
    """Four units: the seed (99.75), two perfect ones (100, tied) and one that fails."""
    units = [
        Unit("seed", "荔湾", SEED.values),
        Unit("p1", "甲", PERFECT),
        Unit("p2", "乙", PERFECT),
        Unit("bad", "丙", {**SEED.values, "budget": "九十"}),
    ]
    return DEPARTMENT.score_many(units)


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    """Two units with 100.00 are both first; the seed unit is third."""
    page = render_batch_html(batch())
    ranking = page[page.index("<h2>排名</h2>") :]
    ranks = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]+)</td><td class="num">([0-9.]+)</td>', ranking)
    assert ranks == [("1", "甲（p1）", "100.00"), ("1", "乙（p2）", "100.00"), ("3", "荔湾（seed）", "99.75")]


def test_the_grade_distribution_counts_the_units_scored() -> None:
    """Three scored units are all 优; the failed one is counted apart."""
    page = render_batch_html(batch())
    grades = page[page.index("<h2>等级分布</h2>") : page.index("<h2>失分最多的指标</h2>")]
    assert re.findall(r">(\d) 个</text>", grades) == ["3", "0", "0", "0"]
    assert '<div class="small">未能评分</div><div class="big">1</div>' in page
    assert "九十" in page[page.index("<h2>未能评分的单位</h2>") :]


def test_indicators_losing_the_most_points_over_all_units() -> None:
    """Only the seed unit loses points: 管理制度健全性 0.20 first, then 预算执行率 0.05; the mean is over the three scored."""
    page = render_batch_html(batch())
    losing = page[page.index("<h2>失分最多的指标</h2>") : page.index("<h2>排名</h2>")]
    rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
                      r"<td class=\"num bad\">([0-9.]+)</td><td class=\"num\">([0-9.]+)</td></tr>", losing)  # fmt: skip
    assert rows == [("管理制度健全性", "5", "1", "0.20", "0.07"), ("预算执行率", "10", "1", "0.05", "0.02")]


def test_the_average_is_over_the_units_scored() -> None:
    """(99.75 + 100 + 100) / 3 = 99.9166… → 99.92."""
    assert '<div class="small">平均分</div><div class="big">99.92</div>' in render_batch_html(batch())


# --- one look -----------------------------------------------------------------------------------------


def test_audit_score_and_diff_pages_share_one_stylesheet() -> None:
    """The audit page, the score pages and the diff page carry the same stylesheet, with its A4 print rules."""
    pages = [
        render_audit_html(audit_table(training(), MOF)),
        render_html(DEPARTMENT.score(SEED.values)),
        render_batch_html(batch()),
        render_diff(compare(DEPARTMENT, DEPARTMENT), [], "html"),
    ]
    for page in pages:
        assert f"<style>\n{STYLE}</style>" in page
    assert "@page { size: A4;" in STYLE and "@media print" in STYLE


def test_the_diff_page_charts_each_unit_that_moved() -> None:
    """The department pair: the seed unit falls 2.83 (tests/test_diff.py works it out by hand), drawn left in red."""
    new = perfscore.load(ROOT / "tests" / "diff" / "department-2024.toml")
    page = render_diff(compare(DEPARTMENT, new), unit_movements(DEPARTMENT, new, [SEED]), "html")
    chart = page[page.index('<figure class="chart">') : page.index("</figure>")]
    assert ">中共广州市荔湾区委政法委（202…</text>" in chart and "−2.83" in chart and "#f04438" in chart
    assert '<td class="num bad">−2.83</td>' in page
    assert "<h2>假设变化</h2>" in page


def test_each_unit_scored_has_its_own_section_printed_from_a_new_page() -> None:
    """After the summary, one section per unit scored (in the order given), with its items and deductions."""
    page = render_batch_html(batch())
    sections = page.split('<section class="unit">')[1:]
    assert [re.search(r"<h2>绩效自评得分：([^<]+)</h2>", section).group(1) for section in sections] == [  # type: ignore[union-attr]
        "荔湾（seed）",
        "甲（p1）",
        "乙（p2）",
    ]
    assert "<h3>扣分说明（按扣分多少排序）</h3>" in sections[0] and "管理制度健全性：发现 1 项" in sections[0]
    assert '<p class="good">无扣分。</p>' in sections[1]
    assert "section.unit { break-before: page; }" in STYLE


def test_rules_on_groups_and_the_total_are_explained_like_leaves(tmp_path: Path) -> None:
    """Under project-capped-total, a unit that spent 75% of its budget has its total capped at 89, and 1350
    beneficiaries (≥ 130% of 1000) cost its group 2 points: the page's deductions and the workbook's 扣分说明
    name each rule and explain it."""
    import openpyxl

    from perfscore.sheets import write_scores_xlsx

    capped = perfscore.load("project-capped-total")
    values = {**perfscore.read_units(ROOT / "examples" / "project-template-data.toml")[0].values, "executed": 75}
    result = capped.score(values)
    rules = [item for item in result.deductions if not isinstance(item, perfscore.LeafResult)]
    assert result.total == Decimal("89.00") and [rule.name for rule in rules] == ["总分", "数量指标"]
    page = render_html(result)
    book = openpyxl.load_workbook(write_scores_xlsx(capped.score_many([values]), tmp_path / "s.xlsx"))
    explained = {row[3]: row[5] for row in book["扣分说明"].iter_rows(min_row=2, values_only=True)}
    for rule in rules:
        assert f"<td>{rule.name}</td>" in page and rule.explain("zh") in page
        assert explained[rule.name] == rule.explain("zh")
