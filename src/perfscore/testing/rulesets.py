"""Random valid rulesets, for testing perfscore itself: a tree whose points add up, with leaves of
every scoring method (each method draws its own, :meth:`~perfscore.methods.Method.example`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache
from typing import Any

from hypothesis import strategies as st

from ..grouprules import RULE_KINDS, RuleKind
from ..loader import loads
from ..methods import METHODS, Method
from ..toml import dumps_document
from .data import Inputs
from .numbers import decimals, scaled

DrawFn = Callable[[st.SearchStrategy[Any]], Any]

DRAWN = tuple(method for method in METHODS.values() if type(method).example is not Method.example)
"""The methods whose leaves are drawn: those that say how (the others keep the default hook)."""
DRAWN_KINDS = tuple(kind for kind in RULE_KINDS.values() if type(kind).example is not RuleKind.example)
"""The rule kinds drawn by ``rulesets(rules=True)``: those that say how."""


class _Draft:
    """A ruleset being drawn: what it has declared so far, and the leaf being drawn (a :class:`Method.Draft`)."""

    def __init__(self, draw: DrawFn, quantum_places: int) -> None:
        self.draw = draw
        self.quantum_places = quantum_places  # points are drawn no finer than the ruleset rounds
        self.inputs: dict[str, dict[str, Any]] = {}
        self.derived: dict[str, str] = {}
        self.leaves = 0  # leaves drawn so far
        self.index = 0  # the leaf being drawn: its number and points
        self.points = Decimal(0)

    def points_of(self, units: int) -> Decimal:
        """Whole units of the ruleset's precision as points."""
        return Decimal(units).scaleb(-self.quantum_places)

    def choice(self, options: tuple[Any, ...]) -> Any:
        return self.draw(st.sampled_from(options))

    def boolean(self) -> bool:
        return bool(self.draw(st.booleans()))

    def decimal(self, low: Decimal | int | str, high: Decimal | int | str) -> Decimal:
        return Decimal(self.draw(decimals(low, high)))

    def decimals(self, low: Decimal | int | str, high: Decimal | int | str, most: int) -> list[Decimal]:
        return sorted(self.draw(st.sets(decimals(low, high), max_size=most)))

    def award(self) -> Decimal:
        return self.points_of(self.draw(st.integers(0, scaled(self.points, self.quantum_places, ROUND_FLOOR))))

    def declare(self, name: str, type_: str, **keys: Any) -> str:
        self.inputs[name] = {"type": type_, "label": f"输入 {name}", **keys}
        return name

    def derive(self, name: str, formula: str) -> str:
        self.derived[name] = formula
        return name


