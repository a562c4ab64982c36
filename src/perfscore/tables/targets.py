"""Targets (年度指标值) and actuals (实际完成值) read as written: 「≥50个」, 「95%以上」, 「9月前」, 「效果明显」.

A text is read in exactly one way or refused with a :class:`TextError` that says what was written
and what was expected; nothing is guessed. Full-width forms read as ASCII (NFKC), but every
:class:`Measure` keeps the text as it was written. The number itself is read by
:func:`perfscore.reading.number_text`, as unit data reads it: only 0–9 (and full-width ０–９) are
digits, so 「≥1²个」, 「①0」 and 「١٢」 are refused. docs/tables.md lists every accepted form.
"""

from __future__ import annotations

import calendar
import datetime
import decimal
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from ..errors import PerfscoreError
from ..limits import DEFAULT_LIMITS, Limits
from ..reading import Unreadable, normal_width, number_text

__all__ = [
    "DEFAULT_VOCABULARY",
    "Measure",
    "Operator",
    "TextError",
    "convert",
    "parse_actual",
    "parse_target",
]

Operator = Literal[">=", "<=", "=", ">", "<"]
Role = Literal["target", "actual"]

SHOWN_LENGTH = 60  # how much of a long text an error message quotes (a display length, not a bound on input)


@dataclass(frozen=True)
class Measure:
    """A target or an actual as perfscore reads it: a comparison and number, a date, or words for a tier."""

    text: str  # as written
    operator: Operator | None  # targets only: ">=" for 「≥50个」, "<=" for a deadline, None for words
    number: Decimal | None  # in `unit`; a percentage in percentage points (95 for 95%)
    unit: str | None  # normalized: "个", "人次", "万元", "%", "天", … (None if none was written)
    deadline: datetime.date | None  # a target's deadline, or the date an actual was completed
    tier: str | None  # the tier named by qualitative words (达成, 部分达成, 未达成)
    qualitative: bool  # written in words, not a number or a date


class TextError(PerfscoreError, ValueError):
    """A target or actual that perfscore cannot read: ``str()`` says what was written and what was expected."""

    def __init__(self, text: str, problem: str, expected: str, role: Role = "target") -> None:
        self.text = text
        self.problem = problem
        self.expected = expected
        self.role: Role = role
        super().__init__(text, problem, expected, role)

    def __str__(self) -> str:
        return f"{self.role} {_quote(self.text)}: {self.problem}; expected {self.expected}"


# --- the qualitative vocabulary --------------------------------------------------------------------

ACHIEVED, PARTLY, NOT_ACHIEVED = "达成", "部分达成", "未达成"

#: Qualitative words → the tier they name in 财预〔2020〕10号's scale. A bureau's ``vocabulary`` wins over it.
DEFAULT_VOCABULARY: Mapping[str, str] = MappingProxyType(
    {
        # 达成: the year's target was reached
        "达成": ACHIEVED,
        "达成预期指标": ACHIEVED,
        "达成年度指标": ACHIEVED,
        "达成预期目标": ACHIEVED,
        "达到预期目标": ACHIEVED,
        "达到预期效果": ACHIEVED,
        "完成": ACHIEVED,
        "已完成": ACHIEVED,
        "按时完成": ACHIEVED,
        "有效": ACHIEVED,
        "效果明显": ACHIEVED,
        "效果显著": ACHIEVED,
        "显著提升": ACHIEVED,
        "明显提升": ACHIEVED,
        "好": ACHIEVED,
        "高": ACHIEVED,
        "较好": ACHIEVED,
        "良好": ACHIEVED,
        "优秀": ACHIEVED,
        "满意": ACHIEVED,
        "持续": ACHIEVED,
        "长期": ACHIEVED,
        "逐步提升": ACHIEVED,
        # 部分达成: reached in part, with some effect
        "部分达成": PARTLY,
        "部分达成年度指标并具有一定效果": PARTLY,
        "部分完成": PARTLY,
        "基本达成": PARTLY,
        "基本满意": PARTLY,
        "一般": PARTLY,
        "有所提升": PARTLY,
        # 未达成: not reached, little effect
        "未达成": NOT_ACHIEVED,
        "未达成年度指标且效果较差": NOT_ACHIEVED,
        "未完成": NOT_ACHIEVED,
        "较差": NOT_ACHIEVED,
        "差": NOT_ACHIEVED,
        "不满意": NOT_ACHIEVED,
        "不明显": NOT_ACHIEVED,
    }
)

