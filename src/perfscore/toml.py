"""TOML in and out: reading with numbers exact (Decimal, never float), and writing documents
exactly (:func:`dumps_toml`: a ruleset's document, a table's own ruleset, generated rulesets).

What TOML can hold is stated once, in :func:`plain_document`: the writer refuses the rest with
located problems, and :func:`perfscore.loads_dict` checks a Python mapping with the same walk.

Reading is where people's typing mistakes surface, so each gets a message that says what to change
(:func:`decode` and :func:`parse_toml`): a file saved as GBK/GB18030 or UTF-16 (save it as UTF-8), a
stray byte-order mark, full-width punctuation typed by a Chinese input method (“”‘’（）【】：，＝ for
"" '' () [] : , =), a Chinese key without quotes; a syntax error shows its line with a caret.
"""

from __future__ import annotations

import datetime
import numbers
import operator
import re
import sys
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .errors import DataError, KeyPath, Location, Problem, RulesetError, excerpt
from .messages import Text, verbatim, words
from .text import shown, unquoted

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_TWICE = re.compile(r"Cannot declare \((.*)\) twice")
_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_INT64 = range(-(2**63), 2**63)
_WRITE_DEPTH = 100  # tables and arrays nested deeper are refused by the writer (a ruleset allows 32)
_LINE = 100  # an array longer than this on one line is written one item per line


WORDS = words(
    "toml",
    {
        "too-deep": ("TOML 写法有误：嵌套过深", "invalid TOML: nested too deeply"),
        "syntax": ("TOML 写法有误：{reason}", "invalid TOML: {reason}"),
        "digits": ("TOML 写法有误：数字超过 4000 位", "invalid TOML: a number has more than 4,000 digits"),
        "full-width": ("第 {line} 行有中文全角符号，{kind} 只认英文半角符号（请切换到英文输入法）：{changes}",
                       "line {line} holds full-width (Chinese) punctuation where {kind} needs ASCII "
                       "(switch the input method to English): {changes}"),
        "change": ("第 {column} 列的 {char} 改为 {ascii}", "change {char} at column {column} to {ascii}"),
        "and": ("；", "; "),
        "bare-key": ("第 {line} 行第 {column} 列：中文键名要用英文双引号括起来，例如 \"产出\" = … 或 [indicators.\"产出\"]",
                     "line {line}, column {column}: a key in Chinese needs ASCII double quotes around it, "
                     "as in \"产出\" = … or [indicators.\"产出\"]"),
        "bare-text": ("第 {line} 行第 {column} 列：文本要用英文双引号括起来，例如 label = \"全年预算数\"",
                      "line {line}, column {column}: text needs ASCII double quotes around it, "
                      "as in label = \"全年预算数\""),
        "twice": ("表 [{name}] 写了两次", "the table [{name}] is declared twice"),
        "bom": ("第 {line} 行第 {column} 列有一个看不见的字符 U+FEFF（字节顺序标记 BOM，常由合并文件或复制粘贴带入）：请删除它",
                "line {line}, column {column} holds an invisible U+FEFF (a byte-order mark, BOM, often left by joining "
                "files or pasting): delete it"),
        "utf-16": ("文件以 UTF-16 编码保存（记事本的“Unicode”）：请另存为 UTF-8（记事本：另存为 → 编码选“UTF-8”；"
                   "WPS/Excel 导出文本时选 UTF-8）",
                   "the file is saved as UTF-16 (Notepad's \"Unicode\"): save it as UTF-8 instead (Notepad: Save As → "
                   "Encoding: UTF-8)"),
        "office": ("这是 Excel/WPS 表格或 Word 文档（压缩的二进制文件），不是文本：规则和单位数据须为 .toml 或 .json 文本文件",
                   "this is a spreadsheet or document (a compressed binary file), not text: rulesets and unit data "
                   "are .toml or .json text files"),
        "gbk": ("文件以 GBK/GB18030 编码保存（第 {line} 行：{text}），不是 UTF-8：请另存为 UTF-8"
                "（记事本：另存为 → 编码选“UTF-8”；WPS：文件 → 另存为 → 编码 UTF-8）",
                "the file is saved as GBK/GB18030 (line {line}: {text}), not UTF-8: save it as UTF-8 instead "
                "(Notepad: Save As → Encoding: UTF-8)"),
        "not-utf-8": ("文件不是 UTF-8 文本（第 {line} 行，第 {byte} 个字节）：请另存为 UTF-8",
                      "the file is not UTF-8 text (byte {byte}, line {line}): save it as UTF-8"),
        "cycle": ("表格或数组包含它自己：TOML 无法表示循环", "the table or array contains itself: TOML cannot hold a cycle"),
        "not-a-document": ("文档应为键到值的映射（dict），实际为 {kind}",
                           "a document is a mapping (dict) of keys to values, got {kind}"),
        "too-many-values": ("文档的值超过 {count} 个，超出大小限制内的规则所能容纳的数量",
                            "the document holds more than {count} values, more than a ruleset within the size limit can"),
        "nested": ("表格和数组的嵌套超过 {depth} 层", "tables and arrays are nested more than {depth} levels deep"),
        "int64": ("TOML 整数为 64 位（±9,223,372,036,854,775,807）：更大的数请写成 Decimal",
                  "TOML integers are 64-bit (±9,223,372,036,854,775,807): write a larger number as a Decimal"),
        "offset": ("TOML 的时区偏移须为整分钟，实际为 {offset}", "TOML offsets are whole minutes, got a datetime offset of {offset}"),
        "time-zone": ("TOML 的时间不带时区：请用 datetime，或不带 tzinfo 的 time",
                      "TOML times have no time zone: use a datetime, or a time without tzinfo"),
        "null": ("TOML 没有空值（None）：请去掉这个键", "TOML has no null (None): leave the key out"),
        "kind": ("应为文本、数字、true/false、日期或时间、表格（映射）或数组（列表），实际为 {kind}",
                 "expected text, a number, true/false, a date or time, a table (mapping) or an array (list); got {kind}"),
        "surrogate": ("文本含有孤立的代理字符（\\u{code}），UTF-8 无法表示",
                      "the text holds a lone surrogate (\\u{code}), which UTF-8 cannot hold"),
        "key-kind": ("键名应为文本，实际为 {key}", "keys are text, got {key}"),
        "invalid-key": ("键名无效：{why}", "invalid key: {why}"),
    },
)  # fmt: skip

