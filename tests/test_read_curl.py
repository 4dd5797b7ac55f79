"""Reading curl commands as developers paste them."""

from __future__ import annotations

import re

import pytest

from bridgebot.check import check_paste
from bridgebot.check.curl import PasteError, parse_curl, tokenize
from bridgebot.check.paste import read_paste


@pytest.mark.parametrize(
    "command, tokens",
    [
        ("curl -H 'A: b c' x", ["curl", "-H", "A: b c", "x"]),
        ('curl -d "a=\\"q\\"" x', ["curl", "-d", 'a="q"', "x"]),
        ("curl -H $'Api-Key: k\\x41\\n' x", ["curl", "-H", "Api-Key: kA\n", "x"]),
        ("curl -H $'Api-Key: \\x4A\\x4b' x", ["curl", "-H", "Api-Key: JK", "x"]),  # hex in either case
        ("curl \\\n  -X POST \\\n  x", ["curl", "-X", "POST", "x"]),
        ("curl ^\n -X POST x", ["curl", "-X", "POST", "x"]),
        ("curl a\\ b", ["curl", "a b"]),
        ("curl x # a comment", ["curl", "x"]),
        ("curl 'it'\"'\"'s'", ["curl", "it's"]),
        # An escape $'…' does not know keeps its backslash, as bash does.
        ("curl -H $'A: b\\q' x", ["curl", "-H", "A: b\\q", "x"]),
        # A backslash-newline inside single quotes reaches the body; outside, it joins the lines.
        ("curl \\\n -d 'a \\\nb' x", ["curl", "-d", "a \\\nb", "x"]),
        # Inside double quotes that hold an apostrophe, a backslash-newline joins the lines (the
        # shell drops both), and an escaped quote after a line break is still just a quote.
        ('curl -d "it\'s a\\\nb" u', ["curl", "-d", "it's ab", "u"]),
        ('curl -d "a\n\\"b\\"" u', ["curl", "-d", 'a\n"b"', "u"]),
        # A comment after a body that spans lines ends the command; the body is read whole.
        ("curl x -d '{\n  \"a\": 1\n}' # create it\n", ["curl", "x", "-d", '{\n  "a": 1\n}']),
        # Chrome's "Copy as cURL (cmd)" escapes every special character with ^.
        ('curl ^"https://h/v0/x^" -H ^"A: b ^& c^"', ["curl", "https://h/v0/x", "-H", "A: b & c"]),
    ],
)
def test_tokenize_like_a_shell(command: str, tokens: list[str]) -> None:
    assert tokenize(command) == tokens


@pytest.mark.parametrize("command, where", [("curl -d 'abc", "single"), ('curl -d "abc', "double"),
                                            ("curl -H $'abc", "$'"), ('curl -d "abc\\', "double")])
def test_unbalanced_quotes_say_which(command: str, where: str) -> None:
    with pytest.raises(PasteError, match=re.escape(f"unbalanced {where}")):
        tokenize(command)


def test_methods_headers_and_data_forms() -> None:
    r = parse_curl("curl -sSXPUT https://h/v0/x -H'A: 1' --header 'B:2' -d a=1 --data-raw b=2 "
                   "--data-urlencode 'c=x y&z' -u key: --url-query ignored")
    assert r.method == "PUT"
    assert r.url == "https://h/v0/x"
    assert r.headers[:2] == [("A", "1"), ("B", "2")]
    assert r.body == "a=1&b=2&c=x+y%26z"
    assert r.content_type == "application/x-www-form-urlencoded"
    assert r.basic_auth == "key:"


def test_data_makes_post_and_get_moves_it_to_the_query() -> None:
    assert parse_curl("curl https://h/x -d a=1").method == "POST"
    r = parse_curl("curl -G https://h/x?z=0 -d a=1 -d b=2")
    assert (r.method, r.url, r.body) == ("GET", "https://h/x?z=0&a=1&b=2", None)


def test_json_flag_sets_content_type_and_post() -> None:
    r = parse_curl("""curl --json '{"a": 1}' https://h/x""")
    assert (r.method, r.body, r.content_type) == ("POST", '{"a": 1}', "application/json")


def test_form_fields_and_url_option_and_pipe() -> None:
    r = parse_curl("curl --url https://h/files -F purpose=dispute_evidence -F file=@a.png | jq .")
    assert r.url == "https://h/files"
    assert r.form_fields == [("purpose", "dispute_evidence"), ("file", "@a.png")]
    assert r.content_type == "multipart/form-data"


def test_body_from_a_file_is_noted() -> None:
    r = parse_curl("curl https://h/x -d @body.json -H 'Content-Type: application/json'")
    assert any("body.json" in n for n in r.notes)


