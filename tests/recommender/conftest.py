import pytest

from tests.factories import (
    ChoiceFactory,
    ChoiceWeightFactory,
    ClaimFactory,
    CriterionFactory,
    FrameworkFactory,
    QuestionFactory,
)

# Ratings, 1 to 5, of each framework on each criterion: Django leads on what a content site needs,
# Flask is below the must-have bar on async support, FastAPI is not featured. Tornado, not featured
# either, has no evidence.
RATINGS = {
    "orm": {"django": 5, "flask": 3, "fastapi": 3},
    "admin-interface": {"django": 5, "flask": 1, "fastapi": 1},
    "async-support": {"django": 4, "flask": 2, "fastapi": 5},
    "lightweight": {"django": 2, "flask": 5, "fastapi": 4},
}

# The shipped questionnaire's slugs, with fewer choices, each moving one criterion.
QUESTIONS = {
    "experience": {"beginner": ("lightweight", 3), "intermediate": None, "experienced": ("orm", 1)},
    "project": {
        "content-site": ("admin-interface", 3),
        "rest-api": ("async-support", 2),
        "iot": ("lightweight", 4),
    },
    "priority": {"get-hired": ("orm", 2), "long-term": ("admin-interface", 2), "understand-internals": None},
    "admin": {"yes": ("admin-interface", 5), "no": ("admin-interface", -4)},
    "async": {"yes": ("async-support", 6), "no": ("async-support", -3)},
}
MUST_HAVES = {("async", "yes")}  # as shipped: answering that async matters makes it a must-have


@pytest.fixture
def small_dataset(db):
    """Four frameworks (Flask and Django featured), four criteria with a claim on each, and five
    questions: enough for a verdict and every form, without loading the shipped dataset."""
    criteria = {
        "orm": CriterionFactory(slug="orm", name="Database layer"),
        "admin-interface": CriterionFactory(slug="admin-interface", name="Admin back-office"),
        "async-support": CriterionFactory(slug="async-support", name="Async support"),
        "lightweight": CriterionFactory(slug="lightweight", name="Lightweight"),
    }
    frameworks = {
        "flask": FrameworkFactory(slug="flask", name="Flask", is_featured=True),
        "django": FrameworkFactory(slug="django", name="Django", is_featured=True),
        "fastapi": FrameworkFactory(slug="fastapi", name="FastAPI"),
    }
    FrameworkFactory(slug="tornado", name="Tornado")
    for criterion, ratings in RATINGS.items():
        for framework, rating in ratings.items():
            ClaimFactory(framework=frameworks[framework], criterion=criteria[criterion], rating=rating)
    for position, (slug, choices) in enumerate(QUESTIONS.items()):
        question = QuestionFactory(slug=slug, position=position, allows_multiple=slug == "priority")
        for order, (choice_slug, move) in enumerate(choices.items()):
            choice = ChoiceFactory(question=question, slug=choice_slug, position=order)
            if move:
                criterion, delta = move
                must_have = (slug, choice_slug) in MUST_HAVES
                ChoiceWeightFactory(
                    choice=choice, criterion=criteria[criterion], delta=delta, must_have=must_have
                )
