"""API errors pasted in the shapes clients, proxies and SDKs print them: each read as the API said it."""

from __future__ import annotations

import pytest

from bridgebot.check import read_paste
from bridgebot.check.model import PastedError


def _errors(paste: str) -> list[PastedError]:
    return [err for _pos, err in read_paste(paste).errors]


@pytest.mark.parametrize("paste, errors", [
    # A gateway that wrapped the OAuth server's answer in its own message: the OAuth error inside.
    ('{"statusCode": 401, "message": "{\\"error\\":\\"invalid_token\\",'
     '\\"error_description\\":\\"The access token expired\\"}"}',
     [PastedError(status=401, code="invalid_token", message="The access token expired")]),
    # Bridge's error (its field in source.key) wrapped the same way.
    ('{"code": 400, "message": "{\\"code\\": \\"invalid_parameters\\", \\"message\\": \\"Invalid parameters\\", '
     '\\"source\\": {\\"location\\": \\"body\\", \\"key\\": \\"amount\\"}}"}',
     [PastedError(status=400, code="invalid_parameters", message="Invalid parameters", param="amount",
                  location="body")]),
    # A Stripe error a logger stored as a JSON string under "error": the error, not the string as its code.
    ('{"level": "error", "error": "{\\"message\\": \\"No such customer: cus_123\\", '
     '\\"type\\": \\"invalid_request_error\\", \\"param\\": \\"customer\\"}"}',
     [PastedError(message="No such customer: cus_123", param="customer", type="invalid_request_error")]),
    # A Lambda proxy response whose body is the error as a string, keyed "detail" (no "message").
    ('{"statusCode": 400, "body": "{\\"detail\\": \\"Amount must be positive\\", \\"code\\": \\"invalid_amount\\", '
     '\\"param\\": \\"amount\\"}"}',
     [PastedError(status=400, code="invalid_amount", message="Amount must be positive", param="amount")]),
])
def test_an_error_held_as_json_in_a_string_is_read_as_the_api_sent_it(paste: str, errors) -> None:
    assert _errors(paste) == errors


def test_errors_listed_under_a_response_keep_the_status_of_the_response() -> None:
    paste = ('{"status": 422, "data": [{"resource": "Issue", "field": "title", "code": "missing_field"}, '
             '{"resource": "Issue", "field": "labels", "code": "invalid", "message": "labels must be a list"}]}')
    assert [(e.status, e.type, e.param, e.code, e.message) for e in _errors(paste)] == [
        (422, "Issue", "title", "missing_field", "Issue.title is missing_field"),
        (422, "Issue", "labels", "invalid", "labels must be a list"),
    ]


@pytest.mark.parametrize("key", ["status", "statusCode", "status_code", "http_status", "httpStatus"])
def test_the_status_is_read_under_each_name_sdks_print_it_with(key: str) -> None:
    # stripe-node prints statusCode, stripe-python http_status, requests status_code, Java httpStatus.
    paste = ('{"%s": 402, "raw": {"type": "card_error", "code": "card_declined", '
             '"message": "Your card was declined."}}' % key)
    assert [(e.status, e.code, e.type) for e in _errors(paste)] == [(402, "card_declined", "card_error")]


def test_a_numeric_error_code_is_not_taken_for_the_http_status() -> None:
    paste = '{"code": "10001", "message": "Invalid signature", "type": "api_error"}'
    assert [(e.status, e.code, e.message) for e in _errors(paste)] == [(None, "10001", "Invalid signature")]


def test_json_in_a_message_after_a_line_break_is_read() -> None:
    paste = ('{"code": 502, "message": "\\n  {\\"message\\": \\"Bad credentials\\", '
             '\\"documentation_url\\": \\"https://docs.github.com/rest\\"}"}')
    assert [(e.status, e.message, e.docs_url) for e in _errors(paste)] == [
        (502, "Bad credentials", "https://docs.github.com/rest")]


