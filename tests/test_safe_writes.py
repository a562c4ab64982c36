"""Every file perfscore writes is complete or absent, and never one of its inputs (issue #12, item 4).

The writer itself (:mod:`perfscore.files`): a temporary file in the same folder renamed into place,
the old file untouched until then, sensible permissions, no leftovers, concurrent writers; every
output routed through it; an output that is an input refused before anything is read; and a run
stopped by SIGTERM or Ctrl-C, in a real subprocess, leaving the old file or none and saying so.
"""

from __future__ import annotations

import ast
import csv
import errno
import io
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import perfscore
from perfscore import cli, schema
from perfscore.cli import run
from perfscore.errors import OutputError
from perfscore.files import Output, check_outputs, replacing, write_folder, write_text
from perfscore.tables import batch as batch_module
from perfscore.tables.batch import audit_batch, write_reports, write_summary_csv, write_summary_xlsx
from test_audit_cli import RULESET, TRAINING

POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions, links and signals")
SOURCE = Path(perfscore.__file__).resolve().parent
OLD = "old content, complete\n"


def leftovers(folder: Path) -> list[str]:
    """Temporary files and staging folders left anywhere under ``folder``."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.name.endswith(".tmp"))


def perfscore_audit(*argv: str) -> tuple[int, str, str]:
    """``perfscore audit`` run in this process: the exit status, stdout and stderr (a Ctrl-C that
    escapes ``run`` fails the test rather than stopping the test session)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        status = run(["audit", *argv], stdout, stderr)
    except KeyboardInterrupt:
        pytest.fail("KeyboardInterrupt escaped perfscore.cli.run")
    return status, stdout.getvalue(), stderr.getvalue()


def make_tables(folder: Path, count: int) -> Path:
    """A folder of ``count`` copies of the docs' training table (each audits, with findings)."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"t{number:02}.toml").write_text(TRAINING.replace("training-2023", f"t{number:02}"), "utf-8")
    return folder


def fail_fsync(monkeypatch: pytest.MonkeyPatch, after: int = 0) -> None:
    """Make every fsync after the first ``after`` fail as a full disk does."""
    calls = iter(range(10**6))
    real = os.fsync

    def fsync(descriptor: int) -> None:
        if next(calls) >= after:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)


# --- the writer -----------------------------------------------------------------------------------


def test_the_file_appears_only_when_complete(tmp_path: Path) -> None:
    """While a file is written, the old one is whole and the new text is in a hidden file beside it."""
    target = tmp_path / "out.txt"
    target.write_text(OLD, encoding="utf-8")
    with replacing(target, encoding="utf-8") as stream:
        stream.write("new ")
        stream.flush()
        assert target.read_text(encoding="utf-8") == OLD
        [temporary] = [path for path in tmp_path.iterdir() if path != target]
        assert temporary.name.startswith(".out.txt.") and temporary.name.endswith(".tmp")
        assert temporary.read_text(encoding="utf-8") == "new "
        stream.write("text")
    assert target.read_text(encoding="utf-8") == "new text"
    assert os.listdir(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("old", [True, False], ids=["over-a-file", "new-file"])
@pytest.mark.parametrize("stop", [ValueError("a bug"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_a_write_that_stops_leaves_the_old_file_or_none(tmp_path: Path, old: bool, stop: BaseException) -> None:
    """An error or Ctrl-C halfway: the old file as it was (or still no file), no temporary file."""
    target = tmp_path / "summary.csv"
    if old:
        target.write_text(OLD, encoding="utf-8")
    with pytest.raises(type(stop)), replacing(target, encoding="utf-8") as stream:
        stream.write("half a summ")
        stream.flush()
        raise stop
    assert os.listdir(tmp_path) == (["summary.csv"] if old else [])
    if old:
        assert target.read_text(encoding="utf-8") == OLD


def test_a_full_disk_is_an_output_error_and_the_old_file_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An OSError while writing is an OutputError naming the file and the reason; nothing changes."""
    target = tmp_path / "out.txt"
    target.write_text(OLD, encoding="utf-8")
    fail_fsync(monkeypatch)
    with pytest.raises(OutputError) as caught:
        write_text(target, "new", what="the summary")
    assert str(caught.value) == f"{target}: cannot write the summary (No space left on device)"
    assert (os.listdir(tmp_path), target.read_text(encoding="utf-8")) == (["out.txt"], OLD)


