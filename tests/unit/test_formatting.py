from datetime import UTC, datetime

import pytest

from app.formatting import govuk_datetime, govuk_time


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (datetime(2017, 12, 18, 23, 59, tzinfo=UTC), "11:59pm on Monday 18 December 2017"),
        (datetime(2026, 7, 1, 8, 0, tzinfo=UTC), "9am on Wednesday 1 July 2026"),  # British Summer Time
        (datetime(2026, 7, 1, 11, 0, tzinfo=UTC), "midday on Wednesday 1 July 2026"),
        (datetime(2026, 1, 5, 0, 0, tzinfo=UTC), "midnight on Monday 5 January 2026"),
    ],
)
def test_times_are_shown_in_london_the_govuk_way(utc, shown):
    assert govuk_datetime(utc) == shown


def test_minutes_are_two_digits():
    assert govuk_time(datetime(2026, 1, 5, 15, 5, tzinfo=UTC)) == "3:05pm"
