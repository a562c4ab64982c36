"""Where each key of a TOML file is written: key paths to line and column, for located problems.

Python's TOML reader gives values, not positions. This scanner reads the text once more, just
enough to know where each table header and each ``key =`` starts (strings, comments, multi-line
strings and values spread over lines are stepped over), so a problem found at a key path — by
the loader or by ``perfscore check`` — can also say "line 12, column 1". A path into an inline
table or an array (``bands[1].points``) is placed at the nearest key written on a line of its own.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import TypeVar

from .errors import KeyPath, Problem, excerpt
from .text import unquoted

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
P = TypeVar("P", bound=Problem)


class Positions:
    """The line and column (both from 1) of every table header and key written in a TOML text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._at: dict[KeyPath, tuple[int, int]] = {}
        self._scan(text)

    def of(self, path: KeyPath) -> tuple[int, int] | None:
        """Where ``path`` is written, or the nearest enclosing key or table that is; None if none is."""
        for end in range(len(path), 0, -1):
            found = self._at.get(tuple(path[:end]))
            if found is not None:
                return found
        return None

    def locate(self, problems: Iterable[P]) -> list[P]:
        """The problems, each with the line and column of its key path (when it has a path and no line yet),
        and that line with a caret under the column (``excerpt``)."""
        placed = []
        for problem in problems:
            where = problem.location
            found = self.of(where.path) if where.path and where.line is None else None
            if found is not None:
                location = dataclasses.replace(where, line=found[0], column=found[1])
                shown = excerpt(self.text, found[0], found[1])
                problem = dataclasses.replace(problem, location=location, excerpt=shown)
            placed.append(problem)
        return placed

    # --- the scanner -----------------------------------------------------------------------

    def _scan(self, text: str) -> None:
        table: KeyPath = ()
        counts: dict[KeyPath, int] = {}
        lines = text.splitlines()
        number = 0
        while number < len(lines):
            line = lines[number]
            start = len(line) - len(line.lstrip())
            body = line[start:]
            where = (number + 1, start + 1)
            if body.startswith("[["):
                path = _key(body[2 : _closing(body, 2, "]]")])
                counts[path] = counts.get(path, -1) + 1
                table = (*path, counts[path])
                self._record(table, where, 1)
            elif body.startswith("["):
                table = _key(body[1 : _closing(body, 1, "]")])
                self._record(table, where, 1)
            elif body and not body.startswith("#"):
                equals = _outside_quotes(body, "=")
                if equals is not None:
                    self._record((*table, *_key(body[:equals])), where, len(table) + 1)
                    number = _value_end(lines, number, start + equals + 1)
            number += 1

    def _record(self, path: KeyPath, where: tuple[int, int], shortest: int) -> None:
        """``path`` is written at ``where``; so are the tables it makes (``[a.b]`` makes ``a``, ``x.y = 1``
        makes ``x``) that are not written anywhere earlier."""
        for end in range(shortest, len(path) + 1):
            self._at.setdefault(path[:end], where)


def _closing(text: str, start: int, closing: str) -> int:
    """Where ``closing`` ends a header (quoted keys may hold brackets)."""
    found = _outside_quotes(text[start:], closing)
    return len(text) if found is None else start + found


def _outside_quotes(text: str, wanted: str) -> int | None:
    """The first ``wanted`` in ``text`` that is not inside a quoted string (or a comment), or None."""
    return next((index for index, _ in unquoted(text) if text.startswith(wanted, index)), None)


def _key(text: str) -> tuple[str, ...]:
    """A dotted key as its parts: ``indicators."a.b".c`` → ("indicators", "a.b", "c")."""
    parts: list[str] = []
    index, text = 0, text.strip()
    while index < len(text):
        char = text[index]
        if char in " \t.":
            index += 1
        elif char in "\"'":
            end = index + 1
            value = []
            while end < len(text) and text[end] != char:
                if char == '"' and text[end] == "\\" and end + 1 < len(text):
                    escape = text[end + 1]
                    if escape in "uU":
                        size = 4 if escape == "u" else 8
                        value.append(chr(int(text[end + 2 : end + 2 + size], 16)))
                        end += 2 + size
                        continue
                    value.append(_ESCAPES.get(escape, escape))
                    end += 2
                    continue
                value.append(text[end])
                end += 1
            parts.append("".join(value))
            index = end + 1
        else:
            found = _BARE.match(text, index)
            if found is None:
                break  # not a key TOML would accept: the reader reports it
            parts.append(found.group(0))
            index = found.end()
    return tuple(parts)


def _value_end(lines: Sequence[str], number: int, column: int) -> int:
    """The last line of the value that starts at ``lines[number][column:]`` (multi-line strings and
    arrays or inline tables spread over lines end further down)."""
    depth = 0
    text = lines[number][column:]
    while True:
        index = 0
        while index < len(text):
            if text.startswith(('"""', "'''"), index):
                delimiter = text[index : index + 3]
                end = text.find(delimiter, index + 3)
                while end == -1 and number + 1 < len(lines):  # the string goes on below
                    number += 1
                    text = lines[number]
                    index = -3
                    end = text.find(delimiter)
                index = (end + 3) if end != -1 else len(text)
                continue
            char = text[index]
            if char in "\"'":
                end = index + 1
                while end < len(text) and text[end] != char:
                    end += 2 if (char == '"' and text[end] == "\\") else 1
                index = end + 1
                continue
            if char == "#":
                break
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
            index += 1
        if depth <= 0 or number + 1 >= len(lines):
            return number
        number += 1
        text = lines[number]
