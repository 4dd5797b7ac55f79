"""How a message is read into requests and errors: the limits and the small rules of each reader."""

from __future__ import annotations

import pytest

from bridgebot.check import paste as paste_mod
from bridgebot.check import read_paste

CURL = "curl https://api.bridge.xyz/v0/wallets -H 'Api-Key: $K'\n"
RAW_GET = "GET /v0/customers HTTP/1.1\nHost: api.bridge.xyz\n\n"
CAP_NOTE = "This message holds more than 20 requests; I checked the first 20."


def test_a_log_dump_of_curls_and_raw_http_says_the_cap_once() -> None:
    paste = read_paste(CURL * 21 + RAW_GET)
    assert len(paste.requests) == 20
    assert paste.problems == [CAP_NOTE]


def test_curls_past_the_cap_are_not_read_so_none_is_reported_broken() -> None:
    # The 22nd curl has no URL: it is past the 20 checked, so the reply says nothing about it.
    paste = read_paste(CURL * 21 + "curl -H 'Api-Key: $K'\n")
    assert len(paste.requests) == 20
    assert paste.problems == [CAP_NOTE]


def test_a_message_is_read_for_its_first_hundred_curl_mentions() -> None:
    # A bound on the work per message: a hundred "curl" words in prose, then a command, is read no further.
    prose = "we use curl here\n" * 100
    assert read_paste(prose + CURL).requests == []
    assert len(read_paste(prose[17:] + CURL).requests) == 1


def test_a_curl_word_inside_a_command_does_not_stop_the_commands_after_it() -> None:
    paste = read_paste("curl https://api.bridge.xyz/v0/wallets -A 'bot, via curl 8.4'\n"
                       "curl https://api.bridge.xyz/v0/customers\n")
    assert [r.url for r in paste.requests] == ["https://api.bridge.xyz/v0/wallets", "https://api.bridge.xyz/v0/customers"]


def test_curl_in_a_sentence_with_an_apostrophe_is_a_word_not_an_unclosed_quote() -> None:
    paste = read_paste("I ran curl against the user's endpoint and got\n"
                       '{"code": "not_found", "message": "Customer not found"}\nany idea why?')
    assert (paste.requests, paste.problems) == ([], [])
    assert [e.code for _, e in paste.errors] == ["not_found"]


def test_a_command_after_curl_named_in_a_sentence_is_read() -> None:
    paste = read_paste("why does curl fail here? I ran\ncurl https://api.bridge.xyz/v0/customers\n")
    assert [r.url for r in paste.requests] == ["https://api.bridge.xyz/v0/customers"]


def test_a_curl_command_on_one_line_longer_than_a_sentence_is_read() -> None:
    body = '{"first_name": "' + "a" * 1200 + '"}'
    paste = read_paste(f"curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: k' -d '{body}'")
    assert [(r.method, r.body) for r in paste.requests] == [("POST", body)]


def test_a_quarter_million_character_line_of_curl_words_is_not_measured_word_by_word(monkeypatch) -> None:
    # Each "curl" word is told from a command by its first sentence's worth of text, never by
    # measuring the rest of the line: a hundred measures of this line took 8 s (the time itself
    # is benchmarks/fuzz.py's to watch; here, the work is counted).
    measured: list[int] = []
    real = paste_mod._command_extent
    monkeypatch.setattr(paste_mod, "_command_extent", lambda text, start: measured.append(start) or real(text, start))
    paste = read_paste("a " + "curl is it `x` " * 16000)
    assert (paste.requests, paste.problems, measured) == ([], [], [])


def test_a_command_after_a_long_line_of_curl_words_is_read() -> None:
    paste = read_paste("curl is what we use " * 80 + "\ncurl https://api.bridge.xyz/v0/customers\n")
    assert [r.url for r in paste.requests] == ["https://api.bridge.xyz/v0/customers"]


def test_a_backtick_later_in_the_message_does_not_make_a_curl_at_its_start_inline_code() -> None:
    paste = read_paste('curl -X POST https://api.bridge.xyz/v0/customers -H "Idempotency-Key: `uuidgen`" -d a=1\n'
                       "and it fails with `400`")
    assert [(r.url, r.header("Idempotency-Key"), r.body) for r in paste.requests] == [
        ("https://api.bridge.xyz/v0/customers", "`uuidgen`", "a=1")]
    assert paste.problems == []


