// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "mgov",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mgov", targets: ["mgov"]),
        .executable(name: "mgov-load", targets: ["mgov-load"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(name: "CMGovSystem"),
        .target(
            name: "MGovCore",
            dependencies: [
                "CMGovSystem",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "MGovCrypto", dependencies: ["COpenSSL", "MGovCore"]),
        .target(name: "MGovXML", dependencies: ["CLibXML2"]),
        .target(name: "MGovSign", dependencies: ["MGovCore", "MGovCrypto", "MGovXML"]),
        .target(
            name: "MGovNet",
            dependencies: [
                "MGovCore", "MGovCrypto",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "MGovLog",
            dependencies: ["MGovCore", "MGovCrypto", "MGovNet", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "MGovDocs",
            dependencies: ["MGovCore", "MGovCrypto", "MGovNet", "CMGovSystem", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .target(
            name: "MGovDeliver",
            dependencies: ["MGovCore", "MGovNet", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Hummingbird", package: "hummingbird")]
        ),
        .target(
            name: "MGovConnect",
            dependencies: ["MGovCore", "MGovCrypto", "MGovNet", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "MGovNotify",
            dependencies: ["MGovCore", "MGovCrypto", "MGovNet", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl")]
        ),
        .executableTarget(
            name: "mgov",
            dependencies: [
                "MGovCore", "MGovCrypto", "MGovXML", "MGovLog", "MGovSign", "MGovDocs", "MGovDeliver", "MGovConnect", "MGovNet", "MGovNotify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The benchmarks' load generator (Benchmarks/connect): keep-alive HTTP/1.1 with client certificates.
        .executableTarget(
            name: "mgov-load",
            dependencies: [
                "MGovNet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Benchmarks/LoadGenerator"
        ),
        .target(name: "MGovTestSupport", dependencies: ["MGovCore", .product(name: "GRDB", package: "GRDB.swift")], path: "Tests/MGovTestSupport"),
        .testTarget(name: "MGovCoreTests", dependencies: ["MGovCore", "MGovCrypto", "MGovTestSupport"]),
        .testTarget(name: "MGovCryptoTests", dependencies: ["MGovCrypto", "MGovTestSupport"]),
        .testTarget(name: "MGovXMLTests", dependencies: ["MGovXML", "MGovTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MGovLogTests", dependencies: ["MGovLog", "MGovCore", "MGovTestSupport"]),
        .testTarget(name: "MGovDeliverTests", dependencies: ["MGovDeliver", "MGovCore", "MGovTestSupport"]),
        .testTarget(name: "MGovNotifyTests", dependencies: ["MGovNotify", "MGovCore", "MGovTestSupport"]),
        .testTarget(name: "MGovConnectTests", dependencies: ["MGovConnect", "MGovCore", "MGovCrypto", "MGovNet", "MGovTestSupport",
                                                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                                                           .product(name: "NIOHTTP1", package: "swift-nio")]),
        .testTarget(name: "MGovDocsTests", dependencies: ["MGovDocs", "MGovCore", "MGovTestSupport"]),
        .testTarget(name: "MGovSignTests", dependencies: ["MGovSign", "MGovCore", "MGovCrypto", "MGovXML", "MGovTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MGovCLITests", dependencies: ["mgov", "MGovTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
