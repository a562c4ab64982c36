"""Hypothesis strategies shared by the tests: exact decimals, random valid rulesets and data for them.

Every number is built from an integer scaled by a power of ten, so no float is ever involved.
A generated ruleset is the TOML text a user would write (a random indicator tree of depth 1–3
whose points add up, with leaves of every scoring method) plus a description of its inputs,
from which :func:`unit_data` draws valid values and :func:`arbitrary_data` draws values of the
right Python type that may break any declared rule. To cover a new scoring method, add a leaf
builder to ``_LEAF_BUILDERS``.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from hypothesis import strategies as st

from helpers import toml_value
from perfscore.model import DEFAULT_SCALE, Tier

DrawFn = Callable[[st.SearchStrategy[Any]], Any]

# --- exact numbers --------------------------------------------------------------------------------


def _scaled_bound(value: Decimal, places: int, rounding: str) -> int:
    return int((value.scaleb(places)).to_integral_value(rounding=rounding))


def decimals(
    min_value: int | str | Decimal = -1_000_000, max_value: int | str | Decimal = 1_000_000, places: int = 2
) -> st.SearchStrategy[Decimal]:
    """Exact decimals in [min_value, max_value] with 0 to ``places`` digits after the point."""
    low, high = Decimal(min_value), Decimal(max_value)

    def scaled(k: int) -> st.SearchStrategy[Decimal]:
        first, last = _scaled_bound(low, k, ROUND_CEILING), _scaled_bound(high, k, ROUND_FLOOR)
        return st.integers(first, last).map(lambda n: Decimal(n).scaleb(-k))

    return st.integers(0, places).flatmap(scaled)


def _cents(value: Decimal, places: int) -> int:
    return int(value.scaleb(places))


# --- TOML text --------------------------------------------------------------------------------------




def toml_document(document: Mapping[str, Any]) -> str:
    """Nested mappings as TOML: each mapping becomes a ``[dotted.header]`` table."""
    lines: list[str] = []

    def emit(header: str, table: Mapping[str, Any]) -> None:
        if header:
            lines.append(f"[{header}]")
        for key, value in table.items():
            if not isinstance(value, Mapping):
                lines.append(f"{key} = {toml_value(value)}")
        lines.append("")
        for key, value in table.items():
            if isinstance(value, Mapping):
                emit(f"{header}.{key}" if header else key, value)

    emit("", document)
    return "\n".join(lines)


# --- generated rulesets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """A declared input and what valid data for it looks like."""

    name: str
    type: str  # number, count, bool, text, date or rating
    min: Decimal | None = None
    max: Decimal | None = None
    points: Decimal = Decimal(0)  # rating inputs: the points of the one leaf that reads it
    choices: tuple[str, ...] = ()  # text inputs: the values formulas compare with

    def table(self) -> dict[str, Any]:
        keys: dict[str, Any] = {"type": self.type, "label": f"输入 {self.name}"}
        if self.min is not None:
            keys["min"] = self.min
        if self.max is not None:
            keys["max"] = self.max
        return keys


@dataclass(frozen=True)
class GeneratedRuleset:
    """A random valid ruleset: its TOML text and what data strategies need to know about it."""

    text: str
    inputs: tuple[Input, ...]
    total: Decimal
    places: int
    mode: str
    stage: str
    missing: str  # "error" (every input required) or "zero" (missing inputs score 0)


@dataclass
class _Draft:
    """What a ruleset being generated has declared so far."""

    draw: DrawFn
    quantum_places: int
    inputs: list[Input] = field(default_factory=list)
    derived: dict[str, str] = field(default_factory=dict)
    leaves: int = 0

    def declare(self, name: str, type_: str, **keys: Any) -> str:
        self.inputs.append(Input(name, type_, **keys))
        return name

    def points(self, units: int) -> Decimal:
        return Decimal(units).scaleb(-self.quantum_places)


_TEXT_CHOICES = ("完成", "未完成")


def _ratio(draft: _Draft, i: int, points: Decimal) -> dict[str, Any]:
    draw = draft.draw
    direction = draw(st.sampled_from([">=", "<=", "="]))
    low = draw(st.sampled_from([Decimal(-100), Decimal(0)]))  # negative actuals count as 0
    x = draft.declare(f"x{i}", "number", min=low, max=Decimal(3000))  # the same scale as the targets
    actual: str = x
    style = draw(st.sampled_from(["name", "derived", "sum"]))
    if style == "derived":
        divisor = draft.declare(f"d{i}", "number", min=Decimal(1), max=Decimal(10_000))
        actual = f"r{i}"
        draft.derived[actual] = f"{x} / {divisor}"
    elif style == "sum":
        actual = f"{x} + {toml_value(draw(decimals(0, 10)))}"
    target: Any = draw(decimals(0, 1000))
    if draw(st.booleans()):
        target = draft.declare(f"t{i}", "number", min=Decimal(0), max=Decimal(1000))
    leaf: dict[str, Any] = {"method": "ratio", "actual": actual, "target": target, "direction": direction}
    if direction == "<=":
        leaf["reverse"] = draw(st.sampled_from(["linear", "inverse"]))
    if direction == "=":
        leaf["equal"] = draw(st.sampled_from(["at-least", "exact"]))
        if leaf["equal"] == "exact":
            leaf["tolerance"] = draw(decimals(0, 5))
    if direction != "<=" and draw(st.booleans()):
        over: dict[str, Any] = {"above": draw(decimals("1.01", 3))}
        if draw(st.booleans()):
            over |= {"action": "deduct", "deduct": draw(decimals(0, points))}
        leaf["over_target"] = over
    return leaf


def _bands(draft: _Draft, i: int, points: Decimal) -> dict[str, Any]:
    draw = draft.draw
    value = draft.declare(f"v{i}", "number", min=Decimal(-100), max=Decimal(200))
    cuts = sorted(draw(st.sets(decimals(-100, 200), max_size=3)))
    units = _cents(points, draft.quantum_places)

    def award() -> dict[str, Any]:
        if draw(st.booleans()):
            return {"points": draft.points(draw(st.integers(0, units)))}
        return {"fraction": draw(decimals(0, 1))}

    bands: list[dict[str, Any]] = [{}]
    for cut in cuts:  # contiguous bands cover every value; each cut belongs to one side
        closed_left = draw(st.booleans())
        bands[-1] |= {"max": cut} if closed_left else {"max": cut, "max_inclusive": True}
        bands.append({"min": cut} if closed_left else {"min": cut, "min_inclusive": False})
    return {"method": "bands", "value": value, "bands": [band | award() for band in bands]}


def _rating(draft: _Draft, i: int, points: Decimal) -> dict[str, Any]:
    return {"method": "rating", "input": draft.declare(f"g{i}", "rating", points=points)}


def _deduction(draft: _Draft, i: int, points: Decimal) -> dict[str, Any]:
    draw = draft.draw
    leaf: dict[str, Any] = {"method": "deduction", "each": draw(decimals("0.01", 5))}
    if draw(st.booleans()):
        leaf["count"] = draft.declare(f"n{i}", "count", max=Decimal(50))
    else:
        leaf["count"] = draft.declare(f"n{i}", "number", min=Decimal(0), max=Decimal(50))
        leaf["count_rounding"] = draw(st.sampled_from(["exact", "floor", "ceil"]))
    if draw(st.booleans()):
        leaf["cap"] = draw(decimals(0, 2 * points))
    return leaf


def _boolean(draft: _Draft, i: int, points: Decimal) -> dict[str, Any]:
    kind = draft.draw(st.sampled_from(["bool", "not", "compare", "text", "and"]))
    if kind in ("bool", "not", "and"):
        draft.declare(f"b{i}", "bool")
    if kind in ("compare", "and"):
        draft.declare(f"x{i}", "number")
    if kind == "text":
        draft.declare(f"s{i}", "text", choices=_TEXT_CHOICES)
    value = {
        "bool": f"b{i}",
        "not": f"not b{i}",
        "compare": f"x{i} >= 0",
        "text": f's{i} == "完成"',
        "and": f"b{i} and 0 <= x{i} < 100",
    }[kind]
    return {"method": "boolean", "value": value}


def _formula(draft: _Draft, i: int, points: Decimal) -> dict[str, Any]:
    kind = draft.draw(st.sampled_from(["share", "minus", "if", "days", "round", "clamp"]))
    if kind in ("share", "round", "clamp"):
        draft.declare(f"x{i}", "number")
    if kind == "minus":
        draft.declare(f"n{i}", "count", max=Decimal(50))
    if kind == "if":
        draft.declare(f"b{i}", "bool")
    if kind == "days":
        draft.declare(f"due{i}", "date")
        draft.declare(f"done{i}", "date")
    formula = {
        "share": f"points * x{i} / 100",
        "minus": f"points - 0.5 * n{i}",
        "if": f"points if b{i} else points / 2",
        "days": f"points - days_between(due{i}, done{i}) * 0.1",
        "round": f"round(x{i} * points / 100, 1)",
        "clamp": f"clamp(x{i}, 0, points) ** 1",
    }[kind]
    return {"method": "formula", "formula": formula}


_LEAF_BUILDERS: dict[str, Callable[[_Draft, int, Decimal], dict[str, Any]]] = {
    "ratio": _ratio,
    "bands": _bands,
    "rating": _rating,
    "deduction": _deduction,
    "boolean": _boolean,
    "formula": _formula,
}
METHODS = tuple(_LEAF_BUILDERS)


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
        points = draft.points(part)
        if depth < max_depth and draw(st.booleans()):
            group = {"name": f"第{depth}级 {index}", "points": points}
            nodes[f"g{index}"] = group | _children(draft, part, depth + 1, max_depth, 3)
        else:
            number = draft.leaves
            draft.leaves += 1
            method = draw(st.sampled_from(METHODS))
            leaf = {"name": f"指标 {number}", "name_en": f"Item {number}", "points": points}
            nodes[f"k{number}"] = leaf | _LEAF_BUILDERS[method](draft, number, points)
    return nodes


@st.composite
def rulesets(draw: DrawFn, max_depth: int | None = None) -> GeneratedRuleset:
    """A random valid ruleset: a tree of depth 1–3 whose points add up, leaves of every method.

    Points have no more decimals than the ruleset rounds to, so rounding a full score never
    goes past the points (see test_properties for what happens otherwise).
    """
    places = draw(st.integers(0, 4))
    mode = draw(st.sampled_from(["half-up", "half-even", "down", "up"]))
    stage = draw(st.sampled_from(["leaf", "total"]))
    missing = draw(st.sampled_from(["error", "zero"]))
    draft = _Draft(draw, quantum_places=min(places, 2))
    scale = 10**draft.quantum_places
    units = draw(st.one_of(st.just(100 * scale), st.integers(1, 200 * scale)))
    depth = max_depth or draw(st.integers(1, 3))
    indicators = _children(draft, units, 1, depth, 4)
    total = draft.points(units)
    document: dict[str, Any] = {
        "ruleset": {
            "id": "generated",
            "title": "随机规则",
            "version": "1",
            "sources": ["hypothesis"],
            "total": total,
            "missing": missing,
            "rounding": {"places": places, "mode": mode, "stage": stage},
        },
        "inputs": {spec.name: spec.table() for spec in draft.inputs},
        "derived": dict(draft.derived),
        "indicators": indicators,
    }
    return GeneratedRuleset(toml_document(document), tuple(draft.inputs), total, places, mode, stage, missing)


# --- data for a generated ruleset -----------------------------------------------------------------------


def _tier_texts(tier: Tier) -> list[str]:
    return [tier.name, tier.name_en, *tier.aliases]


def _valid_rating(spec: Input) -> st.SearchStrategy[Any]:
    """A tier by any of its names, or a tier with a score (two decimals) inside it."""

    def for_tier(tier: Tier) -> st.SearchStrategy[Any]:
        named = st.sampled_from(_tier_texts(tier))
        points = spec.points
        low = _scaled_bound(tier.min * points, 2, ROUND_CEILING)
        high = _scaled_bound(tier.max * points, 2, ROUND_FLOOR)
        if not tier.max_inclusive and Decimal(high).scaleb(-2) == tier.max * points:
            high -= 1
        if points == 0 or low > high:
            return named
        scored = st.builds(
            lambda name, n: {"tier": name, "score": Decimal(n).scaleb(-2)}, named, st.integers(low, high)
        )
        return st.one_of(named, scored)

    return st.sampled_from(DEFAULT_SCALE.tiers).flatmap(for_tier)


def valid_value(spec: Input) -> st.SearchStrategy[Any]:
    """A value that passes the input's declaration."""
    if spec.type == "number":
        return decimals(
            spec.min if spec.min is not None else -1_000_000, spec.max if spec.max is not None else 1_000_000
        )
    if spec.type == "count":
        low, high = int(spec.min or 0), int(spec.max if spec.max is not None else 1000)
        return st.one_of(st.integers(low, high), st.integers(low, high).map(Decimal))
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "text":
        return st.sampled_from([*spec.choices, "其他"])
    if spec.type == "date":
        return st.dates(datetime.date(2020, 1, 1), datetime.date(2025, 12, 31))
    assert spec.type == "rating", spec.type
    return _valid_rating(spec)


