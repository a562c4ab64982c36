"""Every scoring method at its edges (A = target, B = actual, W = points; 财预〔2020〕10号).

Each leaf is worth 10 points unless a case says otherwise; expected scores are worked out by hand
in the case ids and comments, then rounded half-up to 2 places.
"""

from __future__ import annotations

from typing import Any

import pytest

import perfscore
from helpers import d, one_leaf, one_leaf_text, score_leaf
from perfscore import DataError, ScoringError

X = {"x": "number"}


# --- ratio ≥ ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "raw", "score"),
    [
        pytest.param(100, "100", "10", "10.00", id="B = A: full"),
        pytest.param(100, "99.9", "9.99", "9.99", id="just below: 99.9/100 × 10 = 9.99"),
        pytest.param(100, "99.99", "9.999", "10.00", id="9.999 rounds half-up to 10.00"),
        pytest.param(100, "120", "10", "10.00", id="above target: capped at W, no bonus"),
        pytest.param(100, "96.8", "9.68", "9.68", id="96.8% of target: 0.968 × 10"),
        pytest.param(100, "0", "0", "0.00", id="actual 0: nothing"),
        pytest.param(100, "-5", "0", "0.00", id="negative actual counts as 0"),
        pytest.param(0, "0", "10", "10.00", id="target 0: always met"),
        pytest.param(0, "5", "10", "10.00", id="target 0, actual above: met"),
        pytest.param(3, "2", "6.666666666666666666666666667", "6.67", id="2/3 × 10 = 6.666… → 6.67"),
    ],
)
def test_ratio_at_least(target: int, actual: str, raw: str, score: str) -> None:
    """B ≥ A earns W; below target earns B / A × W; a negative B counts as 0."""
    item = score_leaf(one_leaf("ratio", inputs=X, actual="x", target=target), x=d(actual))
    assert (item.raw, item.score) == (d(raw), d(score))


# --- ratio ≤ ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "score", "case"),
    [
        pytest.param(10, "8", "10.00", "met", id="B < A: full"),
        pytest.param(10, "10", "10.00", "met", id="B = A: full"),
        pytest.param(10, "12", "8.00", "above-linear", id="(1 − 2/10) × 10 = 8"),
        pytest.param(10, "15", "5.00", "above-linear", id="(1 − 5/10) × 10 = 5"),
        pytest.param(10, "19.99", "0.01", "above-linear", id="(1 − 9.99/10) × 10 = 0.01"),
        pytest.param(10, "20", "0.00", "double", id="B = 2A: nothing"),
        pytest.param(10, "25", "0.00", "double", id="B > 2A: nothing"),
        pytest.param(0, "0", "10.00", "met", id="A = 0, B = 0: full"),
        pytest.param(0, "1", "0.00", "missed", id="A = 0, B > 0: nothing"),
    ],
)
def test_ratio_at_most_linear(target: int, actual: str, score: str, case: str) -> None:
    """The default reverse rule: A < B < 2A scores (1 − (B − A) / A) × W, B ≥ 2A scores 0."""
    item = score_leaf(one_leaf("ratio", inputs=X, actual="x", target=target, direction="<="), x=d(actual))
    assert (item.score, item.facts["case"]) == (d(score), case)


@pytest.mark.parametrize(
    ("actual", "score"),
    [
        pytest.param("10", "10.00", id="B = A: full"),
        pytest.param("12", "8.33", id="10/12 × 10 = 8.333…"),
        pytest.param("20", "5.00", id="10/20 × 10 = 5: no cliff at 2A"),
        pytest.param("30", "3.33", id="10/30 × 10 = 3.333…"),
    ],
)
def test_ratio_at_most_inverse(actual: str, score: str) -> None:
    """reverse = "inverse" scores A / B × W above the target."""
    ruleset = one_leaf("ratio", inputs=X, actual="x", target=10, direction="<=", reverse="inverse")
    assert score_leaf(ruleset, x=d(actual)).score == d(score)


