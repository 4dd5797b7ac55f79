"""The real-paste corpus in tests/realworld/ is well formed, and no case crashes the checker.

What the checker *finds* on these pastes is measured by benchmarks/realworld.py (issue 11's
targets are far from met today); here only two things are asserted:

- every case has a .txt and an .expect.yaml in the documented format (README.md there), with a
  source link that is not one of the held-out repositories (../shared/HELDOUT_SOURCES.txt), and
  only words from vocabulary.yaml;
- check_paste neither raises, nor catches an exception of its own ("that's a bug on our side"),
  nor refuses the text as unreadable (the CLI's exit 2), on any case. Cases that crash today are
  marked xfail(strict=True) with the reason, so the test flips to a failure once they are fixed.

Below those, one test per paste shape the corpus showed the checker missing, written with texts of
their own (not the corpus' words), each failing before the reader or catalog rule it covers.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
import yaml

from bridgebot.check import SpecSet, UnreadablePaste, check_paste
from conftest import BRIDGE_SPEC, ROOT, SHARED_SPECS

CORPUS = ROOT / "tests" / "realworld"
VOCAB = yaml.safe_load((CORPUS / "vocabulary.yaml").read_text(encoding="utf-8"))
HELDOUT_FILE = Path(SHARED_SPECS).parent / "HELDOUT_SOURCES.txt"
KINDS = {
    "missing_required", "wrong_type", "invalid_enum", "invalid_format", "out_of_range", "unknown_param",
    "unknown_path", "wrong_method", "auth_missing", "auth_invalid", "idempotency_key_missing",
    "content_type", "malformed_body", "secret_exposed",
}
KEYS = {"source", "written_from", "api", "form", "language", "traits", "spec", "stripe_version",
        "operation", "expected", "why", "redacted", "note"}
INTERNAL_ERROR = "that's a bug on our side"

#: Cases today's checker crashes on (issue 11: "exit 2 only for input that is not text at all").
#: Keep this in step with `python benchmarks/realworld.py --show crash`.
CRASHES: dict[str, str] = {}

CASES = sorted(p.name[: -len(".expect.yaml")] for p in CORPUS.glob("*.expect.yaml"))
TEXTS = sorted(p.stem for p in CORPUS.glob("*.txt"))


def _expect(name: str) -> dict:
    return yaml.safe_load((CORPUS / f"{name}.expect.yaml").read_text(encoding="utf-8"))


def _heldout() -> list[tuple[str, str]]:
    if not HELDOUT_FILE.exists():
        pytest.skip(f"{HELDOUT_FILE} is not here")
    out = []
    for line in HELDOUT_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            owner, _, repo = line.lower().partition("/")
            out.append((owner, repo))
    return out


def test_the_corpus_is_big_enough() -> None:
    apis = [_expect(n)["api"] for n in CASES]
    assert len(CASES) >= 150, len(CASES)
    assert apis.count("stripe") >= 60 and apis.count("github") >= 60, (apis.count("stripe"), apis.count("github"))


def test_every_text_has_an_expectation_and_back() -> None:
    assert TEXTS == CASES


@pytest.mark.parametrize("name", CASES)
def test_case_is_well_formed(name: str) -> None:
    expect = _expect(name)
    text = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
    assert text.strip(), "empty paste"
    assert set(expect) <= KEYS, set(expect) - KEYS
    assert expect["api"] in VOCAB["apis"]
    assert expect["form"] in VOCAB["forms"]
    assert expect.get("language") in [None, *VOCAB["languages"]]
    assert set(expect.get("traits") or []) <= set(VOCAB["traits"]), set(expect.get("traits") or []) - set(VOCAB["traits"])
    assert expect["spec"] in VOCAB["spec_for_api"][expect["api"]]
    op = expect.get("operation")
    assert op is None or re.fullmatch(r"(GET|POST|PUT|PATCH|DELETE|HEAD) /\S*", op), op
    expected = expect["expected"]
    if expected == "valid":
        assert (expect.get("why") or "").strip(), "a valid case says why it is valid"
    else:
        assert isinstance(expected, list) and expected, "expected is 'valid' or a non-empty list"
        for item in expected:
            assert set(item) <= {"kind", "field", "why"}, item
            assert item["kind"] in KINDS, item
            assert "field" in item and (item["field"] is None or isinstance(item["field"], str)), item
            assert (item.get("why") or "").strip(), f"no why for {item}"
    if expect.get("written_from"):
        # Written pastes are allowed only where no public material exists (Bridge).
        assert expect["api"] == "bridge" and expect["source"] == "written", expect
    else:
        assert re.fullmatch(r"https?://\S+", expect["source"]), expect["source"]
    if "redacted_key" in (expect.get("traits") or []):
        assert expect.get("redacted") is True and expect.get("note"), "say what was redacted"


@pytest.mark.parametrize("name", CASES)
def test_source_is_not_held_out(name: str) -> None:
    source = _expect(name)["source"]
    m = re.match(r"https?://github\.com/([^/]+)/([^/#?]+)", source)
    if not m:
        return
    owner, repo = m.group(1).lower(), m.group(2).lower()
    for h_owner, h_repo in _heldout():
        assert not (owner == h_owner and h_repo in ("*", repo)), f"{source} is held out ({h_owner}/{h_repo})"


@pytest.fixture(scope="module")
def corpus_specs():
    cache: dict[str, SpecSet] = {}

    def get(name: str) -> SpecSet:
        if name not in cache:
            path = BRIDGE_SPEC if name == "bridge.yaml" else SHARED_SPECS / name
            if not path.exists():
                pytest.skip(f"{path} is not here")
            cache[name] = SpecSet.load([path])
        return cache[name]

    return get


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=CRASHES[n])) if n in CRASHES else n
             for n in CASES])
def test_checker_does_not_crash(name: str, corpus_specs, caplog) -> None:
    expect = _expect(name)
    text = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        try:
            result = check_paste(text, corpus_specs(expect["spec"]))
        except UnreadablePaste as e:  # the CLI's exit 2
            pytest.fail(f"refused as unreadable (exit 2): {e}")
    assert not [p for p in result.problems if INTERNAL_ERROR in p], result.problems
    assert not [r for r in caplog.records if r.exc_info], "the checker logged a traceback"


# --- shapes the corpus showed missing ---------------------------------------------------------

def _kinds(result) -> list[tuple[str, str]]:
    return [(f.kind, f.field) for f in result.findings]


def test_old_go_github_errors_entries_without_message_are_read(github_specs) -> None:
    # go-github before 2017 printed errors[] entries with no Message part.
    text = ("_, _, err := client.Issues.Create(ctx, \"o\", \"r\", req)\n"
            "// 422 Validation Failed [{Resource:Label Field:name Code:missing_field} "
            "{Resource:Label Field:color Code:invalid}]")
    found = _kinds(check_paste(text, github_specs))
    assert ("missing_required", "name") in found and ("invalid_format", "color") in found


def test_a_php_var_dump_of_an_error_is_read(stripe_specs) -> None:
    # var_dump($e->getJsonBody()) prints nested arrays over many lines (or on one, once copied).
    dump = ('array(1) {\n  ["error"]=>\n  array(3) {\n    ["type"]=>\n    string(21) "invalid_request_error"\n'
            '    ["message"]=>\n    string(23) "Invalid integer: 552.82"\n    ["param"]=>\n'
            '    string(6) "amount"\n  }\n}\n')
    for text in (f"var_dump($e->getJsonBody());\n{dump}", " ".join(dump.split())):
        result = check_paste(text, stripe_specs)
        assert [(e.error.message, e.error.param) for e in result.errors] == [("Invalid integer: 552.82", "amount")]
        assert _kinds(result) == [("wrong_type", "amount")]


@pytest.mark.parametrize("docs_url", [
    "https://docs.github.com/rest/dependabot/secrets#get-an-organization-secret",
    "https://docs.github.com/en/rest/dependabot/secrets#get-an-organization-secret",
    "https://docs.github.com/en/rest/dependabot/secrets?apiVersion=2022-11-28#get-an-organization-secret",
    "https://docs.github.com/enterprise-server@3.10/rest/dependabot/secrets#get-an-organization-secret",
    "https://docs.github.com/en/enterprise-cloud@latest/rest/dependabot/secrets#get-an-organization-secret",
])
def test_a_docs_anchor_on_several_pages_is_told_apart_by_the_page(github_specs, docs_url: str) -> None:
    # "get-an-organization-secret" is the anchor of four operations (Actions, Agents, Codespaces,
    # Dependabot secrets): the page in the error's documentation_url names the one, whatever the
    # language or the Enterprise version in front of it.
    text = f'{{"message": "Not Found", "documentation_url": "{docs_url}", "status": "404"}}'
    (err,) = check_paste(text, github_specs).errors
    assert (err.operation.label if err.operation else None, err.evidence) == \
        ("GET /orgs/{org}/dependabot/secrets/{secret_name}", "documentation_url")


@pytest.mark.parametrize("url, operation", [
    ("https://api.github.com/search/code?q=foo+repo:o/r", "GET /search/code"),
    ("https://api.github.com/repos/o/r/actions/workflows/ci.yml/disable",
     "PUT /repos/{owner}/{repo}/actions/workflows/{workflow_id}/disable"),
    # An Enterprise Server URL (/api/v3/…) to a path that takes PUT only.
    ("https://ghe.corp.example/api/v3/repos/o/r/actions/workflows/ci.yml/disable",
     "PUT /repos/{owner}/{repo}/actions/workflows/{workflow_id}/disable"),
    # GET and POST both take /user/repos: a URL alone does not say which was called.
    ("https://api.github.com/user/repos", None),
])
def test_an_api_url_shown_without_its_method_names_the_operation_only_when_the_path_takes_one(
        github_specs, url: str, operation: str | None) -> None:
    text = f"Github query : {url}\nError: 403 Resource not accessible by integration"
    (err,) = check_paste(text, github_specs).errors
    assert (err.operation.label if err.operation else None, err.evidence) == \
        (operation, "url_single_method" if operation else None)


def test_a_docs_link_is_followed_with_every_api_loaded(bridge_specs, stripe_specs, github_specs) -> None:
    # The bot loads every spec: operations of other APIs have no docs anchor (or none at all).
    every = SpecSet([*bridge_specs.specs, *stripe_specs.specs, *github_specs.specs])
    text = ('{"message": "Not Found", "documentation_url": '
            '"https://docs.github.com/rest/dependabot/secrets#get-an-organization-secret", "status": "404"}')
    (err,) = check_paste(text, every).errors
    assert (err.operation.label, err.evidence) == ("GET /orgs/{org}/dependabot/secrets/{secret_name}",
                                                   "documentation_url")
