"""The Django admin has no login of its own: /admin/login/ sends to the application's login, so
the lockout, the throttle, the second factor, the password age and the audit apply there too."""

from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import TOTP_SECRET
from jinguo.accounts import totp
from jinguo.accounts.tests.factories import PASSWORD
from jinguo.audit.models import AuditEvent


def _sent_to(response) -> tuple[str, str]:
    """(path, next) of a redirect."""
    location = urlsplit(response["Location"])
    return location.path, parse_qs(location.query).get("next", [""])[0]


def test_the_admin_login_page_sends_to_the_real_login(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert _sent_to(response) == ("/accounts/login/", "/admin/")


def test_the_admin_login_keeps_where_the_administrator_was_going(client, db):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"
    response = client.get("/admin/login/", {"next": "/admin/accounts/user/"})
    assert _sent_to(response) == ("/accounts/login/", "/admin/accounts/user/")


def test_the_admin_login_drops_a_next_to_another_site(client, db):
    response = client.get("/admin/login/", {"next": "https://evil.example/"})
    assert _sent_to(response) == ("/accounts/login/", "/admin/")


@pytest.mark.parametrize("username", ["system_admin", "songhe_chair"])
def test_a_password_posted_to_the_admin_login_signs_no_one_in(client, cast, username):
    response = client.post(
        "/admin/login/", {"username": username, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert _sent_to(response)[0] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_the_system_administrator_signs_in_for_the_admin_with_her_code(client, cast):
    path, target = _sent_to(client.get("/admin/login/"))
    response = client.post(path, {"username": "system_admin", "password": PASSWORD, "next": target})
    assert response["Location"] == "/accounts/login/totp/"
    assert client.get("/admin/").status_code == 302  # the password alone did not sign her in
    code = totp.code_at(TOTP_SECRET, totp.current_step())
    response = client.post("/accounts/login/totp/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=cast.system_admin).exists()


def test_a_signed_in_cadre_at_the_admin_login_is_refused_not_sent_round(cast, login):
    assert login(cast.songhe_chair).get("/admin/login/").status_code == 403


def test_a_signed_in_system_administrator_at_the_admin_login_goes_on(cast, login):
    response = login(cast.system_admin).get("/admin/login/", {"next": "/admin/accounts/"})
    assert response.status_code == 302 and response["Location"] == "/admin/accounts/"


def test_signing_out_of_the_admin_is_the_audited_logout(cast, login):
    client = login(cast.system_admin)
    response = client.post("/admin/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.logout", actor=cast.system_admin).exists()


def test_the_admin_password_change_is_the_application_one(cast, login):
    response = login(cast.system_admin).get("/admin/password_change/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
