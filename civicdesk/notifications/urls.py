from django.urls import path

from civicdesk.notifications import views

app_name = "notifications"
urlpatterns = [
    path("unknown/", views.unknown, name="unknown"),
    path("<int:message_id>/<slug:decision>/", views.settle, name="settle"),
]
