// Small dense matrices of fixed size, stored inline: the tracker's linear algebra.
//
// The sizes are generic integer parameters (SE-0452) and the storage is `InlineArray` (SE-0453), so
// a 6 × 6 covariance lives on the stack, costs no allocation, and every loop has a bound the
// optimiser knows. A general BLAS would be slower at these sizes (call overhead dominates a 6 × 6
// product) and would put heap arrays back on the hot path. (Rows of `SIMD8<Double>` were tried and
// measured twice as slow: lane access by a variable index goes through memory.)

/// A dense `R` × `C` matrix of `Double`, row-major, stored inline.
public struct Matrix<let R: Int, let C: Int>: Sendable {
    @usableFromInline var rows: InlineArray<R, InlineArray<C, Double>>

    /// A matrix with every element `value` (zero by default).
    @inlinable @inline(__always) public init(repeating value: Double = 0) {
        rows = .init(repeating: .init(repeating: value))
    }

    /// A matrix from its elements, row by row; `elements.count` must be `R · C`.
    @inlinable public init(_ elements: [Double]) {
        precondition(elements.count == R * C, "Matrix<\(R), \(C)> needs \(R * C) elements, got \(elements.count)")
        self.init()
        for i in 0..<R { for j in 0..<C { rows[i][j] = elements[i * C + j] } }
    }

    /// The element at row `i`, column `j`.
    @inlinable public subscript(_ i: Int, _ j: Int) -> Double {
        @inline(__always) get { rows[i][j] }
        @inline(__always) set { rows[i][j] = newValue }
    }

    /// The transpose.
    @inlinable public var transposed: Matrix<C, R> {
        var out = Matrix<C, R>()
        for i in 0..<R { for j in 0..<C { out[j, i] = self[i, j] } }
        return out
    }

    /// Whether every element is finite.
    @inlinable public var isFinite: Bool {
        for i in 0..<R { for j in 0..<C where !self[i, j].isFinite { return false } }
        return true
    }

    @inlinable public static func * <let K: Int>(a: Matrix<R, K>, b: Matrix<K, C>) -> Matrix<R, C> {
        var out = Matrix<R, C>()
        for i in 0..<R {
            for k in 0..<K {
                let aik = a[i, k]
                for j in 0..<C { out[i, j] += aik * b[k, j] }
            }
        }
        return out
    }

    @inlinable public static func + (a: Matrix, b: Matrix) -> Matrix {
        var out = a
        for i in 0..<R { for j in 0..<C { out[i, j] += b[i, j] } }
        return out
    }

    @inlinable public static func - (a: Matrix, b: Matrix) -> Matrix {
        var out = a
        for i in 0..<R { for j in 0..<C { out[i, j] -= b[i, j] } }
        return out
    }

    @inlinable public static func * (s: Double, a: Matrix) -> Matrix {
        var out = a
        for i in 0..<R { for j in 0..<C { out[i, j] *= s } }
        return out
    }

    @inlinable public static func += (a: inout Matrix, b: Matrix) { a = a + b }
}

extension Matrix where R == C {
    /// The identity.
    @inlinable public static var identity: Matrix {
        var out = Matrix()
        for i in 0..<R { out[i, i] = 1 }
        return out
    }

    /// A diagonal matrix.
    @inlinable public init(diagonal: [Double]) {
        precondition(diagonal.count == R)
        self.init()
        for i in 0..<R { self[i, i] = diagonal[i] }
    }

    /// (A + Aᵀ) / 2: removes the asymmetry that rounding leaves in a covariance update.
    @inlinable public var symmetrised: Matrix {
        var out = self
        for i in 0..<R {
            for j in (i + 1)..<C {
                let m = 0.5 * (self[i, j] + self[j, i])
                out[i, j] = m
                out[j, i] = m
            }
        }
        return out
    }

    /// The sum of the diagonal.
    @inlinable public var trace: Double {
        var t = 0.0
        for i in 0..<R { t += self[i, i] }
        return t
    }

    /// The lower Cholesky factor L of a symmetric positive-definite matrix (A = L Lᵀ), or `nil` when
    /// the matrix is not positive definite (or not finite).
    @inlinable public var choleskyFactor: Matrix? {
        var l = Matrix()
        for j in 0..<R {
            var d = self[j, j]
            for k in 0..<j { d -= l[j, k] * l[j, k] }
            guard d > 0, d.isFinite else { return nil }
            let ljj = d.squareRoot()
            l[j, j] = ljj
            for i in (j + 1)..<R {
                var s = self[i, j]
                for k in 0..<j { s -= l[i, k] * l[j, k] }
                l[i, j] = s / ljj
            }
        }
        return l
    }
}

/// A column vector.
public typealias Vector<let N: Int> = Matrix<N, 1>

extension Matrix where C == 1 {
    /// The vector's element `i`.
    @inlinable public subscript(_ i: Int) -> Double {
        @inline(__always) get { rows[i][0] }
        @inline(__always) set { rows[i][0] = newValue }
    }

    /// The squared Euclidean norm.
    @inlinable public var squaredNorm: Double {
        var s = 0.0
        for i in 0..<R { s += self[i] * self[i] }
        return s
    }
}

/// The solution tools of a Cholesky factor.
extension Matrix where R == C {
    /// Solves L y = b for y, with `self` = L lower triangular.
    @inlinable public func forwardSubstitute<let K: Int>(_ b: Matrix<R, K>) -> Matrix<R, K> {
        var y = b
        for k in 0..<K {
            for i in 0..<R {
                var s = y[i, k]
                for j in 0..<i { s -= self[i, j] * y[j, k] }
                y[i, k] = s / self[i, i]
            }
        }
        return y
    }

    /// Solves Lᵀ x = y for x, with `self` = L lower triangular.
    @inlinable public func backSubstituteTransposed<let K: Int>(_ y: Matrix<R, K>) -> Matrix<R, K> {
        var x = y
        for k in 0..<K {
            for i in stride(from: R - 1, through: 0, by: -1) {
                var s = x[i, k]
                for j in (i + 1)..<R { s -= self[j, i] * x[j, k] }
                x[i, k] = s / self[i, i]
            }
        }
        return x
    }

    /// Solves A X = B, with `self` = L the Cholesky factor of A.
    @inlinable public func choleskySolve<let K: Int>(_ b: Matrix<R, K>) -> Matrix<R, K> {
        backSubstituteTransposed(forwardSubstitute(b))
    }
}