def test_ratio_reverse_rules_differ_at_a_10_b_12() -> None:
    """A = 10, B = 12: the linear rule gives 0.8 W, the inverse rule 0.833… W (domain notes)."""
    linear = one_leaf("ratio", inputs=X, actual="x", target=10, direction="<=", reverse="linear")
    inverse = one_leaf("ratio", inputs=X, actual="x", target=10, direction="<=", reverse="inverse")
    assert score_leaf(linear, x=d("12")).raw == d("8")
    assert score_leaf(inverse, x=d("12")).raw.quantize(d("0.000001")) == d("8.333333")


# --- ratio = ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "score"),
    [
        pytest.param(50, "40", "8.00", id="A > 0 is like ≥: 40/50 × 10"),
        pytest.param(50, "50", "10.00", id="A > 0, B = A"),
        pytest.param(50, "60", "10.00", id="A > 0, B > A: full, like ≥"),
        pytest.param(0, "0", "10.00", id="A = 0, B = 0: full"),
        pytest.param(0, "-1", "10.00", id="A = 0, B < 0: full"),
        pytest.param(0, "1", "0.00", id="A = 0, B > 0: nothing"),
    ],
)
def test_ratio_equal_at_least(target: int, actual: str, score: str) -> None:
    """'=' by default: like ≥ when A > 0; when A = 0, B ≤ 0 earns W and anything else 0."""
    item = score_leaf(one_leaf("ratio", inputs=X, actual="x", target=target, direction="="), x=d(actual))
    assert item.score == d(score)


@pytest.mark.parametrize(
    ("tolerance", "actual", "score"),
    [
        pytest.param("0", "100", "10.00", id="no tolerance, exact hit"),
        pytest.param("0", "100.01", "0.00", id="no tolerance, a hair over"),
        pytest.param("0", "120", "0.00", id="above is a miss too (unlike at-least)"),
        pytest.param("0.5", "99.5", "10.00", id="lower edge of tolerance included"),
        pytest.param("0.5", "100.5", "10.00", id="upper edge of tolerance included"),
        pytest.param("0.5", "99.4", "0.00", id="below tolerance"),
        pytest.param("0.5", "100.6", "0.00", id="above tolerance"),
    ],
)
def test_ratio_equal_exact(tolerance: str, actual: str, score: str) -> None:
    """equal = "exact": |B − A| ≤ tolerance earns W, anything else 0."""
    ruleset = one_leaf("ratio", inputs=X, actual="x", target=100, direction="=", equal="exact", tolerance=d(tolerance))
    assert score_leaf(ruleset, x=d(actual)).score == d(score)


def test_ratio_equal_exact_meets_a_negative_target() -> None:
    """An actual equal to an exact negative target (a change rate of −5 against = −5) meets it: full marks.

    Counting the negative actual as 0 first would make such a target impossible to meet.
    """
    ruleset = one_leaf("ratio", inputs=X, actual="x", target=-5, direction="=", equal="exact")
    assert score_leaf(ruleset, x=d("-5")).score == d("10.00")


@pytest.mark.parametrize(
    ("over_target", "actual", "score", "case"),
    [
        pytest.param({"above": d("1.3")}, "129", "10.00", "met", id="flag: 1.29 × A is not flagged"),
        pytest.param({"above": d("1.3")}, "130", "10.00", "over-flagged", id="flag: 1.3 × A flagged, no points lost"),
        pytest.param({"above": d("1.3")}, "200", "10.00", "over-flagged", id="flag: 2 × A flagged"),
        pytest.param({"above": d("1.3"), "action": "deduct", "deduct": 2}, "129", "10.00", "met", id="deduct: below"),
        pytest.param(
            {"above": d("1.3"), "action": "deduct", "deduct": 2}, "130", "8.00", "over-deducted", id="deduct: 10 − 2"
        ),
        pytest.param(
            {"above": d("1.3"), "action": "deduct", "deduct": 20},
            "130",
            "0.00",
            "over-deducted",
            id="deduct more than W: floored at 0",
        ),
    ],
)
def test_ratio_over_target(over_target: dict[str, Any], actual: str, score: str, case: str) -> None:
    """B ≥ above × A is flagged (no points lost) or loses a fixed deduction, never below 0."""
    ruleset = one_leaf("ratio", inputs=X, actual="x", target=100, over_target=over_target)
    item = score_leaf(ruleset, x=d(actual))
    assert (item.score, item.facts["case"]) == (d(score), case)


