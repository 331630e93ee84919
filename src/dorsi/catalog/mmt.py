"""Manual muscle test grades (MRC 0-5 with Kendall/Daniels +/- modifiers).

Grades are ordered ``0 < 1 < 2- < 2 < 2+ < 3- < 3 < 3+ < 4- < 4 < 4+ < 5``. The smallest real
change is one full grade (a +/- step is within tester error: intrarater kappa 0.35 for ankle
dorsiflexion, PMC5875759), see the ``dorsiflexion_mmt`` measure in the catalog.

The scale lives with the catalog because the catalog's own data is written in it (an
exercise's minimum grade, a measure's valid values) and the clinical decisions read the
catalog: both sides use this one definition and neither reaches up to the other.
"""

from __future__ import annotations

from typing import Literal, get_args

MmtGrade = Literal["0", "1", "2-", "2", "2+", "3-", "3", "3+", "4-", "4", "4+", "5"]
GRADES: tuple[MmtGrade, ...] = get_args(MmtGrade)


def rank(grade: MmtGrade) -> int:
    """Position of ``grade`` in the ordered scale (0 for "0", 11 for "5")."""
    return GRADES.index(grade)


def numeric(grade: MmtGrade) -> float:
    """A number for charts and arithmetic: "3-" -> 2.67, "3" -> 3.0, "3+" -> 3.33."""
    base = float(grade[0])
    if grade.endswith("+"):
        return round(base + 1 / 3, 2)
    if grade.endswith("-"):
        return round(base - 1 / 3, 2)
    return base


def full_grade(grade: MmtGrade) -> int:
    """The whole MRC grade without its modifier: "3-" -> 3, "4+" -> 4."""
    return int(grade[0])


def at_least(grade: MmtGrade, minimum: MmtGrade) -> bool:
    """True when ``grade`` is ``minimum`` or stronger."""
    return rank(grade) >= rank(minimum)
