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
from ..messages import check_lang, words
from ..reading import Unreadable, normal_width, number_text

__all__ = [
    "ASSUMED",
    "DEFAULT_VOCABULARY",
    "HIGHER_BETTER",
    "LOWER_BETTER",
    "Assumed",
    "Measure",
    "Operator",
    "TextError",
    "convert",
    "lower_better_word",
    "parse_actual",
    "parse_target",
    "target_in_name",
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
    assumed: tuple[Assumed, ...] = ()  # what was assumed to read it (none for the forms read as written)


#: What perfscore may assume to read a cell a reviewer can read; each becomes a finding on its row.
ASSUMED = words(
    "tables.assumed",
    {
        "actual-comparison": (
            "实际完成值写成了比较式「{text}」，按其中的数值 {number}{unit} 计",
            "the actual is written as a comparison '{text}'; its number, {number}{unit}, is read",
        ),
        "bare-number": (
            "实际完成值「{text}」未写单位，按年度指标值的单位读作 {number}{unit}",
            "the actual '{text}' has no unit; it is read in the target's unit as {number}{unit}",
        ),
        "bare-target": (
            "年度指标值「{target}」未写单位，按实际完成值的单位 {unit} 读",
            "the target '{target}' has no unit; it is read in the actual's unit, {unit}",
        ),
        "unit-differs": (
            "年度指标值的单位为「{target}」，实际完成值的单位为「{actual}」，两者不能换算，按数值直接比较",
            "the target is in {target} and the actual in {actual}, which do not convert: the numbers are compared as written",
        ),
        "lower-better": (
            "指标名称含「{word}」，越低越好：年度指标值「{text}」未写比较符号，按「≤」计分",
            "the indicator's name says '{word}', lower is better: the target '{text}' has no comparison and is read as ≤",
        ),
        "budget-rate-only": (
            "预算执行栏只填了执行率 {rate}%，没有全年预算数和全年执行数，按 执行率 × 分值 核对",
            "the budget block gives only its rate, {rate}%, without the amounts: it is checked as rate × points",
        ),
        "level1-nearest": (
            "一级指标「{text}」不是规则中的名称，按其中所含的名称计入规则的一级指标「{root}」",
            "the first-level indicator '{text}' is not a name of the ruleset; it is counted under '{root}', "
            "whose name it contains",
        ),
        "target-from-name": (
            "年度指标值为空，按指标名称中的「{found}」读作目标",
            "the target cell is empty; '{found}', written in the indicator's name, is read as the target",
        ),
    },
)


@dataclass(frozen=True)
class Assumed:
    """One thing assumed to read a text: a key of :data:`ASSUMED` and the values its message names."""

    key: str
    values: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str = "zh") -> str:
        """The assumption in ``lang``: 「实际完成值写成了比较式「≥266米」，按其中的数值 266米 计」."""
        return ASSUMED[self.key](check_lang(lang)).format(**dict(self.values))


def _assumed(key: str, **values: object) -> Assumed:
    return Assumed(key, tuple((name, str(value)) for name, value in values.items()))


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

    @property
    def zh(self) -> str:
        """What was wrong and what was expected, in Chinese (the text itself is quoted by the caller)."""
        found = next((key for key in _PROBLEMS_ZH if key in self.problem), None)
        problem = READING[_PROBLEMS_ZH[found]].zh if found else READING["unreadable"].zh
        return f"{problem}；{READING['expected-' + self.role].zh}"


