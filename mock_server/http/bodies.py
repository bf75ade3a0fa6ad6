"""Reading request bodies and query parameters into typed values, or clear 400s.

Every body is read with a bound (`MAX_BODY_BYTES`, `MAX_STATE_BYTES` for `PUT /_mock/state`)
that holds while it arrives, chunked or not, and every JSON body is parsed with bounds on depth
and on the size of a number, and refused when a string holds a lone surrogate (text that cannot be
stored or answered as UTF-8). docs/limits.md lists the bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError
from starlette.requests import ClientDisconnect, Request

from mock_server.core.errors import ApiError, FieldViolation, field_error, invalid_argument
from mock_server.core.fieldpath import field_path
from mock_server.core.jsontext import JsonTextError, parse_json
from mock_server.core.paging import order_by_from, page_size_from
from mock_server.http.gate import off_loop

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
        if isinstance(data, dict) and None in data.values():  # (no JSON value but null equals None)
            known = {field.alias or name for name, field in cls.model_fields.items()} | set(cls.model_fields)
            nulls = [key for key, value in data.items() if value is None and key in known]
            if nulls:
                raise PydanticCustomError("null", "must not be null; leave the field out instead",
                                          {"fields": nulls})
        return data


def size_text(limit: int) -> str:
    """`1 MiB`, `64 MiB`, `512 KiB`, `300 bytes`."""
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"


def body_too_large(limit: int) -> ApiError:
    return ApiError(413, "INVALID_ARGUMENT", f"The request body is larger than {size_text(limit)}")


def header(request: Request, name: bytes) -> str | None:
    """The first header `name` (lowercase), as `request.headers.get` answers it, read from the
    scope without building the headers mapping (ASGI servers give header names in lowercase)."""
    for key, value in request.scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytearray:
    """The body, read chunk by chunk and refused (413) as soon as it passes `limit` bytes: a
    large or endless body, chunked or not, never lands in memory whole."""
    length = header(request, b"content-length")
    if length is not None and length.strip().isdigit() and int(length) > limit:
        raise body_too_large(limit)
    # The ASGI messages read as `request.stream()` reads them, without its async generator
    # (about 1 µs a body): a disconnect before the last chunk is Starlette's ClientDisconnect.
    body = bytearray()
    receive = request.receive
    while True:
        message = await receive()
        if message["type"] == "http.request":
            body += message.get("body", b"")
            if len(body) > limit:
                raise body_too_large(limit)
            if not message.get("more_body", False):
                return body
        elif message["type"] == "http.disconnect":
            raise ClientDisconnect()


def json_content_type(request: Request) -> None:
    content_type = (header(request, b"content-type") or "").split(";")[0].strip().lower()
    if content_type and not (content_type == "application/json" or content_type.endswith("+json")):
        raise ApiError(415, "INVALID_ARGUMENT",
                       f"Content-Type {content_type!r} is not supported; send application/json")


def json_value(raw: bytes | bytearray, *, consume: bool = False) -> Any:
    """A JSON text within the bounds of `mock_server.core.jsontext`, or a 400. With `consume`,
    a bytearray is emptied once decoded (a large body is not held twice)."""
    try:
        return parse_json(raw, consume=consume)
    except JsonTextError as error:
        raise invalid_argument(f"The request body is not valid JSON: {error}") from None


async def json_object(request: Request, *, required: bool = True, limit: int = MAX_BODY_BYTES,
                      large: bool = False) -> dict[str, Any]:
    """The body as a JSON object; an absent body is `{}` when `required` is false. A `large`
    body (a state document) is parsed in a worker thread and its text let go once decoded."""
    raw = await read_body(request, limit)
    if not raw or raw.isspace():  # (not `strip()`: a copy of a 100 MB state document)
        if required:
            raise invalid_argument("A JSON request body is required")
        return {}
    json_content_type(request)
    if large:
        data = await off_loop(json_value, raw, consume=True)
    else:
        data = json_value(raw)
    del raw
    if not isinstance(data, dict):
        raise invalid_argument("The request body must be a JSON object")
    return data


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
    try:  # (`model_validate` without its wrapper: the same validator, the schema built on first use)
        return model.__pydantic_validator__.validate_python(data)  # type: ignore[return-value]
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
