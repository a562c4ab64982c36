"""Two versions of a ruleset side by side: what changed in the rules, and how each unit's score moves.

A finance bureau revising next year's rules reviews them here before publishing: indicators
added, removed, moved, re-weighted, renamed, scored another way or with other parameters;
inputs, derived values, rating scales and settings that changed; and, for real units' data,
each unit's total and grade under both versions with the indicators that moved it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from .exact import CONTEXT, difference, pinned, unsigned
from .grouprules import GroupRule
from .messages import check_lang, in_lang, words
from .methods import METHODS, Method
from .model import RULES_KEY, Grade, Scale, TablePolicy, Tier
from .result import ScoreResult, UnitError
from .ruleset import Indicator, Ruleset
from .text import columns, for_markdown, for_terminal, plain, plain_data
from .units import Unit

FORMATS = ("text", "markdown", "json")

#: Leaf keys that are not scoring parameters: names, points and method are compared on their
#: own; descriptions, display units and explanation templates change wording, not scores.
NOT_PARAMETERS = frozenset(
    {"name", "name_en", "points", "method", "description", "description_en", "unit", "explain", "explain_en",
     RULES_KEY}  # a group's rules are compared one by one (rules_added, …)
)  # fmt: skip
#: Input keys compared (labels and descriptions are wording).
INPUT_KEYS = ("type", "unit", "min", "max", "required", "default", "scale")
DERIVED_KEYS = ("formula", "fallback", "percent", "unit")
#: Keys whose list is compared item by item when both versions have as many items.
LISTS = ("bands", "tiers")


# --- what changed in the rules ------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One value that differs between the versions; ``None`` where a version does not set it.

    ``index`` says which item of a list (a band, a tier) changed when the lists are otherwise alike.
    """

    key: str
    old: Any
    new: Any
    index: int | None = None

    @property
    def path(self) -> str:
        """The key as written in the ruleset: ``target``, ``bands[1]``, ``rounding.mode``."""
        return self.key if self.index is None else f"{self.key}[{self.index}]"

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.path, "old": _json(self.old), "new": _json(self.new)}


@dataclass(frozen=True)
class NamedChange:
    """An input, derived value or scale present in both versions, with what differs."""

    name: str
    changes: tuple[Change, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "changes": [change.to_dict() for change in self.changes]}


@dataclass(frozen=True, eq=False)
class IndicatorPair:
    """The same indicator in both versions (by id, or by name when it moved) and its parameter changes."""

    old: Indicator
    new: Indicator
    parameters: tuple[Change, ...] = ()

    @property
    def id(self) -> str:
        return self.new.id

    @property
    def moved(self) -> bool:
        return self.old.id != self.new.id

    @property
    def reweighted(self) -> bool:
        return self.old.points != self.new.points

    @property
    def renamed(self) -> bool:
        return self.old.name != self.new.name or self.old.name_en != self.new.name_en

    @property
    def method_changed(self) -> bool:
        return _method(self.old) != _method(self.new)

    @property
    def difference(self) -> Decimal:
        """New points minus old points (0, never -0, when they are the same)."""
        return unsigned(difference(self.new.points, self.old.points))


