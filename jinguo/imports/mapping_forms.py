"""The mapping page's form: a select per column of the file, and per value field a select per
value the import would not resolve as written. Built from job.preview (imports.preview)."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from jinguo.imports import confirmed
from jinguo.imports.models import ImportJob
from jinguo.imports.rosters import KIND_COLUMNS

# The value fields' names on the page: the roster's own headers (the file format's words).
VALUE_LABELS = {
    "grid": "所属网格",
    "living_grid": "现居住网格",
    "categories": "重点类别",
    "executive": "包保执委",
}


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "form-select form-select-sm"})


class MappingForm(forms.Form):
    def __init__(
        self,
        data: Any = None,
        *,
        job: ImportJob,
        targets: dict[str, dict[int, str]],
    ) -> None:
        super().__init__(data)
        self.kind = job.kind
        keys = [(column.key, column.header) for column in KIND_COLUMNS[job.kind]]
        choices = [("", _("不导入（原样保留）")), *keys]
        self._columns: dict[str, int] = {}
        for column in job.preview.get("columns", []):
            name = f"col_{column['index']}"
            self.fields[name] = forms.ChoiceField(
                label=column["header"] or _("（无表头）"),
                choices=choices,
                required=False,
                initial=column["suggested"],
                widget=_select(),
            )
            self._columns[name] = column["index"]
        self._values: dict[str, tuple[str, str]] = {}
        self.value_groups: list[dict[str, Any]] = []
        for field, group in job.preview.get("values", {}).items():
            options = [
                ("", _("保留原值（将作为错误报告）")),
                *((str(pk), label) for pk, label in targets.get(field, {}).items()),
            ]
            rows = []
            for n, item in enumerate(group["items"]):
                name = f"val_{field}_{n}"
                suggested = item["suggested"]
                self.fields[name] = forms.ChoiceField(
                    label=item["raw"],
                    choices=options,
                    required=False,
                    initial=str(suggested) if suggested is not None else "",
                    widget=_select(),
                )
                self._values[name] = (field, item["raw"])
                rows.append((item, self[name]))
            if rows:
                label = VALUE_LABELS.get(field, field)
                self.value_groups.append({"label": label, "rows": rows, "more": group["more"]})
        self.column_rows = [
            (column, self[f"col_{column['index']}"]) for column in job.preview.get("columns", [])
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        columns = self.columns()
        for message in confirmed.column_errors(self.kind, columns):
            self.add_error(None, message)
        # Each select of a field chosen twice says so beside it (column_errors says which).
        field_of = {index: name for name, index in self._columns.items()}
        for indexes in confirmed.columns_by_key(columns).values():
            if len(indexes) > 1:
                for index in indexes:
                    self.add_error(field_of[index], _("同一字段只能对应一列"))
        return data

    def columns(self) -> dict[int, str]:
        """{column index: field key, or "" for a column left out}."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {index: str(data.get(name) or "") for name, index in self._columns.items()}

    def values(self) -> dict[str, dict[str, int]]:
        """{field: {value as written: target pk}}: the values given a target."""
        found: dict[str, dict[str, int]] = {}
        for name, (field, raw) in self._values.items():
            target = self.cleaned_data.get(name)
            if target:
                found.setdefault(field, {})[raw] = int(target)
        return found
