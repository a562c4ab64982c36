"""What signals across units cost against what they read: one run, ratios within it.

- **scored units**: ``ruleset-30.toml`` (30 leaves) and 10,000 generated units (``bench_scoring``):
  ``Ruleset.score_many`` against :func:`perfscore.signals.find_signals` of the batch;
- **audit**: 200 tables (the samples of ``tests/tables`` copied round, as ``bench_path.py``'s audit
  row does) under ``project-mof-2020``: ``audit_batch`` against ``BatchAudit.signals()``.

Each is the best of ``--rounds`` rounds, alternating. The signals' own figure is given twice: as the
program meets it, and with the garbage collector paused around it (a batch of 10,000 results is a
large heap, and a full collection owed by scoring may fall in whatever runs next).

    python benchmarks/bench_signals.py
    python benchmarks/bench_signals.py --units 2000 --tables 50 --rounds 3
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def best(rounds: int, work: Callable[[], Any], *, paused: bool = False) -> float:
    """The shortest of ``rounds`` runs of ``work``, in seconds (the collector paused around it when asked)."""
    times = []
    for _ in range(rounds):
        if paused:
            gc.collect()
            gc.disable()
        try:
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--tables", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    import bench_scoring as b

    import perfscore
    from perfscore.signals import find_signals
    from perfscore.tables import audit_batch

    ruleset = perfscore.load(b.RULESET)
    units = b.make_units(options.units, 1)
    batch = ruleset.score_many(units)
    scoring = best(options.rounds, lambda: ruleset.score_many(units))
    signals = best(options.rounds, lambda: find_signals(batch))
    signals_paused = best(options.rounds, lambda: find_signals(batch), paused=True)
    found = find_signals(batch)

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "tables"
        folder.mkdir()
        samples = sorted(p for p in (ROOT / "tests" / "tables").iterdir() if p.suffix in (".csv", ".json", ".toml", ".xlsx"))  # fmt: skip
        for number in range(options.tables):
            sample = samples[number % len(samples)]
            shutil.copy(sample, folder / f"{number:03d}-{sample.name}")
        mof = perfscore.load("project-mof-2020")
        audited = audit_batch(folder, mof)
        auditing = best(max(1, options.rounds // 2), lambda: audit_batch(folder, mof))
        audit_signals = best(options.rounds, audited.signals)
        audit_paused = best(options.rounds, audited.signals, paused=True)
        tables = len(audited.audited)

    print(f"python {sys.version.split()[0]}, best of {options.rounds} rounds")
    print(f"scored units: {options.units} units × {len(ruleset.leaves)} leaves, {len(found)} signals raised")
    print(f"  score_many      {scoring:8.3f} s")
    print(f"  find_signals    {signals:8.3f} s   ({signals / scoring:.2f} × scoring)")
    print(f"  (collector paused) {signals_paused:5.3f} s   ({signals_paused / scoring:.2f} × scoring)")
    print(f"audit: {options.tables} files, {tables} tables audited")
    print(f"  audit_batch     {auditing:8.3f} s")
    print(f"  signals()       {audit_signals:8.3f} s   ({audit_signals / auditing:.3f} × the audit)")
    print(f"  (collector paused) {audit_paused:5.3f} s   ({audit_paused / auditing:.3f} × the audit)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
