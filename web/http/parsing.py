"""Request parsing: a pydantic model from the query string or the JSON body; a 422
problem naming each bad parameter (rules over several parameters name theirs too)."""

from typing import Any, TypeVar, get_origin

from flask import request
from pydantic import BaseModel, ValidationError

from web.http.problems import ErrorCode, Problem
from web.http.schemas import PAIRING_ERROR

M = TypeVar("M", bound=BaseModel)

# Pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) that
# have a code of their own; any other type (int_parsing, datetime_from_date_parsing,
# string_pattern_mismatch, ...) is "invalid_format".
_CODES: dict[str, ErrorCode] = {
    "missing": "required",
    "string_too_short": "too_short",
    "too_short": "too_short",
    "string_too_long": "too_long",
    "too_long": "too_long",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "finite_number": "out_of_range",
    "literal_error": "not_allowed_value",
    "enum": "not_allowed_value",
    "extra_forbidden": "unknown_parameter",
}


def parse_query(model: type[M]) -> M:
    data: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        values = request.args.getlist(name)
        if values:
            data[name] = values if get_origin(field.annotation) is list else values[0]
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _validation_problem(error, query=True) from None


def parse_body(model: type[M]) -> M:
    if not request.is_json:
        raise Problem(
            415,
            "Unsupported media type",
            "send the body as application/json",
            [("Content-Type", "must be application/json")],
        )
    try:
        return model.model_validate_json(request.get_data(cache=True))
    except ValidationError as error:
        raise _validation_problem(error) from None


def _validation_problem(error: ValidationError, query: bool = False) -> Problem:
    """422 naming each parameter: the query parameter, or the body field's dotted path."""
    errors = []
    parts = []
    for item in error.errors(include_url=False, include_input=False):
        message = item["msg"].removeprefix("Value error, ")
        code = _CODES.get(item["type"], "invalid_format")
        if item["type"] == PAIRING_ERROR:  # a rule over several parameters names one
            param = str(item.get("ctx", {})["param"])
            code = item.get("ctx", {})["code"]
            parts.append(message)
        else:
            loc = item["loc"][:1] if query else item["loc"]
            param = ".".join(str(part) for part in loc) or "body"
            parts.append(f"{param}: {message}")
        errors.append((param, message, code))
    detail = "; ".join(parts)
    return Problem(422, "Invalid parameter", detail, errors)
