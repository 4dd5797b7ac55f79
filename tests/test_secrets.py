"""Credentials in pastes: found, redacted everywhere, and never stored or repeated in clear."""

from __future__ import annotations

import json

import pytest

from bridgebot.check import check_paste
from bridgebot.check.secrets import find_secrets, redact


@pytest.mark.parametrize(
    "text, kind, redacted",
    [
        ("-H 'Api-Key: sk-live-9a8b7c6d5e4f3a2b1c0d9f2c'", "bridge_live_key", "sk-live-…9f2c"),
        ("Api-Key: sk-test-aaaabbbbccccdddd1234", "bridge_test_key", "sk-test-…1234"),
        ("-u sk_live_51Habcdefghijklmnopq:", "stripe_live_key", "sk_live_…nopq"),
        ("rk_test_51Habcdefghijklmnopq", "stripe_test_key", "rk_test_…nopq"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def", "authorization", "…"),
        ("Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==", "basic_auth", "…"),
        ("curl -u admin:hunter2hunter2 https://x", "basic_auth", "…"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "github_token", "ghp_…6789"),
    ],
)
def test_finds_and_redacts(text: str, kind: str, redacted: str) -> None:
    found = find_secrets(text)
    assert found, text
    assert found[0].kind == kind
    assert found[0].redacted.startswith(redacted.split("…")[0]) and found[0].redacted.endswith(redacted.split("…")[1])
    out = redact(text, found)
    for s in found:
        assert s.value not in out


@pytest.mark.parametrize(
    "text",
    [
        "Api-Key: $BRIDGE_API_KEY",
        "Api-Key: <your-api-key>",
        "Authorization: Bearer YOUR_TOKEN",
        "-H 'Api-Key: sk-test-...'",
        "Api-Key: {{api_key}}",
        "'Api-Key': process.env.BRIDGE_API_KEY",
    ],
)
def test_placeholders_are_not_secrets(text: str) -> None:
    assert find_secrets(text) == []


def test_a_key_never_appears_in_any_output(bridge_specs) -> None:
    key = "sk-live-0123456789abcdef0123456789ab"
    text = (f"curl https://api.bridge.xyz/v0/customers/{key}?x={key} -H 'Api-Key: {key}'\n"
            f'{{"code": "invalid", "message": "Invalid key {key}"}}')
    result = check_paste(text, bridge_specs)
    dumped = json.dumps(result.to_dict(), ensure_ascii=False)
    assert key not in dumped
    assert "sk-live-…89ab" in dumped
    assert any(f.kind == "secret_exposed" for f in result.findings)


def test_logs_never_hold_a_key() -> None:
    import io
    import logging

    from bridgebot.logs import RedactSecrets

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets())
    log = logging.getLogger("test.redaction")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        log.debug("Sending a request - body: %s", {"text": "curl -H 'Api-Key: sk-live-0123456789abcdef0123'"})
        try:
            raise ValueError("bad key sk-live-0123456789abcdef0123")
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    out = stream.getvalue()
    assert "sk-live-0123456789abcdef0123" not in out
    assert "sk-live-…0123" in out


@pytest.mark.parametrize("key", [
    "rk_live_BYourkbzfsy2yez6z1FzpJyZXC8tnKvG6PUqxY5",  # "your" inside a random key
    "rk_live_oA8nwjok7jHLYrxsMSExXxxv6SnMWKCloz6",  # "xXxx" inside a random key
])
def test_a_random_key_that_happens_to_spell_a_placeholder_word_is_still_a_key(key: str) -> None:
    assert [s.value for s in find_secrets(f"Api-Key: {key}")] == [key]


@pytest.mark.parametrize("text", ["Api-Key: sk_test_xxxxxxxxxxxx", "-H 'Api-Key: sk-live-YOUR_KEY_HERE'",
                                  "Api-Key: sk-live-0000000000"])
def test_placeholder_keys_are_not_secrets(text: str) -> None:
    assert find_secrets(text) == []


def _seen(text: str) -> list[tuple[str, str, str, str | None]]:
    """What the bot reports for each credential in ``text``: kind, where, redacted form, field."""
    return [(s.kind, s.location, s.redacted, s.field_name) for s in find_secrets(text)]


