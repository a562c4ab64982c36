"""Targets and actuals as 自评表 write them: every accepted form read one way, every other form refused with its message."""

from __future__ import annotations

import datetime
import pickle
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfscore.errors import PerfscoreError
from perfscore.limits import Limits
from perfscore.tables.targets import (
    DEFAULT_VOCABULARY,
    Measure,
    TextError,
    convert,
    parse_actual,
    parse_target,
)

YEAR = 2023
DOCS = Path(__file__).resolve().parent.parent / "docs" / "tables.md"


def compared(text: str, operator: str, number: str, unit: str | None = None) -> Measure:
    """A numeric target: 「≥50个」 is compared(">=", "50", "个")."""
    return Measure(text, operator, Decimal(number), unit, None, None, qualitative=False)  # type: ignore[arg-type]


def by(text: str, month: int, day: int, year: int = YEAR) -> Measure:
    """A deadline target: done on or before the date."""
    return Measure(text, "<=", None, None, datetime.date(year, month, day), None, qualitative=False)


def words(text: str, tier: str) -> Measure:
    """A target or actual written in words, naming a tier."""
    return Measure(text, None, None, None, None, tier, qualitative=True)


def reached(text: str, number: str, unit: str | None = None) -> Measure:
    """A numeric actual, in the target's unit."""
    return Measure(text, None, Decimal(number), unit, None, None, qualitative=False)


def on(text: str, month: int, day: int, year: int = YEAR) -> Measure:
    """An actual completion date."""
    return Measure(text, None, None, None, datetime.date(year, month, day), None, qualitative=False)


def refusal(call: object, *args: object, **kwargs: object) -> str:
    """The message of the TextError a call raises when reading strictly (``strict=True``, what
    ``perfscore audit --strict`` reads with)."""
    assert callable(call)
    with pytest.raises(TextError) as caught:
        call(*args, strict=True, **kwargs)
    return str(caught.value)


# --- targets --------------------------------------------------------------------------------------

