"""From what was found to pass / warn / fail, by the user's `--fail-on` policy. Pure.

Statuses are the contract's; `wrapped` is one more condition a link can fail on: its written form
differs from the URL the author meant, so the document itself still needs fixing. `drift` is
another: the page answers but shows something other than the cited work (a warning by default).
`mismatch` is a third: the link's visible URL is another URL than its target. It warns by default,
because the contract's default `--fail-on` list is fixed and a reader online still reaches the
target; name it in `--fail-on` to fail on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from citecheck.errors import InputError
from citecheck.models import Link, LinkCheck, Match, MatchVerdict, Status

WRAPPED = "wrapped"
DRIFT = "drift"
MISMATCH = "mismatch"
CONDITIONS = frozenset({s.value for s in Status} | {WRAPPED, DRIFT, MISMATCH})
DEFAULT_FAIL_ON = frozenset({"dead", "broken", "soft-404", WRAPPED})
DEFAULT_WARN_ON = frozenset({"blocked", "timeout", "redirected", DRIFT, MISMATCH})


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Policy:
    """Which conditions fail a run and which only warn."""

    fail_on: frozenset[str] = DEFAULT_FAIL_ON
    warn_on: frozenset[str] = DEFAULT_WARN_ON

    @classmethod
    def parse(cls, fail_on: str | None) -> Policy:
        """A policy from a comma-separated `--fail-on` list (`none` for never failing)."""
        if fail_on is None:
            return cls()
        names = frozenset(n.strip() for n in fail_on.split(",") if n.strip())
        if names == {"none"}:
            return cls(frozenset(), DEFAULT_WARN_ON | DEFAULT_FAIL_ON)
        unknown = names - CONDITIONS
        if unknown:
            raise InputError(
                f"--fail-on: unknown condition(s) {', '.join(sorted(unknown))} "
                f"(known: {', '.join(sorted(CONDITIONS))}, none)"
            )
        return cls(names, (DEFAULT_WARN_ON | DEFAULT_FAIL_ON) - names - {WRAPPED})

    def judge(self, link: Link, check: LinkCheck, match: Match | None = None) -> Verdict:
        """The verdict on one link given its check (and whether its page is the cited work)."""
        conditions = {check.status.value}
        if match is not None and match.verdict is MatchVerdict.DRIFT:
            conditions.add(DRIFT)
        if link.repair is not None:
            conditions.add(WRAPPED)
        if link.visible is not None:
            conditions.add(MISMATCH)
        if conditions & self.fail_on:
            return Verdict.FAIL
        if conditions & (self.warn_on | ({WRAPPED} if link.repair is not None else set())):
            return Verdict.WARN
        return Verdict.PASS
