"""A unit's values checked against the ruleset's declared inputs.

Each declared input becomes an :class:`InputCheck` at load: a converter to what formulas compute
with (Decimal, bool, date, text, or a rating's :class:`Rated` tier and score), its default, and
whether it may be left out. :func:`validate` gathers every problem with a unit's data before any
is reported, so a typing mistake in three cells gives three messages at once.

Each converter is the one statement of its input's rules. The compiled quick check (in
:func:`perfscore.compiler.build_quick`) calls the same converters and only skips them for a value
already in their output form (a finite Decimal within the bounds, or a whole number within them):
the tests hold that shortcut to the converters.

A missing value (``None``, NaN, ``pandas.NA``, ``NaT``: :func:`perfscore.reading.is_missing`) is
never converted: every converter refuses one, so the quick check leaves such a unit to
:func:`validate`, which applies the ruleset's missing-data policy (a default, an input not
required, or a "missing required input" problem).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from .errors import WORDS as ERRORS
from .errors import DataError, Location, Problem, Refusal, suggest
from .exact import CONTEXT
from .limits import DEFAULT_LIMITS, Limits
from .messages import Text, words
from .model import InputSpec, Scale, Tier
from .reading import WORDS as READING
from .reading import Unreadable, is_missing, read_bool, read_date, read_number, read_text
from .text import plain, shown

NUMERIC = ("number", "percent", "count")


class Rated(NamedTuple):
    """A rating input's value: the tier chosen and the score given inside it (None: the tier's default)."""

    tier: Tier
    given: Decimal | None

    def plain_data(self) -> dict[str, Any]:
        return {"tier": self.tier.name, "score": None if self.given is None else format(self.given, "f")}


@dataclass(frozen=True)
class InputCheck:
    """A declared input, ready to check one unit's value."""

    name: str
    spec: InputSpec
    required: bool
    convert: Callable[[Any], Any]  # the value as formulas compute with it; raises Unreadable
    default: Any = None
    tiers: Mapping[str, Rated] | None = None  # a rating's tier names → their value (the quick check's shortcut)
    # a rating's texts naming a tier → (the tier, the lowest and highest score it takes, whether the highest
    # is included): a {tier, score} table checked by the quick check (texts as the converter first looks them up)
    scored: Mapping[str, tuple[Tier, Decimal, Decimal, bool]] | None = None
    low: Decimal | None = None  # a number input's fixed bounds (counts: from 0)
    high: Decimal | None = None
    largest: Decimal | None = None  # a number input's values up to this size are never too large for ``convert``

    @property
    def bounded_by(self) -> tuple[tuple[str, str], ...]:
        """Bounds naming another input: ("max", "budget") for executed ≤ budget."""
        return tuple(
            (side, bound) for side, bound in (("min", self.spec.min), ("max", self.spec.max)) if isinstance(bound, str)
        )


WORDS = words(
    "inputs",
    {
        "default": ("默认值不符合输入的要求：{error}", "default does not fit the input: {error}"),
        "whole": ("应为整数，实际为 {value}", "expected a whole number, got {value}"),
        "at-least": ("应不小于 {limit}，实际为 {value}", "expected at least {limit}, got {value}"),
        "at-most": ("应不大于 {limit}，实际为 {value}", "expected at most {limit}, got {value}"),
        "tier-or-table": ("应为档次名称或 {{tier = …, score = …}}，实际为 {value}",
                          "expected a tier name or {{tier = …, score = …}}, got {value}"),
        "tiers": ("应为以下档次之一：{tiers}，实际为 {value}{hint}", "expected one of the tiers {tiers}, got {value}{hint}"),
        "no-default": ("档次 {tier} 没有默认得分：请写成 {{tier = …, score = …}}",
                       "the tier {tier} has no default score: give {{tier = …, score = …}}"),
        "outside": ("得分 {score} 不在档次 {tier} 的范围内（{worth} 分中的 [{low}, {high}{bracket}）",
                    "score {score} lies outside the tier {tier} ([{low}, {high}{bracket} of {worth} points)"),
        "values": ("此处应为输入值的表格，实际为 {kind}", "expected a table of input values, got {kind}"),
        "missing": ("缺少必填的输入（{label}）", "missing required input ({label})"),
        "labelled": ("{error}（{label}）", "{error} ({label})"),
        "unknown": ("规则中没有这个输入", "unknown input"),
        "cross-max": ("应不大于 {other}（{limit}），实际为 {value}（{label}）", "expected at most {other} ({limit}), got {value} ({label})"),
        "cross-min": ("应不小于 {other}（{limit}），实际为 {value}（{label}）", "expected at least {other} ({limit}), got {value} ({label})"),
    },
)  # fmt: skip


