"""Writing files: complete or not at all, and never over an input. Every file perfscore writes goes
through this module (``tests/test_safe_writes.py`` holds every other module to that).

- :func:`replacing` (and :func:`write_text` on top of it) writes a file into a new hidden file in the
  same folder (``.NAME.XXXXXXXXXXXX.tmp``, made with the process's umask, so as readable as any file
  the user makes), flushes it, ``fsync``\\s it, gives it the permissions of the file it replaces
  and renames it into place with :func:`os.replace`, atomic on one filesystem. Until then the old file
  (if any) is untouched; on any failure or interruption the new file is removed. An output that is a
  symbolic link is replaced by the file: perfscore never writes through a link.
- :func:`write_folder` writes a set of files into a folder (a folder of reports): each is written in
  full into a hidden staging folder inside it, then all are renamed into place, the last one given
  (``index.html``) last, with SIGINT, SIGTERM and SIGHUP held back while they are moved. The old copy
  of the last file is removed before the first move, so a folder whose moves could not finish has
  no ``index.html`` and does not look complete.
- :func:`check_outputs` refuses an output that is one of the inputs (the same path, another spelling
  of it, a symbolic or hard link to it), a folder of outputs that is or holds an input, and two
  outputs naming the same file, before anything is read or written.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO, overload

from .errors import Location, OutputError, PerfscoreError, Problem, os_reason
from .messages import Text, words

__all__ = ["TEMPORARY_SUFFIX", "Output", "check_outputs", "replacing", "write_folder", "write_text"]

TEMPORARY_SUFFIX = ".tmp"
"""How the temporary files and staging folders perfscore writes end (they start with a dot, and
hold ``perfscore`` in their name when they are folders). One is left behind only when the process
is killed outright (SIGKILL, a power cut): delete it."""

_STAGING_PREFIX = ".perfscore-"
_HELD_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)  # what may stop perfscore from outside (SIGKILL cannot be held)

WORDS = words(
    "files",
    {
        "is-input": ("{name} {output} 就是输入 {input}{how}：输出不能覆盖输入，请换一个路径",
                     "{name} {output} is the input {input}{how}: an output may not overwrite an input; choose another path"),
        "holds-input": ("{name} {output} 含有输入 {input}：输出不能写进放着输入的文件夹，请换一个文件夹",
                        "{name} {output} holds the input {input}: outputs may not be written into a folder "
                        "that holds an input; choose another folder"),
        "holds-link": ("{name} {output} 中的 {entry} 是输入 {input} 的链接：输出不能覆盖输入，请换一个文件夹",
                       "{name} {output} holds {entry}, a link to the input {input}: an output may not overwrite "
                       "an input; choose another folder"),
        "same-output": ("{name} {output} 与 {other} {path} 是同一个文件：每个输出须有自己的路径",
                        "{name} {output} and {other} {path} are the same file: each output needs a path of its own"),
        "link": ("（指向同一文件的链接）", " (a link to the same file)"),
        "cannot-mkdir": ("{target}: 无法创建文件夹 {folder}（{reason}）", "{target}: cannot create the folder {folder} ({reason})"),
        "cannot-write": ("{target}: 无法写入{what}（{reason}）", "{target}: cannot write {what} ({reason})"),
        "refused": ("{count} 个输出被拒绝", "{count} output(s) refused"),
        "the file": ("文件", "the file"),
        "the summary": ("汇总", "the summary"),
        "the report": ("报告", "the report"),
        "the schema": ("模式文件", "the schema"),
        "spelling": ("（同一路径的另一种写法）", " (the same path written another way)"),
    },
)  # fmt: skip


# --- one file -------------------------------------------------------------------------------------


def _what(what: str) -> Text | str:
    """What is being written, in words (a name of perfscore's own in both languages)."""
    return WORDS.get(what) or what


def _reason(error: OSError) -> Text:
    return os_reason(error)


def _make_parent(target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        said = WORDS["cannot-mkdir"].format(target=target, folder=target.parent, reason=_reason(error))
        raise OutputError(said) from None


def _create(folder: Path, name: str) -> tuple[int, Path]:
    """A new empty file in ``folder`` that no one else has opened: a hidden name drawn at random,
    created exclusively (never through a link) with the umask's permissions."""
    import secrets  # here, as tempfile and shutil below: imported when a file is written, not to print a score

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        path = folder / f".{name[:40]}.{secrets.token_hex(6)}{TEMPORARY_SUFFIX}"
        try:
            return os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")  # pragma: no cover - 48 random bits, 100 times


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _commit(temporary: Path, target: Path) -> None:
    """Rename a complete file into place, with the permissions of the file it replaces."""
    with contextlib.suppress(OSError):
        old = os.lstat(target)
        if stat.S_ISREG(old.st_mode):
            os.chmod(temporary, stat.S_IMODE(old.st_mode))
    os.replace(temporary, target)


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX: fsync the folder; elsewhere nothing to do)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _sync_and_close(stream: IO[Any]) -> None:
    with stream:
        stream.flush()
        os.fsync(stream.fileno())


@contextlib.contextmanager
def _replacing(target: Path, opened: Callable[[int], IO[Any]], what: str) -> Iterator[IO[Any]]:
    _make_parent(target)
    try:
        descriptor, temporary = _create(target.parent, target.name)
    except OSError as error:
        raise OutputError(
            WORDS["cannot-write"].format(target=target, what=_what(what), reason=_reason(error))
        ) from None
    try:
        try:
            stream = opened(descriptor)
        except BaseException:
            os.close(descriptor)
            raise
        try:
            yield stream
        except BaseException:
            stream.close()
            raise
        _sync_and_close(stream)
        _commit(temporary, target)
    except BaseException as error:  # an error, Ctrl-C or a signal: the old file stays, the new one goes
        _remove(temporary)
        if isinstance(error, OSError) and not isinstance(error, PerfscoreError):
            raise OutputError(
                WORDS["cannot-write"].format(target=target, what=_what(what), reason=_reason(error))
            ) from None
        raise
    _sync_folder(target.parent)


@overload
def replacing(
    path: str | Path, *, encoding: str, newline: str | None = None, what: str = "the file"
) -> contextlib.AbstractContextManager[TextIO]: ...
@overload
def replacing(
    path: str | Path, *, encoding: None = None, newline: None = None, what: str = "the file"
) -> contextlib.AbstractContextManager[BinaryIO]: ...
def replacing(
    path: str | Path, *, encoding: str | None = None, newline: str | None = None, what: str = "the file"
) -> contextlib.AbstractContextManager[IO[Any]]:
    """``with replacing(path) as stream:`` a stream to write the file ``path`` (binary; text when an
    ``encoding`` is given, with ``newline`` as :func:`open` takes it). The file appears, complete,
    when the block ends; if the block raises (or is interrupted), the old file is untouched and the
    new one removed. The folder is made when missing. Raises :class:`~perfscore.OutputError`
    (``PATH: cannot write WHAT (reason)``) when the file cannot be written."""

    def opened(descriptor: int) -> IO[Any]:
        if encoding is None:
            return os.fdopen(descriptor, "wb")
        return os.fdopen(descriptor, "w", encoding=encoding, newline=newline)

    return _replacing(Path(path), opened, what)


def write_text(path: str | Path, text: str, *, encoding: str = "utf-8", what: str = "the file") -> Path:
    """Write ``text`` to the file ``path`` through :func:`replacing`; returns the path."""
    target = Path(path)
    with replacing(target, encoding=encoding, what=what) as stream:
        stream.write(text)
    return target


# --- a folder of files ----------------------------------------------------------------------------


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP held back (POSIX, main thread): one that arrives is handled when
    the block ends. Python handles any signal already caught when the mask is changed, so a stop
    asked for before the block is raised before it starts."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, ())
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _plain_name(name: str) -> bool:
    return name not in ("", ".", "..") and Path(name).name == name and "/" not in name and "\\" not in name


def write_folder(
    folder: str | Path, files: Sequence[tuple[str, str]], *, encoding: str = "utf-8", what: str = "the file"
) -> list[Path]:
    """Write each ``(name, text)`` of ``files`` into ``folder`` (made when missing), all or none: each is
    written in full and fsync'ed in a hidden staging folder inside ``folder``, then all are renamed
    into place in the order given, with SIGINT/SIGTERM/SIGHUP held back, after the old copy of the
    last one (``index.html``) was removed; the staging folder is removed whatever happens. Files of
    ``folder`` not named in ``files`` are left alone. Returns the paths written, in order."""
    import shutil
    import tempfile

    target = Path(folder)
    names = [name for name, _ in files]
    if not names or not all(_plain_name(name) for name in names) or len(set(names)) != len(names):
        raise ValueError(f"expected distinct plain file names, got {names!r}")
    try:
        target.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, suffix=TEMPORARY_SUFFIX, dir=target))
    except OSError as error:
        raise OutputError(WORDS["cannot-mkdir"].format(target=target, folder=target, reason=_reason(error))) from None
    current = target
    try:
        for name, text in files:
            current = target / name
            with os.fdopen(os.open(staging / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "w",
                           encoding=encoding) as stream:  # fmt: skip
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
        with _signals_held():
            current = target / names[-1]
            with contextlib.suppress(FileNotFoundError):
                current.unlink()  # no index until every report is in place
            for name in names:
                current = target / name
                _commit(staging / name, current)
            staging.rmdir()
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError) and not isinstance(error, PerfscoreError):
            raise OutputError(
                WORDS["cannot-write"].format(target=current, what=_what(what), reason=_reason(error))
            ) from None
        raise
    _sync_folder(target)
    return [target / name for name in names]


