"""The larger-text switch for older volunteers: a cookie of this browser, read by the server to
put a class on <html> (base.html), so the page is drawn at its size at once, with no script."""

from django.http import HttpRequest

COOKIE = "jinguo_text"
LARGE = "lg"
# A year: the choice is the browser's, as the language is.
MAX_AGE = 365 * 24 * 60 * 60


def is_large(request: HttpRequest) -> bool:
    return request.COOKIES.get(COOKIE) == LARGE


def html_class(request: HttpRequest) -> str:
    """The class of <html>: site.css scales the root font size for "text-lg"."""
    return "text-lg" if is_large(request) else ""
