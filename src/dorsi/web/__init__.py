"""The clinic web app: FastAPI pages for clinicians and patients, and the JSON API ``/api/v1``.

Build it with :func:`dorsi.web.app.create_app`; ``dorsi serve`` runs it with uvicorn.
"""
