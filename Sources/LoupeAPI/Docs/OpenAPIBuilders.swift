import LoupeDomain
import LoupeJSON

/// Small builders that keep the OpenAPI document readable: an operation, its parameters and its responses.
enum OpenAPI {
    static func ref(_ schema: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(schema)")] }

    /// One operation. `responses` maps a status to (description, schema name or nil); every operation also
    /// documents problem+json for 400/401/403/404/405/413/415/422/429/503 as `default`.
    static func op(_ summary: String, role: String?, body: String? = nil, bodyRequired: Bool = true, params: [JSONValue] = [],
                   responses: [String: (String, JSONValue?)], contentType: String = "application/json",
                   links: [String: String] = [:]) -> JSONValue {
        var o: JSONObject = ["summary": .string(summary + (role.map { " (role: \($0))" } ?? ""))]
        if role != nil { o["security"] = [["bearer": []]] }
        if !params.isEmpty { o["parameters"] = .array(params) }
        if let body {
            o["requestBody"] = ["required": .bool(bodyRequired), "content": ["application/json": ["schema": ref(body)]]]
        }
        var r = JSONObject()
        for (code, (description, schema)) in responses.sorted(by: { $0.key < $1.key }) {
            var response: JSONObject = ["description": .string(description)]
            if let schema {
                let type = code.hasPrefix("2") ? contentType : "application/problem+json"
                var content = JSONObject()
                content[type] = ["schema": schema]
                response["content"] = .object(content)
            }
            // OpenAPI links: the created resource's id feeds these operations (clients and stateful fuzzers follow them).
            if code.hasPrefix("2"), !links.isEmpty {
                var l = JSONObject()
                for (name, operation) in links.sorted(by: { $0.key < $1.key }) {
                    l[name] = ["operationRef": .string(operation), "parameters": ["id": "$response.body#/id"]]
                }
                response["links"] = .object(l)
            }
            r[code] = .object(response)
        }
        r["default"] = ["$ref": "#/components/responses/Problem"]
        o["responses"] = .object(r)
        return .object(o)
    }

    /// A problem+json response body, for statuses named in an operation.
    static let problem: JSONValue = ref("Problem")

    static func path(_ name: String, _ schema: JSONValue, _ description: String = "") -> JSONValue {
        ["name": .string(name), "in": "path", "required": true, "schema": schema, "description": .string(description)]
    }

    static func query(_ name: String, _ schema: JSONValue, _ description: String, required: Bool = false) -> JSONValue {
        ["name": .string(name), "in": "query", "required": .bool(required), "schema": schema, "description": .string(description)]
    }

    static func header(_ name: String, _ schema: JSONValue, _ description: String) -> JSONValue {
        ["name": .string(name), "in": "header", "required": false, "schema": schema, "description": .string(description)]
    }

    static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    static let taskName: JSONValue = ["type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"]
    static func integer(_ min: Int, _ max: Int) -> JSONValue { ["type": "integer", "minimum": .int(min), "maximum": .int(max)] }
    static func enumeration(_ values: [String]) -> JSONValue { ["type": "string", "enum": .array(values.map(JSONValue.string))] }
    /// A string the server stores: no NUL (PostgreSQL text cannot hold it), 1…max characters.
    static func text(max: Int, nullable: Bool = false) -> JSONValue {
        ["type": nullable ? ["string", "null"] : "string", "minLength": 1, "maxLength": .int(max), "pattern": "^[^\\u0000]*$"]
    }
    /// Enumerations taken from the domain types the server parses, so the document cannot drift from them.
    static let statuses = ItemStatus.allCases.map(\.rawValue)
    static let actions = enumeration(HumanDecision.Action.allCases.map(\.rawValue))
    static let roles = enumeration(Role.allCases.map(\.rawValue))
    static let events = enumeration(Webhook.events.sorted())
    static let deadlineActions = enumeration(DeadlineAction.allCases.map(\.rawValue))
    /// As request fields: null stands for "not given" (the default applies).
    static let optionalDeadlineAction: JSONValue = ["type": ["string", "null"],
                                                    "enum": .array(DeadlineAction.allCases.map { .string($0.rawValue) } + [.null])]
    static let deadlineSeconds: JSONValue = ["type": ["integer", "null"], "minimum": .int(ItemDeadline.range.lowerBound),
                                             "maximum": .int(ItemDeadline.range.upperBound)]
    static let exportFormats = enumeration(ExportFormat.allCases.map(\.rawValue))
    static let callbackStates = enumeration(CallbackFilter.states)
    /// A host as a URL carries it (what `CallbacksController.host` accepts).
    static let host: JSONValue = ["type": "string", "pattern": "^[A-Za-z0-9._:\\[\\]-]{1,253}$"]
    static let timestamp: JSONValue = ["type": "string", "format": "date-time"]
    static let nullableTimestamp: JSONValue = ["type": ["string", "null"], "format": "date-time"]
    static func list(_ key: String, _ item: JSONValue, extra: JSONObject = [:]) -> JSONValue {
        var properties = JSONObject()
        properties[key] = ["type": "array", "items": item]
        for (k, v) in extra { properties[k] = v }
        return ["type": "object", "required": [.string(key)], "properties": .object(properties)]
    }
}
