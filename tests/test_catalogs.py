"""The error catalogs (bridgebot/check/catalogs/*.yaml): every entry is used by a sample that it
matches and reads right, every code says what it means and how to fix it, and a new API is a
new file, not code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bridgebot.check.catalogs import CatalogError, catalogs, codes, load_catalog, message_rules
from bridgebot.check.explain import explain_error
from bridgebot.check.model import FINDING_KINDS, PastedError
from bridgebot.check.readers.errors import apply_catalog

RULES = [(cat.api, i, rule) for cat in catalogs() for i, rule in enumerate((*cat.messages, *cat.fallback))]


def test_one_catalog_per_api() -> None:
    assert {c.api for c in catalogs()} >= {"stripe", "github", "bridge", "common"}


@pytest.mark.parametrize("api,index,rule", RULES, ids=[f"{a}-{i}" for a, i, _ in RULES])
def test_every_entry_matches_its_samples_and_reads_them(api: str, index: int, rule) -> None:
    assert rule.samples, f"{api} entry {index} has no sample"
    for sample in rule.samples:
        text = sample["text"]
        assert rule.pattern.search(text), f"{api} entry {index} does not match its sample {text!r}"
        if rule in message_rules():
            # The sample is read by this entry, not shadowed by an earlier one.
            err = apply_catalog(PastedError(message=text, docs_url=sample.get("docs_url")))
            assert err.kind == (rule.kind or ""), (text, err)
            want = sample.get("fields", [])
            got = [f for f in (err.param or "").split(",") if f]
            assert got == want, (text, got)
            if "operation" in sample:
                assert err.method and (err.empty_id_path or err.url), (text, err)


def test_every_code_says_what_it_means_and_the_fix() -> None:
    for cat in catalogs():
        for code, info in cat.codes.items():
            assert info.kind is None or info.kind in FINDING_KINDS
            assert info.meaning.strip() and info.fix.strip(), f"{cat.api} code {code}"
            findings, explanation = explain_error(PastedError(code=code, param="x"), None, True)
            # A code two APIs share (Bridge's and GitHub's `invalid`) reads as the first catalog says.
            assert codes()[code].meaning in (explanation or ""), code
            info = codes()[code]
            if info.kind:  # an auth code too: its words ("secret_key_required") do not decide
                assert [f.kind for f in findings] == [info.kind], code
            elif info.kind is None:
                assert findings == [], code


def test_a_new_api_is_a_new_file(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text(
        "api: acme\nhosts: [api.acme.test]\n"
        "codes:\n  widget_frozen: {kind: null, meaning: The widget is frozen., fix: Unfreeze it first.}\n"
        "messages:\n  - pattern: \"Widget (?P<field>\\\\w+) is bogus\"\n    kind: invalid_format\n"
        "    samples: [{text: \"Widget color is bogus\", fields: [color]}]\n")
    (acme,) = catalogs(tmp_path)
    assert acme.api == "acme" and acme.codes["widget_frozen"].fix == "Unfreeze it first."
    m = acme.messages[0].pattern.search("oops: Widget color is bogus")
    assert m and m.group("field") == "color"


@pytest.mark.parametrize("body,error", [
    ("api: x\nmessages:\n  - {pattern: 'a(', kind: unknown_param, samples: [{text: a}]}\n", "bad pattern"),
    ("api: x\nmessages:\n  - {pattern: 'a', kind: not_a_kind, samples: [{text: a}]}\n", "unknown finding kind"),
    ("api: x\nmessages:\n  - {pattern: 'a', kind: unknown_param}\n", "needs at least one sample"),
    ("api: x\nmessages:\n  - {pattern: 'a', docs_url: 'b(', kind: null, samples: [{text: a}]}\n", "bad docs_url"),
    ("codes: {}\n", "needs an `api:` name"),
    ("- api: x\n", "broken.yaml: needs an `api:` name"),  # a list, not a mapping
    ("api: [x\n", "broken.yaml: not valid YAML"),
    ("api: x\ncodes:\n  c: just words\n", "broken.yaml code c: needs `kind` and `meaning`"),
    ("api: x\ncodes:\n  c: {kind: null, meaning: ''}\n", "broken.yaml code c: needs `kind` and `meaning`"),
    ("api: x\nmessages:\n  - just words\n", "broken.yaml entry 1: needs `pattern` and `kind`"),
    ("api: x\nfallback:\n  - {pattern: a, kind: null, samples: [{text: a}]}\n  - {pattern: b, kind: null}\n",
     "broken.yaml entry 2: needs at least one sample"),
    ("api: x\nmessages:\n  - {pattern: 'a', kind: null, samples: []}\n", "broken.yaml entry 1: needs at least one sample"),
    ("api: x\ncodes:\n  c: {kind: null}\n", "needs `kind` and `meaning`"),
    ("api: x\ncodes:\n  c: {kind: nope, meaning: m}\n", "broken.yaml code c: unknown finding kind 'nope'"),
    ("api: x\nmessages:\n  - {pattern: 'a', samples: [{text: a}]}\n", "broken.yaml entry 1: needs `pattern` and `kind`"),
    ("api: x\nmessages:\n  - {kind: null, samples: [{text: a}]}\n", "broken.yaml entry 1: needs `pattern` and `kind`"),
    # The message lists the kinds a catalog may use, as a catalog author needs them.
    ("api: x\nmessages:\n  - {pattern: 'a', kind: wrong, samples: [{text: a}]}\n",
     f"broken.yaml entry 1: unknown finding kind 'wrong' (one of {', '.join(FINDING_KINDS)} or null)"),
])
def test_a_broken_catalog_is_refused_with_its_file_named(tmp_path: Path, body: str, error: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(body)
    with pytest.raises(CatalogError, match=re.escape(error)) as info:
        load_catalog(path)
    assert "broken.yaml" in str(info.value)


def test_explain_py_hard_codes_no_error_code() -> None:
    source = (Path(__file__).resolve().parents[1] / "bridgebot" / "check" / "explain.py").read_text()
    for code in ("parameter_unknown", "missing_field", "has_not_accepted_tos"):
        assert code not in source


@pytest.mark.parametrize("template, guarded", [
    (r"(?P<field>\w+) must be set", r"(?<!\w)(?P<field>\w+) must be set"),
    (r"(?P<field>[\w.]+) must be set", r"(?<![\w.])(?P<field>[\w.]+) must be set"),
    (r'\\?"?(?P<field>[\w/.-]+)\\?"? wasn\'t supplied', r'\\?"?(?<![\w/.-])(?P<field>[\w/.-]+)\\?"? wasn\'t supplied'),
    (r"(?i)(?P<field>\w+) is bad", r"(?i)(?<!\w)(?P<field>\w+) is bad"),
    (r"Missing (?P<field>\w+)", r"Missing (?P<field>\w+)"),  # starts with a literal: left as it is
])
def test_a_template_that_starts_with_a_captured_run_gets_a_guard_and_finds_the_same_matches(template, guarded) -> None:
    from bridgebot.check.catalogs import linear

    assert linear(template) == guarded
    text = 'x.y must be set; "repo/name" wasn\'t supplied; foo.bar-baz is bad; Missing token'
    assert [m.group(0) for m in re.finditer(guarded, text)] == [m.group(0) for m in re.finditer(template, text)]


@pytest.mark.parametrize("docs_url, kind", [
    ("https://docs.github.com/rest/repos/repos#create-a-repository-for-the-authenticated-user", "auth_invalid"),
    ("https://developer.github.com/v3/issues/#create-an-issue", "auth_invalid"),  # a legacy page, still one operation
    ("https://docs.github.com/rest", "unknown_path"),  # GitHub's link when no route has the path
    ("https://developer.github.com/v3", "unknown_path"),
])
def test_a_github_not_found_is_read_by_the_page_it_links(github_specs, docs_url: str, kind: str) -> None:
    from bridgebot.check import check_paste

    for text in (f'{{"message": "Not Found", "documentation_url": "{docs_url}"}}',
                 f"404 {{u'documentation_url': u'{docs_url}', u'message': u'Not Found'}}"):
        result = check_paste(text, github_specs)
        assert [f.kind for f in result.findings] == [kind], text


def test_not_found_in_prose_is_no_finding(github_specs) -> None:
    from bridgebot.check import check_paste

    assert check_paste("The page said Not Found\nNot Found", github_specs).findings == []


@pytest.mark.parametrize("value, findings", [
    ("5", [("invalid_format", "customer")]),       # the app's own id: not a Stripe id
    ("None", [("invalid_format", "customer")]),    # a variable that was empty
    ("cus_Nx1", []),                               # a Stripe id that does not exist here: nothing in the request
])
def test_stripe_no_such_object_says_when_the_id_is_not_a_stripe_id(stripe_specs, value: str, findings) -> None:
    from bridgebot.check import check_paste

    text = ('{"error": {"code": "resource_missing", "message": "No such customer: \'%s\'", "param": "customer", '
            '"type": "invalid_request_error"}}' % value)
    assert [(f.kind, f.field) for f in check_paste(text, stripe_specs).findings] == findings
    # Plans and coupons could be given ids of the developer's choosing: a missing one is just missing.
    plan = text.replace("customer", "plan")
    assert check_paste(plan, stripe_specs).findings == []


def test_an_octokit_not_found_is_the_tokens_access(github_specs) -> None:
    from bridgebot.check import check_paste

    result = check_paste("Run actions/create-release\nError: HttpError: Not Found\n", github_specs)
    assert [f.kind for f in result.findings] == ["auth_invalid"]


# --- read afresh ------------------------------------------------------------------------------------
# The catalogs are cached per process, and the parametrized tests above read them while being
# collected: these read each file again, so that they test the loader as it is now.

CATALOG_FILES = sorted(p.name for p in (Path(__file__).resolve().parents[1] / "bridgebot" / "check" / "catalogs").glob("*.yaml"))


@pytest.fixture
def fresh_catalogs():
    from bridgebot.check import catalogs as mod

    def clear() -> None:
        for cached in (mod.catalogs, mod.codes, mod.message_rules, mod.fallback_rules):
            cached.cache_clear()
    clear()
    yield
    clear()


def _raw(name: str) -> dict:
    """The catalog file as YAML, read independently of the loader (the oracle)."""
    import yaml

    from bridgebot.check.catalogs import HERE

    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", CATALOG_FILES)
def test_each_catalog_file_reads_its_samples_as_the_file_says(fresh_catalogs, name: str) -> None:
    """Kind, fields (with the entry's `field` or `field_prefix`), the meaning and fix said, and
    `docs_url` keeping an entry to the errors that link that page: as written in the file."""
    raw = _raw(name)
    read = 0
    for entry in raw.get("messages") or []:
        for sample in entry["samples"]:
            err = apply_catalog(PastedError(message=sample["text"], docs_url=sample.get("docs_url")))
            assert err.kind == (entry["kind"] or ""), (name, sample)
            assert [f for f in (err.param or "").split(",") if f] == sample.get("fields", []), (name, sample)
            said = f"{entry['meaning']} {entry.get('fix') or ''}".strip() if entry.get("meaning") else None
            assert err.explanation == said, (name, sample)
            read += 1
    assert read == sum(len(e["samples"]) for e in raw.get("messages") or [])
    # Each rule keeps its samples as the file wrote them: they are what the entry is tested on
    # (test_every_entry_matches_its_samples_and_reads_them, the paste fuzz corpus).
    from bridgebot.check.catalogs import HERE

    cat = load_catalog(HERE / name)
    assert [list(r.samples) for r in (*cat.messages, *cat.fallback)] == \
        [e["samples"] for e in (*(raw.get("messages") or []), *(raw.get("fallback") or []))]
    if name == "github.yaml":  # a bare "Not Found" is read by the page it links, and only then
        plain = apply_catalog(PastedError(message="Not Found"))
        assert plain.kind is None and plain.explanation is None


@pytest.mark.parametrize("name", CATALOG_FILES)
def test_each_apis_codes_give_the_finding_and_the_words_of_its_file(name: str) -> None:
    raw = _raw(name)
    cat = load_catalog(Path(__file__).resolve().parents[1] / "bridgebot" / "check" / "catalogs" / name)
    assert sorted(cat.codes) == sorted(str(c) for c in raw.get("codes") or {})
    for code, info in (raw.get("codes") or {}).items():
        findings, explanation = explain_error(PastedError(code=str(code), param="x"), None, True, api_codes=cat.codes)
        assert explanation == f"{info['meaning']} {info.get('fix') or ''}".strip(), (name, code)
        if info["kind"]:
            assert [f.kind for f in findings] == [info["kind"]], (name, code)
        elif info["kind"] is None:
            assert findings == [], (name, code)


def test_an_apis_flags_apply_to_the_hosts_its_file_names(fresh_catalogs, github_specs, bridge_specs) -> None:
    from bridgebot.check import check_paste
    from bridgebot.check.catalogs import catalog_for_host

    assert catalog_for_host("api.sandbox.bridge.xyz").api == "bridge"
    assert catalog_for_host("api.github.com").api == "github"
    # GitHub parses a JSON body sent without Content-Type (json_without_content_type); Bridge does not.
    gh = "curl -H 'Authorization: token x' -d '{\"name\": \"r\"}' https://api.github.com/user/repos"
    assert check_paste(gh, github_specs).findings == []
    br = ("curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: k' -H 'Idempotency-Key: i' "
          "-d '{\"type\": \"individual\", \"first_name\": \"Ann\", \"last_name\": \"Bo\", \"email\": \"a@b.co\"}'")
    assert [f.kind for f in check_paste(br, bridge_specs).findings] == ["content_type"]


def test_the_catalogs_read_the_same_under_an_ascii_locale() -> None:
    """A server or container in the C locale still reads the catalogs (they hold "…" and "é"):
    the files are read as UTF-8 whatever the locale says."""
    import json
    import os
    import subprocess
    import sys

    import bridgebot
    from bridgebot.check.catalogs import HERE

    here = {name: {c: i.explanation for c, i in load_catalog(HERE / name).codes.items()} for name in CATALOG_FILES}
    assert any(not text.isascii() for codes_ in here.values() for text in codes_.values())
    script = ("import json, sys\nfrom bridgebot.check.catalogs import HERE, load_catalog\n"
              "print(json.dumps({n: {c: i.explanation for c, i in load_catalog(HERE / n).codes.items()} "
              "for n in sys.argv[1:]}))")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONUTF8"))}
    root = Path(bridgebot.__file__).resolve().parents[1]
    env.update(LC_ALL="C", PYTHONCOERCECLOCALE="0", PYTHONUTF8="0",
               PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    # Run from the checkout (or mutmut's copy of it, whose pyproject.toml its trampolines read).
    run = subprocess.run([sys.executable, "-c", script, *CATALOG_FILES], env=env, cwd=root,
                         capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout) == here


def test_a_new_catalogs_entries_are_read_with_every_field_and_default(tmp_path: Path, monkeypatch) -> None:
    """What a catalog author writes is what the reader says: a field prefix, an implied field, a
    meaning without a fix, a page-bound entry, and the file's flags (or their defaults)."""
    from bridgebot.check.readers import errors

    (tmp_path / "acme.yaml").write_text(
        "api: acme\nhosts: [api.acme.io]\njson_without_content_type: true\nenterprise_base_path: /acme/v2\n"
        "codes:\n  frozen: {kind: null, meaning: The widget is frozen.}\n"
        "  too_big: {kind: out_of_range, meaning: Too big., fix: Send less.}\n"
        "messages:\n"
        "  - pattern: \"Widget (?P<field>\\\\w+) is bogus\"\n    kind: invalid_format\n    field_prefix: widget.\n"
        "    meaning: A widget field has the wrong shape.\n    samples: [{text: Widget color is bogus}]\n"
        "  - pattern: Amount must be positive\n    kind: out_of_range\n    field: amount\n"
        "    meaning: Amounts are positive.\n    fix: Send a positive amount.\n"
        "    samples: [{text: Amount must be positive}]\n"
        "  - pattern: Not here\n    kind: unknown_path\n    docs_url: acme\\.io/docs/paths\n"
        "    samples: [{text: Not here}]\n"
        "fallback:\n  - {pattern: Something broke, kind: null, samples: [{text: Something broke}]}\n")
    (bare_path := tmp_path / "bare").mkdir()
    (bare_path / "bare.yaml").write_text("api: bare\n")
    (acme,) = catalogs(tmp_path)
    (bare,) = catalogs(bare_path)
    assert (acme.api, acme.hosts, acme.json_without_content_type, acme.enterprise_base_path) == (
        "acme", frozenset({"api.acme.io"}), True, "/acme/v2")
    assert (bare.hosts, bare.codes, bare.messages, bare.fallback, bare.json_without_content_type,
            bare.enterprise_base_path) == (frozenset(), {}, (), (), False, None)
    assert {c: (i.kind, i.explanation) for c, i in acme.codes.items()} == {
        "frozen": (None, "The widget is frozen."), "too_big": ("out_of_range", "Too big. Send less.")}
    assert [(r.api, r.kind) for r in acme.fallback] == [("acme", None)]
    monkeypatch.setattr(errors, "message_rules", lambda: acme.messages)
    read = [errors.apply_catalog(PastedError(message=m, docs_url=d)) for m, d in [
        ("oops: Widget color is bogus", None), ("Amount must be positive", None),
        ("Not here", "https://acme.io/docs/paths#x"), ("Not here", "https://acme.io/docs/other"), ("Not here", None)]]
    assert [(e.kind, e.param, e.explanation) for e in read] == [
        ("invalid_format", "widget.color", "A widget field has the wrong shape."),
        ("out_of_range", "amount", "Amounts are positive. Send a positive amount."),
        ("unknown_path", None, None), (None, None, None), (None, None, None)]


_NO_KEY = "No API key reached the API: send it in the documented header."
_REFUSED = ("The API refused the key: check it belongs to this environment (sandbox keys start sk-test, production "
            "keys sk-live), was not rotated, and is sent in the documented header.")


@pytest.mark.parametrize("error, api_codes, findings, explanation", [
    # A status no rule knows (402) is no finding and no guess about keys.
    (dict(status=402, message="payment required"), None, [], None),
    # The API's own template said the key is missing: kept, whatever else the message says.
    (dict(status=401, message="Invalid API Key provided", kind="auth_missing", explanation="own"), None,
     [("auth_missing", "header", "", "Invalid API Key provided")], "own"),
    # A generic "missing parameter" code on a 401 is about the key: the key's explanation, not the code's.
    (dict(status=401, code="parameter_missing", message="no key"), None,
     [("auth_missing", "header", "", "no key")], _NO_KEY),
    (dict(status=401, code="bad_auth", message="that key is invalid"), {"bad_auth": ("invalid_format", "x")},
     [("auth_invalid", "header", "", "that key is invalid")], _REFUSED),
    # An API's auth code on a 403: the message says which (missing or refused); its own explanation stays.
    (dict(status=403, code="no_key", message="API key is invalid"), {"no_key": ("auth_missing", "own words")},
     [("auth_invalid", "header", "", "API key is invalid")], "own words"),
    (dict(status=403, code="bad_key", message="No API key provided"), {"bad_key": ("auth_invalid", "own words")},
     [("auth_missing", "header", "", "No API key provided")], "own words"),
    # An API's auth code whose message says neither: the code's kind, not the words of its name
    # (Stripe's secret_key_required, with Stripe's own message: a publishable key was sent).
    (dict(status=401, code="secret_key_required",
          message="This API call cannot be made with a publishable API key. Please use a secret API key."),
     {"secret_key_required": ("auth_invalid", "A publishable key was used.")},
     [("auth_invalid", "header", "", "This API call cannot be made with a publishable API key. Please use a "
                                     "secret API key.")], "A publishable key was used."),
    # An unknown code on a 401 whose message says neither: the code's own words.
    (dict(status=401, code="api_key_missing", message="Access denied."), None,
     [("auth_missing", "header", "", "Access denied.")], _NO_KEY),
    # Past 1,000 characters the message is cut there.
    (dict(status=400, code="invalid_parameters", message="y" * 1200), None,
     [("invalid_format", "body", "", "y" * 1000)], codes()["invalid_parameters"].explanation),
], ids=["402", "own-template-missing", "401-missing-code", "401-generic-code", "403-own-missing-code-invalid",
        "403-own-invalid-code-missing", "own-auth-code-plain-message", "unknown-code-words", "long-message"])
def test_an_errors_auth_finding_and_explanation(error, api_codes, findings, explanation) -> None:
    from types import SimpleNamespace

    own = {code: SimpleNamespace(kind=kind, explanation=why) for code, (kind, why) in (api_codes or {}).items()}
    got, said = explain_error(PastedError(**error), None, True, api_codes=own or None)
    assert [(f.kind, f.location, f.field, f.message) for f in got] == findings
    assert said == explanation
