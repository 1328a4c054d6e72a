"""Staff phones are stored encrypted like residents' and shown masked."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from jinguo.accounts.models import User
from jinguo.accounts.services import user_create
from jinguo.common import crypto

PHONE = "13912345678"
MASKED = "139****5678"


def stored(pk: int, column: str = "phone") -> str:
    """The column as the database holds it, read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM accounts_user WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def with_phone(cast):
    User.objects.filter(pk=cast.songhe_chair.pk).update(phone=PHONE)
    return User.objects.get(pk=cast.songhe_chair.pk)


def test_a_staff_phone_is_stored_as_ciphertext(with_phone):
    token = stored(with_phone.pk)
    assert token.startswith(crypto.PREFIX) and PHONE not in token and "5678" not in token
    assert with_phone.phone == PHONE


def test_a_staff_phone_is_checked_like_a_residents(cast, tree):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        user_create(
            actor=None,
            username="typo",
            full_name="错号",
            role=User.Role.CADRE,
            org=tree.songhe,
            password="Songhe#2026",
            phone="1391234",
        )
    assert "电话号码应为11位手机号" in str(caught.value.message_dict["phone"])


def test_the_admin_list_and_the_security_page_show_the_phone_masked(with_phone, cast, login):
    listing = login(cast.system_admin).get("/admin/accounts/user/").content.decode()
    assert MASKED in listing and PHONE not in listing
    page = login(cast.security_admin).get(reverse("accounts:security")).content.decode()
    assert MASKED in page and PHONE not in page


def test_the_admin_form_never_shows_the_number_and_a_blank_keeps_it(with_phone, cast, login):
    client = login(cast.system_admin)
    url = f"/admin/accounts/user/{with_phone.pk}/change/"
    form = client.get(url).content.decode()
    assert PHONE not in form and MASKED in form
    data = {"full_name": "改名", "phone": "", "role": "cadre", "org": with_phone.org_id}
    assert client.post(url, data).status_code == 302
    user = User.objects.get(pk=with_phone.pk)
    assert (user.full_name, user.phone) == ("改名", PHONE)
    data["phone"] = "139-0000-1111"
    assert client.post(url, data).status_code == 302
    assert User.objects.get(pk=with_phone.pk).phone == "13900001111"


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_phones_and_can_be_reversed(tree):
    before = [("accounts", "0006_approval_and_password_history")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before[0]).apps
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO accounts_user (password, username, full_name, phone, role, "
                "is_active, date_joined, failed_logins, totp_secret, totp_last_step) "
                "VALUES ('!', 'old_staff', '老员工', %s, 'system_admin', %s, %s, 0, '', 0)",
                [PHONE, True, "2026-01-01 00:00:00+00:00"],
            )
        pk = old.get_model("accounts", "User").objects.get(username="old_staff").pk
        assert stored(pk) == PHONE
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert stored(pk).startswith(crypto.PREFIX)
    assert User.objects.get(pk=pk).phone == PHONE

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        assert stored(pk) == PHONE  # the clear column is back and filled
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert User.objects.get(pk=pk).phone == PHONE
