"""Behaviours of the checker, the client-code reader and tracking that a one-line break would
silently lose (each named in benchmarks/mutation.md with the break it catches)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bridgebot.check import check_paste
from bridgebot.check import checker as checker_mod
from bridgebot.check.checker import MAX_FINDINGS_PER_REQUEST, check_request
from bridgebot.check.model import PastedRequest, Unresolved
from bridgebot.check.clientcode import TOO_DEEP_MESSAGE
from bridgebot.check.paste import read_paste
from bridgebot.tracking import Store, outbox
from bridgebot.tracking.threads import forget_events_before, mark_event_seen

LIVE = "sk-live-4f3c2b1a0e9d8c7b6a5f4e3d2c1b9f2c"


# --- the checker ---------------------------------------------------------------------------------

def test_findings_per_request_are_capped(bridge_specs) -> None:
    body = {f"unknown_{i}": 1 for i in range(MAX_FINDINGS_PER_REQUEST + 15)}
    req = PastedRequest("POST", "https://api.bridge.xyz/v0/transfers", source="json", body=json.dumps(body),
                        headers=[("Content-Type", "application/json")])
    findings = check_request(req, bridge_specs).findings
    assert MAX_FINDINGS_PER_REQUEST == 30
    assert len(findings) == 30


def test_a_crash_in_one_requests_check_is_contained(bridge_specs, monkeypatch, caplog) -> None:
    real = checker_mod.check_request

    def flaky(req, specs):
        if "wallets" in req.url:
            raise RuntimeError("boom")
        return real(req, specs)

    monkeypatch.setattr(checker_mod, "check_request", flaky)
    text = ("curl https://api.bridge.xyz/v0/wallets -H 'Api-Key: $K'\n\n"
            "curl https://api.bridge.xyz/v0/customers -H 'Api-Key: $K'")
    result = check_paste(text, bridge_specs)
    assert [r.operation.label for r in result.requests] == ["GET /v0/customers"]
    assert result.problems == ["I couldn't check the curl request to https://api.bridge.xyz/v0/wallets: "
                               "that's a bug on our side, and it has been logged."]
    assert "boom" in caplog.text
    assert [r.getMessage() for r in caplog.records if r.name == "bridgebot.check.checker"] == [
        "checking a curl request failed"]


def test_reader_notes_are_redacted(bridge_specs) -> None:
    text = f"curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: {LIVE}' -d @{LIVE}.json"
    result = check_paste(text, bridge_specs)
    notes = result.requests[0].request.notes
    assert notes, "the reader says the body is in a file"
    assert all(LIVE not in n for n in notes) and any("…9f2c" in n for n in notes)


def test_a_secret_in_an_error_message_and_problems_is_redacted(bridge_specs) -> None:
    text = f'{{"code": "invalid_api_key", "message": "Invalid key {LIVE}"}}'
    result = check_paste(text, bridge_specs)
    assert LIVE not in json.dumps(result.to_dict())
    assert result.errors and "…9f2c" in result.errors[0].error.message


def test_a_key_sent_by_basic_auth_to_an_api_key_api_is_named_as_such(bridge_specs) -> None:
    text = f"curl https://api.bridge.xyz/v0/customers -u {LIVE}:"
    (report,) = check_paste(text, bridge_specs).requests
    wrong = [f for f in report.findings if f.kind == "auth_invalid"]
    assert [(f.field, f.message) for f in wrong] == [(
        "basic auth (-u)", "The key is sent as basic auth (-u), but this API expects an `Api-Key` header.")]


def test_a_live_key_in_an_x_api_key_header_sent_to_the_sandbox_is_refused(bridge_specs) -> None:
    text = f"curl https://api.sandbox.bridge.xyz/v0/customers -H 'Api-Key: $BRIDGE_KEY' -H 'X-Api-Key: {LIVE}'"
    (report,) = check_paste(text, bridge_specs).requests
    wrong = [(f.field, f.message) for f in report.findings if f.kind == "auth_invalid"]
    assert wrong == [("X-Api-Key", "A live key is sent to the sandbox (api.sandbox.bridge.xyz): the sandbox "
                                   "only takes test keys (sk-test-…).")]


def test_a_key_in_a_url_built_at_run_time_is_redacted_not_lost(bridge_specs) -> None:
    # A template literal with a variable part: its URL is a run-time value (Unresolved); the key in
    # it is redacted and the rest of the URL is still shown.
    text = ("const r = await fetch(`https://api.bridge.xyz/v0/customers/${id}?api_key=" + LIVE + "`, "
            "{ headers: { 'Api-Key': key } });")
    result = check_paste(text, bridge_specs)
    (shown,) = result.to_dict()["requests"]
    assert shown["url"] == "https://api.bridge.xyz/v0/customers/{var}?api_key=sk-live-…9f2c"
    assert LIVE not in json.dumps(result.to_dict())


# --- client code -------------------------------------------------------------------------------

def test_session_headers_are_not_taken_as_fully_known(bridge_specs) -> None:
    text = ('s = requests.Session()\ns.headers.update({"Api-Key": os.environ["K"]})\n'
            'r = s.post("https://api.bridge.xyz/v0/customers", json={"first_name": "A"})')
    (req,) = read_paste(text).requests
    assert req.headers_known is False
    kinds = [f.kind for f in check_paste(text, bridge_specs).findings]
    assert "auth_missing" not in kinds and "idempotency_key_missing" not in kinds


def test_axios_params_become_the_query(bridge_specs) -> None:
    text = 'axios.get("https://api.bridge.xyz/v0/customers", { params: { limit: 5, emal: "x" }, headers: { "Api-Key": key } })'
    (req,) = read_paste(text).requests
    assert req.url == "https://api.bridge.xyz/v0/customers?limit=5&emal=x"
    assert [(f.kind, f.field) for f in check_paste(text, bridge_specs).findings] == [("unknown_param", "emal")]


def test_a_requests_auth_tuple_is_basic_auth() -> None:
    text = 'requests.get("https://api.stripe.com/v1/charges", auth=("sk_test_abcdefghijklmnop1234", ""))'
    (req,) = read_paste(text).requests
    assert req.basic_auth == "sk_test_abcdefghijklmnop1234:"


def test_php_custom_request_sets_the_method() -> None:
    text = ('```php\n$ch = curl_init();\ncurl_setopt($ch, CURLOPT_URL, "https://api.bridge.xyz/v0/customers/c1");\n'
            'curl_setopt($ch, CURLOPT_CUSTOMREQUEST, "DELETE");\n'
            'curl_setopt($ch, CURLOPT_HTTPHEADER, ["Api-Key: " . $key]);\n$out = curl_exec($ch);\n```')
    (req,) = read_paste(text).requests
    assert (req.method, req.url, req.source) == ("DELETE", "https://api.bridge.xyz/v0/customers/c1", "php")


def test_axios_request_and_patch_send_their_data() -> None:
    text = ("axios.request({ method: 'post', url: 'https://api.bridge.xyz/v0/customers', data: { first_name: 'A' } })\n"
            "axios.patch('https://api.bridge.xyz/v0/customers/c1', { last_name: 'B' }, { headers: { 'Api-Key': key } })")
    got = [(r.method, r.url, r.body_value, [k for k, _ in r.headers]) for r in read_paste(text).requests]
    assert got == [("POST", "https://api.bridge.xyz/v0/customers", {"first_name": "A"}, ["Content-Type"]),
                   ("PATCH", "https://api.bridge.xyz/v0/customers/c1", {"last_name": "B"}, ["Api-Key", "Content-Type"])]


@pytest.mark.parametrize("first", ["fetch(request)", 'fetch("customers")', "fetch(buildUrl(id))"])
def test_a_fetch_of_no_readable_url_is_skipped_and_the_next_one_read(first: str) -> None:
    text = f'{first}\nfetch("https://api.bridge.xyz/v0/customers", {{ method: "POST", body: "{{}}" }})'
    assert [(r.method, r.url) for r in read_paste(text).requests] == [("POST", "https://api.bridge.xyz/v0/customers")]


def test_comments_in_a_js_object_are_skipped() -> None:
    text = ("axios.post('https://api.bridge.xyz/v0/customers', { /* who */ first_name: 'A', // the name\n"
            "  /* and */ last_name: 'B' })")
    (req,) = read_paste(text).requests
    assert req.body_value == {"first_name": "A", "last_name": "B"}


def test_php_postfields_array_is_sent_form_encoded() -> None:
    text = ('$ch = curl_init();\ncurl_setopt($ch, CURLOPT_URL, "https://api.stripe.com/v1/customers");\n'
            'curl_setopt($ch, CURLOPT_POSTFIELDS, array("email" => "a@x.com", "name" => "A B"));')
    (req,) = read_paste(text).requests
    assert (req.method, req.body) == ("POST", "email=a%40x.com&name=A+B")


# --- tracking ---------------------------------------------------------------------------------

@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "bb.db")


def test_event_ids_are_remembered_then_forgotten(store: Store) -> None:
    with store.transaction() as db:
        assert mark_event_seen(db, "Ev1", "message", 100.0) is True
        assert mark_event_seen(db, "Ev1", "message", 101.0) is False
        assert mark_event_seen(db, "Ev2", "message", 200.0) is True
        assert forget_events_before(db, 150.0) == 1
        assert mark_event_seen(db, "Ev1", "message", 300.0) is True
        assert mark_event_seen(db, "Ev2", "message", 300.0) is False


def test_outbox_items_come_back_as_queued_oldest_first_fifty_at_a_time(store: Store) -> None:
    with store.transaction() as db:
        db.execute("INSERT INTO threads (channel_id, thread_ts, author_id, opened_at) VALUES ('C1', '1.1', 'U', 1)")
        first = outbox.enqueue(db, method="chat.postMessage", payload={"text": "héllo …"}, at=5.0, thread_id=1)
        for i in range(60):
            outbox.enqueue(db, method="chat.update", payload={"n": i}, at=6.0)
        items = outbox.due(db, 6.0)
        assert len(items) == 50
        assert (items[0].id, items[0].thread_id, items[0].method, items[0].payload, items[0].attempts) == \
            (first, 1, "chat.postMessage", {"text": "héllo …"}, 0)
        assert (items[1].thread_id, items[1].method, items[1].payload) == (None, "chat.update", {"n": 0})
        assert [i.id for i in items] == sorted(i.id for i in items)
        assert len(outbox.due(db, 6.0, limit=3)) == 3
        assert outbox.pending_post(db, 1) == first
        outbox.replace_payload(db, first, {"text": "new"})
        assert outbox.due(db, 5.0)[0].payload == {"text": "new"}
        outbox.mark_sent(db, first, 7.0, "9.9")
        assert outbox.pending_post(db, 1) is None
        assert outbox.next_due_at(db) == 6.0


def test_outbox_backoff_never_gives_up_and_permanent_errors_stop(store: Store) -> None:
    with store.transaction() as db:
        i = outbox.enqueue(db, method="chat.postMessage", payload={"text": "hi"}, at=10.0, thread_id=None)
        assert [x.id for x in outbox.due(db, 10.0)] == [i]
        assert outbox.due(db, 9.9) == []
        item = outbox.due(db, 10.0)[0]
        assert outbox.mark_retry(db, item, 10.0, "ratelimited") == "pending"
        assert outbox.next_due_at(db) == 10.0 + outbox.BACKOFF[0]
        item = outbox.due(db, 11.0)[0]
        assert item.attempts == 1
        assert outbox.mark_retry(db, item, 11.0, "x" * 900) == "pending"
        assert outbox.next_due_at(db) == 11.0 + outbox.BACKOFF[1]
        assert len(db.execute("SELECT last_error FROM outbox").fetchone()[0]) == 500
        item = outbox.due(db, 13.0)[0]
        assert outbox.mark_retry(db, item, 13.0, "channel_not_found", permanent=True) == "failed"
        assert outbox.due(db, 1e12) == [] and outbox.next_due_at(db) is None
        assert outbox.counts(db) == {"failed": 1}
        # A passing error is retried however many attempts it took, with the backoff capped.
        k = outbox.enqueue(db, method="chat.update", payload={}, at=0.0)
        db.execute("UPDATE outbox SET attempts = 1000 WHERE id = ?", [k])
        assert outbox.mark_retry(db, outbox.due(db, 0.0)[0], 0.0, "timeout") == "pending"
        assert db.execute("SELECT next_attempt_at FROM outbox WHERE id = ?", [k]).fetchone()[0] == outbox.BACKOFF[-1]
        outbox.mark_sent(db, k, 400.0, "1.2")
        assert db.execute("SELECT status, result_ts, attempts, last_error FROM outbox WHERE id = ?",
                          [k]).fetchone() == ("sent", "1.2", 1002, None)


# --- parameter styles, finding locations, button labels ------------------------------------------

def _things_spec(tmp_path: Path, method: str, operation: dict, openapi: str = "3.0.3", **top) -> "SpecSet":
    """A spec of one operation, ``method /things`` on https://api.t.test (``top``: more top-level keys)."""
    from bridgebot.check import SpecSet

    doc = {"openapi": openapi, "info": {"title": "t", "version": "1"}, "servers": [{"url": "https://api.t.test"}],
           "paths": {"/things": {method: {**operation, "responses": {"200": {"description": "ok"}}}}}, **top}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc))
    return SpecSet.load([path], use_cache=False)


