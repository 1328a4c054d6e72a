"""audit.history: one change row and its audit row, written together, in either shape."""

from django.apps import apps

from jinguo.audit.history import audit_changes, change_row, record_change
from jinguo.audit.models import AuditEvent
from jinguo.cases.models import Case, CaseTransition
from jinguo.common.models import HistoryRow
from jinguo.orgs.models import OrgUnitChange

HISTORY_MODELS = {
    "CaseTransition",
    "HonourChange",
    "MeetingChange",
    "ResolutionChange",
    "OrgUnitChange",
    "LoanChange",
    "JobFairChange",
    "NominationChange",
    "RuleChange",
    "LoveBankItemChange",
    "ActivityChange",
    "HouseholdChange",
    "WishChange",
    "PersonChange",
    "SanxinOrgChange",
    "CourseChange",
    "ResultChange",
}


def test_every_change_and_transition_model_is_a_history_row():
    outside = [
        m.__name__
        for m in apps.get_models()
        if m.__name__.endswith(("Change", "Transition")) and not issubclass(m, HistoryRow)
    ]
    assert outside == []
    assert {m.__name__ for m in apps.get_models() if issubclass(m, HistoryRow)} >= HISTORY_MODELS


def test_recording_a_field_change_writes_one_history_row_and_one_audit_row(cast, tree):
    before = AuditEvent.objects.count()
    row = record_change(
        OrgUnitChange,
        target=tree.songhe,
        actor=cast.songhe_chair,
        action="update",
        audit_action="org.update",
        note="renamed",
        old={"name": "old name", "code": "1"},
        new={"name": "new name", "code": "1"},
    )
    stored = OrgUnitChange.objects.get(pk=row.pk)
    assert (stored.org, stored.actor, stored.action, stored.note) == (
        tree.songhe,
        cast.songhe_chair,
        "update",
        "renamed",
    )
    assert (stored.old["name"], stored.new["name"]) == ("old name", "new name")
    assert stored.at is not None
    event = AuditEvent.objects.get(action="org.update", target_id=str(tree.songhe.pk))
    assert AuditEvent.objects.count() == before + 1
    assert event.actor == cast.songhe_chair
    assert event.changes == {"name": ["old name", "new name"]}
    assert event.note == "renamed"


def test_a_status_row_is_built_from_and_to_and_audited_as_the_status_pair(cast):
    case = Case(pk=1, status=Case.Status.ACCEPTED)
    row = change_row(
        CaseTransition,
        target=case,
        actor=cast.songhe_chair,
        action=CaseTransition.Action.ACCEPT,
        from_status=Case.Status.REPORTED,
        to_status=case.status,
        note="x" * 600,
    )
    assert row.case is case
    assert (row.from_status, row.to_status) == (Case.Status.REPORTED, Case.Status.ACCEPTED)
    assert len(row.note) == CaseTransition._meta.get_field("note").max_length
    assert audit_changes(row) == {"status": [Case.Status.REPORTED, Case.Status.ACCEPTED]}
