"""Shipped rulesets are shipped: the repository's rulesets/ is installed as the package
``perfscore.rulesets``, listed by ``perfscore.shipped()`` and ``perfscore rulesets``, and loaded by id
from Python and by every command that takes a RULESET (a file of the same name still wins)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

import perfscore
from helpers import ROOT
from perfscore import UnreadableFileError
from perfscore.cli import run

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

FILES = sorted((ROOT / "rulesets").glob("*.toml"))
SEED = str(ROOT / "examples" / "liwan-2023.toml")


def cli(*argv: str) -> tuple[int, str, str]:
    """Run the perfscore command line; return its status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def declared(path: Path) -> dict[str, str]:
    """The [ruleset] table of a ruleset file."""
    meta: dict[str, str] = tomllib.loads(path.read_text(encoding="utf-8"))["ruleset"]
    return meta


# --- perfscore.shipped() ----------------------------------------------------------------------------


def test_the_repository_has_rulesets_to_ship() -> None:
    """The folder the package is built from holds the rulesets the README lists."""
    assert [path.name for path in FILES] == [
        "department-wide.toml",
        "project-capped-total.toml",
        "project-execution-bands.toml",
        "project-four-stage.toml",
        "project-management-performance.toml",
        "project-mof-2020.toml",
    ]


def test_shipped_lists_the_rulesets_folder() -> None:
    """shipped() lists every ruleset of rulesets/, with the id, titles and version it declares, installed
    byte for byte; each file is named after its id."""
    entries = perfscore.shipped()
    assert [entry.id for entry in entries] == sorted(declared(path)["id"] for path in FILES)
    for entry, path in zip(entries, FILES, strict=True):
        meta = declared(path)
        assert (entry.id, entry.title, entry.title_en, entry.version) == (
            meta["id"],
            meta["title"],
            meta.get("title_en"),
            meta["version"],
        )
        assert entry.file.name == f"{entry.id}.toml"
        assert entry.file.read_bytes() == path.read_bytes()


def test_a_shipped_entry_is_labelled_in_both_languages() -> None:
    """label('en') is the English title, label('zh') the Chinese one."""
    entry = perfscore.shipped()[0]
    assert entry.label("zh") == "部门整体支出绩效自评（通用框架）"
    assert entry.label("en") == "Department-wide expenditure performance self-evaluation (general framework)"


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_load_by_id_is_the_file(path: Path) -> None:
    """perfscore.load(id) is the shipped file: the same text and the same rules."""
    by_id = perfscore.load(path.stem)
    by_path = perfscore.load(path)
    assert by_id.text == by_path.text
    assert by_id.id == path.stem
    assert Path(by_id.source or "").name == path.name


def test_load_by_id_scores_the_seed_example() -> None:
    """The README's example, with the ruleset named by id, gives its hand-checked 99.75."""
    (unit,) = perfscore.read_units(SEED)
    assert perfscore.load("department-wide").score(unit.values).total == Decimal("99.75")


