import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from jinguo.audit.models import AuditEvent
from jinguo.audit.services import audit_record


@pytest.mark.parametrize(
    "username", ["songhe_chair", "city_cadre", "system_admin", "security_admin", "county_leader"]
)
def test_only_the_audit_admin_reads_the_audit_log(cast, login, username):
    client = login(getattr(cast, username))
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403


def test_audit_admin_filters_by_account(cast, login):
    audit_record(actor=cast.songhe_chair, action="test.one")
    audit_record(actor=cast.wushan_member, action="test.two")
    response = login(cast.audit_admin).get(reverse("audit:list"), {"username": "wushan_member"})
    actions = {event.action for event in response.context["page"]}
    assert "test.two" in actions and "test.one" not in actions


def test_audit_list_does_not_query_per_row(cast, login, count_queries):
    client = login(cast.audit_admin)
    few = count_queries(lambda: client.get(reverse("audit:list")))
    for i in range(60):
        audit_record(actor=cast.songhe_chair, action=f"test.{i}")
    assert count_queries(lambda: client.get(reverse("audit:list"))) == few


def test_audit_export_is_itself_audited(cast, login):
    audit_record(actor=cast.songhe_chair, action="test.exported")
    response = login(cast.audit_admin).get(reverse("audit:export"))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    values = rows.to_python()
    assert values[0] == [
        "时间", "账号", "操作", "对象类型", "对象编号", "对象", "IP地址", "变更", "说明",
    ]  # fmt: skip
    assert any("test.exported" in row for row in values)
    exported = next(row for row in values if "test.exported" in row)
    assert exported[1:4] == ["songhe_chair", "test.exported", ""]
    assert AuditEvent.objects.filter(action="audit.export", actor=cast.audit_admin).exists()
