"""What an import did, per kind of record: rows created, updated and left unchanged."""

from dataclasses import dataclass


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
