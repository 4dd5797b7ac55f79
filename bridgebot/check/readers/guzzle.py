"""Guzzle calls (PHP's common HTTP client) read into requests (issue 11):

    $client->request('POST', 'https://api.bridge.xyz/v0/kyc_links', ['headers' => [...], 'json' => [...]]);
    $client->post('https://…', ['json' => [...]]);   // also get/put/patch/delete and …Async

``json`` is sent as JSON, ``form_params`` as a form, ``body`` as it is; ``headers`` are read as
written. Values computed at run time stay unknown.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any, Iterator
from urllib.parse import urlencode

from ..clientcode import MAX_CALLS, _body_of, _php_value, _Stringified, balanced_end, split_args
from ..model import PastedRequest, Unresolved

_CALL = re.compile(r"->\s*(request|get|post|put|patch|delete)(?:Async)?\s*\(", re.I)


def guzzle_requests(text: str) -> Iterator[tuple[int, int, PastedRequest]]:
    if "->" not in text:
        return
    env: dict[str, str] | None = None
    for m in itertools.islice(_CALL.finditer(text), MAX_CALLS):
        open_at = m.end() - 1
        end = balanced_end(text, open_at)
        if end < 0:
            continue
        args = split_args(text[open_at + 1:end - 1])
        verb = m.group(1).lower()
        if verb == "request":
            if len(args) < 2:
                continue
            method = _php_value(args[0], {})
            args = args[1:]
        else:
            method = verb
        if not isinstance(method, str) or isinstance(method, Unresolved) or not args:
            continue
        env = env if env is not None else {a.group(1): a.group(2) for a in re.finditer(r"\$(\w+)\s*=\s*([^;]+);", text)}
        url = _php_value(args[0], env)
        if not isinstance(url, str) or not re.match(r"(?:https?://|/|\{var\})", url):
            continue
        raw_opts = _php_value(args[1], env) if len(args) > 1 else {}
        # Options made elsewhere (`$options`, a call) may hold the headers and the body.
        opts = raw_opts if isinstance(raw_opts, dict) else {}
        headers, known = _headers(opts.get("headers"), "headers" in opts)
        body, value = None, None
        if "json" in opts:
            value = opts["json"]
            body = json.dumps(value, default=str)
            if not any(k.lower() == "content-type" for k, _ in headers):
                headers.append(("Content-Type", "application/json"))  # what Guzzle sends with `json`
        elif isinstance(opts.get("form_params"), dict):
            # As PHP's http_build_query writes them: numbers as written, true/false as 1/0, null left out.
            body = urlencode({k: ("1" if v else "0") if isinstance(v, bool) else v
                              for k, v in opts["form_params"].items() if isinstance(v, (str, int, float))})
            if not any(k.lower() == "content-type" for k, _ in headers):
                headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        elif isinstance(opts.get("body"), (str, _Stringified)):
            # 'body' => json_encode([...]) is the JSON of that array; a variable's value is unknown.
            body, _type, value = _body_of(opts["body"], objects_as_json=False)
        receiver = re.search(r"\$[\w>-]*$", text[max(0, m.start() - 80):m.start()])
        start = m.start() - (len(receiver.group(0)) if receiver else 0)
        yield start, end, PastedRequest(
            method=method.upper(), url=url, headers=headers, body=body, body_value=value, source="guzzle",
            headers_known=known and isinstance(raw_opts, dict), url_partial=url.startswith("{var}"))


def _headers(value: Any, given: bool) -> tuple[list[tuple[str, str]], bool]:
    if isinstance(value, dict):
        return [(str(k), v if isinstance(v, str) else Unresolved(str(v))) for k, v in value.items()], True
    return [], not given
