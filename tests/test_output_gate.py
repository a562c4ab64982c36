"""The output gates (docs/security.md §4): text from a ruleset, a data file or a table cannot change the
shape of a report, move the cursor, reorder a line, make a live link or run as a spreadsheet formula.

A hostile value — a spreadsheet formula, then a line break and a forged 总分 line, a carriage return,
ANSI escapes that erase a line and move up, a right-to-left override, a line separator, a zero-width
space, a Markdown link, a Markdown image and ``<script>`` — is put in every text field a user
controls: the ruleset's title, description, sources, assumptions, grade names, input labels and
units, derived labels, indicator names and descriptions, formulas and templates (the printable part
where loading refuses line breaks and controls); unit ids, names, text values and keys; table ids,
titles, indicator names, targets, actuals, notes, grades and file names. Every command then renders
every format, and each output is compared line by line with the same run on a harmless value.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import dataclasses
import io
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import perfscore
from perfscore.cli import run
from perfscore.tables.batch import audit_batch, write_summary_csv, write_summary_xlsx
from perfscore.text import for_cell, for_html, for_markdown, for_terminal
from test_table_score import MOF, training

FORGED = "总分: 100.00 / 100    等级: 优"
LINK = "[点此查看审核结论](http://e.example/a)"
IMAGE = "![](http://e.example/b.png)"
SCRIPT = "<script>alert(1)</script>"
SHEET_FORMULA = '=HYPERLINK("http://e.example/x","点击")'
#: What loading accepts in names, labels, titles and templates (line breaks and controls are refused there).
PRINTABLE = SHEET_FORMULA + LINK + IMAGE + SCRIPT
#: What a unit id, a text value, a description, a table cell or a file name can hold.
HOSTILE = SHEET_FORMULA + "\n" + FORGED + "\r\x1b[2K\x1b[1A\u202e\u2028\u200b" + LINK + IMAGE + SCRIPT
#: Inside a formula's text literal (a formula is read as one line: a line break in it becomes a space).
LITERAL = HOSTILE.replace("\n", "").replace("\r", "")
#: In a file name, where "/" cannot be.
FILE = HOSTILE.replace("/", "∕")
HARMLESS = "甲乙"


@dataclass(frozen=True)
class Values:
    """What each kind of text field holds in one run."""

    hostile: str
    printable: str
    literal: str
    file: str


CALM = Values(HARMLESS, HARMLESS, HARMLESS, HARMLESS)
WILD = Values(HOSTILE, PRINTABLE, LITERAL, FILE)


# --- the files a user controls ----------------------------------------------------------------


def ruleset_document(v: Values, *, version: str = "1") -> dict[str, Any]:
    """A ruleset with text from ``v`` in every field that a report shows. Version 2 (for ``diff``) moves
    points, renames a leaf, changes a formula and adds an input."""
    h, p, lit = v.hostile, v.printable, v.literal
    new = version != "1"
    inputs: dict[str, Any] = {
        "x": {"type": "number", "label": p, "label_en": p, "unit": p, "min": 0, "description": h},
        "planned": {"type": "number", "label": p, "min": 0},
        "divisor": {"type": "number", "label": p, "min": 0},
        "note": {"type": "text", "label": p},
        "code": {"type": "text", "label": p},
    }
    if new:
        inputs["extra"] = {"type": "number", "label": p, "unit": p, "required": False}
    return {
        "ruleset": {
            "id": "gate",
            "title": p,
            "title_en": p,
            "version": version,
            "total": 100,
            "description": h,
            "description_en": h,
            "sources": [p],
            "assumptions": [p],
            "grades": [{"name": "优", "name_en": p, "min": 90}, {"name": p, "name_en": p, "min": 0}],
        },
        "inputs": inputs,
        "derived": {
            "rate": {
                "formula": f"x / planned if code == '{lit}' else 0",
                "fallback": 0,
                "label": p,
                "label_en": p,
                "unit": p,
            },
            "share": {"formula": f"x / divisor if code == '{lit}' else {'2' if new else '0'}", "label": p},
        },
        "indicators": {
            "group": {
                "name": p,
                "name_en": p,
                "points": 100,
                "description": h,
                "description_en": h,
                "ratio": {"name": p, "name_en": p, "points": 40 if new else 30, "method": "ratio", "actual": "x",
                          "target": 100, "unit": p, "description": h, "description_en": h},
                "formula": {"name": p + ("·2" if new else ""), "name_en": p, "points": 30, "method": "formula",
                            "formula": f"points / 2 if code == '{lit}' and note != '' else points / 4",
                            "explain": "{name}：{body}；" + p + "{note}", "explain_en": "{name}: {body}; " + p + "{note}"},
                "fallback": {"name": p, "points": 20, "method": "ratio", "actual": "rate", "target": 1},
                "share": {"name": p, "points": 10 if new else 20, "method": "ratio", "actual": "share", "target": 1},
            },
        },
    }  # fmt: skip


def audit_ruleset(v: Values) -> dict[str, Any]:
    """The shipped 财预〔2020〕10号 ruleset with text from ``v`` in its identity and a first-level name of
    its [tables] policy; unreadable cells keep the unit's score (and say so)."""
    document = copy.deepcopy(MOF.to_dict())
    meta = document["ruleset"]
    meta.update(title=v.printable, title_en=v.printable, description=v.hostile, description_en=v.hostile)
    meta.update(sources=[v.printable], assumptions=[v.printable])
    document["tables"]["level1"][v.printable] = "output"
    document["tables"]["unparseable"] = "reported"
    return document


