"""Finding requests and errors in a Slack message (Slack's escaping undone)."""

from __future__ import annotations

import pytest

from bridgebot.check import read_paste, unslack


@pytest.mark.parametrize(
    "slack, plain",
    [
        ("a &amp;&amp; b &lt;x&gt;", "a && b <x>"),
        ("<https://api.bridge.xyz/v0/x|api.bridge.xyz/v0/x>", "https://api.bridge.xyz/v0/x"),
        ("<https://a.b/c>", "https://a.b/c"),
        ("<mailto:a@b.co|a@b.co>", "a@b.co"),
        ("\u201cquoted\u201d \u2018single\u2019", "\"quoted\" 'single'"),
        ("<@U123> hi", "<@U123> hi"),
        ("&amp;lt;", "&lt;"),
    ],
)
def test_unslack(slack: str, plain: str) -> None:
    assert unslack(slack) == plain


def test_several_pastes_in_one_message_keep_their_order() -> None:
    text = (
        "first\n```curl https://api.bridge.xyz/v0/wallets -H 'Api-Key: $K'```\n"
        "then\n```\nGET /v0/customers HTTP/1.1\nHost: api.bridge.xyz\n\n```\n"
        "and got\n```\n{\"code\": \"not_found\", \"message\": \"Customer not found\"}\n```"
    )
    paste = read_paste(text)
    assert [r.source for r in paste.requests] == ["curl", "http"]
    assert [e.code for _, e in paste.errors] == ["not_found"]


def test_curl_verbose_output_gives_request_and_status() -> None:
    text = (
        "> POST /v0/transfers HTTP/2\n> Host: api.bridge.xyz\n> Api-Key: x\n>\n"
        "< HTTP/2 401\n< x-request-id: 9b2f-11\n"
        '{"code":"invalid","message":"Invalid Api-Key"}'
    )
    paste = read_paste(text)
    assert paste.requests[0].method == "POST" and paste.requests[0].url == "https://api.bridge.xyz/v0/transfers"
    (_, err), = paste.errors
    assert (err.status, err.code, err.request_id) == (401, "invalid", "9b2f-11")


@pytest.mark.parametrize(
    "text, status, code, param",
    [
        ('{"error": {"type": "invalid_request_error", "message": "Missing required param: amount.", "param": "amount"}}',
         None, None, "amount"),
        ("Request failed with status code 422", 422, None, None),
        ("Received unknown parameter: emial", None, None, "emial"),
        ('{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}', None, None, None),
        ('{"code":"invalid_parameters","message":"bad","source":{"location":"body","key":{"address.city":"must be set"}}}',
         None, "invalid_parameters", "address.city"),
        ('{"errors":[{"code":"unexpected","message":"boom"}]}', None, "unexpected", None),
    ],
)
def test_error_shapes(text: str, status, code, param) -> None:
    paste = read_paste(text)
    assert len(paste.errors) == 1
    err = paste.errors[0][1]
    assert (err.status, err.code, err.param) == (status, code, param)


def test_json_without_endpoint_is_a_hint_not_a_guess() -> None:
    paste = read_paste('why does this fail?\n```\n{"amount": "10", "on_behalf_of": "c1"}\n```')
    assert not paste.requests
    assert len(paste.hints) == 1 and "no endpoint near it" in paste.hints[0] and "POST /v0/transfers" in paste.hints[0]


def test_a_truncated_200kb_document_is_read_in_one_pass() -> None:
    body = "{\n" + "".join(f'  "k{i}": {{"v": [1, 2, {{"x": "y"}}]}},\n' for i in range(5000))
    paste = read_paste("POST /v0/transfers\n" + body)
    assert paste.requests[0].body_error and "ends early" in paste.requests[0].body_error


def test_a_log_dump_is_checked_up_to_20_requests_and_says_so() -> None:
    paste = read_paste("curl https://api.bridge.xyz/v0/wallets -H 'Api-Key: $K'\n" * 100)
    assert len(paste.requests) == 20
    assert any("first 20" in p for p in paste.problems)


def test_many_broken_json_lines_are_one_broken_body() -> None:
    paste = read_paste("POST /v0/transfers\n" + "{\n" * 5000)
    assert len(paste.requests) == 1 and paste.requests[0].body_error


def test_an_id_redacted_as_x_before_a_trailing_slash_is_not_an_empty_id(stripe_specs) -> None:
    # "/v1/customers/XXXX/": the id was sent (and redacted for Slack); the empty part is after it.
    # Only "/v1/customers/" names an empty customer id.
    from bridgebot.check import check_paste

    def empty_ids(path: str) -> list[str]:
        text = ('{"error": {"type": "invalid_request_error", '
                f'"message": "Unrecognized request URL (GET: {path}). Please see https://stripe.com/docs"}}}}')
        (err,) = check_paste(text, stripe_specs).errors
        return [f.field for f in err.findings if "was empty" in f.message]

    assert empty_ids("/v1/customers/") == ["customer"]
    assert empty_ids("/v1/customers/XXXX/") == []
    assert empty_ids("/v1/customers/XXXX/sources/") == ["id"]
