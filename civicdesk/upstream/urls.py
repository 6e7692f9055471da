from django.urls import path

from civicdesk.upstream import views

app_name = "upstream"

urlpatterns = [
    path("", views.reports, name="reports"),
    path("<int:message_id>/requeue/", views.requeue, name="requeue"),
    path("<slug:code>/orders/", views.push, name="push"),
    path("<slug:code>/answers/", views.answer, name="answer"),
    path("<slug:code>/moves/", views.moves, name="moves"),
    path("hubs/<str:code>/reports/", views.hub_reports, name="hub_reports"),
]
