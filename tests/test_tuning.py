"""Sensitivity and what-it-takes (issue 15, items 1 and 2), checked by hand.

One small ruleset (100 points, each leaf rounded half-up to 2 places, grades 优 ≥ 90, 良 ≥ 80,
中 ≥ 60, 差 below) and twelve units, plus one whose data is bad. Every interval, every unit moved
past an end and every what-it-takes answer below is worked out in the comments, then asserted.

Leaves (W = points):
  output.done     ratio, done / 50 × W (met at 50), W = 30
  output.quality  ratio, quality / 100 × W, W = 20          (siblings: the weight moves between them)
  budget          bands on rate: ≥ 0.9 → 20; [0.8, 0.9) → 12; < 0.8 → 0   (W = 20)
  findings        deduction, 10 − min(2 × findings, 10)     (W = 10)
  effect          rating on the default scale: 达成 1 × 20, 部分达成 0.6 × 20 = 12, 未达成 0   (W = 20)
"""

from __future__ import annotations

import re
import shlex
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfscore
from perfscore import TuningError, reach, tuning
from perfscore.cli import run
from perfscore.tuningreport import render_sensitivity
from perfscore.units import Unit

RULESET = """
[ruleset]
id = "tune-demo"
title = "调参示例"
title_en = "Tuning example"
version = "1"
sources = ["测试用示例"]

[inputs.done]
type = "count"
label = "完成数量"
label_en = "outputs done"
max = 100
[inputs.quality]
type = "percent"
label = "质量达标率"
label_en = "quality pass rate"
min = 0
max = 100
[inputs.rate]
label = "预算执行率"
label_en = "budget execution rate"
min = 0
max = 1.5
[inputs.findings]
type = "count"
label = "问题数"
label_en = "findings"
[inputs.effect]
type = "rating"
label = "效果"
label_en = "effect"

[indicators.output]
name = "产出"
name_en = "Output"
points = 50

[indicators.output.done]
name = "完成数量"
name_en = "Outputs done"
points = 30
method = "ratio"
actual = "done"
target = 50

[indicators.output.quality]
name = "质量"
name_en = "Quality"
points = 20
method = "ratio"
actual = "quality"
target = 100

[indicators.budget]
name = "预算执行"
name_en = "Budget execution"
points = 20
method = "bands"
value = "rate"
bands = [
  { min = 0.9, points = 20 },
  { min = 0.8, max = 0.9, points = 12 },
  { max = 0.8, points = 0 },
]

[indicators.findings]
name = "问题扣分"
name_en = "Findings"
points = 10
method = "deduction"
count = "findings"
each = 2

[indicators.effect]
name = "效果"
name_en = "Effect"
points = 20
method = "rating"
input = "effect"
"""


def unit(done: int, quality: int, rate: str, findings: int, effect: Any) -> dict[str, Any]:
    return {"done": done, "quality": quality, "rate": Decimal(rate), "findings": findings, "effect": effect}


# id: values, and the total worked by hand (done + quality + budget + findings + effect)
UNITS = {
    "u01": unit(50, 100, "0.95", 0, "达成"),  # 30 + 20 + 20 + 10 + 20 = 100 优
    "u02": unit(50, 0, "0.95", 0, "达成"),  # 30 + 0 + 20 + 10 + 20 = 80 良 (on the edge of 良)
    "u03": unit(0, 100, "0.95", 0, "达成"),  # 0 + 20 + 20 + 10 + 20 = 70 中
    "u04": unit(25, 100, "0.95", 0, "部分达成"),  # 15 + 20 + 20 + 10 + 12 = 77 中
    "u05": unit(50, 100, "0.85", 0, "达成"),  # 30 + 20 + 12 + 10 + 20 = 92 优
    "u06": unit(50, 100, "0.79", 0, "达成"),  # 30 + 20 + 0 + 10 + 20 = 80 良
    "u07": unit(50, 100, "0.95", 3, "达成"),  # 30 + 20 + 20 + 4 + 20 = 94 优
    "u08": unit(50, 100, "0.95", 6, "达成"),  # 30 + 20 + 20 + 0 (12 capped at 10) + 20 = 90 优
    "u09": unit(50, 100, "0.95", 1, "部分达成"),  # 30 + 20 + 20 + 8 + 12 = 90 优 (on the edge of 优)
    "u10": unit(50, 100, "0.95", 5, "未达成"),  # 30 + 20 + 20 + 0 + 0 = 70 中
    "u11": unit(50, 100, "0.95", 0, {"tier": "部分达成", "score": 15}),  # 30 + 20 + 20 + 10 + 15 = 95 优
    "u12": unit(40, 100, "0.95", 0, "达成"),  # 24 + 20 + 20 + 10 + 20 = 94 优
}
TOTALS = {"u01": "100", "u02": "80", "u03": "70", "u04": "77", "u05": "92", "u06": "80", "u07": "94",
          "u08": "90", "u09": "90", "u10": "70", "u11": "95", "u12": "94"}  # fmt: skip
BAD = Unit("u13", None, unit(50, 100, "0.95", 0, "很好"))  # not a tier: a data error


@pytest.fixture(scope="module")
def ruleset() -> perfscore.Ruleset:
    return perfscore.loads(RULESET)


