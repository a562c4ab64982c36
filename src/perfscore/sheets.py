"""Units in spreadsheets: a sheet of units read (.xlsx or .csv, one row per unit), scores written
back (.xlsx or .csv), and the template units fill in.

- :func:`read_sheet_units`: the first visible sheet whose header row names inputs (by the input's
  name, its Chinese ``label``, or the label followed by its unit in brackets, ``全年预算数（万元）``),
  with an id column (``单位编号``, ``编号``, ``id``) and a name column (``单位名称``, ``名称``,
  ``name``). The file is read within the same bounds as a self-evaluation table
  (:mod:`perfscore.tables.archive` checks an .xlsx before it is expanded; a CSV is read line by line,
  UTF-8 or GB18030/GBK). Cells are read as the person filling them saw them, by the inputs' own
  converters; a bad cell is located as ``填报表!C7`` (``C7`` in a CSV).
- :func:`write_scores_xlsx`: sheets 汇总 (totals, grades, first-level subtotals), 明细 (every leaf of
  every unit) and 扣分说明 (every explanation), numbers as number cells with two-decimal formats;
  :func:`write_scores_csv`: the summary and every leaf's score as one CSV (UTF-8 with BOM).
- :func:`write_template`: the sheet units fill in: a column per input with its label and unit, a
  note on each header, drop-downs for ratings and yes/no, ranges for numbers, and a sheet of
  instructions; a filled template scores back with :func:`read_sheet_units`.

Every piece of text from a ruleset or a unit's data reaches a cell through
:func:`perfscore.text.for_cell`; every file is written through :mod:`perfscore.files`.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import DataError, Location, Problem, UnreadableFileError, suggest
from .exact import pinned
from .files import replacing
from .frames import WORDS as FRAME_WORDS
from .frames import _match_columns
from .limits import DEFAULT_LIMITS, Limits
from .messages import check_lang, in_lang, words
from .model import InputSpec
from .reading import normal_width
from .report import WORDS as REPORT_WORDS
from .result import BatchResult, ScoreResult, UnitError
from .ruleset import Ruleset
from .scorepage import item_label, ranks
from .tables.archive import column_letter
from .tables.batch import _put, _xlsx_text, require_openpyxl
from .tables.read import _csv_grid, _Grid, _opened, _xlsx_grids
from .text import for_cell, for_terminal, plain
from .units import SHEET_SUFFIXES, Unit, is_sheet

__all__ = [
    "SUFFIXES",
    "SheetUnits",
    "is_sheet",
    "read_sheet_units",
    "require_openpyxl",
    "write_scores",
    "write_scores_csv",
    "write_scores_xlsx",
    "write_template",
]

SUFFIXES = SHEET_SUFFIXES
"""The files read as sheets of units (others are TOML or JSON data files)."""

TEMPLATE_ROWS = 200
"""How many rows of a template carry the drop-downs and ranges."""

#: The words of the sheets: the text report's (总分, 等级, 扣分, 指标, 分值, 得分) and their own.
WORDS = {
    **REPORT_WORDS,
    **words(
        "sheets",
        {
            "id": ("单位编号", "Unit id"),
            "name": ("单位名称", "Unit name"),
            "error": ("错误", "Error"),
            "summary": ("汇总", "Summary"),
            "details": ("明细", "Details"),
            "explanations": ("扣分说明", "Explanations"),
            "template": ("填报表", "Units"),
            "guide": ("填写说明", "How to fill in"),
            "lists": ("选项", "Lists"),
            "indicator_id": ("指标编号", "Indicator id"),
            "rank": ("名次", "Rank"),
            "explanation": ("说明", "Explanation"),
            "kind": ("类别", "Kind"),
            "deduction": ("扣分", "deduction"),
            "note": ("提示", "note"),
            "column": ("列名", "Column"),
            "input": ("输入名称", "Input"),
            "type": ("类型", "Type"),
            "rule": ("填写要求", "What to enter"),
            "ruleset": ("规则", "Ruleset"),
            "how": (
                "每个单位填一行：单位编号、单位名称和各项数据；表头不要改动。填好后运行：perfscore score {ruleset} 本文件 -o 得分.xlsx",
                "One row per unit: its id, its name and each figure; leave the header as it is. Then run: "
                "perfscore score {ruleset} this-file -o scores.xlsx",
            ),
            "k_number": ("数值", "number"),
            "k_percent": ("百分数", "percentage"),
            "k_count": ("整数", "whole number"),
            "k_bool": ("是/否", "yes/no"),
            "k_rating": ("档次", "rating"),
            "k_text": ("文本", "text"),
            "k_date": ("日期", "date"),
            "t_number": ("数值", "a number"),
            "t_percent": ("百分数：填 96.5 或 96.5%", "a percentage: 96.5 or 96.5%"),
            "t_count": ("整数", "a whole number"),
            "t_bool": ("从下拉列表选择 是 或 否", "choose 是 (yes) or 否 (no) from the list"),
            "t_rating": ("从下拉列表选择档次：{tiers}；需要给出分数时填 档次：分数，如 {example}：9",
                         "choose a tier from the list: {tiers}; to give a score inside it, write tier: score, e.g. {example}: 9"),
            "t_text": ("文本", "text"),
            "t_date": ("日期，如 2023-12-31", "a date such as 2023-12-31"),
            "at_least": ("不小于 {low}", "at least {low}"),
            "at_most": ("不大于 {high}", "at most {high}"),
            "at_most_input": ("不大于 {other}", "at most {other}"),
            "at_least_input": ("不小于 {other}", "at least {other}"),
            "required": ("必填", "required"),
            "optional": ("可不填", "may be left blank"),
            "default": ("不填时取 {default}", "{default} when left blank"),
            "separator": ("；", "; "),
            "list": ("、", ", "),
            "bad_value": ("填写有误", "Not accepted"),
            "yes": ("是", "是"),
            "no": ("否", "否"),
            "no_header": (
                "没有找到单位数据的表头：应有一行写明 单位编号、单位名称 和各项数据的名称（如 {example}），每个单位一行",
                "no header of units' data found: a row should name 单位编号, 单位名称 and the figures (e.g. {example}), "
                "then one row per unit",
            ),
            "unsaved": (
                "{label}：单元格中的公式（{formula}）没有保存计算结果；请用 Excel 或 WPS 打开此文件并保存后再评分",
                "{label}: the cell holds a formula ({formula}) whose result was never saved; open the file in Excel or "
                "WPS and save it",
            ),
            "no_units": ("表头下没有单位数据", "the sheet has no units under its header"),
            "no_id": ("第 {row} 行既没有单位编号也没有单位名称", "row {row} has neither a unit id nor a unit name"),
            "not_a_sheet": (
                "不是单位数据表：应为 {suffixes} 文件",
                "not a sheet of units: expected a {suffixes} file",
            ),
            "too_large": (
                "文件有 {size} 字节，超过 {limit} 字节的上限",
                "the file is {size} bytes, over the {limit}-byte limit",
            ),
        },
    ),
}  # fmt: skip

#: Headers of the id and name columns, compared as headers are (spaces and full-width forms folded, case too).
ID_HEADERS = frozenset({"单位编号", "编号", "单位代码", "id", "unit id", "unit_id"})
NAME_HEADERS = frozenset({"单位名称", "名称", "单位", "name", "unit name", "unit_name"})
_UNIT_SUFFIX = re.compile(r"^(.+?)\s*[(（]([^()（）]*)[)）]$")


def _sheet_problem(source: str, where: tuple[str, ...], code: str, key: str, **fields: Any) -> Problem:
    text = WORDS[key]
    return Problem(Location(source, where), text.en.format(**fields), code=code, message_zh=text.zh.format(**fields))


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetUnits:
    """The units of a sheet, and where each unit's value of each input was read (``填报表!C7``)."""

    source: str
    sheet: str | None
    units: tuple[Unit, ...]
    cells: tuple[Mapping[str, str], ...]

    def score(self, ruleset: Ruleset) -> BatchResult:
        """Every unit scored (one bad unit never loses the others); a problem with a unit's value is
        located at its cell."""
        batch = ruleset.score_many(self.units)
        outcomes = tuple(
            self._located(outcome, cells) if isinstance(outcome, UnitError) else outcome
            for outcome, cells in zip(batch.outcomes, self.cells, strict=True)
        )
        return dataclasses.replace(batch, outcomes=outcomes)

    def _located(self, failure: UnitError, cells: Mapping[str, str]) -> UnitError:
        error = failure.error
        if not isinstance(error, DataError):
            return failure
        problems = [
            dataclasses.replace(problem, location=Location(self.source, (cells[str(problem.location.path[0])],)))
            if problem.location.path and str(problem.location.path[0]) in cells
            else problem
            for problem in error.problems
        ]
        return dataclasses.replace(failure, error=DataError(problems, self.source))


