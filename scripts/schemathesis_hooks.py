"""schemathesis hooks of `make fuzz`'s run against an organization's document.

A relation field holds the id of an existing record of its target object (an
OWNER field, of a user of the organization): the contract answers 400 for an
id that names nothing, and no OpenAPI document can list the ids that exist.
Before each request, every UUID a body gives a relation field (or a bulk
change gives as a relation's value or targets) is replaced by
the id of a record that exists (picked by the generated UUID, so cases stay
varied and reproducible); what is not a UUID is left as generated, so a
schema-violating case stays one. A search's `cursor` can only come from the
`nextCursor` of an earlier page of the same selection: a generated one is
dropped from a schema-valid case. A FilterGroup holds at most 50 conditions
in all, but a schema can only bound each group (`maxItems`): the FilterGroup
of a schema-valid search (`filters`) or bulk change (`where`) is cut to its
first 50 conditions, a group left empty dropped.

The query parameters of a list (`GET /api/v1/records/<object>`), an export
(`GET /api/v1/export/<object>`) and a pairs export
(`GET /api/v1/export/duplicates/<object>`) are typed per object by the
document (fields, operators, directions, names), but some rules tie one
parameter to another and no parameter schema can state them. A schema-valid
(positive) query is made to obey them, keeping what was generated where it
can; a negative one is sent as generated. Schema-valid queries the service
would refuse, and what is done to them (schemathesis_query.py):

- `cursor` comes from the `nextCursor` of an earlier page of the same
  selection: a generated one is dropped.
- An empty selection parameter is an absent one (the document says
  `allowEmptyValue`), but for `filter_value`, where "" is a value: the rules
  below read it so.
- `filters` is JSON text of a FilterGroup of the object (at most 50
  conditions in all): other text is dropped; a FilterGroup excludes
  `filter_field`, `filter_operator`, `filter_value` and `search`, which are
  dropped beside it.
- `sort` is JSON text of a list of at most 8 sort keys of the object: other
  text is dropped; a non-empty list excludes `sort_by` and `sort_dir`, which
  are dropped beside it (an empty list is no sort given).
- `filter_operator` and `filter_value` go with `filter_field`: without a
  field, they are dropped.
- With `filter_field`, the operator must apply to the field's type and the
  value, as the service reads it (a number for a NUMBER field, `true` or
  `false` for a BOOLEAN one, text otherwise; comma-separated and trimmed for
  `in`, `not_in`, `has_any`, `has_none`), must be one the object's
  `FilterCondition_<object>` takes with that operator; `is_null` and
  `is_not_null` take any value or none. A missing or unfitting operator is
  replaced by one that fits the field and the value (chosen from the
  generated operator and value); `is_null` and `is_not_null` always fit.
- A pairs export's `fields` name criteria (`email`, `phone`, `linkedin`,
  `name`) in exact mode and comparisons of the object's match profile in
  fuzzy mode: the names of the other mode are dropped, and `fields` with
  them when none is left.

Reads KASAR_FUZZ_API (the service's URL) and KASAR_FUZZ_TOKEN (a token of the
organization); loaded through SCHEMATHESIS_HOOKS=schemathesis_hooks.
"""

import os
import re
import uuid

import requests
import schemathesis
from schemathesis import GenerationMode

import schemathesis_query

