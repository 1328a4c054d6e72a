"""三、存在问题 and 四、下一步打算 of the work report, drafted from the gaps the records show:
grids without an executive, households without one, key households whose visit is overdue,
cases past their deadline, wishes not yet fulfilled, resolutions not carried out, executives
not trained in the period, loans overdue. Each gap is a count of a list the dashboard links;
the plans answer the gaps, then the standing tasks of a grassroots federation.
"""

from dataclasses import dataclass

from jinguo.reports.document_data import ReportData
from jinguo.reports.facts import Facts
from jinguo.reports.wording import chinese_number, num


@dataclass(frozen=True)
class Gap:
    value: int | float
    problem: str  # «{v}个网格尚未配备执委»
    plan: str  # «为{v}个无执委网格配齐执委，实现执委进网格全覆盖»


def gaps(data: ReportData, facts: Facts) -> list[Gap]:
    v = data.value

    def n(key: str) -> int | float:
        return v(key) or 0

    pending_resolutions = max(n("meetings.adopted") - n("meetings.done"), 0)
    rows = [
        Gap(
            n("coverage.unstaffed_grids"),
            "执委进网格尚未全覆盖，{v}个网格未配备执委",
            "推动执委进网格全覆盖，为{v}个无执委网格配齐执委",
        ),
        Gap(
            n("coverage.unassigned"),
            "联户包保还有空档，{v}户家庭尚未落实包保执委",
            "对{v}户未包保家庭逐户明确包保执委",
        ),
        Gap(
            n("coverage.visits_overdue"),
            "重点户走访不够及时，{v}户重点户走访已逾期",
            "对{v}户走访逾期的重点户逐户补访，落实重点户动态管理",
        ),
        Gap(
            n("cases.overdue"),
            "矛盾纠纷化解时效有待提高，{v}件超期未办结",
            "对{v}件超期案件逐件督办，限期办结并回访",
        ),
        Gap(
            facts.wishes_open,
            "微心愿认领实现进度偏慢，{v}个微心愿尚未实现",
            "加大微心愿认领力度，推动{v}个微心愿尽快实现",
        ),
        Gap(
            pending_resolutions,
            "议事成果转化不够充分，{v}项决议尚未落实",
            "跟踪{v}项未落实决议，推动议事成果落地见效",
        ),
        Gap(
            facts.executives_untrained,
            "执委培训覆盖不全，{v}名执委本期未参加培训",
            "组织{v}名未参训执委参加培训，提升履职能力",
        ),
        Gap(
            n("employment.loans_overdue"),
            "创业担保贷款管理需加强，{v}笔贷款逾期",
            "跟进{v}笔逾期贷款，协助借款人制定还款计划",
        ),
    ]
    return [g for g in rows if g.value]


def _enumerate(items: list[str]) -> list[str]:
    """«一是……；» … «三是……。»: one paragraph per item."""
    last = len(items)
    return [
        f"{chinese_number(i)}是{item}{'。' if i == last else '；'}"
        for i, item in enumerate(items, start=1)
    ]


def problems(data: ReportData, facts: Facts) -> list[str]:
    found = [g.problem.format(v=num(g.value)) for g in gaps(data, facts)]
    if not found:
        return ["对照台账记录，本期未发现执委覆盖、走访、案件办理和决议落实等方面的突出问题。"]
    return _enumerate(found)


STANDING = (
    "持续深化“网格+妇联”工作机制，推动执委在网格中常态化履职",
    "用好妇女议事会等议事协商平台，引导妇女群众参与基层治理",
    "加强执委队伍建设和履职积分管理，激发执委履职活力",
)


def plans(data: ReportData, facts: Facts) -> list[str]:
    """Suggestions: the gaps' answers first, then the standing tasks; a cadre edits them."""
    items = [g.plan.format(v=num(g.value)) for g in gaps(data, facts)]
    return _enumerate(items + list(STANDING))