def read_sheet_units(
    path: str | Path, ruleset: Ruleset, *others: Ruleset, limits: Limits = DEFAULT_LIMITS
) -> SheetUnits:
    """The units of a sheet (.xlsx: the first visible sheet whose header names inputs; .csv), one per
    row under the header. Raises :class:`~perfscore.DataError` listing every problem with the
    header (an unknown column, a required input no column gives) or a row without id or name, each
    located at its cell, and :class:`~perfscore.UnreadableFileError` for a file that cannot be read.

    With ``others`` (other versions of the ruleset, for ``perfscore diff``), a column may give an
    input of any of them, and an input no column gives is left to each unit's scoring."""
    path = Path(path)
    source = str(path)
    rulesets = (ruleset, *others)
    if not is_sheet(path):
        raise DataError(
            [_sheet_problem(source, (), "not-a-unit", "not_a_sheet", suffixes=" / ".join(SUFFIXES))], source
        )
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UnreadableFileError(f"{source}: cannot read the data file ({error.strerror or error})") from None
    if size > limits.max_table_bytes:
        problem = _sheet_problem(source, (), "table-too-large", "too_large", size=size, limit=limits.max_table_bytes)
        raise DataError([problem], source)
    with _opened(path, source, limits) as handle:
        if path.suffix.lower() == ".xlsx":
            grids = _xlsx_grids(handle, source, limits)
        else:
            grids = [_csv_grid(handle, source, limits)]
    for grid in grids:
        found = _header(grid, rulesets, limits)
        if found is not None and grid.beyond is not None:  # values beyond the rows and columns read
            raise DataError([grid.beyond], source)
        if found is not None:
            return _units(grid, found, rulesets, source)
    example = "、".join(spec.label for spec in list(ruleset.inputs.values())[:3])
    raise DataError([_sheet_problem(source, (), "not-a-unit", "no_header", example=example)], source)


