import datetime as dt
import re
from decimal import Decimal

from jinguo.employment import selectors, services
from jinguo.employment.tests.conftest import issue
from jinguo.people.models import Person


def _loan(actor, org, n: int, amount: str = "50000"):
    person = Person.objects.create(org=org, name=f"借款人{n}", gender="F")
    return services.loan_apply(
        actor=actor,
        borrower=person,
        amount=Decimal(amount),
        bank="银行",
        purpose="开店",
        term_months=12,
        applied_on=dt.date(2026, 1, 5),
    )


def _fair(actor, org, day, employers: int, posts_each: int):
    fair = services.job_fair_create(actor=actor, org=org, title="招聘会", held_on=day, place="广场")
    for i in range(employers):
        employer = services.job_fair_add_employer(actor=actor, fair=fair, name=f"单位{i}")
        for j in range(posts_each):
            services.job_fair_add_post(actor=actor, employer=employer, title=f"岗位{j}", openings=3)
    return fair


def test_a_village_sees_only_its_own_loans_and_fairs(cast, tree, loan, fair):
    assert list(selectors.loan_list(user=cast.songhe_chair)) == [loan]
    assert list(selectors.loan_list(user=cast.gangkou_chair)) == []
    assert list(selectors.job_fair_list(user=cast.gangkou_chair)) == []
    assert list(selectors.post_list(user=cast.gangkou_chair)) == []


def test_the_lists_do_not_query_per_row(cast, tree, count_queries):
    def run() -> None:
        for loan in selectors.loan_list(user=cast.county_cadre):
            _ = (loan.borrower.name, loan.org.name)
        for fair in selectors.job_fair_list(user=cast.county_cadre):
            _ = (fair.org.name, fair.venue, fair.employer_count, fair.opening_count)
        for e in selectors.employer_list(user=cast.county_cadre):
            _ = (e.fair.title, e.post_count)
        for p in selectors.post_list(user=cast.county_cadre):
            _ = (p.employer.name, p.employer.fair.title)

    def add(n: int) -> None:
        for i in range(n):
            _loan(cast.songhe_chair, tree.songhe, i)
            _fair(cast.songhe_chair, tree.songhe, dt.date(2026, 3, 1), 2, 2)

    add(1)
    few = count_queries(run)
    add(2)
    assert count_queries(run) == few


def test_the_figures_are_sums_of_records_and_match_their_lists(cast, tree, login):
    actor = cast.township_cadre
    day = dt.date(2026, 4, 1)
    for n in range(3):
        issue(actor, _loan(actor, tree.songhe, n), day)
    repaid = issue(actor, _loan(actor, tree.wushan, 10, "30000"), day)
    services.loan_repay(actor=actor, loan=repaid, repaid_on=dt.date(2026, 6, 1))
    overdue = issue(actor, _loan(actor, tree.songhe, 11), day)
    services.loan_mark_overdue(actor=actor, loan=overdue)
    _loan(actor, tree.songhe, 12)  # applied only: not counted
    issue(actor, _loan(actor, tree.gangkou, 13), day)  # another village
    fair = _fair(actor, tree.songhe, dt.date(2026, 3, 1), employers=3, posts_each=2)
    services.job_fair_record_results(actor=actor, fair=fair, visitors=50, intents=20)
    _fair(actor, tree.gangkou, dt.date(2026, 3, 1), employers=1, posts_each=1)

    figures = {
        f.key: f
        for f in selectors.employment_figures(
            user=cast.county_cadre,
            org=tree.songhe,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
        )
    }
    assert figures["employment.loans_issued"].value == 5
    assert figures["employment.loans_amount"].value == 230000.0
    assert figures["employment.loans_repaid"].value == 1
    assert figures["employment.loans_overdue"].value == 1
    assert figures["employment.fairs_held"].value == 1
    assert figures["employment.fair_employers"].value == 3
    assert figures["employment.fair_posts"].value == 6
    assert figures["employment.fair_openings"].value == 18
    assert figures["employment.fair_intents"].value == 20
    client = login(cast.county_cadre)
    patterns = {
        "employment.loans_issued": r"共 (\d+) 笔",
        "employment.loans_repaid": r"共 (\d+) 笔",
        "employment.loans_overdue": r"共 (\d+) 笔",
        "employment.fairs_held": r"共 (\d+) 场",
        "employment.fair_employers": r"共 (\d+) 家",
        "employment.fair_posts": r"共 (\d+) 个岗位",
    }
    for key, pattern in patterns.items():
        body = client.get(figures[key].url).content.decode()
        found = re.search(pattern, body)
        assert found is not None and int(found.group(1)) == figures[key].value, key
