"""Reading request bodies and query parameters into typed values, or clear 400s."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError
from starlette.requests import Request

from mock_server.core.errors import ApiError, FieldViolation, field_error, invalid_argument
from mock_server.core.paging import order_by_from, page_size_from

MAX_BODY_BYTES = 1024 * 1024
M = TypeVar("M", bound=BaseModel)


class RequestModel(BaseModel):
    """Base of request bodies: camelCase names, strict JSON types, unknown fields ignored.

    Optional fields may be left out but not sent as null: no schema of the spec allows null.
    """

    # defer_build: each schema is built on its first request, not while the server starts
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, strict=True, extra="ignore",
                              defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            known = {field.alias or name for name, field in cls.model_fields.items()} | set(cls.model_fields)
            nulls = [key for key, value in data.items() if value is None and key in known]
            if nulls:
                raise PydanticCustomError("null", "must not be null; leave the field out instead",
                                          {"fields": nulls})
        return data


async def json_object(request: Request, *, required: bool = True) -> dict[str, Any]:
    """The body as a JSON object; an absent body is `{}` when `required` is false."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise ApiError(413, "INVALID_ARGUMENT", "The request body is larger than 1 MiB")
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "INVALID_ARGUMENT", "The request body is larger than 1 MiB")
    if not raw.strip():
        if required:
            raise invalid_argument("A JSON request body is required")
        return {}
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type and not (content_type == "application/json" or content_type.endswith("+json")):
        raise ApiError(415, "INVALID_ARGUMENT",
                       f"Content-Type {content_type!r} is not supported; send application/json")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise invalid_argument(f"The request body is not valid JSON: {error}") from None
    if not isinstance(data, dict):
        raise invalid_argument("The request body must be a JSON object")
    return data


def field_path(loc: tuple) -> str:
    """A pydantic error location as the API names fields: `directLoaInfo.address.city`, `numbers[2]`."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith("function-"):
            path += f".{part}" if path else str(part)
    return path


def violations_of(error: ValidationError) -> list[FieldViolation]:
    found = []
    for item in error.errors():
        path = field_path(item["loc"])
        if item["type"] == "null":  # one violation per null field
            found += [FieldViolation(f"{path}.{key}" if path else key, item["msg"]) for key in item["ctx"]["fields"]]
        else:
            found.append(FieldViolation(path or "body", item["msg"]))
    return found


def parse_body(model: type[M], data: dict[str, Any]) -> M:
    """The body as `model`, or a 400 naming every bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        violations = violations_of(error)
        names = ", ".join(dict.fromkeys(v.field for v in violations))
        raise invalid_argument(f"Invalid request body: {names}", *violations) from None


def query_one(request: Request, name: str, *, required: bool = False) -> str | None:
    values = request.query_params.getlist(name)
    if not values:
        if required:
            raise field_error(name, "is required", f"The query parameter {name} is required")
        return None
    if len(values) > 1:
        raise field_error(name, "may be given only once")
    return values[0]


@dataclass(frozen=True)
class ListParams:
    """The paging parameters every list operation takes."""

    order_by: str
    page_size: int
    page_token: str | None


def list_params(request: Request) -> ListParams:
    return ListParams(order_by=order_by_from(query_one(request, "orderBy")),
                      page_size=page_size_from(query_one(request, "pageSize")),
                      page_token=query_one(request, "pageToken"))


def query_many(request: Request, name: str, *, required: bool = False) -> list[str]:
    """A parameter that may repeat (`states=A&states=B`); a comma-separated value works too."""
    values = [v for raw in request.query_params.getlist(name) for v in raw.split(",") if v]
    if required and not values:
        raise field_error(name, "is required", f"The query parameter {name} is required")
    return values
