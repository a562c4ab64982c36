"""Generated code: the ruleset's scoring pass (with its quick data check) and each leaf's reference function.

Each method states its arithmetic once, as lines written through :class:`~perfscore.methods.Code`
(see ``perfscore.methods``). This module writes those lines twice:

- into the **scoring pass**: plain functions over the whole ruleset — derived values, every
  leaf's method with its formulas inlined (:func:`perfscore.expressions.source`), each leaf's
  rounding — that return every leaf's score *and* its facts in one pass. The common case (every
  value given) is one function that also checks and converts the values (:func:`build_quick`);
  values already checked, perhaps with some left out, go through :func:`build_pass`. Large
  rulesets are cut into functions of :data:`CHUNK` leaves (and of :data:`CHUNK` inputs checked),
  so no function or expression grows with the ruleset;
- into one **reference function** per leaf, the same method lines with each formula evaluated
  by its closures, which say where inside the formula a failure is. The engine runs them to
  locate a failure of the pass, and the tests use them as an oracle.

Generated source is made only of perfscore's own tokens: names from a ruleset are identifiers
already checked against ``[A-Za-z_][A-Za-z0-9_]*`` and prefixed ``v_``; every constant (numbers,
text, functions, cases) is bound by reference under a generated name; the functions run with no
builtins. No text from a ruleset is ever compiled. Each function keeps its source in ``__doc__``.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from types import CodeType
from typing import TYPE_CHECKING, Any

from .errors import Location, Problem, ScoringError
from .exact import CONTEXT, ONE, TWO, ZERO, rounded, unsigned
from .expressions import Expression, source
from .inputs import NUMERIC, InputCheck, Rated
from .messages import Text
from .methods import MISSING, Case, Num, Unfloatable
from .methods._base import ULP
from .reading import Unreadable

if TYPE_CHECKING:
    from .grouprules import GroupRule
    from .model import Tier
    from .ruleset import Derived, Indicator

CHUNK = 200  # leaves (or inputs checked) per generated function: compile time stays linear, no function is huge
Facts = tuple[Any, ...]
Pass = Callable[[dict[str, Any], frozenset[str], list[str]], tuple[list[Decimal], list[Decimal], list[Facts], Decimal]]
LeafFunction = Callable[[dict[str, Any]], tuple[Decimal, Facts]]
Quick = Callable[
    [dict[str, Any], list[str]],
    "tuple[dict[str, Any] | tuple[Any, ...], list[Decimal], list[Decimal], list[Facts], Decimal] | None",
]


class _Emitter:
    """Collects generated lines and the objects they refer to by generated names (the methods'
    :class:`~perfscore.methods.Code`)."""

    def __init__(self, inline: bool) -> None:
        self.inline = inline  # formulas as inlined source (the pass), or through their closures
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {"__builtins__": {}, "ZERO": ZERO, "ONE": ONE, "TWO": TWO, "min": min,
                                          "max": max, "abs": abs, "ZeroDivisionError": ZeroDivisionError}  # fmt: skip
        self._names: dict[int, str] = {}
        self._kept: list[Any] = []  # keep referenced objects alive so id() stays unique
        self.depth = 1
        self.leaf: Indicator | None = None
        self.outputs = ("s", "f")
        self.rounded: str | None = None  # where result() also puts the leaf's rounded score, if it does
        self.rounding: Rounding | None = None

    # --- the Code protocol ---------------------------------------------------------------

    def const(self, value: object) -> str:
        key = id(value)
        if key not in self._names:
            name = f"_k{len(self._names)}"
            self._names[key] = name
            self.namespace[name] = value
            self._kept.append(value)
        return self._names[key]

    def value(self, formula: Expression | Decimal) -> str:
        if isinstance(formula, Decimal):
            return self.const(formula)
        if self.inline:
            return source(formula.tree, self.const, lambda name: f"v_{name}")
        return f"{self.const(formula.run)}(env)"

    def read(self, name: str) -> str:
        return f"v_{name}" if self.inline else f"env[{self.const(name)}]"

    def line(self, text: str, depth: int | None = None) -> None:
        self.lines.append("    " * (self.depth if depth is None else depth) + text)

    @contextmanager
    def block(self, header: str) -> Iterator[None]:
        self.line(header)
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def result(self, score: str, case: Case, *facts: str) -> None:
        if len(facts) != len(case.fields):
            raise TypeError(f"{case!r} records {case.fields}, but {len(facts)} values were given")
        score_name, facts_name = self.outputs
        recorded = f"({', '.join([self.const(case), *facts])},)"
        constant = ZERO if score == "ZERO" else self._constant(score)
        if isinstance(constant, Decimal) and unsigned(constant) is not constant:  # a fixed -0 is 0
            constant = unsigned(constant)
            score = self.const(constant)
        rounding = self.rounding
        if self.rounded is not None and rounding is not None and isinstance(constant, Decimal):
            shown = self.const(rounded(constant, rounding.quantum, rounding.mode))  # rounded once, here
            self.line(f"{score_name}, {facts_name}, {self.rounded} = {score}, {recorded}, {shown}")
            return
        self.line(f"{score_name}, {facts_name} = {score}, {recorded}")
        if not isinstance(constant, Decimal):  # a computed score: 0 * -1 scores 0, never -0
            self.line(f"if not {score_name}: {score_name} = abs({score_name})")
        if self.rounded is not None and rounding is not None:
            self.line(
                f"{self.rounded} = {score_name}.quantize({self.const(rounding.quantum)}, {self.const(rounding.mode)})"
            )

    def _constant(self, source: str) -> object:
        """The value a generated name stands for, when ``source`` is one bound by :meth:`const`."""
        return self.namespace.get(source) if source.startswith("_k") and source[2:].isdigit() else None

    def fail(self, code: str, message: Callable[..., str | Text], *args: str) -> str:
        assert self.leaf is not None
        return f"{self.const(_stop(self.leaf.location, code, message))}({', '.join(args)})"

    # --- building ------------------------------------------------------------------------

    def compile(self, name: str) -> Any:
        """Compile the lines as the function ``name`` and return it."""
        text = "\n".join(self.lines) + "\n"
        exec(_code(text, f"<perfscore {name}>"), self.namespace)  # our own tokens only: see the module doc
        function = self.namespace[name]
        function.__doc__ = text  # for anyone debugging: the generated code
        return function


@lru_cache(maxsize=256)
def _code(text: str, name: str) -> CodeType:
    """The code object of generated ``text``, compiled once per process: rulesets of the same shape
    (the tables of one folder, a ruleset loaded again) generate the same text, and a code object is
    immutable, so each ``exec`` into a fresh namespace is what compiling again would give."""
    return compile(text, name, "exec")


def _stop(location: Location, code: str, message: Callable[..., str | Text]) -> Callable[..., Any]:
    """A function that stops scoring with a located ScoringError, its message made from the values."""

    def stop(*values: Any) -> Any:
        raise ScoringError(Problem(location, message(*values), code=code))

    return stop


# --- the scoring pass ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rounding:
    quantum: Decimal
    mode: str
    each_leaf: bool  # round each leaf (then sum), or only the total


def build_pass(
    derived: Sequence[Derived],
    leaves: Sequence[Indicator],
    optional: frozenset[str],
    rounding: Rounding,
) -> Pass:
    """The scoring pass over checked values: ``pass_(env, missing, fallbacks)`` fills ``env`` with the
    derived values and returns every leaf's raw score, rounded score and facts, and the sum of the
    rounded scores (of the raw ones when only the total is rounded). ``optional`` are the inputs a
    unit may leave out: only what reads them is guarded by the ``missing`` test."""
    chunks = _chunks(leaves)
    em = _Emitter(inline=True)
    em.line("def score(env, missing, fallbacks):", 0)
    returned = _body(em, chunks[0], derived, optional, rounding, set())
    _rest(em, chunks[1:], optional, rounding, returned)
    scorer: Pass = em.compile("score")
    return scorer


def build_quick(
    checks: Sequence[InputCheck], derived: Sequence[Derived], leaves: Sequence[Indicator], rounding: Rounding
) -> Quick:
    """The whole of scoring for the common case, in one function: ``quick(values, fallbacks)``
    checks and converts every value (:func:`_validation`), then scores as
    :func:`build_pass` does with the values already at hand, and returns ``(env, raw, rounded,
    facts, total)`` (``env`` the values as a tuple, in the order of :func:`quick_names`, when one
    function does it all; else as a dict by name); None when a value is missing, unknown or
    refused, for the engine to check the unit in full (:func:`perfscore.inputs.validate`) and say
    what is wrong."""
    em = _Emitter(inline=True)
    em.line("def score(values, fallbacks):", 0)
    chunks = _chunks(leaves)
    # one function for every value and leaf: the values stay locals and are returned as one tuple (in
    # the order of :func:`quick_names`), the unit's mapping of them made only if someone reads it
    locals_only = len(checks) <= CHUNK and len(derived) <= CHUNK and len(chunks) == 1
    at_hand = _validation(em, checks, env=not locals_only)
    em.line("missing = None")  # every value is given on this path
    returned = _body(em, chunks[0], derived, frozenset(), rounding, at_hand, env=not locals_only)
    if locals_only:
        em.line(f"return ({''.join(f'v_{name}, ' for name in quick_names(checks, derived))}), {', '.join(returned)}")
    else:
        _rest(em, chunks[1:], frozenset(), rounding, returned, quick=True)
    scorer: Quick = em.compile("score")
    return scorer


def quick_names(checks: Sequence[InputCheck], derived: Sequence[Derived]) -> tuple[str, ...]:
    """The names of the values the quick pass returns as a tuple: the inputs, then the derived values."""
    return (*(check.name for check in checks), *(value.name for value in derived))


def _chunks(leaves: Sequence[Indicator]) -> list[Sequence[Indicator]]:
    return [leaves[start : start + CHUNK] for start in range(0, len(leaves), CHUNK)] or [leaves[:0]]


def _rest(
    em: _Emitter,
    chunks: Sequence[Sequence[Indicator]],
    optional: frozenset[str],
    rounding: Rounding,
    first: tuple[str, str, str, str],
    quick: bool = False,
) -> None:
    """The function's return: its own leaves' results, then those of each further chunk of leaves
    (a function of its own, reading the values from ``env``)."""
    env = "env, " if quick else ""
    if not chunks:
        em.line(f"return {env}{', '.join(first)}")
        return
    em.line(f"raw, rounded, facts, total = {', '.join(first)}")
    for number, chunk in enumerate(chunks, 1):
        part = _Emitter(inline=True)
        part.line(f"def score_{number}(env, missing, fallbacks):", 0)
        returned = _body(part, chunk, (), optional, rounding, set())
        part.line(f"return {', '.join(returned)}")
        em.line(
            f"r, q, f, t = {em.const(part.compile(f'score_{number}'))}(env, {'None' if quick else 'missing'}, fallbacks)"
        )
        em.line("raw += r")
        em.line("rounded += q")
        em.line("facts += f")
        em.line("total += t")
    em.line(f"return {env}raw, rounded, facts, total")


def _body(
    em: _Emitter,
    leaves: Sequence[Indicator],
    derived: Sequence[Derived],
    optional: frozenset[str],
    rounding: Rounding,
    at_hand: set[str],
    env: bool = True,
) -> tuple[str, str, str, str]:
    """The lines scoring ``leaves`` (after computing ``derived``); the expressions of their raw scores,
    rounded scores, facts and total. Names in ``at_hand`` are locals already; the rest are read from ``env``
    (``env``: whether there is one, which the derived values are written into)."""
    maybe_missing = optional | frozenset(d.name for d in derived if d.needs & optional)
    if len(derived) > CHUNK:  # many derived values: functions of their own, writing into env
        for number, start in enumerate(range(0, len(derived), CHUNK)):
            part = _Emitter(inline=True)
            part.line(f"def derive_{number}(env, missing, fallbacks):", 0)
            _read(part, derived[start : start + CHUNK], (), maybe_missing, set())
            for value in derived[start : start + CHUNK]:
                _derived(part, value, optional)
            em.line(f"{em.const(part.compile(f'derive_{number}'))}(env, missing, fallbacks)")
        derived = ()
    _read(em, derived, leaves, maybe_missing, at_hand)
    for value in derived:
        _derived(em, value, optional, env)
    em.rounding = rounding
    for number, leaf in enumerate(leaves):
        assert leaf.method is not None
        em.leaf, em.outputs = leaf, (f"s{number}", f"f{number}")
        em.rounded = f"q{number}" if rounding.each_leaf else None  # each leaf rounded where it is scored
        if leaf.needs & optional:
            with em.block(f"if missing and {em.const(leaf.needs)} & missing:"):
                em.result("ZERO", MISSING)
            with em.block("else:"):
                leaf.method.emit(leaf, em)
        else:
            leaf.method.emit(leaf, em)
    em.rounded = None
    numbers = range(len(leaves))
    summed = "q" if rounding.each_leaf else "s"  # at most CHUNK terms: the expression stays shallow
    total = " + ".join(f"{summed}{n}" for n in numbers) or "ZERO"
    raws = f"[{', '.join(f's{n}' for n in numbers)}]"
    if rounding.each_leaf:
        rounded = f"[{', '.join(f'q{n}' for n in numbers)}]"
    else:
        em.line(f"r = {raws}")
        raws = rounded = "r"
    return raws, rounded, f"[{', '.join(f'f{n}' for n in numbers)}]", total


def _read(
    em: _Emitter,
    derived: Sequence[Derived],
    leaves: Sequence[Indicator],
    maybe_missing: frozenset[str],
    at_hand: set[str],
) -> None:
    """``v_<name> = env[name]`` for the names the derived values and leaves read that are not at hand
    (``env.get`` for those a unit may leave out)."""
    computed = {d.name for d in derived}
    read = {name for d in derived for name in d.expression.names} | {n for leaf in leaves for n in leaf.reads}
    for name in sorted(read - computed - at_hand):
        key = em.const(name)
        em.line(f"v_{name} = env.get({key})" if name in maybe_missing else f"v_{name} = env[{key}]")


def _derived(em: _Emitter, value: Derived, optional: frozenset[str], env: bool = True) -> None:
    """``v_name = env[name] = …`` (``v_name = …`` without ``env``); a declared fallback replaces a
    division by zero (and is listed)."""
    key = em.const(value.name)
    guard = value.needs & optional
    if guard:
        em.line(f"if not (missing and {em.const(value.needs)} & missing):")
        em.depth += 1
    computed = em.value(value.expression)
    if value.spec.fallback is None:
        em.line(f"v_{value.name} = env[{key}] = {computed}" if env else f"v_{value.name} = {computed}")
    else:
        with em.block("try:"):
            em.line(f"v_{value.name} = {computed}")
        with em.block("except ZeroDivisionError:"):  # what every evaluator raises for a divisor of 0
            em.line(f"v_{value.name} = {em.const(value.spec.fallback)}")
            em.line(f"fallbacks.append({key})")
        if env:
            em.line(f"env[{key}] = v_{value.name}")
    if guard:
        em.depth -= 1


def build_reference(leaf: Indicator) -> LeafFunction:
    """The leaf's method lines with formulas evaluated through their closures: ``leaf(env) -> (raw, facts)``."""
    assert leaf.method is not None
    em = _Emitter(inline=False)
    em.leaf = leaf
    em.line("def leaf(env):", 0)
    leaf.method.emit(leaf, em)
    em.line("return s, f")
    function: LeafFunction = em.compile("leaf")
    return function


