"""What a rule on a group or the total is, and the vocabulary every rule kind is written in.

A rule kind is a stateless object registered under its ``kind = "…"`` name
(:data:`perfscore.grouprules.RULE_KINDS`). Everything perfscore knows about it lives in its module
and is reached through these hooks, never through a list of kind names elsewhere:

==================  ==========================================================================
load                ``params`` (the pydantic model of its keys), ``check`` (further checks,
                    with key paths), ``limit`` (the number of points it compares with or sets)
scoring             ``stage`` (when it applies on its node) and ``emit``: the one statement of
                    its arithmetic, as code written through a :class:`RuleCode`. The compiler
                    writes the same lines into the scoring pass and into the reference path.
explanation         ``steps`` (their zh/en wording), ``describe``
``perfscore check``  ``family`` (rules whose conditions must not overlap), ``lint``
testing kit         ``respected`` (what the node's score satisfies right after the rule applied),
                    ``raises_to`` (how far above its points it may lift a node), ``deliberate``
                    (a penalty a better value may incur, not a ``monotone`` failure),
                    ``example`` (how to draw a random rule of it)
``perfscore diff``   ``title``
==================  ==========================================================================

The order in which the rules of one node apply is their ``stage``, then the order written:
floors (1), ceilings (2), fixed adjustments (3), bonus items (4), vetoes (5); a node's rules
apply once its children (with their own rules) are scored. ``docs/group-rules.md`` says why.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from ..errors import Location, Problem
from ..expressions import Expression
from ..messages import Text
from ..model import CHECKS, RuleParams
from ..text import plain

if TYPE_CHECKING:
    from ..checks import Context


@dataclass(frozen=True)
class Step:
    """What a rule did to its node's score, with its wording: ``{node}``, ``{cause}``, ``{limit}``,
    ``{before}``, ``{after}``, ``{change}`` (the points taken off or added, unsigned) and
    ``{grade}`` are filled in."""

    name: str
    zh: str
    en: str

    def __repr__(self) -> str:
        return f"<step {self.name}>"

    def wording(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


TOTAL = Text("总分", "the total")
"""How the total is named in explanations (its rules are declared under ``[indicators]``)."""


@dataclass(frozen=True)
class RuleTunable:
    """A number of a rule that ``perfscore sensitivity`` may move (its ``key``, its ``value``, the values
    it may take, its words): a number of a steady kind, so that the node's score never falls as it
    rises (``docs/tuning.md``)."""

    key: str
    value: Decimal
    label: Text
    low: Decimal | None = None
    high: Decimal | None = None
    low_open: bool = False
    high_open: bool = False


def tunable_label(template: Text, rule: GroupRule) -> Text:
    """``template`` filled with the rule's node (in each language's own name) and its id."""
    return Text(template.zh.format(node=rule.label.zh, id=rule.id), template.en.format(node=rule.label.en, id=rule.id))


@dataclass(frozen=True, eq=False)
class GroupRule:
    """One compiled rule: its kind and keys, the node it acts on and its condition."""

    kind: RuleKind
    spec: Any  # its kind's params model
    node: str  # the id of the group it acts on; "" for the total
    label: Text  # the node's name in both languages
    points: Decimal  # the node's points
    index: int  # its position among the node's rules, as written
    when: Expression
    needs: frozenset[str]  # the inputs its condition needs (a unit may leave one out: the rule then does not apply)
    shows: tuple[str, ...]  # the names its condition reads, in the order written: their values explain it
    scores: Mapping[str, str]  # the names of score("…") in its condition → the indicator's id
    limit: Decimal | None  # the points it compares with or sets (a ceiling's, a floor's, an adjustment's)
    location: Location

    @property
    def id(self) -> str:
        """Its key path under ``indicators``: ``rules.0`` (the total's first), ``output.rules.1``."""
        return f"{self.node}.rules.{self.index}" if self.node else f"rules.{self.index}"

    @property
    def stage(self) -> int:
        return self.kind.stage

    def reason(self, lang: str) -> str | None:
        """The rule in the ruleset's own words, if it gives them."""
        reason: str | None = (self.spec.reason_en or self.spec.reason) if lang == "en" else self.spec.reason
        return reason

    def __repr__(self) -> str:
        return f"<{self.kind.name} rule {self.id}>"


class RuleCode(Protocol):
    """Where a rule kind writes its arithmetic (the lines run when its condition holds).

    ``score`` is the local holding the node's score so far, ``points`` the node's points; the
    other names a kind's lines may use are those of :class:`perfscore.methods.Code`.
    """

    score: str
    points: str

    def const(self, value: object) -> str:
        """A name bound to ``value``."""
        ...

    def line(self, text: str) -> None:
        """One statement."""
        ...

    def block(self, header: str) -> AbstractContextManager[None]:
        """``header`` and the lines written inside the ``with`` indented under it."""
        ...

    def change(self, new: str, step: Step) -> None:
        """The node's score becomes ``new``; the step is recorded with the score before and after."""
        ...

    def force(self, grade: str) -> None:
        """The unit's grade is at most the one named by the constant ``grade``."""
        ...


class RuleSite(Protocol):
    """What a kind's load-time checks may ask and report."""

    points: Decimal  # the node's points
    places: int  # the ruleset's decimal places
    grades: tuple[str, ...]  # the ruleset's grade names, best first

    def problem(
        self, keys: tuple[str | int, ...], message: str | Text, suggestion: str | None = None, *, code: str
    ) -> None:
        """Report a problem at ``keys`` under the rule (``("at_most",)``)."""
        ...


class RuleKind:
    """A kind of rule on a group or the total. Subclasses fill in the class attributes and hooks."""

    name: ClassVar[str]
    title: ClassVar[Text]  # 封顶 / ceiling
    params: ClassVar[type[RuleParams]]
    stage: ClassVar[int]
    steps: ClassVar[tuple[Step, ...]]
    family: ClassVar[str | None] = None  # kinds whose clauses on one node are read as one table (overlaps, gaps)
    deliberate: ClassVar[bool] = False  # it lowers a score on purpose when its condition holds (a penalty)
    steady: ClassVar[bool] = False
    """Whether, once its condition is fixed, it never moves the node's score by more than the node's
    indicators moved, nor the other way (x ↦ min(x, c), max(x + p, 0), 0, …: rising, at most slope 1).
    ``perfscore sensitivity`` then skips the values of a parameter that cannot move a grade."""
    caps: ClassVar[bool] = False  # its limit is the most its node may score when it applies (a ceiling)

    def __repr__(self) -> str:
        return f"<rule kind {self.name}>"

    def __reduce__(self) -> str:
        return self.name.upper()  # registered kinds pickle by reference to their module's singleton

    # --- load ----------------------------------------------------------------------------

    def check(self, spec: Any, site: RuleSite) -> bool:
        """Checks beyond the params model; False when the rule cannot be built."""
        return True

    def tunables(self, rule: GroupRule) -> list[RuleTunable]:
        """The rule's numbers that ``perfscore sensitivity`` may move (none by default)."""
        return []

    def limit(self, spec: Any, points: Decimal) -> Decimal | None:
        """The points the rule compares with or sets, for a node worth ``points``."""
        return None

    # --- scoring -------------------------------------------------------------------------

    def emit(self, rule: GroupRule, code: RuleCode) -> None:
        """Write what the rule does when its condition holds (see :class:`RuleCode`)."""
        raise NotImplementedError

    # --- words ---------------------------------------------------------------------------

    def describe(self, rule: GroupRule, lang: str) -> str:
        """What the rule does, in a few words (``perfscore explain``, ``perfscore diff``)."""
        raise NotImplementedError

    # --- perfscore check -------------------------------------------------------------------

    def lint(self, rule: GroupRule, context: Context) -> Iterator[Problem]:
        """Mistakes in this rule that load but score wrongly (a ceiling that can never bind)."""
        return iter(())

    # --- the testing kit -----------------------------------------------------------------

    def respected(self, rule: GroupRule, after: Decimal) -> bool:
        """Whether ``after``, the node's score right after the rule applied, is what the rule promises."""
        return True

    def raises_to(self, rule: GroupRule) -> Decimal | None:
        """The most the rule may lift its node to, when that may be above the node's points (a bonus's ceiling)."""
        return None

    class Draft(Protocol):
        """What :meth:`example` draws a random rule with (the kit's ``rulesets(rules=True)``): two
        conditions on one leaf's score, and values drawn for the rule's node."""

        good: str  # a condition that holds once the leaf does well (score("k3") >= 4.5)
        bad: str  # its opposite
        points: Decimal  # the node's points
        amount: Decimal  # points from 0 to the node's, as precise as the ruleset rounds
        step: Decimal  # points above 0, as precise as the ruleset rounds
        worst: str  # the lowest grade's name

        def boolean(self) -> bool:
            """True or False."""
            ...

    def example(self, draft: RuleKind.Draft) -> dict[str, Any] | None:
        """The keys of a random rule of this kind (beyond ``kind``) whose effect never falls as the leaf
        does better (so a ruleset's total stays monotone); None: such rules are not drawn."""
        return None


def check_places(value: Decimal, keys: tuple[str | int, ...], site: RuleSite) -> bool:
    """Points finer than the ruleset's rounding would give a node a score it cannot show."""
    if value != round(value, site.places):
        site.problem(
            keys,
            CHECKS["places"].format(points=plain(value), places=site.places),
            code="points-precision",
        )
        return False
    return True


def points_words(value: Decimal | None) -> str:
    return "—" if value is None else plain(value)


__all__ = ["TOTAL", "GroupRule", "RuleCode", "RuleKind", "RuleSite", "Step", "check_places", "points_words"]
