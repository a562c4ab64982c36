"""Scoring in worker processes: ``score_many(units, workers=N)``, ``iter_scores(…, workers=N)``.

The compiled ruleset is sent once to each worker (as the pool starts it: inherited where processes
are forked, pickled as its source and compiled once where they are spawned), never with each unit.
Units go to the workers in chunks of :data:`CHUNK`, at most ``2 × workers`` chunks in flight, so
memory stays bounded whatever the number of units; results come back in the units' order.

Workers also write every leaf's explanation in every language (the costly part of any report), so a
result arrives explained. A result travels compactly: its numbers and facts, with every object the ruleset itself holds (a
method's cases, a scale's tiers, a grade) sent as its number in :func:`shared` instead of by value,
and rebuilt in this process around this process's own ruleset, so unpickling never compiles
anything. A unit that fails in a worker is scored again here, so its error is the one scoring it
here gives.
"""

from __future__ import annotations

import io
import multiprocessing
import pickle
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from .errors import PerfscoreError
from .messages import LANGS
from .methods import MISSING
from .result import ScoreResult, UnitError
from .units import Unit

if TYPE_CHECKING:
    from .engine import Engine
    from .ruleset import Ruleset

CHUNK = 500  # units per task: large enough that a task's overhead is small, small enough to stream

_WORKER: dict[str, Any] = {}  # in a worker process: its ruleset and what it shares


def shared(ruleset: Ruleset) -> list[object]:
    """The objects of the ruleset a result may hold, in an order every process computes alike: each
    leaf's method's cases, then every scale's tiers, then the grades."""
    objects: list[object] = [MISSING]
    for leaf in ruleset.leaves:
        assert leaf.method is not None
        objects += leaf.method.cases
    for scale in ruleset.scales.values():
        objects += scale.tiers
    objects += ruleset.meta.grades
    return objects


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, numbers: dict[int, int]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.numbers = numbers

    def persistent_id(self, obj: Any) -> int | None:
        return self.numbers.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, objects: Sequence[object]) -> None:
        super().__init__(file)
        self.objects = objects

    def persistent_load(self, pid: Any) -> object:
        return self.objects[pid]


def _numbers(objects: Sequence[object]) -> dict[int, int]:
    numbers: dict[int, int] = {}
    for number, obj in enumerate(objects):
        numbers.setdefault(id(obj), number)
    return numbers


def _start(ruleset: Ruleset) -> None:
    """A worker's start: the ruleset it scores with (sent once) and the numbers of its shared objects."""
    _WORKER["ruleset"] = ruleset
    _WORKER["numbers"] = _numbers(shared(ruleset))
    _WORKER["grades"] = {id(grade): number for number, grade in enumerate(ruleset.meta.grades)}


def _score_chunk(chunk: list[tuple[str, dict[str, Any]]]) -> bytes:
    """Score a chunk of units (each its label and values): each result's parts, or None for a unit
    that failed (scored again by the caller, for its error)."""
    ruleset: Ruleset = _WORKER["ruleset"]
    grades: dict[int, int] = _WORKER["grades"]
    parts: list[tuple[Any, ...] | None] = []
    for label, values in chunk:
        try:
            result = ruleset.score(values, unit=label)
        except PerfscoreError:
            parts.append(None)
            continue
        said = [tuple(item.explain(lang) for lang in LANGS) for item in result.items]  # the costly part
        parts.append((*result.parts()[:-2], grades[id(result.grade)], result.fallbacks, said))
    buffer = io.BytesIO()
    _Pickler(buffer, _WORKER["numbers"]).dump(parts)
    return buffer.getvalue()


def outcomes(engine: Engine, units: Iterable[Unit], workers: int) -> Iterator[tuple[Unit, ScoreResult | UnitError]]:
    """Each unit with its result or its error, in order, scored by ``workers`` processes."""
    ruleset = engine.ruleset
    objects = shared(ruleset)
    grades = ruleset.meta.grades
    pending: deque[tuple[list[Unit], Future[bytes]]] = deque()

    def finish() -> Iterator[tuple[Unit, ScoreResult | UnitError]]:
        chunk, future = pending.popleft()
        parts = _Unpickler(io.BytesIO(future.result()), objects).load()
        for unit, part in zip(chunk, parts, strict=True):
            if part is None:
                yield unit, engine.outcome(unit)
            else:
                values, missing, raw, scores, facts, total, grade, fallbacks, said = part
                result = ScoreResult(
                    ruleset,
                    unit.source or unit.id,
                    values,
                    missing,
                    raw,
                    scores,
                    facts,
                    total,
                    grades[grade],
                    fallbacks,
                )
                result.said = said
                yield unit, result

    context = multiprocessing.get_context()
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(ruleset,)) as pool:
        chunk: list[Unit] = []
        for unit in units:
            chunk.append(unit)
            if len(chunk) == CHUNK:
                pending.append((chunk, pool.submit(_score_chunk, [(u.source or u.id, dict(u.values)) for u in chunk])))
                chunk = []
                if len(pending) >= 2 * workers:
                    yield from finish()
        if chunk:
            pending.append((chunk, pool.submit(_score_chunk, [(u.source or u.id, dict(u.values)) for u in chunk])))
        while pending:
            yield from finish()