def unit_data(ruleset: GeneratedRuleset) -> st.SearchStrategy[dict[str, Any]]:
    """Valid data for ``ruleset``; when it scores missing data as 0, any input may be left out."""
    values = {spec.name: valid_value(spec) for spec in ruleset.inputs}
    if ruleset.missing == "zero":
        return st.fixed_dictionaries({}, optional=values)
    return st.fixed_dictionaries(values)


def any_number() -> st.SearchStrategy[Any]:
    """Numbers of every size and shape perfscore may be handed: zero, tiny, huge, negative."""
    return st.one_of(
        st.just(Decimal(0)),
        decimals(-1_000_000, 1_000_000, places=6),
        st.integers(-(10**40), 10**40),
        st.decimals(allow_nan=False, allow_infinity=False),
        st.sampled_from([Decimal("1E-990"), Decimal("1E+30"), Decimal("-1E+30"), Decimal("1E-30"), Decimal("1E+28")]),
    )


def arbitrary_value(spec: Input) -> st.SearchStrategy[Any]:
    """A value of the right Python type for the input that may break its declared rules."""
    if spec.type in ("number", "count"):
        return any_number()
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "text":
        return st.one_of(st.sampled_from([*spec.choices, ""]), st.text(max_size=20))
    if spec.type == "date":
        return st.dates()
    names = [text for tier in DEFAULT_SCALE.tiers for text in _tier_texts(tier)]
    tier_text = st.one_of(st.sampled_from(names), st.text(max_size=10))
    return st.one_of(tier_text, st.fixed_dictionaries({"tier": tier_text, "score": any_number()}))


