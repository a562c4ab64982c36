"""Floors of the explanation and JSON rows: what the least Python costs against the hand-written scorer.

For the units of ``bench_scoring.py`` (scored once, before timing), each figure is per unit and as a
ratio to the hand-written exact Decimal scorer timed in the same run (best of R rounds):

- ``numbers, zh``: only the numbers the 30 Chinese sentences show, each written once by the
  cheapest correct call (``str`` of a score and of the points lost, ``plain`` of an actual or an
  excess, ``percent`` of a rate, a tier's name): no sentence assembled, nothing else looked up;
- ``numbers, zh+en``: the same for both languages (the numbers written once, shared);
- ``sentences, zh``: perfscore's planned sentences alone (the generated fill of each leaf, called
  directly on results already scored, their explanations not kept);
- ``dict objects``: ``to_dict()``'s dict made by ``pickle.loads`` from its pickle (C makes every
  table, list and string of it: less than any Python that makes the dict can take);
- ``json.dumps``: ``json.dumps(to_dict(), ensure_ascii=False)`` of results' dicts already made
  (what ``--format jsonl`` adds after ``to_dict()``).

Add scoring (``totals``) and building the leaves (``every leaf score``) of ``bench_path.py`` to the
first three to get the floor of the explanation row; add all to get the floor of ``to_dict()``.

    python benchmarks/bench_floor.py [--units N] [--rounds R]
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
from perfscore.text import percent, plain
from perfscore.wording import phrasing


def numbers(item: Any) -> list[str]:
    """The numbers (and tier names) one leaf's sentence shows, written by the cheapest correct calls."""
    recorded = item.recorded
    case = recorded[0].name
    said = [str(item.score)]
    if item.score != item.indicator.points:
        said.append(str(item.indicator.points - item.score))
    for name, value in zip(recorded[0].fields, recorded[1:], strict=True):
        if value is None:
            continue
        if name == "rate" or (case == "band" and name == "value"):
            said.append(percent(value))
        elif name == "tier":
            said.append(value.name)
        elif name not in ("band", "met"):
            said.append(plain(value))
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

    def numbers_zh() -> None:
        for result in results:
            for item in result.items:
                numbers(item)

    def numbers_both() -> None:
        for result in results:
            for item in result.items:
                shown = numbers(item)
                if item.recorded[0].name.startswith("rating"):
                    shown.append(item.recorded[1].name_en)  # the English tier name: the one word that differs

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
        "numbers, zh": numbers_zh,
        "numbers, zh+en": numbers_both,
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
