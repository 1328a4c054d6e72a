"""`jinguo totp_code USERNAME`: the current 6-digit code of a demo account, so the demo's
administrators can sign in without an authenticator app. Refused unless DEBUG is on: in
production the code exists only on the user's phone."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jinguo.accounts import totp
from jinguo.accounts.models import User


class Command(BaseCommand):
    help = "显示演示账号当前的动态口令（仅开发/演示环境，DEBUG 打开时可用）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("生产环境（DEBUG 关闭）不能查看动态口令。")
        user = User.objects.filter(username=options["username"]).first()
        if user is None or not user.has_totp:
            raise CommandError("没有该账号，或该账号未启用动态口令。")
        self.stdout.write(totp.code_at(user.totp_secret, totp.current_step()))
