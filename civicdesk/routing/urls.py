from django.urls import path

from civicdesk.routing import views

app_name = "routing"
urlpatterns = [
    path("", views.versions, name="versions"),
    path("train", views.train_now, name="train"),
    path("versions/<int:number>/activate", views.activate, name="activate"),
    path("auto", views.auto_settings, name="auto"),
    path("accuracy", views.first_dispatch, name="accuracy"),
    path("undo/<str:number>", views.undo, name="undo"),
]
