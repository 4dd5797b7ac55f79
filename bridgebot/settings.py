"""Settings from the environment and an optional TOML file (``BRIDGEBOT_CONFIG``).

Environment: ``SLACK_BOT_TOKEN``, ``SLACK_SIGNING_SECRET``, ``SLACK_APP_TOKEN`` (Socket Mode),
``BRIDGEBOT_DB`` (default ``./bridgebot.db``), ``BRIDGEBOT_SLACK_API_URL`` (default
``https://slack.com/api/``), ``BRIDGEBOT_CONFIG``. With no config file every shared channel the
bot is in is a support channel and internal means the bot's own team.

The TOML file (every key optional)::

    [slack]
    home_team_id = "T0HOME"          # default: the bot's own team (auth.test)
    specialist_group = "S0SPECS"     # members count as internal even from another team

    [support]
    channels = ["C0ACME", "C0GLOBEX"]   # default: every shared channel the bot is in
    acknowledge_questions = true        # reply to questions without a paste
    thread_prefix = "BB"                # BB-42

    [customers]                          # channel id → customer org name
    C0ACME = "Acme Inc"

    [specs]
    paths = ["openapi_specs/bridge.yaml"]   # default: every spec in openapi_specs/

    [calendar]                           # business hours; without it business time = wall clock
    timezone = "America/New_York"
    holidays = ["2026-12-25"]            # and/or country = "US" (the holidays package)
    [calendar.shifts]                    # weekday = "HH:MM-HH:MM" or a list of them; absent = closed
    mon = "09:00-17:00"
    sat = "10:00-14:00"

    [sla]                                # business time ("90m", "1h30m", "2h", "3d"); none: no target
    first_response = "2h"                # also when unclaimed threads are reminded (see [desk] remind_at)
    resolution = "3d"
    [sla.tiers.enterprise]               # beats the default for these customer team / channel ids
    first_response = "30m"
    customers = ["T0ACME"]
    [sla.channels.C0GLOBEX]              # beats tier and default
    first_response = "1h"

    [desk]                               # specialists working the queue from Slack
    triage_channel = "C0TRIAGE"          # internal channel for reminders, notes and incidents (never a shared one)
    remind_at = 0.8                      # remind when an unclaimed thread has used 80% of its first-response target
    claim_reaction = "eyes"              # an internal member's reaction that claims a thread
    resolve_reaction = "white_check_mark"   # ... and the one that resolves it

    [reports]
    leads_group = "S0LEADS"              # who may run /bridge report (default: any internal member)
    leads_channel = "C0LEADS"            # the weekly digest goes here (none: no digest)
    digest_day = "mon"                   # and at this local time (calendar timezone)
    digest_time = "09:00"

    [incidents]
    triage_channel = "C0TRIAGE"          # default: [desk] triage_channel; none at all: no incident signal
    min_customers = 3                    # distinct customers with the same error / operation
    window = "60m"
    [answers]                            # documentation suggested in the first reply
    suggest = true                       # suggest docs for questions (false: never)
    docs_dir = "docs"                    # a folder of Markdown pages, split by heading
    docs_base_url = "https://docs.example.com"   # links for those pages (default: the file path)
    llms_txt = "https://docs.example.com/llms.txt"  # or a docs site's llms.txt index
    index_path = "bridgebot-docs.db"     # default: BRIDGEBOT_DOCS_INDEX, else beside the database
    answered_resolves = true             # "This answered it" resolves the thread
    escalation_channel = "C0SUPPORT"     # "I still need help" with nobody to ping: ask here
    min_confidence = 0.35                # below it, nothing is suggested
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

DEFAULT_SLACK_API_URL = "https://slack.com/api/"


class SettingsError(ValueError):
    """A setting is missing or wrong; the message says which and how to fix it."""


_ALLOWED = {
    "slack": {"home_team_id", "specialist_group"},
    "support": {"channels", "acknowledge_questions", "thread_prefix"},
    "customers": None,  # any channel id
    "specs": {"paths"},
    "calendar": {"timezone", "holidays", "country", "shifts"},
    "sla": {"first_response", "resolution", "tiers", "channels"},
    "desk": {"triage_channel", "remind_at", "claim_reaction", "resolve_reaction"},
    "reports": {"leads_group", "leads_channel", "digest_day", "digest_time"},
    "incidents": {"triage_channel", "min_customers", "window"},
    "answers": {"suggest", "docs_dir", "docs_base_url", "llms_txt", "index_path", "answered_resolves",
                "escalation_channel", "min_confidence"},
}


@dataclass
class Settings:
    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    db_path: str = "./bridgebot.db"
    slack_api_url: str = DEFAULT_SLACK_API_URL
    config_path: str | None = None
    home_team_id: str | None = None
    specialist_group: str | None = None
    #: Support channel ids; None means every shared channel the bot is in.
    support_channels: list[str] | None = None
    acknowledge_questions: bool = True
    thread_prefix: str = "BB"
    customers: dict[str, str] = field(default_factory=dict)
    spec_paths: list[str] | None = None
    #: Business calendar and SLA targets (bridgebot.reports.calendar); default: wall clock, no targets.
    calendar: Any = None
    sla: Any = None
    #: The default first-response target in seconds ([sla] first_response); None: no target, no reminders.
    first_response_target: float | None = None
    #: Internal channel for reminders and notes ([desk]); incidents go here too unless [incidents] says otherwise.
    triage_channel: str | None = None
    remind_at: float = 0.8
    claim_reaction: str = "eyes"
    resolve_reaction: str = "white_check_mark"
    leads_group: str | None = None
    leads_channel: str | None = None
    digest_day: int = 0  # Monday
    digest_time: tuple[int, int] = (9, 0)
    incident_channel: str | None = None
    incident_min_customers: int = 3
    incident_window: float = 3600.0
    #: Documentation suggestions ([answers]).
    suggest_docs: bool = True
    docs_dir: str | None = None
    docs_base_url: str | None = None
    llms_txt: str | None = None
    docs_index_path: str | None = None
    answered_resolves: bool = True
    escalation_channel: str | None = None
    min_confidence: float | None = None

    def __post_init__(self) -> None:
        from .reports.calendar import BusinessCalendar, SlaTargets

        if self.calendar is None:
            self.calendar = BusinessCalendar.wall_clock()
        if self.sla is None:
            self.sla = SlaTargets(first_response=self.first_response_target)
        elif self.first_response_target is None:
            self.first_response_target = self.sla.first_response

    @property
    def incident_triage_channel(self) -> str | None:
        """Where the incident signal posts: [incidents] triage_channel, else [desk] triage_channel."""
        return self.incident_channel or self.triage_channel

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        s = cls(
            bot_token=env.get("SLACK_BOT_TOKEN") or None,
            signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            app_token=env.get("SLACK_APP_TOKEN") or None,
            db_path=env.get("BRIDGEBOT_DB") or "./bridgebot.db",
            slack_api_url=env.get("BRIDGEBOT_SLACK_API_URL") or DEFAULT_SLACK_API_URL,
            config_path=env.get("BRIDGEBOT_CONFIG") or None,
        )
        if not s.slack_api_url.endswith("/"):
            s.slack_api_url += "/"
        if s.config_path:
            s.apply_config(load_config(s.config_path))
        return s

    def apply_config(self, config: dict[str, Any]) -> None:
        slack = config.get("slack", {})
        support = config.get("support", {})
        self.home_team_id = _opt_str(slack, "home_team_id", self.home_team_id)
        self.specialist_group = _opt_str(slack, "specialist_group", self.specialist_group)
        if "channels" in support:
            channels = support["channels"]
            if not isinstance(channels, list) or not all(isinstance(c, str) and c for c in channels):
                raise SettingsError("[support] channels must be a list of channel ids, e.g. [\"C0123ABCD\"]")
            self.support_channels = channels
        if "acknowledge_questions" in support:
            if not isinstance(support["acknowledge_questions"], bool):
                raise SettingsError("[support] acknowledge_questions must be true or false")
            self.acknowledge_questions = support["acknowledge_questions"]
        prefix = _opt_str(support, "thread_prefix", self.thread_prefix)
        if not re.fullmatch(r"[A-Za-z]{1,10}", prefix or ""):
            raise SettingsError("[support] thread_prefix must be 1-10 letters, e.g. \"BB\"")
        self.thread_prefix = prefix.upper()  # type: ignore[union-attr]
        customers = config.get("customers", {})
        if not all(isinstance(v, str) for v in customers.values()):
            raise SettingsError("[customers] maps a channel id to a customer name: C0123ABCD = \"Acme Inc\"")
        self.customers = dict(customers)
        paths = config.get("specs", {}).get("paths")
        if paths is not None:
            if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
                raise SettingsError("[specs] paths must be a list of spec files")
            base = Path(self.config_path).parent if self.config_path else Path(".")
            self.spec_paths = [str(p if Path(p).is_absolute() else base / p) for p in paths]
        self._apply_reports(config)
        self._apply_desk(config)
        self._apply_answers(config.get("answers", {}))

    def _apply_reports(self, config: dict[str, Any]) -> None:
        from .reports.calendar import WEEKDAYS, BusinessCalendar, CalendarError, SlaTargets, parse_duration

        try:
            self.calendar = BusinessCalendar.from_config(config.get("calendar"))
            self.sla = SlaTargets.from_config(config.get("sla"))
            self.first_response_target = self.sla.first_response
            window = config.get("incidents", {}).get("window")
            if window is not None:
                self.incident_window = parse_duration(window, "[incidents] window")
        except CalendarError as e:
            raise SettingsError(str(e)) from None
        reports, incidents = config.get("reports", {}), config.get("incidents", {})
        self.leads_group = _opt_str(reports, "leads_group", self.leads_group)
        self.leads_channel = _opt_str(reports, "leads_channel", self.leads_channel)
        self.incident_channel = _opt_str(incidents, "triage_channel", self.incident_channel)
        day = reports.get("digest_day", "mon")
        if day not in WEEKDAYS:
            raise SettingsError("[reports] digest_day must be one of mon, tue, wed, thu, fri, sat, sun")
        self.digest_day = WEEKDAYS.index(day)
        m = re.fullmatch(r"(\d{1,2}):(\d{2})", str(reports.get("digest_time", "09:00")))
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            raise SettingsError("[reports] digest_time must be a local time such as \"09:00\"")
        self.digest_time = (int(m.group(1)), int(m.group(2)))
        n = incidents.get("min_customers", 3)
        if not isinstance(n, int) or isinstance(n, bool) or n < 2:
            raise SettingsError("[incidents] min_customers must be a whole number, 2 or more")
        self.incident_min_customers = n

    def _apply_desk(self, config: dict[str, Any]) -> None:
        desk = config.get("desk", {})
        self.triage_channel = _opt_str(desk, "triage_channel", self.triage_channel)
        if "remind_at" in desk:
            value = desk["remind_at"]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
                raise SettingsError("[desk] remind_at must be a fraction of the first-response target between "
                                    "0 and 1, e.g. 0.8 (remind at 80% of it)")
            self.remind_at = float(value)
        for key in ("claim_reaction", "resolve_reaction"):
            value = _opt_str(desk, key, getattr(self, key))
            name = (value or "").strip(":")
            if not re.fullmatch(r"[a-z0-9_+\-']+", name):
                raise SettingsError(f"[desk] {key} must be an emoji name such as \"eyes\" (got {value!r})")
            setattr(self, key, name)
        if self.claim_reaction == self.resolve_reaction:
            raise SettingsError("[desk] claim_reaction and resolve_reaction must differ")

    def _apply_answers(self, answers: dict[str, Any]) -> None:
        base = Path(self.config_path).parent if self.config_path else Path(".")
        for key, attr in (("suggest", "suggest_docs"), ("answered_resolves", "answered_resolves")):
            if key in answers:
                if not isinstance(answers[key], bool):
                    raise SettingsError(f"[answers] {key} must be true or false")
                setattr(self, attr, answers[key])
        for key, attr in (("docs_base_url", "docs_base_url"), ("llms_txt", "llms_txt"),
                          ("escalation_channel", "escalation_channel")):
            setattr(self, attr, _opt_str(answers, key, getattr(self, attr)))
        for key in ("docs_base_url", "llms_txt"):
            value = answers.get(key)
            if value is not None and not re.match(r"https?://", value):
                raise SettingsError(f"[answers] {key} must be an http(s) URL, e.g. \"https://docs.example.com\"")
        for key, attr in (("docs_dir", "docs_dir"), ("index_path", "docs_index_path")):
            value = _opt_str(answers, key, None)
            if value is not None:
                setattr(self, attr, str(value if Path(value).is_absolute() else base / value))
        if "min_confidence" in answers:
            value = answers["min_confidence"]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise SettingsError("[answers] min_confidence must be a number between 0 and 1, e.g. 0.35")
            self.min_confidence = float(value)

    def require_http(self) -> None:
        missing = [n for n, v in (("SLACK_BOT_TOKEN", self.bot_token), ("SLACK_SIGNING_SECRET", self.signing_secret))
                   if not v]
        if missing:
            raise SettingsError(
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set. Create the Slack app from "
                "app_manifest.yml, install it, then export the Bot User OAuth Token (xoxb-…) as SLACK_BOT_TOKEN "
                "and the Signing Secret (Basic Information) as SLACK_SIGNING_SECRET."
            )
        self._check_bot_token()

    def require_socket_mode(self) -> None:
        if not self.bot_token:
            raise SettingsError("SLACK_BOT_TOKEN is not set: export the Bot User OAuth Token (xoxb-…).")
        if not self.app_token:
            raise SettingsError("SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) with "
                                "the connections:write scope (Basic Information → App-Level Tokens).")
        if not self.app_token.startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN must be an app-level token starting with xapp-.")
        self._check_bot_token()

    def _check_bot_token(self) -> None:
        if self.bot_token and not self.bot_token.startswith("xoxb-"):
            raise SettingsError("SLACK_BOT_TOKEN must be a bot token starting with xoxb- "
                                "(OAuth & Permissions → Bot User OAuth Token).")


def load_config(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            config = tomllib.load(f)
    except FileNotFoundError:
        raise SettingsError(f"BRIDGEBOT_CONFIG points to {path}, which does not exist") from None
    except OSError as e:
        raise SettingsError(f"cannot read the config file {path}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"the config file {path} is not valid TOML: {e}") from None
    for section, value in config.items():
        if section not in _ALLOWED:
            raise SettingsError(f"{path}: unknown section [{section}] (known: {', '.join(sorted(_ALLOWED))})")
        if not isinstance(value, dict):
            raise SettingsError(f"{path}: [{section}] must be a table")
        allowed = _ALLOWED[section]
        if allowed is not None:
            unknown = sorted(set(value) - allowed)
            if unknown:
                raise SettingsError(f"{path}: unknown key {unknown[0]!r} in [{section}] "
                                    f"(known: {', '.join(sorted(allowed))})")
    return config


def _opt_str(table: dict[str, Any], key: str, default: str | None) -> str | None:
    if key not in table:
        return default
    value = table[key]
    if not isinstance(value, str) or not value:
        raise SettingsError(f"{key} must be a non-empty string")
    return value
