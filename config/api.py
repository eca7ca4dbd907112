"""The REST API: one Ninja instance, each domain app adds its router."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Presales Hub API",
    version="1.0.0",
    urls_namespace="api",
    description="Accounts, contacts and opportunities with the same rules and visibility as the web pages.",
)
