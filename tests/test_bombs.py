"""Spreadsheet and CSV bombs: each is refused at its first bound, quickly and holding little memory.

Each bomb is built in a temporary folder by writing the zip (or the CSV) directly: a sheet of
millions of cells or a 300 MB shared string is a few hundred kilobytes on disk, because the
deflate stream of a repeated block is that block's stream repeated (:func:`deflated`). Nothing
here holds the expanded bytes, so the tests are fast.

Every bomb must be refused with its located problem (a :class:`~perfscore.DataError` or, for a
file over the size limit, an :class:`~perfscore.UnreadableFileError`) within :data:`SECONDS` of
work and :data:`MEGABYTES` of memory allocated at the peak (``tracemalloc``, which counts what
Python and the XML parser allocate; the file's own bytes are not held). Both bounds are
generous on purpose: measured, the slowest bomb is refused in 0.75 s and the largest allocates
20 MB, most take a millisecond and under a megabyte (the figures are in docs/security.md). The
bounds are there to catch a reader that expands the bomb — before these checks that took 15 s
and 1 GB, or never ended — not to time perfscore, and a loaded CI machine must not make them fail.
"""

from __future__ import annotations

import io
import os
import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook

from perfscore import DataError, UnreadableFileError
from perfscore.errors import PerfscoreError
from perfscore.limits import Limits
from perfscore.tables.read import read_tables

SECONDS = 5.0
"""The work a bomb may cost before it is refused (wall clock; generous, see the module's docstring)."""
MEGABYTES = 50
"""The memory a bomb may make perfscore allocate at the peak (``tracemalloc``)."""
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
HEADER = (
    b"<row>"
    + b"".join(
        b'<c t="inlineStr"><is><t>' + name.encode() + b"</t></is></c>"
        for name in ("三级指标", "年度指标值", "分值", "得分")
    )
    + b"</row>"
)


# --- building zips by hand ------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A member of a hand-built zip: its compressed bytes, CRC and size, and what the directory
    declares (``declared`` may lie about the size; ``method`` and ``flags`` may be odd)."""

    name: str
    data: bytes
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0x800  # names in UTF-8
    declared: int | None = None


def deflated(name: str, pieces: Iterable[tuple[bytes, int]], **options: int | None) -> Part:
    """A part holding each ``piece`` repeated ``times``, deflated without ever holding the whole:
    after a full flush the compressor starts afresh, so a piece's stream can be repeated as bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = io.BytesIO()
    crc = size = 0
    for piece, times in pieces:
        group = max(1, min(times, 1_000_000 // max(1, len(piece))))  # pieces compressed together: about 1 MB
        for count, repeat in ((group, times // group), (times % group, 1)):
            if count and repeat:
                block = compressor.compress(piece * count) + compressor.flush(zlib.Z_FULL_FLUSH)
                out.write(block * repeat)
                for _ in range(repeat):
                    crc = zlib.crc32(piece * count, crc)
        size += len(piece) * times
    out.write(compressor.flush(zlib.Z_FINISH))
    return Part(name, out.getvalue(), crc, size, **options)  # type: ignore[arg-type]


def stored(name: str, data: bytes, **options: int | None) -> Part:
    """A small part, deflated as a whole."""
    return deflated(name, [(data, 1)], **options)


def write_zip(path: Path, parts: Sequence[Part]) -> Path:
    """The zip of ``parts``, written byte by byte: local headers, data, directory, end record."""
    body = io.BytesIO()
    directory = io.BytesIO()
    for part in parts:
        name = part.name.encode()
        declared = part.size if part.declared is None else part.declared
        offset = body.tell()
        head = (20, part.flags, part.method, 0, 0, part.crc, len(part.data), declared, len(name))
        body.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *head, 0) + name + part.data)
        directory.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *head, 0, 0, 0, 0, 0, offset) + name)
    count = len(parts)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, directory.tell(), body.tell(), 0)
    path.write_bytes(body.getvalue() + directory.getvalue() + end)
    return path


