"""The JSON Schemas of perfscore.schema: generated from the models, shipped, and true to what
perfscore reads and writes.

- The committed files are exactly what the models generate (the models are the one source).
- The ruleset schema accepts every ruleset perfscore ships, the examples, the documented
  rulesets and random ones from the testing kit, and rejects rulesets wrong in *shape* (an
  unknown key, a missing key, a wrong type, a value not allowed) where perfscore's loader
  rejects them too. Mistakes of *meaning* (points that do not add up, an unknown name in a
  formula) are left to ``perfscore check``: the ``tests/broken/`` files show which is which.
- The result schema accepts every ``to_dict()`` perfscore gives, and its keys are exactly theirs.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from decimal import Decimal
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

import perfscore
from helpers import ROOT, one_leaf_text
from perfscore.grouprules import RULE_KINDS
from perfscore.methods import METHODS
from perfscore.model import TOP_LEVEL_KEYS, InputSpec, Rounding
from perfscore.schema import (
    FILES,
    RULESET_SCHEMA,
    BatchResultData,
    ScoreResultData,
    main,
    result_schema,
    ruleset_schema,
    schema_text,
    shipped,
)
from perfscore.testing import rulesets
from test_docs import ruleset_blocks
from test_seventh_method import WITH_THRESHOLD
from test_shipped import EXAMPLES, values_of

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

Validator = jsonschema.Draft202012Validator
RULESETS = Validator(ruleset_schema())
RESULTS = Validator(result_schema())

SHIPPED = (
    sorted((ROOT / "rulesets").glob("*.toml"))
    + sorted((ROOT / "examples").glob("**/ruleset.toml"))
    + [ROOT / "benchmarks" / "ruleset-30.toml"]
    + sorted((ROOT / "tests" / "diff").glob("*-20*.toml"))
)
"""Every ruleset file in the repository that is meant to be right, each starting with ``#:schema``."""

BROKEN = sorted((ROOT / "tests" / "broken").glob("*.toml"))
WRONG_IN_SHAPE = {"unknown-method"}
"""The files of tests/broken/ whose mistake the schema sees: the others are right in shape, and only
loading or ``perfscore check`` finds what is wrong with them (a gap between bands, points that do not
add up, an unknown name inside a formula, an unused input, …)."""

EXPECT = re.compile(r"^# expect: (\S+) at (\S+)\s*$", re.MULTILINE)


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def as_json(value: Any) -> Any:
    """A TOML document (numbers read as Decimal) as JSON holds it, which is what taplo validates too:
    decimals as numbers, dates and times as text."""
    if isinstance(value, Decimal):
        numerator, denominator = value.as_integer_ratio()
        return numerator if denominator == 1 else float(value)
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def document(text: str) -> Any:
    return as_json(tomllib.loads(text, parse_float=Decimal))


def problems(text: str) -> list[tuple[str, str]]:
    """The schema's complaints about a ruleset's text: (key path, message), in the loader's dotted form."""
    return sorted(
        (".".join(str(key) for key in error.absolute_path), error.message)
        for error in RULESETS.iter_errors(document(text))
    )


# --- generated, shipped, kept in step ------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_the_committed_schema_is_what_the_models_generate(name: str) -> None:
    """src/perfscore/schemas/ holds exactly what perfscore.schema generates: run `python -m perfscore.schema` after changing a model."""
    assert shipped(name).read_text(encoding="utf-8") == schema_text(name)


