"""The scoring methods: how one leaf indicator turns a unit's data into points.

:data:`METHODS` maps each ``method = "…"`` name to its :class:`Method`, one module per method.
The loader, the compiler, results, reports, ``perfscore check``, ``perfscore diff`` and the
testing kit reach a method only through this mapping and the hooks of
:class:`~perfscore.methods._base.Method`; a new method is one new module registered here (or
passed to :func:`perfscore.loads` as ``methods=``), see ``docs/architecture.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ._base import (
    MISSING,
    Case,
    Code,
    FloatCode,
    FormulaKey,
    KeyPath,
    LeafSite,
    Method,
    Num,
    Outlook,
    Response,
    Trend,
    Tunable,
    Unfloatable,
    each_own,
    facts_of,
    formula_text,
    measured_name,
    meeting,
    moved_points,
    points_path,
    points_sign,
    touched,
)
from .bands import BANDS, Band
from .boolean import BOOLEAN
from .deduction import DEDUCTION
from .formula import FORMULA
from .rating import RATING
from .ratio import RATIO

METHODS: Mapping[str, Method] = MappingProxyType(
    {method.name: method for method in (RATIO, BANDS, RATING, DEDUCTION, BOOLEAN, FORMULA)}
)
"""The built-in methods by name, in the order docs and messages list them."""

__all__ = [
    "BANDS",
    "BOOLEAN",
    "DEDUCTION",
    "FORMULA",
    "METHODS",
    "MISSING",
    "RATING",
    "RATIO",
    "Band",
    "Case",
    "Code",
    "FloatCode",
    "FormulaKey",
    "KeyPath",
    "LeafSite",
    "Method",
    "Num",
    "Outlook",
    "Response",
    "Trend",
    "Tunable",
    "Unfloatable",
    "each_own",
    "facts_of",
    "formula_text",
    "measured_name",
    "meeting",
    "moved_points",
    "points_path",
    "points_sign",
    "touched",
]
