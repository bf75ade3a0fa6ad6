"""Test helpers for qualified numbers: bring a number into any `globalProcessState`."""

from __future__ import annotations

from mock_server.core.errors import ApiError
from mock_server.domain.outcomes import NumberOutcome
from mock_server.domain.qualified_numbers.model import GlobalProcessState as S
from mock_server.domain.qualified_numbers.model import QualifiedNumber
from mock_server.domain.qualified_numbers.requests import AddNumbersRequest
from mock_server.domain.world import World
from tests.engine_support import advance

PROJECT = "p1"
PHONE = "+12025550134"  # the spec's example: always on the happy path
OTHER = "+17724295286"
CANADIAN = "+16135550123"
NOT_ELIGIBLE_MAGIC = "+12025550100"  # 555-0100: not eligible (docs/magic-numbers.md)

REACHABLE = [s for s in S if s is not S.UNSPECIFIED]  # every state a number can be in


def wrong_code(right: str) -> str:
    """A well-formed code that is not `right`."""
    return f"{(int(right) + 1) % 10000:04d}"


def bring_to(world: World, state: S, phone: str = PHONE, project: str = PROJECT) -> QualifiedNumber:
    """Add `phone` and drive it to `state` through the public rules (and the hosting interface)."""
    service = world.qualified_numbers
    if state is S.NOT_ELIGIBLE:
        world.outcomes.overrides[phone] = NumberOutcome(not_eligible="not portable (test)")
    with world.transaction():
        service.add_numbers(project, AddNumbersRequest([phone]))
    if state is S.ELIGIBLE_CHECK_PENDING:
        return service.get(project, phone)
    advance(world, world.settings.timings.eligibility_check)
    if state in (S.ELIGIBLE, S.NOT_ELIGIBLE):
        return service.get(project, phone)
    if state in (S.VERIFIED, S.HOSTING_IN_PROGRESS, S.HOSTING_DONE, S.HOSTING_FAILED):
        service.approve_invoices(project, phone)
        if state is not S.VERIFIED:
            service.begin_hosting(project, [phone], "order-1")
        if state in (S.HOSTING_DONE, S.HOSTING_FAILED):
            service.finish_hosting(project, phone, state is S.HOSTING_DONE, "carrier said no")
        return service.get(project, phone)
    service.send_voice_challenge(project, phone)
    if state is S.VERIFICATION_FAILED:
        advance(world, world.settings.timings.voice_code_ttl)
    elif state is S.VERIFICATION_BLOCKED:
        code = wrong_code(service.voice_challenge(project, phone).code)
        for _ in range(world.settings.limits.voice_attempts):
            try:
                service.verify_voice_challenge(project, phone, code)
            except ApiError:
                pass
    number = service.get(project, phone)
    assert number.state is state, number.state
    return number
