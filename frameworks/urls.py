from django.urls import path

from . import feeds, views

app_name = "frameworks"

urlpatterns = [
    path("compare/", views.compare, name="compare"),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/<slug:slug>/", views.framework_detail, name="framework"),
    path("criteria/", views.criterion_list, name="criterion_list"),
    path("criteria/<slug:slug>/", views.criterion_detail, name="criterion"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<int:pk>/", views.source_detail, name="source"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/report/", views.report_problem, name="report"),
    path("changes/", views.changes, name="changes"),
    path("changes/feed/", feeds.ChangesFeed(), name="changes_feed"),
]
