"""The exception tree and the locations errors point at.

Errors are data: each problem carries where it is (file, key path, position inside an
expression), what was found and what was expected; ``str()`` renders it for people. The rendering
passes every piece that came from a file (file names, unit ids, messages quoting values, formulas
under a caret) through :func:`perfscore.text.for_terminal`: a line of a rendered error is always
perfscore's own line, whatever the files hold, so data cannot forge a ``perfscore:`` line.

Every message exists in Chinese and English (a :class:`~perfscore.messages.Text`, usually an entry
of a catalog filled with its values); rendering chooses the language: ``lang=`` when given, else
:func:`perfscore.messages.chosen_lang` (``--lang``, ``PERFSCORE_LANG``, Chinese by default).
"""

from __future__ import annotations

import errno
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from .messages import Text, chosen_lang, words
from .text import columns, escape, for_terminal

KeyPath = tuple[str | int, ...]
Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
_PLAIN_KEY = re.compile(r"[^\s.\"'\[\]]+")


WORDS = words(
    "errors",
    {
        "top-level": ("（顶层）", "(top level)"),
        "file": ("（文件）", "(file)"),
        "line": ("第 {line} 行", "line {line}"),
        "line-column": ("第 {line} 行第 {column} 列", "line {line}, column {column}"),
        "did-you-mean": ("（是否应为 '{name}'？）", " (did you mean '{name}'?)"),
        "error": ("错误", "error"),
        "warning": ("警告", "warning"),
        "info": ("提示", "info"),
        "count": ("{source}: {summary}有 {count} 处问题", "{source}: {count} problems in {summary}"),
        "count-one": ("{source}: {summary}有 {count} 处问题", "{source}: {count} problem in {summary}"),
        "the-ruleset": ("规则", "the ruleset"),
        "the-data": ("数据", "the data"),
        "the-parameters": ("调参请求", "the tuning request"),
        "problems": ("问题", "problems"),
        "unit": ("{unit}: {message}", "{unit}: {message}"),
    },
)
"""The words of rendered errors (the messages themselves are in each module's catalog)."""


_OS_REASONS = words(
    "errors.os",
    {
        "ENOENT": ("文件或文件夹不存在", "No such file or directory"),
        "EACCES": ("没有权限", "Permission denied"),
        "EPERM": ("不允许这样操作", "Operation not permitted"),
        "EISDIR": ("这是一个文件夹", "Is a directory"),
        "ENOTDIR": ("路径中有一段不是文件夹", "Not a directory"),
        "EEXIST": ("已经有同名的文件", "File exists"),
        "ENOSPC": ("磁盘空间不足", "No space left on device"),
        "EROFS": ("文件系统是只读的", "Read-only file system"),
    },
)  # fmt: skip


def os_reason(error: OSError) -> Text:
    """Why the system refused a file, in both languages: the commonest reasons in Chinese, any other
    as the system says it."""
    name = errno.errorcode.get(error.errno or 0, "")
    said = str(error.strerror or error)
    known = _OS_REASONS.get(name)
    return Text(known.zh, said) if known else Text(said or "?", said or "?")