def workbook_parts(
    sheet: Part, *, strings: Part | None = None, extra: Sequence[Part] = (), state: str = "visible"
) -> list[Part]:
    """A minimal workbook around one sheet named 自评表 (and shared strings, and other parts)."""
    overrides = [("/xl/workbook.xml", WORKBOOK_TYPE), ("/xl/worksheets/sheet1.xml", SHEET_TYPE)]
    relations = [("rId1", "worksheet", "worksheets/sheet1.xml")]
    if strings is not None:
        overrides.append(("/xl/sharedStrings.xml", STRINGS_TYPE))
        relations.append(("rId2", "sharedStrings", "sharedStrings.xml"))
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides)
        + "</Types>"
    )
    root = f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    book = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
        f'<sheet name="自评表" sheetId="1" state="{state}" r:id="rId1"/></sheets></workbook>'
    )
    links = (
        f'<Relationships xmlns="{RELS}">'
        + "".join(
            f'<Relationship Id="{rid}" Type="{DOC_RELS}/{kind}" Target="{target}"/>' for rid, kind, target in relations
        )
        + "</Relationships>"
    )
    parts = [
        stored("[Content_Types].xml", types.encode()),
        stored("_rels/.rels", root.encode()),
        stored("xl/workbook.xml", book.encode()),
        stored("xl/_rels/workbook.xml.rels", links.encode()),
        sheet,
    ]
    return parts + ([strings] if strings is not None else []) + list(extra)


def sheet_part(
    rows: Iterable[tuple[bytes, int]], *, before: bytes = b"", after: bytes = b"", **options: int | None
) -> Part:
    """The worksheet part: ``before`` sheetData, each row piece repeated, ``after`` it."""
    head = f'<worksheet xmlns="{MAIN}">'.encode() + before + b"<sheetData>"
    return deflated(
        "xl/worksheets/sheet1.xml", [(head, 1), *rows, (b"</sheetData>" + after + b"</worksheet>", 1)], **options
    )


def book(path: Path, rows: Iterable[tuple[bytes, int]], **options: object) -> Path:
    """A workbook whose one sheet holds ``rows`` (see :func:`sheet_part`)."""
    sheet_options = {key: options.pop(key) for key in ("before", "after") if key in options}
    return write_zip(path, workbook_parts(sheet_part(rows, **sheet_options), **options))  # type: ignore[arg-type]


# --- measuring a refusal --------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """How reading a bomb ended: the error, the seconds it took and the megabytes it allocated."""

    error: PerfscoreError
    seconds: float
    megabytes: float

    @property
    def message(self) -> str:
        return str(self.error)


def refusal(path: Path, limits: Limits | None = None) -> Refusal:
    """Read ``path``, which must be refused: timed once, then measured once under tracemalloc
    (which slows allocation down, so it is not timed)."""
    options = {} if limits is None else {"limits": limits}

    def attempt() -> PerfscoreError:
        try:
            read_tables(path, **options)  # type: ignore[arg-type]
        except (DataError, UnreadableFileError) as error:
            return error
        raise AssertionError(f"{path.name} was read, not refused")

    start = time.perf_counter()
    error = attempt()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        attempt()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return Refusal(error, seconds, peak / 1e6)


def assert_bounded(found: Refusal) -> None:
    """Within the stated time and memory."""
    assert found.seconds < SECONDS, f"{found.seconds:.2f} s: {found.message}"
    assert found.megabytes < MEGABYTES, f"{found.megabytes:.1f} MB: {found.message}"


def one_problem(path: Path, message: str, code: str = "table-too-large") -> str:
    """The whole message of a DataError holding one problem, as read_tables raises it."""
    return f"{path}: 1 problem in the data\n  {path}: {message}"


RAISED = Limits(max_sheet_bytes=2_000_000_000, max_xlsx_bytes=4_000_000_000, max_compression_ratio=10**9)
"""The archive's size bounds out of the way, to show the bounds applied while reading."""

CELLS_ROW = b"<row>" + b"<c><v>1</v></c>" * 100 + b"</row>"  # a row of 100 numbers, 1,511 bytes


# --- workbooks ------------------------------------------------------------------------------


def test_three_million_cells_are_refused_by_the_declared_size(tmp_path: Path) -> None:
    """30,000 rows of 100 cells (45 MB of XML in 125 KB) are refused from the zip's directory:
    the sheet's declared size is over max_sheet_bytes, and nothing is expanded."""
    path = book(tmp_path / "cells.xlsx", [(HEADER, 1), (CELLS_ROW, 30_000)])
    assert path.stat().st_size < 200_000
    found = refusal(path)
    assert found.message == one_problem(
        path, '"xl/worksheets/sheet1.xml": xl/worksheets/sheet1.xml holds more than 30,000,000 bytes uncompressed'
    )
    assert found.error.problems[0].code == "table-too-large"
    assert_bounded(found)


