"""The integration examples of docs/python.md run as written: a scoring web service (standard library
only) and a pandas pipeline. The page shows the example files verbatim; mypy checks them in CI."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

from helpers import ROOT

EXAMPLES = ROOT / "examples" / "python"
PAGE = ROOT / "docs" / "python.md"


def example(name: str) -> ModuleType:
    """An example file imported as a module."""
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def service() -> Iterator[str]:
    """The example service on a free port, serving in a thread; its base address."""
    server = example("score_service").serve(0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def post(address: str, body: bytes) -> tuple[int, dict[str, Any]]:
    """POST ``body``: the status and the JSON reply."""
    request = urllib.request.Request(address, data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


LIWAN = (EXAMPLES / "liwan-2023.json").read_bytes()


def test_the_service_scores_a_posted_unit(service: str) -> None:
    """The seed unit posted to /score/department-wide: its result as JSON, total 99.75, decimals as text."""
    status, reply = post(f"{service}/score/department-wide", LIWAN)
    assert (status, reply["total"], reply["grade"]["name"]) == (200, "99.75", "优")
    assert [item["id"] for item in reply["deductions"]] == ["management.rules", "budget.execution_rate"]


@pytest.mark.parametrize(
    ("path", "body", "status", "error", "codes"),
    [
        ("/score/department-wide", json.dumps({"budget": "九十"}).encode(), 422, "DataError",
         ["invalid-input", *["missing-input"] * 14]),
        ("/score/department-wid", LIWAN, 404, "UnreadableFileError", []),
        ("/score/department-wide", b"{not json", 400, "json", None),
        ("/elsewhere", LIWAN, 404, "not-found", None),
    ],
    ids=["bad data: every problem, located", "unknown ruleset", "not JSON", "not a scoring address"],
)  # fmt: skip
def test_the_service_answers_every_mistake_as_data(
    service: str, path: str, body: bytes, status: int, error: str, codes: list[str] | None
) -> None:
    """Bad data, an unknown ruleset, a body that is not JSON: a status and the error as JSON, never a traceback."""
    got, reply = post(service + path, body)
    assert (got, reply["error"]) == (status, error)
    if codes is not None:
        assert [problem["code"] for problem in reply["problems"]] == codes


def test_the_service_scores_in_many_threads_at_once(service: str) -> None:
    """32 requests at once on 8 threads of the threading server: every one 99.75."""
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda _: post(f"{service}/score/department-wide", LIWAN), range(32)))
    assert {(status, reply["total"]) for status, reply in replies} == {(200, "99.75")}


def test_the_pandas_pipeline_scores_exactly_and_lists_the_bad_row() -> None:
    """The pipeline scores two projects exactly (Decimal totals) and reports the third's typing mistake."""
    pytest.importorskip("pandas")
    pipeline = example("frame_pipeline")
    scores, failed = pipeline.pipeline(pipeline.example())
    totals = dict(zip(scores["id"], scores["total"], strict=True))
    assert totals["P-001"] == Decimal("95.53") and isinstance(totals["P-002"], Decimal)
    assert totals["P-003"] is None
    assert list(failed["id"]) == ["P-003"]
    assert "expected a number" in failed["problems"][0][0]


def test_the_page_shows_the_example_files_as_they_are() -> None:
    """Each ```python block of docs/python.md that names an example file is that file, verbatim."""
    page = PAGE.read_text(encoding="utf-8")
    shown = re.findall(r"```python\n# examples/python/(\w+\.py)\n(.*?)```", page, re.DOTALL)
    assert sorted(name for name, _ in shown) == ["frame_pipeline.py", "score_service.py"]
    for name, code in shown:
        assert code == (EXAMPLES / name).read_text(encoding="utf-8"), name


def test_the_pages_other_python_blocks_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's shorter examples run as written (from the repository's root)."""
    monkeypatch.chdir(ROOT)
    page = PAGE.read_text(encoding="utf-8")
    blocks = [
        code for code in re.findall(r"```python\n(.*?)```", page, re.DOTALL) if not code.startswith("# examples/")
    ]
    assert blocks
    for code in blocks:
        exec(compile(code, str(PAGE), "exec"), {"__name__": "docs"})  # the documentation's own examples
