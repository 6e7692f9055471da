from django.urls import path

from civicdesk.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.screen_pop, name="screen_pop"),
    path("new", views.new, name="new"),
    path("done/<str:number>", views.done, name="done"),
    path("suggest", views.suggest, name="suggest"),
    path("caller", views.caller, name="caller"),
]
