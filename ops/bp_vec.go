package ops

// cavityGVec is cavityG with the row kernel cav (see bpi_vec.go for the
// prepared rows and the accuracy): for every (k, i) it evaluates the B
// cavity output functions g(Btop[k,n], ω[k,n] − mcav[k,i,n]·x̂cav[k,i,n],
// V[k,n]) in one call. prep is the op's scratch, grown as needed.
func cavityGVec[T Float](cav cavGRowFunc[T], dst, btop, omega, v, mcav []T, xcav cavX[T], prep *[]T, K, N, B int) {
	bp := padded(B)
	rowLen := cavStreams * bp
	*prep = grow(*prep, K*rowLen)
	rows := *prep
	bpiPrep(rows, omega, v, btop, K, B, bp)
	parallelFor(K, N*B*4, func(lo, hi int) {
		buf := make([]T, 3*bp) // padded copies when B is not a multiple of vecPad
		xp, mp, gp := buf[:bp], buf[bp:2*bp], buf[2*bp:]
		for k := lo; k < hi; k++ {
			x, row := xcav.at(k), rows[k*rowLen:(k+1)*rowLen]
			for i := 0; i < N; i++ {
				j := (k*N + i) * B
				if B == bp {
					cav(x[i*B:(i+1)*B], mcav[j:j+B], row, dst[j:j+B], bp)
					continue
				}
				copy(xp, x[i*B:(i+1)*B])
				copy(mp, mcav[j:j+B])
				cav(xp, mp, row, gp, bp)
				copy(dst[j:j+B], gp)
			}
		}
	})
}

// bpKernels are the vector kernels of the BP layer's passes.
type bpKernels[T Float] struct {
	backward func(x, m, prep, acc, g []T, stride int) T  // cavityBackwardVec: one row (k, i)
	mag      func(dst, m, g, x []T, h, psi, mk T)        // cavityMagVec: one row (k, i)
	magDown  func(dst, m, g, x, b, bc []T, h, psi, mk T) // the same, and Bcav
	sumTanh  row2Func[T]                                 // cavityMeans: tanh(a + b)
	mulAdd   row2Func[T]                                 // cavityOmega: dst += a·b
}

// bpRows returns the BP kernels of level l for T (nil at the scalar level).
func bpRows[T Float](l vecLevel) bpKernels[T] {
	k := &asmKernels[l]
	r, _ := pick[T](k.bp64, k.bp32).(bpKernels[T])
	return r
}

// cavityBackward writes, for BPCavityBackward, gcav (cavityG), then Hin
// (cavityHin) and, if down, B (cavityDownField) into dst; prep is the op's
// scratch for the vector kernel.
func cavityBackward[T Float](dst, btop, omega, v, mcav []T, xcav cavX[T], prep *[]T, K, N, B int, down bool) {
	knb, kn := K*N*B, K*N
	if cav := bpRows[T](currentLevel()).backward; cav != nil {
		cavityBackwardVec(cav, dst, btop, omega, v, mcav, xcav, prep, K, N, B, down)
		return
	}
	cavityG(dst[:knb], btop, omega, v, mcav, xcav, K, N, B)
	cavityHin(dst[knb:knb+kn], dst[:knb], xcav, K, N, B)
	if down {
		cavityDownField(dst[knb+kn:], mcav, dst[:knb], K, N, B)
	}
}

// bpChunks is the number of blocks of units cavityBackwardVec splits K
// into, each with its own partial downward field: fixed, so that the sums
// do not depend on the number of threads.
const bpChunks = 8

