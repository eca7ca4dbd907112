"""The person's steps of an import, for tests that drive the services directly."""

from __future__ import annotations

from presales.integration import runner, services
from presales.integration.models import ImportJob, ImportStatus
from presales.people.models import User


def queue_check(actor: User, job: ImportJob) -> ImportJob:
    """Let the worker read the upload, keep the automatic columns and values, and queue the check."""
    if job.status == ImportStatus.SCAN_QUEUED:
        assert runner.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.MAPPING, job.failure
    services.import_job_set_mapping(actor=actor, job=job, mapping=job.mapping, defaults=job.defaults)
    return services.import_job_set_values(actor=actor, job=job, value_map={})
