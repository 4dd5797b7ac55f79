"""The local playground: bridgebot's real Slack app against a local Slack-compatible Web API.

``bridgebot demo`` starts three things on 127.0.0.1 only: :mod:`.fakeslack` (the Slack Web API
methods the app calls, which also records every call, and is what the tests use), the real app
in HTTP mode (the same code as ``bridgebot serve``), and a web page where a person posts as a
customer or a specialist, sees the bot's Block Kit replies, clicks their buttons and runs
``/bridge`` commands. Events, commands and clicks reach the app as Slack sends them: signed HTTP
requests.
"""
