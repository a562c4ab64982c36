"""DataFrames in and out: score a pandas DataFrame of units, and have the results back as one.

Needs the ``pandas`` extra (``pip install 'perfscore[pandas]'``); ``import perfscore`` never
imports pandas, and this module imports it only when one of its functions is called.

- :func:`score_frame`: each row is a unit (its id from a column or the row's index label, its
  name from a column if there is one), each other column an input, matched by the input's name
  or by its Chinese ``label``. Cells are read by :func:`perfscore.reading.read_number` and the
  other readers, exactly, whatever the column's dtype; blanks (NaN, ``pd.NA``, ``NaT``, None)
  are missing values, for the ruleset's missing-data policy to decide.
- :func:`to_frame`: one row per unit (:meth:`perfscore.BatchResult.columns`), every score an
  exact :class:`~decimal.Decimal` in an ``object`` column, never a float.

See ``docs/dataframes.md``.
"""

from __future__ import annotations

import importlib
import numbers
from collections.abc import Hashable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from .errors import DataError, Location, OutputError, Problem, suggest
from .messages import words
from .reading import is_missing, normal_width
from .result import BatchResult
from .units import Unit

if TYPE_CHECKING:
    import pandas as pd

    from .ruleset import Ruleset

SOURCE = "DataFrame"  # what a frame's problems name as their file
EXTRA = ("refuse", "ignore")

WORDS = words(
    "frames",
    {
        "not_a_frame": ("应为 pandas DataFrame，实际是 {kind}", "expected a pandas DataFrame, got {kind}"),
        "no_id_column": ("DataFrame 中没有单位编号列 '{column}'", "the DataFrame has no id column '{column}'"),
        "no_name_column": ("DataFrame 中没有单位名称列 '{column}'", "the DataFrame has no name column '{column}'"),
        "no_id": ("第 {row} 行没有单位编号", "row {row} has no id"),
        "unknown_column": (
            "该列与任何输入的名称或标签都不对应",
            "the column is neither the name nor the label of an input",
        ),
        "unknown_label": ("该列与任何输入的标签都不对应", "the column is not the label of an input"),
        "shared_label": (
            "该列是多个输入（{names}）共用的标签，请改用其中一个输入的名称",
            "the column is the label of several inputs ({names}): name it by one of them",
        ),
        "pandas": (
            "DataFrame 需要 pandas，但未安装；请用以下命令安装：pip install 'perfscore[pandas]'",
            "DataFrames need pandas, which is not installed; install it with: pip install 'perfscore[pandas]'",
        ),
        "two_columns": (
            "列 '{first}' 与列 '{second}' 都对应输入 {name}",
            "the columns '{first}' and '{second}' both give the input {name}",
        ),
        "no_input_column": (
            "没有对应必填输入 {name}（{label}）的列",
            "no column gives the required input {name} ({label})",
        ),
    },
)


def _problem(path: tuple[str | int, ...], key: str, code: str, suggestion: str | None = None, **fields: Any) -> Problem:
    text = WORDS[key]
    return Problem(
        Location(SOURCE, path),
        text.en.format(**fields),
        suggestion,
        code=code,
        message_zh=text.zh.format(**fields),
    )


def _pandas() -> Any:
    """The pandas module, or an :class:`OutputError` that says how to install it."""
    try:
        return importlib.import_module("pandas")
    except ImportError:
        raise OutputError(WORDS["pandas"]) from None


# --- a DataFrame in -----------------------------------------------------------------------------


def score_frame(
    ruleset: Ruleset,
    frame: pd.DataFrame,
    *,
    id_column: Hashable | None = None,
    name_column: Hashable | None = None,
    extra: Literal["refuse", "ignore"] = "refuse",
    by_label: bool = False,
) -> BatchResult:
    """Score every row of ``frame`` as a unit: a :class:`~perfscore.BatchResult` in the rows' order,
    each unit with its id and name, a unit whose data is bad with its own error record.

    ``id_column`` holds the units' ids (default: each row's index label, as text); ``name_column``
    their names. Every other column gives an input: the one it names, or, failing that, the one
    input whose Chinese ``label`` it is (``预算数``); with ``by_label=True`` columns are matched by
    label only. Headers are compared with surrounding spaces and full-width forms folded. A column
    that gives no input is refused (``extra="refuse"``) or left out (``extra="ignore"``).

    Raises :class:`~perfscore.DataError`, before any unit is scored, when the columns do not fit
    the ruleset (every problem listed, each naming its column): unknown or shared columns, a
    required input no column gives, an id column or name column that is not there, a row with no id.
    """
    pandas = _pandas()
    if not isinstance(frame, pandas.DataFrame):
        raise DataError([_problem((), "not_a_frame", "not-a-unit", kind=type(frame).__name__)], SOURCE)
    if extra not in EXTRA:
        raise ValueError(f"extra must be one of {', '.join(EXTRA)}, not {extra!r}")
    headers = list(frame.columns)
    problems: list[Problem] = []
    id_at = _position(headers, id_column, "no_id_column", problems)
    name_at = _position(headers, name_column, "no_name_column", problems)
    given = _match_columns(
        ruleset,
        headers,
        {at for at in (id_at, name_at) if at is not None},
        extra=extra,
        by_label=by_label,
        problems=problems,
    )
    ids = _ids(frame, id_at, problems)
    if problems:
        raise DataError(problems, SOURCE)
    names: list[str | None] = [None] * len(ids)
    if name_at is not None:
        names = [_name(value) for value in _cells(frame.iloc[:, name_at])]
    inputs = list(given)
    columns = [_cells(frame.iloc[:, at]) for at in given.values()]
    units = [
        Unit(unit_id, name, dict(zip(inputs, row, strict=True)))
        for unit_id, name, row in zip(
            ids, names, zip(*columns, strict=True) if columns else [()] * len(ids), strict=True
        )
    ]
    return ruleset.score_many(units)