@pytest.mark.parametrize("name", FILES)
def test_the_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    """Each shipped file is a JSON Schema that the 2020-12 meta-schema accepts, and says it is one."""
    schema = json.loads(shipped(name).read_text(encoding="utf-8"))
    Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schemas_are_package_data() -> None:
    """pyproject.toml ships src/perfscore/schemas/*.json with the package, so an installed perfscore has them."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["perfscore"]
    for name in FILES:
        assert any(fnmatch(f"schemas/{name}", pattern) for pattern in patterns), name
    assert shipped(RULESET_SCHEMA).parent == ROOT / "src" / "perfscore" / "schemas"


def test_the_command_writes_and_checks(tmp_path: Path) -> None:
    """`python -m perfscore.schema FOLDER` writes both files; `--check` exits 1 while one is stale, 0 once current."""
    out = io.StringIO()
    assert main(["--check", str(tmp_path), "--lang", "en"], out) == 1
    assert out.getvalue() == "".join(
        f"{tmp_path / name} differs from the models: run python -m perfscore.schema to write it again\n"
        for name in FILES
    )
    out = io.StringIO()
    assert main([str(tmp_path)], out) == 0
    assert out.getvalue() == "".join(f"已写入 {tmp_path / name}\n" for name in FILES)
    assert [(tmp_path / name).read_text(encoding="utf-8") for name in FILES] == [schema_text(name) for name in FILES]
    out = io.StringIO()
    assert main(["--check", str(tmp_path)], out) == 0
    assert out.getvalue() == "".join(f"{tmp_path / name} 与模型一致\n" for name in FILES)


# --- the ruleset schema: what it says ------------------------------------------------------------


def described(schema: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every key the ruleset schema names (path, its schema), through tables, lists and definitions."""
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            yield f"{path}.{name}", sub
            yield from described(sub, f"{path}.{name}")
        for keyword in ("items", "additionalProperties", "then", "else"):
            yield from described(schema.get(keyword), f"{path}[{keyword}]")
        for keyword in ("anyOf", "allOf"):
            for sub in schema.get(keyword, ()):
                yield from described(sub, path)
        for name, sub in schema.get("$defs", {}).items():
            yield from described(sub, f"#{name}")


def test_every_key_is_described_in_chinese_then_english() -> None:
    """Each key of the ruleset format has a description: Chinese, then ' / ', then English."""
    keys = list(described(ruleset_schema()))
    assert len(keys) > 100
    for path, schema in keys:
        if "$ref" in schema:
            continue  # described where it is defined
        zh, _, en = schema.get("description", "").partition(" / ")
        assert re.search(r"[\u4e00-\u9fff]", zh) and re.search(r"[a-z]{3}", en), path


def test_the_top_level_tables_are_the_ones_the_loader_reads() -> None:
    """The schema's top-level tables are exactly model.TOP_LEVEL_KEYS, and nothing else is allowed."""
    schema = ruleset_schema()
    assert list(schema["properties"]) == list(TOP_LEVEL_KEYS)
    assert schema["additionalProperties"] is False


def test_enums_come_from_the_models() -> None:
    """Methods, rounding modes, input types and ratio directions are enums, taken from the models and METHODS."""
    schema = ruleset_schema()
    defs = schema["$defs"]
    rounding = schema["properties"]["ruleset"]["properties"]["rounding"]["properties"]
    inputs = schema["properties"]["inputs"]["additionalProperties"]["properties"]
    assert defs["method"]["enum"] == list(METHODS) == ["ratio", "bands", "rating", "deduction", "boolean", "formula"]
    assert rounding["mode"]["enum"] == list(get_args(Rounding.model_fields["mode"].annotation))
    assert rounding["stage"]["enum"] == ["leaf", "total"]
    assert inputs["type"]["enum"] == list(get_args(InputSpec.model_fields["type"].annotation))
    assert defs["leaf-ratio"]["properties"]["direction"]["enum"] == [">=", "<=", "="]
    assert set(defs) == {"indicator", "group", "leaf", "method", *(f"leaf-{name}" for name in METHODS),
                         "rule", *(f"rule-{name}" for name in RULE_KINDS)}  # fmt: skip
    assert defs["rule"]["properties"]["kind"]["enum"] == list(RULE_KINDS) == ["floor", "ceiling", "adjust", "bonus", "veto"]


def test_numbers_are_numbers_and_formulas_are_text_or_numbers() -> None:
    """Decimal keys are JSON (TOML) numbers with their bounds; formula keys take text or a number."""
    defs = ruleset_schema()["$defs"]
    ratio, bands = defs["leaf-ratio"]["properties"], defs["leaf-bands"]["properties"]
    assert {key: ratio["points"][key] for key in ("type", "minimum")} == {"type": "number", "minimum": 0}
    assert ratio["actual"]["type"] == ratio["target"]["type"] == ["string", "number"]
    assert ratio["over_target"]["properties"]["above"]["exclusiveMinimum"] == 1
    fraction = bands["bands"]["items"]["properties"]["fraction"]
    assert (fraction["type"], fraction["minimum"], fraction["maximum"]) == ("number", 0, 1)


