"""The site's URLs and error handlers, plus views that fail on purpose (test_errors.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as site
from jinguo.common.errors import too_many_requests

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def plain(request: HttpRequest) -> HttpResponse:
    """A plain Django view (CSRF checked by the middleware, unlike DRF's)."""
    return HttpResponse("ok")


def limited(request: HttpRequest) -> HttpResponse:
    return too_many_requests(request)


urlpatterns = [
    path("boom/", boom),
    path("api/v1/boom/", boom),
    path("plain/", plain),
    path("api/v1/plain/", plain),
    path("limited/", limited),
    path("api/v1/limited/", limited),
    *site,
]
