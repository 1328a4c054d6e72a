"""The django-import-export side of the benchmark: a plain, fair use of the library.

One ModelResource for Person, matched on id_hash (import_id_fields), that also saves the
resident's household and Resident row, the way its documentation shows for related models
(before_import_row to prepare the row, after_save_instance for the related rows).
"""

from typing import Any

from import_export import fields, resources

from jinguo.common.crypto import blind_index
from jinguo.households.models import Household, Resident
from jinguo.imports.rosters import RELATION_ALIASES
from jinguo.orgs.models import OrgUnit
from jinguo.people.idcard import parse_id
from jinguo.people.models import Person
from jinguo.people.names import pinyin_initials


class ResidentResource(resources.ModelResource):
    id_hash = fields.Field(attribute="id_hash", column_name="id_hash")
    name = fields.Field(attribute="name", column_name="姓名")
    id_number = fields.Field(attribute="id_number", column_name="身份证号")
    phone = fields.Field(attribute="phone", column_name="联系电话")
    gender = fields.Field(attribute="gender", column_name="gender")
    birth_date = fields.Field(attribute="birth_date", column_name="birth_date")
    name_initials = fields.Field(attribute="name_initials", column_name="name_initials")
    id_tail = fields.Field(attribute="id_tail", column_name="id_tail")
    phone_tail = fields.Field(attribute="phone_tail", column_name="phone_tail")
    org = fields.Field(attribute="org_id", column_name="org_id")

    class Meta:
        model = Person
        import_id_fields = ("id_hash",)
        fields = (
            "id_hash",
            "name",
            "id_number",
            "phone",
            "gender",
            "birth_date",
            "name_initials",
            "id_tail",
            "phone_tail",
            "org",
        )
        skip_unchanged = True

    def __init__(self, *, root: OrgUnit, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.grids = {u.code: u for u in OrgUnit.objects.filter(root.subtree_q(), kind="grid")}

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        # The derived columns the model needs, added to the dataset before rows are matched on
        # id_hash (the library checks import_id_fields against the headers first).
        cards = [parse_id(number) for number in dataset["身份证号"]]
        phones = [str(phone or "") for phone in dataset["联系电话"]]
        del dataset["身份证号"]
        dataset.append_col([card.number for card in cards], header="身份证号")
        dataset.append_col([blind_index(card.number) for card in cards], header="id_hash")
        dataset.append_col([card.gender for card in cards], header="gender")
        dataset.append_col([card.birth_date for card in cards], header="birth_date")
        dataset.append_col([pinyin_initials(n) for n in dataset["姓名"]], header="name_initials")
        dataset.append_col([card.number[-4:] for card in cards], header="id_tail")
        del dataset["联系电话"]
        dataset.append_col(phones, header="联系电话")
        dataset.append_col([phone[-4:] for phone in phones], header="phone_tail")
        dataset.append_col([self.grids[code].pk for code in dataset["所属网格"]], header="org_id")

    def after_save_instance(self, instance: Person, row: Any, **kwargs: Any) -> None:
        if kwargs.get("dry_run"):
            return
        household, _created = Household.objects.get_or_create(
            number=row["户号"],
            defaults={
                "grid": self.grids[row["所属网格"]],
                "address": row["户籍地址"] or "",
                "living_address": row["现住址"] or "",
            },
        )
        Resident.objects.update_or_create(
            person=instance,
            defaults={
                "household": household,
                "relation": RELATION_ALIASES.get(row["与户主关系"], "other"),
            },
        )
