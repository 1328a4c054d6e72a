"""Issue 26 in the browser: a community chair uploads her own ledger (a title, its own header
names, no household numbers, 巫山 for 巫山组网格, 低保户), confirms the mapping page as offered
and the households are in."""

import pytest
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import DESKTOP
from jinguo.households.models import Household, held_categories
from jinguo.imports.tests.conftest import id_number, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["序号", "户主姓名", "身份证号码", "家庭住址", "所在网格", "家庭类别", "登记日期"]


def _ledger() -> bytes:
    return xlsx(
        [
            ["嵩合社区重点家庭台账"],
            ["填报日期：2024年5月1日"],
            HEADER,
            [1, "周敏", id_number(seq=21), "巫山组5号", "巫山", "低保户", "2024-01-02"],
            [2, "吴芳", id_number(seq=23), "巫山组6号", "巫山組", "", "2024-01-03"],
        ],
        text_columns=(2,),
    )


def test_chair_imports_her_ledger_by_confirming_the_mapping(
    open_page, sign_in, shoot, scene, cast, tree, tmp_path
):
    ledger = tmp_path / "巫山组台账.xlsx"
    ledger.write_bytes(_ledger())
    page = open_page(**DESKTOP)
    sign_in(page, cast.songhe_chair)
    page.goto(f"/imports/new/?org={tree.songhe.pk}")
    page.get_by_label("表格文件").set_input_files(str(ledger))
    page.get_by_role("button", name="上传并校验").click()

    page.get_by_role("link", name="确认对应关系").click()
    expect(page.get_by_label("户主姓名")).to_have_value("name")
    expect(page.get_by_label("登记日期")).to_have_value("")  # kept in the file, not imported
    expect(page.get_by_label("巫山", exact=True)).to_have_value(str(tree.wushan.pk))
    shoot(page, "mapping")
    page.get_by_role("button", name="确认并开始导入").click()

    expect(page.locator(".alert-success")).to_contain_text("导入完成：新建")
    expect(page.locator("#job-progress")).to_contain_text("“登记日期”列未导入，已在文件中原样保留")
    shoot(page, "done")
    added = Household.objects.filter(grid=tree.wushan).exclude(pk__in=[scene.ws1.pk, scene.ws2.pk])
    assert added.count() == 2
    first = added.get(residents__person__name="周敏")
    assert [c.name for c in held_categories([first.pk])[first.pk]] == ["低保"]
