"""A small scoring service: POST a unit's values as JSON, get its scored result (or its errors) as JSON.

Uses only the standard library. Run ``python examples/python/score_service.py`` and try::

    curl -s -X POST localhost:8000/score/department-wide -d @examples/python/liwan-2023.json

``/score/<ruleset id>`` scores with a ruleset shipped with perfscore. The reply is
``ScoreResult.to_dict()`` (status 200), or ``PerfscoreError.to_dict()`` (status 422 for bad data,
404 for an unknown ruleset): every problem located, with its code, in Chinese and English.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import perfscore

MOST_BYTES = 1_000_000  # a unit's values are a few kilobytes; refuse anything larger unread


@lru_cache(maxsize=16)
def ruleset(ruleset_id: str) -> perfscore.Ruleset:
    """A shipped ruleset, loaded once: a Ruleset is immutable and may score in many threads at once."""
    if ruleset_id not in {shipped.id for shipped in perfscore.shipped()}:
        raise perfscore.UnreadableFileError(f"{ruleset_id}: no ruleset shipped with perfscore has this id")
    return perfscore.load(ruleset_id)


def score(path: str, body: bytes) -> tuple[HTTPStatus, dict[str, Any]]:
    """The reply to ``POST path`` with ``body``: a status and a JSON document."""
    prefix = "/score/"
    if not path.startswith(prefix):
        return HTTPStatus.NOT_FOUND, {"error": "not-found", "message": "POST /score/<ruleset id>"}
    try:
        rules = ruleset(path[len(prefix) :])
    except perfscore.PerfscoreError as error:
        return HTTPStatus.NOT_FOUND, error.to_dict()
    try:
        values = json.loads(body, parse_float=Decimal)  # numbers exact: 49.745 stays 49.745
    except ValueError as error:
        return HTTPStatus.BAD_REQUEST, {"error": "json", "message": str(error)}
    try:
        return HTTPStatus.OK, rules.score(values, unit="request").to_dict()
    except perfscore.PerfscoreError as error:  # the only errors perfscore raises
        return HTTPStatus.UNPROCESSABLE_ENTITY, error.to_dict()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        size = int(self.headers.get("Content-Length") or 0)
        if size > MOST_BYTES:
            status, reply = HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "too-large", "message": f"over {MOST_BYTES} bytes"}
        else:
            status, reply = score(self.path, self.rfile.read(size))
        data = json.dumps(reply, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a service would log through its own logging."""


def serve(port: int = 8000) -> ThreadingHTTPServer:
    """A server scoring on ``port`` (0: any free port); call ``serve_forever()`` on it."""
    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


if __name__ == "__main__":
    serve().serve_forever()
