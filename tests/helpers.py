"""Small builders so each test case is one line: TOML text for a ruleset with one leaf indicator."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import perfscore
from perfscore import LeafResult, Ruleset
from perfscore.toml import dumps_value as toml_value  # one TOML writer for tests and engine

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


#: The Henan sample table's own headers (its template is not one perfscore knows).
HENAN_MAPPING = {
    "类别": "level1",
    "子类": "level2",
    "考核内容": "level3",
    "2023年计划": "target",
    "完成数": "actual",
    "满分": "points",
    "情况说明": "note",
    "考核对象": "title",
    "资金总额": "budget.adjusted",
    "已支出": "budget.executed",
}