#: Why a target or actual cannot be read, in both languages, for reports in Chinese.
READING = words(
    "tables.reading",
    {
        "unreadable": ("无法按规则读取", "it cannot be read by rule"),
        "approximate": ("数值为约数（约、左右、余、多）", "the number is approximate"),
        "range": ("写的是一个区间，不是一个值", "a range is not one value"),
        "vocabulary": ("该用语不在词表中", "these words are not in the vocabulary"),
        "words": ("写的是文字，目标是数值", "written in words against a number"),
        "date": ("不是日期，目标是完成时限", "not a date against a deadline"),
        "unit": ("单位无法识别", "a unit perfscore does not know"),
        "digits": ("含有 0–9 以外的数字", "a digit other than 0–9"),
        "no-year": ("日期没有年份", "the date gives no year"),
        "no-date": ("没有这一天（或月、年）", "there is no such day, month or year"),
        "space": ("数字中间有空格", "a space splits the number"),
        "empty": ("单元格为空", "the cell is empty"),
        "long": ("文字或数字过长", "the text or number is too long"),
        "expected-target": (
            "应为带比较符号和单位的数值（≥50个、95%以上）、完成时限（9月前）或词表中的用语",
            "expected a number with its unit and comparison, a deadline or words from the vocabulary",
        ),
        "expected-actual": (
            "应为带单位的实际完成数值（52个、96.5%）、完成日期（9月20日）或词表中的用语",
            "expected a number with its unit, a date or words from the vocabulary",
        ),
    },
)
_PROBLEMS_ZH = {
    "makes the number approximate": "approximate", "a range": "range", "these words": "vocabulary",
    "this is written in words": "words", "this is not a date": "date", "a date is needed": "date",
    "the date gives no year": "no-year", "there is no": "no-date", "has no day": "no-date", "a space": "space",
    "the text is empty": "empty", "the text is longer": "long", "the number is longer": "long",
    "the number has more": "long", "is not one of the digits": "digits", "is not a unit": "unit",
    "cannot be compared": "unit",
}  # fmt: skip


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
        # stock phrases of filled tables that say the target was met (management and qualitative rows)
        "合规": ACHIEVED,
        "符合规定": ACHIEVED,
        "符合相关规定": ACHIEVED,
        "符合要求": ACHIEVED,
        "严格执行相关制度规定": ACHIEVED,
        "严格执行": ACHIEVED,
        "按规定执行": ACHIEVED,
        "及时": ACHIEVED,
        "按时": ACHIEVED,
        "按期完成": ACHIEVED,
        "全部完成": ACHIEVED,
        "规范": ACHIEVED,
        "健全": ACHIEVED,
        "完善": ACHIEVED,
        "安全": ACHIEVED,
        "稳定": ACHIEVED,
        "正常运行": ACHIEVED,
        "运行正常": ACHIEVED,
        "达标": ACHIEVED,
        "合格": ACHIEVED,
        "到位": ACHIEVED,
        "保障到位": ACHIEVED,
        "有效保障": ACHIEVED,
        "得到保障": ACHIEVED,
        "已建立": ACHIEVED,
        "建立": ACHIEVED,
        "已公开": ACHIEVED,
        "提升": ACHIEVED,
        "提高": ACHIEVED,
        "有效提升": ACHIEVED,
        "明显改善": ACHIEVED,
        "得到改善": ACHIEVED,
        "长期有效": ACHIEVED,
        "可持续": ACHIEVED,
        # 部分达成: reached in part, with some effect
        "部分达成": PARTLY,
        "部分达成年度指标并具有一定效果": PARTLY,
        "部分完成": PARTLY,
        "基本达成": PARTLY,
        "基本满意": PARTLY,
        "一般": PARTLY,
        "有所提升": PARTLY,
        "基本完成": PARTLY,
        "基本合规": PARTLY,
        "基本规范": PARTLY,
        "基本健全": PARTLY,
        "基本及时": PARTLY,
        "有所改善": PARTLY,
        "较为满意": PARTLY,
        # 未达成: not reached, little effect
        "未达成": NOT_ACHIEVED,
        "未达成年度指标且效果较差": NOT_ACHIEVED,
        "未完成": NOT_ACHIEVED,
        "较差": NOT_ACHIEVED,
        "差": NOT_ACHIEVED,
        "不满意": NOT_ACHIEVED,
        "不明显": NOT_ACHIEVED,
        "不合规": NOT_ACHIEVED,
        "不及时": NOT_ACHIEVED,
        "不规范": NOT_ACHIEVED,
        "不健全": NOT_ACHIEVED,
        "不合格": NOT_ACHIEVED,
        "未达标": NOT_ACHIEVED,
        "未建立": NOT_ACHIEVED,
        "未公开": NOT_ACHIEVED,
    }
)

