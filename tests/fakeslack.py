"""The tests' local Slack Web API lives in the package (``bridgebot.playground.fakeslack``), where
``bridgebot demo`` uses it too; ``import fakeslack`` in a test gives that very module."""

import sys

from bridgebot.playground import fakeslack as _fakeslack

sys.modules[__name__] = _fakeslack
