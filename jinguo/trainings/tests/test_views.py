import io
import re

import openpyxl
import pytest
from django.urls import reverse

from jinguo.audit.models import AuditEvent
from jinguo.trainings.models import Course, Enrolment, Session
from jinguo.trainings.selectors import coverage_links
from jinguo.trainings.tests.conftest import END, START


def course_urls(c: Course) -> list[tuple[str, str]]:
    return [
        ("get", reverse("trainings:course", args=[c.pk])),
        ("get", reverse("trainings:session_create", args=[c.pk])),
        ("post", reverse("trainings:enrol", args=[c.pk])),
        ("post", reverse("trainings:session_create", args=[c.pk])),
    ]


def session_urls(s: Session) -> list[tuple[str, str]]:
    return [
        ("get", reverse("trainings:session", args=[s.pk])),
        ("post", reverse("trainings:session_held", args=[s.pk])),
        ("post", reverse("trainings:session_cancel", args=[s.pk])),
        ("post", reverse("trainings:session_attendance", args=[s.pk])),
    ]


def test_gangkou_chair_cannot_see_songhe_course_or_its_sessions(plan, cast, login):
    client = login(cast.gangkou_chair)
    for method, url in course_urls(plan.b) + session_urls(plan.b1):
        assert getattr(client, method)(url).status_code == 404, url


def test_langxi_cadre_cannot_see_the_townships_course(plan, cast, login):
    client = login(cast.langxi_cadre)
    for method, url in course_urls(plan.a) + session_urls(plan.a1):
        assert getattr(client, method)(url).status_code == 404, url


def test_songhe_chair_does_not_see_the_course_the_township_offers(plan, cast, login):
    # THE rule: a course is visible to users whose scope contains the course's org.
    assert (
        login(cast.songhe_chair).get(reverse("trainings:course", args=[plan.a.pk])).status_code
        == 404
    )


def test_the_township_sees_the_songhe_course(plan, cast, login):
    response = login(cast.township_cadre).get(reverse("trainings:course", args=[plan.b.pk]))
    assert response.status_code == 200 and "居民甲" in response.content.decode()


def test_a_leader_gets_403_on_every_write(plan, cast, login):
    client = login(cast.county_leader)
    assert client.get(reverse("trainings:course", args=[plan.a.pk])).status_code == 200
    assert client.post(reverse("trainings:create"), {"title": "x"}).status_code == 403
    for method, url in course_urls(plan.a)[1:] + session_urls(plan.a1)[1:]:
        assert getattr(client, method)(url).status_code == 403, url


def test_administrators_see_no_trainings(plan, cast, login):
    client = login(cast.system_admin)
    for name in ("list", "sessions", "attendance", "coverage", "figures"):
        assert client.get(reverse(f"trainings:{name}")).status_code == 404


def test_a_cadre_creates_a_course_and_a_bad_form_keeps_what_she_typed(plan, cast, tree, login):
    client = login(cast.township_cadre)
    bad = {"org": tree.helixi.pk, "title": "数字技能入门", "topic": "digital", "audience": "both"}
    response = client.post(reverse("trainings:create"), {**bad, "planned_hours": "abc"})
    assert response.status_code == 200 and "数字技能入门" in response.content.decode()
    response = client.post(reverse("trainings:create"), {**bad, "planned_hours": "6"})
    created = Course.objects.get(title="数字技能入门")
    assert response.status_code == 302 and response.url == reverse(
        "trainings:course", args=[created.pk]
    )


def test_a_course_cannot_be_created_at_an_org_out_of_scope(plan, cast, tree, login):
    body = {"org": tree.dongmen.pk, "title": "越界", "topic": "other", "audience": "both"}
    response = login(cast.township_cadre).post(
        reverse("trainings:create"), {**body, "planned_hours": "2"}
    )
    assert response.status_code == 200 and "组织不存在" in response.content.decode()
    assert not Course.objects.filter(title="越界").exists()


def test_enrolling_a_person_of_another_village_is_a_form_error(plan, cast, people, login):
    url = reverse("trainings:enrol", args=[plan.b.pk])
    response = login(cast.songhe_chair).post(url, {"people": [people.gangkou_exec.pk]})
    assert response.status_code == 200 and "不存在" in response.content.decode()
    assert not Enrolment.objects.filter(course=plan.b, person=people.gangkou_exec).exists()


