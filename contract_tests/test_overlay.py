"""The errata overlay and docs/errata.md stay in step, and the overlay only does what it says.

- every overlay entry has its twin in docs/errata.md (same id), ids are unique in both files;
- the overlay applies cleanly to the vendored spec, which stays byte for byte the real one;
- added status codes are 4xx only, never replace a declared one, and each is named by its twin;
- each schema patch names a schema its twin talks about;
- each example directive is needed (the example really has the field renamed or excused);
- every link names real parameters of its target and real fields of its source.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from contract_tests.overlay import (
    ERRATA_ID,
    Entry,
    OverlayError,
    escape,
    apply_overlay,
    errata_entries,
    exists,
    iter_operations,
    load_overlay,
    patched_spec,
    pointer_tokens,
    read_overlay,
    resolve,
    selected_operations,
)
from mock_server.spec import SPEC_PATH, SPEC_SHA256, spec_document

ENTRIES = load_overlay()
ERRATA = errata_entries()
SHARED_SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "imported-hosting.yaml"


def _ids(entries) -> list[str]:
    return [e.errata_id for e in entries]


def test_the_vendored_spec_is_the_real_one_untouched():
    assert hashlib.sha256(SPEC_PATH.read_bytes()).hexdigest() == SPEC_SHA256
    if SHARED_SPEC.exists():
        assert SPEC_PATH.read_bytes() == SHARED_SPEC.read_bytes()


def test_applying_the_overlay_leaves_the_loaded_spec_alone():
    before = spec_document()
    snapshot = repr(before)
    patched_spec()
    assert repr(spec_document()) == snapshot


@pytest.mark.parametrize("errata_id", _ids(ENTRIES))
def test_every_overlay_entry_has_its_twin_in_the_errata(errata_id):
    assert errata_id in ERRATA, f"{errata_id} is in contract_tests/overlay.yaml but not in docs/errata.md"
    assert "The mock" in ERRATA[errata_id], f"{errata_id}: the errata entry must say what the mock does"


def test_errata_ids_are_unique_and_well_formed():
    text = (Path(__file__).resolve().parents[1] / "docs" / "errata.md").read_text(encoding="utf-8")
    headings = re.findall(r"^###\s+(\S+?):?\s", text, re.MULTILINE)
    assert len(headings) == len(set(headings)), "an errata id is used twice"
    assert all(ERRATA_ID.match(h) for h in headings), headings
    assert len(_ids(ENTRIES)) == len(set(_ids(ENTRIES)))


def test_errata_entries_sit_in_the_section_of_their_prefix():
    text = (Path(__file__).resolve().parents[1] / "docs" / "errata.md").read_text(encoding="utf-8")
    section = None
    for line in text.splitlines():
        heading = re.match(r"^## .*\((E-[A-Z]+)\)\s*$", line)
        if heading:
            section = heading.group(1)
        entry = re.match(r"^### (E-[A-Z]+)-\d+", line)
        if entry:
            assert entry.group(1) == section, f"{line!r} is under the {section} section"


def test_duplicate_overlay_keys_are_refused():
    with pytest.raises(OverlayError):
        read_overlay("E-ERR-1: {title: a}\nE-ERR-1: {title: b}\n")


def test_the_overlay_applies_and_keeps_all_23_operations():
    spec = patched_spec()
    assert len(list(iter_operations(spec))) == 23
    assert spec["servers"][0]["url"].startswith("http://127.0.0.1")


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.responses], ids=lambda e: e.errata_id)
def test_added_status_codes_are_4xx_and_named_by_their_twin(entry: Entry):
    original = spec_document()
    twin = ERRATA.get(entry.errata_id, "")
    for item in entry.responses:
        for code in item["status"]:
            assert re.fullmatch(r"4\d\d", str(code))
            assert str(code) in twin, f"{entry.errata_id} adds {code} but its errata entry does not say why"
        for operation_id in selected_operations(original, item):
            declared = next(op for oid, _, _, op in iter_operations(original) if oid == operation_id)["responses"]
            assert not {str(c) for c in item["status"]} & set(declared), f"{operation_id} declares it already"


def test_a_declared_code_cannot_be_overridden():
    entry = Entry("E-ERR-99", "t", responses=[{"operations": ["ImportNumberService_ImportNumber"],
                                                "status": [409], "schema": "ErrorResponse"}])
    with pytest.raises(OverlayError, match="already declares"):
        apply_overlay(spec_document(), (entry,))


def test_success_and_server_error_codes_cannot_be_added():
    for code in (200, 201, 500, 503):
        entry = Entry("E-ERR-99", "t", responses=[{"operations": "all", "status": [code], "schema": "ErrorResponse"}])
        with pytest.raises(OverlayError, match="only 4xx"):
            apply_overlay(spec_document(), (entry,))


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.patches], ids=lambda e: e.errata_id)
def test_each_patch_is_about_what_its_twin_describes(entry: Entry):
    twin = ERRATA.get(entry.errata_id, "")
    for patch in entry.patches:
        tokens = pointer_tokens(patch["path"])
        if tokens[0] == "paths":  # an operation's parameter list, named by the twin's pointer
            assert tokens[3:] == ["parameters"], "an operation's parameter list only"
            named = f"/paths/{escape(tokens[1])}/{tokens[2]}/parameters"
        else:
            assert tokens[0] == "components" and tokens[1] in ("schemas", "parameters"), "schemas and parameters only"
            named = tokens[2] if tokens[1] == "schemas" else f"/components/parameters/{tokens[2]}"
        if named.startswith("Overlay"):
            continue  # a schema the overlay itself adds (its twin explains what it is for)
        assert named in twin, f"{entry.errata_id} patches {named}, which its errata entry does not mention"
        if patch["op"] in ("replace", "remove", "merge"):
            assert exists(spec_document(), patch["path"]), f"{patch['path']} is not in the spec"


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.examples], ids=lambda e: e.errata_id)
def test_each_example_directive_is_needed(entry: Entry):
    spec = spec_document()
    for directive in entry.examples:
        example = resolve(spec, directive["example"])
        for field in list(directive.get("rename") or {}) + list(directive.get("absent") or []):
            assert isinstance(example, dict) and field in example, f"{directive['example']} has no {field}"
        for name in directive.get("skip_parameters") or []:
            assert exists(spec, f"/components/parameters/{name}")


def _operation(spec, operation_id):
    return next(op for oid, _, _, op in iter_operations(spec) if oid == operation_id)


def _parameter_names(spec, operation, location):
    names = set()
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = resolve(spec, parameter["$ref"][1:])
        if parameter["in"] == location:
            names.add(parameter["name"])
    return names


def _schema_has(spec, schema, field):
    if "$ref" in schema:
        schema = resolve(spec, schema["$ref"][1:])
    if field in (schema.get("properties") or {}):
        return True
    return any(_schema_has(spec, part, field) for part in schema.get("allOf", []))


LINKS = [(e.errata_id, link) for e in ENTRIES for link in e.links]


@pytest.mark.parametrize(("errata_id", "link"), LINKS, ids=[f"{l['from']}->{l['name']}" for _, l in LINKS])
def test_links_name_real_parameters_and_fields(errata_id, link):
    spec = patched_spec()
    source, target = _operation(spec, link["from"]), _operation(spec, link["operationId"])
    assert set(link["parameters"]) <= _parameter_names(spec, target, "path") | _parameter_names(spec, target, "query")
    assert _parameter_names(spec, target, "path") <= set(link["parameters"]), "every path parameter is linked"
    for expression in link["parameters"].values():
        if expression.startswith("$request.path."):
            assert expression.split(".", 2)[2] in _parameter_names(spec, source, "path")
        elif expression.startswith("$response.body#/"):
            schema = source["responses"]["200"]["content"]["application/json"]["schema"]
            assert _schema_has(spec, schema, expression.split("#/", 1)[1].split("/")[0])
        elif expression.startswith("$request.body#/"):
            body = source["requestBody"]
            if "$ref" in body:
                body = resolve(spec, body["$ref"][1:])
            assert _schema_has(spec, body["content"]["application/json"]["schema"],
                               expression.split("#/", 1)[1].split("/")[0])
        else:
            pytest.fail(f"unexpected link expression {expression}")


def test_the_three_chains_of_the_issue_are_linked():
    chains = {(link["from"], link["operationId"]) for _, link in LINKS}
    for pair in [
        ("ImportNumberService_ImportNumber", "ImportNumberService_GetImportedNumber"),
        ("ImportNumberService_ImportNumber", "ImportNumberService_UpdateImportedNumber"),
        ("ImportNumberService_ImportNumber", "ImportNumberService_ListImportedNumbers"),
        ("ImportNumberService_ImportNumber", "ImportNumberService_DeleteImportedNumber"),
        ("QualifiedNumberService_BatchCreateQualifiedNumbers", "QualifiedNumberService_GetQualifiedNumber"),
        ("QualifiedNumberService_BatchCreateQualifiedNumbers", "QualifiedNumberService_SendVoiceChallenge"),
        ("QualifiedNumberService_BatchCreateQualifiedNumbers", "QualifiedNumberService_VerifyVoiceChallenge"),
        ("HostingOrderService_ImportNumbers", "HostingOrderService_GetHostingOrder"),
        ("HostingOrderService_ImportNumbers", "GetHostingOrderReport"),
        ("HostingOrderService_ImportNumbers", "HostingOrderService_ListHostingOrderNumbers"),
    ]:
        assert pair in chains, pair


def test_the_voice_challenge_s_undeclared_codes_have_errata_overlay_and_docs():
    """429 on a resend, 400 for a wrong code and the lockout: each documented and declared."""
    spec = patched_spec()
    base = "/v1/projects/{projectId}/qualifiedNumbers/{phoneNumber}"
    send = spec["paths"][f"{base}:sendVoiceChallenge"]["post"]["responses"]
    verify = spec["paths"][f"{base}:verifyVoiceChallenge"]["post"]["responses"]
    assert {"400", "429"} <= set(send) and "400" in verify
    assert "429" in ERRATA["E-ERR-5"] and "sendVoiceChallenge" in ERRATA["E-ERR-5"]
    lockout = ERRATA["E-QN-8"]
    assert all(words in lockout for words in ("`429`", "INVALID_ARGUMENT", "FAILED_PRECONDITION", "lockout"))
    page = (Path(__file__).parents[1] / "docs" / "qualified-numbers.md").read_text()
    assert all(words in page for words in ("**429 RESOURCE_EXHAUSTED**", "**400 INVALID_ARGUMENT**",
                                           "**400 FAILED_PRECONDITION**", "(the lockout)", "E-QN-8", "E-ERR-5"))
