"""Read a pasted curl command into a :class:`PastedRequest`.

Handles what developers actually paste: line continuations (``\\`` and Windows ``^``),
single, double and ``$'…'`` quotes, combined short flags (``-sSX POST``), attached values
(``-XPOST``, ``-H'…'``), repeated ``-H`` and ``-d``, ``--json``, ``-F``, ``-u``, ``-G``, ``--url``.
"""

from __future__ import annotations

import re
from urllib.parse import quote_plus

from .model import PastedRequest, Unresolved


class PasteError(ValueError):
    """The paste cannot be read; the message says why in a developer's words."""


# curl options that take a value (long and short forms) and that we do not otherwise read.
_VALUE_OPTIONS = {
    "-o", "--output", "-w", "--write-out", "-A", "--user-agent", "-b", "--cookie", "-c",
    "--cookie-jar", "-e", "--referer", "-m", "--max-time", "--connect-timeout", "--retry",
    "--retry-delay", "--retry-max-time", "-x", "--proxy", "--cacert", "--capath", "-E", "--cert",
    "--key", "-T", "--upload-file", "-r", "--range", "--resolve", "--connect-to", "--limit-rate",
    "-K", "--config", "--interface", "--dns-servers", "-Y", "--speed-limit", "-y", "--speed-time",
    "--max-redirs", "--proto", "--proto-redir", "--ciphers", "--trace",
    "--trace-ascii", "--stderr", "-D", "--dump-header", "--unix-socket", "--oauth2-bearer",
    "--aws-sigv4", "-Q", "--quote", "--variable", "--expand-data", "--happy-eyeballs-timeout-ms",
}
_DATA_OPTIONS = {"-d", "--data", "--data-ascii", "--data-raw", "--data-binary", "--data-urlencode"}
_SHORT_WITH_VALUE = set("XHdFuoAbceEmxTrwKDYyQ")

_CMD_END = {"|", "||", "&&", ";", ">", ">>", "2>", "&", "2>&1"}


def _join_continuations(command: str) -> str:
    if "'" not in command:
        return re.sub(r"[\\^`][ \t]*\r?\n", " ", command)
    out, quoted = [], False
    for part in re.split(r"(')", command):
        if part == "'":
            quoted = not quoted
            out.append(part)
        else:
            out.append(part if quoted else re.sub(r"[\\^`][ \t]*\r?\n", " ", part))
    return "".join(out)


def tokenize(command: str) -> list[str]:
    """Split a shell command like a POSIX shell would, without running anything.

    Raises :class:`PasteError` on an unbalanced quote, naming where the quote opened.
    """
    # Line continuations: backslash-newline (POSIX), caret-newline (cmd.exe), backtick (PowerShell).
    # Inside single quotes a backslash-newline stays as it is (POSIX): it reaches the body.
    command = _join_continuations(command)
    if '^"' in command:
        # Chrome's "Copy as cURL (cmd)": cmd.exe escapes every special character with ^.
        command = re.sub(r"\^(.)", r"\1", command)
    tokens: list[str] = []
    buf: list[str] = []
    have_token = False
    i, n = 0, len(command)
    while i < n:
        c = command[i]
        if c in " \t\r\n":
            if have_token:
                tokens.append("".join(buf))
                buf, have_token = [], False
            i += 1
        elif c == "'":
            end = command.find("'", i + 1)
            if end < 0:
                raise PasteError(f"unbalanced single quote (opened at character {i + 1} of the curl command)")
            buf.append(command[i + 1:end])
            have_token = True
            i = end + 1
        elif c == "$" and i + 1 < n and command[i + 1] == "'":
            text, i = _ansi_c_string(command, i + 2)
            buf.append(text)
            have_token = True
        elif c == '"':
            j = i + 1
            while j < n and command[j] != '"':
                if command[j] == "\\" and j + 1 < n and command[j + 1] in '"\\$`\n':
                    if command[j + 1] != "\n":
                        buf.append(command[j + 1])
                    j += 2
                    continue
                buf.append(command[j])
                j += 1
            if j >= n:
                raise PasteError(f"unbalanced double quote (opened at character {i + 1} of the curl command)")
            have_token = True
            i = j + 1
        elif c == "\\" and i + 1 < n:
            buf.append(command[i + 1])
            have_token = True
            i += 2
        elif c == "#" and not have_token:
            # A shell comment runs to the end of the line.
            nl = command.find("\n", i)
            i = n if nl < 0 else nl
        else:
            buf.append(c)
            have_token = True
            i += 1
    if have_token:
        tokens.append("".join(buf))
    return tokens


_ANSI_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "a": "\a",
                 "b": "\b", "e": "\x1b", "f": "\f", "v": "\v", "0": "\0"}


