"""The sensitivity page and a unit's page with what it takes, in headless Chromium (as
tests/test_browser.py opens the other pages): nothing overflows A4's printable width, it prints on A4,
the Chinese words are in the DOM Chromium parsed, and the intervals chart is SVG with its dots."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from perfscore.cli import run
from test_browser import A4_POINTS, A4_WIDTH_PX, SCALE, browse, painted_at_right, pdf_pages, read_png

ROOT = Path(__file__).resolve().parents[1]


def perfscore(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err)
    assert status == 0, err.getvalue()
    return out.getvalue()


PAGES = {
    "sensitivity": (
        ["sensitivity", "department-wide", str(ROOT / "examples" / "desk-units.csv"), str(ROOT / "examples" / "liwan-2023.toml"), "--format", "html"],
        ("敏感性分析", "不改变等级的区间", "某区财政局（虚构）", "从「结转结余率」移到「预算执行率」的分值", "[2.61, 12]"),
    ),
    "to": (
        ["score", "department-wide", str(ROOT / "examples" / "liwan-2023.toml"), "--to", "99.8", "--format", "html"],
        ("要达到总分 99.8，单项需要的最小改变", "2467.55", "2467.54 → 99.79"),
    ),
}  # fmt: skip


@pytest.fixture(scope="module", params=sorted(PAGES))
def seen(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, bytes, str]:
    """One page written by the command, then screenshot, printed and parsed by Chromium."""
    name = request.param
    folder = tmp_path_factory.mktemp(name)
    page = folder / f"{name}.html"
    page.write_text(perfscore(*PAGES[name][0]), encoding="utf-8")
    shot, pdf = folder / "shot.png", folder / "page.pdf"
    browse(page, folder / "p1", "--hide-scrollbars", f"--force-device-scale-factor={SCALE}", f"--screenshot={shot}",
           f"--window-size={A4_WIDTH_PX},4000")  # fmt: skip
    browse(page, folder / "p2", "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    dom = browse(page, folder / "p3", "--dump-dom").stdout.decode("utf-8")
    return name, shot, pdf.read_bytes(), dom


def test_nothing_overflows_and_it_prints_on_a4(seen: tuple[str, Path, bytes, str]) -> None:
    """Laid out at A4's printable width the page paints nothing in its right margin; printed, every page is A4."""
    _, shot, pdf, _ = seen
    image = read_png(shot.read_bytes())
    assert painted_at_right(image) == []
    sizes = pdf_pages(pdf)
    assert sizes and all(abs(w - A4_POINTS[0]) < 1.5 and abs(h - A4_POINTS[1]) < 1.5 for w, h in sizes)


def test_the_words_and_the_chart_are_there(seen: tuple[str, Path, bytes, str]) -> None:
    """The DOM holds the page's Chinese words; the sensitivity page's chart is SVG, an interval and a
    dot at each bounded end; no script."""
    name, _, _, dom = seen
    for word in PAGES[name][1]:
        assert word in dom, word
    if name == "sensitivity":
        assert dom.count("<svg") == 1 and dom.count('rx="4"') >= 2 and "<rect" in dom  # dots at the ends
    assert "<script" not in dom


def test_the_docs_show_the_chart() -> None:
    """docs/tuning.md shows docs/images/sensitivity.png, a PNG screenshot of the page."""
    data = (ROOT / "docs" / "images" / "sensitivity.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](images/sensitivity.png)" in (ROOT / "docs" / "tuning.md").read_text(encoding="utf-8")