def test_a_new_method_appears_by_itself() -> None:
    """A method passed to ruleset_schema (the seventh method of test_seventh_method.py) is in the enum, with its keys."""
    schema = ruleset_schema(WITH_THRESHOLD)
    assert schema["$defs"]["method"]["enum"][-1] == "threshold"
    keys = {"value": "trained", "threshold": 100, "partial": Decimal("0.6")}
    text = one_leaf_text("threshold", inputs={"trained": {"type": "count", "label": "培训人次"}}, **keys)
    perfscore.loads(text, methods=WITH_THRESHOLD)
    validator = Validator(schema)
    assert list(validator.iter_errors(document(text))) == []
    assert sorted(
        error.message for error in validator.iter_errors(document(text.replace("threshold = ", "treshold = ")))
    ) == [
        "'threshold' is a required property",
        "Additional properties are not allowed ('treshold' was unexpected)",
    ]
    assert not RULESETS.is_valid(document(text))  # the built-in schema does not know it


# --- the ruleset schema: what it accepts ---------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=_id)
def test_a_shipped_ruleset_is_valid(path: Path) -> None:
    """Every ruleset in the repository that perfscore loads is valid under the schema."""
    perfscore.load(path)
    assert problems(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", SHIPPED, ids=_id)
def test_a_shipped_ruleset_names_the_schema_on_its_first_line(path: Path) -> None:
    """Each starts with the `#:schema` line taplo reads, a path relative to the file that reaches the shipped schema."""
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == f"#:schema {os.path.relpath(shipped(RULESET_SCHEMA), path.parent)}"
    assert (path.parent / first.removeprefix("#:schema ")).resolve() == shipped(RULESET_SCHEMA).resolve()


def test_the_shipped_rulesets_are_found() -> None:
    """The globs see the rulesets they are meant to (an empty glob would pass vacuously)."""
    assert {_id(path) for path in SHIPPED} >= {
        "rulesets/department-wide.toml",
        "rulesets/project-mof-2020.toml",
        "examples/project-community-legal-service/ruleset.toml",
        "benchmarks/ruleset-30.toml",
        "tests/diff/training-2024.toml",
    }


@pytest.mark.parametrize("block", ruleset_blocks(), ids=lambda block: block.where)
def test_a_documented_ruleset_is_valid(block: Any) -> None:
    """Every complete ruleset in docs/*.md (the ones tests/test_docs.py loads) is valid under the schema."""
    assert problems(block.text) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rulesets())
def test_random_valid_rulesets_are_valid(text: str) -> None:
    """Every ruleset the testing kit draws (every method, rounding and missing-data policy) is valid under the schema."""
    assert problems(text) == []


# --- the ruleset schema: what it rejects ---------------------------------------------------------


@pytest.mark.parametrize("path", BROKEN, ids=lambda path: path.stem)
def test_broken_rulesets_wrong_in_shape_are_rejected_and_the_rest_are_not(path: Path) -> None:
    """The schema rejects a tests/broken/ file exactly when its mistake is one of shape, at the key path perfscore names."""
    text = path.read_text(encoding="utf-8")
    found = problems(text)
    if path.stem in WRONG_IN_SHAPE:
        assert [where for where, _ in found] == [where for _, where in EXPECT.findall(text)]
    else:
        assert found == []


def test_the_broken_files_are_all_sorted() -> None:
    """WRONG_IN_SHAPE names files that exist, so the split above means something."""
    assert {path.stem for path in BROKEN} >= WRONG_IN_SHAPE
    assert len(BROKEN) >= 20


