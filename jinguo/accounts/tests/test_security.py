import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.services import user_create, user_request_approve, user_set_password
from jinguo.accounts.tests.factories import PASSWORD
from jinguo.accounts.tests.helpers import solved_captcha
from jinguo.audit.models import AuditEvent


def attempt(client, username, password):
    """A login by someone who reads the picture code right whenever one is asked for."""
    data = {"username": username, "password": password, **solved_captcha()}
    return client.post(reverse("accounts:login"), data)


def test_five_failed_logins_lock_the_account_for_thirty_minutes(client, cast):
    for _ in range(5):
        attempt(client, "songhe_chair", "wrong-password")
    user = User.objects.get(pk=cast.songhe_chair.pk)
    assert user.failed_logins == 5
    assert user.locked_until is not None
    minutes = (user.locked_until - timezone.now()).total_seconds() / 60
    assert 29 < minutes <= 30
    assert AuditEvent.objects.filter(action="auth.locked", actor=user).count() == 1


def test_a_locked_account_is_refused_even_with_the_right_password(client, cast):
    for _ in range(5):
        attempt(client, "songhe_chair", "wrong-password")
    response = attempt(client, "songhe_chair", PASSWORD)
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_runs_out(client, cast):
    User.objects.filter(pk=cast.songhe_chair.pk).update(
        failed_logins=5, locked_until=timezone.now() - dt.timedelta(minutes=1)
    )
    assert attempt(client, "songhe_chair", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_counter(client, cast):
    for _ in range(3):
        attempt(client, "songhe_chair", "wrong-password")
    assert attempt(client, "songhe_chair", PASSWORD).status_code == 302
    assert User.objects.get(pk=cast.songhe_chair.pk).failed_logins == 0


def test_failures_for_an_unknown_name_are_audited_without_an_account(client, db):
    attempt(client, "nobody", "wrong-password")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None and event.actor_username == "nobody"


def test_security_admin_unlocks_an_account_and_it_is_audited(cast, login):
    User.objects.filter(pk=cast.songhe_chair.pk).update(
        failed_logins=5, locked_until=timezone.now() + dt.timedelta(minutes=20)
    )
    client = login(cast.security_admin)
    assert "解锁" in client.get(reverse("accounts:security")).content.decode()
    client.post(reverse("accounts:unlock", args=[cast.songhe_chair.pk]))
    user = User.objects.get(pk=cast.songhe_chair.pk)
    assert user.locked_until is None and user.failed_logins == 0
    assert AuditEvent.objects.filter(action="user.unlock", actor=cast.security_admin).exists()


def test_only_the_security_admin_unlocks(cast, login):
    response = login(cast.system_admin).post(
        reverse("accounts:unlock", args=[cast.songhe_chair.pk])
    )
    assert response.status_code == 403


def test_an_expired_password_sends_the_user_to_the_change_page(cast, login):
    User.objects.filter(pk=cast.songhe_chair.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client = login(cast.songhe_chair)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    assert client.get("/accounts/password/").status_code == 200


def test_an_expired_password_gets_403_from_the_api(cast, login):
    User.objects.filter(pk=cast.songhe_chair.pk).update(password_changed_at=None)
    response = login(cast.songhe_chair).get("/api/v1/me/")
    assert response.status_code == 403 and "密码" in response.json()["message"]


def test_a_password_set_by_an_administrator_must_be_changed_at_first_login(tree, cast, login):
    user = user_create(
        actor=cast.system_admin,
        username="newbie",
        full_name="新人",
        role=User.Role.CADRE,
        org=tree.songhe,
        password="Songhe#2026",
    )
    user_request_approve(actor=cast.security_admin, request_id=user.requests.get().pk)
    user.refresh_from_db()
    assert user.password_expired(timezone.now())
    client = login(user)
    assert client.get(reverse("home"))["Location"] == "/accounts/password/"
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Songhe#2026",
            "new_password1": "Mine#2026xyz",
            "new_password2": "Mine#2026xyz",
        },
    )
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("days", [0, 89])
def test_a_recent_password_is_not_expired(cast, days):
    user = cast.songhe_chair
    user.password_changed_at = timezone.now() - dt.timedelta(days=days)
    assert not user.password_expired(timezone.now())


def test_a_reset_by_an_administrator_expires_the_password(cast):
    user_set_password(actor=cast.system_admin, user=cast.songhe_chair, password="Reset#2026ab")
    assert cast.songhe_chair.password_expired(timezone.now())
