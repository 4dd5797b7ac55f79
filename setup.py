"""Packaging glue that pyproject.toml cannot say on its own.

The reply templates (``replies/``) and the bundled specs (``openapi_specs/``) live at the top of
the checkout, where people look for them; they are installed inside the package as
``bridgebot.replies`` and ``bridgebot.openapi_specs`` so that an installed wheel reads them with
``importlib.resources`` from any directory.
"""

from setuptools import find_packages, setup

DATA_PACKAGES = {"bridgebot.replies": "replies", "bridgebot.openapi_specs": "openapi_specs"}

setup(
    packages=find_packages(include=["bridgebot", "bridgebot.*"]) + list(DATA_PACKAGES),
    package_dir=DATA_PACKAGES,
    package_data={
        "bridgebot": ["py.typed", "reports/queries/*.sql", "reports/queries/*.yml", "answers/words.yaml",
                      "check/readers/sdk/naming.yaml", "check/catalogs/*.yaml"],
        "bridgebot.playground": ["conversations.yaml", "static/*"],
        "bridgebot.replies": ["*.j2"],
        "bridgebot.openapi_specs": ["*.yaml", "*.yml", "*.json"],
    },
)