GOOD = """\
[ruleset]
id = "shape"
title = "形状测试"
version = "1"
sources = ["测试"]
total = 10

[inputs.rate]
type = "percent"
label = "完成率"

[derived]
half = "rate / 2"

[indicators.output]
name = "产出"
points = 10

[indicators.output.item]
name = "完成率"
points = 6
method = "ratio"
actual = "rate"
target = 95

[indicators.output.band]
name = "分档"
points = 4
method = "bands"
value = "half"
bands = [{ max = 40, fraction = 0.5 }, { min = 40, points = 4 }]
"""


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ("target = 95", "tagret = 95", "indicators.output.item",
         "Additional properties are not allowed ('tagret' was unexpected)"),
        ("target = 95", "", "indicators.output.item", "'target' is a required property"),
        ('title = "形状测试"\n', "", "ruleset", "'title' is a required property"),
        ('version = "1"', "version = 1", "ruleset.version", "1 is not of type 'string'"),
        ('sources = ["测试"]', "sources = []", "ruleset.sources", "[] should be non-empty"),
        ("total = 10", 'total = 10\nrounding = { mode = "half_up" }', "ruleset.rounding.mode",
         "'half_up' is not one of ['half-up', 'half-even', 'down', 'up']"),
        ("total = 10", "total = 10\nrounding = { places = 7 }", "ruleset.rounding.places",
         "7 is greater than the maximum of 6"),
        ("total = 10", "totals = 10", "ruleset", "Additional properties are not allowed ('totals' was unexpected)"),
        ('type = "percent"', 'type = "percentage"', "inputs.rate.type",
         "'percentage' is not one of ['number', 'percent', 'count', 'bool', 'rating', 'text', 'date']"),
        ("[inputs.rate]", '[inputs."2rate"]', "inputs", "'2rate' does not match '^[A-Za-z_][A-Za-z0-9_]*$'"),
        ('half = "rate / 2"', 'half = { formla = "rate / 2" }', "derived.half",
         "{'formla': 'rate / 2'} is not valid under any of the given schemas"),
        ('method = "ratio"', 'method = "ratoi"', "indicators.output.item.method",
         "'ratoi' is not one of ['ratio', 'bands', 'rating', 'deduction', 'boolean', 'formula']"),
        ("target = 95", 'target = 95\ndirection = "≥"', "indicators.output.item.direction",
         "'≥' is not one of ['>=', '<=', '=']"),
        ("target = 95", "target = 95\nover_target = { above = 1 }", "indicators.output.item.over_target.above",
         "1 is less than or equal to the minimum of 1"),
        ("target = 95", "target = 95\ntolerance = -1", "indicators.output.item.tolerance",
         "-1 is less than the minimum of 0"),
        ("fraction = 0.5", "fraction = 1.5", "indicators.output.band.bands.0.fraction",
         "1.5 is greater than the maximum of 1"),
        ("points = 10\n", "points = 10\npionts = 3\n", "indicators.output.pionts", "3 is not of type 'object'"),
        ("[indicators.output]", "[indicators]\npoints = 10\n\n[indicators.output]", "indicators.points",
         "10 is not of type 'object'"),
        ("[indicators.output]", "[indicator.output]", "", "Additional properties are not allowed ('indicator' was unexpected)"),
    ],
    ids=["unknown key", "missing key", "missing ruleset key", "version as a number", "no sources",
         "rounding mode", "places", "unknown ruleset key", "input type", "input name", "derived table key",
         "unknown method", "direction", "over_target", "negative tolerance", "band fraction", "group typo",
         "total under indicators", "top-level table"],
)  # fmt: skip
def test_a_mistake_of_shape_is_found_where_perfscore_finds_it(old: str, new: str, where: str, message: str) -> None:
    """One mistake of shape gives the schema's message at its key path, and perfscore refuses the ruleset too."""
    perfscore.loads(GOOD)
    assert problems(GOOD) == []
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    found = problems(text)
    assert (where, message) in found
    with pytest.raises(perfscore.RulesetError):
        perfscore.loads(text)


def test_the_schema_asks_for_numbers_where_perfscore_also_reads_quoted_ones() -> None:
    """The schema is stricter than the loader in one way: numbers and yes/no are written bare, as the docs show."""
    text = GOOD.replace("points = 6", 'points = "6"')
    perfscore.loads(text)  # pydantic reads "6" as 6
    assert problems(text) == [("indicators.output.item.points", "'6' is not of type 'number'")]