@dataclass(frozen=True, eq=False)
class RulesetDiff:
    """Everything that differs between two versions of a ruleset (see :func:`compare`)."""

    old: Ruleset
    new: Ruleset
    settings: tuple[Change, ...] = ()
    added: tuple[Indicator, ...] = ()
    removed: tuple[Indicator, ...] = ()
    pairs: tuple[IndicatorPair, ...] = ()
    inputs_added: tuple[str, ...] = ()
    inputs_removed: tuple[str, ...] = ()
    inputs_changed: tuple[NamedChange, ...] = ()
    derived_added: tuple[str, ...] = ()
    derived_removed: tuple[str, ...] = ()
    derived_changed: tuple[NamedChange, ...] = ()
    scales_added: tuple[str, ...] = ()
    scales_removed: tuple[str, ...] = ()
    scales_changed: tuple[NamedChange, ...] = ()
    rules_added: tuple[GroupRule, ...] = ()  # rules on groups and the total, matched by key path (rules.0)
    rules_removed: tuple[GroupRule, ...] = ()
    rules_changed: tuple[tuple[GroupRule, GroupRule], ...] = ()

    @property
    def moved(self) -> tuple[IndicatorPair, ...]:
        return tuple(pair for pair in self.pairs if pair.moved)

    @property
    def reweighted(self) -> tuple[IndicatorPair, ...]:
        return tuple(pair for pair in self.pairs if pair.reweighted)

    @property
    def renamed(self) -> tuple[IndicatorPair, ...]:
        return tuple(pair for pair in self.pairs if pair.renamed)

    @property
    def method_changed(self) -> tuple[IndicatorPair, ...]:
        return tuple(pair for pair in self.pairs if pair.method_changed)

    @property
    def parameters_changed(self) -> tuple[IndicatorPair, ...]:
        return tuple(pair for pair in self.pairs if pair.parameters)

    @property
    def changed(self) -> bool:
        """Whether anything at all differs (a new version number alone counts)."""
        kinds = (
            self.settings,
            self.added,
            self.removed,
            self.inputs_added,
            self.inputs_removed,
            self.inputs_changed,
            self.derived_added,
            self.derived_removed,
            self.derived_changed,
            self.scales_added,
            self.scales_removed,
            self.scales_changed,
            self.rules_added,
            self.rules_removed,
            self.rules_changed,
        )
        return any(kinds) or any(
            p.moved or p.reweighted or p.renamed or p.method_changed or p.parameters for p in self.pairs
        )

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain data; decimals as strings."""
        return {
            "old": _identity(self.old),
            "new": _identity(self.new),
            "changed": self.changed,
            "settings": [change.to_dict() for change in self.settings],
            "indicators": {
                "added": [_indicator(node) for node in self.added],
                "removed": [_indicator(node) for node in self.removed],
                "moved": [{"old_id": p.old.id, "new_id": p.new.id, "name": p.new.name} for p in self.moved],
                "reweighted": [
                    {
                        "id": p.id,
                        "name": p.new.name,
                        "name_en": p.new.name_en,
                        "old": str(p.old.points),
                        "new": str(p.new.points),
                        "difference": str(p.difference),
                    }
                    for p in self.reweighted
                ],
                "renamed": [
                    {"id": p.id, "old": p.old.name, "new": p.new.name, "old_en": p.old.name_en, "new_en": p.new.name_en}
                    for p in self.renamed
                ],
                "method_changed": [
                    {"id": p.id, "name": p.new.name, "old": _method(p.old), "new": _method(p.new)}
                    for p in self.method_changed
                ],
                "parameters_changed": [
                    {"id": p.id, "name": p.new.name, "changes": [c.to_dict() for c in p.parameters]}
                    for p in self.parameters_changed
                ],
            },
            "inputs": {
                "added": [{"name": name, **_json(self.new.inputs[name])} for name in self.inputs_added],
                "removed": [{"name": name, **_json(self.old.inputs[name])} for name in self.inputs_removed],
                "changed": [change.to_dict() for change in self.inputs_changed],
            },
            "derived": {
                "added": [{"name": name, "formula": _formula(self.new, name)} for name in self.derived_added],
                "removed": [{"name": name, "formula": _formula(self.old, name)} for name in self.derived_removed],
                "changed": [change.to_dict() for change in self.derived_changed],
            },
            "scales": {
                "added": [{"name": name, **_json(self.new.scales[name])} for name in self.scales_added],
                "removed": [{"name": name, **_json(self.old.scales[name])} for name in self.scales_removed],
                "changed": [change.to_dict() for change in self.scales_changed],
            },
            "rules": {
                "added": [_rule(rule) for rule in self.rules_added],
                "removed": [_rule(rule) for rule in self.rules_removed],
                "changed": [{"id": new.id, "old": _rule(old), "new": _rule(new)} for old, new in self.rules_changed],
            },
        }


def compare(old: Ruleset, new: Ruleset) -> RulesetDiff:
    """What differs between ``old`` and ``new``: settings, indicators, inputs, derived values, scales."""
    old_nodes = {node.id: node for node in old.indicators()}
    new_nodes = {node.id: node for node in new.indicators()}
    matched = {node_id: old_nodes[node_id] for node_id in new_nodes if node_id in old_nodes}
    matched.update(_moved(old_nodes, new_nodes, matched))
    pairs = tuple(
        IndicatorPair(matched[node_id], node, _parameter_changes(matched[node_id].spec, node.spec))
        for node_id, node in new_nodes.items()
        if node_id in matched
    )
    gone = {pair.old.id for pair in pairs}
    derived_old = {d.name: d.spec for d in old.derived}
    derived_new = {d.name: d.spec for d in new.derived}
    return RulesetDiff(
        old,
        new,
        settings=_settings(old, new),
        added=tuple(node for node_id, node in new_nodes.items() if node_id not in matched),
        removed=tuple(node for node_id, node in old_nodes.items() if node_id not in gone),
        pairs=pairs,
        inputs_added=_only_in(new.inputs, old.inputs),
        inputs_removed=_only_in(old.inputs, new.inputs),
        inputs_changed=_named_changes(old.inputs, new.inputs, lambda spec: _fields(spec, INPUT_KEYS)),
        derived_added=_only_in(derived_new, derived_old),
        derived_removed=_only_in(derived_old, derived_new),
        derived_changed=_named_changes(derived_old, derived_new, lambda spec: _fields(spec, DERIVED_KEYS)),
        scales_added=_only_in(new.scales, old.scales),
        scales_removed=_only_in(old.scales, new.scales),
        scales_changed=_named_changes(old.scales, new.scales, _scale_fields),
        **_rule_changes(old, new),
    )


def _rule_changes(old: Ruleset, new: Ruleset) -> dict[str, Any]:
    """The rules on groups and the total, matched by key path: added, removed, and changed (another
    kind, condition or value; its reason is wording)."""
    before = {rule.id: rule for rule in old.rules()}
    after = {rule.id: rule for rule in new.rules()}
    return {
        "rules_added": tuple(rule for key, rule in after.items() if key not in before),
        "rules_removed": tuple(rule for key, rule in before.items() if key not in after),
        "rules_changed": tuple(
            (before[key], rule) for key, rule in after.items() if key in before and _rule(before[key]) != _rule(rule)
        ),
    }


def _rule(rule: GroupRule) -> dict[str, Any]:
    """A rule as plain data: its id, the node it acts on, its kind and its keys (but its reason)."""
    keys = rule.spec.model_dump(exclude_none=True, exclude={"reason", "reason_en"})
    return {"id": rule.id, "node": rule.node, **{key: _json(value) for key, value in keys.items()}}


def _rule_line(verb: str, rule: GroupRule, lang: str) -> str:
    """``新增 [rules.0] 总分：封顶（当 … 时至多 89 分）``."""
    words = in_lang(WORDS, lang)
    said = f"{rule.kind.title(lang)}{words['kind'].format(kind=rule.kind.describe(rule, lang))}"
    return f"{words[verb]} [{rule.id}] {rule.label(lang)}{words['colon']}{said}"


def _moved(
    old: Mapping[str, Indicator], new: Mapping[str, Indicator], matched: Mapping[str, Indicator]
) -> dict[str, Indicator]:
    """Indicators found under another id: the same name, once among the unmatched of each version."""
    taken = {node.id for node in matched.values()}
    left = [node for node_id, node in old.items() if node_id not in taken]
    right = [node for node_id, node in new.items() if node_id not in matched]
    pairs = {}
    for node in right:
        before = [other for other in left if other.name == node.name]
        after = [other for other in right if other.name == node.name]
        if len(before) == 1 and len(after) == 1 and before[0].is_leaf == node.is_leaf:
            pairs[node.id] = before[0]
    return pairs


def _settings(old: Ruleset, new: Ruleset) -> tuple[Change, ...]:
    def values(ruleset: Ruleset) -> dict[str, Any]:
        meta = ruleset.meta
        return {
            "id": meta.id,
            "title": meta.title,
            "version": meta.version,
            "total": meta.total,
            "rounding.places": meta.rounding.places,
            "rounding.mode": meta.rounding.mode,
            "rounding.stage": meta.rounding.stage,
            "grades": meta.grades,
            "missing": meta.missing,
        }

    return _changes(values(old), values(new)) + _policy_changes(old.table_policy, new.table_policy)


def _policy_changes(old: TablePolicy | None, new: TablePolicy | None) -> tuple[Change, ...]:
    """The ``[tables]`` policy key by key, or as a whole when only one version has one."""
    if old is None or new is None:
        return () if old is new else (Change("tables", old, new),)
    keys = type(old).model_fields
    return _changes(
        {f"tables.{key}": getattr(old, key) for key in keys}, {f"tables.{key}": getattr(new, key) for key in keys}
    )


def _parameter_changes(old: Any, new: Any) -> tuple[Change, ...]:
    """A leaf's scoring parameters that differ; a key only one method has counts when it is set."""

    def parameters(spec: Any) -> dict[str, Any]:
        keys = [key for key in type(spec).model_fields if key not in NOT_PARAMETERS]
        return {key: getattr(spec, key) for key in keys}

    before, after = parameters(old), parameters(new)
    if type(old) is not type(new):  # another method: its defaults are not changes anyone made
        before = {key: value for key, value in before.items() if key in old.model_fields_set}
        after = {key: value for key, value in after.items() if key in new.model_fields_set}
    return _changes(before, after)


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[Change, ...]:
    """The keys whose values differ, in order (``before``'s keys first); lists item by item."""
    changes: list[Change] = []
    for key in [*before, *(key for key in after if key not in before)]:
        old, new = before.get(key), after.get(key)
        if _same(old, new):
            continue
        if key in LISTS and isinstance(old, list | tuple) and isinstance(new, list | tuple) and len(old) == len(new):
            changes += [
                Change(key, a, b, index) for index, (a, b) in enumerate(zip(old, new, strict=True)) if not _same(a, b)
            ]
        else:
            changes.append(Change(key, old, new))
    return tuple(changes)


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return " ".join(old.split()) == " ".join(new.split())  # formulas: spacing is not a change
    if isinstance(old, Tier) and isinstance(new, Tier):
        return _tier_key(old) == _tier_key(new)
    if isinstance(old, list | tuple) and isinstance(new, list | tuple):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new, strict=True))
    return bool(type(old) is type(new) and old == new)