TARGETS = [
    # ≥ and its variants
    compared("≥50个", ">=", "50", "个"),
    compared("≥ 50 个", ">=", "50", "个"),
    compared(">=50个", ">=", "50", "个"),
    compared("> = 50个", ">=", "50", "个"),
    compared("=>50个", ">=", "50", "个"),
    compared("≧50个", ">=", "50", "个"),
    compared("≮50个", ">=", "50", "个"),
    compared("＞＝５０个", ">=", "50", "个"),
    compared("不低于95%", ">=", "95", "%"),
    compared("不少于10场", ">=", "10", "场"),
    compared("不小于3次", ">=", "3", "次"),
    compared("达到100%", ">=", "100", "%"),
    compared("至少2篇", ">=", "2", "篇"),
    compared("大于等于90分", ">=", "90", "分"),
    compared("95%以上", ">=", "95", "%"),
    compared("95％以上", ">=", "95", "%"),
    compared("95%及以上", ">=", "95", "%"),
    compared("50户以上", ">=", "50", "户"),
    compared("达到95%以上", ">=", "95", "%"),
    compared("≥95%以上", ">=", "95", "%"),
    # ≤ and its variants
    compared("≤90万元", "<=", "90", "万元"),
    compared("<=90万元", "<=", "90", "万元"),
    compared("=<90万元", "<=", "90", "万元"),
    compared("≦90万元", "<=", "90", "万元"),
    compared("≯90万元", "<=", "90", "万元"),
    compared("＜＝90万元", "<=", "90", "万元"),
    compared("不高于5%", "<=", "5", "%"),
    compared("不超过500万元", "<=", "500", "万元"),
    compared("不大于3天", "<=", "3", "天"),
    compared("不多于2次", "<=", "2", "次"),
    compared("小于等于5%", "<=", "5", "%"),
    compared("5%以内", "<=", "5", "%"),
    compared("5%以下", "<=", "5", "%"),
    compared("5%及以下", "<=", "5", "%"),
    compared("500万元以内", "<=", "500", "万元"),
    compared("控制在500万元以内", "<=", "500", "万元"),
    compared("控制在5%", "<=", "5", "%"),
    compared("不超过5%以内", "<=", "5", "%"),
    # = and plain numbers
    compared("=100%", "=", "100", "%"),
    compared("═100%", "=", "100", "%"),
    compared("＝100%", "=", "100", "%"),
    compared("等于0", "=", "0"),
    compared("100%", "=", "100", "%"),
    compared("１００％", "=", "100", "%"),
    compared("12", "=", "12"),
    compared("=100.00%", "=", "100.00", "%"),
    compared("1项", "=", "1", "项"),
    # strict comparisons
    compared(">0", ">", "0"),
    compared("＞0", ">", "0"),
    compared("高于90%", ">", "90", "%"),
    compared("超过1000人次", ">", "1000", "人次"),
    compared("大于0", ">", "0"),
    compared("<5%", "<", "5", "%"),
    compared("低于5%", "<", "5", "%"),
    compared("小于1‰", "<", "1", "‰"),
    compared("少于3例", "<", "3", "例"),
    # numbers as spreadsheets and typists write them
    compared("≥1,234人次", ">=", "1234", "人次"),
    compared("≥１，２３４人次", ">=", "1234", "人次"),
    compared("≥1,234,567.89元", ">=", "1234567.89", "元"),
    compared("≥１２３４．５万元", ">=", "1234.5", "万元"),
    compared("≥-5%", ">=", "-5", "%"),
    compared("≤0", "<=", "0"),
    compared("≥50个。", ">=", "50", "个"),
    compared("\u3000≥50个\u200b", ">=", "50", "个"),
    # units
    compared("≤500000元", "<=", "500000", "元"),
    compared("≤50千元", "<=", "50", "千元"),
    compared("≤2百万元", "<=", "2", "百万元"),
    compared("≤1.2亿元", "<=", "1.2", "亿元"),
    compared("≥1.2万人次", ">=", "1.2", "万人次"),
    compared("≥3万亩", ">=", "3", "万亩"),
    compared("≥5万平方米", ">=", "5", "万平方米"),
    compared("≤3‰", "<=", "3", "‰"),
    compared("≤2个百分点", "<=", "2", "百分点"),
    compared("≤200元/人", "<=", "200", "元/人"),
    compared("≥50人次/天", ">=", "50", "人次/天"),
    compared("≤3个月", "<=", "3", "月"),
    compared("≥3年", ">=", "3", "年"),
    compared("≤30个工作日", "<=", "30", "工作日"),
    compared("≤48小时", "<=", "48", "小时"),
    compared("≤24个小时", "<=", "24", "小时"),
    compared("≤15日", "<=", "15", "天"),
    compared("≤2周", "<=", "2", "周"),
    compared("≥500㎡", ">=", "500", "平方米"),
    compared("≥500m²", ">=", "500", "平方米"),
    compared("≥10千米", ">=", "10", "公里"),
    compared("≥10km", ">=", "10", "公里"),
    compared("≥20千克", ">=", "20", "公斤"),
    compared("≥8家", ">=", "8", "家"),
    compared("≥4场次", ">=", "4", "场次"),
    compared("≥120学时", ">=", "120", "学时"),
    # deadlines: the last day of the named month, quarter or year
    by("9月前", 9, 30),
    by("9月底前", 9, 30),
    by("9月底", 9, 30),
    by("9月末", 9, 30),
    by("9月份前", 9, 30),
    by("9月以前", 9, 30),
    by("9月前完成", 9, 30),
    by("9月底前完成", 9, 30),
    by("于9月完成", 9, 30),
    by("在9月底前完成", 9, 30),
    by("9月上旬", 9, 10),
    by("9月中旬前", 9, 20),
    by("9月下旬", 9, 30),
    by("12月", 12, 31),
    by("2月前", 2, 28),
    by("12月31日前", 12, 31),
    by("12月31号前", 12, 31),
    by("12月31日之前", 12, 31),
    by("6月30日以前", 6, 30),
    by("１２月３１日前", 12, 31),
    by("2023年12月31日前", 12, 31),
    by("2024年3月31日前", 3, 31, year=2024),
    by("2024年2月底", 2, 29, year=2024),
    by("2023年9月", 9, 30),
    by("2023-12-31前", 12, 31),
    by("2023-12-31", 12, 31),
    by("2023/12/31", 12, 31),
    by("2023.12.31前", 12, 31),
    by("2023-09", 9, 30),
    by("年底前", 12, 31),
    by("年底", 12, 31),
    by("年末", 12, 31),
    by("年内", 12, 31),
    by("年底前完成", 12, 31),
    by("本年度内", 12, 31),
    by("当年底", 12, 31),
    by("2023年底", 12, 31),
    by("2023年底前", 12, 31),
    by("2023年末", 12, 31),
    by("2023年度内", 12, 31),
    by("上半年", 6, 30),
    by("上半年前完成", 6, 30),
    by("下半年", 12, 31),
    by("一季度", 3, 31),
    by("第二季度", 6, 30),
    by("第三季度", 9, 30),
    by("三季度末前", 9, 30),
    by("4季度", 12, 31),
    by("2024年第一季度", 3, 31, year=2024),
    # words
    words("效果明显", "达成"),
    words("效果明显。", "达成"),
    words(" 效果 明显 ", "达成"),
    words("部分达成", "部分达成"),
    words("不明显", "未达成"),
]


@pytest.mark.parametrize("expected", TARGETS, ids=[measure.text for measure in TARGETS])
def test_target_forms(expected: Measure) -> None:
    """Each real-looking target reads as its operator, number and unit, deadline, or tier; the text is kept as written."""
    assert parse_target(expected.text, year=YEAR) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年底", by("2023年底", 12, 31)),
        ("2024年3月31日前", by("2024年3月31日前", 3, 31, year=2024)),
        ("2023-12-31前", by("2023-12-31前", 12, 31)),
        ("≥50个", compared("≥50个", ">=", "50", "个")),
        ("效果明显", words("效果明显", "达成")),
    ],
)
def test_a_target_that_names_its_year_needs_no_year(text: str, expected: Measure) -> None:
    """A year written in the text is enough; numbers and words never need one."""
    assert parse_target(text) == expected