RATIO_WORDING = [
    pytest.param(
        {"target": 100}, "100",
        "测试指标：实际 100，目标 ≥ 100，已达到目标；得满分 10 分。",
        "Test item: actual 100 against a target of ≥ 100: met; full marks, 10 points.",
        id="≥ met",
    ),
    pytest.param(
        {"target": 100}, "96.8",
        "测试指标：实际 96.8，目标 ≥ 100，完成率 96.80%，按完成比例计分；得 9.68 分（满分 10 分），扣 0.32 分。",
        "Test item: actual 96.8 against a target of ≥ 100: 96.80% achieved, scored in proportion; "
        "9.68 of 10 points, 0.32 lost.",
        id="≥ below",
    ),
    pytest.param(
        {"target": 100}, "-5",
        "测试指标：实际 -5，目标 ≥ 100，完成率 0.00%，按完成比例计分（实际值为负，按 0 计）；得 0.00 分（满分 10 分），扣 10.00 分。",
        "Test item: actual -5 against a target of ≥ 100: 0.00% achieved, scored in proportion "
        "(a negative actual counts as 0); 0.00 of 10 points, 10.00 lost.",
        id="≥ negative actual",
    ),
    pytest.param(
        {"target": 10, "direction": "<="}, "12",
        "测试指标：实际 12，目标 ≤ 10，超出 2，按 (1 − 超出值/目标值) × 分值 计分；得 8.00 分（满分 10 分），扣 2.00 分。",
        "Test item: actual 12 exceeds the target of ≤ 10 by 2: scored as (1 − excess / target) × points; "
        "8.00 of 10 points, 2.00 lost.",
        id="≤ linear",
    ),
    pytest.param(
        {"target": 10, "direction": "<=", "reverse": "inverse"}, "12",
        "测试指标：实际 12，目标 ≤ 10，超出 2，按 目标值/实际值 × 分值 计分；得 8.33 分（满分 10 分），扣 1.67 分。",
        "Test item: actual 12 exceeds the target of ≤ 10 by 2: scored as target / actual × points; "
        "8.33 of 10 points, 1.67 lost.",
        id="≤ inverse",
    ),
    pytest.param(
        {"target": 10, "direction": "<="}, "20",
        "测试指标：实际 20 达到目标 ≤ 10 的两倍或以上，不得分；得 0.00 分（满分 10 分），扣 10.00 分。",
        "Test item: actual 20 is at least twice the target of ≤ 10: no points; 0.00 of 10 points, 10.00 lost.",
        id="≤ double",
    ),
    pytest.param(
        {"target": 0, "direction": "="}, "1",
        "测试指标：实际 1，目标 = 0，未达到目标，不得分；得 0.00 分（满分 10 分），扣 10.00 分。",
        "Test item: actual 1 against a target of = 0: not met, no points; 0.00 of 10 points, 10.00 lost.",
        id="= 0 missed",
    ),
    pytest.param(
        {"target": 100, "over_target": {"above": d("1.3")}}, "150",
        "测试指标：实际 150，为目标 100 的 150.00%，达到或超过 1.3 倍，目标可能偏低，需说明原因；得满分 10 分。",
        "Test item: actual 150 is 150.00% of the target 100, at or beyond 1.3 times: the target may be too low "
        "and needs an explanation; full marks, 10 points.",
        id="over target flagged",
    ),
    pytest.param(
        {"target": 100, "over_target": {"above": d("1.3"), "action": "deduct", "deduct": 2}}, "150",
        "测试指标：实际 150，为目标 100 的 150.00%，达到或超过 1.3 倍，目标设置偏低，扣减 2 分；得 8.00 分（满分 10 分），扣 2.00 分。",
        "Test item: actual 150 is 150.00% of the target 100, at or beyond 1.3 times: the target was set too low, "
        "2 points deducted; 8.00 of 10 points, 2.00 lost.",
        id="over target deducted",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("options", "actual", "zh", "en"), RATIO_WORDING)
def test_ratio_explanations(options: dict[str, Any], actual: str, zh: str, en: str) -> None:
    """A ratio leaf's explanation names the actual, the target, the rule used and the points, in both languages."""
    item = score_leaf(one_leaf("ratio", inputs=X, actual="x", **options), x=d(actual))
    assert (item.explanation, item.explanation_en) == (zh, en)
    assert (item.explain("zh"), item.explain("en")) == (zh, en)


def test_ratio_explanation_shows_percent_inputs_with_a_percent_sign() -> None:
    """A percent input shows as 96.8% and its target as 100%."""
    ruleset = one_leaf("ratio", inputs={"rate": {"type": "percent", "label": "达标率"}}, actual="rate", target=100)
    item = score_leaf(ruleset, rate=d("96.8"))
    assert item.explanation == (
        "测试指标：实际 96.8%，目标 ≥ 100%，完成率 96.80%，按完成比例计分；得 9.68 分（满分 10 分），扣 0.32 分。"
    )


# --- bands --------------------------------------------------------------------------------

# The carry-over bands of the shipped department-wide ruleset, on a leaf worth 5 points.
CARRYOVER_BANDS = [
    {"max": d("0.01"), "max_inclusive": True, "fraction": 1},
    {"min": d("0.01"), "min_inclusive": False, "max": d("0.03"), "max_inclusive": True, "points": 3},
    {"min": d("0.03"), "min_inclusive": False, "max": d("0.05"), "max_inclusive": True, "points": 1},
    {"min": d("0.05"), "min_inclusive": False, "fraction": 0},
]


@pytest.mark.parametrize(
    ("value", "score", "band"),
    [
        pytest.param("0", "5.00", 0, id="open lower end"),
        pytest.param("0.01", "5.00", 0, id="inclusive max: 0.01 in the first band"),
        pytest.param("0.0101", "3.00", 1, id="exclusive min: just above 0.01 in the second"),
        pytest.param("0.03", "3.00", 1, id="inclusive max of the second"),
        pytest.param("0.04", "1.00", 2, id="middle of the third"),
        pytest.param("0.05", "1.00", 2, id="inclusive max of the third"),
        pytest.param("0.0501", "0.00", 3, id="exclusive min of the last"),
        pytest.param("1", "0.00", 3, id="open upper end"),
    ],
)
def test_bands_ends(value: str, score: str, band: int) -> None:
    """Each end of a band is inclusive or exclusive as declared; fraction 1 is all 5 points, points 3 is 3."""
    ruleset = one_leaf("bands", inputs=X, value="x", bands=CARRYOVER_BANDS, points=5)
    item = score_leaf(ruleset, x=d(value))
    assert (item.score, item.facts["band"]) == (d(score), band)


def test_bands_default_ends_are_min_inclusive_max_exclusive() -> None:
    """A band [min, max) by default: its min belongs to it, its max to the next band."""
    bands = [{"min": 0, "max": 5, "points": 2}, {"min": 5, "max": 10, "points": 7}]
    ruleset = one_leaf("bands", inputs=X, value="x", bands=bands)
    assert [score_leaf(ruleset, x=d(v)).score for v in ("0", "4.99", "5", "9.99")] == [d("2"), d("2"), d("7"), d("7")]


@pytest.mark.parametrize(("value", "score"), [("5", "4.00"), ("4", "2.00"), ("3", "2.00")])
def test_bands_first_match_wins(value: str, score: str) -> None:
    """Overlapping bands: the first that holds the value decides (4 and 3 go to ≥ 0, never to ≥ 3 with 9)."""
    bands = [{"min": 5, "points": 4}, {"min": 0, "points": 2}, {"min": 3, "points": 9}]
    assert score_leaf(one_leaf("bands", inputs=X, value="x", bands=bands), x=d(value)).score == d(score)


@pytest.mark.parametrize(
    ("award", "score"),
    [
        ({"fraction": d("0.3")}, "3.00"),
        ({"points": 3}, "3.00"),
        ({"fraction": d("0.25")}, "2.50"),
        ({"points": 0}, "0.00"),
    ],
)
def test_bands_fraction_or_points(award: dict[str, Any], score: str) -> None:
    """A band gives a share of the leaf's 10 points (0.3 → 3) or points outright (3 → 3)."""
    ruleset = one_leaf("bands", inputs=X, value="x", bands=[{"min": 0, **award}])
    assert score_leaf(ruleset, x=d("1")).score == d(score)


@pytest.mark.parametrize("value", ["-0.01", "0.06"])
def test_bands_value_in_no_band_is_a_scoring_error(value: str) -> None:
    """A value no band holds stops scoring with an error that names the indicator's key path."""
    bands = [{"min": 0, "max": d("0.05"), "points": 10}]
    with pytest.raises(ScoringError) as caught:
        score_leaf(one_leaf("bands", inputs=X, value="x", bands=bands), x=d(value))
    assert str(caught.value) == f"<string>: indicators.item: the value {value} falls in none of the bands of 测试指标"


def test_bands_explanation() -> None:
    """The explanation names the value and the band it fell in, in both languages."""
    item = score_leaf(one_leaf("bands", inputs=X, value="x", bands=CARRYOVER_BANDS, points=5), x=d("0.04"))
    assert item.explanation == "测试指标：0.04 属于区间 (0.03, 0.05]；得 1.00 分（满分 5 分），扣 4.00 分。"
    assert item.explanation_en == "Test item: 0.04 falls in the band (0.03, 0.05]; 1.00 of 5 points, 4.00 lost."


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param("0.010001", "0.010001", id="6 decimals: shown exactly"),
        pytest.param("0.0100001", "≈0.01", id="7 decimals: rounded and marked approximate"),
    ],
)
def test_bands_explanation_never_shows_a_value_as_the_edge_it_lies_beyond(value: str, shown: str) -> None:
    """Just above the excluded edge 0.01, the value must not read as a plain 0.01 inside (0.01, 0.03]."""
    item = score_leaf(one_leaf("bands", inputs=X, value="x", bands=CARRYOVER_BANDS, points=5), x=d(value))
    assert item.explanation == f"测试指标：{shown} 属于区间 (0.01, 0.03]；得 3.00 分（满分 5 分），扣 2.00 分。"