def _spec_with_query(tmp_path: Path, param: dict) -> "SpecSet":
    return _things_spec(tmp_path, "get", {"parameters": [param]}, openapi="3.1.0")


@pytest.mark.parametrize("body, findings", [
    ('{"name": "a"}', []),
    ('{"name": ', [("malformed_body", "The body is not valid JSON: Expecting value at line 1 column 9.")]),
    ("name=a", [("malformed_body", "The body is not JSON, but this endpoint takes application/json.")]),
])
def test_a_json_body_the_spec_gives_no_schema_is_still_read_as_json(tmp_path: Path, body: str, findings) -> None:
    specs = _things_spec(tmp_path, "post", {"requestBody": {"content": {"application/json": {}}}})
    req = PastedRequest("POST", "https://api.t.test/things", [("Content-Type", "application/json")], body)
    report = check_request(req, specs)
    assert [(f.kind, f.message) for f in report.findings] == findings


@pytest.mark.parametrize("links, findings", [(30, [("wrong_type", "limit")]), (49, [("wrong_type", "limit")]),
                                             (51, [("unknown_param", "limit")])])
def test_a_parameter_reached_through_a_chain_of_refs_is_checked_up_to_fifty_links(
        tmp_path: Path, links: int, findings: list) -> None:
    # A spec may alias a parameter through other aliases; the chain is followed 50 links deep
    # (a cycle or a hostile spec stops there: the operation then has no such parameter).
    params = {f"p{i}": {"$ref": f"#/components/parameters/p{i + 1}"} for i in range(links)}
    params[f"p{links}"] = {"name": "limit", "in": "query", "schema": {"type": "integer"}}
    specs = _things_spec(tmp_path, "get", {"parameters": [{"$ref": "#/components/parameters/p0"}]},
                         components={"parameters": params})
    report = check_request(PastedRequest("GET", "https://api.t.test/things?limit=ten"), specs)
    assert [(f.kind, f.field) for f in report.findings] == findings


@pytest.mark.parametrize("style, explode, url, want", [
    ("form", False, "ids=a,b", []),
    ("form", False, "ids=a,zz", [("invalid_enum", "ids[1]")]),
    ("pipeDelimited", False, "ids=a%7Cb", []),
    ("spaceDelimited", False, "ids=a%20zz", [("invalid_enum", "ids[1]")]),
    ("form", True, "ids=a&ids=b", []),
    ("form", True, "ids=a,b", [("invalid_enum", "ids[0]")]),  # exploded: `a,b` is one value
])
def test_query_arrays_follow_the_parameters_style_and_explode(tmp_path: Path, style, explode, url, want) -> None:
    specs = _spec_with_query(tmp_path, {"name": "ids", "in": "query", "style": style, "explode": explode,
                                        "schema": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}})
    req = PastedRequest("GET", f"https://api.t.test/things?{url}")
    assert [(f.kind, f.field) for f in check_request(req, specs).findings] == want


def test_a_finding_has_one_of_the_documented_locations() -> None:
    from bridgebot.check.model import LOCATIONS, Finding

    assert LOCATIONS == ("path", "query", "header", "body", "url")
    Finding("wrong_type", "query", "limit", "m")
    with pytest.raises(ValueError, match="unknown finding location 'cookie'"):
        Finding("wrong_type", "cookie", "limit", "m")


@pytest.mark.parametrize("named, location", [("somewhere", "body"), ("query", "query")])
def test_an_error_naming_an_odd_location_gets_the_location_its_kind_implies(bridge_specs, named, location) -> None:
    text = f'{{"code": "invalid_parameters", "message": "bad", "location": "{named}", "name": "amount"}}'
    (err,) = check_paste(text, bridge_specs).errors
    assert [(f.kind, f.location, f.field) for f in err.findings] == [("invalid_format", location, "amount")]


def test_button_labels_are_cut_to_slacks_limit() -> None:
    from bridgebot.render import MAX_BUTTON_TEXT, fit_blocks

    long = "Claim " + "x" * 100
    (block,) = fit_blocks([{"type": "actions", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": long}},
        {"type": "button", "text": {"type": "plain_text", "text": "Resolve"}}]}])
    labels = [e["text"]["text"] for e in block["elements"]]
    assert MAX_BUTTON_TEXT == 75
    assert labels == [long[:74] + "…", "Resolve"]


@pytest.mark.parametrize("kind, value, redacted, message", [
    ("bridge_live_key", "sk-live-abcd", "sk-live-…abcd",
     "A live key (sk-live-…abcd) is visible in this message: rotate it now and delete the message; "
     "a key pasted in a shared channel is compromised."),
    ("stripe_test_key", "sk_test_abcd", "sk_test_…abcd",
     "A test key (sk_test_…abcd) is visible in this message: rotate it and delete the message: "
     "even a test key gives access to your test data."),
    ("authorization", "tok-test-abcd", "…abcd",
     "A test key (…abcd) is visible in this message: rotate it and delete the message: "
     "even a test key gives access to your test data."),
    ("authorization", "abcdefgh", "…efgh",
     "A credential (…efgh) is visible in this message: rotate it now and delete the message; "
     "a key pasted in a shared channel is compromised."),
    ("api_key", "x_live_y", "…_y",
     "A live key (…_y) is visible in this message: rotate it now and delete the message; "
     "a key pasted in a shared channel is compromised."),
])
def test_the_secret_finding_says_what_kind_of_key_and_what_to_do(kind, value, redacted, message) -> None:
    from bridgebot.check.model import Secret, secret_finding

    f = secret_finding(Secret(kind=kind, location="header", redacted=redacted, value=value))
    assert (f.kind, f.location, f.field, f.message, f.expected, f.actual) == (
        "secret_exposed", "header", kind, message, "no credentials in shared channels", redacted)
    assert f.to_dict() == {"kind": "secret_exposed", "location": "header", "field": kind, "message": message,
                           "expected": "no credentials in shared channels", "actual": redacted}


