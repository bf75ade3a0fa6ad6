"""The request journal: entries with headers, bodies and duration; filters; clear; count."""

from __future__ import annotations

import base64

import pytest

from mock_server.http.journal import BODY_LIMIT, JOURNAL_LIMIT
from tests.conftest import AUTH_HEADERS, SANDBOX_KEY_ID, SANDBOX_KEY_SECRET

NUMBER = "+12025550134"


def import_number(client, project: str = "p", number: str = NUMBER, **extra):
    body = {"phoneNumber": number, "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"}, **extra}
    return client.post(f"/v1/projects/{project}/importedNumbers", json=body)


def journal(client, **params) -> list[dict]:
    answer = client.get("/_mock/requests", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()["requests"]


def test_an_entry_has_headers_bodies_and_duration_with_the_secret_redacted(client):
    assert import_number(client).status_code == 200
    (entry,) = journal(client)
    assert entry["method"] == "POST" and entry["path"] == "/v1/projects/p/importedNumbers"
    assert entry["status"] == 200 and entry["projectId"] == "p" and entry["control"] is False
    assert isinstance(entry["durationMs"], float) and entry["durationMs"] >= 0
    request, response = entry["request"], entry["response"]
    assert request["headers"]["authorization"] == f"Basic {SANDBOX_KEY_ID}:***"
    assert SANDBOX_KEY_SECRET not in str(entry)
    assert request["headers"]["content-type"] == "application/json"
    assert '"phoneNumber":"+12025550134"' in request["body"].replace(" ", "")
    assert request["bodyTruncated"] is False and request["bodySize"] == len(request["body"])
    assert response["headers"]["content-type"] == "application/json"
    assert '"phoneNumber":"+12025550134"' in response["body"]


def test_a_bearer_token_is_redacted_to_its_key_id(anon):
    basic = "Basic " + base64.b64encode(f"{SANDBOX_KEY_ID}:{SANDBOX_KEY_SECRET}".encode()).decode()
    token = anon.post("/oauth2/token", data={"grant_type": "client_credentials"},
                      headers={"Authorization": basic}).json()["access_token"]
    anon.get("/v1/projects/p/importedNumbers/%2B12025550134", headers={"Authorization": f"Bearer {token}"})
    entry = journal(anon, method="GET")[-1]
    assert entry["request"]["headers"]["authorization"] == f"Bearer *** (key {SANDBOX_KEY_ID})"
    assert token not in entry["request"]["headers"]["authorization"]


def test_bodies_past_the_limit_are_truncated_with_a_flag(client):
    huge = "x" * (BODY_LIMIT + 500)
    import_number(client, displayName=huge)
    entry = journal(client)[-1]
    assert entry["request"]["bodyTruncated"] is True
    assert len(entry["request"]["body"].encode()) == BODY_LIMIT
    assert entry["request"]["bodySize"] > BODY_LIMIT


def test_filters(client):
    import_number(client, "p")
    import_number(client, "q", "+12025550135")
    import_number(client, "q", "+12025550135")  # 409
    client.get("/v1/projects/q/importedNumbers/%2B12025550135")
    client.post("/_mock/clock:advance", json={"seconds": 60})
    client.get("/v1/projects/p/importedNumbers/%2B12025550134")
    assert [e["projectId"] for e in journal(client, projectId="q")] == ["q", "q", "q"]
    assert [e["status"] for e in journal(client, method="post")] == [200, 200, 409]
    assert len(journal(client, path="/v1/projects/q/")) == 3
    assert len(journal(client, path="/v1/projects/q/importedNumbers/")) == 1
    assert len(journal(client, status="409")) == 1
    assert len(journal(client, status="4xx")) == 1
    assert [e["projectId"] for e in journal(client, since="2026-01-05T09:00:30Z")] == ["p"]
    last_two = journal(client, limit="2")
    assert [e["method"] for e in last_two] == ["GET", "GET"] and last_two[-1]["projectId"] == "p"
    assert journal(client, method="POST", projectId="q", status="200")[0]["status"] == 200


@pytest.mark.parametrize("params, field", [({"projectid": "p"}, "projectid"), ({"foo": "1"}, "foo"),
                                           ({"status": "abc"}, "status"), ({"since": "yesterday"}, "since"),
                                           ({"limit": "0"}, "limit"), ({"limit": "x"}, "limit"),
                                           ({"include": "all"}, "include")])
def test_unknown_or_bad_filters_are_400_naming_them(client, params, field):
    for path in ("/_mock/requests", "/_mock/requests:count"):
        answer = client.get(path, params=params)
        assert answer.status_code == 400
        assert answer.json()["details"][0]["fieldViolations"][0]["field"] == field


def test_control_calls_are_listed_only_on_request(client):
    import_number(client)
    client.post("/_mock/clock:advance", json={"seconds": 1})
    client.get("/_mock/clock")  # reads are not journaled
    assert [e["path"] for e in journal(client)] == ["/v1/projects/p/importedNumbers"]
    everything = journal(client, include="control")
    assert [(e["path"], e["control"]) for e in everything] == [
        ("/v1/projects/p/importedNumbers", False), ("/_mock/clock:advance", True)]
    assert everything[1]["request"]["body"] == '{"seconds":1}'


def test_count_takes_the_same_filters(client):
    import_number(client)
    import_number(client)
    assert client.get("/_mock/requests:count").json() == {"count": 2}
    assert client.get("/_mock/requests:count", params={"status": "409"}).json() == {"count": 1}
    assert client.get("/_mock/requests:count", params={"include": "control"}).json() == {"count": 2}


def test_delete_clears_the_journal(client):
    import_number(client)
    answer = client.delete("/_mock/requests")
    assert answer.status_code == 200 and answer.json()["cleared"] == 1
    assert journal(client) == [] and journal(client, include="control") == []
    assert client.get("/v1/projects/p/importedNumbers/%2B12025550134").status_code == 200
    assert len(journal(client)) == 1


def test_the_journal_keeps_the_last_entries(client, monkeypatch):
    monkeypatch.setattr("mock_server.http.journal.JOURNAL_LIMIT", 3)
    for _ in range(5):
        client.get("/v1/projects/p/importedNumbers/%2B12025550134")
    assert client.get("/_mock/requests:count").json() == {"count": 3}


def test_calls_past_twice_the_limit_unread_are_dropped_and_counted(client, monkeypatch):
    # Entries are built when the journal is read; held calls beyond the limit go unbuilt.
    monkeypatch.setattr("mock_server.http.journal.JOURNAL_LIMIT", 3)
    for project in ("a", "b", "c", "d", "e", "f", "g", "h"):  # 6 calls held, then 2 more
        client.get(f"/v1/projects/{project}/importedNumbers/%2B12025550134")
    answer = client.get("/_mock/requests").json()
    assert [e["projectId"] for e in answer["requests"]] == ["f", "g", "h"]
    assert answer["dropped"] == 5
    client.get("/v1/projects/i/importedNumbers/%2B12025550134")
    answer = client.get("/_mock/requests").json()
    assert [e["projectId"] for e in answer["requests"]] == ["g", "h", "i"] and answer["dropped"] == 6


def test_an_entry_read_later_shows_the_call_as_it_was(app, anon):
    basic = "Basic " + base64.b64encode(f"{SANDBOX_KEY_ID}:{SANDBOX_KEY_SECRET}".encode()).decode()
    token = anon.post("/oauth2/token", data={"grant_type": "client_credentials"},
                      headers={"Authorization": basic}).json()["access_token"]
    anon.get("/v1/projects/p/importedNumbers/%2B12025550134", headers={"Authorization": f"Bearer {token}"})
    called_at = anon.get("/_mock/clock").json()["now"]
    app.state.authenticator.revoke_all()  # the token no longer names its key
    anon.post("/_mock/clock:advance", json={"seconds": 3600})
    entry = journal(anon, method="GET")[-1]
    assert entry["request"]["headers"]["authorization"] == f"Bearer *** (key {SANDBOX_KEY_ID})"
    assert entry["time"] == called_at


def test_state_export_keeps_api_calls_only(client):
    import_number(client)
    client.post("/_mock/clock:advance", json={"seconds": 1})
    exported = client.get("/_mock/state").json()
    assert [e["path"] for e in exported["journal"]] == ["/v1/projects/p/importedNumbers"]


def test_the_access_log_has_a_line_per_request(client, caplog):
    caplog.set_level("INFO", logger="sinch_mock.access")
    client.get("/v1/projects/p/importedNumbers/%2B12025550134", headers=AUTH_HEADERS)
    client.get("/_mock/health")
    lines = [r.getMessage() for r in caplog.records if r.name == "sinch_mock.access"]
    assert len(lines) == 1
    assert '"GET /v1/projects/p/importedNumbers/%2B12025550134" 404' in lines[0]


def test_a_client_secret_in_a_token_request_form_is_redacted(anon):
    anon.post("/oauth2/token", data={"grant_type": "client_credentials", "client_id": SANDBOX_KEY_ID,
                                     "client_secret": SANDBOX_KEY_SECRET})
    (entry,) = journal(anon, path="/oauth2/token")
    assert entry["status"] == 200
    assert entry["request"]["body"] == f"grant_type=client_credentials&client_id={SANDBOX_KEY_ID}&client_secret=***"


def test_the_bodies_of_all_entries_together_are_bounded(client, monkeypatch):
    monkeypatch.setattr("mock_server.http.journal.JOURNAL_BODY_BUDGET", 3 * BODY_LIMIT)
    for project in ("a", "b", "c", "d"):
        import_number(client, project, displayName="x" * BODY_LIMIT)  # a full request body each (a 400)
    assert [e["projectId"] for e in journal(client)] == ["c", "d"]
    client.post("/_mock/reset")  # the journal starts again: the budget is counted afresh
    import_number(client, "e", displayName="x" * BODY_LIMIT)
    import_number(client, "f", displayName="x" * BODY_LIMIT)
    assert [e["projectId"] for e in journal(client)] == ["e", "f"]


def test_a_state_with_the_journal_round_trips(client):
    import_number(client)
    client.get("/v1/projects/p/importedNumbers/%2B12025550134")
    exported = client.get("/_mock/state").json()
    assert exported["journal"][0]["request"]["headers"]["authorization"].endswith(":***")
    client.post("/_mock/reset")
    assert client.put("/_mock/state", json=exported).status_code == 200
    assert client.get("/_mock/state").json()["journal"] == exported["journal"]
    assert journal(client, method="GET")[0]["response"]["bodySize"] > 0


def test_calls_held_when_the_middleware_is_rebuilt_stay_in_the_journal(app, client):
    client.get("/v1/projects/p/importedNumbers/%2B12025550134")
    app.middleware_stack = None  # Starlette builds it again on the next call
    client.get("/v1/projects/q/importedNumbers/%2B12025550134")
    assert [e["projectId"] for e in journal(client)] == ["p", "q"]


def test_a_held_call_keeps_the_first_body_bytes_of_many_chunks_and_counts_what_it_keeps():
    from mock_server.http.journal import _Pending

    call = _Pending("POST", "/v1/projects/p/importedNumbers", b"", False)
    for chunk in (b"a" * (BODY_LIMIT - 10), b"", b"b" * 30, b"c" * 5):
        call.add_request_chunk(chunk)
    call.add_response_chunk(b"{}")
    assert call.request_body == b"a" * (BODY_LIMIT - 10) + b"b" * 10
    assert call.request_size == BODY_LIMIT + 25
    assert call.kept == BODY_LIMIT + 2 == len(call.request_body) + len(call.response_body)
