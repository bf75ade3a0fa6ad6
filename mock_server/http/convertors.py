"""Path convertors: a phone number in a route's path is declared `{phoneNumber:e164}`.

The convertor checks the number while the route matches, so a handler receives the number in
E.164 and never parses it. Its pattern stops at `:` as well as `/`, so `{phoneNumber:e164}` and
`{phoneNumber:e164}:sendVoiceChallenge` cannot take each other's requests, in any route order.
The `+` may arrive raw or as `%2B` (Starlette matches the decoded path).
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

from mock_server.core.errors import ApiError
from mock_server.core.phone import parse_e164


class E164Convertor(Convertor[str]):
    regex = "[^/:]+"

    def convert(self, value: str) -> str:
        """The number in E.164; a malformed one is a 400 in the API's error shape."""
        try:
            return parse_e164(value, "phoneNumber").e164
        except ApiError as error:
            error.message = f"The phone number in the path is not valid: {error.violations[0].description}"
            raise

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("e164", E164Convertor())
PHONE = "{phoneNumber:e164}"
"""The path parameter of a phone number; using it registers the convertor it needs."""
