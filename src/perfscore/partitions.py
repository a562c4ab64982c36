"""Scoring a partitioned DataFrame: each partition a pandas DataFrame of units, scored where it lies.

:func:`score_partition` scores one partition (:func:`perfscore.frames.score_frame`) and gives its
results as rows (:func:`perfscore.frames.to_frame`, every column of dtype ``object``: scores stay
exact :class:`~decimal.Decimal` values). It is what any engine maps over its partitions: a
``multiprocessing`` pool over chunks of a frame (``examples/python/partitioned_frames.py``), Dask,
or a Spark ``mapInPandas``.

:func:`score_dask` does it for a Dask DataFrame (``pip install 'perfscore[dask]'``): the ruleset
goes into the task graph once, as one object every partition's task depends on, so each worker
receives it once (with the ``processes`` scheduler, where each task carries its arguments, a worker
compiles it once all the same: a ruleset unpickled again in the same process is the one already
compiled). Bad rows are each their own error row (``error`` column), as in ``score_frame``; a
partition whose columns do not fit the ruleset raises its :class:`~perfscore.DataError` when the
result is computed. See ``docs/scale.md``.
"""

from __future__ import annotations

import importlib
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from .frames import score_frame, to_frame
from .result import BatchResult

if TYPE_CHECKING:
    import pandas as pd

    from .ruleset import Ruleset


def score_partition(
    partition: pd.DataFrame,
    ruleset: Ruleset,
    *,
    explanations: bool = False,
    lang: str = "zh",
    id_column: Hashable | None = None,
    name_column: Hashable | None = None,
) -> pd.DataFrame:
    """One partition's units scored: one row per unit (see :func:`perfscore.frames.to_frame`), every
    column of dtype ``object`` so that every partition's columns agree."""
    batch = score_frame(ruleset, partition, id_column=id_column, name_column=name_column)
    return to_frame(batch, explanations=explanations, lang=lang).astype(object)


def empty_result(ruleset: Ruleset, *, explanations: bool = False, lang: str = "zh") -> pd.DataFrame:
    """The result's columns with no rows (what Dask calls the result's ``meta``)."""
    return to_frame(BatchResult(ruleset, ()), explanations=explanations, lang=lang).astype(object)


def score_dask(
    frame: Any,
    ruleset: Ruleset,
    *,
    explanations: bool = False,
    lang: str = "zh",
    id_column: Hashable | None = None,
    name_column: Hashable | None = None,
) -> Any:
    """A Dask DataFrame of units (one a row, as :func:`perfscore.frames.score_frame` reads them) as a
    lazy Dask DataFrame of their results, partition by partition, the ruleset sent once."""
    dask = importlib.import_module("dask")
    shared = dask.delayed(ruleset, pure=True)  # one key in the graph: sent once, not with every partition
    return frame.map_partitions(
        score_partition,
        shared,
        explanations=explanations,
        lang=lang,
        id_column=id_column,
        name_column=name_column,
        meta=empty_result(ruleset, explanations=explanations, lang=lang),
        align_dataframes=False,
    )
