from django.apps import AppConfig


class SnippetsConfig(AppConfig):
    name = "snippets"
    verbose_name = "Code side by side"
