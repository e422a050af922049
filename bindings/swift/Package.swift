// swift-tools-version:5.7
// SwiftPM package around the smsguard XCFramework; build-xcframework.sh copies it next to
// SmsGuardFFI.xcframework and Sources/. The binary target holds the Rust static library and
// the C module `SmsGuardFFIFFI` (header + module.modulemap); `SmsGuardFFI` is the Swift API.
import PackageDescription

let package = Package(
    name: "SmsGuardFFI",
    platforms: [.iOS(.v16)],
    products: [
        .library(name: "SmsGuardFFI", targets: ["SmsGuardFFI"]),
    ],
    targets: [
        .binaryTarget(name: "SmsGuardFFIFFI", path: "SmsGuardFFI.xcframework"),
        .target(name: "SmsGuardFFI", dependencies: ["SmsGuardFFIFFI"], path: "Sources/SmsGuardFFI"),
    ]
)
