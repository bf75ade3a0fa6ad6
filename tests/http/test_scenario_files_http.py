"""`POST /_mock/scenarios:load {"path"}` reads only scenario files under the scenario directories,
bounded, off the event loop, and never answers with what a file holds."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mock_server.cli import build_parser, config_from_args
from mock_server.config import MockConfig
from mock_server.core.clock import Clock
from mock_server.http.app import create_app
from mock_server.scenarios import loader
from tests.conftest import AUTH_HEADERS, START

SCENARIO = "projects: [{id: mine, imported_numbers: [{number: '+12065552000', service_plan: p}]}]\n"
NOT_FOUND = "no such scenario file in the scenario directories"
SHADOW = "root:$6$Vq1f0mU2$0123456789abcdefSECRET:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n"


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    allowed, outside = tmp_path / "allowed", tmp_path / "outside"
    allowed.mkdir()
    outside.mkdir()
    return allowed, outside


def mock(*scenario_dirs: Path, scenarios: list[str] | None = None) -> TestClient:
    config = MockConfig(seed=1234, background=False, scenario_dirs=[str(d) for d in scenario_dirs],
                        scenarios=scenarios or [])
    return TestClient(create_app(config, clock=Clock(start=START, frozen=True)), headers=AUTH_HEADERS)


def load(client: TestClient, path: str):
    return client.post("/_mock/scenarios:load", json={"path": path})


def refusal(answer) -> str:
    assert answer.status_code == 400, answer.text
    error = answer.json()
    return error["message"] + " " + " ".join(v["description"] for v in error["details"][0]["fieldViolations"])


def test_a_file_under_a_scenario_directory_loads_by_absolute_or_relative_path(dirs):
    allowed, _ = dirs
    (allowed / "sub").mkdir()
    (allowed / "sub" / "mine.yaml").write_text(SCENARIO)
    with mock(allowed) as client:
        assert load(client, str(allowed / "sub" / "mine.yaml")).json()["importedNumbers"] == 1
        client.post("/_mock/reset")
        assert load(client, "sub/mine.yaml").json()["name"] == "mine"


def test_files_outside_the_scenario_directories_get_the_answer_of_a_missing_file(dirs):
    allowed, outside = dirs
    (outside / "mine.yaml").write_text(SCENARIO)
    (allowed / "link.yaml").symlink_to(outside / "mine.yaml")
    with mock(allowed) as client:
        answers = {path: refusal(load(client, path)) for path in [
            str(outside / "mine.yaml"), "../outside/mine.yaml", "link.yaml", "/etc/passwd",
            "../../../../../../etc/passwd", str(allowed / "missing.yaml"), "/etc", str(allowed)]}
        assert client.get("/_mock/state").json()["projects"] == {}
    for path, text in answers.items():
        assert NOT_FOUND in text, path
        assert "root:" not in text and "No such file" not in text and "Permission" not in text
    texts = {text.replace(path, "PATH") for path, text in answers.items()}
    assert len(texts) == 1  # missing, outside and refused read the same


def test_a_start_up_scenario_file_may_be_loaded_by_path_later(dirs):
    _, outside = dirs
    (outside / "mine.yaml").write_text(SCENARIO)
    (outside / "other.yaml").write_text(SCENARIO)
    with mock(scenarios=[str(outside / "mine.yaml")]) as client:
        client.post("/_mock/reset")  # the start-up scenario comes back, so drop it to load it again
        client.put("/_mock/state", json={**client.get("/_mock/state").json(), "projects": {}})
        assert load(client, str(outside / "mine.yaml")).status_code == 200
        assert NOT_FOUND in refusal(load(client, str(outside / "other.yaml")))  # only that file


def test_a_fifo_in_a_scenario_directory_is_refused_without_waiting(dirs):
    """Checked twice: by the path, and again on the opened (non-blocking) file."""
    allowed, _ = dirs
    os.mkfifo(allowed / "pipe.yaml")
    answers = []
    with mock(allowed) as client:
        worker = threading.Thread(target=lambda: answers.append(load(client, "pipe.yaml")), daemon=True)
        worker.start()
        worker.join(20)
        assert answers, "the load waited for a writer on the FIFO"
        assert NOT_FOUND in refusal(answers[0])
        assert client.get("/_mock/health").status_code == 200


def test_a_file_over_the_size_bound_is_refused_unread(dirs, monkeypatch):
    allowed, _ = dirs
    (allowed / "big.yaml").write_text("# " + "x" * loader.MAX_SCENARIO_BYTES + "\n")
    with mock(allowed) as client:
        assert "is larger than 1024 KiB" in refusal(load(client, "big.yaml"))


def test_an_error_about_a_file_never_quotes_its_content(dirs):
    allowed, _ = dirs
    (allowed / "shadow").write_text(SHADOW)
    (allowed / "keys.yaml").write_text("projects: []\n'hunter2 is the password': 1\nplain_typo: 2\n")
    (allowed / "bad.yaml").write_text("a: [\nSECRET-LINE\n")
    (allowed / "tag.yaml").write_text("a: !SECRET-TAG x\n")
    with mock(allowed) as client:
        shadow = refusal(load(client, "shadow"))
        keys = refusal(load(client, "keys.yaml"))
        bad = refusal(load(client, "bad.yaml")) + refusal(load(client, "tag.yaml"))
    assert "SECRET" not in shadow + keys + bad and "Vq1f0mU2" not in shadow and "daemon" not in shadow
    assert "hunter2" not in keys and "(key)" in keys and "plain_typo" in keys  # a key name helps with typos
    assert "not valid YAML" in bad


def test_a_scenario_declaring_too_many_numbers_is_refused_before_any_is_built(client, monkeypatch):
    from mock_server.scenarios.numbers import NumberSet

    built = []
    real = NumberSet._expand_range
    monkeypatch.setattr(NumberSet, "_expand_range", lambda self, numbers: built.append(1) or real(self, numbers))
    entries = [{"range": {"start": f"+1206{i}000000", "count": 100_000}, "service_plan": "p"} for i in range(2, 5)]
    started = time.monotonic()
    answer = client.post("/_mock/scenarios:load", json={"scenario": {"projects": [{"id": "p", "imported_numbers": entries}]}})
    assert "declares 300,000 numbers; a scenario may declare at most 100,000" in refusal(answer)
    assert built == [] and time.monotonic() - started < 30
    assert client.get("/_mock/state").json()["projects"] == {}


def test_a_yaml_bomb_is_refused(dirs):
    allowed, _ = dirs
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghij"):
        previous = "abcdefghij"[i]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    (allowed / "bomb.yaml").write_text("\n".join(lines) + "\n")
    (allowed / "deep.yaml").write_text("[" * 5000 + "]" * 5000 + "\n")
    with mock(allowed) as client:
        assert "aliases are expanded" in refusal(load(client, "bomb.yaml"))
        assert "nested more than" in refusal(load(client, "deep.yaml"))


def test_scenario_directories_come_from_the_flag_or_the_variable(dirs):
    allowed, outside = dirs

    def config(argv, env=None):
        return config_from_args(build_parser().parse_args(["serve", *argv]), env or {})

    assert config(["--scenario-dir", str(allowed), "--scenario-dir", str(outside)]).scenario_dirs == \
        [str(allowed), str(outside)]
    assert config([], {"SINCH_MOCK_SCENARIO_DIR": f"{allowed}, {outside}"}).scenario_dirs == [str(allowed), str(outside)]
    assert config(["--scenario-dir", str(allowed)], {"SINCH_MOCK_SCENARIO_DIR": str(outside)}).scenario_dirs == \
        [str(allowed)]
    with pytest.raises(ValueError, match="--scenario-dir: .* is not a directory"):
        config(["--scenario-dir", str(allowed / "nope")])
    with pytest.raises(ValueError, match="SINCH_MOCK_SCENARIO_DIR"):
        config([], {"SINCH_MOCK_SCENARIO_DIR": str(allowed / "nope")})


def test_a_fifo_given_at_start_up_is_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    with pytest.raises(loader.ScenarioError, match="is not a regular file"):
        loader.load_path(tmp_path / "pipe.yaml")
