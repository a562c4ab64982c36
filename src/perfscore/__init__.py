"""perfscore: score Chinese budget performance self-evaluations (预算绩效自评) exactly.

Load a ruleset, score a unit's indicator data, read an itemized result::

    import perfscore

    ruleset = perfscore.load("rulesets/department-wide.toml")
    result = ruleset.score(perfscore.read_units("examples/liwan-2023.toml")[0].values)
    print(result.total, result.grade.name)
    for item in result.deductions:
        print(item.explanation)
"""

from .checks import lint, lint_text
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
    UnreadableFileError,
)
from .limits import Limits
from .loader import load, loads
from .result import BatchResult, LeafResult, NodeResult, ScoreResult, UnitError
from .ruleset import Indicator, Ruleset
from .units import Unit, read_units
from .version import __version__

__all__ = [
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
    "Unit",
    "UnitError",
    "UnreadableFileError",
    "__version__",
    "lint",
    "lint_text",
    "load",
    "loads",
    "read_units",
]


def __dir__() -> list[str]:
    return __all__
