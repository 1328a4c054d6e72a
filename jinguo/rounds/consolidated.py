"""The issuing unit's consolidated report (汇总报告) of a round: its own work report for the
round's period (its figures are its whole subtree's), then the units' submitted figures side by
side — marked «*» where the records today give another value — and the passages of what the
units wrote that the issuing unit chose to quote (jinguo.rounds.quoting; none chosen: the first
passage of each unit's work). Printed with the same 公文 layout as any work report.
"""

from jinguo.accounts.models import User
from jinguo.reports.frozen import report_from_data
from jinguo.reports.narrative import Part, WorkReport
from jinguo.reports.report_tables import MAX_COLUMNS, MIN_ROWS, ReportTable, nonzero_columns
from jinguo.reports.wording import num
from jinguo.rounds.filling import draft_report, live_figures_for
from jinguo.rounds.models import Round
from jinguo.rounds.quoting import MAX_QUOTES, chosen_quotes
from jinguo.rounds.selectors import Answer, latest_answers

__all__ = ["Answer", "answers_table", "consolidated_report", "latest_answers", "report_quotes"]

# The figures a work report round compares between units (a form compares its own).
WORK_COLUMNS = (
    "work.visits",
    "cases.disputes",
    "meetings.held",
    "activities.held",
    "trainings.sessions",
)
DIFFERS = "*"


def _columns(round_: Round, answers: list[Answer]) -> list[str]:
    keys = round_.figure_keys if round_.kind == Round.Kind.FORM else list(WORK_COLUMNS)
    present = {k for a in answers for k in a.submission.figures}
    return [k for k in keys if k in present]


def answers_table(*, user: User, round_: Round, answers: list[Answer]) -> ReportTable | None:
    """One row per answering unit: its submitted figures, «*» where today's records differ.
    As the report's other tables (reports.report_tables): a column zero for every unit goes
    (unless the records now differ from a zero sent), at most MAX_COLUMNS are left, and a
    table of fewer than MIN_ROWS units is not printed. A unit that sent zeros keeps its row:
    the table is the units' answers."""
    keys = _columns(round_, answers)
    if not keys or len(answers) < MIN_ROWS:
        return None
    live = live_figures_for(user=user, round_=round_, orgs=[a.target.org for a in answers])
    sent, marks = [], []
    for answer in answers:
        now = live[answer.target.org.pk]
        values = [answer.submission.figures.get(k, {}).get("value", 0) for k in keys]
        sent.append(values)
        marks.append(
            [now.get(k, {}).get("value", v) != v for k, v in zip(keys, values, strict=True)]
        )
    keep = sorted(set(nonzero_columns(sent)) | set(nonzero_columns(marks)))[:MAX_COLUMNS]
    if not keep:
        return None
    first = answers[0].submission.figures
    return ReportTable(
        title="各单位报送数据",
        header=["单位", *(first.get(keys[i], {}).get("label", keys[i]) for i in keep)],
        rows=[
            [a.target.org.name, *(num(row[i]) + (DIFFERS if mark[i] else "") for i in keep)]
            for a, row, mark in zip(answers, sent, marks, strict=True)
        ],
        labels=[a.target.org.name for a in answers],
        values=[row[keep[0]] for row in sent],
    )


def automatic_quotes(answers: list[Answer]) -> list[str]:
    """With none chosen: the first passage of each unit's own words on its work (主要做法和
    成效), naming the unit."""
    out = []
    for answer in answers:
        if not answer.submission.report:
            continue
        report = report_from_data(answer.submission.report)
        work = next((p for p in report.parts if p.key == "work"), None)
        passages = [t for sub in (work.parts if work else []) for t in sub.paragraphs]
        if passages:
            out.append(f"{passages[0]}——{answer.target.org.name}妇联")
        if len(out) >= MAX_QUOTES:
            break
    return out


def report_quotes(*, user: User, round_: Round, answers: list[Answer]) -> list[str]:
    """The paragraphs the issuing unit chose, each naming its unit, but those of a version that
    is no longer the unit's answer (stale); none left: the automatic choice."""
    chosen = [q.attributed for q in chosen_quotes(user=user, round_=round_) if not q.stale]
    return chosen or automatic_quotes(answers)


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
        summary + report_quotes(user=user, round_=round_, answers=answers),
        tables=[table] if table is not None else [],
    )
    report.parts.insert(2, part)  # after 主要做法和成效, before 存在问题
    report.title = report.title.replace("工作总结", "工作总结（汇总）")
    return report
