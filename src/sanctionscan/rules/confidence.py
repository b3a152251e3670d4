"""How sure a finding is: one place that scores a frame, factor by factor.

The confidence starts from a base and each factor of the frame raises or lowers it (both
parties named, a verb rather than a noun, vague goods, goods or parties carried in from an
earlier sentence, an inferred supplier), then the status scales it (an allegation is less sure
than an assertion). The factors are kept, so a finding can say why it is as sure as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sanctionscan.frames import Frame
from sanctionscan.models import Status

BASE = 0.75
# How much a status lowers the confidence that a frame is a real breach.
STATUS_FACTOR = {
    Status.asserted: 1.0, Status.attempted: 0.9, Status.alleged: 0.8, Status.historical: 0.6,
    Status.planned: 0.45, Status.denied: 0.3,
    # never a finding (models.NOT_EVENTS); here so that every status has a factor
    Status.legal_context: 0.0, Status.not_in_force: 0.0, Status.hypothetical: 0.0,
    Status.exempted: 0.0, Status.cleared: 0.0,
}


@dataclass(frozen=True, slots=True)
class Factor:
    """One reason a confidence is what it is: a named property of the frame and its effect."""

    name: str
    effect: float  # added to the score (before the status scales it)
    detail: str


@dataclass(frozen=True, slots=True)
class Confidence:
    value: float
    factors: tuple[Factor, ...]
    status_factor: float


def score(frame: Frame, *, generic_goods: bool, has_counterparty: bool) -> Confidence:
    """The confidence of a finding drawn from `frame` for one of its goods."""
    factors = []
    if has_counterparty:
        factors.append(Factor("counterparty", 0.1, "both sides of the transfer are named"))
    if frame.action.form == 0:
        factors.append(Factor("verb", 0.05, "a transfer verb, not a noun"))
    if generic_goods:
        factors.append(Factor("generic_goods", -0.15, "the goods word is vague"))
    if frame.carried:
        factors.append(Factor("carried", -0.1, "goods or parties come from an earlier sentence"))
    if frame.inferred_supplier:
        factors.append(Factor("inferred_supplier", -0.05,
                              "the supplier is the origin of the goods"))
    if frame.kind == "carry" and not (frame.recipients and frame.suppliers):
        factors.append(Factor("carry_one_side", -0.05,
                              "a carrying verb with one side of the flow"))
    raw = BASE
    for factor in factors:  # in this order: the sum is rounded below
        raw += factor.effect
    status_factor = STATUS_FACTOR[frame.status]
    value = round(max(0.05, min(0.99, raw * status_factor)), 2)
    return Confidence(value=value, factors=tuple(factors), status_factor=status_factor)


def activity_score(status: Status, *, has_place: bool) -> Confidence:
    """The confidence of a finding on a listed party's activity (travel, a port call)."""
    factors = [Factor("place", 0.1, "where the listed party went is named")] if has_place else []
    raw = BASE
    for factor in factors:
        raw += factor.effect
    status_factor = STATUS_FACTOR[status]
    value = round(max(0.05, min(0.99, raw * status_factor)), 2)
    return Confidence(value=value, factors=tuple(factors), status_factor=status_factor)
