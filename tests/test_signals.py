"""Signals across units (perfscore.signals), checked by hand.

A small ruleset (任务完成 50 by ratio, 预算执行 30 by ratio, 社会效益 20 by rating; the total capped
at 89 while the execution rate is below 80%) and twelve units whose every score is worked out below;
each signal's numbers and units are derived from that table, not copied from a run. Then the same
for audits (the units' own scores in tables), the thresholds, and hostile names.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfscore
from perfscore.charts import Bar, Stack, histogram, stacked
from perfscore.cli import run
from perfscore.errors import Refusal
from perfscore.signals import Collector, Column, Thresholds, find_signals
from perfscore.tables import Table, audit_batch
from perfscore.tables.model import IndicatorRow

ROOT = Path(__file__).resolve().parents[1]
D = Decimal

RULESET = """
[ruleset]
id = "signals-demo"
title = "信号示例"
title_en = "Signals example"
version = "1"
sources = ["示例 / an example"]

[inputs.done]
type = "percent"
label = "任务完成率"
min = 0
max = 100

[inputs.rate]
type = "percent"
label = "预算执行率"
min = 0
max = 100

[inputs.effect]
type = "rating"
label = "社会效益"

[indicators.work]
name = "任务完成"
name_en = "Work done"
points = 50
method = "ratio"
actual = "done"
target = 100

[indicators.budget]
name = "预算执行"
name_en = "Budget execution"
points = 30
method = "ratio"
actual = "rate"
target = 100

[indicators.effect]
name = "社会效益"
name_en = "Social effect"
points = 20
method = "rating"
input = "effect"

[[indicators.rules]]
kind = "ceiling"
when = "rate < 80"
at_most = 89
"""


def rated(tier: str, score: str) -> dict[str, object]:
    return {"tier": tier, "score": D(score)}


# id: (done %, rate %, effect) → work = done / 2, budget = rate × 0.3, effect as rated (达成 alone: 20)
UNITS = {
    "u01": (100, 75, "达成"),  # 50 + 22.5 + 20 = 92.5, rate < 80: capped at 89.00
    "u02": (100, 70, "达成"),  # 50 + 21 + 20 = 91, capped at 89.00
    "u03": (100, 88, rated("部分达成", "12")),  # 50 + 26.4 + 12 = 88.40
    "u04": (100, 85, rated("部分达成", "12")),  # 50 + 25.5 + 12 = 87.50
    "u05": (100, 90, rated("部分达成", "13.5")),  # 50 + 27 + 13.5 = 90.50
    "u06": (100, 95, rated("部分达成", "12")),  # 50 + 28.5 + 12 = 90.50
    "u07": (100, 100, rated("未达成", "10.2")),  # 50 + 30 + 10.2 = 90.20
    "u08": (100, 96, rated("部分达成", "12")),  # 50 + 28.8 + 12 = 90.80
    "u09": (100, 84, rated("未达成", "5")),  # 50 + 25.2 + 5 = 80.20
    "u10": (100, 85, "达成"),  # 50 + 25.5 + 20 = 95.50
    "u11": (100, 100, "达成"),  # 50 + 30 + 20 = 100.00
    "u12": (96, 90, "达成"),  # 48 + 27 + 20 = 95.00
}
TOTALS = {"u01": "89.00", "u02": "89.00", "u03": "88.40", "u04": "87.50", "u05": "90.50", "u06": "90.50",
          "u07": "90.20", "u08": "90.80", "u09": "80.20", "u10": "95.50", "u11": "100.00", "u12": "95.00"}  # fmt: skip


@pytest.fixture(scope="module")
def batch() -> perfscore.BatchResult:
    ruleset = perfscore.loads(RULESET)
    units = [
        perfscore.Unit(unit, None, {"done": done, "rate": rate, "effect": effect})
        for unit, (done, rate, effect) in UNITS.items()
    ]
    return ruleset.score_many(units)


def test_the_units_score_as_worked_out(batch: perfscore.BatchResult) -> None:
    """The table above is right: each unit's total is the one worked out by hand."""
    assert {result.unit: str(result.total) for result in batch.results} == TOTALS


