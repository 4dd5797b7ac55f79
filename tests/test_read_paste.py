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


def _errors(text: str) -> list[tuple]:
    return [(e.status, e.code, e.param, e.type, e.message, e.request_id) for _, e in read_paste(text).errors]


@pytest.mark.parametrize("text, errors", [
    # .NET serialises an exception's message as "Message".
    ('{"Message": "No such customer: \'cus_123\'", "type": "invalid_request_error", "code": "resource_missing", '
     '"param": "id"}',
     [(None, "resource_missing", "id", "invalid_request_error", "No such customer: 'cus_123'", None)]),
    # Stripe's error object without its {"error": …} wrapper: the request id from its log URL, or as given.
    ('{"type": "invalid_request_error", "message": "Missing required param: amount.", "param": "amount", '
     '"request_log_url": "https://dashboard.stripe.com/test/logs/req_AbC123?t=1"}',
     [(None, None, "amount", "invalid_request_error", "Missing required param: amount.", "req_AbC123")]),
    ('{"type": "api_error", "message": "Something went wrong on our end.", "request_id": "9b2f-11"}',
     [(None, None, None, "api_error", "Something went wrong on our end.", "9b2f-11")]),
    ('{"type": "api_error", "message": "Something went wrong on our end.", "requestId": "7c1e-42"}',
     [(None, None, None, "api_error", "Something went wrong on our end.", "7c1e-42")]),
    # A client's error whose "data" holds the API's own error: the inner one says more.
    ('{"type": "http_error", "message": "Request failed", "status": 422, "data": {"message": "Validation Failed", '
     '"errors": [{"resource": "Issue", "field": "title", "code": "missing_field"}]}}',
     [(422, "missing_field", "title", "Issue", "Validation Failed: Issue.title is missing_field", None)]),
    # A list of Bridge errors: each one read, in the shape only Bridge uses (source.key).
    ('[{"code": "invalid", "message": "bad value", "source": {"location": "body", "key": "email"}},\n'
     ' {"code": "invalid", "message": "bad value", "source": {"location": "body", "key": "phone"}}]',
     [(None, "invalid", "email", None, "bad value", None), (None, "invalid", "phone", None, "bad value", None)]),
    # stripe-node's error logged whole: its raw API error (with the param) says more.
    ('{"type": "StripeInvalidRequestError", "code": "parameter_invalid_integer", "message": "Invalid integer: 1.5", '
     '"raw": {"code": "parameter_invalid_integer", "message": "Invalid integer: 1.5", "param": "amount", '
     '"type": "invalid_request_error"}}',
     [(None, "parameter_invalid_integer", "amount", "invalid_request_error", "Invalid integer: 1.5", None)]),
    # JSON held in a string: in a field, or printed as a quoted string.
    ('{"code": 422, "message": "{\\"message\\": \\"Not Found\\", \\"documentation_url\\": '
     '\\"https://docs.github.com/rest\\"}"}',
     [(422, None, None, None, "Not Found", None)]),
    ('GitHub said: "{\\"message\\":\\"Not Found\\",\\"documentation_url\\":\\"https://docs.github.com/rest\\"}"',
     [(None, None, None, None, "Not Found", None)]),
    # go-github's rendering of errors[] after its status line (with its Message, and before 2017 without).
    ("error: POST https://api.github.com/repos/o/r/labels: 422 Validation Failed "
     "[{Resource:Label Field:name Code:custom Message:name is too long}]",
     [(422, "custom", "name", "Label", "name is too long", None)]),
    ("error: POST https://api.github.com/repos/o/r/issues: 422 Validation Failed "
     "[{Resource:Issue Field:title Code:missing_field Message:}]",
     [(422, "missing_field", "title", "Issue", None, None)]),
    # octokit.rb's error summary; its "// See: <docs>" ends the last line.
    ("Octokit::UnprocessableEntity: POST https://api.github.com/repos/o/r/statuses/abc: 422 - Validation Failed\n"
     "Error summary:\n  resource: Status\n  code: custom\n  message: sha must be a 40 character SHA1\n"
     "  field: sha // See: https://docs.github.com/rest/commits/statuses#create-a-commit-status",
     [(422, "custom", "sha", "Status", "sha must be a 40 character SHA1", None)]),
    # A client's error whose "data" holds a Bridge error: read in Bridge's shape (source.key), status kept.
    ('{"type": "http_error", "message": "Request failed", "status": 400, "data": {"code": "invalid", '
     '"message": "bad value", "source": {"location": "body", "key": "email"}}}',
     [(400, "invalid", "email", None, "bad value", None)]),
    # stripe-python's json_body (the API's error) is read before a wrapper's generic response.
    ('{"response": {"status": 400, "data": {"message": "Request failed with status code 400", "type": "client_error"}}, '
     '"json_body": {"error": {"message": "Invalid integer: 1.5", "param": "amount", "type": "invalid_request_error"}}}',
     [(None, None, "amount", "invalid_request_error", "Invalid integer: 1.5", None)]),
    # JSON held in a string under any key, after a line break.
    ('{"details": "\\n  {\\"message\\": \\"Not Found\\", \\"documentation_url\\": \\"https://docs.github.com/rest\\"}"}',
     [(None, None, None, None, "Not Found", None)]),
    # A numeric "code" is the HTTP status, not an error code.
    ('{"code": 404, "message": "Not Found", "documentation_url": "https://docs.github.com/rest"}',
     [(404, None, None, None, "Not Found", None)]),
    # "field" names the parameter when "param" is absent; a request id is taken out of the text holding it.
    ('{"type": "validation_error", "message": "Invalid email", "field": "email", "request_id": "req_AbC123 (replayed)"}',
     [(None, None, "email", "validation_error", "Invalid email", "req_AbC123")]),
    # A bare list of GitHub errors[] entries: each said in words.
    ('[{"resource": "Issue", "field": "title", "code": "missing_field"}]',
     [(None, "missing_field", "title", "Issue", "Issue.title is missing_field", None)]),
])
def test_error_fields_in_each_shape(text: str, errors: list[tuple]) -> None:
    assert _errors(text) == errors


