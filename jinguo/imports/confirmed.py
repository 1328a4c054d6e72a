"""A file's confirmed mapping (ImportJob.mapping): built from the user's choices on the mapping
page, read back by the run as the sheet's layout.

job.mapping:
    {
        "header_rows": [2, 3],          # 0-based sheet rows of the header
        "data_start": 4,                # 0-based sheet row of the first data row
        "first_column": 0,              # 0-based sheet column of index 0 of the row lists
        "columns": {"name": 0, "grid": 3, …},       # field key → column index
        "headers": {"name": "户主姓名", …},          # field key → the column's header token
        "values": {"grid": {"巫山": 12}, "categories": {"低保户": 1}, "executive": {"汪": 7}},
        "skipped": ["登记日期"],          # headers of the columns left out, as in the file
    }
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from jinguo.imports.rosters import KIND_COLUMNS, KIND_REQUIRED
from jinguo.imports.sheet import Layout


def build(
    preview: Mapping[str, Any], columns: Mapping[int, str], values: Mapping[str, Mapping[str, int]]
) -> dict[str, Any]:
    """job.mapping from the preview and the choices: columns {index: field key or ""}, values
    {field: {as written: target pk}} (a value kept as written is left out)."""
    chosen = {key: index for index, key in columns.items() if key}
    headers = {column["index"]: column["header"] for column in preview["columns"]}
    suggested = {f: group["column"] for f, group in preview.get("values", {}).items()}
    return {
        "header_rows": list(preview["header_rows"]),
        "data_start": preview["data_start"],
        "first_column": preview["first_column"],
        "columns": chosen,
        "headers": {key: headers.get(index, "") for key, index in chosen.items()},
        # A value map belongs to the column it was read from: dropped if the field now reads
        # another column.
        "values": {
            f: dict(targets)
            for f, targets in values.items()
            if targets and f in chosen and suggested.get(f) == chosen[f]
        },
        "skipped": [
            headers[index] for index in sorted(columns) if not columns[index] and headers.get(index)
        ],
    }


def layout(mapping: Mapping[str, Any]) -> Layout:
    """The sheet's layout as the user confirmed it (instead of sheet.find_layout)."""
    return Layout(
        columns={key: int(index) for key, index in mapping["columns"].items()},
        header_rows=tuple(mapping["header_rows"]),
        data_start=int(mapping["data_start"]),
        first_column=int(mapping["first_column"]),
        headers={key: (header,) for key, header in mapping.get("headers", {}).items()},
        values={
            f: {raw: int(pk) for raw, pk in targets.items()}
            for f, targets in mapping.get("values", {}).items()
        },
    )


def columns_by_key(columns: Mapping[int, str]) -> dict[str, list[int]]:
    """{field key: the column indexes chosen for it, in order}; a column left out is not."""
    by_key: dict[str, list[int]] = {}
    for index, key in sorted(columns.items()):
        if key:
            by_key.setdefault(key, []).append(index)
    return by_key


def column_errors(kind: str, columns: Mapping[int, str]) -> list[str]:
    """What is wrong with the columns chosen for a file of `kind`: a required field with no
    column, a field chosen for two columns. Messages in Chinese, for the mapping page."""
    names = {column.key: column.header for column in KIND_COLUMNS[kind]}
    by_key = columns_by_key(columns)
    problems = []
    unknown = [key for key in by_key if key not in names]
    if unknown:
        problems.append(_("未知的字段：%(fields)s") % {"fields": "、".join(unknown)})
    missing = [names[key] for key in KIND_REQUIRED[kind] if key not in by_key]
    if missing:
        problems.append(
            _("请为以下字段选择文件中的列：%(fields)s") % {"fields": "、".join(missing)}
        )
    for key, indexes in by_key.items():
        if len(indexes) > 1 and key in names:
            problems.append(
                _("“%(field)s”对应了%(count)d列（第%(columns)s列），每个字段只能对应一列")
                % {
                    "field": names[key],
                    "count": len(indexes),
                    "columns": "、".join(str(i + 1) for i in indexes),
                }
            )
    return problems
