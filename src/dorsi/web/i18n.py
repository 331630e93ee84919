"""The language of a page: which one to show, gettext in the templates, the remembered choice.

Rules (see ``docs/i18n.md``):

- A signed-in **patient** reads their pages in the language saved on their record (chosen by
  them with the language switcher, or by their clinician when the record was made). The
  choice is also kept in a cookie, so pages that do not load the record (``/urgent``,
  ``/cost``, ``/learn``) follow it too.
- A visitor who is **not signed in** gets the language they chose with the switcher (a
  cookie), else the browser's ``Accept-Language``, else English.
- **Clinician and admin** pages are English: they are not patient-facing and are not
  translated, so a half-Spanish clinic screen is never shown.

Templates use ``{% trans %}`` and ``_()`` (Jinja2's i18n extension, new-style gettext). The
translations are looked up through a context variable set for the one render, so the shared
Jinja2 environment is safe with concurrent requests in any language, and macros imported
without context translate too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from fastapi import Request
from fastapi.responses import Response
from jinja2 import Environment

from dorsi.catalog.exercises import load_exercises
from dorsi.catalog.stored_text import in_language
from dorsi.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    N_,
    SUPPORTED_LANGUAGES,
    Language,
    gettext_for,
    negotiate_language,
    normalize_language,
)
from dorsi.services.context import Actor
from dorsi.web.runtime import is_https

LANG_COOKIE = "dorsi_lang"
LANG_COOKIE_MAX_AGE_S = 365 * 24 * 3600
STAFF_ROLES = frozenset({"clinician", "admin"})

_current: ContextVar[Language] = ContextVar("dorsi_page_language", default=DEFAULT_LANGUAGE)


# Measure names and units as patients read them on "My progress" (the measures catalog is
# English; a test checks that every catalog measure is listed here and translated).
MEASURE_WORDS: dict[str, tuple[str, str]] = {
    "dorsiflexion_mmt": (
        N_("Strength of the muscles that lift the foot (manual muscle test)"),
        N_("grade (0-5)"),
    ),
    "dorsiflexion_arom_deg": (N_("Active ankle dorsiflexion range (goniometer)"), N_("degrees")),
    "dorsiflexion_arom_camera_deg": (
        N_("Active ankle dorsiflexion from the phone camera (trend only)"),
        N_("degrees"),
    ),
    "ankle_df_passive_deg": (N_("Passive ankle dorsiflexion range (goniometer)"), N_("degrees")),
    "single_leg_stance_s": (
        N_("Standing on the affected leg (single-leg stance time)"),
        N_("seconds"),
    ),
    "gait_speed_mps": (N_("Comfortable walking speed (10-metre walk test)"), N_("m/s")),
    "gait_speed_video_mps": (
        N_("Walking speed from a phone video (trend only)"),
        N_("m/s"),
    ),
    "tug_s": (N_("Timed Up and Go"), N_("seconds")),
    "trips_per_week": (N_("Trips or toe catches in the past week"), N_("trips per week")),
    "falls_past_month": (N_("Falls in the past month"), N_("falls in the past month")),
    "pain_nrs": (N_("Pain (0-10 numeric rating scale)"), N_("points (0-10)")),
    "lefs": (N_("Lower Extremity Functional Scale"), N_("points (0-80)")),
    "swing_dorsiflexion_deg": (
        N_("Peak ankle dorsiflexion while the foot swings (from video)"),
        N_("degrees"),
    ),
    "toe_clearance_ratio": (
        N_("Toe clearance in swing (divided by shank length, from video)"),
        N_("ratio"),
    ),
    "stance_time_asymmetry_pct": (
        N_("Difference in stance time between the legs (from video)"),
        N_("percent"),
    ),
    "fga_score": (N_("Functional Gait Assessment"), N_("points (0-30)")),
    "six_minute_walk_m": (N_("Six-minute walk test (distance)"), N_("metres")),
    "abc_pct": (
        N_("Activities-specific Balance Confidence scale (ABC)"),
        N_("percent (0-100)"),
    ),
}


# The cues the program builder adds to an exercise's own cues (dorsi.clinical.program_advice),
# stored with the program in English; translated for display (a test checks they stay in step).
PROGRAM_CUES = (
    N_("Work your left (weak) foot and leg."),
    N_("Work your right (weak) foot and leg."),
    N_("Stand next to a stable kitchen counter (not a chair) in case you need it."),
    N_(
        "Keep a hand on a stable kitchen counter the whole time. Do not use a chair for "
        "support: a chair can tip or slide."
    ),
    N_("Have a helper stand right next to you, and hold a stable kitchen counter (not a chair)."),
    N_(
        "Help the movement with your hand, a strap or a helper where the muscle cannot do it "
        "yet. Then let the foot down slowly yourself."
    ),
    N_("Keep it gentle. Stop before your pain goes up."),
)


def localize_cues(cues: Sequence[str], lang: str) -> list[str]:
    """A program's stored (English) cues in ``lang``.

    A cue copied from the exercise catalog is shown in the catalog's ``lang`` text, a cue the
    program builder adds is translated by gettext, and anything else (a clinician's own words)
    is shown as written.
    """
    language = normalize_language(lang)
    if language == DEFAULT_LANGUAGE:
        return list(cues)
    catalog: dict[str, str] = {}
    for english, other in zip(
        load_exercises("en").exercises, load_exercises(language).exercises, strict=True
    ):
        catalog.update(zip(english.form_cues, other.form_cues, strict=True))
    translate = gettext_for(language).gettext
    return [catalog.get(cue) or in_language(cue, language) or translate(cue) for cue in cues]


def current_language() -> Language:
    """The language of the page being rendered."""
    return _current.get()


def _gettext(message: str) -> str:
    return gettext_for(_current.get()).gettext(message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return gettext_for(_current.get()).ngettext(singular, plural, count)


def install(env: Environment) -> None:
    """Add gettext to a Jinja2 environment (``{% trans %}``, ``_()``, ``gettext()``)."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True
    )
    # ``{{ value|t }}``: translate a string marked elsewhere with ``N_`` (labels kept in code or
    # catalogs), looked up as is, without the %-formatting of new-style ``_()``.
    env.filters["t"] = _gettext
    env.filters["cues_in"] = localize_cues
    env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    env.globals["SUPPORTED_LANGUAGES"] = SUPPORTED_LANGUAGES


