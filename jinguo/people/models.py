from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.common.fields import EncryptedCharField, EncryptedDateField
from jinguo.common.models import ChangeRow
from jinguo.people.masking import mask_id, mask_phone


class Person(models.Model):
    """A woman, man or child the federation knows: a resident, an executive, or both.

    The ID number, birth date and phone are encrypted; `id_hash` (keyed hash) finds a person by
    number and `id_tail`/`phone_tail` let a list be searched by the last digits without
    decrypting.
    """

    class Gender(models.TextChoices):
        FEMALE = "F", _("女")
        MALE = "M", _("男")

    class Education(models.TextChoices):
        UNKNOWN = "", _("未填")
        PRIMARY = "primary", _("小学及以下")
        JUNIOR = "junior", _("初中")
        SENIOR = "senior", _("高中/中专")
        COLLEGE = "college", _("大专")
        BACHELOR = "bachelor", _("本科")
        POSTGRADUATE = "postgraduate", _("研究生")

    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所属组织"), on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField(_("姓名"), max_length=50)
    name_initials = models.CharField(max_length=20, blank=True, default="", db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    id_number = EncryptedCharField(_("身份证号"), blank=True, default="")
    id_hash = models.CharField(max_length=40, blank=True, default="", editable=False)
    id_tail = models.CharField(max_length=4, blank=True, default="", db_index=True)
    # Encrypted like the numbers (minors' data, issue 8): never filtered or ordered on.
    birth_date = EncryptedDateField(_("出生日期"), null=True, blank=True)
    phone = EncryptedCharField(_("联系电话"), blank=True, default="")
    phone_tail = models.CharField(max_length=4, blank=True, default="", db_index=True)
    education = models.CharField(
        _("文化程度"), max_length=20, choices=Education.choices, blank=True, default=""
    )
    party_member = models.BooleanField(_("中共党员"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = pgettext_lazy("plural", "人员")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"], condition=~Q(id_hash=""), name="person_id_hash_unique"
            )
        ]
        indexes = [models.Index(fields=["org", "name"], name="person_org_name")]

    def __str__(self) -> str:
        return self.name

    # What pages, lists and the API show: the numbers masked (people.masking).
    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class ExecutiveSeat(models.Model):
    """A seat on a federation's executive committee (执委会) for one term (换届)."""

    class Post(models.TextChoices):
        CHAIR = "chair", _("主席")
        VICE_CHAIR = "vice_chair", _("副主席")
        MEMBER = "member", _("执委")
        STAFF = "staff", _("专干")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="seats")
    org = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("妇联组织"), on_delete=models.PROTECT, related_name="seats"
    )
    post = models.CharField(_("职务"), max_length=20, choices=Post.choices)
    full_time = models.BooleanField(_("专职"), default=False)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"), null=True, blank=True)
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    ended_reason = models.CharField(_("离任原因"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("执委席位")
        verbose_name_plural = pgettext_lazy("plural", "执委席位")
        ordering = ["org_id", "post", "id"]
        indexes = [models.Index(fields=["org", "ended_on"], name="seat_org_open")]

    def __str__(self) -> str:
        return f"{self.person} {self.get_post_display()}"


class ConcurrentPost(models.Model):
    """Another post an executive holds (双向任职): 两委干部, 居民组长, 网格长, 网格员."""

    class Kind(models.TextChoices):
        TWO_COMMITTEES = "two_committees", _("两委干部")
        GROUP_LEADER = "group_leader", _("居民组长")
        GRID_HEAD = "grid_head", _("网格长")
        GRID_WORKER = "grid_worker", _("网格员")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="concurrent_posts")
    kind = models.CharField(_("兼任职务"), max_length=20, choices=Kind.choices)
    org = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        ordering = ["person_id", "kind"]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()}"


class Team(models.Model):
    """A team (团) of 5–7 executives with a duty rotation and projects they lead (领办项目)."""

    org = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("团队名称"), max_length=100)
    project = models.CharField(_("领办项目"), max_length=200, blank=True, default="")
    members: "models.ManyToManyField[Person, TeamMembership]" = models.ManyToManyField(
        Person, through="TeamMembership", related_name="teams"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org_id", "name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    is_leader = models.BooleanField(_("团长"), default=False)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.team} {self.person}"


class DutyRotation(models.Model):
    """Who is on duty (轮值) for a team in a period."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="rotations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    note = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["team_id", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="rotation_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.person} {self.start_date}"


class PersonChange(ChangeRow):
    """Every change to a person's record, with who made it and old → new (numbers masked)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="changes")

    ACTION_LABELS = {
        "person.create": _("登记"),
        "person.update": _("修改"),
        "seat.create": _("任命执委职务"),
        "seat.end": _("离任"),
        "concurrent_post.add": _("添加兼任职务"),
        "concurrent_post.end": _("结束兼任职务"),
        "team.member_add": _("加入团队"),
        "team.member_end": _("退出团队"),
        "rotation.create": _("安排轮值"),
        "import": _("Excel导入"),
    }

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.action}"

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))
