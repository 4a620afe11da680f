from django.core.management.base import BaseCommand, CommandError

from frameworks.evidence import load_matrix
from recommender.balance import balance
from recommender.questionnaire import load_questions


class Command(BaseCommand):
    help = (
        "Draw random visitors (each question answered at random or left blank), put each through the "
        "real method on the current evidence, and print the share of each verdict, the mean confidence "
        "and the criteria that most often decided a verdict."
    )

    def add_arguments(self, parser):
        parser.add_argument("--visitors", type=int, default=1500, help="How many (default 1500).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for a reproducible draw.")

    def handle(self, *args, visitors, seed, **options):
        if visitors < 1:
            raise CommandError("--visitors must be at least 1.")
        matrix = load_matrix()
        if len(matrix.featured) < 2:
            raise CommandError("Fewer than two featured frameworks: there is nothing to compare.")
        result = balance(matrix, load_questions(), visitors, seed)
        self.stdout.write(f"{visitors} random visitors, seed {seed}, evidence version {matrix.version}")
        for verdict, count in result.verdicts.most_common():
            name = matrix.frameworks.get(verdict, verdict)
            self.stdout.write(f"  {name:<20} {count:>6}  {count / visitors:6.1%}")
        self.stdout.write(f"mean confidence {result.mean_confidence:.2f}")
        self.stdout.write("most decisive criteria (the largest reason for the winner):")
        for criterion, count in result.decisive.most_common(8):
            name = matrix.criteria[criterion].name if criterion in matrix.criteria else criterion
            self.stdout.write(f"  {name:<45} {count:>6}")