# --- operators ------------------------------------------------------------------------------------

# Written before the number, after NFKC (so ＞ is >, ＝ is =); the longest form is tried first.
_PREFIX_OPERATORS: Mapping[str, Operator] = {
    ">=": ">=",
    "=>": ">=",
    "≥": ">=",
    "≧": ">=",
    "≮": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "不小于": ">=",
    "达到": ">=",
    "至少": ">=",
    "大于等于": ">=",
    "大于或等于": ">=",
    "<=": "<=",
    "=<": "<=",
    "≤": "<=",
    "≦": "<=",
    "≯": "<=",
    "不高于": "<=",
    "不超过": "<=",
    "不大于": "<=",
    "不多于": "<=",
    "控制在": "<=",
    "小于等于": "<=",
    "小于或等于": "<=",
    "=": "=",
    "═": "=",
    "等于": "=",
    ">": ">",
    "高于": ">",
    "超过": ">",
    "大于": ">",
    "多于": ">",
    "<": "<",
    "低于": "<",
    "小于": "<",
    "少于": "<",
}
# Written after the number and its unit: 「95%以上」 is ≥ 95% (以上 and 以下 include the number itself).
_SUFFIX_OPERATORS: Mapping[str, Operator] = {"及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<="}
# Words an actual may start with that state what was done, not a comparison: 「完成52个」, 「达到96%」.
_ACTUAL_LEADS = frozenset({"完成", "已完成", "实际完成", "达到", "已达到", "实现"})
_SYMBOLS: Mapping[Operator, str] = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}

# --- units ----------------------------------------------------------------------------------------

_COUNTS = (
    "个", "人", "人次", "次", "家", "项", "场", "户", "篇", "件", "名", "所", "台", "套", "份", "期", "批", "册", "本",
    "部", "条", "处", "座", "辆", "间", "张", "株", "棵", "头", "只", "村", "栋", "宗", "例", "门", "节", "班", "种",
    "类", "组", "支", "场次", "批次", "台次", "车次", "户次", "家次", "课时", "学时",
)  # fmt: skip
_MEASURES = ("米", "公里", "平方米", "平方公里", "立方米", "亩", "公顷", "吨", "公斤", "千瓦", "千瓦时")
_TIMES = ("天", "工作日", "周", "月", "年", "小时", "分钟")
_SCORES = ("分", "百分点")
_MONEY = {"元": 0, "千元": 3, "万元": 4, "百万元": 6, "亿元": 8}  # power of ten in 元
_PERCENT = {"%": 0, "‰": -1}  # power of ten in %
_SCALED = {"万": 4, "亿": 8}  # 「1.2万人次」: a count or measure in ten-thousands or hundred-millions
_UNIT_ALIASES = {
    "个月": "月",
    "个工作日": "工作日",
    "个小时": "小时",
    "个星期": "周",
    "星期": "周",
    "日": "天",
    "个百分点": "百分点",
    "千米": "公里",
    "km": "公里",
    "千克": "公斤",
    "kg": "公斤",
}
_SYMBOL_UNITS = {
    "㎡": "平方米",
    "m²": "平方米",
    "㎥": "立方米",
    "m³": "立方米",
    "㎞": "公里",
}  # before NFKC makes ㎡ "m2"
_PLAIN_UNITS = frozenset(_COUNTS + _MEASURES + _TIMES + _SCORES)  # a bare number can only mean these as written
_SCALABLE = frozenset(_COUNTS + _MEASURES)