def test_the_docs_link_ending_an_octokit_summary_is_read_apart_from_the_field() -> None:
    text = ("Octokit::UnprocessableEntity: POST https://api.github.com/repos/o/r/statuses/abc: 422 - Validation Failed\n"
            "Error summary:\n  resource: Status\n  code: custom\n  field: sha // See: "
            "https://docs.github.com/rest/commits/statuses#create-a-commit-status")
    (_, err), = read_paste(text).errors
    assert (err.param, err.docs_url) == ("sha", "https://docs.github.com/rest/commits/statuses#create-a-commit-status")


def test_a_response_with_more_than_20_errors_gives_its_first_20_and_says_so() -> None:
    def read(n: int):
        entries = ", ".join(f'{{"resource": "Label", "field": "name{i}", "code": "invalid"}}' for i in range(n))
        return read_paste(f'{{"message": "Validation Failed", "errors": [{entries}]}}')

    paste = read(25)
    assert [e.param for _, e in paste.errors] == [f"name{i}" for i in range(20)]
    assert paste.problems == ["This message holds more than 20 errors; I read the first 20."]
    paste = read(20)
    assert len(paste.errors) == 20 and paste.problems == []


def test_errors_nested_up_to_the_walk_depth_are_found() -> None:
    from bridgebot.check.readers.errors import MAX_WALK_DEPTH, errors_in

    def nested(levels: int):
        value = {"type": "invalid_request_error", "message": "Missing required param: amount.", "param": "amount"}
        for _ in range(levels):
            value = [value]
        return value

    assert [e.param for e in errors_in(nested(MAX_WALK_DEPTH))] == ["amount"]
    assert errors_in(nested(MAX_WALK_DEPTH + 1)) == []


# --- Errors printed by Node with code in them (paste._js_errors): no literal reader reads them. ---

