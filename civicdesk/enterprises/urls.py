from django.urls import path

from civicdesk.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("search/", views.search, name="search"),
    path("link/<str:number>/", views.link, name="link"),
    path("board/", views.board, name="board"),
    path("licences/", views.licences, name="licences"),
    path("licences/<int:pk>/renew/", views.renew_licence, name="renew"),
]
