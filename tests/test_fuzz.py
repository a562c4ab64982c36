"""Fuzzing: whatever a ruleset's text or a unit's data holds, only PerfscoreError escapes
``load``/``loads``, ``read_units``, ``score``, ``explain`` and ``to_dict``; scoring a loaded
ruleset does a bounded amount of work; and every crash ever found is replayed from tests/corpus/.

Inputs are mutations of the shipped rulesets (lines deleted, duplicated or swapped, values
replaced, random text and bytes inserted, formulas replaced by random ones drawn from a grammar
of allowed and forbidden tokens) and any JSON-like data. A crash found here is saved under
tests/corpus/ (see its README.md) and added to :data:`CORPUS`.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfscore
from helpers import ROOT
from perfscore import DataError, PerfscoreError, Ruleset, RulesetError, ScoreResult, ScoringError
from perfscore.report import RENDERERS, explain_ruleset
from strategies import rulesets_with_data

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"

#: (ruleset, example data) pairs shipped with perfscore: the seeds every mutation starts from.
SHIPPED = [
    ("rulesets/department-wide.toml", "examples/liwan-2023.toml"),
    ("rulesets/project-mof-2020.toml", "examples/project-template-data.toml"),
    ("examples/project-community-legal-service/ruleset.toml", "examples/project-community-legal-service/data.toml"),
]


@cache
def shipped_text(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


@cache
def shipped_ruleset(path: str) -> Ruleset:
    return perfscore.load(ROOT / path)


@cache
def shipped_values(path: str) -> dict[str, Any]:
    (unit,) = perfscore.read_units(ROOT / path)
    return dict(unit.values)


def use_result(result: ScoreResult) -> None:
    """Read everything a result offers a user: explanations, plain data, every report format."""
    for item in result.items:
        item.explain("zh")
        item.explain("en")
        item.to_dict()
    json.dumps(result.to_dict(), ensure_ascii=False)
    for lang in ("zh", "en"):
        for render in RENDERERS.values():
            render(result, lang)


def exercise(text: str, units: list[Any]) -> None:
    """Load ``text`` and score each of ``units`` with it, reading every result; PerfscoreErrors
    are expected outcomes, anything else escaping is the bug the caller's test reports."""
    try:
        ruleset = perfscore.loads(text, source="fuzz.toml")
    except PerfscoreError:
        return
    for lang in ("zh", "en"):
        explain_ruleset(ruleset, lang)
    for values in units:
        try:
            result = ruleset.score(values, unit="fuzz")
        except PerfscoreError:
            continue
        use_result(result)
    batch = ruleset.score_many(units)
    batch.summary()
    json.dumps(batch.to_dict(), ensure_ascii=False)


# --- mutations of the shipped rulesets ------------------------------------------------------------

_ASSIGNMENT = re.compile(r'^(\s*[A-Za-z0-9_"\'.-]+\s*=\s*)(.+)$')

#: Formula pieces a ruleset author (or an attacker) might write; allowed and forbidden alike.
_NAMES = ["budget", "executed", "carryover", "goals_planned", "goals_completed", "trained", "x", "points",
          "True", "False", "None", "__class__", "__builtins__", "budjet"]  # fmt: skip
_NUMBERS = ["0", "1", "0.5", "-3", "1e3", "1e999", "1e-999", "1e999999", "9" * 40, "0x10", "1_000", ".5", "1.",
            "0.1", "100"]  # fmt: skip
_TEXTS = ["'达成'", "'{0}'", "'{name.__class__}'", "''", "'x' * 3", '"2023-09-30"']
_BINARY = ["+", "-", "*", "/", "//", "%", "**", "and", "or", "<", "<=", "==", "!=", ">", ">=", "in", "is", "&",
           "|", "^", "<<", ">>", "@", "if True else"]  # fmt: skip
_CALLS = ["min", "max", "abs", "round", "floor", "ceil", "clamp", "days_between", "date", "getattr", "__import__",
          "open", "eval", "exec", "globals", "vars", "type", "sum", "len"]  # fmt: skip


def _formula_leaves() -> st.SearchStrategy[str]:
    return st.sampled_from(_NAMES + _NUMBERS + _TEXTS)


def _formula_extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(_BINARY), inner).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(st.sampled_from(["-", "+", "not ", "~"]), inner).map("".join),
        inner.map(lambda f: f"({f})"),
        st.tuples(st.sampled_from(_CALLS), st.lists(inner, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} if {t[1]} else {t[2]}"),
        inner.map(lambda f: f"{f}.__class__"),
        inner.map(lambda f: f"{f}[0]"),
        inner.map(lambda f: f"(lambda: {f})()"),
        inner.map(lambda f: f"[v for v in {f}]"),
        inner.map(lambda f: f"(v := {f})"),
        inner.map(lambda f: f"f'{{{f}}}'"),
    )