def _tier_key(tier: Tier) -> tuple[Any, ...]:
    """What of a tier decides scores (aliases and English names only change what is accepted or shown)."""
    return tier.name, tier.min, tier.max, tier.max_inclusive, tier.default


def _fields(spec: BaseModel, keys: Sequence[str]) -> dict[str, Any]:
    return {key: getattr(spec, key) for key in keys}


def _scale_fields(scale: Scale) -> dict[str, Any]:
    return {"tiers": scale.tiers}


def _only_in(these: Mapping[str, Any], those: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(name for name in these if name not in those)


def _named_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], fields: Callable[[Any], dict[str, Any]]
) -> tuple[NamedChange, ...]:
    found = ((name, _changes(fields(old[name]), fields(spec))) for name, spec in new.items() if name in old)
    return tuple(NamedChange(name, changes) for name, changes in found if changes)


def _method(node: Indicator) -> str | None:
    """The method's name, or ``None`` for a group."""
    return node.method.name if node.method is not None else None


# --- how units' scores move ---------------------------------------------------------------


@dataclass(frozen=True)
class LeafMovement:
    """A leaf whose score differs between the versions; ``None`` where the version has no such leaf."""

    id: str
    name: str
    name_en: str | None
    old: Decimal | None
    new: Decimal | None

    @property
    def difference(self) -> Decimal:
        """New score minus old, a missing leaf counting as 0 (0, never -0, when they are the same)."""
        zero = Decimal(0)
        return unsigned(difference(zero if self.new is None else self.new, zero if self.old is None else self.old))

    def label(self, lang: str) -> str:
        name = self.name_en or self.name if lang == "en" else self.name
        return f"{name} [{self.id}]"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "name_en": self.name_en,
            "old": _json(self.old),
            "new": _json(self.new),
            "difference": str(self.difference),
        }


