from django.urls import path

from papers import api, views, views_arxiv, views_citations, views_import

app_name = "papers"

urlpatterns = [
    path("papers/", views.paper_list, name="list"),
    path("papers/<int:pk>/", views.paper_detail, name="detail"),
    # Citations: a paper, or whatever a catalogue query string selects.
    path("papers/<int:pk>.bib", views_citations.paper_bib, name="paper_bib"),
    path("papers/<int:pk>.csl.json", views_citations.paper_csl, name="paper_csl"),
    path("papers/export.bib", views_citations.export_bib, name="export_bib"),
    path("papers/export.csl.json", views_citations.export_csl, name="export_csl"),
    path("papers/<str:venue>/<int:year>/", views.proceedings_detail, name="proceedings"),
    path("api/papers.json", api.paper_list, name="api-list"),
    # arXiv: add a paper by id or link, its fetch status (polled), an organiser's re-fetch.
    path("papers/add-arxiv/", views_arxiv.add_arxiv, name="add_arxiv"),
    path("papers/<int:pk>/arxiv-status/", views_arxiv.fetch_status, name="arxiv_status"),
    path("papers/<int:pk>/arxiv-refetch/", views_arxiv.refetch, name="arxiv_refetch"),
    path("papers/<int:pk>/keep-public/", views_arxiv.keep_public, name="keep_public"),
    # Organisers: a conference list into the catalogue, with a preview first.
    path("organise/papers/import/", views_import.catalogue_import, name="organiser_import"),
]
