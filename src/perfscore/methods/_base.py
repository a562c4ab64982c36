"""What a scoring method is, and the vocabulary every method module is written in.

A method is a stateless object registered under its ``method = "…"`` name. Everything perfscore
knows about it lives in its module and is reached through these hooks, never through a list of
method names elsewhere:

==================  ==========================================================================
load                ``params`` (the pydantic model of its keys), ``formulas`` (which keys are
                    formulas and of what kind), ``check`` (further checks, with key paths)
scoring             ``emit``: the one statement of its arithmetic, as code written through a
                    :class:`Code`. The compiler inlines it into the ruleset's scoring function;
                    the reference path compiles the same lines per leaf. Each outcome is a
                    :class:`Case`; the facts it records are what the explanation says.
explanation         ``cases`` (their zh/en wording), ``facts``, ``fields``, ``body_suffix``,
                    ``template_fields``, ``describe``
``perfscore check``  ``lint``, ``outlook``, ``trend`` (for monotonicity), ``rewards``
testing kit         ``landmarks``, ``full_marks``, ``example``, ``rule``, ``unclamped``, ``deliberate``
``perfscore diff``   ``title``, ``key_names``, ``show``
tuning              ``tunables`` (which of its parameters ``perfscore sensitivity`` may move),
                    ``response`` (the leaf's score as one moves), ``least_points``
==================  ==========================================================================

``docs/architecture.md`` walks through adding a method.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from ..errors import Problem
from ..expressions import Expression, Kind
from ..messages import Text
from ..model import LeafParams, Tier
from ..text import plain

if TYPE_CHECKING:
    from ..checks import Context
    from ..ruleset import Indicator
    from ..wording import Display

Formula = Expression | Decimal
"""A formula key after loading: a compiled expression, or a plain number."""


@dataclass(frozen=True)
class Case:
    """One way a method's score comes about, with the facts it records and its wording.

    ``fields`` name the values the method's code records for this case, in order; ``zh`` and
    ``en`` are the explanation's body, with ``{field}`` placeholders. A ``note`` case loses no
    points but still needs the unit's explanation (a target far exceeded).
    """

    name: str
    fields: tuple[str, ...]
    zh: str
    en: str
    note: bool = False

    def __repr__(self) -> str:
        return f"<case {self.name}>"

    def wording(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


#: A leaf that could not be scored because the unit left one of its inputs out.
MISSING = Case("missing", (), "未提供数据（{missing}），按 0 分计", "no data supplied ({missing}): scored 0")
FactsTuple = tuple[Any, ...]
"""What the scoring pass records for a leaf: its :class:`Case`, then that case's fields in order."""


def facts_of(recorded: FactsTuple) -> dict[str, Any]:
    """The recorded facts as a mapping (a field recorded as ``None`` is absent), with the case's name."""
    case: Case = recorded[0]
    facts = {name: value for name, value in zip(case.fields, recorded[1:], strict=True) if value is not None}
    facts["case"] = case.name
    return facts


@dataclass(frozen=True)
class FormulaKey:
    """A key of a method whose value is a formula (or, for numbers, a plain number)."""

    kind: Kind = Kind.NUMBER
    constants: tuple[str, ...] = ()  # leaf keys usable as names in it, fixed at load (``points``)
    text_only: bool = False  # a plain number is read as a formula too (its text is shown)


class Code(Protocol):
    """Where a method writes its arithmetic: plain Python statements over perfscore's own names.

    Names the method's lines may use: the sources that :meth:`const`, :meth:`value`,
    :meth:`read` and :meth:`fail` return; ``ZERO``, ``ONE``, ``TWO``, ``min``, ``max``, ``abs``;
    and locals of its own, lowercase words (``a``, ``rate``). Text from a ruleset never
    appears in the lines: constants are bound by reference.
    """

    def const(self, value: object) -> str:
        """A name bound to ``value``."""
        ...

    def value(self, formula: Formula) -> str:
        """An expression computing ``formula``'s value for the unit."""
        ...

    def read(self, name: str) -> str:
        """An expression for the unit's value of the input (or derived value) ``name``."""
        ...

    def line(self, text: str) -> None:
        """One statement."""
        ...

    def block(self, header: str) -> AbstractContextManager[None]:
        """``header`` (``if a < t:``), and the lines written inside the ``with`` indented under it."""
        ...

    def result(self, score: str, case: Case, *facts: str) -> None:
        """The leaf's score (an expression within [0, points]) and the case's facts, in order."""
        ...

    def fail(self, code: str, message: Callable[..., str | Text], *args: str) -> str:
        """A call that stops scoring with a ScoringError at the leaf: ``message(*values)`` says why."""
        ...