def _unit(written: str) -> str | None:
    """The normalized unit for a unit as written, or None when perfscore does not know it."""
    if written.count("/") == 1:  # 「200元/人」: a known unit per a count, measure or time
        per, each = written.split("/")
        top, bottom = _unit(per), _UNIT_ALIASES.get(each, each)
        return f"{top}/{bottom}" if top and "/" not in top and bottom in _PLAIN_UNITS else None
    if written in _PLAIN_UNITS or written in _MONEY or written in _PERCENT:
        return written
    if written in _UNIT_ALIASES:
        return _UNIT_ALIASES[written]
    if written[:1] in _SCALED:
        base = _UNIT_ALIASES.get(written[1:], written[1:])
        return written[0] + base if base in _SCALABLE else None
    return None


def _scale(unit: str) -> tuple[str, int] | None:
    """A unit as (family, power of ten): 万元 is ("元", 4), 万人次 is ("人次", 4), 元/人 is ("元/人", 0)."""
    if "/" in unit:
        per, each = unit.split("/", 1)
        top = _scale(per)
        return (f"{top[0]}/{each}", top[1]) if top else None
    if unit in _MONEY:
        return "元", _MONEY[unit]
    if unit in _PERCENT:
        return "%", _PERCENT[unit]
    if unit in _SCALABLE:
        return unit, 0
    if unit[:1] in _SCALED and unit[1:] in _SCALABLE:
        return unit[1:], _SCALED[unit[0]]
    return None


def convert(number: Decimal, unit: str, to_unit: str) -> Decimal | None:
    """``number`` in ``unit`` expressed exactly in ``to_unit`` (元↔万元↔亿元, %↔‰, 人次↔万人次), or None."""
    if unit == to_unit:
        return number
    source, target = _scale(unit), _scale(to_unit)
    if source is None or target is None or source[0] != target[0]:
        return None
    shift = source[1] - target[1]
    # Multiplying or dividing by a power of ten is exact when the precision exceeds the number's digits
    # (this context, never the caller's).
    context = decimal.Context(prec=len(number.as_tuple().digits) + 20, rounding=decimal.ROUND_HALF_UP)
    factor = Decimal(10 ** abs(shift))
    return context.multiply(number, factor) if shift >= 0 else context.divide(number, factor)


# --- dates ----------------------------------------------------------------------------------------

_LEAD = r"(?:已经?)?(?:于|在)?"  # 「已于9月完成」
_TAIL = r"(?:之?前|以前)?(?:已?完成)?"  # 「9月底前完成」
_YEAR = r"(?:(?P<year>[0-9]{4})年度?)?"  # digits are 0–9 only, here and below: 「١٢月」 is not December
_MONTH_DAY = re.compile(
    rf"^{_LEAD}{_YEAR}(?P<month>[0-9]{{1,2}})月份?(?:(?P<day>[0-9]{{1,2}})[日号]|(?P<part>底|末|上旬|中旬|下旬))?{_TAIL}$"
)
_DASHED = re.compile(
    rf"^{_LEAD}(?P<year>[0-9]{{4}})(?P<sep>[-/])(?P<month>[0-9]{{1,2}})(?:(?P=sep)(?P<day>[0-9]{{1,2}}))?{_TAIL}$"
)
_DOTTED = re.compile(rf"^{_LEAD}(?P<year>[0-9]{{4}})\.(?P<month>[0-9]{{1,2}})\.(?P<day>[0-9]{{1,2}}){_TAIL}$")
_YEAR_END = re.compile(rf"^{_LEAD}(?:(?P<year>[0-9]{{4}})|本|当)?年度?(?:底|末|终|内){_TAIL}$")
_PERIOD = re.compile(rf"^{_LEAD}{_YEAR}(?:(?P<half>上|下)半年|第?(?P<quarter>[一二三四1-4])季度)(?:末|底)?{_TAIL}$")
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_TENTHS = {"上旬": 10, "中旬": 20}  # the last day of the first and middle ten days of a month


