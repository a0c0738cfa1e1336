// swift-tools-version:6.2
import PackageDescription

let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "loupe",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "loupe", targets: ["loupe"]),
        .executable(name: "loupe-bench", targets: ["loupe-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // migrations/ and web-static/ built into the binary as generated Swift, so `loupe` runs from anywhere.
        .executableTarget(name: "loupe-embed", swiftSettings: swift6),
        .plugin(name: "EmbedResources", capability: .buildTool(), dependencies: ["loupe-embed"], path: "Sources/EmbedResources"),
        .target(name: "LoupeResources", swiftSettings: swift6, plugins: ["EmbedResources"]),
        // JSON values: a strict parser with limits, a writer, JSON Pointers. No dependencies.
        .target(name: "LoupeJSON", swiftSettings: swift6),
        // Regex search with bounded work: PCRE2 (Debian's libpcre2-dev) under match, depth and heap limits.
        .target(name: "CBoundedRegex", linkerSettings: [.linkedLibrary("pcre2-8")]),
        // Int8 dot products for exact embedding search, vectorised by the C compiler (-O3 even in debug builds).
        .target(name: "CVectorDot", cSettings: [.unsafeFlags(["-O3"])]),
        // A JSON Schema 2020-12 validator whose errors carry the instance pointer and keyword.
        .target(name: "JSONSchema", dependencies: ["LoupeJSON", "CBoundedRegex"], swiftSettings: swift6),
        // Pure domain: tasks, routing, roles, problems. No I/O.
        .target(
            name: "LoupeDomain",
            dependencies: ["JSONSchema", "CVectorDot", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swift6
        ),
        // PostgreSQL: embedded cluster, migrations, repositories. The only module importing PostgresNIO.
        .target(
            name: "LoupeStore",
            dependencies: [
                "LoupeDomain", "LoupeJSON", "LoupeResources",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swift6
        ),
        // HTTP: routes, auth middleware, problem+json, metrics, OpenAPI.
        .target(
            name: "LoupeAPI",
            dependencies: [
                "LoupeDomain", "LoupeStore", "LoupeJSON", "JSONSchema", "LoupeResources",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swift6
        ),
        // Background services and process composition (serve, migrate, keys).
        .target(
            name: "LoupeServices",
            dependencies: [
                "LoupeDomain", "LoupeStore", "LoupeAPI", "LoupeJSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swift6
        ),
        .executableTarget(
            name: "loupe",
            dependencies: [
                "LoupeServices", "LoupeStore", "LoupeDomain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swift6
        ),
        // `swift run -c release loupe-bench`: Loupe against the limits of the same machine.
        .executableTarget(
            name: "loupe-bench",
            dependencies: [
                "LoupeServices", "LoupeStore", "LoupeDomain", "LoupeAPI", "LoupeJSON", "JSONSchema",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swift6
        ),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema", "LoupeJSON"], swiftSettings: swift6),
        // The benchmark's own arithmetic (which soak rounds count, the server's time per route); its runs are its check.
        .testTarget(name: "LoupeBenchTests", dependencies: ["loupe-bench"], swiftSettings: swift6),
        .testTarget(
            name: "LoupeTests",
            dependencies: [
                "LoupeAPI", "LoupeStore", "LoupeDomain", "LoupeServices", "LoupeJSON", "JSONSchema",
                // Built so end-to-end tests can run the real binary.
                "loupe",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swift6
        ),
    ]
)
