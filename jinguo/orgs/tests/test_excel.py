import io

import openpyxl
import pytest
from django.db import IntegrityError
from python_calamine import CalamineWorkbook

from jinguo.audit.models import AuditEvent
from jinguo.orgs import tree_import, tree_reading
from jinguo.orgs.models import OrgUnit, OrgUnitChange
from jinguo.orgs.services import org_create
from jinguo.orgs.tests.factories import OrgUnitFactory
from jinguo.orgs.tree_export import org_tree_export, org_tree_template
from jinguo.orgs.tree_import import org_tree_import

K = OrgUnit.Kind
HEADER = ["编码", "名称", "类型", "上级编码"]


def xlsx(*rows) -> io.BytesIO:
    """A workbook whose first sheet holds `rows` from A1; None or [] leaves a blank row."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row or []))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def read_back(data: bytes, sheet: int = 0) -> list[list]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return workbook.get_sheet_by_index(sheet).to_python(skip_empty_area=False)


def counts() -> tuple[int, int, int]:
    return OrgUnit.objects.count(), OrgUnitChange.objects.count(), AuditEvent.objects.count()


def error_rows(result) -> set[int]:
    return {error.row for error in result.errors}


def messages(result) -> str:
    return "\n".join(f"{error.row}: {error.message}" for error in result.errors)


def add_non_territorial_units(tree) -> None:
    """An industry federation without a code, with an enterprise below it, and a micro-grid:
    the cases where codes alone do not identify a row."""
    industry = OrgUnitFactory(name="宁国市电商行业妇联", kind=K.INDUSTRY, parent=tree.ningguo)
    OrgUnitFactory(name="某电商企业妇联", kind=K.ENTERPRISE, parent=industry)
    OrgUnitFactory(
        name="巫山一号微网格", kind=K.MICRO_GRID, code="341881001001001001", parent=tree.wushan
    )


# Export


def test_export_writes_every_active_unit_below_root_with_chinese_headers(tree, cast):
    add_non_territorial_units(tree)
    rows = read_back(org_tree_export(actor=cast.county_cadre, root=tree.ningguo))
    assert rows[0] == ["编码", "名称", "类型", "上级编码", "上级名称", "层级路径", "状态"]
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {
        "宁国市", "河沥溪街道", "嵩合社区", "巫山组网格", "程家湾组网格", "港口村",
        "港口一组网格", "宁国市电商行业妇联", "某电商企业妇联", "巫山一号微网格",
    }  # fmt: skip
    assert by_name["宁国市"][3:5] == ["341800000000", "宣城市"]
    assert by_name["嵩合社区"][2] == "社区"
    assert by_name["某电商企业妇联"][2:5] == ["企业妇联", "", "宁国市电商行业妇联"]
    assert (
        by_name["巫山一号微网格"][5]
        == "宁国市 / 河沥溪街道 / 嵩合社区 / 巫山组网格 / 巫山一号微网格"
    )
    assert {row[6] for row in rows[1:]} == {"有效"}


def test_exported_codes_are_text_cells_so_excel_keeps_every_digit(tree, cast):
    add_non_territorial_units(tree)
    rows = read_back(org_tree_export(actor=cast.city_cadre, root=tree.city))
    codes = [row[0] for row in rows[1:]] + [row[3] for row in rows[1:]]
    assert all(isinstance(code, str) for code in codes)
    assert "341881001001001001" in codes


def test_export_leaves_out_units_outside_root_and_inactive_units(tree, cast):
    tree.gangkou_grid.is_active = False
    tree.gangkou_grid.save()
    rows = read_back(org_tree_export(actor=cast.township_cadre, root=tree.helixi))
    names = {row[1] for row in rows[1:]}
    assert names == {"河沥溪街道", "嵩合社区", "巫山组网格", "程家湾组网格", "港口村"}


def test_export_writes_an_audit_row_with_the_number_of_rows(tree, cast):
    org_tree_export(actor=cast.county_cadre, root=tree.ningguo)
    event = AuditEvent.objects.get(action="org.export")
    assert event.actor == cast.county_cadre
    assert event.target_id == str(tree.ningguo.pk)
    assert event.note == "7 rows"


def test_export_issues_a_bounded_number_of_queries_however_big_the_tree(
    tree, cast, django_assert_max_num_queries
):
    for n in range(1, 31):
        OrgUnitFactory(
            name=f"巫山{n}号微网格", kind=K.MICRO_GRID, code=f"341881001001001{n:03d}",
            parent=tree.wushan,
        )  # fmt: skip
    root = OrgUnit.objects.get(pk=tree.ningguo.pk)  # nothing cached on the instance
    with django_assert_max_num_queries(4):
        data = org_tree_export(actor=cast.county_cadre, root=root)
    assert len(read_back(data)) == 1 + 7 + 30


# Import: round trip and idempotency


def test_reimporting_the_exported_file_reports_everything_unchanged_and_writes_nothing(tree, cast):
    add_non_territorial_units(tree)
    data = org_tree_export(actor=cast.county_cadre, root=tree.ningguo)
    units, changes, _events = counts()

    result = org_tree_import(actor=cast.county_cadre, root=tree.ningguo, file=io.BytesIO(data))

    assert result.errors == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, 10)
    assert (OrgUnit.objects.count(), OrgUnitChange.objects.count()) == (units, changes)


def test_reimporting_the_whole_city_from_the_top_is_unchanged_too(tree, cast):
    data = org_tree_export(actor=cast.city_cadre, root=tree.city)
    result = org_tree_import(actor=cast.city_cadre, root=tree.city, file=io.BytesIO(data))
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 11, [])


def test_import_writes_one_audit_row_with_the_counts(tree, cast):
    file = xlsx(HEADER, ["341881001001003", "樟树组网格", "网格", "341881001001"])
    org_tree_import(actor=cast.songhe_chair, root=tree.songhe, file=file)
    grid = OrgUnit.objects.get(code="341881001001003")
    # Each created unit has its own "org.import" row (from org_create); the summary is on root.
    events = AuditEvent.objects.filter(action="org.import")
    assert {e.target_id for e in events} == {str(tree.songhe.pk), str(grid.pk)}
    summary = events.get(target_id=str(tree.songhe.pk))
    assert summary.actor == cast.songhe_chair
    assert summary.note == "created 1, updated 0, unchanged 0"


def test_import_reads_a_messy_file_with_a_title_synonyms_full_width_digits_and_blank_rows(
    tree, cast
):
    file = xlsx(
        ["嵩合社区网格划分表（2025年）"],
        [],
        ["序号", " 组织名称 ", "统计用区划代码", "组织类型", "上级区划代码", "备注"],
        # The micro-grid comes before its grid: parents are created first whatever the order.
        [
            1,
            "樟树一号微网格",
            "341881001001003001",
            "微网格",
            "３４１８８１００１００１００３ ",
            "",
        ],
        [],
        [
            2,
            "  樟树组网格\u3000",
            "３４１８８１ ００１００１ ００３",
            "网格",
            "341881001001",
            "新划",
        ],
        [3, "巫山组网格", 341881001001001.0, "网格", 341881001001, ""],
        [None, None, None, None, None, "仅有备注的行"],
        [4, "嵩合社区巾帼志愿服务队", "", "new_social", "341881001001", ""],
    )

    result = org_tree_import(actor=cast.songhe_chair, root=tree.songhe, file=file)

    assert result.errors == [], messages(result)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 1)
    in_scope = OrgUnit.objects.filter(tree.songhe.subtree_q())
    grid = in_scope.get(code="341881001001003")
    micro = in_scope.get(code="341881001001003001")
    social = in_scope.get(name="嵩合社区巾帼志愿服务队")
    assert (grid.name, grid.kind, grid.parent) == ("樟树组网格", K.GRID, tree.songhe)
    assert micro.parent == grid and micro.path.startswith(grid.path)
    assert (social.kind, social.code, social.parent) == (K.NEW_SOCIAL, "", tree.songhe)
    assert {c.action for c in OrgUnitChange.objects.filter(org__in=[grid, micro, social])} == {
        OrgUnitChange.Action.IMPORT
    }


def test_import_accepts_kind_aliases_and_labels(tree, cast):
    file = xlsx(
        HEADER,
        ["341881002000", "西津街道", "街道", "341881000000"],
        ["341881002001", "西津社区", "社区", "341881002000"],
        ["341881003000", "汪溪镇", "乡镇（街道）", "341881000000"],
        ["341881003001", "汪溪村", "村", "341881003000"],
    )
    result = org_tree_import(actor=cast.county_cadre, root=tree.ningguo, file=file)
    assert result.errors == [], messages(result)
    kinds = dict(
        OrgUnit.objects.filter(name__in=["西津街道", "汪溪镇"]).values_list("name", "kind")
    )
    assert kinds == {"西津街道": K.TOWNSHIP, "汪溪镇": K.TOWNSHIP}


def test_import_matches_a_row_without_code_by_parent_kind_and_name(tree, cast):
    org_create(actor=None, parent=tree.songhe, name="嵩合社区妇女微家", kind=K.NEW_SOCIAL)
    file = xlsx(HEADER, ["", "嵩合社区妇女微家", "新社会组织妇联", "341881001001"])
    units = OrgUnit.objects.count()
    result = org_tree_import(actor=cast.songhe_chair, root=tree.songhe, file=file)
    assert (result.created, result.unchanged, result.errors) == (0, 1, [])
    assert OrgUnit.objects.count() == units


def test_renaming_a_unit_in_the_file_counts_as_updated_and_records_history(tree, cast):
    workbook = openpyxl.load_workbook(
        io.BytesIO(org_tree_export(actor=cast.songhe_chair, root=tree.songhe))
    )
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == "巫山组网格":
            row[1].value = "巫山网格"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)

    result = org_tree_import(actor=cast.songhe_chair, root=tree.songhe, file=buffer)

    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 1, 2, [])
    tree.wushan.refresh_from_db()
    assert tree.wushan.name == "巫山网格"
    change = OrgUnitChange.objects.filter(org=tree.wushan).latest("id")
    assert change.action == OrgUnitChange.Action.UPDATE
    assert (change.old["name"], change.new["name"]) == ("巫山组网格", "巫山网格")


# Import: errors


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        (["34188100100A", "坏编码社区", "社区", "341881001000"], "只能包含数字"),
        (["341881001004", "错位数社区", "社区", "3418810010"], "不在您的管辖范围内"),
        (["34188100100", "短编码社区", "社区", "341881001000"], "应为12位数字"),
        (["341881001004", "某村", "自然村", "341881001000"], "未知的组织类型“自然村”"),
        (["341881001004", "某村", "", "341881001000"], "请填写类型"),
        (["341881001004", "错层村", "村", "341881000000"], "村不能设在县（区）之下"),
        (["341821100002", "越界村", "村", "341821100000"], "不在您的管辖范围内"),
        (["341881001004", "", "村", "341881001000"], "名称不能为空"),
        (["341881001004", "港口村", "村", "341881001000"], "上级组织下已有同名的村"),
        (["341821100001", "东门村", "村", "341881001000"], "管辖范围以外的组织使用"),
        (["341881001002", "港口村", "村", "341881001001"], "请使用“调整上级”功能"),
        (["341881001002", "港口村", "社区", "341881001000"], "不能通过导入修改类型"),
        (["341881001004", "无上级社区", "社区", ""], "请填写上级编码"),
        (
            [3.41881001001001e17, "巫山一号微网格", "微网格", "341881001001001"],
            "被Excel存成了数字，末尾几位已经丢失",
        ),
        (
            ["341881001001001001", "巫山一号微网格", "微网格", 3.41881001001001e17],
            "上级编码“3.41881001001001E+17”被Excel存成了数字",
        ),
        (["3.41881001001001E+17", "巫山一号微网格", "微网格", "341881001001001"], "存成了数字"),
    ],
)
def test_import_rejects_a_bad_row_with_its_sheet_row_number_and_writes_nothing(
    tree, cast, bad_row, expected
):
    file = xlsx(
        ["宁国市社区名单"], HEADER, ["341881001003", "新社区", "社区", "341881001000"], bad_row
    )
    before = counts()

    result = org_tree_import(actor=cast.county_cadre, root=tree.ningguo, file=file)

    assert error_rows(result) == {4}, messages(result)
    assert expected in messages(result)
    assert counts() == before


def test_import_reports_every_error_at_once_with_the_rows_excel_shows(tree, cast):
    file = xlsx(
        ["标题"],
        [],
        HEADER,
        ["34188100100A", "坏编码社区", "社区", "341881001000"],  # row 4
        ["341881001005", "新村", "村", "341881001000"],  # row 5: fine
        [],
        ["341881001005", "新村二", "村", "341881001000"],  # row 7: duplicate of row 5
        ["341821100002", "越界村", "村", "341821100000"],  # row 8
        [3.41881001001001e17, "微网格", "微网格", "341881001001001"],  # row 9
        ["", "妇女之家", "企业妇联", "341881001000"],  # row 10: fine
        ["", "妇女之家", "企业妇联", "341881001000"],  # row 11: duplicate of row 10
    )
    before = counts()

    result = org_tree_import(actor=cast.county_cadre, root=tree.ningguo, file=file)

    assert error_rows(result) == {4, 7, 8, 9, 11}, messages(result)
    by_row = {error.row: error.message for error in result.errors}
    assert "第5行" in by_row[7]
    assert "第10行" in by_row[11]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert counts() == before


def test_import_of_the_root_row_may_not_change_its_kind(tree, cast):
    file = xlsx(HEADER, ["341881001001", "嵩合社区", "村", "341881001000"])
    result = org_tree_import(actor=cast.songhe_chair, root=tree.songhe, file=file)
    assert error_rows(result) == {2}
    assert "不能通过导入修改" in result.errors[0].message


def test_import_of_a_file_that_is_not_a_spreadsheet_is_one_error_on_row_zero(tree, cast):
    file = io.BytesIO("编码,名称\n341881001001,嵩合社区\n".encode())
    result = org_tree_import(actor=cast.songhe_chair, root=tree.songhe, file=file)
    assert [(e.row, e.message) for e in result.errors] == [
        (0, "无法读取文件：请上传 .xlsx 或 .xls 格式的表格")
    ]


def test_import_without_a_header_row_lists_the_required_headers(tree, cast):
    file = xlsx(["嵩合社区"], ["341881001001", "嵩合社区", "社区"])
    result = org_tree_import(actor=cast.songhe_chair, root=tree.songhe, file=file)
    assert error_rows(result) == {0}
    assert "名称、类型、上级编码" in result.errors[0].message


def test_import_with_a_header_missing_a_required_column_names_it(tree, cast):
    file = xlsx(["说明文字"], ["编码", "名称", "上级编码"], ["341881001001003", "某网格", ""])
    result = org_tree_import(actor=cast.songhe_chair, root=tree.songhe, file=file)
    assert error_rows(result) == {2}
    assert "缺少以下列：类型" in result.errors[0].message


def test_import_of_the_empty_template_says_there_are_no_rows(tree, cast):
    result = org_tree_import(
        actor=cast.songhe_chair, root=tree.songhe, file=io.BytesIO(org_tree_template())
    )
    assert [e.message for e in result.errors] == ["表格中没有数据行"]


def test_import_refuses_more_rows_than_the_limit(tree, cast, monkeypatch):
    monkeypatch.setattr(tree_reading, "MAX_ROWS", 2)
    rows = [[f"34188100100{n}", f"社区{n}", "社区", "341881001000"] for n in (3, 4, 5)]
    before = counts()
    result = org_tree_import(actor=cast.county_cadre, root=tree.ningguo, file=xlsx(HEADER, *rows))
    assert error_rows(result) == {0}
    assert "超过2行" in result.errors[0].message
    assert counts() == before


def test_a_database_error_while_writing_rolls_everything_back_and_is_reported(
    tree, cast, monkeypatch
):
    calls = []

    def failing_create(**kwargs):
        calls.append(kwargs["name"])
        if len(calls) == 2:
            raise IntegrityError("duplicate key value violates unique constraint")
        return org_create(**kwargs)

    monkeypatch.setattr(tree_import, "org_create", failing_create)
    file = xlsx(
        HEADER,
        ["341881001003", "新社区", "社区", "341881001000"],
        ["341881001003001", "新网格", "网格", "341881001003"],
    )
    before = counts()

    result = org_tree_import(actor=cast.county_cadre, root=tree.ningguo, file=file)

    assert error_rows(result) == {3}
    assert "所有改动已撤销" in result.errors[0].message
    assert counts() == before


# Template


def test_template_has_the_header_row_and_an_explanation_sheet_with_an_example():
    data = org_tree_template()
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert workbook.sheet_names == ["组织架构", "说明"]
    assert read_back(data) == [["编码", "名称", "类型", "上级编码", "上级名称", "层级路径", "状态"]]
    explained = read_back(data, sheet=1)
    assert {row[0] for row in explained} >= {"编码", "名称", "类型", "上级编码"}
    assert ["341881001003", "示例社区", "社区", "341881001000", "河沥溪街道", "", ""] in explained


def test_sheets_are_chinese_and_round_trip_whatever_the_users_language(tree, cast):
    from django.utils import translation

    with translation.override("en"):
        content = org_tree_export(actor=cast.county_cadre, root=tree.ningguo)
        rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        kinds = {row[2] for row in rows.to_python()[1:]}
        assert "社区" in kinds and "Community" not in kinds
        result = org_tree_import(
            actor=cast.county_cadre, root=tree.ningguo, file=io.BytesIO(content)
        )
    assert result.errors == [] and result.created == 0 and result.updated == 0


def test_kind_names_in_english_are_accepted_too(tree, cast):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["编码", "名称", "类型", "上级编码"])
    sheet.append(["341881001001007", "英文类型网格", "Grid", "341881001001"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    result = org_tree_import(actor=cast.songhe_chair, root=tree.songhe, file=buffer)
    assert result.errors == [] and result.created == 1
