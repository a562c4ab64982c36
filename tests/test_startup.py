"""What ``perfscore score`` of one unit imports and builds when it starts (issue 13: the whole
process in ≤ 150 ms, most of it Python and pydantic importing): nothing scoring does not need,
and the lazily imported names still there when asked for."""

from __future__ import annotations

import importlib.metadata
import io
import subprocess
import sys
from pathlib import Path

import perfscore
from perfscore.cli import run

ROOT = Path(__file__).resolve().parents[1]


def test_scoring_one_unit_builds_no_model_and_reads_no_metadata() -> None:
    """``perfscore score`` of one unit imports neither the checks, diff, tables, the package metadata
    nor what writing files needs (tempfile, shutil), and builds no pydantic validator: the start-up
    cost issue 13 measures."""
    script = (
        "import sys\n"
        "from perfscore import cli\n"
        "sys.argv = ['perfscore', 'score', sys.argv[1], sys.argv[2]]\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "from pydantic import BaseModel\n"
        "def below(cls):\n    for sub in cls.__subclasses__():\n        yield sub\n        yield from below(sub)\n"
        "built = sorted(c.__name__ for c in below(BaseModel) if c.__module__.startswith('perfscore') and c.__pydantic_complete__)\n"
        "unwanted = [name for name in ('importlib.metadata', 'shutil', 'tempfile', 'difflib', 'html', 'simpleeval', 'perfscore.checks', 'perfscore.diff', 'perfscore.tables',"
        " 'perfscore.schema', 'perfscore.sheets', 'perfscore.version') if name in sys.modules]\n"
        "print(repr((built, unwanted)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "benchmarks" / "ruleset-30.toml"), str(ROOT / "benchmarks" / "one-unit.json")],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert "得分" in done.stdout or "score" in done.stdout.lower()
    assert done.stderr.strip().splitlines()[-1] == "([], [])"


def test_the_version_is_read_when_asked() -> None:
    """``perfscore.__version__`` (imported on first use) is the installed package's version, and is
    listed by ``dir(perfscore)`` and ``from perfscore import *``."""
    assert perfscore.__version__ == importlib.metadata.version("perfscore")
    assert "__version__" in dir(perfscore)
    names: dict[str, object] = {}
    exec("from perfscore import *", names)
    assert names["__version__"] == perfscore.__version__


def test_version_option_prints_the_version() -> None:
    """``perfscore --version`` prints ``perfscore X.Y.Z`` on standard output and exits 0, as argparse's own
    version action does; ``--help`` lists it."""
    out, err = io.StringIO(), io.StringIO()
    assert run(["--version"], out, err) == 0
    assert out.getvalue() == f"perfscore {importlib.metadata.version('perfscore')}\n"
    help_out = io.StringIO()
    assert run(["--help"], help_out, io.StringIO()) == 0
    assert "--version" in help_out.getvalue()
