"""Error answers (jinguo.common.errors): pages in Chinese (or English) with a way back, and on
/api/ the API's error shape, {"message", "extra"}, never an HTML page. The test runner runs with
DEBUG off, as production does."""

import pytest
from django.test import Client

URLS = "jinguo.common.tests.error_urls"


def _is_api_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"message", "extra"} and body["message"]
    return body


def test_an_unknown_page_answers_in_chinese_with_a_way_home(cast, login):
    response = login(cast.county_cadre).get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and "返回首页" in page and 'href="/"' in page
    assert "Not Found" not in page


def test_a_record_outside_the_scope_answers_the_same_chinese_404(cast, tree, login):
    response = login(cast.county_cadre).get(f"/orgs/{tree.langxi.pk}/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_refused_page_answers_in_chinese(cast, login):
    response = login(cast.songhe_chair).get("/audit/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "返回首页" in page
    assert "403 Forbidden" not in page


def test_the_error_pages_follow_the_chosen_language(cast, login):
    client = login(cast.county_cadre)
    client.cookies["django_language"] = "en"
    page = client.get("/no-such-page/").content.decode()
    assert "Page not found" in page and "页面不存在" not in page


def test_the_back_link_leads_only_to_our_own_pages(cast, login):
    client = login(cast.county_cadre)
    ours = client.get("/no-such-page/", HTTP_REFERER="http://testserver/households/")
    assert 'href="http://testserver/households/"' in ours.content.decode()
    assert "返回上一页" in ours.content.decode()
    theirs = client.get("/no-such-page/", HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in theirs.content.decode()
    assert "返回上一页" not in theirs.content.decode()


def test_a_bad_host_answers_a_chinese_400(db):
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


@pytest.mark.urls(URLS)
def test_a_server_error_answers_a_chinese_page_with_a_way_home(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.county_cadre)
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "系统错误" in page and "返回首页" in page and 'href="/"' in page


def test_the_500_page_needs_no_request_context_and_no_database(rf):
    """No `db` fixture: any query here would fail the test."""
    from jinguo.common.errors import server_error

    response = server_error(rf.get("/households/"))
    assert response.status_code == 500
    assert "系统错误" in response.content.decode()


@pytest.mark.urls(URLS)
def test_a_failed_csrf_check_answers_a_chinese_page(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.county_cadre)
    response = client.post("/plain/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "CSRF verification failed" not in page


@pytest.mark.urls(URLS)
def test_too_many_requests_answers_a_chinese_429(cast, login):
    response = login(cast.county_cadre).get("/limited/")
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()


def test_an_unknown_api_address_answers_json(cast, login):
    body = _is_api_error(login(cast.county_cadre).get("/api/v1/no-such-thing/"), 404)
    assert body["extra"] == {}


def test_an_api_record_outside_the_scope_answers_json(cast, tree, login):
    _is_api_error(login(cast.county_cadre).get(f"/api/v1/orgs/{tree.langxi.pk}/"), 404)


def test_an_api_call_signed_out_answers_json(db):
    _is_api_error(Client().get("/api/v1/orgs/"), 403)


def test_an_api_method_not_allowed_answers_json(cast, login):
    _is_api_error(login(cast.county_cadre).delete("/api/v1/orgs/"), 405)


def test_a_leaders_api_write_answers_json(cast, login):
    client = login(cast.county_leader)
    response = client.post("/api/v1/orgs/", {}, content_type="application/json")
    assert response.status_code in (400, 403)
    _is_api_error(response, response.status_code)


@pytest.mark.urls(URLS)
def test_an_api_server_error_answers_json(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.county_cadre)
    body = _is_api_error(client.get("/api/v1/boom/"), 500)
    assert "a bug" not in body["message"]


@pytest.mark.urls(URLS)
def test_a_failed_csrf_check_on_the_api_answers_json(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.county_cadre)
    _is_api_error(client.post("/api/v1/plain/"), 403)


@pytest.mark.urls(URLS)
def test_too_many_requests_on_the_api_answers_json(cast, login):
    _is_api_error(login(cast.county_cadre).get("/api/v1/limited/"), 429)


def test_a_bad_host_on_the_api_answers_json(db):
    _is_api_error(Client().get("/api/v1/orgs/", HTTP_HOST="evil.example"), 400)
