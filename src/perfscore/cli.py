"""The ``perfscore`` command: score a unit's data, or explain a ruleset in words.

Every RULESET argument is a file or the id of a ruleset shipped with perfscore (``perfscore
rulesets`` lists them); a file of that name wins.

``main()`` exits with ``run()``'s status, so ``run`` is what the tests call. Every error a
user can cause is a PerfscoreError and is printed as one paragraph, never a traceback. Each line
the command writes to stderr is perfscore's own: what it quotes from a file passed the terminal
gate (:func:`perfscore.text.for_terminal`), so a file cannot forge a ``perfscore:`` line.

The command speaks the language chosen by ``--lang`` (anywhere on the line), else by the environment
variable ``PERFSCORE_LANG``, else Chinese: its help (argparse's own words included), its errors and
its reports. A RULESET or DATA argument ``-`` is read from standard input; ``-o FILE`` writes what
the command would print into FILE instead (written whole, never over an input).

A run stopped by Ctrl-C (SIGINT), SIGTERM or SIGHUP says so on stderr, naming the output files it
did not write (each is as it was before the run, or absent), and exits with 128 + the signal's
number: 130, 143, 129.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from functools import partial
from itertools import chain
from pathlib import Path
from types import FrameType
from typing import IO, Any, NoReturn, TextIO

from .errors import SEVERITIES, DataError, Diagnostic, PerfscoreError, Refusal, RulesetError
from .files import Output, check_outputs, write_text
from .loader import load, load_bytes
from .messages import LANGS, Lang, check_lang, env_lang, speaking, words
from .report import RENDERERS, explain_json, explain_ruleset, render_batch, render_shipped
from .ruleset import Ruleset
from .shipped import shipped
from .text import columns, for_terminal
from .units import Unit, is_sheet, iter_units, read_units_bytes

EXIT_OK, EXIT_INPUT, EXIT_UNITS_FAILED = 0, 1, 3  # argparse itself exits 2 on a usage mistake
EXIT_FINDINGS = 4  # audit --fail-on: a finding at or above the level asked for
EXPLAINERS: dict[str, Callable[[Ruleset, str], str]] = {"text": explain_ruleset, "json": explain_json}
STDIN = "-"
"""A RULESET or DATA argument that means standard input."""

HELP = words(
    "cli.help",
    {
        "description": ("为预算绩效自评（自评表、单位数据）计分、解释扣分，并检查规则。",
                        "Score budget performance self-evaluations (预算绩效自评), explain every lost point, check the rules."),
        "epilog": ("语言：--lang zh|en，或环境变量 PERFSCORE_LANG；默认中文。例：perfscore score --help",
                   "Language: --lang zh|en, or the environment variable PERFSCORE_LANG; Chinese by default. "
                   "Example: perfscore score --help"),
        "commands": ("子命令", "commands"),
        "version": ("显示版本号并退出。例：perfscore --version", "show the version and exit. Example: perfscore --version"),
        "lang": ("提示、报告和帮助的语言（默认取 PERFSCORE_LANG，否则 zh）。例：--lang en",
                 "language of messages, reports and help (default: PERFSCORE_LANG, else zh). Example: --lang en"),
        "ruleset": ("规则：.toml 文件、内置规则的编号（见 perfscore rulesets），或 - 从标准输入读取。例：department-wide",
                    "the ruleset: a .toml file, the id of a shipped one (perfscore rulesets), or - for standard input. "
                    "Example: department-wide"),
        "format": ("输出格式（默认 {default}）。例：--format {example}",
                   "output format (default: {default}). Example: --format {example}"),
        "output": ("把结果写入文件而不是显示在屏幕上（整份写入，不会覆盖输入文件）。例：-o {example}",
                   "write the result to FILE instead of standard output (written whole, never over an input). "
                   "Example: -o {example}"),
        "score": ("按规则为单位数据计分，逐项列出得分与扣分原因", "score a unit's data under a ruleset and print the itemized result"),
        "score-data": ("单位数据（.toml 或 .json），可用 [[units]] 写多个单位，或每行一个单位（.jsonl）；- 从标准输入读取。"
                       "例：units.toml",
                       "the unit's data (.toml or .json); may hold many units as [[units]], or one a line (.jsonl); "
                       "- for standard input. Example: units.toml"),
        "jobs": ("用 N 个工作进程评分（默认 1；数千个单位时才值得）。例：--jobs 4",
                 "score with N worker processes (default: 1; worth it for thousands of units). Example: --jobs 4"),
        "explain": ("列出规则的指标树，说明每个指标如何计分", "print a ruleset's indicator tree and how each indicator is scored"),
        "check": ("检查规则中能加载但会算错的问题", "check rulesets for mistakes that load but score wrongly"),
        "check-rulesets": ("要检查的规则（.toml 文件或内置编号，- 为标准输入）。例：my-rules.toml department-wide",
                           "the rulesets to check (.toml files or shipped ids, - for standard input). "
                           "Example: my-rules.toml department-wide"),
        "properties": ("另用随机生成的数据检验性质（需安装 perfscore[testing]）。例：--properties",
                       "also test properties on generated data (needs perfscore[testing]). Example: --properties"),
        "examples": ("每项性质生成的单位数（默认 100）。例：--examples 500",
                     "generated units per property (default: 100). Example: --examples 500"),
        "seed": ("生成数据的随机种子（默认 0）。例：--seed 7", "seed for the generated data (default: 0). Example: --seed 7"),
        "strict": ("有警告也以非零状态退出（供持续集成把关）。例：--strict",
                   "exit non-zero on warnings too, not only errors (a gate for CI). Example: --strict"),
        "diff": ("比较规则的两个版本：改了什么，各单位得分如何变化",
                 "what changed between two versions of a ruleset, and how units move"),
        "diff-old": ("旧版规则（.toml 或内置编号，- 为标准输入）。例：rules-2023.toml",
                     "the old ruleset (.toml, or a shipped id; - for standard input). Example: rules-2023.toml"),
        "diff-new": ("新版规则（.toml 或内置编号，- 为标准输入）。例：rules-2024.toml",
                     "the new ruleset (.toml, or a shipped id; - for standard input). Example: rules-2024.toml"),
        "diff-data": ("在两个版本下分别计分的单位数据文件（- 为标准输入）。例：units.toml",
                      "unit data files to score under both versions (- for standard input). Example: units.toml"),
        "audit": ("审核自评表：按规则复核单位填写的得分", "audit self-evaluation tables (自评表): the unit's scores against the rules"),
        "audit-table": ("自评表文件（.xlsx、.csv、.toml、.json）或存放自评表的文件夹。例：自评表.xlsx",
                        "a table file (.xlsx, .csv, .toml, .json) or a folder of them. Example: tables/"),
        "audit-ruleset": ("含 [tables] 审核要求的规则（.toml、内置编号或 -）。例：--ruleset department-wide",
                          "the ruleset (.toml, a shipped id or -) with its [tables] policy. "
                          "Example: --ruleset department-wide"),
        "mapping": ("自定义表头名称：每行一条“表头 = 字段”。例：--mapping 表头.toml",
                    "header names of your own: header = field, one a line. Example: --mapping headers.toml"),
        "summary-csv": ("把每张表的汇总写成 CSV（UTF-8 带 BOM，Excel 可直接打开）。例：--summary-csv 汇总.csv",
                        "write a summary row per table as CSV (UTF-8 with BOM). Example: --summary-csv summary.csv"),
        "summary-xlsx": ("把汇总写成 .xlsx（需安装 perfscore[xlsx]）。例：--summary-xlsx 汇总.xlsx",
                         "write the summary as .xlsx (needs perfscore[xlsx]). Example: --summary-xlsx summary.xlsx"),
        "reports": ("为每张表写一份 Markdown 和 HTML 报告，以及 index.html。例：--reports 报告/",
                    "write a Markdown and an HTML report per table, and index.html. Example: --reports reports/"),
        "progress": ("即使运行时间很短也在标准错误上显示进度。例：--progress",
                     "show progress on stderr even for a short run. Example: --progress"),
        "fail-on": ("发现该级别（或更严重）的问题时以状态 4 退出（供持续集成把关）。例：--fail-on warning",
                    "exit with status 4 when a finding of this severity or worse is found (a gate for CI). "
                    "Example: --fail-on warning"),
        "audit-strict": ("无法按规则计分的单元格不作为问题记录，而是拒绝整张表并逐一列出这些单元格"
                         "（默认：记为问题，保留单位自评得分供人工复核）。例：--strict",
                         "refuse a table with a cell that cannot be scored by rule, naming each cell (by default: a "
                         "finding, the unit's own score kept for a manual check). Example: --strict"),
        "rulesets": ("列出随 perfscore 安装的规则（可用编号引用）", "list the rulesets shipped with perfscore (usable by id)"),
    },
)  # fmt: skip

RULESET = HELP["ruleset"].en
"""The English help of a RULESET argument (kept for code written before the help spoke both languages)."""

ARGPARSE = words(
    "cli.argparse",
    {
        "usage": ("用法: ", "usage: "),
        "positionals": ("位置参数", "positional arguments"),
        "options": ("选项", "options"),
        "help": ("显示本帮助并退出", "show this help message and exit"),
        "error": ("{prog}：错误：{message}", "{prog}: error: {message}"),
        "required": ("缺少必需的参数：{names}", "the following arguments are required: {names}"),
        "choice": ("参数 {argument}：无效的选择：{value}（可选：{choices}）",
                   "argument {argument}: invalid choice: {value} (choose from {choices})"),
        "unrecognized": ("无法识别的参数：{names}", "unrecognized arguments: {names}"),
        "one-value": ("参数 {argument}：需要一个值", "argument {argument}: expected one argument"),
        "int": ("参数 {argument}：不是整数：{value}", "argument {argument}: invalid int value: {value}"),
        "stdin-twice": ("标准输入（-）只能读取一次，但命令中出现了 {count} 次",
                        "standard input (-) can be read once, but the command names it {count} times"),
    },
)  # fmt: skip
"""argparse's own words, in both languages (its English is matched and translated)."""

