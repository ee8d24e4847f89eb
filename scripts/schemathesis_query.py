"""The rules between query parameters of a list, an export and a pairs export
that no parameter schema can state, applied to a schema-valid query, and the
bound on a FilterGroup's conditions in all, which no schema can state either
(the rules themselves are listed in schemathesis_hooks.py's docstring).

Each parameter is typed per object by the organization's document; what this
module knows of the object comes from that document (`FilterCondition_<object>`,
`FilterGroup_<object>`, `SortKey_<object>`) and from the catalog (field types,
the comparisons of the match profile), both read once through `fetch`.
"""

import json
import math
import re
import zlib

import jsonschema_rs

# White space as the service trims it (Rust's `trim`: Unicode's White_Space).
_WHITE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
# What Rust's `str::parse::<f64>` reads as a finite number (no inf or nan).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_LIST_OPS = ("in", "not_in", "has_any", "has_none")
_NULL_OPS = ("is_null", "is_not_null")
# The criteria of an exact detect (the contract's four).
_CRITERIA = ("email", "phone", "linkedin", "name")
_MAX_CONDITIONS = 50


def _trim(text):
    return text.strip(_WHITE)


def _reject_constant(name):
    raise ValueError(name)


def _json(text):
    """`text` parsed as serde_json does (no NaN nor Infinity), or None."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        return None


def _pick(options, *seeds):
    """One of `options`, chosen by the generated `seeds` (stable across runs)."""
    key = "\0".join(s if isinstance(s, str) else repr(s) for s in seeds)
    return options[zlib.crc32(key.encode("utf-8", "surrogatepass")) % len(options)]


class _Object:
    """What the rules need of one object, from the document and the catalog."""

    def __init__(self, name, document, catalog):
        components = {"components": document["components"]}

        def validator(schema, refs=False):
            # A `$ref` names a component: the components come along.
            return jsonschema_rs.validator_for({**schema, **components} if refs else schema, validate_formats=True)

        ref = "#/components/schemas/"
        self.group = validator({"$ref": f"{ref}FilterGroup_{name}"}, refs=True)
        self.sort = validator({"type": "array", "maxItems": 8, "items": {"$ref": f"{ref}SortKey_{name}"}}, refs=True)
        # {column: [(operators, validator of a condition)]}
        self.conditions = {}
        for branch in document["components"]["schemas"][f"FilterCondition_{name}"]["anyOf"]:
            props = branch["properties"]
            (column,) = props["field"]["enum"]
            self.conditions.setdefault(column, []).append((props["operator"]["enum"], validator(branch)))
        obj = next(o for o in catalog if o["name"] == name)
        self.types = {f["name"]: f["type"] for f in obj["fields"]}
        self.comparisons = [c["name"] for c in obj["matching"]["comparisons"]]

    def _typed(self, column, text):
        """A query-string value as the JSON the service compares (its `typed`)."""
        kind = self.types.get(column)
        if kind == "NUMBER" and _NUMBER.fullmatch(text) and math.isfinite(float(text)):
            return float(text)
        if kind == "BOOLEAN" and text in ("true", "false"):
            return text == "true"
        return text

    def fits(self, column, op, text):
        """Whether `column`, `op` and the query value `text` make a condition the service takes."""
        if op in _NULL_OPS:
            return True
        if text is None:
            return False
        if op in _LIST_OPS:
            value = [self._typed(column, _trim(t)) for t in text.split(",")]
        else:
            value = self._typed(column, text)
        condition = {"field": column, "operator": op, "value": value}
        return any(op in ops and v.is_valid(condition) for ops, v in self.conditions.get(column, []))

    def operators(self, column):
        return [op for ops, _ in self.conditions.get(column, []) for op in ops]

    def filter_group(self, text):
        """Whether `text` is a FilterGroup the service takes."""
        value = _json(text)
        return self.group.is_valid(value) and _count(value) <= _MAX_CONDITIONS

    def sort_keys(self, text):
        """The sort keys of `text` (a list, maybe empty), or None when the service refuses it."""
        value = _json(text)
        return value if self.sort.is_valid(value) else None


def _count(group):
    """The conditions of a FilterGroup, at every level."""
    return sum(_count(c) if "type" in c else 1 for c in group["conditions"])


def capped(group, budget=_MAX_CONDITIONS):
    """A FilterGroup (as the schema has it) cut to its first `budget`
    conditions, in the order the service reads them; a group left empty goes
    too. Returns the group (None when empty) and the conditions it keeps."""
    kept, used = [], 0
    for item in group["conditions"]:
        if used >= budget:
            break
        if isinstance(item, dict) and "type" in item:
            sub, n = capped(item, budget - used)
            if sub is not None:
                kept.append(sub)
                used += n
        else:
            kept.append(item)
            used += 1
    return ({**group, "conditions": kept} if kept else None), used


def cap_filters(container, key):
    """`container[key]`, when a FilterGroup, cut to the conditions the
    service takes in all."""
    group = container.get(key)
    if isinstance(group, dict) and isinstance(group.get("conditions"), list):
        container[key] = capped(group)[0]


_objects = {}


def obj(name, fetch):
    """The rules' view of object `name`; `fetch(path)` reads the API."""
    if name not in _objects:
        _objects[name] = _Object(name, fetch("/api/v1/openapi.json"), fetch("/api/v1/schema")["objects"])
    return _objects[name]


def _given(query, name):
    """Whether the service reads `name` as given (an empty selection parameter is absent)."""
    return query.get(name) not in (None, "")


def fix_selection(query, rules):
    """A list's or an export's schema-valid query made one the service takes."""
    query.pop("cursor", None)
    if _given(query, "filters"):
        if rules.filter_group(query["filters"]):
            for name in ("filter_field", "filter_operator", "filter_value", "search"):
                query.pop(name, None)
        else:
            del query["filters"]
    if _given(query, "sort"):
        keys = rules.sort_keys(query["sort"])
        if keys is None:
            del query["sort"]
        elif keys:
            query.pop("sort_by", None)
            query.pop("sort_dir", None)
    if not _given(query, "filter_field"):
        query.pop("filter_operator", None)
        query.pop("filter_value", None)
        return
    field, op, text = query["filter_field"], query.get("filter_operator"), query.get("filter_value")
    if op not in rules.operators(field) or not rules.fits(field, op, text):
        fitting = [o for o in rules.operators(field) if rules.fits(field, o, text)]
        if fitting:
            query["filter_operator"] = _pick(fitting, op, text)
        else:
            for name in ("filter_field", "filter_operator", "filter_value"):
                query.pop(name, None)


def fix_pairs(query, rules):
    """A pairs export's schema-valid query made one the service takes."""
    if not isinstance(query.get("fields"), str):
        return
    names = rules.comparisons if query.get("mode") == "fuzzy" else _CRITERIA
    kept = [n for n in query["fields"].split(",") if _trim(n) in names]
    if kept:
        query["fields"] = ",".join(kept)
    else:
        del query["fields"]