def arbitrary_data(ruleset: GeneratedRuleset) -> st.SearchStrategy[dict[str, Any]]:
    """Type-valid but arbitrary data: out-of-range numbers, zero divisors, unknown tiers, gaps.

    Each value is valid or arbitrary at random, so that most units get past validation with a
    few odd values and reach scoring; sometimes inputs are left out or an unknown one is added.
    """
    values = {spec.name: st.one_of(valid_value(spec), arbitrary_value(spec)) for spec in ruleset.inputs}
    return st.one_of(
        st.fixed_dictionaries(values),
        st.fixed_dictionaries({}, optional={**values, "not_declared": st.integers()}),
    )


@st.composite
def rulesets_with_data(draw: DrawFn, max_depth: int | None = None) -> tuple[GeneratedRuleset, dict[str, Any]]:
    """A random ruleset together with valid data for it."""
    ruleset = draw(rulesets(max_depth))
    return ruleset, draw(unit_data(ruleset))


# --- random formulas ---------------------------------------------------------------------------------------

#: The names random formulas read, with their kinds (as a ruleset's inputs would declare them).
FORMULA_NAMES = {"a": "number", "b": "number", "c": "number", "p": "bool", "q": "bool"}


def _literal(value: Decimal) -> str:
    text = format(value, "f")
    return f"({text})" if value < 0 else text


