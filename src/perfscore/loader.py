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

from .errors import WORDS as ERRORS
from .errors import KeyPath, Location, Problem, Refusal, RulesetError, UnreadableFileError, os_reason, suggest
from .exact import pinned
from .expressions import FUNCTIONS, SCORE, Expression, Kind, compile_expression
from .grouprules import RULE_KINDS, TOTAL, GroupRule
from .inputs import InputCheck, input_check
from .limits import DEFAULT_LIMITS, Limits, check_document
from .messages import Text, words
from .methods import METHODS, Method
from .model import (
    CHECKS,
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
    TuningSpec,
)
from .positions import Positions
from .ruleset import Derived, Indicator, Ruleset
from .shipped import find_shipped, looks_like_id, unknown
from .text import plain, shown
from .toml import decode, parse_toml, plain_document, write_plain
from .validation import quick
from .wording import COMMON_FIELDS, not_fields, template_fields

_NAME = re.compile(NAME_PATTERN)
_RESERVED = {"points", "True", "False", *FUNCTIONS, *keyword.kwlist}
_KINDS = {"number": Kind.NUMBER, "percent": Kind.NUMBER, "count": Kind.NUMBER, "bool": Kind.BOOL,
          "text": Kind.TEXT, "date": Kind.DATE}  # fmt: skip

M = TypeVar("M", bound=BaseModel)

WORDS = words(
    "loader",
    {
        "file-too-large": ("{path}: 规则文件有 {size} 字节，超过 {limit} 字节的上限",
                           "{path}: the ruleset file is {size} bytes, over the {limit}-byte limit"),
        "unknown-id": ("{path}: 无法读取规则：{message}{hint}", "{path}: cannot read the ruleset: {message}{hint}"),
        "unreadable": ("{path}: 无法读取规则（{reason}）", "{path}: cannot read the ruleset ({reason})"),
        "too-large": ("规则有 {size} 字节{how}，超过 {limit} 字节的上限",
                      "the ruleset is {size} bytes{how}, over the {limit}-byte limit"),
        "as-toml": ("（写成 TOML 后）", " (written as TOML)"),
        "expected-table": ("此处应为表格，实际为 {value}", "expected a table, got {value}"),
        "unknown-key": ("未知的键", "unknown key"),
        "missing-key": ("缺少必填的键", "missing required key"),
        "too-short": ("至少应有 {count} 项，实际一项也没有", "expected at least {count} item(s), got none"),
        "invalid": ("{reason}{got}", "{reason}{got}"),
        "got": ("，实际为 {value}", ", got {value}"),
        "unknown-top": ("未知的顶层表", "unknown top-level table"),
        "indicators": ("此处应为指标表 [indicators]", "expected a table of indicators"),
        "stray": ("[indicators] 下只能放指标表；总分写在 ruleset.total", "[indicators] holds only indicator tables; the total is ruleset.total"),
        "unknown-scale": ("未知的评定档次表 '{name}'", "unknown scale '{name}'"),
        "no-level1": ("没有一级指标 '{name}'", "no first-level indicator '{name}'"),
        "no-tier": ("档次表中没有档次 '{name}'", "no tier '{name}' in the scale"),
        "scales": ("此处应为命名档次表的表格", "expected a table of named scales"),
        "inputs": ("此处应为输入的表格", "expected a table of inputs"),
        "derived": ("此处应为计算值的表格", "expected a table of derived values"),
        "bad-name": ("输入和计算值的名称只能用字母 a–z、数字和 _（不能以数字开头）",
                     "names of inputs and derived values use letters a–z, digits and _ (not starting with a digit)"),
        "reserved": ("'{name}' 是保留字（{what}）", "'{name}' is reserved ({what})"),
        "rule-table": ("此处应为一条规则（表格），实际为 {value}", "expected a table (a rule), got {value}"),
        "rule-kind-missing": ("缺少必填的键：规则的类型 kind，可用的有 {kinds}", "missing required key: a rule's kind, one of {kinds}"),
        "rule-kind-unknown": ("未知的规则类型 {name}；可用的有 {kinds}", "unknown rule kind {name}; expected one of {kinds}"),
        "reserved-word": ("函数名、关键字或 'points'", "a function, keyword or 'points'"),
        "reserved-score": ("规则读取得分时所用的名称", "the names rules read scores under"),
        "duplicate": ("'{name}' 已声明为输入", "'{name}' is already declared as an input"),
        "cycle": ("计算值相互引用成环：{cycle}", "derived values form a cycle: {cycle}"),
        "formula-kind": ("此处应为{want}公式，但这个公式的结果是{kind}", "expected a {want} formula, but this one gives a {kind} value"),
        "points-sum": ("下级指标分值之和为 {total}（{parts}），不等于{what} {points}；相差 {difference}",
                       "the points of its indicators add up to {total} ({parts}), not {what} {points}; difference {difference}"),
        "the declared total (ruleset.total)": ("规则声明的总分（ruleset.total）", "the declared total (ruleset.total)"),
        "its own points": ("本指标的分值", "its own points"),
        "bound-name": ("'{bound}' 不是另一个数值输入，不能作为 {name} 的上下限",
                       "'{bound}' is not another number input, so it cannot bound {name}"),
        "empty": ("指标要么写 'method'（末级指标），要么包含下级指标（表格）",
                  "an indicator needs either a 'method' (a leaf) or sub-indicators (tables)"),
        "not-a-field": ("{{{odd}}} 不是字段：只能写 {{name}} 形式的字段，花括号本身写作 {{{{ }}}}",
                        "{{{odd}}} is not a field: write {{name}}-style fields only, and {{{{ }}}} for braces"),
        "unknown-field": ("模板中有未知的字段 {{{field}}}", "unknown field {{{field}}} in the template"),
        "unknown-method": ("未知的计分方法 {name}；可用的有 {known}", "unknown method {name}; expected one of {known}"),
        "a table": ("一个表格", "a table"),
        "number": ("数值", "number"),
        "bool": ("是/否", "bool"),
        "text": ("文本", "text"),
        "date": ("日期", "date"),
    },
)  # fmt: skip

