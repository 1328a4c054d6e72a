import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from jinguo.audit.models import AuditEvent
from jinguo.cases.models import Case, MediationAgreement
from jinguo.cases.services import case_add_participant, case_save_agreement
from jinguo.cases.tests.factories import report, resolved
from jinguo.households.tests.factories import executive
from jinguo.people.models import Person

FIELDS: dict[str, Any] = {
    "parties": "张三，申请人，巫山组\n李四，被申请人，巫山组",
    "facts": "双方因宅基地边界发生争议。",
    "terms": "一、界桩按原址恢复。\n二、李四赔偿张三五百元。",
    "performance": "2026年3月31日前履行完毕。",
    "signed_on": dt.date(2026, 3, 20),
}


@pytest.fixture
def mediator(tree) -> Person:
    return executive(tree.songhe, "调解员甲")


@pytest.fixture
def case(tree, mediator) -> Case:
    case = resolved(tree.songhe, mediator, kind="dispute_neighbour", outcome="written_agreement")
    case_add_participant(actor=None, case=case, person=mediator, role="mediator")
    return case


def test_an_agreement_is_saved_corrected_and_recorded(case):
    row = case_save_agreement(actor=None, case=case, **FIELDS)
    assert row.party_lines == ["张三，申请人，巫山组", "李四，被申请人，巫山组"]
    case_save_agreement(actor=None, case=case, **{**FIELDS, "performance": "当场履行。"})
    assert MediationAgreement.objects.get(case=case).performance == "当场履行。"
    rows = case.transitions.filter(action="agreement")
    assert rows.count() == 2 and {r.to_status for r in rows} == {"resolved"}
    last = AuditEvent.objects.filter(action="case.agreement").order_by("pk").last()
    assert last is not None and last.changes["performance"] == [
        "2026年3月31日前履行完毕。",
        "当场履行。",
    ]


def test_an_agreement_needs_two_parties_and_a_dispute(tree, case, mediator):
    with pytest.raises(ValidationError) as exc:
        case_save_agreement(actor=None, case=case, **{**FIELDS, "parties": "张三"})
    assert exc.value.message_dict == {"parties": ["请填写至少两方当事人，每行一人"]}
    request = resolved(tree.songhe, mediator, kind="request", outcome="")
    with pytest.raises(ValidationError):
        case_save_agreement(actor=None, case=request, **FIELDS)
    with pytest.raises(ValidationError):  # not yet in hand
        case_save_agreement(actor=None, case=report(tree.songhe), **FIELDS)


def test_the_agreement_form_and_both_exports(login, cast, case):
    client = login(cast.songhe_chair)
    url = f"/cases/{case.pk}/agreement/"
    assert client.get(url).status_code == 200
    answer = client.post(url, {**FIELDS, "signed_on": "2026-03-20"})
    assert answer.status_code == 302
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"/cases/{case.pk}/agreement.pdf" in detail

    pdf = client.get(f"/cases/{case.pk}/agreement.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    word = client.get(f"/cases/{case.pk}/agreement.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert "人民调解协议书" in text and "李四赔偿张三五百元" in text
    assert "调解员甲" in text and case.number in text
    exports = AuditEvent.objects.filter(action="cases.agreement_export", target_id=str(case.pk))
    assert sorted(exports.values_list("note", flat=True)) == ["docx", "pdf"]


def test_agreement_pages_are_404_for_another_village_and_403_for_a_leader(login, cast, case):
    case_save_agreement(actor=None, case=case, **FIELDS)
    other = login(cast.gangkou_chair)
    for url in ("agreement/", "agreement.pdf", "agreement.docx"):
        assert other.get(f"/cases/{case.pk}/{url}").status_code == 404
    leader = login(cast.county_leader)
    assert leader.get(f"/cases/{case.pk}/agreement/").status_code == 403
    assert leader.get(f"/cases/{case.pk}/agreement.pdf").status_code == 200
    assert leader.get(f"/cases/{case.pk}/agreement.xls").status_code == 404
