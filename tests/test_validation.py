"""perfscore.validation.quick, the fast path of loading, held to pydantic: for every table it reads,
the model pydantic validates (the same values, types and keys set), and None for every table
pydantic refuses, so that pydantic alone words every problem, as before."""

from __future__ import annotations

import os
import subprocess
import sys
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

import perfscore
from perfscore import loader, model
from perfscore.grouprules import RULE_KINDS
from perfscore.methods import METHODS
from validation_spy import COUNTS, checked_quick

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"


def _models() -> list[type[BaseModel]]:
    """Every model the loader reads a table into, and the models inside them."""
    found: list[type[BaseModel]] = []
    todo: list[Any] = [model.Metadata, model.InputSpec, model.DerivedSpec, model.Scale, model.Group, model.TuningSpec,
                       model.TablePolicy, *(m.params for m in METHODS.values()), *(k.params for k in RULE_KINDS.values())]  # fmt: skip
    while todo:
        cls = todo.pop()
        if cls in found:
            continue
        found.append(cls)
        for info in cls.model_fields.values():
            stack = [info.annotation]
            while stack:
                annotation = stack.pop()
                if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                    todo.append(annotation)
                stack.extend(typing.get_args(annotation))
    return found


MODELS = _models()


def test_the_models_are_all_planned() -> None:
    """quick knows how to read every model the loader uses (none is always left to pydantic)."""
    from perfscore.validation import _plan

    assert len(MODELS) >= 20
    assert [cls.__name__ for cls in MODELS if _plan(cls) is None] == []


def _rulesets() -> list[Path]:
    folders = [ROOT / "rulesets", TESTS / "broken", TESTS / "cases", TESTS / "corpus", ROOT / "examples", ROOT / "benchmarks"]
    return sorted(path for folder in folders for path in folder.rglob("*.toml") if "[ruleset]" in path.read_text("utf-8"))


def test_every_ruleset_file_reads_as_pydantic_validates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ruleset file of the repository (valid or broken) loads with the fast path held to pydantic;
    a valid shipped ruleset never needs pydantic's validators."""
    monkeypatch.setattr(loader, "quick", checked_quick)
    paths = _rulesets()
    assert len(paths) >= 40
    for path in paths:
        before = dict(COUNTS)
        try:
            perfscore.load(path)
        except perfscore.PerfscoreError:
            continue
        if path.parent.name in ("rulesets", "cases", "benchmarks"):
            assert COUNTS["left to pydantic"] == before["left to pydantic"], path
    assert COUNTS["read"] > 500


_TEXT = st.sampled_from(["", "a", "a_1", "Bad name", "优", "a\n", "1", "number", "达成", "x" * 3])
_NUMBER = st.sampled_from(["0", "-0", "0.5", "1", "1.0", "1.50", "2", "7", "-1", "1E+2", "1.3", "NaN", "Infinity"]).map(Decimal)
_SCALAR = st.one_of(_TEXT, _NUMBER, st.integers(-2, 120), st.booleans(), st.none(), st.floats(0, 2), st.dates())
_WRONG = st.one_of(_SCALAR, st.lists(_SCALAR, max_size=2), st.tuples(_SCALAR), st.dictionaries(_TEXT, _SCALAR, max_size=2))


def _value(annotation: Any) -> st.SearchStrategy[Any]:
    """Values of ``annotation``'s type, some of them outside its bounds (an empty name, -1 points, NaN)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _value(args[0])
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(st.none() if arg is type(None) else _value(arg) for arg in args))
    if origin in (list, tuple):
        return st.lists(_value(args[0]), max_size=3)
    if origin is dict:
        return st.dictionaries(_TEXT, _value(args[1]), max_size=2)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _table(annotation)
    return {str: _TEXT, Decimal: st.one_of(_NUMBER, st.integers(-1, 120)), int: st.integers(-1, 8),
            bool: st.booleans()}.get(annotation, _SCALAR)  # fmt: skip


def _table(cls: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    fields = cls.model_fields
    return st.fixed_dictionaries(
        {name: _value(info.annotation) for name, info in fields.items() if info.is_required()},
        optional={name: _value(info.annotation) for name, info in fields.items() if not info.is_required()},
    )


@pytest.mark.parametrize("cls", MODELS, ids=[cls.__name__ for cls in MODELS])
@given(data=st.data())
def test_generated_tables_read_as_pydantic_validates(cls: type[BaseModel], data: st.DataObject) -> None:
    """A generated table of a model's keys (now and then a wrong value, a missing or a stranger key):
    quick gives pydantic's model, or None where pydantic refuses."""
    table = data.draw(_table(cls))
    change = data.draw(st.sampled_from(["none", "wrong", "missing", "stranger"]))
    key = data.draw(st.sampled_from(list(cls.model_fields)))
    if change == "wrong":
        table[key] = data.draw(_WRONG)
    elif change == "missing":
        table.pop(key, None)
    elif change == "stranger":
        table["stranger"] = data.draw(_SCALAR)
    checked_quick(cls, table)


def test_generated_tables_are_often_read() -> None:
    """The generated tables are not all refused: the fast path is exercised, not only the refusals."""
    before = COUNTS["read"]
    for cls in MODELS:
        test_generated_tables_read_as_pydantic_validates(cls)
    assert COUNTS["read"] - before > len(MODELS) * 3


def test_the_loaders_tests_agree_with_pydantic() -> None:
    """The loader's own tests (every invalid ruleset they refuse, every message and location they
    expect) pass with every table also validated by pydantic and the two held to one answer. Their
    property tests are left out: the same every run (the generated tables are tested above)."""
    files = ["test_loader.py", "test_ruleset_data.py", "test_languages.py", "test_group_rules.py", "test_methods.py",
             "test_errors.py", "test_positions.py", "test_security.py"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(TESTS), "HYPOTHESIS_PROFILE": "quick"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-p", "validation_spy", "-m", "not hypothesis",
         *(str(TESTS / name) for name in files)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    summary = next(line for line in done.stdout.splitlines() if line.startswith("validation spy:"))
    counts = eval(summary.removeprefix("validation spy:"))  # the plugin's own dict, as it printed it
    assert counts["read"] > 1000 and counts["left to pydantic"] > 0
