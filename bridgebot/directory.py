"""Who is internal and which channels are support channels, answered from Slack (cached).

Internal means the user's team is the home workspace (or they are in the configured specialist
user group). Slack Connect message events carry the sender's team (``user_team``), so most
messages need no API call; otherwise ``users.info`` answers, cached for an hour.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from .desk import Channel
from .settings import Settings
from .tracking import Store

log = logging.getLogger(__name__)

TTL = 3600.0

#: Answers that mean "no such thing / not allowed": final, safe to treat as not found.
_FINAL_ERRORS = {"user_not_found", "channel_not_found", "team_not_found", "no_such_subteam", "missing_scope",
                 "not_in_channel", "access_denied", "team_access_not_granted", "method_not_supported_for_channel_type"}


class DirectoryUnavailable(RuntimeError):
    """Slack could not answer a lookup just now. The event fails and Slack redelivers it later,
    rather than a question being dropped (or a customer taken for staff) on a guess."""


def _lookup(call: Callable[[], Any], what: str) -> Any:
    try:
        return call()
    except SlackApiError as e:
        error = str(e.response.get("error") or e.response.status_code)
        if error in _FINAL_ERRORS:
            log.warning("%s: %s", what, error)
            return None
        raise DirectoryUnavailable(f"{what} failed: {error}") from None
    except (SlackClientError, OSError) as e:
        raise DirectoryUnavailable(f"{what} failed: {e}") from None


class _TTLCache:
    def __init__(self, ttl: float, clock: Callable[[], float]) -> None:
        self.ttl, self.clock = ttl, clock
        self._data: dict[Any, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any, load: Callable[[], Any]) -> Any:
        now = self.clock()
        with self._lock:
            hit = self._data.get(key)
            if hit and now - hit[0] < self.ttl:
                return hit[1]
        value = load()
        with self._lock:
            self._data[key] = (now, value)
        return value

    def forget(self, key: Any) -> None:
        with self._lock:
            self._data.pop(key, None)


class SlackDirectory:
    def __init__(self, client: WebClient, settings: Settings, store: Store, auth: dict[str, Any],
                 clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.settings = settings
        self.store = store
        self.home_team_id: str = settings.home_team_id or auth["team_id"]
        self.enterprise_id: str | None = auth.get("enterprise_id") or None
        self.bot_user_id: str = auth.get("user_id") or ""
        self.bot_id: str | None = auth.get("bot_id")
        self._users = _TTLCache(TTL, clock)
        self._channels = _TTLCache(TTL, clock)
        self._teams = _TTLCache(TTL * 24, clock)
        self._group = _TTLCache(600, clock)
        self.clock = clock

    # --- people -----------------------------------------------------------------------------

    def is_internal(self, user_id: str, team_id: str | None) -> bool:
        if self.settings.specialist_group and user_id in self._specialists():
            return True
        if team_id:
            return team_id == self.home_team_id
        user = self._user(user_id)
        if user is None:
            return False  # unknown: treat as external (never grant internal actions by default)
        return user.get("team_id") == self.home_team_id or (
            bool(self.enterprise_id) and user.get("enterprise_user", {}).get("enterprise_id") == self.enterprise_id
        )

    def _user(self, user_id: str) -> dict[str, Any] | None:
        def load() -> dict[str, Any] | None:
            response = _lookup(lambda: self.client.users_info(user=user_id), f"users.info {user_id}")
            return response["user"] if response else None
        return self._users.get(user_id, load)

    def _specialists(self) -> set[str]:
        return self._members(self.settings.specialist_group or "")

    def in_group(self, user_id: str, group_id: str) -> bool:
        """Is ``user_id`` in the user group ``group_id`` (e.g. the configured leads group)?"""
        return user_id in self._members(group_id)

    def _members(self, group: str) -> set[str]:
        def load() -> set[str]:
            response = _lookup(lambda: self.client.usergroups_users_list(usergroup=group),
                               f"usergroups.users.list {group}")
            return set(response["users"]) if response else set()
        return self._group.get(("members", group), load)

    # --- channels ---------------------------------------------------------------------------

    def channel(self, channel_id: str) -> Channel:
        return self._channels.get(channel_id, lambda: self._load_channel(channel_id))

    def _load_channel(self, channel_id: str) -> Channel:
        configured = self.settings.support_channels
        response = _lookup(lambda: self.client.conversations_info(channel=channel_id),
                           f"conversations.info {channel_id}")
        info: dict[str, Any] = response["channel"] if response else {}
        shared = bool(info.get("is_ext_shared") or info.get("is_shared"))
        is_support = channel_id in configured if configured is not None else shared
        customer_team = next((t for t in info.get("connected_team_ids") or info.get("shared_team_ids") or []
                              if t != self.home_team_id), None)
        name = self.settings.customers.get(channel_id)
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO channels (id, name, is_ext_shared, is_support, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, is_ext_shared = excluded.is_ext_shared, "
                "is_support = excluded.is_support, updated_at = excluded.updated_at",
                [channel_id, info.get("name"), int(bool(info.get("is_ext_shared"))), int(is_support), self.clock()])
        return Channel(id=channel_id, is_support=is_support, customer_team_id=customer_team, customer_name=name)

    def forget_channel(self, channel_id: str) -> None:
        self._channels.forget(channel_id)

    def customer_name(self, team_id: str | None, channel_id: str) -> str | None:
        if channel_id in self.settings.customers:
            return self.settings.customers[channel_id]
        if not team_id or team_id == self.home_team_id:
            return None

        def load() -> str | None:
            try:
                response = _lookup(lambda: self.client.team_info(team=team_id), f"team.info {team_id}")
            except DirectoryUnavailable as e:
                log.info("%s; the customer's name stays unknown for now", e)  # a name is not worth a retry
                return None
            return response["team"].get("name") if response else None
        return self._teams.get(team_id, load)
