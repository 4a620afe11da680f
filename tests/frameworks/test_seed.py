import html
import io
import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from criteria.models import Criterion
from dataset.management.commands.seed import DEFAULT_SOURCES_DIR
from frameworks.models import Claim, Framework, Source, SourceText
from frameworks.quote_location import locate
from frameworks.seeding import SEED_DIR

pytestmark = pytest.mark.django_db

needs_sources = pytest.mark.skipif(
    not DEFAULT_SOURCES_DIR.is_dir(), reason=f"the source documents are not at {DEFAULT_SOURCES_DIR}"
)
REQUIRED_CRITERIA = {
    "ease-of-learning",
    "built-in-features",
    "flexibility",
    "orm",
    "admin-interface",
    "security",
    "async-support",
    "rest-api-tooling",
    "performance",
    "community-docs",
    "job-market",
    "lightweight",
    "project-structure",
    "large-apps",
}
USE_CASES = {
    "fit-content-site",
    "fit-learning",
    "fit-understanding",
    "fit-rest-api",
    "fit-iot",
    "fit-mvp",
    "fit-data-science",
    "fit-non-relational",
}


def seed(**options):
    call_command("seed", stdout=io.StringIO(), **options)


def everything():
    """A comparable picture of every seeded row, with the number of history rows behind it."""
    return {
        model.__name__: sorted((str(row.pk), str(row), row.history.count()) for row in model.objects.all())
        for model in (Criterion, Framework, Source, Claim)
    }


@needs_sources
def test_every_seeded_quote_is_verbatim_in_its_source_document():
    sources = {s["slug"]: s["file"] for s in json.loads((SEED_DIR / "sources.json").read_text())}
    checked = 0
    for path in sorted((SEED_DIR / "claims").glob("*.json")):
        document = (DEFAULT_SOURCES_DIR / sources[path.stem]).read_text(encoding="utf-8")
        for claim in json.loads(path.read_text()):
            assert locate(claim["quote"], document) is not None, f"{path.name}: {claim['key']}"
            checked += 1
    assert checked >= 150


@needs_sources
def test_every_seeded_source_is_a_catalogue_entry_with_its_address_licence_and_dates():
    seed()
    catalogue = {
        entry["file"]: entry
        for entry in json.loads((DEFAULT_SOURCES_DIR / "catalogue.json").read_text())["sources"]
    }
    shipped = json.loads((SEED_DIR / "sources.json").read_text())
    # The seed cites a subset of the library: titles repeat across publishers, files do not.
    assert len(shipped) == Source.objects.count() < len(catalogue)
    assert len({record["file"] for record in shipped}) == len(shipped)
    for record in shipped:
        entry, source = catalogue[record["file"]], Source.objects.get(slug=record["slug"])
        assert (source.title, source.kind, source.author or None, source.publisher or None) == (
            entry["title"],
            entry["kind"],
            entry["author"],
            entry["publisher"],
        )
        assert source.url == (entry["url"] or "") and source.licence == (entry.get("license") or "")
        assert source.accessed_on.isoformat() == entry["accessed"]
        assert (source.revised_on.isoformat() if source.revised_on else None) == entry.get("revised")
        if entry["published"] is None:
            assert source.published_on is None and source.published_display == "undated"
        docs_of = record["file"].split("/")[1] if record["file"].startswith("docs/") else None
        assert (source.speaks_for_id is None) == (docs_of is None)


def test_seed_holds_the_dataset_the_site_needs():
    seed()
    featured = set(Framework.objects.filter(is_featured=True).values_list("slug", flat=True))
    assert featured == {"flask", "django"}
    assert {"fastapi", "tornado", "aiohttp", "sanic", "masonite"} <= set(
        Framework.objects.values_list("slug", flat=True)
    )
    assert set(Criterion.objects.values_list("slug", flat=True)) >= REQUIRED_CRITERIA | USE_CASES
    assert not Criterion.objects.filter(rubric_low="") and not Criterion.objects.filter(rubric_high="")
    assert set(Criterion.objects.filter(default_weight=0).values_list("slug", flat=True)) == USE_CASES

    published = Claim.objects.published()
    assert published.count() >= 150
    ratings = defaultdict(list)
    for framework, criterion, rating in published.values_list("framework__slug", "criterion__slug", "rating"):
        ratings[framework, criterion].append(rating)
    for framework in ("flask", "django"):
        for criterion in REQUIRED_CRITERIA:
            assert ratings[framework, criterion], f"no claim for {framework} x {criterion}"
    for criterion in USE_CASES:
        assert ratings["flask", criterion] or ratings["django", criterion], f"no rule for {criterion}"
    assert published.filter(framework__slug="fastapi").count() >= 5
    # The sources disagree on whether beginners should start with Flask or Django: both sides are kept.
    for framework in ("flask", "django"):
        assert max(ratings[framework, "fit-learning"]) - min(ratings[framework, "fit-learning"]) >= 2
    assert Claim.objects.filter(status=Claim.Status.RETIRED).exists()


