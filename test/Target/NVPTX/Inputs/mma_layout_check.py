"""CPU emulation of the tensor-core kernels' index arithmetic
(lib/Target/NVPTX/TileMatmul.cpp), checked against the PTX ISA's fragment
tables: no GPU runs here, so this validates the indices the kernel computes
(which lane and register gets which element), not the hardware.

For the int8 kernel (mma.sync m16n8k32 .s8 / .u8, s32 accumulators): the
block's copies into the packed-word workgroup tiles (A [m][k/4], B
transposed [n][k/4], zero-filled at the edges), the fragment loads of every
warp and lane, and the write-back of the accumulators are written exactly as
the kernel computes them; mma.sync itself is emulated from the ISA's
"Matrix Fragments for mma.m16n8k32" table (which register element holds
which matrix element), written separately below. The result must equal
A @ B exactly (wrapping i32, as the scalar path), for shapes with M, N, K
edges. The f16 / bf16 kernel's ldmatrix addresses are checked the same way
(ldmatrix emulated from the ISA's description) against "Matrix Fragments
for mma.m16n8k16 with floating point type".
"""
import sys
import numpy as np

TILE, THREADS = 64, 16


# --- The PTX ISA's fragment tables (g = groupID, t = threadID_in_group) ---
def isa_a_k32(i, g, t):  # a0..a15 (four .b32 registers of four 8-bit values)
    row = g if (i < 4 or 8 <= i < 12) else g + 8
    col = 4 * t + (i & 3) + (16 if i >= 8 else 0)
    return row, col


def isa_b_k32(i, g, t):  # b0..b7
    return 4 * t + (i & 3) + (16 if i >= 4 else 0), g


def isa_c(i, g, t):  # c0..c3 (.s32 or .f32)
    return g + (8 if i >= 2 else 0), 2 * t + (i & 1)


def isa_a_k16(i, g, t):  # a0..a7 (four .f16x2 / .bf16x2 registers)
    row = g if (i < 2 or 4 <= i < 6) else g + 8
    return row, 2 * t + (i & 1) + (8 if i >= 4 else 0)


def isa_b_k16(i, g, t):  # b0..b3
    return 2 * t + (i & 1) + (8 if i >= 2 else 0), g


def mma(a_regs, b_regs, c, isa_a, isa_b, m, n, k, per_reg):
    """One warp's mma.sync from the ISA tables: a_regs[lane] lists the
    lane's A elements a0.. in order (per_reg per register), likewise B;
    c[lane] = [c0..c3]. Returns d[lane]."""
    A = np.full((m, k), None, dtype=object)
    B = np.full((k, n), None, dtype=object)
    for lane in range(32):
        g, t = lane >> 2, lane % 4
        for i, v in enumerate(a_regs[lane]):
            r, col = isa_a(i, g, t)
            assert A[r, col] is None, "A element held twice"
            A[r, col] = int(v)
        for i, v in enumerate(b_regs[lane]):
            r, col = isa_b(i, g, t)
            assert B[r, col] is None, "B element held twice"
            B[r, col] = int(v)
    assert all(x is not None for x in A.flat) and all(x is not None for x in B.flat)
    D = np.array(A.tolist(), dtype=np.int64) @ np.array(B.tolist(), dtype=np.int64)
    out = []
    for lane in range(32):
        g, t = lane >> 2, lane % 4
        out.append([c[lane][i] + D[isa_c(i, g, t)] for i in range(4)])
    return out


def unpack(word):  # element 0 in the low byte (vector<4xi8> -> i32 bitcast)
    return [(word >> (8 * e)) & 0xFF for e in range(4)]


def as_signed(byte, signed):
    return byte - 256 if signed and byte >= 128 else byte


