"""PDF documents: the progress note and the home-exercise handout.

Pure builders: a view model in, PDF bytes out (ReportLab, the ``reports`` extra). The view
models are computed from a :class:`~dorsi.interop.record.PatientRecord` by
:func:`progress_note_view` and :func:`handout_view`; the services layer loads the record.
Output is deterministic: the same view and ``created`` time give the same bytes.
"""

from dorsi.reports._pdf import PAPERS, Paper, require_reports_extra
from dorsi.reports.handout import HandoutView, handout_view, render_handout
from dorsi.reports.progress_note import render_progress_note
from dorsi.reports.progress_view import ProgressNoteView, default_period, progress_note_view

__all__ = [
    "PAPERS",
    "HandoutView",
    "Paper",
    "ProgressNoteView",
    "default_period",
    "handout_view",
    "progress_note_view",
    "render_handout",
    "render_progress_note",
    "require_reports_extra",
]