def test_a_code_block_opened_right_before_curl_after_other_text_is_not_inline_code() -> None:
    paste = read_paste("see\n```curl.exe -X POST https://api.bridge.xyz/v0/customers `\n  -H 'Api-Key: k' `\n"
                       "  -d 'a=1'```")
    assert [(r.method, r.header("Api-Key"), r.body) for r in paste.requests] == [("POST", "k", "a=1")]


def test_inline_code_ends_at_its_first_closing_backtick() -> None:
    paste = read_paste("run `curl https://api.bridge.xyz/v0/customers -H 'Api-Key: k'` and then `ls -la /tmp`")
    assert [(r.url, r.headers) for r in paste.requests] == [("https://api.bridge.xyz/v0/customers", [("Api-Key", "k")])]
    assert paste.problems == []


def test_inline_code_never_closed_runs_to_the_end_of_the_command() -> None:
    paste = read_paste("`curl https://api.bridge.xyz/v0/customers -H 'Api-Key: k'")
    assert [(r.url, r.headers) for r in paste.requests] == [("https://api.bridge.xyz/v0/customers", [("Api-Key", "k")])]


def test_a_heredoc_before_a_curl_is_not_that_curls_body() -> None:
    paste = read_paste("curl -X POST https://api.bridge.xyz/v0/customers -d @- <<EOF\n{\"type\": \"individual\"}\nEOF\n"
                       "curl https://api.bridge.xyz/v0/wallets\n{\"data\": []}\n")
    assert [(r.url, r.body, r.notes) for r in paste.requests] == [
        ("https://api.bridge.xyz/v0/customers", '{"type": "individual"}', []),
        ("https://api.bridge.xyz/v0/wallets", None, []),
    ]


def test_a_quoted_body_line_starting_with_a_prompt_sign_is_kept_as_written() -> None:
    (req,) = read_paste("curl -X POST https://api.bridge.xyz/v0/customers -d 'note=see\n> the quote'").requests
    assert req.body == "note=see\n> the quote"


def test_a_heredoc_body_is_not_read_as_shell_words() -> None:
    # An apostrophe in the body would be an unclosed quote in the command: the body is fed on stdin.
    (req,) = read_paste("curl -X POST https://api.bridge.xyz/v0/customers -d @- <<'EOF'\nnote=it's late\nEOF\n").requests
    assert req.body == "note=it's late"


def test_a_body_with_a_double_angle_but_no_heredoc_is_kept_whole() -> None:
    (req,) = read_paste("curl -X POST https://api.bridge.xyz/v0/customers -d 'note=a<<b'").requests
    assert req.body == "note=a<<b"


def test_shell_prompts_are_dropped_only_when_every_continuation_has_one() -> None:
    (req,) = read_paste("curl -X POST https://api.bridge.xyz/v0/customers \\\n  -H 'Api-Key: k' \\\n"
                        "  -d 'note=a \\\n> b'").requests
    assert req.body == "note=a \\\n> b"


def test_a_command_after_curl_named_in_inline_code_is_read() -> None:
    paste = read_paste("the `curl output` at https://status.bridge.xyz was empty, so I ran\n"
                       "curl https://api.bridge.xyz/v0/customers\n")
    assert [r.url for r in paste.requests] == ["https://api.bridge.xyz/v0/customers"]


def test_a_curl_without_a_url_is_named_by_its_own_line() -> None:
    paste = read_paste("hi\ncurl -H 'Api-Key: k'\nthanks\nbye")
    assert paste.problems == ["I couldn't read the curl command on line 2: the curl command has no URL."]


def test_a_raw_http_request_before_a_curl_is_read_with_it() -> None:
    paste = read_paste("GET /v0/customers HTTP/1.1\nHost: api.bridge.xyz\n\ncurl https://api.bridge.xyz/v0/wallets\n")
    assert [(r.source, r.url) for r in paste.requests] == [
        ("http", "https://api.bridge.xyz/v0/customers"), ("curl", "https://api.bridge.xyz/v0/wallets")]


