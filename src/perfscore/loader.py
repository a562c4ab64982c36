"""TOML text (or the same document as Python data) → checked document → compiled
:class:`~perfscore.ruleset.Ruleset`.

The loader walks the document once, checks each part with its pydantic model, compiles every
formula, and gathers *all* problems with their key paths before raising one RulesetError. A
leaf's keys are checked and built by its method (``perfscore.methods``), found by name.
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

from .errors import KeyPath, Location, Problem, RulesetError, UnreadableFileError, suggest
from .exact import pinned
from .expressions import FUNCTIONS, SCORE, Expression, Kind, compile_expression
from .grouprules import RULE_KINDS, TOTAL, GroupRule
from .inputs import InputCheck, input_check
from .limits import DEFAULT_LIMITS, Limits, check_document
from .messages import Text
from .methods import METHODS, Method
from .model import (
    DEFAULT_SCALE,
    NAME_PATTERN,
    RULES_KEY,
    TOP_LEVEL_KEYS,
    DerivedSpec,
    Group,
    InputSpec,
    Metadata,
    Scale,
    TablePolicy,
)
from .positions import Positions
from .ruleset import Derived, Indicator, Ruleset
from .shipped import find_shipped, looks_like_id, unknown
from .text import shown
from .toml import parse_toml, plain_document, write_plain
from .wording import COMMON_FIELDS, not_fields, template_fields

_NAME = re.compile(NAME_PATTERN)
_RESERVED = {"points", "True", "False", *FUNCTIONS, *keyword.kwlist}
_KINDS = {"number": Kind.NUMBER, "percent": Kind.NUMBER, "count": Kind.NUMBER, "bool": Kind.BOOL,
          "text": Kind.TEXT, "date": Kind.DATE}  # fmt: skip

M = TypeVar("M", bound=BaseModel)


def load(path: str | Path, *, limits: Limits = DEFAULT_LIMITS, methods: Mapping[str, Method] | None = None) -> Ruleset:
    """Load and compile the ruleset in the TOML file at ``path`` (see :func:`loads`).

    When no file ``path`` exists, ``path`` may be the id of a ruleset shipped with perfscore
    (``perfscore.load("department-wide")``, see :func:`perfscore.shipped`); a file always wins.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            message = f"{path}: the ruleset file is {size} bytes, over the {limits.max_bytes}-byte limit"
            raise UnreadableFileError(message)
        raw = path.read_bytes()
    except UnreadableFileError:
        raise
    except FileNotFoundError as error:
        entry = find_shipped(str(path))
        if entry is not None:
            return load(entry.file, limits=limits, methods=methods)
        if looks_like_id(str(path)):
            message, closest = unknown(str(path))
            hint = f" (did you mean '{closest}'?)" if closest else ""
            raise UnreadableFileError(f"{path}: cannot read the ruleset: {message}{hint}") from None
        raise UnreadableFileError(f"{path}: cannot read the ruleset ({error.strerror or error})") from None
    except OSError as error:
        raise UnreadableFileError(f"{path}: cannot read the ruleset ({error.strerror or error})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problem = Problem(Location(str(path)), f"the file is not UTF-8 text (byte {error.start})", code="encoding")
        raise RulesetError([problem], str(path)) from None
    return loads(text, source=str(path), limits=limits, methods=methods)


@pinned
def loads(
    text: str,
    source: str | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    methods: Mapping[str, Method] | None = None,
) -> Ruleset:
    """Compile a ruleset from TOML text; ``source`` names it in error messages.

    ``methods`` are the scoring methods its leaves may name (by default the built-in
    :data:`perfscore.methods.METHODS`; pass an extended copy to add one of your own).
    """
    _check_size(text, source, limits, "")
    document = parse_toml(text.removeprefix("\ufeff"), source, RulesetError)
    try:
        problems = check_document(document, source, limits)
        if problems:
            raise RulesetError(problems, source)
        return _Loader(source, limits, methods).build(document, text)
    except RulesetError as error:  # each problem also says the line and column of its key
        raise RulesetError(Positions(text).locate(error.problems), source) from None


@pinned
def loads_dict(
    document: Mapping[str, Any],
    source: str | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    methods: Mapping[str, Method] | None = None,
) -> Ruleset:
    """Compile a ruleset from a Python mapping shaped like the TOML document (what
    :meth:`Ruleset.to_dict` gives back): tables as mappings, arrays as lists or tuples, numbers as
    ``int`` or ``Decimal``. A float is read by its shortest text (``0.1`` is ``Decimal("0.1")``,
    as in a TOML file); compute numbers as Decimals, not floats.

    The checks and the located errors are those of :func:`loads` for the same document written
    as TOML (size, depth and look-alike keys included); a value TOML cannot hold (``None``, an
    object, a key that is not text) is a located problem too. The ruleset keeps a copy of the
    document: changing ``document`` afterwards changes nothing.
    """
    plain, problems = plain_document(
        document, source, max_depth=limits.max_depth, max_values=limits.max_bytes // 2, refuse_deeper=False
    )
    if problems:
        raise RulesetError(problems, source)
    text = write_plain(plain)
    _check_size(text, source, limits, " (written as TOML)")
    problems = check_document(plain, source, limits)
    if problems:
        raise RulesetError(problems, source)
    return _Loader(source, limits, methods).build(plain, text, kept=plain)


def _check_size(text: str, source: str | None, limits: Limits, how: str) -> None:
    size = len(text.encode("utf-8", errors="replace"))
    if size > limits.max_bytes:
        message = f"the ruleset is {size} bytes{how}, over the {limits.max_bytes}-byte limit"
        raise RulesetError([Problem(Location(source), message, code="file-too-large")], source)


def _show(value: Any) -> str:
    return "a table" if isinstance(value, Mapping) else shown(value)


class _Loader:
    def __init__(self, source: str | None, limits: Limits, methods: Mapping[str, Method] | None) -> None:
        self.source = source
        self.limits = limits
        self.methods = methods  # None: the built-in ones
        self.known: Mapping[str, Method] = METHODS if methods is None else methods
        self.problems: list[Problem] = []
        self.broken: set[str] = set()  # derived values with a reported mistake: readers stay quiet
        self.broken_ids: set[str] = set()  # indicators with a reported mistake: rules reading their scores stay quiet

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

    def build(self, document: dict[str, Any], text: str, kept: dict[str, Any] | None = None) -> Ruleset:
        """The compiled ruleset; ``kept`` is the document it keeps when it was not read from ``text``."""
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
        group_rules: dict[str, tuple[GroupRule, ...]] = {}
        if not isinstance(indicators, Mapping) or not indicators:
            self.problem(("indicators",), "expected a table of indicators", code="not-a-table")
        else:
            places = meta.rounding.places if meta is not None else 2
            walker = _TreeWalker(self, kinds, needs, inputs, leaves, places)
            for key, value in indicators.items():
                if key == RULES_KEY and isinstance(value, list):
                    walker.pending.append(("", TOTAL, meta.total if meta else Decimal(100), value, ("indicators",)))
                elif not isinstance(value, Mapping):
                    self.problem(
                        ("indicators", key),
                        "[indicators] holds only indicator tables; the total is ruleset.total",
                        code="stray-key",
                    )
            roots = walker.children(indicators, ("indicators",))
            if meta is not None:
                self.add_up(("indicators",), meta.total, indicators, "the declared total (ruleset.total)")
            group_rules = self.group_rules(walker.pending, roots, meta, kinds, needs, walker.seen)
        checks = self.checks(inputs, scales, leaves, meta)
        policy = None
        if "tables" in document:
            policy = self.model(TablePolicy, document["tables"], ("tables",))
            if policy is not None:
                self.check_policy(policy, scales, roots)
        if self.problems or meta is None:
            raise RulesetError(self.problems, self.source)
        return Ruleset(
            meta,
            inputs,
            checks,
            tuple(derived),
            roots,
            tuple(leaves),
            scales,
            text,
            self.source,
            limits=self.limits,
            table_policy=policy,
            methods=self.methods,
            document=kept,
            group_rules=group_rules,
        )

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
        if name in _RESERVED or name.startswith(SCORE_PREFIX):
            what = (
                "the names rules read scores under"
                if name.startswith(SCORE_PREFIX)
                else "a function, keyword or 'points'"
            )
            self.problem(path, f"'{name}' is reserved ({what})", code="reserved-name")
            return False
        return True

    def group_rules(
        self,
        pending: list[_Pending],
        roots: tuple[Indicator, ...],
        meta: Metadata | None,
        kinds: Mapping[str, Kind],
        needs: Mapping[str, frozenset[str]],
        seen: set[str],
    ) -> dict[str, tuple[GroupRule, ...]]:
        """Each node's rules, checked by their kinds, in the order they apply (by stage, then as
        written). A condition may read the score of any leaf, and of the groups under its node;
        one reading an indicator that has mistakes of its own (already reported) is left out."""
        nodes = {node.id: node for root in roots for node in root.walk()}
        self.broken_ids = seen - nodes.keys()
        names = {key: f"{SCORE_PREFIX}{number}" for number, key in enumerate(nodes)}
        places = meta.rounding.places if meta is not None else 2
        grades = tuple(grade.name for grade in meta.grades) if meta is not None else ()
        found: dict[str, tuple[GroupRule, ...]] = {}
        for node_id, label, points, raw, path in pending:
            under = f"{node_id}."
            scores = {key: name for key, name in names.items()
                      if not node_id or nodes[key].is_leaf or key.startswith(under)}  # fmt: skip
            compiled = []
            for index, table in enumerate(raw):
                rule = self.group_rule(table, (*path, RULES_KEY, index), node_id, label, points, index,
                                       _RuleSite(self, (*path, RULES_KEY, index), points, places, grades),
                                       kinds, needs, scores)  # fmt: skip
                if rule is not None:
                    compiled.append(rule)
            if compiled:
                found[node_id] = tuple(sorted(compiled, key=lambda rule: rule.stage))
        return found

    def group_rule(
        self,
        table: Any,
        path: KeyPath,
        node_id: str,
        label: Text,
        points: Decimal,
        index: int,
        site: _RuleSite,
        kinds: Mapping[str, Kind],
        needs: Mapping[str, frozenset[str]],
        scores: Mapping[str, str],
    ) -> GroupRule | None:
        if not isinstance(table, Mapping):
            self.problem(path, f"expected a table (a rule), got {_show(table)}", code="not-a-table")
            return None
        name = table.get("kind")
        kind = RULE_KINDS.get(name) if isinstance(name, str) else None
        if name is None:
            message = "missing required key: a rule's kind, one of " + ", ".join(RULE_KINDS)
            self.problem((*path, "kind"), message, code="missing-key")
            return None
        if kind is None:
            message = f"unknown rule kind {_show(name)}; expected one of " + ", ".join(RULE_KINDS)
            self.problem((*path, "kind"), message, suggest(str(name), RULE_KINDS), code="unknown-rule-kind")
            return None
        spec = self.model(kind.params, table, path)
        if spec is None or not kind.check(spec, site):
            return None
        if _scores_in(spec.when) & self.broken_ids:
            return None  # it reads the score of an indicator whose own mistake is already reported
        when = self.formula(spec.when, (*path, "when"), kinds, Kind.BOOL, scores=scores)
        if when is None:
            return None
        read = sorted(when.names, key=lambda used: _first_use(when.tree, used))
        need = frozenset().union(*(needs[used] for used in read if used in needs))
        by_name = {score_name: key for key, score_name in scores.items() if score_name in when.names}
        return GroupRule(kind, spec, node_id, label, points, index, when, need, tuple(read), by_name,
                         kind.limit(spec, points), self.at(path))  # fmt: skip

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
        *,
        scores: Mapping[str, str] | None = None,
    ) -> Expression | None:
        if self.broken and isinstance(text, str) and _names_in(text) & self.broken:
            return None  # it reads a derived value whose own mistake is already reported
        expression, problems = compile_expression(text, self.at(path), kinds, constants, self.limits, scores=scores)
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
            for name in leaf.reads:  # the rating leaves reading each rating input: its scores fit their tiers
                if name in inputs and inputs[name].type == "rating":
                    rated.setdefault(name, []).append(leaf.points)
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
                        self.limits,
                    )
                )
            except ValueError as error:
                self.problem(("inputs", name, "default"), str(error), code="bad-default")
        return tuple(checks)


