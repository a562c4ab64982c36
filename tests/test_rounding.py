"""Rounding: each leaf half-up to 2 places and then summed, as published tables do; other modes on request.

The leaves here are `formula = "x"` leaves, so a leaf's unrounded score is exactly the value given.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

import perfscore
from helpers import HEADER, ROOT, d, input_table, one_leaf, table, toml_value

X = {"x": "number"}


def exact_leaf(points: int = 50, **rounding: Any) -> perfscore.Ruleset:
    """A leaf worth ``points`` whose raw score is the input x itself."""
    return one_leaf(
        "formula", inputs=X, formula="x", points=points, ruleset={"rounding": rounding} if rounding else None
    )


def leaves_ruleset(values: int, points: int = 5, **rounding: Any) -> perfscore.Ruleset:
    """``values`` leaves a1…aN worth ``points`` each, in groups g1 (a1, a2) and g2 (the rest); leaf aK scores xK."""
    names = [f"a{k}" for k in range(1, values + 1)]
    parts = [HEADER.format(total=points * values)]
    if rounding:
        parts.append(f"rounding = {toml_value(rounding)}\n")
    parts += [input_table(f"x{k}", "number") for k in range(1, values + 1)]
    groups = {"g1": names[:2], "g2": names[2:]}
    for group, members in groups.items():
        parts.append(table(f"indicators.{group}", {"name": group, "points": points * len(members)}))
        for name in members:
            leaf = {"name": name, "points": points, "method": "formula", "formula": f"x{name[1:]}"}
            parts.append(table(f"indicators.{group}.{name}", leaf))
    return perfscore.loads("\n".join(parts))


def test_float_round_gets_49_745_wrong_and_we_do_not() -> None:
    """Python's float round(49.745, 2) gives 49.74 (49.745 is 49.74499… in binary); the engine gives 49.75."""
    assert round(49.745, 2) == 49.74
    assert Decimal("49.745").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == Decimal("49.75")
    assert exact_leaf().score({"x": Decimal("49.745")}).total == d("49.75")


@pytest.mark.parametrize("given", [Decimal("49.745"), "49.745", 49.745], ids=["Decimal", "text", "float"])
def test_49_745_rounds_half_up_however_it_is_given(given: Any) -> None:
    """A float input is read from its shortest text (49.745), not its binary expansion, so it still gives 49.75."""
    assert exact_leaf().score({"x": given}).total == d("49.75")


def test_seed_budget_execution_rounds_to_49_75() -> None:
    """The seed case: 2456.19 / 2468.78 × 50.

    By hand: 2468.78 − 2456.19 = 12.59; 12.59 / 2468.78 = 0.0050996…; × 50 = 0.25498…;
    50 − 0.25498… = 49.74502… (49.745015…), which rounds half-up to 49.75: 0.25 lost.
    """
    ruleset = one_leaf(
        "ratio", inputs={"budget": "number", "executed": "number"}, derived={"rate": "executed / budget"},
        actual="rate", target=1, points=50,
    )  # fmt: skip
    item = ruleset.score({"budget": d("2468.78"), "executed": d("2456.19")}).item("item")
    assert d("49.745015") < item.raw < d("49.745016")
    assert (item.score, item.lost) == (d("49.75"), d("0.25"))


