"""Data for other systems: the FHIR R4 export and the CSV export of a patient's record.

Pure functions of a :class:`~dorsi.interop.record.PatientRecord` (no database, web or file
I/O); the services layer loads the record after the policy check and the audit entry.
"""

from dorsi.interop.csv_export import measurements_csv, sessions_csv
from dorsi.interop.fhir import MEDIA_TYPE, GeneratedDocument, build_bundle
from dorsi.interop.record import PatientRecord

__all__ = [
    "MEDIA_TYPE",
    "GeneratedDocument",
    "PatientRecord",
    "build_bundle",
    "measurements_csv",
    "sessions_csv",
]