@pytest.mark.parametrize("printed", [
    "{ code: 'invalid_parameters', message: 'Invalid parameters', retry: () => false }",
    "{ code: 'invalid_parameters', message: `Invalid parameters`, ...defaults }",
    "{ code: 'invalid_parameters', message: 'Invalid parameters', pattern: /^[a-z]+$/i }",
    "{ code: 'invalid_parameters', message: 'Invalid parameters', [Symbol(kCapture)]: false }",
    "{ code: 'invalid_parameters', message: 'Invalid parameters', limit: 10n }",
    "AxiosError: 400 data: { code: 'invalid_parameters', message: 'Invalid parameters', toJSON: () => ({}) }",
], ids=["arrow-function", "template-and-spread", "regex", "symbol-key", "bigint", "data-mid-line"])
def test_an_error_node_printed_with_code_in_it_is_read_after_one_read_before_it(printed: str) -> None:
    # Two console.log outputs in one message: the first an object literal (read with the JSON),
    # the second holding code no literal has; each error read, in order.
    text = "first try:\n{ code: 'not_found', message: 'Customer not found' }\nthen:\n" + printed
    assert _errors(text) == [(None, "not_found", None, None, "Customer not found", None),
                             (None, "invalid_parameters", None, None, "Invalid parameters", None)]


def test_an_error_object_never_closed_is_skipped_and_the_next_one_read() -> None:
    text = ("{ code: 'cut', message: 'never closed', retry: () => false,\n"
            "{ code: 'invalid_parameters', message: 'Invalid parameters', retry: () => false }")
    assert [(e.code, e.message) for _, e in read_paste(text).errors] == [("invalid_parameters", "Invalid parameters")]


def test_an_error_inside_a_node_dump_no_reader_reads_whole_is_said_once() -> None:
    # The dump holds a symbol key, so only its `data: {…}` is read as a literal; the dump around it
    # was then read again for the same error: it was said twice (once without its status).
    text = ("AxiosError: Request failed with status code 400\n{\n  code: 'ERR_BAD_REQUEST',\n  response: {\n"
            "    status: 400,\n    [Symbol(kCapture)]: false,\n    data: { code: 'invalid_parameters', "
            "message: 'Invalid parameters', source: { location: 'body', key: 'first_name' } }\n  }\n}")
    assert [(e.status, e.code, e.param) for _, e in read_paste(text).errors] == [(400, "invalid_parameters", "first_name")]


# --- Statuses and request ids paired with the error they belong to (paste._text_errors). ---

def test_a_status_line_after_an_error_is_a_second_error_not_the_first_ones_status() -> None:
    text = '{"code": "invalid", "message": "bad"}\nthen I retried and got\nHTTP/1.1 500 Internal Server Error\n'
    assert _errors(text) == [(None, "invalid", None, None, "bad", None), (500, None, None, None, None, None)]


def test_a_status_line_pairs_with_an_error_up_to_3000_characters_after_it() -> None:
    def status_of_error(gap: int) -> list:
        text = "HTTP/1.1 404 Not Found\n" + "x" * gap + '\n{"code": "not_found", "message": "Customer not found"}'
        return [(e.status, e.code) for _, e in read_paste(text).errors]

    assert status_of_error(2900) == [(404, "not_found")]
    assert status_of_error(3100) == [(404, None), (None, "not_found")]


def test_a_request_id_pairs_with_an_error_within_3000_characters_either_side() -> None:
    error = '{"code": "not_found", "message": "Customer not found"}'

    def request_id(before: str, after: str) -> list:
        return [e.request_id for _, e in read_paste(before + error + after).errors]

    assert request_id("x-request-id: 9b2f-11\n" + "x" * 2900 + "\n", "") == ["9b2f-11"]
    assert request_id("", "\n" + "x" * 2900 + "\nx-request-id: 9b2f-11") == ["9b2f-11"]
    assert request_id("x-request-id: 9b2f-11\n" + "x" * 3100 + "\n", "") == [None]
    assert request_id("", "\n" + "x" * 3100 + "\nx-request-id: 9b2f-11") == [None]


# --- Bodies and errors in one message (paste.read_paste, step 4). ---

