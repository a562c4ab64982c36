"""Reading TOML exactly: numbers with a decimal point become Decimal, never float."""

from __future__ import annotations

import re
import sys
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
