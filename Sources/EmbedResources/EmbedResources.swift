import Foundation
import PackagePlugin

/// Build plugin: embeds `migrations/*.sql` and `web-static/` (without its screenshots) into the target as
/// generated Swift, so the `loupe` binary runs from any directory with no checkout beside it.
@main struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        var files: [(name: String, url: URL)] = []
        for folder in ["migrations", "web-static"] {
            let base = root.appending(path: folder)
            guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            for case let url as URL in walker {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
                let relative = String(url.standardizedFileURL.path.dropFirst(base.standardizedFileURL.path.count + 1))
                if relative.hasPrefix("screenshots/") || relative.hasPrefix(".") { continue }  // README pictures, editor files
                files.append((folder + "/" + relative, url))
            }
        }
        files.sort { $0.name < $1.name }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles+generated.swift")
        return [.buildCommand(
            displayName: "Embedding \(files.count) files of migrations/ and web-static/",
            executable: try context.tool(named: "loupe-embed").url,
            arguments: [output.path] + files.map { "\($0.name)=\($0.url.path)" },
            inputFiles: files.map(\.url),
            outputFiles: [output])]
    }
}