PYDANTIC = words(
    "loader.pydantic",
    {
        "greater_than": ("应大于 {gt}", "expected greater than {gt}"),
        "greater_than_equal": ("应大于或等于 {ge}", "expected greater than or equal to {ge}"),
        "less_than": ("应小于 {lt}", "expected less than {lt}"),
        "less_than_equal": ("应小于或等于 {le}", "expected less than or equal to {le}"),
        "literal_error": ("应为以下之一：{expected}", "expected {expected}"),
        "string_type": ("应为文本（加英文双引号）", "expected a valid string"),
        "bool_type": ("应为 true 或 false", "expected a valid boolean"),
        "bool_parsing": ("应为 true 或 false", "expected a valid boolean"),
        "int_type": ("应为整数", "expected a valid integer"),
        "int_parsing": ("应为整数", "expected a valid integer"),
        "int_from_float": ("应为整数，不能有小数部分", "expected a valid integer, got a number with a fractional part"),
        "decimal_type": ("应为数字", "expected a valid decimal"),
        "decimal_parsing": ("应为数字", "expected a valid decimal"),
        "finite_number": ("应为有限的数字", "expected a finite number"),
        "list_type": ("应为数组 [ … ]", "expected a valid list"),
        "dict_type": ("应为表格", "expected a valid dictionary"),
        "model_type": ("应为表格", "expected a table"),
        "date_type": ("应为日期（如 2024-12-31）", "expected a valid date"),
        "date_from_datetime_parsing": ("应为日期（如 2024-12-31）", "expected a valid date"),
        "string_too_short": ("文本至少应有 {min_length} 个字符", "expected at least {min_length} character(s)"),
        "string_too_long": ("文本至多 {max_length} 个字符", "expected at most {max_length} character(s)"),
        "too_long": ("至多 {max_length} 项", "expected at most {max_length} item(s)"),
        "string_pattern_mismatch": ("应符合格式 {pattern}", "expected text matching {pattern}"),
        "decimal_max_places": ("小数位至多 {decimal_places} 位", "expected no more than {decimal_places} decimal places"),
        "union_tag_invalid": ("类型应为以下之一：{expected_tags}", "expected one of {expected_tags}"),
    },
)  # fmt: skip
"""Pydantic's reasons, by their type, in both languages; another type is shown as pydantic words it."""


