"""The manifest, the listeners, the templates and the docs agree with each other."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bridgebot.check import CheckResult, check_paste
from bridgebot.cli import cli
from bridgebot.commands import SUBCOMMANDS, ThreadRef
from bridgebot.listeners.actions import BUTTONS, SUGGESTION_BUTTONS
from bridgebot.listeners.commands import COMMANDS
from bridgebot.listeners.events import SUBSCRIBED
from bridgebot.listeners.shortcuts import SHORTCUTS
from bridgebot.render import MAX_BLOCKS, MAX_SECTION_TEXT, REPLIES_DIR, render_blocks, render_text
from bridgebot.tracking import TrackedThread
from conftest import PASTES, ROOT

MANIFEST = yaml.safe_load((ROOT / "app_manifest.yml").read_text())


def test_manifest_events_and_listeners_match_both_ways() -> None:
    bot_events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert bot_events == set(SUBSCRIBED)


def test_manifest_scopes_cover_the_events_and_calls_and_no_more() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    needed = {"channels:history", "groups:history", "channels:read", "groups:read", "chat:write", "users:read",
              "team:read", "usergroups:read", "commands", "reactions:read", "files:write"}
    assert scopes == needed
    # Every Web API method the code calls is covered by those scopes.
    # The playground's local Slack (bridgebot/playground/) plays Slack; it calls nothing of it.
    code = "\n".join(p.read_text() for p in (ROOT / "bridgebot").rglob("*.py") if "playground" not in p.parts)
    called = set(re.findall(r"client\.(\w+)\(", code)) | set(re.findall(r'method="((?:chat|views)\.\w+)"', code))
    method_scopes = {"auth_test": None, "users_info": "users:read", "conversations_info": "channels:read",
                     "team_info": "team:read", "usergroups_users_list": "usergroups:read", "api_call": None,
                     "chat_getPermalink": None, "chat_postEphemeral": "chat:write",
                     "conversations_replies": "channels:history", "conversations_history": "channels:history",
                     "chat.postMessage": "chat:write", "chat.update": "chat:write", "chat.postEphemeral": "chat:write",
                     "views.publish": None,  # publishing one's own Home tab needs no scope
                     "files_upload_v2": "files:write"}
    assert called <= set(method_scopes), called - set(method_scopes)
    # Each subscribed event, the slash command and the shortcut need exactly these.
    event_scopes = {"message.channels": "channels:history", "message.groups": "groups:history",
                    "channel_id_changed": "channels:read", "reaction_added": "reactions:read",
                    "app_home_opened": None}
    used = {s for s in method_scopes.values() if s} | {s for s in event_scopes.values() if s}
    if MANIFEST["features"].get("slash_commands") or MANIFEST["features"].get("shortcuts"):
        used.add("commands")
    used |= {"groups:read"}  # conversations.info on private shared channels
    assert set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) <= set(event_scopes)
    assert used == scopes


def test_manifest_commands_shortcuts_and_home_tab_have_listeners_and_back() -> None:
    features = MANIFEST["features"]
    assert {c["command"] for c in features["slash_commands"]} == set(COMMANDS)
    assert all(c["should_escape"] is True for c in features["slash_commands"])  # mentions as <@U…>
    assert {(s["callback_id"], s["type"]) for s in features["shortcuts"]} == {(k, "message") for k in SHORTCUTS}
    assert features["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    # Private notices to a specialist go to the app's Messages tab.
    assert features["app_home"]["messages_tab_enabled"] is True
    usage = features["slash_commands"][0]["usage_hint"]
    assert all(name in usage or name in features["slash_commands"][0]["description"] for name in SUBCOMMANDS)


def test_every_subcommand_has_its_help_template_and_every_help_template_a_subcommand() -> None:
    helps = {p.name.split(".")[0] for p in REPLIES_DIR.glob("bridge_help_*.txt.j2")}
    assert helps == {sub.help for sub in SUBCOMMANDS.values()}
    for name, sub in SUBCOMMANDS.items():
        assert render_text(sub.help).startswith(f"`/bridge {name}")


def test_interactivity_is_on_and_every_rendered_button_has_a_listener(bridge_specs) -> None:
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    # Imports as is (Socket Mode); the README says what to change for HTTP mode.
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert "request_url: https://<your host>/slack/events" in (ROOT / "README.md").read_text()
    seen = set()
    for assignee in (None, "U1"):
        thread = TrackedThread(id=7, channel_id="C", thread_ts="1.1", author_id="U", opened_at=1.0,
                               assignee_id=assignee)
        blocks = render_blocks("thread_reply", thread=thread, result=None, has_paste=False)
        seen |= {e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]}
    assert seen == set(BUTTONS)
    # The Home tab's buttons too.
    home = render_blocks("app_home", **_home_context())
    on_home = {e["action_id"] for b in home if b["type"] == "actions" for e in b["elements"]}
    on_home |= {b["accessory"]["action_id"] for b in home if "accessory" in b}
    assert on_home == set(BUTTONS)


def _home_context(n: int = 3) -> dict:
    items = [{"thread": TrackedThread(id=i, channel_id="C1", thread_ts=f"{i}.1", author_id="U1", opened_at=1.0,
                                      text="How do I " + "x" * 500, assignee_id="U2" if i % 2 else None),
              "customer": "Acme <Inc>", "age": 3600.0 * i, "left": 1800.0 - 900 * i} for i in range(1, n + 1)]
    return {"internal": True, "mine": items, "queue": items, "more_queue": 7,
            "counts": {"opened": 3, "first_responses": 2, "resolved": 1, "waiting": 9, "mine_resolved": 1}}


def test_suggestion_buttons_have_listeners() -> None:
    thread = TrackedThread(id=42, channel_id="C1", thread_ts="1.1", author_id="U1", opened_at=1.0)
    suggested = [{"title": "POST /v0/transfers — Create a transfer", "url": "https://x.test/t", "snippet": "s",
                  "confidence": 0.9}]
    blocks = render_blocks("thread_reply", thread=thread, result=None, has_paste=False, suggestions=suggested,
                           choice=None, choice_by=None)
    seen = {e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]}
    assert set(SUGGESTION_BUTTONS) <= seen


def _sample_contexts(bridge_specs) -> list[tuple[str, dict]]:
    thread = TrackedThread(id=42, channel_id="C1", thread_ts="1.1", author_id="U1", opened_at=1.0)
    resolved = TrackedThread(id=43, channel_id="C1", thread_ts="1.2", author_id="U1", opened_at=1.0,
                             status="resolved", resolved_by="U2")
    results = [check_paste((PASTES / name).read_text(), bridge_specs)
               for name in ("bridge_transfer_curl.txt", "bridge_error_only.txt", "bridge_unbalanced_quote.txt")]
    # A paste with far more findings than a message can hold.
    many = "POST /v0/transfers\n" + json.dumps({f"unknown_field_{i}": "x" * 200 for i in range(200)})
    results.append(check_paste(many, bridge_specs))
    secrets = results[0].secrets
    # Pastes that could not be fully checked (issue 6: past the time budget, or a checker bug).
    results += [CheckResult(secrets=secrets, incomplete=reason) for reason in ("timeout", "error")]
    out = [("thread_reply", {"thread": t, "result": r, "has_paste": True}) for t in (thread, resolved)
           for r in results]
    out += [("thread_reply", {"thread": thread, "result": None, "has_paste": False}),
            ("thread_reply", {"thread": thread, "result": CheckResult(), "has_paste": False}),
            ("secret_warning", {"secrets": secrets, "thread": thread}),
            ("refuse_external", {"action": "claim"}), ("refuse_external", {"action": "resolve"})]
    out += [("refuse_external", {"action": a}) for a in ("command", "reaction", "shortcut", "home", "release")]
    claimed = TrackedThread(id=44, channel_id="C1", thread_ts="1.3", author_id="U1", opened_at=1.0, assignee_id="U2")
    for reason in ("held_by", "already_yours", "already_assignee", "not_claimed", "resolved", "already_resolved",
                   "not_resolved"):
        out.append(("refusal", {"reason": reason, "thread": claimed if reason != "already_resolved" else resolved,
                                "action": "claim", "actor_id": "U3", "assignee_id": "U2"}))
    helps = [render_text(sub.help).strip() for sub in SUBCOMMANDS.values()]
    out += [(sub.help, {}) for sub in SUBCOMMANDS.values()]
    out += [("bridge_help", {"helps": helps}), ("bridge_unknown", {"subcommand": "claimm", "helps": helps}),
            ("bridge_bad_ref", {"token": "`BB-x`", "prefix": "BB"}), ("bridge_bad_user", {"token": "bob"}),
            ("bridge_usage", {"usage": helps[0]}),
            ("bridge_not_found", {"ref": ThreadRef("99", id=99), "prefix": "BB"}),
            ("bridge_not_found", {"ref": ThreadRef("link", channel_id="C1", ts="1.1"), "prefix": "BB"}),
            ("bridge_assign_external", {"assignee_id": "U_DEV"})]
    out += [("bridge_done", {"action": a, "thread": claimed, "assignee_id": "U2"})
            for a in ("claim", "assign", "release", "resolve", "reopen")]
    home = _home_context(40)
    for mine in (True, False):
        out += [("bridge_queue", {"items": home["queue"], "mine": mine, "target": 7200.0}),
                ("bridge_queue", {"items": [], "mine": mine, "target": None})]
    out += [("note_posted", {"thread": thread, "author_id": "U2", "text": "<!channel> call them " + "y" * 5000,
                             "customer": "Acme"}),
            ("note_saved", {"thread": thread, "posted_to": "C_TRIAGE"}), ("note_saved", {"thread": thread, "posted_to": None}),
            ("reminder", {"thread": thread, "customer": "Acme", "age": 5760.0, "left": 1440.0}),
            ("reminder", {"thread": thread, "customer": None, "age": 9000.0, "left": -1800.0}),
            ("customer_replied", {"thread": claimed, "customer": "Acme", "author_id": "U_DEV"}),
            ("app_home", home), ("app_home", _home_context(0)),
            ("app_home", {"internal": False, "mine": [], "queue": [], "counts": {}, "more_queue": 0})]
    row = {"id": "BB-1", "status": "open", "channel": "C1", "customer": None, "author": "U1", "claimed_by": None,
           "opened_at": "2026-11-30T09:00:00Z", "first_response_at": None, "resolved_at": None, "operations": [],
           "reply_errors": ["chat.postMessage: is_archived"]}
    out += [("threads_table", {"rows": [row]}), ("threads_table", {"rows": []})]
    out += _report_contexts()
    suggested = [{"title": "POST /v0/transfers — Create a transfer " * 5, "url": "https://x.test/t",
                  "snippet": "x" * 400, "confidence": 0.9}] * 3
    out += [("thread_reply", {"thread": t, "result": None, "has_paste": False, "suggestions": suggested,
                              "choice": choice, "choice_by": "U1"})
            for t in (thread, resolved) for choice in (None, "answered", "need_help")]
    out += [("answers_notice", {"kind": kind, "thread": thread, "mention": "<@U2>", "user": "U1", "short_id": "BB-9",
                                "message": "BB-42 has no reply", "prefix": "BB"})
            for kind in ("need_help", "escalate", "not_yours", "internal_only", "off", "no_thread", "marked",
                         "usage", "error")]
    from bridgebot.answers import Suggestion
    from bridgebot.answers.gaps import Gap
    from bridgebot.answers.index import RefreshReport
    out += [("docs_search", {"suggestions": [Suggestion("T", "https://x.test", "snip", 0.8, 1.0, "page", "k")]}),
            ("docs_search", {"suggestions": []}),
            ("docs_index", {"report": RefreshReport(added=["spec:bridge"], documents=3)}),
            ("docs_gaps", {"gaps": [Gap(["fee"], [{"thread": "BB-1", "question": "fees?"}]).to_dict()]}),
            ("docs_gaps", {"gaps": []})]
    return out


def _report_contexts() -> list[tuple[str, dict]]:
    """Issue 8's templates, with a report over a small seeded database."""
    from bridgebot.reports import BusinessCalendar, SlaTargets, export, make_report
    from bridgebot.reports.command import ReportCommand, _context
    from bridgebot.reports.seed import seed
    from bridgebot.tracking import Store

    store = Store(":memory:")
    cal, targets = BusinessCalendar.wall_clock(), SlaTargets(first_response=3600)
    seed(store.db, threads=300, days=20, now=1_790_000_000, calendar=cal, targets=targets)
    report, _ = make_report(store.db, calendar=cal, targets=targets, now=1_790_000_000, by="customer")
    thread = {"short_id": "BB-1", "link": "https://slack.com/archives/C1/p1", "customer": "<!channel> Acme",
              "opened_at": 1.0}
    return [("report", {"report": report, "rows": export.rows(report), "duration": export.duration}),
            ("report_summary", _context(report, ReportCommand("30d", "customer"), "Support report")),
            ("incident", {"kind": "error", "value": "has_not_accepted_tos", "threads": [thread] * 60,
                          "customers": ["Acme", "Globex", "Initech"], "operations": ["POST /v0/transfers"],
                          "window_minutes": 60}),
            ("report_refused", {"leads_group": "S0LEADS"}), ("report_refused", {"leads_group": None}),
            ("report_no_files", {})]


