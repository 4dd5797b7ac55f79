"""Loading specs: 3.0 and 3.1, YAML and JSON, the content-keyed cache, and routing."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
import yaml

from bridgebot.check import SpecError, SpecSet, load_spec
from bridgebot.check import specs as specs_mod

PETSTORE_31 = {
    "openapi": "3.1.0",
    "info": {"title": "Pets", "version": "1"},
    "servers": [{"url": "https://pets.example.com/api/v2"}, {"url": "https://sandbox.pets.example.com/api/v2"}],
    "paths": {
        "/pets": {"get": {"operationId": "listPets", "parameters": [
            {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 50}}]},
                  "post": {"operationId": "createPet", "requestBody": {"required": True, "content": {
                      "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}},
        "/pets/{petId}": {"get": {"operationId": "getPet", "parameters": [
            {"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}]}},
        "/pets/{petId}/photos/{name}.png": {"get": {"operationId": "getPhoto", "parameters": [
            {"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}]}},
    },
    "components": {"schemas": {"Pet": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string"}, "tag": {"type": ["string", "null"]},
        "parent": {"$ref": "#/components/schemas/Pet"}}}}},
}

for _item in PETSTORE_31["paths"].values():
    for _op in _item.values():
        _op["responses"] = {"200": {"description": "OK"}}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("BRIDGEBOT_CACHE_DIR", str(d))
    return d


@pytest.fixture
def pets_yaml(tmp_path: Path) -> Path:
    p = tmp_path / "pets.yaml"
    p.write_text(yaml.safe_dump(PETSTORE_31))
    return p


def test_yaml_31_and_json_30_load_the_same_routes(tmp_path: Path, cache: Path, pets_yaml: Path) -> None:
    doc30 = json.loads(json.dumps(PETSTORE_31))
    doc30["openapi"] = "3.0.3"
    doc30["components"]["schemas"]["Pet"]["properties"]["tag"] = {"type": "string", "nullable": True}
    j = tmp_path / "pets30.json"
    j.write_text(json.dumps(doc30))
    for path in (pets_yaml, j):
        spec = load_spec(path)
        assert sorted(spec.paths) == ["/pets", "/pets/{petId}", "/pets/{petId}/photos/{name}.png"]
        assert spec.problems == []


def test_cache_is_used_and_keyed_by_content(cache: Path, pets_yaml: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_spec(pets_yaml)
    files = list(cache.glob("pets-*.pickle"))
    assert len(files) == 1

    def boom(*a, **k):
        raise AssertionError("compiled again although the cache holds this content")

    monkeypatch.setattr(specs_mod, "compile_spec", boom)
    assert "/pets" in load_spec(pets_yaml).paths  # from the cache
    monkeypatch.undo()
    monkeypatch.setenv("BRIDGEBOT_CACHE_DIR", str(cache))
    pets_yaml.write_text(pets_yaml.read_text().replace("listPets", "listAllPets"))
    spec = load_spec(pets_yaml)
    assert spec.paths["/pets"]["GET"].operation_id == "listAllPets"
    assert len(list(cache.glob("pets-*.pickle"))) == 2


def test_corrupt_cache_is_rebuilt_with_a_warning(cache: Path, pets_yaml: Path, caplog) -> None:
    load_spec(pets_yaml)
    (cached,) = cache.glob("pets-*.pickle")
    cached.write_bytes(b"not a pickle")
    with caplog.at_level(logging.WARNING):
        spec = load_spec(pets_yaml)
    assert "/pets" in spec.paths
    assert [r.getMessage() for r in caplog.records] == [
        f"ignoring unreadable spec cache {cached}: invalid load key, 'n'."]


def test_unwritable_cache_still_loads(tmp_path: Path, pets_yaml: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("BRIDGEBOT_CACHE_DIR", str(blocker / "sub"))
    assert "/pets" in load_spec(pets_yaml).paths


def test_an_invalid_spec_is_reported_once_but_still_usable(tmp_path: Path, cache: Path, caplog) -> None:
    doc = json.loads(json.dumps(PETSTORE_31))
    doc["paths"]["/pets"]["get"]["parameters"][0]["in"] = "nowhere"
    p = tmp_path / "broken.json"
    p.write_text(json.dumps(doc))
    with caplog.at_level(logging.WARNING):
        spec = load_spec(p)
    assert len(spec.problems) == 1 and "nowhere" in spec.problems[0]
    # the warning names the file and the problem (the logger's own name always contains "spec")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "broken.json" in warnings[0] and "nowhere" in warnings[0], warnings
    assert warnings == [f"spec {p}: {spec.problems[0]}"]


@pytest.mark.parametrize("content, message", [("{not json", "cannot parse"), ("- a\n- b\n", "not an OpenAPI document"),
                                              ("openapi: 2.0\n", "not an OpenAPI 3.x")])
def test_unreadable_specs_raise_spec_error(tmp_path: Path, cache: Path, content: str, message: str) -> None:
    p = tmp_path / ("s.json" if content.startswith("{") else "s.yaml")
    p.write_text(content)
    with pytest.raises(SpecError, match=message):
        load_spec(p)


@pytest.mark.parametrize(
    "method, url, found",
    [
        ("GET", "https://pets.example.com/api/v2/pets", "GET /api/v2/pets"),
        ("GET", "https://sandbox.pets.example.com/api/v2/pets/p1?x=1", "GET /api/v2/pets/{petId}"),
        ("GET", "/api/v2/pets/p1/photos/front.png", "GET /api/v2/pets/{petId}/photos/{name}.png"),
        ("POST", "https://pets.example.com/api/v2/pets/", "POST /api/v2/pets"),
    ],
)
def test_routes(cache: Path, pets_yaml: Path, method: str, url: str, found: str) -> None:
    route = SpecSet([load_spec(pets_yaml)]).route(method, url)
    assert route.operation is not None and route.operation.ref.label == found


@pytest.mark.parametrize(
    "method, url, kind, suggestion",
    [
        ("GET", "https://pets.example.com/pets", "unknown_path", "/api/v2/pets"),
        ("GET", "https://pets.example.com/pets/p1", "unknown_path", "/api/v2/pets/p1"),  # the base path left out
        ("GET", "https://pets.example.com/api/v2/pest", "unknown_path", "/api/v2/pets"),
        ("GET", "https://pets.example.com/api/v2/pets/p1/photo/x.png", "unknown_path",
         "/api/v2/pets/{petId}/photos/{name}.png"),
        ("DELETE", "https://pets.example.com/api/v2/pets", "wrong_method", None),
    ],
)
def test_route_misses_say_why(cache: Path, pets_yaml: Path, method, url, kind, suggestion) -> None:
    route = SpecSet([load_spec(pets_yaml)]).route(method, url)
    assert route.operation is None
    (finding,) = route.findings
    assert finding.kind == kind
    if suggestion:
        assert finding.suggestions[0] == suggestion
    else:
        assert finding.expected == ["GET", "POST"]


def test_recursive_schemas_compile_and_check(cache: Path, pets_yaml: Path) -> None:
    from bridgebot.check import PastedRequest, check_request
    specs = SpecSet([load_spec(pets_yaml)])
    body = json.dumps({"name": "a", "tag": None, "parent": {"name": "b", "parent": {"nme": "c"}}})
    req = PastedRequest("POST", "https://pets.example.com/api/v2/pets", [("Content-Type", "application/json")], body)
    kinds = sorted((f.kind, f.field) for f in check_request(req, specs).findings)
    assert kinds == [("missing_required", "parent.parent.name"), ("unknown_param", "parent.parent.nme")]


def test_default_specs_are_the_bundled_ones() -> None:
    specs = SpecSet.load()
    assert [s.name for s in specs.specs] == ["bridge"]
    assert sum(1 for _ in specs.specs[0].operations) == 113


# --- What a compiled spec keeps (compiled afresh here: the `cache` fixture is an empty folder) ---

SHOP = {
    "openapi": "3.1.0",
    "info": {"title": "Shop API", "version": "1"},
    "servers": [{"url": "https://{region}.shop.test/v{major}",
                 "variables": {"region": {"default": "eu"}, "major": {"default": "2"}}},
                {"url": "/internal/v2"}],
    "security": [{"key": []}],
    "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Shop-Key"},
                                       "basic": {"type": "http", "scheme": "basic"}}},
    "paths": {
        "/orders": {
            "get": {"summary": "List orders", "externalDocs": {"url": "https://docs.shop.test/orders#list"},
                    "parameters": [
                        {"name": "status", "in": "query", "required": True, "schema": {"type": "string"}},
                        {"name": "tags", "in": "query",
                         "schema": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}}]},
            "post": {"security": [{"basic": []}, {}]},  # {}: auth is optional
        },
        "/audit": {"get": {"security": [{"basic": []}]}},
        # the same path under two parameter names, one method each (as some real specs have it)
        "/carts/{cartId}": {"get": {"parameters": [
            {"name": "cartId", "in": "path", "required": True, "schema": {"type": "string"}}]}},
        "/carts/{id}": {"delete": {"parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]}},
        "/files/{path}": {"get": {"parameters": [
            {"name": "path", "in": "path", "required": True, "schema": {"type": "string", "x-multi-segment": True}}]}},
        "/exports/{id}.csv/{part}": {"get": {"parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "part", "in": "path", "required": True, "schema": {"type": "integer"}}]}},
        "/exports/{id}.csv/meta": {"get": {"parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]}},
    },
}
for _item in SHOP["paths"].values():
    for _op in _item.values():
        _op["responses"] = {"200": {"description": "OK"}}


@pytest.fixture
def shop(tmp_path: Path, cache: Path) -> Path:
    p = tmp_path / "shop.json"
    p.write_text(json.dumps(SHOP))
    return p


def _findings(specs: SpecSet, method: str, url: str, headers=(), basic_auth=None) -> list[tuple[str, str, str]]:
    from bridgebot.check import PastedRequest, check_request
    req = PastedRequest(method, url, list(headers), None, basic_auth=basic_auth)
    return [(f.kind, f.field, f.message) for f in check_request(req, SpecSet(specs.specs)).findings]


def test_a_compiled_spec_keeps_its_parameters_and_auth(shop: Path) -> None:
    specs = SpecSet([load_spec(shop)])
    key = [("X-Shop-Key", "k_1")]
    base = "https://eu.shop.test/v2"
    assert _findings(specs, "GET", f"{base}/orders?status=open", key) == []
    # a required query parameter, and tags (form, explode by default): `a,b` is one value
    assert sorted(f[:2] for f in _findings(specs, "GET", f"{base}/orders?tags=a,b", key)) == [
        ("invalid_enum", "tags[0]"), ("missing_required", "status")]
    assert _findings(specs, "GET", f"{base}/orders?status=open") == [
        ("auth_missing", "X-Shop-Key", "No credentials: this endpoint needs an `X-Shop-Key` header.")]
    assert _findings(specs, "POST", f"{base}/orders") == []  # auth optional
    assert _findings(specs, "GET", f"{base}/audit", basic_auth="user:pw") == []
    assert _findings(specs, "GET", f"{base}/audit") == [
        ("auth_missing", "Authorization", "No credentials: this endpoint needs HTTP Basic auth (`-u KEY:`).")]
    # path parameters are read from the path and checked
    assert [f[:2] for f in _findings(specs, "GET", f"{base}/exports/x.csv/two", key)] == [("wrong_type", "part")]
    op = specs.route("GET", f"{base}/orders").operation
    assert (op.summary, op.docs_url) == ("List orders", "https://docs.shop.test/orders#list")
    # where auth is optional, a query parameter the endpoint does not take is still named
    assert _findings(specs, "POST", f"{base}/orders?sort=new") == [
        ("unknown_param", "sort", "Unknown query parameter `sort`.")]


@pytest.mark.parametrize("url, template", [
    ("https://eu.shop.test/v2/files/a/b/c.txt", "/files/{path}"),          # x-multi-segment in the schema
    ("https://eu.shop.test/v2/exports/x.csv/meta", "/exports/{id}.csv/meta"),  # a literal before a parameter
    ("https://eu.shop.test/v2/exports/x.csv/2", "/exports/{id}.csv/{part}"),
    ("https://[your-host]/v2/orders", "/orders"),                          # a placeholder host
    ("HTTPS://[your-host]/v2/orders?status=open", "/orders"),              # the scheme is any case
])
def test_a_compiled_spec_routes(shop: Path, url: str, template: str) -> None:
    route = SpecSet([load_spec(shop)]).route("GET", url)
    assert route.operation is not None and route.operation.path == template


@pytest.mark.parametrize("url, message", [
    ("https://eu.shop.test/v2/nothing", "No endpoint `/v2/nothing` on eu.shop.test in the API reference."),
    ("https://other.test/v2/nothing", "No endpoint `/v2/nothing` on other.test (not a host of the loaded API "
                                      "specs: eu.shop.test) in the API reference."),
    ("/v2/nothing/", "No endpoint `/v2/nothing` in the API reference."),  # a path alone, with a trailing slash
])
def test_a_route_miss_names_the_host(shop: Path, url: str, message: str) -> None:
    (finding,) = SpecSet([load_spec(shop)]).route("GET", url).findings
    assert (finding.kind, finding.location, finding.field, finding.message) == ("unknown_path", "url", "path", message)


def test_the_specs_command_lists_title_and_servers(shop: Path) -> None:
    from click.testing import CliRunner

    from bridgebot.cli import cli

    result = CliRunner().invoke(cli, ["specs", "--spec", str(shop)])
    assert result.exit_code == 0, result.output
    assert result.output == ("shop: Shop API, 7 paths, 8 operations, servers eu.shop.test/v2, /internal/v2 — ok\n")


def test_the_cache_folder_is_made_with_its_parents(tmp_path: Path, pets_yaml: Path, monkeypatch, caplog) -> None:
    folder = tmp_path / "not" / "yet" / "cache"
    monkeypatch.setenv("BRIDGEBOT_CACHE_DIR", str(folder))
    with caplog.at_level(logging.WARNING):
        load_spec(pets_yaml)
    assert len(list(folder.glob("pets-*.pickle"))) == 1
    assert caplog.text == ""


def test_a_scheme_without_a_type_is_named_as_it_is(tmp_path: Path, cache: Path) -> None:
    """A security scheme with no `type` (an invalid spec, still used) is named by itself, with an empty type."""
    doc = json.loads(json.dumps(SHOP))
    doc["components"]["securitySchemes"]["odd"] = {"in": "header", "name": "X-Odd"}
    doc["paths"]["/audit"]["get"]["security"] = [{"odd": [], "key": []}]
    p = tmp_path / "odd.json"
    p.write_text(json.dumps(doc))
    specs = SpecSet([load_spec(p)])
    assert _findings(specs, "GET", "https://eu.shop.test/v2/audit") == [
        ("auth_missing", "X-Shop-Key", "No credentials: this endpoint needs odd () + an `X-Shop-Key` header.")]


def test_the_cache_lives_under_xdg_cache_home(tmp_path: Path, pets_yaml: Path, monkeypatch) -> None:
    monkeypatch.delenv("BRIDGEBOT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_spec(pets_yaml)
    assert len(list((tmp_path / "xdg" / "bridgebot").glob("pets-*.pickle"))) == 1


def test_a_multi_segment_parameter_holds_up_to_six_segments(shop: Path) -> None:
    specs = SpecSet([load_spec(shop)])
    six = specs.route("GET", "https://eu.shop.test/v2/files/a/b/c/d/e/f")
    assert six.operation.path == "/files/{path}" and six.path_params == {"path": "a/b/c/d/e/f"}
    assert specs.route("GET", "https://eu.shop.test/v2/files/a/b/c/d/e/f/g").operation is None


def test_specs_named_by_the_environment_are_loaded(tmp_path: Path, cache: Path, shop: Path, pets_yaml: Path,
                                                   monkeypatch) -> None:
    import os

    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "pets.json").write_text(json.dumps(PETSTORE_31))
    monkeypatch.setenv("BRIDGEBOT_SPECS", f"{shop}{os.pathsep}{folder}")
    assert [s.title for s in SpecSet.load().specs] == ["Shop API", "Pets"]
    assert sorted(p.name.split("-")[0] for p in cache.glob("*.pickle")) == ["pets", "shop"]  # and cached


def test_a_method_is_found_on_a_sibling_path_or_named_as_wrong(shop: Path) -> None:
    specs = SpecSet([load_spec(shop)])
    for method, template, name in (("GET", "/carts/{cartId}", "cartId"), ("DELETE", "/carts/{id}", "id")):
        route = specs.route(method, "https://eu.shop.test/v2/carts/c_1")
        assert (route.operation.path, route.path_params) == (template, {name: "c_1"})
    (finding,) = specs.route("PUT", "https://eu.shop.test/v2/carts/c_1").findings
    assert (finding.kind, finding.field, finding.message, finding.expected, finding.actual) == (
        "wrong_method", "method", "`/v2/carts/{id}` does not take PUT; it takes DELETE, GET.", ["DELETE", "GET"], "PUT")


def _shop_with(tmp_path: Path, paths: dict, schemes: dict | None = None) -> SpecSet:
    doc = json.loads(json.dumps(SHOP))
    for template, item in paths.items():
        for op in item.values() if isinstance(item, dict) else ():
            if isinstance(op, dict):
                op["responses"] = {"200": {"description": "OK"}}
        doc["paths"][template] = item
    doc["components"]["securitySchemes"].update(schemes or {})
    p = tmp_path / "shop_more.json"
    p.write_text(json.dumps(doc))
    return SpecSet([load_spec(p)])


def test_path_item_parameters_apply_to_its_operations(tmp_path: Path, cache: Path) -> None:
    """Parameters declared on the path item (not the operation) are checked; an operation's own
    declaration of the same parameter wins over the path item's."""
    specs = _shop_with(tmp_path, {"/stores/{storeId}/orders": {
        "parameters": [{"name": "storeId", "in": "path", "required": True, "schema": {"type": "integer"}},
                       {"name": "currency", "in": "query", "required": True, "schema": {"type": "string"}}],
        "get": {},
        "post": {"parameters": [{"name": "currency", "in": "query", "schema": {"type": "string"}}]},
    }})
    key = [("X-Shop-Key", "k_1")]
    base = "https://eu.shop.test/v2"
    assert sorted(f[:2] for f in _findings(specs, "GET", f"{base}/stores/abc/orders", key)) == [
        ("missing_required", "currency"), ("wrong_type", "storeId")]
    assert _findings(specs, "GET", f"{base}/stores/7/orders?currency=eur", key) == []
    assert [f[:2] for f in _findings(specs, "POST", f"{base}/stores/abc/orders", key)] == [("wrong_type", "storeId")]


