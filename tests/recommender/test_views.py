import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from frameworks.models import Claim
from infrastructure.page_cache import CSRF_SLOT
from recommender import presentation, scoring
from recommender.models import Verdict
from tests.factories import ClaimFactory, CriterionFactory

pytestmark = pytest.mark.django_db
SEEDED = pytest.mark.usefixtures("seeded")
SMALL = pytest.mark.usefixtures("small_dataset")

QUESTIONNAIRE = reverse("recommender:questionnaire")
CONTENT_SITE = {
    "experience": "experienced",
    "project": "content-site",
    "accounts": "yes",
    "admin": "yes",
    "database": "relational",
}


def submit(client, answers):
    response = client.post(QUESTIONNAIRE, answers)
    assert response.status_code == 302, response.content.decode()[:500]
    return Verdict.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])


@SMALL
def test_home_says_what_the_site_is_and_leads_to_the_questionnaire(client):
    page = client.get("/").content.decode()
    assert "Flask or Django?" in page and f'href="{QUESTIONNAIRE}"' in page


@SEEDED
def test_questionnaire_is_one_form_of_fieldsets_named_by_slug(client):
    page = client.get(QUESTIONNAIRE).content.decode()
    for slug in [
        "experience",
        "project",
        "priority",
        "admin",
        "accounts",
        "database",
        "async",
        "control",
        "team",
        "security",
        "realtime",
        "maintenance",
        "forms",
    ]:
        assert f'name="{slug}"' in page
    assert page.count("<fieldset") == 13 and page.count("<legend>") == 13
    assert 'value="content-site"' in page and 'value="understand-internals"' in page


@SMALL
def test_a_link_opens_the_questionnaire_prefilled(client):
    page = client.get(QUESTIONNAIRE, {"experience": "beginner", "project": "rest-api"}).content.decode()
    assert re.search(r'value="beginner"[^>]*checked', page)
    assert re.search(r'value="rest-api"[^>]*checked', page)
    assert not re.search(r'value="iot"[^>]*checked', page)


@SEEDED
def test_submitting_stores_a_verdict_and_redirects_to_it(client):
    verdict = submit(client, CONTENT_SITE)
    assert verdict.answers == {k: [v] for k, v in CONTENT_SITE.items()}
    assert verdict.snapshot["winner"] == "django"


@SMALL
@pytest.mark.parametrize("post", [{}, {"experience": "", "project": "", "admin": ""}])
def test_an_unanswered_questionnaire_uses_the_default_weights(client, post):
    # A browser posts the checked "No answer" radio as an empty value.
    verdict = submit(client, post)
    assert verdict.answers == {}
    defaults = {slug: c["default_weight"] for slug, c in verdict.snapshot["criteria"].items()}
    assert verdict.snapshot["weights"] == defaults


