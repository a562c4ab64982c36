"""TOML in and out: reading with numbers exact (Decimal, never float), and writing the documents
perfscore builds itself (a table's own ruleset, generated rulesets for tests)."""

from __future__ import annotations

import datetime
import re
import sys
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .errors import DataError, Location, Problem, RulesetError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def parse_toml(text: str, source: str | None, error: type[RulesetError] | type[DataError]) -> dict[str, Any]:
    """Parse ``text``; syntax errors are raised as ``error`` with line and column."""
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except RecursionError:  # arrays or inline tables nested hundreds deep
        where = Location(source)
        raise error([Problem(where, "invalid TOML: nested too deeply", code="too-deep")], source) from None
    except tomllib.TOMLDecodeError as problem:
        message = str(problem)
        found = _POSITION.search(message)
        line = column = None
        if found:
            line, column = int(found.group(1)), int(found.group(2))
            message = message[: found.start()]
        where = Location(source, line=line, column=column)
        raise error([Problem(where, f"invalid TOML: {message}", code="toml-syntax")], source) from None
    except ValueError:  # Python refuses to convert an integer of thousands of digits
        where = Location(source)
        message = "invalid TOML: a number has more than 4,000 digits"
        raise error([Problem(where, message, code="toml-syntax")], source) from None


def dumps_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, surrogates replaced."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def dumps_key(key: str) -> str:
    """A bare key when TOML allows one, else a quoted key."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else dumps_string(key)


def dumps_value(value: Any) -> str:
    """One value as TOML text: decimals exactly as held (no exponent), tables inline, None left out."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return dumps_string(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{dumps_key(k)} = {dumps_value(v)}" for k, v in value.items() if v is not None) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(dumps_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def dumps_document(document: Mapping[str, Any]) -> str:
    """Nested mappings as TOML: each mapping becomes a ``[dotted.header]`` table."""
    lines: list[str] = []

    def emit(header: str, table: Mapping[str, Any]) -> None:
        if header:
            lines.append(f"[{header}]")
        lines.extend(
            f"{dumps_key(key)} = {dumps_value(value)}"
            for key, value in table.items()
            if value is not None and not isinstance(value, Mapping)
        )
        lines.append("")
        for key, value in table.items():
            if isinstance(value, Mapping):
                emit(f"{header}.{dumps_key(key)}" if header else dumps_key(key), value)

    emit("", document)
    return "\n".join(lines)
