"""Generic views every app's pages are made of (after NetBox's netbox/views/generic/object_views.py).

A page declares what is particular to it (its queryset, FilterSet, table, form, template and the service it calls)
and inherits the rest: visibility, filtering, sorting, paging, the CSV/XLSX download and the htmx partial of a list;
the conflict and validation handling of an edit; the confirmation of a delete; permission-checked downloads.
"""

from presales.core.views.attachments import AttachmentDownloadView, AttachmentUploadView
from presales.core.views.delete import ObjectDeleteView
from presales.core.views.edit import ObjectEditView, run_action, run_service, submit_form
from presales.core.views.lists import ObjectListView, paginate
from presales.core.views.params import date_param
from presales.core.views.permissions import requires

__all__ = [
    "AttachmentDownloadView",
    "AttachmentUploadView",
    "ObjectDeleteView",
    "ObjectEditView",
    "ObjectListView",
    "date_param",
    "paginate",
    "requires",
    "run_action",
    "run_service",
    "submit_form",
]