def test_a_session_form_rejects_bad_hours_and_keeps_the_place(plan, cast, login):
    url = reverse("trainings:session_create", args=[plan.b.pk])
    response = login(cast.songhe_chair).post(
        url, {"held_on": "2025-09-01", "hours": "20", "place": "社区二楼"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "社区二楼" in html and "0.5" in html


def test_the_tick_sheet_saves_attendance_with_htmx(plan, cast, people, login):
    client = login(cast.township_cadre)
    url = reverse("trainings:session_attendance", args=[plan.a1.pk])
    response = client.post(
        url,
        {"attended": [people.chengjiawan_exec.pk], "walk_ins": [plan.resident.pk]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "出勤已保存：2人" in response.content.decode()
    present = set(plan.a1.attendances.filter(attended=True).values_list("person_id", flat=True))
    assert present == {people.chengjiawan_exec.pk, plan.resident.pk}


def test_the_tick_sheet_shows_a_service_error(plan, cast, login):
    planned = Session.objects.create(course=plan.a, held_on=START, hours=2, place="x")
    url = reverse("trainings:session_attendance", args=[planned.pk])
    response = login(cast.township_cadre).post(url, {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "确认举办后才能登记出勤" in response.content.decode()


def test_marking_held_goes_through_the_service(plan, cast, login):
    planned = Session.objects.create(course=plan.a, held_on=START, hours=2, place="x")
    response = login(cast.township_cadre).post(reverse("trainings:session_held", args=[planned.pk]))
    planned.refresh_from_db()
    assert response.status_code == 302 and planned.status == Session.Status.HELD


def count_rows(client, url: str, css: str) -> int:
    html = client.get(url).content.decode()
    return len(re.findall(css, html))


@pytest.mark.parametrize("user", ["township_cadre", "songhe_chair"])
def test_each_figure_links_to_a_list_of_exactly_the_records_counted(plan, cast, tree, login, user):
    actor = getattr(cast, user)
    org = actor.org
    client = login(actor)
    response = client.get(reverse("trainings:figures"), {"org": org.pk, "start": START, "end": END})
    figures = {f.key: f for f in response.context["figures"]}
    assert (
        count_rows(client, figures["trainings.sessions"].url, "session-row")
        == figures["trainings.sessions"].value
    )
    assert (
        count_rows(client, figures["trainings.person_times"].url, "attendance-row")
        == figures["trainings.person_times"].value
    )
    assert (
        count_rows(client, figures["trainings.trainees"].url, "trainee-row")
        == figures["trainings.trainees"].value
    )
    total = response.context["figures"]
    assert total  # the untrained list: executives minus trained
    links = coverage_links(org=org, start=START, end=END)
    untrained = count_rows(client, links["untrained"], "untrained-row")
    from jinguo.trainings.selectors import training_coverage

    counts = training_coverage(user=actor, org=org, start=START, end=END).total
    assert untrained == counts.executives - counts.executives_trained


def test_the_coverage_page_links_every_child_number(plan, cast, tree, login):
    response = login(cast.township_cadre).get(
        reverse("trainings:coverage"), {"org": tree.helixi.pk, "start": START, "end": END}
    )
    html = response.content.decode()
    assert response.status_code == 200
    child = coverage_links(org=tree.songhe, start=START, end=END)
    for url in child.values():
        assert url.replace("&", "&amp;") in html


def test_a_persons_training_record_page(plan, cast, people, login):
    response = login(cast.songhe_chair).get(
        reverse("trainings:person", args=[people.wushan_exec.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.count("record-row") == 3 and "6.5" in html
    other = login(cast.gangkou_chair).get(reverse("trainings:person", args=[people.wushan_exec.pk]))
    assert other.status_code == 404


def read_xlsx(response) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows(values_only=True))


def test_the_session_export_has_person_times_and_is_audited(plan, cast, tree, login):
    response = login(cast.township_cadre).get(
        reverse("trainings:sessions_export"), {"org": tree.helixi.pk, "status": "held"}
    )
    rows = read_xlsx(response)
    assert rows[0] == ("课程", "主办组织", "日期", "学时", "地点", "授课人", "状态", "出勤人次")
    assert len(rows) == 1 + 4
    assert sorted(r[-1] for r in rows[1:]) == [1, 1, 2, 2]
    assert AuditEvent.objects.filter(action="trainings.export").count() == 1


def test_the_attendance_export_has_no_id_numbers(plan, cast, tree, login):
    response = login(cast.songhe_chair).get(
        reverse("trainings:attendance_export"), {"start": START, "end": END}
    )
    rows = read_xlsx(response)
    assert rows[0] == ("姓名", "所属组织", "课程", "日期", "学时")
    assert len(rows) == 1 + 4
    assert AuditEvent.objects.filter(action="trainings.export", actor=cast.songhe_chair).exists()


def test_every_page_renders_for_the_township(plan, cast, tree, people, login):
    client = login(cast.township_cadre)
    period = f"org={tree.helixi.pk}&start={START}&end={END}"
    urls = [
        reverse("trainings:list"),
        reverse("trainings:list") + "?topic=policy&q=执委",
        reverse("trainings:create"),
        reverse("trainings:course", args=[plan.a.pk]),
        reverse("trainings:session_create", args=[plan.a.pk]),
        reverse("trainings:session", args=[plan.a1.pk]),
        reverse("trainings:session", args=[plan.a3.pk]),
        reverse("trainings:sessions") + f"?{period}&course={plan.a.pk}",
        reverse("trainings:attendance") + f"?{period}",
        reverse("trainings:trainees") + f"?{period}",
        reverse("trainings:untrained") + f"?{period}",
        reverse("trainings:coverage") + f"?{period}",
        reverse("trainings:figures") + f"?{period}",
        reverse("trainings:person", args=[people.gangkou_exec.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    sheet = client.get(reverse("trainings:session", args=[plan.a1.pk])).content.decode()
    assert sheet.count('name="attended"') == 3 and 'name="q"' in sheet


def test_the_course_list_filters_as_she_types(plan, cast, login):
    response = login(cast.township_cadre).get(
        reverse("trainings:list"), {"q": "家庭"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "家庭教育指导" in html and "执委履职能力培训" not in html and "<html" not in html


def test_a_refused_tick_sheet_keeps_her_ticks(plan, cast, people, login):
    url = reverse("trainings:session_attendance", args=[plan.a1.pk])
    response = login(cast.township_cadre).post(
        url,
        {"attended": [people.chengjiawan_exec.pk], "walk_ins": [plan.dongmen.pk]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "不存在" in html
    ticked = re.findall(r'name="attended" value="(\d+)" checked', html)
    assert ticked == [str(people.chengjiawan_exec.pk)]
