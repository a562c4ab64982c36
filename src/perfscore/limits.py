"""Every size bound perfscore applies, in one place, and which keys are refused as look-alikes.

Rulesets, data files and tables are untrusted input: these bounds keep a hostile or broken file
from exhausting memory, recursion or time before any rule is read. The defaults are generous
for real frameworks (a few hundred indicators, tens of thousands of units); tighten them for
uploads from unknown sources by passing your own :class:`Limits`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import KeyPath, Location, Problem
from .messages import Text, words


@dataclass(frozen=True)
class Limits:
    """Bounds on what perfscore reads, each checked before the work it guards."""

    # a ruleset file
    max_bytes: int = 2_000_000  # the whole file
    max_depth: int = 32  # tables and arrays nested in each other
    max_indicators: int = 10_000  # tables under [indicators], at any level
    max_string: int = 10_000  # characters in any one text value
    max_digits: int = 28  # digits of a number (the precision every score is computed with)
    max_magnitude: int = 15  # points, targets and band edges in the trillions are typos, not rules
    # a formula
    max_formula_length: int = 2_000  # characters
    max_formula_depth: int = 100  # operators and calls nested in each other
    max_formula_text: int = 200  # characters of a text literal ("完成")
    # a unit's data
    max_data_bytes: int = 50_000_000  # a data file: about 100,000 units of a 30-input ruleset
    max_text: int = 10_000  # characters of a text input's value
    max_number_text: int = 60  # characters of a number written as text ("1,234.5")
    max_exponent: int = 30  # no budget has more than 30 digits before the point
    # a self-evaluation table
    max_table_bytes: int = 20_000_000  # one table file; a real 自评表 is a few hundred kilobytes
    max_table_rows: int = 5_000  # rows read from a sheet (formatting can make a sheet claim a million)
    max_table_columns: int = 100
    max_header_row: int = 200  # the indicator header starts within a sheet's first rows
    max_cell_text: int = 200  # characters of a target or actual (年度指标值, 实际完成值): a few words, not a paragraph
    max_file_name: int = 60  # characters of a report file named after a table (well under 255 bytes in UTF-8)
    # what a sheet or a CSV file may hold (values beyond max_table_rows/max_table_columns are refused, not cut off)
    max_sheet_cells: int = 1_000_000  # cells of a sheet, filled or only formatted (.xlsx), or fields of a CSV file
    max_cell_chars: int = 32_767  # characters in one cell or CSV field (Excel's own limit)
    max_sheet_text: int = 5_000_000  # characters of all the cells read from one sheet or CSV file
    max_csv_line: int = 1_000_000  # characters in one line of a CSV file
    # an .xlsx workbook (a zip of XML parts): checked before openpyxl expands anything, and again as each part is read
    max_xlsx_parts: int = 1_000  # files in the archive (a real workbook has a few dozen)
    max_xlsx_bytes: int = 100_000_000  # all the parts together, uncompressed, as their sizes are declared
    max_xlsx_part_bytes: int = 5_000_000  # one part read whole (styles, workbook, relationships, …), uncompressed
    max_sheet_bytes: int = 30_000_000  # one worksheet, uncompressed (read as a stream)
    max_shared_strings_bytes: int = 5_000_000  # the shared strings part, uncompressed (all its text is held in memory)
    max_compression_ratio: int = 100  # uncompressed ÷ compressed bytes of a part over 1 MB (real XML: under 30)
    max_xml_depth: int = 64  # elements nested in each other in one part (a worksheet needs 6)
    max_xml_elements: int = 2_500_000  # elements of one part (a sheet of 1,000,000 cells has about 2,000,000)
    max_row_cells: int = 16_384  # cell elements in one row of a worksheet (Excel's own limit of columns)
    max_merged_ranges: int = 10_000  # merged ranges in one sheet (a real 自评表 has a few dozen)


DEFAULT_LIMITS = Limits()

_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


WORDS = words(
    "limits",
    {
        "invisible": ("含有看不见的字符或控制字符", "it contains an invisible or control character"),
        "full-width": ("含有全角或兼容字符（读作 {reads}）", "it contains full-width or compatibility characters (reads as {reads})"),
        "mixed": ("混用了外形相似的 {scripts} 字母", "it mixes {scripts} letters that look alike"),
        "nested": ("表格和数组的嵌套超过 {depth} 层", "tables and arrays are nested more than {depth} levels deep"),
        "refused": ("键 {key} 不被接受：{reason}", "the key {key} is refused: {reason}"),
        "long": ("文本有 {count} 个字符，超过 {limit} 个字符的上限", "text of {count} characters is over the {limit}-character limit"),
        "number": ("规则中的数字至多 {digits} 位，数量级须小于 10^{magnitude}",
                   "numbers in a ruleset are limited to {digits} digits and magnitudes below 10^{magnitude}"),
        "one-line": ("报告中显示的文本只能是一行可见字符（不能有换行或控制字符）",
                     "text shown in reports must be one line of visible characters (no line breaks or controls)"),
        "indicators": ("指标表有 {count} 个，超过 {limit} 个的上限", "{count} indicator tables is over the limit of {limit}"),
    },
)  # fmt: skip


def look_alike(key: str) -> Text | None:
    """Why a key could pass for another one (full-width letters, invisible characters, mixed
    Latin/Cyrillic/Greek letters), or None when it reads as what it is."""
    if key.isascii() and key.isprintable():
        return None  # the common case: plain ASCII cannot look like anything else
    if any(unicodedata.category(char) in ("Cf", "Cc", "Co", "Cn", "Zl", "Zp") for char in key):
        return WORDS["invisible"]
    if unicodedata.normalize("NFKC", key) != key:
        return WORDS["full-width"].format(reads=repr(unicodedata.normalize("NFKC", key)))
    scripts = {name.split()[0] for char in key if char.isalpha() for name in [unicodedata.name(char, "")]}
    mixed = scripts & set(_SCRIPTS)
    if len(mixed) > 1:
        return WORDS["mixed"].format(scripts=" and ".join(sorted(mixed)).lower())
    return None


def check_document(document: Mapping[str, Any], source: str | None, limits: Limits) -> list[Problem]:
    """Problems with a parsed document's size and keys, found without recursion."""
    problems: list[Problem] = []
    indicators = 0
    too_deep = False
    for path, value, depth in _walk(document):
        if depth > limits.max_depth:
            if not too_deep:
                message = WORDS["nested"].format(depth=limits.max_depth)
                problems.append(Problem(Location(source, path), message, code="too-deep"))
            too_deep = True
            continue
        if path and isinstance(path[-1], str):
            reason = look_alike(path[-1])
            if reason:
                problems.append(
                    Problem(
                        Location(source, path),
                        WORDS["refused"].format(key=repr(path[-1]), reason=reason),
                        code="look-alike-key",
                    )
                )
        if isinstance(value, str) and len(value) > limits.max_string:
            message = WORDS["long"].format(count=len(value), limit=limits.max_string)
            problems.append(Problem(Location(source, path), message, code="string-too-long"))
        if _oversized_number(value, limits):
            message = WORDS["number"].format(digits=limits.max_digits, magnitude=limits.max_magnitude)
            problems.append(Problem(Location(source, path), message, code="number-too-large"))
        if isinstance(value, str) and _shown_as_lines(path) and _line_breaking(value):
            message = WORDS["one-line"]
            problems.append(Problem(Location(source, path), message, code="control-character"))
        if isinstance(value, Mapping) and len(path) > 1 and path[0] == "indicators" and "name" in value:
            indicators += 1  # an indicator table has a name; bands and over_target tables do not count
    if indicators > limits.max_indicators:
        message = WORDS["indicators"].format(count=indicators, limit=limits.max_indicators)
        problems.append(Problem(Location(source, ("indicators",)), message, code="too-many-indicators"))
    return problems