def test_the_year_written_wins_over_the_tables_year() -> None:
    """「2024年3月31日前」 in a 2023 table is a 2024 deadline (work carried over)."""
    assert parse_target("2024年3月31日前", year=2023).deadline == datetime.date(2024, 3, 31)


def test_numbers_keep_their_written_precision() -> None:
    """「=100.00%」 reads as Decimal('100.00'), never a float."""
    number = parse_target("=100.00%").number
    assert isinstance(number, Decimal)
    assert str(number) == "100.00"


# --- refused targets ------------------------------------------------------------------------------

EXPECTED_TARGET = (
    "a number with its unit and comparison (≥50个, 95%以上), a deadline (9月前) or words from the vocabulary"
)
EXPECTED_UNIT = "a unit such as 个, 人次, 万元, %, 天 or 元/人"
EXPECTED_OPERATOR = "≥, ≤, =, >, < or 不低于, 不超过, 达到, 低于, 高于 before the number"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f"target '': the text is empty; expected {EXPECTED_TARGET}"),
        ("  \u3000 ", f"target '  \\u3000 ': the text is empty; expected {EXPECTED_TARGET}"),
        ("。", f"target '。': the text is empty; expected {EXPECTED_TARGET}"),
        ("约50个", "target '约50个': 约 makes the number approximate; expected an exact number such as ≥50个"),
        ("大约50个", "target '大约50个': 大约 makes the number approximate; expected an exact number such as ≥50个"),
        ("≥约50个", "target '≥约50个': 约 makes the number approximate; expected an exact number such as ≥50个"),
        ("近50个", "target '近50个': 近 makes the number approximate; expected an exact number such as ≥50个"),
        ("50个左右", "target '50个左右': 左右 makes the number approximate; expected an exact number such as ≥50个"),
        ("95%上下", "target '95%上下': 上下 makes the number approximate; expected an exact number such as ≥50个"),
        ("50余个", "target '50余个': 余 makes the number approximate; expected an exact number such as ≥50个"),
        ("50多个", "target '50多个': 多 makes the number approximate; expected an exact number such as ≥50个"),
        ("90%-95%", "target '90%-95%': a range is not one value; expected one number with a comparison such as ≥90%"),
        ("90~95%", "target '90~95%': a range is not one value; expected one number with a comparison such as ≥90%"),
        ("90%至95%", "target '90%至95%': a range is not one value; expected one number with a comparison such as ≥90%"),
        ("≤95%以上", "target '≤95%以上': '≤' and '以上' disagree; expected one comparison such as ≤95%"),
        ("达到5%以内", "target '达到5%以内': '达到' and '以内' disagree; expected one comparison such as ≥5%"),
        ("≥50个村", f"target '≥50个村': '个村' is not a unit perfscore knows; expected {EXPECTED_UNIT}"),
        ("≤50万", f"target '≤50万': '万' is not a unit perfscore knows; expected {EXPECTED_UNIT}"),
        ("≥95%完成", f"target '≥95%完成': '%完成' is not a unit perfscore knows; expected {EXPECTED_UNIT}"),
        ("≤200元/人/天", f"target '≤200元/人/天': '元/人/天' is not a unit perfscore knows; expected {EXPECTED_UNIT}"),
        ("≤200元/万元", f"target '≤200元/万元': '元/万元' is not a unit perfscore knows; expected {EXPECTED_UNIT}"),
        (
            "覆盖率≥95%",
            f"target '覆盖率≥95%': '覆盖率≥' before the number is not a comparison; expected {EXPECTED_OPERATOR}",
        ),
        ("≥≥95%", f"target '≥≥95%': '≥≥' before the number is not a comparison; expected {EXPECTED_OPERATOR}"),
        ("1,2345个", f"target '1,2345个': perfscore cannot read this; expected {EXPECTED_TARGET}"),
        (
            "≥1 234个",
            "target '≥1 234个': a space splits the number; expected the number written without spaces, such as 1234",
        ),
        ("95.%", f"target '95.%': '.%' is not a unit perfscore knows; expected {EXPECTED_UNIT}"),
        ("五十个", f"target '五十个': these words are not in the vocabulary; expected {EXPECTED_TARGET}"),
        ("社会效益显著", f"target '社会效益显著': these words are not in the vocabulary; expected {EXPECTED_TARGET}"),
        (
            "1" * 41,
            f"target '{'1' * 41}': the number has more than 31 digits before the point; expected a budget-sized number",
        ),
        ("2月30日前", "target '2月30日前': 2023年2月 has no day 30; expected a day from 1 to 28"),
        ("2024年2月30日前", "target '2024年2月30日前': 2024年2月 has no day 30; expected a day from 1 to 29"),
        ("13月前", "target '13月前': there is no month 13; expected a month from 1 to 12"),
        ("0月底", "target '0月底': there is no month 0; expected a month from 1 to 12"),
        ("2023-12-00", "target '2023-12-00': 2023年12月 has no day 0; expected a day from 1 to 31"),
        ("0000年底", "target '0000年底': there is no year 0; expected a year such as 2023"),
    ],
)
def test_refused_targets(text: str, message: str) -> None:
    """A target perfscore cannot read in exactly one way is refused, saying what was written and what was expected."""
    assert refusal(parse_target, text, year=YEAR) == message