@pytest.mark.parametrize("text, seen", [
    ("Api-Key: whsec_abcdefghij0123456789", ("stripe_webhook_secret", "header", "whsec_…6789", "Api-Key")),
    ("token xoxb-1234567890-abcdefghij", ("slack_token", "body", "xoxb-…ghij", None)),
    ("token xoxp-1234567890-abcdefghij", ("slack_token", "body", "xoxp-…ghij", None)),
    ("token xoxa-1234567890-abcdefghij", ("slack_token", "body", "xoxa-…ghij", None)),
    ("token xoxr-1234567890-abcdefghij", ("slack_token", "body", "…ghij", None)),
    ("AKIAABCDEFGHIJ012345 here", ("aws_access_key", "body", "…2345", None)),
    ("ASIAABCDEFGHIJ012345", ("aws_access_key", "body", "…2345", None)),
    ("github_pat_11ABCDEFG0123456789abcdefghijklmnop", ("github_token", "body", "github_pat_…mnop", None)),
    ("gho_abcdefghijklmnopqrstuvwxyz0123456789", ("github_token", "body", "gho_…6789", None)),
    ("ghu_abcdefghijklmnopqrstuvwxyz0123456789", ("github_token", "body", "ghu_…6789", None)),
    ("ghs_abcdefghijklmnopqrstuvwxyz0123456789", ("github_token", "body", "ghs_…6789", None)),
    ("ghr_abcdefghijklmnopqrstuvwxyz0123456789", ("github_token", "body", "ghr_…6789", None)),
    ("Api-Key: sk_live_51Habcdefghijklmnopq", ("stripe_live_key", "header", "sk_live_…nopq", "Api-Key")),
    ("Api-Key: rk_live_51Habcdefghijklmnopq", ("stripe_live_key", "header", "rk_live_…nopq", "Api-Key")),
    ("Api-Key: sk_test_51Habcdefghijklmnopq", ("stripe_test_key", "header", "sk_test_…nopq", "Api-Key")),
    ("X-Api-Key: abcdefgh12345678", ("api_key", "header", "…5678", "X-Api-Key")),
    ("Authorization: Bearer sk-live-0123456789abcdef0123",
     ("bridge_live_key", "header", "sk-live-…0123", "Authorization")),
    ('{"apiKey": "sk-live-0123456789abcdef"}', ("bridge_live_key", "body", "sk-live-…cdef", "apiKey")),
    ("curl --user sk-test-0123456789abcdef: https://x", ("bridge_test_key", "header", "sk-test-…cdef", "--user")),
    ("curl 'https://x/v0?api_key=abc123def456&x=1'", ("query_credential", "query", "…f456", "api_key")),
    ("curl 'https://x/v0?token=sk-live-0123456789abcdef0123'",
     ("bridge_live_key", "query", "sk-live-…0123", "token")),
    ("requests.get(url, auth=('user', 'hunter2hunter2'))", ("password", "header", "…", "auth")),
    ("fetch(u, {password: 'correcthorse'})", ("password", "body", "…", "password")),
    ("curl -u :s3cr3tpassw0rd https://x", ("password", "header", "…", "-u")),
    ("curl -u justakeyvalue123: https://x", ("basic_auth", "header", "…", "-u")),
])
def test_each_kind_of_credential_is_named_placed_and_redacted(text: str, seen: tuple) -> None:
    """One credential each: its kind, where it was (header, query, body), the redacted form shown
    instead (the known prefix and last four characters, nothing of a password) and the field."""
    assert _seen(text) == [seen]
    out = redact(text, find_secrets(text))
    assert seen[2] in out
    assert all(s.value not in out for s in find_secrets(text))


@pytest.mark.parametrize("text, value, redacted", [
    ("Api-Key: abcdefgh123", "abcdefgh123", "…"),       # 11 characters: no tail shown
    ("Api-Key: abcdefgh1234", "abcdefgh1234", "…1234"),  # 12: the last four shown
    ("Api-Key: sk-live-abcdefgh123", "sk-live-abcdefgh123", "sk-live-…"),  # 11 after the prefix
    ("Api-Key: sk-live-abcdefgh1234", "sk-live-abcdefgh1234", "sk-live-…1234"),
])
def test_a_short_credential_shows_none_of_its_last_characters(text: str, value: str, redacted: str) -> None:
    found = find_secrets(text)
    assert [(s.value, s.redacted) for s in found] == [(value, redacted)]
    assert redact(text, found) == f"Api-Key: {redacted}"


