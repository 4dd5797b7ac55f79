"""Find credentials in a paste and redact them everywhere they would be shown or stored."""

from __future__ import annotations

import base64
import binascii
import bisect
import re
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from .model import Secret

# (kind, pattern). Ordered: the specific prefixes first, so a Bridge key in an Authorization
# header is named as a Bridge key. No leading \b: a key glued to a word character
# (`keysk_live_…`, `Bearersk-live-…`) is still a key; see _glued_ok for the false alarms that avoids.
_TOKEN_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("bridge_live_key", re.compile(r"sk-live-[A-Za-z0-9_-]{8,}")),
    ("bridge_test_key", re.compile(r"sk-test-[A-Za-z0-9_-]{8,}")),
    ("stripe_live_key", re.compile(r"(?:sk|rk)_live_[A-Za-z0-9]{10,}")),
    ("stripe_test_key", re.compile(r"(?:sk|rk)_test_[A-Za-z0-9]{10,}")),
    ("stripe_webhook_secret", re.compile(r"whsec_[A-Za-z0-9]{16,}")),
    ("github_token", re.compile(r"(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})")),
    ("slack_token", re.compile(r"xox[abposr]-[A-Za-z0-9-]{10,}")),
    ("aws_access_key", re.compile(r"(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")),
]

# Query parameters that carry a credential: ?api_key=…, &access_token=…, ;password=… (`&amp;` in
# Slack's text leaves the `;`).
_QUERY_SECRET = re.compile(
    r"(?i)[?&;](api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token|client[_-]?secret|secret|"
    r"password|passwd|pwd|key|signature|sig)=([^&\s#'\"<>|`]+)")
# Python requests/httpx auth tuples and BasicAuth objects: auth=('user', 'password').
_Q = "[\"'\u2018\u2019\u201c\u201d]"  # straight or smart (Slack outside code blocks) quotes
_NOT_Q = "[^\"'\u2018\u2019\u201c\u201d\n]"
# Whitespace only where a fixed token follows it: `\s*\(?\s*\(?\s*` let three runs share the same
# newlines (the fuzz run found 800 `auth=(` lines taking 50 s).
_AUTH_TUPLE = re.compile(
    rf"(?:\bauth\s*=\s*|BasicAuth\s*)\((?:\s*\()?\s*{_Q}({_NOT_Q}*){_Q}\s*,\s*{_Q}({_NOT_Q}+){_Q}")
# JavaScript/JSON password fields: password: 'x', "password": "x", auth: {username, password}.
_PASSWORD_FIELD = re.compile(r"(?i)[\"']?\b(?:password|passwd|client_secret)[\"']?\s*[:=]\s*([\"'`])([^\"'`\n]+)\1")
# Runs of text that may spell a key with escapes: %2D, \u002d, \x2d. The alternatives start with
# different characters, so the run is read in one pass.
_ENCODED_RUN = re.compile(r"(?:[A-Za-z0-9_.~+-]|%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\x[0-9A-Fa-f]{2})+")
_ESCAPE_UNIT = re.compile(r"%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\x[0-9A-Fa-f]{2}|.", re.S)

_AUTH_HEADER = re.compile(
    # Header lines (Api-Key: x), and header dicts in code ('Api-Key': 'x', "Authorization" => "…").
    r"(?i)\b(authorization|api-key|x-api-key)[\"']?\s*(?:=>|[:=])\s*[\"'`]?"
    r"(?:(bearer|basic|token)\s+)?([^\s\"'`,}]+)"
)
# -u user:password, -u :password, -u key: (the user part may be empty).
_CURL_USER = re.compile(r"(?:^|\s)(?:-u\s*|--user[\s=]+)([\"']?)([^\s\"':]*:[^\s\"']*)\1")

# Values that are clearly placeholders, not credentials.
_PLACEHOLDER = re.compile(
    r"""(?ix)^(
        \$\{?[A-Z_][A-Z0-9_]*\}? | \$env:\w+ | %\w+% | \$\(.* | \{\{.*\}\} | <[^>]*> | \[[^\]]*\] |
        .*(your|api_?key|secret|token|redacted|placeholder|example|xxxx|\.\.\.|…|\*\*\*).* |
        sk-(live|test)-?$ | process\.env\..* | os\.environ.* | env\(.* |
        (?!eyJ)[A-Za-z_]\w*(\.[A-Za-z_]\w*)+ | [A-Za-z_]\w*\(.*
    )$""",
)


