"""The reminder sender: decides who is due a reminder now and sends it (``dorsi reminders send``).

For each patient with push or e-mail reminders, in three short steps:

1. In one transaction, :func:`dorsi.clinical.reminders.decide` looks at the plan, the
   check-ins of the patient's local day, the pause and the reminders already sent; when it says
   send, a ``reminders_sent`` row for that local day is written first. Its unique constraint
   makes a second run (or two runs at once) find the day taken and send nothing.
2. Outside any transaction, the reminder goes to every subscribed browser (Web Push); when no
   browser took it (none subscribed, or every push service refused), it goes by e-mail, if the
   patient chose e-mail and an SMTP server is configured. One reminder a day, one way.
3. In a second transaction, what was delivered is written, browsers the push service no
   longer knows (404, 410) are deleted, and the send is audited.

A day claimed in step 1 stays claimed even when delivery fails: a missed reminder is better
than a second one.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import httpx
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dorsi.clinical.reminders import decide
from dorsi.i18n import gettext_for
from dorsi.services import audit, mail, webpush
from dorsi.services.context import Ctx, run_unit
from dorsi.services.reminders import schedule_of
from dorsi.settings import Settings
from dorsi.store.db import Database
from dorsi.store.models import Patient, PushSubscription, ReminderPlan, ReminderSent, SessionCheckin


@dataclass
class SendReport:
    """What one run did: patients looked at, reminders sent by channel, reasons for not."""

    checked: int = 0
    sent: int = 0
    by_push: int = 0
    by_email: int = 0
    undelivered: int = 0
    browsers_removed: int = 0
    not_sent: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Claim:
    patient_id: int
    sent_id: int
    lang: str
    push: tuple[webpush.Target, ...]
    email: str | None


def _words(lang: str) -> dict[str, str]:
    _ = gettext_for(lang).gettext
    return {
        "title": _("Time for your foot exercises"),
        "body": _("Open Dorsi to start your session."),
        "stop": _("To change or stop these reminders, open Dorsi and choose Reminders."),
    }


def _claim(ctx: Ctx, patient_id: int) -> _Claim | str:
    """Step 1: the decision, and the day taken when it says send (else the reason why not)."""
    plan = ctx.db.get(ReminderPlan, patient_id)
    patient = ctx.db.get(Patient, patient_id)
    if plan is None or patient is None or not (plan.by_push or plan.by_email):
        return "no_channel"
    schedule = schedule_of(plan)
    day = ctx.now.astimezone(schedule.zone).date()
    done = frozenset(
        ctx.db.scalars(
            select(SessionCheckin.session_date).where(
                SessionCheckin.patient_id == patient_id, SessionCheckin.session_date == day
            )
        )
    )
    sent = frozenset(
        ctx.db.scalars(
            select(ReminderSent.local_day).where(
                ReminderSent.patient_id == patient_id, ReminderSent.local_day == day
            )
        )
    )
    decision = decide(
        schedule, now=ctx.now, done_days=done, sent_days=sent, paused=patient.program_paused
    )
    if not decision.send:
        return decision.reason
    row = ReminderSent(
        patient_id=patient_id, local_day=decision.local_day, sent_at=ctx.now, delivered="pending"
    )
    ctx.db.add(row)
    ctx.db.flush()
    targets: tuple[webpush.Target, ...] = ()
    if plan.by_push:
        targets = tuple(
            webpush.Target(id=s.id, endpoint=s.endpoint, p256dh=s.p256dh, auth=s.auth)
            for s in ctx.db.scalars(
                select(PushSubscription)
                .where(PushSubscription.patient_id == patient_id)
                .order_by(PushSubscription.id)
            )
        )
    return _Claim(
        patient_id=patient_id,
        sent_id=row.id,
        lang=patient.preferred_language,
        push=targets,
        email=plan.email if plan.by_email else None,
    )


def _deliver(
    settings: Settings, client: httpx.Client, claim: _Claim
) -> tuple[str, tuple[int, ...]]:
    """Step 2: push to every browser, else e-mail. (what reached the patient, gone browsers)"""
    words = _words(claim.lang)
    message = {"title": words["title"], "body": words["body"], "url": "/me", "tag": "reminder"}
    reached = False
    gone: list[int] = []
    for target in claim.push:
        try:
            status = webpush.send(settings, client, target, message)
        except (httpx.HTTPError, ValueError):  # unreachable, or keys that cannot encrypt
            continue
        if status in webpush.GONE:
            gone.append(target.id)
        elif 200 <= status < 300:
            reached = True
    if reached:
        return "push", tuple(gone)
    if claim.email is not None and mail.configured(settings):
        text = f"{words['body']}\n\n{words['stop']}\n"
        email = mail.build(settings, to=claim.email, subject=words["title"], text=text)
        try:
            mail.send(settings, email)
        except (smtplib.SMTPException, OSError):
            return "none", tuple(gone)
        return "email", tuple(gone)
    return "none", tuple(gone)


def _finish(ctx: Ctx, claim: _Claim, delivered: str, gone: tuple[int, ...]) -> None:
    """Step 3: write what was delivered, drop the browsers that are gone, audit."""
    row = ctx.db.get(ReminderSent, claim.sent_id)
    if row is not None:
        row.delivered = delivered
    for sub_id in gone:
        sub = ctx.db.get(PushSubscription, sub_id)
        if sub is not None:
            ctx.db.delete(sub)
    detail = f"reminder delivered by {delivered}"
    if gone:
        detail += f"; {len(gone)} browser(s) unsubscribed"
    audit.note(ctx, "reminder.send", claim.patient_id, detail)


def send_due(
    database: Database,
    settings: Settings,
    *,
    now: Callable[[], dt.datetime],
    client: httpx.Client | None = None,
) -> SendReport:
    """Send every reminder due at ``now()``; safe to run as often as wanted (cron)."""
    report = SendReport()

    def make_ctx(session: Session) -> Ctx:
        return Ctx(
            db=session,
            now=now(),
            settings=settings,
            secret=settings.secret(),
            request_id="reminders",
        )

    with database.transaction() as session:
        patient_ids = list(
            session.scalars(
                select(ReminderPlan.patient_id)
                .where(ReminderPlan.by_push.is_(True) | ReminderPlan.by_email.is_(True))
                .order_by(ReminderPlan.patient_id)
            )
        )
    own_client = client is None
    http = client or httpx.Client()
    try:
        for patient_id in patient_ids:
            report.checked += 1
            try:
                claim = run_unit(database, make_ctx, partial(_claim, patient_id=patient_id))
            except IntegrityError:  # another run took this day a moment ago
                report.not_sent["already_sent"] += 1
                continue
            if isinstance(claim, str):
                report.not_sent[claim] += 1
                continue
            delivered, gone = _deliver(settings, http, claim)
            finish = partial(_finish, claim=claim, delivered=delivered, gone=gone)
            run_unit(database, make_ctx, finish)
            report.sent += 1
            report.by_push += delivered == "push"
            report.by_email += delivered == "email"
            report.undelivered += delivered == "none"
            report.browsers_removed += len(gone)
    finally:
        if own_client:
            http.close()
    return report


__all__ = ["SendReport", "send_due"]