@pytest.mark.parametrize("url, suggestions", [
    # {id}.csv needs the .csv: a plain id is the other template's
    ("https://eu.shop.test/v2/exprts/x/meta", ("/v2/exports/{id}/meta",)),
    # the last segment left out, under a parameter: the template one segment longer
    ("https://eu.shop.test/v2/members/m1/subscriptions", ("/v2/members/{id}/subscriptions/{sub}",)),
])
def test_a_typod_path_suggests_the_right_template(tmp_path: Path, cache: Path, url: str, suggestions) -> None:
    path_param = {"in": "path", "required": True, "schema": {"type": "string"}}
    specs = _shop_with(tmp_path, {
        "/exports/{id}/meta": {"parameters": [{"name": "id", **path_param}], "get": {}},
        "/members/{id}/subscriptions/{sub}": {"parameters": [{"name": "id", **path_param}, {"name": "sub", **path_param}],
                                              "get": {}}})
    (finding,) = specs.route("GET", url).findings
    assert finding.kind == "unknown_path" and finding.suggestions == suggestions
    assert finding.message.endswith(f" Did you mean `{suggestions[0]}`?")


@pytest.mark.parametrize("content, says", [
    ("swagger: '2.0'\npaths: {}\n", "not an OpenAPI 3.x document (openapi: missing)"),
    ("openapi: 2.0\n", "not an OpenAPI 3.x document (openapi: 2.0)"),
    ("openapi: ''\ninfo: {title: t}\n", "not an OpenAPI 3.x document (openapi: missing)"),
    ("- a\n- b\n", "not an OpenAPI document"),
], ids=["swagger-2", "openapi-2", "empty-version", "a-list"])
def test_a_spec_that_is_not_openapi_3_says_which_version_it_found(tmp_path: Path, cache: Path, content: str,
                                                                 says: str) -> None:
    p = tmp_path / "old.yaml"
    p.write_text(content)
    with pytest.raises(SpecError) as raised:
        load_spec(p)
    assert str(raised.value) == f"{p}: {says}"


