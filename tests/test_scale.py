"""Scale: 10,000 indicators load and score, and no generated function or expression grows with them.

Issue #8: "10,000 indicators load and score (no deep expression in generated code)". The ruleset
here is the largest the default limits allow: 1,000 groups of 9 leaves (10,000 indicator tables),
every leaf worth 1 point, mixing the methods — ratio ≥ and ≤ (linear and inverse), bands,
deduction, boolean, formula — over 4,000 inputs. Each leaf's score is worked out below from the
generated data with fractions, independently of perfscore, so the total is known.
"""

from __future__ import annotations

import ast
import pickle
import random
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

import perfscore
from perfscore import Limits, Ruleset, RulesetError, ScoreResult
from perfscore.compiler import CHUNK

GROUPS = 1_000
LEAVES = 9  # per group: 1,000 groups + 9,000 leaves = 10,000 indicator tables
LIMIT = Limits().max_indicators


def ruleset_text(groups: int = GROUPS, extra_leaf: bool = False) -> str:
    """``groups`` groups of the 9 leaves below, each reading its group's inputs a, c (numbers), n (a count), ok."""
    parts = [
        "[ruleset]",
        'id = "scale"',
        'title = "万项指标"',
        'version = "1"',
        'sources = ["测试"]',
        f"total = {groups * LEAVES + extra_leaf}",
    ]
    for g in range(groups):
        parts += [f'[inputs.a{g}]\ntype = "number"\nlabel = "a{g}"\nmin = 0']
        parts += [f'[inputs.c{g}]\ntype = "number"\nlabel = "c{g}"\nmin = 0']
        parts += [f'[inputs.n{g}]\ntype = "count"\nlabel = "n{g}"']
        parts += [f'[inputs.ok{g}]\ntype = "bool"\nlabel = "ok{g}"']
    for g in range(groups):
        leaf = f'points = 1\nname = "{{}}{g}"\n'
        parts += [
            f'[indicators.g{g}]\nname = "组{g}"\npoints = {LEAVES}',
            f'[indicators.g{g}.r]\n{leaf.format("达标率")}method = "ratio"\nactual = "a{g}"\ntarget = 80',
            f'[indicators.g{g}.l]\n{leaf.format("线性")}method = "ratio"\nactual = "c{g}"\ntarget = 40\ndirection = "<="',
            f'[indicators.g{g}.i]\n{leaf.format("反比")}method = "ratio"\nactual = "c{g}"\ntarget = 40\n'
            'direction = "<="\nreverse = "inverse"',
            f'[indicators.g{g}.b]\n{leaf.format("区间")}method = "bands"\nvalue = "a{g}"\n'
            "bands = [{max = 50, fraction = 0}, {min = 50, max = 90, points = 0.5}, {min = 90, fraction = 1}]",
            f'[indicators.g{g}.d]\n{leaf.format("扣分")}method = "deduction"\ncount = "n{g}"\neach = 0.25',
            f'[indicators.g{g}.o]\n{leaf.format("是否")}method = "boolean"\nvalue = "ok{g}"',
            f'[indicators.g{g}.f]\n{leaf.format("公式")}method = "formula"\nformula = "points * a{g} / 100"',
            f'[indicators.g{g}.s]\n{leaf.format("合计")}method = "ratio"\nactual = "a{g} + c{g}"\ntarget = 150',
            f'[indicators.g{g}.n]\n{leaf.format("少于两项")}method = "boolean"\nvalue = "n{g} < 2"',
        ]
    if extra_leaf:
        parts += ['[indicators.extra]\nname = "多一项"\npoints = 1\nmethod = "boolean"\nvalue = "ok0"']
    return "\n".join(parts) + "\n"


