import LoupeJSON

/// The OpenAPI 3.1 description served at `/openapi.json`. A test checks every router route is here.
enum OpenAPIDocument {
    static let problem: JSONValue = ["$ref": "#/components/responses/Problem"]

    static func op(_ summary: String, role: String?, body: String? = nil, params: [JSONValue] = [],
                   responses: [String: String]) -> JSONValue {
        var o: JSONObject = ["summary": .string(summary + (role.map { " (role: \($0))" } ?? ""))]
        if role != nil { o["security"] = [["bearer": []]] }
        if !params.isEmpty { o["parameters"] = .array(params) }
        if let body {
            o["requestBody"] = ["required": true, "content": ["application/json": ["schema": ["$ref": .string("#/components/schemas/\(body)")]]]]
        }
        var r = JSONObject()
        for (code, description) in responses.sorted(by: { $0.key < $1.key }) { r[code] = ["description": .string(description)] }
        r["default"] = problem
        o["responses"] = .object(r)
        return .object(o)
    }

    static func path(_ name: String, _ description: String = "") -> JSONValue {
        ["name": .string(name), "in": "path", "required": true, "schema": ["type": "string"], "description": .string(description)]
    }

    static func query(_ name: String, _ description: String) -> JSONValue {
        ["name": .string(name), "in": "query", "required": false, "schema": ["type": "string"], "description": .string(description)]
    }

