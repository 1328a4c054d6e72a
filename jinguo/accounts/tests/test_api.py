import pytest

ME = "/api/v1/me/"


def test_me_describes_a_cadre_and_her_org(tree, cast, login):
    response = login(cast.songhe_chair).get(ME)
    assert response.status_code == 200
    assert response.json() == {
        "username": "songhe_chair",
        "full_name": cast.songhe_chair.full_name,
        "role": "cadre",
        "role_label": "妇联干部",
        "org": {"id": tree.songhe.pk, "name": "嵩合社区", "kind": "community"},
        "can_write": True,
    }


def test_me_tells_a_leader_she_cannot_write(tree, cast, login):
    body = login(cast.county_leader).get(ME).json()
    assert body["role"] == "leader" and body["can_write"] is False
    assert body["org"]["id"] == tree.ningguo.pk


@pytest.mark.parametrize("username", ["system_admin", "security_admin", "audit_admin"])
def test_me_gives_administrators_no_org(cast, login, username):
    body = login(getattr(cast, username)).get(ME).json()
    assert body["username"] == username
    assert body["org"] is None and body["can_write"] is False


def test_me_refuses_anonymous_callers(db, client):
    response = client.get(ME)
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"message", "extra"}


def test_me_refuses_a_disabled_account(cast, client):
    client.force_login(cast.songhe_chair)
    type(cast.songhe_chair).objects.filter(pk=cast.songhe_chair.pk).update(is_active=False)
    assert client.get(ME).status_code in (401, 403)
