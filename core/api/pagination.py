import re

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")  # 1 … 999,999,999; never a giant int() to parse


class StrictPageNumberPagination(PageNumberPagination):
    """``page`` is one whole number from 1 (the schema says so): anything else — ``page=``,
    ``page=0``, ``page=abc``, ``page`` twice — is a 404 like a page past the end, not page 1."""

    def get_page_number(self, request, paginator):
        values = request.query_params.getlist(self.page_query_param)
        if not values:
            return 1
        if len(values) > 1 or not PAGE_NUMBER.fullmatch(values[0]):
            raise NotFound(self.invalid_page_message)
        return values[0]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 999_999_999}
        return parameters
