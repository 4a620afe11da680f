"""Load the shipped questionnaire (recommender/seed/questions.json), creating only what is missing."""

from pathlib import Path

from criteria.models import Criterion
from frameworks.seeding import SeedError, SeedReport, read_json, save_valid, without

from .models import Choice, ChoiceWeight, Question

SEED_FILE = Path(__file__).resolve().parent / "seed" / "questions.json"


def load_questionnaire(path: Path = SEED_FILE, report: SeedReport | None = None) -> SeedReport:
    report = report or SeedReport()
    criteria = {c.slug: c for c in Criterion.objects.all()}
    for record in read_json(path):
        question = Question.objects.filter(slug=record["slug"]).first()
        report.count("questions", created=question is None)
        if question is None:
            question = Question(**without(record, "choices"))
            save_valid(question, f"question {record['slug']!r}")
        for position, choice_record in enumerate(record["choices"], start=1):
            _load_choice(question, position, choice_record, criteria, report)
    return report


def _load_choice(question, position, record, criteria, report) -> None:
    label = f"choice {question.slug}={record['slug']}"
    if Choice.objects.filter(question=question, slug=record["slug"]).exists():
        report.count("choices", created=False)
        return
    choice = Choice(question=question, position=position, **without(record, "weights"))
    save_valid(choice, label)
    report.count("choices", created=True)
    for weight in record["weights"]:
        try:
            criterion = criteria[weight["criterion"]]
        except KeyError:
            raise SeedError(f"{label}: unknown criterion {weight['criterion']!r}.") from None
        save_valid(ChoiceWeight(choice=choice, criterion=criterion, **without(weight, "criterion")), label)
