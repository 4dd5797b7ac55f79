"""JSON values found in a paste: where one starts, and the bounds that keep a long log cheap to read."""

from __future__ import annotations

import pytest

from bridgebot.check.paste import MAX_JSON_DEPTH, MAX_LENIENT_READS, read_paste

#: JSON that neither the strict nor the lenient reader can read (a missing comma, a stray bracket).
BROKEN = '{"count": 1 "data": ]}'
#: A body in JavaScript's syntax: only the lenient reader reads it.
LOOSE_BODY = "POST /v0/customers\n{type: 'individual'}"


def _log(lines: int) -> str:
    return "".join(f"worker {i} finished its batch without trouble\n" for i in range(lines))


@pytest.mark.parametrize("bodies, said", [(20, 20), (21, 20)])
def test_unreadable_json_is_reported_for_the_first_twenty(bodies: int, said: int) -> None:
    paste = read_paste("\n\n".join([BROKEN] * bodies))
    assert len(paste.problems) == said
    assert paste.problems[-1] == (f"The JSON on line {2 * said - 1} could not be read: "
                                  "Expecting ',' delimiter at line 1 column 13 of the JSON.")


@pytest.mark.parametrize("unreadable, found", [(50, ["resource_missing"]), (51, [])])
def test_reading_json_stops_after_fifty_unreadable_values(unreadable: int, found) -> None:
    # A log of broken JSON is read for its first fifty values: an error after them is still read.
    error = '{"error": {"code": "resource_missing", "message": "No such customer"}}'
    paste = read_paste("\n\n".join([BROKEN] * unreadable + [error]))
    assert [e.code for _pos, e in paste.errors] == found


def test_a_log_lines_tag_does_not_use_up_the_lenient_reads() -> None:
    # "[INFO]" is read leniently once and passed over: the JavaScript body after it is still read.
    text = "[INFO] sending the request\n" + LOOSE_BODY
    assert [(r.method, r.url, r.body) for r in read_paste(text).requests] == [
        ("POST", "/v0/customers", "{type: 'individual'}")]


def test_a_failed_lenient_read_near_the_end_of_a_long_paste_costs_only_the_rest_of_it() -> None:
    # Three unreadable values at the end of a 37,000-character log: each failed lenient read is
    # charged the few characters left after it, so the JavaScript body after them is still read.
    text = _log(800) + "\n" + "\n\n".join([BROKEN] * 3) + "\n\n" + _log(10) + "\n" + LOOSE_BODY + "\n"
    paste = read_paste(text)
    assert [(r.method, r.url, r.body) for r in paste.requests] == [("POST", "/v0/customers", "{type: 'individual'}")]
    assert len(paste.problems) == 3


def test_an_error_logged_mid_line_with_a_capitalized_first_key_is_read() -> None:
    # Go and .NET services log structs with their field names capitalized.
    paste = read_paste('2024-05-01 10:00:01 ERROR issue sync failed '
                       '{"Errors": [{"resource": "Issue", "field": "title", "code": "missing_field"}]}')
    assert [(e.type, e.param, e.code) for _pos, e in paste.errors] == [("Issue", "title", "missing_field")]


def test_unreadable_json_in_a_code_block_hides_nothing_after_the_block() -> None:
    # The broken body is passed over to the end of its own code block, not to the last fence in
    # the message (nor from the fence that opens it): the error in the next block is still read.
    paste = read_paste('I send this:\n```\n{"amount": 10, "currency": ]}\n```\nand get back:\n```\n'
                       'HTTP/1.1 400 Bad Request\n```')
    assert [e.status for _pos, e in paste.errors] == [400]
    assert paste.problems == ["The JSON on line 3 could not be read: Expecting value at line 1 column 28 of the JSON."]


def _loose_values() -> str:
    """As many JavaScript objects as get a lenient read: the values after them are read strictly."""
    return "".join(f"{{id: {i}, type: 'individual'}}\n" for i in range(MAX_LENIENT_READS))


def test_a_code_fence_inside_a_broken_bodys_string_does_not_end_it() -> None:
    # A markdown field holding a fence: the body is broken later on, not cut off at the fence.
    paste = read_paste(_loose_values() + '{"description": "Run ```make``` first", "amount": ]}\n')
    assert paste.problems == [f"The JSON on line {MAX_LENIENT_READS + 1} could not be read: "
                              "Expecting value at line 1 column 51 of the JSON."]


def test_a_body_cut_off_at_its_code_blocks_closing_fence_is_said_to_end_early() -> None:
    paste = read_paste(_loose_values() + '```\n{"amount": 10,\n```\nThe API says nothing back.')
    assert paste.problems == [f"The JSON on line {MAX_LENIENT_READS + 2} could not be read: "
                              "it ends early (cut off?) at line 2 column 1 of the JSON."]


def test_the_column_of_a_broken_body_is_counted_from_its_line_when_the_paste_opens_with_a_line_break() -> None:
    assert read_paste("\n" + BROKEN).problems == [
        "The JSON on line 2 could not be read: Expecting ',' delimiter at line 1 column 13 of the JSON."]


