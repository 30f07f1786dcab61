// The fixed-size matrices.
import Testing
import TrackingMath

@Suite("Linear algebra")
struct LinearAlgebraTests {
    @Test("Products, transposes and sums match hand-worked values")
    func products() {
        let a = Matrix<2, 3>([1, 2, 3, 4, 5, 6])
        let b = Matrix<3, 2>([7, 8, 9, 10, 11, 12])
        let ab = a * b
        #expect(ab[0, 0] == 58 && ab[0, 1] == 64 && ab[1, 0] == 139 && ab[1, 1] == 154)
        #expect(a.transposed[2, 1] == 6)
        #expect((ab + ab)[1, 1] == 308 && (ab - ab)[0, 0] == 0 && (2 * ab)[0, 1] == 128)
        #expect(Matrix<3, 3>.identity.trace == 3)
    }

    @Test("Cholesky factor and solve invert a positive-definite matrix; an indefinite one has no factor")
    func cholesky() throws {
        let a = Matrix<3, 3>([4, 12, -16, 12, 37, -43, -16, -43, 98])
        let l = try #require(a.choleskyFactor)
        #expect(l[0, 0] == 2 && l[1, 0] == 6 && l[1, 1] == 1 && l[2, 0] == -8 && l[2, 1] == 5 && l[2, 2] == 3)
        let b = Matrix<3, 1>([1, 2, 3])
        let x = l.choleskySolve(b)
        let back = a * x
        for i in 0..<3 { #expect(abs(back[i] - b[i]) < 1e-9) }
        #expect(Matrix<2, 2>([1, 2, 2, 1]).choleskyFactor == nil)
        #expect(Matrix<2, 2>([1, 0, 0, .nan]).choleskyFactor == nil)
    }
}

@Suite("Matrix elements")
struct MatrixElementsTests {
    @Test("Elements are row-major and contiguous; a handle reads and writes the matrix it came from, and offsets")
    func elements() {
        var m = Matrix<3, 4>()
        for i in 0..<3 { for j in 0..<4 { m[i, j] = Double(10 * i + j) } }
        #expect(Matrix<3, 4>.isContiguous && Matrix<3, 4>.count == 12)
        m.withElements { x in
            #expect(x.count == 12)
            for i in 0..<3 { for j in 0..<4 { #expect(x[i * 4 + j] == Double(10 * i + j)) } }
            #expect((x + 5).count == 7 && (x + 5)[0] == 11)
            #expect(x.pair(at: 6) == SIMD2(12, 13))
        }
        m.withMutableElements { x in
            (x + 4)[1] = -1
            x.setPair(SIMD2(7, 8), at: 10)
            var source = Vector<2>()
            source[0] = 100
            source[1] = 200
            source.withElements { x.copy(from: $0, count: 2) }
        }
        #expect(m[1, 1] == -1 && m[2, 2] == 7 && m[2, 3] == 8 && m[0, 0] == 100 && m[0, 1] == 200)
    }
}
