"""Issue 13: the fast techniques of the whole path give exactly what the plain ones give.

- explanations are planned once per leaf, case, template and language and filled from the facts
  (``perfscore.wording.Phrasing``): every sentence equals the one the plain renderer makes (the
  renderer perfscore had before, kept here as the oracle), on generated rulesets and data, on
  rulesets with templates of their own, with missing inputs;
- the quick path (floats read on it, ints and Decimals) scores every benchmark unit and every unit
  of a half-cent tie set as the reference path does, leaf by leaf;
- batch reports written unit by unit (``perfscore.stream``) are the reports of the whole batch,
  and their memory does not grow with the number of units; JSON Lines data is read line by line;
- worker processes (``workers=N``, ``--jobs N``) give the same results, in the same order;
- scoring does not import the checks, ``diff``, the streaming writer or the worker pool.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import perfscore
from perfscore import ScoreResult
from perfscore.cli import run
from perfscore.report import render_batch
from perfscore.stream import write_batch, write_batch_file
from perfscore.units import Unit, iter_units
from perfscore.wording import phrasing, plainly
from strategies import GeneratedRuleset, rulesets_with_data

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import bench_path  # noqa: E402 - the benchmark's own units and tie set
import bench_scoring  # noqa: E402

# --- the oracle: explanations made plainly, every field made and the templates rendered ------------


def assert_explained_as_reference(result: ScoreResult) -> None:
    """Every leaf's sentence in both languages from its plan (planned at once) is the plain one."""
    for lang in ("zh", "en"):
        words = phrasing(result.ruleset, lang)
        words.plain_uses = 0  # every kind planned at its first sentence
        for item in result.items:
            assert item.explain(lang) == plainly(item, item.recorded[0], words.display), item.id


def test_a_kind_of_sentence_is_planned_at_its_second_use() -> None:
    """The first sentence of a kind (leaf, outcome, template, language) is made plainly, the next ones
    by its plan: a ruleset made for one table plans nothing it uses once."""
    ruleset = perfscore.load(bench_scoring.RULESET)
    words = phrasing(ruleset, "zh")
    unit = bench_scoring.make_units(1, 4)[0]
    first = [item.explanation for item in ruleset.score(unit).items]
    assert not words._plans
    second = [item.explanation for item in ruleset.score(unit).items]
    assert len(words._plans) == len(first) and second == first


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=rulesets_with_data())
def test_planned_explanations_equal_the_plain_renderer_on_generated_rulesets(
    case: tuple[GeneratedRuleset, dict[str, Any]],
) -> None:
    """On random rulesets of every method and valid data for them, each leaf's sentence in both
    languages is the one the plain renderer makes."""
    generated, values = case
    try:
        result = generated.ruleset.score(values)
    except perfscore.ScoringError:
        return  # a formula that fails for these values: nothing to explain
    assert_explained_as_reference(result)


def test_planned_explanations_equal_the_plain_renderer_on_the_benchmark() -> None:
    """Every leaf of 300 benchmark units (every case of every method there), twice each: the second
    time from the plans and remembered constants of the first."""
    ruleset = perfscore.load(bench_scoring.RULESET)
    units = bench_scoring.make_units(300, 7)
    cases = set()
    for unit in units + units:
        result = ruleset.score(unit)
        assert_explained_as_reference(result)
        cases.update(item.case for item in result.items)
    assert len(cases) >= 12, cases


TEMPLATES = """\
[ruleset]
id = "templates"
title = "模板"
version = "1"
sources = ["测试"]
total = 20
missing = "zero"

[inputs.x]
type = "number"
label = "完成数"
unit = "件"
min = 0

[inputs.note]
type = "text"
label = "说明"
required = false

[inputs.rate]
type = "percent"
label = "比例"
required = false

[indicators.a]
name = "甲"
name_en = "A"
points = 10
method = "ratio"
actual = "x"
target = 8
explain = "{name}（{id}）：{body}；实际 {x}，{{字面}}，得 {score}/{points}，扣 {lost}。"
explain_en = "{name_en}: {body} / {actual} vs {target} / {rate} / {lost}"

[indicators.b]
name = "乙"
points = 10
method = "ratio"
actual = "rate"
target = 90
explain = "{body}{body}{rate}"
"""