@pytest.mark.parametrize("key", ["raw", "error", "json_body", "response", "data"])
def test_the_rawer_error_an_sdk_exception_holds_is_the_one_read(key: str) -> None:
    # stripe-node keeps the API's error in raw, stripe-python in json_body: it names the param.
    paste = ('{"type": "StripeInvalidRequestError", "code": "resource_missing", "message": "No such customer", '
             '"%s": {"type": "invalid_request_error", "code": "resource_missing", '
             '"message": "No such customer: \'cus_123\'", "param": "customer"}}' % key)
    assert [(e.type, e.param, e.message) for e in _errors(paste)] == [
        ("invalid_request_error", "customer", "No such customer: 'cus_123'")]


def test_errors_wrapped_in_errors_are_read_down_to_the_walk_depth() -> None:
    from bridgebot.check.readers.errors import MAX_WALK_DEPTH, errors_in

    def wrapped(levels: int):
        value = {"type": "invalid_request_error", "message": "Missing required param: amount.", "param": "amount"}
        for _ in range(levels):
            value = {"type": "api_error", "message": "Request failed", "raw": value}
        return value

    assert [e.param for e in errors_in(wrapped(MAX_WALK_DEPTH))] == ["amount"]
    assert [(e.param, e.message) for e in errors_in(wrapped(MAX_WALK_DEPTH + 1))] == [(None, "Request failed")]


@pytest.mark.parametrize("position, found", [(49, ["amount"]), (50, [])])
def test_a_list_is_searched_for_errors_in_its_first_fifty_items(position: int, found) -> None:
    from bridgebot.check.readers.errors import errors_in

    items: list = [{"id": i} for i in range(60)]
    items[position] = {"type": "invalid_request_error", "message": "Missing required param: amount.", "param": "amount"}
    assert [e.param for e in errors_in(items)] == found


def test_a_stripe_error_printed_as_a_quoted_json_string_is_read() -> None:
    paste = ('Stripe said: "{\\"error\\": {\\"type\\": \\"invalid_request_error\\", '
             '\\"message\\": \\"Missing required param: amount.\\", \\"param\\": \\"amount\\"}}"')
    assert [(e.type, e.param, e.message) for e in _errors(paste)] == [
        ("invalid_request_error", "amount", "Missing required param: amount.")]


_DECLINED = '{"type": "card_error", "code": "card_declined", "message": "Your card was declined."}'
_UNEXPECTED = ('{"type": "invalid_request_error", "code": "payment_intent_unexpected_state", '
               '"message": "This PaymentIntent could not be confirmed."}')


@pytest.mark.parametrize("key", ["error", "raw", "json_body", "jsonBody", "body", "response", "data", "errors",
                                 "err", "cause"])
def test_the_error_an_exception_holds_is_read_before_an_old_error_printed_beside_it(key: str) -> None:
    # The payment intent printed first still holds its last (older) error: the exception's own is the one.
    paste = '{"payment_intent": {"id": "pi_1", "last_payment_error": %s}, "%s": %s}' % (_DECLINED, key, _UNEXPECTED)
    assert [e.code for e in _errors(paste)] == ["payment_intent_unexpected_state"]


@pytest.mark.parametrize("paste", [
    '{"status_code": 400, "content": %s}' % _UNEXPECTED,
    '{"status_code": 400, "body": %s}' % _UNEXPECTED,
], ids=["any-key", "container"])
def test_an_error_under_a_response_keeps_the_responses_status(paste: str) -> None:
    assert [(e.status, e.code) for e in _errors(paste)] == [(400, "payment_intent_unexpected_state")]


@pytest.mark.parametrize("key", ["response", "details"])
def test_a_bridge_error_nested_in_a_response_names_its_field(key: str) -> None:
    paste = ('{"%s": {"code": "invalid_parameters", "message": "Invalid parameters", '
             '"source": {"location": "body", "key": "amount"}}}' % key)
    assert [(e.code, e.param, e.location) for e in _errors(paste)] == [("invalid_parameters", "amount", "body")]


def test_errors_in_a_cause_chain_are_read_down_to_the_walk_depth() -> None:
    from bridgebot.check.readers.errors import MAX_WALK_DEPTH, errors_in

    def chained(levels: int):
        value = {"type": "invalid_request_error", "message": "Missing required param: amount.", "param": "amount"}
        for _ in range(levels):
            value = {"name": "Error", "cause": value}
        return value

    assert [e.param for e in errors_in(chained(MAX_WALK_DEPTH))] == ["amount"]
    assert errors_in(chained(MAX_WALK_DEPTH + 1)) == []


