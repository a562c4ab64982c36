"""The ``perfscore`` command: score a unit's data, or explain a ruleset in words.

``main()`` exits with ``run()``'s status, so ``run`` is what the tests call. Every error a
user can cause is a PerfscoreError and is printed as one paragraph, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence
from typing import TextIO

from . import __version__
from .data import read_units
from .engine import Ruleset
from .errors import PerfscoreError
from .loader import load
from .report import RENDERERS, explain_ruleset, render_batch

EXIT_OK, EXIT_INPUT, EXIT_UNITS_FAILED, EXIT_USAGE = 0, 1, 3, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfscore", description="Score budget performance self-evaluations (预算绩效自评)."
    )
    parser.add_argument("--version", action="version", version=f"perfscore {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    score = commands.add_parser("score", help="score a unit's data under a ruleset and print the itemized result")
    score.add_argument("ruleset", help="the ruleset (.toml)")
    score.add_argument("data", help="the unit's data (.toml or .json); may hold many units as [[units]]")
    score.add_argument("--format", choices=sorted(RENDERERS), default="text", help="output format (default: text)")
    score.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the explanations (default: zh)")

    explain = commands.add_parser("explain", help="print a ruleset's indicator tree and how each indicator is scored")
    explain.add_argument("ruleset", help="the ruleset (.toml)")
    explain.add_argument("--lang", choices=("zh", "en"), default="zh")
    return parser


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run the command line ``argv``; return the exit status."""
    parser = _parser()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed its usage message (or --help, --version)
        return int(exit_.code or 0)
    try:
        ruleset = load(args.ruleset)
        if args.command == "explain":
            stdout.write(explain_ruleset(ruleset, args.lang))
            return EXIT_OK
        return _score(ruleset, args, stdout, stderr)
    except PerfscoreError as error:
        stderr.write(f"perfscore: {error}\n")
        return EXIT_INPUT


def _score(ruleset: Ruleset, args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    units = read_units(args.data)
    if len(units) == 1:
        unit = units[0]
        result = ruleset.score(unit.values, unit=unit.source or unit.id)
        stdout.write(RENDERERS[args.format](result, args.lang))
        return EXIT_OK
    batch = ruleset.score_many(units)
    stdout.write(render_batch(batch, args.format, args.lang))
    for failure in batch.errors:
        stderr.write(f"perfscore: {failure.error}\n")
    return EXIT_UNITS_FAILED if batch.errors else EXIT_OK


def main() -> None:
    sys.exit(run(sys.argv[1:], sys.stdout, sys.stderr))


if __name__ == "__main__":
    main()
