import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jinguo.audit.models import AuditEvent
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person
from jinguo.sanxin.models import SanxinOrgChange, SanxinTarget
from jinguo.sanxin.services import exemplary_add, sanxin_establish_federation, sanxin_org_update
from jinguo.sanxin.targets import sanxin_target_create
from jinguo.sanxin.tests.conftest import register
from jinguo.sanxin.workers import sanxin_worker_add, sanxin_worker_leave


def test_registering_keeps_history_and_audit(cast, tree):
    org = register(cast.songhe_chair, tree.songhe, contact_phone="138 0000 1111")
    assert org.contact_phone == "13800001111" and org.masked_contact_phone == "138****1111"
    change = SanxinOrgChange.objects.get(sanxin_org=org)
    assert change.action == "create" and change.new["contact_phone"] == "138****1111"
    assert AuditEvent.objects.filter(action="sanxin.create").exists()


def test_women_workers_cannot_exceed_workers(cast, tree):
    with pytest.raises(ValidationError) as exc:
        register(cast.songhe_chair, tree.songhe, workers=5, women_workers=6)
    assert "不能超过从业人员总数" in exc.value.message_dict["women_workers"][0]


def test_new_employment_goes_with_platform_sectors_only(cast, tree):
    with pytest.raises(ValidationError) as exc:
        register(cast.songhe_chair, tree.songhe, category="new_employment", sector="internet")
    assert "新就业群体只能选择" in exc.value.message_dict["sector"][0]
    assert register(
        cast.songhe_chair, tree.songhe, category="new_employment", sector="truck_driver"
    )


def test_a_law_firm_is_not_a_new_economic_organisation(cast, tree):
    with pytest.raises(ValidationError) as exc:
        register(cast.songhe_chair, tree.songhe, category="new_economic", sector="law_accounting")
    assert "sector" in exc.value.message_dict


def test_a_credit_code_is_checked_and_unique(cast, tree):
    with pytest.raises(ValidationError) as exc:
        register(cast.songhe_chair, tree.songhe, credit_code="91350100M000100Y44")
    assert "第18位应为3" in exc.value.message_dict["credit_code"][0]
    register(cast.songhe_chair, tree.songhe, credit_code="91350100M000100Y43")
    with pytest.raises(ValidationError) as exc:
        register(cast.gangkou_chair, tree.gangkou, name="另一家", credit_code="91350100M000100Y43")
    assert exc.value.message_dict["credit_code"] == ["该统一社会信用代码已登记"]


def test_a_leader_cannot_register(cast, tree):
    with pytest.raises(PermissionDenied):
        register(cast.county_leader, tree.songhe)


def test_update_records_old_and_new(cast, sx):
    sanxin_org_update(
        actor=cast.songhe_chair, sanxin_org=sx.courier, workers=20, has_party_org=True
    )
    change = SanxinOrgChange.objects.filter(sanxin_org=sx.courier, action="update").get()
    assert change.old["workers"] == 10 and change.new["workers"] == 20
    with pytest.raises(ValidationError):
        sanxin_org_update(actor=cast.songhe_chair, sanxin_org=sx.courier, women_workers=30)


def test_establishing_a_federation_creates_the_unit_once(cast, tree, sx):
    done = sanxin_establish_federation(
        actor=cast.songhe_chair,
        sanxin_org=sx.riders,
        name="美团骑手站妇联",
        established_on=dt.date(2025, 1, 5),
    )
    fed = done.federation
    assert fed is not None
    assert fed.kind == OrgUnit.Kind.NEW_EMPLOYMENT and fed.parent_id == tree.songhe.pk
    assert done.has_federation and done.federation_established_on == dt.date(2025, 1, 5)
    assert SanxinOrgChange.objects.filter(sanxin_org=sx.riders, action="establish_federation")
    assert AuditEvent.objects.filter(action="sanxin.establish_federation").exists()
    with pytest.raises(ValidationError) as exc:
        sanxin_establish_federation(
            actor=cast.songhe_chair,
            sanxin_org=sx.riders,
            name="再来",
            established_on=timezone.localdate(),
        )
    assert "不能重复建立" in exc.value.message_dict["name"][0]


def test_a_federation_cannot_hang_under_a_grid(cast, tree):
    org = register(cast.songhe_chair, tree.wushan, name="网格内小店")
    with pytest.raises(ValidationError) as exc:
        sanxin_establish_federation(
            actor=cast.songhe_chair,
            sanxin_org=org,
            name="小店妇联",
            established_on=timezone.localdate(),
        )
    assert "不能设在网格之下" in exc.value.message_dict["org"][0]
    assert not OrgUnit.objects.filter(name="小店妇联").exists()