@pytest.mark.parametrize("text, shown", [
    ("curl https://x/%73k%2Dlive%2D0123456789abcdef", "curl https://x/sk-live-…cdef"),
    ('key = "\\u0073k-live-0123456789abcdef"', 'key = "sk-live-…cdef"'),
    ("\\x73k-live-0123456789abcdef", "sk-live-…cdef"),
    ("curl 'https://x?api_key=abc%2B123def'", "curl 'https://x?api_key=…'"),
    ("Authorization: Bearer abc<def>&ghi12345\n> Authorization: Bearer abc&lt;def&gt;&amp;ghi12345",
     "Authorization: Bearer …2345\n> Authorization: Bearer …2345"),
])
def test_a_credential_spelled_with_escapes_is_redacted_in_that_spelling(text: str, shown: str) -> None:
    assert redact(text, find_secrets(text)) == shown


def test_an_escaped_key_is_found_as_the_key_it_spells() -> None:
    (s,) = find_secrets("curl https://x/%73k%2Dlive%2D0123456789abcdef")
    assert (s.kind, s.value, s.forms) == ("bridge_live_key", "sk-live-0123456789abcdef",
                                         ("%73k%2Dlive%2D0123456789abcdef",))


def test_a_key_glued_to_a_word_counts_only_when_it_looks_random() -> None:
    text = "mykeysk_live_abcdefghij0123 task-live-updates mysk-live-abcdefghij"
    assert _seen(text) == [("stripe_live_key", "body", "sk_live_…0123", None)]
    assert redact(text, find_secrets(text)) == "mykeysk_live_…0123 task-live-updates mysk-live-abcdefghij"
    assert find_secrets("mysk-live-abcdefghijklmnop") == []  # 16+ characters, no digit
    assert find_secrets("mysk-live-abc1234") == []  # a digit, 15 characters
    assert [s.value for s in find_secrets("mysk-live-abc12345")] == ["sk-live-abc12345"]  # both
    assert [s.value for s in find_secrets("_sk-live-abc12345")] == ["sk-live-abc12345"]
    assert find_secrets("_sk-live-abcdefghijklmnop") == []  # an underscore glues like a letter
    assert [s.value for s in find_secrets("-sk-live-abcdefghijklmnop")] == ["sk-live-abcdefghijklmnop"]


def test_basic_auth_is_decoded_and_every_part_redacted() -> None:
    """The header value, the decoded user:password and the password alone (pasted elsewhere)."""
    text = ("Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==\n"
            "curl -u user:password123 https://x\n"
            "my password is password123")
    found = find_secrets(text)
    assert [(s.kind, s.location, s.redacted) for s in found] == [
        ("basic_auth", "header", "…"), ("basic_auth", "header", "…"), ("password", "header", "…")]
    assert [s.value for s in found] == ["dXNlcjpwYXNzd29yZDEyMw==", "user:password123", "password123"]
    assert redact(text, found) == "Authorization: Basic …\ncurl -u … https://x\nmy password is …"


def test_a_basic_header_that_is_not_base64_is_still_a_credential() -> None:
    assert _seen("Authorization: Basic notbase64!!value") == [
        ("authorization", "header", "…alue", "Authorization")]
    # base64 of a value without a colon is no user:password: reported whole, as the header.
    assert _seen("Authorization: Basic YWJjZGVmZ2hpams=") == [("authorization", "header", "…ams=", "Authorization")]


def test_a_key_in_a_header_is_reported_once_as_that_key() -> None:
    text = "Authorization: Bearer sk-live-0123456789abcdef0123\nApi-Key: sk-live-0123456789abcdef0123"
    assert [(s.kind, s.redacted) for s in find_secrets(text)] == [("bridge_live_key", "sk-live-…0123")]