def test_three_million_cells_are_refused_at_the_compression_ratio(tmp_path: Path) -> None:
    """The same sheet, with the size bounds raised: its compression ratio (over 700 to 1) refuses it."""
    path = book(tmp_path / "cells.xlsx", [(HEADER, 1), (CELLS_ROW, 30_000)])
    found = refusal(path, Limits(max_sheet_bytes=2_000_000_000, max_xlsx_bytes=4_000_000_000))
    assert "xl/worksheets/sheet1.xml is compressed more than 100 to 1" in found.message
    assert_bounded(found)


def test_three_million_cells_are_refused_at_row_5001_while_reading(tmp_path: Path) -> None:
    """300,000 rows of 10 numbers, with every archive bound out of the way: the scan stops at the
    first value beyond row 5,000, having read 5,001 of the rows, and names the sheet and the row."""
    path = book(tmp_path / "cells.xlsx", [(HEADER, 1), (b"<row>" + b"<c><v>1</v></c>" * 10 + b"</row>", 300_000)])
    found = refusal(path, RAISED)
    assert found.message == one_problem(
        path, "自评表!A5001: the sheet 自评表 has more than 5,000 rows: row 5,001 holds a value"
    )
    assert found.error.problems[0].message_zh == "工作表 自评表 超过 5,000 行：第 5,001 行有内容"
    assert_bounded(found)


def test_a_row_of_a_million_cells_is_refused_before_it_is_built(tmp_path: Path) -> None:
    """One row of a million cells: refused at its 16,385th cell, before any XML tree holds the row."""
    path = book(tmp_path / "wide.xlsx", [(b"<row>", 1), (b"<c/>", 1_000_000), (b"</row>", 1)])
    found = refusal(path, RAISED)
    assert found.message == one_problem(
        path, '"xl/worksheets/sheet1.xml": row 1 of xl/worksheets/sheet1.xml holds more than 16,384 cells'
    )
    assert_bounded(found)


def test_millions_of_formatted_cells_are_refused_at_the_cell_bound(tmp_path: Path) -> None:
    """3,000,000 empty formatted cells below a table: passed over one by one until max_sheet_cells."""
    row = b'<row s="0">' + b'<c s="0"/>' * 100 + b"</row>"
    path = book(tmp_path / "formatted.xlsx", [(HEADER, 1), (row, 30_000)])
    found = refusal(path, RAISED)
    assert found.message == one_problem(
        path, "自评表: the sheet 自评表 has more than 1,000,000 cells (empty and formatted ones included)"
    )
    assert_bounded(found)


def test_a_value_beyond_the_hundredth_column_is_refused(tmp_path: Path) -> None:
    """A value in column CW (the 101st) is refused, naming the cell; an empty formatted one is not."""
    row = b"<row>" + b'<c r="A2"><v>1</v></c><c r="CW2"><v>1</v></c></row>'
    path = book(tmp_path / "wide.xlsx", [(HEADER, 1), (row, 1)])
    assert refusal(path).message == one_problem(
        path, "自评表!CW2: the sheet 自评表 has more than 100 columns: column CW holds a value"
    )


def test_parts_declaring_more_than_100_megabytes_together_are_refused(tmp_path: Path) -> None:
    """Four parts of 29 MB each (each under its own bound, the ratio raised): refused from the
    directory by their total."""
    parts = [deflated(f"xl/media/filler{n}.xml", [(b"<a/>", 7_250_000)]) for n in range(4)]
    path = write_zip(tmp_path / "total.xlsx", workbook_parts(sheet_part([(HEADER, 1)]), extra=parts))
    found = refusal(path, Limits(max_compression_ratio=10**9))
    assert found.message == one_problem(
        path, "the workbook's parts hold more than 100,000,000 bytes uncompressed together"
    )
    assert_bounded(found)


def test_a_sheet_of_junk_elements_is_refused_at_the_element_bound(tmp_path: Path) -> None:
    """Elements that are not cells (so no cell bound applies) are counted too: refused at
    max_xml_elements, here lowered to 100,000 to keep the test fast."""
    path = book(tmp_path / "junk.xlsx", [(HEADER, 1)], after=b"<x/>" * 1_000_000)
    found = refusal(path, Limits(max_compression_ratio=10**9, max_xml_elements=100_000))
    assert found.message == one_problem(
        path, '"xl/worksheets/sheet1.xml": xl/worksheets/sheet1.xml holds more than 100,000 XML elements'
    )
    assert_bounded(found)