@pytest.mark.parametrize("field", ['"field": "email"', '"param": "email"', '"field": "email", "param": "other"'])
def test_a_bridge_error_list_names_its_first_errors_field(field: str) -> None:
    text = f'{{"errors": [{{"code": "invalid", "message": "bad", {field}}}, {{"code": "x", "field": "phone"}}]}}'
    assert _errors(text) == [(None, "invalid", "email", None, "bad", None)]


def test_json_after_an_error_is_still_read() -> None:
    # The error first, then the body sent and a second error: all read.
    text = ('got this:\n{"code": "invalid", "message": "bad"}\nfrom POST /v0/customers with\n'
            '```\n{"type": "individual"}\n```\nand on retry:\n```\n{"code": "not_found", "message": "gone"}\n```')
    paste = read_paste(text)
    assert [(r.method, r.url, r.body) for r in paste.requests] == [("POST", "/v0/customers", '{"type": "individual"}')]
    assert [e.code for _, e in paste.errors] == ["invalid", "not_found"]


def test_an_error_line_repeated_in_a_log_is_one_error() -> None:
    line = "Received unknown parameter: emial\n"
    assert _errors(line + "and again\n" + line) == [(None, None, "emial", None, "Received unknown parameter: emial", None)]
    assert [e.param for _, e in read_paste(line + "Received unknown parameter: phnoe").errors] == ["emial", "phnoe"]


@pytest.mark.parametrize("text, body", [
    # A form body after the headers' blank line: the request's body, up to its paragraph or block end.
    ("POST /v0/customers HTTP/1.1\nHost: api.bridge.xyz\nContent-Type: application/x-www-form-urlencoded\n\n"
     "amount=10&currency=usd\n\nthanks", "amount=10&currency=usd"),
    ("```\nPOST /v0/customers HTTP/1.1\nHost: api.bridge.xyz\n\namount=10&currency=usd\n```", "amount=10&currency=usd"),
    ("POST /v0/customers HTTP/1.1\nHost: api.bridge.xyz\n\n{\"type\": \"individual\"} and more", '{"type": "individual"}'),
    # A sentence after it is no body.
    ("POST /v0/customers HTTP/1.1\nHost: api.bridge.xyz\n\nthis is what I sent, why 400?", None),
    ("```\nPOST /v0/customers HTTP/1.1\nHost: api.bridge.xyz\n\n```\namount=10", None),
], ids=["form", "form-in-block", "json", "prose", "after-the-block"])
def test_a_raw_http_requests_body_is_what_follows_its_headers(text: str, body) -> None:
    (req,) = read_paste(text).requests
    assert (req.method, req.url, req.body) == ("POST", "https://api.bridge.xyz/v0/customers", body)


def test_json_assigned_to_a_variable_is_a_body_unless_code_sends_it() -> None:
    # No client code in the message: `payload = {…}` next to an endpoint is the body sent there.
    paste = read_paste('POST /v0/customers with\n```\npayload = {"type": "individual"}\n```')
    assert [(r.method, r.url, r.body) for r in paste.requests] == [("POST", "/v0/customers", '{"type": "individual"}')]
    # With the call that sends it, it is read with the call: one request, not a second one.
    paste = read_paste('POST /v0/customers with\n```\npayload = {"type": "individual"}\n'
                       'requests.post("https://api.bridge.xyz/v0/customers", json=payload)\n```')
    assert [(r.method, r.url) for r in paste.requests] == [("POST", "https://api.bridge.xyz/v0/customers")]


@pytest.mark.parametrize("data, message", [
    (b"curl x\x00y", "this is binary data, not text: paste the request or error as text"),
    ("curl x\x00y", "this is binary data, not text: paste the request or error as text"),
    (b"curl -X POST \xff\xfe x", "this is not UTF-8 text (undecodable byte at offset 13): paste the request as text"),
    ("x" * (256 * 1024 + 1), "the paste is 262,145 characters; bridgebot reads at most 262,144. "
                             "Paste just the request and the error."),
], ids=["nul-bytes", "nul-text", "not-utf8", "too-long"])
def test_input_that_cannot_be_read_says_why(data, message: str) -> None:
    from bridgebot.check.paste import UnreadablePaste

    with pytest.raises(UnreadablePaste) as e:
        read_paste(data)
    assert str(e.value) == message


