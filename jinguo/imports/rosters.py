"""The two roster templates (花名册): the same columns for export and import.

Headers are the federation's file format, in Chinese whatever language the reader uses, so they
are constants rather than translatable text. The synonyms are the names real ledgers use.
"""

from jinguo.households.models import Resident
from jinguo.imports.sheet import Column
from jinguo.people.models import ConcurrentPost, ExecutiveSeat, Person

HOUSEHOLD_COLUMNS: tuple[Column, ...] = (
    Column("number", "户号", ("户编号", "家庭编号", "户编码", "家庭户号", "户代码"), 16, True),
    Column(
        "grid",
        "所属网格",
        (
            "网格",
            "所属网格编码",
            "网格编码",
            "网格名称",
            "所在网格",
            "村民小组",
            "居民小组",
            "所属小组",
            "组别",
        ),
        18,
        True,
    ),
    Column(
        "name", "姓名", ("成员姓名", "家庭成员姓名", "居民姓名", "人员姓名", "户主姓名", "户主"), 10
    ),
    Column("relation", "与户主关系", ("与户主的关系", "关系", "家庭关系", "成员关系"), 10),
    Column(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "公民身份证号码", "身份证", "证件号码"),
        22,
        True,
    ),
    Column("gender", "性别", (), 6),
    Column("birth_date", "出生日期", ("出生年月日", "出生年月", "生日"), 12),
    Column(
        "phone",
        "联系电话",
        ("手机号", "手机号码", "电话", "手机", "电话号码", "联系方式"),
        15,
        True,
    ),
    Column(
        "address",
        "户籍地址",
        ("户籍所在地", "户口所在地", "户籍地", "家庭住址", "住址", "地址", "家庭地址"),
        30,
    ),
    Column("living_address", "现住址", ("现居住地址", "现居住地", "居住地址", "实际居住地址"), 30),
    Column("living_grid", "现居住网格", ("现居住网格编码", "居住网格"), 18, True),
    Column(
        "categories",
        "重点类别",
        ("重点关注类别", "重点人群类别", "家庭类别", "人员类别", "类别", "重点人员类别", "户类别"),
        16,
    ),
    Column(
        "executive",
        "包保执委",
        ("包保人", "包保干部", "责任执委", "联系执委", "包保执委姓名"),
        12,
    ),
    Column("note", "备注", ("说明",), 20),
)
# No 户号 column: the households are numbered (imports.household_numbers).
HOUSEHOLD_REQUIRED = ("grid", "name", "id_number")

EXECUTIVE_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("执委姓名",), 10),
    Column(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "公民身份证号码", "身份证", "证件号码"),
        22,
        True,
    ),
    Column("gender", "性别", (), 6),
    Column("phone", "联系电话", ("手机号", "手机号码", "电话", "手机", "联系方式"), 15, True),
    Column("education", "文化程度", ("学历",), 12),
    Column("politics", "政治面貌", (), 12),
    Column("org", "所属妇联", ("所属妇联编码", "妇联组织", "所属组织", "组织编码"), 18, True),
    Column("post", "职务", ("妇联职务", "执委职务"), 10),
    Column("full_time", "专兼职", ("专职/兼职", "专兼职情况"), 8),
    Column("term_start", "任期开始", ("任期起", "任职时间", "任职日期"), 12),
    Column("term_end", "任期结束", ("任期止", "任期届满"), 12),
    Column("concurrent", "兼任职务", ("双向任职", "兼职情况", "其他职务"), 20),
    Column("grids", "负责网格", ("联系网格", "包联网格", "负责网格编码"), 24, True),
)
EXECUTIVE_REQUIRED = ("name", "id_number", "org", "post")
# By ImportJob.Kind: the columns a file of that kind may have, and those it must have.
KIND_COLUMNS = {"households": HOUSEHOLD_COLUMNS, "executives": EXECUTIVE_COLUMNS}
KIND_REQUIRED = {"households": HOUSEHOLD_REQUIRED, "executives": EXECUTIVE_REQUIRED}

# Sheet names: the export writes them, the import reads the first sheet whatever its name.
SHEET_NAMES = {"households": "家庭成员花名册", "executives": "执委花名册"}

# What ledgers write in 与户主关系, beyond the model's own labels.
RELATION_ALIASES: dict[str, str] = {
    "户主": Resident.Relation.HEAD,
    "本人": Resident.Relation.HEAD,
    "户主本人": Resident.Relation.HEAD,
    "配偶": Resident.Relation.SPOUSE,
    "妻": Resident.Relation.SPOUSE,
    "妻子": Resident.Relation.SPOUSE,
    "夫": Resident.Relation.SPOUSE,
    "丈夫": Resident.Relation.SPOUSE,
    "爱人": Resident.Relation.SPOUSE,
    "子女": Resident.Relation.CHILD,
    "子": Resident.Relation.CHILD,
    "女": Resident.Relation.CHILD,
    "儿子": Resident.Relation.CHILD,
    "女儿": Resident.Relation.CHILD,
    "长子": Resident.Relation.CHILD,
    "次子": Resident.Relation.CHILD,
    "长女": Resident.Relation.CHILD,
    "次女": Resident.Relation.CHILD,
    "养子": Resident.Relation.CHILD,
    "养女": Resident.Relation.CHILD,
    "继子": Resident.Relation.CHILD,
    "继女": Resident.Relation.CHILD,
    "父母": Resident.Relation.PARENT,
    "父亲": Resident.Relation.PARENT,
    "母亲": Resident.Relation.PARENT,
    "父": Resident.Relation.PARENT,
    "母": Resident.Relation.PARENT,
    "孙子女": Resident.Relation.GRANDCHILD,
    "孙子": Resident.Relation.GRANDCHILD,
    "孙女": Resident.Relation.GRANDCHILD,
    "外孙": Resident.Relation.GRANDCHILD,
    "外孙子": Resident.Relation.GRANDCHILD,
    "外孙女": Resident.Relation.GRANDCHILD,
    "兄弟姐妹": Resident.Relation.SIBLING,
    "兄": Resident.Relation.SIBLING,
    "弟": Resident.Relation.SIBLING,
    "姐": Resident.Relation.SIBLING,
    "妹": Resident.Relation.SIBLING,
    "哥哥": Resident.Relation.SIBLING,
    "弟弟": Resident.Relation.SIBLING,
    "姐姐": Resident.Relation.SIBLING,
    "妹妹": Resident.Relation.SIBLING,
    "其他": Resident.Relation.OTHER,
}
RELATION_LABELS: dict[str, str] = {
    Resident.Relation.HEAD: "户主",
    Resident.Relation.SPOUSE: "配偶",
    Resident.Relation.CHILD: "子女",
    Resident.Relation.PARENT: "父母",
    Resident.Relation.GRANDCHILD: "孙子女",
    Resident.Relation.SIBLING: "兄弟姐妹",
    Resident.Relation.OTHER: "其他",
}
GENDER_LABELS: dict[str, str] = {Person.Gender.FEMALE: "女", Person.Gender.MALE: "男"}