def _fold(text: str) -> str:
    return " ".join(normal_width(text).split()).casefold()


def _headers(rulesets: Sequence[Ruleset], row: Sequence[str]) -> list[str]:
    """A header row as :func:`perfscore.frames` matches columns: a label followed by the input's unit
    in brackets (``全年预算数（万元）``, ``质量达标率（%）``) is read as the label, and an English label
    (``label_en``, as an English template writes it) as the input's name."""
    english = {
        normal_width(spec.label_en).strip(): name
        for ruleset in rulesets
        for name, spec in ruleset.inputs.items()
        if spec.label_en
    }
    known = {normal_width(spec.label).strip() for ruleset in rulesets for spec in ruleset.inputs.values()}
    known |= {name for ruleset in rulesets for name in ruleset.inputs}
    out = []
    for cell in row:
        text = normal_width(cell).strip()
        found = _UNIT_SUFFIX.match(text)
        if (
            text not in known
            and text not in english
            and found
            and (found.group(1) in known or found.group(1) in english)
        ):
            text = found.group(1)
        out.append(english.get(text, text) if text not in known else text)
    return out


@dataclass(frozen=True)
class _Found:
    row: int
    headers: list[str]
    skip: set[int]  # the id and name columns, and columns without a header
    id_at: int | None
    name_at: int | None
    given: list[dict[str, int]]  # for each ruleset, the column giving each input