def unit_data(seed: int = 10_000) -> dict[str, Any]:
    """A unit's values: a in [0, 120] and c in [0, 100] to one decimal, n in 0..5, ok mostly true."""
    rng = random.Random(seed)
    data: dict[str, Any] = {}
    for g in range(GROUPS):
        data[f"a{g}"] = Decimal(rng.randint(0, 1200)).scaleb(-1)
        data[f"c{g}"] = Decimal(rng.randint(0, 1000)).scaleb(-1)
        data[f"n{g}"] = rng.randint(0, 5)
        data[f"ok{g}"] = rng.random() < 0.7
    return data


def half_up(value: Fraction) -> Fraction:
    """A non-negative score rounded half-up to 2 places (the default rounding, for each leaf)."""
    return Fraction(int(value * 100 + Fraction(1, 2)), 100)


def expected_scores(data: dict[str, Any]) -> Iterator[tuple[str, Fraction]]:
    """Each leaf's rounded score by the methods' rules (docs/methods), worked with fractions."""
    for g in range(GROUPS):
        a, c = Fraction(data[f"a{g}"]), Fraction(data[f"c{g}"])
        n, ok = data[f"n{g}"], data[f"ok{g}"]
        raw = {
            "r": min(a / 80, Fraction(1)),  # ≥ 80: a / 80 of the points, all of them from 80
            "l": Fraction(1) if c <= 40 else max(1 - (c - 40) / 40, Fraction(0)),  # ≤ 40, linear: 0 from 80
            "i": Fraction(1) if c <= 40 else 40 / c,  # ≤ 40, inverse: 40 / c of the points
            "b": Fraction(0)
            if a < 50
            else Fraction(1, 2)
            if a < 90
            else Fraction(1),  # [0, 50) 0; [50, 90) 0.5; 90+ all
            "d": max(1 - Fraction(n, 4), Fraction(0)),  # 0.25 off per finding, floored at 0
            "o": Fraction(ok),
            "f": min(max(a / 100, Fraction(0)), Fraction(1)),  # points × a / 100, kept within [0, 1]
            "s": min((a + c) / 150, Fraction(1)),
            "n": Fraction(n < 2),
        }
        for key, value in raw.items():
            yield f"g{g}.{key}", half_up(value)


@pytest.fixture(scope="module")
def text() -> str:
    return ruleset_text()


@pytest.fixture(scope="module")
def ruleset(text: str) -> Ruleset:
    """The 10,000-indicator ruleset, loaded once under the default limits."""
    return perfscore.loads(text, source="scale.toml")


@pytest.fixture(scope="module")
def result(ruleset: Ruleset) -> ScoreResult:
    return ruleset.score(unit_data(), unit="scale")


def test_ten_thousand_indicators_load_under_the_default_limits(text: str, ruleset: Ruleset) -> None:
    """A ruleset with exactly max_indicators (10,000) indicator tables and 4,000 inputs loads with no limit raised."""
    assert len(text.encode("utf-8")) <= Limits().max_bytes
    assert LIMIT == 10_000
    assert len(list(ruleset.indicators())) == LIMIT
    assert len(ruleset.leaves) == GROUPS * LEAVES
    assert len(ruleset.inputs) == 4 * GROUPS
    assert {leaf.method.name for leaf in ruleset.leaves if leaf.method} == {
        "ratio",
        "bands",
        "deduction",
        "boolean",
        "formula",
    }


def test_one_more_indicator_is_refused() -> None:
    """10,001 indicator tables are refused with code too-many-indicators (and nothing else)."""
    with pytest.raises(RulesetError) as caught:
        perfscore.loads(ruleset_text(extra_leaf=True), source="scale.toml")
    assert [problem.code for problem in caught.value.problems] == ["too-many-indicators"]


def test_the_total_is_the_sum_of_each_leafs_score_worked_out_independently(result: ScoreResult) -> None:
    """Every leaf scores what its method's rule gives for the generated data, and the total and each
    group's subtotal are their sums."""
    expected = dict(expected_scores(unit_data()))
    assert {item.id: Fraction(item.score) for item in result.items} == expected
    assert Fraction(result.total) == sum(expected.values())
    for g in (0, 1, 499, 999):
        assert Fraction(result.subtotals[f"g{g}"]) == sum(v for k, v in expected.items() if k.startswith(f"g{g}."))
    assert len({item.score for item in result.items}) > 50  # scores of many sizes, not only 0 and 1


