"""What the claim, changes and compare pages and the feed say to machines: JSON-LD, Atom, CSV."""

import csv
import datetime
import io
from urllib.parse import urlsplit

import extruct
import feedparser
import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from criteria.models import Criterion
from frameworks.models import Claim, Source
from frameworks.views import CHANGES_PER_PAGE
from tests.factories import ClaimFactory, FrameworkFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


def json_ld(response) -> list[dict]:
    return extruct.extract(response.content.decode(), base_url="http://testserver/", syntaxes=["json-ld"])[
        "json-ld"
    ]


def has_null(value) -> bool:
    if isinstance(value, dict):
        return any(has_null(v) for v in value.values())
    if isinstance(value, list):
        return any(has_null(v) for v in value)
    return value is None


def test_a_claim_page_describes_a_review_of_the_framework(client):
    framework = FrameworkFactory(name="Flask", current_version="3.1.3", homepage="https://flask.example/")
    source = SourceFactory(
        title="Flask documentation: Quickstart",
        author="Pallets",
        publisher="Flask documentation",
        kind=Source.Kind.OFFICIAL_DOCS,
        url="https://flask.example/quickstart/",
        published_on=datetime.date(2024, 5, 3),
    )
    claim = ClaimFactory(
        framework=framework, source=source, rating=4, quote="Use ``flask run`` to start </script> it."
    )
    [review] = json_ld(client.get(f"/claims/{claim.pk}/?reported=1"))
    assert review["@type"] == "Review"
    assert review["url"] == f"http://testserver/claims/{claim.pk}/"
    assert review["itemReviewed"] == {
        "@type": "SoftwareApplication",
        "name": "Flask",
        "applicationCategory": "DeveloperApplication",
        "softwareVersion": "3.1.3",
        "url": "https://flask.example/",
    }
    assert review["reviewAspect"] == claim.criterion.name
    assert review["reviewRating"] == {"@type": "Rating", "ratingValue": 4, "bestRating": 5, "worstRating": 1}
    assert review["reviewBody"] == "Use flask run to start </script> it."
    assert review["author"] == {"@type": "Organization", "name": "Pallets"}
    assert review["publisher"] == {"@type": "Organization", "name": "Flask documentation"}
    assert review["datePublished"] == "2024-05-03"
    cited = {"@type": "CreativeWork", "name": source.title, "url": source.url}
    assert review["isBasedOn"] == cited and review["citation"] == cited


def test_unknown_facts_are_left_out_of_the_json_ld_never_null(client):
    framework = FrameworkFactory(slug="tiny", homepage="", current_version="")
    source = SourceFactory(author="", publisher="", url="", published_on=None)
    claim = ClaimFactory(framework=framework, source=source)
    response = client.get(f"/claims/{claim.pk}/?reported=1")
    [review] = json_ld(response)
    assert not has_null(review)
    assert "datePublished" not in review and "author" not in review and "publisher" not in review
    assert review["isBasedOn"] == {"@type": "CreativeWork", "name": source.title}
    assert review["itemReviewed"]["url"] == "http://testserver/frameworks/tiny/"
    assert "softwareVersion" not in review["itemReviewed"]
    assert f'<link rel="canonical" href="http://testserver/claims/{claim.pk}/">' in response.content.decode()


def test_an_article_is_written_by_a_person(client):
    claim = ClaimFactory(source=SourceFactory(author="Ankit Sridhar", kind=Source.Kind.ARTICLE))
    [review] = json_ld(client.get(f"/claims/{claim.pk}/"))
    assert review["author"] == {"@type": "Person", "name": "Ankit Sridhar"}


def retire(claim: Claim, why: str) -> None:
    claim.retire(UserFactory(), why)
    claim.save()