# A value shaped like a key is a placeholder only when a placeholder word stands on its own in it
# (`sk-live-YOUR_KEY`), or its body is one or two characters repeated (`sk_test_xxxxxxxx`): a random
# key may hold "your" or "xXxx" by chance (the fuzz run found both).
_KEY_PLACEHOLDER = re.compile(r"(?i)[-_](?:your|my|example|placeholder|redacted|dummy|fake|here)(?:[-_]|$)")
_KEY_PREFIX = re.compile(r"^(?:sk-live-|sk-test-|(?:sk|rk)_(?:live|test)_|whsec_|github_pat_|gh[pousr]_|xox[abposr]-)")


def _fake_key(value: str) -> bool:
    body = _KEY_PREFIX.sub("", value)
    return bool(_KEY_PLACEHOLDER.search(value)) or len(set(body.lower())) <= 2


# A password that is a word people type in examples; a real one of 6+ characters is redacted
# everywhere it appears (shorter ones would garble the words that contain them).
_PLACEHOLDER_PASSWORD = re.compile(r"(?i)^(pass(word|wd)?|secret|changeme|admin|user(name)?|test|demo|x+|\*+)$")
MIN_PASSWORD = 6


def redact_value(kind: str, value: str) -> str:
    """``sk-live-…9f2c``: keep the well-known prefix and the last four characters."""
    prefix = ""
    for p in ("sk-live-", "sk-test-", "sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_",
              "github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xoxb-", "xoxp-", "xoxa-"):
        if value.startswith(p):
            prefix = p
            break
    # A password's last characters are a good part of it: none shown.
    tail = value[-4:] if len(value) - len(prefix) >= 12 and kind not in ("password", "basic_auth") else ""
    return f"{prefix}…{tail}"


def find_secrets(text: str) -> list[Secret]:
    """Every credential in ``text``, each once, with where it was seen and how else it is spelled."""
    found: dict[str, Secret] = {}

    def add(kind: str, location: str, value: str, min_len: int = 8, form: str | None = None,
            key_shaped: bool = False) -> None:
        value = value.strip().strip("\"'")
        fake = _fake_key(value) if key_shaped else (
            _PLACEHOLDER.match(value) or _PLACEHOLDER_PASSWORD.match(value))
        if len(value) < min_len or fake:
            return
        old = found.get(value)
        forms = tuple(f for f in {form, _slack_escaped(value)} if f and f != value)
        if old is not None:
            if set(forms) - set(old.forms):
                found[value] = replace(old, forms=tuple(dict.fromkeys((*old.forms, *forms))))
            return
        found[value] = Secret(kind=kind, location=location, redacted=redact_value(kind, value), value=value,
                              forms=forms)

    for kind, pattern in _TOKEN_PATTERNS:
        for m in pattern.finditer(text):
            if _glued_ok(text, m.start(), m.group(0)):
                add(kind, _location_of(text, m.start()), m.group(0), key_shaped=True)
    # Lookups below in log time: a log dump has hundreds of headers and keys (each header compared
    # with every key found was quadratic).
    keys = sorted(found)

    def known_key(value: str) -> bool:
        """``value`` is a key found above, or starts one, or starts with one."""
        i = bisect.bisect_left(keys, value)
        if i < len(keys) and keys[i].startswith(value):
            return True
        return any(p.match(value) for _, p in _TOKEN_PATTERNS)

    for m in _AUTH_HEADER.finditer(text):
        header, scheme, value = m.group(1).lower(), (m.group(2) or "").lower(), m.group(3)
        if known_key(value):
            continue
        if scheme == "basic":
            decoded = _b64(value)
            if decoded and ":" in decoded:
                add("basic_auth", "header", value)
                add("basic_auth", "header", decoded)
                user, _, password = decoded.partition(":")
                add("password", "header", password, min_len=MIN_PASSWORD)
                continue
        add("authorization" if header == "authorization" else "api_key", "header", value)
    for m in _CURL_USER.finditer(text):
        cred = m.group(2)
        user, _, password = cred.partition(":")
        if password:
            if user:
                add("basic_auth", "header", cred)
            add("password", "header", password, min_len=MIN_PASSWORD)
        elif user not in found:
            add("basic_auth", "header", user)
    for m in _AUTH_TUPLE.finditer(text):
        add("password", "header", m.group(2), min_len=MIN_PASSWORD)
    for m in _PASSWORD_FIELD.finditer(text):
        add("password", "body", m.group(2), min_len=MIN_PASSWORD)
    for m in _QUERY_SECRET.finditer(text):
        value = m.group(2)
        if not any(p.search(value) for _, p in _TOKEN_PATTERNS):  # a key's own pattern found it
            add("query_credential", "query", unquote(value), min_len=6, form=value)
    _find_encoded(text, add)
    return [replace(secret, field_name=_field_of(text, text.find(value))) for value, secret in found.items()]


