import pytest
from django.urls import reverse

from jinguo.accounts.tests.factories import PASSWORD
from jinguo.audit.models import AuditEvent


def test_login_page_is_in_chinese(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "登录" in html and "用户名" in html


def test_login_succeeds_and_is_audited_with_the_ip(client, cast):
    response = client.post(
        reverse("accounts:login"),
        {"username": "songhe_chair", "password": PASSWORD},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == cast.songhe_chair and event.ip == "10.1.2.3"


def test_failed_login_says_why_in_chinese_and_is_audited(client, cast):
    response = client.post(
        reverse("accounts:login"), {"username": "songhe_chair", "password": "wrong"}
    )
    assert "用户名或密码错误" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="auth.login_failed", actor_username="songhe_chair"
    ).exists()


def test_logout_is_audited(cast, login):
    client = login(cast.songhe_chair)
    client.post(reverse("accounts:logout"))
    assert AuditEvent.objects.filter(action="auth.logout", actor=cast.songhe_chair).exists()


def test_password_change_enforces_the_policy(cast, login):
    client = login(cast.songhe_chair)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "abcdefgh",
            "new_password2": "abcdefgh",
        },
    )
    assert "至少三类" in response.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Songhe#2027x",
            "new_password2": "Songhe#2027x",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="user.password", target_id=str(cast.songhe_chair.pk))


@pytest.mark.parametrize(
    "username", ["songhe_chair", "system_admin", "audit_admin", "county_leader"]
)
def test_only_the_security_admin_opens_the_security_page(cast, login, username):
    response = login(getattr(cast, username)).get(reverse("accounts:security"))
    assert response.status_code == 403


def test_security_admin_disables_an_account_and_it_is_audited(cast, login):
    client = login(cast.security_admin)
    assert client.get(reverse("accounts:security")).status_code == 200
    client.post(reverse("accounts:toggle_active", args=[cast.songhe_chair.pk]))
    cast.songhe_chair.refresh_from_db()
    assert not cast.songhe_chair.is_active
    event = AuditEvent.objects.get(action="user.active")
    assert event.changes == {"is_active": [True, False]}


def test_django_admin_is_for_the_system_administrator_only(cast, login):
    assert login(cast.system_admin).get("/admin/").status_code == 200
    for other in (cast.security_admin, cast.audit_admin, cast.city_cadre):
        response = login(other).get("/admin/")
        assert response.status_code == 302 and "login" in response["Location"]


def test_system_admin_creates_a_user_through_admin_and_it_is_audited(tree, cast, login):
    client = login(cast.system_admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new_member",
            "full_name": "新执委",
            "phone": "",
            "role": "grid_member",
            "org": tree.wushan.pk,
            "password": "Wushan#2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEvent.objects.filter(action="user.create", target_repr__contains="new_member")


def test_admin_refuses_a_grid_member_scoped_to_a_community(tree, cast, login):
    response = login(cast.system_admin).post(
        "/admin/accounts/user/add/",
        {
            "username": "bad_member",
            "full_name": "错配",
            "phone": "",
            "role": "grid_member",
            "org": tree.songhe.pk,
            "password": "Wushan#2026",
        },
    )
    assert response.status_code == 200
    assert "网格执委的所属组织必须是网格或微网格" in response.content.decode()