EDUCATION_ALIASES: dict[str, str] = {
    "小学及以下": Person.Education.PRIMARY,
    "小学": Person.Education.PRIMARY,
    "文盲": Person.Education.PRIMARY,
    "初中": Person.Education.JUNIOR,
    "高中/中专": Person.Education.SENIOR,
    "高中": Person.Education.SENIOR,
    "中专": Person.Education.SENIOR,
    "职高": Person.Education.SENIOR,
    "技校": Person.Education.SENIOR,
    "大专": Person.Education.COLLEGE,
    "专科": Person.Education.COLLEGE,
    "本科": Person.Education.BACHELOR,
    "大学本科": Person.Education.BACHELOR,
    "大学": Person.Education.BACHELOR,
    "研究生": Person.Education.POSTGRADUATE,
    "硕士": Person.Education.POSTGRADUATE,
    "硕士研究生": Person.Education.POSTGRADUATE,
    "博士": Person.Education.POSTGRADUATE,
    "博士研究生": Person.Education.POSTGRADUATE,
}
EDUCATION_LABELS: dict[str, str] = {
    Person.Education.PRIMARY: "小学及以下",
    Person.Education.JUNIOR: "初中",
    Person.Education.SENIOR: "高中/中专",
    Person.Education.COLLEGE: "大专",
    Person.Education.BACHELOR: "本科",
    Person.Education.POSTGRADUATE: "研究生",
}

PARTY_MEMBER = "中共党员"
MASSES = "群众"
PARTY_ALIASES: dict[str, bool] = {
    "中共党员": True,
    "党员": True,
    "中国共产党党员": True,
    "中共预备党员": True,
    "预备党员": True,
    "群众": False,
    "共青团员": False,
    "团员": False,
    "无党派人士": False,
    "无党派": False,
    "民主党派": False,
}

POST_ALIASES: dict[str, str] = {
    "主席": ExecutiveSeat.Post.CHAIR,
    "妇联主席": ExecutiveSeat.Post.CHAIR,
    "副主席": ExecutiveSeat.Post.VICE_CHAIR,
    "妇联副主席": ExecutiveSeat.Post.VICE_CHAIR,
    "兼职副主席": ExecutiveSeat.Post.VICE_CHAIR,
    "执委": ExecutiveSeat.Post.MEMBER,
    "执行委员": ExecutiveSeat.Post.MEMBER,
    "妇联执委": ExecutiveSeat.Post.MEMBER,
    "委员": ExecutiveSeat.Post.MEMBER,
    "专干": ExecutiveSeat.Post.STAFF,
    "妇联专干": ExecutiveSeat.Post.STAFF,
}
POST_LABELS: dict[str, str] = {
    ExecutiveSeat.Post.CHAIR: "主席",
    ExecutiveSeat.Post.VICE_CHAIR: "副主席",
    ExecutiveSeat.Post.MEMBER: "执委",
    ExecutiveSeat.Post.STAFF: "专干",
}
FULL_TIME_ALIASES: dict[str, bool] = {"专职": True, "兼职": False, "是": True, "否": False}
CONCURRENT_ALIASES: dict[str, str] = {
    "两委干部": ConcurrentPost.Kind.TWO_COMMITTEES,
    "村两委": ConcurrentPost.Kind.TWO_COMMITTEES,
    "社区两委": ConcurrentPost.Kind.TWO_COMMITTEES,
    "两委委员": ConcurrentPost.Kind.TWO_COMMITTEES,
    "居民组长": ConcurrentPost.Kind.GROUP_LEADER,
    "村民组长": ConcurrentPost.Kind.GROUP_LEADER,
    "组长": ConcurrentPost.Kind.GROUP_LEADER,
    "网格长": ConcurrentPost.Kind.GRID_HEAD,
    "网格员": ConcurrentPost.Kind.GRID_WORKER,
}
CONCURRENT_LABELS: dict[str, str] = {
    ConcurrentPost.Kind.TWO_COMMITTEES: "两委干部",
    ConcurrentPost.Kind.GROUP_LEADER: "居民组长",
    ConcurrentPost.Kind.GRID_HEAD: "网格长",
    ConcurrentPost.Kind.GRID_WORKER: "网格员",
}
