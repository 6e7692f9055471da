from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from civicdesk.open311 import views

app_name = "open311"

_FMT = r"\.(?P<fmt>json|xml)$"


def _unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    # An unknown address under /open311/ answers in the standard's terms, in the format its
    # suffix asks for (XML, the required one, by default).
    return views.not_found(request, fmt="json" if request.path.endswith(".json") else "xml")


urlpatterns = [
    re_path(r"^discovery" + _FMT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + _FMT, views.service_list, name="services"),
    re_path(r"^v2/services/(?P<code>[^/]+)" + _FMT, views.service_definition, name="service"),
    re_path(r"^v2/requests" + _FMT, views.requests, name="requests"),
    re_path(r"^v2/requests/(?P<number>[^/]+)" + _FMT, views.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token_id>[^/]+)" + _FMT, views.token, name="token"),
    re_path(r"^v2/servicerequestupdates" + _FMT, views.request_updates, name="updates"),
    path("<path:rest>", _unknown),
    path("", _unknown),
]