def test_a_quoted_json_error_cut_off_does_not_hide_the_whole_one_after_it() -> None:
    paste = ('first try: "{\\"message\\": \\"Validation Fa\n'
             'second try: "{\\"message\\": \\"Not Found\\", \\"documentation_url\\": \\"https://docs.github.com/rest\\"}"')
    assert [(e.message, e.docs_url) for e in _errors(paste)] == [("Not Found", "https://docs.github.com/rest")]


def test_a_php_var_dump_of_a_stripe_error_is_read() -> None:
    # var_dump($e->getJsonBody())
    paste = ('array(1) {\n  ["error"]=>\n  array(3) {\n    ["type"]=>\n    string(21) "invalid_request_error"\n'
             '    ["message"]=>\n    string(31) "Missing required param: amount."\n'
             '    ["param"]=>\n    string(6) "amount"\n  }\n}')
    assert [(e.type, e.param, e.message) for e in _errors(paste)] == [
        ("invalid_request_error", "amount", "Missing required param: amount.")]


_LOG_URL = "https://dashboard.stripe.com/test/logs/req_Ab12Cd?t=1700000000"


@pytest.mark.parametrize("value, error", [
    # Stripe: the error object under "error", its request id in the dashboard's log URL.
    ({"statusCode": 404, "error": {"code": "resource_missing", "message": "No such customer: 'cus_1'",
                                   "param": "customer", "type": "invalid_request_error", "request_log_url": _LOG_URL}},
     PastedError(status=404, code="resource_missing", message="No such customer: 'cus_1'", param="customer",
                 type="invalid_request_error", request_id="req_Ab12Cd")),
    # Any one of message, code or type makes the object under "error" an error; no log URL, no id.
    ({"error": {"type": "api_error"}}, PastedError(type="api_error")),
    ({"error": {"code": "rate_limit"}}, PastedError(code="rate_limit")),
    ({"error": {"message": "Something went wrong"}}, PastedError(message="Something went wrong")),
    ({"error": {"message": "Something went wrong", "request_log_url": "https://example.test/logs"}},
     PastedError(message="Something went wrong")),
    # Bridge: code and message, the field in source.key and where it was in source.location.
    ({"status": 400, "code": "invalid_parameters", "message": "Invalid parameters",
      "source": {"location": "body", "key": "amount"}},
     PastedError(status=400, code="invalid_parameters", message="Invalid parameters", param="amount", location="body")),
    # source.key as a map of fields to what is wrong with each: every field, said after the message.
    ({"code": "invalid_parameters", "message": "Invalid parameters",
      "source": {"location": "body", "key": {"address.city": "must be set", "address.zip": "is invalid"}}},
     PastedError(code="invalid_parameters", message="Invalid parameters: address.city must be set; address.zip is invalid",
                 param="address.city,address.zip", location="body")),
    # OAuth-style: "error" a code, its sentence in error_description or detail; a map of fields as the message.
    ({"error": "invalid_token", "error_description": "The access token expired"},
     PastedError(code="invalid_token", message="The access token expired")),
    ({"error": "not_found", "detail": "No such transfer"}, PastedError(code="not_found", message="No such transfer")),
    ({"error": "invalid_parameters", "source": {"key": {"amount": "must be positive"}}},
     PastedError(code="invalid_parameters", message="amount must be positive", param="amount")),
    # The body's own code and message come before the OAuth-style "error" word.
    ({"error": "invalid_request", "code": "E42", "message": "Bad currency"},
     PastedError(code="E42", message="Bad currency")),
    # The location and name of a missing header or query parameter.
    ({"code": "missing_header", "message": "A header is missing", "location": "header", "name": "Idempotency-Key"},
     PastedError(code="missing_header", message="A header is missing", param="Idempotency-Key", location="header")),
    ({"code": "validation", "message": "Bad request", "name": "ValidationError"},
     PastedError(code="validation", message="Bad request")),
    # A list of errors: the first one's code, message and field, unless the body has its own.
    ({"errors": [{"code": "too_small", "message": "Amount is too small", "field": "amount"}], "request_id": "r-123"},
     PastedError(code="too_small", message="Amount is too small", param="amount", request_id="r-123")),
    ({"errors": [{"code": "invalid", "param": "currency"}], "requestId": "r-456"},
     PastedError(code="invalid", param="currency", request_id="r-456")),
    ({"code": "validation_failed", "message": "Validation failed", "errors": [{"code": "too_small", "field": "amount"}]},
     PastedError(code="validation_failed", message="Validation failed", param="amount")),
    # GitHub: a message with documentation_url, or with errors[] that are plain strings.
    ({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}, PastedError(message="Not Found")),
    ({"message": "Validation Failed", "errors": ["name is too short"]}, PastedError(message="Validation Failed")),
])
def test_error_bodies_in_the_shapes_apis_send_are_read(value, error) -> None:
    from bridgebot.check.paste import error_from_json

    assert error_from_json(value) == error


