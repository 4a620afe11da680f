"""Every main page and endpoint runs in a number of SQL queries that does not grow with the data."""

import pytest
from django.core.cache import cache

from criteria.models import Criterion
from frameworks import synthetic
from frameworks.models import Claim, Framework, Source
from infrastructure.versioned_cache import forget_in_process
from recommender.verdicts import VerdictRequest, compute_and_store
from tests.pages import resolve_page

pytestmark = pytest.mark.usefixtures("seeded")

ANSWERS = {"experience": "experienced", "project": "content-site", "admin": "yes"}

# (method, path, budget). The budgets hold with a cold cache; warm, most pages need one. A stored
# verdict's insert runs inside a savepoint (two statements) so that a duplicate finds the first.
# Posts count against the shared rate limit, in the database without Redis: one upsert, and at a
# window's first post one delete of the counters whose windows are over.
BUDGETS = [
    ("get", "/", 0),
    ("get", "/questionnaire/", 4),
    ("post", "/questionnaire/", 13),
    ("get", "verdict", 2),
    ("get", "weights", 1),
    ("get", "/compare/?frameworks=flask,django", 6),
    ("get", "/frameworks/django/", 6),
    ("get", "/criteria/orm/", 6),
    ("get", "claim", 6),
    ("get", "/code/", 3),
    ("get", "/api/frameworks/", 4),
    ("get", "/api/criteria/", 4),
    ("get", "/api/sources/", 4),
    ("get", "/api/claims/?framework=django", 4),
    ("get", "/api/questions/", 6),
    ("get", "/api/matrix/?frameworks=flask,django", 4),
    ("get", "/api/snippets/?framework=flask", 4),
    ("post", "/api/recommendations/", 15),
]


def grow_the_dataset() -> None:
    """Five times the frameworks, seven times the criteria, thirty times the claims, all visible."""
    synthetic.generate(frameworks=30, criteria=100, claims=3000)
    for model in (Framework, Criterion, Source, Claim):
        model.everything.update(is_synthetic=False)
    cache.clear()
    forget_in_process()


@pytest.mark.parametrize("size", ["seed", "generated"])
@pytest.mark.parametrize(("method", "path", "budget"), BUDGETS, ids=[f"{m} {p}" for m, p, _ in BUDGETS])
def test_queries_stay_within_budget_at_any_size(
    client, django_assert_max_num_queries, size, method, path, budget
):
    if size == "generated":
        grow_the_dataset()
        assert Claim.objects.published().count() > 3000
    path = resolve_page(path)
    with django_assert_max_num_queries(budget):
        if method == "get":
            response = client.get(path)
        elif path.startswith("/api/"):
            response = client.post(path, {"answers": ANSWERS}, content_type="application/json")
        else:
            response = client.post(path, ANSWERS)
    assert response.status_code in {200, 201, 302}


@pytest.mark.parametrize("size", ["seed", "generated"])
def test_a_re_run_verdict_page_says_what_changed_within_budget(client, django_assert_max_num_queries, size):
    """The version, the verdict joined to the one it re-ran, and why claims left: one query for all."""
    if size == "generated":
        grow_the_dataset()
    old = compute_and_store(VerdictRequest(answers={slug: [choice] for slug, choice in ANSWERS.items()}))
    counted = [i for r in old.snapshot["reasons"] for c in r["cells"].values() for i in c["scored_ids"]]
    Claim.objects.filter(pk__in=counted[:5]).update(status=Claim.Status.RETIRED, retired_reason="Overtaken.")
    response = client.post(f"{old.get_absolute_url()}rerun/")
    with django_assert_max_num_queries(3):
        page = client.get(response.url).content.decode()
    assert "What changed since" in page and page.count(": retired.") == 5
