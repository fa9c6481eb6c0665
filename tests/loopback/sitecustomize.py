"""Loaded by every Python process a test starts (conftest puts this folder on PYTHONPATH)."""

import loopback_only

loopback_only.install()
