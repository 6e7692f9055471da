from typing import Any

from django.core.management.base import BaseCommand

from civicdesk.upstream.ingest import pull
from civicdesk.upstream.models import Arrival, UpstreamPlatform


class Command(BaseCommand):
    help = "从“拉取”方式的上级平台取回新工单"

    def handle(self, *args: Any, **options: Any) -> None:
        for platform in UpstreamPlatform.objects.filter(active=True, arrival=Arrival.PULL):
            result = pull(platform)
            line = f"{platform.code}: 新受理 {result.taken}，已有 {result.known}，拒收 {result.refused}"
            self.stdout.write(line + (f"，错误：{result.error}" if result.error else ""))
