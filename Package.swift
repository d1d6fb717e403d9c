// swift-tools-version:6.0
// Leuko: white blood cell detection, segmentation and classification for hematology labs.
// Layout and layering: see DESIGN.md §3 (lower layers never import higher ones).
import PackageDescription

/// Release builds target the CPU we run on (AVX2 + FMA); see README "Requirements".
/// Debug builds are optimised (-O, checks kept) too: the engine's per-element loops are about
/// 20x slower at -Onone, and the test suite runs the real network on dataset images.
let fastMath: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"], .when(configuration: .release)),
    .unsafeFlags(["-O", "-target-cpu", "haswell"], .when(configuration: .debug)),
]

let package = Package(
    name: "Leuko",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "leuko", targets: ["leuko"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
    ],
    targets: [
        // C libraries: one system-library target each (module.modulemap + shim.h).
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4",
                       providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg",
                       providers: [.apt(["libjpeg62-turbo-dev"])]),

        // setjmp-protected libjpeg/libpng calls and libtiff handlers (Swift cannot catch longjmp/exit).
        .target(name: "CImageBridge", dependencies: ["CTIFF", "CPNG", "CJPEG"]),
        .target(name: "ImageIO", dependencies: ["CImageBridge", "CTIFF", "CPNG", "CJPEG"]),
        // renameat2(RENAME_NOREPLACE), which Swift's Glibc module does not import.
        .target(name: "CFileSystem"),
        .target(name: "Tensor", dependencies: ["CBLAS"], swiftSettings: fastMath),
        .target(name: "NN", dependencies: ["Tensor"], swiftSettings: fastMath),
        .target(name: "CellModel", dependencies: [.product(name: "Crypto", package: "swift-crypto"), "Tensor", "NN", "ImageIO"], swiftSettings: fastMath),
        .target(name: "JobQueue", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "FolderWatch"),
        .target(name: "Daemon", dependencies: [
            "JobQueue", "FolderWatch", "ImageIO", "CellModel", "Analysis", "Reporting", "CFileSystem",
            .product(name: "TOMLKit", package: "TOMLKit"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "TestSupport", dependencies: [
            "Tensor", "NN",
            "JobQueue", "FolderWatch",
        ]),
        // Analysis is optimised in debug builds too (fastMath): its per-pixel loops are ~20x
        // slower at -Onone, and the test suite runs it on every dataset image.
        .target(name: "Analysis", dependencies: ["ImageIO", "CellModel", "Tensor"],
                swiftSettings: fastMath),
        // Model development above Analysis (DESIGN §3): adaptation, and in time training,
        // evaluation and cross-validation. The daemon never links it.
        .target(name: "ModelLab", dependencies: ["Analysis", "CellModel", "ImageIO", "NN", "Tensor"], swiftSettings: fastMath),
        .target(name: "Reporting", dependencies: [
            "Analysis", "CellModel", "ImageIO", "NN", "CFileSystem",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(
            name: "leuko",
            dependencies: [
                "ImageIO", "Tensor", "NN", "CellModel", "Analysis", "ModelLab", "Reporting",
                "JobQueue", "FolderWatch", "Daemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "TestSupport"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
        .testTarget(name: "CellModelTests", dependencies: ["CellModel", "ImageIO", "TestSupport"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Tensor", "TestSupport"]),
        .testTarget(name: "JobQueueTests", dependencies: ["JobQueue", "TestSupport"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "ModelLab", "CellModel", "ImageIO", "NN", "Tensor", "TestSupport"]),
        .testTarget(name: "ModelLabTests", dependencies: ["ModelLab", "Analysis", "CellModel", "ImageIO", "NN", "Tensor", "TestSupport"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Analysis", "CellModel", "ImageIO", "TestSupport"]),
        .testTarget(name: "FolderWatchTests", dependencies: ["FolderWatch", "TestSupport"]),
        .testTarget(name: "DaemonTests", dependencies: [
            "Daemon", "JobQueue", "FolderWatch", "TestSupport", "ImageIO", "Analysis", "Reporting",
            .product(name: "Logging", package: "swift-log"),
        ]),
    ]
)