def _split(draw: DrawFn, units: int, count: int) -> list[int]:
    """``units`` cut into ``count`` whole, non-negative parts that add up to it exactly."""
    cuts = sorted(draw(st.lists(st.integers(0, units), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, units]
    return [high - low for low, high in itertools.pairwise(bounds)]


def _children(draft: _Draft, units: int, depth: int, max_depth: int, most: int) -> dict[str, Any]:
    draw = draft.draw
    parts = _split(draw, units, draw(st.integers(1, most)))
    nodes: dict[str, Any] = {}
    for index, part in enumerate(parts):
        points = draft.points_of(part)
        if depth < max_depth and draw(st.booleans()):
            group = {"name": f"第{depth}级 {index}", "points": points}
            nodes[f"g{index}"] = group | _children(draft, part, depth + 1, max_depth, 3)
        else:
            draft.index, draft.points = draft.leaves, points
            draft.leaves += 1
            method: Method = draw(st.sampled_from(DRAWN))
            keys = method.example(draft)
            assert keys is not None  # a method in DRAWN says how to draw its leaves
            leaf = {"name": f"指标 {draft.index}", "name_en": f"Item {draft.index}", "points": points}
            nodes[f"k{draft.index}"] = leaf | {"method": method.name} | keys
    return nodes


def _nodes(table: dict[str, Any], path: tuple[str, ...] = ()) -> list[tuple[str, dict[str, Any]]]:
    """Every indicator of a drawn tree with its id, parents before children."""
    found = []
    for key, node in table.items():
        if isinstance(node, dict) and "points" in node:  # an indicator (a leaf's own tables have no points)
            found.append((".".join((*path, key)), node))
            if "method" not in node:
                found += _nodes(node, (*path, key))
    return found


class _RuleDraft:
    """A rule being drawn (a :class:`RuleKind.Draft`): conditions on one leaf's score, values for its node."""

    def __init__(self, draw: DrawFn, draft: _Draft, leaf: tuple[str, dict[str, Any]], points: Decimal) -> None:
        self.draw = draw
        leaf_id, keys = leaf
        scale = 10**draft.quantum_places
        threshold = draft.points_of(draw(st.integers(0, int(keys["points"] * scale))))
        self.good = f'score("{leaf_id}") >= {threshold}'
        self.bad = f'score("{leaf_id}") < {threshold}'
        self.points = points
        self.amount = draft.points_of(draw(st.integers(0, int(points * scale))))
        self.step = self.amount or draft.points_of(1)
        self.worst = "差"  # the generated rulesets keep the default grades

    def boolean(self) -> bool:
        return bool(self.draw(st.booleans()))


def _rules(draft: _Draft, indicators: dict[str, Any], total: Decimal) -> None:
    """Rules of every kind (each drawn by its own ``example``) on the total and on some groups, each
    conditioned on a leaf's score the way that keeps the total monotone: the properties hold with them."""
    draw = draft.draw
    nodes = _nodes(indicators)
    leaves = [(key, node) for key, node in nodes if "method" in node]
    groups = [(indicators, total)] + [(node, node["points"]) for _, node in nodes if "method" not in node]
    if not leaves:
        return
    for _ in range(draw(st.integers(1, 5))):
        node, points = draw(st.sampled_from(groups))
        kind: RuleKind = draw(st.sampled_from(DRAWN_KINDS))
        keys = kind.example(_RuleDraft(draw, draft, draw(st.sampled_from(leaves)), points))
        assert keys is not None  # a kind in DRAWN_KINDS says how to draw its rules
        node.setdefault("rules", []).append({"kind": kind.name, **keys})


@st.composite
def _generated(draw: DrawFn, max_depth: int | None, rules: bool = False) -> str:
    places = draw(st.integers(0, 4))
    mode = draw(st.sampled_from(["half-up", "half-even", "down", "up"]))
    stage = draw(st.sampled_from(["leaf", "total"]))
    missing = draw(st.sampled_from(["error", "zero"]))
    draft = _Draft(draw, quantum_places=min(places, 2))
    scale = 10**draft.quantum_places
    units = draw(st.one_of(st.just(100 * scale), st.integers(1, 200 * scale)))
    depth = max_depth or draw(st.integers(1, 3))
    indicators = _children(draft, units, 1, depth, 4)
    if rules:
        _rules(draft, indicators, draft.points_of(units))
    document: dict[str, Any] = {
        "ruleset": {
            "id": "generated",
            "title": "随机规则",
            "version": "1",
            "sources": ["hypothesis"],
            "total": draft.points_of(units),
            "missing": missing,
            "rounding": {"places": places, "mode": mode, "stage": stage},
        },
        "inputs": draft.inputs,
        "derived": draft.derived,
        "indicators": indicators,
    }
    return dumps_document(document)


def rulesets(max_depth: int | None = None, *, rules: bool = False) -> st.SearchStrategy[str]:
    """Random valid rulesets as TOML text: a tree of depth 1–3 (or ``max_depth``) whose points add
    up, with leaves of every scoring method, every rounding policy and both ways of treating
    missing data. Points have no more decimals than the ruleset rounds to. With ``rules``, the
    total and some groups also carry rules of every kind (docs/group-rules.md), each conditioned
    on a leaf's score so that improving an input never lowers the total."""
    return _generated(max_depth, rules)


@lru_cache(maxsize=128)
def _inputs(text: str) -> Inputs:
    """How data for a generated ruleset is drawn (worked out once per text: hypothesis draws the same often)."""
    return Inputs(loads(text, source="generated.toml"))


@st.composite
def _with_data(draw: DrawFn, max_depth: int | None) -> tuple[str, dict[str, Any]]:
    text = draw(rulesets(max_depth))
    return text, draw(_inputs(text).data)


def rulesets_with_data(max_depth: int | None = None) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """A random ruleset's TOML text together with valid data for it (see :func:`~perfscore.testing.data_for`)."""
    return _with_data(max_depth)
