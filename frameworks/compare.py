"""The comparison table: criteria as rows, the chosen frameworks as columns, claims in each cell."""

import csv
import io
from dataclasses import dataclass

from .choice import FrameworkChoiceError, parse_framework_choice
from .evidence import Cell, Matrix
from .models import Claim


def chosen_frameworks(params, matrix: Matrix) -> list[str]:
    """?frameworks=flask,django or the form's repeated ?frameworks=flask&frameworks=django, at least
    two (FrameworkChoiceError says why not); the featured frameworks when none is asked for."""
    return parse_framework_choice(params.getlist("frameworks"), matrix.frameworks, fewest=2) or list(
        matrix.featured
    )


# Comparisons of up to this many frameworks are kept in the page cache (see kept_queries).
MOST_KEPT_FRAMEWORKS = 3


def kept_queries(params, matrix: Matrix) -> set[str]:
    """The query strings under which this comparison's page is kept: the link's and the form's
    spelling of the frameworks chosen and the order asked for, nothing else; none for a choice that
    is refused or of more than MOST_KEPT_FRAMEWORKS frameworks (orderings of many would be many)."""
    try:
        chosen = chosen_frameworks(params, matrix)
    except FrameworkChoiceError:
        return set()
    if len(chosen) > MOST_KEPT_FRAMEWORKS:
        return set()
    spellings = {f"frameworks={','.join(chosen)}", "&".join(f"frameworks={slug}" for slug in chosen)}
    if chosen == list(matrix.featured):
        spellings.add("")
    if params.get("sort") == "difference":
        return {f"{spelling}&sort=difference".lstrip("&") for spelling in spellings}
    return spellings


@dataclass
class CellView:
    cell: Cell
    claims: list[Claim]


@dataclass
class Row:
    slug: str
    name: str
    cells: list[CellView]
    difference: float  # highest minus lowest score in the row, 0..1

    @property
    def differs(self) -> bool:
        return self.difference >= 0.25


def table(matrix: Matrix, frameworks: list[str], claims: dict[int, Claim], by_difference=False) -> list[Row]:
    rows = []
    for slug, info in matrix.criteria.items():
        cells = [matrix.cell(f, slug) for f in frameworks]
        scores = [cell.score for cell in cells if not cell.empty]
        views = [CellView(cell, [claims[i] for i in cell.claim_ids if i in claims]) for cell in cells]
        rows.append(Row(slug, info.name, views, max(scores) - min(scores) if scores else 0.0))
    rows.sort(key=lambda row: row.name)
    if by_difference:
        rows.sort(key=lambda row: -row.difference)
    return rows


def claims_for(frameworks: list[str]) -> dict[int, Claim]:
    """Every published claim on the chosen frameworks, with its source: one query."""
    claims = (
        Claim.objects.published().filter(framework__slug__in=frameworks).select_related("framework", "source")
    )
    return {claim.id: claim for claim in claims}


def as_csv(rows: list[Row], frameworks: list[str], names: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["criterion"]
    for slug in frameworks:
        header += [f"{names[slug]} {column}" for column in ("rating", "sources", "flags", "claim ids")]
    writer.writerow(header)
    for row in rows:
        line = [row.name]
        for cell in (view.cell for view in row.cells):
            flags = [
                flag
                for flag in ("contested", "thin", "only_own_word", "stale", "undated", "empty")
                if getattr(cell, flag)
            ]
            rating = "" if cell.mean_rating is None else f"{cell.mean_rating:.2f}"
            # The claims behind the cell (the counted ones first), as /claims/<id>/ and the API name them.
            line += [rating, cell.sources, " ".join(flags), " ".join(map(str, cell.claim_ids))]
        writer.writerow(line)
    return out.getvalue()