@contextmanager
def use_language(lang: Language) -> Iterator[None]:
    """Render in ``lang`` inside the block."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def is_staff(actor: Actor | None) -> bool:
    return actor is not None and actor.role in STAFF_ROLES


def page_language(request: Request, actor: Actor | None, saved: str | None = None) -> Language:
    """The language to show ``actor`` (None: not signed in).

    ``saved`` is the patient's saved choice, when the page loaded the record; it wins over
    the cookie. A stale or unknown saved value or cookie is ignored, never an error.
    """
    if is_staff(actor):
        return DEFAULT_LANGUAGE
    chosen = saved or request.cookies.get(LANG_COOKIE)
    return negotiate_language(request.headers.get("accept-language"), chosen=chosen)


def remember_language(request: Request, response: Response, lang: Language) -> None:
    """Keep ``lang`` in the language cookie (a setting, not a secret: readable by the server
    only, sent to this site only)."""
    response.set_cookie(
        LANG_COOKIE,
        lang,
        max_age=LANG_COOKIE_MAX_AGE_S,
        path="/",
        secure=is_https(request),
        httponly=True,
        samesite="lax",
    )


def sync_cookie(request: Request, response: Response, actor: Actor | None, lang: Language) -> None:
    """For a signed-in patient, make the cookie follow the language the page was shown in
    (so a choice saved on the record reaches pages that do not load the record)."""
    if actor is not None and actor.role == "patient" and request.cookies.get(LANG_COOKIE) != lang:
        remember_language(request, response, lang)


__all__ = [
    "LANG_COOKIE",
    "MEASURE_WORDS",
    "PROGRAM_CUES",
    "current_language",
    "install",
    "is_staff",
    "localize_cues",
    "page_language",
    "remember_language",
    "sync_cookie",
    "use_language",
]
