import JSONSchema
import LoupeJSON

/// Whether an item's output may be approved as it stands: valid against the task's current schema.
public enum OutputValidity {
    /// `[{pointer, keyword, message}]` for each failing path; empty when the output is valid.
    public static func errors(_ output: JSONValue, against task: CompiledTask) -> [JSONValue] {
        task.schema.validate(output).map {
            ["pointer": .string($0.instancePath), "keyword": .string($0.keyword), "message": .string($0.message)]
        }
    }

    /// 422 `invalid-output`: approving would pass an invalid value downstream (final_output, exports, examples).
    public static func approveRefused(_ errors: [JSONValue], task: String) -> Problem {
        let first = errors.prefix(3).compactMap { e -> String? in
            guard let message = e["message"]?.stringValue else { return nil }
            let pointer = e["pointer"]?.stringValue ?? ""
            return "\(pointer.isEmpty ? "/" : pointer) \(message)"
        }
        var problem = Problem(status: 422, slug: "invalid-output", title: "Output is not valid",
                              detail: "the output is not valid against the current schema of task '\(task)' ("
                                  + first.joined(separator: "; ") + "); correct it with a valid output, or reject it")
        problem.extensions["errors"] = .array(errors)
        return problem
    }
}