def units() -> list[Unit]:
    return [Unit(key, None, values) for key, values in UNITS.items()]


def test_totals_as_worked_by_hand(ruleset: perfscore.Ruleset) -> None:
    """The twelve units score what the comments above add up to."""
    assert {key: ruleset.score(values).total for key, values in UNITS.items()} == {
        key: Decimal(total) for key, total in TOTALS.items()
    }


@pytest.fixture(scope="module")
def analysed(ruleset: perfscore.Ruleset) -> tuning.Sensitivity:
    params = [
        "weight:output.done/output.quality",
        "budget:bands.0.min",
        "findings:each",
        "scales.default.部分达成.default",
    ]
    return perfscore.sensitivity(ruleset, [*units(), BAD], params)


def found(analysed: tuning.Sensitivity, name: str) -> tuning.ParameterSensitivity:
    return next(item for item in analysed.parameters if item.parameter.id == name)


def moves(end: tuning.End) -> list[tuple[str, str, str, str | None, str | None]]:
    return [
        (m.unit, m.before.name, str(m.total_before), m.after and m.after.name, m.total_after and str(m.total_after))
        for m in end.moves
    ]


def test_weight_between_siblings(analysed: tuning.Sensitivity) -> None:
    """Points moved to output.done from output.quality (t = points moved; done is worth 30 + t, in
    cents: the loader takes no more decimals than the rounding keeps)."""
    # The total moves by t × (done share − quality share), rounded leaf by leaf:
    #   u02 (shares 1 and 0): 80 + t. 良 needs 80 ≤ 80 + t < 90: t = −0.01 gives 79.99 中, t = 10 gives 90 优.
    #   u03 (shares 0 and 1): 70 − t. t = −10 gives 80 良; t = 10.01 gives 59.99 差. (t = 10: 60.00 中.)
    #   u04 (shares 0.5 and 1): round(0.5 × (30 + t)) + (20 − t) + 42. Going down, t = −5.98: 12.01 + 25.98 + 42
    #       = 79.99 中; t = −5.99: 0.5 × 24.01 = 12.005 → 12.01 (half-up), + 25.99 + 42 = 80.00 良.
    #   every other unit has equal shares (1 and 1): its total does not move.
    # So done's points may go from 30 (t = 0, u02) to 39.99 (t = 9.99, u02): [30, 39.99].
    item = found(analysed, "weight:output.done/output.quality")
    assert item.interval() == "[30, 39.99]"
    assert (item.low.inside, item.low.past, item.high.inside, item.high.past) == (
        Decimal("30.00"), Decimal("29.99"), Decimal("39.99"), Decimal("40.00"),
    )  # fmt: skip
    assert moves(item.low) == [("u02", "良", "80.00", "中", "79.99")]  # 30 + 29.99/30 × … : 79.99
    assert moves(item.high) == [("u02", "良", "80.00", "优", "90.00")]  # u03 at t = 10 is still 60.00 中
    assert item.margin == Decimal("0.01") and item.moved == 1
    assert item.verified


@pytest.mark.parametrize(
    ("key", "interval"),
    [
        ("u01", "[0, 50]"),  # equal shares: nothing moves; done's points range over [0, 50]
        ("u02", "[30, 39.99]"),
        ("u03", "[20.01, 40]"),  # t from −9.99 to 10
        ("u04", "[24.02, 50]"),  # t from −5.98 (half-up rounding makes −5.99 reach 良), nothing upward
        ("u05", "[0, 50]"),
        ("u11", "[0, 50]"),
    ],
)
def test_weight_unit_by_unit(ruleset: perfscore.Ruleset, key: str, interval: str) -> None:
    """Each unit alone has the interval worked out in test_weight_between_siblings."""
    alone = perfscore.sensitivity(ruleset, [Unit(key, None, UNITS[key])], ["weight:output.done/output.quality"])
    assert alone.parameters[0].interval() == interval


def test_band_threshold(analysed: tuning.Sensitivity) -> None:
    """The 0.9 threshold of the budget bands (band 0's min and band 1's max move together)."""
    # A rate at or above the threshold earns 20, below it (down to 0.8) 12: 8 points apart.
    # Up: every unit at 0.95 falls to band 1 once the threshold passes 0.95 (0.95 itself still holds):
    #   u02 80 → 72 中, u07 94 → 86 良, u08 90 → 82 良, u09 90 → 82 良, u11 95 → 87 良 (u12 94 → 86 良);
    #   u01 100 → 92, u03 70 → 62, u04 77 → 69, u10 70 → 62 keep their grades.
    # Down: u05 (0.85) joins band 0 once the threshold is at 0.85 or below: 92 → 100, still 优; the
    #   threshold cannot go below band 1's own min, 0.8 (included). So [0.8, 0.95].
    item = found(analysed, "budget:bands.0.min")
    assert item.interval() == "[0.8, 0.95]"
    assert item.low.limit and not item.low.moves
    assert item.high.past == Decimal("0.96")
    assert moves(item.high) == [
        ("u02", "良", "80.00", "中", "72.00"),
        ("u07", "优", "94.00", "良", "86.00"),
        ("u08", "优", "90.00", "良", "82.00"),
        ("u09", "优", "90.00", "良", "82.00"),
        ("u11", "优", "95.00", "良", "87.00"),
        ("u12", "优", "94.00", "良", "86.00"),
    ]
    assert item.margin == Decimal("0.06") and item.moved == 6