def format_key_path(path: KeyPath, lang: str | None = None) -> str:
    """Render ``("indicators", "output", 0)`` as ``indicators.output[0]``; a key with dots, spaces or
    invisible characters is quoted and escaped, so it always reads as one key on one line."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            key = part if _PLAIN_KEY.fullmatch(part) and part.isprintable() else '"' + escape(part) + '"'
            text += f".{key}" if text else key
    return text or WORDS["top-level"](chosen_lang(lang))


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest known name to a misspelt one, if any is close enough."""
    import difflib  # here: only a mistake needs it, and scoring a unit never imports it

    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def excerpt(text: str, line: int, column: int | None) -> str | None:
    """Line ``line`` of ``text`` (both counted from 1) with a caret under column ``column``:
    ``    3 | name = “产出”`` over ``      |        ^`` (wide characters count two columns; what the
    line holds passes the terminal gate)."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    shown_line = lines[line - 1].rstrip("\r")
    number = str(line)
    head = f"    {number} | {for_terminal(shown_line)}"
    if column is None:
        return head
    lead = columns(for_terminal(shown_line[: max(column - 1, 0)]))
    return f"{head}\n    {' ' * len(number)} | {' ' * lead}^"


@dataclass(frozen=True)
class Span:
    """A stretch of an expression's text: where inside a formula a problem is."""

    expression: str
    start: int
    end: int

    def render(self) -> str:
        """The expression with ``^~~`` under the offending part (Chinese characters are two columns wide;
        a control character in the formula is shown as its code, and the caret counts its columns)."""
        lead = columns(for_terminal(self.expression[: self.start]))
        width = max(1, columns(for_terminal(self.expression[self.start : self.end])))
        return f"    {for_terminal(self.expression)}\n    {' ' * lead}^{'~' * (width - 1)}"


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, a key path inside it, optionally a line or a span."""

    file: str | None = None
    path: KeyPath = ()
    line: int | None = None
    column: int | None = None
    span: Span | None = None

    def render(self, lang: str | None = None, *, lines: bool = False) -> str:
        """``file: key.path`` when the key path is known (its line and column are data, in
        :meth:`to_dict`; ``lines`` shows them too: ``file:line:column: key.path``), else
        ``file:line:column`` (a TOML syntax error)."""
        head = for_terminal(self.file or "<string>")
        if self.path:
            if lines and self.line is not None:
                head += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
            return f"{head}: {format_key_path(self.path, lang)}"
        if self.line is not None:
            head += f":{self.line}"
            if self.column is not None:
                head += f":{self.column}"
        return head

    def place(self, lang: str | None = None) -> str:
        """Where inside the file, without the file: the key path, or the line and column."""
        lang = chosen_lang(lang)
        if self.path:
            return format_key_path(self.path, lang)
        if self.line is not None:
            if self.column is None:
                return WORDS["line"].format(line=self.line)(lang)
            return WORDS["line-column"].format(line=self.line, column=self.column)(lang)
        return WORDS["file"](lang)

    def to_dict(self) -> dict[str, Any]:
        span = self.span
        return {
            "file": self.file,
            "path": format_key_path(self.path) if self.path else None,
            "keys": list(self.path),
            "line": self.line,
            "column": self.column,
            "span": None if span is None else {"expression": span.expression, "start": span.start, "end": span.end},
        }


@dataclass(frozen=True, init=False)
class Problem:
    """One finding about a ruleset, a unit's data or a table: a stable code from :data:`CODES`, how
    serious it is, what was found and where, and the known name probably meant.

    The message is given as a :class:`~perfscore.messages.Text` (both languages: ``message`` keeps
    the English, ``message_zh`` the Chinese), or as English text with ``message_zh`` beside it.
    Errors stop loading or scoring; warnings and infos come from ``perfscore check`` and audits.
    """

    location: Location
    message: str  # English
    suggestion: str | None = None
    code: str = "invalid-value"
    severity: Severity = "error"
    message_zh: str | None = None  # Chinese
    excerpt: str | None = None  # the source line and a caret under the place (its line and column)

    def __init__(
        self,
        location: Location,
        message: str | Text,
        suggestion: str | None = None,
        code: str = "invalid-value",
        severity: Severity = "error",
        message_zh: str | None = None,
        excerpt: str | None = None,
    ) -> None:
        if isinstance(message, Text):
            message_zh = message.zh if message_zh is None else message_zh
            message = message.en
        for name, value in (
            ("location", location),
            ("message", message),
            ("suggestion", suggestion),
            ("code", code),
            ("severity", severity),
            ("message_zh", message_zh),
            ("excerpt", excerpt),
        ):
            object.__setattr__(self, name, value)
        self.__post_init__()

    def __post_init__(self) -> None:
        if self.code not in CODES:  # the list is closed: a new code is documented before it is used
            raise ValueError(f"unknown problem code {self.code!r}: add it to perfscore.errors.CODES and docs/errors.md")

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang`` (None: :func:`~perfscore.messages.chosen_lang`); English when a
        problem made without ``message_zh`` is asked for in Chinese."""
        if chosen_lang(lang) == "zh" and self.message_zh:
            return self.message_zh
        return self.message

    def render(
        self, *, file: bool = True, tagged: bool = False, lang: str | None = None, excerpts: bool = False
    ) -> str:
        """``file: key.path: message``, with a caret line under a span. ``tagged`` puts the severity
        and code before the message (``error[points-sum]: …``, ``错误[points-sum]: …``), as ``perfscore
        check`` prints it; ``file=False`` leaves the file out (for output grouped by file). The source
        line with a caret (``excerpt``) follows a syntax error, and, with ``excerpts``, any problem
        whose line is known (the command line shows them)."""
        lang = chosen_lang(lang)
        where = self.location.render(lang, lines=excerpts) if file else self.location.place(lang)
        message = for_terminal(self.text(lang))
        severity = WORDS[self.severity](lang)
        text = f"{where}: {severity}[{self.code}]: {message}" if tagged else f"{where}: {message}"
        if self.suggestion:
            text += WORDS["did-you-mean"].format(name=for_terminal(self.suggestion))(lang)
        if self.location.span is not None:
            text += "\n" + self.location.span.render()
        elif self.excerpt is not None and (excerpts or not self.location.path):
            text += "\n" + self.excerpt
        return text

    def __str__(self) -> str:
        return self.render()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the code and what it means (zh, en), the severity, the message (zh when
        perfscore has it in Chinese, else null; en), the suggestion, and where: the file, the key path
        as text and as its parts, the line and column of the key, the span inside a formula."""
        zh, en = CODES[self.code]
        return {
            "code": self.code,
            "meaning": {"zh": zh, "en": en},
            "severity": self.severity,
            "message": {"zh": self.message_zh, "en": self.message},
            "suggestion": self.suggestion,
            "excerpt": self.excerpt,
            **self.location.to_dict(),
        }


Diagnostic = Problem
"""What ``perfscore check`` finds: the same record as every other problem (kept as a name for 0.1 code)."""


class PerfscoreError(Exception):
    """Root of every error perfscore raises on purpose."""

    problems: tuple[Problem, ...] = ()

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang`` (None: :func:`~perfscore.messages.chosen_lang`) on one line: a control
        or line-breaking character in it (a file name, a value) is shown as its code. A message given as
        a :class:`~perfscore.messages.Text` is shown in the language chosen."""
        first = self.args[0] if len(self.args) == 1 else None
        if isinstance(first, Text):
            return for_terminal(first(chosen_lang(lang)))
        return for_terminal(super().__str__())

    def __str__(self) -> str:
        """The message in the language in force; errors made of problems render each on a line of its own."""
        return self.render()

    def to_dict(self) -> dict[str, Any]:
        """The error as plain data for JSON: its kind (the class's name), the whole message (in the language
        in force; ``messages`` has it in both), each located problem (see :meth:`Problem.to_dict`), and the
        file or the unit at fault (null when not known)."""
        return {
            "error": type(self).__name__,
            "message": str(self),
            "messages": {lang: self.render(lang) for lang in ("zh", "en")},
            "problems": [problem.to_dict() for problem in self.problems],
            "source": getattr(self, "source", None),  # the file at fault, for ruleset and data errors
            "unit": getattr(self, "unit", None),  # the unit at fault, for scoring and internal errors
        }


