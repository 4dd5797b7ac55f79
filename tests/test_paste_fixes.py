"""Real-world pastes the second test pass found misread; each now gives what a developer expects."""

from __future__ import annotations

import re

import pytest

from bridgebot.check import check_paste

CASES = [
    # (paste, [(method, url-substring, operation or None, findings as (kind, field))])
    ("curl https://[your-api-host]/v0/customers -H \"Api-Key: $K\"",
     [("GET", "[your-api-host]", "GET /v0/customers", [])]),
    ("I ran `curl -H 'Api-Key: $K' https://api.bridge.xyz/v0/customers?limit=5` and got nothing",
     [("GET", "/v0/customers?limit=5", "GET /v0/customers", [])]),
    ("const baseHeaders = { 'Api-Key': process.env.BRIDGE_KEY };\nfetch('https://api.bridge.xyz/v0/customers', "
     "{ method: 'POST', headers: { ...baseHeaders, 'Content-Type': 'application/json', 'Idempotency-Key': id }, "
     "body: JSON.stringify({type: 'individual'}) })",
     [("POST", "/v0/customers", "POST /v0/customers", [])]),
    ("fetch('https://api.bridge.xyz/v0/customers', { method: 'POST', headers: { ...authHeaders, "
     "'Content-Type': 'application/json' }, body: JSON.stringify({type: 'individual'}) })",
     [("POST", "/v0/customers", "POST /v0/customers", [])]),
    ("requests.post(\"https://api.bridge.xyz/v0/customers\", headers=get_headers(), json={\"type\": \"individual\"})",
     [("POST", "/v0/customers", "POST /v0/customers", [])]),
    ("const BASE = 'https://api.bridge.xyz/v0';\nfetch(`${BASE}/customers`, { headers: { 'Api-Key': key } })",
     [("GET", "https://api.bridge.xyz/v0/customers", "GET /v0/customers", [])]),
    ("axios.get(BASE_URL + '/customers', { headers: { 'Api-Key': key } })",
     [("GET", "/customers", "GET /v0/customers", [])]),
    ("curl \"$BRIDGE_URL/customers\" -H \"Api-Key: $K\"", [("GET", "$BRIDGE_URL", "GET /v0/customers", [])]),
    ("```\ncurl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: $K' -H 'Idempotency-Key: 1' "
     "-H 'Content-Type: application/json' -d '{\"type\":\"individual\",\"last_name\":\"O\u2019Brien\"}'\n```",
     [("POST", "/v0/customers", "POST /v0/customers", [])]),
    ("GET /v0/customers works fine, but this body: {\"type\": \"individual\", \"emal\": \"x\"} fails on POST /v0/customers",
     [("POST", "/v0/customers", "POST /v0/customers", [("unknown_param", "emal")])]),
    ("POST /v0/transfers HTTP/1.1\r\nHost: api.bridge.xyz\r\nContent-Type: application/json\r\n\r\n{}",
     [("POST", "/v0/transfers", "POST /v0/transfers",
       [("auth_missing", "Api-Key"), ("idempotency_key_missing", "Idempotency-Key"),
        ("missing_required", "destination"), ("missing_required", "on_behalf_of"), ("missing_required", "source")])]),
    ("curl https://api.bridge.xyz/v0/customers \\\r\n  -H \"Api-Key: $K\"", [("GET", "/v0/customers", "GET /v0/customers", [])]),
    ("curl ^\"https://api.bridge.xyz/v0/customers?limit=5^&starting_after=cust_1^\" ^\n  -H ^\"api-key: $KEY^\"",
     [("GET", "?limit=5&starting_after=cust_1", "GET /v0/customers", [])]),
    ("curl -X POST https://api.bridge.xyz/v0/customers -H \"Api-Key: $K\" -H \"Idempotency-Key: 1\" "
     "-H \"Content-Type: application/json\" -d @- <<'EOF'\n{\"type\": \"individual\", \"first_name\": 5}\nEOF",
     [("POST", "/v0/customers", "POST /v0/customers", [("wrong_type", "first_name")])]),
    ("POST /v0/customers\n```json\n{\n  // individual\n  \"type\": \"individual\"\n}\n```",
     [("POST", "/v0/customers", "POST /v0/customers", [("malformed_body", "")])]),
    ("curl https://api.sandbox.bridge.xyz/v0/customers -H 'Api-Key: sk-live-00000000000000000000abcd'",
     [("GET", "sandbox", "GET /v0/customers", [("secret_exposed", "Api-Key"), ("auth_invalid", "Api-Key")])]),
]


