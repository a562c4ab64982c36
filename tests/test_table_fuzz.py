"""Random workbooks and CSV files fed to the table reader: only perfscore errors or results, within
the time and memory bounds that docs/security.md states (:data:`test_bombs.SECONDS`,
:data:`test_bombs.MEGABYTES`).

The workbooks are written by openpyxl, as a program writing a table would: random sheets (random
names, some hidden), a header drawn from the real column names at a random row, and cells of
every kind — text with control, bidirectional, full-width and CJK characters, numbers huge and
tiny, formulas, error values, dates, booleans — under random number formats, with random merged
ranges; some are then damaged (bytes flipped, cut short). The CSV files are random rows in a
random encoding (UTF-8 with and without BOM, GB18030, UTF-16, Big5, Latin-1), with random
delimiters, quoting and line ends, and random bytes (NUL, stray BOMs, invalid sequences) put in.
Each is read by :func:`~perfscore.tables.read.read_tables` and audited by
:func:`~perfscore.tables.batch.audit_batch`, and neither may let a warning through (openpyxl's
quote the file, on stderr).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
import time
import tracemalloc
import warnings
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from perfscore.errors import PerfscoreError
from perfscore.tables.batch import BatchAudit, audit_batch
from perfscore.tables.model import Table
from perfscore.tables.read import ALIASES, read_tables
from test_bombs import MEGABYTES, SECONDS
from test_table_score import MOF

NAMES = sorted({name for names in ALIASES.values() for name in names} | {"序号", "备注", "评分标准", "指标解释"})
ODD = [
    "培训人次", "≥50个", "96.8%", "１０", "9.5分", "2,468.78万元", "—", "/", "总分", "合计", "评价等级", "优", "填表人：张三",
    "说明：", "注1", "2023年度项目支出绩效自评表", "=SUM(A1:A3)", "=1/0", "#N/A", "#DIV/0!", "#REF!", "\u202e得分",
    "\u200b=1+1", "＝1+1", "1e309", "-0", "9" * 40, "NaN", "inf", "产出指标\n总分: 100", "\x1b[2J", "\u2028", "①0", "١٢",
]  # fmt: skip
TEXT = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(ODD),
    st.text(max_size=40),
    st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs", "Lo", "Nd", "No"]), max_size=12),
)
VALUES: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    TEXT,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1)),
    st.times(),
)
FORMATS = ["General", "0", "0.00", "0.00%", "#,##0.00", "yyyy-mm-dd", "@", '0.00"分"', "[h]:mm"]
SHEET_NAMES = st.one_of(
    st.sampled_from(["自评表", "Sheet1", "填表说明", "项目支出绩效自评表（2023）", "汇总", " 表 1 ", "\u202e表"]),
    st.text(st.characters(exclude_categories=["Cc", "Cs"], exclude_characters="[]:*?/\\'"), min_size=1, max_size=31),
).filter(str.strip)


@st.composite
def headers(draw: st.DrawFn) -> list[str]:
    """A header row: usually one that names a table (三级指标 and two of the others, by any of their
    names, in any order, among extra columns), else any column names."""
    if draw(st.integers(0, 3)) == 0:
        return draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=9))
    roles = [
        "level3",
        *draw(st.lists(st.sampled_from(["target", "actual", "points", "reported"]), min_size=2, unique=True)),
    ]
    roles += draw(st.lists(st.sampled_from(["level1", "level2", "note"]), unique=True))
    names = [draw(st.sampled_from(ALIASES[role])) for role in roles]
    names += draw(st.lists(st.sampled_from(["序号", "备注", "评分标准"]), max_size=2))
    return draw(st.permutations(names))


def bounded(read: Callable[[], object]) -> object:
    """Run ``read`` under tracemalloc: its result or the PerfscoreError it raised, within the
    stated time and memory, and without a warning (openpyxl's warnings may quote the file, on
    stderr; anything else raised fails the test)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tracemalloc.start()
        start = time.perf_counter()
        try:
            try:
                result = read()
            except PerfscoreError as error:
                result = error
            seconds = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1] / 1e6
        finally:
            tracemalloc.stop()
    assert seconds < SECONDS, f"{seconds:.2f} s"
    assert peak < MEGABYTES, f"{peak:.1f} MB"
    assert [str(warning.message) for warning in caught] == []
    return result


def read_and_audit(path: Path) -> None:
    """Only tables or a perfscore error from the reader, an audit from audit_batch (an unreadable
    file is one of its rows), each within the bounds."""
    tables = bounded(lambda: read_tables(path))
    assert isinstance(tables, PerfscoreError) or all(isinstance(table, Table) for table in tables)  # type: ignore[attr-defined]
    batch = bounded(lambda: audit_batch([path], MOF))
    assert isinstance(batch, BatchAudit), batch
    assert len(batch.rows) >= 1


def place(sheet: Any, row: int, column: int, value: Any, number_format: str) -> None:
    """Write a value as openpyxl accepts it; values openpyxl refuses to write are left out."""
    cell = sheet.cell(row, column)
    try:
        cell.value = value
    except (IllegalCharacterError, ValueError, TypeError):  # control characters XML cannot hold
        return
    cell.number_format = number_format