#: Words in an indicator's name that make lower better: a target written without a comparison
#: (「0.9%」) on such a row is read as ≤, with a finding. A ruleset adds words, or removes one by
#: mapping it to ">=", with ``[tables] directions``.
LOWER_BETTER: tuple[str, ...] = (
    "控制", "受害", "成灾", "发生", "投诉", "超支", "差错", "事故", "失误", "违规", "违纪", "违法", "案件",
    "死亡", "伤亡", "损失", "损耗", "故障", "延误", "逾期", "超标", "污染", "排放", "结余", "结转",
    "闲置", "不合格", "返工", "流失", "辍学", "上访", "信访", "变动率", "调整率", "误差", "错误", "漏报",
)  # fmt: skip
#: Words that keep higher better even when a :data:`LOWER_BETTER` word is in the name too (the longer
#: word wins: 「投诉办结率」 is a 办结率, 「质量控制合格率」 a 合格率).
HIGHER_BETTER: tuple[str, ...] = (
    "合格率", "达标率", "完成率", "满意度", "满意率", "覆盖率", "及时率", "到位率", "执行率", "利用率", "使用率",
    "知晓率", "参与率", "达成率", "通过率", "处置率", "办结率", "结案率", "处理率", "查处率", "整改率", "回复率",
)  # fmt: skip


def lower_better_word(name: str, directions: Mapping[str, str] | None = None) -> str | None:
    """The first word of :data:`LOWER_BETTER` (or of ``directions`` mapped to "<=") in an indicator's
    name, or None; a word ``directions`` maps to ">=" is not one. Longer words are tried first."""
    table = dict.fromkeys(LOWER_BETTER, "<=") | dict.fromkeys(HIGHER_BETTER, ">=")
    for word, direction in (directions or {}).items():
        table[_normal(word)] = direction
    folded = _normal(name)
    for word in sorted(table, key=lambda text: (-len(text), text)):
        if word and word in folded:
            return word if table[word] == "<=" else None
    return None


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
_MEASURES = (
    "米", "厘米", "毫米", "公里", "平方米", "平方公里", "立方米", "亩", "公顷", "吨", "公斤", "克", "千瓦", "千瓦时",
)  # fmt: skip
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
    "百分比": "%",  # 「95百分比」, as templates with a unit column write %
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


_FREE_UNIT = re.compile(r"[\u4e00-\u9fffA-Za-z*·]{1,8}")  # 「亩」, 「元/人*月」's 人*月: any measure word a table uses
# Units that convert by a factor that is not a power of ten: unit → (the unit it is counted in, how many).
_FACTORS: Mapping[str, tuple[str, Decimal]] = {
    "毫米": ("米", Decimal("0.001")),
    "厘米": ("米", Decimal("0.01")),
    "公里": ("米", Decimal(1000)),
    "平方公里": ("平方米", Decimal(1000000)),
    "公顷": ("平方米", Decimal(10000)),
    "克": ("公斤", Decimal("0.001")),
    "吨": ("公斤", Decimal(1000)),
    "分钟": ("分钟", Decimal(1)),
    "小时": ("分钟", Decimal(60)),
    "天": ("分钟", Decimal(1440)),
    "周": ("分钟", Decimal(10080)),
    "月": ("月", Decimal(1)),
    "年": ("月", Decimal(12)),
}


def _unit(written: str, *, free: bool = False) -> str | None:
    """The normalized unit for a unit as written, or None when perfscore does not know it. With
    ``free``, any measure word (「亩」, 「个村」, 「元/人*月」) is a unit of its own."""
    if written.count("/") == 1:  # 「200元/人」: a known unit per a count, measure or time
        per, each = written.split("/")
        top, bottom = _unit(per, free=free), _UNIT_ALIASES.get(each, each)
        known = bottom in _PLAIN_UNITS or (free and _FREE_UNIT.fullmatch(bottom) is not None)
        return f"{top}/{bottom}" if top and "/" not in top and known else None
    if written in _PLAIN_UNITS or written in _MONEY or written in _PERCENT:
        return written
    if written in _UNIT_ALIASES:
        return _UNIT_ALIASES[written]
    if written[:1] in _SCALED:
        base = _UNIT_ALIASES.get(written[1:], written[1:])
        if base in _SCALABLE:
            return written[0] + base
    return written if free and _FREE_UNIT.fullmatch(written) else None


