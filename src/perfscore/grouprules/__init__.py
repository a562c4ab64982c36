"""Rules above the leaves: ceilings, floors, fixed adjustments, bonus items and vetoes on a group
of indicators or on the total.

:data:`RULE_KINDS` maps each ``kind = "…"`` name to its :class:`RuleKind`, one module per kind (two
for ``bounds``). The loader, the compiler, results, ``perfscore check``, ``perfscore diff`` and the
testing kit reach a kind only through this mapping and its hooks; ``docs/group-rules.md`` is the
page for rule authors.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ._base import TOTAL, GroupRule, RuleCode, RuleKind, RuleSite, RuleTunable, Step, check_places, points_words
from .adjust import ADJUST
from .bonus import BONUS
from .bounds import CEILING, FLOOR
from .veto import VETO

RULE_KINDS: Mapping[str, RuleKind] = MappingProxyType(
    {kind.name: kind for kind in sorted((FLOOR, CEILING, ADJUST, BONUS, VETO), key=lambda kind: kind.stage)}
)
"""The rule kinds by name, in the order they apply on a node."""

__all__ = [
    "ADJUST",
    "BONUS",
    "CEILING",
    "FLOOR",
    "RULE_KINDS",
    "TOTAL",
    "VETO",
    "GroupRule",
    "RuleCode",
    "RuleKind",
    "RuleSite",
    "RuleTunable",
    "Step",
    "check_places",
    "points_words",
]
