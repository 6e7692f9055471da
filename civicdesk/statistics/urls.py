from django.urls import path

from civicdesk.statistics import views

app_name = "statistics"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("api/dashboard/", views.dashboard_json, name="dashboard_json"),
    path("orders/", views.drill_page, name="drill"),
    path("topic/", views.topic_page, name="topic"),
    path("quality/", views.quality_page, name="quality"),
    path("procedures/", views.procedures_page, name="procedures"),
    path("export/table/", views.export_table, name="export_table"),
    path("export/orders/", views.export_orders, name="export_orders"),
    path("exports/", views.exports, name="exports"),
    path("exports/<int:pk>/", views.export_download, name="export_download"),
    path("assessment/", views.assessment_page, name="assessment"),
    path("assessment/orders/", views.assessment_orders, name="assessment_orders"),
    path("assessment/export/", views.assessment_export, name="assessment_export"),
    path("briefings/", views.briefings, name="briefings"),
    path("briefings/<int:pk>/", views.briefing_html, name="briefing"),
    path("briefings/<int:pk>/pdf/", views.briefing_pdf, name="briefing_pdf"),
]
