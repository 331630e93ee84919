"""Loading catalog data files with loud, precise failures."""

from __future__ import annotations

from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from dorsi.errors import CatalogError

M = TypeVar("M", bound=BaseModel)

# libyaml's safe loader when PyYAML was built with it: the same documents and types as
# yaml.SafeLoader, in C: parsing the catalog is most of a CLI command's start-up.
try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


def read_yaml(filename: str) -> Any:
    """The parsed content of ``dorsi/catalog/data/<filename>``."""
    ref = resources.files("dorsi.catalog").joinpath("data", filename)
    try:
        text = ref.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"catalog file data/{filename} is missing from the package") from None
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        raise CatalogError(f"catalog file data/{filename} is not valid YAML: {exc}") from None


def validate_data(filename: str, data: Any, model: type[M]) -> M:
    """Validate parsed data against ``model``; errors name the file and the field path."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
        more = len(exc.errors()) - 1
        tail = f" (and {more} more)" if more else ""
        raise CatalogError(
            f"catalog file data/{filename}: field '{loc}': {first['msg']}{tail}"
        ) from None


def load_data(filename: str, model: type[M]) -> M:
    """Read and validate one catalog file. Callers cache the result."""
    return validate_data(filename, read_yaml(filename), model)