def test_no_url_is_an_error() -> None:
    with pytest.raises(PasteError, match="no URL"):
        parse_curl("curl -X POST")


def test_header_and_data_option_forms_curl_accepts() -> None:
    # -H 'Name;' sends the header with an empty value; --url=… and --data-urlencode without a name.
    r = parse_curl("curl --url=https://h/v0/x -H 'X-Empty;' --data-urlencode 'hello world&more'")
    assert r.url == "https://h/v0/x"
    assert r.headers == [("X-Empty", ""), ("Content-Type", "application/x-www-form-urlencoded")]
    assert (r.method, r.body) == ("POST", "hello+world%26more")


def test_data_sends_the_content_type_curl_sends() -> None:
    r = parse_curl("curl https://h/v0/x -d a=1")
    assert r.headers == [("Content-Type", "application/x-www-form-urlencoded")]


def test_a_json_body_from_a_file_is_noted_and_not_read_as_the_body() -> None:
    r = parse_curl("curl https://h/v0/x --json @body.json")
    assert r.notes == ["the body is read from the file body.json, which the paste does not show"]
    assert (r.method, r.body, r.content_type) == ("POST", "", "application/json")


def test_a_base_url_from_a_variable_is_routed_by_its_path(bridge_specs) -> None:
    result = check_paste('curl "$BRIDGE_URL/v0/customers/cust_1" -H "Api-Key: $KEY"', bridge_specs)
    assert [r.operation.label for r in result.requests] == ["GET /v0/customers/{customerID}"]
    assert result.requests[0].request.notes == []


@pytest.mark.parametrize("command, method, url, headers, body", [
    # Every option in its long form, with its value apart and after "=".
    ("curl --request PATCH https://h/v0/x", "PATCH", "https://h/v0/x", [], None),
    ("curl --request=patch https://h/v0/x", "PATCH", "https://h/v0/x", [], None),
    ("curl --header 'A: 1' --header=B:2 https://h/v0/x", "GET", "https://h/v0/x", [("A", "1"), ("B", "2")], None),
    ("curl --url=https://h/v0/x --data a=1 --data-ascii b=2 --data-binary c=3", "POST", "https://h/v0/x",
     [("Content-Type", "application/x-www-form-urlencoded")], "a=1&b=2&c=3"),
    ("curl https://h/v0/x --data=a=1 --data-raw=@b", "POST", "https://h/v0/x",
     [("Content-Type", "application/x-www-form-urlencoded")], "a=1&@b"),
    ("curl https://h/v0/x --json='{\"a\": 1}'", "POST", "https://h/v0/x", [("Content-Type", "application/json")],
     '{"a": 1}'),
    ("curl --get https://h/v0/x --data a=1", "GET", "https://h/v0/x?a=1", [], None),
    ("curl --head https://h/v0/x", "HEAD", "https://h/v0/x", [], None),
    ("curl -I https://h/v0/x", "HEAD", "https://h/v0/x", [], None),
    # A flag that takes no value (curl's --tlsv1.2 is one) leaves the URL after it the URL.
    ("curl --tlsv1.2 https://h/v0/x", "GET", "https://h/v0/x", [], None),
    ("curl -s --compressed -L https://h/v0/x", "GET", "https://h/v0/x", [], None),
    # No scheme: curl sends it over http(s); a path or a variable is kept as written.
    ("curl api.bridge.xyz/v0/x", "GET", "https://api.bridge.xyz/v0/x", [], None),
])
def test_long_options_and_flags_are_read_as_curl_reads_them(command, method, url, headers, body) -> None:
    r = parse_curl(command)
    assert (r.method, r.url, r.headers, r.body) == (method, url, headers, body)


def test_form_and_user_options_in_their_long_forms() -> None:
    r = parse_curl("curl https://h/v0/files --form purpose=x --form-string 'note=a b' --form=f=@a.png --user key: ")
    assert r.form_fields == [("purpose", "x"), ("note", "a b"), ("f", "@a.png")]
    assert (r.method, r.basic_auth) == ("POST", "key:")
    assert parse_curl("curl https://h/v0/x --user=k:s").basic_auth == "k:s"


