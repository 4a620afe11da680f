"""The questionnaire as the method reads it: its questions, their choices and the weight moves each
choice makes; whether a set of answers fits it; and the moves a set of answers makes."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch

from infrastructure.data_versions import DataVersion, tables_version
from infrastructure.versioned_cache import remember

from .models import Choice, ChoiceWeight, Question

Answers = dict[str, list[str]]  # question slug -> choice slugs


@dataclass(frozen=True)
class WeightMove:
    criterion: str
    delta: int
    must_have: bool
    why: str


@dataclass(frozen=True)
class QuestionInfo:
    slug: str
    text: str
    help_text: str
    allows_multiple: bool
    choices: dict[str, str]  # slug -> label
    moves: dict[str, list[WeightMove]]  # choice slug -> weight moves


QUESTIONNAIRE_MODELS = [Question, Choice, ChoiceWeight]


def questionnaire_version() -> DataVersion:
    return tables_version(QUESTIONNAIRE_MODELS)


def load_questions(version: str | None = None) -> list[QuestionInfo]:
    """The questionnaire: one query for its version (unless given), then the cache or three more."""
    return remember("questionnaire", version or questionnaire_version().token, build_questions)


def build_questions() -> list[QuestionInfo]:
    """The questionnaire with every choice's weight moves, in three queries."""
    moves = Prefetch("choices__weights", queryset=ChoiceWeight.objects.select_related("criterion"))
    questions = Question.objects.prefetch_related(moves)
    return [
        QuestionInfo(
            slug=q.slug,
            text=q.text,
            help_text=q.help_text,
            allows_multiple=q.allows_multiple,
            choices={c.slug: c.label for c in q.choices.all()},
            moves={
                c.slug: [WeightMove(w.criterion.slug, w.delta, w.must_have, w.why) for w in c.weights.all()]
                for c in q.choices.all()
            },
        )
        for q in questions
    ]


def answer_errors(answers: Mapping[str, Sequence[str]], questions: list[QuestionInfo]) -> dict[str, str]:
    """What is wrong with a set of answers, per question slug; empty when they are all valid."""
    by_slug = {q.slug: q for q in questions}
    errors = {}
    for slug, chosen in answers.items():
        question = by_slug.get(slug)
        if question is None:
            errors[slug] = f"There is no question {slug!r}."
            continue
        unknown = [c for c in chosen if c not in question.choices]
        if unknown:
            valid = ", ".join(question.choices)
            errors[slug] = f"{unknown[0]!r} is not a choice of this question (choose from: {valid})."
        elif len(chosen) > 1 and not question.allows_multiple:
            errors[slug] = "Choose one answer only."
    return errors


def chosen_moves(answers: Answers, questions: list[QuestionInfo]) -> list[WeightMove]:
    """Every weight move the chosen answers make, in the order they were answered."""
    by_slug = {q.slug: q for q in questions}
    return [
        move for slug, chosen in answers.items() for choice in chosen for move in by_slug[slug].moves[choice]
    ]
