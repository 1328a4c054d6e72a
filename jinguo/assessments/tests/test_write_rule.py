"""Records read from below are written only where they are kept (orgs.selectors.may_write_at)."""

import pytest
from django.core.exceptions import PermissionDenied

from jinguo.assessments import selectors


def test_a_community_cadre_reads_but_may_not_change_the_county_scheme(cast, scheme):
    assert selectors.scheme_get_for_user(user=cast.songhe_chair, scheme_id=scheme.pk) == scheme
    with pytest.raises(PermissionDenied):
        selectors.scheme_get_for_user(user=cast.songhe_chair, scheme_id=scheme.pk, for_write=True)
    writable = selectors.scheme_get_for_user(
        user=cast.county_cadre, scheme_id=scheme.pk, for_write=True
    )
    assert writable == scheme
