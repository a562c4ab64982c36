"""The whole path, file in, explained report out: every row of issue 13's target table in one run.

Each row is measured in a child process that imports perfscore from one source tree, so one run can
measure two trees side by side: the working tree ("after") and, with ``--before REF``, the ``src/``
of a git commit exported to a temporary folder ("before"). Scoring rows are ratios to the
hand-written exact Decimal scorer of ``bench_scoring.py``, timed in the same child, alternating,
best of several rounds; the command-line rows are wall-clock seconds and peak resident memory of
the whole ``perfscore`` process (``ru_maxrss``), best of a few runs. Each tree's modules are compiled
to bytecode first, as ``pip install`` leaves them: a process that compiles perfscore's source every
time it starts (a checkout run with ``PYTHONDONTWRITEBYTECODE``) measures Python's compiler, not
perfscore.

Before anything is timed, every fast technique is checked: for every benchmark unit and every unit
of a half-cent tie set (units whose leaves' exact scores end in a half cent, where binary floating
point rounds the wrong way), ``Ruleset.score`` must equal ``Ruleset.score_reference`` (every leaf's
raw and rounded score, facts, total, grade) and the hand-written scorer; float inputs must score as
the same values given as Decimals (a float is read by its shortest repr).

    python benchmarks/bench_path.py                      # the working tree only
    python benchmarks/bench_path.py --before 0ccbfbc     # and the tree of commit 0ccbfbc, row by row
    python benchmarks/bench_path.py --rows scoring load  # some rows only (see --help)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ROWS = ("scoring", "cli", "cli-big", "workers", "load", "one", "audit")
CLOCK = [time.perf_counter]  # the scoring row's clock: process time with --cpu (a busy machine moves it less)

# =============================================================================================
# In the child: one row, measured with the perfscore found first on sys.path
# =============================================================================================


def tie_units(count: int, seed: int) -> list[dict[str, Any]]:
    """Units whose exact leaf scores end in a half cent: the budget execution rate (executed / budget
    × 10) and percentage ratio leaves are made to land on x.xx5, where rounding half-up decides."""
    import bench_scoring as b

    rng = random.Random(seed)
    units = b.make_units(count, seed)
    for unit in units:
        budget = Decimal(rng.randint(400, 5_000) * 200)  # 80,000 to 1,000,000: executed = budget × k / 2000 is exact
        unit["budget"], unit["carryover"] = budget.scaleb(-2), Decimal(0)
        k = rng.randint(1_700, 1_999) | 1  # an odd k: k / 2000 × 10 = k / 200 ends in a half cent
        unit["executed"] = (budget * k / 2000).scaleb(-2)
        for _leaf, name, target, points in b.AT_LEAST:
            if not name.endswith(("_rate", "_progress", "_timeliness")):
                continue
            for _ in range(200):  # a value below the target whose score a / target × points ends in .xx5
                value = Decimal(rng.randint(int(target * 40), int(target * 100) - 1)).scaleb(-2)
                if (value / target * points * 1000) % 10 == 5:
                    unit[name] = value
                    break
    return units


def score_by_hand_float(unit: Mapping[str, Any]) -> float:
    """The hand-written scorer in binary floating point: fast, and wrong on half-cent ties."""
    import bench_scoring as b

    f = float
    items: list[float] = []
    budget = f(unit["budget"])
    rate = f(unit["executed"]) / budget
    items.append(rate * 10 if rate < 1 else 10.0)
    carry = f(unit["carryover"]) / budget
    items.append(5.0 if carry <= 0.01 else 3.0 if carry <= 0.03 else 1.0 if carry <= 0.05 else 0.0)
    for _leaf, name, target, points in b.AT_LEAST_F:
        share = max(f(unit[name]), 0.0) / target
        items.append(share * points if share < 1 else points)
    for _leaf, name, target, points, inverse in b.AT_MOST_F:
        actual = max(f(unit[name]), 0.0)
        if actual <= target:
            items.append(points)
        elif inverse:
            items.append(target / actual * points)
        else:
            items.append(0.0 if actual >= 2 * target else (1 - (actual - target) / target) * points)
    for _leaf, name, points in b.RATINGS_F:
        value = unit[name]
        items.append(f(value["score"]) if isinstance(value, Mapping) else b.TIERS_F[value] * points)
    for _leaf, name, each, points in b.DEDUCTIONS_F:
        items.append(points - min(unit[name] * each, points))
    items.append(2.0 if unit["disclosed"] else 0.0)
    return sum(round(item, 2) for item in items)


def _float_tables() -> None:
    import bench_scoring as b

    b.AT_LEAST_F = [(leaf, name, float(t), float(p)) for leaf, name, t, p in b.AT_LEAST]
    b.AT_MOST_F = [(leaf, name, float(t), float(p), inv) for leaf, name, t, p, inv in b.AT_MOST]
    b.RATINGS_F = [(leaf, name, float(p)) for leaf, name, p in b.RATINGS]
    b.DEDUCTIONS_F = [(leaf, name, float(e), float(p)) for leaf, name, e, p in b.DEDUCTIONS]
    b.TIERS_F = {name: float(share) for name, (_lo, _hi, _inc, share) in b.TIERS.items()}


def _same(one: Any, other: Any) -> list[str]:
    """Where two results differ: every leaf's raw and rounded score and facts, subtotals, total, grade."""
    problems = []
    for a, b in zip(one.items, other.items, strict=True):
        if (a.score, str(a.score), a.raw, str(a.raw), a.recorded) != (b.score, str(b.score), b.raw, str(b.raw), b.recorded):
            problems.append(f"{a.id}: {a.score} ({a.raw}) {a.recorded} != {b.score} ({b.raw}) {b.recorded}")
    if str(one.total) != str(other.total) or one.grade != other.grade or one.subtotals != other.subtotals:
        problems.append(f"total {one.total} {one.grade.name} != {other.total} {other.grade.name}")
    return problems


