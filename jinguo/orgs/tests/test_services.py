import pytest
from django.core.exceptions import ValidationError

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEvent
from jinguo.orgs.models import OrgUnit, OrgUnitChange
from jinguo.orgs.services import org_create, org_merge, org_move, org_update, venue_create

K = OrgUnit.Kind


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_create_sets_path_under_parent_and_records_history(tree, cast):
    grid = org_create(
        actor=cast.songhe_chair,
        parent=tree.songhe,
        name="汪明堂组网格",
        kind=K.GRID,
        code="341881001001003",
    )
    assert grid.path.startswith(tree.songhe.path)
    assert OrgUnit.objects.filter(tree.songhe.subtree_q(), pk=grid.pk).exists()
    change = OrgUnitChange.objects.get(org=grid)
    assert change.action == "create" and change.actor == cast.songhe_chair
    assert AuditEvent.objects.filter(action="org.create", target_id=str(grid.pk)).exists()


def test_create_normalises_full_width_digits_and_spaces(tree):
    grid = org_create(
        actor=None,
        parent=tree.songhe,
        name="  陈村组网格 ",
        kind=K.GRID,
        code="３４１８８１００１００１００５",
    )
    assert grid.code == "341881001001005" and grid.name == "陈村组网格"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "网格必须填写区划代码"),
        ("34188100100100A", "只能包含数字"),
        ("3418810010010", "应为15位数字"),
        ("341881001002001", "前12位应与上级的区划代码"),
        ("341881001001000", "第13–15位不能全为0"),
    ],
)
def test_create_rejects_bad_grid_codes_with_chinese_reasons(tree, code, message):
    with pytest.raises(ValidationError) as excinfo:
        org_create(actor=None, parent=tree.songhe, name="新网格", kind=K.GRID, code=code)
    assert message in " ".join(errors_of(excinfo)["code"])


def test_create_rejects_a_county_under_a_village(tree):
    with pytest.raises(ValidationError) as excinfo:
        org_create(actor=None, parent=tree.songhe, name="错县", kind=K.COUNTY, code="341882000000")
    assert "县（区）不能设在社区之下" in errors_of(excinfo)["kind"][0]


def test_create_rejects_invalid_province_prefix(db):
    with pytest.raises(ValidationError) as excinfo:
        org_create(actor=None, parent=None, name="某市", kind=K.CITY, code="991800000000")
    assert "省级代码" in errors_of(excinfo)["code"][0]


def test_create_rejects_duplicate_code_and_sibling_name(tree):
    with pytest.raises(ValidationError) as excinfo:
        org_create(
            actor=None, parent=tree.songhe, name="另一网格", kind=K.GRID, code=tree.wushan.code
        )
    assert "已被“巫山组网格”使用" in errors_of(excinfo)["code"][0]
    with pytest.raises(ValidationError) as excinfo:
        org_create(
            actor=None, parent=tree.songhe, name="巫山组网格", kind=K.GRID, code="341881001001009"
        )
    assert "同名" in errors_of(excinfo)["name"][0]


def test_non_territorial_federations_hang_under_territorial_units(tree):
    riders = org_create(actor=None, parent=tree.ningguo, name="外卖骑手妇联", kind=K.NEW_EMPLOYMENT)
    assert riders.code == "" and riders.parent == tree.ningguo
    with pytest.raises(ValidationError):
        org_create(actor=None, parent=tree.wushan, name="企业妇联", kind=K.ENTERPRISE)


def test_recode_carries_the_new_prefix_to_descendants(tree, cast):
    org_update(actor=cast.township_cadre, org=tree.songhe, name="嵩合社区", code="341881001009")
    tree.wushan.refresh_from_db()
    assert tree.wushan.code == "341881001009001"
    change = OrgUnitChange.objects.filter(org=tree.songhe, action="update").get()
    assert change.old["code"] == "341881001001" and change.new["code"] == "341881001009"


def test_move_rewrites_paths_of_the_whole_subtree(tree, cast):
    jianping_village = tree.dongmen
    org_move(
        actor=cast.city_cadre, org=tree.songhe, new_parent=tree.jianping, new_code="341821100002"
    )
    tree.wushan.refresh_from_db()
    assert tree.wushan.code == "341821100002001"
    below_jianping = OrgUnit.objects.filter(tree.jianping.subtree_q())
    assert set(below_jianping.values_list("name", flat=True)) == {
        "建平镇",
        jianping_village.name,
        "嵩合社区",
        "巫山组网格",
        "程家湾组网格",
    }
    assert not OrgUnit.objects.filter(tree.helixi.subtree_q(), name="巫山组网格").exists()


def test_move_below_itself_is_refused(tree, cast):
    with pytest.raises(ValidationError) as excinfo:
        org_move(actor=cast.city_cadre, org=tree.helixi, new_parent=tree.songhe)
    assert "自身或其下级" in errors_of(excinfo)["parent"][0]


def test_move_with_a_code_from_the_old_parent_is_refused(tree, cast):
    with pytest.raises(ValidationError) as excinfo:
        org_move(actor=cast.city_cadre, org=tree.songhe, new_parent=tree.jianping)
    assert "前9位应与上级" in errors_of(excinfo)["code"][0]


def test_merge_moves_children_users_and_venues_and_keeps_the_source_as_history(tree, cast):
    venue = venue_create(
        actor=cast.township_cadre, org=tree.gangkou, kind="women_home", name="港口村妇女之家"
    )
    org_update(
        actor=cast.township_cadre,
        org=tree.gangkou_grid,
        name="港口一组网格",
        code="341881001002007",
    )
    org_merge(actor=cast.township_cadre, source=tree.gangkou, target=tree.songhe, note="村改居")
    tree.gangkou.refresh_from_db()
    tree.gangkou_grid.refresh_from_db()
    venue.refresh_from_db()
    assert not tree.gangkou.is_active and tree.gangkou.merged_into == tree.songhe
    assert tree.gangkou_grid.parent == tree.songhe
    assert tree.gangkou_grid.code == "341881001001007"  # re-prefixed with Songhe's code
    assert venue.org == tree.songhe
    assert User.objects.get(pk=cast.gangkou_chair.pk).org == tree.songhe
    assert OrgUnitChange.objects.filter(org=tree.gangkou, action="merge_into").exists()
    assert OrgUnitChange.objects.filter(org=tree.songhe, action="merge_from").exists()


def test_merge_refuses_when_child_codes_would_collide(tree, cast):
    # 港口一组网格 would become 341881001001001, which 巫山组网格 already has.
    with pytest.raises(ValidationError):
        org_merge(actor=cast.township_cadre, source=tree.gangkou, target=tree.songhe)
    tree.gangkou.refresh_from_db()
    assert tree.gangkou.is_active


def test_merge_of_different_kinds_is_refused(tree, cast):
    with pytest.raises(ValidationError) as excinfo:
        org_merge(actor=cast.city_cadre, source=tree.gangkou, target=tree.jianping)
    assert "同一层级" in errors_of(excinfo)["target"][0]
