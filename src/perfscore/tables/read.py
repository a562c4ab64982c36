"""Reading self-evaluation tables (自评表) from the files units send: .xlsx, .csv, .toml/.json, or a folder.

A table is found by its header row — the usual Chinese column names (一级指标, 三级指标, 年度指标值,
实际完成值, 分值, 得分, …) and their variants — wherever it sits in a sheet, after title rows, the
project's name and the budget block. Reading never "fixes" what a unit wrote: a totals row that
does not add up is read as written, for the audit to report. Every value keeps its cell.

Numbers in .xlsx files are read as the table shows them: the cell's value to Excel's 15
significant digits, then rounded half-up to the decimals its number format shows (``0.00`` → 2,
``0.00%`` → 2 after ×100); a cell in the General format keeps its 15 digits. Numbers typed as
text (「10」, 「9.5分」, 「１０」, 「2,468.78万元」, 「99.49%」) are read by :mod:`perfscore.reading`, as
unit data is: the same digits read as the same number, and 「1²」, 「①0」 or 「١٢」 are refused.
Every size bound comes from a :class:`~perfscore.limits.Limits` (``limits=``).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import decimal
import importlib
import io
import json
import os
import re
import stat
import unicodedata
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import DataError, Location, Problem, UnreadableFileError, os_reason, suggest
from ..limits import DEFAULT_LIMITS, Limits
from ..messages import Text, verbatim, words
from ..reading import Unreadable, normal_width, number_text, read_number
from ..text import for_terminal
from ..toml import decode, parse_toml
from .archive import Archive, Refused, SheetScan, bound_problem, column_letter
from .model import BudgetBlock, Cell, IndicatorRow, Table

__all__ = [
    "ALIASES",
    "COLUMN_FIELDS",
    "EXTRA_COLUMNS",
    "MAPPING_FIELDS",
    "HeaderMatch",
    "column_letter",
    "find_header",
    "parse_number",
    "read_parts",
    "read_tables",
    "shown_number",
    "table_files",
]

SUFFIXES = (".xlsx", ".csv", ".toml", ".json")
_WIDE = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_UP, Emax=999, Emin=-999)

#: The indicator block's columns, in the model's names (:class:`~.model.IndicatorRow`).
COLUMN_FIELDS = ("level1", "level2", "level3", "target", "actual", "points", "reported", "note")
_BUDGET_FIELDS = ("initial", "adjusted", "executed", "points", "reported_rate", "reported")
_LABEL_FIELDS = ("title", "year", "total", "grade")
#: What a ``mapping`` may name: a column, a budget label (``budget.adjusted``) or a label cell.
MAPPING_FIELDS = (*COLUMN_FIELDS, *(f"budget.{name}" for name in _BUDGET_FIELDS), *_LABEL_FIELDS)

#: Header and label names, after full-width forms, spaces and bracketed notes are dropped
#: (「分值（分）」 reads as 分值, 「全年预算数（A）」 as 全年预算数). Order matters only for ties.
ALIASES: Mapping[str, tuple[str, ...]] = {
    "level1": ("一级指标", "一级"),
    "level2": ("二级指标", "二级"),
    "level3": ("三级指标", "三级", "指标名称", "绩效指标名称", "具体指标"),
    "target": ("年度指标值", "年度目标值", "指标值", "目标值", "预期指标值", "预期目标值", "年度目标", "计划值"),
    "actual": ("实际完成值", "全年实际值", "实际值", "完成值", "全年实际完成值", "实际完成情况"),
    "points": ("分值", "权重", "指标分值", "标准分值", "标准分"),
    "reported": ("得分", "自评得分", "实际得分"),
    "note": ("偏差原因分析及改进措施", "偏差原因分析", "偏差原因", "原因分析", "改进措施"),
    "budget.initial": ("年初预算数", "年初预算", "年初预算金额"),
    "budget.adjusted": ("全年预算数", "调整后预算数", "全年预算", "调整预算数", "预算数"),
    "budget.executed": ("全年执行数", "执行数", "全年执行", "实际执行数", "实际支出数"),
    "budget.reported_rate": ("执行率", "预算执行率", "全年执行率"),
    "budget.points": ("分值",),
    "budget.reported": ("得分",),
    "title": ("项目名称", "部门名称", "单位名称", "预算单位名称", "预算单位", "预算部门", "填报单位"),
    "year": ("年度", "评价年度", "预算年度", "自评年度", "所属年度"),
    "total": ("总分", "合计", "总计", "自评总分", "总得分", "得分合计", "合计得分", "综合得分"),
    "grade": ("评价等级", "自评等级", "绩效等级", "综合评价等级", "评定等级", "等级"),
}
_EXACT: dict[str, tuple[str, ...]] = {}
for _role, _names in ALIASES.items():
    for _name in _names:
        _EXACT[_name] = (*_EXACT.get(_name, ()), _role)
_ALL_ROLES = frozenset(ALIASES)
_COLUMN_ROLES = frozenset(COLUMN_FIELDS)
_BUDGET_ROLES = frozenset(f"budget.{name}" for name in ("initial", "adjusted", "executed", "reported_rate"))
_BUDGET_ROW_ROLES = frozenset(f"budget.{name}" for name in _BUDGET_FIELDS)
_BLANK = frozenset({"", "-", "--", "—", "——", "–", "/", "//", "\\"})  # "not applicable" in a number cell
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")
# Years are ASCII digits once full-width forms are folded (「２０２３年」): 「²⁰²³」 is not a year.
_YEAR_VALUE = re.compile(r"^\s*((?:19|20)[0-9]{2})\s*(年度?)?\s*$")
_TITLE_YEAR = re.compile(r"((?:19|20)[0-9]{2})\s*年度?")


# --- recognising names ----------------------------------------------------------------------


def _key(text: str) -> str:
    """A cell's text as mapping keys are matched: full-width forms folded, all spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _words(text: str) -> str:
    """A cell's text as names are matched: also without bracketed notes and a trailing colon."""
    return _BRACKETS.sub("", _key(text)).rstrip(":")


