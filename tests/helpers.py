"""Small builders so each test case is one line: TOML text for a ruleset with one leaf indicator."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import perfscore
from perfscore import LeafResult, Ruleset

ROOT = Path(__file__).resolve().parent.parent
"""The repository root (rulesets/ and examples/ are under it)."""

HEADER = """\
[ruleset]
id = "test"
title = "测试规则"
version = "1"
sources = ["测试"]
total = {total}
"""

LEAF_ID = "item"
LEAF_NAME = "测试指标"
LEAF_NAME_EN = "Test item"


def toml_value(value: Any) -> str:
    """One Python value as TOML text; floats are refused so every number stays exact."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        raise TypeError(f"write {value!r} as a Decimal or a string so it stays exact")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")  # no exponent: TOML does not read 1E+1
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def table(path: str, keys: Mapping[str, Any]) -> str:
    """A ``[path]`` table with its keys, one per line."""
    return "\n".join([f"[{path}]", *(f"{key} = {toml_value(value)}" for key, value in keys.items())]) + "\n"


def input_table(name: str, spec: str | Mapping[str, Any]) -> str:
    """``[inputs.NAME]``; ``spec`` is a type name or the input's keys (the label defaults to NAME)."""
    keys = {"type": spec} if isinstance(spec, str) else dict(spec)
    return table(f"inputs.{name}", {"label": name, **keys})


def one_leaf_text(
    method: str,
    *,
    inputs: Mapping[str, str | Mapping[str, Any]] | None = None,
    points: int | Decimal | str = 10,
    derived: Mapping[str, str] | None = None,
    ruleset: Mapping[str, Any] | None = None,
    **keys: Any,
) -> str:
    """TOML text of a ruleset whose only indicator is the leaf ``item`` worth ``points`` (the total)."""
    points = Decimal(points)
    parts = [HEADER.format(total=points) + "".join(f"{k} = {toml_value(v)}\n" for k, v in (ruleset or {}).items())]
    parts += [input_table(name, spec) for name, spec in (inputs or {}).items()]
    if derived:
        parts.append(table("derived", derived))
    leaf = {"name": LEAF_NAME, "name_en": LEAF_NAME_EN, "points": points, "method": method, **keys}
    parts.append(table(f"indicators.{LEAF_ID}", leaf))
    return "\n".join(parts)


def one_leaf(method: str, **options: Any) -> Ruleset:
    """The compiled one-leaf ruleset (see :func:`one_leaf_text`)."""
    return perfscore.loads(one_leaf_text(method, **options))


def score_leaf(ruleset: Ruleset, **values: Any) -> LeafResult:
    """Score one unit's values and return the result of the leaf ``item``."""
    return ruleset.score(values).item(LEAF_ID)


def d(text: str) -> Decimal:
    """Shorthand for exact decimals in case tables: ``d("8.33")``."""
    return Decimal(text)
