import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from jinguo.meetings import selectors
from jinguo.meetings.tests.factories import held, plan, resolution, topic
from jinguo.orgs import tree as tree_module

TODAY = timezone.localdate


def test_a_village_sees_its_meetings_and_not_another_villages(tree, cast, execs, people):
    mine = plan(tree.wushan, people=execs)
    theirs = plan(tree.gangkou, people=[people.gangkou_exec])
    assert list(selectors.meeting_list(user=cast.songhe_chair)) == [mine]
    assert set(selectors.meeting_list(user=cast.township_cadre)) == {mine, theirs}
    assert list(selectors.meeting_list(user=cast.system_admin)) == []
    with pytest.raises(Http404):
        selectors.meeting_get_for_user(user=cast.songhe_chair, meeting_id=theirs.pk)
    with pytest.raises(PermissionDenied):
        selectors.meeting_get_for_user(user=cast.county_leader, meeting_id=mine.pk, for_write=True)
    assert selectors.meeting_get_for_user(user=cast.county_leader, meeting_id=mine.pk) == mine


def test_resolutions_and_topics_follow_their_meetings_scope(tree, cast, execs):
    r = resolution(held(tree.songhe, execs), "adopted")
    with pytest.raises(Http404):
        selectors.resolution_get_for_user(user=cast.gangkou_chair, resolution_id=r.pk)
    with pytest.raises(Http404):
        selectors.topic_get_for_user(user=cast.langxi_cadre, topic_id=r.topic_id)
    with pytest.raises(PermissionDenied):
        selectors.resolution_get_for_user(
            user=cast.county_leader, resolution_id=r.pk, for_write=True
        )
    assert list(selectors.resolution_list(user=cast.gangkou_chair)) == []
    assert list(selectors.resolution_list(user=cast.songhe_chair)) == [r]


def test_the_list_filters_by_subtree_kind_status_and_period(tree, cast, execs):
    old = held(tree.songhe, execs, on=TODAY() - dt.timedelta(days=40), kind="quarterly")
    new = held(tree.songhe, execs, on=TODAY())
    planned = plan(tree.wushan, days_ahead=3)
    user = cast.township_cadre
    assert set(selectors.meeting_list(user=user, org=tree.wushan)) == {planned}
    assert list(selectors.meeting_list(user=user, kind="quarterly")) == [old]
    assert set(selectors.meeting_list(user=user, status="held")) == {old, new}
    start = TODAY() - dt.timedelta(days=7)
    assert set(selectors.meeting_list(user=user, start=start)) == {new, planned}
    assert set(selectors.meeting_list(user=user, start=start, end=TODAY())) == {new}


def test_follow_up_lists_adopted_forwarded_and_in_progress_oldest_first(tree, cast, execs):
    older = held(tree.songhe, execs, on=TODAY() - dt.timedelta(days=30))
    newer = held(tree.songhe, execs, on=TODAY() - dt.timedelta(days=2))
    a = resolution(newer, "adopted")
    b = resolution(older, "in_progress")
    c = resolution(newer, "forwarded")
    for status in ("done", "rejected", "proposed", "not_adopted"):
        resolution(older, status)
    rows = list(selectors.resolution_list(user=cast.songhe_chair, stage="follow_up"))
    assert rows == [b, a, c]


def _figure(figures, key):
    return next(f for f in figures if f.key == key)


def test_figures_equal_the_rows_of_their_linked_lists(tree, cast, execs, login, people):
    start, end = TODAY().replace(month=1, day=1), TODAY()
    m1 = held(tree.songhe, execs, kind="women_council")
    m2 = held(tree.wushan, execs, kind="quarterly")
    held(tree.gangkou, [people.gangkou_exec])  # another village: not counted for Songhe
    held(tree.songhe, execs, on=start - dt.timedelta(days=1))  # before the period
    plan(tree.songhe)  # not held
    for status in ("adopted", "forwarded", "in_progress", "done", "done", "rejected"):
        resolution(m1, status)
    resolution(m2, "not_adopted")
    topic(m2)
    figures = selectors.meeting_figures(
        user=cast.songhe_chair, org=tree.songhe, start=start, end=end
    )
    values = {f.key: f.value for f in figures}
    assert values["meetings.held"] == 2
    assert values["meetings.held.quarterly"] == 1
    assert values["meetings.held.executive_committee"] == 0
    assert values["meetings.topics"] == 8
    assert values["meetings.adopted"] == 6
    assert values["meetings.forwarded"] == 5
    assert values["meetings.done"] == 2
    assert values["meetings.implementation_rate"] == pytest.approx(33.3)
    client = login(cast.songhe_chair)
    for f in figures:
        if f.key == "meetings.implementation_rate":
            continue
        page = client.get(f.url)
        assert page.status_code == 200
        assert page.context["page"].paginator.count == f.value, f.key


def test_the_breakdown_counts_meetings_under_each_child_unit(tree, cast, execs, people):
    held(tree.songhe, execs)
    held(tree.wushan, execs)
    held(tree.gangkou_grid, [people.gangkou_exec])
    rows = selectors.meeting_breakdown(
        user=cast.township_cadre, org=tree.helixi, start=TODAY(), end=TODAY()
    )
    assert {r.org.name: r.held for r in rows} == {"嵩合社区": 2, "港口村": 1}


@pytest.mark.parametrize("user", ["township_cadre", "city_cadre"])
def test_figures_grouped_by_child_sum_to_the_figures_and_count_each_childs_kinds(
    tree, cast, execs, people, user
):
    held(tree.songhe, execs, kind="women_council")
    held(tree.wushan, execs, kind="quarterly")
    held(tree.gangkou_grid, [people.gangkou_exec], kind="quarterly")
    plan(tree.gangkou)  # not held: not counted
    viewer, org = getattr(cast, user), tree.helixi
    period = {"start": TODAY(), "end": TODAY()}
    segment = Substr("org__path", len(org.path) + 1, tree_module.SEGMENT)
    plain = selectors.meeting_figures(user=viewer, org=org, **period)
    grouped, by_child = selectors.meeting_figures_by(user=viewer, org=org, group=segment, **period)
    assert grouped == plain
    for child in (tree.songhe, tree.gangkou):
        own = {f.key: f.value for f in selectors.meeting_figures(user=viewer, org=child, **period)}
        kinds = by_child[tree_module.segment(child.pk)]
        assert sum(kinds.values()) == own["meetings.held"]
        assert all(kinds[kind] == own[f"meetings.held.{kind}"] for kind in kinds)
    assert by_child[tree_module.segment(tree.songhe.pk)]["women_council"] == 1


def test_the_notice_shows_only_public_held_meetings_of_the_org_in_the_last_year(tree, execs):
    shown = held(tree.songhe, execs)
    held(tree.songhe, execs, kind="executive_committee")  # not public by default
    held(tree.songhe, execs, on=TODAY() - dt.timedelta(days=400))
    held(tree.wushan, execs)  # a grid's meeting is on the grid's notice
    plan(tree.songhe)
    assert list(selectors.notice_meetings(org=tree.songhe)) == [shown]
    assert selectors.notice_org(code=tree.songhe.code) == tree.songhe
    with pytest.raises(Http404):
        selectors.notice_org(code="999")
    with pytest.raises(Http404):
        selectors.notice_org(code="")