def test_the_signals_of_the_twelve_units_by_hand(batch: perfscore.BatchResult) -> None:
    """The signals raised, in order, with the numbers and units worked out by hand:

    - above 90: [90, 91) holds u05 90.50, u06 90.50, u07 90.20, u08 90.80 (4); [89, 90) holds u01 and u02
      at 89.00 (2): 4 ≥ cluster_count 3 and 4 ≥ 2 × 2 — raised; above 80 only u09 (1), above 60 none;
    - under the ceiling 89: [88, 89] holds u01, u02 (89.00) and u03 (88.40): 3; [87, 88) holds u04 (1);
    - 任务完成 at full marks in 11 of 12 (all but u12, 48 of 50): 91.67% ≥ 90%; 预算执行 2 of 12
      (u07, u11) and 社会效益 5 of 12 (u01, u02, u10, u11, u12) are not;
    - 社会效益 full while a quantitative item fell short: u01 and u02 (预算), u10 (预算), u12 (任务):
      4 of the 12 units that have both kinds, 33.33% ≥ 30%; u11 has no short item.
    """
    signals = find_signals(batch)
    assert [(each.kind, each.key) for each in signals] == [
        ("above-boundary", ""),
        ("under-cap", ""),
        ("full-marks", "work"),
        ("qualitative-full", None),
    ]
    boundary, cap, full, mixed = signals.signals
    assert boundary.numbers == {"boundary": D(90), "upper": D(91), "lower": D(89), "above": 4, "below": 2}
    assert boundary.units == ("u05", "u06", "u07", "u08")
    assert (boundary.threshold, boundary.limit) == ("cluster_count", 3)
    assert cap.numbers == {"cap": D(89), "lower": D(88), "floor": D(87), "above": 3, "below": 1}
    assert cap.units == ("u01", "u02", "u03")
    assert full.numbers == {"units": 12, "full": 11, "share": D(11) / D(12)}
    assert full.units == tuple(unit for unit in UNITS if unit != "u12")
    assert (full.threshold, full.limit) == ("full_share", D("0.9"))
    assert mixed.numbers == {"units": 12, "flagged": 4, "share": D(4) / D(12)}
    assert mixed.units == ("u01", "u02", "u10", "u12")
    budget, work = (
        perfscore.messages.Text("预算执行", "Budget execution"),
        perfscore.messages.Text("任务完成", "Work done"),
    )
    assert mixed.details == ((budget,), (budget,), (budget,), (work, budget))  # u12: 48 of 50 and 27 of 30
    assert "91.67%" in full.message.zh and "11" in full.message.en
    assert "[90, 91)" in boundary.message.en and "「优」" in boundary.message.zh
    assert "rules.0" in cap.message.en and "rate < 80" in cap.message.en


def test_the_distributions_by_hand(batch: perfscore.BatchResult) -> None:
    """Bands of 60/80/90% of the points, full marks apart; medians of twelve: the mean of the 6th and 7th.

    Totals (of 100) sorted: 80.2 87.5 88.4 89 89 | 90.2 90.5 90.5 90.8 95 95.5 | 100: 5 in [80, 90),
    6 in [90, 100), 1 full; median (90.2 + 90.5) / 2 = 90.35. 预算执行 (of 30; 60% is 18, 80% 24,
    90% 27): 21 22.5 | 25.2 25.5 25.5 26.4 | 27 27 28.5 28.8 | 30 30: 2, 4, 4, 2 full; median
    (26.4 + 27) / 2 = 26.7. 社会效益 (of 20; 12, 16, 18): 5 10.2 | 12 12 12 12 13.5 | 20 × 5;
    median (12 + 13.5) / 2 = 12.75. 任务完成: 48 (96%) and 50 × 11.
    """
    found = {each.key: each for each in find_signals(batch).distributions}
    total, work, budget, effect = found[""], found["work"], found["budget"], found["effect"]
    assert (total.units, total.bands, total.full) == (12, (0, 0, 5, 6, 1), 1)
    assert (total.lowest, total.median, total.highest) == (D("80.20"), D("90.35"), D("100.00"))
    assert (budget.bands, budget.lowest, budget.median, budget.highest) == ((0, 2, 4, 4, 2), D(21), D("26.7"), D(30))
    assert (effect.bands, effect.median) == ((2, 5, 0, 0, 5), D("12.75"))
    assert (work.bands, work.lowest, work.median, work.full_share) == ((0, 0, 0, 1, 11), D(48), D(50), D(11) / D(12))
    assert work.above is None and work.gap is None  # scored units: nothing to compare with