@pytest.mark.parametrize("text", ["9月前", "12月31日前", "年底前", "上半年", "第三季度", "9月"])
def test_a_deadline_without_a_year_is_refused(text: str) -> None:
    """A date that gives no year needs the table's year; it is never assumed to be this year."""
    expected = "expected the year written in the text (2023年9月前) or the table's year"
    assert refusal(parse_target, text) == f"target {text!r}: the date gives no year; {expected}"


def test_a_long_text_is_refused_and_quoted_short() -> None:
    """A cell holding a paragraph is not a target; the message quotes its first 59 characters."""
    text = "好" * 201
    assert refusal(parse_target, text) == (
        f"target '{'好' * 59}…': the text is longer than 200 characters; expected {EXPECTED_TARGET}"
    )


def test_the_bounds_come_from_limits() -> None:
    """The length of a cell's text and the size of its number are read from the Limits given."""
    tight = Limits(max_cell_text=6, max_number_text=4, max_exponent=2)
    assert parse_target("≥999个", limits=tight).number == Decimal(999)
    assert refusal(parse_target, "≥1000个", limits=tight) == (
        "target '≥1000个': the number has more than 3 digits before the point; expected a budget-sized number"
    )
    assert refusal(parse_target, "1.234", limits=tight) == (
        "target '1.234': the number is longer than 4 characters; expected a budget-sized number"
    )
    assert refusal(parse_actual, "部分达成年度指标", parse_target("达成"), limits=tight) == (
        "actual '部分达成年度指标': the text is longer than 6 characters; expected a number with its unit (52个, 96.5%), "
        "a date (9月20日) or words from the vocabulary"
    )


@pytest.mark.parametrize(
    ("text", "digit"),
    [("≥1²个", "²"), ("①0", "①"), ("١٢", "١"), ("≥5⒈5%", "⒈"), ("٩月前", "٩"), ("2023年١٢月底前", "١")],
)
def test_only_the_digits_0_to_9_are_read(text: str, digit: str) -> None:
    """Superscripts, circled and Arabic-Indic digits are refused, never read as other numbers or dates (「≥1²个」 is not ≥12)."""
    assert refusal(parse_target, text, year=YEAR) == (
        f"target {text!r}: '{digit}' is not one of the digits 0–9; expected a number written with the digits 0–9"
    )
    assert refusal(parse_actual, text, parse_target("≥1个"), year=YEAR).startswith(f"actual {text!r}: ")


def test_text_is_required() -> None:
    """A target that is not text at all is a programming mistake, not a TextError."""
    with pytest.raises(TypeError) as caught:
        parse_target(None)  # type: ignore[arg-type]
    assert str(caught.value) == "a target is text, not NoneType"


# --- the vocabulary -------------------------------------------------------------------------------

BRIEF_WORDS = {
    "达成": "达成预期指标 达成年度指标 有效 效果明显 显著提升 明显提升 好 高 较好 良好 满意 持续 长期 逐步提升",
    "部分达成": "部分达成 基本达成 一般 有所提升",
    "未达成": "未达成 较差 差 不明显",
}
WORDS = [(word, tier) for tier, listed in BRIEF_WORDS.items() for word in listed.split()]


@pytest.mark.parametrize(("word", "tier"), WORDS)
def test_vocabulary_words_name_their_tier(word: str, tier: str) -> None:
    """Each listed word names its tier, as a target and as the actual against it."""
    target = parse_target(word)
    assert target == words(word, tier)
    assert parse_actual(word, target) == words(word, tier)


def test_default_vocabulary_is_read_only() -> None:
    """Nobody changes the built-in words for everyone: a bureau passes its own."""
    with pytest.raises(TypeError):
        DEFAULT_VOCABULARY["较好"] = "部分达成"  # type: ignore[index]


def test_a_bureaus_words_are_added() -> None:
    """A bureau's own words are read; the default vocabulary is left as it was."""
    bureau = {"社会效益显著": "达成", "按期 完成": "达成"}
    assert parse_target("社会效益显著", vocabulary=bureau) == words("社会效益显著", "达成")
    assert parse_target("按期完成", vocabulary=bureau) == words("按期完成", "达成")
    assert "社会效益显著" not in DEFAULT_VOCABULARY


def test_a_bureaus_words_win_over_the_defaults() -> None:
    """A bureau that reads 「无」 as a met "none at all" target says so, and its word wins."""
    target = parse_target("无", vocabulary={"无": "达成"})
    assert target == words("无", "达成")
    assert parse_actual("无", target, vocabulary={"无": "达成"}) == words("无", "达成")
    with pytest.raises(TextError):  # not in the default vocabulary: 「无」 can mean either (see the docs)
        parse_target("无")


def test_a_bureaus_words_are_read_before_numbers_and_dates() -> None:
    """A bureau may classify a whole text as words, even one that looks like a deadline."""
    assert parse_target("年底前", vocabulary={"年底前": "达成"}) == words("年底前", "达成")


