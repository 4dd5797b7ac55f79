"""Requests read out of pasted client code (fetch, axios, requests/httpx, PHP curl, Guzzle), exactly.

Each case is a snippet as a developer would paste it and the request read from it, every field
compared. What the code computes at run time is marked: ``<name>`` for a value read as unknown
(:class:`Unresolved`), ``{..., "...": "keys unknown"}`` for an object with a spread we cannot see.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bridgebot.check import read_paste
from bridgebot.check.clientcode import PartialDict
from bridgebot.check.model import PastedRequest, Unresolved


def marked(value: Any) -> Any:
    """``value`` with what is known only at run time made visible (Unresolved compares equal to str)."""
    if isinstance(value, Unresolved):
        return f"<{value}>"
    if isinstance(value, dict):
        out = {k: marked(v) for k, v in value.items()}
        if isinstance(value, PartialDict):
            out["..."] = "keys unknown"
        return out
    if isinstance(value, (list, tuple)):
        return type(value)(marked(v) for v in value)
    return value


def requests_in(text: str) -> list[dict[str, Any]]:
    """Every request read from ``text``, as a dict of its fields with unknown values marked."""
    return [{
        "method": r.method, "url": marked(r.url), "headers": [(k, marked(v)) for k, v in r.headers],
        "body": marked(r.body), "body_value": marked(r.body_value), "source": r.source,
        "basic_auth": r.basic_auth, "notes": r.notes, "body_error": r.body_error,
        "headers_known": r.headers_known, "url_partial": r.url_partial,
    } for r in read_paste(text).requests]


def request(method: str, url: str, **fields: Any) -> dict[str, Any]:
    """The expected request: the defaults of a request with nothing but a method and URL."""
    out: dict[str, Any] = {"method": method, "url": url, "headers": [], "body": None, "body_value": None,
                           "source": "fetch", "basic_auth": None, "notes": [], "body_error": None,
                           "headers_known": True, "url_partial": False}
    out.update(fields)
    return out


API = "https://api.x.test/v1/things"

# --- Python requests / httpx ----------------------------------------------------------------------

PYTHON_CASES = [
    # requests.request(method, url, …): the method upper-cased, a body bound earlier, params added to
    # a query string already there (lists repeated, as requests does), auth=(user, password).
    ('payload = {"name": "Ada", "tags": ["a", "b"]}\n'
     f'resp = requests.request("post", "{API}?expand=owner", json=payload, params={{"ids": [1, 2]}}, '
     'auth=("sk_live", "pw"), headers={"X-Trace": "t-1"})',
     [request("POST", f"{API}?expand=owner&ids=1&ids=2", source="requests", basic_auth="sk_live:pw",
              headers=[("X-Trace", "t-1"), ("Content-Type", "application/json")],
              body='{"name": "Ada", "tags": ["a", "b"]}', body_value={"name": "Ada", "tags": ["a", "b"]})]),
    # A call never closed does not stop the next one being read; a dict as data= is a form.
    (f'resp = requests.get("{API}", params={{"a": 1}}\n'
     f'r = requests.post("{API}", data={{"tag": ["x", "y"], "n": "A"}})',
     [request("POST", API, source="requests", body="tag=x&tag=y&n=A",
              headers=[("Content-Type", "application/x-www-form-urlencoded")])]),
    # A request() without its URL, and a URL computed by a call, are skipped; the URL as url= is read.
    ('r = requests.request("GET")\nr = requests.get(url_for("things"))\n'
     f'r = httpx.get(url="{API}")',
     [request("GET", API, source="httpx")]),
    # A client or session may carry default headers (auth among them): headers not known. Bytes as
    # data= and a string as content= are the body as written.
    (f"r = client.post(\"{API}\", data=b'{{\"a\": 1}}')\n"
     f'r = session.put("{API}/1", content="plain text")',
     [request("POST", API, source="requests", body='{"a": 1}', headers_known=False),
      request("PUT", f"{API}/1", source="requests", body="plain text", headers_known=False)]),
    # requests takes basic auth from a 2-tuple only; json=None sends no body.
    (f'r = requests.get("{API}", auth=["user", "pw"], json=None)',
     [request("GET", API, source="requests")]),
]


@pytest.mark.parametrize("text, expected", PYTHON_CASES)
def test_python_client_calls_are_read_exactly(text: str, expected: list[dict[str, Any]]) -> None:
    assert requests_in(text) == expected


# --- JavaScript fetch and axios -------------------------------------------------------------------

FETCH_CASES = [
    # A call never closed, one with no arguments and one whose URL is a bare variable are skipped;
    # the call after them is read.
    (f"fetch('{API}'\nfetch();\nfetch(thingsUrl);\nconst res = await fetch('{API}');",
     [request("GET", API)]),
    # A URL made by a call at run time: no URL to check, no request (the format string is not it).
    (f"const url = format('{API}/%s', id);\nfetch(url);", []),
    # Options made at run time (noted, headers unknown); `{}` written out (nothing unknown); a spread
    # of defaults beside a method (the method read, headers unknown).
    (f"const res = await fetch('{API}', options);\nawait fetch('{API}', {{}});\n"
     f"await fetch('{API}', {{ ...defaults, method: 'delete' }});",
     [request("GET", API, headers_known=False, notes=["the fetch options are computed at run time"]),
      request("GET", API),
      request("DELETE", API, headers_known=False)]),
    # A string body goes as text/plain unless a Content-Type is set (in any case); headers from a
    # variable are unknown; JSON.stringify(x) is x as JSON.
    (f"await fetch('{API}', {{ method: 'post', headers: hdrs, body: 'name=Ada' }});\n"
     f"await fetch('{API}', {{ method: 'PUT', headers: {{ 'content-type': 'application/json' }}, "
     "body: JSON.stringify({ name: 'Ada' }) });",
     [request("POST", API, body="name=Ada", headers=[("Content-Type", "text/plain;charset=UTF-8")],
              headers_known=False),
      request("PUT", API, body='{"name": "Ada"}', body_value={"name": "Ada"},
              headers=[("content-type", "application/json")])]),
]


@pytest.mark.parametrize("text, expected", FETCH_CASES)
def test_fetch_calls_are_read_exactly(text: str, expected: list[dict[str, Any]]) -> None:
    assert requests_in(text) == expected


AXIOS_CASES = [
    # params added to a query string already there, or starting one; config headers read.
    (f"const res = await axios.get('{API}?limit=5', {{ headers: {{ 'Api-Key': 'k-1' }}, params: {{ status: 'open' }} }});\n"
     f"await axios.head('{API}', {{ params: {{ q: 'a b' }} }});",
     [request("GET", f"{API}?limit=5&status=open", source="axios", headers=[("Api-Key", "k-1")]),
      request("HEAD", f"{API}?q=a+b", source="axios")]),
    # A config made elsewhere may hold headers; a base URL made at run time routes by path.
    ("const res = await axios.delete(`${BASE}/things/1`, config);",
     [request("DELETE", "<{var}/things/1>", source="axios", headers_known=False, url_partial=True)]),
    # Skipped: never closed, no arguments, a config without a url, a URL in a variable not bound here.
    (f"axios.get('{API}'\naxios();\naxios({{ method: 'post', data: {{ a: 1 }} }});\naxios.get(thingsUrl);\n"
     f"await axios({{ method: 'patch', url: '{API}/1', data: {{ name: 'Ada' }}, headers: {{ 'Api-Key': 'k-1' }} }});",
     [request("PATCH", f"{API}/1", source="axios", body='{"name": "Ada"}', body_value={"name": "Ada"},
              headers=[("Api-Key", "k-1"), ("Content-Type", "application/json")])]),
    # axios.request without a method is a GET; put(url, data, config) with data bound earlier and its
    # own Content-Type kept; post(url) with no data sends no body.
    (f"const body = {{ name: 'Ada' }};\nawait axios.request({{ url: '{API}' }});\n"
     f"await axios.put('{API}/1', body, {{ headers: {{ 'Content-Type': 'application/merge-patch+json' }} }});\n"
     f"await axios.post('{API}');",
     [request("GET", API, source="axios"),
      request("PUT", f"{API}/1", source="axios", body='{"name": "Ada"}', body_value={"name": "Ada"},
              headers=[("Content-Type", "application/merge-patch+json")]),
      request("POST", API, source="axios")]),
    # A URL constant and a variable assigned a call (sent, value unknown) in a config; patch(url, data);
    # params made elsewhere leave the URL as written.
    ("const THINGS_URL = 'https://api.x.test/v1/things';\nconst region = fetchRegion();\n"
     "await axios({ url: THINGS_URL, method: 'post', data: { region } });\n"
     "await axios.patch(`${THINGS_URL}/1`, { name: 'Ada' });\n"
     "await axios.get(THINGS_URL, { params: searchParams });",
     [request("POST", API, source="axios", body='{"region": "region"}', body_value={"region": "<region>"},
              headers=[("Content-Type", "application/json")]),
      request("PATCH", f"{API}/1", source="axios", body='{"name": "Ada"}', body_value={"name": "Ada"},
              headers=[("Content-Type", "application/json")]),
      request("GET", API, source="axios")]),
]


@pytest.mark.parametrize("text, expected", AXIOS_CASES)
def test_axios_calls_are_read_exactly(text: str, expected: list[dict[str, Any]]) -> None:
    assert requests_in(text) == expected


# --- PHP Guzzle -----------------------------------------------------------------------------------

GUZZLE_CASES = [
    # request(METHOD, url, options): a header from a variable is sent (value unknown); `json` adds the
    # Content-Type Guzzle sends.
    (f"$response = $client->request('PUT', '{API}/1', ['headers' => ['Api-Key' => $key], 'json' => ['name' => 'Ada']]);",
     [request("PUT", f"{API}/1", source="guzzle", headers=[("Api-Key", "<$key>"), ("Content-Type", "application/json")],
              body='{"name": "Ada"}', body_value={"name": "Ada"})]),
    # A URL bound earlier; form_params as a form (null and nested arrays left out, as
    # http_build_query does); an …Async call on a path.
    (f"$url = '{API}';\n"
     "$r = $client->post($url, ['form_params' => ['name' => 'Ada', 'note' => null, 'tags' => ['a']]]);\n"
     "$r = $client->getAsync('/v1/things');",
     [request("POST", API, source="guzzle", body="name=Ada",
              headers=[("Content-Type", "application/x-www-form-urlencoded")]),
      request("GET", "/v1/things", source="guzzle")]),
    # Skipped: a method in a variable, request() without a URL, no arguments, a URL that is neither
    # absolute nor a path. A `body` string is sent as written, beside its own Content-Type.
    (f"$r = $client->request($method, '{API}');\n$r = $client->request('GET');\n$r = $client->get();\n"
     "$r = $client->get('things');\n"
     f"$r = $this->http->patch('{API}/1', ['headers' => ['content-type' => 'application/merge-patch+json'], "
     "'body' => 'name=Ada']);",
     [request("PATCH", f"{API}/1", source="guzzle", body="name=Ada",
              headers=[("content-type", "application/merge-patch+json")])]),
    # request(METHOD, url) with no options; form_params beside a Content-Type of its own (kept, not doubled).
    (f"$r = $client->request('GET', '{API}');\n"
     f"$r = $client->put('{API}/1', ['headers' => ['Content-Type' => 'application/x-www-form-urlencoded; charset=UTF-8'], "
     "'form_params' => ['name' => 'Ada']]);",
     [request("GET", API, source="guzzle"),
      request("PUT", f"{API}/1", source="guzzle", body="name=Ada",
              headers=[("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")])]),
    # Headers from a variable are not known. A `json` variable is sent, its value unknown.
    (f"$r = $client->post('{API}', ['headers' => $headers, 'json' => $payload]);",
     [request("POST", API, source="guzzle", headers_known=False, body='"$payload"', body_value="<$payload>",
              headers=[("Content-Type", "application/json")])]),
]


@pytest.mark.parametrize("text, expected", GUZZLE_CASES)
def test_guzzle_calls_are_read_exactly(text: str, expected: list[dict[str, Any]]) -> None:
    assert requests_in(text) == expected


def test_guzzle_form_params_are_sent_as_http_build_query_writes_them() -> None:
    # Numbers were left out of the form, so a required `amount` sent as 10 was reported missing.
    text = (f"$r = $client->post('{API}', ['form_params' => ['name' => 'Ada', 'amount' => 10, 'rate' => 1.5, "
            "'active' => true, 'trial' => false, 'note' => null]]);")
    assert requests_in(text) == [request("POST", API, source="guzzle", body="name=Ada&amount=10&rate=1.5&active=1&trial=0",
                                         headers=[("Content-Type", "application/x-www-form-urlencoded")])]


@pytest.mark.parametrize("text, source", [
    (f"$r = $client->post('{API}', $options);", "guzzle"),
    (f'r = requests.post("{API}", **kwargs)', "requests"),
])
def test_options_made_elsewhere_leave_the_headers_unknown(text: str, source: str) -> None:
    # They may hold the key: "no credentials" was claimed for a call that sends them.
    assert requests_in(text) == [request("POST", API, source=source, headers_known=False)]


_DEEP = "[" * 64 + "]" * 64  # MAX_NESTING levels inside the body object: one more than it reads


@pytest.mark.parametrize("text, expected", [
    (f'requests.post("{API}", data={{"tags": {_DEEP}}})', request("POST", API, source="requests")),
    (f'requests.post("{API}", json={{"tags": {_DEEP}}})',
     request("POST", API, source="requests", headers=[("Content-Type", "application/json")])),
    # axios would send the object as JSON.
    (f"axios.post('{API}', {{ tags: {_DEEP} }})",
     request("POST", API, source="axios", headers=[("Content-Type", "application/json")])),
    # fetch's options hold the body: none of them is read (method, headers), only that it is too deep.
    (f"fetch('{API}', {{ method: 'POST', body: JSON.stringify({{ tags: {_DEEP} }}) }})",
     request("GET", API, headers_known=False)),
])
def test_a_body_nested_past_the_limit_is_said_to_be_too_deep(text: str, expected: dict[str, Any]) -> None:
    from bridgebot.check.clientcode import MAX_NESTING, TOO_DEEP_MESSAGE

    assert _DEEP.count("[") == MAX_NESTING
    assert requests_in(text) == [{**expected, "body_error": TOO_DEEP_MESSAGE}]


# --- PHP curl -------------------------------------------------------------------------------------

PHP_CURL_CASES = [
    # One curl_setopt per option: CUSTOMREQUEST upper-cased (a body does not make it POST), header
    # lines split at their first colon, json_encode of an array bound earlier.
    ("$data = ['name' => 'Ada', 'tags' => ['a', 'b'], 'active' => true, 'n' => 2];\n$ch = curl_init();\n"
     f"curl_setopt($ch, CURLOPT_URL, '{API}/1');\ncurl_setopt($ch, CURLOPT_CUSTOMREQUEST, 'patch');\n"
     "curl_setopt($ch, CURLOPT_HTTPHEADER, ['Api-Key: ' . $key, 'X-Note: a:b', 'Content-Type: application/json']);\n"
     "curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode($data));",
     [request("PATCH", f"{API}/1", source="php",
              headers=[("Api-Key", "$key"), ("X-Note", "a:b"), ("Content-Type", "application/json")],
              body='{"name": "Ada", "tags": ["a", "b"], "active": true, "n": 2}',
              body_value={"name": "Ada", "tags": ["a", "b"], "active": True, "n": 2})]),
    # A call never closed and one short of its value are passed over; the URL from a variable;
    # CURLOPT_POST; a header line held in a variable ([$auth]) leaves the headers unknown; an array
    # as POSTFIELDS is a form.
    ("curl_setopt($ch, CURLOPT_HEADER\ncurl_setopt($ch);\n"
     f'$url = "{API}";\ncurl_setopt($ch, CURLOPT_URL, $url);\ncurl_setopt($ch, CURLOPT_POST, 1);\n'
     "curl_setopt($ch, CURLOPT_HTTPHEADER, [$auth, 'Accept: application/json']);\n"
     "curl_setopt($ch, CURLOPT_POSTFIELDS, ['name' => 'Ada', 'n' => 2]);",
     [request("POST", API, source="php", headers=[("Accept", "application/json")], headers_known=False,
              body="name=Ada&n=2")]),
    # curl_setopt_array: headers from a variable (unknown), a body from a variable (sent, value
    # unknown) makes it a POST.
    (f"curl_setopt_array($ch, [CURLOPT_URL => '{API}', CURLOPT_HTTPHEADER => $headers, CURLOPT_POSTFIELDS => $body]);",
     [request("POST", API, source="php", headers_known=False, body="<$body>", body_value="<$body>")]),
    # PHP values: a double-quoted string with variables, false, null, a negative number, array(), a
    # number as a key, a string joined to a variable (sent, value unknown).
    ("curl_setopt($ch, CURLOPT_URL, \"https://api.x.test/v1/things/{$id}\");\n"
     "curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode(['s' => \"Hi {$name}, $x!\", 'd' => false, 'e' => null, "
     "'f' => -1.5, 'h' => array(1, 2), 7 => 'seven', 'g' => 'Key ' . $k]));",
     [request("POST", f"{API}/{{var}}", source="php",
              body='{"s": "Hi {var}, {var}!", "d": false, "e": null, "f": -1.5, "h": [1, 2], "7": "seven", '
                   '"g": "Key $k"}',
              body_value={"s": "Hi {var}, {var}!", "d": False, "e": None, "f": -1.5, "h": [1, 2], "7": "seven",
                          "g": "<Key $k>"})]),
    # CURLOPT_POST alone is a POST with no body; a method bound to a variable earlier.
    (f"curl_setopt($ch, CURLOPT_URL, '{API}');\ncurl_setopt($ch, CURLOPT_POST, true);",
     [request("POST", API, source="php")]),
    (f"$method = 'DELETE';\ncurl_setopt($ch, CURLOPT_URL, '{API}/1');\ncurl_setopt($ch, CURLOPT_CUSTOMREQUEST, $method);",
     [request("DELETE", f"{API}/1", source="php")]),
    # No URL: no request.
    ("curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);\ncurl_setopt($ch, CURLOPT_POSTFIELDS, 'a=1');", []),
]


@pytest.mark.parametrize("text, expected", PHP_CURL_CASES)
def test_php_curl_options_are_read_exactly(text: str, expected: list[dict[str, Any]]) -> None:
    assert requests_in(text) == expected


def test_a_php_curl_method_made_at_run_time_is_not_a_method_named_for_the_variable() -> None:
    # CURLOPT_CUSTOMREQUEST, $verb was read as a method "$VERB", and "does not take $VERB" reported.
    text = (f"curl_setopt($ch, CURLOPT_URL, \"{API}/{{$id}}\");\ncurl_setopt($ch, CURLOPT_CUSTOMREQUEST, $verb);")
    assert requests_in(text) == [request("GET", f"{API}/{{var}}", source="php",
                                         notes=["the method is computed at run time"])]


@pytest.mark.parametrize("php, value", [
    # Escapes as PHP reads them: \\' and \\\\ in single quotes; \\", \\$ and \\n in double quotes.
    ("'O\\'Brien'", "O'Brien"),
    ("'C:\\\\dir'", "C:\\dir"),
    ('"Cost: \\$5 for {$name}\\n"', "Cost: $5 for {var}\n"),
    # PHP's constants are case-insensitive.
    ("TRUE", True), ("False", False), ("NULL", None),
    # Literals joined with `.` are known.
    ("'ord' . '_' . '42'", "ord_42"),
    # json_encode inside an array is a string of JSON, not the array.
    ("json_encode(['plan' => 'pro'])", '{"plan": "pro"}'),
    ("json_encode($extra)", "<json_encode($extra)>"),
    ("json_encode(json_encode(['a' => 1]))", json.dumps(json.dumps({"a": 1}))),
])
def test_php_values_are_read_as_php_reads_them(php: str, value: Any) -> None:
    text = f"$client->post('{API}', ['json' => ['v' => {php}]]);"
    assert [r["body_value"] for r in requests_in(text)] == [{"v": value}]


def test_a_php_body_nested_four_arrays_deep_keeps_its_field_names() -> None:
    # Each array counted toward the limit on variables followed (5): the fourth level came out as a
    # field named "'line1'" (quotes and all) with an unknown value.
    text = ("$data = ['payment_method_data' => ['billing_details' => ['address' => ['line1' => '1 Main St']]]];\n"
            f"curl_setopt($ch, CURLOPT_URL, '{API}');\ncurl_setopt($ch, CURLOPT_POSTFIELDS, json_encode($data));")
    body = {"payment_method_data": {"billing_details": {"address": {"line1": "1 Main St"}}}}
    assert requests_in(text) == [request("POST", API, source="php", body=json.dumps(body), body_value=body)]


def test_python_literals_in_a_body_are_read_as_python_reads_them() -> None:
    text = ('base = {"currency": "usd"}\naddress = {"line1": "1 Main St"}\n'
            'payload = {**base, "amount": -5, "offset": -n, "ids": (1, 2), "tags": {"a"}, 1: "one", "ok": True, '
            '"no": False, "none": None, "address": address, "note": f"Hi {name}!", "full": "a" + "b", '
            '"part": "a" + suffix, "num": 1 + 2}\n'
            f'r = requests.post("{API}", json=payload)\n'
            # A spread of a dict not bound here, or a key named at run time: more keys than we see.
            f'r = requests.post("{API}", json={{**defaults, "a": 1}})\n'
            f'r = requests.post("{API}", json={{field: 1, "a": 2}})\n'
            # json.dumps(x) as data is x as JSON, sent with no Content-Type (requests sets none for a string).
            f'r = requests.post("{API}", data=json.dumps({{"a": [1, 2]}}))')
    value = {"currency": "usd", "amount": -5, "offset": "<-n>", "ids": (1, 2), "tags": ["a"], "1": "one", "ok": True,
             "no": False, "none": None, "address": {"line1": "1 Main St"}, "note": "<Hi {var}!>", "full": "ab",
             "part": "<asuffix>", "num": "<1 + 2>"}
    json_type = [("Content-Type", "application/json")]
    assert requests_in(text) == [
        request("POST", API, source="requests", headers=json_type, body_value=value,
                body='{"currency": "usd", "amount": -5, "offset": "-n", "ids": [1, 2], "tags": ["a"], "1": "one", '
                     '"ok": true, "no": false, "none": null, "address": {"line1": "1 Main St"}, "note": "Hi {var}!", '
                     '"full": "ab", "part": "asuffix", "num": "1 + 2"}'),
        request("POST", API, source="requests", headers=json_type, body='{"a": 1}',
                body_value={"a": 1, "...": "keys unknown"}),
        request("POST", API, source="requests", headers=json_type, body='{"a": 2}',
                body_value={"a": 2, "...": "keys unknown"}),
        request("POST", API, source="requests", body='{"a": [1, 2]}', body_value={"a": [1, 2]}),
    ]



def test_javascript_literals_in_a_body_are_read_as_javascript_reads_them() -> None:
    text = ("const NAME = 'Ada';\nconst first = 'Jo';\nconst extra = { plan: 'pro' };\n"
            f"await axios.post('{API}', {{\n"
            "  // who\n"
            "  a: 'caf\\u00e9', b: \"tab\\there\\nnl\\rcr\", c: 'it\\'s', d: \"back\\\\slash\", h: 'A\\u00C9', i: 'bad \\uZZ',\n"
            "  e: `Hi ${NAME}!`, f: `Hi ${ user.name }`, g: `id ${ id }`, t: `plain`, e2: `${first}-${NAME}`,\n"
            "  dash: 'a\\u2014b', lit: 'costs ${price}',\n"
            "  /* numbers */ j: [1, 2, ], k: -1.5e3, l: null, m: undefined, n: true, o: false,\n"
            "  'quoted key': 1, \"dq\": 2, $dollar: 3, ...extra, NAME,\n"
            "  s: 'Bearer ' + token, u: BASE + '/x', v: 'a' + 'b', w: cond ? 'x' : 'y',\n"
            "});\n"
            # A key named at run time, or a spread of something not bound here: more keys than we see.
            f"await axios.post('{API}', {{ [field]: 1, b: 2 }});\n"
            f"await axios.post('{API}', {{ ...rest, b: 2 }});")
    value = {"a": "café", "b": "tab\there\nnl\rcr", "c": "it's", "d": "back\\slash", "h": "AÉ", "i": "bad uZZ",
             "e": "Hi Ada!", "f": "<Hi {var}>", "g": "<id {var}>", "t": "plain", "e2": "Jo-Ada", "dash": "a\u2014b",
             "lit": "costs ${price}", "j": [1, 2], "k": -1500.0,
             "l": None, "m": None, "n": True, "o": False, "quoted key": 1, "dq": 2, "$dollar": 3, "plan": "pro",
             "NAME": "Ada", "s": "<Bearer {var}>", "u": "<{var}/x>", "v": "ab", "w": "<cond ? 'x' : 'y'>"}
    json_type = [("Content-Type", "application/json")]
    partial = {"b": 2, "...": "keys unknown"}
    assert requests_in(text) == [
        request("POST", API, source="axios", headers=json_type, body=json.dumps(value).replace('"<', '"').replace('>"', '"'),
                body_value=value),
        request("POST", API, source="axios", headers=json_type, body='{"b": 2}', body_value=partial),
        request("POST", API, source="axios", headers=json_type, body='{"b": 2}', body_value=partial),
    ]



def test_a_guzzle_call_is_read_from_its_receiver_so_its_line_is_not_called_unreadable() -> None:
    # The call's span starts at `$client` / `$this->client`, not at `->post`: else the line was
    # also reported as "a Guzzle call, which I can't read yet".
    text = (f"$client->post('{API}', ['json' => ['a' => 1]]);\n"
            "$res = $this->client->get('/v1/things');")
    paste = read_paste(text)
    assert (paste.problems, paste.request_offsets) == ([], [0, text.index("$this")])
    assert [(r.method, r.url) for r in paste.requests] == [("POST", API), ("GET", "/v1/things")]


def test_only_the_first_50_guzzle_calls_are_read() -> None:
    from bridgebot.check.clientcode import MAX_CALLS
    from bridgebot.check.readers.guzzle import guzzle_requests

    unread, read = "$client->get($u);\n", f"$client->get('{API}');"
    assert MAX_CALLS == 50
    assert [r.url for _, _, r in guzzle_requests(unread * 49 + read)] == [API]
    assert list(guzzle_requests(unread * 50 + read)) == []  # the 51st call is past the cap


def test_javascript_numbers_calls_and_stringify_in_a_body() -> None:
    text = ("const payload = { name: 'Ada' };\n"
            f"await fetch('{API}', {{ method: 'POST', body: JSON.stringify(payload, null, 2) }});\n"
            # Stringifying something not bound here: a body is sent, its value unknown.
            f"await fetch('{API}', {{ method: 'POST', body: JSON.stringify(form) }});\n"
            f"await axios.post('{API}', {{ k2: 2E3, k3: 1e-2, p: fn(a, [b, c]), q: items[0], r: `${{a}}${{b}}` + 'x', "
            "z: 'a' + 5 });")
    text_plain = [("Content-Type", "text/plain;charset=UTF-8")]
    assert requests_in(text) == [
        request("POST", API, body='{"name": "Ada"}', body_value={"name": "Ada"}, headers=text_plain),
        request("POST", API, body='"form"', body_value="<form>", headers=text_plain),
        request("POST", API, source="axios", headers=[("Content-Type", "application/json")],
                body='{"k2": 2000.0, "k3": 0.01, "p": "fn(a, [b, c])", "q": "items[0]", "r": "{var}x", "z": "\'a\' + 5"}',
                body_value={"k2": 2000.0, "k3": 0.01, "p": "<fn(a, [b, c])>", "q": "<items[0]>", "r": "<{var}x>",
                            "z": "<'a' + 5>"}),
    ]



def test_php_variables_are_followed_five_deep_and_a_loop_ends() -> None:
    # A multi-line json_encode([...]); '' and a single-quoted '$5' (no interpolation) read as written.
    text = ("$a = $b; $b = $c; $c = $d; $d = $e; $e = $f; $f = 'deep';\n$g = $g;\n"
            f"curl_setopt($ch, CURLOPT_URL, '{API}');\n"
            "curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode([\n"
            "    'five' => $b,\n    'six' => $a,\n    'key' => 'Key ' . $a,\n    'loop' => $g,\n"
            "    'empty' => '',\n    'single' => 'Cost: $5',\n]));")
    assert requests_in(text) == [request(
        "POST", API, source="php",
        body='{"five": "deep", "six": "$a", "key": "Key {var}", "loop": "$g", "empty": "", "single": "Cost: $5"}',
        body_value={"five": "deep", "six": "<$a>", "key": "<Key {var}>", "loop": "<$g>", "empty": "",
                    "single": "Cost: $5"})]


def test_python_names_are_followed_five_deep_into_a_body() -> None:
    # data=json.dumps(payload): payload's names followed (a dict in a list, a URL joined to a base);
    # five names deep at most (payload, a, b, c, d: e is not followed); a name bound to a value too
    # deep to read is sent, its value unknown; "a" + 5 is not a string.
    deep = "[" * 65 + "]" * 65
    text = (f'BASE = "https://api.x.test/v1"\nSUFFIX = "/y"\ndeep = {deep}\n'
            'a = [b]\nb = [c]\nc = [d]\nd = [e]\ne = [f]\nf = "end"\naddress = {"line1": "1 Main St"}\n'
            'payload = {"items": [address], "url": BASE + "/x", "url2": "/v1" + SUFFIX, "mix": "a" + 5, "tags": deep, "chain": a, "from_b": b}\n'
            'r = requests.post(BASE + "/things", data=json.dumps(payload))')
    assert requests_in(text) == [request(
        "POST", f"{API}", source="requests",
        body='{"items": [{"line1": "1 Main St"}], "url": "https://api.x.test/v1/x", "url2": "/v1/y", "mix": "\'a\' + 5", "tags": "deep", '
             '"chain": [[[["e"]]]], "from_b": [[[["f"]]]]}',
        body_value={"items": [{"line1": "1 Main St"}], "url": "https://api.x.test/v1/x", "url2": "/v1/y", "mix": "<'a' + 5>",
                    "tags": "<deep>", "chain": [[[["<e>"]]]], "from_b": [[[["<f>"]]]]})]


@pytest.mark.parametrize("text, expected", [
    # A constant used in a function above it (its line the last, with no newline); a name bound to a
    # name (not followed: the header says which variable); brackets closed by the wrong one (unknown).
    ("const key = XAPI_KEY;\nconst ids = [1, 2};\n"
     "async function load() { return fetch(THINGS_URL, { method: 'POST', headers: { 'Api-Key': key }, "
     "body: JSON.stringify({ ids }) }); }\n"
     f"const THINGS_URL = '{API}'",
     [request("POST", API, headers=[("Api-Key", "key"), ("Content-Type", "text/plain;charset=UTF-8")],
              body='{"ids": "ids"}', body_value={"ids": "<ids>"})]),
    # A Python line ending in `;` (or in an X: only `;` is cut); a paste cut off right after `name =`.
    (f'url = "{API}";\nlabel = "v-" + INDEX\nr = requests.get(url, params={{"label": label}})\nbody = ',
     [request("GET", f"{API}?label=v-INDEX", source="requests")]),
    (f'fetch("{API}", opts);\nconst opts = ',
     [request("GET", API, headers_known=False, notes=["the fetch options are computed at run time"])]),
])
def test_variables_bound_in_the_snippet_are_followed_as_written(text: str, expected: list[dict[str, Any]]) -> None:
    assert requests_in(text) == expected


def test_only_the_first_200_assignments_are_read() -> None:
    filler = "".join(f"const v{i} = {i};\n" for i in range(199))
    call = f"const url = '{API}';\nfetch(url);"
    assert [r["url"] for r in requests_in(filler + call)] == [API]
    assert requests_in("const v = 0;\n" + filler + call) == []  # the 201st assignment is not read


def test_javascript_objects_written_compactly_with_comments_and_spreads() -> None:
    text = ("const base = { ...defaults, plan: 'pro' };\n"
            # A spread of an object with keys unknown keeps them unknown; no spaces after `:` and `,`;
            # two block comments; a key starting with X.
            f"await axios.post('{API}', {{...base,a:1,b:'x', /* one */ X_Trace: 't', /* two */ c: 3}});\n"
            # A line comment that swallows the closing brace: the object is not read.
            f"await axios.post('{API}', {{ a: 1, // the rest is cut off }});")
    value = {"plan": "pro", "a": 1, "b": "x", "X_Trace": "t", "c": 3}
    assert requests_in(text) == [
        request("POST", API, source="axios", headers=[("Content-Type", "application/json")], body=json.dumps(value),
                body_value={**value, "...": "keys unknown"}),
        request("POST", API, source="axios"),
    ]


def _levels(n: int) -> str:
    return "[" * n + "]" * n


@pytest.mark.parametrize("body, too_deep", [
    # Brackets inside strings do not count: after an empty string, after an escaped quote.
    ('{"a": "", "note": "' + "(" * 70 + '"}', False),
    ('{"q": "say \\"' + "(" * 70 + '\\""}', False),
    # Brackets closed before do not count: seventy one-item lists side by side are two levels deep.
    ("[" + ", ".join(['["x"]'] * 70) + "]", False),
    # The object is level 1, so 64 more levels are one too many: after a string ending in an escaped
    # backslash, after an empty list beside them, after a name.
    ('{"path": "C:\\\\", "tags": ' + _levels(64) + "}", True),
    ('{"a": {"b": [], "c": ' + _levels(63) + "}}", True),
    ('{"n": XLIMIT, "deep": ' + _levels(64) + "}", True),
    ('{"n": XLIMIT, "deep": ' + _levels(63) + "}", False),
])
def test_how_deep_a_python_body_is_counts_brackets_outside_strings(body: str, too_deep: bool) -> None:
    from bridgebot.check.clientcode import TOO_DEEP_MESSAGE

    [read] = requests_in(f'requests.post("{API}", json={body})')
    assert (read["body_error"], read["body"] is None) == ((TOO_DEEP_MESSAGE, True) if too_deep else (None, False))


def test_a_python_string_never_closed_is_an_unknown_value() -> None:
    text = f'label = "unclosed\nr = requests.post("{API}", json={{"label": label}})'
    assert requests_in(text) == [request("POST", API, source="requests", headers=[("Content-Type", "application/json")],
                                         body='{"label": "label"}', body_value={"label": "<label>"})]


def test_a_call_is_read_up_to_20000_characters_long_wherever_it_is() -> None:
    from bridgebot.check.clientcode import MAX_SPAN

    head, tail = f"fetch('{API}', {{ method: 'POST', body: '", "' });"
    fill = MAX_SPAN - (len(head) - head.index("(")) - len("' })")  # the call's brackets span MAX_SPAN exactly
    assert [r["body"] for r in requests_in(head + "y" * fill + tail)] == ["y" * fill]
    assert requests_in(head + "y" * (fill + 1) + tail) == []  # one character more: not read
    # 20,000 characters before a call do not count toward it.
    assert requests_in("// " + "z" * MAX_SPAN + f"\nfetch('{API}');") == [request("GET", API)]


def test_javascript_values_that_cannot_be_read_are_sent_as_written() -> None:
    text = (f"await fetch('{API}', {{ method: 'POST', body: JSON.stringify() }});\n"
            f"await fetch('{API}', {{ method: 'POST', body: JSON.stringify({{ a: 1, : 2 }}) }});\n"
            # A block comment never closed: the object is not read. One closed right before a key.
            f"await axios.post('{API}', {{ a: 1, /* unclosed }});\n"
            f"await axios.post('{API}', {{/* c */b: 2}});")
    plain, json_type = [("Content-Type", "text/plain;charset=UTF-8")], [("Content-Type", "application/json")]
    assert requests_in(text) == [
        request("POST", API, headers=plain, body="JSON.stringify()", body_value="<JSON.stringify()>"),
        request("POST", API, headers=plain, body="JSON.stringify({ a: 1, : 2 })",
                body_value="<JSON.stringify({ a: 1, : 2 })>"),
        request("POST", API, source="axios"),
        request("POST", API, source="axios", headers=json_type, body='{"b": 2}', body_value={"b": 2}),
    ]


def test_a_guzzle_call_on_a_call_result_starts_at_the_arrow() -> None:
    # No `$name` right before `->get`: the call's span starts at the arrow.
    text = f"$res = $this->client()->get('{API}');"
    paste = read_paste(text)
    assert (paste.problems, paste.request_offsets) == ([], [text.index("->get")])


@pytest.mark.parametrize("text, body, value", [
    # JSON.stringify / json.dumps inside a body is a string of JSON (it was the repr of an object);
    # of something not known here, a string not known.
    (f"await fetch('{API}', {{ method: 'POST', body: JSON.stringify({{ meta: JSON.stringify({{ a: 1 }}), "
     "list: [JSON.stringify([1])], who: JSON.stringify({ id }) }) });",
     '{"meta": "{\\"a\\": 1}", "list": ["[1]"], "who": "{\\"id\\": \\"id\\"}"}',
     {"meta": '{"a": 1}', "list": ["[1]"], "who": '<{"id": "id"}>'}),
    (f'requests.post("{API}", json={{"meta": json.dumps({{"a": 1}}), "l": [json.dumps(x)]}})',
     '{"meta": "{\\"a\\": 1}", "l": ["\\"x\\""]}', {"meta": '{"a": 1}', "l": ['<"x">']}),
    (f'requests.post("{API}", data={{"meta": json.dumps({{"a": 1}})}})', "meta=%7B%22a%22%3A+1%7D", None),
])
def test_json_made_inside_a_body_is_a_string_of_json(text: str, body: str, value: Any) -> None:
    [read] = requests_in(text)
    assert (read["body"], read["body_value"]) == (body, value)


@pytest.mark.parametrize("text, expected", [
    # A variable bound to an object that cannot be read, and one not bound here: sent, value
    # unknown (the body names the variable). A null header is sent empty; a compact array.
    ("const body = { a: 1, : 2 };\n"
     f"await axios.post('{API}', body);\nawait axios.post('{API}', INBOX);\n"
     f"await fetch('{API}', {{ headers: {{ 'Api-Key': 'k', 'X-Debug': null }}, body: {{tags:['a','b','c']}} }});",
     [request("POST", API, source="axios", body="body", body_value="<body>"),
      request("POST", API, source="axios", body="INBOX", body_value="<INBOX>"),
      request("GET", API, headers=[("Api-Key", "k"), ("X-Debug", ""), ("Content-Type", "text/plain;charset=UTF-8")],
              body='{"tags": ["a", "b", "c"]}', body_value={"tags": ["a", "b", "c"]})]),
    # curl_setopt_array with array( … ) over several lines, then options made elsewhere (not read).
    (f"curl_setopt_array($ch, array(\n    CURLOPT_URL => '{API}',\n    CURLOPT_CUSTOMREQUEST => 'PUT',\n));\n"
     "curl_setopt_array($ch, $options);",
     [request("PUT", API, source="php")]),
    # PHP assignments written on one line without spaces.
    (f"$u = '{API}';$m = 'PATCH';\ncurl_setopt($ch, CURLOPT_URL, $u);\ncurl_setopt($ch, CURLOPT_CUSTOMREQUEST, $m);",
     [request("PATCH", API, source="php")]),
    # A Python value with a syntax error is sent, value unknown (or, written in the call, not read);
    # one nested past what Python's own parser takes (200 levels) is too deep, not unknown.
    (f'requests.patch("{API}", json={{"a": 1 "b": 2}})\n'
     f'payload = {{"a": 1 "b": 2}}\nrequests.post("{API}", json=payload)\n'
     f'requests.put("{API}", json={{"d": {"[" * 210 + "]" * 210}}})',
     [request("PATCH", API, source="requests"),
      request("POST", API, source="requests", headers=[("Content-Type", "application/json")], body="payload",
              body_value="<payload>"),
      request("PUT", API, source="requests", headers=[("Content-Type", "application/json")],
              body_error="the body is nested more than 64 levels deep")]),
])
def test_values_read_as_far_as_they_can_be(text: str, expected: list[dict[str, Any]]) -> None:
    assert requests_in(text) == expected


def test_a_call_inside_another_is_read_and_brackets_that_never_match_stop_both() -> None:
    from bridgebot.check.clientcode import find_code_requests

    text = (f"await axios.post('{API}', {{ note: await fetch('https://other.test/x').then(r => r.text()) }});\n"
            f"fetch('{API}', {{ a: 1 );\n"  # closed by the wrong bracket
            f"axios.post('{API}', fetch('https://other.test/y'")  # never closed
    assert [(r.source, r.method, r.url) for _, _, r in find_code_requests(text)] == [
        ("fetch", "GET", "https://other.test/x"), ("axios", "POST", API)]
