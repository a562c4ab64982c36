"""Property testing for ruleset authors: random valid data for a ruleset, and checks that its rules hold.

A finance bureau that writes its own rulesets can check them the way perfscore checks itself::

    from perfscore.testing import assert_consistent

    assert_consistent("rulesets/our-project-2024.toml")  # raises ConsistencyError with a report

:func:`check_properties` runs hypothesis over valid data for the ruleset (:func:`data_for`) and
checks the properties in :data:`PROPERTIES`: every indicator stays within its points, subtotals
add up, a unit at or beyond every target gets full marks, improving an input never lowers a
score, scoring is deterministic and raises only perfscore's own errors. Each failure comes back
with the smallest data hypothesis found and a sentence in Chinese and English saying what went
wrong. :func:`rulesets` draws random valid rulesets, for testing perfscore itself.

Needs hypothesis (``pip install 'perfscore[testing]'``). Every number drawn is an integer scaled
by a power of ten: never a float.

==================  ==========================================================================
``numbers``         exact decimals (:func:`decimals`)
``data``            valid and arbitrary data for a ruleset (:func:`data_for`)
``solve``           a unit at or beyond every target (from each method's ``full_marks``)
``rulesets``        random valid rulesets (each method draws its own leaves: ``example``)
``properties``      the checks on one example, and how each failure is worded
``run``             hypothesis runs: :func:`check_properties`, :func:`assert_consistent`
``report``          :class:`PropertyFailure`, :class:`PropertyReport` and their rendering
==================  ==========================================================================
"""

try:
    import hypothesis  # noqa: F401 - the kit is built on it: say so before anything else fails
except ImportError as error:  # pragma: no cover - only without the extra installed
    raise ImportError("perfscore.testing needs hypothesis: pip install 'perfscore[testing]'") from error

from .data import arbitrary_data_for, data_for
from .numbers import decimals
from .report import PROPERTIES, ConsistencyError, PropertyFailure, PropertyReport, Undetermined
from .rulesets import rulesets, rulesets_with_data
from .run import assert_consistent, check_properties

__all__ = [
    "PROPERTIES",
    "ConsistencyError",
    "PropertyFailure",
    "PropertyReport",
    "Undetermined",
    "arbitrary_data_for",
    "assert_consistent",
    "check_properties",
    "data_for",
    "decimals",
    "rulesets",
    "rulesets_with_data",
]
