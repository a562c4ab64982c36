"""Problems found at a key path also say where the key is written: its line and column in the TOML file."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from hypothesis import given

import perfscore
from helpers import ROOT, one_leaf_text
from perfscore.errors import KeyPath
from perfscore.positions import Positions
from perfscore.testing import rulesets
from perfscore.toml import parse_toml

TEXT = """\
# a comment = not a key
[ruleset]
id = "p"
title = "位置"  # a comment
version = "1"
sources = ["a = b", '[not a table]']
description = \"\"\"
not.a = key
[nor.a.table]
\"\"\"

[inputs."odd.name"]
label = "带点的名字"

[indicators.group]
name = "组"
points = 10
  [indicators.group.leaf]
  name = "叶"
  bands = [
    { max = 1, points = 0 },
    { min = 1, points = 10 },
  ]
  deep.dotted.key = 1

[[scales.custom.tiers]]
name = "甲"

[[scales.custom.tiers]]
name = "乙"
"""


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (("ruleset",), (2, 1)),
        (("ruleset", "title"), (4, 1)),
        (("ruleset", "sources", 1), (6, 1)),  # inside an array: the key that holds it
        (("ruleset", "description"), (7, 1)),
        (("inputs", "odd.name", "label"), (13, 1)),
        (("indicators", "group"), (15, 1)),
        (("indicators", "group", "points"), (17, 1)),
        (("indicators", "group", "leaf"), (18, 3)),
        (("indicators", "group", "leaf", "bands", 1, "points"), (20, 3)),
        (("indicators", "group", "leaf", "deep", "dotted", "key"), (24, 3)),
        (("scales", "custom", "tiers", 0, "name"), (27, 1)),
        (("scales", "custom", "tiers", 1, "name"), (30, 1)),
        (("scales", "custom", "tiers", 1), (29, 1)),
        (("scales", "custom"), (26, 1)),  # the first table under it
        (("nowhere",), None),
    ],
    ids=lambda value: (
        ".".join(map(str, value)) if isinstance(value, tuple) and value and isinstance(value[0], str) else None
    ),
)
def test_each_key_is_found_where_it_is_written(path: KeyPath, where: tuple[int, int] | None) -> None:
    """Headers, keys, dotted and quoted keys, arrays of tables; strings, comments and multi-line values are stepped over."""
    assert Positions(TEXT).of(path) == where


def test_keys_inside_multi_line_strings_are_not_keys() -> None:
    """A ``key =`` inside a multi-line string is text, not a key: it is not found."""
    assert Positions(TEXT).of(("ruleset", "not", "a")) == Positions(TEXT).of(("ruleset",))
    assert Positions(TEXT).of(("nor", "a", "table")) is None


@pytest.mark.parametrize(
    ("keys", "code", "key"),
    [
        ({"actual": "x", "target": 90, "tagret": 1}, "unknown-key", "tagret"),
        ({"actual": "x / y", "target": 90}, "unknown-name", "actual"),
        ({"actual": "x", "target": "x >"}, "formula-syntax", "target"),
    ],
)
def test_a_ruleset_problem_carries_the_line_and_column_of_its_key(keys: dict[str, Any], code: str, key: str) -> None:
    """The loader's problems say where their key is written, as data (the rendered text keeps the key path)."""
    text = one_leaf_text("ratio", inputs={"x": "number"}, **keys)
    with pytest.raises(perfscore.RulesetError) as caught:
        perfscore.loads(text, source="p.toml")
    (problem,) = caught.value.problems
    assert problem.code == code
    assert text.splitlines()[problem.location.line - 1].startswith(f"{key} = ")
    assert problem.location.column == 1
    data = json.loads(json.dumps(caught.value.to_dict()))
    assert (data["error"], data["source"], data["problems"][0]["line"]) == (
        "RulesetError",
        "p.toml",
        problem.location.line,
    )


def test_check_diagnostics_carry_the_line_of_their_key() -> None:
    """``perfscore check`` diagnostics are placed too: a band gap at the line of ``bands``."""
    path = ROOT / "tests" / "broken" / "band-gap.toml"
    (diagnostic,) = [d for d in perfscore.lint(path) if d.code == "band-gap"]
    line = path.read_text(encoding="utf-8").splitlines()[diagnostic.location.line - 1]
    assert line.startswith("bands = [")


def keys(document: Mapping[str, Any], path: KeyPath = ()) -> Iterator[KeyPath]:
    """Every key path of a parsed TOML document."""
    for key, value in document.items():
        yield (*path, key)
        if isinstance(value, Mapping):
            yield from keys(value, (*path, key))


@given(rulesets())
def test_every_key_of_a_generated_ruleset_is_found_on_a_line_that_names_it(text: str) -> None:
    """For random valid rulesets, every key path is found, on a line that holds its last key or its table's header."""
    positions = Positions(text)
    lines = text.splitlines()
    for path in keys(parse_toml(text, None, perfscore.RulesetError)):
        found = positions.of(path)
        assert found is not None, path
        line = lines[found[0] - 1]
        assert str(path[-1]) in line, (path, line)
