"""Floors: the least any pure-Python scorer of ``ruleset-30.toml`` can spend, next to perfscore and the
hand-written Decimal scorer, timed in one run (alternating, best of R rounds).

Issue 13 asks for totals ≥ 4× the hand-written scorer, every leaf ≥ 3×, floats as fast as Decimals.
These runners say how far down pure Python can go, piece by piece:

- ``read 31 values``: read each value, check its type as the hand-written scorer does, and sum 30
  Decimals computed beforehand: no check, no arithmetic; no scorer can be faster;
- ``perfscore's checks``: the checks and conversions of perfscore's own generated pass (bounds,
  whole counts, tiers, finite numbers, the number of keys), then the same sum: what checking costs;
- ``least exact arithmetic``: the 30 leaves in straight-line Decimal code written for this ruleset
  alone (constants inlined, nothing recorded, types checked as the hand-written scorer does);
- ``checks + least arithmetic``: the two together, over the checked values: the least a pass that
  checks what perfscore checks and computes exactly can cost (no facts, no result object);
- ``perfscore pass``: perfscore's generated function (the same checks, every leaf's facts recorded);
  ``perfscore total``: ``ruleset.score(unit).total``; ``perfscore items``: and its 30 leaf results;
- ``30 objects``: making 30 objects of 5 attributes, what ``.items`` builds at the least;
- ``floats read exactly``: only reading the unit's 20 floats as the Decimal of their shortest text (as
  perfscore's converters read a float), against reading the same values given as Decimals.

    python benchmarks/bench_floor.py [--units N] [--rounds R]
"""

from __future__ import annotations

import argparse
import gc
import platform
import time
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

import bench_scoring as b

import perfscore
from perfscore.exact import pinned


def _arithmetic(read: Callable[[str], str], rated: bool = False) -> list[str]:
    """Straight-line lines scoring ruleset-30's 30 leaves exactly (half-up to cents) into s0 … s29;
    ``read(name)`` is the expression of an input's value (``rated``: a rating's is checked already)."""
    lines = [
        f"b = {read('budget')}",
        f"r = {read('executed')} / b",
        "s0 = (r * TEN).quantize(CENT, HU) if r < ONE else TEN",
        f"c = {read('carryover')} / b",
        "s1 = FIVE if c <= P1 else THREE if c <= P3 else ONE if c <= P5 else ZERO",
    ]
    n = 2
    for _leaf, name, target, points in b.AT_LEAST:
        lines.append(f"a = {read(name)}")
        lines.append(
            f"s{n} = (a / K['{target}'] * K['{points}']).quantize(CENT, HU) if a < K['{target}'] else K['{points}']"
        )
        n += 1
    for _leaf, name, target, points, inverse in b.AT_MOST:
        t, p = f"K['{target}']", f"K['{points}']"
        lines.append(f"a = {read(name)}")
        if inverse:
            lines.append(f"s{n} = {p} if a <= {t} else ({t} / a * {p}).quantize(CENT, HU)")
        else:
            lines.append(f"s{n} = {p} if a <= {t} else ZERO if a >= TWO * {t} else ((ONE - (a - {t}) / {t}) * {p}).quantize(CENT, HU)")  # fmt: skip
        n += 1
    for _leaf, name, points in b.RATINGS:
        lines.append(f"v = {read(name)}")
        if rated:  # checked already: a tier and the score given (None: the tier's default)
            lines.append(f"s{n} = DEFAULTS['{points}'][v[0].name] if v[1] is None else v[1].quantize(CENT, HU)")
        else:
            lines.append(f"s{n} = DEFAULTS['{points}'][v] if type(v) is str else v['score'].quantize(CENT, HU)")
        n += 1
    for _leaf, name, each, points in b.DEDUCTIONS:
        lines.append(f"d = {read(name)} * K['{each}']")
        lines.append(f"s{n} = ZERO if d >= K['{points}'] else K['{points}'] - d")
        n += 1
    lines.append(f"s{n} = TWO if {read('disclosed')} else ZERO")
    lines.append("return " + " + ".join(f"s{i}" for i in range(n + 1)))
    return lines


def _namespace() -> dict[str, Any]:
    constants = {str(value): value for row in (*b.AT_LEAST, *b.AT_MOST, *b.RATINGS, *b.DEDUCTIONS) for value in row
                 if isinstance(value, Decimal)}  # fmt: skip
    defaults = {str(points): {name: (share * points).quantize(b.CENT, ROUND_HALF_UP)
                              for name, (_low, _high, _inc, share) in b.TIERS.items()}
                for _leaf, _name, points in b.RATINGS}  # fmt: skip
    return {"K": constants, "DEFAULTS": defaults, "CENT": b.CENT, "HU": ROUND_HALF_UP, "ZERO": b.ZERO, "ONE": b.ONE,
            "TWO": b.TWO, "THREE": b.THREE, "FIVE": b.FIVE, "TEN": b.TEN, "P1": b.ONE_PERCENT,
            "P3": b.THREE_PERCENT, "P5": b.FIVE_PERCENT, "D": Decimal, "number": b._number}  # fmt: skip


