"""The lenient reader (bridgebot/check/readers/lenient.py) and what the checker does with it:
elisions stay unknown, cut-off ends and JS/Python literals are read, mid-line JSON is found."""

from __future__ import annotations

import pytest

from bridgebot.check import check_paste, read_paste
from bridgebot.check.model import ElidedDict, Unresolved
from bridgebot.check.paste import MAX_LENIENT_READS, MAX_LENIENT_TOTAL
from bridgebot.check.readers.lenient import _QUOTE_LOOK, LenientError, read_value


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
    # ...and so does a multi-line hash that misses them: a quoted key is never stretched to a later quote.
    ('{\n  "a" => 1\n  "b" => "y"\n}', {"a": 1, "b": "y"}, {"literal"}),
    # Minified (no spaces after colons), comments, escaped quotes inside strings.
    ("{a:1,b:'x',c:[2,3]}", {"a": 1, "b": "x", "c": [2, 3]}, {"literal"}),
    ('{amount: 1, // cents\n  currency: "usd" # lower case\n}', {"amount": 1, "currency": "usd"}, {"literal"}),
    ("{msg: 'can\\'t parse', n: 1}", {"msg": "can't parse", "n": 1}, {"literal"}),
    ('{msg: "say \\"hi\\"", n: 1}', {"msg": 'say "hi"', "n": 1}, {"literal"}),
    # A single-quoted string's escapes read as JS and Python read them; a raw string keeps its own.
    ("{msg: 'line 1\\nline 2', n: 1}", {"msg": "line 1\nline 2", "n": 1}, {"literal"}),
    ("{name: 'caf\\u00e9 \\x41', path: 'C:\\\\tmp'}", {"name": "caf\u00e9 A", "path": "C:\\tmp"}, {"literal"}),
    ("{pattern: r'\\d+', say: '\"hi\"'}", {"pattern": "\\d+", "say": '"hi"'}, {"literal"}),
    # Plain JSON but for trailing commas (before a newline or a space): still a liberty taken.
    ('{"a": [1, 2,\n], "b": 1, }', {"a": [1, 2], "b": 1}, {"literal"}),
    ('[{"a": 1},\t]', [{"a": 1}], {"literal"}),
    # Commas a console left out, between values and between objects.
    ("{a: [1 2 'x'], b: {c: 1} d: [{e: 1} {f: 2}]}", {"a": [1, 2, "x"], "b": {"c": 1}, "d": [{"e": 1}, {"f": 2}]},
     {"literal"}),
    # An elision of any length of dots or ellipses.
    ('[1, 2, .....]', [1, 2], {"elided"}),
    ('[1, 2, \u2026\u2026]', [1, 2], {"elided"}),
])
def test_reads_what_developers_paste(text: str, value, liberties: set[str]) -> None:
    got, end, took = read_value(text, 0)
    assert got == value and end == len(text) and took == liberties


def test_numeric_keys_printed_without_quotes_or_commas_are_keys() -> None:
    text = '{\n  0: "amount is required"\n  1: "currency is invalid"\n}'
    got, end, _took = read_value(text, 0)
    assert got == {"0": "amount is required", "1": "currency is invalid"} and end == len(text)


