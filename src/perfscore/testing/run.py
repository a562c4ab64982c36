"""Running the properties: hypothesis draws each example, seeded, and shrinks the first failure of each property."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from ..errors import suggest
from ..loader import load
from ..ruleset import Ruleset
from ._build import Chooser
from .properties import Case, Checker, Profile, Stats
from .report import PROPERTIES, ConsistencyError, PropertyFailure, PropertyReport, Undetermined
from .solve import REASONS

DrawFn = Callable[[st.SearchStrategy[Any]], Any]


def check_properties(
    ruleset: Ruleset | str | os.PathLike[str],
    examples: int = 200,
    seed: int = 0,
    *,
    properties: Iterable[str] | None = None,
) -> PropertyReport:
    """Check a ruleset's properties on ``examples`` units of random valid data (hypothesis, seeded).

    ``ruleset`` is a compiled ruleset or the path of one. ``properties`` picks some of
    :data:`PROPERTIES` (all by default). The same ruleset, examples and seed give the same report.
    """
    ruleset = ruleset if isinstance(ruleset, Ruleset) else load(os.fspath(ruleset))
    chosen = list(PROPERTIES) if properties is None else list(properties)
    for name in chosen:
        if name not in PROPERTIES:
            hint = suggest(name, PROPERTIES)
            raise ValueError(f"unknown property {name!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
    if examples < 1:
        raise ValueError(f"examples must be at least 1, not {examples}")
    profile = Profile(ruleset)
    stats = Stats()
    active = [name for name in PROPERTIES if name in chosen]
    failures: list[PropertyFailure] = []
    run, unscored = 0, 0
    while active:  # one run per failure: the failing property is shrunk, then left out of the next run
        failure, count, missed = _run(profile, active, examples, seed, stats)
        if count > run:
            run, unscored = count, missed
        if failure is None:
            break
        failures.append(failure)
        active.remove(failure.property)
    if "monotone" in active and stats.falls_across:
        # Two values drawn at random seldom fall either side of a dip between two band edges, but a
        # walk across all of an input's stops found one: a run of such walks shrinks it.
        failure, _, _ = _run(profile, ["monotone"], examples, seed, Stats(), across=True)
        if failure is not None:
            failures.append(failure)
    undetermined: list[Undetermined] = []
    full_run = "full-marks" in chosen and "full-marks" not in {failure.property for failure in failures}
    for index, leaf in enumerate(ruleset.leaves):
        if "full-marks" in chosen and index in profile.solver.unsupported:
            reason = profile.solver.unsupported[index]
        elif full_run and index not in stats.constructed:  # a run that stopped at a failure saw too little to say
            reason = stats.missed.get(index, REASONS["unreached"])
        else:
            continue
        undetermined.append(Undetermined(leaf.id, leaf.name, reason.zh, reason.en))
    order = list(PROPERTIES)
    monotone = "monotone" in chosen
    return PropertyReport(
        ruleset=ruleset.id,
        version=ruleset.version,
        examples=run,
        seed=seed,
        properties=tuple(name for name in PROPERTIES if name in chosen),
        failures=tuple(sorted(failures, key=lambda failure: order.index(failure.property))),
        undetermined=tuple(undetermined),
        directions=dict(profile.directions) if monotone else {},
        conflicts=tuple(profile.conflicts) if monotone else (),
        scoring_error=stats.scoring_error,
        unscored=unscored,
        data_error=stats.data_error,
    )


def assert_consistent(
    ruleset: Ruleset | str | os.PathLike[str],
    examples: int = 200,
    seed: int = 0,
    *,
    properties: Iterable[str] | None = None,
    lang: str | None = None,
) -> PropertyReport:
    """Check a ruleset's properties (see :func:`check_properties`); raise ConsistencyError if any fails,
    its report in ``lang`` (None: ``PERFSCORE_LANG``, else Chinese; see :mod:`perfscore.messages`)."""
    report = check_properties(ruleset, examples, seed, properties=properties)
    if not report.ok:
        raise ConsistencyError(report, lang)
    return report


class _Violation(Exception):
    def __init__(self, failure: PropertyFailure) -> None:
        super().__init__(failure.property)
        self.failure = failure


def _run(
    profile: Profile, active: Sequence[str], examples: int, seed: int, stats: Stats, across: bool = False
) -> tuple[PropertyFailure | None, int, int]:
    """One hypothesis run over the active properties: the first failure found (shrunk), the examples run
    and how many of them met a ScoringError. ``across``: monotone walks from one end of an input's
    stops to the other, whichever two values it draws."""
    checker = Checker(profile, active, stats)
    state: dict[str, Any] = {"target": None, "count": 0, "unscored": 0}

    @hypothesis_seed(seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        phases=(Phase.generate, Phase.shrink),
        report_multiple_bugs=False,
        print_blob=False,
    )
    @given(_cases(profile, frozenset(active), stats, across))
    def run(case: Case) -> None:
        found = checker.violations(case)
        if state["target"] is None:  # examples before a failure, not the shrinker's attempts
            state["count"] += 1
            state["unscored"] += checker.unscored
        if state["target"] is None and found:
            state["target"] = next(name for name in active if name in found)  # shrink this failure only
        if state["target"] in found:
            raise _Violation(found[state["target"]])

    try:
        with _only_the_seed():
            run()
    except _Violation as violation:
        return violation.failure, state["count"], state["unscored"]
    return None, state["count"], state["unscored"]


@st.composite
def _cases(draw: DrawFn, profile: Profile, active: frozenset[str], stats: Stats, across: bool) -> Case:
    inputs = profile.inputs
    unit = draw(inputs.data)
    case = Case(unit)
    if "key-order" in active and len(unit) > 1:  # the keys reversed, then turned round by a drawn amount
        turn = draw(st.integers(0, len(unit) - 1))
        keys = list(reversed(unit))
        case.order = keys[turn:] + keys[:turn]
    if "own-errors" in active:  # the unit with a few values that break their rules, a key left out or added
        odd = dict(unit)
        for name in draw(st.lists(st.sampled_from(list(inputs.odd)), max_size=3, unique=True)) if inputs.odd else []:
            odd[name] = draw(inputs.odd[name])
        change = draw(st.sampled_from(["none", "leave-out", "add"]))
        if change == "leave-out" and odd:
            del odd[draw(st.sampled_from(list(odd)))]
        elif change == "add":
            odd["not_declared"] = draw(st.integers())
        case.arbitrary = odd
    if "monotone" in active and profile.directions:  # two values of one input, the worse first
        name = draw(st.sampled_from(list(profile.directions)))
        strategy = inputs.values[name].strategy
        low, high = sorted([draw(strategy), draw(strategy)])
        probe = (name, low, high) if profile.directions[name][0] == "higher" else (name, high, low)
        if across:
            probe = profile.across(probe)
        if probe[1] != probe[2]:
            case.probe = probe
    if "full-marks" in active and profile.solver.steps:
        spread = draw(st.integers(0, 2**32 - 1))
        case.best, case.verifies = profile.solver.full_marks_unit(unit, Chooser(spread, inputs), stats.missed)
    return case


@contextlib.contextmanager
def _only_the_seed() -> Iterator[None]:
    """Hypothesis mixes into its draws literals harvested from the local modules the process has
    imported, so a seeded run would also depend on what else was imported (a test suite, the CLI).
    While the kit runs, that pool is empty: a report depends on the ruleset, examples and seed only.
    (Global state: runs of hypothesis in other threads meanwhile draw without local literals too.)"""
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants

        original = providers._get_local_constants
        empty = Constants()
        cache = providers.CONSTANTS_CACHE.cache
    except (ImportError, AttributeError):  # pragma: no cover - a hypothesis without that pool
        yield
        return
    cache.clear()  # allowed values worked out with the local literals
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original
        cache.clear()