def test_every_template_renders_within_block_kit_limits(bridge_specs) -> None:
    rendered = set()
    for name, context in _sample_contexts(bridge_specs):
        if (REPLIES_DIR / f"{name}.json.j2").exists():
            blocks = render_blocks(name, **context)
            assert 0 < len(blocks) <= MAX_BLOCKS
            for b in blocks:
                text = (b.get("text") or {}).get("text", "")
                assert len(text) <= MAX_SECTION_TEXT
                for el in b.get("elements", []):
                    if el.get("type") == "button":
                        assert len(el["text"]["text"]) <= 75 and len(el["value"]) <= 2000
        if (REPLIES_DIR / f"{name}.txt.j2").exists():
            text = render_text(name, **context)
            assert text.strip() and "{{" not in text and "{%" not in text
        rendered.add(name)
    templates = {p.name.split(".")[0] for p in REPLIES_DIR.glob("*.j2") if not p.name.startswith("_")}
    assert templates - {"check"} == rendered


def test_a_key_in_the_paste_never_reaches_a_rendered_reply(bridge_specs) -> None:
    for name, context in _sample_contexts(bridge_specs):
        out = render_text(name, **context) if (REPLIES_DIR / f"{name}.txt.j2").exists() else ""
        if (REPLIES_DIR / f"{name}.json.j2").exists():
            out += json.dumps(render_blocks(name, **context))
        assert "sk-live-9a8b7c6d5e4f3a2b1c0d9f2c" not in out


def test_user_text_cannot_ping_the_channel(bridge_specs) -> None:
    result = check_paste('POST /v0/kyc_links\n{"type": "<!channel> hi", "email": "a@b.co"}', bridge_specs)
    thread = TrackedThread(id=1, channel_id="C", thread_ts="1.1", author_id="U", opened_at=1.0)
    blocks = json.dumps(render_blocks("thread_reply", thread=thread, result=result, has_paste=True))
    assert "<!channel>" not in blocks and "&lt;!channel&gt;" in blocks


@pytest.mark.parametrize("command", ["check", "specs", "serve", "run", "threads", "report", "sql", "db seed",
                                     "docs index", "docs search", "docs gaps"])
def test_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    result = CliRunner().invoke(cli, [*command.split(), "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    assert f"bridgebot {command}" in (ROOT / "README.md").read_text()


def test_readme_starts_with_the_two_fresh_machine_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    assert "bridgebot" in blocks[0] and "pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert blocks[1].strip() in ci
