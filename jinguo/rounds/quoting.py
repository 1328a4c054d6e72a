"""The passages the issuing unit quotes in its consolidated report (汇总报告): on the round's
quotes page her writers see every paragraph of the units' latest answers (the words of the
submitted work report, part by part, and the answers to the round's questions, line by line),
tick the ones to quote and save them on the round (services.round_choose_quotes).

A chosen quote names its version, part and paragraph, and keeps the text it had. A unit whose
version was returned, or that has submitted a newer one since, no longer answers with it: the
quote is stale. The page shows it as such; the report leaves it out (it quotes only what the
units say now) and, when no chosen quote is left, falls back to choosing for itself.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinguo.accounts.models import User
from jinguo.reports.frozen import report_from_data
from jinguo.rounds.models import Round, Submission
from jinguo.rounds.selectors import ANSWERED, Answer, latest_answers, targets_visible

MAX_QUOTES = 8
NOT_CURRENT = gettext_lazy("所选段落已不是该单位最新报送的内容，请刷新页面后重新选择。")
ANSWERS = "answers."  # part key of the answer to question i: "answers.i"


@dataclass(frozen=True)
class QuoteRef:
    """Which paragraph: the version, the part («work.cases», «answers.0») and its index."""

    submission: int
    part: str
    index: int

    @property
    def value(self) -> str:
        return f"{self.submission}:{self.part}:{self.index}"

    @classmethod
    def parse(cls, value: str) -> "QuoteRef | None":
        bits = value.split(":")
        if len(bits) != 3 or not bits[0].isdigit() or not bits[2].isdigit() or not bits[1]:
            return None
        return cls(int(bits[0]), bits[1], int(bits[2]))


@dataclass(frozen=True)
class Passage:
    part: str
    heading: str  # «主要做法和成效·矛盾纠纷排查化解», or the question
    index: int
    text: str


def passages_of(submission: Submission, *, questions: list[str]) -> list[Passage]:
    """Every paragraph of a version, in its order: the report's parts, then the answers."""
    out = []
    if submission.report:
        for part in report_from_data(submission.report).parts:
            for key, heading, paragraphs in [
                (part.key, part.heading, part.paragraphs),
                *((sub.key, f"{part.heading}·{sub.heading}", sub.paragraphs) for sub in part.parts),
            ]:
                out += [Passage(key, heading, i, text) for i, text in enumerate(paragraphs)]
    for i, (question, answer) in enumerate(zip(questions, submission.answers, strict=False)):
        lines = [line.strip() for line in answer.splitlines() if line.strip()]
        out += [Passage(f"{ANSWERS}{i}", question, j, line) for j, line in enumerate(lines)]
    return out


def passage(submission: Submission, ref: QuoteRef, *, questions: list[str]) -> Passage | None:
    return next(
        (
            p
            for p in passages_of(submission, questions=questions)
            if (p.part, p.index) == (ref.part, ref.index)
        ),
        None,
    )


def latest_versions(target_ids: set[int]) -> dict[int, int]:
    """target pk → its latest version number; one query."""
    rows = (
        Submission.objects.filter(target_id__in=target_ids)
        .values("target_id")
        .annotate(latest=Max("version"))
        .values_list("target_id", "latest")
    )
    return dict(rows)


def is_current(submission: Submission, latest: dict[int, int]) -> bool:
    """The version is its unit's answer: the latest one, submitted or approved."""
    return submission.target.status in ANSWERED and submission.version == latest.get(
        submission.target_id
    )


@dataclass
class UnitPassages:
    """One answering unit on the quotes page: its version and its paragraphs by part."""

    answer: Answer
    groups: list[tuple[str, list[tuple[QuoteRef, Passage]]]] = field(default_factory=list)


def quote_candidates(*, user: User, round_: Round) -> list[UnitPassages]:
    """The paragraphs of the latest answers the user may see, by unit (tree order) and part."""
    out = []
    for answer in latest_answers(user=user, round_=round_):
        unit = UnitPassages(answer)
        for p in passages_of(answer.submission, questions=round_.questions):
            ref = QuoteRef(answer.submission.pk, p.part, p.index)
            if not unit.groups or unit.groups[-1][0] != p.heading:
                unit.groups.append((p.heading, []))
            unit.groups[-1][1].append((ref, p))
        if unit.groups:
            out.append(unit)
    return out


@dataclass(frozen=True)
class ChosenQuote:
    ref: QuoteRef
    target: int
    org: str
    text: str
    stale: bool

    @property
    def attributed(self) -> str:
        """The paragraph as the report prints it: «……——嵩合社区妇联»."""
        return f"{self.text}——{self.org}妇联"


def chosen_quotes(*, user: User, round_: Round) -> list[ChosenQuote]:
    """The round's chosen quotes from versions the user may see, in the order chosen."""
    stored = [
        (QuoteRef(q["submission"], q["part"], q["index"]), q["text"])
        for q in round_.quotes
        if isinstance(q, dict) and {"submission", "part", "index", "text"} <= q.keys()
    ]
    if not stored:
        return []
    versions = {
        s.pk: s
        for s in Submission.objects.filter(
            pk__in={ref.submission for ref, _text in stored},
            target__round=round_,
            target__in=targets_visible(user=user),
        ).select_related("target__org")
    }
    latest = latest_versions({s.target_id for s in versions.values()})
    out = []
    for ref, text in stored:
        version = versions.get(ref.submission)
        if version is not None:
            out.append(
                ChosenQuote(
                    ref=ref,
                    target=version.target_id,
                    org=version.target.org.name,
                    text=text,
                    stale=not is_current(version, latest),
                )
            )
    return out


def checked_quotes(round_: Round, choices: list[QuoteRef]) -> list[dict[str, Any]]:
    """The chosen paragraphs as the round keeps them (with their text), each one of a unit's
    latest answer to this round; or the reason they cannot be kept."""
    choices = list(dict.fromkeys(choices))
    if len(choices) > MAX_QUOTES:
        raise ValidationError(
            {
                "quotes": [
                    _("最多选择%(max)s段，已选%(n)s段。") % {"max": MAX_QUOTES, "n": len(choices)}
                ]
            }
        )
    versions = {
        s.pk: s
        for s in Submission.objects.filter(
            pk__in={c.submission for c in choices},
            target__round=round_,
            target__status__in=ANSWERED,
        ).select_related("target")
    }
    latest = latest_versions({s.target_id for s in versions.values()})
    kept = []
    for choice in choices:
        version = versions.get(choice.submission)
        found = (
            passage(version, choice, questions=round_.questions)
            if version is not None and is_current(version, latest)
            else None
        )
        if version is None or found is None:
            raise ValidationError({"quotes": [NOT_CURRENT]})
        kept.append(
            {"submission": version.pk, "part": found.part, "index": found.index, "text": found.text}
        )
    return kept
