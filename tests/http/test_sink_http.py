"""The built-in callback receiver `/_mock/sink/{name}` (in process; tests/e2e has it over sockets)."""

from __future__ import annotations

from mock_server.domain import sinks
from mock_server.testing import signed_callback

PAYLOAD = {"resourceType": "IMPORTED_NUMBER", "eventType": "DELETE", "eventId": "e1",
           "timestamp": "2026-01-05T09:00:00.000Z", "projectId": "p-sink", "resourceId": "+12025550134",
           "status": "SUCCEEDED"}


def post(anon, name: str, secret: str | None = "s3cret", payload: dict = PAYLOAD, **headers: str):
    body, signed = signed_callback(payload, secret)
    return anon.post(f"/_mock/sink/{name}", content=body, headers={**signed, **headers})


def test_a_sink_records_headers_raw_body_and_answers_200(client, anon):
    client.patch("/v1/projects/p-sink/callbackConfiguration", json={"hmacSecret": "s3cret"})
    answer = post(anon, "mine", **{"X-Extra": "yes"})
    assert answer.status_code == 200 and answer.json() == {"sink": "mine", "received": True}
    shown = anon.get("/_mock/sink/mine").json()
    assert (shown["name"], shown["status"], shown["received"], shown["dropped"]) == ("mine", 200, 1, 0)
    callback, = shown["callbacks"]
    body, headers = signed_callback(PAYLOAD, "s3cret")
    assert callback["body"] == body.decode() and callback["bodyBase64"] is None
    assert callback["headers"]["x-sinch-signature"] == headers["X-Sinch-Signature"]
    assert callback["headers"]["x-extra"] == "yes"
    assert callback["eventId"] == "e1" and callback["answeredStatus"] == 200
    assert callback["receivedAt"] == "2026-01-05T09:00:00.000Z"
    assert callback["signatureValid"] is True


def test_the_signature_is_checked_against_the_projects_current_secret(client, anon):
    client.patch("/v1/projects/p-sink/callbackConfiguration", json={"hmacSecret": "s3cret"})
    post(anon, "mine")
    post(anon, "mine", secret="wrong")
    post(anon, "mine", secret=None)
    valid = [c["signatureValid"] for c in anon.get("/_mock/sink/mine").json()["callbacks"]]
    assert valid == [True, False, False]
    client.patch("/v1/projects/p-sink/callbackConfiguration", json={"hmacSecret": "wrong"})
    valid = [c["signatureValid"] for c in anon.get("/_mock/sink/mine").json()["callbacks"]]
    assert valid == [False, True, False]  # checked when shown: the secret as it is now
    client.patch("/v1/projects/p-sink/callbackConfiguration", json={"hmacSecret": ""})
    checks = anon.get("/_mock/sink/mine").json()["callbacks"]
    assert [c["signatureValid"] for c in checks] == [False, False, None]
    assert "has no hmacSecret" in checks[2]["signatureCheck"]


def test_put_sets_the_answer_so_the_mock_retries(anon):
    configured = anon.put("/_mock/sink/flaky", json={"status": 500})
    assert configured.status_code == 200 and configured.json()["status"] == 500
    assert post(anon, "flaky").status_code == 500
    assert anon.get("/_mock/sink/flaky").json()["callbacks"][0]["answeredStatus"] == 500
    anon.put("/_mock/sink/flaky", json={"status": 200})
    assert post(anon, "flaky").status_code == 200


def test_bad_input_is_refused_and_changes_nothing(anon):
    for body in ({"status": 99}, {"status": "500"}, {"status": True}, {}, {"status": 600}):
        refused = anon.put("/_mock/sink/s", json=body)
        assert refused.status_code == 400, body
        assert refused.json()["details"][0]["fieldViolations"][0]["field"] == "status"
    assert anon.get("/_mock/sink").json() == {"sinks": []}
    bad_name = anon.post("/_mock/sink/" + "x" * 65, content=b"{}")
    assert bad_name.status_code == 400 and bad_name.json()["status"] == "INVALID_ARGUMENT"
    too_big = anon.post("/_mock/sink/s", content=b"x" * (sinks.MAX_BODY_BYTES + 1))
    assert too_big.status_code == 413
    assert anon.get("/_mock/sink").json() == {"sinks": []}


def test_a_sink_keeps_its_latest_callbacks_and_counts_the_dropped(anon, monkeypatch):
    monkeypatch.setattr(sinks, "MAX_CALLBACKS_PER_SINK", 3)
    for n in range(5):
        post(anon, "small", payload={**PAYLOAD, "eventId": f"e{n}"})
    shown = anon.get("/_mock/sink/small").json()
    assert [c["eventId"] for c in shown["callbacks"]] == ["e2", "e3", "e4"]
    assert (shown["received"], shown["dropped"]) == (5, 2)


def test_the_number_of_sinks_is_bounded(anon, monkeypatch):
    monkeypatch.setattr(sinks, "MAX_SINKS", 2)
    assert post(anon, "a").status_code == 200 and post(anon, "b").status_code == 200
    refused = post(anon, "c")
    assert refused.status_code == 429 and refused.json()["status"] == "RESOURCE_EXHAUSTED"
    assert anon.put("/_mock/sink/c", json={"status": 500}).status_code == 429
    assert post(anon, "a").status_code == 200  # known sinks still receive
    assert [s["name"] for s in anon.get("/_mock/sink").json()["sinks"]] == ["a", "b"]
    assert anon.delete("/_mock/sink/a").status_code == 200
    assert post(anon, "c").status_code == 200


def test_non_utf8_bodies_are_shown_in_base64_and_reset_empties_sinks(anon):
    anon.post("/_mock/sink/raw", content=b"\xff\xfe")
    callback, = anon.get("/_mock/sink/raw").json()["callbacks"]
    assert callback["body"] is None and callback["bodyBase64"] == "//4="
    assert callback["signatureValid"] is None and callback["eventId"] is None
    anon.post("/_mock/reset")
    assert anon.get("/_mock/sink/raw").json()["received"] == 0


def test_the_sink_is_the_receiver_path_callbacks_may_name_on_the_mocks_own_address():
    from mock_server.delivery.destinations import RECEIVER_PATHS, is_receiver_path

    assert RECEIVER_PATHS == (sinks.SINK_PATH_PREFIX,) == ("/_mock/sink/",)
    assert is_receiver_path("/_mock/sink/mine") and not is_receiver_path("/_mock/reset")


def test_a_sink_keeps_at_most_its_byte_budget(anon, monkeypatch):
    monkeypatch.setattr(sinks, "MAX_SINK_BYTES", 3000)
    for n in range(10):
        anon.post("/_mock/sink/bytes", content=b"x" * 1000 + str(n).encode())
    shown = anon.get("/_mock/sink/bytes").json()
    assert shown["received"] == 10 and 1 <= len(shown["callbacks"]) <= 2
    assert shown["callbacks"][-1]["body"].endswith("9")


def test_headers_beyond_the_bound_are_not_kept_and_flagged(anon, monkeypatch):
    monkeypatch.setattr(sinks, "MAX_HEADER_BYTES", 300)
    anon.post("/_mock/sink/h", content=b"{}", headers={"X-Big": "y" * 400})
    callback, = anon.get("/_mock/sink/h").json()["callbacks"]
    assert callback["headersTruncated"] is True and "x-big" not in callback["headers"]
