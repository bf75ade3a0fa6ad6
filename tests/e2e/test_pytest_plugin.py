"""The pytest plugin, run the way a user runs it: pytester sessions with their own test files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.live

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "test_with_sinch_mock.py"

IMPORT = """
def import_number(client, number="+12025550134", **extra):
    return client.post("/v1/projects/p/importedNumbers", json={
        "phoneNumber": number, "regionCode": "US",
        "smsConfiguration": {"servicePlanId": "plan", "campaignId": "camp"}, **extra})
"""


def write(pytester: pytest.Pytester, body: str, name: str = "test_user") -> None:
    pytester.makepyfile(**{name: IMPORT + textwrap.dedent(body)})


def test_the_sample_test_file_passes_as_a_user_runs_it(pytester):
    pytester.makepyfile(test_with_sinch_mock=EXAMPLE.read_text())
    result = pytester.runpytest_subprocess("-q", "-W", "error::DeprecationWarning")
    result.assert_outcomes(passed=11)


def test_installing_the_package_registers_the_fixtures(pytester):
    result = pytester.runpytest("--fixtures")
    result.stdout.fnmatch_lines(["*fixtures defined from mock_server.pytest_plugin*"])
    for fixture, docstring in (("callback_sink", "*loopback HTTP receiver*"), ("sinch_mock", "*in-process Sinch mock*"),
                               ("sinch_mock_server", "*live Sinch mock on a free port*")):
        result.stdout.fnmatch_lines([f"{fixture} -- *mock_server/pytest_plugin.py*", docstring])
    write(pytester, "def test_x(sinch_mock): pass")
    result = pytester.runpytest("-p", "no:sinch_mock")
    result.stdout.fnmatch_lines(["*fixture 'sinch_mock' not found*"])


def test_every_test_gets_a_fresh_in_process_mock(pytester):
    write(pytester, """
        def test_first(sinch_mock):
            assert import_number(sinch_mock.client).status_code == 200
            assert len(sinch_mock.world.projects["p"].imported_numbers) == 1

        def test_second(sinch_mock):
            assert sinch_mock.client.get("/v1/projects/p/importedNumbers/+12025550134").status_code == 404
            assert [r["status"] for r in sinch_mock.requests()] == [404]
        """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_the_client_is_authenticated_and_the_mock_knows_its_credentials(pytester):
    write(pytester, """
        import httpx
        from starlette.testclient import TestClient

        def test_client(sinch_mock):
            assert isinstance(sinch_mock.client, httpx.Client)
            assert sinch_mock.base_url == "http://testserver"
            assert sinch_mock.auth == ("sandbox-key-id", "sandbox-key-secret")
            assert import_number(sinch_mock.client).status_code == 200
            anonymous = TestClient(sinch_mock.app).get("/v1/projects/p/importedNumbers/+12025550134")
            assert anonymous.status_code == 401
        """)
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_control_plane_methods(pytester):
    write(pytester, """
        from datetime import datetime, timezone
        import pytest
        from mock_server.harness import SinchMockError

        @pytest.mark.sinch_mock(start="2026-03-01T00:00:00Z")
        def test_methods(sinch_mock):
            assert sinch_mock.now() == datetime(2026, 3, 1, tzinfo=timezone.utc)
            assert sinch_mock.advance(90) == datetime(2026, 3, 1, 0, 1, 30, tzinfo=timezone.utc)
            assert sinch_mock.move_to("2026-03-01T01:00:00Z").hour == 1
            orders = sinch_mock.load_scenario("loa-declined")["hostingOrders"]
            waiting = [o for o in orders if o["state"] == "waiting_for_loa_signature"][0]
            assert sinch_mock.decline_loa("loa-declined", waiting["hostingOrderId"])["state"] == "REJECTED"
            with pytest.raises(SinchMockError) as caught:
                sinch_mock.sign_loa("loa-declined", waiting["hostingOrderId"])
            assert caught.value.status == 400 and "cannot be signed" in str(caught.value)
            with pytest.raises(SinchMockError, match="404"):
                sinch_mock.voice_code("loa-declined", "+14155552001")

        def test_invoices_and_state(sinch_mock):
            sinch_mock.client.post("/v1/projects/p/qualifiedNumbers:addNumbers", json={"phoneNumbers": ["+12025550134"]})
            sinch_mock.advance(60)
            assert sinch_mock.reject_invoices("p", "+12025550134")["globalProcessState"] \\
                == "GLOBAL_PROCESS_STATE_VERIFICATION_FAILED"
            assert sinch_mock.approve_invoices("p", "+12025550134")["globalProcessState"] \\
                == "GLOBAL_PROCESS_STATE_VERIFIED"
            saved = sinch_mock.state()
            sinch_mock.reset()
            assert sinch_mock.state()["projects"] == {}
            sinch_mock.restore(saved)
            assert sinch_mock.state() == saved
            assert sinch_mock.requests("p")[0]["path"] == "/v1/projects/p/qualifiedNumbers:addNumbers"
        """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_reject_invoices_on_a_verified_number_is_an_error(pytester):
    write(pytester, """
        import pytest
        from mock_server.harness import SinchMockError

        @pytest.mark.sinch_mock(scenario="loa-declined")
        def test_refused(sinch_mock):
            with pytest.raises(SinchMockError, match="400.*Cannot reject the invoices"):
                sinch_mock.reject_invoices("loa-declined", "+14155552001")
        """)
    pytester.runpytest().assert_outcomes(passed=1)


def test_scenarios_by_marker_by_path_and_by_ini(pytester):
    pytester.makefile(".yaml", extra="projects: [{id: from-file, imported_numbers: "
                                     "[{number: '+12065552000', service_plan: plan}]}]\n")
    pytester.makeini("[pytest]\nsinch_mock_scenarios =\n    toll-free\nsinch_mock_seed = 99\n")
    write(pytester, """
        import pytest

        def test_ini_scenario_everywhere(sinch_mock):
            assert "toll-free" in sinch_mock.world.projects
            assert sinch_mock.world.rng.seed == 99

        @pytest.mark.sinch_mock(scenario=["voice-challenge-lockout", "extra.yaml"], seed=7)
        def test_marker_adds_scenarios(sinch_mock):
            assert {"toll-free", "voice-lockout", "from-file"} <= set(sinch_mock.world.projects)
            assert sinch_mock.world.rng.seed == 7

        def test_load_scenario_by_path_and_reset_keeps_the_start_up_ones(sinch_mock):
            answer = sinch_mock.load_scenario("extra.yaml")
            assert answer["projects"] == ["from-file"] and answer["importedNumbers"] == 1
            sinch_mock.reset()
            assert set(sinch_mock.world.projects) == {"toll-free"}
        """)
    pytester.runpytest().assert_outcomes(passed=3)


def test_a_bad_marker_or_scenario_is_reported_clearly(pytester):
    write(pytester, """
        import pytest

        @pytest.mark.sinch_mock(scenaro="default")
        def test_typo(sinch_mock):
            pass

        @pytest.mark.sinch_mock(scenario="no-such-scenario")
        def test_unknown(sinch_mock):
            pass
        """)
    result = pytester.runpytest()
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*unknown option(s) scenaro*", "*no such file, and no shipped scenario of that name*"])


def test_the_live_server_is_shared_by_the_session_and_reset_before_each_test(pytester):
    write(pytester, """
        import httpx
        import pytest

        urls = set()

        @pytest.mark.parametrize("attempt", [1, 2, 3])
        def test_import(sinch_mock_server, attempt):
            urls.add(sinch_mock_server.base_url)
            assert sinch_mock_server.base_url.startswith("http://127.0.0.1:")
            with httpx.Client(base_url=sinch_mock_server.base_url, auth=sinch_mock_server.auth) as api:
                assert api.get("/v1/projects/p/importedNumbers/+12025550134").status_code == 404
                assert import_number(api).status_code == 200
            sinch_mock_server.freeze()
            assert len(urls) == 1

        @pytest.mark.sinch_mock(scenario="default")
        def test_scenario_marker_applies(sinch_mock_server):
            assert sinch_mock_server.load_scenario("toll-free")["projects"] == ["toll-free"]
            assert sinch_mock_server.client.get("/v1/projects/toll-free/qualifiedNumbers/+18335870229").status_code == 200

        @pytest.mark.sinch_mock(seed=3)
        def test_seed_cannot_apply_to_the_shared_server(sinch_mock_server):
            pass
        """)
    result = pytester.runpytest()
    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(["*sinch_mock_server is shared by the session: only scenario= applies to it*"])


def test_the_callback_sink_checks_signatures(pytester):
    write(pytester, """
        import pytest

        def test_signed(sinch_mock, callback_sink):
            sinch_mock.client.patch("/v1/projects/p/callbackConfiguration", json={"hmacSecret": "right"})
            import_number(sinch_mock.client, callbackUrl=callback_sink.url)
            sinch_mock.advance(600)
            assert len(callback_sink.received) == 2
            callback_sink.secret = "right"
            callback_sink.assert_signatures()
            callback_sink.secret = "wrong"
            with pytest.raises(AssertionError, match="2 of 2 callbacks lack signatures made with the secret"):
                callback_sink.assert_signatures()
            callback_sink.secret = None
            with pytest.raises(AssertionError, match="lack unsigned callbacks"):
                callback_sink.assert_signatures()
            assert [e["eventType"] for e in callback_sink.events(resource_id="+12025550134")] == [
                "PROVISIONING_TO_SMS_PLATFORM", "LINK_TO_10DLC_CAMPAIGN"]
            assert callback_sink.events("DELETE") == []

        def test_unsigned(sinch_mock, callback_sink):
            import_number(sinch_mock.client, callbackUrl=callback_sink.url)
            sinch_mock.advance(600)
            callback_sink.assert_signatures()
        """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_under_freezegun_tick_runs_transitions_and_deliver_sends_callbacks(pytester):
    write(pytester, """
        from datetime import timedelta
        import pytest
        from freezegun import freeze_time

        @pytest.mark.parametrize("real_asyncio", [True, False])
        def test_frozen(sinch_mock, callback_sink, real_asyncio):
            with freeze_time("2026-06-01T12:00:00Z", real_asyncio=real_asyncio) as frozen:
                import_number(sinch_mock.client, callbackUrl=callback_sink.url)
                assert sinch_mock.now().isoformat() == "2026-06-01T12:00:00+00:00"
                frozen.tick(timedelta(seconds=30))
                got = sinch_mock.client.get("/v1/projects/p/importedNumbers/+12025550134").json()
                assert got["smsProvisioning"]["state"] == "DONE"
                assert callback_sink.received == []  # no worker runs in-process: nothing sent yet
                assert sinch_mock.deliver() == 0
                assert [e["eventType"] for e in callback_sink.events()] == ["PROVISIONING_TO_SMS_PLATFORM"]
                frozen.move_to("2026-06-01T13:00:00Z")
                sinch_mock.deliver()
                assert [e["timestamp"] for e in callback_sink.events()] == [
                    "2026-06-01T12:00:30.000Z", "2026-06-01T12:01:30.000Z"]
        """)
    pytester.runpytest().assert_outcomes(passed=2)


def test_the_plugin_does_not_import_the_mock_until_a_fixture_is_used(pytester):
    write(pytester, """
        import sys

        def test_untouched():
            assert "mock_server.http.app" not in sys.modules
            assert "mock_server.harness" not in sys.modules
        """)
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_scenario_paths_in_the_ini_file_are_relative_to_it_wherever_pytest_runs(pytester, monkeypatch):
    pytester.makeini("[pytest]\nsinch_mock_scenarios =\n    scenarios/ours.yaml\n")
    (pytester.path / "scenarios").mkdir()
    (pytester.path / "scenarios" / "ours.yaml").write_text(
        "projects:\n  - id: ours\n    qualified_numbers:\n      - number: '+12025550134'\n        state: verified\n")
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_ours.py").write_text(textwrap.dedent("""
        def test_loaded(sinch_mock):
            assert sinch_mock.client.get("/v1/projects/ours/qualifiedNumbers/+12025550134").status_code == 200
        """))
    monkeypatch.chdir(pytester.path / "tests")
    pytester.runpytest(".").assert_outcomes(passed=1)


def test_journal_helpers_and_a_control_token_from_the_ini_file(pytester):
    pytester.makeini("[pytest]\nsinch_mock_control_token = team-secret\n")
    write(pytester, """
        import httpx
        import pytest

        def test_in_process(sinch_mock):
            import_number(sinch_mock.client)
            import_number(sinch_mock.client)
            sinch_mock.assert_called("POST", "/v1/projects/p/importedNumbers", times=2)
            assert sinch_mock.count_requests(status="409") == 1
            assert [r["status"] for r in sinch_mock.requests(method="POST", limit=1)] == [409]
            with pytest.raises(AssertionError, match="expected GET /v1/projects/q 1 time"):
                sinch_mock.assert_called("GET", "/v1/projects/q", times=1)
            sinch_mock.clear_requests()
            assert sinch_mock.requests() == []
            assert sinch_mock.client.get("/_mock/clock").status_code == 401  # no token on the API client

        def test_live(sinch_mock_server):
            import_number(sinch_mock_server.client)
            assert sinch_mock_server.assert_called("POST", times=1)[0]["status"] == 200
            assert httpx.get(sinch_mock_server.base_url + "/_mock/state").status_code == 401
        """)
    pytester.runpytest_subprocess("-q").assert_outcomes(passed=2)