def _header(grid: _Grid, rulesets: Sequence[Ruleset], limits: Limits) -> _Found | None:
    """The first row (within ``limits.max_header_row``) that names an input: the sheet's header."""
    for row in range(min(len(grid.raw), limits.max_header_row + 1)):
        headers = _headers(rulesets, grid.raw[row])
        folded = [_fold(text) for text in headers]
        id_at = next((at for at, text in enumerate(folded) if text in ID_HEADERS), None)
        name_at = next((at for at, text in enumerate(folded) if text in NAME_HEADERS and at != id_at), None)
        skip = {at for at in (id_at, name_at) if at is not None} | {at for at, text in enumerate(headers) if not text}
        given = [_match_columns(ruleset, headers, skip, extra="ignore", problems=[]) for ruleset in rulesets]
        if any(given):
            return _Found(row, headers, skip, id_at, name_at, given)
    return None


def _column_problems(grid: _Grid, found: _Found, rulesets: Sequence[Ruleset], source: str) -> list[Problem]:
    """Columns that give no input (and, for one ruleset, required inputs no column gives), located
    at their header cell (at the sheet for a missing column)."""
    headers = found.headers
    problems: list[Problem] = []
    if len(rulesets) == 1:
        _match_columns(rulesets[0], headers, found.skip, problems=problems)
    else:
        used = found.skip | {at for given in found.given for at in given.values()}
        known = [text for ruleset in rulesets for name, spec in ruleset.inputs.items() for text in (name, spec.label)]
        for at, text in enumerate(headers):
            if at not in used:
                words = FRAME_WORDS["unknown_column"]
                problems.append(Problem(Location(source, (text,)), words.en, suggest(text, known), code="unknown-input",
                                        message_zh=words.zh))  # fmt: skip
    cell = {text: str(grid.location(found.row, at).path[0]) for at, text in enumerate(headers) if text}
    sheet: tuple[str, ...] = (grid.sheet,) if grid.sheet else ()
    return [
        dataclasses.replace(problem, location=Location(source, _where(problem, cell, sheet))) for problem in problems
    ]


def _where(problem: Problem, cells: Mapping[str, str], otherwise: tuple[str, ...]) -> tuple[str, ...]:
    path = problem.location.path
    return (cells[str(path[0])],) if path and str(path[0]) in cells else otherwise


def _units(grid: _Grid, found: _Found, rulesets: Sequence[Ruleset], source: str) -> SheetUnits:
    problems = _column_problems(grid, found, rulesets, source)
    sheet: tuple[str, ...] = (grid.sheet,) if grid.sheet else ()
    given = {name: at for mapping in reversed(found.given) for name, at in mapping.items()}
    used = [at for at in (found.id_at, found.name_at, *given.values()) if at is not None]
    ratings = {name for ruleset in rulesets for name, spec in ruleset.inputs.items() if spec.type == "rating"}
    headers_by_input = {name: found.headers[at] for name, at in given.items()}
    units: list[Unit] = []
    cells: list[dict[str, str]] = []
    for row in range(found.row + 1, len(grid.raw)):
        if not any(grid.text(row, at) for at in used):
            continue
        unit_id = grid.text(row, found.id_at) if found.id_at is not None else ""
        name = grid.text(row, found.name_at) if found.name_at is not None else ""
        if not unit_id and not name:
            where = (str(grid.location(row, found.id_at or 0).path[0]),)
            problems.append(_sheet_problem(source, where, "not-a-unit", "no_id", row=row + 1))
            continue
        values = {input_name: _value(grid.text(row, at), input_name in ratings) for input_name, at in given.items()}
        for input_name, at in given.items():  # an empty cell with a formula: a file no spreadsheet has calculated
            formula = grid.formula(row, at) if values[input_name] is None else None
            if formula is not None:
                where = (str(grid.location(row, at).path[0]),)
                label = for_terminal(headers_by_input[input_name])
                problems.append(_sheet_problem(source, where, "unsaved-formula", "unsaved", label=label, formula=for_terminal(formula)))  # fmt: skip
        label = unit_id or name
        units.append(Unit(label, name or None, values, f"{source}#{label}"))
        cells.append({input_name: str(grid.location(row, at).path[0]) for input_name, at in given.items()})
    if not units and not problems:
        problems.append(_sheet_problem(source, sheet, "not-a-unit", "no_units"))
    if problems:
        raise DataError(problems, source)
    return SheetUnits(source, grid.sheet, tuple(units), tuple(cells))


