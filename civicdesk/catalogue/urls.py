from django.urls import path

from civicdesk.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("rules/new/", views.rule_new, name="rule_new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
]
