"""An .xlsx workbook checked before and while it is read: nothing is expanded before it is bounded.

An .xlsx file is a zip archive of XML parts, and its size on disk says little about what it
holds: a 500 KB file can declare a 300 MB shared string or millions of cells. So:

1. **The file**, by its first and last bytes: an encrypted workbook (an OLE compound file holding
   ``EncryptedPackage``) or an old .xls renamed .xlsx is named as such; the zip's end record is
   read before its directory, so a directory of a million entries is refused unparsed.
2. **The directory**: each part's declared size, compression ratio, method and encryption flag,
   and the total declared size; ``[Content_Types].xml`` must name a workbook (not a Word or
   PowerPoint file, an .xlsb or an .ods), and the shared strings part its own bound.
3. **Every part as it is read** — by perfscore or by openpyxl, which reads through
   :class:`Archive` — is counted (declared sizes can lie) and scanned by expat *before* the
   parser that builds anything sees the bytes: no DTD (so no entity is ever declared, let alone
   expanded), bounded nesting and element count, at most 16,384 cells in a row and 32,767
   characters in a cell.
4. **Each visible sheet** is scanned whole before openpyxl reads it (:meth:`Archive.sheet`):
   its cells, where its values end, its merged ranges and its formulas without a saved result.
   openpyxl then reads it in streaming (``read_only``) mode, up to its last value. A value beyond
   ``max_table_rows`` or ``max_table_columns`` stops the scan: the sheet is refused when it holds a
   table, passed over when not (a long list beside the 自评表); formatting beyond them is passed over.

Every refusal is a :class:`Refused` holding one located problem, raised at the first bound
crossed. The bounds are fields of :class:`~perfscore.limits.Limits`.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO
from xml.parsers import expat

from ..errors import Location, Problem
from ..limits import Limits
from ..messages import words
from ..text import for_terminal

__all__ = ["WORDS", "Archive", "Refused", "SheetScan", "bound_problem", "column_letter"]

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_WORKBOOK_TYPES = frozenset(
    f"application/vnd.{kind}.main+xml"
    for kind in (
        "openxmlformats-officedocument.spreadsheetml.sheet",
        "openxmlformats-officedocument.spreadsheetml.template",
        "ms-excel.sheet.macroEnabled",
        "ms-excel.template.macroEnabled",
    )
)
_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
#: What a zip that holds no workbook holds instead, by a fragment of its main content type.
_FOREIGN = (("wordprocessingml", "word"), ("presentationml", "powerpoint"), ("ms-excel.sheet.binary", "xlsb"))
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: an .xls, or an encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted .xlsx is kept in
_ENTRY_BYTES = 1_100  # a directory entry: 46 bytes and its name and extras (Excel's are under 100)
_RATIO_FLOOR = 1_000_000  # Limits.max_compression_ratio applies to parts over this size
_CHUNK = 64 * 1024
# names as expat gives them with namespace_separator="}": "{namespace}}{local}" for the sheet elements
_ROW, _C, _V, _F, _IS, _SI, _MERGE = (f"{SHEET_NS}}}{name}" for name in ("row", "c", "v", "f", "is", "si", "mergeCell"))
_RANGE = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7}):\$?([A-Z]{1,3})\$?([0-9]{1,7})")
_DIGITS = re.compile(r"[0-9]{1,12}")

WORDS = words(
    "tables.archive",
    {
        "not_zip": ("不是可读取的 .xlsx 工作簿（{reason}）", "not a readable .xlsx workbook ({reason})"),
        "encrypted": (
            "工作簿设有打开密码（已加密）：请取消密码后另存为 .xlsx",
            "the workbook is protected by a password (encrypted): remove the password and save it as .xlsx",
        ),
        "xls": (
            "这是 Excel 97–2003 工作簿（.xls）：请另存为 .xlsx",
            "an Excel 97–2003 workbook (.xls), not an .xlsx: save it as .xlsx",
        ),
        "word": ("这是 Word 文档，不是 Excel 工作簿", "a Word document, not an Excel workbook"),
        "powerpoint": ("这是 PowerPoint 演示文稿，不是 Excel 工作簿", "a PowerPoint file, not an Excel workbook"),
        "xlsb": (
            "这是 Excel 二进制工作簿（.xlsb）：请另存为 .xlsx",
            "an Excel binary workbook (.xlsb): save it as .xlsx",
        ),
        "ods": (
            "这是 OpenDocument 表格（.ods）：请另存为 .xlsx",
            "an OpenDocument spreadsheet (.ods): save it as .xlsx",
        ),
        "no_types": (
            "不是 .xlsx 工作簿：缺少 [Content_Types].xml",
            "not an .xlsx workbook: it has no [Content_Types].xml",
        ),
        "no_workbook": (
            "不是 .xlsx 工作簿：[Content_Types].xml 中没有工作簿",
            "not an .xlsx workbook: [Content_Types].xml names no workbook",
        ),
        "damaged": ("工作簿已损坏：{part}（{reason}）", "the workbook is damaged: {part} ({reason})"),
        "parts": ("工作簿包含超过 {limit} 个文件", "the workbook holds more than {limit} files"),
        "method": (
            "{part} 使用了 Excel 不使用的压缩方式（{method}）",
            "{part} is compressed with a method Excel does not use ({method})",
        ),
        "part_bytes": ("{part} 解压后超过 {limit} 字节", "{part} holds more than {limit} bytes uncompressed"),
        "total_bytes": (
            "工作簿的各部分解压后合计超过 {limit} 字节",
            "the workbook's parts hold more than {limit} bytes uncompressed together",
        ),
        "ratio": (
            "{part} 的压缩比超过 {limit}:1（{packed} 字节解压为 {size} 字节）",
            "{part} is compressed more than {limit} to 1 ({packed} bytes declare {size})",
        ),
        "dtd": (
            "{part} 含有文档类型定义（DTD）：perfscore 从不展开 XML 实体",
            "{part} declares a document type (DTD): perfscore never expands XML entities",
        ),
        "depth": ("{part} 的 XML 嵌套超过 {limit} 层", "{part} nests XML elements more than {limit} deep"),
        "elements": ("{part} 含有超过 {limit} 个 XML 元素", "{part} holds more than {limit} XML elements"),
        "malformed": (
            "{part} 不是格式正确的 XML（第 {line} 行第 {column} 列：{reason}）",
            "{part} is not well-formed XML (line {line}, column {column}: {reason})",
        ),
        "row_cells": (
            "{part} 的第 {row} 行有超过 {limit} 个单元格",
            "row {row} of {part} holds more than {limit} cells",
        ),
        "cell_chars": ("单元格超过 {limit} 个字符", "a cell holds more than {limit} characters"),
        "long_text": ("{part} 含有超过 {limit} 个字符的文字", "{part} holds a text of more than {limit} characters"),
        "cells": (
            "{what}有超过 {limit} 个单元格（含只设置了格式的单元格）",
            "{what} has more than {limit} cells (empty and formatted ones included)",
        ),
        "rows": (
            "{what}超过 {limit} 行：第 {row} 行有内容",
            "{what} has more than {limit} rows: row {row} holds a value",
        ),
        "columns": (
            "{what}超过 {limit} 列：第 {column} 列有内容",
            "{what} has more than {limit} columns: column {column} holds a value",
        ),
        "text": ("{what}的文字超过 {limit} 个字符", "{what} holds more than {limit} characters of text"),
        "line": ("第 {line} 行超过 {limit} 个字符", "line {line} is longer than {limit} characters"),
        "merged": ("{what}有超过 {limit} 个合并区域", "{what} has more than {limit} merged ranges"),
        "overlap": (
            "{what}的合并区域相互重叠（合计 {cells} 个单元格，多于表格的 {limit} 个）",
            "{what} has merged ranges that overlap ({cells} cells merged, more than the {limit} the sheet has)",
        ),
        "the_file": ("文件", "the file"),
        "the_sheet": ("工作表 {sheet} ", "the sheet {sheet}"),
    },
)


class Refused(Exception):
    """A table file refused at a bound or a check, with the one located problem to report.

    Not a ValueError, so that openpyxl (which wraps the ValueErrors of its parsers) lets it through."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render())
        self.problem = problem


