"""Units' data files: one unit or many, in TOML or JSON, read with numbers exact.

A data file holds one unit (``[unit]`` + ``[data]``, or bare values) or many (``[[units]]``, each
with ``id``, ``name`` and a ``data`` table). Numbers are read as Decimal, never float; a JSON
key given twice is refused rather than silently resolved.
"""

from __future__ import annotations

import json as _json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import DataError, Location, Problem, UnreadableFileError, excerpt, os_reason
from .limits import DEFAULT_LIMITS, Limits
from .messages import Text, verbatim, words
from .toml import decode, parse_toml, typing_mistake

WORDS = words(
    "units",
    {
        "too-large": ("{path}: 数据文件有 {size} 字节，超过 {limit} 字节的上限",
                      "{path}: the data file is {size} bytes, over the {limit}-byte limit"),
        "unreadable": ("{path}: 无法读取数据文件（{reason}）", "{path}: cannot read the data file ({reason})"),
        "json": ("JSON 写法有误：{reason}", "invalid JSON: {reason}"),
        "json-deep": ("JSON 写法有误：嵌套过深", "invalid JSON: nested too deeply"),
        "twice": ("键 {key} 在同一个对象中出现了两次", "the key {key} appears twice in one object"),
        "digits": ("数字有 {count} 位", "a number has {count} digits"),
        "constant": ("{name} 不是 perfscore 接受的数字", "{name} is not a number perfscore accepts"),
        "values": ("此处应为输入值的表格", "expected a table of input values"),
        "units": ("此处应为表格数组 [[units]]", "expected an array of tables [[units]]"),
        "unit": ("此处应为含 id 和 name 的表格", "expected a table with id and name"),
        "line-too-large": ("{path}: 第 {line} 行超过 {limit} 字节的上限", "{path}: line {line} is over the {limit}-byte limit"),
    },
)  # fmt: skip


JSON_REASONS = words(
    "units.json",
    {
        "Expecting value": ("此处缺少值", "Expecting value"),
        "Expecting ',' delimiter": ("缺少英文逗号 ,", "Expecting ',' delimiter"),
        "Expecting ':' delimiter": ("缺少英文冒号 :", "Expecting ':' delimiter"),
        "Expecting property name enclosed in double quotes": ("键名须用英文双引号括起来",
                                                              "Expecting property name enclosed in double quotes"),
        "Unterminated string starting at": ("字符串缺少结尾的英文双引号", "Unterminated string starting at"),
        "Extra data": ("JSON 结束后还有多余的内容", "Extra data"),
        "Invalid control character at": ("字符串中有控制字符（如换行）", "Invalid control character at"),
    },
)  # fmt: skip
"""The commonest reasons Python's JSON reader gives, in Chinese (any other is shown as it says it)."""


class _Refused(ValueError):
    """A JSON value refused while parsing, in both languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


SHEET_SUFFIXES = (".xlsx", ".csv")
"""Data files read as sheets of units, one unit a row (:mod:`perfscore.sheets`); others are TOML or JSON."""


def is_sheet(path: str | Path) -> bool:
    """Whether ``path`` is read as a sheet of units (by its suffix: .xlsx or .csv)."""
    return Path(path).suffix.lower() in SHEET_SUFFIXES


@dataclass(frozen=True)
class Unit:
    """One unit's data as read from a file: an id, a display name and the input values."""

    id: str
    name: str | None
    values: Mapping[str, Any]
    source: str | None = None


def read_units(path: str | Path, *, max_bytes: int | None = None, limits: Limits = DEFAULT_LIMITS) -> list[Unit]:
    """Read a TOML or JSON data file: one unit (``[unit]`` + ``[data]``, or bare values) or
    many (``[[units]]`` each with ``id``, ``name`` and a ``data`` table). Files over
    ``limits.max_data_bytes`` (or ``max_bytes``) are refused before they are read."""
    path = Path(path)
    if is_sheet(path):  # a sheet's columns are read against a ruleset's inputs
        message = "a sheet of units (.xlsx, .csv) is read with perfscore.sheets.read_sheet_units(path, ruleset)"
        raise DataError([Problem(Location(str(path)), message, code="not-a-unit")], str(path))
    if max_bytes is None:
        max_bytes = limits.max_data_bytes
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableFileError(WORDS["too-large"].format(path=path, size=size, limit=max_bytes))
        raw = path.read_bytes()
    except UnreadableFileError:
        raise
    except OSError as error:
        raise UnreadableFileError(WORDS["unreadable"].format(path=path, reason=os_reason(error))) from None
    document = _parse_data(raw, str(path))
    return units_from_document(document, str(path))


JSON_LINES = (".jsonl", ".ndjson")