class _ProblemsError(PerfscoreError):
    """An error that gathers every problem found, not only the first."""

    summary = WORDS["problems"]

    def __init__(self, problems: Sequence[Problem], source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self.render("en"))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its problems and source (a process pool sends errors back)."""
        return (type(self), (self.problems, self.source), self.__dict__)

    def render(self, lang: str | None = None, *, excerpts: bool = False) -> str:
        """A head line (the file, how many problems), then each problem on a line of its own (with
        ``excerpts``, each followed by its source line and a caret, where known)."""
        lang = chosen_lang(lang)
        count = len(self.problems)
        source = for_terminal(self.source or "<string>")
        said = WORDS["count-one" if count == 1 else "count"].format(source=source, count=count, summary=self.summary)
        head = said(lang)
        lines = [f"  {p.render(lang=lang, excerpts=excerpts)}".replace("\n", "\n  ") for p in self.problems]
        return "\n".join([head, *lines])


class RulesetError(_ProblemsError, ValueError):
    """The ruleset document is malformed or inconsistent; raised at load time."""

    summary = WORDS["the-ruleset"]


class DataError(_ProblemsError, ValueError):
    """A unit's data is missing inputs or has values of the wrong kind."""

    summary = WORDS["the-data"]


class TuningError(_ProblemsError, ValueError):
    """A request of ``perfscore sensitivity`` or ``--to`` names a parameter, an indicator or a goal the
    ruleset does not have, or one that cannot be moved (``docs/tuning.md``)."""

    summary = WORDS["the-parameters"]


class ScoringError(PerfscoreError, ArithmeticError):
    """Scoring could not finish for one unit (e.g. a formula divided by zero)."""

    def __init__(self, problem: Problem, unit: str | None = None) -> None:
        self.problem = problem
        self.problems = (problem,)
        self.unit = unit
        super().__init__(self.render("en"))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problem, self.unit), self.__dict__)

    def render(self, lang: str | None = None) -> str:
        text = self.problem.render(lang=lang)
        return f"{for_terminal(self.unit)}: {text}" if self.unit else text