_REASONS = words(
    "toml.reasons",
    {
        "Invalid value": ("值的写法无效", "Invalid value"),
        "Invalid statement": ("这一行不是“键 = 值”或 [表头]", "Invalid statement"),
        "Expected '=' after a key in a key/value pair": ("键后面应为 =", "Expected '=' after a key in a key/value pair"),
        "Cannot overwrite a value": ("同一个键写了两次", "Cannot overwrite a value"),
        "Unclosed array": ("数组缺少右方括号 ]", "Unclosed array"),
        "Unclosed inline table": ("内联表缺少右花括号", "Unclosed inline table"),
        "Unterminated string": ("字符串缺少结尾的引号", "Unterminated string"),
        "Expected newline or end of document after a statement": ("一行只能写一条“键 = 值”", "Expected newline or end of document after a statement"),
        "Invalid initial character for a key part": ("键名的第一个字符无效", "Invalid initial character for a key part"),
        "Invalid key": ("键名无效", "Invalid key"),
        "Expected ']' at the end of a table declaration": ("表头缺少右方括号 ]", "Expected ']' at the end of a table declaration"),
        "Expected ']]' at the end of an array declaration": ("表数组的表头缺少 ]]", "Expected ']]' at the end of an array declaration"),
        "Invalid date or datetime": ("日期或时间的写法无效", "Invalid date or datetime"),
        "Unclosed multiline string": ("多行字符串缺少结尾的引号", "Unclosed multiline string"),
        "Illegal character in string": ("字符串中有不允许的字符", "Illegal character in string"),
        "Unescaped '\\' in a string": ("字符串中的反斜杠 \\ 要写成 \\\\，或改用单引号（如 'C:\\文件\\规则.toml'）",
                                        "Unescaped '\\' in a string"),
        "Escaped character is not a Unicode scalar value": ("转义字符不是有效的 Unicode 字符",
                                                            "Escaped character is not a Unicode scalar value"),
        "Invalid hex value": ("十六进制写法无效", "Invalid hex value"),
    },
)  # fmt: skip
"""tomllib's commonest reasons, in Chinese (any other is shown as tomllib says it)."""

