from django.urls import path

from civicdesk.runtime import views

app_name = "runtime"
urlpatterns = [
    path("", views.status, name="status"),
]
