"""The signals' charts in a real browser: headless Chromium lays out a score batch page and an audit
batch page (as tests/test_browser.py does), and the screenshot must show the distribution charts
painted — the histogram's blue columns, the stacked bars' green (full marks) and red (below 60%)
parts — with nothing past the right margin of an A4 page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from test_browser import A4_WIDTH_PX, SCALE, browse, painted_at_right, perfscore, read_png
from test_signals import RULESET, UNITS, as_json

ROOT = Path(__file__).resolve().parents[1]
BLUE, GREEN, RED = (0x2E, 0x90, 0xFA), (0x12, 0xB7, 0x6A), (0xF0, 0x44, 0x38)  # charts.py's neutral, good, bad


def signals_only(page: str) -> str:
    """The page with only its signals section kept in <main> (so the screenshot shows their charts,
    and the grade and ranking charts above them cannot pass the colour checks for them)."""
    head, rest = page.split("<main>", 1)
    start = rest.index('<div class="signals">')
    end = rest.index("</div>", start) + len("</div>")  # the section holds no other div
    return f"{head}<main>{rest[start:end]}</main>{rest[rest.index('</main>') + len('</main>') :]}"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Path, str]]]:
    """Each page (whole, and its signals section alone) written, screenshot and its DOM dumped."""
    folder = tmp_path_factory.mktemp("signals-browser")
    ruleset = folder / "demo.toml"
    ruleset.write_text(RULESET, encoding="utf-8")
    data = folder / "units.jsonl"
    data.write_text(
        "".join(
            json.dumps({"id": unit, "name": f"<i>单位</i>{unit}", "data": {"done": d, "rate": r, "effect": as_json(x)}},
                       ensure_ascii=False) + "\n"
            for unit, (d, r, x) in UNITS.items()
        ),
        encoding="utf-8",
    )  # fmt: skip
    pages = {
        "score": perfscore("score", str(ruleset), str(data), "--format", "html"),
        "audit": perfscore(
            "audit", str(ROOT / "tests" / "tables"), "--ruleset", "project-mof-2020", "--format", "html"
        ),
    }
    pages |= {f"{name}-signals": signals_only(text) for name, text in list(pages.items())}

    def look(name: str) -> tuple[Path, str]:
        path = folder / f"{name}.html"
        path.write_text(pages[name], encoding="utf-8")
        shot = folder / f"{name}.png"
        browse(path, folder / f"p-{name}-1", "--hide-scrollbars", f"--force-device-scale-factor={SCALE}",
               f"--screenshot={shot}", f"--window-size={A4_WIDTH_PX},4000")  # fmt: skip
        dom = browse(path, folder / f"p-{name}-2", "--dump-dom").stdout.decode("utf-8")
        return shot, dom

    with ThreadPoolExecutor(max_workers=2) as pool:
        yield dict(zip(pages, pool.map(look, pages), strict=True))


def colours(path: Path) -> dict[tuple[int, int, int], int]:
    """How many pixels of the screenshot are each chart colour (within a small tolerance)."""
    image = read_png(path.read_bytes())
    found = dict.fromkeys((BLUE, GREEN, RED), 0)
    for y in range(image.height):
        for x in range(image.width):
            pixel = image.pixel(x, y)
            for colour in found:
                if all(abs(a - b) <= 6 for a, b in zip(pixel, colour, strict=True)):
                    found[colour] += 1
    return found


@pytest.mark.parametrize("name", ["score", "audit", "score-signals", "audit-signals"])
def test_the_signals_stay_within_an_a4_page(shots: dict[str, tuple[Path, str]], name: str) -> None:
    """Laid out as wide as A4's printable width, nothing of the page (signals included) paints in its right margin."""
    image = read_png(shots[name][0].read_bytes())
    assert abs(image.width - A4_WIDTH_PX * SCALE) <= 1
    assert painted_at_right(image) == []


@pytest.mark.parametrize("name", ["score-signals", "audit-signals"])
def test_the_distribution_charts_are_painted(shots: dict[str, tuple[Path, str]], name: str) -> None:
    """The signals section alone shows the histogram of totals (blue) and the stacked bands (green for
    full marks; red for below 60% on the score page, where 社会效益 has two such units), drawn as SVG."""
    shot, dom = shots[name]
    found = colours(shot)
    assert found[BLUE] > 200 and found[GREEN] > 200
    if name == "score-signals":
        assert found[RED] > 20
    assert dom.count("<svg") == 2 and 'class="signals"' in dom and "<script" not in dom


def test_the_pages_show_the_signals_in_chinese(shots: dict[str, tuple[Path, str]]) -> None:
    """The DOM Chromium parsed holds the signals' words, the units' names as text (never as markup)."""
    score, audit = shots["score"][1], shots["audit"][1]
    assert "跨单位信号" in score and "等级下限之上集中" in score and "封顶分数之下集中" in score
    assert "&lt;i&gt;单位&lt;/i&gt;u05（u05）" in score and "<i>单位</i>" not in score
    assert "自评高于重算" in audit and "得分分布" in audit