def test_a_300_megabyte_shared_string_is_refused_by_the_declared_size(tmp_path: Path) -> None:
    """One shared string of 300 MB in a 300 KB file: refused from the directory, never expanded."""
    strings = deflated(
        "xl/sharedStrings.xml",
        [(f'<sst xmlns="{MAIN}"><si><t>'.encode(), 1), (b"a" * 1_000_000, 300), (b"</t></si></sst>", 1)],
    )
    sheet = sheet_part([(b'<row><c t="s"><v>0</v></c></row>', 1)])
    path = write_zip(tmp_path / "string.xlsx", workbook_parts(sheet, strings=strings))
    assert path.stat().st_size < 600_000
    found = refusal(path)
    assert found.message == one_problem(
        path, '"xl/sharedStrings.xml": xl/sharedStrings.xml holds more than 5,000,000 bytes uncompressed'
    )
    assert_bounded(found)


def test_a_300_megabyte_shared_string_is_refused_at_32767_characters_while_reading(tmp_path: Path) -> None:
    """The same string with every size bound raised: the scan refuses it at Excel's 32,767
    characters a cell, before openpyxl has built any string."""
    strings = deflated(
        "xl/sharedStrings.xml",
        [(f'<sst xmlns="{MAIN}"><si><t>'.encode(), 1), (b"a" * 1_000_000, 300), (b"</t></si></sst>", 1)],
    )
    sheet = sheet_part([(b'<row><c t="s"><v>0</v></c></row>', 1)])
    path = write_zip(tmp_path / "string.xlsx", workbook_parts(sheet, strings=strings))
    limits = Limits(max_shared_strings_bytes=10**9, max_xlsx_bytes=10**9, max_compression_ratio=10**9)
    found = refusal(path, limits)
    assert found.message == one_problem(path, '"xl/sharedStrings.xml": a cell holds more than 32,767 characters')
    assert_bounded(found)


@pytest.mark.parametrize("declared", [1_000, 4_000_000])
def test_a_shared_string_part_that_understates_its_size_is_read_no_further(tmp_path: Path, declared: int) -> None:
    """A 300 MB part declaring 1 KB or 4 MB (under the bound): no more than the declared bytes are
    read (zipfile stops there, and perfscore counts them too), so it ends damaged or at a bound."""
    strings = deflated(
        "xl/sharedStrings.xml",
        [(f'<sst xmlns="{MAIN}"><si><t>'.encode(), 1), (b"a" * 1_000_000, 300), (b"</t></si></sst>", 1)],
        declared=declared,
    )
    sheet = sheet_part([(b'<row><c t="s"><v>0</v></c></row>', 1)])
    path = write_zip(tmp_path / "liar.xlsx", workbook_parts(sheet, strings=strings))
    found = refusal(path)
    expected = (
        "the workbook is damaged: xl/sharedStrings.xml (Bad CRC-32 for file 'xl/sharedStrings.xml')"
        if declared == 1_000
        else "a cell holds more than 32,767 characters"
    )
    assert found.message == one_problem(path, f'"xl/sharedStrings.xml": {expected}')
    assert_bounded(found)


def test_a_part_that_overstates_its_size_is_read_as_what_it_holds(tmp_path: Path) -> None:
    """A sheet declaring 900 KB that holds a small table: harmless, and read. (A part declaring more
    than 1 MB is held to the compression ratio, which its declared size fails.)"""
    rows = [
        (HEADER, 1),
        ('<row><c t="inlineStr"><is><t>培训人次</t></is></c><c/><c><v>10</v></c><c><v>9</v></c></row>'.encode(), 1),
    ]
    path = write_zip(tmp_path / "big.xlsx", workbook_parts(sheet_part(rows, declared=900_000)))
    (table,) = read_tables(path)
    assert [(row.level3, row.points, row.reported) for row in table.rows] == [("培训人次", 10, 9)]


def test_a_sheet_whose_dimension_claims_a_million_rows_is_read(tmp_path: Path) -> None:
    """`<dimension ref="A1:XFD1048576"/>` and an empty cell at XFD1048576 (a stray format, as
    Excel saves it) are passed over: the declared dimension is a hint, the values are what count."""
    rows = [(HEADER, 1), ('<row><c t="inlineStr"><is><t>培训人次</t></is></c><c/><c><v>10</v></c></row>'.encode(), 1),
            (b'<row r="1048576"><c r="XFD1048576" s="0"/></row>', 1)]  # fmt: skip
    path = book(tmp_path / "stray.xlsx", rows, before=b'<dimension ref="A1:XFD1048576"/>')
    (table,) = read_tables(path)
    assert [row.level3 for row in table.rows] == ["培训人次"]