@pytest.mark.parametrize("body, reason", [
    # Cut off in its last word, at the end of the message or of its paragraph.
    ('{"livemode": t\n', "it ends early (cut off?) at line 1 column 14"),
    ('{"livemode": t\n\nThat is all I have.', "it ends early (cut off?) at line 1 column 14"),
    # Broken a character before the paragraph ends: a wrong character, not a cut.
    ('{"amount": 10 ]]\n\nThat is all I have.', "Expecting ',' delimiter at line 1 column 15"),
])
def test_a_body_broken_at_its_last_character_is_said_to_end_early(body: str, reason: str) -> None:
    assert read_paste(_loose_values() + body).problems == [
        f"The JSON on line {MAX_LENIENT_READS + 1} could not be read: {reason} of the JSON."]


def test_a_line_comment_in_a_body_read_strictly_is_named() -> None:
    assert read_paste(_loose_values() + '{"amount": 10 // cents\n}').problems == [
        f"The JSON on line {MAX_LENIENT_READS + 1} could not be read: "
        "JSON does not allow comments at line 1 column 15 of the JSON."]


@pytest.mark.parametrize("levels, error", [
    (MAX_JSON_DEPTH, None), (MAX_JSON_DEPTH + 1, f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep")])
def test_a_body_is_read_down_to_the_depth_limit(levels: int, error) -> None:
    body = '{"a": ' * (levels - 1) + "{}" + "}" * (levels - 1)
    (req,) = read_paste("POST /v0/transfers\n" + body).requests
    assert (req.body, req.body_error) == (body, error)


@pytest.mark.parametrize("body, said", [
    # A JavaScript variable as a value, a cut-off literal, a block comment: each told as JSON would.
    ('{"amount": n}', "Expecting value at line 1 column 12"),
    ('{"livemode": t', "it ends early (cut off?) at line 1 column 14"),
    ('{"amount": 10 /* cents */}', "JSON does not allow comments at line 1 column 15"),
])
def test_why_a_loose_body_is_not_json_is_said_as_a_json_parser_would(body: str, said: str) -> None:
    (req,) = read_paste("POST /v0/transfers\n" + body).requests
    assert (req.method, req.url, req.body_error) == ("POST", "/v0/transfers", f"{said} of the JSON")


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_the_body_method_named_before_a_body_wins_over_a_get_named_after_it(method: str) -> None:
    text = f'I {method} /v0/customers/c_1 (after a GET /v0/customers/c_1):\n{{"first_name": "Jo"}}'
    (req,) = read_paste(text).requests
    assert (req.method, req.url) == (method, "/v0/customers/c_1")


def test_a_body_with_a_get_named_after_it_is_that_gets_response() -> None:
    paste = read_paste('{"id": "tr_1", "state": "pending"}\nis what GET /v0/transfers/tr_1 returns.')
    assert (paste.requests, paste.bare_bodies, paste.problems) == ([], [], [])


@pytest.mark.parametrize("before", ["I POST ", "I sent this to ", ""])
def test_an_endpoint_at_the_end_of_a_sentence_loses_the_full_stop_only(before: str) -> None:
    text = before + 'https://api.bridge.xyz/v0/transfers/tr_9X.\n{"amount": "10.0"}'
    assert [(r.method, r.url) for r in read_paste(text).requests] == [
        ("POST", "https://api.bridge.xyz/v0/transfers/tr_9X")]


@pytest.mark.parametrize("head, url", [("POST /v0/transfers ", "/v0/transfers"),
                                       ("https://api.bridge.xyz/v0/transfers ", "https://api.bridge.xyz/v0/transfers")])
@pytest.mark.parametrize("distance, found", [(600, True), (601, False)])
def test_a_bodys_endpoint_is_looked_for_in_the_600_characters_before_it(head: str, url: str, distance: int,
                                                                          found: bool) -> None:
    text = head + "x" * (distance - len(head) - 1) + '\n{"amount": "10.0"}'
    assert text.index("{") == distance
    assert [(r.method, r.url) for r in read_paste(text).requests] == ([("POST", url)] if found else [])


def test_a_message_of_many_javascript_error_dumps_is_read_for_its_first_twenty() -> None:
    # Each dump holds a symbol key, so only the JavaScript reader reads it; it looks at twenty.
    text = "\n".join(f"{{ code: 'odd_{i}', message: 'Something odd happened', [Symbol(kCapture)]: false }}"
                     for i in range(21))
    paste = read_paste(text)
    assert [e.code for _pos, e in paste.errors] == [f"odd_{i}" for i in range(20)]
    assert paste.problems == []


@pytest.mark.parametrize("offset, sent", [(298, [("POST", "/v0/transfers")]), (299, [("POST", "/v0/transfers")]), (310, [])])
def test_an_endpoint_named_in_the_300_characters_after_a_body_is_read_whole(offset: int, sent) -> None:
    # The URL of one named near the end of that stretch was cut there ("POST /").
    body = '{"amount": "10.0"}'
    text = body + "\n" + "y" * (offset - 7) + " POST /v0/transfers"
    assert text.index("/") - len(body) == offset
    assert [(r.method, r.url) for r in read_paste(text).requests] == sent
