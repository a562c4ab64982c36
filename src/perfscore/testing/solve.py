"""A unit at or beyond every target: input values that bring each leaf to what its rules call full marks.

Each leaf's method says, in the values its rules read, what earns it full points
(:meth:`~perfscore.methods.Method.full_marks`: a ratio's actual at or beyond the target, the best
band, no findings, a condition true, the best rating). The solver turns that into input values:
it fixes the inputs the leaf's other formulas read (a ratio's target), then brings the formula
into its range through one input it is linear in, or makes a condition true part by part (bools
set, comparisons solved, texts and dates chosen). Every value stays inside its input's declared
bounds; a leaf it cannot bring to its target is reported with the reason, never failed.
"""

from __future__ import annotations

import ast
import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import partial
from typing import Any

from ..checks import Context
from ..errors import PerfscoreError
from ..exact import ONE, ZERO, pinned
from ..expressions import Expression, Kind, source
from ..intervals import TRUE, Bound, Interval, divide, refine, subtract
from ..messages import Text, words
from ..methods import Method, formula_text
from ..ruleset import Indicator, Ruleset
from ._build import EVERYTHING, Build, Chooser, Missed, as_number, range_text
from ._words import say, value_text
from .data import Inputs
from .numbers import tidy

REASONS = words(
    "testing.solve",
    {
        "not-linear": ("{key} {formula} 不是某个数值输入的一次式，无法构造达到目标的数据",
                       "the {key} {formula} is not linear in a number input, so no data meeting the target can be built"),
        "condition": ("条件 {formula} 的形式无法自动构造为真", "the condition {formula} is not of a form the kit can make true"),
        "unreached": ("抽样数据都未能达到目标", "no drawn data reached the target"),
        "nothing": ("没有{key}的取值能得满分", "no value of the {key} earns full marks"),
        "not-computed": ("{formula} 无法计算（{error}）", "{formula} could not be computed ({error})"),
        "constant": ("常数 {value} 不满足 {range}", "the constant {value} is not {range}"),
        "formula-is": ("{formula} 为 {value}，不满足 {range}", "{formula} is {value}, not {range}"),
        "not-a-date": ("{formula} 不是日期", "{formula} is not a date"),
    },
)  # fmt: skip


class Unsupported(Exception):
    """A leaf whose rule has a form the solver cannot bring to its target."""

    def __init__(self, reason: Text | None = None) -> None:
        super().__init__(reason.en if reason else "")
        self.reason = reason


def _missed(reason: str, /, **fields: str | Text) -> Missed:
    return Missed(say(REASONS[reason], **fields))


Verify = Callable[[Mapping[str, Any]], bool]  # whether a scored unit's values really reached the target
Step = Callable[[Build], Verify]  # brings the unit being built to one leaf's target
Move = Callable[[Build], None]  # one part of a step


def relation(op: ast.cmpop, value: Decimal, want: bool = True, *, value_first: bool = False) -> Interval:
    """The numbers x for which ``x op value`` (``value op x`` when ``value_first``) comes out ``want``,
    as the core's interval analysis reads a comparison; for "anything but ``value``" (``!=``), the
    numbers above it."""
    if isinstance(op, ast.NotEq if want else ast.Eq):
        return Interval(value, None, low_open=True)
    x, constant = ast.Name("x"), ast.Constant(value)  # type: ignore[arg-type] # a Decimal, as in checked trees
    test = ast.Compare(constant, [op], [x]) if value_first else ast.Compare(x, [op], [constant])
    narrowed = refine(test, {"x": Bound(EVERYTHING)}, want)["x"].value
    assert isinstance(narrowed, Interval)
    return narrowed


# --- solving ----------------------------------------------------------------------------------------