@SMALL
@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"colour": "blue"}, "There is no question &#x27;colour&#x27;"),
        ({"experience": "wizard"}, "&#x27;wizard&#x27; is not a choice of this question"),
        ({"experience": ["beginner", "experienced"]}, "Choose one answer only."),
        ({"priority": ["get-hired", "nonsense"]}, "&#x27;nonsense&#x27; is not a choice"),
    ],
)
def test_a_tampered_post_re_renders_the_form_with_errors_and_400(client, post, message):
    response = client.post(QUESTIONNAIRE, post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Verdict.objects.exists()


@SMALL
def test_several_priorities_may_be_ticked(client):
    verdict = submit(client, {"priority": ["get-hired", "long-term"]})
    assert verdict.answers == {"priority": ["get-hired", "long-term"]}


@SEEDED
def test_preview_scores_without_storing(client):
    response = client.post(
        reverse("recommender:preview"),
        {"project": "iot", "database": "non-relational", "control": "full-control"},
    )
    assert response.status_code == 200
    assert 'data-winner="flask"' in response.content.decode()
    assert not Verdict.objects.exists()
    assert client.post(reverse("recommender:preview"), {"experience": "wizard"}).status_code == 400


@SEEDED
def test_verdict_page_shows_headline_reasons_evidence_flips_weights_and_share_link(client):
    verdict = submit(client, CONTENT_SITE)
    page = client.get(verdict.get_absolute_url()).content.decode()
    assert 'data-winner="django"' in page
    assert "Django fits you best" in page and "Confidence" in page and "Margin" in page
    # Why: the decisive criterion, its weight, both sides' ratings and a quoted, cited claim.
    top = verdict.snapshot["reasons"][0]
    assert escape(verdict.snapshot["criteria"][top["criterion"]]["name"]) in page
    assert f"Weight {top['weight']:.0f}." in page
    decisive = Claim.objects.get(pk=top["cells"]["django"]["claim_ids"][0])
    assert escape(decisive.statement) in page and escape(decisive.quote) in page
    assert escape(decisive.source.title) in page
    assert f'href="/claims/{decisive.pk}/"' in page
    assert "sources disagree" in page and "independent source" in page
    # The chart, with a text equivalent.
    assert "<svg" in page and "<desc" in page
    assert "Admin back-office: 10 (default" in page  # the weights the answers moved
    assert reverse("recommender:weights", args=[verdict.id]) in page
    assert "Also worth a look" in page and "FastAPI" in page
    assert f"http://testserver{verdict.get_absolute_url()}" in page


@SMALL
def test_too_close_to_call_leaves_the_winner_empty(client):
    verdict = submit(client, {})
    verdict.snapshot.update(winner=None)
    verdict.save()
    page = client.get(verdict.get_absolute_url()).content.decode()
    assert 'data-winner=""' in page and "Too close to call" in page


@SEEDED
def test_editing_a_weight_gives_a_new_verdict(client):
    verdict = submit(client, CONTENT_SITE)
    weights = {slug: int(w) for slug, w in verdict.snapshot["weights"].items()}
    response = client.post(
        reverse("recommender:weights", args=[verdict.id]), {**weights, "admin-interface": 0}
    )
    assert response.status_code == 302
    again = Verdict.objects.exclude(pk=verdict.pk).get()
    assert again.snapshot["weights"]["admin-interface"] == 0
    assert again.answers == verdict.answers


@SMALL
def test_a_weight_outside_0_to_10_is_refused_with_400(client):
    verdict = submit(client, {})
    weights = {slug: int(w) for slug, w in verdict.snapshot["weights"].items()}
    response = client.post(reverse("recommender:weights", args=[verdict.id]), {**weights, "orm": 11})
    assert response.status_code == 400
    assert "less than or equal to 10" in response.content.decode()
    assert Verdict.objects.count() == 1


@SEEDED
def test_changed_evidence_offers_a_re_run_and_the_page_stays_frozen(client):
    verdict = submit(client, CONTENT_SITE)
    assert "The evidence has changed" not in client.get(verdict.get_absolute_url()).content.decode()
    claim = Claim.objects.get(pk=verdict.snapshot["reasons"][0]["cells"]["django"]["claim_ids"][0])
    claim.statement = "Edited after the verdict."
    claim.save()
    page = client.get(verdict.get_absolute_url()).content.decode()
    assert "The evidence has changed" in page and "Edited after the verdict." not in page
    response = client.post(reverse("recommender:rerun", args=[verdict.id]))
    rerun = Verdict.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])
    assert "Edited after the verdict." in client.get(rerun.get_absolute_url()).content.decode()


def test_an_unknown_verdict_is_a_404(client):
    assert client.get("/verdict/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_methodology_is_rendered_from_the_scoring_constants(client):
    page = client.get(reverse("recommender:methodology")).content.decode()
    assert f"{scoring.SAMPLES} times" in page
    assert f"±{scoring.PERTURBATION:.0f}" in page
    assert f"under {scoring.MARGIN_BAR:.0f} points" in page
    assert f"{round(scoring.CONFIDENCE_BAR * 100)}%" in page


@SEEDED
@pytest.mark.parametrize("extra_claims", [0, 200])
def test_verdict_page_and_questionnaire_post_use_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, extra_claims
):
    if extra_claims:
        flask = Claim.objects.filter(framework__slug="flask").first()
        ClaimFactory.create_batch(extra_claims, framework=flask.framework, criterion=flask.criterion)
    with django_assert_max_num_queries(4):
        assert client.get(QUESTIONNAIRE).status_code == 200
    with django_assert_max_num_queries(11):
        response = client.post(QUESTIONNAIRE, CONTENT_SITE)
    verdict = Verdict.objects.get()
    assert response.url == verdict.get_absolute_url()
    # The first view renders from the snapshot: the verdict itself, and the dataset version.
    with django_assert_max_num_queries(2):
        assert client.get(verdict.get_absolute_url()).status_code == 200


