"""The org tree in the admin: names and codes, read-only, enough to pick an account's unit."""

from jinguo.orgs.models import OrgUnit


def test_the_system_admin_picks_a_unit_by_name_for_an_account(cast, login, tree):
    client = login(cast.system_admin)
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "accounts",
            "model_name": "user",
            "field_name": "org",
            "term": tree.songhe.name,
        },
    )
    assert response.status_code == 200
    assert {"id": str(tree.songhe.pk), "text": tree.songhe.name} in response.json()["results"]


def test_the_system_admin_reads_the_tree_but_cannot_change_or_add_to_it(cast, login, tree):
    client = login(cast.system_admin)
    url = f"/admin/orgs/orgunit/{tree.songhe.pk}/change/"
    assert client.get(url).status_code == 200
    client.post(url, {"name": "改名", "code": tree.songhe.code, "kind": tree.songhe.kind})
    assert OrgUnit.objects.get(pk=tree.songhe.pk).name == tree.songhe.name
    assert client.get("/admin/orgs/orgunit/add/").status_code == 403


def test_the_org_change_page_shows_no_venue(cast, login, tree):
    html = (
        login(cast.system_admin)
        .get(f"/admin/orgs/orgunit/{tree.songhe.pk}/change/")
        .content.decode()
    )
    assert "venue" not in html.lower()
