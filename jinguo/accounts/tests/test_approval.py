"""三员分立: what the system administrator asks for works only once the security administrator
approves it, and nobody approves a grant to an account she can sign in with."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jinguo.accounts import services, totp
from jinguo.accounts.models import User
from jinguo.accounts.services import user_create, user_set_active, user_update
from jinguo.audit.models import AuditEvent

NEW_PASSWORD = "Wushan#2026"


def current_code(secret: str) -> str:
    return totp.code_at(secret, totp.current_step())


def requests():
    from jinguo.accounts.models import AccountRequest

    return AccountRequest.objects.all()


def create_through_admin(client, tree, **extra):
    data = {
        "username": "new_member",
        "full_name": "新执委",
        "phone": "",
        "role": "grid_member",
        "org": tree.wushan.pk,
        "password": NEW_PASSWORD,
        **extra,
    }
    response = client.post("/admin/accounts/user/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(username=data["username"])


def signs_in(client, username, password=NEW_PASSWORD) -> bool:
    client.logout()
    client.post(reverse("accounts:login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def change_through_admin(client, user, **changes):
    data = {
        "full_name": user.full_name,
        "phone": "",
        "role": user.role,
        "org": user.org_id or "",
        **changes,
    }
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "login" not in response["Location"]  # saved, not sent to sign in


def test_an_account_the_system_admin_creates_cannot_sign_in_until_the_security_admin_approves(
    tree, cast, client
):
    client.force_login(cast.system_admin)
    user = create_through_admin(client, tree)
    assert not signs_in(client, "new_member")
    assert user.approval == User.Approval.PENDING

    client.force_login(cast.security_admin)
    page = client.get(reverse("accounts:security")).content.decode()
    assert "待审批" in page and "新建账号" in page and "new_member" in page
    pending = requests().get(user=user, status="pending")
    client.post(reverse("accounts:request_approve", args=[pending.pk]))

    assert signs_in(client, "new_member")
    event = AuditEvent.objects.get(action="user.approve", target_id=str(user.pk))
    assert event.actor == cast.security_admin
    assert event.changes == {"approval": ["pending", "approved"]}


def test_a_session_of_an_account_still_pending_opens_nothing(tree, cast, client):
    user = user_create(
        actor=cast.system_admin,
        username="early",
        full_name="提前",
        role=User.Role.CADRE,
        org=tree.songhe,
        password=NEW_PASSWORD,
    )
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_role_or_org_change_by_the_system_admin_applies_only_when_approved(cast, tree, login):
    client = login(cast.system_admin)
    change_through_admin(client, cast.songhe_chair, org=tree.ningguo.pk)
    chair = User.objects.get(pk=cast.songhe_chair.pk)
    assert chair.org == tree.songhe  # still the old org
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "待安全管理员批准：变更为妇联干部（宁国市）" in listing

    pending = requests().get(user=chair, status="pending")
    assert (pending.kind, pending.old_org, pending.org) == ("change", tree.songhe, tree.ningguo)
    page = login(cast.security_admin).get(reverse("accounts:security")).content.decode()
    assert "嵩合社区 → <strong>宁国市</strong>" in page
    services.user_request_approve(actor=cast.security_admin, request_id=pending.pk)

    assert User.objects.get(pk=chair.pk).org == tree.ningguo
    event = AuditEvent.objects.get(action="user.approve", target_id=str(chair.pk))
    assert event.changes == {"org": [tree.songhe.pk, tree.ningguo.pk]}


def test_a_rejected_account_stays_unusable_and_the_security_admin_cannot_enable_it(
    tree, cast, client
):
    client.force_login(cast.system_admin)
    user = create_through_admin(client, tree)
    pending = requests().get(user=user)
    services.user_request_reject(actor=cast.security_admin, request_id=pending.pk, note="查无此人")

    user.refresh_from_db()
    assert user.approval == User.Approval.REJECTED
    assert not signs_in(client, "new_member")
    with pytest.raises(ValidationError):
        user_set_active(actor=cast.security_admin, user=user, is_active=True)
    event = AuditEvent.objects.get(action="user.reject")
    assert event.changes == {
        "status": ["pending", "rejected"],
        "approval": ["pending", "rejected"],
    }
    assert "查无此人" in event.note

    # Saved again by the system administrator (say, once the person is verified): asked again.
    client.force_login(cast.system_admin)
    change_through_admin(client, user)
    assert requests().filter(user=user, status="pending", kind="create").exists()
    assert User.objects.get(pk=user.pk).approval == User.Approval.PENDING


def test_the_system_admin_no_longer_enables_or_disables_accounts(cast, login):
    client = login(cast.system_admin)
    form = client.get(f"/admin/accounts/user/{cast.songhe_chair.pk}/change/").content.decode()
    assert 'name="is_active"' not in form
    change_through_admin(client, cast.songhe_chair, is_active="")  # an old form's field
    assert User.objects.get(pk=cast.songhe_chair.pk).is_active
    with pytest.raises(PermissionDenied):
        user_set_active(actor=cast.system_admin, user=cast.songhe_chair, is_active=False)


def test_the_security_admin_cannot_approve_a_request_she_made(cast, tree):
    user_update(
        actor=cast.security_admin,
        user=cast.songhe_chair,
        full_name=cast.songhe_chair.full_name,
        role=User.Role.LEADER,
        org=tree.songhe,
    )
    pending = requests().get(user=cast.songhe_chair)
    with pytest.raises(ValidationError, match="不能审批自己提出的申请"):
        services.user_request_approve(actor=cast.security_admin, request_id=pending.pk)
    assert User.objects.get(pk=cast.songhe_chair.pk).role == User.Role.CADRE


def test_nobody_approves_a_grant_to_her_own_account(cast):
    user_update(
        actor=cast.system_admin,
        user=cast.security_admin,
        full_name=cast.security_admin.full_name,
        role=User.Role.AUDIT_ADMIN,
        org=None,
    )
    pending = requests().get(user=cast.security_admin)
    with pytest.raises(ValidationError, match="不能审批涉及自己账号的申请"):
        services.user_request_approve(actor=cast.security_admin, request_id=pending.pk)

    colleague = user_create(
        actor=None,
        username="security_admin2",
        full_name="安全二",
        role=User.Role.SECURITY_ADMIN,
        org=None,
        password=NEW_PASSWORD,
    )
    secret = totp.new_secret()
    services.user_request_approve(
        actor=colleague, request_id=pending.pk, totp_secret=secret, code=current_code(secret)
    )
    assert User.objects.get(pk=cast.security_admin.pk).role == User.Role.AUDIT_ADMIN


def test_only_the_security_admin_approves(cast, tree):
    user = user_create(
        actor=cast.system_admin,
        username="auditor2",
        full_name="审计二",
        role=User.Role.AUDIT_ADMIN,
        org=None,
        password=NEW_PASSWORD,
    )
    pending = requests().get(user=user)
    for someone in (cast.system_admin, cast.audit_admin, cast.city_cadre):
        with pytest.raises(PermissionDenied):
            services.user_request_approve(actor=someone, request_id=pending.pk)
    assert User.objects.get(pk=user.pk).approval == User.Approval.PENDING


def test_the_system_admin_cannot_grant_his_own_account_another_role(cast):
    with pytest.raises(ValidationError, match="不能变更自己账号的角色或所属组织"):
        user_update(
            actor=cast.system_admin,
            user=cast.system_admin,
            full_name=cast.system_admin.full_name,
            role=User.Role.AUDIT_ADMIN,
            org=None,
        )
    assert not requests().exists()


def test_a_request_asked_for_again_differently_can_no_longer_be_approved(cast, tree):
    def ask(org):
        user_update(
            actor=cast.system_admin,
            user=cast.songhe_chair,
            full_name=cast.songhe_chair.full_name,
            role=User.Role.CADRE,
            org=org,
        )
        return requests().get(user=cast.songhe_chair, status="pending")

    first = ask(tree.ningguo)
    second = ask(tree.helixi)
    with pytest.raises(ValidationError, match="已处理或已撤回"):
        services.user_request_approve(actor=cast.security_admin, request_id=first.pk)
    services.user_request_approve(actor=cast.security_admin, request_id=second.pk)
    assert User.objects.get(pk=cast.songhe_chair.pk).org == tree.helixi
    assert requests().get(pk=first.pk).status == "withdrawn"


def test_accounts_the_system_makes_itself_work_at_once(cast, client):
    # Demo data and the test cast are made with actor=None: no request, approved, sign in.
    assert not requests().exists()
    assert signs_in(client, "songhe_chair", password="Jinguo@2026")


def test_an_administrator_role_is_granted_only_with_a_second_factor_enrolled_in_person(
    cast, client
):
    auditor = user_create(
        actor=cast.system_admin,
        username="auditor2",
        full_name="审计二",
        role=User.Role.AUDIT_ADMIN,
        org=None,
        password=NEW_PASSWORD,
    )
    pending = requests().get(user=auditor)
    with pytest.raises(ValidationError, match="当面为该账号绑定动态口令"):
        services.user_request_approve(actor=cast.security_admin, request_id=pending.pk)

    client.force_login(cast.security_admin)
    security = client.get(reverse("accounts:security")).content.decode()
    assert "当面绑定动态口令并批准" in security
    url = reverse("accounts:request_approve", args=[pending.pk])
    page = client.get(url).content.decode()
    assert "<svg" in page and "审计管理员" in page
    secret = client.session["approve_totp_secret"][str(pending.pk)]
    wrong = f"{(int(current_code(secret)) + 1) % 1_000_000:06d}"
    assert "请本人用手机验证器扫码" in client.post(url, {"code": wrong}).content.decode()
    assert User.objects.get(pk=auditor.pk).approval == User.Approval.PENDING
    response = client.post(url, {"code": current_code(secret)})
    assert response.status_code == 302

    auditor.refresh_from_db()
    assert auditor.approval == User.Approval.APPROVED and auditor.totp_secret == secret
    # The system administrator knows the first password, not the second factor.
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": "auditor2", "password": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("accounts:login_totp")
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="user.approve", target_id=str(auditor.pk))
    assert "totp enrolled in person" in event.note
