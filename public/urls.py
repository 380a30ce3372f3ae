from django.urls import path

from . import feedback, feeds, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("regions/<slug:slug>/", views.region, name="region"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("topics/<slug:slug>/feedback/", feedback.topic_feedback, name="topic_feedback"),
    path("search/", views.search, name="search"),
    path("a-z/", views.a_to_z, name="a_to_z"),
    path("feed/", feeds.TopicFeed(), name="feed"),
    path("emergency-numbers/", views.emergency_numbers, name="emergency_numbers"),
]
