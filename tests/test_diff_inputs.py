"""``perfscore diff`` when the revision adds or drops inputs: every unit still gets its movement.

The pair below is a two-leaf ruleset revised the way finance bureaus revise: the 2024 version drops
the input ``trained`` (and its leaf), and adds ``complaints`` (with a default), ``surveyed`` (which
units may leave out) and ``audited`` (required, no default). The units' data was written for the
2023 version.
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import perfscore
from perfscore.cli import run
from perfscore.diff import AddedInput, compare, movements, render_diff
from perfscore.units import Unit

OLD = """\
[ruleset]
id = "pair"
title = "测试规则"
version = "2023"
sources = ["财预〔2020〕10号"]
assumptions = ["权重为假设"]
total = 20

[inputs.trained]
type = "count"
label = "培训人次"

[inputs.rate]
type = "percent"
label = "满意度"

[indicators.trained]
name = "培训人次"
points = 10
method = "ratio"
actual = "trained"
target = 100

[indicators.rate]
name = "满意度"
points = 10
method = "ratio"
actual = "rate"
target = 90
"""

NEW = """\
[ruleset]
id = "pair"
title = "测试规则"
version = "2024"
sources = ["财预〔2020〕10号", "某省 2024 年评分办法"]
assumptions = ["权重为本规则假设"]
total = 20

[inputs.rate]
type = "percent"
label = "满意度"

[inputs.complaints]
type = "count"
label = "有效投诉次数"
default = 0

[inputs.surveyed]
type = "count"
label = "调查人数"
required = false

[inputs.audited]
type = "bool"
label = "已审计"

[indicators.rate]
name = "满意度"
points = 10
method = "ratio"
actual = "rate"
target = 90

[indicators.complaints]
name = "投诉处理"
points = 10
method = "deduction"
count = "complaints"
each = 1
"""

OLD_RULES, NEW_RULES = perfscore.loads(OLD), perfscore.loads(NEW)


def unit(unit_id: str, **values: Any) -> Unit:
    return Unit(unit_id, None, values, f"units#{unit_id}")


def test_a_dropped_input_is_ignored_and_every_unit_moves() -> None:
    """trained is gone in 2024: the unit's value for it is ignored under the new version, not refused."""
    (move,) = movements(OLD_RULES, NEW_RULES, [unit("a", trained=80, rate=81, audited=True)])
    assert move.errors == ()
    # old: 80/100 × 10 = 8; 81/90 × 10 = 9; new: 9 + 10 (no complaints: the default 0)
    assert (move.old_total, move.new_total, move.difference) == (Decimal("17.00"), Decimal("19.00"), Decimal("2.00"))


def test_each_added_input_left_out_is_reported_with_what_was_done() -> None:
    """The default was used; an optional input scored as missing; a required one stops the new side only."""
    (move,) = movements(OLD_RULES, NEW_RULES, [unit("a", trained=80, rate=81)])
    assert move.added == (
        AddedInput("complaints", "有效投诉次数", None, "default", 0),
        AddedInput("surveyed", "调查人数", None, "missing"),
        AddedInput("audited", "已审计", None, "required"),
    )
    assert move.old_total == Decimal("17.00")
    assert [side for side, _ in move.errors] == ["new"]
    assert [p.code for p in move.errors[0][1].error.problems] == ["missing-input"]


def test_values_for_the_new_version_are_ignored_under_the_old() -> None:
    """Data already filled for 2024 (complaints, audited) scores under 2023 too; supplied, it is not reported."""
    (move,) = movements(OLD_RULES, NEW_RULES, [unit("a", trained=80, rate=81, complaints=2, audited=False)])
    assert (move.old_total, move.new_total) == (Decimal("17.00"), Decimal("17.00"))
    assert [added.name for added in move.added] == ["surveyed"]


def test_a_name_neither_version_knows_is_still_refused() -> None:
    """A typing mistake is not an input change: both sides refuse it."""
    (move,) = movements(OLD_RULES, NEW_RULES, [unit("a", trained=80, rate=81, audited=True, rat=1)])
    assert [side for side, _ in move.errors] == ["old", "new"]


def test_sources_and_assumptions_changes_are_listed() -> None:
    """Entries added and removed, as data and in the report."""
    diff = compare(OLD_RULES, NEW_RULES)
    assert (diff.sources_added, diff.sources_removed) == (("某省 2024 年评分办法",), ())
    assert (diff.assumptions_added, diff.assumptions_removed) == (("权重为本规则假设",), ("权重为假设",))
    text = render_diff(diff, [])
    assert "依据文件变化\n  新增：某省 2024 年评分办法\n" in text
    assert "假设变化\n  删除：权重为假设\n  新增：权重为本规则假设\n" in text
    assert "Sources changed\n  added: 某省 2024 年评分办法\n" in render_diff(diff, [], lang="en")


def test_the_report_groups_units_by_the_input_they_left_out() -> None:
    """新增输入未填报: one line per input and what was done, the units under it."""
    units = [unit("a", trained=80, rate=81, audited=True), unit("b", trained=90, rate=90, audited=False)]
    text = render_diff(compare(OLD_RULES, NEW_RULES), movements(OLD_RULES, NEW_RULES, units))
    assert text.split("新增输入未填报\n")[1] == (
        "  complaints（有效投诉次数）：未填报，按默认值 0 计分\n"
        "    units#a\n"
        "    units#b\n"
        "  surveyed（调查人数）：未填报，可不填，按缺失数据计分\n"
        "    units#a\n"
        "    units#b\n"
    )


def test_json_lists_the_inputs_each_unit_left_out() -> None:
    """units[].inputs_added, with how each was handled."""
    moves = movements(OLD_RULES, NEW_RULES, [unit("a", trained=80, rate=81)])
    document = json.loads(render_diff(compare(OLD_RULES, NEW_RULES), moves, "json"))
    assert [(item["name"], item["how"]) for item in document["units"][0]["inputs_added"]] == [
        ("complaints", "default"),
        ("surveyed", "missing"),
        ("audited", "required"),
    ]
    assert document["assumptions"] == {"added": ["权重为本规则假设"], "removed": ["权重为假设"]}


def test_a_sheet_with_columns_of_both_versions(tmp_path: Path) -> None:
    """perfscore diff reads a sheet whose columns give inputs of either version; a column neither knows is refused."""
    (tmp_path / "old.toml").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.toml").write_text(NEW, encoding="utf-8")
    (tmp_path / "units.csv").write_text("单位编号,培训人次,满意度,已审计\na,80,81,是\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = run(
        ["diff", str(tmp_path / "old.toml"), str(tmp_path / "new.toml"), str(tmp_path / "units.csv")], out, err
    )
    assert (status, err.getvalue()) == (0, "")
    assert re.search(r"units\.csv#a +17\.00 +19\.00 +\+2\.00  优", out.getvalue()) is None  # 17 of 20 is not 优
    assert re.search(r"units\.csv#a +17\.00 +19\.00 +\+2\.00 ", out.getvalue())
    (tmp_path / "units.csv").write_text("单位编号,满意度,培训人数\na,81,80\n", encoding="utf-8")
    status = run(
        ["diff", str(tmp_path / "old.toml"), str(tmp_path / "new.toml"), str(tmp_path / "units.csv")], out, err
    )
    assert status == 1 and "units.csv: C1: " in err.getvalue() and "'培训人次'" in err.getvalue()
