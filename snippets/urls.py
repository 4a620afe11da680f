from django.urls import path

from . import views

app_name = "snippets"

urlpatterns = [
    path("code/", views.task_list, name="tasks"),
    path("code/<slug:slug>/", views.task_detail, name="task"),
]