def bound_problem(
    source: str, path: tuple[str, ...], key: str, sheet: str | None = None, code: str | None = None, **fields: Any
) -> Problem:
    """The problem for a bound crossed (``table-too-large``, unless another ``code`` is given) or a
    check failed, in both languages; ``sheet`` names the sheet as ``{what}`` (else "the file"), and
    numbers are written with thousands separators."""
    code = "table-too-large" if code is None else code
    shown = {
        name: f"{value:,}" if isinstance(value, int) else for_terminal(str(value)) for name, value in fields.items()
    }
    if sheet is None:
        what = WORDS["the_file"]
        zh_what, en_what = what.zh, what.en
    else:
        zh_what = WORDS["the_sheet"].zh.format(sheet=for_terminal(sheet))
        en_what = WORDS["the_sheet"].en.format(sheet=for_terminal(sheet))
    text = WORDS[key]
    return Problem(
        Location(source, path),
        text.en.format(what=en_what, **shown),
        code=code,
        message_zh=text.zh.format(what=zh_what, **shown),
    )


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@functools.lru_cache(maxsize=20_000)
def _column_of(letters: str) -> int:
    """The 1-based column of spreadsheet letters (A → 1, AA → 27), or 0 when they are not one."""
    if not 0 < len(letters) <= 3 or not letters.isascii() or not letters.isupper() or not letters.isalpha():
        return 0
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - ord("A") + 1
    return number


