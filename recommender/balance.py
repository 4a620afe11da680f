"""The balance of verdicts over random visitors: is any framework a foregone conclusion?

Each random visitor answers every question at random or leaves it blank (a question that allows
several answers gets a random subset), and goes through the real method on the current evidence.
"""

import random
from collections import Counter
from dataclasses import dataclass

from frameworks.evidence import Matrix

from .questionnaire import Answers, QuestionInfo, chosen_moves
from .verdicts import decide

TOO_CLOSE = "too close to call"


@dataclass(frozen=True)
class Balance:
    visitors: int
    verdicts: Counter  # framework slug or TOO_CLOSE -> how many visitors got it
    mean_confidence: float
    decisive: Counter  # criterion slug -> how often it was the largest reason for the winner

    def share(self, verdict: str) -> float:
        return self.verdicts[verdict] / self.visitors if self.visitors else 0.0


def random_answers(questions: list[QuestionInfo], rng: random.Random) -> Answers:
    answers = {}
    for question in questions:
        choices = sorted(question.choices)
        if question.allows_multiple:
            picked = [c for c in choices if rng.random() < 1 / len(choices)]
        else:
            picked = [rng.choice(choices)] if rng.random() < len(choices) / (len(choices) + 1) else []
        if picked:
            answers[question.slug] = picked
    return answers


def balance(matrix: Matrix, questions: list[QuestionInfo], visitors: int, seed: int = 1) -> Balance:
    rng = random.Random(seed)
    compared = list(matrix.featured)
    verdicts, decisive, confidence = Counter(), Counter(), 0.0
    for _ in range(visitors):
        moves = chosen_moves(random_answers(questions, rng), questions)
        _, _, outcome = decide(matrix, compared, moves, {})
        verdicts[outcome.winner or TOO_CLOSE] += 1
        confidence += outcome.confidence
        if outcome.winner and outcome.reasons and outcome.reasons[0].contribution > 0:
            decisive[outcome.reasons[0].criterion] += 1
    return Balance(visitors, verdicts, confidence / visitors if visitors else 0.0, decisive)