Outcome = ScoreResult | UnitError


@dataclass(frozen=True, eq=False)
class UnitMovement:
    """One unit scored under both versions: each outcome (a result or an error) and the leaves that moved."""

    unit: Unit
    old: Outcome
    new: Outcome
    leaves: tuple[LeafMovement, ...] = ()

    @property
    def label(self) -> str:
        return self.unit.source or self.unit.id

    @property
    def old_total(self) -> Decimal | None:
        return self.old.total if isinstance(self.old, ScoreResult) else None

    @property
    def new_total(self) -> Decimal | None:
        return self.new.total if isinstance(self.new, ScoreResult) else None

    @property
    def difference(self) -> Decimal | None:
        """New total minus old, when the unit was scored under both."""
        if self.old_total is None or self.new_total is None:
            return None
        return unsigned(difference(self.new_total, self.old_total))

    @property
    def errors(self) -> tuple[tuple[str, UnitError], ...]:
        """``("old" | "new", error)`` for each version the unit could not be scored under."""
        return tuple(
            (side, outcome)
            for side, outcome in (("old", self.old), ("new", self.new))
            if isinstance(outcome, UnitError)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit.id,
            "name": self.unit.name,
            "source": self.unit.source,
            "old": _outcome(self.old),
            "new": _outcome(self.new),
            "difference": _json(self.difference),
            "leaves": [leaf.to_dict() for leaf in self.leaves],
        }


def movements(old: Ruleset, new: Ruleset, units: Sequence[Unit]) -> list[UnitMovement]:
    """Score every unit under both versions; a unit that fails under one gets its error, the rest go on."""
    pairs = {pair.old.id: pair.new for pair in compare(old, new).pairs if pair.old.is_leaf and pair.new.is_leaf}
    before, after = old.score_many(units).outcomes, new.score_many(units).outcomes
    return [
        UnitMovement(
            unit,
            a,
            b,
            _leaf_movements(a, b, pairs) if isinstance(a, ScoreResult) and isinstance(b, ScoreResult) else (),
        )
        for unit, a, b in zip(units, before, after, strict=True)
    ]