def test_every_leaf_is_explained(result: ScoreResult) -> None:
    """Each of the 9,000 leaves has an explanation in both languages, naming it and saying what it scored."""
    for item in result.items:
        zh, en = item.explain("zh"), item.explain("en")
        assert zh.startswith(f"{item.name}：") and en.startswith(f"{item.name}: ")
        if item.lost:
            assert f"得 {item.score} 分" in zh and f"扣 {item.lost} 分" in zh
            assert f"{item.score} of 1 points, {item.lost} lost." in en
        else:
            assert "得满分 1 分" in zh and "full marks, 1 points." in en


def test_it_pickles_and_scores_the_same_after(ruleset: Ruleset, result: ScoreResult) -> None:
    """The ruleset travels by pickle (as its source, compiled again on arrival) and scores the unit the same."""
    again = pickle.loads(pickle.dumps(ruleset))
    assert again is not ruleset and len(again.leaves) == len(ruleset.leaves)
    scored = again.score(unit_data(), unit="scale")
    assert str(scored.total) == str(result.total)
    assert [item.score for item in scored.items] == [item.score for item in result.items]


def depth(tree: ast.AST) -> int:
    """How deeply the syntax tree's nodes nest (a chain of n additions nests n deep)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return deepest


def test_no_generated_function_grows_with_the_ruleset(ruleset: Ruleset) -> None:
    """No generated function is longer than a few thousand lines and no expression nests deeper than a
    chunk's sum: functions hold at most CHUNK leaves and CHUNK inputs' checks, whatever the ruleset's size."""
    sources = ruleset.generated_code()  # every generated function, the chunks the passes call included
    longest = max(sources, key=lambda name: sources[name].count("\n"))
    assert sources[longest].count("\n") <= 25 * CHUNK, f"{longest} has {sources[longest].count(chr(10))} lines"
    chunks = sorted(name for name in sources if name.startswith(("score.", "pass.")))
    # the first CHUNK leaves (and inputs) are in the main functions; each further CHUNK in a function of its own
    assert len(chunks) == 2 * (GROUPS * LEAVES // CHUNK - 1) + (4 * GROUPS // CHUNK - 1)
    # every chunk of a kind is written by the same code: the main functions and the first chunk of each kind
    sampled = ["score", "pass", *{name.rstrip("0123456789"): name for name in reversed(chunks)}.values()]
    assert len(sampled) == 5  # score, pass, score.score_…, score.check_…, pass.score_…
    for name in sampled:
        assert depth(ast.parse(sources[name])) <= CHUNK + 20, name  # the sum of a chunk's CHUNK scores


def test_many_derived_values_are_computed_in_chunks_of_their_own() -> None:
    """Derived values beyond one chunk are computed by functions of their own: 3 × CHUNK derived values,
    each with a fallback, score correctly (d_i = x / i, the last one read by the leaf) in short functions."""
    count = 3 * CHUNK
    derived = "\n".join(f'[derived.d{i}]\nformula = "x / {i}"\nfallback = 0\n' for i in range(1, count + 1))
    text = (
        '[ruleset]\nid = "derived"\ntitle = "计算值"\nversion = "1"\nsources = ["test"]\ntotal = 10\n\n'
        '[inputs.x]\nlabel = "x"\nmin = 0\n\n' + derived + "\n"
        f'[indicators.item]\nname = "指标"\npoints = 10\nmethod = "formula"\nformula = "min(points, d{count} * {count})"\n'
    )
    ruleset = perfscore.loads(text)
    assert ruleset.score({"x": 7}).total == Decimal("7.00")  # d_600 = 7 / 600, × 600 = 7
    sources = ruleset.generated_code()
    assert max(source.count("\n") for source in sources.values()) <= 25 * CHUNK
    assert len([name for name in sources if ".derive_" in name]) == 2 * 3  # 3 chunks, in both passes