# --- outputs that are inputs ----------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """A file or folder perfscore is asked to write: ``name`` says how it was asked for (the option,
    ``--summary-csv``, or the function), ``folder`` that it is a folder of files (``--reports``)."""

    name: str
    path: Path
    folder: bool = False


def _identity(path: str | Path) -> tuple[int, int] | None:
    """The device and inode of what ``path`` names (through links), or None when nothing is there."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return (found.st_dev, found.st_ino)


@dataclass(frozen=True)
class _Place:
    given: str
    real: str
    identity: tuple[int, int] | None
    link: bool

    @classmethod
    def of(cls, path: str | Path) -> _Place:
        return cls(str(path), os.path.realpath(path), _identity(path), os.path.islink(path))

    def same(self, other: _Place) -> bool:
        return self.real == other.real or (self.identity is not None and self.identity == other.identity)


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder and path != folder
    except ValueError:  # Windows: paths on different drives
        return False


def _problem(output: Output, key: str, code: str, how: str = "", **fields: str) -> Problem:
    """One conflict, located at the output, in both languages (``how``: a note on the link or spelling)."""
    values = {"name": output.name, "output": str(output.path), **fields}
    zh = WORDS[key].zh.format(**values, how=WORDS[how].zh if how else "")
    en = WORDS[key].en.format(**values, how=WORDS[how].en if how else "")
    return Problem(Location(str(output.path)), en, code=code, message_zh=zh)


