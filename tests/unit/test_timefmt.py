from datetime import datetime, timedelta, timezone

from hypothesis import given, strategies as st

from mock_server.core.timefmt import rfc3339

instants = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9998, 12, 30),
                        timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=-5)),
                                                   timezone(timedelta(hours=5, minutes=30))]))


@given(instants)
def test_rfc3339_is_utc_with_milliseconds_as_strftime_writes_it(instant):
    utc = instant.astimezone(timezone.utc)
    assert rfc3339(instant) == utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def test_rfc3339_pads_early_years_and_truncates_microseconds():
    assert rfc3339(datetime(999, 2, 3, 4, 5, 6, 7999, tzinfo=timezone.utc)) == "0999-02-03T04:05:06.007Z"
