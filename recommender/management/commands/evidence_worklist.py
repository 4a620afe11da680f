from django.core.management.base import BaseCommand, CommandError

from recommender.worklist import load_worklist


class Command(BaseCommand):
    help = (
        "Print the framework and criterion pairs where more evidence would change the most verdicts "
        "(the admin's evidence worklist), and keep the worklist in the cache for the admin page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--top", type=int, default=20, help="How many rows to print (default 20).")

    def handle(self, *args, top, **options):
        if top < 0:
            raise CommandError("--top must be 0 or more.")
        worklist = load_worklist()
        if not worklist.published_claims:
            self.stdout.write("No published claims yet: nothing to rank.")
            return
        compared = " and ".join(worklist.compared) or "no frameworks"
        self.stdout.write(f"{worklist.visitors} random visitors comparing {compared}")
        self.stdout.write(
            f"{'rank':>4}  {'framework':<16} {'criterion':<32} {'changed':>7} {'score':>6}  why"
        )
        for rank, row in enumerate(worklist.rows[:top], start=1):
            need = row.need
            why = f"{need.thin_words}; {need.stale_words}; {need.contested_words}"
            self.stdout.write(
                f"{rank:>4}  {row.framework_name[:16]:<16} {row.criterion_name[:32]:<32} "
                f"{row.flip_rate:>7.0%} {row.score:>6.3f}  {why}"
            )