def test_points_per_finding(analysed: tuning.Sensitivity) -> None:
    """``each`` of the findings deduction (2 now; above 0): rounding moves both ends off round numbers."""
    # u07 (3 findings): 90 + 10 − min(3e, 10) ≥ 90 whatever e: stays 优. u08 (6): 90 + 10 − min(6e, 10) ≥ 90.
    # u09 (1 finding): 80 + round(10 − e): 10 − 2.005 = 7.995 → 8.00 (half-up), total 90.00 优; any e above
    #   2.005 gives 7.99…, 89.99 良. The high end is 2.005, included; the next value at 0.01 steps is 2.01.
    # u10 (5 findings): 70 + round(10 − 5e): e = 0.001 gives 9.995 → 10.00, total 80.00 良; above it 79.99 中.
    #   So the low end is 0.001, excluded: there u10 moves up to 良.
    item = found(analysed, "findings:each")
    assert item.interval() == "(0.001, 2.005]"
    assert (item.low.inside, item.low.past) == (Decimal("0.01"), Decimal("0.001"))
    assert moves(item.low) == [("u10", "中", "70.00", "良", "80.00")]
    assert (item.high.inside, item.high.past) == (Decimal("2.005"), Decimal("2.01"))
    assert moves(item.high) == [("u09", "优", "90.00", "良", "89.99")]
    assert item.margin == Decimal("0.01") and item.moved == 1


def test_tier_default(analysed: tuning.Sensitivity) -> None:
    """The default share d of 部分达成 (0.6 now; the tier is [0.6, 0.8))."""
    # Rated 部分达成 without a score: u04 (65 + 20d) and u09 (78 + 20d); u11 gave its score (15): unmoved.
    # u04 reaches 80 (良) once 20d rounds to 15.00: 20d ≥ 14.995, d ≥ 0.74975 (excluded from the interval);
    # u09 only rises. d cannot go below 0.6, the tier's own min. So [0.6, 0.74975).
    item = found(analysed, "scales.default.部分达成.default")
    assert item.interval() == "[0.6, 0.74975)"
    assert (item.high.inside, item.high.past) == (Decimal("0.74"), Decimal("0.74975"))
    assert moves(item.high) == [("u04", "中", "77.00", "良", "80.00")]


def test_ranked_most_fragile_first(analysed: tuning.Sensitivity) -> None:
    """Ranked by the units the smallest change moves (band: 6), then by that change (0.01 each), then id."""
    assert [item.parameter.id for item in analysed.parameters] == [
        "budget:bands.0.min",
        "findings:each",
        "weight:output.done/output.quality",
        "scales.default.部分达成.default",
    ]


def test_bad_unit_reported_others_analysed(analysed: tuning.Sensitivity) -> None:
    """The unit whose tier is unknown is listed with its error; the twelve others are analysed."""
    assert analysed.units == 13
    assert [error.unit for error in analysed.errors] == ["u13"]
    assert "很好" in str(analysed.errors[0].error)


@pytest.mark.parametrize(
    ("name", "code", "said"),
    [
        ("weight:output.done/output.qualty", "unknown-parameter", "no leaf indicator with the id output.qualty"),
        ("weight:output.done/budget", "unknown-parameter", "are not two leaves of one group"),
        ("budget:bands.7.max", "unknown-parameter", "no tuning parameter named budget:bands.7.max"),
        ("effect:each", "unknown-parameter", "no tuning parameter named effect:each"),
    ],
)
def test_bad_parameters(ruleset: perfscore.Ruleset, name: str, code: str, said: str) -> None:
    """A parameter the ruleset does not have is refused, located at the name given."""
    with pytest.raises(TuningError) as raised:
        perfscore.sensitivity(ruleset, units(), [name])
    assert raised.value.problems[0].code == code
    assert said in str(raised.value)


def test_formula_reading_points_not_tunable() -> None:
    """Moving points into a formula leaf that reads ``points`` is refused as not tunable, and is left
    out of the default parameters."""
    text = RULESET.replace(
        'method = "ratio"\nactual = "quality"\ntarget = 100', 'method = "formula"\nformula = "points * quality / 100"'
    )
    ruleset = perfscore.loads(text)
    with pytest.raises(TuningError) as raised:
        perfscore.sensitivity(ruleset, units(), ["weight:output.done/output.quality"])
    assert raised.value.problems[0].code == "not-tunable"
    assert "weight:output.done/output.quality" not in [p.id for p in tuning.parameters(ruleset)]


def test_default_parameters(ruleset: perfscore.Ruleset) -> None:
    """With none chosen: every pair of sibling leaves, each method's own parameters, each tier default."""
    assert [p.id for p in tuning.parameters(ruleset)] == [
        "weight:budget/findings",
        "weight:budget/effect",
        "weight:findings/effect",
        "weight:output.done/output.quality",
        "budget:bands.0.min",
        "budget:bands.1.min",
        "findings:each",
        "scales.default.达成.default",
        "scales.default.部分达成.default",
        "scales.default.未达成.default",
    ]


