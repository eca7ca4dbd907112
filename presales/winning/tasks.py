"""The win-probability model's work for the queue's worker (the weekly run is scheduled in presales/ops/schedule.py)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from presales.winning import services
from presales.winning.models import ModelStatus, WinModel


@db_task(name="winning.train_win_model")
def train_win_model(model_id: int) -> str:
    """Train one queued model (the button queues it); a model already trained or training is left alone."""
    model = WinModel.objects.filter(pk=model_id, status=ModelStatus.QUEUED).first()
    if model is None:
        return "nothing queued"
    model = services.win_model_train(model=model)
    return f"model v{model.version}: {model.status}, in use: {model.in_use}"


def retrain_weekly() -> str:
    """The weekly training, run by the scheduler in the worker."""
    model = services.win_model_request(actor=None)
    if model.status != ModelStatus.QUEUED:
        return f"model v{model.version} is already {model.status}"
    model = services.win_model_train(model=model)
    return f"model v{model.version}: {model.status}, in use: {model.in_use}"