# --- the archive ----------------------------------------------------------------------------


@dataclass
class SheetScan:
    """What a visible sheet holds, found by scanning its XML whole before openpyxl reads it."""

    rows: int = 0  # the last row with a value or a merged range, within max_table_rows (1-based)
    columns: int = 0  # the same for columns
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (top, left, bottom, right), 1-based
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column), 0-based → "=…", no result saved
    # the first value beyond max_table_rows or max_table_columns, where the scan stopped: the sheet is
    # refused if it holds a table (its header is within the rows scanned), passed over if not
    beyond: Problem | None = None


class _Beyond(Exception):
    """Stops a sheet's scan at the first value beyond the rows and columns read."""


class Archive(zipfile.ZipFile):
    """A workbook's zip archive, checked when opened; every part it gives (to perfscore or to
    openpyxl) is counted and scanned as it is read. Raises :class:`Refused`."""

    def __init__(self, file: BinaryIO, source: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.shared_strings: str | None = None  # the shared strings part, as openpyxl finds it
        _check_start(file, source, limits)
        try:
            super().__init__(file)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error) as error:
            raise Refused(bound_problem(source, (), "not_zip", code="table-file", reason=error)) from None
        try:
            self._check_parts()
            self._read_types()
            self._check_sizes()
        except BaseException:
            self.close()
            raise

    def refuse(self, path: tuple[str, ...], key: str, sheet: str | None = None, **fields: Any) -> Refused:
        """A :class:`Refused` for this file."""
        return Refused(bound_problem(self.source, path, key, sheet, **fields))

    def _check_parts(self) -> None:
        """The number of parts, and each one's encryption flag and compression method."""
        parts = self.infolist()
        if len(parts) > self.limits.max_xlsx_parts:
            raise self.refuse((), "parts", limit=self.limits.max_xlsx_parts)
        for info in parts:
            name = info.filename
            if info.flag_bits & 0x1:
                raise Refused(bound_problem(self.source, (name,), "encrypted", code="table-file"))
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise Refused(
                    bound_problem(
                        self.source, (name,), "method", code="table-file", part=name, method=info.compress_type
                    )
                )

    def _check_sizes(self) -> None:
        """Each part's declared size and compression ratio, and their total, before anything is expanded."""
        limits = self.limits
        total = 0
        for info in self.infolist():
            name = info.filename
            bound = limits.max_shared_strings_bytes if name == self.shared_strings else limits.max_sheet_bytes
            if info.file_size > bound:  # the largest bound a part can be held to; each is checked as it is read
                raise self.refuse((name,), "part_bytes", part=name, limit=bound)
            if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_compression_ratio * info.compress_size:
                raise self.refuse(
                    (name,),
                    "ratio",
                    part=name,
                    limit=limits.max_compression_ratio,
                    size=info.file_size,
                    packed=info.compress_size,
                )
            total += info.file_size
            if total > limits.max_xlsx_bytes:
                raise self.refuse((), "total_bytes", limit=limits.max_xlsx_bytes)

    def _read_types(self) -> None:
        """[Content_Types].xml: the workbook part must be there; the shared strings part is found
        as openpyxl finds it (the first part of its type) and held to its own bound."""
        names = set(self.namelist())
        if "[Content_Types].xml" not in names:
            opendocument = "mimetype" in names and self.getinfo("mimetype").file_size < 100
            if opendocument and self.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
                raise Refused(bound_problem(self.source, (), "ods", code="table-file"))
            raise Refused(bound_problem(self.source, (), "no_types", code="table-file"))
        defaults: dict[str, str] = {}
        overrides: list[tuple[str, str]] = []

        def collect(name: str, attributes: Mapping[str, str]) -> None:
            kind = attributes.get("ContentType", "")
            if name == f"{_TYPES_NS}}}Default":
                defaults[attributes.get("Extension", "").lower()] = kind
            elif name == f"{_TYPES_NS}}}Override":
                overrides.append((attributes.get("PartName", ""), kind))

        with self.open("[Content_Types].xml") as part:
            assert isinstance(part, _Part)
            part.scanner.collect = collect
            part.read()
        kinds = {kind for _, kind in overrides} | set(defaults.values())
        if not kinds & _WORKBOOK_TYPES:
            for fragment, key in _FOREIGN:
                if any(fragment in kind for kind in kinds):
                    raise Refused(bound_problem(self.source, (), key, code="table-file"))
            raise Refused(bound_problem(self.source, (), "no_workbook", code="table-file"))
        strings = next((name for name, kind in overrides if kind == _SHARED_STRINGS), None)
        self.shared_strings = None if strings is None else strings[1:]

    def open(  # a counted, scanned stream; reading only
        self, name: str | zipfile.ZipInfo, mode: str = "r", pwd: bytes | None = None, *, force_zip64: bool = False
    ) -> IO[bytes]:
        """A part to read, counted and scanned as it is read (:class:`_Part`)."""
        if mode != "r":
            raise ValueError("a checked archive is only read")
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        try:
            inner = super().open(info, "r", pwd)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, NotImplementedError) as error:
            part = info.filename
            raise Refused(
                bound_problem(self.source, (part,), "damaged", code="table-file", part=part, reason=error)
            ) from None
        return _Part(self, info, inner, _Scanner(self, info.filename))  # type: ignore[return-value]

    def sheet(self, name: str, title: str) -> SheetScan:
        """Scan a sheet's part whole: every bound of a part, and the sheet's own (cells, rows and
        columns holding values, merged ranges, stored formula text). The scan stops at the first
        value beyond ``max_table_rows`` or ``max_table_columns``, recorded as ``beyond``."""
        scan = SheetScan()
        with self.open(name) as part:
            assert isinstance(part, _Part)
            part.scanner.sheet(title, scan)
            try:
                while part.read(_CHUNK):
                    pass
            except _Beyond:
                pass
        return scan

    def workbook(self) -> Any:
        """The workbook as openpyxl reads it in streaming mode (values only, no external links),
        every part it reads coming through this archive."""
        # ExcelReader opens its archive itself; it is given an empty zip, then this one (load_workbook
        # is ExcelReader(...).read(); openpyxl reads every part through reader.archive).
        reader = _reader()(io.BytesIO(_EMPTY_ZIP), read_only=True, data_only=True, keep_links=False)
        reader.archive = self
        reader.valid_files = self.namelist()
        reader.read()
        return reader.wb