def test_a_retired_claim_keeps_its_page_saying_why_and_leaves_the_lists(client):
    claim = ClaimFactory(statement="Once true.")
    retire(claim, "The quote does not support the rating.")
    page = client.get(f"/claims/{claim.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "This claim is retired" in text and "Why: The quote does not support the rating." in text
    assert "Report a problem" not in text
    assert "Claim retired: The quote does not support the rating." in client.get("/changes/").content.decode()
    assert "Once true." not in client.get(f"/frameworks/{claim.framework.slug}/").content.decode()
    assert client.post(f"/claims/{claim.pk}/report/", {"message": "x"}).status_code == 404


@pytest.mark.parametrize("status", [Claim.Status.DRAFT, Claim.Status.IN_REVIEW, Claim.Status.WITHDRAWN])
def test_unreviewed_claims_have_no_public_page(client, status):
    assert client.get(f"/claims/{ClaimFactory(status=status).pk}/").status_code == 404


def test_the_feed_names_entries_for_good_and_every_link_answers(client):
    for claim in ClaimFactory.create_batch(3):
        claim.statement += " Edited."
        claim.save()
    retire(claim, "Overtaken.")
    ClaimFactory(status=Claim.Status.DRAFT)
    feed = feedparser.parse(client.get("/changes/feed/").content)
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 7  # three published, three edited, one retired
    assert feed.feed.id.startswith("tag:testserver,")
    assert {link.rel: link.href for link in feed.feed.links} == {
        "alternate": "http://testserver/changes/",
        "self": "http://testserver/changes/feed/",
    }
    assert len({entry.id for entry in feed.entries}) == 7
    for entry in feed.entries:
        assert entry.id.startswith("tag:testserver,2025-01-01:claim/")
        assert urlsplit(entry.link).scheme == "http"
        assert client.get(entry.link).status_code == 200, entry.link
    assert client.get(feed.feed.link).status_code == 200


def test_changes_page_through_all_history(client):
    claims = ClaimFactory.create_batch(CHANGES_PER_PAGE + 5)
    first = client.get("/changes/").content.decode()
    assert 'rel="next"' in first and "Page 1 of 2" in first and 'rel="prev"' not in first
    second = client.get("/changes/", {"page": 2}).content.decode()
    assert 'rel="prev"' in second and 'rel="next"' not in second
    shown = [c.pk for c in claims if reverse("frameworks:claim", args=[c.pk]) + '"' in first + second]
    assert shown == [c.pk for c in claims]


# Not "page": that name is the browser page fixture, which would make this a browser test.
@pytest.mark.parametrize("number", ["999", "abc", "0", "-1", "1.5"])
def test_pages_of_changes_that_do_not_exist_are_not_found(client, number):
    ClaimFactory()
    assert client.get("/changes/", {"page": number}).status_code == 404


def test_dates_print_one_way_and_times_without_microseconds(client):
    source = SourceFactory(accessed_on=datetime.date(2019, 12, 17), revised_on=datetime.date(2020, 1, 2))
    claim = ClaimFactory(source=source, as_of=datetime.date(2021, 3, 4))
    source_page = client.get(f"/sources/{source.pk}/").content.decode()
    assert "17 December 2019" in source_page and "2 January 2020" in source_page
    assert "Dec. 17, 2019" not in source_page
    claim_page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "4 March 2021" in claim_page
    for page in (claim_page, client.get("/changes/").content.decode()):
        when = page.split('<time datetime="')[1].split('"')[0]
        assert datetime.datetime.fromisoformat(when).microsecond == 0
        assert len(when) == len("2026-01-01T00:00:00+00:00"), when


def test_quotes_show_without_their_markup(client):
    claim = ClaimFactory(quote="Set :setting:`DEBUG` to ``False`` and read :doc:`the docs </topics/x>`.")
    for url in (
        f"/claims/{claim.pk}/",
        f"/frameworks/{claim.framework.slug}/",
        f"/sources/{claim.source_id}/",
    ):
        assert "“Set DEBUG to False and read the docs.”" in client.get(url).content.decode(), url
    assert Claim.objects.get(pk=claim.pk).quote.startswith("Set :setting:`DEBUG`")


@pytest.mark.usefixtures("seeded")
def test_compare_csv_names_the_claims_behind_each_cell(client):
    response = client.get("/compare/", {"frameworks": "flask,django", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    published = set(Claim.objects.published().values_list("id", flat=True))
    seen = set()
    for row in rows:
        for name in ("Flask", "Django"):
            ids = {int(i) for i in row[f"{name} claim ids"].split()}
            assert ids <= published
            assert bool(ids) or row[f"{name} rating"] == ""
            seen |= ids
    orm = next(row for row in rows if row["criterion"] == Criterion.objects.get(slug="orm").name)
    expected = Claim.objects.published().filter(framework__slug="django", criterion__slug="orm")
    assert {int(i) for i in orm["Django claim ids"].split()} == set(expected.values_list("id", flat=True))
    assert seen


def test_pages_link_the_favicon_and_it_is_served(client, settings):
    # WhiteNoise serves collected files in production; here it finds them as collectstatic would.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    page = client.get("/frameworks/").content.decode()
    assert '<link rel="icon" type="image/svg+xml" href="/static/img/favicon.svg">' in page
    assert finders.find("img/favicon.svg")
    icon = client.get("/static/img/favicon.svg")
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content if icon.streaming else [icon.content])
