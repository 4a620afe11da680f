"""Two app servers on one PostgreSQL and one Redis act as one site: no stale evidence, no lost verdict.

Each keeps the evidence matrix in its own memory too; a write through one must change what the
other computes at once, because every reader checks the dataset version in the database first.
"""

import datetime

import pytest

from tests.services import Site, manage, prepare_database, production_environment

pytestmark = pytest.mark.services

ANSWERS = {"answers": {"experience": "experienced", "project": "content-site", "admin": "yes"}}

# An editor and a reviewer, each with an API token: the four-eyes rule needs two people.
CREATE_EDITORS = """
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
for name, role in [("edith", "Editor"), ("rita", "Reviewer")]:
    user = User.objects.create_user(name, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    print(Token.objects.create(user=user).key)
"""


@pytest.fixture(scope="module")
def sites(postgres, redis_server, tmp_path_factory):
    env = production_environment(postgres.url, redis_server.url, tmp_path_factory.mktemp("static"))
    prepare_database(env)
    editor_token, reviewer_token = manage(env, "shell", "-c", CREATE_EDITORS).split()[-2:]
    logs = tmp_path_factory.mktemp("gunicorn")
    with Site(env, logs / "first.log") as first, Site(env, logs / "second.log") as second:
        yield first, second, {"editor": editor_token, "reviewer": reviewer_token}


def publish_claim(site: Site, tokens: dict, source_title: str, **fields) -> dict:
    """A claim drafted and submitted by the editor, then published by the reviewer, all through `site`.

    The seed stored its sources' texts, so the quote must be verbatim in the source's."""
    source = site.get(f"/api/sources/?search={source_title}").json()["results"][0]["id"]
    draft = site.request("POST", "/api/claims/", {"source": source, **fields}, token=tokens["editor"])
    assert draft.status == 201, draft
    claim = draft.json()["id"]
    assert site.request("POST", f"/api/claims/{claim}/submit/", token=tokens["editor"]).status == 200
    published = site.request("POST", f"/api/claims/{claim}/publish/", token=tokens["reviewer"])
    assert published.status == 200 and published.json()["status"] == "published", published
    return published.json()


def score(verdict: dict, framework: str) -> float:
    return next(row["score"] for row in verdict["ranking"] if row["framework"] == framework)


def test_a_claim_published_through_one_server_changes_the_verdicts_of_the_other_at_once(sites):
    first, second, tokens = sites
    before = second.request("POST", "/api/recommendations/", ANSWERS)
    assert before.status == 201
    claim = publish_claim(
        first,
        tokens,
        "Flask-Admin",
        framework="flask",
        criterion="admin-interface",
        statement="Flask-Admin's README says it is an active, well-tested and production-ready project.",
        quote="Flask-Admin is an active project, well-tested and production-ready.",
        rating=5,
        as_of=(datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=1)).isoformat(),
    )
    # No wait: the second server's next verdict is computed on the new evidence.
    after = second.request("POST", "/api/recommendations/", ANSWERS)
    assert after.status == 201
    before, after = before.json(), after.json()
    assert after["dataset_version"] != before["dataset_version"] and after["id"] != before["id"]
    admin_claims = next(r["claims"] for r in after["reasons"] if r["criterion"] == "admin-interface")
    assert claim["id"] in {c["id"] for c in admin_claims if c["framework"] == "flask"}
    assert score(after, "flask") > score(before, "flask")
    assert second.get(f"/api/claims/{claim['id']}/").json()["quote"] == claim["quote"]
    assert claim["quote"] in second.get(f"/claims/{claim['id']}/").text


def test_a_verdict_made_by_one_server_is_served_by_the_other(sites):
    first, second, _ = sites
    made = first.request("POST", "/api/recommendations/", {**ANSWERS, "weights": {"orm": 9}})
    assert made.status == 201
    verdict = made.json()
    served = second.get(f"/api/recommendations/{verdict['id']}/")
    # The same frozen document; only its link names the server asked.
    assert served.status == 200 and {**served.json(), "url": ""} == {**verdict, "url": ""}
    page = second.get(f"/verdict/{verdict['id']}/")
    assert page.status == 200 and verdict["id"] in page.text
