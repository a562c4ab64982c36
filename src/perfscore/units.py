"""Units' data files: one unit or many, in TOML or JSON, read with numbers exact.

A data file holds one unit (``[unit]`` + ``[data]``, or bare values) or many (``[[units]]``, each
with ``id``, ``name`` and a ``data`` table). Numbers are read as Decimal, never float; a JSON
key given twice is refused rather than silently resolved.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import DataError, Location, Problem, UnreadableFileError
from .limits import DEFAULT_LIMITS, Limits
from .toml import parse_toml

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
            raise UnreadableFileError(f"{path}: the data file is {size} bytes, over the {max_bytes}-byte limit")
        raw = path.read_bytes()
    except UnreadableFileError:
        raise
    except OSError as error:
        raise UnreadableFileError(f"{path}: cannot read the data file ({error.strerror or error})") from None
    document = _parse_data(raw, str(path))
    return units_from_document(document, str(path))


def _parse_data(raw: bytes, source: str) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(
            [Problem(Location(source), f"the file is not UTF-8 text (byte {error.start})", code="encoding")], source
        ) from None
    if source.lower().endswith(".json"):
        try:
            return json.loads(
                text,
                parse_float=Decimal,
                parse_int=_json_int,
                parse_constant=_refuse_constant,
                object_pairs_hook=_unique_keys,
            )
        except json.JSONDecodeError as error:
            where = Location(source, line=error.lineno, column=error.colno)
            raise DataError([Problem(where, f"invalid JSON: {error.msg}", code="json-syntax")], source) from None
        except ValueError as error:
            raise DataError([Problem(Location(source), f"invalid JSON: {error}", code="json-syntax")], source) from None
        except RecursionError:
            problem = Problem(Location(source), "invalid JSON: nested too deeply", code="too-deep")
            raise DataError([problem], source) from None
    return parse_toml(text, source, DataError)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON allows a key twice and keeps the last; a data file saying two things is refused instead."""
    table: dict[str, Any] = {}
    for key, value in pairs:
        if key in table:
            raise ValueError(f"the key {key!r} appears twice in one object")
        table[key] = value
    return table


def _json_int(text: str) -> int:
    if (
        len(text) > DEFAULT_LIMITS.max_number_text
    ):  # Python would refuse past 4,300 digits, with advice meant for programmers
        raise ValueError(f"a number has {len(text)} digits")
    return int(text)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number perfscore accepts")


def units_from_document(document: Any, source: str | None) -> list[Unit]:
    """The units a parsed data document holds."""
    if not isinstance(document, Mapping):
        raise DataError([Problem(Location(source), "expected a table of input values", code="not-a-unit")], source)
    if "units" in document:
        units = document["units"]
        if not isinstance(units, list) or not all(isinstance(unit, Mapping) for unit in units):
            problem = Problem(Location(source, ("units",)), "expected an array of tables [[units]]", code="not-a-unit")
            raise DataError([problem], source)
        return [_unit(unit, source, (f"units[{index}]",), str(index + 1)) for index, unit in enumerate(units)]
    if "data" in document:
        meta = document.get("unit", {})
        if not isinstance(meta, Mapping):
            problem = Problem(Location(source, ("unit",)), "expected a table with id and name", code="not-a-unit")
            raise DataError([problem], source)
        return [_unit({**meta, "data": document["data"]}, source, (), Path(source or "unit").stem)]
    return [Unit(Path(source or "unit").stem, None, document, source)]


def _unit(table: Mapping[str, Any], source: str | None, where: tuple[str, ...], fallback: str) -> Unit:
    values = table.get("data")
    if not isinstance(values, Mapping):
        problem = Problem(Location(source, (*where, "data")), "expected a table of input values", code="not-a-unit")
        raise DataError([problem], source)
    unit_id = table.get("id", fallback)
    name = table.get("name")
    label = f"{source}#{unit_id}" if source else str(unit_id)
    return Unit(str(unit_id), None if name is None else str(name), values, label)