def _leaf_movements(old: ScoreResult, new: ScoreResult, pairs: Mapping[str, Indicator]) -> tuple[LeafMovement, ...]:
    """Leaves whose score differs, in the old version's order, then the new version's added leaves."""
    scores = {item.id: item.score for item in new.items}
    moved: list[LeafMovement] = []
    for item in old.items:
        twin = pairs.get(item.id)
        if twin is None:
            moved.append(LeafMovement(item.id, item.name, item.name_en, item.score, None))
        elif scores[twin.id] != item.score:
            moved.append(LeafMovement(twin.id, twin.name, twin.name_en, item.score, scores[twin.id]))
    known = {twin.id for twin in pairs.values()}
    moved += [LeafMovement(i.id, i.name, i.name_en, None, i.score) for i in new.items if i.id not in known]
    # each rule on a group or the total whose change to the unit differs (a cap that now binds, a veto)
    changes_old = {a.id: a for a in old.adjustments}
    changes_new = {a.id: a for a in new.adjustments}
    for key in [*changes_old, *(key for key in changes_new if key not in changes_old)]:
        a, b = changes_old.get(key), changes_new.get(key)
        if a is None or b is None or a.change != b.change:
            either = b or a
            assert either is not None
            change_a, change_b = (None if a is None else a.change), (None if b is None else b.change)
            moved.append(LeafMovement(key, either.name, either.name_en, change_a, change_b))
    return tuple(moved)


def _outcome(outcome: Outcome) -> dict[str, Any]:
    if isinstance(outcome, UnitError):
        return {"error": outcome.kind, "message": str(outcome.error)}
    return {"total": str(outcome.total), "grade": {"name": outcome.grade.name, "name_en": outcome.grade.name_en}}


# --- showing values -----------------------------------------------------------------------

WORDS = words(
    "diff",
    {
        "title": ("规则版本对比", "Comparing ruleset versions"),
        "old": ("旧版", "Old"),
        "new": ("新版", "New"),
        "unchanged": ("计分规则没有变化。", "The scoring rules have not changed."),
        "settings": ("规则信息变化", "Ruleset settings changed"),
        "removed": ("删除指标", "Indicators removed"),
        "added": ("新增指标", "Indicators added"),
        "moved": ("位置变动", "Indicators moved"),
        "reweighted": ("分值调整", "Points changed"),
        "renamed": ("名称变更", "Indicators renamed"),
        "method": ("计分方法变更", "Scoring method changed"),
        "parameters": ("计分参数变更", "Scoring parameters changed"),
        "inputs": ("输入数据变化", "Inputs changed"),
        "derived": ("计算值变化", "Derived values changed"),
        "scales": ("评定档次变化", "Rating scales changed"),
        "rules": ("指标组和总分上的规则变化", "Rules on groups and the total changed"),
        "units": ("单位得分变化", "Unit scores"),
        "failed": ("无法评分的单位", "Units that could not be scored"),
        "indicator": ("指标", "Indicator"),
        "old_points": ("旧分值", "Old"),
        "new_points": ("新分值", "New"),
        "difference": ("差", "Change"),
        "unit": ("单位", "Unit"),
        "old_total": ("旧总分", "Old total"),
        "new_total": ("新总分", "New total"),
        "old_grade": ("旧等级", "Old grade"),
        "new_grade": ("新等级", "New grade"),
        "error": ("错误", "error"),
        "add": ("新增", "added"),
        "remove": ("删除", "removed"),
        "change": ("修改", "changed"),
        "points": ("{points} 分", "{points} points"),
        "colon": ("：", ": "),
        "list": ("；", "; "),
        "comma": ("，", ", "),
        "kind": ("（{kind}）", " ({kind})"),
        "tier": ("{name} [{low}, {high}{bracket}，默认 {default}", "{name} [{low}, {high}{bracket}, default {default}"),
        "under": ("（{side}）", " (under the {side} version)"),
        "old_side": ("旧版", "old"),
        "new_side": ("新版", "new"),
        "yes": ("是", "yes"),
        "group": ("指标组", "group"),
        "no": ("否", "no"),
    },
)  # fmt: skip

#: What a key is called in Chinese (English shows the key as written in the ruleset); a method's own
#: keys are named by the method (``Method.key_names``).
KEY_NAMES = {
    "type": "类型", "unit": "单位", "min": "最小值", "max": "最大值",
    "required": "必填", "default": "默认值", "scale": "评定档次表", "percent": "按百分比显示", "formula": "公式",
    "tiers": "档次", "id": "规则编号", "title": "名称", "version": "版本", "total": "总分",
    "rounding.places": "保留小数位数", "rounding.mode": "舍入方式", "rounding.stage": "舍入时点",
    "grades": "等级划分", "missing": "缺失数据处理", "fallback": "除以零时的替代值",
}  # fmt: skip
ITEM_NAMES = {"bands": ("分档（第 {n} 档）", "band {n}"), "tiers": ("档次（第 {n} 档）", "tier {n}")}


