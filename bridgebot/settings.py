"""Settings from the environment and an optional TOML file (``BRIDGEBOT_CONFIG``).

Environment: ``SLACK_BOT_TOKEN``, ``SLACK_SIGNING_SECRET``, ``SLACK_APP_TOKEN`` (Socket Mode),
``BRIDGEBOT_DB`` (default ``./bridgebot.db``), ``BRIDGEBOT_SLACK_API_URL`` (default
``https://slack.com/api/``), ``BRIDGEBOT_CONFIG``. With no config file every shared channel the
bot is in is a support channel and internal means the bot's own team.

The TOML file: every key, with an example and what it does, is in ``bridgebot.example.toml`` at
the top of the checkout (a test loads it, and checks it names every key this module accepts).
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
    "specs": {"paths", "check_budget"},
    "calendar": {"timezone", "holidays", "country", "shifts"},
    "sla": {"first_response", "resolution", "tiers", "channels"},
    "desk": {"triage_channel", "remind_at", "claim_reaction", "resolve_reaction"},
    "reports": {"leads_group", "leads_channel", "digest_day", "digest_time"},
    "incidents": {"triage_channel", "min_customers", "window"},
    "answers": {"suggest", "docs_dir", "docs_base_url", "llms_txt", "index_path", "answered_resolves",
                "escalation_channel", "min_confidence"},
    "retention": {"message_text_days"},
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
    #: Days after which message text is purged (threads keep their times and counts); None keeps it.
    retention_text_days: int | None = None
    #: Seconds one paste's check may take (in a worker process that is killed past it).
    check_budget: float = 1.0

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
        self._apply_retention(config.get("retention", {}))
        self._apply_check_budget(config)

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

    def _apply_retention(self, retention: dict[str, Any]) -> None:
        if "message_text_days" in retention:
            days = retention["message_text_days"]
            if isinstance(days, bool) or not isinstance(days, int) or days < 1:
                raise SettingsError("[retention] message_text_days must be a whole number of days, at least 1 "
                                    "(e.g. message_text_days = 90)")
            self.retention_text_days = days

    def _apply_check_budget(self, config: dict[str, Any]) -> None:
        budget = config.get("specs", {}).get("check_budget")
        if budget is not None:
            if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not 0.1 <= budget <= 60:
                raise SettingsError("[specs] check_budget is the seconds one paste's check may take: "
                                    "a number from 0.1 to 60, e.g. 1.0")
            self.check_budget = float(budget)

    def require_http(self) -> None:
        self._require([("SLACK_BOT_TOKEN", self.bot_token), ("SLACK_SIGNING_SECRET", self.signing_secret)])
        self._check_bot_token()

    def require_socket_mode(self) -> None:
        self._require([("SLACK_BOT_TOKEN", self.bot_token), ("SLACK_APP_TOKEN", self.app_token)])
        if self.app_token and not self.app_token.startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN must be an app-level token starting with xapp-.")
        self._check_bot_token()

    @staticmethod
    def _require(values: list[tuple[str, str | None]]) -> None:
        """Name every missing variable at once, each with where to find its value."""
        missing = [name for name, value in values if not value]
        if missing:
            raise SettingsError(
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set. "
                + " ".join(_WHERE[name] for name in missing)
            )

    def _check_bot_token(self) -> None:
        if self.bot_token and not self.bot_token.startswith("xoxb-"):
            raise SettingsError("SLACK_BOT_TOKEN must be a bot token starting with xoxb- "
                                "(OAuth & Permissions → Bot User OAuth Token).")


#: Where each Slack credential comes from (the app is created from app_manifest.yml and installed).
_WHERE = {
    "SLACK_BOT_TOKEN": "Export the Bot User OAuth Token (xoxb-…, OAuth & Permissions) as SLACK_BOT_TOKEN.",
    "SLACK_SIGNING_SECRET": "Export the Signing Secret (Basic Information → App Credentials) as "
                            "SLACK_SIGNING_SECRET.",
    "SLACK_APP_TOKEN": "Socket Mode needs an app-level token (xapp-…) with the connections:write scope "
                       "(Basic Information → App-Level Tokens): export it as SLACK_APP_TOKEN.",
}


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
