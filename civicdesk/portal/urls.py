from django.urls import path

from civicdesk.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("submit", views.submit, name="submit"),
    path("submitted/<str:number>", views.submitted, name="submitted"),
    path("answers", views.answers, name="answers"),
    path("captcha", views.new_captcha, name="captcha"),
    # The picture of a question (django-simple-captcha draws it; its own URLs are not used: new
    # questions come only through the portal's per-address limit).
    path("captcha/<str:key>.png", views.captcha_image, name="captcha_image"),
    path("captcha/<str:key>.wav", views.captcha_audio, name="captcha_audio"),
    path("track", views.track, name="track"),
    path("track/<str:number>", views.order, name="order"),
    path("track/<str:number>/supplement", views.supplement, name="supplement"),
    path("track/<str:number>/urge", views.urge, name="urge"),
    path("track/<str:number>/support/<str:other>", views.support, name="support"),
    path("track/<str:number>/withdraw", views.withdraw, name="withdraw"),
    path("r/<str:token>", views.rate, name="rate"),
]