FULL_WIDTH = {"“": '"', "”": '"', "‘": "'", "’": "'", "（": "(", "）": ")", "【": "[", "】": "]", "［": "[",
              "］": "]", "｛": "{", "｝": "}", "：": ":", "，": ",", "＝": "=", "．": ".", "＃": "#", "\u3000": " "}  # fmt: skip
"""Full-width punctuation a Chinese input method types, and the ASCII TOML needs in its place."""


def decode(raw: bytes, source: str | None, error: type[RulesetError] | type[DataError]) -> str:
    """The text of a file's bytes: UTF-8 (a byte-order mark at the start is dropped). A file saved as
    UTF-16 or GBK/GB18030, or not text at all, is refused with ``error`` saying how to save it."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_mark(raw):
        raise error([Problem(Location(source), WORDS["utf-16"], code="encoding")], source)
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # a zip (.xlsx, .docx) or an old Office file
        raise error([Problem(Location(source), WORDS["office"], code="encoding")], source)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as failure:
        line = raw.count(b"\n", 0, failure.start) + 1
        message = WORDS["not-utf-8"].format(byte=failure.start, line=line)
        try:
            guessed = raw.decode("gb18030").split("\n")[line - 1].strip()
        except UnicodeDecodeError:
            guessed = ""
        if any("\u4e00" <= char <= "\u9fff" for char in guessed):
            shown_line = guessed if len(guessed) <= 40 else guessed[:40] + "…"
            message = WORDS["gbk"].format(line=line, text=shown_line)
        raise error([Problem(Location(source, line=line), message, code="encoding")], source) from None


def _utf16_without_mark(raw: bytes) -> bool:
    """Text saved as UTF-16 without its byte-order mark: ASCII characters leave a zero byte in every
    other place (and only there)."""
    half = len(raw) // 2
    odd, even = raw[1::2].count(0), raw[0::2].count(0)
    return half >= 8 and max(odd, even) * 5 >= half * 2 and min(odd, even) * 20 <= half


def typing_mistake(text: str, line: int, column: int | None, kind: str = "TOML") -> Text | None:
    """What a finance officer probably typed wrong on ``line`` where TOML (or JSON: ``kind``) failed to
    parse: full-width punctuation, an invisible byte-order mark, a Chinese key without quotes (TOML);
    None if none of these."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    bare = [(index + 1, char) for index, char in unquoted(lines[line - 1])]
    for at, char in bare:
        if char == "\ufeff":
            return WORDS["bom"].format(line=line, column=at)
    changes = [
        WORDS["change"].format(column=at, char=char if char != "\u3000" else "全角空格", ascii=repr(FULL_WIDTH[char]))
        for at, char in bare
        if char in FULL_WIDTH
    ]
    if changes:
        joined = Text(*(WORDS["and"](lang).join(change(lang) for change in changes) for lang in ("zh", "en")))
        return WORDS["full-width"].format(line=line, changes=joined, kind=kind)
    equals = next((at for at, char in bare if char == "="), None)
    for at, char in bare if kind == "TOML" else ():
        if "\u4e00" <= char <= "\u9fff" and (column is None or at >= column):
            if equals is not None and at > equals:  # after the '=': a text value without its quotes
                return WORDS["bare-text"].format(line=line, column=at)
            return WORDS["bare-key"].format(line=line, column=at)
    return None