def _method_title(node: Indicator, lang: str) -> str:
    return node.method.title(lang) if node.method is not None else WORDS["group"](lang)


def show(value: Any, lang: str = "zh") -> str:
    """A value from a ruleset as a reader sees it: ``—`` when not set, bands and grades in words."""
    words = in_lang(WORDS, lang)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return words["yes"] if value else words["no"]
    if isinstance(value, Decimal):
        return plain(value)
    for method in METHODS.values():  # a method's own parameters (a band, an over_target rule) in its words
        said = method.show(value, lang)
        if said is not None:
            return said
    if isinstance(value, Tier):
        return words["tier"].format(
            name=value.name if lang == "zh" else value.name_en,
            low=f"{plain(CONTEXT.multiply(value.min, 100))}%",
            high=f"{plain(CONTEXT.multiply(value.max, 100))}%",
            bracket="]" if value.max_inclusive else ")",
            default="—" if value.default is None else f"{plain(CONTEXT.multiply(value.default, 100))}%",
        )
    if isinstance(value, Grade):
        return f"{value.name if lang == 'zh' else value.name_en} ≥ {plain(value.min)}"
    if isinstance(value, list | tuple):
        return words["list"].join(show(item, lang) for item in value) if value else "—"
    if isinstance(value, BaseModel):  # e.g. a whole [tables] policy: the keys it sets
        return ", ".join(f"{key} = {show(getattr(value, key), lang)}" for key in sorted(value.model_fields_set)) or "{}"
    if isinstance(value, Mapping):
        return ", ".join(f"{key} = {show(item, lang)}" for key, item in value.items()) or "{}"
    return str(value)


def key_name(change: Change, lang: str, *methods: Method | None) -> str:
    """What a changed key is called: ``目标值`` / ``target``; ``分档（第 2 档）`` / ``band 2``."""
    if change.index is not None and change.key in ITEM_NAMES:
        zh, en = ITEM_NAMES[change.key]
        return (zh if lang == "zh" else en).format(n=change.index + 1)
    if lang == "en":
        return change.key
    if change.key == "tables" or change.key.startswith("tables."):  # the [tables] policy for filled 自评表
        return " ".join(["自评表计分规则", *change.key.split(".")[1:]])
    for method in methods:  # an indicator's parameter is named by its method (the new one, then the old)
        if method is not None and change.key in method.key_names:
            return method.key_names[change.key](lang)
    return KEY_NAMES.get(change.key, change.key)


def signed(value: Decimal) -> str:
    """A difference with its sign: ``+5``, ``−2.83`` (a true minus sign), ``0.00`` (no sign, even for the
    negative zero of -0.00 − 0.00)."""
    if value > 0:
        return f"+{value}"
    if value < 0:
        return f"−{value.copy_negate()}"  # exact: unary minus would round in the caller's context
    return str(unsigned(value))


def _score(value: Decimal | None) -> str:
    """A score as the ruleset rounded it (``5.00``), or ``—`` where the version has no such leaf."""
    return "—" if value is None else str(unsigned(value))


def _json(value: Any) -> Any:
    """A value of a ruleset as JSON holds it: models as tables of all their keys, the rest as plain data."""
    if isinstance(value, BaseModel):
        return {key: _json(getattr(value, key)) for key in type(value).model_fields}
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    return plain_data(value)


def _identity(ruleset: Ruleset) -> dict[str, Any]:
    return {"id": ruleset.id, "version": ruleset.version, "title": ruleset.title, "source": ruleset.source}


def _indicator(node: Indicator) -> dict[str, Any]:
    return {
        "id": node.id,
        "name": node.name,
        "name_en": node.name_en,
        "points": str(node.points),
        "method": _method(node),
    }


def _formula(ruleset: Ruleset, name: str) -> str:
    return next(d.expression.text for d in ruleset.derived if d.name == name)


# --- the report, as sections ---------------------------------------------------------------


Item = tuple[str, list[str]]  # a line of a section and the lines under it


@dataclass
class _Table:
    head: tuple[str, ...]
    right: tuple[bool, ...]  # which columns are numbers (right-aligned)
    rows: list[tuple[str, ...]] = field(default_factory=list)
    strong: set[int] = field(default_factory=set)  # rows that head a group (a unit)


@dataclass
class _Section:
    heading: str
    items: list[Item] = field(default_factory=list)
    table: _Table | None = None


def _title(ruleset: Ruleset, lang: str) -> str:
    title = ruleset.meta.title_en if lang == "en" and ruleset.meta.title_en else ruleset.title
    return f"{title} ({ruleset.id} {ruleset.version})"


