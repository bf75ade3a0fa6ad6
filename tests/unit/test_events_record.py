from datetime import datetime, timezone

from mock_server.core.clock import Clock
from mock_server.core.rng import Rng
from mock_server.domain.events import CallbackEvent, DeliveryState, EventType, ResourceType
from mock_server.domain.world import World


def test_a_recorded_event_is_what_validation_would_have_made():
    """Events are constructed without validation (one per transition of a clock advance): each
    is equal to the validated event of the same fields, attempts list included and its own."""
    world = World(clock=Clock(start=datetime(2026, 1, 1, tzinfo=timezone.utc), frozen=True), rng=Rng(5))
    made = [world.events.record("p", ResourceType.IMPORTED_NUMBER, EventType.PROVISIONING_TO_SMS_PLATFORM,
                                "+12025550100", failed=True, destination="http://127.0.0.1:9/cb"),
            world.events.record("p", ResourceType.IMPORTED_NUMBER, EventType.LINK_TO_10DLC_CAMPAIGN,
                                "+12025550100", failure_code="TFN_NOT_ALLOWED")]
    for event in made:
        assert CallbackEvent.model_validate(event.model_dump()) == event
    assert made[0].state is DeliveryState.PENDING and made[1].state is DeliveryState.NO_DESTINATION
    made[0].attempts.append("x")
    assert made[1].attempts == []