def test_every_seeded_scope_is_a_specifier_and_the_2019_synchronous_flask_claim_is_history():
    seed()
    for claim in Claim.objects.all():
        claim.full_clean()
    old = Claim.objects.get(seed_key="pros-cons-2019-flask-async")
    assert old.applies_to == "<2.0" and not old.in_scope
    assert "Flask is at 3.1.3" in old.scope_note


def test_a_retired_seed_claim_says_why_in_full_on_its_page(client):
    seed()
    [record] = [
        record
        for record in json.loads((SEED_DIR / "claims" / "flask-docs-quickstart.json").read_text())
        if record["key"] == "flask-quickstart-minimal-app"
    ]
    whole = record["retired_reason"]
    assert len(whole) > 100  # longer than a history record's reason could hold
    retired = Claim.objects.get(seed_key="flask-quickstart-minimal-app")
    assert (retired.status, retired.retired_reason) == (Claim.Status.RETIRED, whole)
    assert retired.history.first().retired_reason == whole
    assert html.escape(whole) in client.get(f"/claims/{retired.pk}/").content.decode()


def test_seeding_twice_changes_nothing():
    seed()
    before = everything()
    seed()
    assert everything() == before


def test_seeding_never_overwrites_what_editors_changed():
    seed()
    claim = Claim.objects.get(seed_key="flask-async-await-views")
    claim.statement = "An editor rewrote this."
    claim.save()
    Framework.objects.filter(slug="flask").update(summary="An editor's summary.")
    seed()
    assert Claim.objects.get(pk=claim.pk).statement == "An editor rewrote this."
    assert Framework.objects.get(slug="flask").summary == "An editor's summary."


@pytest.fixture
def broken_data(tmp_path) -> Path:
    data = tmp_path / "seed"
    shutil.copytree(SEED_DIR, data)
    return data


def break_claim(data: Path, claim_key: str, **changes) -> None:
    for path in (data / "claims").glob("*.json"):
        claims = json.loads(path.read_text())
        for claim in claims:
            if claim["key"] == claim_key:
                claim.update(changes)
                path.write_text(json.dumps(claims))
                return
    raise AssertionError(f"no claim {claim_key}")


def test_a_broken_record_is_named_and_nothing_is_loaded(broken_data):
    break_claim(broken_data, "flask-async-await-views", rating=7)
    with pytest.raises(CommandError, match=r"'flask-async-await-views'.*rating.*less than or equal to 5"):
        seed(data_dir=broken_data)
    assert not Claim.objects.exists() and not Framework.objects.exists() and not Source.objects.exists()


@needs_sources
def test_a_quote_missing_from_its_source_is_refused_naming_the_claim(broken_data):
    break_claim(broken_data, "flask-async-await-views", quote="Flask was written in Rust.")
    with pytest.raises(
        CommandError, match=r"'flask-async-await-views'.*quote is not in docs/flask/async-await.rst"
    ):
        seed(data_dir=broken_data)
    assert not Claim.objects.exists()


@needs_sources
def test_a_misquote_is_refused_showing_the_passage_it_nearly_matches(broken_data):
    words = "Routes, error handlers, before request, after request, and teardown functions can all be"
    break_claim(broken_data, "flask-async-await-views", quote=f"{words} async")
    with pytest.raises(CommandError, match=f"The nearest passage there: '{words} coroutine'"):
        seed(data_dir=broken_data)


def test_without_the_source_documents_the_seed_still_loads(tmp_path, monkeypatch):
    monkeypatch.setattr("dataset.management.commands.seed.DEFAULT_SOURCES_DIR", tmp_path / "absent")
    seed()
    assert Claim.objects.published().count() >= 200
    # The seed data carries where each quote was found: a user's clone shows it in context too.
    assert not Claim.objects.published().filter(quote_exact="").exists()
    assert not SourceText.objects.exists()


