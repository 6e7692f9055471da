from django.urls import path

from civicdesk.worktime import duty_views, views

app_name = "worktime"
urlpatterns = [
    path("limits/", views.limits, name="limits"),
    path("limits/new/", views.limit_new, name="limit_new"),
    path("limits/<int:pk>/", views.limit_edit, name="limit_edit"),
    path("limits/<int:pk>/delete/", views.limit_delete, name="limit_delete"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("calendar/import/", views.calendar_import, name="calendar_import"),
    path("calendar/year-done/", views.calendar_year_done, name="calendar_year_done"),
    path("calendar/<int:pk>/", views.calendar_edit, name="calendar_edit"),
    path("calendar/<int:pk>/delete/", views.calendar_delete, name="calendar_delete"),
    path("duty/", duty_views.roster, name="duty"),
    path("duty/copy/", duty_views.roster_copy, name="duty_copy"),
    path("duty/<int:pk>/delete/", duty_views.roster_delete, name="duty_delete"),
]