# --- what it takes -----------------------------------------------------------------------------


def reached(found: reach.WhatItTakes, name: str) -> reach.Reach:
    return next(item for item in found.reaches if item.input == name)


def test_what_it_takes_next_grade(ruleset: perfscore.Ruleset) -> None:
    """u02 (80, 良) to 优: only quality can, from 0 to 49.98."""
    # quality / 100 × 20 must round to 10.00: at least 9.995, so quality ≥ 49.975; at 0.01 steps 49.98
    # (9.996 → 10.00, total 90.00 优); 49.97 gives 9.994 → 9.99, total 89.99 良.
    # done is at its target (more earns nothing), rate is in the top band, findings are 0 and effect is
    # 达成: none of them can add a point.
    found = perfscore.what_it_takes(ruleset, UNITS["u02"])
    assert found.goal_grade is not None and found.goal_grade.name == "优"
    quality = reached(found, "quality")
    assert (quality.value, quality.change, quality.total, quality.short, quality.short_total) == (
        Decimal("49.98"), Decimal("49.98"), Decimal("90.00"), Decimal("49.97"), Decimal("89.99"),
    )  # fmt: skip
    assert quality.step == Decimal("0.01")
    for name in ("done", "rate", "findings", "effect"):
        assert reached(found, name).value is None
        assert reached(found, name).why is not None


def test_what_it_takes_counts_and_tiers(ruleset: perfscore.Ruleset) -> None:
    """u04 (77, 中) to 良: done whole counts (25 → 30), or effect one tier up (部分达成 → 达成)."""
    # done: 30 × d / 50 + 62 ≥ 80 needs 30d/50 ≥ 17.995, d ≥ 29.99…: 30 (18.00, total 80.00); 29 gives 17.40, 79.40.
    # effect 达成: 20 instead of 12, total 85.00 良.
    found = perfscore.what_it_takes(ruleset, UNITS["u04"])
    done = reached(found, "done")
    assert (done.value, done.change, done.total, done.short, done.short_total) == (
        Decimal(30), Decimal(5), Decimal("80.00"), Decimal(29), Decimal("79.40"),
    )  # fmt: skip
    effect = reached(found, "effect")
    assert (effect.current, effect.value, effect.total) == ("部分达成", "达成", Decimal("85.00"))


def test_what_it_takes_a_total(ruleset: perfscore.Ruleset) -> None:
    """u09 (90) to a total of 95: findings 1 → 0 gives only 92; effect 达成 gives 98."""
    found = perfscore.what_it_takes(ruleset, UNITS["u09"], to="95")
    assert found.goal_total == Decimal(95)
    assert reached(found, "findings").value is None
    assert reached(found, "effect").value == "达成" and reached(found, "effect").total == Decimal("98.00")


def test_what_it_takes_reached_and_bad_goal(ruleset: perfscore.Ruleset) -> None:
    """A goal already met needs nothing; an unknown grade is refused with the grades it could be."""
    assert perfscore.what_it_takes(ruleset, UNITS["u01"]).reached
    assert perfscore.what_it_takes(ruleset, UNITS["u02"], to="良").reached
    with pytest.raises(TuningError, match="优/Excellent"):
        perfscore.what_it_takes(ruleset, UNITS["u02"], to="极好")


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Any) -> Any:
    (tmp_path / "r.toml").write_text(RULESET, encoding="utf-8")
    lines = []
    for key, values in [*UNITS.items(), ("u13", BAD.values)]:
        lines.append(f'[[units]]\nid = "{key}"\n[units.data]')
        for name, value in values.items():
            if isinstance(value, dict):
                lines.append(f'{name} = {{ tier = "{value["tier"]}", score = {value["score"]} }}')
            elif isinstance(value, str):
                lines.append(f'{name} = "{value}"')
            else:
                lines.append(f"{name} = {value}")
    (tmp_path / "units.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "u02.toml").write_text(
        'done = 50\nquality = 0\nrate = 0.95\nfindings = 0\neffect = "达成"\n', encoding="utf-8"
    )
    return tmp_path


def cli(*argv: str) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_cli_sensitivity_text(files: Any) -> None:
    """The command ranks the parameters, says each interval and the units past it, and reports the bad
    unit on stderr (exit 3) without losing the others."""
    code, out, err = cli("sensitivity", str(files / "r.toml"), str(files / "units.toml"),
                         "--param", "findings:each", "--lang", "en")  # fmt: skip
    assert code == 3
    assert "now 2; no unit changes grade within (0.001, 2.005]" in out
    assert "high end 2.005 (included): at 2.01, 1 unit changes grade" in out
    assert "u09: Excellent 90.00 → Good 89.99" in out
    assert "u13" in err and "很好" in err


