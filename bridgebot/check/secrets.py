"""Find credentials in a paste and redact them everywhere they would be shown or stored."""

from __future__ import annotations

import base64
import binascii
import re

from .model import Secret

# (kind, pattern). Ordered: the specific prefixes first, so a Bridge key in an Authorization
# header is named as a Bridge key.
_TOKEN_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("bridge_live_key", re.compile(r"\bsk-live-[A-Za-z0-9_-]{8,}")),
    ("bridge_test_key", re.compile(r"\bsk-test-[A-Za-z0-9_-]{8,}")),
    ("stripe_live_key", re.compile(r"\b(?:sk|rk)_live_[A-Za-z0-9]{10,}")),
    ("stripe_test_key", re.compile(r"\b(?:sk|rk)_test_[A-Za-z0-9]{10,}")),
    ("stripe_webhook_secret", re.compile(r"\bwhsec_[A-Za-z0-9]{16,}")),
    ("github_token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})")),
    ("slack_token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("aws_access_key", re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")),
]

_AUTH_HEADER = re.compile(
    # Header lines (Api-Key: x), and header dicts in code ('Api-Key': 'x', "Authorization" => "…").
    r"(?i)\b(authorization|api-key|x-api-key)[\"']?\s*(?:=>|[:=])\s*[\"'`]?"
    r"(?:(bearer|basic|token)\s+)?([^\s\"'`,}]+)"
)
_CURL_USER = re.compile(r"(?:^|\s)(?:-u\s*|--user[\s=]+)([\"']?)([^\s\"']+:[^\s\"']*)\1")

# Values that are clearly placeholders, not credentials.
_PLACEHOLDER = re.compile(
    r"""(?ix)^(
        \$\{?[A-Z_][A-Z0-9_]*\}? | \$env:\w+ | %\w+% | \$\(.* | \{\{.*\}\} | <[^>]*> | \[[^\]]*\] |
        .*(your|api_?key|secret|token|redacted|placeholder|example|xxxx|\.\.\.|…|\*\*\*).* |
        sk-(live|test)-?$ | process\.env\..* | os\.environ.* | env\(.* |
        (?!eyJ)[A-Za-z_]\w*(\.[A-Za-z_]\w*)+ | [A-Za-z_]\w*\(.*
    )$""",
)


def redact_value(kind: str, value: str) -> str:
    """``sk-live-…9f2c``: keep the well-known prefix and the last four characters."""
    prefix = ""
    for p in ("sk-live-", "sk-test-", "sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_",
              "github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xoxb-", "xoxp-", "xoxa-"):
        if value.startswith(p):
            prefix = p
            break
    tail = value[-4:] if len(value) - len(prefix) >= 12 else ""
    return f"{prefix}…{tail}"


def find_secrets(text: str) -> list[Secret]:
    """Every credential in ``text``, each once, with where it was seen."""
    found: dict[str, Secret] = {}

    def add(kind: str, location: str, value: str) -> None:
        value = value.strip().strip("\"'")
        if len(value) < 8 or _PLACEHOLDER.match(value) or value in found:
            return
        found[value] = Secret(kind=kind, location=location, redacted=redact_value(kind, value), value=value)

    for kind, pattern in _TOKEN_PATTERNS:
        for m in pattern.finditer(text):
            add(kind, _location_of(text, m.start()), m.group(0))
    for m in _AUTH_HEADER.finditer(text):
        header, scheme, value = m.group(1).lower(), (m.group(2) or "").lower(), m.group(3)
        if any(value.startswith(s.value) or s.value.startswith(value) for s in found.values()):
            continue
        if scheme == "basic":
            decoded = _b64(value)
            if decoded and ":" in decoded:
                add("basic_auth", "header", value)
                add("basic_auth", "header", decoded)
                continue
        add("authorization" if header == "authorization" else "api_key", "header", value)
    for m in _CURL_USER.finditer(text):
        cred = m.group(2)
        user, _, password = cred.partition(":")
        known = [s for s in found.values() if s.value in (user, cred)]
        if not known:
            add("basic_auth", "header", cred if password else user)
    return list(found.values())


def redact(text: str, secrets: list[Secret]) -> str:
    """Replace every secret value in ``text`` with its redacted form."""
    # Longest first, so a key inside a longer credential is not half-replaced.
    for s in sorted(secrets, key=lambda s: -len(s.value)):
        if s.value in text:
            text = text.replace(s.value, s.redacted)
    return text


def _location_of(text: str, pos: int) -> str:
    line_start = max(text.rfind("\n", 0, pos) + 1, pos - 200)  # a 40 KB line is not rescanned per key
    line = text[line_start:pos].lower()
    if re.search(r"(api-key|authorization|-h\s|header|-u\s*|--user)", line):
        return "header"
    if "?" in line or "&" in line:
        return "query"
    if line.strip().startswith(("{", "\"")) or ":" in line:
        return "body"
    return "header" if "-u" in line else "body"


def _b64(value: str) -> str | None:
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
