"""Logging that never writes a credential: every record is passed through the secret finder.

Debug logs of slack-sdk and Bolt include request bodies, which can hold a developer's pasted
key; the filter redacts it (``sk-live-…9f2c``) before any handler formats the record.
"""

from __future__ import annotations

import logging

from .check.secrets import find_secrets, redact


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logging module's to report
            return True
        secrets = find_secrets(message)
        if secrets:
            record.msg, record.args = redact(message, secrets), ()
        if record.exc_info and record.exc_info[1] is not None:
            text = str(record.exc_info[1])
            if find_secrets(text):
                record.exc_text = redact(logging.Formatter().formatException(record.exc_info), find_secrets(text))
        return True


def configure(level: int) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(RedactSecrets())
