"""brief: Arabic news in, a cited one-page English brief out.

Importing this package does nothing else: no files, no environment, no models, no network.
"""

__version__ = "0.1.0"