def random_formulas() -> st.SearchStrategy[str]:
    """Formulas from a grammar of allowed and forbidden tokens, nested a few levels."""
    return st.recursive(_formula_leaves(), _formula_extend, max_leaves=12)


def toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


#: TOML values a mutation may put in place of any value.
ODD_VALUES = ["0", "-1", "1e999", "nan", "inf", "-0.0", "true", "[]", "{}", '""', "1979-05-27", "[1, 2]", "{ a = 1 }",
              '"达成"', '"-1"', '"{0}"', '"\\u0000"']  # fmt: skip


@st.composite
def mutated_rulesets(draw: Callable[[st.SearchStrategy[Any]], Any]) -> tuple[str, str]:
    """A shipped ruleset (and its example data file) with one to four random mutations."""
    ruleset_path, data_path = draw(st.sampled_from(SHIPPED))
    lines = shipped_text(ruleset_path).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(
            st.sampled_from(["delete", "duplicate", "swap", "value", "formula", "insert", "text", "bytes", "header"])
        )
        line = lines[at]
        found = _ASSIGNMENT.match(line)
        if kind == "delete":
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, line)
        elif kind == "swap":  # the values of two assignments change places
            other = draw(st.integers(0, len(lines) - 1))
            theirs = _ASSIGNMENT.match(lines[other])
            if found and theirs:
                lines[at], lines[other] = found.group(1) + theirs.group(2), theirs.group(1) + found.group(2)
        elif kind == "value" and found:
            value = draw(
                st.one_of(
                    st.integers(-(10**30), 10**30).map(str),
                    st.integers(4000, 5000).map(lambda digits: "9" * digits),  # past int()'s 4300-digit limit
                    st.sampled_from(ODD_VALUES),
                    st.text(max_size=8).map(toml_string),
                )
            )
            lines[at] = found.group(1) + value
        elif kind == "formula" and found:
            lines[at] = found.group(1) + toml_string(draw(random_formulas()))
        elif kind == "insert":
            lines.insert(at, draw(st.sampled_from(["[indicators.extra]", "points = 5", 'method = "ratio"', "[derived]",
                                                   'x = "x"', "[inputs.x]", 'type = "bool"', "[[units]]", "total = 0",
                                                   'input = "x"', "[scales.s]", "tiers = []"])))  # fmt: skip
        elif kind == "text":
            position = draw(st.integers(0, len(line)))
            lines[at] = line[:position] + draw(st.text(max_size=6)) + line[position:]
        elif kind == "bytes":  # random bytes, read as the loader reads a file (decode errors replaced here)
            raw = bytearray(line.encode("utf-8"))
            position = draw(st.integers(0, len(raw)))
            raw[position:position] = draw(st.binary(min_size=1, max_size=4))
            lines[at] = raw.decode("utf-8", errors="replace")
        elif kind == "header" and line.startswith("[") and "." in line:
            lines[at] = line.replace(".", draw(st.sampled_from([".", "..", ". ", '."', ".ｉ", ".\u200b", "[", "]"])), 1)
    return "\n".join(lines) + "\n", data_path


class TestMutatedRulesets:
    """Mutated shipped rulesets either load and then score their example data (or refuse it) with
    PerfscoreError only, or are refused with a RulesetError: nothing else escapes."""

    @given(mutated_rulesets())
    def test_loading_and_scoring_raise_only_perfscore_errors(self, case: tuple[str, str]) -> None:
        """loads, score, explain, to_dict and every report format raise nothing but PerfscoreError."""
        text, data_path = case
        exercise(text, [shipped_values(data_path), {}])

    @given(mutated_rulesets())
    def test_a_ruleset_that_loads_survives_pickling(self, case: tuple[str, str]) -> None:
        """A mutated ruleset that loads pickles and unpickles to the same scores (it travels as its text)."""
        text, data_path = case
        try:
            ruleset = perfscore.loads(text, source="fuzz.toml")
        except RulesetError:
            return
        again = pickle.loads(pickle.dumps(ruleset))
        values = shipped_values(data_path)
        outcomes = []
        for each in (ruleset, again):
            try:
                outcomes.append(str(each.score(dict(values)).to_dict()))
            except PerfscoreError as error:
                outcomes.append(str(error))
        assert outcomes[0] == outcomes[1]