def test_a_long_list_beside_the_table_is_passed_over(tmp_path: Path) -> None:
    """A visible sheet of 20,000 names next to the 自评表 (a list of trainees) holds no table: it is
    passed over as it was before, not refused; its scan stops at row 5,001."""
    workbook = Workbook()
    table = workbook.active
    assert table is not None
    table.title = "自评表"
    table.append(["三级指标", "年度指标值", "分值", "得分"])
    table.append(["培训人次", "≥10次", 10, 10])
    names = workbook.create_sheet("培训人员名单")
    for number in range(20_000):
        names.append([f"学员{number}", "合格"])
    path = tmp_path / "with-list.xlsx"
    workbook.save(path)
    start = time.perf_counter()
    (only,) = read_tables(path)
    assert time.perf_counter() - start < SECONDS
    assert (only.id, [row.level3 for row in only.rows]) == ("with-list", ["培训人次"])


def test_a_hidden_sheet_is_not_scanned(tmp_path: Path) -> None:
    """A hidden sheet of 30,000 rows (a template's lookup list) is not read, so not refused: the
    workbook has no table."""
    path = book(tmp_path / "hidden.xlsx", [(CELLS_ROW, 30_000)], state="hidden")
    found = refusal(path, RAISED)
    assert "no indicator header found in any sheet" in found.message
    assert_bounded(found)


@pytest.mark.parametrize("where", ["sheet", "strings", "styles"])
def test_deeply_nested_xml_is_refused(tmp_path: Path, where: str) -> None:
    """100,000 nested elements in a sheet, the shared strings or the styles: refused at depth 65."""
    deep = [(b"<x>", 100_000), (b"</x>", 100_000)]
    extra: list[Part] = []
    strings = None
    sheet = sheet_part([(b"<row>", 1), *deep, (b"</row>", 1)] if where == "sheet" else [(HEADER, 1)])
    if where == "strings":
        strings = deflated(
            "xl/sharedStrings.xml", [(f'<sst xmlns="{MAIN}"><si>'.encode(), 1), *deep, (b"</si></sst>", 1)]
        )
    if where == "styles":
        extra.append(
            deflated("xl/styles.xml", [(f'<styleSheet xmlns="{MAIN}">'.encode(), 1), *deep, (b"</styleSheet>", 1)])
        )
    parts = workbook_parts(sheet, strings=strings, extra=extra)
    if where == "styles":  # openpyxl finds the styles through the workbook's relationships
        parts[3] = stored(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId3" Type="{DOC_RELS}/styles" Target="styles.xml"/></Relationships>'.encode(),
        )
    path = write_zip(tmp_path / "deep.xlsx", parts)
    found = refusal(path)
    part = {"sheet": "xl/worksheets/sheet1.xml", "strings": "xl/sharedStrings.xml", "styles": "xl/styles.xml"}[where]
    assert found.message == one_problem(path, f'"{part}": {part} nests XML elements more than 64 deep')
    assert found.error.problems[0].code == "xml-refused"
    assert_bounded(found)


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'.encode() for n in range(1, 10)
    )
    + b"]>"
)


