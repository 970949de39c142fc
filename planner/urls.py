"""The planner's URLs: the queue, My talks actions, organiser suggestions and their JSON."""

from django.urls import URLPattern, path

from planner.views import api, members, organiser, queue

app_name = "planner"

urlpatterns: list[URLPattern] = [
    path("queue/", queue.queue, name="queue"),
    path("queue/nominate/", queue.nominate, name="nominate"),
    path("queue/<int:pk>/vote/", queue.vote, name="vote"),
    path("queue/<int:pk>/schedule/", queue.schedule, name="schedule"),
    path("me/availability/<int:pk>/", members.availability, name="availability"),
    path("presenters/<int:pk>/swap/", members.swap_request, name="swap_request"),
    path("swaps/<int:pk>/<str:answer>/", members.swap_answer, name="swap_answer"),
    path("organise/sessions/<int:pk>/suggestions/", organiser.suggestions, name="suggestions"),
    path("organise/sessions/<int:pk>/pair/", organiser.apply_pair, name="apply_pair"),
    path("organise/topics/", organiser.topic_suggestions, name="topics"),
    path("organise/papers/<int:pk>/topics/", organiser.paper_topics, name="paper_topics"),
    path("api/suggestions/pairs.json", api.pairs_json, name="api_pairs"),
    path("api/suggestions/presenters.json", api.presenters_json, name="api_presenters"),
]
