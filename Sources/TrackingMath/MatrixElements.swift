// The one doorway to a matrix's elements as raw doubles.
//
// The tracker's hot kernels (the Kalman prediction by blocks, the IMM mixture, the measurement
// prediction and the correction) run for every mode of every track on every scan. Written with
// `Matrix` arithmetic they spent more time in temporaries, copies and calls than in the arithmetic, so
// they are written on elements. This file is the only place where that touches unsafe pointers, as
// swift-collections keeps its unsafe code behind `_UnsafeHandle`: a kernel asks a `Matrix` for its
// elements (`withElements`, `withMutableElements`), gets a handle that knows how many there are, and
// reads and writes them by index. A kernel never learns the layout of a struct: a type whose fields
// a kernel reads together (a state's mean and covariance, a measurement prediction's parts) keeps
// them in one `Matrix` at offsets it names itself.
//
// A handle is valid only inside the closure that made it (the closure borrows the matrix). In a
// debug build every index is checked against the handle's count; in a release build it is not.

extension Matrix {
    /// The number of elements, R · C.
    @inlinable package static var count: Int { R * C }

    /// Whether a matrix is its R · C doubles, row-major, with nothing between them. `InlineArray`
    /// stores its elements contiguously at their stride, and a `Double`'s stride is its size, so an
    /// `InlineArray` of rows of doubles is this by construction; the check states it where it is
    /// relied on (it folds to a constant).
    @inlinable package static var isContiguous: Bool {
        MemoryLayout<Matrix>.size == R * C * MemoryLayout<Double>.stride
            && MemoryLayout<InlineArray<C, Double>>.stride == C * MemoryLayout<Double>.stride
    }

    /// Calls `body` with the elements, row-major (element (i, j) at i · C + j), read in place.
    @inlinable @inline(__always) package func withElements<T>(_ body: (MatrixElements) throws -> T) rethrows -> T {
        precondition(Self.isContiguous)
        // Through the rows' span, which borrows them where they are: `withUnsafePointer(to: rows)`
        // copied a matrix that was not already in memory.
        return try rows.span.withUnsafeBufferPointer { rows in
            try body(MatrixElements(UnsafeRawPointer(rows.baseAddress!).assumingMemoryBound(to: Double.self), count: Self.count))
        }
    }

    /// Calls `body` with the elements, row-major, to read and write in place.
    @inlinable @inline(__always) package mutating func withMutableElements<T>(_ body: (MutableMatrixElements) throws -> T) rethrows -> T {
        precondition(Self.isContiguous)
        return try withUnsafeMutablePointer(to: &rows) { rows in
            try body(MutableMatrixElements(UnsafeMutableRawPointer(rows).assumingMemoryBound(to: Double.self),
                                           count: Self.count))
        }
    }
}

/// A run of a matrix's elements, to read: `elements[i]`, or two at a time (`pair(at:)`). `elements + n`
/// is the run from element n on, for a block the kernel placed there.
///
/// A handle carries where its run ends, not how long it is: offsetting a handle then costs nothing
/// in a release build, where only debug assertions read the end and the optimiser drops it.
@frozen @usableFromInline package struct MatrixElements {
    @usableFromInline let base: UnsafePointer<Double>
    @usableFromInline let end: UnsafePointer<Double>

    @inlinable @usableFromInline init(_ base: UnsafePointer<Double>, end: UnsafePointer<Double>) {
        self.base = base
        self.end = end
    }

    @inlinable @usableFromInline init(_ base: UnsafePointer<Double>, count: Int) {
        self.init(base, end: base + count)
    }

    /// The number of elements in the run.
    @inlinable package var count: Int { end - base }

    /// Element `i`.
    @inlinable package subscript(_ i: Int) -> Double {
        @inline(__always) get {
            assert(i >= 0 && i < count, "element \(i) of \(count)")
            return base[i]
        }
    }

    /// Elements `i` and `i + 1`.
    @inlinable @inline(__always) package func pair(at i: Int) -> SIMD2<Double> {
        assert(i >= 0 && i + 1 < count, "elements \(i), \(i + 1) of \(count)")
        return UnsafeRawPointer(base + i).loadUnaligned(as: SIMD2<Double>.self)
    }

    /// The run from element `offset` on.
    @inlinable @inline(__always) package static func + (elements: MatrixElements, offset: Int) -> MatrixElements {
        assert(offset >= 0 && offset <= elements.count, "offset \(offset) of \(elements.count)")
        return MatrixElements(elements.base + offset, end: elements.end)
    }
}

/// A run of a matrix's elements, to read and write. The handle itself is a value; writing through it
/// writes the matrix it came from.
@frozen @usableFromInline package struct MutableMatrixElements {
    @usableFromInline let base: UnsafeMutablePointer<Double>
    @usableFromInline let end: UnsafeMutablePointer<Double>

    @inlinable @usableFromInline init(_ base: UnsafeMutablePointer<Double>, end: UnsafeMutablePointer<Double>) {
        self.base = base
        self.end = end
    }

    @inlinable @usableFromInline init(_ base: UnsafeMutablePointer<Double>, count: Int) {
        self.init(base, end: base + count)
    }

    /// The number of elements in the run.
    @inlinable package var count: Int { end - base }

    /// Element `i`.
    @inlinable package subscript(_ i: Int) -> Double {
        @inline(__always) get {
            assert(i >= 0 && i < count, "element \(i) of \(count)")
            return base[i]
        }
        @inline(__always) nonmutating set {
            assert(i >= 0 && i < count, "element \(i) of \(count)")
            base[i] = newValue
        }
    }

    /// Elements `i` and `i + 1`.
    @inlinable @inline(__always) package func pair(at i: Int) -> SIMD2<Double> {
        assert(i >= 0 && i + 1 < count, "elements \(i), \(i + 1) of \(count)")
        return UnsafeRawPointer(base + i).loadUnaligned(as: SIMD2<Double>.self)
    }

    /// Writes elements `i` and `i + 1`.
    @inlinable @inline(__always) package func setPair(_ value: SIMD2<Double>, at i: Int) {
        assert(i >= 0 && i + 1 < count, "elements \(i), \(i + 1) of \(count)")
        UnsafeMutableRawPointer(base + i).storeBytes(of: value, as: SIMD2<Double>.self)
    }

    /// The run from element `offset` on.
    @inlinable @inline(__always) package static func + (elements: MutableMatrixElements, offset: Int) -> MutableMatrixElements {
        assert(offset >= 0 && offset <= elements.count, "offset \(offset) of \(elements.count)")
        return MutableMatrixElements(elements.base + offset, end: elements.end)
    }

    /// The same run, to read.
    @inlinable package var readOnly: MatrixElements { MatrixElements(UnsafePointer(base), end: UnsafePointer(end)) }

    /// Copies `source`'s first `count` elements here, from element 0.
    @inlinable package func copy(from source: MatrixElements, count: Int) {
        assert(count <= source.count && count <= self.count)
        for i in 0..<count { base[i] = source[i] }
    }
}