def _ansi_c_string(s: str, i: int) -> tuple[str, int]:
    out: list[str] = []
    start = i - 2
    while i < len(s):
        c = s[i]
        if c == "'":
            return "".join(out), i + 1
        if c == "\\" and i + 1 < len(s):
            nxt = s[i + 1]
            if nxt == "x":
                m = re.match(r"[0-9a-fA-F]{1,2}", s[i + 2:])
                if m:
                    out.append(chr(int(m.group(0), 16)))
                    i += 2 + len(m.group(0))
                    continue
            if nxt == "u":
                m = re.match(r"[0-9a-fA-F]{1,4}", s[i + 2:])
                if m:
                    out.append(chr(int(m.group(0), 16)))
                    i += 2 + len(m.group(0))
                    continue
            out.append(_ANSI_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    raise PasteError(f"unbalanced $'…' quote (opened at character {start + 1} of the curl command)")


def parse_curl(command: str, stdin: str | None = None) -> PastedRequest:
    """Read one curl command (starting with ``curl``) into a request.

    ``stdin`` is what a heredoc feeds the command (for ``-d @-``).
    """
    tokens = tokenize(command)
    # Stop at the end of the curl command: a pipe into jq, a redirect, a second command.
    for idx, tok in enumerate(tokens):
        if tok in _CMD_END:
            tokens = tokens[:idx]
            break
    if not tokens or tokens[0].rsplit("/", 1)[-1] not in ("curl", "curl.exe"):
        raise PasteError("not a curl command")
    method: str | None = None
    url: str | None = None
    headers: list[tuple[str, str]] = []
    data: list[str] = []
    body_files: list[str] = []  # -d @file: a body we cannot see
    form: list[tuple[str, str]] | None = None
    user: str | None = None
    get = head = False
    json_mode = False
    notes: list[str] = []

    args = _expand_short_flags(tokens[1:])
    i = 0
    while i < len(args):
        opt = args[i]
        value: str | None = None
        if opt.startswith("--") and "=" in opt and opt.split("=", 1)[0] in (
            _DATA_OPTIONS | {"--request", "--header", "--url", "--user", "--json", "--form"} | _VALUE_OPTIONS
        ):
            opt, value = opt.split("=", 1)

        def take() -> str:
            nonlocal i, value
            if value is not None:
                return value
            if i + 1 >= len(args):
                raise PasteError(f"curl option {opt} is missing its value")
            i += 1
            return args[i]

        if opt in ("-X", "--request"):
            method = take().upper()
        elif opt in ("-H", "--header"):
            h = take()
            if h.startswith("@"):
                notes.append(f"headers read from file {h[1:]} are not shown in the paste")
            elif ":" in h:
                name, _, val = h.partition(":")
                headers.append((name.strip(), val.strip()))
            elif h.endswith(";"):
                headers.append((h[:-1].strip(), ""))
        elif opt in _DATA_OPTIONS:
            d = take()
            if d == "@-" and stdin is not None:
                data.append(stdin.strip())
            elif d.startswith("@") and opt != "--data-raw":
                notes.append(f"the body is read from the file {d[1:]}, which the paste does not show")
                body_files.append(d[1:])
            elif opt == "--data-urlencode":
                name, eq, val = d.partition("=")
                data.append(f"{name}={quote_plus(val)}" if eq else quote_plus(d))
            else:
                data.append(d)
        elif opt == "--json":
            d = take()
            json_mode = True
            if d == "@-" and stdin is not None:
                d = stdin.strip()
            elif d.startswith("@"):
                notes.append(f"the body is read from the file {d[1:]}, which the paste does not show")
                body_files.append(d[1:])
                d = ""
            if d:
                data.append(d)
        elif opt in ("-F", "--form", "--form-string"):
            f = take()
            name, _, val = f.partition("=")
            form = form or []
            form.append((name, val))
        elif opt in ("-u", "--user"):
            user = take()
        elif opt in ("-G", "--get"):
            get = True
        elif opt in ("-I", "--head"):
            head = True
        elif opt == "--url":
            url = take()
        elif opt in _VALUE_OPTIONS:
            take()
        elif opt.startswith("-") and len(opt) > 1:
            pass  # a flag without a value (-s, -v, -L, --compressed, ...): nothing to read
        elif url is None and opt.strip():
            # (an argument of spaces is a broken line continuation, "\ " not "\\n": not the URL)
            url = opt
        i += 1

    if url is None:
        raise PasteError("the curl command has no URL")
    partial = url.startswith("$") or url.startswith("{")  # "$BRIDGE_URL/customers"
    if not partial and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", url) and not url.startswith("/"):
        url = "https://" + url
    body: str | None = None
    # A body read from a file we cannot see is sent, but its content is unknown: it is not
    # checked (and not missing).
    body_value = Unresolved("@" + body_files[0]) if body_files and not data else None
    if body_value is not None and not get:
        body = ""
    if get and data:
        sep = "&" if "?" in url else "?"
        url = url + sep + "&".join(d for d in data if d)
    elif data:
        # curl joins repeated -d with "&"; repeated --json are concatenated as they are.
        body = "".join(data) if json_mode else "&".join(data)
    if json_mode:
        if not any(k.lower() == "content-type" for k, _ in headers):
            headers.append(("Content-Type", "application/json"))
    elif body is not None and not any(k.lower() == "content-type" for k, _ in headers):
        # What curl itself sends with -d.
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    if method is None:
        method = "HEAD" if head else "GET" if get else "POST" if (body is not None or form) else "GET"
    return PastedRequest(
        method=method, url=url, headers=headers, body=body, form_fields=form, source="curl",
        basic_auth=user, notes=notes, url_partial=partial, body_value=body_value,
    )


def _expand_short_flags(args: list[str]) -> list[str]:
    """``-sSXPOST`` → ``-s -S -X POST``; ``-H'A: b'`` → ``-H 'A: b'``."""
    out: list[str] = []
    for a in args:
        if len(a) > 2 and a[0] == "-" and a[1] != "-":
            j = 1
            while j < len(a):
                ch = a[j]
                if ch in _SHORT_WITH_VALUE:
                    out.append("-" + ch)
                    if j + 1 < len(a):
                        out.append(a[j + 1:])
                    break
                out.append("-" + ch)
                j += 1
        else:
            out.append(a)
    return out