def test_an_unwritable_folder_is_an_output_error(tmp_path: Path) -> None:
    """A file under a file: the folder cannot be made, said as before (no traceback, nothing left)."""
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        write_text(tmp_path / "file" / "out.txt", "new")
    assert str(caught.value) == f"{tmp_path}/file/out.txt: cannot create the folder {tmp_path}/file (File exists)"


@POSIX
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_permissions_the_umask_gives(tmp_path: Path, umask: int, mode: int) -> None:
    """Not the 0600 of a bare temporary file: a new output is as readable as any file the user makes."""
    previous = os.umask(umask)
    try:
        path = write_text(tmp_path / "out.txt", "new")
    finally:
        os.umask(previous)
    assert oct(path.stat().st_mode & 0o777) == oct(mode)


@POSIX
@pytest.mark.parametrize("mode", [0o640, 0o444, 0o604])
def test_a_replaced_file_keeps_its_permissions(tmp_path: Path, mode: int) -> None:
    """Writing over a file keeps its permissions (a read-only summary stays read-only)."""
    target = tmp_path / "out.txt"
    target.write_text(OLD, encoding="utf-8")
    target.chmod(mode)
    write_text(target, "new")
    assert (target.read_text(encoding="utf-8"), oct(target.stat().st_mode & 0o777)) == ("new", oct(mode))


def test_concurrent_writers_leave_one_complete_file(tmp_path: Path) -> None:
    """Eight threads writing the same file over and over: it ends as one writer's whole text, nothing left over."""
    target = tmp_path / "summary.csv"
    texts = [letter * 300_000 for letter in "abcdefgh"]
    start = threading.Barrier(len(texts))
    failures: list[BaseException] = []

    def writer(text: str) -> None:
        start.wait()
        try:
            for _ in range(10):
                write_text(target, text)
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert target.read_text(encoding="utf-8") in texts
    assert os.listdir(tmp_path) == ["summary.csv"]


@POSIX
def test_a_link_given_as_output_is_replaced_not_written_through(tmp_path: Path) -> None:
    """An output that is a symbolic link becomes the file; what the link pointed to is untouched."""
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text(OLD, encoding="utf-8")
    link = tmp_path / "out.txt"
    link.symlink_to(elsewhere)
    write_text(link, "new")
    assert (link.is_symlink(), link.read_text(encoding="utf-8")) == (False, "new")
    assert elsewhere.read_text(encoding="utf-8") == OLD


