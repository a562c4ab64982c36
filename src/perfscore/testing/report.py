"""What a property check found: each failure with its counterexample, and the report for a ruleset."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ..messages import Text, chosen_lang, words
from ..ruleset import Indicator
from ..text import for_terminal, plain_data
from ._words import check_lang, say, value_text

PROPERTIES: Mapping[str, Text] = words(
    "testing.properties",
    {
        "own-errors": ("评分只抛出 perfscore 自己的错误（DataError、ScoringError）",
                       "scoring raises only perfscore's own errors (DataError, ScoringError)"),
        "leaf-within-points": ("每个指标的得分在 0 与其分值之间", "every indicator scores between 0 and its points"),
        "formula-within-points": ("公式法指标的公式结果本身就在 0 与分值之间，无需截断",
                                  "a formula indicator's formula stays between 0 and its points without being cut"),
        "totals-add-up": ("小计和总分等于各项按舍入规则相加之和",
                          "subtotals and the total are the sums of their items under the rounding rule"),
        "total-within-points": ("总分在 0 与满分之间", "the total lies between 0 and the ruleset's total"),
        "full-marks": ("达到或超过每个目标的单位得满分", "a unit at or beyond every target gets full marks"),
        "monotone": ("改善一项输入不会降低任何指标的得分或总分",
                     "improving an input never lowers an indicator's score or the total"),
        "deterministic": ("同样的数据总是得到同样的结果", "the same data always gives the same result"),
        "key-order": ("结果与数据中键的顺序无关", "the result does not depend on the order of the data's keys"),
    },
)  # fmt: skip
"""Every property :func:`~perfscore.testing.check_properties` checks, in the order it checks them, with its promise."""

WORDS = words(
    "testing.report",
    {
        "property": ("✗ {name}（{promise}）", "✗ {name} ({promise})"),
        "indicator": ("  指标：{indicator}", "  indicator: {indicator}"),
        "rule": ("  规则：{rule}", "  rule: {rule}"),
        "data": ("  反例：{data}", "  counterexample: {data}"),
        "changed": ("  改变：{name}: {worse} → {better}", "  changed: {name}: {worse} → {better}"),
        "expected": ("  期望：{expected}", "  expected: {expected}"),
        "got": ("  实际：{got}", "  got: {got}"),
        "head": ("性质检查 {ruleset} {version}：{examples} 个样例，seed = {seed}：{verdict}",
                 "Property check of {ruleset} {version}: {examples} examples, seed = {seed}: {verdict}"),
        "all-passed": ("全部通过", "all passed"),
        "failed": ("{count} 项不通过", "{count} failed"),
        "and": ("、", ", "),
        "passed": ("通过：{names}", "passed: {names}"),
        "undetermined": ("以下指标无法构造达到目标的数据，未检查满分：",
                         "Full marks not checked for these indicators (no data at or beyond the target could be built):"),
        "undetermined-leaf": ("  {indicator} {name}：{reason}", "  {indicator} {name}: {reason}"),
        "directions": ("单调性按以下方向检查：{directions}", "monotone checked for: {directions}"),
        "direction": ("{name} {better}（{origin}）", "{name} {better} ({origin})"),
        "higher": ("越高越好", "better higher"),
        "lower": ("越低越好", "better lower"),
        "declared": ("声明", "declared"),
        "inferred": ("由比率指标推断", "inferred from ratio indicators"),
        "conflicts": ("以下输入的比率指标方向相反，未检查单调性（可用 better 声明方向）：{names}",
                      "Ratio indicators disagree on which way is better for {names}: monotone not checked (declare `better`)"),
        "unscored": ("{examples} 个样例中 {unscored} 个评分时出错（ScoringError，允许），例如：{error}",
                     "{unscored} of {examples} examples could not be scored (ScoringError, allowed), e.g.: {error}"),
        "refused": ("有效数据被拒绝（perfscore 或其测试工具的缺陷，请报告）：{error}",
                    "Valid data was refused (a bug in perfscore or its testing kit: please report it): {error}"),
    },
)  # fmt: skip


def rule_text(leaf: Indicator) -> str:
    """A leaf's method and the keys of its rule as the ruleset writes them (``ratio: actual = x, target = 5,
    direction = >=``); a list of rules (bands) is shown as ``bands: …; …``."""
    assert leaf.method is not None
    parts = []
    for key, value in leaf.method.rule(leaf).items():
        if isinstance(value, list):
            parts.append(f"{key}: {'; '.join(_rule_value(item) for item in value)}")
        else:
            parts.append(f"{key} = {_rule_value(value)}")
    return f"{leaf.method.name}: {', '.join(parts)}"


def _rule_value(value: Any) -> str:
    """A key's value as the ruleset writes it: words bare (``direction = <=``), tables as ``{key = value}``."""
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):  # a table of the method's own keys (over_target)
        value = {key: item for key, item in value.model_dump().items() if item is not None}
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key} = {_rule_value(item)}" for key, item in value.items()) + "}"
    return value_text(value)


