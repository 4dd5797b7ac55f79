"""Generated and mutated pastes for fuzzing the checker (benchmarks/fuzz.py, tests/test_fuzz.py).

Every paste carries keys planted in one of the spellings a key reaches the checker in (plain, in
a header, in an error's code or param, percent-encoded, ``\\u``-escaped, glued to a word, a curl
``-u`` password, an auth tuple, a query parameter), and comes back with every spelling that must
never appear in an output. Everything is drawn from one ``random.Random``, so a case is replayed
from its seed.
"""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Slack's limit on a message's text.
MAX_MESSAGE = 40_000

SEEDS = [p.read_text() for p in sorted((ROOT / "tests" / "pastes").glob("*.txt"))]

HOSTS = ["https://api.bridge.xyz", "https://api.sandbox.bridge.xyz", "https://api.stripe.com", "https://api.github.com",
         "http://localhost:3000", ""]
PATHS = ["/v0/customers", "/v0/transfers", "/v0/customers/cust_1/external_accounts", "/v0/wallets",
         "/v1/customers", "/v1/payment_intents", "/repos/o/r/issues", "/v0/customers/{id}", "/", "/v0/"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
#: Pieces that drive the readers into their corners.
TOKENS = ["{", "}", "[", "]", "(", ")", "'", '"', "`", "\\", "\n", "\n\n", "    ", "\t", ":", ",", "=", ";", "$",
          "&amp;", "&lt;", "&gt;", "<", ">", "|", "%2D", "\\u0073", "${", "```", "curl ", "-H ", "-d ", "-u ",
          "--json ", "fetch(", "axios.post(", "requests.post(", "json=", "auth=(", "curl_setopt($ch, ",
          "JSON.stringify(", "HTTP/1.1 400 Bad Request\n", "POST /v0/transfers HTTP/1.1\n", "Api-Key: ",
          "Authorization: Bearer ", '"error": ', '"code": ', '"message": ', "missing ", "<http://a|", "$a=",
          "const x = ", "sk-live-", "sk_test_", "?api_key=", "\u201c", "\u2019", "\u00a0", "\x0b", "\ufeff", "🙂"]


def _rand(rng: random.Random, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n - 1)) + rng.choice(string.digits)


def _pct(value: str) -> str:
    return "".join(f"%{ord(c):02X}" if c in "-_" else c for c in value)


def _uesc(value: str) -> str:
    return "".join(f"\\u{ord(c):04x}" if i % 2 == 0 else c for i, c in enumerate(value))


def planted(rng: random.Random) -> tuple[str, list[str]]:
    """A line holding a key, and every spelling of it that must never be output."""
    key = rng.choice(["sk-live-", "sk-test-", "sk_live_", "sk_test_", "rk_live_"]) + _rand(rng, rng.randint(24, 40))
    pw = _rand(rng, rng.randint(10, 16))
    kind = rng.randrange(12)
    host = rng.choice(HOSTS[:3]) + rng.choice(PATHS)
    line = [
        lambda: f"curl {host} -H 'Api-Key: {key}'",
        lambda: f'fetch("{host}", {{headers: {{"Api-Key": "{key}"}}}})',
        lambda: json.dumps({"code": key, "message": "bad", "param": "x"}),
        lambda: json.dumps({"error": {"code": "invalid", "message": "bad", "param": key}}),
        lambda: json.dumps({"code": "invalid", "message": "bad", "source": {"location": key, "key": "x"}}),
        lambda: f"curl '{host}?cursor={_pct(key)}'",
        lambda: '{"code": "x", "message": "key %s"}' % _uesc(key),
        lambda: f"token{key}",
        lambda: f"curl {host} -u :{pw}",
        lambda: f"curl {host} -u admin:{pw}",
        lambda: f"requests.get('{host}', auth=('user', '{pw}'))",
        lambda: f"GET {host}?limit=1&api_key={pw}",
    ][kind]()
    secret = pw if kind >= 8 else key
    spellings = [secret] + ([_pct(key)] if kind == 5 else []) + ([_uesc(key)] if kind == 6 else [])
    return line, spellings


