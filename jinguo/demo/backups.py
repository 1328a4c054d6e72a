"""Built very last: the night's backup has run once (jinguo.backups.services, as beat runs it at
01:30), so the security administrator's page shows a backup, and warns that no restore drill
has been done yet: a drill migrates a scratch database, too slow for loading the demo."""

from jinguo.backups.services import backup_scheduled
from jinguo.orgs.models import OrgUnit


class BackupsDemo:
    def __init__(self, orgs: dict[str, OrgUnit]) -> None:
        self.orgs = orgs

    def build(self) -> str:
        run = backup_scheduled()
        if run.error:
            return f"演示备份未完成：{run.error}"
        return f"已做一次备份（{run.file_name}）"
