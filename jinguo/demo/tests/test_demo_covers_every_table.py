"""The demo fills every table and every kind of column, so that a backup taken of it and
restored shows every model and field type going round (and the pages show something).

A model or a field type added without demo rows fails here: add them through the app's
services in jinguo/demo, or name the table below with the reason it stays empty.
"""

from io import StringIO

import pytest
from django.apps import apps
from django.core.cache import caches
from django.core.management import call_command
from django.db import models

# Tables the demo leaves empty, each for a reason that holds in production too.
EMPTY_TABLES = {
    # A signed-in browser's session: made by logging in, not by the data, and left out of
    # backups (everyone signs in again after a restore).
    "django_session": "logins only; skipped by backups",
    # A login CAPTCHA's answer, kept a few minutes until it is solved or expires.
    "captcha_captchastore": "transient: a CAPTCHA challenge lives minutes",
    # Permissions come from the account's role (accounts.roles), never from Django's groups:
    # no page, service or admin form creates a group or gives one a permission.
    "auth_group": "the product never uses Django groups (roles instead)",
    "auth_group_permissions": "the product never uses Django groups (roles instead)",
}


def _types(model: type[models.Model]) -> dict[str, list[models.Field]]:
    found: dict[str, list[models.Field]] = {}
    for field in model._meta.concrete_fields:
        target = field.target_field if isinstance(field, models.ForeignKey) else field
        found.setdefault(target.get_internal_type(), []).append(field)
    return found


def _filled(model: type[models.Model], field: models.Field) -> bool:
    rows = model._default_manager.exclude(**{f"{field.attname}__isnull": True})
    if isinstance(field, models.FileField):
        rows = rows.exclude(**{field.attname: ""})
    return rows.exists()


def _models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


@pytest.fixture
def loaded(db) -> None:
    # The dashboard's "opened" note is written at most every few minutes per process (the
    # local cache): an earlier test's would hide this one's.
    caches["default"].clear()
    call_command("load_demo", villages=3, stdout=StringIO())


def test_the_exceptions_name_real_tables():
    tables = {m._meta.db_table for m in _models()}
    assert set(EMPTY_TABLES) <= tables


def test_every_table_has_a_row_but_the_named_exceptions(loaded):
    empty = [
        m._meta.db_table
        for m in _models()
        if m._meta.db_table not in EMPTY_TABLES and not m._default_manager.exists()
    ]
    assert empty == []


def test_every_field_type_in_use_holds_a_value_somewhere(loaded):
    fields: dict[str, list[tuple[type[models.Model], models.Field]]] = {}
    for model in _models():
        if model._meta.db_table in EMPTY_TABLES:
            continue
        for kind, of_kind in _types(model).items():
            fields.setdefault(kind, []).extend((model, f) for f in of_kind)
    unfilled = sorted(
        kind
        for kind, candidates in fields.items()
        if not any(_filled(model, field) for model, field in candidates)
    )
    assert unfilled == []