@pytest.mark.parametrize("text", [
    "Api-Key: ${BRIDGE_KEY}", "Api-Key: %BRIDGE_KEY%", "Api-Key: $env:BRIDGE_KEY", "Api-Key: $(cat key)",
    "Api-Key: [key]", "Api-Key: os.environ['K']", "Api-Key: env('KEY')", "Api-Key: config.bridge.key",
    "Api-Key: getKey()", "Api-Key: ***hidden***", "Api-Key: abc…xyz12345", "Api-Key: abc...xyz12345",
    "Api-Key: REDACTED_1234", "Api-Key: an-example-value", "Api-Key: placeholder1",
    "password: 'changeme'", "auth=('u', 'password')", "auth=('u', 'passwd')", "auth=('u', 'username')",
    "auth=('u', 'xxxxxxxx')", "auth=('u', '********')", "auth=('u', 'abc12')", "curl -u :secret https://x", "curl -u :test https://x", "curl -u :demo https://x",
    "Api-Key: sk-live-", "Api-Key: sk-test-", "Api-Key: abcdefg",
    "Api-Key: sk-live-my-key-1234567890", "Api-Key: sk-live-1234-example", "Api-Key: sk-live-dummy-123456",
    "Api-Key: sk-live-fake-1234567890", "Api-Key: sk-live-key-here", "Api-Key: sk_live_ababababababab",
])
def test_placeholders_and_example_words_are_not_taken_for_credentials(text: str) -> None:
    assert find_secrets(text) == []


@pytest.mark.parametrize("encoded, decoded", [
    ("dXNlcjpwYXNzd29yZDEyMw", "user:password123"),  # "==" left off, as some clients do
    ("dXNlcjpwYXNzdzByZDE", "user:passw0rd1"),       # "=" left off
])
def test_a_basic_header_without_its_padding_is_still_decoded(encoded: str, decoded: str) -> None:
    found = find_secrets(f"Authorization: Basic {encoded}")
    assert [(s.kind, s.value) for s in found] == [
        ("basic_auth", encoded), ("basic_auth", decoded), ("password", decoded.partition(":")[2])]


def test_a_basic_header_with_a_character_outside_base64_is_not_decoded() -> None:
    """Dropping the stray '.' would decode user:password123; the value is reported whole instead."""
    assert _seen("Authorization: Basic dXNlcjpw.YXNzd29yZDEyMw==") == [
        ("authorization", "header", "…Mw==", "Authorization")]


_KEY = "sk-live-0123456789abcdef"


@pytest.mark.parametrize("before, location", [
    ("-H 'X-Custom: ", "header"), ("my header ", "header"), ("HEADER ", "header"), ("API-KEY ", "header"),
    ("AUTHORIZATION ", "header"), ("curl -u", "header"), ("curl --user ", "header"), ("x-u ", "header"),
    ("https://x/v0?a=1 ", "query"), ("a=1&b=", "query"),
    ('{"k" ', "body"), ('  "k" ', "body"), ("k: ", "body"), ("", "body"), ("word ", "body"),
    ("curl -X POST https://x -d key=", "body"),
    ("Api-Key: abc\n", "body"),  # only the key's own line counts
    ("https://x/v0?a=1\n", "body"),
    ("header" + " " * 195, "body"),  # only the 200 characters before the key are looked at
    ("header" + " " * 194, "header"),
])
def test_where_a_key_was_pasted_is_read_from_its_line(before: str, location: str) -> None:
    assert [(s.kind, s.location) for s in find_secrets(before + _KEY)] == [("bridge_live_key", location)]


@pytest.mark.parametrize("text, value", [
    ("Api-Key: sk-live-token0123456789abcdef", "sk-live-token0123456789abcdef"),
    ("Api-Key: sk_live_secret0123456789", "sk_live_secret0123456789"),
    ("curl https://x/sk%2Dlive%2Dtoken0123456789abcdef", "sk-live-token0123456789abcdef"),
    ("Api-Key: sk_live_abcabcabcabc", "sk_live_abcabcabcabc"),  # three different characters
])
def test_a_key_is_a_key_even_when_its_body_holds_a_placeholder_word(text: str, value: str) -> None:
    assert [s.value for s in find_secrets(text)] == [value]