def _twice(message: str) -> Text | None:
    """tomllib's "Cannot declare ('inputs', 'budget') twice" with the table as the file writes it, in
    Chinese (tomllib's own words kept in English)."""
    found = _TWICE.fullmatch(message)
    if found is None:
        return None
    name = ".".join(re.findall(r"'([^']*)'", found[1]))
    return Text(WORDS["twice"].format(name=name).zh, message)


def parse_toml(text: str, source: str | None, error: type[RulesetError] | type[DataError]) -> dict[str, Any]:
    """Parse ``text``; syntax errors are raised as ``error`` with line and column, the line with a
    caret under the place, and what to change when it is a typing mistake (:func:`typing_mistake`)."""
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except RecursionError:  # arrays or inline tables nested hundreds deep
        where = Location(source)
        raise error([Problem(where, WORDS["too-deep"], code="too-deep")], source) from None
    except tomllib.TOMLDecodeError as problem:
        message = str(problem)
        found = _POSITION.search(message)
        line = column = None
        if found:
            line, column = int(found.group(1)), int(found.group(2))
            message = message[: found.start()]
        where = Location(source, line=line, column=column)
        reason = _REASONS.get(message) or _twice(message) or verbatim(message)
        said = (typing_mistake(text, line, column) if line is not None else None) or WORDS["syntax"].format(
            reason=reason
        )
        shown_line = excerpt(text, line, column) if line is not None else None
        raise error([Problem(where, said, code="toml-syntax", excerpt=shown_line)], source) from None
    except ValueError:  # Python refuses to convert an integer of thousands of digits
        where = Location(source)
        raise error([Problem(where, WORDS["digits"], code="toml-syntax")], source) from None


# --- what TOML can hold -------------------------------------------------------------------------


def _scalar(value: Any) -> tuple[Any, Text | None]:
    """``value`` as TOML reads it back, or why TOML cannot hold it.

    A float becomes the Decimal of its shortest round-trip text (``0.1`` → ``Decimal("0.1")``, what
    the same number typed in a TOML file gives), never the float's binary value.
    """
    if isinstance(value, bool):
        return bool(value), None
    if isinstance(value, Decimal):
        return Decimal(value), None
    if isinstance(value, float):
        return Decimal(float.__repr__(value)), None  # float.__repr__: numpy's repr is "np.float64(…)"
    if isinstance(value, numbers.Integral):  # int, and integer types such as numpy's
        number = operator.index(value)
        if number not in _INT64:
            return None, WORDS["int64"]
        return number, None
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, datetime.datetime):
        offset = value.utcoffset()
        if offset is not None and offset % datetime.timedelta(minutes=1):
            return None, WORDS["offset"].format(offset=offset)
        return value, None
    if isinstance(value, datetime.date):
        return value, None
    if isinstance(value, datetime.time):
        if value.tzinfo is not None:
            return None, WORDS["time-zone"]
        return value, None
    if value is None:
        return None, WORDS["null"]
    return None, WORDS["kind"].format(kind=type(value).__name__)