@pytest.mark.parametrize(
    "values",
    [
        {"x": Decimal(5), "note": "按期完成", "rate": Decimal("99.5")},
        {"x": Decimal(9), "rate": Decimal(12)},
        {"x": Decimal(-0), "note": ""},
        {"x": Decimal("7.99")},
    ],
)
def test_planned_explanations_equal_the_plain_renderer_with_templates_and_missing_inputs(
    values: dict[str, Any],
) -> None:
    """Templates of the ruleset's own (input values, literal braces, ``{body}`` twice) and missing
    inputs (the built-in sentence, naming them): each sentence is the plain renderer's."""
    ruleset = perfscore.loads(TEMPLATES, source="templates.toml")
    for _ in range(2):
        result = ruleset.score(values)
        assert_explained_as_reference(result)


def test_the_quick_path_scores_every_benchmark_unit_and_tie_as_the_reference_path() -> None:
    """Decimal inputs and the same numbers given as floats, on 200 benchmark units and 100 units whose
    leaves end exactly in a half cent: the pass equals the reference path leaf by leaf (raw score,
    rounded score, facts), in total and grade; binary floating point would round most ties wrongly."""
    ruleset = perfscore.load(bench_scoring.RULESET)
    bench_path._float_tables()
    ties = bench_path.tie_units(100, 11)
    checked = bench_path.verify_all(ruleset, bench_scoring.make_units(200, 5), ties)
    assert checked["verified"] == 300
    assert checked["float_wrong_on_ties"] > 50  # the tie set does what it says: floats get these wrong


def test_a_negative_zero_float_after_a_zero_float_reads_as_zero() -> None:
    """Floats remembered by value (0.0 and -0.0 share a key): a -0.0 still scores as 0, never -0."""
    ruleset = perfscore.load(bench_scoring.RULESET)
    unit = bench_path._from_float(bench_scoring.as_floats(bench_scoring.make_units(1, 3)[0]))
    floats = bench_scoring.as_floats(bench_scoring.make_units(1, 3)[0])
    for zero in (0.0, -0.0, 0.0):
        floats["carryover"] = zero
        result = ruleset.score(floats)
        assert str(result.values["carryover"]) == "0.0"
        assert result.total == ruleset.score_reference({**unit, "carryover": Decimal("0.0")}).total


# --- batch reports written unit by unit ------------------------------------------------------------

UNITS = ROOT / "tests" / "cases"


def mixed_units(count: int) -> list[Unit]:
    """Benchmark units, every seventh with a value that is refused."""
    units = []
    for index, values in enumerate(bench_scoring.make_units(count, 9)):
        if index % 7 == 3:
            values = {**values, "budget": "一千"}
        units.append(Unit(f"u{index}", f"单位{index}", values, f"units.toml#u{index}"))
    return units


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_streamed_text_and_markdown_are_the_batch_report(fmt: str) -> None:
    """Written unit by unit, a text or Markdown batch report is character for character render_batch's."""
    ruleset = perfscore.load(bench_scoring.RULESET)
    units = mixed_units(15)
    out = io.StringIO()
    failed = write_batch(ruleset, units, out, fmt, "en")
    batch = ruleset.score_many(units)
    assert out.getvalue() == render_batch(batch, fmt, "en")
    assert [f.unit for f in failed] == [e.unit for e in batch.errors] == ["u3", "u10"]


