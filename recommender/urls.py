from django.urls import path

from . import views

app_name = "recommender"

urlpatterns = [
    path("", views.home, name="home"),
    path("questionnaire/", views.questionnaire, name="questionnaire"),
    path("questionnaire/preview/", views.preview, name="preview"),
    path("verdict/<uuid:verdict_id>/", views.verdict_detail, name="verdict"),
    path("verdict/<uuid:verdict_id>/weights/", views.reweigh, name="weights"),
    path("verdict/<uuid:verdict_id>/weights/preview/", views.weights_preview, name="weights-preview"),
    path("verdict/<uuid:verdict_id>/rerun/", views.rerun, name="rerun"),
    path("verdict/<uuid:verdict_id>/add/<slug:framework>/", views.widen, name="widen"),
    path("methodology/", views.methodology, name="methodology"),
]