# Plain ids: brackets and newlines in an id are not found again when pytest runs twice in one
# process (as mutmut does).
@pytest.mark.parametrize("paste, expected", CASES, ids=[re.sub(r"[^A-Za-z0-9]+", "_", c[0][:40]).strip("_") for c in CASES])
def test_read_as_a_developer_means_it(bridge_specs, paste: str, expected) -> None:
    result = check_paste(paste, bridge_specs)
    assert not result.problems, result.problems
    assert len(result.requests) == len(expected), [r.to_dict() for r in result.requests]
    for got, (method, url_part, operation, findings) in zip(result.requests, expected):
        assert got.request.method == method
        assert url_part in got.display_url
        assert (got.operation.label if got.operation else None) == operation
        assert sorted((f.kind, f.field) for f in got.findings) == sorted(findings), [f.message for f in got.findings]


@pytest.mark.parametrize("paste, found", [
    ('requests.get("https://api.github.com/user/repos", headers={"Authorization": "token 0123456789abcdef0123456789abcdef01234567"})',
     ("authorization", "header", "…4567")),
    ("fetch('https://api.bridge.xyz/v0/customers', { headers: { 'Api-Key': 'abcdEFGH1234ijklMNOP5678' } })",
     ("api_key", "header", "…5678")),
])
def test_keys_in_code_header_dicts_are_found(bridge_specs, paste: str, found) -> None:
    assert [(s.kind, s.location, s.redacted) for s in check_paste(paste, bridge_specs).secrets] == [found]


@pytest.mark.parametrize("paste", [
    'curl https://api.bridge.xyz/v0/customers -H "Api-Key: $env:BRIDGE_KEY"',
    'curl https://api.bridge.xyz/v0/customers -H "Api-Key: %BRIDGE_KEY%"',
    "Api-Key: settings.BRIDGE_KEY",
    'curl https://x -H "Authorization: Bearer $(gcloud auth print-access-token)"',
])
def test_placeholders_in_shells_and_code_are_not_secrets(bridge_specs, paste: str) -> None:
    assert check_paste(paste, bridge_specs).secrets == []


@pytest.mark.parametrize("paste, kind, field", [
    ("requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://api.bridge.xyz/v0/customers",
     "auth_invalid", ""),
    ('{"code":"invalid","location":"header","name":"Api-Key","message":"Invalid Api-Key header"}', "auth_invalid", "Api-Key"),
    ('{"code":"invalid_parameters","message":"Idempotency-Key header is required"}',
     "idempotency_key_missing", "Idempotency-Key"),
    ("AxiosError: Request failed with status code 400\n  response: {\n    status: 400,\n    data: { code: "
     "'invalid_parameters', message: 'source is required', source: { location: 'body', key: 'source' } }\n  }",
     "missing_required", "source"),
])
def test_errors_get_the_right_kind(bridge_specs, paste: str, kind: str, field: str) -> None:
    (error,) = check_paste(paste, bridge_specs).errors
    assert [(f.kind, f.field) for f in error.findings] == [(kind, field)]


def test_a_get_next_to_json_is_a_response_not_a_body(bridge_specs) -> None:
    result = check_paste('GET /v0/customers returns\n```json\n{"count": 1, "data": []}\n```\nis that right?', bridge_specs)
    assert result.requests == [] and result.hints == []


def test_a_body_assigned_before_the_call_is_read_once(bridge_specs) -> None:
    paste = ('payload = {"type": "individual", "x": None,}\nrequests.post("https://api.bridge.xyz/v0/customers", '
             'json=payload, headers={"Api-Key": K, "Idempotency-Key": "1"})')
    result = check_paste(paste, bridge_specs)
    assert [(f.kind, f.field) for f in result.requests[0].findings] == [("unknown_param", "x")]
    assert result.hints == [] and result.problems == []


