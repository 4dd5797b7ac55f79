"""bridgebot: a developer-support Slack bot that checks pasted API requests against OpenAPI specs."""

__version__ = "0.1.0"