@pytest.mark.parametrize("param, url, want", [
    # pipeDelimited / spaceDelimited: explode is false unless the spec says otherwise
    ({"style": "pipeDelimited"}, "ids=a%7Cb", []),
    ({"style": "pipeDelimited"}, "ids=a%7Czz", [("invalid_enum", "ids[1]")]),
    ({"style": "spaceDelimited"}, "ids=zz%20b", [("invalid_enum", "ids[0]")]),
    ({"style": "pipeDelimited", "explode": True}, "ids=a%7Cb", [("invalid_enum", "ids[0]")]),
    # no style: a query parameter is form, exploded unless the spec says explode: false
    ({}, "ids=a,b", [("invalid_enum", "ids[0]")]),
    ({}, "ids=a&ids=b", []),
    ({"explode": False}, "ids=a,b", []),
    ({"explode": False}, "ids=a,zz", [("invalid_enum", "ids[1]")]),
], ids=["pipe", "pipe-bad", "space-bad", "pipe-exploded", "default", "default-repeated", "form-unexploded",
        "form-unexploded-bad"])
def test_a_query_arrays_style_and_explode_are_read_from_the_spec(tmp_path: Path, cache: Path, param: dict,
                                                                 url: str, want: list) -> None:
    """Compiled afresh (the `cache` fixture is an empty folder), so the spec's own style and explode
    decide how `ids` is split, with OpenAPI's defaults where it says nothing."""
    from bridgebot.check import PastedRequest, check_request

    specs = _shop_with(tmp_path, {"/items": {"get": {"parameters": [
        {"name": "ids", "in": "query", **param,
         "schema": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}}]}}})
    req = PastedRequest("GET", f"https://eu.shop.test/v2/items?{url}", [("X-Shop-Key", "k_1")], None)
    assert [(f.kind, f.field) for f in check_request(req, specs).findings] == want