ULP = 2.0**-53
"""The relative error of one rounding in binary floating point (half an ulp of 1)."""


class Unfloatable(Exception):
    """A leaf (or a formula) the float pass does not score: units go through the Decimal pass."""


@dataclass(frozen=True)
class Num:
    """A number in the float pass: a float expression, and how far its value may lie from the
    Decimal value the Decimal pass computes. ``err`` bounds the relative difference; ``given``: the
    float is a value given by the unit (the nearest float to the Decimal it reads, or a whole number
    below 10**15), so comparing it with a constant of at most 15 significant digits decides exactly."""

    expr: str
    err: float
    given: bool = False


class FloatCode(Protocol):
    """Where a method writes its arithmetic a second time, in binary floating point, for the float
    pass (:func:`perfscore.compiler.build_floats`): the float pass scores units given as floats
    without reading them as Decimals, and gives up (the unit goes through the Decimal pass) whenever
    it cannot prove that a comparison decides as the Decimal pass decides, or that a score rounds to
    what the Decimal pass rounds it to. Raising :class:`Unfloatable` leaves the ruleset without a
    float pass. The tests hold the two passes to the same totals."""

    def number(self, formula: Formula) -> Num:
        """``formula``'s value (a name, a constant, products and quotients of them); else Unfloatable."""
        ...

    def const(self, value: object) -> str:
        """A name bound to ``value`` (a Decimal is bound as the nearest float)."""
        ...

    def read(self, name: str) -> str:
        """The value of the input ``name`` as the float pass holds it (a rating: its tier and the
        float given as its score, or None)."""
        ...

    def truth(self, formula: Formula) -> str:
        """A yes/no formula's value (a yes/no input's name); else Unfloatable."""
        ...

    def tiers(self, name: str) -> Sequence[Tier]:
        """The tiers of the rating input ``name``."""
        ...

    def line(self, text: str) -> None: ...

    def block(self, header: str) -> AbstractContextManager[None]: ...

    def decide(self, number: Num, op: str, constant: Decimal) -> str:
        """A test ``number op constant`` that decides as the Decimal pass decides; the lines that
        give up when it cannot are written before it."""
        ...

    def score(self, expression: str, relative: float = 0.0, absolute: float = 0.0) -> None:
        """The leaf's score: a float expression within ``relative`` × its value plus ``absolute``
        of the Decimal pass's raw score; it gives up unless the rounding is certain."""
        ...

    def score_constant(self, value: Decimal) -> None:
        """The leaf's score: a constant (rounded as the Decimal pass rounds it)."""
        ...

    def score_from(self, key: str, scores: Mapping[Any, Decimal]) -> None:
        """The leaf's score: ``scores[key]`` for the key the expression ``key`` gives (each rounded)."""
        ...

    def give_up(self) -> None:
        """A line that leaves the unit to the Decimal pass."""
        ...


class LeafSite(Protocol):
    """What a method's load-time checks may ask and report."""

    inputs: Mapping[str, Any]  # the ruleset's declared inputs (InputSpec by name)

    def problem(
        self, keys: tuple[str | int, ...], message: str | Text, suggestion: str | None = None, *, code: str
    ) -> None:
        """Report a problem at ``keys`` under the leaf (``("bands", 2, "points")``)."""
        ...


Outlook = tuple[str | Text | None, str | Text | None]
"""Why a leaf always scores full points, and why it always scores 0 (``None``: it does not)."""


@dataclass(frozen=True)
class Trend:
    """How a leaf's score moves as one of its formula keys rises, the others fixed.

    ``way`` is +1 (never falls), −1 (never rises), 0 (does not move) or None (either: then
    ``against`` may hold a pair of key values ``(lower, higher)`` where the score falls as
    the value rises, and ``toward`` one where it rises).
    """

    way: int | None
    falls: tuple[Decimal, Decimal] | None = None
    rises: tuple[Decimal, Decimal] | None = None


KeyPath = tuple[str | int, ...]
"""A key path in the ruleset's document (``("indicators", "output", "each")``)."""