@pytest.mark.parametrize("key", ["metadata[a]b", "expand[][]", "metadata[a][][]"])
def test_a_form_key_with_stray_brackets_is_named_and_the_rest_still_read(stripe_specs, key: str) -> None:
    # Only the key is named: nothing of it is read into the body (an empty `{}` left by `expand[][]`
    # was reported as "`expand[0]` must be a string, got an object").
    paste = f"curl https://api.stripe.com/v1/customers -u $STRIPE_KEY: -d '{key}=1' -d email=a@b.co"
    (report,) = check_paste(paste, stripe_specs).requests
    assert report.operation is not None and report.operation.label == "POST /v1/customers"
    assert [(f.kind, f.location, f.field, f.message) for f in report.findings] == [
        ("malformed_body", "body", key, f"The form key `{key}` mixes brackets in a way that cannot be read.")]


@pytest.mark.parametrize("query, value, bad", [
    ("items[0][price]=x&metadata[k]=v&expand[]=a&expand[]=b",
     {"items": [{"price": "x"}], "metadata": {"k": "v"}, "expand": ["a", "b"]}, []),
    ("ids=1&ids=2&ids=3", {"ids": ["1", "2", "3"]}, []),                       # a key repeated
    ("a[][x]=1&a[][y]=2&a[][x]=3", {"a": [{"x": "1", "y": "2"}, {"x": "3"}]}, []),  # a repeated key starts an object
    ("l[1]=b&l[0]=a&l[10]=c", {"l": ["a", "b", "c"]}, []),                     # indexes in number order
    ("n[a][b][c]=1", {"n": {"a": {"b": {"c": "1"}}}}, []),
    ("a[b]=1&a=2", {"a": {"b": "1"}}, ["a"]),                                  # an object, then a value
    ("a=1&a[b]=2", {"a": "1"}, ["a[b]"]),                                      # a value, then an object
    ("x[]=1&x[y]=2", {"x": ["1"]}, ["x[y]"]),
    ("x[y]=1&x[]=2", {"x": {"y": "1"}}, ["x[]"]),
    ("]bad=1&ok=2", {"ok": "2"}, ["]bad"]),
    ("a[x][]=1&a[x][]=2", {"a": {"x": ["1", "2"]}}, []),                       # appended under a name
    ("a[][x][]=1&a[][x][]=2", {"a": [{"x": ["1"]}, {"x": ["2"]}]}, []),
    # A list of lists has no form syntax: the key is named and nothing of it kept.
    ("a[][]=1&ok=2", {"ok": "2"}, ["a[][]"]),
    ("a[x][][]=1&a[][y][][]=2", {}, ["a[x][][]", "a[][y][][]"]),
])
def test_a_form_body_nests_as_stripe_reads_it_and_names_the_keys_it_cannot(query: str, value, bad) -> None:
    from bridgebot.check.forms import decode_form, parse_pairs

    got, unread = decode_form(parse_pairs(query))
    assert (got, unread) == (value, bad)
    if query.startswith("l["):
        assert got["l"].labels == ["0", "1", "10"]  # the labels the developer wrote, for findings


# --- Requests printed inside an error dump (readers/printed.py): checked like any other request. ---

#: What Bridge answered: the first name is invalid (the response part of the dump).
_FIRST_NAME_REJECTED = {"status": 400, "data": {"code": "invalid_parameters", "message": "Invalid parameters",
                                                "source": {"location": "body", "key": "first_name"}}}


def _printed(config_changes: dict | None = None, wrappers: tuple[str, ...] = ()) -> str:
    """An axios error logged as JSON (pino, winston…): its config is the request that was sent,
    its response what Bridge said; ``wrappers`` nest it (``err``, a chain of ``cause``s…)."""
    import json

    config = {"method": "post", "url": "https://api.sandbox.bridge.xyz/v0/customers",
              "data": '{"type":"individual","first_name":5}',
              "headers": {"Accept": "application/json", "Api-Key": "[redacted]", "Idempotency-Key": "k1"}}
    config.update(config_changes or {})
    value: dict = {"message": "Request failed with status code 400", "config": config, "response": _FIRST_NAME_REJECTED}
    for key in reversed(wrappers):
        value = {"message": f"wrapped as {key}", key: value}
    return json.dumps({"level": 50, "msg": "customer sync failed", **value})


def _findings(paste: str, specs) -> list[tuple[str, str]]:
    result = check_paste(paste, specs)
    (report,) = result.requests
    assert report.request.source == "printed" and report.operation is not None
    assert report.operation.label == "POST /v0/customers"
    (error,) = result.errors
    assert error.operation is not None and error.operation.label == "POST /v0/customers"
    return sorted((f.kind, f.field) for f in report.findings)


