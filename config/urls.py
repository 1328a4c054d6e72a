from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from jinguo.common.admin import site as admin_site
from jinguo.common.views import home, text_size
from jinguo.offline import views as offline_views

api_v1 = [
    path("", include("jinguo.accounts.api")),
    path("", include("jinguo.orgs.api")),
    path("", include("jinguo.people.api")),
    path("", include("jinguo.households.api")),
    path("", include("jinguo.imports.api")),
    path("", include("jinguo.visits.api")),
    path("", include("jinguo.cases.api")),
    path("", include("jinguo.meetings.api")),
    path("", include("jinguo.activities.api")),
    path("", include("jinguo.activities.volunteer_api")),
    path("", include("jinguo.trainings.api")),
    path("", include("jinguo.sanxin.api")),
    path("", include("jinguo.honours.api")),
    path("", include("jinguo.employment.api")),
    path("", include("jinguo.points.api")),
    path("", include("jinguo.points.rankings_api")),
    path("", include("jinguo.assessments.api")),
    path("", include("jinguo.reports.api")),
    path("", include("jinguo.rounds.api")),
    path("", include("jinguo.inbox.api")),
    path("", include("jinguo.notices.api")),
]

urlpatterns = [
    path("", home, name="home"),
    # The installable app: its worker at the root, so that its scope is the whole site.
    path("sw.js", offline_views.service_worker, name="service-worker"),
    path("manifest.webmanifest", offline_views.manifest, name="manifest"),
    path("offline/", include("jinguo.offline.urls")),
    path("accounts/", include("jinguo.accounts.urls")),
    path("orgs/", include("jinguo.orgs.urls")),
    path("audit/", include("jinguo.audit.urls")),
    path("backups/", include("jinguo.backups.urls")),
    path("people/", include("jinguo.people.urls")),
    path("households/", include("jinguo.households.urls")),
    path("imports/", include("jinguo.imports.urls")),
    path("visits/", include("jinguo.visits.urls")),
    path("cases/", include("jinguo.cases.urls")),
    path("intake/", include("jinguo.intake.urls")),
    path("meetings/", include("jinguo.meetings.urls")),
    path("activities/", include("jinguo.activities.urls")),
    path("trainings/", include("jinguo.trainings.urls")),
    path("sanxin/", include("jinguo.sanxin.urls")),
    path("honours/", include("jinguo.honours.urls")),
    path("employment/", include("jinguo.employment.urls")),
    path("points/", include("jinguo.points.urls")),
    path("assessments/", include("jinguo.assessments.urls")),
    path("dashboard/", include("jinguo.reports.urls")),
    path("reports/", include("jinguo.reports.report_urls")),
    path("rounds/", include("jinguo.rounds.urls")),
    path("inbox/", include("jinguo.inbox.urls")),
    path("notices/", include("jinguo.notices.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # the same page with the CSP nonce on its inline script and style
        SpectacularSwaggerView.as_view(
            url_name="api-schema", template_name="common/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("admin/", admin_site.urls),
    # The picture codes of the login page (django-simple-captcha), drawn on this server.
    path("captcha/", include("captcha.urls")),
    # The larger-text switch: a display setting of the browser, as the language is.
    path("i18n/text-size/", text_size, name="text_size"),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Error answers: pages in the user's language with a way back; JSON on /api/ (jinguo.common.errors).
handler400 = "jinguo.common.errors.bad_request"
handler403 = "jinguo.common.errors.permission_denied"
handler404 = "jinguo.common.errors.page_not_found"
handler500 = "jinguo.common.errors.server_error"