@pytest.mark.parametrize(
    ("where", "doctype"),
    [
        ("sheet", LAUGHS),
        ("strings", LAUGHS),
        ("types", LAUGHS),
        ("strings", b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        ("sheet", b'<!DOCTYPE worksheet SYSTEM "http://example.invalid/evil.dtd">'),
    ],
    ids=[
        "billion-laughs-in-sheet",
        "billion-laughs-in-strings",
        "billion-laughs-in-types",
        "external-entity",
        "external-dtd",
    ],
)
def test_a_document_type_is_refused_before_any_entity_is_read(tmp_path: Path, where: str, doctype: bytes) -> None:
    """Entity expansion (a billion laughs), an external entity (/etc/passwd) or an external DTD:
    refused at `<!DOCTYPE`, before its declarations are read, so nothing is expanded or fetched."""
    strings = None
    body = b"&lol9;" if doctype is LAUGHS else b"&x;"
    sheet = sheet_part([(HEADER, 1)])
    if where == "sheet":
        sheet = deflated(
            "xl/worksheets/sheet1.xml", [(doctype + f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'.encode(), 1)]
        )
    if where == "strings":
        strings = stored(
            "xl/sharedStrings.xml", doctype + f'<sst xmlns="{MAIN}"><si><t>'.encode() + body + b"</t></si></sst>"
        )
    parts = workbook_parts(sheet, strings=strings)
    if where == "types":
        parts[0] = stored(
            "[Content_Types].xml",
            doctype + zipfile.ZipFile(write_zip(tmp_path / "x.zip", parts)).read("[Content_Types].xml"),
        )
    path = write_zip(tmp_path / "entities.xlsx", parts)
    part = {"sheet": "xl/worksheets/sheet1.xml", "strings": "xl/sharedStrings.xml", "types": "[Content_Types].xml"}[
        where
    ]
    found = refusal(path)
    assert found.message == one_problem(
        path, f'"{part}": {part} declares a document type (DTD): perfscore never expands XML entities'
    )
    assert found.error.problems[0].code == "xml-refused"
    assert_bounded(found)


def test_a_zip_of_sixty_thousand_parts_is_refused_from_its_end_record(tmp_path: Path) -> None:
    """60,000 empty members: refused from the zip's end record, before zipfile parses the directory."""
    empty = stored("x", b"")
    path = write_zip(tmp_path / "parts.xlsx", [Part(f"{n}", empty.data, empty.crc, 0) for n in range(60_000)])
    found = refusal(path)
    assert found.message == one_problem(path, "the workbook holds more than 1,000 files")
    assert_bounded(found)


def test_a_huge_styles_part_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    """A 10 MB styles part (openpyxl would build 100,000 style objects, for 15 s): refused as a part
    read whole, before it is expanded."""
    xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"><alignment horizontal="center"/></xf>'
    styles = deflated(
        "xl/styles.xml",
        [(f'<styleSheet xmlns="{MAIN}"><cellXfs>'.encode(), 1), (xf, 100_000), (b"</cellXfs></styleSheet>", 1)],
    )
    parts = workbook_parts(sheet_part([(HEADER, 1)]), extra=[styles])
    parts[3] = stored(
        "xl/_rels/workbook.xml.rels",
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId3" Type="{DOC_RELS}/styles" Target="styles.xml"/></Relationships>'.encode(),
    )
    path = write_zip(tmp_path / "styles.xlsx", parts)
    found = refusal(path, Limits(max_compression_ratio=10**9))
    assert found.message == one_problem(
        path, '"xl/styles.xml": xl/styles.xml holds more than 5,000,000 bytes uncompressed'
    )
    assert_bounded(found)


def test_a_cell_of_ten_million_characters_is_refused(tmp_path: Path) -> None:
    """An inline string of 10,000,000 characters: refused at 32,767, naming the cell."""
    rows = [
        (HEADER, 1),
        (b'<row><c r="B2" t="inlineStr"><is><t>', 1),
        (b"a" * 1_000_000, 10),
        (b"</t></is></c></row>", 1),
    ]
    path = book(tmp_path / "cell.xlsx", rows)
    found = refusal(path, RAISED)
    assert found.message == one_problem(path, "自评表!B2: a cell holds more than 32,767 characters")
    assert_bounded(found)


def test_too_many_merged_ranges_are_refused(tmp_path: Path) -> None:
    """20,000 merged ranges: refused at the 10,001st."""
    merges = b"<mergeCells>" + b'<mergeCell ref="A1:B2"/>' * 20_000 + b"</mergeCells>"
    path = book(tmp_path / "merged.xlsx", [(HEADER, 1)], after=merges)
    found = refusal(path)
    assert found.message == one_problem(path, "自评表: the sheet 自评表 has more than 10,000 merged ranges")
    assert_bounded(found)


def test_overlapping_merged_ranges_are_refused_before_they_are_filled(tmp_path: Path) -> None:
    """10,000 copies of a range over the whole 5,000 × 100 sheet (filling them would copy 5 billion
    cells): refused from their total area."""
    merges = b"<mergeCells>" + b'<mergeCell ref="A1:CV5000"/>' * 10_000 + b"</mergeCells>"
    path = book(tmp_path / "overlap.xlsx", [(HEADER, 1)], after=merges)
    found = refusal(path)
    assert found.message == one_problem(
        path,
        "自评表: the sheet 自评表 has merged ranges that overlap "
        "(5,000,000,000 cells merged, more than the 500,000 the sheet has)",
    )
    assert_bounded(found)


# --- damaged, encrypted and foreign files ---------------------------------------------------


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _encrypted(path: Path) -> Path:
    """An OLE compound file holding an EncryptedPackage stream, as Excel saves a workbook with a password."""
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100
    )
    return path


def _xls(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000 + "Workbook".encode("utf-16-le"))
    return path


def _member_encrypted(path: Path) -> Path:
    return write_zip(path, [stored("[Content_Types].xml", b"<Types/>", flags=0x801)])


def _method(method: int) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        return write_zip(path, [stored("[Content_Types].xml", b"<Types/>", method=method)])

    return build


def _office(kind: str) -> Callable[[Path], Path]:
    """A zip whose content types name a Word, PowerPoint or .xlsb main part."""

    def build(path: Path) -> Path:
        types = f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/main.xml" ContentType="{kind}"/></Types>'
        return write_zip(path, [stored("[Content_Types].xml", types.encode())])

    return build


def _ods(path: Path) -> Path:
    return write_zip(path, [stored("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")])


def _plain_zip(path: Path) -> Path:
    return write_zip(path, [stored("readme.txt", b"hello")])


def _truncated(path: Path) -> Path:
    good = book(path, [(HEADER, 1)])
    good.write_bytes(good.read_bytes()[:300])
    return good


def _bad_crc(path: Path) -> Path:
    sheet = sheet_part([(HEADER, 1)])
    return write_zip(path, workbook_parts(Part(sheet.name, sheet.data, sheet.crc ^ 1, sheet.size)))


def _bad_deflate(path: Path) -> Path:
    sheet = sheet_part([(HEADER, 1)])
    return write_zip(path, workbook_parts(Part(sheet.name, b"\xff" * len(sheet.data), sheet.crc, sheet.size)))


def _malformed(path: Path) -> Path:
    return write_zip(
        path,
        workbook_parts(
            stored("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"><sheetData><row>'.encode() + b"</sheetData>")
        ),
    )


BROKEN: list[tuple[str, Callable[[Path], Path], str]] = [
    (
        "encrypted",
        _encrypted,
        "the workbook is protected by a password (encrypted): remove the password and save it as .xlsx",
    ),
    ("xls", _xls, "an Excel 97–2003 workbook (.xls), not an .xlsx: save it as .xlsx"),
    (
        "member-encrypted",
        _member_encrypted,
        '"[Content_Types].xml": the workbook is protected by a password (encrypted): remove the password and save it as .xlsx',
    ),
    (
        "deflate64",
        _method(9),
        '"[Content_Types].xml": [Content_Types].xml is compressed with a method Excel does not use (9)',
    ),
    (
        "bzip2",
        _method(12),
        '"[Content_Types].xml": [Content_Types].xml is compressed with a method Excel does not use (12)',
    ),
    (
        "word",
        _office("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
        "a Word document, not an Excel workbook",
    ),
    (
        "powerpoint",
        _office("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
        "a PowerPoint file, not an Excel workbook",
    ),
    (
        "xlsb",
        _office("application/vnd.ms-excel.sheet.binary.macroEnabled.main"),
        "an Excel binary workbook (.xlsb): save it as .xlsx",
    ),
    ("no-workbook", _office("application/xml"), "not an .xlsx workbook: [Content_Types].xml names no workbook"),
    ("ods", _ods, "an OpenDocument spreadsheet (.ods): save it as .xlsx"),
    ("plain-zip", _plain_zip, "not an .xlsx workbook: it has no [Content_Types].xml"),
    ("truncated", _truncated, "not a readable .xlsx workbook (File is not a zip file)"),
    (
        "bad-crc",
        _bad_crc,
        "\"xl/worksheets/sheet1.xml\": the workbook is damaged: xl/worksheets/sheet1.xml (Bad CRC-32 for file 'xl/worksheets/sheet1.xml')",
    ),
    (
        "bad-deflate",
        _bad_deflate,
        '"xl/worksheets/sheet1.xml": the workbook is damaged: xl/worksheets/sheet1.xml (Error -3 while decompressing data: invalid block type)',
    ),
    (
        "malformed",
        _malformed,
        '"xl/worksheets/sheet1.xml": xl/worksheets/sheet1.xml is not well-formed XML (line 1, column 96: mismatched tag)',
    ),
    ("empty", lambda path: _written(path, b""), "not a readable .xlsx workbook (File is not a zip file)"),
]


@pytest.mark.parametrize(("name", "build", "message"), BROKEN, ids=[name for name, _, _ in BROKEN])
def test_a_damaged_encrypted_or_foreign_file_is_one_clear_problem(
    tmp_path: Path, name: str, build: Callable[[Path], Path], message: str
) -> None:
    """Each is one located problem naming what the file is, never a traceback or a hang."""
    path = build(tmp_path / f"{name}.xlsx")
    found = refusal(path)
    assert found.message == one_problem(path, message)
    assert_bounded(found)


def test_a_fifo_named_xlsx_or_csv_is_not_opened(tmp_path: Path) -> None:
    """A FIFO (or a device) named like a table file is refused without opening it, which would
    block for ever (or, for /dev/zero, never end)."""
    for name in ("pipe.csv", "pipe.xlsx"):
        path = tmp_path / name
        os.mkfifo(path)
        with pytest.raises(UnreadableFileError) as caught:
            read_tables(path)
        assert str(caught.value) == f"{path}: cannot read the table file (not a regular file)"


# --- CSV ------------------------------------------------------------------------------------


def test_a_100_megabyte_csv_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A 100 MB file (sparse: no disk is used) is refused from its size, unread."""
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(100_000_000)
    found = refusal(path)
    assert found.message == f"{path}: the table file is 100000000 bytes, over the 20000000-byte limit"
    assert_bounded(found)


def test_a_csv_line_of_fifteen_megabytes_is_refused_at_a_million_characters(tmp_path: Path) -> None:
    """One line of 15,000,000 characters (under the file's size bound): refused after reading
    1,000,001 of them, not held whole."""
    path = tmp_path / "line.csv"
    path.write_bytes(b"a" * 15_000_000)
    found = refusal(path)
    assert found.message == one_problem(path, "line 1 is longer than 1,000,000 characters")
    assert_bounded(found)


def test_a_csv_of_ten_thousand_columns_is_refused_at_the_101st(tmp_path: Path) -> None:
    """A row of 10,000 values: refused at column CW, naming the cell."""
    path = tmp_path / "wide.csv"
    path.write_text("三级指标,年度指标值,分值,得分\n" + ",".join(["1"] * 10_000) + "\n", encoding="utf-8")
    found = refusal(path)
    assert found.message == one_problem(path, "CW2: the file has more than 100 columns: column CW holds a value")
    assert found.error.problems[0].message_zh == "文件超过 100 列：第 CW 列有内容"
    assert_bounded(found)


def test_a_csv_of_a_million_rows_is_refused_at_row_5001(tmp_path: Path) -> None:
    """A million rows (4 MB): refused at the first value beyond row 5,000."""
    path = tmp_path / "long.csv"
    path.write_text("三级指标,年度指标值,分值,得分\n" + "a,1\n" * 1_000_000, encoding="utf-8")
    found = refusal(path)
    assert found.message == one_problem(path, "A5001: the file has more than 5,000 rows: row 5,001 holds a value")
    assert_bounded(found)


def test_a_csv_of_fifteen_million_empty_fields_is_refused_at_the_cell_bound(tmp_path: Path) -> None:
    """1,500,000 lines of 10 empty fields: passed over, but not without end: refused at max_sheet_cells."""
    path = tmp_path / "empty.csv"
    path.write_bytes(b",,,,,,,,,\n" * 1_500_000)
    found = refusal(path)
    assert found.message == one_problem(
        path, "the file has more than 1,000,000 cells (empty and formatted ones included)"
    )
    assert_bounded(found)


def test_a_csv_field_over_excels_cell_limit_is_refused(tmp_path: Path) -> None:
    """A field of 40,000 characters (under the csv module's own limit): refused, naming the cell."""
    path = tmp_path / "field.csv"
    path.write_text("三级指标,年度指标值,分值,得分\n培训人次," + "长" * 40_000 + ",10,10\n", encoding="utf-8")
    assert refusal(path).message == one_problem(path, "B2: a cell holds more than 32,767 characters")


def test_a_csv_of_too_much_text_is_refused(tmp_path: Path) -> None:
    """5,000 rows of 100 fields of 20 characters (10,000,000 characters): refused at 5,000,000."""
    path = tmp_path / "text.csv"
    path.write_text((",".join(["abcdefghijabcdefghij"] * 100) + "\n") * 5_000, encoding="utf-8")
    found = refusal(path)
    assert found.message == one_problem(path, "the file holds more than 5,000,000 characters of text")
    assert_bounded(found)


# --- what is still read ---------------------------------------------------------------------


def test_a_workbook_at_the_row_bound_is_read(tmp_path: Path) -> None:
    """A table of exactly 5,000 rows, written by openpyxl, is read whole (the bound is not off by one)."""
    sheet_book = Workbook()
    sheet = sheet_book.active
    assert sheet is not None
    sheet.append(["三级指标", "年度指标值", "分值", "得分"])
    for number in range(4_999):
        sheet.append([f"指标{number}", "≥1", 1, 1])
    path = tmp_path / "full.xlsx"
    sheet_book.save(path)
    (table,) = read_tables(path)
    assert len(table.rows) == 4_999