class Solver:
    """How to bring a unit to each leaf's target, worked out once per ruleset."""

    def __init__(self, ruleset: Ruleset, inputs: Inputs) -> None:
        self.ruleset = ruleset
        self.inputs = inputs
        self.derived = {derived.name: derived.expression for derived in ruleset.derived}
        self._functions: dict[int, tuple[ast.expr, Callable[[Mapping[str, Any]], Any]]] = {}
        context = Context(ruleset)
        self.steps: dict[int, Step] = {}
        self.unsupported: dict[int, Text] = {}  # why a leaf's target cannot be reached by any unit
        for index, leaf in enumerate(ruleset.leaves):
            try:
                self.steps[index] = self._step(leaf, context)
            except Unsupported as error:
                assert error.reason is not None
                self.unsupported[index] = error.reason

    # --- reading formulas ---

    def inputs_in(self, node: ast.AST) -> list[str]:
        """The inputs a formula reads, directly or through derived values, in the order written."""
        found: dict[str, None] = {}

        def visit(item: ast.AST) -> None:
            if isinstance(item, ast.Name):
                if item.id in self.derived:
                    visit(self.derived[item.id].tree)
                elif item.id in self.inputs.values:
                    found.setdefault(item.id)
            for child in ast.iter_child_nodes(item):
                visit(child)

        visit(node)
        return list(found)

    def degree(self, node: ast.AST, name: str) -> int | None:
        """0 if ``node`` does not depend on the input, 1 if it is linear in it, None otherwise."""
        if name not in self.inputs_in(node):
            return 0
        if isinstance(node, ast.Name):
            return 1 if node.id == name else self.degree(self.derived[node.id].tree, name)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            return self.degree(node.operand, name)
        if isinstance(node, ast.BinOp):
            left, right = self.degree(node.left, name), self.degree(node.right, name)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Add | ast.Sub):
                return max(left, right)
            if isinstance(node.op, ast.Mult) and left + right <= 1:
                return left + right
            if isinstance(node.op, ast.Div) and right == 0:
                return left
        return None

    @pinned
    def evaluate(self, node: ast.expr, values: Mapping[str, Any]) -> Any:
        """A formula's value for the inputs in ``values`` (derived values worked out as read); Missed
        if it cannot be computed."""
        try:
            return self._function(node)(_Derived(values, self.derived))
        except (PerfscoreError, ArithmeticError, ValueError, TypeError, KeyError) as error:
            raise _missed("not-computed", formula=ast.unparse(node), error=repr(error)) from None

    def _function(self, node: ast.expr) -> Callable[[Mapping[str, Any]], Any]:
        """A (part of a) checked formula as a function of the values it reads, as the scoring pass
        computes it (:func:`perfscore.expressions.source`); compiled once per node."""
        found = self._functions.get(id(node))
        if found is None:
            namespace: dict[str, Any] = {"__builtins__": {}}

            def const(value: object) -> str:
                name = f"_k{len(namespace)}"
                namespace[name] = value
                return name

            code = source(node, const, lambda name: f"env[{const(name)}]")
            function = eval(f"lambda env: {code}", namespace)  # our own tokens only: every name is bound as a constant
            found = self._functions[id(node)] = (node, function)  # the node is kept, so its id stays its own
        return found[1]

    # --- a leaf's target ---

    def _step(self, leaf: Indicator, context: Context) -> Step:
        """How to put a unit at or beyond this leaf's target; Unsupported with the reason."""
        assert leaf.method is not None
        aim = leaf.method.full_marks(leaf, context)
        if isinstance(aim, Text):
            raise Unsupported(aim)
        given = {key: formula for key, formula in leaf.formulas.items() if key != aim.key}
        reach = self._reach(leaf, aim.key)
        key_name = leaf.method.key_names.get(aim.key, Text(aim.key, aim.key))

        def step(build: Build) -> Verify:
            """Brings the unit to the leaf's best reachable value; how to tell it got there."""
            choices = aim.best({key: self._fixed(build, formula) for key, formula in given.items()})
            missed: Missed | None = None
            for index, choice in enumerate(choices):
                if isinstance(choice, Interval) and choice.empty:
                    continue
                saved = build.save()
                try:
                    reach(build, choice)
                except Missed as error:
                    build.restore(saved)
                    missed = missed or error
                    continue
                return partial(self._reached, leaf, aim, index)
            raise missed or _missed("nothing", key=key_name)

        return step

    def _fixed(self, build: Build, formula: Expression | Decimal) -> Any:
        """A formula's value for the unit, its inputs fixed now."""
        if isinstance(formula, Expression):
            for name in self.inputs_in(formula.tree):
                build.fix(name)
        return self._value(formula, build.values)

    def _value(self, formula: Expression | Decimal, values: Mapping[str, Any]) -> Any:
        return self.evaluate(formula.tree, values) if isinstance(formula, Expression) else formula

    def _reach(self, leaf: Indicator, key: str) -> Callable[[Build, Any], None]:
        """How to give ``key`` (a formula key, or an input the method reads itself) one of its best values."""
        assert leaf.method is not None
        formula = leaf.formulas.get(key)
        if formula is None:
            return lambda build, value: build.set(key, _written(value))
        text = formula_text(formula)
        if leaf.method.formulas[key].kind is Kind.BOOL:
            assert isinstance(formula, Expression)
            try:
                make_true = self.truth(formula.tree, True)
            except Unsupported:
                raise Unsupported(say(REASONS["condition"], formula=text)) from None
            return lambda build, value: make_true(build)
        try:
            solve = self.solver(formula)
        except Unsupported:
            name = leaf.method.key_names.get(key, Text(key, key))
            raise Unsupported(say(REASONS["not-linear"], key=name, formula=text)) from None
        return solve

    def _reached(self, leaf: Indicator, aim: Method.FullMarks, chosen: int, values: Mapping[str, Any]) -> bool:
        """Whether the scored unit's ``values`` give the leaf the best value it was built for."""
        formula = leaf.formulas.get(aim.key)
        if formula is None:
            return True  # an input set to the value: the unit holds it
        try:
            best = aim.best({key: self._value(f, values) for key, f in leaf.formulas.items() if key != aim.key})[chosen]
            value = self._value(formula, values)
        except Missed:
            return False
        if best == TRUE:
            return value is True
        return isinstance(value, Decimal) and isinstance(best, Interval) and best.contains(value)

    # --- bringing a formula into a range ---

    def solver(self, formula: Expression | Decimal | ast.expr) -> Callable[[Build, Interval], None]:
        """How to bring a formula's value into a range: choose one input it is linear in, fix the others."""
        if isinstance(formula, Decimal):
            constant = formula

            def check(build: Build, goal: Interval) -> None:
                if not goal.contains(constant):
                    raise _missed("constant", value=value_text(constant), range=range_text(goal))

            return check
        node = formula.tree if isinstance(formula, Expression) else formula
        names = self.inputs_in(node)
        free = [name for name in names if self.inputs.values[name].numeric and self.degree(node, name) == 1]
        if names and not free:
            raise Unsupported()

        def fails(value: Decimal, goal: Interval) -> Missed:
            return _missed("formula-is", formula=ast.unparse(node), value=value_text(value), range=range_text(goal))

        @pinned
        def solve(build: Build, goal: Interval) -> None:
            chosen = next((name for name in free if name not in build.values), None)
            for name in names:
                if name != chosen:
                    build.fix(name)
            if chosen is None:
                value = self.evaluate(node, build.values)
                if not goal.contains(value):
                    raise fails(value, goal)
                return
            at_zero = self.evaluate(node, {**build.values, chosen: ZERO})
            slope = self.evaluate(node, {**build.values, chosen: ONE}) - at_zero
            if slope == 0:
                if not goal.contains(at_zero):
                    raise fails(at_zero, goal)
                return
            solved = divide(subtract(goal, Interval.point(at_zero)), Interval.point(slope))  # (goal − b) / a
            assert solved is not None  # the slope is not 0
            build.constrain(chosen, solved)

        return solve

    # --- making a condition hold ---

    def truth(self, node: ast.AST, want: bool) -> Move:
        """How to make a condition come out ``want``; Unsupported for forms the solver does not know."""
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            if node.value != want:
                raise Unsupported()
            return lambda build: None
        if isinstance(node, ast.Name):
            if node.id in self.derived:
                return self.truth(self.derived[node.id].tree, want)
            if self._bare_type(node) == "bool":
                name = node.id
                return lambda build: build.set(name, want)
            raise Unsupported()
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return self.truth(node.operand, not want)
        if isinstance(node, ast.BoolOp):
            if isinstance(node.op, ast.And) == want:  # every part must go the same way
                return _every([self.truth(part, want) for part in node.values])
            return _first(_options(node.values, lambda part: self.truth(part, want)))
        if isinstance(node, ast.Compare):
            pairs = list(zip([node.left, *node.comparators[:-1]], node.ops, node.comparators, strict=True))
            if want:  # every link of a chain holds; for it to fail, one link fails
                return _every([self.comparison(left, op, right, want) for left, op, right in pairs])
            return _first(_options(pairs, lambda pair: self.comparison(pair[0], pair[1], pair[2], want)))
        raise Unsupported()

    def comparison(self, left: ast.expr, op: ast.cmpop, right: ast.expr, want: bool) -> Move:
        """How to make ``left op right`` come out ``want``: a text input set to a literal (or another
        text), a date input bounded by the other side, or numbers through the linear solver on
        ``left - right``."""
        for node, other in ((left, right), (right, left)):
            if (
                self._bare_type(node) == "text"
                and isinstance(other, ast.Constant)
                and isinstance(other.value, str)
                and isinstance(op, ast.Eq | ast.NotEq)
            ):
                literal: str = other.value
                text = literal if isinstance(op, ast.Eq) == want else ("其他" if literal != "其他" else "")
                name = _name(node)
                return lambda build: build.set(name, text)
        dated = [side for side in ((left, right, False), (right, left, True)) if self._bare_type(side[0]) == "date"]
        if dated:
            # The free side is a date input without a default when there is one; the other side is fixed.
            node, other, value_first = next(
                (side for side in dated if self.inputs.values[_name(side[0])].default is None), dated[0]
            )
            name = _name(node)
            others = [each for each in self.inputs_in(other) if each != name]

            def dates(build: Build) -> None:
                for each in others:
                    build.fix(each)
                value = self.evaluate(other, build.values)
                if not isinstance(value, datetime.date):
                    raise _missed("not-a-date", formula=ast.unparse(other))
                build.constrain(name, relation(op, as_number(value), want, value_first=value_first))

            return dates
        solve = self.solver(ast.BinOp(left=left, op=ast.Sub(), right=right))
        goal = relation(op, ZERO, want)
        return lambda build: solve(build, goal)

    def _bare_type(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name) and node.id in self.inputs.values:
            return self.inputs.values[node.id].type
        return None

    # --- the whole unit ---

    def full_marks_unit(
        self, base: Mapping[str, Any], chooser: Chooser, missed: dict[int, Text]
    ) -> tuple[dict[str, Any], dict[int, Verify]]:
        """``base`` changed so that every leaf it can be worked out for is at or beyond its target, and
        how to tell each such leaf really is; ``missed`` gets why the others are not."""
        build = Build(self.inputs, chooser)
        verifies: dict[int, Verify] = {}
        for index, step in self.steps.items():
            build.leaf = index
            saved = build.save()
            try:
                verifies[index] = step(build)
            except Missed as error:
                build.restore(saved)
                missed.setdefault(index, error.reason)
        for name, interval in list(build.bounds.items()):
            try:
                build.values[name] = chooser.within(name, interval, build.values)
            except Missed as error:
                for index in build.owners.get(name, ()):
                    verifies.pop(index, None)
                    missed.setdefault(index, error.reason)
        unit = {**base, **build.values}
        for index in verifies:
            for name in sorted(self.ruleset.leaves[index].needs):
                if name not in unit and self.inputs.values[name].default is None:
                    unit[name] = chooser.pick(name)
        ordered = {name: unit[name] for name in self.ruleset.inputs if name in unit}
        return self.inputs.within_each_other(ordered), verifies


