"""The visit form on a phone: three taps from home («走访», a channel, «保存走访»). The channel is
the only choice she must make; the rest is folded under «更多» until it holds input or errors,
and a visit saved from home goes back home."""

import pytest
from django.urls import reverse

from jinguo.visits.models import Visit

pytestmark = pytest.mark.django_db


def new_url(household, next_url: str = "") -> str:
    url = reverse("visits:create") + f"?household={household.pk}"
    return url + (f"&next={next_url}" if next_url else "")


def test_the_form_chooses_no_channel_and_folds_the_optional_fields(plan, cast, login):
    html = login(cast.wushan_member).get(new_url(plan.ws1)).content.decode()
    assert html.count('type="radio" class="btn-check" name="channel"') == 4
    assert " checked" not in html  # no channel, no service ticked for her
    assert '<details class="mb-3 border rounded visit-more" id="visit-more">' in html


def test_a_visit_without_a_channel_is_refused_with_a_clear_error_keeping_what_was_typed(
    plan, cast, login
):
    response = login(cast.wushan_member).post(
        new_url(plan.ws1, "/"), {"services": ["care"], "note": "老人身体好", "next": "/"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "请选择走访方式：入户、电话、微信或活动。" in html
    assert 'id="visit-more" open' in html and "老人身体好" in html
    assert 'value="care" checked' in html and 'name="next" value="/"' in html
    assert not Visit.objects.filter(household=plan.ws1, visited_by=cast.wushan_member).exists()


def test_the_more_section_opens_on_an_error_of_a_folded_field(plan, cast, login):
    response = login(cast.wushan_member).post(
        new_url(plan.ws1), {"channel": "phone", "visited_on": "not a day"}
    )
    html = response.content.decode()
    assert 'id="visit-more" open' in html
    assert 'value="phone" checked' in html  # the chosen channel is kept too


def test_a_visit_saved_from_home_goes_back_home_with_the_message(plan, cast, login):
    response = login(cast.wushan_member).post(
        new_url(plan.ws1, "%2F"), {"channel": "wechat", "next": "/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "已记录对" in response.content.decode()
    assert Visit.objects.get(household=plan.ws1, visited_by=cast.wushan_member).channel == "wechat"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_a_next_off_this_site_is_ignored_for_the_todo_list(plan, cast, login, target):
    response = login(cast.wushan_member).post(
        new_url(plan.ws1), {"channel": "home", "next": target}
    )
    assert response.status_code == 302 and response["Location"] == reverse("visits:todo")


def test_the_next_in_the_address_is_kept_when_the_form_posts_to_it(plan, cast, login):
    response = login(cast.wushan_member).post(new_url(plan.ws1, "%2F"), {"channel": "activity"})
    assert response["Location"] == "/"
