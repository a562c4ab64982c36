"""The ``perfscore`` command: score a unit's data, or explain a ruleset in words.

Every RULESET argument is a file or the id of a ruleset shipped with perfscore (``perfscore
rulesets`` lists them); a file of that name wins.

``main()`` exits with ``run()``'s status, so ``run`` is what the tests call. Every error a
user can cause is a PerfscoreError and is printed as one paragraph, never a traceback. Each line
the command writes to stderr is perfscore's own: what it quotes from a file passed the terminal
gate (:func:`perfscore.text.for_terminal`), so a file cannot forge a ``perfscore:`` line.

A run stopped by Ctrl-C (SIGINT), SIGTERM or SIGHUP says so on stderr, naming the output files it
did not write (each is as it was before the run, or absent), and exits with 128 + the signal's
number: 130, 143, 129.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from .errors import SEVERITIES, Diagnostic, PerfscoreError
from .files import Output, check_outputs
from .loader import load
from .messages import words
from .report import RENDERERS, explain_json, explain_ruleset, render_shipped
from .ruleset import Ruleset
from .shipped import shipped
from .text import for_terminal
from .units import iter_units, read_units
from .version import __version__

EXIT_OK, EXIT_INPUT, EXIT_UNITS_FAILED = 0, 1, 3  # argparse itself exits 2 on a usage mistake
RULESET = "the ruleset: a .toml file, or the id of a shipped one (perfscore rulesets)"
EXPLAINERS: dict[str, Callable[[Ruleset, str], str]] = {"text": explain_ruleset, "json": explain_json}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfscore", description="Score budget performance self-evaluations (预算绩效自评)."
    )
    parser.add_argument("--version", action="version", version=f"perfscore {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    score = commands.add_parser("score", help="score a unit's data under a ruleset and print the itemized result")
    score.add_argument("ruleset", help=RULESET)
    score.add_argument(
        "data", help="the unit's data (.toml or .json); may hold many units as [[units]], or one a line (.jsonl)"
    )
    score.add_argument(
        "--format",
        choices=sorted({*RENDERERS, "jsonl"}),
        default="text",
        help="output format (default: text; jsonl: one unit a line, written as each is scored)",
    )
    score.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the explanations (default: zh)")
    _add_jobs(score)

    explain = commands.add_parser("explain", help="print a ruleset's indicator tree and how each indicator is scored")
    explain.add_argument("ruleset", help=RULESET)
    explain.add_argument(
        "--format",
        choices=sorted(EXPLAINERS),
        default="text",
        help="output format (default: text; json: both languages)",
    )
    explain.add_argument("--lang", choices=("zh", "en"), default="zh")

    check = commands.add_parser("check", help="check rulesets for mistakes that load but score wrongly")
    check.add_argument(
        "rulesets", nargs="+", metavar="RULESET", help="the rulesets to check (.toml files or shipped ids)"
    )
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    check.add_argument(
        "--properties", action="store_true", help="also test properties on generated data (needs perfscore[testing])"
    )
    check.add_argument(
        "--examples", type=int, default=100, metavar="N", help="generated units per property (default: 100)"
    )
    check.add_argument("--seed", type=int, default=0, metavar="S", help="seed for the generated data (default: 0)")
    check.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="language of the property report (default: zh)"
    )

    diff = commands.add_parser("diff", help="what changed between two versions of a ruleset, and how units move")
    diff.add_argument("old", help="the old ruleset (.toml, or a shipped id)")
    diff.add_argument("new", help="the new ruleset (.toml, or a shipped id)")
    diff.add_argument("data", nargs="*", metavar="DATA", help="unit data files to score under both versions")
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    diff.add_argument("--lang", choices=("zh", "en"), default="zh")

    audit = commands.add_parser(
        "audit", help="audit self-evaluation tables (自评表): the unit's scores against the rules"
    )
    audit.add_argument("table", metavar="TABLE", help="a table file (.xlsx, .csv, .toml, .json) or a folder of them")
    audit.add_argument(
        "--ruleset",
        required=True,
        metavar="RULESET",
        help="the ruleset (.toml, or a shipped id) with its [tables] policy",
    )
    audit.add_argument(
        "--format", choices=("text", "markdown", "json", "html"), default="text", help="output format (default: text)"
    )
    audit.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the report (default: zh)")
    audit.add_argument("--mapping", metavar="MAP.toml", help="header names of your own: header = field, one a line")
    audit.add_argument("--summary-csv", metavar="PATH", help="write a summary row per table as CSV (UTF-8 with BOM)")
    audit.add_argument("--summary-xlsx", metavar="PATH", help="write the summary as .xlsx (needs perfscore[xlsx])")
    audit.add_argument("--reports", metavar="DIR", help="write a Markdown and an HTML report per table, and index.html")
    audit.add_argument("--progress", action="store_true", help="show progress on stderr even for a short run")
    audit.add_argument(
        "--strict",
        action="store_true",
        help="refuse a table with a cell that cannot be scored by rule, naming each cell (by default: a finding, "
        "the unit's own score kept for a manual check)",
    )

    listing = commands.add_parser("rulesets", help="list the rulesets shipped with perfscore (usable by id)")
    listing.add_argument("--format", choices=("json", "text"), default="text", help="output format (default: text)")
    listing.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the titles (default: zh)")
    return parser


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run the command line ``argv``; return the exit status (128 + the signal's number when a signal
    or Ctrl-C stopped it)."""
    try:
        return _run(argv, stdout, stderr)
    except KeyboardInterrupt as stop:
        return _stopped(stop, stderr)


