"""perfscore: score Chinese budget performance self-evaluations (预算绩效自评) exactly.

Load a ruleset, score a unit's indicator data, read an itemized result::

    import perfscore

    ruleset = perfscore.load("department-wide")  # a shipped ruleset by id, or a path to a .toml file
    result = ruleset.score(perfscore.read_units("examples/liwan-2023.toml")[0].values)
    print(result.total, result.grade.name)
    for item in result.deductions:
        print(item.explanation)
"""

from typing import TYPE_CHECKING, Any

from .errors import (
    DataError,
    Diagnostic,
    InternalError,
    Location,
    OutputError,
    PerfscoreError,
    Problem,
    RulesetError,
    ScoringError,
    TuningError,
    UnreadableFileError,
)
from .limits import Limits
from .loader import load, loads, loads_dict
from .result import Adjustment, BatchResult, LeafResult, NodeResult, ScoreResult, UnitError
from .ruleset import Indicator, Ruleset
from .shipped import ShippedRuleset, shipped
from .toml import dumps_toml
from .units import Unit, read_units

if TYPE_CHECKING:
    from .checks import lint, lint_text
    from .reach import what_it_takes
    from .signals import find_signals
    from .tuning import sensitivity
    from .version import __version__

# Imported the first time they are asked for: the static checks, the signals, the tuning analyses
# and the version (it reads the package metadata, importlib.metadata): scoring needs none of them.
_LAZY = {
    "lint": "checks",
    "lint_text": "checks",
    "find_signals": "signals",
    "sensitivity": "tuning",
    "what_it_takes": "reach",
    "__version__": "version",
}


def __getattr__(name: str) -> Any:
    """``perfscore.lint``, ``perfscore.lint_text``, ``perfscore.find_signals``, ``perfscore.sensitivity``,
    ``perfscore.what_it_takes`` and ``perfscore.__version__``, imported the first time they are asked
    for, so that ``import perfscore`` (and ``perfscore score``) does not import the checks, the
    signals or the tuning analyses, nor read the package metadata."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'perfscore' has no attribute {name!r}")


__all__ = [
    "Adjustment",
    "BatchResult",
    "DataError",
    "Diagnostic",
    "Indicator",
    "InternalError",
    "LeafResult",
    "Limits",
    "Location",
    "NodeResult",
    "OutputError",
    "PerfscoreError",
    "Problem",
    "Ruleset",
    "RulesetError",
    "ScoreResult",
    "ScoringError",
    "ShippedRuleset",
    "TuningError",
    "Unit",
    "UnitError",
    "UnreadableFileError",
    "__version__",
    "dumps_toml",
    "find_signals",
    "lint",
    "lint_text",
    "load",
    "loads",
    "loads_dict",
    "read_units",
    "sensitivity",
    "shipped",
    "what_it_takes",
]


def __dir__() -> list[str]:
    return __all__
