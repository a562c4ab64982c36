"""Scoring in worker processes: ``score_many(units, workers=N)``, ``iter_scores(…, workers=N)``,
``perfscore score --jobs N``.

What costs time in a report is not scoring a unit (tens of microseconds) but explaining it and
rendering its report (hundreds). So the workers do that part: each receives the compiled ruleset
once (as the pool starts it: inherited where processes are forked, pickled as its source and
compiled once where they are spawned), then chunks of units, and sends back for each unit only
text: every leaf's explanation in every language, or the unit's rendered report. This process
scores each unit again itself (exactly as the worker did: the same ruleset, the same values) and
attaches that text, so no result, Decimal or ruleset object is ever sent back, and nothing is
compiled on arrival. A unit that fails is failed here too, with its own error.

Units go out in chunks of :data:`CHUNK`, at most ``2 × workers`` chunks in flight, so memory stays
bounded whatever the number of units; results come back in the units' order.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from .errors import PerfscoreError
from .messages import LANGS
from .result import ScoreResult, UnitError
from .units import Unit
from .wording import phrasing

if TYPE_CHECKING:
    from .engine import Engine
    from .ruleset import Ruleset

CHUNK = 500  # units per task: large enough that a task's overhead is small, small enough to stream

Render = Callable[[ScoreResult], str]  # a unit's report, made in a worker (a module-level function: it is pickled)

_WORKER: dict[str, Any] = {}  # in a worker process: its ruleset and what it renders


def _start(ruleset: Ruleset, render: Render | None) -> None:
    """A worker's start: the ruleset it scores with (sent once) and what it makes of each result."""
    _WORKER["ruleset"] = ruleset
    _WORKER["render"] = render


def explained(result: ScoreResult) -> tuple[tuple[str, ...], ...]:
    """Every leaf's explanation in every language (:data:`~perfscore.messages.LANGS`), made by the
    ruleset's phrasings directly (the result is not kept: nothing to remember on its leaves)."""
    phrasings = [phrasing(result.ruleset, lang) for lang in LANGS]
    return tuple(tuple([words.explain(item, item.recorded[0]) for words in phrasings]) for item in result.items)


def _work(chunk: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    """For each unit of the chunk (its label and values): its explanations or its rendered report;
    None for a unit that failed."""
    ruleset: Ruleset = _WORKER["ruleset"]
    render: Render | None = _WORKER["render"]
    made: list[Any] = []
    for label, values in chunk:
        try:
            result = ruleset.score(values, unit=label)
        except PerfscoreError:
            made.append(None)
            continue
        made.append(explained(result) if render is None else render(result))
    return made


def outcomes(
    engine: Engine, units: Iterable[Unit], workers: int, render: Render | None = None
) -> Iterator[tuple[Unit, ScoreResult | UnitError, Any]]:
    """Each unit, its result (or its error) scored here, and what a worker made of it: its
    explanations (the result's :attr:`~perfscore.ScoreResult.said`, set) or, with ``render``, its
    report (None for a unit that failed)."""
    pending: deque[tuple[list[Unit], Future[list[Any]]]] = deque()

    def finish() -> Iterator[tuple[Unit, ScoreResult | UnitError, Any]]:
        chunk, future = pending.popleft()
        for unit, made in zip(chunk, future.result(), strict=True):
            outcome = engine.outcome(unit)
            if isinstance(outcome, ScoreResult) and made is not None and render is None:
                outcome.said = made
            yield unit, outcome, made

    def send(chunk: list[Unit]) -> None:
        pending.append((chunk, pool.submit(_work, [(u.source or u.id, dict(u.values)) for u in chunk])))

    context = multiprocessing.get_context()
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start, initargs=(engine.ruleset, render)
    ) as pool:
        chunk: list[Unit] = []
        for unit in units:
            chunk.append(unit)
            if len(chunk) == CHUNK:
                send(chunk)
                chunk = []
                if len(pending) >= 2 * workers:
                    yield from finish()
        if chunk:
            send(chunk)
        while pending:
            yield from finish()
