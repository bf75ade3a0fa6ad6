"""The built-in sink and redelivery on a real `sinch-mock serve` process: the mock delivers to
its own `/_mock/sink/{name}` over a real socket, as a docker-compose user would set it up."""

from __future__ import annotations

import pytest

from mock_server.harness import SinchMockServer
from mock_server.testing import CallbackReceiver

pytestmark = pytest.mark.live

PROJECT = "p-sink-live"


@pytest.fixture(scope="module")
def server():
    with SinchMockServer(seed=7) as running:
        yield running


def import_number(server, phone: str, callback_url: str) -> None:
    response = server.client.post(f"/v1/projects/{PROJECT}/importedNumbers", json={
        "phoneNumber": phone, "regionCode": "US", "callbackUrl": callback_url,
        "smsConfiguration": {"servicePlanId": "plan-1"}})
    assert response.status_code == 200, response.text


def test_callbacks_to_the_sink_are_listed_with_their_verified_signature(server):
    server.reset()
    server.freeze()
    server.client.patch(f"/v1/projects/{PROJECT}/callbackConfiguration", json={"hmacSecret": "compose"})
    import_number(server, "+12025550134", f"{server.base_url}/_mock/sink/mine")
    server.advance(30)
    shown = server._control.get("/_mock/sink/mine").json()
    callback, = shown["callbacks"]
    event, = server.events(PROJECT)
    assert callback["eventId"] == event["eventId"] and event["state"] == "delivered"
    assert callback["signatureValid"] is True
    assert callback["headers"]["user-agent"] == "sinch-mock-callbacks/1"


def test_a_sink_answering_500_makes_the_mock_retry(server):
    server.reset()
    server.freeze()
    assert server._control.put("/_mock/sink/flaky", json={"status": 500}).status_code == 200
    import_number(server, "+12025550135", f"{server.base_url}/_mock/sink/flaky")
    server.advance(30)
    server._control.put("/_mock/sink/flaky", json={"status": 200})
    server.advance(5)
    event, = server.events(PROJECT)
    assert [a["statusCode"] for a in event["attempts"]] == [500, 200] and event["state"] == "delivered"
    answered = [c["answeredStatus"] for c in server._control.get("/_mock/sink/flaky").json()["callbacks"]]
    assert answered == [500, 200]


def test_redeliver_over_sockets_to_the_original_and_to_the_sink(server):
    server.reset()
    server.freeze()
    with CallbackReceiver() as receiver:
        import_number(server, "+12025550136", receiver.url)
        server.advance(30)
        event_id = server.events(PROJECT)[0]["eventId"]
        again = server._control.post(f"/_mock/events/{event_id}:redeliver")
        assert again.status_code == 200
        assert len(receiver.received) == 2 and receiver.received[0].body == receiver.received[1].body
    to_sink = server._control.post(f"/_mock/events/{event_id}:redeliver",
                                   json={"url": f"{server.base_url}/_mock/sink/copy"})
    assert to_sink.json()["attempts"][-1]["statusCode"] == 200
    copy, = server._control.get("/_mock/sink/copy").json()["callbacks"]
    assert copy["eventId"] == event_id and copy["body"] == receiver.received[0].body.decode()
    one = server._control.get(f"/_mock/events/{event_id}").json()
    assert [(a["redelivery"], a["url"]) for a in one["attempts"]] == [
        (False, None), (True, None), (True, f"{server.base_url}/_mock/sink/copy")]


def test_the_harness_helpers_for_events_sinks_and_redelivery(server):
    server.reset()
    server.freeze()
    import_number(server, "+12025550137", f"{server.base_url}/_mock/sink/helpers")
    server.advance(30)
    event_id = server.events(PROJECT)[0]["eventId"]
    assert server.event(event_id)["state"] == "delivered"
    entry = server.redeliver(event_id, url=f"{server.base_url}/_mock/sink/other")
    assert entry["attempts"][-1]["redelivery"] is True
    assert [c["eventId"] for c in server.sink("helpers")["callbacks"]] == [event_id]
    assert [c["eventId"] for c in server.sink("other")["callbacks"]] == [event_id]
