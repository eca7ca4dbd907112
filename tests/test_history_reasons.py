"""History reason codes are one namespace for every app: each code reads as the app that writes it means it."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from presales.core.history import REASON_LABELS, reason_label, register_reasons


def test_a_cancelled_request_and_a_cancelled_delegation_read_as_themselves():
    with translation.override("en"):
        assert reason_label("cancelled") == "cancelled"  # work: a support request withdrawn
        assert reason_label("delegation cancelled") == "delegation cancelled"  # approvals: a stand-in removed
    with translation.override("zh-hans"):
        assert reason_label("delegation cancelled") != "delegation cancelled"  # translated


def test_a_code_cannot_be_given_a_second_meaning():
    before = dict(REASON_LABELS)
    with pytest.raises(ImproperlyConfigured, match="cancelled"):
        register_reasons({"cancelled": "something else"})
    register_reasons({"cancelled": REASON_LABELS["cancelled"]})  # the same meaning again is harmless
    assert REASON_LABELS == before
