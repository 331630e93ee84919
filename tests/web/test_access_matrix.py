"""The access matrix: every route of the app x every kind of caller, against the policy.

The routes come from ``app.routes``, so a new route cannot skip this test: each must name its
policy action (``dependencies=[action(...)]``, :func:`dorsi.web.deps.route_action`) and,
when it takes a body, have a valid body below. The expected outcome is computed from
:func:`dorsi.services.policy.can`, never written by hand:

- anonymous on a non-public route: 401 (API) or a redirect to the sign-in page (pages);
- a record action the caller may do: allowed (not 401/403/404, not a 500);
- a record the caller may read but not change: 403; a record they may not read: 404;
- a record-independent action: allowed or 403;
- ``self.*`` pages (the patient's own pages): allowed for patients, 403 for the others;
- public routes: the same answer whoever asks.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import select

from dorsi.services import policy
from dorsi.services.context import Actor, Ctx
from dorsi.services.policy import PatientRef, can
from dorsi.settings import Settings
from dorsi.store.db import Database
from dorsi.store.models import ApiToken, AuthSession, User
from dorsi.web.deps import route_action
from tests.gait_app.seed import seed_done_video
from tests.web.conftest import (
    CHECKIN,
    PLAN,
    SCREEN_OK,
    Clinic,
    Clock,
    TestClient,
    app_routes,
    csrf_from,
    token_for,
)

CALLERS = ("anonymous", "patient_a", "patient_b", "assigned_clinician", "other_clinician", "admin")
USERNAMES = {
    "patient_a": "ann",
    "patient_b": "ben",
    "assigned_clinician": "alice",
    "other_clinician": "bob",
    "admin": "root",
}


def _yes_no(values: dict[str, Any]) -> dict[str, str]:
    return {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in values.items()}


# A browser's subscription on a known push service (made-up keys of the right shape).
PUSH_SUB: dict[str, Any] = {
    "endpoint": "https://fcm.googleapis.com/fcm/send/matrix-device",
    "keys": {
        "p256dh": "B" + "A" * 86,  # 65 bytes, starting 0x04 (an uncompressed point)
        "auth": "A" * 22,  # 16 bytes
    },
}

# Valid bodies for every route that takes one: (json body or None, form fields or None).
Body = Callable[[str], tuple[Any, dict[str, Any] | None]]
BODIES: dict[tuple[str, str], Body] = {
    ("POST", "/api/v1/auth/token"): lambda who: (None, {"username": who, "password": "y"}),
    ("POST", "/api/v1/auth/logout"): lambda who: (None, None),
    ("POST", "/api/v1/patients"): lambda who: (
        {"display_name": "M", "side": "left", "cause": "lumbar"},
        None,
    ),
    ("POST", "/api/v1/patients/{patient_id}/screenings"): lambda who: (SCREEN_OK, None),
    ("POST", "/api/v1/patients/{patient_id}/evaluations"): lambda who: (PLAN, None),
    ("PUT", "/api/v1/patients/{patient_id}/program"): lambda who: (
        {
            "exercises": [
                {
                    "id": "seated_dorsiflexion",
                    "sets": 2,
                    "reps": 10,
                    "rest_s": 60,
                    "days_per_week": 5,
                    "support": "none",
                }
            ]
        },
        None,
    ),
    ("POST", "/api/v1/patients/{patient_id}/sessions"): lambda who: (CHECKIN, None),
    # no stop alert is active in the matrix: an allowed caller gets 409, the others 403/404
    ("POST", "/api/v1/patients/{patient_id}/alerts/acknowledge-stops"): lambda who: (
        {"note": "Called the patient"},
        None,
    ),
    ("POST", "/clinic/patients/{patient_id}/alerts/acknowledge-stops"): lambda who: (
        None,
        {"note": "Called the patient"},
    ),
    ("POST", "/api/v1/patients/{patient_id}/camera-sessions"): lambda who: (
        {
            "exercise_id": "seated_dorsiflexion",
            "side": "left",
            "reps": [{"peak_deg": 8.5, "quality": "good"}, {"peak_deg": None, "quality": "poor"}],
        },
        None,
    ),
    ("POST", "/api/v1/patients/{patient_id}/brace-log"): lambda who: (
        {"wear_hours": 6, "skin_problem": False},
        None,
    ),
    ("POST", "/api/v1/patients/{patient_id}/rtm/minutes"): lambda who: (
        {"minutes": 10, "activity": "review"},
        None,
    ),
    ("POST", "/api/v1/patients/{patient_id}/goals"): lambda who: (
        {"text": "Walk to the shop"},
        None,
    ),
    # the seeded goal: a stopped one answers 409 to an allowed caller's change
    ("PATCH", "/api/v1/patients/{patient_id}/goals/{goal_id}"): lambda who: ({"met": True}, None),
    ("DELETE", "/api/v1/patients/{patient_id}/goals/{goal_id}"): lambda who: (None, None),
    ("POST", "/api/v1/patients/{patient_id}/questionnaires/lefs"): lambda who: (
        {"answers": [4] * 20},
        None,
    ),
    ("POST", "/api/v1/patients/{patient_id}/questionnaires/abc"): lambda who: (
        {"answers": [50] * 16},
        None,
    ),
    # between visits: the worklist item below is not open (409 for an allowed caller)
    ("POST", "/api/v1/worklist/{item_id}/acknowledge"): lambda who: ({"note": "Seen"}, None),
    ("POST", "/clinic/worklist/{item_id}/acknowledge"): lambda who: (None, {"note": "Seen"}),
    ("POST", "/api/v1/patients/{patient_id}/messages"): lambda who: ({"text": "Hello"}, None),
    ("POST", "/clinic/patients/{patient_id}/messages"): lambda who: (None, {"text": "Hello"}),
    ("POST", "/me/messages"): lambda who: (None, {"text": "Hello"}),
    ("POST", "/api/v1/patients/{patient_id}/login"): lambda who: (
        {"username": f"login-{who.replace('_', '-')}"},
        None,
    ),
    ("POST", "/api/v1/users"): lambda who: (
        {
            "username": f"new-{who.replace('_', '-')}",
            "role": "clinician",
            "display_name": "N",
            "password": "a long clinic passphrase",
        },
        None,
    ),
    ("POST", "/login"): lambda who: (None, {"username": who, "password": "y"}),
    ("POST", "/logout"): lambda who: (None, {}),
    ("POST", "/signin/{link}"): lambda who: (None, {}),
    ("POST", "/account/password"): lambda who: (None, {"new_password": "x"}),
    ("POST", "/urgent"): lambda who: (None, _yes_no(SCREEN_OK)),
    ("POST", "/cost"): lambda who: (None, {"visits": "1"}),
    ("POST", "/clinic/patients"): lambda who: (
        None,
        {"display_name": "M", "side": "left", "cause": "lumbar"},
    ),
    ("POST", "/clinic/patients/{patient_id}/screening"): lambda who: (None, _yes_no(SCREEN_OK)),
    ("POST", "/clinic/patients/{patient_id}/evaluation"): lambda who: (None, _yes_no(PLAN)),
    ("POST", "/clinic/patients/{patient_id}/program"): lambda who: (None, {"op": "add"}),
    ("POST", "/clinic/patients/{patient_id}/login"): lambda who: (
        None,
        {"username": f"page-{who.replace('_', '-')}"},
    ),
    ("POST", "/me/session"): lambda who: (None, _yes_no(CHECKIN)),
    ("POST", "/clinic/patients/{patient_id}/goals"): lambda who: (None, {"text": "Walk far"}),
    ("POST", "/me/questionnaires/lefs"): lambda who: (
        None,
        {f"item_{i}": "4" for i in range(1, 21)},
    ),
    ("POST", "/me/questionnaires/abc"): lambda who: (
        None,
        {f"item_{i}": "50" for i in range(1, 17)},
    ),
    ("POST", "/me/camera-sessions"): lambda who: (
        None,
        {"exercise_id": "seated_dorsiflexion", "side": "left", "peaks": "9.5,,12"},
    ),
    ("POST", "/me/brace"): lambda who: (None, {"wear_hours": "6", "skin_problem": "no"}),
    ("POST", "/clinic/patients/{patient_id}/rtm-minutes"): lambda who: (
        None,
        {"minutes": "12", "activity": "review"},
    ),
    ("POST", "/admin/users"): lambda who: (
        None,
        {
            "username": f"admin-made-{who.replace('_', '-')}",
            "role": "clinician",
            "display_name": "N",
            "password": "a long clinic passphrase",
        },
    ),
    ("POST", "/admin/users/{user_id}/active"): lambda who: (None, {"active": "1"}),
    ("POST", "/admin/users/{user_id}/signout"): lambda who: (None, {}),
    ("POST", "/api/v1/users/{user_id}/signout"): lambda who: (None, None),
    ("POST", "/clinic/patients/{patient_id}/signout"): lambda who: (None, {}),
    ("POST", "/api/v1/patients/{patient_id}/login/signout"): lambda who: (None, None),
    ("POST", "/language"): lambda who: (None, {"lang": "es", "next": "/learn"}),
    ("POST", "/clinic/patients/{patient_id}/learn"): lambda who: (None, {"topics": "causes"}),
    # walking videos: a form without a file is refused (415) once the caller is let in
    ("POST", "/api/v1/patients/{patient_id}/gait-videos"): lambda who: (None, {"x": "1"}),
    ("DELETE", "/api/v1/patients/{patient_id}/gait-videos/{video_id}"): lambda who: (None, None),
    ("POST", "/patients/{patient_id}/gait-videos"): lambda who: (None, {"x": "1"}),
    ("POST", "/patients/{patient_id}/gait-videos/{video_id}/delete"): lambda who: (None, {}),
    # reminders: a schedule, a renewed calendar link, a browser's push subscription
    ("PUT", "/api/v1/patients/{patient_id}/reminders"): lambda who: (
        {"days": ["mon", "thu"], "time": "18:00", "channels": {"calendar": True}},
        None,
    ),
    ("POST", "/api/v1/patients/{patient_id}/reminders/calendar-link"): lambda who: (None, None),
    ("POST", "/api/v1/patients/{patient_id}/push-subscriptions"): lambda who: (PUSH_SUB, None),
    ("POST", "/me/reminders"): lambda who: (None, {"days": "mon", "time": "18:00"}),
    ("POST", "/me/reminders/calendar-link"): lambda who: (None, {}),
    ("POST", "/me/reminders/push"): lambda who: (
        None,
        {
            "endpoint": PUSH_SUB["endpoint"],
            "p256dh": PUSH_SUB["keys"]["p256dh"],
            "auth": PUSH_SUB["keys"]["auth"],
        },
    ),
}


def _no_body(who: str) -> tuple[Any, dict[str, Any] | None]:
    return None, None


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    action: str


# Framework routes without a policy action of their own (the OpenAPI document is public).
FRAMEWORK_PUBLIC = {"/openapi.json"}


def cases(app: FastAPI) -> list[Case]:
    found = []
    for route in app_routes(app):
        if not isinstance(route, APIRoute):
            path = str(getattr(route, "path", ""))
            assert path in FRAMEWORK_PUBLIC, f"unexpected non-API route {path}"
            found.append(Case("GET", path, "public"))
            continue
        action = route_action(route)
        assert action, f"{route.path} names no policy action (dependencies=[action(...)])"
        for method in sorted((route.methods or set()) - {"HEAD"}):
            found.append(Case(method, route.path, str(action)))
    return found


def _actor(db: Database, username: str) -> Actor:
    with db.transaction() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        return Actor(user.id, user.username, user.role, user.display_name, user.patient_id)


def expected(case: Case, caller: str, db: Database, clinic: Clinic) -> str:
    """allowed | unauthenticated | forbidden | hidden | public — from the policy."""
    if case.action == "public":
        return "public"
    if caller == "anonymous":
        return "unauthenticated"
    actor = _actor(db, USERNAMES[caller])
    if case.action == "authenticated":
        return "allowed"
    if case.action.startswith("self."):
        inner = case.action.removeprefix("self.")
        assert inner in policy.ACTIONS, case
        if actor.role != "patient" or actor.patient_id is None:
            return "forbidden"
        own = PatientRef(actor.patient_id, frozenset())
        return "allowed" if can(actor, inner, own) else "forbidden"
    assert case.action in policy.ACTIONS, f"unknown action {case.action} on {case.path}"
    action: policy.Action = case.action
    # a worklist item's id names its patient (patient A here, see ITEM)
    if "{patient_id}" in case.path or "{item_id}" in case.path:
        target = PatientRef(clinic.patient_a, frozenset({clinic.alice}))
        if can(actor, action, target):
            return "allowed"
        return "forbidden" if can(actor, "patient.read", target) else "hidden"
    return "allowed" if can(actor, action) else "forbidden"


def _credentials(
    db: Database, settings: Settings, clock: Clock, username: str
) -> tuple[str, str, str]:
    """A fresh browser session (cookie, csrf) and API token for ``username``, made directly."""
    ctx = Ctx(db=None, now=clock(), settings=settings, secret=settings.secret())  # type: ignore[arg-type]
    cookie, csrf, token = (secrets.token_urlsafe(32) for _ in range(3))
    with db.transaction() as session:
        user_id = session.scalars(select(User.id).where(User.username == username)).one()
        later = clock() + timedelta(hours=1)
        session.add(
            AuthSession(
                id_hash=ctx.keyed_hash("session:" + cookie),
                user_id=user_id,
                csrf_token=csrf,
                created_at=clock(),
                last_seen_at=clock(),
                expires_at=later,
            )
        )
        session.add(
            ApiToken(
                id_hash=ctx.keyed_hash("token:" + token),
                user_id=user_id,
                created_at=clock(),
                last_used_at=clock(),
                expires_at=later,
            )
        )
    return cookie, csrf, token


def outcome(case: Case, status: int, location: str) -> str:
    # A page asked for without a session redirects to the sign-in page; a form sent without
    # one is refused with 401 (signing out, in contrast, ends with a redirect there too).
    if status == 401 or (case.method == "GET" and status == 303 and location.startswith("/login")):
        return "unauthenticated"
    if status == 403:
        return "forbidden"
    if status == 404:
        return "hidden"
    return "allowed"


@pytest.fixture
def seeded(client: TestClient, clinic: Clinic) -> Clinic:
    """Patient A has an evaluation, an assigned program and a goal, so every read has data."""
    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    program = client.post(f"{url}/evaluations", headers=headers, json=PLAN).json()["program"]
    assigned = client.put(
        f"{url}/program", headers=headers, json={"exercises": program["exercises"]}
    )
    assert assigned.status_code == 200
    goal = client.post(f"{url}/goals", headers=headers, json={"text": "Walk to the shop"})
    assert goal.status_code == 201
    return clinic


def test_every_route_against_the_policy(
    app: FastAPI,
    client: TestClient,
    seeded: Clinic,
    db: Database,
    settings: Settings,
    clock: Clock,
) -> None:
    all_cases = cases(app)
    assert len(all_cases) >= 30
    video_id = seed_done_video(db, settings, seeded.patient_a, seeded.alice)
    goal_id = client.get(
        f"/api/v1/patients/{seeded.patient_a}/goals", headers=token_for(client, "alice")
    ).json()[0]["id"]
    failures: list[str] = []
    checked = 0
    for case in all_cases:
        if case.method != "GET":
            assert (case.method, case.path) in BODIES, f"no body for {case.method} {case.path}"
        path = (
            case.path.replace("{patient_id}", str(seeded.patient_a))
            .replace("{user_id}", str(seeded.alice))
            .replace("{link}", "z" * 43)
            .replace("{exercise_id}", "seated_dorsiflexion")
            .replace("{topic_id}", "causes")
            .replace("{video_id}", str(video_id))
            .replace("{goal_id}", str(goal_id))
            .replace("{item_id}", f"no_checkin:{seeded.patient_a}:start")
        )
        answers: dict[str, int] = {}
        for caller in CALLERS:
            client.cookies.clear()
            headers: dict[str, str] = {}
            csrf = ""
            if caller != "anonymous":
                cookie, csrf, token = _credentials(db, settings, clock, USERNAMES[caller])
                if path.startswith("/api/"):
                    headers["Authorization"] = f"Bearer {token}"
                else:
                    client.cookies.set("dorsi_session", cookie)
            json_body, form = BODIES.get((case.method, case.path), _no_body)(caller)
            if form is not None and not path.startswith("/api/"):
                if case.action == "public":  # the token the form page itself hands out
                    csrf = csrf_from(client.get(path).text)
                form = {**form, "csrf_token": csrf}
            response = client.request(
                case.method,
                path,
                headers=headers,
                json=json_body,
                data=form,
                follow_redirects=False,
            )
            assert response.status_code < 500, (case, caller, response.text[:300])
            answers[caller] = response.status_code
            if case.action == "public":
                assert not response.headers.get("location", "").startswith("/login"), case
            want = expected(case, caller, db, seeded)
            if want == "public":
                continue
            got = outcome(case, response.status_code, response.headers.get("location", ""))
            checked += 1
            if got != want:
                failures.append(
                    f"{case.method} {case.path} as {caller}: expected {want}, got "
                    f"{response.status_code} ({response.text[:120]!r})"
                )
        if case.action == "public":
            assert len(set(answers.values())) == 1, (case, answers)
    assert failures == []
    assert checked >= 100