def unit_values(v: Values, **values: Any) -> dict[str, Any]:
    return {"x": 80, "planned": 0, "divisor": 2, "note": v.hostile, "code": v.literal, **values}


def units_document(v: Values) -> dict[str, Any]:
    """Three units: one scored (its fallback used), one with bad data (a text for a number, an unknown
    key), one whose formula divides by zero."""
    h = v.hostile
    return {
        "units": [
            {"id": h, "name": h, "data": unit_values(v)},
            {"id": h + "·2", "name": h, "data": unit_values(v, x=h, **{h: 1})},
            {"id": h + "·3", "name": h, "data": unit_values(v, planned=1, divisor=0)},
        ]
    }


def tables_documents(v: Values) -> dict[str, dict[str, Any]]:
    """Two table files. Every cell of the first holds the hostile value but its first-level names (one
    matches the printable name the ruleset's [tables] policy maps); the second cannot be audited (its
    points are negative, which no reading can score) and its failure is reported."""
    h, p = v.hostile, v.printable
    budget = {"initial": 50, "adjusted": 50, "executed": 48.37, "points": 10, "reported_rate": "96.74%", "reported": 9}
    rows = [
        {"level1": p, "level2": h, "level3": h, "target": h, "actual": h, "points": 10, "reported": 8, "note": h},
        {"level1": "产出指标", "level2": h, "level3": h, "target": "≥500人次", "actual": h, "points": 40, "reported": 30,
         "note": h},
        {"level1": "效益指标", "level2": h, "level3": h, "target": "效果明显", "actual": h, "points": 30, "reported": 28,
         "note": h},
        {"level1": "满意度指标", "level2": h, "level3": h, "target": "≥90%", "actual": "85%", "points": 10, "reported": 10,
         "note": h},
    ]  # fmt: skip
    audited = {"id": h, "title": h, "year": 2023, "budget": budget, "rows": rows, "reported_total": 85,
               "reported_grade": h}  # fmt: skip
    failing = {"id": h, "title": h, "rows": [{**rows[0], "level1": "未知" + h, "points": -1}], "reported_grade": h}
    return {f"a-{v.file}.json": {"tables": [audited]}, f"b-{v.file}.json": {"tables": [failing]}}


# --- every command, every format ----------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """One thing perfscore wrote: its kind (terminal, markdown, html, json, csv, xlsx) and its text."""

    kind: str
    text: str