# --- the quick data check ------------------------------------------------------------------------


def _validation(em: _Emitter, checks: Sequence[InputCheck], env: bool = True) -> set[str]:
    """Lines converting each value by its input's converter into ``env``, or returning None (a value
    missing, unknown or refused); the names it leaves as locals ``v_<name>`` (the first :data:`CHUNK`
    inputs; further ones are converted by functions of their own, :data:`CHUNK` inputs each, so no
    function grows with the number of inputs). A value already a finite nonzero Decimal within the
    input's bounds is taken as it is, a whole number within them (compared as whole numbers) as its
    Decimal, and a float as the Decimal of its shortest text when that is within them (both
    remembered per input: data repeats): exactly what its converter would give back (the tests hold
    the two to the same values)."""
    em.namespace.update(len=len)
    em.line(f"if len(values) != {len(checks)}: return None")
    first, rest = checks[:CHUNK], checks[CHUNK:]
    if first:
        with _refusing(em, "return None"):
            for check in first:
                _convert(em, check, f"v_{check.name}", len(checks))
    if env:  # (without one, the values stay locals)
        em.line("env = {" + ", ".join(f"{em.const(check.name)}: v_{check.name}" for check in first) + "}")
    for number, start in enumerate(range(0, len(rest), CHUNK), 1):
        part = _Emitter(inline=True)
        part.line(f"def check_{number}(values, env):", 0)
        with _refusing(part, "return False"):
            for check in rest[start : start + CHUNK]:
                _convert(part, check, f"env[{part.const(check.name)}]", len(checks))
        part.line("return True")
        em.line(f"if not {em.const(part.compile(f'check_{number}'))}(values, env): return None")
    at_hand = {check.name for check in first}
    bounds = [(check.name, side, other) for check in checks for side, other in check.bounded_by]
    if bounds:  # bounds naming another input, once every value is read

        def value(name: str) -> str:
            return f"v_{name}" if name in at_hand else f"env[{em.const(name)}]"

        with _refusing(em, "return None"):
            for name, side, other in bounds:
                em.line(f"if {value(name)} {'>' if side == 'max' else '<'} {value(other)}: return None")
    return at_hand