def _conflicts(output: Output, place: _Place, inputs: Sequence[_Place]) -> Iterator[Problem]:
    for found in inputs:
        if place.same(found):
            spelled = "spelling" if place.given != found.given else ""
            how = "link" if place.link or found.link or place.real != found.real else spelled
            yield _problem(output, "is-input", "output-is-input", input=found.given, how=how)
            return
        if output.folder and _inside(found.real, place.real):
            yield _problem(output, "holds-input", "output-is-input", input=found.given)
            return
    if output.folder and os.path.isdir(output.path):
        identities = {found.identity: found for found in reversed(inputs)}
        with contextlib.suppress(OSError), os.scandir(output.path) as entries:  # unreadable: writing will say so
            for entry in entries:
                linked = identities.get(_identity(entry.path))
                if linked is not None:
                    yield _problem(output, "holds-link", "output-is-input", entry=entry.path, input=linked.given)
                    return


def check_outputs(outputs: Sequence[Output], inputs: Iterable[str | Path]) -> None:
    """Refuse, before anything is read or written, an output that would overwrite an input.

    An output is refused when it is one of the ``inputs`` that exist — the same path, another
    spelling of it, a symbolic link to it or a hard link of it (same device and inode) — and a
    folder output when it is or holds an input (an input inside it, or a file in it linked to an
    input). Two outputs naming the same file are refused too. Raises one
    :class:`~perfscore.OutputError` listing every conflict, each in Chinese and English, with its
    :class:`~perfscore.Problem` (``output-is-input``, ``same-output``) in ``problems``."""
    existing = [_Place.of(path) for path in inputs if os.path.exists(path)]
    places = [_Place.of(output.path) for output in outputs]
    problems: list[Problem] = []
    for index, (output, place) in enumerate(zip(outputs, places, strict=True)):
        found = list(_conflicts(output, place, existing))
        if not found:
            earlier = next((i for i in range(index) if places[i].same(place)), None)
            if earlier is not None:
                other = outputs[earlier]
                found.append(_problem(output, "same-output", "same-output", other=other.name, path=str(other.path)))
        problems += found
    if problems:
        error = OutputError(WORDS["refused"].format(count=len(problems)))
        error.problems = tuple(problems)  # what str(error) shows
        raise error