_EMPTY_ZIP = b"PK\x05\x06" + b"\x00" * 18


@functools.cache
def _reader() -> Any:
    """openpyxl's ExcelReader, making streaming worksheets that do not size themselves, and no
    chartsheets (nothing is read from them). A streaming worksheet sizes itself when it is made by
    parsing its part up to ``<dimension>``, which is the whole sheet when there is none: every
    sheet, hidden ones too, would be parsed before perfscore scanned it."""
    from openpyxl.reader.excel import ExcelReader  # the xlsx extra; read.py has checked it is installed
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Sheet(ReadOnlyWorksheet):  # type: ignore[misc]
        def _get_size(self) -> None:
            """Left unsized: perfscore reads the rows and columns its scan found."""

    class Reader(ExcelReader):  # type: ignore[misc]
        def read_worksheets(self) -> None:
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    worksheet = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                    worksheet.sheet_state = sheet.state
                    self.wb._sheets.append(worksheet)

    return Reader


def _check_start(file: BinaryIO, source: str, limits: Limits) -> None:
    """What the first and last bytes say: an OLE compound file (encrypted, or an .xls), and the
    zip's end record — its entry count and directory size — before zipfile parses the directory."""
    head = file.read(8)
    if head == _CFB:
        carry = b""
        file.seek(0)
        while chunk := file.read(1 << 20):
            if _ENCRYPTED in carry + chunk:
                raise Refused(bound_problem(source, (), "encrypted", code="table-file"))
            carry = chunk[-len(_ENCRYPTED) :]
        raise Refused(bound_problem(source, (), "xls", code="table-file"))
    end = file.seek(0, io.SEEK_END)
    tail_size = min(end, 22 + 0xFFFF)
    file.seek(end - tail_size)
    tail = file.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return  # not a zip: zipfile says so
    entries, directory = struct.unpack("<HI", tail[at + 10 : at + 16])
    locator = tail[at - 20 : at] if at >= 20 else b""
    if (entries == 0xFFFF or directory == 0xFFFFFFFF) and locator.startswith(b"PK\x06\x07"):
        (offset,) = struct.unpack("<Q", locator[8:16])
        if offset + 56 <= end:
            file.seek(offset)
            record = file.read(56)
            if record.startswith(b"PK\x06\x06"):
                entries, directory = struct.unpack("<QQ", record[32:48])
    if entries > limits.max_xlsx_parts or directory > limits.max_xlsx_parts * _ENTRY_BYTES:
        raise Refused(bound_problem(source, (), "parts", limit=limits.max_xlsx_parts))
    file.seek(0)