def perfscore_cli(*argv: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    run(list(argv), stdout, stderr)
    return stdout.getvalue(), stderr.getvalue()


def write_files(folder: Path, v: Values) -> None:
    def put(name: str, text: str) -> None:
        (folder / name).write_text(text, encoding="utf-8")

    put("rules.toml", perfscore.dumps_toml(ruleset_document(v)))
    put("rules-new.toml", perfscore.dumps_toml(ruleset_document(v, version="2")))
    broken = ruleset_document(v)
    broken["derived"]["share"]["formula"] = f"x / divisor if code == '{v.literal}' else"
    put("broken.toml", perfscore.dumps_toml(broken))
    put("audit.toml", perfscore.dumps_toml(audit_ruleset(v)))
    put(f"a-{v.file}.json", json.dumps(units_document(v), ensure_ascii=False))
    one = {"unit": {"id": v.hostile, "name": v.hostile}, "data": unit_values(v)}
    put(f"b-{v.file}.json", json.dumps(one, ensure_ascii=False))
    (folder / "tables").mkdir()
    for name, document in tables_documents(v).items():
        put(f"tables/{name}", json.dumps(document, ensure_ascii=False))


STDOUT_KIND = {"text": "terminal", "markdown": "markdown", "json": "json", "html": "html"}


def commands(v: Values) -> dict[str, tuple[str, list[str]]]:
    """Every command run on the files of ``v``, by name: the format of its output and its arguments."""
    units, one, table = f"a-{v.file}.json", f"b-{v.file}.json", f"tables/a-{v.file}.json"
    found: dict[str, tuple[str, list[str]]] = {}
    for lang in ("zh", "en"):
        for fmt in ("text", "markdown", "json", "html"):
            found[f"score one {fmt} {lang}"] = (fmt, ["score", "rules.toml", one, "--format", fmt, "--lang", lang])
            found[f"score many {fmt} {lang}"] = (fmt, ["score", "rules.toml", units, "--format", fmt, "--lang", lang])
            diff = ["diff", "rules.toml", "rules-new.toml", units, "--format", fmt, "--lang", lang]
            found[f"diff {fmt} {lang}"] = (fmt, diff)
            found[f"sensitivity {fmt} {lang}"] = (fmt, ["sensitivity", "rules.toml", units, "--format", fmt, "--lang", lang])
            found[f"score to {fmt} {lang}"] = (fmt, ["score", "rules.toml", one, "--to", "--format", fmt, "--lang", lang])
        for fmt in ("text", "json"):
            found[f"explain {fmt} {lang}"] = (fmt, ["explain", "rules.toml", "--format", fmt, "--lang", lang])
        for fmt in ("text", "markdown", "json", "html"):
            audit = ["audit", table, "--ruleset", "audit.toml", "--format", fmt, "--lang", lang]
            found[f"audit one {fmt} {lang}"] = (fmt, audit)
            audit = ["audit", "tables", "--ruleset", "audit.toml", "--format", fmt, "--lang", lang]
            found[f"audit many {fmt} {lang}"] = (fmt, audit)
    for fmt in ("text", "json"):
        found[f"check {fmt}"] = (fmt, ["check", "rules.toml", "broken.toml", "--format", fmt])
    found["score broken"] = ("text", ["score", "broken.toml", one])
    return found


#: The files ``perfscore audit --summary-csv … --summary-xlsx … --reports …`` writes, by name and kind.
FILES = {f"{name} {lang}": kind for lang in ("zh", "en") for name, kind in
         [("summary csv", "csv"), ("summary xlsx", "xlsx"), ("report md", "markdown"), ("report html", "html"),
          ("report index", "html"), ("scores csv", "csv"), ("scores xlsx", "xlsx"), ("template xlsx", "xlsx")]}  # fmt: skip
#: What each output is: stdout of each command in its format, its stderr, and each file written.
KINDS = {
    **{name: STDOUT_KIND[fmt] for name, (fmt, _) in commands(CALM).items()},
    **{f"{name} stderr": "terminal" for name in commands(CALM)},
    **FILES,
}


def outputs_of(folder: Path, v: Values) -> dict[str, Output]:
    """Everything perfscore writes for the files of ``v``, by what wrote it."""
    write_files(folder, v)
    found: dict[str, Output] = {}
    with inside(folder):
        for name, (fmt, argv) in commands(v).items():
            out, err = perfscore_cli(*argv)
            found[name] = Output(STDOUT_KIND[fmt], out)
            found[f"{name} stderr"] = Output("terminal", err)
        reports = ["--summary-csv", "summary.csv", "--summary-xlsx", "summary.xlsx", "--reports", "reports"]
        for lang in ("zh", "en"):
            perfscore_cli("audit", "tables", "--ruleset", "audit.toml", "--lang", lang, *reports)
            found[f"summary csv {lang}"] = Output("csv", Path("summary.csv").read_text(encoding="utf-8-sig"))
            found[f"summary xlsx {lang}"] = Output("xlsx", xlsx_text(Path("summary.xlsx")))
            units = f"a-{v.file}.json"
            perfscore_cli("score", "rules.toml", units, "--lang", lang, "-o", "scores.xlsx", "-o", "scores.csv")
            found[f"scores csv {lang}"] = Output("csv", Path("scores.csv").read_text(encoding="utf-8-sig"))
            found[f"scores xlsx {lang}"] = Output("xlsx", xlsx_text(Path("scores.xlsx"), every=True))
            perfscore_cli("template", "rules.toml", "--lang", lang, "-o", "template.xlsx")
            found[f"template xlsx {lang}"] = Output("xlsx", xlsx_text(Path("template.xlsx"), every=True))
            for path in Path("reports").iterdir():
                kind = "index" if path.name == "index.html" else path.suffix[1:]
                found[f"report {kind} {lang}"] = Output(FILES[f"report {kind} {lang}"], path.read_text("utf-8"))
    assert set(found) <= set(KINDS)
    return {name: found.get(name, Output(kind, "")) for name, kind in KINDS.items()}  # a report not written: empty


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    """Run in ``folder``, so the paths perfscore shows are the same short relative ones in both runs."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def xlsx_text(path: Path, *, every: bool = False) -> str:
    """A workbook's cells as CSV text (what each cell holds, as a string), with each cell's type: the
    active sheet's, or (``every``) every sheet's, each after a row naming it, with the notes on cells."""
    book = openpyxl.load_workbook(path)
    sheets = book.worksheets if every else [book.active]
    out = io.StringIO()
    writer = csv.writer(out)
    for sheet in sheets:
        assert sheet is not None
        if every:
            writer.writerow([f"sheet:{sheet.title}"])
        for row in sheet.iter_rows():
            writer.writerow([f"{cell.data_type}:{'' if cell.value is None else cell.value}" for cell in row])
            notes = [cell.comment.text for cell in row if cell.comment is not None]
            if notes:
                writer.writerow([f"s:{note}" for note in notes])
    return out.getvalue()


@cache
def runs() -> tuple[dict[str, Output], dict[str, Output]]:
    """The outputs of the harmless run and of the hostile one (made once, in folders of their own)."""
    with tempfile.TemporaryDirectory() as calm, tempfile.TemporaryDirectory() as wild:
        return outputs_of(Path(calm), CALM), outputs_of(Path(wild), WILD)


def output_names(*kinds: str) -> list[str]:
    """The outputs of these kinds (known before anything runs: collecting the tests runs nothing)."""
    return sorted(name for name, kind in KINDS.items() if kind in kinds)


# --- what must hold -----------------------------------------------------------------------------

_POSITION = re.compile(r"(\.toml):\d+:\d+:")
_SOURCE_LINE = re.compile(r"^(?= *\d+ \| )\s*\d+ \|")
_SPACES = re.compile(r"\s+")
_HREF = re.compile(r'href="[^"]*"')


def squeezed(line: str) -> str:
    """A line with its runs of spaces as one (columns widen with a longer value), links' targets
    left out (a report's file name is made from the table's) and positions in a file as ``L:C``
    (``broken.toml:54:1:``, ``54 |``: a longer value written over more lines moves the keys after it)."""
    line = _POSITION.sub(r"\1:L:C:", _SOURCE_LINE.sub("L |", line))
    return _SPACES.sub(" ", _HREF.sub("href", line))


def hidden(text: str, *, keep: str = "\n") -> list[str]:
    """The control, format, line-separating and unassigned characters in ``text`` (but ``keep``)."""
    return [
        f"U+{ord(char):04X}"
        for char in text
        if char not in keep and unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Cn")
    ]


@pytest.mark.parametrize("name", output_names("terminal", "markdown", "html"))
def test_the_hostile_value_leaves_every_line_where_it_was(name: str) -> None:
    """The same number of lines as with a harmless value; every line starts as it would, up to where the
    value is, and a line that shows no value is the same line: nothing is added above a line or between two."""
    calm, wild = (outputs[name].text.split("\n") for outputs in runs())
    assert len(wild) == len(calm), name
    for harmless, hostile in zip(calm, wild, strict=True):
        if HARMLESS in harmless:
            assert squeezed(hostile).startswith(squeezed(harmless.split(HARMLESS)[0])), (harmless, hostile)
        else:
            assert squeezed(hostile) == squeezed(harmless), (harmless, hostile)


@pytest.mark.parametrize("name", output_names("terminal", "markdown", "html"))
def test_no_control_bidi_or_invisible_character_is_written(name: str) -> None:
    """Terminal, Markdown and HTML output hold no control character but the line break, no bidi control,
    no zero-width character and no line separator: each is shown as its code (\\u001b, \\u202e)."""
    _, wild = runs()
    text = wild[name].text
    assert hidden(text) == []


def test_the_hostile_value_reaches_the_outputs() -> None:
    """The comparison is not vacuous: the hostile value is in most outputs, the forged line inside another."""
    _, wild = runs()
    holding = [name for name, output in wild.items() if "\\u000a总分: 100.00" in output.text.replace("\\\\", "\\")]
    assert len(holding) > 40
    for name, output in wild.items():  # the real totals are 74.00 (and the audits' other numbers)
        if output.kind in ("terminal", "markdown", "html"):
            assert not any(line.lstrip("#- ").startswith(FORGED[:10]) for line in output.text.split("\n")), name


@pytest.mark.parametrize("name", output_names("markdown"))
def test_markdown_has_no_live_link_image_or_html(name: str) -> None:
    """In Markdown every bracket, backtick, emphasis mark and pipe from a file is escaped, ``<`` and ``&``
    are entities, and ``://`` and ``www.`` are broken: no link, image, autolink or HTML survives."""
    _, wild = runs()
    text = wild[name].text
    assert re.search(r"(?<!\\)\]\(", text) is None  # the text ]( never survives unescaped
    assert re.search(r"(?<!\\)[\[\]]", text) is None  # perfscore's own Markdown uses no brackets
    assert re.search(r"(?<!\\)://|(?i:www)(?<!\\)\.", text) is None
    assert "<" not in text and "&lt;script&gt;" in text


@pytest.mark.parametrize("name", output_names("html"))
def test_html_is_escaped(name: str) -> None:
    """In HTML, text from a file is escaped, quotes too: no element but perfscore's own, no broken attribute."""
    _, wild = runs()
    text = wild[name].text
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    tags = set(re.findall(r"<([a-z0-9]+)", text))
    assert tags <= {"html", "head", "meta", "title", "style", "body", "main", "section", "h1", "h2", "h3", "h4",
                    "p", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "span", "code", "a", "div", "ul", "li",
                    "figure", "figcaption", "svg", "line", "rect", "text"}  # fmt: skip


def _walk(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield key
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


@pytest.mark.parametrize("name", output_names("json"))
def test_json_keeps_the_exact_text(name: str) -> None:
    """JSON holds every value exactly as it was written (JSON's own escaping is enough), and parses."""
    _, wild = runs()
    document = json.loads(wild[name].text)
    strings = set(_walk(document))
    if name.startswith("check"):
        assert any(LITERAL in text for text in strings)  # the formula under the caret, as written
        return
    assert strings & {HOSTILE, PRINTABLE, FILE}


def test_json_values_round_trip() -> None:
    """The unit id, its text value, the ruleset's title and descriptions, and a table's id and grade come
    back from the JSON exactly."""
    _, wild = runs()
    score = json.loads(wild["score one json zh"].text)
    unit = f"b-{FILE}.json#{HOSTILE}"  # the file and the unit's id
    assert (score["unit"], score["inputs"]["note"], score["ruleset"]["title"]) == (unit, HOSTILE, PRINTABLE)
    explained = json.loads(wild["explain json zh"].text)
    assert (explained["description"], explained["indicators"][0]["description"]) == (HOSTILE, HOSTILE)
    assert explained["derived"][0]["formula"] == f"x / planned if code == '{LITERAL}' else 0"
    audited = json.loads(wild["audit one json zh"].text)
    assert (audited["table"]["id"], audited["totals"]["reported_grade"]) == (HOSTILE, HOSTILE)
    many = set(_walk(json.loads(wild["score many json zh"].text)))
    assert {f"a-{FILE}.json#{HOSTILE}", HOSTILE + "·2", HOSTILE + "·3", HOSTILE} <= many


@pytest.mark.parametrize("name", [name for name in output_names("terminal") if name.endswith("stderr")])
def test_every_stderr_line_is_perfscores_own(name: str) -> None:
    """On stderr each line is ``perfscore: …`` or the indented continuation of one: a file cannot forge a
    ``perfscore:`` line of its own, nor start a line at all."""
    calm, wild = (outputs[name].text for outputs in runs())
    assert wild.count("\n") == calm.count("\n")
    for line in wild.splitlines():
        assert line.startswith(("perfscore: ", "  ")), line
    assert wild.count("perfscore: ") == calm.count("perfscore: ")


# --- spreadsheet cells --------------------------------------------------------------------------

#: Every way a cell can start a formula in Excel or WPS: ASCII, full-width, small forms, after an
#: invisible character, after spaces, a tab, a carriage return.
FORMULA_STARTS = [
    SHEET_FORMULA, "=1+1", "+1+1", "-1+1", "@SUM(A1)", "＝1+1", "＋1+1", "－1+1", "＠SUM(A1)", "﹦1+1", "﹢1",
    "−1+1", "\u200b=1+1", "\ufeff+1+1", "\u2060@SUM(A1)", "\u200e-1", "\t=1+1", "\r=1+1", " =1+1", "\u3000＝1+1",
    "\n=1+1",
]  # fmt: skip


def _number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def formula_like(cell: str) -> bool:
    """Whether a spreadsheet could take the cell for a formula: after any spaces and invisible characters,
    its first character folds to = + - @, or is a tab or CR."""
    rest = cell.lstrip(" \u3000\n")
    while rest and unicodedata.category(rest[0]) in ("Cf", "Cc", "Zs") and rest[0] not in "\t\r":
        rest = rest[1:]
    return bool(rest) and (rest[0] in "\t\r" or unicodedata.normalize("NFKC", rest[0]) in "=+-@\u2212")


def summary_cells(start: str, tmp_path: Path) -> tuple[list[list[str]], list[list[Any]]]:
    """The CSV and .xlsx summaries of two tables whose file name, id, title and grade start with ``start``;
    the second cannot be scored, so its error message starts with the file name too."""
    table = dataclasses.replace(training(), id=start + "id", title=start + "title", reported_grade=start + "优",
                                source=start + "t.xlsx")  # fmt: skip
    failing = dataclasses.replace(table, rows=table.rows[:1], id="x", source=start + "bad.xlsx")
    failing = dataclasses.replace(failing, rows=(dataclasses.replace(table.rows[0], level1="未知"),))
    batch = audit_batch([table, failing], MOF, strict=True)  # the unknown 一级指标 refused: an error row
    assert batch.failures  # the error column is written
    path = write_summary_csv(batch, tmp_path / "summary.csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    book = openpyxl.load_workbook(write_summary_xlsx(batch, tmp_path / "summary.xlsx")).active
    assert book is not None
    cells = [[(cell.value, cell.data_type) for cell in row] for row in book.iter_rows()]
    return rows, cells


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_no_csv_or_xlsx_text_cell_starts_a_formula(start: str, tmp_path: Path) -> None:
    """Whatever a table's file name, id, title or grade start with, no text cell of the CSV or the .xlsx
    summary begins with a formula prefix (nor with one behind an invisible character); numbers stay
    numbers. The cell holds the text, with a leading ' (or the invisible character shown as its code)."""
    rows, cells = summary_cells(start, tmp_path)
    texts = [cell for row in rows[1:] for cell in row if cell and not _number(cell)]
    assert texts and not [cell for cell in texts if formula_like(cell)]
    assert any(for_cell(start + "title") == cell for cell in texts)
    for row in cells[1:]:
        for value, kind in row:
            if isinstance(value, str):
                assert kind == "s" and not formula_like(value), value
    assert [kind for value, kind in cells[1][4:7]] == ["n", "n", "n"]  # the totals and their difference


def test_the_hostile_run_writes_no_formula_cell() -> None:
    """The summary files of the hostile run (file names, ids, grades, messages from the tables) have the
    rows and columns of the harmless run; no text cell starts a formula, no cell holds a control character
    but a line break (a cell may hold lines: they cannot make a row or a column)."""
    calm, wild = runs()
    for name in ("summary csv zh", "summary csv en", "summary xlsx zh", "summary xlsx en"):
        shapes = [[len(row) for row in csv.reader(io.StringIO(run[name].text, newline=""))] for run in (calm, wild)]
        assert shapes[0] == shapes[1] and len(shapes[0]) == 3
    for name in ("summary csv zh", "summary csv en"):
        rows = list(csv.reader(io.StringIO(wild[name].text, newline="")))
        texts = [cell for row in rows[1:] for cell in row if cell and not _number(cell)]
        assert texts and not [cell for cell in texts if formula_like(cell)] and hidden(wild[name].text) == []
    for name in ("summary xlsx zh", "summary xlsx en"):
        rows = list(csv.reader(io.StringIO(wild[name].text, newline="")))
        for row in rows[1:]:
            for cell in row:
                kind, _, value = cell.partition(":")
                assert kind != "f" and not (kind == "s" and formula_like(value)), cell


def test_the_scores_and_the_template_write_no_formula_cell() -> None:
    """The scores (.xlsx, .csv) and the template of the hostile run have the rows and columns of the harmless
    run; no text cell starts a formula or is one, in any sheet or note; no CSV cell holds a control character."""
    calm, wild = runs()
    for name in ("scores csv zh", "scores csv en", "scores xlsx zh", "scores xlsx en", "template xlsx zh",
                 "template xlsx en"):  # fmt: skip
        shapes = [[len(row) for row in csv.reader(io.StringIO(run[name].text, newline=""))] for run in (calm, wild)]
        assert shapes[0] == shapes[1] and len(shapes[0]) > 3, name
        rows = list(csv.reader(io.StringIO(wild[name].text, newline="")))
        if name.startswith("scores csv"):
            texts = [cell for row in rows[1:] for cell in row if cell and not _number(cell)]
            assert texts and not [cell for cell in texts if formula_like(cell)] and hidden(wild[name].text) == []
            continue
        for row in rows:
            for cell in row:
                kind, _, value = cell.partition(":")
                assert kind != "f" and not (kind == "s" and formula_like(value)), (name, cell)
    assert "'=HYPERLINK" in wild["template xlsx zh"].text and "'=HYPERLINK" in wild["scores xlsx en"].text


# --- the gates themselves -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("未完成\n总分", "未完成\\u000a总分"),
        ("a\r\x1b[2K\x1b[1Ab", "a\\u000d\\u001b[2K\\u001b[1Ab"),
        ("\u202eevil\u2066\u2069", "\\u202eevil\\u2066\\u2069"),
        ("a\u2028b\u2029c\x85d\x0be\x0cf\x7f\x9b", "a\\u2028b\\u2029c\\u0085d\\u000be\\u000cf\\u007f\\u009b"),
        ("zero\u200bwidth\u200c\u200d\u2060\ufeff\u00ad", "zero\\u200bwidth\\u200c\\u200d\\u2060\\ufeff\\u00ad"),
        ("\u3164\u115f", "\\u3164\\u115f"),  # Hangul fillers: letters that show nothing
        ("tag\U000e0041", "tag\\U000e0041"),
        ("lone \ud800", "lone \\ud800"),
        ("全角　空格 and\ttab", "全角　空格 and\\u0009tab"),
        ("中文、English, 1.5%", "中文、English, 1.5%"),
    ],
)
def test_the_terminal_gate_shows_hidden_characters_as_their_codes(text: str, shown: str) -> None:
    """Controls (C0, DEL, C1), bidi controls, zero-width and format characters, line and paragraph
    separators, Hangul fillers, lone surrogates: each as \\uXXXX (\\UXXXXXXXX beyond the BMP); spaces of
    every width and all visible text kept."""
    assert for_terminal(text) == shown
    assert for_terminal(shown) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (LINK, r"\[点此查看审核结论\](http\://e.example/a)"),
        (IMAGE, r"!\[\](http\://e.example/b.png)"),
        (SCRIPT, "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a | b `c` *d* _e_ ~f~ $g$ \\h", r"a \| b \`c\` \*d\* \_e\_ \~f\~ \$g\$ \\h"),
        ("see www.e.example or HTTPS://x", r"see www\.e.example or HTTPS\://x"),
        ("# 总分", r"\# 总分"),
        ("- 总分", r"\- 总分"),
        ("+ 总分", r"\+ 总分"),
        ("1. 总分", r"1\. 总分"),
        ("  12) 总分", r"  12\) 总分"),
        ("-5 and +3.5 and 1.5", "-5 and +3.5 and 1.5"),
        ("R&D <b>", "R&amp;D &lt;b&gt;"),
        ("x\ny", r"x\u000ay"),
    ],
)
def test_the_markdown_gate_makes_syntax_inert(text: str, shown: str) -> None:
    """Links, images, HTML, code, emphasis, strikethrough, math, table pipes, bare addresses, headings and
    list markers from a file are shown as text; numbers keep their signs."""
    assert for_markdown(text) == shown