def test_streamed_json_and_json_lines_hold_every_unit() -> None:
    """JSON: one document with every unit's to_dict() in order and the summary; JSON Lines: one
    unit's to_dict() a line. Both equal the batch's own to_dict()."""
    ruleset = perfscore.load(bench_scoring.RULESET)
    units = mixed_units(10)
    expected = json.loads(json.dumps(ruleset.score_many(units).to_dict(), ensure_ascii=False))
    whole, lines = io.StringIO(), io.StringIO()
    write_batch(ruleset, units, whole, "json")
    write_batch(ruleset, units, lines, "jsonl")
    assert json.loads(whole.getvalue()) == expected
    assert [json.loads(line) for line in lines.getvalue().splitlines()] == expected["units"]
    empty = io.StringIO()
    write_batch(ruleset, [], empty, "json")
    assert json.loads(empty.getvalue()) == {**expected, "units": [], "summary": "0 units: 0 scored, 0 failed"}


def test_a_streamed_report_file_appears_complete(tmp_path: Path) -> None:
    """write_batch_file writes through perfscore.files: the file is there, whole, after the run."""
    ruleset = perfscore.load(bench_scoring.RULESET)
    target = tmp_path / "out" / "report.jsonl"
    write_batch_file(ruleset, mixed_units(4), target)
    assert len(target.read_text(encoding="utf-8").splitlines()) == 4
    assert [p.name for p in target.parent.iterdir()] == ["report.jsonl"]


def _generated(count: int) -> Iterator[dict[str, Any]]:
    for start in range(0, count, 20):
        yield from bench_scoring.make_units(20, start)


def _peak(count: int) -> int:
    ruleset = perfscore.load(bench_scoring.RULESET)

    class Sink(io.StringIO):
        def write(self, text: str) -> int:
            return len(text)  # what a pipe does: the text goes on

    tracemalloc.start()
    try:
        write_batch(ruleset, _generated(count), Sink(), "jsonl")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_streamed_memory_does_not_grow_with_the_number_of_units() -> None:
    """Eight times the units, about the same peak memory: nothing is held from one unit to the next
    (held results would need eight times as much)."""
    small, large = _peak(40), _peak(320)
    assert large < small * 1.5, (small, large)


def test_json_lines_data_is_read_line_by_line(tmp_path: Path) -> None:
    """One unit a line, with an id and name or bare values; blank lines and a byte-order mark skipped;
    numbers exact."""
    path = tmp_path / "units.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf" + '{"id": "a", "name": "甲", "data": {"x": 1.10}}\n\n{"x": 2}\n'.encode()
    )
    units = list(iter_units(path))
    assert [(u.id, u.name, u.source) for u in units] == [
        ("a", "甲", f"{path}#a"),
        ("3", None, f"{path}#3"),
    ]
    assert units[0].values == {"x": Decimal("1.10")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"x": 1}\n{"x": 1,}\n', ":2:"),
        ('{"x": 1}\n[1]\n', ":2:"),
        ('{"x": NaN}\n', "NaN is not a number"),
    ],
)
def test_a_bad_json_line_is_located(tmp_path: Path, text: str, expected: str) -> None:
    """A line that is not a JSON table stops the reading with a DataError naming the file and line."""
    path = tmp_path / "units.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(perfscore.DataError) as caught:
        list(iter_units(path))
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_a_json_line_over_the_limit_is_refused(tmp_path: Path) -> None:
    """Each line is bounded (limits.max_data_bytes), not the file."""
    path = tmp_path / "units.jsonl"
    path.write_text('{"x": 1}\n{"x": "' + "9" * 200 + '"}\n', encoding="utf-8")
    with pytest.raises(perfscore.UnreadableFileError, match="line 2 is over the 100-byte limit"):
        list(iter_units(path, limits=perfscore.Limits(max_data_bytes=100)))