def int8_kernel(A, B, a_signed, b_signed):
    """The int8 kernel of TileMatmul.cpp (rewriteInt8), index for index."""
    M, K = A.shape
    N = B.shape[1]
    C = np.zeros((M, N), dtype=np.int64)
    a_bytes = A.astype(np.int64) & 0xFF
    b_bytes = B.astype(np.int64) & 0xFF
    for by in range((M + TILE - 1) // TILE):
        for bx in range((N + TILE - 1) // TILE):
            m0, n0 = by * TILE, bx * TILE
            acc = [[[0] * 4 for _ in range(32)] for _ in range(8 * 4)]  # [warp*4+j][lane]
            for k0 in range(0, K, 32):
                a_tile = np.zeros((TILE, 12), dtype=np.int64)
                b_tile = np.zeros((TILE, 12), dtype=np.int64)
                for tid in range(THREADS * THREADS):
                    for i in range(2):
                        w = tid + i * 256
                        row, kw = w // 8, w % 8
                        r, c = m0 + row, k0 + 4 * kw
                        word = 0
                        for e in range(4):
                            if r < M and c + e < K:
                                word |= int(a_bytes[r, c + e]) << (8 * e)
                        a_tile[row, kw] = word
                    for i in range(2):
                        w = tid + i * 256
                        n, kw = w % TILE, w // TILE
                        c, r = n0 + n, k0 + 4 * kw
                        word = 0
                        for e in range(4):
                            if r + e < K and c < N:
                                word |= int(b_bytes[r + e, c]) << (8 * e)
                        b_tile[n, kw] = word
                for warp in range(8):
                    wm, wn = 16 * (warp % 4), 32 * (warp // 4)
                    a_regs, b_regs = [], [[] for _ in range(4)]
                    for lane in range(32):
                        g, t = lane // 4, lane % 4
                        regs = []
                        for q in range(4):
                            word = int(a_tile[wm + g + 8 * (q % 2), t + 4 * (q // 2)])
                            regs += [as_signed(x, a_signed) for x in unpack(word)]
                        a_regs.append(regs)
                        for j in range(4):
                            regs = []
                            for q in range(2):
                                word = int(b_tile[wn + 8 * j + g, t + 4 * q])
                                regs += [as_signed(x, b_signed) for x in unpack(word)]
                            b_regs[j].append(regs)
                    for j in range(4):
                        acc[warp * 4 + j] = mma(a_regs, b_regs[j], acc[warp * 4 + j],
                                                isa_a_k32, isa_b_k32, 16, 8, 32, 4)
            # C += acc: element (q, e) of n-tile j at row g + 8q, column
            # 2t + e (c index 2q + e).
            for warp in range(8):
                wm, wn = 16 * (warp % 4), 32 * (warp // 4)
                for j in range(4):
                    for lane in range(32):
                        g, t = lane // 4, lane % 4
                        for q in range(2):
                            for e in range(2):
                                r = m0 + wm + g + 8 * q
                                c = n0 + wn + 2 * t + 8 * j + e
                                if r < M and c < N:
                                    C[r, c] += acc[warp * 4 + j][lane][2 * q + e]
    return C


def ldmatrix_x4(tile, addresses, transpose):
    """ldmatrix.sync.aligned.m8n8.x4(.trans).b16 per the PTX ISA: lanes
    8q .. 8q + 7 give the addresses (row, column) of the 8 rows of matrix q;
    lane 4g + t receives, as register q, elements (g, 2t + e) of matrix q
    (of its transpose with .trans)."""
    mats = []
    for q in range(4):
        rows = [tile[r, c:c + 8] for r, c in addresses[8 * q:8 * q + 8]]
        m = np.array(rows)
        mats.append(m.T if transpose else m)
    return [[[mats[q][lane // 4, 2 * (lane % 4) + e] for e in range(2)]
             for q in range(4)] for lane in range(32)]


def f16_fragments_check(rng):
    """The f16 / bf16 kernel's ldmatrix addresses for one warp's 16 x 32
    sub-tile of a 64 x 16 A tile and a 16 x 64 B tile: lane l addresses A
    row wm + l % 8 + 8 ((l / 8) % 2), column 8 (l / 16) (x4), and B row
    l % 8 + 8 ((l / 8) % 2), column wn + 8 (l / 16) + 8 j for j = 0, 2 (x4
    .trans: rows 0, 1 of the result are n-tile j's registers, rows 2, 3
    n-tile j + 1's)."""
    a_tile = rng.integers(-8, 8, (TILE, 16))
    b_tile = rng.integers(-8, 8, (16, TILE))
    for warp in range(8):
        wm, wn = 16 * (warp % 4), 32 * (warp // 4)
        row_in_pair = [l % 8 + 8 * ((l // 8) % 2) for l in range(32)]
        col_half = [8 * (l // 16) for l in range(32)]
        a = ldmatrix_x4(a_tile, [(wm + row_in_pair[l], col_half[l]) for l in range(32)], False)
        a_regs = [[x for q in range(4) for x in a[lane][q]] for lane in range(32)]
        b_frags = []
        for j in (0, 2):
            pair = ldmatrix_x4(b_tile, [(row_in_pair[l], wn + col_half[l] + 8 * j)
                                        for l in range(32)], True)
            for h in range(2):
                b_frags.append([[x for q in (2 * h, 2 * h + 1) for x in pair[lane][q]]
                                for lane in range(32)])
        for j in range(4):
            d = mma(a_regs, b_frags[j], [[0] * 4] * 32, isa_a_k16, isa_b_k16, 16, 8, 16, 2)
            ref = a_tile[wm:wm + 16] @ b_tile[:, wn + 8 * j:wn + 8 * j + 8]
            for lane in range(32):
                g, t = lane // 4, lane % 4
                for q in range(2):
                    for e in range(2):
                        assert d[lane][2 * q + e] == ref[g + 8 * q, 2 * t + e], "f16 C map"


def main():
    rng = np.random.default_rng(7)
    cases = [(64, 64, 32, False, True), (70, 90, 100, False, True),
             (17, 48, 64, True, True), (5, 130, 30, True, False)]
    for M, N, K, a_signed, b_signed in cases:
        A = rng.integers(-128 if a_signed else 0, 128 if a_signed else 256, (M, K))
        B = rng.integers(-128 if b_signed else 0, 128 if b_signed else 256, (K, N))
        got = int8_kernel(A.astype(np.int8 if a_signed else np.uint8),
                          B.astype(np.int8 if b_signed else np.uint8), a_signed, b_signed)
        ref = A.astype(np.int64) @ B.astype(np.int64)
        if not np.array_equal(got, ref):
            print("FAIL: int8 kernel %dx%dx%d differs from A @ B" % (M, N, K))
            return 1
        print("int8 m16n8k32 %dx%dx%d %s x %s: exact" %
              (M, N, K, "s8" if a_signed else "u8", "s8" if b_signed else "u8"))
    f16_fragments_check(rng)
    print("f16/bf16 m16n8k16 fragments (ldmatrix): exact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
