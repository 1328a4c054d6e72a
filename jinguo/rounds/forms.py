"""Forms of the report rounds. The units a round may go to and the figures it may ask for come
from the user's scope and the report sections; anything else posted is a form error."""

import math
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.models import User
from jinguo.common.dates import DateField
from jinguo.common.uploads import IMAGE, upload_validator
from jinguo.orgs.models import OrgUnit
from jinguo.reports.shapes import Section
from jinguo.rounds.models import Round, TargetPhoto
from jinguo.rounds.quoting import NOT_CURRENT, QuoteRef
from jinguo.rounds.services import MAX_CAPTION, MAX_PHOTOS

# The units that answer rounds: villages and communities (and the township for a county).
ANSWERING = (OrgUnit.Kind.TOWNSHIP, OrgUnit.Kind.VILLAGE, OrgUnit.Kind.COMMUNITY)
MAX_QUESTION = 200
# About as many Chinese characters as a line of a textarea holds on a phone (390px wide): a box
# is as tall as its drafted words wrap there, so that none of them hides below its edge.
PHONE_LINE = 18


def _rows(paragraphs: list[str]) -> int:
    """Lines the paragraphs take in a phone's textarea, and one to spare."""
    return max(3, sum(max(1, math.ceil(len(p) / PHONE_LINE)) for p in paragraphs) + 1)


def target_choices(*, org: OrgUnit) -> QuerySet[OrgUnit]:
    """Active units below `org` that can answer a round, in tree order."""
    return (
        OrgUnit.objects.filter(org.subtree_q(), kind__in=ANSWERING, is_active=True)
        .exclude(pk=org.pk)
        .order_by("path")
    )


class RoundForm(forms.Form):
    title = forms.CharField(label=_("任务名称"), max_length=100)
    kind = forms.ChoiceField(
        label=_("报送内容"), choices=Round.Kind.choices, widget=forms.RadioSelect
    )
    start = DateField(label=_("统计期间开始"))
    end = DateField(label=_("统计期间结束"))
    deadline = DateField(label=_("报送截止日期"))
    targets = forms.ModelMultipleChoiceField(
        label=_("报送单位"),
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选单位不存在或不在本单位之下")},
    )
    figure_keys = forms.MultipleChoiceField(
        label=_("报表数据项"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("数据报表时选择；数据由各单位台账自动生成，无需填报。"),
    )
    questions = forms.CharField(
        label=_("文字问题"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个问题，由报送单位用文字回答。"),
    )
    note = forms.CharField(
        label=_("报送要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = forms.ChoiceField(
        label=_("请附照片"),
        choices=Round.Photos.choices,
        initial=Round.Photos.NONE,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("须附照片时，报送单位至少附一张照片才能报送。"),
    )

    def __init__(
        self, *args: Any, user: User, org: OrgUnit, sections: list[Section], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["start"].initial = today.replace(month=1, day=1)
        self.fields["end"].initial = today
        self.fields["kind"].initial = Round.Kind.WORK_REPORT
        targets = cast(forms.ModelMultipleChoiceField, self.fields["targets"])
        targets.queryset = target_choices(org=org)
        targets.initial = list(targets.queryset.values_list("pk", flat=True))
        keys = cast(forms.MultipleChoiceField, self.fields["figure_keys"])
        keys.choices = [
            (str(s.title), [(f.key, str(f.label)) for f in s.figures]) for s in sections
        ]

    def clean_photos(self) -> str:
        return str(self.cleaned_data.get("photos") or Round.Photos.NONE)

    def clean_questions(self) -> list[str]:
        lines = [q.strip() for q in self.cleaned_data["questions"].splitlines() if q.strip()]
        too_long = [q for q in lines if len(q) > MAX_QUESTION]
        if too_long:
            raise forms.ValidationError(
                _("每个问题不超过%(n)s字：%(q)s") % {"n": MAX_QUESTION, "q": too_long[0][:20]}
            )
        return lines


class AnswerForm(forms.Form):
    """The words of a target's answer: one textarea per editable part (one paragraph per
    line), and one per question. Built from the drafted report and the round."""

    def __init__(
        self,
        *args: Any,
        parts: list[tuple[str, str, list[str]]],
        questions: list[str],
        answers: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.part_keys = [key for key, _h, _p in parts]
        for i, (_key, heading, paragraphs) in enumerate(parts):
            self.fields[f"part_{i}"] = forms.CharField(
                label=heading,
                required=False,
                initial="\n".join(paragraphs),
                widget=forms.Textarea(attrs={"rows": _rows(paragraphs)}),
                help_text=_("可修改文字；数字由台账生成，不能修改。一行一段。"),
            )
        for i, question in enumerate(questions):
            self.fields[f"answer_{i}"] = forms.CharField(
                label=question,
                required=False,
                initial=answers[i] if i < len(answers) else "",
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.question_count = len(questions)

    def texts(self) -> dict[str, list[str]]:
        """Edited parts, one paragraph per line; a part left blank keeps the drafted words
        (a work summary has no empty section)."""
        texts = {}
        for i, key in enumerate(self.part_keys):
            lines = self.cleaned_data.get(f"part_{i}", "").splitlines()
            if any(line.strip() for line in lines):
                texts[key] = lines
        return texts

    def answers(self) -> list[str]:
        return [self.cleaned_data.get(f"answer_{i}", "") for i in range(self.question_count)]


class MultipleImageInput(forms.FileInput):
    """Several photos at once. `accept="image/*"` without `capture`: a phone offers both the
    camera and the album."""

    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/*"}))
        super().__init__(*args, validators=[upload_validator(IMAGE)], **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class PhotoForm(forms.Form):
    """The draft's photos: new ones to attach (with a caption for them) and the captions of
    those attached, one field `caption_<id>` each; drawn beside the answer's words, in the same
    <form>, so that every button keeps what was typed."""

    photos = MultipleImageField(label=_("添加照片"), required=False)
    caption = forms.CharField(label=_("新照片说明（可选）"), max_length=MAX_CAPTION, required=False)

    def __init__(self, *args: Any, attached: list[TargetPhoto], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photos"].help_text = _("可拍照或从相册选择，可多选；每次报送最多%(n)s张。") % {
            "n": MAX_PHOTOS
        }
        self.attached = attached
        for photo in attached:
            self.fields[f"caption_{photo.pk}"] = forms.CharField(
                label=_("照片说明"),
                max_length=MAX_CAPTION,
                required=False,
                initial=photo.caption,
            )

    def captions(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data.get(f"caption_{p.pk}", "") for p in self.attached}

    def rows(self) -> list[tuple[TargetPhoto, forms.BoundField]]:
        return [(p, self[f"caption_{p.pk}"]) for p in self.attached]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class QuotesForm(forms.Form):
    """The paragraphs ticked on the quotes page: each one of those the page offers."""

    quotes = forms.MultipleChoiceField(
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": NOT_CURRENT},
    )

    def __init__(self, *args: Any, offered: list[QuoteRef], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["quotes"])
        field.choices = [(ref.value, ref.value) for ref in offered]

    def refs(self) -> list[QuoteRef]:
        parsed = (QuoteRef.parse(value) for value in self.cleaned_data["quotes"])
        return [ref for ref in parsed if ref is not None]
