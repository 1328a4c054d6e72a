import pytest

from jinguo.intake import services
from jinguo.intake.models import IntakePoint, Submission
from jinguo.intake.tests.test_services import close

FORM = {"kind": "request", "content": "门口积水严重", "name": "", "phone": "13905631234"}


def post(client, point, ip="10.0.0.9", **extra):
    url = f"/intake/p/{point.token}/"
    return client.post(url, {**FORM, **extra}, REMOTE_ADDR=ip)


def test_the_public_form_needs_no_account(client, point):
    response = client.get(f"/intake/p/{point.token}/")
    assert response.status_code == 200
    assert "有事您说话" in response.content.decode()


def test_submitting_redirects_to_the_receipt(client, point):
    response = post(client, point)
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/intake/r/{submission.receipt}/"


def test_the_sixth_submission_from_one_ip_gets_429(client, point):
    for _ in range(5):
        assert post(client, point).status_code == 302
    response = post(client, point)
    assert response.status_code == 429
    assert "提交太频繁" in response.content.decode()
    assert Submission.objects.count() == 5


def test_a_filled_honeypot_is_refused_and_nothing_created(client, point):
    response = post(client, point, website="http://spam.example")
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_unknown_or_inactive_tokens_are_404(client, point):
    assert client.get("/intake/p/nope/").status_code == 404
    assert client.get("/intake/r/nope/").status_code == 404
    IntakePoint.objects.filter(pk=point.pk).update(is_active=False)
    assert client.get(f"/intake/p/{point.token}/").status_code == 404


def test_the_receipt_shows_status_and_only_the_masked_own_phone(client, file):
    mine = file(name="王阿姨")
    other = file(name="李大姐", phone="13800001111", content="别人的事情")
    page = client.get(f"/intake/r/{mine.receipt}/").content.decode()
    assert "已收到，等待受理" in page and mine.case.number in page
    assert "139****1234" in page
    for secret in ("13905631234", "王阿姨", "李大姐", "13800001111", "别人的事情"):
        assert secret not in page
    assert other.receipt not in page


def test_rating_through_the_receipt_page(client, file, people):
    submission = file()
    url = f"/intake/r/{submission.receipt}/"
    early = client.post(url, {"rating": "5"})
    assert early.status_code == 200 and "办结后才能评价" in early.content.decode()
    close(submission.case, people.wushan_exec)
    assert client.post(url, {"rating": "5", "note": "好"}).status_code == 302
    assert Submission.objects.get().rating == 5
    assert "您的评价：5 分" in client.get(url).content.decode()


def test_staff_list_points_with_inline_qr_codes(login, cast, tree, point, count_queries):
    client = login(cast.songhe_chair)
    services.intake_point_create(actor=cast.songhe_chair, org=tree.chengjiawan)
    response = client.get(f"/intake/points/?org={tree.songhe.pk}")
    page = response.content.decode()
    assert response.status_code == 200 and page.count("<svg") == 2
    assert f"/intake/p/{point.token}/" in page
    one = count_queries(lambda: client.get(f"/intake/points/?org={tree.songhe.pk}"))
    services.intake_point_create(actor=cast.songhe_chair, org=tree.songhe)
    assert count_queries(lambda: client.get(f"/intake/points/?org={tree.songhe.pk}")) == one


def test_another_villages_points_are_404(login, cast, tree, point):
    client = login(cast.gangkou_chair)
    assert client.get(f"/intake/points/?org={tree.songhe.pk}").status_code == 404
    assert client.get(f"/intake/points/{point.pk}/qr.png").status_code == 404
    response = client.post("/intake/points/new/", {"org": tree.songhe.pk})
    assert response.status_code == 404


def test_creating_a_point(login, cast, tree):
    client = login(cast.songhe_chair)
    response = client.post("/intake/points/new/", {"org": tree.wushan.pk})
    assert response.status_code == 302
    assert IntakePoint.objects.get().org == tree.wushan


def test_a_leader_may_look_but_not_create(login, cast, tree, point):
    client = login(cast.county_leader)
    assert client.get(f"/intake/points/?org={tree.songhe.pk}").status_code == 200
    assert client.post("/intake/points/new/", {"org": tree.wushan.pk}).status_code == 403


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("png", "image/png", b"\x89PNG"),
        ("svg", "image/svg+xml", b"<?xml"),
    ],
)
def test_the_qr_code_downloads_as_an_image(login, cast, point, fmt, content_type, magic):
    response = login(cast.songhe_chair).get(f"/intake/points/{point.pk}/qr.{fmt}")
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response.content.startswith(magic)


def test_anonymous_staff_pages_ask_to_log_in(client, point):
    assert client.get("/intake/points/").status_code == 302


def test_behind_a_trusted_proxy_the_limit_counts_the_residents_address(client, point, settings):
    # nginx appends the real peer last: residents behind one proxy are still told apart, and a
    # forged first entry does not let one resident pass as many.
    settings.JINGUO_TRUST_X_FORWARDED_FOR = True
    from django.test import RequestFactory

    from jinguo.audit.middleware import client_ip

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.7")
    assert client_ip(request) == "10.0.0.7"