    static let document: JSONValue = [
        "openapi": "3.1.0",
        "info": ["title": "Loupe", "version": "1.0.0",
                 "description": "Human-in-the-loop review of model output. Errors are application/problem+json (RFC 7807)."],
        "paths": [
            "/health": ["get": op("Liveness", role: nil, responses: ["200": "alive"])],
            "/ready": ["get": op("Readiness: database reachable and migrated", role: nil, responses: ["200": "ready", "503": "not ready"])],
            "/metrics": ["get": op("Prometheus metrics", role: nil, responses: ["200": "text exposition format"])],
            "/openapi.json": ["get": op("This document", role: nil, responses: ["200": "OpenAPI 3.1"])],
            "/v1/tasks": ["get": op("List tasks", role: "ingest, reviewer, analyst", responses: ["200": "{tasks:[Task]}"])],
            "/v1/tasks/{name}": [
                "put": op("Create or replace a task", role: "admin", body: "TaskInput", params: [path("name")],
                          responses: ["200": "updated Task", "201": "created Task", "422": "invalid schema or threshold"]),
                "get": op("Get a task", role: "ingest, reviewer, analyst", params: [path("name")], responses: ["200": "Task", "404": "no such task"]),
            ],
            "/v1/items": [
                "post": op("Submit one item; it is routed at once", role: "ingest", body: "ItemInput",
                           responses: ["200": "already submitted (same task and external_id)", "201": "{id, status, reasons}",
                                       "400": "malformed JSON", "413": "body too large", "422": "invalid field or unknown task"]),
                "get": op("List items, keyset-paginated", role: "ingest, reviewer, analyst",
                          params: [query("task", "task name"), query("status", "pending|in_review|approved|corrected|rejected"),
                                   query("limit", "1–500, default 50"), query("after", "the `next` cursor"), query("order", "asc (default) or desc")],
                          responses: ["200": "{items:[Item], next}"]),
            ],
            "/v1/items/batch": ["post": op("Submit up to 1000 items in one statement", role: "ingest", body: "BatchInput",
                                           responses: ["200": "{results:[{id,status,reasons}|{error:{status,detail}}]} in input order"])],
            "/v1/items/{id}": ["get": op("Get an item", role: "ingest, reviewer, analyst", params: [path("id", "item UUID")],
                                         responses: ["200": "Item", "404": "no such item"])],
            "/v1/items/{id}/history": ["get": op("Every event on an item, oldest first", role: "ingest, reviewer, analyst",
                                                 params: [path("id", "item UUID")], responses: ["200": "{item_id, events:[…]}", "404": "no such item"])],
            "/v1/review/claim": ["post": op("Lease the next waiting item (priority, regular before audit, oldest first)", role: "reviewer",
                                            body: "ClaimInput", responses: ["200": "item + lease_expires_at, instructions, output_schema", "204": "nothing is waiting"])],
            "/v1/review/leases": ["get": op("The caller's current leases", role: "reviewer", responses: ["200": "{leases:[…]}"])],
            "/v1/items/{id}/lease": ["post": op("Extend the caller's lease (heartbeat)", role: "reviewer", params: [path("id", "item UUID")],
                                                responses: ["200": "{id, lease_expires_at}", "409": "caller holds no lease"])],
            "/v1/items/{id}/release": ["post": op("Hand the item back to the queue", role: "reviewer", params: [path("id", "item UUID")],
                                                  responses: ["200": "{id, released}", "409": "caller holds no lease"])],
            "/v1/items/{id}/decision": ["post": op("Approve, correct or reject a leased item", role: "reviewer", body: "DecisionInput",
                                                   params: [path("id", "item UUID")],
                                                   responses: ["200": "the decided Item", "409": "caller holds no lease or item already decided",
                                                               "422": "correction invalid against the task schema"])],
            "/v1/queue": ["get": op("Per task: items waiting, in review, audit samples waiting, oldest waiting", role: "reviewer, analyst",
                                    responses: ["200": "{tasks:[{task, waiting, leased, audit_waiting, oldest_waiting_at}]}"])],
            "/v1/tasks/{name}/stats": ["get": op("Counts, rates, daily series, per prompt version and model, calibration by confidence band, suggested threshold", role: "analyst",
                                                 params: [path("name"), query("days", "1–366, default 14"), query("target_error", "default 0.02")],
                                                 responses: ["200": "stats", "404": "no such task"])],
            "/v1/tasks/{name}/examples": ["get": op("Few-shot examples, most similar to `query` first, near-duplicates last", role: "ingest, analyst",
                params: [path("name"), query("k", "1–50, default 5"), query("query", "text to match (trigram similarity)"),
                         query("max_chars", "cap on the examples' total JSON size"), query("format", "plain (default) or chat: adds OpenAI-style messages")],
                responses: ["200": "{examples:[{item_id, input, output, similarity?}], messages?}"])],
            "/v1/tasks/{name}/examples/all": ["get": op("Every example of a task, enabled or not, keyset-paginated", role: "analyst",
                params: [path("name"), query("limit", "1–500"), query("after", "the `next` cursor")], responses: ["200": "{examples, next}"])],
            "/v1/examples/{id}": ["patch": op("Enable or disable an example", role: "analyst", body: "ExamplePatch", params: [path("id")],
                                              responses: ["200": "the example", "404": "no such example"])],
            "/v1/export": ["get": op("Stream decided items as JSONL, CSV (RFC 4180) or chat fine-tuning lines", role: "analyst",
                params: [query("task", "required"), query("format", "jsonl (default), csv or chat"), query("since", "decided at or after"),
                         query("until", "decided before"), query("action", "approve, correct or reject"),
                         query("include_auto", "true to include auto-approvals")],
                responses: ["200": "streamed rows"])],
            "/v1/webhooks": [
                "post": op("Subscribe a URL to events; a secret is generated and shown once when absent", role: "admin", body: "WebhookInput",
                           responses: ["201": "{id, url, events, secret}"]),
                "get": op("List webhooks (without secrets)", role: "admin", responses: ["200": "{webhooks:[…]}"]),
            ],
            "/v1/webhooks/{id}": ["delete": op("Unsubscribe; pending deliveries are dropped", role: "admin", params: [path("id")],
                                               responses: ["204": "deleted", "404": "no such webhook"])],
            "/v1/webhooks/{id}/deliveries": ["get": op("Recent deliveries with every attempt's status and error", role: "admin",
                                                       params: [path("id")], responses: ["200": "{deliveries:[…]}"])],
            "/v1/deliveries/{id}/redeliver": ["post": op("Send a delivery again (same Loupe-Delivery id)", role: "admin", params: [path("id")],
                                                         responses: ["202": "queued", "409": "unknown or being sent"])],
            "/v1/callback-secret": ["post": op("Replace the calling key's callback secret (signs callbacks of the items it submits); shown once",
                                               role: "ingest", responses: ["201": "{key_id, callback_secret}"])],
            "/v1/keys": [
                "get": op("List API keys (never the keys themselves)", role: "admin", responses: ["200": "{keys:[…]}"]),
                "post": op("Create an API key; the key is in this response only", role: "admin", body: "KeyInput",
                           responses: ["201": "{id, name, role, key}"]),
            ],
            "/v1/keys/{id}": ["delete": op("Revoke an API key", role: "admin", params: [path("id")], responses: ["204": "revoked", "404": "no such active key"])],
            "/v1/session": [
                "post": op("Sign in with email and password; sets an HttpOnly SameSite=Strict cookie", role: nil, body: "SessionInput",
                           responses: ["201": "{user, csrf_token, expires_at}", "401": "wrong email or password", "429": "too many failures"]),
                "get": op("The signed-in user and the CSRF token writes must send as X-CSRF-Token", role: "any", responses: ["200": "{user, csrf_token, expires_at}"]),
                "delete": op("Sign out", role: nil, responses: ["204": "signed out"]),
            ],
        ],
        "components": [
            "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
            "responses": ["Problem": ["description": "RFC 7807 problem", "content": ["application/problem+json": ["schema": [
                "type": "object", "required": ["type", "title", "status", "detail"],
                "properties": ["type": ["type": "string"], "title": ["type": "string"], "status": ["type": "integer"],
                               "detail": ["type": "string"], "errors": ["type": "array"]],
            ]]]]],
            "schemas": [
                "TaskInput": ["type": "object", "required": ["output_schema"], "properties": [
                    "output_schema": ["description": "JSON Schema 2020-12 the model output must satisfy"],
                    "threshold": ["type": "number", "minimum": 0, "maximum": 1, "default": 0.85],
                    "field_thresholds": ["type": "object", "additionalProperties": ["type": "number", "minimum": 0, "maximum": 1]],
                    "audit_rate": ["type": "number", "minimum": 0, "maximum": 1, "default": 0],
                    "instructions": ["type": "string"],
                    "lease_seconds": ["type": "integer", "minimum": 10, "maximum": 86400, "default": 600],
                    "max_leases": ["type": "integer", "minimum": 1, "maximum": 100, "default": 3,
                                   "description": "leases of this task one reviewer may hold at once"],
                    "approvals_as_examples": ["type": "boolean", "default": false],
                ]],
                "ItemInput": ["type": "object", "required": ["task", "input", "output", "confidence"], "properties": [
                    "task": ["type": "string"], "external_id": ["type": "string", "maxLength": 256],
                    "input": ["description": "any JSON"], "output": ["description": "any JSON"],
                    "confidence": ["type": "number", "minimum": 0, "maximum": 1],
                    "field_confidence": ["type": "object", "additionalProperties": ["type": "number", "minimum": 0, "maximum": 1]],
                    "model": ["type": "string"], "prompt_version": ["type": "string"], "metadata": ["type": "object"],
                    "priority": ["type": "integer", "minimum": -1000, "maximum": 1000],
                    "callback_url": ["type": "string", "description": "item.decided for this item is also POSTed here, signed with the submitting key's callback secret"],
                ]],
                "ClaimInput": ["type": "object", "properties": ["task": ["type": "string", "description": "only this task"]]],
                "DecisionInput": ["type": "object", "required": ["action"], "properties": [
                    "action": ["enum": ["approve", "correct", "reject"]],
                    "output": ["description": "the corrected output (action correct only); must satisfy the task schema"],
                    "reason": ["type": "string"],
                ]],
                "ExamplePatch": ["type": "object", "required": ["enabled"], "properties": ["enabled": ["type": "boolean"]]],
                "WebhookInput": ["type": "object", "required": ["url", "events"], "properties": [
                    "url": ["type": "string", "format": "uri", "description": "internal addresses are refused unless LOUPE_WEBHOOK_ALLOW_CIDRS allows them"],
                    "secret": ["type": "string", "minLength": 24],
                    "events": ["type": "array", "items": ["enum": ["item.decided", "item.queued", "item.corrected"]]]]],
                "KeyInput": ["type": "object", "required": ["name", "role"], "properties": [
                    "name": ["type": "string", "minLength": 1, "maxLength": 200], "role": ["enum": ["ingest", "reviewer", "analyst", "admin"]],
                    "tasks": ["type": "array", "minItems": 1, "maxItems": 100, "items": ["type": "string"],
                              "description": "limit the key to these tasks (403 elsewhere)"],
                    "rate_limit": ["type": "number", "exclusiveMinimum": 0, "description": "requests per second (batches count their items)"]]],
                "SessionInput": ["type": "object", "required": ["email", "password"],
                                 "properties": ["email": ["type": "string"], "password": ["type": "string"]]],
                "BatchInput": ["type": "object", "required": ["items"], "properties": [
                    "items": ["type": "array", "maxItems": 1000, "items": ["$ref": "#/components/schemas/ItemInput"]],
                ]],
            ],
        ],
    ]
}
