"""Records read from below are written only where they are kept (orgs.selectors.may_write_at)."""

import pytest
from django.core.exceptions import PermissionDenied

from jinguo.points import selectors
from jinguo.points.tests.conftest import item


def test_a_grid_member_reads_but_may_not_change_her_communitys_love_bank_item(tree, cast):
    rice = item(tree.songhe)
    assert selectors.item_get_for_user(user=cast.wushan_member, item_id=rice.pk) == rice
    with pytest.raises(PermissionDenied):
        selectors.item_get_for_user(user=cast.wushan_member, item_id=rice.pk, for_write=True)
    writable = selectors.item_get_for_user(user=cast.songhe_chair, item_id=rice.pk, for_write=True)
    assert writable == rice
