"""The clinical catalog: validated data shipped in the package.

Data files live in ``dorsi/catalog/data/`` (YAML). Each is described by a pydantic model and
loaded once with :func:`dorsi.catalog.load.load_data`, which fails loudly with the file and
the field when the data is invalid. Every number carries its source
(:class:`dorsi.catalog.sourced.Sourced`); values without published evidence are marked
``evidence: clinician_default``.
"""