# --- the result schema ---------------------------------------------------------------------------

MIXED = """\
[ruleset]
id = "results"
title = "结果测试"
version = "1"
sources = ["测试"]
total = 20
missing = "zero"

[inputs.budget]
label = "预算数"

[inputs.spent]
label = "执行数"

[inputs.done]
type = "bool"
label = "已完成"

[derived.rate]
formula = "spent / budget"
fallback = 0

[indicators.budget]
name = "预算执行率"
points = 10
method = "ratio"
actual = "rate"
target = 1

[indicators.work]
name = "工作"
points = 10

[indicators.work.done]
name = "完成"
points = 10
method = "boolean"
value = "done"
"""


def results() -> list[Any]:
    """Real results: every shipped example, and one with a fallback taken and a missing input."""
    shipped = [
        pytest.param(perfscore.load(ROOT / example.ruleset).score(values_of(ROOT / example.data)), id=str(example))
        for example in EXAMPLES
    ]
    return [*shipped, pytest.param(perfscore.loads(MIXED).score({"budget": 0, "spent": 0}), id="fallback-and-missing")]


@pytest.mark.parametrize("result", results())
def test_a_result_is_valid(result: perfscore.ScoreResult) -> None:
    """ScoreResult.to_dict() is valid under the result schema, and pydantic reads it with ScoreResultData."""
    data = result.to_dict()
    assert list(RESULTS.iter_errors(data)) == []
    assert ScoreResultData.model_validate(data).total == str(result.total)
    keys_match(data, result_schema()["$defs"]["ScoreResultData"])


def test_the_mixed_result_has_what_it_should() -> None:
    """The hand-made result does carry a fallback note and a missing input (so the test above checks them)."""
    data = perfscore.loads(MIXED).score({"budget": 0, "spent": 0}).to_dict()
    assert len(data["fallbacks"]) == 1
    assert data["indicators"][1]["children"][0]["missing"] == ["done"]


def test_a_batch_result_with_an_error_is_valid() -> None:
    """BatchResult.to_dict() with a unit that failed is valid, and its error record is a UnitError's."""
    ruleset = perfscore.loads(MIXED)
    batch = ruleset.score_many([{"budget": 10, "spent": 9, "done": True}, {"budget": "ten"}]).to_dict()
    assert [unit.get("error") for unit in batch["units"]] == [None, "data"]
    assert list(RESULTS.iter_errors(batch)) == []
    assert len(BatchResultData.model_validate(batch).units) == 2
    keys_match(batch, result_schema()["$defs"]["BatchResultData"])


def test_a_result_missing_a_key_or_with_an_extra_one_is_invalid() -> None:
    """The schema is closed: a key dropped from or added to to_dict() fails it (so the two are kept in step)."""
    data = perfscore.loads(MIXED).score({"budget": 10, "spent": 9, "done": True}).to_dict()
    assert RESULTS.is_valid(data)
    assert not RESULTS.is_valid({**data, "extra": 1})
    assert not RESULTS.is_valid({key: value for key, value in data.items() if key != "notes"})
    assert not RESULTS.is_valid({**data, "total": 99.75})  # decimals are exact text, never a float



@pytest.mark.parametrize(
    ("data", "extra", "model"),
    [
        ("examples/liwan-2023.toml", "--to", "ReachedResultData"),
        ("examples/desk-units.csv", "--signals", "SignalledBatchData"),
    ],
)
def test_the_command_line_json_with_to_or_signals_is_valid(data: str, extra: str, model: str) -> None:
    """``perfscore score … --to`` and ``--signals`` as JSON are documents of the result schema too, with their
    extra key listed and required (the schema stays closed: without the key they are the plain documents)."""
    from perfscore.cli import run

    out = io.StringIO()
    assert run(["score", "department-wide", str(Path(__file__).parents[1] / data), extra, "--format", "json"], out, io.StringIO()) == 0
    document = json.loads(out.getvalue())
    assert list(RESULTS.iter_errors(document)) == []
    keys_match(document, result_schema()["$defs"][model])
    key = "what_it_takes" if extra == "--to" else "signals"
    plain = {name: value for name, value in document.items() if name != key}
    assert RESULTS.is_valid(plain) and not RESULTS.is_valid({**plain, key: []})