_MOST_FLOATS = 65_536  # floats remembered in all by one ruleset's scoring pass (a few MB at most)


class _Ints(dict[int, Decimal]):
    """One input's whole numbers seen, each with its Decimal (at most ``most``, as :class:`_Floats`)."""

    def __init__(self, most: int) -> None:
        super().__init__()
        self.most = most

    def __missing__(self, value: int) -> Decimal:
        number = Decimal(value)
        if len(self) >= self.most:
            self.clear()
        self[value] = number
        return number


class _Floats(dict[float, Decimal]):
    """One input's floats seen, each with the Decimal of its shortest text (``float.__repr__``, as
    ``reading.read_number`` reads it): a column of rates holds the same few thousand values again
    and again. At most ``most`` are kept (all are forgotten when it is reached). 0.0 and -0.0 share
    a key: a zero is given to the converter anyway."""

    def __init__(self, most: int) -> None:
        super().__init__()
        self.most = most

    def __missing__(self, value: float) -> Decimal:  # (the generated quick check writes these lines out)
        number = Decimal(float.__repr__(value))
        if len(self) >= self.most:
            self.clear()
        self[value] = number
        return number


@contextmanager
def _refusing(em: _Emitter, give_up: str) -> Iterator[None]:
    """The lines written inside, in a ``try`` that gives up (``give_up``) when a value is refused."""
    refused = (Unreadable, KeyError, InvalidOperation)  # a value refused, a key missing, a NaN compared
    em.namespace.update(
        type=type, int=int, float=float, Decimal=Decimal, bool=bool, str=str, dict=dict, REFUSED=refused
    )
    with em.block("try:"):
        yield
    em.line("except REFUSED:")
    em.line(f"    {give_up}")