def test_a_future_establishment_date_is_refused(cast, sx):
    with pytest.raises(ValidationError) as exc:
        sanxin_establish_federation(
            actor=cast.songhe_chair,
            sanxin_org=sx.courier,
            name="速达妇联",
            established_on=timezone.localdate() + dt.timedelta(days=3),
        )
    assert "established_on" in exc.value.message_dict


def test_workers_join_new_or_existing_and_leave(cast, tree, sx):
    new = sanxin_worker_add(
        actor=cast.songhe_chair,
        sanxin_org=sx.courier,
        new_person={"name": "李快递", "gender": "F"},
        position="分拣员",
        joined_on=dt.date(2024, 5, 1),
    )
    assert new.person.org_id == tree.songhe.pk and new.person.gender == "F"
    with pytest.raises(ValidationError) as exc:
        sanxin_worker_add(
            actor=cast.songhe_chair,
            sanxin_org=sx.courier,
            person=new.person,
            joined_on=dt.date(2024, 6, 1),
        )
    assert "已在该组织工作者库中" in exc.value.message_dict["person"][0]
    with pytest.raises(ValidationError) as exc:
        sanxin_worker_leave(actor=cast.songhe_chair, worker=new, left_on=dt.date(2024, 4, 1))
    assert "不能早于入职日期" in exc.value.message_dict["left_on"][0]
    sanxin_worker_leave(actor=cast.songhe_chair, worker=new, left_on=dt.date(2024, 9, 1))
    actions = set(SanxinOrgChange.objects.values_list("action", flat=True))
    assert {"worker_add", "worker_leave"} <= actions


def test_a_bad_id_number_of_a_new_worker_is_refused_by_people(cast, sx):
    with pytest.raises(ValidationError) as exc:
        sanxin_worker_add(
            actor=cast.songhe_chair,
            sanxin_org=sx.courier,
            new_person={"name": "王某", "id_number": "341881199001011234"},
            joined_on=dt.date(2024, 5, 1),
        )
    assert "id_number" in exc.value.message_dict


def test_only_women_join_the_exemplary_roster_once(cast, tree):
    man = Person.objects.create(org=tree.songhe, name="张三", gender="M")
    woman = Person.objects.create(org=tree.songhe, name="李梅", gender="F")
    with pytest.raises(ValidationError):
        exemplary_add(actor=cast.songhe_chair, org=tree.songhe, person=man, reason="x",
                      listed_on=dt.date(2025, 1, 1))  # fmt: skip
    exemplary_add(actor=cast.songhe_chair, org=tree.songhe, person=woman, reason="带头创业",
                  listed_on=dt.date(2025, 1, 1))  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        exemplary_add(actor=cast.songhe_chair, org=tree.songhe, person=woman, reason="再次",
                      listed_on=dt.date(2025, 2, 1))  # fmt: skip
    assert "已在优秀女性名册中" in exc.value.message_dict["person"][0]


def _target(actor, org):
    return sanxin_target_create(
        actor=actor,
        org=org,
        title="到2026年建立千个三新领域妇联组织",
        metric=SanxinTarget.Metric.FEDERATIONS,
        target_value=1000,
        period_start=dt.date(2024, 1, 1),
        deadline=dt.date(2026, 12, 31),
    )


def test_a_target_is_set_by_a_cadre_of_the_org_or_above(cast, tree):
    assert _target(cast.city_cadre, tree.city).target_value == 1000
    assert _target(cast.county_cadre, tree.ningguo)
    with pytest.raises(PermissionDenied):
        _target(cast.songhe_chair, tree.ningguo)  # below the org
    with pytest.raises(PermissionDenied):
        _target(cast.langxi_cadre, tree.ningguo)  # a neighbour
    with pytest.raises(PermissionDenied):
        _target(cast.county_leader, tree.ningguo)  # read-only


def test_a_target_needs_a_deadline_after_its_start(cast, tree):
    with pytest.raises(ValidationError) as exc:
        sanxin_target_create(
            actor=cast.city_cadre, org=tree.city, title="t", metric="orgs_registered",
            target_value=5, period_start=dt.date(2025, 1, 1), deadline=dt.date(2024, 1, 1),
        )  # fmt: skip
    assert "deadline" in exc.value.message_dict