def test_inner_quotes_are_looked_for_only_so_far_along_a_line() -> None:
    # The repair of a value with unescaped inner quotes looks _QUOTE_LOOK characters along its line
    # (keeps reading linear); past that the value is refused, not guessed.
    value = 'Invalid hash: {"a": "b"} is not a list'
    for tail, readable in ((" of items" * 40, True), (" of items" * (_QUOTE_LOOK // 9 + 1), False)):
        text = '{\n  message: "' + value + tail + '"\n  param: "items"\n}'
        assert len(value + tail) < _QUOTE_LOOK if readable else len(value + tail) > _QUOTE_LOOK
        if readable:
            assert read_value(text, 0)[0] == {"message": value + tail, "param": "items"}
        else:
            with pytest.raises(LenientError):
                read_value(text, 0)


def test_elided_values_stay_unknown_and_elided_objects_claim_no_missing_keys() -> None:
    got, _, took = read_value('{"a": ..., "b": [...], "c": 1, ...}', 0)
    assert took == {"elided"}
    assert isinstance(got, ElidedDict) and isinstance(got["a"], Unresolved) and isinstance(got["b"], Unresolved)


def test_a_cut_off_end_is_closed_and_the_cut_value_is_unknown() -> None:
    got, _, took = read_value('{"error": {"message": "Invalid integer", "param": "amount", "headers": {"server": "ngi', 0)
    assert took == {"cut_off"}
    assert got["error"]["param"] == "amount" and isinstance(got["error"]["headers"]["server"], Unresolved)


@pytest.mark.parametrize("text", ["{ a: 1 ) }", "{ a = 1 }", "{ a: 1 ]", "{ a: 1 ; b: 2 }"])
def test_what_is_not_a_literal_is_refused(text: str) -> None:
    with pytest.raises(LenientError):
        read_value(text, 0)


def test_a_value_cut_off_after_its_key_is_unknown_and_a_cut_key_left_out() -> None:
    got, end, took = read_value('{"a": 1, "b":', 0)
    assert (got, end, took) == ({"a": 1, "b": "\u2026"}, 13, {"cut_off"})
    assert isinstance(got, ElidedDict) and isinstance(got["b"], Unresolved)
    got, _, _ = read_value('{"a": 1, "b"', 0)
    assert got == {"a": 1} and isinstance(got, ElidedDict)


def test_an_elided_body_with_an_endpoint_is_checked_without_inventing_missing_fields(bridge_specs) -> None:
    text = ('POST /v0/transfers\n```\n{\n  "amount": "10.0",\n  ...\n  "source": {"payment_rail": "ach", '
            '"currency": "usd"},\n  "destination": {"payment_rail": "ach", "currency": "usdx", …}\n}\n```')
    (req,) = check_paste(text, bridge_specs).requests
    assert [(f.kind, f.field) for f in req.findings] == [("invalid_enum", "destination.currency")]


@pytest.mark.parametrize("body, why", [
    # A trailing comma is not a cut-off end, even before the body's last bracket (it was said to be).
    ('{\n  "type": "individual",\n  "first_name": "Jo",\n}', "JSON does not allow a trailing comma at line 4 column 1"),
    ('{"type": "individual", "first_name": "Jo", }', "JSON does not allow a trailing comma at line 1 column 44"),
    ('{"type": "individual", "tags": ["a",], "first_name": "Jo"}', "JSON does not allow a trailing comma at line 1 column 37"),
    ('{\n  // individual\n  "type": "individual"\n}', "JSON does not allow comments at line 2 column 3"),
    ('{\n  "type": "individual" /* a person */\n}', "JSON does not allow comments at line 2 column 24"),
    ("{type: 'individual'}", "Expecting property name enclosed in double quotes at line 1 column 2"),
    ('{"type": "individual",, "first_name": "Jo"}', "Expecting property name enclosed in double quotes at line 1 column 23"),
    ('{\n  "type": "individual",\n  "first_name": "Jo"', "it ends early (cut off?) at line 4 column 1"),
], ids=["trailing-comma-last-line", "trailing-comma-inline", "trailing-comma-in-a-list", "line-comment",
        "block-comment", "js-literal", "doubled-comma", "cut-off"])
def test_a_body_sent_as_written_in_loose_json_is_malformed_and_says_why(bridge_specs, body: str, why: str) -> None:
    text = f"POST /v0/customers\n```json\n{body}\n```"
    (req,) = check_paste(text, bridge_specs).requests
    assert [(f.kind, f.message) for f in req.findings] == [
        ("malformed_body", f"The body is not valid JSON: {why} of the JSON.")]


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


def test_an_error_printed_with_computed_values_keeps_their_text(stripe_specs) -> None:
    # A Rust Debug print: `Some("…")` is not a literal, but the message inside it is what says what went wrong.
    text = ('StripeError {\n  type: "invalid_request_error",\n'
            '  message: Some("Missing required param: currency."),\n  request_id: request_id,\n}')
    (err,) = check_paste(text, stripe_specs).errors
    assert err.error.message == 'Some("Missing required param: currency.")'
    assert [(f.kind, f.field) for f in err.findings] == [("missing_required", "currency")]


def test_calls_in_forms_not_read_are_named_with_their_line(bridge_specs) -> None:
    # Lines count from the paste's first line, a leading blank line included.
    text = ("\nhi, this fails for us:\nhttp POST api.bridge.xyz/v0/transfers amount=10\n"
            "see the screenshot below\nthanks\n")
    assert check_paste(text, bridge_specs).problems == [
        "Line 3 looks like an HTTPie command, which I can't read yet: nothing in it was checked. "
        "Paste the request as curl (or the raw HTTP) to have it checked.",
        "There is a screenshot on line 4: I can't read images; paste the request or error as text."]


@pytest.mark.parametrize("text,line", [
    ('uri = URI("https://api.bridge.xyz/v0/customers")\nreq = Net::HTTP::Post.new(uri, "Content-Type" => "application/json")',
     "Line 2 looks like a Ruby Net::HTTP call"),
    ('var response = await client.PostAsync("https://api.bridge.xyz/v0/customers", content);',
     "Line 1 looks like a .NET HttpClient call"),
    ('HttpRequest request = HttpRequest.newBuilder()\n    .uri(URI.create("https://api.bridge.xyz/v0/customers"))',
     "Line 1 looks like a Java HTTP client call"),
], ids=["ruby", "dotnet", "java"])
def test_client_code_in_other_languages_gets_its_line(bridge_specs, text: str, line: str) -> None:
    assert check_paste(text, bridge_specs).problems == [
        f"{line}, which I can't read yet: nothing in it was checked. "
        "Paste the request as curl (or the raw HTTP) to have it checked."]


def test_only_what_was_not_read_gets_a_line(bridge_specs) -> None:
    # "screenshot" inside the curl that was read says nothing; the HTTPie line after it does.
    text = ('curl -X POST https://api.bridge.xyz/v0/customers -H "Api-Key: $K" -H "Idempotency-Key: k" '
            '-H "Content-Type: application/json" -d \'{"type": "individual", "first_name": "screenshot"}\'\n'
            "and the same with httpie:\nhttp POST api.bridge.xyz/v0/customers type=individual")
    result = check_paste(text, bridge_specs)
    assert len(result.requests) == 1
    assert result.problems == [
        "Line 3 looks like an HTTPie command, which I can't read yet: nothing in it was checked. "
        "Paste the request as curl (or the raw HTTP) to have it checked."]


@pytest.mark.parametrize("marker", ["[Object]", "[Array]", "[Function: toJSON]", "[Function (anonymous)]",
                                    "[AsyncFunction: load]", "[class Client]", "[Circular *1]", "[Getter]",
                                    "[Setter]", "[Getter/Setter]"])
def test_what_a_node_console_left_out_is_unknown_not_a_list(marker: str) -> None:
    # console.log prints objects nested past its depth as [Object], functions, cycles and accessors
    # in brackets too: the value was left out; it is not a one-item list.
    got, _, _ = read_value("{ address: " + marker + ", tags: [ 'a' ], words: [Objects] }", 0)
    assert isinstance(got["address"], Unresolved) and got["address"] == marker
    assert got["tags"] == ["a"] and isinstance(got["words"], list)  # a real list stays one


@pytest.mark.parametrize("values, read", [(MAX_LENIENT_READS, True), (MAX_LENIENT_READS + 1, False)])
def test_a_message_gets_up_to_max_lenient_reads_loose_json_values_read(values: int, read: bool) -> None:
    # Python-printed dicts are not JSON: each is read by the lenient reader, up to MAX_LENIENT_READS per
    # message (a bound on the cost of a message of thousands of them). The last one here is an error.
    text = "\n".join([f"{{'note': {i}}}" for i in range(values - 1)]
                     + ["{'code': 'not_found', 'message': 'Customer not found'}"])
    assert [e.code for _, e in read_paste(text).errors] == (["not_found"] if read else [])


@pytest.mark.parametrize("last, read", [(MAX_LENIENT_TOTAL // 4 - 1, True), (MAX_LENIENT_TOTAL // 4, False)])
def test_loose_json_is_read_until_max_lenient_total_characters_were(last: int, read: bool) -> None:
    # Loose values of MAX_LENIENT_TOTAL // 4 characters (the fourth of `last`), then an error: it is
    # read while fewer than MAX_LENIENT_TOTAL characters were read leniently before it.
    pads = ["{'pad': '" + "x" * (size - 11) + "'}" for size in [MAX_LENIENT_TOTAL // 4] * 3 + [last]]
    text = "\n".join(pads + ["{'code': 'not_found', 'message': 'Customer not found'}"])
    assert [e.code for _, e in read_paste(text).errors] == (["not_found"] if read else [])


@pytest.mark.parametrize("text, why", [
    ("...", "only an elision"),
    ("{a: 1 ]", "`]` closes a `{`"),
    ("{a: (1)}", "a call, not a literal"),
    ("{ a: 1 ) }", "a call, not a literal"),
    ("{ a: 1 ; b: 2 }", "unexpected `;`"),
    ("{ a = 1 }", "`=` in an object"),
    ("{{a: 1}}", "an object where a key should be"),
    ("{a: 1 {b: 2}}", "an object where a key should be"),
    ("{a b}", "a key without `:`"),
    ("}", "no value"),
    ("x", "no value"),
    # Cut off by our cap (MAX_LENIENT_CHARS), not by the paste: refused, not closed and guessed.
    ("{a: [" + "1, " * 12000 + "1]}", "too long to read leniently"),
])
def test_what_cannot_be_read_is_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(LenientError) as e:
        read_value(text, 0)
    assert str(e.value) == why


def test_a_value_json5_refuses_is_refused_without_the_decoders_position_dump() -> None:
    with pytest.raises(LenientError) as e:
        read_value('{"a": "\\u12"}', 0)
    assert "hexadecimal character" in str(e.value) and " near " not in str(e.value)


@pytest.mark.parametrize("text, value, end, liberties", [
    # Commas a console left out between containers at the top level of a list.
    ("[{a: 1} {b: 2}]", [{"a": 1}, {"b": 2}], 15, {"literal"}),
    ("[[1] [2]]", [[1], [2]], 9, set()),
    ("[{a: [[1] [2]]}]", [{"a": [[1], [2]]}], 16, {"literal"}),
    ("[1,, 2]", [1, 2], 7, {"literal"}),
    ('{"a"=>1, "b"=>2}', {"a": 1, "b": 2}, 16, {"literal"}),
    ("{a: '', b: \"\"}", {"a": "", "b": ""}, 14, {"literal"}),
    ("['y']", ["y"], 5, {"literal"}),
    ("['say \\\"hi\\\"']", ['say "hi"'], 14, {"literal"}),
    ("[1., .5, 2]", [1, 0.5, 2], 11, set()),
    # JSON words are no liberty; a computed value keeps its text up to its own brackets.
    ("[1, 2, ..., true, false, null]", [1, 2, True, False, None], 30, {"elided"}),
    ("{a: f(1, [2, 3]), b: Some({c: 1}), d: x\n}", {"a": "f(1, [2, 3])", "b": "Some({c: 1})", "d": "x"}, 41, {"literal"}),
    # Identifiers that start like a u'', b'', r'' prefix are values, not strings.
    ("{lib: uXpin, tag: Xavier, b: b'y', r: R\"z\"}", {"lib": "uXpin", "tag": "Xavier", "b": "y", "r": "z"}, 43, {"literal"}),
    # A key with no value before the object closes: the value is unknown.
    ("{a: }", {"a": "\u2026"}, 5, {"literal"}),
    # Cut off: after a comma, inside a prefix, a comment, a word, a nested list.
    ("[1, 2,", [1, 2], 6, {"cut_off"}),
    ("[1, u", [1, "u"], 5, {"literal", "cut_off"}),
    ("[u'", "[\u2026]", 3, {"literal", "cut_off"}),
    ("[1, # note", [1], 10, {"literal", "cut_off"}),
    ("[foo", ["foo"], 4, {"literal", "cut_off"}),
    ("[1, [2", [1, [2]], 6, {"cut_off"}),
    ('["x"', ["x"], 4, {"cut_off"}),
    ('["x" ', ["x"], 5, {"cut_off"}),
])
def test_more_literals_read_as_written(text: str, value, end: int, liberties: set[str]) -> None:
    got, got_end, took = read_value(text, 0)
    assert (got, got_end, took) == (value, end, liberties)


def test_computed_and_missing_values_are_unknown_and_quoted_ones_known() -> None:
    got, _, _ = read_value("{a: f(1, [2, 3]), b: Some({c: 1}), d: 'x', e: uXpin, f: u'y', g: }", 0)
    assert got == {"a": "f(1, [2, 3])", "b": "Some({c: 1})", "d": "x", "e": "uXpin", "f": "y", "g": "\u2026"}
    assert {k for k, v in got.items() if isinstance(v, Unresolved)} == {"a", "b", "e", "g"}


def test_a_value_is_read_from_where_it_starts_up_to_where_the_paste_block_stops() -> None:
    assert read_value('x = {"a": 1}', 4) == ({"a": 1}, 12, set())
    assert read_value('[1] {"a": 1}', 4) == ({"a": 1}, 12, set())  # not the value before it
    text = "{a: 1\n```\nmore}"
    assert read_value(text, 0, text.index("```")) == ({"a": 1}, text.index("```"), {"literal", "cut_off"})


def test_a_computed_value_runs_to_the_comma_brace_bracket_or_line_end_that_closes_it() -> None:
    # Any letter (X, ., +, spaces) is part of a computed value: only a top-level `,` `}` `]` or a
    # line end closes it, so the keys after it are still read.
    text = ('{type: "invalid_request_error", message: prefix + MAX_LEN_MSG, ids: [a.X, b.Y], code: errs.X\n'
            ' param: "x"}')
    got, end, liberties = read_value(text, 0)
    assert got == {"type": "invalid_request_error", "message": "prefix + MAX_LEN_MSG", "ids": ["a.X", "b.Y"],
                   "code": "errs.X", "param": "x"}
    assert {k for k, v in got.items() if isinstance(v, Unresolved)} == {"message", "code"}
    assert (end, liberties) == (len(text), {"literal"})
