import datetime

import factory
from django.contrib.auth.models import Group, User

from criteria.models import Criterion
from frameworks.models import Claim, Framework, Source, SourceText
from recommender.models import Choice, ChoiceWeight, Question
from snippets.models import Snippet, Task, VerificationRun


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"criterion-{n}")
    name = factory.Sequence(lambda n: f"Criterion {n}")
    description = "What is compared."
    category = Criterion.Category.SCOPE
    default_weight = 5
    rubric_low = "Poor."
    rubric_high = "Excellent."


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"framework-{n}")
    name = factory.Sequence(lambda n: f"Framework {n}")
    summary = "A web framework."
    kind = Framework.Kind.MICRO


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Source {n}")
    publisher = "A publisher"
    kind = Source.Kind.ARTICLE
    url = factory.Sequence(lambda n: f"https://example.org/{n}")
    accessed_on = datetime.date(2026, 11, 20)


class SourceTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceText

    source = factory.SubFactory(SourceFactory)
    text = "An opening sentence. A short verbatim passage. A closing sentence."
    origin = "pasted"


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    framework = factory.SubFactory(FrameworkFactory)
    criterion = factory.SubFactory(CriterionFactory)
    source = factory.SubFactory(SourceFactory)
    statement = factory.Sequence(lambda n: f"Statement {n}.")
    quote = "A short verbatim passage."
    rating = 3
    as_of = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    status = Claim.Status.PUBLISHED
    # The factory's sources hold no text, so its claims say why their quote is unchecked (else none
    # could be published); tests of the quote check store a text (SourceTextFactory) and clear this.
    quote_unchecked_reason = "Checked by hand in a test."
    retired_reason = factory.LazyAttribute(
        lambda claim: "Retired in a test." if claim.status == Claim.Status.RETIRED else ""
    )


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"question-{n}")
    text = factory.Sequence(lambda n: f"Question {n}?")
    position = factory.Sequence(lambda n: n)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice
        django_get_or_create = ["question", "slug"]

    question = factory.SubFactory(QuestionFactory)
    slug = factory.Sequence(lambda n: f"choice-{n}")
    label = factory.Sequence(lambda n: f"Choice {n}")
    position = factory.Sequence(lambda n: n)


class ChoiceWeightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChoiceWeight

    choice = factory.SubFactory(ChoiceFactory)
    criterion = factory.SubFactory(CriterionFactory)
    delta = 3
    why = "It matters for this answer."


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"task-{n}")
    name = factory.Sequence(lambda n: f"Task {n}")
    description = "A small job each framework's code does."
    position = factory.Sequence(lambda n: n)


HELLO = """from flask import Flask, request

app = Flask(__name__)


@app.route("/")
def hello():
    return f"Hello, {request.args.get('name', 'World')}!"
"""


class SnippetFactory(factory.django.DjangoModelFactory):
    """A published snippet written by an editor (so it needs no source); pass origin, source and
    quote for one from a source."""

    class Meta:
        model = Snippet

    task = factory.SubFactory(TaskFactory)
    framework = factory.SubFactory(FrameworkFactory)
    title = factory.Sequence(lambda n: f"Snippet {n}")
    files = factory.LazyFunction(lambda: {"app.py": HELLO})
    command = "{python} -m flask --app app run --port {port}"
    check_path = "/?name=World"
    expect_body = "Hello, World"
    origin = Snippet.Origin.EDITOR
    status = Snippet.Status.PUBLISHED
    retired_reason = factory.LazyAttribute(
        lambda snippet: "Retired in a test." if snippet.status == Snippet.Status.RETIRED else ""
    )


class VerificationRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VerificationRun

    snippet = factory.SubFactory(SnippetFactory)
    target = VerificationRun.Target.CURRENT
    framework_version = "3.1.3"
    ok = True
    outcome = VerificationRun.Outcome.PASSED
    installed = factory.LazyFunction(lambda: {"flask": "3.1.3", "werkzeug": "3.1.4"})
    ran_at = factory.LazyFunction(lambda: datetime.datetime(2026, 12, 1, 6, 0, tzinfo=datetime.UTC))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        """UserFactory(role="Editor") puts the user in that group, created by the roles migration."""
        if create and extracted:
            user.groups.add(Group.objects.get(name=extracted))
