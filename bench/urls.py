"""The project's URLs plus two reference views for the list pages' bench:

- /bench/bare/: the floor a Django view cannot go below on this server (same middleware, same
  session, no query, a constant body);
- /bench/floor/<path>: the floor of the list page at <path> for the signed-in user: what is
  left of the page when Django's ORM and templates cost nothing (see `page_floor`).
"""

from typing import Any

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import path, resolve

from config.urls import urlpatterns as project_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


# (user id, floor path with its query) -> the page's SQL statements as executed, and the
# bytes it answered.
_FLOORS: dict[tuple[int, str], tuple[list[str], bytes, str]] = {}


def page_floor(request: HttpRequest, page: str) -> HttpResponse:
    """The least the list page at /<page> can cost: the same middleware and session, the same
    SQL statements the page's view sends (recorded from the view itself, once per user and
    process, after a first call so that what the page caches is cached), each executed and its
    rows fetched, and the same bytes answered. What the page costs beyond this is Python
    building and compiling its queries, reading their rows into objects and rendering its
    templates; what this costs beyond /bench/bare/ is the database and the bytes."""
    if not request.user.is_authenticated:
        raise Http404
    key = (request.user.pk, request.get_full_path())  # the query string filters the page too
    if key not in _FLOORS:
        _FLOORS[key] = _record(request, f"/{page}")
    statements, body, content_type = _FLOORS[key]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()
    return HttpResponse(body, content_type=content_type)


def _record(request: HttpRequest, page_path: str) -> tuple[list[str], bytes, str]:
    match = resolve(page_path)
    match.func(request, *match.args, **match.kwargs)  # fills what the page caches
    with CaptureQueriesContext(connection) as queries:
        response: Any = match.func(request, *match.args, **match.kwargs)
    # The SQL as sent (psycopg binds on the client, so the text holds the parameters).
    statements = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    return statements, response.content, response["Content-Type"]


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/floor/<path:page>", page_floor),
    *project_urlpatterns,
]
