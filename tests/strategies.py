"""Hypothesis strategies shared by the tests: exact decimals, random rulesets with data, random formulas.

Random rulesets and data for them come from :mod:`perfscore.testing` (the kit ruleset authors use
too); this module wraps them in :class:`GeneratedRuleset` so tests can branch on a generated
ruleset's settings, and adds random formulas for the expression tests. Every number is built from
an integer scaled by a power of ten, so no float is ever involved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any

from hypothesis import strategies as st

import perfscore
from perfscore import Ruleset, testing
from perfscore.testing import decimals
from perfscore.toml import dumps_document as toml_document

__all__ = [
    "FORMULA_NAMES",
    "GeneratedRuleset",
    "arbitrary_data",
    "bool_formulas",
    "compiled",
    "decimals",
    "formula_values",
    "formulas",
    "number_formulas",
    "rulesets",
    "rulesets_with_data",
    "toml_document",
    "unit_data",
]

DrawFn = Callable[[st.SearchStrategy[Any]], Any]

# --- TOML text --------------------------------------------------------------------------------------


# --- generated rulesets (perfscore.testing) -----------------------------------------------------------


@lru_cache(maxsize=256)
def compiled(text: str) -> Ruleset:
    """A generated ruleset's text, compiled once."""
    return perfscore.loads(text, source="generated.toml")


@dataclass(frozen=True)
class GeneratedRuleset:
    """A random valid ruleset from :func:`perfscore.testing.rulesets`: its TOML text and settings."""

    text: str

    @cached_property
    def ruleset(self) -> Ruleset:
        return compiled(self.text)

    @property
    def stage(self) -> str:
        """Where rounding happens: "leaf" (each indicator, then summed) or "total"."""
        return self.ruleset.meta.rounding.stage

    @property
    def missing(self) -> str:
        """ "error" (every input required) or "zero" (missing inputs score 0)."""
        return self.ruleset.meta.missing


def rulesets(max_depth: int | None = None) -> st.SearchStrategy[GeneratedRuleset]:
    """A random valid ruleset: a tree of depth 1–3 whose points add up, leaves of every method."""
    return testing.rulesets(max_depth).map(GeneratedRuleset)


def rulesets_with_data(max_depth: int | None = None) -> st.SearchStrategy[tuple[GeneratedRuleset, dict[str, Any]]]:
    """A random ruleset together with valid data for it."""
    return testing.rulesets_with_data(max_depth).map(lambda case: (GeneratedRuleset(case[0]), case[1]))


def unit_data(generated: GeneratedRuleset) -> st.SearchStrategy[dict[str, Any]]:
    """Valid data for a generated ruleset; when it scores missing data as 0, any input may be left out."""
    return testing.data_for(generated.ruleset)


def arbitrary_data(generated: GeneratedRuleset) -> st.SearchStrategy[dict[str, Any]]:
    """Type-valid but arbitrary data: out-of-range numbers, zero divisors, unknown tiers, gaps."""
    return testing.arbitrary_data_for(generated.ruleset)


# --- random formulas ---------------------------------------------------------------------------------------

#: The names random formulas read, with their kinds (as a ruleset's inputs would declare them).
FORMULA_NAMES = {"a": "number", "b": "number", "c": "number", "p": "bool", "q": "bool"}


def _literal(value: Decimal) -> str:
    text = format(value, "f")
    return f"({text})" if value < 0 else text


def formula_values() -> st.SearchStrategy[dict[str, Any]]:
    """Values for :data:`FORMULA_NAMES`; zero is common so divisions by zero happen."""
    number = st.one_of(st.just(Decimal(0)), decimals(-100, 100, places=3))
    return st.fixed_dictionaries({"a": number, "b": number, "c": number, "p": st.booleans(), "q": st.booleans()})


@st.composite
def number_formulas(draw: DrawFn, depth: int = 0) -> str:
    """A random number-valued formula: arithmetic, functions, ``if … else``, over a, b, c."""
    if depth >= 4 or draw(st.integers(0, 2)) == 0:
        return draw(st.one_of(st.sampled_from(["a", "b", "c"]), decimals(-100, 100, places=3).map(_literal)))
    inner = number_formulas(depth + 1)
    kind = draw(st.sampled_from(["binop", "binop", "power", "negate", "call", "if"]))
    if kind == "binop":
        op = draw(st.sampled_from(["+", "-", "*", "/", "//", "%"]))
        return f"({draw(inner)} {op} {draw(inner)})"
    if kind == "power":
        exponent = draw(st.one_of(st.integers(-3, 3).map(str), inner))
        return f"({draw(inner)} ** {exponent})"
    if kind == "negate":
        return f"(-{draw(inner)})"
    if kind == "if":
        return f"({draw(inner)} if {draw(bool_formulas(depth + 1))} else {draw(inner)})"
    function = draw(st.sampled_from(["min", "max", "abs", "round", "floor", "ceil", "clamp"]))
    if function in ("min", "max"):
        args = draw(st.lists(inner, min_size=2, max_size=3))
    elif function == "clamp":
        args = [draw(inner), draw(inner), draw(inner)]
    elif function == "round" and draw(st.booleans()):
        args = [draw(inner), draw(st.one_of(st.integers(0, 4).map(str), inner))]
    else:
        args = [draw(inner)]
    return f"{function}({', '.join(args)})"


@st.composite
def bool_formulas(draw: DrawFn, depth: int = 0) -> str:
    """A random true/false formula: (chained) comparisons, and/or/not over p, q and numbers."""
    if depth >= 4 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(["p", "q", "True", "False"]))
    kind = draw(st.sampled_from(["compare", "compare", "and", "or", "not"]))
    if kind == "compare":
        operands = draw(st.lists(number_formulas(depth + 1), min_size=2, max_size=3))
        text = operands[0]
        for operand in operands[1:]:
            text += f" {draw(st.sampled_from(['<', '<=', '>', '>=', '==', '!=']))} {operand}"
        return f"({text})"
    if kind == "not":
        return f"(not {draw(bool_formulas(depth + 1))})"
    return f"({draw(bool_formulas(depth + 1))} {kind} {draw(bool_formulas(depth + 1))})"


def formulas() -> st.SearchStrategy[str]:
    """A random formula of either kind over :data:`FORMULA_NAMES`."""
    return st.one_of(number_formulas(), bool_formulas())