# --- rating -------------------------------------------------------------------------------

RATED = {"q": {"type": "rating", "label": "满意度"}}


@pytest.mark.parametrize(
    ("value", "score"),
    [
        pytest.param("达成", "10.00", id="达成, no score: default 100%"),
        pytest.param("部分达成", "6.00", id="部分达成, no score: default 60%"),
        pytest.param("未达成", "0.00", id="未达成, no score: default 0"),
        pytest.param({"tier": "达成"}, "10.00", id="table without score: default"),
        pytest.param({"tier": "达成", "score": d("8.0")}, "8.00", id="达成 8.0 of 10: lower end included"),
        pytest.param({"tier": "达成", "score": 10}, "10.00", id="达成 10 of 10: upper end included"),
        pytest.param({"tier": "部分达成", "score": 6}, "6.00", id="部分达成 6: lower end included"),
        pytest.param({"tier": "部分达成", "score": d("7.99")}, "7.99", id="部分达成 7.99: below 8"),
        pytest.param({"tier": "未达成", "score": 0}, "0.00", id="未达成 0"),
        pytest.param({"tier": "未达成", "score": d("5.99")}, "5.99", id="未达成 5.99: below 6"),
        pytest.param({"tier": "达成", "score": "9.5"}, "9.50", id="score as text"),
    ],
)
def test_rating_tiers(value: Any, score: str) -> None:
    """A tier alone earns its default share; a given score inside the tier is kept."""
    assert score_leaf(one_leaf("rating", inputs=RATED, input="q"), q=value).score == d(score)


