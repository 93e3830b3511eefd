"""Tooling that runs from a source checkout, never shipped in the wheel: the synthetic benchmark
(``python -m tools.bench``) and the translated-text count (``python -m tools.translated``).

tools/ imports brief, never the other way round; it may use the test suite's helpers (tests/tiny_models.py,
tests/webserver.py), which is why it lives here and not in the package.
"""
