"""The progress review's alerts in clinical words, for clinicians (the worklist, the patient
page).

The review's own messages speak to the patient ("stop and contact your therapist", "tell your
therapist"); a clinician needs the finding instead. The kinds, numbers and measures are the
review's own (nothing is decided here); a kind this module does not know yet (a new alert of
the review) is shown with its name and the review's message, so it still reaches the
clinician.
"""

from __future__ import annotations

from dorsi.catalog.measures import load_measures
from dorsi.clinical.progress import ProgressOutput
from dorsi.clinical.progress_contract import Alert
from dorsi.interop.fhir_review import statement

#: The adherence a plateau and progression need (``progress_rules.yaml``, a clinician default).
_ADEQUATE_PCT = 70


def _stop(progress: ProgressOutput) -> str:
    active = [s for s in progress.stops if s.status == "active"]
    weak = [s.date.isoformat() for s in active if s.weakness_worse]
    balance = [s.date.isoformat() for s in active if s.balance_worse]
    found = []
    if weak:
        found.append(f"increased weakness ({', '.join(weak)})")
    if balance:
        found.append(f"worse balance ({', '.join(balance)})")
    reported = " and ".join(found) or "a stop symptom"
    return (
        f"Stop rule: patient-reported {reported} at check-in; home program paused. Contact the "
        "patient; re-screen for a new or progressive neurological deficit before restarting."
    )


def worse_measures(progress: ProgressOutput) -> list[str]:
    """The measures the review found worse (against any reference), in catalog order."""
    return [mid for mid, review in progress.measures.items() if review.status == "worse"]


def measure_statement(progress: ProgressOutput, measure_id: str) -> str:
    """One measure's review in clinical words (as the progress note and FHIR export say it)."""
    review = progress.measures.get(measure_id)
    measure = {m.id: m for m in load_measures().measures}.get(measure_id)
    if review is None or measure is None:
        return f"Worsening: {measure_id.replace('_', ' ')} below its reference beyond the MDC."
    return "Worsening: " + statement(review, measure)


def _pain(progress: ProgressOutput) -> str:
    trend = progress.pain_trend
    if trend is None or trend.recent_mean is None or trend.earlier_mean is None:
        return "Pain rising on the check-in NRS; progression held."
    return (
        f"Pain rising: mean NRS {trend.recent_mean:.1f}/10 over the recent window "
        f"(n={trend.recent_checkins}) vs {trend.earlier_mean:.1f}/10 before "
        f"(n={trend.earlier_checkins}); progression held. Consider reducing the dosage."
    )


def _adherence(progress: ProgressOutput) -> str:
    a = progress.adherence
    if a.percent is None:
        return "Low adherence: no planned sessions to count."
    return (
        f"Low adherence: {a.sessions_done} of {a.sessions_planned} planned days "
        f"({a.percent}%, below {_ADEQUATE_PCT}%)."
    )


def clinical_text(alert: Alert, progress: ProgressOutput) -> str:
    """What ``alert`` means for the clinician."""
    kind = alert.kind
    if kind == "stop_program":
        return _stop(progress)
    if kind == "worsening":
        worse = worse_measures(progress)
        return " ".join(measure_statement(progress, m) for m in worse) or (
            "Worsening beyond the MDC."
        )
    if kind == "pain_rising":
        return _pain(progress)
    if kind == "plateau":
        return (
            "Plateau: no change beyond the MDC in any trended measure despite adequate "
            "adherence. Review the plan (dosage, phase, referral for nerve studies or a "
            "surgical opinion where strength is flat)."
        )
    if kind == "reassessment_due":
        return "Reassessment due: no measurement recorded in the last 28 days."
    if kind == "regress":
        return (
            "Regress: last session pain above 5/10 or the last sessions rated hard; reduce "
            "the dosage."
        )
    if kind == "low_adherence":
        return _adherence(progress)
    if kind == "ready_to_progress":
        return (
            "Ready to progress: real improvement, nothing worse, pain at most 3/10, adherence "
            "adequate" + (" and next-phase entry criteria met." if progress.next_phase else ".")
        )
    return f"{str(kind).replace('_', ' ').capitalize()}: {alert.message}"


def clinical_texts(progress: ProgressOutput) -> list[tuple[str, str]]:
    """Every alert of ``progress`` as (kind, clinical words), in the review's order."""
    return [(alert.kind, clinical_text(alert, progress)) for alert in progress.alerts]


__all__ = ["clinical_text", "clinical_texts", "measure_statement", "worse_measures"]
