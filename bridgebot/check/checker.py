"""Check pasted requests and errors against the loaded specs and say exactly what is wrong."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from typing import Any

from .clientcode import MAX_NESTING, TOO_DEEP_MESSAGE
from .explain import explain_error
from .forms import _listify, decode_form, parse_pairs
from .model import (CheckResult, ErrorReport, Finding, OperationRef, PastedError, PastedRequest, RequestReport,
                    Unresolved, secret_finding)
from .paste import MAX_JSON_DEPTH, read_paste
from .readers import operations as ops_reader
from .readers.versions import pick_version
from .schema import CheckContext, check, describe
from .secrets import find_secrets, redact
from .specs import Operation, Param, SecurityScheme, SpecSet

log = logging.getLogger(__name__)

#: Past this many findings a request is mostly wrong; the rest would drown the useful ones.
MAX_FINDINGS_PER_REQUEST = 30

_PLACEHOLDER_AUTH = re.compile(r"^\s*$")


def render_check_text(result: CheckResult, label: str | None = None) -> str:
    """The report a person reads at a terminal (``replies/check.txt.j2``)."""
    from ..render import render_text

    return render_text("check", result=result, label=label)


def check_paste(text: str | bytes, specs: SpecSet) -> CheckResult:
    """Read every request and error in ``text`` and check each one against ``specs``.

    Raises :class:`~bridgebot.check.paste.UnreadablePaste` for input that is not a paste at all
    (binary, too large); everything else, however broken, becomes findings or problems.
    """
    paste = read_paste(text, specs)
    secrets = find_secrets(paste.text)
    specs, version_notes = pick_version(paste.text, specs)
    result = CheckResult(secrets=secrets, problems=list(paste.problems), hints=list(paste.hints))
    for req in paste.requests:
        try:
            report = check_request(req, specs)
            report.evidence = "request" if report.operation else None
            result.requests.append(report)
        except Exception:  # one odd paste must not take the whole message down: say so, log it
            log.exception("checking a %s request failed", req.source)
            result.problems.append(f"I couldn't check the {req.source} request to {req.url[:80]}: "
                                   "that's a bug on our side, and it has been logged.")
    for _pos, body in paste.bare_bodies:
        # A body with no endpoint near it: check it when its fields fit exactly one operation.
        fit = ops_reader.body_operation(specs, body)
        if fit is not None:
            req = PastedRequest(method=fit.method, url=fit.base_path + fit.path, source="json", body="{}",
                                headers=[("Content-Type", "application/json")], body_value=body)
            report = check_request(req, specs)
            report.evidence = "body_fields"
            result.requests.append(report)
            if paste.bare_body_hint in result.hints:
                result.hints.remove(paste.bare_body_hint)
    mentions: list[ops_reader.Mention] | None = None
    for pos, err in paste.errors:
        op: Operation | None = None
        evidence: str | None = None
        had_auth: bool | None = None
        before = [i for i, p in enumerate(paste.request_offsets) if p < pos]
        nearest = result.requests[before[-1]] if before else (result.requests[0] if result.requests else None)
        if err.empty_id_path and err.method:
            # "Unrecognized request URL (GET: /v1/customers/)": an id that was empty.
            op, param = ops_reader.empty_id_operation(specs, err.method, err.empty_id_path)
            if op is not None:
                evidence, err.param, err.location = "error_text", param, "path"
        if op is None and err.url and err.method:
            op, via = ops_reader.route(specs, err.method, err.url)
            evidence = via or "error_text" if op else None
        if op is None and err.url:
            # "400 Client Error ... for url: X": X with the method of the request that got it.
            op = specs.route(nearest.request.method if nearest else "GET", err.url).operation
            evidence = "error_text" if op else None
        if nearest is not None:
            if op is None:
                op = _operation_of(nearest, specs)
                evidence = "nearest_request" if op else None
            had_auth = _has_any_auth(nearest.request)
        if op is None and err.docs_url:
            op = ops_reader.docs_operation(specs, err.docs_url)
            evidence = "documentation_url" if op else None
        if op is None:
            mentions = ops_reader.mentions(paste.text) if mentions is None else mentions
            op, evidence = _mentioned_operation(paste.text, pos, specs, mentions)
        findings, explanation = explain_error(err, op, had_auth, _api_codes(op, specs))
        result.errors.append(ErrorReport(error=err, operation=op.ref if op else None, findings=findings,
                                         explanation=explanation, evidence=evidence))
    # Several versions of an API loaded: say which one this paste was checked against.
    result.hints += [version_notes[n] for n in dict.fromkeys(op.spec for op in result.operations) if n in version_notes]
    # Every key found gets its finding on the request it sits in (or on the paste as a whole).
    for secret in secrets:
        holder = next((r for r in result.requests if secret.value in _request_text(r.request)), None)
        if holder is not None:
            holder.findings.insert(0, secret_finding(secret))
    return _redacted(result, secrets)


def _api_codes(op: Operation | None, specs: SpecSet) -> dict[str, Any] | None:
    """The error codes of the API ``op`` belongs to (its catalog, found by the spec's hosts)."""
    if op is None:
        return None
    from .catalogs import catalog_for_host
    spec = next((s for s in specs.specs if s.name == op.spec), None)
    for host in sorted(spec.hosts) if spec is not None else ():
        cat = catalog_for_host(host)
        if cat is not None:
            return cat.codes
    return None


def _mentioned_operation(text: str, pos: int, specs: SpecSet,
                         mentions: list[ops_reader.Mention]) -> tuple[Operation | None, str | None]:
    """The operation of the method + URL (or documentation_url) nearest the error: the last one
    before it, else the first after it."""
    ordered = [m for m in reversed(mentions) if m.pos <= pos] + [m for m in mentions if m.pos > pos]
    for m in ordered:
        op, via = ops_reader.route(specs, m.method, m.url)
        if op is not None:
            return op, via or m.evidence
    docs = ops_reader.docs_urls(text)
    ordered_docs = [u for p, u in docs if p >= pos] + [u for p, u in reversed(docs) if p < pos]
    for url in ordered_docs:
        op = ops_reader.docs_operation(specs, url)
        if op is not None:
            return op, "documentation_url"
    bare = ops_reader.bare_urls(text)
    for m in [b for b in reversed(bare) if b.pos <= pos] + [b for b in bare if b.pos > pos]:
        op = ops_reader.single_method_operation(specs, m.url)
        if op is not None:
            return op, m.evidence
    return None, None


def _sandbox_hosts(spec: Any) -> set[str]:
    """The spec's sandbox hosts, when it has both a sandbox and a production server."""
    if spec is None:
        return set()
    hosts = spec.hosts
    sandbox = {h for h in hosts if "sandbox" in h}
    return sandbox if sandbox and hosts - sandbox else set()


def _route_partial(req: PastedRequest, specs: SpecSet) -> Any:
    """Route ``{var}/customers`` by its path: as given, or under each server's base path."""
    m = re.search(r"/[^?#]*", req.url)  # the path starts at the first slash, after any {var}
    path = m.group(0) if m else "/"
    for spec in specs.specs:
        for server in spec.servers:
            candidate = path if path.startswith(server.base_path + "/") else server.base_path + path
            route = specs.route(req.method, candidate)
            if route.operation is not None or any(f.kind == "wrong_method" for f in route.findings):
                return route
    return None


def _operation_of(report: RequestReport, specs: SpecSet) -> Operation | None:
    if report.operation is None:
        return None
    for spec in specs.specs:
        if spec.name == report.operation.spec:
            for methods in spec.paths.values():
                op = methods.get(report.operation.method)
                if op is not None and op.base_path + op.path == report.operation.path:
                    return op
    return None


def check_request(req: PastedRequest, specs: SpecSet) -> RequestReport:
    route = _route_partial(req, specs) if req.url_partial else specs.route(req.method, req.url)
    if route is None:
        req.notes.append("the base URL is computed at run time and the path matches no endpoint, "
                         "so I could not tell which endpoint this is")
        return RequestReport(request=req, operation=None, findings=[])
    op = route.operation
    findings: list[Finding] = list(route.findings)
    if op is not None:
        # A bare JSON body shows no headers, and code may build some at run time: then don't
        # claim auth or Idempotency-Key is missing.
        headers_shown = req.source != "json" and req.headers_known
        findings += _check_params(op, req, route.path_params, headers_shown)
        if headers_shown:
            findings += _check_auth(op, req, _sandbox_hosts(route.spec))
        elif req.anonymous_client and op.method != "GET":
            findings.append(Finding(
                kind="auth_missing", location="header", field="Authorization", actual=None,
                message=f"The client is built without credentials (`{req.anonymous_client[:120]}`) and none are "
                        "given to it in this paste, so this call is sent unauthenticated: give the client a token.",
                expected=["a token (the client's credentials)"]))
        findings += _check_body(op, req, _reads_json_anyway(route.spec))
    if len(findings) > MAX_FINDINGS_PER_REQUEST:
        findings = findings[:MAX_FINDINGS_PER_REQUEST]
    return RequestReport(request=req, operation=op.ref if op else None, findings=findings)


# --- parameters -------------------------------------------------------------------------------

def _query_text(url: str) -> str:
    """The query string of a pasted URL (between ``?`` and any ``#``)."""
    return url.split("?", 1)[1].split("#", 1)[0] if "?" in url else ""


def _check_params(op: Operation, req: PastedRequest, path_values: dict[str, str],
                  headers_shown: bool = True) -> list[Finding]:
    out: list[Finding] = []
    pairs = parse_pairs(_query_text(req.url))
    query, bad_keys = decode_form(pairs)
    if req.query_value:
        query.update({k: v for k, v in req.query_value.items() if not isinstance(v, Unresolved)})
    declared_query = {p.name: p for p in op.params if p.location == "query"}
    for p in op.params:
        if p.location == "path":
            segment = path_values.get(p.name)
            if segment is not None and p.schema is not None and not segment.startswith("{"):
                _check_value(p, segment, out, form=True)
        elif p.location == "query":
            if p.name in query:
                value: Any = query[p.name]
                if p.schema is not None and _wants_array(p.schema) and isinstance(value, str):
                    # explode: false writes a list as one value: `ids=a,b` (form), `a|b`, `a b`
                    sep = None if p.explode else _DELIMITERS.get(p.style)
                    value = value.split(sep) if sep else [value]
                if isinstance(value, list) and p.schema is not None and not _wants_array(p.schema) and len(value) == 1:
                    value = value[0]
                if p.schema is not None:
                    _check_value(p, value, out, form=True)
            elif p.required:
                out.append(Finding(kind="missing_required", location="query", field=p.name,
                                   message=f"Query parameter `{p.name}` is required"
                                   + (f" ({describe(p.schema)})." if p.schema else "."),
                                   expected=describe(p.schema) if p.schema else None))
        elif p.location == "header" and headers_shown:
            header = req.header(p.name)
            if header is None:
                if not p.required:
                    continue
                if p is op.idempotency_param:
                    out.append(Finding(
                        kind="idempotency_key_missing", location="header", field=p.name,
                        message=f"{op.method} {op.base_path}{op.path} needs an `Idempotency-Key` header "
                                "(a new UUID per request; reuse it only to retry the same request).",
                        expected="Idempotency-Key: <uuid>"))
                else:
                    out.append(Finding(kind="missing_required", location="header", field=p.name,
                                       message=f"Header `{p.name}` is required.", expected=p.name))
            elif p.schema is not None:
                _check_value(p, header, out, form=True)
    for key in query:
        if key not in declared_query and not _is_auth_query(op, key):
            close = _closest(key, list(declared_query))
            hint = f" Did you mean `{close[0]}`?" if close else ""
            out.append(Finding(kind="unknown_param", location="query", field=key,
                               message=f"Unknown query parameter `{key}`.{hint}",
                               expected=close or None, actual=key, suggestions=tuple(close)))
    for key in bad_keys:
        out.append(Finding(kind="malformed_body", location="query", field=key,
                           message=f"The query key `{key}` mixes brackets in a way that cannot be read."))
    return out


#: How a query array is written when ``explode`` is false, by ``style`` (OpenAPI 3 parameter styles).
_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def _wants_array(schema: Any) -> bool:
    return bool(schema.types and "array" in schema.types)


def _check_value(p: Param, value: Any, out: list[Finding], form: bool) -> None:
    ctx = CheckContext(location=p.location, form=form, style="form")
    check(p.schema, value, ctx, (p.name,))  # type: ignore[arg-type]
    out.extend(ctx.findings)


def _is_auth_query(op: Operation, key: str) -> bool:
    return any(s.location == "query" and s.param_name == key for alt in op.security for s in alt)


def _closest(word: str, candidates: list[str]) -> list[str]:
    from .schema import _close
    return _close(word, candidates)


# --- auth -------------------------------------------------------------------------------------

def _has_any_auth(req: PastedRequest) -> bool:
    return bool(req.basic_auth or req.header("authorization") or req.header("api-key")
                or req.header("x-api-key"))


def _scheme_present(s: SecurityScheme, req: PastedRequest) -> bool:
    if s.type == "apiKey":
        if s.location == "header":
            v = req.header(s.param_name or "")
            return v is not None and not _PLACEHOLDER_AUTH.match(v)
        if s.location == "query":
            # The key's own name with a value: `?my_api_key=k` does not send `api_key`.
            sent: dict[str, Any] = dict(parse_pairs(_query_text(req.url)))
            if req.query_value:
                sent.update(req.query_value)
            return sent.get(s.param_name or "") not in (None, "")
        if s.location == "cookie":
            pairs = (part.partition("=") for part in (req.header("cookie") or "").split(";"))
            return any(name.strip() == s.param_name and value.strip() for name, eq, value in pairs if eq)
    if s.type == "http":
        auth = (req.header("authorization") or "").strip()
        if s.scheme == "basic":
            return bool(req.basic_auth) or auth.lower().startswith("basic ")
        if s.scheme == "bearer":
            return auth.lower().startswith("bearer ") and len(auth) > len("bearer ")
        return bool(auth)
    if s.type in ("oauth2", "openIdConnect"):
        return (req.header("authorization") or "").lower().startswith("bearer ")
    return True


def _check_auth(op: Operation, req: PastedRequest, sandbox_hosts: set[str] | None = None) -> list[Finding]:
    if not op.security:
        return []
    if any(all(_scheme_present(s, req) for s in alt) for alt in op.security):
        return _check_key_environment(req, sandbox_hosts or set())
    expected = [" + ".join(_scheme_words(s) for s in alt) for alt in op.security]
    # A credential sent the wrong way: e.g. a Bridge key as a Bearer token.
    if _has_any_auth(req):
        sent = "Authorization" if req.header("authorization") else "Api-Key" if req.header("api-key") else \
            "X-Api-Key" if req.header("x-api-key") else "basic auth (-u)"
        return [Finding(kind="auth_invalid", location="header", field=sent,
                        message=f"The key is sent as {sent}, but this API expects {' or '.join(expected)}.",
                        expected=expected, actual=sent)]
    return [Finding(kind="auth_missing", location="header", field=_first_header(op),
                    message=f"No credentials: this endpoint needs {' or '.join(expected)}.",
                    expected=expected, actual=None)]


def _check_key_environment(req: PastedRequest, sandbox_hosts: set[str]) -> list[Finding]:
    """A live key sent to the sandbox host, or a test key to production, is refused with a 401."""
    if not sandbox_hosts:
        return []
    host = (re.match(r"^\w+://([^/:?#]+)", req.url) or [None, None])[1]
    if host is None:
        return []
    creds = [(k, v) for k, v in req.headers if k.lower() in ("api-key", "authorization", "x-api-key")]
    if req.basic_auth:
        creds.append(("-u", req.basic_auth))
    for name, value in creds:
        live = re.search(r"\bsk[-_]live[-_]", value)
        test = re.search(r"\bsk[-_]test[-_]", value)
        if live and host in sandbox_hosts:
            return [Finding(kind="auth_invalid", location="header", field=name,
                            message=f"A live key is sent to the sandbox ({host}): the sandbox only takes test keys "
                                    "(sk-test-…).", expected="a test key", actual="a live key")]
        if test and host not in sandbox_hosts:
            return [Finding(kind="auth_invalid", location="header", field=name,
                            message=f"A test key is sent to production ({host}): production only takes live keys "
                                    "(sk-live-…); use the sandbox host for test keys.",
                            expected="a live key", actual="a test key")]
    return []


def _scheme_words(s: SecurityScheme) -> str:
    if s.type == "apiKey":
        return f"an `{s.param_name}` {s.location}"
    if s.type == "http" and s.scheme == "basic":
        return "HTTP Basic auth (`-u KEY:`)"
    if s.type == "http" and s.scheme == "bearer":
        return "`Authorization: Bearer <key>`"
    return f"{s.name} ({s.type})"


def _first_header(op: Operation) -> str:
    for alt in op.security:
        for s in alt:
            if s.type == "apiKey" and s.param_name:
                return s.param_name
            if s.type == "http":
                return "Authorization"
    return "Authorization"


# --- body -------------------------------------------------------------------------------------

def _reads_json_anyway(spec: Any) -> bool:
    """The API parses a JSON body whatever Content-Type came with it (catalog flag
    ``json_without_content_type``: GitHub's; see catalogs/github.yaml)."""
    if spec is None:
        return False
    from .catalogs import catalog_for_host
    return any((cat := catalog_for_host(h)) is not None and cat.json_without_content_type for h in spec.hosts)


def _check_body(op: Operation, req: PastedRequest, json_anyway: bool = False) -> list[Finding]:
    has_body = bool(req.body and req.body.strip()) or bool(req.form_fields) or req.body_value is not None
    if req.body_error == TOO_DEEP_MESSAGE:
        return [Finding(kind="malformed_body", location="body", field="",
                        message=f"The body is nested more than {MAX_NESTING} levels deep, so it was not "
                                "checked: no API body is that deep.", expected=f"at most {MAX_NESTING} levels",
                        actual=None)]
    if req.body_error:
        return [Finding(kind="malformed_body", location="body", field="",
                        message=f"The body is not valid JSON: {req.body_error}.", expected="valid JSON",
                        actual=None)]
    if not op.body:
        if has_body and op.method in ("GET", "HEAD", "DELETE"):
            return [Finding(kind="malformed_body", location="body", field="",
                            message=f"{op.method} {op.base_path}{op.path} takes no body; send these as query "
                                    "parameters (curl -G) instead.", expected=None, actual="body")]
        return []
    if not has_body:
        if op.body_required:
            return [Finding(kind="missing_required", location="body", field="",
                            message=f"{op.method} {op.base_path}{op.path} needs a request body "
                                    f"({', '.join(op.body)}).", expected=list(op.body), actual=None)]
        return []
    out: list[Finding] = []
    sent = req.content_type
    accepted = list(op.body)
    form_only = not any("json" in a for a in accepted) and "application/x-www-form-urlencoded" in accepted
    if req.source == "json" and form_only:
        # JSON shown for a form-only API is a rendering of the form (Stripe's Dashboard logs show
        # `items: {"0": {...}}` and every value a string): check it as the form it was.
        data = req.body_value if req.body_value is not None else _json_or_none(req.body)
        if isinstance(data, dict):
            schema = op.body["application/x-www-form-urlencoded"][0]
            return [] if schema is None else _check_decoded(schema, _listify(_as_form(data)), [], form=True)
    chosen = _media_for(sent, accepted) if sent else None
    raw = (req.body or "").strip()
    looks_json = raw[:1] in ("{", "[")
    if chosen is None and json_anyway and looks_json and (sent is None or sent == "application/x-www-form-urlencoded"):
        chosen = next((a for a in accepted if "json" in a), None)  # curl -d '{…}' to GitHub works
    if chosen is None:
        if sent is None:
            out.append(Finding(kind="content_type", location="header", field="Content-Type",
                               message=f"No Content-Type header: this endpoint takes {' or '.join(accepted)}.",
                               expected=accepted, actual=None))
        else:
            out.append(Finding(kind="content_type", location="header", field="Content-Type",
                               message=f"Content-Type is `{sent}`, but this endpoint takes {' or '.join(accepted)}.",
                               expected=accepted, actual=sent))
        chosen = next((a for a in accepted if ("json" in a) == looks_json), accepted[0])
    schema, _encoding = op.body[chosen]
    if not ("json" in chosen or chosen.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))):
        return out  # text/plain, octet-stream…: the body is the value itself, nothing to decode
    if schema is None and "json" not in chosen:
        return out  # a form the spec does not describe: nothing to check it against
    # (JSON the spec gives no schema for is still read: broken JSON is said, the fields are not checked)
    if req.body_value is not None:
        # Read from client code: may hold values only known at run time (Unresolved).
        if isinstance(req.body_value, Unresolved) or schema is None:
            return out
        ctx = CheckContext(location="body", form=False, style="json")
        check(schema, req.body_value, ctx)
        return out + ctx.findings
    if req.form_fields is not None and not req.body:
        if schema is None:
            return out
        data, bad = decode_form(req.form_fields)
        return out + _check_decoded(schema, data, bad, form=True)
    if looks_json:
        try:
            data = json.loads(raw)
        except RecursionError:
            return out + [Finding(kind="malformed_body", location="body", field="",
                                  message=f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.")]
        except json.JSONDecodeError as e:
            return out + [Finding(kind="malformed_body", location="body", field="",
                                  message=f"The body is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}.",
                                  expected="valid JSON", actual=None)]
        if schema is None:
            return out
        ctx = CheckContext(location="body", form=False, style="json")
        check(schema, data, ctx)
        return out + ctx.findings
    if "json" in chosen:
        return out + [Finding(kind="malformed_body", location="body", field="",
                              message="The body is not JSON, but this endpoint takes application/json.",
                              expected="a JSON object", actual=raw[:40])]
    data, bad = decode_form(parse_pairs(raw))
    return out + _check_decoded(schema, data, bad, form=True)


def _json_or_none(text: str | None) -> Any:
    try:
        return json.loads(text or "")
    except (ValueError, RecursionError):
        return None


def _as_form(value: Any) -> Any:
    """Values as a form sends them (strings), keeping the nesting."""
    if isinstance(value, dict):
        return type(value)({str(k): _as_form(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_as_form(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Unresolved) or value is None:
        return value
    return str(value)


def _check_decoded(schema: Any, data: dict[str, Any], bad: list[str], form: bool) -> list[Finding]:
    ctx = CheckContext(location="body", form=form, style="form")
    check(schema, data, ctx)
    for key in bad:
        ctx.findings.append(Finding(kind="malformed_body", location="body", field=key,
                                    message=f"The form key `{key}` mixes brackets in a way that cannot be read."))
    return ctx.findings


def _media_for(sent: str, accepted: list[str]) -> str | None:
    for a in accepted:
        if a == sent or a == "*/*" or (a.endswith("/*") and sent.startswith(a[:-1])):
            return a
    # application/json; charset=... or application/vnd.x+json
    if "json" in sent:
        return next((a for a in accepted if "json" in a), None)
    return None


# --- redaction --------------------------------------------------------------------------------

def _request_text(req: PastedRequest) -> str:
    return " ".join([req.url, req.body or "", req.basic_auth or "",
                     *(f"{k}: {v}" for k, v in req.headers), *(f"{k}={v}" for k, v in req.form_fields or [])])


def _redacted(result: CheckResult, secrets: list[Any]) -> CheckResult:
    """Make sure no secret value survives in anything the result holds: every string of every
    request, error, finding, note and problem (a key can sit in an error's code, param or location,
    in a header, a body value or a URL), whatever output is made from it later."""
    for r in result.requests:
        r.display_url = r.request.url
    if not secrets:
        return result
    for part in (result.requests, result.errors):
        for item in part:
            _redact_fields(item, secrets, set())
    result.problems = [redact(p, secrets) for p in result.problems]
    result.hints = [redact(h, secrets) for h in result.hints]
    return result


def _redact_fields(obj: Any, secrets: list[Any], seen: set[int]) -> Any:
    """Redact every string field of a dataclass and of what it holds: in place, or in a copy for
    a frozen one (a Finding may be shared). The operation is the spec's, never the paste's: left."""
    if id(obj) in seen or isinstance(obj, OperationRef):
        return obj
    seen.add(id(obj))
    changes = {}
    for f in dataclasses.fields(obj):
        if _ours(obj, f.name):
            continue
        value = getattr(obj, f.name)
        new = _redact_value(value, secrets, seen)
        if new is not value:
            changes[f.name] = new
    if not changes:
        return obj
    if type(obj).__dataclass_params__.frozen:  # type: ignore[attr-defined]
        return dataclasses.replace(obj, **changes)
    for name, new in changes.items():
        setattr(obj, name, new)
    return obj


def _ours(obj: Any, name: str) -> bool:
    """A field holding the checker's own vocabulary (a finding's kind and location, how a request
    was written, the evidence for its operation), never text from the paste. A password that is a
    plain word ("request") must not rewrite these: they drive the reports' wording and the checks."""
    if name in ("evidence", "source"):
        return True
    if isinstance(obj, Finding):
        return name in ("kind", "location")
    return isinstance(obj, PastedError) and name == "kind"


def _redact_value(v: Any, secrets: list[Any], seen: set[int], depth: int = 0) -> Any:
    if isinstance(v, str):
        red = redact(v, secrets)
        return v if red == v else (type(v)(red) if type(v) is not str else red)  # keeps Unresolved
    if depth > 100:  # values are depth-limited when read; this only guards the walk itself
        return v
    if isinstance(v, list):
        return [_redact_value(x, secrets, seen, depth + 1) for x in v]
    if isinstance(v, tuple):
        return tuple(_redact_value(x, secrets, seen, depth + 1) for x in v)
    if isinstance(v, dict):
        out = type(v)() if type(v) is not dict else {}
        out.update({_redact_value(k, secrets, seen, depth + 1): _redact_value(x, secrets, seen, depth + 1)
                    for k, x in v.items()})
        return out
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return _redact_fields(v, secrets, seen)
    return v
