"""The clinical core: pure, typed decisions with no web, database or file I/O.

Modules: ``screening`` (red-flag triage), ``program`` (home program builder), ``progress``
(progress review against measurement error), ``outlook`` (recovery timeline), ``cost``
(out-of-pocket estimate). Each takes a validated input contract and returns an output
contract; contracts are pydantic models parsed with :func:`dorsi.clinical.contract.parse`.
"""