def _date(text: str, normal: str, year: int | None, role: Role) -> datetime.date | None:
    """The date a deadline or a completion names (the last day of a named month, quarter or year), or None."""
    found = _MONTH_DAY.match(normal) or _DASHED.match(normal) or _DOTTED.match(normal)
    if found:
        month, day, part = int(found["month"]), found["day"], found.groupdict().get("part")
        return _day(text, role, found["year"], year, month, int(day) if day else _TENTHS.get(part or ""))
    found = _YEAR_END.match(normal)
    if found:
        return _day(text, role, found["year"], year, 12, 31)
    found = _PERIOD.match(normal)
    if found:
        month = 6 if found["half"] == "上" else 12 if found["half"] else 3 * _QUARTERS[found["quarter"]]
        return _day(text, role, found["year"], year, month, None)
    return None


def _day(text: str, role: Role, written: str | None, year: int | None, month: int, day: int | None) -> datetime.date:
    """A checked date; ``day`` None is the month's last day."""
    if written is None and year is None:
        raise TextError(
            text, "the date gives no year", "the year written in the text (2023年9月前) or the table's year", role
        )
    number = int(written) if written else year
    assert number is not None
    if not 1 <= number <= 9999:
        raise TextError(text, f"there is no year {number}", "a year such as 2023", role)
    if not 1 <= month <= 12:
        raise TextError(text, f"there is no month {month}", "a month from 1 to 12", role)
    last = calendar.monthrange(number, month)[1]
    if day is None:
        day = last
    if not 1 <= day <= last:
        raise TextError(text, f"{number}年{month}月 has no day {day}", f"a day from 1 to {last}", role)
    return datetime.date(number, month, day)


# --- numbers --------------------------------------------------------------------------------------

# The number is found here and read by perfscore.reading: 「1,234.5」 (groups of three), 「1234.5」, 「1e5」.
_NUMBER = re.compile(
    r"^(?P<lead>[^0-9]*?)(?P<number>-?(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?))"
    r"(?P<unit>[^0-9]*?)(?P<trail>及以上|以上|及以下|以下|以内)?$"
)
_DIGIT = re.compile(r"[0-9]")
_SPACED_DIGITS = re.compile(r"[0-9][.,]?\s+[.,]?[0-9]")  # 「1 234」: one number or two? Not guessed.
_ABOUT_BEFORE = re.compile(r"(大约|约为|约|将近|接近|近)-?[0-9]")
_ABOUT_AFTER = re.compile(r"[0-9][^0-9]*?(左右|上下|余|多)")
_RANGE = re.compile(r"[0-9][^0-9]*?(至|到|~|-|—|–)[^0-9]*?[0-9]")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _quantity(text: str, normal: str, role: Role, limits: Limits) -> tuple[Operator | None, Decimal, str | None]:
    """The comparison, number and normalized unit of 「≥1,234.5万元」 or 「95%以上」."""
    if _SPACED_DIGITS.search(_folded(text)):  # spaces are dropped before reading: 「1 234」 would read 1234
        raise TextError(text, "a space splits the number", "the number written without spaces, such as 1234", role)
    about = _ABOUT_BEFORE.search(normal) or _ABOUT_AFTER.search(normal)
    if about:
        example = "≥50个" if role == "target" else "52个"
        raise TextError(text, f"{about[1]} makes the number approximate", f"an exact number such as {example}", role)
    found = _NUMBER.match(normal)
    if found is None:
        if _RANGE.search(normal):
            raise TextError(text, "a range is not one value", "one number with a comparison such as ≥90%", role)
        raise TextError(text, "perfscore cannot read this", _EXPECTED[role], role)
    lead, digits, written, trail = found["lead"], found["number"].replace(",", ""), found["unit"], found["trail"]
    try:
        number = number_text(found["number"], limits=limits)
    except Unreadable:  # the text matched a number: it can only be too long or too large
        problem = (
            f"the number is longer than {limits.max_number_text} characters"
            if len(found["number"]) > limits.max_number_text
            else f"the number has more than {limits.max_exponent + 1} digits before the point"
        )
        raise TextError(text, problem, "a budget-sized number", role) from None
    before: Operator | None = None
    if lead and not (role == "actual" and lead in _ACTUAL_LEADS):
        if lead not in _PREFIX_OPERATORS:
            raise TextError(text, f"'{lead}' before the number is not a comparison", _EXPECTED_OPERATOR, role)
        before = _PREFIX_OPERATORS[lead]
    after = _SUFFIX_OPERATORS[trail] if trail else None
    if before and after and before != after:
        raise TextError(
            text,
            f"'{lead}' and '{trail}' disagree",
            f"one comparison such as {_SYMBOLS[before]}{digits}{written}",
            role,
        )
    unit = _unit(written) if written else None
    if written and unit is None:
        raise TextError(
            text, f"'{written}' is not a unit perfscore knows", "a unit such as 个, 人次, 万元, %, 天 or 元/人", role
        )
    return before or after, number, unit


