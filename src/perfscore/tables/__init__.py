"""Self-evaluation tables (自评表): read them, score them under a ruleset, audit them.

A table is what units actually exchange: rows of 一级/二级/三级指标 with the target and the actual
written as text (「≥50个」, 「96.8%」, 「效果明显」), the points and the unit's own score, plus the
budget block. :mod:`.targets` reads those texts, :mod:`.read` reads tables from files,
:mod:`.score` builds the table's own ruleset under a bureau's policy and scores it, and
:mod:`.audit` compares the unit's scores with the recomputed ones.
"""

from .model import BudgetBlock, Cell, IndicatorRow, Table

__all__ = ["BudgetBlock", "Cell", "IndicatorRow", "Table"]