@pytest.mark.parametrize(
    ("vocabulary", "message"),
    [
        ({" ": "达成"}, "vocabulary maps a word to a tier name, got ' ' → '达成'"),
        ({"好": ""}, "vocabulary maps a word to a tier name, got '好' → ''"),
    ],
)
def test_a_broken_vocabulary_is_refused(vocabulary: dict[str, str], message: str) -> None:
    """A vocabulary entry with no word or no tier is a mistake in the bureau's policy."""
    with pytest.raises(ValueError) as caught:
        parse_target("好", vocabulary=vocabulary)
    assert str(caught.value) == message


# --- actuals --------------------------------------------------------------------------------------

ACTUALS = [
    # numbers in the target's unit
    ("≥50个", reached("52个", "52", "个")),
    ("≥50个", reached("５２个", "52", "个")),
    ("≥50个", reached(" 52 个 ", "52", "个")),
    ("≥50个", reached("完成52个", "52", "个")),
    ("≥50个", reached("已完成52个", "52", "个")),
    ("≥50个", reached("实际完成52个", "52", "个")),
    ("≥95%", reached("96.5%", "96.5", "%")),
    ("≥95%", reached("９６．５％", "96.5", "%")),
    ("≥95%", reached("达到96%", "96", "%")),
    ("≥95%", reached("实现96%", "96", "%")),
    ("=100%", reached("100%", "100", "%")),
    ("≥1,000人次", reached("1,234人次", "1234", "人次")),
    ("≥-5%", reached("-3.2%", "-3.2", "%")),
    ("≤30个工作日", reached("25个工作日", "25", "工作日")),
    ("≥90分", reached("92.5分", "92.5", "分")),
    ("≤3个月", reached("2个月", "2", "月")),
    # converted into the target's unit
    ("≤500000元", reached("48.6万元", "486000.0", "元")),
    ("≤90万元", reached("850000元", "85", "万元")),
    ("≤90万元", reached("85.5万元", "85.5", "万元")),
    ("≤1亿元", reached("9,800万元", "0.98", "亿元")),
    ("≤50千元", reached("4.5万元", "45", "千元")),
    ("≥1.2万人次", reached("13,000人次", "1.3", "万人次")),
    ("≥500人次", reached("0.06万人次", "600", "人次")),
    ("≤3‰", reached("0.25%", "2.50", "‰")),
    ("≤200元/人", reached("0.018万元/人", "180.000", "元/人")),
    # a bare number read in a plain unit written on the other side
    ("≥50个", reached("52", "52", "个")),
    ("≤3天", reached("2", "2", "天")),
    ("≥50", reached("52个", "52", "个")),
    ("=12", reached("12", "12")),
    # dates against deadlines
    ("9月前", on("9月20日", 9, 20)),
    ("9月前", on("9月20号", 9, 20)),
    ("9月前", on("2023年9月20日", 9, 20)),
    ("9月前", on("2023-09-20", 9, 20)),
    ("9月前", on("2023/9/20", 9, 20)),
    ("9月前", on("2023.9.20", 9, 20)),
    ("9月前", on("9月20日完成", 9, 20)),
    ("9月前", on("已于9月20日完成", 9, 20)),
    ("9月前", on("于2023年9月20日完成", 9, 20)),
    ("9月前", on("已于9月完成", 9, 30)),
    ("9月前", on("9月", 9, 30)),
    ("9月前", on("9月上旬", 9, 10)),
    ("12月31日前", on("12月底前完成", 12, 31)),
    ("年底前", on("年底前完成", 12, 31)),
    ("年底前", on("2024年1月15日", 1, 15, year=2024)),
    ("上半年", on("第二季度", 6, 30)),
    # words against words
    ("效果明显", words("显著提升", "达成")),
    ("效果明显", words("效果明显", "达成")),
    ("效果明显", words("基本达成", "部分达成")),
    ("效果明显", words("不明显", "未达成")),
    ("满意", words("较差。", "未达成")),
]


@pytest.mark.parametrize(("target", "expected"), ACTUALS, ids=[f"{t} {a.text}" for t, a in ACTUALS])
def test_actual_forms(target: str, expected: Measure) -> None:
    """Each actual reads the way its target is written, a number in the target's unit; the text is kept."""
    assert parse_actual(expected.text, parse_target(target, year=YEAR), year=YEAR) == expected


@pytest.mark.parametrize(
    ("target", "actual", "shown"),
    [
        ("≤500000元", "48.6万元", "486000.0"),
        ("≤90万元", "850000元", "85"),
        ("≤1亿元", "9,800万元", "0.98"),
        ("≥1.2万人次", "13,000人次", "1.3"),
        ("≤3‰", "0.25%", "2.50"),
    ],
)
def test_converted_actuals_are_exact(target: str, actual: str, shown: str) -> None:
    """A conversion moves the decimal point and nothing else: the digits written are kept."""
    number = parse_actual(actual, parse_target(target)).number
    assert isinstance(number, Decimal)
    assert str(number) == shown


def test_an_actual_date_needs_a_year() -> None:
    """An actual date without its year is refused when no table year is given, even if the target had one."""
    target = parse_target("2023年底")
    expected = "expected the year written in the text (2023年9月前) or the table's year"
    assert refusal(parse_actual, "9月20日", target) == f"actual '9月20日': the date gives no year; {expected}"
    assert parse_actual("2023年9月20日", target) == on("2023年9月20日", 9, 20)


