import pytest

from jinguo.intake import services


@pytest.fixture
def point(cast, tree):
    return services.intake_point_create(actor=cast.songhe_chair, org=tree.wushan)


@pytest.fixture
def file(point):
    def _file(**overrides):
        data = {
            "point": point,
            "kind": "request",
            "content": "巷口路灯坏了三个月，晚上走路看不见，请帮忙修一下",
            "name": "王阿姨",
            "phone": "139 0563 1234",
            "ip": "10.0.0.1",
        }
        return services.submission_file(**{**data, **overrides})

    return _file
