import LoupeJSON

/// OpenAI-style chat messages: the task's instructions as system, then user/assistant pairs.
public enum ChatFormat {
    /// A string stays text; anything else is sent as its JSON.
    public static func content(_ value: JSONValue) -> JSONValue {
        if case .string = value { return value }
        return .string(JSONWriter.string(value))
    }

    public static func messages(instructions: String, examples: [Example]) -> [JSONValue] {
        var messages: [JSONValue] = []
        if !instructions.isEmpty { messages.append(["role": "system", "content": .string(instructions)]) }
        for example in examples {
            messages.append(["role": "user", "content": content(example.input)])
            messages.append(["role": "assistant", "content": content(example.output)])
        }
        return messages
    }
}