# Patterns as text, compiled by re (and kept in its cache) on first use: only a mistake or --help needs them.
_ARGPARSE_ERRORS = (
    (r"the following arguments are required: (?P<names>.*)", "required"),
    (r"argument (?P<argument>\S+): invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)", "choice"),
    (r"unrecognized arguments: (?P<names>.*)", "unrecognized"),
    (r"argument (?P<argument>\S+): expected one argument", "one-value"),
    (r"argument (?P<argument>\S+): invalid int value: (?P<value>.*)", "int"),
)


_CLOSING = "，。；：、）」』】？！,.;:)"  # never at the start of a line
_PIECES = r"[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+|\s+"


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout with the usage heading in the parser's language, and help text wrapped by
    the columns it takes (a Chinese character is two columns wide, and a line may break between two)."""

    lang: Lang = "zh"

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, ARGPARSE["usage"](self.lang) if prefix is None else prefix)

    def _split_lines(self, text: str, width: int) -> list[str]:
        text = " ".join(text.split())
        main, example = text.split("例：", 1) if "例：" in text else (text, None)
        pieces = re.findall(_PIECES, main) + ([] if example is None else ["例：" + example])  # the example kept whole
        lines: list[str] = []
        line: list[str] = []  # the pieces of the line being filled
        for piece in pieces:
            if line and not piece.isspace() and columns("".join(line) + piece) > width:
                carried = [line.pop()] if piece[0] in _CLOSING and len(line) > 1 else []  # no line starts with ）
                lines.append("".join(line).rstrip())
                line = carried
            if line or not piece.isspace():
                line.append(piece)
        return [*lines, "".join(line).rstrip()] if "".join(line).strip() else lines


class _Parser(argparse.ArgumentParser):
    """An argument parser that speaks one language: its headings, its -h and its errors."""

    lang: Lang = "zh"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["add_help"] = False
        kwargs["formatter_class"] = type("Formatter", (_Formatter,), {"lang": self.lang})
        super().__init__(*args, **kwargs)
        self._positionals.title = ARGPARSE["positionals"](self.lang)
        self._optionals.title = ARGPARSE["options"](self.lang)
        self.add_argument("-h", "--help", action="help", help=ARGPARSE["help"](self.lang))

    # argparse makes a formatter to check each argument's metavar and to word the commands' prog,
    # and throws it away: such a formatter is given a width (see _get_formatter).
    _sizing = False

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        with self._unsized():
            return super().add_argument(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        with self._unsized():
            return super().add_subparsers(**kwargs)

    @contextlib.contextmanager
    def _unsized(self) -> Iterator[None]:
        self._sizing = True
        try:
            yield
        finally:
            self._sizing = False

    def _get_formatter(self) -> argparse.HelpFormatter:
        """argparse's formatter; one made only while the parser is built is given a width, so that
        building it does not ask the terminal its size 60 times (nor import shutil to ask it): help
        and usage are laid out as wide as the terminal, as before."""
        if self._sizing:
            make: Callable[..., argparse.HelpFormatter] = self.formatter_class
            return make(prog=self.prog, width=80)
        return super()._get_formatter()

    def error(self, message: str) -> NoReturn:
        """The usage, then the mistake in the parser's language; exit status 2."""
        for pattern, key in _ARGPARSE_ERRORS:
            found = re.fullmatch(pattern, message)
            if found:
                message = ARGPARSE[key].format(**found.groupdict())(self.lang)
                break
        self.print_usage(sys.stderr)
        self.exit(2, ARGPARSE["error"].format(prog=self.prog, message=message)(self.lang) + "\n")