@dataclass(frozen=True)
class PropertyFailure:
    """One property a ruleset broke, with the smallest data hypothesis found that shows it."""

    property: str
    data: Mapping[str, Any]
    message_zh: str
    message_en: str
    expected: str
    got: str
    indicator: str | None = None  # the indicator's id (a leaf or a group), None for the whole ruleset
    indicator_name: str | None = None
    rule: str | None = None  # the leaf's method and key parameters
    changed: tuple[str, Any, Any] | None = None  # monotone: the input, its worse value, its better value

    def message(self, lang: str = "zh") -> str:
        """The sentence saying what went wrong, in the bureau's terms."""
        check_lang(lang)
        return self.message_zh if lang == "zh" else self.message_en

    def render(self, lang: str = "zh") -> str:
        """The failure as lines of text: the property, the indicator, the rule, the counterexample (each
        line through the terminal gate: names, rules and values come from the ruleset and the data)."""
        check_lang(lang)
        lines = [say(WORDS["property"], name=self.property, promise=PROPERTIES[self.property])(lang)]
        if self.indicator is not None:
            lines.append(
                WORDS["indicator"](lang).format(indicator=f"{self.indicator} {self.indicator_name or ''}".rstrip())
            )
        if self.rule is not None:
            lines.append(WORDS["rule"](lang).format(rule=self.rule))
        data = ", ".join(f"{name} = {value_text(value)}" for name, value in self.data.items()) or "{}"
        lines.append(WORDS["data"](lang).format(data=data))
        if self.changed is not None:
            name, worse, better = self.changed
            lines.append(WORDS["changed"](lang).format(name=name, worse=value_text(worse), better=value_text(better)))
        lines.append(WORDS["expected"](lang).format(expected=self.expected))
        lines.append(WORDS["got"](lang).format(got=self.got))
        lines.append(f"  {self.message(lang)}")
        return "\n".join(map(for_terminal, lines))

    def to_dict(self) -> dict[str, Any]:
        """The failure as plain data: decimals and dates as strings, both sentences."""
        changed = None
        if self.changed is not None:
            name, worse, better = self.changed
            changed = {"input": name, "from": plain_data(worse), "to": plain_data(better)}
        return {
            "property": self.property,
            "indicator": None if self.indicator is None else {"id": self.indicator, "name": self.indicator_name},
            "rule": self.rule,
            "data": {name: plain_data(value) for name, value in self.data.items()},
            "changed": changed,
            "expected": self.expected,
            "got": self.got,
            "message": {"zh": self.message_zh, "en": self.message_en},
        }


@dataclass(frozen=True)
class Undetermined:
    """A leaf for which the kit could not build data at or beyond its target (full marks unchecked)."""

    indicator: str
    name: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class PropertyReport:
    """What :func:`~perfscore.testing.check_properties` found for one ruleset."""

    ruleset: str  # the ruleset's id
    version: str
    examples: int  # examples run (the most any one pass through the properties ran)
    seed: int
    properties: tuple[str, ...]  # the properties checked
    failures: tuple[PropertyFailure, ...]
    undetermined: tuple[Undetermined, ...] = ()
    directions: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # input → (better, declared/inferred)
    conflicts: tuple[str, ...] = ()  # inputs whose ratio indicators disagree on which way is better
    scoring_error: str | None = None  # the first ScoringError valid data met (allowed, but worth knowing)
    unscored: int = 0  # how many of the examples run met a ScoringError
    data_error: str | None = None  # valid data refused: a bug in perfscore or its testing kit

    @property
    def ok(self) -> bool:
        """Whether every property checked held."""
        return not self.failures

    def render(self, lang: str = "zh") -> str:
        """The report for people: a summary line, each failure, and what could not be checked."""
        check_lang(lang)

        def line(key: str, **fields: Any) -> str:
            return WORDS[key](lang).format(**fields)

        joined = WORDS["and"](lang).join
        verdict = line("all-passed") if self.ok else line("failed", count=len(self.failures))
        lines = [line("head", ruleset=for_terminal(self.ruleset), version=for_terminal(self.version),
                      examples=self.examples, seed=self.seed, verdict=verdict)]  # fmt: skip
        lines += [failure.render(lang) for failure in self.failures]
        failed = {failure.property for failure in self.failures}
        passed = [name for name in self.properties if name not in failed]
        if passed:
            lines.append(line("passed", names=joined(passed)))
        if self.undetermined:
            lines.append(line("undetermined"))
            for item in self.undetermined:
                reason = item.reason_zh if lang == "zh" else item.reason_en
                shown = {"indicator": item.indicator, "name": item.name, "reason": reason}
                lines.append(for_terminal(line("undetermined-leaf", **shown)))
        if self.directions:
            directions = [
                line("direction", name=name, better=WORDS[better](lang), origin=WORDS[origin](lang))
                for name, (better, origin) in self.directions.items()
            ]
            lines.append(for_terminal(line("directions", directions=joined(directions))))
        if self.conflicts:
            lines.append(for_terminal(line("conflicts", names=joined(self.conflicts))))
        if self.scoring_error is not None:
            error = self.scoring_error.replace("\n", "\n  ")
            lines.append(line("unscored", examples=self.examples, unscored=self.unscored, error=error))
        if self.data_error is not None:
            lines.append(line("refused", error=self.data_error.replace("\n", "\n  ")))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (JSON-ready)."""
        return {
            "ok": self.ok,
            "ruleset": {"id": self.ruleset, "version": self.version},
            "examples": self.examples,
            "seed": self.seed,
            "properties": list(self.properties),
            "failures": [failure.to_dict() for failure in self.failures],
            "undetermined": [
                {"id": item.indicator, "name": item.name, "reason": {"zh": item.reason_zh, "en": item.reason_en}}
                for item in self.undetermined
            ],
            "directions": {
                name: {"better": better, "from": origin} for name, (better, origin) in self.directions.items()
            },
            "conflicts": list(self.conflicts),
            "scoring_error": self.scoring_error,
            "unscored": self.unscored,
            "data_error": self.data_error,
        }


class ConsistencyError(AssertionError):
    """A ruleset broke a property :func:`~perfscore.testing.check_properties` checks; the message is the
    rendered report."""

    def __init__(self, report: PropertyReport, lang: str | None = None) -> None:
        self.report = report
        super().__init__(report.render(chosen_lang(lang)))