# --- refused actuals ------------------------------------------------------------------------------

EXPECTED_ACTUAL = "a number with its unit (52个, 96.5%), a date (9月20日) or words from the vocabulary"
REFUSED_ACTUALS = [
    ("≥50个", "", f"actual '': the text is empty; expected {EXPECTED_ACTUAL}"),
    (
        "≥50个",
        "50人",
        "actual '50人': 人 cannot be compared with 个; expected a number in 个 or a unit that converts to it, "
        "as the target is '≥50个'",
    ),
    (
        "≥95%",
        "95分",
        "actual '95分': 分 cannot be compared with %; expected a number in % or a unit that converts to it, "
        "as the target is '≥95%'",
    ),
    (
        "≤90万元",
        "85人次",
        "actual '85人次': 人次 cannot be compared with 万元; expected a number in 万元 or a unit that converts to it, "
        "as the target is '≤90万元'",
    ),
    (
        "≤3天",
        "2月",
        "actual '2月': 月 cannot be compared with 天; expected a number in 天 or a unit that converts to it, "
        "as the target is '≤3天'",
    ),
    (
        "≥95%",
        "≥96%",
        "actual '≥96%': an actual is what was reached, not a comparison; expected the value reached, such as 96%",
    ),
    (
        "≥95%",
        "96%以上",
        "actual '96%以上': an actual is what was reached, not a comparison; expected the value reached, such as 96%",
    ),
    (
        "≥95%",
        "不低于96%",
        "actual '不低于96%': an actual is what was reached, not a comparison; expected the value reached, such as 96%",
    ),
    (
        "≥95%",
        "96",
        "actual '96': the number has no unit and the target '≥95%' is in %; expected the unit written out: 96% or 96‰",
    ),
    (
        "≤500000元",
        "48.6",
        "actual '48.6': the number has no unit and the target '≤500000元' is in 元; "
        "expected the unit written out: 48.6元 or 48.6千元 or 48.6万元 or 48.6百万元 or 48.6亿元",
    ),
    (
        "≥1.2万人次",
        "13000",
        "actual '13000': the number has no unit and the target '≥1.2万人次' is in 万人次; "
        "expected the unit written out: 13000万人次 or 13000人次 or 13000亿人次",
    ),
    (
        "≥95",
        "96%",
        "actual '96%': this is in % and the target '≥95' has no unit; "
        "expected the target written with its unit, such as ≥95%",
    ),
    (
        "≤500000",
        "48.6万元",
        "actual '48.6万元': this is in 万元 and the target '≤500000' has no unit; "
        "expected the target written with its unit, such as ≤500000万元",
    ),
    (
        "≥50个",
        "完成",
        "actual '完成': this is written in words; expected a number such as 50个, as the target '≥50个' is a number",
    ),
    (
        "≥50个",
        "五十二个",
        "actual '五十二个': this is written in words; expected a number such as 50个, as the target '≥50个' is a number",
    ),
    ("≥50个", "约52个", "actual '约52个': 约 makes the number approximate; expected an exact number such as 52个"),
    (
        "≥50个",
        "52个左右",
        "actual '52个左右': 左右 makes the number approximate; expected an exact number such as 52个",
    ),
    ("≥50个", "9月20日", f"actual '9月20日': perfscore cannot read this; expected {EXPECTED_ACTUAL}"),
    (
        "9月前",
        "按时完成",
        "actual '按时完成': this is not a date; expected the date it was done, such as 9月20日 or 2023-09-20, "
        "as the target '9月前' is a deadline",
    ),
    (
        "9月前",
        "52个",
        "actual '52个': this is not a date; expected the date it was done, such as 9月20日 or 2023-09-20, "
        "as the target '9月前' is a deadline",
    ),
    ("9月前", "9月31日", "actual '9月31日': 2023年9月 has no day 31; expected a day from 1 to 30"),
    (
        "效果明显",
        "96%",
        "actual '96%': these words are not in the vocabulary; expected words from the vocabulary such as 达成预期指标 "
        "or 部分达成, as the target '效果明显' is written in words",
    ),
    (
        "效果明显",
        "还行",
        "actual '还行': these words are not in the vocabulary; expected words from the vocabulary such as 达成预期指标 "
        "or 部分达成, as the target '效果明显' is written in words",
    ),
]


@pytest.mark.parametrize(
    ("target", "actual", "message"), REFUSED_ACTUALS, ids=[f"{t} {a}" for t, a, _ in REFUSED_ACTUALS]
)
def test_refused_actuals(target: str, actual: str, message: str) -> None:
    """An actual that cannot be read against its target in exactly one way is refused with the full reason."""
    assert refusal(parse_actual, actual, parse_target(target, year=YEAR), year=YEAR) == message


def test_a_target_must_come_from_parse_target() -> None:
    """A hand-made Measure with no number, date or tier cannot be read against."""
    empty = Measure("?", None, None, None, None, None, qualitative=False)
    with pytest.raises(ValueError) as caught:
        parse_actual("52", empty)
    assert str(caught.value) == "the target '?' has no number, date or tier: read it with parse_target"