def _label(node: Indicator, lang: str) -> str:
    return f"{node.label(lang)} [{node.id}]"


def _changed_line(change: Change, lang: str, *methods: Method | None) -> str:
    name = key_name(change, lang, *methods)
    return f"{name}{WORDS['colon'](lang)}{show(change.old, lang)} → {show(change.new, lang)}"


def _sections(diff: RulesetDiff, moves: Sequence[UnitMovement], lang: str) -> list[_Section]:
    """The report's sections in reading order, each only when it has something to say."""
    words = in_lang(WORDS, lang)
    colon = words["colon"]

    def summary(node: Indicator) -> Item:
        worth = words["points"].format(points=plain(node.points))
        return f"{_label(node, lang)}{colon}{worth}{words['comma']}{_method_title(node, lang)}", []

    def renaming(pair: IndicatorPair) -> Item:
        zh, en = (pair.old.name, pair.new.name), (pair.old.label("en"), pair.new.label("en"))
        own, other = (zh, en) if lang == "zh" else (en, zh)
        old, new = own if own[0] != own[1] else other  # only the other language's name changed
        return f"[{pair.id}] {old} → {new}", []

    def method(pair: IndicatorPair) -> Item:
        return f"{_label(pair.new, lang)}{colon}{_method_title(pair.old, lang)} → {_method_title(pair.new, lang)}", []

    def changed(name: str, changes: Sequence[Change], *methods: Method | None) -> Item:
        return name, [_changed_line(change, lang, *methods) for change in changes]

    def input_line(verb: str, ruleset: Ruleset, name: str) -> Item:
        spec = ruleset.inputs[name]
        label = spec.label_en if lang == "en" and spec.label_en else spec.label
        return f"{words[verb]} {name}{colon}{label}{words['kind'].format(kind=spec.type)}", []

    def derived_line(verb: str, ruleset: Ruleset, name: str) -> Item:
        return f"{words[verb]} {name} = {_formula(ruleset, name)}", []

    def named(found: Sequence[NamedChange]) -> list[Item]:
        return [changed(f"{words['change']} {change.name}", change.changes) for change in found]

    listed: list[tuple[str, list[Item]]] = [
        ("settings", [(_changed_line(change, lang), []) for change in diff.settings]),
        ("removed", [summary(node) for node in diff.removed]),
        ("added", [summary(node) for node in diff.added]),
        ("moved", [(f"{p.new.label(lang)}{colon}[{p.old.id}] → [{p.new.id}]", []) for p in diff.moved]),
        ("reweighted", []),  # a table, below
        ("renamed", [renaming(pair) for pair in diff.renamed]),
        ("method", [method(pair) for pair in diff.method_changed]),
        (
            "parameters",
            [changed(_label(p.new, lang), p.parameters, p.new.method, p.old.method) for p in diff.parameters_changed],
        ),
        (
            "inputs",
            [input_line("remove", diff.old, name) for name in diff.inputs_removed]
            + [input_line("add", diff.new, name) for name in diff.inputs_added]
            + named(diff.inputs_changed),
        ),
        (
            "derived",
            [derived_line("remove", diff.old, name) for name in diff.derived_removed]
            + [derived_line("add", diff.new, name) for name in diff.derived_added]
            + named(diff.derived_changed),
        ),
        (
            "scales",
            [(f"{words['remove']} {name}", []) for name in diff.scales_removed]
            + [
                (f"{words['add']} {name}{colon}{show(diff.new.scales[name].tiers, lang)}", [])
                for name in diff.scales_added
            ]
            + named(diff.scales_changed),
        ),
        (
            "rules",
            [(_rule_line("remove", rule, lang), []) for rule in diff.rules_removed]
            + [(_rule_line("add", rule, lang), []) for rule in diff.rules_added]
            + [
                (_rule_line("change", new, lang), [f"{_rule_line('old_side', old, lang)}"])
                for old, new in diff.rules_changed
            ],
        ),
    ]
    sections = []
    for key, items in listed:
        if key == "reweighted" and diff.reweighted:
            head = (words["indicator"], words["old_points"], words["new_points"], words["difference"])
            rows: list[tuple[str, ...]] = [(_label(p.new, lang), plain(p.old.points), plain(p.new.points), signed(p.difference))
                    for p in diff.reweighted]  # fmt: skip
            sections.append(_Section(words[key], table=_Table(head, (False, True, True, True), rows)))
        elif items:
            sections.append(_Section(words[key], items))
    if moves:
        sections += _unit_sections(moves, lang)
    return sections