@pytest.mark.parametrize(
    ("tier", "given", "message"),
    [
        pytest.param("达成", "7.99", "score 7.99 lies outside the tier 达成 ([8, 10] of 10 points)", id="达成 below 8"),
        pytest.param(
            "达成", "10.01", "score 10.01 lies outside the tier 达成 ([8, 10] of 10 points)", id="达成 above 10"
        ),
        pytest.param(
            "部分达成",
            "8.0",
            "score 8.0 lies outside the tier 部分达成 ([6, 8) of 10 points)",
            id="部分达成 8.0: upper end excluded",
        ),
        pytest.param(
            "未达成",
            "6.0",
            "score 6.0 lies outside the tier 未达成 ([0, 6) of 10 points)",
            id="未达成 6.0: upper end excluded",
        ),
    ],
)
def test_rating_score_outside_its_tier_is_refused(tier: str, given: str, message: str) -> None:
    """A self-assessed score must lie in its tier's band (80%–100%, 60%–80%, 0–60%)."""
    with pytest.raises(DataError) as caught:
        score_leaf(one_leaf("rating", inputs=RATED, input="q"), q={"tier": tier, "score": d(given)})
    assert str(caught.value) == f"<string>: 1 problem in the data\n  <string>: q: {message} (满意度)"


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("达成年度指标", "达成"),
        ("完成", "达成"),
        ("achieved", "达成"),
        (" 达成 ", "达成"),
        ("Partly Achieved", "部分达成"),
        ("部分达成年度指标并具有一定效果", "部分达成"),
        ("未完成", "未达成"),
        ("NOT ACHIEVED", "未达成"),
    ],
)
def test_rating_aliases(text: str, tier: str) -> None:
    """A tier may be named by an alias or its English name, ignoring case and surrounding spaces."""
    item = score_leaf(one_leaf("rating", inputs=RATED, input="q"), q=text)
    assert item.facts["tier"].name == tier


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("部分", "expected one of the tiers 达成, 部分达成, 未达成, got '部分' (did you mean '部分达成'?)"),
        ("优秀", "expected one of the tiers 达成, 部分达成, 未达成, got '优秀'"),
        (5, "expected one of the tiers 达成, 部分达成, 未达成, got 5"),
        ({"tier": "达成", "grade": 9}, "expected a tier name or {tier = …, score = …}, got {tier = '达成', grade = 9}"),
    ],
)
def test_rating_unknown_tier(value: Any, message: str) -> None:
    """An unknown tier lists the tiers and suggests the closest one when there is one."""
    with pytest.raises(DataError) as caught:
        score_leaf(one_leaf("rating", inputs=RATED, input="q"), q=value)
    assert str(caught.value) == f"<string>: 1 problem in the data\n  <string>: q: {message} (满意度)"


