"""How long ``perfscore sensitivity`` and ``what_it_takes`` take: over the shipped examples and over
many generated units of the shipped ``department-wide`` ruleset, every default parameter, with and
without the engine's check of each end.

The generated units are the four desk units (``examples/desk-units.csv``) with their amounts and
counts moved at random (a fixed seed): realistic spreads, some near each grade's edge.

    python benchmarks/bench_tuning.py               # 1,000 units
    python benchmarks/bench_tuning.py --units 200
"""

from __future__ import annotations

import argparse
import random
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import perfscore
from perfscore.sheets import read_sheet_units
from perfscore.units import Unit

ROOT = Path(__file__).resolve().parent.parent


def generated(ruleset: perfscore.Ruleset, count: int, seed: int = 15) -> list[Unit]:
    """``count`` units made from the desk units, their figures moved at random."""
    base = read_sheet_units(ROOT / "examples" / "desk-units.csv", ruleset).units
    draw = random.Random(seed)
    units = []
    for index in range(count):
        values: dict[str, Any] = dict(base[index % len(base)].values)
        budget = Decimal(draw.randint(500, 5000))
        values["budget"] = budget
        values["executed"] = (budget * Decimal(draw.randint(600, 1000)) / 1000).quantize(Decimal("0.01"))
        values["carryover"] = (budget * Decimal(draw.randint(0, 120)) / 1000).quantize(Decimal("0.01"))
        planned = draw.randint(5, 12)
        values["goals_planned"], values["goals_completed"] = planned, draw.randint(planned // 2, planned)
        values["quality_rate"] = Decimal(draw.randint(700, 1000)) / 10
        values["on_time_rate"] = Decimal(draw.randint(700, 1000)) / 10
        values["system_findings"] = draw.randint(0, 4)
        values["compliance_findings"] = draw.randint(0, 3)
        values["social_effect"] = draw.choice(["达成", "部分达成", "达成"])
        units.append(Unit(f"g{index}", None, values))
    return units


def timed(label: str, work: Any) -> Any:
    start = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    args = parser.parse_args()
    ruleset = perfscore.load("department-wide")
    desk = [*read_sheet_units(ROOT / "examples" / "desk-units.csv", ruleset).units,
            *perfscore.read_units(ROOT / "examples" / "liwan-2023.toml")]  # fmt: skip
    found = timed(
        f"sensitivity, shipped examples ({len(desk)} units, checked)", lambda: perfscore.sensitivity(ruleset, desk)
    )
    print(f"  {len(found.parameters)} parameters")
    units = generated(ruleset, args.units)
    timed(f"sensitivity, {args.units} units, not checked", lambda: perfscore.sensitivity(ruleset, units, verify=False))
    found = timed(f"sensitivity, {args.units} units, checked", lambda: perfscore.sensitivity(ruleset, units))
    moved = sum(1 for item in found.parameters if item.moved)
    print(f"  {len(found.parameters)} parameters, {moved} moving some unit; the most fragile: "
          f"{found.parameters[0].parameter.id} {found.parameters[0].interval()}")  # fmt: skip
    liwan = desk[-1]
    timed("what it takes, one unit (--to 99.8)", lambda: perfscore.what_it_takes(ruleset, liwan.values, to="99.8"))


if __name__ == "__main__":
    main()