def input_check(
    name: str,
    spec: InputSpec,
    required: bool,
    scale: Scale | None,
    points: tuple[Decimal, ...],
    limits: Limits = DEFAULT_LIMITS,
) -> InputCheck:
    """Build the converter for ``spec``; raises ``ValueError`` if its default does not fit."""
    convert: Callable[[Any], Any]
    low = high = largest = None
    tiers: dict[str, Rated] | None = None
    scored = None
    if spec.type in NUMERIC:
        low = spec.min if isinstance(spec.min, Decimal) else (Decimal(0) if spec.type == "count" else None)
        high = spec.max if isinstance(spec.max, Decimal) else None
        convert = _number(spec, low, high, limits)
        largest = Decimal((0, (1,), limits.max_exponent))  # 10^max_exponent, built exactly (no context)
    elif spec.type == "bool":
        convert = read_bool
    elif spec.type == "text":
        convert = lambda value: read_text(value, limits)  # noqa: E731 - one line, named by its field
    elif spec.type == "date":
        convert = read_date
    else:
        assert scale is not None
        rating, scored = _rating(scale, points, limits)
        convert = rating
        tiers = {}
        for tier in scale.tiers:  # each tier's name as the converter reads it (it may be an earlier tier's alias)
            try:
                tiers[tier.name] = rating(tier.name)
            except Unreadable:  # the tier it names has no default score: a score must be given
                continue
    default = None
    if spec.default is not None:
        try:
            default = convert(spec.default)
        except Unreadable as error:
            raise Refusal(WORDS["default"].format(error=error.text)) from None
    return InputCheck(name, spec, required and default is None, convert, default, tiers, scored, low, high, largest)


def _number(spec: InputSpec, low: Decimal | None, high: Decimal | None, limits: Limits) -> Callable[[Any], Decimal]:
    """A number input's rules: any number or number text, whole for counts, within its fixed bounds
    (bounds naming another input are checked once every value is read)."""
    whole = spec.type == "count"
    percent = spec.type == "percent"
    suffixes = ("%",) if percent else ()
    hint = READING["hint-percent" if percent else "hint"]

    def check(value: Any) -> Decimal:
        number = read_number(value, suffixes=suffixes, hint=hint, limits=limits)
        if whole and number != number.to_integral_value():
            raise Unreadable(WORDS["whole"].format(value=shown(value if isinstance(value, str) else number)))
        if low is not None and number < low:
            raise Unreadable(WORDS["at-least"].format(limit=plain(low), value=shown(number)))
        if high is not None and number > high:
            raise Unreadable(WORDS["at-most"].format(limit=plain(high), value=shown(number)))
        return number

    return check