def iter_units(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Unit]:
    """The units of a data file, one at a time. A JSON Lines file (``.jsonl``, ``.ndjson``: one unit a
    line, ``{"id": …, "name": …, "data": {…}}`` or bare values; blank lines skipped) is read line by
    line, so its size is not bounded, only each line's (``limits.max_data_bytes``); any other file is
    read whole, as :func:`read_units` reads it."""
    path = Path(path)
    if not path.name.lower().endswith(JSON_LINES):
        yield from read_units(path, limits=limits)
        return
    source = str(path)
    try:
        stream = path.open("rb")
    except OSError as error:
        raise UnreadableFileError(WORDS["unreadable"].format(path=path, reason=os_reason(error))) from None
    with stream:
        for number, raw in enumerate(iter(lambda: stream.readline(limits.max_data_bytes + 1), b""), 1):
            if len(raw) > limits.max_data_bytes:
                raise UnreadableFileError(
                    WORDS["line-too-large"].format(path=path, line=number, limit=limits.max_data_bytes)
                )
            if not raw.strip():
                continue
            try:
                document = _parse_data(raw, source, json=True)
            except DataError as error:  # located on its line of the file
                problems = [replace(p, location=Location(source, line=number, column=p.location.column))
                            for p in error.problems]  # fmt: skip
                raise DataError(problems, source) from None
            if not isinstance(document, Mapping):
                problem = Problem(Location(source, line=number), WORDS["values"], code="not-a-unit")
                raise DataError([problem], source)
            if "data" in document:
                yield _unit(document, source, (f"line {number}",), str(number))
            else:
                yield Unit(str(number), None, document, f"{source}#{number}")


def read_units_bytes(raw: bytes, source: str = "<stdin>", *, limits: Limits = DEFAULT_LIMITS) -> list[Unit]:
    """The units a data file's bytes hold (standard input): JSON when the text starts with ``{``,
    else TOML; refused past ``limits.max_data_bytes`` as a file would be."""
    if len(raw) > limits.max_data_bytes:
        raise UnreadableFileError(WORDS["too-large"].format(path=source, size=len(raw), limit=limits.max_data_bytes))
    json = raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
    return units_from_document(_parse_data(raw, source, json=json), source)


def _parse_data(raw: bytes, source: str, json: bool = False) -> Any:
    text = decode(raw, source, DataError)
    if json or source.lower().endswith(".json"):
        try:
            return _json.loads(
                text,
                parse_float=Decimal,
                parse_int=_json_int,
                parse_constant=_refuse_constant,
                object_pairs_hook=_unique_keys,
            )
        except _json.JSONDecodeError as error:
            where = Location(source, line=error.lineno, column=error.colno)
            reason = JSON_REASONS.get(error.msg) or verbatim(error.msg)
            said = typing_mistake(text, error.lineno, error.colno, "JSON") or WORDS["json"].format(reason=reason)
            shown = excerpt(text, error.lineno, error.colno)
            raise DataError([Problem(where, said, code="json-syntax", excerpt=shown)], source) from None
        except ValueError as error:
            reason = error.text if isinstance(error, _Refused) else verbatim(str(error))
            said = WORDS["json"].format(reason=reason)
            raise DataError([Problem(Location(source), said, code="json-syntax")], source) from None
        except RecursionError:
            problem = Problem(Location(source), WORDS["json-deep"], code="too-deep")
            raise DataError([problem], source) from None
    return parse_toml(text, source, DataError)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON allows a key twice and keeps the last; a data file saying two things is refused instead."""
    table: dict[str, Any] = {}
    for key, value in pairs:
        if key in table:
            raise _Refused(WORDS["twice"].format(key=repr(key)))
        table[key] = value
    return table


def _json_int(text: str) -> int:
    if (
        len(text) > DEFAULT_LIMITS.max_number_text
    ):  # Python would refuse past 4,300 digits, with advice meant for programmers
        raise _Refused(WORDS["digits"].format(count=len(text)))
    return int(text)


def _refuse_constant(name: str) -> Any:
    raise _Refused(WORDS["constant"].format(name=name))


def units_from_document(document: Any, source: str | None) -> list[Unit]:
    """The units a parsed data document holds."""
    if not isinstance(document, Mapping):
        raise DataError([Problem(Location(source), WORDS["values"], code="not-a-unit")], source)
    if "units" in document:
        units = document["units"]
        if not isinstance(units, list) or not all(isinstance(unit, Mapping) for unit in units):
            problem = Problem(Location(source, ("units",)), WORDS["units"], code="not-a-unit")
            raise DataError([problem], source)
        return [_unit(unit, source, (f"units[{index}]",), str(index + 1)) for index, unit in enumerate(units)]
    if "data" in document:
        meta = document.get("unit", {})
        if not isinstance(meta, Mapping):
            problem = Problem(Location(source, ("unit",)), WORDS["unit"], code="not-a-unit")
            raise DataError([problem], source)
        return [_unit({**meta, "data": document["data"]}, source, (), Path(source or "unit").stem)]
    return [Unit(Path(source or "unit").stem, None, document, source)]


def _unit(table: Mapping[str, Any], source: str | None, where: tuple[str, ...], fallback: str) -> Unit:
    values = table.get("data")
    if not isinstance(values, Mapping):
        problem = Problem(Location(source, (*where, "data")), WORDS["values"], code="not-a-unit")
        raise DataError([problem], source)
    unit_id = table.get("id", fallback)
    name = table.get("name")
    label = f"{source}#{unit_id}" if source else str(unit_id)
    return Unit(str(unit_id), None if name is None else str(name), values, label)