@pytest.mark.parametrize(
    ("mode", "places", "x", "total"),
    [
        pytest.param("half-up", 2, "49.745", "49.75", id="half-up: 5 goes up"),
        pytest.param("half-up", 2, "49.7449", "49.74", id="half-up: below half goes down"),
        pytest.param("half-even", 2, "49.745", "49.74", id="half-even: 4 is even, stays"),
        pytest.param("half-even", 2, "49.755", "49.76", id="half-even: 5 is odd, goes to 6"),
        pytest.param("half-even", 2, "49.7451", "49.75", id="half-even: above half goes up"),
        pytest.param("half-up", 0, "48.5", "49", id="places 0, half-up"),
        pytest.param("half-even", 0, "48.5", "48", id="places 0, half-even: 48 is even"),
        pytest.param("half-even", 0, "49.5", "50", id="places 0, half-even: 50 is even"),
        pytest.param("half-up", 1, "49.745", "49.7", id="places 1: .745 is below .75"),
        pytest.param("half-up", 1, "49.75", "49.8", id="places 1: .75 goes up"),
        pytest.param("half-up", 3, "49.7455", "49.746", id="places 3"),
        pytest.param("half-up", 3, "49.7454", "49.745", id="places 3, below half"),
        pytest.param("down", 2, "49.7499", "49.74", id="down: truncates"),
        pytest.param("up", 2, "49.7401", "49.75", id="up: any remainder goes up"),
    ],
)
def test_rounding_modes_and_places(mode: str, places: int, x: str, total: str) -> None:
    """The declared mode and number of places decide the rounding; the result has exactly that many places."""
    result = exact_leaf(places=places, mode=mode).score({"x": d(x)})
    assert result.total == d(total)
    assert str(result.total) == total  # 49 not 49.00, 49.746 not 49.75: the quantum is 10**-places


@pytest.mark.parametrize(
    ("stage", "subtotal", "total"),
    [
        pytest.param("leaf", "2.26", "2.26", id="leaf: 1.13 + 1.13"),
        pytest.param("total", "2.25", "2.25", id="total: round(1.125 + 1.125)"),
    ],
)
def test_stage_leaf_and_total_differ(stage: str, subtotal: str, total: str) -> None:
    """Two leaves of 1.125: rounding each gives 1.13 + 1.13 = 2.26; rounding only the sum gives 2.250 → 2.25.

    Each item still shows its own score rounded (1.13), whichever the stage.
    """
    result = leaves_ruleset(3, stage=stage).score({"x1": d("1.125"), "x2": d("1.125"), "x3": d("0")})
    assert [item.score for item in result.items] == [d("1.13"), d("1.13"), d("0")]
    assert result.subtotals == {"g1": d(subtotal), "g2": d("0")}
    assert result.total == d(total)


def test_total_is_the_sum_of_rounded_leaves() -> None:
    """1.115 → 1.12, 2.225 → 2.23, 3.335 → 3.34: the total is 6.69, not round(6.675) = 6.68."""
    result = leaves_ruleset(3).score({"x1": d("1.115"), "x2": d("2.225"), "x3": d("3.335")})
    assert [item.score for item in result.items] == [d("1.12"), d("2.23"), d("3.34")]
    assert result.total == d("6.69") == sum(item.score for item in result.items)


def test_subtotals_are_the_sums_of_their_rounded_children() -> None:
    """g1 = 1.12 + 2.23 = 3.35; g2 = 3.34 + 0.01 = 3.35; the total is their sum 6.70."""
    result = leaves_ruleset(4).score({"x1": d("1.115"), "x2": d("2.225"), "x3": d("3.335"), "x4": d("0.005")})
    assert result.subtotals == {"g1": d("3.35"), "g2": d("3.35")}
    assert result.total == d("6.70")
    for root in result.tree:
        for node in root.walk():
            if node.children:
                assert node.score == sum(child.score for child in node.children), node.id


def test_shipped_example_subtotals_add_up() -> None:
    """In the shipped liwan example every group's subtotal is the sum of its children, and the total theirs."""
    ruleset = perfscore.load(ROOT / "rulesets" / "department-wide.toml")
    result = ruleset.score(perfscore.read_units(ROOT / "examples" / "liwan-2023.toml")[0].values)
    for root in result.tree:
        for node in root.walk():
            if node.children:
                assert node.score == sum(child.score for child in node.children), node.id
    assert result.total == sum(node.score for node in result.tree) == sum(item.score for item in result.items)
    assert result.total == d("99.75")