@pytest.mark.parametrize("wrappers", [(), ("err",), ("error",), ("cause",), ("err", "cause", "cause", "response")],
                         ids=["top", "err", "error", "cause", "err-cause-cause-response"])
def test_a_request_printed_in_a_logged_error_is_checked_however_deep_the_logger_put_it(bridge_specs, wrappers) -> None:
    # Loggers put the error under `err`/`error`, Node chains causes, and axios's `response` holds
    # its own `config` too: the request is found and checked at each of these depths.
    if wrappers and wrappers[-1] == "response":
        import json

        inner = json.loads(_printed())
        paste = json.dumps({"level": 50, "err": {"message": "sync failed", "cause": {
            "message": "retry failed", "cause": {"message": "Request failed with status code 400",
                                                 "response": {**_FIRST_NAME_REJECTED, "config": inner["config"]}}}}})
    else:
        paste = _printed(wrappers=wrappers)
    assert _findings(paste, bridge_specs) == [("wrong_type", "first_name")]


@pytest.mark.parametrize("headers, findings", [
    # Every header shown, no key among them: the key was not sent.
    ({"Accept": "application/json", "Idempotency-Key": "k1"}, [("auth_missing", "Api-Key")]),
    # A live key sent to the sandbox: said, and shown redacted only.
    ({"Api-Key": "sk-live-00000000000000000000abcd", "Idempotency-Key": "k1"},
     [("auth_invalid", "Api-Key"), ("secret_exposed", "Api-Key")]),
    # The header value is what is checked, not just its name.
    ({"Api-Key": "[redacted]", "Idempotency-Key": "k1", "Content-Type": "text/plain"}, [("content_type", "Content-Type")]),
    # The lower-case name axios prints is the same header: its value is the one checked.
    ({"Api-Key": "[redacted]", "Idempotency-Key": "k1", "content-type": "text/plain"}, [("content_type", "Content-Type")]),
    # No Content-Type shown: axios (and octokit) send an object body as JSON.
    ({"Api-Key": "[redacted]", "Idempotency-Key": "k1"}, []),
])
def test_the_headers_of_a_printed_request_are_checked(bridge_specs, headers, findings) -> None:
    paste = _printed({"headers": headers})
    assert _findings(paste, bridge_specs) == sorted(findings + [("wrong_type", "first_name")])
    assert "sk-live-00000000000000000000abcd" not in str(check_paste(paste, bridge_specs).to_dict())


def test_a_request_printed_as_octokits_request_with_its_body_is_checked(bridge_specs) -> None:
    # octokit's RequestError prints `request: {method, url, headers, body}` (no axios config).
    import json

    paste = json.dumps({"name": "HttpError", "status": 400, "request": {
        "method": "POST", "url": "https://api.sandbox.bridge.xyz/v0/customers",
        "headers": {"api-key": "[redacted]", "idempotency-key": "k1", "content-type": "application/json; charset=utf-8"},
        "body": '{"type":"individual","first_name":5}'}, "response": _FIRST_NAME_REJECTED})
    assert _findings(paste, bridge_specs) == [("wrong_type", "first_name")]
    (report,) = check_paste(paste, bridge_specs).requests
    assert report.request.method == "POST" and json.loads(report.request.body) == {"type": "individual", "first_name": 5}

@pytest.mark.parametrize("config", [{"retries": 3}, {"method": "post", "url": "/v0/customers"}, "prod"],
                         ids=["app-settings", "never-sent", "a-word"])
def test_a_config_that_is_no_request_does_not_hide_the_request_beside_it(bridge_specs, config) -> None:
    # A logger that adds its own `config` beside octokit's `request`: the request is still read.
    import json

    paste = json.dumps({"name": "HttpError", "status": 400, "config": config, "request": {
        "method": "POST", "url": "https://api.sandbox.bridge.xyz/v0/customers",
        "headers": {"api-key": "[redacted]", "idempotency-key": "k1"},
        "body": '{"type":"individual","first_name":5}'}, "response": _FIRST_NAME_REJECTED})
    assert _findings(paste, bridge_specs) == [("wrong_type", "first_name")]