def test_a_segment_mixing_a_parameter_and_text_checks_only_the_parameters_part(tmp_path: Path, cache: Path) -> None:
    """`{year}.pdf`: the `.pdf` must be there, and only what stands for `{year}` is the parameter's value."""
    specs = _shop_with(tmp_path, {"/reports/{year}.pdf": {"get": {"parameters": [
        {"name": "year", "in": "path", "required": True, "schema": {"type": "integer"}}]}}})
    key = [("X-Shop-Key", "k_1")]
    base = "https://eu.shop.test/v2"
    assert _findings(specs, "GET", f"{base}/reports/2024.pdf", key) == []
    assert [f[:2] for f in _findings(specs, "GET", f"{base}/reports/last.pdf", key)] == [("wrong_type", "year")]
    (miss,) = specs.route("GET", f"{base}/reports/2024.csv").findings
    assert (miss.kind, miss.actual) == ("unknown_path", "/v2/reports/2024.csv")  # the .pdf is part of the path


def test_less_common_declarations_are_compiled_as_openapi_says(tmp_path: Path, cache: Path) -> None:
    """A parameter's schema under `content`, x-multi-segment on the parameter itself, a header
    parameter OpenAPI says to ignore, a required body under a media type in capitals, an http
    scheme named in capitals, a path item that is a $ref, and one that is no path item at all."""
    from bridgebot.check import PastedRequest, check_request

    specs = _shop_with(tmp_path, {
        "/search": {"get": {"parameters": [
            {"name": "page", "in": "query", "content": {"application/json": {"schema": {"type": "integer"}}}},
            # Accept is described by the responses' media types, not by a parameter: ignored
            {"name": "Accept", "in": "header", "required": True, "schema": {"type": "string", "enum": ["text/csv"]}},
            {"name": "X-Trace", "in": "header", "required": True, "schema": {"type": "string"}}]}},
        "/blobs/{key}": {"get": {"parameters": [
            {"name": "key", "in": "path", "required": True, "x-multi-segment": True, "schema": {"type": "string"}}]}},
        "/notes": {"post": {"security": [{"bearer": []}], "requestBody": {"required": True, "content": {
            "Application/JSON": {"schema": {"type": "object", "required": ["text"],
                                            "properties": {"text": {"type": "string"}}}}}}}},
        "/orders-alias": {"$ref": "#/paths/~1orders"},
        "/broken": ["not a path item"],
    }, schemes={"bearer": {"type": "http", "scheme": "Bearer"}})
    key = [("X-Shop-Key", "k_1")]
    base = "https://eu.shop.test/v2"
    assert _findings(specs, "GET", f"{base}/search?page=abc", key) == [
        ("wrong_type", "page", "`page` must be an integer, got a string `abc`."),
        ("missing_required", "X-Trace", "Header `X-Trace` is required.")]
    assert _findings(specs, "GET", f"{base}/search?page=2", [*key, ("X-Trace", "t"), ("Accept", "*/*")]) == []
    blob = specs.route("GET", f"{base}/blobs/a/b/c.txt")
    assert (blob.operation.path, blob.path_params) == ("/blobs/{key}", {"key": "a/b/c.txt"})
    assert _findings(specs, "POST", f"{base}/notes") == [
        ("auth_missing", "Authorization", "No credentials: this endpoint needs `Authorization: Bearer <key>`."),
        ("missing_required", "", "POST /v2/notes needs a request body (application/json).")]
    sent = PastedRequest("POST", f"{base}/notes", [("Authorization", "Bearer x"), ("Content-Type", "application/json")],
                         '{"txt": "a"}')
    assert [(f.kind, f.field) for f in check_request(sent, specs).findings] == [
        ("missing_required", "text"), ("unknown_param", "txt")]
    assert _findings(specs, "GET", f"{base}/orders-alias", key) == [
        ("missing_required", "status", "Query parameter `status` is required (string).")]
    assert specs.route("GET", f"{base}/orders-alias").operation.summary == "List orders"
    assert [f[:2] for f in _findings(specs, "GET", f"{base}/broken", key)] == [("unknown_path", "path")]
    (problem,) = specs.specs[0].problems  # said, and the rest still works
    assert "not a path item" in problem