# A rating leaf on a two-tier scale: 良好 [50%, 100%] with no default, 一般 [0, 50%) defaulting to 0.
TWO_TIER_SCALE = one_leaf_text(
    "rating", inputs={"q": {"type": "rating", "label": "满意度", "scale": "two"}}, input="q"
) + (
    "\n[scales.two]\ntiers = [\n"
    '  { name = "良好", name_en = "good", min = 0.5, max = 1, max_inclusive = true },\n'
    '  { name = "一般", name_en = "fair", min = 0, max = 0.5, default = 0 },\n]\n'
)


def test_rating_tier_without_default_needs_a_score() -> None:
    """A custom tier with no default refuses a bare tier name and accepts a score inside it."""
    ruleset = perfscore.loads(TWO_TIER_SCALE)
    with pytest.raises(DataError) as caught:
        ruleset.score({"q": "良好"})
    assert str(caught.value) == (
        "<string>: 1 problem in the data\n"
        "  <string>: q: the tier 良好 has no default score: give {tier = …, score = …} (满意度)"
    )
    assert ruleset.score({"q": {"tier": "good", "score": 7}}).total == d("7.00")


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        pytest.param(
            {"tier": "达成", "score": d("9")},
            "测试指标：评定为「达成」（该档 [8.00, 10.00] 分），自评 9.00 分；得 9.00 分（满分 10 分），扣 1.00 分。",
            "Test item: rated “achieved” (band [8.00, 10.00] points), self-assessed 9.00; 9.00 of 10 points, 1.00 lost.",
            id="score given",
        ),
        pytest.param(
            "部分达成",
            "测试指标：评定为「部分达成」，未填分值，按该档默认 6.00 计；得 6.00 分（满分 10 分），扣 4.00 分。",
            "Test item: rated “partly achieved” with no score given: the tier's default of 6.00 applies; "
            "6.00 of 10 points, 4.00 lost.",
            id="default",
        ),
    ],
)
def test_rating_explanations(value: Any, zh: str, en: str) -> None:
    """The explanation says which tier, its band in points, and whether the score was given or defaulted."""
    item = score_leaf(one_leaf("rating", inputs=RATED, input="q"), q=value)
    assert (item.explanation, item.explanation_en) == (zh, en)


