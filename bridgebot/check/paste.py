"""Find every pasted request and error in a Slack message's text.

A message is read as Slack delivers it: HTML-escaped (``&amp; &lt; &gt;``), links wrapped as
``<https://x|x>``, and quotes turned "smart" when typed outside a code block. Those are undone
first; then curl commands, raw HTTP, client code, JSON bodies (with the endpoint named near
them) and error responses are picked out, each part of the text read once.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from .clientcode import find_code_requests
from .curl import PasteError, parse_curl
from .model import PastedError, PastedRequest, Unresolved
from .readers.errors import apply_catalog, errors_in, first_status, text_errors
from .readers.guzzle import guzzle_requests
from .readers.printed import printed_requests
from .readers.lenient import MAX_LENIENT_CHARS, LenientError, read_value
from .readers.unread import unread_lines

#: Slack caps a message at 40,000 characters; a paste given to the CLI may be a file.
#: Anything past this is refused up front rather than read slowly.
MAX_PASTE_CHARS = 256 * 1024
#: A message with more requests than this is someone pasting a log: check the first ones only.
MAX_REQUESTS = 20
#: Errors read from one message (a log dump of thousands is cut here, and says so).
MAX_ERRORS = 20
#: Status lines, error sentences and request ids looked at per message: each is paired with the
#: errors near it, so thousands of them would cost thousands of passes.
MAX_TEXT_MATCHES = 100
#: Candidate JSON starts that fail to parse before the reader stops looking (each failure costs
#: a pass over the text inside the json module).
MAX_JSON_FAILURES = 50
#: Values read leniently (JS literals, elisions, cut-off ends) before the reader reads strict
#: JSON only: a log of thousands of JS-ish lines would otherwise cost seconds.
MAX_LENIENT_READS = 30
#: … and at most this many characters read that way in all.
MAX_LENIENT_TOTAL = 96 * 1024
#: JSON nested deeper than this is refused (no API body is this deep; Python would recurse).
MAX_JSON_DEPTH = 64

_HTTP_METHODS = "GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS"
_IDEMPOTENCY_OPTION = re.compile(r"(?i)[\"']?idempotency[_-]?key[\"']?\s*(?::|=>?)")


class UnreadablePaste(ValueError):
    """The whole paste cannot be read (too large, binary, ...); the message says why."""


@dataclass
class Paste:
    text: str
    requests: list[PastedRequest] = field(default_factory=list)
    #: Errors with the offset where each was seen (to pair them with the request before them).
    errors: list[tuple[int, PastedError]] = field(default_factory=list)
    #: Offsets of the requests, in the same order.
    request_offsets: list[int] = field(default_factory=list)
    #: (start, end) of every request read, in reading order (to tell a printed response from a body).
    request_spans: list[tuple[int, int]] = field(default_factory=list)
    #: Parts that looked like a request or error but could not be read, in plain words.
    problems: list[str] = field(default_factory=list)
    #: Hints for the developer (e.g. a JSON body with no endpoint named near it).
    hints: list[str] = field(default_factory=list)
    #: JSON bodies with no endpoint near them (the checker looks for the one operation they fit).
    bare_bodies: list[tuple[int, Any]] = field(default_factory=list)
    bare_body_hint: str = ("There is a JSON body here but no endpoint near it: say which one "
                           "(for example `POST /v0/transfers`) and I'll check it.")


# --- Slack text -------------------------------------------------------------------------------

_SMART = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
                        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
                        "\u00a0": " ", "\u2013": "-", "\u2014": "--"})
# `<` is excluded inside a link (Slack escapes it as &lt;): an unclosed `<http://x|` then scans only
# to the next `<`, not to the end of the message for every one of them (quadratic before).
_LINK = re.compile(r"<((?:https?|mailto|ftp):[^|<>\s]*)(?:\|([^<>]*))?>")


def unslack(text: str) -> str:
    """Undo Slack's link markup, smart quotes and HTML escaping, in that order."""

    def link(m: re.Match[str]) -> str:
        target, label = m.group(1), m.group(2)
        if target.startswith("mailto:"):
            return label or target[len("mailto:"):]
        # Slack shortens long labels; the target is what the developer typed.
        return target

    text = _LINK.sub(link, text)
    # Non-link angle brackets (user/channel mentions) are left: <@U123>.
    # Slack makes quotes "smart" only outside code blocks; inside, a ’ is the developer's own.
    parts = text.split("```")
    text = "```".join(part if i % 2 else part.translate(_SMART) for i, part in enumerate(parts))
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def check_text_input(data: bytes | str) -> str:
    """Decode input for the checker, refusing binary and oversized input with a clear message."""
    if isinstance(data, bytes):
        if b"\x00" in data[:MAX_PASTE_CHARS * 4]:
            raise UnreadablePaste("this is binary data, not text: paste the request or error as text")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise UnreadablePaste(
                f"this is not UTF-8 text (undecodable byte at offset {e.start}): paste the request as text"
            ) from None
    if "\x00" in data:
        raise UnreadablePaste("this is binary data, not text: paste the request or error as text")
    if "\r" in data:
        data = data.replace("\r\n", "\n").replace("\r", "\n")  # Windows line endings
    if len(data) > MAX_PASTE_CHARS:
        raise UnreadablePaste(
            f"the paste is {len(data):,} characters; bridgebot reads at most {MAX_PASTE_CHARS:,}. "
            "Paste just the request and the error."
        )
    return data