@needs_sources
def test_the_seed_check_and_the_check_on_saving_agree_on_every_quote():
    seed()
    recorded = {
        record["key"]: tuple(record[f"quote_{part}"] for part in ("prefix", "exact", "suffix"))
        for path in (SEED_DIR / "claims").glob("*.json")
        for record in json.loads(path.read_text())
    }
    # Loaded with the documents beside it, the seed stores them, and saving each claim located its
    # quote there afresh: the same place as the seed data records.
    assert SourceText.objects.count() == Source.objects.count()
    located = {
        claim.seed_key: (claim.quote_prefix, claim.quote_exact, claim.quote_suffix)
        for claim in Claim.objects.all()
    }
    assert located == recorded
    assert Claim.objects.published().count() >= 200
    assert not Claim.objects.filter(quote_exact="").exists()


@needs_sources
def test_a_recorded_location_out_of_date_is_refused_and_written_again_on_request(broken_data):
    break_claim(broken_data, "flask-async-await-views", quote_prefix="Somewhere else ")
    with pytest.raises(CommandError, match="'flask-async-await-views': its recorded quote location"):
        seed(data_dir=broken_data)
    out = io.StringIO()
    call_command("seed", data_dir=broken_data, write_quote_locations=True, stdout=out)
    assert "1 changed" in out.getvalue()
    seed(data_dir=broken_data)
    assert Claim.objects.get(seed_key="flask-async-await-views").quote_prefix != "Somewhere else "


def test_a_sources_dir_that_does_not_exist_is_an_error_not_a_silent_skip(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        seed(sources_dir=tmp_path / "typo")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key": ""}, "every claim needs a"),
        ({"framework": "rails"}, "unknown framework or criterion 'rails'"),
        ({"colour": "blue"}, "unexpected keyword arguments: 'colour'"),
        ({"superseded_by": "no-such-claim"}, "superseded by unknown 'no-such-claim'"),
    ],
)
def test_a_structurally_broken_claim_is_named_and_nothing_is_loaded(broken_data, change, message):
    break_claim(broken_data, "flask-async-await-views", **change)
    with pytest.raises(CommandError, match=message):
        seed(data_dir=broken_data)
    assert not Claim.objects.exists()


@needs_sources
def test_a_blank_quote_is_refused_even_though_it_is_in_every_document(broken_data):
    break_claim(broken_data, "flask-async-await-views", quote="   ")
    with pytest.raises(CommandError, match="'flask-async-await-views': its quote is not in"):
        seed(data_dir=broken_data)


def test_a_failed_seed_leaves_an_existing_database_as_it_was(broken_data):
    seed()
    before = everything()
    (broken_data / "claims" / "zz-new.json").write_text("[]")
    with pytest.raises(CommandError, match="zz-new"):
        seed(data_dir=broken_data)
    assert everything() == before


# The library holds a single document on these cells: a second source would have to come from outside it.
ONE_DOCUMENT_IN_THE_LIBRARY = {
    ("flask", "admin-interface"): "Flask-Admin's README is the only document on an admin for Flask",
}


def test_every_flask_and_django_capability_cell_has_two_sources_where_the_library_has_them():
    seed()
    sources = defaultdict(set)
    for framework, criterion, source in Claim.objects.published().values_list(
        "framework__slug", "criterion__slug", "source__slug"
    ):
        sources[framework, criterion].add(source)
    # Use-case criteria carry each article's own "use X if ..." rule: one article, one rule.
    capabilities = Criterion.objects.exclude(default_weight=0).values_list("slug", flat=True)
    thin = {
        (framework, criterion)
        for framework in ("flask", "django")
        for criterion in capabilities
        if len(sources[framework, criterion]) < 2
    }
    assert thin == set(ONE_DOCUMENT_IN_THE_LIBRARY)


def test_every_criterion_is_one_a_visitors_answer_can_make_matter():
    from recommender.models import ChoiceWeight

    seed()
    raised = set(ChoiceWeight.objects.filter(delta__gt=0).values_list("criterion__slug", flat=True))
    assert set(Criterion.objects.values_list("slug", flat=True)) - raised == set()
