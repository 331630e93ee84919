"""``dorsi reminders send``: send the exercise reminders due now (run it from cron).

Safe to run as often as wanted (every 15 minutes is plenty): a patient gets at most one
reminder a day, and a run finds the days already taken (:mod:`dorsi.services.reminder_sender`).
Prints what it did; ``--json`` prints it as one JSON object. See docs/reminders.md.
"""

from __future__ import annotations

import argparse
import json


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("send",), help="send: the reminders due now")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    from dorsi.store import require_web_extra

    require_web_extra()
    from dorsi.cli._db import configured_url, connect, wait_for_schema
    from dorsi.services.context import utc_now
    from dorsi.services.reminder_sender import send_due
    from dorsi.settings import get_settings
    from dorsi.store.db import Database

    engine = connect(configured_url())
    database = Database(engine)
    try:
        wait_for_schema(engine, "reminders")
        report = send_due(database, get_settings(), now=utc_now)
    finally:
        database.dispose()
    result = {
        "checked": report.checked,
        "sent": report.sent,
        "by_push": report.by_push,
        "by_email": report.by_email,
        "undelivered": report.undelivered,
        "browsers_removed": report.browsers_removed,
        "not_sent": dict(sorted(report.not_sent.items())),
    }
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(
            f"reminders: {report.sent} sent ({report.by_push} by notification, "
            f"{report.by_email} by e-mail, {report.undelivered} not delivered) "
            f"of {report.checked} patients with reminders"
        )
    return 0
