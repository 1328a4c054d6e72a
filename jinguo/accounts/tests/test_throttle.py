"""Login throttling: per address, per user name and site-wide, in the shared cache; a picture
code instead of a lock a script could trigger; one answer for every refused password."""

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from jinguo.accounts import services
from jinguo.accounts.models import User
from jinguo.accounts.tests.factories import PASSWORD
from jinguo.accounts.tests.helpers import solved_captcha
from jinguo.audit.models import AuditEvent

ASKS_FOR_CODE = "请输入图片中的验证码"


def post(client, username, password, ip, *, code=False):
    data = {"username": username, "password": password, **(solved_captcha() if code else {})}
    return client.post(reverse("accounts:login"), data, REMOTE_ADDR=ip)


def page_shape(response) -> str:
    """The page with what legitimately differs between two answers (the CSRF token, the echoed
    user name, a picture code's key) taken out."""
    html = re.sub(r'value="[^"]*"', 'value=""', response.content.decode())
    html = re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', html)
    return re.sub(r"/captcha/image/[0-9a-f]+", "/captcha/image/KEY", html)


def test_locked_and_wrong_password_answer_alike(client, cast, django_user_model):
    User.objects.filter(pk=cast.songhe_chair.pk).update(
        failed_logins=5, locked_until=timezone.now() + dt.timedelta(minutes=20)
    )
    locked_right = post(client, "songhe_chair", PASSWORD, "10.0.0.1")
    wrong = post(client, "gangkou_chair", "wrong-password", "10.0.0.2")
    unknown = post(client, "no_such_user", "wrong-password", "10.0.0.3")
    assert "_auth_user_id" not in client.session
    assert {r.status_code for r in (locked_right, wrong, unknown)} == {200}
    assert page_shape(locked_right) == page_shape(wrong) == page_shape(unknown)
    assert "用户名或密码错误" in wrong.content.decode()
    assert "锁定" not in re.sub(r"多次失败后账号会暂时锁定", "", locked_right.content.decode())


def test_known_and_unknown_names_are_asked_for_the_code_alike(client, cast):
    for n, name in enumerate(["songhe_chair", "no_such_user"] * 3):
        post(client, name, "wrong-password", f"10.0.1.{n}")
    known = post(client, "songhe_chair", "wrong-password", "10.0.2.1")
    unknown = post(client, "no_such_user", "wrong-password", "10.0.2.2")
    assert ASKS_FOR_CODE in known.content.decode()
    assert page_shape(known) == page_shape(unknown)


def test_an_address_is_asked_for_a_picture_code_after_three_failures(client, cast):
    for name in ("songhe_chair", "gangkou_chair", "no_such_user"):
        post(client, name, "wrong-password", "10.0.0.9")
    assert (
        'class="captcha"'
        in client.get(reverse("accounts:login"), REMOTE_ADDR="10.0.0.9").content.decode()
    )
    response = post(client, "county_cadre", PASSWORD, "10.0.0.9")
    assert response.status_code == 200 and ASKS_FOR_CODE in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert post(client, "county_cadre", PASSWORD, "10.0.0.9", code=True).status_code == 302


def test_a_script_cannot_lock_an_account(client, cast, settings):
    for n in range(3 * settings.LOGIN_MAX_FAILURES):
        post(client, "songhe_chair", "wrong-password", f"10.0.3.{n}")
    user = User.objects.get(pk=cast.songhe_chair.pk)
    assert user.failed_logins == settings.LOGIN_CAPTCHA_AFTER and user.locked_until is None
    # The owner reads the code and is in.
    assert post(client, "songhe_chair", PASSWORD, "10.0.4.1", code=True).status_code == 302


def test_a_wrong_code_is_not_a_password_try(client, cast):
    for n in range(3):
        post(client, "songhe_chair", "wrong-password", f"10.0.5.{n}")
    data = {"username": "songhe_chair", "password": PASSWORD, **solved_captcha()}
    data["captcha_1"] = "wrong"
    response = client.post(reverse("accounts:login"), data, REMOTE_ADDR="10.0.5.9")
    assert "验证码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert User.objects.get(pk=cast.songhe_chair.pk).failed_logins == 3
    assert AuditEvent.objects.filter(action="auth.login_failed", note="captcha").count() == 1


def test_an_address_that_fails_too_often_is_refused_with_429(client, cast, settings):
    names = [f"user_{n}" for n in range(10)]
    for n in range(settings.LOGIN_IP_MAX_FAILURES):
        post(client, names[n % 10], "wrong-password", "10.0.6.6", code=True)
    response = post(client, "county_cadre", PASSWORD, "10.0.6.6", code=True)
    assert response.status_code == 429
    assert "登录失败次数过多，请15分钟后再试" in response.content.decode()
    assert 'name="password"' in response.content.decode()  # the ordinary login page
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.throttled").count() == 1
    # Another address is not held up.
    assert post(client, "county_cadre", PASSWORD, "10.0.6.7").status_code == 302


def test_many_failures_across_the_site_ask_everyone_for_the_code(client, cast, settings):
    settings.LOGIN_SITE_CAPTCHA_AFTER = 6
    for n in range(6):
        post(client, f"user_{n}", "wrong-password", f"10.0.7.{n}")
    page = client.get(reverse("accounts:login"), REMOTE_ADDR="10.0.8.1").content.decode()
    assert 'class="captcha"' in page
    assert ASKS_FOR_CODE in post(client, "county_cadre", PASSWORD, "10.0.8.1").content.decode()


def test_the_address_comes_from_the_proxy_when_it_is_trusted(client, cast, settings):
    settings.JINGUO_TRUST_X_FORWARDED_FOR = True
    for n in range(3):
        client.post(
            reverse("accounts:login"),
            {"username": f"user_{n}", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="10.9.9.9",
        )
    page = client.get(reverse("accounts:login"), HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert 'class="captcha"' in page.content.decode()
    page = client.get(reverse("accounts:login"), HTTP_X_FORWARDED_FOR="10.9.9.8")
    assert 'class="captcha"' not in page.content.decode()


def test_a_right_login_forgets_the_failures_of_its_name(client, cast):
    for n in range(2):
        post(client, "songhe_chair", "wrong-password", f"10.0.9.{n}")
    assert post(client, "songhe_chair", PASSWORD, "10.0.9.5").status_code == 302
    client.logout()
    post(client, "songhe_chair", "wrong-password", "10.0.9.6")
    assert post(client, "songhe_chair", PASSWORD, "10.0.9.7").status_code == 302


@pytest.mark.django_db
def test_the_counts_live_in_the_shared_cache_not_in_the_process(client):
    for n in range(3):
        post(client, f"user_{n}", "wrong-password", "10.0.10.1")
    caches["default"].clear()
    page = client.get(reverse("accounts:login"), REMOTE_ADDR="10.0.10.1").content.decode()
    assert 'class="captcha"' in page


def test_the_picture_code_is_drawn_on_this_server(client, db):
    key = solved_captcha()["captcha_0"]
    response = client.get(f"/captcha/image/{key}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_a_refused_address_cannot_try_codes_either(client, cast, settings):
    client.post(
        reverse("accounts:login"), {"username": "system_admin", "password": PASSWORD}
    )  # the password step, from 127.0.0.1: the code page is next
    for n in range(settings.LOGIN_IP_MAX_FAILURES):
        services.login_failed(username=f"user_{n}", ip="127.0.0.1")
    response = client.post("/accounts/login/totp/", {"code": "000000"})
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
    assert User.objects.get(pk=cast.system_admin.pk).failed_logins == 0