def _rating(
    scale: Scale, points: tuple[Decimal, ...], limits: Limits
) -> tuple[Callable[[Any], Rated], dict[str, tuple[Tier, Decimal, Decimal, bool]]]:
    """A rating input's converter, and what the quick check needs to take a ``{tier, score}`` table
    as the converter would: each text the converter looks up first, with its tier, the lowest and
    highest score the tier takes for every leaf's points, and whether the highest is included."""
    names = [tier.name for tier in scale.tiers]
    by_text = {}
    for tier in reversed(scale.tiers):  # the first tier listed wins a shared alias
        for text in (tier.name, tier.name_en, *tier.aliases):
            by_text[text.strip().casefold()] = tier
    bounds = {id(tier): [(CONTEXT.multiply(tier.min, worth), CONTEXT.multiply(tier.max, worth), worth)
                         for worth in points] for tier in scale.tiers}  # fmt: skip
    largest = Decimal((0, (1,), limits.max_exponent))
    scored = {}
    for text, tier in by_text.items():
        if bounds[id(tier)]:  # a score within every leaf's bounds of the tier (the converter's test, once)
            least = max(low for low, _, _ in bounds[id(tier)])
            most = min(high for _, high, _ in bounds[id(tier)])
            if most <= largest:  # (so that read_number takes any score within them as it is)
                scored[text] = (tier, least, most, tier.max_inclusive)

    def check(value: Any) -> Rated:
        text, score = value, None
        if type(value) is dict or isinstance(value, Mapping):
            if "tier" not in value or len(value) > (2 if "score" in value else 1):
                raise Unreadable(WORDS["tier-or-table"].format(value=shown(value)))
            text, score = value["tier"], value.get("score")
        if not isinstance(text, str):
            raise Unreadable(WORDS["tiers"].format(tiers=", ".join(names), value=shown(text), hint=""))
        tier = by_text.get(text) or by_text.get(text.strip().casefold())
        if tier is None:
            hint = suggest(text, names)
            mean = ERRORS["did-you-mean"].format(name=hint) if hint else ""
            raise Unreadable(WORDS["tiers"].format(tiers=", ".join(names), value=shown(text), hint=mean))
        if score is None:
            if tier.default is None:
                raise Unreadable(WORDS["no-default"].format(tier=tier.name))
            return _rated(tier, None)
        given = read_number(score, limits=limits)
        for low, high, worth in bounds[id(tier)]:
            if given < low or given > high or (given == high and not tier.max_inclusive):
                bracket = "]" if tier.max_inclusive else ")"
                raise Unreadable(
                    WORDS["outside"].format(
                        score=given,
                        tier=tier.name,
                        low=plain(low),
                        high=plain(high),
                        bracket=bracket,
                        worth=plain(worth),
                    )
                )
        return _rated(tier, given)

    return check, scored


def _rated(tier: Tier, given: Decimal | None) -> Rated:
    return tuple.__new__(Rated, (tier, given))  # as Rated(tier, given), without its slower constructor


def validate(
    checks: tuple[InputCheck, ...], values: Mapping[str, Any], source: str | None
) -> tuple[dict[str, Any], frozenset[str]]:
    """Converted values and the names left missing (allowed to be); DataError lists every problem."""
    if not isinstance(values, Mapping):
        message = WORDS["values"].format(kind=type(values).__name__)
        raise DataError([Problem(Location(source), message, code="not-a-unit")], source)
    env: dict[str, Any] = {}
    missing: set[str] = set()
    problems: list[Problem] = []
    supplied = 0
    for check in checks:
        value = values.get(check.name)
        if value is None or is_missing(value):
            if check.default is not None:
                env[check.name] = check.default
            elif check.required:
                label = check.spec.label
                problems.append(
                    Problem(Location(source, (check.name,)), WORDS["missing"].format(label=label), code="missing-input")
                )
            else:
                missing.add(check.name)
            continue
        supplied += 1
        try:
            env[check.name] = check.convert(value)
        except Unreadable as error:
            problems.append(
                Problem(
                    Location(source, (check.name,)),
                    WORDS["labelled"].format(error=error.text, label=check.spec.label),
                    code="invalid-input",
                )
            )
    for check in checks:
        for side, other in check.bounded_by:
            problem = _cross_bound(check, side, other, env)
            if problem:
                problems.append(Problem(Location(source, (check.name,)), problem, code="invalid-input"))
    if len(values) > supplied:
        known = {check.name for check in checks}
        for name in values:
            if name not in known:
                problems.append(
                    Problem(
                        Location(source, (str(name),)),
                        WORDS["unknown"],
                        suggest(str(name), known),
                        code="unknown-input",
                    )
                )
    if problems:
        raise DataError(problems, source)
    return env, frozenset(missing)


def _cross_bound(check: InputCheck, side: str, other: str, env: Mapping[str, Any]) -> Text | None:
    """The message when a value breaks a bound set by another input (executed above budget)."""
    value, limit = env.get(check.name), env.get(other)
    if value is None or limit is None:
        return None  # missing or already reported
    if (side == "max" and value > limit) or (side == "min" and value < limit):
        said = WORDS["cross-max" if side == "max" else "cross-min"]
        return said.format(other=other, limit=plain(limit), value=plain(value), label=check.spec.label)
    return None
