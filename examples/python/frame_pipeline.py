"""A pandas pipeline: units in a DataFrame, scored exactly, results back as a DataFrame.

Needs ``pip install 'perfscore[pandas]'``. The frame below could as well come from
``pandas.read_excel`` or a database query: every number type pandas holds is read exactly, and a
blank (NaN, ``pd.NA``) is missing data under the ruleset's own policy.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

import perfscore
from perfscore.frames import score_frame


def pipeline(units: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score each row of ``units`` under the shipped project template: every unit's scores, and the
    failed units with their problems (one bad row never stops the others)."""
    ruleset = perfscore.load("project-mof-2020")
    batch = score_frame(ruleset, units, id_column="项目编号", name_column="项目名称")
    scores = batch.to_frame()
    failed = pd.DataFrame(
        [{"id": error.unit, "problems": [p["message"]["en"] for p in error.to_dict()["problems"]]} for error in batch.errors]
    )
    return scores, failed


def example() -> pd.DataFrame:
    """Three projects' values for the template, as a spreadsheet export would give them."""
    template = perfscore.read_units("examples/project-template-data.toml")[0].values
    rows = [dict(template) for _ in range(3)]
    rows[1]["executed"] = float(template["budget"]) * 0.99745  # a float column, read by its shortest text
    rows[2]["executed"] = "九十"  # a typing mistake: that row fails, the others are scored
    frame = pd.DataFrame(rows)
    frame.insert(0, "项目编号", ["P-001", "P-002", "P-003"])
    frame.insert(1, "项目名称", ["社区法律服务", "基层治理培训", "综治中心建设"])
    return frame


if __name__ == "__main__":
    scores, failed = pipeline(example())
    print(scores[["id", "name", "total", "grade"]])
    print(failed)
    assert all(isinstance(total, Decimal) for total in scores["total"].dropna())