class _Derived(Mapping[str, Any]):
    """A unit's values, with each derived value worked out (by its own compiled formula) when read."""

    def __init__(self, given: Mapping[str, Any], derived: Mapping[str, Expression]) -> None:
        self.given = given
        self.derived = derived
        self.worked_out: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name in self.given:
            return self.given[name]
        if name not in self.worked_out:
            self.worked_out[name] = self.derived[name].run(self)
        return self.worked_out[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.given)

    def __len__(self) -> int:
        return len(self.given)


def _written(value: Any) -> Any:
    """An input's value as a unit writes it: numbers without trailing zeros ({tier = 好, score = 9})."""
    if isinstance(value, Decimal):
        return tidy(value)
    if isinstance(value, Mapping):
        return {key: _written(item) for key, item in value.items()}
    return value


def _name(node: ast.AST) -> str:
    assert isinstance(node, ast.Name)
    return node.id


def _options(parts: Iterable[Any], plan: Callable[[Any], Move]) -> list[Move]:
    """The moves for those ``parts`` the solver knows how to handle; Unsupported if none."""
    options = []
    for part in parts:
        try:
            options.append(plan(part))
        except Unsupported:
            continue
    if not options:
        raise Unsupported()
    return options


def _every(moves: Sequence[Move]) -> Move:
    def every(build: Build) -> None:
        """Each move in turn."""
        for move in moves:
            move(build)

    return every


def _first(options: Sequence[Move]) -> Move:
    """The first option that works for the unit built so far."""

    def first(build: Build) -> None:
        missed: Missed | None = None
        for option in options:
            saved = build.save()
            try:
                option(build)
                return
            except Missed as error:
                build.restore(saved)
                missed = missed or error
        assert missed is not None
        raise missed

    return first