# --- units ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "unit", "to_unit", "expected"),
    [
        ("48.6", "万元", "元", "486000.0"),
        ("500000", "元", "万元", "50"),
        ("1.5", "亿元", "万元", "15000.0"),
        ("9800", "万元", "亿元", "0.98"),
        ("2468.78", "万元", "元", "24687800.00"),
        ("12", "千元", "万元", "1.2"),
        ("3", "百万元", "万元", "300"),
        ("0.25", "%", "‰", "2.50"),
        ("5", "‰", "%", "0.5"),
        ("1.3", "万人次", "人次", "13000.0"),
        ("2", "亿人次", "万人次", "20000"),
        ("3", "万亩", "亩", "30000"),
        ("0.018", "万元/人", "元/人", "180.000"),
        ("52", "个", "个", "52"),
        ("7", "天", "天", "7"),
        ("1", "个", "人", None),
        ("1", "天", "小时", "24"),
        ("1", "年", "月", "12"),
        ("36", "小时", "天", "1.5"),
        ("250", "厘米", "米", "2.5"),
        ("1.2", "公里", "米", "1200.0"),
        ("2", "吨", "公斤", "2000"),
        ("1", "天", "月", None),
        ("1", "元", "%", None),
        ("1", "元/人", "元/户", None),
        ("1", "万天", "天", None),
        ("1", "人次", "万元", None),
    ],
)
def test_convert(number: str, unit: str, to_unit: str, expected: str | None) -> None:
    """Money across 元/千元/万元/百万元/亿元, % and ‰, counts and their 万; anything else does not convert."""
    converted = convert(Decimal(number), unit, to_unit)
    assert (None if converted is None else str(converted)) == expected


def test_convert_keeps_every_digit_of_a_long_number() -> None:
    """A 35-digit amount converts without rounding (the context is as wide as the number)."""
    number = Decimal("1234567890123456789012345678901.2345")
    assert convert(number, "万元", "元") == Decimal("12345678901234567890123456789012345")
    assert convert(number, "元", "亿元") == Decimal("12345678901234567890123.456789012345")


# --- the error ------------------------------------------------------------------------------------


def test_text_error_is_data() -> None:
    """A TextError carries what was written, the problem, what was expected and which column; it is a ValueError."""
    with pytest.raises(TextError) as caught:
        parse_actual("50人", parse_target("≥50个"), strict=True)
    error = caught.value
    assert (error.text, error.role, error.problem) == ("50人", "actual", "人 cannot be compared with 个")
    assert error.expected == "a number in 个 or a unit that converts to it, as the target is '≥50个'"
    assert isinstance(error, ValueError)
    assert isinstance(error, PerfscoreError)


def test_text_error_survives_pickling() -> None:
    """A TextError travels to and from worker processes with its message intact."""
    with pytest.raises(TextError) as caught:
        parse_target("约50个")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert str(copy) == str(caught.value)
    assert copy.role == "target"


# --- properties -----------------------------------------------------------------------------------

OPERATORS = [("≥", ">="), ("≤", "<="), ("=", "="), (">", ">"), ("<", "<"), ("不低于", ">="), ("不超过", "<=")]
UNITS = ["个", "人次", "万元", "元", "%", "天", "万人次", "元/人", "‰"]


@st.composite
def written_numbers(draw: st.DrawFn) -> Decimal:
    """Exact decimals with 0–4 places, as a typist would write them."""
    return Decimal(draw(st.integers(-(10**12), 10**12))).scaleb(-draw(st.integers(0, 4)))


class TestReading:
    """Properties that hold for every target and actual, not only the listed ones."""

    @given(written_numbers(), st.sampled_from(OPERATORS), st.sampled_from(UNITS))
    def test_a_written_target_reads_back(self, number: Decimal, operator: tuple[str, str], unit: str) -> None:
        """Any exact number written with a comparison and a known unit reads back as that number, comparison and unit."""
        text = f"{operator[0]}{number:f}{unit}"
        assert parse_target(text) == Measure(text, operator[1], number, unit, None, None, False)  # type: ignore[arg-type]

    @given(
        written_numbers(),
        st.sampled_from(["元", "千元", "万元", "百万元", "亿元"]),
        st.sampled_from(["元", "万元", "亿元"]),
    )
    def test_money_converts_there_and_back(self, number: Decimal, unit: str, target_unit: str) -> None:
        """An amount read against a target in another money unit and converted back is the amount written."""
        actual = parse_actual(f"{number:f}{unit}", parse_target(f"≤1{target_unit}"))
        assert actual.number is not None
        assert actual.unit == target_unit
        assert convert(actual.number, target_unit, unit) == number

    @given(st.text(alphabet="0123456789.,，%％≥≤=<>-~约以上下内月日年底前后个万元人次效果明显 　", max_size=16))
    def test_any_text_is_read_or_refused(self, text: str) -> None:
        """Whatever a cell holds, parse_target returns a Measure or raises TextError, and never anything else."""
        try:
            measure = parse_target(text, year=YEAR)
        except TextError as error:
            assert error.text == text
        else:
            assert measure.text == text
            assert (measure.number is not None) + (measure.deadline is not None) + measure.qualitative == 1


