"""What the scheduled jobs did: one row per run, read by /health/ and the admin."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunOutcome(models.TextChoices):
    RUNNING = "running", _("Running")
    OK = "ok", _("Succeeded")
    ERROR = "error", _("Failed")


class JobRun(models.Model):
    """One run of a scheduled job: when it started and finished, whether it worked, and a one-line summary.

    `slot` is the scheduled time the run serves (e.g. today 08:00 for a daily job). At most one run per job and
    slot may be running or have succeeded (a partial unique constraint): that is how several workers, each with
    its own scheduler, run each job once; a failed run leaves the slot free for the next attempt.
    """

    job = models.CharField(_("job"), max_length=100)
    slot = models.DateTimeField(_("scheduled for"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(_("result"), max_length=10, choices=RunOutcome.choices, default=RunOutcome.RUNNING)
    message = models.CharField(_("message"), max_length=500, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("scheduled job run")
        verbose_name_plural = _("scheduled job runs")
        indexes = [models.Index(fields=["job", "-started_at"], name="ops_jobrun_job_started")]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "slot"],
                condition=models.Q(outcome__in=["running", "ok"]),
                name="ops_jobrun_one_live_run_per_slot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M} {self.outcome}"