# --- nested form keys (bridgebot/check/forms.py) ----------------------------------------------

from bridgebot.check.forms import decode_form, parse_pairs  # noqa: E402


def decode(text: str):
    return decode_form(parse_pairs(text))


@pytest.mark.parametrize("text, value, bad", [
    ("a=1", {"a": "1"}, []),
    ("a=", {"a": ""}, []),
    ("a=x+y&b=%26", {"a": "x y", "b": "&"}, []),
    ("ids=1&ids=2&ids=3", {"ids": ["1", "2", "3"]}, []),
    ("m[k]=v&m[j]=w", {"m": {"k": "v", "j": "w"}}, []),
    ("a[b][c]=1", {"a": {"b": {"c": "1"}}}, []),
    ("expand[]=a&expand[]=b", {"expand": ["a", "b"]}, []),
    ("items[1][p]=y&items[0][p]=x", {"items": [{"p": "x"}, {"p": "y"}]}, []),
    ("items[0]=a&items[1]=b", {"items": ["a", "b"]}, []),
    ("l[][x]=1&l[][y]=2&l[][x]=3", {"l": [{"x": "1", "y": "2"}, {"x": "3"}]}, []),
    ("a[]b=1", {}, ["a[]b"]),
    ("[x]=1", {}, ["[x]"]),
    ("a[=1", {}, ["a["]),
    ("a=1&a[b]=2", {"a": "1"}, ["a[b]"]),
    ("a[b]=1&a=2", {"a": {"b": "1"}}, ["a"]),
    ("a[]=1&a[b]=2", {"a": ["1"]}, ["a[b]"]),
    ("a[b]=1&a[]=2", {"a": {"b": "1"}}, ["a[]"]),
])
def test_decode_form(text: str, value, bad) -> None:
    assert decode(text) == (value, bad)


def test_lists_keep_the_labels_the_developer_wrote() -> None:
    value, _ = decode("items[2][p]=b&items[10][p]=c&items[0][p]=a")
    assert value["items"] == [{"p": "a"}, {"p": "b"}, {"p": "c"}]
    assert value["items"].labels == ["0", "2", "10"]


def test_blank_values_are_kept() -> None:
    assert parse_pairs("a=&b") == [("a", ""), ("b", "")]


# --- A pasted API error, explained: the finding a specialist reads in the reply, exactly.

_REFUSED = ("The API refused the key: check it belongs to this environment (sandbox keys start sk-test, "
            "production keys sk-live), was not rotated, and is sent in the documented header.")
_NO_KEY = "No API key reached the API: send it in the documented header."
_INVALID = "A field in the request is invalid. The error's source names the field; fix its value."


def _transfers(bridge_specs):
    return bridge_specs.route("POST", "https://api.bridge.xyz/v0/transfers").operation


@pytest.mark.parametrize("error, had_auth, findings, explanation", [
    (dict(status=401), True, [("auth_invalid", "header", "", _REFUSED, None, None)], _REFUSED),
    (dict(status=401), False, [("auth_missing", "header", "", _NO_KEY, None, None)], _NO_KEY),
    (dict(status=401), None, [("auth_invalid", "header", "", _REFUSED, None, None)], _REFUSED),
    (dict(status=401, message="You did not provide an API key"), True,
     [("auth_missing", "header", "", "You did not provide an API key", None, None)], _NO_KEY),
    (dict(status=400, code="invalid_parameters", message="bad", param="Api-Key"), True,
     [("auth_invalid", "header", "Api-Key", "bad", None, "Api-Key")], _REFUSED),
    (dict(status=400, code="invalid_parameters", message="bad", param="authorization"), True,
     [("auth_invalid", "header", "authorization", "bad", None, "authorization")], _REFUSED),
    (dict(status=400, code="invalid_parameters", message="bad", param="X-API-KEY"), True,
     [("auth_invalid", "header", "X-API-KEY", "bad", None, "X-API-KEY")], _REFUSED),
    (dict(status=405), True, [("wrong_method", "url", "", "HTTP 405", None, None)], None),
    (dict(status=415), True, [("content_type", "body", "", "HTTP 415", None, None)], None),
    (dict(status=404), True, [], "Not found: the path or the object id is wrong, or the object lives in the "
                                 "other environment (sandbox vs production)."),
    (dict(status=404, message="Not Found"), True, [("unknown_path", "url", "", "Not Found", None, None)], None),
    (dict(status=400, message="no such customer"), True, [], None),  # a missing object, not a wrong path
    (dict(status=400, message="Idempotency-Key header is required"), True,
     [("idempotency_key_missing", "header", "Idempotency-Key", "Idempotency-Key header is required", None,
       "Idempotency-Key")], None),
    (dict(status=400, message="unrecognized field", param="amout"), True,
     [("unknown_param", "body", "amout", "unrecognized field. Did you mean `amount`?", ["amount"], "amout")], None),
    (dict(status=400, message="unrecognized field.", param="source[curency]"), True,
     [("unknown_param", "body", "source[curency]", "unrecognized field. Did you mean `currency`?", ["currency"],
       "source[curency]")], None),
    (dict(status=400, message="unrecognized field. Did you mean amount?", param="amout"), True,
     [("unknown_param", "body", "amout", "unrecognized field. Did you mean amount?", ["amount"], "amout")], None),
    (dict(status=400, message="unrecognized field", param="zzzzzz"), True,
     [("unknown_param", "body", "zzzzzz", "unrecognized field", None, "zzzzzz")], None),
    (dict(status=400, code="invalid_parameters", message="bad", param="amount, on_behalf_of"), True,
     [("invalid_format", "body", "amount", "bad", None, "amount"),
      ("invalid_format", "body", "on_behalf_of", "bad", None, "on_behalf_of")], _INVALID),
    (dict(status=400, code="invalid_parameters", message="bad", param="amount", location="query"), True,
     [("invalid_format", "query", "amount", "bad", None, "amount")], _INVALID),
    (dict(status=400, code="invalid_parameters", message="currency must be one of usd"), True,
     [("invalid_enum", "body", "", "currency must be one of usd", None, "invalid_parameters")], _INVALID),
    (dict(status=400, code="  invalid_parameters  "), True,
     [("invalid_format", "body", "", _INVALID, None, "invalid_parameters")], _INVALID),
    (dict(status=400, code="x", message="m", kind=""), True, [], None),
    (dict(status=400, code="x", message="m", kind="wrong_type", explanation="what it means"), True,
     [("wrong_type", "body", "", "m", None, "x")], "what it means"),
    (dict(status=403, message="does not have the required permissions", kind="auth_invalid",
          explanation="a restricted key"), True,
     [("auth_invalid", "header", "", "does not have the required permissions", None, None)], "a restricted key"),
    (dict(status=400, message="x" * 1200 + " is required"), True, [], None),  # past 1,000 characters: not read
    (dict(status=400, message="weird"), True, [], None),
    (dict(status=404, message="Unrecognized request URL", param="id", kind="missing_required", method="GET",
          empty_id_path="/v0/transfers/"), True,
     [("missing_required", "body", "id", "`id` was empty: the request went to GET /v0/transfers/ (nothing after "
       "the last slash), so Stripe could not route it to POST /v0/transfers. Check the variable that holds the id.",
       None, "id")], None),
], ids=lambda v: None)
def test_a_pasted_error_becomes_exactly_these_findings(bridge_specs, error, had_auth, findings, explanation) -> None:
    from bridgebot.check.explain import explain_error
    from bridgebot.check.model import PastedError

    got, said = explain_error(PastedError(**error), _transfers(bridge_specs), had_auth)
    assert [(f.kind, f.location, f.field, f.message, f.expected, f.actual) for f in got] == findings
    assert [f.suggestions for f in got] == [tuple(f[4] or ()) for f in findings]
    assert said == explanation


def test_an_unknown_param_this_spec_accepts_says_the_versions_differ(bridge_specs) -> None:
    from bridgebot.check.explain import explain_error
    from bridgebot.check.model import PastedError

    for field in ("amount", "source.currency", "source[currency]", "on_behalf_of"):
        got, said = explain_error(PastedError(status=400, message="unrecognized field", param=field),
                                  _transfers(bridge_specs), True)
        assert got == []
        assert said == (f"The API said `{field}` is unknown, but bridge accepts it for POST /v0/transfers: the API "
                        "version the request ran with differs from this spec's (check the Stripe-Version header, "
                        "the account's default version, or the SDK's pinned version).")
    got, _ = explain_error(PastedError(status=400, message="unrecognized field", param="source.nope"),
                           _transfers(bridge_specs), True)
    assert [(f.kind, f.field) for f in got] == [("unknown_param", "source.nope")]
    # Of two fields named, the one this spec takes is explained, the other is still the request's mistake.
    got, said = explain_error(PastedError(status=400, message="unrecognized field", param="amount, zzzzzz"),
                              _transfers(bridge_specs), True)
    assert [(f.kind, f.field) for f in got] == [("unknown_param", "zzzzzz")]
    assert said.startswith("The API said `amount` is unknown, but bridge accepts it")