@pytest.mark.parametrize("key", ["status", "statusCode", "status_code"])
def test_an_error_bodys_status_is_read_under_each_name(key: str) -> None:
    from bridgebot.check.paste import error_from_json

    assert error_from_json({key: 422, "code": "invalid", "message": "Bad"}) == PastedError(
        status=422, code="invalid", message="Bad")
    # {"status": "error", "statusCode": 422}: the first that is a number.
    assert error_from_json({"status": "error", key: 422, "code": "invalid", "message": "Bad"}).status == 422


@pytest.mark.parametrize("value", [
    ["code", "message"],
    {"message": "Hello"},  # a message alone is any JSON with a message, not an error
    {"code": "ok"},
    {"documentation_url": "https://docs.github.com/rest"},
    {"error": {"reason": "unknown"}},
    {"errors": []},
    {"errors": ["name is too short"]},
], ids=["list", "message", "code", "docs", "error-object", "no-errors", "string-errors"])
def test_json_that_is_not_an_error_body_is_not_read_as_one(value) -> None:
    from bridgebot.check.paste import error_from_json

    assert error_from_json(value) is None


@pytest.mark.parametrize("body, code", [("", None), ('\n{"code": "invalid_parameters", "message": "Invalid parameters"}',
                                                     "invalid_parameters")])
def test_the_url_a_client_exception_names_is_kept_with_its_status(body: str, code) -> None:
    paste = ("requests.exceptions.HTTPError: 400 Client Error: Bad Request for url: "
             "https://api.bridge.xyz/v0/customers" + body)
    assert [(e.status, e.url, e.code) for e in _errors(paste)] == [(400, "https://api.bridge.xyz/v0/customers", code)]


@pytest.mark.parametrize("line", ["HTTP/1.1 200 OK", "Request failed with status code 304"])
@pytest.mark.parametrize("before, read", [(99, True), (100, False)])
def test_status_lines_are_read_for_the_first_hundred(line: str, before: int, read: bool) -> None:
    # A log of thousands of status lines is read for its first hundred (each may pair with an error).
    failed = line.replace("200 OK", "402 Payment Required").replace("304", "402")
    assert [e.status for e in _errors(f"{line}\n" * before + failed + "\n")] == ([402] if read else [])


@pytest.mark.parametrize("before, request_id", [(99, "req_last"), (100, None)])
def test_request_id_lines_are_read_for_the_first_hundred(before: int, request_id) -> None:
    # The ids logged far (3,000+ characters) from any error pair with none; the first hundred are read.
    log = "".join(f"request-id: req_{i}\n" for i in range(before)) + "." * 3100 + "\n"
    paste = log + "HTTP/1.1 402 Payment Required\nrequest-id: req_last\n"
    assert [(e.status, e.request_id) for e in _errors(paste)] == [(402, request_id)]


@pytest.mark.parametrize("distance, errors", [(2999, [(404, "not_found")]), (3000, [(404, None), (None, "not_found")])])
def test_a_status_line_pairs_with_an_error_starting_less_than_3000_characters_after_it(distance: int, errors) -> None:
    status = "HTTP/1.1 404 Not Found\n"
    text = status + "x" * (distance - len(status) - 1) + '\n{"code": "not_found", "message": "Customer not found"}'
    assert text.index("{") == distance
    assert [(e.status, e.code) for e in _errors(text)] == errors


_NOT_FOUND = '{"code": "not_found", "message": "Customer not found"}'


