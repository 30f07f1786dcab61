// The entry point of every fuzz target: libFuzzer's driver, called from the target's own `main`.
//
// SwiftPM links an executable target with `main` aliased to `<Target>_main`, so libFuzzer's own
// `main` is never pulled in; each target defines `<Target>_main` and hands its test function to
// `LLVMFuzzerRunDriver`, which libFuzzer provides for exactly this case.

/// A fuzz test: called with each input (`data` may be nil when `size` is 0); returns 0.
public typealias FuzzTest = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                                 _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                                 _ test: FuzzTest) -> CInt

/// The test that ``runLibFuzzer(_:_:_:)`` runs (one per process).
nonisolated(unsafe) private var registeredTest: FuzzTest?

/// libFuzzer's own objects name this symbol; it runs the registered test.
@_cdecl("LLVMFuzzerTestOneInput")
public func llvmFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    registeredTest?(data, size) ?? 0
}

/// Runs libFuzzer with the process's arguments and `test`.
public func runLibFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ test: FuzzTest) -> CInt {
    registeredTest = test
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, test)
}

/// The input as a buffer (empty for a nil pointer).
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeRawBufferPointer {
    guard let data, size > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
    return UnsafeRawBufferPointer(start: data, count: size)
}
