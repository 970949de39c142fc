from django.urls import path

from papers import api, views

app_name = "papers"

urlpatterns = [
    path("papers/", views.paper_list, name="list"),
    path("papers/<int:pk>/", views.paper_detail, name="detail"),
    path("papers/<str:venue>/<int:year>/", views.proceedings_detail, name="proceedings"),
    path("api/papers.json", api.paper_list, name="api-list"),
]
