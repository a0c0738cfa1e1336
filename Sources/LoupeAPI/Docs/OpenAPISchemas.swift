import LoupeDomain
import LoupeJSON

/// Request and response bodies of the OpenAPI document, as strict as the server: request objects reject
/// unknown fields (`additionalProperties: false`), strings hold no NUL, and every bound is the server's own.
extension OpenAPI {
    static let nullableText: JSONValue = ["type": ["string", "null"]]
    static let score: JSONValue = ["type": "number", "minimum": 0, "maximum": 1]
    /// A person's groups (named like tasks, so `group:NAME` reads unambiguously).
    static let groups: JSONValue = ["type": ["array", "null"], "maxItems": 50, "items": taskName]
    /// Field scores by JSON Pointer into the output ("/total"), each 0…1.
    static let pointerScores: JSONValue = ["type": ["object", "null"], "propertyNames": ["pattern": "^(/([^~\\u0000]|~[01])*)*$"],
                                           "additionalProperties": score]
    /// An embedding: finite numbers a float32 holds; its length is the task's `embedding_dimensions` (422 otherwise).
    static let embedding: JSONValue = ["type": ["array", "null"], "minItems": 1, "maxItems": .int(Embedding.maxDimensions),
                                       "items": ["type": "number", "minimum": -3.0e38, "maximum": 3.0e38],
                                       "description": "the input's embedding from the caller's model; exactly the task's embedding_dimensions numbers"]