def test_a_printed_request_with_headers_left_out_is_not_said_to_lack_its_key(bridge_specs) -> None:
    # `...` in a dump: some headers were cut from the paste, so the key may well have been sent.
    paste = ("AxiosError: Request failed with status code 400\n    at settle (/app/axios.cjs:1966:12) {\n"
             "  config: {\n    method: 'post',\n    url: 'https://api.sandbox.bridge.xyz/v0/customers',\n"
             "    data: '{\"type\":\"individual\",\"first_name\":5}',\n"
             "    headers: { Accept: 'application/json', ... }\n  },\n"
             "  response: {\n    status: 400,\n    data: { code: 'invalid_parameters', message: 'Invalid parameters', "
             "source: { location: 'body', key: 'first_name' } }\n  }\n}")
    assert _findings(paste, bridge_specs) == [("wrong_type", "first_name")]
    full = paste.replace("Accept: 'application/json', ...", "Accept: 'application/json'")
    assert _findings(full, bridge_specs) == [("auth_missing", "Api-Key"), ("idempotency_key_missing", "Idempotency-Key"),
                                             ("wrong_type", "first_name")]


def test_a_printed_body_object_is_checked_as_the_json_it_was_sent_as(bridge_specs) -> None:
    # A body printed as an object (not the string axios sent) is the same JSON.
    assert _findings(_printed({"data": {"type": "individual", "first_name": 5}}), bridge_specs) == [
        ("wrong_type", "first_name")]
    # Trimmed with `...` in the paste: what is shown is checked, what was cut is not said missing.
    paste = ("AxiosError: Request failed with status code 400\n    at settle (/app/axios.cjs:1966:12) {\n"
             "  config: {\n    method: 'post',\n    url: 'https://api.sandbox.bridge.xyz/v0/transfers',\n"
             "    data: { amount: 10, ... },\n    headers: { 'Api-Key': '[redacted]', 'Idempotency-Key': 'k1' }\n  },\n"
             "  response: { status: 400, data: { code: 'invalid_parameters', message: 'Invalid parameters', "
             "source: { location: 'body', key: 'amount' } } }\n}")
    result = check_paste(paste, bridge_specs)
    (report,) = result.requests
    assert report.operation is not None and report.operation.label == "POST /v0/transfers"
    assert [(f.kind, f.field) for f in report.findings] == [("wrong_type", "amount")]


@pytest.mark.parametrize("config_changes", [
    {"method": None},                # cut from the paste
    {"method": "options"},           # a CORS preflight, not a call of the API
    {"url": None},
    {"url": "wss://api.sandbox.bridge.xyz/v0/customers"},
    {"url": "/v0/customers"},         # no baseURL: axios in Node never sent it ("Invalid URL")
    {"url": "/v0/customers", "baseURL": "{{BRIDGE_URL}}"},
], ids=["no-method", "options", "no-url", "not-http", "relative", "relative-to-no-url"])
def test_a_printed_config_that_is_not_an_api_call_is_not_checked_but_the_error_still_is(bridge_specs, config_changes) -> None:
    result = check_paste(_printed(config_changes), bridge_specs)
    assert result.requests == []
    (error,) = result.errors
    assert [(f.kind, f.field) for f in error.findings] == [("invalid_format", "first_name")]


@pytest.mark.parametrize("paste", [
    "github3.models.GitHubError: 400 Problems parsing JSON",
    "Error: HttpError: Problems parsing JSON",
    "octokit said: problems parsing json",   # the catalog's pattern ignores case
])
def test_problems_parsing_json_in_plain_text_is_read_as_a_body_github_could_not_parse(bridge_specs, paste: str) -> None:
    (error,) = check_paste(paste, bridge_specs).errors
    assert [(f.kind, f.field) for f in error.findings] == [("malformed_body", "")]


