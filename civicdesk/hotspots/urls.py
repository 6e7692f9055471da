from django.urls import path

from civicdesk.hotspots import views

app_name = "hotspots"
urlpatterns = [
    path("", views.hotspot_list, name="list"),
    path("<int:pk>/", views.hotspot_detail, name="detail"),
    path("<int:pk>/<str:action>/", views.hotspot_act, name="act"),
]