def test_cli_sensitivity_formats(files: Any) -> None:
    """JSON carries the exact ends; Markdown a table; HTML a page with the interval chart; -o writes."""
    base = ("sensitivity", str(files / "r.toml"), str(files / "units.toml"), "--param", "budget:bands.0.min")
    code, out, _ = cli(*base, "--format", "json")
    import json

    assert code == 3  # the bad unit
    data = json.loads(out)
    assert data["parameters"][0]["interval"] == "[0.8, 0.95]" and data["parameters"][0]["high"]["past"] == "0.96"
    assert data["scored"] == 12 and data["errors"][0]["unit"] == "u13"
    _, out, _ = cli(*base, "--format", "markdown", "--lang", "en")
    assert (
        "| 1 | Budget execution: the lower end of the band ≥ 0.9 (bands\\[0\\]) `budget:bands.0.min` | 0.9 | \\[0.8, 0.95\\] | 0.06 | 6 |"
        in out
    )
    assert cli(*base, "-o", str(files / "s.html"))[0] == 3  # written; the bad unit is reported
    page = (files / "s.html").read_text(encoding="utf-8")
    assert "<svg" in page and "[0.8, 0.95]" in page and "<script" not in page
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert ">1. 预算执行" in chart  # the chart's label starts with the table's number, found even when cut


def test_cli_bad_parameter(files: Any) -> None:
    """An unknown parameter is an error of the command (exit 1), with the name probably meant."""
    code, _, err = cli(
        "sensitivity", str(files / "r.toml"), str(files / "units.toml"), "--param", "findings:eac", "--lang", "en"
    )
    assert code == 1
    assert "no tuning parameter named findings:eac" in err and "did you mean 'findings:each'" in err


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_cli_score_to(files: Any, fmt: str) -> None:
    """``perfscore score … --to 优`` adds what it takes to the unit's report in each format."""
    code, out, _ = cli(
        "score", str(files / "r.toml"), str(files / "u02.toml"), "--to", "优", "--format", fmt, "--lang", "en"
    )
    assert code == 0
    if fmt == "json":
        import json

        found = json.loads(out)["what_it_takes"]
        assert [i["value"] for i in found["inputs"] if i["input"] == "quality"] == ["49.98"]
    else:
        assert "49.98" in out and "89.99" in out


def test_cli_score_to_in_chinese(files: Any) -> None:
    """The section speaks Chinese by default."""
    code, out, _ = cli("score", str(files / "r.toml"), str(files / "u02.toml"), "--to")
    assert code == 0
    assert "要达到「优」，单项需要的最小改变" in out and "质量达标率（quality）：0 → 49.98" in out


# --- the property ------------------------------------------------------------------------------


values = st.builds(
    unit,
    st.integers(0, 60),
    st.integers(0, 100),
    st.sampled_from(["0.75", "0.8", "0.85", "0.9", "0.95"]),
    st.integers(0, 6),
    st.sampled_from(["达成", "部分达成", "未达成"]),
)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(values, min_size=1, max_size=6),
    st.sampled_from(["weight:output.done/output.quality", "budget:bands.0.min", "findings:each",
                     "scales.default.部分达成.default", "rules.0.at_most"]),
    st.integers(0, 10**6),
)  # fmt: skip
def test_inside_keeps_grades_past_moves_them(drawn: list[dict[str, Any]], name: str, pick: int) -> None:
    """Moving a parameter to any value inside its reported interval (at its step, and its ends) changes no
    unit's grade, scored by the engine with the ruleset reloaded; just past each end, exactly the
    reported units change. (The analysis runs unchecked here: the engine is asked independently.)"""
    ruleset = perfscore.loads(CAPPED)
    given_units = [Unit(f"u{i}", None, v) for i, v in enumerate(drawn)]
    item = perfscore.sensitivity(ruleset, given_units, [name], verify=False).parameters[0]
    p = item.parameter
    far = 1000 * p.step  # an end without a bound: a value well out along it
    low = item.low.inside if item.low.change is not None else p.value - far
    high = item.high.inside if item.high.change is not None else p.value + far
    assert low is not None and high is not None
    steps = int((high - low) / p.step)
    grades = {u.id: ruleset.score(u.values).grade.name for u in given_units}
    for inside in (low + (pick % (steps + 1)) * p.step, low, high):
        moved = tuning.moved(ruleset, p, inside)
        assert {u.id: moved.score(u.values).grade.name for u in given_units} == grades, inside
    for end in (item.low, item.high):
        if end.past is None:
            continue
        past = tuning.moved(ruleset, p, end.past)
        changed = set()
        for u in given_units:
            try:
                if past.score(u.values).grade.name != grades[u.id]:
                    changed.add(u.id)
            except perfscore.PerfscoreError:
                changed.add(u.id)
        assert changed == {m.unit for m in end.moves}
        assert changed  # an end that is not the parameter's own bound is where some unit moves


