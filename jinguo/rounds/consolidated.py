"""The issuing unit's consolidated report (汇总报告) of a round: its own work report for the
round's period (its figures are its whole subtree's), then the units' submitted figures side by
side — marked «*» where the records today give another value — and passages quoted from what
the units wrote about their work. Printed with the same 公文 layout as any work report.
"""

from dataclasses import dataclass

from jinguo.accounts.models import User
from jinguo.reports.frozen import report_from_data
from jinguo.reports.narrative import Part, WorkReport
from jinguo.reports.report_tables import ReportTable
from jinguo.reports.wording import num
from jinguo.rounds.filling import draft_report, read_figures
from jinguo.rounds.models import Round, Submission, Target
from jinguo.rounds.selectors import targets_visible

# The figures a work report round compares between units (a form compares its own).
WORK_COLUMNS = (
    "work.visits",
    "cases.disputes",
    "meetings.held",
    "activities.held",
    "trainings.sessions",
)
MAX_COLUMNS = 5
MAX_QUOTES = 8
DIFFERS = "*"


@dataclass(frozen=True)
class Answer:
    target: Target
    submission: Submission


def latest_answers(*, user: User, round_: Round) -> list[Answer]:
    """The latest version of every visible target that has submitted (approved ones and
    those awaiting review; a returned version is not the unit's answer), in tree order."""
    targets = (
        targets_visible(user=user)
        .filter(round=round_, status__in=(Target.Status.SUBMITTED, Target.Status.APPROVED))
        .select_related("org")
        .order_by("org__path")
    )
    latest = {
        s.target_id: s
        for s in Submission.objects.filter(target__in=targets).order_by("target_id", "version")
    }
    return [Answer(t, latest[t.pk]) for t in targets if t.pk in latest]


def _columns(round_: Round, answers: list[Answer]) -> list[str]:
    keys = round_.figure_keys if round_.kind == Round.Kind.FORM else list(WORK_COLUMNS)
    present = {k for a in answers for k in a.submission.figures}
    return [k for k in keys if k in present][:MAX_COLUMNS]


def answers_table(*, user: User, round_: Round, answers: list[Answer]) -> ReportTable | None:
    """One row per answering unit: its submitted figures, «*» where today's records differ."""
    keys = _columns(round_, answers)
    if not keys or not answers:
        return None
    first = answers[0].submission.figures
    rows, values = [], []
    for answer in answers:
        live = read_figures(user=user, org=answer.target.org, round_=round_)
        cells = []
        for key in keys:
            sent = answer.submission.figures.get(key, {}).get("value", 0)
            now = live.get(key, {}).get("value", sent)
            cells.append(num(sent) + (DIFFERS if now != sent else ""))
        rows.append([answer.target.org.name, *cells])
        values.append(answer.submission.figures.get(keys[0], {}).get("value", 0))
    return ReportTable(
        title="各单位报送数据",
        header=["单位", *(first.get(k, {}).get("label", k) for k in keys)],
        rows=rows,
        labels=[a.target.org.name for a in answers],
        values=values,
    )


def quotes(answers: list[Answer]) -> list[str]:
    """Passages from the units' own words on their work (主要做法和成效), one a unit, naming it."""
    out = []
    for answer in answers:
        if not answer.submission.report:
            continue
        report = report_from_data(answer.submission.report)
        work = next((p for p in report.parts if p.key == "work"), None)
        passages = [t for sub in (work.parts if work else []) for t in sub.paragraphs]
        if passages:
            out.append(f"{answer.target.org.name}：{passages[0]}")
        if len(out) >= MAX_QUOTES:
            break
    return out


def consolidated_report(*, user: User, round_: Round) -> WorkReport:
    report = draft_report(user=user, org=round_.org, round_=round_)
    answers = latest_answers(user=user, round_=round_)
    table = answers_table(user=user, round_=round_, answers=answers)
    summary = [
        f"本次“{round_.title}”应报送单位{num(round_.targets.count())}个，"
        f"已报送{num(len(answers))}个。"
    ]
    if table is not None and any(DIFFERS in cell for row in table.rows for cell in row[1:]):
        summary.append(f"表中标“{DIFFERS}”的数据与当前台账不一致，以台账为准。")
    part = Part(
        "round.answers",
        "各单位报送情况",
        summary + quotes(answers),
        tables=[table] if table is not None else [],
    )
    report.parts.insert(2, part)  # after 主要做法和成效, before 存在问题
    report.title = report.title.replace("工作总结", "工作总结（汇总）")
    return report
