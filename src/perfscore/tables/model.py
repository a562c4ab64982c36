"""The self-evaluation table as data: what a filled 自评表 says, cell by cell, before any scoring.

Every value keeps the text it was written as and the cell it came from, so a finding can say
"row 12, column F" and quote what the unit wrote.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal


@dataclass(frozen=True)
class Cell:
    """Where a value was read: a file, a sheet (for workbooks), a 1-based row and a column letter."""

    source: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def render(self) -> str:
        parts = [self.source or "<table>"]
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"{self.column or ''}{self.row}")
        return "!".join(parts)


@dataclass(frozen=True)
class IndicatorRow:
    """One row of the indicator block (绩效指标): its levels, target, actual, points and self-score."""

    level1: str  # 一级指标, e.g. 产出指标
    level2: str  # 二级指标, e.g. 数量指标
    level3: str  # 三级指标, the indicator itself
    target: str  # 年度指标值 as written: 「≥50个」, 「=100%」, 「9月前」, 「效果明显」
    actual: str  # 实际完成值 as written
    points: Decimal | None  # 分值
    reported: Decimal | None = None  # 得分, the unit's own score
    note: str | None = None  # 偏差原因分析及改进措施
    cell: Cell = field(default_factory=Cell)  # the row's first cell; columns are named in findings
    columns: Mapping[str, str] = field(default_factory=dict, compare=False)  # field → its column letter (target: "D")

    def cell_of(self, name: str) -> Cell:
        """The cell of one field of the row (``D8`` for its target), or the row's first cell when the
        column is not known (a table built by hand, or read from TOML or JSON)."""
        column = self.columns.get(name)
        return self.cell if column is None or self.cell.row is None else replace(self.cell, column=column)


@dataclass(frozen=True)
class BudgetBlock:
    """The budget block (预算执行情况): amounts in the table's money unit, usually 万元."""

    initial: Decimal | None = None  # 年初预算数
    adjusted: Decimal | None = None  # 全年预算数
    executed: Decimal | None = None  # 全年执行数
    points: Decimal | None = None  # 分值
    reported_rate: Decimal | None = None  # 执行率 as written, in percentage points (99.49)
    reported: Decimal | None = None  # 得分
    cell: Cell = field(default_factory=Cell)


@dataclass(frozen=True)
class Table:
    """A whole self-evaluation table: who, what, the budget block, the indicator rows, the totals."""

    id: str
    title: str | None = None  # 项目名称 or 部门（单位）名称
    year: int | None = None
    budget: BudgetBlock | None = None
    rows: tuple[IndicatorRow, ...] = ()
    reported_total: Decimal | None = None  # 总分
    reported_grade: str | None = None  # 评价等级
    source: str | None = None