@pytest.mark.parametrize("text", ["Api-Key: sk_live_aAbBaAbBaAbB", "Api-Key: sk-live-aaaaaaaaaaaaaa",
                                  "Api-Key: whsec_ababababababababab"])
def test_a_key_whose_body_repeats_two_characters_is_a_placeholder(text: str) -> None:
    assert find_secrets(text) == []


def test_a_key_that_starts_another_key_is_redacted_without_leaving_part_of_the_longer_one() -> None:
    text = "Authorization: Bearer sk-live-0123456789abcdef0123\nApi-Key: sk-live-0123456789abc"
    found = find_secrets(text)
    assert sorted(s.redacted for s in found) == ["sk-live-…0123", "sk-live-…9abc"]
    assert redact(text, found) == "Authorization: Bearer sk-live-…0123\nApi-Key: sk-live-…9abc"
    assert redact(text, list(reversed(found))) == "Authorization: Bearer sk-live-…0123\nApi-Key: sk-live-…9abc"


def test_text_without_the_secret_is_left_as_it_is() -> None:
    found = find_secrets("Api-Key: sk-live-0123456789abcdef")
    assert redact("nothing to hide here", found) == "nothing to hide here"


@pytest.mark.parametrize("text, values", [
    ("Api-Key: abcd1234", ["abcd1234"]), ("Api-Key: abc1234", []),          # 8 characters is a key, 7 not
    ("curl -u user:abc123 x", ["user:abc123", "abc123"]),                 # a 6-character password
    ("curl -u user:abc12 x", ["user:abc12"]),                             # 5: too short to redact alone
    ("curl 'https://x?api_key=abc123'", ["abc123"]), ("curl 'https://x?api_key=abc12'", []),
])
def test_the_shortest_values_taken_for_credentials(text: str, values: list[str]) -> None:
    assert [s.value for s in find_secrets(text)] == values


@pytest.mark.parametrize("encoded", ["dXNlcjonaHVudGVyMmh1bnRlcjIn",    # user:'hunter2hunter2'
                                     "dXNlcjogaHVudGVyMmh1bnRlcjIg"])   # user: hunter2hunter2 (spaces)
def test_a_decoded_password_is_redacted_without_its_quotes_or_spaces(encoded: str) -> None:
    text = f"Authorization: Basic {encoded}\nmy password: hunter2hunter2"
    found = find_secrets(text)
    assert [s.value for s in found if s.kind == "password"] == ["hunter2hunter2"]
    assert redact(text, found) == "Authorization: Basic …\nmy password: …"


def test_a_key_pasted_twice_is_reported_once_where_it_was_first_seen() -> None:
    text = f"Api-Key: {_KEY}\ncurl -u {_KEY}:\ncurl https://x?key={_KEY}"
    assert _seen(text) == [("bridge_live_key", "header", "sk-live-…cdef", "Api-Key")]
    assert redact(text, find_secrets(text)) == ("Api-Key: sk-live-…cdef\ncurl -u sk-live-…cdef:\n"
                                                "curl https://x?key=sk-live-…cdef")


def test_a_key_pasted_again_in_another_spelling_is_redacted_in_both() -> None:
    text = f"Api-Key: {_KEY}\ncurl https://x/sk%2Dlive%2D0123456789abcdef"
    assert redact(text, find_secrets(text)) == "Api-Key: sk-live-…cdef\ncurl https://x/sk-live-…cdef"


@pytest.mark.parametrize("text, values", [
    (f"Api-Key: {_KEY}\nAuthorization: Bearer tok9x8y7z6w5", [_KEY, "tok9x8y7z6w5"]),
    (f"Authorization: Bearer {_KEY}\nX-Api-Key: otherkey12345", [_KEY, "otherkey12345"]),
    ("Authorization: Basic dXNlcjphYmMxMjM=\nX-Api-Key: otherkey12345",
     ["dXNlcjphYmMxMjM=", "user:abc123", "abc123", "otherkey12345"]),
    # a cut-off copy of a key found is not another key
    (f"Api-Key: {_KEY}\nquoted: Api-Key: sk-live-0123", [_KEY]),
])
def test_every_header_after_a_key_is_still_read(text: str, values: list[str]) -> None:
    assert [s.value for s in find_secrets(text)] == values