_TIER_SCORE = re.compile(r"(.+?)\s*[:：]\s*([^:：]+)")


def _value(text: str, rating: bool) -> Any:
    """A cell's text as the inputs' converters take it: a blank is missing; a rating cell may give a
    score inside its tier after a colon (``达成：9``)."""
    if not text:
        return None
    found = _TIER_SCORE.fullmatch(text) if rating else None
    return {"tier": found.group(1), "score": found.group(2).strip()} if found else text


# --- scores out ------------------------------------------------------------------------------------


def _identity(batch: BatchResult, index: int) -> tuple[str, str]:
    unit_id, name = batch._identity(index)
    return unit_id, name or ""


def _summary_rows(batch: BatchResult, lang: str) -> tuple[list[str], list[list[Any]]]:
    """The summary: one row per unit (id, name, total, points lost, grade, rank, each first-level
    subtotal, the error)."""
    words = in_lang(WORDS, lang)
    roots = batch.ruleset.roots
    head = [words["id"], words["name"], words["total"], words["lost"], words["grade"], words["rank"],
            *(f"{node.label(lang)}（{plain(node.points)}）" if lang == "zh" else f"{node.label(lang)} ({plain(node.points)})"
              for node in roots), words["error"]]  # fmt: skip
    ranked = ranks(batch)
    rows: list[list[Any]] = []
    for index, outcome in enumerate(batch.outcomes):
        unit_id, name = _identity(batch, index)
        if isinstance(outcome, UnitError):
            rows.append([unit_id, name, None, None, None, None, *(None for _ in roots), str(outcome.error)])
            continue
        subtotals = {node.id: node.score for node in outcome.tree}
        grade = outcome.grade.name_en if lang == "en" else outcome.grade.name
        rows.append([unit_id, name, outcome.total, outcome.lost, grade, ranked[index],
                     *(subtotals[node.id] for node in roots), None])  # fmt: skip
    return head, rows


def _detail_rows(batch: BatchResult, lang: str) -> tuple[list[str], list[list[Any]]]:
    """Every leaf of every unit scored: its points, score, lost points and explanation."""
    words = in_lang(WORDS, lang)
    head = [words["id"], words["name"], words["indicator_id"], words["indicator"], words["points"],
            words["score"], words["lost"], words["explanation"]]  # fmt: skip
    rows: list[list[Any]] = []
    for index, outcome in enumerate(batch.outcomes):
        if isinstance(outcome, ScoreResult):
            unit_id, name = _identity(batch, index)
            rows += [
                [
                    unit_id,
                    name,
                    item.id,
                    item.indicator.label(lang),
                    item.points,
                    item.score,
                    item.lost,
                    item.explain(lang),
                ]
                for item in outcome.items
            ]
    return head, rows


def _explanation_rows(batch: BatchResult, lang: str) -> tuple[list[str], list[list[Any]]]:
    """Every explanation a unit needs: each deduction (largest first), each note, each fallback, each error."""
    words = in_lang(WORDS, lang)
    head = [words["id"], words["name"], words["kind"], words["indicator"], words["lost"], words["explanation"]]
    rows: list[list[Any]] = []
    for index, outcome in enumerate(batch.outcomes):
        unit_id, name = _identity(batch, index)
        if isinstance(outcome, UnitError):
            rows.append([unit_id, name, words["error"], None, None, str(outcome.error)])
            continue
        rows += [[unit_id, name, words["deduction"], item_label(item, lang), item.lost, item.explain(lang)]
                 for item in outcome.deductions]  # fmt: skip
        rows += [[unit_id, name, words["note"], item.indicator.label(lang), None, item.explain(lang)]
                 for item in outcome.notes]  # fmt: skip
        rows += [[unit_id, name, words["note"], None, None, note] for note in outcome.fallback_notes(lang)]
    return head, rows


