"""A stand-in for an OpenSearch cluster: a real HTTP server on 127.0.0.1 that speaks the
few REST calls Folio's search backend makes, records each request, and answers in
OpenSearch's format. It keeps documents in memory and matches every word of a query as a
substring of the title or text (no analysis, no real scoring): enough to test what Folio
sends and how it reads the answers, not how a real engine ranks. No real engine installs
on this machine (docs/search.md).
"""

from __future__ import annotations

import json
import threading
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

from tests.loopback import LoopbackServer, QuietHandler


class Request(NamedTuple):
    method: str
    path: str
    params: dict[str, list[str]]
    body: Any  # parsed JSON, a list of NDJSON lines for _bulk, or None


class Engine:
    """The stand-in's state: indices of documents by id, and aliases."""

    def __init__(self) -> None:
        self.indices: dict[str, dict[str, dict[str, Any]]] = {}
        self.aliases: dict[str, set[str]] = {}
        self.requests: list[Request] = []
        self.lock = threading.Lock()

    def resolve(self, name: str) -> list[str]:
        return sorted(self.aliases.get(name, {name} if name in self.indices else set()))

    def documents(self, name: str) -> dict[str, dict[str, Any]]:
        """The documents behind an index or alias, by id."""
        return {k: v for index in self.resolve(name) for k, v in self.indices[index].items()}

    def search(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        query = body["query"]["bool"]
        words = query["must"]["simple_query_string"]["query"].lower().split()
        filters = query["filter"]
        kind = next(f["term"]["kind"] for f in filters if "term" in f)
        locales = next(f["terms"]["locale"] for f in filters if "terms" in f)
        hits = []
        for doc_id, doc in self.documents(name).items():
            title, text = doc["title"].lower(), doc["text"].lower()
            if doc["kind"] != kind or doc["locale"] not in locales:
                continue
            if all(w in title or w in text for w in words):
                score = sum(2 * title.count(w) + text.count(w) for w in words)
                hits.append({"_id": doc_id, "_score": float(score), "_source": doc})
        hits.sort(key=lambda h: -h["_score"])
        hits = hits[: body.get("size", 10)]
        total = {"value": len(hits), "relation": "eq"}
        return {"took": 1, "timed_out": False, "hits": {"total": total, "hits": hits}}

    def bulk(self, lines: list[dict[str, Any]]) -> dict[str, Any]:
        items = []
        lines = list(lines)
        while lines:
            action = lines.pop(0)
            ((op, meta),) = action.items()
            index = self.resolve(meta["_index"])
            if op == "delete":
                found = bool(index) and self.indices[index[0]].pop(meta["_id"], None) is not None
                items.append({op: {"_id": meta["_id"], "status": 200 if found else 404}})
                continue
            source = lines.pop(0)
            if not index:  # an index write creates a missing index, as OpenSearch does
                self.indices[meta["_index"]] = {}
                index = [meta["_index"]]
            self.indices[index[0]][meta["_id"]] = source
            items.append({op: {"_id": meta["_id"], "status": 201}})
        return {"took": 1, "errors": False, "items": items}


class Handler(QuietHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self, status: int, body: Any = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _handle(self) -> None:
        engine: Engine = self.loopback.engine
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        parts = [p for p in url.path.split("/") if p]
        if parts == ["_bulk"]:
            body: Any = [json.loads(line) for line in raw.splitlines() if line.strip()]
        else:
            body = json.loads(raw) if raw else None
        with engine.lock:
            engine.requests.append(Request(self.command, url.path, parse_qs(url.query), body))
            self._route(engine, parts, body)

    def _route(self, engine: Engine, parts: list[str], body: Any) -> None:
        method = self.command
        if parts == ["_bulk"]:
            return self._answer(200, engine.bulk(body))
        if parts == ["_aliases"]:
            for action in body["actions"]:
                ((op, spec),) = action.items()
                names = engine.aliases.setdefault(spec["alias"], set())
                (names.add if op == "add" else names.discard)(spec["index"])
            return self._answer(200, {"acknowledged": True})
        if parts[0] == "_alias":
            indices = engine.aliases.get(parts[1]) or set()
            if not indices:
                return self._answer(404, {"error": "alias missing", "status": 404})
            return self._answer(200, {i: {"aliases": {parts[1]: {}}} for i in indices})
        if len(parts) == 2 and parts[1] == "_search":
            if not engine.resolve(parts[0]):
                return self._answer(404, {"error": {"type": "index_not_found_exception"}})
            return self._answer(200, engine.search(parts[0], body))
        if len(parts) == 2 and parts[1] == "_refresh":
            return self._answer(200, {"_shards": {"total": 1, "successful": 1, "failed": 0}})
        if len(parts) == 1 and method == "PUT":
            engine.indices[parts[0]] = {}
            for alias in (body or {}).get("aliases", {}):
                engine.aliases.setdefault(alias, set()).add(parts[0])
            return self._answer(200, {"acknowledged": True, "index": parts[0]})
        if len(parts) == 1 and method == "DELETE":
            engine.indices.pop(parts[0], None)
            return self._answer(200, {"acknowledged": True})
        return self._answer(400, {"error": f"the stand-in does not know {method} {self.path}"})

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle


class StandIn(LoopbackServer):
    """The stand-in engine on a free port of 127.0.0.1, until close()."""

    def __init__(self) -> None:
        self.engine = Engine()
        super().__init__(Handler)

    def calls(self, method: str, suffix: str) -> list[Request]:
        return [r for r in self.engine.requests if r.method == method and r.path.endswith(suffix)]