# --- a part, counted and scanned as it is read ----------------------------------------------


class _Part(io.RawIOBase):
    """One part of the archive as a stream: each chunk is counted against the part's bound and fed
    to its :class:`_Scanner` before the caller (openpyxl's parser) receives it. A part read whole
    (``read()``) is held to ``max_xlsx_part_bytes``, a part read in chunks (a worksheet) to
    ``max_sheet_bytes``, the shared strings to ``max_shared_strings_bytes``."""

    def __init__(self, archive: Archive, info: zipfile.ZipInfo, inner: IO[bytes], scanner: _Scanner) -> None:
        super().__init__()
        self.archive = archive
        self.info = info
        self.inner = inner
        self.scanner = scanner
        self.bound: int | None = None
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        whole = size is None or size < 0
        if self.bound is None:
            self._choose(whole)
        if not whole:
            return self._chunk(size or 0)
        chunks = []
        while chunk := self._chunk(_CHUNK):
            chunks.append(chunk)
        return b"".join(chunks)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _choose(self, whole: bool) -> None:
        limits = self.archive.limits
        name = self.info.filename
        if name == self.archive.shared_strings:
            self.bound = limits.max_shared_strings_bytes
        else:
            self.bound = limits.max_xlsx_part_bytes if whole else limits.max_sheet_bytes
        if self.info.file_size > self.bound:  # refused on its declared size, before anything is expanded
            raise self.archive.refuse((name,), "part_bytes", part=name, limit=self.bound)

    def _chunk(self, size: int) -> bytes:
        name = self.info.filename
        try:
            data = self.inner.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
            raise Refused(
                bound_problem(self.archive.source, (name,), "damaged", code="table-file", part=name, reason=error)
            ) from None
        self.count += len(data)
        assert self.bound is not None
        if self.count > self.bound:  # the bytes actually read, whatever the directory declared
            raise self.archive.refuse((name,), "part_bytes", part=name, limit=self.bound)
        self.scanner.feed(data)
        return data

    def close(self) -> None:
        self.inner.close()
        super().close()


# --- the XML scanner ------------------------------------------------------------------------