class TestRandomFormulas:
    """A formula drawn from allowed and forbidden tokens, in every place a formula goes, is refused
    with a RulesetError or compiles and then scores with PerfscoreError only."""

    @given(
        formula=random_formulas(),
        where=st.sampled_from(["derived", "actual", "target", "value", "count", "formula"]),
        x=st.one_of(st.just(Decimal(0)), st.decimals(-(10**6), 10**6, places=3), st.just(Decimal("1E+30"))),
    )
    def test_random_formulas_raise_only_perfscore_errors(self, formula: str, where: str, x: Decimal) -> None:
        """Every outcome of loading and scoring is a result or a PerfscoreError."""
        exercise(formula_ruleset(formula, where), [{"x": x, "budget": x, "executed": x}])


def formula_ruleset(formula: str, where: str) -> str:
    """A one-leaf ruleset whose formula at ``where`` is ``formula`` (numbers x, budget, executed)."""
    inputs = "".join(f'[inputs.{name}]\ntype = "number"\nlabel = "{name}"\n\n' for name in ("x", "budget", "executed"))
    derived = f"[derived]\nd = {toml_string(formula)}\n\n" if where == "derived" else ""
    keys = {
        "derived": 'method = "ratio"\nactual = "d"\ntarget = 1',
        "actual": f'method = "ratio"\nactual = {toml_string(formula)}\ntarget = 1',
        "target": f'method = "ratio"\nactual = "x"\ntarget = {toml_string(formula)}',
        "value": f'method = "bands"\nvalue = {toml_string(formula)}\nbands = [{{ points = 10 }}]',
        "count": f'method = "deduction"\ncount = {toml_string(formula)}\neach = 1',
        "formula": f'method = "formula"\nformula = {toml_string(formula)}',
    }[where]
    header = '[ruleset]\nid = "fuzz"\ntitle = "模糊测试"\nversion = "1"\nsources = ["fuzz"]\ntotal = 10\n\n'
    return f'{header}{inputs}{derived}[indicators.item]\nname = "指标"\npoints = 10\n{keys}\n'


# --- random data ------------------------------------------------------------------------------------

#: Strings that look like numbers, dates, booleans or tiers, or like something worse.
_TRICKY_TEXT = ["", " ", "95", " 95 ", "９５", "－３", "１２．５", "1,234.5", "1,23", "１，２３４", "95%", "95万元", "1e5000",
                "1e-5000", "NaN", "-nan", "inf", "Infinity", "0x10", "1_000", "10²", "٣", "①", "2023-09-30", "2023/9/30",
                "2023年9月30日", "2023-13-01", "明年", "是", "否", "true", "达成", "部分达成", "未达成", "{0}", "{score}",
                "__import__('os').system('x')", "\x00", "\u202e", "9" * 5000, "1" + "0" * 400]  # fmt: skip