def _typed(name: str, value: Any) -> str:
    """The hand-written scorer's type check of one value, as an expression."""
    if type(value) is bool:
        return f"u['{name}']"
    if isinstance(value, (Decimal, int)):
        return f"(v if type(v := u['{name}']) is D or type(v) is int else number(u, '{name}'))"
    return f"u['{name}']"  # a tier name or table: looked up where it is used


def build(ruleset: perfscore.Ruleset, unit: dict[str, Any]) -> dict[str, Callable[[Any], Any]]:
    """The floor functions, compiled."""
    names = list(unit)
    precomputed = [Decimal("1.23")] * 30
    read_lines = []
    for name in names:
        read_lines.append(f"    v = u['{name}']")
        read_lines.append("    if type(v) is not D and type(v) is not int and type(v) is not str and type(v) is not dict"
                          " and type(v) is not bool: raise TypeError(v)")  # fmt: skip
    sum_line = "    return " + " + ".join(f"p[{i}]" for i in range(30))
    generated = str(ruleset._engine.quick.__doc__).split("\n")
    cut = next(index for index, line in enumerate(generated) if line.strip() == "missing = None")
    checks = [line.replace("def score(values, fallbacks):", "def checks(values):") for line in generated[:cut]]
    namespace = dict(ruleset._engine.quick.__globals__)
    namespace.update(_namespace(), p=precomputed)
    arithmetic = _arithmetic(lambda name: f"v_{name}", rated=True)
    source = "\n".join(
        [
            "def read(u):",
            *read_lines,
            sum_line,
            *checks,
            sum_line,
            "def least(u):",
            *(f"    {line}" for line in _arithmetic(lambda name: _typed(name, unit[name]))),
            *(line.replace("def checks(values):", "def both(values):") for line in checks),
            *(f"    {line}" for line in arithmetic),
        ]
    )
    exec(compile(source, "<floors>", "exec"), namespace)
    return {name: namespace[name] for name in ("read", "checks", "least", "both")}


class Leaf:
    __slots__ = ("indicator", "raw", "recorded", "score", "unit")

    def __init__(self, indicator: Any, score: Any, raw: Any, recorded: Any, unit: Any) -> None:
        self.indicator, self.score, self.raw, self.recorded, self.unit = indicator, score, raw, recorded, unit


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=10_000, help="units to generate (default 10000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds; the best counts (default 5)")
    parser.add_argument("--seed", type=int, default=2023)
    options = parser.parse_args(argv)
    ruleset = perfscore.load(b.RULESET)
    units = b.make_units(options.units, options.seed)
    floats = [b.as_floats(unit) for unit in units]
    floors = build(ruleset, units[0])
    for unit in units:  # the floors compute what perfscore computes
        expected = ruleset.score(unit).total
        assert floors["least"](unit) == expected == pinned(floors["both"])(unit), unit
    quick = pinned(ruleset._engine.quick)
    leaves = ruleset.leaves
    scores = [Decimal("1.23")] * 30
    exact_float = float.__repr__

    def over(function: Callable[[Any], Any]) -> Callable[[Sequence[Any]], None]:
        def run(batch: Sequence[Any]) -> None:
            for unit in batch:
                function(unit)

        return run

    def objects(batch: Sequence[Any]) -> None:
        for _ in batch:
            tuple(map(Leaf, leaves, scores, scores, scores, scores))

    def read_floats(batch: Sequence[Any]) -> None:
        for unit in batch:
            for value in unit.values():
                if type(value) is float:
                    Decimal(exact_float(value))

    runners: dict[str, tuple[Callable[[Sequence[Any]], None], Sequence[Any]]] = {
        "hand-written": (partial(b.run_hand, _ruleset=ruleset), units),
        "read 31 values": (over(floors["read"]), units),
        "perfscore's checks": (over(pinned(floors["checks"])), units),
        "least exact arithmetic": (over(pinned(floors["least"])), units),
        "checks + least arithmetic": (over(pinned(floors["both"])), units),
        "perfscore pass": (over(lambda unit: quick(unit, [])), units),
        "perfscore total": (partial(b.run_perfscore, ruleset=ruleset), units),
        "perfscore items": (partial(b.run_perfscore_items, ruleset=ruleset), units),
        "30 objects": (objects, units),
        "floats read exactly": (read_floats, floats),
        "the same loop over Decimals": (read_floats, units),  # no float: the loop alone
        "perfscore total, floats": (partial(b.run_perfscore_floats, ruleset=ruleset), floats),
    }
    best = dict.fromkeys(runners, float("inf"))
    names = list(runners)
    for round_ in range(options.rounds):
        for name in names if round_ % 2 == 0 else reversed(names):
            run, batch = runners[name]
            gc.collect()
            start = time.perf_counter()
            run(batch)
            best[name] = min(best[name], (time.perf_counter() - start) / len(batch))
    hand = best["hand-written"]
    print(f"Python {platform.python_version()}, {options.units} units, best of {options.rounds}")
    print("| runner | µs a unit | hand-written ÷ runner |")
    print("|---|---|---|")
    for name, seconds in best.items():
        print(f"| {name} | {seconds * 1e6:.1f} | {hand / seconds:.2f}× |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