def _text(value: str) -> tuple[str | None, Text | None]:
    """Text as UTF-8 can hold it: a lone surrogate (from a broken decode) cannot be written."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        return None, WORDS["surrogate"].format(code=f"{ord(value[error.start]):04x}")
    return str(value), None


def plain_document(
    document: Any,
    source: str | None = None,
    *,
    max_depth: int = _WRITE_DEPTH,
    max_values: int | None = None,
    refuse_deeper: bool = True,
) -> tuple[dict[str, Any], list[Problem]]:
    """``document`` as plain TOML data (``dict``, ``list``, ``str``, ``int``, ``Decimal``, ``bool``,
    dates and times; keys in order), and a located problem for each value TOML cannot hold.

    Floats become Decimals by their shortest text; tuples become lists; any mapping becomes a dict.
    A table or array nested deeper than ``max_depth`` is a problem, or with ``refuse_deeper=False``
    is kept empty (for ``limits.check_document`` to report, as it would in a file); past
    ``max_values`` values the walk stops with one problem.
    The walk uses no recursion and goes in document order (problems come in the order of the
    keys); a table or array that contains itself is a problem, not an endless walk.
    """
    if not isinstance(document, Mapping):
        message = WORDS["not-a-document"].format(kind=type(document).__name__)
        return {}, [Problem(Location(source), message, code="not-a-table")]
    problems: list[Problem] = []
    root: dict[str, Any] = {}
    top = (id(document),)
    stack: list[tuple[KeyPath, Any, dict[str, Any] | list[Any], tuple[int, ...]]] = [
        (path, value, root, top) for path, value in reversed(_pairs(document, ()))
    ]
    count = 0
    deep = False  # reported once
    while stack:
        where, value, target, above = stack.pop()
        count += 1
        if max_values is not None and count > max_values:
            message = WORDS["too-many-values"].format(count=max_values)
            problems.append(Problem(Location(source), message, code="file-too-large"))
            break
        if isinstance(value, _Refused):
            problems.append(Problem(Location(source, where), value.why))
            continue
        if isinstance(value, Mapping | list | tuple):
            child: Any = {} if isinstance(value, Mapping) else []
            if id(value) in above:
                message = WORDS["cycle"]
                problems.append(Problem(Location(source, where), message, code="too-deep"))
                continue
            if len(where) <= max_depth:
                items = _pairs(value, where)
                inner = (*above, id(value))
                stack.extend((path, item, child, inner) for path, item in reversed(items))
            elif refuse_deeper and not deep:
                message = WORDS["nested"].format(depth=max_depth)
                problems.append(Problem(Location(source, where), message, code="too-deep"))
                deep = True
        else:
            child, why = _scalar(value)
            if why is not None:
                problems.append(Problem(Location(source, where), why))
                continue
        if isinstance(target, dict):
            target[str(where[-1])] = child
        else:
            target.append(child)
    return root, problems


class _Refused:
    """A key TOML cannot hold, in the walk where its value would be (so problems keep document order)."""

    def __init__(self, why: Text) -> None:
        self.why = why


def _pairs(container: Any, path: KeyPath) -> list[tuple[KeyPath, Any]]:
    """A table's or an array's items with their key paths; a key that is not text is refused."""
    if not isinstance(container, Mapping):
        return [((*path, index), item) for index, item in enumerate(container)]
    pairs: list[tuple[KeyPath, Any]] = []
    for key, item in container.items():
        name, why = _text(key) if isinstance(key, str) else (None, WORDS["key-kind"].format(key=shown(key)))
        if name is None:
            pairs.append(((*path, str(key)), _Refused(WORDS["invalid-key"].format(why=why))))
        else:
            pairs.append(((*path, name), item))
    return pairs


# --- writing ------------------------------------------------------------------------------------


def dumps_toml(document: Mapping[str, Any]) -> str:
    """``document`` as TOML text that reads back exactly: decimals keep their digits and exponent,
    text is escaped, tables and arrays of tables get headers, inline tables are used inside arrays
    and where a header would change the order of keys.

    Raises :class:`~perfscore.RulesetError`, with the key path of each, for what TOML cannot hold:
    ``None``, lone surrogates, integers beyond 64 bits, times with a time zone, other types.
    Floats are written by their shortest text (``0.1``), tuples as arrays.
    """
    plain, problems = plain_document(document)
    if problems:
        raise RulesetError(problems)
    return write_plain(plain)


def write_plain(document: Mapping[str, Any]) -> str:
    """The TOML text of a document already made plain (:func:`plain_document`)."""
    lines: list[str] = []
    _table(lines, (), document, array=False)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def _is_tables(value: Any) -> bool:
    """A list written as ``[[array.of.tables]]``: tables that hold tables of their own."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, Mapping) for item in value)
        and any(_nested(item) for item in value)
    )


