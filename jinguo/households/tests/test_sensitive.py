"""Issue 8: sensitive categories (低保, 残疾 …) and minors, masked by role (households.policy).

On the ledger of conftest: WS-001 (巫山组网格) holds 低保 and, here, 残疾 and 独居老人, and a
child 王小明 born eight years ago. wushan_member (grid member) sees them in clear; the cadres
see 「敏感类别」 and 王*, and may reveal one household with a reason; leaders never.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.households.models import Category, held_categories
from jinguo.households.services import household_set_categories, resident_add, resident_remove
from jinguo.households.tests.factories import household, person
from jinguo.people.models import Person

MINOR = "王小明"
REASON = {"purpose": "visit", "reason": "入户走访核对情况"}


def _years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


@pytest.fixture
def family(ledger, tree):
    """WS-001 with two sensitive categories, one that is not, and a child."""
    categories = Category.objects.filter(code__in=["dibao", "disabled", "elderly_alone"])
    household_set_categories(actor=None, household=ledger.h1, categories=categories)
    child = Person.objects.create(org=tree.wushan, name=MINOR, gender="M", birth_date=_years_ago(8))
    resident_add(actor=None, household=ledger.h1, person=child, relation="child")
    ledger.child = child
    return ledger


def html(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def ledger_rows(client, **params) -> str:
    """The ledger's rows only (the htmx fragment): the page's filter lists every category."""
    response = client.get(reverse("households:list"), params, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def badges(text: str) -> list[str]:
    """The category badges (the assignment kind badges have no me-1)."""
    return re.findall(r'<span class="badge text-bg-light(?: border)? me-1">([^<]+)</span>', text)


def unmask_events():
    return AuditEvent.objects.filter(action="household.unmask")


# --- who sees what -----------------------------------------------------------------------------


def test_grid_member_sees_the_sensitive_categories_and_the_child_in_clear(family, cast, login):
    client = login(cast.wushan_member)
    detail = html(client, reverse("households:detail", args=[family.h1.pk]))
    assert badges(detail) == ["低保", "残疾", "独居老人"]
    assert MINOR in detail
    assert reverse("households:reveal", args=[family.h1.pk]) not in detail  # nothing to reveal
    assert "低保" in ledger_rows(client)


def test_cadre_sees_one_sensitive_badge_for_two_hidden_categories_on_the_page(family, cast, login):
    detail = html(login(cast.songhe_chair), reverse("households:detail", args=[family.h1.pk]))
    assert badges(detail) == ["敏感类别", "独居老人"]
    assert "低保" not in detail and "残疾" not in detail


def test_cadre_sees_a_minor_by_family_name_only_and_may_reveal(family, cast, login):
    detail = html(login(cast.songhe_chair), reverse("households:detail", args=[family.h1.pk]))
    assert MINOR not in detail and "王*" in detail
    assert reverse("households:reveal", args=[family.h1.pk]) in detail


def test_cadre_sees_the_sensitive_label_in_the_ledger(family, cast, login):
    rows = ledger_rows(login(cast.songhe_chair))
    assert "低保" not in rows and "残疾" not in rows
    cards, table = rows.split('id="household-table"')  # a phone's cards, then the table
    assert cards.count("敏感类别") == 2  # WS-001 and WS-002 (低保): one badge each
    assert table.count("敏感类别") == 2


def test_leader_sees_them_masked_and_is_not_offered_a_reveal(family, cast, login):
    detail = html(login(cast.county_leader), reverse("households:detail", args=[family.h1.pk]))
    assert "低保" not in detail and MINOR not in detail and "敏感类别" in detail
    assert reverse("households:reveal", args=[family.h1.pk]) not in detail


def test_a_household_with_nothing_sensitive_offers_no_reveal(family, cast, login):
    detail = html(login(cast.songhe_chair), reverse("households:detail", args=[family.h3.pk]))
    assert reverse("households:reveal", args=[family.h3.pk]) not in detail


# --- revealing one household ------------------------------------------------------------------


def test_reveal_without_a_reason_shows_a_chinese_error_and_audits_nothing(family, cast, login):
    client = login(cast.songhe_chair)
    url = reverse("households:reveal", args=[family.h1.pk])
    blank = client.post(url, {"reason": " "}).content.decode()
    assert "请选择查看目的" in blank and "请具体说明事由" in blank
    short = client.post(url, {"purpose": "visit", "reason": "看"}).content.decode()
    assert "至少5个字" in short
    assert "低保" not in blank + short and MINOR not in blank + short
    assert not unmask_events().exists()


def test_reveal_with_a_reason_shows_everything_once_and_audits_it(family, cast, login):
    client = login(cast.songhe_chair)
    url = reverse("households:reveal", args=[family.h1.pk])
    data = {"purpose": "visit", "reason": "低保年审入户核对"}
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "低保" in text and "残疾" in text and MINOR in text
    # The birth year only: the ID numbers on the page stay masked (issue 20).
    birth = family.child.birth_date
    assert birth.isoformat() not in text and f"{birth.year}）" in text
    assert "no-store" in response["Cache-Control"]
    event = unmask_events().get()
    assert (event.actor, event.note) == (cast.songhe_chair, "入户走访核实身份：低保年审入户核对")
    assert event.changes["purpose"] == "visit"
    assert event.target_id == str(family.h1.pk)
    # Once: the page itself stays masked afterwards.
    detail = html(client, reverse("households:detail", args=[family.h1.pk]))
    assert "低保" not in detail


@pytest.mark.parametrize("who", ["county_leader", "audit_admin"])
def test_leaders_and_administrators_cannot_reveal(family, cast, login, who):
    """403 whatever the household: the role decides before the scope."""
    client = login(getattr(cast, who))
    url = reverse("households:reveal", args=[family.h1.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, REASON).status_code == 403
    assert not unmask_events().exists()


def test_a_cadre_of_another_village_gets_404_on_reveal(family, cast, login):
    client = login(cast.gangkou_chair)
    url = reverse("households:reveal", args=[family.h1.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, REASON).status_code == 404
    assert not unmask_events().exists()


# --- lists by a sensitive category -------------------------------------------------------------


def test_listing_by_a_sensitive_category_is_audited(family, cast, login):
    ledger_rows(login(cast.songhe_chair), category=family.dibao.pk)
    event = AuditEvent.objects.get(action="household.sensitive_list")
    assert event.actor == cast.songhe_chair and event.target_id == str(family.dibao.pk)


def test_listing_by_a_category_that_is_not_sensitive_is_not_audited(family, cast, login):
    alone = Category.objects.get(code="elderly_alone")
    ledger_rows(login(cast.songhe_chair), category=alone.pk)
    assert not AuditEvent.objects.filter(action="household.sensitive_list").exists()


def test_grid_member_listing_her_own_low_income_households_is_not_audited(family, cast, login):
    ledger_rows(login(cast.wushan_member), category=family.dibao.pk)
    assert not AuditEvent.objects.filter(action="household.sensitive_list").exists()


def test_the_api_list_by_a_sensitive_category_is_audited(family, cast, client):
    client.force_login(cast.county_leader)
    client.get("/api/v1/households/", {"category": family.dibao.pk})
    assert AuditEvent.objects.filter(
        action="household.sensitive_list", actor=cast.county_leader
    ).exists()


# --- history -----------------------------------------------------------------------------------


def test_history_does_not_name_sensitive_categories_or_the_child_to_a_cadre(family, cast, login):
    url = reverse("households:history", args=[family.h1.pk])
    masked = html(login(cast.songhe_chair), url)
    assert "敏感类别" in masked and "独居老人" in masked
    assert "低保" not in masked and "残疾" not in masked
    assert MINOR not in masked and "王*" in masked
    clear = html(login(cast.wushan_member), url)
    assert "低保" in clear and MINOR in clear


def test_history_keeps_a_child_who_left_the_household_masked(family, cast, login):
    resident_remove(actor=None, household=family.h1, person=family.child)
    masked = html(login(cast.songhe_chair), reverse("households:history", args=[family.h1.pk]))
    assert MINOR not in masked and "王*" in masked


def test_history_masks_categories_an_import_recorded_by_id(family, cast, login):
    dibao = family.dibao
    family.h1.changes.create(
        actor=None, action="import", old={"categories": []}, new={"categories": [dibao.pk]}
    )
    masked = html(login(cast.songhe_chair), reverse("households:history", args=[family.h1.pk]))
    assert re.search(r"重点类别：\s*敏感类别", masked)


# --- the categories form -----------------------------------------------------------------------


def test_a_cadres_categories_form_does_not_tick_the_sensitive_ones(family, cast, login):
    client = login(cast.songhe_chair)
    response = client.get(reverse("households:categories", args=[family.h1.pk]))
    form = response.context["form"]
    assert [c.name for c in form.fields["categories"].queryset if c.sensitive] == []
    assert form.initial["categories"] == [Category.objects.get(code="elderly_alone").pk]
    assert "sensitive_add" in form.fields and "sensitive_remove" in form.fields
    assert response.content.decode().count("checked") == 1  # 独居老人 only


def test_a_cadre_saving_the_form_keeps_the_hidden_categories(family, cast, login):
    url = reverse("households:categories", args=[family.h1.pk])
    # Every box unticked (独居老人 removed): the hidden 低保 and 残疾 stay.
    assert login(cast.songhe_chair).post(url, {"since": ""}).status_code == 302
    assert sorted(c.code for c in held(family.h1)) == ["dibao", "disabled"]


def test_a_cadre_adds_and_removes_sensitive_categories_without_seeing_them(family, cast, login):
    client = login(cast.songhe_chair)
    url = reverse("households:categories", args=[family.h1.pk])
    alone, tekun = Category.objects.get(code="elderly_alone"), Category.objects.get(code="tekun")
    data = {
        "categories": [alone.pk],
        "sensitive_add": [tekun.pk, family.dibao.pk],  # 低保 already held: nothing changes
        "sensitive_remove": [Category.objects.get(code="disabled").pk],
    }
    assert client.post(url, data).status_code == 302
    codes = sorted(c.code for c in held(family.h1))
    assert codes == ["dibao", "elderly_alone", "tekun"]


def test_adding_and_removing_the_same_category_is_refused(family, cast, login):
    url = reverse("households:categories", args=[family.h1.pk])
    data = {"sensitive_add": [family.dibao.pk], "sensitive_remove": [family.dibao.pk]}
    response = login(cast.songhe_chair).post(url, data)
    assert "同一类别不能同时添加和移除。" in response.content.decode()


def test_a_grid_members_categories_form_ticks_everything_held(family, cast, login):
    response = login(cast.wushan_member).get(reverse("households:categories", args=[family.h1.pk]))
    form = response.context["form"]
    assert "sensitive_add" not in form.fields
    assert sorted(form.initial["categories"]) == sorted(c.pk for c in held(family.h1))


# --- the API -----------------------------------------------------------------------------------


def test_api_masks_categories_and_the_child_for_a_cadre(family, cast, client):
    client.force_login(cast.songhe_chair)
    detail = client.get(f"/api/v1/households/{family.h1.pk}/").json()
    assert [c["name"] for c in detail["categories"]] == ["敏感类别", "独居老人"]
    assert detail["categories"][0]["id"] is None
    assert MINOR not in str(detail) and "王*" in [r["name"] for r in detail["residents"]]
    rows = client.get("/api/v1/households/").json()["results"]
    assert "低保" not in str(rows)


def test_api_shows_the_grid_member_everything(family, cast, client):
    client.force_login(cast.wushan_member)
    detail = client.get(f"/api/v1/households/{family.h1.pk}/").json()
    assert [c["name"] for c in detail["categories"]] == ["低保", "残疾", "独居老人"]
    assert MINOR in [r["name"] for r in detail["residents"]]


def test_api_unmask_needs_a_reason_and_is_audited(family, cast, client):
    client.force_login(cast.songhe_chair)
    url = f"/api/v1/households/{family.h1.pk}/unmask/"
    short = {"purpose": "assistance", "reason": "看"}
    assert client.post(url, short, content_type="application/json").status_code == 400
    no_purpose = {"reason": "临时救助申请核对"}
    assert client.post(url, no_purpose, content_type="application/json").status_code == 400
    assert not unmask_events().exists()
    data = {"purpose": "assistance", "reason": "临时救助申请核对"}
    response = client.post(url, data, content_type="application/json")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    body = response.json()
    assert {c["name"] for c in body["categories"]} == {"低保", "残疾", "独居老人"}
    assert [m["name"] for m in body["minors"]] == [MINOR]
    assert [m["birth_year"] for m in body["minors"]] == [family.child.birth_date.year]
    assert unmask_events().get().note == "办理救助/帮扶事项：临时救助申请核对"


def test_api_unmask_is_refused_to_a_leader_and_hidden_from_another_village(family, cast, client):
    url = f"/api/v1/households/{family.h1.pk}/unmask/"
    client.force_login(cast.county_leader)
    assert client.post(url, REASON, content_type="application/json").status_code == 403
    client.force_login(cast.gangkou_chair)
    assert client.post(url, REASON, content_type="application/json").status_code == 404
    assert not unmask_events().exists()


# --- people pages and API ----------------------------------------------------------------------


def test_a_cadre_sees_the_child_on_the_people_pages_by_family_name_and_birth_year(
    family, cast, login
):
    client = login(cast.songhe_chair)
    page = html(client, reverse("people:detail", args=[family.child.pk]))
    birth = family.child.birth_date
    assert MINOR not in page and "王*" in page
    assert birth.isoformat() not in page and str(birth.year) in page
    assert reverse("households:reveal", args=[family.h1.pk]) in page
    rows = html(client, reverse("people:list"), q="王")
    assert MINOR not in rows and "王*" in rows


def test_the_people_picker_shows_a_cadre_the_child_by_family_name(family, cast, login):
    rows = html(login(cast.songhe_chair), reverse("people:pick"), q="王小明", field="people")
    assert MINOR not in rows and "王*" in rows


def test_the_grid_member_sees_the_childs_name_and_only_the_birth_year(family, cast, login):
    """Her name in clear; the birth date, beside the masked ID number, as the year (issue 20)."""
    page = html(login(cast.wushan_member), reverse("people:detail", args=[family.child.pk]))
    birth = family.child.birth_date
    assert MINOR in page and birth.isoformat() not in page and str(birth.year) in page


def test_people_api_gives_a_cadre_the_childs_family_name_and_birth_year(family, cast, client):
    client.force_login(cast.songhe_chair)
    body = client.get(f"/api/v1/people/{family.child.pk}/").json()
    assert (body["name"], body["birth_year"]) == ("王*", family.child.birth_date.year)
    client.force_login(cast.wushan_member)
    body = client.get(f"/api/v1/people/{family.child.pk}/").json()
    assert (body["name"], body["birth_year"]) == (MINOR, family.child.birth_date.year)
    assert "birth_date" not in body


# --- lists keep their query counts -------------------------------------------------------------


@pytest.mark.parametrize("who", ["songhe_chair", "wushan_member"])
def test_masking_the_ledger_does_not_query_per_row(family, cast, login, tree, count_queries, who):
    client = login(getattr(cast, who))
    url = reverse("households:list")
    few = count_queries(lambda: client.get(url))
    sensitive = list(Category.objects.filter(code__in=["dibao", "tekun", "elderly_alone"]))
    for i in range(6):
        child = person(tree.wushan, f"张{i}")
        child.birth_date = _years_ago(10)
        child.save()
        h = household(tree.wushan, f"S{i:03d}", head=child)
        household_set_categories(actor=None, household=h, categories=sensitive)
    assert count_queries(lambda: client.get(url)) == few


def test_masking_the_api_list_does_not_query_per_row(family, cast, client, tree, count_queries):
    client.force_login(cast.songhe_chair)
    url = "/api/v1/households/"
    few = count_queries(lambda: client.get(url))
    sensitive = list(Category.objects.filter(code__in=["dibao", "tekun"]))
    for i in range(6):
        h = household(tree.wushan, f"S{i:03d}", head=person(tree.wushan, f"张{i}"))
        household_set_categories(actor=None, household=h, categories=sensitive)
    assert count_queries(lambda: client.get(url)) == few


def held(household):
    """What the household holds now, read afresh."""
    return held_categories([household.pk])[household.pk]
