"""A DataFrame too large for one core, scored on every core with plain multiprocessing.

Needs ``pip install 'perfscore[pandas]'``. The compiled ruleset is sent to each worker process once,
as the pool starts it (``initializer``), never with each chunk; each chunk of rows is scored by
:func:`perfscore.partitions.score_partition` and the results come back in order. A Dask DataFrame
does the same with :func:`perfscore.partitions.score_dask` (``docs/scale.md``).
"""

from __future__ import annotations

from multiprocessing import Pool

import pandas as pd

import perfscore
from perfscore.partitions import score_partition

_RULESET: list[perfscore.Ruleset] = []  # in a worker process: the ruleset it was started with


def _start(ruleset: perfscore.Ruleset) -> None:
    _RULESET.append(ruleset)


def _score(chunk: pd.DataFrame) -> pd.DataFrame:
    return score_partition(chunk, _RULESET[0], id_column="id")


def score_in_parallel(frame: pd.DataFrame, ruleset: perfscore.Ruleset, workers: int = 2, chunks: int = 8) -> pd.DataFrame:
    """Every row of ``frame`` (an ``id`` column, then one column per input) scored by ``workers``
    processes, ``chunks`` pieces of the frame in all: one row of results per unit, in order."""
    size = max(1, -(-len(frame) // chunks))
    pieces = [frame.iloc[start : start + size] for start in range(0, len(frame), size)]
    with Pool(workers, initializer=_start, initargs=(ruleset,)) as pool:
        return pd.concat(pool.map(_score, pieces), ignore_index=True)


if __name__ == "__main__":
    template = perfscore.read_units("examples/project-template-data.toml")[0].values
    units = pd.DataFrame([dict(template) for _ in range(1000)])
    units.insert(0, "id", [f"P-{number:04d}" for number in range(1000)])
    scores = score_in_parallel(units, perfscore.load("project-mof-2020"))
    print(scores[["id", "total", "grade"]].head())
