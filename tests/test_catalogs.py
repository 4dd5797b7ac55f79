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
            if info.kind and not info.kind.startswith("auth"):
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
    ("api: x\ncodes:\n  c: {kind: null}\n", "needs `kind` and `meaning`"),
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
