"""The lenient reader (bridgebot/check/readers/lenient.py) and what the checker does with it:
elisions stay unknown, cut-off ends and JS/Python literals are read, mid-line JSON is found."""

from __future__ import annotations

import pytest

from bridgebot.check import check_paste
from bridgebot.check.model import ElidedDict, Unresolved
from bridgebot.check.readers.lenient import LenientError, read_value


@pytest.mark.parametrize("text,value,liberties", [
    ('{"a": 1}', {"a": 1}, set()),
    ("{name: 'x', n: 2, nested: {a: [1, 2,], b: true,},}", {"name": "x", "n": 2, "nested": {"a": [1, 2], "b": True}}, {"literal"}),
    ("{u'code': u'x', 'ok': None, 'yes': True}", {"code": "x", "ok": None, "yes": True}, {"literal"}),
    ('{"a" => 1, "b" => nil}', {"a": 1, "b": None}, {"literal"}),
    ('{\n  type: "invalid_request_error"\n  param: "metadata"\n}', {"type": "invalid_request_error", "param": "metadata"}, {"literal"}),
    ('[1, 2, …]', [1, 2], {"elided"}),
    # Quotes printed unescaped inside a value: it runs to the last quote of its line...
    ('{\n  message: "Invalid hash: {"a": "b"} is not a list"\n  param: "items"\n}',
     {"message": 'Invalid hash: {"a": "b"} is not a list', "param": "items"}, {"literal"}),
    ("{msg: 'can't parse'\n}", {"msg": "can't parse"}, {"literal"}),
    # ...but a one-line literal that misses its commas keeps its keys.
    ('{a: "x" b: "y"}', {"a": "x", "b": "y"}, {"literal"}),
    ('{a: "x" "b": 1}', {"a": "x", "b": 1}, {"literal"}),
])
def test_reads_what_developers_paste(text: str, value, liberties: set[str]) -> None:
    got, end, took = read_value(text, 0)
    assert got == value and end == len(text) and took == liberties


def test_elided_values_stay_unknown_and_elided_objects_claim_no_missing_keys() -> None:
    got, _, took = read_value('{"a": ..., "b": [...], "c": 1, ...}', 0)
    assert took == {"elided"}
    assert isinstance(got, ElidedDict) and isinstance(got["a"], Unresolved) and isinstance(got["b"], Unresolved)


def test_a_cut_off_end_is_closed_and_the_cut_value_is_unknown() -> None:
    got, _, took = read_value('{"error": {"message": "Invalid integer", "param": "amount", "headers": {"server": "ngi', 0)
    assert took == {"cut_off"}
    assert got["error"]["param"] == "amount" and isinstance(got["error"]["headers"]["server"], Unresolved)


def test_what_is_not_a_literal_is_refused() -> None:
    with pytest.raises(LenientError):
        read_value("{ a: 1 ) }", 0)


def test_an_elided_body_with_an_endpoint_is_checked_without_inventing_missing_fields(bridge_specs) -> None:
    text = ('POST /v0/transfers\n```\n{\n  "amount": "10.0",\n  ...\n  "source": {"payment_rail": "ach", '
            '"currency": "usd"},\n  "destination": {"payment_rail": "ach", "currency": "usdx", …}\n}\n```')
    (req,) = check_paste(text, bridge_specs).requests
    assert [(f.kind, f.field) for f in req.findings] == [("invalid_enum", "destination.currency")]


def test_a_trailing_comma_in_a_body_sent_as_written_is_still_malformed(bridge_specs) -> None:
    text = 'POST /v0/customers\n```json\n{\n  "type": "individual",\n  "first_name": "Jo",\n}\n```'
    (req,) = check_paste(text, bridge_specs).requests
    assert [f.kind for f in req.findings] == ["malformed_body"]


def test_json_after_a_log_prefix_and_a_python_repr_are_read_as_errors(stripe_specs, github_specs) -> None:
    text = ('2016/12/27 14:51:24 Error encountered from Stripe: {"type":"invalid_request_error",'
            '"message":"Missing required param: currency.","param":"currency"}')
    (err,) = check_paste(text, stripe_specs).errors
    assert [(f.kind, f.field) for f in err.findings] == [("missing_required", "currency")]
    text = ("GithubException: 422 {u'documentation_url': u'https://docs.github.com/rest/gists/gists#create-a-gist', "
            "u'message': u'Validation Failed', u'errors': [{u'field': u'files', u'code': u'missing_field', "
            "u'resource': u'Gist'}]}")
    (err,) = check_paste(text, github_specs).errors
    assert [(f.kind, f.field) for f in err.findings] == [("missing_required", "files")]
    assert err.operation.label == "POST /gists" and err.evidence == "documentation_url"


def test_unreadable_part_is_malformed_and_the_rest_still_checked(bridge_specs) -> None:
    text = ('POST /v0/customers\n```\n{"type": "individual", "first_name": "Jo" "last_name": }}\n```\n'
            'curl -X POST https://api.bridge.xyz/v0/customers -H "Api-Key: $K" -H "Idempotency-Key: k" '
            '-H "Content-Type: application/json" -d \'{"type": "individul"}\'')
    result = check_paste(text, bridge_specs)
    kinds = sorted(f.kind for r in result.requests for f in r.findings)
    assert "malformed_body" in kinds and "invalid_enum" in kinds


def test_a_body_cut_off_says_so_and_where(bridge_specs) -> None:
    text = 'POST /v0/customers\n```json\n{\n  "type": "individual",\n  "first_name": "Jo",\n```'
    (req,) = check_paste(text, bridge_specs).requests
    assert [(f.kind, f.message) for f in req.findings] == [
        ("malformed_body", "The body is not valid JSON: it ends early (cut off?) at line 4 column 1 of the JSON.")]