def test_the_prefilter_skips_only_texts_a_pattern_cannot_match() -> None:
    # may_match is the cheap test before each catalog message and unread-form pattern: it must
    # never skip a text the pattern matches (with or without the lower-cased text given), and it
    # skips a text without the literal every match contains.
    from bridgebot.check.catalogs import message_rules
    from bridgebot.check.readers.prefilter import may_match, needle
    from bridgebot.check.readers.unread import UNREAD_FORMS

    texts = ["req, err := http.NewRequest(\"POST\", url, body)", "Net::HTTP::Post.new(uri)",
             "$client->post('https://api.bridge.xyz/v0/customers')", "see the screenshot"]
    texts += [s["text"] for rule in message_rules() for s in rule.samples]
    patterns = [rule.pattern for rule in message_rules()] + [p for _, p in UNREAD_FORMS]
    matched = skipped = 0
    for pattern in patterns:
        for text in texts + [t.upper() for t in texts] + [t.lower() for t in texts]:
            if pattern.search(text):
                matched += 1
                assert may_match(pattern, text), (pattern.pattern, text)
                assert may_match(pattern, text, text.lower()), (pattern.pattern, text)
        if needle(pattern) is not None:
            skipped += 1
            assert not may_match(pattern, "nothing to see here"), pattern.pattern
            assert not may_match(pattern, "nothing to see here", "nothing to see here"), pattern.pattern
    assert matched > len(patterns) and skipped > len(patterns) // 2


@pytest.mark.parametrize("base, url", [
    ("https://api.sandbox.bridge.xyz", "/v0/customers"),
    ("https://api.sandbox.bridge.xyz/v0/", "customers"),
    ("https://api.sandbox.bridge.xyz/v0//", "/customers"),
    ("https://example.com/ignored", "https://api.sandbox.bridge.xyz/v0/customers"),  # an absolute url wins
    ("https://api.sandbox.bridge.xyz/v0/customers", ""),
])
def test_a_request_printed_by_an_axios_instance_goes_to_its_base_url(bridge_specs, base: str, url: str) -> None:
    # axios.create({baseURL}) prints the base and the relative url apart in config: the request
    # was sent to the two joined, as axios joins them.
    paste = _printed({"baseURL": base, "url": url})
    assert _findings(paste, bridge_specs) == [("wrong_type", "first_name")]
    (report,) = check_paste(paste, bridge_specs).requests
    assert report.display_url == "https://api.sandbox.bridge.xyz/v0/customers"


def test_axios_json_sent_to_stripe_is_named_as_the_json_it_was_sent_as(stripe_specs) -> None:
    # The classic: axios sends an object as JSON, Stripe takes a form. No Content-Type was printed:
    # the finding names the one axios sent.
    import json

    paste = json.dumps({"message": "Request failed with status code 400", "config": {
        "method": "post", "url": "https://api.stripe.com/v1/customers", "data": '{"email":"a@b.co"}',
        "headers": {"Accept": "application/json, text/plain, */*", "Authorization": "Bearer [redacted]"}},
        "response": {"status": 400, "data": {"error": {
            "type": "invalid_request_error", "message": "Invalid request (check that your POST content type is "
            "application/x-www-form-urlencoded). If you have any questions, we can help at https://support.stripe.com/."}}}})
    (report,) = check_paste(paste, stripe_specs).requests
    assert report.request.source == "printed" and report.operation is not None
    assert [(f.kind, f.actual, f.message) for f in report.findings] == [
        ("content_type", "application/json",
         "Content-Type is `application/json`, but this endpoint takes application/x-www-form-urlencoded.")]


@pytest.mark.parametrize("url_lines", [
    "    baseURL: 'https://api.sandbox.bridge.xyz',\n    url: customerPath,\n",
    "    baseURL: httpBase,\n    url: '/v0/customers',\n",
], ids=["url-is-code", "base-is-code"])
def test_a_printed_url_computed_at_run_time_is_not_guessed(bridge_specs, url_lines: str) -> None:
    # A variable where the dump should show a value: where the request went is unknown, so it is
    # not checked against a made-up URL (the error still is).
    paste = ("AxiosError: Request failed with status code 400\n    at settle (/app/axios.cjs:1966:12) {\n"
             "  config: {\n    method: 'post',\n" + url_lines +
             "    data: '{\"type\":\"individual\",\"first_name\":5}',\n"
             "    headers: { 'Api-Key': '[redacted]', 'Idempotency-Key': 'k1' }\n  },\n"
             "  response: {\n    status: 400,\n    data: { code: 'invalid_parameters', message: 'Invalid parameters', "
             "source: { location: 'body', key: 'first_name' } }\n  }\n}")
    result = check_paste(paste, bridge_specs)
    assert result.requests == []
    (error,) = result.errors
    assert [(f.kind, f.field) for f in error.findings] == [("invalid_format", "first_name")]