def test_client_code_before_a_curl_is_read_with_it() -> None:
    paste = read_paste("requests.get('https://api.bridge.xyz/v0/customers', headers={'Api-Key': key})\n"
                       "curl https://api.bridge.xyz/v0/wallets\n")
    assert [r.url for r in paste.requests] == ["https://api.bridge.xyz/v0/customers", "https://api.bridge.xyz/v0/wallets"]


def test_an_idempotency_key_later_in_the_message_is_not_the_code_calls() -> None:
    paste = read_paste("fetch('https://api.bridge.xyz/v0/customers', {method: 'POST', body: JSON.stringify(c)})\n"
                       "curl -X POST https://api.bridge.xyz/v0/transfers -H 'Idempotency-Key: 4f8e1c7a'\n")
    assert [(r.url, r.header("Idempotency-Key")) for r in paste.requests] == [
        ("https://api.bridge.xyz/v0/customers", None), ("https://api.bridge.xyz/v0/transfers", "4f8e1c7a")]


def test_an_sdk_call_before_a_curl_is_read_with_it(stripe_specs) -> None:
    paste = read_paste("await stripe.customers.create({email: 'a@b.co'});\ncurl https://api.stripe.com/v1/customers\n",
                       stripe_specs)
    assert [r.source for r in paste.requests][1:] == ["curl"] and len(paste.requests) == 2


def test_a_body_assigned_to_a_variable_an_sdk_call_sends_is_no_bare_body(stripe_specs) -> None:
    paste = read_paste('const params = {"email": "jo@example.com", "name": "Jo"};\n'
                       "const customer = await stripe.customers.create(params);\n", stripe_specs)
    assert len(paste.requests) == 1
    assert (paste.bare_bodies, paste.hints) == ([], [])


def test_a_body_assigned_on_the_first_line_to_a_one_letter_name_is_no_bare_body() -> None:
    paste = read_paste('b = {"email": "a@b.co"}\nrequests.post("https://api.bridge.xyz/v0/customers", json=b)\n')
    assert len(paste.requests) == 1
    assert (paste.bare_bodies, paste.hints) == ([], [])


