"""The paragraphs the township quotes in its consolidated report: 河沥溪街道 asks 嵩合社区 and
港口村 for their work reports (with one question), both answer, and its cadre ticks the
paragraphs to quote on the round's quotes page; the report quotes exactly those, each naming
its unit, or chooses for itself when none (or none still current) is chosen."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from docx import Document

from jinguo.audit.models import AuditEvent
from jinguo.cases.models import Case
from jinguo.cases.tests.factories import closed
from jinguo.rounds import services
from jinguo.rounds.models import Round, RoundChange
from jinguo.rounds.quoting import MAX_QUOTES, QuoteRef, chosen_quotes, passages_of

pytestmark = pytest.mark.django_db
QUESTION = "今年最值得推广的一项做法是什么？"
SONGHE_ANSWER = "嵩合社区推行“执委包楼栋”\n每周走访独居老人"
GANGKOU_ANSWER = "港口村开设“巾帼课堂”"


@pytest.fixture
def answered(tree, cast, people) -> SimpleNamespace:
    closed(tree.wushan, people.wushan_exec, outcome=Case.Outcome.WRITTEN)
    today = timezone.localdate()
    round_ = services.round_create(
        actor=cast.township_cadre,
        org=tree.helixi,
        title="2026年工作总结报送",
        kind=Round.Kind.WORK_REPORT,
        start=today.replace(month=1, day=1),
        end=today,
        deadline=today + dt.timedelta(days=7),
        targets=[tree.songhe, tree.gangkou],
        questions=[QUESTION],
    )
    songhe, gangkou = round_.targets.get(org=tree.songhe), round_.targets.get(org=tree.gangkou)
    return SimpleNamespace(
        round=round_,
        songhe=songhe,
        gangkou=gangkou,
        songhe_v1=services.target_submit(
            actor=cast.songhe_chair, target=songhe, texts={}, answers=[SONGHE_ANSWER]
        ),
        gangkou_v1=services.target_submit(
            actor=cast.gangkou_chair, target=gangkou, texts={}, answers=[GANGKOU_ANSWER]
        ),
    )


def _ref(submission, part: str, index: int = 0) -> QuoteRef:
    return QuoteRef(submission.pk, part, index)


def _report_text(client, round_) -> str:
    response = client.get(f"/rounds/{round_.pk}/report.docx")
    assert response.status_code == 200
    return "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


def test_the_cadre_sees_each_units_paragraphs_by_part_with_a_box_to_tick(cast, answered, login):
    page = login(cast.township_cadre).get(f"/rounds/{answered.round.pk}/quotes/").content.decode()
    assert "嵩合社区" in page and "港口村" in page
    assert "基本情况" in page and "主要做法和成效·矛盾纠纷排查化解" in page and QUESTION in page
    assert f'value="{_ref(answered.songhe_v1, "answers.0", 1).value}"' in page
    assert "每周走访独居老人" in page
    assert "尚未选择：汇总报告暂按系统自动选择引用" in page
    assert " checked>" not in page


def test_the_report_quotes_exactly_the_ticked_paragraphs_each_naming_its_unit(
    cast, answered, login
):
    client = login(cast.township_cadre)
    ticked = [
        _ref(answered.gangkou_v1, "answers.0").value,
        _ref(answered.songhe_v1, "answers.0", 1).value,
    ]
    response = client.post(f"/rounds/{answered.round.pk}/quotes/", {"quotes": ticked})
    assert response.status_code == 302
    answered.round.refresh_from_db()
    assert [(q["submission"], q["text"]) for q in answered.round.quotes] == [
        (answered.gangkou_v1.pk, GANGKOU_ANSWER),
        (answered.songhe_v1.pk, "每周走访独居老人"),
    ]
    change = RoundChange.objects.get(round=answered.round, action=RoundChange.Action.QUOTE)
    assert change.actor == cast.township_cadre and change.new == {"quotes": ticked}
    assert AuditEvent.objects.filter(action="round.quote").exists()
    text = _report_text(client, answered.round)
    assert f"{GANGKOU_ANSWER}——港口村妇联" in text
    assert "每周走访独居老人——嵩合社区妇联" in text
    # Only those: not the automatic choice, not the answer's other line.
    assert "排查化解矛盾纠纷1件" not in text.split("各单位报送情况")[1].split("存在问题")[0]
    assert "执委包楼栋" not in text
    page = client.get(f"/rounds/{answered.round.pk}/quotes/").content.decode()
    assert page.count(" checked>") == 2 and "汇总报告引用已选的2段" in page


def test_with_nothing_ticked_the_report_chooses_for_itself(cast, answered, login):
    client = login(cast.township_cadre)
    url = f"/rounds/{answered.round.pk}/quotes/"
    client.post(url, {"quotes": [_ref(answered.songhe_v1, "answers.0").value]})
    assert client.post(url, {}).status_code == 302  # every box unticked
    answered.round.refresh_from_db()
    assert answered.round.quotes == []
    section = _report_text(client, answered.round).split("各单位报送情况")[1]
    assert "——嵩合社区妇联" in section and "执委包楼栋" not in section


def test_more_ticks_than_allowed_are_refused_in_chinese_and_the_ticks_are_kept(
    cast, answered, login
):
    offered = [
        _ref(answered.songhe_v1, p.part, p.index).value
        for p in passages_of(answered.songhe_v1, questions=[QUESTION])
    ] + [
        _ref(answered.gangkou_v1, p.part, p.index).value
        for p in passages_of(answered.gangkou_v1, questions=[QUESTION])
    ]
    ticked = offered[: MAX_QUOTES + 1]
    assert len(ticked) == MAX_QUOTES + 1
    response = login(cast.township_cadre).post(
        f"/rounds/{answered.round.pk}/quotes/", {"quotes": ticked}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"最多选择{MAX_QUOTES}段，已选{MAX_QUOTES + 1}段。" in page
    assert page.index("最多选择") < page.index('name="quotes"')  # above the boxes
    for value in ticked:
        assert f'value="{value}" id=' in page
    assert page.count(" checked>") == MAX_QUOTES + 1
    answered.round.refresh_from_db()
    assert answered.round.quotes == []


def test_a_quote_of_a_superseded_version_is_stale_and_left_out_of_the_report(cast, answered, login):
    client = login(cast.township_cadre)
    old = _ref(answered.songhe_v1, "answers.0").value
    client.post(f"/rounds/{answered.round.pk}/quotes/", {"quotes": [old]})
    answered.round.refresh_from_db()
    services.submission_return(
        actor=cast.township_cadre, submission=answered.songhe_v1, reason="请补充做法"
    )
    # Returned: the version is not the unit's answer any more.
    (quote,) = chosen_quotes(user=cast.township_cadre, round_=answered.round)
    assert quote.stale
    services.target_submit(
        actor=cast.songhe_chair,
        target=answered.songhe,
        texts={},
        answers=["嵩合社区推行“楼栋议事”"],
    )
    page = client.get(f"/rounds/{answered.round.pk}/quotes/").content.decode()
    assert "已过时" in page and "执委包楼栋" in page and "楼栋议事" in page
    assert "已选段落均已过时" in page
    assert f'value="{old}"' not in page  # the old version is no longer offered
    # The report quotes what the units say now: the stale one goes, the choice falls back.
    section = _report_text(client, answered.round).split("各单位报送情况")[1]
    assert "执委包楼栋" not in section and "——嵩合社区妇联" in section
    # Posting the stale paragraph (an old page) is refused in Chinese.
    response = client.post(f"/rounds/{answered.round.pk}/quotes/", {"quotes": [old]})
    assert "所选段落已不是该单位最新报送的内容" in response.content.decode()


def test_a_current_choice_is_printed_and_a_stale_one_beside_it_is_not(cast, answered, login):
    client = login(cast.township_cadre)
    services.round_choose_quotes(
        round_=answered.round,
        actor=cast.township_cadre,
        choices=[
            _ref(answered.songhe_v1, "answers.0"),
            _ref(answered.gangkou_v1, "answers.0"),
        ],
    )
    services.submission_return(
        actor=cast.township_cadre, submission=answered.songhe_v1, reason="请补充"
    )
    section = _report_text(client, answered.round).split("各单位报送情况")[1]
    assert f"{GANGKOU_ANSWER}——港口村妇联" in section and "执委包楼栋" not in section


def test_only_the_issuing_units_writers_choose_the_quotes(cast, answered, login):
    choice = [_ref(answered.songhe_v1, "answers.0")]
    with pytest.raises(PermissionDenied):
        services.round_choose_quotes(round_=answered.round, actor=cast.songhe_chair, choices=choice)
    url = f"/rounds/{answered.round.pk}/quotes/"
    value = choice[0].value
    assert login(cast.songhe_chair).get(url).status_code == 403
    assert login(cast.county_leader).get(url).status_code == 200  # may look
    assert login(cast.county_leader).post(url, {"quotes": [value]}).status_code == 403
    assert login(cast.langxi_cadre).post(url, {"quotes": [value]}).status_code == 404
    answered.round.refresh_from_db()
    assert answered.round.quotes == []


def test_a_paragraph_that_the_version_does_not_hold_is_refused(cast, answered):
    for ref in (
        _ref(answered.songhe_v1, "answers.0", 7),
        _ref(answered.songhe_v1, "nowhere"),
        QuoteRef(answered.songhe_v1.pk + 1000, "answers.0", 0),
    ):
        with pytest.raises(ValidationError):
            services.round_choose_quotes(
                round_=answered.round, actor=cast.township_cadre, choices=[ref]
            )


def test_the_api_shows_and_chooses_the_quotes(cast, answered, login):
    client = login(cast.township_cadre)
    url = f"/api/v1/rounds/{answered.round.pk}/quotes/"
    body = {"quotes": [{"submission": answered.gangkou_v1.pk, "part": "answers.0", "index": 0}]}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["quotes"][0]["text"] == GANGKOU_ANSWER
    detail = client.get(f"/api/v1/rounds/{answered.round.pk}/").json()
    assert detail["quotes"] == [
        {
            "submission": answered.gangkou_v1.pk,
            "part": "answers.0",
            "index": 0,
            "target": answered.gangkou.pk,
            "org": "港口村",
            "text": GANGKOU_ANSWER,
            "stale": False,
        }
    ]
    too_many = {
        "quotes": [body["quotes"][0]] * 3
        + [{"submission": answered.songhe_v1.pk, "part": "basics", "index": i} for i in range(9)]
    }
    assert client.post(url, too_many, content_type="application/json").status_code == 400
    refused = login(cast.songhe_chair).post(url, body, content_type="application/json")
    assert refused.status_code == 403
    # A unit sees only the quotes of its own words.
    assert (
        login(cast.songhe_chair).get(f"/api/v1/rounds/{answered.round.pk}/").json()["quotes"] == []
    )