_UUID = re.compile(r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$")
_OBJECT_PATH = re.compile(r"^/api/v1/(?:records|import)/([a-z0-9_]+)")
_SELECTION_PATH = re.compile(r"^/api/v1/(?:records|export)/([a-z0-9_]+)$")
_PAIRS_PATH = re.compile(r"^/api/v1/export/duplicates/([a-z0-9_]+)$")
_catalog = None
_users = None


def _call(method, path, body=None):
    response = requests.request(
        method,
        os.environ["KASAR_FUZZ_API"] + path,
        headers={"Authorization": "Bearer " + os.environ["KASAR_FUZZ_TOKEN"]},
        json=body,
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def _relations():
    """{object: {relation field: target object, or None for an OWNER}}, read once."""
    global _catalog
    if _catalog is None:
        _catalog = {
            obj["name"]: {
                f["name"]: f["target"]
                for f in obj["fields"]
                if f["type"] in ("OWNER", "BELONGS_TO_ONE", "MANY_TO_MANY")
            }
            for obj in _call("GET", "/api/v1/schema")["objects"]
        }
    return _catalog


def _ids(target):
    """Ids of records of `target` that exist now (the fuzzing deletes some;
    one is created when none is left); users of the organization for None."""
    global _users
    if target is None:
        if _users is None:
            _users = [_call("GET", "/api/v1/me")["workspaceUserId"]]
        return _users
    ids = [r["id"] for r in _call("GET", f"/api/v1/records/{target}?limit=20&fields=id")["data"]]
    if not ids:
        ids = [_call("POST", f"/api/v1/records/{target}", _minimal(target))["id"]]
    return ids


def _minimal(target):
    """A record of `target` with a value for each required field."""
    values = {
        "TEXT": "fuzz", "PHONE": "+1 555 0100", "LINKEDIN": "in/fuzz", "EMAIL": "fuzz@fuzz.test",
        "NUMBER": 1, "BOOLEAN": True, "DATE": "2020-01-01",
    }
    for obj in _call("GET", "/api/v1/schema")["objects"]:
        if obj["name"] == target:
            return {
                f["name"]: f["options"][0] if f["type"] == "SELECT" else values[f["type"]]
                for f in obj["fields"]
                if f["required"] and f["default"] is None and (f["type"] in values or f["options"])
            }
    return {}


def _existing(value, ids):
    """`value` with each UUID replaced by one of `ids` (none: left as is)."""
    if isinstance(value, list):
        return [_existing(v, ids) for v in value]
    if ids and isinstance(value, str) and _UUID.match(value):
        return ids[uuid.UUID(value).int % len(ids)]
    return value


def _fix_record(record, fields):
    if isinstance(record, dict):
        for name, target in fields.items():
            if name in record and record[name] is not None:
                record[name] = _existing(record[name], _ids(target))


def _fix_bulk(body):
    """A bulk change's relation value or target ids name existing records."""
    obj = body.get("object_name")
    fields = _relations().get(obj, {}) if isinstance(obj, str) else {}
    name = body.get("field_name") if body.get("action") == "update_field" else body.get("relation_field")
    key = "field_value" if body.get("action") == "update_field" else "target_ids"
    if isinstance(name, str) and name in fields and body.get(key) is not None:
        body[key] = _existing(body[key], _ids(fields[name]))


def _positive(case):
    return case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE


def _fix_query(case):
    """A positive query of a list, an export or a pairs export made to obey
    the rules between its parameters."""
    if not isinstance(case.query, dict):
        return
    path = case.operation.path
    match = _PAIRS_PATH.match(path)
    if match is not None:
        schemathesis_query.fix_pairs(case.query, schemathesis_query.obj(match.group(1), _get))
        return
    match = _SELECTION_PATH.match(path)
    if match is not None:
        schemathesis_query.fix_selection(case.query, schemathesis_query.obj(match.group(1), _get))


def _get(path):
    return _call("GET", path)


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if case.operation.method.upper() == "GET":
        if _positive(case):
            _fix_query(case)
        return
    body = case.body
    if case.operation.path == "/api/v1/bulk" and isinstance(body, dict):
        _fix_bulk(body)
        if _positive(case):
            schemathesis_query.cap_filters(body, "where")
        return
    match = _OBJECT_PATH.match(case.operation.path)
    if match is None or not isinstance(body, dict):
        return
    fields = _relations().get(match.group(1), {})
    if isinstance(body.get("records"), list):
        for record in body["records"]:
            _fix_record(record, fields)
    elif isinstance(body.get("record"), dict):
        _fix_record(body["record"], fields)
    elif case.operation.path.endswith("/search"):
        if _positive(case):
            body.pop("cursor", None)
            schemathesis_query.cap_filters(body, "filters")
    elif case.operation.method.upper() in ("POST", "PUT", "PATCH"):
        _fix_record(body, fields)
