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

from .errors import DataError, Location, Problem, UnreadableFileError
from .limits import DEFAULT_LIMITS, Limits
from .toml import parse_toml


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
        raise UnreadableFileError(f"{path}: cannot read the data file ({error.strerror or error})") from None
    with stream:
        for number, raw in enumerate(iter(lambda: stream.readline(limits.max_data_bytes + 1), b""), 1):
            if len(raw) > limits.max_data_bytes:
                message = f"{path}: line {number} is over the {limits.max_data_bytes}-byte limit"
                raise UnreadableFileError(message)
            if not raw.strip():
                continue
            try:
                document = _parse_data(raw, source, json=True)
            except DataError as error:  # located on its line of the file
                problems = [replace(p, location=Location(source, line=number, column=p.location.column))
                            for p in error.problems]  # fmt: skip
                raise DataError(problems, source) from None
            if not isinstance(document, Mapping):
                problem = Problem(Location(source, line=number), "expected a table of input values", code="not-a-unit")
                raise DataError([problem], source)
            if "data" in document:
                yield _unit(document, source, (f"line {number}",), str(number))
            else:
                yield Unit(str(number), None, document, f"{source}#{number}")


def _parse_data(raw: bytes, source: str, json: bool = False) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(
            [Problem(Location(source), f"the file is not UTF-8 text (byte {error.start})", code="encoding")], source
        ) from None
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
