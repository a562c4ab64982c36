"""perfscore's pages in a real browser: headless Chromium opens each page as a reader would (no
network, no script), takes a screenshot, prints it to PDF and gives back the DOM it parsed.

For each page (one unit's score, many units' scores, a comparison of two ruleset versions, and an
audit, which shares their stylesheet) the checks are:

- **nothing overflows an A4 page**: the page is laid out 703 CSS pixels wide (A4's 210 mm less the
  12 mm margins of the page's ``@page`` rule, at 96 px per inch) and the screenshot's right margin,
  inside the body's padding, must be blank: a table, a chart or a word wider than the page would
  paint there (a page made to overflow shows that the check sees it);
- **it prints on A4**: every page of the PDF is 595 × 842 points;
- **the Chinese text is there**: the DOM the browser parsed holds the page's Chinese headings and
  names (read as UTF-8, not as mojibake), and the charts are SVG elements.

Chromium and a Chinese font are installed by ``.ci/run`` (``apt-get install chromium fonts-noto-cjk``).
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from perfscore.cli import run

ROOT = Path(__file__).resolve().parents[1]
A4_WIDTH_PX = 703  # (210 mm − 2 × 12 mm) at 96 px per inch
SCALE = 0.5  # screenshots at half resolution: the layout is the same, the pixels four times fewer
MARGIN_PX = 6  # blank screenshot columns expected at the right edge (the body's padding is 16 CSS px)
A4_POINTS = (595.28, 841.89)


def chromium() -> str:
    """The Chromium (or Chrome) executable; the test fails, saying how to install it, when there is none."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("headless Chromium is needed for the browser checks: apt-get install -y chromium fonts-noto-cjk")


def browse(page: Path, profile: Path, *action: str) -> subprocess.CompletedProcess[bytes]:
    """One headless Chromium run on ``page`` (its own profile folder, so runs may go in parallel)."""
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
               f"--user-data-dir={profile}", *action, page.as_uri()]  # fmt: skip
    return subprocess.run(command, capture_output=True, timeout=120, check=False)


# --- reading what Chromium wrote ----------------------------------------------------------------


@dataclass(frozen=True)
class Image:
    """A decoded 8-bit RGB or RGBA PNG: rows of pixels as bytes."""

    width: int
    height: int
    channels: int
    rows: list[bytes]

    def pixel(self, x: int, y: int) -> tuple[int, ...]:
        start = x * self.channels
        return tuple(self.rows[y][start : start + 3])


def read_png(data: bytes) -> Image:
    """Decode a PNG as Chromium writes them (8 bits, RGB or RGBA, not interlaced)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + previous[i]) & 0xFF
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return Image(width, height, channels, rows)


def painted_at_right(image: Image, columns: int = MARGIN_PX) -> list[int]:
    """The rows where something is painted in the right-most ``columns`` of the screenshot."""
    return [
        y
        for y in range(image.height)
        if any(image.pixel(x, y) != (255, 255, 255) for x in range(image.width - columns, image.width))
    ]


def pdf_pages(data: bytes) -> list[tuple[float, float]]:
    """Each page's size in points, from its MediaBox."""
    return [(float(w), float(h)) for w, h in re.findall(rb"/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]", data)]


# --- the pages ------------------------------------------------------------------------------------


def perfscore(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err)
    assert status in (0, 3), err.getvalue()
    return out.getvalue()


def write_units_sheet(path: Path) -> Path:
    """A sheet of units with long names and one unit whose data is refused."""
    head = "单位编号,单位名称,budget,executed,carryover,goals_planned,goals_completed,tasks_planned,tasks_completed,"
    head += "quality_rate,on_time_rate,social_effect,sustainability,satisfaction,system_findings,compliance_findings,disclosed"
    rows = [
        "liwan,中共广州市荔湾区委政法委员会机关（含下属事业单位）2023 年度部门整体支出,2468.78,2456.19,12.35,8,8,8,8,100,100,达成,达成,达成,1,0,是",
        "b,某区财政局,1000,900,100,10,9,5,5,98,95,达成,部分达成,达成,2,1,是",
        "c,某区教育局,1000,700,300,10,6,5,3,80,70,部分达成,未达成,部分达成,4,3,否",
        "d,某区卫生健康局,1000,1000,0,10,10,5,5,100,100,达成,达成,达成,0,0,是",
        "e,填错的单位,九十,1000,0,10,10,5,5,100,100,达成,达成,达成,0,0,是",
    ]
    path.write_text("\n".join([head, *rows]) + "\n", encoding="gb18030")
    return path


@dataclass(frozen=True)
class Page:
    name: str
    path: Path
    words: tuple[str, ...]  # Chinese text the page must show