def _save(book: Any, path: str | Path, what: str) -> Path:
    """A workbook written through :func:`perfscore.files.replacing` (complete, or the old file kept)."""
    packed = io.BytesIO()  # not the file itself: an interrupted save leaves openpyxl's zip to close later
    book.save(packed)
    target = Path(path)
    with replacing(target, what=what) as stream:
        stream.write(packed.getbuffer())
    return target


def _sheet(book: Any, title: str, head: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int]) -> Any:
    openpyxl = require_openpyxl()
    sheet = book.create_sheet(title)
    for column, text in enumerate(head, start=1):
        cell = sheet.cell(1, column)
        _put(cell, text)
        cell.font = openpyxl.styles.Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _put(sheet.cell(number, column), value)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{column_letter(len(head) - 1)}{len(rows) + 1}"  # sort and filter in Excel
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[column_letter(column - 1)].width = width
    return sheet


@pinned
def write_scores_xlsx(batch: BatchResult, path: str | Path, *, lang: str = "zh") -> Path:
    """The scores as an .xlsx workbook (needs openpyxl: ``pip install 'perfscore[xlsx]'``): 汇总 (a row
    per unit: total, grade, first-level subtotals, the error of a unit that failed), 明细 (a row per
    unit and leaf) and 扣分说明 (every deduction, note and error, in words); scores are number cells
    holding the exact decimal, shown with two decimals."""
    check_lang(lang)
    words = in_lang(WORDS, lang)
    openpyxl = require_openpyxl()
    book = openpyxl.Workbook()
    book.remove(book.active)
    head, rows = _summary_rows(batch, lang)
    _sheet(book, words["summary"], head, rows, [18, 30, 10, 8, 8, 6, *(14 for _ in batch.ruleset.roots), 60])
    head, rows = _detail_rows(batch, lang)
    _sheet(book, words["details"], head, rows, [18, 30, 28, 30, 8, 8, 8, 80])
    head, rows = _explanation_rows(batch, lang)
    _sheet(book, words["explanations"], head, rows, [18, 30, 8, 30, 8, 90])
    return _save(book, path, "the scores")


@pinned
def write_scores_csv(batch: BatchResult, path: str | Path, *, lang: str = "zh") -> Path:
    """The scores as CSV (UTF-8 with a BOM, so Excel and WPS read the Chinese): the summary of
    :func:`write_scores_xlsx`, then each leaf's score (``指标名称（分值）``); decimals as their exact text."""
    check_lang(lang)
    head, rows = _summary_rows(batch, lang)
    leaves = batch.ruleset.leaves
    head = head[:-1] + [f"{leaf.label(lang)}（{plain(leaf.points)}）" if lang == "zh" else f"{leaf.label(lang)} ({plain(leaf.points)})"
                        for leaf in leaves] + head[-1:]  # fmt: skip
    for row, outcome in zip(rows, batch.outcomes, strict=True):
        scores = [item.score for item in outcome.items] if isinstance(outcome, ScoreResult) else [None] * len(leaves)
        row[-1:-1] = scores
    with replacing(path, encoding="utf-8-sig", newline="", what="the scores") as stream:
        writer = csv.writer(stream)
        writer.writerow([for_cell(text) for text in head])
        for row in rows:
            writer.writerow(
                ["" if v is None else format(v, "f") if isinstance(v, Decimal) else for_cell(str(v)) for v in row]
            )
    return Path(path)


def write_scores(batch: BatchResult, path: str | Path, *, lang: str = "zh") -> Path:
    """:func:`write_scores_xlsx` or :func:`write_scores_csv`, by the file's suffix."""
    if Path(path).suffix.lower() == ".csv":
        return write_scores_csv(batch, path, lang=lang)
    return write_scores_xlsx(batch, path, lang=lang)


# --- the template ----------------------------------------------------------------------------------


