"""The demo's roster import (Excel导入): 西山村's chair uploads the households of two families
who moved into the village this year, on the web page as she would: the file is previewed,
she confirms the columns and values as suggested (kept as the village's mapping for its next
file), and the job runs, through jinguo.imports.services and its task's steps.

The steps run here, one after the other, instead of after the demo's transaction commits: the
demo is one transaction, and its rows must be there when it ends. The task the upload queued
finds the job done and does nothing."""

from typing import Any

from jinguo.accounts.models import User
from jinguo.demo.files import workbook
from jinguo.imports.models import ImportJob
from jinguo.imports.preview import import_job_preview
from jinguo.imports.running import import_job_run
from jinguo.imports.services import import_job_confirm_mapping, import_job_create
from jinguo.orgs.kinds import Kind
from jinguo.orgs.models import OrgUnit
from jinguo.people.idcard import check_digit

FILE_NAME = "西山村新迁入户花名册.xlsx"
HEADER = ["户号", "所属网格", "姓名", "与户主关系", "身份证号", "性别", "出生日期", "联系电话"]
HEADER += ["户籍地址", "现住址", "备注"]
# (household, name, relation, birth date, sequence (even: a woman), phone, note).
MEMBERS = [
    ("XS01", "陶桂兰", "户主", "19560312", 902, "13805631190", "独居，子女在杭州务工"),
    ("XS02", "王芳", "户主", "19880725", 914, "15956321876", "丈夫常年在外务工"),
    ("XS02", "李子涵", "女", "20150403", 926, "", ""),
]


def _id_number(birth: str, sequence: int) -> str:
    first17 = f"341881{birth}{sequence:03d}"
    return first17 + check_digit(first17)


class ImportsDemo:
    def __init__(self, orgs: dict[str, OrgUnit]) -> None:
        self.xishan = orgs["xishan"]

    def rows(self) -> list[list[Any]]:
        grid = (
            OrgUnit.objects.filter(parent=self.xishan, kind=Kind.GRID, is_active=True)
            .order_by("code")
            .first()
        )
        grid_name = grid.name if grid is not None else ""
        address = f"宁国市河沥溪街道西山村{grid_name.removesuffix('网格')}"
        return [
            HEADER,
            *(
                [
                    number,
                    grid_name,
                    name,
                    relation,
                    _id_number(birth, sequence),
                    "女" if sequence % 2 == 0 else "男",
                    f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
                    phone,
                    address,
                    address,
                    note,
                ]
                for number, name, relation, birth, sequence, phone, note in MEMBERS
            ),
        ]

    def build(self) -> str:
        chair = User.objects.get(username="xishan")
        job = import_job_create(
            actor=chair,
            org=self.xishan,
            kind=ImportJob.Kind.HOUSEHOLDS,
            upload=workbook(FILE_NAME, self.rows()),
            review=True,
        )
        job = import_job_preview(job_id=job.pk) or job
        preview = job.preview
        columns = {c["index"]: c["suggested"] or "" for c in preview.get("columns", [])}
        values = {
            field: {
                item["raw"]: item["suggested"]
                for item in found.get("items", [])
                if item.get("suggested") is not None
            }
            for field, found in preview.get("values", {}).items()
        }
        import_job_confirm_mapping(job=job, actor=chair, columns=columns, values=values)
        done = import_job_run(job_id=job.pk)
        status = done.get_status_display() if done is not None else "—"
        return f"Excel导入1次（{status}，新建{done.created_count if done else 0}条）"