def _run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    parser = _parser()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed its usage message (or --help, --version)
        return int(exit_.code or 0)
    if args.command == "check":
        return _check(args, stdout, stderr)
    if args.command == "diff":
        return _diff(args, stdout, stderr)
    if args.command == "audit":
        return _audit(args, stdout, stderr)
    try:
        if args.command == "rulesets":
            stdout.write(render_shipped(shipped(), args.format, args.lang))
            return EXIT_OK
        ruleset = load(args.ruleset)
        if args.command == "explain":
            stdout.write(EXPLAINERS[args.format](ruleset, args.lang))
            return EXIT_OK
        return _score(ruleset, args, stdout, stderr)
    except PerfscoreError as error:
        stderr.write(f"perfscore: {error}\n")
        return EXIT_INPUT


def _add_jobs(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--jobs",
        type=_positive,
        default=1,
        metavar="N",
        help="score with N worker processes (default: 1; worth it for thousands of units)",
    )


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return number


def _score(ruleset: Ruleset, args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """One unit: its report. Many: each unit's report written as it is scored (``perfscore.stream``),
    the units read one at a time from a JSON Lines file, so memory stays that of one unit."""
    units = iter_units(args.data)
    first = next(units, None)
    second = next(units, None)
    if first is not None and second is None and args.format != "jsonl":
        result = ruleset.score(first.values, unit=first.source or first.id)
        stdout.write(RENDERERS[args.format](result, args.lang))
        return EXIT_OK
    from .stream import write_batch  # imported here: one unit's report does not need it

    given = [unit for unit in (first, second) if unit is not None]
    failed = write_batch(ruleset, chain(given, units), stdout, args.format, args.lang, workers=args.jobs)
    for failure in failed:
        stderr.write(f"perfscore: {failure.error}\n")
    return EXIT_UNITS_FAILED if failed else EXIT_OK


def _diff(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``perfscore diff OLD NEW [DATA…]``: units that fail under one version are part of the report,
    not an error of the command."""
    from .diff import compare, movements, render_diff  # imported here: scoring does not need it

    try:
        old, new = load(args.old), load(args.new)
        units = [unit for path in args.data for unit in read_units(path)]
    except PerfscoreError as error:
        stderr.write(f"perfscore: {error}\n")
        return EXIT_INPUT
    stdout.write(render_diff(compare(old, new), movements(old, new, units), args.format, args.lang))
    return EXIT_OK


def _audit_inputs(args: argparse.Namespace) -> list[Path]:
    """The files ``perfscore audit`` reads: the table (a file, or a folder and its table files), the
    ruleset and the mapping (a shipped ruleset's id names no file of the user's)."""
    from .tables.read import table_files

    table = Path(args.table)
    inputs = [table, Path(args.ruleset), *([Path(args.mapping)] if args.mapping else [])]
    with contextlib.suppress(OSError):  # a folder that cannot be listed is reported by the audit itself
        inputs += table_files(table) if table.is_dir() else []
    return inputs


def _audit(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Audit one table (its report) or many (each report, then a summary). Exit 0 when every table was
    audited, 1 when none could be (or the ruleset, the mapping or an output file failed), 3 when some were.

    Outputs that would overwrite an input are refused before anything is read; an interrupted run
    names the outputs it did not write."""
    from .tables import batch as tables  # imported here: reading tables is not needed by the other commands

    outputs = [
        Output(option, Path(path), folder=option == "--reports")
        for option, path in (
            ("--summary-csv", args.summary_csv),
            ("--summary-xlsx", args.summary_xlsx),
            ("--reports", args.reports),
        )
        if path
    ]
    writers: dict[str, Callable[..., Any]] = {
        "--summary-csv": tables.write_summary_csv,
        "--summary-xlsx": tables.write_summary_xlsx,
        "--reports": tables.write_reports,
    }
    written: list[Output] = []
    try:
        check_outputs(outputs, _audit_inputs(args))
        ruleset = load(args.ruleset)
        mapping = tables.read_mapping(args.mapping) if args.mapping else None
        if args.summary_xlsx:
            tables.require_openpyxl()  # before the run, not after auditing a thousand tables
        bar = tables.ProgressBar(stderr, lang=args.lang, always=args.progress)
        try:
            audited = tables.audit_batch(
                args.table, ruleset, mapping=mapping, progress=bar, strict=getattr(args, "strict", False)
            )
        finally:
            bar.close()
        rows = audited.rows
        if len(rows) == 1 and rows[0].audit is not None:
            stdout.write(tables.render_audit(rows[0].audit, args.format, args.lang))
        elif audited.audited:
            stdout.write(audited.render(args.format, args.lang))
        for row in audited.failures:
            stderr.write(f"perfscore: {row.message}\n")
        for output in outputs:
            writers[output.name](audited, output.path, lang=args.lang)
            written.append(output)
    except PerfscoreError as error:
        stderr.write(f"perfscore: {error}\n")
        return EXIT_INPUT
    except KeyboardInterrupt as stop:
        return _stopped(stop, stderr, written, [output for output in outputs if output not in written])
    if not audited.audited:
        return EXIT_INPUT
    return EXIT_UNITS_FAILED if audited.failures else EXIT_OK


NO_HYPOTHESIS = (
    "perfscore: the property checks need hypothesis, which is not installed; "
    "install it with: pip install 'perfscore[testing]'\n"
)


def _check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Lint each ruleset; with --properties also test it on generated data. Exit 1 on any error."""
    from .checks import load_and_lint  # imported here: scoring does not need the checks

    check_properties: Callable[..., Any] | None = None
    if args.properties:
        try:  # imported here so that the core command works without hypothesis installed
            from .testing import check_properties
        except ImportError:
            stderr.write(NO_HYPOTHESIS)
            return EXIT_INPUT
    checked: list[_Checked] = []
    stopped = 0
    for path in args.rulesets:
        ruleset, diagnostics = load_and_lint(path)
        report = None
        if check_properties is not None and ruleset is not None:
            try:
                report = check_properties(ruleset, examples=args.examples, seed=args.seed)
            except Exception as error:  # a failure of the property runner is reported, never a traceback
                stopped_by = f"{type(error).__name__}: {error}"
                stderr.write(
                    f"perfscore: {for_terminal(path)}: the property checks stopped ({for_terminal(stopped_by)})\n"
                )
                stopped += 1
        checked.append((path, diagnostics, report))
    counts: dict[str, int] = {
        severity: sum(d.severity == severity for _, found, _ in checked for d in found) for severity in SEVERITIES
    }
    failed = stopped + sum(report is not None and not report.ok for _, _, report in checked)
    if args.format == "json":
        stdout.write(_check_json(checked, counts, failed if args.properties else None))
    else:
        stdout.write(_check_text(checked, counts, args.lang))
        if args.properties:
            passed = sum(report is not None and report.ok for _, _, report in checked)
            skipped = len(checked) - passed - failed  # rulesets that did not load
            note = f", {skipped} not run (the ruleset did not load)" if skipped else ""
            stdout.write(f"property checks: {passed} passed, {failed} failed{note}\n")
    return EXIT_INPUT if counts["error"] or failed else EXIT_OK


_Checked = tuple[str, list[Diagnostic], Any]  # a file, its diagnostics, its property report (or None)


def _check_text(checked: list[_Checked], counts: dict[str, int], lang: str) -> str:
    """Diagnostics grouped by file, each indented under it, then one summary line."""
    lines = []
    for path, diagnostics, report in checked:
        lines.append(
            for_terminal(path) if diagnostics or report is not None else f"{for_terminal(path)}: no problems found"
        )
        lines += ["  " + diagnostic.render(file=False, tagged=True).replace("\n", "\n  ") for diagnostic in diagnostics]
        if report is not None:
            lines.append("  " + report.render(lang).rstrip("\n").replace("\n", "\n  "))

    def count(number: int, noun: str) -> str:
        return f"{number} {noun}{'' if number == 1 or noun == 'info' else 's'}"

    found = ", ".join(count(counts[severity], severity) for severity in SEVERITIES)
    lines.append(f"{count(len(checked), 'file')} checked: {found}")
    return "\n".join(lines) + "\n"


def _check_json(checked: list[_Checked], counts: dict[str, int], failed: int | None) -> str:
    files = []
    for path, diagnostics, report in checked:
        entry: dict[str, Any] = {"file": path, "diagnostics": [d.to_dict() for d in diagnostics]}
        if report is not None:
            entry["properties"] = report.to_dict()
        files.append(entry)
    summary = {"files": len(checked), "errors": counts["error"], "warnings": counts["warning"], "info": counts["info"]}
    if failed is not None:
        summary["properties_failed"] = failed
    return json.dumps({"files": files, "summary": summary}, ensure_ascii=False, indent=2) + "\n"


# --- stopped by a signal --------------------------------------------------------------------------

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
"""The signals that stop perfscore cleanly: the file being written is removed, the old one kept."""

STOPPED = words(
    "cli.stopped",
    {
        "stopped": ("已中断（{signal}）", "interrupted ({signal})"),
        "written": ("已写入 {paths}", "written: {paths}"),
        "unwritten": ("未写入 {paths}（原有的文件保持原样）", "nothing was written to {paths} (a file already there is as it was)"),
    },
)  # fmt: skip


class Interrupted(KeyboardInterrupt):
    """A stop asked for by a signal, raised where the program is (as Ctrl-C raises KeyboardInterrupt),
    so that a file being written is removed on the way out."""

    def __init__(self, number: int) -> None:
        super().__init__(signal.Signals(number).name)
        self.number = number


def _raise_interrupted(number: int, frame: FrameType | None) -> None:
    for each in STOP_SIGNALS:  # a second signal must not stop the clean-up of the first
        signal.signal(each, signal.SIG_IGN)
    raise Interrupted(number)


@contextlib.contextmanager
def stopped_by_signals() -> Iterator[None]:
    """While the block runs, SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` (a signal that
    whoever started perfscore set to be ignored stays ignored); the handlers are put back after."""
    previous = {}
    for each in STOP_SIGNALS if threading.current_thread() is threading.main_thread() else ():
        if signal.getsignal(each) is not signal.SIG_IGN:
            previous[each] = signal.signal(each, _raise_interrupted)
    try:
        yield
    finally:
        for each, handler in previous.items():
            signal.signal(each, handler)


def _stopped(
    stop: KeyboardInterrupt, stderr: TextIO, written: Sequence[Output] = (), unwritten: Sequence[Output] = ()
) -> int:
    """Say on stderr, in Chinese and English, that the run was stopped, which outputs were written and
    which were not; the exit status is 128 + the signal's number (130 for Ctrl-C)."""
    number = stop.number if isinstance(stop, Interrupted) else int(signal.SIGINT)
    lines = []
    for lang, comma, semicolon in (("zh", "、", "；"), ("en", ", ", "; ")):
        parts = [STOPPED["stopped"](lang).format(signal=signal.Signals(number).name)]
        for key, outputs in (("written", written), ("unwritten", unwritten)):
            if outputs:
                paths = comma.join(for_terminal(str(output.path)) for output in outputs)
                parts.append(STOPPED[key](lang).format(paths=paths))
        lines.append(semicolon.join(parts))
    stderr.write(f"perfscore: {lines[0]}\n  {lines[1]}\n")
    return 128 + number


def main() -> None:
    with stopped_by_signals():
        status = run(sys.argv[1:], sys.stdout, sys.stderr)
    sys.exit(status)


if __name__ == "__main__":
    main()