def test_no_signal_below_the_minimum_and_the_report_says_so(batch: perfscore.BatchResult) -> None:
    """With min_units 13 the twelve units raise nothing, and every format says why."""
    signals = find_signals(batch, thresholds=Thresholds(min_units=13))
    assert len(signals) == 0 and not signals.enough
    assert "只有 12 个单位，少于 min_units = 13：不提示信号" in signals.render("text", "zh")
    assert "Only 12 units, fewer than min\\_units = 13: no signal is raised" in signals.render("markdown", "en")
    assert signals.to_dict()["enough"] is False
    assert signals.distributions[0].units == 12  # the distributions are still there


@pytest.mark.parametrize(
    ("setting", "silenced"),
    [
        ("cluster_count=5", {"above-boundary", "under-cap"}),  # 4 and 3 units are fewer than 5
        ("cluster_ratio=2.5", {"above-boundary"}),  # 4 < 2.5 × 2; the ceiling's 3 ≥ 2.5 × 1 stays
        ("full_share=0.92", {"full-marks"}),  # 11/12 = 91.67% < 92%
        ("qualitative_share=0.34", {"qualitative-full"}),  # 4/12 = 33.33% < 34%
        ("window=0.5", {"under-cap", "above-boundary"}),  # [88.5, 89] holds u01, u02; [90, 90.5) u07 alone
    ],
)
def test_a_signal_under_its_threshold_is_not_raised(
    batch: perfscore.BatchResult, setting: str, silenced: set[str]
) -> None:
    """Each threshold, moved just past the numbers worked out above, silences its signal and only it."""
    kinds = {each.kind for each in find_signals(batch, thresholds=Thresholds.parse([setting]))}
    everything = {"above-boundary", "under-cap", "full-marks", "qualitative-full"}
    assert kinds == everything - silenced


def test_thresholds_are_checked_in_both_languages() -> None:
    """A bad name, value or range is refused with its words in Chinese and English."""
    with pytest.raises(Refusal) as unknown:
        Thresholds.parse(["min_unit=3"])
    assert "unknown threshold 'min_unit'" in str(unknown.value) and "未知的阈值" in unknown.value.text.zh
    with pytest.raises(Refusal, match="must be above 0 and at most 1"):
        Thresholds.parse(["full_share=1.5"])
    with pytest.raises(Refusal, match="expected a whole number"):
        Thresholds.parse(["min_units=many"])
    with pytest.raises(Refusal, match="in increasing order"):
        Thresholds.parse(["bands=0.8,0.6"])
    with pytest.raises(Refusal, match="NAME=VALUE"):
        Thresholds.parse(["min_units"])
    assert Thresholds.parse(["bands=0.5, 0.75", "named=3"]) == Thresholds(bands=(D("0.5"), D("0.75")), named=3)


def test_reports_name_at_most_named_units(batch: perfscore.BatchResult) -> None:
    """``named`` bounds the units a report lists per signal; JSON keeps them all."""
    signals = find_signals(batch, thresholds=Thresholds(named=2))
    text = signals.render("text", "en")
    assert "u01, u02 (and others, 11 in all)" in text
    data = signals.to_dict()
    assert len(data["signals"][2]["units"]) == 11
    assert data["signals"][2]["numbers"] == {"units": 12, "full": 11, "share": str(D(11) / D(12))}


def test_the_median_of_an_odd_count_is_the_middle_value() -> None:
    """Three units scoring 1, 2 and 7 of 10: median 2; one at full marks; bands by 60/80/90%."""
    collector = Collector([Column("x", perfscore.messages.Text("甲", "A"), D(10))], source="scored",
                          total_points=D(10), grades=())  # fmt: skip
    for unit, score in (("a", "1"), ("b", "10"), ("c", "7")):
        collector.add(unit, D(score), [D(score)])
    column = collector.result().distributions[1]
    assert (column.median, column.lowest, column.highest, column.bands) == (D(7), D(1), D(10), (1, 1, 0, 0, 1))


# --- audits: the units' own scores ------------------------------------------------------------------