def _inspected(data: str, message: str) -> str:
    """An axios error printed by console.log (Node's util.inspect): its config is the request sent
    (``data`` as printed), its response Bridge's error with ``message``."""
    return f"""AxiosError: Request failed with status code 400
{{
  config: {{
    method: 'post',
    url: 'https://api.sandbox.bridge.xyz/v0/customers',
    headers: {{ 'Api-Key': '<redacted>', 'Idempotency-Key': 'k1', 'Content-Type': 'application/json' }},
    data: {data}
  }},
  response: {{ status: 400, data: {{ code: 'invalid_parameters', message: '{message}' }} }}
}}"""


def test_a_printed_request_whose_data_is_undefined_was_sent_without_a_body(bridge_specs) -> None:
    # console.log(err) of an axios call made without data prints `data: undefined` (Node's
    # util.inspect): no body was sent, so the finding is the missing body, not "undefined" read as
    # malformed JSON.
    paste = _inspected("undefined", "A request body is required")
    (report,) = check_paste(paste, bridge_specs).requests
    assert report.request.source == "printed" and report.request.body is None
    assert [(f.kind, f.location) for f in report.findings] == [("missing_required", "body")]


def test_an_object_the_console_printed_as_object_brackets_is_not_said_to_be_an_array(bridge_specs) -> None:
    # Node prints objects nested past depth 2 as [Object]: the address was an object, left out of
    # the printout, so no "must be an object, got an array" (it was, before).
    paste = _inspected("{ type: 'individual', first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com',\n"
                       "      residential_address: [Object], birth_date: '1990-01-01', signed_agreement_id: 'x', "
                       "first_nme: 'A' }", "first_name is invalid")
    (report,) = check_paste(paste, bridge_specs).requests
    assert report.request.source == "printed"
    assert [(f.kind, f.field) for f in report.findings] == [("unknown_param", "first_nme")]


def test_a_request_is_read_as_deep_in_a_cause_chain_as_its_error_and_no_deeper(bridge_specs) -> None:
    # Node chains errors through `cause`: wherever in the chain the error is read (down to the
    # error reader's depth), the request beside it is checked too (it stopped at 4 levels: the
    # error explained, its request never checked). Past that depth neither is read: a hostile
    # chain costs nothing.
    import json

    from bridgebot.check.readers.errors import MAX_WALK_DEPTH

    read = []
    for depth in range(MAX_WALK_DEPTH + 2):
        result = check_paste(_printed(wrappers=("cause",) * depth), bridge_specs)
        assert len(result.requests) == len(result.errors), depth  # the request wherever its error is
        read += [depth] if result.errors else []
    assert read == list(range(len(read))) and len(read) >= 9  # from the top down to 8 causes at least
    # The error at the top, the request it came from wrapped past the reader's depth: not read.
    def top_error_and_request_under(causes: int) -> list:
        deep: dict = {"config": json.loads(_printed())["config"]}
        for _ in range(causes):
            deep = {"message": "wrapped", "cause": deep}
        result = check_paste(json.dumps({"response": _FIRST_NAME_REJECTED, "cause": deep}), bridge_specs)
        assert len(result.errors) == 1
        return [[(f.kind, f.field) for f in r.findings] for r in result.requests]

    assert top_error_and_request_under(MAX_WALK_DEPTH) == []
    assert top_error_and_request_under(MAX_WALK_DEPTH - 1) == [[("wrong_type", "first_name")]]  # one less: read


@pytest.mark.parametrize("data", ["type=individual&first_name=Ada", "X-Customer=Ada", "<customer/>"])
def test_a_printed_text_body_sent_without_a_content_type_is_not_taken_for_json(bridge_specs, data: str) -> None:
    # Only an object or array body is one the client sent as JSON; a text body printed with headers
    # that hold no Content-Type went without one: both faults are named.
    paste = _printed({"data": data, "headers": {"Api-Key": "[redacted]", "Idempotency-Key": "k1"}})
    (report,) = check_paste(paste, bridge_specs).requests
    assert report.request.header("content-type") is None
    assert [(f.kind, f.message) for f in report.findings] == [
        ("content_type", "No Content-Type header: this endpoint takes application/json."),
        ("malformed_body", "The body is not JSON, but this endpoint takes application/json.")]


_GUZZLE_JSON = "'json' => ['type' => 'individual', 'first_name' => 'Jo', 'last_name' => 'Li', 'email' => 'jo@x.co']"