@pytest.mark.parametrize("distance, request_id", [(2999, "9b2f-11"), (3000, None)])
def test_a_request_id_pairs_with_an_error_starting_less_than_3000_characters_from_it(distance: int, request_id) -> None:
    after = _NOT_FOUND + "\n" + "x" * (distance - len(_NOT_FOUND) - 2) + "\nx-request-id: 9b2f-11"
    assert after.index("x-request-id") == distance
    line = "x-request-id: 9b2f-11\n"
    before = line + "x" * (distance - len(line) - 1) + "\n" + _NOT_FOUND
    assert before.index("{") == distance
    assert [e.request_id for e in _errors(after)] == [request_id]
    assert [e.request_id for e in _errors(before)] == [request_id]


@pytest.mark.parametrize("repeats, params", [(499, ["amount", "currency"]), (500, ["amount"])])
def test_errors_written_as_text_are_read_for_the_first_five_hundred(repeats: int, params) -> None:
    # A log repeating one error is said once; the text readers stop after five hundred matches.
    paste = "Missing required param: amount.\n" * repeats + "Missing required param: currency.\n"
    assert [e.param for e in _errors(paste)] == params


def test_a_message_inside_a_quoted_json_error_is_said_once_and_the_errors_after_it_are_read() -> None:
    paste = ('first try: "{\\"error\\": {\\"message\\": \\"Missing required param: amount.\\", \\"param\\": \\"amount\\"}}"\n'
             'then: Missing required param: currency.')
    assert [(e.param, e.message) for e in _errors(paste)] == [
        ("amount", "Missing required param: amount."), ("currency", "Missing required param: currency.")]


_GO_HEADER = "POST https://api.github.com/repos/o/r/issues: 422 Validation Failed ["


def test_go_githubs_entries_take_the_status_of_their_header_wherever_it_is_in_the_paste() -> None:
    paste = "x" * 800 + "\n" + _GO_HEADER + "{Resource:Issue Field:title Code:missing_field}]"
    assert [(e.status, e.method, e.param, e.code) for e in _errors(paste)] == [(422, "POST", "title", "missing_field")]


@pytest.mark.parametrize("distance, status", [(1499, 422), (1500, None)])
def test_go_githubs_entries_take_their_headers_status_up_to_1500_characters_after_it(distance: int, status) -> None:
    first = "{Resource:Issue Field:body Code:custom Message:"
    paste = (_GO_HEADER + first + "y" * (distance - len(_GO_HEADER) - len(first) - 2)
             + "} {Resource:Issue Field:title Code:missing_field}]")
    assert paste.index("{Resource:Issue Field:title") == distance
    assert [(e.status, e.param) for e in _errors(paste)] == [(422, "body"), (status, "title")]


def test_a_status_line_takes_the_message_written_after_it_wherever_it_is_in_the_paste() -> None:
    paste = "x" * 1500 + "\nHTTP/1.1 400 Bad Request\nMissing required param: amount.\n"
    assert [(e.status, e.param, e.message) for e in _errors(paste)] == [(400, "amount", "Missing required param: amount.")]


def test_a_client_exception_keeps_its_url_when_the_message_after_it_fills_it_in() -> None:
    paste = ("requests.exceptions.HTTPError: 400 Client Error: Bad Request for url: https://api.stripe.com/v1/charges\n"
             "Missing required param: amount.")
    assert [(e.status, e.url, e.param) for e in _errors(paste)] == [(400, "https://api.stripe.com/v1/charges", "amount")]


@pytest.mark.parametrize("distance, errors", [(1999, [(400, "amount")]), (2000, [(400, None), (None, "amount")])])
def test_a_status_line_takes_a_message_starting_less_than_2000_characters_after_it(distance: int, errors) -> None:
    status = "HTTP/1.1 400 Bad Request\n"
    paste = status + "x" * (distance - len(status) - 1) + "\nMissing required param: amount."
    assert paste.index("Missing") == distance
    assert [(e.status, e.param) for e in _errors(paste)] == errors


def test_the_errors_after_one_that_filled_in_a_status_line_are_still_read() -> None:
    paste = "HTTP/1.1 400 Bad Request\nMissing required param: amount.\nMissing required param: currency."
    assert [(e.status, e.param) for e in _errors(paste)] == [(400, "amount"), (None, "currency")]