def header(name: str, spec: InputSpec, lang: str) -> str:
    """An input's column header in a template: its label, with its unit in brackets (``全年预算数（万元）``,
    ``质量达标率（%）``); read back as the label."""
    label = spec.label_en if lang == "en" and spec.label_en else spec.label
    unit = "%" if spec.type == "percent" else spec.unit
    said = _UNIT_SUFFIX.match(normal_width(label))
    if not unit or (said and unit in said.group(2)):  # no unit, or the label says it already: 完成数量（个）
        return label
    return f"{label}（{unit}）" if lang == "zh" else f"{label} ({unit})"


def rule(ruleset: Ruleset, name: str, lang: str) -> str:
    """What a unit enters for an input, in words: its type, its range, whether it is required."""
    words = in_lang(WORDS, lang)
    spec = ruleset.inputs[name]
    parts = []
    if spec.type == "rating":
        tiers = ruleset.scales[spec.scale].tiers
        parts.append(words["t_rating"].format(tiers=words["list"].join(t.name for t in tiers), example=tiers[0].name))
    else:
        parts.append(words[f"t_{spec.type}"])
    for side, bound in (("low", spec.min), ("high", spec.max)):
        key = "at_least" if side == "low" else "at_most"
        if isinstance(bound, Decimal):
            parts.append(words[key].format(**{side: plain(bound)}))
        elif isinstance(bound, str):
            other = ruleset.inputs[bound].label if bound in ruleset.inputs else bound
            parts.append(words[f"{key}_input"].format(other=other))
    check = next(check for check in ruleset.checks if check.name == name)
    if spec.default is not None:
        parts.append(
            words["default"].format(
                default=spec.default if not isinstance(spec.default, Decimal) else plain(spec.default)
            )
        )
    else:
        parts.append(words["required"] if check.required else words["optional"])
    return words["separator"].join(parts)


@pinned
def write_template(ruleset: Ruleset, path: str | Path, *, lang: str = "zh", rows: int = TEMPLATE_ROWS) -> Path:
    """The sheet units fill in, as .xlsx (needs openpyxl) or .csv (the header row only).

    The .xlsx has the sheet 填报表: 单位编号, 单位名称 and a column per input headed by its label and
    unit, each header with a note (what to enter and the input's description); drop-downs for
    ratings (the scale's tiers) and yes/no inputs, whole or decimal ranges for numbers (their fixed
    ``min``/``max``), on the first ``rows`` rows. The sheet 填写说明 lists every input, and a hidden
    sheet holds the drop-downs' lists."""
    check_lang(lang)
    words = in_lang(WORDS, lang)
    inputs = list(ruleset.inputs.items())
    head = [words["id"], words["name"], *(header(name, spec, lang) for name, spec in inputs)]
    if Path(path).suffix.lower() == ".csv":
        with replacing(path, encoding="utf-8-sig", newline="", what="the template") as stream:
            csv.writer(stream).writerow([for_cell(text) for text in head])
        return Path(path)
    openpyxl = require_openpyxl()
    from openpyxl.comments import Comment
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = words["template"]
    lists = book.create_sheet(words["lists"])
    lists.sheet_state = "hidden"
    bold = openpyxl.styles.Font(bold=True)
    fill = openpyxl.styles.PatternFill("solid", fgColor="F2F4F7")
    for column, text in enumerate(head, start=1):
        cell = sheet.cell(1, column)
        _put(cell, text)
        cell.font, cell.fill = bold, fill
        sheet.column_dimensions[column_letter(column - 1)].width = max(12, min(40, len(text) * 2 + 2))
    for column in (1, 2):  # ids and names as text: an id such as 001 keeps its zeros
        for row in range(2, rows + 2):
            sheet.cell(row, column).number_format = "@"
    last = rows + 1
    list_column = 0
    for column, (name, spec) in enumerate(inputs, start=3):
        letter = column_letter(column - 1)
        said = rule(ruleset, name, lang)
        description = spec.description if spec.description else ""
        note = "\n".join(part for part in (said, description) if part)
        sheet.cell(1, column).comment = Comment(_xlsx_text(note), "perfscore", width=300, height=120)
        validation = _validation(DataValidation, ruleset, spec, lists, list_column, words)
        if spec.type == "rating":
            list_column += 1
        if spec.type == "text" or spec.type == "date":
            for row in range(2, rows + 2):
                sheet.cell(row, column).number_format = "@"
        if validation is None:
            continue
        validation.prompt = _xlsx_text(said)[:250]
        validation.promptTitle = _xlsx_text(header(name, spec, lang))[:30]
        validation.showInputMessage = True
        validation.error = _xlsx_text(said)[:250]
        validation.errorTitle = words["bad_value"]
        validation.showErrorMessage = True
        validation.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "C2"
    guide = book.create_sheet(words["guide"], 1)
    _guide(guide, ruleset, inputs, lang, bold, fill)
    return _save(book, path, "the template")