def verify_all(ruleset: Any, units: Sequence[Mapping[str, Any]], ties: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Every unit and tie scored by the pass and by the reference path (and by hand): identical."""
    import bench_scoring as b

    b.verify(ruleset, [*units, *ties])
    for index, unit in enumerate([*units, *ties]):
        problems = _same(ruleset.score(unit), ruleset.score_reference(unit))
        floats = b.as_floats(unit)
        as_read = {name: _from_float(value) for name, value in floats.items()}
        problems += [f"float inputs: {p}" for p in _same(ruleset.score(floats), ruleset.score_reference(as_read))]
        given, read = ruleset.score(unit), ruleset.score(floats)  # the same numbers (2.5 and 2.50 alike)
        if [i.score for i in given.items] != [i.score for i in read.items] or given.total != read.total:
            problems.append(f"float inputs score {read.total}, Decimal inputs {given.total}")
        if problems:
            raise SystemExit(f"MISMATCH on unit {index}: {unit}\n  " + "\n  ".join(problems))
    wrong = sum(
        abs(score_by_hand_float(unit) - float(b.score_by_hand(unit)["total"])) > 0.001 for unit in ties
    )
    return {"verified": len(units) + len(ties), "ties": len(ties), "float_wrong_on_ties": wrong}


def _from_float(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {key: _from_float(item) for key, item in value.items()}
    return value


def row_scoring(units_count: int, rounds: int, seed: int) -> dict[str, Any]:
    import gc

    import bench_scoring as b

    import perfscore

    _float_tables()
    ruleset = perfscore.load(b.RULESET)
    units = b.make_units(units_count, seed)
    ties = tie_units(100, seed + 1)
    checked = verify_all(ruleset, units, ties)
    floats = [b.as_floats(unit) for unit in units]
    score = ruleset.score

    def hand(batch: Sequence[Any]) -> None:
        for unit in batch:
            b.score_by_hand(unit)["total"]

    def hand_float(batch: Sequence[Any]) -> None:
        for unit in batch:
            score_by_hand_float(unit)

    def totals(batch: Sequence[Any]) -> None:
        for unit in batch:
            score(unit).total  # noqa: B018

    def leaves(batch: Sequence[Any]) -> None:
        for unit in batch:
            for item in score(unit).items:
                item.score  # noqa: B018

    def explained(batch: Sequence[Any]) -> None:
        for unit in batch:
            for item in score(unit).items:
                item.explanation  # noqa: B018

    def to_dict(batch: Sequence[Any]) -> None:
        for unit in batch:
            score(unit).to_dict()

    runners: dict[str, tuple[Callable[[Sequence[Any]], None], Sequence[Any], int]] = {
        "hand-written": (hand, units, 1),
        "hand-written float": (hand_float, floats, 1),
        "totals": (totals, units, 1),
        "every leaf score": (leaves, units, 1),
        "every explanation": (explained, units, 10),
        "to_dict()": (to_dict, units, 20),
        "float inputs": (totals, floats, 1),
    }
    best = dict.fromkeys(runners, float("inf"))
    names = list(runners)
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else reversed(names):
            run, batch, share = runners[name]
            batch = batch[: max(1, len(batch) // share)]
            gc.collect()
            start = CLOCK[0]()
            run(batch)
            best[name] = min(best[name], (CLOCK[0]() - start) / len(batch))
    hand_time = best["hand-written"]
    figures = {name: {"us": seconds * 1e6, "ratio": hand_time / seconds} for name, seconds in best.items()}
    figures["float inputs"]["vs Decimal inputs"] = best["totals"] / best["float inputs"]
    return {**checked, "figures": figures}


def row_load(size: int) -> dict[str, Any]:
    import bench_scoring as b

    import perfscore

    text = b.large_ruleset(size)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        ruleset = perfscore.loads(text, source=f"generated-{size}.toml")
        best = min(best, time.perf_counter() - start)
    start = time.perf_counter()
    ruleset.score({"x": Decimal(7)})
    first = time.perf_counter() - start
    return {"indicators": size, "seconds": best, "us_per_indicator": best / size * 1e6, "first_unit_s": first}


def row_workers(units_count: int, workers: int, seed: int) -> dict[str, Any]:
    """One process against ``workers`` processes, scoring the same units and reading every leaf's
    explanation in both languages (what any report needs), nothing held from unit to unit."""
    import inspect
    import multiprocessing

    import bench_scoring as b

    import perfscore

    ruleset = perfscore.load(b.RULESET)

    def units() -> Any:  # generated as they are used, the same each time
        for start in range(0, units_count, 1000):
            yield from b.make_units(min(1000, units_count - start), seed + start)

    def explain(outcome: Any) -> str:
        return "" if not hasattr(outcome, "items") else str(outcome.total) + "".join(
            item.explain(lang) for item in outcome.items for lang in ("zh", "en")
        )

    streaming = hasattr(ruleset, "iter_scores")
    start = time.perf_counter()
    if streaming:
        one = [explain(outcome)[:8] for _unit, outcome in ruleset.iter_scores(units())]
    else:
        one = [explain(outcome)[:8] for outcome in ruleset.score_many(units()).outcomes]
    single = time.perf_counter() - start
    if streaming and "workers" in inspect.signature(ruleset.iter_scores).parameters:
        start = time.perf_counter()
        many = [explain(outcome)[:8] for _unit, outcome in ruleset.iter_scores(units(), workers=workers)]
        parallel = time.perf_counter() - start
        how = f"iter_scores(units, workers={workers}), every explanation read"
    else:  # before: what a user could do, a Pool over chunks, the ruleset pickled with each
        listed = list(units())
        chunk = 1000
        start = time.perf_counter()
        with multiprocessing.get_context().Pool(workers) as pool:
            many = [explain(outcome)[:8] for part in pool.imap(_score_chunk, [(ruleset, listed[i : i + chunk])
                    for i in range(0, len(listed), chunk)]) for outcome in part.outcomes]  # fmt: skip
        parallel = time.perf_counter() - start
        how = f"multiprocessing.Pool({workers}).imap over chunks of 1,000, the ruleset pickled with each"
    return {"units": units_count, "one_s": single, "parallel_s": parallel, "speedup": single / parallel,
            "how": how, "same_totals": one == many}  # fmt: skip


def _score_chunk(job: tuple[Any, Any]) -> Any:
    ruleset, units = job
    return ruleset.score_many(units)


def child(row: str, options: argparse.Namespace) -> None:
    sys.path.insert(0, str(HERE))
    if row == "scoring":
        figures = row_scoring(options.units, options.rounds, options.seed)
    elif row == "load":
        figures = row_load(options.load_size)
    elif row == "workers":
        figures = row_workers(options.worker_units, options.workers, options.seed)
    else:
        raise SystemExit(f"unknown row {row}")
    print(json.dumps(figures))


# =============================================================================================
# In the parent: trees, files, processes
# =============================================================================================


def export_tree(ref: str, folder: Path) -> Path:
    """``src/`` of commit ``ref`` (and its rulesets), exported with ``git archive`` (no worktree made)."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", ref, "src", "rulesets"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def compiled(tree: Path) -> None:
    """Compile the tree's modules to bytecode (``__pycache__`` beside them), as installing them does."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "src")], env=env, check=True,
                   capture_output=True)  # fmt: skip


def in_tree(tree: Path, argv: Sequence[str], timeout: float | None = None) -> tuple[float, float, str, int]:
    """Run ``python argv`` with perfscore from ``tree``: wall seconds, peak RSS in MB, stdout, status."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "try:\n"
        "    done = subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], 'wb'), stderr=subprocess.DEVNULL,"
        f" timeout={timeout!r})\n"
        "    status = done.returncode\n"
        "except subprocess.TimeoutExpired:\n"
        "    status = -1\n"
        "wall = time.perf_counter() - start\n"
        "print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, status)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    with tempfile.NamedTemporaryFile(suffix=".out", delete=False) as out:
        target = Path(out.name)
    try:
        line = subprocess.run([sys.executable, "-c", probe, str(target), sys.executable, *argv], env=env,
                              capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
        text = target.read_text(encoding="utf-8", errors="replace") if target.stat().st_size < 50_000_000 else ""
        return float(line[0]), float(line[1]), text, int(line[2])
    finally:
        target.unlink()


def run_child(tree: Path, row: str, options: argparse.Namespace) -> dict[str, Any]:
    argv = [str(Path(__file__).resolve()), "--child", row, "--units", str(options.units), "--rounds",
            str(options.rounds), "--seed", str(options.seed), "--load-size", str(options.load_size),
            "--workers", str(options.workers), "--worker-units", str(options.worker_units),
            *(["--cpu"] if options.cpu else [])]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    done = subprocess.run([sys.executable, *argv], env=env, capture_output=True, text=True)
    if done.returncode:
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1][:300]}
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def write_units(path: Path, count: int, seed: int, lines: bool) -> Path:
    """``count`` benchmark units as JSON (``{"units": [...]}``) or JSON Lines (one unit a line)."""
    sys.path.insert(0, str(HERE))
    import bench_scoring as b

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return float(value)  # JSON numbers: perfscore reads them exactly, by their text
        if isinstance(value, Mapping):
            return {key: plain(item) for key, item in value.items()}
        return value

    with path.open("w", encoding="utf-8") as out:
        if not lines:
            out.write('{"units": [\n')
        step = 10_000
        for start in range(0, count, step):
            units = b.make_units(min(step, count - start), seed + start)
            for offset, unit in enumerate(units):
                record = {"id": f"u{start + offset + 1}", "data": {k: plain(v) for k, v in unit.items()}}
                text = json.dumps(record, ensure_ascii=False)
                if lines:
                    out.write(text + "\n")
                else:
                    out.write(("" if start + offset == 0 else ",\n") + text)
        if not lines:
            out.write("\n]}\n")
    return path


