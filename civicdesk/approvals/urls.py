from django.urls import path

from civicdesk.approvals import views

app_name = "approvals"
urlpatterns = [
    path("", views.applications, name="list"),
    path("new/", views.new, name="new"),
    path("stats/", views.stats, name="stats"),
    path("<str:number>/", views.status, name="status"),
]