# --- deduction ----------------------------------------------------------------------------

COUNT = {"n": "count"}


@pytest.mark.parametrize(
    ("count", "score"),
    [
        pytest.param(0, "5.00", id="nothing found"),
        pytest.param(1, "4.80", id="5 − 0.2"),
        pytest.param(3, "4.40", id="5 − 3 × 0.2"),
        pytest.param(24, "0.20", id="5 − 24 × 0.2"),
        pytest.param(25, "0.00", id="exactly used up"),
        pytest.param(26, "0.00", id="扣完为止: floored at 0"),
        pytest.param(1000, "0.00", id="far past: still 0"),
    ],
)
def test_deduction_per_finding(count: int, score: str) -> None:
    """每发现一项扣 0.2 分，扣完为止 on a leaf worth 5."""
    ruleset = one_leaf("deduction", inputs=COUNT, count="n", each=d("0.2"), points=5)
    assert score_leaf(ruleset, n=count).score == d(score)


@pytest.mark.parametrize(("count", "score"), [(2, "3.00"), (3, "2.00"), (4, "2.00"), (10, "2.00")])
def test_deduction_cap(count: int, score: str) -> None:
    """cap = 3 on a leaf worth 5, 1 point each: never more than 3 points lost."""
    ruleset = one_leaf("deduction", inputs=COUNT, count="n", each=1, cap=3, points=5)
    assert score_leaf(ruleset, n=count).score == d(score)


@pytest.mark.parametrize(
    ("rounding", "excess", "score"),
    [
        pytest.param("exact", "2.5", "1.75", id="exact: 2 − 2.5 × 0.1"),
        pytest.param("floor", "2.7", "1.80", id="floor: 2.7 → 2, 2 − 0.2"),
        pytest.param("floor", "0.5", "2.00", id="floor: 0.5 → 0"),
        pytest.param("ceil", "2.1", "1.70", id="ceil: 2.1 → 3, 2 − 0.3"),
        pytest.param("ceil", "2", "1.80", id="ceil: whole stays 2"),
    ],
)
def test_deduction_count_rounding(rounding: str, excess: str, score: str) -> None:
    """每超过一个百分点扣 0.1 分 on 2 points: a partial percentage point counts as declared."""
    ruleset = one_leaf("deduction", inputs=X, count="x", each=d("0.1"), points=2, count_rounding=rounding)
    assert score_leaf(ruleset, x=d(excess)).score == d(score)


def test_deduction_count_from_a_formula() -> None:
    """count = "x - 90" with x = 95: 5 points over, 0.3 each: 2 − 1.5 = 0.5."""
    ruleset = one_leaf("deduction", inputs=X, count="x - 90", each=d("0.3"), points=2)
    assert score_leaf(ruleset, x=d("95")).score == d("0.50")


def test_deduction_negative_count_is_a_scoring_error() -> None:
    """A count below 0 (x = 80, count = x − 90 = −10) stops scoring; it is never a bonus."""
    ruleset = one_leaf("deduction", inputs=X, count="x - 90", each=d("0.3"), points=2)
    with pytest.raises(ScoringError) as caught:
        score_leaf(ruleset, x=d("80"))
    assert str(caught.value) == "<string>: indicators.item: the count of findings is negative (-10)"


