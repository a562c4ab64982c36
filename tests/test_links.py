"""Every reference resolves in a user's clone of the repository.

- Every relative link in every Markdown file (README.md, docs/, benchmarks/, tests/cases/, …)
  points at a file or folder of the repository, and a ``#anchor`` into a Markdown file (or within
  the same file) names one of its headings, slugged as GitHub does.
- No file of the repository mentions a path that exists only on the machine it was written on: the
  workspace around the repository, or the shared folders beside it.

Links inside code (fenced blocks and `inline code`) are examples, not links, and are left alone;
so are links with a scheme (``https:``, ``mailto:``).
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from helpers import ROOT

#: Folders that are never part of a clone (see .gitignore), used when git cannot list the files.
SKIPPED_DIRS = {
    ".git",
    ".venv",
    "venv",
    ".hypothesis",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    "__pycache__",
    "build",
    "dist",
}

#: Mentions of places outside the repository: the workspace (an absolute path under /work/) and the
#: shared folders beside the repository (``../shared/…``, ``shared/seeds``, ``shared/docs``).
OUTSIDE = re.compile(r"(?:\.\./)+shared\b|(?<![\w.])/work/|\bshared/(?:seeds|docs|notes)\b")

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
#: ``[text](target)`` and ``![alt](target)``; the target may be in <…> and may carry a "title".
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+\"[^\"]*\")?\s*\)")
#: ``[label]: target`` reference definitions.
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
HTML_ANCHOR = re.compile(r"<a\s+(?:[^>]*\s)?(?:id|name)=\"([^\"]+)\"", re.IGNORECASE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Link:
    """A link found in a Markdown file: where it is and what it points at."""

    file: Path
    line: int
    target: str

    @property
    def where(self) -> str:
        return f"{self.file.relative_to(ROOT).as_posix()}:{self.line}"


@cache
def repository_files() -> tuple[Path, ...]:
    """The files of the repository as a clone has them: git's list (tracked, plus new files not
    ignored), or, without git, every file outside the folders .gitignore leaves out."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        files = [ROOT / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = [
            path
            for path in ROOT.rglob("*")
            if path.is_file()
            and not any(part in SKIPPED_DIRS or part.endswith(".egg-info") for part in path.relative_to(ROOT).parts)
        ]
    return tuple(sorted(path for path in files if path.is_file()))


def markdown_files() -> list[Path]:
    return [path for path in repository_files() if path.suffix == ".md"]


def prose_lines(text: str, *, inline_code: bool = False) -> list[str]:
    """The lines of a Markdown text with fenced code blocks blanked, and inline code removed unless
    ``inline_code`` (a heading's code is part of its anchor)."""
    lines = []
    fence: str | None = None
    for line in text.split("\n"):
        opened = FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(1)[0] * len(opened.group(1))
            lines.append("")
        elif fence is not None:
            if line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
                fence = None
            lines.append("")
        else:
            lines.append(line if inline_code else INLINE_CODE.sub("", line))
    return lines


