"""The measures on the citizen portal (no account): search and one measure, summary first."""

from django.urls import path

from civicdesk.policies import views

app_name = "policy_portal"
urlpatterns = [
    path("", views.public_list, name="list"),
    path("<str:code>", views.public_detail, name="detail"),
]