def load(path: str | Path, *, limits: Limits = DEFAULT_LIMITS, methods: Mapping[str, Method] | None = None) -> Ruleset:
    """Load and compile the ruleset in the TOML file at ``path`` (see :func:`loads`).

    When no file ``path`` exists, ``path`` may be the id of a ruleset shipped with perfscore
    (``perfscore.load("department-wide")``, see :func:`perfscore.shipped`); a file always wins.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise UnreadableFileError(WORDS["file-too-large"].format(path=path, size=size, limit=limits.max_bytes))
        raw = path.read_bytes()
    except UnreadableFileError:
        raise
    except FileNotFoundError as error:
        entry = find_shipped(str(path))
        if entry is not None:
            return load(entry.file, limits=limits, methods=methods)
        if looks_like_id(str(path)):
            _, closest = unknown(str(path))
            message = Text(*(unknown(str(path), lang)[0] for lang in ("zh", "en")))
            hint = ERRORS["did-you-mean"].format(name=closest) if closest else ""
            raise UnreadableFileError(WORDS["unknown-id"].format(path=path, message=message, hint=hint)) from None
        raise UnreadableFileError(WORDS["unreadable"].format(path=path, reason=os_reason(error))) from None
    except OSError as error:
        raise UnreadableFileError(WORDS["unreadable"].format(path=path, reason=os_reason(error))) from None
    return load_bytes(raw, str(path), limits=limits, methods=methods)


def load_bytes(
    raw: bytes,
    source: str | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    methods: Mapping[str, Method] | None = None,
) -> Ruleset:
    """Compile the ruleset a file's bytes hold (standard input, an upload): UTF-8 text, as :func:`load`
    reads a file; a file saved as GBK/GB18030 or UTF-16 is refused with how to save it as UTF-8."""
    if len(raw) > limits.max_bytes:
        raise RulesetError([Problem(Location(source), _too_large(len(raw), limits, ""), code="file-too-large")], source)
    return loads(decode(raw, source, RulesetError), source=source, limits=limits, methods=methods)


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
    _check_size(text, source, limits, "as-toml")
    problems = check_document(plain, source, limits)
    if problems:
        raise RulesetError(problems, source)
    return _Loader(source, limits, methods).build(plain, text, kept=plain)


def _check_size(text: str, source: str | None, limits: Limits, how: str) -> None:
    size = len(text.encode("utf-8", errors="replace"))
    if size > limits.max_bytes:
        raise RulesetError([Problem(Location(source), _too_large(size, limits, how), code="file-too-large")], source)


def _too_large(size: int, limits: Limits, how: str) -> Text:
    return WORDS["too-large"].format(size=size, how=WORDS[how] if how else "", limit=limits.max_bytes)


def _show(value: Any) -> Text | str:
    return WORDS["a table"] if isinstance(value, Mapping) else shown(value)


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

    def problem(self, path: KeyPath, message: str | Text, suggestion: str | None = None, *, code: str) -> None:
        self.problems.append(Problem(self.at(path), message, suggestion, code=code))

    def model(self, cls: type[M], raw: Any, path: KeyPath) -> M | None:
        """Validate ``raw`` with ``cls``; each pydantic error becomes a located problem."""
        if not isinstance(raw, Mapping):
            self.problem(path, WORDS["expected-table"].format(value=_show(raw)), code="not-a-table")
            return None
        read = quick(cls, raw)  # a valid table, read without building the model's validator
        if read is not None:
            return read
        try:
            return cls.model_validate(raw)
        except ValidationError as error:
            for detail in error.errors(include_url=False):
                where = (*path, *detail["loc"])
                kind, last = detail["type"], str(detail["loc"][-1]) if detail["loc"] else ""
                if kind == "extra_forbidden":
                    self.problem(where, WORDS["unknown-key"], suggest(last, cls.model_fields), code="unknown-key")
                elif kind == "missing":
                    self.problem(where, WORDS["missing-key"], code="missing-key")
                elif kind == "too_short":
                    count = detail["ctx"]["min_length"]
                    self.problem(where, WORDS["too-short"].format(count=count), code="invalid-value")
                else:
                    self.problem(where, _pydantic(detail), code="invalid-value")
            return None

    # --- the document, part by part ---------------------------------------------------------

    def build(self, document: dict[str, Any], text: str, kept: dict[str, Any] | None = None) -> Ruleset:
        """The compiled ruleset; ``kept`` is the document it keeps when it was not read from ``text``."""
        for key in document:
            if key not in TOP_LEVEL_KEYS:
                self.problem((key,), WORDS["unknown-top"], suggest(key, TOP_LEVEL_KEYS), code="unknown-key")
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
            self.problem(("indicators",), WORDS["indicators"], code="not-a-table")
        else:
            places = meta.rounding.places if meta is not None else 2
            walker = _TreeWalker(self, kinds, needs, inputs, leaves, places)
            for key, value in indicators.items():
                if key == RULES_KEY and isinstance(value, list):
                    walker.pending.append(("", TOTAL, meta.total if meta else Decimal(100), value, ("indicators",)))
                elif not isinstance(value, Mapping):
                    self.problem(
                        ("indicators", key),
                        WORDS["stray"],
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
        if "tuning" in document:  # its names are read by perfscore.tuning, against the compiled ruleset
            self.model(TuningSpec, document["tuning"], ("tuning",))
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
                WORDS["unknown-scale"].format(name=policy.scale),
                suggest(policy.scale, scales),
                code="unknown-scale",
            )
        keys = [root.key for root in roots]
        if policy.budget is not None and policy.budget not in keys:
            self.problem(
                ("tables", "budget"),
                WORDS["no-level1"].format(name=policy.budget),
                suggest(policy.budget, keys),
                code="unknown-indicator",
            )
        for text, key in policy.level1.items():
            if key not in keys:
                self.problem(
                    ("tables", "level1", text),
                    WORDS["no-level1"].format(name=key),
                    suggest(key, keys),
                    code="unknown-indicator",
                )
        tiers = [tier.name for tier in scale.tiers] if scale else []
        for text, tier in policy.vocabulary.items():
            if scale and tier not in tiers:
                self.problem(
                    ("tables", "vocabulary", text),
                    WORDS["no-tier"].format(name=tier),
                    suggest(tier, tiers),
                    code="unknown-tier",
                )

    def scales(self, raw: Any) -> dict[str, Scale]:
        scales = {"default": DEFAULT_SCALE}
        if not isinstance(raw, Mapping):
            self.problem(("scales",), WORDS["scales"], code="not-a-table")
            return scales
        for name, table in raw.items():
            scale = self.model(Scale, table, ("scales", name))
            if scale is not None:
                scales[name] = scale
        return scales

    def inputs(self, raw: Any) -> dict[str, InputSpec]:
        if not isinstance(raw, Mapping):
            self.problem(("inputs",), WORDS["inputs"], code="not-a-table")
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
                WORDS["bad-name"],
                code="bad-name",
            )
            return False
        if name in _RESERVED or name.startswith(SCORE_PREFIX):
            what = WORDS["reserved-score" if name.startswith(SCORE_PREFIX) else "reserved-word"]
            self.problem(path, WORDS["reserved"].format(name=name, what=what), code="reserved-name")
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
            self.problem(path, WORDS["rule-table"].format(value=_show(table)), code="not-a-table")
            return None
        name = table.get("kind")
        kind = RULE_KINDS.get(name) if isinstance(name, str) else None
        if name is None:
            message = WORDS["rule-kind-missing"].format(kinds=", ".join(RULE_KINDS))
            self.problem((*path, "kind"), message, code="missing-key")
            return None
        if kind is None:
            message = WORDS["rule-kind-unknown"].format(name=_show(name), kinds=", ".join(RULE_KINDS))
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
            self.problem(("derived",), WORDS["derived"], code="not-a-table")
            return []
        specs: dict[str, DerivedSpec] = {}
        for name, table in raw.items():
            path: KeyPath = ("derived", name)
            if not self.valid_name(name, path):
                continue
            if name in inputs:
                self.problem(path, WORDS["duplicate"].format(name=name), code="duplicate-name")
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
                self.problem(("derived", name), WORDS["cycle"].format(cycle=" → ".join(cycle)), code="cycle")
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
            said = WORDS["formula-kind"].format(want=_kind(want), kind=_kind(expression.kind))
            self.problem(path, said, code="formula-kind")
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
            names = [str(child.get("name") or key) for key, child in table.items() if isinstance(child, Mapping)]
            parts = " + ".join(f"{name} {plain(number)}" for name, number in zip(names, numbers, strict=True))
            said = WORDS["points-sum"].format(
                total=plain(total),
                parts=parts,
                what=WORDS[what],
                points=plain(points),
                difference=plain(total - points),
            )
            self.problems.append(Problem(self.at(path), said, code="points-sum"))

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
                        WORDS["bound-name"].format(bound=bound, name=name),
                        suggest(bound, numeric - {name}),
                        code="bound-name",
                    )
            scale = scales.get(spec.scale) if spec.type == "rating" else None
            if spec.type == "rating" and scale is None:
                self.problem(
                    ("inputs", name, "scale"),
                    WORDS["unknown-scale"].format(name=spec.scale),
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
                said = error.text if isinstance(error, Refusal) else str(error)
                self.problem(("inputs", name, "default"), said, code="bad-default")
        return tuple(checks)


def _kind(kind: Any) -> Text:
    """A kind of value in words."""
    return WORDS.get(str(kind)) or Text(str(kind), str(kind))


def _pydantic(detail: Any) -> Text:
    """One of pydantic's errors in both languages: a :class:`~perfscore.errors.Refusal` raised by a
    model's own check says itself; a known type reads from :data:`PYDANTIC`, with the value found."""
    kind = detail["type"]
    context = detail.get("ctx") or {}
    raised = context.get("error")
    if isinstance(raised, Refusal):
        return raised.text
    english = detail["msg"].removeprefix("Value error, ").replace("Input should be", "expected")
    values = {key: value for key, value in context.items() if key != "error"}
    reason = Text(PYDANTIC[kind].format(**values).zh if kind in PYDANTIC else english, english)  # pydantic's English
    if kind.startswith("value_error"):
        return reason
    return WORDS["invalid"].format(reason=reason, got=WORDS["got"].format(value=_show(detail["input"])))


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

    def problem(
        self, keys: tuple[str | int, ...], message: str | Text, suggestion: str | None = None, *, code: str
    ) -> None:
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
            self.loader.problem(path, WORDS["empty"], code="empty-indicator")
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
                    WORDS["not-a-field"].format(odd=odd),
                    code="template-field",
                )
            for field in template_fields(template or ""):
                if field not in known:
                    self.loader.problem(
                        (*path, key),
                        WORDS["unknown-field"].format(field=field),
                        suggest(field, known),
                        code="template-field",
                    )

    def check_places(self, points: Decimal, path: KeyPath) -> None:
        """Points finer than the rounding could round a full score above them (2.55 → 2.6)."""
        if points != round(points, self.places):
            self.loader.problem(
                (*path, "points"),
                CHECKS["places"].format(points=points, places=self.places),
                code="points-precision",
            )

    def leaf(self, table: Mapping[str, Any], path: KeyPath) -> Indicator | None:
        name = table["method"]
        known = self.loader.known
        method = known.get(name) if isinstance(name, str) else None
        if method is None:
            self.loader.problem(
                (*path, "method"),
                WORDS["unknown-method"].format(name=_show(name), known=", ".join(known)),
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

    def problem(
        self, keys: tuple[str | int, ...], message: str | Text, suggestion: str | None = None, *, code: str
    ) -> None:
        self.loader.problem((*self.path, *keys), message, suggestion, code=code)