def _oversized_number(value: Any, limits: Limits) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return False
    number = Decimal(value) if isinstance(value, int) and abs(value) < 10**40 else value
    if isinstance(number, int):
        return True
    if not number.is_finite():
        return True
    return bool(number) and (
        number.adjusted() >= limits.max_magnitude or len(number.as_tuple().digits) > limits.max_digits
    )


# Formulas may span lines (they are read as one); descriptions may have paragraphs.
_MULTILINE_KEYS = frozenset({"formula", "actual", "target", "value", "count", "when", "description", "description_en"})


def _shown_as_lines(path: KeyPath) -> bool:
    """Whether a string at ``path`` lands on a report line of its own (names, labels, templates…)."""
    keys = [part for part in path if isinstance(part, str)]
    if not keys or keys[-1] in _MULTILINE_KEYS:
        return False
    return not (keys[0] == "derived" and len(keys) == 2)  # derived.NAME = "formula" (the short form)


def _line_breaking(text: str) -> bool:
    """Line breaks, other control characters and bidi overrides: they could forge report lines."""
    # A printable text has no character of these categories (str.isprintable refuses every Other
    # and Separator but the space: tested against the loop for every code point).
    return not text.isprintable() and _breaking(text)


def _breaking(text: str) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Zl", "Zp", "Cf") for char in text)


def _walk(document: Mapping[str, Any]) -> Iterator[tuple[KeyPath, Any, int]]:
    """Every value with its key path and depth, parents first, using an explicit stack."""
    stack: list[tuple[KeyPath, Any, int]] = [((), document, 0)]
    while stack:
        path, value, depth = stack.pop()
        yield path, value, depth
        if depth > 10_000:  # the caller stops at max_depth; this only guards the stack itself
            continue
        if isinstance(value, Mapping):
            stack.extend(((*path, key), item, depth + 1) for key, item in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend(((*path, index), item, depth + 1) for index, item in reversed(list(enumerate(value))))