def links(path: Path) -> list[Link]:
    """Every link target in a Markdown file, outside code, with its line number."""
    found = []
    for number, line in enumerate(prose_lines(path.read_text(encoding="utf-8")), start=1):
        targets = [match.group(1) for match in INLINE_LINK.finditer(line)]
        reference = REFERENCE.match(line)
        if reference:
            targets.append(reference.group(1))
        found.extend(Link(path, number, target.strip("<>")) for target in targets)
    return found


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text without markup, lower-cased, with everything but
    letters, marks, digits, ``_``, ``-`` and spaces removed, and spaces made ``-``."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading counts as its text
    text = text.replace("`", "").replace("*", "").strip().lower()
    kept = (
        char
        for char in text
        if char in " -" or unicodedata.category(char)[0] in "LMN" or unicodedata.category(char) == "Pc"
    )
    return "".join(kept).replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    """The anchors of a Markdown file: its headings' slugs (a repeated one gets -1, -2, …) and HTML ids."""
    seen: dict[str, int] = {}
    found = set()
    text = path.read_text(encoding="utf-8")
    for line in prose_lines(text, inline_code=True):
        heading = HEADING.match(line)
        if heading:
            base = slug(heading.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    found.update(HTML_ANCHOR.findall(text))
    return frozenset(found)


def problem(link: Link) -> str | None:
    """What is wrong with a link, or None when it resolves."""
    target = link.target
    if not target or SCHEME.match(target) or target.startswith("//"):
        return None
    path_part, _, anchor = target.partition("#")
    if path_part.startswith("/"):
        return "an absolute path: write it relative to this file"
    resolved = (link.file.parent / path_part).resolve() if path_part else link.file
    if not resolved.is_relative_to(ROOT):
        return "points outside the repository"
    if not resolved.exists():
        return "no such file or folder in the repository"
    if anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
        return f"no heading with the anchor #{anchor} in {resolved.relative_to(ROOT).as_posix()}"
    return None


# --- the tests -----------------------------------------------------------------------------------


def test_the_markdown_files_are_found() -> None:
    """The file list holds the pages this test is meant to check (an empty list would pass vacuously)."""
    names = {path.relative_to(ROOT).as_posix() for path in markdown_files()}
    assert {
        "README.md",
        "docs/errors.md",
        "docs/ruleset-format.md",
        "benchmarks/README.md",
        "tests/cases/README.md",
    } <= names


def test_the_link_finder_sees_links_and_anchors() -> None:
    """The finder is not vacuous: the pages hold many relative links, some into another page's heading."""
    found = [link for path in markdown_files() for link in links(path)]
    relative = [link for link in found if not SCHEME.match(link.target)]
    assert len(relative) >= 50
    assert any(link.target.startswith("#") for link in relative)
    assert any(".md#" in link.target for link in relative)


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_relative_links_resolve(path: Path) -> None:
    """Every relative link in the page reaches a file of the repository, and every #anchor a heading."""
    broken = [f"{link.where}: ({link.target}) {message}" for link in links(path) if (message := problem(link))]
    assert broken == []


def test_no_file_mentions_a_path_outside_the_repository() -> None:
    """No file points a reader at a folder a clone does not have (the workspace, the shared folders)."""
    found = []
    for path in repository_files():
        if path == Path(__file__).resolve():  # this file names the patterns it looks for
            continue
        raw = path.read_bytes()
        if b"\0" in raw:  # a binary file (a spreadsheet sample)
            continue
        for number, line in enumerate(raw.decode("utf-8", errors="replace").split("\n"), start=1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT).as_posix()}:{number}: {line.strip()}")
    assert found == []


# --- the checker itself ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("`[ruleset]` — what the ruleset is", "ruleset--what-the-ruleset-is"),
        ("`[ruleset.rounding]`", "rulesetrounding"),
        ("Missing data (缺失数据)", "missing-data-缺失数据"),
        ("Explanation templates (`explain`, `explain_en`)", "explanation-templates-explain-explain_en"),
        ("`perfscore audit`", "perfscore-audit"),
        ("Problem codes (问题代码)", "problem-codes-问题代码"),
        ("**Bold** and [a link](x.md)", "bold-and-a-link"),
    ],
)
def test_slug_is_githubs(heading: str, anchor: str) -> None:
    """Headings slug as GitHub renders them: markup and punctuation dropped, Chinese kept, spaces made '-'."""
    assert slug(heading) == anchor


def test_a_broken_link_and_anchor_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker is not blind: a missing file, a missing heading and a link out of the repository are caught."""
    tmp_path = tmp_path.resolve()
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "other.md").write_text("# Title\n\n## Title\n\ntext\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n"
        "[ok](other.md#title-1) [ok](#page) [web](https://example.com) `[code](missing.md)`\n"
        "```\n[fenced](missing.md)\n```\n"
        "[gone](missing.md) [no heading](other.md#nothing) [out](../elsewhere.md) [here](#nowhere)\n",
        encoding="utf-8",
    )
    found = [(link.line, link.target, problem(link)) for link in links(page)]
    assert [(line, target, message) for line, target, message in found if message] == [
        (6, "missing.md", "no such file or folder in the repository"),
        (6, "other.md#nothing", "no heading with the anchor #nothing in other.md"),
        (6, "../elsewhere.md", "points outside the repository"),
        (6, "#nowhere", "no heading with the anchor #nowhere in page.md"),
    ]
    assert [target for _, target, message in found if not message] == [
        "other.md#title-1",
        "#page",
        "https://example.com",
    ]


@pytest.mark.parametrize(
    ("line", "outside"),
    [
        ("# Figures from the report (see ../shared/seeds/ in the workspace).", True),
        ("Read /work/notes/layout.md first.", True),
        ("as shared/docs/style.md says", True),
        ("python benchmarks/bench_scoring.py --units 1000", False),
        ("a shared scale for every indicator", False),
        ("see ../docs/methods.md", False),
    ],
)
def test_outside_paths_are_recognised(line: str, outside: bool) -> None:
    """The pattern catches the workspace and shared-folder paths, and not ordinary prose or repository paths."""
    assert bool(OUTSIDE.search(line)) is outside
