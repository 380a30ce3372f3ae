from django.urls import path

from . import feeds, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("regions/<slug:slug>/", views.region, name="region"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("search/", views.search, name="search"),
    path("feed/", feeds.TopicFeed(), name="feed"),
    path("emergency-numbers/", views.emergency_numbers, name="emergency_numbers"),
]