class _Scanner:
    """Checks one part's XML with expat as it is read, before any tree is built from it.

    Every part: no DTD and no entity declaration (refused at ``<!DOCTYPE``, before its internal
    subset is read), nesting within ``max_xml_depth``, at most ``max_xml_elements`` elements, a
    row of at most ``max_row_cells`` cells, a cell or shared string of at most ``max_cell_chars``
    characters, and no other text longer than that. Bytes that are not XML from their first byte
    on (an image) are passed through unscanned: no XML parser gets past that first byte either.
    In sheet mode (:meth:`sheet`) also the sheet's own bounds, and what :class:`SheetScan` records.
    The handlers run for every element of a sheet, so they are written for speed."""

    __slots__ = (
        "archive", "cells", "chars", "child", "collect", "column", "depth", "elements", "formula", "formula_text",
        "item", "limits", "masters", "max_cells", "max_chars", "max_columns", "max_depth", "max_elements",
        "max_row_cells", "max_rows", "merges", "off", "parser", "part", "row", "row_cells", "run", "saved", "scan",
        "stored", "title", "valued",
    )  # fmt: skip

    def __init__(self, archive: Archive, part: str) -> None:
        self.archive = archive
        self.part = part
        self.limits = limits = archive.limits
        self.collect: Callable[[str, Mapping[str, str]], None] | None = None
        self.title: str | None = None
        self.scan: SheetScan | None = None
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        self.parser = parser
        self.off = False  # not XML: passed through
        self.depth = self.elements = 0
        self.row = self.column = self.row_cells = self.cells = self.merges = self.stored = 0
        self.item = 0  # the depth of the cell or shared string being read, 0 outside one
        self.child: str | None = None  # the element of the cell being read that holds the text
        self.chars = self.run = 0  # characters of the cell being read; of the text since the last tag
        self.valued = self.saved = False  # the cell holds a value; a saved result (<v>)
        self.formula: Mapping[str, str] | None = None
        self.formula_text: list[str] = []
        self.masters: dict[str, tuple[str, str]] = {}  # shared formula id → (formula, cell)
        self.max_elements, self.max_depth = limits.max_xml_elements, limits.max_xml_depth
        self.max_row_cells, self.max_chars = limits.max_row_cells, limits.max_cell_chars
        self.max_cells = self.max_rows = self.max_columns = 0  # sheet mode

    def sheet(self, title: str, scan: SheetScan) -> None:
        """Apply the sheet's own bounds too, recording what ``scan`` holds."""
        self.title = title
        self.scan = scan
        limits = self.limits
        self.max_cells, self.max_rows, self.max_columns = (
            limits.max_sheet_cells, limits.max_table_rows, limits.max_table_columns
        )  # fmt: skip

    def feed(self, data: bytes) -> None:
        if self.off:
            return
        try:
            self.parser.Parse(data, not data)
        except expat.ExpatError as error:
            if not self.elements:
                self.off = True  # the first bytes are not XML (an image): nothing here for a parser to expand
                return
            reason = expat.ErrorString(error.code)
            raise self._refuse(
                "malformed", code="table-file", line=error.lineno, column=error.offset + 1, reason=reason
            ) from None

    def _refuse(self, key: str, path: tuple[str, ...] | None = None, code: str | None = None, **fields: Any) -> Refused:
        where = (self.part,) if path is None else path
        problem = bound_problem(self.archive.source, where, key, self.title, code=code, part=self.part, **fields)
        return Refused(problem)

    def _doctype(self, *_: Any) -> None:
        raise self._refuse("dtd", code="xml-refused")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self.elements = elements = self.elements + 1
        self.depth = depth = self.depth + 1
        self.run = 0
        if elements > self.max_elements:
            raise self._refuse("elements", limit=self.max_elements)
        if depth > self.max_depth:
            raise self._refuse("depth", code="xml-refused", limit=self.max_depth)
        if self.collect is not None:
            self.collect(name, attributes)
        # rows and cells are counted wherever they stand: openpyxl reads a row at any depth
        if name == _C:
            self._cell(attributes, depth)
            return
        if self.item:  # inside a cell or a shared string
            if depth == self.item + 1:
                self.child = name
            if name == _F:
                self.formula = attributes
                self.valued = True
        if name == _ROW:
            number = attributes.get("r", "")
            self.row = int(number) if _DIGITS.fullmatch(number) else self.row + 1
            self.row_cells = self.column = 0
        elif name == _SI:
            self.item, self.chars, self.child = depth, 0, None
        elif name == _MERGE and self.scan is not None:
            self._merge(attributes.get("ref", ""))

    def _cell(self, attributes: dict[str, str], depth: int) -> None:
        self.row_cells = count = self.row_cells + 1
        if count > self.max_row_cells:
            raise self._refuse("row_cells", row=self.row, limit=self.max_row_cells)
        ref = attributes.get("r")
        self.column = (_column_of(ref.rstrip("0123456789")) if ref else 0) or self.column + 1
        if self.scan is not None:
            self.cells = cells = self.cells + 1
            if cells > self.max_cells:
                raise self._refuse("cells", (self.title or self.part,), limit=self.max_cells)
        self.item, self.chars, self.child = depth, 0, None
        self.valued = self.saved = False
        self.formula = None

    def _text(self, data: str) -> None:
        if not self.item:
            self.run = run = self.run + len(data)
            if run > self.max_chars:
                raise self._refuse("long_text", limit=self.max_chars)
            return
        self.chars = chars = self.chars + len(data)
        if chars > self.max_chars:
            raise self._refuse("cell_chars", self._here(), limit=self.max_chars)
        child = self.child
        if child == _F:
            if self.scan is not None:
                self.formula_text.append(data)
        elif (child == _V or not self.valued) and not data.isspace():
            self.valued = True
            self.saved = self.saved or child == _V

    def _end(self, name: str) -> None:
        self.run = 0
        depth = self.depth
        self.depth = depth - 1
        if depth == self.item:
            self.item = 0
            if self.scan is not None and name == _C and (self.valued or self.formula is not None):
                self._cell_end(self.scan)

    def _here(self) -> tuple[str, ...]:
        """The cell being read, as a location's key (``自评表!B7``), or the part (a shared string)."""
        if self.title is None:
            return (self.part,)
        return (f"{self.title}!{column_letter(self.column - 1)}{self.row}",)

    def _cell_end(self, scan: SheetScan) -> None:
        if self.formula is not None:
            self._formula(scan, self.formula)
            self.formula_text = []
        if not self.valued:
            return
        row, column = self.row, self.column
        if row > self.max_rows or column > self.max_columns:
            if row > self.max_rows:
                refused = self._refuse("rows", self._here(), limit=self.max_rows, row=row)
            else:
                refused = self._refuse(
                    "columns", self._here(), limit=self.max_columns, column=column_letter(column - 1)
                )
            scan.beyond = refused.problem
            raise _Beyond
        if row > scan.rows:
            scan.rows = row
        if column > scan.columns:
            scan.columns = column

    def _formula(self, scan: SheetScan, formula: Mapping[str, str]) -> None:
        """Record a formula with no saved result (reported when its cell is read as empty), and the
        text of each shared formula's first cell, which the cells sharing it are translated from."""
        text = "".join(self.formula_text)
        cell = f"{column_letter(self.column - 1)}{self.row}"
        shared = formula.get("si") if formula.get("t") == "shared" else None
        if shared is not None and text and shared not in self.masters:
            self._store(len(text))
            self.masters[shared] = ("=" + text, cell)
        if self.saved or self.row > self.max_rows or self.column > self.max_columns:
            return
        if shared is not None and not text and shared in self.masters:
            from openpyxl.formula.translate import Translator  # as openpyxl translates a shared formula

            master, origin = self.masters[shared]
            try:
                text = Translator(master, origin=origin).translate_formula(cell)[1:]
            except Exception:  # a formula openpyxl cannot translate: shown as its first cell wrote it
                text = master[1:]
        self._store(len(text) + 1)
        scan.formulas[(self.row - 1, self.column - 1)] = "=" + text

    def _store(self, chars: int) -> None:
        self.stored += chars
        if self.stored > self.limits.max_sheet_text:
            raise self._refuse("text", (self.title or self.part,), limit=self.limits.max_sheet_text)

    def _merge(self, ref: str) -> None:
        limits = self.limits
        self.merges += 1
        if self.merges > limits.max_merged_ranges:
            raise self._refuse("merged", (self.title or self.part,), limit=limits.max_merged_ranges)
        found = _RANGE.fullmatch(ref)
        if found is None:
            return  # openpyxl passes over a range it cannot read in streaming mode too
        left, right = _column_of(found.group(1)), _column_of(found.group(3))
        top, bottom = int(found.group(2)), int(found.group(4))
        if top > bottom or left > right or top > self.max_rows or left > self.max_columns:
            return
        assert self.scan is not None
        self.scan.merged.append((top, left, bottom, right))
        self.scan.rows = max(self.scan.rows, min(bottom, self.max_rows))
        self.scan.columns = max(self.scan.columns, min(right, self.max_columns))