def without_token(page: str) -> str:
    """The page with its CSRF token blanked: the token is masked afresh on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


@SEEDED
def test_a_cached_verdict_page_costs_one_query_and_never_reads_the_claims(client, django_assert_num_queries):
    verdict = submit(client, CONTENT_SITE)
    first = client.get(verdict.get_absolute_url()).content.decode()
    Verdict.objects.filter(pk=verdict.pk).update(snapshot={})  # were it read again, the page would break
    with django_assert_num_queries(1) as captured:
        again = client.get(verdict.get_absolute_url()).content.decode()
    assert "tableversion" in captured.captured_queries[0]["sql"]  # the dataset version, for the notice
    assert without_token(again) == without_token(first) and 'data-winner="django"' in again


@SEEDED
def test_a_verdict_page_without_a_form_sets_no_cookie(client):
    # Adding a framework to the comparison is asked on a page of its own, so this one has no form.
    verdict = submit(Client(), CONTENT_SITE)
    for _ in range(2):  # rendered, then from the cache
        response = Client().get(verdict.get_absolute_url())
        assert response.status_code == 200 and not response.cookies
        assert "<form" not in response.content.decode()


@SEEDED
def test_each_visitor_gets_their_own_working_csrf_token_on_a_cached_verdict_page(client):
    verdict = submit(client, CONTENT_SITE)
    Claim.objects.filter(seed_key="django-admin-generated").update(statement="Edited since.")
    client.get(verdict.get_absolute_url())  # cached now, with the re-run form
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(verdict.get_absolute_url()).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        tokens.append(token)
        url = reverse("recommender:rerun", args=[verdict.id])
        assert visitor.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert CSRF_SLOT not in page and tokens[0] != tokens[1]


@SEEDED
def test_a_long_verdict_explains_the_deciding_criteria_in_full_and_tables_the_rest(client):
    flask = Claim.objects.filter(framework__slug="flask").first()
    for index in range(presentation.REASONS_FOR + 3):
        criterion = CriterionFactory(name=f"Extra criterion {index}", default_weight=5)
        for framework, rating in (
            (flask.framework, 1),
            (Claim.objects.get(seed_key="django-admin-generated").framework, 5),
        ):
            ClaimFactory.create_batch(
                presentation.CLAIMS_PER_SIDE + 2, framework=framework, criterion=criterion, rating=rating
            )
    verdict = submit(client, CONTENT_SITE)
    page = client.get(verdict.get_absolute_url()).content.decode()
    reasons = verdict.snapshot["reasons"]
    assert page.count('<article class="reason"') == presentation.REASONS_FOR + presentation.REASONS_AGAINST
    table = page[page.index('<table class="other-reasons">') :]
    explained = page[: page.index('<table class="other-reasons">')]
    for reason in reasons:
        name = escape(verdict.snapshot["criteria"][reason["criterion"]]["name"])
        tabled = f'/criteria/{reason["criterion"]}/">{name}</a>' in table
        assert tabled != (f'id="reason-{reason["criterion"]}"' in explained)
    assert f"And {2} more claims, quoted on the comparison page." in page
    assert "?frameworks=django,flask" in table


@SEEDED
def test_the_reasons_in_full_are_the_largest_for_and_against_never_a_weight_of_0(client):
    verdict = submit(client, {"project": "iot"})
    page = client.get(verdict.get_absolute_url()).content.decode()
    explained = page[: page.index('<table class="other-reasons">')]
    reasons = verdict.snapshot["reasons"]
    against = min(reasons, key=lambda r: r["contribution"])
    assert against["contribution"] < 0 and f'id="reason-{against["criterion"]}"' in explained
    assert f'id="reason-{reasons[0]["criterion"]}"' in explained
    for reason in reasons:
        if reason["weight"] == 0:
            assert f'id="reason-{reason["criterion"]}"' not in explained


@SEEDED
def test_the_weights_page_offers_every_criterion_and_refuses_bad_weights(client):
    verdict = submit(client, CONTENT_SITE)
    url = reverse("recommender:weights", args=[verdict.id])
    page = client.get(url).content.decode()
    for slug in verdict.snapshot["weights"]:
        assert f'name="{slug}"' in page
    assert 'value="10"' in page and verdict.get_absolute_url() in page
    refused = client.post(url, {slug: "many" for slug in verdict.snapshot["weights"]})
    assert refused.status_code == 400 and "whole number from 0 to 10" in refused.content.decode()


@SMALL
def test_when_every_framework_fails_a_must_have_the_page_says_so(client):
    Claim.objects.filter(criterion__slug="async-support", framework__slug="django").update(rating=1)
    verdict = submit(client, {"async": "yes"})
    page = client.get(verdict.get_absolute_url()).content.decode()
    assert verdict.snapshot["leader"] is None
    assert "None of the compared frameworks meets your must-haves" in page and 'data-winner=""' in page


def test_pages_that_do_not_exist_get_the_site_s_own_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert (
        "Page not found" in response.content.decode()
        and "Start a new questionnaire" in response.content.decode()
    )


@pytest.mark.parametrize("method", ["put", "delete"])
def test_wrong_methods_are_refused_not_crashed(client, method):
    assert getattr(client, method)(QUESTIONNAIRE).status_code == 405


@SEEDED
def test_a_verdict_stored_before_witnesses_and_scopes_still_renders(client, api):
    verdict = submit(client, CONTENT_SITE)
    snapshot = verdict.snapshot
    del snapshot["schema"]  # stored before snapshots had a schema number
    for ranked in snapshot["ranking"] + snapshot["also_worth_a_look"]:
        del ranked["lacks_evidence"]
    for reason in snapshot["reasons"]:
        for cell in reason["cells"].values():
            for key in ("witnesses", "scored_ids", "thin", "only_own_word", "undated"):
                del cell[key]
    for claim in snapshot["claims"].values():
        for key in ("undated", "witness", "applies_to", "out_of_scope"):
            del claim[key]
    Verdict.objects.filter(pk=verdict.pk).update(snapshot=snapshot)
    cache.clear()
    assert client.get(verdict.get_absolute_url()).status_code == 200
    body = api.get(f"/api/recommendations/{verdict.id}/").json()
    assert body["ranking"][0]["lacks_evidence"] is False and body["reasons"][0]["claims"][0]["witness"] == ""