def test_the_html_gate_escapes_text_and_attributes() -> None:
    """Both quotes, ``&``, ``<``, ``>`` escaped (safe inside an attribute too), hidden characters as codes."""
    assert for_html('"><img src=x onerror=alert(1)>\n\u202e') == (
        "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\\u000a\\u202e"
    )
    assert for_html("it's") == "it&#x27;s"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('=HYPERLINK("http://x","点击")', '\'=HYPERLINK("http://x","点击")'),
        ("＝1+1", "'＝1+1"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠A1", "'＠A1"),
        ("﹦1", "'﹦1"),
        ("−1", "'−1"),
        (" =1", "' =1"),
        ("\u3000@x", "'\u3000@x"),
        ("\n=1", "'\n=1"),
        ("\u200b=1+1", "\\u200b=1+1"),
        ("\t=1", "\\u0009=1"),
        ("\r=1", "\\u000d=1"),
        ("line one\nline two", "line one\nline two"),
        ("a\x07b", "a\\u0007b"),
        ("中文 = 1", "中文 = 1"),
        ("", ""),
    ],
)
def test_the_cell_gate_neutralises_formulas(text: str, shown: str) -> None:
    """A text cell starting with = + - @ (any width, after spaces or a line break) gets a leading '; an
    invisible character or a tab or CR before it is shown as its code, so the cell starts with \\; line
    breaks stay (a cell may hold lines); other text is kept."""
    assert for_cell(text) == shown


def test_an_error_cannot_forge_a_perfscore_line() -> None:
    """A unit id holding a line break and ``perfscore: …`` is shown on the error's own line."""
    ruleset = perfscore.loads(perfscore.dumps_toml(ruleset_document(CALM)))
    forged = "u\nperfscore: all 3 units scored"
    batch = ruleset.score_many([perfscore.Unit(forged, None, unit_values(CALM, planned=1, divisor=0), forged)])
    (error,) = batch.errors
    assert str(error.error).splitlines()[0].startswith("u\\u000aperfscore: all 3 units scored: ")
    assert isinstance(error.error, perfscore.ScoringError)
    assert [line for line in str(error.error).splitlines() if line.startswith("perfscore")] == []