def chosen(argv: Sequence[str]) -> Lang:
    """The language of a command line: its last ``--lang`` (before ``--``) when that is a language,
    else ``PERFSCORE_LANG``, else Chinese."""
    lang: Lang | None = None
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[index + 1] if arg == "--lang" and index + 1 < len(argv) else arg.removeprefix("--lang=")
        if (arg == "--lang" or arg.startswith("--lang=")) and value in LANGS:
            lang = check_lang(value)
    return lang or env_lang() or "zh"


def add_output(command: argparse.ArgumentParser, lang: str, example: str) -> None:
    """``-o/--output FILE``: the one way a command is told to write its result into a file (what
    :func:`write_output` then writes). ``example`` is a file name for the help text."""
    command.add_argument("-o", "--output", metavar="FILE", help=HELP["output"].format(example=example)(lang))


def output_path(args: argparse.Namespace, inputs: Sequence[str | Path]) -> Path | None:
    """The file ``-o`` names (None: standard output, also for ``-o -``), refused with an
    :class:`~perfscore.OutputError` when it is one of ``inputs``; call it before reading them."""
    path = getattr(args, "output", None)
    if path is None or path == STDIN:
        return None
    check_outputs([Output("-o", Path(path))], [each for each in inputs if str(each) != STDIN])
    return Path(path)


def write_output(text: str, path: Path | None, stdout: TextIO) -> None:
    """The command's result: into ``path`` (written whole, through :mod:`perfscore.files`), or printed."""
    if path is None:
        stdout.write(text)
    else:
        write_text(path, text)


def _format(lang: str, default: str, example: str) -> str:
    return HELP["format"].format(default=default, example=example)(lang)


