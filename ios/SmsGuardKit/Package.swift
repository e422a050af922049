// swift-tools-version:6.0
// SmsGuardKit: the Swift side of smsguard for the iOS app and its two extensions.
//
//   SmsGuardFFIFFI  the C module of the Rust library (generated header + module map)
//   SmsGuardFFI     the generated uniffi Swift bindings (scripts/gen-bindings.sh)
//   SmsGuardKit     the small native API the app and extensions use: errors, the read-only
//                   filter engine, the app's state editor, the message-filter decision, the
//                   12321 report composer, the App Group path. No platform types except in
//                   IdentityLookupBridge.swift (`#if canImport(IdentityLookup)`).
//
// The generated files are not committed. On Linux, ios/test.sh copies them in and links the
// host-built libsmsguard_ffi.so (-L/-rpath on the command line). On macOS,
// bindings/swift/build-xcframework.sh --into ios/SmsGuardKit puts SmsGuardFFI.xcframework (all
// slices) and the Swift bindings here; scripts/package.sh builds the same binary target on Linux
// with the device slice only (dist/SmsGuardFFI.xcframework, dist/swift/Sources; zipped with its
// SwiftPM checksum for a url: binaryTarget, docs/oem-integration.md).
import PackageDescription

#if os(Linux)
let ffi: Target = .systemLibrary(name: "SmsGuardFFIFFI", path: "Sources/SmsGuardFFIFFI")
let ffiLink: [LinkerSetting] = [.linkedLibrary("smsguard_ffi")]
#else
let ffi: Target = .binaryTarget(name: "SmsGuardFFIFFI", path: "SmsGuardFFI.xcframework")
let ffiLink: [LinkerSetting] = []
#endif

let package = Package(
    name: "SmsGuardKit",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "SmsGuardKit", targets: ["SmsGuardKit"]),
    ],
    targets: [
        ffi,
        .target(name: "SmsGuardFFI", dependencies: ["SmsGuardFFIFFI"], linkerSettings: ffiLink),
        .target(name: "SmsGuardKit", dependencies: ["SmsGuardFFI"]),
        // Linux only: heap and peak RSS of the extension's configuration (ios/test.sh memory).
        .target(name: "CMallocStats"),
        .executableTarget(name: "smsguard-memprobe", dependencies: ["SmsGuardKit", "CMallocStats"]),
        .testTarget(name: "SmsGuardKitTests", dependencies: ["SmsGuardKit"]),
    ]
)
