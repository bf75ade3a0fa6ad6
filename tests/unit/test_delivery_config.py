"""The callback delivery flags and environment variables of `sinch-mock serve`."""

import pytest

from mock_server.cli import build_parser, config_from_args


def config(argv, env=None):
    return config_from_args(build_parser().parse_args(["serve", *argv]), env or {})


def test_defaults():
    callbacks = config([]).settings.callbacks
    assert (callbacks.order, callbacks.max_attempts, callbacks.initial_backoff, callbacks.timeout,
            callbacks.duplicate_probability, callbacks.concurrency) == ("random", 6, 5, 5, 0, 16)


def test_each_flag_sets_its_knob():
    callbacks = config(["--callback-order", "fifo", "--callback-max-attempts", "3", "--callback-initial-backoff", "2.5",
                        "--callback-timeout", "0.5", "--callback-duplicate-probability", "0.25",
                        "--callback-concurrency", "4"]).settings.callbacks
    assert (callbacks.order, callbacks.max_attempts, callbacks.initial_backoff, callbacks.timeout,
            callbacks.duplicate_probability, callbacks.concurrency) == ("fifo", 3, 2.5, 0.5, 0.25, 4)


def test_each_environment_variable_sets_its_knob_and_flags_win():
    env = {"SINCH_MOCK_CALLBACK_ORDER": "fifo", "SINCH_MOCK_CALLBACK_MAX_ATTEMPTS": "2",
           "SINCH_MOCK_CALLBACK_INITIAL_BACKOFF": "1", "SINCH_MOCK_CALLBACK_TIMEOUT": "2",
           "SINCH_MOCK_CALLBACK_DUPLICATE_PROBABILITY": "1", "SINCH_MOCK_CALLBACK_CONCURRENCY": "3"}
    callbacks = config([], env).settings.callbacks
    assert (callbacks.order, callbacks.max_attempts, callbacks.initial_backoff, callbacks.timeout,
            callbacks.duplicate_probability, callbacks.concurrency) == ("fifo", 2, 1, 2, 1, 3)
    assert config(["--callback-max-attempts", "9"], env).settings.callbacks.max_attempts == 9


@pytest.mark.parametrize("argv,env,message", [
    (["--callback-max-attempts", "0"], {}, "--callback-max-attempts"),
    (["--callback-duplicate-probability", "1.5"], {}, "--callback-duplicate-probability"),
    (["--callback-timeout", "0"], {}, "--callback-timeout"),
    ([], {"SINCH_MOCK_CALLBACK_CONCURRENCY": "many"}, "SINCH_MOCK_CALLBACK_CONCURRENCY"),
    ([], {"SINCH_MOCK_CALLBACK_MAX_ATTEMPTS": "0"}, "SINCH_MOCK_CALLBACK_MAX_ATTEMPTS"),
])
def test_out_of_range_values_are_refused_naming_their_source(argv, env, message):
    with pytest.raises(ValueError, match=message):
        config(argv, env)