@pytest.mark.parametrize("text, password", [
    ("Authorization: Basic dXNlcjpwYTpzc3cwcmQ5OQ==", "pa:ssw0rd99"),  # user:pa:ssw0rd99
    ("curl -u user:pa:ssw0rd99 x", "pa:ssw0rd99"),
    ("Authorization: Basic dXNlcjphYmMxMjM=", "abc123"),               # user:abc123
    ("auth=('u', 'abc123')", "abc123"),
    ("password: 'abc123'", "abc123"),
])
def test_a_password_is_everything_after_the_first_colon_and_six_characters_is_enough(text: str,
                                                                                   password: str) -> None:
    assert [s.value for s in find_secrets(text) if s.kind == "password"] == [password]
    assert password not in redact(text, find_secrets(text))


@pytest.mark.parametrize("text, location", [
    ("curl https://x/%73k%2Dlive%2D0123456789abcdef", "body"),
    ("a=1&b=sk%2Dlive%2D0123456789abcdef", "query"),
    ("-H 'X: \\u0073k-live-0123456789abcdef'", "header"),
])
def test_where_an_escaped_key_was_pasted(text: str, location: str) -> None:
    assert [(s.kind, s.location) for s in find_secrets(text)] == [("bridge_live_key", location)]


@pytest.mark.parametrize("before, location", [
    ("x\nApi-Key: abc\n", "body"),  # two lines up does not count either
    ("x\n?a=1 ", "query"),
])
def test_where_a_key_was_pasted_is_read_from_its_own_line_only(before: str, location: str) -> None:
    assert [s.location for s in find_secrets(before + _KEY)] == [location]


@pytest.mark.parametrize("text, fields", [
    (f"Api-Key: {_KEY}\nX-Api-Key: otherkey12345", ["Api-Key", "X-Api-Key"]),
    (f"Api-Key:\n{_KEY}", [None]),                        # named by nothing on its own line
    ("-u" + "x" * 198 + _KEY, ["-u"]),                  # within the 200 characters before the key
    ("-u" + "x" * 199 + _KEY, [None]),                  # beyond them
])
def test_the_field_a_key_was_written_in_is_read_from_its_line(text: str, fields: list) -> None:
    assert [s.field_name for s in find_secrets(text)] == fields


@pytest.mark.parametrize("text, values", [
    ("xsk-live-abcdefghijklmnop", []),                               # glued one character in, no digit
    ("sk-live-abcdefghijklmnop is my key", ["sk-live-abcdefghijklmnop"]),  # at the start: not glued
])
def test_a_key_at_the_start_of_the_text_is_not_glued_to_anything(text: str, values: list) -> None:
    assert [s.value for s in find_secrets(text)] == values


@pytest.mark.parametrize("text, value", [
    ("X-Api-Key: XQ7Rb2Zk9Lm4PX", "XQ7Rb2Zk9Lm4PX"),
    ("curl -u XadminX:Xs3cr3tpwX x", "XadminX:Xs3cr3tpwX"),
])
def test_a_value_is_taken_whole_up_to_its_first_and_last_character(text: str, value: str) -> None:
    assert [s.value for s in find_secrets(text)][:1] == [value]
    assert value not in redact(text, find_secrets(text))


def test_a_credential_repeated_in_slacks_escaped_spelling_is_redacted_there_too() -> None:
    text = "Authorization: Bearer abc<def>&ghi12345\nthe log said abc&lt;def&gt;&amp;ghi12345"
    assert redact(text, find_secrets(text)) == "Authorization: Bearer …2345\nthe log said …2345"


def test_curl_user_and_password_are_both_reported_as_headers() -> None:
    assert _seen("curl -u admin:hunter2hunter2 https://x") == [
        ("basic_auth", "header", "…", "-u"), ("password", "header", "…", "-u")]


def test_a_key_under_a_line_naming_a_field_two_lines_up_is_named_by_nothing() -> None:
    assert [s.field_name for s in find_secrets(f"x\nApi-Key:\n{_KEY}")] == [None]
