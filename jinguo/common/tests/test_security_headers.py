"""Content-Security-Policy (django-csp) and Permissions-Policy on every page, with DEBUG on and
off: pages of every kind carry both headers, every inline script and style carries the
response's nonce, and no template writes what the policy refuses (event handler attributes,
style attributes, javascript: URLs)."""

import re
from pathlib import Path

import pytest

TEMPLATE_ROOT = Path(__file__).resolve().parents[2]  # jinguo/
REFUSED_IN_TEMPLATES = re.compile(r"""\sstyle=|\son[a-z]+=|javascript:|hx-on""", re.IGNORECASE)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)
DATA_BLOCK = re.compile(r"""type=["']application/(ld\+)?json["']""", re.IGNORECASE)


def _directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def _nonce(response) -> str | None:
    sources = _directives(response)["script-src"]
    nonces = [s[len("'nonce-") : -1] for s in sources if s.startswith("'nonce-")]
    return nonces[0] if nonces else None


def assert_protected(response) -> None:
    """Both headers, a strict policy, and the nonce on every inline script and style."""
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in directives[directive]
        assert "'unsafe-eval'" not in directives[directive]
    policy = response.headers["Permissions-Policy"]
    assert "geolocation=()" in policy and "microphone=()" in policy and "payment=()" in policy
    assert "camera=(self)" in policy  # visit photos: <input type="file" capture>
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    html = response.content.decode()
    nonce = _nonce(response)
    for tag, attributes in SCRIPT_OR_STYLE.findall(html):
        if tag.lower() == "script" and ("src=" in attributes or DATA_BLOCK.search(attributes)):
            continue  # a file of this site ('self'), or JSON data, which never runs
        assert nonce and f'nonce="{nonce}"' in attributes, f"<{tag}{attributes}> without nonce"


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_the_login_page_carries_both_policies(client, db, debug):
    assert_protected(client.get("/accounts/login/"))


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/dashboard/",  # ECharts, loaded by its own static file
        "/assessments/schemes/new/",  # a form with an inline script
        "/households/",
        "/api/docs/",  # Swagger UI: its inline script and style
        "/api/v1/orgs/",
    ],
)
def test_pages_of_every_kind_carry_both_policies(login, cast, debug, url):
    response = login(cast.county_cadre).get(url)
    assert response.status_code == 200
    assert_protected(response)


def test_the_scheme_form_and_swagger_run_their_scripts_under_the_nonce(login, cast):
    client = login(cast.county_cadre)
    for url in ("/assessments/schemes/new/", "/api/docs/"):
        response = client.get(url)
        nonce = _nonce(response)
        assert nonce, url
        assert f'<script nonce="{nonce}">' in response.content.decode(), url


def test_each_response_has_a_nonce_of_its_own(login, cast):
    client = login(cast.county_cadre)
    form = "/assessments/schemes/new/"
    assert _nonce(client.get(form)) != _nonce(client.get(form))


def test_the_dashboard_has_no_inline_script_and_so_no_nonce(login, cast):
    response = login(cast.county_cadre).get("/dashboard/")
    assert "<script nonce=" not in response.content.decode()
    assert _nonce(response) is None  # django-csp names a nonce only when a template used it


def test_error_pages_carry_both_policies(client, login, cast, settings):
    settings.DEBUG = False
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_protected(missing)
    refused = login(cast.county_leader).post("/assessments/schemes/new/", {})
    assert refused.status_code == 403
    assert_protected(refused)


def test_htmx_injects_no_style_and_evaluates_no_code(login, cast):
    html = login(cast.county_cadre).get("/").content.decode()
    config = re.search(r"""<meta name="htmx-config" content='([^']*)'>""", html)
    assert config, "base.html configures htmx"
    assert '"includeIndicatorStyles": false' in config.group(1)
    assert '"allowEval": false' in config.group(1)


def test_no_template_writes_handlers_style_attributes_or_javascript_urls():
    offenders = [
        f"{path.relative_to(TEMPLATE_ROOT)}:{number}: {line.strip()[:80]}"
        for path in sorted(TEMPLATE_ROOT.glob("*/templates/**/*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if REFUSED_IN_TEMPLATES.search(line)
    ]
    assert offenders == []