def keys_match(instance: Any, schema: dict[str, Any]) -> None:
    """Each object in ``instance`` has exactly the keys its schema requires, all of them, and no other."""
    defs = result_schema()["$defs"]
    while "$ref" in schema:
        schema = defs[schema["$ref"].removeprefix("#/$defs/")]
    if "anyOf" in schema:
        (schema,) = [choice for choice in schema["anyOf"] if Validator({**choice, "$defs": defs}).is_valid(instance)]
        keys_match(instance, schema)
    elif isinstance(instance, dict) and "properties" in schema:
        assert set(instance) >= set(schema["required"]) == set(schema["properties"]), sorted(instance)
        if schema.get("additionalProperties") is False:
            assert set(instance) == set(schema["required"])
        for key, sub in schema["properties"].items():
            keys_match(instance[key], sub)
    elif isinstance(instance, list) and "items" in schema:
        for item in instance:
            keys_match(item, schema["items"])


def test_every_result_object_is_closed_and_requires_all_its_keys() -> None:
    """In the result schema each object requires every key it lists and (except a method's facts) allows no other."""
    for name, schema in result_schema()["$defs"].items():
        assert schema["required"] == list(schema["properties"]), name
        assert schema["additionalProperties"] is (name == "FactsData"), name


def test_a_result_s_keys_are_the_schema_s_keys() -> None:
    """The top-level keys of ScoreResult.to_dict() and BatchResult.to_dict() are exactly the schema's required keys."""
    ruleset = perfscore.loads(MIXED)
    defs = result_schema()["$defs"]
    score = ruleset.score({"budget": 10, "spent": 9, "done": True}).to_dict()
    batch = ruleset.score_many([{"budget": "ten"}]).to_dict()
    assert list(score) == defs["ScoreResultData"]["required"]
    assert list(batch) == defs["BatchResultData"]["required"]
    assert list(batch["units"][0]) == defs["UnitErrorData"]["required"]


# --- an editor's view: taplo, when it is installed -----------------------------------------------

TAPLO = shutil.which("taplo")