def test_an_error_after_a_body_assigned_in_code_is_read() -> None:
    paste = read_paste('payload = {"email": "a@b.co"}\nrequests.post("https://api.bridge.xyz/v0/customers", json=payload)\n'
                       'got:\n{"code": "not_found", "message": "Customer not found"}\n')
    assert [e.code for _, e in paste.errors] == ["not_found"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_a_broken_json_body_under_a_method_that_sends_one_is_that_requests_body(method: str) -> None:
    paste = read_paste(f'{method} /v0/customers/cus_1\n{{"email" "a@b.co"}}')
    assert [(r.method, r.header("Content-Type"), r.body_error) for r in paste.requests] == [
        (method, "application/json", "Expecting ':' delimiter at line 1 column 10 of the JSON")]
    assert paste.problems == []


def test_json_that_cannot_be_read_is_named_by_its_own_line_and_the_rest_is_read() -> None:
    paste = read_paste('hi\n{"a" 1}\n\nthen\n{"code": "not_found", "message": "Customer not found"}\nthanks')
    assert paste.problems == ["The JSON on line 2 could not be read: Expecting ':' delimiter at line 1 column 6 of the JSON."]
    assert [e.code for _, e in paste.errors] == ["not_found"]


def test_a_body_after_an_object_in_a_log_line_is_read() -> None:
    paste = read_paste('INFO sent {"a": 1} ok\nPOST /v0/customers\n{"type": "individual"}')
    assert [(r.method, r.url, r.body) for r in paste.requests] == [("POST", "/v0/customers", '{"type": "individual"}')]


def test_a_body_after_a_curls_printed_response_is_read() -> None:
    paste = read_paste('curl https://api.bridge.xyz/v0/wallets\n{"data": []}\nPOST /v0/customers\n{"type": "individual"}')
    assert [(r.method, r.body) for r in paste.requests] == [("GET", None), ("POST", '{"type": "individual"}')]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_a_json_body_under_a_method_that_sends_one_is_that_requests_body(method: str) -> None:
    paste = read_paste(f'{method} /v0/customers/cus_1\n{{"email": "a@b.co"}}')
    assert [(r.method, r.header("Content-Type"), r.body) for r in paste.requests] == [
        (method, "application/json", '{"email": "a@b.co"}')]


HTTP_POST = "POST /v0/customers HTTP/1.1\nHost: api.bridge.xyz\n\n"


@pytest.mark.parametrize("body", ['  {"type": "individual"}', '\n{"type": "individual"}', '[{"type": "individual"}]',
                                  '        {"type": "individual", "address": {"city": "X"}}'],
                         ids=["indented", "after-a-second-blank-line", "array", "indented-nested"])
def test_a_raw_http_json_body_is_read_once_as_its_body(body: str) -> None:
    paste = read_paste(HTTP_POST + body + "\n")
    assert [r.body for r in paste.requests] == [body.strip()]
    assert (paste.hints, paste.problems) == ([], [])


def test_a_broken_raw_http_body_ends_at_its_own_code_block() -> None:
    (req,) = read_paste("```\n" + HTTP_POST + '{"type": "individual",\n```\nand the reply\n```\nHTTP/1.1 400\n```').requests
    assert req.body == '{"type": "individual",'


@pytest.mark.parametrize("after", ["\n\nthanks for the help\n\nbye", "\n```\nand then\n```\nbye\n```"], ids=["paragraphs", "blocks"])
def test_a_raw_http_form_body_ends_at_its_paragraph_or_block(after: str) -> None:
    (req,) = read_paste(("```\n" if "```" in after else "") + HTTP_POST + "type=individual&email=a%40b.co" + after).requests
    assert req.body == "type=individual&email=a%40b.co"


def test_json_printed_after_a_raw_http_form_request_is_its_response() -> None:
    paste = read_paste(HTTP_POST + "type=individual\n\n{\"id\": \"cus_1\", \"type\": \"individual\"}")
    assert [(r.method, r.body) for r in paste.requests] == [("POST", "type=individual")]


@pytest.mark.parametrize("request_line, host, url", [
    ("GET /v0/customers HTTP/1.1", "", "/v0/customers"),
    ("GET /v0/customers HTTP/1.1", "Host: api.bridge.xyz\n", "https://api.bridge.xyz/v0/customers"),
    ("GET https://api.bridge.xyz/v0/customers HTTP/1.1", "Host: api.bridge.xyz\n", "https://api.bridge.xyz/v0/customers"),
], ids=["no-host", "host", "absolute-form"])
def test_a_raw_http_url_is_its_target_on_its_host(request_line: str, host: str, url: str) -> None:
    assert [r.url for r in read_paste(f"{request_line}\n{host}\n").requests] == [url]


@pytest.mark.parametrize("data", ['"note=say \\"hi"', "'path=C:\\'"], ids=["escaped-double-quote", "backslash-in-single-quotes"])
def test_a_quoted_value_ends_where_the_shell_ends_it(data: str) -> None:
    paste = read_paste(f"curl -X POST https://api.bridge.xyz/v0/customers -d {data}\ncurl https://api.bridge.xyz/v0/wallets\n")
    assert [r.url for r in paste.requests] == ["https://api.bridge.xyz/v0/customers", "https://api.bridge.xyz/v0/wallets"]


def test_a_request_line_inside_a_curls_quoted_body_is_part_of_that_body() -> None:
    paste = read_paste("curl -X POST https://api.bridge.xyz/v0/notes -d 'text=see\nGET /v0/customers HTTP/1.1\n'\n")
    assert [(r.method, r.url) for r in paste.requests] == [("POST", "https://api.bridge.xyz/v0/notes")]


def test_line_numbers_count_a_message_that_opens_with_a_blank_line() -> None:
    paste = read_paste("\nhi\ncurl -H 'Api-Key: k'\nbye")
    assert paste.problems == ["I couldn't read the curl command on line 3: the curl command has no URL."]