def test_an_api_code_is_read_in_that_apis_catalog_first(bridge_specs) -> None:
    from types import SimpleNamespace

    from bridgebot.check.explain import explain_error
    from bridgebot.check.model import PastedError

    own = {"invalid_parameters": SimpleNamespace(kind="wrong_type", explanation="this API's own meaning")}
    got, said = explain_error(PastedError(status=400, code="invalid_parameters", message="bad", param="amount"),
                              _transfers(bridge_specs), True, api_codes=own)
    assert [(f.kind, f.field) for f in got] == [("wrong_type", "amount")] and said == "this API's own meaning"


def _nested_spec(tmp_path: Path):
    """A body with names six levels down and deeper, in array items, anyOf branches, an allOf
    beside an anyOf, and a schema that contains itself."""
    from bridgebot.check import SpecSet

    def obj(**props):
        return {"type": "object", "properties": props}

    deep = obj(golf=obj(hotel=obj(india={"type": "string"})))
    for name in ("foxtrot", "echo", "delta", "charlie", "bravo"):
        deep = obj(**{name: deep})
    body = obj(alpha=deep,
               items_list={"type": "array", "items": obj(inner_name={"type": "string"})},
               choice={"anyOf": [obj(left_name={"type": "string"}), obj(right_name={"type": "string"})]},
               combo={"allOf": [obj(target_name={"type": "string"}),
                                {"anyOf": [obj(other_name={"type": "string"})]}]},
               node={"$ref": "#/components/schemas/Node"},
               forest={"$ref": "#/components/schemas/Tree"})
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "https://api.t.test"}],
           "components": {"schemas": {"Node": obj(label={"type": "string"},
                                                  child={"$ref": "#/components/schemas/Node"}),
                                      # a branch whose items are the schema itself (a tree of arrays)
                                      "Tree": {"anyOf": [obj(twig_name={"type": "string"}),
                                                         {"type": "array",
                                                          "items": {"$ref": "#/components/schemas/Tree"}}]}}},
           "paths": {"/things": {"post": {
               "parameters": [{"name": "expand", "in": "query", "schema": {"type": "string"}}],
               "requestBody": {"content": {"application/json": {"schema": body}}},
               "responses": {"200": {"description": "ok"}}}}}}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc))
    return SpecSet.load([path]).route("POST", "https://api.t.test/things").operation


@pytest.mark.parametrize("field, accepted", [
    ("expand", True), ("expand.more", False), ("[0]", False),
    ("items_list[0][inner_name]", True), ("choice.right_name", True), ("choice.left_name", True),
    ("combo.target_name", True), ("combo.other_name", True), ("node.child.child.label", True),
    ("alpha.bravo.charlie.delta.echo.foxtrot.golf.hotel.india", True), ("node.nope", False),
    ("forest[0][1].twig_name", True), ("forest.nope", False),
])
def test_an_unknown_param_is_checked_against_every_name_the_spec_takes(tmp_path, field, accepted) -> None:
    """The API said a field is unknown: when this spec takes it (in items, any branch, any depth,
    through a schema that contains itself), the versions differ; otherwise it is the request's mistake."""
    from bridgebot.check.explain import explain_error
    from bridgebot.check.model import PastedError

    found, said = explain_error(PastedError(status=400, message="unrecognized field", param=field),
                                _nested_spec(tmp_path), True)
    assert (found == [] and "accepts it" in (said or "")) == accepted
    assert [f.field for f in found] == ([] if accepted else [field])


def test_the_search_for_an_unknown_params_name_reads_at_most_200_schemas(tmp_path) -> None:
    """A field is looked for in at most 200 schemas of one level (a bound on the work a huge spec
    can cause): of 300 anyOf branches, each with its own property, 199 are read after the anyOf itself."""
    from bridgebot.check import SpecSet
    from bridgebot.check.explain import explain_error
    from bridgebot.check.model import PastedError

    branches = [{"type": "object", "properties": {f"opt_{i}": {"type": "string"}}} for i in range(300)]
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "https://api.t.test"}],
           "paths": {"/wide": {"post": {
               "requestBody": {"content": {"application/json": {"schema": {
                   "type": "object", "properties": {"wide": {"anyOf": branches}}}}}},
               "responses": {"200": {"description": "ok"}}}}}}
    (tmp_path / "w.json").write_text(json.dumps(doc))
    op = SpecSet.load([tmp_path / "w.json"]).route("POST", "https://api.t.test/wide").operation
    accepted = [i for i in range(300)
                if explain_error(PastedError(status=400, message="unrecognized field", param=f"wide.opt_{i}"),
                                 op, True)[0] == []]
    assert len(accepted) == 199


@pytest.mark.parametrize("field, suggested", [
    ("inner_nme", "inner_name"), ("rigth_name", "right_name"), ("labl", "label"),
    ("gollf", "golf"),  # six levels down: still a name the spec takes
    ("hotell", None),   # deeper: no longer read for suggestions
    ("expnd", "expand"),
])
def test_an_unknown_param_gets_the_close_names_six_levels_deep(tmp_path, field, suggested) -> None:
    from bridgebot.check.explain import explain_error
    from bridgebot.check.model import PastedError

    op = _nested_spec(tmp_path)
    for _ in range(2):  # the second time from the per-operation cache
        (finding,), _ = explain_error(PastedError(status=400, message="unrecognized field", param=field), op, True)
        assert (finding.expected or [None])[0] == suggested  # the closest first
        assert (finding.message.endswith(f"Did you mean `{suggested}`?")) == (suggested is not None)


def test_header_parameters_openapi_says_to_ignore_are_ignored(tmp_path: Path) -> None:
    # OpenAPI: a header parameter named Accept, Content-Type or Authorization SHALL be ignored
    # (media types and security schemes describe those). A spec that declares them anyway must not
    # make the bot claim a correct request lacks `Accept`, or that `application/json; charset=utf-8`
    # is not `application/json`. Other header parameters are still checked.
    from bridgebot.check import SpecSet

    enum_json = {"type": "string", "enum": ["application/json"]}
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "https://api.t.test"}],
           "paths": {"/things": {"post": {
               "parameters": [{"name": "Accept", "in": "header", "required": True, "schema": enum_json},
                              {"name": "content-type", "in": "header", "required": True, "schema": enum_json},
                              {"name": "AUTHORIZATION", "in": "header", "required": True, "schema": {"type": "string"}},
                              {"name": "X-Api-Version", "in": "header", "required": True, "schema": {"type": "string"}}],
               "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
               "responses": {"200": {"description": "ok"}}}}}}
    (tmp_path / "t.json").write_text(json.dumps(doc))
    specs = SpecSet.load([tmp_path / "t.json"])
    paste = ("curl -X POST https://api.t.test/things -H 'Content-Type: application/json; charset=utf-8' "
             "-d '{\"a\": 1}'")
    findings = check_paste(paste, specs).requests[0].findings
    assert [(f.kind, f.location, f.field) for f in findings] == [("missing_required", "header", "X-Api-Version")]
    ok = paste + " -H 'X-Api-Version: 2'"
    assert check_paste(ok, specs).requests[0].findings == []


# --- the body and query of a request, exactly (bridgebot/check/checker.py) ------------------------

_THING = {"type": "object", "required": ["n"],
          "properties": {"n": {"type": "integer"}, "tags": {"type": "array", "items": {"type": "string"}},
                         "flag": {"type": "boolean"}, "note": {"type": ["string", "null"]}}}
