"""What the HTTP backends share: one urllib3 pool per backend (keep-alive), explicit connect and
read timeouts, no retries of urllib3's own (a delivery is retried by its job, counted), and a
transport failure turned into a transient Result-to-be (GatewayUnavailable)."""

import json
from typing import Any

import urllib3
from django.conf import settings


class GatewayUnavailable(Exception):
    """No usable answer: timeout, connection refused, 5xx, a body that is not JSON."""

    def __init__(self, words: str) -> None:
        super().__init__(words)
        self.words = words


def pool(maxsize: int = 16) -> urllib3.PoolManager:
    return urllib3.PoolManager(
        num_pools=4,
        maxsize=maxsize,
        block=False,
        retries=False,
        timeout=urllib3.Timeout(
            connect=settings.JINGUO_GATEWAY_CONNECT_SECONDS,
            read=settings.JINGUO_GATEWAY_READ_SECONDS,
        ),
    )


def request_json(http: urllib3.PoolManager, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    """The gateway's JSON answer; GatewayUnavailable for anything else."""
    try:
        response = http.request(method, url, **kwargs)
    except urllib3.exceptions.TimeoutError:
        raise GatewayUnavailable("平台无应答（超时）") from None
    except urllib3.exceptions.HTTPError:
        raise GatewayUnavailable("无法连接平台") from None
    if response.status >= 500:
        raise GatewayUnavailable(f"平台暂时故障 (HTTP {response.status})")
    try:
        answer = json.loads(response.data)
    except ValueError:
        raise GatewayUnavailable(f"平台应答无法识别 (HTTP {response.status})") from None
    if not isinstance(answer, dict):
        raise GatewayUnavailable(f"平台应答无法识别 (HTTP {response.status})")
    return answer
