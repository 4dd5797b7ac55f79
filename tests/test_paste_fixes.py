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


def test_a_form_key_with_stray_brackets_is_named_and_the_rest_still_read(stripe_specs) -> None:
    paste = "curl https://api.stripe.com/v1/customers -u $STRIPE_KEY: -d 'metadata[a]b=1' -d email=a@b.co"
    (report,) = check_paste(paste, stripe_specs).requests
    assert report.operation is not None and report.operation.label == "POST /v1/customers"
    assert [(f.kind, f.location, f.field, f.message) for f in report.findings] == [
        ("malformed_body", "body", "metadata[a]b", "The form key `metadata[a]b` mixes brackets in a way that cannot be read.")]


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
])
def test_a_form_body_nests_as_stripe_reads_it_and_names_the_keys_it_cannot(query: str, value, bad) -> None:
    from bridgebot.check.forms import decode_form, parse_pairs

    got, unread = decode_form(parse_pairs(query))
    assert (got, unread) == (value, bad)
    if query.startswith("l["):
        assert got["l"].labels == ["0", "1", "10"]  # the labels the developer wrote, for findings