def _scale(unit: str) -> tuple[str, Decimal] | None:
    """A unit as (family, how many of the family's base it is): 万元 is ("元", 10000), 万人次 is
    ("人次", 10000), 公里 is ("米", 1000), 元/人 is ("元/人", 1); None for a unit that converts to
    nothing else."""
    if "/" in unit:
        per, each = unit.split("/", 1)
        top = _scale(per)
        return (f"{top[0]}/{each}", top[1]) if top else None
    if unit in _MONEY:
        return "元", _power(_MONEY[unit])
    if unit in _PERCENT:
        return "%", _power(_PERCENT[unit])
    if unit in _FACTORS:
        return _FACTORS[unit]
    if unit in _SCALABLE:
        return unit, Decimal(1)
    if unit[:1] in _SCALED and unit[1:] in _SCALABLE:
        base = _scale(unit[1:])
        assert base is not None
        return base[0], _EXACT.multiply(base[1], _power(_SCALED[unit[0]]))
    return None


_EXACT = decimal.Context(prec=60)  # products of unit factors, far below 60 digits: exact


def _power(exponent: int) -> Decimal:
    """10 to the ``exponent``, written plainly (10000, 0.1): results keep the digits they are shown with."""
    return Decimal(10**exponent) if exponent >= 0 else Decimal("0." + "0" * (-exponent - 1) + "1")


def convert(number: Decimal, unit: str, to_unit: str) -> Decimal | None:
    """``number`` in ``unit`` expressed in ``to_unit`` (元↔万元↔亿元, %↔‰, 人次↔万人次, 米↔公里,
    小时↔天, 月↔年), or None when the two do not convert. Exact, except a division by a factor
    that is not a power of ten (10 小时 in 天), which keeps 40 significant digits."""
    if unit == to_unit:
        return number
    source, target = _scale(unit), _scale(to_unit)
    if source is None or target is None or source[0] != target[0]:
        return None
    # Multiplying is exact when the precision exceeds the digits (this context, never the caller's).
    context = decimal.Context(prec=len(number.as_tuple().digits) + 40, rounding=decimal.ROUND_HALF_EVEN)
    if source[1] >= target[1]:
        return context.multiply(number, _whole(context.divide(source[1], target[1])))
    return context.divide(number, _whole(context.divide(target[1], source[1])))


def _whole(factor: Decimal) -> Decimal:
    """A factor between units as a plain integer (10, not 1E+1), so a result keeps its written digits."""
    return Decimal(int(factor)) if factor == factor.to_integral_value() else factor


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


def _quantity(
    text: str, normal: str, role: Role, limits: Limits, *, free: bool = False
) -> tuple[Operator | None, Decimal, str | None]:
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
    unit = _unit(written, free=free) if written else None
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
            raise ValueError(f"vocabulary maps a word to a tier name, got '{word}' → {tier!r}")
        words[_normal(word)] = tier
    return words