def test_a_folder_is_written_in_full_the_index_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """write_folder: every file staged first, then moved into place in order with the index last; files
    it does not name are left alone; no staging folder is left."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "index.html").write_text("old index", encoding="utf-8")
    (folder / "keep.md").write_text("not ours to touch", encoding="utf-8")
    moves: list[tuple[str, bool]] = []
    real_replace = os.replace

    def replace(source: Any, target: Any) -> None:
        moves.append((Path(target).name, (folder / "index.html").exists()))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    written = write_folder(folder, [("a.md", "A"), ("a.html", "<p>A</p>"), ("index.html", "new index")])
    assert written == [folder / "a.md", folder / "a.html", folder / "index.html"]
    assert moves == [("a.md", False), ("a.html", False), ("index.html", False)]  # the old index went first
    assert {path.name: path.read_text(encoding="utf-8") for path in folder.iterdir()} == {
        "a.md": "A", "a.html": "<p>A</p>", "index.html": "new index", "keep.md": "not ours to touch",
    }  # fmt: skip


def test_a_folder_that_cannot_be_written_is_left_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while the files are staged: the old reports and index are untouched, no staging left."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "index.html").write_text("old index", encoding="utf-8")
    (folder / "a.md").write_text("old A", encoding="utf-8")
    fail_fsync(monkeypatch, after=1)
    with pytest.raises(OutputError) as caught:
        write_folder(folder, [("a.md", "A"), ("b.md", "B"), ("index.html", "new index")], what="the report")
    assert str(caught.value) == f"{folder}/b.md: cannot write the report (No space left on device)"
    assert {path.name: path.read_text(encoding="utf-8") for path in folder.iterdir()} == {
        "index.html": "old index",
        "a.md": "old A",
    }


def test_a_folder_whose_moves_fail_has_no_index(tmp_path: Path) -> None:
    """A file that cannot be moved into place (a folder has its name): no index.html, so the folder does
    not look complete; the error names the file; no staging left."""
    folder = tmp_path / "reports"
    (folder / "b.md").mkdir(parents=True)
    (folder / "index.html").write_text("old index", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        write_folder(folder, [("a.md", "A"), ("b.md", "B"), ("index.html", "new index")], what="the report")
    assert str(caught.value).startswith(f"{folder}/b.md: cannot write the report (")
    assert sorted(path.name for path in folder.iterdir()) == ["a.md", "b.md"]
    assert leftovers(tmp_path) == []


# --- every output goes through the writer ---------------------------------------------------------


def write_schemas(folder: Path) -> None:
    """``python -m perfscore.schema FOLDER``: an OutputError becomes a message and status 1."""
    if schema.main([str(folder)], out=io.StringIO()) != 0:
        raise OutputError("status 1")


OUTPUTS = {
    "summary-csv": (lambda batch, folder: write_summary_csv(batch, folder / "summary.csv"), ["summary.csv"]),
    "summary-xlsx": (lambda batch, folder: write_summary_xlsx(batch, folder / "summary.xlsx"), ["summary.xlsx"]),
    "reports": (lambda batch, folder: write_reports(batch, folder), ["index.html", "t00.html", "t00.md"]),
    "schemas": (lambda batch, folder: write_schemas(folder), ["result.schema.json", "ruleset.schema.json"]),
}


@pytest.mark.parametrize("kind", OUTPUTS)
def test_every_output_is_written_through_the_writer(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each kind of file perfscore writes, with the disk full halfway: an error, and every old file whole
    (on a88b47b the files were written in place: no error, the old files overwritten)."""
    batch = audit_batch(make_tables(tmp_path / "tables", 1), perfscore.load(RULESET))
    write, names = OUTPUTS[kind]
    folder = tmp_path / "out"
    folder.mkdir()
    for name in names:
        (folder / name).write_text(OLD, encoding="utf-8")
    fail_fsync(monkeypatch)
    with pytest.raises(OutputError):
        write(batch, folder)
    assert {path.name: path.read_text(encoding="utf-8") for path in folder.iterdir()} == dict.fromkeys(names, OLD)


WRITERS = {"write_text", "write_bytes", "mkdir", "makedirs", "touch", "rename", "symlink_to", "hardlink_to"}
OS_WRITERS = {"open", "fdopen", "replace", "rename", "makedirs", "mkdir", "remove", "unlink", "link", "symlink"}


