"""TOML text → checked document → compiled :class:`~perfscore.engine.Ruleset`.

The loader walks the document once, checks each part with its pydantic model, compiles every
formula, and gathers *all* problems with their key paths before raising one RulesetError.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .data import InputCheck, input_check
from .engine import Derived, Indicator, Ruleset
from .errors import KeyPath, Location, Problem, RulesetError, UnreadableFileError, suggest
from .expressions import FUNCTIONS, Expression, Kind, compile_expression
from .limits import DEFAULT_LIMITS, Limits, check_document
from .methods import Bands, Boolean, Deduction, Formula, Method, Rating, Ratio
from .model import (
    DEFAULT_SCALE,
    LEAF_MODELS,
    NAME_PATTERN,
    TOP_LEVEL_KEYS,
    BandsLeaf,
    BooleanLeaf,
    DeductionLeaf,
    DerivedSpec,
    FormulaLeaf,
    Group,
    InputSpec,
    Metadata,
    RatingLeaf,
    RatioLeaf,
    Scale,
    TablePolicy,
)
from .toml import parse_toml
from .wording import COMMON_FIELDS, METHOD_FIELDS, not_fields, template_fields

_NAME = re.compile(NAME_PATTERN)
_RESERVED = {"points", "True", "False", *FUNCTIONS, *keyword.kwlist}
_KINDS = {"number": Kind.NUMBER, "percent": Kind.NUMBER, "count": Kind.NUMBER, "bool": Kind.BOOL,
          "text": Kind.TEXT, "date": Kind.DATE}  # fmt: skip

M = TypeVar("M", bound=BaseModel)


def load(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> Ruleset:
    """Load and compile the ruleset in the TOML file at ``path``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            message = f"{path}: the ruleset file is {size} bytes, over the {limits.max_bytes}-byte limit"
            raise UnreadableFileError(message)
        raw = path.read_bytes()
    except UnreadableFileError:
        raise
    except OSError as error:
        raise UnreadableFileError(f"{path}: cannot read the ruleset ({error.strerror or error})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problem = Problem(Location(str(path)), f"the file is not UTF-8 text (byte {error.start})", code="encoding")
        raise RulesetError([problem], str(path)) from None
    return loads(text, source=str(path), limits=limits)


def loads(text: str, source: str | None = None, *, limits: Limits = DEFAULT_LIMITS) -> Ruleset:
    """Compile a ruleset from TOML text; ``source`` names it in error messages."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > limits.max_bytes:
        message = f"the ruleset is {size} bytes, over the {limits.max_bytes}-byte limit"
        raise RulesetError([Problem(Location(source), message, code="file-too-large")], source)
    document = parse_toml(text.removeprefix("\ufeff"), source, RulesetError)
    problems = check_document(document, source, limits)
    if problems:
        raise RulesetError(problems, source)
    ruleset = _Loader(source).build(document, text)
    ruleset.limits = limits
    return ruleset


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return "a table"
    return repr(value)


class _Loader:
    def __init__(self, source: str | None) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.broken: set[str] = set()  # derived values with a reported mistake: readers stay quiet

    def at(self, path: KeyPath) -> Location:
        return Location(self.source, path)

    def problem(self, path: KeyPath, message: str, suggestion: str | None = None, *, code: str) -> None:
        self.problems.append(Problem(self.at(path), message, suggestion, code=code))

    def model(self, cls: type[M], raw: Any, path: KeyPath) -> M | None:
        """Validate ``raw`` with ``cls``; each pydantic error becomes a located problem."""
        if not isinstance(raw, Mapping):
            self.problem(path, f"expected a table, got {_show(raw)}", code="not-a-table")
            return None
        try:
            return cls.model_validate(raw)
        except ValidationError as error:
            for detail in error.errors(include_url=False):
                where = (*path, *detail["loc"])
                kind, last = detail["type"], str(detail["loc"][-1]) if detail["loc"] else ""
                if kind == "extra_forbidden":
                    self.problem(where, "unknown key", suggest(last, cls.model_fields), code="unknown-key")
                elif kind == "missing":
                    self.problem(where, "missing required key", code="missing-key")
                elif kind == "too_short":
                    self.problem(
                        where,
                        f"expected at least {detail['ctx']['min_length']} item(s), got none",
                        code="invalid-value",
                    )
                else:
                    message = detail["msg"].removeprefix("Value error, ").replace("Input should be", "expected")
                    shown = "" if kind.startswith("value_error") else f", got {_show(detail['input'])}"
                    self.problem(where, message + shown, code="invalid-value")
            return None

    # --- the document, part by part ---------------------------------------------------------

    def build(self, document: dict[str, Any], text: str) -> Ruleset:
        for key in document:
            if key not in TOP_LEVEL_KEYS:
                self.problem((key,), "unknown top-level table", suggest(key, TOP_LEVEL_KEYS), code="unknown-key")
        meta = self.model(Metadata, document.get("ruleset"), ("ruleset",))
        scales = self.scales(document.get("scales", {}))
        inputs = self.inputs(document.get("inputs", {}))
        kinds = {name: _KINDS[spec.type] for name, spec in inputs.items() if spec.type != "rating"}
        derived = self.derived(document.get("derived", {}), kinds, inputs)
        needs = {name: frozenset({name}) for name in inputs} | {d.name: d.needs for d in derived}
        indicators = document.get("indicators")
        roots: tuple[Indicator, ...] = ()
        leaves: list[Indicator] = []
        if not isinstance(indicators, Mapping) or not indicators:
            self.problem(("indicators",), "expected a table of indicators", code="not-a-table")
        else:
            places = meta.rounding.places if meta is not None else 2
            walker = _TreeWalker(self, kinds, needs, inputs, leaves, places)
            for key, value in indicators.items():
                if not isinstance(value, Mapping):
                    self.problem(
                        ("indicators", key),
                        "[indicators] holds only indicator tables; the total is ruleset.total",
                        code="stray-key",
                    )
            roots = walker.children(indicators, ("indicators",))
            if meta is not None:
                self.add_up(("indicators",), meta.total, indicators, "the declared total (ruleset.total)")
        checks = self.checks(inputs, scales, leaves, meta)
        policy = None
        if "tables" in document:
            policy = self.model(TablePolicy, document["tables"], ("tables",))
            if policy is not None:
                self.check_policy(policy, scales, roots)
        if self.problems or meta is None:
            raise RulesetError(self.problems, self.source)
        ruleset = Ruleset(meta, inputs, checks, tuple(derived), roots, tuple(leaves), scales, text, self.source)
        ruleset.table_policy = policy
        return ruleset

    def check_policy(self, policy: TablePolicy, scales: Mapping[str, Scale], roots: tuple[Indicator, ...]) -> None:
        """The [tables] policy may only name scales, tiers and first-level indicators that exist."""
        scale = scales.get(policy.scale)
        if scale is None:
            self.problem(
                ("tables", "scale"),
                f"unknown scale '{policy.scale}'",
                suggest(policy.scale, scales),
                code="unknown-scale",
            )
        keys = [root.key for root in roots]
        if policy.budget is not None and policy.budget not in keys:
            self.problem(
                ("tables", "budget"),
                f"no first-level indicator '{policy.budget}'",
                suggest(policy.budget, keys),
                code="unknown-indicator",
            )
        for text, key in policy.level1.items():
            if key not in keys:
                self.problem(
                    ("tables", "level1", text),
                    f"no first-level indicator '{key}'",
                    suggest(key, keys),
                    code="unknown-indicator",
                )
        tiers = [tier.name for tier in scale.tiers] if scale else []
        for text, tier in policy.vocabulary.items():
            if scale and tier not in tiers:
                self.problem(
                    ("tables", "vocabulary", text),
                    f"no tier '{tier}' in the scale",
                    suggest(tier, tiers),
                    code="unknown-tier",
                )

    def scales(self, raw: Any) -> dict[str, Scale]:
        scales = {"default": DEFAULT_SCALE}
        if not isinstance(raw, Mapping):
            self.problem(("scales",), "expected a table of named scales", code="not-a-table")
            return scales
        for name, table in raw.items():
            scale = self.model(Scale, table, ("scales", name))
            if scale is not None:
                scales[name] = scale
        return scales

    def inputs(self, raw: Any) -> dict[str, InputSpec]:
        if not isinstance(raw, Mapping):
            self.problem(("inputs",), "expected a table of inputs", code="not-a-table")
            return {}
        inputs = {}
        for name, table in raw.items():
            if self.valid_name(name, ("inputs", name)):
                spec = self.model(InputSpec, table, ("inputs", name))
                if spec is not None:
                    inputs[name] = spec
        return inputs

    def valid_name(self, name: str, path: KeyPath) -> bool:
        if not _NAME.match(name):
            self.problem(
                path,
                "names of inputs and derived values use letters a–z, digits and _ (not starting with a digit)",
                code="bad-name",
            )
            return False
        if name in _RESERVED:
            self.problem(path, f"'{name}' is reserved (a function, keyword or 'points')", code="reserved-name")
            return False
        return True

    def derived(self, raw: Any, kinds: dict[str, Kind], inputs: Mapping[str, InputSpec]) -> list[Derived]:
        """Compile derived values in dependency order; cycles are reported, not followed."""
        if not isinstance(raw, Mapping):
            self.problem(("derived",), "expected a table of derived values", code="not-a-table")
            return []
        specs: dict[str, DerivedSpec] = {}
        for name, table in raw.items():
            path: KeyPath = ("derived", name)
            if not self.valid_name(name, path):
                continue
            if name in inputs:
                self.problem(path, f"'{name}' is already declared as an input", code="duplicate-name")
                continue
            spec = self.model(DerivedSpec, {"formula": table} if isinstance(table, str) else table, path)
            if spec is not None:
                specs[name] = spec
        order = self.dependency_order(specs)
        compiled: list[Derived] = []
        needs = {name: frozenset({name}) for name in inputs}
        for name in order:
            spec = specs[name]
            path = ("derived", name) if isinstance(raw[name], str) else ("derived", name, "formula")
            expression = self.formula(spec.formula, path, kinds, None)
            if expression is None:
                self.broken.add(name)
                continue
            kinds[name] = expression.kind
            need = frozenset().union(*(needs[used] for used in expression.names))
            needs[name] = need
            compiled.append(Derived(name, spec, expression, need))
        return compiled

    def dependency_order(self, specs: Mapping[str, DerivedSpec]) -> list[str]:
        graph = {name: sorted(_names_in(spec.formula) & specs.keys()) for name, spec in specs.items()}
        order: list[str] = []
        state: dict[str, str] = {}

        def visit(name: str, trail: list[str]) -> None:
            if state.get(name) == "done":
                return
            if state.get(name) == "open":
                cycle = [*trail[trail.index(name) :], name]
                self.problem(("derived", name), f"derived values form a cycle: {' → '.join(cycle)}", code="cycle")
                self.broken.update(cycle)
                return
            state[name] = "open"
            for used in graph[name]:
                visit(used, [*trail, name])
            state[name] = "done"
            order.append(name)

        for name in specs:
            visit(name, [])
        return order

    def formula(
        self,
        text: Any,
        path: KeyPath,
        kinds: Mapping[str, Kind],
        want: Kind | None,
        constants: Mapping[str, Decimal] | None = None,
    ) -> Expression | None:
        if isinstance(text, str) and _names_in(text) & self.broken:
            return None  # it reads a derived value whose own mistake is already reported
        expression, problems = compile_expression(text, self.at(path), kinds, constants)
        self.problems.extend(problems)
        if expression is not None and want is not None and expression.kind is not want:
            self.problem(
                path, f"expected a {want} formula, but this one gives a {expression.kind} value", code="formula-kind"
            )
            return None
        return expression

    def add_up(self, path: KeyPath, points: Decimal, table: Mapping[str, Any], what: str) -> None:
        """Children's declared points must add up to ``points`` (checked even when a child has
        other mistakes; skipped when a child's points are themselves unreadable)."""
        declared = [child.get("points") for child in table.values() if isinstance(child, Mapping)]
        numbers = [Decimal(p) for p in declared if isinstance(p, Decimal | int) and not isinstance(p, bool)]
        if not numbers or len(numbers) != len(declared):
            return
        total = sum(numbers, Decimal(0))
        if total != points:
            parts = " + ".join(str(p) for p in numbers)
            self.problem(
                path,
                f"the points of its indicators add up to {total} ({parts}), not {what} {points}; difference {total - points}",
                code="points-sum",
            )

    def checks(
        self,
        inputs: Mapping[str, InputSpec],
        scales: Mapping[str, Scale],
        leaves: list[Indicator],
        meta: Metadata | None,
    ) -> tuple[InputCheck, ...]:
        strict = meta is None or meta.missing == "error"
        rated: dict[str, list[Decimal]] = {}
        for leaf in leaves:
            if isinstance(leaf.spec, RatingLeaf):
                rated.setdefault(leaf.spec.input, []).append(leaf.points)
        checks = []
        numeric = {name for name, spec in inputs.items() if spec.type in ("number", "percent", "count")}
        for name, spec in inputs.items():
            for side in ("min", "max"):
                bound = getattr(spec, side)
                if isinstance(bound, str) and (bound not in numeric or bound == name):
                    self.problem(
                        ("inputs", name, side),
                        f"'{bound}' is not another number input, so it cannot bound {name}",
                        suggest(bound, numeric - {name}),
                        code="bound-name",
                    )
            scale = scales.get(spec.scale) if spec.type == "rating" else None
            if spec.type == "rating" and scale is None:
                self.problem(
                    ("inputs", name, "scale"),
                    f"unknown scale '{spec.scale}'",
                    suggest(spec.scale, scales),
                    code="unknown-scale",
                )
                continue
            try:
                checks.append(
                    input_check(
                        name,
                        spec,
                        strict if spec.required is None else spec.required,
                        scale,
                        tuple(rated.get(name, ())),
                    )
                )
            except ValueError as error:
                self.problem(("inputs", name, "default"), str(error), code="bad-default")
        return tuple(checks)


def _names_in(formula: str) -> set[str]:
    try:
        return {node.id for node in ast.walk(ast.parse(formula.strip(), mode="eval")) if isinstance(node, ast.Name)}
    except (SyntaxError, ValueError, RecursionError):
        return set()  # reported with its position when the formula is compiled


class _TreeWalker:
    """Walks the indicator tree: a node with ``method`` is a leaf, other nodes hold children."""

    def __init__(
        self,
        loader: _Loader,
        kinds: Mapping[str, Kind],
        needs: Mapping[str, frozenset[str]],
        inputs: Mapping[str, InputSpec],
        leaves: list[Indicator],
        places: int,
    ) -> None:
        self.loader = loader
        self.places = places
        self.kinds = kinds
        self.needs = needs
        self.inputs = inputs
        self.leaves = leaves

    def children(self, table: Mapping[str, Any], path: KeyPath) -> tuple[Indicator, ...]:
        nodes = []
        for key, value in table.items():
            if isinstance(value, Mapping):
                node = self.node(value, (*path, key))
                if node is not None:
                    nodes.append(node)
        return tuple(nodes)

    def node(self, table: Mapping[str, Any], path: KeyPath) -> Indicator | None:
        if "method" in table:
            return self.leaf(table, path)
        own = {key: value for key, value in table.items() if not isinstance(value, Mapping)}
        first = len(self.leaves)
        children = self.children(table, path)
        group = self.loader.model(Group, own, path)
        if len(own) == len(table):
            self.loader.problem(
                path, "an indicator needs either a 'method' (a leaf) or sub-indicators (tables)", code="empty-indicator"
            )
            return None
        if group is None:
            return None
        self.check_places(group.points, path)
        self.loader.add_up(path, group.points, table, "its own points")
        return Indicator(str(path[-1]), path[1:], group.name, group.name_en, group.points, group, children,
                         first=first, end=len(self.leaves))  # fmt: skip

    def check_templates(self, spec: Any, path: KeyPath, reads: list[str]) -> None:
        """Every {field} in an explanation template must be one the leaf can fill."""
        known = COMMON_FIELDS | METHOD_FIELDS[spec.method] | set(reads)
        for key in ("explain", "explain_en"):
            template = getattr(spec, key)
            for odd in not_fields(template or ""):
                self.loader.problem(
                    (*path, key),
                    f"{{{odd}}} is not a field: write {{name}}-style fields only, and {{{{ }}}} for braces",
                    code="template-field",
                )
            for field in template_fields(template or ""):
                if field not in known:
                    self.loader.problem(
                        (*path, key),
                        f"unknown field {{{field}}} in the template",
                        suggest(field, known),
                        code="template-field",
                    )

    def check_places(self, points: Decimal, path: KeyPath) -> None:
        """Points finer than the rounding could round a full score above them (2.55 → 2.6)."""
        if points != round(points, self.places):
            self.loader.problem(
                (*path, "points"),
                f"{points} has more decimal places than the ruleset rounds to ({self.places}, ruleset.rounding.places)",
                code="points-precision",
            )

    def leaf(self, table: Mapping[str, Any], path: KeyPath) -> Indicator | None:
        method_name = table["method"]
        model = LEAF_MODELS.get(method_name) if isinstance(method_name, str) else None
        if model is None:
            self.loader.problem(
                (*path, "method"),
                f"unknown method {_show(method_name)}; expected one of " + ", ".join(LEAF_MODELS),
                suggest(str(method_name), LEAF_MODELS),
                code="unknown-method",
            )
            return None
        spec = self.loader.model(model, table, path)
        if spec is None:
            return None
        self.check_places(spec.points, path)
        built = self.method(spec, path)
        if built is None:
            return None
        method, expressions = built
        reads = sorted({name for expression in expressions for name in expression.names})
        if isinstance(spec, RatingLeaf):
            reads = [spec.input]
        self.check_templates(spec, path, reads)
        needs = frozenset().union(*(self.needs[name] for name in reads))
        index = len(self.leaves)
        leaf = Indicator(str(path[-1]), path[1:], spec.name, spec.name_en, spec.points, spec, (), method,
                         tuple(reads), needs, index, index + 1)  # fmt: skip
        self.leaves.append(leaf)
        return leaf

    def number(self, value: Any, path: KeyPath) -> Expression | Decimal | None:
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        return self.loader.formula(value, path, self.kinds, Kind.NUMBER)

    def method(self, spec: Any, path: KeyPath) -> tuple[Method, list[Expression]] | None:
        """Build the leaf's method; None when a formula in it had problems (already reported)."""
        location = self.loader.at(path)
        fields: dict[str, Expression | Decimal | None] = {}

        def need(key: str, kind: Kind = Kind.NUMBER) -> Any:
            value = getattr(spec, key)
            if kind is Kind.NUMBER:
                fields[key] = self.number(value, (*path, key))
            else:
                fields[key] = self.loader.formula(value, (*path, key), self.kinds, kind)
            return fields[key]

        method: Method
        if isinstance(spec, RatioLeaf):
            actual, target = need("actual"), need("target")
            method = Ratio(spec, actual, target) if actual is not None and target is not None else _BROKEN
        elif isinstance(spec, BandsLeaf):
            value = need("value")
            method = Bands(spec, value, location) if value is not None else _BROKEN
            for index, band in enumerate(spec.bands):
                if band.points is not None and band.points > spec.points:
                    self.loader.problem(
                        (*path, "bands", index, "points"),
                        f"a band gives {band.points} points, more than the indicator's {spec.points}",
                        code="band-points",
                    )
        elif isinstance(spec, DeductionLeaf):
            count = need("count")
            method = Deduction(spec, count, location) if count is not None else _BROKEN
        elif isinstance(spec, BooleanLeaf):
            value = need("value", Kind.BOOL)
            method = Boolean(spec.points, value) if isinstance(value, Expression) else _BROKEN
        elif isinstance(spec, FormulaLeaf):
            text = spec.formula if isinstance(spec.formula, str) else str(spec.formula)
            formula = self.loader.formula(text, (*path, "formula"), self.kinds, Kind.NUMBER, {"points": spec.points})
            fields["formula"] = formula
            method = Formula(spec.points, formula) if formula is not None else _BROKEN
        else:
            assert isinstance(spec, RatingLeaf)
            declared = self.inputs.get(spec.input)
            if declared is None or declared.type != "rating":
                what = "is not declared" if declared is None else f"is a {declared.type} input"
                self.loader.problem(
                    (*path, "input"),
                    f"'{spec.input}' {what}; a rating indicator reads a rating input",
                    suggest(spec.input, [n for n, s in self.inputs.items() if s.type == "rating"]),
                    code="rating-input",
                )
                return None
            method = Rating(spec.points, spec.input)
        if method is _BROKEN:
            return None
        return method, [value for value in fields.values() if isinstance(value, Expression)]


class _Broken:
    name = "broken"

    def score(self, env: Any) -> Any:  # pragma: no cover - never part of a built ruleset
        raise AssertionError("a broken method reached scoring")


_BROKEN = _Broken()