def test_the_command_line_streams_json_lines(tmp_path: Path) -> None:
    """perfscore score … --format jsonl: one line per unit, exit 3 with the failed unit on stderr;
    --jobs 2 writes the same lines."""
    path = tmp_path / "units.jsonl"
    bench_path.write_units(path, 12, 4, lines=True)
    text = path.read_text(encoding="utf-8").splitlines()
    text[5] = text[5].replace('"budget": ', '"budget": "x", "b": ')
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        out, err = io.StringIO(), io.StringIO()
        status = run(["score", str(BENCH / "ruleset-30.toml"), str(path), "--format", "jsonl", "--jobs", jobs], out, err)
        assert status == 3
        assert err.getvalue().startswith(f"perfscore: {path}#u6: ")
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]
    lines = [json.loads(line) for line in outputs[0].splitlines()]
    assert len(lines) == 12
    assert lines[5]["error"] == "data"


def test_jobs_must_be_a_positive_whole_number() -> None:
    """--jobs 0 is a usage mistake (exit 2), said by argparse."""
    out, err = io.StringIO(), io.StringIO()
    assert run(["score", str(BENCH / "ruleset-30.toml"), str(BENCH / "one-unit.json"), "--jobs", "0"], out, err) == 2
    assert "expected a whole number of at least 1, got '0'" in err.getvalue()


# --- worker processes ----------------------------------------------------------------------------


def test_workers_give_the_same_results_in_the_same_order() -> None:
    """score_many(units, workers=2): every outcome as one process gives it (totals, every leaf's score,
    facts and explanations, errors), the results explained already, the ruleset's own cases."""
    ruleset = perfscore.load(bench_scoring.RULESET)
    units = mixed_units(1100)  # more than two chunks
    one = ruleset.score_many(units)
    many = ruleset.score_many(units, workers=2)
    assert many.units == one.units
    for a, b in zip(one.outcomes, many.outcomes, strict=True):
        assert type(a) is type(b)
        if isinstance(a, ScoreResult):
            assert isinstance(b, ScoreResult)
            assert b.said is not None
            assert (str(b.total), b.grade, b.unit) == (str(a.total), a.grade, a.unit)
            assert [(i.score, i.raw, i.recorded) for i in b.items] == [(i.score, i.raw, i.recorded) for i in a.items]
            assert all(x.recorded[0] is y.recorded[0] for x, y in zip(a.items, b.items, strict=True))
            assert b.to_dict() == a.to_dict()
        else:
            assert str(b.error) == str(a.error)


def test_scoring_imports_neither_the_checks_nor_the_batch_machinery() -> None:
    """``import perfscore`` and scoring one unit import no check, diff, stream or worker module;
    ``perfscore.lint`` is still there when asked for."""
    code = (
        "import sys, perfscore\n"
        f"r = perfscore.load({str(BENCH / 'ruleset-30.toml')!r})\n"
        f"r.score(perfscore.read_units({str(BENCH / 'one-unit.json')!r})[0].values).items[0].explanation\n"
        "print(sorted(m for m in sys.modules if m.startswith('perfscore.')))\n"
        "print(callable(perfscore.lint), 'perfscore.checks' in sys.modules)\n"
    )
    lines = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    loaded = eval(lines[0])  # a list of module names
    for module in ("perfscore.checks", "perfscore.diff", "perfscore.stream", "perfscore.parallel", "perfscore.tables"):
        assert module not in loaded
    assert lines[1] == "True True"


def test_a_tier_in_json_facts_is_its_name() -> None:
    """A rating leaf's facts hold the tier chosen; JSON gives its name, not the model's text."""
    ruleset = perfscore.load(bench_scoring.RULESET)
    result = ruleset.score(bench_scoring.make_units(1, 2)[0])
    rated = [leaf for leaf in result.to_dict()["indicators"][3]["children"] if leaf["method"] == "rating"]
    assert {leaf["facts"]["tier"] for leaf in rated} <= {"达成", "部分达成", "未达成"}


# --- beyond one machine: partitioned DataFrames --------------------------------------------------


