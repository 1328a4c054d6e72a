"""等保: a password change refuses the last 5 passwords, the current one included."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.services import user_set_password
from jinguo.accounts.tests.factories import PASSWORD

MESSAGE = "新密码不能与最近5次使用过的密码（含当前密码）相同"


def test_an_expired_password_cannot_be_changed_to_itself(cast, login):
    User.objects.filter(pk=cast.songhe_chair.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client = login(cast.songhe_chair)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert User.objects.get(pk=cast.songhe_chair.pk).password_expired(timezone.now())


def test_the_last_five_passwords_are_refused_and_an_older_one_is_allowed_again(cast):
    user = cast.songhe_chair
    for n in range(1, 5):
        user_set_password(actor=user, user=user, password=f"Songhe#{n}abc")
    # Now the last five: PASSWORD and Songhe#1abc … Songhe#4abc (the current one).
    for old in (PASSWORD, "Songhe#1abc", "Songhe#4abc"):
        with pytest.raises(ValidationError, match=MESSAGE):
            user_set_password(actor=user, user=user, password=old)
    user_set_password(actor=user, user=user, password="Songhe#5abc")
    user_set_password(actor=user, user=user, password=PASSWORD)  # six back: allowed again


def test_an_administrators_reset_cannot_reuse_a_recent_password_either(cast):
    with pytest.raises(ValidationError, match=MESSAGE):
        user_set_password(actor=cast.system_admin, user=cast.songhe_chair, password=PASSWORD)


def test_the_history_keeps_five_hashes_and_never_a_password(cast):
    from jinguo.accounts.models import PasswordHistory

    user = cast.songhe_chair
    for n in range(1, 8):
        user_set_password(actor=user, user=user, password=f"Songhe#{n}abc")
    kept = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True))
    assert len(kept) == 5
    assert kept[0] == User.objects.get(pk=user.pk).password
    assert not any("Songhe#" in encoded for encoded in kept)


def test_an_account_older_than_the_history_still_cannot_keep_its_password(cast):
    from jinguo.accounts.models import PasswordHistory

    PasswordHistory.objects.all().delete()
    with pytest.raises(ValidationError, match=MESSAGE):
        user_set_password(actor=cast.songhe_chair, user=cast.songhe_chair, password=PASSWORD)