def cli_row(tree: Path, data: Path, fmt: str, timeout: float, runs: int = 1, jobs: int = 1) -> dict[str, Any]:
    ruleset = str(HERE / "ruleset-30.toml")
    best: tuple[float, float, str, int] | None = None
    more = ["--jobs", str(jobs)] if jobs > 1 else []
    for _ in range(runs):
        got = in_tree(tree, ["-m", "perfscore.cli", "score", ruleset, str(data), "--format", fmt, *more], timeout)
        if best is None or got[0] < best[0]:
            best = got
    assert best is not None
    wall, rss, text, status = best
    if status == -1:
        return {"seconds": f"> {timeout:.0f} (stopped)", "peak_mb": rss, "format": fmt}
    if status not in (0, 3):  # refused (the file is over max_data_bytes), or failed
        return {"seconds": f"exit {status} after {wall:.1f}", "peak_mb": rss, "format": fmt}
    return {"seconds": wall, "peak_mb": rss, "status": status, "format": fmt, "bytes": len(text.encode())}


def supports(tree: Path, fmt: str) -> bool:
    text = (tree / "src" / "perfscore" / "cli.py").read_text(encoding="utf-8")
    return f'"{fmt}"' in text or f"'{fmt}'" in text


def one_unit_row(tree: Path) -> dict[str, Any]:
    unit = HERE / "one-unit.json"
    times = [in_tree(tree, ["-m", "perfscore.cli", "score", str(HERE / "ruleset-30.toml"), str(unit)])[0]
             for _ in range(7)]  # fmt: skip
    imports = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import perfscore.cli"],
        env={**os.environ, "PYTHONPATH": str(tree / "src")}, capture_output=True, text=True,
    ).stderr  # fmt: skip
    names = [line.split("|")[-1].strip() for line in imports.splitlines()]
    heavy = sorted({name[10:] for name in names if name.startswith("perfscore.") and name.count(".") == 1})
    return {"seconds": min(times), "modules": heavy}


