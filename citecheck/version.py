"""Who we are on the wire: the version and the honest User-Agent. Pure, and cheap to import."""

from citecheck import __version__

PROJECT_URL = "https://github.com/citecheck/citecheck"
DEFAULT_USER_AGENT = f"citecheck/{__version__} (+{PROJECT_URL}; citation checker)"
WAYBACK = "https://web.archive.org"