@dataclass(frozen=True)
class Response:
    """A leaf's raw score for one unit as a tuning parameter moves by ``t`` (``t = 0``: the ruleset as
    written). ``value(t)`` is exact (None: the unit's data no longer fits the leaf there, a rated score
    outside its tier); between two consecutive ``breaks`` it is affine in ``t`` (at a break it may jump
    or bend)."""

    value: Callable[[Fraction], Fraction | None]
    breaks: tuple[Fraction, ...] = ()
    steep: Fraction | None = None
    """At most how fast the score moves: |value(t) − value(u)| ≤ steep × |t − u| everywhere, and the
    value is never None (None: not said, it may jump or stop): lets the search skip a unit far from
    its grade's edges."""

    @staticmethod
    def fixed(score: Decimal) -> Response:
        """A score that does not move."""
        held = Fraction(score)
        return Response(lambda t: held, steep=Fraction(0))


@dataclass(frozen=True)
class Tunable:
    """A parameter of a leaf's rule that ``perfscore sensitivity`` may move: ``name`` as the command
    line writes it after the leaf's id (``each``, ``bands.1.max``) or in full for a parameter outside
    the leaf (``scales.default.部分达成.default``); its document ``path`` and current ``value``; the
    values it may take (``low``/``high``: None for no bound; open ends excluded); and every document
    value that moves with it (``moves``: path and sign; two bands sharing an edge move together)."""

    name: str
    path: KeyPath
    value: Decimal
    label: Text
    moves: tuple[tuple[KeyPath, int], ...]
    low: Decimal | None = None
    high: Decimal | None = None
    low_open: bool = False
    high_open: bool = False
    whole: bool = False  # it scopes the whole ruleset (a scale's tier), not the leaf: named in full


def each_own(text: Text, zh: Mapping[str, object], en: Mapping[str, object]) -> Text:
    """``text`` filled with values of each language's own (an indicator's Chinese and English names)."""
    return Text(text.format(**zh).zh, text.format(**en).en)


def points_path(leaf: Indicator) -> KeyPath:
    """Where the leaf's points are written in the document."""
    return ("indicators", *leaf.path, "points")


def touched(leaf: Indicator, moves: Mapping[KeyPath, int], *, but: tuple[str, ...] = ()) -> bool:
    """Whether a value of the leaf's own keys moves (other than the keys ``but`` names)."""
    own = ("indicators", *leaf.path)
    return any(path[: len(own)] == own and path[len(own)] not in but for path in moves)


def meeting(a: tuple[Fraction, Fraction], b: tuple[Fraction, Fraction]) -> tuple[Fraction, ...]:
    """Where two affine functions of ``t`` (each ``(value at 0, slope)``) meet, if at one point."""
    if a[1] == b[1]:
        return ()
    return ((b[0] - a[0]) / (a[1] - b[1]),)


def points_sign(leaf: Indicator, moves: Mapping[KeyPath, int]) -> Fraction:
    """How fast the leaf's points move with the parameter (1, −1 or 0)."""
    return Fraction(abs(moves.get(points_path(leaf), 0)))


def moved_points(leaf: Indicator, moves: Mapping[KeyPath, int]) -> Callable[[Fraction], Fraction]:
    """The leaf's points as the parameter moves by ``t``."""
    points, sign = Fraction(leaf.points), moves.get(points_path(leaf), 0)
    return lambda t: points + sign * t