def json_like(huge_integers: bool = True) -> st.SearchStrategy[Any]:
    """Any value a JSON or TOML data file (or a Python caller) could hand over, nested; integers past
    Python's 4300-digit str() limit only when ``huge_integers`` (json.dumps cannot write them)."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(4000, 5000).map(lambda digits: 10**digits) if huge_integers else st.integers(),
        st.floats(),  # NaN and ±inf included
        st.decimals(),  # NaN, sNaN and ±Infinity included
        st.sampled_from([Decimal("1E+999999"), Decimal("-1E-999999"), Decimal("sNaN"), Decimal("-0")]),
        st.text(max_size=12),
        st.sampled_from(_TRICKY_TEXT),
        st.dates(),
        st.datetimes(),
        st.times(),
        st.binary(max_size=4),
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.one_of(st.text(max_size=6), st.sampled_from(["tier", "score"])), inner, max_size=3)
        ),
        max_leaves=6,
    )


@st.composite
def shipped_with_data(draw: Callable[[st.SearchStrategy[Any]], Any]) -> tuple[str, dict[Any, Any]]:
    """A shipped ruleset and its example data with some values replaced, removed or added at random."""
    ruleset_path, data_path = draw(st.sampled_from(SHIPPED))
    values: dict[Any, Any] = dict(shipped_values(data_path))
    names = sorted(shipped_ruleset(ruleset_path).inputs)
    for name in draw(st.lists(st.sampled_from(names), max_size=4)):
        if draw(st.integers(0, 5)) == 0:
            values.pop(name, None)
        else:
            values[name] = draw(json_like())
    if draw(st.integers(0, 5)) == 0:
        values[draw(st.one_of(st.text(max_size=6), st.integers()))] = draw(json_like())
    return ruleset_path, values


class TestRandomData:
    """Any JSON-like values in a unit's data give a result or a DataError/ScoringError, never
    another exception; a result can be read in full."""

    @given(shipped_with_data())
    def test_scoring_any_values_raises_only_data_or_scoring_errors(self, case: tuple[str, dict[Any, Any]]) -> None:
        """score() either succeeds (and the result is readable) or raises DataError or ScoringError."""
        ruleset_path, values = case
        ruleset = shipped_ruleset(ruleset_path)
        try:
            result = ruleset.score(values, unit="fuzz")
        except (DataError, ScoringError):
            return
        use_result(result)

    @given(json_like())
    def test_any_value_for_every_input_at_once(self, value: Any) -> None:
        """The same odd value given for every input of every shipped ruleset is refused cleanly or scored."""
        for ruleset_path, _ in SHIPPED:
            ruleset = shipped_ruleset(ruleset_path)
            with contextlib.suppress(DataError, ScoringError):
                use_result(ruleset.score(dict.fromkeys(ruleset.inputs, value)))

    @given(st.one_of(json_like(), st.lists(json_like(), max_size=3)))
    def test_score_many_takes_any_units(self, units: Any) -> None:
        """score_many records a bad unit as an error and goes on; only PerfscoreError escapes it."""
        ruleset = shipped_ruleset(SHIPPED[0][0])
        good = shipped_values(SHIPPED[0][1])
        batch = ruleset.score_many([good, *(units if isinstance(units, list) else [units])])
        assert len(batch.outcomes) == 1 + (len(units) if isinstance(units, list) else 1)
        assert isinstance(batch.outcomes[0], ScoreResult)
        json.dumps(batch.to_dict(), ensure_ascii=False)


@contextmanager
def written(raw: bytes, suffix: str) -> Iterator[Path]:
    """``raw`` in a temporary file named ``*suffix``, removed afterwards."""
    handle, name = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(raw)
        yield Path(name)
    finally:
        os.unlink(name)


class TestRandomFiles:
    """Random bytes as a ruleset file or a data file (TOML or JSON) are read or refused with a
    PerfscoreError; nothing else escapes ``load`` or ``read_units``."""

    @given(
        raw=st.one_of(
            st.binary(max_size=200),
            st.sampled_from(SHIPPED)
            .map(lambda pair: shipped_text(pair[0]).encode("utf-8"))
            .flatmap(
                lambda text: st.tuples(st.integers(0, len(text)), st.binary(min_size=1, max_size=8)).map(
                    lambda cut: text[: cut[0]] + cut[1] + text[cut[0] :]
                )
            ),
        )
    )
    def test_random_bytes_as_a_ruleset_file(self, raw: bytes) -> None:
        """load() of any bytes gives a Ruleset or a PerfscoreError (RulesetError, UnreadableFileError)."""
        with written(raw, ".toml") as path, contextlib.suppress(PerfscoreError):
            perfscore.load(path)

    @given(
        suffix=st.sampled_from([".toml", ".json"]),
        raw=st.one_of(
            st.binary(max_size=100),
            json_like(huge_integers=False).map(lambda value: json.dumps(value, default=str).encode("utf-8")),
            st.text(max_size=60).map(lambda text: text.encode("utf-8")),
        ),
    )
    def test_random_bytes_as_a_data_file(self, suffix: str, raw: bytes) -> None:
        """read_units() of any bytes gives units or a PerfscoreError; the units then score or raise one."""
        ruleset = shipped_ruleset(SHIPPED[0][0])
        with written(raw, suffix) as path:
            try:
                units = perfscore.read_units(path)
            except PerfscoreError:
                return
        for unit in units:
            with contextlib.suppress(PerfscoreError):
                use_result(ruleset.score(unit.values, unit=unit.source))


# --- bounded work ------------------------------------------------------------------------------------


def python_calls(function: Callable[[], Any]) -> int:
    """How many Python and C functions ``function()`` calls, counted with sys.setprofile."""
    count = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        function()
    except PerfscoreError:
        pass
    finally:
        sys.setprofile(previous)
    return count


#: Calls allowed per leaf, derived value and input when scoring and explaining (measured: about 40 on
#: average, 170 at most, for random valid rulesets).
CALLS_PER_PART = 400


class TestScoringIsBounded:
    """Scoring a loaded ruleset costs a number of function calls bounded by the size of the ruleset,
    whatever the data: no formula or value can make it loop, recurse or grow without limit."""

    @given(rulesets_with_data())
    def test_scoring_valid_data_is_bounded(self, case: Any) -> None:
        """Scoring (and explaining) a random valid ruleset stays within CALLS_PER_PART per part."""
        generated, values = case
        ruleset = perfscore.loads(generated.text)
        parts = len(ruleset.leaves) + len(ruleset.derived) + len(ruleset.inputs) + 1

        def score_and_explain() -> None:
            result = ruleset.score(dict(values))
            for item in result.items:
                item.explain("zh")

        assert python_calls(score_and_explain) <= CALLS_PER_PART * parts

    @given(shipped_with_data())
    def test_scoring_any_data_is_bounded(self, case: tuple[str, dict[Any, Any]]) -> None:
        """Scoring a shipped ruleset with odd data (refused or not) stays within the same bound."""
        ruleset_path, values = case
        ruleset = shipped_ruleset(ruleset_path)
        parts = len(ruleset.leaves) + len(ruleset.derived) + len(ruleset.inputs) + 1
        assert python_calls(lambda: ruleset.score(values)) <= CALLS_PER_PART * parts

    @pytest.mark.parametrize(
        "formula",
        [
            "-" * 99 + "x",  # as deep as a formula may nest
            "max(" * 49 + "x" + ", 1)" * 49,
            " + ".join(["x"] * 41),  # as long a sum as the nesting limit allows
            "min(" + ", ".join(["x"] * 600) + ")",  # as many arguments as the length limit allows
            "x ** 64 ** 1",  # the largest exponent
            "(x * 1e100) ** 9",  # close to the largest number
        ],
    )
    def test_the_largest_formulas_allowed_cost_little(self, formula: str) -> None:
        """Formulas at the load-time limits score within a few thousand calls, or fail cleanly."""
        ruleset = perfscore.loads(formula_ruleset(formula, "formula"))
        assert python_calls(lambda: ruleset.score({"x": Decimal("1.5"), "budget": 1, "executed": 1})) < 5_000


# --- the corpus: every crash found, replayed ------------------------------------------------------------

#: (file under tests/corpus/, what it is fed to, the error expected, or None when it must now succeed).
#: ruleset-* files are rulesets (load); data-* files are data files (read_units, then scored under
#: corpus/base-ruleset.toml); explain-* files are rulesets scored with their *.data.toml, every result read.
CORPUS: list[tuple[str, str, type[PerfscoreError] | None]] = [
    ("ruleset-derived-name-with-newline.toml", "load", RulesetError),
    ("ruleset-nested-arrays.toml", "load", RulesetError),
    ("ruleset-nested-inline-tables.toml", "load", RulesetError),
    ("ruleset-integer-5000-digits.toml", "load", RulesetError),
    ("ruleset-points-1e30.toml", "load", RulesetError),
    ("data-nested-arrays.json", "read_units", DataError),
    ("data-nested-objects.json", "read_units", DataError),
    ("data-nested-arrays.toml", "read_units", DataError),
    ("data-integer-5000-digits.toml", "read_units", DataError),
    ("explain-derived-value-1e100.toml", "explain", None),
]


def replay(name: str, via: str) -> None:
    path = CORPUS_DIR / name
    if via == "load":
        perfscore.load(path)
        return
    if via == "explain":
        ruleset = perfscore.load(path)
        for unit in perfscore.read_units(path.with_suffix(".data.toml")):
            use_result(ruleset.score(unit.values, unit=unit.source))
        return
    base = perfscore.load(CORPUS_DIR / "base-ruleset.toml")
    for unit in perfscore.read_units(path):
        base.score(unit.values, unit=unit.source)


@pytest.mark.parametrize(("name", "via", "expected"), CORPUS, ids=[case[0] for case in CORPUS])
def test_corpus_case_is_handled_cleanly(name: str, via: str, expected: type[PerfscoreError] | None) -> None:
    """Each saved crash now gives the PerfscoreError it should, or (explain-*) a result that reads in full."""
    if expected is None:
        replay(name, via)
    else:
        with pytest.raises(expected):
            replay(name, via)


def test_every_corpus_file_is_replayed() -> None:
    """Each file in tests/corpus/ (but the README, the base ruleset and explain-* data) is listed in CORPUS."""
    skipped = ("README.md", "base-ruleset.toml")
    files = sorted(p.name for p in CORPUS_DIR.iterdir() if p.name not in skipped and not p.name.endswith(".data.toml"))
    assert files == sorted(name for name, _, _ in CORPUS)


def test_the_base_ruleset_scores_its_own_data() -> None:
    """corpus/base-ruleset.toml loads and scores plain data, so data cases fail for their data alone."""
    base = perfscore.load(CORPUS_DIR / "base-ruleset.toml")
    assert base.score({"budget": 100, "executed": 90}).total == Decimal("9.00")