def _first_use(tree: ast.expr, name: str) -> tuple[int, int]:
    """Where ``name`` is first read in a compiled tree (line, column), to list names in the order written."""
    places = [
        (node.lineno, node.col_offset) for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id == name
    ]
    return min(places, default=(0, 0))


def _scores_in(formula: str) -> set[str]:
    """The ids a condition reads with score("…")."""
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError):
        return set()  # reported with its position when the condition is compiled
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == SCORE
        and len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
    }  # fmt: skip


def _names_in(formula: str) -> set[str]:
    try:
        return {node.id for node in ast.walk(ast.parse(formula.strip(), mode="eval")) if isinstance(node, ast.Name)}
    except (SyntaxError, ValueError, RecursionError):
        return set()  # reported with its position when the formula is compiled


_Pending = tuple[str, Text, Decimal, list[Any], KeyPath]
"""A node's rules waiting for the whole tree (their conditions may read any leaf's score): the
node's id ("" the total), its name, its points, the rules as written, and its key path."""
SCORE_PREFIX = "score__"  # the names score("…") reads under; no input or derived value may start so


class _RuleSite:
    """What a rule kind's load-time checks see: the node's points, the rounding and the grades."""

    def __init__(self, loader: _Loader, path: KeyPath, points: Decimal, places: int, grades: tuple[str, ...]) -> None:
        self.loader = loader
        self.path = path
        self.points = points
        self.places = places
        self.grades = grades

    def problem(self, keys: tuple[str | int, ...], message: str, suggestion: str | None = None, *, code: str) -> None:
        self.loader.problem((*self.path, *keys), message, suggestion, code=code)


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
        self.pending: list[_Pending] = []  # the groups' (and the total's) rules, compiled once the tree is known
        self.seen: set[str] = set()  # every indicator id written, built or not (a broken one's mistake is reported)

    def children(self, table: Mapping[str, Any], path: KeyPath) -> tuple[Indicator, ...]:
        nodes = []
        for key, value in table.items():
            if isinstance(value, Mapping):
                node = self.node(value, (*path, key))
                if node is not None:
                    nodes.append(node)
        return tuple(nodes)

    def node(self, table: Mapping[str, Any], path: KeyPath) -> Indicator | None:
        self.seen.add(".".join(str(part) for part in path[1:]))
        if "method" in table:
            if isinstance(table.get(RULES_KEY), list):
                self.loader.problem(
                    (*path, RULES_KEY),
                    "rules act on a group or on the total ([[indicators.rules]]), not on a leaf: put them on its group",
                    code="invalid-value",
                )
                table = {key: value for key, value in table.items() if key != RULES_KEY}
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
        if group.rules:
            label = Text(group.name, group.name_en or group.name)
            self.pending.append((".".join(str(part) for part in path[1:]), label, group.points, group.rules, path))
        return Indicator(str(path[-1]), path[1:], group.name, group.name_en, group.points, group, children,
                         first=first, end=len(self.leaves), location=self.loader.at(path))  # fmt: skip

    def check_templates(self, spec: Any, method: Method, path: KeyPath, reads: list[str]) -> None:
        """Every {field} in an explanation template must be one the leaf can fill."""
        known = COMMON_FIELDS | method.template_fields | set(reads)
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
        name = table["method"]
        known = self.loader.known
        method = known.get(name) if isinstance(name, str) else None
        if method is None:
            self.loader.problem(
                (*path, "method"),
                f"unknown method {_show(name)}; expected one of " + ", ".join(known),
                suggest(str(name), known),
                code="unknown-method",
            )
            return None
        spec = self.loader.model(method.params, table, path)
        if spec is None:
            return None
        self.check_places(spec.points, path)
        formulas = self.formulas(method, spec, path)
        if formulas is None or not method.check(spec, _Site(self.loader, path, self.inputs)):
            return None
        reads = method.reads(spec, formulas)
        self.check_templates(spec, method, path, list(reads))
        needs = frozenset().union(*(self.needs[name] for name in reads if name in self.needs))
        index = len(self.leaves)
        leaf = Indicator(str(path[-1]), path[1:], spec.name, spec.name_en, spec.points, spec, (), method, formulas,
                         reads, needs, index, index + 1, self.loader.at(path))  # fmt: skip
        self.leaves.append(leaf)
        return leaf

    def formulas(self, method: Method, spec: Any, path: KeyPath) -> dict[str, Expression | Decimal] | None:
        """The method's formula keys compiled (numbers stay numbers); None when one had problems (reported)."""
        compiled: dict[str, Expression | Decimal] = {}
        for key, wanted in method.formulas.items():
            value = getattr(spec, key)
            if wanted.text_only and isinstance(value, Decimal | int) and not isinstance(value, bool):
                value = str(value)
            if wanted.kind is Kind.NUMBER and isinstance(value, Decimal | int) and not isinstance(value, bool):
                compiled[key] = Decimal(value)
                continue
            constants = {name: getattr(spec, name) for name in wanted.constants}
            expression = self.loader.formula(value, (*path, key), self.kinds, wanted.kind, constants)
            if expression is None:
                return None
            compiled[key] = expression
        return compiled


class _Site:
    """What a method's load-time checks see: the ruleset's inputs, and a place to report problems."""

    def __init__(self, loader: _Loader, path: KeyPath, inputs: Mapping[str, InputSpec]) -> None:
        self.loader = loader
        self.path = path
        self.inputs = inputs

    def problem(self, keys: tuple[str | int, ...], message: str, suggestion: str | None = None, *, code: str) -> None:
        self.loader.problem((*self.path, *keys), message, suggestion, code=code)
