from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from infrastructure import health
from recommender.admin_worklist import worklist

from .api import router

admin.site.site_header = "Framework evidence: editors"
admin.site.site_title = "Framework evidence"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # An admin page of no model's, so ahead of the admin's own patterns.
    path("admin/frameworks/worklist/", worklist, name="evidence-worklist"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # A template of ours with no inline script or style; the split view serves the settings as a
    # script file, so the docs live under the site's Content-Security-Policy. (Redoc is not
    # offered: it injects inline styles, which the policy refuses.)
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("api/", include(router.urls)),
    # The visitor's pages first: Django tries the patterns in order, on every request.
    path("", include("recommender.urls")),
    path("", include("frameworks.urls")),
    path("", include("snippets.urls")),
]

# JSON under /api/, the site's own pages elsewhere.
handler400 = "infrastructure.api_errors.bad_request"
handler404 = "infrastructure.api_errors.page_not_found"
