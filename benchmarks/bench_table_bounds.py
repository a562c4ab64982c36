"""What reading a table file at every bound at once costs: the figures behind docs/security.md.

Builds, in a temporary folder, files that sit just inside every default bound of
``perfscore.Limits`` at once (the compression ratio aside, which a real file this repetitive would
not reach), reads each with ``read_tables`` and reports the seconds taken (untraced) and the peak
memory allocated (``tracemalloc``, a second read):

- ``numbers``: a workbook whose sheet holds 5,000 × 100 numbers, each under one of 70,000 cell
  formats (a 4.5 MB style sheet), with 190,000 shared strings (4.9 MB);
- ``texts``: the same with 500,000 inline texts of 7 Chinese characters (a 29 MB sheet);
- ``csv``: a 14 MB CSV file of 5,000 rows of 100 fields, 4,950,000 characters of text.

    python benchmarks/bench_table_bounds.py [numbers] [texts] [csv]

The workbooks are written by hand (as ``tests/test_bombs.py`` writes its bombs), which is fast;
reading them is not: this takes a few minutes, most of it under tracemalloc. Each peak is also
given as a share of the memory bound docs/security.md states; the run fails if one is over it.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from perfscore.errors import PerfscoreError
from perfscore.limits import Limits
from perfscore.tables.read import read_tables
from test_bombs import DOC_RELS, MAIN, RELS, stored, workbook_parts, write_zip

LIMITS = Limits(max_compression_ratio=10**6)  # every other bound at its default
MEMORY_BOUND_MB = 200  # the bound docs/security.md §9 states for any table file read with the default Limits
HEADER = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in ("三级指标", "年度指标值", "分值", "得分"))


def workbook(path: Path, cell: Callable[[int, int], str]) -> Path:
    """A workbook at the bounds: 190,000 shared strings, 70,000 cell formats, and 5,000 rows of 100
    cells (a header row first) made by ``cell(row, column)``."""
    strings = "".join(f"<si><t>s{number:07d}xx</t></si>" for number in range(190_000))
    formats = '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0"/>' * 70_000
    styles = (
        f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        f'<cellXfs count="70000">{formats}</cellXfs></styleSheet>'
    )
    rows = [f'<row r="1">{HEADER}</row>'] + [
        f'<row r="{row}">' + "".join(cell(row, column) for column in range(100)) + "</row>" for row in range(2, 5001)
    ]
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>' + "".join(rows) + "</sheetData></worksheet>"
    links = (
        f'<Relationships xmlns="{RELS}">'
        f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{DOC_RELS}/styles" Target="styles.xml"/></Relationships>'
    )
    parts = workbook_parts(
        stored("xl/worksheets/sheet1.xml", sheet.encode()),
        strings=stored("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{strings}</sst>'.encode()),
        extra=[stored("xl/styles.xml", styles.encode())],
    )
    parts[3] = stored("xl/_rels/workbook.xml.rels", links.encode())
    return write_zip(path, parts)


def numbers(folder: Path) -> Path:
    return workbook(
        folder / "numbers.xlsx", lambda row, column: f'<c s="{(row * 100 + column) % 70_000}"><v>{row}.25</v></c>'
    )


def texts(folder: Path) -> Path:
    return workbook(folder / "texts.xlsx", lambda row, column: '<c t="inlineStr"><is><t>培训人次完成情</t></is></c>')


def csv(folder: Path) -> Path:
    path = folder / "table.csv"
    line = ",".join(["培训人次完成情况好"] * 100) + "\n"
    path.write_text("三级指标,年度指标值,分值,得分\n" + line * 4_998 + ",".join(["1"] * 100) + "\n", encoding="utf-8")
    return path


def measure(path: Path) -> tuple[float, float, str]:
    """Seconds (untraced), the traced peak in MB, and how the read ended."""

    def read() -> str:
        try:
            return f"{len(read_tables(path, limits=LIMITS))} tables"
        except PerfscoreError as error:
            return str(error).splitlines()[-1].rsplit(": ", 1)[-1][:60]

    start = time.perf_counter()
    outcome = read()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        read()
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    return seconds, peak, outcome


def main(names: list[str]) -> None:
    builders = {"numbers": numbers, "texts": texts, "csv": csv}
    over = False
    with tempfile.TemporaryDirectory() as folder:
        for name in names or list(builders):
            path = builders[name](Path(folder))
            seconds, peak, outcome = measure(path)
            print(
                f"{name:8} {path.stat().st_size:>12,} bytes  {seconds:6.1f} s  {peak:6.1f} MB"
                f" = {peak / MEMORY_BOUND_MB:.2f} of the stated bound  ({outcome})"
            )
            over = over or peak > MEMORY_BOUND_MB
    if over:
        sys.exit(f"over the {MEMORY_BOUND_MB} MB that docs/security.md states")


if __name__ == "__main__":
    main(sys.argv[1:])
