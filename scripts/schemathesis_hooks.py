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
dropped from a schema-valid case.

Reads KASAR_FUZZ_API (the service's URL) and KASAR_FUZZ_TOKEN (a token of the
organization); loaded through SCHEMATHESIS_HOOKS=schemathesis_hooks.
"""

import os
import re
import uuid

import requests
import schemathesis
from schemathesis import GenerationMode

_UUID = re.compile(r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$")
_OBJECT_PATH = re.compile(r"^/api/v1/(?:records|import)/([a-z0-9_]+)")
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


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    body = case.body
    if case.operation.path == "/api/v1/bulk" and isinstance(body, dict):
        _fix_bulk(body)
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
        positive = case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE
        if positive:
            body.pop("cursor", None)
    elif case.operation.method.upper() in ("POST", "PUT", "PATCH"):
        _fix_record(body, fields)