def writes(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Calls in a module that write, make or move a file (an ``open`` for reading is fine; ``x.save(s)``
    only into a stream ``s`` from ``with replacing(…) as s`` or ``s = io.BytesIO()``)."""

    def made_by(call: ast.expr | None) -> str | None:
        return getattr(call.func, "id", getattr(call.func, "attr", None)) if isinstance(call, ast.Call) else None

    streams = {
        item.optional_vars.id
        for node in ast.walk(tree)
        if isinstance(node, ast.With)
        for item in node.items
        if made_by(item.context_expr) == "replacing" and isinstance(item.optional_vars, ast.Name)
    } | {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and made_by(node.value) == "BytesIO"
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else None
        mode = next((keyword.value for keyword in node.keywords if keyword.arg == "mode"), None)
        if mode is None and name == "open" and len(node.args) > (1 if owner is None else 0):
            mode = node.args[1 if owner is None else 0]
        writing_mode = (  # a mode string ("w", "ab+"), not a name given to a zip's open("[Content_Types].xml")
            isinstance(mode, ast.Constant)
            and re.fullmatch(r"[rwxabt+]{1,4}", str(mode.value)) is not None
            and any(letter in str(mode.value) for letter in "wax+")
        )
        if (
            (isinstance(func, ast.Attribute) and name in WRITERS and owner != "os")  # Path methods
            or (owner == "os" and name in OS_WRITERS)
            or owner in ("shutil", "tempfile")
            or (name == "open" and owner != "os" and writing_mode)
            or (
                name == "save" and node.args and not (isinstance(node.args[0], ast.Name) and node.args[0].id in streams)
            )
        ):
            yield node.lineno, ast.unparse(node)[:80]


def test_no_module_but_files_writes_a_file() -> None:
    """One writer: no module of src/perfscore but files.py writes, makes, moves or removes a file
    (on a88b47b tables/batch.py and schema.py wrote in place)."""
    found = [
        f"{path.relative_to(SOURCE)}:{line}: {call}"
        for path in sorted(SOURCE.rglob("*.py"))
        if path.name != "files.py"
        for line, call in writes(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == []


def test_the_scan_finds_writers() -> None:
    """The scan above sees each way of writing a file it forbids (so its silence means something)."""
    source = """
Path("a").write_text("x"); p.mkdir(); open("a", "w"); open("a"); x.open("ab"); os.replace(a, b)
shutil.copy(a, b); tempfile.mkstemp(); book.save(target)
with replacing(target) as stream:
    book.save(stream)
packed = io.BytesIO(); book.save(packed)
archive.open("[Content_Types].xml"); archive.open("xl/styles.xml"); p.open("wb")
"""
    assert [line for line, _ in writes(ast.parse(source))] == [2, 2, 2, 2, 2, 3, 3, 3, 7]


# --- an output that is an input -------------------------------------------------------------------

# What the refusal says, by kind: {option} {output} as given, {input} as the audit names it.
IS = (
    "{option} {output} 就是输入 {input}{how_zh}：输出不能覆盖输入，请换一个路径\n"
    "  {option} {output} is the input {input}{how_en}: an output may not overwrite an input; choose another path"
)
HOLDS = (
    "{option} {output} 含有输入 {input}：输出不能写进放着输入的文件夹，请换一个文件夹\n"
    "  {option} {output} holds the input {input}: outputs may not be written into a folder that holds an "
    "input; choose another folder"
)
HOLDS_LINK = (
    "{option} {output} 中的 {output}/t00.html 是输入 {input} 的链接：输出不能覆盖输入，请换一个文件夹\n"
    "  {option} {output} holds {output}/t00.html, a link to the input {input}: an output may not "
    "overwrite an input; choose another folder"
)
SAME = (
    "{option} {output} 与 --summary-csv {input} 是同一个文件：每个输出须有自己的路径\n"
    "  {option} {output} and --summary-csv {input} are the same file: each output needs a path of its own"
)
PLAIN = {"how_zh": "", "how_en": ""}
SPELLING = {"how_zh": "（同一路径的另一种写法）", "how_en": " (the same path written another way)"}
LINK = {"how_zh": "（指向同一文件的链接）", "how_en": " (a link to the same file)"}
T00 = "tables/t00.toml"


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """In the current folder: tables/ with two tables, a copy of the ruleset, a mapping, a symbolic and a
    hard link to tables/t00.toml, and reports/ holding a hard link to it. Reading anything fails the test."""
    monkeypatch.chdir(tmp_path)
    make_tables(tmp_path / "tables", 2)
    (tmp_path / "rules.toml").write_bytes(Path(RULESET).read_bytes())
    (tmp_path / "map.toml").write_text('"考核内容" = "level3"\n', encoding="utf-8")
    if os.name == "posix":
        (tmp_path / "link.toml").symlink_to("tables/t00.toml")
        os.link(tmp_path / "tables" / "t00.toml", tmp_path / "hard.toml")
        (tmp_path / "reports").mkdir()
        os.link(tmp_path / "tables" / "t00.toml", tmp_path / "reports" / "t00.html")

    def read(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an input was read before the outputs were checked")

    monkeypatch.setattr(perfscore.cli, "load", read)
    monkeypatch.setattr(batch_module, "read_parts", read)  # how the batch reads each file
    return tmp_path


REFUSALS = [
    # id, TABLE and options, what is said, the output and the input as the message names them, how
    ("the-same-path", [T00, "--summary-csv", T00], IS, T00, T00, PLAIN),
    ("absolute-for-relative", [T00, "--summary-csv", "{tmp}/" + T00], IS, "{tmp}/" + T00, T00, SPELLING),
    ("dot-dot", [T00, "--summary-xlsx", "./tables/../" + T00], IS, "tables/../" + T00, T00, SPELLING),
    ("a-table-of-the-folder", ["tables", "--summary-csv", T00], IS, T00, T00, PLAIN),
    ("the-ruleset", ["tables", "--summary-csv", "rules.toml"], IS, "rules.toml", "rules.toml", PLAIN),
    ("the-mapping", ["tables", "--mapping", "map.toml", "--summary-xlsx", "map.toml"], IS, "map.toml", "map.toml",
     PLAIN),
    ("reports-into-the-table-folder", ["tables", "--reports", "tables"], IS, "tables", "tables", PLAIN),
    ("reports-into-the-tables-folder", [T00, "--reports", "tables"], HOLDS, "tables", T00, PLAIN),
    ("reports-around-the-table-folder", ["tables", "--reports", "."], HOLDS, ".", "tables", PLAIN),
    ("two-outputs-one-file", ["tables", "--summary-csv", "out.csv", "--summary-xlsx", "./out.csv"], SAME, "out.csv",
     "out.csv", PLAIN),
]  # fmt: skip
LINKS = [  # made by the fixture on POSIX only
    ("a-symbolic-link", [T00, "--summary-csv", "link.toml"], IS, "link.toml", T00, LINK),
    ("the-input-is-the-link", ["link.toml", "--summary-csv", T00], IS, T00, "link.toml", LINK),
    ("a-hard-link", [T00, "--summary-xlsx", "hard.toml"], IS, "hard.toml", T00, LINK),
    ("reports-holding-a-link", ["tables", "--reports", "reports"], HOLDS_LINK, "reports", T00, PLAIN),
]  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "said", "output", "input_", "how"),
    [
        *(pytest.param(*case[1:], id=case[0]) for case in REFUSALS),
        *(pytest.param(*case[1:], id=case[0], marks=POSIX) for case in LINKS),
    ],
)
def test_an_output_that_is_an_input_is_refused_before_anything_is_read(
    inputs: Path, argv: list[str], said: str, output: str, input_: str, how: dict[str, str]
) -> None:
    """Exit 1 and one paragraph in Chinese and English naming the option, the output and the input;
    nothing read, every input as it was (on a88b47b the input was read, then overwritten)."""
    before = {path: path.read_bytes() for path in inputs.rglob("*") if path.is_file()}
    argv = [arg.format(tmp=inputs) for arg in argv]
    message = said.format(option=argv[-2], output=output.format(tmp=inputs), input=input_, **how)
    status, out, err = perfscore_audit(*argv[:1], "--ruleset", "rules.toml", *argv[1:])
    assert (status, out, err) == (1, "", f"perfscore: {message}\n")
    assert {path: path.read_bytes() for path in inputs.rglob("*") if path.is_file()} == before


def test_a_refusal_is_data_too(tmp_path: Path) -> None:
    """The OutputError carries one located problem per conflict, code output-is-input or same-output."""
    table = make_tables(tmp_path / "tables", 1) / "t00.toml"
    outputs = [Output("--summary-csv", table), Output("--summary-xlsx", tmp_path / "a.csv"),
               Output("--reports", tmp_path / "a.csv", folder=True)]  # fmt: skip
    with pytest.raises(OutputError) as caught:
        check_outputs(outputs, [table])
    problems = [problem.to_dict() for problem in caught.value.problems]
    assert [(problem["code"], problem["file"]) for problem in problems] == [
        ("output-is-input", str(table)),
        ("same-output", str(tmp_path / "a.csv")),
    ]
    assert problems[0]["message"]["zh"].startswith(f"--summary-csv {table} 就是输入 {table}：")
    assert caught.value.to_dict()["error"] == "OutputError"


def test_a_refusal_and_a_stop_keep_their_lines_whatever_the_paths_hold(tmp_path: Path) -> None:
    """A path holding a line break and a forged ``perfscore:`` line is shown on its own line with the break
    as its code, in the refusal and in the stop message: two lines each, Chinese then English."""
    hostile = tmp_path / "t\nperfscore: 总分 100.00\x1b[2K.csv"
    hostile.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        check_outputs([Output("--summary-csv", hostile)], [hostile])
    lines = str(caught.value).split("\n")
    assert len(lines) == 2 and "\\u000aperfscore: 总分" in lines[0] and "\\u001b[2K" in lines[1]
    assert caught.value.problems[0].to_dict()["file"] == str(hostile)  # the data keeps the path as it is
    err = io.StringIO()
    status = cli._stopped(KeyboardInterrupt(), err, unwritten=[Output("--summary-csv", hostile)])
    assert status == 130
    assert [line[:12] for line in err.getvalue().splitlines()] == ["perfscore: 已", "  interrupte"]


def test_outputs_beside_the_inputs_are_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not over-eager: a new summary in the table folder and reports in a subfolder of it are written."""
    monkeypatch.chdir(tmp_path)
    make_tables(tmp_path / "tables", 2)
    status, _, err = perfscore_audit(
        "tables", "--ruleset", RULESET, "--summary-csv", "tables/汇总.csv", "--reports", "tables/报告"
    )
    assert (status, err) == (0, "")
    assert len((tmp_path / "tables" / "汇总.csv").read_text(encoding="utf-8-sig").splitlines()) == 3
    assert sorted(path.name for path in (tmp_path / "tables" / "报告").iterdir()) == [
        "index.html", "t00.html", "t00.md", "t01.html", "t01.md",
    ]  # fmt: skip


@pytest.mark.parametrize("kind", ["summary-csv", "summary-xlsx", "reports"])
def test_the_library_refuses_to_write_over_a_table_it_read(kind: str, tmp_path: Path) -> None:
    """write_summary_csv/xlsx and write_reports refuse a path that is (or holds) a table the batch read."""
    folder = make_tables(tmp_path / "tables", 1)
    batch = audit_batch(folder, perfscore.load(RULESET))
    target = folder if kind == "reports" else folder / "t00.toml"
    write = {"summary-csv": write_summary_csv, "summary-xlsx": write_summary_xlsx, "reports": write_reports}[kind]
    with pytest.raises(OutputError) as caught:
        write(batch, target)
    assert [problem.code for problem in caught.value.problems] == ["output-is-input"]
    assert (folder / "t00.toml").read_text(encoding="utf-8") == TRAINING.replace("training-2023", "t00")
    assert sorted(os.listdir(folder)) == ["t00.toml"]


# --- a run that is stopped ------------------------------------------------------------------------

STOPPED = "perfscore: 已中断（{signal}）{zh}\n  interrupted ({signal}){en}\n"


def stopped(name: str, written: tuple[str, ...] = (), unwritten: tuple[str, ...] = ()) -> str:
    """The paragraph a stopped run writes on stderr."""
    zh = (f"；已写入 {'、'.join(written)}" if written else "") + (
        f"；未写入 {'、'.join(unwritten)}（原有的文件保持原样）" if unwritten else ""
    )
    en = (f"; written: {', '.join(written)}" if written else "") + (
        f"; nothing was written to {', '.join(unwritten)} (a file already there is as it was)" if unwritten else ""
    )
    return STOPPED.format(signal=name, zh=zh, en=en)


def test_ctrl_c_during_the_audit_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while tables are audited (in this process): status 130, the outputs named as not written."""
    monkeypatch.chdir(tmp_path)
    make_tables(tmp_path / "tables", 3)
    (tmp_path / "out.csv").write_text(OLD, encoding="utf-8")

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_module, "audit_table", interrupted)
    status, out, err = perfscore_audit("tables", "--ruleset", RULESET, "--summary-csv", "out.csv", "--reports", "r")
    assert (status, out, err) == (130, "", stopped("SIGINT", unwritten=("out.csv", "r")))
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == OLD
    assert not (tmp_path / "r").exists()


def test_ctrl_c_while_the_summary_is_written_keeps_the_old_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C after two rows of the summary: the old summary whole, no temporary file, status 130
    (on a88b47b the summary was left cut after two rows and the KeyboardInterrupt escaped run())."""
    monkeypatch.chdir(tmp_path)
    make_tables(tmp_path / "tables", 5)
    (tmp_path / "out.csv").write_text(OLD, encoding="utf-8")
    real_writer = csv.writer

    class Writer:
        def __init__(self, stream: Any) -> None:
            self.stream, self.real, self.rows = stream, real_writer(stream), 0

        def writerow(self, row: list[str]) -> None:
            self.real.writerow(row)
            self.stream.flush()
            self.rows += 1
            if self.rows == 3:
                raise KeyboardInterrupt

    monkeypatch.setattr(csv, "writer", Writer)
    status, _, err = perfscore_audit("tables", "--ruleset", RULESET, "--summary-csv", "out.csv")
    assert (status, err) == (130, stopped("SIGINT", unwritten=("out.csv",)))
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == OLD
    assert leftovers(tmp_path) == []


# The run below is a real `perfscore audit` in a subprocess, through perfscore.cli.main(); one call
# inside it (a row of the CSV, a part of the workbook, a table's audit, a staged report) is made to
# wait after writing a marker file, so that the signal arrives at that very point, every time.
DRIVER = """
import csv, os, signal, sys, time, zipfile
from pathlib import Path

signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal, whatever started the test
marker, stage, nth, *argv = sys.argv[1:]
calls = 0


def reached():
    global calls
    calls += 1
    if calls == int(nth):
        Path(marker).write_text(stage, encoding="utf-8")
        for _ in range(6000):  # a minute at most: the signal comes long before
            time.sleep(0.01)


if stage == "csv":
    real_writer = csv.writer

    class Writer:
        def __init__(self, stream, *args, **kwargs):
            self.stream, self.real = stream, real_writer(stream, *args, **kwargs)

        def writerow(self, row):
            self.real.writerow(row)
            self.stream.flush()  # what is written so far is on the disk
            reached()

    csv.writer = Writer
elif stage == "xlsx":
    real_writestr = zipfile.ZipFile.writestr

    def writestr(self, *args, **kwargs):
        real_writestr(self, *args, **kwargs)
        self.fp.flush()
        reached()

    zipfile.ZipFile.writestr = writestr
elif stage == "audit":
    import perfscore.tables.batch as batch

    real_audit = batch.audit_table

    def audit_table(*args, **kwargs):
        reached()
        return real_audit(*args, **kwargs)

    batch.audit_table = audit_table
elif stage == "fsync":
    real_fsync = os.fsync

    def fsync(descriptor):
        real_fsync(descriptor)
        reached()

    os.fsync = fsync

from perfscore.cli import main

sys.argv = ["perfscore", *argv]
main()
"""


def wait_for(marker: Path, process: subprocess.Popen[bytes], what: str) -> None:
    """Until the run has written its marker (it then waits for the signal); fails if it ends first."""
    while not marker.exists():
        assert process.poll() is None, f"the run ended before it reached {what}"
        try:
            process.wait(timeout=0.01)
        except subprocess.TimeoutExpired:
            continue
    assert process.poll() is None


def old_reports(folder: Path) -> dict[str, str]:
    """A complete folder of reports from an earlier run."""
    folder.mkdir()
    pages = {"index.html": "<p>old index</p>", "t00.md": "old t00", "t00.html": "<p>old t00</p>"}
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    return pages


STOPS = [
    # signal, the call it waits at, the options; what was written; what was not
    pytest.param("SIGTERM", "csv", 3, ["--summary-csv", "out.csv"], (), ("out.csv",), id="sigterm-in-the-csv"),
    pytest.param("SIGINT", "csv", 3, ["--summary-csv", "new.csv"], (), ("new.csv",), id="sigint-in-a-new-csv"),
    pytest.param("SIGHUP", "csv", 2, ["--summary-csv", "out.csv"], (), ("out.csv",), id="sighup-in-the-csv"),
    pytest.param("SIGTERM", "xlsx", 4, ["--summary-xlsx", "out.xlsx"], (), ("out.xlsx",), id="sigterm-in-the-xlsx"),
    pytest.param("SIGINT", "audit", 3, ["--summary-csv", "out.csv", "--reports", "reports"], (),
                 ("out.csv", "reports"), id="sigint-in-the-audit"),
    pytest.param("SIGTERM", "fsync", 4, ["--summary-csv", "out.csv", "--reports", "reports"], ("out.csv",),
                 ("reports",), id="sigterm-in-the-reports"),
]  # fmt: skip


@POSIX
@pytest.mark.parametrize(("name", "stage", "nth", "options", "written", "unwritten"), STOPS)
def test_a_run_stopped_by_a_signal_leaves_the_old_file_or_none(
    tmp_path: Path,
    name: str,
    stage: str,
    nth: int,
    options: list[str],
    written: tuple[str, ...],
    unwritten: tuple[str, ...],
) -> None:
    """A real run, stopped by SIGTERM or SIGINT while it audits or writes: each output as it was before
    (or still absent), no temporary file, the stop said on stderr in both languages, status 128 + the
    signal (on a88b47b: a summary cut short, killed by the signal with no word; nothing paused in
    the reports, as there was no fsync to wait at)."""
    make_tables(tmp_path / "tables", 5)
    (tmp_path / "out.csv").write_text(OLD, encoding="utf-8")
    (tmp_path / "out.xlsx").write_text(OLD, encoding="utf-8")
    reports = old_reports(tmp_path / "reports")
    driver, marker = tmp_path / "driver.py", tmp_path / "reached"
    driver.write_text(DRIVER, encoding="utf-8")
    argv = [sys.executable, str(driver), str(marker), stage, str(nth), "audit", "tables", "--ruleset", RULESET]
    with (tmp_path / "stdout").open("wb") as stdout, (tmp_path / "stderr").open("wb") as stderr:
        process = subprocess.Popen([*argv, *options], cwd=tmp_path, stdout=stdout, stderr=stderr)
        try:
            wait_for(marker, process, stage)
            halfway = [(tmp_path / name).read_bytes() for name in unwritten if name.startswith("out")]
            assert halfway == [OLD.encode()] * len(halfway)  # the old summaries, whole, while the run waits
            process.send_signal(getattr(signal, name))
            status = process.wait(timeout=60)
        finally:
            process.kill()
    err = (tmp_path / "stderr").read_text(encoding="utf-8")
    assert (status, err) == (128 + getattr(signal, name), stopped(name, written, unwritten))
    assert (tmp_path / "out.xlsx").read_bytes() == OLD.encode()
    assert not (tmp_path / "new.csv").exists()
    assert {path.name: path.read_text(encoding="utf-8") for path in (tmp_path / "reports").iterdir()} == reports
    summary = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    if "out.csv" in written:
        assert len(summary.splitlines()) == 6  # complete: the header and five rows
    else:
        assert summary == OLD
    assert leftovers(tmp_path) == []