def test_input_at_the_size_limit_and_with_windows_line_endings_is_read() -> None:
    assert read_paste("x" * (256 * 1024)).text == "x" * (256 * 1024)
    paste = read_paste(b"curl https://api.bridge.xyz/v0/customers \\\r\n  -H 'Api-Key: k'\r\nthanks\rbye")
    assert paste.text.endswith("-H 'Api-Key: k'\nthanks\nbye")
    assert [(r.url, r.headers) for r in paste.requests] == [("https://api.bridge.xyz/v0/customers", [("Api-Key", "k")])]


@pytest.mark.parametrize("text", [
    "why does curl fail here",                      # one short line, no option or URL
    "curl is what we use " * 80,                     # a line longer than a sentence is looked at
    "we use curl for it\nand it fails\n",
], ids=["short", "long-line", "lines"])
def test_curl_as_a_word_in_a_sentence_is_no_request_and_no_problem(text: str) -> None:
    paste = read_paste(text)
    assert (paste.requests, paste.problems, paste.errors) == ([], [], [])


def test_the_word_curl_inside_a_curl_commands_body_is_not_a_second_command() -> None:
    paste = read_paste("curl -X POST https://api.bridge.xyz/v0/customers -d 'tried curl -v https://x too'")
    assert [(r.method, r.body) for r in paste.requests] == [("POST", "tried curl -v https://x too")]


def test_more_than_20_raw_http_requests_are_checked_up_to_20_and_say_so() -> None:
    paste = read_paste("GET /v0/customers HTTP/1.1\nHost: api.bridge.xyz\n\n" * 22)
    assert len(paste.requests) == 20
    assert paste.problems == ["This message holds more than 20 requests; I checked the first 20."]


def test_curl_verbose_request_lines_end_at_the_first_line_without_their_prompt() -> None:
    (req,) = read_paste("> GET /v0/customers HTTP/2\n> Host: api.bridge.xyz\n< HTTP/2 200\n< x-a: b\n").requests
    assert (req.url, req.headers) == ("https://api.bridge.xyz/v0/customers", [("Host", "api.bridge.xyz")])


def test_a_raw_http_body_that_is_broken_json_is_kept_whole_to_its_block_end() -> None:
    (req,) = read_paste('```\nPOST /v0/customers HTTP/1.1\nHost: api.bridge.xyz\n\n{"type": "individual",\n'
                        '"first_name": "Jo"\n```\nthanks').requests
    assert req.body == '{"type": "individual",\n"first_name": "Jo"'


@pytest.mark.parametrize("before, sent", [
    ("I sent this to https://api.bridge.xyz/v0/transfers:", ("POST", "https://api.bridge.xyz/v0/transfers")),
    ("I sent this to https://api-sandbox.bridge.xyz/v0/transfers.", ("POST", "https://api-sandbox.bridge.xyz/v0/transfers")),
    ("as https://docs.bridge.xyz/v0/transfers shows:", None),   # a docs page, not the API
])
def test_json_after_an_api_url_is_a_body_sent_there(before: str, sent) -> None:
    paste = read_paste(before + '\n{"amount": "10"}')
    assert [(r.method, r.url) for r in paste.requests] == ([sent] if sent else [])
    assert bool(paste.hints) == (sent is None)


def test_an_error_sentence_under_a_status_line_is_that_statuss_error() -> None:
    assert _errors("< HTTP/1.1 400 Bad Request\n\nReceived unknown parameter: emial") == [
        (400, None, "emial", None, "Received unknown parameter: emial", None)]


def test_a_status_that_is_not_a_number_is_left_out() -> None:
    assert _errors('{"status": "bad", "code": "x", "message": "y"}') == [(None, "x", None, None, "y", None)]
    assert _errors('{"statusCode": "404", "code": "x", "message": "y"}') == [(404, "x", None, None, "y", None)]


_FORM = [("Api-Key", "k"), ("Content-Type", "application/x-www-form-urlencoded")]


