import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_server.core.errors import ApiError
from mock_server.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, page_size_from, paginate


def key(item):
    return (item, str(item))


def all_pages(items, size, filters=None):
    seen, token = [], None
    while True:
        page = paginate(items, key, size, token, filters or {}, project_id="p")
        seen += page.items
        token = page.next_page_token
        if not token:
            return seen


@given(st.sets(st.integers(0, 10_000), max_size=60), st.integers(1, 20))
def test_pages_cover_every_item_once_in_order(items, size):
    assert all_pages(list(items), size) == sorted(items)


def test_total_size_counts_all_matches_and_pages_are_bounded():
    page = paginate(list(range(25)), key, 10, None, {}, project_id="p")
    assert page.total_size == 25 and page.items == list(range(10)) and page.next_page_token


def test_items_added_meanwhile_do_not_shift_or_repeat_a_page():
    items = [10, 20, 30, 40]
    first = paginate(items, key, 2, None, {}, project_id="p")
    items += [5, 25]  # 5 sorts before the cursor, 25 after it
    second = paginate(items, key, 2, first.next_page_token, {}, project_id="p")
    assert first.items == [10, 20] and second.items == [25, 30]


def test_a_token_from_other_filters_is_refused():
    token = paginate(list(range(5)), key, 2, None, {"a": 1}, project_id="p").next_page_token
    with pytest.raises(ApiError, match="other filters"):
        paginate(list(range(5)), key, 2, token, {"a": 2}, project_id="p")


@pytest.mark.parametrize("token", ["garbage", "e30", "!!!"])
def test_a_bad_token_is_a_400(token):
    with pytest.raises(ApiError) as caught:
        paginate([1], key, 2, token, {}, project_id="p")
    assert caught.value.violations[0].field == "pageToken"


def test_page_size_default_cap_and_refusals():
    assert page_size_from(None) == DEFAULT_PAGE_SIZE
    assert page_size_from("0") == DEFAULT_PAGE_SIZE
    assert page_size_from(str(MAX_PAGE_SIZE + 5)) == MAX_PAGE_SIZE
    for bad in ("-1", "ten", " 5", "5 ", "\u0663", "\uff15", "1_0", ""):
        with pytest.raises(ApiError):
            page_size_from(bad)


def test_datetime_keys_survive_the_token():
    from datetime import datetime, timedelta, timezone

    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    items = [(t0 + timedelta(microseconds=i), f"n{i}") for i in range(5)]
    first = paginate(items, lambda i: i, 2, None, {}, project_id="p")
    assert paginate(items, lambda i: i, 10, first.next_page_token, {}, project_id="p").items == items[2:]


def test_a_token_of_another_shape_is_refused():
    token = paginate(list(range(5)), key, 2, None, {}, project_id="p").next_page_token
    with pytest.raises(ApiError):
        paginate(["a", "b", "c"], lambda s: (s,), 2, token, {}, project_id="p")


def test_a_token_is_bound_to_the_project_whose_list_issued_it():
    token = paginate(list(range(5)), key, 2, None, {}, project_id="p").next_page_token
    assert paginate(list(range(5)), key, 2, token, {}, project_id="p").items == [2, 3]
    with pytest.raises(ApiError, match="another project") as caught:
        paginate(list(range(5)), key, 2, token, {}, project_id="q")
    assert caught.value.violations[0].field == "pageToken"
    assert "p" not in caught.value.message.split()  # the other project is not named