# --- the documentation ----------------------------------------------------------------------------


def doc_tables(section: str) -> list[list[list[str]]]:
    """The Markdown tables of one ``## `` section of docs/tables.md: rows of cells, header and rule left out."""
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert found is not None, f"docs/tables.md has no section '## {section}'"
    tables: list[list[list[str]]] = []
    rows: list[list[str]] = []
    for line in [*found.group(1).split("\n"), ""]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            tables.append(rows[2:])
            rows = []
    return tables


def written(cell: str) -> str:
    """The text inside a cell's backticks; (empty) is the empty text."""
    return "" if cell == "(empty)" else cell.strip("`")


def shown(measure: Measure) -> str:
    """A Measure as the docs' 'Read as' column writes it: ≥ 50 个, by 2023-09-30, on 2023-09-20, tier 达成."""
    symbols = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}
    if measure.qualitative:
        return f"tier {measure.tier}"
    if measure.deadline is not None:
        return f"{'by' if measure.operator else 'on'} {measure.deadline.isoformat()}"
    parts = [symbols[measure.operator]] if measure.operator else []
    return " ".join([*parts, str(measure.number), *([measure.unit] if measure.unit else [])])


def test_docs_have_the_forms_tables() -> None:
    """The forms section holds the targets, actuals and refusals tables, each with many rows."""
    targets, actuals, _, assumed, refused = doc_tables("Accepted target and actual forms")
    assert (len(targets) >= 60, len(actuals) >= 20, len(assumed) >= 8, len(refused) >= 15) == (True,) * 4


def test_docs_target_forms_read_as_documented() -> None:
    """Every row of the documented targets table reads as its 'Read as' column says."""
    targets = doc_tables("Accepted target and actual forms")[0]
    assert [[row[1], shown(parse_target(written(row[1]), year=YEAR))] for row in targets] == [
        [row[1], row[2]] for row in targets
    ]


def test_docs_actual_forms_read_as_documented() -> None:
    """Every row of the documented actuals table reads against its target as its 'Read as' column says."""
    actuals = doc_tables("Accepted target and actual forms")[1]
    read = [
        [row[2], shown(parse_actual(written(row[2]), parse_target(written(row[1]), year=YEAR), year=YEAR))]
        for row in actuals
    ]
    assert read == [[row[2], row[3]] for row in actuals]


def test_docs_refused_forms_are_refused() -> None:
    """Every row of the documented refusals is refused: the target itself, or the actual against it."""
    refused = doc_tables("Accepted target and actual forms")[4]
    roles = []
    for strict in (False, True):
        for row in refused:
            with pytest.raises(TextError) as caught:
                target = parse_target(written(row[0]), year=YEAR, strict=strict)
                parse_actual(written(row[1]), target, year=YEAR, strict=strict)
            roles.append((row[0], row[1], caught.value.role))
    assert roles == [(row[0], row[1], "target" if row[1] == "—" else "actual") for row in refused] * 2


def test_docs_forms_read_with_a_finding() -> None:
    """Every row of «Read with a finding» reads as its 'Read as' column says, with the assumption its
    'Finding' column names (— for none: a measure word of its own); strictly, every one is refused."""
    table = doc_tables("Accepted target and actual forms")[3]
    read, refused = [], []
    for row in table:
        target = parse_target(written(row[0]), year=YEAR)
        actual = parse_actual(written(row[1]), target, year=YEAR)
        keys = [assumed.key for assumed in (*target.assumed, *actual.assumed)]
        read.append([row[0], row[1], shown(actual), f"`{keys[0]}`" if keys else "—"])
        try:
            parse_actual(written(row[1]), parse_target(written(row[0]), year=YEAR, strict=True), strict=True)
        except TextError:
            refused.append(row[1])
    assert read == [[row[0], row[1], row[2], row[3].split(" ")[0]] for row in table]
    assert refused == [row[1] for row in table]


def test_docs_conversions_convert_as_listed() -> None:
    """The conversions table: every unit of a family converts to every other (a unit listed as converting
    to nothing else converts to none of them)."""
    table = doc_tables("Accepted target and actual forms")[2]
    families = {row[0]: row[1] for row in table}
    assert set(families) == {"money", "percentages", "length", "area", "weight", "time", "万 and 亿", "per unit"}
    for a, b in [("元", "亿元"), ("‰", "%"), ("毫米", "公里"), ("公顷", "平方公里"), ("克", "吨"), ("分钟", "周"),
                 ("月", "年"), ("亩", "万亩"), ("元/人", "万元/人")]:  # fmt: skip
        assert convert(Decimal(1), a, b) is not None, (a, b)
    for a, b in [("亩", "平方米"), ("工作日", "天"), ("月", "天")]:
        assert convert(Decimal(1), a, b) is None, (a, b)


def test_docs_vocabulary_is_the_default_vocabulary() -> None:
    """The documented vocabulary table lists exactly the built-in words and their tiers."""
    (table,) = doc_tables("Qualitative vocabulary")
    documented = {word.strip(): row[0] for row in table for word in row[1].split(",")}
    assert documented == dict(DEFAULT_VOCABULARY)