def _match_columns(
    ruleset: Ruleset,
    headers: Sequence[Hashable],
    skip: set[int] | frozenset[int] = frozenset(),
    *,
    extra: str = "refuse",
    by_label: bool = False,
    problems: list[Problem] | None = None,
) -> dict[str, int]:
    """Which column (by position) gives each input, by the rules of :func:`score_frame`; columns at
    the positions in ``skip`` (the id and name columns) give none. Problems are added to
    ``problems`` (a DataError is raised when none is given and some are found)."""
    found: list[Problem] = [] if problems is None else problems
    before = len(found)
    labels: dict[str, list[str]] = {}  # a label (as compared) → the inputs it labels
    for input_name, spec in ruleset.inputs.items():
        labels.setdefault(_header(spec.label), []).append(input_name)
    given: dict[str, int] = {}
    for at, header in enumerate(headers):
        if at in skip:
            continue
        text, shown = _header(header), str(header)
        labelled = labels.get(text, [])
        if not by_label and text in ruleset.inputs:
            name: str | None = text
        elif len(labelled) > 1:
            found.append(_problem((shown,), "shared_label", "unknown-input", names=", ".join(labelled)))
            continue
        else:
            name = labelled[0] if labelled else None
        if name is None:
            if extra == "refuse":
                known = list(labels) if by_label else [*ruleset.inputs, *labels]
                key = "unknown_label" if by_label else "unknown_column"
                found.append(_problem((shown,), key, "unknown-input", suggest(text, known)))
            continue
        if name in given:
            first = str(headers[given[name]])
            found.append(_problem((shown,), "two_columns", "duplicate-name", first=first, second=shown, name=name))
            continue
        given[name] = at
    for check in ruleset.checks:
        if check.required and check.name not in given:
            found.append(
                _problem((check.name,), "no_input_column", "missing-input", name=check.name, label=check.spec.label)
            )
    if problems is None and len(found) > before:
        raise DataError(found, SOURCE)
    return given


def _header(header: Hashable) -> str:
    """A column header as compared with inputs' names and labels: spaces around it and full-width forms folded."""
    return normal_width(str(header)).strip()


def _position(headers: list[Hashable], column: Hashable | None, missing: str, problems: list[Problem]) -> int | None:
    """Where the column ``column`` is (the first of that name), None when not asked for; a problem when absent."""
    if column is None:
        return None
    for at, header in enumerate(headers):
        if header == column:
            return at
    problems.append(_problem((str(column),), missing, "not-a-unit", column=column))
    return None


def _cells(series: pd.Series) -> list[Any]:
    """A column's cells as the readers take them. Floats narrower or wider than 64 bits (float32,
    float16, longdouble, ``Float32``) stay numpy scalars, so each is read at its own precision
    (a float32 0.1 is 0.1); everything else as Python values (float64 as float, ints as int,
    ``pd.NA`` and ``NaT`` as themselves), which the readers take fastest."""
    dtype = series.dtype
    if getattr(dtype, "kind", None) == "f" and getattr(dtype, "itemsize", 8) != 8:
        return list(series.array)
    cells: list[Any] = series.tolist()
    return cells


def _ids(frame: pd.DataFrame, at: int | None, problems: list[Problem]) -> list[str]:
    """Each row's id as text: from the id column, or the row's index label; a problem for a row with none."""
    labels = list(frame.index) if at is None else _cells(frame.iloc[:, at])
    ids = []
    for row, label in enumerate(labels):
        if is_missing(label):
            path: tuple[str | int, ...] = ("(index)" if at is None else str(frame.columns[at]), row)
            problems.append(_problem(path, "no_id", "not-a-unit", row=row + 1))
            ids.append("")
        else:
            ids.append(_text(label))
    return ids


def _name(value: Any) -> str | None:
    return None if is_missing(value) else _text(value)


def _text(value: Any) -> str:
    """An id or name cell as text: a whole number without its ``.0`` (an int column with a blank
    becomes float), a Decimal written out in full."""
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# --- results out ----------------------------------------------------------------------------------


def to_frame(batch: BatchResult, *, explanations: bool = False, lang: str = "zh") -> pd.DataFrame:
    """The batch as a DataFrame, one row per unit in order, with the columns of
    :meth:`~perfscore.BatchResult.columns`: ``id``, ``name``, ``total``, ``grade`` (in ``lang``),
    ``error`` (the message, for a unit that failed), then each indicator's score or subtotal
    (``<id>``), each leaf's lost points (``<id>:lost``) and, with ``explanations=True``, its
    explanation in ``lang`` (``<id>:explanation``).

    Scores are exact: each number column has dtype ``object`` and holds
    :class:`~decimal.Decimal` values as the engine computed them (``49.75``, never the float
    ``49.74999…``), and None for a unit that failed."""
    pandas = _pandas()
    columns = batch.columns(explanations=explanations)
    rows = batch.rows(explanations=explanations, lang=lang)
    numeric = {"total"}
    for node in batch.ruleset.indicators():
        numeric.update((node.id, f"{node.id}:lost") if node.is_leaf else (node.id,))
    data = {
        name: pandas.Series([row[name] for row in rows], dtype=object if name in numeric else None) for name in columns
    }
    return pandas.DataFrame(data, columns=columns)
