"""Our rulesets keep their promises: perfscore's testing kit checks each one on every test run."""

from pathlib import Path

import pytest

from perfscore.testing import assert_consistent

RULESETS = sorted((Path(__file__).parent.parent / "rulesets").glob("*.toml"))


def test_rulesets_are_found() -> None:
    """The folder holds rulesets (an empty folder would check nothing and pass)."""
    assert RULESETS


@pytest.mark.parametrize("path", RULESETS, ids=lambda path: path.name)
def test_ruleset_is_consistent(path: Path) -> None:
    """Every indicator stays within its points, totals add up, meeting every target gives full marks,
    and improving an input never costs points: checked on 200 units of random valid data."""
    assert_consistent(path, examples=200, seed=0)