def _fixed(data: bytes) -> bytes:
    """The workbook's bytes without the time they were written (openpyxl stamps docProps/core.xml
    and every zip entry), so that an example, damaged at the same places, reads the same again."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as fixed:
        for name in source.namelist():
            part = source.read(name)
            if name == "docProps/core.xml":
                part = re.sub(rb">[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z<", b">2024-01-01T00:00:00Z<", part)
            fixed.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), part, zipfile.ZIP_DEFLATED)
    return out.getvalue()


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    """An .xlsx as a program would write one, sometimes damaged afterwards."""
    book = Workbook()
    del book[book.sheetnames[0]]
    names = draw(st.lists(SHEET_NAMES, min_size=1, max_size=3, unique_by=str.lower))
    for name in names:
        sheet = book.create_sheet()
        with contextlib.suppress(ValueError):  # a name openpyxl refuses: the sheet keeps its default one
            sheet.title = name
        sheet.sheet_state = draw(st.sampled_from(["visible", "visible", "hidden", "veryHidden"]))
        top = draw(st.integers(1, 6))
        for column, header in enumerate(draw(headers()), start=1):
            place(sheet, top, column, header, "General")
        rows = draw(st.lists(st.lists(VALUES, max_size=9), max_size=12))
        for offset, line in enumerate(rows, start=1):
            for column, value in enumerate(line, start=1):
                place(sheet, top + offset, column, value, draw(st.sampled_from(FORMATS)))
        for _ in range(draw(st.integers(0, 3))):
            first_row, first_column = draw(st.integers(1, 15)), draw(st.integers(1, 9))
            sheet.merge_cells(
                start_row=first_row,
                start_column=first_column,
                end_row=first_row + draw(st.integers(0, 3)),
                end_column=first_column + draw(st.integers(0, 3)),
            )
    if all(sheet.sheet_state != "visible" for sheet in book.worksheets):
        book.worksheets[0].sheet_state = "visible"
    out = io.BytesIO()
    try:
        book.save(out)
    except (ValueError, TypeError, OverflowError):  # a value openpyxl cannot write after all
        assume(False)
    data = _fixed(out.getvalue())
    damage = draw(st.sampled_from(["none", "none", "flip", "cut"]))
    if damage == "flip":
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    elif damage == "cut":
        data = data[: draw(st.integers(0, len(data) - 1))]
    return data


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A CSV file in a random encoding, delimiter, quoting and line end, with random bytes put in."""
    rows = draw(st.lists(st.lists(st.one_of(TEXT, st.integers(-(10**6), 10**6).map(str)), max_size=9), max_size=15))
    if draw(st.booleans()):
        header = draw(headers())
        rows.insert(draw(st.integers(0, len(rows))), header)
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=draw(st.sampled_from([",", "\t", ";", "|"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])),
        lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])),
    )
    writer.writerows(rows)
    encodings = [
        "utf-8",
        "utf-8-sig",
        "gb18030",
        "utf-8",
        "utf-8-sig",
        "gb18030",
        "utf-16",
        "utf-16-le",
        "big5",
        "latin-1",
    ]
    data = out.getvalue().encode(draw(st.sampled_from(encodings)), errors="replace")
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 4]))):
        at = draw(st.integers(0, len(data)))
        junk = draw(st.sampled_from([b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\x80", b"\xe4\xb8", b'"', b"\r"]))
        data = data[:at] + junk + data[at:]
    return data


# --- the tests ------------------------------------------------------------------------------


@given(workbooks())
def test_random_workbooks_give_tables_or_perfscore_errors(tmp_path_factory: Any, data: bytes) -> None:
    """Invariant: any workbook openpyxl writes, whole or damaged, is read as tables or refused with
    a PerfscoreError, and audited, within the stated time and memory."""
    path = tmp_path_factory.mktemp("book") / "自评表.xlsx"
    path.write_bytes(data)
    read_and_audit(path)


@given(csv_files())
def test_random_csv_files_give_tables_or_perfscore_errors(tmp_path_factory: Any, data: bytes) -> None:
    """Invariant: any CSV bytes — any encoding, BOM, delimiter, quoting, NULs — are read as a table
    or refused with a PerfscoreError, and audited, within the stated time and memory."""
    path = tmp_path_factory.mktemp("csv") / "自评表.csv"
    path.write_bytes(data)
    read_and_audit(path)


@given(st.binary(max_size=2_000), st.sampled_from([".xlsx", ".csv", ".json", ".toml"]))
def test_random_bytes_give_tables_or_perfscore_errors(tmp_path_factory: Any, data: bytes, suffix: str) -> None:
    """Invariant: arbitrary bytes under any table suffix (a zip's start, or not) are refused with a
    PerfscoreError or read, never a traceback."""
    path = tmp_path_factory.mktemp("bytes") / f"table{suffix}"
    path.write_bytes(b"PK\x03\x04" + data if suffix == ".xlsx" and data[:1] == b"\x00" else data)
    read_and_audit(path)


def test_the_strategies_reach_tables_and_refusals(tmp_path: Path) -> None:
    """The workbook and CSV strategies produce files that read as tables, and files that are refused
    (so the fuzz tests exercise both paths); checked on fixed examples."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in (["三级指标", "年度指标值", "分值", "得分"], ["培训人次", "≥10次", 10, Decimal("9.5")]):
        sheet.append(line)
    path = tmp_path / "good.xlsx"
    book.save(path)
    assert [len(table.rows) for table in read_tables(path)] == [1]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(path.read_bytes()[:200])
    assert isinstance(bounded(lambda: read_tables(broken)), PerfscoreError)
