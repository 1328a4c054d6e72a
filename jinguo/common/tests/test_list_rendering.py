"""The list pages' rows and menu rendered in Python (common.templatetags.jinguo, case_tags,
visit_tags, ledger_tags) rather than per-row templates: still escaped, masked, translated,
and the menu cached without mixing roles or languages."""

import datetime as dt
from collections import namedtuple

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from jinguo.cases.tests.factories import report, resolved
from jinguo.common.html import Options, url_for_pk
from jinguo.common.templatetags.jinguo import options
from jinguo.households.tests.factories import executive, household
from jinguo.people.models import Person
from jinguo.visits.templatetags.visit_tags import visit_household_rows


def test_the_menu_is_the_cadres_for_a_cadre_and_not_for_a_grid_member_after_her(cast, login):
    assert "积分审核" in login(cast.songhe_chair).get(reverse("home")).content.decode()
    html = login(cast.wushan_member).get(reverse("cases:list")).content.decode()
    assert "积分审核" not in html and "我的积分" not in html and "纠纷诉求" in html


def test_the_menu_follows_the_chosen_language(cast, login):
    client = login(cast.songhe_chair)
    assert "积分审核" in client.get(reverse("cases:list")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("cases:list")).content.decode()
    assert "Points review" in html and "积分审核" not in html


def test_options_escape_names_and_mark_the_selected_one():
    html = options([{"pk": 1, "name": "<b>一组</b>"}, {"pk": 2, "name": "二组"}], 2)
    assert html == (
        '<option value="1">&lt;b&gt;一组&lt;/b&gt;</option><option value="2" selected>二组</option>'
    )


def test_options_of_choices_mark_the_selected_one_in_the_users_language(cast, login):
    from jinguo.cases.models import Case

    html = options(Case.Status.choices, "closed")
    assert '<option value="closed" selected>结案</option>' in html
    assert html.count("<option") == len(Case.Status.choices)
    client = login(cast.songhe_chair)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("cases:list") + "?status=closed").content.decode()
    with translation.override("en"):
        closed = str(Case.Status.CLOSED.label)
    assert closed != "结案" and f'<option value="closed" selected>{closed}</option>' in page


@pytest.mark.parametrize("selected", [None, "", 1, 2, 12, 99])
def test_options_rendered_once_give_what_the_tag_gives(selected):
    items = [
        {"pk": 1, "name": "<b>一组</b>"},
        {"pk": 2, "name": "二组"},
        {"pk": 12, "name": "十二"},
    ]
    kept = Options.of((item["pk"], item["name"]) for item in items)
    assert options(kept, selected) == options(items, selected)
    cache.set("options-test", kept)  # what the reference cache does with it
    assert cache.get("options-test") == kept


def test_url_for_pk_gives_what_reverse_gives():
    assert url_for_pk("cases:detail")(42) == reverse("cases:detail", args=[42])


def test_the_case_list_escapes_titles_and_does_not_query_per_row(cast, tree, login, count_queries):
    mediator = executive(tree.songhe, "调解员<甲>")
    report(tree.songhe, title="<script>alert(1)</script>")
    client = login(cast.songhe_chair)
    few = count_queries(lambda: client.get(reverse("cases:list")))
    for _i in range(4):
        resolved(tree.wushan, mediator)
    html = client.get(reverse("cases:list")).content.decode()
    assert count_queries(lambda: client.get(reverse("cases:list"))) == few
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "调解员&lt;甲&gt;" in html and "办结反馈" in html


Row = namedtuple(
    "Row", "pk number grid_id grid__name head_id head__name head__birth_date last_visit due"
)


def test_the_visit_rows_mask_a_minor_head_for_a_cadre_only(cast):
    today = dt.date(2026, 5, 10)
    child = Row(1, "WS-<1>", 9, "巫山组", 7, "王小红", dt.date(2015, 1, 1), None, today)
    late = Row(2, "WS-2", 9, "巫山组", None, "", None, dt.date(2026, 5, 1), dt.date(2026, 5, 3))
    html = visit_household_rows([child, late], today, cast.songhe_chair)
    assert "王*" in html and "王小红" not in html and "WS-&lt;1&gt;" in html
    assert "list-group-item-danger" in html and "逾期 05-03" in html and "上次 05-01" in html
    assert "王小红" in visit_household_rows([child], today, cast.wushan_member)