class Method:
    """A scoring method. Subclasses fill in the class attributes and override the hooks they need."""

    name: ClassVar[str]
    title: ClassVar[Text]  # 比率法 / ratio
    params: ClassVar[type[LeafParams]]
    formulas: ClassVar[Mapping[str, FormulaKey]] = {}
    cases: ClassVar[tuple[Case, ...]]
    template_fields: ClassVar[frozenset[str]]  # {field}s its explanation templates may use
    key_names: ClassVar[Mapping[str, Text]] = {}  # its keys as ``perfscore diff`` names them

    def __repr__(self) -> str:
        return f"<method {self.name}>"

    def __reduce__(self) -> str:
        return self.name.upper()  # registered methods pickle by reference to their module's singleton

    # --- load ----------------------------------------------------------------------------

    def check(self, spec: Any, site: LeafSite) -> bool:
        """Checks beyond the params model; False when the leaf cannot be built."""
        return True

    def reads(self, spec: Any, formulas: Mapping[str, Formula]) -> tuple[str, ...]:
        """The inputs and derived values the leaf reads."""
        return tuple(sorted({name for f in formulas.values() if isinstance(f, Expression) for name in f.names}))

    # --- scoring -------------------------------------------------------------------------

    def emit(self, leaf: Indicator, code: Code) -> None:
        """Write the leaf's arithmetic (see :class:`Code`)."""
        raise NotImplementedError

    def emit_float(self, leaf: Indicator, code: FloatCode) -> None:
        """Write the leaf's arithmetic again in floats with proofs (see :class:`FloatCode`), or
        raise :class:`Unfloatable`: by default a method's leaves are scored by the Decimal pass only."""
        raise Unfloatable(self.name)

    def facts(self, leaf: Indicator, recorded: dict[str, Any]) -> dict[str, Any]:
        """The facts behind a leaf's score: what the scoring pass recorded, with what the rules add
        (the direction, the formula's text). Nothing here computes a score."""
        return recorded

    # --- words ---------------------------------------------------------------------------

    def shows(self, leaf: Indicator, display: Display) -> Mapping[str, Callable[[Any], str]]:
        """How each fact shows for reading, by its key (any other fact: :meth:`Display.fact`). The
        default :meth:`fields` applies these one fact at a time, so an explanation formats only the
        facts its sentence uses (and the formatters are made once per leaf and language)."""
        return {}

    def fields(self, leaf: Indicator, facts: Mapping[str, Any], display: Display) -> dict[str, str]:
        """The explanation's fields, shown for reading (:meth:`shows`; plainly by default). A method
        whose fields are not one fact each overrides this instead."""
        shows = self.shows(leaf, display)
        return {
            key: shows[key](value) if key in shows else display.fact(leaf, key, value)
            for key, value in facts.items()
            if key != "case"
        }

    def body_suffix(self, facts: Mapping[str, Any], lang: str) -> str:
        """Words added after the case's wording (a negative actual counted as 0)."""
        return ""

    def describe(self, leaf: Indicator, lang: str) -> str:
        """How the leaf is scored, in one sentence (``perfscore explain``)."""
        raise NotImplementedError

    # --- perfscore check -------------------------------------------------------------------

    def lint(self, leaf: Indicator, context: Context) -> Iterator[Problem]:
        """Mistakes in this leaf's rules that load but score wrongly."""
        return iter(())

    def outlook(self, leaf: Indicator, context: Context) -> Outlook:
        """Whether the leaf's score is fixed at full or at 0 over every possible unit."""
        return None, None

    def trend(self, leaf: Indicator, key: str, context: Context) -> Trend:
        """How the score moves as the value of the formula ``key`` rises."""
        return Trend(None)

    def rewards(self, leaf: Indicator) -> tuple[str, int] | None:
        """The formula key whose rise this leaf's rules reward (+1) or penalize (−1) throughout, if
        any: an input read bare there is inferred to be better higher (or lower)."""
        return None

    # --- the testing kit -----------------------------------------------------------------

    def landmarks(self, leaf: Indicator) -> dict[str, list[Decimal]]:
        """Values of each formula key where the score changes its rule (targets, band edges)."""
        return {}

    # FullMarks and Draft live in Method, so a method module reaches them through the Method it imports.

    @dataclass(frozen=True)
    class FullMarks:
        """What earns a leaf its most points, in the values its rules read: ``key`` (a formula key, or
        an input the method reads itself) takes one of ``best(values)``, best first. ``values`` holds
        the leaf's other formula keys for the unit (a ratio's target). A number's best is an
        :class:`Interval`, a condition's :data:`~perfscore.intervals.TRUE`, an input's a value of it."""

        key: str
        best: Callable[[Mapping[str, Any]], list[Any]]

    def full_marks(self, leaf: Indicator, context: Context) -> Method.FullMarks | Text:
        """What a unit at or beyond every target gives the leaf (the kit expects it to earn full
        points), or why that is not known."""
        return Text(
            f"{self.title.zh}指标未说明如何得满分", f"the {self.title.en} method does not say what earns full marks"
        )

    class Draft(Protocol):
        """What :meth:`example` draws a random leaf with, so that method modules need no hypothesis:
        each call draws one value, and ``declare``/``derive`` add to the ruleset being drawn."""

        index: int  # the leaf's number, for the names of its own inputs (x3, t3)
        points: Decimal  # the leaf's points

        def choice(self, options: tuple[Any, ...]) -> Any:
            """One of ``options``."""
            ...

        def boolean(self) -> bool:
            """True or False."""
            ...

        def decimal(self, low: Decimal | int | str, high: Decimal | int | str) -> Decimal:
            """An exact decimal in [low, high] with at most 2 places."""
            ...

        def decimals(self, low: Decimal | int | str, high: Decimal | int | str, most: int) -> list[Decimal]:
            """Up to ``most`` different such decimals, ascending."""
            ...

        def award(self) -> Decimal:
            """Points from 0 to the leaf's, as precise as the ruleset rounds."""
            ...

        def declare(self, name: str, type_: str, **keys: Any) -> str:
            """Declare the input ``name`` of type ``type_`` with ``keys`` (min, max…); returns its name."""
            ...

        def derive(self, name: str, formula: str) -> str:
            """Declare the derived value ``name``; returns its name."""
            ...

    def example(self, draft: Method.Draft) -> dict[str, Any] | None:
        """The keys of a random leaf of this method (beyond name, points and method) for the kit's
        generated rulesets, drawn through ``draft``; None: such leaves are not drawn."""
        return None

    def rule(self, leaf: Indicator) -> dict[str, Any]:
        """The leaf's rule as the kit's failure reports show it: its method's own keys that are set
        (formulas as written). A list is shown as its items."""
        own = [key for key in type(leaf.spec).model_fields if key not in LeafParams.model_fields and key != "method"]
        values = {key: getattr(leaf.spec, key) for key in own}
        return {
            key: formula_text(leaf.formulas[key]) if key in leaf.formulas else value
            for key, value in values.items()
            if value is not None
        }

    unclamped: ClassVar[str | None] = None
    """The fact holding what the leaf's own formula gave before its score was kept within [0, points]
    (the ``formula-within-points`` property), if the method has one."""

    deliberate: ClassVar[frozenset[str]] = frozenset()
    """Cases whose score the leaf's rule lowers on purpose (an over-target deduction): a better input
    that lands in one is not a ``monotone`` failure."""

    qualitative: ClassVar[bool] = False
    """Whether its score rests on a judgement (a tier chosen, 定性) rather than on measured values
    (定量): signals across units (:mod:`perfscore.signals`) compare the two kinds within a unit."""

    # --- perfscore diff --------------------------------------------------------------------

    def show(self, value: Any, lang: str) -> str | None:
        """One of this method's own parameter values (a band, an over_target rule) in words for
        ``perfscore diff``; None for any other value."""
        return None

    # --- tuning (perfscore sensitivity) ----------------------------------------------------

    def tunables(self, leaf: Indicator, ruleset: Any) -> list[Tunable]:
        """The parameters of this leaf's rule, besides its points, that sensitivity may move."""
        return []

    tuned: ClassVar[tuple[str, ...]] = ()
    """The leaf's own keys besides ``points`` that :meth:`response` follows (``each``, ``bands``)."""

    def follows(self, leaf: Indicator, moves: Mapping[KeyPath, int]) -> bool:
        """Whether :meth:`response` can say how the score depends on the values in ``moves``: a method
        that does not implement it follows nothing of its own."""
        if type(self).response is Method.response:
            return not touched(leaf, moves)
        return not touched(leaf, moves, but=("points", *self.tuned))

    def least_points(self, leaf: Indicator) -> Decimal:
        """The fewest points the leaf's rule allows it (a band's own points must fit in them)."""
        return Decimal(0)

    def response(
        self, leaf: Indicator, moves: Mapping[KeyPath, int], recorded: FactsTuple, raw: Decimal, ruleset: Any
    ) -> Response | None:
        """The leaf's raw score for one unit (it scored ``raw``, with the facts ``recorded``) as the
        document values in ``moves`` move by ``t`` times their sign; None when the method cannot say.
        A leaf none of whose values move keeps its score."""
        return Response.fixed(raw) if not touched(leaf, moves) else None


def formula_text(formula: Formula) -> str:
    """A formula as the ruleset wrote it (a number as people write it)."""
    return formula.text if isinstance(formula, Expression) else plain(formula)


_BARE = re.compile(r"\s*[A-Za-z_][A-Za-z0-9_]*\s*")


def measured_name(formula: Any) -> str | None:
    """When a formula is one bare name, its values show in that name's unit."""
    if isinstance(formula, Expression):
        return formula.bare_name
    if isinstance(formula, str) and _BARE.fullmatch(formula):
        return formula.strip()
    return None
