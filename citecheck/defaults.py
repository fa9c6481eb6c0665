"""The defaults of a run's network settings, in one table: the configuration (`config.Config`),
the HTTP client (`net.NetOptions`) and the link check (`check.CheckOptions`) all start from it,
so a default changed here is changed everywhere."""

from __future__ import annotations

TIMEOUT = 20.0
"""Seconds a request may take, answer and body included."""
MAX_CONCURRENCY = 128
"""Requests in flight at once, over all hosts."""
MAX_PER_HOST = 4
"""Requests in flight at once to one host."""
MIN_INTERVAL = 0.05
"""Seconds between the starts of two requests to one host."""
RETRIES = 2
"""Retries of a request that timed out or lost its connection."""