@dataclass(frozen=True)
class _Lexicon:
    """The built-in names plus a user's ``mapping`` (which wins)."""

    mapped: Mapping[str, str]
    #: Answers of :meth:`role` already given (headers repeat from table to table), at most _MOST_ROLES.
    memo: dict[tuple[str, frozenset[str], int], tuple[str, int] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    def role(self, text: str, roles: Collection[str], loosest: int = 3) -> tuple[str, int] | None:
        """The role a header or label text names and how closely: 0 mapped, 1 exact, 2 starts or
        ends with a name, 3 contains one (never looser than ``loosest``)."""
        question = (text, frozenset(roles), loosest)
        try:
            return self.memo[question]
        except KeyError:
            pass
        if len(self.memo) >= _MOST_ROLES:
            self.memo.clear()
        found = self.memo[question] = self._role(text, roles, loosest)
        return found

    def _role(self, text: str, roles: Collection[str], loosest: int) -> tuple[str, int] | None:
        key = _key(text)
        if not key:
            return None
        if self.mapped.get(key) in roles:
            return self.mapped[key], 0
        words = _words(text)
        for role in _EXACT.get(words, ()):
            if role in roles:
                return role, 1
        if loosest < 2:
            return None
        best: tuple[int, int, str] | None = None  # (tier, -len(alias), role)
        for role in roles:
            for alias in ALIASES[role]:
                if words.startswith(alias) or words.endswith(alias):
                    tier = 2
                elif alias in words:
                    tier = 3
                else:
                    continue
                if tier <= loosest and (best is None or (tier, -len(alias)) < best[:2]):
                    best = (tier, -len(alias), role)
        return None if best is None else (best[2], best[0])

    def label(self, text: str, roles: Collection[str]) -> tuple[str, str | None] | None:
        """A label cell naming one of ``roles``: 「总分」 (its value elsewhere) or 「总分：95.5」 (its value
        after the colon)."""
        names, inline = self.names(text)
        return next(((role, inline) for role in names if role in roles), None)

    def names(self, text: str) -> tuple[tuple[str, ...], str | None]:
        """Every role a label cell's text names exactly (mapped first), and the text after its colon."""
        names = self._exact(text)
        if names:
            return names, None
        for colon in ("：", ":"):
            head, sep, tail = text.partition(colon)
            if sep and tail.strip():
                names = self._exact(head)
                if names:
                    return names, tail.strip()
        return (), None

    def _exact(self, text: str) -> tuple[str, ...]:
        mapped = self.mapped.get(_key(text))
        exact = _EXACT.get(_words(text), ())
        return exact if mapped is None else (mapped, *exact)


_MOST_ROLES = 20_000
_BUILT_IN = _Lexicon({})  # the lexicon of every table read without a mapping: its memo serves them all


def _lexicon(mapping: Mapping[str, str] | None) -> _Lexicon:
    if not mapping:
        return _BUILT_IN
    problems = []
    for name, role in mapping.items():
        if role not in MAPPING_FIELDS:
            where = Location("mapping", (name,))
            message = PROBLEMS["unknown-field"].format(field=repr(role), known=", ".join(MAPPING_FIELDS))
            problems.append(Problem(where, message, suggest(role, MAPPING_FIELDS), code="unknown-field"))
    if problems:
        raise DataError(problems, "mapping")
    return _Lexicon({_key(name): role for name, role in mapping.items()})


# --- the header -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderMatch:
    """Where a table's indicator header is: its first and last row (0-based indexes into the rows
    given; equal for a one-line header), each field's column (0-based) and its header text."""

    first: int
    last: int
    columns: Mapping[str, int]
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """A header names the indicator (三级指标) and at least two of target, actual, points, score."""
        return "level3" in self.columns and len({"target", "actual", "points", "reported"} & set(self.columns)) >= 2


def find_header(
    rows: Sequence[Sequence[str]], *, mapping: Mapping[str, str] | None = None, limits: Limits = DEFAULT_LIMITS
) -> HeaderMatch | None:
    """The indicator block's header in a sheet's rows of cell texts, or None when there is none.

    The header is the row (or pair of rows, for a header spanning two lines) that names the most
    fields; it must name 三级指标 (or 指标名称) and two of 年度指标值, 实际完成值, 分值, 得分.
    A second header line is one made only of column names (「一级指标 | 二级指标 | 三级指标」 under
    a merged 「绩效指标」). Ties go to the one-line header, then to the earliest; only the first
    ``limits.max_header_row`` rows are looked at.
    """
    return _find_header(rows, _lexicon(mapping), limits)


def _find_header(rows: Sequence[Sequence[str]], lexicon: _Lexicon, limits: Limits) -> HeaderMatch | None:
    best: HeaderMatch | None = None
    for index, row in enumerate(rows[: limits.max_header_row]):
        candidates = [_match(lexicon, index, [row])]
        if index + 1 < len(rows) and _header_like(lexicon, rows[index + 1]):
            candidates.append(_match(lexicon, index, [row, rows[index + 1]]))
        for match in candidates:
            if match.valid and (best is None or _rank(match) > _rank(best)):
                best = match
    return best


def _rank(match: HeaderMatch) -> tuple[int, int]:
    return len(match.columns), match.first - match.last


#: Columns that real templates add and that nothing is read from; they may stand in a header line.
EXTRA_COLUMNS = frozenset({"序号", "备注", "指标解释", "指标说明", "评分标准", "评分细则", "计算方法", "计算公式"})


def _header_like(lexicon: _Lexicon, row: Sequence[str]) -> bool:
    """A row made only of column names (a header's second line): at least one names a field, and
    every other one is a known extra column (序号, 备注, 指标解释, …)."""
    texts = [text for text in row if text.strip() and _words(text) not in EXTRA_COLUMNS]
    return bool(texts) and all(lexicon.role(text, _COLUMN_ROLES, loosest=2) for text in texts)


def _match(lexicon: _Lexicon, first: int, lines: Sequence[Sequence[str]]) -> HeaderMatch:
    """The fields named by one header line, or by two read together (the lower line first)."""
    width = max(len(line) for line in lines)
    found: dict[str, tuple[int, int, str]] = {}  # field → (tier, column, text)
    for column in range(width):
        texts = [line[column] if column < len(line) else "" for line in lines]
        options = [texts[-1], *reversed(texts[:-1])]
        if len(texts) == 2:
            options.append(texts[0] + texts[1])
        best: tuple[int, str, str] | None = None
        for text in options:
            role = lexicon.role(text, _COLUMN_ROLES)
            if role is not None and (best is None or role[1] < best[0]):
                best = (role[1], role[0], text)
        if best is not None:
            tier, role_name, text = best
            if role_name not in found or tier < found[role_name][0]:
                found[role_name] = (tier, column, text)
    columns = {name: found[name][1] for name in COLUMN_FIELDS if name in found}
    labels = {name: _key(found[name][2]) for name in columns}
    return HeaderMatch(first, first + len(lines) - 1, columns, labels)


# --- cells and numbers ----------------------------------------------------------------------


_EXAMPLES = words(
    "tables.read.examples",
    {
        "score": ("数字，如 10 或 9.5分", "a number such as 10 or 9.5分"),
        "money": ("金额，如 2468.78 或 2,468.78万元", "an amount such as 2468.78 or 2,468.78万元"),
        "rate": ("比率，如 99.49%", "a rate such as 99.49%"),
    },
)

PROBLEMS = words(
    "tables.read.problems",
    {
        "unknown-field": ("未知的字段 {field}；可用的有 {known}", "unknown field {field}; expected one of {known}"),
        "openpyxl": ("{source}: 读取 .xlsx 自评表需要 openpyxl：pip install 'perfscore[xlsx]'",
                     "{source}: reading .xlsx tables needs openpyxl: pip install 'perfscore[xlsx]'"),
        "xlsx": ("不是可读取的 .xlsx 工作簿（{reason}）", "not a readable .xlsx workbook ({reason})"),
        "csv": ("不是可读取的 CSV 文件（{reason}）", "not a readable CSV file ({reason})"),
        "encoding": ("文件既不是 UTF-8 也不是 GB18030 文本（第 {byte} 个字节）：请另存为 UTF-8",
                     "the file is neither UTF-8 nor GB18030 text (byte {byte})"),
        "unsaved": ("{label}：单元格中的公式（{formula}）从未保存计算结果；请用 Excel 或 WPS 打开并保存该文件",
                    "{label}: the cell holds a formula ({formula}) whose result was never saved; "
                    "open the file in Excel or WPS and save it"),
        "labelled": ("{label}：{error}", "{label}: {error}"),
        "no-name": ("{label}为空，但这一行填写了目标值或实际值", "{label} is empty, but the row has a target or an actual value"),
        "document": ("此处应为一张表（或 [[tables]]）", "expected a table (or [[tables]])"),
        "tables": ("此处应为表格数组 [[tables]]", "expected an array of tables [[tables]]"),
        "unknown-key": ("未知的键", "unknown key"),
        "expected": ("应为{example}，实际为 {kind}", "expected {example}, got {kind}"),
        "text": ("应为文本，实际为 {kind}", "expected text, got {kind}"),
        "budget": ("此处应为预算金额的表格", "expected a table of budget amounts"),
        "rows": ("此处应为表格数组 [[rows]]", "expected an array of tables [[rows]]"),
        "row-name": ("缺少：每一行须有指标名称（三级指标）", "missing: a row needs its indicator's name (三级指标)"),
        "year": ("应为年份，如 2023，实际为 {year}", "expected a year such as 2023, got {year}"),
        "json": ("JSON 写法有误：{reason}", "invalid JSON: {reason}"),
        "json-deep": ("JSON 写法有误：嵌套过深", "invalid JSON: nested too deeply"),
        "unreadable": ("{source}: 无法读取自评表文件（{reason}）", "{source}: cannot read the table file ({reason})"),
        "not-regular": ("不是普通文件", "not a regular file"),
        "not-a-table-file": ("不是自评表文件：应为以下之一 {suffixes}", "not a table file: expected one of {suffixes}"),
        "too-large": ("{source}: 自评表文件有 {size} 字节，超过 {limit} 字节的上限",
                      "{source}: the table file is {size} bytes, over the {limit}-byte limit"),
        "no-header": ("没有找到指标表头：没有一行写着 三级指标（或 指标名称），以及 年度指标值、实际完成值、分值、得分 中的两个",
                      "no indicator header found: no row names 三级指标 (or 指标名称) and two of "
                      "年度指标值, 实际完成值, 分值, 得分"),
        "no-header-sheets": ("所有工作表中都没有找到指标表头：没有一行写着 三级指标（或 指标名称），"
                             "以及 年度指标值、实际完成值、分值、得分 中的两个",
                             "no indicator header found in any sheet: no row names 三级指标 (or 指标名称) and two of "
                             "年度指标值, 实际完成值, 分值, 得分"),
        "grew": ("{source}: 自评表文件超过 {limit} 字节的上限（读取时文件变大了）",
                 "{source}: the table file is over the {limit}-byte limit (it grew while it was read)"),
    },
)  # fmt: skip
_UNITS = {"score": ("分",), "money": ("万元", "元"), "rate": ("%",)}


def parse_number(text: str, kind: str = "score", *, limits: Limits = DEFAULT_LIMITS) -> Decimal | None:
    """A number as a table writes it, or None for an empty or not-applicable cell (「—」, 「/」).

    ``kind`` is ``score`` (points and scores: 「10」, 「9.5分」, 「１０」), ``money`` (「2,468.78」,
    「2468.78万元」) or ``rate`` (percentage points: 「99.49%」 and 「99.49」 both read as 99.49).
    The number itself is read by :func:`perfscore.reading.number_text`, as unit data reads it.
    Raises ValueError (:class:`~perfscore.reading.Unreadable`) with the message a user reads.
    """
    if _key(text) in _BLANK:  # a marker, matched as words: not a number to read
        return None
    return number_text(text, suffixes=_UNITS[kind], hint=_EXAMPLES[kind], limits=limits)


def _plain(number: Decimal) -> Decimal:
    """Without trailing zeros after the point, and never in exponent form: 0.30 → 0.3, 1E+2 → 100.

    Not :func:`perfscore.text.plain`: a General cell shows all its (up to 15) digits, where ``plain``
    rounds beyond 6 decimals and marks the value ``≈``."""
    if number == number.to_integral_value(context=_WIDE):
        return number.quantize(Decimal(1), context=_WIDE)
    return number.normalize(_WIDE)


def shown_number(value: int | float | Decimal, number_format: str = "General") -> str:
    """A spreadsheet number as its cell shows it, without thousands separators.

    Not a :mod:`perfscore.text` helper: it applies the cell's own number format (Excel's 15 digits,
    the format's decimals rounded half-up, ×100 for %), so a cell reads as the person filling it saw it.

    A float is taken from its shortest repr, cut to Excel's 15 significant digits (so a formula's
    99.49000000000001 is 99.49); a format with fixed decimals rounds half-up to them (``0.00``:
    49.745 → 49.75) and a percent format multiplies by 100 and adds ``%`` (``0.00%``: 0.99491 →
    99.49%). ``General`` keeps the digits.
    """
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or (number and number.adjusted() >= 40):
        return str(value)  # no table holds such a number: shown as is, refused where a number is needed
    if isinstance(value, float) and len(number.as_tuple().digits) > 15:
        number = number.quantize(Decimal(1).scaleb(number.adjusted() - 14, _WIDE), context=_WIDE)
    section = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.', "", number_format.split(";")[0])
    percent = "%" in section
    if percent:
        number = _WIDE.multiply(number, Decimal(100))
    if re.search(r"[0#?]", section):
        decimals = re.search(r"\.([0#?]*)", section)
        places = len(decimals.group(1)) if decimals else 0
        number = number.quantize(Decimal(1).scaleb(-places, _WIDE), context=_WIDE)
    else:
        number = _plain(number)
    return format(number, "f") + ("%" if percent else "")


# --- sheets as grids of text ----------------------------------------------------------------


@dataclass
class _Grid:
    """One sheet's cell texts: ``raw`` (a merged range's text only in its first cell) and ``filled``
    (copied into every cell of the range), and a way to ask whether an empty cell holds a formula
    whose result was never saved."""

    source: str
    sheet: str | None
    raw: list[list[str]]
    filled: list[list[str]]
    formula: Callable[[int, int], str | None] = lambda row, column: None
    beyond: Problem | None = None  # a value beyond the rows and columns read: refused if the sheet holds a table

    def text(self, row: int, column: int, *, filled: bool = False) -> str:
        line = (self.filled if filled else self.raw)[row]
        return line[column] if column < len(line) else ""

    def cell(self, row: int, column: int) -> Cell:
        return Cell(self.source, self.sheet, row + 1, column_letter(column))

    def location(self, row: int, column: int) -> Location:
        ref = f"{column_letter(column)}{row + 1}"
        return Location(self.source, (f"{self.sheet}!{ref}" if self.sheet else ref,))


def _xlsx_grids(handle: BinaryIO, source: str, limits: Limits) -> list[_Grid]:
    """Every visible sheet of a workbook as a grid: the archive checked before anything is expanded
    (:mod:`.archive`), each sheet scanned whole, then read in openpyxl's streaming mode up to its
    last value. openpyxl's warnings are silenced: they may quote the file, and its problems are
    reported as perfscore's own."""
    try:
        importlib.import_module("openpyxl")
    except ImportError:
        message = PROBLEMS["openpyxl"].format(source=source)
        raise UnreadableFileError(message) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Archive(handle, source, limits) as archive:
                book = archive.workbook()
                return [
                    _sheet_grid(sheet, archive.sheet(sheet._worksheet_path, sheet.title), source, limits)
                    for sheet in book.worksheets
                    if sheet.sheet_state == "visible"
                ]
    except Refused as refused:
        raise DataError([refused.problem], source) from None
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        reason = for_terminal(str(error.__cause__ or error))  # openpyxl's own wrapping adds lines of advice
        problem = Problem(Location(source), PROBLEMS["xlsx"].format(reason=reason), code="table-file")
        raise DataError([problem], source) from None


def _sheet_grid(sheet: Any, scan: SheetScan, source: str, limits: Limits) -> _Grid:
    """A sheet's cells up to its last value (or merged range), each merged range's text copied into
    its cells; at most ``limits.max_sheet_text`` characters of text. A sheet with a value beyond the
    rows and columns read gives only the rows where a header may be, and the problem to raise if
    one is found there."""
    raw: list[list[str]] = []
    chars = 0
    if scan.beyond is not None:  # enough rows to find a header: the sheet is refused or passed over
        scan.rows, scan.merged = min(scan.rows, limits.max_header_row + 1), []
    if scan.rows:
        for line in sheet.iter_rows(min_row=1, max_row=scan.rows, max_col=scan.columns):
            texts = [_xlsx_text(cell.value, cell.number_format) for cell in line]
            chars += sum(map(len, texts))
            if chars > limits.max_sheet_text:
                raise Refused(bound_problem(source, (sheet.title,), "text", sheet.title, limit=limits.max_sheet_text))
            raw.append(texts)
    raw.extend([""] * scan.columns for _ in range(scan.rows - len(raw)))  # rows under a merged range
    filled = [list(line) for line in raw]
    area = sum((min(bottom, scan.rows) - top + 1) * (min(right, scan.columns) - left + 1)
               for top, left, bottom, right in scan.merged)  # fmt: skip
    if area > scan.rows * scan.columns:  # ranges that overlap: filling them could cost rows × columns each
        where = (sheet.title,)
        problem = bound_problem(source, where, "overlap", sheet.title, cells=area, limit=scan.rows * scan.columns)
        raise Refused(problem)
    for top, left, bottom, right in scan.merged:
        for row in range(top - 1, min(bottom, scan.rows)):
            for column in range(left - 1, min(right, scan.columns)):
                filled[row][column] = raw[top - 1][left - 1]
    formulas = scan.formulas
    return _Grid(source, sheet.title, raw, filled, lambda row, column: formulas.get((row, column)), scan.beyond)


def _xlsx_text(value: Any, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return shown_number(value, number_format or "General")
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return str(value)
    return str(value).strip()


def _csv_grid(handle: BinaryIO, source: str, limits: Limits) -> _Grid:
    """A CSV file: UTF-8 (with or without BOM), else GB18030 (what Chinese Excel saves as «CSV»).

    Read as a stream, line by line, and refused at the first bound crossed: a line longer than
    ``max_csv_line`` characters, more than ``max_sheet_cells`` fields, a field of more than
    ``max_cell_chars`` characters, a value beyond ``max_table_rows`` or ``max_table_columns``, more
    than ``max_sheet_text`` characters in all."""
    encoding = _csv_encoding(handle, source)
    stream = io.TextIOWrapper(handle, encoding=encoding, newline="")
    sample = stream.read(4096)
    delimiter = "\t" if "," not in sample and "\t" in sample else ","  # Excel's «Unicode text» is tab-separated
    stream.seek(0)
    rows: list[list[str]] = []
    cells = chars = 0
    try:
        for index, line in enumerate(csv.reader(_csv_lines(stream, source, limits), delimiter=delimiter)):
            cells += max(1, len(line))
            if cells > limits.max_sheet_cells:
                raise Refused(bound_problem(source, (), "cells", limit=limits.max_sheet_cells))
            values = [cell.strip() for cell in line]
            for column, value in enumerate(values):
                if value and (
                    len(value) > limits.max_cell_chars
                    or index >= limits.max_table_rows
                    or column >= limits.max_table_columns
                ):
                    raise Refused(_csv_bound(source, index, column, value, limits))
            if index < limits.max_table_rows:
                kept = values[: limits.max_table_columns]
                chars += sum(map(len, kept))
                if chars > limits.max_sheet_text:
                    raise Refused(bound_problem(source, (), "text", limit=limits.max_sheet_text))
                rows.append(kept)
    except csv.Error as error:
        raise DataError(
            [Problem(Location(source), PROBLEMS["csv"].format(reason=verbatim(str(error))), code="table-file")], source
        ) from None
    except Refused as refused:
        raise DataError([refused.problem], source) from None
    finally:
        stream.detach()
    return _Grid(source, None, rows, rows)


def _csv_bound(source: str, index: int, column: int, value: str, limits: Limits) -> Problem:
    """The bound a CSV field crossed: its length, its row or its column."""
    where = (f"{column_letter(column)}{index + 1}",)
    if len(value) > limits.max_cell_chars:
        return bound_problem(source, where, "cell_chars", limit=limits.max_cell_chars)
    if index >= limits.max_table_rows:
        return bound_problem(source, where, "rows", limit=limits.max_table_rows, row=index + 1)
    return bound_problem(source, where, "columns", limit=limits.max_table_columns, column=column_letter(column))


def _csv_encoding(handle: BinaryIO, source: str) -> str:
    """utf-8-sig when the whole file decodes as UTF-8, else gb18030 when it decodes as that; checked
    chunk by chunk, without holding the text."""
    failure = 0
    for encoding in ("utf-8-sig", "gb18030"):
        found = _undecodable(handle, encoding)
        if found is None:
            handle.seek(0)
            return encoding
        failure = found
    message = PROBLEMS["encoding"].format(byte=failure)
    raise DataError([Problem(Location(source), message, code="encoding")], source)


def _undecodable(handle: BinaryIO, encoding: str) -> int | None:
    """Where the first byte that does not decode is, or None; the text is not kept."""
    handle.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0  # bytes given to the decoder so far
    while True:
        chunk = handle.read(1 << 20)
        held = len(decoder.getstate()[0])  # bytes of a character the previous chunk left unfinished
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            handle.seek(offset - held)  # decoded again in one piece, for the exact position
            try:
                handle.read(held + len(chunk)).decode(encoding)
            except UnicodeDecodeError as error:
                return offset - held + error.start
            return offset - held
        if not chunk:
            return None
        offset += len(chunk)


def _csv_lines(stream: io.TextIOWrapper, source: str, limits: Limits) -> Iterator[str]:
    """The lines of a CSV file, each read with a bound: a longer one is refused, not read whole."""
    number = 0
    while line := stream.readline(limits.max_csv_line + 1):
        number += 1
        if len(line.rstrip("\r\n")) > limits.max_csv_line:
            raise Refused(bound_problem(source, (), "line", limit=limits.max_csv_line, line=number))
        yield line


# --- a table from a grid --------------------------------------------------------------------

_FOOTER = re.compile(
    r"^(填表人|填报人|制表人|填表说明|说明|注\d*|备注|联系电话|联系人|审核人|负责人|单位负责人|财务负责人|"
    r"填表日期|填报日期|单位\(盖章\)|单位盖章)(:|$)"
)
_YEAR_ONLY = re.compile(r"^[(（\[【]?((?:19|20)[0-9]{2})年度?[)）\]】]?$")


@dataclass(frozen=True)
class _Label:
    """A label cell: where it is, what it names, its own words and the value after its colon."""

    row: int
    column: int
    role: str
    words: str
    inline: str | None


def _read_grid(
    grid: _Grid, header: HeaderMatch, lexicon: _Lexicon, table_id: str, problems: list[Problem], limits: Limits
) -> Table:
    reader = _GridReader(grid, lexicon, header, problems, limits)
    return Table(
        id=table_id,
        title=reader.title(),
        year=reader.year(),
        budget=reader.budget(),
        rows=tuple(reader.rows()),
        reported_total=reader.total(),
        reported_grade=reader.grade(),
        source=grid.source,
    )


@dataclass
class _GridReader:
    grid: _Grid
    lexicon: _Lexicon
    header: HeaderMatch
    problems: list[Problem]
    limits: Limits

    # cells

    def number(self, row: int, column: int, label: str, kind: str, *, filled: bool = False) -> Decimal | None:
        """The number in a cell; an empty cell is None, a cell that is not a number a problem."""
        text = self.grid.text(row, column, filled=filled)
        if not text:
            self.unsaved(row, column, label)
            return None
        return self.parsed(text, row, column, label, kind)

    def unsaved(self, row: int, column: int, label: str) -> None:
        """Report an empty cell that holds a formula whose result was never saved (a workbook written
        by a program and never opened in Excel): reading it as empty would be wrong."""
        formula = self.grid.formula(row, column)
        if formula is not None:
            message = PROBLEMS["unsaved"].format(label=label, formula=formula)
            self.problems.append(Problem(self.grid.location(row, column), message, code="unsaved-formula"))

    def parsed(self, text: str, row: int, column: int, label: str, kind: str) -> Decimal | None:
        try:
            return parse_number(text, kind, limits=self.limits)
        except Unreadable as error:
            said = PROBLEMS["labelled"].format(label=label, error=error.text)
            self.problems.append(Problem(self.grid.location(row, column), said, code="table-number"))
            return None

    def labels(self, rows: Iterable[int], roles: Collection[str]) -> list[_Label]:
        """Every label cell among ``rows`` naming one of ``roles``, row by row, left to right."""
        found = []
        for row in rows:
            for column, names, inline in self._names[row]:
                role = next((role for role in names if role in roles), None)
                if role is not None:
                    text = self.grid.raw[row][column]
                    words = _key(text.partition("：")[0].partition(":")[0] if inline else text)
                    found.append(_Label(row, column, role, words, inline))
        return found

    @cached_property
    def _names(self) -> list[list[tuple[int, tuple[str, ...], str | None]]]:
        """Each row's label cells (column, roles named, text after the colon), found once."""
        rows = []
        for line in self.grid.raw:
            cells = []
            for column, text in enumerate(line):
                if text:
                    names, inline = self.lexicon.names(text)
                    if names:
                        cells.append((column, names, inline))
            rows.append(cells)
        return rows

    def value_of(self, label: _Label, *, below: bool = False) -> tuple[str, int, int] | None:
        """The value a label names and its cell (row, column): the text after its colon, else the
        next filled cell to its right, else (with ``below``) the cell under it; never a label."""
        if label.inline is not None:
            return label.inline, label.row, label.column
        line = self.grid.raw[label.row]
        for column in range(label.column + 1, len(line)):
            if line[column]:
                return None if self._is_label(line[column]) else (line[column], label.row, column)
        if below and label.row + 1 < len(self.grid.raw):
            text = self.grid.text(label.row + 1, label.column)
            if text and not self._is_label(text):
                return text, label.row + 1, label.column
        return None

    def _is_label(self, text: str) -> bool:
        return self.lexicon.label(text, _ALL_ROLES) is not None

    # the top rows

    def title(self) -> str | None:
        """The table's title: the value of its 项目名称 label, else of 部门（单位）名称 and the like."""
        order = ALIASES["title"]
        found = []
        for label in self.labels(range(self.header.first), {"title"}):
            value = self.value_of(label)
            if value is not None:
                words = _words(label.words)
                found.append((order.index(words) if words in order else len(order), value[0]))
        return min(found, key=lambda item: item[0])[1] if found else None

    def year(self) -> int | None:
        """The value of a 年度 label, else the year in the title (「2023年度项目支出绩效自评表」, 「（2023年度）」)."""
        for label in self.labels(range(self.header.first), {"year"}):
            value = self.value_of(label, below=True)
            found = _YEAR_VALUE.match(normal_width(value[0])) if value else None
            if found:
                return int(found.group(1))
        for row in range(self.header.first):
            for text in self.grid.raw[row]:
                plain = "".join(normal_width(text).split())  # full-width digits folded, 「²⁰²³」 left as it is
                found = _TITLE_YEAR.search(plain)
                if found and ("绩效" in plain or "自评" in plain or _YEAR_ONLY.match(plain)):
                    return int(found.group(1))
        return None

    def budget(self) -> BudgetBlock | None:
        """The budget block above the indicator header: labels in a row with their values in the
        first filled row below (「年度资金总额」), or each label with its value to its right."""
        labels = [label for label in self.labels(range(self.header.first), _BUDGET_ROW_ROLES)]
        by_row: dict[int, list[_Label]] = {}
        for label in labels:
            by_row.setdefault(label.row, []).append(label)
        for row, in_row in by_row.items():
            if len(_BUDGET_ROLES & {label.role for label in in_row}) >= 2 and not any(map(self.value_of, in_row)):
                return self._budget_below(row, in_row)
        values: dict[str, Decimal | None] = {}
        first: _Label | None = None
        for label in labels:
            if label.role not in _BUDGET_ROLES or label.role in values:
                continue
            first = first or label
            found = self.value_of(label)
            values[label.role] = None
            if found is not None:
                text, row, column = found
                values[label.role] = self.parsed(text, row, column, label.words, _budget_kind(label.role))
        if first is None:
            return None
        return _budget_block(values, self.grid.cell(first.row, first.column))

    def _budget_below(self, row: int, labels: Sequence[_Label]) -> BudgetBlock:
        columns: dict[str, _Label] = {}
        for label in labels:
            columns.setdefault(label.role, label)
        left = min(label.column for label in columns.values())
        for below in range(row + 1, self.header.first):
            texts = [self.grid.text(below, label.column, filled=True) for label in columns.values()]
            if any(text and self.lexicon.label(text, _ALL_ROLES) is None for text in texts):
                values = {
                    role: self.number(below, label.column, label.words, _budget_kind(role), filled=True)
                    for role, label in columns.items()
                }
                return _budget_block(values, self.grid.cell(below, left))
        return BudgetBlock(cell=self.grid.cell(row, left))

    # the indicator block

    def rows(self) -> Iterable[IndicatorRow]:
        """The indicator rows, from the header down to the first footer (填表人, 说明, 注：…)."""
        columns = self.header.columns
        level1 = level2 = ""
        for row in range(self.header.last + 1, len(self.grid.raw)):
            texts = self.grid.raw[row]
            if not any(texts):
                continue
            if _FOOTER.match(_key(next(text for text in texts if text))):
                return

            def own(name: str, row: int = row) -> str:
                return self.grid.text(row, columns[name]) if name in columns else ""

            if self.labels([row], {"total", "grade"}) or self.lexicon.role(own("level3"), {"level3"}, loosest=1):
                continue  # a totals or grade row, or the header repeated after a page break

            if own("level1") and own("level1") != level1:
                level1, level2 = own("level1"), ""
            level2 = own("level2") or level2
            name, target, actual = own("level3"), own("target"), own("actual")
            if not name:
                if target or actual:
                    message = PROBLEMS["no-name"].format(label=self.header.labels["level3"])
                    self.problems.append(Problem(self.grid.location(row, columns["level3"]), message, code="table-row"))
                continue  # a group row: 「产出指标」 written across the row, or its subtotal
            for empty in ("target", "actual"):
                if empty in columns and not own(empty):
                    self.unsaved(row, columns[empty], self.header.labels[empty])
            yield IndicatorRow(
                level1=level1,
                level2=level2,
                level3=name,
                target=target,
                actual=actual,
                points=self._score(row, "points"),
                reported=self._score(row, "reported"),
                note=own("note") or None,
                cell=self.grid.cell(row, min(columns.values())),
                columns={name: column_letter(column) for name, column in columns.items()},
            )

    def _score(self, row: int, name: str) -> Decimal | None:
        if name not in self.header.columns:
            return None
        return self.number(row, self.header.columns[name], self.header.labels[name], "score")

    def total(self) -> Decimal | None:
        """The first total (总分, 合计, …) below the header that states a score: in the 得分 column
        when the label is left of it, else after its colon or in the next filled cell to its right."""
        reported = self.header.columns.get("reported")
        for label in self.labels(range(self.header.last + 1, len(self.grid.raw)), {"total"}):
            before = len(self.problems)
            if label.inline is not None:
                total = self.parsed(label.inline, label.row, label.column, label.words, "score")
            elif reported is not None and reported > label.column:
                total = self.number(label.row, reported, label.words, "score")
            else:
                found = self.value_of(label)
                total = None if found is None else self.parsed(found[0], found[1], found[2], label.words, "score")
            if total is not None or len(self.problems) > before:
                return total
        return None

    def grade(self) -> str | None:
        """The value of the first 评价等级 (自评等级, …) label outside the header, as written."""
        rows = [row for row in range(len(self.grid.raw)) if not self.header.first <= row <= self.header.last]
        for label in self.labels(rows, {"grade"}):
            found = self.value_of(label, below=True)
            if found is not None and (found[1] == label.row or _is_grade(found[0])):
                return found[0]
        return None


def _is_grade(text: str) -> bool:
    """Whether a cell under a grade label can be its value: a word or two (优, 良好, 不合格), not a footer."""
    return len(_key(text)) <= 6 and not _FOOTER.match(_key(text))


def _budget_block(values: Mapping[str, Decimal | None], cell: Cell) -> BudgetBlock:
    return BudgetBlock(
        initial=values.get("budget.initial"),
        adjusted=values.get("budget.adjusted"),
        executed=values.get("budget.executed"),
        points=values.get("budget.points"),
        reported_rate=values.get("budget.reported_rate"),
        reported=values.get("budget.reported"),
        cell=cell,
    )


def _budget_kind(role: str) -> str:
    if role == "budget.reported_rate":
        return "rate"
    return "score" if role in ("budget.points", "budget.reported") else "money"


# --- TOML and JSON --------------------------------------------------------------------------

_TABLE_KEYS = ("id", "title", "year", "budget", "rows", "reported_total", "reported_grade")
_ROW_KEYS = COLUMN_FIELDS
_BUDGET_KEYS = _BUDGET_FIELDS


def _document_tables(document: Any, source: str, stem: str, problems: list[Problem], limits: Limits) -> list[Table]:
    if not isinstance(document, Mapping):
        problems.append(Problem(Location(source), PROBLEMS["document"], code="table-document"))
        return []
    if "tables" in document:
        for key in document:
            if key != "tables":
                problems.append(_unknown_key(source, (key,), ("tables",)))
        items = document["tables"]
        if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
            where = Location(source, ("tables",))
            problems.append(Problem(where, PROBLEMS["tables"], code="wrong-type"))
            return []
        return [
            _document_table(item, source, ("tables", index), f"{stem}-{index + 1}", problems, limits)
            for index, item in enumerate(items)
        ]
    return [_document_table(document, source, (), stem, problems, limits)]


def _unknown_key(source: str, path: tuple[str | int, ...], known: Sequence[str]) -> Problem:
    name = str(path[-1])
    return Problem(Location(source, path), PROBLEMS["unknown-key"], suggest(name, known), code="unknown-key")


def _document_table(
    item: Mapping[str, Any],
    source: str,
    path: tuple[str | int, ...],
    default_id: str,
    problems: list[Problem],
    limits: Limits,
) -> Table:
    """One table written as the model is (``id``, ``title``, ``year``, ``[budget]``, ``[[rows]]``,
    ``reported_total``, ``reported_grade``); a row's omitted level1/level2 continue from the row above."""
    for key in item:
        if key not in _TABLE_KEYS:
            problems.append(_unknown_key(source, (*path, key), _TABLE_KEYS))

    def value(where: tuple[str | int, ...], raw: Any, kind: str) -> Decimal | None:
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, int | Decimal | str):
            message = PROBLEMS["expected"].format(example=_EXAMPLES[kind], kind=type(raw).__name__)
            problems.append(Problem(Location(source, where), message, code="wrong-type"))
            return None
        try:
            if isinstance(raw, str):
                return parse_number(raw, kind, limits=limits)
            return read_number(raw, limits=limits)
        except Unreadable as error:
            problems.append(Problem(Location(source, where), error.text, code="table-number"))
            return None

    def text(where: tuple[str | int, ...], raw: Any) -> str | None:
        if raw is None:
            return None
        if isinstance(raw, str):
            return raw
        if isinstance(raw, int | Decimal) and not isinstance(raw, bool):
            return str(raw)
        said = PROBLEMS["text"].format(kind=type(raw).__name__)
        problems.append(Problem(Location(source, where), said, code="wrong-type"))
        return None

    budget = None
    raw_budget = item.get("budget")
    if raw_budget is not None:
        if not isinstance(raw_budget, Mapping):
            problems.append(Problem(Location(source, (*path, "budget")), PROBLEMS["budget"], code="wrong-type"))
        else:
            for key in raw_budget:
                if key not in _BUDGET_KEYS:
                    problems.append(_unknown_key(source, (*path, "budget", key), _BUDGET_KEYS))
            amounts = {
                key: value((*path, "budget", key), raw_budget.get(key), _budget_kind(f"budget.{key}"))
                for key in _BUDGET_KEYS
            }
            budget = BudgetBlock(**amounts, cell=Cell(source))
    rows = []
    raw_rows = item.get("rows", [])
    if not isinstance(raw_rows, list) or not all(isinstance(row, Mapping) for row in raw_rows):
        problems.append(Problem(Location(source, (*path, "rows")), PROBLEMS["rows"], code="wrong-type"))
        raw_rows = []
    level1 = level2 = ""
    for index, row in enumerate(raw_rows):
        where = (*path, "rows", index)
        for key in row:
            if key not in _ROW_KEYS:
                problems.append(_unknown_key(source, (*where, key), _ROW_KEYS))
        texts = {
            key: text((*where, key), row.get(key)) for key in ("level1", "level2", "level3", "target", "actual", "note")
        }
        if texts["level1"] is not None and texts["level1"] != level1:
            level1, level2 = texts["level1"], ""
        level2 = texts["level2"] if texts["level2"] is not None else level2
        if not texts["level3"]:
            message = PROBLEMS["row-name"]
            problems.append(Problem(Location(source, (*where, "level3")), message, code="table-row"))
            continue
        rows.append(
            IndicatorRow(
                level1=level1,
                level2=level2,
                level3=texts["level3"],
                target=texts["target"] or "",
                actual=texts["actual"] or "",
                points=value((*where, "points"), row.get("points"), "score"),
                reported=value((*where, "reported"), row.get("reported"), "score"),
                note=texts["note"] or None,
                cell=Cell(source),
            )
        )
    year = item.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        message = PROBLEMS["year"].format(year=repr(year))
        problems.append(Problem(Location(source, (*path, "year")), message, code="wrong-type"))
        year = None
    return Table(
        id=text((*path, "id"), item.get("id")) or default_id,
        title=text((*path, "title"), item.get("title")),
        year=year,
        budget=budget,
        rows=tuple(rows),
        reported_total=value((*path, "reported_total"), item.get("reported_total"), "score"),
        reported_grade=text((*path, "reported_grade"), item.get("reported_grade")),
        source=source,
    )


def _parse_document(raw: bytes, source: str) -> Any:
    text = decode(raw, source, DataError)
    if source.lower().endswith(".json"):
        try:
            return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
        except json.JSONDecodeError as error:
            where = Location(source, line=error.lineno, column=error.colno)
            said = PROBLEMS["json"].format(reason=verbatim(error.msg))
            raise DataError([Problem(where, said, code="json-syntax")], source) from None
        except (ValueError, RecursionError) as error:
            deep = isinstance(error, RecursionError)
            message = PROBLEMS["json-deep"] if deep else PROBLEMS["json"].format(reason=verbatim(str(error)))
            raise DataError([Problem(Location(source), message)], source) from None
    return parse_toml(text, source, DataError)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number perfscore accepts")


# --- files and folders ----------------------------------------------------------------------


def table_files(path: str | Path) -> list[Path]:
    """The table files a folder holds (.xlsx, .csv, .toml, .json; not in subfolders; hidden files
    and Excel's ``~$`` lock files left out), sorted by name; a file is its own list."""
    path = Path(path)
    if not path.is_dir():
        return [path]
    return sorted(
        item
        for item in path.iterdir()
        if item.is_file() and item.suffix.lower() in SUFFIXES and not item.name.startswith((".", "~$"))
    )


def read_tables(
    path: str | Path, *, mapping: Mapping[str, str] | None = None, limits: Limits = DEFAULT_LIMITS
) -> list[Table]:
    """Every self-evaluation table in a file or folder.

    An .xlsx workbook gives one table per visible sheet that has an indicator header (sheets
    without one, such as instructions, are passed over); a .csv file gives one table; a .toml or
    .json file gives one table, or many under ``[[tables]]``; a folder gives those of every such
    file inside it, file by file in name order. ``mapping`` names headers and labels the built-in
    names miss: ``{"指标值(2023)": "target", "调整预算": "budget.adjusted"}``. ``limits`` bounds what is
    read: a file's bytes, a sheet's rows and columns, where the header may start, a number's text.

    Raises :class:`~perfscore.DataError` with every problem found (a cell that is not a number, a
    row without its indicator, a file with no table) and :class:`~perfscore.UnreadableFileError`
    for a file that cannot be opened at all.
    """
    path = Path(path)
    lexicon = _lexicon(mapping)
    if not path.is_dir():
        return _read_file(path, lexicon, limits)
    tables: list[Table] = []
    problems: list[Problem] = []
    for item in table_files(path):
        try:
            tables.extend(_read_file(item, lexicon, limits))
        except DataError as error:
            problems.extend(error.problems)
        except UnreadableFileError as error:
            said = Text(*(error.render(lang).removeprefix(f"{item}: ") for lang in ("zh", "en")))
            problems.append(Problem(Location(str(item)), said, code="table-file"))
    if problems:
        raise DataError(problems, str(path))
    return tables


def _read_file(path: Path, lexicon: _Lexicon, limits: Limits) -> list[Table]:
    parts = _read_parts(path, lexicon, limits)
    problems = [problem for _, part in parts if isinstance(part, DataError) for problem in part.problems]
    if problems:
        raise DataError(problems, str(path))
    return [part for _, part in parts if isinstance(part, Table)]


def read_parts(
    path: str | Path, *, mapping: Mapping[str, str] | None = None, limits: Limits = DEFAULT_LIMITS
) -> list[tuple[str | None, Table | DataError]]:
    """The tables of one file, sheet by sheet: ``(sheet, table)``, or ``(sheet, DataError)`` for a sheet
    whose cells cannot be read, so one broken sheet of a workbook does not cost the others. The sheet
    is None for a CSV, TOML or JSON file (read as a whole). Raises as :func:`read_tables` does for a
    file that cannot be read at all."""
    return _read_parts(Path(path), _lexicon(mapping), limits)


def _read_parts(path: Path, lexicon: _Lexicon, limits: Limits) -> list[tuple[str | None, Table | DataError]]:
    source = str(path)
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UnreadableFileError(PROBLEMS["unreadable"].format(source=source, reason=os_reason(error))) from None
    if suffix not in SUFFIXES:
        message = PROBLEMS["not-a-table-file"].format(suffixes=", ".join(SUFFIXES))
        raise DataError([Problem(Location(source), message, code="table-file")], source)
    if size > limits.max_table_bytes:
        message = PROBLEMS["too-large"].format(source=source, size=size, limit=limits.max_table_bytes)
        raise UnreadableFileError(message)
    with _opened(path, source, limits) as handle:
        if suffix in (".toml", ".json"):
            problems: list[Problem] = []
            raw = handle.read()
            tables = _document_tables(_parse_document(raw, source), source, path.stem, problems, limits)
            if problems:
                return [(None, DataError(problems, source))]
            return [(None, table) for table in tables]
        grids = _xlsx_grids(handle, source, limits) if suffix == ".xlsx" else [_csv_grid(handle, source, limits)]
        found = [(grid, header) for grid in grids for header in [_find_header(grid.filled, lexicon, limits)] if header]
        beyond = [grid.beyond for grid, _ in found if grid.beyond is not None]
        if beyond:
            raise DataError(beyond[:1], source)
        if not found:
            message = PROBLEMS["no-header-sheets" if suffix == ".xlsx" else "no-header"]
            raise DataError([Problem(Location(source), message, code="no-table")], source)
        parts: list[tuple[str | None, Table | DataError]] = []
        for grid, header in found:
            own: list[Problem] = []  # each sheet's problems are its own
            table_id = path.stem if len(found) == 1 else f"{path.stem}/{grid.sheet}"
            table = _read_grid(grid, header, lexicon, table_id, own, limits)
            parts.append((grid.sheet, DataError(own, source) if own else table))
    return parts


@contextlib.contextmanager
def _opened(path: Path, source: str, limits: Limits) -> Iterator[BinaryIO]:
    """The file, opened for reading only when it is a regular file (a FIFO or a device such as
    /dev/zero, whatever its name, could block or never end), and read as at most
    ``limits.max_table_bytes`` bytes: a file that grows after its size was checked is cut off there
    and refused."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise UnreadableFileError(PROBLEMS["unreadable"].format(source=source, reason=PROBLEMS["not-regular"]))
        with path.open("rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # replaced between the two looks
                raise UnreadableFileError(PROBLEMS["unreadable"].format(source=source, reason=PROBLEMS["not-regular"]))
            yield io.BufferedReader(_Bounded(handle, source, limits.max_table_bytes))
    except OSError as error:
        if isinstance(error, UnreadableFileError):
            raise
        raise UnreadableFileError(PROBLEMS["unreadable"].format(source=source, reason=os_reason(error))) from None


class _Bounded(io.RawIOBase):
    """A file read through a bound on its bytes (its size may change after it was checked)."""

    def __init__(self, handle: BinaryIO, source: str, bound: int) -> None:
        super().__init__()
        self.handle = handle
        self.source = source
        self.bound = bound

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self.handle.seek(offset, whence)

    def tell(self) -> int:
        return self.handle.tell()

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.handle.read(len(view))
        if self.handle.tell() > self.bound:
            message = PROBLEMS["grew"].format(source=self.source, limit=self.bound)
            raise UnreadableFileError(message)
        view[: len(data)] = data
        return len(data)
