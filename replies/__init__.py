"""Every word bridgebot says: Jinja2 templates, installed as the data package ``bridgebot.replies``."""
