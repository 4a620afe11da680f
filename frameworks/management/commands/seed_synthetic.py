from django.core.management.base import BaseCommand, CommandError

from frameworks import synthetic


class Command(BaseCommand):
    help = (
        "Load a large generated dataset for benchmarks, flagged so that visitors never see it "
        "(unless INCLUDE_SYNTHETIC_DATA is on), or take it away again with --remove."
    )

    def add_arguments(self, parser):
        parser.add_argument("--frameworks", type=int, default=50)
        parser.add_argument("--criteria", type=int, default=100)
        parser.add_argument("--claims", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed, the same data.")
        parser.add_argument(
            "--remove", action="store_true", help="Delete all synthetic data and its history."
        )

    def handle(self, *args, **options):
        if options["remove"]:
            self.stdout.write(f"Removed {synthetic.remove()}.")
            return
        for name in ("frameworks", "criteria", "claims"):
            if options[name] < 0:
                raise CommandError(f"--{name} must be 0 or more, not {options[name]}.")
        try:
            counts = synthetic.generate(
                options["frameworks"], options["criteria"], options["claims"], options["seed"]
            )
        except synthetic.SyntheticDataExists as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(f"Loaded {counts} (synthetic: hidden unless INCLUDE_SYNTHETIC_DATA is on).")
