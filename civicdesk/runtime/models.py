"""What the worker's periodic sweeps last did, one row per sweep, so a sweep that keeps
failing shows on the admin's pages instead of only in a log nobody reads."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SweepState(models.Model):
    name = models.CharField(max_length=40, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # Rounds in a row that raised; 0 once a round succeeds again.
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    last_error_at = models.DateTimeField(null=True, blank=True)
    # What the last successful round moved (the sweep's own count).
    last_count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("定时巡检")
        verbose_name_plural = _("定时巡检")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def failing(self) -> bool:
        return self.consecutive_failures > 0
