from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from civicdesk.console import views as console_views


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", include("civicdesk.console.urls")),
    path("intake/", include("civicdesk.intake.urls")),
    path("orders/", include("civicdesk.orders.urls")),
    path("manage/org/", include("civicdesk.org.urls")),
    path("manage/catalogue/", include("civicdesk.catalogue.urls")),
    path("manage/worktime/", include("civicdesk.worktime.urls")),
    path("manage/runtime/", include("civicdesk.runtime.urls")),
    path("manage/outbox/", include("civicdesk.notifications.urls")),
    path("upstream/", include("civicdesk.upstream.urls")),
    path("open311/", include("civicdesk.open311.urls")),
    path("api/", include("civicdesk.api.urls")),
    path("portal/policies/", include("civicdesk.policies.public_urls")),
    path("portal/", include("civicdesk.portal.urls")),
    path("chat/", include("civicdesk.chat.urls")),
    path("knowledge/", include("civicdesk.knowledge.urls")),
    path("stats/", include("civicdesk.statistics.urls")),
    path("hotspots/", include("civicdesk.hotspots.urls")),
    path("routing/", include("civicdesk.routing.urls")),
    path("enterprises/", include("civicdesk.enterprises.urls")),
    path("policies/", include("civicdesk.policies.urls")),
    path("approvals/", include("civicdesk.approvals.urls")),
    path("quality/", include("civicdesk.quality.urls")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", console_views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