_BODY_DOC = {
    "openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "https://api.t.test"}],
    "paths": {
        "/things": {
            "post": {"requestBody": {"required": True, "content": {"application/json": {"schema": _THING}}},
                     "responses": {"200": {"description": "ok"}}},
            "get": {"parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}},
                                   {"name": "filter", "in": "query", "style": "deepObject", "schema": {
                                       "type": "object", "properties": {"status": {"enum": ["open", "closed"]}}}}],
                    "responses": {"200": {"description": "ok"}}}},
        "/forms": {"post": {"requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": _THING}}},
                            "responses": {"200": {"description": "ok"}}}},
        "/upload": {"post": {"requestBody": {"content": {"multipart/form-data": {"schema": _THING}}},
                             "responses": {"200": {"description": "ok"}}}},
        "/headers": {"get": {"parameters": [
            {"name": "X-Opt", "in": "header", "schema": {"type": "integer"}},
            {"name": "X-Req", "in": "header", "required": True, "schema": {"type": "string", "enum": ["a", "b"]}},
            {"name": "X-Free", "in": "header", "required": True},
            {"name": "idempotency-key", "in": "header", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok"}}}},
        "/search": {"get": {"parameters": [
            {"name": "q", "in": "query", "required": True},
            {"name": "status", "in": "query", "required": True, "schema": {"enum": ["open", "closed"]}},
            {"name": "page", "in": "query", "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "ok"}}}},
        "/either": {"post": {"requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": _THING},
                                                         "application/json": {"schema": _THING}}},
                             "responses": {"200": {"description": "ok"}}}},
        "/things/{id}": {"get": {"parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
            {"name": "expand", "in": "query", "schema": {"type": "array", "items": {"enum": ["owner", "tags"]}}}],
            "responses": {"200": {"description": "ok"}}}},
        "/blob": {"post": {"requestBody": {"content": {"text/*": {"schema": {"type": "string"}}}},
                           "responses": {"200": {"description": "ok"}}}},
        "/any": {"post": {"requestBody": {"required": True, "content": {"*/*": {"schema": {"type": "string"}}}},
                          "responses": {"200": {"description": "ok"}}}},
        "/notes": {"post": {"requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}},
                            "responses": {"200": {"description": "ok"}}}},
        "/loose": {"post": {"requestBody": {"content": {"application/x-www-form-urlencoded": {}}},
                            "responses": {"200": {"description": "ok"}}}},
        "/json-or-form": {"post": {"requestBody": {"content": {"application/json": {"schema": _THING},
                                                               "application/x-www-form-urlencoded": {"schema": _THING}}},
                                   "responses": {"200": {"description": "ok"}}}},
    }}
_JSON = [("Content-Type", "application/json")]


@pytest.fixture(scope="module")
def body_specs(tmp_path_factory: pytest.TempPathFactory):
    from bridgebot.check import SpecSet

    path = tmp_path_factory.mktemp("body") / "t.json"
    path.write_text(json.dumps(_BODY_DOC))
    return SpecSet.load([path])


@pytest.mark.parametrize("req, said", [
    # the Content-Type: left out, or not one the endpoint takes (the body is still checked)
    (PastedRequest("POST", "https://api.t.test/things", source="http", body='{"n": "x"}'),
     [("content_type", "header", "Content-Type", "No Content-Type header: this endpoint takes application/json."),
      ("wrong_type", "body", "n", "`n` must be an integer, got a string `x`.")]),
    (PastedRequest("POST", "https://api.t.test/things", source="http", body='{"n": 1}',
                   headers=[("Content-Type", "text/plain; charset=utf-8")]),
     [("content_type", "header", "Content-Type",
       "Content-Type is `text/plain`, but this endpoint takes application/json.")]),
    (PastedRequest("POST", "https://api.t.test/things", source="http", body='{"n": 1}',
                   headers=[("content-type", "application/vnd.t+json")]), []),
    # an endpoint taking JSON or a form: a body sent without (or with the wrong) Content-Type is read as
    # what it looks like
    (PastedRequest("POST", "https://api.t.test/either", source="http", body='{"n": "x"}'),
     [("content_type", "header", "Content-Type",
       "No Content-Type header: this endpoint takes application/x-www-form-urlencoded or application/json."),
      ("wrong_type", "body", "n", "`n` must be an integer, got a string `x`.")]),
    (PastedRequest("POST", "https://api.t.test/either", source="http", body='{"n": 1}',
                   headers=[("Content-Type", "text/plain")]),
     [("content_type", "header", "Content-Type",
       "Content-Type is `text/plain`, but this endpoint takes application/x-www-form-urlencoded or application/json.")]),
    (PastedRequest("POST", "https://api.t.test/either", source="http", body="n=1&flag=true",
                   headers=[("Content-Type", "text/plain")]),
     [("content_type", "header", "Content-Type",
       "Content-Type is `text/plain`, but this endpoint takes application/x-www-form-urlencoded or application/json.")]),
    # ... whichever of the two the endpoint lists first
    (PastedRequest("POST", "https://api.t.test/json-or-form", source="http", body="n=x&flag=true",
                   headers=[("Content-Type", "text/plain")]),
     [("content_type", "header", "Content-Type",
       "Content-Type is `text/plain`, but this endpoint takes application/json or application/x-www-form-urlencoded."),
      ("wrong_type", "body", "n", "`n` must be an integer, got a string `x`.")]),
    (PastedRequest("POST", "https://api.t.test/either", source="http", body="n=x",
                   headers=[("Content-Type", "application/json; charset=utf-8")]),
     [("malformed_body", "body", "", "The body is not JSON, but this endpoint takes application/json.")]),
    # a body read from client code is JSON data: a string is not an integer there
    (PastedRequest("POST", "https://api.t.test/things", source="fetch", body_value={"n": "5"}, headers=_JSON),
     [("wrong_type", "body", "n", "`n` must be an integer, got a string `5`.")]),
    (PastedRequest("POST", "https://api.t.test/things", source="fetch", body_value={"n": 5, "tags": "a"},
                   headers=_JSON),
     [("wrong_type", "body", "tags", "`tags` must be an array, got a string `a`.")]),
    (PastedRequest("POST", "https://api.t.test/things", source="fetch", body_value=Unresolved("payload"),
                   headers=_JSON), []),
    # the same value sent as a form is a string on the wire, cast per the schema
    (PastedRequest("POST", "https://api.t.test/forms", source="curl", body="n=5&tags[]=a",
                   headers=[("Content-Type", "application/x-www-form-urlencoded")]), []),
    (PastedRequest("POST", "https://api.t.test/forms", source="curl", body="n=x&tags=a",
                   headers=[("Content-Type", "application/x-www-form-urlencoded")]),
     [("wrong_type", "body", "n", "`n` must be an integer, got a string `x`."),
      ("wrong_type", "body", "tags", "`tags` must be an array, got a string `a`. "
                                     "Send a list as `tags[]=…` (or `tags[0]=…`).")]),
    (PastedRequest("POST", "https://api.t.test/forms", source="curl", body="n=1&tags[]x=a",
                   headers=[("Content-Type", "application/x-www-form-urlencoded")]),
     [("malformed_body", "body", "tags[]x", "The form key `tags[]x` mixes brackets in a way that cannot be read.")]),
    # JSON shown for a form-only endpoint is a rendering of the form: checked as the form it was
    (PastedRequest("POST", "https://api.t.test/forms", source="json", body='{"n": "5", "tags": {"0": "a"}}'), []),
    # ... but not for an endpoint that also takes JSON: there the JSON is the body, and "5" a string
    (PastedRequest("POST", "https://api.t.test/either", source="json", body='{"n": "5"}', headers=_JSON),
     [("wrong_type", "body", "n", "`n` must be an integer, got a string `5`.")]),
    # a form-only endpoint with no schema for its form: anything shown as JSON is taken as it is
    (PastedRequest("POST", "https://api.t.test/loose", source="json", body='{"n": "x", "tags": [1]}'), []),
    # bodies that cannot be checked, and bodies that should not be there
    (PastedRequest("POST", "https://api.t.test/things", source="http", body='{"n": 1,', headers=_JSON),
     [("malformed_body", "body", "", "The body is not valid JSON: Expecting property name enclosed in double "
                                     "quotes at line 1 column 9.")]),
    (PastedRequest("POST", "https://api.t.test/things", source="http", body="n=1", headers=_JSON),
     [("malformed_body", "body", "", "The body is not JSON, but this endpoint takes application/json.")]),
    (PastedRequest("POST", "https://api.t.test/things", source="http", body="{", headers=_JSON,
                   body_error="unterminated object"),
     [("malformed_body", "body", "", "The body is not valid JSON: unterminated object.")]),
    (PastedRequest("POST", "https://api.t.test/things", source="fetch", body="?", headers=_JSON,
                   body_error=TOO_DEEP_MESSAGE),
     [("malformed_body", "body", "", "The body is nested more than 64 levels deep, so it was not checked: no API "
                                     "body is that deep.")]),
    (PastedRequest("POST", "https://api.t.test/things", source="http", headers=_JSON),
     [("missing_required", "body", "", "POST /things needs a request body (application/json).")]),
    (PastedRequest("POST", "https://api.t.test/forms", source="http"), []),
    (PastedRequest("GET", "https://api.t.test/things", source="http", body='{"limit": 1}'),
     [("malformed_body", "body", "", "GET /things takes no body; send these as query parameters (curl -G) "
                                     "instead.")]),
    (PastedRequest("POST", "https://api.t.test/things", source="http", body="  \n ", headers=_JSON),
     [("missing_required", "body", "", "POST /things needs a request body (application/json).")]),
    (PastedRequest("POST", "https://api.t.test/things", source="http", form_fields=[]),
     [("missing_required", "body", "", "POST /things needs a request body (application/json).")]),
    (PastedRequest("POST", "https://api.t.test/things", source="fetch", body_value={}, headers=_JSON),
     [("missing_required", "body", "n", "`n` is required but missing (expected integer).")]),
    (PastedRequest("POST", "https://api.t.test/blob", source="http", body="a,b", headers=[("Content-Type", "text/csv")]),
     []),
    (PastedRequest("POST", "https://api.t.test/blob", source="http", body="<a/>",
                   headers=[("Content-Type", "application/xml")]),
     [("content_type", "header", "Content-Type", "Content-Type is `application/xml`, but this endpoint takes text/*.")]),
    (PastedRequest("POST", "https://api.t.test/any", source="http", body="\x89PNG",
                   headers=[("Content-Type", "image/png")]), []),
    (PastedRequest("POST", "https://api.t.test/notes", source="http", body="anything at all",
                   headers=[("Content-Type", "text/plain")]), []),
    (PastedRequest("POST", "https://api.t.test/things", source="http", body="[" * 100_000, headers=_JSON),
     [("malformed_body", "body", "", "The JSON body is nested more than 64 levels deep.")]),
    # curl -F: a multipart form, cast like any form
    (PastedRequest("POST", "https://api.t.test/upload", form_fields=[("n", "7"), ("tags[0]", "a"), ("flag", "true")]),
     []),
    (PastedRequest("POST", "https://api.t.test/upload", form_fields=[("n", "x"), ("tags[]x", "a")]),
     [("wrong_type", "body", "n", "`n` must be an integer, got a string `x`."),
      ("malformed_body", "body", "tags[]x", "The form key `tags[]x` mixes brackets in a way that cannot be read.")]),
    # -F fields and a -d body both given: the body is what is checked
    (PastedRequest("POST", "https://api.t.test/upload", source="curl", form_fields=[("n", "7")], body="n=x",
                   headers=[("Content-Type", "multipart/form-data")]),
     [("wrong_type", "body", "n", "`n` must be an integer, got a string `x`.")]),
    # JSON data shown for a form-only endpoint: every value as the form sends it
    (PastedRequest("POST", "https://api.t.test/forms", source="json",
                   body_value={"n": 5, "tags": ["a", 7], "flag": True, "note": None}), []),
    (PastedRequest("POST", "https://api.t.test/forms", source="json", body_value={"n": Unresolved("n"), "flag": False}),
     []),
    (PastedRequest("POST", "https://api.t.test/forms", source="json", body_value={"n": None, "flag": "yes"}),
     [("wrong_type", "body", "n", "`n` must not be null; expected integer"),
      ("wrong_type", "body", "flag", "`flag` must be a boolean, got a string `yes`.")]),
    (PastedRequest("POST", "https://api.t.test/forms", source="json", body="[1, 2]"),
     [("content_type", "header", "Content-Type",
       "No Content-Type header: this endpoint takes application/x-www-form-urlencoded."),
      ("wrong_type", "body", "", "`` must be an object, got an array `[1, 2]`.")]),
    (PastedRequest("POST", "https://api.t.test/forms", source="json", body='{"n": '),
     [("content_type", "header", "Content-Type",
       "No Content-Type header: this endpoint takes application/x-www-form-urlencoded."),
      ("malformed_body", "body", "", "The body is not valid JSON: Expecting value at line 1 column 6.")]),
    # header parameters: required ones named, optional ones checked only when sent
    (PastedRequest("GET", "https://api.t.test/headers", source="http"),
     [("missing_required", "header", "X-Req", "Header `X-Req` is required."),
      ("missing_required", "header", "X-Free", "Header `X-Free` is required."),
      ("idempotency_key_missing", "header", "idempotency-key",
       "GET /headers needs an `Idempotency-Key` header (a new UUID per request; reuse it only to retry the same "
       "request).")]),
    (PastedRequest("GET", "https://api.t.test/headers", source="http",
                   headers=[("x-opt", "x"), ("X-Req", "c"), ("X-Free", "{}"), ("Idempotency-Key", "k")]),
     [("wrong_type", "header", "X-Opt", "`X-Opt` must be an integer, got a string `x`."),
      ("invalid_enum", "header", "X-Req", "`X-Req` is `c`, which is not one of `a`, `b`.")]),
    (PastedRequest("GET", "https://api.t.test/headers", source="http",
                   headers=[("X-Opt", "5"), ("X-Req", "a"), ("X-Free", "1"), ("Idempotency-Key", "k")]), []),
    (PastedRequest("GET", "https://api.t.test/headers", source="fetch", headers_known=False), []),
    (PastedRequest("GET", "https://api.t.test/headers", source="json"), []),
    # the path, and a query given as data by SDK code (its run-time values left alone)
    (PastedRequest("GET", "https://api.t.test/things/abc?expand=owner&expand=tagz", source="http"),
     [("wrong_type", "path", "id", "`id` must be an integer, got a string `abc`."),
      ("invalid_enum", "query", "expand[1]", "`expand[1]` is `tagz`, which is not one of `owner`, `tags`. "
                                             "Did you mean `tags`?")]),
    (PastedRequest("GET", "https://api.t.test/things/{id}?expand=tags", source="http"), []),
    (PastedRequest("GET", "https://api.t.test/things/7?expand=owner", source="http"), []),
    (PastedRequest("GET", "https://api.t.test/things?limit=1&limit=x", source="http"),
     [("wrong_type", "query", "limit", '`limit` must be an integer, got an array `["1", "x"]`.')]),
    (PastedRequest("GET", "https://api.t.test/things?limit=1", source="sdk",
                   query_value={"limit": "many", "limt": Unresolved("n"), "page": 2}),
     [("wrong_type", "query", "limit", "`limit` must be an integer, got a string `many`."),
      ("unknown_param", "query", "page", "Unknown query parameter `page`.")]),
    # the query string
    (PastedRequest("GET", "https://api.t.test/search", source="http"),
     [("missing_required", "query", "q", "Query parameter `q` is required."),
      ("missing_required", "query", "status", "Query parameter `status` is required (one of open, closed).")]),
    (PastedRequest("GET", "https://api.t.test/search?q=%7B%7D&status=closed&page=2", source="http"), []),
    (PastedRequest("GET", "https://api.t.test/things?limit=x&limt=2&a[]b=1", source="http"),
     [("wrong_type", "query", "limit", "`limit` must be an integer, got a string `x`."),
      ("unknown_param", "query", "limt", "Unknown query parameter `limt`. Did you mean `limit`?"),
      ("malformed_body", "query", "a[]b", "The query key `a[]b` mixes brackets in a way that cannot be read.")]),
    (PastedRequest("GET", "https://api.t.test/things?filter[status]=shut&filter[stat]=open", source="http"),
     [("invalid_enum", "query", "filter[status]", "`filter[status]` is `shut`, which is not one of `open`, `closed`."),
      ("unknown_param", "query", "filter[stat]", "Unknown field `filter[stat]` in `filter`. Did you mean "
                                                 "`filter[status]`?")]),
])
def test_a_requests_body_and_query_get_exactly_these_findings(body_specs, req, said) -> None:
    findings = check_request(req, body_specs).findings
    assert [(f.kind, f.location, f.field, f.message) for f in findings] == said


# --- every kind of security scheme: present, missing, or a key sent the wrong way ---------------

_SCHEMES = {
    "queryKey": {"type": "apiKey", "in": "query", "name": "api_key"},
    "cookieKey": {"type": "apiKey", "in": "cookie", "name": "session"},
    "headerKey": {"type": "apiKey", "in": "header", "name": "X-Key"},
    "digestAuth": {"type": "http", "scheme": "digest"},
    "basicAuth": {"type": "http", "scheme": "Basic"},
    "bearerAuth": {"type": "http", "scheme": "bearer"},
    "oauth": {"type": "oauth2", "flows": {}},
    "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://t.test/.well-known"},
    "mtls": {"type": "mutualTLS"},
}
_SECURED = {"/q": [{"queryKey": []}], "/c": [{"cookieKey": []}], "/d": [{"digestAuth": []}],
            "/o": [{"oauth": []}], "/i": [{"oidc": []}], "/b": [{"basicAuth": []}], "/t": [{"bearerAuth": []}],
            "/both": [{"bearerAuth": [], "headerKey": []}], "/alt": [{"basicAuth": []}, {"headerKey": []}],
            "/m": [{"mtls": []}], "/open": []}


@pytest.fixture(scope="module")
def auth_specs(tmp_path_factory: pytest.TempPathFactory):
    from bridgebot.check import SpecSet

    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "https://api.t.test"}],
           "components": {"securitySchemes": _SCHEMES},
           "paths": {p: {"get": {"security": sec, "responses": {"200": {"description": "ok"}}}}
                     for p, sec in _SECURED.items()}}
    path = tmp_path_factory.mktemp("auth") / "t.json"
    path.write_text(json.dumps(doc))
    return SpecSet.load([path])