def _glued_ok(text: str, start: int, token: str) -> bool:
    """A key right after a word character (`mykeysk_live_…`) counts only when it looks random
    (a digit in it, 16+ characters), so `task-live-updates` is not taken for a key."""
    if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
        return True
    return len(token) >= 16 and any(c.isdigit() for c in token)


def _find_encoded(text: str, add: Any) -> None:
    """Keys spelled with escapes (`sk%2Dlive%2D…`, `\\u0073k-live-…`): found in the decoded run,
    with the run's raw spelling kept as a form to redact."""
    if "%" not in text and "\\" not in text:
        return
    for run in _ENCODED_RUN.finditer(text):
        raw = run.group(0)
        if "%" not in raw and "\\" not in raw:
            continue
        units = _ESCAPE_UNIT.findall(raw)
        decoded = "".join(_decode_unit(u) for u in units)
        for kind, pattern in _TOKEN_PATTERNS:
            for m in pattern.finditer(decoded):
                spelled = "".join(units[m.start():m.end()])
                add(kind, _location_of(text, run.start()), m.group(0), form=spelled, key_shaped=True)


def _decode_unit(unit: str) -> str:
    if len(unit) == 1:
        return unit
    return chr(int(unit[1:], 16)) if unit[0] == "%" else chr(int(unit[2:], 16))


def _slack_escaped(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def redact(text: str, secrets: list[Secret]) -> str:
    """Replace every secret value (and its other spellings) in ``text`` with its redacted form."""
    # Longest first, so a key inside a longer credential is not half-replaced.
    spellings = [(form, s.redacted) for s in secrets for form in (s.value, *s.forms)]
    for form, redacted in sorted(spellings, key=lambda p: -len(p[0])):
        if form in text:
            text = text.replace(form, redacted)
    return text


_FIELD_BEFORE = [
    re.compile(r"(?:^|[\s'\"(])(-u|--user)\s*['\"]?[^\s'\"]*$"),                # curl -u user:KEY
    re.compile(r"[?&]([\w.\-\[\]]+)=$"),                                        # ?api_key=KEY
    re.compile(r"\b(auth)\s*=\s*\(\s*['\"][^'\"]*['\"]\s*,\s*['\"]$"),        # auth=('user', 'KEY')
    re.compile(r"([A-Za-z][\w\-]*)['\"]?\s*(?:=>|[:=])\s*['\"]?(?:(?:Bearer|Basic|Token|token)\s+)?$"),
]


def _field_of(text: str, pos: int) -> str | None:
    """Where a key was written, as the developer wrote it: the header (``Api-Key``,
    ``Authorization``), parameter (``api_key``), field (``apiKey``) or option (``-u``) just before
    it on its line; None when nothing names it (a key pasted on its own)."""
    if pos < 0:
        return None
    line = text[max(text.rfind("\n", 0, pos) + 1, pos - 200):pos]
    for pattern in _FIELD_BEFORE:
        m = pattern.search(line)
        if m:
            return m.group(1)
    return None


def _location_of(text: str, pos: int) -> str:
    line_start = max(text.rfind("\n", 0, pos) + 1, pos - 200)  # a 40 KB line is not rescanned per key
    line = text[line_start:pos].lower()
    if re.search(r"(api-key|authorization|-h\s|header|-u\s*|--user)", line):
        return "header"
    if "?" in line or "&" in line:
        return "query"
    return "body"  # a JSON or form value, or a bare key (`-u` was taken as a header above)


def _b64(value: str) -> str | None:
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