@pytest.mark.parametrize("name, content, says", [
    ("s.yaml", b"openapi: 3.1.0\n\xff\xfe\n", "not a text file (not UTF-8 at byte 15)"),
    ("s.json", b'{"openapi": "3.1.0",}', "cannot parse the spec: Expecting property name enclosed in double quotes: "
                                         "line 1 column 21 (char 20)"),
    # a .json file is read as JSON, whatever it holds
    ("s.json", b"openapi: 3.1.0\n", "cannot parse the spec: Expecting value: line 1 column 1 (char 0)"),
    ("s.yaml", b"42\n", "not an OpenAPI document"),
    # JSON under a .yaml name (after blank space) is read as JSON too: JSON's words for its error
    ("s.yaml", b'\n {"openapi": "3.1.0",}', "cannot parse the spec: Expecting property name enclosed in double "
                                            "quotes: line 2 column 22 (char 22)"),
], ids=["not-utf8", "bad-json", "yaml-in-a-json-file", "a-number", "json-in-a-yaml-file"])
def test_an_unreadable_spec_says_why_word_for_word(tmp_path: Path, cache: Path, name: str, content: bytes,
                                                   says: str) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(SpecError) as raised:
        load_spec(p)
    assert str(raised.value) == f"{p}: {says}"


def test_a_missing_spec_file_says_so(tmp_path: Path, cache: Path) -> None:
    with pytest.raises(SpecError) as raised:
        load_spec(tmp_path / "nope.yaml")
    assert str(raised.value) == f"cannot read spec {tmp_path / 'nope.yaml'}: No such file or directory"