_NO_CREDENTIALS = "No credentials: this endpoint needs "


@pytest.mark.parametrize("path, headers, basic, said", [
    ("/q?api_key=k", [], None, []),  # the key in the query is not an unknown query parameter
    ("/q?apikey=k", [], None, [
        ("unknown_param", "apikey", "Unknown query parameter `apikey`."),
        ("auth_missing", "api_key", _NO_CREDENTIALS + "an `api_key` query.")]),
    # Only the key's own name with a value sends it: not a longer name holding it, not an empty value.
    ("/q?my_api_key=k", [], None, [
        ("unknown_param", "my_api_key", "Unknown query parameter `my_api_key`."),
        ("auth_missing", "api_key", _NO_CREDENTIALS + "an `api_key` query.")]),
    ("/q?api_key=", [], None, [("auth_missing", "api_key", _NO_CREDENTIALS + "an `api_key` query.")]),
    ("/q?page=2&api_key=k#top", [], None, [("unknown_param", "page", "Unknown query parameter `page`.")]),
    # The fragment is not part of the query: `?api_key=#top` sends an empty key.
    ("/q?api_key=#top", [], None, [("auth_missing", "api_key", _NO_CREDENTIALS + "an `api_key` query.")]),
    # A client certificate (mutualTLS) never shows in a paste: it is not claimed missing.
    ("/m", [], None, []),
    ("/c", [("Cookie", "theme=dark; session=abc")], None, []),
    ("/c", [("Cookie", "theme=dark; oldsession=abc")], None, [
        ("auth_missing", "session", _NO_CREDENTIALS + "an `session` cookie.")]),
    ("/c", [("Cookie", "session=; theme=dark")], None, [
        ("auth_missing", "session", _NO_CREDENTIALS + "an `session` cookie.")]),
    ("/c", [("Cookie", "theme=dark")], None, [("auth_missing", "session", _NO_CREDENTIALS + "an `session` cookie.")]),
    ("/d", [("Authorization", "Digest username=a")], None, []),
    ("/d", [], None, [("auth_missing", "Authorization", _NO_CREDENTIALS + "digestAuth (http).")]),
    ("/d", [("Authorization", "   ")], None, [
        ("auth_invalid", "Authorization", "The key is sent as Authorization, but this API expects digestAuth (http).")]),
    ("/o", [("authorization", "bearer tok")], None, []),
    ("/o", [("Authorization", "Basic abc")], None, [
        ("auth_invalid", "Authorization", "The key is sent as Authorization, but this API expects oauth (oauth2).")]),
    ("/o", [], None, [("auth_missing", "Authorization", _NO_CREDENTIALS + "oauth (oauth2).")]),
    ("/i", [("Authorization", "Bearer tok")], None, []),
    ("/i", [("Api-Key", "k")], None, [
        ("auth_invalid", "Api-Key", "The key is sent as Api-Key, but this API expects oidc (openIdConnect).")]),
    ("/b", [], "k:", []),
    ("/b", [("Authorization", "basic azo=")], None, []),
    ("/b", [("X-Api-Key", "k")], None, [
        ("auth_invalid", "X-Api-Key", "The key is sent as X-Api-Key, but this API expects HTTP Basic auth (`-u KEY:`).")]),
    ("/t", [("Authorization", "Bearer tok")], None, []),
    ("/t", [("Authorization", "Bearer ")], None, [
        ("auth_invalid", "Authorization", "The key is sent as Authorization, but this API expects "
                                          "`Authorization: Bearer <key>`.")]),
    ("/t", [], "k:", [
        ("auth_invalid", "basic auth (-u)", "The key is sent as basic auth (-u), but this API expects "
                                            "`Authorization: Bearer <key>`.")]),
    ("/both", [("Authorization", "Bearer tok"), ("X-Key", "k")], None, []),
    ("/both", [("Authorization", "Bearer tok"), ("X-Key", " ")], None, [
        ("auth_invalid", "Authorization", "The key is sent as Authorization, but this API expects "
                                          "`Authorization: Bearer <key>` + an `X-Key` header.")]),
    ("/alt", [("X-Key", "k")], None, []),
    ("/alt", [("Authorization", "Bearer tok")], None, [
        ("auth_invalid", "Authorization", "The key is sent as Authorization, but this API expects HTTP Basic auth "
                                          "(`-u KEY:`) or an `X-Key` header.")]),
    ("/alt", [], None, [
        ("auth_missing", "Authorization", _NO_CREDENTIALS + "HTTP Basic auth (`-u KEY:`) or an `X-Key` header.")]),
    ("/open", [], None, []),
])
def test_each_security_scheme_is_found_or_named(auth_specs, path, headers, basic, said) -> None:
    req = PastedRequest("GET", f"https://api.t.test{path}", headers=headers, basic_auth=basic, source="http")
    findings = check_request(req, auth_specs).findings
    assert [(f.kind, f.field, f.message) for f in findings] == said
    for f in findings:
        if f.kind.startswith("auth"):
            # what the API takes, one entry per alternative; what was sent, when something was
            alternatives = f.message.rstrip(".").split(" expects ")[-1].split(" needs ")[-1]
            assert (f.location, f.expected, f.actual) == (
                "header", alternatives.split(" or "), f.field if f.kind == "auth_invalid" else None)