class _Version(argparse.Action):
    """``--version``, as argparse's own ``version`` action prints it; the version is read (from the
    package metadata: importlib.metadata, about 10 ms) only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from .version import __version__

        formatter = parser._get_formatter()
        formatter.add_text(f"perfscore {__version__}")
        parser._print_message(formatter.format_help(), sys.stdout)
        parser.exit()


def _parser(lang: Lang = "zh") -> argparse.ArgumentParser:
    """The command line, its help in ``lang``."""
    parser_class = type("Parser", (_Parser,), {"lang": lang})
    help_ = {key: text(lang) for key, text in HELP.items()}
    parser: argparse.ArgumentParser = parser_class(
        prog="perfscore", description=help_["description"], epilog=help_["epilog"]
    )
    parser.add_argument("--version", action=_Version, help=help_["version"])
    parser.add_argument("--lang", choices=LANGS, dest="top_lang", help=help_["lang"])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", title=help_["commands"])

    def command(name: str) -> argparse.ArgumentParser:
        made: argparse.ArgumentParser = commands.add_parser(name, help=help_[name], description=help_[name])
        return made

    def languages(command: argparse.ArgumentParser) -> None:
        command.add_argument("--lang", choices=LANGS, help=help_["lang"])

    score = command("score")
    score.add_argument("ruleset", help=help_["ruleset"])
    score.add_argument("data", help=DESK["data"](lang))
    score.add_argument("--format", choices=sorted({*RENDERERS, "jsonl", "html"}), help=DESK["format"](lang))
    score.add_argument("--jobs", type=_positive, default=1, metavar="N", help=help_["jobs"])
    languages(score)
    _desk_score_options(score, lang)
    _signal_options(score, lang)
    score.add_argument("--to", nargs="?", const="", metavar="GOAL", help=TUNING["to"](lang))

    explain = command("explain")
    explain.add_argument("ruleset", help=help_["ruleset"])
    explain.add_argument("--format", choices=sorted(EXPLAINERS), default="text", help=_format(lang, "text", "json"))
    languages(explain)
    add_output(explain, lang, "规则说明.txt" if lang == "zh" else "rules.txt")

    check = command("check")
    check.add_argument("rulesets", nargs="+", metavar="RULESET", help=help_["check-rulesets"])
    check.add_argument("--format", choices=("text", "json"), default="text", help=_format(lang, "text", "json"))
    check.add_argument("--strict", action="store_true", help=help_["strict"])
    check.add_argument("--properties", action="store_true", help=help_["properties"])
    check.add_argument("--examples", type=int, default=100, metavar="N", help=help_["examples"])
    check.add_argument("--seed", type=int, default=0, metavar="S", help=help_["seed"])
    languages(check)
    add_output(check, lang, "检查结果.json" if lang == "zh" else "check.json")

    diff = command("diff")
    diff.add_argument("old", help=help_["diff-old"])
    diff.add_argument("new", help=help_["diff-new"])
    diff.add_argument("data", nargs="*", metavar="DATA", help=help_["diff-data"])
    diff.add_argument(
        "--format", choices=("text", "markdown", "json", "html"), default="text", help=_format(lang, "text", "html")
    )
    languages(diff)
    add_output(diff, lang, "修订对比.md" if lang == "zh" else "diff.md")

    audit = command("audit")
    audit.add_argument("table", metavar="TABLE", help=help_["audit-table"])
    audit.add_argument("--ruleset", required=True, metavar="RULESET", help=help_["audit-ruleset"])
    audit.add_argument(
        "--format", choices=("text", "markdown", "json", "html"), default="text", help=_format(lang, "text", "html")
    )
    languages(audit)
    audit.add_argument("--mapping", metavar="MAP.toml", help=help_["mapping"])
    audit.add_argument("--summary-csv", metavar="PATH", help=help_["summary-csv"])
    audit.add_argument("--summary-xlsx", metavar="PATH", help=help_["summary-xlsx"])
    audit.add_argument("--reports", metavar="DIR", help=help_["reports"])
    audit.add_argument("--progress", action="store_true", help=help_["progress"])
    audit.add_argument("--fail-on", choices=("error", "warning"), metavar="error|warning", help=help_["fail-on"])
    audit.add_argument("--strict", action="store_true", help=help_["audit-strict"])
    _signal_options(audit, lang)
    add_output(audit, lang, "审核报告.html" if lang == "zh" else "audit.html")

    _template_command(commands, lang)
    _sensitivity_command(commands, lang)

    listing = command("rulesets")
    listing.add_argument("--format", choices=("json", "text"), default="text", help=_format(lang, "text", "json"))
    languages(listing)
    add_output(listing, lang, "规则列表.json" if lang == "zh" else "rulesets.json")
    return parser


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO, stdin: IO[Any] | None = None) -> int:
    """Run the command line ``argv``; return the exit status (128 + the signal's number when a signal
    or Ctrl-C stopped it). ``stdin`` is what ``-`` reads (default: :data:`sys.stdin`)."""
    lang = chosen(argv)
    with speaking(lang):
        try:
            return _run(argv, stdout, stderr, lang, sys.stdin if stdin is None else stdin)
        except KeyboardInterrupt as stop:
            return _stopped(stop, stderr)


def _run(argv: Sequence[str], stdout: TextIO, stderr: TextIO, lang: Lang, stdin: IO[Any]) -> int:
    parser = _parser(lang)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = parser.parse_args(argv)
            args.lang = lang
            args.stdin = _Stdin(stdin)
            dashes = sum(arg == STDIN for arg in _named_files(args))
            if dashes > 1:
                parser.error(ARGPARSE["stdin-twice"].format(count=dashes)(lang))
            _signal_thresholds(args, parser, lang)
    except SystemExit as exit_:  # argparse has printed its usage message (or --help, --version)
        return int(exit_.code or 0)
    if args.command == "check":
        return _check(args, stdout, stderr)
    if args.command == "diff":
        return _diff(args, stdout, stderr)
    if args.command == "audit":
        return _audit(args, stdout, stderr)
    if args.command == "template":
        return _template(args, stdout, stderr)
    if args.command == "sensitivity":
        return _sensitivity(args, stdout, stderr)
    if args.command == "score" and _for_the_desk(args):
        return _desk_score(args, stdout, stderr)
    try:
        if args.command == "rulesets":
            write_output(render_shipped(shipped(), args.format, args.lang), output_path(args, []), stdout)
            return EXIT_OK
        output = output_path(args, [args.ruleset, *([args.data] if args.command == "score" else [])])
        ruleset = _load(args.ruleset, args)
        if args.command == "explain":
            write_output(EXPLAINERS[args.format](ruleset, args.lang), output, stdout)
            return EXIT_OK
        return _score(ruleset, args, stdout, stderr, output)
    except PerfscoreError as error:
        stderr.write(f"perfscore: {said(error)}\n")
        return EXIT_INPUT


def said(error: PerfscoreError) -> str:
    """An error as the command prints it: each problem of a ruleset or a data file followed by its
    source line with a caret under the place, where its line is known."""
    if isinstance(error, RulesetError | DataError):
        return error.render(excerpts=True)
    return str(error)


def _named_files(args: argparse.Namespace) -> list[str]:
    """The RULESET and DATA arguments of a command line (where ``-`` may stand)."""
    named = [getattr(args, key, None) for key in ("ruleset", "old", "new", "data")]
    return [
        item
        for value in [*named, *getattr(args, "rulesets", [])]
        for item in (value if isinstance(value, list) else [value])
        if isinstance(item, str)
    ]


class _Stdin:
    """Standard input, read once, as bytes (a text stream's text is encoded as UTF-8)."""

    def __init__(self, stream: IO[Any]) -> None:
        self.stream = stream

    def read(self) -> bytes:
        binary = getattr(self.stream, "buffer", None)
        data = (binary or self.stream).read()
        return data if isinstance(data, bytes) else str(data).encode("utf-8")


def _load(name: str, args: argparse.Namespace) -> Ruleset:
    """The ruleset ``name`` names: a file, a shipped id, or ``-`` (standard input)."""
    if name == STDIN:
        return load_bytes(args.stdin.read(), "<stdin>")
    return load(name)


def _units(name: str, args: argparse.Namespace) -> list[Unit]:
    """The units of a DATA argument: a file, or ``-`` (standard input: JSON when it starts with ``{``)."""
    if name == STDIN:
        return read_units_bytes(args.stdin.read(), "<stdin>")
    return list(iter_units(name))  # a JSON Lines file too (the page and --signals hold every unit anyway)


def _positive(text: str) -> int:
    """--jobs N: a whole number of at least 1."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"应为不小于 1 的整数 / expected a whole number of at least 1, got {text!r}")
    return number


def _score(
    ruleset: Ruleset, args: argparse.Namespace, stdout: TextIO, stderr: TextIO, output: Path | None = None
) -> int:
    """One unit: its report. Many: each unit's report written as it is scored (``perfscore.stream``;
    into ``output`` through perfscore.files), the units of a JSON Lines file read one at a time, so
    memory stays that of one unit."""
    units = iter(_units(args.data, args)) if args.data == STDIN else iter_units(args.data)
    first = next(units, None)
    second = next(units, None)
    if first is not None and second is None and args.format != "jsonl":
        result = ruleset.score(first.values, unit=first.source or first.id)
        write_output(_with_reach(ruleset, first, result, args), output, stdout)
        return EXIT_OK
    if args.to is not None:
        raise _one_unit_only()
    from .stream import write_batch, write_batch_file  # imported here: one unit's report does not need them

    given = chain([unit for unit in (first, second) if unit is not None], units)
    if output is None:
        failed = write_batch(ruleset, given, stdout, args.format, args.lang, workers=args.jobs)
    else:
        failed = write_batch_file(ruleset, given, output, args.format, args.lang, workers=args.jobs)
    for failure in failed:
        stderr.write(f"perfscore: {said(failure.error)}\n")
    return EXIT_UNITS_FAILED if failed else EXIT_OK


# --- the finance officer's desk: sheets of units in, scores and pages out, the template ----------

DESK = words(
    "cli.desk",
    {
        "data": ("单位数据：.toml 或 .json（多个单位写成 [[units]]）、每行一个单位的 .jsonl，或每行一个单位的表格 .xlsx、.csv（如填好的填报表）；- 从标准输入读取。例：填报表.xlsx",
                 "the units' data: .toml or .json (many units as [[units]]), .jsonl (one unit a line), a sheet, .xlsx or "
                 ".csv, one unit a row (e.g. a filled template), or - for standard input. Example: units.xlsx"),
        "format": ("输出格式（默认 text；用 -o 时按文件后缀）；html 为可打印的网页报告，含图表。例：--format html",
                   "output format (default: text; with -o, from the file's suffix); html: a printable page with charts. "
                   "Example: --format html"),
        "output": ("写入文件，可多次使用：.xlsx 或 .csv 写入得分表（汇总、明细、扣分说明），其他后缀写入报告（格式按后缀：.html、.md、.json）。例：-o 得分.xlsx -o 报告.html",
                   "write a file; may be given more than once: .xlsx or .csv gets the scores (summary, details, "
                   "explanations), any other the report (its format from the suffix: .html, .md, .json). "
                   "Example: -o scores.xlsx -o report.html"),
        "template": ("生成供各单位填写的填报表（.xlsx：表头、单位、说明、下拉选项和数值范围）",
                     "write the sheet units fill in (.xlsx: headers, units, notes, drop-downs and ranges)"),
        "template_output": ("填报表的文件名（.xlsx，或仅含表头的 .csv）。例：-o 填报表.xlsx",
                            "the file to write (.xlsx, or a .csv of the header only). Example: -o units.xlsx"),
        "rows": ("带下拉选项和数值范围的行数（默认 {rows}）。例：--rows 500",
                 "rows that get the drop-downs and ranges (default: {rows}). Example: --rows 500"),
    },
)  # fmt: skip


#: The report format a file's suffix asks for (``-o report.html``).
SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".json": "json", ".txt": "text"}


def _for_the_desk(args: argparse.Namespace) -> bool:
    """Whether ``perfscore score`` is asked for the desk's work: a sheet of units, files to write
    (``-o``) or an HTML page. Otherwise :func:`_score` prints the report of the data files, and
    ``--format`` (which has no default here: with ``-o`` it follows the file's suffix) is set to text
    when it was not given."""
    files = [path for path in args.output if path != STDIN]
    if args.format is None:  # -o report.html: the format its suffix says
        args.format = next((SUFFIX_FORMATS[Path(p).suffix.lower()] for p in files if Path(p).suffix.lower() in SUFFIX_FORMATS), None)  # fmt: skip
    if is_sheet(args.data) or args.format == "html" or len(args.output) > 1 or any(map(is_sheet, files)):
        return True
    if args.signals:  # signals read every unit: the batch is held, as the desk's path holds it
        return True
    args.format, args.output = args.format or "text", (args.output[0] if args.output else None)  # as _score takes them
    return False


def _desk_score_options(score: argparse.ArgumentParser, lang: str) -> None:
    """``-o FILE`` for ``perfscore score``, which may be given more than once (a workbook and a page)."""
    score.add_argument("-o", "--output", action="append", default=[], metavar="FILE", help=DESK["output"](lang))


SIGNALS = words(
    "cli.signals",
    {
        "signals": ("在多个单位（或多张表）的报告后加上跨单位信号和各指标得分分布（网页报告总是包含）。例：--signals",
                    "add the signals across units (or tables) and each indicator's distribution after the report of "
                    "many (an HTML page always has them). Example: --signals"),
        "threshold": ("调整一个信号阈值，可多次使用，名称见 docs/tuning.md。例：--threshold min_units=5",
                      "change one threshold of the signals; may be given more than once (the names are in "
                      "docs/tuning.md). Example: --threshold min_units=5"),
        "jsonl": ("--signals 不能与 --format jsonl 同用（JSON Lines 每行一个单位，没有汇总）",
                  "--signals does not go with --format jsonl (JSON Lines is one unit a line, with no summary)"),
    },
)  # fmt: skip


def _signal_options(command: argparse.ArgumentParser, lang: str) -> None:
    """``--signals`` and ``--threshold NAME=VALUE`` for the commands that read many units."""
    command.add_argument("--signals", action="store_true", help=SIGNALS["signals"](lang))
    command.add_argument(
        "--threshold", action="append", default=[], metavar="NAME=VALUE", help=SIGNALS["threshold"](lang)
    )


def _signal_thresholds(args: argparse.Namespace, parser: argparse.ArgumentParser, lang: str) -> None:
    """``args.thresholds``: the signals' thresholds from ``--threshold`` (None: the defaults); a bad
    one is a usage error, as a bad option value is."""
    args.thresholds = None
    if not hasattr(args, "threshold"):
        return
    if args.signals and args.format == "jsonl":
        parser.error(SIGNALS["jsonl"](lang))
    if args.threshold:
        from .signals import Thresholds  # imported here: only a run that changes a threshold needs it

        try:
            args.thresholds = Thresholds.parse(args.threshold)
        except Refusal as refused:
            parser.error(refused.text(lang))


TEMPLATE_ROWS = 200
"""``perfscore template --rows``'s default: :data:`perfscore.sheets.TEMPLATE_ROWS`, said here so that
building the parser imports no spreadsheet code (tests/test_sheets.py holds the two equal)."""


def _template_command(commands: Any, lang: str) -> None:
    said = DESK["template"](lang)
    template = commands.add_parser("template", help=said, description=said)
    template.add_argument("ruleset", help=HELP["ruleset"](lang))
    template.add_argument("-o", "--output", required=True, metavar="FILE", help=DESK["template_output"](lang))
    template.add_argument("--lang", choices=LANGS, help=HELP["lang"](lang))
    template.add_argument("--rows", type=int, default=TEMPLATE_ROWS, metavar="N",
                          help=DESK["rows"](lang).format(rows=TEMPLATE_ROWS))  # fmt: skip


def _template(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``perfscore template RULESET -o 填报表.xlsx``: the sheet units fill in."""
    from .sheets import write_template

    try:
        check_outputs([Output("-o", Path(args.output))], [Path(args.ruleset)])
        ruleset = _load(args.ruleset, args)
        write_template(ruleset, args.output, lang=args.lang, rows=max(1, args.rows))
    except PerfscoreError as error:
        stderr.write(f"perfscore: {said(error)}\n")
        return EXIT_INPUT
    return EXIT_OK


def _report(ruleset: Ruleset, batch: Any, single: bool, fmt: str, lang: str, args: argparse.Namespace) -> str:
    """The report of a run: one unit's (its own page) or many units' (with the signals across them:
    always on a page, with ``--signals`` in the other formats)."""
    from . import scorepage

    if fmt == "jsonl":  # each unit's JSON on a line, as perfscore.stream writes them
        return "".join(json.dumps(outcome.to_dict(), ensure_ascii=False) + "\n" for outcome in batch.outcomes)
    if single:
        outcome = batch.outcomes[0]
        name = batch._identity(0)[1]
        if fmt == "html":
            return scorepage.render_html(outcome, lang, unit=name or outcome.unit)
        return RENDERERS[fmt](outcome, lang)
    signals = None
    if fmt == "html" or args.signals:
        from .signals import find_signals  # imported here: only a report of many units reads signals

        signals = find_signals(batch, thresholds=args.thresholds)
    if fmt == "html":
        return scorepage.render_batch_html(batch, lang, signals=signals)
    if signals is None:
        return render_batch(batch, fmt, lang)
    if fmt == "json":
        return json.dumps({**batch.to_dict(), "signals": signals.to_dict()}, ensure_ascii=False, indent=2) + "\n"
    return render_batch(batch, fmt, lang) + "\n" + signals.render(fmt, lang)


def _desk_score(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``perfscore score RULESET DATA [-o FILE…]``: one unit (its report, or an error with exit 1) or
    many (the reports, then a summary; exit 3 when some failed). A sheet (.xlsx, .csv) is read as one
    unit a row; ``-o`` writes the scores (.xlsx, .csv) or the report (other suffixes)."""
    outputs = [Output("-o", Path(path)) for path in args.output if path != STDIN]
    fmt = args.format or next(
        (SUFFIX_FORMATS[p.suffix.lower()] for p in map(Path, args.output) if p.suffix.lower() in SUFFIX_FORMATS), "text"
    )
    written: list[Output] = []
    try:
        check_outputs(outputs, [Path(args.data), Path(args.ruleset)])
        ruleset = _load(args.ruleset, args)
        if is_sheet(args.data) or any(is_sheet(output.path) for output in outputs):
            from . import sheets  # imported here: reading and writing spreadsheets is not needed otherwise

            if any(output.path.suffix.lower() == ".xlsx" for output in outputs):
                sheets.require_openpyxl()  # before scoring, not after
        if is_sheet(args.data):
            sheet = sheets.read_sheet_units(args.data, ruleset)
            given, batch = list(sheet.units), sheet.score(ruleset)
        else:
            given = _units(args.data, args)  # read once (standard input cannot be read again for --to)
            batch = ruleset.score_many(given, workers=args.jobs)
        single = len(batch.outcomes) == 1
        if single and batch.errors:  # one unit: its error is the command's (exit 1)
            raise batch.errors[0].error
        if args.to is not None and not single:
            raise _one_unit_only()
        report = _report(ruleset, batch, single, fmt, args.lang, args)
        if args.to is not None:
            report = _with_reach(ruleset, given[0], batch.outcomes[0], args, fmt, report)
        to_stdout = True
        for output in outputs:
            if is_sheet(output.path):
                sheets.write_scores(batch, output.path, lang=args.lang)
            else:
                write_text(output.path, report, what="the report")
                to_stdout = False
            written.append(output)
        if to_stdout and not outputs:  # -o FILE: written, nothing printed (as every command's -o)
            stdout.write(report)
    except PerfscoreError as error:
        stderr.write(f"perfscore: {said(error)}\n")
        return EXIT_INPUT
    except KeyboardInterrupt as stop:
        return _stopped(stop, stderr, written, [output for output in outputs if output not in written])
    for failure in batch.errors:
        stderr.write(f"perfscore: {said(failure.error)}\n")
    return EXIT_UNITS_FAILED if batch.errors else EXIT_OK


# --- tuning: perfscore sensitivity, and perfscore score --to -------------------------------------

TUNING = words(
    "cli.tuning",
    {
        "sensitivity": ("调参分析：各参数不改变任何单位等级的区间，越过两端时谁的等级如何变化",
                        "tuning: the interval of each parameter that changes no unit's grade, and who changes past it"),
        "data": ("单位数据文件（.toml、.json、.jsonl，或表格 .xlsx、.csv），可多个；- 为标准输入。例：units.toml",
                 "the units' data files (.toml, .json, .jsonl, or a sheet, .xlsx or .csv); several may be given; "
                 "- for standard input. Example: units.toml"),
        "param": ("要分析的参数，可多次使用（默认：规则 [tuning] 中列出的参数；没有时为每对同级末级指标之间的分值、每个区间端点、"
                  "每项扣分、每个档次默认值和规则的分数；写法见 docs/tuning.md）。例：--param weight:output.a/output.b",
                  "a parameter to analyse; may be given more than once (default: those the ruleset's [tuning] lists, "
                  "else points between every two sibling leaves, every band end, points per finding, tier default "
                  "and rule's number; names: docs/tuning.md). Example: --param weight:output.a/output.b"),
        "to": ("在报告中加上「要达到目标需要什么」：每一项输入单独改变多少能达到下一等级（或给定的等级、总分）。例：--to 优、--to 95",
               "add \"what it takes\" to the report: how much each input alone must change to reach the next grade "
               "(or the grade or total given). Example: --to 优, --to 95"),
        "one-unit": ("--to 只用于一个单位的报告", "--to works on one unit's report"),
        "format": ("输出格式（默认 text；用 -o 时按文件后缀）；html 为含区间图的网页报告。例：--format html",
                   "output format (default: text; with -o, from the file's suffix); html: a page with a chart of the "
                   "intervals. Example: --format html"),
        "output": ("写入文件而不是打印。例：-o 敏感性.html", "write into FILE instead of printing. Example: -o sensitivity.html"),
    },
)  # fmt: skip


def _one_unit_only() -> PerfscoreError:
    from .errors import Location, Problem, TuningError

    return TuningError([Problem(Location(file="--to"), TUNING["one-unit"], code="unknown-goal")], "--to")


def _with_reach(
    ruleset: Ruleset,
    unit: Unit,
    result: Any,
    args: argparse.Namespace,
    fmt: str | None = None,
    report: str | None = None,
) -> str:
    """One unit's report, with what it takes when ``--to`` asks (``report``: the page made already)."""
    fmt = fmt or args.format
    if args.to is None:
        return report if report is not None else RENDERERS[fmt](result, args.lang)
    from .reach import what_it_takes  # imported here: scoring without --to does not need it
    from .tuningreport import reach_html, reach_lines

    found = what_it_takes(ruleset, unit.values, to=args.to or None, unit=result.unit)
    if fmt == "json":
        data = result.to_dict()
        data["what_it_takes"] = found.to_dict()
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        from . import scorepage

        return scorepage.render_html(
            result, args.lang, unit=unit.name or result.unit, extra=reach_html(found, args.lang)
        )
    return (report if report is not None else RENDERERS[fmt](result, args.lang)) + reach_lines(found, fmt, args.lang)


def _sensitivity_command(commands: Any, lang: str) -> None:
    said = TUNING["sensitivity"](lang)
    command = commands.add_parser("sensitivity", help=said, description=said)
    command.add_argument("ruleset", help=HELP["ruleset"](lang))
    command.add_argument("data", nargs="+", metavar="DATA", help=TUNING["data"](lang))
    command.add_argument("--param", action="append", default=None, metavar="PARAM", help=TUNING["param"](lang))
    command.add_argument("--format", choices=("text", "markdown", "json", "html"), help=TUNING["format"](lang))
    command.add_argument("--lang", choices=LANGS, help=HELP["lang"](lang))
    command.add_argument("-o", "--output", metavar="FILE", help=TUNING["output"](lang))


def _sensitivity(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``perfscore sensitivity RULESET DATA… [--param P…]``: units that cannot be scored are reported
    (on stderr and in the report) and left out; the others are analysed (exit 3 when some failed)."""
    from .tuning import sensitivity  # imported here: scoring does not need it
    from .tuningreport import render_sensitivity

    try:
        output = output_path(args, [args.ruleset, *args.data])
        if args.format is None:
            suffix = Path(args.output).suffix.lower() if args.output and args.output != STDIN else ""
            args.format = SUFFIX_FORMATS.get(suffix, "text")
        ruleset = _load(args.ruleset, args)
        units: list[Unit] = []
        for name in args.data:
            if is_sheet(name):
                from .sheets import read_sheet_units

                units += read_sheet_units(name, ruleset).units
            else:
                units += _units(name, args)
        found = sensitivity(ruleset, units, args.param)
        write_output(render_sensitivity(found, args.format, args.lang), output, stdout)
    except PerfscoreError as error:
        stderr.write(f"perfscore: {said(error)}\n")
        return EXIT_INPUT
    for failure in found.errors:
        stderr.write(f"perfscore: {said(failure.error)}\n")
    return EXIT_UNITS_FAILED if found.errors else EXIT_OK


def _diff(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """``perfscore diff OLD NEW [DATA…]``: units that fail under one version are part of the report,
    not an error of the command."""
    from .diff import compare, movements, render_diff  # imported here: scoring does not need it

    try:
        output = output_path(args, [args.old, args.new, *args.data])
        old, new = _load(args.old, args), _load(args.new, args)
        units = [unit for path in args.data for unit in _diff_units(path, old, new, args)]
        write_output(render_diff(compare(old, new), movements(old, new, units), args.format, args.lang), output, stdout)
    except PerfscoreError as error:
        stderr.write(f"perfscore: {said(error)}\n")
        return EXIT_INPUT
    return EXIT_OK


def _diff_units(path: str, old: Ruleset, new: Ruleset, args: argparse.Namespace) -> list[Unit]:
    """The units of a data file for ``perfscore diff``: a sheet's columns may give either version's inputs."""
    from .sheets import read_sheet_units

    return list(read_sheet_units(path, new, old).units) if is_sheet(path) else _units(path, args)


def _audit_inputs(args: argparse.Namespace) -> list[Path]:
    """The files ``perfscore audit`` reads: the table (a file, or a folder and its table files), the
    ruleset and the mapping (a shipped ruleset's id names no file of the user's)."""
    from .tables.read import table_files

    table = Path(args.table)
    ruleset = [] if args.ruleset == STDIN else [Path(args.ruleset)]
    inputs = [table, *ruleset, *([Path(args.mapping)] if args.mapping else [])]
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
            ("-o", None if args.output == STDIN else args.output),
            ("--summary-csv", args.summary_csv),
            ("--summary-xlsx", args.summary_xlsx),
            ("--reports", args.reports),
        )
        if path
    ]
    report = next((output.path for output in outputs if output.name == "-o"), None)
    outputs = [output for output in outputs if output.name != "-o"]
    writers: dict[str, Callable[..., Any]] = {
        "--summary-csv": tables.write_summary_csv,
        "--summary-xlsx": tables.write_summary_xlsx,
        "--reports": partial(tables.write_reports, thresholds=args.thresholds),
    }
    written: list[Output] = []
    try:
        check_outputs([*outputs, *([Output("-o", report)] if report else [])], _audit_inputs(args))
        ruleset = _load(args.ruleset, args)
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
            write_output(tables.render_audit(rows[0].audit, args.format, args.lang), report, stdout)
        elif audited.audited:
            signals = audited.signals(args.thresholds) if args.signals or args.format == "html" else None
            write_output(audited.render(args.format, args.lang, signals=signals), report, stdout)
        for row in audited.failures:
            stderr.write(f"perfscore: {row.message}\n")
        for output in outputs:
            writers[output.name](audited, output.path, lang=args.lang)
            written.append(output)
    except PerfscoreError as error:
        stderr.write(f"perfscore: {said(error)}\n")
        return EXIT_INPUT
    except KeyboardInterrupt as stop:
        return _stopped(stop, stderr, written, [output for output in outputs if output not in written])
    if not audited.audited:
        return EXIT_INPUT
    if audited.failures:
        return EXIT_UNITS_FAILED
    return EXIT_FINDINGS if _fails(audited.counts, args.fail_on) else EXIT_OK


def _fails(counts: dict[str, int], level: str | None) -> bool:
    """Whether findings of ``level`` (``error`` or ``warning``) or worse were found; never for None."""
    if level is None:
        return False
    return bool(counts["error"] or (level == "warning" and counts["warning"]))


CHECK = words(
    "cli.check",
    {
        "no-hypothesis": ("性质检查需要 hypothesis，但未安装；请用以下命令安装：pip install 'perfscore[testing]'",
                          "the property checks need hypothesis, which is not installed; "
                          "install it with: pip install 'perfscore[testing]'"),
        "stopped": ("{path}: 性质检查中断（{why}）", "{path}: the property checks stopped ({why})"),
        "clean": ("{path}: 未发现问题", "{path}: no problems found"),
        "properties": ("性质检查：{passed} 项通过，{failed} 项失败", "property checks: {passed} passed, {failed} failed"),
        "not-run": ("，{skipped} 项未运行（规则未能加载）", ", {skipped} not run (the ruleset did not load)"),
        "summary": ("已检查 {files} 个文件：错误 {error} 个，警告 {warning} 个，提示 {info} 个",
                    "{files} checked: {error}, {warning}, {info}"),
    },
)  # fmt: skip
NO_HYPOTHESIS = (
    "perfscore: " + CHECK["no-hypothesis"].en + "\n"
)  # kept for 0.1 callers; the command says it in its language


def _check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Lint each ruleset; with --properties also test it on generated data. Exit 1 on any error."""
    from .checks import load_and_lint  # imported here: scoring does not need the checks

    check_properties: Callable[..., Any] | None = None
    if args.properties:
        try:  # imported here so that the core command works without hypothesis installed
            from .testing import check_properties
        except ImportError:
            stderr.write(f"perfscore: {CHECK['no-hypothesis'](args.lang)}\n")
            return EXIT_INPUT
    checked: list[_Checked] = []
    unloaded: set[str] = set()  # the files that did not load: their problems show their source lines
    stopped = 0
    try:
        output = output_path(args, args.rulesets)
    except PerfscoreError as error:
        stderr.write(f"perfscore: {said(error)}\n")
        return EXIT_INPUT
    for named in args.rulesets:
        path = "<stdin>" if named == STDIN else named
        ruleset, diagnostics = load_and_lint(path, data=args.stdin.read() if named == STDIN else None)
        report = None
        if check_properties is not None and ruleset is not None:
            try:
                report = check_properties(ruleset, examples=args.examples, seed=args.seed)
            except Exception as error:  # a failure of the property runner is reported, never a traceback
                stopped_by = f"{type(error).__name__}: {error}"
                told = CHECK["stopped"].format(path=for_terminal(path), why=for_terminal(stopped_by))
                stderr.write(f"perfscore: {told(args.lang)}\n")
                stopped += 1
        checked.append((path, diagnostics, report))
        if ruleset is None:
            unloaded.add(path)
    counts: dict[str, int] = {
        severity: sum(d.severity == severity for _, found, _ in checked for d in found) for severity in SEVERITIES
    }
    failed = stopped + sum(report is not None and not report.ok for _, _, report in checked)
    if args.format == "json":
        text = _check_json(checked, counts, failed if args.properties else None)
    else:
        text = _check_text(checked, counts, args.lang, unloaded)
        if args.properties:
            passed = sum(report is not None and report.ok for _, _, report in checked)
            skipped = len(checked) - passed - failed  # rulesets that did not load
            note = CHECK["not-run"].format(skipped=skipped)(args.lang) if skipped else ""
            text += CHECK["properties"].format(passed=passed, failed=failed)(args.lang) + note + "\n"
    try:
        write_output(text, output, stdout)
    except PerfscoreError as error:
        stderr.write(f"perfscore: {said(error)}\n")
        return EXIT_INPUT
    gate = counts["error"] or (args.strict and counts["warning"])
    return EXIT_INPUT if gate or failed else EXIT_OK


_Checked = tuple[str, list[Diagnostic], Any]  # a file, its diagnostics, its property report (or None)


def _check_text(
    checked: list[_Checked], counts: dict[str, int], lang: str, unloaded: AbstractSet[str] = frozenset()
) -> str:
    """Diagnostics grouped by file, each indented under it, then one summary line; the problems of a
    file that did not load (``unloaded``) each with its source line and a caret, as a load error shows."""
    lines = []
    for path, diagnostics, report in checked:
        shown = for_terminal(path)
        lines.append(shown if diagnostics or report is not None else CHECK["clean"].format(path=shown)(lang))
        lines += [
            "  "
            + diagnostic.render(file=False, tagged=True, lang=lang, excerpts=path in unloaded).replace("\n", "\n  ")
            for diagnostic in diagnostics
        ]
        if report is not None:
            lines.append("  " + report.render(lang).rstrip("\n").replace("\n", "\n  "))

    def count(number: int, noun: str) -> str:
        return f"{number} {noun}{'' if number == 1 or noun == 'info' else 's'}"

    if lang == "zh":
        lines.append(CHECK["summary"].zh.format(files=len(checked), **counts))
    else:
        found = {severity: count(counts[severity], severity) for severity in SEVERITIES}
        lines.append(CHECK["summary"].en.format(files=count(len(checked), "file"), **found))
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
