from django.urls import path

from civicdesk.quality import views

app_name = "quality"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("fill", views.fill, name="fill"),
    path("mine", views.mine, name="mine"),
    path("report", views.report, name="report"),
    path("<int:pk>/", views.inspection, name="inspection"),
    path("<int:pk>/score", views.score, name="score"),
    path("<int:pk>/appeal", views.appeal, name="appeal"),
    path("<int:pk>/decide", views.decide, name="decide"),
]