def test_audit_of_the_sample_tables_raises_self_scores_above_recomputed() -> None:
    """Of the 14 sample tables, 13 give a 总分 (school-b has none). Under project-mof-2020 eight report
    more than the rules give (docs/tables.md, the samples): anhui 96.48 − 94.48 = 2.00; bands 92.52 −
    86.52 = 6.00 (its block is min(rate, 1) × 10 = 8.52 here, not the band rule); forms 103.65 −
    101.65 = 2.00; four-stage 99 − 96.74 = 2.26; hubei 项目1 96.1 − 81.95 = 14.15; hubei 项目2 98.5 −
    98.44 = 0.06; management 97.4 − 91.40 = 6.00; shandong 96.59 − 93.59 = 3.00. 8 of 13 is 61.54% ≥
    30%, by 35.47 in all, 14.15 at most. Chongqing (−0.50) reports less: not counted."""
    found = audit_batch(ROOT / "tests" / "tables", perfscore.load("project-mof-2020")).signals()
    assert found.source == "self" and found.units == 14
    total = next(each for each in found if each.kind == "self-above" and each.key == "")
    assert total.numbers == {"units": 13, "above": 8, "share": D(8) / D(13), "gap": D("35.47"), "largest": D("14.15")}
    names = [unit.split("/")[-1] for unit in total.units]
    assert names == ["anhui-2022-project.xlsx!自评表", "bands-2023-project.csv", "forms-2023-project.xlsx!自评表",
                     "four-stage-2023-project.csv", "hubei-2023-workbook.xlsx!项目1-道路养护",
                     "hubei-2023-workbook.xlsx!项目2-职业培训", "management-2023-project.csv",
                     "shandong-2023-project.csv"]  # fmt: skip
    assert "self-score is above the score the rules give" in total.message.en
    distribution = found.distributions[0]
    assert distribution.above == 8 and distribution.gap == D("35.47") - D("0.50")


def training_table(number: int, effect: str) -> Table:
    """A table whose quantitative row falls short (90 of ≥ 100 人次: self-scored 45 of 50) and whose
    qualitative row (效果明显, actual ``effect``) is self-scored full, 50 of 50."""
    rows = (
        IndicatorRow("产出指标", "数量指标", "培训人次", "≥100人次", "90人次", D(50), D(45)),
        IndicatorRow("效益指标", "社会效益指标", "培训效果", "效果明显", effect, D(50), D(50)),
    )
    return Table(f"t{number:02d}", f"培训项目{number}", 2023, None, rows, D(95), "优", f"t{number:02d}.toml")


def test_audit_qualitative_full_while_quantitative_short_from_self_scores() -> None:
    """Ten tables, each self-scoring its 效果明显 row full while its 培训人次 row is 45 of 50: the ten
    have both kinds and all ten are flagged (100% ≥ 30%); 效益指标 is self-scored full in 10 of 10
    (100% ≥ 90%). Three of the actuals say 部分达成, whose band is [30, 40) of 50: those three
    self-scores are above the recomputed 30 (the tier's default) by 20 each — 3 of 10 is 30% ≥ 30%."""
    ruleset = perfscore.load("project-mof-2020")
    tables = [training_table(n, "部分达成" if n <= 3 else "达成") for n in range(1, 11)]
    found = audit_batch(tables, ruleset).signals()
    kinds = [(each.kind, each.key) for each in found]
    assert ("qualitative-full", None) in kinds and ("full-marks", "effect") in kinds
    mixed = next(each for each in found if each.kind == "qualitative-full")
    assert mixed.numbers == {"units": 10, "flagged": 10, "share": D(1)}
    assert {item.zh for items in mixed.details for item in items} == {"培训人次"}  # the row that fell short
    effect = next(each for each in found if each.kind == "self-above" and each.key == "effect")
    assert effect.numbers == {"units": 10, "above": 3, "share": D("0.3"), "gap": D(60), "largest": D(20)}
    assert effect.units == ("t01.toml", "t02.toml", "t03.toml")
    output = found.distributions[[d.key for d in found.distributions].index("output")]
    assert (output.units, output.full, output.bands, output.points) == (10, 0, (0, 0, 0, 10, 0), None)


# --- the gates ----------------------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script>|*x*\n\u202eevil"


def test_hostile_names_pass_every_gate() -> None:
    """A unit named with HTML, Markdown, a line break and a bidirectional override reaches no output raw."""
    collector = Collector([Column("x", perfscore.messages.Text("甲<b>", "A<b>"), D(10))], source="scored",
                          total_points=D(10), grades=(), thresholds=Thresholds(min_units=1, full_share=D("0.5")))  # fmt: skip
    collector.add(HOSTILE, D(10), [D(10)])
    found = collector.result()
    assert [each.units for each in found] == [(HOSTILE,)]
    text = found.render("text", "en")
    assert "\u202e" not in text and "\\u202e" in text and "\nevil" not in text
    markdown = found.render("markdown", "en")
    assert "<script>" not in markdown and "\\|" in markdown and "\\*x\\*" in markdown
    html = found.render("html", "en")
    assert "<script>" not in html and "&lt;script&gt;" in html and "A&lt;b&gt;" in html and "\u202e" not in html
    assert json.loads(json.dumps(found.to_dict()))["signals"][0]["units"] == [HOSTILE]  # data, exactly


