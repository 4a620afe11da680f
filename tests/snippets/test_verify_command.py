"""verify_snippets end to end: the seed's article snippet run for real, recorded, and shown."""

import io

import pytest
from django.core.management import CommandError, call_command

from snippets.models import Snippet, VerificationRun
from tests.snippets.test_seed_snippets import ENVS

pytestmark = [pytest.mark.django_db, pytest.mark.snippets]


def verify(*keys: str, **options) -> str:
    out = io.StringIO()
    call_command("verify_snippets", "--snippet", *keys, cache_dir=ENVS, stdout=out, **options)
    return out.getvalue()


def test_the_article_snippet_is_recorded_failing_on_current_flask_and_passing_in_its_scope(client, seeded):
    said = verify("flask-hello-world", "django-hello-world")
    assert "flask-hello-world  Flask 3.1.3  failed" in said
    assert "ImportError: cannot import name 'escape' from 'flask'" in said
    assert "3 runs of 2 snippets; 1 did not pass." in said

    runs = {run.target: run for run in Snippet.objects.get(seed_key="flask-hello-world").runs.all()}
    current, in_scope = runs[VerificationRun.Target.CURRENT], runs[VerificationRun.Target.SCOPE]
    assert (current.framework_version, current.ok, current.installed["flask"]) == ("3.1.3", False, "3.1.3")
    assert (in_scope.framework_version, in_scope.ok) == ("2.3.3", True)
    assert str(ENVS) not in current.error_tail, "visitors read it: no path of this machine"

    page = client.get("/code/hello-world/?frameworks=flask,django").content.decode()
    assert (
        "fails on Flask 3.1.3: ImportError: cannot import name &#x27;escape&#x27; from &#x27;flask&#x27;"
        in page
    )
    assert "runs on Django 5.2.19" in page


def test_fail_on_error_exits_non_zero_when_a_run_did_not_pass(seeded):
    with pytest.raises(CommandError):
        verify("flask-hello-world", fail_on_error=True)
    verify("django-hello-world", fail_on_error=True)