def units_frame(count: int) -> Any:
    """Benchmark units as a DataFrame: an ``id`` column, numbers as floats, tiers by name."""
    import pandas as pd

    rows = []
    for index, values in enumerate(bench_scoring.make_units(count, 13)):
        row: dict[str, Any] = {"id": f"u{index}"}
        for name, value in bench_scoring.as_floats(values).items():
            row[name] = value["tier"] if isinstance(value, dict) else value
        rows.append(row)
    rows[3]["budget"] = "一千"  # a bad row: its own error, the others scored
    return pd.DataFrame(rows)


def test_a_ruleset_unpickled_again_in_a_process_is_compiled_once() -> None:
    """What makes "the ruleset compiled once per worker" hold whatever carries it: the second unpickling
    of the same ruleset (every task, every result) is the ruleset the first compiled."""
    import pickle

    ruleset = perfscore.load(bench_scoring.RULESET)
    first, second = pickle.loads(pickle.dumps(ruleset)), pickle.loads(pickle.dumps(ruleset))
    assert first is second and first is not ruleset
    result = ruleset.score(bench_scoring.make_units(1, 1)[0])
    assert pickle.loads(pickle.dumps(result)).ruleset is first
    other = perfscore.loads(ruleset.text.replace('version = "bench.1"', 'version = "bench.2"'), source=ruleset.source)
    assert pickle.loads(pickle.dumps(other)).version == "bench.2"


def test_a_dask_dataframe_is_scored_partition_by_partition() -> None:
    """score_dask over 4 partitions, with threads and with processes, gives the rows score_frame gives
    for the whole frame (exact Decimals, the bad row's error)."""
    import dask.dataframe as dd

    from perfscore.frames import score_frame, to_frame
    from perfscore.partitions import score_dask

    ruleset = perfscore.load(bench_scoring.RULESET)
    frame = units_frame(40)
    whole = to_frame(score_frame(ruleset, frame, id_column="id")).astype(object)
    for scheduler in ("threads", "processes"):
        scored = score_dask(dd.from_pandas(frame, npartitions=4), ruleset, id_column="id").compute(scheduler=scheduler)
        assert scored.reset_index(drop=True).equals(whole), scheduler
    assert isinstance(whole["total"][0], Decimal) and whole["error"][3] is not None


def test_the_multiprocessing_example_scores_as_one_process() -> None:
    """examples/python/partitioned_frames.py: 2 workers, 5 chunks, the same rows as one process."""
    import importlib.util

    from perfscore.frames import score_frame, to_frame

    spec = importlib.util.spec_from_file_location("partitioned_frames", ROOT / "examples" / "python" / "partitioned_frames.py")
    assert spec is not None and spec.loader is not None
    example = importlib.util.module_from_spec(spec)
    sys.modules["partitioned_frames"] = example  # the pool's workers import its functions by name
    spec.loader.exec_module(example)
    ruleset = perfscore.load(bench_scoring.RULESET)
    frame = units_frame(30)
    scored = example.score_in_parallel(frame, ruleset, workers=2, chunks=5)
    assert scored.equals(to_frame(score_frame(ruleset, frame, id_column="id")).astype(object))


def test_the_numbers_remembered_per_input_are_bounded_and_exact() -> None:
    """The quick path's memory of floats and whole numbers: each the Decimal its converter gives
    (a float by its shortest text), and forgotten all at once when full, so it never grows past its bound."""
    from perfscore.compiler import _Floats, _Ints

    floats, ints = _Floats(2), _Ints(2)
    assert [floats[0.1], floats[2.5], floats[1e-7]] == [Decimal("0.1"), Decimal("2.5"), Decimal("1E-7")]
    assert str(floats[0.1]) == "0.1" and len(floats) <= 2
    assert [ints[3], ints[10**20], ints[-4]] == [Decimal(3), Decimal(10**20), Decimal(-4)]
    assert len(ints) <= 2
