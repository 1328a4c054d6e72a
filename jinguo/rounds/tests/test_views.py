"""The round's pages: the township issues, the community drafts and submits, the township
reviews and downloads the consolidated report; other units and read-only roles are kept out."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document

from jinguo.audit.models import AuditEvent
from jinguo.cases.models import Case
from jinguo.cases.tests.factories import closed
from jinguo.rounds.forms import AnswerForm
from jinguo.rounds.models import Round, Submission, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(tree, cast, people, login) -> Round:
    closed(tree.wushan, people.wushan_exec, outcome=Case.Outcome.WRITTEN)
    today = timezone.localdate()
    response = login(cast.township_cadre).post(
        "/rounds/new/",
        {
            "title": "2026年工作总结报送",
            "kind": "work_report",
            "start": today.replace(month=1, day=1).isoformat(),
            "end": today.isoformat(),
            "deadline": (today + dt.timedelta(days=5)).isoformat(),
            "targets": [tree.songhe.pk, tree.gangkou.pk],
            "questions": "今年最值得推广的一项做法是什么？",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Round.objects.get()


def test_the_township_issues_a_round_to_its_villages_and_communities(tree, cast, issued):
    assert issued.org == tree.helixi
    assert set(issued.targets.values_list("org__name", flat=True)) == {"嵩合社区", "港口村"}
    assert issued.questions == ["今年最值得推广的一项做法是什么？"]


def test_the_new_round_form_offers_only_units_below_the_issuer(tree, cast, login):
    page = login(cast.township_cadre).get("/rounds/new/").content.decode()
    assert "嵩合社区" in page and "港口村" in page
    assert "东门村" not in page  # another county's village


def test_a_unit_outside_the_issuer_cannot_be_targeted(tree, cast, login):
    today = timezone.localdate().isoformat()
    response = login(cast.township_cadre).post(
        "/rounds/new/",
        {
            "title": "越级",
            "kind": "work_report",
            "start": today,
            "end": today,
            "deadline": today,
            "targets": [tree.dongmen.pk],
        },
    )
    assert response.status_code == 200
    assert "所选单位不存在或不在本单位之下" in response.content.decode()
    assert not Round.objects.exists()


def test_the_community_sees_its_task_fills_its_words_and_submits(tree, cast, issued, login):
    client = login(cast.songhe_chair)
    assert "2026年工作总结报送" in client.get("/rounds/").content.decode()
    target = issued.targets.get(org=tree.songhe)
    page = client.get(f"/rounds/targets/{target.pk}/").content.decode()
    assert "排查化解矛盾纠纷1件" in page  # the drafted words
    assert "数据不能修改" in page
    form = {"part_0": "嵩合社区妇联现有执委。", "answer_0": "“爱心义剪”进网格。", "submit": "1"}
    response = client.post(f"/rounds/targets/{target.pk}/", form)
    assert response.status_code == 302
    submission = Submission.objects.get(target=target)
    assert submission.answers == ["“爱心义剪”进网格。"]
    assert submission.report["parts"][0]["paragraphs"] == ["嵩合社区妇联现有执委。"]


def test_a_typed_figure_is_refused_and_the_words_are_kept(tree, cast, issued, login):
    client = login(cast.songhe_chair)
    target = issued.targets.get(org=tree.songhe)
    typed = "嵩合社区妇联现有执委99名。"
    response = client.post(
        f"/rounds/targets/{target.pk}/", {"part_0": typed, "answer_0": "无", "submit": "1"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "不能修改" in page and typed in page  # nothing typed is lost
    assert not Submission.objects.exists()


def test_a_missing_answer_is_refused(tree, cast, issued, login):
    target = issued.targets.get(org=tree.songhe)
    response = login(cast.songhe_chair).post(f"/rounds/targets/{target.pk}/", {"submit": "1"})
    assert "请回答全部问题" in response.content.decode()


def test_another_village_cannot_open_or_answer_songhes_task(tree, cast, issued, login):
    target = issued.targets.get(org=tree.songhe)
    client = login(cast.gangkou_chair)
    assert client.get(f"/rounds/targets/{target.pk}/").status_code == 404
    assert client.post(f"/rounds/targets/{target.pk}/", {"submit": "1"}).status_code == 404


def test_the_township_returns_with_a_reason_then_approves_the_next_version(
    tree, cast, issued, login
):
    target = issued.targets.get(org=tree.songhe)
    songhe = login(cast.songhe_chair)
    songhe.post(f"/rounds/targets/{target.pk}/", {"answer_0": "做法一", "submit": "1"})
    first = Submission.objects.get(target=target)
    # The community may not review its own answer.
    assert (
        songhe.post(f"/rounds/submissions/{first.pk}/review/", {"approve": "1"}).status_code == 403
    )
    township = login(cast.township_cadre)
    township.post(
        f"/rounds/submissions/{first.pk}/review/", {"return": "1", "reason": "请补充做法"}
    )
    target.refresh_from_db()
    assert target.status == Target.Status.RETURNED
    songhe = login(cast.songhe_chair)
    assert "请补充做法" in songhe.get(f"/rounds/targets/{target.pk}/").content.decode()
    songhe.post(f"/rounds/targets/{target.pk}/", {"answer_0": "做法一、做法二", "submit": "1"})
    second = Submission.objects.get(target=target, version=2)
    page = login(cast.township_cadre).get(f"/rounds/submissions/{second.pk}/").content.decode()
    assert "与第1版相比" in page
    login(cast.township_cadre).post(f"/rounds/submissions/{second.pk}/review/", {"approve": "1"})
    target.refresh_from_db()
    assert target.status == Target.Status.APPROVED


def test_the_round_page_counts_and_the_township_downloads_the_consolidated_report(
    tree, cast, issued, login
):
    target = issued.targets.get(org=tree.songhe)
    login(cast.songhe_chair).post(
        f"/rounds/targets/{target.pk}/", {"answer_0": "做法", "submit": "1"}
    )
    client = login(cast.township_cadre)
    page = client.get(f"/rounds/{issued.pk}/").content.decode()
    assert "应报" in page and "50.0%" in page
    response = client.get(f"/rounds/{issued.pk}/report.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "河沥溪街道妇联" in text and "工作总结（汇总）" in text
    assert "各单位报送情况" in text and "已报送1个" in text
    assert AuditEvent.objects.filter(action="rounds.report").exists()
    assert client.get(f"/rounds/{issued.pk}/export.xlsx").status_code == 200
    # The community sees its own row, not the consolidated report of the township.
    assert login(cast.songhe_chair).get(f"/rounds/{issued.pk}/report.docx").status_code == 403


def test_a_submitted_version_prints_as_it_was_sent(tree, cast, people, issued, login):
    target = issued.targets.get(org=tree.songhe)
    login(cast.songhe_chair).post(
        f"/rounds/targets/{target.pk}/", {"answer_0": "做法", "submit": "1"}
    )
    submission = Submission.objects.get()
    closed(tree.wushan, people.wushan_exec, outcome=Case.Outcome.WRITTEN)  # records move on
    client = login(cast.township_cadre)
    page = client.get(f"/rounds/submissions/{submission.pk}/").content.decode()
    assert "报送后台账已变化" in page
    docx = client.get(f"/rounds/submissions/{submission.pk}/report.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "排查化解矛盾纠纷1件" in text  # as sent, not the 2 of today
    assert client.get(f"/rounds/submissions/{submission.pk}/report.pdf").content.startswith(b"%PDF")


def test_a_read_only_leader_may_look_but_not_remind_or_close(tree, cast, issued, login):
    client = login(cast.county_leader)
    assert client.get(f"/rounds/{issued.pk}/").status_code == 200
    assert client.post(f"/rounds/{issued.pk}/remind/").status_code == 403
    assert client.post(f"/rounds/{issued.pk}/close/").status_code == 403


def test_the_task_is_on_the_communitys_home_page_until_it_is_submitted(tree, cast, issued, login):
    client = login(cast.songhe_chair)
    target = issued.targets.get(org=tree.songhe)
    assert f"/rounds/targets/{target.pk}/" in client.get("/").content.decode()
    client.post(f"/rounds/targets/{target.pk}/", {"answer_0": "做法", "submit": "1"})
    assert f"/rounds/targets/{target.pk}/" not in client.get("/").content.decode()


def test_a_period_that_ends_before_it_starts_is_refused_on_the_form(tree, cast, login):
    today = timezone.localdate()
    response = login(cast.township_cadre).post(
        "/rounds/new/",
        {
            "title": "倒置",
            "kind": "work_report",
            "start": today.isoformat(),
            "end": (today - dt.timedelta(days=1)).isoformat(),
            "deadline": (today - dt.timedelta(days=2)).isoformat(),
            "targets": [tree.songhe.pk],
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "统计期间结束日期不能早于开始日期" in page
    assert "报送截止日期不能早于统计期间开始日期" in page
    assert not Round.objects.exists()


def test_what_changed_between_versions_names_a_changed_answer(tree, cast, issued, login):
    """An answer rewritten after a return is a change: the page said «没有变化» before."""
    target = issued.targets.get(org=tree.songhe)
    songhe = login(cast.songhe_chair)
    songhe.post(f"/rounds/targets/{target.pk}/", {"answer_0": "做法一", "submit": "1"})
    first = Submission.objects.get(target=target)
    login(cast.township_cadre).post(
        f"/rounds/submissions/{first.pk}/review/", {"return": "1", "reason": "请补充做法"}
    )
    login(cast.songhe_chair).post(
        f"/rounds/targets/{target.pk}/", {"answer_0": "做法一、做法二", "submit": "1"}
    )
    second = Submission.objects.get(target=target, version=2)
    page = login(cast.township_cadre).get(f"/rounds/submissions/{second.pk}/").content.decode()
    changes = page[page.index('id="changes"') : page.index("</section>")]
    assert "没有变化" not in changes
    assert "今年最值得推广的一项做法是什么？" in changes
    assert "做法一" in changes and "做法一、做法二" in changes


def test_a_refused_figure_is_explained_above_the_words_not_below_them(tree, cast, issued, login):
    """On a phone the page comes back at its top: the reason must be there, before the boxes."""
    target = issued.targets.get(org=tree.songhe)
    response = login(cast.songhe_chair).post(
        f"/rounds/targets/{target.pk}/",
        {"part_0": "嵩合社区妇联现有执委99名。", "answer_0": "无", "submit": "1"},
    )
    page = response.content.decode()
    assert page.count("与台账不符") == 1
    assert page.index("与台账不符") < page.index("<textarea")


def test_a_work_reports_figures_are_folded_above_the_words(tree, cast, issued, login):
    target = issued.targets.get(org=tree.songhe)
    page = login(cast.songhe_chair).get(f"/rounds/targets/{target.pk}/").content.decode()
    assert '<details class="mb-3">' in page  # folded: about a hundred figures
    assert page.index("<details") < page.index("<textarea")


def test_a_drafted_part_gets_a_box_as_tall_as_its_words_wrap_on_a_phone():
    long = "发挥执委熟悉社情民意的优势，排查化解矛盾纠纷1件；办结率50%。" * 2  # 4 phone lines
    form = AnswerForm(
        parts=[("work.cases", "矛盾纠纷排查化解", [long, "短句。"])], questions=[], answers=[]
    )
    rows = form.fields["part_0"].widget.attrs["rows"]
    assert rows >= 4 + 1 + 1  # its lines, the short one, one to spare


def test_the_new_round_form_folds_the_figures_a_work_report_does_not_ask(tree, cast, login):
    client = login(cast.township_cadre)
    page = client.get("/rounds/new/").content.decode()
    assert '<details class="mb-3">' in page  # folded: the questions and the button come next
    today = timezone.localdate().isoformat()
    form = {"title": "数据", "kind": "form", "start": today, "end": today, "deadline": today}
    page = client.post("/rounds/new/", {**form, "targets": [tree.songhe.pk]}).content.decode()
    assert '<details class="mb-3" open>' in page  # a form's figures, with its error
    assert "数据报表须至少选择一项数据或填写一个问题" in page
