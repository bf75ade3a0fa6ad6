"""--state-file on disk: read when present, written atomically."""

from __future__ import annotations

import json

import pytest

from mock_server.state_file import StateFileError, read_state_file, write_state_file


def test_no_file_yet_is_no_state(tmp_path):
    assert read_state_file(tmp_path / "missing.json") is None


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "state.json"
    write_state_file(target, {"version": 1, "a": "é"})
    write_state_file(target, {"version": 1, "b": 2})
    assert json.loads(target.read_text(encoding="utf-8")) == {"version": 1, "b": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_write_that_fails_half_way_keeps_the_previous_file(tmp_path):
    target = tmp_path / "state.json"
    write_state_file(target, {"version": 1, "kept": True})
    with pytest.raises(TypeError):
        write_state_file(target, {"version": 1, "broken": object()})  # not JSON: fails mid-write
    assert json.loads(target.read_text()) == {"version": 1, "kept": True}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


@pytest.mark.parametrize("content", ["not json", "[1, 2]", "[" * 100_000])
def test_a_file_that_is_not_a_state_is_a_clear_error(tmp_path, content):
    target = tmp_path / "state.json"
    target.write_text(content)
    with pytest.raises(StateFileError, match="state file"):
        read_state_file(target)


def test_a_directory_is_not_a_state_file(tmp_path):
    with pytest.raises(StateFileError, match="not a regular file"):
        read_state_file(tmp_path)
