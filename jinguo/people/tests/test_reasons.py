"""Issue 20, item 15: unmasking asks for a purpose from a list and a real explanation; 「核实」,
two characters, no longer passes. Both are in the audit row."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from jinguo.audit.models import AuditEvent
from jinguo.people.services import person_unmask
from jinguo.people.tests.factories import make_id, make_person


def _errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return excinfo.value.message_dict


@pytest.fixture
def wang(tree):
    return make_person(tree.songhe, "王小红", id_number=make_id(), phone="13912345678")


def _unmask(cast, person, **data):
    return person_unmask(actor=cast.songhe_chair, person=person, **data)


@pytest.mark.parametrize(
    ("purpose", "reason"),
    [
        ("visit", "核实"),  # the pentest's two characters
        ("visit", "。。。。。。"),  # punctuation is not an explanation
        ("visit", "啊啊啊啊啊啊"),  # nor one character repeated
        ("inspection", "上级核查"),  # nor the purpose's own words
        ("other", "需要看一下号码"),  # 其他 asks for ten
    ],
)
def test_a_thin_explanation_is_refused_in_chinese_and_audits_nothing(cast, wang, purpose, reason):
    with pytest.raises(ValidationError) as excinfo:
        _unmask(cast, wang, purpose=purpose, reason=reason)
    assert (
        "请具体说明事由" in _errors(excinfo)["reason"][0] or "其他" in _errors(excinfo)["reason"][0]
    )
    assert not AuditEvent.objects.filter(action="person.unmask").exists()


@pytest.mark.parametrize("purpose", ["", "curious", "核实"])
def test_a_purpose_outside_the_list_is_refused(cast, wang, purpose):
    with pytest.raises(ValidationError) as excinfo:
        _unmask(cast, wang, purpose=purpose, reason="为其办理临时救助申请")
    assert _errors(excinfo)["purpose"] == ["请选择查看目的"]


def test_other_with_ten_characters_passes_and_both_go_into_the_audit_row(cast, wang):
    _unmask(cast, wang, purpose="other", reason="  区妇联要求核对 执委换届 候选人身份  ")
    event = AuditEvent.objects.get(action="person.unmask")
    assert event.changes == {"fields": ["id_number", "phone"], "purpose": "other"}
    assert event.note == "其他：区妇联要求核对 执委换届 候选人身份"


def test_the_audit_note_names_the_purpose_in_chinese_whatever_the_users_language(cast, wang):
    with translation.override("en"):
        _unmask(cast, wang, purpose="mediation", reason="婚姻家庭纠纷调解需联系当事人")
    event = AuditEvent.objects.get(action="person.unmask")
    assert event.note == "纠纷调解需要：婚姻家庭纠纷调解需联系当事人"


def test_the_unmask_form_offers_the_purposes_and_asks_for_an_explanation(cast, login, wang):
    page = login(cast.songhe_chair).get(reverse("people:detail", args=[wang.pk]))
    html = page.content.decode()
    for label in ("入户走访核实身份", "办理救助/帮扶事项", "纠纷调解需要", "上级核查", "其他"):
        assert label in html
    assert 'name="purpose"' in html and 'name="reason"' in html


def test_the_page_refuses_two_characters_and_shows_no_number(cast, login, wang):
    response = login(cast.songhe_chair).post(
        reverse("people:unmask", args=[wang.pk]),
        {"purpose": "visit", "reason": "核实"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "至少5个字" in html and wang.id_number not in html
    assert not AuditEvent.objects.filter(action="person.unmask").exists()


def test_the_api_refuses_two_characters_and_a_missing_purpose(cast, login, wang):
    client = login(cast.songhe_chair)
    url = f"/api/v1/people/{wang.pk}/unmask/"
    thin = client.post(url, {"purpose": "visit", "reason": "核实"}, content_type="application/json")
    bare = client.post(url, {"reason": "为其办理临时救助申请"}, content_type="application/json")
    assert (thin.status_code, bare.status_code) == (400, 400)
    assert "purpose" in bare.json()["extra"]["fields"]
    assert not AuditEvent.objects.filter(action="person.unmask").exists()


def test_the_messages_have_english(cast, wang):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        _unmask(cast, wang, purpose="", reason="核实")
    errors = _errors(excinfo)
    assert errors["purpose"][0].isascii() and errors["reason"][0].isascii()