def _validation(
    kind: Any, ruleset: Ruleset, spec: InputSpec, lists: Any, list_column: int, words: Mapping[str, str]
) -> Any:
    """The data validation of an input's cells: a list for ratings and yes/no, a range for numbers."""
    if spec.type == "bool":
        return kind(type="list", formula1=f'"{words["yes"]},{words["no"]}"', allow_blank=True)
    if spec.type == "rating":
        tiers = ruleset.scales[spec.scale].tiers
        letter = column_letter(list_column)
        for row, tier in enumerate(tiers, start=1):
            _put(lists.cell(row, list_column + 1), tier.name)
        title = lists.title.replace("'", "''")
        reference = f"'{title}'!${letter}$1:${letter}${len(tiers)}"
        return kind(type="list", formula1=reference, allow_blank=True, errorStyle="warning")  # 达成：9 may be typed
    if spec.type in ("number", "percent", "count"):
        low = spec.min if isinstance(spec.min, Decimal) else (Decimal(0) if spec.type == "count" else None)
        high = spec.max if isinstance(spec.max, Decimal) else None
        whole = "whole" if spec.type == "count" else "decimal"
        if low is not None and high is not None:
            return kind(type=whole, operator="between", formula1=plain(low), formula2=plain(high), allow_blank=True)
        if low is not None:
            return kind(type=whole, operator="greaterThanOrEqual", formula1=plain(low), allow_blank=True)
        if high is not None:
            return kind(type=whole, operator="lessThanOrEqual", formula1=plain(high), allow_blank=True)
        if whole == "whole":
            return kind(type="whole", operator="between", formula1="-999999999", formula2="999999999", allow_blank=True)
    return None


def _guide(
    sheet: Any, ruleset: Ruleset, inputs: Sequence[tuple[str, InputSpec]], lang: str, bold: Any, fill: Any
) -> None:
    """The sheet of instructions: the ruleset, what to do, and every input's rule."""
    words = in_lang(WORDS, lang)
    title = ruleset.meta.title_en if lang == "en" and ruleset.meta.title_en else ruleset.title
    _put(sheet.cell(1, 1), words["ruleset"])
    _put(sheet.cell(1, 2), f"{title} ({ruleset.id} {ruleset.version})")
    sheet.cell(1, 1).font = bold
    _put(sheet.cell(2, 1), words["sources"])
    sheet.cell(2, 1).font = bold
    _put(sheet.cell(2, 2), "\n".join(ruleset.meta.sources))
    _put(sheet.cell(3, 2), words["how"].format(ruleset=ruleset.id))
    head = (words["column"], words["input"], words["type"], words["unit"], words["rule"], words["explanation"])
    for column, text in enumerate(head, start=1):
        cell = sheet.cell(5, column)
        _put(cell, text)
        cell.font, cell.fill = bold, fill
    for row, (name, spec) in enumerate(inputs, start=6):
        values = (header(name, spec, lang), name, words[f"k_{spec.type}"], "%" if spec.type == "percent" else spec.unit or "",
                  rule(ruleset, name, lang), spec.description or "")  # fmt: skip
        for column, value in enumerate(values, start=1):
            _put(sheet.cell(row, column), value)
    for column, width in enumerate((30, 20, 10, 8, 50, 60), start=1):
        sheet.column_dimensions[column_letter(column - 1)].width = width
