"""A report round (报送任务) clicked through in Chromium: the township cadre issues a work report
at her desk through the real form; the community chair answers it on her phone (edits the
drafted words, answers the question, saves, submits, is refused a changed figure); the township
returns it with a reason, the community resubmits and the township sees what changed and
approves. Phone pages must not scroll sideways. Screenshots go to var/screenshots/ and, for a
look at the phone pages, to /tmp/rounds-<step>.png."""

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jinguo.common.tests.browser.conftest import DESKTOP, PHONE
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.tests.factories import OrgUnitFactory
from jinguo.rounds import services
from jinguo.rounds.models import Round, Submission, Target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "今年最值得推广的一项做法是什么？"
PHONE_WIDTH = PHONE["viewport"]["width"]  # type: ignore[index]


def _look(page: Any, step: str) -> None:
    """A full-page screenshot at /tmp/rounds-<step>.png, to look at."""
    page.screenshot(path=str(Path(tempfile.gettempdir()) / f"rounds-{step}.png"), full_page=True)


def _no_sideways_scroll(page: Any) -> None:
    """Nothing on the page is wider than the phone (1px for rounding)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH + 1, f"{page.url} is {width}px wide on a {PHONE_WIDTH}px phone"


def _no_words_hidden(page: Any) -> None:
    """Every textarea is as tall as its words: none scrolls inside the page on a phone."""
    hidden = page.eval_on_selector_all(
        "textarea",
        "boxes => boxes.filter(b => b.scrollHeight > b.clientHeight + 1).map(b => b.name)",
    )
    assert hidden == []


def _edit(page: Any, label: str, old: str, new: str) -> None:
    """Replace `old` by `new` in the textarea labelled `label`, keeping the rest of its words."""
    box = page.get_by_label(label, exact=True)
    words = box.input_value()
    assert old in words, words
    box.fill(words.replace(old, new))


def test_township_cadre_issues_a_work_report_round_through_the_form(
    open_page, sign_in, shoot, scene, cast, tree
):
    # A third unit below the township, so that ticking two is a choice.
    OrgUnitFactory(
        name="东山村", kind=OrgUnit.Kind.VILLAGE, code="341881001003", parent=tree.helixi
    )
    today = timezone.localdate()
    page = open_page(**DESKTOP)
    sign_in(page, cast.township_cadre)
    page.goto("/rounds/")
    page.get_by_role("link", name="发起报送").click()
    page.get_by_label("任务名称").fill("年度工作总结报送")
    expect(page.get_by_label("工作总结", exact=True)).to_be_checked()
    page.get_by_label("统计期间开始").fill(today.replace(month=1, day=1).isoformat())
    page.get_by_label("统计期间结束").fill(today.isoformat())
    page.get_by_label("报送截止日期").fill((today + dt.timedelta(days=5)).isoformat())
    for unit in ("嵩合社区", "港口村", "东山村"):  # all are offered ticked
        page.get_by_label(unit, exact=True).uncheck()
    page.get_by_label("嵩合社区", exact=True).check()
    page.get_by_label("港口村", exact=True).check()
    # A form's hundred figures are folded away for a work report.
    expect(page.get_by_label("家庭", exact=True)).not_to_be_visible()
    page.get_by_label("文字问题").fill(QUESTION)
    shoot(page, "1-form")
    page.get_by_role("button", name="发起", exact=True).click()

    expect(page.locator(".alert-success")).to_contain_text("报送任务已发起")
    round_ = Round.objects.get()
    expect(page).to_have_url(re.compile(f"/rounds/{round_.pk}/$"))
    expect(page.locator("h1")).to_have_text("年度工作总结报送")
    tiles = page.locator(".row-cols-3 .col")
    expect(tiles.filter(has_text="应报").locator(".fs-5")).to_have_text("2")
    expect(tiles.filter(has_text="已报").locator(".fs-5")).to_have_text("0")
    table = page.locator("table")
    expect(table).to_contain_text("嵩合社区")
    expect(table).to_contain_text("港口村")
    expect(table).not_to_contain_text("东山村")
    shoot(page, "2-round")

    # On her phone, the round's page fits the screen.
    phone = open_page(**PHONE)
    sign_in(phone, cast.township_cadre)
    phone.goto(f"/rounds/{round_.pk}/")
    expect(phone.locator("table")).to_contain_text("港口村")
    _no_sideways_scroll(phone)
    _look(phone, "0-round-on-phone")

    assert (round_.kind, round_.questions) == (Round.Kind.WORK_REPORT, [QUESTION])
    assert (round_.start, round_.end) == (today.replace(month=1, day=1), today)
    assert round_.deadline == today + dt.timedelta(days=5)
    assert sorted(round_.targets.values_list("org__name", flat=True)) == ["嵩合社区", "港口村"]


def _issued(cast, tree) -> Target:
    today = timezone.localdate()
    round_ = services.round_create(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="年度工作总结报送",
        kind=Round.Kind.WORK_REPORT,
        start=today.replace(month=1, day=1),
        end=today,
        deadline=today + dt.timedelta(days=5),
        targets=[tree.songhe, tree.gangkou],
        questions=[QUESTION],
    )
    return round_.targets.get(org=tree.songhe)


def _community_answers_on_her_phone(page: Any, target: Target) -> None:
    """From her home page: edit a paragraph, answer, save, reload, be refused a changed
    figure (nothing typed lost), submit."""
    home = page.locator(f"a[href='/rounds/targets/{target.pk}/']")
    expect(home).to_contain_text("年度工作总结报送")
    expect(home).to_contain_text("待报送")
    _look(page, "1-home")
    home.tap()
    expect(page.locator("h1")).to_have_text("年度工作总结报送")
    _no_sideways_scroll(page)
    _no_words_hidden(page)
    # About a hundred figures are folded above the words; a tap shows them.
    figures = page.locator("details", has_text="数据（由台账生成")
    expect(figures.get_by_role("link", name=re.compile("执委"))).not_to_be_visible()
    _look(page, "2-task")
    figures.locator("summary").tap()
    expect(figures.get_by_role("link", name="执委 2名")).to_be_visible()
    _no_sideways_scroll(page)
    figures.locator("summary").tap()

    _edit(page, "矛盾纠纷排查化解", "发挥执委", "充分发挥执委")
    page.get_by_label(QUESTION).fill("“爱心义剪”进网格")
    page.get_by_role("button", name="保存草稿").tap()
    expect(page.locator(".alert-success")).to_contain_text("草稿已保存")
    page.reload()
    expect(page.get_by_label("矛盾纠纷排查化解", exact=True)).to_have_value(
        re.compile("^充分发挥执委熟悉社情民意的优势")
    )
    expect(page.get_by_label(QUESTION)).to_have_value("“爱心义剪”进网格")

    # A figure changed in the words is refused, in Chinese, and nothing typed is lost.
    _edit(page, "基本情况", "现有执委2名", "现有执委3名")
    _edit(page, "存在问题", "尚未全覆盖", "还未全覆盖")
    page.get_by_role("button", name="报送", exact=True).tap()
    error = page.locator(".alert-danger", has_text="不能修改")
    expect(error).to_contain_text("“基本情况”中的数字3与台账不符")
    expect(error).to_be_in_viewport()
    _look(page, "3-figure-refused")
    _no_sideways_scroll(page)
    expect(page.get_by_label("基本情况", exact=True)).to_have_value(re.compile("现有执委3名"))
    expect(page.get_by_label("存在问题", exact=True)).to_have_value(re.compile("还未全覆盖"))
    expect(page.get_by_label("矛盾纠纷排查化解", exact=True)).to_have_value(
        re.compile("^充分发挥执委")
    )
    expect(page.get_by_label(QUESTION)).to_have_value("“爱心义剪”进网格")
    assert not Submission.objects.exists()

    _edit(page, "基本情况", "现有执委3名", "现有执委2名")
    page.get_by_role("button", name="报送", exact=True).tap()
    expect(page.locator(".alert-success")).to_contain_text("已报送，等待上级审核")
    expect(page.get_by_role("button", name="报送", exact=True)).to_have_count(0)
    _no_sideways_scroll(page)
    _look(page, "4-submitted")


def _community_resubmits_after_the_return(page: Any, target: Target) -> None:
    """She finds the returned task on her home page, reads why, edits and submits again."""
    page.goto("/")
    task = page.locator(f"a[href='/rounds/targets/{target.pk}/']")
    expect(task).to_contain_text("已退回")
    task.tap()
    expect(page.locator(".alert-danger")).to_contain_text("第1版被退回：请补充具体做法和成效")
    _no_sideways_scroll(page)
    _look(page, "5-returned")
    expect(page.get_by_label("矛盾纠纷排查化解", exact=True)).to_have_value(
        re.compile("^充分发挥执委")
    )
    _edit(page, "基本情况", "现有执委2名。", "现有执委2名，均已进网格履职。")
    page.get_by_label(QUESTION).fill("“爱心义剪”进网格，全年服务老人")
    page.get_by_role("button", name="报送", exact=True).tap()
    expect(page.locator(".alert-success")).to_contain_text("已报送，等待上级审核")

    # On her phone the version reads well too.
    page.get_by_role("link", name=re.compile("第2版")).tap()
    expect(page.locator("h1")).to_contain_text("第2版")
    _no_sideways_scroll(page)
    _look(page, "6-submission")


def _township_reads_what_changed_and_approves(page: Any, shoot: Any, second: Submission) -> None:
    page.goto("/rounds/")
    page.get_by_role("link", name=re.compile("年度工作总结报送")).click()
    page.get_by_role("link", name="嵩合社区").click()
    page.get_by_role("link", name=re.compile("第2版")).click()
    expect(page).to_have_url(re.compile(f"/rounds/submissions/{second.pk}/$"))
    changed = page.locator("#changes")
    expect(changed).to_contain_text("与第1版相比")
    expect(changed).to_contain_text("嵩合社区妇联现有执委2名，均已进网格履职。")
    expect(changed).to_contain_text("“爱心义剪”进网格，全年服务老人")  # the answer too
    expect(changed).not_to_contain_text("没有变化")
    shoot(page, "what-changed")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".alert-success")).to_have_text("已审核通过。")


def test_community_answers_on_her_phone_and_the_township_returns_then_approves(
    open_page, sign_in, shoot, scene, cast, tree
):
    target = _issued(cast, tree)
    phone = open_page(**PHONE)
    sign_in(phone, cast.songhe_chair)
    _community_answers_on_her_phone(phone, target)
    first = Submission.objects.get(target=target)
    assert first.answers == ["“爱心义剪”进网格"]
    texts = {p["key"]: p["paragraphs"] for p in first.report["parts"]}
    assert texts["basics"][0] == "嵩合社区妇联现有执委2名。"
    assert texts["problems"][0] == "一是执委进网格还未全覆盖，1个网格未配备执委；"

    # The township returns it with a reason.
    desk = open_page(**DESKTOP)
    sign_in(desk, cast.township_cadre)
    desk.goto(f"/rounds/targets/{target.pk}/")
    desk.get_by_role("link", name=re.compile("第1版")).click()
    desk.get_by_label("退回原因").fill("请补充具体做法和成效")
    desk.get_by_role("button", name="退回").click()
    expect(desk.locator(".alert-success")).to_have_text("已退回。")

    _community_resubmits_after_the_return(phone, target)
    second = Submission.objects.get(target=target, version=2)
    assert second.answers == ["“爱心义剪”进网格，全年服务老人"]

    _township_reads_what_changed_and_approves(desk, shoot, second)
    target.refresh_from_db()
    second.refresh_from_db()
    assert (target.status, second.review) == (Target.Status.APPROVED, Submission.Review.APPROVED)

    # Approved, it leaves her home page.
    phone.goto("/")
    expect(phone.locator(f"a[href='/rounds/targets/{target.pk}/']")).to_have_count(0)