@pytest.mark.parametrize("text, requests", [
    # PowerShell continues a line with a backtick; the command ends at the first line without one.
    ("curl.exe -X POST https://api.bridge.xyz/v0/customers `\n  -H 'Api-Key: k' `\n  -d 'a=1'\nthen more",
     [("POST", "https://api.bridge.xyz/v0/customers", "a=1", _FORM)]),
    # Inline code ends at its closing backtick.
    ("run `curl https://api.bridge.xyz/v0/customers -H 'Api-Key: k'` and see",
     [("GET", "https://api.bridge.xyz/v0/customers", None, [("Api-Key", "k")])]),
    # The shell's "> " continuation prompts are not part of the command.
    ("$ curl -X POST https://api.bridge.xyz/v0/customers \\\n> -H 'Api-Key: k' \\\n> -d 'a=1'",
     [("POST", "https://api.bridge.xyz/v0/customers", "a=1", _FORM)]),
    # A heredoc with <<- may indent its body and terminator with tabs.
    ("curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: k' -d @- <<-EOF\n\ta=1\n\tEOF\nafter",
     [("POST", "https://api.bridge.xyz/v0/customers", "a=1", _FORM)]),
    # A code block opened right before the command is not inline code: its backticks inside
    # (PowerShell continuations, a `uuidgen` substitution) do not end it.
    ("```curl.exe -X POST https://api.bridge.xyz/v0/customers `\n  -H 'Api-Key: k' `\n  -d 'a=1'```",
     [("POST", "https://api.bridge.xyz/v0/customers", "a=1", _FORM)]),
    ("```curl -X POST https://api.bridge.xyz/v0/customers -H \"Idempotency-Key: `uuidgen`\" -d a=1```",
     [("POST", "https://api.bridge.xyz/v0/customers", "a=1",
       [("Idempotency-Key", "`uuidgen`"), ("Content-Type", "application/x-www-form-urlencoded")])]),
    # Inline code at the start of a message, and after a code block closed earlier.
    ("`curl https://api.bridge.xyz/v0/customers -H 'Api-Key: k'` and see",
     [("GET", "https://api.bridge.xyz/v0/customers", None, [("Api-Key", "k")])]),
    ("```\nlog\n```\nrun `curl https://api.bridge.xyz/v0/customers -H 'Api-Key: k'` and see",
     [("GET", "https://api.bridge.xyz/v0/customers", None, [("Api-Key", "k")])]),
], ids=["powershell", "inline-code", "prompts", "heredoc-tabs", "block-powershell", "block-backticks",
        "inline-first", "inline-after-block"])
def test_a_curl_command_ends_where_the_shell_ends_it(text: str, requests) -> None:
    assert [(r.method, r.url, r.body, r.headers) for r in read_paste(text).requests] == requests


def test_a_curl_command_that_cannot_be_read_is_named_with_its_line() -> None:
    paste = read_paste("hello\n\ncurl -X POST https://api.bridge.xyz/v0/customers -d '{\"a\": 1}")
    assert paste.requests == []
    assert paste.problems == ["I couldn't read the curl command on line 3: unbalanced single quote "
                              "(opened at character 53 of the curl command)."]


@pytest.mark.parametrize("text, requests, hinted", [
    # JSON under a GET is that GET's response: neither a body nor a body without an endpoint.
    ('GET /v0/customers returns\n{"data": [{"id": "c1"}]}', [], False),
    # The endpoint named after the JSON.
    ('{"type": "individual"}\nis what I POST /v0/customers', [("POST", "/v0/customers")], False),
    # A curl's printed response, under it or under its `set -x` echo.
    ("curl https://api.bridge.xyz/v0/customers -H 'Api-Key: k'\n$ \n{\"data\": [{\"id\": \"c1\"}]}",
     [("GET", "https://api.bridge.xyz/v0/customers")], False),
    ("+ curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: k' -d a=1\n{\"data\": [{\"id\": \"c1\"}]}",
     [("POST", "https://api.bridge.xyz/v0/customers")], False),
    ('{"type": "individual"}', [], True),
], ids=["get-response", "endpoint-after", "curl-response", "set-x-echo", "no-endpoint"])
def test_json_is_a_body_only_where_a_body_was_sent(text: str, requests, hinted: bool) -> None:
    paste = read_paste(text)
    assert [(r.method, r.url) for r in paste.requests] == requests
    assert bool(paste.hints) == hinted and paste.errors == []
    assert [r.body for r in paste.requests if r.source == "json"] == (['{"type": "individual"}'] if requests and
                                                                      requests[0][1] == "/v0/customers" else [])


