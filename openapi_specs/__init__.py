"""The bundled OpenAPI specs, installed as the data package ``bridgebot.openapi_specs``."""