def test_the_charts_show_exact_values_through_the_gate() -> None:
    """A stacked bar's parts and a histogram's columns carry their exact values; labels are escaped."""
    svg = stacked([Stack("<甲>", (D(3), D(0), D(9)), "75.00%")], "t", ["a", "b", "c"])
    assert "&lt;甲&gt;" in svg and "<title>a: 3</title>" in svg and "<title>c: 9</title>" in svg
    assert "b: 0" not in svg  # an empty part draws nothing
    assert 'width="105.0"' in svg and 'width="315.0"' in svg  # 3/12 and 9/12 of the 420 units of room
    chart = histogram([Bar("90", D(4), "4"), Bar("91", D(2), "2")], "t", marks=[(0, "优 ≥ 90")])
    assert "<title>90: 4</title>" in chart and "优 ≥ 90" in chart and "stroke-dasharray" in chart
    assert 'height="200.0"' in chart and 'height="100.0"' in chart  # 4 is the tallest; 2 is half of it


# --- the command line -----------------------------------------------------------------------------------


def perfscore_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def as_json(effect: object) -> object:
    """A rating as a JSON data file writes it: a tier, or a tier with its score as text."""
    return {key: str(value) for key, value in effect.items()} if isinstance(effect, dict) else effect


def test_score_with_signals_on_the_command_line(tmp_path: Path) -> None:
    """``perfscore score … --signals`` ends the report with them; ``--threshold`` changes one; JSON has them."""
    ruleset = tmp_path / "demo.toml"
    ruleset.write_text(RULESET, encoding="utf-8")
    lines = [
        json.dumps({"id": unit, "data": {"done": done, "rate": rate, "effect": as_json(effect)}}, ensure_ascii=False)
        for unit, (done, rate, effect) in UNITS.items()
    ]
    data = tmp_path / "units.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out, _ = perfscore_cli("score", str(ruleset), str(data), "--signals", "--lang", "en")
    assert status == 0 and "Signals across units" in out and "u05, u06, u07, u08 (4 in all)" in out
    status, out, _ = perfscore_cli("score", str(ruleset), str(data), "--signals", "--threshold", "min_units=20")
    assert status == 0 and "只有 12 个单位，少于 min_units = 20" in out
    status, out, _ = perfscore_cli("score", str(ruleset), str(data), "--signals", "--format", "json")
    document = json.loads(out)
    assert [each["kind"] for each in document["signals"]["signals"]] == [
        "above-boundary", "under-cap", "full-marks", "qualitative-full"]  # fmt: skip
    assert len(document["units"]) == 12
    status, _, err = perfscore_cli("score", str(ruleset), str(data), "--signals", "--format", "jsonl")
    assert status == 2 and "--signals" in err
    status, _, err = perfscore_cli("score", str(ruleset), str(data), "--threshold", "bands=0.9,0.8", "--lang", "en")
    assert status == 2 and "threshold bands must be between 0 and 1 (both excluded), in increasing order" in err
    status, out, _ = perfscore_cli("score", str(ruleset), str(data), "--format", "html")
    assert status == 0 and '<div class="signals">' in out and out.count("<svg") >= 3


def test_audit_with_signals_on_the_command_line() -> None:
    """``perfscore audit FOLDER --signals`` adds them to the text summary; the HTML page always has them."""
    tables = str(ROOT / "tests" / "tables")
    status, out, _ = perfscore_cli("audit", tables, "--ruleset", "project-mof-2020", "--signals", "--lang", "en")
    assert status == 0 and "Signals across units" in out and "in 8 of 13 tables (61.54%)" in out
    status, out, _ = perfscore_cli("audit", tables, "--ruleset", "project-mof-2020", "--format", "html")
    assert status == 0 and '<div class="signals">' in out and "8 张（61.54%）" in out
    status, out, _ = perfscore_cli("audit", tables, "--ruleset", "project-mof-2020")
    assert "跨单位信号" not in out  # the text summary has them only when asked


