"""Loading the exercise pictures: the pose file's schema (:mod:`dorsi.pictures.poses`) and the
geometry checks of the staged figure (:mod:`dorsi.pictures.staging`) together.

The schema and the staging are separate modules that the staging builds on; the load step sits
above both, so a picture that would put a foot through the floor is refused when the file is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from dorsi.catalog.exercises import load_exercises
from dorsi.catalog.load import read_yaml, validate_data
from dorsi.catalog.translate import localize, patterns
from dorsi.errors import CatalogError
from dorsi.i18n import Language, normalize_language
from dorsi.pictures.poses import FILENAME, PoseFile
from dorsi.pictures.staging import check_picture

#: The words drawn in the picture, given in every language ({en: ..., es: ...}).
TEXT_FIELDS = patterns("pictures.*.caption")


def _fail(field: str, message: str) -> CatalogError:
    return CatalogError(f"catalog file data/{FILENAME}: field '{field}': {message}")


def build_poses(
    data: Any, *, known_ids: Iterable[str], filename: str = FILENAME, lang: Language = "en"
) -> PoseFile:
    """Validate parsed YAML ``data``: structure, ids, angle ranges, movement and floor contact;
    the captions (each given in every language) are read in ``lang``."""
    texts = localize(data, lang, filename=filename, fields=TEXT_FIELDS)
    poses = validate_data(filename, texts, PoseFile)
    known = tuple(known_ids)
    for exercise_id in poses.pictures:
        if exercise_id not in known:
            raise _fail(
                f"pictures.{exercise_id}",
                f"'{exercise_id}' is not an exercise of the catalog; known ids: {', '.join(known)}",
            )
    missing = [i for i in known if i not in poses.pictures]
    if missing:
        raise _fail("pictures", f"no picture for: {', '.join(missing)}")
    for exercise_id, picture in poses.pictures.items():
        problem = check_picture(picture)
        if problem is not None:
            field, message = problem
            raise _fail(f"pictures.{exercise_id}.{field}", message)
    return poses


def load_poses(lang: str = "en") -> PoseFile:
    """The shipped pose file with the captions in ``lang``, checked against the exercise
    catalog (read once per language)."""
    return _load(normalize_language(lang))


@cache
def _load(lang: Language) -> PoseFile:
    return build_poses(read_yaml(FILENAME), known_ids=load_exercises().ids, lang=lang)


__all__ = ["build_poses", "load_poses"]
