import LoupeJSON

/// Response bodies of the OpenAPI document: what the server writes, field by field.
extension OpenAPI {
    /// Request and response schemas together, for `components.schemas`.
    static var schemas: JSONObject {
        var all = requestSchemas
        for (name, schema) in responseSchemas { all[name] = schema }
        return all
    }

    static let reason: JSONValue = ["type": "object", "required": ["code", "message"],
                                    "properties": ["code": ["type": "string"], "message": ["type": "string"]]]

    static let responseSchemas: JSONObject = [
        "Problem": ["type": "object", "required": ["type", "title", "status", "detail"], "properties": [
            "type": ["type": "string"], "title": ["type": "string"], "status": ["type": "integer", "minimum": 400, "maximum": 599],
            "detail": ["type": "string"],
            "errors": ["type": "array", "items": ["type": "object", "required": ["field", "message"],
                                                  "properties": ["field": ["type": "string"], "message": ["type": "string"]]]],
        ]],
        "Task": ["type": "object", "required": ["name", "output_schema", "threshold", "audit_rate", "lease_seconds", "max_leases", "created_at"],
                 "properties": [
                     "name": taskName, "output_schema": ["type": ["object", "boolean"]], "threshold": score,
                     "field_thresholds": ["type": "object", "additionalProperties": score], "audit_rate": score,
                     "instructions": ["type": "string"], "lease_seconds": integer(10, 86400), "max_leases": integer(1, 100),
                     "approvals_as_examples": ["type": "boolean"], "created_at": timestamp, "updated_at": timestamp,
                     "deadline_seconds": deadlineSeconds, "on_deadline": deadlineActions,
                     "redact": ["type": "array", "items": ["type": "string"]], "retention_days": ["type": ["integer", "null"]],
                 ]],
        "Item": ["type": "object", "required": ["id", "task", "status", "input", "output", "confidence", "reasons", "created_at"],
                 "properties": [
                     "id": uuid, "task": taskName, "external_id": nullableText, "status": enumeration(statuses),
                     "audit": ["type": "boolean"], "confidence": score, "field_confidence": pointerScores,
                     "model": nullableText, "prompt_version": nullableText, "metadata": ["type": ["object", "null"]],
                     "priority": ["type": "integer"], "reasons": ["type": "array", "items": reason],
                     "decision": ["type": ["object", "null"], "properties": [
                         "action": actions, "by": ["type": "string"], "at": timestamp]],
                     "created_at": timestamp, "auto_approved_at": nullableTimestamp,
                     "audit_verdict": ["type": ["string", "null"]],
                     "queue": ["type": ["string", "null"]],
                     "deadline_at": nullableTimestamp, "on_deadline": ["type": ["string", "null"]], "escalated_at": nullableTimestamp,
                     "erased_at": nullableTimestamp,
                 ]],
        "Erased": ["type": "object", "required": ["erased", "item"], "properties": ["erased": ["type": "boolean"], "item": ref("Item")]],
        "Routed": ["type": "object", "required": ["id", "status", "reasons"], "properties": [
            "id": uuid, "status": enumeration(statuses), "reasons": ["type": "array", "items": reason]]],
        "ClaimedItem": ["allOf": [ref("Item"), ["type": "object", "required": ["lease_expires_at", "output_schema"], "properties": [
            "lease_expires_at": timestamp, "instructions": ["type": "string"], "output_schema": ["type": ["object", "boolean"]],
            "output_errors": ["type": "array"]]]]],
        "ItemPage": list("items", ref("Item"), extra: ["next": ["type": ["string", "null"]]]),
        "TaskList": list("tasks", ref("Task")),
        "BatchResults": list("results", ["type": "object"]),
        "History": ["type": "object", "required": ["item_id", "events"], "properties": [
            "item_id": uuid, "events": ["type": "array", "items": ["type": "object", "required": ["id", "event", "at"],
                                                                  "properties": ["id": ["type": "integer"], "event": ["type": "string"], "at": timestamp]]]]],
        "Leases": list("leases", ref("ClaimedItem")),
        "LeaseExtended": ["type": "object", "required": ["id", "lease_expires_at"], "properties": ["id": uuid, "lease_expires_at": timestamp]],
        "Released": ["type": "object", "required": ["id"], "properties": ["id": uuid]],
        "Queue": list("tasks", ["type": "object", "required": ["task", "waiting", "leased"], "properties": [
            "task": taskName, "waiting": ["type": "integer", "minimum": 0], "leased": ["type": "integer", "minimum": 0],
            "audit_waiting": ["type": "integer", "minimum": 0], "oldest_waiting_at": nullableTimestamp]]),
        "Stats": ["type": "object", "required": ["total", "by_status"], "properties": [
            "total": ["type": "integer", "minimum": 0], "by_status": ["type": "object", "additionalProperties": ["type": "integer"]]]],
        "Fields": list("fields", ["type": "object"], extra: ["target_error": ["type": "number"], "min_sample": ["type": "integer"]]),
        "RiskCoverage": list("points", ["type": "object"], extra: ["recommended": ["type": ["object", "null"]], "why": ["type": "string"],
                                                              "current_threshold": ["type": "number"], "target_error": ["type": "number"],
                                                              "min_sample": ["type": "integer"]]),
        "WhatIfOutcome": ["type": "object", "properties": ["items": ["type": "integer"], "auto_then": ["type": "integer"],
                                                           "auto_now": ["type": "integer"], "newly_auto": ["type": "integer"],
                                                           "newly_queued": ["type": "integer"], "known_errors_let_through": ["type": "integer"],
                                                           "expected_errors": ["type": ["object", "null"]]]],
        "Drift": ["type": "object", "required": ["drift_alert", "drifting", "n"], "properties": [
            "drift_alert": ["type": ["object", "null"]], "drifting": ["type": "boolean"], "since": nullableTimestamp,
            "checked_at": nullableTimestamp, "n": ["type": "integer", "minimum": 0], "error": ["type": ["number", "null"]],
            "ci": ["type": ["array", "null"], "items": ["type": "number"]]]],
        "SetupStatus": ["type": "object", "required": ["needed"], "properties": [
            "needed": ["type": "boolean"], "purpose": ["enum": ["first_run", "invite", "reset"]], "email": ["type": "string"]]],
        "Person": ["type": "object", "required": ["id", "email", "role", "groups", "active"], "properties": [
            "id": uuid, "email": ["type": "string"], "role": ["type": "string"], "groups": ["type": "array", "items": ["type": "string"]],
            "active": ["type": "boolean"], "password_set": ["type": "boolean"], "created_at": ["type": "string"],
            "setup_url": ["type": "string", "description": "shown once, when created"]]],
        "People": list("users", ref("Person")),
        "HistoryEvent": ["type": "object", "required": ["id", "event", "actor", "at"], "properties": [
            "id": ["type": "integer"], "event": ["type": "string"], "actor": ["type": "string"], "at": ["type": "string"],
            "details": ["type": "object"]]],
        "Comments": list("comments", ref("HistoryEvent")),
        "Reviewers": list("reviewers", ["type": "object"]),
        "GoldCreated": ["type": "object", "required": ["id", "created"], "properties": ["id": uuid, "created": ["type": "boolean"]]],
        "GoldItems": list("gold", ["type": "object"]),
        "GoldRetired": ["type": "object", "required": ["id", "retired"], "properties": ["id": uuid, "retired": ["type": "boolean"]]],
        "Agreement": ["type": "object", "required": ["items", "fields"], "properties": [
            "items": ["type": "integer"], "overall": ["type": ["object", "null"]], "fields": ["type": "array", "items": ["type": "object"]]]],
        "BulkPreview": ["type": "object", "required": ["id", "count"], "properties": [
            "id": ["type": ["string", "null"]], "count": ["type": "integer"], "excluded_invalid": ["type": "integer"],
            "items": ["type": "array", "items": ["type": "object"]], "expires_at": ["type": "string"]]],
        "BulkOutcome": ["type": "object", "properties": ["approved": ["type": "integer"], "skipped": ["type": "integer"],
                                                        "reopened": ["type": "integer"], "undo_until": ["type": "string"]]],
        "Examples": list("examples", ["type": "object"], extra: ["messages": ["type": "array"]]),
        "ExamplePage": list("examples", ["type": "object"], extra: ["next": ["type": ["string", "null"]]]),
        "Example": ["type": "object", "required": ["id", "item_id"], "properties": ["id": uuid, "item_id": uuid, "enabled": ["type": "boolean"]]],
        "Webhook": ["type": "object", "required": ["id", "url", "events"], "properties": [
            "id": uuid, "url": ["type": "string"], "events": ["type": "array", "items": ["type": "string"]], "secret": ["type": "string"]]],
        "Webhooks": list("webhooks", ref("Webhook")),
        "Deliveries": list("deliveries", ["type": "object"]),
        "Callbacks": list("callbacks", ["type": "object", "required": ["id", "item_id", "url", "state"], "properties": [
            "id": uuid, "item_id": uuid, "url": ["type": "string"], "state": callbackStates]],
            extra: ["destinations": ["type": "array", "items": ["type": "object", "required": ["destination", "consecutive_failures", "resting"],
                    "properties": ["destination": ["type": "string"], "consecutive_failures": ["type": "integer", "minimum": 1],
                                   "resting": ["type": "boolean"], "open_until": nullableTimestamp]]]]),
        "Queued": ["type": "object"],
        "CancelledCallbacks": ["type": "object", "required": ["cancelled", "ids"], "properties": [
            "cancelled": ["type": "integer", "minimum": 0], "ids": ["type": "array", "items": uuid]]],
        "CallbackSecret": ["type": "object", "required": ["key_id", "callback_secret"], "properties": [
            "key_id": uuid, "callback_secret": ["type": "string"]]],
        "Keys": list("keys", ["type": "object", "required": ["id", "name", "role"], "properties": [
            "id": uuid, "name": ["type": "string"], "role": roles]]),
        "CreatedKey": ["type": "object", "required": ["id", "name", "role", "key"], "properties": [
            "id": uuid, "name": ["type": "string"], "role": roles, "key": ["type": "string"]]],
        "Session": ["type": "object", "required": ["user", "csrf_token", "expires_at"], "properties": [
            "user": ["type": "object"], "csrf_token": ["type": "string"], "expires_at": timestamp]],
        "Status": ["type": "object", "required": ["status"], "properties": ["status": ["type": "string"]]],
    ]
}