def test_a_yaml_parse_error_names_the_file_and_where(tmp_path: Path, cache: Path) -> None:
    """Read with libyaml (PyYAML's C loader: Stripe's 5 MB spec in a fraction of the time), whose
    words these are (the pure-Python loader words it differently)."""
    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("this PyYAML was built without libyaml")
    p = tmp_path / "s.yaml"
    p.write_text("openapi: 3.1.0\npaths: [\n")
    with pytest.raises(SpecError) as raised:
        load_spec(p)
    assert str(raised.value) == (f"{p}: cannot parse the spec: while parsing a flow node\n"
                                 "did not find expected node content\n"
                                 '  in "<unicode string>", line 3, column 1')


def test_json_with_a_byte_order_mark_or_in_a_yaml_file_loads(tmp_path: Path, cache: Path) -> None:
    """Windows editors save a BOM; and a spec in JSON under a .yaml name is still JSON."""
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps(PETSTORE_31).encode())
    assert load_spec(bom).title == "Pets"
    named_yaml = tmp_path / "named.yaml"
    named_yaml.write_text("  " + json.dumps(PETSTORE_31, indent="\t"))  # tabs: YAML would refuse them
    assert load_spec(named_yaml).title == "Pets"


def test_an_empty_spec_folder_is_an_error_naming_it(tmp_path: Path, cache: Path, monkeypatch) -> None:
    import os

    empty = tmp_path / "specs"
    empty.mkdir()
    (empty / "README.md").write_text("not a spec")
    monkeypatch.setenv("BRIDGEBOT_SPECS", f"{empty}{os.pathsep}")
    with pytest.raises(SpecError) as raised:
        SpecSet.load()
    assert str(raised.value) == f"no OpenAPI specs (.yaml, .yml, .json) in {empty}"


def test_an_unwritable_cache_is_said_once_as_a_warning(tmp_path: Path, pets_yaml: Path, monkeypatch, caplog) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("BRIDGEBOT_CACHE_DIR", str(blocker / "sub"))
    with caplog.at_level(logging.WARNING):
        assert "/pets" in load_spec(pets_yaml).paths
    (message,) = [r.getMessage() for r in caplog.records]
    assert message.startswith("could not cache spec pets (it still works, only slower to start): ")
    assert "Not a directory" in message


