"""Requests printed inside an error dump (issue 11): axios's ``config: {method, url, data,
headers}`` and octokit's ``request: {method, url, body, headers}``. They are what was really
sent, so they are checked like any other request (source ``printed``)."""

from __future__ import annotations

import json
import re
from typing import Any

from ..model import ElidedDict, PastedRequest, Unresolved
from .errors import MAX_WALK_DEPTH

_METHODS = {"get", "post", "put", "patch", "delete"}
_ABSOLUTE = re.compile(r"(?i)^(?:[a-z][a-z\d+\-.]*:)?//")  # axios's isAbsoluteURL


def _sent_url(obj: dict[str, Any]) -> Any:
    """The URL the request went to: an axios instance's ``baseURL`` joined to a relative ``url``
    (axios.create({baseURL}) prints them apart), as axios's combineURLs does."""
    url, base = obj.get("url"), obj.get("baseURL")
    if (isinstance(url, str) and isinstance(base, str) and not isinstance(url, Unresolved)
            and not isinstance(base, Unresolved) and not _ABSOLUTE.match(url)):
        return re.sub(r"/?/$", "", base) + "/" + re.sub(r"^/+", "", url) if url else base
    return url


def printed_requests(value: Any, depth: int = 0) -> list[PastedRequest]:
    if depth > MAX_WALK_DEPTH or not isinstance(value, dict):  # as deep as its error is read
        return []
    out: list[PastedRequest] = []
    for key in ("config", "request"):
        obj = value.get(key)
        if not isinstance(obj, dict):
            continue
        method, url = obj.get("method"), _sent_url(obj)
        if not (isinstance(method, str) and method.lower() in _METHODS and isinstance(url, str)
                and url.startswith("http") and not isinstance(url, Unresolved)):
            continue
        headers_raw = obj.get("headers")
        headers = [(str(k), str(v)) for k, v in headers_raw.items()] if isinstance(headers_raw, dict) else []
        known = isinstance(headers_raw, dict) and not isinstance(headers_raw, ElidedDict)
        body = obj.get("data", obj.get("body"))
        body_value = None
        if isinstance(body, (dict, list)):
            body_value, body = body, json.dumps(body, default=str)
        elif isinstance(body, Unresolved) or not isinstance(body, str):
            body = None
        if body is not None and body.strip()[:1] in "{[" and not any(k.lower() == "content-type" for k, _ in headers):
            headers.append(("Content-Type", "application/json"))  # both clients send objects as JSON
        out.append(PastedRequest(method=method.upper(), url=url, headers=headers, body=body, body_value=body_value,
                                 source="printed", headers_known=known))
    for key in ("error", "err", "response", "cause"):
        out += printed_requests(value.get(key), depth + 1)
    return out
