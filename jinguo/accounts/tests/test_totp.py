"""The second factor: RFC 6238 codes, enrolment, the two-step login, replay, lockout, and the
rule that administrators cannot work without it."""

import time

import pytest
from django.core.exceptions import PermissionDenied

from jinguo.accounts import totp
from jinguo.accounts.models import User
from jinguo.accounts.services import totp_verify, user_totp_enable, user_totp_reset
from jinguo.accounts.tests.factories import PASSWORD, UserFactory
from jinguo.audit.models import AuditEvent

# RFC 6238 appendix B: the ASCII key "12345678901234567890", 8 digits, SHA-1.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


@pytest.mark.parametrize(
    ("unix_time", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
    ],
)
def test_codes_match_the_rfc_6238_test_vectors(unix_time, code):
    assert totp.code_at(RFC_SECRET, unix_time // 30, digits=8) == code


def test_a_code_from_the_previous_step_is_still_accepted_but_not_two_steps_back():
    secret, now = totp.new_secret(), 1_700_000_000
    step = totp.current_step(now)
    assert totp.matching_step(secret, totp.code_at(secret, step - 1), now=now) == step - 1
    assert totp.matching_step(secret, totp.code_at(secret, step - 2), now=now) is None
    assert totp.matching_step(secret, "12345a", now=now) is None


def _now_code(secret: str) -> str:
    return totp.code_at(secret, totp.current_step())


def _post_password(client, user):
    return client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})


@pytest.fixture
def chair_with_totp(cast):
    secret = totp.new_secret()
    user = cast.songhe_chair
    user.set_password(PASSWORD)
    user.save()
    user_totp_enable(actor=user, user=user, secret=secret, code=_now_code(secret))
    user.refresh_from_db()
    return user, secret


def test_enrolling_needs_a_current_code_from_the_app(cast):
    user = cast.songhe_chair
    with pytest.raises(Exception, match="动态口令不正确"):
        user_totp_enable(actor=user, user=user, secret=totp.new_secret(), code="000000")
    user.refresh_from_db()
    assert not user.has_totp


def test_the_secret_is_stored_encrypted(chair_with_totp):
    user, secret = chair_with_totp
    raw = User.objects.filter(pk=user.pk).values_list("totp_secret", flat=True)
    # values_list goes through the field too; read the column itself.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT totp_secret FROM accounts_user WHERE id = %s", [user.pk])
        (stored,) = cursor.fetchone()
    assert secret not in stored
    assert list(raw) == [secret]


def test_a_password_alone_does_not_sign_in_a_user_with_totp(client, chair_with_totp):
    user, _secret = chair_with_totp
    response = _post_password(client, user)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/totp/"
    assert client.get("/households/").status_code == 302  # still anonymous


def test_password_then_code_signs_in(client, chair_with_totp):
    user, secret = chair_with_totp
    _post_password(client, user)
    time.sleep(0)  # the code below is for the current step
    step = totp.current_step() + 1  # enrolment used the current step; the next is fresh
    response = client.post("/accounts/login/totp/", {"code": totp.code_at(secret, step)})
    # A code one step ahead is inside the window and newer than the enrolment's.
    assert response.status_code == 302
    assert client.get("/households/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor_username=user.username).exists()


def test_a_code_cannot_be_used_twice(chair_with_totp):
    user, secret = chair_with_totp
    code = totp.code_at(secret, totp.current_step() + 1)
    assert totp_verify(user=user, code=code) is True
    assert totp_verify(user=user, code=code) is False


def test_wrong_codes_count_towards_the_lockout(client, chair_with_totp, settings):
    user, _secret = chair_with_totp
    _post_password(client, user)
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = client.post("/accounts/login/totp/", {"code": "000000"})
    assert "动态口令不正确" in response.content.decode()
    user.refresh_from_db()
    assert user.locked_until is not None


def test_the_code_step_expires_with_the_pending_login(client, chair_with_totp):
    user, secret = chair_with_totp
    _post_password(client, user)
    session = client.session
    session["totp_pending"]["at"] -= 3600
    session.save()
    response = client.post("/accounts/login/totp/", {"code": _now_code(secret)})
    assert response["Location"] == "/accounts/login/"


def test_the_code_page_without_a_password_step_sends_back_to_login(client, db):
    assert client.get("/accounts/login/totp/")["Location"] == "/accounts/login/"


def test_an_administrator_without_totp_must_enrol_before_anything_else(client, db):
    admin = UserFactory(username="new_auditor", role=User.Role.AUDIT_ADMIN)
    client.force_login(admin)
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/totp/"
    assert client.get("/api/v1/me/").status_code == 403
    page = client.get("/accounts/totp/").content.decode()
    assert "<svg" in page and "必须启用动态口令" in page


def test_enrolling_through_the_page_turns_it_on(client, db):
    UserFactory(username="new_auditor", role=User.Role.AUDIT_ADMIN)
    admin = User.objects.get(username="new_auditor")
    client.force_login(admin)
    client.get("/accounts/totp/")
    secret = client.session["totp_setup_secret"]
    response = client.post("/accounts/totp/", {"code": _now_code(secret)})
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.has_totp
    assert client.get("/audit/").status_code == 200


def test_an_administrator_cannot_turn_totp_off(client, cast):
    client.force_login(cast.audit_admin)
    response = client.post("/accounts/totp/", {"code": "123456"})
    assert "管理员账号必须使用动态口令" in response.content.decode()
    cast.audit_admin.refresh_from_db()
    assert cast.audit_admin.has_totp


def test_security_admin_resets_a_lost_authenticator_and_it_is_audited(
    client, chair_with_totp, cast
):
    user, _secret = chair_with_totp
    client.force_login(cast.security_admin)
    response = client.post(f"/accounts/security/{user.pk}/totp-reset/")
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.has_totp
    assert AuditEvent.objects.filter(action="user.totp_reset", target_id=str(user.pk)).exists()


def test_only_the_security_admin_may_reset(chair_with_totp, cast, client):
    user, _secret = chair_with_totp
    with pytest.raises(PermissionDenied):
        user_totp_reset(actor=cast.system_admin, user=user)
    client.force_login(cast.system_admin)
    assert client.post(f"/accounts/security/{user.pk}/totp-reset/").status_code == 403


def test_totp_code_command_prints_the_current_code_only_in_debug(chair_with_totp, settings):
    from io import StringIO

    from django.core.management import CommandError, call_command

    user, secret = chair_with_totp
    settings.DEBUG = True
    out = StringIO()
    call_command("totp_code", user.username, stdout=out)
    assert totp.matching_step(secret, out.getvalue().strip()) is not None
    settings.DEBUG = False
    with pytest.raises(CommandError, match="生产环境"):
        call_command("totp_code", user.username, stdout=StringIO())
