"""Validate response bodies against the real spec's schemas (test helper)."""

from __future__ import annotations

from functools import lru_cache

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from mock_server.spec import spec_document


@lru_cache(maxsize=1)
def _registry() -> Registry:
    return Registry().with_resource("urn:spec", Resource.from_contents(spec_document(), default_specification=DRAFT7))


def validator(schema_name: str) -> Draft7Validator:
    return Draft7Validator({"$ref": f"urn:spec#/components/schemas/{schema_name}"}, registry=_registry())


def assert_matches(instance: object, schema_name: str) -> None:
    errors = sorted(validator(schema_name).iter_errors(instance), key=str)
    assert not errors, f"{schema_name}: " + "; ".join(e.message for e in errors[:5])