def test_the_ledger_rows_escape_every_value_and_quote_attributes(cast, tree, login):
    head = Person.objects.create(org=tree.wushan, name='王"小"<b>红</b>', id_tail="12&4")
    h = household(tree.wushan, "WS-<9>", head=head, address="巫山路<i>8</i>号 & 'x'")
    html = login(cast.songhe_chair).get(reverse("households:list")).content.decode()
    assert "WS-&lt;9&gt;" in html and "<b>红" not in html and "<i>8" not in html
    assert "王&quot;小&quot;&lt;b&gt;红&lt;/b&gt;" in html and "…12&amp;4" in html
    assert "巫山路&lt;i&gt;8&lt;/i&gt;号 &amp; &#x27;x&#x27;" in html
    assert f'href="{reverse("households:detail", args=[h.pk])}"' in html


def test_esc_escapes_like_django_and_keeps_safe_text():
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    from jinguo.common.html import esc

    text = "<a href=\"x\">'&'</a>"
    assert esc(text) == escape(text)
    assert esc(mark_safe("<b>ok</b>")) == "<b>ok</b>"
    assert esc(12) == "12"


def _between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end)]


@pytest.mark.parametrize("name", ["households:list", "households:mine"])
def test_the_ledger_shows_cards_and_its_table_of_the_same_rows_without_a_query_per_row(
    name, cast, tree, login, count_queries
):
    client = login(cast.wushan_member)
    for i in range(2):
        household(
            tree.wushan, f"WS-<{i}>", head=Person.objects.create(org=tree.wushan, name="李梅")
        )
    few = count_queries(lambda: client.get(reverse(name)))
    for i in range(2, 8):
        household(
            tree.wushan, f"WS-<{i}>", head=Person.objects.create(org=tree.wushan, name="李梅")
        )
    html = client.get(reverse(name)).content.decode()
    assert count_queries(lambda: client.get(reverse(name))) == few
    cards = _between(html, 'id="household-cards"', 'id="household-table"')
    table = html[html.index('id="household-table"') :]
    for i in range(8):
        assert f"<strong>WS-&lt;{i}&gt;</strong>" in cards and f">WS-&lt;{i}&gt;</a>" in table
    assert cards.count("list-card-action") == 8


def test_a_key_household_past_its_visit_day_is_marked_overdue_on_its_card(cast, tree, login):
    from django.utils import timezone

    from jinguo.households.models import Household

    late, on_time = household(tree.wushan, "WS-LATE"), household(tree.wushan, "WS-ON-TIME")
    today = timezone.localdate()
    for h, days in ((late, -3), (on_time, 3)):
        due = today + dt.timedelta(days=days)
        Household.objects.filter(pk=h.pk).update(visit_interval_days=30, visit_due_on=due)
    html = login(cast.wushan_member).get(reverse("households:mine")).content.decode()
    cards = _between(html, 'id="household-cards"', 'id="household-table"')
    by_household = {
        int(card.split('"', 1)[0]): card for card in cards.split('data-household="')[1:]
    }
    overdue = f"逾期 {today - dt.timedelta(days=3):%m-%d}"
    assert overdue in by_household[late.pk]
    assert "逾期" not in by_household[on_time.pk]


def test_the_case_cards_give_the_time_left_and_a_button_to_each_case(cast, tree, login):
    case = report(tree.wushan, title="<b>宅基地</b>纠纷")
    html = login(cast.songhe_chair).get(reverse("cases:list")).content.decode()
    cards = _between(html, 'id="case-cards"', 'id="case-list"')
    url = reverse("cases:detail", args=[case.pk])
    assert "&lt;b&gt;宅基地&lt;/b&gt;纠纷" in cards and "<b>宅基地" not in html
    assert f'<a class="btn btn-outline-primary list-card-action" href="{url}">查看</a>' in cards
    assert "剩 " in cards and " 天" in cards
    assert url in html[html.index('id="case-list"') :]  # the desktop list, from the same rows


def test_the_todo_cards_link_the_household_and_its_visit_form(cast):
    from jinguo.visits.templatetags.visit_tags import visit_household_cards

    today = dt.date(2026, 5, 10)
    child = Row(1, "WS-<1>", 9, "巫山组", 7, "王小红", dt.date(2015, 1, 1), None, today)
    late = Row(2, "WS-2", 9, "巫山组", None, "", None, dt.date(2026, 5, 1), dt.date(2026, 5, 3))
    html = visit_household_cards([child, late], today, cast.songhe_chair)
    assert "王*" in html and "王小红" not in html and "WS-&lt;1&gt;" in html
    assert html.count("list-group-item-danger") == 1 and "逾期 05-03" in html
    assert "应访 05-10" in html and "上次 05-01" in html
    assert f'href="{reverse("households:detail", args=[2])}"' in html
    assert f'href="{reverse("visits:create")}?household=2">走访</a>' in html