// cavityBackwardVec is cavityBackward with the row kernel cav, which
// stores the B cavity messages of a row (k, i) and contracts them into
// Hin[k,i] and a partial downward field of input i in the same pass. The
// rows are visited in memory order, in bpChunks blocks of units run in
// parallel; the partial fields of the blocks are added at the end, in
// block order.
func cavityBackwardVec[T Float](cav func(x, m, prep, acc, g []T, stride int) T, dst, btop, omega, v, mcav []T, xcav cavX[T], prep *[]T, K, N, B int, down bool) {
	bp := padded(B)
	rowLen, nc := cavStreams*bp, min(K, bpChunks)
	*prep = grow(*prep, K*rowLen+nc*N*bp)
	rows, parts := (*prep)[:K*rowLen], (*prep)[K*rowLen:]
	bpiPrep(rows, omega, v, btop, K, B, bp)
	knb := K * N * B
	gcav, hin := dst[:knb], dst[knb:knb+K*N]
	parallelFor(nc, (K/nc)*N*B*4, func(lo, hi int) {
		var pad []T // padded copies of x̂, m and g when B is not a multiple of vecPad
		if B != bp {
			pad = make([]T, 3*bp)
		}
		for c := lo; c < hi; c++ {
			part := parts[c*N*bp : (c+1)*N*bp]
			clear(part)
			for k := c * K / nc; k < (c+1)*K/nc; k++ {
				x, row := xcav.at(k), rows[k*rowLen:(k+1)*rowLen]
				for i := 0; i < N; i++ {
					j, a := (k*N+i)*B, part[i*bp:(i+1)*bp]
					xi, m, g := x[i*B:(i+1)*B], mcav[j:j+B], gcav[j:j+B]
					if pad == nil {
						hin[k*N+i] = cav(xi, m, row, a, g, bp)
						continue
					}
					copy(pad, xi)
					copy(pad[bp:], m)
					hin[k*N+i] = cav(pad[:bp], pad[bp:2*bp], row, a, pad[2*bp:], bp)
					copy(g, pad[2*bp:])
				}
			}
		}
	})
	if down {
		sumParts(dst[knb+K*N:], parts, nc, N, B)
	}
}

// sumParts sets b[i,n] = Σ_c parts[c][i][n] (nc blocks of N rows of
// padded(B)), summed in block order.
func sumParts[T Float](b, parts []T, nc, N, B int) {
	bp := padded(B)
	parallelFor(N, nc*B, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			bi := b[i*B : (i+1)*B]
			copy(bi, parts[i*bp:])
			for c := 1; c < nc; c++ {
				p := parts[(c*N+i)*bp:]
				for n := range bi {
					bi[n] += p[n]
				}
			}
		}
	})
}

// cavityMagVec is cavityMag with the kernels k, which update the whole
// vectors of each row (k, i) in one pass, the tanh in registers; the tail
// of a row (B not a multiple of rowLanes) is left to magPoint.
func cavityMagVec[T Float](k bpKernels[T], dst, bc, mcav, h, gcav, b []T, xcav cavX[T], mask []T, psi T, K, N, B int) {
	nv := B &^ (rowLanes - 1)
	parallelFor(K, N*B*4, func(lo, hi int) {
		for ku := lo; ku < hi; ku++ {
			x := xcav.at(ku)
			for i := 0; i < N; i++ {
				r, hki, mk := (ku*N+i)*B, h[ku*N+i], mask[ku*N+i]
				xi, m, g := x[i*B:(i+1)*B], mcav[r:r+B], gcav[r:r+B]
				if b != nil {
					bi, bci := b[i*B:(i+1)*B], bc[r:r+B]
					k.magDown(dst[r:r+nv], m[:nv], g[:nv], xi[:nv], bi[:nv], bci[:nv], hki, psi, mk)
					for n := nv; n < B; n++ {
						bci[n] = bi[n] - m[n]*g[n]
					}
				} else {
					k.mag(dst[r:r+nv], m[:nv], g[:nv], xi[:nv], hki, psi, mk)
				}
				for n := nv; n < B; n++ {
					dst[r+n] = magPoint(m[n], g[n], xi[n], hki, psi, mk)
				}
			}
		}
	})
}

// signChanChunk is the block of elements signChannelVec prepares at a time
// (a multiple of vecPad).
const signChanChunk = 256

// signChannelVec is signChannel with the BP cavity kernel cav: the output
// function of a cavity point at m·x̂ = 0 is that of the channel itself, so
// each block of elements is prepared as one row (bpiPrep) and evaluated
// with zero weights and inputs.
func signChannelVec[T Float](cav cavGRowFunc[T], dst, btop, omega, v []T) {
	buf := getScratch[T]()
	defer putScratch(buf)
	prep, zero, g := buf[:cavStreams*signChanChunk], buf[cavStreams*signChanChunk:(cavStreams+1)*signChanChunk], buf[(cavStreams+1)*signChanChunk:]
	clear(zero)
	for lo := 0; lo < len(dst); lo += signChanChunk {
		c := min(signChanChunk, len(dst)-lo)
		bp := padded(c)
		row := prep[:cavStreams*bp]
		bpiPrep(row, omega[lo:lo+c], v[lo:lo+c], btop[lo:lo+c], 1, c, bp)
		cav(zero[:bp], zero[:bp], row, g[:bp], bp)
		copy(dst[lo:lo+c], g[:c])
	}
}
