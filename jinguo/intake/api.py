"""No JSON API yet: the public form and the staff pages are HTML only."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