def test_the_cache_defaults_to_the_home_folder(tmp_path: Path, pets_yaml: Path, monkeypatch) -> None:
    monkeypatch.delenv("BRIDGEBOT_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    load_spec(pets_yaml)
    assert len(list((tmp_path / "home" / ".cache" / "bridgebot").glob("pets-*.pickle"))) == 1


def test_the_cache_is_written_beside_itself_whatever_the_system_temp_folder(pets_yaml: Path, cache: Path,
                                                                           monkeypatch, caplog) -> None:
    """Written to a temporary file in the cache folder, then renamed (atomic: another process never
    reads half a file): not through /tmp, which may be read-only, full, or another filesystem."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(cache.parent / "no-such-tmp"))
    with caplog.at_level(logging.WARNING):
        load_spec(pets_yaml)
    assert caplog.text == ""
    assert [p.suffix for p in cache.iterdir()] == [".pickle"]


def test_a_changed_compiler_never_reads_an_old_cache(tmp_path: Path, cache: Path, pets_yaml: Path,
                                                     monkeypatch) -> None:
    """The cache key ends with a fingerprint of the compiler's own source (specs.py, schema.py and
    model.py): after an upgrade that compiles differently, a spec is compiled afresh, not unpickled
    in its old form."""
    load_spec(pets_yaml)
    (cached,) = cache.glob("pets-*.pickle")
    fingerprint = cached.stem.rsplit("-", 1)[1]
    assert fingerprint == specs_mod._compiler_fingerprint() and len(fingerprint) == 16
    # the compiler's files copied elsewhere: the same bytes give the same key, a change to any one another
    compiler = tmp_path / "compiler"
    compiler.mkdir()
    names = ("specs.py", "schema.py", "model.py")
    for name in names:
        (compiler / name).write_bytes((Path(specs_mod.__file__).parent / name).read_bytes())
    monkeypatch.setattr(specs_mod, "__file__", str(compiler / "specs.py"))
    seen = [specs_mod._compiler_fingerprint()]
    for name in names:
        with (compiler / name).open("ab") as f:
            f.write(b"\n# changed\n")
        seen.append(specs_mod._compiler_fingerprint())
    assert seen[0] == fingerprint and len(set(seen)) == 4


def test_a_parameter_without_a_name_or_place_is_left_out(tmp_path: Path, cache: Path) -> None:
    """An invalid spec still loads: a parameter lacking `name` or `in` is skipped, the rest checked."""
    specs = _shop_with(tmp_path, {"/tickets": {"get": {"parameters": [
        {"in": "query", "required": True, "schema": {"type": "string"}},
        {"name": "nowhere", "required": True, "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "schema": {"type": "integer"}}]}}})
    key = [("X-Shop-Key", "k_1")]
    assert [f[:2] for f in _findings(specs, "GET", "https://eu.shop.test/v2/tickets?limit=x", key)] == [
        ("wrong_type", "limit")]
    assert [p.name for p in specs.route("GET", "https://eu.shop.test/v2/tickets").operation.params] == ["limit"]


def test_a_top_level_multi_segment_key_takes_the_whole_path_but_not_the_root(tmp_path: Path, cache: Path) -> None:
    """A blob store's `/{key}` (x-multi-segment) holds the whole path, slashes and all; `/` alone
    is no key, and where the spec has a `/` of its own, a one-letter key is still a key."""
    key = {"name": "key", "in": "path", "required": True, "x-multi-segment": True, "schema": {"type": "string"}}
    doc = {"openapi": "3.1.0", "info": {"title": "Blobs", "version": "1"}, "servers": [{"url": "https://blobs.test"}],
           "paths": {"/{key}": {"get": {"parameters": [key], "responses": {"200": {"description": "OK"}}}}}}
    p = tmp_path / "blobs.json"
    p.write_text(json.dumps(doc))
    specs = SpecSet([load_spec(p)])
    route = specs.route("GET", "https://blobs.test/docs/guides/INDEX")
    assert (route.operation.path, route.path_params) == ("/{key}", {"key": "docs/guides/INDEX"})
    (miss,) = specs.route("GET", "https://blobs.test/").findings
    assert (miss.kind, miss.actual) == ("unknown_path", "/")
    doc["paths"]["/"] = {"get": {"operationId": "listBlobs", "responses": {"200": {"description": "OK"}}}}
    p.write_text(json.dumps(doc))
    specs = SpecSet([load_spec(p)])
    assert specs.route("GET", "https://blobs.test/").operation.operation_id == "listBlobs"
    route = specs.route("GET", "https://blobs.test/X")
    assert (route.operation.path, route.path_params) == ("/{key}", {"key": "X"})


@pytest.mark.parametrize("servers, hosts_and_bases, url", [
    (None, [(None, "")], "/pets"),                                        # none: paths from the root
    (["https://api.test/v1"], [(None, "")], "/pets"),                     # not Server Objects: as if none
    (["junk", {"url": "https://api.test/v1/"}], [("api.test", "/v1")], "https://api.test/v1/pets"),
    ([{"description": "no url"}], [(None, "")], "/pets"),                 # an object without a url is "/"
    ([{"url": "https://api.test/{version}", "variables": {"version": {"enum": ["v1"]}}}],  # no default
     [("api.test", "")], "https://api.test/pets"),
    ([{"url": "v1"}], [(None, "/v1")], "/v1/pets"),                      # relative, without its slash
    ([{"url": "https://fx.test/FX"}], [("fx.test", "/FX")], "https://fx.test/FX/pets"),
], ids=["none", "strings", "junk-then-trailing-slash", "no-url", "variable-without-default", "relative", "ends-in-x"])
def test_servers_are_read_as_real_specs_write_them(tmp_path: Path, cache: Path, servers, hosts_and_bases,
                                                   url: str) -> None:
    doc = json.loads(json.dumps(PETSTORE_31))
    doc.pop("servers")
    if servers is not None:
        doc["servers"] = servers
    p = tmp_path / "pets.json"
    p.write_text(json.dumps(doc))
    spec = load_spec(p, validate=False)
    assert [(s.host, s.base_path) for s in spec.servers] == hosts_and_bases
    assert SpecSet([spec]).route("GET", url).operation.operation_id == "listPets"


def test_broken_parts_of_a_spec_are_skipped_and_the_rest_still_checked(tmp_path: Path, cache: Path) -> None:
    """A path item that is no object does not hide the paths after it, and a security scheme that
    is no object asks for nothing (the validator's problem is said once when the spec loads)."""
    ok = {"200": {"description": "OK"}}
    doc = {"openapi": "3.1.0", "info": {"title": "Notes", "version": "1"}, "servers": [{"url": "https://notes.test"}],
           "components": {"securitySchemes": {"docs": "see our docs"}},
           "paths": {"/broken": "not a path item",
                     "/notes": {"get": {"security": [{"docs": []}], "responses": ok}}}}
    p = tmp_path / "notes.json"
    p.write_text(json.dumps(doc))
    specs = SpecSet([load_spec(p)])
    assert sorted(specs.specs[0].paths) == ["/notes"]
    assert _findings(specs, "GET", "https://notes.test/notes") == []


def test_a_document_compiled_in_memory_is_named_by_its_name() -> None:
    """compile_spec without a file: errors name the spec, and it has no source file to re-read."""
    with pytest.raises(SpecError) as raised:
        specs_mod.compile_spec({"openapi": "2.0"}, "legacy")
    assert str(raised.value) == "legacy: not an OpenAPI 3.x document (openapi: 2.0)"
    assert specs_mod.compile_spec(PETSTORE_31, "pets").source == ""


def test_specs_load_without_libyaml(tmp_path: Path, cache: Path, monkeypatch) -> None:
    """PyYAML built without libyaml has no CSafeLoader: its pure-Python SafeLoader reads the spec."""
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    p = tmp_path / "pets.yaml"
    p.write_text(yaml.safe_dump(PETSTORE_31))
    assert load_spec(p, validate=False).paths["/pets"]["GET"].operation_id == "listPets"


def test_a_literal_segment_ending_in_x_wins_over_a_parameter(tmp_path: Path, cache: Path) -> None:
    specs = _shop_with(tmp_path, {"/indices/SPX": {"get": {"operationId": "getSpx"}},
                                  "/indices/{symbol}": {"get": {"operationId": "getIndex", "parameters": [
                                      {"name": "symbol", "in": "path", "required": True, "schema": {"type": "string"}}]}}})
    assert specs.route("GET", "https://eu.shop.test/v2/indices/SPX").operation.operation_id == "getSpx"
    assert specs.route("GET", "https://eu.shop.test/v2/indices/NDX").operation.operation_id == "getIndex"


def test_a_parameter_without_a_schema_is_named_without_a_type(tmp_path: Path, cache: Path) -> None:
    """A parameter with neither `schema` nor `content` (invalid, still used) is required as declared,
    and its message names no type (not "any value")."""
    specs = _shop_with(tmp_path, {"/lookup": {"get": {"parameters": [{"name": "q", "in": "query", "required": True}]}}})
    assert _findings(specs, "GET", "https://eu.shop.test/v2/lookup", [("X-Shop-Key", "k_1")]) == [
        ("missing_required", "q", "Query parameter `q` is required.")]
    assert _findings(specs, "GET", "https://eu.shop.test/v2/lookup?q=anything", [("X-Shop-Key", "k_1")]) == []


def test_a_spec_from_the_cache_names_the_file_it_was_loaded_from(tmp_path: Path, cache: Path) -> None:
    """The same spec in two folders shares one cache file; each load names its own file (the answers
    index re-reads the spec from there)."""
    first, second = tmp_path / "a" / "pets.yaml", tmp_path / "b" / "pets.yaml"
    for p in (first, second):
        p.parent.mkdir()
        p.write_text(yaml.safe_dump(PETSTORE_31))
    assert load_spec(first).source == str(first)
    assert load_spec(second).source == str(second)
    assert len(list(cache.glob("pets-*.pickle"))) == 1


def test_a_spec_that_cannot_be_cached_leaves_nothing_behind(tmp_path: Path, cache: Path, pets_yaml: Path,
                                                           monkeypatch, caplog) -> None:
    """A compiled spec too deep to pickle is still used, said once, and no half-written file stays in
    the cache folder (one more at every start of the bot, otherwise)."""
    import pickle

    def too_deep(obj, file, protocol=None):
        file.write(b"half a pickle")
        raise RecursionError("maximum recursion depth exceeded while pickling an object")

    monkeypatch.setattr(pickle, "dump", too_deep)
    with caplog.at_level(logging.WARNING):
        assert "/pets" in load_spec(pets_yaml).paths
    assert [r.getMessage() for r in caplog.records] == [
        "could not cache spec pets (it still works, only slower to start): "
        "maximum recursion depth exceeded while pickling an object"]
    assert list(cache.iterdir()) == []


def test_a_cache_file_that_cannot_be_tidied_away_does_not_stop_the_spec_loading(cache: Path, pets_yaml: Path,
                                                                                  monkeypatch) -> None:
    import pickle

    def fails(obj, file, protocol=None):
        raise pickle.PicklingError("cannot pickle")

    def cannot_remove(path):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(pickle, "dump", fails)
    monkeypatch.setattr(os, "remove", cannot_remove)
    assert "/pets" in load_spec(pets_yaml).paths


def test_a_spec_set_loaded_without_the_cache_writes_none(tmp_path: Path, cache: Path, pets_yaml: Path) -> None:
    assert [s.title for s in SpecSet.load([pets_yaml], use_cache=False).specs] == ["Pets"]
    assert not cache.exists() or list(cache.iterdir()) == []


def test_a_url_is_routed_in_the_spec_of_its_host(tmp_path: Path, cache: Path) -> None:
    """Two APIs with the same path: the URL's host says whose it is, whichever spec was loaded first."""
    loaded = []
    for name in ("alpha", "beta"):
        doc = {"openapi": "3.1.0", "info": {"title": name, "version": "1"}, "servers": [{"url": f"https://{name}.test"}],
               "paths": {"/v1/items": {"get": {"operationId": f"{name}Items", "responses": {"200": {"description": "OK"}}}}}}
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(doc))
        loaded.append(load_spec(p))
    specs = SpecSet(loaded)
    assert specs.route("GET", "https://beta.test/v1/items").operation.operation_id == "betaItems"
    assert specs.route("GET", "https://alpha.test/v1/items").operation.operation_id == "alphaItems"
    assert specs.route("GET", "/v1/items").operation.operation_id == "alphaItems"  # no host: the first that has it