def formula_values() -> st.SearchStrategy[dict[str, Any]]:
    """Values for :data:`FORMULA_NAMES`; zero is common so divisions by zero happen."""
    number = st.one_of(st.just(Decimal(0)), decimals(-100, 100, places=3))
    return st.fixed_dictionaries({"a": number, "b": number, "c": number, "p": st.booleans(), "q": st.booleans()})


@st.composite
def number_formulas(draw: DrawFn, depth: int = 0) -> str:
    """A random number-valued formula: arithmetic, functions, ``if … else``, over a, b, c."""
    if depth >= 4 or draw(st.integers(0, 2)) == 0:
        return draw(st.one_of(st.sampled_from(["a", "b", "c"]), decimals(-100, 100, places=3).map(_literal)))
    inner = number_formulas(depth + 1)
    kind = draw(st.sampled_from(["binop", "binop", "power", "negate", "call", "if"]))
    if kind == "binop":
        op = draw(st.sampled_from(["+", "-", "*", "/", "//", "%"]))
        return f"({draw(inner)} {op} {draw(inner)})"
    if kind == "power":
        exponent = draw(st.one_of(st.integers(-3, 3).map(str), inner))
        return f"({draw(inner)} ** {exponent})"
    if kind == "negate":
        return f"(-{draw(inner)})"
    if kind == "if":
        return f"({draw(inner)} if {draw(bool_formulas(depth + 1))} else {draw(inner)})"
    function = draw(st.sampled_from(["min", "max", "abs", "round", "floor", "ceil", "clamp"]))
    if function in ("min", "max"):
        args = draw(st.lists(inner, min_size=2, max_size=3))
    elif function == "clamp":
        args = [draw(inner), draw(inner), draw(inner)]
    elif function == "round" and draw(st.booleans()):
        args = [draw(inner), draw(st.one_of(st.integers(0, 4).map(str), inner))]
    else:
        args = [draw(inner)]
    return f"{function}({', '.join(args)})"


@st.composite
def bool_formulas(draw: DrawFn, depth: int = 0) -> str:
    """A random true/false formula: (chained) comparisons, and/or/not over p, q and numbers."""
    if depth >= 4 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(["p", "q", "True", "False"]))
    kind = draw(st.sampled_from(["compare", "compare", "and", "or", "not"]))
    if kind == "compare":
        operands = draw(st.lists(number_formulas(depth + 1), min_size=2, max_size=3))
        text = operands[0]
        for operand in operands[1:]:
            text += f" {draw(st.sampled_from(['<', '<=', '>', '>=', '==', '!=']))} {operand}"
        return f"({text})"
    if kind == "not":
        return f"(not {draw(bool_formulas(depth + 1))})"
    return f"({draw(bool_formulas(depth + 1))} {kind} {draw(bool_formulas(depth + 1))})"


def formulas() -> st.SearchStrategy[str]:
    """A random formula of either kind over :data:`FORMULA_NAMES`."""
    return st.one_of(number_formulas(), bool_formulas())
