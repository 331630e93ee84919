"""Use cases: what a clinician, a patient or an admin can do, as keyword-only functions.

Every function takes a :class:`~dorsi.services.context.Ctx` (the database session of the one
transaction it runs in, the clock reading, the randomness and the signed-in actor) and returns
plain pydantic models. Authorization is decided in one place,
:func:`dorsi.services.policy.can`; every read or write of patient data is audited
(:mod:`dorsi.services.audit`). Clinical decisions are delegated to :mod:`dorsi.clinical`.
"""