def _unit_sections(moves: Sequence[UnitMovement], lang: str) -> list[_Section]:
    words = in_lang(WORDS, lang)
    head = (
        words["unit"],
        words["old_total"],
        words["new_total"],
        words["difference"],
        words["old_grade"],
        words["new_grade"],
    )
    table = _Table(head, (False, True, True, True, False, False))

    def total(outcome: Outcome) -> tuple[str, str]:
        if isinstance(outcome, UnitError):
            return words["error"], ""
        return str(outcome.total), outcome.grade.name if lang == "zh" else outcome.grade.name_en

    for move in moves:
        (old_total, old_grade), (new_total, new_grade) = total(move.old), total(move.new)
        difference = "" if move.difference is None else signed(move.difference)
        table.strong.add(len(table.rows))
        table.rows.append((move.label, old_total, new_total, difference, old_grade, new_grade))
        table.rows += [
            ("  " + leaf.label(lang), _score(leaf.old), _score(leaf.new), signed(leaf.difference), "", "")
            for leaf in move.leaves
        ]
    sections = [_Section(words["units"], table=table)]
    failed = [
        (f"{move.label}{words['under'].format(side=words[f'{side}_side'])}", str(error.error).splitlines())
        for move in moves
        for side, error in move.errors
    ]
    if failed:
        sections.append(_Section(words["failed"], failed))
    return sections


# --- renderers ----------------------------------------------------------------------------


def _head(diff: RulesetDiff, lang: str) -> list[str]:
    words = in_lang(WORDS, lang)
    colon = ": "
    return [f"{words['old']}{colon}{_title(diff.old, lang)}", f"{words['new']}{colon}{_title(diff.new, lang)}"]


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(0, width - columns(text))
    return space + text if right else text + space


def render_text(diff: RulesetDiff, moves: Sequence[UnitMovement], lang: str = "zh") -> str:
    """The comparison for a terminal: one section per kind of change, tables aligned in Chinese columns.
    Every line and every cell passes the terminal gate (names, formulas and values come from the rulesets)."""
    lines = [WORDS["title"](lang), *(f"  {for_terminal(line)}" for line in _head(diff, lang))]
    if not diff.changed:
        lines += ["", WORDS["unchanged"](lang)]
    for section in _sections(diff, moves, lang):
        lines += ["", section.heading]
        for text, under in section.items:
            lines += [f"  {for_terminal(text)}", *(f"    {for_terminal(line)}" for line in under)]
        if section.table is not None:
            table = section.table
            rows = [tuple(map(for_terminal, row)) for row in [table.head, *table.rows]]
            widths = [max(columns(row[i]) for row in rows) for i in range(len(table.head))]
            for row in rows:
                cells = [_pad(cell, widths[i], table.right[i]) for i, cell in enumerate(row)]
                lines.append(("  " + "  ".join(cells)).rstrip())
    return "\n".join(lines) + "\n"


def render_markdown(diff: RulesetDiff, moves: Sequence[UnitMovement], lang: str = "zh") -> str:
    """The same comparison as Markdown: a heading per kind of change, lists and tables; every item and
    cell passes the Markdown gate."""
    lines = [f"# {WORDS['title'](lang)}", "", *(f"- {for_markdown(line)}" for line in _head(diff, lang))]
    if not diff.changed:
        lines += ["", WORDS["unchanged"](lang)]
    for section in _sections(diff, moves, lang):
        lines += ["", f"## {section.heading}", ""]
        for text, under in section.items:
            lines += [f"- {for_markdown(text)}", *(f"  - {for_markdown(line.strip())}" for line in under)]
        if section.table is not None:
            table = section.table
            lines.append("| " + " | ".join(table.head) + " |")
            lines.append("|" + "|".join("---:" if right else "---" for right in table.right) + "|")
            for index, row in enumerate(table.rows):
                first = for_markdown(row[0].strip())
                if index in table.strong:
                    first = f"**{first}**"
                elif row[0].startswith("  "):
                    first = "\u2003" + first
                lines.append("| " + " | ".join([first, *(for_markdown(cell) for cell in row[1:])]) + " |")
    return "\n".join(lines) + "\n"


def render_json(diff: RulesetDiff, moves: Sequence[UnitMovement], lang: str = "zh") -> str:
    """Everything as one JSON document; decimals as strings. Names come in both languages."""
    document = diff.to_dict()
    document["units"] = [move.to_dict() for move in moves]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[RulesetDiff, Sequence[UnitMovement], str], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}


@pinned
def render_diff(diff: RulesetDiff, moves: Sequence[UnitMovement] = (), fmt: str = "text", lang: str = "zh") -> str:
    """The comparison as ``text``, ``markdown`` or ``json``, in ``zh`` (default) or ``en``."""
    if fmt not in RENDERERS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return RENDERERS[fmt](diff, moves, check_lang(lang))
