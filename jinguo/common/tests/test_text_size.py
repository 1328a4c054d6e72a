"""The footer's larger-text switch: a cookie of the browser, read by the server to put
class="text-lg" on <html> (no script, nothing to flash), and back to the page it was used on."""

import pytest
from django.urls import reverse

from jinguo.common import textsize

pytestmark = pytest.mark.django_db


def test_larger_text_sets_the_cookie_and_returns_to_the_page(client, cast, login):
    client = login(cast.wushan_member)
    response = client.post(reverse("text_size"), {"size": "lg", "next": "/visits/"})
    assert response.status_code == 302 and response["Location"] == "/visits/"
    cookie = response.cookies[textsize.COOKIE]
    assert cookie.value == "lg" and cookie["httponly"] and cookie["max-age"] == textsize.MAX_AGE
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="zh-hans" class="text-lg">' in html
    assert 'data-text-size="normal"' in html  # the switch now offers the normal size back


def test_normal_text_removes_the_cookie(client, cast, login):
    client = login(cast.wushan_member)
    client.post(reverse("text_size"), {"size": "lg", "next": "/"})
    response = client.post(reverse("text_size"), {"size": "", "next": "/"})
    assert response.cookies[textsize.COOKIE].value == ""
    html = client.get(reverse("home")).content.decode()
    assert "text-lg" not in html and 'data-text-size="large"' in html


def test_the_switch_is_on_the_sign_in_page_too(client):
    client.post(reverse("text_size"), {"size": "lg", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert 'class="text-lg"' in html


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", ""])
def test_a_next_off_this_site_goes_home(client, target):
    response = client.post(reverse("text_size"), {"size": "lg", "next": target})
    assert response["Location"] == reverse("home")


def test_the_switch_changes_nothing_on_a_get(client):
    assert client.get(reverse("text_size")).status_code == 405