# Options whose value is not the URL (curl's own list): none of them takes the URL after it.
_VALUE_OPTIONS = [
    "-o", "--output", "-w", "--write-out", "-A", "--user-agent", "-b", "--cookie", "-c", "--cookie-jar", "-e",
    "--referer", "-m", "--max-time", "--connect-timeout", "--retry", "--retry-delay", "--retry-max-time", "-x",
    "--proxy", "--cacert", "--capath", "-E", "--cert", "--key", "-T", "--upload-file", "-r", "--range", "--resolve",
    "--connect-to", "--limit-rate", "-K", "--config", "--interface", "--dns-servers", "-Y", "--speed-limit", "-y",
    "--speed-time", "--max-redirs", "--proto", "--proto-redir", "--ciphers", "--trace", "--trace-ascii",
    "--stderr", "-D", "--dump-header", "--unix-socket", "--oauth2-bearer", "--aws-sigv4", "-Q", "--quote",
    "--variable", "--expand-data", "--happy-eyeballs-timeout-ms",
]


@pytest.mark.parametrize("option", _VALUE_OPTIONS)
def test_an_options_value_is_not_taken_for_the_url(option: str) -> None:
    r = parse_curl(f"curl {option} v1 https://h/v0/x -H 'A: 1'")
    assert (r.method, r.url, r.headers) == ("GET", "https://h/v0/x", [("A", "1")])
    if option.startswith("--"):
        assert parse_curl(f"curl {option}=v1 https://h/v0/x").url == "https://h/v0/x"


def test_an_option_missing_its_value_says_which() -> None:
    with pytest.raises(PasteError, match="curl option --header is missing its value"):
        parse_curl("curl https://h/v0/x --header")
    with pytest.raises(PasteError, match="curl option -X is missing its value"):
        parse_curl("curl https://h/v0/x -X")


def test_a_command_that_is_not_curl_is_refused() -> None:
    with pytest.raises(PasteError, match="^not a curl command$"):
        parse_curl("wget https://h/v0/x")
    assert parse_curl("/usr/bin/curl https://h/v0/x").url == "https://h/v0/x"
    assert parse_curl("curl.exe https://h/v0/x | jq . > out.json").url == "https://h/v0/x"


def test_headers_from_a_file_are_noted() -> None:
    r = parse_curl("curl https://h/v0/x -H @headers.txt -H 'A: 1'")
    assert (r.headers, r.notes) == ([("A", "1")], ["headers read from file headers.txt are not shown in the paste"])


def test_a_json_body_from_a_heredoc_is_the_body() -> None:
    r = parse_curl("curl https://h/v0/x --json @-", stdin='{"a": 1}\n')
    assert (r.method, r.body, r.notes) == ("POST", '{"a": 1}', [])
    r = parse_curl("curl https://h/v0/x -d @-", stdin="a=1\n")
    assert (r.method, r.body, r.notes) == ("POST", "a=1", [])


_HEREDOC_CURL = ("curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: k' "
                 "-H 'Content-Type: application/json' -d @- <<EOF\n")


@pytest.mark.parametrize("after, body, note", [
    # No closing EOF: the shell reads the body to the end of its input; here the JSON value ends it,
    # so the response pasted after it is still read as the error.
    ('{"type": "individual"}\n\nResponse:\n{"code": "invalid_parameters", "message": "email is invalid"}\n',
     '{"type": "individual"}', "the heredoc has no closing `EOF` line: its body is read as the JSON after it"),
    # A body that is not JSON (or broken JSON) runs to the end of the code block, or of the message.
    ("amount=1&currency=usd\n```\nwhy 400?", "amount=1&currency=usd",
     "the heredoc has no closing `EOF` line: its body is read to the end of the code block"),
    ('{"type": "individual"\n', '{"type": "individual"',
     "the heredoc has no closing `EOF` line: its body is read to the end of the message"),
    # The same in a fenced block: the body ends at the closing fence, not at the opening one.
    ("amount=1&currency=usd\n```\nwhy 400?", "amount=1&currency=usd",
     "the heredoc has no closing `EOF` line: its body is read to the end of the code block"),
    # Hostile: nesting past Python's recursion limit is no JSON value: to the end, not a crash.
    ("[" * 100_000, "[" * 100_000,
     "the heredoc has no closing `EOF` line: its body is read to the end of the message"),
    # Nothing after the command: the body is not in the paste.
    ("", "", "the body is read from the file -, which the paste does not show"),
], ids=["json-then-response", "form-to-fence", "broken-json-to-end", "fenced-form-to-fence", "deep-nesting",
        "nothing"])
def test_a_heredoc_without_its_terminator_reads_the_body_the_shell_would(after, body, note, request) -> None:
    fenced = request.node.callspec.id.startswith("fenced")
    paste = read_paste(("```\n" if fenced else "") + _HEREDOC_CURL + after)
    req = paste.requests[0]
    assert (req.method, req.body, req.notes) == ("POST", body, [note])
    if "Response" in after:
        assert [(e.code, e.message) for _, e in paste.errors] == [("invalid_parameters", "email is invalid")]
