from django.urls import path

from civicdesk.intake import calls, callstats, dial, recordings, staffing_views, views

app_name = "intake"
urlpatterns = [
    path("", views.screen_pop, name="screen_pop"),
    path("new", views.new, name="new"),
    path("done/<str:number>", views.done, name="done"),
    path("suggest", views.suggest, name="suggest"),
    path("caller", views.caller, name="caller"),
    path("urge/<str:number>", views.urge, name="urge"),
    path("missed", calls.missed_page, name="missed_calls"),
    path("missed/<int:pk>/called-back", calls.called_back, name="called_back"),
    path("dial", dial.dial, name="dial"),
    path("calls/<int:pk>/recording", recordings.play_view, name="play_recording"),
    path("calls/stats", callstats.stats_page, name="call_stats"),
    path("calls/stats/calls", callstats.drill_page, name="call_drill"),
    path("staffing", staffing_views.staffing, name="staffing"),
]
