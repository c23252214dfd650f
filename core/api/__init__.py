"""Shared plumbing of the REST API (/api/v1/): strict query parameters and pagination, documented
error responses, JSON error pages. Apps keep their viewsets in ``<app>/api/``."""
