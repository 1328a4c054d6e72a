"""The words of the work report (工作总结), drafted from the records: 一、基本情况,
二、主要做法和成效 (one part per domain that has something to say), 三、存在问题 (from the gaps
the records show) and 四、下一步打算 (suggested from those gaps). Every number in a sentence is
a figure of the dashboard's sections or a count of Facts; nothing is typed.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from jinguo.accounts.models import User
from jinguo.orgs.models import OrgUnit
from jinguo.reports.document_chart import Chart
from jinguo.reports.document_data import NotableCase, ReportData, report_data
from jinguo.reports.facts import Facts, report_facts
from jinguo.reports.narrative_gaps import plans, problems
from jinguo.reports.report_tables import ReportTable, report_table
from jinguo.reports.wording import chinese_number, clauses, listing, money, num, pct, sentence

MAX_EXAMPLES = 3


@dataclass
class Part:
    key: str  # "basics", "work.cases", "problems", …: stable, for an edited draft
    heading: str  # "基本情况" (the numbering is the layout's)
    paragraphs: list[str] = field(default_factory=list)
    parts: list["Part"] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)


@dataclass
class WorkReport:
    title: str
    signature: str  # the unit that hands it in: «嵩合社区妇联»
    date: str  # «2026年12月7日»
    parts: list[Part]

    def numbered(self) -> list[tuple[str, Part, list[tuple[str, Part]]]]:
        """(«一、基本情况», part, [(«（一）入户走访», subpart), …]) for each part."""
        out = []
        for i, part in enumerate(self.parts, start=1):
            subs = [
                (f"（{chinese_number(j)}）{sub.heading}", sub)
                for j, sub in enumerate(part.parts, start=1)
            ]
            out.append((f"{chinese_number(i)}、{part.heading}", part, subs))
        return out

    def tables(self) -> list[ReportTable]:
        return [t for part in self.parts for p in (part, *part.parts) for t in p.tables]


def _breakdown(data: ReportData, prefix: str, unit: str) -> list[str]:
    """«妇女议事会4次» for each non-zero figure whose key starts with `prefix`."""
    out = []
    for section in data.sections:
        for f in section.figures:
            if f.key.startswith(prefix) and f.value:
                out.append(f"{str(f.label).split('：')[-1]}{num(f.value)}{unit}")
    return out


def _table(data: ReportData, key: str) -> list[ReportTable]:
    section = next((s for s in data.sections if s.key == key), None)
    if section is None:
        return []
    table = report_table(section, own_label=f"{data.org.name}本级")
    return [table] if table is not None else []


# --- 一、基本情况 ---------------------------------------------------------------------------


def basics(data: ReportData, facts: Facts) -> Part:
    v = data.value
    unit = f"{data.org.name}妇联"
    # «其中主席1名、副主席1名、执委7名»; nothing when every seat is the same post.
    make_up = [f"{t.label}{num(t.value)}名" for t in facts.posts] if len(facts.posts) > 1 else []
    people = clauses(
        [
            (facts.party_members, "中共党员{v}名"),
            (facts.higher_education, "大专及以上学历{v}名"),
            (facts.young, "35岁以下{v}名"),
        ]
    )
    executives = sentence(
        ([f"现有执委{num(facts.executives)}名"] if facts.executives else [])
        + (["其中" + "、".join(make_up)] if make_up else []),
        people,
        lead=unit,
    )
    grids = clauses(
        [
            (v("coverage.grids"), "共划分网格{v}个"),
            (v("coverage.covered_grids"), "执委覆盖网格{v}个"),
        ]
    )
    households = clauses(
        [
            (v("coverage.households"), "联系家庭{v}户"),
            (v("coverage.covered"), "其中落实执委包保{v}户"),
        ]
    )
    categories = [f"{t.label}{num(t.value)}户" for t in facts.categories]
    key = clauses([(v("coverage.key_households"), "纳入走访计划的重点户{v}户")]) + (
        ["涉及" + "、".join(categories)] if categories else []
    )
    ledger = sentence(grids, households, key, lead="辖区")
    venues = [f"{t.label}{num(t.value)}个" for t in facts.venues]
    places = (
        sentence(["建有" + "、".join(venues), "为妇女群众提供活动和服务阵地"]) if venues else ""
    )
    paragraphs = [p for p in (executives, ledger, places) if p]
    if not paragraphs:
        paragraphs = [f"{unit}本期暂无执委、网格和家庭台账记录。"]
    return Part("basics", "基本情况", paragraphs, tables=_table(data, "coverage"))


# --- 二、主要做法和成效 -----------------------------------------------------------------------


def _visits(data: ReportData, facts: Facts) -> Part | None:
    v = data.value
    text = sentence(
        clauses(
            [
                (v("work.visits"), "执委入户走访{v}次"),
                (v("coverage.visited_on_time"), "重点户按时走访{v}户"),
            ]
        )
        + (
            [f"按时走访率{pct(v('coverage.on_time_rate') or 0)}"]
            if v("coverage.key_households")
            else []
        ),
        clauses(
            [
                (v("work.wishes_collected"), "收集群众微心愿{v}个"),
                (v("work.wishes_fulfilled"), "已帮助实现{v}个"),
            ]
        ),
        lead="坚持执委联系包保家庭、定期入户走访，",
    )
    return Part("work.visits", "联户走访与微心愿", [text]) if text else None


def _example(case: NotableCase) -> str:
    """«“恋爱纠纷彩礼返还”（情感纠纷），经调解达成书面协议，已上报上级妇联»."""
    tags = [t for t in case.tags if t not in case.outcome]  # «书面协议» is said by the outcome
    text = f"“{case.title}”（{case.kind}），经调解{case.outcome}"
    return text + "".join(f"，{t}" for t in tags)


def _cases(data: ReportData, facts: Facts) -> Part | None:
    v = data.value
    main = sentence(
        clauses(
            [
                (v("cases.disputes"), "排查化解矛盾纠纷{v}件"),
                (v("cases.with_participants"), "其中执委参与调处{v}件"),
                (v("cases.written_agreements"), "达成书面调解协议{v}件"),
            ]
        ),
        clauses(
            [
                (v("cases.emotional_found"), "排查情感纠纷{v}起"),
                (v("cases.emotional_resolved"), "成功化解{v}起"),
            ]
        ),
        ([f"办结率{pct(v('cases.resolved_rate') or 0)}"] if v("cases.disputes") else [])
        + clauses([(v("cases.satisfaction"), "群众回访平均满意度{v}分")]),
        lead="发挥执委熟悉社情民意的优势，",
    )
    if not main:
        return None
    texts = [main]
    examples = [_example(c) for c in data.notable[:MAX_EXAMPLES]]
    if examples:
        texts.append("如" + "；".join(examples) + "。")
    return Part("work.cases", "矛盾纠纷排查化解", texts, tables=_table(data, "cases"))


def _meetings(data: ReportData, facts: Facts) -> Part | None:
    v = data.value
    kinds = _breakdown(data, "meetings.held.", "次")
    main = sentence(
        clauses([(v("meetings.held"), "召开议事协商会议{v}次")])
        + (["其中" + "、".join(kinds)] if kinds else []),
        clauses(
            [
                (v("meetings.topics"), "收集议题{v}项"),
                (v("meetings.adopted"), "形成决议{v}项"),
                (v("meetings.forwarded"), "提交村（社区）两委{v}项"),
                (v("meetings.done"), "已落实{v}项"),
            ]
        ),
        lead="推动妇女群众参与基层治理，",
    )
    if not main:
        return None
    texts = [main]
    done = [f"{a.content.rstrip('。；')}，{a.result.rstrip('。；')}" for a in facts.achievements]
    if done:
        texts.append("如" + "；".join(done) + "。")
    return Part("work.meetings", "议事协商", texts, tables=_table(data, "meetings"))


def _activities(data: ReportData, facts: Facts) -> Part | None:
    v = data.value
    kinds = _breakdown(data, "activities.held.", "场")
    series = [
        f"“{facts.series_titles.get(int(f.key.rsplit('.', 1)[1]), f.label)}”{num(f.value)}次"
        for section in data.sections
        for f in section.figures
        if f.key.startswith("activities.series.") and f.value
    ]
    texts = [
        sentence(
            clauses(
                [
                    (v("activities.held"), "开展各类活动{v}场"),
                    (v("activities.person_times"), "参与群众{v}人次"),
                ]
            )
            + (["其中" + "、".join(kinds)] if kinds else []),
            lead="围绕妇女群众需求，",
        ),
        sentence(["常态化开展" + listing(series)]) if series else "",
        sentence(
            clauses(
                [
                    (v("activities.teams"), "组建巾帼志愿者服务队{v}支"),
                    (v("activities.volunteers"), "志愿者{v}人"),
                    (v("activities.service_hours"), "累计志愿服务{v}小时"),
                ]
            )
        ),
    ]
    texts = [t for t in texts if t]
    if not texts:
        return None
    return Part("work.activities", "活动与志愿服务", texts, tables=_table(data, "activities"))


def _trainings(data: ReportData, facts: Facts) -> Part | None:
    v = data.value
    text = sentence(
        clauses(
            [
                (v("trainings.sessions"), "举办培训{v}场"),
                (v("trainings.person_times"), "培训{v}人次"),
                (v("trainings.trainees"), "覆盖{v}人"),
                (v("trainings.trainee_hours"), "累计学时{v}人・小时"),
            ]
        ),
        [f"执委参训率{pct(v('trainings.executives_trained') or 0)}"]
        if v("trainings.executives_trained")
        else [],
        lead="加强执委队伍建设，",
    )
    return (
        Part("work.trainings", "教育培训", [text], tables=_table(data, "trainings"))
        if text
        else None
    )


def _sanxin(data: ReportData, facts: Facts) -> Part | None:
    v = data.value
    text = sentence(
        clauses(
            [
                (v("sanxin.orgs_registered"), "摸排登记“三新”领域组织{v}个"),
                (v("sanxin.federations"), "新建妇联组织{v}个"),
                (v("sanxin.women_listed"), "建立女性名册{v}人"),
                (v("sanxin.exemplary"), "其中优秀女性{v}人"),
            ]
        ),
        lead="推进“三新”领域妇联组织建设，",
    )
    return Part("work.sanxin", "“三新”领域妇联组织建设", [text]) if text else None


def _points(data: ReportData, facts: Facts) -> Part | None:
    v = data.value
    grades = _breakdown(data, "assessments.grade.", "人次")
    earners = clauses(
        [(v("points.executives"), "执委{v}人"), (v("points.volunteers"), "志愿者{v}人")]
    )
    texts = [
        sentence(
            (["、".join(earners) + "获得履职积分"] if earners else [])
            + clauses(
                [
                    (v("points.approved"), "审核通过积分{v}分"),
                    (v("points.redeemed"), "兑换积分{v}分"),
                ]
            ),
            lead="落实执委履职积分管理，",
        ),
        sentence(
            clauses([(v("assessments.assessed"), "开展执委履职考核{v}人次")])
            + (["其中" + "、".join(grades)] if grades else []),
            [f"发放履职补贴{money(v('allowances.amount') or 0)}"] if v("allowances.amount") else [],
        ),
    ]
    texts = [t for t in texts if t]
    return Part("work.points", "履职积分与考核", texts) if texts else None


def _honours(data: ReportData, facts: Facts) -> Part | None:
    families = [h for h in _breakdown(data, "honours.family.", "户") if "待审批" not in h]
    people = [h for h in _breakdown(data, "honours.individual.", "人") if "待审批" not in h]
    text = sentence(
        ["评选" + "、".join(families)] if families else [],
        ["表彰" + "、".join(people)] if people else [],
        lead="深化家庭家教家风建设，",
    )
    return Part("work.honours", "家庭建设与评选表彰", [text]) if text else None


def _employment(data: ReportData, facts: Facts) -> Part | None:
    v = data.value
    text = sentence(
        clauses([(v("employment.loans_issued"), "协助发放妇女创业担保贷款{v}笔")])
        + (
            [f"金额{money(v('employment.loans_amount') or 0)}"]
            if v("employment.loans_amount")
            else []
        )
        + clauses([(v("employment.loans_repaid"), "已还清{v}笔")]),
        clauses(
            [
                (v("employment.fairs_held"), "举办招聘会{v}场"),
                (v("employment.fair_posts"), "提供岗位{v}个"),
                (v("employment.fair_intents"), "达成就业意向{v}人"),
            ]
        ),
        lead="助力妇女创业就业，",
    )
    return Part("work.employment", "创业就业", [text]) if text else None


DOMAINS: tuple[Callable[[ReportData, Facts], Part | None], ...] = (
    _visits,
    _cases,
    _meetings,
    _activities,
    _trainings,
    _sanxin,
    _points,
    _honours,
    _employment,
)


def work(data: ReportData, facts: Facts) -> Part:
    parts = [p for p in (domain(data, facts) for domain in DOMAINS) if p is not None]
    lead = [] if parts else [f"本期{data.org.name}妇联暂无工作记录。"]
    return Part("work", "主要做法和成效", lead, parts=parts)


def report_chart(report: WorkReport) -> tuple[ReportTable, Chart] | None:
    """A bar chart of the first table whose values differ between its rows, and that table
    (none when every table is flat: a chart of equal bars says nothing)."""
    for table in report.tables():
        if len(table.rows) > 1 and len(set(table.values)) > 1:
            chart = Chart(
                title=f"{table.title}：各单位{table.header[1]}",
                labels=table.labels,
                values=table.values,
            )
            return table, chart
    return None


def work_report(data: ReportData, facts: Facts) -> WorkReport:
    """The report's words and tables: 基本情况, 主要做法和成效, 存在问题, 下一步打算."""
    return WorkReport(
        title=data.title,
        signature=f"{data.org.name}妇联",
        date=f"{data.today.year}年{data.today.month}月{data.today.day}日",
        parts=[
            basics(data, facts),
            work(data, facts),
            Part("problems", "存在问题", problems(data, facts)),
            Part("plans", "下一步打算", plans(data, facts)),
        ],
    )


def build_work_report_data(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, today: dt.date
) -> tuple[WorkReport, ReportData]:
    """The work report of org's subtree for start … end, written on `today`, and the data it
    states; the caller fetched org through the user's scope (org_param)."""
    data = report_data(user=user, org=org, start=start, end=end, today=today)
    facts = report_facts(user=user, org=org, start=start, end=end, today=today)
    return work_report(data, facts), data


def build_work_report(
    *, user: User, org: OrgUnit, start: dt.date, end: dt.date, today: dt.date
) -> WorkReport:
    """The work report alone (build_work_report_data)."""
    return build_work_report_data(user=user, org=org, start=start, end=end, today=today)[0]