def parse_target(
    text: str,
    *,
    year: int | None = None,
    vocabulary: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    strict: bool = False,
    name: str = "",
    directions: Mapping[str, str] | None = None,
) -> Measure:
    """Read a 年度指标值: a comparison with a number, a deadline, or qualitative words (a plain number means =).

    A plain number on an indicator whose ``name`` says lower is better (a word of :data:`LOWER_BETTER`,
    or one ``directions`` maps to "<=": 「森林火灾受害率」 with 「0.9%」) means ≤, and the Measure says so
    in ``assumed``.

    ``limits`` bounds the text (``max_cell_text``) and the number (``max_number_text``, ``max_exponent``).
    Any measure word is a unit (「≥266亩」, 「≤300元/人*月」); ``strict`` reads only the units
    perfscore knows and refuses the others.
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
    operator, number, unit = _quantity(text, normal, "target", limits, free=not strict)
    word = None if operator is not None or not name else lower_better_word(name, directions)
    if word is not None:
        assumed = (_assumed("lower-better", word=word, text=_normal(text)),)
        return Measure(text, "<=", number, unit, None, None, qualitative=False, assumed=assumed)
    return Measure(text, operator or "=", number, unit, None, None, qualitative=False)


def parse_actual(
    text: str,
    target: Measure,
    *,
    year: int | None = None,
    vocabulary: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    strict: bool = False,
) -> Measure:
    """Read a 实际完成值 the way its target is written: words, a date, or a number in the target's unit.

    What a reviewer reads without hesitating is read, and the :class:`Measure` lists in ``assumed``
    what was assumed: an actual written as a comparison (「≥266米」: 266米), a bare number in the
    target's unit (「132.9」 against 「≤202.6万元」), units that do not convert (compared as written).
    ``strict`` refuses these with a :class:`TextError`, as perfscore did before they were read.
    """
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
    operator, number, unit = _quantity(text, normal, "actual", limits, free=not strict)
    assumed: list[Assumed] = []
    if operator is not None:
        if strict:
            expected = f"the value reached, such as {number}{unit or ''}"
            raise TextError(text, "an actual is what was reached, not a comparison", expected, "actual")
        assumed.append(_assumed("actual-comparison", text=_normal(text), number=number, unit=unit or ""))
    number, unit = _in_target_unit(text, target, number, unit, assumed, strict=strict)
    return Measure(text, None, number, unit, None, None, qualitative=False, assumed=tuple(assumed))


_IN_NAME_PREFIX = re.compile(
    "(?:" + "|".join(map(re.escape, sorted(_PREFIX_OPERATORS, key=len, reverse=True))) + r")-?[0-9][^,;，；]*$"
)
_IN_NAME_SUFFIX = re.compile(r"(?<![0-9.,])-?[0-9][0-9.,]*[^0-9,;，；]{0,6}?(?:及以上|以上|及以下|以下|以内)$")


def target_in_name(name: str) -> str | None:
    """The target an indicator's name states at its end, as text to read with :func:`parse_target`:
    「验收合格率达到100%」 gives 「达到100%」, 「受益人数不少于500人」 「不少于500人」, 「覆盖率95%以上」
    「95%以上」; None when the name states none. For a row whose 年度指标值 is empty."""
    normal = _normal(name)
    found = _IN_NAME_PREFIX.search(normal) or _IN_NAME_SUFFIX.search(normal)
    return None if found is None else found.group(0)


def _example(target: Measure) -> str:
    return f"{target.number}{target.unit or ''}"


def _in_target_unit(
    text: str, target: Measure, number: Decimal, unit: str | None, assumed: list[Assumed], *, strict: bool
) -> tuple[Decimal, str | None]:
    """The actual's number in the target's unit; a unit written on one side only is read on both when
    it is plain, and otherwise (not ``strict``) with an assumption added to ``assumed``."""
    if unit is not None and target.unit is not None:
        converted = convert(number, unit, target.unit)
        if converted is None and not strict:
            assumed.append(_assumed("unit-differs", target=target.unit, actual=unit))
            return number, target.unit
        if converted is None:
            expected = (
                f"a number in {target.unit} or a unit that converts to it, as the target is {_quote(target.text)}"
            )
            raise TextError(text, f"{unit} cannot be compared with {target.unit}", expected, "actual")
        return converted, target.unit
    written = unit or target.unit
    if written is None or written in _PLAIN_UNITS:
        return number, written
    if not strict and unit is None:
        assumed.append(_assumed("bare-number", text=_normal(text), number=number, unit=written))
        return number, written
    if not strict:
        assumed.append(_assumed("bare-target", target=_normal(target.text), unit=written))
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
