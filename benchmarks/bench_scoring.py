"""Scoring benchmark: perfscore against a hand-written Decimal function for the same ruleset.

Generates units for ``ruleset-30.toml`` (30 leaves under 5 first-level groups), checks that
perfscore and a plain-Python scorer written for exactly that ruleset agree on every leaf score,
every subtotal, the total and the grade, then times both over the same units, alternating them,
best of several rounds. Ratios within one run are what to read (see README.md).

    python benchmarks/bench_scoring.py [--units N] [--rounds R] [--seed S] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import platform
import pstats
import random
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import perfscore

RULESET = Path(__file__).with_name("ruleset-30.toml")

# =============================================================================================
# The hand-written scorer: what a competent developer would write for ruleset-30.toml alone.
# Every constant below is copied from the TOML by hand; nothing is read from perfscore.
# =============================================================================================

D = Decimal
ZERO, ONE, TWO, THREE, FIVE, TEN = D(0), D(1), D(2), D(3), D(5), D(10)
CENT = D("0.01")
ONE_PERCENT, THREE_PERCENT, FIVE_PERCENT = D("0.01"), D("0.03"), D("0.05")

# (leaf id, input, target, points)
AT_LEAST = (
    ("output.quantity.disputes", "disputes_resolved", D(120), D(4)),
    ("output.quantity.trainees", "grid_trainees", D(350), D(4)),
    ("output.quantity.centers", "centers_upgraded", D(13), D(4)),
    ("output.quantity.campaigns", "legal_campaigns", D(48), D(4)),
    ("output.quality.rental_registration", "rental_registration_rate", D(95), D(3)),
    ("output.quality.center_compliance", "center_compliance_rate", D(100), D(3)),
    ("output.quality.mediation_success", "mediation_success_rate", D("97.5"), D(3)),
    ("output.quality.petition_closure", "petition_closure_rate", D(98), D(3)),
    ("output.quality.quality_rate", "quality_rate", D(90), D(2)),
    ("output.timeliness.on_time", "on_time_rate", D(100), D(4)),
    ("output.timeliness.payment_progress", "payment_progress", D(85), D(3)),
    ("output.timeliness.reporting", "reporting_timeliness", D(95), D(3)),
)
# (leaf id, input, target, points, inverse?)
AT_MOST = (
    ("cost.three_public", "three_public_cost", D("18.6"), D(3), False),
    ("cost.meetings", "meeting_cost", D("5.2"), D(3), False),
    ("cost.training", "training_cost", D(12), D(3), False),
    ("cost.per_case", "cost_per_case", D("0.35"), D(3), True),
    ("cost.days", "average_days", D(30), D(3), True),
)
# (leaf id, input, points)
RATINGS = (
    ("effect.public_security", "public_security", D(4)),
    ("effect.sense_of_safety", "sense_of_safety", D(4)),
    ("effect.long_term", "long_term_mechanism", D(3)),
    ("effect.coordination", "coordination", D(3)),
    ("effect.public_satisfaction", "public_satisfaction", D(3)),
    ("effect.staff_satisfaction", "staff_satisfaction", D(3)),
)
# 财预〔2020〕10号 tiers: name → (low share, high share, high included?, default share)
TIERS = {
    "达成": (D("0.8"), ONE, True, ONE),
    "部分达成": (D("0.6"), D("0.8"), False, D("0.6")),
    "未达成": (ZERO, D("0.6"), False, ZERO),
}
# (leaf id, input, points per finding, points)
DEDUCTIONS = (
    ("management.rules", "system_findings", D("0.2"), D(2)),
    ("management.compliance", "compliance_findings", D(1), D(2)),
    ("management.assets", "asset_findings", D("0.5"), D(2)),
    ("management.procurement", "procurement_findings", D("0.3"), D(2)),
)
GROUPS = {  # group id → the leaf ids it adds up
    "budget": ("budget.execution_rate", "budget.carryover_rate"),
    "output.quantity": tuple(leaf for leaf, *_ in AT_LEAST if leaf.startswith("output.quantity.")),
    "output.quality": tuple(leaf for leaf, *_ in AT_LEAST if leaf.startswith("output.quality.")),
    "output.timeliness": tuple(leaf for leaf, *_ in AT_LEAST if leaf.startswith("output.timeliness.")),
    "output": tuple(leaf for leaf, *_ in AT_LEAST),
    "cost": tuple(leaf for leaf, *_ in AT_MOST),
    "effect": tuple(leaf for leaf, *_ in RATINGS),
    "management": (*(leaf for leaf, *_ in DEDUCTIONS), "management.disclosure"),
}
GRADES = ((D(90), "优"), (D(80), "良"), (D(60), "中"), (ZERO, "差"))


def _number(unit: Mapping[str, Any], name: str) -> Decimal:
    value = unit[name]
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise TypeError(f"{name}: expected a number, got {value!r}")


def _rating(value: Any, points: Decimal, name: str) -> Decimal:
    given = None
    if isinstance(value, Mapping):
        value, given = value["tier"], value.get("score")
    try:
        low, high, high_included, default = TIERS[value]
    except (KeyError, TypeError):
        raise ValueError(f"{name}: unknown tier {value!r}") from None
    if given is None:
        return default * points
    given = given if isinstance(given, Decimal) else Decimal(given)
    share = given / points
    if share < low or share > high or (share == high and not high_included):
        raise ValueError(f"{name}: score {given} lies outside the tier {value}")
    return given


def score_by_hand(unit: Mapping[str, Any]) -> dict[str, Any]:
    """Every leaf score (half-up to 2 places), the subtotals, the total and the grade."""
    items: dict[str, Decimal] = {}

    budget = _number(unit, "budget")
    rate = _number(unit, "executed") / budget
    items["budget.execution_rate"] = rate * TEN if rate < ONE else TEN
    carryover = _number(unit, "carryover") / budget
    if carryover <= ONE_PERCENT:
        items["budget.carryover_rate"] = FIVE
    elif carryover <= THREE_PERCENT:
        items["budget.carryover_rate"] = THREE
    elif carryover <= FIVE_PERCENT:
        items["budget.carryover_rate"] = ONE
    else:
        items["budget.carryover_rate"] = ZERO

    for leaf, name, target, points in AT_LEAST:
        share = max(_number(unit, name), ZERO) / target
        items[leaf] = share * points if share < ONE else points

    for leaf, name, target, points, inverse in AT_MOST:
        actual = max(_number(unit, name), ZERO)
        if actual <= target:
            items[leaf] = points
        elif inverse:
            items[leaf] = target / actual * points
        elif actual >= TWO * target:
            items[leaf] = ZERO
        else:
            items[leaf] = (ONE - (actual - target) / target) * points

    for leaf, name, points in RATINGS:
        items[leaf] = _rating(unit[name], points, name)

    for leaf, name, each, points in DEDUCTIONS:
        items[leaf] = points - min(_number(unit, name) * each, points)

    disclosed = unit["disclosed"]
    if not isinstance(disclosed, bool):
        raise TypeError(f"disclosed: expected true or false, got {disclosed!r}")
    items["management.disclosure"] = TWO if disclosed else ZERO

    for leaf, value in items.items():
        items[leaf] = value.quantize(CENT, rounding=ROUND_HALF_UP)
    subtotals = {group: sum((items[leaf] for leaf in leaves), ZERO) for group, leaves in GROUPS.items()}
    total = subtotals["budget"] + subtotals["output"] + subtotals["cost"] + subtotals["effect"] + subtotals["management"]
    grade = next(name for floor, name in GRADES if total >= floor)
    return {"items": items, "subtotals": subtotals, "total": total, "grade": grade}


# =============================================================================================
# Generated units
# =============================================================================================


def _cents(rng: random.Random, low: int, high: int) -> Decimal:
    """A two-place Decimal from low/100 to high/100, built from an integer (exact)."""
    return Decimal(rng.randint(low, high)).scaleb(-2)


def _rating_value(rng: random.Random, points: Decimal) -> Any:
    pick = rng.random()
    if pick < 0.45:
        return "达成"
    if pick < 0.6:
        return "部分达成"
    if pick < 0.65:
        return "未达成"
    whole = int(points) * 100  # the points in cents
    tier = rng.choice(("达成", "达成", "部分达成", "未达成"))
    low, high = {"达成": (whole * 8 // 10, whole), "部分达成": (whole * 6 // 10, whole * 8 // 10 - 1),
                 "未达成": (0, whole * 6 // 10 - 1)}[tier]  # fmt: skip
    return {"tier": tier, "score": Decimal(rng.randint(low, high)).scaleb(-2)}


def make_units(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` units of valid data: some at or above every target, some below."""
    rng = random.Random(seed)
    units = []
    for _ in range(count):
        budget = rng.randint(50_000, 500_000)  # cents of 万元: 500.00 to 5,000.00
        unit: dict[str, Any] = {
            "budget": Decimal(budget).scaleb(-2),
            "executed": Decimal(budget * rng.randint(8_500, 10_300) // 10_000).scaleb(-2),
            "carryover": Decimal(budget * rng.randint(0, 800) // 10_000).scaleb(-2),
        }
        for _leaf, name, target, _points in AT_LEAST:
            percent = name.endswith(("_rate", "_progress", "_timeliness"))
            if rng.random() < 0.55:  # met: at the target or above it
                low = int(target * 100)
                high = 10_000 if percent else int(target * 130)
            else:
                low, high = int(target * 40), int(target * 100) - 1
            if percent:
                unit[name] = _cents(rng, low, high)
            else:
                unit[name] = rng.randint(-(-low // 100), high // 100)  # whole counts, as TOML gives them
        for _leaf, name, target, _points, _inverse in AT_MOST:
            cap = int(target * 100)
            unit[name] = _cents(rng, *rng.choice(((cap // 2, cap), (cap + 1, 2 * cap - 1), (2 * cap, 3 * cap))))
        for _leaf, name, points in RATINGS:
            unit[name] = _rating_value(rng, points)
        for _leaf, name, _each, _points in DEDUCTIONS:
            unit[name] = 0 if rng.random() < 0.5 else rng.randint(1, 12)
        unit["disclosed"] = rng.random() < 0.85
        units.append(unit)
    return units


# =============================================================================================
# Check, time, profile
# =============================================================================================


def verify(ruleset: perfscore.Ruleset, units: Sequence[Mapping[str, Any]]) -> None:
    """Fail loudly unless both scorers agree on every leaf, subtotal, total and grade."""
    leaf_ids = [leaf.id for leaf in ruleset.leaves]
    expected_ids = [leaf for leaf, *_ in AT_LEAST + AT_MOST + RATINGS + DEDUCTIONS]  # type: ignore[operator]
    if sorted(leaf_ids) != sorted([*expected_ids, "budget.execution_rate", "budget.carryover_rate",
                                   "management.disclosure"]):  # fmt: skip
        raise SystemExit(f"the hand-written scorer does not cover the ruleset's leaves: {leaf_ids}")
    for index, unit in enumerate(units):
        hand = score_by_hand(unit)
        result = ruleset.score(unit)
        problems = [
            f"  {item.id}: perfscore {item.score} != hand-written {hand['items'][item.id]}"
            for item in result.items
            if item.score != hand["items"][item.id] or item.score.as_tuple() != hand["items"][item.id].as_tuple()
        ]
        subtotals = result.subtotals
        problems += [
            f"  subtotal {group}: perfscore {subtotals[group]} != hand-written {value}"
            for group, value in hand["subtotals"].items()
            if subtotals[group] != value
        ]
        if result.total != hand["total"] or str(result.total) != str(hand["total"]):
            problems.append(f"  total: perfscore {result.total} != hand-written {hand['total']}")
        if result.grade.name != hand["grade"]:
            problems.append(f"  grade: perfscore {result.grade.name} != hand-written {hand['grade']}")
        if problems:
            raise SystemExit(f"MISMATCH on unit {index}: {unit}\n" + "\n".join(problems))


def run_hand(units: Sequence[Mapping[str, Any]], _ruleset: perfscore.Ruleset) -> None:
    for unit in units:
        score_by_hand(unit)["total"]  # touch it, as a caller would


def run_perfscore(units: Sequence[Mapping[str, Any]], ruleset: perfscore.Ruleset) -> None:
    score = ruleset.score
    for unit in units:
        score(unit).total  # noqa: B018


def run_perfscore_items(units: Sequence[Mapping[str, Any]], ruleset: perfscore.Ruleset) -> None:
    score = ruleset.score
    for unit in units:
        score(unit).items  # noqa: B018 - builds the 30 LeafResult objects (explanations stay lazy)


def run_perfscore_explained(units: Sequence[Mapping[str, Any]], ruleset: perfscore.Ruleset) -> None:
    score = ruleset.score
    for unit in units:
        for item in score(unit).items:
            item.explanation  # noqa: B018 - every leaf's sentence, in Chinese


def run_perfscore_to_dict(units: Sequence[Mapping[str, Any]], ruleset: perfscore.Ruleset) -> None:
    score = ruleset.score
    for unit in units:
        score(unit).to_dict()  # what `perfscore score --format json` writes for the unit


def run_perfscore_floats(units: Sequence[Mapping[str, Any]], ruleset: perfscore.Ruleset) -> None:
    score = ruleset.score
    for unit in units:
        score(unit).total  # noqa: B018 - the same units with their Decimal values given as floats


RUNNERS: dict[str, Callable[[Sequence[Mapping[str, Any]], perfscore.Ruleset], None]] = {
    "hand-written": run_hand,
    "perfscore": run_perfscore,
    "perfscore+items": run_perfscore_items,
    "+explanations": run_perfscore_explained,
    "+to_dict": run_perfscore_to_dict,
    "float inputs": run_perfscore_floats,
}
#: Runners timed on a share of the units only (they are slow); their rate is still units per second.
SAMPLED = {"+explanations": 10, "+to_dict": 50}


def as_floats(unit: Mapping[str, Any]) -> dict[str, Any]:
    """The unit with every Decimal value (and tier score) given as a float, as a DataFrame would hold it."""

    def convert(value: Any) -> Any:
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, Mapping):
            return {key: convert(item) for key, item in value.items()}
        return value

    return {name: convert(value) for name, value in unit.items()}


def time_all(ruleset: perfscore.Ruleset, units: Sequence[Mapping[str, Any]], rounds: int) -> dict[str, float]:
    """Best time per unit of ``rounds`` for each runner, alternating them (and their order) round by round."""
    best = dict.fromkeys(RUNNERS, float("inf"))
    names = list(RUNNERS)
    floats = [as_floats(unit) for unit in units]
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else reversed(names):
            batch = floats if name == "float inputs" else units
            batch = batch[: max(1, len(batch) // SAMPLED.get(name, 1))]
            gc.collect()
            start = time.perf_counter()
            RUNNERS[name](batch, ruleset)
            best[name] = min(best[name], (time.perf_counter() - start) / len(batch))
    return best


def time_loading(sizes: Sequence[int]) -> list[tuple[int, str]]:
    """Load generated rulesets of ``sizes`` indicators, then score a first unit (which compiles the scoring
    pass): microseconds per indicator for each, or the error."""
    figures = []
    for size in sizes:
        text = large_ruleset(size)
        start = time.perf_counter()
        try:
            ruleset = perfscore.loads(text, source=f"generated-{size}.toml")
            loaded = time.perf_counter() - start
            ruleset.score({"x": Decimal(7)})
            scored = time.perf_counter() - start
        except Exception as error:  # reported as a figure: the point is to see it
            figures.append((size, f"fails: {type(error).__name__}"))
            continue
        figures.append((size, f"{loaded / size * 1e6:5.0f} us per indicator to load ({loaded:.2f} s), "
                              f"{scored / size * 1e6:5.0f} us with the first unit scored ({scored:.2f} s)"))  # fmt: skip
    return figures


def large_ruleset(indicators: int) -> str:
    """A ruleset of ``indicators`` indicator tables: groups of 9 ratio leaves, each leaf reading one input ``x``."""
    groups = indicators // 10
    lines = ['[ruleset]', 'id = "large"', 'title = "大规则"', 'version = "1"', 'sources = ["benchmark"]',
             f"total = {groups * 9}", "", "[inputs.x]", 'label = "x"', "min = 0", ""]  # fmt: skip
    for group in range(groups):
        lines += [f"[indicators.g{group}]", f'name = "组 {group}"', "points = 9", ""]
        for leaf in range(9):
            lines += [f"[indicators.g{group}.l{leaf}]", f'name = "指标 {group}-{leaf}"', "points = 1",
                      'method = "ratio"', 'actual = "x"', f"target = {leaf + 5}", ""]  # fmt: skip
    return "\n".join(lines)


def profile(ruleset: perfscore.Ruleset, units: Sequence[Mapping[str, Any]], lines: int = 20) -> None:
    """cProfile of perfscore's side, sorted by tottime: scoring alone, then scoring with ``.items``."""
    for name in ("perfscore", "perfscore+items"):
        print(f"\nprofile of {name} (one pass over {len(units)} units, sorted by tottime):")
        profiler = cProfile.Profile()
        profiler.enable()
        RUNNERS[name](units, ruleset)
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=10_000, help="units to generate (default 10000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per scorer; the best counts (default 5)")
    parser.add_argument("--seed", type=int, default=2023, help="random seed for the generated units")
    parser.add_argument("--profile", action="store_true", help="also profile perfscore's side (cProfile, tottime)")
    parser.add_argument("--load-sizes", type=int, nargs="*", default=[300, 3000, 10000], metavar="N",
                        help="also time loading generated rulesets of N indicators (default 300 3000 10000)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.units < 1 or args.rounds < 1:
        parser.error("--units and --rounds must be at least 1")

    ruleset = perfscore.load(RULESET)
    units = make_units(args.units, args.seed)
    verify(ruleset, units)
    print(f"verified: perfscore and the hand-written scorer agree on all {len(units)} units "
          f"({len(ruleset.leaves)} leaves, subtotals, totals, grades)")  # fmt: skip
    totals = sorted(score_by_hand(unit)["total"] for unit in units)
    print(f"totals: min {totals[0]}, median {totals[len(totals) // 2]}, max {totals[-1]}")

    best = time_all(ruleset, units, args.rounds)
    rate = {name: 1 / seconds for name, seconds in best.items()}
    print(f"\nPython {platform.python_version()} ({platform.python_implementation()}), "
          f"{len(units)} units, best of {args.rounds} rounds")  # fmt: skip
    for name in RUNNERS:
        share = f"(1/{SAMPLED[name]} of the units)" if name in SAMPLED else ""
        print(f"  {name:<16} {rate[name]:>10,.0f} units/s   ({best[name] * 1e6:8.1f} us a unit) {share}")
    print()
    for name in RUNNERS:
        if name != "hand-written":
            ratio = rate[name] / rate["hand-written"]
            target = "  (target >= 0.80x)" if name == "perfscore" else ""
            print(f"ratio {name + ' / hand-written:':<32} {ratio:6.3f}x{target}")
    if args.load_sizes:
        print("\nloading generated rulesets (groups of 9 ratio leaves; N counts groups and leaves):")
        for size, figure in time_loading(args.load_sizes):
            print(f"  {size:>6} indicators: {figure}")

    if args.profile:
        profile(ruleset, units)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