def test_the_worked_example_in_the_docs_is_what_the_command_prints(tmp_path: Path) -> None:
    """docs/tuning.md's example (its ruleset and data blocks) prints the signals the page shows, word for word."""
    page = (ROOT / "docs" / "tuning.md").read_text(encoding="utf-8").split("## Signals across units", 1)[1]
    ruleset, data = (block.split("```", 1)[0] for block in page.split("```toml\n")[1:3])
    (tmp_path / "signals-demo.toml").write_text(ruleset, encoding="utf-8")
    (tmp_path / "units.toml").write_text(data, encoding="utf-8")
    status, out, _ = perfscore_cli(
        "score", str(tmp_path / "signals-demo.toml"), str(tmp_path / "units.toml"), "--signals", "--lang", "en"
    )
    shown = page.split("--signals --lang en` ends with:\n\n```text\n", 1)[1].split("```", 1)[0]
    assert status == 0 and shown in out
    assert ruleset.strip() == RULESET.strip().replace("[ruleset]", "# ruleset: complete\n[ruleset]", 1)


def test_the_python_ways_in_agree(batch: perfscore.BatchResult) -> None:
    """``batch.signals()``, ``perfscore.find_signals`` and results given as a list raise the same signals;
    float thresholds are read by their shortest text (0.9 is 0.9, as data is)."""
    by_batch = batch.signals(Thresholds(full_share=0.9))  # type: ignore[arg-type]
    assert by_batch == perfscore.find_signals(batch)
    listed = find_signals(list(batch.results))
    assert [(each.kind, each.units) for each in listed] == [(each.kind, each.units) for each in by_batch]
    with pytest.raises(Refusal, match="no scored units"):
        find_signals([])


def test_worker_processes_give_the_same_signals(batch: perfscore.BatchResult) -> None:
    """Units scored in two worker processes come back with their leaf scores: the same signals."""
    ruleset = batch.ruleset
    units = [
        perfscore.Unit(unit, None, {"done": done, "rate": rate, "effect": effect})
        for unit, (done, rate, effect) in UNITS.items()
    ]
    assert find_signals(ruleset.score_many(units, workers=2)) == find_signals(batch)


def test_a_wide_range_of_totals_is_drawn_in_at_most_forty_columns() -> None:
    """Totals from 0 to 1,000 (a ruleset out of 1,000) are drawn 50 points a column: 21 columns, not 1,001."""
    collector = Collector([], source="scored", total_points=D(1000), grades=())
    for total in (D(0), D(500), D(1000)):
        collector.add(str(total), total, [])
    html = collector.result().render("html", "en")
    assert html.count("<rect") == 21 + 0  # one column per 50 points, 0 to 1,000 included
    assert "<title>950: 0</title>" in html and "<title>1000: 1</title>" in html


GROUP_CAP = """
[ruleset]
id = "group-cap"
title = "产出组封顶"
version = "1"
sources = ["示例 / an example"]

[inputs.a]
type = "percent"
label = "数量完成率"
[inputs.b]
type = "percent"
label = "质量达标率"
[inputs.late]
type = "bool"
label = "未按期完成"
default = false

[indicators.output]
name = "产出"
name_en = "Output"
points = 60

[indicators.output.count]
name = "数量"
points = 30
method = "ratio"
actual = "a"
target = 100

[indicators.output.quality]
name = "质量"
points = 30
method = "ratio"
actual = "b"
target = 100

[[indicators.output.rules]]
kind = "ceiling"
when = "late"
at_most = 50

[indicators.rest]
name = "其他"
points = 40
method = "ratio"
actual = "a"
target = 100
"""


def test_a_ceiling_on_a_group_gathers_the_units_at_it() -> None:
    """A ceiling of 50 on 产出 (60 points) while a unit is late. g1–g4 are late with everything done:
    60 capped at 50; g5 has 质量 65% → 30 + 19.5 = 49.5; g6 61% → 48.3; g7–g10 are not late, all done: 60.
    [49, 50] holds g1–g5 (5), [48, 49) g6 (1): raised on the group, named by the group."""
    ruleset = perfscore.loads(GROUP_CAP)
    values = [(100, True)] * 4 + [(65, False), (61, False)] + [(100, False)] * 4
    units = [perfscore.Unit(f"g{n}", None, {"a": 100, "b": b, "late": late}) for n, (b, late) in enumerate(values, 1)]
    found = find_signals(ruleset.score_many(units))
    (cap,) = [each for each in found if each.kind == "under-cap"]
    assert (cap.key, cap.name.zh, cap.units) == ("output", "产出", ("g1", "g2", "g3", "g4", "g5"))
    assert cap.numbers == {"cap": D(50), "lower": D(49), "floor": D(48), "above": 5, "below": 1}
    assert "on Output" in cap.message.en and "output.rules.0" in cap.message.en and "产出在 [49, 50]" in cap.message.zh