def _convert(em: _Emitter, check: InputCheck, target: str, inputs: int) -> None:
    """Lines converting ``values[name]`` by the input's converter (or taking it as it is), into ``target``
    (``inputs``: how many inputs the ruleset has, who share the floats remembered)."""
    convert = em.const(check.convert)
    em.line(f"v = values[{em.const(check.name)}]")
    if check.spec.type in NUMERIC:
        # larger numbers are left to the converter, which refuses those beyond the ruleset's limits
        assert check.largest is not None
        big = check.largest
        lowest = max(check.low, -big) if check.low is not None else -big
        highest = min(check.high, big) if check.high is not None else big
        low, high = em.const(lowest), em.const(highest)
        # the same bounds for a whole number, as whole numbers: int compared with int
        int_low, int_high = em.const(math.ceil(lowest)), em.const(math.floor(highest))
        whole = " or v != v.to_integral_value()" if check.spec.type == "count" else ""
        whole_d = " or d != d.to_integral_value()" if whole else ""
        # NaN fails (traps on) the comparison, and infinite or huge values fail the bounds; a zero goes
        # through the converter, which reads a negative zero as 0
        with em.block("if type(v) is Decimal:"):
            em.line(f"if not v or not ({low} <= v <= {high}){whole}: v = {convert}(v)")
        # a whole number within the bounds is its Decimal (TOML and JSON give counts as int)
        em.line(
            f"elif type(v) is int and {int_low} <= v <= {int_high}: v = {em.const(_Ints(max(64, _MOST_FLOATS // inputs)))}[v]"
        )
        # a float is read by its shortest text, as the converter reads it, then held to the same tests
        with em.block("elif type(v) is float:"):
            floats = _Floats(max(64, _MOST_FLOATS // inputs))
            remembered = em.const(floats)
            em.line(f"d = {remembered}.get(v)")
            with em.block("if d is None:"):  # what _Floats.__missing__ does, written out: no call
                em.line(f"d = Decimal({em.const(float.__repr__)}(v))")
                em.line(f"if len({remembered}) >= {floats.most}: {remembered}.clear()")
                em.line(f"{remembered}[v] = d")
            em.line(f"v = {convert}(v) if not d or not ({low} <= d <= {high}){whole_d} else d")
        em.line(f"else: v = {convert}(v)")
    elif check.spec.type == "bool":
        em.line(f"if type(v) is not bool: v = {convert}(v)")
    elif check.tiers is not None:
        with em.block("if type(v) is str:"):  # a tier's name: its value (else the converter says why not)
            em.line(f"v = {em.const(check.tiers)}.get(v) or {convert}(v)")
        if check.scored:  # {tier, score}: a tier's text and a nonzero Decimal score within its bounds
            em.line(
                f"elif type(v) is dict and len(v) == 2 and type(t := v.get({em.const('tier')})) is str"
                f" and (r := {em.const(check.scored)}.get(t)) is not None"
                f" and type(g := v.get({em.const('score')})) is Decimal and g"
                f" and r[1] <= g <= r[2] and (r[3] or g != r[2]): v = {em.const(tuple.__new__)}({em.const(Rated)}, (r[0], g))"
            )  # the rating's value as its converter makes it (inputs._rated)
        em.line(f"else: v = {convert}(v)")
    else:
        em.line(f"v = {convert}(v)")
    em.line(f"{target} = v")


def generated(function: Callable[..., Any]) -> Iterator[Callable[..., Any]]:
    """A generated function and every generated function it calls (its chunks), each once."""
    seen: set[int] = set()
    stack = [function]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for value in getattr(current, "__globals__", {}).values():
            code = getattr(value, "__code__", None)
            if code is not None and code.co_filename.startswith("<perfscore"):
                stack.append(value)


# --- the rules on groups and the total ------------------------------------------------------------

Applied = tuple[Any, ...]
"""What the rules pass records for each rule that changed a score: the rule, its step, the score
before and after, and the values its condition read (in the order written)."""
RulesFunction = Callable[
    [dict[str, Any], list[Decimal], list[Decimal], "frozenset[str] | None", Decimal],
    tuple[dict[str, Decimal], Decimal, list[Applied], list[str]],
]


class _RuleEmitter(_Emitter):
    """The :class:`~perfscore.grouprules.RuleCode` a rule kind writes through."""

    score = "x"  # the node's score so far

    def __init__(self, inline: bool) -> None:
        super().__init__(inline)
        self.points = "ZERO"
        self.rule: GroupRule | None = None
        self.namespace.update(sum=sum, dict=dict)

    def read(self, name: str) -> str:
        return f"v_{name}" if self.inline else f"env[{self.const(name)}]"

    def change(self, new: str, step: Any) -> None:
        rule = self.rule
        assert rule is not None
        shown = "".join(f"{self.read(name)}, " for name in rule.shows)
        self.line(f"applied.append(({self.const(rule)}, {self.const(step)}, x, {new}, ({shown})))")
        self.line(f"x = {new}")

    def force(self, grade: str) -> None:
        self.line(f"grades.append({grade})")


def build_rules(
    roots: Sequence[Indicator], rules: Mapping[str, Sequence[GroupRule]], each_leaf: bool, inline: bool
) -> RulesFunction:
    """The rules on groups and the total, after the leaves are scored:
    ``rules(env, sums, scores, missing, total) -> (values, total, applied, grades)``. ``sums`` are
    what a node adds up (the rounded leaf scores, or the raw ones when only the total is rounded),
    ``scores`` the leaves' rounded scores (what ``score("…")`` reads) and ``total`` the sum of
    ``sums`` (the pass's: when no group has rules it is the total's starting point). Each node with rules, and
    every node above one, is added up from its children (after their own rules) and then its rules
    apply in order, each kind through its ``emit``; ``values`` holds those nodes' scores by id.
    ``inline`` writes the conditions' source into the function (the pass); otherwise each is
    evaluated through its closures, which locate a failure (the reference path)."""
    em = _RuleEmitter(inline)
    em.line("def rules(env, sums, scores, missing, total):", 0)
    every = [rule for node_rules in rules.values() for rule in node_rules]
    nodes = [node for root in roots for node in root.walk()]
    number = {node.id: n for n, node in enumerate(nodes)}
    read = sorted({name for rule in every for name in rule.when.names} - {n for r in every for n in r.scores})
    scored = {name: key for rule in every for name, key in rule.scores.items()}
    wanted = set(rules) | set(scored.values())
    touched = {  # the groups to add up here: those with rules or read by score(), and every group above one
        node.id
        for node in nodes
        if not node.is_leaf and any(key == node.id or key.startswith(f"{node.id}.") for key in wanted)
    }
    if scored:
        em.line("env = dict(env)")  # scores read by conditions join the values, in a copy: the unit's stay as given
    if inline:
        for name in read:
            em.line(f"v_{name} = env.get({em.const(name)})")
    em.line("values = {}")
    em.line("applied = []")
    em.line("grades = []")
    by_id = {node.id: node for node in nodes}
    for name, key in sorted(scored.items()):
        node = by_id[key]
        if node.is_leaf:
            em.line(f"v_{name} = env[{em.const(name)}] = scores[{node.first}]")

    def term(children: Sequence[Indicator]) -> str:
        """The sum of ``children``: a touched child's own variable, a run of the others as one slice."""
        parts: list[str] = []
        run: list[Indicator] = []
        for child in [*children, None]:
            if child is not None and child.id not in touched:
                run.append(child)
                continue
            if run:
                first, end = run[0].first, run[-1].end
                parts.append(f"sums[{first}]" if end == first + 1 else f"sum(sums[{first}:{end}], ZERO)")
                run = []
            if child is not None:
                parts.append(f"n{number[child.id]}")
        return " + ".join(parts) or "ZERO"

    def node_rules(node_rules: Sequence[GroupRule], points: Decimal) -> None:
        em.points = em.const(points)
        for rule in node_rules:
            em.rule = rule
            guard = f"not (missing and {em.const(rule.needs)} & missing) and " if rule.needs else ""
            with em.block(f"if {guard}{em.value(rule.when)}:"):
                rule.kind.emit(rule, em)

    for node in reversed(nodes):  # children before parents
        if node.is_leaf or node.id not in touched:
            continue
        em.line(f"x = {term(node.children)}")
        node_rules(rules.get(node.id, ()), node.points)
        em.line(f"values[{em.const(node.id)}] = n{number[node.id]} = x")
        for name, key in scored.items():
            if key == node.id:
                em.line(f"v_{name} = env[{em.const(name)}] = x")
    em.line(f"x = {term(roots) if touched else 'total'}")  # with no group touched, the pass's sum is the total's start
    total = rules.get("", ())
    if total:
        node_rules(total, total[0].points)
    em.line("return values, x, applied, grades")
    function: RulesFunction = em.compile("rules")
    return function


# --- the float pass ---------------------------------------------------------------------------------

_HUGE, _TINY = 1e290, 1e-290  # a computed value beyond these leaves the unit to the Decimal pass
_WHOLE = 10**15  # whole numbers below this (and every constant of at most 15 digits) compare exactly as floats
_MOST_CENTS = 1_000_000  # the most a ruleset's total may be in units of its rounding, for a float pass
FloatPass = Callable[[dict[str, Any]], "tuple[tuple[Any, ...], tuple[int, ...], int] | None"]
Exact = Callable[[int, dict[str, Any]], int]


class Close(Exception):
    """A comparison or a rounding in the float pass too close to call: that leaf is scored in Decimal."""


def _digits(value: Decimal) -> int:
    return len(value.normalize(CONTEXT).as_tuple().digits)


class _FloatEmitter(_Emitter):
    """The :class:`~perfscore.methods.FloatCode` methods write their float arithmetic through."""

    def __init__(self, checks: Mapping[str, InputCheck], rounding: Rounding) -> None:
        super().__init__(inline=True)
        self.namespace.update(round=round, id=id, type=type, len=len, float=float, int=int, str=str, dict=dict,
                              bool=bool)  # fmt: skip
        self.checks = checks
        self.numbers: dict[str, Num] = {}
        self.rounds = rounding
        self.places = -int(rounding.quantum.as_tuple().exponent)
        self.scale = float(10**self.places)
        self.number_of_leaf = 0
        self.most = 0  # the most any leaf scores, in units of the rounding

    def const(self, value: object) -> str:
        if isinstance(value, Decimal):
            value = float(value)
        return super().const(value)

    def number(self, formula: Expression | Decimal) -> Num:
        if isinstance(formula, Decimal):
            return self._float_constant(formula)
        return self._tree(formula.tree)

    def _float_constant(self, value: Decimal) -> Num:
        as_float = float(value)
        if not math.isfinite(as_float) or (value and not _TINY < abs(as_float) < _HUGE):
            raise Unfloatable("constant")
        return Num(self.const(value), 0.0 if Decimal(as_float) == value else ULP)

    def _tree(self, node: ast.expr) -> Num:
        if isinstance(node, ast.Name) and node.id in self.numbers:
            return self.numbers[node.id]
        if isinstance(node, ast.Constant) and isinstance(node.value, Decimal):
            return self._float_constant(node.value)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
            left, right = self._tree(node.left), self._tree(node.right)  # relative errors add, and one rounding
            return Num(f"({left.expr} {'*' if isinstance(node.op, ast.Mult) else '/'} {right.expr})",
                       left.err + right.err + 2 * ULP)  # fmt: skip
        raise Unfloatable("formula")

    def read(self, name: str) -> str:
        return f"v_{name}"

    def truth(self, formula: Expression | Decimal) -> str:
        name = formula.bare_name if isinstance(formula, Expression) else None
        if name is None or name not in self.checks or self.checks[name].spec.type != "bool":
            raise Unfloatable("yes/no")
        return f"v_{name}"

    def tiers(self, name: str) -> list[Tier]:
        check = self.checks[name]
        return list({id(rated.tier): rated.tier for rated in (check.tiers or {}).values()}.values())

    def decide(self, number: Num, op: str, constant: Decimal) -> str:
        bound = float(constant)
        if not math.isfinite(bound):
            raise Unfloatable("constant")
        test = f"{number.expr} {op} {self.const(constant)}"
        if number.given and _digits(constant) <= 15 and (not constant or _TINY < abs(bound) < _HUGE):
            return test  # the nearest float of each (or a whole number below 10**15): they compare as the Decimals do
        if not constant:
            return test  # (a computed value is 0 exactly when the Decimal one is, and has its sign)
        margin = 2 * number.err + 8 * ULP
        low, high = sorted((bound * (1 - margin), bound * (1 + margin)))
        self.line(f"if {self.const(low)} <= {number.expr} <= {self.const(high)}: raise Close")  # too close to say
        return test

    def _cents(self, value: Decimal) -> int:
        return int(rounded(value, self.rounds.quantum, self.rounds.mode).scaleb(self.places, CONTEXT))

    def score(self, expression: str, relative: float = 0.0, absolute: float = 0.0) -> None:
        n = f"n{self.number_of_leaf}"
        self.line(f"y = ({expression}) * {self.const(self.scale)}")
        self.line(f"{n} = round(y)")
        slack_relative = relative + 8 * ULP  # the scaling, and the Decimal pass's own 28-digit roundings
        slack = absolute * self.scale * (1 + 1e-6) + 1e-9
        # nearest to one whole number of cents, farther from the halfway points than any error: certain
        test = f"abs(y - {n}) < {self.const(0.5 - slack)} - abs(y) * {self.const(slack_relative)}"
        self.line(f"if not ({test} and 0 <= {n} <= {self.const(self.most)}): raise Close")

    def score_constant(self, value: Decimal) -> None:
        self.line(f"n{self.number_of_leaf} = {self.const(self._cents(value))}")

    def score_from(self, key: str, scores: Mapping[Any, Decimal]) -> None:
        table = {name: self._cents(value) for name, value in scores.items()}
        self.line(f"n{self.number_of_leaf} = {self.const(table)}[{key}]")

    def give_up(self) -> None:
        self.line("return None")


def build_floats(
    checks: Sequence[InputCheck],
    derived: Sequence[Derived],
    leaves: Sequence[Indicator],
    rounding: Rounding,
    exact: Exact,
) -> FloatPass:
    """The float pass: ``floats(values)`` scores a unit whose numbers are given as floats (or whole
    numbers) without reading them as Decimals, and returns ``(values, cents, total)``: the values as
    given (a rating's table copied), each
    leaf's rounded score in units of the rounding (cents), and their sum; or None, for the Decimal
    pass to score the unit, whenever a value is not of that form. A leaf whose comparisons or
    rounding are too close to call in floats (a score ending exactly in a half cent) is scored by
    ``exact(index, values)``: its inputs read by their converters, its reference function, its
    rounding (see :class:`~perfscore.methods.FloatCode`). Raises Unfloatable when a leaf's method,
    a formula or an input has no float arithmetic, or the ruleset rounds other than to nearest."""
    if not rounding.each_leaf or rounding.mode not in (ROUND_HALF_UP, ROUND_HALF_EVEN):
        raise Unfloatable("rounding")
    if len(checks) > CHUNK or len(derived) > CHUNK or len(leaves) > CHUNK:
        raise Unfloatable("size")
    places = -int(rounding.quantum.as_tuple().exponent)
    if sum((leaf.points for leaf in leaves), ZERO).scaleb(places, CONTEXT) > _MOST_CENTS:
        raise Unfloatable("size")  # (every total is looked up in a table of that many Decimals)
    em = _FloatEmitter({check.name: check for check in checks}, rounding)
    em.most = int(max((leaf.points for leaf in leaves), default=ZERO).scaleb(em.places, CONTEXT))
    em.line("def floats(values):", 0)
    em.line(f"if len(values) != {len(checks)}: return None")
    with em.block("try:"):
        first = next((check for check in checks if check.spec.type in NUMERIC), None)
        for check in checks:
            _float_input(em, check, check is first)
        for value in derived:
            number = em.number(value.expression)
            em.line(f"v_{value.name} = {number.expr}")
            em.line(f"if v_{value.name} and not ({_TINY} < abs(v_{value.name}) < {_HUGE}): return None")
            em.numbers[value.name] = Num(f"v_{value.name}", number.err)
        for index, leaf in enumerate(leaves):
            assert leaf.method is not None
            em.number_of_leaf = index
            with em.block("try:"):
                leaf.method.emit_float(leaf, em)
            with em.block("except Close:"):
                em.line(f"n{index} = {em.const(exact)}({index}, values)")
    em.line("except (KeyError, ArithmeticError, ValueError, Close):")  # a key missing, a division by 0, an overflow
    em.line("    return None")
    given = "".join(f"{'o' if check.tiers is not None else 'v'}_{check.name}, " for check in checks)
    cents = "".join(f"n{index}, " for index in range(len(leaves)))
    em.line(f"return ({given}), ({cents}), {' + '.join(f'n{index}' for index in range(len(leaves))) or '0'}")
    em.namespace.update(ArithmeticError=ArithmeticError, ValueError=ValueError, KeyError=KeyError, abs=abs, Close=Close)
    function: FloatPass = em.compile("floats")
    return function


def _float_input(em: _FloatEmitter, check: InputCheck, first: bool = False) -> None:
    """Lines taking ``values[name]`` as the float pass holds it into ``v_<name>``, or giving up (the
    ``first`` number input must be a float: units of Decimals and whole numbers take the Decimal pass)."""
    em.line(f"v = values[{em.const(check.name)}]")
    kind = check.spec.type
    if check.bounded_by:
        raise Unfloatable("bounds")
    if kind in NUMERIC:
        assert check.largest is not None
        big = check.largest
        lowest = max(check.low, -big) if check.low is not None else -big
        highest = min(check.high, big) if check.high is not None else big
        # within the nearest floats of the bounds (strictly, unless a bound has at most 15 digits): the
        # Decimal of its shortest text is within them (0.0 and -0.0 are read as 0)
        whole = " or v % 1.0" if kind == "count" else ""
        above = "<=" if _digits(lowest) <= 15 else "<"
        below = "<=" if _digits(highest) <= 15 else "<"
        with em.block("if type(v) is float:"):
            em.line(f"if not ({em.const(lowest)} {above} v {below} {em.const(highest)}){whole}: return None")
        low = max(math.ceil(lowest), -_WHOLE + 1)
        high = min(math.floor(highest), _WHOLE - 1)
        if not first:
            with em.block("elif type(v) is int:"):
                em.line(f"if not ({em.const(low)} <= v <= {em.const(high)}): return None")
        em.line("else: return None")
        em.numbers[check.name] = Num(f"v_{check.name}", ULP, given=True)
    elif kind == "bool":
        em.line("if type(v) is not bool: return None")
    elif check.tiers is not None:  # (the value as given is kept in o_<name>: a table copied)
        em.line(f"if type(v) is str: o_{check.name}, v = v, {em.const(check.tiers)}.get(v)")
        # a score within the nearest floats of the tier's bounds (at one only if it is short and included)
        scored = {text: (tier, float(low), float(high), _digits(low) <= 15, included and _digits(high) <= 15)
                  for text, (tier, low, high, included) in (check.scored or {}).items()}  # fmt: skip
        em.line(
            f"elif type(v) is dict and len(v) == 2 and type(t := v.get({em.const('tier')})) is str"
            f" and (r := {em.const(scored)}.get(t)) is not None and type(g := v.get({em.const('score')})) is float"
            " and (r[1] < g or (r[3] and r[1] == g)) and (g < r[2] or (r[4] and g == r[2])):"
            f" o_{check.name}, v = {{{em.const('tier')}: t, {em.const('score')}: g}}, (r[0], g)"
        )
        em.line("else: v = None")
        em.line("if v is None: return None")
    else:
        raise Unfloatable(kind)
    em.line(f"v_{check.name} = v")
