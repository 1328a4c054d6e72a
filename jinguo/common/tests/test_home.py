import re

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("city_cadre", "郎溪县"),
        ("county_cadre", "河沥溪街道"),
        ("songhe_chair", "巫山组网格"),
        ("wushan_member", "巫山组网格"),
        ("county_leader", "只读查看"),
    ],
)
def test_each_business_role_lands_on_its_own_scope(cast, login, username, expected):
    response = login(getattr(cast, username)).get(reverse("home"))
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_village_chair_home_does_not_mention_other_villages(cast, login):
    html = login(cast.songhe_chair).get(reverse("home")).content.decode()
    assert "港口村" not in html and "郎溪县" not in html


@pytest.mark.parametrize(
    ("username", "target"),
    [("security_admin", "/accounts/security/"), ("audit_admin", "/audit/")],
)
def test_security_and_audit_admins_land_on_their_own_tools(cast, login, username, target):
    response = login(getattr(cast, username)).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == target


def test_system_admin_home_counts_accounts_by_role_with_links(cast, login):
    html = login(cast.system_admin).get(reverse("home")).content.decode()
    assert "/admin/accounts/user/?role__exact=cadre" in html


def test_pages_load_front_end_libraries_from_our_own_static_files(cast, login):
    html = login(cast.songhe_chair).get(reverse("home")).content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "https://" not in html and "http://" not in html
    # Only the addresses: the page's random CSRF tokens may spell "cdn" (a run did).
    addresses = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert addresses and not any(a.startswith("//") or "cdn" in a.lower() for a in addresses)
