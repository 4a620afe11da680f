"""Calibration: on the shipped evidence, visitors the articles give rules for get what the rules say.

Each case answers the questionnaire as the rule describes its reader and expects the verdict the
rule gives. The cases come from the five articles the site started from (../shared/sources/
articles/000 to 004), quoted beside each; where the articles contradict each other, the expected
result is a contested cell, shown as such, and no confident winner.
"""

import pytest

from recommender.verdicts import VerdictRequest, compute_and_store

pytestmark = pytest.mark.usefixtures("seeded")


def verdict_for(**answers) -> dict:
    answers = {q: c if isinstance(c, list) else [c] for q, c in answers.items()}
    return compute_and_store(VerdictRequest(answers=answers)).snapshot


def cell(snapshot: dict, criterion: str, framework: str) -> dict:
    reason = next(r for r in snapshot["reasons"] if r["criterion"] == criterion)
    return reason["cells"][framework]


RULES = [
    pytest.param(
        # 000: "If you have a bit of Python experience, you know exactly what you want, and it's a
        # fairly standard web application that involves displaying some content, storing some stuff
        # in a database, having users register, and having administrators be able to control what's
        # on the website: use Django."
        {
            "experience": "intermediate",
            "project": "content-site",
            "accounts": "yes",
            "admin": "yes",
            "database": "relational",
        },
        "django",
        id="000-standard-content-site-django",
    ),
    pytest.param(
        # 000: "If you want to learn more about the inner workings of your application ...: use
        # Flask." 003: "This makes Flask a great learning tool if you're brand new to web development".
        {"experience": "beginner", "project": "learning", "priority": "understand-internals"},
        "flask",
        id="000-003-beginner-who-wants-to-understand-flask",
    ),
    pytest.param(
        # 000: "If you want a lightweight application such as a REST API or an Internet of Things
        # application: use Flask."
        {"project": "iot"},
        "flask",
        id="000-iot-flask",
    ),
    pytest.param(
        # 001: "If your goal is to make a minimum viable product, Django's robust MTV system can help
        # you deploy quickly in web development."
        {"project": "mvp"},
        "django",
        id="001-mvp-django",
    ),
    pytest.param(
        # 003: "If you're looking for a job as a Python web developer, Django is the better choice."
        {"priority": "get-hired"},
        "django",
        id="003-job-seeker-django",
    ),
    pytest.param(
        # 001: "If you're interested in data science and don't require the features of a full web
        # framework in order to analyze and manipulate your data, then Flask might be a better fit".
        {"project": "data-science"},
        "flask",
        id="001-data-science-flask",
    ),
    pytest.param(
        # 001: "If you'd like a less bulky, more flexible Python framework and don't mind doing more to
        # set it all up, Flask could be a great choice." 000: "... want the freedom and flexibility to
        # program it in whatever way you see fit: use Flask."
        {"control": "full-control"},
        "flask",
        id="000-001-full-control-flask",
    ),
    pytest.param(
        # 003: Flask is popular with experts "who ... have very particular requirements that require
        # complete flexibility".
        {"experience": "experienced", "control": "full-control"},
        "flask",
        id="003-expert-with-particular-requirements-flask",
    ),
    pytest.param(
        # 001: "if you have a much more complex project, Flask might not have enough tools to help you
        # complete the project conveniently and quickly". 003: "A startup or company can run almost all
        # of their services just on Django".
        {"team": "large", "priority": "long-term"},
        "django",
        id="001-003-large-long-lived-project-django",
    ),
    pytest.param(
        # 003, Django's killer features: "Powerful built-in admin", "Security is a priority".
        {"admin": "yes", "security": "critical"},
        "django",
        id="003-admin-and-security-first-django",
    ),
]


@pytest.mark.parametrize(("answers", "expected"), RULES)
def test_a_visitor_the_articles_describe_gets_the_articles_verdict(answers, expected):
    snapshot = verdict_for(**answers)
    assert snapshot["winner"] == expected, (snapshot["leader"], snapshot["margin"], snapshot["confidence"])
    # The use-case rule the answer raises is among the reasons for the winner, not against it.
    reasons_for = [r["criterion"] for r in snapshot["reasons"] if r["contribution"] > 0]
    assert reasons_for, "a verdict with no reason in its favour"


def test_a_rule_on_thin_evidence_leans_its_way_without_overclaiming():
    """003, Flask's killer features: "If you need a non-relational database" (the list's heading is
    lost in the copy). Flask's own docs and FastAPI's agree; on Django only a rival's page speaks
    ("tightly coupled with relational databases"), so the verdict leans to Flask, and may say it is
    too close to call rather than claim more than a rival's word supports."""
    snapshot = verdict_for(database="non-relational")
    assert snapshot["leader"] == "flask"
    django = cell(snapshot, "fit-non-relational", "django")
    assert django["witnesses"] == ["rival"] and django["thin"]


CONTESTED = [
    pytest.param(
        # 000: "If you are a Python beginner: use Flask." 001: "If you're a relative beginner to Python
        # or to coding in general, Django is a great place to start".
        {"experience": "beginner"},
        "fit-learning",
        id="000-vs-001-beginners",
    ),
    pytest.param(
        # 000: "... such as a REST API ...: use Flask." 003: "Combined with Django REST Framework it can
        # quickly build powerful APIs, while Flask requires more work".
        {"project": "rest-api"},
        "fit-rest-api",
        id="000-vs-003-rest-apis",
    ),
]


@pytest.mark.parametrize(("answers", "criterion"), CONTESTED)
def test_where_the_articles_disagree_the_cell_is_contested_and_no_winner_is_confident(answers, criterion):
    snapshot = verdict_for(**answers)
    sides = [cell(snapshot, criterion, f) for f in (snapshot["leader"], snapshot["runner_up"])]
    assert any(side["contested"] for side in sides)
    assert all(side["sources"] >= 2 for side in sides if side["contested"])
    # Doubt about the evidence shows in the confidence: the verdict is too close to call, or the
    # winner it names holds in well under nine draws of the weights and the cells in ten.
    assert snapshot["winner"] is None or snapshot["confidence"] < 0.8


@pytest.mark.parametrize(("answers", "criterion"), CONTESTED)
def test_the_verdict_page_shows_the_disagreement(client, answers, criterion):
    snapshot_answers = {q: [c] for q, c in answers.items()}
    verdict = compute_and_store(VerdictRequest(answers=snapshot_answers))
    page = client.get(verdict.get_absolute_url()).content.decode()
    assert "sources disagree" in page or "contested" in page
