"""The one API router: every endpoint under /api/."""

from rest_framework.routers import DefaultRouter

from criteria.api import CriterionViewSet
from frameworks.api import ClaimViewSet, FrameworkViewSet, MatrixViewSet, SourceChangeViewSet, SourceViewSet
from recommender.api import QuestionViewSet, RecommendationViewSet
from snippets.api import SnippetViewSet

router = DefaultRouter()
router.register("frameworks", FrameworkViewSet, basename="framework")
router.register("criteria", CriterionViewSet, basename="criterion")
router.register("sources", SourceViewSet, basename="source")
router.register("source-changes", SourceChangeViewSet, basename="source-change")
router.register("claims", ClaimViewSet, basename="claim")
router.register("matrix", MatrixViewSet, basename="matrix")
router.register("questions", QuestionViewSet, basename="question")
router.register("recommendations", RecommendationViewSet, basename="recommendation")
router.register("snippets", SnippetViewSet, basename="snippet")
