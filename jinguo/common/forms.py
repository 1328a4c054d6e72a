from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

T = TypeVar("T")


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for field, errors in exc.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def call_service(form: forms.Form, service: Callable[[], T]) -> T | None:
    """Run `service`; on a ValidationError put its messages on `form` and return None."""
    try:
        return service()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def model_choice(form: forms.BaseForm, name: str) -> "forms.ModelChoiceField[Any]":
    """The form's field `name`, which is a ModelChoiceField (or ModelMultipleChoiceField):
    `form.fields` holds plain Fields, so setting `.queryset` needs the concrete class."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a ModelChoiceField")
    return field


def choice_queryset(form: forms.BaseForm, name: str) -> QuerySet[Any]:
    """The queryset that the ModelChoiceField `name` offers (set in the form's __init__)."""
    queryset = model_choice(form, name).queryset
    if queryset is None:
        raise TypeError(f"{type(form).__name__}.{name} has no queryset")
    return queryset


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, which is a ChoiceField, so that its `.choices` may be set."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a ChoiceField")
    return field
