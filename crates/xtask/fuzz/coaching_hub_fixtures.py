"""Fixtures for `cargo xtask fuzz`: schemathesis hooks that reach the deep writes.

Generated requests name random ids and no versions, so almost every write stops at 404, 412 or
428. Before each call these hooks put a real record's id into most paths (read once from the
lists the signed-in person sees), and, for a write to a versioned record, its current version in
`If-Match` and in the body's `version`. After each call they count the answers per operation; at
exit they print how many operations got a 2xx (`FUZZ_REPORT`, read by xtask).

Environment: FUZZ_BASE (the server), FUZZ_TOKEN (the bearer token the run uses), FUZZ_REPORT
(where the tally goes).
"""

import atexit
import json
import os
import random
import re
import urllib.request

import schemathesis

BASE = os.environ["FUZZ_BASE"]
TOKEN = os.environ["FUZZ_TOKEN"]
REPORT = os.environ.get("FUZZ_REPORT")

# The collection each `{id}` names, by the path's first segment, and where to list it.
LISTS = {
    "sessions": "/api/v1/sessions?limit=200",
    "action-items": "/api/v1/action-items?limit=200",
    "action-plans": "/api/v1/action-plans?limit=200",
    "quick-notes": "/api/v1/quick-notes?limit=200",
    "users": "/api/v1/users?limit=200",
    "agents": "/api/v1/users?role=AGENT&limit=200",
    "teams": "/api/v1/teams",
    "webhooks": "/api/v1/webhooks",
    "session-templates": "/api/v1/session-templates",
    "me": "/api/v1/me/tokens",
}
# The collection a body's reference names, by the field.
REFERENCES = {
    "agent_id": "agents",
    "assignee_id": "agents",
    "team_id": "teams",
    "team_leader_id": "users",
    "manager_id": "users",
    "session_id": "sessions",
    "plan_id": "action-plans",
}
# Records whose writes carry a version (the rest have none).
VERSIONED = {"sessions", "action-items", "action-plans", "quick-notes", "users", "teams",
             "webhooks", "session-templates"}

_ids: dict[str, list[str]] = {}
_answers: dict[str, set[int]] = {}
_random = random.Random(20261206)


def _get(path: str):
    request = urllib.request.Request(BASE + path, headers={"Authorization": f"Bearer {TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read() or b"null")
    except Exception:  # noqa: BLE001 - a fixture that cannot be read is left out
        return None


def _ids_of(collection: str) -> list[str]:
    if collection not in _ids:
        listed = _get(LISTS[collection]) if collection in LISTS else None
        items = listed.get("items", []) if isinstance(listed, dict) else listed or []
        _ids[collection] = [item["id"] for item in items if isinstance(item, dict) and "id" in item]
    return _ids[collection]


def _collection(path: str) -> str | None:
    match = re.match(r"^/api/v1/([a-z-]+)/", path)
    return match.group(1) if match else None


def _real_references(body):
    """Most references in a body name a real record (the rest stay random: 422 stays tested)."""
    if isinstance(body, list):
        for item in body:
            _real_references(item)
    if not isinstance(body, dict):
        return
    for field, value in body.items():
        if field in REFERENCES and isinstance(value, str) and _random.random() < 0.8:
            ids = _ids_of(REFERENCES[field])
            if ids:
                body[field] = _random.choice(ids)
        elif isinstance(value, (dict, list)):
            _real_references(value)


@schemathesis.hook
def before_call(context, case, kwargs):
    path = case.operation.path
    if case.method.upper() != "GET":
        _real_references(case.body)
    collection = _collection(path)
    if collection is None or "{id}" not in path:
        return
    ids = _ids_of(collection)
    # Most cases name a real record; the rest keep their random id (404 stays tested).
    if ids and _random.random() < 0.8:
        case.path_parameters["id"] = _random.choice(ids)
    if case.method.upper() == "GET" or collection not in VERSIONED:
        return
    record = _get(f"/api/v1/{collection}/{case.path_parameters['id']}")
    version = record.get("version") if isinstance(record, dict) else None
    if not isinstance(version, int):
        return
    case.headers = case.headers or {}
    case.headers["If-Match"] = f'"{version}"'
    if isinstance(case.body, dict):
        case.body["version"] = version


@schemathesis.hook
def after_call(context, case, response):
    # The operation's own method: the coverage phase also tries methods it does not have.
    if case.method.upper() != case.operation.method.upper():
        return
    key = f"{case.operation.method.upper()} {case.operation.path}"
    _answers.setdefault(key, set()).add(response.status_code)


@atexit.register
def _report():
    if not REPORT:
        return
    reached = sorted(key for key, statuses in _answers.items() if any(200 <= s < 300 for s in statuses))
    with open(REPORT, "w", encoding="utf-8") as out:
        json.dump({"operations": len(_answers), "with_2xx": len(reached), "reached": reached}, out)