@pytest.mark.skipif(TAPLO is None, reason="taplo is not installed (npm install -g @taplo/cli)")
def test_taplo_reads_the_directive_and_finds_the_mistake(tmp_path: Path) -> None:
    """`taplo lint` (the checker inside Even Better TOML) passes the shipped rulesets and underlines a misspelt method."""
    assert TAPLO is not None
    shipped_run = subprocess.run(
        [TAPLO, "lint", "--colors", "never", *map(str, SHIPPED)], capture_output=True, text=True
    )
    assert shipped_run.returncode == 0, shipped_run.stderr
    directive = f"#:schema {shipped(RULESET_SCHEMA)}\n"
    (tmp_path / "bad.toml").write_text(
        directive + GOOD.replace('method = "ratio"', 'method = "ratoi"'), encoding="utf-8"
    )
    bad = subprocess.run([TAPLO, "lint", "--colors", "never", "bad.toml"], capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 1
    assert '23 │ method = "ratoi"\n   │          ^^^^^^^ "ratoi" is not one of' in bad.stdout + bad.stderr


# --- docs/editor.md shows what the tools do ------------------------------------------------------

EDITOR = ROOT / "docs" / "editor.md"
FENCED = re.compile(r"^( *)```(\w+)\n(.*?)^\1```$", re.MULTILINE | re.DOTALL)
FIXES = (("version = 2023", 'version = "2023"'), ('"percentage"', '"percent"'), ('"≥"', '">="'))
"""The three corrections the page makes to its example."""


def editor_block(kind: str, start: str) -> str:
    """The fenced block of docs/editor.md of this kind whose text starts with ``start``."""
    blocks = [(lang, textwrap.dedent(body)) for _, lang, body in FENCED.findall(EDITOR.read_text(encoding="utf-8"))]
    (text,) = [body for lang, body in blocks if lang == kind and body.startswith(start)]
    return text


def test_the_page_s_example_has_the_mistakes_it_says() -> None:
    """The example ruleset on docs/editor.md has exactly three mistakes of shape, and once they are fixed, none."""
    text = editor_block("toml", "#:schema ./ruleset.schema.json\n")
    assert problems(text) == [
        ("indicators.satisfaction.direction", "'≥' is not one of ['>=', '<=', '=']"),
        (
            "inputs.satisfaction.type",
            "'percentage' is not one of ['number', 'percent', 'count', 'bool', 'rating', 'text', 'date']",
        ),
        ("ruleset.version", "2023 is not of type 'string'"),
    ]
    for old, new in FIXES:
        text = text.replace(old, new)
    assert problems(text) == []


def test_the_page_s_check_output_is_perfscore_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After the page's three corrections, `perfscore check training.toml` prints what the page shows."""
    from perfscore.cli import run

    text = editor_block("toml", "#:schema ./ruleset.schema.json\n")
    for old, new in FIXES:
        text = text.replace(old, new)
    (tmp_path / "training.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    assert run(["check", "training.toml"], out, io.StringIO()) == 1
    assert editor_block("text", "$ perfscore check") == f"$ perfscore check training.toml\n{out.getvalue()}"


def test_the_page_s_schema_command_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`python -m perfscore.schema .` prints what the page shows, and writes both files there."""
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    assert main(["."], out) == 0
    assert editor_block("text", "$ python -m perfscore.schema .") == f"$ python -m perfscore.schema .\n{out.getvalue()}"
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(FILES)


def test_the_page_s_python_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's Python example validates a real result against the shipped result schema (from the repository root)."""
    monkeypatch.chdir(ROOT)
    exec(compile(editor_block("python", "import json"), str(EDITOR), "exec"), {})


@pytest.mark.skipif(TAPLO is None, reason="taplo is not installed (npm install -g @taplo/cli)")
def test_the_page_s_taplo_output_is_taplo_s(tmp_path: Path) -> None:
    """`taplo lint training.toml` prints what docs/editor.md shows (run in /tmp/demo there, here in a temporary folder)."""
    assert TAPLO is not None
    (tmp_path / "training.toml").write_text(editor_block("toml", "#:schema ./ruleset.schema.json\n"), encoding="utf-8")
    main([str(tmp_path)], io.StringIO())
    run = subprocess.run(
        [TAPLO, "lint", "--colors", "never", "training.toml"], capture_output=True, text=True, cwd=tmp_path
    )
    assert run.returncode == 1
    shown = f"$ taplo lint training.toml\n{run.stdout}{run.stderr}".replace(str(tmp_path), "/tmp/demo")
    assert editor_block("text", "$ taplo lint") == shown


def test_every_error_as_data_is_valid() -> None:
    """``PerfscoreError.to_dict()`` of each kind validates against ``#/$defs/ErrorData``: a web service can document its 4xx replies."""
    validator = Validator({**result_schema(), "oneOf": [{"$ref": "#/$defs/ErrorData"}]})
    divides = perfscore.loads(one_leaf_text("formula", inputs={"x": "number", "y": "number"}, formula="x / y"))
    errors = []
    for action in (
        lambda: perfscore.loads("[ruleset]\nid = 1", source="r.toml"),
        lambda: divides.score({"x": "九十", "y": 1}, unit="u1"),
        lambda: divides.score({"x": 1, "y": 0}, unit="u1"),
        lambda: perfscore.load("no-such-file.toml"),
    ):
        with pytest.raises(perfscore.PerfscoreError) as caught:
            action()
        errors.append(json.loads(json.dumps(caught.value.to_dict(), ensure_ascii=False)))
    for document in errors:
        assert list(validator.iter_errors(document)) == [], document["error"]
    assert [document["error"] for document in errors] == [
        "RulesetError",
        "DataError",
        "ScoringError",
        "UnreadableFileError",
    ]