@pytest.mark.parametrize(
    ("count", "zh", "en"),
    [
        (0, "测试指标：未发现扣分事项；得满分 5 分。", "Test item: nothing to deduct; full marks, 5 points."),
        (
            3,
            "测试指标：计 3 项（次），每项扣 0.2 分，扣完为止；得 4.40 分（满分 5 分），扣 0.60 分。",
            "Test item: 3 × 0.2 points deducted, floored at 0; 4.40 of 5 points, 0.60 lost.",
        ),
    ],
)
def test_deduction_explanations(count: int, zh: str, en: str) -> None:
    """The explanation counts the findings and says what each cost."""
    item = score_leaf(one_leaf("deduction", inputs=COUNT, count="n", each=d("0.2"), points=5), n=count)
    assert (item.explanation, item.explanation_en) == (zh, en)


# --- boolean ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "value", "data", "score", "zh"),
    [
        ({"ok": "bool"}, "ok", {"ok": True}, "10.00", "测试指标：已达成；得满分 10 分。"),
        (
            {"ok": "bool"},
            "ok",
            {"ok": False},
            "0.00",
            "测试指标：未达成，不得分；得 0.00 分（满分 10 分），扣 10.00 分。",
        ),
        (X, "x >= 3", {"x": 3}, "10.00", "测试指标：已达成；得满分 10 分。"),
        (X, "x >= 3", {"x": d("2.99")}, "0.00", "测试指标：未达成，不得分；得 0.00 分（满分 10 分），扣 10.00 分。"),
    ],
)
def test_boolean(inputs: dict[str, str], value: str, data: dict[str, Any], score: str, zh: str) -> None:
    """All the points when the condition holds, none when it does not."""
    item = one_leaf("boolean", inputs=inputs, value=value).score(data).item("item")
    assert (item.score, item.explanation) == (d(score), zh)


# --- formula ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "score", "case"),
    [
        pytest.param("50", "5.00", "formula", id="50/100 × 10"),
        pytest.param("96.8", "9.68", "formula", id="96.8/100 × 10"),
        pytest.param("100", "10.00", "formula", id="exactly the points: not clamped"),
        pytest.param("0", "0.00", "formula", id="exactly 0: not clamped"),
        pytest.param("120", "10.00", "clamped", id="12 clamped to 10"),
        pytest.param("-10", "0.00", "clamped", id="−1 clamped to 0"),
    ],
)
def test_formula_clamped_to_its_points(x: str, score: str, case: str) -> None:
    """A formula's result is kept within [0, points]; `points` in the formula is the leaf's own 10."""
    item = score_leaf(one_leaf("formula", inputs=X, formula="x / 100 * points"), x=d(x))
    assert (item.score, item.facts["case"]) == (d(score), case)


def test_formula_points_is_the_leafs_points() -> None:
    """points - x on a leaf worth 7.5: 7.5 − 2.5 = 5."""
    ruleset = one_leaf("formula", inputs=X, formula="points - x", points=d("7.5"))
    assert score_leaf(ruleset, x=d("2.5")).score == d("5.00")


@pytest.mark.parametrize(
    ("x", "zh", "en"),
    [
        (
            "50",
            "测试指标：按公式 x / 100 * points 计得 5；得 5.00 分（满分 10 分），扣 5.00 分。",
            "Test item: the formula x / 100 * points gives 5; 5.00 of 10 points, 5.00 lost.",
        ),
        (
            "120",
            "测试指标：按公式 x / 100 * points 计得 12，超出 0–10 分范围，按 10.00 分计；得满分 10 分。",
            "Test item: the formula x / 100 * points gives 12, outside 0–10, so 10.00 is kept; full marks, 10 points.",
        ),
        (
            "-10",
            "测试指标：按公式 x / 100 * points 计得 -1，超出 0–10 分范围，按 0.00 分计；得 0.00 分（满分 10 分），扣 10.00 分。",
            "Test item: the formula x / 100 * points gives -1, outside 0–10, so 0.00 is kept; 0.00 of 10 points, 10.00 lost.",
        ),
    ],
)
def test_formula_explanations(x: str, zh: str, en: str) -> None:
    """The explanation shows the formula, its result, and the clamp when one applied."""
    item = score_leaf(one_leaf("formula", inputs=X, formula="x / 100 * points"), x=d(x))
    assert (item.explanation, item.explanation_en) == (zh, en)