def test_a_file_of_that_name_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file called like a shipped id, in the working folder, is loaded instead of the shipped ruleset."""
    shutil.copy(ROOT / "rulesets" / "project-mof-2020.toml", tmp_path / "department-wide")
    monkeypatch.chdir(tmp_path)
    assert perfscore.load("department-wide").id == "project-mof-2020"


def test_an_unknown_id_lists_the_shipped_ones() -> None:
    """A name that is neither a file nor a shipped id is an UnreadableFileError (an OSError) listing the
    ids and suggesting the closest."""
    with pytest.raises(OSError) as caught:
        perfscore.load("department-wid")
    assert isinstance(caught.value, UnreadableFileError)
    assert str(caught.value) == (
        "department-wid: cannot read the ruleset: no such file, and no ruleset shipped with perfscore has the id "
        "department-wid; the shipped ones are department-wide, project-capped-total, project-execution-bands, "
        "project-four-stage, project-management-performance, project-mof-2020 (did you mean 'department-wide'?)"
    )


def test_a_missing_path_keeps_its_plain_message() -> None:
    """A missing file named as a path (with a folder or .toml) is not taken for an id."""
    for name in ("nope.toml", "rulesets/department-wide", "department-wide.toml"):
        with pytest.raises(UnreadableFileError) as caught:
            perfscore.load(Path("/nonexistent") / name if "/" in name else name)
        assert str(caught.value).endswith("cannot read the ruleset (No such file or directory)")


# --- the command line -----------------------------------------------------------------------------------


def test_score_accepts_an_id() -> None:
    """perfscore score department-wide DATA prints what the path gives."""
    by_id = cli("score", "department-wide", SEED, "--format", "json")
    assert by_id == cli("score", str(ROOT / "rulesets" / "department-wide.toml"), SEED, "--format", "json")
    assert by_id[0] == 0 and '"total": "99.75"' in by_id[1]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_explain_accepts_an_id(fmt: str) -> None:
    """perfscore explain ID prints what the path gives, but for the file it names."""
    status, out, err = cli("explain", "project-mof-2020", "--format", fmt)
    expected = cli("explain", str(ROOT / "rulesets" / "project-mof-2020.toml"), "--format", fmt)
    assert (status, err) == (0, "")
    assert out == expected[1]


def test_check_accepts_an_id() -> None:
    """perfscore check ID checks the shipped ruleset: no problems."""
    assert cli("check", "department-wide", "--lang", "en") == (
        0,
        "department-wide: no problems found\n1 file checked: 0 errors, 0 warnings, 0 info\n",
        "",
    )


def test_diff_accepts_ids() -> None:
    """perfscore diff ID PATH compares the shipped ruleset with the same file: nothing changed."""
    status, out, err = cli("diff", "department-wide", str(ROOT / "rulesets" / "department-wide.toml"), SEED)
    assert (status, err) == (0, "")
    assert out == cli("diff", *[str(ROOT / "rulesets" / "department-wide.toml")] * 2, SEED)[1]


def test_audit_accepts_an_id() -> None:
    """perfscore audit TABLE --ruleset ID audits under the shipped ruleset, as with its path."""
    table = str(ROOT / "tests" / "tables" / "shandong-2023-project.csv")
    by_id = cli("audit", table, "--ruleset", "project-mof-2020", "--lang", "en")
    assert by_id[0] == 0
    assert by_id == cli("audit", table, "--ruleset", str(ROOT / "rulesets" / "project-mof-2020.toml"), "--lang", "en")


def test_an_unknown_id_on_the_command_line_is_status_1() -> None:
    """A misspelt id is one line on stderr, status 1, no traceback."""
    status, out, err = cli("score", "project-mof-202", SEED, "--lang", "en")
    assert (status, out) == (1, "")
    assert err.startswith("perfscore: project-mof-202: cannot read the ruleset: no such file")
    assert err.endswith("(did you mean 'project-mof-2020'?)\n")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_rulesets_command_lists_them(lang: str) -> None:
    """perfscore rulesets prints each id, version and title in the chosen language, and how to use an id."""
    status, out, err = cli("rulesets", "--lang", lang)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    for entry in perfscore.shipped():
        assert re.search(
            rf"^{re.escape(entry.id)} +{re.escape(entry.version)} +{re.escape(entry.label(lang))}$", out, re.M
        )
    assert "perfscore explain department-wide" in lines[-2]
    assert lines[-1].endswith(str(perfscore.shipped()[0].file.parent))


def test_the_rulesets_command_as_json() -> None:
    """perfscore rulesets --format json gives id, titles, version and file of each."""
    status, out, _ = cli("rulesets", "--format", "json")
    assert status == 0
    assert json.loads(out) == [
        {"id": e.id, "title": e.title, "title_en": e.title_en, "version": e.version, "file": str(e.file)}
        for e in perfscore.shipped()
    ]


def test_the_documented_samples() -> None:
    """docs/cli.md's `perfscore rulesets` sample (but the install folder) and its error sample are real."""
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    listing = page.split("$ perfscore rulesets\n", 1)[1].split("$ echo", 1)[0].splitlines()
    assert listing[-1].startswith("文件位置：")
    assert cli("rulesets")[1].splitlines()[:-1] == listing[:-1]
    error = page.split("$ perfscore explain department-wid\n", 1)[1].split("$ echo", 1)[0]
    assert cli("explain", "department-wid") == (1, "", error)


# --- packaging: the rulesets are in the wheel -----------------------------------------------------------------


def test_every_package_is_listed_in_pyproject() -> None:
    """pyproject.toml names its packages (to map perfscore.rulesets to rulesets/): a new package under
    src/perfscore must be added there, or it would be missing from the wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    found = sorted(
        ".".join(path.parent.relative_to(ROOT / "src").parts)
        for path in (ROOT / "src" / "perfscore").rglob("__init__.py")
    )
    assert sorted(config["packages"]) == sorted([*found, "perfscore.rulesets"])
    assert config["package-dir"]["perfscore.rulesets"] == "rulesets"
    assert config["package-data"]["perfscore.rulesets"] == ["*.toml"]


def build_wheel(into: Path) -> Path:
    """A wheel built from a copy of the source tree (so the tree itself gets no build/ folder)."""
    source = into / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("src", "rulesets"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    # As `pip install .` builds it (in an isolated environment with the build requirements); where no
    # package index can be reached, with the setuptools and wheel already installed, if they are.
    base = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(into), str(source)]
    completed = subprocess.run(base, capture_output=True, text=True, timeout=600, check=False)
    if completed.returncode != 0:
        offline = subprocess.run(
            [*base, "--no-build-isolation"], capture_output=True, text=True, timeout=600, check=False
        )
        assert offline.returncode == 0, f"pip wheel failed:\n{completed.stderr}\n{offline.stderr}"
    (wheel,) = into.glob("perfscore-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_holds_the_rulesets(wheel: Path) -> None:
    """The wheel `pip install .` installs has every ruleset of rulesets/ under perfscore/rulesets/."""
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"perfscore/rulesets/{path.name}" for path in FILES} | {"perfscore/rulesets/__init__.py"}
    assert expected <= names
    assert {"perfscore/__init__.py", "perfscore/py.typed", "perfscore/methods/__init__.py"} <= names
    assert not [name for name in names if name.startswith("rulesets/")]  # not a top-level package of its own


def test_the_installed_wheel_loads_by_id(wheel: Path, tmp_path: Path) -> None:
    """Unpacked as pip installs it, away from the source tree, perfscore lists its rulesets and scores by id."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import perfscore, pathlib\n"
        f"assert pathlib.Path(perfscore.__file__).is_relative_to({str(site)!r}), perfscore.__file__\n"
        "entries = perfscore.shipped()\n"
        f"assert all(e.file.is_relative_to({str(site)!r}) for e in entries), entries\n"
        "print(' '.join(e.id for e in entries))\n"
        f"(unit,) = perfscore.read_units({SEED!r})\n"
        "print(perfscore.load('department-wide').score(unit.values).total)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120, check=False
    )
    assert (completed.returncode, completed.stderr) == (0, "")
    assert completed.stdout == (
        "department-wide project-capped-total project-execution-bands project-four-stage project-management-performance "
        "project-mof-2020\n99.75\n"
    )
