"""What an admin must look at: sweeps that failed in their last round(s), and outbox messages
waiting for a person. Shown on the admin's home page and on the status page."""

from __future__ import annotations

from dataclasses import dataclass

from civicdesk.notifications.models import DeliveryStatus, OutboxMessage
from civicdesk.runtime.models import SweepState


@dataclass
class Health:
    failing: list[SweepState]
    unknown_messages: int

    @property
    def ok(self) -> bool:
        return not self.failing and not self.unknown_messages


def health() -> Health:
    return Health(
        failing=list(SweepState.objects.filter(consecutive_failures__gt=0).order_by("-consecutive_failures", "name")),
        unknown_messages=OutboxMessage.objects.filter(status=DeliveryStatus.UNKNOWN).count(),
    )
