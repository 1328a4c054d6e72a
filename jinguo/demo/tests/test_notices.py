"""The demo's notices and task, built on the cast tree (港口村 stands in for 西山村): the read and
done figures the sender's pages show are the rows themselves."""

import pytest

from jinguo.accounts.models import User
from jinguo.accounts.tests.factories import UserFactory
from jinguo.demo.notices import MARCH_NOTICE, SONGHE_RETURN, TASK, VISIT_NOTICE, NoticesDemo
from jinguo.notices.models import Notice, NoticeChange, Task, TaskRecipient
from jinguo.notices.selectors import notice_receipts, notices_received, task_receipts
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(tree) -> str:
    R = User.Role
    UserFactory(username="helixi", role=R.CADRE, org=tree.helixi)
    UserFactory(username="songhe", role=R.CADRE, org=tree.songhe)
    UserFactory(username="xishan", role=R.CADRE, org=tree.gangkou)
    OrgUnitFactory(
        name="锦城社区", kind=OrgUnit.Kind.COMMUNITY, code="341881001003", parent=tree.helixi
    )
    orgs = {"helixi": tree.helixi, "songhe": tree.songhe, "xishan": tree.gangkou}
    return NoticesDemo(orgs).build()


def test_the_street_has_sent_two_notices_and_a_task(built):
    assert set(Notice.objects.values_list("title", flat=True)) == {
        VISIT_NOTICE[0],
        MARCH_NOTICE[0],
    }
    assert Task.objects.get().title == TASK[0]
    assert built == "通知2份（已读1/2；已读1/3），任务1项（已完成1/2）"


def test_the_read_figures_are_the_units_with_a_read_time(tree, built):
    helixi = User.objects.get(username="helixi")
    for notice in Notice.objects.all():
        receipts = notice_receipts(user=helixi, notice=notice)
        read = notice.targets.exclude(read_at=None)
        assert receipts.counts["read"] == read.count() == 1
        assert receipts.counts["unread"] == notice.targets.filter(read_at=None).count()
        assert NoticeChange.objects.filter(notice=notice, action="read").count() == 1


def test_songhe_has_read_the_visit_notice_and_has_the_march_one_waiting(tree, built):
    chair = User.objects.get(username="songhe")
    received = {n.title: n.__dict__["unit_read_at"] for n in notices_received(user=chair)}
    assert received[VISIT_NOTICE[0]] is not None
    assert received[MARCH_NOTICE[0]] is None


def test_the_done_figures_are_the_returns(tree, built):
    task = Task.objects.get()
    receipts = task_receipts(user=User.objects.get(username="helixi"), task=task)
    done = task.recipients.filter(status=TaskRecipient.Status.DONE)
    assert receipts.counts["done"] == done.count() == 1
    assert receipts.counts["pending"] == task.recipients.filter(status="pending").count() == 1
    songhe = done.get()
    assert (songhe.org, songhe.text) == (tree.songhe, SONGHE_RETURN)
