"""Why someone asks to see what is masked: a purpose chosen from a list and an explanation in
her own words (issue 20: 「核实」, two characters, used to pass). Both go into the audit row of
the unmasking — the purpose's code in `changes`, 「目的：说明」 as the note — for the full
numbers of a person (people.services.person_unmask), a household's sensitive details
(households.services.household_unmask) and a roster exported with full numbers
(imports.services.roster_export)."""

import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinguo.orgs.codes import clean_text


class RevealPurpose(models.TextChoices):
    VISIT = "visit", gettext_lazy("入户走访核实身份")
    CONTACT = "contact", gettext_lazy("电话联系本人")
    ASSISTANCE = "assistance", gettext_lazy("办理救助/帮扶事项")
    MEDIATION = "mediation", gettext_lazy("纠纷调解需要")
    INSPECTION = "inspection", gettext_lazy("上级核查")
    OTHER = "other", gettext_lazy("其他")


# Letters and digits (a Chinese character counts one) the explanation needs beyond the words of
# the purpose itself: enough to name the matter and whom it concerns; more when the purpose
# is 其他 and the explanation is all there is.
MIN_EXPLANATION = 5
MIN_EXPLANATION_OTHER = 10
MAX_EXPLANATION = 200
# The audit log is read in the product's language whatever the language of the one who asked.
AUDIT_LANGUAGE = "zh-hans"


@dataclass(frozen=True)
class StatedReason:
    purpose: str
    explanation: str

    @property
    def note(self) -> str:
        """「目的：说明」, the audit row's note."""
        with translation.override(AUDIT_LANGUAGE):
            label = str(RevealPurpose(self.purpose).label)
        return f"{label}：{self.explanation}"

    def audit_changes(self) -> dict[str, Any]:
        return {"purpose": self.purpose}


def _meaningful(text: str) -> list[str]:
    """The letters and digits of `text` (no punctuation, spaces or symbols)."""
    return [c for c in text if unicodedata.category(c)[0] in "LN"]


def _beyond_the_purpose(explanation: str, purpose: str) -> list[str]:
    """The explanation's letters and digits once the purpose's own words are taken out (in
    either language): 「上级核查」 under the purpose 上级核查 explains nothing."""
    text = explanation
    if purpose in RevealPurpose.values:
        for language in (AUDIT_LANGUAGE, "en"):
            with translation.override(language):
                text = text.replace(str(RevealPurpose(purpose).label), "")
    return _meaningful(text)


def stated_reason(*, purpose: str, reason: str) -> StatedReason:
    """The purpose and the tidied explanation, or a ValidationError on `purpose` and/or
    `reason` saying what is missing."""
    errors: dict[str, list[str]] = {}
    if purpose not in RevealPurpose.values:
        errors["purpose"] = [_("请选择查看目的")]
    explanation = " ".join(clean_text(reason).split())
    other = purpose == RevealPurpose.OTHER
    minimum = MIN_EXPLANATION_OTHER if other else MIN_EXPLANATION
    meaningful = _beyond_the_purpose(explanation, purpose)
    if len(explanation) > MAX_EXPLANATION:
        errors["reason"] = [_("说明不能超过%(n)d个字") % {"n": MAX_EXPLANATION}]
    elif len(meaningful) < minimum or len(set(meaningful)) < 3:
        if other:
            message = _("选择“其他”时请具体说明事由（至少%(n)d个字）")
        else:
            message = _("请具体说明事由，例如涉及的事项和对象（至少%(n)d个字）")
        errors["reason"] = [message % {"n": minimum}]
    if errors:
        raise ValidationError(errors)
    return StatedReason(purpose=purpose, explanation=explanation)
