"""The exception tree and the locations errors point at.

Errors are data: each problem carries where it is (file, key path, position inside an
expression), what was found and what was expected; ``str()`` renders it for people.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

KeyPath = tuple[str | int, ...]
_PLAIN_KEY = re.compile(r"[^\s.\"'\[\]]+")


def format_key_path(path: KeyPath) -> str:
    """Render ``("indicators", "output", 0)`` as ``indicators.output[0]``; a key with dots, spaces or
    invisible characters is quoted and escaped, so it always reads as one key on one line."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            key = part if _PLAIN_KEY.fullmatch(part) and part.isprintable() else '"' + escape(part) + '"'
            text += f".{key}" if text else key
    return text or "(top level)"


def escape(text: str) -> str:
    """Invisible and line-breaking characters as \\uXXXX, so text from a file cannot forge lines."""
    return "".join(char if char.isprintable() and char not in '"\\' else f"\\u{ord(char):04x}" for char in text)


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest known name to a misspelt one, if any is close enough."""
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


@dataclass(frozen=True)
class Span:
    """A stretch of an expression's text: where inside a formula a problem is."""

    expression: str
    start: int
    end: int

    def render(self) -> str:
        """The expression with ``^~~`` under the offending part (Chinese characters are two columns wide)."""
        lead = columns(self.expression[: self.start])
        width = max(1, columns(self.expression[self.start : self.end]))
        return f"    {self.expression}\n    {' ' * lead}^{'~' * (width - 1)}"


def columns(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, a key path inside it, optionally a line or a span."""

    file: str | None = None
    path: KeyPath = ()
    line: int | None = None
    column: int | None = None
    span: Span | None = None

    def render(self) -> str:
        head = self.file or "<string>"
        if self.line is not None:
            head += f":{self.line}"
            if self.column is not None:
                head += f":{self.column}"
        return f"{head}: {format_key_path(self.path)}" if self.path else head


@dataclass(frozen=True)
class Problem:
    """One mistake found in a ruleset or in a unit's data."""

    location: Location
    message: str
    suggestion: str | None = None
    code: str = "invalid"  # a stable word for tools: "points-sum", "unknown-name", "missing-input", …

    def render(self) -> str:
        text = f"{self.location.render()}: {self.message}"
        if self.suggestion:
            text += f" (did you mean '{self.suggestion}'?)"
        if self.location.span is not None:
            text += "\n" + self.location.span.render()
        return text


class PerfscoreError(Exception):
    """Root of every error perfscore raises on purpose."""


class _ProblemsError(PerfscoreError):
    """An error that gathers every problem found, not only the first."""

    summary = "problems"

    def __init__(self, problems: Sequence[Problem], source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self.render())

    def render(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        head = f"{self.source or '<string>'}: {count} {noun} in {self.summary}"
        return "\n".join([head, *(f"  {p.render()}".replace("\n", "\n  ") for p in self.problems)])

    def __str__(self) -> str:
        return self.render()


class RulesetError(_ProblemsError, ValueError):
    """The ruleset document is malformed or inconsistent; raised at load time."""

    summary = "the ruleset"


class DataError(_ProblemsError, ValueError):
    """A unit's data is missing inputs or has values of the wrong kind."""

    summary = "the data"


class ScoringError(PerfscoreError, ArithmeticError):
    """Scoring could not finish for one unit (e.g. a formula divided by zero)."""

    def __init__(self, problem: Problem, unit: str | None = None) -> None:
        self.problem = problem
        self.unit = unit
        super().__init__(self.render())

    def render(self) -> str:
        text = self.problem.render()
        return f"{self.unit}: {text}" if self.unit else text

    def __str__(self) -> str:
        return self.render()


class UnreadableFileError(PerfscoreError, OSError):
    """A ruleset or data file could not be read (missing, unreadable, too large)."""


class OutputError(PerfscoreError, OSError):
    """A summary or report file could not be written (a folder that cannot be made, a missing
    optional dependency such as openpyxl for .xlsx)."""