def _nested(table: Mapping[str, Any]) -> bool:
    return any(
        isinstance(value, Mapping) or (isinstance(value, list) and any(isinstance(item, Mapping) for item in value))
        for value in table.values()
    )


def _table(lines: list[str], path: tuple[str, ...], table: Mapping[str, Any], *, array: bool) -> None:
    """A table in header form: its own keys, then its tables and arrays of tables, order kept (a
    table or array of tables that comes before one of the table's own values is written inline)."""
    keys = list(table)
    kinds = ["table" if isinstance(v, Mapping) else "tables" if _is_tables(v) else "value" for v in table.values()]
    last_value = max((index for index, kind in enumerate(kinds) if kind == "value"), default=-1)
    inline = [key for index, key in enumerate(keys) if kinds[index] == "value" or index < last_value]
    header = ".".join(dumps_key(part) for part in path)
    if array:
        lines.append(f"[[{header}]]")
    elif path and (inline or not keys):
        lines.append(f"[{header}]")
    lines.extend(f"{dumps_key(key)} = {_value(table[key], top=True)}" for key in inline)
    if inline or array or (path and not keys):
        lines.append("")
    for index, key in enumerate(keys):
        if index <= last_value:
            continue
        if kinds[index] == "table":
            _table(lines, (*path, key), table[key], array=False)
        else:
            for item in table[key]:
                _table(lines, (*path, key), item, array=True)


def _value(value: Any, *, top: bool = False) -> str:
    """A value written inline; at the top of a key an array may take a line per item."""
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{dumps_key(key)} = {_value(item)}" for key, item in value.items()) + " }"
    if isinstance(value, list | tuple):
        items = [_value(item) for item in value]
        one_line = "[" + ", ".join(items) + "]"
        if top and len(items) > 1 and (any(isinstance(item, Mapping) for item in value) or len(one_line) > _LINE):
            return "[\n" + "".join(f"  {item},\n" for item in items) + "]"
        return one_line
    return _scalar_text(value)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, str):
        return dumps_string(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _decimal_text(value: Decimal) -> str:
    """A decimal that TOML reads back as the same digits and exponent: ``12.50`` as written,
    ``1E+2`` (not ``100``), ``inf`` and ``nan``. A whole number with no exponent is a TOML integer
    (it reads back as an ``int`` of the same value) unless it is -0 or past 64 bits."""
    if value.is_nan():
        return "-nan" if value.is_signed() else "nan"
    if value.is_infinite():
        return "-inf" if value.is_signed() else "inf"
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent > 0:
        return str(value)  # 1E+2: the exponent kept, a TOML float
    if exponent == 0 and ((value.is_signed() and not value) or int(value) not in _INT64):
        return f"{value}E+0"  # -0, or beyond a TOML integer: a float with the same digits
    return format(value, "f")


#: A character :func:`_escaped` changes (tested against it for every code point): a text with none
#: is quoted as it is.
_ESCAPED = re.compile(r'["\\\x00-\x1f\x7f\ud800-\udfff]')


def dumps_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, surrogates replaced."""
    return f'"{text}"' if _ESCAPED.search(text) is None else _escaped(text)


def _escaped(text: str) -> str:
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def dumps_key(key: str) -> str:
    """A bare key when TOML allows one, else a quoted key."""
    return key if _BARE_KEY.fullmatch(key) else dumps_string(key)


def dumps_value(value: Any) -> str:
    """One value as TOML text, inline (tables on one line); ``None`` in a table is left out."""
    return _value(_without_none(value))


def _without_none(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_without_none(item) for item in value]
    return value


dumps_document = dumps_toml
"""The name this writer had before it was public (kept for perfscore's own callers)."""