    static let requestSchemas: JSONObject = [
        "JSON": ["description": "any JSON value (no NUL in strings; numbers below 1e1000 in magnitude)", "anyOf": [
            ["type": ["null", "boolean", "number"]],
            ["type": "string", "pattern": "^[^\\u0000]*$"],
            ["type": "array", "items": ref("JSON")],
            ["type": "object", "propertyNames": ["pattern": "^[^\\u0000]*$"], "additionalProperties": ref("JSON")],
        ]],
        "TaskInput": ["type": "object", "required": ["output_schema"], "additionalProperties": false, "properties": [
            "output_schema": ["description": "JSON Schema 2020-12 the model output must satisfy (an object or a boolean)",
                              "type": ["object", "boolean"], "additionalProperties": ref("JSON")],
            "threshold": ["type": ["number", "null"], "minimum": 0, "maximum": 1, "default": 0.85],
            "field_thresholds": pointerScores,
            "audit_rate": ["type": ["number", "null"], "minimum": 0, "maximum": 1, "default": 0],
            "instructions": ["type": ["string", "null"], "maxLength": 20000, "pattern": "^[^\\u0000]*$"],
            "lease_seconds": ["type": ["integer", "null"], "minimum": 10, "maximum": 86400, "default": 600],
            "max_leases": ["type": ["integer", "null"], "minimum": 1, "maximum": 100, "default": 3,
                           "description": "leases of this task one reviewer may hold at once"],
            "approvals_as_examples": ["type": ["boolean", "null"], "default": false],
            "deadline_seconds": ["allOf": [deadlineSeconds], "description": "default seconds from intake until a queued item's deadline; null: none"],
            "on_deadline": ["allOf": [optionalDeadlineAction], "default": "reject", "description": "what the deadline does to an undecided item"],
            "redact": ["type": ["array", "null"], "maxItems": 100,
                       "items": ["type": "string", "pattern": "^/(input|output|metadata)(/.*)?$"],
                       "description": "JSON pointers into the submission whose values are stored as \"[redacted]\" ('*' matches every element)"],
            "retention_days": ["type": ["integer", "null"], "minimum": 1, "maximum": 36500,
                               "description": "decided items lose their content this many days after the decision; null: kept"],
            "text_search_config": ["type": ["string", "null"], "enum": .array(TextSearchConfig.all.map { .string($0) } + [.null]),
                                   "default": "english", "description": "the language of the inputs, for few-shot search by text (PostgreSQL text search configuration)"],
            "embedding_dimensions": ["type": ["integer", "null"], "minimum": 1, "maximum": .int(Embedding.maxDimensions),
                                     "description": "length of the embeddings intake accepts; null: none"],
            "reviews_required": ["type": ["integer", "null"], "minimum": 1, "maximum": 5, "default": 1,
                                 "description": "blind reviews by different people a consensus item needs; agreeing ones decide it (decision.by consensus), others make it disputed"],
            "consensus_rate": ["type": ["number", "null"], "minimum": 0, "maximum": 1, "default": 1,
                               "description": "the share of queued items (by a hash of the id) that need reviews_required reviews; the rest need one"],
            "reviewers": ["type": ["array", "null"], "maxItems": 500, "items": ["type": "string", "maxLength": 254, "pattern": "^[^\\u0000 ]+$"],
                          "description": "who may claim the task's items: emails, \"group:NAME\", \"key:ID\"; empty: every reviewer and lead"],
            "gold_rate": ["type": ["number", "null"], "minimum": 0, "maximum": 1, "default": 0,
                          "description": "the share of claims that serve a gold item (POST /v1/tasks/{name}/gold) while real items wait; each reviewer answers each gold item once"],
            "drift_alert": ["type": ["object", "null"], "required": ["target_error", "window_days"], "additionalProperties": false,
                            "properties": ["target_error": ["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1],
                                           "window_days": ["type": "integer", "minimum": 1, "maximum": 365]],
                            "description": "raise task.drift once each time the 95% lower bound of the error among the last window_days' audited auto-approvals rises above target_error; null: never"],
        ]],
        "ItemInput": ["type": "object", "required": ["task", "input", "output", "confidence"], "additionalProperties": false, "properties": [
            "task": taskName, "external_id": text(max: 256, nullable: true),
            "input": ref("JSON"), "output": ref("JSON"),
            "confidence": score,
            "field_confidence": pointerScores,
            "model": text(max: 200, nullable: true), "prompt_version": text(max: 200, nullable: true),
            "metadata": ["type": ["object", "null"], "additionalProperties": ref("JSON")],
            "priority": ["type": ["integer", "null"], "minimum": -1000, "maximum": 1000],
            "callback_url": ["type": ["string", "null"], "format": "uri", "maxLength": 2000,
                             "description": "item.decided for this item is also POSTed here, signed with the submitting key's callback secret; internal addresses are refused unless allowed"],
            "deadline_seconds": ["allOf": [deadlineSeconds], "description": "seconds until a queued item is decided or escalated by on_deadline (default: the task's)"],
            "on_deadline": ["allOf": [optionalDeadlineAction], "description": "reject, approve (never an output the schema refused) or escalate; default: the task's"],
            "embedding": embedding,
        ]],
        "GoldInput": ["type": "object", "required": ["input", "output"], "additionalProperties": false, "properties": [
            "input": ref("JSON"),
            "output": ["allOf": [ref("JSON")], "description": "the right output; must be valid against the task's schema"],
            "shown_output": ["allOf": [ref("JSON")], "description": "what reviewers are shown as the model's output (default: output)"],
            "external_id": text(max: 256, nullable: true),
            "confidence": ["type": ["number", "null"], "minimum": 0, "maximum": 1, "description": "shown to reviewers; default: drawn below the task's threshold"],
            "field_confidence": pointerScores,
            "model": text(max: 200, nullable: true), "prompt_version": text(max: 200, nullable: true),
            "metadata": ["type": ["object", "null"], "additionalProperties": ref("JSON")],
        ]],
        "BatchInput": ["type": "object", "required": ["items"], "additionalProperties": false, "properties": [
            "items": ["type": "array", "maxItems": 1000, "items": ["allOf": [ref("JSON")],
                      "description": "ItemInput objects; each is checked on its own and a bad one (even a non-object) fails only its own result"]],
        ]],
        "ClaimInput": ["type": "object", "additionalProperties": false, "properties": ["task": ["type": ["string", "null"], "minLength": 1,
                       "maxLength": 64, "pattern": "^[^\\u0000]*$", "description": "only this task"],
                       "disputed": ["type": ["boolean", "null"], "description": "leads: claim a disputed item, with every review"],
                       "lease_seconds": ["type": ["integer", "null"], "minimum": 10, "maximum": 86400,
                                         "description": "a shorter lease than the task's (at most the task's): the UI's background claim of the next item"]]],
        // One object, not a oneOf per action: fuzzers mutate a oneOf branch into the other branch and call that invalid.
        "DecisionInput": ["type": "object", "required": ["action"], "additionalProperties": false, "properties": [
            "action": actions,
            "output": ["allOf": [ref("JSON")],
                       "description": "the corrected output: required with action correct (422 without), refused with the others; must satisfy the task schema"],
            "reason": text(max: 2000, nullable: true),
        ]],
        "ExampleSearch": ["type": "object", "additionalProperties": false, "properties": [
            "query": ["type": ["string", "null"], "maxLength": 4000, "pattern": "^[^\\u0000]*$", "description": "text to match (words, stems and trigrams)"],
            "embedding": embedding,
            "k": ["type": ["integer", "null"], "minimum": 1, "maximum": 50, "default": 5],
            "max_chars": ["type": ["integer", "null"], "minimum": 1, "maximum": 10_000_000, "description": "cap on the examples' total JSON size"],
            "format": ["type": ["string", "null"], "enum": ["plain", "chat", .null], "default": "plain"],
        ]],
        "WhatIf": ["type": "object", "additionalProperties": false, "properties": [
            "threshold": ["type": ["number", "null"], "minimum": 0, "maximum": 1, "description": "default: the task's"],
            "field_thresholds": pointerScores,
            "days": ["type": ["integer", "null"], "minimum": 1, "maximum": 366, "default": 30],
        ]],
        "ExamplePatch": ["type": "object", "required": ["enabled"], "additionalProperties": false, "properties": ["enabled": ["type": "boolean"]]],
        "WebhookInput": ["type": "object", "required": ["url", "events"], "additionalProperties": false, "properties": [
            "url": ["type": "string", "format": "uri", "maxLength": 2000,
                    "description": "http or https; internal addresses are refused unless LOUPE_WEBHOOK_ALLOW_CIDRS allows them"],
            "secret": ["type": ["string", "null"], "minLength": 24, "maxLength": 200, "pattern": "^[^\\u0000]*$"],
            "events": ["type": "array", "minItems": 1, "items": events]]],
        "KeyInput": ["type": "object", "required": ["name", "role"], "additionalProperties": false, "properties": [
            "name": text(max: 200), "role": roles,
            "tasks": ["type": ["array", "null"], "minItems": 1, "maxItems": 100, "items": taskName,
                      "description": "limit the key to these tasks (403 elsewhere)"],
            "rate_limit": ["type": ["number", "null"], "minimum": 0.001, "maximum": 1_000_000,
                           "description": "requests per second (batches count their items)"]]],
        "CallbackCancel": ["type": "object", "additionalProperties": false, "minProperties": 1, "properties": [
            "host": host, "item_id": uuid]],
        "BulkFilter": ["type": "object", "required": ["task"], "additionalProperties": false, "properties": [
            "task": taskName, "prompt_version": text(max: 200, nullable: true),
            "min_confidence": ["type": ["number", "null"], "minimum": 0, "maximum": 1],
            "max_confidence": ["type": ["number", "null"], "minimum": 0, "maximum": 1],
            "text": ["allOf": [text(max: 200, nullable: true)], "description": "words the input contains (case ignored)"]]],
        "BulkConfirm": ["type": "object", "required": ["count"], "additionalProperties": false, "properties": [
            "count": ["type": "integer", "minimum": 1, "maximum": 1000, "description": "the count the preview showed"]]],
        "Comment": ["type": "object", "required": ["text"], "additionalProperties": false, "properties": [
            "text": ["type": "string", "minLength": 1, "maxLength": 4000, "pattern": "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"],
            "flag": ["type": ["boolean", "null"], "description": "for the lead: GET /v1/items?flagged=true lists flagged items"]]],
        "Invitation": ["type": "object", "required": ["email", "role"], "additionalProperties": false, "properties": [
            "email": ["type": "string", "minLength": 3, "maxLength": 254, "pattern": "^[^\\u0000]*@[^\\u0000]*$"],
            "role": ["enum": ["reviewer", "lead", "analyst", "admin"]], "groups": groups]],
        "PersonChange": ["type": "object", "additionalProperties": false, "properties": [
            "role": ["enum": ["reviewer", "lead", "analyst", "admin", .null]], "groups": groups, "active": ["type": ["boolean", "null"]]]],
        "SetupInput": ["type": "object", "required": ["token", "password"], "additionalProperties": false, "properties": [
            "token": ["type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^\\u0000]*$"],
            "email": ["type": "string", "minLength": 3, "maxLength": 254, "pattern": "^[^\\u0000]*$"],
            "password": ["type": "string", "minLength": 8, "maxLength": 1024, "pattern": "^[^\\u0000]*$"],
        ]],
        "SessionInput": ["type": "object", "required": ["email", "password"], "additionalProperties": false,
                         "properties": ["email": text(max: 254), "password": text(max: 1024)]],
    ]
}