def test_an_sdk_idempotency_option_sends_the_header() -> None:
    (req,) = read_paste('requests.post("https://api.bridge.xyz/v0/customers", json=body, idempotency_key="k")').requests
    assert req.header("Idempotency-Key") is not None
    (req,) = read_paste('requests.post("https://api.bridge.xyz/v0/customers", json=body)').requests
    assert req.header("Idempotency-Key") is None


def test_a_github_error_keeps_its_documentation_link() -> None:
    (_, err), = read_paste('{"message": "Not Found", "documentation_url": "https://docs.github.com/rest/repos"}').errors
    assert (err.message, err.docs_url) == ("Not Found", "https://docs.github.com/rest/repos")


def test_an_error_of_a_type_not_named_error_keeps_its_type_and_status() -> None:
    # Not Stripe's shape (a numeric code, a type not ending in "error"): read as a common error body.
    assert _errors('{"code": 400, "message": "amount is required", "type": "validation"}') == [
        (400, "400", None, "validation", "amount is required", None)]


def test_each_of_two_heredoc_curls_reads_its_own_body() -> None:
    text = ("curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: k' -d @- <<EOF\n"
            "{\"type\": \"individual\"}\nEOF\n"
            "curl -X POST https://api.bridge.xyz/v0/transfers -H 'Api-Key: k' -d @- <<EOF\n"
            "amount=1&currency=usd\nEOF\n")
    assert [(r.url, r.body) for r in read_paste(text).requests] == [
        ("https://api.bridge.xyz/v0/customers", '{"type": "individual"}'),
        ("https://api.bridge.xyz/v0/transfers", "amount=1&currency=usd")]


def test_indented_curl_verbose_lines_give_the_request_with_its_headers() -> None:
    text = ("$ curl -v https://api.bridge.xyz/v0/customers\n  > POST /v0/customers HTTP/1.1\n"
            "  > Host: api.bridge.xyz\n  > Api-Key: sk-test\n  >\n")
    req = read_paste(text).requests[-1]
    assert (req.method, req.url, req.headers) == (
        "POST", "https://api.bridge.xyz/v0/customers", [("Host", "api.bridge.xyz"), ("Api-Key", "sk-test")])


# --- Fresh-sample survivors (seed 5): errors read as data and as text. ---

def test_each_github_errors_entry_keeps_the_responses_docs_link_and_request_id() -> None:
    text = ('{"message": "Validation Failed", "request_id": "req_9b2f", "documentation_url": '
            '"https://docs.github.com/rest/issues", "errors": [{"resource": "Issue", "field": "title", '
            '"code": "missing_field"}, {"resource": "Issue", "field": "body", "code": "custom", '
            '"message": "body is too long"}]}')
    assert [(e.param, e.message, e.request_id, e.docs_url) for _, e in read_paste(text).errors] == [
        ("title", "Validation Failed: Issue.title is missing_field", "req_9b2f", "https://docs.github.com/rest/issues"),
        ("body", "body is too long", "req_9b2f", "https://docs.github.com/rest/issues")]


@pytest.mark.parametrize("text, param", [
    ("Body is too long (maximum is 65536 characters)", "body"),  # the sentence capitalised it
    ("body is too long (maximum is 65536 characters)", "body"),
    ("URL is too long", "URL"),  # an all-capitals name is kept as written
    # The sentence's full stop is not part of the name.
    ("Received unknown parameter: payment_method_configuration. Did you mean payment_method_types?",
     "payment_method_configuration"),
])
def test_a_field_capitalised_at_the_start_of_an_error_sentence_is_named_as_the_api_spells_it(text: str, param: str) -> None:
    assert [e.param for _, e in read_paste(text).errors] == [param]