# --- reading ----------------------------------------------------------------------------------

class _Spans:
    """The parts of the text already read, merged and sorted, so each lookup takes log time (a
    list scanned per lookup made a log dump of 1,400 requests quadratic: 0.8 s)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def append(self, span: tuple[int, int]) -> None:
        a, b = span
        if b <= a:
            return
        lo = bisect.bisect_left(self.ends, a)  # the first span ending at or after a
        hi = bisect.bisect_right(self.starts, b)  # past the last span starting at or before b
        if lo < hi:
            a, b = min(a, self.starts[lo]), max(b, self.ends[hi - 1])
        self.starts[lo:hi], self.ends[lo:hi] = [a], [b]

    def end_covering(self, pos: int) -> int | None:
        """The end of the span holding ``pos``; None if ``pos`` is free."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.ends[i] if i >= 0 and self.ends[i] > pos else None

    def free(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1
        if i >= 0 and self.ends[i] > start:
            return False
        return not (i + 1 < len(self.starts) and self.starts[i + 1] < end)


def read_paste(raw: str | bytes, specs: Any = None) -> Paste:
    """Read ``raw``; with ``specs`` (a SpecSet), SDK calls are read too (their names map to
    operations through the spec)."""
    text = unslack(check_text_input(raw))
    paste = Paste(text=text)
    taken = _Spans()

    def free(start: int, end: int) -> bool:
        return taken.free(start, end)

    def add_request(pos: int, end: int, req: PastedRequest) -> None:
        taken.append((pos, end))
        if len(paste.requests) >= MAX_REQUESTS:
            if not any("first" in p for p in paste.problems):
                paste.problems.append(f"This message holds more than {MAX_REQUESTS} requests; "
                                      f"I checked the first {MAX_REQUESTS}.")
            return
        paste.requests.append(req)
        paste.request_offsets.append(pos)
        paste.request_spans.append((pos, end))

    def full() -> bool:
        return len(paste.requests) >= MAX_REQUESTS

    # 1. curl commands.
    # At most MAX_TEXT_MATCHES places are looked at: each may measure a command to the end of a
    # long line, so a message of thousands of "curl" words must not be read thousands of times.
    curls = re.finditer(r"(?m)(?:^|(?<=[\s`$>]))curl(?:\.exe)?(?=[ \t]+\S|[ \t]*\\\n)", text)
    for m in itertools.islice(curls, MAX_TEXT_MATCHES):
        if full():
            add_request(m.start(), m.start() + 1, PastedRequest("GET", ""))  # notes the cap once
            break
        if not free(m.start(), m.start() + 1):
            continue
        line_end = text.find("\n", m.start(), m.start() + _PROSE_LOOK)
        if line_end >= 0 and _prose_curl(text[m.start():line_end]):
            continue  # a word in a sentence, told before measuring a command that may run to the end
        head = text[m.start():m.start() + _PROSE_LOOK]
        if (line_end < 0 and len(head) == _PROSE_LOOK and "```" not in head and "`" != text[m.start() - 1:m.start()]
                and _prose_curl(head)):
            # A line longer than _PROSE_LOOK: the command measured below starts with this same head
            # (nothing before its end stops it), and _prose_curl reads only the head: tell it now
            # rather than measure a 40,000-character line a hundred times (232 ms, fuzz seed 302739).
            continue
        end = _command_extent(text, m.start())
        if m.start() > 0 and text[m.start() - 1] == "`" and not text.startswith("```", max(0, m.start() - 3)):
            # Inline code: `curl …` ends at the closing backtick.
            close = text.find("`", m.start())
            end = min(end, close) if close >= 0 else end
        stdin, end, heredoc_note = _heredoc(text, m.start(), end)
        command = text[m.start():end]
        if re.search(r"\\\n>", command) and not re.search(r"\\\n(?!>)", command):
            command = re.sub(r"\n>[ \t]?", "\n", command)  # the shell's continuation prompt ("> ")
        if _prose_curl(command):
            continue  # "the curl verbose output": the word, not a command
        try:
            req = parse_curl(command.split("<<")[0] if stdin is not None else command, stdin=stdin)
            if heredoc_note:
                req.notes.append(heredoc_note)
            add_request(m.start(), end, req)
        except PasteError as e:
            taken.append((m.start(), end))
            paste.problems.append(f"I couldn't read the curl command on line {_line_of(text, m.start())}: {e}.")

    # 2. Raw HTTP requests (also curl -v's "> " lines).
    for m in re.finditer(rf"(?m)^[ \t]*(?:>[ \t]*)?({_HTTP_METHODS})[ \t]+(\S+)[ \t]+HTTP/[\d.]+[ \t]*$", text):
        if full():
            add_request(m.start(), m.start() + 1, PastedRequest("GET", ""))  # notes the cap once
            break
        if free(m.start(), m.end()):
            end, req = _raw_http(text, m)
            add_request(m.start(), end, req)

    # 3. Client code.
    code_found = False
    for start, end, req in itertools.chain(find_code_requests(text), guzzle_requests(text)):
        if free(start, end):
            if req.header("Idempotency-Key") is None and _IDEMPOTENCY_OPTION.search(text, start, end):
                # An SDK or wrapper option ({idempotencyKey: …}, idempotency_key=…) sends the header.
                req.headers.append(("Idempotency-Key", Unresolved("idempotency option")))
            add_request(start, end, req)
            code_found = True

    # 3b. SDK calls (stripe.customers.create, octokit.rest.issues.create, ...).
    if specs is not None:
        from .readers.sdk import find_sdk_requests

        for start, end, req in find_sdk_requests(text, specs):
            if free(start, end):
                add_request(start, end, req)
                code_found = True

    # 4. JSON values: request bodies (endpoint named near them) and error responses.
    for start, end, value, error, liberties in _json_values(text, taken):
        line_prefix = text[text.rfind("\n", 0, start) + 1:start]
        if code_found and _assigned_here(line_prefix):
            taken.append((start, end))  # `payload = {…}` read with the call that sends it
            continue
        if error is not None:
            endpoint = _endpoint_near(text, start, end)
            if endpoint and endpoint[0] in ("POST", "PUT", "PATCH"):
                method, url = endpoint
                req = PastedRequest(method=method, url=url, body=text[start:end], source="json",
                                    headers=[("Content-Type", "application/json")], body_error=error)
                add_request(start, end, req)
            else:
                taken.append((start, end))
                paste.problems.append(f"The JSON on line {_line_of(text, start)} could not be read: {error}.")
            continue
        errs = errors_in(value, fallback=error_from_json)
        if errs:
            taken.append((start, end))
            paste.errors.extend((start, e) for e in errs)
            for req in printed_requests(value):  # axios's config, octokit's request: what was sent
                add_request(start, end, req)
            continue
        if "mid_line" in liberties or ("after_code" in liberties and "literal" in liberties):
            continue  # an object inside a log line or code (an SDK call's argument): read for errors only
        if _follows_request(text, start, paste):
            taken.append((start, end))  # a curl's printed response, not a second request
            continue
        endpoint = _endpoint_near(text, start, end)
        if endpoint and endpoint[0] not in ("POST", "PUT", "PATCH"):
            taken.append((start, end))  # an example response of the GET named next to it
        elif endpoint and isinstance(value, (dict, list)):
            method, url = endpoint
            add_request(start, end, PastedRequest(
                method=method, url=url, body=text[start:end], source="json",
                headers=[("Content-Type", "application/json")], body_value=value if liberties else None,
                body_error=_strict_error(text[start:end]) if liberties & {"literal", "cut_off"} else None,
            ))
        elif isinstance(value, dict) and value:
            taken.append((start, end))
            paste.bare_bodies.append((start, value))
            if paste.bare_body_hint not in paste.hints:
                paste.hints.append(paste.bare_body_hint)

    # 4b. Error bodies printed by JavaScript (console.log(err.response.data), AxiosError dumps).
    _js_errors(text, taken, paste)

    # 5. Errors in plain text: status lines, client exceptions, API messages.
    _text_errors(text, taken, paste)
    # 6. Calls in forms no reader knows: say so (issue 11), unless something there was read.
    paste.problems += unread_lines(text, lambda pos: taken.end_covering(pos) is None)
    paste.errors.sort(key=lambda e: e[0])
    if len(paste.errors) > MAX_ERRORS:
        paste.errors = paste.errors[:MAX_ERRORS]
        paste.problems.append(f"This message holds more than {MAX_ERRORS} errors; I read the first {MAX_ERRORS}.")
    for _pos, err in paste.errors:
        apply_catalog(err)
    paste.errors = _without_echoes(paste.errors)
    order = sorted(range(len(paste.requests)), key=lambda i: paste.request_offsets[i])
    paste.requests = [paste.requests[i] for i in order]
    paste.request_offsets = [paste.request_offsets[i] for i in order]
    return paste


_TRAILING_NAME = re.compile(r"(?<![\w$])[A-Za-z_$][\w$]*$")


def _assigned_here(line_prefix: str) -> bool:
    """The line so far is ``name =`` (so the JSON after it is a variable's value). Checked from the
    end: a regex search for "name = " at the end, tried from every `$` of a 10 KB run, took 4 s."""
    before = line_prefix.rstrip()
    if not before.endswith("=") or before.endswith(("==", "!=", "<=", ">=")):
        return False
    return _TRAILING_NAME.search(before[:-1].rstrip()[-200:]) is not None


def _without_echoes(errors: list[tuple[int, PastedError]]) -> list[tuple[int, PastedError]]:
    """Drop an error read from a message line when the same message is also in an error object
    nearby that says more (its code or param): an exception prints both."""
    def richer(e: PastedError, other: PastedError) -> bool:
        return bool(other.message and e.message and e.message.strip() in other.message
                    and (other.param or other.code) and not (e.param or e.code))
    return [(p, e) for p, e in errors
            if not any(o is not e and abs(q - p) < 5000 and richer(e, o) for q, o in errors)]


#: Blanks around one `set -x` echo of the command. (Written ``\s*(?:…)?\s*`` the two blank runs split a
#: long gap every way before failing: 2.8 s on a 40,000-character paste, found by the fuzz run.)
_SET_X_ECHO = re.compile(r"\s*(?:\+ curl [^\n]*\n\s*)?")


def _follows_request(text: str, start: int, paste: Paste) -> bool:
    """JSON right under a curl or raw HTTP request (only blanks, a prompt or a `set -x` echo between):
    the response it printed."""
    for (pos, end), req in zip(paste.request_spans, paste.requests):
        if req.source in ("curl", "http") and end <= start:
            gap = text[end:start]
            if not gap.strip(" \t\n$%>`") or _SET_X_ECHO.fullmatch(gap):
                return True
    return False


_PROSE_LOOK = 1000  # a sentence's worth: a line of thousands of "curl" words is read in linear time


def _prose_curl(command: str) -> bool:
    """``curl`` used as a word in a sentence: one line, no option, no URL-like argument (looked
    for in its first characters only: called for every "curl" in a message, so it must stay short)."""
    head = command[:_PROSE_LOOK]
    if "\n" in head or re.search(r"\s-{1,2}\w", head):
        return False
    return not _URLISH.search(head.split(None, 1)[1] if " " in head.strip() else "")


_URLISH = re.compile(r"[/:$@{]|\w\.\w")


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


_EXTENT_STOP = re.compile(r"[\\'\"$^\n`]")


def _command_extent(text: str, start: int) -> int:
    """End of a shell command: the first newline outside quotes not after a continuation."""
    i, n = start, len(text)
    quote: str | None = None
    while i < n:
        # Only these characters change anything below: jump to the next one in C.
        m = _EXTENT_STOP.search(text, i)
        if m is None:
            return n
        i = m.start()
        c = text[i]
        if quote:
            if c == "\\" and quote != "'" and i + 1 < n:
                i += 2
                continue
            if c == quote:
                quote = None
        else:
            if text.startswith("```", i):
                return i
            if c in "'\"":
                quote = c
            elif c == "$" and i + 1 < n and text[i + 1] == "'":
                quote = "'"
                i += 1
            elif c in "\\^" and text[i + 1:i + 2] == "\n":
                i += 2
                continue
            elif c == "\n":
                # PowerShell continuation is a backtick at the end of the line.
                if i > 0 and text[i - 1] == "`" and not text.startswith("```", i - 3):
                    i += 1
                    continue
                return i
        i += 1
    return n


def _heredoc(text: str, start: int, end: int) -> tuple[str | None, int, str | None]:
    """``curl … -d @- <<'EOF'`` followed by the body and ``EOF``: (body, end past the terminator,
    a note when the terminator is missing).

    Without its terminator the shell reads the body to the end of its input (and warns); in a
    paste that is the end of the code block the command is in, or of the message."""
    m = re.search(r"<<-?\s*(['\"]?)(\w+)\1", text[start:end])
    if not m:
        return None, end, None
    term = re.compile(rf"(?m)^[ \t]*{re.escape(m.group(2))}[ \t]*$")
    t = term.search(text, end)
    if t:
        return text[end + 1:t.start()], t.end(), None
    fence = text.find("```", end)
    stop = fence if fence >= 0 else len(text)
    rest = text[end + 1:stop]
    if not rest.strip():
        return None, end, None  # nothing after the command: the body is not in the paste
    lead = len(rest) - len(rest.lstrip())
    # A JSON body ends where its value does: what follows (the response, a question) is not it.
    size = _json_end(rest, lead) if rest[lead:lead + 1] in ("{", "[") else None
    if size is not None:
        return (rest[:size], end + 1 + size,
                f"the heredoc has no closing `{m.group(2)}` line: its body is read as the JSON after it")
    where = "code block" if fence >= 0 else "message"
    return (rest, stop, f"the heredoc has no closing `{m.group(2)}` line: its body is read to the end of the {where}")


def _json_end(text: str, start: int) -> int | None:
    """Where the JSON value at ``text[start]`` ends, or None when none parses there."""
    try:
        return json.JSONDecoder().raw_decode(text, start)[1]
    except (ValueError, RecursionError):
        return None


def _raw_http(text: str, m: re.Match[str]) -> tuple[int, PastedRequest]:
    method, target = m.group(1), m.group(2)
    prefixed = text[m.start():m.end()].lstrip().startswith(">")
    pos = m.end() + 1
    headers: list[tuple[str, str]] = []
    consumed = 0
    for line in _lines_from(text, pos):
        stripped = line.strip()
        if prefixed:
            if not stripped.startswith(">"):
                break
            stripped = stripped[1:].strip()
        if not stripped:
            consumed += len(line) + 1
            break
        hm = re.match(r"^([A-Za-z0-9!#$%&'*+.^_`|~-]+):\s*(.*)$", stripped)
        if not hm:
            break
        headers.append((hm.group(1), hm.group(2)))
        consumed += len(line) + 1
    pos += consumed
    body: str | None = None
    end = pos
    rest = text[pos:]
    stripped = rest.lstrip()
    if stripped.startswith(("{", "[")):
        offset = pos + (len(rest) - len(stripped))
        length = _json_end(stripped, 0)
        if length is not None:
            body = stripped[:length]
            end = offset + length
        else:
            # Keep the whole rest of the block: the checker reports the body as malformed.
            block_end = text.find("```", offset)
            end = block_end if block_end >= 0 else len(text)
            body = text[offset:end].strip()
    elif stripped and not stripped.startswith("```") and not prefixed:
        para_end = rest.find("\n\n")
        block_end = rest.find("```")
        cut = min(x for x in (para_end, block_end, len(rest)) if x >= 0)
        candidate = rest[:cut].strip()
        if re.fullmatch(r"[^\s&=]+=[^\s&]*(?:&[^\s&=]+=[^\s&]*)*", candidate):
            body, end = candidate, pos + cut
    host = next((v for k, v in headers if k.lower() == "host"), None)
    url = target if target.startswith("http") or not host else f"https://{host}{target}"
    return end, PastedRequest(method=method, url=url, headers=headers, body=body, source="http")


def _lines_from(text: str, pos: int):
    """The lines from ``pos`` on, one at a time (not a split of the whole rest per request)."""
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        nl = n if nl < 0 else nl
        yield text[pos:nl]
        pos = nl + 1


def _json_values(text: str, taken: _Spans):
    """Yield ``(start, end, value, error)`` for top-level JSON objects outside taken spans.

    A value that starts like JSON but does not parse is yielded once with ``error`` set, and
    scanning resumes where the parser stopped, so a truncated 200 KB document costs one pass.
    """
    decoder = json.JSONDecoder()
    pos, n, failures, misses, lenient_tries, lenient_chars = 0, len(text), 0, 0, 0, 0
    starts = re.compile(r"(?m)^[ \t>]*(?:```[a-z]*\s*)?([{\[])|(?<=[=:(])\s*([{])"
                        r"|(?<=[\s\]>|])(\{)(?=\s*[uUbB]?[\"']?[A-Za-z_$][\w$-]*[\"']?\s*:)")
    while pos < n:
        m = starts.search(text, pos)
        if not m:
            return
        start = m.start(1) if m.group(1) else m.start(2) if m.group(2) else m.start(3)
        mid_line = set() if m.group(1) else {"mid_line"} if m.group(3) else {"after_code"}
        start = text.index(text[start], start)  # skip the whitespace the lookbehind allowed
        covered = taken.end_covering(start)
        if covered is not None:
            pos = covered
            continue
        try:
            value, end = decoder.raw_decode(text, start)
        except RecursionError:
            yield start, n, None, f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep", set()
            return
        except json.JSONDecodeError as e:
            lenient = None
            if lenient_tries < MAX_LENIENT_READS and lenient_chars < MAX_LENIENT_TOTAL:
                lenient_tries += 1
                lenient = _lenient(text, start)
                lenient_chars += (lenient[1] - start) if lenient else min(n - start, MAX_LENIENT_CHARS)
            if lenient is not None and _log_prefix(text, start, lenient):
                pos = start + 1  # "[INFO] sending the request": a log line, not a list
                continue
            if lenient is not None:
                value, end, liberties = lenient
                if isinstance(value, (dict, list)):
                    yield start, end, value, None, liberties | mid_line
                pos = max(end, start + 1)
                continue
            misses += 1
            if misses > MAX_JSON_FAILURES:
                return
            # A "[" followed by text is usually prose or a log line, not JSON.
            looks_json = re.match(r"[{\[]\s*(\"|\}|\]|\{|\[|//|/\*|$)", text[start:start + 40]) is not None
            if looks_json and text[start] == "{" and failures < 20:
                failures += 1
                # The broken body runs to the end of its code block, or else of its paragraph.
                block_end = text.find("```", start)
                para_end = text.find("\n\n", e.pos)
                end = min(x for x in (block_end if block_end >= e.pos else -1, para_end, n) if x >= 0)
                line = text.count("\n", start, e.pos) + 1
                col = e.pos - (text.rfind("\n", 0, e.pos) + 1) + 1
                reason = ("it ends early (cut off?)" if e.pos >= len(text.rstrip()) - 1 or e.pos >= end - 1
                          else "JSON does not allow comments" if text.startswith(("//", "/*"), e.pos)
                          else e.msg)
                yield start, end, None, f"{reason} at line {line} column {col} of the JSON", set()
                pos = end
            else:
                pos = start + 1
            continue
        if _depth(value) > MAX_JSON_DEPTH:
            yield start, end, None, f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep", set()
        elif isinstance(value, (dict, list)):
            yield start, end, value, None, mid_line
        pos = end


def _strict_error(body: str) -> str:
    """Why ``body`` is not JSON, for a request body sent as written (a trailing comma is a real bug)."""
    try:
        json.loads(body)
    except json.JSONDecodeError as e:
        # A trailing comma stops the parser at the bracket after it: the last one, for a body's last member.
        reason = ("JSON does not allow a trailing comma" if body.startswith(("}", "]"), e.pos)
                  and body[:e.pos].rstrip().endswith(",")
                  else "it ends early (cut off?)" if e.pos >= len(body.rstrip()) - 1
                  else "JSON does not allow comments" if body.startswith(("//", "/*"), e.pos) else e.msg)
        return f"{reason} at line {e.lineno} column {e.colno} of the JSON"
    except RecursionError:
        return "it is nested too deeply"
    return "it is not JSON"


def _log_prefix(text: str, start: int, lenient: tuple[Any, int, set[str]]) -> bool:
    """A bracketed word read leniently as a list, with prose after it on its line: the level or
    tag of a log line (``[INFO] sending request``, ``[stripe] retrying``), not a value."""
    value, end, liberties = lenient
    return (text[start] == "[" and isinstance(value, list) and "literal" in liberties
            and re.match(r"[ \t]*[A-Za-z]", text[end:end + 200]) is not None)


def _lenient(text: str, start: int) -> tuple[Any, int, set[str]] | None:
    """The value at ``start`` read leniently (elisions, JS/Python literals, a cut-off end), within
    its code block; None when even that fails (the caller reports the JSON as malformed)."""
    block_end = text.find("```", start)
    try:
        value, end, liberties = read_value(text, start, block_end if block_end >= 0 else None)
    except (LenientError, RecursionError):
        return None
    if _depth(value) > MAX_JSON_DEPTH:
        return None
    return value, end, liberties


def _depth(value: Any, limit: int = MAX_JSON_DEPTH + 1) -> int:
    depth, level = 0, [value]
    while level and depth <= limit:
        depth += 1
        nxt: list[Any] = []
        for v in level:
            if isinstance(v, dict):
                nxt.extend(x for x in v.values() if isinstance(x, (dict, list)))
            elif isinstance(v, list):
                nxt.extend(x for x in v if isinstance(x, (dict, list)))
        level = nxt
    return depth


_ENDPOINT = re.compile(
    rf"\b({_HTTP_METHODS})\s+[`'\"]?((?:https?://[^\s`'\"<>]+)|(?:/[A-Za-z0-9_{{}}\-./:~%?=&\[\]]*))"
)
_BARE_URL = re.compile(r"https?://[^\s`'\"<>|)]+")


def _endpoint_near(text: str, start: int, end: int) -> tuple[str, str] | None:
    """The endpoint a JSON body is for: named just before it (else just after) with a method
    that takes a body. A GET named next to JSON is usually showing a response, not a body."""
    before = [(m.group(1), m.group(2)) for m in _ENDPOINT.finditer(text[max(0, start - 600):start])]
    # Named within the 300 characters after it, its URL read whole (not cut at the 300th character).
    after = [(m.group(1), m.group(2)) for m in _ENDPOINT.finditer(text, end, end + 2300) if m.start() < end + 300]
    for method, url in [*reversed(before), *after]:
        if method in ("POST", "PUT", "PATCH"):
            return method, url.rstrip(".,:;)")
    if before or after:
        method, url = (before[-1] if before else after[0])
        return method, url.rstrip(".,:;)")  # a GET: the JSON shows its response
    urls = [u for u in _BARE_URL.finditer(text[max(0, start - 600):start]) if re.match(r"https?://api[.-]", u.group(0))]
    if urls:  # "…sent this to https://api.bridge.xyz/v0/transfers": an API host, not a docs page
        return "POST", urls[-1].group(0).rstrip(".,:;)")
    return None


# --- errors -----------------------------------------------------------------------------------

def error_from_json(value: Any) -> PastedError | None:
    """Read an API error body (Bridge, Stripe, GitHub and common shapes); None if it is not one."""
    if not isinstance(value, dict):
        return None
    # The first that is a number: {"status": "error", "statusCode": 422} is a 422.
    status = first_status(value.get("status"), value.get("statusCode"), value.get("status_code"))
    inner = value.get("error")
    if isinstance(inner, dict) and ("message" in inner or "code" in inner or "type" in inner):
        # Stripe: {"error": {"code", "message", "param", "type", "request_log_url"}}
        rid = None
        log = str(inner.get("request_log_url") or "")
        m = re.search(r"(req_[A-Za-z0-9]+)", log)
        if m:
            rid = m.group(1)
        return PastedError(status=status, code=_str(inner.get("code")), message=_str(inner.get("message")),
                           param=_str(inner.get("param")), type=_str(inner.get("type")), request_id=rid)
    has_code_message = "code" in value and "message" in value
    github = "message" in value and ("documentation_url" in value or isinstance(value.get("errors"), list))
    bridge_list = isinstance(value.get("errors"), list) and value["errors"] and isinstance(value["errors"][0], dict)
    if not (has_code_message or github or bridge_list or isinstance(inner, str)):
        return None
    err = PastedError(status=status, code=_str(value.get("code")), message=_str(value.get("message")),
                      type=_str(value.get("type")))
    if isinstance(inner, str):
        err.code = err.code or inner
        err.message = err.message or _str(value.get("error_description") or value.get("detail"))
    source = value.get("source")
    if isinstance(source, dict):
        err.location = _str(source.get("location"))
        key = source.get("key")
        if isinstance(key, dict):
            # {"address.city": "must be set"}
            err.param = ",".join(key)
            said = "; ".join(f"{k} {v}" for k, v in key.items())
            err.message = f"{err.message}: {said}" if err.message else said
        else:
            err.param = _str(key)
    if value.get("location") and value.get("name"):
        err.location, err.param = _str(value["location"]), _str(value["name"])
    if bridge_list:
        first = value["errors"][0]
        err.code = err.code or _str(first.get("code"))
        err.message = err.message or _str(first.get("message"))
        err.param = err.param or _str(first.get("field") or first.get("param"))
    err.request_id = _str(value.get("request_id") or value.get("requestId"))
    return err


def _js_errors(text: str, taken: _Spans, paste: Paste) -> None:
    from .clientcode import balanced_end, js_value

    pattern = re.compile(r"(?m)(?:^[ \t]*|\bdata:\s*)(\{)\s*[A-Za-z_$][\w$]*\s*:")
    for count, m in enumerate(pattern.finditer(text)):
        start = m.start(1)
        if count >= 20 or taken.end_covering(start) is not None:
            continue
        end = balanced_end(text, start)
        if end < 0 or not taken.free(start, end):
            continue  # never closed, or holding a part read already (read twice, its error was said twice)
        value = js_value(text[start:end], {})
        errs = errors_in(value, fallback=error_from_json)
        if errs:
            taken.append((start, end))
            paste.errors.extend((start, e) for e in errs)


_STATUS_LINE = re.compile(r"(?m)^[ \t]*(?:<[ \t]*)?HTTP/[\d.]+[ \t]+(\d{3})\b[^\n]*$")
_CLIENT_ERRORS = [
    # requests: "400 Client Error: Bad Request for url: https://..."
    re.compile(r"\b(\d{3}) (?:Client|Server) Error: [^\n]*? for url: (\S+)"),
    # axios: "Request failed with status code 422"
    re.compile(r"Request failed with status code (\d{3})()"),
    # httpx: "Client error '400 Bad Request' for url 'https://...'"
    re.compile(r"(?:Client|Server) error '(\d{3})[^']*' for url '([^']+)'"),
]
_REQUEST_ID = re.compile(r"(?im)^[ \t<]*(?:x-)?request-id:\s*(\S+)")


def _text_errors(text: str, taken: _Spans, paste: Paste) -> None:
    def is_free(pos: int) -> bool:
        return taken.end_covering(pos) is None

    statuses: list[tuple[int, int, str | None]] = []
    for m in itertools.islice(_STATUS_LINE.finditer(text), MAX_TEXT_MATCHES):
        if is_free(m.start()):
            statuses.append((m.start(), int(m.group(1)), None))
    for pattern in _CLIENT_ERRORS:
        for m in itertools.islice(pattern.finditer(text), MAX_TEXT_MATCHES):
            if is_free(m.start()):
                statuses.append((m.start(), int(m.group(1)), m.group(2) or None))
    request_ids = [(m.start(), m.group(1)) for m in itertools.islice(_REQUEST_ID.finditer(text), MAX_TEXT_MATCHES)]
    # Pair each with the errors near it through a sorted index, not a scan of all of them.
    errors = sorted(paste.errors, key=lambda e: e[0])

    def near(pos: int, before: int, after: int) -> list[PastedError]:
        lo = bisect.bisect_left(errors, pos - before, key=lambda e: e[0])
        hi = bisect.bisect_left(errors, pos + after, key=lambda e: e[0])
        return [e for _, e in errors[lo:hi]]

    # A status just before a JSON error belongs to it.
    for pos, status, url in statuses:
        following = [e for e in near(pos, 0, 3000) if e.status in (None, status)]
        if following:
            following[0].status = status
            if url:
                following[0].url = url
        elif status >= 400:
            err = PastedError(status=status)
            if url:
                err.url = url
            paste.errors.append((pos, err))
            bisect.insort(errors, (pos, err), key=lambda e: e[0])
    _catalog_text_errors(text, is_free, paste)
    errors = sorted(paste.errors, key=lambda e: e[0])  # with the text errors just read
    for pos, rid in request_ids:
        close = [e for e in near(pos, 2999, 3000) if not e.request_id]
        if close:
            close[0].request_id = rid


def _catalog_text_errors(text: str, is_free: Any, paste: Paste) -> None:
    """Errors in plain text (catalog templates, SDK renderings of errors[]), each part read once."""
    spans: list[tuple[int, int]] = []
    seen: set[tuple[Any, ...]] = set()
    header: tuple[int, PastedError] | None = None  # "POST https://…: 422": waits for its entries
    header_used = False
    # Bounded: a log dump of thousands of error lines is read for its first few hundred.
    found = itertools.islice(text_errors(text, is_free), MAX_TEXT_MATCHES * 5)
    for start, end, err in sorted(found, key=lambda t: (t[0], -t[1])):
        if any(a <= start < b and (a, b) != (start, end) for a, b in spans):
            continue  # inside a part already read (several errors of one part share its span)
        spans.append((start, end))
        if err.message is None and err.code is None:
            header, header_used = (start, err), False
            paste.errors.append((start, err))
            continue
        if header is not None and 0 <= start - header[0] < 1500:
            err.status, err.url, err.method = header[1].status, header[1].url, header[1].method
            if not header_used:
                paste.errors.remove(header)
                header_used = True
        else:
            near = [e for p, e in paste.errors if abs(p - start) < 2000 and not e.message and not e.code]
            if near:
                near[0].message, near[0].param = err.message, near[0].param or err.param
                near[0].kind, near[0].explanation = err.kind, err.explanation
                near[0].method, near[0].empty_id_path = err.method, err.empty_id_path
                near[0].url = near[0].url or err.url
                continue
        key = (err.kind, err.param, err.code, err.method, err.url, err.empty_id_path, err.message if err.kind is None else None)
        if key in seen:
            continue
        seen.add(key)
        paste.errors.append((start, err))


def _str(v: Any) -> str | None:
    if v is None:
        return None
    return v if isinstance(v, str) else json.dumps(v)