def test_the_longest_base_path_is_tried_first_and_a_base_path_alone_is_its_root(tmp_path: Path, cache: Path) -> None:
    """Servers at `/` and `/v2`: `/v2/users` is `/users` under /v2, not `/{tenant}/users` with tenant v2;
    `/v2` alone is the spec's `/`."""
    ok = {"200": {"description": "OK"}}
    tenant = {"name": "tenant", "in": "path", "required": True, "schema": {"type": "string"}}
    doc = {"openapi": "3.1.0", "info": {"title": "Users", "version": "1"},
           "servers": [{"url": "https://users.test"}, {"url": "https://users.test/v2"}],
           "paths": {"/": {"get": {"operationId": "home", "responses": ok}},
                     "/users": {"get": {"operationId": "listUsers", "responses": ok}},
                     "/{tenant}/users": {"get": {"operationId": "listTenantUsers", "parameters": [tenant],
                                                 "responses": ok}}}}
    p = tmp_path / "users.json"
    p.write_text(json.dumps(doc))
    specs = SpecSet([load_spec(p)])
    assert specs.route("GET", "https://users.test/v2/users").operation.operation_id == "listUsers"
    assert specs.route("GET", "https://users.test/acme/users").operation.operation_id == "listTenantUsers"
    assert specs.route("GET", "https://users.test/v2").operation.operation_id == "home"


def test_with_no_spec_loaded_every_path_is_unknown() -> None:
    (finding,) = SpecSet([]).route("GET", "https://api.test/v1/items").findings
    assert (finding.kind, finding.message) == ("unknown_path", "No endpoint `/v1/items` on api.test in the API reference.")