def audit_row(tree: Path, folder: Path, timeout: float) -> dict[str, Any]:
    ruleset = str(tree / "rulesets" / "project-mof-2020.toml")
    wall, rss, _text, status = in_tree(tree, ["-m", "perfscore.cli", "audit", str(folder), "--ruleset", ruleset,
                                              "--format", "json"], timeout)  # fmt: skip
    return {"seconds": wall if status != -1 else f"> {timeout:.0f} (stopped)", "peak_mb": rss, "status": status}


def audit_tables(folder: Path, count: int) -> Path:
    """``count`` tables: the sample tables of tests/tables (CSV, JSON, TOML, .xlsx) copied round."""
    samples = sorted(p for p in (ROOT / "tests" / "tables").iterdir() if p.suffix in (".csv", ".json", ".toml", ".xlsx"))
    folder.mkdir(exist_ok=True)
    for number in range(count):
        sample = samples[number % len(samples)]
        shutil.copy(sample, folder / f"{number:03d}-{sample.name}")
    return folder


def fmt_number(value: Any, spec: str) -> str:
    return format(value, spec) if isinstance(value, (int, float)) else str(value)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", metavar="REF", help="also measure the tree of this git commit (e.g. 0ccbfbc)")
    parser.add_argument("--rows", nargs="+", choices=ROWS, default=list(ROWS), help="rows to measure (default: all)")
    parser.add_argument("--units", type=int, default=10_000, help="benchmark units for the scoring row (10000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds; the best counts (5)")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--cli-units", type=int, default=10_000, help="units for the command-line row (10000)")
    parser.add_argument("--big-units", type=int, default=100_000, help="units for the streamed row (100000)")
    parser.add_argument("--load-size", type=int, default=10_000, help="indicators in the load row (10000)")
    parser.add_argument("--workers", type=int, default=2, help="processes for the workers row (2)")
    parser.add_argument("--worker-units", type=int, default=100_000, help="units for the workers row (100000)")
    parser.add_argument("--tables", type=int, default=200, help="tables for the audit row (200)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a command-line run is stopped")
    parser.add_argument("--json", metavar="PATH", help="also write every figure as JSON to PATH")
    parser.add_argument("--cpu", action="store_true",
                        help="time the scoring row in process time, not wall time (on a busy shared machine)")  # fmt: skip
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        if options.cpu:
            CLOCK[0] = time.process_time
        child(options.child, options)
        return 0

    scratch = Path(tempfile.mkdtemp(prefix="perfscore-bench-"))
    trees = {"after": ROOT}
    if options.before:
        trees = {"before": export_tree(options.before, scratch / "before"), **trees}
    for tree in trees.values():
        compiled(tree)
    results: dict[str, dict[str, Any]] = {name: {} for name in trees}
    load = os.getloadavg()
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, load average {load[0]:.2f} "
          f"{load[1]:.2f} {load[2]:.2f} at the start", flush=True)  # fmt: skip
    try:
        for row in options.rows:
            for name, tree in trees.items():
                print(f"  measuring {row} ({name}) …", file=sys.stderr, flush=True)
                results[name][row] = measure(row, tree, options, scratch)
        results_load = os.getloadavg()
        print(f"load average at the end {results_load[0]:.2f} {results_load[1]:.2f} {results_load[2]:.2f}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(table(results, options))
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def measure(row: str, tree: Path, options: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    if row in ("scoring", "load", "workers"):
        return run_child(tree, row, options)
    if row == "cli":
        data = scratch / f"units-{options.cli_units}.json"
        if not data.exists():
            write_units(data, options.cli_units, options.seed, lines=False)
        figures = {"json": cli_row(tree, data, "json", options.timeout)}
        if supports(tree, "jsonl"):
            lines = scratch / f"units-{options.cli_units}.jsonl"
            if not lines.exists():
                write_units(lines, options.cli_units, options.seed, lines=True)
            figures["jsonl"] = cli_row(tree, lines, "jsonl", options.timeout)
            figures[f"jsonl --jobs {options.workers}"] = cli_row(tree, lines, "jsonl", options.timeout,
                                                                 jobs=options.workers)  # fmt: skip
        return figures
    if row == "cli-big":
        if not supports(tree, "jsonl"):
            data = scratch / f"units-{options.big_units}.json"
            if not data.exists():
                write_units(data, options.big_units, options.seed, lines=False)
            return {"json": cli_row(tree, data, "json", options.timeout)}
        lines = scratch / f"units-{options.big_units}.jsonl"
        if not lines.exists():
            write_units(lines, options.big_units, options.seed, lines=True)
        figures = {"jsonl": cli_row(tree, lines, "jsonl", options.timeout)}
        figures[f"jsonl --jobs {options.workers}"] = cli_row(tree, lines, "jsonl", options.timeout,
                                                             jobs=options.workers)  # fmt: skip
        return figures
    if row == "one":
        return one_unit_row(tree)
    if row == "audit":
        folder = scratch / "tables"
        if not folder.exists():
            audit_tables(folder, options.tables)
        return audit_row(tree, folder, options.timeout)
    raise ValueError(row)


def table(results: Mapping[str, Mapping[str, Any]], options: argparse.Namespace) -> str:
    """The issue's target table, one column per tree."""
    names = list(results)
    lines = [f"| what | target | {' | '.join(names)} |", f"|---|---|{'---|' * len(names)}"]

    def add(what: str, target: str, cell: Callable[[Mapping[str, Any]], str]) -> None:
        cells = []
        for name in names:
            try:
                cells.append(cell(results[name]))
            except (KeyError, TypeError, IndexError):
                error = results[name].get(what, {})
                cells.append("—" if not isinstance(error, Mapping) or "error" not in error else "fails")
        lines.append(f"| {what} | {target} | {' | '.join(cells)} |")

    def ratio(key: str) -> Callable[[Mapping[str, Any]], str]:
        def cell(row: Mapping[str, Any]) -> str:
            figure = row["scoring"]["figures"][key]
            return f"{figure['ratio']:.2f}× ({figure['us']:.1f} µs a unit)"

        return cell

    add("totals", "≥ 4×", ratio("totals"))
    add("every leaf score", "≥ 3×", ratio("every leaf score"))
    add("every leaf's explanation rendered", "≥ 0.5×", ratio("every explanation"))
    add("`to_dict()`", "≥ 0.3×", ratio("to_dict()"))
    add("float inputs", "as fast as Decimal inputs",
        lambda r: f"{r['scoring']['figures']['float inputs']['vs Decimal inputs']:.2f}× of Decimal inputs "
                  f"({r['scoring']['figures']['float inputs']['ratio']:.2f}× hand-written)")  # fmt: skip
    add("hand-written float (not exact)", "—",
        lambda r: f"{r['scoring']['figures']['hand-written float']['ratio']:.2f}×, wrong on "
                  f"{r['scoring']['float_wrong_on_ties']} of {r['scoring']['ties']} half-cent ties")  # fmt: skip

    def cli(key: str) -> Callable[[Mapping[str, Any]], str]:
        def cell(row: Mapping[str, Any]) -> str:
            parts = []
            for fmt, figure in row[key].items():
                seconds = figure["seconds"]
                shown = f"{seconds:.1f} s" if isinstance(seconds, float) else f"{seconds} s"
                if str(seconds).startswith("exit"):
                    shown = f"refused ({seconds} s)"
                parts.append(f"{fmt}: {shown}, {figure['peak_mb']:.0f} MB")
            return "; ".join(parts)

        return cell

    add(f"CLI, {options.cli_units:,} units → JSON / JSON Lines", "≤ 5 s, ≤ 250 MB", cli("cli"))
    add(f"CLI, {options.big_units:,} units", "the same peak memory", cli("cli-big"))
    add(f"{options.workers} workers, {options.worker_units:,} units, every explanation", "≥ 1.7× one process",
        lambda r: f"{r['workers']['speedup']:.2f}× ({r['workers']['one_s']:.1f} s → {r['workers']['parallel_s']:.1f} s)")  # fmt: skip
    add(f"load, {options.load_size:,} indicators", "≤ 100 µs an indicator, ≤ 1 s",
        lambda r: f"{r['load']['us_per_indicator']:.0f} µs an indicator ({r['load']['seconds']:.2f} s)")
    add("`perfscore score` of one unit", "≤ 150 ms", lambda r: f"{r['one']['seconds'] * 1000:.0f} ms")
    add(f"`audit` of {options.tables} tables", "≤ 2 s",
        lambda r: f"{fmt_number(r['audit']['seconds'], '.1f')} s, {r['audit']['peak_mb']:.0f} MB")
    notes = []
    for name in names:
        scoring = results[name].get("scoring", {})
        if "verified" in scoring:
            notes.append(f"{name}: verified {scoring['verified']} units (with {scoring['ties']} half-cent ties) "
                         "against the reference path and the hand-written scorer, Decimal and float inputs")  # fmt: skip
        one = results[name].get("one", {})
        if "modules" in one:
            notes.append(f"{name}: perfscore modules imported by the command line: {', '.join(one['modules'])}")
        workers = results[name].get("workers", {})
        if "how" in workers:
            notes.append(f"{name}: workers: {workers['how']}; same totals: {workers['same_totals']}")
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {note}" for note in notes) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