def pages(folder: Path) -> list[Page]:
    sheet = write_units_sheet(folder / "units.csv")
    seed = str(ROOT / "examples" / "liwan-2023.toml")
    made = {
        "one": (["score", "department-wide", seed, "--format", "html"], ("绩效自评得分", "中共广州市荔湾区委政法委", "扣分说明", "管理制度健全性")),
        "many": (["score", "department-wide", str(sheet), "--format", "html"], ("绩效自评得分汇总", "等级分布", "失分最多的指标", "排名", "某区教育局", "未能评分的单位")),
        "audit": (["audit", str(ROOT / "tests" / "tables" / "anhui-2022-project.xlsx"), "--ruleset", "project-mof-2020", "--format", "html"],
                  ("自评表审核", "农村饮水安全巩固提升工程", "逐项重算")),
        "diff": (["diff", "department-wide", str(ROOT / "tests" / "diff" / "department-2024.toml"), seed, str(sheet), "--format", "html"],
                 ("规则版本对比", "假设变化", "单位得分变化", "各单位总分变化", "某区卫生健康局")),
    }  # fmt: skip
    found = []
    for name, (argv, words) in made.items():
        path = folder / f"{name}.html"
        path.write_text(perfscore(*argv), encoding="utf-8")
        found.append(Page(name, path, words))
    wide = folder / "wide.html"  # the control: a page made to overflow
    text = (folder / "one.html").read_text(encoding="utf-8")
    wide.write_text(
        text.replace("<main>", '<main><div style="width: 900px; height: 40px; background: #000"></div>'), "utf-8"
    )
    found.append(Page("wide", wide, ("绩效自评得分",)))
    return found


@dataclass(frozen=True)
class Seen:
    """What Chromium made of a page: its screenshot, its PDF and its DOM."""

    page: Page
    screenshot: Path
    pdf: bytes
    dom: str


def look(page: Page, folder: Path) -> Seen:
    shot = folder / f"{page.name}.png"
    pdf = folder / f"{page.name}.pdf"
    width = f"--window-size={A4_WIDTH_PX},4000"
    browse(page.path, folder / f"p-{page.name}-1", "--hide-scrollbars", f"--force-device-scale-factor={SCALE}",
           f"--screenshot={shot}", width)  # fmt: skip
    if page.name == "wide":  # the control is only looked at
        return Seen(page, shot, b"", "")
    browse(page.path, folder / f"p-{page.name}-2", "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    dom = browse(page.path, folder / f"p-{page.name}-3", "--dump-dom").stdout.decode("utf-8")
    return Seen(page, shot, pdf.read_bytes(), dom)


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Seen]]:
    """Every page opened in Chromium (three runs per page, pages in parallel)."""
    folder = tmp_path_factory.mktemp("browser")
    found = pages(folder)
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {each.page.name: each for each in pool.map(lambda page: look(page, folder), found)}


NAMES = ["one", "many", "diff", "audit"]


def test_chinese_fonts_are_installed() -> None:
    """A font covering Chinese, or the screenshots would show boxes (fonts-noto-cjk)."""
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    assert listed.strip(), "no Chinese font: apt-get install -y fonts-noto-cjk"


@pytest.mark.parametrize("name", NAMES)
def test_nothing_overflows_an_a4_page(seen: dict[str, Seen], name: str) -> None:
    """Laid out as wide as A4's printable width, the page paints nothing in its right margin."""
    image = read_png(seen[name].screenshot.read_bytes())
    assert abs(image.width - A4_WIDTH_PX * SCALE) <= 1
    assert painted_at_right(image) == []
    dark = sum(1 for y in range(0, image.height, 2) for x in range(0, image.width, 2) if sum(image.pixel(x, y)) < 384)
    assert dark > 500  # text was drawn (a blank page would pass the margin check)


def test_the_overflow_check_sees_a_page_that_overflows(seen: dict[str, Seen]) -> None:
    """The control: a 900-pixel-wide block paints into the right margin, and the check says so."""
    rows = painted_at_right(read_png(seen["wide"].screenshot.read_bytes()))
    assert 0 < len(rows) < 40  # the block's rows only


@pytest.mark.parametrize("name", NAMES)
def test_the_page_prints_on_a4(seen: dict[str, Seen], name: str) -> None:
    """Printed to PDF, every page is A4 (595 × 842 points), however many there are."""
    sizes = pdf_pages(seen[name].pdf)
    assert sizes
    for width, height in sizes:
        assert abs(width - A4_POINTS[0]) < 1.5 and abs(height - A4_POINTS[1]) < 1.5


@pytest.mark.parametrize("name", NAMES)
def test_the_chinese_text_is_on_the_page(seen: dict[str, Seen], name: str) -> None:
    """The DOM Chromium parsed holds the page's Chinese words, and the charts are SVG."""
    dom = seen[name].dom
    for word in seen[name].page.words:
        assert word in dom, word
    if name != "audit":  # the audit page has no chart
        assert dom.count("<svg") >= 1 and "<rect" in dom
    assert "<script" not in dom


def test_the_docs_show_a_screenshot_of_a_page() -> None:
    """docs/desk.md shows docs/images/score-report.png, a PNG screenshot at least A4's printable width."""
    data = (ROOT / "docs" / "images" / "score-report.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= A4_WIDTH_PX and height > width
    assert "](images/score-report.png)" in (ROOT / "docs" / "desk.md").read_text(encoding="utf-8")