class Refusal(ValueError):
    """A ValueError whose message is in both languages: a model's own check raises it, and the loader
    reports its words (``str()`` is the English)."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


class UnreadableFileError(PerfscoreError, OSError):
    """A ruleset or data file could not be read (missing, unreadable, too large)."""


class OutputError(PerfscoreError, OSError):
    """A summary or report file could not be written (a folder that cannot be made, a missing
    optional dependency such as openpyxl for .xlsx), or was refused (an output that is an input)."""

    def render(self, lang: str | None = None) -> str:
        """A refusal's problems each on two lines, Chinese then English (one line each in ``lang`` when
        it is given); each line passes the terminal gate on its own, so a path holding a line break
        stays on its line."""
        if not self.problems:
            return super().render(lang)
        if lang is not None:
            return "\n  ".join(for_terminal(problem.text(lang)) for problem in self.problems)
        return "\n  ".join(
            f"{for_terminal(problem.message_zh or problem.message)}\n  {for_terminal(problem.message)}"
            for problem in self.problems
        )


class InternalError(PerfscoreError, RuntimeError):
    """perfscore itself failed on a unit (a bug, never the data's fault): the unit is named and the
    original exception is chained. Please report it."""

    def __init__(self, message: str | Text, unit: str | None = None) -> None:
        self.unit = unit
        if unit:
            message = (
                WORDS["unit"].format(unit=unit, message=message) if isinstance(message, Text) else f"{unit}: {message}"
            )
        super().__init__(message)


# --- the closed list of problem codes --------------------------------------------------------

_CODES: dict[str, tuple[str, str]] = {
    # reading a ruleset or a data file
    "toml-syntax": ("不是有效的 TOML", "not valid TOML"),
    "json-syntax": ("不是有效的 JSON", "not valid JSON"),
    "encoding": ("文件不是 UTF-8 文本", "the file is not UTF-8 text"),
    "file-too-large": ("文件超过大小限制", "the file is over the size limit"),
    "too-deep": ("表格或数组嵌套过深", "tables or arrays nested too deeply"),
    "look-alike-key": ("键名含有易混淆字符（全角、不可见或混合字母）", "a key holds look-alike, full-width or invisible characters"),
    "string-too-long": ("文本超过长度限制", "a text value is over the length limit"),
    "number-too-large": ("数字位数或数量级超过限制", "a number has too many digits or too large a magnitude"),
    "control-character": ("显示在报告中的文本含有换行或控制字符", "text shown in reports holds a line break or control character"),
    "too-many-indicators": ("指标数量超过限制", "more indicators than the limit"),
    # the ruleset's shape
    "unknown-key": ("未知的键", "an unknown key"),
    "missing-key": ("缺少必填的键", "a required key is missing"),
    "invalid-value": ("值的类型或范围不对", "a value of the wrong type or outside its range"),
    "not-a-table": ("此处应为表格", "a table was expected here"),
    "stray-key": ("[indicators] 下只能放指标表", "[indicators] holds only indicator tables"),
    "empty-indicator": ("指标既无计分方法也无下级指标", "an indicator with neither a method nor sub-indicators"),
    "unknown-method": ("未知的计分方法", "an unknown scoring method"),
    "unknown-rule-kind": ("未知的规则类型（封顶、保底、加减分、加分项、一票否决）", "an unknown kind of group rule"),
    "points-sum": ("下级指标分值之和不等于上级分值", "sub-indicators' points do not add up to their parent's"),
    "points-precision": ("分值的小数位多于舍入位数", "points with more decimal places than the rounding keeps"),
    "bad-name": ("名称不合规则（字母、数字、下划线）", "a name that is not letters, digits and _"),
    "reserved-name": ("名称为保留字", "a reserved name"),
    "duplicate-name": ("名称重复", "a name declared twice"),
    "cycle": ("计算值相互引用成环", "derived values that depend on each other in a cycle"),
    "bound-name": ("min/max 引用的不是另一个数值输入", "min or max names something that is not another number input"),
    "unknown-scale": ("未知的评定档次表", "an unknown rating scale"),
    "unknown-tier": ("未知的档次", "an unknown tier"),
    "unknown-indicator": ("未知的一级指标", "an unknown first-level indicator"),
    "bad-default": ("默认值不符合输入的要求", "a default that does not fit its input"),
    "rating-input": ("定性分档指标须读取评定类输入", "a rating indicator must read a rating input"),
    "band-points": ("区间给分超过指标分值", "a band gives more points than the indicator has"),
    "template-field": ("说明模板中的字段无效", "an invalid field in an explanation template"),
    # formulas
    "formula-syntax": ("公式写法有误", "a formula that is not valid"),
    "formula-refused": ("公式中使用了不允许的写法", "a construct not allowed in formulas"),
    "formula-type": ("公式中值的类型不匹配", "values of mismatched kinds in a formula"),
    "formula-kind": ("公式结果的类型不对", "a formula giving the wrong kind of value"),
    "formula-arity": ("函数参数个数或写法不对", "a function called with the wrong arguments"),
    "formula-too-long": ("公式超过长度限制", "a formula over the length limit"),
    "formula-too-deep": ("公式嵌套过深", "a formula nested too deeply"),
    "unknown-name": ("公式引用了未声明的名称", "a formula reads a name that is not declared"),
    "unknown-function": ("未知的函数", "an unknown function"),
    # a unit's data
    "invalid-input": ("输入值不符合要求", "an input value that does not fit its input"),
    "missing-input": ("缺少必填的输入", "a required input is missing"),
    "unknown-input": ("未声明的输入", "an input the ruleset does not declare"),
    "not-a-unit": ("数据文件的结构不对", "a data file that does not hold units"),
    # scoring one unit
    "division-by-zero": ("公式除以零", "a formula divided by zero"),
    "formula-failed": ("公式无法计算", "a formula could not be computed"),
    "leaf-failed": ("指标无法计分", "an indicator could not be scored"),
    "no-band": ("值不在任何区间内", "a value in none of the bands"),
    "negative-count": ("扣分项数为负", "a negative count of findings"),
    # perfscore check
    "unreadable-file": ("文件无法读取", "the file cannot be read"),
    "lint-failed": ("检查本身出错（请报告）", "a check itself failed (please report it)"),
    "unused-input": ("输入未被任何指标使用", "an input no indicator reads"),
    "unused-derived": ("计算值未被任何指标使用", "a derived value no indicator reads"),
    "unused-scale": ("评定档次表未被使用", "a rating scale no input uses"),
    "band-gap": ("部分取值不在任何区间内", "values that fall in no band"),
    "band-overlap": ("区间相互重叠", "bands that overlap"),
    "band-unreachable": ("区间永远不会被用到", "a band no value reaches"),
    "tier-gap": ("档次未覆盖 0–100%", "tiers that leave part of 0–100% uncovered"),
    "tier-overlap": ("档次相互重叠", "tiers that overlap"),
    "tier-empty": ("档次不含任何分值", "a tier that holds no score"),
    "ratio-target-zero": ("比率法目标值为 0 或负数", "a ratio target of 0 or less"),
    "target-out-of-range": ("目标值超出实际值可能的范围", "a target beyond every possible actual"),
    "divisor-may-be-zero": ("除数可能为 0", "a divisor that may be 0"),
    "formula-out-of-range": ("公式结果超出 0 至分值的范围", "a formula result outside 0 and the points"),
    "formula-range-unproven": ("无法证明公式结果在 0 至分值之间", "a formula not proved to stay within 0 and the points"),
    "reversed-direction": ("比率法的方向与输入的改善方向相反", "a ratio scored against its input's better direction"),
    "not-monotone": ("输入改善时得分反而降低", "a score that falls as an input improves"),
    "duplicate-indicator-name": ("同级指标重名", "sibling indicators with the same name"),
    "never-loses-points": ("指标无论数据如何都得满分", "an indicator that never loses points"),
    "never-earns-points": ("指标无论数据如何都得 0 分", "an indicator that never earns points"),
    "zero-points": ("指标分值为 0", "an indicator worth 0 points"),
    "rule-overlap": ("同一指标组的两条规则条件重叠", "two rules of one node whose conditions overlap"),
    "rule-boundary": ("边界值同时满足两条规则的条件", "a boundary value that meets two rules' conditions"),
    "rule-gap": ("相邻两条规则的条件之间有空档", "values between two rules' conditions that meet neither"),
    "rule-never-binds": ("封顶或保底永远不会起作用", "a ceiling or floor that can never bind"),
    "rule-unreachable": ("规则条件永远不会成立", "a rule whose condition can never hold"),
    "rule-always": ("规则条件总是成立", "a rule whose condition always holds"),
    # self-evaluation tables: reading
    "table-file": ("自评表文件无法读取", "a table file that cannot be read"),
    "table-document": ("自评表文档结构不对", "a table document of the wrong shape"),
    "table-number": ("单元格中的数字无法识别", "a number in a cell that cannot be read"),
    "table-row": ("指标行无法识别", "an indicator row that cannot be read"),
    "no-table": ("文件中没有找到自评表", "no self-evaluation table in the file"),
    "no-tables": ("文件夹中没有自评表文件", "no table files in the folder"),
    "unsaved-formula": ("公式单元格没有保存的计算结果", "a formula cell with no saved value"),
    "table-too-large": ("自评表文件超过读取限制（大小、行列、单元格或文字）", "a table file over a reading bound (size, rows, columns, cells or text)"),
    "xml-refused": ("工作簿中的 XML 含有 DTD 或嵌套过深", "XML in a workbook that declares a DTD or nests too deeply"),
    "wrong-type": ("值的类型不对", "a value of the wrong type"),
    "not-text": ("此处应为文本", "text was expected here"),
    "unknown-field": ("未知的表头字段", "an unknown header field"),
    "unreadable-cell": ("单元格内容无法识别", "a cell that cannot be read"),
    "missing-points": ("指标行没有填写分值", "an indicator row with no points"),
    "invalid-points": ("指标行的分值无效", "an indicator row with invalid points"),
    "unknown-level1": ("一级指标与规则中的都不匹配", "a first-level indicator that matches none of the ruleset's"),
    "no-budget-indicator": ("规则没有可计预算执行率的一级指标", "no first-level indicator to score budget execution"),
    # self-evaluation tables: audits
    "unreadable": ("目标值或实际值无法识别", "a target or actual that cannot be read"),
    "no-points": ("指标没有分值", "an indicator with no points"),
    "no-score": ("指标没有填写得分", "an indicator with no score filled in"),
    "row-score": ("自评得分与规则计算的不符", "a self-assessed score that departs from the rules"),
    "above-points": ("得分超过分值", "a score above the points"),
    "tier-band": ("定性指标得分不在所选档次内", "a qualitative score outside its tier"),
    "over-target": ("实际值远超目标，需说明原因", "an actual far above its target, to be explained"),
    "no-note": ("未达满分但未说明原因", "short of full marks with no explanation"),
    "budget-points": ("预算执行率没有分值", "budget execution with no points"),
    "budget-rate": ("填写的执行率与金额不符", "a written execution rate that departs from the amounts"),
    "budget-score": ("预算执行得分与规则计算的不符", "a budget execution score that departs from the rules"),
    "level1-points": ("一级指标分值与规则不符", "first-level points that depart from the ruleset"),
    "total-points": ("各项分值之和不等于总分", "points that do not add up to the total"),
    "total-sum": ("填写的总分不等于各项得分之和", "a written total that is not the sum of the scores"),
    "total-score": ("总分与规则计算的不符", "a total that departs from the rules"),
    "above-cap": ("得分高于规则封顶或一票否决后的分数", "a score kept above its cap or veto"),
    "grade": ("填写的等级与总分不符", "a written grade that does not fit the total"),
    "assumed": ("读取单元格时作了假设，需核对", "an assumption made to read a cell, to be checked"),
    "above-total": ("总分超过满分，不评定等级", "a total above the full score, given no grade"),
    # tuning: perfscore sensitivity and --to
    "unknown-parameter": ("未知的调参参数或指标", "an unknown tuning parameter or indicator"),
    "not-tunable": ("该参数不能调整（计分方法未说明得分如何随它变化）", "a parameter that cannot be moved (its method does not say how the score depends on it)"),
    "unknown-goal": ("未知的目标等级或总分", "an unknown goal grade or total"),
    # writing summaries and reports
    "output-is-input": ("输出文件就是输入之一（或含有输入）", "an output that is one of the inputs (or holds one)"),
    "same-output": ("两个输出指向同一个文件", "two outputs that name the same file"),
}  # fmt: skip
CODES: Mapping[str, tuple[str, str]] = MappingProxyType(_CODES)
"""Every problem code, with what it means in Chinese and English. The list is closed: a Problem
with another code is refused when it is made, and ``docs/errors.md`` lists each one (a test
holds the two to the same list)."""
