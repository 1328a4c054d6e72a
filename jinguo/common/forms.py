from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

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