@pytest.mark.parametrize("headers, findings", [
    # A value written in the code is the value sent: checked against the header's schema.
    ("'Api-Key' => $k, 'Idempotency-Key' => '" + "k" * 300 + "'",
     [("out_of_range", "Idempotency-Key", "`Idempotency-Key` must be at most 256 characters (got 300).")]),
    ("'Api-Key' => $k, 'Idempotency-Key' => ''",
     [("out_of_range", "Idempotency-Key", "`Idempotency-Key` must not be empty (got 0).")]),
    ("'Api-Key' => $k, 'Idempotency-Key' => $id, 'Content-Type' => 'text/plain'",
     [("content_type", "Content-Type", "Content-Type is `text/plain`, but this endpoint takes application/json.")]),
    # A value computed at run time is not known: nothing said of it.
    ("'Api-Key' => $k, 'Idempotency-Key' => str_repeat('k', 300)", []),
    ("'Api-Key' => $k, 'Idempotency-Key' => 12345", []),
], ids=["too-long", "empty", "content-type", "computed", "a-number"])
def test_guzzle_header_values_written_in_the_code_are_checked(bridge_specs, headers: str, findings) -> None:
    paste = f"$client->post('https://api.bridge.xyz/v0/customers', ['headers' => [{headers}], {_GUZZLE_JSON}]);"
    (report,) = check_paste(paste, bridge_specs).requests
    assert report.request.source == "guzzle"
    assert [(f.kind, f.field, f.message) for f in report.findings] == findings


def test_guzzle_call_without_headers_lacks_the_key_and_idempotency_key(bridge_specs) -> None:
    # No `headers` option: Guzzle sends none of them (a `headers` from a variable may hold them).
    (report,) = check_paste(f"$client->post('https://api.bridge.xyz/v0/customers', [{_GUZZLE_JSON}]);",
                            bridge_specs).requests
    assert sorted((f.kind, f.field) for f in report.findings) == [
        ("auth_missing", "Api-Key"), ("idempotency_key_missing", "Idempotency-Key")]
    (report,) = check_paste(f"$client->post('https://api.bridge.xyz/v0/customers', ['headers' => $h, {_GUZZLE_JSON}]);",
                            bridge_specs).requests
    assert report.findings == []


@pytest.mark.parametrize("code, sent", [
    ("$client->getAsync('https://api.bridge.xyz/v0/customers', ['headers' => ['Api-Key' => $k]]);",
     [("GET", "https://api.bridge.xyz/v0/customers", None, [("Api-Key", "$k")])]),
    # A Content-Type of the code's own is the one sent with `json` or `form_params`, not a second one.
    ("$client->request('PATCH', 'https://api.bridge.xyz/v0/customers/c1', ['json' => ['email' => 'a@b.co'], "
     "'headers' => ['content-type' => 'application/json; charset=utf-8']]);",
     [("PATCH", "https://api.bridge.xyz/v0/customers/c1", '{"email": "a@b.co"}',
       [("content-type", "application/json; charset=utf-8")])]),
    ("$client->post('https://api.bridge.xyz/v0/customers', ['form_params' => ['type' => 'individual'], "
     "'headers' => ['Content-Type' => 'text/plain']]);",
     [("POST", "https://api.bridge.xyz/v0/customers", "type=individual", [("Content-Type", "text/plain")])]),
    ("$client->post('https://api.bridge.xyz/v0/customers', ['form_params' => ['type' => 'individual']]);",
     [("POST", "https://api.bridge.xyz/v0/customers", "type=individual",
       [("Content-Type", "application/x-www-form-urlencoded")])]),
    # The method or the URL not known, or not HTTP: no request guessed.
    ("$client->request($method, 'https://api.bridge.xyz/v0/customers');", []),
    ("$client->request('POST');", []),
    ("$client->post('ftp://api.bridge.xyz/v0/customers');", []),
    ("$client->post($url, ['json' => []]);", []),
], ids=["get-async", "own-json-type", "own-form-type", "form", "method-unknown", "no-url", "not-http", "url-unknown"])
def test_guzzle_calls_are_read_as_sent(code: str, sent) -> None:
    from bridgebot.check import read_paste

    requests = read_paste(code).requests
    assert [(r.method, r.url, r.body, r.headers) for r in requests] == sent
    assert all(r.source == "guzzle" for r in requests)