@settings(max_examples=25, deadline=None)
@given(values)
def test_what_it_takes_is_the_nearest(drawn: dict[str, Any]) -> None:
    """For the count ``done`` and the percentage ``quality``, the answer reaches the next grade and the
    values between the unit's own and the answer (at the input's step: all of them up to 200, else 200
    evenly spaced) fall short."""
    ruleset = perfscore.loads(RULESET)
    found = perfscore.what_it_takes(ruleset, drawn)
    if found.reached:  # already 优
        assert found.grade.name == "优" and not found.reaches
        return
    for name in ("done", "quality"):
        item = reached(found, name)
        if item.value is None or item.change is None or item.step is None:
            continue
        assert ruleset.score({**drawn, name: item.value}).grade.name == (found.goal_grade and found.goal_grade.name)
        between = int(abs(item.change) / item.step)
        sign = 1 if item.change > 0 else -1
        for k in range(1, between, max(1, between // 200)):  # up to 200 values between, evenly spaced
            short = ruleset.score({**drawn, name: drawn[name] + sign * k * item.step})
            assert short.grade.name == found.grade.name


def test_exact_text() -> None:
    """Numbers are shown exactly: a decimal when there is one, else a fraction with a decimal after ≈."""
    assert tuning.exact_text(Fraction(7, 20)) == "0.35"
    assert tuning.exact_text(Fraction(1, 3)) == "1/3 ≈ 0.3333"
    assert tuning.exact_text(Decimal("2.50")) == "2.5"


# --- docs/tuning.md --------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def doc_commands() -> list[tuple[str, str]]:
    """Each ``$ perfscore …`` line of docs/tuning.md's text blocks, with what the page shows after it."""
    text = (ROOT / "docs" / "tuning.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"^```text\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        if block.startswith("$ perfscore "):
            command, shown = block.split("\n", 1)
            found.append((command[2:], shown))
    return found


def test_docs_show_some_commands() -> None:
    """The walk-through shows the sensitivity command and --to."""
    commands = [command for command, _ in doc_commands()]
    assert any(" sensitivity " in command for command in commands) and any("--to" in command for command in commands)


@pytest.mark.parametrize(("command", "shown"), doc_commands())
def test_docs_commands_print_what_the_page_shows(command: str, shown: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each command on docs/tuning.md prints exactly what the page shows after it."""
    monkeypatch.chdir(ROOT)
    code, out, _ = cli(*shlex.split(command)[1:])
    assert code == 0
    assert out == shown


def test_docs_python_example(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The Python example of docs/tuning.md runs and prints what its comments say."""
    text = (ROOT / "docs" / "tuning.md").read_text(encoding="utf-8")
    code = re.findall(r"^```python\n(.*?)^```", text, re.MULTILINE | re.DOTALL)[0]
    monkeypatch.chdir(ROOT)
    exec(compile(code, "docs/tuning.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    said = [line.split("# ", 1)[1] for line in code.splitlines() if line.startswith("print(") and "# " in line]
    assert printed[: len(said)] == said
    assert "('executed', Decimal('2467.55'))" in printed[-1]


# --- the ruleset's own [tuning] table ----------------------------------------------------------------

TUNING_TABLE = """
[[tuning.params]]
name = "weight:output.done/output.quality"
min = 25
max = 35

[[tuning.params]]
name = "findings:each"
"""


def test_tuning_table_chooses_and_bounds(ruleset: perfscore.Ruleset) -> None:
    """A ruleset listing its parameters gets those analysed by default, each within its own min and max."""
    # The weight's interval over the twelve units is [30, 39.99] (test_weight_between_siblings): max = 35
    # cuts it at 35, a bound of the parameter, with no unit moved there.
    tuned = perfscore.loads(RULESET + TUNING_TABLE)
    found = perfscore.sensitivity(tuned, units())
    assert [item.parameter.id for item in found.parameters] == ["findings:each", "weight:output.done/output.quality"]
    weight = found.parameters[1]
    assert weight.interval() == "[30, 35]" and weight.high.limit and not weight.high.moves
    assert moves(weight.low) == [("u02", "良", "80.00", "中", "79.99")]


def test_tuning_table_checked() -> None:
    """A misspelt key is refused when the ruleset loads; an unknown parameter when it is analysed,
    located at its key in the ruleset."""
    with pytest.raises(perfscore.RulesetError, match=r"tuning\.params\[0\]\.max_value"):
        perfscore.loads(RULESET + '[[tuning.params]]\nname = "findings:each"\nmax_value = 3\n')
    tuned = perfscore.loads(RULESET + '[[tuning.params]]\nname = "findings:eac"\n', source="r.toml")
    with pytest.raises(TuningError) as raised:
        perfscore.sensitivity(tuned, units())
    assert "r.toml: tuning.params[0].name: no tuning parameter named findings:eac" in str(raised.value)


def test_what_it_takes_a_date() -> None:
    """A date moves a day at a time: published 2023-04-12 against a due date of 2023-03-31 must come 12
    days earlier to earn the 5 points (2023-04-01, one day short, still misses)."""
    import datetime

    ruleset = perfscore.loads(
        """
[ruleset]
id = "dates"
title = "按时公开"
version = "1"
sources = ["测试"]
total = 10
[inputs.due]
type = "date"
label = "公开时限"
[inputs.published]
type = "date"
label = "实际公开日期"
[inputs.done]
type = "bool"
label = "已公开"
[indicators.on_time]
name = "按时公开"
points = 5
method = "boolean"
value = "published <= due"
[indicators.done]
name = "已公开"
points = 5
method = "boolean"
value = "done"
"""
    )
    values = {"due": datetime.date(2023, 3, 31), "published": datetime.date(2023, 4, 12), "done": True}
    found = perfscore.what_it_takes(ruleset, values, to="10")
    published, due = reached(found, "published"), reached(found, "due")
    assert (published.value, published.change, published.short) == (
        datetime.date(2023, 3, 31), Decimal(-12), datetime.date(2023, 4, 1),
    )  # fmt: skip
    assert (due.value, due.change, due.total) == (datetime.date(2023, 4, 12), Decimal(12), Decimal("10.00"))
    assert reached(found, "done").value is None  # already true


# --- a number of a rule on the total -----------------------------------------------------------------

CAPPED = (
    RULESET
    + """
[[indicators.rules]]
kind = "ceiling"
when = "rate < 0.9"
at_most = 85
"""
)


def test_cap_on_the_total() -> None:
    """A ceiling's ``at_most`` (85 now, for a budget execution rate below 0.9), found by halving."""
    # Below 0.9: u05 (rate 0.85, 92 uncapped) keeps min(92, c), u06 (0.79, 80) min(80, c); the others are not capped.
    # c = 85 now: u05 85 良, u06 80 良. Up: u05 reaches 优 at c = 90 (90.00); so the last value is 89.99.
    # Down: at c = 79.99 both u05 and u06 fall to 79.99 中; 80 keeps them 良. So [80, 89.99].
    capped = perfscore.loads(CAPPED)
    found = perfscore.sensitivity(capped, units(), ["rules.0.at_most"])
    item = found.parameters[0]
    assert item.interval() == "[80, 89.99]"
    assert moves(item.high) == [("u05", "良", "85.00", "优", "90.00")]
    assert moves(item.low) == [("u05", "良", "85.00", "中", "79.99"), ("u06", "良", "80.00", "中", "79.99")]
    assert item.verified and "rules.0.at_most" in [p.id for p in tuning.parameters(capped)]


def test_rule_numbers_refused_when_a_condition_reads_a_score() -> None:
    """A rule reading a score may make a total fall as a number rises: its numbers are not tunable."""
    text = (
        CAPPED
        + '\n[[indicators.output.rules]]\nkind = "adjust"\nwhen = "score(\\"output.quality\\") < 15"\npoints = -2\n'
    )
    capped = perfscore.loads(text)
    with pytest.raises(TuningError) as raised:
        perfscore.sensitivity(capped, units(), ["rules.0.at_most"])
    assert raised.value.problems[0].code == "not-tunable"
    assert "rules.0.at_most" not in [p.id for p in tuning.parameters(capped)]


# --- a ratio's deduction for a target far exceeded -----------------------------------------------------

OVER = """
[ruleset]
id = "over-demo"
title = "超目标扣分"
version = "1"
sources = ["测试"]

[inputs.served]
type = "count"
label = "服务人次"
[inputs.rest]
label = "其他得分"
min = 0
max = 80

[indicators.served]
name = "服务人次"
points = 20
method = "ratio"
actual = "served"
target = 100
over_target = { above = 1.3, action = "deduct", deduct = 3 }

[indicators.rest]
name = "其他"
points = 80
method = "formula"
formula = "rest"
"""


def test_over_target_multiple_and_deduction() -> None:
    """``over_target.above`` (1.3) and ``over_target.deduct`` (3) of a ratio leaf worth 20 points."""
    # Units: served / 100 and the rest: a: 140 (1.4 ≥ 1.3: 20 − 3 = 17) + 73 = 90 优 (on the edge);
    # b: 125 (1.25: met, 20) + 70 = 90 优; c: 100 (met, 20) + 60 = 80 良.
    # above: at 1.25 itself b is deducted too (1.25 ≥ 1.25: 87 良), so the end 1.25 is excluded; raised past
    #   1.4, a is no longer deducted (93, still 优) and nothing else moves: (1.25, +∞).
    # deduct d: a keeps round(20 − d) + 73; 20 − 3.005 = 16.995 → 17.00 (half-up), total 90.00 优; above 3.005,
    #   16.99…, 89.99 良; the next value at 0.01 steps is 3.01. Lowering d only raises a: [0, 3.005].
    ruleset = perfscore.loads(OVER)
    given = [Unit("a", None, {"served": 140, "rest": 73}), Unit("b", None, {"served": 125, "rest": 70}),
             Unit("c", None, {"served": 100, "rest": 60})]  # fmt: skip
    assert [ruleset.score(u.values).total for u in given] == [Decimal(90), Decimal(90), Decimal(80)]
    found = perfscore.sensitivity(ruleset, given, ["served:over_target.above", "served:over_target.deduct"])
    above = found.parameters[[p.parameter.id for p in found.parameters].index("served:over_target.above")]
    assert above.interval() == "(1.25, +∞)"
    assert above.low.past == Decimal("1.25") and moves(above.low) == [("b", "优", "90.00", "良", "87.00")]
    deduct = found.parameters[[p.parameter.id for p in found.parameters].index("served:over_target.deduct")]
    assert deduct.interval() == "[0, 3.005]"
    assert deduct.high.past == Decimal("3.01") and moves(deduct.high) == [("a", "优", "90.00", "良", "89.99")]


def test_python_page_example(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/python.md's tuning example runs and prints what its comments say."""
    text = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
    section = text.split("## Tuning evidence", 1)[1]
    code = re.findall(r"^```python\n(.*?)^```", section, re.MULTILINE | re.DOTALL)[0]
    monkeypatch.chdir(ROOT)
    exec(compile(code, "docs/python.md", "exec"), {})
    said = [line.split("# ", 1)[1] for line in code.splitlines() if line.startswith("print(") and "# " in line]
    assert capsys.readouterr().out.splitlines() == said


def test_cli_score_to_from_standard_input(files: Any) -> None:
    """``perfscore score R - --to --format html`` reads the unit once from standard input."""
    import io

    out, err = io.StringIO(), io.StringIO()
    data = (files / "u02.toml").read_text(encoding="utf-8")
    code = run(
        ["score", str(files / "r.toml"), "-", "--to", "--format", "html", "--lang", "en"], out, err, io.StringIO(data)
    )
    assert code == 0, err.getvalue()
    assert "49.98" in out.getvalue()


@pytest.mark.parametrize(
    ("rounding", "interval"),
    [
        # u04: done's share 0.5, quality's 1: total = r(0.5 × (30 + t)) + (20 − t) + 42, going down from 77.
        ('{ mode = "half-up" }', "[24.02, 50]"),  # t = −5.99: 12.005 → 12.01, + 25.99 + 42 = 80.00 良
        ('{ mode = "half-even" }', "[24.01, 50]"),  # t = −5.99: 12.005 → 12.00, 79.99; t = −6: 12 + 26 + 42 = 80 良
        ('{ mode = "down" }', "[24.01, 50]"),  # as half-even: 12.005 → 12.00
        ('{ mode = "up" }', "[24.02, 50]"),  # 12.005 → 12.01 (and at −5.98, 12.01 + 25.98 + 42 = 79.99)
        ('{ mode = "half-up", stage = "total" }', "[24.02, 50]"),  # r(77 − t/2): 79.995 → 80.00 at t = −5.99
    ],
)
def test_rounding_policy_is_honoured(rounding: str, interval: str) -> None:
    """The same unit's interval for the weight under each rounding the ruleset may declare."""
    ruleset = perfscore.loads(RULESET.replace('version = "1"\n', f'version = "1"\nrounding = {rounding}\n', 1))
    found = perfscore.sensitivity(ruleset, [Unit("u04", None, UNITS["u04"])], ["weight:output.done/output.quality"])
    assert found.parameters[0].interval() == interval


def test_too_many_points_refused_or_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parameter whose search would examine too many points (a rule reads a score it moves) is refused
    when named, and reported beside the others when it is one of the defaults."""
    text = RULESET + '\n[[indicators.rules]]\nkind = "ceiling"\nwhen = "score(\\"output.done\\") < 20"\nat_most = 85\n'
    ruleset = perfscore.loads(text)
    monkeypatch.setattr(tuning, "MOST_POINTS", 50)  # the weight's 50 points at half-cent steps: far more
    with pytest.raises(TuningError, match="more than 50 points"):
        perfscore.sensitivity(ruleset, units(), ["weight:output.done/output.quality"])
    found = perfscore.sensitivity(ruleset, units())
    assert "--param weight:output.done/output.quality" in [problem.location.file for problem in found.refused]
    assert all(problem.code == "not-tunable" for problem in found.refused)
    assert "weight:output.done/output.quality" not in [item.parameter.id for item in found.parameters]
    assert "Parameters that could not be analysed:" in render_sensitivity(found, "text", "en")


def test_total_rounding_with_rules_not_tunable() -> None:
    """A ruleset rounding only its total, with rules on groups or the total: a leaf's parameters are
    refused (a cap that binds adds a constant of any decimals to an unrounded sum); a rule's own number
    is still followed, by the engine."""
    text = CAPPED.replace('version = "1"\n', 'version = "1"\nrounding = { stage = "total" }\n', 1)
    ruleset = perfscore.loads(text)
    with pytest.raises(TuningError, match="rounds only its total"):
        perfscore.sensitivity(ruleset, units(), ["findings:each"])
    found = perfscore.sensitivity(ruleset, units())
    assert [item.parameter.id for item in found.parameters] == ["rules.0.at_most"]
    assert {problem.code for problem in found.refused} == {"not-tunable"}


@st.composite
def generated(draw: st.DrawFn, rules: bool) -> tuple[perfscore.Ruleset, list[Unit]]:
    """A random valid ruleset (the testing kit's, with rules on groups and the total or not) and units for it."""
    from perfscore.testing import data_for, rulesets

    ruleset = perfscore.loads(draw(rulesets(rules=rules)), source="generated.toml")
    drawn = draw(st.lists(data_for(ruleset), min_size=1, max_size=4))
    return ruleset, [Unit(f"u{i}", None, values) for i, values in enumerate(drawn)]


@pytest.mark.parametrize("rules", [False, True])
def test_random_rulesets_agree_with_the_engine(rules: bool) -> None:
    """On random rulesets of every method, rounding and rule kind, the analysis of each default
    parameter agrees with the engine at both ends (``verify``: the ruleset moved and reloaded, every unit
    scored); a parameter it cannot follow is refused, never answered wrongly."""

    @settings(max_examples=8, deadline=None, database=None)
    @given(generated(rules))
    def check(case: tuple[perfscore.Ruleset, list[Unit]]) -> None:
        ruleset, given_units = case
        for chosen in tuning.parameters(ruleset)[:3]:
            try:
                found = perfscore.sensitivity(ruleset, given_units, [chosen])
            except TuningError as error:
                assert {problem.code for problem in error.problems} == {"not-tunable"}
                continue
            assert found.parameters[0].verified

    check()
