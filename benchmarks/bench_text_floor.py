"""Floors of the explanation and JSON rows: what the least Python costs against the hand-written scorer.

For the units of ``bench_scoring.py`` (scored once, before timing), each figure is per unit and as a
ratio to the hand-written exact Decimal scorer timed in the same run (best of R rounds):

- ``numbers``: only the numbers of the 30 sentences that change from unit to unit, each written
  once by the cheapest correct call (``str`` of a score and of the points lost, ``plain`` of an
  actual or an excess, ``percent`` of a rate): no sentence assembled, no constant shown, nothing
  else looked up (both languages show the same numbers);
- ``sentences, zh``: perfscore's planned sentences alone (the generated fill of each leaf, called
  directly on results already scored, their explanations not kept);
- ``dict objects``: ``to_dict()``'s dict made by ``pickle.loads`` from its pickle (C makes every
  table, list and string of it: less than any Python that makes the dict can take);
- ``json.dumps``: ``json.dumps(to_dict(), ensure_ascii=False)`` of results' dicts already made
  (what ``--format jsonl`` adds after ``to_dict()``).

Add scoring (``totals``) and building the leaves (``every leaf score``) of ``bench_path.py`` to the
first three to get the floor of the explanation row; add all to get the floor of ``to_dict()``.

    python benchmarks/bench_text_floor.py [--units N] [--rounds R]
"""

from __future__ import annotations

import argparse
import gc
import json
import pickle
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import bench_scoring as b

import perfscore
from perfscore.exact import CONTEXT
from perfscore.text import percent, plain
from perfscore.wording import phrasing


def planned_numbers(item: Any) -> tuple[tuple[int, Callable[[Any], str]], ...]:
    """For :func:`numbers`' leaf and case, where each changing number is recorded and how it is written
    (worked out before timing, as a plan is)."""
    recorded = item.recorded
    case = recorded[0].name
    return tuple(
        (place, percent if name == "rate" or (case == "band" and name == "value") else plain)
        for place, name in enumerate(recorded[0].fields, 1)
        if name not in ("target", "tier", "band", "met")
    )


def numbers(item: Any) -> list[str]:
    """The numbers of one leaf's sentence that change from unit to unit, written by the cheapest correct
    calls: its score, the points it lost, and each fact the pass recorded but a rule's constant (the
    target) or a choice among constants (a tier, a band, met or not), which a sentence can show once."""
    recorded = item.recorded
    case = recorded[0].name
    said = [str(item.score)]
    if item.score != item.indicator.points:
        said.append(str(item.indicator.points - item.score))
    for name, value in zip(recorded[0].fields, recorded[1:], strict=True):
        if value is None or name in ("target", "tier", "band", "met"):
            continue
        said.append(percent(value) if name == "rate" or (case == "band" and name == "value") else plain(value))
    return said


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    ruleset = perfscore.load(b.RULESET)
    units = b.make_units(args.units, 2023)
    results = [ruleset.score(unit) for unit in units]
    dicts = [result.to_dict() for result in results]  # plans made, every leaf explained once
    zh = phrasing(ruleset, "zh")
    fills = [(item, zh._fills[item.indicator.first][id(item.recorded[0])]) for r in results for item in r.items]
    pickles = [pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL) for d in dicts]
    encoder = json.JSONEncoder(ensure_ascii=False)

    def hand() -> None:
        for unit in units:
            b.score_by_hand(unit)["total"]

    plans = {(item.indicator.first, item.recorded[0]): planned_numbers(item) for r in results for item in r.items}
    subtract = CONTEXT.subtract

    def numbers_zh() -> None:
        for result in results:
            for item in result.items:
                recorded, score, points = item.recorded, item.score, item.indicator.points
                str(score)
                if score != points:
                    str(subtract(points, score))
                for place, show in plans[item.indicator.first, recorded[0]]:
                    value = recorded[place]
                    if value is not None:
                        show(value)

    def sentences_zh() -> None:
        for item, (_, full, lost) in fills:
            fill = full if item.score == item.indicator.points else lost
            if fill is None:  # a kind of sentence seen once only: made plainly
                zh.explain(item, item.recorded[0])
            else:
                fill(item)

    def unpickled() -> None:
        for made in pickles:
            pickle.loads(made)

    def dumps() -> None:
        for made in dicts:
            encoder.encode(made)

    runners: dict[str, Callable[[], None]] = {
        "hand-written": hand,
        "numbers": numbers_zh,
        "sentences, zh": sentences_zh,
        "dict objects": unpickled,
        "json.dumps": dumps,
    }
    best = dict.fromkeys(runners, float("inf"))
    for round_ in range(args.rounds):
        for name in runners if round_ % 2 == 0 else reversed(list(runners)):
            gc.collect()
            start = time.process_time()
            runners[name]()
            best[name] = min(best[name], (time.process_time() - start) / len(units))
    hand_us = best["hand-written"] * 1e6
    print(f"{len(units)} units, best of {args.rounds} rounds (process time); hand-written {hand_us:.1f} µs a unit")
    for name, seconds in best.items():
        if name != "hand-written":
            print(
                f"  {name:<16} {seconds * 1e6:8.1f} µs a unit   {seconds * 1e6 / hand_us:5.2f}× the hand-written time"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