def test_results_of_two_rulesets_are_not_mixed(batch: perfscore.BatchResult) -> None:
    """Results scored under another ruleset cannot share a column: refused in both languages."""
    other = perfscore.loads(RULESET).score({"done": 100, "rate": 100, "effect": "达成"}, unit="x")
    with pytest.raises(Refusal, match="different rulesets") as refused:
        find_signals([*batch.results, other])
    assert "不同的规则" in refused.value.text.zh


def test_the_reports_index_shows_the_signals(tmp_path: Path) -> None:
    """``write_reports``' index.html carries the signals under the thresholds given, and the totals
    chart colours each column by its grade (the sample totals, 92.52 to 103.65, are all 优: green)."""
    from perfscore.tables import write_reports

    audited = audit_batch(ROOT / "tests" / "tables", perfscore.load("project-mof-2020"))
    write_reports(audited, tmp_path / "reports", thresholds=Thresholds(gap_share=D("0.7")))
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert '<div class="signals">' in index and "gap_share=0.7" in index
    assert "自评高于重算" not in index  # 8 of 13 is 61.54%, under 70%
    histogram = index.split('aria-label="总分分布"', 1)[1].split("</svg>", 1)[0]
    assert 'fill="#12b76a"' in histogram and 'fill="#2e90fa"' not in histogram


HALVES = st.integers(min_value=0, max_value=20).map(lambda n: D(n) / 2)  # 0, 0.5, …, 10


@given(st.lists(HALVES, min_size=1, max_size=40), st.integers(min_value=1, max_value=5))
def test_counting_by_value_agrees_with_counting_one_by_one(scores: list[Decimal], least: int) -> None:
    """Property: for any scores (of 10 points, as the total too), the distribution and the boundary
    signal counted by value are what a plain loop over the units gives (bands by share of the points,
    median from the sorted list, [b, b + 1) against [b − 1, b) at the boundary 5)."""
    grade = type("Grade", (), {"name": "甲", "name_en": "A", "min": D(5)})
    thresholds = Thresholds(min_units=least, cluster_count=1, cluster_ratio=1)
    collector = Collector([Column("x", perfscore.messages.Text("甲", "A"), D(10))], source="scored",
                          total_points=D(10), grades=[grade], thresholds=thresholds)  # fmt: skip
    for number, score in enumerate(scores):
        collector.add(f"u{number}", score, [score])
    found = collector.result()
    column = found.distributions[1]
    edges = [D(6), D(8), D(9)]
    bands = [0] * 5
    for score in scores:
        bands[4 if score >= 10 else sum(score >= edge for edge in edges)] += 1
    ordered = sorted(scores)
    middle = (ordered[(len(ordered) - 1) // 2] + ordered[len(ordered) // 2]) / 2
    assert column.bands == tuple(bands) and column.full == bands[4] and sum(column.bands) == len(scores)
    assert (column.lowest, column.median, column.highest) == (ordered[0], middle, ordered[-1])
    above = [f"u{n}" for n, score in enumerate(scores) if D(5) <= score < D(6)]
    below = sum(1 for score in scores if D(4) <= score < D(5))
    raised = [each for each in found if each.kind == "above-boundary"]
    expected = len(scores) >= least and len(above) >= 1 and len(above) >= below
    assert bool(raised) == expected
    if raised:
        assert raised[0].units == tuple(above) and raised[0].numbers["below"] == below


def test_a_batch_where_every_unit_failed_has_no_signal() -> None:
    """Units that could not be scored are left out; none scored: an empty distribution, no signal, no crash."""
    ruleset = perfscore.loads(RULESET)
    batch = ruleset.score_many([perfscore.Unit(f"x{n}", None, {"done": "九十"}) for n in range(12)])
    assert len(batch.errors) == 12
    found = find_signals(batch)
    assert (found.units, len(found), found.distributions[0].units) == (0, 0, 0)
    assert "只有 0 个单位" in found.render("text", "zh") and "<svg" not in found.render("html", "zh")