@pytest.mark.parametrize("query, said", [
    ({"api_key": "k"}, []),
    ({"api_key": Unresolved("key")}, []),  # a key from a variable is still sent
    ({"apiKey": "k"}, [("unknown_param", "apiKey"), ("auth_missing", "api_key")]),
])
def test_a_query_key_given_to_sdk_code_as_data_is_sent(auth_specs, query, said) -> None:
    # SDK readers hand query parameters over as data (query_value), not in the URL.
    req = PastedRequest("GET", "https://api.t.test/q", query_value=query, source="sdk")
    assert [(f.kind, f.field) for f in check_request(req, auth_specs).findings] == said


@pytest.mark.parametrize("method, url, label, findings", [
    ("GET", "${BASE}/v0/customers?limit=x", "GET /v0/customers", [("wrong_type", "limit")]),
    ("GET", "${BASE}/customers?limit=x#top", "GET /v0/customers", [("wrong_type", "limit")]),  # under the base path
    ("GET", "${BASE}/v0/nowhere", None, []),
    ("PUT", "${BASE}/v0/customers", None, [("wrong_method", "method")]),
])
def test_a_request_whose_base_url_is_computed_is_routed_by_its_path(bridge_specs, method, url, label, findings) -> None:
    req = PastedRequest(method, url, source="fetch", url_partial=True, headers=[("Api-Key", "k")])
    report = check_request(req, bridge_specs)
    assert (report.operation.label if report.operation else None) == label
    assert [(f.kind, f.field) for f in report.findings] == findings
    assert req.notes == ([] if label or findings else ["the base URL is computed at run time and the path matches no endpoint, "
                                           "so I could not tell which endpoint this is"])


def test_a_value_holding_a_key_is_redacted_and_keeps_its_shape(bridge_specs) -> None:
    # A finding's `actual` can be an object the developer sent: with a key in the paste, every
    # string in it is redacted, and its keys and nesting stay as sent.
    body = json.dumps({"amount": {"value": "10", "note": LIVE, "tags": [LIVE, "x"]}})
    text = f"curl -X POST https://api.bridge.xyz/v0/transfers -H 'Api-Key: {LIVE}' -H 'Content-Type: application/json' -d '{body}'"
    result = check_paste(text, bridge_specs)
    (wrong,) = [f for f in result.findings if f.field == "amount"]
    assert wrong.kind == "wrong_type"
    assert wrong.actual == {"value": "10", "note": "sk-live-…9f2c", "tags": ["sk-live-…9f2c", "x"]}
    assert LIVE not in json.dumps(result.to_dict())


def test_a_missing_parameter_or_body_says_what_it_takes(body_specs) -> None:
    search = check_request(PastedRequest("GET", "https://api.t.test/search", source="http"), body_specs).findings
    assert [(f.field, f.expected, f.actual) for f in search] == [("q", None, None), ("status", "one of open, closed", None)]
    things = check_request(PastedRequest("POST", "https://api.t.test/things", source="http"), body_specs).findings
    assert [(f.expected, f.actual) for f in things] == [(["application/json"], None)]
    typed = check_request(PastedRequest("POST", "https://api.t.test/things", source="http", body='{"n": 1}',
                                        headers=[("Content-Type", "text/xml")]), body_specs).findings
    assert [(f.expected, f.actual) for f in typed] == [(["application/json"], "text/xml")]
    headers = check_request(PastedRequest("GET", "https://api.t.test/headers", source="http"), body_specs).findings
    assert [f.expected for f in headers] == ["X-Req", "X-Free", "Idempotency-Key: <uuid>"]


_TEST_KEY = "sk-test-0a1b2c3d4e5f6a7b8c9d0e1f2a3b"
_TO_SANDBOX = ("A live key is sent to the sandbox (api.sandbox.bridge.xyz): the sandbox only takes test keys "
               "(sk-test-…).")
_TO_PRODUCTION = ("A test key is sent to production (api.bridge.xyz): production only takes live keys (sk-live-…); "
                  "use the sandbox host for test keys.")


@pytest.mark.parametrize("host, headers, basic, said", [
    ("api.sandbox.bridge.xyz", [("Api-Key", LIVE)], None, [("Api-Key", _TO_SANDBOX, "a test key", "a live key")]),
    ("api.sandbox.bridge.xyz:443", [("Api-Key", LIVE)], None, [("Api-Key", _TO_SANDBOX, "a test key", "a live key")]),
    ("api.bridge.xyz", [("api-key", _TEST_KEY)], None, [("api-key", _TO_PRODUCTION, "a live key", "a test key")]),
    ("api.bridge.xyz", [("Api-Key", "$KEY"), ("Authorization", f"Bearer {_TEST_KEY.replace('-', '_')}")], None,
     [("Authorization", _TO_PRODUCTION, "a live key", "a test key")]),
    ("api.sandbox.bridge.xyz", [("Api-Key", "$KEY")], f"{LIVE}:", [("-u", _TO_SANDBOX, "a test key", "a live key")]),
    ("api.sandbox.bridge.xyz", [("Api-Key", _TEST_KEY), ("X-Api-Key", LIVE)], None,
     [("X-Api-Key", _TO_SANDBOX, "a test key", "a live key")]),
    ("api.sandbox.bridge.xyz", [("Api-Key", _TEST_KEY), ("X-Other", LIVE)], None, []),  # not a credential header
    ("api.sandbox.bridge.xyz", [("Api-Key", _TEST_KEY)], None, []),
    ("api.bridge.xyz", [("Api-Key", LIVE)], None, []),
    ("api.bridge.xyz", [("Api-Key", "xsk-test-0a1b2c3d4e5f6a7b8c9d")], None, []),  # no key prefix at a word start
])
def test_a_key_sent_to_the_other_environment_is_named(bridge_specs, host, headers, basic, said) -> None:
    req = PastedRequest("GET", f"https://{host}/v0/customers", headers=headers, basic_auth=basic, source="http")
    findings = check_request(req, bridge_specs).findings
    assert [(f.field, f.message, f.expected, f.actual) for f in findings] == said
    assert {(f.kind, f.location) for f in findings} <= {("auth_invalid", "header")}


