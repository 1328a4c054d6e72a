"""bench/urls.py's floor of a list page: the page's own SELECT statements and its own bytes,
without the Python that builds them, so that the bench's figures between the page and its
floor are what Django's ORM and templates cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import urls as bench_urls
from jinguo.households.tests.factories import household


@pytest.fixture
def bench_urlconf(settings):
    settings.ROOT_URLCONF = "bench.urls"
    bench_urls._FLOORS.clear()
    yield
    bench_urls._FLOORS.clear()


def _selects(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    # The session's own (loaded and saved around every request) are the bare view's too.
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and "django_session" not in q["sql"]
    ]


def test_floor_of_the_ledger_sends_the_pages_selects_and_answers_its_rows(
    tree, cast, login, bench_urlconf
):
    household(tree.wushan, "F-1")
    household(tree.gangkou_grid, "F-2")  # another village's
    client = login(cast.songhe_chair)
    client.get("/bench/floor/households/")  # records the page
    page = _selects(client, "/households/")
    floor = _selects(client, "/bench/floor/households/")
    assert floor == page
    body = client.get("/bench/floor/households/").content.decode()
    assert "F-1" in body
    assert "F-2" not in body


def test_floor_is_a_404_signed_out(client, bench_urlconf):
    assert client.get("/bench/floor/households/").status_code == 404
    assert bench_urls._FLOORS == {}