def _json_value(rng: random.Random, depth: int) -> object:
    roll = rng.random()
    if depth > 0 and roll < 0.35:
        return {rng.choice(["amount", "currency", "source", "destination", "email", "type", "a", "metadata"]):
                _json_value(rng, depth - 1) for _ in range(rng.randint(0, 4))}
    if depth > 0 and roll < 0.5:
        return [_json_value(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    return rng.choice([None, True, 1, -1.5, "usd", "usdcc", "", "x" * rng.randint(0, 50), "a@b.c", "2024-01-01"])


def generated(rng: random.Random) -> str:
    """A paste built from the shapes developers paste."""
    url = rng.choice(HOSTS) + rng.choice(PATHS) + rng.choice(["", "?limit=10", "?expand[]=x&amp;a[b]=1"])
    method = rng.choice(METHODS)
    body = json.dumps(_json_value(rng, rng.randint(0, 8)))
    shape = rng.randrange(8)
    return [
        lambda: f"curl -X {method} {url} -H 'Content-Type: application/json' -d '{body}'",
        lambda: f"fetch('{url}', {{method: '{method}', body: JSON.stringify({body})}})",
        lambda: f"axios.{method.lower()}('{url}', {body})",
        lambda: f"requests.{method.lower()}('{url}', json={body})",
        lambda: f"{method} {url} HTTP/1.1\nHost: api.bridge.xyz\nContent-Type: application/json\n\n{body}",
        lambda: f"{method} {url}\n```\n{body}\n```",
        lambda: f"HTTP/1.1 400 Bad Request\n{json.dumps({'code': 'invalid_parameters', 'message': body[:80]})}",
        lambda: f"curl_setopt($ch, CURLOPT_URL, '{url}');\ncurl_setopt($ch, CURLOPT_POSTFIELDS, json_encode({body}));",
    ][shape]()


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(9)
        i = rng.randint(0, len(text))
        j = min(len(text), i + rng.randint(0, 200))
        if op == 0:
            text = text[:i] + rng.choice(TOKENS) + text[i:]
        elif op == 1:
            text = text[:i] + text[j:]
        elif op == 2:  # a run of one piece: the backtracking shape
            text = text[:i] + rng.choice(TOKENS) * rng.randint(2, 3000) + text[i:]
        elif op == 3:
            text = text[:i] + text[i:j] * rng.randint(2, 50) + text[i:]
        elif op == 4:
            other = rng.choice(SEEDS)
            k = rng.randint(0, len(other))
            text = text[:i] + other[k:k + rng.randint(0, 2000)] + text[i:]
        elif op == 5:  # deep nesting
            n = rng.randint(10, 2000)
            opener, closer = rng.choice([("{a:", "}"), ("[", "]"), ('{"a":', "}"), ("(", ")"), ("{'a': ", "}")])
            text = text[:i] + opener * n + "1" + closer * rng.choice([n, n // 2, 0]) + text[i:]
        elif op == 6:
            text = text.replace('"', rng.choice(["\u201c", "\u201d", "'"])) if rng.random() < 0.5 else \
                text.replace("&", "&amp;").replace("<", "&lt;")
        elif op == 7:
            text = text[:i] + "".join(rng.choice(string.printable) for _ in range(rng.randint(1, 40))) + text[i:]
        else:
            text = text[:i] + generated(rng) + text[i:]
    return text


def paste(rng: random.Random) -> tuple[str, list[str]]:
    """One fuzz case: (message text up to Slack's 40,000 characters, spellings that must not leak)."""
    roll = rng.random()
    if roll < 0.4:
        text = mutate(rng, rng.choice(SEEDS))
    elif roll < 0.7:
        text = mutate(rng, generated(rng)) if rng.random() < 0.5 else generated(rng)
    elif roll < 0.85:
        text = rng.choice(TOKENS) * rng.randint(100, 20000)
    else:
        text = "\n".join(mutate(rng, rng.choice(SEEDS)) for _ in range(rng.randint(2, 12)))
    leaks: list[str] = []
    for _ in range(rng.randint(1, 3)):
        line, spellings = planted(rng)
        at = rng.choice([0, len(text)])
        text = text[:at] + ("\n" if at else "") + line + ("\n" if not at else "") + text[at:]
        leaks += spellings
    if len(text) > MAX_MESSAGE:
        # Keep the planted lines (at the ends); cut the middle.
        head, tail = text[:MAX_MESSAGE // 2], text[-MAX_MESSAGE // 2:]
        text = head + tail
    return text, leaks


class _Thread:
    id, short_id, status, assignee_id, resolved_by = 1, "BB-1", "open", None, None


def outputs(result: object) -> str:
    """Everything made from a check's result: `check` JSON (both encodings) and text, the Slack
    reply (blocks and fallback), the key warning, and the result stored with the thread."""
    from bridgebot.check import render_check_text
    from bridgebot.check.stored import dump_result
    from bridgebot.render import render_blocks, render_text

    has = not result.empty  # type: ignore[attr-defined]
    return "\n".join([
        json.dumps(result.to_dict(), ensure_ascii=False, default=str),  # type: ignore[attr-defined]
        json.dumps(result.to_dict(), default=str),  # type: ignore[attr-defined]
        render_check_text(result),  # type: ignore[arg-type]
        json.dumps(render_blocks("thread_reply", thread=_Thread(), result=result, has_paste=has), ensure_ascii=False),
        render_text("thread_reply", thread=_Thread(), result=result, has_paste=has),
        render_text("secret_warning", secrets=result.secrets, thread=_Thread())  # type: ignore[attr-defined]
        if result.secrets else "",  # type: ignore[attr-defined]
        dump_result(result),  # type: ignore[arg-type]
    ])
