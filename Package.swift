// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "mgov",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mgov", targets: ["mgov"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .target(
            name: "MGovCore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "MGovCrypto", dependencies: ["COpenSSL", "MGovCore"]),
        .target(name: "MGovXML", dependencies: ["CLibXML2"]),
        .executableTarget(
            name: "mgov",
            dependencies: [
                "MGovCore", "MGovCrypto", "MGovXML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "MGovCoreTests", dependencies: ["MGovCore"]),
        .testTarget(name: "MGovCryptoTests", dependencies: ["MGovCrypto"]),
        .testTarget(name: "MGovXMLTests", dependencies: ["MGovXML"]),
        .testTarget(name: "MGovCLITests", dependencies: ["mgov"]),
    ],
    swiftLanguageModes: [.v6]
)