_EXPECTED: Mapping[Role, str] = {
    "target": "a number with its unit and comparison (≥50个, 95%以上), a deadline (9月前) or words from the vocabulary",
    "actual": "a number with its unit (52个, 96.5%), a date (9月20日) or words from the vocabulary",
}
_EXPECTED_OPERATOR = "≥, ≤, =, >, < or 不低于, 不超过, 达到, 低于, 高于 before the number"


# --- reading --------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    # Not perfscore.text.shown: a target is quoted inside a sentence, so only its first 59 characters.
    return repr(text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…")


def _normal(text: str) -> str:
    """The text folded (:func:`_folded`), without spaces or invisible characters or a closing full stop."""
    return "".join(_folded(text).split()).rstrip("。.;!")


def _folded(text: str) -> str:
    """Full-width forms as ASCII (NFKC: 「＞＝５０」 is >=50, and 「−」 is -, as reading folds it),
    invisible characters dropped. A character NFKC would make digits of (「²」, 「①」, 「⒈」) is kept as
    written, to be refused: only 0–9 are digits."""
    for symbol, unit in _SYMBOL_UNITS.items():
        text = text.replace(symbol, unit)
    wide = normal_width(text)
    folded = unicodedata.normalize("NFKC", wide)
    if len(_DIGIT.findall(folded)) != len(_DIGIT.findall(wide)):
        folded = "".join(map(_fold, wide))
    return folded.translate(_INVISIBLE)


def _fold(char: str) -> str:
    """One character in NFKC form, unless that form holds a digit the character is not."""
    folded = unicodedata.normalize("NFKC", char)
    return char if folded != char and _DIGIT.search(folded) else folded


def _prepared(text: str, role: Role, limits: Limits) -> str:
    if not isinstance(text, str):
        raise TypeError(f"a {role} is text, not {type(text).__name__}")
    if len(text) > limits.max_cell_text:
        raise TextError(text, f"the text is longer than {limits.max_cell_text} characters", _EXPECTED[role], role)
    normal = _normal(text)
    if not normal:
        raise TextError(text, "the text is empty", _EXPECTED[role], role)
    return normal


def _plain_digits(text: str, normal: str, role: Role) -> None:
    """Refuse a digit other than 0–9 (full-width ０–９ are already folded): 「1²」, 「①0」 or 「١٢」
    would otherwise read as another number, or a date."""
    odd = next((char for char in normal if char.isdigit() and not _DIGIT.match(char)), None)
    if odd is not None:
        raise TextError(text, f"'{odd}' is not one of the digits 0–9", "a number written with the digits 0–9", role)


def _words(vocabulary: Mapping[str, str] | None) -> Mapping[str, str]:
    """The default vocabulary with a bureau's own words added; a bureau's word wins."""
    if not vocabulary:
        return DEFAULT_VOCABULARY
    words = dict(DEFAULT_VOCABULARY)
    for word, tier in vocabulary.items():
        if not _normal(word) or not isinstance(tier, str) or not tier:
            raise ValueError(f"vocabulary maps a word to a tier name, got {word!r} → {tier!r}")
        words[_normal(word)] = tier
    return words


def parse_target(
    text: str,
    *,
    year: int | None = None,
    vocabulary: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Measure:
    """Read a 年度指标值: a comparison with a number, a deadline, or qualitative words (a plain number means =).

    ``limits`` bounds the text (``max_cell_text``) and the number (``max_number_text``, ``max_exponent``).
    """
    normal = _prepared(text, "target", limits)
    tier = _words(vocabulary).get(normal)
    if tier is not None:
        return Measure(text, None, None, None, None, tier, qualitative=True)
    _plain_digits(text, normal, "target")
    deadline = _date(text, normal, year, "target")
    if deadline is not None:
        return Measure(text, "<=", None, None, deadline, None, qualitative=False)
    if not _DIGIT.search(normal):
        raise TextError(text, "these words are not in the vocabulary", _EXPECTED["target"], "target")
    operator, number, unit = _quantity(text, normal, "target", limits)
    return Measure(text, operator or "=", number, unit, None, None, qualitative=False)


def parse_actual(
    text: str,
    target: Measure,
    *,
    year: int | None = None,
    vocabulary: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Measure:
    """Read a 实际完成值 the way its target is written: words, a date, or a number in the target's unit."""
    normal = _prepared(text, "actual", limits)
    words = _words(vocabulary)
    if target.qualitative:
        if normal not in words:
            expected = f"words from the vocabulary such as 达成预期指标 or 部分达成, as the target {_quote(target.text)} is written in words"
            raise TextError(text, "these words are not in the vocabulary", expected, "actual")
        return Measure(text, None, None, None, None, words[normal], qualitative=True)
    _plain_digits(text, normal, "actual")
    if target.deadline is not None:
        done = _date(text, normal, year, "actual")
        if done is None:
            expected = f"the date it was done, such as 9月20日 or 2023-09-20, as the target {_quote(target.text)} is a deadline"
            raise TextError(text, "this is not a date", expected, "actual")
        return Measure(text, None, None, None, done, None, qualitative=False)
    if target.number is None:
        raise ValueError(f"the target {_quote(target.text)} has no number, date or tier: read it with parse_target")
    if normal in words or not _DIGIT.search(normal):
        expected = f"a number such as {_example(target)}, as the target {_quote(target.text)} is a number"
        raise TextError(text, "this is written in words", expected, "actual")
    operator, number, unit = _quantity(text, normal, "actual", limits)
    if operator is not None:
        expected = f"the value reached, such as {number}{unit or ''}"
        raise TextError(text, "an actual is what was reached, not a comparison", expected, "actual")
    number, unit = _in_target_unit(text, target, number, unit)
    return Measure(text, None, number, unit, None, None, qualitative=False)


def _example(target: Measure) -> str:
    return f"{target.number}{target.unit or ''}"


def _in_target_unit(text: str, target: Measure, number: Decimal, unit: str | None) -> tuple[Decimal, str | None]:
    """The actual's number in the target's unit; a unit written on one side only is read on both when it is plain."""
    if unit is not None and target.unit is not None:
        converted = convert(number, unit, target.unit)
        if converted is None:
            expected = (
                f"a number in {target.unit} or a unit that converts to it, as the target is {_quote(target.text)}"
            )
            raise TextError(text, f"{unit} cannot be compared with {target.unit}", expected, "actual")
        return converted, target.unit
    written = unit or target.unit
    if written is None or written in _PLAIN_UNITS:
        return number, written
    # 元 or 万元? 0.96 or 96%? A bare number next to these units could mean either: it is not guessed.
    if unit is None:
        problem = f"the number has no unit and the target {_quote(target.text)} is in {target.unit}"
        expected = "the unit written out: " + " or ".join(f"{number}{other}" for other in _family(written))
    else:
        problem = f"this is in {unit} and the target {_quote(target.text)} has no unit"
        expected = f"the target written with its unit, such as {_SYMBOLS[target.operator or '=']}{target.number}{unit}"
    raise TextError(text, problem, expected, "actual")


def _family(unit: str) -> list[str]:
    """The units ``unit`` converts to, itself first: 万元 → 万元, 元, 千元, 百万元, 亿元."""
    scaled = _scale(unit)
    assert scaled is not None  # only called for units that are not plain, which all have a scale
    base, _ = scaled
    per = base.partition("/")[2]
    suffix = f"/{per}" if per else ""
    if base.startswith("元"):
        names = [name + suffix for name in _MONEY]
    elif base == "%":
        names = list(_PERCENT)
    else:
        names = [base] + [prefix + base for prefix in _SCALED]
    return [unit] + [name for name in names if name != unit]