@pytest.mark.parametrize("req, found", [
    (PastedRequest("POST", "https://api.t.test/things", source="http", body="{", headers=_JSON, body_error="bad"),
     [("malformed_body", "valid JSON", None)]),
    (PastedRequest("POST", "https://api.t.test/things", source="http", body='{"n": 1,', headers=_JSON),
     [("malformed_body", "valid JSON", None)]),
    (PastedRequest("POST", "https://api.t.test/things", source="http", body="n=" + "1" * 50, headers=_JSON),
     [("malformed_body", "a JSON object", "n=" + "1" * 38)]),
    (PastedRequest("GET", "https://api.t.test/things", source="http", body="{}"), [("malformed_body", None, "body")]),
    (PastedRequest("POST", "https://api.t.test/things", source="fetch", body="?", headers=_JSON,
                   body_error=TOO_DEEP_MESSAGE),
     [("malformed_body", "at most 64 levels", None)]),
    (PastedRequest("POST", "https://api.t.test/things", source="http", body='{"n": 1}'),
     [("content_type", ["application/json"], None)]),
    (PastedRequest("POST", "https://api.t.test/things", source="http", body='{"n": 1}',
                   headers=[("Content-Type", "text/plain")]),
     [("content_type", ["application/json"], "text/plain")]),
])
def test_a_body_finding_says_what_was_expected_and_what_was_sent(body_specs, req, found) -> None:
    findings = check_request(req, body_specs).findings
    assert [(f.kind, f.expected, f.actual) for f in findings] == found


def test_a_write_through_a_client_built_without_credentials_says_so(body_specs) -> None:
    made = 'new GitHubClient(new ProductHeaderValue("my-app"))' + " " * 200 + "tail"
    write = PastedRequest("POST", "https://api.t.test/forms", source="sdk", headers_known=False, anonymous_client=made)
    (finding,) = check_request(write, body_specs).findings
    assert (finding.kind, finding.location, finding.field, finding.expected, finding.actual) == (
        "auth_missing", "header", "Authorization", ["a token (the client's credentials)"], None)
    assert finding.message == (f"The client is built without credentials (`{made[:120]}`) and none are given to it "
                               "in this paste, so this call is sent unauthenticated: give the client a token.")
    read = PastedRequest("GET", "https://api.t.test/things", source="sdk", headers_known=False, anonymous_client=made)
    assert check_request(read, body_specs).findings == []
    shown = PastedRequest("POST", "https://api.t.test/forms", source="sdk", anonymous_client=made)
    assert check_request(shown, body_specs).findings == []  # headers shown: the spec's own auth rules apply


def test_each_error_is_read_with_the_request_just_before_it(bridge_specs) -> None:
    # An error without a URL belongs to the request pasted just before it (the first request when
    # none is before it), and whether that request sent a key decides how a 401 is explained.
    unauthorized = 'HTTP/1.1 401 Unauthorized\n\n{"message": "nope"}'
    text = "\n\n".join([
        '{"code": "invalid_parameters", "message": "bad zero"}',
        "curl https://api.bridge.xyz/v0/wallets -H 'Api-Key: $K'",
        unauthorized,
        "curl -X POST https://api.bridge.xyz/v0/transfers -H 'Content-Type: application/json' -d '{}'",
        unauthorized,
    ])
    result = check_paste(text, bridge_specs)
    assert [(e.operation.label, e.evidence, [(f.kind, f.message) for f in e.findings]) for e in result.errors] == [
        ("GET /v0/wallets", "nearest_request", [("invalid_format", "bad zero")]),
        ("GET /v0/wallets", "nearest_request", [("auth_invalid", _REFUSED)]),
        ("POST /v0/transfers", "nearest_request", [("auth_missing", _NO_KEY)]),
    ]


def test_a_key_is_reported_first_on_the_request_that_holds_it(bridge_specs) -> None:
    # A key sent by -u or in a -F form field is found in that request (not the first one), and its
    # finding comes first there.
    other = LIVE[:-4] + "abcd"
    text = (f"curl https://api.bridge.xyz/v0/customers -H 'Api-Key: $K'\n\n"
            f"curl https://api.bridge.xyz/v0/wallets -u {LIVE}:\n\n"
            f"curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: $K' -F 'note={other}'\n")
    result = check_paste(text, bridge_specs)
    assert [[(f.kind, f.field) for f in r.findings][:2] for r in result.requests] == [
        [], [("secret_exposed", "-u"), ("auth_invalid", "basic auth (-u)")],
        [("secret_exposed", "note"), ("idempotency_key_missing", "Idempotency-Key")]]
    assert [r.findings[0].actual for r in result.requests[1:]] == ["sk-live-…9f2c", "sk-live-…abcd"]


@pytest.mark.parametrize("content_type, body, said, path", [
    (None, '{"name": 5}', [("wrong_type", "name")], "/user/repos"),
    ("application/x-www-form-urlencoded", '{"name": 5}', [("wrong_type", "name")], "/user/repos"),  # curl -d's default
    ("text/plain", '{"name": "r"}', [("content_type", "Content-Type")], "/user/repos"),
    (None, "name=r", [("content_type", "Content-Type"), ("malformed_body", "")], "/user/repos"),
    ("application/x-www-form-urlencoded", "name=r", [("content_type", "Content-Type"), ("malformed_body", "")], "/user/repos"),
    # an endpoint that takes no JSON at all (text/plain, text/x-markdown): the JSON is not read as its body
    (None, '{"text": "x"}', [("content_type", "Content-Type")], "/markdown/raw"),
])
def test_github_reads_a_json_body_sent_without_its_content_type(github_specs, content_type, body, said, path) -> None:
    # GitHub parses a JSON body whatever form Content-Type (or none) came with it; not other types,
    # and not a body that is not JSON.
    headers = [("Authorization", "token x")] + ([("Content-Type", content_type)] if content_type else [])
    req = PastedRequest("POST", f"https://api.github.com{path}", headers=headers, body=body, source="http")
    assert [(f.kind, f.field) for f in check_request(req, github_specs).findings] == said


@pytest.mark.parametrize("text, status", [
    ('{"status": true, "statusCode": 422, "code": "invalid_parameters", "message": "Invalid"}', 422),
    ('{"status": true, "statusCode": 402, "error": {"type": "card_error", "message": "declined", '
     '"code": "card_declined"}}', 402),
    ('{"status": false, "code": "invalid_parameters", "message": "Invalid"}', None),
])
def test_a_json_true_or_false_status_is_no_http_status(text: str, status) -> None:
    # Some APIs send "status": true/false for success; it is not status 1 (it hid the statusCode).
    assert [e.status for _, e in read_paste(text).errors] == [status]


@pytest.mark.parametrize("key", ["request_id", "requestId"])
def test_the_request_id_an_error_body_carries_is_kept_whatever_its_form(key: str) -> None:
    # Not only Stripe's req_… ids (found in the text): the id the body names under either spelling.
    text = f'{{"code": "invalid_parameters", "message": "bad", "{key}": "abc-123"}}'
    assert [e.request_id for _, e in read_paste(text).errors] == ["abc-123"]


def test_a_raw_requests_broken_json_body_is_kept_whole_to_the_end_of_the_paste() -> None:
    # Unfenced, nothing after it: the malformed body runs to the paste's last character.
    text = ("POST /v0/customers HTTP/1.1\nHost: api.bridge.xyz\nContent-Type: application/json\n\n"
            '{"type": "individual", "first_name": "Jo",}')
    (req,) = read_paste(text).requests
    assert (req.url, req.body) == ("https://api.bridge.xyz/v0/customers", '{"type": "individual", "first_name": "Jo",}')


def test_form_text_after_curl_verbose_request_lines_is_the_response_not_the_body() -> None:
    # curl -v prints the request as "> " lines and never its body: a form-encoded line after them is
    # the response (an OAuth token endpoint's), not what was sent.
    text = ("> POST /oauth/token HTTP/1.1\n> Host: api.example.test\n"
            "> Content-Type: application/x-www-form-urlencoded\n>\n"
            "access_token=abc&token_type=bearer\n")
    (req,) = read_paste(text).requests
    assert (req.method, req.url, req.body) == ("POST", "https://api.example.test/oauth/token", None)


@pytest.mark.parametrize("line", ["[INFO] sending the request", "[stripe] retrying after 2s", "[warn] slow"])
def test_a_log_lines_bracketed_tag_is_not_a_body(line: str) -> None:
    # "[INFO]" read leniently is a one-word list: it became a second request whose body was
    # malformed ("Expecting value at line 1 column 2").
    text = f'{line}\nPOST /v0/customers\n{{"type": "individual"}}'
    assert [(r.method, r.url, r.body) for r in read_paste(text).requests] == [
        ("POST", "/v0/customers", '{"type": "individual"}')]


def test_a_list_of_names_in_code_is_still_a_value() -> None:
    # Not prose after it: JS code's `[a, b]` stays a (partly unknown) list.
    (req,) = read_paste('POST /v0/things\n[first, second]\n').requests
    assert (req.method, req.url, req.body) == ("POST", "/v0/things", "[first, second]")


@pytest.mark.parametrize("body, error", [
    ('{"type": "individual", "amount": 10 20 ]', "Expecting ',' delimiter at line 1 column 37 of the JSON"),
    ('{"a": @@@ }', "Expecting value at line 1 column 7 of the JSON"),
])
def test_a_broken_body_after_a_paragraph_gets_its_own_parse_error_once(body: str, error: str) -> None:
    # The body runs to the end of its own paragraph, found from where the parser stopped (a blank
    # line before it once ended it before it began: one "ends early" request per retry).
    text = f"POST /v0/customers\n\nHere is my body:\n\n{body}\n\nthanks, it fails"
    assert [(r.method, r.body, r.body_error) for r in read_paste(text).requests] == [("POST", body, error)]