@pytest.mark.parametrize("text, errors", [
    # A message with a docs link (Stripe's doc_url) or the parameter it is about is an error by itself.
    ('{"message": "Invalid email", "doc_url": "https://stripe.com/docs/error-codes/email-invalid"}',
     [(None, None, None, None, "Invalid email", None)]),
    ('{"message": "Invalid email", "param": "email"}', [(None, None, "email", None, "Invalid email", None)]),
    # A message alone is not.
    ('{"message": "hello"}', []),
])
def test_a_message_with_a_docs_link_or_a_param_is_an_error(text: str, errors: list[tuple]) -> None:
    assert _errors(text) == errors


def test_json_held_in_an_error_message_is_read_down_to_the_walk_depth() -> None:
    from bridgebot.check.readers.errors import MAX_WALK_DEPTH, errors_in

    held = '{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}'

    def messages(levels: int) -> list:
        value: object = {"type": "api_error", "message": held}
        for _ in range(levels):
            value = [value]
        return [e.message for e in errors_in(value)]

    # The JSON in the message is two levels below the error holding it: read while within the depth,
    # else the message is said as written.
    assert messages(MAX_WALK_DEPTH - 2) == ["Not Found"]
    assert messages(MAX_WALK_DEPTH - 1) == [held]


@pytest.mark.parametrize("text, request_id", [
    ("Request req_AbC123: Received unknown parameter: emial\nthanks for looking", "req_AbC123"),
    ("Received unknown parameter: emial (request-id: req_AbC123)\nthanks for looking", "req_AbC123"),
    # On another line: not this error's.
    ("Request req_AbC123: ok\nReceived unknown parameter: emial\nthanks", None),
    ("Received unknown parameter: emial\nRequest req_AbC123: ok", None),
])
def test_a_request_id_on_an_error_line_is_that_errors(text: str, request_id) -> None:
    assert [(e.param, e.request_id) for _, e in read_paste(text).errors] == [("emial", request_id)]


@pytest.mark.parametrize("statuses", ['"status": 402', '"statusCode": 402', '"status_code": 402',
                                      '"status": "error", "statusCode": 402', '"status": 402, "statusCode": 500'])
def test_the_status_beside_a_stripe_error_wrapper_is_the_errors_status(statuses: str) -> None:
    # The first of status, statusCode, status_code that is a number ("status": "error" is none).
    text = (f'{{{statuses}, "error": {{"type": "card_error", "message": "Your card was declined.", '
            '"code": "card_declined"}}')
    assert _errors(text) == [(402, "card_declined", None, "card_error", "Your card was declined.", None)]


def test_a_status_word_before_a_numeric_status_code_does_not_hide_it() -> None:
    # Express/JSend style: "status" says "error", "statusCode" has the number (the status was lost).
    text = '{"status": "error", "statusCode": 422, "code": "invalid_parameters", "message": "Invalid parameters"}'
    assert _errors(text) == [(422, "invalid_parameters", None, None, "Invalid parameters", None)]


def test_a_status_word_beside_a_wrapped_error_does_not_hide_its_status_code() -> None:
    # The same shape with Stripe's error object inside: the walker of nested errors read the word too.
    text = ('{"status": "error", "statusCode": 422, "error": {"type": "invalid_request_error", '
            '"code": "parameter_missing", "param": "amount", "message": "Missing required param: amount."}}')
    assert [e[:3] for e in _errors(text)] == [(422, "parameter_missing", "amount")]
    # A word alone leaves the status unknown; a number after several words is still found.
    text = '{"status": "failed", "http_status": "bad", "httpStatus": 409, "message": "Conflict", "code": "conflict", "type": "x"}'
    assert [e[0] for e in _errors(text)] == [409]


def test_raw_http_lines_quoted_with_a_bare_angle_bracket_give_the_request_and_headers() -> None:
    text = ">POST /v0/customers HTTP/1.1\n>Host: api.bridge.xyz\n>Api-Key: k\n>\n"
    (req,) = read_paste(text).requests
    assert (req.method, req.url, req.headers) == (
        "POST", "https://api.bridge.xyz/v0/customers", [("Host", "api.bridge.xyz"), ("Api-Key", "k")])
